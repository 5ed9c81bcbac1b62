/**
 * The shop's tables as Sequelize models (Sequelize 6 on pg): the ORM flavour of examples/shop.
 * The schema is the same (../schema.sql); Sequelize does not create or alter it.
 */
import { DataTypes, Model, Sequelize, type InferAttributes, type InferCreationAttributes, type CreationOptional, type HasManyGetAssociationsMixin } from 'sequelize';

export class Customer extends Model<InferAttributes<Customer>, InferCreationAttributes<Customer>> {
  declare id: CreationOptional<number>;
  declare email: string;
  declare name: string;
  declare country: string;
}

export class OrderItem extends Model<InferAttributes<OrderItem>, InferCreationAttributes<OrderItem>> {
  declare id: CreationOptional<number>;
  declare orderId: number;
  declare productId: number;
  declare quantity: number;
  declare unitPriceCents: number;
}

export class Order extends Model<InferAttributes<Order, { omit: 'items' }>, InferCreationAttributes<Order, { omit: 'items' }>> {
  declare id: CreationOptional<number>;
  declare customerId: number;
  declare status: string;
  declare totalCents: number;
  declare placedAt: Date;
  declare items?: OrderItem[];
  /** Lazy association: one SELECT per call. */
  declare getItems: HasManyGetAssociationsMixin<OrderItem>;
}

export function connectShop(url: string): Sequelize {
  const sequelize = new Sequelize(url, { dialect: 'postgres', logging: false, pool: { max: 4 } });
  const common = { sequelize, underscored: true, timestamps: false };
  Customer.init({
    id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
    email: DataTypes.TEXT, name: DataTypes.TEXT, country: DataTypes.TEXT,
  }, { ...common, tableName: 'customers' });
  Order.init({
    id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
    customerId: DataTypes.BIGINT, status: DataTypes.TEXT, totalCents: DataTypes.INTEGER, placedAt: DataTypes.DATE,
  }, { ...common, tableName: 'orders' });
  OrderItem.init({
    id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
    orderId: DataTypes.BIGINT, productId: DataTypes.BIGINT, quantity: DataTypes.INTEGER, unitPriceCents: DataTypes.INTEGER,
  }, { ...common, tableName: 'order_items' });
  Order.hasMany(OrderItem, { as: 'items', foreignKey: 'orderId' });
  OrderItem.belongsTo(Order, { foreignKey: 'orderId' });
  Order.belongsTo(Customer, { foreignKey: 'customerId' });
  return sequelize;
}
