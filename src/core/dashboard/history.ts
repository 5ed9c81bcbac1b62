/**
 * Snapshots over days: bounded storage, trends, statement regressions against a baseline, and
 * growth projection of sizes (least squares). Pure: the editor layer reads and writes the JSON.
 */
export interface HistorySnapshot {
  atMs: number;
  tps: number | null;
  connections: number;
  cacheHitRatio: number | null;
  databaseBytes: number | null;
  /** Largest tables, key "schema.name" (display only; quoting happens elsewhere). */
  tables: { schema: string; name: string; bytes: number }[];
  /** Cumulative pg_stat_statements counters of the heaviest statements. */
  statements: { id: string; query: string; calls: number; totalMs: number }[];
  /** The next transaction id (capacity-forecast's consumption rate); absent in older snapshots. */
  nextXid?: number | null;
  /** Sequences' last values (capacity-forecast's days to exhaustion); absent in older snapshots. */
  sequences?: { schema: string; name: string; lastValue: number; maxValue: number }[];
  /** Materialized views' refresh marks and their tables' cumulative writes (stale-materialized-view); absent in older snapshots. */
  matviews?: { schema: string; name: string; refreshMark: string; sourceWrites: number }[];
}

export interface HistoryLimits {
  /** Keep at most this many snapshots. */
  maxSnapshots: number;
  /** Drop snapshots older than this. */
  maxAgeMs: number;
  /** Snapshots older than a day are thinned to one per this interval. */
  thinIntervalMs: number;
}

const DEFAULT_HISTORY_LIMITS: HistoryLimits = { maxSnapshots: 2000, maxAgeMs: 90 * 86400000, thinIntervalMs: 3600000 };

/** Add a snapshot and keep the list bounded: recent day at full resolution, older thinned, oldest dropped. */
export function appendSnapshot(list: readonly HistorySnapshot[], snap: HistorySnapshot, limits: HistoryLimits = DEFAULT_HISTORY_LIMITS): HistorySnapshot[] {
  const all = [...list.filter((s) => s.atMs < snap.atMs), snap];
  const cutoff = snap.atMs - limits.maxAgeMs;
  const dayAgo = snap.atMs - 86400000;
  const out: HistorySnapshot[] = [];
  let lastKeptOld = -Infinity;
  for (const s of all) {
    if (s.atMs < cutoff) continue;
    if (s.atMs < dayAgo) {
      if (s.atMs - lastKeptOld < limits.thinIntervalMs) continue;
      lastKeptOld = s.atMs;
    }
    out.push(s);
  }
  return out.slice(-limits.maxSnapshots);
}

/** Accept only well-formed snapshots from disk (a damaged file must not break the panel). */
export function parseHistory(raw: unknown): HistorySnapshot[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (s): s is HistorySnapshot =>
      !!s && typeof s === 'object' && typeof s.atMs === 'number' && Array.isArray(s.tables) && Array.isArray(s.statements) && typeof s.connections === 'number',
  );
}

export interface Regression {
  id: string;
  query: string;
  baselineMeanMs: number;
  recentMeanMs: number;
  /** recent / baseline - 1 */
  increase: number;
  recentCalls: number;
}

/**
 * A statement regressed when its mean time over the recent window is up by at least `share`
 * against its mean over the baseline window before it. Means come from counter differences
 * (cumulative counters), so a reset inside a window makes that window unusable.
 */
