/**
 * Capture text plans as real clients print them, for the text-plan reader's tests
 * (test/fixtures/plans/psql/pg<major>/<case>/).
 *
 *   npx tsx scripts/capturePsqlStyles.ts                 # starts an embedded PostgreSQL 18
 *   npx tsx scripts/capturePsqlStyles.ts --url URL       # any server (e.g. scripts/pg15.sh start …)
 *
 * For each case, inside BEGIN … ROLLBACK with the case's settings:
 *  - plan.json: EXPLAIN (…, FORMAT JSON), the server's output untouched;
 *  - raw.txt:   EXPLAIN (…, FORMAT TEXT) of a second execution, one server row per line;
 *  - <style>.txt: raw.txt rendered by the real psql (PSQL, default Debian's psql 15) in each
 *    \pset style. psql prints EXPLAIN's rows as one text column named "QUERY PLAN"; the script
 *    gives psql exactly that (the captured rows, in order, as a one-column result named
 *    "QUERY PLAN"), so every style renders the SAME execution and the reader's output for each
 *    style must equal its output for raw.txt, timings included.
 * The JSON comes from another execution of the same statement: tests compare text with it on what
 * does not change between runs (tree, node types, names, costs, estimates, loops, rows).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { runMain, withCaptureDatabase } from './captureDatabase';

const PSQL = process.env.PSQL ?? '/usr/lib/postgresql/15/bin/psql';

const SCHEMA = [
  `CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, country text NOT NULL)`,
  `CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers(id) ON DELETE CASCADE, status text NOT NULL, amount numeric(10,2) NOT NULL, note text)`,
  `CREATE TABLE order_items (order_id int NOT NULL REFERENCES orders(id) ON DELETE CASCADE, product_code text NOT NULL, qty int NOT NULL)`,
  `INSERT INTO customers SELECT i, 'customer_' || i, (ARRAY['FR','DE','US','JP'])[1 + i % 4] FROM generate_series(1, 5000) i`,
  `INSERT INTO orders SELECT i, 1 + (i * 7919) % 5000, (ARRAY['new','paid','shipped','cancelled'])[1 + i % 4], (i % 1000) / 10.0, CASE WHEN i % 500 = 0 THEN 'it''s a "gift" | wrap' END FROM generate_series(1, 60000) i`,
  `INSERT INTO order_items SELECT 1 + i % 60000, 'p_' || (i % 50), 1 + i % 3 FROM generate_series(1, 90000) i`,
  `CREATE INDEX orders_customer_id_idx ON orders (customer_id)`,
  `VACUUM ANALYZE`,
];

interface Case {
  name: string;
  sql: string;
  options: string;
  set?: Record<string, string>;
  /** Also print the JSON output through psql (kept to small plans: it is padded to its widest line). */
  jsonStyles?: boolean;
}

const PAR = { parallel_setup_cost: '0', parallel_tuple_cost: '0', min_parallel_table_scan_size: '0', max_parallel_workers_per_gather: '2' };
const CASES: Case[] = [
  {
    name: 'join-filter-sort',
    options: 'ANALYZE, BUFFERS, VERBOSE',
    sql: `SELECT c.name, sum(o.amount) FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.status = 'paid' AND o.note IS DISTINCT FROM 'it''s a "gift" | wrap' GROUP BY c.name ORDER BY 2 DESC LIMIT 5`,
    set: { max_parallel_workers_per_gather: '0' },
  },
  {
    name: 'parallel-sort-workers',
    options: 'ANALYZE, BUFFERS, VERBOSE',
    sql: `SELECT * FROM orders ORDER BY note, amount`,
    set: { ...PAR, work_mem: '64kB' },
  },
  {
    name: 'subplans-cte',
    options: 'ANALYZE, VERBOSE',
    sql: `WITH big AS MATERIALIZED (SELECT customer_id, count(*) n FROM orders GROUP BY customer_id) SELECT c.id, (SELECT max(amount) FROM orders o WHERE o.customer_id = c.id) AS top, (SELECT max(n) FROM big) AS most FROM customers c WHERE EXISTS (SELECT 1 FROM big b WHERE b.customer_id = c.id AND b.n > 13) AND c.id < 200`,
    set: { max_parallel_workers_per_gather: '0' },
  },
  {
    name: 'costs-off',
    options: 'COSTS OFF',
    sql: `SELECT * FROM orders o WHERE o.customer_id IN (SELECT id FROM customers WHERE country = 'FR') AND NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id)`,
  },
  {
    name: 'costs-off-analyze',
    jsonStyles: true,
    options: 'ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF',
    sql: `SELECT count(*) FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.status = 'new'`,
    set: { max_parallel_workers_per_gather: '0' },
  },
  {
    name: 'delete-fk-trigger',
    options: 'ANALYZE, BUFFERS',
    sql: `DELETE FROM orders WHERE id <= 300`,
  },
  {
    // JIT where the server has LLVM (Debian's PostgreSQL 15 does; the embedded builds do not).
    name: 'jit',
    options: 'ANALYZE, BUFFERS',
    sql: `SELECT status, sum(amount * 1.1), avg(length(coalesce(note, ''))) FROM orders GROUP BY status`,
    set: { jit: 'on', jit_above_cost: '0', jit_inline_above_cost: '0', jit_optimize_above_cost: '0', max_parallel_workers_per_gather: '0' },
  },
  {
    name: 'estimate-only',
    jsonStyles: true,
    options: '',
    sql: `SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.amount > 99 AND c.country = 'JP'`,
  },
];

