/** Latency statistics of a benchmark run, and the comparison of two runs. Pure. */

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
}

export function compareBenchmarks(before: BenchmarkRunSummary, after: BenchmarkRunSummary): BenchmarkComparison {
  const r = (a: number, b: number) => (a > 0 ? b / a : NaN);
  const p50Ratio = r(before.p50, after.p50);
  const speed = p50Ratio < 1 ? `${(1 / p50Ratio).toFixed(1)}× faster` : p50Ratio > 1 ? `${p50Ratio.toFixed(1)}× slower` : 'no change';
  return {
    p50Ratio,
    p95Ratio: r(before.p95, after.p95),
    p99Ratio: r(before.p99, after.p99),
    throughputRatio: r(before.throughputPerSec, after.throughputPerSec),
    summary: `p50 ${before.p50.toFixed(2)} ms → ${after.p50.toFixed(2)} ms (${speed}); p95 ${before.p95.toFixed(2)} ms → ${after.p95.toFixed(2)} ms`,
  };
}
