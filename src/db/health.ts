/**
 * Reads the facts the health checks (src/core/health) judge. A handful of catalog queries run in
 * parallel; per-table statistics come from the pg_stat_get_* functions on the rows that can
 * matter (dead or modified rows, non-trivial size, old relfrozenxid), so 10,000 tables stay cheap.
 * Sizes come from pg_class.relpages (as of the last VACUUM/ANALYZE/CREATE INDEX), not
 * pg_relation_size(), and index definitions are put together here, not by pg_get_indexdef():
 * both take a lock on the relation and would wait behind an ACCESS EXCLUSIVE lock — a health
 * check must never queue behind the very problem it reports (tested).
 * Every SQL text is a named constant with the pg-lens marker and $n parameters.
 */
import { advisedIndexFacts, indexDefinition, reindexLeftover } from '../core/health/checks/indexes';
import { qualifiedName, quoteIdent } from '../core/sql/ident';
import { oneLine } from '../core/safeText';
import { bestProvedFigures } from '../core/advice/missingIndex';
import type { DecisionInput, IndexDecider } from './indexDecision';
import { probePgBouncer } from './pgbouncer';
import { keepPlannedIndexes, runHealthChecks, type AdvisedIndexFact, type SecurityFacts, type IndexFact, type TableObjectFact, type PgBouncerFacts, type HealthFacts, type HealthFinding, type HealthThresholds, DEFAULT_THRESHOLDS, type SessionFact, type TableFact, type TableUsage, type UniqueKeyCheck, type UsageApart } from '../core/health';
import type { HistorySnapshot } from '../core/dashboard/history';
import type { Database, Session } from './database';
import { APPLICATION_NAME } from './database';
import { HEALTH_NO_JIT, readSecurityFacts } from './securityFacts';
import { readStatementUse, readWorkloadFacts } from './workloadFacts';
import { catalogRowsVersion, OWN_IDENTITY, OWN_STATEMENT_MARKER as M, USER_SCHEMA } from './sql';

/** Longest query text kept per session. */
export const QUERY_TEXT_LIMIT = 2000;

