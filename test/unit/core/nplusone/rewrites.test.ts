import { strict as assert } from 'node:assert';
import { batchedSql, rewriteFor, toDollarParams } from '../../../../src/core/nplusone';
import type { DbCall } from '../../../../src/core/nplusone';

const call = (library: DbCall['library'], op: DbCall['op'] = 'read', extra: Partial<DbCall> = {}): DbCall => ({ library, op, batch: false, label: 'x', method: 'x', ...extra });

describe('core/nplusone rewrites', () => {
  it('turns `col = $n` into `col = ANY($n)`', () => {
    assert.equal(batchedSql('SELECT * FROM orders WHERE customer_id = $1 AND x = 2'), 'SELECT * FROM orders WHERE customer_id = ANY($1) AND x = 2');
    assert.equal(batchedSql('SELECT * FROM t WHERE id = %s', 'percent'), 'SELECT * FROM t WHERE id = ANY(%s)');
  });

  it('gives each library its own batched form', () => {
    const cases: [DbCall, RegExp][] = [
      [call('prisma', 'read', { model: 'user' }), /prisma\.user\.findMany\(\{\n {2}where: \{ id: \{ in:/],
      [call('django', 'read', { model: 'Author' }), /Author\.objects\.in_bulk/],
      [call('django', 'write', { model: 'Order' }), /Order\.objects\.bulk_create/],
      [call('activerecord', 'read', { model: 'User' }), /User\.where\(id: posts\.map\(&:id\)\)\.index_by\(&:id\)/],
      [call('gorm'), /Where\("id IN \?", ids\)/],
      [call('jdbc', 'write'), /addBatch\(\);[\s\S]*executeBatch\(\)/],
      [call('spring-data'), /findAllById\(ids\)/],
      [call('sqlalchemy'), /\.in_\(/],
      [call('knex'), /whereIn\('id'/],
      [call('drizzle'), /inArray\(/],
      [call('sequelize', 'read', { model: 'User' }), /\[Op\.in\]/],
      [call('asyncpg', 'write'), /executemany/],
      [call('pgx', 'write'), /pgx\.Batch/],
    ];
    for (const [c, re] of cases) assert.match(rewriteFor({ call: c, variable: 'post', iterable: 'posts' }).code, re, c.library);
  });

  it('relations get select_related/prefetch_related (Django) or includes (Rails)', () => {
    assert.match(rewriteFor({ call: call('django'), variable: 'book', iterable: 'books', relation: 'author' }).code, /books\.select_related\("author"\)[\s\S]*prefetch_related\("author"\)/);
    assert.match(rewriteFor({ call: call('activerecord'), variable: 'post', iterable: 'posts', relation: 'author' }).code, /posts\.includes\(:author\)/);
  });

  it('a loop over the keys themselves uses the list as is', () => {
    assert.match(rewriteFor({ call: call('node-postgres', 'read', { sql: 'SELECT * FROM u WHERE id = $1' }), variable: 'id', iterable: 'ids' }).code, /\[\.\.\.new Set\(ids\)\]/);
  });

  it('a per-key LIMIT stays per key (LATERAL), the client and key come from the code, rows are grouped by a selected column', () => {
    const sql = 'SELECT id, rating FROM reviews WHERE product_id = $1 ORDER BY created_at DESC LIMIT 3';
    const code = rewriteFor({ call: call('node-postgres', 'read', { sql, label: 'db.query', method: 'query' }), variable: 'product', iterable: 'products', params: '[product.id]' }).code;
    assert.match(code, /unnest\(\$1::bigint\[\]\) AS k\(key\)\n {2}CROSS JOIN LATERAL \(\n {4}SELECT id, rating FROM reviews WHERE product_id = k\.key ORDER BY created_at DESC LIMIT 3/);
    assert.doesNotMatch(code, /ANY\(\$1\)[^\n]*LIMIT/, 'never a LIMIT over all keys together');
    assert.match(code, /await db\.query\(/);
    assert.match(code, /for \(const \{ product_id, \.\.\.row \} of allRows\) \{\n  const key = String\(product_id\);/, 'grouped by the key, which the rows handed on leave out');
    const plain = rewriteFor({ call: call('node-postgres', 'read', { sql: 'SELECT quantity FROM order_items WHERE order_id = $1', label: 'this.db.query', method: 'query' }), variable: 'order', iterable: 'orders', params: '[order.id]' }).code;
    assert.match(plain, /SELECT order_id, quantity FROM order_items WHERE order_id = ANY\(\$1\)/, 'the grouping column is selected');
    assert.match(plain, /await this\.db\.query\(/);
  });

  it('maps ?, %s, %(name)s and :name placeholders to $n', () => {
    assert.equal(toDollarParams("SELECT * FROM t WHERE a = ? AND b = '?' AND c = ?"), "SELECT * FROM t WHERE a = $1 AND b = '?' AND c = $2");
    assert.equal(toDollarParams('SELECT %(a)s, %(b)s, %(a)s, x::int'), 'SELECT $1, $2, $1, x::int');
    assert.equal(toDollarParams('SELECT * FROM t WHERE id = :id'), 'SELECT * FROM t WHERE id = $1');
  });
});
