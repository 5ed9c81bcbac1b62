/**
 * Run by `npm run package` after vsce: fails when the extension bundle is not minified, when a bundle
 * or the .vsix grows past its budget, or when the .vsix holds anything but what runs.
 * Budgets have headroom over the sizes measured when they were set (see the comments); raise them
 * deliberately, in a commit that says why.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { allRuleMeta } from '../src/core/rules/index';
import { HEALTH_CHECKS } from '../src/core/health';
import { healthDocsPath, ruleDocsPath } from '../src/core/docs';

const root = path.join(__dirname, '..');

/**
 * Bytes. Measured 2026-11-26: extension.js 154 KB (connections only; features still landing), .vsix 1.16 MB.
 * 2026-12-03: extension.js 1,207,049 bytes after the twentieth session's merges (serialising N+1s, writes per item, the
 * PostgreSQL grammar, live recorded lenses, alert episodes, plan tips): budget 1.3 MB. What it costs at activation is
 * measured, not assumed: `npm run bench` bundle.extensionModuleLoadMs (54.9 ms median on an idle machine that day).
 * 2026-12-04: 1,300,520 bytes after the twenty-fifth session's merges (N+1 kinds of held-out-aa, the rules' size
 * evidence, the workspace statements every index decision weighs, the capture's per-position reads, chart marks,
 * alert refresh): budget 1.35 MB. The lever when it is next reached is a lazily loaded bundle for the analysis engine
 * (core/nplusone alone is ~266 KB of it), not a higher number.
 * 2026-12-04 (twenty-ninth session): 1,362,689 bytes after the N+1 kinds of held-out-ad/ae (xorm, redbean-node,
 * MyBatis-Plus, ent builders) and issue 20's editor fixes: budget 1.4 MB. Raised, not split, for lack of time at the
 * session's end: the lazily loaded engine bundle above is still the lever, and the load it costs is held by its own
 * budget (bundle.extensionModuleLoadMs ≤ 50 ms; 35.5 ms median on a quiet machine in the twenty-eighth session).
 * 2026-12-05 (thirty-first session): 1,401,348 bytes after the N+1 kinds of held-out-ah and the kinds left of af/ag
 * (remote work through calls, parent-chain walks), the Rails schema reader, the analysis queue and one plan per shape:
 * budget 1.45 MB, raised again at the session's end (the demo and the e2e packaging stopped at 1,401,242 > 1,400,000).
 * The engine bundle loaded lazily is overdue: it is the first thing for the next session, not another raise.
 * Load measured this session: bundle.extensionModuleLoadMs median 35.6 ms (≤ 50).
 * 2026-12-05 (thirty-second session): the analysis engine split off into dist/engine.js, loaded on first use
 * (src/engine.ts, reached only through src/vscode/loadEngine.ts): extension.js 910,842 bytes (from 1,401,348), budget
 * lowered to 960 KB; engine.js 578,495 bytes (SQL extraction and tree-sitter, the pipeline, the N+1 detector), budget
 * 620 KB. Load measured the same hour, before → after, on a machine at load 8 (2 cores): bundle.extensionModuleLoadMs
 * CPU median 40–41 → 26 ms, fastest run 41–43 → 26–30 ms (wall medians 94–120 → 60–76 ms: the load, not the bundle).
 * What extension.js holds beyond the wiring is what editor modules import statically: the recording's core/record
 * (~89 KB), core/plan (~88 KB), core/health (~88 KB), core/advice (~71 KB), the rules' metadata (~50 KB) — the next
 * cuts, through the same accessor, before any raise.
 * 2026-12-06 (thirty-seventh session): 965,760 bytes (949,902 at the session's start: +15.9 KB of fixes — Explain
 * Analyze's catalog facts, the plan tips' OR-across-join and write-statement weighing, the least-privilege script's
 * corroboration by pg_stat_statements and own reads, range selectivity from histograms, renamed recordings): budget
 * 980 KB, raised at the session's end because the cut did not fit in it (the fresh-clone CI stopped at packaging with
 * 45 minutes left). The cut is measured and waiting: core/record's batchedForm (30.3 KB), format (13.3 KB) and
 * findings (6.1 KB) are in BOTH bundles (177.7 KB of extension.js is also in engine.js); reaching core/record's
 * aggregate and findings through loadEngine takes ~50 KB off, well under the old 960 KB. The load it costs stays held
 * by its own budget (bundle.extensionModuleLoadMs ≤ 50 ms; 48.2 ms median on this machine at the session's start).
 * 2026-12-06 (thirty-ninth session): the cut. The recording's aggregation and reports (core/record's live, aggregate,
 * batchedForm, groupedForm, djangoNames, findings, format's reports, firstHint with nplusone/context) are reached
 * through loadEngine and live in dist/engine.js only (ENGINE_ONLY_MODULES below holds them; what the editor names of
 * them before the engine loads is in record/findingsMeta.ts, the statement kinds in record/ping.ts): extension.js
 * 965,760 → 874,825 bytes, budget lowered 980 → 920 KB; engine.js 604,817 → 699,578 bytes (+94.8 KB: the same
 * modules, and sql/predicates + pgTree that batchedForm's statementShape needs — those two stay in both bundles),
 * budget raised 620 → 740 KB. The engine loads on the first analysis, hover or recording, which needed it already.
 * Measured the same hour, main → this, 25 interleaved fresh processes each at load 6–8 (2 cores): the entry bundle's
 * load CPU median 57.5 → 53.5 ms (wall 75.3 → 75.5), the first hover's modules (entry, lib-*.js, engine) CPU 359 → 345
 * ms (wall 500 → 494): activation lighter, the first hover no dearer.
 * 2026-12-06 (forty-second session): 919,943 bytes at the session's start (874,825 after the cut: +45 KB over three
 * sessions of fixes — the table-figures reading shared by the hover and the index advice, the least-privilege script's
 * places, the one-off write weighing, the kept-advice re-check). Budget raised 920 → 935 KB so this session's fixes
 * land (929,320 bytes at its end: the proof key's statistics, one index per statement for the recording, the invalid
 * unique index's duplicates check, the typo's parse error said at the cursor); the load stays held by bundle.extensionModuleLoadMs. The next cut, before another raise: core/health and
 * core/plan (~88 KB each) reached through loadEngine where the editor only needs them after the first analysis.
 * 2026-12-06 (forty-third session): the health half of that cut. The health checks (core/health, all of it) and the
 * readers of the facts they judge (db/health, db/securityFacts, db/workloadFacts, db/stats, db/maintenance) are reached
 * through loadEngine — the dashboard's statistics, history, health checks and actions, the cost lens's cache figures,
 * the index advice's foreign-key decision — and live in dist/engine.js only (ENGINE_ONLY_MODULES, and the lint rule
 * banEngine); `pg-lens health`'s own index decision moved to db/workloadAdvisedIndexes.ts so the engine carries no
 * IndexDecider. extension.js 931,952 → 760,840 bytes (−171 KB), budget lowered 935 → 775 KB; engine.js 728,797 →
 * 911,397 bytes (+182.6 KB: the same modules, and ~14.5 KB of small helpers they share with the editor — db/sql,
 * db/database's own-work ledgers, core/dashboard/ownStatements and history, pg-connection-string — that stay in both),
 * budget raised 740 → 925 KB. Opening the dashboard now loads the engine if no analysis did (once, cached).
 * Measured the same hour, main → this (load 8–12, 2 cores): `npm run bench` bundle.extensionModuleLoadMs CPU median
 * 27.1–27.7 → 23.8–24.1 ms (two runs each; wall medians 58–90 → 56–71 ms, the load, not the bundle); 25 interleaved fresh
 * processes each: entry CPU median 28.1 → 24.8 ms, the first hover's modules (entry, lib-*.js, engine) 212.5 → 215.5 ms.
 * core/plan is not cut: its closure is ~226 KB (db/explain, planner, indexDecision, advisor, queryStats, catalog, hypo,
 * planGuard — the EXPLAIN runner the hover, the recording and the dashboard share), reached from eight editor modules,
 * and db/database (the connection) reaches it through core/plan/indexUse → keys. The next cut: the db layer after
 * connect into the engine (db/database and plan/indexUse/keys staying in the editor), through loadEngine in
 * plans/index.ts, captureRecording.ts (its static plan/brief and record/hover), dashboard.ts, analysis.ts,
 * recordQueries.ts, costLens.ts and indexAdvice.ts.
 * The same session's other fixes, merged after the cut, took extension.js 760,840 → 778,371 bytes (+17.5 KB: the
 * server-confirmed syntax error, the per-statement look-alike check, the withheld index said on the line, the broad
 * filters tried, Benchmark's measured server time, the loop-rows reading of a recording); budget 775 → 790 KB, still
 * 145 KB under the morning's 935 KB. engine.js 924,192 bytes: budget 925 → 940 KB.
 * 2026-12-07 (forty-fifth session): the query rules' code out of the editor bundle. The editor named the other analyses'
 * rule ids (the syntax error said once, missing-index's help in its own hover) through core/rules/index, whose RULES
 * array pulled in every rule's implementation (~46 KB: nonSargablePredicate, offsetPagination, notInSubquery, …) that
 * only the engine runs; those ids live in core/rules/others.ts now. extension.js 784,950 → 736,039 bytes (−48.9 KB),
 * engine.js unchanged (934,815); budget lowered 790 → 760 KB.
 * 2026-12-07 (forty-sixth session): engine.js 939,153 bytes, 851 under its 940 KB budget, with issue 20's fixes to
 * come. The engine loads lazily (first analysis, hover, recording or dashboard), never at activation; what it costs is
 * held by a budget of its own now, bench/budgets.ts's bundle.modulesForFirstHoverMs.cpuMedian ≤ 400 ms (262 ms median
 * on this machine at the forty-fifth session). Budget raised 940 → 990 KB; the size budget stays as the alarm that
 * asks for a cut (core/plan's ~226 KB closure, named above, is the next one) before another raise.
 * 2026-12-07 (forty-seventh session): extension.js 745,233 → 765,158 bytes (+19.9 KB: the own-runs ledger and the cost
 * lens's index-change baseline kept per database (databaseStore), Scan Workspace's kept findings (scanKept, scanStore),
 * the kept index advice telling the plan panel (keptAdvice), the recording's decision input shared with the CLI, the
 * edited-statement hover). Budget 760 → 775 KB, still under the 790 KB of two sessions ago; the load stays held by
 * bundle.extensionModuleLoadMs (median 22.5 ms, CPU 22.5, at load 5–9 this session: unchanged from 22.5 at the start).
 * The next cut before another raise: core/advice/migrations.ts (34 KB in the editor bundle; its writers are reached by
 * dynamic import already, only its command ids, marker and fix shape are needed before the engine loads).
 * 2026-12-07 (forty-eighth session, issue 20): that cut. A dynamic import() of our own module is bundled inline (only
 * lazyLibraries and the engine are files of their own), so core/advice/migrations was in extension.js whole. Its tool
 * detection and writers are reached through loadEngine now (src/engine.ts; ENGINE_ONLY_MODULES holds it); the commands,
 * the fix's title and the files that can change the tool the editor needs before that are core/advice/migrationFix
 * (1.4 KB). extension.js 765,819 → 731,965 bytes (−33.9 KB), budget lowered 775 → 745 KB (13 KB over what is left, the
 * margin the last budgets had); engine.js 959,021 → 992,479 bytes (+33.5 KB: the same module, moved, not grown), budget
 * raised 990 → 1,005 KB for it — the engine loads on the first analysis, hover or recording, before any migration is
 * offered, so no path loads more than before. Measured `npm run build:prod && npx tsx scripts/checkBundle.ts`.
 * 2026-12-07 (forty-ninth session, issue 20): extension.js 737,872 → 753,729 bytes (+15.9 KB): a never-true statement
 * votes for no index (fixw: the advisor asks the value-not-allowed rule, which brings the rules engine's AST helpers and
 * the rule into the editor's db/advisor path, +9.4 KB), the workload benchmark's values from the code (fixy, +2.5 KB),
 * the own table work kept across a Reload Window (databaseStore, db/database, +3.2 KB). Budget raised 745 → 765 KB
 * (11 KB over, the margin the last budgets had); the lever is again moving db/advisor's rule check behind loadEngine.
 * The same day: engine.js 999,634 → 1,006,220 bytes (+6.6 KB: the N+1 kinds of n1bi — client GraphQL documents of
 * schema-first servers — and n1bj — seed callers, memo caches, declared config sets, callbacks a superclass calls per
 * row): budget 1,005 → 1,020 KB. The engine loads on the first analysis, not at activation.
 * 2026-12-07 (fiftieth session, issue 20): that lever. db/advisor's never-matching check (neverMatchingAdvice: the
 * value-not-allowed rule through the rules engine, core/advice/neverMatches) is reached through the engine, loaded only
 * for a statement with a literal on a table with a listed-values column (catalogFacts mayNeverMatch); core/rules/engine,
 * valueNotAllowed and core/advice/neverMatches are ENGINE_ONLY_MODULES now. `npm run build:prod && npx tsx
 * scripts/checkBundle.ts`: extension.js 753,668 → 745,285 bytes (−8.2 KB; bundle-sizes.json: rules/engine −3.2 KB,
 * valueNotAllowed −2.1, rules/ast −1.3 of its share, extract/looksLikeSql −1.1, neverMatches −0.6), budget lowered
 * 765 → 755.3 KB (the new size + 10 KB); engine.js 1,006,170 → 1,007,377 bytes (+1.2 KB), under its 1,020 KB.
 * 2026-12-08 (fifty-first session, issue 14): engine.js 1,007,377 → 1,025,446 bytes (+18.1 KB: the N+1 kinds of n1bm —
 * a container action or file work per item —, n1bn — batches handed whole, unreachable loops, other databases'
 * branches, REPL shells — and n1bo — functions only tests call, Java enums across files, cache classes — and the
 * session's advice and cost-lens fixes): budget 1,020 → 1,035 KB. The engine loads on the first analysis, hover,
 * recording or dashboard, never at activation; its load is held by bench/budgets.ts (modulesForFirstHoverMs).
 */