export function findRegressions(
  list: readonly HistorySnapshot[],
  opts: { nowMs: number; recentMs: number; baselineMs: number; share: number; minCalls: number },
): Regression[] {
  const recentStart = opts.nowMs - opts.recentMs;
  const baseStart = recentStart - opts.baselineMs;
  const at = (t: number) => list.filter((s) => s.atMs >= t).sort((a, b) => a.atMs - b.atMs)[0];
  const b0 = at(baseStart);
  const b1 = at(recentStart);
  const r1 = list.filter((s) => s.atMs <= opts.nowMs).sort((a, b) => b.atMs - a.atMs)[0];
  if (!b0 || !b1 || !r1 || b0 === b1 || b1 === r1) return [];
  const idx = (s: HistorySnapshot) => new Map(s.statements.map((x) => [x.id, x]));
  const [m0, m1, m2] = [idx(b0), idx(b1), idx(r1)];
  const out: Regression[] = [];
  for (const [id, end] of m2) {
    const mid = m1.get(id);
    const start = m0.get(id);
    if (!mid || !start) continue;
    const baseCalls = mid.calls - start.calls;
    const recentCalls = end.calls - mid.calls;
    if (baseCalls < opts.minCalls || recentCalls < opts.minCalls) continue;
    const baseMean = (mid.totalMs - start.totalMs) / baseCalls;
    const recentMean = (end.totalMs - mid.totalMs) / recentCalls;
    if (!(baseMean > 0) || recentMean < 0) continue;
    const increase = recentMean / baseMean - 1;
    if (increase >= opts.share) out.push({ id, query: end.query, baselineMeanMs: baseMean, recentMeanMs: recentMean, increase, recentCalls });
  }
  return out.sort((a, b) => b.increase - a.increase);
}

export interface GrowthProjection {
  bytesPerDay: number;
  /** Size expected after horizonDays from the last point. */
  projectedBytes: number;
  /** Goodness of the linear fit, 0..1 (1 when all points lie on the line). */
  r2: number;
  points: number;
}

/** Least-squares line through (time, bytes); undefined with fewer than 2 points or no time span. */
export function projectGrowth(points: readonly { atMs: number; bytes: number }[], horizonDays: number): GrowthProjection | undefined {
  const p = points.filter((x) => Number.isFinite(x.bytes) && Number.isFinite(x.atMs));
  if (p.length < 2) return undefined;
  const xs = p.map((x) => x.atMs / 86400000);
  const ys = p.map((x) => x.bytes);
  const n = p.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
    syy += (ys[i] - my) ** 2;
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const lastX = Math.max(...xs);
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { bytesPerDay: slope, projectedBytes: Math.max(0, intercept + slope * (lastX + horizonDays)), r2, points: n };
}

export interface GrowthReport {
  database?: GrowthProjection;
  tables: { schema: string; name: string; projection: GrowthProjection }[];
  /** Hours the snapshots span. */
  spanHours?: number;
  /** Set when no projection is made yet: the span (hours) the history must reach first. */
  needHours?: number;
}

/**
 * Growth of the database and of each table seen in the history. With `minSpanHours` / `minSnapshots` (the capacity
 * check's own floor), a shorter history projects nothing: twenty minutes holding one index build extrapolated to
 * "804 MB in 30 days" reads as a forecast and is not one.
 */
export function growthReport(list: readonly HistorySnapshot[], horizonDays: number, opts: { minSpanHours?: number; minSnapshots?: number } = {}): GrowthReport {
  const times = list.map((s) => s.atMs);
  const spanHours = times.length ? (Math.max(...times) - Math.min(...times)) / 3_600_000 : 0;
  if (spanHours < (opts.minSpanHours ?? 0) || list.length < (opts.minSnapshots ?? 0)) return { tables: [], spanHours, needHours: opts.minSpanHours ?? 0 };
  const database = projectGrowth(list.filter((s) => s.databaseBytes !== null).map((s) => ({ atMs: s.atMs, bytes: s.databaseBytes! })), horizonDays);
  const series = new Map<string, { schema: string; name: string; pts: { atMs: number; bytes: number }[] }>();
  for (const s of list)
    for (const t of s.tables) {
      const key = JSON.stringify([t.schema, t.name]);
      const e = series.get(key) ?? { schema: t.schema, name: t.name, pts: [] };
      e.pts.push({ atMs: s.atMs, bytes: t.bytes });
      series.set(key, e);
    }
  const tables = [...series.values()]
    .map((e) => ({ schema: e.schema, name: e.name, projection: projectGrowth(e.pts, horizonDays) }))
    .filter((x): x is { schema: string; name: string; projection: GrowthProjection } => !!x.projection)
    .sort((a, b) => b.projection.bytesPerDay - a.projection.bytesPerDay);
  return { database, tables, spanHours };
}