export const HEALTH_SQL = {
  /** Client sessions (and autovacuum workers, which can block), ours marked. $1 = query text limit, $2 = our application_name. */
  sessions: `${M} SELECT a.pid, a.backend_start::text AS backend_start, a.datname, a.usename, coalesce(a.application_name, '') AS application_name,
    a.client_addr::text AS client_addr, a.state, a.wait_event_type, a.wait_event, left(a.query, $1) AS query, a.backend_type,
    extract(epoch FROM clock_timestamp() - a.query_start)::float8 AS query_seconds,
    extract(epoch FROM clock_timestamp() - a.xact_start)::float8 AS xact_seconds,
    extract(epoch FROM clock_timestamp() - a.state_change)::float8 AS state_seconds,
    CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid) ELSE '{}'::int[] END AS blocked_by,
    s.ssl, coalesce(r.rolsuper, false) AS superuser,
    (a.pid = pg_backend_pid() OR a.application_name = $2) AS own
    FROM pg_stat_activity a LEFT JOIN pg_stat_ssl s ON s.pid = a.pid LEFT JOIN pg_roles r ON r.oid = a.usesysid
    WHERE a.backend_type IN ('client backend', 'autovacuum worker')`,
  /**
   * Every index of user tables (widths for the bloat estimate come from indexWidths). Column names by one
   * index look-up per key column (pg_attribute's primary key), not a sort of every column of the table.
   */
  indexes: `${M} SELECT i.indexrelid::int8 AS oid, n.nspname AS schema, t.relname AS table_name, i.indrelid::int8 AS table_oid, c.relname AS name,
    i.indkey::int2[] AS columns, i.indnkeyatts AS key_columns, i.indclass::text AS opclasses,
    pg_get_expr(i.indexprs, i.indrelid) AS expressions, pg_get_expr(i.indpred, i.indrelid) AS predicate,
    am.amname AS method, i.indisunique AS is_unique, i.indisprimary AS is_primary, i.indisvalid AS is_valid, con.conname AS constraint_name,
    c.relpages::float8 * current_setting('block_size')::float8 AS size_bytes,
    pg_stat_get_numscans(i.indexrelid)::float8 AS scans, c.relpages::float8 AS relpages, c.reltuples::float8 AS reltuples, c.reloptions,
    ARRAY(SELECT (SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[k]) FROM generate_series(0, i.indnatts - 1) k) AS column_names
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = c.relam
    LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')
    WHERE c.relkind = 'i' AND ${USER_SCHEMA}`,
  /**
   * What changes without DDL, for the indexes whose catalog facts are cached (catalogVersion unchanged):
   * scans, pages, rows. The width estimates come apart (indexWidths, tableWidths): a per-row LATERAL cost 4× this read.
   */
  indexStats: `${M} SELECT c.oid::int8 AS oid, pg_stat_get_numscans(c.oid)::float8 AS scans, c.relpages::float8 AS relpages, c.reltuples::float8 AS reltuples
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'i' AND ${USER_SCHEMA}`,
  /** Width estimate (pg_stats) of the indexes of at least $1 pages without expressions, for the bloat estimate (only when every column has statistics). */
  indexWidths: `${M} SELECT i.indexrelid::int8 AS oid, sum(s.avg_width)::float8 AS width, max(s.null_frac)::float8 AS max_null_frac
    FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[])
    JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = t.relname AND s.attname = a.attname AND NOT s.inherited
    WHERE c.relkind = 'i' AND c.relpages >= $1 AND i.indexprs IS NULL AND ${USER_SCHEMA}
    GROUP BY i.indexrelid, i.indnatts HAVING count(*) = i.indnatts`,
  /**
   * Width of a row's data and the largest null share (pg_stats) of the tables and materialized views of at least $1 pages,
   * for the bloat estimate; with the columns that have no statistics although ANALYZE would collect them (never analysed,
   * or dropped by ALTER COLUMN … TYPE) and the count of those whose statistics this role cannot see (pg_stats hides a
   * column without SELECT privilege, and every column under active row security) or that ANALYZE skips (target 0).
   */
  tableWidths: `${M} SELECT c.oid::int8 AS oid, sum((1 - s.null_frac) * s.avg_width)::float8 AS width, max(s.null_frac)::float8 AS max_null_frac,
    count(*)::int AS column_count,
    coalesce(array_agg(a.attname::text ORDER BY a.attnum) FILTER (WHERE s.attname IS NULL AND coalesce(a.attstattarget::int, -1) <> 0
      AND has_column_privilege(c.oid, a.attnum, 'SELECT') AND NOT (c.relrowsecurity AND row_security_active(c.oid))), '{}') AS no_stats,
    (count(*) FILTER (WHERE s.attname IS NULL AND (coalesce(a.attstattarget::int, -1) = 0
      OR NOT has_column_privilege(c.oid, a.attnum, 'SELECT') OR (c.relrowsecurity AND row_security_active(c.oid)))))::int AS hidden
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = a.attname AND NOT s.inherited
    WHERE c.relkind IN ('r', 'm') AND c.relpages >= $1 AND ${USER_SCHEMA}
    GROUP BY c.oid`,
  /**
   * The catalog version probe: every DDL that changes an index's catalog facts (CREATE/DROP/ALTER of an
   * index, table, column, constraint or schema, CREATE INDEX CONCURRENTLY's validation) inserts or
   * updates (new xmin) or deletes (count) a row of these catalogs (catalogRowsVersion: the xmin read through
   * age(), not text, halved the probe's server CPU on the dashboard bench's 10,000 tables, 73–85 -> 38–46 ms). VACUUM and ANALYZE change relpages and
   * reltuples in place (no new xmin): those are read every time (indexStats). widths_version: the set of
   * relations of at least $1 pages (those with a width estimate) and when their tables were last analysed
   * (pg_statistic itself is readable by superusers only) — in the user's schemas only, as the width reads: the
   * system catalogs, shared ones included, are analysed as other databases' work changes them.
   */
  catalogVersion: `${M} SELECT concat_ws(':', ${['pg_class', 'pg_index', 'pg_constraint', 'pg_namespace', 'pg_attribute'].map(catalogRowsVersion).join(', ')}) AS version,
    current_setting('block_size')::float8 AS block_size,
    (SELECT sum(c.oid::int8) || '/' || coalesce(sum(extract(epoch FROM greatest(pg_stat_get_last_analyze_time(coalesce(i.indrelid, c.oid)),
        pg_stat_get_last_autoanalyze_time(coalesce(i.indrelid, c.oid))))), 0)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_index i ON i.indexrelid = c.oid
      WHERE c.relpages >= $1 AND c.relkind IN ('r', 'm', 'i') AND ${USER_SCHEMA}) AS widths_version`,
  foreignKeys: `${M} SELECT con.oid::int8 AS oid, n.nspname AS schema, t.relname AS table_name, con.conrelid::int8 AS table_oid, con.conname AS name,
    con.conkey AS columns,
    ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS column_names,
    rn.nspname AS referenced_schema, rt.relname AS referenced_table, greatest(t.reltuples, 0)::float8 AS table_rows
    FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_class rt ON rt.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = rt.relnamespace
    WHERE con.contype = 'f' AND t.relkind = 'r' AND ${USER_SCHEMA}`,
  /** Tables that can matter (widths for the bloat estimate come from tableWidths). $1 = minimum relpages for bloat, $2 = minimum relfrozenxid age. */
  tables: `${M} SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, c.relkind,
    pg_stat_get_live_tuples(c.oid)::float8 AS live, pg_stat_get_dead_tuples(c.oid)::float8 AS dead,
    pg_stat_get_mod_since_analyze(c.oid)::float8 AS mods,
    pg_stat_get_last_vacuum_time(c.oid)::text AS last_vacuum, pg_stat_get_last_autovacuum_time(c.oid)::text AS last_autovacuum,
    pg_stat_get_last_analyze_time(c.oid)::text AS last_analyze, pg_stat_get_last_autoanalyze_time(c.oid)::text AS last_autoanalyze,
    extract(epoch FROM clock_timestamp() - greatest(pg_stat_get_last_vacuum_time(c.oid), pg_stat_get_last_autovacuum_time(c.oid)))::float8 AS vacuum_age,
    c.reltuples::float8 AS reltuples, c.relpages::float8 AS relpages, c.relpages::float8 * current_setting('block_size')::float8 AS size_bytes, c.reloptions,
    age(c.relfrozenxid)::float8 AS freeze_age
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'm') AND ${USER_SCHEMA}
      AND (pg_stat_get_dead_tuples(c.oid) > 0 OR pg_stat_get_mod_since_analyze(c.oid) > 0 OR c.relpages >= $1 OR age(c.relfrozenxid) >= $2)`,
  sequences: `${M} SELECT n.nspname AS schema, c.relname AS name, format_type(s.seqtypid, NULL) AS data_type,
    CASE WHEN has_sequence_privilege(c.oid, 'SELECT,USAGE') THEN pg_sequence_last_value(c.oid)::float8 END AS last_value,
    s.seqmin::float8 AS min_value, s.seqmax::float8 AS max_value, s.seqincrement::float8 AS increment,
    tn.nspname AS owned_schema, t.relname AS owned_table, a.attname AS owned_column, format_type(a.atttypid, NULL) AS owned_type
    FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
    LEFT JOIN pg_class t ON t.oid = d.refobjid LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
    LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    WHERE ${USER_SCHEMA}`,
  invalidConstraints: `${M} SELECT con.oid::int8 AS oid, n.nspname AS schema, t.relname AS table_name, con.conname AS name, con.contype::text AS contype
    FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE NOT con.convalidated AND ${USER_SCHEMA}`,
  /** Server-wide facts in one row (PostgreSQL 17+: pg_stat_checkpointer). $1 = setting names. */
  server17: `${M} SELECT pg_is_in_recovery() AS in_recovery,
    CASE WHEN pg_is_in_recovery() THEN extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8 END AS replay_delay,
    (SELECT json_object_agg(name, json_build_object('setting', setting, 'unit', unit)) FROM pg_settings WHERE name = ANY ($1::text[])) AS settings,
    (SELECT json_agg(json_build_object('name', datname, 'age', age(datfrozenxid))) FROM pg_database WHERE datallowconn) AS databases,
    (SELECT json_agg(json_build_object('applicationName', application_name, 'clientAddr', client_addr::text, 'state', state,
        'replayLagSeconds', extract(epoch FROM replay_lag)::float8,
        'replayLagBytes', CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 END)) FROM pg_stat_replication) AS replicas,
    (SELECT json_agg(json_build_object('name', slot_name, 'type', slot_type, 'active', active, 'database', database, 'walStatus', wal_status,
        'retainedBytes', pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END, restart_lsn)::float8))
      FROM pg_replication_slots) AS slots,
    (SELECT json_build_object('archiveMode', current_setting('archive_mode'), 'archivedCount', archived_count, 'failedCount', failed_count,
        'lastFailedWal', last_failed_wal, 'lastFailedTime', last_failed_time::text, 'lastArchivedTime', last_archived_time::text,
        'failingNow', coalesce(last_failed_time > coalesce(last_archived_time, '-infinity'), false)) FROM pg_stat_archiver) AS archiver,
    (SELECT json_build_object('timed', num_timed, 'requested', num_requested) FROM pg_stat_checkpointer) AS checkpoints,
    (SELECT temp_files FROM pg_stat_database WHERE datname = current_database())::float8 AS temp_files,
    -- Statistics never reset (stats_reset NULL: every new database) are counted from the server's start at most: kept across a
    -- clean restart they are older, never younger, unless the database itself is younger (see databaseAge).
    (SELECT extract(epoch FROM clock_timestamp() - coalesce(stats_reset, pg_postmaster_start_time())) FROM pg_stat_database WHERE datname = current_database())::float8 AS stats_age,
    (SELECT stats_reset IS NOT NULL FROM pg_stat_database WHERE datname = current_database()) AS stats_reset_known,
    has_function_privilege('pg_catalog.pg_stat_file(text, boolean)', 'EXECUTE') AS can_stat_file,
    current_database() AS database`,
  /**
   * Seconds since this database was created (its PG_VERSION file, written by CREATE DATABASE), for statistics never reset:
   * run only when the role may call pg_stat_file (checked by server17's can_stat_file; the privilege is checked before any CASE).
   */
  databaseAge: `${M} SELECT extract(epoch FROM clock_timestamp() - f.modification)::float8 AS age, f.modification >= pg_postmaster_start_time() AS after_start
    FROM pg_database, LATERAL pg_stat_file('base/' || oid || '/PG_VERSION', true) f WHERE datname = current_database()`,
} as const;

