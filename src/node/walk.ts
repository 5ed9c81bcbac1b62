/**
 * Source file walker shared by `pg-lens sql` and `pg-lens scan`.
 *
 *   for await (const f of walkSourceFiles(['src', 'db/schema.sql'], { log: ctx.err })) { … f.path … }
 *
 * - Folders are walked recursively in name order (deterministic output); symbolic links are not followed.
 * - `.gitignore` files are honoured: those in the walked folders and those between the repository
 *   root (the nearest folder above holding `.git`) and the walked folder, each relative to its own folder.
 * - Always skipped folders (core/skippedFolders.ts, the editor's watcher skips the same): node_modules, .git, dist, build, out, target, vendor (and .hg, .svn,
 *   __pycache__, .venv, venv, .tox, .next, coverage, site-packages) — except that a `build`, `out`, `dist` or
 *   `target` folder inside a `src` folder of the walked tree is source (a NestJS `src/core/build`
 *   module), not build output, and is walked.
 * - `exclude`: extra patterns in .gitignore syntax, relative to each walked root.
 * - Files over maxFileSizeBytes are skipped with one log line each.
 * - Only files the filter accepts are yielded (default: the languages SQL extraction supports).
 * - Paths named explicitly on the command line are yielded even if ignored (as git does), as long
 *   as the filter accepts them; a missing path gives one log line and is listed in `stats.missing`.
 * Never throws for unreadable folders or files: it logs one line and goes on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { formatBytes } from '../core/format';
import { oneLine, errorMessage } from '../core/safeText';
import { LIMITS } from '../core/limits';
import { SOURCE_EXTENSIONS as REGISTRY_EXTENSIONS } from '../core/languages/registry';
import { FileRefusedError, readRegularFileSync } from './readFile';
import { skippedDir } from '../core/skippedFolders';


/** File extensions SQL extraction understands (the language registry's, mapper formats included). */
export const SOURCE_EXTENSIONS = new Set(REGISTRY_EXTENSIONS);

export interface WalkOptions {
  /** Extra ignore patterns (gitignore syntax). */
  exclude?: string[];
  /** Files larger than this are skipped (default 2 MiB, like pgLens.maxFileSizeKb). */
  maxFileSizeBytes?: number;
  /** One line per skipped file or problem (stderr in the CLI). */
  log?: (line: string) => void;
  /** Which files to yield (default: SOURCE_EXTENSIONS). */
  filter?: (file: string) => boolean;
  /** Honour .gitignore files (default true). */
  gitignore?: boolean;
  /** Stats filled in while walking. */
  stats?: WalkStats;
  /** Relative paths are resolved against this folder (default process.cwd()). */
  cwd?: string;
}

export interface WalkStats {
  files: number;
  skippedLarge: number;
  missing: string[];
}

export interface WalkedFile {
  /** Absolute path. */
  path: string;
  /** Size in bytes. */
  size: number;
}

interface Rules {
  dir: string;
  ig: Ignore;
}


function readRules(dir: string, log: (l: string) => void): Rules | undefined {
  const file = path.join(dir, '.gitignore');
  let body: string;
  try {
    // Regular files only (a .gitignore symlinked to a FIFO once hung the walk), bounded.
    body = readRegularFileSync(file, LIMITS.smallFileBytes).toString('utf8');
  } catch (e) {
    if (e instanceof FileRefusedError && e.code !== 'UNREADABLE') log(`pg-lens: not read: ${e.message}`);
    return undefined;
  }
  try {
    return { dir, ig: ignore().add(body) };
  } catch (e) {
    log(`pg-lens: ignoring unreadable ${oneLine(file)}: ${errorMessage(e)}`);
    return undefined;
  }
}

/** As git: the deepest .gitignore with an opinion on the path decides (so `!file` re-includes). */
function isIgnored(abs: string, isDir: boolean, rules: Rules[]): boolean {
  for (let i = rules.length - 1; i >= 0; i--) {
    const r = rules[i];
    const rel = relativeInside(r.dir, abs);
    if (rel === undefined) continue;
    const t = r.ig.test(isDir ? rel + '/' : rel);
    if (t.ignored) return true;
    if (t.unignored) return false;
  }
  return false;
}

