/**
 * Scores PG Lens on real applications against hand-written labels (test/realworld/labels.jsonl).
 * Fetches nothing: give it the folder holding the checkouts, one per app named `<owner>+<name>`
 * (the corpus in test/realworld/corpus.json, pinned by commit):
 *
 *   PGLENS_REALWORLD=/work/corpus/apps npx tsx test/realworld/score.ts [--json]
 *
 * PGLENS_REALWORLD_SPLITS=held-out-f,held-out-e scores only the apps of those splits
 * (`dev` and `held-out` name the development corpus and the unsplit held-out apps);
 * PGLENS_REALWORLD_REPOS=target/goalert,miniflux/v2 scores only those apps (a quick look while fixing; the whole corpus decides).
 * PGLENS_REALWORLD_JOBS=2 (default) scans that many apps at once (child processes), printing each app's time on stderr;
 * findings are cached per app by a hash of the engine (src/, dependencies) and the app's files (PGLENS_REALWORLD_CACHE,
 * `off` for none): rescoring labels with unchanged code costs a read of the files (README.md).
 * PGLENS_REALWORLD_ONLY=rules scores only the SQL-rule labels (every label but `n-plus-one`) and leaves the N+1 analyzer
 * out, so an app with only N+1 labels is not read at all (much cheaper for rule work); `n-plus-one` scores only those.
 *
 * A label says, for one line of one file, whether a finding of a rule there would be right
 * (`problem`: PG Lens should warn) or wrong (`ok`: a warning or error there is a false alarm;
 * `info` is allowed, e.g. an intentional statement that is only noted). Only the labelled files
 * are scanned, with the CLI's analysis (query rules + N+1, code contexts applied).
 * Per rule, language, context and app: tp (problem, warned), fn (problem, not warned),
 * fp (ok, warned), tn (ok, not warned); precision = tp/(tp+fp), recall = tp/(tp+fn). `noted` counts the fn met by a
 * finding of the rule below that level (a note that says the evidence is missing), apart from those met by silence.
 * Apps marked heldOut in corpus.json are reported apart: they are for checking, not tuning.
 * `--json` also tallies each reported N+1 label by what the code says its loop walks (`collectionCounts`: split, the
 * evidence's `collection` kind — query, relation, request, call, parameter, field, literal, constant, other; `none` for
 * serializers, resolvers and templates — and tp/fp), and lists every labelled finding in `sources`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SEVERITY_RANK } from '../../src/core/findings';
import { codeContextOf } from '../../src/core/codeContext';
import { allRuleMeta } from '../../src/core/rules/index';
import { appFindings, checkoutCommit, engineHash, type AppResult, type Part } from './appFindings';

export interface Label {
  repo: string;
  commit: string;
  file: string;
  line: number;
  /** Rule id (`n-plus-one`, `update-delete-without-where`, …). */
  rule: string;
  /** Finer kind: query-in-loop, write-in-loop, call-in-loop, lazy-relation, implicit, … */
  kind?: string;
  verdict: 'problem' | 'ok';
  reason: string;
  /** Lines a finding may be off by (a call spread over lines): default 1. */
  slack?: number;
}

export interface CorpusApp {
  repo: string;
  commit: string;
  language: string;
  stack: string;
  heldOut?: boolean;
  /** A held-out split of its own (reported apart from the other held-out apps), e.g. `held-out-b`. */
  split?: string;
}

interface Tally {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** Of the fn: problems met by a finding of the rule below the level that counts (a note: `info`/`hint`), not by silence. */
  noted?: number;
}

const HERE = __dirname;

export function loadLabels(file = path.join(HERE, 'labels.jsonl')): Label[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l, i) => {
    try {
      return JSON.parse(l) as Label;
    } catch (e) {
      throw new Error(`labels.jsonl line ${i + 1}: ${(e as Error).message}`);
    }
  });
}

export function loadCorpus(file = path.join(HERE, 'corpus.json')): CorpusApp[] {
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { apps: CorpusApp[] }).apps;
}

