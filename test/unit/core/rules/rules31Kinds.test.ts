/**
 * Kinds of mistakes of the SQL rules seen on issue 14's split rules-t (session 31: HCB and CodeOcean on Rails, Windshaft-cartodb
 * in plain JavaScript), each fixed as a kind and checked on our own fixture code.
 */
import { strict as assert } from 'node:assert';
import { nonSargablePredicate } from '../../../../src/core/rules/nonSargablePredicate';
import { selectStar } from '../../../../src/core/rules/selectStar';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import { railsSchemaDdl } from '../../../../src/core/sql/railsSchema';
import { fragmentSargableAnalyzer, tableOfModel } from '../../../../src/core/rules/fragmentSargable';
import { declaredNotNull, declaredUniqueColumn, declaredUnindexedColumn, declaredForeignKey, isDeclaredIndexExpression } from '../../../../src/core/sql/declaredIndexes';
import { declared } from './helpers';

const SCHEMA_RB = [
  '# This file is auto-generated from the current state of the database.',
  'ActiveRecord::Schema[7.2].define(version: 2026_08_01_000000) do',
  '  enable_extension "plpgsql"',
  '',
  '  create_table "payments", force: :cascade do |t|',
  '    t.bigint "account_id", null: false',
  '    t.integer "amount_cents", null: false',
  '    t.date "paid_on"',
  '    t.string "memo"',
  '    t.jsonb "details", default: {}',
  '    t.string "tags", default: [], array: true',
  '    t.datetime "created_at", null: false',
  '    t.index ["account_id"], name: "index_payments_on_account_id"',
  '    t.index ["paid_on"], name: "index_payments_on_paid_on"',
  '    t.index "lower((memo)::text)", name: "index_payments_on_lower_memo"',
  '  end',
  '',
  '  create_table "accounts", force: :cascade do |t|',
  '    t.string "email", null: false',
  '    t.string "slug"',
  '    t.datetime "created_at", null: false',
  '    t.index ["email"], name: "index_accounts_on_email", unique: true',
  '    t.index ["slug"], name: "index_accounts_on_slug", unique: true, where: "(deleted_at IS NULL)"',
  '  end',
  '',
  '  create_table "tag_links", id: false, force: :cascade do |t|',
  '    t.bigint "tag_id", null: false',
  '    t.bigint "payment_id", null: false',
  '  end',
  '',
  '  add_foreign_key "payments", "accounts"',
  'end',
].join('\n');

const METRIC_RB = (where: string) =>
  [
    'class Metric',
    '  def calculate',
    '    ActiveRecord::Base.connection.exec_query(<<~SQL)',
    '      SELECT SUM(amount_cents) AS total',
    '      FROM payments',
    `      WHERE ${where} = #{Metric.year}`,
    '    SQL',
    '  end',
    'end',
  ].join('\n');