interface Style {
  name: string;
  pset: string[];
  /** psql options (echo the query, prompt). */
  args?: string[];
}

const STYLES: Style[] = [];
for (const format of ['aligned', 'wrapped'])
  for (const border of [0, 1, 2])
    for (const linestyle of ['ascii', 'unicode', 'old-ascii']) {
      STYLES.push({ name: `${format}-border${border}-${linestyle}`, pset: [`format ${format}`, `border ${border}`, `linestyle ${linestyle}`, 'columns 110'] });
    }
STYLES.push({ name: 'unaligned', pset: ['format unaligned'] });

const dollarQuote = (s: string): string => {
  let tag = 'q';
  while (s.includes(`$${tag}$`)) tag += 'q';
  return `$${tag}$${s}$${tag}$`;
};

function renderThroughPsql(url: string, lines: string[], style: Style): string {
  // One text column named "QUERY PLAN", one row per plan line, in order: what psql gets from EXPLAIN.
  const sql = `SELECT l AS "QUERY PLAN" FROM unnest(ARRAY[${lines.map(dollarQuote).join(',')}]::text[]) WITH ORDINALITY AS t(l, n) ORDER BY n;`;
  const input = [...style.pset.map((p) => `\\pset ${p}`), sql].join('\n') + '\n';
  return execFileSync(PSQL, ['-X', '-q', ...(style.args ?? []), url], { input, encoding: 'utf8', env: { ...process.env, PAGER: '', PSQL_PAGER: '' } });
}

async function main(): Promise<void> {
  await withCaptureDatabase('pglens_psql', async (c, dbUrl) => {
    const u = new URL(dbUrl);
    const v = Number((await c.query(`SELECT current_setting('server_version_num') AS v`)).rows[0].v);
    const out = path.join(__dirname, '..', 'test', 'fixtures', 'plans', 'psql', `pg${Math.floor(v / 10000)}`);
    fs.rmSync(out, { recursive: true, force: true });
    console.log(`server ${v}; writing ${out}`);
    for (const stmt of SCHEMA) await c.query(stmt);
    const manifest: Record<string, unknown> = { serverVersionNum: v, psql: execFileSync(PSQL, ['--version'], { encoding: 'utf8' }).trim(), capturedBy: 'scripts/capturePsqlStyles.ts', styles: STYLES.map((s) => ({ name: s.name, pset: s.pset, args: s.args ?? [] })), cases: {} };
    for (const k of CASES) {
      const dir = path.join(out, k.name);
      fs.mkdirSync(dir, { recursive: true });
      for (const format of ['JSON', 'TEXT']) {
        await c.query('BEGIN');
        try {
          for (const [name, value] of Object.entries(k.set ?? {})) await c.query(`SELECT set_config($1, $2, true)`, [name, value]);
          const opts = [k.options, `FORMAT ${format}`].filter(Boolean).join(', ');
          const r = await c.query({ text: `EXPLAIN (${opts}) ${k.sql}`, types: { getTypeParser: () => (x: string) => x } as any });
          if (format === 'JSON') fs.writeFileSync(path.join(dir, 'plan.json'), String(r.rows[0]['QUERY PLAN']).trimEnd() + '\n');
          else {
            const lines = r.rows.map((x) => String(x['QUERY PLAN']));
            fs.writeFileSync(path.join(dir, 'raw.txt'), lines.join('\n') + '\n');
            for (const s of STYLES) fs.writeFileSync(path.join(dir, `${s.name}.txt`), renderThroughPsql(u.toString(), lines, s));
          }
          if (format === 'JSON' && k.jsonStyles) {
            // JSON output is one row holding newlines: psql marks them ("+", "↵") in aligned formats.
            const json = String(r.rows[0]['QUERY PLAN']);
            for (const s of STYLES.filter((x) => x.name.startsWith('aligned-') || x.name.startsWith('wrapped-border2'))) fs.writeFileSync(path.join(dir, `json-${s.name}.txt`), renderThroughPsql(u.toString(), [json], s));
          }
        } finally {
          await c.query('ROLLBACK');
        }
      }
      // What a psql session prints with --echo-queries and a prompt: the EXPLAIN statement, then the plan
      // (another execution: compared with plan.json only on what does not change between runs).
      await c.query('BEGIN');
      try {
        const sets = Object.entries(k.set ?? {}).map(([n, v]) => `SET LOCAL ${n} = '${v}';`).join('\n');
        const opts = k.options ? `(${k.options}) ` : '';
        const input = `\\set PROMPT1 '%/=# '\nBEGIN;\n${sets}\nEXPLAIN ${opts}${k.sql};\nROLLBACK;\n`;
        const echoed = execFileSync(PSQL, ['-X', '-q', '--echo-queries', u.toString()], { input, encoding: 'utf8', env: { ...process.env, PAGER: '' } });
        fs.writeFileSync(path.join(dir, 'echo-query.txt'), echoed.split('\n').filter((l) => !/^(BEGIN|ROLLBACK|SET)/.test(l)).join('\n'));
      } finally {
        await c.query('ROLLBACK');
      }
      (manifest.cases as any)[k.name] = { sql: k.sql, options: k.options, set: k.set ?? {} };
      console.log(`  ${k.name}`);
    }
    fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  });
}

runMain(main);
