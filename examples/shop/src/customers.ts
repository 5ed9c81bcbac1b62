/** Customers: profile pages and the login lookup. */
import type { Db } from './db';

export interface Customer {
  id: number;
  email: string;
  name: string;
  country: string;
}

/** Profile page: a primary-key lookup. */
export async function getCustomer(db: Db, id: number): Promise<Customer | undefined> {
  const { rows } = await db.query<Customer>('SELECT id, email, name, country FROM customers WHERE id = $1', [id]);
  return rows[0];
}

/** Login: emails are matched case-insensitively. The UNIQUE index on email cannot serve lower(email). */
export async function findCustomerByEmail(db: Db, email: string): Promise<Customer | undefined> {
  const { rows } = await db.query<Customer>('SELECT id, email, name, country FROM customers WHERE lower(email) = lower($1)', [email]);
  return rows[0];
}

/** "My orders": filters orders on customer_id, which has no index. */
export async function customerOrders(db: Db, customerId: number): Promise<{ id: number; status: string; total_cents: number; placed_at: Date }[]> {
  const { rows } = await db.query(
    `SELECT id, status, total_cents, placed_at
       FROM orders
      WHERE customer_id = $1
      ORDER BY placed_at DESC
      LIMIT 20`,
    [customerId],
  );
  return rows;
}
