/**
 * The shop's HTTP API (node:http, JSON). Start it with
 *   DATABASE_URL=postgres://… PORT=3000 npx tsx examples/shop/src/server.ts
 */
import * as http from 'node:http';
import type { Db } from './db';
import { createPool } from './db';
import { customerOrders, findCustomerByEmail, getCustomer } from './customers';
import { getOrder, ordersForEmail, recentOrdersWithItems, recentOrdersWithItemsBatched, refundedOrders } from './orders';
import { featuredProducts, featuredProductsBatched, filterProducts, getProduct, listProductsAfter, listProductsPage, searchProducts } from './products';
import { addReview, productRating } from './reviews';

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

interface Request {
  params: string[];
  query: URLSearchParams;
  body: () => Promise<unknown>;
}

type Handler = (db: Db, req: Request) => Promise<unknown>;

function id(s: string | null | undefined, name = 'id'): number {
  const n = Number(s);
  if (!s || !Number.isSafeInteger(n) || n < 1) throw new HttpError(400, `${name} must be a positive integer`);
  return n;
}

function count(s: string | null, fallback: number, max: number): number {
  if (s === null) return fallback;
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new HttpError(400, `expected an integer from 1 to ${max}, got ${s}`);
  return n;
}

function required(q: URLSearchParams, name: string): string {
  const v = q.get(name);
  if (!v) throw new HttpError(400, `query parameter ${name} is required`);
  return v;
}

const notFound = <T>(v: T | undefined): T => {
  if (v === undefined) throw new HttpError(404, 'not found');
  return v;
};

const routes: [method: string, pattern: RegExp, handler: Handler][] = [
  ['GET', /^\/customers$/, (db, r) => findCustomerByEmail(db, required(r.query, 'email')).then(notFound)],
  ['GET', /^\/customers\/(\d+)$/, (db, r) => getCustomer(db, id(r.params[0])).then(notFound)],
  ['GET', /^\/customers\/(\d+)\/orders$/, (db, r) => customerOrders(db, id(r.params[0]))],
  ['GET', /^\/orders$/, (db, r) => ordersForEmail(db, required(r.query, 'email'))],
  ['GET', /^\/orders\/recent$/, (db, r) => recentOrdersWithItems(db, count(r.query.get('limit'), 20, 100))],
  ['GET', /^\/v2\/orders\/recent$/, (db, r) => recentOrdersWithItemsBatched(db, count(r.query.get('limit'), 20, 100))],
  ['GET', /^\/orders\/refunded$/, (db) => refundedOrders(db)],
  ['GET', /^\/orders\/(\d+)$/, (db, r) => getOrder(db, id(r.params[0])).then(notFound)],
  [
    'GET',
    /^\/products$/,
    (db, r) => {
      const size = count(r.query.get('size'), 20, 100);
      const after = r.query.get('after');
      return after !== null ? listProductsAfter(db, Number(after) === 0 ? 0 : id(after, 'after'), size) : listProductsPage(db, count(r.query.get('page'), 1, 1_000_000), size);
    },
  ],
  ['GET', /^\/products\/search$/, (db, r) => searchProducts(db, required(r.query, 'q'))],
  [
    'GET',
    /^\/products\/filter$/,
    (db, r) => {
      const attributes: Record<string, string> = {};
      for (const [k, v] of r.query) attributes[k] = v;
      if (!Object.keys(attributes).length) throw new HttpError(400, 'give at least one attribute, e.g. ?color=red');
      return filterProducts(db, attributes);
    },
  ],
  ['GET', /^\/products\/featured$/, (db, r) => featuredProducts(db, count(r.query.get('limit'), 10, 50))],
  ['GET', /^\/v2\/products\/featured$/, (db, r) => featuredProductsBatched(db, count(r.query.get('limit'), 10, 50))],
  ['GET', /^\/products\/(\d+)$/, (db, r) => getProduct(db, id(r.params[0])).then(notFound)],
  ['GET', /^\/products\/(\d+)\/rating$/, (db, r) => productRating(db, id(r.params[0]))],
  [
    'POST',
    /^\/products\/(\d+)\/reviews$/,
    async (db, r) => {
      const body = (await r.body()) as { customerId?: unknown; rating?: unknown; body?: unknown } | null;
      const rating = Number(body?.rating);
      if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw new HttpError(400, 'rating must be an integer from 1 to 5');
      if (typeof body?.body !== 'string' || !body.body.trim()) throw new HttpError(400, 'body must be a non-empty string');
      return { id: await addReview(db, { productId: id(r.params[0]), customerId: id(String(body.customerId ?? ''), 'customerId'), rating, body: body.body }) };
    },
  ],
];

function readBody(req: http.IncomingMessage, limit = 64 * 1024): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) reject(new HttpError(413, 'request body too large'));
      else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : null);
      } catch {
        reject(new HttpError(400, 'request body is not valid JSON'));
      }
    });
    req.on('error', reject);
  });
}

/** The API as a node:http server on the given pool (not listening yet). */
export function createShopServer(db: Db): http.Server {
  return http.createServer(async (req, res) => {
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(payload));
    };
    try {
      const url = new URL(req.url ?? '/', 'http://shop.invalid');
      for (const [method, pattern, handler] of routes) {
        const m = pattern.exec(url.pathname);
        if (!m) continue;
        if (req.method !== method) continue;
        return send(method === 'POST' ? 201 : 200, await handler(db, { params: m.slice(1), query: url.searchParams, body: () => readBody(req) }));
      }
      send(404, { error: `no route for ${req.method} ${url.pathname}` });
    } catch (e) {
      if (e instanceof HttpError) return send(e.status, { error: e.message });
      const pgError = e as { code?: string; message?: string };
      if (pgError.code === '23503') return send(422, { error: 'unknown product or customer' });
      console.error(`shop: ${req.method} ${req.url}: ${pgError.message ?? String(e)}`);
      send(500, { error: 'internal error' });
    }
  });
}

if (require.main === module) {
  const pool = createPool();
  const port = Number(process.env.PORT ?? 3000);
  const server = createShopServer(pool);
  server.listen(port, () => console.log(`shop API on http://localhost:${port}`));
  const stop = () => server.close(() => void pool.end());
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
