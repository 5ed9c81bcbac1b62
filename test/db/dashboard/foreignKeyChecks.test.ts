/**
 * person12 R6, the rest: PostgreSQL's own foreign-key checks and cascades (the RI triggers' `… FOR KEY SHARE OF x`,
 * `DELETE FROM ONLY …`), which pg_stat_statements holds when it tracks nested statements, are not the app's statements:
 * the cost CodeLens / `pg-lens report` (readStatementCosts) and the dashboard's Top statements leave them out, as Advise
 * Indexes does. Real PostgreSQL with pg_stat_statements.track = all, a real foreign key, inserts and cascading deletes.
 */
import * as assert from 'node:assert/strict';
import { readStatementCosts } from '../../../src/db/queryStats';
import { STATS_SQL, StatsReader } from '../../../src/db/stats';
import { foreignKeyTables, testDatabase } from '../support';

const FK_SHAPE = /FOR KEY SHARE OF x|^\s*DELETE FROM ONLY|^\s*UPDATE ONLY/;

describe('db: PostgreSQL\'s own foreign-key checks are not in Top statements nor the cost lenses (person12 R6)', function () {
  this.timeout(120000);
  const t = testDatabase('fk_checks_lists');
  let pss = false;
  before(async () => {
    pss = await foreignKeyTables(t);
  });

  /** The app's work, with the RI triggers' statements tracked (as on Unleash's server). */
  async function appWork(): Promise<void> {
    await t.admin.query(`SET pg_stat_statements.track = 'all'`);
    for (let i = 1; i <= 40; i++) await t.admin.query('INSERT INTO feature_tags (feature_name, tag) VALUES ($1, $2)', [`f${1 + (i % 30)}`, `t${i}`]);
    for (let i = 1; i <= 5; i++) await t.admin.query('DELETE FROM features WHERE name = $1', [`f${i}`]);
    for (let i = 0; i < 10; i++) await t.admin.query('SELECT * FROM feature_tags WHERE tag = $1', [`t${i}`]);
    await t.admin.query(`SET pg_stat_statements.track = 'top'`);
  }

  it('the server holds the checks; the cost lenses\' statements and both Top statements paths leave them out', async function () {
    if (!pss) this.skip();
    const db = await t.open();
    const info = await db.serverInfo();
    const reader = new StatsReader(db, { versionNum: info.versionNum, pgStatStatements: info.pgStatStatements, topN: 200, statementsEvery: 1 });
    await reader.read();
    await appWork();
    await t.admin.query('SELECT pg_stat_force_next_flush()');
    const held = (await t.admin.query(`SELECT query, calls::int AS calls FROM pg_stat_statements WHERE query LIKE '%FOR KEY SHARE OF x%' OR query LIKE 'DELETE FROM ONLY%'`)).rows;
    assert.ok(held.some((r) => /FOR KEY SHARE OF x/.test(r.query) && r.calls >= 40) && held.some((r) => /^DELETE FROM ONLY/.test(r.query)), `the server tracked the checks and the cascade: ${JSON.stringify(held)}`);

    const costs = await readStatementCosts(db);
    assert.deepEqual(costs.stats.filter((s) => FK_SHAPE.test(s.query)).map((s) => s.query), []);
    assert.ok(costs.stats.some((s) => /FROM feature_tags WHERE tag = \$1/.test(s.query)), 'the app\'s read is there');
    assert.ok(costs.stats.some((s) => /^INSERT INTO feature_tags/.test(s.query)), 'the app\'s insert is there');

    // Top statements (PostgreSQL 14+: top-level entries only; the RI triggers' statements are nested).
    const s = await reader.read();
    assert.equal(s.statements.state, 'ready');
    const rows = s.statements.state === 'ready' ? s.statements.rows : [];
    assert.deepEqual(rows.filter((x) => FK_SHAPE.test(x.query ?? '')).map((x) => x.query), []);
    assert.ok(rows.some((x) => /FROM feature_tags WHERE tag = \$1/.test(x.query ?? '')), JSON.stringify(rows.map((x) => x.query)));
    // Before PostgreSQL 14 there is no toplevel: the texts' read tells them apart (fk_check), and the reader leaves them out.
    const ids = (await t.admin.query(`SELECT queryid::text AS id, query FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`)).rows;
    const told = (await t.admin.query(STATS_SQL.statementTexts13, [ids.map((r) => r.id), 2000])).rows;
    const checks = told.filter((r) => r.fk_check === true).map((r) => r.query as string);
    assert.ok(checks.length >= 2 && checks.every((q) => FK_SHAPE.test(q)), JSON.stringify(checks));
    assert.deepEqual(told.filter((r) => r.fk_check !== true && FK_SHAPE.test(r.query)).map((r) => r.query), []);
    assert.ok(told.some((r) => r.fk_check === false && /FROM feature_tags WHERE tag = \$1/.test(r.query)));
  });
});
