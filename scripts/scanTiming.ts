/**
 * Times Scan Workspace's path through the scan core, outside the editor (issue 20 person16 HIGH 1): the walker, the
 * one analyzer list, database evidence and the index advisor run per file with the workspace's statements as the
 * editor weighs them (src/vscode/indexAdvice.ts: every file's SQL read once, merged with pg_stat_statements' busiest).
 * Prints one JSON object: wall and CPU time, files done, and how long a cancel took to stop the scan.
 *
 *   npx tsx scripts/scanTiming.ts <folder> --db URL [--limit-s 180] [--cancel-after-s 30] [--plan-migrations] [--exclude GLOB]…
 *
 * `--plan-migrations`: plan and advise migrations too, as `--context migration=keep` does. `--limit-s`: stop (as a cancel) after this long and report the files done. `--cancel-after-s`: cancel then and
 * report the seconds until the scan returned. It plans and proves as the editor does (rolled-back trial indexes on a
 * development database); run it only on a database you may do that on.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { scanFiles } from '../src/core/scan';
import { codeAnalyzers } from '../src/core/analyzers';
import { CrossFileCalls } from '../src/core/nplusone/crossFile';
import { extractSqlSites } from '../src/core/extract/index';
import { codeContextOf, DEFAULT_CONTEXT_POLICY } from '../src/core/codeContext';
import { foundStatementsOf, type FoundStatement } from '../src/core/advice/workload';
import { loadPgParser } from '../src/core/sql/statement';
import { openDatabase } from '../src/cli/io';
import { configureTreeSitterForCli } from '../src/node/treeSitterDir';
import { readSourceText, walkSourceFiles } from '../src/node/walk';
import { DbEvidence } from '../src/db/ruleEvidence';
import { IndexDecider, topStatements, WorkspaceStatements } from '../src/db/indexDecision';
import { missingIndexAnalyzer } from '../src/db/missingIndexAnalyzer';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { db: { type: 'string' }, 'limit-s': { type: 'string' }, 'cancel-after-s': { type: 'string' }, exclude: { type: 'string', multiple: true, default: [] }, 'plan-migrations': { type: 'boolean', default: false } } });
  const root = path.resolve(positionals[0] ?? '.');
  if (!values.db) throw new Error('--db URL is needed');
  configureTreeSitterForCli();
  const db = await openDatabase(values.db, { out: () => undefined, err: (m) => process.stderr.write(`${m}\n`), env: process.env, cwd: root });
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    const info = await db.serverInfo();
    await loadPgParser();
    // The editor's workspace statements: every file's SQL, read once (indexAdvice.ts workspaceStatements).
    const found: FoundStatement[] = [];
    const ws = new WorkspaceStatements();
    for await (const f of walkSourceFiles([root], { exclude: values.exclude })) {
      const text = await readSourceText(f.path);
      if (text === undefined) continue;
      const context = codeContextOf(f.path, text);
      const mine = foundStatementsOf((await extractSqlSites(text, f.path, f.path)).filter((s) => s.confidence >= 0.5), text, path.relative(root, f.path), context);
      found.push(...mine);
      ws.setFile(f.path, mine);
    }
    const top = (await topStatements(db, { info })).statements;
    const decider = new IndexDecider(db, { info });
    // Files whose analysed statements differed from the walk's (each one merges the workspace's statements again).
    let filesChanged = 0;
    const limitMs = values['limit-s'] ? Number(values['limit-s']) * 1000 : Infinity;
    const cancelAt = values['cancel-after-s'] ? Number(values['cancel-after-s']) * 1000 : Infinity;
    // The moment the cancel is asked for (what a person waits from), not the moment the scan first looks.
    const stopAt = Math.min(limitMs, cancelAt);
    const cancelledAt = Number.isFinite(stopAt) ? started + stopAt : undefined;
    const isCancelled = () => performance.now() - started >= stopAt;
    // The event loop's longest wait while the scan runs: what a hover or a command waits for at worst.
    let worstTurnMs = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      if (now - last - 50 > worstTurnMs) {
        worstTurnMs = now - last - 50;
        worstAt = `${walkedFiles} files walked`;
      }
      last = now;
    }, 50);
    let walkedFiles = 0;
    let mergeMs = 0;
    let lastFileAt = 0;
    let worstAt = '';
    const inputs = async function* () {
      for await (const f of walkSourceFiles([root], { exclude: values.exclude })) {
        const text = await readSourceText(f.path);
        if (text !== undefined) {
          walkedFiles++;
          yield { path: f.path, text };
        }
      }
    };
    const r = await scanFiles(inputs(), {
      analyzers: [
        ...codeAnalyzers({ evidence: new DbEvidence(db), workspace: { index: new CrossFileCalls(), live: false } }),
        missingIndexAnalyzer(decider, {
          advice: new Map(),
          statements: async () => {
            const t = performance.now();
            const out = ws.statements(top);
            mergeMs += performance.now() - t;
            return out;
          },
          // As the editor: the analysed file's statements replace its entry (unchanged: no merge again).
          sawFile: (file, mine) => void (ws.setFile(file, mine) && filesChanged++),
          place: (file) => path.relative(root, file),
        }),
      ],
      isCancelled,
      // As `--context migration=keep`: migrations planned and advised like request code (the work the scan did before).
      ...(values['plan-migrations'] ? { contextPolicy: { ...DEFAULT_CONTEXT_POLICY, migration: 'keep' as const } } : {}),
      onFile: () => (lastFileAt = performance.now()),
    });
    clearInterval(timer);
    const end = performance.now();
    const cpu = process.cpuUsage(cpu0);
    const load = (await import('node:os')).loadavg().map((x) => Math.round(x * 100) / 100);
    process.stdout.write(`${JSON.stringify({
      root, files: r.files, walkedFiles, filesChanged, statementsInWorkspace: found.length, cancelled: r.cancelled, findings: r.findings.length,
      wallS: Math.round((end - started) / 100) / 10, cpuS: Math.round((cpu.user + cpu.system) / 100_000) / 10,
      stoppedAfterCancelS: cancelledAt === undefined || end < cancelledAt ? null : Math.round((end - cancelledAt) / 100) / 10,
      worstEventLoopWaitMs: Math.round(worstTurnMs), worstAt, mergeMs: Math.round(mergeMs), afterLastFileMs: Math.round(end - lastFileAt), missingIndexMs: Math.round(r.timings.analyzers['missing-index'] ?? 0), rulesMs: Math.round(r.timings.analyzers.rules ?? 0),
      loadAverage: load,
    })}\n`);
  } finally {
    await db.close();
  }
}

main().catch((e) => {
  process.stderr.write(`scanTiming: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
