/**
 * The shop as the index advice tests read it: loaded at a scale, and — where pg_stat_statements is there — the app's
 * steady state, statement timings and table writes counted over the same traffic (not the bulk load). Without it the
 * decision weighs the workspace's statements without timings, and the fallback is said.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadShop } from '../../../examples/shop/seed';
import { runTraffic } from '../../../examples/shop/traffic';
import { statementStats, type TestDatabase } from '../support';

export async function shopWithTraffic(t: TestDatabase, o: { scale: number; requests: number }): Promise<void> {
  await loadShop(t.url, { scale: o.scale });
  if (await statementStats(t, 'the decision weighs the workspace statements without timings')) {
    await t.admin.query('SELECT pg_stat_statements_reset()');
    await t.admin.query('SELECT pg_stat_reset()');
    await runTraffic(t.url, { requests: o.requests });
  }
}

/** The files a person added to the shop (person25/26's hour): ad-hoc reads in queries.sql and a report script. */
export const QUERIES_SQL = `-- ad-hoc reads
SELECT count(*) FROM orders;

SELECT o.id, o.total_cents, c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.status = 'refunded' ORDER BY o.placed_at DESC;
`;
export const REPORT_PY = `import psycopg

with psycopg.connect() as conn:
    with conn.cursor() as cur:
        cur.execute("SELECT id, total_cents FROM orders WHERE status = 'refunded' ORDER BY placed_at DESC")
        print(cur.fetchall())
`;

/** The shop's own TypeScript sources, by their workspace path (`src/orders.ts`). */
export function shopSources(): Map<string, string> {
  const src = path.join(__dirname, '..', '..', '..', 'examples', 'shop', 'src');
  return new Map(fs.readdirSync(src).filter((n) => n.endsWith('.ts')).map((f) => [`src/${f}`, fs.readFileSync(path.join(src, f), 'utf8')]));
}
