/**
 * The ORM N+1 rewrite keeps meaning (issue 20, person45 L7): a Sequelize hasMany getter called on each row a findAll
 * just loaded becomes the finder's `include: [{ association, separate: true, …the getter's options }]`. On the shop
 * database, through Sequelize and the shop's own models (examples/shop/orm/models.ts), the original function and the
 * code "Show the batched rewrite" opens (taken from the analyzer's finding, run as it stands with the TypeScript
 * stripped by esbuild) return the same orders with the same items in the same order — and the loop's other statements
 * see the same rows. The shop's own file first, then variants of the getter's options (where, a per-order limit, none)
 * and of the parent query.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Sequelize } from 'sequelize';
import { loadShop } from '../../../examples/shop/seed';
import { connectShop, Order, OrderItem } from '../../../examples/shop/orm/models';
import { recentOrdersWithItems } from '../../../examples/shop/orm/orders';
import { scanNPlusOne } from '../../unit/support/nplusoneFixtures';
import { useTreeSitterFromNodeModules } from '../../unit/support/treeSitter';
import type { Rewrite } from '../../../src/core/nplusone/rewrites';
import { testDatabase } from '../support';

const orm = path.join(__dirname, '..', '..', '..', 'examples', 'shop', 'orm');
const models = { path: 'examples/shop/orm/models.ts', text: fs.readFileSync(path.join(orm, 'models.ts'), 'utf8') };

/** A function of the shop's ORM code: `const orders = await Order.findAll(…)`, a loop over them, `return …`. */
function orderFile(body: string[]): string {
  return ["import { Order, OrderItem } from './models';", '', 'export async function run(limit: number, out: unknown[]): Promise<Order[]> {', ...body, '}', ''].join('\n');
}

const VARIANTS: { name: string; text: string; sort?: boolean; someEmpty?: boolean }[] = [
  {
    name: 'a where and a descending order on the getter (orders with no matching item keep an empty list, not dropped)',
    someEmpty: true,
    text: orderFile([
      "  const orders = await Order.findAll({ order: [['placedAt', 'DESC'], ['id', 'ASC']], limit });",
      '  for (const order of orders) {',
      "    order.items = await order.getItems({ where: { quantity: 1 }, order: [['id', 'DESC']] });",
      '  }',
      '  return orders;',
    ]),
  },
  {
    name: "a per-order limit (each order's 2 dearest lines), and the loop's other statements kept",
    text: orderFile([
      "  const orders = await Order.findAll({ order: [['id', 'ASC']], limit });",
      '  for (const order of orders) {',
      "    order.items = await order.getItems({ order: [['unitPriceCents', 'DESC'], ['id', 'ASC']], limit: 2 });",
      '    out.push([order.id, order.items.map((i) => i.id)]);',
      '  }',
      '  return orders;',
    ]),
  },
  {
    name: 'no options on the getter (rows compared as a set)',
    text: orderFile([
      "  const orders = await Order.findAll({ order: [['id', 'DESC']], limit });",
      '  for (const order of orders) {',
      '    order.items = await order.getItems();',
      '  }',
      '  return orders;',
    ]),
    sort: true,
  },
  {
    name: 'options written over several lines (trailing commas), and a statement between the findAll and the loop',
    text: orderFile([
      '  const orders = await Order.findAll({',
      "    where: { status: 'delivered' },",
      "    order: [['id', 'DESC']],",
      '    limit,',
      '  });',
      '  const count = orders.length;',
      '  for (const order of orders) {',
      '    order.items = await order.getItems({',
      "      order: [['quantity', 'DESC'], ['id', 'ASC']],",
      '    });',
      '    out.push([count, order.items.length]);',
      '  }',
      '  return orders;',
    ]),
  },
  {
    name: 'a filtered parent query with no ORDER BY on the getter',
    text: orderFile([
      "  const orders = await Order.findAll({ where: { status: 'refunded' }, order: [['id', 'ASC']], limit });",
      '  for (const order of orders) {',
      "    order.items = await order.getItems({ order: [['id', 'ASC']] });",
      '    out.push(order.items.length);',
      '  }',
      '  return orders;',
    ]),
  },
];

/** The rewrite the finding of `text` offers ("Show the batched rewrite"), and the code it replaces (the findAll to the loop's end). */
async function rewriteOf(file: string, text: string): Promise<{ rewrite: Rewrite; replaced: [number, number] }> {
  const f = (await scanNPlusOne([models, { path: file, text }])).find((x) => x.file === file && /getItems/.test(x.message));
  assert.ok(f, `an N+1 finding on getItems in ${file}`);
  const fix = f.fixes?.find((x) => /^Show the batched rewrite/.test(x.title));
  assert.ok(fix?.command, `a "Show the batched rewrite" action on ${file}: ${(f.fixes ?? []).map((x) => x.title).join(', ')}`);
  const start = text.indexOf('const orders = await Order.findAll');
  const end = text.indexOf('\n  }\n', start) + '\n  }'.length;
  return { rewrite: fix.command.args![0] as Rewrite, replaced: [start, end] };
}

