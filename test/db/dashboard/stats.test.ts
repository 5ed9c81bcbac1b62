/**
 * Live statistics against a real PostgreSQL: figures move with the workload, our own statements are
 * left out of the top list, blocking chains and progress show up, and a server that goes away
 * mid-refresh gives "disconnected" and then recovers by itself.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, freePort } from '../../../scripts/embeddedServer';
import { parseConnectionString, type ConnectionProfile } from '../../../src/core/connection/profile';
import { connect } from '../../../src/db/database';
import { refreshStats } from '../../../src/db/dashboardRefresh';
import { explain } from '../../../src/db/explain';
import { STATS_SQL, StatsReader } from '../../../src/db/stats';
import { runHealth } from '../../../src/db/health';
import { ownTransactionsOf } from '../../../src/db/database';
import { countsBetween } from '../../../src/core/dashboard/ownTransactions';
import { computeRates } from '../../../src/core/dashboard/live';
import { OWN_STATEMENT_MARKER } from '../../../src/db/sql';
import { quoteIdent } from '../../../src/core/sql/ident';
import type { ToWebview } from '../../../src/shared/dashboardProtocol';
import { announceFallback, capabilities, createTestDatabase, testDatabase, waitFor, statementStats } from '../support';

describe('live statistics', function () {
  const t = testDatabase('stats');
  before(async () => {
    await t.admin.query('CREATE TABLE IF NOT EXISTS work (id int PRIMARY KEY, v int)');
    await t.admin.query('INSERT INTO work SELECT g, g FROM generate_series(1, 1000) g');
  });

  it('rates, deltas since the panel opened, and no PG Lens statement in the top list', async () => {
    const caps = await capabilities();
    const db = await t.open();
    const info = await db.serverInfo();
    if (caps.pgStatStatements) await t.admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const fresh = await db.serverInfo();
    const reader = new StatsReader(db, { versionNum: info.versionNum, pgStatStatements: fresh.pgStatStatements, topN: 50, statementsEvery: 1 });
    const first = await reader.read();
    assert.equal(first.rates, null);
    for (let i = 0; i < 30; i++) await t.admin.query('SELECT v FROM work WHERE id = $1', [i + 1]);
    await t.admin.query('SELECT pg_stat_force_next_flush()');
    await t.admin.query('SELECT 1');
    await new Promise((r) => setTimeout(r, 100));
    const second = await reader.read();
    assert.ok(second.rates && second.rates.tps > 0, JSON.stringify(second.rates));
    assert.ok(second.connections.max > 0 && second.connections.total >= 1);
    assert.ok(second.sample.db.xactCommit > first.sample.db.xactCommit);
    if (!caps.pgStatStatements) {
      announceFallback('pg_stat_statements', 'the statements list reports its state');
      assert.notEqual(second.statements.state, 'ready');
      return;
    }
    assert.equal(second.statements.state, 'ready');
    const mine = second.statements.rows.find((r) => /FROM work WHERE id = \$1/.test(r.query ?? ''));
    assert.ok(mine, JSON.stringify(second.statements.rows.map((r) => r.query)));
    assert.equal(mine.delta.calls, 30);
    // Everything PG Lens itself ran (the stats queries above, serverInfo…) is left out.
    const own = second.statements.rows.filter((r) => /^\s*SELECT\b[\s\S]*(pg_stat_database|pg_stat_activity|pg_stat_statements\(|pg_available_extensions|pg_settings)/.test(r.query ?? ''));
    assert.deepEqual(own.map((r) => r.query), []);
  });

  it("a PG Lens EXPLAIN of the application's statement (a nested entry under the same queryid) neither hides it nor adds to its calls", async () => {
    if (!(await statementStats(t, 'no statement list to read'))) return;
    const db = await t.open();
    const info = await db.serverInfo();
    const sql = 'SELECT v, id FROM work WHERE id = $1 AND v >= 0';
    const reader = new StatsReader(db, { versionNum: info.versionNum, pgStatStatements: info.pgStatStatements, topN: 50, statementsEvery: 1 });
    await reader.read();
    // PG Lens plans it first (hover), then the application runs it.
    for (let i = 0; i < 3; i++) await explain(db, sql);
    for (let i = 0; i < 10; i++) await t.admin.query(sql, [i + 1]);
    await t.admin.query('SELECT pg_stat_force_next_flush()');
    const stats = await reader.read();
    const app = stats.statements.rows.find((r) => /FROM work WHERE id = \$1 AND v >= \$2/.test(r.query ?? ''));
    assert.ok(app, `the application's statement is listed: ${JSON.stringify(stats.statements.rows.map((r) => r.query?.slice(0, 60)))}`);
    assert.ok(!/^\s*EXPLAIN/i.test(app.query ?? ''), `shown with the application's text, not the EXPLAIN's: ${app.query}`);
    assert.equal(app.total.calls, info.versionNum >= 140000 ? 10 : app.total.calls, "the application's 10 calls, not PG Lens's EXPLAINs");
  });

  it("an open panel reads a statement's text again once pg_stat_statements made its entry anew (a reset): PG Lens's marked runs are not left listed as the app's", async () => {
    if (!(await statementStats(t, 'no statement list to read'))) return;
    const db = await t.open();
    const info = await db.serverInfo();
    const reader = new StatsReader(db, { versionNum: info.versionNum, pgStatStatements: info.pgStatStatements, topN: 50, statementsEvery: 1 });
    await reader.read();
    const sql = 'SELECT v FROM work WHERE v = $1 AND id > 7';
    const listed = async () => (await reader.read()).statements.rows.filter((r) => /FROM work WHERE v = \$1 AND id > \$2/.test(r.query ?? ''));
    // A text stored without the marker (as a benchmark's runs were before they carried it).
    for (let i = 0; i < 5; i++) await t.admin.query(sql, [i]);
    await t.admin.query('SELECT pg_stat_force_next_flush()');
    assert.equal((await listed()).length, 1, 'listed while its text is unmarked');
    // Reset (the dashboard's Reset statistics), then only PG Lens runs it, marked: the entry's text now carries the marker.
    await t.admin.query('SELECT pg_stat_statements_reset()');
    for (let i = 0; i < 5; i++) await db.query(`${OWN_STATEMENT_MARKER} ${sql}`, [i]);
    await t.admin.query('SELECT pg_stat_force_next_flush()');
    assert.deepEqual((await listed()).map((r) => r.query), [], 'the cached unmarked text is not reused');
  });

  it("counts the database's statements without PG Lens's own from the first read, not only once their texts are read for the list (person9 P4)", async () => {
    if (!(await statementStats(t, 'no statement list to count'))) return;
    const db = await t.open();
    const info = await db.serverInfo();
    const opts = { versionNum: info.versionNum, pgStatStatements: info.pgStatStatements, statementsEvery: 1 } as const;
    // PG Lens's own work first (an open dashboard's refreshes: its statements, catalog reads), then the app's statements.
    const warm = new StatsReader(db, { ...opts, topN: 50 });
    for (let i = 0; i < 3; i++) await warm.read();
    for (const sql of ['SELECT id FROM work WHERE v = $1', 'SELECT count(*) FROM work WHERE v > $1', 'SELECT max(v) FROM work WHERE id < $1']) await t.admin.query(sql, [5]);
    await t.admin.query('SELECT pg_stat_force_next_flush()');
    // A panel opened now, listing one statement: its count is the settled one at once.
    const first = (await new StatsReader(db, { ...opts, topN: 1 }).read()).statements;
    const settled = new StatsReader(db, { ...opts, topN: 5000 });
    await settled.read();
    const later = (await settled.read()).statements;
    assert.ok(first.rows.length < first.count, 'a short list: most entries are counted without their texts read for it');
    assert.equal(first.count, later.count, `the first read's count (${first.count}) is the count once every text is read (${later.count})`);
    const [{ n }] = (await t.admin.query("SELECT count(DISTINCT queryid)::int AS n FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())")).rows;
    assert.ok(first.count < n, `PG Lens's own entries (${n} in all) are left out of the count (${first.count})`);
  });

  // Beside, not after: the first refresh waits for both reads, and beside it waits for the longer of the two, not their
  // sum — measured cold (PG Lens's entries removed: the reads wait on each other for pg_stat_statements' lock in about
  // half the runs) and warm, 16 runs each on the dashboard bench's 6,000 entries (bench/dashboardTextsOrder.ts, figures
  // in docs/dashboard.md): sent after the counters, the counters come sooner but the refresh ends later in both.
  it('a first refresh reads the texts of 1,200 entries in one statement (each read loads every text; batches of 1,000 read them twice), sent beside the counters, not after them (the refresh waits for both: measured faster cold and warm), and lists them with their texts', async () => {
    if (!(await statementStats(t, 'no statement texts to read'))) return;
    // 1,200 statements of the application, each its own entry: the select list spells the entry's number in id/v columns.
    for (let i = 0; i < 1200; i++) {
      const columns = Array.from({ length: 11 }, (_, b) => ((i >> b) & 1 ? 'v' : 'id'));
      await t.admin.query(`SELECT ${columns.join(', ')} FROM work WHERE id = $1`, [i]);
    }
    await t.admin.query('SELECT pg_stat_force_next_flush()');
    const db = await t.open();
    const info = await db.serverInfo();
    const texts = new Set<string>([STATS_SQL.statementTexts, STATS_SQL.statementTexts13, STATS_SQL.allStatementTexts, STATS_SQL.allStatementTexts13]);
    const counters = new Set<string>([STATS_SQL.statements, STATS_SQL.statements13, STATS_SQL.statements12]);
    const events: string[] = [];
    const counting = {
      profile: db.profile,
      query: (async (text: string, params?: unknown[], opts?: { prepare?: boolean }) => {
        const what = texts.has(text) ? 'texts' : counters.has(text) ? 'counters' : 'other';
        events.push(`${what} sent`);
        try {
          return await db.query(text, params, opts);
        } finally {
          events.push(`${what} done`);
        }
      }) as typeof db.query,
    };
    const first = (await new StatsReader(counting, { versionNum: info.versionNum, pgStatStatements: info.pgStatStatements, topN: 20 }).read()).statements;
    assert.ok(first.count >= 1200, `the 1,200 statements counted (${first.count})`);
    assert.equal(events.filter((e) => e === 'texts sent').length, 1, `one read of texts tells every entry ours or the app's and gives the list its texts: ${events.join(', ')}`);
    assert.ok(events.indexOf('texts sent') < events.indexOf('counters done'), `the texts are asked for before the counters arrive (beside them: the refresh waits for the longer read, not both one after the other): ${events.join(', ')}`);
    assert.ok(first.rows.length >= 20, `the top 20 by each measure listed (${first.rows.length})`);
    assert.deepEqual(first.rows.filter((r) => !r.query), [], 'every listed statement has its text');
  });

  it("a first refresh reads texts once when the counters' own entry is new (made as they are planned, after the texts were read): not read again by id to learn it is ours", async () => {
    if (!(await statementStats(t, 'no statement texts to read'))) return;
    // With planning tracked (as on the dashboard bench's server) an entry shows once its statement is planned, before it
    // runs: the counters' new entry is in their own read. Sessions opened from now on track planning.
    await t.admin.query(`ALTER DATABASE ${quoteIdent(t.name)} SET pg_stat_statements.track_planning = on`);
    try {
      const db = await t.open();
      const info = await db.serverInfo();
      assert.ok(info.versionNum >= 140000, 'PostgreSQL 14+ (the test servers are 15 and 18)');
      const opts = { versionNum: info.versionNum, pgStatStatements: info.pgStatStatements, topN: 20 } as const;
      // Another panel's read (its own sessions): every entry of the reader's statements made.
      await new StatsReader(await t.open(), opts).read();
      // The counters' entry made anew (as on a new server, or after a reset); the other statements' entries are kept.
      const ofCounters = `SELECT userid, dbid, queryid FROM pg_stat_statements WHERE query LIKE '%json_build_array(e.id, e.calls%' AND toplevel`;
      const before = (await t.admin.query(ofCounters)).rows;
      assert.ok(before.length >= 1, 'the counters have an entry');
      for (const r of before) await t.admin.query('SELECT pg_stat_statements_reset($1, $2, $3)', [r.userid, r.dbid, r.queryid]);
      // The counters sent once the texts are answered, on sessions that prepare them first: their new entry is one the
      // texts did not see. Sent beside each other on a server PG Lens never read, this is how they often end: each makes
      // its entry under pg_stat_statements' exclusive lock, and the counters' waits for the texts' read of the entries.
      const texts = new Set<string>([STATS_SQL.statementTexts, STATS_SQL.allStatementTexts]);
      let textsAnswered!: () => void;
      const answered = new Promise<void>((resolve) => (textsAnswered = resolve));
      const events: string[] = [];
      const ordered = {
        profile: db.profile,
        query: (async (text: string, params?: unknown[], o?: { prepare?: boolean }) => {
          const what = texts.has(text) ? 'texts' : text === STATS_SQL.statements ? 'counters' : 'other';
          if (what === 'counters') await answered;
          events.push(`${what} sent`);
          try {
            return await db.query(text, params, o);
          } finally {
            if (what === 'texts') textsAnswered();
          }
        }) as typeof db.query,
      };
      const first = (await new StatsReader(ordered, opts).read()).statements;
      assert.ok((await t.admin.query(ofCounters)).rows.length >= 1, "the counters' entry was made anew");
      assert.deepEqual(events.filter((e) => e !== 'other sent'), ['texts sent', 'counters sent'], 'one read of texts');
      const settled = new StatsReader(db, opts);
      await settled.read();
      assert.equal(first.count, (await settled.read()).statements.count, "the count leaves the counters' own entry out");
    } finally {
      await t.admin.query(`ALTER DATABASE ${quoteIdent(t.name)} RESET pg_stat_statements.track_planning`);
    }
  });

  it("counts PG Lens's own transactions as pg_stat_database does, and the rates leave them out (person9 P17: 21 TPS on an idle server)", async () => {
    const db = await t.open();
    // The server's counters read from another database: the reads themselves are not this database's transactions.
    const other = new URL(t.url);
    other.pathname = '/postgres';
    const watcher = new Client({ connectionString: other.toString() });
    await watcher.connect();
    try {
      const server = async () => {
        const { rows } = await watcher.query('SELECT xact_commit::float8 AS c, xact_rollback::float8 AS r FROM pg_stat_database WHERE datname = $1', [t.name]);
        return { commits: Number(rows[0].c), rollbacks: Number(rows[0].r) };
      };
      // Whatever this database's sessions ran before is flushed and counted first.
      await db.query('SELECT pg_stat_force_next_flush()');
      await waitFor(async () => { const a = await server(); await new Promise((r) => setTimeout(r, 300)); const b = await server(); return a.commits === b.commits && a.rollbacks === b.rollbacks; }, 'the counters to settle', 20_000);
      const before = { server: await server(), own: ownTransactionsOf(db.profile) };
      // PG Lens's kinds of work: reads, a statement that fails, a trial in BEGIN … ROLLBACK, a committed block.
      for (let i = 0; i < 5; i++) await db.query('SELECT v FROM work WHERE id = $1', [i + 1]);
      await db.query('SELECT no_such_column FROM work').catch(() => undefined);
      await db.rolledBack(async (s) => {
        await s.query('SAVEPOINT a');
        await s.query('SELECT count(*) FROM work');
        await s.query('ROLLBACK TO SAVEPOINT a');
      });
      await db.withSession(async (s) => {
        await s.query('BEGIN');
        await s.query('SELECT 1');
        await s.query('COMMIT');
      });
      await db.query('SELECT pg_stat_force_next_flush()');
      const own = countsBetween(before.own, ownTransactionsOf(db.profile));
      // Five reads, the block and the flush committed (and what a session runs around them); the failed statement and the trial rolled back.
      assert.ok(own.commits >= 7 && own.rollbacks === 2, JSON.stringify(own));
      const seen = await waitFor(async () => { const now = await server(); const d = countsBetween(before.server, now); return d.commits >= own.commits && d.rollbacks >= own.rollbacks ? d : undefined; }, "the server's counters to show the work", 20_000, 200);
      // The server counted PG Lens's own transactions: the same rollbacks; the same commits but one — PostgreSQL 18 counts a
      // commit besides the rollback for the statement that failed outside a block (seen for simple and extended
      // protocol alike; not counted by PG Lens, so that much of its own stays in Transactions/s).
      assert.equal(seen.rollbacks, own.rollbacks, JSON.stringify({ seen, own }));
      assert.ok(seen.commits >= own.commits && seen.commits <= own.commits + 1, JSON.stringify({ seen, own }));
      // The rates over that interval: nothing left once PG Lens's own are out.
      const sample = (atMs: number, c: { commits: number; rollbacks: number }, o: { commits: number; rollbacks: number }) => ({ atMs, db: { xactCommit: c.commits, xactRollback: c.rollbacks, blksRead: 0, blksHit: 0, tupReturned: 0, tupFetched: 0, tupInserted: 0, tupUpdated: 0, tupDeleted: 0, tempFiles: 0, tempBytes: 0, deadlocks: 0 }, walBytes: null, checkpoints: null, own: o });
      const r = computeRates(sample(0, before.server, before.own), sample(1000, await server(), ownTransactionsOf(db.profile)))!;
      assert.ok(r.tps <= 1, `Transactions/s without PG Lens's own: ${r.tps}`);
      assert.equal(r.rollbacksPerSec, 0);
      assert.equal(r.ownTps, own.commits + own.rollbacks);
    } finally {
      await watcher.end();
    }
  });

  it("Rows/s leaves PG Lens's own reads out — its health check and refreshes read the catalogs — and says how many (person51 L-8: \"Rows/s 100.5 k read · PG Lens's own reads included\" on an idle demo)", async () => {
    // A database of its own: no other test's sessions flushing their counters late (up to 10 s when idle) into the interval.
    const own = await createTestDatabase('rows');
    const watcher = new Client({ connectionString: t.url });
    await watcher.connect();
    try {
      await own.admin.query('CREATE TABLE work (id int PRIMARY KEY, v int)');
      await own.admin.query('INSERT INTO work SELECT g, g FROM generate_series(1, 1000) g');
      const db = await own.open();
      const info = await db.serverInfo();
      const reader = new StatsReader(db, { versionNum: info.versionNum, pgStatStatements: info.pgStatStatements, topN: 50 });
      // The rows read of that database, counted from another one (the reads themselves are not that database's).
      const rowsRead = async () => Number((await watcher.query('SELECT (tup_returned + tup_fetched)::float8 AS n FROM pg_stat_database WHERE datname = $1', [own.name])).rows[0].n);
      // Until a reading holds still for 1.5 s (a backend flushes its counters within a second of its last statement).
      const settled = async () => { const a = await rowsRead(); await new Promise((r) => setTimeout(r, 1500)); return a === (await rowsRead()) ? a : undefined; };
      await own.admin.query('SELECT pg_stat_force_next_flush()');
      const first = await reader.read();
      const start = await waitFor(settled, "the first refresh's own reads to be counted", 30_000);
      // PG Lens's own reads: a health check and three refreshes of another panel.
      await runHealth(db);
      const panel = new StatsReader(db, { versionNum: info.versionNum, pgStatStatements: info.pgStatStatements, topN: 50 });
      for (let i = 0; i < 3; i++) await panel.read();
      // The application's: 1,000 rows of work, read once.
      await own.admin.query('SELECT count(*) FROM work');
      await own.admin.query('SELECT pg_stat_force_next_flush()');
      const end = await waitFor(settled, "PG Lens's own reads to be counted", 30_000);
      assert.ok(end - start > 3_000, `PG Lens's own reads between the samples: ${end - start} rows`);
      const second = await reader.read();
      assert.ok(first.rates === null && second.rates, JSON.stringify(second.rates));
      const r = second.rates!;
      // Rows per second times seconds: the count back, up to floating point (999.9999999999999 for 1,000).
      const read = Math.round(r.rowsReadPerSec * r.seconds);
      // The tile's figure is the application's 1,000 rows (and the little PG Lens reads outside the catalogs); before, all.
      assert.ok(read >= 1000 && read < 1200, `Rows/s: ${read} rows read in ${r.seconds} s, of ${end - start} counted by the server`);
      assert.ok(r.catalogRowsPerSec !== null && r.catalogRowsPerSec * r.seconds > 3_000, `left out: ${JSON.stringify(r)}`);
    } finally {
      await watcher.end();
      await own.drop();
    }
  });

  it('reads pg_stat_statements at its own slower cadence: between reads the list is the last one read; the relation walk waits for the second refresh', async () => {
    if (!(await statementStats(t, 'the cadence of the statements list cannot be observed without it'))) return;
    const db = await t.open();
    const info = await db.serverInfo();
    const reader = new StatsReader(db, { versionNum: info.versionNum, pgStatStatements: info.pgStatStatements, topN: 50, statementsEvery: 3 });
    const reads = [];
    for (let i = 0; i < 4; i++) {
      await t.admin.query('SELECT v FROM work WHERE id = $1 + 0', [i + 1]);
      await t.admin.query('SELECT pg_stat_force_next_flush()'); // the table's block counters reach the shared statistics now
      reads.push(await reader.read());
    }
    assert.equal(reads[0].cache.tableHitRatio, null, 'the first refresh does not walk every relation');
    assert.equal(typeof reads[1].cache.tableHitRatio, 'number', 'the second refresh walks the relations');
    assert.equal(reads[1].statements, reads[0].statements, 'refresh 2 reuses the list of refresh 1');
    assert.equal(reads[2].statements, reads[0].statements, 'refresh 3 reuses the list of refresh 1');
    assert.notEqual(reads[3].statements, reads[0].statements, 'refresh 4 reads pg_stat_statements again');
    assert.equal(reads[3].statements.state, 'ready');
  });

  // person43 L8: after the dashboard's "Reset pg_stat_statements", Top statements kept the pre-reset rows until the list's
  // next read (every few refreshes): the reset now makes the next refresh read it.
  it('after a reset of pg_stat_statements (resetBaseline) the next refresh reads the list again, not the pre-reset one', async () => {
    if (!(await statementStats(t, 'the statements list after a reset cannot be observed without it'))) return;
    const db = await t.open();
    const info = await db.serverInfo();
    const reader = new StatsReader(db, { versionNum: info.versionNum, pgStatStatements: info.pgStatStatements, topN: 50, statementsEvery: 5 });
    await t.admin.query('SELECT pg_stat_statements_reset()'); // the earlier tests' entries: the probe is then in the top 50
    for (let i = 0; i < 5; i++) await t.admin.query('SELECT v AS reset_probe FROM work WHERE id = $1', [i + 1]);
    const before = await reader.read();
    assert.ok(before.statements.rows.some((r) => /reset_probe/.test(r.query ?? '')), JSON.stringify(before.statements.rows.map((r) => r.query)));
    assert.equal(before.statements.since, 'opened', 'the deltas count from the panel\'s opening');
    await t.admin.query('SELECT pg_stat_statements_reset()');
    reader.resetBaseline('reset');
    const after = await reader.read();
    // person47 L8: the window the deltas count from is the reset, not the panel's opening, on every list after it.
    assert.equal(after.statements.since, 'reset');
    assert.notEqual(after.statements, before.statements, 'the refresh after the reset read the list again');
    assert.ok(!after.statements.rows.some((r) => /reset_probe/.test(r.query ?? '')), JSON.stringify(after.statements.rows.map((r) => r.query)));
    assert.ok(after.statements.count < before.statements.count, `${after.statements.count} < ${before.statements.count}`);
    // person45 M1: the list says it follows a reset (the page drops the rows it held under the pointer), once.
    assert.equal(before.statements.reset, undefined);
    assert.equal(after.statements.reset, true);
    const next = await new Promise((r) => setTimeout(r, 5)).then(() => reader.read());
    assert.equal(next.statements.reset, undefined, 'only the first list after the reset says so');
    assert.equal(next.statements.since, 'reset', 'the window stays the reset\'s');
    reader.resetBaseline();
    assert.equal((await reader.read()).statements.since, 'restarted', 'Restart deltas: counted from the restart');
  });

  it('blocking chains name blocker and waiters; our own sessions are not in the activity list', async () => {
    const db = await t.open();
    const info = await db.serverInfo();
    const reader = new StatsReader(db, { versionNum: info.versionNum, pgStatStatements: 'unavailable' });
    const blocker = new Client({ connectionString: t.url, application_name: 'blocker' });
    const waiter = new Client({ connectionString: t.url, application_name: 'waiter' });
    await blocker.connect();
    await waiter.connect();
    waiter.on('error', () => undefined);
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE work');
      const bpid = (await blocker.query('SELECT pg_backend_pid() AS p')).rows[0].p;
      const waiting = waiter.query('SELECT count(*) FROM work').catch(() => undefined);
      const wpid = (waiter as any).processID as number;
      await waitFor(async () => (await t.admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`, [wpid])).rows[0].n === 1, 'the waiter to wait on the lock');
      const s = await reader.read();
      const chain = s.blocking.find((c) => c.blocker === bpid);
      assert.ok(chain, JSON.stringify(s.blocking));
      assert.deepEqual(chain.waiters.map((w) => w.pid), [wpid]);
      assert.ok(!s.sessions.some((x) => x.application === 'pg-lens'));
      await blocker.query('ROLLBACK');
      await waiting;
    } finally {
      await blocker.end();
      await waiter.end();
    }
  });

  it('index build progress shows up while CREATE INDEX runs', async () => {
    const db = await t.open();
    const info = await db.serverInfo();
    const reader = new StatsReader(db, { versionNum: info.versionNum, pgStatStatements: 'unavailable' });
    const blocker = new Client({ connectionString: t.url });
    const builder = new Client({ connectionString: t.url });
    await blocker.connect();
    await builder.connect();
    try {
      // A CREATE INDEX CONCURRENTLY waits for an open transaction that has the table locked: it stays in progress.
      await blocker.query('BEGIN');
      await blocker.query('UPDATE work SET v = v WHERE id = 1');
      const build = builder.query('CREATE INDEX CONCURRENTLY "work v <b>" ON work (v)');
      await waitFor(async () => (await t.admin.query(`SELECT count(*)::int AS n FROM pg_stat_progress_create_index`)).rows[0].n > 0, 'CREATE INDEX to show in pg_stat_progress_create_index');
      const s = await reader.read();
      const p = s.progress.find((x) => x.kind === 'create index');
      assert.ok(p, JSON.stringify(s.progress));
      assert.equal(p.relation, 'work');
      await blocker.query('ROLLBACK');
      await build;
    } finally {
      await blocker.end();
      await builder.end();
    }
  });
});

describe('the server going away mid-refresh', function () {
  this.timeout(90000);
  it('posts "disconnected" with one line, then recovers by itself when the server is back', async () => {
    const port = await freePort();
    const dir1 = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-gone-'));
    let server = await startEmbeddedPostgres({ dataDir: dir1, port });
    const p = parseConnectionString(server.url);
    const profile = { name: 'gone', environment: 'development', ...p.profile } as ConnectionProfile;
    const db = await connect({ profile, password: p.password, connectTimeoutMs: 2000 });
    const posted: ToWebview[] = [];
    const post = (m: ToWebview) => posted.push(m);
    try {
      const info = await db.serverInfo();
      const reader = new StatsReader(db, { versionNum: info.versionNum, pgStatStatements: 'unavailable' });
      assert.ok(await refreshStats(reader, post));
      // Stop the server while a refresh is running.
      const during = refreshStats(reader, post);
      await server.stop();
      await during;
      const down = await refreshStats(reader, post);
      assert.equal(down, undefined);
      const last = posted.filter((m) => m.type === 'status').at(-1)!;
      assert.equal(last.type === 'status' && last.state, 'disconnected');
      assert.ok(last.type === 'status' && last.message && !last.message.includes('\n'), JSON.stringify(last));
      // Back on the same port: the same reader works again, no reconnect by hand.
      server = await startEmbeddedPostgres({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-back-')), port });
      let back;
      for (let i = 0; i < 10 && !back; i++) back = await refreshStats(reader, post);
      assert.ok(back);
      assert.equal((posted.filter((m) => m.type === 'status').at(-1) as any).state, 'connected');
    } finally {
      await db.close();
      await server.stop();
    }
  });
});
