/**
 * Compare Plans compares like with like: one statement (PostgreSQL's fingerprint: layout, comments and constants do
 * not make another statement) on one server. Anything else is refused with a one-line reason (person9 P18: an INSERT on
 * PostgreSQL 18 against another SELECT on 15 read "2.37× faster — with other parameter values").
 */
import { strict as assert } from 'node:assert';
import { incomparableReason, type ComparedRun } from '../../../../src/core/plan';
import { fingerprintSql, loadPgParser } from '../../../../src/core/sql/statement';

const run = (sql: string, extra: Partial<ComparedRun> = {}): ComparedRun => ({ sql, connection: 'shop (demo)', versionNum: 180004, method: 'analyze', ...extra });

describe('core/plan incomparableReason (Compare Plans: like with like)', () => {
  before(async () => {
    await loadPgParser();
  });

  it('refuses two different statements, naming both (person9: INSERT INTO reviews against the products OFFSET SELECT)', () => {
    const insert = run('INSERT INTO reviews (product_id, customer_id, rating, body) VALUES ($1, $2, $3, $4)');
    const select = run('SELECT id, sku, name, price_cents FROM products ORDER BY id LIMIT $1 OFFSET $2', { connection: 'shop pg15', versionNum: 150010 });
    const why = incomparableReason(insert, select, fingerprintSql);
    assert.ok(why);
    assert.match(why, /^these are two different statements \(before: "INSERT INTO reviews .*"; after: "SELECT id, sku, name, price_cents FROM products …"\)/); // cut at a word boundary
    assert.doesNotMatch(why, /\n/);
    // Two SELECTs of one table that differ in a condition are two statements too.
    assert.ok(incomparableReason(run('SELECT * FROM orders WHERE customer_id = $1'), run('SELECT * FROM orders WHERE status = $1'), fingerprintSql));
  });

  it('the same statement laid out, commented or with other constants is one statement: compared', () => {
    const a = run('SELECT id FROM orders WHERE customer_id = 42 ORDER BY placed_at DESC');
    const b = run('select id\n  from orders -- the latest first\n where customer_id = 7\n order by placed_at desc;');
    assert.equal(incomparableReason(a, b, fingerprintSql), undefined);
    // What the parser cannot read is compared as text, whitespace folded.
    assert.equal(incomparableReason(run('SELECT {{x}}  FROM t'), run('SELECT {{x}} FROM t'), fingerprintSql), undefined);
    assert.ok(incomparableReason(run('SELECT {{x}} FROM t'), run('SELECT {{y}} FROM t'), fingerprintSql));
  });

  it('refuses one statement planned on two servers, naming both connections', () => {
    const sql = 'SELECT id FROM products WHERE id > $1 ORDER BY id LIMIT $2';
    const why = incomparableReason(run(sql), run(sql, { connection: 'shop pg15', versionNum: 150010 }), fingerprintSql);
    assert.match(why ?? '', /^the two plans come from two servers \(before: "shop \(demo\)", PostgreSQL 18; after: "shop pg15", PostgreSQL 15\)/);
  });

  it('a plan brought from elsewhere is taken on trust for what it lacks: no query text, no server of its own', () => {
    const sql = 'SELECT id FROM products WHERE id > $1';
    assert.equal(incomparableReason(run('', { method: 'brought', connection: undefined }), run(sql), fingerprintSql), undefined);
    assert.equal(incomparableReason(run(sql, { method: 'brought', connection: 'listmonk copy' }), run(sql), fingerprintSql), undefined);
    // Its query text, when it has one, still has to be the same statement.
    assert.ok(incomparableReason(run('SELECT 1', { method: 'brought' }), run(sql), fingerprintSql));
  });
});