/** .gitignore rules from the repository root down to (not including) dir. */
function ancestorRules(dir: string, log: (l: string) => void): Rules[] {
  const chain: string[] = [];
  let d = path.dirname(dir);
  let root: string | undefined;
  for (let i = 0; i < 100; i++) {
    chain.unshift(d);
    if (fs.existsSync(path.join(d, '.git'))) {
      root = d;
      break;
    }
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  if (fs.existsSync(path.join(dir, '.git'))) return [];
  if (!root) return [];
  return chain.map((c) => readRules(c, log)).filter((r): r is Rules => !!r);
}

function defaultFilter(file: string): boolean {
  return SOURCE_EXTENSIONS.has(path.extname(file).toLowerCase());
}

/** Walk paths (files or folders) and yield the source files to analyse. */
export async function* walkSourceFiles(paths: string[], opts: WalkOptions = {}): AsyncGenerator<WalkedFile> {
  const log = opts.log ?? (() => undefined);
  const max = opts.maxFileSizeBytes ?? 2 * 1024 * 1024;
  const filter = opts.filter ?? defaultFilter;
  const useGit = opts.gitignore !== false;
  const stats = opts.stats ?? { files: 0, skippedLarge: 0, missing: [] };
  const seen = new Set<string>();

  const sizeOk = (abs: string, size: number): boolean => {
    if (size <= max) return true;
    stats.skippedLarge++;
    log(`pg-lens: skipped ${oneLine(abs)}: ${formatBytes(size)} is over the ${formatBytes(max)} limit`);
    return false;
  };

  for (const p of paths) {
    const abs = path.resolve(opts.cwd ?? process.cwd(), p);
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(abs);
    } catch {
      stats.missing.push(p);
      log(`pg-lens: no such file or folder: ${oneLine(p)}`);
      continue;
    }
    if (st.isFile()) {
      if (!filter(abs) || seen.has(abs)) continue;
      seen.add(abs);
      if (!sizeOk(abs, st.size)) continue;
      stats.files++;
      yield { path: abs, size: st.size };
      continue;
    }
    if (!st.isDirectory()) {
      log(`pg-lens: skipped ${oneLine(p)}: not a regular file or folder (FIFOs, devices and sockets are never read)`);
      continue;
    }
    const extra = opts.exclude?.length ? [{ dir: abs, ig: ignore().add(opts.exclude) }] : [];
    const base = [...(useGit ? ancestorRules(abs, log) : []), ...extra];
    // Depth-first, in name order; each folder carries the rules that apply inside it.
    const stack: { dir: string; rules: Rules[] }[] = [{ dir: abs, rules: base }];
    while (stack.length) {
      const { dir, rules: inherited } = stack.pop()!;
      const own = useGit ? readRules(dir, log) : undefined;
      const rules = own ? [...inherited, own] : inherited;
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(dir, { withFileTypes: true });
      } catch (e) {
        log(`pg-lens: cannot read ${oneLine(dir)}: ${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}`);
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const subdirs: string[] = [];
      for (const e of entries) {
        const child = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (skippedDir(e.name, path.join(path.basename(abs), path.relative(abs, dir)))) continue;
          if (isIgnored(child, true, rules)) continue;
          subdirs.push(child);
        } else if (e.isFile()) {
          if (!filter(child) || seen.has(child)) continue;
          if (isIgnored(child, false, rules)) continue;
          let size: number;
          try {
            // Synchronous: one syscall of microseconds, where the promise form costs a thread-pool round trip per file.
            size = fs.statSync(child).size;
          } catch {
            continue;
          }
          seen.add(child);
          if (!sizeOk(child, size)) continue;
          stats.files++;
          yield { path: child, size };
        }
      }
      for (let i = subdirs.length - 1; i >= 0; i--) stack.push({ dir: subdirs[i], rules });
    }
  }
}

/**
 * Would walking `root` yield `file`? The same rules as walkSourceFiles (the filter, the always skipped folders, the
 * .gitignore files from the repository root down and `exclude`, the size limit), asked of one file — for a file a
 * watcher says changed on disk, without walking the folder again. False for a file outside `root` or gone.
 */
export function walkedFile(root: string, file: string, opts: Omit<WalkOptions, 'stats' | 'cwd'> = {}): boolean {
  const log = opts.log ?? (() => undefined);
  const abs = path.resolve(root);
  const target = path.resolve(file);
  const rel = relativeInside(abs, target);
  if (rel === undefined || !(opts.filter ?? defaultFilter)(target)) return false;
  const useGit = opts.gitignore !== false;
  let rules: Rules[] = [...(useGit ? ancestorRules(abs, log) : []), ...(opts.exclude?.length ? [{ dir: abs, ig: ignore().add(opts.exclude) }] : [])];
  let dir = abs;
  for (const name of rel.split('/').slice(0, -1)) {
    const own = useGit ? readRules(dir, log) : undefined;
    if (own) rules = [...rules, own];
    const child = path.join(dir, name);
    if (skippedDir(name, path.join(path.basename(abs), path.relative(abs, dir))) || isIgnored(child, true, rules)) return false;
    dir = child;
  }
  const own = useGit ? readRules(dir, log) : undefined;
  if (own) rules = [...rules, own];
  if (isIgnored(target, false, rules)) return false;
  try {
    const st = fs.lstatSync(target);
    return st.isFile() && st.size <= (opts.maxFileSizeBytes ?? 2 * 1024 * 1024);
  } catch {
    return false;
  }
}

/**
 * How the CLI names a file in what it prints and in its findings: relative to the working folder,
 * with / separators, or the absolute path when the file is outside that folder.
 */
export function outputPath(cwd: string, file: string): string {
  const abs = path.resolve(cwd, file);
  return relativeInside(cwd, abs) ?? abs.split(path.sep).join('/');
}

/** `file` relative to `dir`, with / separators, when it lies inside `dir` (a name such as `..foo` is inside); else undefined. */
function relativeInside(dir: string, file: string): string | undefined {
  const rel = path.relative(dir, file);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/**
 * A file's text, or undefined when it cannot be read or looks binary (a NUL byte early on). Read
 * synchronously (source files are bounded by maxBytes; the non-blocking open never waits on a FIFO):
 * the promise form's five thread-pool round trips per file were most of a scan's idle time.
 */
export async function readSourceText(file: string, maxBytes: number = LIMITS.fileBytes): Promise<string | undefined> {
  try {
    const buf = readRegularFileSync(file, maxBytes);
    return buf.subarray(0, 8000).includes(0) ? undefined : buf.toString('utf8');
  } catch {
    return undefined;
  }
}
