/**
 * examples/shop against a real server: the seed loads deterministic, skewed data; every site on the
 * map (planted.json) plans the way the map says (missing-index sites read their whole table, clean
 * sites do not); the N+1 and batched versions return the same data; the HTTP API answers.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { forgetSeedStatements, loadShop } from '../../../examples/shop/seed';
import { createShopServer } from '../../../examples/shop/src/server';
import { createPool } from '../../../examples/shop/src/db';
import { runTraffic } from '../../../examples/shop/traffic';
import { recentOrdersWithItems, recentOrdersWithItemsBatched } from '../../../examples/shop/src/orders';
import { featuredProducts, featuredProductsBatched, listProductsAfter, listProductsPage } from '../../../examples/shop/src/products';
import { statementStats, testDatabase, type TestDatabase } from '../support';

const shop = path.join(__dirname, '..', '..', '..', 'examples', 'shop');
const map = JSON.parse(fs.readFileSync(path.join(shop, 'planted.json'), 'utf8')) as {
  sites: { id: string; file: string; line: number; kind: string; finding?: string; alsoFinding?: string }[];
};

/** The SQL string literal that starts on a line of the shop's code. */
function sqlAt(file: string, line: number): string {
  const text = fs.readFileSync(path.join(shop, file), 'utf8');
  let offset = text.split('\n').slice(0, line - 1).join('\n').length + 1;
  const lineText = text.slice(offset).split('\n')[0];
  const q = /['`]/.exec(lineText)!;
  offset += q.index;
  const end = text.indexOf(q[0], offset + 1);
  return text.slice(offset + 1, end);
}

/** Parameters that make each site's plan realistic (a real customer, a real email, …). */
const PARAMS: Record<string, (db: TestDatabase) => Promise<unknown[]>> = {
  'customer-by-id': async () => [7],
  'customer-by-lower-email': async (t) => [(await t.admin.query('SELECT upper(email) AS e FROM customers WHERE id = 7')).rows[0].e],
  // a typical customer: for the few with hundreds of orders, walking orders_placed_at_idx backwards is the better plan
  'orders-by-customer': async () => [2500],
  'recent-orders': async () => [20],
  'items-per-order': async () => [42],
  'items-batched': async () => [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
  'order-by-id': async () => [42],
  'order-items-of-one-order': async () => [42],
  'refunded-orders': async () => [],
  'orders-for-email': async (t) => [(await t.admin.query('SELECT email AS e FROM customers WHERE id = 7')).rows[0].e],
  'products-offset': async () => [20, 3000],
  'products-keyset': async () => [3000, 20],
  'product-by-id': async () => [42],
  'product-search': async () => ['nordwind waterproof tent'],
  'products-by-attributes': async () => ['{"color": "red", "size": "M", "material": "wool"}'],
  'newest-products': async () => [10],
  'reviews-per-product': async () => [4990],
  'reviews-batched': async () => [[4990, 4991, 4992]],
  'product-rating': async () => [42],
  'add-review': async () => [42, 7, 5, 'Lovely.'],
};

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  Plans?: PlanNode[];
}
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];
const SMALL_OR_EXPECTED = new Set(['customers', 'orders', 'order_items', 'products', 'reviews']);

