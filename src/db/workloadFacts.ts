/**
 * Reads the facts the workload advisors judge (src/core/health/checks/workload.ts): B-trees on
 * large tables whose column follows the physical order, large TOAST tables still on pglz, and the
 * connection slots in use. Set-based: the size filters run before any pg_stats look-up.
 */
import { applicationText } from '../core/dashboard/ownStatements';
import { tableOperations } from '../core/sql/tableOperations';
import { castTypedParameters } from '../core/sql/parse';
import type { MatviewFact, RefreshStatementFact, StatementUseFact, WorkloadFacts } from '../core/health/types';
import type { HistorySnapshot } from '../core/dashboard/history';
import { lessOwnWork, type Database, type Session } from './database';
import { appFigures, type AppFigures } from '../core/cost';
import { ownRunsOf } from './ownRuns';
import { OWN_IDENTITY, OWN_STATEMENT_MARKER as M, USER_SCHEMA } from './sql';

export const WORKLOAD_SQL = {
  /**
   * Single-column, non-unique, non-partial B-trees on tables of at least $1 pages whose column's |correlation| ≥ $2, with
   * the default operator class: a text_pattern_ops/varchar_pattern_ops index serves LIKE 'x%' (Django's `_like` twin of
   * every indexed CharField), which BRIN cannot (issue 20, person17 LOW 5).
   */
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
      AND EXISTS (SELECT 1 FROM pg_opclass oc WHERE oc.oid = i.indclass[0] AND oc.opcdefault)
      AND t.relpages >= $1 AND abs(s.correlation) >= $2 AND ${USER_SCHEMA}
    ORDER BY t.relpages DESC`,
  /** Variable-length columns of tables whose TOAST table has at least $1 pages. PostgreSQL 14+ (attcompression). */
  toastColumns: `${M} SELECT n.nspname AS schema, t.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS column_type,
    a.attcompression::text AS compression, tt.relpages::float8 * current_setting('block_size')::float8 AS toast_bytes
    FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_class tt ON tt.oid = t.reltoastrelid
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attlen = -1 AND a.attstorage IN ('x', 'm')
    WHERE t.relkind IN ('r', 'm') AND tt.relpages >= $1 AND ${USER_SCHEMA}
    ORDER BY tt.relpages DESC, a.attnum`,
  /**
   * Materialized views with their scans since the statistics were reset (sizes from relpages), the columns pg_stats
   * shows as unique and never null, the tables they read (pg_rewrite's dependencies) with their writes, and a refresh
   * mark: a REFRESH rewrites the view's pg_class row (new xmin) or, CONCURRENTLY, writes rows to it.
   */
  matviews: `${M} SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, c.relispopulated AS populated,
    (pg_stat_get_numscans(c.oid) + coalesce((SELECT sum(pg_stat_get_numscans(i.indexrelid)) FROM pg_index i WHERE i.indrelid = c.oid), 0))::float8 AS scans,
    c.relpages::float8 * current_setting('block_size')::float8 AS size_bytes,
    EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisunique AND i.indexprs IS NULL AND i.indpred IS NULL) AS has_unique,
    ARRAY(SELECT s.attname::text FROM pg_stats s JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = s.attname
          WHERE s.schemaname = n.nspname AND s.tablename = c.relname AND s.n_distinct = -1 AND s.null_frac = 0 ORDER BY a.attnum) AS unique_columns,
    (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       AND NOT EXISTS (SELECT 1 FROM pg_stats s WHERE s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = a.attname))::int AS columns_without_stats,
    (SELECT json_agg(json_build_object('schema', sn.nspname, 'table', st.relname,
        'writes', (pg_stat_get_tuples_inserted(st.oid) + pg_stat_get_tuples_updated(st.oid) + pg_stat_get_tuples_deleted(st.oid))::float8) ORDER BY sn.nspname, st.relname)
      FROM (SELECT DISTINCT d.refobjid FROM pg_rewrite r JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass
            WHERE r.ev_class = c.oid AND d.refobjid <> c.oid) dep
      JOIN pg_class st ON st.oid = dep.refobjid AND st.relkind IN ('r', 'p', 'm') JOIN pg_namespace sn ON sn.oid = st.relnamespace) AS sources,
    c.xmin::text || ':' || (pg_stat_get_tuples_inserted(c.oid) + pg_stat_get_tuples_updated(c.oid) + pg_stat_get_tuples_deleted(c.oid))::text AS refresh_mark
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'm' AND ${USER_SCHEMA}`,
  /**
   * Tables (not partitions: those retire by DROP) of at least $1 pages with a timestamp/date column whose |correlation| ≥ 0.9 (insert-ordered), the best such
   * column per table; from its histogram: the share older than $2 days, the oldest and newest values (UTC) and the months between.
   */
  timeTables: `${M} SELECT DISTINCT ON (t.oid) n.nspname AS schema, t.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS column_type,
    s.correlation::float8 AS correlation, t.relpages::float8 * current_setting('block_size')::float8 AS size_bytes, t.reltuples::float8 AS reltuples,
    pg_stat_get_tuples_inserted(t.oid)::float8 AS ins, pg_stat_get_tuples_updated(t.oid)::float8 AS upd, pg_stat_get_tuples_deleted(t.oid)::float8 AS del,
    h.old_share, h.oldest, h.newest, h.months,
    (SELECT string_agg(con.conname, ', ') FROM pg_constraint con WHERE con.conrelid = t.oid AND con.contype IN ('p', 'u') AND NOT a.attnum = ANY (con.conkey)) AS key_without
    FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype)
    JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = t.relname AND s.attname = a.attname AND NOT s.inherited
    LEFT JOIN LATERAL (SELECT (count(*) FILTER (WHERE b < now() - make_interval(days => $2)))::float8 / nullif(count(*), 0) AS old_share,
        to_char(min(b) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS oldest, to_char(max(b) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS newest,
        ARRAY(SELECT to_char(m, 'YYYY-MM-DD') FROM generate_series(date_trunc('month', min(b) AT TIME ZONE 'UTC'), date_trunc('month', max(b) AT TIME ZONE 'UTC'), interval '1 month') m) AS months
      FROM unnest(s.histogram_bounds::text::timestamptz[]) b) h ON true
    WHERE t.relkind = 'r' AND NOT t.relispartition AND t.relpages >= $1 AND abs(s.correlation) >= 0.9 AND ${USER_SCHEMA}
    ORDER BY t.oid, abs(s.correlation) DESC`,
  /** Connection slots and the client sessions using them (all databases: the slots are the server's). */
  connections: `${M} SELECT current_setting('max_connections')::int AS max_connections, current_setting('superuser_reserved_connections')::int AS superuser_reserved,
    coalesce((SELECT setting::int FROM pg_settings WHERE name = 'reserved_connections'), 0) AS reserved,
    (SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression') AS toast_methods, current_setting('default_toast_compression', true) AS default_toast,
    (SELECT json_object_agg(st, k) FROM (SELECT coalesce(state, 'unknown') AS st, count(*) AS k FROM pg_stat_activity WHERE backend_type = 'client backend' GROUP BY 1) x) AS by_state,
    (SELECT json_object_agg(app, k) FROM (SELECT coalesce(nullif(application_name, ''), '(none)') AS app, count(*) AS k FROM pg_stat_activity WHERE backend_type = 'client backend' GROUP BY 1) y) AS by_app,
    (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS total,
    txid_snapshot_xmax(txid_current_snapshot())::float8 AS next_xid, inet_server_port() AS server_port, EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') AS pg_cron`,
  /**
   * For a history snapshot: the next transaction id, and the 20 user sequences nearest their maximum (those this role may read).
   * has_sequence_privilege and pg_sequence_last_value fail on a relation that is not a sequence, and the planner may
   * evaluate a WHERE clause on pg_class rows before the join with pg_sequence (seen: "pg_toast_16386" is not a
   * sequence, every snapshot failed): only a CASE on relkind orders the evaluation.
   */
  historyMarks: `${M} SELECT txid_snapshot_xmax(txid_current_snapshot())::float8 AS next_xid,
    (SELECT json_agg(x) FROM (SELECT schema, name, "lastValue", "maxValue" FROM (
        SELECT n.nspname AS schema, c.relname AS name, s.seqmax::float8 AS "maxValue", s.seqincrement,
          CASE WHEN c.relkind = 'S' THEN CASE WHEN has_sequence_privilege(c.oid, 'SELECT,USAGE') THEN pg_sequence_last_value(c.oid)::float8 END END AS "lastValue"
        FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE ${USER_SCHEMA}) q
      WHERE "lastValue" IS NOT NULL AND seqincrement > 0
      ORDER BY "lastValue" / "maxValue" DESC LIMIT 20) x) AS sequences`,
  /** pg_stat_statements is installed where the search path finds it. */
  pssInstalled: `${M} ${OWN_IDENTITY} SELECT to_regclass('pg_stat_statements') IS NOT NULL AS ok`,
  /**
   * Read statements of this database called at least $1 times: the 50 most called and the 50 taking the most time,
   * ours left out ($2 = our marker). PostgreSQL 13+ (mean_exec_time).
   */
  frequentReads: `${M} SELECT queryid, query, calls, rows, mean_ms FROM (
      SELECT s.queryid::text AS queryid, s.query, s.calls::float8 AS calls, s.rows::float8 AS rows, s.mean_exec_time::float8 AS mean_ms,
        row_number() OVER (ORDER BY s.calls DESC) AS by_calls, row_number() OVER (ORDER BY s.total_exec_time DESC) AS by_time
      FROM pg_stat_statements s WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND s.calls >= $1 AND strpos(s.query, $2) = 0 AND s.query ~* '^\\s*(PREPARE\\s+pglens_\\w+\\s+AS\\s+)?(with\\s.*)?select\\s') x
    WHERE by_calls <= 50 OR by_time <= 50 ORDER BY calls DESC`,
  /** Seconds pg_stat_statements has counted since (its last full reset; PostgreSQL 14+): the calls' period, for rates. */
  statementsPeriod: `${M} SELECT extract(epoch FROM now() - stats_reset)::float8 AS s FROM pg_stat_statements_info`,
  /** PostgreSQL 13 (no pg_stat_statements_info): since the server started, an upper bound of the period. */
  statementsPeriod13: `${M} ${OWN_IDENTITY} SELECT extract(epoch FROM now() - pg_postmaster_start_time())::float8 AS s`,
  /** REFRESH MATERIALIZED VIEW statements of this database (pg_stat_statements.track_utility, on by default). */
  refreshes: `${M} SELECT s.query, s.calls::float8 AS calls, s.mean_exec_time::float8 AS mean_ms
    FROM pg_stat_statements s WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND s.query ~* '^\\s*refresh\\s+materialized\\s+view\\s' ORDER BY s.total_exec_time DESC LIMIT 100`,
  /** Rows written to the given tables ($1 schemas, $2 names, pairwise) since the statistics were reset. */
  tableWrites: `${M} SELECT n.nspname AS schema, c.relname AS table_name,
    (pg_stat_get_tuples_inserted(c.oid) + pg_stat_get_tuples_updated(c.oid) + pg_stat_get_tuples_deleted(c.oid))::float8 AS writes
    FROM unnest($1::text[], $2::text[]) AS w(schema, name) JOIN pg_namespace n ON n.nspname = w.schema JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = w.name
    WHERE c.relkind IN ('r', 'p', 'm')`,
} as const;

/**
 * Frequent or expensive read statements with the writes to their tables, and the REFRESH MATERIALIZED VIEW
 * statements; null when pg_stat_statements is not there (or not loaded). Runs on the pool, outside the health
 * transaction: an error here (pg_stat_statements installed but not preloaded) must not abort the other reads.
 */
export async function readStatementUse(
  db: Pick<Database, 'query'> & { profile?: Database['profile'] },
  opts: { versionNum: number; minCalls: number },
): Promise<{ statements: StatementUseFact[] | null; refreshes: RefreshStatementFact[] | null; statementsPeriodSeconds: number | null }> {
  const none = { statements: null, refreshes: null, statementsPeriodSeconds: null };
  if (opts.versionNum < 130000) return none;
  try {
    if (!(await db.query(WORKLOAD_SQL.pssInstalled)).rows[0].ok) return none;
    const [{ rows }, refreshes, period] = await Promise.all([
      db.query(WORKLOAD_SQL.frequentReads, [opts.minCalls, M]), db.query(WORKLOAD_SQL.refreshes),
      db.query(opts.versionNum >= 140000 ? WORKLOAD_SQL.statementsPeriod : WORKLOAD_SQL.statementsPeriod13).catch(() => ({ rows: [] as { s: number | null }[] })),
    ]);
    const seconds = Number(period.rows[0]?.s);
    // A PREPARE pglens_… text is the application's entry (PG Lens planned it first on PostgreSQL < 16).
    // PG Lens's own Benchmark runs taken out as the cost lens takes them out (core/cost appFigures): their calls and rows,
    // their measured time; the time of runs not measured stays in the mean, counted in `ownIncluded` (person50 L-A).
    const own = db.profile ? ownRunsOf({ profile: db.profile }) : undefined;
    const stmts = rows.flatMap((r) => {
      const query = applicationText(r.query);
      const raw = { queryid: r.queryid as string, query, calls: Number(r.calls), rows: Number(r.rows), meanMs: Number(r.mean_ms), totalMs: Number(r.calls) * Number(r.mean_ms) };
      const app: AppFigures | undefined = own ? appFigures(raw, own.get(query, raw.queryid)) : raw;
      if (!app || app.calls < opts.minCalls) return [];
      return [{ queryid: app.queryid, query, calls: app.calls, rows: app.rows, meanMs: app.meanMs, ...(app.ownIncluded ? { ownIncluded: app.ownIncluded } : {}), reads: readTables(query) }];
    });
    const keys = [...new Set(stmts.flatMap((s) => s.reads ?? []).map((t) => `${t.schema}\u0000${t.table}`))].map((k) => k.split('\u0000'));
    const writes = new Map<string, number>();
    if (keys.length) {
      const w = await db.query(WORKLOAD_SQL.tableWrites, [keys.map((k) => k[0]), keys.map((k) => k[1])]);
      // Less the rows PG Lens's own rolled-back Explain Analyze runs wrote (counted by the counters, never the app's: person37 L4).
      for (const r of w.rows) writes.set(`${r.schema}\u0000${r.table_name}`, lessOwnWork(db.profile, r.schema, r.table_name, { writes: Number(r.writes) }).writes!);
    }
    // A statement whose tables are not all user tables (catalog reads, unparsable texts) is left out.
    const statements = stmts
      .filter((s) => s.reads && s.reads.length && s.reads.every((t) => writes.has(`${t.schema}\u0000${t.table}`)))
      .map(({ reads, ...s }) => ({ ...s, tables: reads!.map((t) => ({ ...t, writes: writes.get(`${t.schema}\u0000${t.table}`)! })) }));
    return { statements, refreshes: refreshes.rows.map((r) => ({ query: r.query, calls: Number(r.calls), meanMs: Number(r.mean_ms) })), statementsPeriodSeconds: Number.isFinite(seconds) && seconds > 0 ? seconds : null };
  } catch {
    return none;
  }
}

/** The tables a read statement reads (unqualified names in public), or undefined when it writes or does not parse. */
function readTables(sql: string): { schema: string; table: string }[] | undefined {
  const ops = tableOperations(castTypedParameters(sql));
  if (!ops || ops.some((o) => o.op !== 'select')) return undefined;
  const seen = new Map<string, { schema: string; table: string }>();
  for (const o of ops) seen.set(`${o.schema || 'public'}\u0000${o.table}`, { schema: o.schema || 'public', table: o.table });
  return [...seen.values()];
}

/** `profile`: the server's, to leave PG Lens's own rolled-back Explain Analyze writes out of the source tables' writes. */
function matviewFromRow(r: any, profile?: Database['profile']): MatviewFact {
  return {
    oid: Number(r.oid), schema: r.schema, name: r.name, populated: r.populated, scans: Number(r.scans), sizeBytes: Number(r.size_bytes), hasUniqueIndex: r.has_unique,
    uniqueColumns: r.unique_columns ?? [], columnsWithoutStats: Number(r.columns_without_stats ?? 0), sources: (r.sources ?? []).map((x: any) => ({ schema: x.schema, table: x.table, writes: lessOwnWork(profile, x.schema, x.table, { writes: Number(x.writes) }).writes! })), refreshMark: r.refresh_mark,
  };
}

export async function readWorkloadFacts(
  db: Pick<Session, 'query'>,
  opts: { versionNum: number; brinMinPages: number; brinMinCorrelation: number; toastMinBytes: number; timeTableMinBytes: number; archiveAfterDays: number; blockSize?: number; profile?: Database['profile'] },
): Promise<WorkloadFacts> {
  // A TOAST table (or a time-keyed table) with fewer pages is not worth looking at.
  const pages = (bytes: number) => Math.ceil(bytes / (opts.blockSize ?? 8192));
  const [brin, toast, conn, mv, time] = await Promise.all([
    db.query(WORKLOAD_SQL.brinCandidates, [opts.brinMinPages, opts.brinMinCorrelation]),
    opts.versionNum >= 140000 ? db.query(WORKLOAD_SQL.toastColumns, [pages(opts.toastMinBytes)]) : Promise.resolve({ rows: [] as any[] }),
    db.query(WORKLOAD_SQL.connections),
    db.query(WORKLOAD_SQL.matviews),
    db.query(WORKLOAD_SQL.timeTables, [pages(opts.timeTableMinBytes), opts.archiveAfterDays]),
  ]);
  const c = conn.rows[0];
  // A table's writes less PG Lens's own rolled-back Explain Analyze ones, per kind (person38 M2).
  const written = (r: any) => {
    const w = lessOwnWork(opts.profile, r.schema, r.table_name, { inserts: Number(r.ins), updates: Number(r.upd), deletes: Number(r.del), hotUpdates: 0 });
    return { inserted: w.inserts, updated: w.updates, deleted: w.deletes };
  };
  return {
    matviews: mv.rows.map((r) => matviewFromRow(r, opts.profile)),
    brinCandidates: brin.rows.map((r) => ({
      schema: r.schema, table: r.table_name, index: r.index_name, column: r.column_name, columnType: r.column_type, correlation: Number(r.correlation),
      reltuples: Number(r.reltuples), tablePages: Number(r.table_pages), indexPages: Number(r.index_pages),
      ...written(r), scans: Number(r.scans),
    })),
    toastColumns: toast.rows.map((r) => ({ schema: r.schema, table: r.table_name, column: r.column_name, type: r.column_type, compression: r.compression ?? '', toastBytes: Number(r.toast_bytes) })),
    timeTables: time.rows.map((r) => ({
      schema: r.schema, table: r.table_name, column: r.column_name, columnType: r.column_type, correlation: Number(r.correlation), sizeBytes: Number(r.size_bytes),
      reltuples: Number(r.reltuples), ...written(r),
      oldShare: r.old_share === null ? null : Number(r.old_share), oldest: r.oldest, newest: r.newest, months: r.months ?? [], keyWithoutColumn: r.key_without,
    })),
    lz4Available: (c.toast_methods ?? []).includes('lz4'),
    defaultToastCompression: c.default_toast ?? null,
    nextXid: c.next_xid === null ? null : Number(c.next_xid),
    pgCron: !!c.pg_cron,
    connections: {
      max: Number(c.max_connections), superuserReserved: Number(c.superuser_reserved), reserved: Number(c.reserved),
      byState: c.by_state ?? {}, byApplication: c.by_app ?? {}, total: Number(c.total),
      serverPort: c.server_port === null || c.server_port === undefined ? null : Number(c.server_port),
    },
  };
}

/** What a history snapshot keeps for capacity-forecast and stale-materialized-view (see core/dashboard/history). */
export async function readHistoryMarks(db: Pick<Database, 'query'> & { profile?: Database['profile'] }): Promise<Pick<HistorySnapshot, 'nextXid' | 'sequences' | 'matviews'>> {
  const [marks, mv] = await Promise.all([db.query(WORKLOAD_SQL.historyMarks), db.query(WORKLOAD_SQL.matviews)]);
  const r = marks.rows[0];
  return {
    nextXid: r.next_xid === null ? null : Number(r.next_xid),
    sequences: r.sequences ?? [],
    matviews: mv.rows.map((x) => matviewFromRow(x, db.profile)).map((m) => ({ schema: m.schema, name: m.name, refreshMark: m.refreshMark, sourceWrites: m.sources.reduce((n, x) => n + x.writes, 0) })),
  };
}
