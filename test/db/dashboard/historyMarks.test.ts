/**
 * The history snapshot's transaction id and sequences on a real PostgreSQL, whatever join order the planner
 * picks. On the demo shop every snapshot failed with `"pg_toast_16386" is not a sequence`: the planner ran the
 * sequence functions of the WHERE clause on pg_class rows before the join with pg_sequence. Here the planner is
 * pushed to that plan (hash join, pg_class scanned and filtered as the outer side) and the read must still work.
 */
import * as assert from 'node:assert/strict';
import { readHistoryMarks } from '../../../src/db/workloadFacts';
import { testDatabase } from '../support';

describe('history marks (sequences near their maximum)', function () {
  this.timeout(120000);
  const t = testDatabase('histmarks');

  before(async () => {
    await t.admin.query('CREATE TABLE things (id bigserial PRIMARY KEY, note text)');
    await t.admin.query(`INSERT INTO things (note) SELECT repeat('x', 3000) FROM generate_series(1, 20)`);
    await t.admin.query('CREATE SEQUENCE small_seq MAXVALUE 100');
    await t.admin.query(`SELECT setval('small_seq', 90)`);
  });

  it('reads the sequences with the planner scanning pg_class before joining pg_sequence', async () => {
    const c = t.admin;
    await c.query('BEGIN');
    try {
      // Only a hash join is left, and pg_class (the larger) is the side that is scanned and filtered row by row.
      await c.query('SET LOCAL enable_nestloop = off');
      await c.query('SET LOCAL enable_mergejoin = off');
      const marks = await readHistoryMarks({ query: (sql: string, params?: unknown[]) => c.query(sql, params as unknown[]) } as never);
      assert.ok(marks.nextXid && marks.nextXid > 0, 'the next transaction id is read');
      const seqs = marks.sequences ?? [];
      const small = seqs.find((s) => s.name === 'small_seq');
      assert.ok(small, `small_seq is listed: ${JSON.stringify(seqs)}`);
      assert.deepEqual([small.lastValue, small.maxValue], [90, 100]);
      assert.ok(seqs.some((s) => s.name === 'things_id_seq'), 'the table\'s own sequence is listed too');
    } finally {
      await c.query('ROLLBACK');
    }
  });
});
