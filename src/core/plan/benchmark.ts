/** Latency statistics of a benchmark run, and the comparison of two runs. Pure. */
import { countOf, formatPercent, times } from '../format';

/** One benchmark run of a statement (a domain type; the plan viewer's protocol carries it). */
export interface BenchmarkRunSummary {
  sql: string;
  /** The values used for $1…$n, as text (null for NULL), shown beside the figures. */
  params?: (string | null)[];
  runs: number;
  concurrency: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
  /** Shared buffers hit + read per execution (from one EXPLAIN (ANALYZE, BUFFERS) run). */
  sharedHitPerRun?: number;
  sharedReadPerRun?: number;
  throughputPerSec: number;
  at: number;
  /** Rows one run returned, averaged over the runs that succeeded (0: no run found a row). */
  rowsPerRun?: number;
  /**
   * How the plan of that EXPLAIN (ANALYZE, BUFFERS) run read its tables and indexes, in plan order ("Seq Scan on orders",
   * "Index Scan using orders_status_idx on orders"): two runs compared across an index created in between ran two plans.
   */
  scans?: string[];
}

/**
 * What a run that returned no rows must say beside its timing (person9: 100 runs of `id > NULL` reported a p50 without
 * a word): the figures time a statement that found nothing, not the work the application's values do. Undefined when
 * the runs returned rows (or the count is unknown).
 */
export function noRowsNote(run: Pick<BenchmarkRunSummary, 'rowsPerRun' | 'params'>): string | undefined {
  if (run.rowsPerRun !== 0) return undefined;
  const nulls = (run.params ?? []).flatMap((v, i) => (v === null ? [`$${i + 1}`] : []));
  const why = nulls.length ? ` ${nulls.join(', ')} ${nulls.length === 1 ? 'is' : 'are'} NULL, and a comparison with NULL is never true.` : '';
  return `No run returned a row with these values: the timing is of a statement that found nothing, not of the work it does for values that match.${why} Run it again with values the application sends.`;
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarizeLatencies(latenciesMs: readonly number[]): Pick<BenchmarkRunSummary, 'p50' | 'p95' | 'p99' | 'mean' | 'min' | 'max'> {
  const s = [...latenciesMs].sort((a, b) => a - b);
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN;
  return { p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), mean, min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN };
}

export interface BenchmarkComparison {
  /** after / before: below 1 is faster. */
  p50Ratio: number;
  p95Ratio: number;
  p99Ratio: number;
  throughputRatio: number;
  /** One line, e.g. "p50 3.1 ms → 0.4 ms (7.8× faster)". */
  summary: string;
  /**
   * What the summary alone would hide, each one sentence: the plan changed between the runs, the buffers per run moved,
   * the timings disagree (the machine's load changed, person26 LOW 4: "1.1× faster" while p95 went 3.7× slower,
   * throughput 4× lower and the buffers per run 67× fewer).
   */
  notes: string[];
}

/** Two timings that moved apart by more than this (either way) are said to disagree. */
const DISAGREE = 1.5;

export function compareBenchmarks(before: BenchmarkRunSummary, after: BenchmarkRunSummary): BenchmarkComparison {
  const r = (a: number, b: number) => (a > 0 ? b / a : NaN);
  const p50Ratio = r(before.p50, after.p50);
  const p95Ratio = r(before.p95, after.p95);
  const throughputRatio = r(before.throughputPerSec, after.throughputPerSec);
  const speed = p50Ratio < 1 || p50Ratio > 1 ? times(p50Ratio, 'faster', 'slower') : 'no change';
  const notes: string[] = [];
  const scans = (x: BenchmarkRunSummary) => x.scans?.join(', ');
  if (scans(before) && scans(after) && scans(before) !== scans(after)) {
    notes.push(`The plan changed between the runs: ${scans(before)} → ${scans(after)}.`);
  }
  const buffers = (x: BenchmarkRunSummary) => (x.sharedHitPerRun === undefined ? undefined : x.sharedHitPerRun + (x.sharedReadPerRun ?? 0));
  const [bb, ba] = [buffers(before), buffers(after)];
  const bufferRatio = bb !== undefined && ba !== undefined && bb > 0 && ba > 0 ? ba / bb : NaN;
  const bufferLine = Number.isFinite(bufferRatio) && (bufferRatio >= 2 || bufferRatio <= 0.5) ? `shared buffers per run ${bb} → ${ba} (${times(bufferRatio, 'fewer', 'more')})` : undefined;
  // Time against the other timings of the same runs: a median that moved one way while the tail or the throughput moved
  // the other way by more than DISAGREE was measured on a machine whose load changed, not on a faster or slower statement.
  const faster = (x: number) => x < 1 / DISAGREE;
  const slower = (x: number) => x > DISAGREE;
  const throughputSlower = Number.isFinite(throughputRatio) && before.concurrency === after.concurrency ? 1 / throughputRatio : NaN;
  const against: string[] = [];
  if ((p50Ratio < 1 && slower(p95Ratio)) || (p50Ratio > 1 && faster(p95Ratio))) against.push(`p95 ${times(p95Ratio, 'faster', 'slower')}`);
  if ((p50Ratio < 1 && slower(throughputSlower)) || (p50Ratio > 1 && faster(throughputSlower))) against.push(`throughput ${times(throughputRatio, 'lower', 'higher')}`);
  if (against.length) {
    notes.push(`The timings disagree (p50 ${speed}, ${against.join(', ')}): the machine's load changed between the runs, so time alone does not tell${bufferLine ? `; the buffers are steadier: ${bufferLine}` : ''}. Run both again on a quiet machine.`);
  } else if (bufferLine) {
    notes.push(`${bufferLine[0].toUpperCase()}${bufferLine.slice(1)}.`);
  }
  return {
    p50Ratio,
    p95Ratio,
    p99Ratio: r(before.p99, after.p99),
    throughputRatio,
    summary: `p50 ${before.p50.toFixed(2)} ms → ${after.p50.toFixed(2)} ms (${speed}); p95 ${before.p95.toFixed(2)} ms → ${after.p95.toFixed(2)} ms`,
    notes,
  };
}

