/**
 * A recording kept across a window reload (person11 Q11: switching folder and back lost the recorded CodeLens, N+1s and
 * "289 statements recorded", where the docs promise recorded findings outlive closing their file). What is kept is the
 * recorded statements themselves, bounded (the most recent MAX_KEPT_EVENTS, none longer than the capture's own cut),
 * and never the parameter values the app sent unless pgLens.record.values allowed them; read back through the capture
 * protocol's own validation (asCaptureEvent), so a kept recording is what a live one would have been.
 */
import { CaptureDecoder, asCaptureEvent, type NoticeEvent, type QueryEvent } from './protocol';
import type { StatementAdvice } from './format';

/**
 * 2: the statements in the capture's own compact form (each SQL text, call site and unit of work defined once, then a
 * small record per statement: CaptureDecoder reads it back). Version 1 repeated each statement's whole text, site and
 * unit: 20,000 Django statements were ~20 MB sent to the window every 10 s while recording — person17 (load 14–36):
 * the window fell minutes behind, and Stop Recording, which waited for the last keep, with it. 1 is still read back.
 */
const KEPT_RECORDING_VERSION = 2;
/** The most recent statements kept (the rest are counted as dropped, as the listener counts its overflow). */
const MAX_KEPT_EVENTS = 20_000;

export interface KeptRecording {
  v: number;
  /** When it was kept (ms since the epoch). */
  at: number;
  events: QueryEvent[];
  /** Version 2, as stored: the events as capture lines (definitions and records, protocol.ts); read back into `events`. */
  lines?: unknown[];
  notices: NoticeEvent[];
  dropped: number;
  /**
   * The index advice proved for its statements (by grouping key), with the connection each was proved on: the
   * recording's missing-index findings come back after a reload with its N+1s (person13 P6: only the N+1s did). One
   * store for both; advice proved on another database is still not shown there (findings.ts).
   */
  advice?: [string, StatementAdvice][];
  /**
   * The recorded files as they were when the recording stopped (size and modification time): read back, the statements
   * of a file that changed since are left out — their lines may no longer be the lines that sent them (keptFiles).
   */
  files?: KeptFile[];
}

/** A recorded file as it was when the recording was kept (its size in bytes and modification time in ms). */
export interface KeptFile {
  path: string;
  size: number;
  mtime: number;
  /**
   * Its content's hash (core/hash shortHash of its text), when it was read: a file saved again with the same content (an edit undone, a
   * `git checkout` back) has another time but is the file that sent the statements (person41 L7: 609 → 391 after an edit
   * and its undo).
   */
  hash?: string;
}

/**
 * The kept files whose time changed but not their size, with a hash kept: their content is read and hashed (shortHash)
 * to tell an edit from the same text saved again, before matchingFiles.
 */
export function filesToHash(kept: KeptRecording, now: ReadonlyMap<string, { size: number; mtime: number } | undefined>): string[] {
  return (kept.files ?? []).filter((f) => {
    const n = now.get(f.path);
    return f.hash !== undefined && !!n && n.size === f.size && n.mtime !== f.mtime;
  }).map((f) => f.path);
}

/** The files the statements were sent from (each once), whose size and time keepRecording keeps. */
export function recordedFiles(events: readonly QueryEvent[]): string[] {
  return [...new Set(events.flatMap((e) => (e.site?.file ? [e.site.file] : [])))];
}

/**
 * The kept statements whose files still match (the same size and modification time as when kept, or the same size and
 * content: `hash`, read for filesToHash's), and the files that changed or went since. A kept recording without file
 * facts (an older PG Lens's) is taken as it is.
 */
export function matchingFiles(kept: KeptRecording, now: ReadonlyMap<string, { size: number; mtime: number; hash?: string } | undefined>): { events: QueryEvent[]; changed: string[]; left: number; gone: string[]; goneLeft: number } {
  if (!kept.files) return { events: kept.events, changed: [], left: 0, gone: [], goneLeft: 0 };
  const changed = new Set<string>();
  const gone = new Set<string>();
  for (const f of kept.files) {
    const n = now.get(f.path);
    if (!n) gone.add(f.path);
    else if (!fileUnchanged(f, n)) changed.add(f.path);
  }
  const events = kept.events.filter((e) => !e.site?.file || (!changed.has(e.site.file) && !gone.has(e.site.file)));
  const goneLeft = kept.events.filter((e) => e.site?.file && gone.has(e.site.file)).length;
  return { events, changed: [...changed], left: kept.events.length - events.length - goneLeft, gone: [...gone], goneLeft };
}

