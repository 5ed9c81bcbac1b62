/**
 * The dashboard charts' points (pure): what one refresh adds to each chart, the bounded list the
 * extension keeps per database (so the charts are drawn from stored history when the panel opens,
 * not empty until new samples arrive), and the one time axis every chart uses.
 *
 * Times are kept in milliseconds since the epoch everywhere (the server's clock, LiveStats.atMs);
 * `axisSeconds` is the only conversion to the charts' unit (uPlot's time scale counts seconds).
 */
import type { LiveStats } from './types';

/** Each chart and the names of its lines, in the order of ChartPoint values. */
export const CHART_LINES = {
  tps: ['TPS', 'Rollbacks/s'],
  conns: ['Total', 'Active', 'Idle in transaction'],
  cache: ['Cache hit %'],
  rows: ['Rows read/s', 'Rows written/s'],
} as const;

export type ChartKey = keyof typeof CHART_LINES;
const CHART_KEYS = Object.keys(CHART_LINES) as ChartKey[];

export interface ChartPoint {
  atMs: number;
  values: Record<ChartKey, (number | null)[]>;
  /** Sampled while the panel sat behind another tab (every HIDDEN_REFRESH_MS): drawn shaded, said so. */
  hidden?: true;
  /** The first point after the panel was opened: a gap before it is the time the panel was closed (chartGaps). */
  opened?: true;
}

/** A chart's time axis is never narrower than this (one point must not span years, nor seconds). */
export const MIN_WINDOW_S = 60;
/**
 * A gap between two points longer than three sampling steps (the shortest step of the series; at least this, and
 * twice the hidden panel's interval) breaks the line: the panel closed, the connection lost, VS Code restarted. A fixed 30 s let a
 * 28 s hidden tab draw a straight ramp the database never did.
 */
const MIN_GAP_MS = 5_000;
/** The refresh interval of an open panel hidden behind another tab (the charts keep their line, at a lower cost). */
export const HIDDEN_REFRESH_MS = 10_000;

function gapOf(points: readonly ChartPoint[]): number {
  let step = Infinity;
  for (let i = 1; i < points.length; i++) {
    const d = points[i].atMs - points[i - 1].atMs;
    if (d > 0 && d < step) step = d;
  }
  // Samples taken while the panel was hidden come every HIDDEN_REFRESH_MS: they are one line with the 2 s ones around
  // them (person23 HIGH 1: each hidden sample was cut off as a gap of its own, so the hidden minutes drew nothing).
  return Math.max(MIN_GAP_MS, 2 * HIDDEN_REFRESH_MS, Number.isFinite(step) ? 3 * step : 0);
}
/** At most this many points per database (about ten minutes at the default 2 s refresh). */
const MAX_POINTS = 300;

const num = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : v);

/** What one refresh adds to each chart; `hidden`: the panel was behind another tab. */
export function chartPoint(s: LiveStats, hidden = false, opened = false): ChartPoint {
  const st = s.connections.byState;
  const r = s.rates;
  return {
    atMs: s.atMs,
    values: {
      tps: [num(r?.tps), num(r?.rollbacksPerSec)],
      conns: [s.connections.total, st.active ?? 0, (st['idle in transaction'] ?? 0) + (st['idle in transaction (aborted)'] ?? 0)],
      cache: [r?.cacheHitRatio === null || r?.cacheHitRatio === undefined ? null : num(r.cacheHitRatio * 100)],
      rows: [num(r?.rowsReadPerSec), num(r?.rowsWrittenPerSec)],
    },
    ...(hidden ? { hidden: true as const } : {}),
    ...(opened ? { opened: true as const } : {}),
  };
}

/** Add a point, oldest first; a point not newer than the last one (a clock step back) replaces the tail after it. */
export function appendChartPoint(list: readonly ChartPoint[], p: ChartPoint, max = MAX_POINTS): ChartPoint[] {
  const out = list.filter((x) => x.atMs < p.atMs);
  out.push(p);
  return out.slice(-max);
}

/** Points read back from storage: well-formed ones only, in time order (a damaged file must not break the panel). */
export function parseChartPoints(raw: unknown, max = MAX_POINTS): ChartPoint[] {
  if (!Array.isArray(raw)) return [];
  const ok = raw.filter((p): p is ChartPoint => {
    if (!p || typeof p !== 'object' || typeof p.atMs !== 'number' || !Number.isFinite(p.atMs) || !p.values || typeof p.values !== 'object') return false;
    if ((p.hidden !== undefined && p.hidden !== true) || (p.opened !== undefined && p.opened !== true)) return false;
    return CHART_KEYS.every((k) => Array.isArray(p.values[k]) && p.values[k].length === CHART_LINES[k].length && p.values[k].every((v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v))));
  });
  return ok.sort((a, b) => a.atMs - b.atMs).slice(-max);
}

