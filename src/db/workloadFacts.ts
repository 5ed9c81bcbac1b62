/**
 * Reads the facts the workload advisors judge (src/core/health/checks/workload.ts): B-trees on
 * large tables whose column follows the physical order, large TOAST tables still on pglz, and the
 * connection slots in use. Set-based: the size filters run before any pg_stats look-up.
 */
import { tableOperations } from '../core/health/leastPrivilege';
import type { StatementUseFact, WorkloadFacts } from '../core/health/types';
import type { Database, Session } from './database';
import { OWN_STATEMENT_MARKER as M } from './sql';

const USER_SCHEMA = `n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'`;

export const WORKLOAD_SQL = {
  /** Single-column, non-unique, non-partial B-trees on tables of at least $1 pages whose column's |correlation| ≥ $2. */
  brinCandidates: `${M} SELECT n.nspname AS schema, t.relname AS table_name, c.relname AS index_name, a.attname AS column_name,
    format_type(a.atttypid, a.atttypmod) AS column_type, s.correlation::float8 AS correlation, t.reltuples::float8 AS reltuples,
    t.relpages::float8 AS table_pages, c.relpages::float8 AS index_pages,
    pg_stat_get_tuples_inserted(t.oid)::float8 AS ins, pg_stat_get_tuples_updated(t.oid)::float8 AS upd, pg_stat_get_tuples_deleted(t.oid)::float8 AS del,
    pg_stat_get_numscans(i.indexrelid)::float8 AS scans
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_am am ON am.oid = c.relam AND am.amname = 'btree'
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
    JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = t.relname AND s.attname = a.attname AND NOT s.inherited
    WHERE i.indnatts = 1 AND NOT i.indisunique AND i.indexprs IS NULL AND i.indpred IS NULL AND i.indisvalid AND t.relkind = 'r'
      AND t.relpages >= $1 AND abs(s.correlation) >= $2 AND ${USER_SCHEMA}
    ORDER BY t.relpages DESC`,
  /** Variable-length columns of tables whose TOAST table has at least $1 pages. PostgreSQL 14+ (attcompression). */
  toastColumns: `${M} SELECT n.nspname AS schema, t.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS column_type,
    a.attcompression::text AS compression, tt.relpages::float8 * current_setting('block_size')::float8 AS toast_bytes
    FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_class tt ON tt.oid = t.reltoastrelid
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attlen = -1 AND a.attstorage IN ('x', 'm')
    WHERE t.relkind IN ('r', 'm') AND tt.relpages >= $1 AND ${USER_SCHEMA}
    ORDER BY tt.relpages DESC, a.attnum`,
  /** Connection slots and the client sessions using them (all databases: the slots are the server's). */
  connections: `${M} SELECT current_setting('max_connections')::int AS max_connections, current_setting('superuser_reserved_connections')::int AS superuser_reserved,
    coalesce((SELECT setting::int FROM pg_settings WHERE name = 'reserved_connections'), 0) AS reserved,
    (SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression') AS toast_methods, current_setting('default_toast_compression', true) AS default_toast,
    (SELECT json_object_agg(st, k) FROM (SELECT coalesce(state, 'unknown') AS st, count(*) AS k FROM pg_stat_activity WHERE backend_type = 'client backend' GROUP BY 1) x) AS by_state,
    (SELECT json_object_agg(app, k) FROM (SELECT coalesce(nullif(application_name, ''), '(none)') AS app, count(*) AS k FROM pg_stat_activity WHERE backend_type = 'client backend' GROUP BY 1) y) AS by_app,
    (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS total`,
  /** pg_stat_statements is installed where the search path finds it. */
  pssInstalled: `${M} SELECT to_regclass('pg_stat_statements') IS NOT NULL AS ok`,
  /**
   * Read statements of this database called at least $1 times, most called first, ours left out ($2 = our marker).
   * PostgreSQL 13+ (mean_exec_time).
   */
  frequentReads: `${M} SELECT s.queryid::text AS queryid, s.query, s.calls::float8 AS calls, s.rows::float8 AS rows, s.mean_exec_time::float8 AS mean_ms
    FROM pg_stat_statements s WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND s.calls >= $1 AND strpos(s.query, $2) = 0 AND s.query ~* '^\\s*(with\\s.*)?select\\s' ORDER BY s.calls DESC LIMIT 50`,
  /** Rows written to the given tables ($1 schemas, $2 names, pairwise) since the statistics were reset. */
  tableWrites: `${M} SELECT n.nspname AS schema, c.relname AS table_name,
    (pg_stat_get_tuples_inserted(c.oid) + pg_stat_get_tuples_updated(c.oid) + pg_stat_get_tuples_deleted(c.oid))::float8 AS writes
    FROM unnest($1::text[], $2::text[]) AS w(schema, name) JOIN pg_namespace n ON n.nspname = w.schema JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = w.name
    WHERE c.relkind IN ('r', 'p', 'm')`,
} as const;