/**
 * A kept file is the file on disk now: the same size, and the same modification time or (its hash kept) the same content
 * — a file saved again with the same text is the same file (person41 L7). The recording and the workspace scan's findings
 * kept across a reload (core/scanKept) read their files back by this one rule.
 */
export function fileUnchanged(kept: KeptFile, now: { size: number; mtime: number; hash?: string }): boolean {
  return now.size === kept.size && (now.mtime === kept.mtime || (kept.hash !== undefined && now.hash === kept.hash));
}

/** A path's extension, lower case, with its dot ('' without one). */
function extensionOf(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

/**
 * Kept files gone from their path found again under another name (person37 L6, the rest: a rename done while no window
 * watched — `git mv`, another editor — lost their statements at the next load): each gone file → the one workspace file
 * with its extension, size and modification time (a rename or move keeps both), not itself a kept file. A file two
 * candidates fit, or one candidate two gone files fit, is left gone (never a guess).
 */
export function renamedWhileAway(kept: readonly KeptFile[], gone: readonly string[], candidates: readonly KeptFile[]): Map<string, string> {
  const keptPaths = new Set(kept.map((f) => f.path));
  const fits = new Map<string, string[]>();
  for (const path of gone) {
    const f = kept.find((k) => k.path === path);
    if (!f) continue;
    const same = candidates.filter((c) => !keptPaths.has(c.path) && c.size === f.size && c.mtime === f.mtime && extensionOf(c.path) === extensionOf(f.path));
    fits.set(path, [...new Set(same.map((c) => c.path))]);
  }
  const claimed = new Map<string, number>();
  for (const to of fits.values()) if (to.length === 1) claimed.set(to[0], (claimed.get(to[0]) ?? 0) + 1);
  const out = new Map<string, string>();
  for (const [from, to] of fits) if (to.length === 1 && claimed.get(to[0]) === 1) out.set(from, to[0]);
  return out;
}

/**
 * A file renamed or moved (`from` → `to`) added to the renames a recording follows: a chain (a → b, then b → c) ends at
 * the last name, and a file moved back to its first name drops out.
 */
export function addRename(renames: Map<string, string>, from: string, to: string): void {
  if (from === to) return;
  for (const [k, v] of renames) if (v === from) renames.set(k, to);
  if (!renames.has(from)) renames.set(from, to);
  for (const [k, v] of renames) if (k === v) renames.delete(k);
}

/**
 * The recorded statements and file facts under the files' new names (person37 L6: after renaming reviews.ts to
 * reviewStore.ts and a reload, its 11 statements were gone — their site named a file that no longer exists, and the
 * diagnostic lost "(recorded: 11×)"). A rename keeps the file's size and modification time, so the kept facts still
 * match it under its new name.
 */
export function followRenames<T extends { events: readonly QueryEvent[]; files?: readonly KeptFile[] }>(kept: T, renames: ReadonlyMap<string, string>): T {
  if (!renames.size) return kept;
  const events = kept.events.map((e) => {
    const to = e.site?.file ? renames.get(e.site.file) : undefined;
    return to ? { ...e, site: { ...e.site!, file: to } } : e;
  });
  const files = kept.files?.map((f) => (renames.has(f.path) ? { ...f, path: renames.get(f.path)! } : f));
  return { ...kept, events, ...(files ? { files } : {}) };
}

export function keepRecording(events: readonly QueryEvent[], notices: readonly NoticeEvent[], dropped: number, opts: { values: boolean; at: number; max?: number; advice?: ReadonlyMap<string, StatementAdvice>; files?: readonly KeptFile[] }): KeptRecording {
  const max = opts.max ?? MAX_KEPT_EVENTS;
  const recent = events.length > max ? events.slice(events.length - max) : events;
  return {
    v: KEPT_RECORDING_VERSION,
    at: opts.at,
    events: [],
    lines: compactLines(recent, opts.values),
    notices: [...notices],
    dropped: dropped + (events.length - recent.length),
    ...(opts.advice?.size ? { advice: [...opts.advice] } : {}),
    ...(opts.files ? { files: opts.files.map((f) => ({ path: f.path, size: f.size, mtime: f.mtime, ...(f.hash !== undefined ? { hash: f.hash } : {}) })) } : {}),
  };
}

/** Events as the capture sends them on its socket: each text, site and unit defined once (`dq`/`ds`/`du`), a record (`r`) per statement. */
function compactLines(events: readonly QueryEvent[], values: boolean): unknown[] {
  const lines: unknown[] = [];
  const ids = { q: new Map<string, number>(), s: new Map<string, number>(), u: new Map<string, number>() };
  const idOf = (kind: 'q' | 's' | 'u', key: string, define: (i: number) => unknown): number => {
    let i = ids[kind].get(key);
    if (i === undefined) {
      ids[kind].set(key, (i = ids[kind].size + 1));
      lines.push(define(i));
    }
    return i;
  };
  for (const e of events) {
    const q = idOf('q', JSON.stringify([e.lib, e.sql, e.pt, e.pc, e.pid]), (i) => ({ t: 'dq', i, lib: e.lib, sql: e.sql, pt: e.pt, pc: e.pc, pid: e.pid }));
    const u = idOf('u', JSON.stringify([e.u.k, e.u.id, e.u.n]), (i) => ({ t: 'du', i, u: e.u }));
    const s = e.site ? idOf('s', JSON.stringify(e.site), (i) => ({ t: 'ds', i, site: e.site })) : undefined;
    lines.push({ v: e.v, t: 'r', q, u, ...(s ? { s } : {}), ...(values && e.pv !== undefined ? { pv: e.pv } : {}), ...(e.pd !== undefined ? { pd: e.pd } : {}), ms: e.ms, ...(e.rows !== undefined ? { rows: e.rows } : {}), ...(e.err !== undefined ? { err: e.err } : {}), ts: e.ts });
  }
  return lines;
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** One kept advice entry read back, or undefined when it is not the shape keepRecording wrote. */
function adviceEntry(x: unknown): [string, StatementAdvice] | undefined {
  if (!Array.isArray(x) || x.length !== 2 || typeof x[0] !== 'string' || !x[1] || typeof x[1] !== 'object') return undefined;
  const a = x[1] as Record<string, unknown>;
  if (!Array.isArray(a.suggestions)) return undefined;
  const suggestions: StatementAdvice['suggestions'] = [];
  for (const g of a.suggestions as Record<string, unknown>[]) {
    if (!g || typeof g.ddl !== 'string' || typeof g.summary !== 'string' || !isNum(g.costBefore) || !(g.costAfter === null || isNum(g.costAfter))) return undefined;
    const planBefore = Array.isArray(g.planBefore) ? g.planBefore.filter((l): l is string => typeof l === 'string') : [];
    suggestions.push({ ddl: g.ddl, summary: g.summary, costBefore: g.costBefore, costAfter: g.costAfter, planBefore, ...(g.index && typeof g.index === 'object' ? { index: g.index } : {}), ...(typeof g.shared === 'string' && g.shared.length <= 300 ? { shared: g.shared } : {}) });
  }
  return [x[0], {
    suggestions,
    ...(isNum(a.costBefore) ? { costBefore: a.costBefore } : {}),
    ...(typeof a.note === 'string' ? { note: a.note } : {}),
    ...(typeof a.provedOn === 'string' ? { provedOn: a.provedOn } : {}),
  }];
}

/** A kept recording read back (undefined when there is none, or it is not one this version wrote). */
export function restoreRecording(x: unknown, opts: { values: boolean }): KeptRecording | undefined {
  if (!x || typeof x !== 'object') return undefined;
  const k = x as Record<string, unknown>;
  if ((k.v !== 1 && k.v !== KEPT_RECORDING_VERSION) || !Array.isArray(k.events) || !Array.isArray(k.notices)) return undefined;
  const events: QueryEvent[] = [];
  const decoder = new CaptureDecoder();
  const stored: unknown[] = k.v === 1 ? k.events : Array.isArray(k.lines) ? k.lines : [];
  const read = k.v === 1 ? stored.map(asCaptureEvent) : stored.map((x) => decoder.decode(x));
  for (const e of read.filter((x) => x?.t === 'q').slice(-MAX_KEPT_EVENTS)) {
    // Values kept while pgLens.record.values allowed them are not read back once it is off.
    if (e?.t === 'q') events.push(opts.values ? e : { ...e, pv: undefined });
  }
  const notices = k.notices.map(asCaptureEvent).filter((e): e is NoticeEvent => e?.t === 'notice');
  if (!events.length) return undefined;
  const advice = Array.isArray(k.advice) ? k.advice.map(adviceEntry).filter((e): e is [string, StatementAdvice] => e !== undefined) : [];
  const files = Array.isArray(k.files) ? k.files.filter((f): f is KeptFile => !!f && typeof f.path === 'string' && isNum(f.size) && isNum(f.mtime)).map((f) => ({ path: f.path, size: f.size, mtime: f.mtime, ...(typeof f.hash === 'string' ? { hash: f.hash } : {}) })) : undefined;
  return { v: KEPT_RECORDING_VERSION, at: typeof k.at === 'number' ? k.at : 0, events, notices, dropped: typeof k.dropped === 'number' ? k.dropped : 0, ...(advice.length ? { advice } : {}), ...(files ? { files } : {}) };
}
