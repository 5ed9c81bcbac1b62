/**
 * The cost lens's "since index drop" figures survive a Reload Window (person51 M-2: after DROP INDEX the lens read "since
 * index drop (about 4 min): 0.99 ms mean · 2 calls"; after a reload "2.0 ms mean · 64 calls", the whole history, no note).
 * A reload is a new process: the baseline (core/cost CostBaselines) starts from what the editor's storage kept
 * (src/vscode/databaseStore.ts registerCostBaselinesStore), valid while pg_stat_statements was not reset and the server not
 * restarted, and used only when the first reading shows the index set it was left with. The storage is a JSON copy, as
 * VS Code keeps it; the server, its figures and the index changes are real.
 */
import { strict as assert } from 'node:assert';
import { keptWindow } from './keptWindow';
import type { Database } from '../../../src/db/database';
import { registerCostBaselinesStore } from '../../../src/vscode/databaseStore';
import { costBaselinesOf } from '../../../src/db/ownRuns';
import { queryIdOf, readIndexNames, readStatementCosts } from '../../../src/db/queryStats';
import * as costModule from '../../../src/core/cost';
import { figuresSince, formatCostLensSince, type CostBaselines } from '../../../src/core/cost';
import { oncePerProcess } from '../../../src/core/oncePerProcess';
import { loadPgParser } from '../../../src/core/sql/statement';
import { announceFallback, capabilities, statementStats, testDatabase } from '../support';

describe("db/cost baseline kept: a Reload Window keeps the cost lens's figures since an index change (real PostgreSQL)", () => {
  const t = testDatabase('basekept');
  const sql = 'SELECT id FROM kept_items WHERE sku = $1';
  const globalState = new Map<string, unknown>();

  const openWindow = (db: Database) => keptWindow(db, globalState, registerCostBaselinesStore);

  /** A new process: the baselines this process holds (oncePerProcess, db/ownRuns costBaselinesOf) forgotten, as a reloaded extension host starts. */
  const newProcess = () => oncePerProcess('costBaselines', () => new Map<string, CostBaselines>()).clear();

  /** One reading of the cost lens (every 30 s): the index set and the statements' figures observed. */
  const reading = async (db: Database, at = Date.now()) => {
    const c = await readStatementCosts(db, { versionNum: (await capabilities()).versionNum });
    costBaselinesOf(db).observe(at, await readIndexNames(db), c.stats, c.resetAgeSeconds);
    return c.stats;
  };

  /** The lens's title of the statement, counted from the baseline as it is now. */
  const lensTitle = (stats: costModule.StatementStat[], db: Database, qid: string, nowMs: number) => {
    const b = costBaselinesOf(db).current();
    if (!b) return undefined;
    const now = stats.find((s) => s.queryid === qid)!;
    const before = b.before.get(qid);
    return formatCostLensSince(figuresSince(now, before), before, b, nowMs);
  };

  it('after DROP INDEX and a reload the lens still counts since the drop; another change while closed starts from it; a reset drops it', async function () {
    if (!(await statementStats(t, 'no statement figures to count from'))) return;
    if ((await capabilities()).versionNum < 140000) return void announceFallback('pg_stat_statements_info (PostgreSQL 14+)', 'the baseline is kept for the session only');
    await loadPgParser();
    await t.admin.query(`CREATE TABLE kept_items (id int, sku text); INSERT INTO kept_items SELECT g, 's' || g FROM generate_series(1, 5000) g;
      CREATE INDEX kept_items_sku_idx ON kept_items (sku); ANALYZE kept_items`);
    const db = await t.open();
    const qid = (await queryIdOf(db, sql))!;
    await t.admin.query('SELECT pg_stat_statements_reset()');
    const before = openWindow(db);
    await before.kept.loaded();
    for (let i = 0; i < 20; i++) await t.admin.query(sql, [`s${i + 1}`]);
    await reading(db);
    await t.admin.query('DROP INDEX kept_items_sku_idx');
    for (let i = 0; i < 3; i++) await t.admin.query(sql, [`s${i + 1}`]);
    const seenAt = Date.now();
    const stats = await reading(db, seenAt);
    assert.equal(costBaselinesOf(db).current()?.change, 'DROP INDEX kept_items_sku_idx');
    const title = lensTitle(stats, db, qid, seenAt + 240_000);
    assert.match(title ?? '', /^since index drop \(about 4 min\): .* mean · 3 calls · 1\.0 rows\/call · before: .* mean$/);
    await before.close();

    // Developer: Reload Window.
    newProcess();
    const after = openWindow(db);
    await after.kept.loaded();
    const again = await reading(db);
    assert.equal(lensTitle(again, db, qid, seenAt + 240_000), title, 'the same "since" figures after the reload (before the fix: none, the whole history)');
    await after.close();

    // Another index change while the window was closed: the kept baseline is not used; the figures start from that reading.
    newProcess();
    await t.admin.query('CREATE INDEX kept_items_id_idx ON kept_items (id)');
    const third = openWindow(db);
    await third.kept.loaded();
    await reading(db);
    assert.equal(costBaselinesOf(db).current(), undefined, 'the index set is not the one the baseline was left with');
    await third.close();

    // A reset of pg_stat_statements: a kept baseline is no longer valid.
    newProcess();
    const fourth = openWindow(db);
    await fourth.kept.loaded();
    await t.admin.query('DROP INDEX kept_items_id_idx');
    await reading(db);
    await reading(db); // no change: the same set
    await t.admin.query('CREATE INDEX kept_items_id_idx ON kept_items (id)');
    await reading(db);
    assert.ok(costBaselinesOf(db).current(), 'a change seen in this window');
    await fourth.close();
    assert.equal(globalState.size, 1);
    await t.admin.query('SELECT pg_stat_statements_reset()');
    newProcess();
    const fifth = openWindow(db);
    await fifth.kept.loaded();
    await reading(db);
    assert.equal(costBaselinesOf(db).current(), undefined, 'reset since: the kept baseline is not taken back');
    await fifth.close();
    await db.close();
  });
});
