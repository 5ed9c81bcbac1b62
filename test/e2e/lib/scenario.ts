/**
 * Which workspace the run opens and where in it each step acts. examples/shop when it exists
 * (the example application), else the small fixture workspace under test/e2e/fixtures.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, type E2EDatabase } from './database';

export interface Scenario {
  /** Folder copied into a temp directory and opened by code-server. */
  sourceWorkspace: string;
  /** A .ts file with a query whose plan has a Seq Scan on a filter without an index. */
  queryFile: string;
  /** Text inside that query to hover. */
  queryText: string;
  /** Table and column of the missing index the advisor should propose for that query. */
  missingIndex: { table: string; column: string };
  /** A .ts file with a query called inside a loop, and the text of that call. */
  loopFile: string;
  loopCallText: string;
  /** Lines (1-based, inclusive) the n-plus-one diagnostic may start on: the call in the loop. */
  loopCallLines: [number, number];
  /** A table to ANALYZE from the dashboard. */
  analyzeTable: string;
}

interface PlantedSite {
  id: string;
  file: string;
  line: number;
  loopLine?: number;
  snippet: string;
}

export function scenario(): Scenario {
  const shop = path.join(ROOT, 'examples', 'shop');
  const planted = path.join(shop, 'planted.json');
  if (fs.existsSync(planted) && fs.existsSync(path.join(shop, 'seed.ts'))) {
    // The example shop's own map of what PG Lens should find (examples/shop/planted.json).
    const sites = (JSON.parse(fs.readFileSync(planted, 'utf8')) as { sites: PlantedSite[] }).sites;
    const site = (id: string) => {
      const s = sites.find((x) => x.id === id);
      if (!s) throw new Error(`examples/shop/planted.json has no site "${id}" (the e2e scenario needs it)`);
      return s;
    };
    const byCustomer = site('orders-by-customer');
    const loop = site('items-per-order');
    return {
      sourceWorkspace: shop,
      queryFile: byCustomer.file,
      queryText: 'WHERE customer_id = $1',
      missingIndex: { table: 'orders', column: 'customer_id' },
      loopFile: loop.file,
      loopCallText: loop.snippet,
      loopCallLines: [(loop.loopLine ?? loop.line - 2) + 1, loop.line],
      analyzeTable: 'customers',
    };
  }
  return {
    sourceWorkspace: path.join(ROOT, 'test', 'e2e', 'fixtures', 'workspace'),
    queryFile: 'src/orders.ts',
    queryText: 'WHERE customer_id = $1',
    missingIndex: { table: 'orders', column: 'customer_id' },
    loopFile: 'src/orders.ts',
    loopCallText: 'SELECT count(*) FROM orders',
    loopCallLines: [12, 12],
    analyzeTable: 'customers',
  };
}

/** The indexes on the scenario's missing-index table and column (step 05 makes one with "Create index now"). */
export async function scenarioIndexes(db: E2EDatabase, s: Scenario): Promise<{ name: string; indexdef: string }[]> {
  const { table, column } = s.missingIndex;
  return db.query<{ name: string; indexdef: string }>(`SELECT indexname AS name, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1 AND indexdef ~ $2`, [table, `\\(${column}[,)]`]);
}

/**
 * Runs `fn` without the scenario's missing index, as psql would drop it (quoted by the catalog's own name), and makes it
 * again after: a step that needs the missing-index finding owns that precondition (step 05 made the index, and every later
 * step of the whole suite ran with it — e2e 88 passed alone and failed in the suite).
 */
export async function withoutScenarioIndex(db: E2EDatabase, s: Scenario, log: (line: string) => void, fn: () => Promise<void>): Promise<void> {
  const made = await scenarioIndexes(db, s);
  for (const m of made) await db.query(`DROP INDEX public."${m.name.replace(/"/g, '""')}"`);
  if (made.length) log(`dropped ${made.map((m) => m.name).join(', ')} (made by an earlier step) for the step`);
  try {
    await fn();
  } finally {
    for (const m of made) await db.query(m.indexdef);
  }
}
