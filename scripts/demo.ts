/**
 * `npm run demo`: an embedded PostgreSQL, the examples/shop schema and seed data, and what PG Lens
 * can tell about it — printed through the same CLI users run. Needs nothing but `npm ci`; cleans up
 * after itself (server stopped, data folder removed), also on Ctrl+C.
 *
 * Steps come from scripts/demoSteps.json: each entry is either an argument list for `pg-lens`
 * (["explain", "--db", "$DATABASE_URL", "…"]) or { "title": "…", "args": [...] }. Placeholders:
 * $ROOT (the repository), $SHOP (examples/shop), $DATABASE_URL (the loaded shop database), $REPORT (the report's file:
 * one per user in the temp folder, so another user's report left there never stops this one).
 * Steps are grouped under one heading per capability (the title, or the command's name).
 * A step whose command is not in this build yet is reported in one line and skipped.
 *
 * PGLENS_DEMO_SCALE sets the seed scale (default 0.5: about 390 000 rows).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { Client } from 'pg';
import { startEmbeddedPostgres, type RunningServer } from './embeddedServer';
import { forgetSeedStatements, loadShop } from '../examples/shop/seed';
import { runTraffic } from '../examples/shop/traffic';
import { errorMessage } from '../src/core/safeText';

const root = path.join(__dirname, '..');
const shopDir = path.join(root, 'examples', 'shop');
const cliPath = path.join(root, 'dist', 'cli.js');
const STEP_TIMEOUT_MS = 120_000;

const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s: string) => (tty ? `\x1b[1m${s}\x1b[22m` : s);
const dim = (s: string) => (tty ? `\x1b[2m${s}\x1b[22m` : s);
const say = (s = '') => process.stdout.write(s + '\n');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export interface DemoStep {
  title: string;
  args: string[];
}

const CAPABILITY_TITLES: Record<string, string> = {
  'check-connection': 'Connection',
  sql: 'SQL found in the code',
  scan: 'Workspace scan',
  explain: 'Plans (EXPLAIN)',
  advise: 'Index advice',
  health: 'Database health',
};

/** Read demoSteps.json: argument lists or { title, args }; anything else is reported, not fatal. */
export function readSteps(file: string, warn: (line: string) => void = say): DemoStep[] {
  if (!fs.existsSync(file)) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    warn(`(${path.basename(file)} is not valid JSON: ${errorMessage(e)}; no steps run)`);
    return [];
  }
  if (!Array.isArray(raw)) return [];
  const steps: DemoStep[] = [];
  for (const entry of raw) {
    const args = Array.isArray(entry) ? entry : (entry as { args?: unknown })?.args;
    if (!Array.isArray(args) || !args.length || !args.every((a) => typeof a === 'string')) {
      warn(`(skipping a malformed demo step: ${JSON.stringify(entry)})`);
      continue;
    }
    const title = typeof (entry as { title?: unknown }).title === 'string' ? (entry as { title: string }).title : CAPABILITY_TITLES[args[0]] ?? args[0];
    steps.push({ title, args });
  }
  return steps;
}

interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<StepResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, STEP_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started, timedOut });
    });
  });
}

/** What a failed step says, in one line: the CLI's own message, never a stack trace. */
export function oneLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const useful = lines.find((l) => !/^at\s|^node:internal|^\^+$|^Node\.js v/.test(l) && !/^\/.*:\d+$/.test(l));
  return useful ?? 'no message';
}

function substitute(args: string[], vars: Record<string, string>): string[] {
  return args.map((a) => a.replace(/\$(ROOT|SHOP|DATABASE_URL|REPORT)\b/g, (_m, k: string) => vars[k]));
}

async function createShopDatabase(server: RunningServer): Promise<string> {
  const admin = new Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query('CREATE DATABASE shop');
  } finally {
    await admin.end();
  }
  const u = new URL(server.url);
  u.pathname = '/shop';
  const shop = new Client({ connectionString: u.toString() });
  await shop.connect();
  try {
    // The server preloads pg_stat_statements; the extension makes its view readable in this database.
    await shop.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  } finally {
    await shop.end();
  }
  return u.toString();
}