/** The duplicates check of an invalid UNIQUE index (checkUniqueKeys). */
const UNIQUE_KEY_SQL = {
  /**
   * An invalid unique index's table and key columns, read again by its oid ($1): the names as they are now, quoted part by
   * part by the caller. NULLS NOT DISTINCT (PostgreSQL 15+) through to_jsonb, so one text serves every version.
   */
  keyOf: `${M} SELECT n.nspname AS schema, t.relname AS table_name, t.relkind::text AS relkind,
    ARRAY(SELECT a.attname::text FROM generate_series(0, i.indnkeyatts - 1) k JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k] ORDER BY k) AS columns,
    i.indnkeyatts AS key_columns, i.indexprs IS NOT NULL AS has_expressions, i.indpred IS NOT NULL AS partial,
    coalesce((to_jsonb(i) ->> 'indnullsnotdistinct')::boolean, false) AS nulls_not_distinct,
    (pg_stat_get_tuples_inserted(i.indrelid) + pg_stat_get_tuples_updated(i.indrelid) + pg_stat_get_tuples_deleted(i.indrelid))::text AS writes
    FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE i.indexrelid = $1 AND i.indisunique AND NOT i.indisvalid`,
  /**
   * The check's bounds, for its own (read-only, rolled back) transaction. $1 = lock_timeout, $2 = statement_timeout.
   * row_security off: a table's row-level security policy is a function its owner may have planted, and reading the table
   * would run it with the checker's rights (docs/security.md) — with it off, a table a policy applies to raises instead.
   */
  localTimeouts: `${M} SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true), set_config('row_security', 'off', true)`,
} as const;

/**
 * The duplicates query on a table's key columns (a name and columns from UNIQUE_KEY_SQL.keyOf, quoted part by part here):
 * how many keys have more than one row (at most $1 counted) and the most duplicated of them, as a row's text. Rows with a
 * NULL key column are left out as a unique index leaves them, unless $2 (NULLS NOT DISTINCT). A plain table is read ONLY:
 * its unique index holds its own rows, not its inheritance children's.
 */
function duplicateKeysSql(schema: string, table: string, relkind: string, columns: readonly string[]): string {
  const keys = columns.map(quoteIdent).join(', ');
  const notNull = columns.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' AND ');
  return `${M} SELECT count(*)::int AS keys, (array_agg(k ORDER BY n DESC))[1] AS example, max(n)::float8 AS example_rows
    FROM (SELECT ROW(${keys})::text AS k, count(*) AS n FROM ${relkind === 'r' ? 'ONLY ' : ''}${qualifiedName(schema, table)} WHERE $2::boolean OR (${notNull})
      GROUP BY ${keys} HAVING count(*) > 1 LIMIT $1) d`;
}

/** At most this many duplicated keys are counted, within this time, without waiting for a lock longer than this. */
const UNIQUE_CHECK_LIMITS = { keys: 100, statementMs: 3000, lockMs: 500 } as const;
/** At most this many invalid unique indexes are checked per run (each is a scan of its table). */
const UNIQUE_CHECKS_PER_RUN = 5;

