/**
 * Statements that differ only by a constant, on examples/shop (person38 H1): the constant can change the advice. The
 * decision plans each shape once (person31 H2, shapePlans.test.ts), and before this the others of a shape took the first's
 * advice whatever their constants: `category = 'home'` was told the index `… WHERE category = 'tents'` (which cannot serve
 * it), and `status = 'delivered'` the index proved for the rare `status = 'refunded'` (its own plan is the same with or
 * without it). Now a suggestion carrying the first's constants is never another's, and the others take the shape's advice
 * only when one plain EXPLAIN of their own stands on the first's footing (indexDecision SHAPE_CHECKS).
 */
import { strict as assert } from 'node:assert';
import { loadShop } from '../../../examples/shop/seed';
import { IndexDecider } from '../../../src/db/indexDecision';
import { testDatabase } from '../support';

const TENTS = `SELECT id, name FROM products WHERE category = 'tents' AND price_cents < 5000 ORDER BY price_cents`;
const HOME = `SELECT id, name FROM products WHERE category = 'home' AND price_cents < 2000 ORDER BY price_cents`;
const REFUNDED = `SELECT id, total_cents FROM orders WHERE status = 'refunded' ORDER BY id`;
const DELIVERED = `SELECT id, total_cents FROM orders WHERE status = 'delivered' ORDER BY id`;

describe('examples/shop: a constant that changes the index advice is not shared by its shape (real PostgreSQL)', function () {
  this.timeout(300000);
  const t = testDatabase('shop_shape_constants');

  before(async () => {
    await loadShop(t.url, { scale: 0.25 });
  });

  const decide = async (a: string, b: string) => {
    const decider = new IndexDecider(await t.open(), { realIndexes: true });
    const decision = await decider.decide([{ sql: a, label: 'a.sql:1' }, { sql: b, label: 'b.sql:1' }], { focus: [a, b] });
    const shown = (sql: string) => (decision.byStatement.get(sql)?.suggestions ?? []).map((s) => `${s.ddl} [${s.verifiedBy}] ${s.summary}`);
    return { decider, a: shown(a), b: shown(b) };
  };

  it('a literal customer id gets the key (customer_id, created_at DESC), as `= $1` does, never a partial index for that one customer (person42 H1)', async () => {
    const lit = 'SELECT id, rating FROM reviews WHERE customer_id = 42 ORDER BY created_at DESC LIMIT 5';
    const param = 'SELECT id, rating FROM reviews WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 5';
    const decider = new IndexDecider(await t.open(), { realIndexes: true });
    const decision = await decider.decide([{ sql: lit, label: 'a.sql:1' }], { focus: [lit] });
    const got = (decision.byStatement.get(lit)?.suggestions ?? []).map((s) => s.ddl);
    assert.ok(got.length > 0 && got.every((d) => !/ WHERE /.test(d)), got.join('\n'));
    assert.ok(got.some((d) => /reviews \(customer_id, created_at DESC\)/.test(d)), got.join('\n'));
    const other = new IndexDecider(await t.open(), { realIndexes: true });
    const withParam = ((await other.decide([{ sql: param, label: 'b.sql:1' }], { focus: [param] })).byStatement.get(param)?.suggestions ?? []).map((s) => s.ddl);
    assert.deepEqual(got.map((d) => d.replace(/ CONCURRENTLY/, '')), withParam.map((d) => d.replace(/ CONCURRENTLY/, '')));
  });

  it('reviews of one customer by date (a few rows each): the composite\'s plan still sorts, and its reason says reviews (customer_id) alone gives that plan today, and why the wider one (person43 L3)', async () => {
    const sql = 'SELECT id, rating, created_at FROM reviews WHERE customer_id = 42 ORDER BY created_at DESC';
    const decider = new IndexDecider(await t.open(), { realIndexes: true });
    const s = (await decider.decide([{ sql, label: 'a.sql:1' }], { focus: [sql] })).byStatement.get(sql)?.suggestions.find((x) => / ON reviews /.test(x.ddl));
    assert.ok(s, JSON.stringify(decider.advice.get(sql)));
    assert.match(s.ddl, /reviews \(customer_id, created_at DESC\)/, s.ddl);
    // The case person43 saw: with it, a Bitmap Index Scan and a Sort — what reviews (customer_id) gives too.
    assert.ok(s.planAfter.some((l) => /Sort/.test(l)), s.planAfter.join('\n'));
    assert.ok(decider.advice.get(sql)!.tried.some((x) => /reviews \(customer_id\)/.test(x.ddl) && x.planUsesIndex), JSON.stringify(decider.advice.get(sql)!.tried));
    assert.match(s.reason, /as reviews \(customer_id\) alone would today; the ORDER BY keys spare that Sort once a key has more rows/, s.reason);
  });

  it("the partial index WHERE category = 'tents' is not given to the 'home' statement", async () => {
    const { decider, a, b } = await decide(TENTS, HOME);
    // The person's first statement is advised the partial index (the figures that were copied).
    assert.ok(decider.advice.get(TENTS)?.suggestions.some((s) => /'tents'/.test(s.where ?? '')), a.join('\n'));
    assert.ok(!b.some((x) => /'tents'/.test(x)), `b.sql was told: ${b.join('\n')}`);
    assert.equal(decider.advice.get(HOME)?.sameShapeAs, undefined, 'advised on its own');
    assert.ok(!decider.advice.get(HOME)?.suggestions.some((s) => /'tents'/.test(s.where ?? '')));
  });

  it("'delivered' (a frequent status read by the key) is not given the index proved for the rare 'refunded'", async () => {
    const alone = new IndexDecider(await t.open(), { realIndexes: true });
    const own = await alone.decide([{ sql: DELIVERED, label: 'b.sql:1' }], { focus: [DELIVERED] });
    const ownAnswer = (own.byStatement.get(DELIVERED)?.suggestions ?? []).map((s) => s.ddl);
    const { decider, a, b } = await decide(REFUNDED, DELIVERED);
    assert.ok(a.some((x) => /orders/.test(x) && /status/.test(x)), `a.sql: ${a.join('\n')}`);
    // Together, b's answer is the one it gets alone (before: the 'refunded' index, "941 → 18.1").
    assert.deepEqual(b.map((x) => x.split(' [')[0]), ownAnswer, b.join('\n'));
    assert.equal(decider.advice.get(DELIVERED)?.sameShapeAs, undefined, 'its own plan differs from the first\'s: advised on its own');
  });
});
