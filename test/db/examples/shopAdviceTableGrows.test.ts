/**
 * The editor's index advice after the app's traffic grows a table, on the same decider (no reload): made again — a fresh
 * proof, or the earlier proof saying the table has changed since — never the figures of the table as it was. Before,
 * IndexDecider kept each statement's advice per SQL text for the session: person43 (issue 20 H1) grew orders 32k → 40k
 * rows (+ANALYZE), and the hover kept "cost 940 → 288" above the live plan's 1,042, Problems "Seq Scan on orders (32k
 * rows)", until Reload Window. The embedded PostgreSQL 18 has no HypoPG: the proofs are real trial builds, as on the demo.
 */
import { strict as assert } from 'node:assert';
import { shopWorkspace } from './shopState';
import { IndexDecider } from '../../../src/db/indexDecision';
import { missingIndexAnalyzer } from '../../../src/db/missingIndexAnalyzer';
import type { Finding } from '../../../src/core/findings';
import { testDatabase } from '../support';

describe('examples/shop: index advice after the table grows, without a reload (real PostgreSQL)', function () {
  this.timeout(900000);
  const t = testDatabase('shop_advice_table_grows');
  const shop = shopWorkspace(t, { files: {}, vacuum: ['orders', 'customers'] });
  const FILE = 'src/orders.ts';

  it('src/orders.ts refunds read: proved, orders grows +25% and is analysed, the next decision does not keep the old figures silently', async () => {
    // The editor's one decider (automatic: real builds withheld; proofs by real builds, as on the demo, also on a server with HypoPG).
    const decider = new IndexDecider(shop.db, { proof: 'transaction' });
    const { advice, statements, onDecision } = await shop.editor(decider);
    const site = (await shop.sitesOf(FILE)).find((s) => /status = 'refunded' ORDER BY placed_at DESC/.test(s.sql))!;
    const refunds = site.sql;
    // Suggest Indexes on the line (asked: real trial builds), then the file's diagnostics (automatic), as the person did.
    await decider.decide(await statements(), { focus: [refunds], realIndexes: true });
    const line = async (): Promise<Finding | undefined> => {
      const a = missingIndexAnalyzer(decider, { advice, workloadOnly: true, statements, onDecision, createNow: true });
      const found = await a.analyze({ file: FILE, text: shop.texts.get(FILE)!, language: 'typescript', sites: await shop.sitesOf(FILE) });
      return found.find((f) => f.ruleId === 'missing-index' && f.span.start >= site.span.start && f.span.end <= site.span.end);
    };
    const before = await line();
    assert.ok(before, 'the refunds read has its missing-index finding');
    const beforeCost = advice.get(refunds)?.costBefore;
    assert.ok(!/changed since/.test(before.message), `proved on the tables as they are: no note: ${before.message}`);
    // The demo's traffic: orders grows a quarter (the same mix of statuses), and autovacuum analyses it.
    await t.admin.query('INSERT INTO orders (customer_id, status, total_cents, placed_at) SELECT customer_id, status, total_cents, placed_at FROM orders WHERE id % 4 = 0');
    await t.admin.query('ANALYZE orders');
    const after = await line();
    const afterCost = advice.get(refunds)?.costBefore;
    assert.ok(after, 'still a finding on the refunds read');
    assert.notEqual(afterCost, beforeCost, `the plan without the index is the grown table's (cost ${beforeCost} then ${afterCost})`);
    const s = advice.get(refunds)!.suggestions[0];
    assert.ok(/proved (\d+|under 1) min ago; orders has changed since/.test(s.summary), `the kept proof says orders has changed since it was made: ${s.summary}`);
    assert.notEqual(after.message, before.message, 'the line does not say what it said on the smaller table');
    // Suggest Indexes then proves it again on the grown table (person43: it answered the stale "(32k rows) … 940 → 364").
    const asked = await decider.decide(await statements(), { focus: [refunds], realIndexes: true });
    const fresh = asked.byStatement.get(refunds)?.suggestions[0];
    assert.ok(fresh && !/changed since/.test(fresh.summary), `proved anew: ${fresh?.summary}`);
    assert.equal(fresh.costBefore, afterCost, `its figures are the grown table's: ${fresh.summary}`);
  });
});
