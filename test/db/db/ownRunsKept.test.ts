/**
 * PG Lens's own Benchmark runs are still PG Lens's after a Reload Window (person50 issue 20: after a reload the 100 runs
 * before it counted as the application's again — pg_stat_statements kept counting them). A reload is a new process: the
 * ledger starts from what the editor's storage kept (src/vscode/databaseStore.ts registerOwnRunsStore, global state per
 * database), valid only while pg_stat_statements was not reset and the server not restarted since. The storage here is a
 * copy through JSON, as VS Code keeps it; the server, its figures and its reset are real.
 */
import { strict as assert } from 'node:assert';
import { keptWindow } from './keptWindow';
import type { Database } from '../../../src/db/database';
import { registerOwnRunsStore } from '../../../src/vscode/databaseStore';
import { benchmark } from '../../../src/db/benchmark';
import { ownRunsOf, readOwnRunsEpoch } from '../../../src/db/ownRuns';
import { queryIdOf, readStatementCosts } from '../../../src/db/queryStats';
import { appFigures } from '../../../src/core/cost';
import { announceFallback, capabilities, statementStats, testDatabase } from '../support';

describe("db/own runs kept: a Reload Window keeps PG Lens's Benchmark runs out of the application's figures (real PostgreSQL)", () => {
  const t = testDatabase('ownkept');
  const sql = 'SELECT id FROM kept_orders WHERE status = $1 ORDER BY id';

  /** The editor's global state as VS Code keeps it (a JSON copy), shared by the windows before and after a reload. */
  const globalState = new Map<string, unknown>();

  /** One window of the editor on `db`: the store registered at activation; `close` disposes it as a reload does. */
  const openWindow = (db: Database) => keptWindow(db, globalState, registerOwnRunsStore);

  /** A new process: the ledger this process holds (oncePerProcess) emptied, as a reloaded extension host starts. */
  const newProcess = (db: Database) => ownRunsOf(db).clear();

  /** The cost lens's figures of the statement (readStatementCosts, appFigures), with the ledger as it is now. */
  const lensFigures = async (db: Database, qid: string) => {
    const raw = (await readStatementCosts(db, { versionNum: (await capabilities()).versionNum })).stats.find((s) => s.queryid === qid)!;
    return { raw, app: appFigures(raw, ownRunsOf(db).get(sql, qid))! };
  };

  it('the 100 runs of a Benchmark before the reload stay out of the figures after it; a reset of pg_stat_statements since drops them', async function () {
    if (!(await statementStats(t, 'no statement figures to keep apart'))) return;
    if ((await capabilities()).versionNum < 140000) return void announceFallback('pg_stat_statements_info (PostgreSQL 14+)', 'the ledger is kept for the session only: the next test');
    await t.admin.query('CREATE TABLE kept_orders (id int, status text)');
    await t.admin.query(`INSERT INTO kept_orders SELECT g, 'k' || (g % 7) FROM generate_series(1, 3000) g`);
    const db = await t.open();
    const qid = (await queryIdOf(db, sql))!;
    await t.admin.query('SELECT pg_stat_statements_reset()');
    const before = openWindow(db);
    await before.kept.loaded();
    for (let i = 0; i < 5; i++) await t.admin.query(sql, ['k3']); // the application
    await benchmark(db, sql, { runs: 100, params: ['k3'] });
    assert.equal((await lensFigures(db, qid)).app.calls, 5, 'in the session: the runs are left out');
    await before.close();

    // Developer: Reload Window.
    newProcess(db);
    assert.equal((await lensFigures(db, qid)).app.calls, 105, 'a new process with nothing kept counts the runs as the app\'s (the bug)');
    const after = openWindow(db);
    await after.kept.loaded();
    const { raw, app } = await lensFigures(db, qid);
    assert.equal(raw.calls, 105, 'pg_stat_statements kept counting the runs');
    const runs = ownRunsOf(db).get(sql, qid)!;
    assert.deepEqual([runs.calls, runs.measured.calls], [100, 100], 'the runs taken back, with their measured server time');
    assert.deepEqual([app.calls, app.rows, app.ownIncluded], [5, raw.rows - runs.rows, undefined], "after the reload: the application's 5 calls and their rows");
    assert.ok(Math.abs(app.totalMs - (raw.totalMs - runs.measured.serverMs)) < 1e-9, "the runs' server time out too");
    await after.close();

    // pg_stat_statements reset: the runs are no longer in the figures, and the kept ledger is not taken back.
    await t.admin.query('SELECT pg_stat_statements_reset()');
    for (let i = 0; i < 3; i++) await t.admin.query(sql, ['k3']);
    newProcess(db);
    const again = openWindow(db);
    await again.kept.loaded();
    assert.equal(ownRunsOf(db).get(sql, qid), undefined, 'nothing taken back after the reset');
    assert.equal((await lensFigures(db, qid)).app.calls, 3);
    await again.close();
    assert.equal(globalState.size, 0, 'the stale record is removed at the next save');
    await db.close();
  });

  it('without pg_stat_statements_info (PostgreSQL 13 and older; here the extension dropped) a reset leaves no trace: the ledger is kept for the session only, nothing stored', async function () {
    if (!(await statementStats(t, 'no statement figures to keep apart'))) return;
    await t.admin.query('DROP EXTENSION pg_stat_statements');
    try {
      const db = await t.open();
      const epoch = await readOwnRunsEpoch(db);
      assert.ok(epoch && epoch.startedMs > 0, "the server's start is read");
      assert.equal(epoch.statsResetMs, undefined, 'no reset time to check a kept ledger against');
      const w = openWindow(db);
      await w.kept.loaded();
      await benchmark(db, sql, { runs: 10, params: ['k3'] });
      assert.equal(ownRunsOf(db).get(sql)?.calls, 10, 'the session still knows its runs');
      await w.close();
      assert.equal(globalState.size, 0, 'nothing stored');
      newProcess(db);
      const next = openWindow(db);
      await next.kept.loaded();
      assert.equal(ownRunsOf(db).get(sql), undefined);
      await next.close();
      await db.close();
    } finally {
      await t.admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    }
  });
});
