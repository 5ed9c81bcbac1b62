/**
 * The hover's plan line and its index line on one reading of the tables. A person saw, on the demo shop's refunds read after
 * orders' rows were deleted and added again (orders back at its row count, its pages grown by the dead rows), the index line
 * say "1,007 → 302" while the plan line under it said "cost 940.44": the advice had been proved again on the grown table,
 * the plan cache (keyed by DDL and the ANALYZE/VACUUM counts) still served the plan from before. The plan cache now follows
 * the index advice's reading of the tables' figures (db/tableFigures): the plans of a table that moved are dropped with it.
 */
import { strict as assert } from 'node:assert';
import { shopWorkspace } from './shopState';
import { IndexDecider } from '../../../src/db/indexDecision';
import { Planner } from '../../../src/db/planner';
import { testDatabase } from '../support';

describe('examples/shop: the hover\'s plan line and index line on one reading of the tables (real PostgreSQL)', function () {
  this.timeout(900000);
  const t = testDatabase('shop_hover_one_reading');
  const shop = shopWorkspace(t, { files: {}, vacuum: ['orders', 'customers'] });
  const FILE = 'src/orders.ts';

  it('src/orders.ts refunds read: orders\' rows deleted and added again (same row count, more pages), hovered again: the plan line\'s cost is the one the index line starts from', async () => {
    // No autovacuum on orders while the test runs: its ANALYZE would re-plan on its own (the schema version) and hide the case.
    await t.admin.query('ALTER TABLE orders SET (autovacuum_enabled = off)');
    // The editor's proof: HypoPG where the server has it (PostgreSQL 15 here), else a real trial build (18). A real build
    // on PostgreSQL 15 also moves the table's relpages in place (CREATE INDEX's own statistics update, not rolled back): a
    // change of the tables of its own, not the one this test makes.
    const decider = new IndexDecider(shop.db, { proof: 'auto' });
    const planner = new Planner(shop.db, 'shop', { versionTtlMs: 0 });
    const { statements } = await shop.editor(decider);
    const refunds = (await shop.sitesOf(FILE)).find((s) => /status = 'refunded' ORDER BY placed_at DESC/.test(s.sql))!.sql;
    /** A hover: its index line's "before" (the decided advice) and its plan line's cost (the plan cache). */
    const hover = async (): Promise<{ indexLine: number; planLine: number }> => {
      const decision = await decider.decide(await statements(), { focus: [refunds], realIndexes: true });
      const s = decision.byStatement.get(refunds)?.suggestions[0];
      assert.ok(s, 'the refunds read has its index advice');
      const plan = await planner.plan(refunds);
      assert.ok(plan.ok, 'the refunds read is planned');
      return { indexLine: s.costBefore, planLine: plan.result.plan.totalCost };
    };
    const first = await hover();
    assert.equal(first.planLine, first.indexLine, `one reading at first: cost ${first.planLine}, index line from ${first.indexLine}`);
    const count = async () => Number((await t.admin.query('SELECT count(*) AS n FROM orders')).rows[0].n);
    const rowsBefore = await count();
    // The demo's cleanup: a quarter of orders deleted and added again. The row count is the same, the dead rows grow the table.
    // A quarter at a time, in one statement each (the orders deleted and the same added again: their items' keys hold),
    // until the table has grown a tenth: the free space the traffic's vacuum left takes the first ones.
    const pages = async () => Number((await t.admin.query("SELECT pg_relation_size('orders') / current_setting('block_size')::int AS pages")).rows[0].pages);
    const pagesBefore = await pages();
    for (let part = 0; part < 12 && (await pages()) < pagesBefore * 1.1; part++) {
      await t.admin.query(`WITH gone AS (DELETE FROM orders WHERE id % 4 = ${part % 4} RETURNING *) INSERT INTO orders SELECT * FROM gone`);
    }
    assert.equal(await count(), rowsBefore, 'orders is back at its row count');
    assert.ok((await pages()) >= pagesBefore * 1.1, `its pages grew a tenth or more (${pagesBefore} → ${await pages()})`);
    const again = await hover();
    assert.notEqual(again.indexLine, first.indexLine, `the advice is made on the grown table (${first.indexLine} then ${again.indexLine})`);
    assert.equal(again.planLine, again.indexLine, `the plan line's cost is the one the index line starts from (plan ${again.planLine}, index line ${again.indexLine} → …)`);
    planner.dispose();
  });
});
