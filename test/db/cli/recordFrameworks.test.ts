import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import { testDatabase } from '../support';
import { listen } from '../../../src/capture/listener';
import { captureEnv } from '../../../src/capture/env';
import { groupByUnit } from '../../../src/core/record/aggregate';
import { loadPgParser, normalizeSql } from '../../../src/core/sql/statement';
import type { QueryEvent } from '../../../src/core/record/protocol';

const root = path.join(__dirname, '..', '..', '..');
const fixtures = path.join(root, 'test', 'fixtures', 'record');
const assets = { node: path.join(root, 'dist', 'capture.js'), python: path.join(root, 'dist', 'python') };

/** A capability missing on this machine: say which in one line, then skip. */
function skip(ctx: Mocha.Context, why: string): void {
  console.log(`      skipped: ${why}`);
  ctx.skip();
}

/** Why the packages cannot be loaded from `dir` (undefined when they can). */
function lacks(dir: string, packages: string[]): string | undefined {
  const r = spawnSync(process.execPath, ['-e', `for (const p of ${JSON.stringify(packages)}) require.resolve(p)`], { cwd: dir, env: process.env, encoding: 'utf8' });
  return r.status === 0 ? undefined : `${packages.join(', ')} not installed (devDependencies: npm ci installs them)`;
}

/** Runs `args` with the capture on (as pg-lens record and Start Recording set it up); the statements it sent. */
async function capture(args: string[], databaseUrl: string, cwd = root): Promise<QueryEvent[]> {
  const events: QueryEvent[] = [];
  const listener = await listen((e) => {
    if (e.t === 'q') events.push(e);
  });
  try {
    const child = spawn(process.execPath, args, { cwd, env: captureEnv({ ...process.env, DATABASE_URL: databaseUrl }, assets, listener.path) });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(status, 0, stderr);
    await listener.idle(2000);
  } finally {
    await listener.close();
    fs.rmSync(listener.path, { force: true });
  }
  return events;
}

function lineOf(file: string, marker: string): number {
  const i = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(marker));
  assert.ok(i >= 0, `${marker} not in ${file}`);
  return i + 1;
}

/** Recorded Queries' groups: [name, instances, calls] of each request group, by name. */
function requestGroups(events: QueryEvent[]): [string, number, number][] {
  return groupByUnit(events, normalizeSql)
    .filter((g) => g.kind === 'request')
    .map((g): [string, number, number] => [g.name, g.instances, g.calls])
    .sort((a, b) => a[0].localeCompare(b[0]));
}

/** Most calls of the statement sent at `file:line` in one unit of work, and that unit's name. */
function perUnit(events: QueryEvent[], file: string, line: number): { max: number; units: string[] } {
  const by = new Map<string, number>();
  const names = new Set<string>();
  for (const e of events.filter((e) => e.site?.file === file && e.site?.line === line)) {
    by.set(e.u.id, (by.get(e.u.id) ?? 0) + 1);
    names.add(e.u.n);
  }
  return { max: Math.max(0, ...by.values()), units: [...names].sort() };
}

