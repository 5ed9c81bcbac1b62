/** person31 H2's large file, for the db tests of trial builds and plans (trialBudget, shapePlans). */
import type { DecisionInput } from '../../../src/db/indexDecision';
import type { TestDatabase } from '../support';

/** Capabilities without HypoPG: candidates are proved by real trial builds (the versionNum is the server's, set by the test). */
export const NO_HYPOPG = { versionNum: 180000, hypopg: 'unavailable', pgTrgm: 'unavailable' } as const;

/** 200 statements on orders that differ only by a constant (the shape of person31's huge.ts). */
export const HUGE_FILE_STATEMENTS: DecisionInput[] = Array.from({ length: 200 }, (_, i) => ({
  sql: `SELECT id, status, total_cents FROM orders WHERE customer_id = $1 AND total_cents > ${i + 1} ORDER BY placed_at DESC LIMIT 20`,
  label: `other/huge.ts:${4 * i + 2}`,
}));

/** The orders table they read: 60,000 rows, 4,000 customers, analysed. */
/**
 * The generated file's table, analysed once. Autovacuum is off on it: a trial proof's key follows the table's ANALYZE count
 * (a new histogram moves a cost with the same rows), so an autoanalyze racing the explicit ANALYZE below during a test
 * would change the tables these tests hold unchanged (the full db suite once saw "back to development: trial builds" 5).
 */
export const ORDERS_TABLE = `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL, total_cents int NOT NULL, placed_at timestamptz NOT NULL) WITH (autovacuum_enabled = off);
  INSERT INTO orders SELECT g, g % 4000, (ARRAY['new','paid','shipped'])[1 + g % 3], (g * 37) % 100000, now() - g * interval '1 minute' FROM generate_series(1, 60000) g;
  ANALYZE orders;`;

/** EXPLAINs PG Lens sent to the test's database since the last pg_stat_statements_reset() (top level: pg_stat_statements lists each once more nested). */
export async function explainsSent(t: TestDatabase): Promise<number> {
  return Number((await t.admin.query(`SELECT coalesce(sum(calls), 0)::int AS n FROM pg_stat_statements
    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND toplevel AND query ~* '^\\s*(/\\*.*?\\*/\\s*)?EXPLAIN\\y'`)).rows[0].n);
}
