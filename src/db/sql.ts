/**
 * Every SQL text PG Lens sends of its own, as named constants with $n parameters.
 * Each starts with the marker comment so our statements can be left out of pg_stat_statements
 * views (see OWN_STATEMENT_MARKER).
 */
import { OWN_MARKER, SESSION_SETUP_PATTERN, TRANSACTION_CONTROL_KEYWORDS } from '../core/dashboard/ownStatements';

/** The marker (one definition, in core/dashboard/ownStatements). */
export const OWN_STATEMENT_MARKER = OWN_MARKER;

/**
 * The head of PG Lens's own short SELECTs — probes an application may write word for word — that gives the statement a
 * query identifier of PG Lens's own. pg_stat_statements files statements by that identifier, and PostgreSQL computes it
 * without comments (our marker), constants' values or column aliases: PG Lens's
 * `SELECT to_regclass('pg_stat_statements') IS NOT NULL AS ok` (the cost CodeLens every 30 s, the health checks) had
 * the identifier of the demo seed's `SELECT to_regclass('public.customers') IS NOT NULL AS present`, whose marker-less
 * text the entry kept, and Top statements listed PG Lens's calls as the app's (person26 LOW 1). A CTE's name is part of
 * the identifier: with this head, none of these statements shares one with a statement of the application.
 */
export const OWN_IDENTITY = 'WITH pg_lens AS (SELECT)';

/**
 * One catalog's rows as a version, in a scalar subquery: its row count and the sum of its rows' xmin. DDL inserts, updates
 * (a new xmin) or deletes (the count) catalog rows; VACUUM's and ANALYZE's in-place writes leave both alone. The xmin is
 * read through age() (an int4 per row: `xmin::text::int8` cost 3× the scan on 240,000 pg_attribute rows), taken back to
 * the xid modulo 2^32 by subtracting the age of xid 3, so the sum reads the same in every transaction; rows of the special
 * xids (bootstrap, frozen: age 2^31 - 1) are counted apart from it. `catalog`: a system catalog's name (a constant).
 */
export function catalogRowsVersion(catalog: string): string {
  return `(SELECT count(*) || '/' || mod(mod(coalesce(sum(age(xmin)), 0) - count(nullif(age(xmin), 2147483647)) * age('3'::xid), 4294967296) + 4294967296, 4294967296) FROM ${catalog})`;
}

/** A catalog query's filter to the user's schemas (`n` the pg_namespace row): not information_schema, not pg_*. */
export const USER_SCHEMA = `n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'`;

export const SQL = {
  ping: `${OWN_STATEMENT_MARKER} ${OWN_IDENTITY} SELECT 1`,
  begin: 'BEGIN',
  beginReadOnly: 'BEGIN READ ONLY',
  rollback: 'ROLLBACK',
  discardAll: `${OWN_STATEMENT_MARKER} DISCARD ALL`,
  serverInfo: `${OWN_STATEMENT_MARKER} SELECT current_setting('server_version_num') AS server_version_num, version() AS version,
    current_database() AS database, current_user AS "user", current_setting('is_superuser') AS is_superuser,
    pg_is_in_recovery() AS in_recovery`,
  extensions: `${OWN_STATEMENT_MARKER} SELECT a.name, e.extversion AS installed
    FROM pg_available_extensions a LEFT JOIN pg_extension e ON e.extname = a.name
    WHERE a.name = ANY (ARRAY['pg_stat_statements', 'hypopg', 'pg_trgm'])`,
  pgStatStatementsProbe: `${OWN_STATEMENT_MARKER} SELECT 1 FROM pg_stat_statements(false) LIMIT 1`,
  settings: `${OWN_STATEMENT_MARKER} SELECT name, setting, unit FROM pg_settings
    WHERE name = ANY (ARRAY['shared_buffers', 'work_mem', 'maintenance_work_mem', 'effective_cache_size', 'random_page_cost',
      'max_connections', 'shared_preload_libraries', 'statement_timeout', 'lock_timeout', 'default_transaction_read_only',
      'compute_query_id', 'track_io_timing', 'plan_cache_mode', 'server_encoding', 'ssl'])`,
} as const;