export const BUDGETS = {
  extensionJs: 755_300,
  engineJs: 1_035_000,
  webviewJs: 400_000,
  vsix: 4_000_000,
};

/**
 * Modules that live in dist/engine.js only: the editor bundle must not hold them (its code reaches them through
 * loadEngine). tree-sitter's module holds the parsers a SourceTree is read with, so one copy of it is a correctness
 * matter, not only a size one. Read from dist/bundle-meta.json, which esbuild.js writes on every build.
 */
export const ENGINE_ONLY_MODULES = [
  'src/engine.ts',
  'src/core/syntax/treeSitter.ts',
  'src/core/extract/index.ts',
  'src/core/languages/index.ts',
  'src/core/scan.ts',
  'src/core/analyzers.ts',
  'src/core/nplusone/detect.ts',
  'src/core/nplusone/analyzer.ts',
  'src/core/nplusone/crossFile.ts',
  'src/core/nplusone/workspaceSites.ts',
  // The recording's aggregation and its N+1 fixes (the editor reads its figures only once a recording loaded the engine).
  'src/core/record/live.ts',
  'src/core/record/aggregate.ts',
  'src/core/record/findings.ts',
  'src/core/record/batchedForm.ts',
  'src/core/record/groupedForm.ts',
  'src/core/record/djangoNames.ts',
  'src/core/record/firstHint.ts',
  'src/core/nplusone/context.ts',
  // The query rules' code (the editor names the other analyses' ids through core/rules/others.ts).
  'src/core/rules/index.ts',
  ...['countForExistence', 'implicitCast', 'leadingWildcardLike', 'nonSargablePredicate', 'notInSubquery', 'offsetPagination', 'orAcrossColumns', 'selectStar', 'unboundedQuery', 'updateDeleteWithoutWhere'].map((r) => `src/core/rules/${r}.ts`),
  // The health checks and the readers of the facts they judge: the editor needs them once the dashboard opens, a cost
  // lens reads the cache figures or the index advice weighs foreign keys (src/vscode/dashboard.ts, costLens.ts, indexAdvice.ts).
  'src/core/health/index.ts',
  'src/core/health/types.ts',
  'src/core/health/finding.ts',
  'src/core/health/leastPrivilege.ts',
  'src/core/health/sensitive.ts',
  ...['bloat', 'capacity', 'indexes', 'matviews', 'security', 'server', 'sessions', 'tables', 'timeTables', 'workload'].map((c) => `src/core/health/checks/${c}.ts`),
  'src/db/health.ts',
  'src/db/securityFacts.ts',
  'src/db/workloadFacts.ts',
  'src/db/stats.ts',
  'src/db/maintenance.ts',
  // "Add migration"'s tool detection and writers: the editor offers and writes a migration through loadEngine (its commands,
  // the fix's title and the tool's marker files are core/advice/migrationFix, in the editor bundle).
  'src/core/advice/migrations.ts',
  'src/core/advice/neverMatches.ts',
  'src/core/rules/engine.ts',
  'src/core/rules/valueNotAllowed.ts',
];