const LANG: Record<string, string> = { '.ts': 'typescript', '.tsx': 'typescript', '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.py': 'python', '.go': 'go', '.java': 'java', '.rb': 'ruby', '.rake': 'ruby', '.sql': 'sql', '.xml': 'xml' };

const ratio = (a: number, b: number): number | null => (b === 0 ? null : Math.round((a / b) * 1000) / 1000);

function figures(t: Tally): Tally & { precision: number | null; recall: number | null } {
  return { ...t, precision: ratio(t.tp, t.tp + t.fp), recall: ratio(t.tp, t.tp + t.fn) };
}

/** The split an app is reported under: its `split`, else `held-out` or `dev`. */
export const splitOf = (app: CorpusApp | undefined): string => app?.split ?? (app?.heldOut === true ? 'held-out' : 'dev');

/** Where findings are cached: PGLENS_REALWORLD_CACHE (`off` for none), else a folder in the system's temporary folder. */
function cacheDir(): string | undefined {
  const v = process.env.PGLENS_REALWORLD_CACHE;
  if (v === 'off') return undefined;
  return v || path.join(os.tmpdir(), 'pglens-realworld-cache');
}

/** How many apps are scanned at once (child processes): PGLENS_REALWORLD_JOBS, default 2. */
function jobs(): number {
  const v = process.env.PGLENS_REALWORLD_JOBS;
  if (v === undefined || v === '') return 2;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`PGLENS_REALWORLD_JOBS must be a whole number of at least 1, not ${v}`);
  return n;
}

/**
 * The findings of every app, `jobs` at a time: one app in this process when jobs is 1, else a pool of child processes
 * (appFindings.ts), each taking the next app when it is done. `log` gets one line per app with its time.
 */
async function allFindings(root: string, repos: string[], part: Part, log: (line: string) => void): Promise<Map<string, AppResult>> {
  const out = new Map<string, AppResult>();
  const cache = cacheDir();
  const done = (r: AppResult) => {
    out.set(r.repo, r);
    log(`  ${r.repo.padEnd(44)} ${(r.ms / 1000).toFixed(1).padStart(7)} s${r.cached ? '  (cached)' : ''}\n`);
  };
  const n = Math.min(jobs(), repos.length);
  if (n <= 1) {
    for (const repo of repos) done(await appFindings(root, repo, part, cache));
    return out;
  }
  const queue = [...repos];
  const workers: ChildProcess[] = [];
  try {
    await Promise.all(Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
      const w = fork(path.join(__dirname, 'appFindings.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      workers.push(w);
      const next = () => {
        const repo = queue.shift();
        if (repo === undefined) return resolve();
        w.send({ root, repo, part, cacheDir: cache });
      };
      w.on('message', (m: { ok?: AppResult; error?: string }) => {
        if (m.error !== undefined) return reject(new Error(m.error));
        done(m.ok!);
        next();
      });
      w.on('exit', (code) => reject(new Error(`a scoring worker stopped (exit ${code})`)));
      next();
    })));
  } finally {
    for (const w of workers) w.kill();
  }
  return out;
}

