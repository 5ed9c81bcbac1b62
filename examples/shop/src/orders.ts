/** Orders: recent orders with their items, refunds, order detail. */
import type { Db } from './db';

export interface OrderItem {
  product_id: number;
  quantity: number;
  unit_price_cents: number;
}

export interface Order {
  id: number;
  customer_id: number;
  status: string;
  total_cents: number;
  placed_at: Date;
  items?: OrderItem[];
}

async function recentOrders(db: Db, limit: number): Promise<Order[]> {
  const { rows } = await db.query<Order>(
    'SELECT id, customer_id, status, total_cents, placed_at FROM orders ORDER BY placed_at DESC LIMIT $1',
    [limit],
  );
  return rows;
}

/** Recent orders with their items: one query per order for the items. */
export async function recentOrdersWithItems(db: Db, limit: number): Promise<Order[]> {
  const orders = await recentOrders(db, limit);
  for (const order of orders) {
    const { rows } = await db.query<OrderItem>(
      'SELECT product_id, quantity, unit_price_cents FROM order_items WHERE order_id = $1 ORDER BY id',
      [order.id],
    );
    order.items = rows;
  }
  return orders;
}

/** The same page with all the items in one round trip. */
export async function recentOrdersWithItemsBatched(db: Db, limit: number): Promise<Order[]> {
  const orders = await recentOrders(db, limit);
  const { rows } = await db.query<OrderItem & { order_id: number }>(
    'SELECT order_id, product_id, quantity, unit_price_cents FROM order_items WHERE order_id = ANY($1::bigint[]) ORDER BY order_id, id',
    [orders.map((o) => o.id)],
  );
  const byOrder = new Map<number, OrderItem[]>();
  for (const { order_id, ...item } of rows) {
    const key = Number(order_id);
    if (!byOrder.has(key)) byOrder.set(key, []);
    byOrder.get(key)!.push(item);
  }
  for (const order of orders) order.items = byOrder.get(Number(order.id)) ?? [];
  return orders;
}

/** Order detail: primary key, then the items through their order_id index. */
export async function getOrder(db: Db, id: number): Promise<Order | undefined> {
  const { rows } = await db.query<Order>('SELECT id, customer_id, status, total_cents, placed_at FROM orders WHERE id = $1', [id]);
  const order = rows[0];
  if (!order) return undefined;
  const items = await db.query<OrderItem>('SELECT product_id, quantity, unit_price_cents FROM order_items WHERE order_id = $1 ORDER BY id', [id]);
  order.items = items.rows;
  return order;
}

/** Refunds desk: refunded orders are rare, but without an index on status every order is read. */
export async function refundedOrders(db: Db): Promise<Order[]> {
  const { rows } = await db.query<Order>(
    `SELECT id, customer_id, status, total_cents, placed_at FROM orders WHERE status = 'refunded' ORDER BY placed_at DESC`,
  );
  return rows;
}

/** Support desk: a customer's orders by their email. The join reaches orders through customer_id, which has no index. */
export async function ordersForEmail(db: Db, email: string): Promise<(Order & { name: string })[]> {
  const { rows } = await db.query(
    `SELECT o.id, o.customer_id, o.status, o.total_cents, o.placed_at, c.name
       FROM customers c
       JOIN orders o ON o.customer_id = c.id
      WHERE c.email = $1
      ORDER BY o.placed_at DESC`,
    [email],
  );
  return rows;
}
