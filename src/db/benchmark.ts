/**
 * Benchmark a read-only statement: N executions spread over K concurrent sessions, each inside
 * BEGIN READ ONLY … ROLLBACK with a statement_timeout, plus one EXPLAIN (ANALYZE, BUFFERS) for the
 * buffers an execution touches. Refused for statements that write and on production profiles
 * (a benchmark is load).
 */
import { ownRunsOf, readOwnRunsEpoch } from './ownRuns';
import { entryFigures, queryIdOf } from './queryStats';
import { OWN_STATEMENT_MARKER } from './sql';
import { Database, noteOwnWork } from './database';
import { PgLensError } from './errors';
import { analyzeRisk, checkSingleStatement, explainAnalyze, parameterCount, transactionWork, EXPLAIN_SQL } from './explain';
import { assertSideEffectsAllowed, guardPlanning } from './planGuard';
import { summarizeLatencies } from '../core/plan/benchmark';
import { nodeLabel } from '../core/plan/warnings';
import type { BenchmarkRunSummary } from '../core/plan/benchmark';
import { errorMessage } from '../core/safeText';

export interface BenchmarkOptions {
  runs?: number;
  concurrency?: number;
  params?: unknown[];
  statementTimeoutMs?: number;
  /** Untrusted functions allowed by name (see planGuard). */
  trustFunctions?: readonly string[];
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Each successful run's time (ms), as it is measured (the workload benchmark's percentiles). */
  onSample?: (ms: number) => void;
}

