/** Short human figures shared by messages, CodeLens titles and reports. */

/** 950 → "950", 1234 → "1.2k", 120000 → "120k", 3.4e6 → "3.4M". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const a = Math.abs(n);
  if (a >= 1e9) return `${trim(n / 1e9)}G`;
  if (a >= 1e6) return `${trim(n / 1e6)}M`;
  if (a >= 1e5) return `${Math.round(n / 1e3)}k`;
  if (a >= 1e3) return `${trim(n / 1e3)}k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** Milliseconds with sensible precision: 0.042 ms, 3.1 ms, 250 ms, 1.5 s, 2.1 min. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1) return `${ms.toFixed(ms < 0.1 ? 3 : 2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${trim(ms / 1000)} s`;
  if (ms < 3600000) return `${trim(ms / 60000)} min`;
  return `${trim(ms / 3600000)} h`;
}

/** Bytes in binary units: 512 → "512 B", 1536 → "1.5 kB", 8192 → "8 kB", 12.3 MiB → "12 MB", 1.5 GiB → "1.5 GB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? Math.round(v) : Math.abs(v) >= 10 ? Math.round(v) : trim(v)} ${units[u]}`;
}

/** 0.183 → "18%", 0.004 → "0.4%", 0.00001 → "<0.1%". */
export function formatShare(share: number): string {
  if (!Number.isFinite(share) || share <= 0) return '0%';
  const p = share * 100;
  if (p < 0.1) return '<0.1%';
  if (p < 10) return `${p.toFixed(1).replace(/\.0$/, '')}%`;
  return `${Math.round(p)}%`;
}

function trim(x: number): string {
  return x.toFixed(1).replace(/\.0$/, '');
}

/**
 * Text on one line for a label: whitespace runs become one space; past `max` characters it is cut at a word boundary
 * (a word longer than the last third of `max` is cut inside) and ends in " …" — never a half word ("FROM c…") that reads
 * as a name, nor an ellipsis glued to an operator ("OR…").
 */
export function shortLine(s: string, max: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const room = t.slice(0, Math.max(1, max - 2));
  const space = t[room.length] === ' ' ? room.length : room.lastIndexOf(' ');
  const cut = space >= (max * 2) / 3 ? room.slice(0, space) : room;
  return `${cut.replace(/[\s,;(]+$/, '')} …`;
}

/**
 * Where a recorded statement was sent from, as the reports write it: `file:line`, or — a statement the recorded app
 * sent with no frame of the app's on its stack (a library's own work: a pool's setup, an ORM's migrations check) —
 * said as such, never as another client's. `rel` makes the path relative (and safe to show).
 */
export function recordedWhere(file: string | undefined, line: number | undefined, rel: (f: string) => string): string {
  return file ? `${rel(file)}:${line}` : '(no line in your code: sent from a library on its own)';
}

/** "1 warning", "2 warnings", "0 errors": a count with its noun (plural with -s); `show` writes the number ("12k"). */
export function countOf(n: number, noun: string, show: (n: number) => string = String): string {
  return `${show(n)} ${noun}${n === 1 ? '' : 's'}`;
}
