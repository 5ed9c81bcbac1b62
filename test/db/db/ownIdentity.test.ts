/**
 * PG Lens's short probes do not share a query identifier with the application's statements (person26 LOW 1).
 * PostgreSQL's query identifier leaves out comments (our marker), constants' values and column aliases, so PG Lens's
 * `SELECT to_regclass('pg_stat_statements') IS NOT NULL AS ok` (the cost CodeLens's statement-use read, every 30 s) and
 * the demo seed's `SELECT to_regclass('public.customers') IS NOT NULL AS present` were one pg_stat_statements entry,
 * holding the seed's marker-less text: Top statements listed PG Lens's calls as the app's (66, then 123 calls while
 * nothing but PG Lens ran it). Likewise an app's `SELECT 1` health check and PG Lens's connection ping.
 */
import { strict as assert } from 'node:assert';
import type { Database } from '../../../src/db/database';
import { readStatementUse } from '../../../src/db/workloadFacts';
import { SQL } from '../../../src/db/sql';
import { statementStats, testDatabase } from '../support';

describe("PG Lens's probes keep out of the application's pg_stat_statements entries (real PostgreSQL)", function () {
  this.timeout(180000);
  const t = testDatabase('own_identity');
  let pss = false;

  before(async () => {
    pss = await statementStats(t, 'nothing to test: no pg_stat_statements');
  });

  it("the seed's to_regclass check and an app's SELECT 1 keep their own calls while PG Lens probes", async function () {
    if (!pss) this.skip();
    await t.admin.query('CREATE TABLE customers (id int PRIMARY KEY)');
    const db: Database = await t.open();
    try {
      const { versionNum } = await db.serverInfo();
      await t.admin.query('SELECT pg_stat_statements_reset()');
      // The application: the demo seed's check (examples/shop/seed.ts) and a health check, once each.
      await t.admin.query(`SELECT to_regclass('public.customers') IS NOT NULL AS present`);
      await t.admin.query('SELECT 1');
      // PG Lens: three cost-lens reads of statement use (each probes pg_stat_statements first) and three pings.
      for (let i = 0; i < 3; i++) {
        await readStatementUse(db, { versionNum, minCalls: 5 });
        await db.query(SQL.ping);
      }
      const calls = async (query: string) => {
        const { rows } = await t.admin.query(`SELECT coalesce(sum(calls), 0)::int AS n FROM pg_stat_statements
          WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query = $1`, [query]);
        return rows[0].n as number;
      };
      const seed = await calls('SELECT to_regclass($1) IS NOT NULL AS present');
      const health = await calls('SELECT $1');
      const ours = (await t.admin.query(`SELECT query, calls::int AS calls FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query LIKE '%pg_lens%' AND query LIKE '%/* pg-lens */%'`)).rows;
      console.log(`      seed's entry: ${seed} call(s); SELECT $1: ${health}; PG Lens's own: ${ours.map((r) => `${r.calls} × ${String(r.query).replace(/\s+/g, ' ').trim().slice(0, 80)}`).join(' | ')}`);
      assert.equal(seed, 1, "the seed's to_regclass entry holds the seed's one call, not PG Lens's probes");
      assert.equal(health, 1, "the app's SELECT 1 entry holds its one call, not PG Lens's pings");
      assert.ok(ours.some((r) => /to_regclass/.test(r.query) && r.calls === 3), "PG Lens's probe has its own entry (marked), with its 3 calls");
    } finally {
      await db.close();
    }
  });
});
