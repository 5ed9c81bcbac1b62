/**
 * The workload benchmark on examples/shop, from a recording of the shop's own traffic: the capture
 * module (dist/capture.js, with values on) writes the JSONL while examples/shop/traffic.ts runs; the
 * recorded reads are replayed with their recorded values; the index PG Lens suggests for the shop's slow
 * "my orders" statement is created; --compare shows its gain. And a .sql file of statements: values from
 * pg_stats, a write refused and left untouched.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadShop } from '../../../examples/shop/seed';
import { createTestDatabase, type TestDatabase } from '../support';
import { runCli as run } from '../../unit/support/cli';

const root = path.join(__dirname, '..', '..', '..');
const capture = path.join(root, 'dist', 'capture.js');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const MY_ORDERS = /FROM orders\s+WHERE customer_id = \$1/;

describe('pg-lens benchmark --workload --file on examples/shop (real PostgreSQL, real capture)', function () {
  this.timeout(600000);
  let t: TestDatabase;
  let dir = '';
  before(async () => {
    assert.ok(fs.existsSync(capture), 'dist/capture.js is missing: npm run build first (npm test does)');
    t = await createTestDatabase('shop_workload');
    await loadShop(t.url, { scale: 0.25 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-shop-workload-'));
  });
  after(async () => {
    await t?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('replays a recording of the shop\'s traffic with its recorded values, and --compare shows the gain of the suggested index', async () => {
    const recording = path.join(dir, 'shop.jsonl');
    const script = path.join(dir, 'traffic.ts');
    fs.writeFileSync(script, `import { runTraffic } from ${JSON.stringify(path.join(root, 'examples', 'shop', 'traffic'))};\nrunTraffic(process.env.DATABASE_URL!, { requests: 150 }).catch((e) => { console.error(e); process.exitCode = 1; });\n`);
    const child = spawnSync(tsx, [script], {
      cwd: root, encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: t.url, NODE_OPTIONS: `--require ${JSON.stringify(capture)}`, PGLENS_CAPTURE_FILE: recording, PGLENS_CAPTURE_VALUES: '1', PGLENS_CAPTURE_SOCKET: '' },
    });
    assert.equal(child.status, 0, child.stderr);
    const lines = fs.readFileSync(recording, 'utf8').trim().split('\n');
    assert.ok(lines.length > 150, `${lines.length} events recorded`);

    const base = path.join(dir, 'base.json');
    const before = await run(['benchmark', '--db', t.url, '--workload', '--file', recording, '--runs', '15', '--save', base]);
    assert.equal(before.code, 0, before.err);
    assert.match(before.out, /of the reads recorded in .*shop\.jsonl, the most time first/);
    const saved = JSON.parse(fs.readFileSync(base, 'utf8'));
    assert.equal(saved.source, recording);
    const mine = saved.statements.find((s: { query: string }) => MY_ORDERS.test(s.query));
    assert.ok(mine?.run, JSON.stringify(saved.statements.map((s: { query: string; skipped?: string }) => [s.query.slice(0, 80), s.skipped]), null, 1));
    assert.equal(mine.paramsFrom, 'recorded');
    assert.equal(typeof mine.params[0], 'number', 'the customer id the app sent, as recorded');
    assert.ok(mine.calls > 1, 'weighted by its recorded calls');
    assert.ok(saved.statements.every((s: { query: string }) => !/^\s*(insert|update|delete)\b/i.test(s.query)), 'recorded writes are left out');

    // The index PG Lens suggests for that statement, applied as the user would.
    const adv = await run(['advise', '--db', t.url, '--format', 'json', mine.query]);
    assert.equal(adv.code, 0, adv.err);
    const ddl: string = JSON.parse(adv.out).suggestions[0]?.ddl;
    assert.match(ddl ?? '', /ON orders \(customer_id/, adv.out);
    await t.admin.query(ddl);

    const r = await run(['benchmark', '--db', t.url, '--workload', '--file', recording, '--runs', '15', '--compare', base, '--format', 'json']);
    // Exit 1 would be another statement slower by noise (the machine is shared): the gain is what is checked.
    assert.ok(r.code === 0 || r.code === 1, r.err);
    const cmp = JSON.parse(r.out).comparison;
    const gain = cmp.improvements.find((c: { queryid: string }) => c.queryid === mine.queryid);
    // The index turns a scan of orders into an index scan: about 5× faster idle; 0.54 was measured at load ~10 (a person's
    // hour and helpers on 2 cores), so the bar is "clearly faster" rather than the idle figure.
    assert.ok(gain && gain.ratio < 0.75, JSON.stringify(cmp, null, 1));
    console.log(`      shop "my orders" p50 ${gain.beforeP50.toFixed(3)} ms → ${gain.afterP50.toFixed(3)} ms with ${ddl}`);
    const text = await run(['benchmark', '--db', t.url, '--workload', '--file', recording, '--runs', '15', '--compare', base]);
    assert.match(text.out, /faster p50 .*WHERE customer_id = \$1/);
  });

  it('replays a .sql file: values from pg_stats for $n, a write listed as not run and left undone', async () => {
    const file = path.join(dir, 'statements.sql');
    fs.writeFileSync(file, [
      "-- the support desk's reads",
      'SELECT id, total_cents FROM orders WHERE status = $1 ORDER BY placed_at DESC LIMIT 20;',
      "SELECT count(*) FROM reviews WHERE rating >= 4;",
      'DELETE FROM reviews WHERE rating = 1;',
      // The shop's batched items read (orders.ts): $1 is an array. Seen in the hour: drawn as one order id, every run
      // failed with "malformed array literal".
      'SELECT order_id, product_id, quantity FROM order_items WHERE order_id = ANY($1::bigint[]) ORDER BY order_id, id;',
      '',
    ].join('\n'));
    const n = Number((await t.admin.query('SELECT count(*) AS n FROM reviews')).rows[0].n);
    const r = await run(['benchmark', '--db', t.url, '--workload', '--file', file, '--runs', '3', '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    const run1 = JSON.parse(r.out).run;
    assert.equal(run1.statements.length, 4);
    const [status, count, del, batched] = run1.statements;
    assert.ok(batched.run, `the ANY($1) read runs: ${batched.skipped}`);
    assert.equal(batched.run.errors, 0);
    assert.match(batched.run.params[0], /^\[.+\]$/, 'one order id from pg_stats, passed as an array');
    assert.equal(status.paramsFrom, 'statistics');
    assert.equal(status.params[0], 'delivered', 'the most common status, from pg_stats');
    assert.ok(status.run && count.run);
    assert.match(del.skipped, /only read/);
    assert.equal(Number((await t.admin.query('SELECT count(*) AS n FROM reviews')).rows[0].n), n);
    const bad = await run(['benchmark', '--db', t.url, '--workload', '--file', path.join(dir, 'none.sql')]);
    assert.equal(bad.code, 2);
    assert.match(bad.err.split('\n')[0], /cannot read --file .*none\.sql/);
  });
});