export async function benchmark(db: Database, sql: string, o: BenchmarkOptions = {}): Promise<BenchmarkRunSummary> {
  db.assertWritable('Benchmark');
  const { text, info } = await checkSingleStatement(sql);
  if (info.cls !== 'read') throw new PgLensError(`Only statements that only read can be benchmarked (this one is ${info.cls === 'write' ? `a write: ${info.writes.join(', ')}` : info.cls}).`, 'NOT_READ_ONLY');
  // The same gate as Explain Analyze, from the catalog: no untrusted functions, no effects outside
  // the transaction, nothing that needs a confirmation (a benchmark repeats it N times).
  const risk = await analyzeRisk(db, text, { trustFunctions: o.trustFunctions });
  assertSideEffectsAllowed(risk.report, []);
  if (risk.needsConfirmation) throw new PgLensError(`Only statements that only read can be benchmarked (this one: ${risk.writes.join(', ')}).`, 'NOT_READ_ONLY');
  const n = parameterCount(text);
  const values = o.params ?? [];
  if (values.length < n) throw new PgLensError(`The benchmark needs a value for each parameter: $${n} used, ${values.length} given.`, 'PARAMS');
  const runs = Math.max(1, Math.min(100_000, Math.round(o.runs ?? 50)));
  const concurrency = Math.max(1, Math.min(64, Math.round(o.concurrency ?? 1), runs));
  const timeout = String(Math.max(1, Math.round(o.statementTimeoutMs ?? 30000)));
  // Our own pool, sized for K sessions, so the benchmark does not starve the editor's.
  const pool = new Database({ ...db.options, max: concurrency });
  const latencies: number[] = [];
  const own = ownRunsOf(db);
  // The pg_stat_statements entry these runs land in: the application's only when it ran the statement the same way
  // (with $n where the code has $n). Where the code has a constant, the runs are an entry of their own.
  const runsQueryId = await queryIdOf(db, text).catch(() => undefined);
  // What the runs cost on the server: the entry's figures before and after them (person47 M1: their client time, or the
  // statement's mean from before an index, is not what they took away from the application's figures).
  const entryBefore = await entryFigures(db, runsQueryId);
  // The period these runs are counted in: runs noted before a reset of pg_stat_statements (or a restart) are forgotten.
  const epoch = await readOwnRunsEpoch(db);
  if (epoch) own.atEpoch(epoch);
  const startMs = Date.now();
  // Each run noted as it ends: a reading of pg_stat_statements while the Benchmark is under way leaves out the runs done
  // by then (person52 M-1: at 5,220 of 6,000 runs the cost lens read "5.4k calls" as the application's).
  const underWay = own.begin(text, runsQueryId);
  let done = 0;
  let ownRows = 0;
  let ownClientMs = 0;
  let errors = 0;
  let rows = 0;
  let next = 0;
  let firstError: unknown;
  const t0 = performance.now();
  try {
    await Promise.all(
      Array.from({ length: concurrency }, () =>
        pool.withSession(async (s) => {
          // The scans (and rows) one run of the statement makes, read once per session: the tables' counters count every
          // run as the application's, so they are noted as PG Lens's own (lessOwnWork), times the runs done.
          let perRun: Awaited<ReturnType<typeof transactionWork>> | undefined;
          let sessionDone = 0;
          await s.querySingle(`${OWN_STATEMENT_MARKER} SELECT 1`); // connection warm
          try {
            while (next < runs && !o.signal?.aborted) {
              next++;
              await s.query('BEGIN READ ONLY');
              try {
                await s.querySingle(EXPLAIN_SQL.setLocal, ['statement_timeout', timeout]);
                // Checked again on each session, in the transaction the statement runs in (the catalog may have changed).
                const report = s.isGuarded(text) ? undefined : await guardPlanning(s, text, { runs: true, trustFunctions: o.trustFunctions });
                if (report && (report.sideEffects.length || report.volatile.length)) throw new PgLensError('Refused: the statement now calls a function with effects outside the transaction.', 'SIDE_EFFECTS');
                const a = performance.now();
                // Marked like every statement of ours: when pg_stat_statements files these runs under a queryid of their
                // own (parameter types differ from the application's), that entry is PG Lens's, not a statement of the app.
                const r = await s.querySingle(`${OWN_STATEMENT_MARKER} ${text}`, values.slice(0, n));
                const ms = performance.now() - a;
                latencies.push(ms);
                rows += r.rowCount ?? r.rows.length;
                o.onSample?.(ms);
                // pg_stat_statements counts this run as the application's: remembered (after the runs) so it can be subtracted.
                ownRows += r.rowCount ?? r.rows.length;
                ownClientMs += ms;
                underWay.ran(r.rowCount ?? r.rows.length, ms);
                done++;
                sessionDone++;
                perRun ??= await transactionWork(s);
              } catch (e) {
                errors++;
                firstError ??= e;
              } finally {
                await s.query('ROLLBACK');
              }
              o.onProgress?.(latencies.length + errors, runs);
            }
          } finally {
            if (perRun?.length) noteOwnWork(db.profile, perRun.map((w) => ({ ...w, inserts: 0, updates: 0, deletes: 0, hotUpdates: 0, seqScans: w.seqScans * sessionDone, idxScans: w.idxScans * sessionDone })));
          }
        }),
      ),
    );
  } finally {
    await pool.close();
    if (!done) underWay.end();
    else {
      // Measured only when the entry grew by exactly our runs: the application running it meanwhile (or a reset) makes
      // the share unknown, and the cost lens then says its figures include them.
      const entryAfter = await entryFigures(db, runsQueryId).catch(() => undefined);
      const grew = entryBefore && entryAfter && entryAfter.calls - entryBefore.calls === done ? entryAfter.totalMs - entryBefore.totalMs : undefined;
      underWay.end(); // the same moment as the batch is recorded: no reading between sees neither
      own.record(text, { calls: done, rows: ownRows, totalMs: ownClientMs, ...(grew !== undefined && grew >= 0 ? { serverMs: grew } : {}), startMs, endMs: Date.now() }, runsQueryId);
    }
  }
  const wall = performance.now() - t0;
  if (!latencies.length) throw new PgLensError(`Every run failed: ${firstError ? errorMessage(firstError) : 'cancelled'}`, 'BENCHMARK_FAILED');
  let sharedHitPerRun: number | undefined;
  let sharedReadPerRun: number | undefined;
  let scans: string[] | undefined;
  try {
    const ea = await explainAnalyze(db, text, { params: values, statementTimeoutMs: Number(timeout) });
    const b = ea.plan.nodes[0].metrics.buffers;
    if (b) {
      sharedHitPerRun = b.sharedHit;
      sharedReadPerRun = b.sharedRead;
    }
    scans = ea.plan.nodes.filter((n) => n.metrics.relation || n.metrics.index).map(nodeLabel);
  } catch {
    // buffers are a bonus; the latencies stand on their own
  }
  return {
    sql: text,
    runs: latencies.length + errors,
    concurrency,
    errors,
    ...summarizeLatencies(latencies),
    sharedHitPerRun,
    sharedReadPerRun,
    throughputPerSec: (latencies.length / wall) * 1000,
    at: Date.now(),
    rowsPerRun: rows / latencies.length,
    ...(scans?.length ? { scans } : {}),
  };
}