describe('rules-t kinds', () => {
  it("Rails' db/schema.rb is read as the DDL it stands for: tables, columns, NOT NULL, keys, foreign keys and indexes", () => {
    const d = declared(railsSchemaDdl(SCHEMA_RB));
    const payments = d.tables!.get('payments')!;
    assert.deepEqual([...payments.columns].sort(), ['account_id', 'amount_cents', 'created_at', 'details', 'id', 'memo', 'paid_on', 'tags']);
    assert.ok(payments.large.has('details') && payments.large.has('tags'), 'jsonb and arrays are large values');
    assert.equal(declaredNotNull(d, 'payments', 'account_id'), true);
    assert.equal(declaredNotNull(d, 'payments', 'paid_on'), false);
    assert.equal(declaredNotNull(d, 'payments', 'id'), true, 'the implicit id primary key');
    assert.ok(declaredUniqueColumn(d, 'payments', 'id'));
    assert.ok(declaredUniqueColumn(d, 'accounts', 'email'), 'a unique index of one column');
    assert.ok(!declaredUniqueColumn(d, 'accounts', 'slug'), 'a partial unique index is no key of the table');
    assert.ok(declaredForeignKey(d, 'payments', 'account_id'), 'add_foreign_key "payments", "accounts" → account_id');
    assert.ok(isDeclaredIndexExpression(d, 'payments', 'lower(memo)', { wrapped: true }), 'the expression index');
    assert.ok(declaredUnindexedColumn(d, 'payments', 'created_at'));
    assert.ok(!declaredUnindexedColumn(d, 'payments', 'paid_on'));
    assert.ok(!d.tables!.get('tag_links')!.columns.has('id'), 'id: false');
    assert.equal(railsSchemaDdl('class User < ApplicationRecord\nend\n'), '', 'no schema dump, no DDL');
  });

  it('non-sargable-predicate: EXTRACT(YEAR FROM col) over a column db/schema.rb indexes nowhere hides no index; over an indexed one it does', async () => {
    const d = declared(railsSchemaDdl(SCHEMA_RB));
    const scan = async (where: string) => {
      const r = await analyzeFile({ path: 'app/models/metric.rb', text: METRIC_RB(where) }, { analyzers: [rulesAnalyzer({ rules: [nonSargablePredicate], declared: d })] });
      return r.findings.filter((f) => f.ruleId === 'non-sargable-predicate').map((f) => `${f.severity} ${f.evidence?.expression}`);
    };
    assert.deepEqual(await scan('EXTRACT(YEAR FROM created_at)'), []);
    assert.deepEqual(await scan("date_part('year', paid_on)"), ["warning date_part('year', paid_on)"]);
  });

  it('non-sargable-predicate: an expression over columns of several tables (CONCAT of left-joined ids) could be held by no index', async () => {
    const rb = [
      'class MostInteractedWith',
      '  def calculate',
      '    ActiveRecord::Base.connection.execute(<<~SQL)',
      '      SELECT comments.user_id, COUNT(*) FROM comments',
      '      LEFT JOIN ach_transfers ON ach_transfers.id = comments.commentable_id',
      '      LEFT JOIN checks ON checks.id = comments.commentable_id',
      "      WHERE CONCAT(ach_transfers.creator_id, checks.creator_id) = '#{user.id}'",
      "        AND lower(comments.body) = 'thanks'",
      '      GROUP BY comments.user_id',
      '    SQL',
      '  end',
      'end',
    ].join('\n');
    const r = await analyzeFile({ path: 'app/models/most_interacted_with.rb', text: rb }, { analyzers: [rulesAnalyzer({ rules: [nonSargablePredicate] })] });
    assert.deepEqual(
      r.findings.filter((f) => f.ruleId === 'non-sargable-predicate').map((f) => f.evidence?.expression),
      ['lower(comments.body)'],
    );
  });

  it('select-star: a statement kept as a template and run by no call in its file (a generic middleware runs it) is not judged by what the file reads', async () => {
    const schema = 'CREATE TABLE cdb_analysis_catalog (node_id char(40) NOT NULL, analysis_def jsonb NOT NULL, status text, username text, cache_tables regclass[] NOT NULL, PRIMARY KEY (node_id));';
    const js = [
      "'use strict';",
      'const catalogQueryTpl = ctx => `',
      "    SELECT analysis_def->>'type' as type, * FROM cartodb.cdb_analysis_catalog WHERE username = '${ctx._username}'",
      '`;',
      'function getDataFromQuery ({ queryTemplate, key }) {',
      '    return function getCatalogMiddleware (req, res, next) {',
      '        const sql = queryTemplate({ _username: res.locals.user });',
      '        res.locals.pg.query(sql, (err, resultSet = {}) => {',
      '            res.locals[key] = resultSet.rows || [];',
      '            next();',
      '        });',
      '    };',
      '}',
      "module.exports = { catalog: getDataFromQuery({ queryTemplate: catalogQueryTpl, key: 'catalog' }) };",
    ].join('\n');
    const r = await analyzeFile({ path: 'lib/api/map/analyses-catalog-controller.js', text: js }, { analyzers: [rulesAnalyzer({ rules: [selectStar], declared: declared(schema) })] });
    assert.deepEqual(r.findings.map((f) => f.message), []);
  });

  it('select-star: a statement assigned to a name and passed to a call right after it (an unknown helper, past an annotation) is judged where it runs', async () => {
    const schema = 'CREATE TABLE optionvalue (optionvalueid bigint PRIMARY KEY, uid varchar(11), code varchar(230) NOT NULL, name text, style jsonb, optionsetid bigint, attributevalues jsonb);';
    const java = [
      'public class HibernateOptionStore {',
      '  public Optional<Option> findOptionByCode(UID optionSet, String code) {',
      '    String sql =',
      '        """',
      '      select * from optionvalue',
      '      where optionsetid = (select optionsetid from optionset s where s.uid = :uid)',
      '      and code = :code""";',
      '    @SuppressWarnings("unchecked")',
      '    List<Option> options = nativeSynchronizedQuery(sql).setParameter("uid", optionSet.getValue()).setParameter("code", code).list();',
      '    return options.isEmpty() ? Optional.empty() : Optional.of(options.get(0));',
      '  }',
      '}',
    ].join('\n');
    const r = await analyzeFile({ path: 'src/main/java/org/acme/option/HibernateOptionStore.java', text: java }, { analyzers: [rulesAnalyzer({ rules: [selectStar], declared: declared(schema) })] });
    assert.deepEqual(r.findings.map((f) => f.evidence?.unreadLarge), [['optionvalue.style', 'optionvalue.attributevalues']]);
  });

  it("select-star: one row by its key with only varchar columns left unread is no finding; an unread text column still is (the maintainers' wide columns: text, json, bytea, arrays)", async () => {
    const schema = (memo: string) => `CREATE TABLE recurring_donations (id serial PRIMARY KEY, donation_id integer, n_failures integer, email varchar(255), edit_token varchar(255), origin_url varchar(255), memo ${memo});`;
    const rb = [
      'module PayRecurringDonation',
      '  def self.charge(rd_id)',
      '    rd = Psql.execute("SELECT * FROM recurring_donations WHERE id=#{rd_id}").first',
      "    donation = Donation.find(rd['donation_id'])",
      "    notify(donation) if rd['n_failures'] >= 3",
      '  end',
      'end',
    ].join('\n');
    const scan = async (memo: string) => (await analyzeFile({ path: 'app/legacy_lib/pay_recurring_donation.rb', text: rb }, { analyzers: [rulesAnalyzer({ rules: [selectStar], declared: declared(schema(memo)) })] })).findings.map((f) => f.evidence?.wideUnread);
    assert.deepEqual(await scan('varchar(255)'), []);
    assert.deepEqual(await scan('text'), [['recurring_donations.memo']]);
  });

  it('non-sargable-predicate: an ActiveRecord condition string `lower(email) = ?` on a model whose table db/schema.rb indexes by email (not lower(email)) is a warning', async () => {
    const schema = (extra: string) =>
      ['ActiveRecord::Schema[7.1].define(version: 1) do', '  create_table "users", force: :cascade do |t|', '    t.string "email", null: false', '    t.string "name"', '    t.index ["email"], name: "index_users_on_email", unique: true', extra, '  end', 'end'].join('\n');
    const rb = [
      'class User < ApplicationRecord',
      '  def self.find_or_create_with_email(em)',
      "    user = where('lower(email) = ?', em.downcase).first",
      '    return user if user.present?',
      '    User.create!(email: em)',
      '  end',
      '  def self.named(n)',
      "    User.find_by('lower(name) = ?', n.downcase)",
      '  end',
      'end',
    ].join('\n');
    const events = "class EventsController < ApplicationController\n  def dup(name)\n    @event.descendants.find_by(\"lower(name) = ?\", name.downcase)\n  end\nend\n";
    const scan = async (path: string, text: string, extra = '') => (await analyzeFile({ path, text }, { analyzers: [fragmentSargableAnalyzer({ declared: declared(railsSchemaDdl(schema(extra))) })] })).findings.map((f) => `${f.severity} ${f.evidence?.table}.${f.evidence?.expression}`);
    // name has no index: nothing hidden; the controller's receiver is no model.
    assert.deepEqual(await scan('app/models/user.rb', rb), ['warning users.lower(email)']);
    assert.deepEqual(await scan('app/models/user.rb', rb, '    t.index "lower((email)::text)", name: "index_users_on_lower_email"'), []);
    assert.deepEqual(await scan('app/controllers/events_controller.rb', events), []);
    assert.deepEqual([tableOfModel('User'), tableOfModel('Category'), tableOfModel('Address'), tableOfModel('RecurringDonation')], ['users', 'categories', 'addresses', 'recurring_donations']);
  });
});
