/**
 * A plan tip of a statement of the code names the index the editor's advice proved, or says the advice's answer — never
 * an index of its own (issue 20, person48 L-f: after DROP INDEX, Compare's tip said "An index on reviews (product_id) lets
 * PostgreSQL read only those: see "Suggest indexes"" while the hover, Problems and Suggest Indexes proved reviews
 * (product_id, created_at DESC)). A pasted plan keeps its own tip (person48 L-b's wording).
 */
import { strict as assert } from 'node:assert';
import { ADVICE_PENDING, analyzePlanWith, fmtSaving, withProvedIndexes, type Plan } from '../../../../src/core/plan';
import { adviceTipAnswer } from '../../../../src/core/advice/missingIndex';
import type { IndexLeadFact, ProvedIndexFigure } from '../../../../src/core/plan/model';

// The demo shop's products.ts:72 run with $1 = 1169 after DROP INDEX reviews_pid_created_idx (person48's 30-compare).
const AFTER_DROP = `Limit  (cost=554.04..554.05 rows=3 width=130) (actual time=5.800..5.802 rows=3 loops=1)
  ->  Sort  (cost=554.04..554.05 rows=5 width=130) (actual time=5.799..5.800 rows=3 loops=1)
        Sort Key: created_at DESC
        Sort Method: top-N heapsort  Memory: 25kB
        ->  Seq Scan on reviews  (cost=0.00..554.00 rows=5 width=130) (actual time=0.900..5.780 rows=5 loops=1)
              Filter: (product_id = '1169'::bigint)
              Rows Removed by Filter: 23995
Planning Time: 0.132 ms
Execution Time: 5.900 ms`;
const WITH_INDEX = `Limit  (cost=0.29..14.74 rows=3 width=130) (actual time=0.080..0.083 rows=3 loops=1)
  ->  Index Scan using reviews_pid_created_idx on reviews  (cost=0.29..24.37 rows=5 width=130) (actual time=0.079..0.081 rows=3 loops=1)
        Index Cond: (product_id = '1169'::bigint)
Planning Time: 0.114 ms
Execution Time: 0.099 ms`;

const lead = (name: string, column: string | null, unique = false): IndexLeadFact => ({ name, column, unique, partial: false });
const DROPPED: [string, IndexLeadFact[]][] = [['public.reviews', [lead('reviews_pkey', 'id', true)]]];
const CREATED: [string, IndexLeadFact[]][] = [['public.reviews', [lead('reviews_pkey', 'id', true), lead('reviews_pid_created_idx', 'product_id')]]];
const PROVED: ProvedIndexFigure = {
  table: 'reviews', costBefore: 554.07, costAfter: 14.3, title: 'reviews (product_id, created_at DESC)', columns: ['product_id', 'created_at DESC'],
  ddl: 'CREATE INDEX CONCURRENTLY reviews_product_id_created_at_desc_idx ON reviews (product_id, created_at DESC)', tableIndexes: ['reviews_pkey'],
};

type Side = { title: string; method: string; provedIndexes?: ProvedIndexFigure[]; adviceAnswer?: string; relationIndexes?: [string, IndexLeadFact[]][] };
const planOf = (text: string, side: Side): Plan => analyzePlanWith(text, side, side, { withStatement: side.method !== 'brought' });
const scanTip = (p: Plan) => p.tips.find((t) => /Seq Scan on reviews/.test(t.text));
const shown = (p: Plan) => p.tips.map((t) => `${t.text} (${fmtSaving(t)})`).join('\n');

