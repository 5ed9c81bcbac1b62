/**
 * PG Lens's own work on the tables (the rows its Explain Analyze runs wrote and rolled back, which n_tup_ins/upd/del count
 * all the same) is still PG Lens's after a Reload Window (person53 L-8: an INSERT explained before a reload made the
 * cache-candidate check say the table was "written once" by the application after it). A reload is a new process: the
 * ledger starts from what the editor's storage kept (src/vscode/databaseStore.ts registerOwnWorkStore), valid only while
 * the database's statistics were not reset and the server not restarted since. The storage is a JSON copy, as VS Code
 * keeps it; the server, the run and the reset are real.
 */
import { strict as assert } from 'node:assert';
import { keptWindow } from './keptWindow';
import type { Database } from '../../../src/db/database';
import { lessOwnWork, ownWorkOf } from '../../../src/db/database';
import { registerOwnWorkStore } from '../../../src/vscode/databaseStore';
import { explainAnalyze } from '../../../src/db/explain';
import { forgetOwnWork, readOwnWorkEpoch } from '../../../src/db/ownRuns';
import { testDatabase } from '../support';

describe("db/own work kept: a Reload Window keeps PG Lens's rolled-back Explain Analyze rows out of the tables' write counts (real PostgreSQL)", () => {
  const t = testDatabase('ownworkkept');
  const globalState = new Map<string, unknown>();
  const openWindow = (db: Database) => keptWindow(db, globalState, registerOwnWorkStore);
  /** The application's inserts into kept_work as PG Lens reads them, the counters being `n` (the one run's row). */
  const appInserts = (db: Database, n: number) => lessOwnWork(db.profile, 'public', 'kept_work', { inserts: n }).inserts;

  it('the row an Explain Analyze INSERT wrote before the reload stays PG Lens\'s after it; a statistics reset since drops it', async () => {
    await t.admin.query('CREATE TABLE kept_work (id int)');
    const db = await t.open();
    const epoch = await readOwnWorkEpoch(db);
    assert.ok(epoch && epoch.startedMs > 0, "the server's start is read");
    const before = openWindow(db);
    await before.kept.loaded();
    await explainAnalyze(db, 'INSERT INTO kept_work VALUES (1)', { allowDml: true });
    assert.equal((await t.admin.query('SELECT count(*)::int AS n FROM kept_work')).rows[0].n, 0, 'rolled back');
    assert.equal(ownWorkOf(db.profile, 'public', 'kept_work')?.inserts, 1, 'the run noted as PG Lens\'s');
    assert.equal(appInserts(db, 1), 0, 'in the session: the run\'s row is left out');
    await before.close();

    // Developer: Reload Window.
    forgetOwnWork(db.profile);
    assert.equal(appInserts(db, 1), 1, 'a new process with nothing kept counts the row as the application\'s (the bug)');
    const after = openWindow(db);
    await after.kept.loaded();
    assert.equal(appInserts(db, 1), 0, 'after the reload: the row is still PG Lens\'s');
    // A second run after the reload: both left out, and both kept at the next reload.
    await explainAnalyze(db, 'INSERT INTO kept_work VALUES (2)', { allowDml: true });
    assert.equal(appInserts(db, 2), 0);
    await after.close();
    forgetOwnWork(db.profile);
    const third = openWindow(db);
    await third.kept.loaded();
    assert.equal(ownWorkOf(db.profile, 'public', 'kept_work')?.inserts, 2, 'the runs of both windows, each counted once');
    await third.close();

    // The database's statistics reset: the rows are no longer counted, and the kept work is not taken back.
    await t.admin.query('SELECT pg_stat_reset()');
    forgetOwnWork(db.profile);
    const again = openWindow(db);
    await again.kept.loaded();
    assert.equal(ownWorkOf(db.profile, 'public', 'kept_work'), undefined, 'nothing taken back after the reset');
    await again.close();
    assert.equal(globalState.size, 0, 'the stale record is removed at the next save');
    await db.close();
  });
});
