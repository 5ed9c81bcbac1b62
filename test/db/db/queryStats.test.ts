import { strict as assert } from 'node:assert';
import { Client } from 'pg';
import { diffSnapshots, queryIdOf, QueryIdsByShape, readStatements, snapshotStatements, StatsUnavailableError } from '../../../src/db/queryStats';
import { explainsSent } from './hugeFile';
import { OWN_STATEMENT_MARKER } from '../../../src/db/sql';
import { explain } from '../../../src/db/explain';
import { detectNPlusOne, findSqlCalls, matchStatements, observedFindings, observedReport, siteRefsOf, type SqlSiteRef } from '../../../src/core/nplusone';
import { lineStarts, positionAt } from '../../../src/core/findings';
import { useTreeSitterFromNodeModules } from '../../unit/support/treeSitter';
import { loadPgParser, normalizeSql } from '../../../src/core/sql/statement';
import { announceFallback, capabilities, createTestDatabase, testDatabase, rejectsWith, statementStats } from '../support';

const BY_ID = 'SELECT id, email FROM users WHERE id = $1';

describe('db/queryStats: observed N+1 from pg_stat_statements (real PostgreSQL)', function () {
  const t = testDatabase('querystats');
  let hasStats = false;
  let version = 0;

  before(async () => {
    const caps = await capabilities();
    version = caps.versionNum;
    hasStats = await statementStats(t, 'clear message when figures are unavailable; matching by normalised text');
    await t.admin.query('CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL)');
    await t.admin.query(`INSERT INTO users SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 300) g`);
    await loadPgParser();
  });

  /** The application: a plain pg client (not PG Lens), a query per id — an N+1. */
  async function runApp(times: number): Promise<void> {
    const app = new Client({ connectionString: t.url });
    await app.connect();
    try {
      for (let i = 1; i <= times; i++) await app.query(BY_ID, [i]);
      await app.query('SELECT id FROM users WHERE id = ANY($1)', [[1, 2, 3]]);
      for (let i = 0; i < 3; i++) await app.query('SELECT count(*) FROM users');
    } finally {
      await app.end();
    }
  }

  it('records a query run 200 times by a plain client, matches it by query id and flags it', async function () {
    if (!hasStats) this.skip();
    const db = await t.open();
    const before = await snapshotStatements(db);
    await runApp(200);
    const after = await snapshotStatements(db);
    const delta = await diffSnapshots(db, before, after);
    const stmt = delta.find((s) => /FROM users WHERE id = \$1/.test(s.query ?? ''));
    assert.ok(stmt, `the repeated statement is in the delta: ${JSON.stringify(delta.map((d) => d.query))}`);
    assert.equal(stmt.calls, 200);
    assert.equal(stmt.rows, 200);
    assert.ok(delta.every((s) => !s.query?.startsWith(OWN_STATEMENT_MARKER)), 'our own statements are left out');

    const id = await queryIdOf(db, BY_ID);
    if (version >= 140000) assert.equal(id, stmt.queryid, 'EXPLAIN (VERBOSE) Query Identifier = pg_stat_statements.queryid');
    else assert.equal(id, undefined);

    // The code sends it once per item of a loop (the static detector says so): an observed N+1 there.
    const site: SqlSiteRef = { file: '/app/src/orders.ts', span: { start: 120, end: 160 }, line: 7, sql: BY_ID, queryId: id, inLoop: true };
    const lookup: SqlSiteRef = { ...site, inLoop: false };
    assert.equal(observedFindings(matchStatements(delta, [lookup], normalizeSql)).length, 0, 'sent once per request (not in a loop), the same figures are no N+1');
    const matches = matchStatements(delta, [site], normalizeSql);
    const m = matches.find((x) => x.statement.queryid === stmt.queryid)!;
    assert.equal(m.matchedBy, version >= 140000 ? 'query-id' : 'text');
    const findings = observedFindings(matches);
    assert.equal(findings.length, 1, 'only the per-id statement is flagged (the batch and the 3 counts are not)');
    assert.equal(findings[0].ruleId, 'n-plus-one');
    assert.deepEqual(findings[0].span, site.span);
    assert.match(findings[0].message, /ran 200 times while recording with 1\.00 rows per call/);
    assert.equal(findings[0].evidence?.calls, 200);
    const report = observedReport(matches, {}, (f) => f.replace('/app/', ''));
    assert.match(report, /src\/orders\.ts:8\n {2}200 calls, 1\.00 rows\/call/);
  });

  it("PG Lens's own EXPLAINs of the application's statement during a recording are not counted as its calls", async function () {
    if (!hasStats) this.skip();
    if (version < 140000) {
      announceFallback('pg_stat_statements.toplevel (PostgreSQL 14+)', 'older servers cannot tell nested EXPLAIN entries apart: no claim made');
      return;
    }
    const db = await t.open();
    const before = await snapshotStatements(db);
    await runApp(20);
    // What a hover does while recording: EXPLAIN the statement (recorded nested under its queryid with track = all).
    for (let i = 0; i < 7; i++) {
      await explain(db, BY_ID);
      await queryIdOf(db, BY_ID);
    }
    const after = await snapshotStatements(db);
    const stmt = (await diffSnapshots(db, before, after)).find((s) => /FROM users WHERE id = \$1/.test(s.query ?? ''));
    assert.ok(stmt);
    assert.equal(stmt.calls, 20, 'the 20 round trips of the application, not 20 + the EXPLAINs');
  });

  it('end to end: the SQL of a source file (found by the detector) is matched to what the database saw, at its line', async function () {
    if (!hasStats) this.skip();
    useTreeSitterFromNodeModules();
    const source = [
      "import { Pool } from 'pg';",
      'const pool = new Pool();',
      'export async function emails(ids: number[]) {',
      '  for (const id of ids) {',
      "    await pool.query('SELECT id, email FROM users WHERE id = ?', [id]);",
      '  }',
      '}',
    ].join('\n');
    const calls = await findSqlCalls(source, 'app/emails.ts');
    assert.equal(calls.length, 1);
    assert.equal(calls[0].sql, BY_ID, '? placeholders become $n');
    const db = await t.open();
    const info = await db.serverInfo();
    const starts = lineStarts(source);
    const loops = (await detectNPlusOne(source, 'app/emails.ts', 'app/emails.ts')).map((f) => f.span);
    const sites: SqlSiteRef[] = await Promise.all(siteRefsOf('app/emails.ts', source, calls, loops).map(async (site) => ({ ...site, queryId: await queryIdOf(db, site.sql, { info }) })));
    assert.deepEqual(sites.map((x) => x.inLoop), [true], 'the detector sees the call in the loop');
    const before = await snapshotStatements(db);
    await runApp(120);
    const delta = await diffSnapshots(db, before, await snapshotStatements(db));
    const flagged = observedFindings(matchStatements(delta, sites, normalizeSql));
    assert.equal(flagged.length, 1);
    assert.equal(positionAt(starts, flagged[0].span.start).line, 4, 'at the line of the call');
    assert.equal(flagged[0].evidence?.calls, 120);
    assert.equal(flagged[0].evidence?.matchedBy, version >= 140000 ? 'query-id' : 'text');
  });

  it('the 14–15 path (PREPARE + EXPLAIN EXECUTE) gives the same query id as GENERIC_PLAN', async function () {
    if (!hasStats || version < 160000) this.skip();
    const db = await t.open();
    const a = await queryIdOf(db, BY_ID);
    const b = await queryIdOf(db, BY_ID, { forcePrepare: true });
    assert.ok(a && /^-?\d+$/.test(a));
    assert.equal(b, a);
    // the prepared statement is gone again, on a session that ran it
    await db.withSession(async (s) => {
      const n = (await s.query(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name = 'pglens_queryid'`)).rows[0].n;
      assert.equal(n, 0);
    });
  });

  it('query ids of write statements are computed without writing anything', async function () {
    if (!hasStats || version < 140000) this.skip();
    const db = await t.open();
    const id = await queryIdOf(db, 'DELETE FROM users WHERE id = $1');
    assert.ok(id);
    assert.equal((await t.admin.query('SELECT count(*)::int AS n FROM users')).rows[0].n, 300);
  });

  it('query ids of writes read once per shape for Record Queries (QueryIdsByShape writes): one EXPLAIN for 50 copies differing by a constant', async function () {
    if (!hasStats || version < 140000) this.skip();
    const db = await t.open();
    const copies = Array.from({ length: 50 }, (_, i) => `UPDATE users SET email = email WHERE id = ${i + 1}`);
    const reads = new QueryIdsByShape(db);
    assert.equal(await reads.of(copies[0]), undefined, 'the cost lens reads reads only');
    const ids = new QueryIdsByShape(db, undefined, { writes: true });
    await t.admin.query('SELECT pg_stat_statements_reset()');
    const got = await Promise.all(copies.map((sql) => ids.of(sql)));
    // Before (recordQueries: queryIdOf per site): 50 EXPLAINs.
    assert.equal(await explainsSent(t), 1);
    assert.equal(ids.asked, 1);
    assert.ok(got[0] && got.every((id) => id === got[0]));
    assert.equal(got[0], await queryIdOf(db, copies[7]));
    assert.equal((await t.admin.query('SELECT count(*)::int AS n FROM users')).rows[0].n, 300);
  });

  it('refuses more than one statement, in one line', async () => {
    const db = await t.open();
    await rejectsWith(queryIdOf(db, 'SELECT 1; DROP TABLE users'), /one statement/);
    assert.equal((await t.admin.query(`SELECT to_regclass('users') IS NOT NULL AS ok`)).rows[0].ok, true);
  });

  it('readStatements gives the top statements with texts, never our own', async function () {
    if (!hasStats) this.skip();
    const db = await t.open();
    await runApp(60);
    const top = await readStatements(db, { top: 5 });
    assert.ok(top.length > 0 && top.length <= 5);
    assert.ok(top.every((s) => s.query && !s.query.startsWith(OWN_STATEMENT_MARKER)));
    assert.ok(top.some((s) => /WHERE id = \$1/.test(s.query!)));
    const one = await readStatements(db, { ids: [top[0].queryid] });
    assert.deepEqual(one.map((s) => s.queryid), [top[0].queryid]);
  });

  it('without pg_stat_statements in the database: one clear line, and matching falls back to text', async () => {
    const bare = await createTestDatabase('querystats_bare');
    try {
      const db = await bare.open();
      const err = await rejectsWith(snapshotStatements(db), /pg_stat_statements/);
      assert.ok(err instanceof StatsUnavailableError);
      // Text fallback: statements known only by text still find their code.
      const matches = matchStatements(
        [{ queryid: '42', query: 'select id, email from users where id = $1', calls: 80, rows: 80, totalExecTimeMs: 3 }],
        [{ file: 'a.py', span: { start: 0, end: 5 }, line: 0, sql: 'SELECT id, email\n  FROM users WHERE id = 7', inLoop: true }],
        normalizeSql,
      );
      assert.equal(matches[0].matchedBy, 'text');
      assert.equal(observedFindings(matches).length, 1);
    } finally {
      await bare.drop();
    }
  });
});
