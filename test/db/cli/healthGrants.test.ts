/**
 * person39 H2: after Explain Analyze ("Run it, then roll back") of an INSERT into reviews and of a DELETE on orders that
 * cascades into order_items, `pg-lens health` in a terminal — another process, which cannot know the editor's rolled-back
 * runs — granted INSERT on reviews and DELETE on orders and order_items, though the shop's traffic never writes. The
 * write counters count rolled-back rows and a foreign key's cascades; with pg_stat_statements, a write kind is granted
 * only when a statement of the application does it, and the script's comment line names what it left out.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Client } from 'pg';
import { explainAnalyze } from '../../../src/db/explain';
import { runHealth } from '../../../src/db/health';
import { builtCli, statementStats, testDatabase } from '../support';

let cli = '';

/** `pg-lens health` in a child process (the terminal beside the editor): the superuser-application-role finding of the current role. */
function healthInChild(url: string, paths: string[] = []): { fixSql: string[]; help: string; evidence: any } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-h2-'));
  try {
    const r = spawnSync(process.execPath, [cli, 'health', ...paths, '--db', url, '--format', 'json', '--check', 'superuser-application-role'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: home, PGPASSFILE: path.join(home, 'none') },
    });
    const f = (JSON.parse(r.stdout) as any[]).find((x) => x.evidence.current);
    assert.ok(f, r.stdout + r.stderr);
    return f;
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

const grantsOn = (fixSql: string[], tables: RegExp) => fixSql.filter((x) => tables.test(x)).map((x) => x.replace(/ TO \w+;$/, ''));

/** The shop's tables: orders ← order_items ON DELETE CASCADE, reviews; seeded, then counters (and pg_stat_statements) reset, and the app only reads. */
async function shop(a: Client, pss: boolean): Promise<void> {
  await a.query(`CREATE TABLE orders (id serial PRIMARY KEY, status text NOT NULL)`);
  await a.query(`CREATE TABLE order_items (id serial PRIMARY KEY, order_id int NOT NULL REFERENCES orders (id) ON DELETE CASCADE, qty int NOT NULL)`);
  await a.query(`CREATE INDEX ON order_items (order_id)`);
  await a.query(`CREATE TABLE reviews (id serial PRIMARY KEY, product_id int NOT NULL, body text)`);
  await a.query(`INSERT INTO orders (status) SELECT (ARRAY['paid', 'cancelled', 'refunded'])[1 + g % 3] FROM generate_series(1, 300) g`);
  await a.query(`INSERT INTO order_items (order_id, qty) SELECT 1 + g % 300, 1 FROM generate_series(1, 900) g`);
  await a.query(`INSERT INTO reviews (product_id, body) SELECT g % 50, 'r' || g FROM generate_series(1, 200) g`);
  await a.query('ANALYZE orders, order_items, reviews');
  await a.query('SELECT pg_stat_force_next_flush()');
  for (const t of ['orders', 'order_items', 'reviews']) await a.query(`SELECT pg_stat_reset_single_table_counters($1::regclass)`, [t]);
  if (pss) await a.query('SELECT pg_stat_statements_reset()');
  // The traffic reads each table.
  await a.query(`SELECT o.id, i.qty FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.id = $1`, [7]);
  await a.query(`SELECT * FROM reviews WHERE product_id = $1`, [3]);
  await a.query('SELECT pg_stat_force_next_flush()');
}

/** Wait until the server's counters count the rolled-back rows (the runs' sessions flush theirs when idle, within 10 s). */
async function countersShow(a: Client, want: { reviewsIns: number; ordersDel: number; itemsDel: number }): Promise<void> {
  const read = async () => (await a.query(`SELECT pg_stat_get_tuples_inserted('reviews'::regclass)::int AS "reviewsIns",
      pg_stat_get_tuples_deleted('orders'::regclass)::int AS "ordersDel", pg_stat_get_tuples_deleted('order_items'::regclass)::int AS "itemsDel"`)).rows[0];
  let c = await read();
  for (let i = 0; i < 300 && (c.reviewsIns < want.reviewsIns || c.ordersDel < want.ordersDel || c.itemsDel < want.itemsDel); i++) {
    await new Promise((res) => setTimeout(res, 100));
    c = await read();
  }
  assert.ok(c.reviewsIns >= want.reviewsIns && c.ordersDel >= want.ordersDel && c.itemsDel >= want.itemsDel, `the counters count the rolled-back rows: ${JSON.stringify(c)}`);
}

