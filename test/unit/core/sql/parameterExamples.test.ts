/**
 * Explain Analyze and Benchmark asked for `$1` with an empty prompt and no example (person21 LOW 5: an invented e-mail
 * gave 0 rows). With no value given before, the prompt offers the most common value of the column `$n` is compared
 * with, from pg_stats: parameterColumns says which column, valuePrompt says the example and where it comes from.
 */
import { strict as assert } from 'node:assert';
import { parameterColumns, parameterUses, valuePrompt } from '../../../../src/core/sql/predicates';
import { extractSqlSites } from '../../../../src/core/extract';

describe('core/sql: an example value for $n from its column\'s statistics', () => {
  it('the plain column each $n is compared with, and its table as the statement names it (not the alias)', () => {
    const cols = parameterColumns('SELECT o.id FROM shop.orders o JOIN customers c ON c.id = o.customer_id WHERE o.customer_id = $1 AND o.placed_at > $2 AND c.country = ANY($3) LIMIT $4');
    assert.deepEqual(cols.get(1), { schema: 'shop', table: 'orders', column: 'customer_id' });
    assert.deepEqual(cols.get(2), { schema: 'shop', table: 'orders', column: 'placed_at' });
    assert.equal(cols.get(3)?.table, 'customers');
    assert.equal(cols.get(3)?.column, 'country');
    assert.equal(cols.has(4), false, 'a LIMIT is no column');
  });

  it('the column an INSERT gives $n or an UPDATE sets it to: an example from its statistics too (person31 L2: an INSERT\'s prompts had none)', () => {
    const ins = parameterColumns('INSERT INTO shop.reviews (product_id, customer_id, rating, body) VALUES ($1, $2, $3, lower($4)) RETURNING id');
    assert.deepEqual(ins.get(1), { schema: 'shop', table: 'reviews', column: 'product_id', given: true });
    assert.deepEqual(ins.get(3), { schema: 'shop', table: 'reviews', column: 'rating', given: true });
    assert.equal(ins.has(4), false, 'an expression of $4 is no column value');
    const upd = parameterColumns('UPDATE orders SET status = $1 WHERE id = $2');
    assert.deepEqual(upd.get(1), { table: 'orders', column: 'status', given: true });
    assert.equal(upd.get(2)?.column, 'id');
  });

  it('no column for an expression (lower(email) = lower($1)) or text that does not parse', () => {
    assert.equal(parameterColumns('SELECT id FROM customers WHERE lower(email) = lower($1)').size, 0);
    assert.equal(parameterColumns('SELEC nonsense $1').size, 0);
  });

  it('the prompt gives the example and where it comes from; without one it reads as before', () => {
    const sql = 'SELECT * FROM orders WHERE id = $1';
    const uses = parameterUses(sql);
    const p = valuePrompt(uses, 1, 1, false, undefined, { value: '4242', from: 'orders.id', kind: 'histogram' });
    assert.equal(p.prompt, 'In the query: id = $1 (orders). For example 4242 (a value from the middle of the histogram of orders.id in pg_stats). Empty = NULL.');
    const common = valuePrompt(parameterUses('SELECT * FROM orders WHERE status = $1'), 1, 1, false, undefined, { value: 'shipped', from: 'orders.status', kind: 'common' });
    assert.match(common.prompt, /For example shipped \(the most common value of orders\.status in pg_stats\)/);
    assert.equal(valuePrompt(uses, 1, 1, false).prompt, 'In the query: id = $1 (orders). Empty = NULL.');
    const long = valuePrompt(uses, 1, 1, false, undefined, { value: `a\n${'x'.repeat(100)}`, from: 'orders.note', kind: 'common' }).prompt;
    assert.match(long, /For example a x{57}… \(the most common/, 'one line, shortened');
  });

  it('an INSERT\'s value prompt names the code\'s expression and, for a NOT NULL column, offers no NULL (person31 L2)', async () => {
    const ts = `async function addReview(db: Db, review: Review) {
  const { rows } = await db.query<{ id: number }>(
    'INSERT INTO reviews (product_id, customer_id, rating, body) VALUES ($1, $2, $3, $4) RETURNING id',
    [review.productId, review.customerId, review.rating, review.body],
  );
}
`;
    const [site] = await extractSqlSites(ts, 'typescript');
    const p = valuePrompt(parameterUses(site.sql), 1, 4, false, site.params.find((x) => x.index === 1)?.argument, { value: '17', from: 'reviews.product_id', kind: 'histogram' }, 'reviews.product_id');
    assert.match(p.title, /^Value for \$1 \(review\.productId, 1 of 4\)/);
    assert.match(p.prompt, /^In the code: review\.productId\. /);
    assert.match(p.prompt, /Required: reviews\.product_id is NOT NULL\.$/);
    assert.doesNotMatch(p.prompt, /Empty = NULL/);
  });
});
