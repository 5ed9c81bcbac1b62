/**
 * The editor wiring of the recording switch: PG Lens: Start Recording puts the capture into the environment of new
 * integrated terminals (NODE_OPTIONS --require dist/capture.js, PYTHONPATH with its sitecustomize, the listener's
 * socket) and the status bar counts what an app started there sends; Stop Recording takes the environment away again
 * (a terminal opened afterwards records nothing) and the status bar says what was recorded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clearRecordedQueries, runInNewTerminal, stopRecording } from '../lib/recording';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';
import { tempFolderForRun } from '../../unit/support/tempFolder';

/** Three queries through pg's Client, as an app sends them. */
const APP = `const { Client } = require('pg');
(async () => {
  const c = new Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  for (let i = 0; i < 3; i++) await c.query('SELECT count(*) FROM orders WHERE customer_id = $1', [i + 1]);
  await c.end();
})().catch((e) => { console.error(e); process.exit(1); });
`;

async function waitForFile(file: string, what: string, timeoutMs: number): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (fs.existsSync(file) && fs.statSync(file).size > 0) return fs.readFileSync(file, 'utf8');
    if (Date.now() > until) throw new StepFailure(`expected ${what} (${file}) within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The capture's variables in an environment dump (`env` output): the three PG Lens sets. */
function captureVars(env: string): { socket?: string; nodeOptions?: string; pythonPath?: string } {
  const get = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(env)?.[1];
  const nodeOptions = get('NODE_OPTIONS');
  const pythonPath = get('PYTHONPATH');
  return {
    socket: get('PGLENS_CAPTURE_SOCKET'),
    nodeOptions: nodeOptions && /--require .*capture\.js/.test(nodeOptions) ? nodeOptions : undefined,
    pythonPath: pythonPath && /dist[/\\]python/.test(pythonPath) ? pythonPath : undefined,
  };
}

export const step: Step = {
  title: 'the recording switch: Start Recording sets new terminals\' environment and the status bar counts; Stop Recording takes it away',
  async run({ wb, db, screenshot, log }) {
    const dir = tempFolderForRun('pglens-e2e-switch-');
    const app = path.join(dir, 'app.js');
    fs.writeFileSync(app, APP);
    const during = path.join(dir, 'env-recording.txt');
    const after = path.join(dir, 'env-stopped.txt');
    // Only the capture's variables are written out (not DATABASE_URL); "end" marks a finished dump.
    const dump = (file: string, then = '') => {
      const script = path.join(dir, `${path.basename(file, '.txt')}.sh`);
      fs.writeFileSync(script, `env | grep -E '^(PGLENS_|NODE_OPTIONS=|PYTHONPATH=)' > "${file}.tmp"\necho end >> "${file}.tmp"\nmv "${file}.tmp" "${file}"\n${then}\n`);
      return `sh ${script}`;
    };

    await wb.runCommand('PG Lens: Start Recording');
    const zero = await wb.see(wb.statusBarItem(/(^|\s)0 statements\s*$/), 'the status bar item "0 statements" as recording starts', 30_000);
    log(`status bar at start: ${(await zero.innerText()).trim()}`);
    await runInNewTerminal({ wb, db }, dump(during, `exec node ${app}`));
    const env = captureVars(await waitForFile(during, 'the recording terminal\'s environment', 60_000));
    log(`terminal while recording: PGLENS_CAPTURE_SOCKET=${env.socket ? 'set' : 'missing'}, NODE_OPTIONS=${env.nodeOptions ?? 'missing'}, PYTHONPATH=${env.pythonPath ?? 'missing'}`);
    if (!env.socket || !env.nodeOptions || !env.pythonPath) throw new StepFailure(`expected a new terminal to get the capture while recording (socket, NODE_OPTIONS --require …capture.js, PYTHONPATH …dist/python); saw ${JSON.stringify(env)}`);
    const counted = await wb.see(wb.statusBarItem(/(^|\s)([3-9]|\d{2,}) statements\s*$/), 'the status bar counting the app\'s 3 queries ("3 statements" or more)', 90_000);
    log(`status bar while recording: ${(await counted.innerText()).trim()}`);
    await screenshot('recording-counts');

    await stopRecording(wb, log);
    const stopped = await wb.see(wb.statusBarItem(/\d+ statements? recorded/), 'the status bar saying how many statements were recorded', 60_000);
    log(`status bar after Stop: ${(await stopped.innerText()).trim()}`);
    await screenshot('recording-stopped');
    await runInNewTerminal({ wb, db }, dump(after));
    const off = captureVars(await waitForFile(after, 'the environment of a terminal opened after Stop Recording', 60_000));
    log(`terminal after Stop: ${JSON.stringify(off)}`);
    if (off.socket || off.nodeOptions || off.pythonPath) throw new StepFailure(`expected no capture in a terminal opened after Stop Recording; saw ${JSON.stringify(off)}`);
    await clearRecordedQueries(wb);
    await wb.runCommand('Terminal: Kill All Terminals');
  },
};