/** Problems with how the modules are split between the editor bundle and the engine bundle (bundle-meta.json's shape). */
export function engineSplitProblems(meta: Record<string, string[]>): string[] {
  const editor = meta['dist/extension.js'];
  const engine = meta['dist/engine.js'];
  if (!editor || !engine) return [`dist/bundle-meta.json names ${Object.keys(meta).join(', ') || 'no bundles'}, not dist/extension.js and dist/engine.js`];
  const problems: string[] = [];
  const inEditor = ENGINE_ONLY_MODULES.filter((m) => editor.includes(m));
  if (inEditor.length) problems.push(`dist/extension.js holds the analysis engine's ${inEditor.join(', ')}: import it through loadEngine (src/vscode/loadEngine.ts), types with \`import type\``);
  const notInEngine = ENGINE_ONLY_MODULES.filter((m) => !engine.includes(m));
  if (notInEngine.length) problems.push(`dist/engine.js lacks ${notInEngine.join(', ')}`);
  return problems;
}

/**
 * Module-level state a module of both bundles may hold as two copies, with the reason that is harmless. Any other
 * mutable top-level value (an empty Map/Set/WeakMap made at load, a `let`) in a module both bundles hold is split in
 * two — one copy writes, the other reads nothing (person50 M-B: Benchmark noted its runs in the editor's copy of
 * db/ownRuns, the dashboard read the engine's) — and must be made with core/oncePerProcess.
 */
