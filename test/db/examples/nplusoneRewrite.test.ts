/**
 * Every kind of N+1 batched rewrite keeps the meaning of the statement it replaces: on the shop
 * database, the original runs once per key (as the loop does) and the rewrite
 * (core/nplusone/batchSql, the SQL the "Show the batched rewrite" action proposes) runs once; the
 * rewrite's rows, grouped by the key column, equal the original's rows for each key — in the same
 * order when the original orders them. Keys include ones with many rows and ones with none.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadShop } from '../../../examples/shop/seed';
import { batchStatement, type BatchedStatement } from '../../../src/core/nplusone/batchSql';
import { rewriteFor } from '../../../src/core/nplusone/rewrites';
import { testDatabase } from '../support';

const shop = path.join(__dirname, '..', '..', '..', 'examples', 'shop');

/** The SQL literal of the shop's own N+1 site (planted.json "items-per-order"): what the loop runs. */
function shopLoopSql(): string {
  const map = JSON.parse(fs.readFileSync(path.join(shop, 'planted.json'), 'utf8')) as { sites: { id: string; file: string; line: number }[] };
  const site = map.sites.find((s) => s.id === 'items-per-order')!;
  const line = fs.readFileSync(path.join(shop, site.file), 'utf8').split('\n')[site.line - 1];
  return /'([^']+)'/.exec(line)![1];
}

interface Case {
  name: string;
  sql: string;
  form: BatchedStatement['form'];
  /** The loop's keys: a query over the shop, plus keys that match nothing. */
  keys: string;
  missing: (number | string)[];
  /** Other parameters, the same for every key. */
  others?: unknown[];
}

const CASES: Case[] = [
  { name: "the shop's items per order (plain filter, ORDER BY)", sql: shopLoopSql(), form: 'any', keys: 'SELECT id FROM orders ORDER BY id LIMIT 40', missing: [987654321] },
  { name: 'the latest 3 reviews per product (per-key LIMIT)', sql: 'SELECT id, rating, body FROM reviews WHERE product_id = $1 ORDER BY created_at DESC, id DESC LIMIT 3', form: 'lateral', keys: 'SELECT product_id FROM reviews GROUP BY product_id ORDER BY count(*) DESC LIMIT 25', missing: [987654321] },
  { name: 'average rating and count per product (aggregates: one row per key, also for a key with no rows)', sql: 'SELECT avg(rating)::float8 AS average, count(*)::int AS count FROM reviews WHERE product_id = $1', form: 'lateral', keys: 'SELECT id FROM products ORDER BY id LIMIT 30', missing: [987654321] },
  { name: 'order counts by status per customer (GROUP BY)', sql: 'SELECT status, count(*)::int AS n FROM orders WHERE customer_id = $1 GROUP BY status ORDER BY status', form: 'lateral', keys: 'SELECT customer_id FROM orders GROUP BY customer_id ORDER BY count(*) DESC LIMIT 20', missing: [987654321] },
  { name: 'distinct products a customer ordered (DISTINCT)', sql: 'SELECT DISTINCT oi.product_id FROM orders o JOIN order_items oi ON oi.order_id = o.id WHERE o.customer_id = $1 ORDER BY oi.product_id', form: 'lateral', keys: 'SELECT id FROM customers ORDER BY id LIMIT 20', missing: [987654321] },
  { name: 'the parameter first, a qualified column, and a second parameter the same for every key', sql: 'SELECT r.id, r.rating FROM reviews r WHERE $1 = r.product_id AND r.rating >= $2 ORDER BY r.id', form: 'any', keys: 'SELECT id FROM products ORDER BY id DESC LIMIT 30', missing: [987654321], others: [4] },
  { name: 'a text key (customers per country, OFFSET)', sql: 'SELECT id, email FROM customers WHERE country = $1 ORDER BY id LIMIT 5 OFFSET 2', form: 'lateral', keys: 'SELECT DISTINCT country FROM customers ORDER BY country', missing: ['Atlantis'] },
  { name: 'SELECT * by a foreign key', sql: 'SELECT * FROM order_items WHERE order_id = $1', form: 'any', keys: 'SELECT id FROM orders ORDER BY id DESC LIMIT 40', missing: [987654321] },
  // person37 L11: the loop's order — the keys in a scrambled order, each one's rows by an ORDER BY the rewrite must keep.
  { name: 'the 4 cheapest lines per order, keys in no index order (ORDER BY a column not selected, NULLS LAST)', sql: 'SELECT id, quantity FROM order_items WHERE order_id = $1 ORDER BY unit_price_cents NULLS LAST, id DESC LIMIT 4', form: 'lateral', keys: "SELECT id FROM orders ORDER BY md5(id::text) LIMIT 30", missing: [987654321] },
  { name: 'the latest 2 reviews per product under SELECT r.* (ORDER BY r.created_at DESC, r.id)', sql: 'SELECT r.* FROM reviews r WHERE r.product_id = $1 ORDER BY r.created_at DESC, r.id LIMIT 2', form: 'lateral', keys: 'SELECT product_id FROM reviews GROUP BY product_id ORDER BY md5(product_id::text) LIMIT 25', missing: [987654321] },
  { name: 'the 2 best reviews per product by position (ORDER BY 2 DESC, 1)', sql: 'SELECT id, rating, created_at FROM reviews WHERE product_id = $1 ORDER BY 2 DESC, 1 LIMIT 2', form: 'lateral', keys: 'SELECT product_id FROM reviews GROUP BY product_id ORDER BY md5(product_id::text) DESC LIMIT 25', missing: [987654321] },
];

