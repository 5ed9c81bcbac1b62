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

  it('a duplicate index a plan uses keeps its DROP when its keeper is its exact twin (the planner takes the twin after it); a covered index that is not a twin is still kept (person49 M-3)', async () => {
    await t.admin.query('CREATE INDEX orders_customer_id_twin ON orders (customer_id)');
    await t.admin.query('CREATE INDEX orders_status_id_idx ON orders (status, id)');
    try {
      const dupes = async () => (await runHealth(db, { only: ['duplicate-index'] })).findings;
      const first = await dupes();
      const twin = first.find((f) => ['orders_customer_id_idx', 'orders_customer_id_twin'].includes(f.objects[0]?.name ?? ''));
      const covered = byName(first, 'orders_status_idx');
      assert.ok(twin && covered, JSON.stringify(first.map((f) => f.message)));
      assert.equal(twin.action?.kind, 'drop-index');
      const dropped = twin.objects[0].name;
      const keeper = twin.objects[1].name;
      // PG Lens planned statements whose plans use the index each finding drops (the ledger the hover and Explain fill).
      db.indexUse.noteIndexes('SELECT id FROM orders WHERE customer_id = $1', [{ schema: null, name: dropped }]);
      db.indexUse.noteIndexes("SELECT id FROM orders WHERE status = 'paid'", [{ schema: null, name: 'orders_status_idx' }]);
      const after = await dupes();
      const t2 = byName(after, dropped)!;
      assert.equal(t2.action?.kind, 'drop-index', 'the twin keeps its DROP');
      assert.equal(t2.severity, twin.severity);
      assert.match(t2.message, new RegExp(`uses it now .*; ${keeper} is the same index under another name, so after the DROP the planner uses that one for the same plans\\.$`));
      const c2 = byName(after, 'orders_status_idx')!;
      assert.equal(c2.action, undefined, 'covered by a wider index, not a twin: kept as before');
      assert.match(c2.message, /Kept: the plan of SELECT id FROM orders WHERE status = 'paid' uses it/);
    } finally {
      await t.admin.query('DROP INDEX IF EXISTS orders_customer_id_twin');
      await t.admin.query('DROP INDEX IF EXISTS orders_status_id_idx');
    }
  });
});
