/**
 * Seed data for the shop: realistic volumes generated inside PostgreSQL (generate_series and
 * random(), seeded with setseed so every run makes the same rows), then ANALYZE.
 *
 *   scale 1 ≈ 40 000 customers, 20 000 products, 160 000 orders, ~400 000 order items, 120 000 reviews.
 *
 * Distributions are skewed like a real shop's: most orders are 'delivered' and 'refunded' is rare,
 * a few customers place many orders, a few products get most of the sales and reviews,
 * ratings lean to 4 and 5 stars, about one email in seven has capitals in it.
 *
 * Usage: loadShop(url, { scale }) or `npx tsx examples/shop/seed.ts <url> [scale]`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';

export interface LoadOptions {
  /** Multiplies every volume (default 1). 0.05 is enough for tests, 1 for the demo. */
  scale?: number;
  /** Drop the shop's tables first when they already exist (default: refuse). */
  replace?: boolean;
}

export interface LoadResult {
  /** Rows per table. */
  rows: Record<string, number>;
  /** Wall time of the whole load, ANALYZE included. */
  ms: number;
}

export const SHOP_TABLES = ['customers', 'products', 'orders', 'order_items', 'reviews'] as const;

/** Fixed "now" for generated timestamps, so the data is the same on every run. */
const ANCHOR = '2026-01-01T00:00:00Z';

const AFTER_DATA = '-- after-data:';