export async function score(root: string, only?: Set<string>, log: (line: string) => void = () => undefined): Promise<Record<string, unknown>> {
  if (jobs() === 1) engineHash(); // beside the code just loaded (workers hash their own at start)
  const corpus = new Map(loadCorpus().map((a) => [a.repo, a]));
  const repos = process.env.PGLENS_REALWORLD_REPOS ? new Set(process.env.PGLENS_REALWORLD_REPOS.split(',').map((x) => x.trim())) : undefined;
  const part = process.env.PGLENS_REALWORLD_ONLY;
  if (part && part !== 'rules' && part !== 'n-plus-one') throw new Error(`PGLENS_REALWORLD_ONLY must be rules or n-plus-one, not ${part}`);
  const inPart = (l: Label) => !part || (part === 'rules') === (l.rule !== 'n-plus-one');
  const labels = loadLabels().filter((l) => (!only || only.has(splitOf(corpus.get(l.repo)))) && (!repos || repos.has(l.repo)) && inPart(l));
  const defaults = new Map(allRuleMeta().map((r) => [r.id, r.defaultSeverity]));
  const groups = { dev: new Map<string, Tally>(), heldOut: new Map<string, Tally>() };
  const splits = new Map<string, Map<string, Tally>>();
  const wrong: string[] = [];
  // N+1: each labelled loop a finding (at any level) stands on, by where its collection comes from (evidence source), and the label.
  const sources: string[] = [];
  const sourceCounts: Record<string, number> = {};
  const collectionCounts: Record<string, number> = {};
  const missingApps: string[] = [];
  const commitMismatch: string[] = [];
  const byRepo = new Map<string, Label[]>();
  for (const l of labels) byRepo.set(l.repo, [...(byRepo.get(l.repo) ?? []), l]);
  const present: string[] = [];
  for (const repo of byRepo.keys()) {
    const dir = path.join(root, repo.replace('/', '+'));
    if (!fs.existsSync(dir)) {
      missingApps.push(repo);
      continue;
    }
    present.push(repo);
    const commit = checkoutCommit(dir);
    const pinned = corpus.get(repo)?.commit;
    if (pinned && commit && commit !== pinned) commitMismatch.push(`${repo}: checkout ${commit.slice(0, 12)}, labels ${pinned.slice(0, 12)}`);
  }
  const t0 = Date.now();
  const results = await allFindings(root, present, part as Part, log);
  const times = Object.fromEntries(present.map((r) => [r, { seconds: Math.round(results.get(r)!.ms / 100) / 10, cached: results.get(r)!.cached }]));
  for (const repo of present) {
    const ls = byRepo.get(repo)!;
    const dir = path.join(root, repo.replace('/', '+'));
    const warned = new Map<string, number[]>();
    // Every finding's line, at any severity: a problem met by a note is counted apart from one met by silence (`noted`).
    const said = new Map<string, number[]>();
    for (const f of results.get(repo)!.findings) {
      said.set(`${f.file}\u0000${f.ruleId}`, [...(said.get(`${f.file}\u0000${f.ruleId}`) ?? []), f.line, ...(f.also ?? [])]);
      // Reported = at warning or above; for rules that are info by default (select-star,
      // unbounded-query…), at their default level in request or job code.
      const infoRule = defaults.get(f.ruleId) === 'info' && f.severity === 'info' && (f.context === 'request' || f.context === 'job');
      if (SEVERITY_RANK[f.severity] < SEVERITY_RANK.warning && !infoRule) continue;
      const key = `${f.file}\u0000${f.ruleId}`;
      // One N+1 finding per loop names the loop's other writes (or the same read in another branch) by line: reported there too.
      warned.set(key, [...(warned.get(key) ?? []), f.line, ...(f.also ?? [])]);
    }
    const app = corpus.get(repo);
    const held = app?.heldOut === true;
    if (app?.split && !splits.has(app.split)) splits.set(app.split, new Map());
    const target = app?.split ? splits.get(app.split)! : held ? groups.heldOut : groups.dev;
    const texts = new Map<string, string | undefined>();
    const textOf = (file: string) => {
      if (!texts.has(file)) texts.set(file, fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), 'utf8') : undefined);
      return texts.get(file);
    };
    for (const l of ls) {
      const lines = warned.get(`${l.file}\u0000${l.rule}`) ?? [];
      const slack = l.slack ?? 1;
      const hit = lines.some((x) => Math.abs(x - l.line) <= slack);
      const cell: 'tp' | 'fp' | 'fn' | 'tn' = l.verdict === 'problem' ? (hit ? 'tp' : 'fn') : hit ? 'fp' : 'tn';
      const noted = cell === 'fn' && (said.get(`${l.file}\u0000${l.rule}`) ?? []).some((x) => Math.abs(x - l.line) <= slack);
      const on = l.rule === 'n-plus-one' ? results.get(repo)!.findings.find((f) => f.ruleId === l.rule && f.file === l.file && [f.line, ...(f.also ?? [])].some((x) => Math.abs(x - l.line) <= slack)) : undefined;
      if (on) {
        const key = `${app?.split ?? (held ? 'held-out' : 'dev')} ${on.source ?? 'unknown'} ${l.verdict}`;
        sourceCounts[key] = (sourceCounts[key] ?? 0) + 1;
        // Evidence of many (n1ap): what the code says the loop walks, per split, counted where the finding is reported.
        if (warned.get(`${l.file}\u0000${l.rule}`)?.some((x) => Math.abs(x - l.line) <= slack)) {
          const ck = `${app?.split ?? (held ? 'held-out' : 'dev')} ${on.collection ?? 'none'} ${l.verdict === 'problem' ? 'tp' : 'fp'}`;
          collectionCounts[ck] = (collectionCounts[ck] ?? 0) + 1;
        }
        sources.push(`${key} ${repo} ${l.file}:${l.line} [${on.severity}] {${on.collection ?? 'none'}: ${on.collectionFrom ?? ''}} [ctx ${on.context ?? '-'}] [kind ${on.kind ?? '-'}] [loop ${on.loop ?? '-'}] ${on.sourceFrom ?? ''}`);
      }
      if (cell === 'fp' || cell === 'fn') wrong.push(`${app?.split ? `${app.split} ` : held ? 'held-out ' : ''}${cell}${noted ? ' (noted)' : ''} ${repo} ${l.file}:${l.line} ${l.rule}${l.kind ? `/${l.kind}` : ''}: ${l.reason}`);
      const lang = LANG[path.extname(l.file)] ?? path.extname(l.file);
      const context = codeContextOf(l.file, textOf(l.file));
      for (const key of ['all', `rule:${l.rule}`, `language:${lang}`, `context:${context}`, `app:${repo}`, ...(l.kind ? [`kind:${l.kind}`] : [])]) {
        const t = target.get(key) ?? { tp: 0, fp: 0, fn: 0, tn: 0 };
        t[cell]++;
        if (noted) t.noted = (t.noted ?? 0) + 1;
        target.set(key, t);
      }
    }
  }
  log(`  ${present.length} apps in ${((Date.now() - t0) / 1000).toFixed(1)} s (${jobs()} at a time)\n`);
  const out = (m: Map<string, Tally>) => Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, t]) => [k, figures(t)]));
  return { labels: labels.length, development: out(groups.dev), heldOut: out(groups.heldOut), splits: Object.fromEntries([...splits].map(([k, m]) => [k, out(m)])), missingApps, commitMismatch, wrong, ...(sources.length ? { sourceCounts, collectionCounts, sources } : {}), times };
}