/**
 * How a marked text is sent. PostgreSQL 18's pg_stat_statements drops comments BEFORE a statement
 * from the text it keeps (15 kept them); comments after it are kept by both. So the leading marker
 * is blanked out (same length, so error positions do not move) and repeated on its own line at the
 * end. Database and Session apply this to every text they send.
 */
export function placeOwnMarker(text: string): string {
  if (!text.startsWith(OWN_STATEMENT_MARKER)) return text;
  const body = text.slice(OWN_STATEMENT_MARKER.length).replace(/;\s*$/, '');
  return ' '.repeat(OWN_STATEMENT_MARKER.length) + body + '\n' + OWN_STATEMENT_MARKER;
}

/**
 * PostgreSQL's own foreign-key checks, as pg_stat_statements holds them when it tracks nested statements (track =
 * all): the RI triggers' `SELECT 1 FROM ONLY "public"."features" x WHERE "name" OPERATOR(pg_catalog.=) $1 FOR KEY SHARE
 * OF x` per inserted row, and their cascades (`DELETE FROM ONLY … WHERE $1 OPERATOR(pg_catalog.=) "fk"`, `UPDATE ONLY …
 * SET …`). Not the app's statements (it never wrote them; an index on the referenced key serves them already, and the
 * referencing side's is the foreign key's own matter): person12 R6 had 5 of the 20 busiest "could not be parsed". Left
 * out of every list of the app's statements: the workload's index decision, the cost CodeLens and `pg-lens report`
 * (readStatementCosts), the dashboard's Top statements. `s` is pg_stat_statements.
 */
export const FOREIGN_KEY_CHECK = `(s.query LIKE '%OPERATOR(%.=)%' AND (s.query LIKE 'SELECT % FROM % x WHERE % FOR KEY SHARE OF x' OR s.query LIKE 'DELETE FROM ONLY %' OR s.query LIKE 'UPDATE ONLY % SET %'))`;

/**
 * WHERE-clause fragments that leave PG Lens's own work out of what it shows: statements by the
 * marker (pg_stat_statements keeps the text of a statement's first execution, with the trailing
 * marker that placeOwnMarker puts there), sessions by application_name. Use them in every
 * statistics view.
 */
export const EXCLUDE_OWN = {
  /**
   * For pg_stat_statements: `WHERE … AND ${EXCLUDE_OWN.statements}`. The marker anywhere (leading
   * on PostgreSQL ≤ 17, trailing where placeOwnMarker put it), EXPLAIN and the EXECUTE/DEALLOCATE of our
   * pglens_ prepared statements (as core/dashboard/ownStatements.isOwnStatementText; a PREPARE pglens_ text
   * is the application's entry, see applicationText), and our session setup as
   * pg_stat_statements normalises it (`SELECT set_config($1, $2, $3)`, two such calls at most; a
   * text may have been stored from a run without the marker), and bare transaction control (BEGIN
   * READ ONLY, SAVEPOINT, ROLLBACK TO around trial indexes), as isOwnStatementText leaves it out.
   */
  statements: `NOT (query LIKE '%/* pg-lens */%'
    OR query ~* '^\\s*(EXPLAIN\\M|EXECUTE\\s+pglens_|DEALLOCATE\\s+(PREPARE\\s+)?pglens_)'
    OR query ~ '${SESSION_SETUP_PATTERN}'
    OR query ~* '^\\s*(${TRANSACTION_CONTROL_KEYWORDS})\\M[^;]*$')`,
  /** For pg_stat_activity. */
  sessions: `application_name IS DISTINCT FROM 'pg-lens'`,
} as const;
