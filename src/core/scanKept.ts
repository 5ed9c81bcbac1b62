/**
 * The workspace scan's findings of files that are not open, kept across a window reload (person50 L-F: after Reload
 * Window they were gone from the Problems panel until Scan Workspace ran again, while the open files got theirs back from
 * the editor's analysis). Kept in the workspace's own storage (vscode/scanStore.ts), bounded (the first
 * MAX_KEPT_SCAN_BYTES of findings, in the scan's order; the files left out are counted), and read back only for the files
 * unchanged since the scan — the same size, and the same modification time or content (core/record/keep fileUnchanged,
 * as a kept recording reads its files back): a file changed since gets none of its old findings (it is analysed again).
 * A recording's findings are not kept here: the recording keeps and brings back its own.
 */
import type { Finding, Severity } from './findings';
import { fileUnchanged, type KeptFile } from './record/keep';

const KEPT_SCAN_VERSION = 1;
/** The findings kept at most, as JSON characters (workspace storage is read whole when the window opens). */
export const MAX_KEPT_SCAN_BYTES = 2_000_000;

/** A file the scan showed, as it was when analysed (size, modification time, content hash) with its findings. */
export interface KeptScanFile extends KeptFile {
  findings: Finding[];
}

export interface KeptScan {
  v: number;
  /** When it was kept (ms since the epoch). */
  at: number;
  /** The database the findings were weighed against (findingsIdentity; '' without one). */
  target: string;
  files: KeptScanFile[];
  /** Files with findings not kept (over MAX_KEPT_SCAN_BYTES). */
  left: number;
}

/** The scan's findings to keep: its own (a recording's left out), files without findings left out, bounded in bytes. */
export function keepScan(files: readonly KeptScanFile[], opts: { at: number; target: string; maxBytes?: number }): KeptScan {
  const max = opts.maxBytes ?? MAX_KEPT_SCAN_BYTES;
  const out: KeptScanFile[] = [];
  let bytes = 0;
  let left = 0;
  for (const f of files) {
    const findings = f.findings.filter((x) => x.evidence?.recorded !== true);
    if (!findings.length) continue;
    const entry: KeptScanFile = { path: f.path, size: f.size, mtime: f.mtime, ...(f.hash !== undefined ? { hash: f.hash } : {}), findings };
    const size = JSON.stringify(entry).length;
    if (bytes + size > max) {
      left++;
      continue;
    }
    bytes += size;
    out.push(entry);
  }
  return { v: KEPT_SCAN_VERSION, at: opts.at, target: opts.target, files: out, left };
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isSpan = (x: unknown): x is { start: number; end: number } => !!x && typeof x === 'object' && isNum((x as { start?: unknown }).start) && isNum((x as { end?: unknown }).end);

/** One kept finding read back, or undefined when it is not the shape a Finding has. */
function findingOf(x: unknown): Finding | undefined {
  if (!x || typeof x !== 'object') return undefined;
  const f = x as Record<string, unknown>;
  if (typeof f.ruleId !== 'string' || !SEVERITIES.includes(f.severity as Severity) || typeof f.message !== 'string' || !isSpan(f.span)) return undefined;
  if (!Array.isArray(f.fixes) || (f.related !== undefined && !Array.isArray(f.related))) return undefined;
  if ((f.file !== undefined && typeof f.file !== 'string') || (f.help !== undefined && typeof f.help !== 'string')) return undefined;
  if (f.evidence !== undefined && (!f.evidence || typeof f.evidence !== 'object')) return undefined;
  return x as Finding;
}

/** The kept scan read back (undefined when there is none, or it is not one this version wrote); damaged entries are left out. */
export function restoreScan(x: unknown): KeptScan | undefined {
  if (!x || typeof x !== 'object') return undefined;
  const k = x as Record<string, unknown>;
  if (k.v !== KEPT_SCAN_VERSION || !Array.isArray(k.files)) return undefined;
  const files: KeptScanFile[] = [];
  for (const e of k.files as unknown[]) {
    if (!e || typeof e !== 'object') continue;
    const f = e as Record<string, unknown>;
    if (typeof f.path !== 'string' || !isNum(f.size) || !isNum(f.mtime) || !Array.isArray(f.findings)) continue;
    const findings = f.findings.map(findingOf).filter((x): x is Finding => x !== undefined);
    if (findings.length) files.push({ path: f.path, size: f.size, mtime: f.mtime, ...(typeof f.hash === 'string' ? { hash: f.hash } : {}), findings });
  }
  return { v: KEPT_SCAN_VERSION, at: isNum(k.at) ? k.at : 0, target: typeof k.target === 'string' ? k.target : '', files, left: isNum(k.left) ? k.left : 0 };
}

/**
 * The kept files to show again: those unchanged since the scan (fileUnchanged; `now` holds each file's size, time and,
 * when it was read, its content's hash — a hash kept must match, so a file changed between its reading and the keeping
 * is not taken for the one analysed), the files changed since (to analyse again), and those gone.
 */
export function unchangedScanFiles(kept: KeptScan, now: ReadonlyMap<string, { size: number; mtime: number; hash?: string } | undefined>): { show: KeptScanFile[]; changed: string[]; gone: string[] } {
  const out = { show: [] as KeptScanFile[], changed: [] as string[], gone: [] as string[] };
  for (const f of kept.files) {
    const n = now.get(f.path);
    if (!n) out.gone.push(f.path);
    else if (fileUnchanged(f, n) && (f.hash === undefined || n.hash === f.hash)) out.show.push(f);
    else out.changed.push(f.path);
  }
  return out;
}
