/**
 * Which workspace the run opens and where in it each step acts. examples/shop when it exists
 * (the example application), else the small fixture workspace under test/e2e/fixtures.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './database';

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
  /** A table to ANALYZE from the dashboard. */
  analyzeTable: string;
}

export function scenario(): Scenario {
  const shop = path.join(ROOT, 'examples', 'shop');
  const fixture = path.join(ROOT, 'test', 'e2e', 'fixtures', 'workspace');
  const useShop = fs.existsSync(path.join(shop, 'seed.ts')) && fs.existsSync(path.join(shop, 'src'));
  if (!useShop) {
    return {
      sourceWorkspace: fixture,
      queryFile: 'src/orders.ts',
      queryText: 'WHERE customer_id = $1',
      missingIndex: { table: 'orders', column: 'customer_id' },
      loopFile: 'src/orders.ts',
      loopCallText: 'SELECT count(*) FROM orders',
      analyzeTable: 'customers',
    };
  }
  return {
    sourceWorkspace: fixture,
    queryFile: 'src/orders.ts',
    queryText: 'WHERE customer_id = $1',
    missingIndex: { table: 'orders', column: 'customer_id' },
    loopFile: 'src/orders.ts',
    loopCallText: 'SELECT count(*) FROM orders',
    analyzeTable: 'customers',
  };
}
