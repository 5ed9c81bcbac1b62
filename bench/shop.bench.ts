/**
 * examples/shop figures: how fast the seed loads (rows/s), and what the planted problems cost on a
 * real server — the N+1 page against its batched twin, OFFSET against keyset on a deep page — as
 * ratios, so the demo's claims are measured, not asserted.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmbeddedPostgres } from '../scripts/embeddedServer';
import { loadShop } from '../examples/shop/seed';
import { createPool } from '../examples/shop/src/db';
import { recentOrdersWithItems, recentOrdersWithItemsBatched } from '../examples/shop/src/orders';
import { featuredProducts, featuredProductsBatched, listProductsAfter, listProductsPage } from '../examples/shop/src/products';

async function median(n: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  await fn(); // warm the cache
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return +times[Math.floor(times.length / 2)].toFixed(2);
}

export async function run(): Promise<Record<string, unknown>> {
  const scale = Number(process.env.PGLENS_BENCH_SHOP_SCALE ?? 0.5);
  const server = await startEmbeddedPostgres({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-bench-shop-')) });
  try {
    const load = await loadShop(server.url, { scale });
    const rows = Object.values(load.rows).reduce((a, b) => a + b, 0);
    const pool = createPool(server.url);
    try {
      const nPlusOne = await median(9, () => recentOrdersWithItems(pool, 50));
      const batched = await median(9, () => recentOrdersWithItemsBatched(pool, 50));
      const reviewsLoop = await median(5, () => featuredProducts(pool, 20));
      const reviewsBatched = await median(5, () => featuredProductsBatched(pool, 20));
      const lastPage = Math.floor(load.rows.products / 20);
      const offset = await median(9, () => listProductsPage(pool, lastPage, 20));
      const keyset = await median(9, () => listProductsAfter(pool, (lastPage - 1) * 20, 20));
      return {
        scale,
        rows,
        loadMs: load.ms,
        rowsPerSecond: Math.round(rows / (load.ms / 1000)),
        recentOrders50: { nPlusOneMs: nPlusOne, batchedMs: batched, ratio: +(nPlusOne / batched).toFixed(1) },
        featuredProducts20: { nPlusOneUnindexedMs: reviewsLoop, batchedUnindexedMs: reviewsBatched, ratio: +(reviewsLoop / reviewsBatched).toFixed(1) },
        productsLastPage: { offsetMs: offset, keysetMs: keyset, ratio: +(offset / keyset).toFixed(1) },
      };
    } finally {
      await pool.end();
    }
  } finally {
    await server.stop();
  }
}