/** This process's Explain Analyze (rolled back) of the INSERT into reviews and the cascading DELETE of the cancelled orders. */
async function explainWrites(t: ReturnType<typeof testDatabase>): Promise<Awaited<ReturnType<typeof t.open>>> {
  const db = await t.open({ statementTimeoutMs: 60000 });
  await explainAnalyze(db, `INSERT INTO reviews (product_id, body) VALUES ($1, $2)`, { allowDml: true, params: [4, 'great'] });
  await explainAnalyze(db, `DELETE FROM orders WHERE status = 'cancelled'`, { allowDml: true });
  assert.equal(Number((await t.admin.query(`SELECT count(*) AS n FROM orders WHERE status = 'cancelled'`)).rows[0].n), 100, 'rolled back');
  await countersShow(t.admin, { reviewsIns: 1, ordersDel: 100, itemsDel: 300 });
  return db;
}

describe('least-privilege script of pg-lens health run in a child process, after Explain Analyze runs in this one', function () {
  before(function () {
    this.timeout(120_000);
    cli = builtCli();
  });

  describe('pg-lens health in another process grants no write only PG Lens’s rolled-back Explain Analyze or a cascade made: each write kind needs a statement in pg_stat_statements (person39 H2)', function () {
    this.timeout(180000);
    const t = testDatabase('h2grants');
    let pss = false;
    before(async function () {
      pss = await statementStats(t, 'the writes cannot be checked against statements without pg_stat_statements (the fallback has its own test)');
      if (!pss) this.skip();
      await shop(t.admin, pss);
      await explainWrites(t);
    });

    it('after this process’s Explain Analyze of an INSERT into reviews and a cascading DELETE on orders: SELECT only, no sequence, and a comment naming what was left out', () => {
      const f = healthInChild(t.url);
      assert.deepEqual(grantsOn(f.fixSql, / ON (public\.(orders|order_items|reviews)|SEQUENCE public\.reviews_id_seq) TO /), [
        'GRANT SELECT ON public.order_items',
        'GRANT SELECT ON public.orders',
        'GRANT SELECT ON public.reviews',
      ], JSON.stringify(f.fixSql));
      const note = f.fixSql.find((x) => x.startsWith('-- '));
      assert.match(note ?? '', /^-- Not granted: public\.order_items \(DELETE\), public\.orders \(DELETE\), public\.reviews \(INSERT\)\. The table statistics counted these writes, but no statement pg_stat_statements holds does them: a foreign key’s ON DELETE\/ON UPDATE action .*PG Lens’s Explain Analyze from any window or process too.*Add the privilege back if the application does that\.$/, JSON.stringify(f.fixSql));
      assert.match(f.help, /each write kind only where a statement in pg_stat_statements does it/);
      assert.doesNotMatch(f.help, /the statistics count rolled-back writes too/, 'no hedge: the writes were checked');
    });

    it('the application’s own DELETE of a parent row grants DELETE on orders, not on order_items (the cascade runs as the owner)', async () => {
      await t.admin.query(`DELETE FROM orders WHERE status = $1`, ['refunded']);
      await t.admin.query('SELECT pg_stat_force_next_flush()');
      const f = healthInChild(t.url);
      assert.deepEqual(grantsOn(f.fixSql, / ON public\.(orders|order_items) TO /), ['GRANT SELECT ON public.order_items', 'GRANT SELECT, DELETE ON public.orders'], JSON.stringify(f.fixSql));
      assert.match(f.fixSql.find((x) => x.startsWith('-- ')) ?? '', /^-- Not granted: public\.order_items \(DELETE\), public\.reviews \(INSERT\)\./);
    });

    it('pg-lens health <folder> reads the code there: the INSERT the code does (the traffic never ran it) is granted, and the basis names the code (person40 L5: "no code was read" after `pg-lens health .`)', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-h2code-'));
      try {
        fs.writeFileSync(path.join(dir, 'reviews.ts'), "export const addReview = (db: any, productId: number, body: string) => db.query('INSERT INTO reviews (product_id, body) VALUES ($1, $2)', [productId, body]);\n");
        const f = healthInChild(t.url, [dir]);
        assert.deepEqual(grantsOn(f.fixSql, / ON public\.reviews TO /), ['GRANT SELECT, INSERT ON public.reviews'], JSON.stringify(f.fixSql));
        assert.match(f.help, /found in the code and/);
        assert.doesNotMatch(f.help, /no code was read/);
        // Without the folder, the same server: statistics only, INSERT left out (the test above).
        assert.match(healthInChild(t.url).help, /no code was read/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('an operator\'s backfill grants nothing: a write kind only a bulk load made is left out, as the index advice leaves it out of the write rate (person49 L-7)', function () {
    this.timeout(180000);
    const t = testDatabase('h2load');
    let pss = false;
    before(async function () {
      pss = await statementStats(t, 'a load is judged on pg_stat_statements\' calls and rows (the fallback has its own test)');
      if (!pss) this.skip();
      // 20,000 orders; the statistics and statements reset; the application reads orders and adds reviews one per request.
      await t.admin.query(`CREATE TABLE orders (id serial PRIMARY KEY, status text NOT NULL)`);
      await t.admin.query(`CREATE TABLE reviews (id serial PRIMARY KEY, product_id int NOT NULL, body text)`);
      await t.admin.query(`INSERT INTO orders (status) SELECT (ARRAY['paid', 'cancelled', 'refunded'])[1 + g % 3] FROM generate_series(1, 20000) g`);
      await t.admin.query('ANALYZE orders, reviews');
      await t.admin.query('SELECT pg_stat_force_next_flush()');
      for (const tb of ['orders', 'reviews']) await t.admin.query(`SELECT pg_stat_reset_single_table_counters($1::regclass)`, [tb]);
      await t.admin.query('SELECT pg_stat_statements_reset()');
      for (let i = 1; i <= 3; i++) {
        await t.admin.query(`SELECT id, status FROM orders WHERE id = $1`, [i]);
        await t.admin.query(`INSERT INTO reviews (product_id, body) VALUES ($1, $2)`, [i, 'fine']);
      }
      // The person's psql backfill, by the same role as the application (the demo's): INSERT … SELECT of 10,000 rows, twice.
      for (let i = 0; i < 2; i++) await t.admin.query(`INSERT INTO orders (status) SELECT status FROM orders WHERE id <= 10000`);
      await t.admin.query('SELECT pg_stat_force_next_flush()');
      assert.ok(Number((await t.admin.query(`SELECT pg_stat_get_tuples_inserted('orders'::regclass) AS n`)).rows[0].n) >= 20000, 'the counters count the backfill');
    });

    it('SELECT only on orders (the backfill\'s INSERT left out and named with its runs and rows), INSERT on reviews (the application\'s)', () => {
      const f = healthInChild(t.url);
      assert.deepEqual(grantsOn(f.fixSql, / ON (public\.(orders|reviews)|SEQUENCE public\.\w+) TO /), ['GRANT SELECT ON public.orders', 'GRANT INSERT ON public.reviews', 'GRANT USAGE ON SEQUENCE public.reviews_id_seq'], JSON.stringify(f.fixSql));
      assert.ok(f.fixSql.includes('-- Not granted: public.orders (INSERT) — 1 statement run 2 times, 20,000 rows. Only a bulk load wrote these (up to 10 runs, each writing 1,000+ rows and 5%+ of the table, as the index advice judges a load): a backfill or an import run by hand, not the application\'s steady writes. Run loads as the table’s owner, or add the privilege back if the application does that.'), JSON.stringify(f.fixSql));
      assert.match(f.help, /not where only a bulk load did it: public\.orders INSERT, 2 runs writing 20,000 rows — a backfill or an import, not the application's writes\)/, f.help);
      assert.doesNotMatch(f.help, /public\.orders was written only by INSERT/, f.help);
      assert.deepEqual(f.evidence.leastPrivilege.writesLeftOut, [{ schema: 'public', table: 'orders', kinds: ['insert'], load: { statements: 1, calls: 2, rows: 20000 } }]);
    });
  });

  describe('a scratch file\'s one-off DELETE (person43 L5)', function () {
    this.timeout(180000);
    const t = testDatabase('h2scratch');
    before(async () => shop(t.admin, false));

    it('pg-lens health <folder> with a queries.sql at its root holding a cleanup DELETE: the DELETE grant says the one place that uses it', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-h2scratch-'));
      try {
        fs.writeFileSync(path.join(dir, 'queries.sql'), "-- scratch\nSELECT count(*) FROM orders;\nDELETE FROM orders WHERE status = 'cancelled';\n");
        fs.writeFileSync(path.join(dir, 'orders.ts'), "export const orderById = (db: any, id: number) => db.query('SELECT * FROM orders WHERE id = $1', [id]);\n");
        const f = healthInChild(t.url, [dir]);
        assert.deepEqual(grantsOn(f.fixSql, / ON public\.orders TO /), ['GRANT SELECT, DELETE ON public.orders'], JSON.stringify(f.fixSql));
        const i = f.fixSql.findIndex((x) => / ON public\.orders TO /.test(x));
        assert.match(f.fixSql[i - 1], /^-- DELETE on public\.orders: only (\S*\/)?queries\.sql:3 uses it; leave it out if that is not the application's\.$/, JSON.stringify(f.fixSql));
        assert.equal(f.fixSql.filter((x) => /^-- (SELECT|INSERT|UPDATE)/.test(x)).length, 0, 'only the write a few places need is named');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('the code’s names are resolved against the catalog, and a seed widens no grant (person42 M2)', function () {
    this.timeout(180000);
    const t = testDatabase('h2seed');
    before(async () => {
      await shop(t.admin, false);
      await t.admin.query('CREATE SCHEMA stock');
      await t.admin.query('CREATE TABLE stock.levels (sku text PRIMARY KEY, qty int NOT NULL)');
      const { rows } = await t.admin.query('SELECT current_database() AS d');
      await t.admin.query(`ALTER DATABASE "${rows[0].d}" SET search_path TO public, stock`);
      // The seed ran against this database after the counters' reset: the statistics count its INSERT into reviews.
      await t.admin.query(`INSERT INTO reviews (product_id, body) VALUES ($1, $2)`, [1, 'seeded']);
      await t.admin.query('SELECT pg_stat_force_next_flush()');
    });

    it('no GRANT on a system catalog, information_schema or an unknown name; an unqualified name in another schema of search_path is granted there; the seed’s INSERTs are listed apart, not granted', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-h2seed-'));
      try {
        fs.writeFileSync(path.join(dir, 'reviews.ts'), "export const reviewsOf = (db: any, id: number) => db.query('SELECT body FROM reviews WHERE product_id = $1', [id]);\nexport const stockOf = (db: any, sku: string) => db.query('SELECT qty FROM levels WHERE sku = $1', [sku]);\nexport const gone = (db: any) => db.query('SELECT * FROM no_such_table');\n");
        fs.writeFileSync(path.join(dir, 'seed.ts'), [
          "export async function seed(db: any) {",
          "  const { rows } = await db.query(\"SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'\");",
          "  await db.query('SELECT table_name FROM information_schema.tables');",
          "  await db.query('INSERT INTO reviews (product_id, body) VALUES ($1, $2)', [1, 'seeded']);",
          "  await db.query('INSERT INTO orders (status) VALUES ($1)', ['paid']);",
          "  return rows;",
          "}",
        ].join('\n') + '\n');
        const f = healthInChild(t.url, [dir]);
        const grants = f.fixSql.filter((x) => /^GRANT (SELECT|INSERT|UPDATE|DELETE)/.test(x));
        assert.ok(!grants.some((x) => /pg_class|pg_namespace|information_schema|no_such_table/.test(x)), JSON.stringify(f.fixSql));
        assert.ok(grants.includes(grants.find((x) => /^GRANT SELECT ON stock\.levels TO /.test(x)) ?? '-'), JSON.stringify(f.fixSql));
        assert.ok(!grants.some((x) => /public\.levels/.test(x)), JSON.stringify(f.fixSql));
        assert.deepEqual(grantsOn(f.fixSql, / ON public\.(orders|reviews) TO /), ['GRANT SELECT ON public.orders', 'GRANT SELECT ON public.reviews'], JSON.stringify(f.fixSql));
        assert.match(f.fixSql.find((x) => /^-- Not granted: .*seeds/.test(x)) ?? '', /public\.orders \(INSERT\), public\.reviews \(INSERT\)\. Only the code's seeds use these, not the application/, JSON.stringify(f.fixSql));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('without pg_stat_statements (not created in the database), the least-privilege script keeps the counters less this process’s own work, and the hedge (person39 H2 fallback)', function () {
    this.timeout(180000);
    const t = testDatabase('h2nopss');
    let db: Awaited<ReturnType<typeof t.open>>;
    before(async () => {
      await shop(t.admin, false);
      db = await explainWrites(t);
    });

    it('in this process the own runs are left out; another process cannot tell them, grants them, and says the statistics count rolled-back writes', async () => {
      assert.equal((await db.serverInfo()).pgStatStatements === 'ready', false, 'pg_stat_statements is not created in this database');
      const here = (await runHealth(db)).findings.find((x) => x.checkId === 'superuser-application-role' && x.evidence.current);
      assert.deepEqual(grantsOn(here?.fixSql ?? [], / ON public\.(orders|order_items|reviews) TO /), ['GRANT SELECT ON public.order_items', 'GRANT SELECT ON public.orders', 'GRANT SELECT ON public.reviews'], JSON.stringify(here?.fixSql));
      const f = healthInChild(t.url);
      assert.deepEqual(grantsOn(f.fixSql, / ON public\.(orders|order_items|reviews) TO /), ['GRANT SELECT, DELETE ON public.order_items', 'GRANT SELECT, DELETE ON public.orders', 'GRANT SELECT, INSERT ON public.reviews'], JSON.stringify(f.fixSql));
      assert.equal(f.fixSql.some((x) => x.startsWith('-- ')), false);
      assert.match(f.help, /the statistics count rolled-back writes too \(the application’s failed transactions, Explain Analyze run by another PG Lens window or pg-lens run; this one’s are left out\)/);
    });
  });
});
