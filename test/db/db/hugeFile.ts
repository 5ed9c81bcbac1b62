/** person31 H2's large file, for the db tests of trial builds and plans (trialBudget, shapePlans). */
import type { DecisionInput } from '../../../src/db/indexDecision';

/** Capabilities without HypoPG: candidates are proved by real trial builds (the versionNum is the server's, set by the test). */
export const NO_HYPOPG = { versionNum: 180000, hypopg: 'unavailable', pgTrgm: 'unavailable' } as const;

/** 200 statements on orders that differ only by a constant (the shape of person31's huge.ts). */
export const HUGE_FILE_STATEMENTS: DecisionInput[] = Array.from({ length: 200 }, (_, i) => ({
  sql: `SELECT id, status, total_cents FROM orders WHERE customer_id = $1 AND total_cents > ${i + 1} ORDER BY placed_at DESC LIMIT 20`,
  label: `other/huge.ts:${4 * i + 2}`,
}));

/** The orders table they read: 60,000 rows, 4,000 customers, analysed. */
export const ORDERS_TABLE = `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL, total_cents int NOT NULL, placed_at timestamptz NOT NULL);
  INSERT INTO orders SELECT g, g % 4000, (ARRAY['new','paid','shipped'])[1 + g % 3], (g * 37) % 100000, now() - g * interval '1 minute' FROM generate_series(1, 60000) g;
  ANALYZE orders;`;
