/**
 * No DROP for an index a known plan uses: an index never scanned (so "unused" by the statistics)
 * loses its DROP once PG Lens has planned a statement that uses it, and the finding says which.
 */
import * as assert from 'node:assert/strict';
import type { HealthFinding } from '../../../src/core/health';
import type { Database } from '../../../src/db/database';
import { explain } from '../../../src/db/explain';
import { runHealth } from '../../../src/db/health';
import { parseIndexUseEntries } from '../../../src/core/plan/indexUse';
import { testDatabase } from '../support';

describe('health: indexes a known plan uses are not offered for DROP', function () {
  const t = testDatabase('planned_indexes');
  let db: Database;
  const unused = async (): Promise<HealthFinding[]> =>
    (await runHealth(db, { thresholds: { unusedIndexMinStatsAgeSeconds: 0, unusedIndexMinBytes: 0 }, only: ['unused-index'] })).findings;
  const byName = (fs: HealthFinding[], name: string) => fs.find((f) => f.objects[0]?.name === name);

  before(async () => {
    await t.admin.query('CREATE TABLE orders (id int PRIMARY KEY, customer_id int, status text)');
    await t.admin.query(`INSERT INTO orders SELECT g, g % 2000, CASE WHEN g % 3 = 0 THEN 'paid' ELSE 'new' END FROM generate_series(1, 20000) g`);
    await t.admin.query('CREATE INDEX orders_customer_id_idx ON orders (customer_id)');
    await t.admin.query('CREATE INDEX orders_status_idx ON orders (status)');
    await t.admin.query('ANALYZE orders');
    db = await t.open();
  });


  it('before any plan both are offered for DROP; after PG Lens planned a lookup by customer_id, that index is kept and the finding says why', async () => {
    const before = await unused();
    assert.equal(byName(before, 'orders_customer_id_idx')?.action?.kind, 'drop-index');
    assert.equal(byName(before, 'orders_status_idx')?.action?.kind, 'drop-index');

    const sql = 'SELECT id, status FROM orders WHERE customer_id = $1';
    const planned = await explain(db, sql);
    assert.ok(planned.plan.nodes.some((n) => n.raw['Index Name'] === 'orders_customer_id_idx'), 'the plan uses the index');

    const after = await unused();
    const kept = byName(after, 'orders_customer_id_idx');
    assert.ok(kept, 'the finding stays, as a note');
    assert.equal(kept.action, undefined, 'no DROP button');
    assert.deepEqual(kept.fixSql, [], 'no DROP statement');
    assert.equal(kept.severity, 'info');
    assert.match(kept.message, /Kept: the plan of SELECT id, status FROM orders WHERE customer_id = \$1 uses it/);
    assert.deepEqual(kept.evidence.usedByPlans, [sql]);
    // The other index no plan uses is still offered.
    assert.equal(byName(after, 'orders_status_idx')?.action?.kind, 'drop-index');
  });

  it('after a restart (a new connection, the record the extension kept restored) the index a known plan uses is still not offered for DROP', async () => {
    const sql = 'SELECT id FROM orders WHERE customer_id = $1 ORDER BY id';
    const first = await t.open();
    await explain(first, sql);
    // What the extension keeps in its global state, as stored (JSON) and read back.
    const stored = JSON.parse(JSON.stringify(first.indexUse.entriesToKeep()));
    await first.close();
    const restarted = await t.open();
    try {
      const health = async () => (await runHealth(restarted, { thresholds: { unusedIndexMinStatsAgeSeconds: 0, unusedIndexMinBytes: 0 }, only: ['unused-index'] })).findings;
      // A new connection alone has forgotten: what happened before the record was kept.
      assert.equal(byName(await health(), 'orders_customer_id_idx')?.action?.kind, 'drop-index');
      restarted.indexUse.restore(parseIndexUseEntries(stored));
      const kept = byName(await health(), 'orders_customer_id_idx');
      assert.ok(kept, 'the finding stays, as a note');
      assert.equal(kept.action, undefined, 'no DROP button after the restart');
      assert.deepEqual(kept.fixSql, []);
      assert.ok((kept.evidence.usedByPlans as string[]).includes(sql), 'names the statement that keeps it');
    } finally {
      await restarted.close();
    }
  });

  it('a statement planned again without the index releases it', async () => {
    const sql = 'SELECT id, status FROM orders WHERE customer_id = $1';
    await t.admin.query('DROP INDEX orders_status_idx');
    await t.admin.query('CREATE INDEX orders_status_idx ON orders (status)');
    // The same text, now with a predicate no index serves better than a scan: replan it by hand.
    db.indexUse.note(sql, { nodes: [] });
    assert.equal(byName(await unused(), 'orders_customer_id_idx')?.action?.kind, 'drop-index');
  });
});