describe('capture: units of work named by the framework\'s route, ESM apps (real PostgreSQL, real child processes)', function () {
  this.timeout(180000);
  const t = testDatabase('record_fw');
  before(async () => {
    assert.ok(fs.existsSync(assets.node), 'dist/capture.js is missing: npm run build first (npm test does)');
    await loadPgParser();
  });

  for (const [name, file, packages, prefix, groups] of [
    ['Koa with @koa/router (a middleware queries before the router matched)', 'koaRoutes.js', ['koa', '@koa/router'], 'koa', [['GET /api/health', 6, 6], ['GET /api/users/:name', 3, 21]]],
    ['Fastify (routes in a plugin with a prefix)', 'fastifyRoutes.js', ['fastify'], 'fastify', [['GET /api/health', 6, 6], ['GET /api/users/:name', 3, 21]]],
  ] as const) {
    it(`${name}: each request one unit named by its matched route — one group per route, not one per user name; the N+1 counted per request`, async function () {
      const missing = lacks(fixtures, [...packages]);
      if (missing) return skip(this, missing);
      const program = path.join(fixtures, file);
      const events = await capture([program], t.url);
      // Koa's middleware statement runs before the router matched: it is named by the route when its batch is written
      // after the match, else by the path (a batch boundary between them), so the groups are read without it.
      assert.deepEqual(requestGroups(events.filter((e) => !/AS who/.test(e.sql))), groups);
      assert.deepEqual(perUnit(events, program, lineOf(program, `// ${prefix} N+1 line`)), { max: 7, units: ['GET /api/users/:name'] });
      assert.deepEqual(perUnit(events, program, lineOf(program, `// ${prefix} health line`)), { max: 1, units: ['GET /api/health'] });
    });
  }
  describe('an ES module app ("type": "module") run with the capture as Start Recording and pg-lens record set it up', () => {
    let dir: string;
    before(() => {
      // A folder whose name has a space: an ES module's frames name it by file URL (`pg%20lens`).
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg lens esm-'));
      for (const f of ['package.json', 'app.js', 'app.ts']) fs.copyFileSync(path.join(fixtures, 'esm', f), path.join(dir, f));
      fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
      // TypeScript compiled to an ES module with its map beside it (app.js.map), as tsc -p with sourceMap writes it.
      buildSync({ entryPoints: [path.join(dir, 'app.ts')], outfile: path.join(dir, 'out', 'app.js'), format: 'esm', platform: 'node', target: 'node20', sourcemap: true, logLevel: 'silent' });
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** [file, line, calls] of each call site the app's statements matching `text` were recorded at. */
    function sites(events: QueryEvent[], text: RegExp): [string | undefined, number | undefined, number][] {
      const by = new Map<string, [string | undefined, number | undefined, number]>();
      for (const e of events.filter((e) => text.test(e.sql))) {
        const k = `${e.site?.file}:${e.site?.line}`;
        by.set(k, [e.site?.file, e.site?.line, (by.get(k)?.[2] ?? 0) + 1]);
      }
      return [...by.values()];
    }

    it('`import pg from \'pg\'` and `import postgres from \'postgres\'` (postgres.js\'s ES build): every statement at its line, the path decoded from the file URL', async () => {
      const app = path.join(dir, 'app.js');
      const events = await capture([app], t.url, dir);
      assert.deepEqual(sites(events, /esm_pg/), [[app, lineOf(app, '// esm pg line'), 6]]);
      assert.deepEqual(sites(events, /esm_postgres/), [[app, lineOf(app, '// esm postgres line'), 6]]);
    });

    it('TypeScript compiled to ES modules with source maps: each statement at its line of the .ts file', async () => {
      const ts = path.join(dir, 'app.ts');
      const events = await capture([path.join(dir, 'out', 'app.js')], t.url, dir);
      assert.deepEqual(sites(events, /ts_pg/), [[ts, lineOf(ts, '// ts pg line'), 6]]);
      assert.deepEqual(sites(events, /ts_postgres/), [[ts, lineOf(ts, '// ts postgres line'), 6]]);
    });

    it('with its listener gone, the ES module app prints exactly what it prints without capture', () => {
      const env = { ...process.env, DATABASE_URL: t.url };
      const app = path.join(dir, 'app.js');
      const plain = spawnSync(process.execPath, [app], { cwd: dir, env, encoding: 'utf8' });
      const gone = spawnSync(process.execPath, [app], { cwd: dir, env: captureEnv(env, assets, path.join(os.tmpdir(), 'pg-lens-no-listener.sock')), encoding: 'utf8' });
      assert.equal(plain.status, 0, plain.stderr);
      assert.equal(gone.status, 0, gone.stderr);
      assert.equal(gone.stdout, plain.stdout);
      assert.equal(gone.stderr, plain.stderr);
    });
  });
});
