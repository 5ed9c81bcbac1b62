/**
 * The pure part of the editor's one workspace-change source (vscode/workspaceChanges.ts): what a path changed on disk
 * means to PG Lens (classifyChange), and the buffer that turns a burst of changes (a `git checkout`, an `npm ci`) into
 * one batch (ChangeBurst, on an injected clock). No `vscode`, no fs.
 */
import { SOURCE_EXTENSIONS } from './languages/registry';
import { migrationMarker } from './advice/migrationFix';
import { skippedPath } from './skippedFolders';

export type FileChange = 'created' | 'changed' | 'deleted';

/**
 * What a change on disk is to PG Lens: a source file Scan Workspace reads ('source'), a file that can change the
 * migration tool detected ('migration-marker': its name, or its text for the files the detection reads), a folder
 * created or deleted ('folder'). One path may be several (config.ts is a source file and a marker).
 */
export type ChangeKind = 'source' | 'migration-marker' | 'folder';

export interface ClassifiedChange {
  kind: ChangeKind;
  change: FileChange;
}

/** A name with a file's extension (`x.ts`, `build.log`) is taken for a file; a folder's name rarely has one (`.github` has no stem). */
export function looksLikeFile(rel: string): boolean {
  return /(^|[\\/])[^\\/.][^\\/]*\.[A-Za-z][A-Za-z0-9]{0,5}$/.test(rel);
}

/** A file Scan Workspace reads (the registry's source and template extensions). */
export function isSourceFile(rel: string): boolean {
  const ext = /\.[^./\\]+$/.exec(rel.toLowerCase())?.[0];
  return !!ext && SOURCE_EXTENSIONS.includes(ext);
}

/**
 * What a change of a workspace-relative path means: nothing in a skipped folder (core/skippedFolders: node_modules,
 * .git, dist…); a source file's change; a marker's appearing or going (and a change of one whose text the detection
 * reads); a folder's creation or removal. `folder`: whether the path is a folder, when known (a created path can be
 * looked at; a deleted one cannot: a name without a file's extension is then taken for a folder as well as a file).
 */
export function classifyChange(rel: string, change: FileChange, folder?: boolean): ClassifiedChange[] {
  if (!rel || skippedPath(rel)) return [];
  const out: ClassifiedChange[] = [];
  const maybeFolder = folder ?? (change !== 'changed' && !looksLikeFile(rel));
  const maybeFile = folder === undefined || !folder;
  if (maybeFolder && change !== 'changed') out.push({ kind: 'folder', change });
  if (maybeFile && isSourceFile(rel)) out.push({ kind: 'source', change });
  const marker = migrationMarker(rel);
  if (marker && (change !== 'changed' || marker === 'text')) out.push({ kind: 'migration-marker', change });
  return out;
}

/** Two changes of one path in one burst, as one: the last one, except that a file created then written is created. */
export function mergeChange(prev: FileChange | undefined, next: FileChange): FileChange {
  return prev === 'created' && next === 'changed' ? 'created' : next;
}

/** The timers a ChangeBurst runs on (setTimeout's, or a test's clock moved by hand). */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Changes of paths gathered into batches: a batch is handed on once no change came for `quietMs`, or `maxWaitMs` after
 * its first change while changes keep coming (an `npm ci` of a minute still gives a batch every few seconds). Each path
 * is in a batch once, with its changes merged (mergeChange).
 */
export class ChangeBurst<K> {
  private pending = new Map<K, FileChange>();
  private firstAt = 0;
  private timer: unknown;

  constructor(
    private readonly flush: (batch: ReadonlyMap<K, FileChange>) => void,
    private readonly opts: { quietMs: number; maxWaitMs: number; clock?: Clock },
  ) {}

  private get clock(): Clock {
    return this.opts.clock ?? SYSTEM_CLOCK;
  }

  add(key: K, change: FileChange): void {
    const now = this.clock.now();
    if (!this.pending.size) this.firstAt = now;
    this.pending.set(key, mergeChange(this.pending.get(key), change));
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.opts.quietMs, this.firstAt + this.opts.maxWaitMs - now));
    this.timer = this.clock.setTimeout(() => this.flushNow(), wait);
  }

  /** Hand on what is pending now (nothing when nothing is). */
  flushNow(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.size) return;
    const batch = this.pending;
    this.pending = new Map();
    this.flush(batch);
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}

/**
 * The files created in a batch of changes that take the place of files shown from a scan and deleted in the same batch —
 * a rename or move on disk (`mv`, the Explorer's rename) — to be scanned under their new name (person36 L3: a closed
 * file renamed after Scan Workspace lost its findings until the next scan). At most one per such deleted file: the
 * created file of the same name first (a move to another folder), then one in the same folder (a rename), then any
 * other. Paths as `/`-separated strings (URIs); the batch's order decides ties.
 */
export function replacingFiles(batch: readonly { path: string; change: FileChange }[], shown: (path: string) => boolean): string[] {
  return replacedFiles(batch, shown).map((r) => r.to);
}

/** replacingFiles with the file each takes the place of: `from` deleted (and `shown`), `to` created in the same batch. */
export function replacedFiles(batch: readonly { path: string; change: FileChange }[], shown: (path: string) => boolean): { from: string; to: string }[] {
  const split = (p: string) => {
    const at = p.lastIndexOf('/');
    return { dir: p.slice(0, at + 1), name: p.slice(at + 1) };
  };
  const created = batch.filter((c) => c.change === 'created').map((c) => ({ path: c.path, ...split(c.path) }));
  const gone = batch.filter((c) => c.change === 'deleted' && shown(c.path)).map((c) => ({ path: c.path, ...split(c.path) }));
  const out: { from: string; to: string }[] = [];
  const take = (pick: (c: (typeof created)[number], d: (typeof gone)[number]) => boolean) => {
    for (const d of [...gone]) {
      const at = created.findIndex((c) => pick(c, d));
      if (at < 0) continue;
      out.push({ from: d.path, to: created[at].path });
      created.splice(at, 1);
      gone.splice(gone.indexOf(d), 1);
    }
  };
  take((c, d) => c.name === d.name);
  take((c, d) => c.dir === d.dir);
  take(() => true);
  return out;
}
