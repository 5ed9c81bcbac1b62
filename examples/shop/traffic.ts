/**
 * A short, deterministic burst of the shop's real traffic: the handlers in src/ called with
 * plausible arguments, in the proportions of a shop's day (browsing and search most, the refunds
 * desk rarely). The demo runs it so pg_stat_statements holds the app's workload.
 * Run by itself (`npx tsx examples/shop/traffic.ts`; `shop-traffic` in `npm run demo:ui`'s terminal): REQUESTS
 * (default 300) requests against DATABASE_URL.
 */
import { createPool, type Db } from './src/db';
import { customerOrders, findCustomerByEmail, getCustomer } from './src/customers';
import { getOrder, ordersForEmail, recentOrdersWithItems, recentOrdersWithItemsBatched, refundedOrders } from './src/orders';
import { featuredProducts, featuredProductsBatched, filterProducts, getProduct, listProductsAfter, listProductsPage, searchProducts } from './src/products';
import { productRating } from './src/reviews';
import { prng } from './prng';

export interface TrafficResult {
  requests: number;
  queries: number;
  ms: number;
  byRoute: Record<string, number>;
}

export async function runTraffic(url: string, opts: { requests?: number; seed?: number } = {}): Promise<TrafficResult> {
  const total = opts.requests ?? 300;
  const rnd = prng(opts.seed ?? 42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const pool = createPool(url);
  let queries = 0;
  const db: Db = { query: ((...args: unknown[]) => (queries++, (pool.query as (...a: unknown[]) => unknown)(...args))) as Db['query'] };
  const started = performance.now();
  try {
    const max = async (table: string) => Number((await pool.query(`SELECT max(id) AS n FROM ${table}`)).rows[0].n);
    const [customers, products, orders] = [await max('customers'), await max('products'), await max('orders')];
    const emailOf = async (id: number) => String((await pool.query('SELECT email FROM customers WHERE id = $1', [id])).rows[0]?.email ?? 'nobody@example.com');
    const id = (n: number) => 1 + Math.floor(rnd() * n);
    // [route, weight, call]
    const routes: [string, number, () => Promise<unknown>][] = [
      ['GET /products/:id', 20, () => getProduct(db, id(products))],
      ['GET /products?page=', 10, () => listProductsPage(db, 1 + Math.floor(rnd() * 200), 20)],
      ['GET /products?after=', 6, () => listProductsAfter(db, id(products), 20)],
      ['GET /products/search', 12, () => searchProducts(db, `${pick(['nordwind', 'ember', 'fjord', 'willow'])} ${pick(['tent', 'kettle', 'jacket', 'mug'])}`)],
      ['GET /products/filter', 6, () => filterProducts(db, { color: pick(['red', 'blue', 'navy']), size: pick(['S', 'M', 'L']) })],
      ['GET /products/featured', 5, () => featuredProducts(db, 10)],
      ['GET /v2/products/featured', 2, () => featuredProductsBatched(db, 10)],
      ['GET /products/:id/rating', 10, () => productRating(db, id(products))],
      ['GET /customers/:id', 8, () => getCustomer(db, id(customers))],
      ['GET /customers?email=', 6, async () => findCustomerByEmail(db, (await emailOf(id(customers))).toUpperCase())],
      ['GET /customers/:id/orders', 6, () => customerOrders(db, id(customers))],
      ['GET /orders/:id', 6, () => getOrder(db, id(orders))],
      ['GET /orders/recent', 4, () => recentOrdersWithItems(db, 20)],
      ['GET /v2/orders/recent', 2, () => recentOrdersWithItemsBatched(db, 20)],
      ['GET /orders?email=', 2, async () => ordersForEmail(db, await emailOf(id(customers)))],
      ['GET /orders/refunded', 1, () => refundedOrders(db)],
    ];
    const weight = routes.reduce((s, r) => s + r[1], 0);
    const byRoute: Record<string, number> = {};
    for (let i = 0; i < total; i++) {
      let x = rnd() * weight;
      const route = routes.find((r) => (x -= r[1]) < 0) ?? routes[routes.length - 1];
      byRoute[route[0]] = (byRoute[route[0]] ?? 0) + 1;
      await route[2]();
    }
    return { requests: total, queries, ms: Math.round(performance.now() - started), byRoute };
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('set DATABASE_URL');
    process.exit(2);
  }
  runTraffic(url, { requests: Number(process.env.REQUESTS ?? 300) }).then(
    (r) => console.log(`${r.requests} requests sent (${r.queries} queries, ${r.ms} ms)`),
    (e: Error) => {
      console.error(e.message);
      process.exitCode = 1;
    },
  );
}
