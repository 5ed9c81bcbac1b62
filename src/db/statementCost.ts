/**
 * What statements cost in production, from pg_stat_statements (read-only: works on production and
 * replica profiles), and the query identifier of a SQL text from EXPLAIN (VERBOSE) (PostgreSQL 14+).
 * NOTE for the lead: the "nplusone" engineer owns src/db/queryStats.ts (queryIdOf, readStatements);
 * this file holds only what the cost CodeLens and the report need, to be folded into it.
 */
import type { StatementStat } from '../core/cost';
import { inspectSql, loadPgParser } from '../core/sql/statement';
import type { Database } from './database';
import { OWN_STATEMENT_MARKER } from './sql';

export const COST_SQL = {
  /**
   * PostgreSQL 13+: total_exec_time / mean_exec_time. Our own statements (marker) and transaction
   * control are left out; the window sums run before LIMIT, so they cover every statement.
   */
  statements13: `${OWN_STATEMENT_MARKER} SELECT s.queryid::text AS queryid, s.query, s.calls::float8 AS calls,
      s.total_exec_time AS total_ms, s.mean_exec_time AS mean_ms, s.rows::float8 AS rows,
      sum(s.total_exec_time) OVER () AS all_ms, count(*) OVER () AS all_statements
    FROM pg_stat_statements(true) s
    WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND s.queryid IS NOT NULL AND s.query NOT LIKE '${OWN_STATEMENT_MARKER}%'
      AND s.query !~* '^\\s*(BEGIN|COMMIT|ROLLBACK|SET|SHOW|DISCARD|DEALLOCATE)\\M'
    ORDER BY s.total_exec_time DESC
    LIMIT $1`,
  /** PostgreSQL 12 and older: total_time / mean_time. */
  statements12: `${OWN_STATEMENT_MARKER} SELECT s.queryid::text AS queryid, s.query, s.calls::float8 AS calls,
      s.total_time AS total_ms, s.mean_time AS mean_ms, s.rows::float8 AS rows,
      sum(s.total_time) OVER () AS all_ms, count(*) OVER () AS all_statements
    FROM pg_stat_statements(true) s
    WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND s.queryid IS NOT NULL AND s.query NOT LIKE '${OWN_STATEMENT_MARKER}%'
      AND s.query !~* '^\\s*(BEGIN|COMMIT|ROLLBACK|SET|SHOW|DISCARD|DEALLOCATE)\\M'
    ORDER BY s.total_time DESC
    LIMIT $1`,
} as const;

export interface StatementCosts {
  stats: StatementStat[];
  /** Total execution time of every statement of this database (not only the ones returned). */
  totalMs: number;
  statements: number;
}

/** The costliest statements of the current database (default 2000), and the database's total time. */
export async function readStatementCosts(db: Database, opts: { limit?: number; versionNum?: number } = {}): Promise<StatementCosts> {
  const v = opts.versionNum ?? (await db.serverInfo()).versionNum;
  const { rows } = await db.query(v >= 130000 ? COST_SQL.statements13 : COST_SQL.statements12, [opts.limit ?? 2000]);
  return {
    stats: rows.map((r) => ({ queryid: r.queryid, query: r.query, calls: Number(r.calls), totalMs: Number(r.total_ms), meanMs: Number(r.mean_ms), rows: Number(r.rows) })),
    totalMs: rows.length ? Number(rows[0].all_ms) : 0,
    statements: rows.length ? Number(rows[0].all_statements) : 0,
  };
}

/**
 * The query identifier PostgreSQL computes for a statement (= pg_stat_statements.queryid), from
 * EXPLAIN (VERBOSE): never executes it. Only read statements; $n parameters need PostgreSQL 16
 * (GENERIC_PLAN). Undefined when it cannot be known (older server, compute_query_id off, not a read).
 */
export async function queryIdOf(db: Database, sql: string, versionNum: number): Promise<string | undefined> {
  if (versionNum < 140000) return undefined;
  await loadPgParser();
  const info = inspectSql(sql);
  if (!info.ok || info.statements.length !== 1 || info.statements[0].cls !== 'read') return undefined;
  const hasParams = /\$\d/.test(sql);
  if (hasParams && versionNum < 160000) return undefined;
  const text = sql.trim().replace(/;\s*$/, '');
  try {
    // FORMAT TEXT: the identifier is a 64-bit integer that a JSON number would round.
    // The marker keeps our EXPLAIN (recorded under the same queryid when nested statements are tracked) out of the figures.
    const res = await db.rolledBack((s) => s.querySingle(`${OWN_STATEMENT_MARKER} EXPLAIN (VERBOSE${hasParams ? ', GENERIC_PLAN' : ''}) ${text}`), { readOnly: true });
    for (const r of res.rows) {
      const m = /^\s*Query Identifier:\s*(-?\d+)/.exec(String(r['QUERY PLAN']));
      if (m) return m[1] === '0' ? undefined : m[1];
    }
    return undefined;
  } catch {
    return undefined;
  }
}
