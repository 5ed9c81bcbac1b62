/**
 * Reads the facts the workload advisors judge (src/core/health/checks/workload.ts): B-trees on
 * large tables whose column follows the physical order, large TOAST tables still on pglz, and the
 * connection slots in use. Set-based: the size filters run before any pg_stats look-up.
 */
import type { WorkloadFacts } from '../core/health/types';
import type { Session } from './database';
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
} as const;

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