async function main(): Promise<number> {
  if (!fs.existsSync(cliPath)) {
    say('dist/cli.js is missing: run `npm run demo` (it builds first) or `npm run build`.');
    return 1;
  }
  const scale = Number(process.env.PGLENS_DEMO_SCALE ?? 0.5);
  if (!(scale > 0)) {
    say(`PGLENS_DEMO_SCALE must be a positive number, got "${process.env.PGLENS_DEMO_SCALE}".`);
    return 2;
  }
  const began = performance.now();
  say(bold('PG Lens demo') + dim(' — examples/shop in a throwaway PostgreSQL'));
  say();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-demo-'));
  let server: RunningServer | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await server?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    })());
  const onSignal = () => {
    say('\nInterrupted: stopping the demo database…');
    void stop().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  try {
    const t = performance.now();
    process.stdout.write('Starting an embedded PostgreSQL 18… ');
    server = await startEmbeddedPostgres({ dataDir: dir });
    say(`ready in ${seconds(performance.now() - t)} (port ${server.port})`);

    const url = await createShopDatabase(server);
    process.stdout.write(`Loading examples/shop at scale ${scale}… `);
    const load = await loadShop(url, { scale });
    const total = Object.values(load.rows).reduce((a, b) => a + b, 0);
    say(`${total.toLocaleString('en-US')} rows in ${seconds(load.ms)}`);
    for (const [table, n] of Object.entries(load.rows)) say(`  ${table.padEnd(12)} ${n.toLocaleString('en-US').padStart(9)}`);
    // Forget the seed's statements, then let the app run for a moment so pg_stat_statements holds its workload.
    await forgetSeedStatements(url);
    process.stdout.write('Running the shop API\'s traffic… ');
    const traffic = await runTraffic(url, { requests: Number(process.env.PGLENS_DEMO_REQUESTS ?? 300) });
    say(`${traffic.requests} requests sent ${traffic.queries.toLocaleString('en-US')} queries in ${seconds(traffic.ms)}`);
    say(dim(`  (planted problems: examples/shop/README.md; the database is ${url.replace(/:[^:@/]*@/, ':***@')})`));

    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, NO_COLOR: tty ? process.env.NO_COLOR : '1' };
    const vars = { ROOT: root, SHOP: shopDir, DATABASE_URL: url, REPORT: path.join(os.tmpdir(), `pg-lens-shop-report-${os.userInfo().username.replace(/[^\w.-]/g, '_')}.html`) };
    const steps: DemoStep[] = [{ title: CAPABILITY_TITLES['check-connection'], args: ['check-connection'] }, ...readSteps(path.join(__dirname, 'demoSteps.json'))];
    const tally = { ok: 0, missing: [] as string[], failed: 0 };
    let heading = '';
    for (const step of steps) {
      if (step.title !== heading) {
        heading = step.title;
        say();
        say(bold(`── ${heading} ${'─'.repeat(Math.max(3, 60 - heading.length))}`));
      }
      const args = substitute(step.args, vars);
      say(dim(`$ pg-lens ${args.map((a) => (a === url ? '$DATABASE_URL' : /\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`));
      const r = await runCli(args, env);
      if (r.code === 2 && /unknown command/.test(r.stderr)) {
        say(`  (not in this build yet: \`pg-lens ${args[0]}\` — skipped)`);
        tally.missing.push(args[0]);
        continue;
      }
      const out = r.stdout.replace(/\s+$/, '');
      if (out) say(out.split('\n').map((l) => `  ${l}`).join('\n'));
      if (r.timedOut) {
        say(`  ✗ gave up after ${seconds(STEP_TIMEOUT_MS)}`);
        tally.failed++;
      } else if (r.code === 0 || r.code === 1) {
        // 1 = findings reported: the demo's point.
        say(dim(`  (${seconds(r.ms)})`));
        tally.ok++;
      } else {
        say(`  ✗ exit ${r.code}: ${oneLine(r.stderr)}`);
        tally.failed++;
      }
    }
    say();
    const parts = [`${tally.ok} step${tally.ok === 1 ? '' : 's'} ran`];
    if (tally.missing.length) parts.push(`${tally.missing.length} not in this build yet (${[...new Set(tally.missing)].join(', ')})`);
    if (tally.failed) parts.push(`${tally.failed} failed`);
    say(`${parts.join(', ')}; demo took ${seconds(performance.now() - began)} (load ${seconds(load.ms)}).`);
    return tally.failed ? 1 : 0;
  } finally {
    await stop();
    say('Demo database stopped and removed.');
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      say(`\ndemo failed: ${errorMessage(e)}`);
      process.exit(1);
    },
  );
}
