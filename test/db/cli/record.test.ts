import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { runCli } from '../../unit/support/cli';
import { loadShop } from '../../../examples/shop/seed';
import { statementStats, testDatabase } from '../support';
import { listen } from '../../../src/capture/listener';
import { captureEnv } from '../../../src/capture/env';
import { tempFolderForRun } from '../../unit/support/tempFolder';

const root = path.join(__dirname, '..', '..', '..');
/** A program under test/fixtures/record. */
const fixture = (name: string) => path.join(root, 'test', 'fixtures', 'record', name);
const app = fixture('app.js');
const capture = path.join(root, 'dist', 'capture.js');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

/**
 * Runs a fixture with the capture on, sending to the listener at `socket`; its stdout once it exits (status 0 asserted).
 * Not spawnSync: the listener in this process must read while the app runs.
 */
async function runUnderCapture(script: string, socket: string, databaseUrl: string, opts: { values?: boolean } = {}): Promise<string> {
  const env = captureEnv({ ...process.env, DATABASE_URL: databaseUrl }, { node: capture, python: path.join(root, 'dist', 'python') }, socket, opts);
  const child = spawn(process.execPath, [script], { env });
  let out = '';
  let stderr = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (stderr += d));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(status, 0, stderr);
  return out;
}

const run = (argv: string[], env: NodeJS.ProcessEnv) => runCli(argv, { env: { ...process.env, ...env }, cwd: root });

/** `pg-lens record --format json <argv>`, which must succeed: its report. */
async function recordJson(argv: string[], env: NodeJS.ProcessEnv) {
  const r = await run(['record', '--format', 'json', ...argv], env);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out);
}

/** 1-based line of the first line of `file` holding `marker`. */
function lineOf(file: string, marker: string): number {
  const i = fs.readFileSync(path.join(root, file), 'utf8').split('\n').findIndex((l) => l.includes(marker));
  assert.ok(i >= 0, `${marker} not in ${file}`);
  return i + 1;
}

