/**
 * A hover's plan never waits for the shared pool (person42 L6: after a window reload the hovers lagged the Problems panel
 * while every tab's index decisions, trial builds and readings held the editor's pooled sessions). The pool's sessions are
 * all held here (checked out, waiting on the test); a plan on the interactive lane (database Lane) is made on its own
 * session all the same — also when the same statement's plan, or the first probe of the version, is already queued on the
 * shared pool. Before, the lane did not exist and each of these waited until the pool was released: the test never got
 * its plan (it would time out). No timing is asserted.
 */
import { strict as assert } from 'node:assert';
import { testDatabase } from '../support';
import type { Database } from '../../../src/db/database';
import { Planner } from '../../../src/db/planner';

describe('db/planner: the interactive lane while the shared pool is held (real PostgreSQL)', function () {
  this.timeout(60000);
  const tdb = testDatabase('planner_lane');
  let db: Database;

  before(async () => {
    await tdb.admin.query(`CREATE TABLE o (id int PRIMARY KEY, c int NOT NULL, pad text)`);
    await tdb.admin.query(`INSERT INTO o SELECT i, i % 500, 'x' FROM generate_series(1, 20000) i`);
    await tdb.admin.query('ANALYZE o');
    db = await tdb.open({ max: 2 });
  });

  /** Every pooled session checked out until `release` is called (the background's work holding them). */
  const holdPool = async (size: number) => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let held = 0;
    let allHeld!: () => void;
    const all = new Promise<void>((r) => (allHeld = r));
    const sessions = Array.from({ length: size }, () => db.withSession(async () => {
      if (++held === size) allHeld();
      await released;
    }));
    await all;
    return { release: async () => { release(); await Promise.all(sessions); } };
  };

  it('plans on its own session while every pooled one is held, also past a queued probe and a queued plan of the same statement', async () => {
    const planner = new Planner(db, 'lane-test');
    const sql = 'SELECT id FROM o WHERE c = $1';
    const pool = await holdPool(2);
    let background: Promise<unknown> | undefined;
    try {
      // The background's own plan of the same statement (a visible statement planned ahead), queued behind the held
      // sessions, with the version's first probe.
      let queuedDone = false;
      background = planner.plan(sql).then((o) => (queuedDone = true, o));
      const hover = await planner.plan(sql, undefined, { lane: 'interactive' });
      assert.ok(hover.ok, hover.ok ? '' : hover.message);
      assert.match(JSON.stringify(hover.result.json), /"Relation Name":"o"/);
      assert.equal(queuedDone, false, 'the shared pool was still held: the background plan could not have been made');
      // Cached from then on: a second hover needs no session at all.
      assert.equal(planner.cached(sql), hover);
    } finally {
      await pool.release();
    }
    const later = (await background) as { ok: boolean };
    assert.ok(later.ok, 'the background plan is made once the pool is free');
  });
});