/** A function's source (TypeScript), run with the shop's models in scope. */
async function compile(text: string): Promise<(limit: number, out: unknown[]) => Promise<Order[]>> {
  const esbuild = await import('esbuild');
  const body = /export async function \w+\([^)]*\)[^{]*\{([\s\S]*)\}\s*$/.exec(text)![1];
  const js = (await esbuild.transform(`async function run(limit: number, out: unknown[]) {${body}}`, { loader: 'ts' })).code;
  return new Function('Order', 'OrderItem', `${js}\nreturn run;`)(Order, OrderItem) as (limit: number, out: unknown[]) => Promise<Order[]>;
}

/**
 * The one difference the rewrite states: the loop's `order.items = …` is a plain property, which toJSON() leaves out;
 * the include puts the items in the instance's values, so JSON.stringify of each order now includes them — the items
 * the loop read, in its order.
 */
function assertJson(got: Order[], want: Order[]): void {
  assert.deepEqual(got.map((o) => JSON.parse(JSON.stringify(o))), want.map((o) => ({ ...JSON.parse(JSON.stringify(o)), items: o.items!.map((i) => i.toJSON()) })));
  assert.ok(want.every((o) => !('items' in (JSON.parse(JSON.stringify(o)) as object))), "the loop's plain property is not in toJSON()");
}

/** What the caller sees: each order's columns and its items' columns, as plain values. */
function seen(orders: Order[], sort = false): unknown {
  return orders.map((o) => {
    const { items: _items, ...columns } = o.get({ plain: true }) as Record<string, unknown>;
    const items = (o.items ?? []).map((i) => JSON.stringify(i.get({ plain: true })));
    return { columns: JSON.stringify(columns), items: sort ? [...items].sort() : items };
  });
}

/** The statements Sequelize sends while `fn` runs (counted by its beforeQuery hook). */
let sent = 0;
async function counted<T>(fn: () => Promise<T>): Promise<{ queries: number; value: T }> {
  const before = sent;
  const value = await fn();
  return { queries: sent - before, value };
}

describe('db: the ORM N+1 rewrite (Sequelize include, separate: true) returns what the loop returned (shop database)', function () {
  this.timeout(120_000);
  const t = testDatabase('nplusone_orm_rewrite');
  let sequelize: Sequelize;
  before(async () => {
    useTreeSitterFromNodeModules();
    await loadShop(t.url, { scale: 0.02 });
    sequelize = connectShop(t.url);
    sequelize.addHook('beforeQuery', () => void sent++);
  });
  after(async () => sequelize?.close());

  it("the shop's own recentOrdersWithItems (orm/orders.ts): the same orders, each with the same items in the getter's order", async () => {
    const text = fs.readFileSync(path.join(orm, 'orders.ts'), 'utf8');
    const { rewrite, replaced } = await rewriteOf('examples/shop/orm/orders.ts', text);
    assert.match(rewrite.code, /Order\.findAll\(\{ order: \[\['placedAt', 'DESC'\]\], limit, include: \[\{ association: 'items', separate: true, order: \[\['id', 'ASC'\]\] \}\] \}\)/, rewrite.code);
    // The function the finding is in, with the rewrite pasted over its findAll and loop.
    const from = text.indexOf('export async function recentOrdersWithItems(');
    const to = text.indexOf('\n}\n', replaced[1]) + 2;
    const rewritten = await compile(text.slice(from, replaced[0]) + rewrite.code.trimStart() + text.slice(replaced[1], to));
    for (const limit of [1, 30]) {
      const { value: want, queries: before } = await counted(() => recentOrdersWithItems(limit));
      const { value: got, queries: after } = await counted(() => rewritten(limit, []));
      // The figures: 1 + one per order before, 2 after (the orders, then every order's items).
      assert.deepEqual([before, after], [1 + limit, 2], 'statements sent: by the loop, by the rewrite');
      assert.equal(got.length, limit);
      assert.ok(want.some((o) => o.items!.length > 1), 'orders with several items: the order of items is tested');
      assert.deepEqual(seen(got), seen(want), rewrite.code);
      assertJson(got, want);
    }
  });

  for (const v of VARIANTS) {
    it(`a variant: ${v.name}`, async () => {
      const { rewrite, replaced } = await rewriteOf('examples/shop/orm/variant.ts', v.text);
      const original = await compile(v.text);
      const rewritten = await compile(v.text.slice(0, replaced[0]) + rewrite.code.trimStart() + v.text.slice(replaced[1]));
      for (const limit of [3, 40]) {
        const wantOut: unknown[] = [];
        const gotOut: unknown[] = [];
        const want = await original(limit, wantOut);
        const got = await rewritten(limit, gotOut);
        assert.ok(want.length > 0, 'the parent query returns orders');
        if (v.someEmpty && limit > 3) assert.ok(want.some((o) => !o.items!.length) && want.some((o) => o.items!.length), 'orders with and without matching items');
        assert.deepEqual(seen(got, v.sort), seen(want, v.sort), rewrite.code);
        assert.deepEqual(gotOut, wantOut, `the loop's other statements see the same rows\n${rewrite.code}`);
        if (!v.sort) assertJson(got, want);
      }
    });
  }
});
