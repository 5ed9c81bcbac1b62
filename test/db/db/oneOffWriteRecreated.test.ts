/**
 * A one-off write's query id after its table is dropped and created again. The decider weighs a DELETE or UPDATE that has
 * not recurred apart (IndexDecider.oneOffWrite, on its calls in pg_stat_statements) and kept the query id it read per
 * statement text. A query id is made of the tables' OIDs: once the table was dropped and created again (a migration run
 * again, a test's reset), the kept id named the old table's entry (no calls), so a DELETE the clients now ran again and
 * again stayed "a one-off" with no index. The ids are now kept per catalog version (schemaVersion).
 */
import { strict as assert } from 'node:assert';
import { IndexDecider } from '../../../src/db/indexDecision';
import type { Database } from '../../../src/db/database';
import { statementStats, testDatabase } from '../support';

const DELETE = "DELETE FROM parcels WHERE status = 'lost'";

describe('db/indexDecision: a one-off write judged again after its table is created again (real PostgreSQL)', function () {
  this.timeout(300000);
  const t = testDatabase('one_off_recreated');
  let db: Database;
  let pss = false;

  const createParcels = async () => {
    await t.admin.query('DROP TABLE IF EXISTS parcels');
    await t.admin.query('CREATE TABLE parcels (id serial PRIMARY KEY, status text NOT NULL, weight int NOT NULL)');
    // 'lost' is rare: an index on status serves the DELETE.
    await t.admin.query(`INSERT INTO parcels (status, weight) SELECT CASE WHEN g % 1000 = 0 THEN 'lost' ELSE 's' || (g % 50) END, g % 97 FROM generate_series(1, 60000) g`);
    await t.admin.query('ANALYZE parcels');
  };
  const runDelete = async (times: number) => {
    for (let i = 0; i < times; i++) {
      await t.admin.query('BEGIN');
      await t.admin.query(DELETE);
      await t.admin.query('ROLLBACK');
    }
  };

  before(async () => {
    pss = await statementStats(t, 'no write can be judged a one-off: the DELETE is advised as any statement');
    await createParcels();
    db = await t.open();
  });

  it('the second decision reads the calls of the new table\'s entry, not the dropped one\'s', async () => {
    if (pss) await t.admin.query('SELECT pg_stat_statements_reset()');
    const decider = new IndexDecider(db, { realIndexes: true });
    const first = await decider.decide([{ sql: DELETE, label: 'scripts/cleanup.sql:1' }]);
    const before = first.byStatement.get(DELETE);
    assert.ok(before?.suggestions.some((s) => /ON (public\.)?parcels .*\(status\)/.test(s.ddl)), JSON.stringify(before));
    if (!pss) {
      assert.equal(before?.apart, undefined, 'without pg_stat_statements no write is judged a one-off');
      return;
    }
    assert.match(before?.apart ?? '', /one-off DELETE/, 'never run by a client: weighed apart');

    // The table dropped and created again (new OIDs, a new query id), then the clients run the DELETE, again and again.
    await createParcels();
    await runDelete(3);
    const second = await decider.decide([{ sql: DELETE, label: 'scripts/cleanup.sql:1' }]);
    const after = second.byStatement.get(DELETE);
    assert.equal(after?.apart, undefined, `run 3 times on the new table, not a one-off: ${after?.apart}`);
    assert.ok(after?.suggestions.some((s) => /ON (public\.)?parcels .*\(status\)/.test(s.ddl)), JSON.stringify(after));
  });
});
