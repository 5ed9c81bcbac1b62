/**
 * A short, deterministic burst of the shop's real traffic: the handlers in src/ called with
 * plausible arguments, in the proportions of a shop's day (browsing and search most, the refunds
 * desk rarely). The demo runs it so pg_stat_statements holds the app's workload.
 * Run by itself (`npx tsx examples/shop/traffic.ts`; `shop-traffic` in `npm run demo:ui`'s terminal): REQUESTS
 * (default 300) requests against DATABASE_URL, sent over HTTP to the shop's own API (src/server.ts, started on a free
 * local port for the run), so a recording sees each as a request — "10× per request", not the whole run's count
 * (person38 M1: the handlers called directly put every statement outside any request).
 */
import type { AddressInfo } from 'node:net';
import { createPool, type Db } from './src/db';
import { customerOrders, findCustomerByEmail, getCustomer } from './src/customers';
import { getOrder, ordersForEmail, recentOrdersWithItems, recentOrdersWithItemsBatched, refundedOrders } from './src/orders';
import { featuredProducts, featuredProductsBatched, filterProducts, getProduct, listProductsAfter, listProductsPage, searchProducts } from './src/products';
import { productRating } from './src/reviews';
import { createShopServer } from './src/server';
import { prng } from './prng';

export interface TrafficResult {
  requests: number;
  queries: number;
  ms: number;
  byRoute: Record<string, number>;
}

/** One simulated request: the handler called directly, or the same request as the API's path. */
interface Call {
  direct: () => Promise<unknown>;
  path: string;
}

/** `http`: each request goes to the shop's API (a server on a free port for the run) instead of calling its handler. */
export async function runTraffic(url: string, opts: { requests?: number; seed?: number; http?: boolean } = {}): Promise<TrafficResult> {
  const total = opts.requests ?? 300;
  const rnd = prng(opts.seed ?? 42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const pool = createPool(url);
  let queries = 0;
  const db: Db = { query: ((...args: unknown[]) => (queries++, (pool.query as (...a: unknown[]) => unknown)(...args))) as Db['query'] };
  const started = performance.now();
  const server = opts.http ? createShopServer(db) : undefined;
  if (server) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const max = async (table: string) => Number((await pool.query(`SELECT max(id) AS n FROM ${table}`)).rows[0].n);
    const [customers, products, orders] = [await max('customers'), await max('products'), await max('orders')];
    const emailOf = async (id: number) => String((await pool.query('SELECT email FROM customers WHERE id = $1', [id])).rows[0]?.email ?? 'nobody@example.com');
    const id = (n: number) => 1 + Math.floor(rnd() * n);
    const q = (o: Record<string, string | number>) => new URLSearchParams(Object.entries(o).map(([k, v]) => [k, String(v)])).toString();
    // [route, weight, the request with its arguments drawn]
    const routes: [string, number, () => Promise<Call>][] = [
      ['GET /products/:id', 20, async () => { const n = id(products); return { direct: () => getProduct(db, n), path: `/products/${n}` }; }],
      ['GET /products?page=', 10, async () => { const page = 1 + Math.floor(rnd() * 200); return { direct: () => listProductsPage(db, page, 20), path: `/products?${q({ page, size: 20 })}` }; }],
      ['GET /products?after=', 6, async () => { const after = id(products); return { direct: () => listProductsAfter(db, after, 20), path: `/products?${q({ after, size: 20 })}` }; }],
      ['GET /products/search', 12, async () => { const text = `${pick(['nordwind', 'ember', 'fjord', 'willow'])} ${pick(['tent', 'kettle', 'jacket', 'mug'])}`; return { direct: () => searchProducts(db, text), path: `/products/search?${q({ q: text })}` }; }],
      ['GET /products/filter', 6, async () => { const f = { color: pick(['red', 'blue', 'navy']), size: pick(['S', 'M', 'L']) }; return { direct: () => filterProducts(db, f), path: `/products/filter?${q(f)}` }; }],
      ['GET /products/featured', 5, async () => ({ direct: () => featuredProducts(db, 10), path: '/products/featured?limit=10' })],
      ['GET /v2/products/featured', 2, async () => ({ direct: () => featuredProductsBatched(db, 10), path: '/v2/products/featured?limit=10' })],
      ['GET /products/:id/rating', 10, async () => { const n = id(products); return { direct: () => productRating(db, n), path: `/products/${n}/rating` }; }],
      ['GET /customers/:id', 8, async () => { const n = id(customers); return { direct: () => getCustomer(db, n), path: `/customers/${n}` }; }],
      ['GET /customers?email=', 6, async () => { const email = (await emailOf(id(customers))).toUpperCase(); return { direct: () => findCustomerByEmail(db, email), path: `/customers?${q({ email })}` }; }],
      ['GET /customers/:id/orders', 6, async () => { const n = id(customers); return { direct: () => customerOrders(db, n), path: `/customers/${n}/orders` }; }],
      ['GET /orders/:id', 6, async () => { const n = id(orders); return { direct: () => getOrder(db, n), path: `/orders/${n}` }; }],
      ['GET /orders/recent', 4, async () => ({ direct: () => recentOrdersWithItems(db, 20), path: '/orders/recent?limit=20' })],
      ['GET /v2/orders/recent', 2, async () => ({ direct: () => recentOrdersWithItemsBatched(db, 20), path: '/v2/orders/recent?limit=20' })],
      ['GET /orders?email=', 2, async () => { const email = await emailOf(id(customers)); return { direct: () => ordersForEmail(db, email), path: `/orders?${q({ email })}` }; }],
      ['GET /orders/refunded', 1, async () => ({ direct: () => refundedOrders(db), path: '/orders/refunded' })],
    ];
    const weight = routes.reduce((s, r) => s + r[1], 0);
    const byRoute: Record<string, number> = {};
    for (let i = 0; i < total; i++) {
      let x = rnd() * weight;
      const route = routes.find((r) => (x -= r[1]) < 0) ?? routes[routes.length - 1];
      byRoute[route[0]] = (byRoute[route[0]] ?? 0) + 1;
      const call = await route[2]();
      if (!server) await call.direct();
      else {
        const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${call.path}`);
        // A 404 is a request like any other (an order id that was never placed); a 5xx is the shop broken.
        if (res.status >= 500) throw new Error(`${route[0]} (${call.path}): ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      }
    }
    return { requests: total, queries, ms: Math.round(performance.now() - started), byRoute };
  } finally {
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections(); // fetch keeps its connection alive: close would wait for its idle timeout
      await closed;
    }
    await pool.end();
  }
}

if (require.main === module) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('set DATABASE_URL');
    process.exit(2);
  }
  runTraffic(url, { requests: Number(process.env.REQUESTS ?? 300), http: true }).then(
    (r) => console.log(`${r.requests} requests sent (${r.queries} queries, ${r.ms} ms)`),
    (e: Error) => {
      console.error(e.message);
      process.exitCode = 1;
    },
  );
}