if (require.main === module) {
  const root = process.env.PGLENS_REALWORLD;
  if (!root || !fs.existsSync(root)) {
    process.stderr.write('score: set PGLENS_REALWORLD to the folder holding the corpus checkouts (see test/realworld/corpus.json)\n');
    process.exit(2);
  }
  const only = process.env.PGLENS_REALWORLD_SPLITS ? new Set(process.env.PGLENS_REALWORLD_SPLITS.split(',').map((x) => x.trim())) : undefined;
  void score(root, only, (line) => process.stderr.write(line)).then((r) => {
    if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    else {
      const show = (name: string, m: Record<string, any>) => {
        process.stdout.write(`${name}\n`);
        for (const [k, v] of Object.entries(m)) process.stdout.write(`  ${k.padEnd(48)} tp ${v.tp} fp ${v.fp} fn ${v.fn} tn ${v.tn}  precision ${v.precision ?? '-'}  recall ${v.recall ?? '-'}${v.noted ? `  (fn noted as info: ${v.noted})` : ''}\n`);
      };
      show('development corpus', r.development as Record<string, any>);
      show('held-out apps', r.heldOut as Record<string, any>);
      for (const [k, m] of Object.entries(r.splits as Record<string, Record<string, any>>)) show(`held-out split ${k}`, m);
      for (const w of r.wrong as string[]) process.stdout.write(`  ${w}\n`);
      for (const m of r.commitMismatch as string[]) process.stdout.write(`  commit mismatch: ${m}\n`);
      if ((r.missingApps as string[]).length) process.stdout.write(`  not present: ${(r.missingApps as string[]).join(', ')}\n`);
    }
  });
}