/**
 * Whether the key of each invalid UNIQUE index has duplicates now (person45 H2: a CREATE UNIQUE INDEX CONCURRENTLY that
 * failed on duplicates, the commonest invalid index, was offered only a REINDEX, which failed the same way and left a
 * second invalid index). Read-only and bounded: one rolled-back read-only transaction per index, a statement timeout, a
 * short lock timeout (a health check never queues behind a lock), at most UNIQUE_CHECK_LIMITS.keys keys counted.
 */
async function checkUniqueKeys(db: Pick<Database, 'rolledBack'>, indexes: readonly Pick<IndexFact, 'oid'>[]): Promise<UniqueKeyCheck[]> {
  const out: UniqueKeyCheck[] = [];
  // The dashboard checks every minute: a table is scanned again only once rows of it were written since (its inserted,
  // updated and deleted counters), not every minute while nothing changed.
  const before = uniqueCheckCaches.get(db) ?? new Map<string, UniqueKeyCheck>();
  const kept = new Map<string, UniqueKeyCheck>();
  uniqueCheckCaches.set(db, kept);
  for (const i of indexes.slice(0, UNIQUE_CHECKS_PER_RUN)) {
    try {
      out.push(await db.rolledBack(async (s) => {
        const k = (await s.query(UNIQUE_KEY_SQL.keyOf, [i.oid])).rows[0];
        if (!k) return notChecked(i.oid, 'it is no longer an invalid unique index');
        const cacheKey = `${i.oid}:${k.writes}`;
        const checked = before.get(cacheKey) ?? (await checkKey(s, i.oid, k));
        kept.set(cacheKey, checked);
        return checked;
      }, { readOnly: true }));
    } catch (e) {
      const code = (e as { code?: string }).code;
      out.push(notChecked(i.oid, /row-level security/i.test((e as Error).message) ? 'its table has row-level security policies, which the check does not run (their functions would run with your rights)'
        : code === '57014' ? `the check was stopped after ${UNIQUE_CHECK_LIMITS.statementMs / 1000} s`
        : code === '55P03' ? 'its table is locked by another session'
        : code === '42501' ? 'no SELECT privilege on its table'
        : `the check failed: ${(e as Error).message.split('\n')[0]}`));
    }
  }
  return out;
}

/** The last duplicates checks per Database, by index oid and its table's write counters. */
const uniqueCheckCaches = new WeakMap<object, Map<string, UniqueKeyCheck>>();

function notChecked(oid: number, why: string): UniqueKeyCheck {
  return { oid, duplicatedKeys: null, limit: UNIQUE_CHECK_LIMITS.keys, notChecked: why };
}

/** The duplicates query of one invalid unique index whose key keyOf read (`k`), bounded, in the caller's transaction. */
async function checkKey(s: Pick<Session, 'query'>, oid: number, k: { schema: string; table_name: string; relkind: string; columns: string[] | null; key_columns: unknown; has_expressions: boolean; partial: boolean; nulls_not_distinct: boolean }): Promise<UniqueKeyCheck> {
  const limit = UNIQUE_CHECK_LIMITS.keys;
  if (k.has_expressions) return notChecked(oid, 'its key has an expression');
  if (k.partial) return notChecked(oid, 'it is a partial index');
  const columns = k.columns ?? [];
  if (!columns.length || columns.length !== Number(k.key_columns)) return notChecked(oid, 'its key columns could not be read');
  await s.query(UNIQUE_KEY_SQL.localTimeouts, [`${UNIQUE_CHECK_LIMITS.lockMs}ms`, `${UNIQUE_CHECK_LIMITS.statementMs}ms`]);
  const r = (await s.query(duplicateKeysSql(k.schema, k.table_name, k.relkind, columns), [limit, !!k.nulls_not_distinct])).rows[0];
  const keys = Number(r?.keys ?? 0);
  if (!keys) return { oid, duplicatedKeys: 0, limit };
  // A key's values are data: on one line, control characters escaped (the CLI prints it, a terminal would obey them).
  const example = oneLine(`(${columns.join(', ')})=${String(r.example ?? '')}`);
  return { oid, duplicatedKeys: keys, limit, example: example.length > 200 ? `${example.slice(0, 199)}…` : example, exampleRows: Number(r.example_rows) };
}

/** Before PostgreSQL 17 the checkpoint counters live in pg_stat_bgwriter. */
export const HEALTH_SQL_SERVER_16 = HEALTH_SQL.server17.replace(
  `SELECT json_build_object('timed', num_timed, 'requested', num_requested) FROM pg_stat_checkpointer`,
  `SELECT json_build_object('timed', checkpoints_timed, 'requested', checkpoints_req) FROM pg_stat_bgwriter`,
);

const HEALTH_SETTINGS = [
  'shared_buffers', 'work_mem', 'maintenance_work_mem', 'random_page_cost', 'effective_io_concurrency', 'track_io_timing', 'max_wal_size',
  'max_connections', 'idle_in_transaction_session_timeout', 'autovacuum', 'archive_mode', 'autovacuum_freeze_max_age',
  'autovacuum_vacuum_threshold', 'autovacuum_vacuum_scale_factor', 'autovacuum_analyze_threshold', 'autovacuum_analyze_scale_factor', 'ssl',
  'ssl_min_protocol_version', 'password_encryption', 'log_connections', 'log_disconnections', 'log_statement', 'log_min_duration_statement', 'pgaudit.log',
];

/** Relations smaller than this many pages get no bloat estimate (and no pg_stats look-up). */
const BLOAT_MIN_PAGES = 10;

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** key=value reloptions → map. */
function parseReloptions(opts: string[] | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of opts ?? []) {
    const eq = o.indexOf('=');
    if (eq > 0) out[o.slice(0, eq)] = o.slice(eq + 1);
  }
  return out;
}

