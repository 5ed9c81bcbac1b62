/**
 * The capture never reads as the cause of the app's own database errors (person20 LOW 9: the app's OperationalError — a
 * missing DATABASE_URL — showed `…/dist/python/sitecustomize.py`, `return orig_connect(*args, **kwargs)`). A real connect
 * failure (a wrong password, refused by the harness's server) and a real statement error, through the capture, in an app
 * under Debian's python3 (psycopg2, psycopg 3, asyncpg) and in a Node app (pg): no line of the capture's source in the
 * traceback, and the app's frames and the driver's error still there.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { testDatabase } from '../support';
import { listen } from '../../../src/capture/listener';
import { captureEnv } from '../../../src/capture/env';

const root = path.join(__dirname, '..', '..', '..');
const capture = path.join(root, 'dist', 'capture.js');
const pythonAssets = path.join(root, 'dist', 'python');
/** Debian's python3 (where apt installs python3-psycopg2 & co.); PGLENS_PYTHON overrides. */
const python = process.env.PGLENS_PYTHON ?? (fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

function lacks(module: string): string | undefined {
  const r = spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `${python} lacks ${module} (apt-get install python3-${module}; .ci/run does)`;
}

/** Runs `argv` with the capture on (sending to a real listener): its stderr and stdout. */
async function underCapture(argv: string[], env: NodeJS.ProcessEnv, dir: string): Promise<{ out: string; err: string; status: number | null; events: number }> {
  let events = 0;
  const listener = await listen(() => events++);
  try {
    const child = spawn(argv[0], argv.slice(1), { env: captureEnv({ ...process.env, ...env }, { node: capture, python: pythonAssets }, listener.path), cwd: dir });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    await listener.idle(5000);
    return { out, err, status, events };
  } finally {
    await listener.close();
  }
}

/** The capture's own files, as a traceback or a stack would name them. */
const OURS = /sitecustomize\.py|orig_connect|capture\.js|src[\\/]capture[\\/]/;

describe('capture: an app\'s database errors do not end in the capture\'s frames (real PostgreSQL)', function () {
  this.timeout(120000);
  const t = testDatabase('tracebacks');
  let dir: string;
  let badUrl: string;
  before(() => {
    assert.ok(fs.existsSync(capture) && fs.existsSync(path.join(pythonAssets, 'sitecustomize.py')), 'dist/capture.js or dist/python is missing: npm run build first (npm test does)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-lens-tb-'));
    const u = new URL(t.url);
    u.password = 'not-the-password';
    badUrl = u.toString();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A DB-API driver's app: a refused login, then a statement error, each traceback printed. */
  const dbApiApp = (driver: string, imports: string, loginError: string, statementError: string) => ({
    driver,
    code: [
      `import os, traceback, ${imports}`,
      'def open_db(url):',
      `    return ${driver}.connect(url)`,
      'try:',
      '    open_db(os.environ["BAD_URL"])',
      `except ${loginError}:`,
      '    traceback.print_exc()',
      'conn = open_db(os.environ["DATABASE_URL"])',
      'def load(cur):',
      '    cur.execute("SELECT no_such_column FROM pg_class WHERE oid = %s", (1,))',
      'try:',
      '    load(conn.cursor())',
      `except ${statementError}:`,
      '    traceback.print_exc()',
    ].join('\n'),
  });
  const pythonApps: { driver: string; code: string }[] = [
    dbApiApp('psycopg2', 'sys, psycopg2', 'psycopg2.OperationalError', 'psycopg2.ProgrammingError'),
    dbApiApp('psycopg', 'psycopg', 'psycopg.OperationalError', 'psycopg.errors.UndefinedColumn'),
    {
      driver: 'asyncpg',
      code: [
        'import asyncio, os, traceback, asyncpg',
        'async def main():',
        '    try:',
        '        await asyncpg.connect(os.environ["BAD_URL"])',
        '    except asyncpg.InvalidPasswordError:',
        '        traceback.print_exc()',
        '    conn = await asyncpg.connect(os.environ["DATABASE_URL"])',
        '    try:',
        '        await conn.fetch("SELECT no_such_column FROM pg_class WHERE oid = $1", 1)',
        '    except asyncpg.UndefinedColumnError:',
        '        traceback.print_exc()',
        '    await conn.close()',
        'asyncio.run(main())',
      ].join('\n'),
    },
  ];

  for (const app of pythonApps) {
    it(`Python, ${app.driver}: a refused password and a statement error show the app's lines and the driver's error, no line of sitecustomize.py`, async function () {
      const missing = lacks(app.driver);
      if (missing) {
        console.log(`      skipped: ${missing}`);
        return this.skip();
      }
      const file = path.join(dir, `app_${app.driver}.py`);
      fs.writeFileSync(file, app.code);
      const r = await underCapture([python, file], { DATABASE_URL: t.url, BAD_URL: badUrl }, dir);
      assert.equal(r.status, 0, r.err);
      assert.ok(r.events > 0, 'the capture was on (it sent the failed statement)');
      const tracebacks = r.err.split(/(?=Traceback \(most recent call last\))/).filter((x) => x.startsWith('Traceback'));
      assert.equal(tracebacks.length, 2, r.err);
      assert.match(tracebacks[0], /password authentication failed/);
      assert.match(tracebacks[1], /no_such_column/);
      for (const tb of tracebacks) {
        assert.ok(tb.includes(file), `the app's own frames stay:\n${tb}`);
        assert.doesNotMatch(tb, OURS, tb);
      }
    });
  }

  it('Node, pg: a refused password\'s and a statement error\'s stacks do not end in (or hold) the capture\'s frames', async () => {
    const file = path.join(dir, 'app.js');
    fs.writeFileSync(file, [
      `const { Client, Pool } = require(${JSON.stringify(require.resolve('pg'))});`,
      'async function openDb(url) { const c = new Client({ connectionString: url }); await c.connect(); return c; }',
      'async function main() {',
      '  try { await openDb(process.env.BAD_URL); } catch (e) { console.error("STACK " + e.stack); }',
      '  const pool = new Pool({ connectionString: process.env.BAD_URL });',
      '  try { await pool.query("SELECT 1"); } catch (e) { console.error("STACK " + e.stack); }',
      '  await pool.end();',
      '  const c = await openDb(process.env.DATABASE_URL);',
      '  try { await c.query("SELECT no_such_column FROM pg_class WHERE oid = $1", [1]); } catch (e) { console.error("STACK " + e.stack); }',
      '  await c.end();',
      '}',
      'main().catch((e) => { console.error(e); process.exit(1); });',
    ].join('\n'));
    const r = await underCapture([process.execPath, file], { DATABASE_URL: t.url, BAD_URL: badUrl }, dir);
    assert.equal(r.status, 0, r.err);
    assert.ok(r.events > 0, 'the capture was on (it sent the failed statement)');
    const stacks = r.err.split(/(?=STACK )/).filter((x) => x.startsWith('STACK '));
    assert.equal(stacks.length, 3, r.err);
    assert.match(stacks[0], /password authentication failed/);
    assert.match(stacks[1], /password authentication failed/);
    assert.match(stacks[2], /no_such_column/);
    for (const s of stacks) assert.doesNotMatch(s, OURS, s);
  });
});
