/** "Its own statements are left out of the statistics it shows": the marker and application_name, proved on the server. */
import { strict as assert } from 'node:assert';
import { APPLICATION_NAME } from '../../../src/db/database';
import { EXCLUDE_OWN, OWN_STATEMENT_MARKER, placeOwnMarker, SQL } from '../../../src/db/sql';
import { isOwnStatementText } from '../../../src/core/dashboard/ownStatements';
import { explain, explainAnalyze } from '../../../src/db/explain';
import { benchmark } from '../../../src/db/benchmark';
import { diffSnapshots, queryIdOf, readStatementCosts, snapshotStatements } from '../../../src/db/queryStats';
import { ownRunsOf } from '../../../src/db/ownRuns';
import { appFigures, appFiguresAt, costLensTitle, formatCostTooltip, type AppFigures, type StatementStat } from '../../../src/core/cost';
import { STATS_SQL, StatsReader } from '../../../src/db/stats';
import { readStatementUse } from '../../../src/db/workloadFacts';
import { topStatements } from '../../../src/db/indexDecision';
import { workloadWeighingLines } from '../../../src/core/advice/workload';
import { statementCallsText, statementFiguresText, statementTimeText } from '../../../src/core/dashboard/live';
import { quoteIdent } from '../../../src/core/sql/ident';
import { announceFallback, capabilities, statementStats, testDatabase } from '../support';