/**
 * What the plan panel says while a benchmark runs (person52 L-8: for a 40 s run of 6,000 executions the panel was an empty
 * tab titled "Plan", the progress only in a notification): the runs done of all, and the statement when no plan is beside it.
 */
export function benchmarkRunningLine(done: number, total: number, statement?: string): string {
  const runs = `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} runs`;
  return `Benchmark running (read-only, rolled back): ${runs}${statement ? ` of ${statement}` : ''} — its figures show here when it ends.`;
}

/**
 * Where a statement's values came from when the code wrote them, as the CLI's line and the dashboard's row say it: "values
 * from src/orders.ts:70", with the places sending other values — "(also sent with other values at src/admin.ts:12
 * ('pending'))", or, chosen by a recording's calls, "values from src/orders.ts:70, the place the app called most: 297 of 310
 * recorded calls; also sent with other values at …" (issue 20: the first place in file order was taken silently). Here,
 * not in workloadBenchmark.ts: the dashboard's webview says it too, and that module reads PostgreSQL's parser.
 */
export function codeValuesSource(s: { paramsAt?: string; paramsOthers?: readonly string[]; paramsAtCalls?: number; paramsRecordedCalls?: number }): string {
  const others = s.paramsOthers?.length ? `also sent with other values at ${s.paramsOthers.join(', ')}` : '';
  const at = `values from ${s.paramsAt ?? 'the code'}`;
  if (s.paramsAtCalls !== undefined && others) {
    const of = s.paramsRecordedCalls !== undefined ? ` of ${s.paramsRecordedCalls.toLocaleString('en-US')}` : '';
    return `${at}, the place the app called most: ${s.paramsAtCalls.toLocaleString('en-US')}${of} recorded calls; ${others}`;
  }
  return `${at}${others ? ` (${others})` : ''}`;
}

/**
 * The workload's headline and what it stands for, in numbers (person54 M-1: "Workload (weighted by calls, without the 16
 * statements run on stand-in values): p50 4.8 ms" was one statement's figures — 55 of ~7,000 calls — while most calls
 * took 0.2–1.5 ms): how many statements and calls the app's-values figure covers, and, when that is under half the
 * calls, that it is not the workload's. `figures` formats a p50/p95/p99 triple. The CLI and the dashboard say it so.
 */
export function workloadLines(
  statements: readonly { calls: number; standIn?: boolean; ran: boolean }[],
  workload: { p50: number; p95: number; p99: number } | null,
  withStandIns: { p50: number; p95: number; p99: number } | null | undefined,
  figures: (w: { p50: number; p95: number; p99: number }) => string,
): { headline: string; warn?: string; withStandIns?: string } {
  const ran = statements.filter((x) => x.ran);
  const app = ran.filter((x) => !x.standIn);
  const standIns = ran.length - app.length;
  const calls = (xs: readonly { calls: number }[]) => xs.reduce((n, x) => n + x.calls, 0);
  const all = calls(ran);
  const covered = calls(app);
  const share = all > 0 ? covered / all : 0;
  // Statements that could not be run are in neither figure: said with their calls (person55 L-2: "every statement run,
  // 1,167 calls" where one statement of ~50 calls was not run).
  const notRun = statements.filter((x) => !x.ran);
  const notRunPhrase = notRun.length ? `; ${countOf(notRun.length, 'statement')} could not be run: ${calls(notRun).toLocaleString('en-US')} calls left out` : '';
  const of = `${countOf(app.length, 'statement')} run on the app's values, ${covered.toLocaleString('en-US')} of ${all.toLocaleString('en-US')} calls (${formatPercent(share)})`;
  if (!workload) {
    return { headline: !ran.length ? 'Workload: no statement could be run.' : "Workload: every statement run was run on stand-in values the app did not send: no figure of the app's workload.", ...(withStandIns ? { withStandIns: `With the stand-ins: ${figures(withStandIns)} (not the app's: a stand-in may select far more or fewer rows than the app's values)` } : {}) };
  }
  return {
    headline: standIns ? `Workload (weighted by calls; ${of}; ${countOf(standIns, 'statement')} on stand-in values left out): ${figures(workload)}` : `Workload (weighted by calls): ${figures(workload)}`,
    ...(standIns && share < 0.5 ? { warn: `That figure covers ${formatPercent(share)} of the calls: it is not the workload's. The figure with the stand-ins covers ${notRun.length ? 'the calls of every statement that could be run' : 'every call'}, on values the app did not send.` } : {}),
    ...(withStandIns ? { withStandIns: `With the stand-ins (${notRun.length ? `every statement that could be run, ${all.toLocaleString('en-US')} calls${notRunPhrase}` : `every statement run, ${all.toLocaleString('en-US')} calls`}): ${figures(withStandIns)} (not the app's: a stand-in may select far more or fewer rows than the app's values)` } : {}),
  };
}