/** A row as the original statement returns it: only the original's columns, values compared as text. */
function project(row: Record<string, unknown>, fields: string[]): string {
  return JSON.stringify(fields.map((f) => (row[f] === null || row[f] === undefined ? null : String(row[f] instanceof Date ? (row[f] as Date).toISOString() : row[f]))));
}

describe('db: N+1 batched rewrites return what the loop returned (shop database)', function () {
  this.timeout(120_000);
  const t = testDatabase('nplusone_rewrite');
  before(async () => {
    await loadShop(t.url, { scale: 0.02 });
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const b = batchStatement(c.sql, 'dollar');
      assert.ok(b, `no rewrite for ${c.sql}`);
      assert.equal(b.form, c.form, `rewrite form for ${c.sql}:\n${b.sql}`);
      const keys = [...(await t.admin.query(c.keys)).rows.map((r) => Object.values(r)[0] as number | string), ...c.missing];
      assert.ok(keys.length >= 5, 'enough keys to mean something');
      const others = c.others ?? [];
      const params = (key: unknown) => (b.keyParam === 1 ? [key, ...others] : [...others.slice(0, b.keyParam - 1), key, ...others.slice(b.keyParam - 1)]);
      // The loop: the original, once per key.
      const perKey = new Map<string, string[]>();
      let fields: string[] = [];
      let total = 0;
      for (const k of keys) {
        const r = await t.admin.query(c.sql, params(k));
        fields = r.fields.map((f) => f.name);
        perKey.set(String(k), r.rows.map((row) => project(row, fields)));
        total += r.rows.length;
      }
      assert.ok(total > 0, 'the original returns rows for some keys');
      // The rewrite: once, for every key.
      const batched = await t.admin.query(b.sql, params(keys));
      const grouped = new Map<string, string[]>();
      for (const row of batched.rows) {
        const k = String(row[b.keyColumn]);
        grouped.set(k, [...(grouped.get(k) ?? []), project(row, fields)]);
      }
      const ordered = /\border\s+by\b/i.test(c.sql);
      for (const k of keys) {
        const want = perKey.get(String(k))!;
        const got = grouped.get(String(k)) ?? [];
        if (ordered) assert.deepEqual(got, want, `key ${k}: the rewrite's rows in the original's order\n${b.sql}`);
        else assert.deepEqual([...got].sort(), [...want].sort(), `key ${k}: the rewrite's rows\n${b.sql}`);
      }
      assert.equal([...grouped.keys()].filter((k) => !perKey.has(k)).length, 0, 'no rows for keys that were not asked for');
      if (b.form === 'lateral' && ordered) {
        // The rows as the loop met them, one item after the other (person37 L11): not only each group in order, the
        // whole result — the outer query orders by the keys' position and then by the original's ORDER BY.
        assert.deepEqual(batched.rows.map((row) => `${String(row[b.keyColumn])} ${project(row, fields)}`), keys.flatMap((k) => perKey.get(String(k))!.map((r) => `${String(k)} ${r}`)), b.sql);
        // Only the original's fields and the key: a column selected to order by stays inside.
        assert.deepEqual(batched.fields.map((f) => f.name).filter((f) => f !== b.keyColumn), fields.filter((f) => f !== b.keyColumn), b.sql);
      }
    });
  }

  /**
   * The key-first form the Python (psycopg, asyncpg) and Ruby (ruby-pg) rewrites read by position (`for key, *row in
   * cur.fetchall()`, `all.values.each { |key, *values| … }`): the first column is the key, the rest of each row is the
   * loop's row, column for column, in the original's order.
   */
  for (const c of CASES) {
    it(`key first, for code that reads rows by position: ${c.name}`, async () => {
      const b = batchStatement(c.sql, 'dollar', { keyFirst: true });
      assert.ok(b?.keyAdded, `no key-first rewrite for ${c.sql}`);
      const keys = [...(await t.admin.query(c.keys)).rows.map((r) => Object.values(r)[0] as number | string), ...c.missing];
      const others = c.others ?? [];
      const params = (key: unknown) => (b.keyParam === 1 ? [key, ...others] : [...others.slice(0, b.keyParam - 1), key, ...others.slice(b.keyParam - 1)]);
      const text = (row: unknown[]) => JSON.stringify(row.map((v) => (v === null ? null : v instanceof Date ? v.toISOString() : String(v))));
      const grouped = new Map<string, string[]>();
      for (const row of (await t.admin.query({ text: b.sql, values: params(keys), rowMode: 'array' })).rows as unknown[][]) {
        grouped.set(String(row[0]), [...(grouped.get(String(row[0])) ?? []), text(row.slice(1))]);
      }
      for (const k of keys) {
        const want = ((await t.admin.query({ text: c.sql, values: params(k), rowMode: 'array' })).rows as unknown[][]).map(text);
        const got = grouped.get(String(k)) ?? [];
        if (/\border\s+by\b/i.test(c.sql)) assert.deepEqual(got, want, `key ${k}\n${b.sql}`);
        else assert.deepEqual([...got].sort(), [...want].sort(), `key ${k}\n${b.sql}`);
      }
    });
  }

  /**
   * The code "Show the batched rewrite" opens, run as it stands (TypeScript stripped by esbuild) with the shop's
   * client: for each item it hands on exactly the row objects the loop's query returned — the same fields, so a
   * key column selected only to group by is not among them.
   */
  for (const c of [
    { name: "the shop's items per order", sql: shopLoopSql(), items: 'orders', item: 'order', keys: 'SELECT id FROM orders ORDER BY id LIMIT 30' },
    { name: 'the latest 3 reviews per product (LATERAL)', sql: 'SELECT id, rating, body FROM reviews WHERE product_id = $1 ORDER BY created_at DESC, id DESC LIMIT 3', items: 'products', item: 'product', keys: 'SELECT product_id AS id FROM reviews GROUP BY product_id ORDER BY count(*) DESC LIMIT 20' },
    { name: 'a statement that selects the key itself (kept in the rows)', sql: 'SELECT * FROM order_items WHERE order_id = $1 ORDER BY id', items: 'orders', item: 'order', keys: 'SELECT id FROM orders ORDER BY id DESC LIMIT 20' },
  ]) {
    it(`the code the editor shows hands each item the loop's own rows: ${c.name}`, async () => {
      // The loop's body, carried into the rewrite: what it does with each item's rows (`out.set(…)`, as the shop's loops assign them).
      const after = { binding: '{ rows }', rest: `\n    out.set(String(${c.item}.id), rows);\n  ` };
      const r = rewriteFor({ call: { library: 'sql', op: 'read', batch: false, label: 'db.query', method: 'query', sql: c.sql }, variable: c.item, iterable: c.items, collection: c.items, params: `[${c.item}.id]`, after });
      assert.ok(r.code.includes(`\n  out.set(String(${c.item}.id), rows);\n}`), r.code);
      const esbuild = await import('esbuild');
      const js = (await esbuild.transform(r.code, { loader: 'ts' })).code;
      const run = new Function('db', c.items, 'out', `return (async () => {\n${js}\n})();`) as (db: unknown, items: unknown, out: Map<string, unknown[]>) => Promise<void>;
      const items = [...(await t.admin.query(c.keys)).rows.map((x) => ({ id: x.id as string })), { id: '987654321' }];
      const out = new Map<string, unknown[]>();
      await run(t.admin, items, out);
      for (const it of items) {
        const want = (await t.admin.query(c.sql, [it.id])).rows;
        assert.deepEqual(out.get(String(it.id)) ?? [], want, `${c.item} ${it.id}: the rows the loop's query returned, field for field\n${r.code}`);
      }
    });
  }

  it('the code the editor shows runs that same statement with the keys of the loop (client and key from the code)', () => {
    const sql = 'SELECT id, rating, body FROM reviews WHERE product_id = $1 ORDER BY created_at DESC, id DESC LIMIT 3';
    const r = rewriteFor({ call: { library: 'sql', op: 'read', batch: false, label: 'db.query', method: 'query', sql }, variable: 'product', iterable: 'products', collection: 'products', params: '[product.id]', after: { binding: '{ rows }', rest: '\n    product.reviews = rows;\n  ' } });
    assert.ok(r.code.includes(batchStatement(sql)!.sql.replace(/\n/g, '\n  ')), r.code);
    assert.match(r.code, /await db\.query\(/);
    assert.match(r.code, /\[\.\.\.new Set\(products\.map\(\(product\) => product\.id\)\)\]/);
    assert.match(r.code, /String\(product_id\)/);
    assert.doesNotMatch(r.code, /pool/);
  });
});
