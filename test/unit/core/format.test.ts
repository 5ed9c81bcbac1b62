import { strict as assert } from 'node:assert';
import { shortLine } from '../../../src/core/format';

describe('shortLine', () => {
  it('keeps a short text whole, whitespace runs as one space', () => {
    assert.equal(shortLine('SELECT  *\n FROM t', 80), 'SELECT * FROM t');
  });
  it('cuts at a word boundary and ends in " …": no half word, no ellipsis glued to an operator', () => {
    const sql = 'src/orders.ts:78: SELECT o.id, o.total_cents FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.email = $1 OR c.id = $2';
    for (let max = 20; max < sql.length; max++) {
      const s = shortLine(sql, max);
      assert.ok(s.length <= max, `${max}: ${s}`);
      assert.ok(s.endsWith(' …'), `${max}: ${s}`);
      const kept = s.slice(0, -2);
      // What is kept ends where a word of the text ends.
      assert.ok(sql.startsWith(kept) && (/[ ,;(]/.test(sql[kept.length]!) || kept.length < (max * 2) / 3), `${max}: ${s}`);
    }
    assert.equal(shortLine('SELECT id FROM customers WHERE id = $1', 30), 'SELECT id FROM customers …');
    assert.equal(shortLine('WHERE customer_id = $1 OR email = $2', 29), 'WHERE customer_id = $1 OR …');
  });
  it('cuts inside one long word rather than leaving almost nothing', () => {
    assert.equal(shortLine('a'.repeat(50), 10), `${'a'.repeat(8)} …`);
  });
});