/**
 * Frequent read statements with the writes to their tables, or null when pg_stat_statements is
 * not there (or not loaded). Runs on the pool, outside the health transaction: an error here
 * (pg_stat_statements installed but not preloaded) must not abort the other reads.
 */
export async function readStatementUse(db: Pick<Database, 'query'>, opts: { versionNum: number; minCalls: number }): Promise<StatementUseFact[] | null> {
  if (opts.versionNum < 130000) return null;
  try {
    if (!(await db.query(WORKLOAD_SQL.pssInstalled)).rows[0].ok) return null;
    const { rows } = await db.query(WORKLOAD_SQL.frequentReads, [opts.minCalls, M]);
    const stmts = rows.map((r) => ({ queryid: r.queryid, query: r.query, calls: Number(r.calls), rows: Number(r.rows), meanMs: Number(r.mean_ms), reads: readTables(r.query) }));
    const keys = [...new Set(stmts.flatMap((s) => s.reads ?? []).map((t) => `${t.schema}\u0000${t.table}`))].map((k) => k.split('\u0000'));
    const writes = new Map<string, number>();
    if (keys.length) {
      const w = await db.query(WORKLOAD_SQL.tableWrites, [keys.map((k) => k[0]), keys.map((k) => k[1])]);
      for (const r of w.rows) writes.set(`${r.schema}\u0000${r.table_name}`, Number(r.writes));
    }
    // A statement whose tables are not all user tables (catalog reads, unparsable texts) is left out.
    return stmts
      .filter((s) => s.reads && s.reads.length && s.reads.every((t) => writes.has(`${t.schema}\u0000${t.table}`)))
      .map(({ reads, ...s }) => ({ ...s, tables: reads!.map((t) => ({ ...t, writes: writes.get(`${t.schema}\u0000${t.table}`)! })) }));
  } catch {
    return null;
  }
}

/** The tables a read statement reads (unqualified names in public), or undefined when it writes or does not parse. */
function readTables(sql: string): { schema: string; table: string }[] | undefined {
  const ops = tableOperations(sql);
  if (!ops || ops.some((o) => o.op !== 'select')) return undefined;
  const seen = new Map<string, { schema: string; table: string }>();
  for (const o of ops) seen.set(`${o.schema || 'public'}\u0000${o.table}`, { schema: o.schema || 'public', table: o.table });
  return [...seen.values()];
}

/** A TOAST table with fewer pages is not worth recompressing. */
export async function readWorkloadFacts(db: Pick<Session, 'query'>, opts: { versionNum: number; brinMinPages: number; brinMinCorrelation: number; toastMinBytes: number; blockSize?: number }): Promise<WorkloadFacts> {
  const toastPages = Math.ceil(opts.toastMinBytes / (opts.blockSize ?? 8192));
  const [brin, toast, conn] = await Promise.all([
    db.query(WORKLOAD_SQL.brinCandidates, [opts.brinMinPages, opts.brinMinCorrelation]),
    opts.versionNum >= 140000 ? db.query(WORKLOAD_SQL.toastColumns, [toastPages]) : Promise.resolve({ rows: [] as any[] }),
    db.query(WORKLOAD_SQL.connections),
  ]);
  const c = conn.rows[0];
  return {
    brinCandidates: brin.rows.map((r) => ({
      schema: r.schema, table: r.table_name, index: r.index_name, column: r.column_name, columnType: r.column_type, correlation: Number(r.correlation),
      reltuples: Number(r.reltuples), tablePages: Number(r.table_pages), indexPages: Number(r.index_pages),
      inserted: Number(r.ins), updated: Number(r.upd), deleted: Number(r.del), scans: Number(r.scans),
    })),
    toastColumns: toast.rows.map((r) => ({ schema: r.schema, table: r.table_name, column: r.column_name, type: r.column_type, compression: r.compression ?? '', toastBytes: Number(r.toast_bytes) })),
    lz4Available: (c.toast_methods ?? []).includes('lz4'),
    defaultToastCompression: c.default_toast ?? null,
    connections: {
      max: Number(c.max_connections), superuserReserved: Number(c.superuser_reserved), reserved: Number(c.reserved),
      byState: c.by_state ?? {}, byApplication: c.by_app ?? {}, total: Number(c.total),
    },
  };
}
