/**
 * The analysis parser's cache holds a generated file's statements (issue 20): a file of 3,000 statements read in order
 * on every pass (rules, plan evidence, index advice) must not have evicted its first statement by the time the next pass
 * reaches it — with 2,000 entries, oldest first, no statement of such a file was ever found in the cache.
 */
import { strict as assert } from 'node:assert';
import { parseSql } from '../../../../src/core/sql/parse';

describe('core/sql/parse: the parse cache', () => {
  it('keeps a 3,000-statement file across passes: the second pass finds each statement parsed (the same outcome)', () => {
    const texts = Array.from({ length: 3000 }, (_, i) => `SELECT id, status FROM orders_cache_test WHERE customer_id = $1 AND total_cents > ${i + 1}`);
    const first = texts.map((t) => parseSql(t));
    assert.ok(first.every((r) => r.ok));
    const again = texts.map((t) => parseSql(t));
    const hits = again.filter((r, i) => r === first[i]).length;
    assert.equal(hits, texts.length, `${hits} of ${texts.length} found in the cache`);
  });
});
