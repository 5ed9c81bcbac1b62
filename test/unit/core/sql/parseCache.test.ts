/**
 * The analysis parser's cache holds a generated file's statements (issue 20): a file of 3,000 statements read in order
 * on every pass (rules, plan evidence, index advice) must not have evicted its first statement by the time the next pass
 * reaches it — with 2,000 entries, oldest first, no statement of such a file was ever found in the cache.
 */
import { strict as assert } from 'node:assert';
import { parseSql } from '../../../../src/core/sql/parse';

describe('core/sql/parse: the parse cache', () => {
  it('keeps a 3,000-statement file across passes: the second pass finds each statement parsed (the same outcome)', function () {
    // 3,000 parses: seconds on a quiet machine, past mocha's 10 s at a load of 19 (2 cores). No time is asserted.
    this.timeout(60_000);
    const texts = Array.from({ length: 3000 }, (_, i) => `SELECT id, status FROM orders_cache_test WHERE customer_id = $1 AND total_cents > ${i + 1}`);
    const first = texts.map((t) => parseSql(t));
    assert.ok(first.every((r) => r.ok));
    const again = texts.map((t) => parseSql(t));
    const hits = again.filter((r, i) => r === first[i]).length;
    assert.equal(hits, texts.length, `${hits} of ${texts.length} found in the cache`);
  });

  it('one cache for every copy of this module (the editor bundle and the engine bundle each hold one): a statement parsed by one is found by the other', () => {
    const sql = 'SELECT id FROM orders_cache_copy_test WHERE status = $1';
    const first = parseSql(sql);
    const file = require.resolve('../../../../src/core/sql/parse');
    const mine = require.cache[file];
    delete require.cache[file];
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module instance needs a fresh require
      const copy = require(file) as typeof import('../../../../src/core/sql/parse');
      assert.notEqual(copy.parseSql, parseSql, 'a second module instance');
      assert.equal(copy.parseSql(sql), first, "the copy's parse is the first copy's cached outcome");
    } finally {
      require.cache[file] = mine;
    }
  });
});
