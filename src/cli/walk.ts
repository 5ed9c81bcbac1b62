/**
 * Source files under the given paths, for the scan: honours .gitignore files (the root's and nested
 * ones, gitignore semantics via the `ignore` package), extra exclude globs, a size limit, and skips
 * node_modules, .git and binary files. Paths come out as given (joined with the relative path found).
 * MINIMAL VERSION by the rules engineer, written against the interface the extract engineer owns;
 * fold into theirs when both land.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

export const SOURCE_EXTENSIONS = new Set(['.sql', '.pgsql', '.psql', '.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.py', '.go', '.java', '.rb']);
const ALWAYS_SKIPPED = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out', 'build', '.venv', 'venv', '__pycache__', 'vendor', 'target', '.next', 'coverage']);

export interface WalkOptions {
  exclude?: string[];
  maxFileSizeBytes?: number;
  log?: (m: string) => void;
}

interface IgnoreLayer {
  dir: string;
  ig: Ignore;
}

export async function* walkSourceFiles(paths: string[], opts: WalkOptions = {}): AsyncIterable<{ path: string; text: string }> {
  const max = opts.maxFileSizeBytes ?? 2048 * 1024;
  const exclude = ignore().add(opts.exclude ?? []);
  const seen = new Set<string>();
  for (const given of paths) {
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(given);
    } catch {
      opts.log?.(`${given}: no such file or directory`);
      continue;
    }
    if (st.isFile()) {
      // A file named explicitly is scanned even when ignored (like `git add -f`), unless excluded.
      const file = await readSource(given, st.size, max, opts.log);
      if (file && !isExcluded(exclude, path.resolve(given), path.dirname(path.resolve(given)), false)) yield file;
      continue;
    }
    const layers: IgnoreLayer[] = [];
    const root = path.resolve(given);
    // .gitignore files of the directories above the root, up to the repository top (.git).
    for (let d = root, depth = 0; depth < 30; depth++) {
      const layer = await loadGitignore(d);
      if (layer) layers.unshift(layer);
      if (fs.existsSync(path.join(d, '.git')) || path.dirname(d) === d) break;
      d = path.dirname(d);
    }
    yield* walkDir(given, root, root, layers, exclude, max, seen, opts.log);
  }
}

async function* walkDir(shown: string, abs: string, root: string, layers: IgnoreLayer[], exclude: Ignore, max: number, seen: Set<string>, log?: (m: string) => void): AsyncIterable<{ path: string; text: string }> {
  const own = await loadGitignore(abs);
  const here = own ? [...layers, own] : layers;
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(abs, { withFileTypes: true });
  } catch (e) {
    log?.(`${shown}: ${(e as Error).message.split('\n')[0]}`);
    return;
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const childAbs = path.join(abs, e.name);
    const childShown = path.join(shown, e.name);
    const isDir = e.isDirectory();
    if (isDir && ALWAYS_SKIPPED.has(e.name)) continue;
    if (!isDir && !e.isFile()) continue;
    if (isIgnored(here, childAbs, isDir)) continue;
    if (isExcluded(exclude, childAbs, root, isDir)) continue;
    if (isDir) {
      yield* walkDir(childShown, childAbs, root, here, exclude, max, seen, log);
    } else if (SOURCE_EXTENSIONS.has(path.extname(e.name).toLowerCase()) && !e.name.endsWith('.d.ts') && !e.name.endsWith('.min.js')) {
      if (seen.has(childAbs)) continue;
      seen.add(childAbs);
      const st = await fs.promises.stat(childAbs).catch(() => undefined);
      if (!st) continue;
      const file = await readSource(childShown, st.size, max, log);
      if (file) yield file;
    }
  }
}

/** Exclude globs match paths relative to the working directory or to the scanned root. */
function isExcluded(exclude: Ignore, abs: string, root: string, isDir: boolean): boolean {
  for (const base of [process.cwd(), root]) {
    const rel = toPosix(path.relative(base, abs));
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) continue;
    if (exclude.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

function isIgnored(layers: IgnoreLayer[], abs: string, isDir: boolean): boolean {
  let ignored = false;
  for (const l of layers) {
    const rel = toPosix(path.relative(l.dir, abs));
    if (!rel || rel.startsWith('..')) continue;
    const r = l.ig.test(isDir ? `${rel}/` : rel);
    if (r.ignored) ignored = true;
    else if (r.unignored) ignored = false;
  }
  return ignored;
}

async function loadGitignore(dir: string): Promise<IgnoreLayer | undefined> {
  try {
    const text = await fs.promises.readFile(path.join(dir, '.gitignore'), 'utf8');
    return { dir, ig: ignore().add(text) };
  } catch {
    return undefined;
  }
}

async function readSource(p: string, size: number, max: number, log?: (m: string) => void): Promise<{ path: string; text: string } | undefined> {
  if (size > max) {
    log?.(`${p}: skipped, ${Math.round(size / 1024)} KB is over the ${Math.round(max / 1024)} KB limit`);
    return undefined;
  }
  const buf = await fs.promises.readFile(p);
  if (buf.subarray(0, 8000).includes(0)) return undefined; // binary
  return { path: p, text: buf.toString('utf8') };
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