export const SPLIT_STATE_ALLOWED: Record<string, string> = {
  'src/core/rules/ast.ts#visits': 'a cache of walks over a parsed statement: each copy fills its own',
};

/** Problems with state held by modules both bundles hold (source text read with `read`). */
export function splitStateProblems(meta: Record<string, string[]>, read: (file: string) => string): string[] {
  const editor = new Set(meta['dist/extension.js'] ?? []);
  const both = (meta['dist/engine.js'] ?? []).filter((m) => editor.has(m) && m.startsWith('src/') && m.endsWith('.ts'));
  const problems: string[] = [];
  for (const file of both) {
    const text = read(file);
    const held = [
      ...[...text.matchAll(/^(?:export )?(?:const|let) (\w+)(?:\s*:[^=\n]+)?\s*=\s*new (?:Map|Set|WeakMap|WeakSet)\b(?:<[^\n]*?>)?\(\)/gm)].map((m) => m[1]),
      ...[...text.matchAll(/^(?:export )?let (\w+)/gm)].map((m) => m[1]),
    ].filter((name) => !SPLIT_STATE_ALLOWED[`${file}#${name}`]);
    if (held.length) problems.push(`${file} is in both dist/extension.js and dist/engine.js and holds ${[...new Set(held)].join(', ')} at module level: two copies, one written, the other read empty — make it with oncePerProcess (src/core/oncePerProcess.ts)`);
  }
  return problems;
}

