/**
 * Issue 20, person47 L5: one ORM N+1, one fix, whatever surface shows it. On the shop, the static quick fix on
 * `order.items = await order.getItems({ order: [['id', 'ASC']] })` in a loop over `Order.findAll(…)` said
 * `include: [{ association: 'items', separate: true, order: [['id', 'ASC']] }]`, while the recording of the same loop
 * said "add { model: OrderItem, as: 'items' } to its include" — dropping the getter's order. The recording now writes the
 * include the static rewrite writes (one builder), and says which of the getter's options it cannot carry.
 */
import { strict as assert } from 'node:assert';
import { summarize } from '../../../../src/core/record/aggregate';
import { keepRecording, restoreRecording } from '../../../../src/core/record/keep';
import { LiveRecording } from '../../../../src/core/record/live';
import { mergeRecorded, recordedFindings } from '../../../../src/core/record/findings';
import type { QueryEvent } from '../../../../src/core/record/protocol';
import { loadPgParser, normalizeSql } from '../../../../src/core/sql/statement';
import { sequelizeMixins } from '../../../../src/core/nplusone/sequelizeModels';
import type { Rewrite } from '../../../../src/core/nplusone/rewrites';
import { scanNPlusOne } from '../../support/nplusoneFixtures';

const MODELS = '/shop/orm/models.ts';
const ORDERS = '/shop/orm/orders.ts';
const TEXTS: Record<string, string> = {
  [MODELS]: [
    "import { DataTypes, Model, Sequelize } from 'sequelize';",
    'export class Order extends Model {}',
    'export class OrderItem extends Model {}',
    'export function init(sequelize: Sequelize): void {',
    "  Order.init({ status: DataTypes.TEXT }, { sequelize, tableName: 'orders' });",
    "  OrderItem.init({ sku: DataTypes.TEXT, orderId: DataTypes.BIGINT }, { sequelize, tableName: 'order_items' });",
    "  Order.hasMany(OrderItem, { as: 'items', foreignKey: 'orderId' });",
    '}',
  ].join('\n'),
  [ORDERS]: [
    "import { Order } from './models';", // 1
    'export async function recent(limit: number) {', // 2
    "  const orders = await Order.findAll({ order: [['placedAt', 'DESC']], limit });", // 3
    '  for (const order of orders) {', // 4
    "    order.items = await order.getItems({ order: [['id', 'ASC']] });", // 5
    '  }', // 6
    '  return orders;', // 7
    '}', // 8
    'export async function skus(limit: number) {', // 9
    '  const orders = await Order.findAll({ limit });', // 10
    '  for (const order of orders) {', // 11
    "    order.items = await order.getItems({ where: { sku: order.status }, attributes: ['sku'], order: [['id', 'ASC']] });", // 12
    '  }', // 13
    '  return orders;', // 14
    '}', // 15
  ].join('\n'),
};
const MIXINS = sequelizeMixins(TEXTS[MODELS]);

function at(line: number, name: string): QueryEvent['site'] {
  const col = TEXTS[ORDERS].split('\n')[line - 1].indexOf(name) + 1;
  assert.ok(col > 0, name);
  return { file: ORDERS, line, col, via: 'sequelize' };
}

