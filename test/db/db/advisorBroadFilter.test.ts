/**
 * A filter keeping more than 5% of the rows (person47 M1): after the shop's orders grew to 52k rows with 5.9% refunded,
 * the hover said an index "costs about as much as reading the table" and Suggest Indexes "nothing in it is a selective
 * filter", where psql's trial index cut the planner's cost 1369 → 790 (42% lower). Up to INDEX_TRY_MAX_SELECTIVITY the
 * candidate is made and the planner decides (HypoPG, or a real index rolled back); above it the answer says PG Lens's own
 * limit, the same words on every surface (noIndexAnswer).
 */
import { strict as assert } from 'node:assert';
import { adviseStatement } from '../../../src/db/advisor';
import type { Database } from '../../../src/db/database';
import { adviceNoIndexNote, noIndexAnswer, noIndexWhy } from '../../../src/core/advice/missingIndex';
import { IndexDecider } from '../../../src/db/indexDecision';
import { decided } from '../../../src/db/missingIndexAnalyzer';
import { explain } from '../../../src/db/explain';
import { declinedIndexNote, hoverNoIndexNote } from '../../../src/core/plan/brief';
import { testDatabase } from '../support';

describe('db/advisor: a filter above 5% is tried, and the planner decides (person47 M1)', function () {
  this.timeout(180000);
  const t = testDatabase('advisor_broad');
  let db: Database;

  before(async () => {
    // The shop's orders (examples/shop/schema.sql), 52k rows: 1 in 17 refunded (5.9%), 1 in 4 shipped (25%).
    await t.admin.query(`CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL, total_cents integer NOT NULL, placed_at timestamptz NOT NULL)`);
    await t.admin.query(`INSERT INTO orders SELECT g, g % 4000, CASE WHEN g % 17 = 0 THEN 'refunded' WHEN g % 4 = 0 THEN 'shipped' WHEN g % 3 = 0 THEN 'paid' ELSE 'delivered' END, (g * 7919) % 500000, timestamptz '2024-01-01' + (g % 366) * interval '1 day' FROM generate_series(1, 52000) g`);
    await t.admin.query('ANALYZE orders');
    db = await t.open();
  });
  after(async () => {
    await db?.close();
  });

  it("`status = 'refunded'` at 5.9%: the index is tried and proved by the planner's cost, as psql's trial index shows", async () => {
    const sql = `SELECT id, customer_id, status, total_cents, placed_at FROM orders WHERE status = 'refunded' ORDER BY placed_at DESC`;
    const share = (await t.admin.query(`SELECT avg((status = 'refunded')::int)::float8 AS s FROM orders`)).rows[0].s;
    assert.ok(share > 0.05 && share < 0.2, `between the bounds: ${share}`);
    // psql's own answer: BEGIN; CREATE INDEX; EXPLAIN; ROLLBACK.
    const cost = async () => (await t.admin.query(`EXPLAIN (FORMAT JSON) ${sql}`)).rows[0]['QUERY PLAN'][0].Plan['Total Cost'] as number;
    const before = await cost();
    await t.admin.query('BEGIN');
    let withIndex: number;
    try {
      await t.admin.query('CREATE INDEX ON orders (status)');
      withIndex = await cost();
    } finally {
      await t.admin.query('ROLLBACK');
    }
    assert.ok(withIndex < 0.7 * before, `the planner prefers an index here: ${before} → ${withIndex}`);
    const r = await adviseStatement(db, sql, undefined);
    const best = r.suggestions[0];
    console.log(`      psql ${before} → ${withIndex}; PG Lens: ${best?.summary ?? noIndexAnswer(r, { minCostReduction: 0.3, sizeSetting: "s" })}`);
    assert.ok(best, `a proved suggestion: ${noIndexAnswer(r, { minCostReduction: 0.3, sizeSetting: 's' })}`);
    assert.notEqual(best.verifiedBy, 'none', 'proved by the planner, never proposed unproved');
    assert.match(best.ddl, /ON orders \(status/);
    // The same gain psql shows (HypoPG's estimated index size moves the figure a little: 723 against 688 on PG15).
    assert.ok(best.costAfter! <= 0.7 * before && best.costAfter! <= withIndex * 1.15, `psql's gain: ${before} → ${best.costAfter} (psql ${withIndex})`);
  });

  it("`status = 'refunded' ORDER BY placed_at DESC` at 5.9%: the plan with (status, placed_at DESC) still sorts, so (status) alone is tried too and proposed, the planner costing it no higher (person48 M-A)", async () => {
    const sql = `SELECT id, customer_id, status, total_cents, placed_at FROM orders WHERE status = 'refunded' ORDER BY placed_at DESC`;
    // psql: each index in a rolled-back transaction.
    const trial = async (ddl: string) => {
      await t.admin.query('BEGIN');
      try {
        await t.admin.query(ddl);
        const plan = (await t.admin.query(`EXPLAIN (FORMAT JSON) ${sql}`)).rows[0]['QUERY PLAN'][0].Plan;
        return { cost: plan['Total Cost'] as number, sorts: plan['Node Type'] === 'Sort' };
      } finally {
        await t.admin.query('ROLLBACK');
      }
    };
    const narrow = await trial('CREATE INDEX ON orders (status)');
    const wide = await trial('CREATE INDEX ON orders (status, placed_at DESC)');
    console.log(`      psql: (status) ${narrow.cost}, (status, placed_at DESC) ${wide.cost}${wide.sorts ? ', still a Sort' : ''}`);
    assert.ok(wide.sorts && narrow.cost <= wide.cost, "the person's case: the wider index does not give the ORDER BY and costs no less");
    // The share in the reason is the planner's estimate from ANALYZE's sample of 30,000 of the 52,000 rows: 5.9% exact,
    // 5.x–6.x% sampled (CI on PostgreSQL 18 saw 6.1%).
    const r = await adviseStatement(db, sql, undefined);
    const best = r.suggestions[0];
    assert.ok(best, noIndexAnswer(r, { minCostReduction: 0.3, sizeSetting: 's' }));
    assert.match(best.ddl, /ON orders \(status\)$/, `the narrower index: ${best.ddl}`);
    assert.ok(r.tried?.some((x) => /\(status, placed_at DESC\)/.test(x.ddl)), 'the wider one was tried first');
    assert.match(best.reason, /^equality on status: its filter keeps [56]\.\d% of the rows, more than the 5\.0% PG Lens tries a filter alone for, tried because the plan with orders \(status, placed_at DESC\) still sorts \(that index does not give the ORDER BY, so its gain is the filter's\); the planner costs (orders \(status\) lower, [\d,.]+ against [\d,.]+|both [\d,.]+, and orders \(status\) is the narrower)$/, best.reason);
    assert.ok(best.costAfter! <= narrow.cost * 1.15, `psql's (status): ${narrow.cost}; PG Lens ${best.costAfter}`);
  });

  it("`status = 'shipped'` at ~22%: no candidate, said as PG Lens's own limit, not as a claim about the planner", async () => {
    const r = await adviseStatement(db, `SELECT id, total_cents FROM orders WHERE status = 'shipped' ORDER BY placed_at`, undefined);
    assert.equal(r.considered, 0);
    const why = noIndexAnswer(r, { minCostReduction: 0.3, sizeSetting: 's' });
    assert.match(why, /^no index tried: its filter keeps 2\d% of orders's rows, more than the 20% PG Lens tries an index for \(PG Lens's own limit, not the planner's answer\)$/, why);
  });

  it("`status = 'refunded'` alone at 5.9%: the hover's note under the scan is the advice's answer, Suggest Indexes' words — not the plan tip's second sentence (fixd's leftover)", async () => {
    // A filter alone is tried up to 5%: the advice answers "no index tried … PG Lens's own limit". The plan tip, from the
    // plan alone, says "it keeps 6% …: PG Lens proposes an index … only when the planner proves it (on a connected
    // database, …)". Before, the hover said the tip's sentence while Suggest Indexes gave the advice's.
    const sql = `SELECT id, total_cents FROM orders WHERE status = 'refunded'`;
    const decider = new IndexDecider(db, { realIndexes: true });
    const d = await decider.decide([{ sql, label: 'src/orders.ts:70' }]);
    const own = decider.advice.get(sql)!;
    const opts = { minCostReduction: 0.3, sizeSetting: 'pgLens.index.maxTableSizeMb' };
    // What Suggest Indexes and `pg-lens advise` answer (noIndexWhy: the status, the withheld indexes, else noIndexAnswer).
    const suggest = noIndexWhy(own, d.byStatement.get(sql)?.withheld ?? [], opts);
    assert.match(suggest, /^no index tried: its filter keeps [56]\.\d% of orders's rows, more than the 5\.0% PG Lens tries an index for/, suggest);
    const { plan } = await explain(db, sql);
    const tip = declinedIndexNote(plan);
    assert.match(tip ?? '', /keeps [56](\.\d)?% of the rows it reads/, 'the plan tip judges it on its own (the two sentences the hover and Suggest gave)');
    const note = adviceNoIndexNote(decided(decider, sql, d), own, opts);
    assert.equal(note, `No index for it: ${suggest}.`);
    assert.equal(hoverNoIndexNote(plan, { advice: note }), note, 'the tip defers to the advice that answered');
    assert.equal(hoverNoIndexNote(plan, {}), tip, 'no advice yet: the tip says its judgement');
    assert.equal(hoverNoIndexNote(plan, { notWorkload: 'a script', advice: note }), 'a script', 'a statement the advice leaves out says why first');

    // Where the advice proposes an index (the ORDER BY the index gives: tried up to 20%), the line's finding says it: no
    // note under the plan, never the tip's "none is proposed from this plan" beside a proved index.
    const sorted = `SELECT id, customer_id, status, total_cents, placed_at FROM orders WHERE status = 'refunded' ORDER BY placed_at DESC`;
    const d2 = await decider.decide([{ sql: sorted, label: 'src/orders.ts:80' }]);
    const proved = decided(decider, sorted, d2);
    assert.ok(proved?.suggestions.length, JSON.stringify(decider.advice.get(sorted)));
    assert.equal(adviceNoIndexNote(proved, decider.advice.get(sorted), opts), '');
    assert.equal(hoverNoIndexNote((await explain(db, sorted)).plan, { advice: '', findingOnLine: true }), '');
  });
});
