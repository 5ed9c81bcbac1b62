/**
 * The findings of one corpus app, as the scorer judges them, cached by what decides them.
 *
 * The cache key is a hash of the engine (every file under `src/`, this file, `package-lock.json`, the installed
 * packages' lock `node_modules/.package-lock.json`, `tsconfig.json`, the Node version) and of the app's inputs (every
 * file the scan reads, path and text, plus the project files the rules read: schema, dialect, mapper fragments), and
 * the half scored (`PGLENS_REALWORLD_ONLY`). Rescoring changed labels with an unchanged engine costs one read of the
 * app's files; any change of code under src/ (or of a dependency) scans again. Nothing is picked by hand.
 *
 * Run as a child process (`fork`), it serves `{ root, repo, part, cacheDir }` requests one at a time (score.ts
 * keeps a bounded pool of them: PGLENS_REALWORLD_JOBS).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rulesAnalyzer, scanFiles } from '../../src/core/scan';
import { nPlusOneAnalyzer } from '../../src/core/nplusone/analyzer';
import { ormOffsetAnalyzer } from '../../src/core/rules/ormOffset';
import { fragmentLikeAnalyzer } from '../../src/core/rules/fragmentLike';
import { fragmentSargableAnalyzer } from '../../src/core/rules/fragmentSargable';
import { fragmentNotInAnalyzer } from '../../src/core/rules/fragmentNotIn';
import { lineStarts, positionAt, type Finding } from '../../src/core/findings';
import { configureTreeSitterForCli } from '../../src/node/treeSitterDir';
import { SOURCE_EXTENSIONS, walkSourceFiles } from '../../src/node/walk';
import { RAILS_VIEW } from '../../src/core/nplusone/views';
import { readDeclaredIndexes, readMapperFragments, readProjectDialect } from '../../src/node/projectConfig';

export type Part = 'rules' | 'n-plus-one' | undefined;

/** A finding reduced to what the scorer judges: where, which rule, how loud, in which code. */
export interface AppFinding {
  file: string;
  ruleId: string;
  severity: Finding['severity'];
  context?: string;
  line: number;
  /** Other lines the same N+1 stands for (evidence `alsoAt`). */
  also?: number[];
  /** N+1: where the loop's collection comes from (evidence `source`: one parent's children, a page of the data), and what was read. */
  source?: string;
  sourceFrom?: string;
  /** N+1: what the code says about how many items the loop walks (evidence `collection`): its kind and what was read. */
  collection?: string;
  collectionFrom?: string;
  /** N+1: the evidence's kind (query-in-loop, write-in-loop, call-in-loop, lazy-relation) and loop label. */
  kind?: string;
  loop?: string;
}

export interface AppResult {
  repo: string;
  findings: AppFinding[];
  /** Milliseconds spent (reading, and scanning when not cached). */
  ms: number;
  cached: boolean;
}

const REPO_ROOT = path.join(__dirname, '..', '..');

function walkAll(dir: string, out: string[]): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walkAll(p, out);
    else if (e.isFile()) out.push(p);
  }
}

let engine: string | undefined;

/** The hash of everything in this repository and its installed packages that can change a finding. */
export function engineHash(): string {
  if (engine) return engine;
  const h = crypto.createHash('sha256');
  const files: string[] = [];
  walkAll(path.join(REPO_ROOT, 'src'), files);
  files.sort();
  files.push(__filename, ...['package-lock.json', 'node_modules/.package-lock.json', 'tsconfig.json'].map((f) => path.join(REPO_ROOT, f)));
  for (const f of files) {
    h.update(path.relative(REPO_ROOT, f) + '\0');
    h.update(fs.existsSync(f) ? fs.readFileSync(f) : 'absent');
    h.update('\0');
  }
  h.update(process.version);
  engine = h.digest('hex');
  return engine;
}

/** The git directory of a checkout: `.git` itself, or where a worktree's `.git` file (`gitdir: …`) points. */
function gitDirOf(dir: string): string | undefined {
  const dotGit = path.join(dir, '.git');
  if (!fs.existsSync(dotGit)) return undefined;
  if (fs.statSync(dotGit).isDirectory()) return dotGit;
  const m = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(dotGit, 'utf8'));
  return m ? path.resolve(dir, m[1].trim()) : undefined;
}

/** The commit of a checkout: a `<dir>.commit` file next to an exported tree, else the checkout's HEAD (a worktree's too). */
export function checkoutCommit(dir: string): string | undefined {
  const side = dir.replace(/\/+$/, '') + '.commit';
  if (fs.existsSync(side)) return fs.readFileSync(side, 'utf8').trim();
  const gitDir = gitDirOf(dir);
  const head = gitDir && path.join(gitDir, 'HEAD');
  if (!head || !fs.existsSync(head)) return undefined;
  const ref = fs.readFileSync(head, 'utf8').trim();
  if (!ref.startsWith('ref: ')) return ref;
  // A worktree keeps its HEAD; branches and packed refs are in the repository's common directory.
  const common = fs.existsSync(path.join(gitDir, 'commondir')) ? path.resolve(gitDir, fs.readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim()) : gitDir;
  for (const d of [gitDir, common]) {
    const refFile = path.join(d, ref.slice(5));
    if (fs.existsSync(refFile)) return fs.readFileSync(refFile, 'utf8').trim();
    const packed = path.join(d, 'packed-refs');
    const hit = fs.existsSync(packed) ? fs.readFileSync(packed, 'utf8').split('\n').find((l) => l.endsWith(' ' + ref.slice(5)))?.split(' ')[0] : undefined;
    if (hit) return hit;
  }
  return undefined;
}

