/**
 * The demo's terminal has `pg-lens` (person29 L8: `npx pg-lens --help` in code-server's terminal gave npm's 404): a
 * launcher of this checkout's CLI, first on the PATH of code-server's terminals.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { demoTerminalSettings, writeCliLauncher } from '../../../scripts/demoTerminal';

describe('scripts/demoTerminal: pg-lens on the demo terminal\'s PATH', () => {
  it("the launcher runs the checkout's dist/cli.js with its arguments, and the user setting puts its folder first on the terminal's PATH", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-demo-bin-'));
    try {
      // A checkout (with a space and a quote in its path) whose CLI prints its arguments.
      const repo = path.join(tmp, "my pg'lens");
      fs.mkdirSync(path.join(repo, 'dist'), { recursive: true });
      fs.writeFileSync(path.join(repo, 'dist', 'cli.js'), 'console.log(JSON.stringify(process.argv.slice(2)));\n');
      const bin = path.join(tmp, 'bin');
      const launcher = writeCliLauncher(bin, repo);
      assert.equal(launcher, path.join(bin, 'pg-lens'));
      const settings = demoTerminalSettings(bin) as { 'terminal.integrated.env.linux': { PATH: string } };
      assert.equal(settings['terminal.integrated.env.linux'].PATH, `${bin}:\${env:PATH}`);
      // Given the demo database, the terminal's libpq variables name it — never its password (person31 L4) — and say it is a
      // development one, so `pg-lens scan .` there proves advice as the editor does.
      const withDb = demoTerminalSettings(bin, 'postgres://postgres:s3cret@127.0.0.1:43379/shop')['terminal.integrated.env.linux'] as Record<string, string>;
      assert.deepEqual({ ...withDb, PATH: undefined }, { PATH: undefined, PGHOST: '127.0.0.1', PGPORT: '43379', PGUSER: 'postgres', PGDATABASE: 'shop', PGLENS_ENVIRONMENT: 'development' });
      assert.ok(!JSON.stringify(withDb).includes('s3cret'));
      // As the terminal would: `pg-lens --help` found on the PATH.
      const r = spawnSync('sh', ['-c', 'pg-lens --help "a b"'], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), ['--help', 'a b']);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
