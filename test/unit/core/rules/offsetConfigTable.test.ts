/**
 * offset-pagination over a table whose name says configuration rows (issue 14, session 23, offset23): nested API
 * controllers paging one record's definitions, options, levels or roles (`current_campaign.campaign_gift_options.page(…)`),
 * and SQL that pages `FROM custom_field_definitions`. Without a database the name is the only evidence, so the finding
 * is a note (info) that says why, not hidden; tables of every other name keep the warning.
 */
import { strict as assert } from 'node:assert';
import { offsetPagination } from '../../../../src/core/rules/offsetPagination';
import { ormOffsetAnalyzer } from '../../../../src/core/rules/ormOffset';
import { chainRelation, configurationKind } from '../../../../src/core/rules/configTable';
import { analyzeFile } from '../../../../src/core/scan';
import { check } from './helpers';

const severities = async (text: string, path: string) =>
  (await analyzeFile({ path, text }, { analyzers: [ormOffsetAnalyzer()] })).findings.filter((f) => f.ruleId === 'offset-pagination').map((f) => [f.severity, f.evidence?.configurationTable ?? f.evidence?.size]);

describe('offset-pagination: tables whose name says configuration rows', () => {
  it('names the configuration kind a table or association ends with, and no other', () => {
    assert.equal(configurationKind('campaign_gift_options'), 'option');
    assert.equal(configurationKind('custom_field_definitions'), 'definition');
    assert.equal(configurationKind('public."TicketLevel"'), 'level');
    assert.equal(configurationKind('roles'), 'role');
    assert.equal(configurationKind('user_settings'), 'setting');
    for (const t of ['payments', 'supporters', 'transactions', 'templates', 'tags', 'campaigns', 'queues', 'statuses', 'role_assignments_log']) assert.equal(configurationKind(t), undefined, t);
  });
  it('reads the table a query chain pages, over refining calls and line breaks', () => {
    const rb = '@options =\n\tcurrent_campaign\n\t.campaign_gift_options\n\t.order(\'id DESC\')\n\t.page(params[:page])\n\t.per(params[:per])';
    assert.equal(chainRelation(rb, rb.indexOf('page(')), 'campaign_gift_options');
    const roles = '@roles = current_nonprofit.roles.page(params[:page]).per(params[:per])';
    assert.equal(chainRelation(roles, roles.indexOf('page(')), 'roles');
    const js = 'const rows = await Role.query().where("shop_id", id).orderBy("id").limit(size).offset(page * size)';
    assert.equal(chainRelation(js, js.indexOf('offset(')), 'Role');
  });
  it("a Rails controller paging one record's configuration rows is a note that says why; its payments, a note that their size is unproved", async () => {
    const rb = [
      'class Api::GiftOptionsController < Api::ApiController',
      '  def index',
      '    @gift_options = current_campaign.campaign_gift_options.order(\'id DESC\').page(params[:page]).per(params[:per])',
      '    @payments = current_nonprofit.payments.order(\'created DESC\').page(params[:page]).per(params[:per])',
      '  end',
      'end',
    ].join('\n');
    assert.deepEqual(await severities(rb, 'app/controllers/api/gift_options_controller.rb'), [['info', 'campaign_gift_options'], ['info', 'unproved']]);
  });
  it('a find call paging a configuration model by skip or offset is a note that says why; any other model, a note that its size is unproved', async () => {
    const ts = [
      'export async function list(page: number) {',
      '  const defs = await prisma.fieldDefinition.findMany({ where: { projectId }, orderBy: { name: "asc" }, take: 20, skip: page * 20 });',
      '  const runs = await prisma.taskRun.findMany({ where: { projectId }, orderBy: { id: "desc" }, take: 20, skip: page * 20 });',
      '  return { defs, runs };',
      '}',
    ].join('\n');
    assert.deepEqual(await severities(ts, 'src/list.ts'), [['info', 'fieldDefinition'], ['info', 'unproved']]);
  });
  it('SQL paging FROM a configuration table is a note that says why; a table of any other name, a note that its size is unproved', () => {
    const defs = check(offsetPagination, 'SELECT id, name FROM custom_field_definitions WHERE nonprofit_id = $1 ORDER BY id LIMIT $2 OFFSET $3').findings;
    assert.deepEqual(defs.map((f) => f.severity), ['info']);
    assert.match(defs[0].message, /custom_field_definitions: its name says definition rows/);
    // A configuration table joined to the paged one does not make the page small.
    const joined = check(offsetPagination, 'SELECT p.id FROM payments p JOIN payment_options o ON o.id = p.option_id ORDER BY p.id LIMIT $1 OFFSET $2').findings;
    assert.deepEqual(joined.map((f) => [f.severity, f.evidence?.configurationTable, f.evidence?.size]), [['info', undefined, 'unproved']]);
  });
});
