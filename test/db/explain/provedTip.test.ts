/**
 * One advice on every surface, through the real layers: the index the advisor proves for a statement (what the hover
 * and the Problems panel say) is the index the statement's Explain Analyze tips name, ranked by the time the scan took
 * and above the join's misestimate (person9 P5: 91% of the time in the Seq Scan on orders, and the only tip was the
 * Hash Join's misestimate).
 */
import { strict as assert } from 'node:assert';
import { adviseStatement } from '../../../src/db/advisor';
import { explainAnalyze } from '../../../src/db/explain';
import { analyzePlan, fmtSaving } from '../../../src/core/plan';
import { indexDefinitionTitle } from '../../../src/core/advice/missingIndex';
import type { Database } from '../../../src/db/database';
import { testDatabase } from '../support';

describe('an analysed plan names the index the advisor proved (real PostgreSQL)', function () {
  this.timeout(120000);
  const t = testDatabase('proved_tip');
  let db: Database;

  before(async () => {
    await t.admin.query('CREATE TABLE customers (id int PRIMARY KEY, email text UNIQUE NOT NULL)');
    await t.admin.query('CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, total_cents int NOT NULL, pad text)');
    await t.admin.query(`INSERT INTO customers SELECT g, 'c' || g || '@mail.test' FROM generate_series(1, 8000) g`);
    // Customer 7 has far more orders than the average: the join's estimate is off, as for the shop's heaviest customer.
    await t.admin.query(`INSERT INTO orders SELECT g, CASE WHEN g % 50 = 0 THEN 7 ELSE 1 + g % 8000 END, g % 9000, repeat('x', 60) FROM generate_series(1, 60000) g`);
    await t.admin.query('ANALYZE customers, orders');
    db = await t.open();
  });

  it('the proved orders (customer_id) is the first tip of the analysed join, in ms, above any misestimate', async () => {
    const sql = 'SELECT o.id, o.total_cents FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email = $1';
    const advice = await adviseStatement(db, sql, undefined);
    const s = advice.suggestions.find((x) => x.table.replace(/^public\./, '') === 'orders' && x.costAfter !== null);
    assert.ok(s, `expected an index on orders to be proved; got ${JSON.stringify(advice.suggestions.map((x) => x.ddl))}`);
    const proved = [{ table: s.table, costBefore: s.costBefore, costAfter: s.costAfter!, title: indexDefinitionTitle(s) }];
    const r = await explainAnalyze(db, sql, { params: ['c7@mail.test'] });
    const plan = analyzePlan(r.json, { relationRows: r.relationRows ? new Map(r.relationRows) : undefined, provedIndexes: proved });
    const first = plan.tips[0];
    assert.ok(first, 'a tip');
    assert.ok(first.text.includes(proved[0].title), `tip #1 names ${proved[0].title}: ${plan.tips.map((x) => `${x.kind}: ${x.text}`).join(' | ')}`);
    assert.equal(plan.nodes[first.nodeId].metrics.relation?.replace(/^public\./, ''), 'orders');
    assert.match(fmtSaving(first), /^could save ~[\d.]+ (ms|µs|s): cost [\d.,]+ → [\d.,]+ with the index, proved by the planner$/);
    const mis = plan.tips.findIndex((x) => x.kind === 'misestimate');
    assert.ok(mis === -1 || mis > 0);
    // Without the advice the same plan points to Suggest indexes, or has no index tip at all (the join case).
    const bare = analyzePlan(r.json, { relationRows: r.relationRows ? new Map(r.relationRows) : undefined });
    // (plan20's join-probe tip may name the same index: then as not proved, sending to Suggest indexes.)
    assert.ok(bare.tips.filter((x) => x.text.includes(proved[0].title)).every((x) => /not proved/.test(x.text) && !/proved by the planner/.test(fmtSaving(x))), bare.tips.map((x) => x.text).join(' | '));
  });
});