describe('examples/shop (real server)', function () {
  this.timeout(120_000);
  const t = testDatabase('shop');
  let load: Awaited<ReturnType<typeof loadShop>>;

  before(async () => {
    load = await loadShop(t.url, { scale: 0.25 });
  });

  it('loads the volumes it reports, and runs ANALYZE', async () => {
    for (const [table, n] of Object.entries(load.rows)) {
      const { rows } = await t.admin.query(`SELECT count(*)::int AS n FROM ${table}`);
      assert.equal(rows[0].n, n, table);
    }
    assert.equal(load.rows.customers, 10_000);
    assert.equal(load.rows.orders, 40_000);
    assert.ok(load.rows.order_items > 2 * load.rows.orders && load.rows.order_items < 3 * load.rows.orders, `${load.rows.order_items} items`);
    const analyzed = await t.admin.query(`SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NULL AND schemaname = 'public'`);
    assert.deepEqual(analyzed.rows, []);
    const totals = await t.admin.query(
      'SELECT count(*)::int AS n FROM orders o WHERE total_cents <> (SELECT coalesce(sum(quantity * unit_price_cents), 0) FROM order_items WHERE order_id = o.id)',
    );
    assert.equal(totals.rows[0].n, 0, 'order totals match their items');
  });

  it('starts the tables\' write counters at zero: the seed\'s rows are not the app\'s writes (person23 LOW 4)', async () => {
    // The loader's session reports its ANALYZE when it ends: read once every table shows it.
    let rows: { relname: string; writes: number; analyzed: boolean }[] = [];
    for (let i = 0; i < 40; i++) {
      rows = (await t.admin.query(`SELECT relname, (n_tup_ins + n_tup_upd + n_tup_del)::int AS writes, last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname = ANY($1)`, [Object.keys(load.rows)])).rows;
      if (rows.length === 5 && rows.every((r) => r.analyzed)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.deepEqual(rows.filter((r) => !r.analyzed).map((r) => r.relname), [], 'every table analysed after the reset');
    assert.deepEqual(rows.filter((r) => r.writes > 0).map((r) => `${r.relname}: ${r.writes}`), []);
  });

  it('skews statuses like a real shop: mostly delivered, refunded rare but present', async () => {
    const { rows } = await t.admin.query(`SELECT status, count(*)::float8 / sum(count(*)) OVER () AS share FROM orders GROUP BY status`);
    const share = Object.fromEntries(rows.map((r) => [r.status, r.share]));
    assert.ok(share.delivered > 0.8 && share.delivered < 0.9, `delivered ${share.delivered}`);
    assert.ok(share.refunded > 0.002 && share.refunded < 0.01, `refunded ${share.refunded}`);
    const top = await t.admin.query('SELECT count(*)::int AS n FROM orders GROUP BY customer_id ORDER BY 1 DESC LIMIT 1');
    assert.ok(top.rows[0].n > 50, `the busiest customer has ${top.rows[0].n} orders`);
  });

  it('is deterministic: a reload makes the same rows', async () => {
    const digest = async () =>
      (
        await t.admin.query(`SELECT (SELECT md5(string_agg(concat_ws(':', id, customer_id, status, placed_at, total_cents), ',' ORDER BY id)) FROM orders) AS o,
                                    (SELECT md5(string_agg(concat_ws(':', id, name, attributes), ',' ORDER BY id)) FROM products) AS p,
                                    (SELECT md5(string_agg(concat_ws(':', product_id, customer_id, rating, body), ',' ORDER BY id)) FROM reviews) AS r`)
      ).rows[0];
    const before = await digest();
    await loadShop(t.url, { scale: 0.25, replace: true });
    assert.deepEqual(await digest(), before);
  });

  it('refuses to load over existing tables unless asked to replace them', async () => {
    await assert.rejects(loadShop(t.url, { scale: 0.01 }), /already exist/);
    await assert.rejects(loadShop(t.url, { scale: 0 }), /scale must be a positive number/);
  });

  it('every site plans as the map says', async () => {
    assert.deepEqual(Object.keys(PARAMS).sort(), map.sites.map((s) => s.id).sort(), 'parameters for every site');
    await t.admin.query('BEGIN');
    try {
      for (const site of map.sites) {
        const sql = sqlAt(site.file, site.line);
        const params = await PARAMS[site.id](t);
        const { rows } = await t.admin.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
        const plan = nodes(rows[0]['QUERY PLAN'][0].Plan as PlanNode);
        const seq = plan.filter((n) => n['Node Type'] === 'Seq Scan' && SMALL_OR_EXPECTED.has(n['Relation Name']!)).map((n) => n['Relation Name']);
        const missingIndex = site.finding === 'missing-index' || site.alsoFinding === 'missing-index';
        if (missingIndex) assert.ok(seq.length > 0, `${site.id}: expected a sequential scan, got ${plan.map((n) => n['Node Type']).join(' > ')}`);
        else assert.deepEqual(seq, [], `${site.id}: a clean or non-index site must not read a whole table`);
        if (site.finding === 'offset-pagination') {
          const scanned = plan.find((n) => n['Relation Name'] === 'products')!['Actual Rows']!;
          assert.ok(scanned >= 3000, `OFFSET 3000 reads ${scanned} rows to return 20`);
        }
      }
    } finally {
      await t.admin.query('ROLLBACK');
    }
  });

  it('the N+1 and the batched versions return the same data', async () => {
    const db = createPool(t.url);
    try {
      assert.deepEqual(await recentOrdersWithItemsBatched(db, 15), await recentOrdersWithItems(db, 15));
      const a = await featuredProducts(db, 8);
      assert.deepEqual(await featuredProductsBatched(db, 8), a);
      assert.ok(a.some((p) => p.reviews!.length > 0), 'some featured products have reviews');
      const page3 = await listProductsPage(db, 3, 25);
      assert.deepEqual(await listProductsAfter(db, Number(page3[0].id) - 1, 25), page3, 'keyset and OFFSET pages agree');
    } finally {
      await db.end();
    }
  });

  it("the demos forget the seed's statements before the traffic (person38 L4: the seed's INSERT … generate_series topped demo:ui's Top statements)", async function () {
    if (!(await statementStats(t, 'no pg_stat_statements: nothing to forget, the demos log that the reset failed'))) {
      await assert.rejects(forgetSeedStatements(t.url));
      return;
    }
    const seedRows = async () => Number((await t.admin.query("SELECT count(*) AS n FROM pg_stat_statements WHERE query ILIKE '%generate_series%' AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())")).rows[0].n);
    await loadShop(t.url, { scale: 0.01, replace: true });
    assert.ok((await seedRows()) > 0, 'the seed left its statements');
    await forgetSeedStatements(t.url);
    assert.equal(await seedRows(), 0);
  });

  it('runs a deterministic burst of traffic in which the N+1 routes multiply the queries', async () => {
    const a = await runTraffic(t.url, { requests: 60, seed: 7 });
    const b = await runTraffic(t.url, { requests: 60, seed: 7 });
    assert.deepEqual(a.byRoute, b.byRoute);
    assert.equal(a.queries, b.queries);
    assert.equal(Object.values(a.byRoute).reduce((x, y) => x + y, 0), 60);
    assert.ok(a.queries > 60 + 3, `${a.queries} queries for 60 requests`);
  });

  it('serves the API over HTTP, with 400 and 404 for bad requests', async () => {
    const pool = createPool(t.url);
    const server = createShopServer(pool);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const get = async (p: string, init?: RequestInit) => {
      const res = await fetch(base + p, init);
      return { status: res.status, body: (await res.json()) as any };
    };
    try {
      assert.equal((await get('/customers/7')).body.id, '7');
      const email = (await get('/customers/7')).body.email as string;
      assert.equal((await get(`/customers?email=${encodeURIComponent(email.toUpperCase())}`)).body.id, '7');
      assert.ok((await get('/orders/refunded')).body.every((o: any) => o.status === 'refunded'));
      assert.equal((await get('/orders/recent?limit=5')).body.length, 5);
      assert.equal((await get('/v2/orders/recent?limit=5')).body[0].items.length > 0, true);
      assert.ok((await get('/products/search?q=nordwind')).body.length > 0);
      assert.ok((await get('/products/filter?color=red')).body.every((p: any) => p.id));
      assert.equal((await get('/products?after=0&size=3')).body.length, 3);
      assert.equal(typeof (await get('/products/42/rating')).body.count, 'number');
      const posted = await get('/products/42/reviews', { method: 'POST', body: JSON.stringify({ customerId: 7, rating: 5, body: 'Lovely.' }) });
      assert.equal(posted.status, 201);
      assert.deepEqual(await get('/customers/abc'), { status: 404, body: { error: 'no route for GET /customers/abc' } });
      assert.equal((await get('/customers/99999999')).status, 404);
      assert.equal((await get('/orders/recent?limit=1000')).status, 400);
      assert.equal((await get('/products/42/reviews', { method: 'POST', body: '{"rating": 9}' })).status, 400);
      assert.equal((await get('/products/42/reviews', { method: 'POST', body: 'not json' })).status, 400);
      assert.equal((await get('/products/99999999/reviews', { method: 'POST', body: JSON.stringify({ customerId: 7, rating: 5, body: 'x' }) })).status, 422);
    } finally {
      await new Promise((r) => server.close(r));
      await pool.end();
    }
  });
});
