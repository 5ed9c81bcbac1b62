/**
 * The example value Explain Analyze's and Benchmark's `$n` prompts offer when no value was given before (person21
 * LOW 5): the middle of the histogram of the column `$n` is compared with (a typical value), else its most common value (a column of few values), read from pg_stats on a real PostgreSQL — for a
 * table named by an alias, in a schema, and for an array parameter; nothing for an expression or a column without
 * statistics.
 */
import { strict as assert } from 'node:assert';
import { loadPgParser } from '../../../src/core/sql/statement';
import { parameterExamples } from '../../../src/db/catalog';
import type { Database } from '../../../src/db/database';
import { testDatabase } from '../support';

describe('db/catalog: example values for $n from pg_stats (real PostgreSQL)', function () {
  this.timeout(180000);
  const t = testDatabase('param_examples');
  let db: Database;

  before(async () => {
    await t.admin.query(`CREATE SCHEMA shop`);
    await t.admin.query(`CREATE TABLE shop.orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL, note text)`);
    // customer 42 places a third of the orders; status 'shipped' most of them.
    await t.admin.query(`INSERT INTO shop.orders SELECT g, CASE WHEN g % 3 = 0 THEN 42 ELSE g END, CASE WHEN g % 10 < 7 THEN 'shipped' ELSE 'new' END, NULL FROM generate_series(1, 6000) g`);
    await t.admin.query(`CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL)`);
    await t.admin.query(`INSERT INTO customers SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 500) g`);
    await t.admin.query('ANALYZE');
    db = await t.open();
    await loadPgParser();
  });

  it("each $n compared with a column gets a typical value of it, named table.column: the middle of its histogram, not the heaviest key (person24 LOW 2); a column of few values its most common one", async () => {
    const ex = (await parameterExamples(db, 'SELECT o.id FROM shop.orders o WHERE o.customer_id = $1 AND o.status = ANY($2) ORDER BY o.id LIMIT $3')).examples;
    const customer = ex.get(1);
    assert.deepEqual([customer?.from, customer?.kind], ['orders.customer_id', 'histogram']);
    assert.notEqual(customer?.value, '42', 'not the customer with a third of the orders');
    const orders = await t.admin.query('SELECT count(*)::int AS n FROM shop.orders WHERE customer_id = $1', [customer!.value]);
    assert.equal(orders.rows[0].n, 1, `${customer!.value} has a typical number of orders`);
    assert.deepEqual(ex.get(2), { value: 'shipped', from: 'orders.status', kind: 'common' });
    assert.equal(ex.has(3), false, 'a LIMIT: no column, no example');
  });

  it('a primary key or another unique column (no common values) gets a real value from the middle of its histogram', async () => {
    const id = (await parameterExamples(db, 'SELECT * FROM customers WHERE id = $1')).examples.get(1);
    assert.equal(id?.kind, 'histogram');
    assert.equal(id?.from, 'customers.id');
    const found = await t.admin.query('SELECT count(*)::int AS n FROM customers WHERE id = $1', [id!.value]);
    assert.equal(found.rows[0].n, 1, `${id!.value} is a key of customers`);
    const email = (await parameterExamples(db, 'SELECT id FROM customers WHERE email = $1')).examples.get(1);
    assert.match(email!.value, /^c\d+@example\.com$/);
    assert.equal((await t.admin.query('SELECT count(*)::int AS n FROM customers WHERE email = $1', [email!.value])).rows[0].n, 1);
  });

  it('nothing for an expression or a column of NULLs only', async () => {
    assert.equal((await parameterExamples(db, 'SELECT id FROM customers WHERE lower(email) = lower($1)')).examples.size, 0);
    assert.equal((await parameterExamples(db, 'SELECT id FROM shop.orders WHERE note = $1')).examples.size, 0);
  });

  it('the $n an INSERT gives a NOT NULL column, or an UPDATE sets one to, is required (person31 L2: the prompt offered "Empty = NULL")', async () => {
    const ins = await parameterExamples(db, 'INSERT INTO shop.orders (id, customer_id, status, note) VALUES ($1, $2, $3, $4)');
    assert.deepEqual([...ins.required], [[1, 'orders.id'], [2, 'orders.customer_id'], [3, 'orders.status']], 'note may be NULL');
    const upd = await parameterExamples(db, 'UPDATE shop.orders SET note = $1, status = $2 WHERE customer_id = $3');
    assert.deepEqual([...upd.required], [[2, 'orders.status']], 'a value compared with a NOT NULL column may still be NULL');
    assert.equal((await parameterExamples(db, 'SELECT id FROM shop.orders WHERE customer_id = $1')).required.size, 0);
  });
});