const SEED = {
  exists: `SELECT to_regclass('public.customers') IS NOT NULL AS present`,
  drop: `DROP TABLE IF EXISTS reviews, order_items, orders, products, customers CASCADE`,
  setseed: `SELECT setseed(0.4242)`,
  customers: `
    INSERT INTO customers (id, email, name, country, created_at)
    SELECT g,
           CASE WHEN g % 7 = 0 THEN initcap(f) ELSE f END || '.' || l || g || '@' ||
             (ARRAY['example.com', 'mail.test', 'shop.test', 'inbox.test'])[1 + g % 4],
           initcap(f) || ' ' || initcap(l),
           (ARRAY['US', 'US', 'US', 'DE', 'DE', 'FR', 'GB', 'GB', 'NL', 'ES', 'IT', 'SE', 'PL', 'CA', 'AU'])[1 + floor(random() * 15)::int],
           $2::timestamptz - random() * interval '1460 days'
    FROM generate_series(1, $1::int) AS g,
         LATERAL (SELECT (ARRAY['ada', 'alan', 'grace', 'linus', 'barbara', 'edsger', 'donald', 'margaret', 'ken', 'dennis',
                                 'frances', 'john', 'radia', 'tim', 'sophie', 'guido', 'bjarne', 'anders', 'yukihiro', 'rasmus'])[1 + (g * 7) % 20] AS f,
                         (ARRAY['lovelace', 'turing', 'hopper', 'torvalds', 'liskov', 'dijkstra', 'knuth', 'hamilton', 'thompson',
                                 'ritchie', 'allen', 'backus', 'perlman', 'berners', 'wilson', 'rossum', 'stroustrup', 'hejlsberg',
                                 'matsumoto', 'lerdorf'])[1 + (g * 13) % 20] AS l) AS n`,
  products: `
    INSERT INTO products (id, sku, name, description, category, price_cents, attributes, created_at)
    SELECT g,
           'SKU-' || lpad(g::text, 7, '0'),
           brand || ' ' || initcap(adj) || ' ' || initcap(noun) || ' ' ||
             (ARRAY['One', 'Pro', 'Mini', 'Max', 'Lite', 'Plus', 'Go', 'Air', 'Duo', 'Classic'])[1 + floor(random() * 10)::int],
           'A ' || adj || ' ' || noun || ' made of ' || material || ', loved by ' ||
             (ARRAY['hikers', 'cooks', 'students', 'gardeners', 'travellers', 'runners', 'readers', 'gamers'])[1 + floor(random() * 8)::int] ||
             '. ' || (ARRAY['Ships in two days.', 'Limited edition.', 'Best seller.', 'New this season.', 'Handmade.'])[1 + floor(random() * 5)::int],
           category,
           (199 + floor(power(random(), 2) * 49800))::int,
           jsonb_strip_nulls(jsonb_build_object(
             'color', (ARRAY['red', 'blue', 'green', 'black', 'white', 'grey', 'yellow', 'navy'])[1 + floor(random() * 8)::int],
             'size', (ARRAY['XS', 'S', 'M', 'L', 'XL'])[1 + floor(random() * 5)::int],
             'material', material,
             'weight_g', (50 + floor(random() * 4950))::int,
             'organic', CASE WHEN random() < 0.08 THEN true END,
             'tags', to_jsonb(ARRAY[adj, category]))),
           $2::timestamptz - random() * interval '1095 days'
    FROM generate_series(1, $1::int) AS g,
         LATERAL (SELECT (ARRAY['sturdy', 'light', 'classic', 'compact', 'waterproof', 'vintage', 'smart', 'soft', 'travel', 'eco'])[1 + floor(random() * 10)::int] AS adj,
                         (ARRAY['backpack', 'kettle', 'lamp', 'jacket', 'mug', 'notebook', 'chair', 'headphones', 'tent', 'bottle',
                                 'scarf', 'knife', 'pan', 'boots', 'watch'])[1 + floor(random() * 15)::int] AS noun,
                         (ARRAY['cotton', 'steel', 'wool', 'bamboo', 'leather', 'aluminium', 'ceramic', 'recycled plastic'])[1 + floor(random() * 8)::int] AS material,
                         (ARRAY['outdoor', 'kitchen', 'home', 'fashion', 'office', 'electronics', 'sport', 'travel', 'garden', 'toys',
                                 'books', 'beauty'])[1 + (g % 12)] AS category,
                         (ARRAY['Nordwind', 'Alpaca', 'Brightly', 'Cobalt', 'Driftwood', 'Ember', 'Fjord', 'Granite', 'Harbor', 'Ivy',
                                 'Juniper', 'Kestrel', 'Lumen', 'Meadow', 'Nimbus', 'Orchard', 'Pebble', 'Quarry', 'Rowan', 'Saffron',
                                 'Tundra', 'Umber', 'Vireo', 'Willow', 'Yarrow'])[1 + floor(random() * 25)::int] AS brand) AS a`,
  // A few customers place many orders (power law); statuses skewed to 'delivered', 'refunded' rare.
  orders: `
    INSERT INTO orders (id, customer_id, status, placed_at)
    SELECT g,
           1 + floor(power(random(), 2) * $2::int)::int,
           CASE WHEN r < 0.85 THEN 'delivered'
                WHEN r < 0.91 THEN 'shipped'
                WHEN r < 0.95 THEN 'paid'
                WHEN r < 0.98 THEN 'pending'
                WHEN r < 0.995 THEN 'cancelled'
                ELSE 'refunded' END,
           $3::timestamptz - power(random(), 2) * interval '730 days'
    FROM generate_series(1, $1::int) AS g, LATERAL (SELECT random() + g * 0 AS r) AS s`,
  // One to five items per order; popular products sell more.
  orderItems: `
    INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents)
    SELECT x.order_id, x.product_id, x.quantity, p.price_cents
    FROM (SELECT o.id AS order_id,
                 1 + floor(power(random(), 2) * $1::int)::int AS product_id,
                 CASE WHEN random() < 0.8 THEN 1 ELSE 2 + floor(random() * 3)::int END AS quantity
          FROM orders o, LATERAL generate_series(1, 1 + floor(random() * 4)::int + o.id * 0) AS i) AS x
    JOIN products p ON p.id = x.product_id`,
  totals: `
    UPDATE orders o SET total_cents = t.total
    FROM (SELECT order_id, sum(quantity * unit_price_cents)::int AS total FROM order_items GROUP BY order_id) AS t
    WHERE t.order_id = o.id`,
  reviews: `
    INSERT INTO reviews (product_id, customer_id, rating, body, created_at)
    SELECT 1 + floor(power(random(), 2.5) * $2::int)::int,
           1 + floor(random() * $3::int)::int,
           (ARRAY[1, 2, 3, 4, 4, 5, 5, 5, 5, 5])[1 + floor(random() * 10)::int],
           (ARRAY['Exactly as described.', 'Broke after a week.', 'Great value for the price.', 'Would buy again!',
                  'Arrived late but works fine.', 'The colour is different from the photo.', 'Perfect gift.', 'Meh.'])[1 + floor(random() * 8)::int],
           $4::timestamptz - random() * interval '700 days'
    FROM generate_series(1, $1::int) AS g`,
  syncIdentity: (table: string) => `SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`,
  analyze: `ANALYZE customers, products, orders, order_items, reviews`,
  // This session's counts reach the shared statistics when it is next idle (PostgreSQL 15+): flushed now, so the reset
  // after it finds them there.
  flushStats: `SELECT pg_stat_force_next_flush()`,
  resetTableCounters: `SELECT pg_stat_reset_single_table_counters(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = ANY($1::text[])`,
} as const;