function q(sql: string, unit: string, site: QueryEvent['site']): QueryEvent {
  return { v: 1, t: 'q', lib: 'pg', sql, pc: 0, pt: [], ms: 2, rows: 1, u: { k: 'request', id: unit, n: unit.replace(/#\d+$/, '') }, ts: 0, pid: 1, site };
}

/** What Sequelize 6 sends for the two loops (values interpolated: every text differs in the order's id). */
function traffic(): QueryEvent[] {
  const events: QueryEvent[] = [];
  for (const unit of ['GET /orders/recent#1', 'GET /orders/recent#2']) {
    events.push(q('SELECT "id", "status" FROM "orders" AS "Order" ORDER BY "Order"."placedAt" DESC LIMIT 10;', unit, at(3, 'findAll')));
    for (let id = 1; id <= 6; id++) events.push(q(`SELECT "id", "sku", "orderId" FROM "order_items" AS "OrderItem" WHERE "OrderItem"."orderId" = ${id} ORDER BY "OrderItem"."id" ASC;`, unit, at(5, 'getItems')));
  }
  for (const unit of ['GET /orders/skus#1', 'GET /orders/skus#2']) {
    events.push(q('SELECT "id", "status" FROM "orders" AS "Order" LIMIT 10;', unit, at(10, 'findAll')));
    for (let id = 1; id <= 6; id++) events.push(q(`SELECT "sku", "orderId" FROM "order_items" AS "OrderItem" WHERE ("OrderItem"."orderId" = ${id} AND "OrderItem"."sku" = 'paid') ORDER BY "OrderItem"."id" ASC;`, unit, at(12, 'getItems')));
  }
  return events;
}

const record = () => summarize(traffic(), normalizeSql, { threshold: 5 }, { source: (f) => TEXTS[f], sequelizeMixins: (name) => MIXINS.filter((m) => m.name === name) });
const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

describe('core/record: the recording and the static quick fix give one fix for one Sequelize N+1 (person47 L5, issue 20)', function () {
  this.timeout(60000);
  before(() => loadPgParser());

  it("the recorded fix adds the static rewrite's include — separate: true with the getter's order — never an include that drops it", async () => {
    const s = record();
    const n = s.nPlusOne.find((x) => x.line === 5);
    assert.ok(n, s.nPlusOne.map((x) => `${x.line}: ${x.fix}`).join(' | '));
    // The static analysis of the same code: its rewrite, and the include it writes.
    const stat = (await scanNPlusOne([{ path: MODELS, text: TEXTS[MODELS].split('\n') }, { path: ORDERS, text: TEXTS[ORDERS].split('\n') }])).find((f) => f.file === ORDERS && lineOf(TEXTS[ORDERS], f.span.start) === 5);
    assert.ok(stat, 'the static N+1 at line 5');
    const rewrite = stat.fixes?.find((x) => /^Show the batched rewrite/.test(x.title))?.command?.args?.[0] as Rewrite | undefined;
    assert.ok(rewrite, 'the static analysis has a rewrite for that site');
    const include = /include: \[(\{[^\n]*?\})\]/.exec(rewrite.help)?.[1];
    assert.equal(include, "{ association: 'items', separate: true, order: [['id', 'ASC']] }");
    assert.ok(n.fix.includes(`add ${include} to its include`), n.fix);
    assert.doesNotMatch(n.fix, /\{ model: OrderItem, as: 'items' \}/);
    assert.doesNotMatch(n.fix, /Not in that include/);
    // Merged with the static finding (the Problems panel's one finding): no include without the order anywhere in it.
    const recorded = recordedFindings({ summary: s, advice: new Map() }, ORDERS, TEXTS[ORDERS]).find((f) => lineOf(TEXTS[ORDERS], f.span.start) === 5)!;
    const [merged] = mergeRecorded([{ ...stat, file: ORDERS }, recorded], TEXTS[ORDERS]).filter((f) => f.ruleId === 'n-plus-one' && lineOf(TEXTS[ORDERS], f.span.start) === 5);
    assert.equal(merged.evidence?.static, true);
    const said = [merged.help ?? '', ...(merged.related ?? []).map((r) => r.message)].join('\n');
    assert.doesNotMatch(said, /\{ model: OrderItem, as: 'items' \}/, said);
    assert.ok(said.includes(include!), said);
  });

  it("a getter option it cannot carry is said, with why: one of the item's, one a separate include does not take", () => {
    const n = record().nPlusOne.find((x) => x.line === 12);
    assert.ok(n);
    assert.ok(n.fix.includes("add { association: 'items', separate: true, order: [['id', 'ASC']] } to its include"), n.fix);
    assert.match(n.fix, /Not in that include: the getItems\(\) call's where \(it uses order, which changes per item\); the getItems\(\) call's attributes \(a separate include carries only where, order and limit as the getter has them\)\./);
  });

  it('a recording kept and read back (Reload Window) gives the fresh fix once the models are known, and says when they became known (person48 L-e)', () => {
    const mixins = (name: string) => MIXINS.filter((m) => m.name === name);
    const source = (f: string) => TEXTS[f];
    const fresh = new LiveRecording(normalizeSql);
    for (const e of traffic()) fresh.receive(e);
    fresh.stop();
    const fix = fresh.summary({ threshold: 5 }, source, mixins).nPlusOne.find((x) => x.line === 5)?.fix;
    assert.ok(fix?.includes("add { association: 'items', separate: true, order: [['id', 'ASC']] } to its include"), fix);
    // Saved as the editor saves it (to JSON in workspace storage) and read back.
    const kept = restoreRecording(JSON.parse(JSON.stringify(keepRecording(fresh.recent, fresh.notices, 0, { values: false, at: 1 }))), { values: false });
    assert.ok(kept);
    const back = LiveRecording.of(normalizeSql, kept.events, kept.notices, kept.dropped);
    // The editor reads the models from the workspace's cross-file index, not read yet when a reload reads the recording back.
    const before = back.summary({ threshold: 5 }, source, () => []).nPlusOne.find((x) => x.line === 5)?.fix;
    assert.match(before ?? '', /^Load the association on order_items with the parent query/);
    assert.equal(back.modelsChanged(() => []), false, 'the models answer as before: no refresh');
    assert.equal(back.modelsChanged(mixins), true, 'the index read: the models answer otherwise, a refresh follows');
    assert.equal(back.summary({ threshold: 5 }, source, mixins).nPlusOne.find((x) => x.line === 5)?.fix, fix);
    assert.equal(back.modelsChanged(mixins), false);
  });
});
