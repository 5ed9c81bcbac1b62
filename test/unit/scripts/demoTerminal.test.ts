/**
 * The demo's terminal has `pg-lens` (person29 L8: `npx pg-lens --help` in code-server's terminal gave npm's 404): a
 * launcher of this checkout's CLI, first on the PATH of code-server's terminals.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { demoTerminalSettings, writeCliLauncher, writeTrafficLauncher } from '../../../scripts/demoTerminal';

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

  it("shop-traffic runs the workspace's traffic.ts (orm: orm/traffic.ts) with the checkout's tsx and modules, DATABASE_URL from the terminal's PG* (person37 M1)", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-demo-traffic-'));
    try {
      const repo = path.join(tmp, "my pg'lens");
      const ws = path.join(tmp, 'work space');
      fs.mkdirSync(path.join(repo, 'node_modules', '.bin'), { recursive: true });
      fs.mkdirSync(ws);
      // A tsx that says what it was asked to run, from where, with what.
      const tsx = path.join(repo, 'node_modules', '.bin', 'tsx');
      fs.writeFileSync(tsx, '#!/bin/sh\nprintf "%s|%s|%s|%s\\n" "$1" "$(pwd)" "$DATABASE_URL" "$NODE_PATH"\n', { mode: 0o755 });
      const bin = path.join(tmp, 'bin');
      assert.equal(writeTrafficLauncher(bin, repo, ws), path.join(bin, 'shop-traffic'));
      const env = { PATH: `${bin}:${process.env.PATH}`, PGUSER: 'postgres', PGHOST: '127.0.0.1', PGPORT: '43379', PGDATABASE: 'shop' };
      const run = (cmd: string, more: Record<string, string> = {}) => {
        const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8', cwd: tmp, env: { ...env, ...more } });
        assert.equal(r.status, 0, r.stderr);
        return r.stdout.trim().split('|');
      };
      assert.deepEqual(run('shop-traffic'), ['traffic.ts', ws, 'postgres://postgres@127.0.0.1:43379/shop', path.join(repo, 'node_modules')]);
      assert.deepEqual(run('shop-traffic orm').slice(0, 2), ['orm/traffic.ts', ws]);
      assert.equal(run('shop-traffic', { DATABASE_URL: 'postgres://u@h:1/d' })[2], 'postgres://u@h:1/d');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