export function sessionFromRow(r: any): SessionFact {
  return {
    pid: Number(r.pid),
    backendStart: r.backend_start,
    database: r.datname,
    user: r.usename,
    application: r.application_name ?? '',
    clientAddr: r.client_addr,
    state: r.state,
    waitEventType: r.wait_event_type,
    waitEvent: r.wait_event,
    query: r.query ?? '',
    querySeconds: numOrNull(r.query_seconds),
    xactSeconds: numOrNull(r.xact_seconds),
    stateSeconds: numOrNull(r.state_seconds),
    blockedBy: (r.blocked_by ?? []).map(Number),
    ssl: r.ssl ?? null,
    superuser: !!r.superuser,
    own: !!r.own,
  };
}

/** The fields an index row and a foreign-key row share (see TableObjectFact), with the column names. */
function tableObjectFromRow(r: any): TableObjectFact & { columnNames: any[] } {
  return {
    oid: Number(r.oid),
    schema: r.schema,
    table: r.table_name,
    tableOid: Number(r.table_oid),
    name: r.name,
    columns: (r.columns ?? []).map(Number),
    columnNames: r.column_names ?? [],
  };
}

/** An index's facts from a row of HEALTH_SQL.indexes. */
function indexFromRow(r: any): IndexFact {
  const ro = parseReloptions(r.reloptions);
  const fact: IndexFact = {
    ...tableObjectFromRow(r),
    keyColumns: Number(r.key_columns),
    opclasses: r.opclasses,
    expressions: r.expressions,
    predicate: r.predicate,
    method: r.method,
    unique: r.is_unique,
    primary: r.is_primary,
    valid: r.is_valid,
    constraint: r.constraint_name,
    definition: '',
    sizeBytes: num(r.size_bytes),
    scans: numOrNull(r.scans),
    relpages: num(r.relpages),
    reltuples: num(r.reltuples),
    dataWidth: null,
    maxNullFrac: 0,
    fillfactor: ro.fillfactor ? Number(ro.fillfactor) : null,
  };
  fact.definition = indexDefinition(fact);
  return fact;
}

/**
 * Index facts that only DDL changes (names, columns, definition, constraint, method…), kept per
 * Database while HEALTH_SQL.catalogVersion reads the same; each run then reads only indexStats.
 */
interface CatalogCache {
  version: string;
  indexes: Map<number, IndexFact>;
}
const catalogCaches = new WeakMap<object, CatalogCache>();

/** The cached facts with this run's statistics, or undefined when an index is not in the cache (read them all again). */
function withIndexStats(cache: CatalogCache, rows: any[], blockSize: number): IndexFact[] | undefined {
  const out: IndexFact[] = [];
  for (const r of rows) {
    const known = cache.indexes.get(Number(r.oid));
    if (!known) return undefined;
    const relpages = num(r.relpages);
    // Field by field, not `{ ...known, … }`: on 30,000 indexes the spread cost 3–4× this copy of the client's CPU per run
    // (the dashboard bench's largest client cost of a health run). Every field of IndexFact is required: one added is
    // a type error here until it is copied.
    const k = known;
    out.push({
      oid: k.oid, schema: k.schema, table: k.table, tableOid: k.tableOid, name: k.name, columns: k.columns, columnNames: k.columnNames,
      keyColumns: k.keyColumns, opclasses: k.opclasses, expressions: k.expressions, predicate: k.predicate, method: k.method,
      unique: k.unique, primary: k.primary, valid: k.valid, constraint: k.constraint, definition: k.definition,
      sizeBytes: relpages * blockSize, scans: numOrNull(r.scans), relpages, reltuples: num(r.reltuples),
      dataWidth: k.dataWidth, maxNullFrac: k.maxNullFrac, fillfactor: k.fillfactor,
    });
  }
  return out;
}

/**
 * Every index's facts: from the catalog cache when the catalog has not changed (keyed by `cacheKey`), else
 * read whole and cached; with the version the width estimates are kept under (catalog and statistics).
 */
async function readIndexes(db: Pick<Session, 'query'>, cacheKey: object | undefined, beside: Pick<Session, 'query'> = db): Promise<{ indexes: IndexFact[]; version: string }> {
  // With facts cached, the statistics are read on the `beside` session while the probe runs, not after it (the
  // probe is the slowest read of a run on a large catalog); they are used only if the probe finds the catalog unchanged.
  const cache = cacheKey && catalogCaches.get(cacheKey);
  const stats = cache ? beside.query(HEALTH_SQL.indexStats) : undefined;
  stats?.catch(() => undefined);
  const probe = (await db.query(HEALTH_SQL.catalogVersion, [BLOAT_MIN_PAGES])).rows[0];
  const version = String(probe.version);
  if (cache && stats && cache.version === version) {
    const merged = withIndexStats(cache, (await stats).rows, Number(probe.block_size));
    if (merged) return { indexes: merged, version: `${version}|${probe.widths_version}` };
  }
  const indexes = (await db.query(HEALTH_SQL.indexes)).rows.map(indexFromRow);
  if (cacheKey) catalogCaches.set(cacheKey, { version, indexes: new Map(indexes.map((i) => [i.oid, { ...i }])) });
  return { indexes, version: `${version}|${probe.widths_version}` };
}

/**
 * The pg_stats widths behind the bloat estimates (pg_stats is the slow part of a health run on a
 * large schema, and it changes only with ANALYZE): kept per Database while neither the catalog nor
 * the last ANALYZE of a large relation's table nor the set of relations large enough for an estimate changed, for at most
 * WIDTHS_MAX_AGE_MS; the findings show their age.
 */
const WIDTHS_MAX_AGE_MS = 10 * 60 * 1000;
interface Width {
  width: number | null;
  maxNullFrac: number;
  /** Tables only (tableWidths). */
  columnsWithoutStats?: string[];
  columnsStatsHidden?: number;
  columnCount?: number;
}
interface WidthCache {
  readAtMs: number;
  version: string;
  indexes: Map<number, Width>;
  tables: Map<number, Width>;
}
const widthCaches = new WeakMap<object, WidthCache>();

