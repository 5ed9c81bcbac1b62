import { strict as assert } from 'node:assert';
import { adviseWorkload } from '../../../src/db/workload';
import { explainAnalyze } from '../../../src/db/explain';
import { quoteIdent } from '../../../src/core/sql/ident';
import { workloadWeighingLines } from '../../../src/core/advice/workload';
import { capabilities, foreignKeyTables, testDatabase, statementStats } from '../support';

describe('db/workload: index advice for the whole workload (real PostgreSQL)', function () {
  this.timeout(120000);
  const t = testDatabase('workload');
  let pss = false;
  before(async () => {
    const caps = await capabilities();
    if (caps.hypopg) await t.admin.query('CREATE EXTENSION IF NOT EXISTS hypopg');
    pss = await statementStats(t, 'workload from the given SQL only');
    await t.admin.query(`CREATE TABLE accounts (id bigserial PRIMARY KEY, team_id int NOT NULL, created_at timestamptz NOT NULL)`);
    await t.admin.query(`INSERT INTO accounts (team_id, created_at) SELECT g % 5000, now() - g * interval '1 minute' FROM generate_series(1, 100000) g`);
    // A write-heavy log table, read rarely.
    await t.admin.query(`CREATE TABLE logs (id bigserial PRIMARY KEY, source int NOT NULL, body text NOT NULL)`);
    // Written far more than it is read: 200k rows kept, 1.3M rows written in all. The reads' saving is measured (two
    // scans of 200k rows) and grows with the machine's load; the write cost is counted. With 4x between them at
    // 600 ms a scan (load ~35), the outcome does not depend on how busy the machine is.
    await t.admin.query(`INSERT INTO logs (source, body) SELECT g % 3000, 'line ' || g FROM generate_series(1, 200000) g`);
    await t.admin.query(`UPDATE logs SET body = body || '!' WHERE id % 2 = 0`);
    await t.admin.query(`INSERT INTO logs (source, body) SELECT g % 3000, 'churn' FROM generate_series(1, 500000) g`);
    await t.admin.query(`DELETE FROM logs WHERE body = 'churn'`);
    await t.admin.query('VACUUM ANALYZE');
    if (pss) await t.admin.query('SELECT pg_stat_statements_reset()');
    // Enough calls that the time saved clearly outweighs maintaining the index for the 100,000 rows
    // written, also on a fast idle machine where each sequential scan takes only a few milliseconds.
    for (let i = 0; i < 200; i++) await t.admin.query('SELECT * FROM accounts WHERE team_id = $1', [i]);
    for (let i = 0; i < 200; i++) await t.admin.query('SELECT id FROM accounts WHERE team_id = $1 ORDER BY created_at DESC LIMIT 3', [i]);
    await t.admin.query('SELECT count(*) FROM logs WHERE source = $1', [7]);
    await t.admin.query('SELECT count(*) FROM logs WHERE source = $1', [8]);
  });

  it('picks a small set from pg_stat_statements by time saved, one index serving both statements on accounts', async function () {
    if (!pss) this.skip();
    const db = await t.open({ statementTimeoutMs: 60000 });
    const r = await adviseWorkload(db, { minCalls: 2 });
    assert.ok(r.fromStatStatements >= 3, `statements: ${r.fromStatStatements}`);
    const onAccounts = r.suggestions.filter((s) => s.table === 'accounts');
    assert.equal(onAccounts.length, 1, r.suggestions.map((s) => s.ddl).join('\n'));
    assert.match(onAccounts[0].ddl, /ON accounts \(team_id/);
    assert.ok(onAccounts[0].statements.length >= 2, 'serves both statements on accounts');
    assert.ok(onAccounts[0].savedMs! > 0);
    assert.match(onAccounts[0].explanation, /serves 2 statements, saving about/);
    // logs: written 1.3M rows and read twice: the index costs more on writes than it saves.
    assert.ok(!r.suggestions.some((s) => s.table === 'logs'), r.suggestions.map((s) => `${s.ddl}: ${s.explanation}`).join('\n'));
    // …and the answer says so (person10 N21: "No index would help" said nothing of what it weighed): the logs index
    // is listed as proved but not recommended, for its write cost, and the logs statement as weighed with its calls.
    const logs = r.notRecommended.find((x) => /ON logs/.test(x.ddl));
    assert.ok(logs, JSON.stringify(r.notRecommended));
    assert.match(logs.why, /write-heavy|written often|write cost/);
    const weighedLogs = r.weighed.find((w) => /FROM logs/.test(w.label));
    assert.equal(weighedLogs?.calls, 2);
    assert.match(weighedLogs!.outcome, /^index proved, logs .*, withheld: logs is (write-heavy|written often)/);
    assert.ok(r.weighed.some((w) => /FROM accounts/.test(w.label) && /^index proved: /.test(w.outcome)));
  });

  it('without timing (workspace SQL only) still ranks and explains', async () => {
    const db = await t.open({ statementTimeoutMs: 60000 });
    const r = await adviseWorkload(db, { minCalls: 1_000_000, extraStatements: [{ sql: 'SELECT * FROM accounts WHERE team_id = 5', source: 'app.sql:3' }] });
    assert.equal(r.fromFiles, 1);
    assert.equal(r.suggestions.length, 1);
    assert.match(r.suggestions[0].statements[0].label, /^app\.sql:3: SELECT \* FROM accounts/);
  });
});

describe('db/workload: PostgreSQL\'s own foreign-key checks are not the app\'s workload (real PostgreSQL, person12 R6)', function () {
  this.timeout(120000);
  const t = testDatabase('workload_fk');
  let pss = false;
  before(async () => {
    pss = await foreignKeyTables(t);
    // pg_stat_statements sees the RI triggers' statements when it tracks nested ones (Unleash's server did).
    await t.admin.query(`SET pg_stat_statements.track = 'all'`);
    for (let i = 1; i <= 30; i++) await t.admin.query('INSERT INTO feature_tags (feature_name, tag) VALUES ($1, $2)', [`f${1 + (i % 50)}`, `t${i}`]);
    for (let i = 1; i <= 10; i++) await t.admin.query('DELETE FROM features WHERE name = $1', [`f${40 + i}`]);
    for (let i = 0; i < 10; i++) await t.admin.query('SELECT * FROM feature_tags WHERE tag = $1', [`t${i}`]);
    await t.admin.query(`SET pg_stat_statements.track = 'top'`);
  });

  it('leaves the RI triggers\' checks and cascades out of the statements weighed and names them with their calls', async function () {
    if (!pss) this.skip();
    const seen = (await t.admin.query(`SELECT query, calls::int AS calls FROM pg_stat_statements WHERE query LIKE '%FOR KEY SHARE OF x%'`)).rows;
    assert.ok(seen.length > 0 && seen.some((r) => r.calls >= 30), `the server tracked its checks: ${JSON.stringify(seen)}`);
    const db = await t.open({ statementTimeoutMs: 60000 });
    const r = await adviseWorkload(db, { minCalls: 2 });
    assert.deepEqual(r.weighed.filter((w) => /FOR KEY SHARE|OPERATOR\(pg_catalog/.test(w.label)).map((w) => w.label), []);
    assert.ok(r.weighed.some((w) => /FROM feature_tags WHERE tag/.test(w.label)), JSON.stringify(r.weighed));
    assert.ok(r.foreignKeyChecks && r.foreignKeyChecks.calls >= 30, JSON.stringify(r.foreignKeyChecks));
    const lines = workloadWeighingLines(r).join('\n');
    assert.match(lines, /Left out: PostgreSQL's own foreign-key checks \(\d[\d,]* calls, \d+ statements?\)/);
    assert.doesNotMatch(lines, /could not be parsed/);
  });
});

describe("db/workload: PG Lens's own foreign-key checks are not named as the app's (real PostgreSQL, person39 L5)", function () {
  this.timeout(120000);
  const t = testDatabase('workload_own_fk');
  let pss = false;
  before(async () => {
    pss = await foreignKeyTables(t);
    // The app's rows, written untracked; PG Lens's sessions then track nested statements (as the demo's server does).
    await t.admin.query(`INSERT INTO feature_tags (feature_name, tag) SELECT 'f' || (1 + g % 50), 't' || g FROM generate_series(1, 200) g`);
    if (pss) {
      await t.admin.query('SELECT pg_stat_statements_reset()');
      await t.admin.query(`ALTER DATABASE ${quoteIdent(t.name)} SET pg_stat_statements.track = 'all'`);
    }
  });

  it("an Explain Analyze of a cascading DELETE (rolled back) leaves no \"Left out: PostgreSQL's own foreign-key checks\" line", async function () {
    if (!pss) this.skip();
    const db = await t.open({ statementTimeoutMs: 60000 });
    try {
      const r = await explainAnalyze(db, "DELETE FROM features WHERE name LIKE 'f1%'", { allowDml: true });
      assert.equal(r.plan.triggers.some((x) => /^RI_ConstraintTrigger_a_/.test(x.name) && x.calls >= 10), true, JSON.stringify(r.plan.triggers));
      // The server counted the cascade's statements, as it does the app's.
      const held = (await t.admin.query(`SELECT calls::int AS calls FROM pg_stat_statements WHERE query LIKE 'DELETE FROM ONLY%'`)).rows;
      assert.ok(held.some((x) => x.calls >= 10), `the server tracked the cascade: ${JSON.stringify(held)}`);
      assert.equal((await t.admin.query('SELECT count(*)::int AS n FROM features')).rows[0].n, 50, 'rolled back');
      const w = await adviseWorkload(db, { minCalls: 2 });
      assert.equal(w.foreignKeyChecks, undefined, JSON.stringify(w.foreignKeyChecks));
      assert.doesNotMatch(workloadWeighingLines(w).join('\n'), /PostgreSQL's own foreign-key checks/);
      // The app's own cascade afterwards is named, less PG Lens's calls.
      await t.admin.query(`SET pg_stat_statements.track = 'all'`);
      for (let i = 40; i <= 45; i++) await t.admin.query('DELETE FROM features WHERE name = $1', [`f${i}`]);
      await t.admin.query(`SET pg_stat_statements.track = 'top'`);
      const after = await adviseWorkload(db, { minCalls: 2 });
      assert.equal(after.foreignKeyChecks?.calls, 6, JSON.stringify(after.foreignKeyChecks));
    } finally {
      await db.close();
      await t.admin.query(`ALTER DATABASE ${quoteIdent(t.name)} RESET pg_stat_statements.track`);
    }
  });

  it("a statement of the code outside pg_stat_statements' busiest says its own entry's calls there, not \"calls not known\" (person51 L-9: \"src/reviews.ts:12: INSERT INTO reviews … — no calls recorded\" beside 3,000 calls)", async function () {
    if (!pss) this.skip();
    await t.admin.query('CREATE TABLE notes (id bigserial PRIMARY KEY, body text NOT NULL)');
    // Three calls: below the busiest's 5-call floor.
    for (let i = 0; i < 3; i++) await t.admin.query('INSERT INTO notes (body) VALUES ($1)', [`note ${i}`]);
    const db = await t.open({ statementTimeoutMs: 60000 });
    try {
      const r = await adviseWorkload(db, { minCalls: 5, extraStatements: [
        { sql: 'INSERT INTO notes (body) VALUES ($1)', source: 'src/notes.ts:12' },
        { sql: 'SELECT body FROM notes WHERE body = $1', source: 'src/notes.ts:20' },
      ] });
      const insert = r.weighed.find((w) => w.label.startsWith('src/notes.ts:12'));
      assert.ok(insert, JSON.stringify(r.weighed.map((w) => w.label)));
      assert.equal(insert.calls, undefined, 'not among the busiest weighed');
      assert.equal(insert.entry?.calls, 3, JSON.stringify(insert));
      const lines = workloadWeighingLines(r).join('\n');
      assert.match(lines, /^- src\/notes\.ts:12[^\n]* — 3 calls, [^\n]* \(its pg_stat_statements entry, not among the busiest weighed: not weighed with its time\) — /m, lines);
      assert.match(lines, /the calls pg_stat_statements holds of 1 other are listed beside them, not weighed/);
      // A statement the server never ran has no entry: its calls are not known.
      assert.match(lines, /^- src\/notes\.ts:20[^\n]* — calls not known: /m, lines);
    } finally {
      await db.close();
    }
  });
});
