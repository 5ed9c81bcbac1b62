/** Orders through the ORM: the same pages as ../src/orders.ts, written as Sequelize calls. */
import { Order, OrderItem } from './models';

/** Recent orders with their items, loaded through the lazy association: one SELECT per order. */
export async function recentOrdersWithItems(limit: number): Promise<Order[]> {
  const orders = await Order.findAll({ order: [['placedAt', 'DESC']], limit });
  for (const order of orders) {
    order.items = await order.getItems({ order: [['id', 'ASC']] }); // planted: n-plus-one
  }
  return orders;
}

/** The same page with the items loaded with the orders (one query): not an N+1. */
export async function recentOrdersWithItemsEager(limit: number): Promise<Order[]> {
  return Order.findAll({ order: [['placedAt', 'DESC']], limit, include: [{ model: OrderItem, as: 'items' }] });
}

/** One order with its items. */
export async function getOrder(id: number): Promise<Order | null> {
  return Order.findByPk(id, { include: [{ model: OrderItem, as: 'items' }] });
}

/** The refunds desk: orders.status has no index, so every order is read. */
export async function refundedOrders(): Promise<Order[]> {
  return Order.findAll({ where: { status: 'refunded' }, order: [['placedAt', 'DESC']], limit: 20 }); // planted: missing-index
}