async function readWidths(db: Pick<Session, 'query'>, cacheKey: object | undefined, version: string, nowMs: number): Promise<WidthCache> {
  const cached = cacheKey && widthCaches.get(cacheKey);
  if (cached && cached.version === version && nowMs - cached.readAtMs < WIDTHS_MAX_AGE_MS) return cached;
  const asMap = (rows: any[]) => new Map<number, Width>(rows.map((r) => [Number(r.oid), { width: numOrNull(r.width), maxNullFrac: num(r.max_null_frac) }]));
  // A table with a column lacking statistics has no width: the missing column is not bloat (issue 20 item 6).
  const tableWidth = (r: any): Width => {
    const columnsWithoutStats: string[] = r.no_stats ?? [];
    const columnsStatsHidden = num(r.hidden);
    const complete = columnsWithoutStats.length === 0 && columnsStatsHidden === 0;
    return { width: complete ? numOrNull(r.width) : null, maxNullFrac: num(r.max_null_frac), columnsWithoutStats, columnsStatsHidden, columnCount: num(r.column_count) };
  };
  const [ix, tb] = await Promise.all([db.query(HEALTH_SQL.indexWidths, [BLOAT_MIN_PAGES]), db.query(HEALTH_SQL.tableWidths, [BLOAT_MIN_PAGES])]);
  const fresh = { readAtMs: nowMs, version, indexes: asMap(ix.rows), tables: new Map<number, Width>(tb.rows.map((r) => [Number(r.oid), tableWidth(r)])) };
  if (cacheKey) widthCaches.set(cacheKey, fresh);
  return fresh;
}

/** Index facts and the width estimates (from the cache, with their age). */
async function readIndexesAndWidths(db: Pick<Session, 'query'>, cacheKey: object | undefined, beside: Pick<Session, 'query'> = db): Promise<{ indexes: IndexFact[]; tableWidths: Map<number, Width>; widthsAgeSeconds: number }> {
  const { indexes, version } = await readIndexes(db, cacheKey, beside);
  const nowMs = Date.now();
  const widths = await readWidths(db, cacheKey, version, nowMs);
  for (const i of indexes) {
    const w = widths.indexes.get(i.oid);
    i.dataWidth = w ? w.width : null;
    i.maxNullFrac = w ? w.maxNullFrac : 0;
  }
  return { indexes, tableWidths: widths.tables, widthsAgeSeconds: Math.round((nowMs - widths.readAtMs) / 1000) };
}

async function readSessions(db: { query: Database['query'] | Session['query'] }): Promise<SessionFact[]> {
  const { rows } = await db.query(HEALTH_SQL.sessions, [QUERY_TEXT_LIMIT, APPLICATION_NAME]);
  return rows.map(sessionFromRow);
}

/** Everything the health checks need, read in parallel. */
export interface HealthOptions {
  versionNum?: number;
  thresholds?: Partial<HealthThresholds>;
  only?: string[];
  /** Tables and operations of the code's statements (SQL discovery), for the least-privilege role script. */
  usage?: TableUsage[];
  /** What only the code's seeds, migrations, tests and scripts use: listed apart in the script, not granted. */
  usageApart?: UsageApart[];
  /** Stored snapshots (the dashboard's, or a history file), for capacity-forecast and stale-materialized-view. */
  history?: HistorySnapshot[];
  /** PgBouncer's pools and statistics (db/pgbouncer readPgBouncer), for pool-sizing. */
  pgbouncer?: PgBouncerFacts;
  /** The workspace's index advice, for unindexed-foreign-key's fix (HealthFacts.advisedIndexes). */
  advisedIndexes?: readonly AdvisedIndexFact[];
  /** The tables whose index advice is not decided yet (HealthFacts.indexAdvicePending). */
  indexAdvicePending?: HealthFacts['indexAdvicePending'];
}

async function collectHealthFacts(db: Database, opts: HealthOptions = {}): Promise<HealthFacts> {
  // Read-only transactions with JIT off (see HEALTH_NO_JIT) on three sessions, so the server reads on more
  // than one CPU (each statement reads its own snapshot either way: READ COMMITTED): the catalog version probe
  // (and, when it finds a change, every index's facts), then tables and foreign keys on one; the cached indexes'
  // statistics (beside the probe), sessions, settings and workload facts on another; the security facts on a
  // third; pg_stat_statements on the pool beside them. About 150 server-ms each on the dashboard bench's 10,000
  // tables. The third session is taken on its own, not inside the other two, so two health runs sharing a pool
  // never hold sessions while waiting for one more (the nested pair did that already, and needs two of the pool's four).
  const versionNum = opts.versionNum ?? Number((await db.query(`${M} ${OWN_IDENTITY} SELECT current_setting('server_version_num') AS v`)).rows[0].v);
  const t = { ...DEFAULT_THRESHOLDS, ...opts.thresholds };
  const readOnly = { readOnly: true } as const;
  const security = readSecurityFacts(db, { usage: opts.usage, usageApart: opts.usageApart });
  // Awaited in collectIn; a failure before then is the run's failure, not an unhandled rejection.
  security.catch(() => undefined);
  const [facts, statements] = await Promise.all([
    db.rolledBack(async (catalog) => {
      await catalog.query(HEALTH_NO_JIT);
      return db.rolledBack(async (rest) => {
        await rest.query(HEALTH_NO_JIT);
        return collectIn(catalog, { ...opts, versionNum }, security, db, rest, db.profile);
      }, readOnly);
    }, readOnly),
    readStatementUse(db, { versionNum, minCalls: Math.min(t.cacheMinCalls, t.mvMinCalls) }),
  ]);
  if (facts.workload) Object.assign(facts.workload, statements);
  // An invalid unique index: does its key have duplicates now (REINDEX fails on them)? Not for a REINDEX's own leftover.
  const invalidUnique = (!opts.only || opts.only.includes('invalid-index')) ? facts.indexes.filter((i) => !i.valid && i.unique && !reindexLeftover(i.name)) : [];
  if (invalidUnique.length) facts.uniqueKeyChecks = await checkUniqueKeys(db, invalidUnique);
  if (opts.history) facts.history = opts.history;
  if (opts.pgbouncer) facts.pgbouncer = opts.pgbouncer;
  // A port other than the one the server accepted the session on: a pooler or proxy in between (PgBouncer if its console answers there).
  const serverPort = facts.workload?.connections.serverPort;
  const connectedPort = db.options.useReplica ? db.options.profile.readReplica?.port ?? db.options.profile.port : db.options.profile.port;
  if (serverPort && connectedPort && serverPort !== connectedPort) {
    const target = db.options.useReplica && db.options.profile.readReplica ? { ...db.options.profile, host: db.options.profile.readReplica.host, port: connectedPort } : db.options.profile;
    facts.frontend = { connectedPort, serverPort, pgbouncer: opts.pgbouncer?.version ?? (await probePgBouncer(target, db.options.password)) };
  }
  return facts;
}

