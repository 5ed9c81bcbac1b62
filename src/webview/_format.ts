/** Number and time formatting for the dashboard (pure, shared by the webview and tests). */
import { formatBytes, shortLine } from '../core/format';
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

export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  // Rates and averages are fractional: "21.6 B", never "21.60446579882304 B".
  return Math.abs(n) < 1024 ? `${Number.isInteger(n) ? n : n.toFixed(1)} B` : formatBytes(n);
}

/** A rate of bytes: "21.6 B/s", "3.2 MB/s". */
export function fmtByteRate(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '–' : `${fmtBytes(n)}/s`;
}

export function fmtPct(r: number | null | undefined, digits = 1): string {
  return r === null || r === undefined || !Number.isFinite(r) ? '–' : `${(r * 100).toFixed(digits)}%`;
}

export function oneLine(s: string, max = 200): string {
  return shortLine(s, max);
}
