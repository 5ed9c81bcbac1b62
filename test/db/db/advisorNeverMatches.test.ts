/**
 * Issue 20, L-2, on a real PostgreSQL: a statement whose WHERE compares a column with a value its CHECK list can never
 * hold (`status = 'shiped'`) returns no row, and one naming an enum label PostgreSQL rejects fails — yet their plans (a
 * value the statistics have never seen looks very selective) voted for an index, and shared the real `status = 'shipped'`
 * read's. The value-not-allowed rule's finding leaves them out of the one decision: the index is the real read's alone, a
 * lone never-true statement gets none, and each says why in the one phrase (core/advice/neverMatches).
 */
import { strict as assert } from 'node:assert';
import { IndexDecider } from '../../../src/db/indexDecision';
import type { Database } from '../../../src/db/database';
import { testDatabase } from '../support';

describe('db/indexDecision: a statement that can never match a row, or always fails, votes for no index (issue 20, L-2)', function () {
  this.timeout(180000);
  const t = testDatabase('never_matches');
  let db: Database;

  const real = "SELECT id, total_cents FROM orders WHERE status = 'shipped' ORDER BY placed_at DESC LIMIT 20";
  // The real read's shape with a typo: it would take the real read's advice (one shape, planned once).
  const typoOfShape = "SELECT id, total_cents FROM orders WHERE status = 'shiped' ORDER BY placed_at DESC LIMIT 20";
  const never = "SELECT id FROM orders WHERE status = 'shiped' AND customer_id > 10";
  const fails = "SELECT id FROM orders WHERE kind = 'retial'";

  before(async () => {
    await t.admin.query(`
      CREATE TYPE order_kind AS ENUM ('retail', 'wholesale');
      CREATE TABLE orders (
        id bigint PRIMARY KEY,
        customer_id int NOT NULL,
        status text NOT NULL CHECK (status IN ('paid', 'shipped', 'delivered', 'refunded')),
        kind order_kind NOT NULL,
        placed_at timestamptz NOT NULL,
        total_cents int NOT NULL,
        pad text
      );
      INSERT INTO orders SELECT g, g % 500, (ARRAY['paid', 'shipped', 'delivered', 'refunded'])[1 + g % 4], 'retail', now() - g * interval '1 minute', g % 9000, repeat('x', 60)
        FROM generate_series(1, 40000) g;
      ANALYZE orders;`);
    db = await t.open();
  });

  it("beside the real `status = 'shipped'` read: the index is decided by the real one only; the never-true statements share none and say why", async () => {
    const decider = new IndexDecider(db, { realIndexes: true });
    const d = await decider.decide([
      { sql: real, label: 'src/orders.ts:10' },
      { sql: typoOfShape, label: 'src/orders.ts:20' },
      { sql: never, label: 'src/orders.ts:30' },
      { sql: fails, label: 'src/orders.ts:40' },
    ]);
    const own = d.byStatement.get(real);
    assert.ok(own?.suggestions.length, `the real read gets its index: ${JSON.stringify(decider.advice.get(real))}`);
    assert.deepEqual(own.alsoServes, {}, 'shared with no never-true statement');
    for (const ix of d.indexes) assert.deepEqual(ix.statements.map((s) => s.key), [real], ix.ddl);
    for (const sql of [typoOfShape, never]) {
      assert.equal(d.byStatement.get(sql)?.suggestions.length ?? 0, 0, sql);
      assert.equal(decider.advice.get(sql)?.message, "No index: this statement can never match a row ('shiped' is not a value status can hold) — see value-not-allowed.", sql);
    }
    assert.equal(d.byStatement.get(fails)?.suggestions.length ?? 0, 0);
    assert.equal(decider.advice.get(fails)?.message, "No index: this statement always fails ('retial' is not a label of the enum order_kind) — see value-not-allowed.");
  });

  it('a lone never-true statement gets no index', async () => {
    const decider = new IndexDecider(db, { realIndexes: true });
    const d = await decider.decide([{ sql: never, label: 'src/orders.ts:30' }]);
    assert.deepEqual(d.indexes.map((x) => x.ddl), []);
    assert.equal(d.byStatement.get(never)?.suggestions.length ?? 0, 0);
    assert.match(decider.advice.get(never)?.message ?? '', /^No index: this statement can never match a row/);
  });
});
