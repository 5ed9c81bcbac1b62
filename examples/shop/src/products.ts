/** Products: catalogue pages, search, attribute filters, featured products with reviews. */
import type { Db } from './db';

export interface Product {
  id: number;
  sku: string;
  name: string;
  price_cents: number;
}

export interface Review {
  rating: number;
  body: string;
  created_at: Date;
}

/** Catalogue, page by page: OFFSET reads and throws away every row before the page. */
export async function listProductsPage(db: Db, page: number, pageSize: number): Promise<Product[]> {
  const { rows } = await db.query<Product>('SELECT id, sku, name, price_cents FROM products ORDER BY id LIMIT $1 OFFSET $2', [
    pageSize,
    (page - 1) * pageSize,
  ]);
  return rows;
}

/** Catalogue, keyset pagination: continues after the last id seen, through the primary key. */
export async function listProductsAfter(db: Db, afterId: number, pageSize: number): Promise<Product[]> {
  const { rows } = await db.query<Product>('SELECT id, sku, name, price_cents FROM products WHERE id > $1 ORDER BY id LIMIT $2', [
    afterId,
    pageSize,
  ]);
  return rows;
}

export async function getProduct(db: Db, id: number): Promise<(Product & { description: string; attributes: Record<string, unknown> }) | undefined> {
  const { rows } = await db.query('SELECT id, sku, name, description, category, price_cents, attributes FROM products WHERE id = $1', [id]);
  return rows[0];
}

/** Full-text search through the GIN index on the generated search column. */
export async function searchProducts(db: Db, q: string): Promise<(Product & { rank: number })[]> {
  const { rows } = await db.query(
    `SELECT id, sku, name, price_cents, ts_rank(search, query) AS rank
       FROM products, websearch_to_tsquery('english', $1) AS query
      WHERE search @@ query
      ORDER BY rank DESC, id
      LIMIT 20`,
    [q],
  );
  return rows;
}

/** Filter by attributes ({"color": "red", "size": "M"}): containment on jsonb with no GIN index. */
export async function filterProducts(db: Db, attributes: Record<string, string | number | boolean>): Promise<Product[]> {
  const { rows } = await db.query<Product>(
    'SELECT id, sku, name, price_cents FROM products WHERE attributes @> $1::jsonb ORDER BY id LIMIT 50',
    [JSON.stringify(attributes)],
  );
  return rows;
}

async function newestProducts(db: Db, limit: number): Promise<(Product & { reviews?: Review[] })[]> {
  const { rows } = await db.query<Product>('SELECT id, sku, name, price_cents FROM products ORDER BY id DESC LIMIT $1', [limit]);
  return rows;
}

/** Featured products with their latest reviews: one reviews query per product, each scanning reviews. */
export async function featuredProducts(db: Db, limit: number): Promise<(Product & { reviews?: Review[] })[]> {
  const products = await newestProducts(db, limit);
  for (const product of products) {
    const { rows } = await db.query<Review>(
      'SELECT rating, body, created_at FROM reviews WHERE product_id = $1 ORDER BY created_at DESC LIMIT 3',
      [product.id],
    );
    product.reviews = rows;
  }
  return products;
}

/** The same page in two round trips. Not a loop of queries, but reviews.product_id still has no index. */
export async function featuredProductsBatched(db: Db, limit: number): Promise<(Product & { reviews?: Review[] })[]> {
  const products = await newestProducts(db, limit);
  const { rows } = await db.query<Review & { product_id: number }>(
    `SELECT product_id, rating, body, created_at
       FROM (SELECT product_id, rating, body, created_at,
                    row_number() OVER (PARTITION BY product_id ORDER BY created_at DESC) AS n
               FROM reviews
              WHERE product_id = ANY($1::bigint[])) AS latest
      WHERE n <= 3
      ORDER BY product_id, created_at DESC`,
    [products.map((p) => p.id)],
  );
  for (const product of products) {
    product.reviews = rows.filter((r) => Number(r.product_id) === Number(product.id)).map(({ rating, body, created_at }) => ({ rating, body, created_at }));
  }
  return products;
}
