import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
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

  // Groups' calls: Koa's middleware sends one statement in every request too.
  for (const [name, file, packages, prefix, groups] of [
    ['Koa with @koa/router (a middleware queries before the router matched)', 'koaRoutes.js', ['koa', '@koa/router'], 'koa', [['GET /api/health', 6, 12], ['GET /api/users/:name', 3, 24]]],
    ['Fastify (routes in a plugin with a prefix)', 'fastifyRoutes.js', ['fastify'], 'fastify', [['GET /api/health', 6, 6], ['GET /api/users/:name', 3, 21]]],
  ] as const) {
    it(`${name}: each request one unit named by its matched route — one group per route, not one per user name; the N+1 counted per request`, async function () {
      const missing = lacks(fixtures, [...packages]);
      if (missing) return skip(this, missing);
      const program = path.join(fixtures, file);
      const events = await capture([program], t.url);
      assert.deepEqual(requestGroups(events), groups);
      assert.deepEqual(perUnit(events, program, lineOf(program, `// ${prefix} N+1 line`)), { max: 7, units: ['GET /api/users/:name'] });
      assert.deepEqual(perUnit(events, program, lineOf(program, `// ${prefix} health line`)), { max: 1, units: ['GET /api/health'] });
    });
  }
});
