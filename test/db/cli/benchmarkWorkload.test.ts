/**
 * `pg-lens benchmark --workload` end to end: the statements taking the most time are replayed with values
 * from the column statistics, saved, and compared — the gain of an index shows, and dropping it again is
 * reported as a regression (exit 1). Without pg_stat_statements: one clear line.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { testDatabase, statementStats } from '../support';
import { runCli as run } from '../../unit/support/cli';
import { benchmarkWorkload } from '../../../src/db/workloadBenchmark';
import { benchmark } from '../../../src/db/benchmark';
import { queryIdOf } from '../../../src/db/queryStats';
import { spawnSync } from 'node:child_process';

const repo = path.join(__dirname, '..', '..', '..');


describe('pg-lens benchmark --workload', function () {
  this.timeout(300000);
  const t = testDatabase('bench_workload');
  let dir = '';
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-workload-'));
  });
  after(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('without pg_stat_statements in the database: one line, exit 3', async () => {
    const r = await run(['benchmark', '--db', t.url, '--workload']);
    assert.equal(r.code, 3, r.out);
    assert.match(r.err, /pg_stat_statements is not installed in this database/);
    assert.equal(r.err.trim().split('\n').length, 1);
  });

  it('a statement left out says why, and advises ANALYZE only where it can help (not for a row_number() the statement computes)', async () => {
    const a = t.admin;
    await a.query(`CREATE TABLE rv (id serial PRIMARY KEY, product_id int NOT NULL, note text, created_at timestamptz NOT NULL DEFAULT now()) WITH (autovacuum_enabled = false)`);
    await a.query(`INSERT INTO rv (product_id) SELECT g % 50 FROM generate_series(1, 2000) g`);
    const db = await t.open();
    const statements = [
      // The shop's batched page as pg_stat_statements stores it: n <= 3 became n <= $2.
      { queryid: 'w', query: 'SELECT product_id FROM (SELECT product_id, row_number() OVER (PARTITION BY product_id ORDER BY created_at DESC) AS n FROM rv WHERE product_id = ANY($1)) AS latest WHERE n <= $2', calls: 1, values: undefined },
      { queryid: 'c', query: 'SELECT id FROM rv WHERE product_id = $1', calls: 1 },
      { queryid: 'z', query: 'SELECT id FROM rv WHERE note = $1', calls: 1 },
    ];
    const reasons = async () => Object.fromEntries((await benchmarkWorkload(db, { statements, runs: 2 })).statements.map((x) => [x.queryid, x.skipped ?? 'ran']));
    const before = await reasons();
    assert.match(before.c, /rv has no statistics for product_id yet \(ANALYZE rv\)/, 'never analysed: ANALYZE helps');
    await a.query('ANALYZE rv');
    const after = await reasons();
    assert.equal(after.c, 'ran');
    assert.match(after.w, /\$2 is compared with n, which the statement computes \(not a column of rv\)/);
    assert.doesNotMatch(after.w, /ANALYZE/, 'ANALYZE cannot give a computed value statistics');
    assert.match(after.z, /hold no typical value of note \(NULL in every row sampled\)/);
    assert.doesNotMatch(after.z, /ANALYZE/);
  });

  it('runs a statement with the values the app sent or the user gave, and says which; the rest from the statistics, said as such', async () => {
    const a = t.admin;
    await a.query(`CREATE TABLE wv (id serial PRIMARY KEY, status text NOT NULL)`);
    await a.query(`INSERT INTO wv (status) SELECT CASE WHEN g % 100 = 0 THEN 'refunded' ELSE 'paid' END FROM generate_series(1, 2000) g; ANALYZE wv`);
    const db = await t.open();
    const run = await benchmarkWorkload(db, {
      runs: 2,
      statements: [
        // The app's text (LIMIT 5 as written, not pg_stat_statements' LIMIT $2) with the value it sent.
        { queryid: 'rec', query: 'SELECT id FROM wv WHERE status = $1 ORDER BY id LIMIT 5', calls: 3, values: ['refunded'], valuesFrom: 'recorded' },
        { queryid: 'you', query: 'SELECT count(*) FROM wv WHERE status = $1', calls: 1, values: ['refunded'], valuesFrom: 'yours' },
        { queryid: 'st', query: 'SELECT id FROM wv WHERE status = $1 ORDER BY id DESC LIMIT 3', calls: 1 },
      ],
    });
    const by = Object.fromEntries(run.statements.map((x) => [x.queryid, x]));
    assert.deepEqual([by.rec.paramsFrom, by.rec.run?.params, by.rec.run?.errors], ['recorded', ['refunded'], 0]);
    assert.deepEqual([by.you.paramsFrom, by.you.run?.params], ['yours', ['refunded']]);
    assert.deepEqual([by.st.paramsFrom, by.st.run?.params], ['statistics', ['paid']], 'the most common value, named as drawn from the statistics');
  });

  it('a select-list constant pg_stat_statements kept as $2 runs with any value; a LIMIT stand-in says it is one (person11 N25)', async () => {
    const a = t.admin;
    await a.query(`CREATE TABLE fv (name text PRIMARY KEY, project text NOT NULL)`);
    await a.query(`INSERT INTO fv SELECT 'f' || g, 'p' || (g % 7) FROM generate_series(1, 500) g; ANALYZE fv`);
    const db = await t.open();
    const run = await benchmarkWorkload(db, {
      runs: 2,
      statements: [
        // Unleash's featureExists as pg_stat_statements stores it: SELECT 1 became SELECT $2.
        { queryid: 'ex', query: 'SELECT EXISTS (SELECT $2 FROM fv WHERE name = $1) AS present', calls: 4 },
        { queryid: 'lim', query: 'select "name" from "fv" where "project" = $1 order by "name" limit $2', calls: 2 },
      ],
    });
    const by = Object.fromEntries(run.statements.map((x) => [x.queryid, x]));
    assert.equal(by.ex.skipped, undefined, by.ex.skipped);
    assert.equal(by.ex.run?.errors, 0);
    assert.deepEqual(by.ex.paramNotes, [null, 'any value: a constant of the select list']);
    assert.equal(by.lim.skipped, undefined, by.lim.skipped);
    assert.deepEqual(by.lim.paramNotes, [null, "a stand-in for LIMIT: the app's value was not recorded"]);
  });

  it('prints each statement on one line (white space collapsed, no \\n escapes); a literal LIMIT in the text runs as written, with no stand-in (person52 L-7)', async () => {
    await t.admin.query(`CREATE TABLE bw52 (id serial PRIMARY KEY, customer_id int NOT NULL, placed_at timestamptz NOT NULL DEFAULT now());
      INSERT INTO bw52 (customer_id) SELECT g % 40 FROM generate_series(1, 2000) g; ANALYZE bw52`);
    const file = path.join(dir, 'customer-orders.sql');
    fs.writeFileSync(file, 'SELECT id, placed_at\n       FROM bw52\n      WHERE customer_id = $1\n      ORDER BY placed_at DESC\n      LIMIT 20;\n');
    const r = await run(['benchmark', '--db', t.url, '--workload', '--runs', '2', '--file', file]);
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.includes('\n  SELECT id, placed_at FROM bw52 WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 20\n'), r.out);
    assert.doesNotMatch(r.out, /\\n/);
    assert.match(r.out, / · params \d+ \(from pg_stats: a stand-in the app did not send, left out of the workload figures\)$/m, r.out);
    assert.doesNotMatch(r.out, /stand-in for LIMIT/);
  });

  it('saves a baseline, shows the gain of an index with --compare, and reports the regression once it is dropped', async function () {
    if (!(await statementStats(t, 'the workload benchmark refuses with one line (tested above)'))) return;
    const a = t.admin;
    await a.query(`CREATE TABLE items (id serial PRIMARY KEY, code text NOT NULL, payload text)`);
    await a.query(`INSERT INTO items (code, payload) SELECT 'c' || (g % 1000), repeat('x', 50) FROM generate_series(1, 200000) g`);
    await a.query('ANALYZE items');
    for (let i = 0; i < 60; i++) await a.query('SELECT id, payload FROM items WHERE code = $1', [`c${i}`]);
    const base = path.join(dir, 'base.json');
    const before = await run(['benchmark', '--db', t.url, '--workload', '--top', '3', '--runs', '10', '--save', base], { cwd: dir });
    assert.equal(before.code, 0, before.err);
    assert.match(before.out, /SELECT id, payload FROM items WHERE code = \$1\n\s+p50 /);
    const saved = JSON.parse(fs.readFileSync(base, 'utf8'));
    const stmt = saved.statements.find((s: any) => /FROM items WHERE code = \$1/.test(s.query));
    assert.match(stmt.params[0], /^c\d+$/, 'a value drawn from the column statistics');
    assert.equal(stmt.run.runs, 10);
    // The suggested index: the same workload is much faster.
    await a.query('CREATE INDEX items_code ON items (code)');
    const after = path.join(dir, 'after.json');
    const r = await run(['benchmark', '--db', t.url, '--workload', '--top', '3', '--runs', '10', '--compare', base, '--save', after, '--format', 'json'], { cwd: dir });
    assert.equal(r.code, 0, r.err);
    const cmp = JSON.parse(r.out).comparison;
    const gain = cmp.improvements.find((c: any) => c.queryid === stmt.queryid);
    assert.ok(gain && gain.ratio < 0.5, JSON.stringify(cmp));
    // And back: a regression, exit 1.
    await a.query('DROP INDEX items_code');
    const back = await run(['benchmark', '--db', t.url, '--workload', '--top', '3', '--runs', '10', '--compare', after], { cwd: dir });
    assert.equal(back.code, 1, back.out + back.err);
    assert.match(back.out, /SLOWER p50 .*SELECT id, payload FROM items WHERE code = \$1/);
  });
  it("runs a pg_stat_statements `$n` with the constant the code writes there, not the statistics' most common value, and leaves a stand-in out of the workload's figures (person53 M-1)", async function () {
    if (!(await statementStats(t, 'the workload benchmark refuses with one line (tested above)'))) return;
    const a = t.admin;
    // Skewed: the code asks for the rare 'refunded' (20 rows); the most common value is 'delivered' (~19,000 rows).
    await a.query(`CREATE TABLE m1_orders (id serial PRIMARY KEY, status text NOT NULL, placed_at timestamptz NOT NULL DEFAULT now(), note text);
      INSERT INTO m1_orders (status, note) SELECT CASE WHEN g % 1000 = 0 THEN 'refunded' WHEN g % 20 = 0 THEN 'pending' ELSE 'delivered' END, repeat('x', 40) FROM generate_series(1, 20000) g;
      CREATE TABLE m1_other (id serial PRIMARY KEY, kind text NOT NULL); INSERT INTO m1_other (kind) SELECT 'k' || (g % 5) FROM generate_series(1, 500) g;
      ANALYZE m1_orders; ANALYZE m1_other`);
    const code = path.join(dir, 'shop');
    fs.mkdirSync(path.join(code, 'src'), { recursive: true });
    fs.writeFileSync(path.join(code, 'src', 'orders.ts'), [
      "import { Pool } from 'pg';",
      'const db = new Pool();',
      'export async function refunds() {',
      '  return db.query(',
      "    `SELECT id, status, placed_at FROM m1_orders WHERE status = 'refunded' ORDER BY placed_at DESC`,",
      '  );',
      '}',
      '',
    ].join('\n'));
    // The app's calls, as it sends them: the literal (pg_stat_statements keeps `status = $1`), and a statement with a
    // parameter the code does not write (its value can only be a stand-in).
    for (let i = 0; i < 20; i++) await a.query("SELECT id, status, placed_at FROM m1_orders WHERE status = 'refunded' ORDER BY placed_at DESC");
    for (let i = 0; i < 5; i++) await a.query('SELECT id FROM m1_other WHERE kind = $1', ['k1']);
    const r = await run(['benchmark', '--db', t.url, '--workload', '--top', '50', '--runs', '2', '--format', 'json'], { cwd: code });
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out).run;
    const orders = out.statements.find((x: any) => /FROM m1_orders WHERE status = \$1/.test(x.query));
    assert.ok(orders, JSON.stringify(out.statements.map((x: any) => x.query)));
    assert.deepEqual([orders.paramsFrom, orders.run?.params, orders.paramsAt, orders.standIn], ['code', ['refunded'], 'src/orders.ts:5', undefined], JSON.stringify(orders));
    const other = out.statements.find((x: any) => /FROM m1_other WHERE kind = \$1/.test(x.query));
    assert.deepEqual([other.paramsFrom, other.standIn], ['statistics', true], JSON.stringify(other));
    assert.ok(out.workloadWithStandIns, 'the figures with the stand-ins are given apart');
    // Text: the source named, the stand-in said, and the workload's line without it.
    const text = await run(['benchmark', '--db', t.url, '--workload', '--top', '50', '--runs', '2'], { cwd: code });
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /FROM m1_orders WHERE status = \$1 ORDER BY placed_at DESC\n\s+p50 .* · params refunded \(values from src\/orders\.ts:5\)$/m, text.out);
    assert.match(text.out, /FROM m1_other WHERE kind = \$1\n\s+p50 .* · params k\d \(from pg_stats: a stand-in the app did not send, left out of the workload figures\)$/m, text.out);
    assert.match(text.out, /^Workload \(weighted by calls; \d+ statements? run on the app's values, [\d,]+ of [\d,]+ calls \([\d.<]+%\); \d+ statements? on stand-in values left out\): p50 /m, text.out);
    assert.match(text.out, /^ {2}With the stand-ins \(every statement run, [\d,]+ calls\): p50 /m, text.out);
  });

  it("a statement mixing the code's own parameter and a literal runs with the code's literal, a stand-in only for that parameter, said so (issue 20: before, every $n from pg_stats — 'delivered')", async function () {
    if (!(await statementStats(t, 'the workload benchmark refuses with one line (tested above)'))) return;
    const a = t.admin;
    await a.query(`CREATE TABLE m2_orders (id serial PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL);
      INSERT INTO m2_orders (customer_id, status) SELECT g % 300, CASE WHEN g % 1000 = 0 THEN 'refunded' ELSE 'delivered' END FROM generate_series(1, 20000) g;
      ANALYZE m2_orders`);
    const code = path.join(dir, 'mixed');
    fs.mkdirSync(path.join(code, 'src'), { recursive: true });
    fs.writeFileSync(path.join(code, 'src', 'refunds.ts'), [
      "import { Pool } from 'pg';",
      'const db = new Pool();',
      'export async function refundsOf(customer: number) {',
      "  return db.query(`SELECT id, status FROM m2_orders WHERE customer_id = $1 AND status = 'refunded'`, [customer]);",
      '}',
      '',
    ].join('\n'));
    // As the app sends it: its own $1 bound, the literal in the text (pg_stat_statements keeps `customer_id = $1 AND status = $2`).
    for (let i = 0; i < 5; i++) await a.query("SELECT id, status FROM m2_orders WHERE customer_id = $1 AND status = 'refunded'", [i]);
    const r = await run(['benchmark', '--db', t.url, '--workload', '--top', '50', '--runs', '2', '--format', 'json'], { cwd: code });
    assert.equal(r.code, 0, r.err);
    const st = JSON.parse(r.out).run.statements.find((x: any) => /FROM m2_orders WHERE customer_id = \$1 AND status = \$2/.test(x.query));
    assert.ok(st, r.out.slice(0, 2000));
    assert.deepEqual([st.paramsFrom, st.run?.params[1], st.paramsAt, st.standIn], ['code', 'refunded', 'src/refunds.ts:4', true], JSON.stringify(st));
    assert.match(String(st.run.params[0]), /^\d+$/, 'a customer_id from the statistics');
    assert.deepEqual(st.paramNotes, ["a stand-in for the code's own $1, from the column statistics: the app's value was not recorded", null]);
    const text = await run(['benchmark', '--db', t.url, '--workload', '--top', '50', '--runs', '2'], { cwd: code });
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /FROM m2_orders WHERE customer_id = \$1 AND status = \$2\n\s+p50 .* · params \d+ \(a stand-in for the code's own \$1, from the column statistics: the app's value was not recorded\), refunded \(values from src\/refunds\.ts:4\)$/m, text.out);
  });

  it("--recording: of two places sending one statement with other constants, the values of the place the recording saw call it most (issue 20: before, the first place in file order)", async function () {
    if (!(await statementStats(t, 'the workload benchmark refuses with one line (tested above)'))) return;
    const capture = path.join(repo, 'dist', 'capture.js');
    assert.ok(fs.existsSync(capture), 'dist/capture.js is missing: node esbuild.js first');
    const a = t.admin;
    await a.query(`CREATE TABLE r20_orders (id serial PRIMARY KEY, status text NOT NULL, placed_at timestamptz NOT NULL DEFAULT now());
      INSERT INTO r20_orders (status) SELECT CASE WHEN g % 500 = 0 THEN 'refunded' WHEN g % 10 = 0 THEN 'pending' ELSE 'delivered' END FROM generate_series(1, 10000) g;
      ANALYZE r20_orders`);
    // A small app: src/admin.ts (first in file order) sends 'pending', src/orders.ts 'refunded'; each call starts a line
    // before its SQL, as the shop's do (the recording names the call's line, the code the SQL's).
    const app = path.join(dir, 'busiest');
    fs.mkdirSync(path.join(app, 'src'), { recursive: true });
    const place = (fn: string, status: string) => [
      "import { Pool } from 'pg';",
      '',
      `export async function ${fn}(db: Pool) {`,
      '  return db.query(',
      `    \`SELECT id, status, placed_at FROM r20_orders WHERE status = '${status}' ORDER BY placed_at DESC\`,`,
      '  );',
      '}',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(app, 'src', 'admin.ts'), place('pendingOrders', 'pending'));
    fs.writeFileSync(path.join(app, 'src', 'orders.ts'), place('refunds', 'refunded'));
    fs.writeFileSync(path.join(app, 'main.ts'), [
      "import { Pool } from 'pg';",
      "import { pendingOrders } from './src/admin';",
      "import { refunds } from './src/orders';",
      'async function main() {',
      '  const db = new Pool({ connectionString: process.env.DATABASE_URL, max: 1 });',
      '  for (let i = 0; i < 3; i++) await pendingOrders(db);',
      '  for (let i = 0; i < 30; i++) await refunds(db);',
      '  await db.end();',
      '}',
      'main().catch((e) => { console.error(e); process.exitCode = 1; });',
      '',
    ].join('\n'));
    // The app run with the capture module, which writes its recording to PGLENS_CAPTURE_FILE (as under `pg-lens record`).
    const recording = path.join(dir, 'busiest.jsonl');
    const child = spawnSync(path.join(repo, 'node_modules', '.bin', 'tsx'), ['main.ts'], { cwd: app, encoding: 'utf8', env: { ...process.env, DATABASE_URL: t.url, NODE_PATH: path.join(repo, 'node_modules'), NODE_OPTIONS: `--require ${JSON.stringify(capture)}`, PGLENS_CAPTURE_FILE: recording, PGLENS_CAPTURE_SOCKET: '' } });
    assert.equal(child.status, 0, child.stderr);
    const entry = (out: string) => {
      const st = JSON.parse(out).run.statements.find((x: any) => /FROM r20_orders WHERE status = \$1/.test(x.query));
      assert.ok(st, out.slice(0, 2000));
      return st;
    };
    const args = ['benchmark', '--db', t.url, '--workload', '--top', '50', '--runs', '2'];
    // Without a recording: the first place in file order, as before, and today's wording.
    const first = await run([...args, '--format', 'json'], { cwd: app });
    assert.equal(first.code, 0, first.err);
    assert.deepEqual([entry(first.out).run?.params, entry(first.out).paramsAt, entry(first.out).paramsAtCalls], [['pending'], 'src/admin.ts:5', undefined], first.out.slice(0, 2000));
    // With it: src/orders.ts, the place the app called 30 of the 33 times.
    const busiest = await run([...args, '--format', 'json', '--recording', recording], { cwd: app });
    assert.equal(busiest.code, 0, busiest.err);
    const st = entry(busiest.out);
    assert.deepEqual([st.paramsFrom, st.run?.params, st.paramsAt, st.paramsAtCalls, st.paramsRecordedCalls, st.paramsOthers], ['code', ['refunded'], 'src/orders.ts:5', 30, 33, ["src/admin.ts:5 ('pending')"]], JSON.stringify(st));
    const text = await run([...args, '--recording', recording], { cwd: app });
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /FROM r20_orders WHERE status = \$1 ORDER BY placed_at DESC\n\s+p50 .* · params refunded \(values from src\/orders\.ts:5, the place the app called most: 30 of 33 recorded calls; also sent with other values at src\/admin\.ts:5 \('pending'\)\)$/m, text.out);
    const without = await run(args, { cwd: app });
    assert.match(without.out, /· params pending \(values from src\/admin\.ts:5 \(also sent with other values at src\/orders\.ts:5 \('refunded'\)\)\)$/m, without.out);
  });

  it("weights a statement by the application's calls: PG Lens's own Benchmark runs in this process are left out (person52 M-2)", async function () {
    if (!(await statementStats(t, 'the workload benchmark refuses with one line (tested above)'))) return;
    const a = t.admin;
    await a.query(`CREATE TABLE bw_own (id serial PRIMARY KEY, status text NOT NULL)`);
    await a.query(`INSERT INTO bw_own (status) SELECT 's' || (g % 7) FROM generate_series(1, 2000) g; ANALYZE bw_own`);
    const db = await t.open();
    const sql = 'SELECT id FROM bw_own WHERE status = $1';
    const qid = await queryIdOf(db, sql);
    // The application's 5 calls, then a 30-run Benchmark of the same statement (the editor's Benchmark Query).
    for (let i = 0; i < 5; i++) await db.query(sql, ['s3']);
    await benchmark(db, sql, { runs: 30, params: ['s3'] });
    const run = await benchmarkWorkload(db, { top: 50, runs: 1 });
    const mine = run.statements.find((x) => (qid ? x.queryid === qid : x.query.includes('bw_own')));
    assert.equal(mine?.calls, 5, `weighted by the app's 5 calls, not 35 (the runs as the app's): ${JSON.stringify(mine)}`);
  });
});