/** schema.sql in two parts: the tables, then what pg_dump also puts after the data. */
export function splitSchema(sql: string): [tables: string, afterData: string] {
  const at = sql.indexOf(AFTER_DATA);
  if (at < 0) throw new Error(`schema.sql has no "${AFTER_DATA}" line`);
  return [sql.slice(0, at), sql.slice(at)];
}

/** Create the shop's schema in the database at url and fill it. Deterministic for a given scale. */
export async function loadShop(url: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const scale = opts.scale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`scale must be a positive number, got ${opts.scale}`);
  const n = (base: number) => Math.max(10, Math.round(base * scale));
  const volume = { customers: n(40_000), products: n(20_000), orders: n(160_000), reviews: n(120_000) };
  const started = performance.now();
  const client = new Client({ connectionString: url, application_name: 'shop-seed' });
  await client.connect();
  try {
    const present = (await client.query(SEED.exists)).rows[0].present as boolean;
    if (present && !opts.replace) throw new Error('the shop tables already exist in this database (pass { replace: true } to drop and reload them)');
    if (present) await client.query(SEED.drop);
    const [tables, afterData] = splitSchema(fs.readFileSync(path.join(__dirname, 'schema.sql'), 'utf8'));
    await client.query(tables);
    // setseed applies to this session: every random() below follows from it.
    await client.query(SEED.setseed);
    const rows: Record<string, number> = {};
    rows.customers = (await client.query(SEED.customers, [volume.customers, ANCHOR])).rowCount ?? 0;
    rows.products = (await client.query(SEED.products, [volume.products, ANCHOR])).rowCount ?? 0;
    rows.orders = (await client.query(SEED.orders, [volume.orders, volume.customers, ANCHOR])).rowCount ?? 0;
    rows.order_items = (await client.query(SEED.orderItems, [volume.products])).rowCount ?? 0;
    await client.query(SEED.totals);
    rows.reviews = (await client.query(SEED.reviews, [volume.reviews, volume.products, volume.customers, ANCHOR])).rowCount ?? 0;
    for (const t of SHOP_TABLES) await client.query(SEED.syncIdentity(t));
    // Indexes built once over the data (faster, and GIN without a pending list), foreign keys validated in one pass.
    await client.query(afterData);
    // The seed's INSERTs and UPDATE are not the app's writes: the tables' counters start at zero, so the index advice's
    // "write-heavy" and the dashboard's write figures reflect the traffic (person23 LOW 4: "reviews is write-heavy
    // (24,000 rows inserted …)" on a shop whose traffic only reads). ANALYZE after it: the reset also forgets when the
    // tables were last analysed.
    await client.query(SEED.flushStats).catch(() => undefined); // before PostgreSQL 15 there is nothing pending to flush
    await client.query(SEED.resetTableCounters, [[...SHOP_TABLES]]);
    await client.query(SEED.analyze);
    return { rows, ms: Math.round(performance.now() - started) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

if (require.main === module) {
  const [url, scale] = process.argv.slice(2);
  if (!url) {
    console.error('usage: tsx examples/shop/seed.ts <postgres-url> [scale]');
    process.exit(2);
  }
  loadShop(url, { scale: scale ? Number(scale) : 1, replace: true }).then(
    (r) => console.log(`loaded in ${(r.ms / 1000).toFixed(1)} s: ${Object.entries(r.rows).map(([t, c]) => `${t} ${c}`).join(', ')}`),
    (e) => {
      console.error(`seed failed: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}

/**
 * pg_stat_statements forgets everything so far (the seed's INSERT … generate_series, CREATE TABLE, ANALYZE): the demos
 * call it before the shop's traffic, so top statements and the cost CodeLens hold the app's workload, not the load
 * (person38 L4: demo:ui's dashboard listed the seed first and schema.sql's CREATE TABLEs had "29 ms mean · 1 call").
 */
export async function forgetSeedStatements(url: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('SELECT pg_stat_statements_reset()');
  } finally {
    await c.end();
  }
}
