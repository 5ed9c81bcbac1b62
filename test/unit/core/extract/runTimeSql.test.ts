/**
 * SQL an app builds at run time (issue 14, rules-d; umami's raw SQL, found invisible by the person's hour 20h P1):
 * template placeholders `{{name}}` / `{{name::uuid}}` are parameters; text spliced in where no value can stand
 * (`WHERE a = $1 ${filterQuery}`) is an optional clause — the statement is read without it and is dynamic; a string
 * that looks like SQL but still cannot be read is never dropped without a word: the scan says why, one hint each,
 * and counts them in the summary.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractSqlSitesDetailed } from '../../../../src/core/extract/index';
import { codeAnalyzers } from '../../../../src/core/analyzers';
import { scanFiles } from '../../../../src/core/scan';
import { describeUnreadSql, locate } from '../../../../src/core/output';
import { sitesIn } from '../../support/extractFixtures';

const ts = [
  'export async function getRealtimeActivity(websiteId: string, filters: Filters) {',
  '  const { filterQuery, dateQuery, cohortQuery, queryParams } = parseFilters({ ...filters, websiteId });',
  '  return rawQuery(',
  '    `',
  '    select website_event.session_id, website_event.url_path',
  '    from website_event',
  '    ${cohortQuery}',
  '    where website_event.website_id = {{websiteId::uuid}}',
  '      and website_event.created_at between {{startDate}} and {{ endDate }}',
  '    ${filterQuery}',
  '    ${dateQuery}',
  '    order by website_event.created_at desc',
  '    limit 100',
  '    `,',
  '    queryParams,',
  '  );',
  '}',
  '',
  'export async function getEventData(eventQuery: string, queryParams: object) {',
  '  return rawQuery(`select count(*) as num from (${eventQuery}) t`, queryParams);',
  '}',
  '',
  'async function clickhouseQuery(websiteId: string) {',
  '  return rawQuery(`',
  '    select count(distinct session_id) as "visitors"',
  '    from website_event',
  '    where website_id = {websiteId:UUID}',
  '    `, { websiteId });',
  '}',
  '',
];

describe('core/extract: SQL built at run time', () => {
  it('{{name}} and {{name::type}} are parameters; text spliced in clause position is left out and the statement is dynamic', async () => {
    const sites = await sitesIn(ts, 'src/queries/sql/getRealtimeActivity.ts');
    assert.equal(sites.length, 1);
    const s = sites[0];
    assert.equal(s.sql.replace(/\s+/g, ' '), 'select website_event.session_id, website_event.url_path from website_event where website_event.website_id = $1::uuid and website_event.created_at between $2 and $3 order by website_event.created_at desc limit 100');
    assert.deepEqual(s.params.map((p) => p.source), ['{{websiteId::uuid}}', '{{startDate}}', '{{ endDate }}']);
    assert.equal(s.dynamic, true, 'whole-statement rules must skip it: a clause is chosen at run time');
  });

  it('a value after an operator or a keyword is still a parameter (`= ${id}`, `WHERE ${cond}`, `FROM ${table}`)', async () => {
    const js = [
      'export const a = (db, id) => db.query(`SELECT name FROM users WHERE id = ${id}`);',
      'export const b = (db, cond) => db.query(`SELECT name FROM users WHERE ${cond} ORDER BY name ${dir}`);',
      '',
    ];
    const sites = await sitesIn(js, 'src/users.js');
    assert.deepEqual(sites.map((x) => x.sql), ['SELECT name FROM users WHERE id = $1', 'SELECT name FROM users WHERE $1 ORDER BY name']);
  });

  it('a name bound once in the file to a plain string is its text (`FROM ${TABLE}` with `const TABLE = \'settings\'`)', async () => {
    const js = [
      "const TABLE = 'settings';",
      'export class SettingStore {',
      '  async exists(name) {',
      '    return this.db.raw(`SELECT EXISTS (SELECT 1 FROM ${TABLE} WHERE name = ?) AS present`, [name]);',
      '  }',
      '  async other(t) {',
      '    return this.db.raw(`SELECT 1 FROM ${T.ROLES} WHERE id = ?`, [t]);',
      '  }',
      '}',
      '',
    ];
    const sites = await sitesIn(js, 'src/lib/features/settings/setting-store.ts');
    assert.deepEqual(sites.map((x) => [x.sql, x.dynamic]), [
      ['SELECT EXISTS (SELECT 1 FROM settings WHERE name = $1) AS present', false],
      // A name spliced in is read as a quoted name (issue 14 rules-e): the statement is whole.
      ['SELECT 1 FROM T.ROLES WHERE id = $1', false],
    ]);
  });

  it('what still cannot be read is returned with the reason: run-time pieces named, ClickHouse text named', async () => {
    const r = await extractSqlSitesDetailed(ts.join('\n'), 'src/queries/sql/getEventData.ts', 'src/queries/sql/getEventData.ts');
    const unread = (r.unread ?? []).map((u) => ({ runTime: u.runTime, otherDatabase: u.otherDatabase, reason: u.reason.replace(/ \(syntax.*$/, '') }));
    assert.deepEqual(unread, [
      { runTime: true, otherDatabase: undefined, reason: 'built at run time from ${eventQuery}' },
      { runTime: false, otherDatabase: 'ClickHouse', reason: 'written for ClickHouse ({name:Type} parameters), not PostgreSQL' },
    ]);
  });

  it('the scan gives each a not-analysed hint and the summary counts them (never silence)', async () => {
    const text = ts.join('\n');
    const r = await scanFiles([{ path: 'src/queries/sql/getEventData.ts', text }], { analyzers: codeAnalyzers({}), keepText: true });
    const hints = r.findings.filter((f) => f.ruleId === 'not-analysed');
    assert.deepEqual(hints.map((h) => h.severity), ['hint', 'hint']);
    assert.match(hints[0].message, /built at run time from \$\{eventQuery\}/);
    const lines = describeUnreadSql(locate(r.findings, (f) => r.texts.get(f)));
    assert.deepEqual(lines, [
      '1 string looks like SQL but is built at run time (not analysed): src/queries/sql/getEventData.ts:20',
      '1 string looks like SQL written for ClickHouse, not PostgreSQL (not analysed): src/queries/sql/getEventData.ts:24',
    ]);
  });

  it('SQL given to a driver that PostgreSQL rejects because of a piece spliced in says so too', async () => {
    const go = [
      'package store',
      '',
      'func list(ctx context.Context, db *sql.DB, kind string) error {',
      '\tq := fmt.Sprintf("SELECT id FROM storage WHERE key = (%s $1)", op)',
      '\t_, err := db.QueryContext(ctx, q, keys)',
      '\treturn err',
      '}',
      '',
    ];
    const r = await scanFiles([{ path: 'server/core_storage.go', text: go.join('\n') }], { analyzers: codeAnalyzers({}) });
    const hint = r.findings.find((f) => f.ruleId === 'not-analysed');
    assert.ok(hint, 'a hint, not silence');
    assert.match(hint.message, /built at run time from %s/);
  });
  // person28 L4: the shop's seed.ts:120 said "This looks like SQL but PostgreSQL cannot parse it", traffic.ts:29 "This SQL
  // was not analysed: PostgreSQL cannot parse it" — both `FROM ${table}`, one a string the extraction did not read, the
  // other a statement it did. One wording, from one place.
  it('one wording for SQL PostgreSQL cannot read, whether the extraction read the statement or only saw the string (the shop: FROM ${table})', async () => {
    const shop = path.join(__dirname, '..', '..', '..', '..', 'examples', 'shop');
    const files = ['seed.ts', 'traffic.ts'].map((f) => ({ path: f, text: fs.readFileSync(path.join(shop, f), 'utf8') }));
    const r = await scanFiles(files, { analyzers: codeAnalyzers({}) });
    const hints = r.findings.filter((f) => f.ruleId === 'not-analysed');
    assert.deepEqual(hints.map((h) => h.file).sort(), ['seed.ts', 'traffic.ts']);
    assert.equal(hints[0].message, hints[1].message);
    // And it says why (ui29 left it: the extraction knew a `${…}` stood where the table's name goes).
    assert.equal(hints[0].message, 'This SQL is built at run time from ${table}: PG Lens cannot plan it, and no query rule or index advice ran on it.');
    assert.deepEqual(hints.map((h) => h.evidence?.name), [true, true]);
  });

  // Every language's registry alike: a piece of the code where the table's name goes, whichever way the language splices
  // it in — a template literal, a Python f-string, Ruby's `#{}`, Java's concatenation.
  it('a table name spliced in at run time says so in every language (FROM ${table}, f"{table}", #{table}, " + table)', async () => {
    const files = [
      { path: 'a.ts', text: 'export const max = async (pool: Pool, table: string) => pool.query(`SELECT max(id) AS n FROM ${table}`);\n' },
      { path: 'a.py', text: 'def mx(cur, table):\n    cur.execute(f"SELECT max(id) AS n FROM {table}")\n' },
      { path: 'a.rb', text: 'def mx(conn, table)\n  conn.exec("SELECT max(id) AS n FROM #{table}")\nend\n' },
      { path: 'A.java', text: 'class A {\n  int mx(Connection c, String table) throws Exception {\n    ResultSet r = c.createStatement().executeQuery("SELECT max(id) AS n FROM " + table);\n    return 0;\n  }\n}\n' },
    ];
    const r = await scanFiles(files, { analyzers: codeAnalyzers({}) });
    const said = new Map(r.findings.filter((f) => f.ruleId === 'not-analysed').map((f) => [f.file, f.message]));
    assert.deepEqual([...said.keys()].sort(), ['A.java', 'a.py', 'a.rb', 'a.ts']);
    for (const [file, piece] of [['a.ts', '${table}'], ['a.py', '{table}'], ['a.rb', '#{table}'], ['A.java', 'table']]) {
      assert.equal(said.get(file), `This SQL is built at run time from ${piece}: PG Lens cannot plan it, and no query rule or index advice ran on it.`, file);
    }
  });

  it('a string PostgreSQL cannot parse handed to a database call PG Lens knows (`await db.query<Order>(…)` too) is that call\'s site, which runs as SQL; a guess is unread (person49 L-2)', async () => {
    const text = [
      "import { Pool } from 'pg';",
      'const db = new Pool();',
      "export const typed = async () => (await db.query<{ id: number }>('SELECT id FROM orders WHER status = $1', ['new'])).rows;",
      "export const kept = 'SELECT id FROM orders WHER total_cents > 100';",
      "export const handed = () => remember('SELECT id FROM orders WHER placed_at > now()');",
    ].join('\n');
    const r = await extractSqlSitesDetailed(text, 'typescript', 'q.ts');
    const line = (at: number) => text.slice(0, at).split('\n').length;
    assert.deepEqual(r.sites.map((s) => `${line(s.span.start)}: ${s.api} ${s.sql}`), ['3: pg.query SELECT id FROM orders WHER status = $1']);
    assert.deepEqual((r.unread ?? []).map((u) => `${line(u.span.start)}: ${u.syntaxError}`), [
      '4: syntax error at or near "total_cents"',
      '5: syntax error at or near "placed_at"',
    ]);
  });

  it('a sentence that starts with an SQL word is prose, not broken SQL, unless a known query call takes it (person51 L-4)', async () => {
    const text = [
      "import { Pool } from 'pg';",
      'const db = new Pool();',
      "export const helpText = 'select the rows from orders where the status is paid';",
      "export const hint = 'delete from the list every order that has shipped already';",
      "export const typed = async () => (await db.query<{ id: number }>('select the rows from orders where the status is paid')).rows;",
      "export const broken = 'SELECT id FORM orders';",
      "export const typo = 'select id from orders wher total_cents > 100';",
    ].join('\n');
    const r = await extractSqlSitesDetailed(text, 'typescript', 'q.ts');
    const line = (at: number) => text.slice(0, at).split('\n').length;
    // Lines 3 and 4: prose, given to no query call — nothing said. Line 5: the same words handed to pg's query run as SQL
    // (its site). Lines 6 and 7: broken SQL (upper case, or with SQL's syntax among the words).
    assert.deepEqual(r.sites.map((s) => `${line(s.span.start)}: ${s.api}`), ['5: pg.query']);
    assert.deepEqual((r.unread ?? []).filter((u) => u.syntaxError !== undefined).map((u) => `${line(u.span.start)}: ${u.syntaxError}`), [
      '6: syntax error at or near "orders"',
      '7: syntax error at or near "total_cents"',
    ]);
  });
});