describe('cli: pg-lens record (real PostgreSQL, real child processes)', function () {
  this.timeout(180000);
  const t = testDatabase('record');
  before(async () => {
    assert.ok(fs.existsSync(capture), 'dist/capture.js is missing: npm run build first (npm test does)');
    await loadShop(t.url, { scale: 0.02 });
  });

  it('finds the Sequelize shop\'s N+1 at the lazy association call and its missing index at the ORM call (--db)', async () => {
    const json = await recordJson(['--db', t.url, '--', tsx, 'examples/shop/orm/traffic.ts'], { DATABASE_URL: t.url, ROUNDS: '2' });
    assert.equal(json.nPlusOne.length, 1, JSON.stringify(json.nPlusOne, null, 1));
    const n = json.nPlusOne[0];
    assert.equal(n.file, path.join('examples', 'shop', 'orm', 'orders.ts'));
    assert.equal(n.line, lineOf('examples/shop/orm/orders.ts', 'planted: n-plus-one'));
    assert.equal(n.calls, 10, 'one SELECT per order of the page of 10');
    assert.equal(n.units, 2, 'each of the two requests to /orders/recent');
    assert.equal(n.unit, 'GET /orders/recent');
    assert.equal(n.via, 'sequelize');
    assert.match(n.sql, /FROM "order_items"/);
    assert.match(n.fix, /include/);
    const refundLine = lineOf('examples/shop/orm/orders.ts', 'planted: missing-index');
    const site = json.sites.find((s: { line: number }) => s.line === refundLine);
    assert.ok(site, `no statements recorded at orders.ts:${refundLine}`);
    const ddls = site.statements.flatMap((s: { advice?: { indexes: { ddl: string }[] } }) => s.advice?.indexes.map((i) => i.ddl) ?? []);
    // The ORDER BY names the output alias "placedAt"; the advice reads it as placed_at.
    assert.ok(ddls.some((d: string) => /ON orders \(status(, placed_at DESC)?\)/.test(d)), JSON.stringify(site, null, 1));
    // The eager page and the order detail load the same rows without an N+1 and without advice on order_items.
    for (const marker of ['recentOrdersWithItemsEager(limit: number)']) {
      const eager = json.sites.find((s: { line: number }) => s.line === lineOf('examples/shop/orm/orders.ts', marker) + 1);
      assert.ok(eager && eager.statements.every((s: { maxPerUnit: number }) => s.maxPerUnit === 1), JSON.stringify(eager));
    }
  });

  it("the demo's shop-traffic (examples/shop/traffic.ts run by itself) sends requests over HTTP: its N+1 counted per request, not per run (person38 M1: 160 times in one run)", async () => {
    const json = await recordJson(['--', tsx, 'examples/shop/traffic.ts'], { DATABASE_URL: t.url, REQUESTS: '60' });
    const file = path.join('examples', 'shop', 'src', 'orders.ts');
    const n = json.nPlusOne.find((x: { file: string }) => x.file === file);
    assert.ok(n, `no N+1 in ${file}: ${JSON.stringify(json.nPlusOne)}`);
    assert.equal(n.unitKind, 'request', JSON.stringify(n));
    assert.ok(n.calls <= 20, `one request's look-ups (a page of 20 orders), not the run's: ${JSON.stringify(n)}`);
    assert.ok((json.units.request ?? 0) >= 50, `each simulated request a unit: ${JSON.stringify(json.units)}`);
    // The loop walks `const orders = await recentOrders(db, limit)`: the rows come from that helper's query, read from the
    // parsed source (a reader of the loop's own line compared its name with the helper's `rows` and named none).
    assert.deepEqual(n.parent && [n.parent.file, n.parent.line], [file, lineOf('examples/shop/src/orders.ts', 'async function recentOrders(') + 1], JSON.stringify(n));
    // The load generator's `SELECT max(id)` (one row, a number) names no rows of the loop that looks up e-mails (person47 L4).
    for (const x of json.nPlusOne.filter((y: { file: string }) => y.file === path.join('examples', 'shop', 'traffic.ts'))) assert.equal(x.parent, undefined, JSON.stringify(x));
  });

  it('records every call style of pg at its line, counts the N+1 per run, and leaves the app\'s output and errors as they were', async () => {
    const plain = spawnSync(process.execPath, [app], { env: { ...process.env, DATABASE_URL: t.url, NODE_OPTIONS: '' }, encoding: 'utf8' });
    assert.equal(plain.status, 0, plain.stderr);
    const json = await recordJson(['--threshold', '5', '--', process.execPath, app], { DATABASE_URL: t.url });
    const rel = path.relative(root, app);
    assert.deepEqual(json.nPlusOne.map((n: { file: string; line: number; calls: number }) => [n.file, n.line, n.calls]), [[rel, lineOf(path.relative(root, app), '// N+1 line'), 12]]);
    assert.equal(json.statements, 1 + 12 + 3 + 3 + 1 + 2);
    assert.equal(json.errors, 1);
    const lines = new Set(json.sites.map((s: { line: number }) => s.line));
    for (const marker of ["'SELECT 40 + $1", "text: 'SELECT $1::text", 'no_such_table_here', 'under_threshold']) assert.ok(lines.has(lineOf(rel, marker)), `${marker} not recorded at its line`);
    // Pool#query calls of one text, queued at once from three lines (max 2 clients): one statement at each line.
    for (const marker of ['same text, first line', 'same text, second line', 'same text, third line']) {
      const site = json.sites.find((s: { line: number }) => s.line === lineOf(rel, marker));
      assert.equal(site?.calls, 1, `${marker}: ${JSON.stringify(json.sites.map((s: { line: number; calls: number }) => [s.line, s.calls]))}`);
    }
    assert.deepEqual(json.units, { root: 1 });
    // With capture loaded but its listener gone: the same output, nothing on stderr.
    const withCapture = spawnSync(process.execPath, [app], { env: { ...process.env, DATABASE_URL: t.url, NODE_OPTIONS: `--require ${JSON.stringify(capture)}`, PGLENS_CAPTURE_SOCKET: path.join(os.tmpdir(), 'pg-lens-no-listener.sock') }, encoding: 'utf8' });
    assert.equal(withCapture.status, 0, withCapture.stderr);
    assert.equal(withCapture.stdout, plain.stdout, 'a listener that is gone changes nothing');
    assert.equal(withCapture.stderr, '');
  });

  it('Pool: two identical statements queued at once keep their own line and unit when the second reaches the server first', async () => {
    // The pool's first connection comes up 150 ms late, so the second query's statement is sent first
    // (a FIFO of sites per statement text put each at the other's line here).
    const race = fixture('poolRace.js');
    const rel = path.relative(root, race);
    const json = await recordJson(['--', process.execPath, race], { DATABASE_URL: t.url });
    const at = (marker: string) => {
      const site = json.sites.find((s: { file: string; line: number }) => s.file === rel && s.line === lineOf(rel, marker));
      return site?.statements.map((s: { calls: number; rows: number; maxUnit: string }) => [s.calls, s.rows, s.maxUnit]);
    };
    assert.deepEqual(at('race: first line'), [[1, 1, 'outside any request or test']]);
    assert.deepEqual(at('race: second line'), [[1, 3, 'outside any request or test']]);
    assert.deepEqual(at('race: request one'), [[1, 1, 'GET /one']]);
    assert.deepEqual(at('race: request three'), [[1, 3, 'GET /three']]);
    // Async context tracking (Node's hooks on every promise) is switched on by the first unit of work (a
    // request here), never in the script's own part: its statements group under the root without it.
    const env = { ...process.env, DATABASE_URL: t.url };
    const plain = spawnSync(process.execPath, [race], { env: { ...env, NODE_OPTIONS: '' }, encoding: 'utf8' });
    assert.match(plain.stdout, /tracking: in the script false, in a request false/, plain.stderr);
    const captured = spawnSync(process.execPath, [race], { env: { ...env, NODE_OPTIONS: `--require ${JSON.stringify(capture)}`, PGLENS_CAPTURE_SOCKET: path.join(os.tmpdir(), 'pg-lens-no-listener.sock') }, encoding: 'utf8' });
    assert.match(captured.stdout, /tracking: in the script false, in a request true/, captured.stderr);
  });

  it('requests are named by route (person15): the framework route Express/NestJS matched, else the path with ids as :id — one unit name per route', async () => {
    const routes = fixture('routes.js');
    const rel = path.relative(root, routes);
    const json = await recordJson(['--', process.execPath, routes], { DATABASE_URL: t.url });
    const at = (marker: string) => json.sites.find((s: { file: string; line: number }) => s.file === rel && s.line === lineOf(rel, marker))?.statements.map((s: { calls: number; units: number; maxUnit: string }) => [s.calls, s.units, s.maxUnit]);
    assert.deepEqual(at('routes: framework route'), [[2, 2, 'GET /api/v1/projects/:projectId/terms']]);
    assert.deepEqual(at('routes: plain path'), [[2, 2, 'GET /orders/:id/items']]);
  });

  it('one statement text from several lines: each call at its own line with its count — alternating lines, and an N+1 that starts after the text was seen 40 times from another line', async () => {
    const program = fixture('sameText.js');
    const rel = path.relative(root, program);
    const r = await run(['record', '--format', 'json', '--threshold', '5', '--', process.execPath, program], { DATABASE_URL: t.url });
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out);
    const calls = Object.fromEntries(json.sites.filter((s: { file: string }) => s.file === rel).map((s: { line: number; calls: number }) => [s.line, s.calls]));
    const expected: Record<number, number> = {};
    for (const [marker, n] of [['// warm-up line', 40], ['// alternating line A', 3], ['// alternating line B', 3], ['// late N+1 line', 25], ['// once line', 1]] as const) expected[lineOf(rel, marker)] = n;
    assert.deepEqual(calls, expected);
    const nPlusOne = json.nPlusOne.map((n: { file: string; line: number; calls: number }) => [n.file, n.line, n.calls]).sort((a: number[], b: number[]) => a[1] - b[1]);
    assert.deepEqual(nPlusOne, [[rel, lineOf(rel, '// warm-up line'), 40], [rel, lineOf(rel, '// late N+1 line'), 25]]);
  });

  it("a thin wrapper around the driver (`query: (...args) => pool.query(...args)`) is not the site: each statement is at the line that called it (person21 MEDIUM 1)", async () => {
    const program = fixture('passThrough.js');
    const rel = path.relative(root, program);
    const r = await run(['record', '--format', 'json', '--', process.execPath, program], { DATABASE_URL: t.url });
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out);
    const calls = Object.fromEntries(json.sites.filter((s: { file: string }) => s.file === rel).map((s: { line: number; calls: number }) => [s.line, s.calls]));
    // The first statement too, sent through the wrapper before any other (person22 MEDIUM 1's remnant: it stayed at the wrapper's line).
    // And after the script's own statements at another line (person24 MEDIUM 1).
    const expected: Record<number, number> = { [lineOf(rel, '// setup line')]: 3, [lineOf(rel, '// warm-up line')]: 1 };
    for (const [marker, n] of [['// caller line A', 6], ['// caller line B', 3], ['// direct line', 2]] as const) expected[lineOf(rel, marker)] = n;
    assert.deepEqual(calls, expected);
  });

  it('the same wrapper in TypeScript run by tsx, whose whole module is one generated line: every statement at its caller\'s line (person25: 52 of the demo traffic\'s statements stayed at the wrapper)', async () => {
    const program = fixture('passThroughTs.ts');
    const rel = path.relative(root, program);
    const r = await run(['record', '--format', 'json', '--', tsx, program], { DATABASE_URL: t.url });
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out);
    const calls = Object.fromEntries(json.sites.filter((s: { file: string }) => s.file === rel).map((s: { line: number; calls: number }) => [s.line, s.calls]));
    const expected: Record<number, number> = {};
    for (const [marker, n] of [['// setup line', 3], ['// warm-up line', 1], ['// caller line A', 6], ['// caller line B', 3]] as const) expected[lineOf(rel, marker)] = n;
    assert.deepEqual(calls, expected);
  });

  it('Sequelize: calls awaited on another line are at the line that called the ORM; an app hook\'s raw SQL and association read inside an ORM call are at the hook\'s lines', async () => {
    // Sequelize sends each statement through Sequelize#query after awaits of its own; the app's function
    // awaiting the call then shows as an async stack frame — its await line, not the call's.
    const program = fixture('sequelizeSites.js');
    const rel = path.relative(root, program);
    const r = await run(['record', '--format', 'json', '--', process.execPath, program], { DATABASE_URL: t.url });
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out);
    const at = (marker: string) => json.sites.find((s: { file: string; line: number }) => s.file === rel && s.line === lineOf(rel, marker));
    assert.deepEqual(json.nPlusOne.map((n: { file: string; line: number; calls: number; via: string }) => [n.file, n.line, n.calls, n.via]), [[rel, lineOf(rel, '// map line'), 6, 'sequelize']]);
    assert.equal(at('// await line'), undefined, 'nothing at the line that awaits the calls');
    const sqlAt = (marker: string) => at(marker)?.statements.map((s: { sql: string; calls: number }) => [s.sql, s.calls]);
    assert.deepEqual(sqlAt('// hook raw line'), [['SELECT count(*) AS n FROM sqs_author', 1]]);
    const getter = sqlAt('// hook getter line');
    assert.equal(getter?.length, 1, JSON.stringify(getter));
    assert.match(getter[0][0], /FROM "sqs_author"/);
    const find = sqlAt('// hooked find line');
    assert.equal(find?.length, 1, JSON.stringify(find));
    assert.match(find[0][0], /FROM "sqs_book"/);
  });

  it('Sequelize in a script (no unit of work open): each finder and raw query at its line, the N+1 at the loop, with no async context entered and the app\'s options left as they were', async () => {
    // The site rides on the options Sequelize passes to its query (the fixture fails when an AsyncLocalStorage is entered).
    const program = fixture('sequelizeScript.js');
    const rel = path.relative(root, program);
    const r = await run(['record', '--format', 'json', '--', process.execPath, program], { DATABASE_URL: t.url });
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out);
    const at = (marker: string) => json.sites.find((s: { file: string; line: number }) => s.file === rel && s.line === lineOf(rel, marker));
    const sqlAt = (marker: string) => (at(marker)?.statements ?? []).map((s: { sql: string; calls: number }) => [s.sql.slice(0, 24), s.calls]);
    assert.equal(at('// await line'), undefined, 'nothing at the line that awaits the calls');
    assert.deepEqual(sqlAt('// findByPk line'), [['SELECT "id", "v" FROM "s', 1]]);
    assert.deepEqual(sqlAt('// findOne line'), [['SELECT "id", "v" FROM "s', 1]]);
    assert.deepEqual(sqlAt('// findAll line'), [['SELECT "id", "v" FROM "s', 1]]);
    assert.deepEqual(sqlAt('// count line'), [['SELECT count(*) AS "coun', 1]]);
    assert.equal(sqlAt('// findAndCountAll line').length, 2, JSON.stringify(sqlAt('// findAndCountAll line')));
    assert.deepEqual(sqlAt('// raw line'), [['SELECT 1 AS one', 1]]);
    assert.ok(at('// setup line'), 'the raw setup statements at their line');
    assert.deepEqual(json.nPlusOne.map((n: { file: string; line: number; calls: number; via: string }) => [n.file, n.line, n.calls, n.via]), [[rel, lineOf(rel, '// loop line'), 5, 'sequelize']]);
  });

  for (const [alias, version, label] of [['knex-019', '0.19.5', 'Knex before 0.95 (issue 20 person18 HIGH 1: its runner is lib/runner.js, not lib/execution/runner.js)'], ['knex-3', '3.1.0', 'Knex 3 (lib/execution/runner.js)']]) it(`${label}: the loop's query at its line, the N+1 found there, and no "call sites unknown" note`, async function () {
    const program = fixture('knexOld.js');
    const missing = spawnSync(process.execPath, ['-e', `require.resolve(${JSON.stringify(alias)})`], { cwd: path.dirname(program), env: process.env });
    if (missing.status !== 0) {
      console.log(`      skipped: ${alias} (npm:knex@${version}) not installed (devDependencies: npm ci installs it)`);
      this.skip();
    }
    const rel = path.relative(root, program);
    const json = await recordJson(['--', process.execPath, program], { DATABASE_URL: t.url, KNEX_MODULE: alias });
    // via is the package's folder: the alias here, knex in an app.
    assert.deepEqual(json.nPlusOne.map((n: { file: string; line: number; calls: number; via: string; unit: string }) => [n.file, n.line, n.calls, n.via, n.unit]), [[rel, lineOf(rel, '// loop line'), 6, alias, 'GET /tags']]);
    assert.ok(json.sites.some((s: { file: string; line: number }) => s.file === rel && s.line === lineOf(rel, '// setup line')), JSON.stringify(json.sites));
    // Every statement at a line, but the driver's once-per-connection set-up (its own site, no line: rec20b).
    assert.ok(json.sites.every((s: { file: string | null; connection?: boolean }) => s.file !== null || s.connection === true), JSON.stringify(json.sites));
    assert.equal(json.sitesUnknown, undefined);
  });

  it('a write per item (person18: Knex 0.19\'s tag INSERT per tag, duplicates caught one by one) is reported at its loop\'s line with its count and failures — never as an N+1, and the single and multi-row INSERTs are not', async function () {
    const program = fixture('knexTagLoop.js');
    const missing = spawnSync(process.execPath, ['-e', 'require.resolve("knex-019")'], { cwd: path.dirname(program), env: process.env });
    if (missing.status !== 0) {
      console.log('      skipped: knex-019 (npm:knex@0.19.5) not installed (devDependencies: npm ci installs it)');
      this.skip();
    }
    const rel = path.relative(root, program);
    const json = await recordJson(['--', process.execPath, program], { DATABASE_URL: t.url });
    assert.deepEqual(json.nPlusOne, []);
    assert.deepEqual(json.writesPerItem.map((w: { file: string; line: number; kind: string; calls: number; failed: number; units: number; unit: string; fix: string }) => [w.file, w.line, w.kind, w.calls, w.failed, w.units, w.unit]), [[rel, lineOf(rel, '// tag loop line'), 'insert', 6, 4, 2, 'POST /api/articles']]);
    assert.match(json.writesPerItem[0].fix, /\.insert\(rows\)/);
    for (const m of ['// article line', '// whereIn line', '// links line']) assert.ok(json.sites.some((s: { file: string; line: number }) => s.file === rel && s.line === lineOf(rel, m)), m);
    const text = await run(['record', '--', process.execPath, program], { DATABASE_URL: t.url });
    assert.match(text.out, /Writes per item .*: 1\n {2}test\/fixtures\/record\/knexTagLoop\.js:\d+:\d+ {2}write per item: this call sent the same INSERT 6 times in one request \(POST \/api\/articles\), 4 of them failed/);
  });

  it('TypeORM in a script (no unit of work open): each read at its line — several at once, each on its own runner — the N+1 at the loop, with no async context entered for a read', async () => {
    // The site rides on the query runner the read makes (the fixture fails when an AsyncLocalStorage is entered for a read).
    const program = fixture('typeormScript.js');
    const rel = path.relative(root, program);
    const r = await run(['record', '--format', 'json', '--', process.execPath, program], { DATABASE_URL: t.url });
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out);
    const at = (marker: string) => json.sites.find((s: { file: string; line: number }) => s.file === rel && s.line === lineOf(rel, marker));
    const sqlAt = (marker: string) => (at(marker)?.statements ?? []).map((s: { sql: string; calls: number }) => [s.sql.replace(/\s+/g, ' ').slice(0, 40), s.calls]);
    assert.equal(at('// await line'), undefined, 'nothing at the line that awaits the calls');
    const one = (marker: string, table: string) => {
      const sql = sqlAt(marker);
      assert.equal(sql.length, 1, `${marker}: ${JSON.stringify(sql)}`);
      assert.match(sql[0][0], new RegExp(`^SELECT .*${table}|^SELECT`), marker);
      assert.equal(sql[0][1], 1, marker);
    };
    for (const m of ['// findOneBy line', '// relations line', '// count line', '// manager line', '// builder line']) one(m, 'ts_');
    assert.equal(sqlAt('// findAndCount line').length, 2, JSON.stringify(sqlAt('// findAndCount line')));
    assert.ok(at('// list line'), 'the list at its line');
    assert.ok(sqlAt('// write line').some(([sql]: [string]) => /^UPDATE/.test(sql)), JSON.stringify(sqlAt('// write line')));
    assert.deepEqual(json.nPlusOne.map((n: { file: string; line: number; calls: number; via: string }) => [n.file, n.line, n.calls, n.via]), [[rel, lineOf(rel, '// loop line'), 5, 'typeorm']]);
    // Every statement of the app's reads has its line (none is left without a site).
    const siteless = json.sites.filter((s: { file?: string }) => !s.file).flatMap((s: { statements: { sql: string }[] }) => s.statements.map((x) => x.sql));
    assert.deepEqual(siteless.filter((sql: string) => /ts_/.test(sql)), [], JSON.stringify(siteless));
  });

  it('Prisma (person12 R4): a call made at the app\'s line and sent later by Prisma (its nextTick batch for findUnique, `(tx || this.prisma).model.findUniqueOrThrow`) is at that line, and its N+1 found', async () => {
    // The runtime is a stand-in with Prisma's own shape (see the fixture); its frames are a library's: in node_modules.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-prisma-'));
    const runtime = path.join(dir, 'node_modules', '@prisma', 'client', 'runtime', 'client.js');
    fs.mkdirSync(path.dirname(runtime), { recursive: true });
    fs.copyFileSync(fixture('prismaRuntime.js'), runtime);
    try {
      const program = fixture('prismaApp.js');
      const rel = path.relative(root, program);
      const r = await run(['record', '--format', 'json', '--', process.execPath, program], { DATABASE_URL: t.url, PRISMA_RUNTIME: runtime });
      assert.equal(r.code, 0, r.err);
      const json = JSON.parse(r.out);
      const at = (marker: string) => json.sites.find((s: { file: string; line: number }) => s.file === rel && s.line === lineOf(rel, marker));
      const callsAt = (marker: string) => (at(marker)?.statements ?? []).map((s: { sql: string; calls: number }) => [s.sql.slice(0, 30), s.calls]);
      assert.deepEqual(callsAt('// findUniqueOrThrow line'), [['SELECT * FROM "products" WHERE', 6]], JSON.stringify(json.sites, null, 1));
      assert.deepEqual(callsAt('// findMany line'), [['SELECT * FROM "products" WHERE', 1]]);
      assert.deepEqual(callsAt('// findUnique line'), [['SELECT * FROM "customers" WHER', 1]]);
      // None of the app's statements is left without its line ("sent from a library on its own").
      assert.deepEqual(json.sites.filter((s: { file?: string }) => !s.file), [], JSON.stringify(json.sites, null, 1));
      assert.deepEqual(json.nPlusOne.map((n: { file: string; line: number; calls: number; via: string }) => [n.file, n.line, n.calls, n.via]), [[rel, lineOf(rel, '// findUniqueOrThrow line'), 6, '@prisma/client'], [rel, lineOf(rel, '// two conditions line'), 5, '@prisma/client']]);
      // The capture says which parameter changed between the calls (never a value): the batch is on id, category kept.
      const two = json.nPlusOne[1];
      assert.match(two.fix, /prisma\.products\.findMany\(\{ where: \{ id: \{ in: ids \}, category: 'books' \} \}\)/, two.fix);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a require-hook transpiler (ts-node, esbuild-register, @swc/register): statements at the .ts lines through the inline source map handed to Module#_compile', async () => {
    // The hook compiles in memory as ts-node does; the .ts on disk has no sourceMappingURL and Node's
    // source-map cache is off (no --enable-source-maps), so only the compiled code's own comment maps.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-hook-'));
    try {
      const hook = path.join(dir, 'hook.js');
      fs.writeFileSync(hook, [
        `const fs = require('fs');`,
        `const esbuild = require(${JSON.stringify(path.join(root, 'node_modules', 'esbuild'))});`,
        `require.extensions['.ts'] = (m, f) => m._compile(esbuild.transformSync(fs.readFileSync(f, 'utf8'), { loader: 'ts', format: 'cjs', sourcemap: 'inline', sourcefile: f }).code, f);`,
      ].join('\n'));
      const program = path.join(dir, 'app.ts');
      fs.writeFileSync(program, [
        `import type { QueryResult } from 'pg';`,
        `import { Client } from 'pg';`,
        ``,
        `/** Type-only lines: gone from the compiled code, so every line below moves up. */`,
        `interface Row {`,
        `  id: number;`,
        `  twice: number;`,
        `}`,
        `type Ids = Array<{ id: number }>;`,
        `declare const unused: Row | undefined;`,
        ``,
        `async function main(): Promise<void> {`,
        `  const client: Client = new Client({ connectionString: process.env.DATABASE_URL });`,
        `  await client.connect();`,
        `  const ids: QueryResult<{ id: number }> = await client.query('SELECT g AS id FROM generate_series(1, 8) g'); // single line`,
        `  const list: Ids = ids.rows;`,
        `  for (const { id } of list) {`,
        `    const r: QueryResult<Row> = await client.query<Row>(`,
        `      'SELECT $1::int * 2 AS twice', // N+1 text`,
        `      [id],`,
        `    ); // N+1 end`,
        `    void r;`,
        `  }`,
        `  await client.end();`,
        `}`,
        `main().catch((e: Error) => { console.error(e); process.exit(1); });`,
      ].join('\n'));
      const fileLine = (marker: string) => fs.readFileSync(program, 'utf8').split('\n').findIndex((l) => l.includes(marker)) + 1;
      const callLine = fileLine('await client.query<Row>(');
      const json = await recordJson(['--threshold', '5', '--', process.execPath, '-r', hook, program], { DATABASE_URL: t.url, NODE_PATH: path.join(root, 'node_modules') });
      const ours = json.sites.filter((s: { file?: string }) => s.file && path.resolve(root, s.file) === program);
      const lines = ours.map((s: { line: number; calls: number }) => [s.line, s.calls]).sort((a: number[], b: number[]) => a[0] - b[0]);
      assert.deepEqual(lines, [[fileLine('// single line'), 1], [callLine, 8]], JSON.stringify(json.sites, null, 1));
      assert.deepEqual(json.nPlusOne.map((n: { file: string; line: number; calls: number }) => [path.resolve(root, n.file), n.line, n.calls]), [[program, callLine, 8]]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('postgres.js: tagged queries, sql.unsafe and errors at their lines; the N+1 in a loop with its count', async () => {
    const pjs = fixture('postgresjs.js');
    const rel = path.relative(root, pjs);
    const plain = spawnSync(process.execPath, [pjs], { env: { ...process.env, DATABASE_URL: t.url, NODE_OPTIONS: '' }, encoding: 'utf8' });
    assert.equal(plain.status, 0, plain.stderr);
    const json = await recordJson(['--', process.execPath, pjs], { DATABASE_URL: t.url });
    assert.deepEqual(json.nPlusOne.map((n: { file: string; line: number; calls: number }) => [n.file, n.line, n.calls]), [[rel, lineOf(rel, '// N+1 line'), 7]]);
    // + postgres.js's own type lookup on connect, which has no line in the app's code.
    assert.equal(json.statements, 1 + 7 + 1 + 1 + 1);
    assert.equal(json.sites.filter((s: { file?: string }) => !s.file).map((s: { statements: { sql: string }[] }) => s.statements[0].sql).join(), json.sites.find((s: { file?: string }) => !s.file)?.statements[0].sql);
    assert.match(json.sites.find((s: { file?: string }) => !s.file)?.statements[0].sql ?? '', /pg_catalog\.pg_type/);
    assert.equal(json.errors, 1);
    const lines = new Set(json.sites.map((s: { line: number }) => s.line));
    for (const marker of ['// unsafe line', '// error line']) assert.ok(lines.has(lineOf(rel, marker)), `${marker} not recorded at its line`);
    const loop = json.sites.find((s: { line: number }) => s.line === lineOf(rel, '// N+1 line'));
    assert.match(loop.statements[0].sql, /\$1::int \* 2/, 'the text as sent, with its $n parameter');
  });

  it('TypeORM: the repository call in a loop is the N+1 at its line; the list and the find with relations are not; synchronize is left out', async () => {
    const app = fixture('typeorm_app.js');
    const rel = path.relative(root, app);
    const json = await recordJson(['--', process.execPath, app], { DATABASE_URL: t.url });
    assert.deepEqual(json.nPlusOne.map((n: { file: string; line: number; calls: number; via: string }) => [n.file, n.line, n.calls, n.via]), [[rel, lineOf(rel, '// N+1 line'), 6, 'typeorm']]);
    assert.match(json.nPlusOne[0].fix, /relations/);
    for (const marker of ['// list line', '// eager line']) {
      const site = json.sites.find((s: { line: number }) => s.line === lineOf(rel, marker));
      assert.equal(site?.calls, 1, `${marker}: ${JSON.stringify(site)}`);
    }
  });

  it('reads the stack once per statement — pg Client, pg Pool, Sequelize (its query interface\'s own call of Sequelize#query reads none) and TypeORM — and records each', async () => {
    // The stack read is the capture's largest cost on the query's path (docs/recording.md, Overhead).
    let statements = 0;
    const libraries = new Set<string>();
    const listener = await listen((e) => {
      if (e.t === 'q' && /sr_item/.test(e.sql)) statements++;
      if (e.t === 'notice' && e.code === 'library') libraries.add(`${e.name} ${e.version}`);
    });
    let out = '';
    try {
      out = await runUnderCapture(fixture('stackReads.js'), listener.path, t.url);
      await listener.idle(2000);
    } finally {
      await listener.close();
    }
    assert.deepEqual(JSON.parse(out), { client: 1, pool: 1, sequelize: 1, typeorm: 1 });
    // 1 setup statement + 4 arms × 70 calls, every one recorded.
    assert.equal(statements, 1 + 4 * 70);
    // Each query library loaded is named once with its version (a report's "call sites unknown: <library> <version>").
    const version = (name: string) => (JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    assert.deepEqual([...libraries].sort(), [`sequelize ${version('sequelize')}`, `typeorm ${version('typeorm')}`]);
  });

  it('a listener that accepts but never reads neither blocks the app nor keeps it from exiting', async () => {
    const net = await import('node:net');
    const sock = path.join(tempFolderForRun('pglens-stuck-'), 's.sock');
    const held: import('node:net').Socket[] = [];
    const server = net.createServer((c) => {
      c.pause();
      held.push(c);
    });
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      const { spawn } = await import('node:child_process');
      // 3 000 statements: far more events than the socket's kernel buffer holds.
      const script = `const { Client } = require('pg'); (async () => { const c = new Client({ connectionString: process.env.DATABASE_URL }); await c.connect();
        for (let i = 0; i < 3000; i++) await c.query('SELECT $1::int AS n, repeat($2, 40) AS pad', [i, 'x']); await c.end(); console.log('done'); })();`;
      const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, NODE_PATH: path.join(root, 'node_modules'), DATABASE_URL: t.url, NODE_OPTIONS: `--require ${JSON.stringify(capture)}`, PGLENS_CAPTURE_SOCKET: sock } });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      assert.equal(code, 0);
      assert.equal(out.trim(), 'done');
    } finally {
      for (const c of held) c.destroy();
      server.close();
    }
  });

  it('takes its database as scan does: the PG* variables without --db give the index advice; no database at all is said on one line (person51 L-5)', async () => {
    // The environment of the test run without any database in it, then only libpq's PG* variables for the test database.
    const bare = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^PG(?!LENS_TEST)|^DATABASE_URL$|^PGLENS_DATABASE_URL$/.test(k)));
    const u = new URL(t.url);
    const pgEnv = { ...bare, PGHOST: u.hostname, PGPORT: u.port, PGUSER: decodeURIComponent(u.username), PGPASSWORD: decodeURIComponent(u.password), PGDATABASE: u.pathname.slice(1) };
    const withPg = await runCli(['record', '--', process.execPath, app], { env: pgEnv, cwd: root });
    assert.equal(withPg.code, 0, withPg.err);
    assert.match(withPg.out, /^Index advice \(proved with the planner\):$/m, withPg.out);
    assert.doesNotMatch(withPg.err, /no database/, withPg.err);
    const none = await runCli(['record', '--', process.execPath, '-e', ''], { env: bare, cwd: root });
    assert.equal(none.code, 0, none.err);
    assert.match(none.err, /^pg-lens record: no database: no index advice \(give --db URL, or set DATABASE_URL or PGHOST…\)$/m, none.err);
  });

  it('prints an index shared by several statements once, with the places it serves named by their SQL\'s line and the others it serves by their text (issue 20); PGLENS_CAPTURE_FILE gets the recording advise reads (person52 L-4)', async () => {
    await t.admin.query(`DROP TABLE IF EXISTS p52_items;
      CREATE TABLE p52_items (id bigint PRIMARY KEY, grp int NOT NULL, at timestamptz NOT NULL, body text);
      INSERT INTO p52_items SELECT g, g % 2000, now() - g * interval '1 minute', repeat('x', 80) FROM generate_series(1, 40000) g;
      ANALYZE p52_items;`);
    // A third read the same index serves, run outside the recording: one of pg_stat_statements' busiest, which the decision
    // weighs with the recorded two — named on the index's for: line by its text, as advise names it (issue 20).
    // The table is read, not written: its 40,000 loaded rows are no write traffic for the decision to weigh (on a server
    // just started they made it write-heavy, and the index withheld, once pg_stat_statements gave the reads timings).
    await t.admin.query("SELECT pg_stat_reset_single_table_counters('p52_items'::regclass)");
    const pss = await statementStats(t, 'no third statement from pg_stat_statements: the index serves the two recorded ones');
    for (let g = 1; g <= 6; g++) await t.admin.query('SELECT id, body FROM p52_items WHERE grp = $1 ORDER BY at DESC LIMIT 20', [g]);
    const program = 'test/fixtures/record/sharedIndex.js';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-rec-'));
    try {
      const file = path.join(dir, 'rec.jsonl');
      const r = await run(['record', '--db', t.url, '--', process.execPath, program], { DATABASE_URL: t.url, PGLENS_CAPTURE_FILE: file });
      assert.equal(r.code, 0, r.err);
      const advice = r.out.slice(r.out.indexOf('Index advice (proved with the planner):'));
      const creates = advice.split('\n').filter((l) => /^ {2}CREATE INDEX/.test(l));
      assert.equal(creates.length, 1, advice);
      assert.match(creates[0], /ON p52_items \(grp, at DESC\);$/);
      // Its places: the lines the SQL starts on (as scan names them), not the calls' lines above them.
      const sqlLine = (marker: string) => lineOf(program, marker);
      const places = [`${program}:${sqlLine('latest three')}`, `${program}:${sqlLine('latest ten')}`];
      const forLine = (pss ? /\n {6}for: (.*) \(one index for 3 statements, also "SELECT id, body FROM p52_items WHERE grp = \$1 ORDER BY at DESC[^"]*"\)\n/ : /\n {6}for: (.*) \(one index for both\)\n/).exec(advice);
      assert.deepEqual(forLine?.[1].split(', ').sort(), places.sort(), advice);
      // The recording, one event a line, as `advise --recording` reads it.
      assert.match(r.err, new RegExp(`the recording \\(\\d+ statements\\) is in .*rec\\.jsonl \\(PGLENS_CAPTURE_FILE\\)`), r.err);
      const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
      assert.ok(lines.filter((l) => JSON.parse(l).t === 'q').length >= 6, lines.join('\n'));
      const weighed = await run(['advise', '--db', t.url, '--recording', file, 'SELECT id FROM p52_items WHERE grp = 7 ORDER BY at DESC LIMIT 3'], {});
      assert.equal(weighed.code, 0, weighed.err);
      assert.match(weighed.out, /statements recorded in .*rec\.jsonl/, weighed.out);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--fail-on n-plus-one fails the run; the command\'s own failure is reported', async () => {
    const r = await run(['record', '--fail-on', 'n-plus-one', '--', process.execPath, app], { DATABASE_URL: t.url });
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /N\+1 .*: 1/);
    const bad = await run(['record', '--', process.execPath, '-e', 'process.exit(4)'], {});
    assert.equal(bad.code, 3);
    assert.match(bad.err, /exited with code 4/);
    assert.match(bad.out, /Nothing was recorded/);
    const usage = await run(['record', process.execPath], {});
    assert.equal(usage.code, 2);
  });

  // Real Jest and real Vitest (devDependencies) on a tiny project in a temporary folder: each test is its own unit of work.
  for (const runner of [
    { name: 'Jest', file: 'orders.jest.js', argv: (dir: string) => [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--watchman=false', '--rootDir', dir, '--testMatch', '**/orders.jest.js'] },
    { name: 'Vitest', file: 'orders.test.mjs', argv: (dir: string) => [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', dir] },
  ]) {
    it(`${runner.name}: each test is its own unit of work, named by its title; the N+1 at its line with its count, a helper called from two tests is not one`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pglens-record-${runner.name.toLowerCase()}-`));
      try {
        fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
        fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "runner-app", "private": true }\n');
        const src = path.join('test', 'fixtures', 'record', 'testRunners', runner.file);
        fs.copyFileSync(path.join(root, src), path.join(dir, runner.file));
        const r = await runCli(['record', '--format', 'json', '--', process.execPath, ...runner.argv(dir)], { env: { ...process.env, DATABASE_URL: t.url, NODE_OPTIONS: '' }, cwd: dir });
        assert.equal(r.code, 0, r.err);
        const json = JSON.parse(r.out);
        assert.deepEqual(
          json.nPlusOne.map((n: { file: string; line: number; calls: number; unit: string; unitKind: string }) => [n.file, n.line, n.calls, n.unit, n.unitKind]),
          [[runner.file, lineOf(src, '// N+1 line'), 6, runner.name === 'Jest' ? 'orders are read one by one' : 'orders > are read one by one', 'test']],
          JSON.stringify(json.nPlusOne, null, 1),
        );
        assert.equal(json.units.test, 3, JSON.stringify(json.units));
        // The helper's line: 6 statements over the run, at most 3 in one test.
        const helper = json.sites.find((s: { file: string; line: number }) => s.file === runner.file && s.line === lineOf(src, '// helper line'));
        assert.ok(helper, JSON.stringify(json.sites.map((s: { file: string; line: number }) => `${s.file}:${s.line}`)));
        assert.deepEqual(helper.statements.map((s: { calls: number; maxPerUnit: number }) => [s.calls, s.maxPerUnit]), [[6, 3]]);
        // beforeEach runs in the unit of the test it serves: once per test.
        const each = json.sites.flatMap((s: { statements: { sql: string; calls: number; maxPerUnit: number }[] }) => s.statements).find((s: { sql: string }) => s.sql.includes('each_test'));
        assert.deepEqual([each?.calls, each?.maxPerUnit], [3, 1]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('parameter values only when opted in, each as it was sent (not as the app changed it after)', async () => {
    const events: { sql: string; pv?: unknown[] }[] = [];
    const listener = await listen((e) => {
      if (e.t === 'q') events.push(e);
    });
    try {
      await runUnderCapture(fixture('values.js'), listener.path, t.url, { values: true });
      await listener.idle(2000);
    } finally {
      await listener.close();
    }
    assert.deepEqual(events.map((e) => e.pv), [[0], [1], [2], [{ at: 'sent' }]]);
  });

  it('says which parameters changed since the text\'s last call (pd), compared by hash: values of the same content in new objects are the same, objects count as changed', async () => {
    const events: { sql: string; pd?: number; pv?: unknown[] }[] = [];
    const listener = await listen((e) => {
      if (e.t === 'q' && /AS a, /.test(e.sql)) events.push(e);
    });
    try {
      await runUnderCapture(fixture('paramsChanged.js'), listener.path, t.url);
      await listener.idle(2000);
    } finally {
      await listener.close();
    }
    // $2 (text), $5 (bigint), $7 (jsonb object), $8 (long string, its end) and $11 (bool) change: bits 1, 4, 6, 7, 10.
    const changed = (1 << 1) | (1 << 4) | (1 << 6) | (1 << 7) | (1 << 10);
    assert.deepEqual(events.map((e) => e.pd), [undefined, changed, changed, changed]);
    assert.ok(events.every((e) => e.pv === undefined));
  });

  it('without a listener, writes a bounded JSONL in a git-ignored .pg-lens folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-record-'));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: t.url, NODE_OPTIONS: `--require ${JSON.stringify(capture)}` };
      delete env.PGLENS_CAPTURE_SOCKET;
      const r = spawnSync(process.execPath, [app], { cwd: dir, env, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const folder = path.join(dir, '.pg-lens');
      assert.equal(fs.readFileSync(path.join(folder, '.gitignore'), 'utf8').split('\n').includes('*'), true);
      const files = fs.readdirSync(folder).filter((f) => f.endsWith('.jsonl'));
      assert.equal(files.length, 1);
      const events = fs.readFileSync(path.join(folder, files[0]), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(events.length, 22);
      assert.ok(events.every((e) => e.t === 'q' && e.pv === undefined), 'no parameter values unless opted in');
      assert.deepEqual(events.find((e) => /twice/.test(e.sql)).pt, ['number']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
