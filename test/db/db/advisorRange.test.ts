/**
 * A range alone (person39 M1): `total_cents > 450000` kept 5 of 32k rows, the hover warned of the sequential scan, and
 * Suggest Indexes said "no index candidate" — a range was always weighed as keeping a third of the rows. The column's
 * histogram (pg_stats.histogram_bounds, numeric and date/time columns) now weighs it as the planner does; the advice is
 * then proved against the planner like any other.
 */
import { strict as assert } from 'node:assert';
import { readCatalogFacts } from '../../../src/db/catalog';
import { adviseStatement } from '../../../src/db/advisor';
import type { Database } from '../../../src/db/database';
import { testDatabase } from '../support';

describe('db/advisor: a selective range alone gets its index (histogram_bounds, real PostgreSQL)', function () {
  this.timeout(180000);
  const t = testDatabase('advisor_range');
  let db: Database;

  before(async () => {
    await t.admin.query(`CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL, total_cents int NOT NULL, placed_at timestamptz NOT NULL)`);
    await t.admin.query(`INSERT INTO orders SELECT g, g % 4000, CASE WHEN g % 3 = 0 THEN 'paid' ELSE 'delivered' END, (g * 7919) % 500000, timestamptz '2024-01-01' + (g % 366) * interval '1 day' FROM generate_series(1, 32000) g`);
    await t.admin.query('ANALYZE orders');
    db = await t.open();
  });
  after(async () => {
    await db?.close();
  });

  it('reads the histogram of numeric and date/time columns only', async () => {
    const { tables } = await readCatalogFacts(db, [{ schema: 'public', name: 'orders' }]);
    const stats = tables[0].stats;
    assert.ok((stats.total_cents.histogramBounds?.length ?? 0) > 10, 'total_cents has its bounds');
    assert.ok((stats.placed_at.histogramBounds?.length ?? 0) > 10, 'placed_at has its bounds');
    assert.equal(stats.status.histogramBounds, undefined, 'text: no bounds read');
  });

  it('`total_cents > 499000` (a fraction of a percent) gets orders (total_cents), proved; a range keeping most rows gets none', async () => {
    const r = await adviseStatement(db, 'SELECT id, customer_id FROM orders WHERE total_cents > 499000', undefined);
    const ddls = r.suggestions.map((s) => s.ddl);
    assert.ok(ddls.some((d) => /ON orders \(total_cents\)/.test(d) || /ON orders \(total_cents\) INCLUDE/.test(d)), `suggestions: ${ddls.join(' | ') || r.message}`);
    assert.notEqual(r.proof, 'none');
    const wide = await adviseStatement(db, 'SELECT id, customer_id FROM orders WHERE total_cents > 1000', undefined);
    assert.deepEqual(wide.suggestions.map((s) => s.ddl), []);
  });

  it("a date range over the histogram's last days gets orders (placed_at)", async () => {
    const r = await adviseStatement(db, `SELECT id FROM orders WHERE placed_at >= '2024-12-30'`, undefined);
    assert.ok(r.suggestions.some((s) => /\(placed_at\)/.test(s.ddl)), JSON.stringify({ status: r.status, considered: r.considered, rejected: r.rejected, tried: r.tried, message: r.message }));
  });
});
