/**
 * Where a loop's collection comes from (issue 14, n1-21): "one parent's children" (a relation on one object, a query
 * filtered by one parent key, a request body's array) or "a page of the data" (a whole table, a list endpoint, a
 * paginated query) — read from the iterable and the value bound to it, kept in the N+1 finding's evidence (`source`);
 * with a database, rows per parent (pg_stats) make a children loop a warning when many, info when few
 * (core/nplusone/perParent.ts, pure: the figures are passed in). Synthetic fixtures, not copied from an app.
 */
import { strict as assert } from 'node:assert';
import { loopSourceOf } from '../../../../src/core/nplusone/loopSource';
import { applyPerParent, perParentLookup, rowsPerParent, type PerParentFact } from '../../../../src/core/nplusone/perParent';
import { oneObjectPossible } from '../../../../src/core/nplusone/loopEvidence';
import type { NPlusOneEvidence } from '../../../../src/core/nplusone/detect';
import type { Finding } from '../../../../src/core/findings';
import { scanNPlusOne } from '../../support/nplusoneFixtures';
import { codeAnalyzers } from '../../../../src/core/analyzers';
import { scanFiles } from '../../../../src/core/scan';

describe('N+1: where the loop\'s collection comes from (one parent\'s children, or a page of the data)', () => {
  const kind = (it: string, bound?: string) => loopSourceOf(it, bound)?.kind;

  it('one parent\'s children: a relation on one object, a query named or filtered by one parent key, a request body', () => {
    assert.deepEqual(loopSourceOf('apps', 'a.DB.GetApplicationsByUser(userID)'), { kind: 'children', parent: 'user', children: 'Applications', from: 'GetApplicationsByUser(userID)' });
    assert.deepEqual(loopSourceOf('gist.Languages', undefined), { kind: 'children', parent: 'gist', children: 'Languages', from: 'gist.Languages' });
    assert.equal(loopSourceOf('story.comments.all()', undefined)?.parent, 'story');
    assert.deepEqual(loopSourceOf('settings', 'Setting.objects.filter(group=group)'), { kind: 'children', parent: 'group', children: 'Setting', column: 'group', from: 'Setting.objects.filter(group=group)' });
    assert.equal(loopSourceOf('rows', "await db.query('SELECT * FROM setting WHERE group_id = $1', [id])")?.column, 'group_id');
    assert.equal(loopSourceOf('steps', 'await prisma.workflowStep.findMany({ where: { workflowId }, orderBy: { order: "asc" } })')?.parent, 'workflow');
    assert.equal(loopSourceOf('users', 'User.where(team_id: team.id)')?.parent, 'team');
    assert.deepEqual(loopSourceOf('req.body.steps', undefined), { kind: 'children', parent: 'the request', children: 'steps', from: 'req.body.steps' });
    assert.equal(kind('items', 'request.data["items"]'), 'children');
  });

  it('a page of the data: a whole table, a list with no filter, a paginated query', () => {
    assert.equal(kind('users', 'User.objects.all()'), 'page');
    assert.equal(kind('users', 'await prisma.user.findMany()'), 'page');
    assert.equal(kind('posts', 'Post.query.paginate(page, per_page)'), 'page');
    assert.equal(kind('rows', "await db.query('SELECT id FROM users')"), 'page');
  });

  it('neither when the code does not say: a list of keys, a parameter, the object\'s own field, an unknown call', () => {
    assert.equal(kind('tags', 'Tag.objects.filter(id__in=ids)'), undefined);
    assert.equal(kind('assets', 'Asset.objects.filter(status=Asset.STATUS_PENDING)'), undefined);
    assert.equal(kind('self.items'), undefined);
    assert.equal(kind('xs', 'foo(bar)'), undefined);
    assert.equal(kind('ids'), undefined);
  });

  it('each N+1 finding keeps its loop\'s source in its evidence (a Go store method, a Django filter, a whole table)', async () => {
    const found = await scanNPlusOne([
      { path: 'api/user.go', text: [
        'package api', '', 'import "database/sql"', '',
        'func (a *API) DeleteUser(db *sql.DB, userID uint) error {',
        '\tapps, err := a.DB.GetApplicationsByUser(userID)',
        '\tif err != nil {', '\t\treturn err', '\t}',
        '\tfor _, app := range apps {',
        '\t\tdb.Exec("DELETE FROM messages WHERE application_id = $1", app.ID)', '', '',
        '\t}', '\treturn nil', '}', ''] },
      { path: 'forum/views.py', text: [
        'from django.db import models', 'from forum.models import Setting, Topic', '',
        'def save_group(request, group):',
        '    for setting in Setting.objects.filter(group=group):',
        '        setting.value = request.POST[setting.key]',
        '        setting.save()',
        '', '',
        'def touch_all(request):',
        '    for topic in Topic.objects.all():',
        '        topic.save()', ''] },
    ]);
    const src = (file: string, line: number) => (found.find((f) => f.file === file && f.line === line)?.evidence as unknown as NPlusOneEvidence | undefined)?.source;
    assert.deepEqual(found.map((f) => `${f.file}:${f.line}`).sort(), ['api/user.go:11', 'forum/views.py:12', 'forum/views.py:7']);
    assert.equal(src('api/user.go', 11)?.kind, 'children');
    assert.equal(src('api/user.go', 11)?.parent, 'user');
    assert.equal(src('forum/views.py', 7)?.kind, 'children');
    assert.equal(src('forum/views.py', 7)?.column, 'group');
    assert.equal(src('forum/views.py', 12)?.kind, 'page');
  });

  it('a loop over the members of ONE object (`order.lines`, `@card.labels`) is a possible N+1 (info, "record to confirm"; failed before n1az); the members of each item of an outer loop, a query by the parent\'s key and a request\'s list stay warnings', async () => {
    const found = await scanNPlusOne([
      { path: 'shop/views.py', text: [
        'from django.db import models', 'from shop.models import Alias, Heartbeat, Product', '',
        'def order_total(request, order):',
        '    total = 0',
        '    for line in order.line_items:',
        '        total += Product.objects.get(id=line.product_id).price',
        '    return total', '',
        'def status_page(request, groups):',
        '    for group in groups:',
        '        for monitor in group.monitors:',
        '            Heartbeat.objects.filter(monitor_id=monitor.id).first()', '',
        'def delete_mailbox(request, mailbox_id):',
        '    for alias in Alias.objects.filter(mailbox_id=mailbox_id):',
        '        alias.delete()', '',
        'def delete_chosen(request):',
        '    for alias_id in request.data["ids"]:',
        '        Alias.objects.get(id=alias_id).delete()', ''] },
      { path: 'app/controllers/cards_controller.rb', text: [
        'class CardsController < ApplicationController',
        '  def copy',
        '    @card.labels.each do |label|',
        '      Label.create!(card_id: @copy.id, name: label.name)',
        '    end',
        '  end',
        'end', ''] },
    ]);
    const at = (file: string, line: number) => found.find((f) => f.file === file && f.line === line);
    assert.equal(at('shop/views.py', 7)?.severity, 'info');
    assert.match(at('shop/views.py', 7)!.message, /^Possible N\+1, over the members of one object \(`order\.line_items`\), as many round trips as that one row holds.*record the app to confirm: N\+1 query/);
    assert.equal(at('app/controllers/cards_controller.rb', 4)?.severity, 'info');
    assert.equal(at('shop/views.py', 13)?.severity, 'warning', 'each group\'s monitors: every group, not one');
    assert.equal(at('shop/views.py', 17)?.severity, 'warning', 'a query by the parent\'s key');
    assert.equal(at('shop/views.py', 21)?.severity, 'warning', 'a request\'s list');
  });

  describe('rows per parent from the database (pure: the figures are passed in)', () => {
    const finding = (source: NPlusOneEvidence['source'], severity: Finding['severity'] = 'warning', context: Finding['context'] = 'request'): Finding => ({
      ruleId: 'n-plus-one', severity, context, message: 'Write per item: `db.Exec` runs once per `app` in `apps`: one round trip per row. Batch it.', span: { start: 0, end: 1 }, fixes: [],
      evidence: { kind: 'write-in-loop', library: 'database/sql', call: 'db.Exec', loop: 'for', rewrite: { title: '', help: '' }, source } as unknown as Record<string, unknown>,
    });
    const apps = { kind: 'children' as const, parent: 'user', children: 'Applications', from: 'GetApplicationsByUser(userID)' };
    const fact = (nDistinct: number, reltuples = 4000, nullFrac = 0): PerParentFact => ({ schema: 'public', table: 'applications', column: 'user_id', reltuples, nDistinct, nullFrac });

    it('rows per parent: reltuples × (1 − null_frac) / n_distinct, a negative n_distinct a share of the rows; none without statistics', () => {
      assert.equal(rowsPerParent(fact(100)), 40);
      assert.equal(rowsPerParent(fact(-0.5)), 2);
      assert.equal(rowsPerParent(fact(100, 4000, 0.5)), 20);
      assert.equal(rowsPerParent({ ...fact(100), nDistinct: undefined }), undefined);
      assert.equal(rowsPerParent(fact(100, -1)), undefined);
    });

    it('asks for the child table and the parent\'s key column, never for a request body', () => {
      const l = perParentLookup([finding(apps), finding({ kind: 'children', parent: 'the request', children: 'steps', from: 'req.body.steps' }), finding({ kind: 'page', from: '.all()' })])!;
      assert.ok(l.tables.includes('applications') && l.tables.includes('application'), JSON.stringify(l));
      assert.deepEqual(l.columns, ['user_id', 'userid']);
      // A relation of one object: its table by the child's name, or the parent's and the child's (`webhook_events`; Prisma's `WorkflowStep`).
      const steps = perParentLookup([finding({ kind: 'children', parent: 'workflow', children: 'steps', from: 'workflow.steps' })])!;
      assert.ok(['steps', 'step', 'workflow_steps', 'workflowstep'].every((n) => steps.tables.includes(n)), JSON.stringify(steps));
      assert.equal(perParentLookup([finding({ kind: 'page', from: '.all()' })]), undefined);
    });

    it('many per parent: a warning with the figure; few: info with the figure; another table or column: unchanged', () => {
      const [many] = applyPerParent([finding(apps)], [fact(100)], 10);
      assert.equal(many.severity, 'warning');
      assert.match(many.message, /Many per parent: about 40 rows per user in applications — pg_stats \(applications\.user_id: reltuples \/ n_distinct\)\.$/);
      const [few] = applyPerParent([finding(apps)], [fact(2000)], 10);
      assert.equal(few.severity, 'info');
      assert.match(few.message, /^Possible N\+1 — per user's Applications, about 2 rows per user in applications — pg_stats .*, below 10: Write per item/);
      const [other] = applyPerParent([finding(apps)], [{ ...fact(2000), column: 'team_id' }], 10);
      assert.equal(other.message, finding(apps).message);
    });

    it('the analyzers the editor and the CLI run take the figures as passed in (codeAnalyzers perParent), before the context cap', async () => {
      const text = ['package api', '', 'import "database/sql"', '', 'func (a *API) DeleteUser(db *sql.DB, userID uint) {', '\tapps, _ := a.DB.GetApplicationsByUser(userID)', '\tfor _, app := range apps {', '\t\tdb.Exec("DELETE FROM messages WHERE application_id = $1", app.ID)', '\t}', '}', ''].join('\n');
      const asked: unknown[] = [];
      const source = { read: async (lookup: unknown) => { asked.push(lookup); return [fact(2000)]; } };
      const r = await scanFiles([{ path: 'api/user.go', text }, { path: 'api/user_test.go', text }], { analyzers: codeAnalyzers({ perParent: { source, threshold: 10 } }) });
      const n1 = r.findings.filter((f) => f.ruleId === 'n-plus-one');
      assert.equal(n1.length, 2, JSON.stringify(n1.map((f) => f.message)));
      const app = n1.find((f) => f.file === 'api/user.go')!;
      assert.equal(app.severity, 'info');
      assert.match(app.message, /^Possible N\+1 — per user's Applications, about 2 rows per user in applications — pg_stats/);
      assert.ok(asked.length >= 1);
      // Many per parent: the warning says the figure; in a test file the loop stays below a warning (never raised).
      const many = await scanFiles([{ path: 'api/user.go', text }, { path: 'api/user_test.go', text }], { analyzers: codeAnalyzers({ perParent: { source: { read: async () => [fact(100)] }, threshold: 10 } }) });
      const appMany = many.findings.find((f) => f.ruleId === 'n-plus-one' && f.file === 'api/user.go')!;
      assert.equal(appMany.severity, 'warning');
      assert.match(appMany.message, /Many per parent: about 40 rows per user in applications/);
      assert.notEqual(many.findings.find((f) => f.ruleId === 'n-plus-one' && f.file === 'api/user_test.go')?.severity, 'warning');
    });

    it('a loop over one object\'s members (info for want of the figure) takes the level the figure gives', () => {
      const members = { kind: 'children' as const, parent: 'user', children: 'applications', from: 'user.applications' };
      const one = finding(members, 'info');
      one.message = `${oneObjectPossible('user.applications')}: ${one.message}`;
      const [many] = applyPerParent([one], [fact(100)], 10);
      assert.equal(many.severity, 'warning');
      assert.match(many.message, /^Write per item: .* Many per parent: about 40 rows per user in applications/);
      const [few] = applyPerParent([one], [fact(2000)], 10);
      assert.equal(few.severity, 'info');
      assert.match(few.message, /^Possible N\+1 — per user's applications, about 2 rows per user in applications — pg_stats .*, below 10: Write per item/);
      assert.deepEqual(applyPerParent([one], [{ ...fact(100), column: 'team_id' }], 10)[0], one);
    });

    it('never raises a finding that is not a warning (info for another reason, or by its code context)', () => {
      assert.equal(applyPerParent([finding(apps, 'info', 'test')], [fact(100)], 10)[0].severity, 'info');
      const bounded = finding(apps, 'info');
      bounded.message = `Possible N+1, bounded by the code: ${bounded.message}`;
      assert.deepEqual(applyPerParent([bounded], [fact(100)], 10)[0], bounded);
    });
  });
});