/** Files the .vsix may contain (relative paths inside extension/). */
const ALLOWED = [/^package\.json$/, /^README\.md$/, /^CHANGELOG\.md$/, /^LICENSE$/, /^dist\/extension\.js$/, /^dist\/engine\.js$/, /^dist\/lib-[\w.-]+\.js$/, /^dist\/capture\.js$/, /^dist\/python\/sitecustomize\.py$/, /^dist\/[\w.-]+\.wasm$/, /^dist\/wasm\/[\w.-]+\.wasm$/, /^docs\/[\w/-]+\.md$/, /^media\/(?!.*\.(map|ts)$)[\w./-]+$/];

/** Minified output has few, very long lines and no indentation. */
export function looksMinified(text: string): { ok: boolean; why: string } {
  const lines = text.split('\n');
  // Indented statements (template literals such as SQL texts keep their own indentation: not counted).
  const indented = lines.filter((l) => /^\s+(const|let|var|return|if|for|function|class|await|throw)\b/.test(l)).length;
  const avg = text.length / Math.max(1, lines.length);
  if (/\/\/# sourceMappingURL=/.test(text)) return { ok: false, why: 'it references a source map (development build)' };
  if (indented > 10 || avg < 400) return { ok: false, why: `${lines.length} lines, ${indented} indented statements, ${Math.round(avg)} chars per line on average` };
  return { ok: true, why: `${lines.length} lines, ${Math.round(avg)} chars per line` };
}

function fail(msg: string): never {
  console.error(`checkBundle: ${msg}`);
  process.exit(1);
}

function main(): void {
  const problems: string[] = [];
  const ext = path.join(root, 'dist', 'extension.js');
  if (!fs.existsSync(ext)) fail('dist/extension.js is missing: run `node esbuild.js --production` first');
  const text = fs.readFileSync(ext, 'utf8');
  const min = looksMinified(text);
  if (!min.ok) problems.push(`dist/extension.js is not minified (${min.why}): build with --production`);
  if (text.length > BUDGETS.extensionJs) problems.push(`dist/extension.js is ${text.length} bytes, over its budget of ${BUDGETS.extensionJs}`);
  const engine = path.join(root, 'dist', 'engine.js');
  const engineText = fs.existsSync(engine) ? fs.readFileSync(engine, 'utf8') : undefined;
  if (engineText === undefined) problems.push('dist/engine.js is missing');
  else {
    const m = looksMinified(engineText);
    if (!m.ok) problems.push(`dist/engine.js is not minified (${m.why}): build with --production`);
    if (engineText.length > BUDGETS.engineJs) problems.push(`dist/engine.js is ${engineText.length} bytes, over its budget of ${BUDGETS.engineJs}`);
  }
  const meta = path.join(root, 'dist', 'bundle-meta.json');
  if (!fs.existsSync(meta)) problems.push('dist/bundle-meta.json is missing: build with node esbuild.js');
  else {
    const modules = JSON.parse(fs.readFileSync(meta, 'utf8'));
    problems.push(...engineSplitProblems(modules), ...splitStateProblems(modules, (f) => fs.readFileSync(path.join(root, f), 'utf8')));
  }
  const mediaDist = path.join(root, 'media', 'dist');
  if (fs.existsSync(mediaDist)) {
    for (const f of fs.readdirSync(mediaDist).filter((f) => f.endsWith('.js'))) {
      const size = fs.statSync(path.join(mediaDist, f)).size;
      if (size > BUDGETS.webviewJs) problems.push(`media/dist/${f} is ${size} bytes, over the webview budget of ${BUDGETS.webviewJs}`);
      const m = looksMinified(fs.readFileSync(path.join(mediaDist, f), 'utf8'));
      if (!m.ok && size > 4000) problems.push(`media/dist/${f} is not minified (${m.why})`);
    }
  }
  const vsix = path.join(root, 'pg-lens.vsix');
  if (fs.existsSync(vsix)) {
    const size = fs.statSync(vsix).size;
    if (size > BUDGETS.vsix) problems.push(`pg-lens.vsix is ${size} bytes, over its budget of ${BUDGETS.vsix}`);
  }
  // What vsce puts in the package (same rules as `vsce package`).
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const listed = execFileSync(process.execPath, [vsce, 'ls'], { cwd: root, encoding: 'utf8' }).split('\n').map((l) => l.trim()).filter(Boolean);
  const stray = listed.filter((f) => !ALLOWED.some((re) => re.test(f)));
  if (stray.length) problems.push(`the .vsix would hold files that do not run: ${stray.join(', ')} (fix .vscodeignore)`);
  // The docs pages the editor's "Why" / "Read about" / diagnostic code links open from inside the extension.
  const docs = [...allRuleMeta().map((r) => ruleDocsPath(r.id)), ...HEALTH_CHECKS.map((c) => healthDocsPath(c.id))];
  for (const needed of ['dist/extension.js', 'dist/engine.js', 'dist/capture.js', 'dist/python/sitecustomize.py', 'media/icon.png', 'README.md', 'CHANGELOG.md', 'LICENSE', ...docs]) {
    if (!listed.includes(needed)) problems.push(`the .vsix lacks ${needed}`);
  }
  if (problems.length) fail(problems.join('\n  '));
  console.log(`checkBundle: ok — dist/extension.js ${text.length} bytes (${min.why}), dist/engine.js ${engineText?.length} bytes, ${listed.length} files in the .vsix${fs.existsSync(vsix) ? `, ${fs.statSync(vsix).size} bytes` : ''}`);
}

if (require.main === module) main();