async function collectIn(db: Pick<Session, 'query'>, opts: HealthOptions, securityRead: Promise<SecurityFacts>, cacheKey?: object, rest: Pick<Session, 'query'> = db, profile?: Database['profile']): Promise<HealthFacts> {
  const versionNum = opts.versionNum ?? Number((await db.query(`${M} ${OWN_IDENTITY} SELECT current_setting('server_version_num') AS v`)).rows[0].v);
  const t = { ...DEFAULT_THRESHOLDS, ...opts.thresholds };
  const minFreezeAge = Math.min(t.wraparoundWarnAge, 2 ** 31 - 1);
  const [sessions, { indexes, tableWidths, widthsAgeSeconds }, fks, tables, sequences, constraints, server, security, workload] = await Promise.all([
    readSessions(rest),
    readIndexesAndWidths(db, cacheKey, rest),
    db.query(HEALTH_SQL.foreignKeys),
    db.query(HEALTH_SQL.tables, [BLOAT_MIN_PAGES, minFreezeAge]),
    rest.query(HEALTH_SQL.sequences),
    rest.query(HEALTH_SQL.invalidConstraints),
    rest.query(versionNum >= 170000 ? HEALTH_SQL.server17 : HEALTH_SQL_SERVER_16, [HEALTH_SETTINGS]),
    securityRead,
    readWorkloadFacts(rest, { versionNum, brinMinPages: t.brinMinPages, brinMinCorrelation: t.brinMinCorrelation, toastMinBytes: t.toastMinBytes, timeTableMinBytes: Math.min(t.archiveMinBytes, t.partitionMinBytes), archiveAfterDays: t.archiveAfterDays, profile }),
  ]);
  const s = server.rows[0];
  const stats = await statisticsAge(rest, s);
  const settings: HealthFacts['settings'] = s.settings ?? {};
  const g = (name: string, fallback: number) => {
    const v = Number(settings[name]?.setting);
    return Number.isFinite(v) ? v : fallback;
  };
  const autovacuumOn = settings.autovacuum?.setting !== 'off';
  return {
    versionNum,
    database: s.database,
    inRecovery: !!s.in_recovery,
    standbyReplayDelaySeconds: numOrNull(s.replay_delay),
    settings,
    sessions,
    indexes,
    foreignKeys: fks.rows.map((r) => ({
      ...tableObjectFromRow(r),
      referencedSchema: r.referenced_schema,
      referencedTable: r.referenced_table,
      tableRows: num(r.table_rows),
    })),
    tables: tables.rows.map((r): TableFact => {
      const ro = parseReloptions(r.reloptions);
      const opt = (k: string, fallback: number) => (ro[k] !== undefined && Number.isFinite(Number(ro[k])) ? Number(ro[k]) : fallback);
      return {
        oid: Number(r.oid),
        schema: r.schema,
        name: r.name,
        kind: r.relkind === 'm' ? 'materialized view' : 'table',
        liveTuples: num(r.live),
        deadTuples: num(r.dead),
        modsSinceAnalyze: num(r.mods),
        lastVacuum: r.last_vacuum,
        lastAutovacuum: r.last_autovacuum,
        lastAnalyze: r.last_analyze,
        lastAutoanalyze: r.last_autoanalyze,
        vacuumAgeSeconds: numOrNull(r.vacuum_age),
        reltuples: num(r.reltuples),
        relpages: num(r.relpages),
        sizeBytes: num(r.size_bytes),
        autovacuumEnabled: autovacuumOn && ro.autovacuum_enabled !== 'false' && ro.autovacuum_enabled !== 'off',
        vacuumThreshold: opt('autovacuum_vacuum_threshold', g('autovacuum_vacuum_threshold', 50)),
        vacuumScaleFactor: opt('autovacuum_vacuum_scale_factor', g('autovacuum_vacuum_scale_factor', 0.2)),
        analyzeThreshold: opt('autovacuum_analyze_threshold', g('autovacuum_analyze_threshold', 50)),
        analyzeScaleFactor: opt('autovacuum_analyze_scale_factor', g('autovacuum_analyze_scale_factor', 0.1)),
        freezeAge: num(r.freeze_age),
        tupleWidth: tableWidths.get(Number(r.oid))?.width ?? null,
        maxNullFrac: tableWidths.get(Number(r.oid))?.maxNullFrac ?? 0,
        fillfactor: ro.fillfactor ? Number(ro.fillfactor) : null,
        ...statsCoverage(tableWidths.get(Number(r.oid))),
      };
    }),
    sequences: sequences.rows.map((r) => ({
      schema: r.schema,
      name: r.name,
      dataType: r.data_type,
      lastValue: numOrNull(r.last_value),
      minValue: num(r.min_value),
      maxValue: num(r.max_value),
      increment: num(r.increment),
      ownedBy: r.owned_table ? { schema: r.owned_schema, table: r.owned_table, column: r.owned_column, type: r.owned_type } : null,
    })),
    constraints: constraints.rows.map((r) => ({
      oid: Number(r.oid),
      schema: r.schema,
      table: r.table_name,
      name: r.name,
      type: r.contype === 'c' ? 'check' : r.contype === 'f' ? 'foreign key' : r.contype === 'n' ? 'not null' : 'other',
    })),
    databases: (s.databases ?? []).map((d: any) => ({ name: d.name, frozenXidAge: num(d.age) })),
    replicas: (s.replicas ?? []).map((r: any) => ({ ...r, replayLagSeconds: numOrNull(r.replayLagSeconds), replayLagBytes: numOrNull(r.replayLagBytes) })),
    slots: (s.slots ?? []).map((x: any) => ({ ...x, retainedBytes: numOrNull(x.retainedBytes) })),
    archiver: s.archiver ? { ...s.archiver, archivedCount: num(s.archiver.archivedCount), failedCount: num(s.archiver.failedCount) } : null,
    checkpoints: s.checkpoints ? { timed: num(s.checkpoints.timed), requested: num(s.checkpoints.requested) } : null,
    tempFiles: num(s.temp_files),
    statsAgeSeconds: stats.seconds,
    statsAgeFrom: stats.from,
    bloatWidthsAgeSeconds: widthsAgeSeconds,
    security,
    workload,
    ...(opts.advisedIndexes?.length ? { advisedIndexes: opts.advisedIndexes } : {}),
    ...(opts.indexAdvicePending?.length ? { indexAdvicePending: opts.indexAdvicePending } : {}),
  };
}