/**
 * The project facts a scan reads besides the files, as text for the cache key. The declared indexes are a Map that also
 * carries the schema files' tables (columns, NOT NULL, types), added columns and the ORM-declared NOT NULL columns as properties: a plain JSON of the Map
 * keeps only its entries, so those are written out by name.
 */
export function projectKey(project: unknown, declared: ReturnType<typeof readDeclaredIndexes> | undefined, mapperFragments: unknown): string {
  const plain = (_k: string, v: unknown) => (v instanceof Map ? [...v] : v instanceof Set ? [...v] : v);
  const schema = declared ? { indexes: [...declared], tables: declared.tables, addedColumns: declared.addedColumns, ormNotNull: declared.ormNotNull } : null;
  return JSON.stringify([project, schema, mapperFragments ?? null], plain);
}

/** Scans one app checkout (the whole app is read: N+1 follows calls across files), or takes its findings from the cache. */
export async function appFindings(root: string, repo: string, part: Part, cacheDir: string | undefined): Promise<AppResult> {
  const t0 = Date.now();
  configureTreeSitterForCli();
  const dir = path.join(root, repo.replace('/', '+'));
  const inputs: { path: string; text: string }[] = [];
  // Source files, and Rails views (read by the N+1 analyzer with their controllers).
  const filter = (f: string) => SOURCE_EXTENSIONS.has(path.extname(f).toLowerCase()) || RAILS_VIEW.test(f.split(path.sep).join('/'));
  for await (const f of walkSourceFiles([dir], { cwd: dir, log: () => undefined, filter })) {
    const text = fs.readFileSync(f.path, 'utf8');
    if (!text.slice(0, 8000).includes('\u0000')) inputs.push({ path: path.relative(dir, f.path).split(path.sep).join('/'), text });
  }
  const project = readProjectDialect([dir]);
  const declared = part === 'n-plus-one' ? undefined : readDeclaredIndexes([dir]);
  const mapperFragments = readMapperFragments([dir]);
  const h = crypto.createHash('sha256').update(`${engineHash()}\0${part ?? 'all'}\0`);
  for (const i of inputs) h.update(`${i.path}\0${i.text}\0`);
  h.update(projectKey(project, declared, mapperFragments));
  const file = cacheDir ? path.join(cacheDir, `${repo.replace('/', '+')}-${(checkoutCommit(dir) ?? 'nocommit').slice(0, 12)}-${part ?? 'all'}-${h.digest('hex').slice(0, 24)}.json`) : undefined;
  if (file && fs.existsSync(file)) {
    try {
      return { repo, findings: JSON.parse(fs.readFileSync(file, 'utf8')) as AppFinding[], ms: Date.now() - t0, cached: true };
    } catch {
      // a torn write: scan again
    }
  }
  const analyzers = part === 'n-plus-one' ? [nPlusOneAnalyzer()] : part === 'rules' ? [rulesAnalyzer({ project, declared }), ormOffsetAnalyzer({ project }), fragmentNotInAnalyzer({ project, declared }), fragmentLikeAnalyzer({ project }), fragmentSargableAnalyzer({ project, declared })] : [rulesAnalyzer({ project, declared }), nPlusOneAnalyzer(), ormOffsetAnalyzer({ project }), fragmentNotInAnalyzer({ project, declared }), fragmentLikeAnalyzer({ project }), fragmentSargableAnalyzer({ project, declared })];
  const result = await scanFiles(inputs, { analyzers, mapperFragments, keepText: true });
  const findings: AppFinding[] = [];
  const starts = new Map<string, number[]>();
  for (const f of result.findings as Finding[]) {
    const name = f.file ?? '';
    let ls = starts.get(name);
    if (!ls) starts.set(name, (ls = lineStarts(result.texts.get(name) ?? '')));
    const ev = f.evidence as { alsoAt?: { line: number }[]; source?: { kind: string; from: string }; collection?: { kind: string; from: string }; kind?: string; loop?: string } | undefined;
    const also = (ev?.alsoAt ?? []).map((a) => a.line);
    findings.push({ file: name, ruleId: f.ruleId, severity: f.severity, ...(f.context ? { context: f.context } : {}), line: positionAt(ls, f.span.start).line + 1, ...(also.length ? { also } : {}), ...(ev?.source ? { source: ev.source.kind, sourceFrom: ev.source.from } : {}), ...(ev?.collection ? { collection: ev.collection.kind, collectionFrom: ev.collection.from } : {}), ...(ev?.kind ? { kind: ev.kind, loop: ev.loop } : {}) });
  }
  if (file) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(findings));
    fs.renameSync(tmp, file);
  }
  return { repo, findings, ms: Date.now() - t0, cached: false };
}

// A worker of score.ts's pool: one app per message, answered with its findings.
if (require.main === module && process.send) {
  engineHash(); // hashed now, beside the code just loaded, not when the first app is done reading
  process.on('message', (m: { root: string; repo: string; part: Part; cacheDir?: string }) => {
    appFindings(m.root, m.repo, m.part, m.cacheDir).then(
      (r) => process.send!({ ok: r }),
      (e: Error) => process.send!({ error: `${m.repo}: ${e.stack ?? e.message}` }),
    );
  });
}