describe('db: PG Lens leaves its own statements out', () => {
  const t = testDatabase('own');

  it('sends the marker where every version keeps it, without moving error positions', async () => {
    const original = `${OWN_STATEMENT_MARKER} SELECT nope FROM pg_class;`;
    const sent = placeOwnMarker(original);
    assert.equal(sent.indexOf('SELECT'), original.indexOf('SELECT'));
    assert.ok(sent.endsWith(`\n${OWN_STATEMENT_MARKER}`));
    assert.equal(placeOwnMarker('SELECT 1'), 'SELECT 1', "the user's own SQL is sent as is");
    const db = await t.open();
    const e = (await db.query(`${OWN_STATEMENT_MARKER} SELECT nope FROM pg_class`).catch((x) => x)) as { position?: string };
    assert.equal(Number(e.position), `${OWN_STATEMENT_MARKER} SELECT nope`.indexOf('nope') + 1, 'the server reports the position in our original text');
    // A trailing line comment cannot swallow the marker: it goes on its own line.
    assert.equal((await db.query(`${OWN_STATEMENT_MARKER} SELECT 5 AS five -- five`)).rows[0].five, 5);
  });

  it('every statement text of ours starts with the marker (transaction control aside)', () => {
    for (const [name, text] of Object.entries(SQL)) {
      if (['begin', 'beginReadOnly', 'rollback'].includes(name)) continue;
      assert.ok(text.startsWith(OWN_STATEMENT_MARKER), `SQL.${name} starts with ${OWN_STATEMENT_MARKER}`);
    }
  });

  it('pg_stat_statements keeps the marker, and EXCLUDE_OWN.statements filters our statements out', async function () {
    // The fallback: without the view there is nothing to filter; the sessions test below still runs.
    if (!(await statementStats(t, 'sessions are still told apart by application_name (next test)'))) return;
    await t.admin.query('CREATE TABLE app_table (id int)');
    const db = await t.open();
    await db.serverInfo(); // several of our catalog statements
    await t.admin.query('SELECT count(*) FROM app_table WHERE id = 1'); // the "application"
    const all = await t.admin.query(`SELECT query FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`);
    // PostgreSQL 18 drops a leading comment from the kept text; the trailing marker stays on every version.
    const ours = all.rows.filter((r) => r.query.trimEnd().endsWith(OWN_STATEMENT_MARKER));
    assert.ok(ours.length >= 3, `our statements are recorded with the marker (${ours.length}): ${JSON.stringify(all.rows.map((r) => r.query.slice(0, 40)))}`);
    assert.ok(ours.some((r) => /pg_available_extensions/.test(r.query)));
    const shown = await t.admin.query(`SELECT query FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND ${EXCLUDE_OWN.statements}`);
    assert.ok(shown.rows.every((r) => !r.query.includes(OWN_STATEMENT_MARKER)));
    assert.ok(shown.rows.some((r) => /FROM app_table/.test(r.query)), "the application's statement is still shown");
  });

  it('the dashboard, top statements and cost lens leave out every statement PG Lens sent: trailing marker, session setup, EXPLAIN runs (filtered in the SQL)', async function () {
    if (!(await statementStats(t, 'no statement list to filter'))) return;
    const caps = await capabilities();
    await t.admin.query('CREATE TABLE IF NOT EXISTS shown_table (id int)');
    await t.admin.query('SELECT pg_stat_statements_reset()');
    const db = await t.open();
    await explain(db, 'SELECT count(*) FROM shown_table WHERE id = 1');
    await explainAnalyze(db, 'SELECT count(*) FROM shown_table WHERE id = 2');
    await db.query(`${OWN_STATEMENT_MARKER} ANALYZE public.shown_table`);
    // Our session setup as a text stored without the marker (a queryid keeps its first text).
    await t.admin.query(`SELECT set_config('lock_timeout', '1s', false), set_config('statement_timeout', '9s', false)`);
    await t.admin.query(`SELECT set_config('lock_timeout', '1s', true)`);
    await t.admin.query('SELECT id FROM shown_table WHERE id > 5'); // the application
    const costs = await readStatementCosts(db, { versionNum: caps.versionNum });
    const texts = costs.stats.map((s) => s.query ?? '');
    assert.ok(texts.some((q) => /FROM shown_table WHERE id >/.test(q)), `the application's statement is shown: ${JSON.stringify(texts)}`);
    for (const q of texts) {
      assert.ok(!q.includes(OWN_STATEMENT_MARKER), `not ours: ${q}`);
      assert.ok(!/^\s*SELECT set_config\(/i.test(q), `not our session setup: ${q}`);
      assert.ok(!/ANALYZE public\.shown_table/.test(q), `not our maintenance: ${q}`);
    }
    // The dashboard reads texts whole (up to a limit) and tells them ours by isOwnStatementText: it says ours of every
    // text the server's EXCLUDE_OWN leaves out (the session setup too), so the server's test runs only on texts cut short.
    const entries = (await t.admin.query(`SELECT queryid::text AS id, query, NOT ${EXCLUDE_OWN.statements} AS own FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`)).rows;
    assert.ok(entries.some((r) => r.own && /^\s*SELECT set_config\(/.test(r.query)), 'the session setup is stored without the marker');
    for (const r of entries.filter((x) => x.own)) assert.ok(isOwnStatementText(r.query), `ours to the server, and to isOwnStatementText: ${r.query}`);
    const ids = entries.map((r) => r.id);
    const whole = (await db.query(STATS_SQL.statementTexts, [ids, 1_000_000])).rows;
    assert.deepEqual(whole.filter((r) => r.own !== null).map((r) => r.query), [], 'no text cut: the reader tells them all');
    // Cut at 30 characters: the server tells every text longer than that (its marker may lie past the cut).
    const cut = (await db.query(STATS_SQL.statementTexts, [ids, 30])).rows;
    const full = new Map(entries.map((r) => [r.id, r]));
    assert.ok(cut.some((r) => r.own === true) && cut.some((r) => r.own === null), JSON.stringify(cut.map((r) => [r.query, r.own])));
    for (const r of cut) assert.equal(r.own, Number(r.full_length) > 30 ? full.get(r.id)!.own : null, `own flag of: ${full.get(r.id)!.query}`);
  });

  it("a Benchmark's runs are PG Lens's: a statement only the benchmark ran is left out of the statement list", async function () {
    if (!(await statementStats(t, 'no statement list to filter'))) return;
    await t.admin.query('CREATE TABLE IF NOT EXISTS bench_table (id int, status text)');
    await t.admin.query(`INSERT INTO bench_table SELECT g, 'x' || (g % 5) FROM generate_series(1, 200) g`);
    await t.admin.query('SELECT pg_stat_statements_reset()');
    const db = await t.open();
    await benchmark(db, 'SELECT id FROM bench_table WHERE status = $1 ORDER BY id', { runs: 6, params: ['x1'] });
    const shown = await t.admin.query(`SELECT query, calls FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query LIKE '%bench_table%' AND ${EXCLUDE_OWN.statements}`);
    assert.deepEqual(shown.rows, [], `shown as the application's: ${JSON.stringify(shown.rows)}`);
    const all = await t.admin.query(`SELECT query, calls FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query LIKE '%bench_table WHERE status%' AND toplevel AND query NOT LIKE 'EXPLAIN%'`);
    assert.ok(all.rows.some((r) => Number(r.calls) >= 6), `the runs are recorded (and marked): ${JSON.stringify(all.rows)}`);
  });

  it("a Benchmark's runs are taken out of the application's figures at what they cost on the server, measured around them (person47 M1)", async function () {
    if (!(await statementStats(t, 'no server time to measure'))) return;
    if ((await capabilities()).versionNum < 140000) return void announceFallback('query identifiers (PostgreSQL 14+)', "the runs' server time is not measured: the lens says they are included");
    await t.admin.query('CREATE TABLE IF NOT EXISTS bench_server (id int, status text)');
    await t.admin.query(`INSERT INTO bench_server SELECT g, 's' || (g % 7) FROM generate_series(1, 3000) g`);
    const sql = 'SELECT id FROM bench_server WHERE status = $1 ORDER BY id';
    const db = await t.open();
    const qid = (await queryIdOf(db, sql))!;
    const entry = async () => (await t.admin.query(`SELECT sum(calls)::float8 AS calls, sum(total_exec_time)::float8 AS ms, sum(rows)::float8 AS rows FROM pg_stat_statements WHERE queryid = $1::bigint AND toplevel AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`, [qid])).rows[0];
    await t.admin.query('SELECT pg_stat_statements_reset()');
    const recordingFrom = await snapshotStatements(db);
    // The application's own calls, over the same connection's role.
    for (let i = 0; i < 5; i++) await db.query(sql, ['s3']);
    const app = await entry();
    assert.equal(Number(app.calls), 5);
    await benchmark(db, sql, { runs: 20, params: ['s3'] });
    const all = await entry();
    assert.equal(Number(all.calls), 25, 'the runs land in the application\'s entry');
    const own = ownRunsOf(db).get(sql, qid)!;
    assert.equal(own.calls, 20);
    assert.equal(own.measured.calls, 20, 'every run measured: nothing else ran the statement meanwhile');
    assert.ok(Math.abs(own.measured.serverMs - (Number(all.ms) - Number(app.ms))) < 1e-6, `the runs' server time is the entry's growth: ${own.measured.serverMs} vs ${Number(all.ms) - Number(app.ms)}`);
    const figures = appFigures({ queryid: qid, query: sql, calls: Number(all.calls), totalMs: Number(all.ms), rows: Number(all.rows), meanMs: Number(all.ms) / Number(all.calls) }, own)!;
    assert.equal(figures.calls, 5);
    assert.ok(Math.abs(figures.totalMs - Number(app.ms)) < 1e-6, `the application's time is its own calls': ${figures.totalMs} vs ${app.ms}`);
    assert.equal(figures.ownIncluded, undefined);
    // Top statements agrees with the lens: the same calls and time, in its totals and in its deltas (the panel opened
    // before the benchmark here: its baseline is the application's 5 calls).
    const info = await db.serverInfo();
    const reader = new StatsReader(db, { versionNum: info.versionNum, pgStatStatements: info.pgStatStatements, topN: 50 });
    const row = (await reader.read()).statements.rows.find((r) => r.id === qid);
    assert.ok(row, 'the statement is listed');
    assert.deepEqual([row.total.calls, row.total.rows], [5, Number(app.rows)]);
    assert.ok(Math.abs(row.total.totalMs - Number(app.ms)) < 1e-6, `Top statements' total is the application's: ${row.total.totalMs} vs ${app.ms}`);
    // And a recording's window (observed N+1) around both: the application's 5 calls, not the benchmark's 20 more.
    const observed = (await diffSnapshots(db, recordingFrom, await snapshotStatements(db))).find((x) => x.queryid === qid);
    assert.deepEqual(observed && [observed.calls, observed.rows], [5, Number(app.rows)]);
    assert.ok(Math.abs(observed!.totalExecTimeMs - Number(app.ms)) < 1e-6);
  });

  it("a Benchmark's runs whose server time cannot be measured (no query identifier in EXPLAIN, as on PostgreSQL 13) leave their time in Top statements' total and mean, said there as the cost lens says it; their calls come out: 5 calls, mean (incl. 20 PG Lens runs)", async function () {
    if (!(await statementStats(t, 'no statement list to read'))) return;
    const v = (await capabilities()).versionNum;
    // PostgreSQL 14+: compute_query_id = regress computes the identifiers as auto does (pg_stat_statements files every
    // run) but EXPLAIN does not show them, so the runs' entry cannot be read around them. Before 14 that is the default.
    if (v >= 140000) await t.admin.query(`ALTER DATABASE ${quoteIdent(t.name)} SET compute_query_id = regress`);
    try {
      await t.admin.query('CREATE TABLE IF NOT EXISTS bench_unmeasured (id int, status text)');
      await t.admin.query(`INSERT INTO bench_unmeasured SELECT g, 'u' || (g % 7) FROM generate_series(1, 3000) g`);
      const sql = 'SELECT id FROM bench_unmeasured WHERE status = $1 ORDER BY id';
      const db = await t.open();
      assert.equal(await queryIdOf(db, sql), undefined, 'no query identifier in EXPLAIN');
      await t.admin.query('SELECT pg_stat_statements_reset()');
      const info = await db.serverInfo();
      // The panel opened before the application's calls and the benchmark: its deltas hold both.
      const reader = new StatsReader(db, { versionNum: info.versionNum, pgStatStatements: info.pgStatStatements, topN: 50, statementsEvery: 1 });
      await reader.read();
      // A recording started then too (Record Queries' observed N+1 window).
      const recordingFrom = await snapshotStatements(db);
      for (let i = 0; i < 5; i++) await db.query(sql, ['u3']);
      await benchmark(db, sql, { runs: 20, params: ['u3'] });
      const own = ownRunsOf(db).get(sql)!;
      assert.deepEqual([own.calls, own.measured.calls], [20, 0], 'the runs are counted, none measured');
      const { rows: [entry] } = await t.admin.query(`SELECT queryid::text AS id, sum(calls)::int AS calls FROM pg_stat_statements WHERE query LIKE '%bench_unmeasured WHERE status%' AND query NOT LIKE '%EXPLAIN%' AND toplevel AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) GROUP BY queryid ORDER BY 2 DESC LIMIT 1`);
      assert.equal(entry?.calls, 25, "the runs land in the application's entry");
      const row = (await reader.read()).statements.rows.find((r) => r.id === entry.id);
      assert.ok(row, 'the statement is listed');
      // Their calls come out; their time cannot (unknown), and the time figures say so (person50 L-A).
      assert.deepEqual([row.total.calls, row.total.ownIncluded, row.delta.calls, row.delta.ownIncluded], [5, 20, 5, 20]);
      assert.equal(statementCallsText(row.delta, String), '5');
      assert.match(statementTimeText(row.delta, 'meanMs', (ms) => `${ms} ms`), / ms \(incl\. 20 PG Lens runs\)$/);
      // The recording's window: the application's 5 calls, the runs left out though not measured, and said (issue 20: 25).
      const observed = (await diffSnapshots(db, recordingFrom, await snapshotStatements(db))).find((x) => x.queryid === entry.id);
      assert.deepEqual(observed && [observed.calls, observed.own], [5, { leftOut: 20, timeIncluded: 20 }]);
    } finally {
      if (v >= 140000) await t.admin.query(`ALTER DATABASE ${quoteIdent(t.name)} RESET compute_query_id`);
    }
  });

  it("a Benchmark run while the application runs the same statement (person50 L-A): its 100 runs' calls and rows come out of every figure shown as the app's, and the mean, total and share that still hold their time say so on the figure", async function () {
    if (!(await statementStats(t, 'no statement figures to read'))) return;
    if ((await capabilities()).versionNum < 140000) return void announceFallback('query identifiers (PostgreSQL 14+)', 'the runs are never measured there; the test above covers it');
    await t.admin.query('CREATE TABLE IF NOT EXISTS bench_busy (id int, status text)');
    await t.admin.query(`INSERT INTO bench_busy SELECT g, 'b' || (g % 7) FROM generate_series(1, 3000) g`);
    const sql = 'SELECT id FROM bench_busy WHERE status = $1 ORDER BY id';
    const db = await t.open();
    const qid = (await queryIdOf(db, sql))!;
    await t.admin.query('SELECT pg_stat_statements_reset()');
    const info = await db.serverInfo();
    // The dashboard opened before: its deltas hold the application's calls and the benchmark.
    const reader = new StatsReader(db, { versionNum: info.versionNum, pgStatStatements: info.pgStatStatements, topN: 50, statementsEvery: 1 });
    await reader.read();
    // "The app": the same statement on its own connection, in a loop for as long as the benchmark runs.
    const app = await t.open();
    let appCalls = 0;
    let appRows = 0;
    let benchDone = false;
    const loop = (async () => {
      while (!benchDone || appCalls < 3) {
        const r = await app.query(sql, ['b3']);
        appCalls++;
        appRows += r.rows.length;
      }
    })();
    try {
      await benchmark(db, sql, { runs: 100, params: ['b3'] });
    } finally {
      benchDone = true;
      await loop;
    }
    const own = ownRunsOf(db).get(sql, qid)!;
    assert.deepEqual([own.calls, own.measured.calls], [100, 0], "the app ran the statement meanwhile: the runs' server time cannot be told apart");
    const { rows: [entry] } = await t.admin.query(`SELECT sum(calls)::int AS calls, sum(rows)::int AS rows, sum(total_exec_time)::float8 AS ms FROM pg_stat_statements WHERE queryid = $1::bigint AND toplevel AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`, [qid]);
    assert.deepEqual([entry.calls, entry.rows], [appCalls + 100, appRows + own.rows], "the server counts the app's calls and the runs as one entry");
    const mixedMean = Number(entry.ms) / entry.calls;
    // The cost lens (and its hover): the app's calls and rows; the share and the mean say they hold the runs' time.
    const costs = await readStatementCosts(db, { versionNum: info.versionNum });
    const raw = costs.stats.find((s) => s.queryid === qid)!;
    const lens = appFigures(raw, ownRunsOf(db).get(sql, qid))!;
    assert.deepEqual([lens.calls, lens.rows, lens.ownIncluded], [appCalls, appRows, 100]);
    assert.ok(Math.abs(lens.meanMs - mixedMean) < 1e-9, `the mean is of the calls and the runs together (${lens.meanMs} vs ${mixedMean}), not the total over the app's calls`);
    const title = costLensTitle({ stat: lens, share: lens.totalMs / costs.totalMs }, 1);
    assert.match(title, new RegExp(`of DB time · [^·]+ mean \\(both incl\\. 100 PG Lens runs\\) · ${appCalls} calls · `), title);
    assert.doesNotMatch(title, /\(100 PG Lens's\)/);
    assert.match(formatCostTooltip({ stat: lens, share: 0.5, rank: 1 }, { statements: 1 }), new RegExp(`mean [^·]+ \\(both incl\\. 100 PG Lens runs\\) · ${appCalls} calls[^]*the time of PG Lens's own 100 runs is included`));
    // The health check's cache candidates (and the cost lens's cache line) read the same calls, the mean said to hold the runs.
    const use = (await readStatementUse(db, { versionNum: info.versionNum, minCalls: 1 })).statements?.find((s) => s.queryid === qid);
    assert.deepEqual(use && [use.calls, use.rows, use.ownIncluded], [appCalls, appRows, 100]);
    // The workload advice (editor and `advise --workload`) weighs the app's calls; its report says the time holds the runs.
    const weighed = (await topStatements(db, { minCalls: 1, limit: 500 })).statements.find((s) => s.queryid === qid);
    assert.deepEqual(weighed && [weighed.calls, weighed.ownIncluded], [appCalls, 100]);
    const lines = workloadWeighingLines({ fromStatStatements: 1, fromFiles: 0, alsoInFiles: 0, weighed: [{ label: weighed!.label, calls: weighed!.calls, totalMs: weighed!.totalMs, ownIncluded: weighed!.ownIncluded, outcome: 'no index' }], notRecommended: [] }).join('\n');
    assert.match(lines, new RegExp(`${appCalls} calls, [^\\n]+ \\(incl\\. 100 PG Lens runs\\)`), lines);
    // Top statements (totals and deltas) and its details: the same.
    const row = (await reader.read()).statements.rows.find((r) => r.id === qid);
    assert.ok(row, 'the statement is listed');
    for (const f of [row.total, row.delta]) {
      assert.deepEqual([f.calls, f.rows, f.ownIncluded, f.ownInCalls], [appCalls, appRows, 100, undefined]);
      assert.ok(Math.abs(f.meanMs - mixedMean) < 1e-9, `Top statements' mean: ${f.meanMs} vs ${mixedMean}`);
      assert.equal(statementCallsText(f, String), String(appCalls));
      assert.match(statementTimeText(f, 'meanMs', (ms) => `${ms} ms`), / ms \(incl\. 100 PG Lens runs\)$/);
      assert.match(statementTimeText(f, 'totalMs', (ms) => `${ms} ms`), / ms \(incl\. 100 PG Lens runs\)$/);
      assert.match(statementFiguresText(f, (ms) => `${ms} ms`, String), new RegExp(` mean \\(both incl\\. 100 PG Lens runs\\) · ${appCalls} calls · ${appRows} rows$`));
    }
    await app.close();
  });

  it("a reading taken while a Benchmark is under way (person52 M-1): the runs done by then come out of the application's calls and rows, and the lens says a Benchmark is under way", async function () {
    if (!(await statementStats(t, 'no statement figures to read'))) return;
    if ((await capabilities()).versionNum < 140000) return void announceFallback('query identifiers (PostgreSQL 14+)', 'the unit test covers the ledger');
    await t.admin.query('CREATE TABLE IF NOT EXISTS bench_live (id int, status text)');
    await t.admin.query(`INSERT INTO bench_live SELECT g, 'l' || (g % 7) FROM generate_series(1, 3000) g`);
    const sql = 'SELECT id FROM bench_live WHERE status = $1 ORDER BY id';
    const db = await t.open();
    const qid = (await queryIdOf(db, sql))!;
    await t.admin.query('SELECT pg_stat_statements_reset()');
    const info = await db.serverInfo();
    // The application's 5 calls, then a 40-run Benchmark; the cost lens reads pg_stat_statements after its 20th run.
    for (let i = 0; i < 5; i++) await db.query(sql, ['l3']);
    // The lens's figures are made as the lens makes them (vscode/costLens): the reading's moment, then appFiguresAt, while the runs go on.
    let reading: Promise<{ raw: StatementStat; lens: AppFigures | undefined }> | undefined;
    const read = async () => {
      const readAt = Date.now();
      const raw = (await readStatementCosts(db, { versionNum: info.versionNum })).stats.find((s) => s.queryid === qid)!;
      return { raw, lens: appFiguresAt(raw, ownRunsOf(db), sql, readAt) };
    };
    await benchmark(db, sql, { runs: 300, params: ['l3'], onProgress: (done) => void (done === 20 && (reading = read())) });
    const { raw, lens } = (await reading!) as { raw: StatementStat; lens: AppFigures };
    assert.ok(raw.calls >= 25, `the reading holds the runs done by then: ${raw.calls} calls`);
    // The 20 runs ended before the reading was asked for are in it and come out (was: all ${raw.calls} as the app's); the
    // runs ending while the reading is on its way may be in it too, and stay (never more out than the reading holds).
    assert.ok((lens.ownRunning ?? 0) >= 20, `the runs so far are said to be under way: ${lens.ownRunning}`);
    assert.equal(lens.calls, raw.calls - lens.ownRunning!, 'the runs done by the reading are out of the calls');
    assert.ok(lens.calls >= 5, `never fewer than the application's 5 calls: ${lens.calls}`);
    assert.match(costLensTitle({ stat: lens, share: 0.5 }, 1, 1000), /mean \(both incl\. \d+ PG Lens runs, under way\) · \d+ calls/);
    const tip = formatCostTooltip({ stat: lens, share: 0.5, rank: 1 }, { statements: 1 });
    assert.match(tip, /A Benchmark of this statement is under way/);
    assert.doesNotMatch(tip, /The application's figures only/);
  });

  it("the pool reset of a fresh session (DISCARD ALL) keeps the marker: pg_stat_statements stores it as PG Lens's, not the app's", async function () {
    if (!(await statementStats(t, 'no statement list to filter'))) return;
    await t.admin.query('SELECT pg_stat_statements_reset()');
    const db = await t.open();
    // Explain Analyze and Benchmark run on fresh sessions, reset with DISCARD ALL before they close.
    await db.withSession(async (s) => void (await s.query(`${OWN_STATEMENT_MARKER} SELECT 1`)), { fresh: true });
    const where = `dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query ~* '^\\s*DISCARD\\s+ALL'`;
    const all = await t.admin.query(`SELECT query FROM pg_stat_statements WHERE ${where}`);
    assert.equal(all.rows.length, 1, `the reset is recorded: ${JSON.stringify(all.rows)}`);
    assert.ok(isOwnStatementText(all.rows[0].query), `stored with the marker: ${JSON.stringify(all.rows[0].query)}`);
    const shown = await t.admin.query(`SELECT query FROM pg_stat_statements WHERE ${where} AND ${EXCLUDE_OWN.statements}`);
    assert.deepEqual(shown.rows, [], 'left out of every statement list');
  });

  it('EXCLUDE_OWN.sessions leaves our sessions out of pg_stat_activity', async () => {
    const db = await t.open();
    await db.withSession(async () => {
      const all = await t.admin.query('SELECT application_name FROM pg_stat_activity WHERE datname = current_database()');
      assert.ok(all.rows.some((r) => r.application_name === APPLICATION_NAME));
      const shown = await t.admin.query(`SELECT application_name FROM pg_stat_activity WHERE datname = current_database() AND ${EXCLUDE_OWN.sessions}`);
      assert.ok(shown.rows.length >= 1 && shown.rows.every((r) => r.application_name !== APPLICATION_NAME));
    });
  });
});