/** The statistics coverage of a table read with tableWidths (nothing when it was not: too small for an estimate). */
function statsCoverage(w: Width | undefined): Pick<TableFact, 'columnsWithoutStats' | 'columnsStatsHidden' | 'columnCount'> {
  return w?.columnsWithoutStats ? { columnsWithoutStats: w.columnsWithoutStats, columnsStatsHidden: w.columnsStatsHidden ?? 0, columnCount: w.columnCount ?? 0 } : {};
}

/**
 * How long the index usage statistics span, and from what: their reset time; for statistics never reset, the database's
 * creation when the role can read it, else the server's start (a lower bound: a new database's counters are not "old").
 */
async function statisticsAge(db: Pick<Session, 'query'>, s: { stats_age: unknown; stats_reset_known: boolean | null; can_stat_file: boolean | null }): Promise<{ seconds: number | null; from: HealthFacts['statsAgeFrom'] }> {
  const seconds = numOrNull(s.stats_age);
  if (seconds === null || s.stats_reset_known) return { seconds, from: seconds === null ? undefined : 'reset' };
  const row = s.can_stat_file ? (await db.query(HEALTH_SQL.databaseAge)).rows[0] : undefined;
  const created = numOrNull(row?.age);
  // Which came later, told by comparing the two times, not the two ages: the ages are read by two statements, and a
  // database created within a second of the server's start had the later-read age larger (the CLI test of a fresh server).
  return created !== null && row?.after_start === true ? { seconds: Math.min(created, seconds), from: 'database-created' } : { seconds, from: 'server-start' };
}

/** What unindexed-foreign-key's fix is decided with (HealthOptions.advisedIndexes and indexAdvicePending). */
export interface ForeignKeyAdvice {
  advisedIndexes: AdvisedIndexFact[];
  /** Tables (`schema.name`) with candidates not built in this decision (the trial budget held them back, or another PG Lens session was building on the table): decided again later. */
  indexAdvicePending: string[];
  /** Why those were not tried (`budget` waits for the budget's minute; `busy` only for the other build). */
  pendingWhy: ('budget' | 'busy')[];
}

/**
 * The index advice an unindexed foreign key's fix may name, from one decision over `statements` on `decider`: its proved
 * indexes, and the tables whose candidates were held back, so not yet decided. The one path of `pg-lens health`
 * (db/workloadAdvisedIndexes.ts: pg_stat_statements' busiest, a decider of its own) and the dashboard (the editor's decider over
 * the workspace's statements with pg_stat_statements' and the recording's, vscode/indexAdvice.ts foreignKeyAdvice): before,
 * the dashboard took the advice the editor had decided for the open files only, so a key whose statements were in a file
 * not open (reviews.product_id, src/reviews.ts) got the narrow index the CLI advised against (issue 20, person33 M2).
 */
export async function foreignKeyAdvice(decider: IndexDecider, statements: DecisionInput[], opts: { isCancelled?: () => boolean; gone?: (sql: string) => boolean } = {}): Promise<ForeignKeyAdvice> {
  const decision = await decider.decide(statements, opts);
  const pending = new Set<string>();
  const why = new Set<'budget' | 'busy'>();
  // Candidates of a statement's own advice, and other statements' indexes to prove on it, not built yet.
  for (const n of [...statements.flatMap((s) => decider.advice.get(s.sql)?.notBuiltYet ?? []), ...(decision.notBuiltYet ?? [])]) {
    pending.add(n.table);
    why.add(n.why);
  }
  return {
    advisedIndexes: advisedIndexFacts(bestProvedFigures([...decision.byStatement.values()].flatMap((d) => d.suggestions))),
    indexAdvicePending: [...pending].sort(),
    pendingWhy: [...why],
  };
}

/** Read the facts and run the checks. */
export async function runHealth(db: Database, opts: HealthOptions = {}): Promise<{ facts: HealthFacts; findings: HealthFinding[] }> {
  const facts = await collectHealthFacts(db, opts);
  // No DROP for an index a plan PG Lens made on this connection uses.
  return { facts, findings: keepPlannedIndexes(runHealthChecks(facts, opts.thresholds, opts.only), db.indexUse) };
}