describe('core/plan tips of a statement of the code say the index advice\'s index or answer (issue 20, person48 L-f)', () => {
  it('the advice not answered yet: the scan\'s tip says so in one wording, and names no index of its own (failed before: "An index on reviews (product_id) … see "Suggest indexes"")', () => {
    const p = planOf(AFTER_DROP, { title: 'after', method: 'custom', relationIndexes: DROPPED, adviceAnswer: ADVICE_PENDING });
    const t = scanTip(p);
    assert.ok(t, shown(p));
    assert.equal(t.text, `Seq Scan on reviews reads the whole table to keep few rows (24k rows keeps 5 (0.02%) with Filter: (product_id = '1169'::bigint)): ${ADVICE_PENDING}.`);
    assert.doesNotMatch(shown(p), /reviews \(product_id\)/);
    assert.match(fmtSaving(t), /at stake$/);
  });

  it('the advice proved an index: the tip names it with its figures; decided without one: its "No index for it" words', () => {
    const proved = scanTip(planOf(AFTER_DROP, { title: 'after', method: 'custom', relationIndexes: DROPPED, provedIndexes: [PROVED], adviceAnswer: ADVICE_PENDING }))!;
    assert.equal(proved.proved?.index, 'reviews (product_id, created_at DESC)');
    assert.match(fmtSaving(proved), /cost 554 → 14\.3 with the index, proved by the planner/);
    const none = 'No index for it: no index to add: an index it would use exists (reviews_pid_created_idx)';
    const t = scanTip(planOf(AFTER_DROP, { title: 'after', method: 'custom', relationIndexes: DROPPED, adviceAnswer: none }))!;
    assert.match(t.text, /: No index for it: no index to add: an index it would use exists \(reviews_pid_created_idx\)\.$/);
  });

  it('a pasted plan (no statement of the code) keeps the plan\'s own tip, worded as before (person48 L-b)', () => {
    const t = scanTip(planOf(AFTER_DROP, { title: 'pasted', method: 'brought', relationIndexes: DROPPED, adviceAnswer: ADVICE_PENDING }))!;
    assert.match(t.text, /An index on reviews \(product_id\) lets PostgreSQL read only those\.$/);
    assert.doesNotMatch(t.text, /Suggest indexes|index advice/);
  });

  it('Compare: a side made while the advice had not answered, beside one made with the index, names the index the advice proved since (failed before)', () => {
    // BEFORE ran with reviews_pid_created_idx (the advice: served, no proof); AFTER right after DROP INDEX (not answered);
    // at Compare the advice has proved (product_id, created_at DESC) again.
    const before: Side = { title: 'before', method: 'custom', relationIndexes: CREATED, adviceAnswer: 'No index for it: no index to add: an index it would use exists (reviews_pid_created_idx)' };
    const after: Side = { title: 'after', method: 'custom', relationIndexes: DROPPED, adviceAnswer: ADVICE_PENDING };
    const [, a] = withProvedIndexes(before, after, { provedIndexes: [PROVED] });
    const t = scanTip(planOf(AFTER_DROP, a))!;
    assert.equal(t.proved?.index, 'reviews (product_id, created_at DESC)', t.text);
    // A proof the BEFORE side carries from when the table had other indexes does not hide the one made since.
    const stale = { ...PROVED, title: 'reviews (product_id)', columns: ['product_id'], ddl: 'CREATE INDEX reviews_product_id_idx ON reviews (product_id)', tableIndexes: ['reviews_pkey', 'reviews_old_idx'] };
    const [, a2] = withProvedIndexes({ ...before, provedIndexes: [stale] }, after, { provedIndexes: [PROVED] });
    assert.equal(scanTip(planOf(AFTER_DROP, a2))!.proved?.index, 'reviews (product_id, created_at DESC)');
    // Not answered at Compare either: the side's own words, the one wording; the BEFORE plan has no scan tip at all.
    const [b3, a3] = withProvedIndexes(before, after, { adviceAnswer: ADVICE_PENDING });
    assert.match(scanTip(planOf(AFTER_DROP, a3))!.text, /has not answered for this statement yet/);
    assert.equal(scanTip(planOf(WITH_INDEX, b3)), undefined);
    // A side's own answer, decided when it was made (before CREATE INDEX), is its plan's: not the answer after it.
    const unproved = 'PG Lens\'s index advice proposes reviews (product_id, created_at DESC) for this statement, not proved by the planner: see "Suggest indexes"';
    const [b4] = withProvedIndexes({ ...after, adviceAnswer: unproved }, before, { adviceAnswer: before.adviceAnswer });
    assert.equal(scanTip(planOf(AFTER_DROP, b4))!.text.endsWith(`: ${unproved}.`), true);
    // Its own not answered then, answered now: the answer now.
    const [b5] = withProvedIndexes(after, before, { adviceAnswer: before.adviceAnswer });
    assert.match(scanTip(planOf(AFTER_DROP, b5))!.text, /: No index for it: no index to add/);
  });

  it('adviceTipAnswer: not decided, an index proved on another table, one proposed unproved, or the advice\'s "No index for it"', () => {
    const o = { minCostReduction: 0.2, sizeSetting: 'pgLens.x' };
    const ok = { status: 'ok', considered: 0, tried: [] as unknown[] };
    assert.equal(adviceTipAnswer(undefined, undefined, o), ADVICE_PENDING);
    const orders = { table: 'orders', costBefore: 900, costAfter: 90, verifiedBy: 'hypopg', columns: ['status'], ddl: 'CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status)' };
    assert.equal(adviceTipAnswer({ suggestions: [orders] }, ok, o), 'PG Lens\'s index advice proposes orders (status) for this statement');
    assert.match(adviceTipAnswer({ suggestions: [{ ...orders, costAfter: null, verifiedBy: 'none' }] }, ok, o), /proposes orders \(status\) for this statement, not proved by the planner/);
    assert.equal(adviceTipAnswer({ suggestions: [] }, { ...ok, servedBy: ['reviews_pid_created_idx'] }, o), 'No index for it: no index to add: an index it would use exists (reviews_pid_created_idx)');
  });

  it('adviceTipAnswer in a terminal (`pg-lens explain`): an unproved index says why, and points to `pg-lens advise`, not the editor\'s button (person53 L-6)', () => {
    const o = { minCostReduction: 0.2, sizeSetting: '--max-table-size-mb', adviser: '`pg-lens advise`' };
    const own = { status: 'ok', considered: 1, tried: [] as unknown[], proofNote: 'HypoPG is not available on this server; a real index in a rolled-back transaction is only tried on development profiles' };
    const unproved = { table: 'orders', costBefore: 900, costAfter: null, verifiedBy: 'none', columns: ['customer_id'], ddl: 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id)' };
    assert.equal(adviceTipAnswer({ suggestions: [unproved] }, own, o), 'PG Lens\'s index advice proposes orders (customer_id) for this statement, not proved by the planner (HypoPG is not available on this server; a real index in a rolled-back transaction is only tried on development profiles): see `pg-lens advise`');
  });
});
