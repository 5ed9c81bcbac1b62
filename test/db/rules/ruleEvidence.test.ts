/**
 * Rules with evidence from a real PostgreSQL: catalog facts (row estimates, column types, indexes,
 * expression and trigram indexes) and plan node types fill PlanEvidence, and the rules' verdicts
 * change with them. Also `pg-lens scan --db`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../unit/support/cli';
import { extractSqlSites } from '../../../src/core/extract/index';
import { RULES } from '../../../src/core/rules/index';
import { analyzeFile, rulesAnalyzer } from '../../../src/core/scan';
import type { Database } from '../../../src/db/database';
import { DbEvidence } from '../../../src/db/ruleEvidence';
import { configureTreeSitterForCli } from '../../../src/node/treeSitterDir';
import { announceFallback, testDatabase } from '../support';
import { readCatalogFacts } from '../../../src/db/catalog';
import { adviseStatement } from '../../../src/db/advisor';
import { IndexDecider } from '../../../src/db/indexDecision';
import { formatCount } from '../../../src/core/format';
import { serverSyntaxError } from '../../../src/db/explain';
import { expressionIndexKeys, isIndexed, leadsIndex, trigramIndexed } from '../../../src/core/catalogFacts';

describe('db/ruleEvidence: rules with catalog and plan facts', function () {
  const t = testDatabase('rules');
  let db: Database;
  let trgm = false;

  before(async () => {
    await t.admin.query(`
      CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text, nickname text, code char(4), created_at timestamptz NOT NULL DEFAULT now());
      CREATE INDEX users_lower_email ON users (lower(email));
      CREATE INDEX users_name ON users (name);
      CREATE INDEX users_code ON users (code);
      CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users(id), status text, payload jsonb, note text);
      INSERT INTO users (id, email, name, nickname, code) SELECT g, 'u' || g || '@example.com', 'name ' || g, 'nick' || g, 'C' || (g % 100) FROM generate_series(1, 20000) g;
      INSERT INTO orders (id, user_id, status) SELECT g, 1 + g % 20000, 'new' FROM generate_series(1, 30000) g;
      CREATE TABLE tags (id int PRIMARY KEY, label text);
      INSERT INTO tags SELECT g, 't' || g FROM generate_series(1, 20) g;
      ANALYZE;`);
    try {
      await t.admin.query('CREATE EXTENSION pg_trgm');
      await t.admin.query('CREATE INDEX orders_note_trgm ON orders USING gin (note gin_trgm_ops)');
      trgm = true;
    } catch {
      announceFallback('pg_trgm', 'trigram index facts are not tested');
    }
    db = await t.open();
  });

  async function scanSql(sql: string, evidence: DbEvidence) {
    return analyzeFile({ path: 'q.sql', text: sql }, { analyzers: [rulesAnalyzer({ evidence })] });
  }

  it('reads row estimates, column types, nullability, indexed columns and expression indexes', async () => {
    const ev = new DbEvidence(db);
    const sites = await extractSqlSites('SELECT * FROM users u JOIN orders o ON o.user_id = u.id; SELECT * FROM tags;', 'q.sql', 'q.sql');
    await ev.prepare(sites);
    assert.equal(ev.stats.catalogQueries, 1, 'one catalog query for all new names');
    const e = ev.evidenceFor(sites[0], {} as any, 0)!;
    const users = e.table!('users')!;
    assert.ok(users.analysed && users.rows! > 15000 && users.rows! < 25000, `row estimate ${users.rows}`);
    const col = (n: string) => users.columns.find((c) => c.name === n)!;
    assert.deepEqual([col('id').typeName, col('id').notNull, leadsIndex(users, 'id')], ['int8', true, true]);
    assert.deepEqual([isIndexed(users, 'email'), isIndexed(users, 'name'), isIndexed(users, 'nickname'), col('code').typeName, col('code').type], [false, true, false, 'bpchar', 'character(4)']);
    assert.deepEqual(expressionIndexKeys(users), ['lower(email)']);
    assert.equal(e.table!('nope'), undefined);
    await ev.prepare(sites);
    assert.equal(ev.stats.catalogQueries, 1, 'names already asked are not asked again');
    if (trgm) assert.equal(trigramIndexed(e.table!('orders')!, 'note'), true);
  });

  it("a never-analysed table: rows estimated from its current size the way the planner does (EXPLAIN's own figure), the same for the advisor's and the rules' reads, and the rules say 'never analysed'", async () => {
    // autovacuum off for this table, so nothing analyses it while the test runs; no index (CREATE INDEX would set reltuples).
    await t.admin.query(`CREATE TABLE fresh (id bigint, note text) WITH (autovacuum_enabled = false);
      INSERT INTO fresh SELECT g, 'n' || g FROM generate_series(1, 50000) g;
      CREATE TABLE fresh_empty (id bigint) WITH (autovacuum_enabled = false);`);
    const { reltuples } = (await t.admin.query(`SELECT reltuples::float8 AS reltuples FROM pg_class WHERE relname = 'fresh'`)).rows[0];
    assert.equal(reltuples, -1, 'the table must be never analysed for this test');
    const planRows = (await t.admin.query('EXPLAIN (FORMAT JSON) SELECT * FROM fresh')).rows[0]['QUERY PLAN'][0].Plan['Plan Rows'];
    // The advisor's read.
    const { tables } = await readCatalogFacts(db, [{ name: 'fresh' }, { name: 'fresh_empty' }]);
    const fresh = tables.find((x) => x.name === 'fresh')!;
    assert.equal(fresh.analysed, false);
    assert.ok(Math.abs(fresh.rows! - planRows) <= planRows * 0.02, `estimate ${fresh.rows} vs the planner's ${planRows}`);
    assert.ok(fresh.rows! > 25000 && fresh.rows! < 100000, `estimate ${fresh.rows} for 50,000 rows`);
    assert.equal(tables.find((x) => x.name === 'fresh_empty')!.rows, 0, 'an empty table estimates 0 rows (not the planner\'s 10-page planning floor)');
    // The rules' read: the same facts.
    const ev = new DbEvidence(db, { plans: false });
    const text = 'UPDATE fresh SET note = $1;\nSELECT * FROM fresh ORDER BY id LIMIT 10 OFFSET $1;';
    const r = await scanSql(text, ev);
    const sites = await extractSqlSites(text, 'q.sql', 'q.sql');
    assert.equal(ev.evidenceFor(sites[0], {} as any, 0)!.table!('fresh')!.rows, fresh.rows);
    const upd = r.findings.find((f) => f.ruleId === 'update-delete-without-where')!;
    assert.equal(upd.severity, 'error', 'an estimated 50k-row table is large');
    assert.match(upd.message, /rows, estimated from its size: never analysed\)/);
    assert.match(r.findings.find((f) => f.ruleId === 'offset-pagination')!.message, /never analysed/);
    // The index advisor reads the same estimate (it used to see 0 rows here and say nothing), and says it is one.
    const advice = await adviseStatement(db, 'SELECT note FROM fresh WHERE id = $1', undefined);
    assert.equal(advice.suggestions.length, 1, JSON.stringify(advice));
    assert.match(advice.suggestions[0].summary, /^Seq Scan on fresh \(\d+(\.\d)?k rows, never analysed\)/);
    assert.equal((await t.admin.query(`SELECT reltuples::float8 AS r FROM pg_class WHERE relname = 'fresh'`)).rows[0].r, -1, 'advice left the table as it was');
    await t.admin.query('ANALYZE fresh');
    // PostgreSQL's own catalogs resolve through the search path too, but are no application table: no facts, no advice.
    const sys = await readCatalogFacts(db, [{ name: 'pg_class' }, { schema: 'information_schema', name: 'tables' }]);
    assert.deepEqual([sys.tables, sys.missing, [...sys.notTables].sort((x, y) => x.name.localeCompare(y.name))], [[], [], [{ name: 'pg_class', kind: 'a system catalog' }, { name: 'tables', kind: 'a system catalog' }]]);
    const after = (await readCatalogFacts(db, [{ name: 'fresh' }])).tables[0];
    assert.deepEqual([after.analysed, after.rows], [true, 50000]);
  });

  it('plan facts come from EXPLAIN of read statements only, with a generic plan for $n on every version (GENERIC_PLAN on 16+, PREPARE with a forced generic plan before)', async () => {
    const ev = new DbEvidence(db);
    const sites = await extractSqlSites('SELECT id FROM users WHERE id = $1; SELECT count(*) FROM orders; DELETE FROM tags WHERE id = 1;', 'q.sql', 'q.sql');
    await ev.prepare(sites);
    const p1 = ev.evidenceFor(sites[0], {} as any, 0)!.plan;
    assert.ok(p1 && p1.nodeTypes.some((n) => /Index/.test(n)), JSON.stringify(p1));
    const p2 = ev.evidenceFor(sites[1], {} as any, 0)!.plan!;
    assert.equal(p2.nodeTypes[0], 'Aggregate');
    assert.ok(p2.nodeTypes.some((n) => /Scan/.test(n)), JSON.stringify(p2));
    assert.equal(p2.rows, 1);
    assert.equal(ev.evidenceFor(sites[2], {} as any, 0)!.plan, undefined, "a DELETE's plan is not the rules' evidence (it is planned for its names only)");
    assert.equal((await t.admin.query('SELECT count(*)::int AS n FROM tags')).rows[0].n, 20);
  });

  it('rules change their verdict with the evidence', async () => {
    const ev = new DbEvidence(db);
    const text = [
      'SELECT id FROM users WHERE lower(email) = $1;', // expression index: fine
      'SELECT id FROM users WHERE lower(name) = $1;', // name indexed, lower(name) not: finding
      'SELECT id FROM users WHERE lower(nickname) = $1;', // no index at all: nothing to lose
      'SELECT * FROM tags ORDER BY id LIMIT 10 OFFSET $1;', // 20 rows: fine
      'SELECT * FROM orders ORDER BY id LIMIT 10 OFFSET $1;', // 30k rows: finding with size
      'SELECT id FROM users WHERE code = $1::text;', // char(4) vs text: implicit cast
      "SELECT id FROM orders WHERE note LIKE '%x';", // trigram-indexed when pg_trgm exists
      'DELETE FROM tags;',
    ].join('\n');
    const r = await scanSql(text, ev);
    const at = (line: number) => r.findings.filter((f) => text.slice(0, f.span.start).split('\n').length === line).map((f) => f.ruleId);
    assert.deepEqual(at(1), []);
    assert.deepEqual(at(2), ['non-sargable-predicate']);
    assert.deepEqual(at(3), []);
    assert.deepEqual(at(4), []);
    assert.deepEqual(at(5), ['offset-pagination']);
    assert.match(r.findings.find((f) => f.ruleId === 'offset-pagination')!.message, /about 30k rows/);
    assert.deepEqual(at(6), ['implicit-cast']);
    assert.deepEqual(at(7), trgm ? [] : ['leading-wildcard-like']);
    assert.match(r.findings.find((f) => f.ruleId === 'update-delete-without-where')!.message, /about 20 rows/);
    // The same text without a database reports the statically visible patterns (lines 1-5, 7, 8).
    const stat = await analyzeFile({ path: 'q.sql', text }, { analyzers: [rulesAnalyzer({ rules: RULES })] });
    assert.ok(stat.findings.length > r.findings.length);
  });

  it('a statement the database rejects for a name it does not have (42703, 42P01) gets one finding at it, PostgreSQL\'s line; gone when fixed; none for a name the code splices in (person39 L4)', async () => {
    const text = [
      "import { Pool } from 'pg';",
      'const db = new Pool();',
      'export const refunded = () => db.query("SELECT id, note FROM orders WHERE staus = $1", [\'refunded\']);',
      'export const recent = () => db.query("SELECT id FROM orderts WHERE user_id = $1", [7]);',
      'export const fine = () => db.query("SELECT id FROM orders WHERE status = $1", [\'paid\']);',
      'export const spliced = (table: string) => db.query(`SELECT id FROM ${table} WHERE id = $1`, [1]);',
      'export const sorted = (col: string) => db.query(`SELECT id FROM orders ORDER BY ${col}`);',
    ].join('\n');
    configureTreeSitterForCli();
    const scan = async (src: string) => (await analyzeFile({ path: 'src/orders.ts', text: src }, { analyzers: [rulesAnalyzer({ evidence: new DbEvidence(db) })] })).findings;
    const found = (await scan(text)).filter((f) => f.ruleId === 'undefined-name');
    const line = (f: { span: { start: number } }) => text.slice(0, f.span.start).split('\n').length;
    assert.deepEqual(found.map((f) => `${line(f)}: ${f.severity} ${f.message}`), ['3: error column "staus" does not exist', '4: error relation "orderts" does not exist'], JSON.stringify(found, null, 2));
    assert.deepEqual(found.map((f) => f.evidence?.sqlstate), ['42703', '42P01']);
    // Fixed: no finding (a new analysis of the text as it is).
    const fixed = text.replace('staus', 'status').replace('orderts', 'orders');
    assert.deepEqual((await scan(fixed)).filter((f) => f.ruleId === 'undefined-name'), []);
    // A name the file itself creates (a temporary table the code fills, then reads; a column it adds): the statement runs
    // after the file's own DDL, not a typo — no finding, while a typo beside it still gets one.
    const ownDdl = [
      "import { Pool } from 'pg';",
      'const db = new Pool();',
      'export const stage = () => db.query("CREATE TEMP TABLE staged_ids (id int PRIMARY KEY)");',
      'export const staged = () => db.query("SELECT id FROM staged_ids WHERE id = $1", [1]);',
      'export const widen = () => db.query("ALTER TABLE orders ADD COLUMN IF NOT EXISTS archived_at timestamptz");',
      'export const archived = () => db.query("SELECT id FROM orders WHERE archived_at IS NOT NULL AND id = $1", [1]);',
      'export const typo = () => db.query("SELECT id FROM staged_idz WHERE id = $1", [1]);',
    ].join('\n');
    const own = (await scan(ownDdl)).filter((f) => f.ruleId === 'undefined-name');
    assert.deepEqual(own.map((f) => f.message), ['relation "staged_idz" does not exist'], JSON.stringify(own, null, 2));
  });

  it('SQL the server rejects as a syntax error gets a finding at the word it names, in Problems — an error where the text surely runs as SQL, a warning for a guess (person49 L-2); SQL only the rule parser rejects, or no connection, keeps the quiet hint (person46 NEW-1)', async () => {
    configureTreeSitterForCli();
    // The shop's refunded-orders query with the person's typo: a string handed to `await db.query<Order>(…)` (not read, as
    // TypeScript's grammar makes that call's function `await db.query<Order>`), a pg call all the same: an error.
    const shop = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'shop', 'src', 'orders.ts'), 'utf8');
    const typo = shop.replace("ORDER BY placed_at DESC`", "ORDER BY placed_at D LIMIT 100ESC`");
    assert.notEqual(typo, shop);
    const line = (text: string, f: { span: { start: number } }) => text.slice(0, f.span.start).split('\n').length;
    const typoLine = typo.slice(0, typo.indexOf('D LIMIT 100ESC')).split('\n').length;
    const ev = new DbEvidence(db);
    const shopFindings = (await analyzeFile({ path: 'src/orders.ts', text: typo }, { analyzers: [rulesAnalyzer({ evidence: ev })] })).findings;
    const said = shopFindings.filter((f) => f.ruleId === 'syntax-error');
    assert.deepEqual(said.map((f) => `${line(typo, f)}: ${f.severity} ${f.message} [${typo.slice(f.span.start, f.span.end)}]`), [`${typoLine}: error PostgreSQL: syntax error at or near "D" [D]`], JSON.stringify(said, null, 2));
    assert.equal(said[0].evidence?.sqlstate, '42601');
    // Its warning replaces the hint on the string: one finding there.
    assert.deepEqual(shopFindings.filter((f) => line(typo, f) === typoLine || (f.span.start <= said[0].span.start && f.span.end >= said[0].span.end)).map((f) => f.ruleId), ['syntax-error']);
    // The file as it was: none.
    assert.deepEqual((await analyzeFile({ path: 'src/orders.ts', text: shop }, { analyzers: [rulesAnalyzer({ evidence: ev })] })).findings.filter((f) => f.ruleId === 'syntax-error'), []);
    // A statement given to a database call (a site), with a typo; one PostgreSQL accepts that the rule parser cannot read; and
    // strings taken as SQL from their content only (given to no call, or to a call PG Lens does not know): warnings.
    const text = [
      "import { Pool } from 'pg';",
      'const db = new Pool();',
      'export const typo = () => db.query("SELECT id FROM orders WHER status = $1", [\'new\']);',
      "export const escaped = () => db.query(\"SELECT id FROM orders WHERE note = E'it\\\\'s' AND id = $1\", [1]);",
      'export const kept = "SELECT id FROM orders WHER total_cents > 100";',
      'export const handed = () => remember("SELECT id FROM orders WHER placed_at > now()");',
    ].join('\n');
    const found = (await analyzeFile({ path: 'src/q.ts', text }, { analyzers: [rulesAnalyzer({ evidence: new DbEvidence(db) })] })).findings;
    assert.deepEqual(found.filter((f) => f.ruleId === 'syntax-error' || f.ruleId === 'not-analysed').map((f) => `${line(text, f)}: ${f.ruleId} ${f.severity} [${text.slice(f.span.start, f.span.end).slice(0, 20)}]`), [
      '3: syntax-error error [status]',
      '4: not-analysed hint [SELECT id FROM order]',
      '5: syntax-error warning [total_cents]',
      '6: syntax-error warning [placed_at]',
    ], JSON.stringify(found, null, 2));
    assert.equal(found.find((f) => f.ruleId === 'syntax-error')?.message, 'PostgreSQL: syntax error at or near "status"');
    // pgLens.rules.severity still decides: set to warning, the error is a warning; off, it is gone.
    const lowered = (await analyzeFile({ path: 'src/q.ts', text }, { analyzers: [rulesAnalyzer({ evidence: new DbEvidence(db) })], severity: { 'syntax-error': 'warning' } })).findings;
    assert.deepEqual(lowered.filter((f) => f.ruleId === 'syntax-error').map((f) => `${line(text, f)}: ${f.severity}`), ['3: warning', '5: warning', '6: warning']);
    const off = (await analyzeFile({ path: 'src/q.ts', text }, { analyzers: [rulesAnalyzer({ evidence: new DbEvidence(db) })], severity: { 'syntax-error': 'off' } })).findings;
    assert.deepEqual(off.filter((f) => f.ruleId === 'syntax-error'), []);
    // The server's check parses only: a text it accepts, or two statements (the extended protocol refuses them), says nothing
    // and runs nothing.
    assert.equal(await serverSyntaxError(db, 'SELECT id FROM orders WHERE id = $1'), undefined);
    assert.equal(await serverSyntaxError(db, 'SELECT 1; DROP TABLE tags'), undefined);
    assert.equal((await t.admin.query('SELECT count(*)::int AS n FROM tags')).rows[0].n, 20);
    assert.deepEqual(await serverSyntaxError(db, 'SELECT id FROM orders ORDER BY id D LIMIT 1'), { message: 'syntax error at or near "D"', position: 34 });
    // Text a template fills in before it runs (a dbt model's {{ ref() }}, a Flyway placeholder): never the app's syntax error.
    const templated = "select id from {{ ref('orders') }} where id = 1;\nSELECT id FROM ${schema}.orders WHERE id = 1;\nSELECT id FROM orders WHER id = 1;\n";
    const inSql = (await analyzeFile({ path: 'models/orders.sql', text: templated }, { analyzers: [rulesAnalyzer({ evidence: new DbEvidence(db) })] })).findings;
    assert.deepEqual(inSql.filter((f) => f.ruleId === 'syntax-error').map((f) => `${line(templated, f)}: ${f.severity} ${f.message}`), ['3: error PostgreSQL: syntax error at or near "id"']);
    // A name the code chooses at run time (the shop's traffic.ts `FROM ${table}`, read as `FROM table`): the server's
    // error at that name is not the app's typo (the CI's e2e 75 counted it as a warning on traffic.ts).
    const traffic = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'shop', 'traffic.ts'), 'utf8');
    assert.ok(traffic.includes('FROM ${table}'));
    const spliced = (await analyzeFile({ path: 'traffic.ts', text: traffic }, { analyzers: [rulesAnalyzer({ evidence: new DbEvidence(db) })] })).findings;
    assert.deepEqual(spliced.filter((f) => f.ruleId === 'syntax-error').map((f) => `${line(traffic, f)}: ${f.message}`), []);
    // No connection: the server says nothing, the quiet hint stays (as before).
    const offline = (await analyzeFile({ path: 'src/orders.ts', text: typo }, { analyzers: [rulesAnalyzer({})] })).findings;
    assert.deepEqual(offline.filter((f) => line(typo, f) === typoLine).map((f) => `${f.ruleId} ${f.severity}`), ['not-analysed hint']);
  });

  it('writes too: a missing column or table in an INSERT, UPDATE or DELETE is found by a plain EXPLAIN (never run), with the same exclusions as reads', async () => {
    const text = [
      "import { Pool } from 'pg';",
      'const db = new Pool();',
      'export const add = () => db.query("INSERT INTO tags (id, nmae) VALUES ($1, $2)", [99, \'x\']);',
      'export const mark = () => db.query("UPDATE orders SET staus = $1 WHERE id = $2", [\'paid\', 1]);',
      'export const drop = () => db.query("DELETE FROM tagz WHERE id = $1", [1]);',
      'export const fine = () => db.query("DELETE FROM tags WHERE id = $1", [1]);',
      'export const spliced = (table: string) => db.query(`DELETE FROM ${table} WHERE id = $1`, [1]);',
      'export const stage = () => db.query("CREATE TEMP TABLE staged_rows (id int PRIMARY KEY)");',
      'export const fill = () => db.query("INSERT INTO staged_rows (id) VALUES ($1)", [1]);',
      'export const widen = () => db.query("ALTER TABLE tags ADD COLUMN IF NOT EXISTS colour text");',
      'export const paint = () => db.query("UPDATE tags SET colour = $1 WHERE id = $2", [\'red\', 1]);',
    ].join('\n');
    configureTreeSitterForCli();
    const before = (await t.admin.query('SELECT (SELECT count(*) FROM tags)::int AS tags, (SELECT count(*) FROM orders)::int AS orders')).rows[0];
    const found = (await analyzeFile({ path: 'src/writes.ts', text }, { analyzers: [rulesAnalyzer({ evidence: new DbEvidence(db) })] })).findings.filter((f) => f.ruleId === 'undefined-name');
    const line = (f: { span: { start: number } }) => text.slice(0, f.span.start).split('\n').length;
    assert.deepEqual(found.map((f) => `${line(f)}: ${f.message}`), ['3: column "nmae" of relation "tags" does not exist', '4: column "staus" of relation "orders" does not exist', '5: relation "tagz" does not exist'], JSON.stringify(found, null, 2));
    assert.deepEqual(found.map((f) => f.evidence?.sqlstate), ['42703', '42703', '42P01']);
    // Planned, never run: the rows are as they were.
    assert.deepEqual((await t.admin.query('SELECT (SELECT count(*) FROM tags)::int AS tags, (SELECT count(*) FROM orders)::int AS orders')).rows[0], before);
  });

  it("a kept plan's rows follow the table: the reading that makes the index advice again (its rows or statistics moved) re-plans the rules' evidence too (person47 M2)", async () => {
    await t.admin.query(`CREATE TABLE grows (id bigint PRIMARY KEY, status text NOT NULL);
      INSERT INTO grows SELECT g, CASE WHEN g % 20 = 0 THEN 'refunded' ELSE 'paid' END FROM generate_series(1, 40000) g;
      ANALYZE grows;`);
    const ev = new DbEvidence(db);
    const decider = new IndexDecider(db);
    const sql = "SELECT id FROM grows WHERE status = 'refunded'";
    // In application code: the rule is app code's (a .sql file's SELECT may be a report).
    const text = `export const refunds = () => db.query("${sql}");`;
    configureTreeSitterForCli();
    const sites = await extractSqlSites(text, 'src/refunds.ts', 'src/refunds.ts');
    const noLimit = async () => (await analyzeFile({ path: 'src/refunds.ts', text }, { analyzers: [rulesAnalyzer({ evidence: ev })] })).findings.find((f) => f.ruleId === 'unbounded-query');
    try {
      await decider.noticeChangedTables([sql]);
      const first = await noLimit();
      const was = (await t.admin.query(`EXPLAIN (FORMAT JSON) ${sql}`)).rows[0]['QUERY PLAN'][0].Plan['Plan Rows'];
      assert.equal(first?.evidence?.estimatedRows, was, first?.message);
      await t.admin.query(`INSERT INTO grows SELECT g, 'refunded' FROM generate_series(40001, 42000) g; ANALYZE grows;`);
      const psql = (await t.admin.query(`EXPLAIN (FORMAT JSON) ${sql}`)).rows[0]['QUERY PLAN'][0].Plan['Plan Rows'];
      assert.ok(psql > 1.5 * was, `the planner sees the growth: ${was} → ${psql}`);
      // Before the reading, the kept plan stands (nothing told it the table moved).
      assert.equal((await noLimit())?.evidence?.estimatedRows, was);
      await decider.noticeChangedTables([sql]);
      const after = await noLimit();
      assert.equal(after?.evidence?.estimatedRows, psql, after?.message);
      assert.ok(after!.message.includes(`about ${formatCount(psql)} rows`), after!.message);
      assert.equal(ev.evidenceFor(sites[0], {} as any, 0)?.table?.('grows')?.rows, 42000, 'the catalog facts are read again too');
    } finally {
      ev.dispose();
    }
  });

  it('pg-lens scan --db uses the database and leaves the data alone', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-scandb-'));
    try {
      fs.writeFileSync(path.join(dir, 'q.sql'), 'SELECT id FROM users WHERE lower(email) = $1;\nSELECT id FROM users WHERE lower(name) = $1;\nDELETE FROM tags;\n');
      const r = await runCli(['scan', '.', '--db', t.url, '--format', 'json', '--fail-on', 'never'], { env: { PGPASSWORD: t.password ?? '' }, cwd: dir });
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out);
      // Line 2 filters on lower(name), which no index serves: the advisor proves an expression index, and that finding
      // says the expression's too (person24 LOW 10: one cause, one finding; it was missing-index + non-sargable-predicate).
      assert.deepEqual(j.findings.map((f: any) => `${f.line}:${f.ruleId}`), ['2:missing-index', '3:update-delete-without-where']);
      assert.match(j.findings[0].message, /lower\(name\)/);
      assert.deepEqual(j.findings[0].evidence?.alsoSays, ['non-sargable-predicate']);
      assert.equal((await t.admin.query('SELECT count(*)::int AS n FROM tags')).rows[0].n, 20);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