/** The one conversion from our milliseconds to the charts' seconds. */
function axisSeconds(atMs: number): number {
  return atMs / 1000;
}

/**
 * uPlot's aligned data for one chart: [seconds, ...lines]. A gap longer than `gapMs` (see gapOf) gets a
 * point of nulls in between, so the line breaks instead of drawing across the time nothing was sampled.
 */
export function chartData(points: readonly ChartPoint[], key: ChartKey, gapMs = gapOf(points)): (number | null)[][] {
  const cols: (number | null)[][] = [[], ...CHART_LINES[key].map(() => [])];
  let prev: number | undefined;
  for (const p of points) {
    if (prev !== undefined && p.atMs - prev > gapMs) {
      cols[0].push(axisSeconds(prev + gapMs / 2));
      for (let i = 1; i < cols.length; i++) cols[i].push(null);
    }
    cols[0].push(axisSeconds(p.atMs));
    p.values[key].forEach((v, i) => cols[i + 1].push(v));
    prev = p.atMs;
  }
  return cols;
}

/**
 * The stretches (seconds, for the charts' axis) drawn from samples taken while the panel sat behind another tab (every
 * HIDDEN_REFRESH_MS, points marked `hidden`): from the last point before them to the first after (the lines across them
 * are theirs), short of a gap. A 3 s burst shows there as a low bump (person24 LOW 5: "~80 TPS spikes while visible,
 * ~15 TPS bumps while hidden, and the chart does not say the sampling changed"). `stepS`: the stretch's usual step.
 */
export function coarseStretches(points: readonly ChartPoint[], gapMs = gapOf(points)): { fromS: number; toS: number; stepS: number }[] {
  const out: { fromS: number; toS: number; stepS: number }[] = [];
  let i = 0;
  while (i < points.length) {
    if (!points[i].hidden) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < points.length && points[j + 1].hidden && points[j + 1].atMs - points[j].atMs <= gapMs) j++;
    const from = i > 0 && points[i].atMs - points[i - 1].atMs <= gapMs ? i - 1 : i;
    const to = j + 1 < points.length && points[j + 1].atMs - points[j].atMs <= gapMs ? j + 1 : j;
    const steps: number[] = [];
    for (let k = i + 1; k <= j; k++) steps.push(points[k].atMs - points[k - 1].atMs);
    if (!steps.length) for (let k = from + 1; k <= to; k++) steps.push(points[k].atMs - points[k - 1].atMs);
    const usual = steps.length ? [...steps].sort((x, y) => x - y)[Math.floor(steps.length / 2)] : HIDDEN_REFRESH_MS;
    if (to > from) out.push({ fromS: axisSeconds(points[from].atMs), toS: axisSeconds(points[to].atMs), stepS: Math.round(usual / 1000) });
    i = j + 1;
  }
  return out;
}

/**
 * The stretches nothing was sampled (seconds, for the charts' axis): each gap chartData breaks the lines at, from the
 * point before it to the point after. `closed`: the point after it is the first of an opened panel — the dashboard was
 * closed then (it samples only while its panel is open, person36 L2); otherwise the connection was lost or VS Code was
 * not running. The charts label them, so a blank stretch does not read as an idle database.
 */
export function chartGaps(points: readonly ChartPoint[], gapMs = gapOf(points)): { fromS: number; toS: number; closed: boolean }[] {
  const out: { fromS: number; toS: number; closed: boolean }[] = [];
  for (let i = 1; i < points.length; i++) {
    if (points[i].atMs - points[i - 1].atMs > gapMs) out.push({ fromS: axisSeconds(points[i - 1].atMs), toS: axisSeconds(points[i].atMs), closed: points[i].opened === true });
  }
  return out;
}

/**
 * The x range of every chart, from its data (seconds): the span of the points, at least
 * MIN_WINDOW_S wide and ending at the newest point. No data: the minute before `nowS`.
 * uPlot's own range for a single point on a time scale spans about 1000 days, so the charts never
 * let uPlot choose (scale x: auto false, set from here after every setData).
 */
export function timeWindow(xs: readonly (number | null)[], nowS: number): { min: number; max: number } {
  const f = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  if (!f.length) return { min: nowS - MIN_WINDOW_S, max: nowS };
  const min = Math.min(...f);
  const max = Math.max(...f);
  return max - min < MIN_WINDOW_S ? { min: max - MIN_WINDOW_S, max: max + 1 } : { min, max };
}

/**
 * The cache-hit chart's y range: from its lowest value (floored, at most 90 %) to a little over 100 %, so that a steady
 * 100 % is drawn inside the chart rather than on its top edge, where the frame hid it (person22 LOW D). The headroom is
 * 3 % of the span: under the next axis step, so no label reads over 100 %.
 */
export function cacheHitRange(min: number): [number, number] {
  const low = Math.max(0, Math.min(Number.isFinite(min) ? Math.floor(min) : 90, 90));
  return [low, 100 + (100 - low) * 0.03];
}
