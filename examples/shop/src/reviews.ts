/** Reviews: a product's rating and writing a review. */
import type { Db } from './db';

/** Average rating: filters reviews on product_id, which has no index. */
export async function productRating(db: Db, productId: number): Promise<{ average: number | null; count: number }> {
  const { rows } = await db.query('SELECT avg(rating)::float8 AS average, count(*)::int AS count FROM reviews WHERE product_id = $1', [productId]);
  return rows[0];
}

export async function addReview(db: Db, review: { productId: number; customerId: number; rating: number; body: string }): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    'INSERT INTO reviews (product_id, customer_id, rating, body) VALUES ($1, $2, $3, $4) RETURNING id',
    [review.productId, review.customerId, review.rating, review.body],
  );
  return Number(rows[0].id);
}
