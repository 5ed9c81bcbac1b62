/** Number and time formatting for the dashboard (pure, shared by the webview and tests). */
import { countOf, formatBytes, formatPercent, shortLine } from '../core/format';
export function fmtNum(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  const a = Math.abs(n);
  // "500 k" on an axis, not "500.0 k"; "319.1 k" keeps its digit.
  const short = (x: number) => x.toFixed(digits).replace(/\.0+$/, '');
  if (a >= 1e9) return `${short(n / 1e9)} G`;
  if (a >= 1e6) return `${short(n / 1e6)} M`;
  if (a >= 1e4) return `${short(n / 1e3)} k`;
  if (a >= 100 || Number.isInteger(n)) return String(Math.round(n));
  return n.toFixed(digits);
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(2)} s`;
  return `${(ms / 60000).toFixed(1)} min`;
}

export function fmtSeconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '–';
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  if (s < 86400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}

/** A span of hours in words: "1 minute", "40 minutes", "1.5 hours", "3 days" (person30: "span 1 minutes"). */
export function fmtSpan(hours: number): string {
  return hours < 1 ? countOf(Math.round(hours * 60), 'minute') : hours < 48 ? countOf(Math.round(hours * 10) / 10, 'hour') : countOf(Math.round(hours / 24), 'day');
}

/**
 * A chart's time-axis label: the clock time on one line, seconds when the window is under three minutes. uPlot's own
 * labels put the date before the first tick and at midnight ("12/4/26 11:59pm" beside "12/5 12:00am"), and a first
 * tick a few seconds before the minute drew the two into each other (person30 MEDIUM 2); the window is minutes long,
 * and the date is in the point's legend.
 */
export function fmtClockTick(epochSeconds: number, windowSeconds: number, locale?: string): string {
  const seconds = windowSeconds < 180;
  return new Date(epochSeconds * 1000).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) });
}

export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  // Rates and averages are fractional: "21.6 B", never "21.60446579882304 B".
  return Math.abs(n) < 1024 ? `${Number.isInteger(n) ? n : n.toFixed(1)} B` : formatBytes(n);
}

/** A rate of bytes: "21.6 B/s", "3.2 MB/s". */
export function fmtByteRate(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '–' : `${fmtBytes(n)}/s`;
}

/** A ratio as a percentage with `digits` decimals: the plan's formatter (core/format formatPercent), "–" when unknown. */
export function fmtPct(r: number | null | undefined, digits = 1): string {
  return r === null || r === undefined || !Number.isFinite(r) ? '–' : formatPercent(r, { digits });
}

export function oneLine(s: string, max = 200): string {
  return shortLine(s, max);
}
