/**
 * A cheap "schema and statistics version" of a database, for the plan cache: when it changes,
 * cached plans may be wrong.
 *
 *  - DDL writes catalog rows: CREATE/ALTER/DROP of tables and indexes insert, update (new xmin)
 *    or delete pg_class rows; constraints live in pg_constraint, extended statistics in
 *    pg_statistic_ext. count(*) + sum(xmin) over them changes on each (a deleted row lowers the
 *    count; an updated row gets a new xmin): catalogRowsVersion.
 *  - ANALYZE (and VACUUM) update pg_class.reltuples/relpages IN PLACE, which leaves xmin alone, so
 *    statistics changes are read from the cumulative statistics: analyze and vacuum counts per
 *    table (pg_stat_user_tables), which ANALYZE bumps as it finishes.
 * One round trip; on a database with 10,000 relations it reads about as many catalog rows.
 */
import type { Database, Lane } from './database';
import { catalogRowsVersion, OWN_STATEMENT_MARKER } from './sql';

const SCHEMA_VERSION_SQL = `${OWN_STATEMENT_MARKER} SELECT
  ${catalogRowsVersion('pg_class')} AS rel,
  ${catalogRowsVersion('pg_constraint')} AS con,
  ${catalogRowsVersion('pg_statistic_ext')} AS ext,
  (SELECT coalesce(sum(analyze_count + autoanalyze_count + vacuum_count + autovacuum_count), 0)::text FROM pg_stat_user_tables) AS stats,
  current_setting('search_path') AS search_path`;

export interface SchemaVersion {
  /** Changes on DDL (tables, indexes, constraints, extended statistics). */
  schema: string;
  /** Changes on ANALYZE / VACUUM (manual or automatic). */
  stats: string;
  /** schema + stats in one key. */
  key: string;
}

/** `lane`: the sessions it waits for (database Lane; a hover's first plan probes on the interactive one). */
export async function schemaVersion(db: Database, lane?: Lane): Promise<SchemaVersion> {
  const r = (await db.query(SCHEMA_VERSION_SQL, [], { lane })).rows[0];
  const schema = `${r.rel}/${r.con}/${r.ext}/${r.search_path}`;
  const stats = String(r.stats);
  return { schema, stats, key: `${schema}#${stats}` };
}

/**
 * schemaVersion read at most once, when first asked: one reading shared by the lookups of one decision (IndexDecider
 * oneOffWrite's query ids) rather than one per statement.
 */
export function schemaVersionOnce(db: Database): () => Promise<SchemaVersion> {
  let read: Promise<SchemaVersion> | undefined;
  return () => (read ??= schemaVersion(db));
}
