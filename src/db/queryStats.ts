/**
 * What the database saw: pg_stat_statements figures and query identifiers.
 *
 *   queryIdOf(db, sql)            the pg_stat_statements.queryid a statement will have (PG 14+)
 *   readStatements(db, opts)      figures per statement of the current database, texts only for
 *                                 the statements asked for (ids or top N), without PG Lens's own
 *   snapshotStatements(db)        all figures now (no texts: cheap), to diff against later
 *   diffSnapshots(before, after)  what ran in between (core/nplusone/observed.diffFigures)
 *   statementTexts(db, ids)       texts for some query ids (our own statements left out)
 *   readStatementCosts(db)        the costliest statements with texts and the database's total time
 *                                 (behind the cost CodeLens and `pg-lens report`; read-only)
 *
 * Used by Record Queries (observed N+1) and by the CodeLens of statement figures. Every SQL text
 * here is a named constant starting with the /* pg-lens *\/ marker.
 *
 * Query identifiers: `EXPLAIN (VERBOSE)` prints "Query Identifier", equal to
 * pg_stat_statements.queryid when query ids are computed (compute_query_id = auto with
 * pg_stat_statements loaded, or on). Statements with $n parameters are explained with
 * GENERIC_PLAN on PostgreSQL 16+, or PREPAREd and explained with EXPLAIN EXECUTE on 14–15, in a
 * read-only transaction that is rolled back (and the prepared statement deallocated). Nothing is
 * executed. The text format is read, not JSON: a 64-bit identifier does not survive JSON.parse.
 */
import { windowAppFigures, type IndexIdentity, type StatementStat } from '../core/cost';
import { ownRunsOf } from './ownRuns';
import type { Database, ServerInfo } from './database';
import { EXCLUDE_OWN, FOREIGN_KEY_CHECK, OWN_IDENTITY, OWN_STATEMENT_MARKER } from './sql';
import { constantShape, inspectSql, loadPgParser } from '../core/sql/statement';
import { diffFigures, type StatementFigures } from '../core/nplusone/observed';
import { PgLensError } from './errors';
import { explainOnSession } from './explain';
import { K } from '../core/plan/keys';
import { deleteOrUpdate } from '../core/plan/warnings';
import { errorMessage } from '../core/safeText';

export type { StatementFigures };

/** pg_stat_statements renamed total_time/mean_time to total_exec_time/mean_exec_time in PostgreSQL 13. */
type TotalColumn = 'total_exec_time' | 'total_time';

/**
 * `topLevel` (PostgreSQL 14+): only statements the clients sent. With pg_stat_statements.track =
 * all, the statement PG Lens EXPLAINs is also counted — nested, under the application's queryid —
 * so a hover during a recording would look like one more round trip of the application's.
 */
function figuresSql(total: TotalColumn, topLevel = false): string {
  return `${OWN_STATEMENT_MARKER} SELECT s.queryid::text AS queryid, sum(s.calls)::float8 AS calls, sum(s.rows)::float8 AS rows,
      sum(s.${total})::float8 AS total_exec_time
    FROM pg_stat_statements(false) s
    WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND s.queryid IS NOT NULL${topLevel ? ' AND s.toplevel' : ''}
    GROUP BY s.queryid`;
}

function costSql(total: TotalColumn, mean: 'mean_exec_time' | 'mean_time', resetAge = false): string {
  return `${OWN_STATEMENT_MARKER} SELECT s.queryid::text AS queryid, s.query, s.calls::float8 AS calls,
      s.${total} AS total_ms, s.${mean} AS mean_ms, s.rows::float8 AS rows,
      sum(s.${total}) OVER () AS all_ms, count(*) OVER () AS all_statements,
      ${resetAge ? '(SELECT extract(epoch FROM now() - stats_reset)::float8 FROM pg_stat_statements_info)' : 'NULL::float8'} AS reset_age
    FROM pg_stat_statements(true) s
    WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND s.queryid IS NOT NULL AND ${EXCLUDE_OWN.statements}
      AND s.query !~* '^\\s*(BEGIN|COMMIT|ROLLBACK|SET|SHOW|DISCARD|DEALLOCATE)\\M'
      AND NOT ${FOREIGN_KEY_CHECK}
    ORDER BY s.${total} DESC
    LIMIT $1`;
}

const QUERY_STATS_SQL = {
  /** Figures of every statement of the current database; texts are not read (showtext = false). */
  figures: figuresSql('total_exec_time'),
  /** Same, for PostgreSQL 12 and older (total_time). */
  figuresPre13: figuresSql('total_time'),
  /** PostgreSQL 14+: top-level statements only (round trips; PG Lens's EXPLAIN-nested entries left out). */
  figuresTopLevel: figuresSql('total_exec_time', true),
  /** Texts of the given query ids; ours (marker) left out. */
  texts: `${OWN_STATEMENT_MARKER} SELECT DISTINCT ON (s.queryid) s.queryid::text AS queryid, s.query
    FROM pg_stat_statements(true) s
    WHERE s.queryid = ANY ($1::bigint[]) AND s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND ${EXCLUDE_OWN.statements}
    ORDER BY s.queryid`,
  /** Our own statements among the given ids (their texts start with the marker). */
  ownIds: `${OWN_STATEMENT_MARKER} SELECT DISTINCT s.queryid::text AS queryid
    FROM pg_stat_statements(true) s
    WHERE s.queryid = ANY ($1::bigint[]) AND NOT ${EXCLUDE_OWN.statements}`,
  computeQueryId: `${OWN_STATEMENT_MARKER} ${OWN_IDENTITY} SELECT current_setting('compute_query_id', true) AS setting`,
  /** Calls, time and rows of one query id as the clients sent it (top level: not PG Lens's EXPLAIN ANALYZE of it), PostgreSQL 14+. */
  callsOf: `${OWN_STATEMENT_MARKER} SELECT coalesce(sum(s.calls), 0)::float8 AS calls, coalesce(sum(s.total_exec_time), 0)::float8 AS total_ms,
      coalesce(sum(s.rows), 0)::float8 AS rows
    FROM pg_stat_statements(false) s
    WHERE s.queryid = $1::bigint AND s.toplevel AND s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  /**
   * One entry's calls and time on the server as this role sent it at top level, PostgreSQL 14+: read before and after a
   * Benchmark, the difference is what its runs cost on the server (db/benchmark).
   */
  entryOf: `${OWN_STATEMENT_MARKER} SELECT coalesce(sum(s.calls), 0)::float8 AS calls, coalesce(sum(s.total_exec_time), 0)::float8 AS total_ms
    FROM pg_stat_statements(false) s
    WHERE s.queryid = $1::bigint AND s.toplevel AND s.userid = (SELECT r.oid FROM pg_roles r WHERE r.rolname = current_user)
      AND s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
} as const;

/**
 * The calls and time on the server (ms) of the entry `queryId` holds for this role at top level; undefined when the server
 * cannot tell (no pg_stat_statements, PostgreSQL < 14, no query id).
 */
export async function entryFigures(db: Database, queryId: string | undefined): Promise<{ calls: number; totalMs: number } | undefined> {
  const r = await entryRow(db, QUERY_STATS_SQL.entryOf, queryId);
  return r && { calls: Number(r.calls ?? 0), totalMs: Number(r.total_ms ?? 0) };
}

/**
 * The one row `sql` reads for the pg_stat_statements entry `queryId` (its $1), PostgreSQL 14+ (top-level entries); `{}`
 * when the server has none, undefined when it cannot tell (no pg_stat_statements, an older server, no query id, a failed
 * read). statementCalls and entryFigures read through it.
 */
async function entryRow(db: Database, sql: string, queryId: string | undefined): Promise<Record<string, unknown> | undefined> {
  if (!queryId || !/^-?\d+$/.test(queryId)) return undefined;
  const info = await db.serverInfo();
  if (info.pgStatStatements !== 'ready' || info.versionNum < 140000) return undefined;
  try {
    return (await db.query(sql, [queryId])).rows[0] ?? {};
  } catch {
    return undefined;
  }
}


/**
 * How many times the clients ran the statement of this query id (pg_stat_statements, top level: PG Lens's own EXPLAIN
 * ANALYZE of it does not count), 0 when it holds no entry; undefined when the server cannot tell (no pg_stat_statements,
 * PostgreSQL < 14, no query id). Plan tips weigh a DELETE or UPDATE that has not recurred (person38 L8).
 */
export async function statementCalls(db: Database, queryId: string | undefined): Promise<number | undefined> {
  return (await statementTotals(db, queryId))?.calls;
}

/**
 * The same entry's calls, time on the server (ms) and rows, every role's (statementCalls reads through it): the workload advice
 * says them for a statement of the code outside pg_stat_statements' busiest weighed (person51 L-9).
 */
export async function statementTotals(db: Database, queryId: string | undefined): Promise<{ calls: number; totalMs: number; rows: number } | undefined> {
  const r = await entryRow(db, QUERY_STATS_SQL.callsOf, queryId);
  return r && { calls: Number(r.calls ?? 0), totalMs: Number(r.total_ms ?? 0), rows: Number(r.rows ?? 0) };
}


/**
 * A DELETE's or UPDATE's calls in pg_stat_statements (its plan's query identifier, else looked up by its text), for the
 * tips' judgement whether an index is worth it (core/plan notWorthIndex): the hover's, the plan viewer's and
 * `pg-lens explain`'s alike (person43 M1). Undefined for a read, or when the server cannot tell (`log` says why).
 */
export async function writeStatementCalls(db: Database, json: Record<string, unknown>, sql: string, log: (m: string) => void = () => undefined): Promise<number | undefined> {
  if (!deleteOrUpdate(json)) return undefined;
  try {
    const top = (json[K.Plan] && typeof json[K.Plan] === 'object' ? json[K.Plan] : json) as Record<string, unknown>;
    const known = json[K.QueryIdentifier] ?? top[K.QueryIdentifier];
    const id = known !== undefined && known !== null && known !== '' ? String(known) : await queryIdOf(db, sql);
    return await statementCalls(db, id);
  } catch (e) {
    log(`The statement's calls in pg_stat_statements were not read: ${errorMessage(e)}`);
    return undefined;
  }
}

export interface Snapshot {
  at: Date;
  /** Figures per query id (texts not included). */
  figures: Map<string, StatementFigures>;
}

export interface ReadStatementsOptions {
  /** Only these query ids (decimal strings). */
  ids?: string[];
  /** Otherwise: the N statements with the most calls (default 50). */
  top?: number;
  /** Also read the texts (default true). */
  texts?: boolean;
}

/** pg_stat_statements cannot be read: say why, in one line. */
export class StatsUnavailableError extends PgLensError {}

async function assertStats(db: Database): Promise<number> {
  const info = await db.serverInfo();
  if (info.pgStatStatements === 'ready') return info.versionNum;
  const why = info.pgStatStatements === 'not-installed'
    ? 'the pg_stat_statements extension is available but not created in this database (CREATE EXTENSION pg_stat_statements)'
    : info.pgStatStatements === 'not-loaded'
      ? 'pg_stat_statements is not in shared_preload_libraries (add it and restart the server)'
      : 'pg_stat_statements is not installed on this server';
  throw new StatsUnavailableError(`Query statistics are unavailable: ${why}.`, 'PGLENS_NO_PGSS');
}

/** Figures of all statements of the current database now (cheap: no texts). */
export async function snapshotStatements(db: Database): Promise<Snapshot> {
  const version = await assertStats(db);
  const { rows } = await db.query(version >= 140000 ? QUERY_STATS_SQL.figuresTopLevel : version >= 130000 ? QUERY_STATS_SQL.figures : QUERY_STATS_SQL.figuresPre13);
  const figures = new Map<string, StatementFigures>();
  for (const r of rows) figures.set(r.queryid, { queryid: r.queryid, calls: Number(r.calls), rows: Number(r.rows), totalExecTimeMs: Number(r.total_exec_time) });
  return { at: new Date(), figures };
}

/** What ran between two snapshots, most calls first, with texts, without our own statements. */
export async function diffSnapshots(db: Database, before: Snapshot, after: Snapshot, opts: { top?: number } = {}): Promise<StatementFigures[]> {
  const delta = diffFigures(before.figures, after.figures).slice(0, opts.top ?? 200);
  return windowAppFigures(await withTexts(db, delta), ownRunsOf(db), before.at.getTime(), after.at.getTime());
}

/** Statement figures (totals since the last reset), texts only for the ids asked for or the top N. */
export async function readStatements(db: Database, opts: ReadStatementsOptions = {}): Promise<StatementFigures[]> {
  const snap = await snapshotStatements(db);
  let list = [...snap.figures.values()];
  if (opts.ids) {
    const want = new Set(opts.ids);
    list = list.filter((s) => want.has(s.queryid));
  } else {
    list.sort((a, b) => b.calls - a.calls);
    // Read a few more than asked: our own statements are dropped once their texts are known.
    list = list.slice(0, (opts.top ?? 50) + 20);
  }
  const out = opts.texts === false ? await dropOwn(db, list) : await withTexts(db, list);
  return opts.ids ? out : out.slice(0, opts.top ?? 50);
}

/** Texts for the given query ids (ours left out). */
async function statementTexts(db: Database, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!ids.length) return out;
  const { rows } = await db.query(QUERY_STATS_SQL.texts, [ids]);
  for (const r of rows) out.set(r.queryid, r.query);
  return out;
}

async function withTexts(db: Database, list: StatementFigures[]): Promise<StatementFigures[]> {
  const texts = await statementTexts(db, list.map((s) => s.queryid));
  // Statements without a text here are ours (marker) or were evicted: keep only those with a text.
  return list.filter((s) => texts.has(s.queryid)).map((s) => ({ ...s, query: texts.get(s.queryid) }));
}

async function dropOwn(db: Database, list: StatementFigures[]): Promise<StatementFigures[]> {
  if (!list.length) return list;
  const { rows } = await db.query(QUERY_STATS_SQL.ownIds, [list.map((s) => s.queryid)]);
  const own = new Set(rows.map((r) => r.queryid as string));
  return list.filter((s) => !own.has(s.queryid));
}

const COST_SQL = {
  /**
   * PostgreSQL 13+: total_exec_time / mean_exec_time. Our own statements (marker) and transaction
   * control are left out; the window sums run before LIMIT, so they cover every statement.
   */
  statements13: costSql('total_exec_time', 'mean_exec_time'),
  /** PostgreSQL 14+: the same, with the seconds since pg_stat_statements was reset (pg_stat_statements_info). */
  statements14: costSql('total_exec_time', 'mean_exec_time', true),
  /**
   * The valid indexes of the database's own tables (not temporary, not the system's), by oid: a change between two
   * readings (CREATE INDEX, DROP INDEX) is where a statement's figures start to mean something else.
   */
  indexes: `${OWN_STATEMENT_MARKER} SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, t.relname AS table_name
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_class t ON t.oid = i.indrelid
    WHERE i.indisvalid AND c.relpersistence <> 't' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    ORDER BY c.oid`,
  /** PostgreSQL 12 and older: total_time / mean_time. */
  statements12: costSql('total_time', 'mean_time'),
} as const;

export interface StatementCosts {
  stats: StatementStat[];
  /** Total execution time of every statement of this database (not only the ones returned). */
  totalMs: number;
  statements: number;
  /** Seconds since pg_stat_statements was last reset (PostgreSQL 14+): the period the figures cover. */
  resetAgeSeconds?: number;
}

/** The costliest statements of the current database (default 2000), and the database's total time. */
export async function readStatementCosts(db: Database, opts: { limit?: number; versionNum?: number } = {}): Promise<StatementCosts> {
  const v = opts.versionNum ?? (await db.serverInfo()).versionNum;
  const { rows } = await db.query(v >= 140000 ? COST_SQL.statements14 : v >= 130000 ? COST_SQL.statements13 : COST_SQL.statements12, [opts.limit ?? 2000]);
  const age = rows.length && rows[0].reset_age !== null ? Number(rows[0].reset_age) : NaN;
  return {
    stats: rows.map((r) => ({ queryid: r.queryid, query: r.query, calls: Number(r.calls), totalMs: Number(r.total_ms), meanMs: Number(r.mean_ms), rows: Number(r.rows) })),
    totalMs: rows.length ? Number(rows[0].all_ms) : 0,
    statements: rows.length ? Number(rows[0].all_statements) : 0,
    ...(Number.isFinite(age) && age >= 0 ? { resetAgeSeconds: age } : {}),
  };
}

/** The valid indexes of the database's own tables (oid → schema-qualified index and table names), for CostBaselines. */
export async function readIndexNames(db: Pick<Database, 'query'>): Promise<Map<string, IndexIdentity>> {
  const { rows } = await db.query(COST_SQL.indexes);
  return new Map(rows.map((r) => [r.oid as string, { name: `${r.schema as string}.${r.name as string}`, table: `${r.schema as string}.${r.table_name as string}` }]));
}

/**
 * The pg_stat_statements.queryid this statement will have, or undefined when the server cannot
 * tell (PostgreSQL < 14, compute_query_id off, a statement EXPLAIN cannot take). Throws a
 * one-line PgLensError for a text holding more than one statement or a syntax error.
 */
export async function queryIdOf(
  db: Database,
  sql: string,
  opts: {
    info?: ServerInfo;
    /** Use PREPARE + EXPLAIN EXECUTE (the 14–15 path) on 16+ too. */
    forcePrepare?: boolean;
    /** Plain reads only (the cost CodeLens): undefined for writes and SELECT … FOR UPDATE. */
    readsOnly?: boolean;
  } = {},
): Promise<string | undefined> {
  const info = opts.info ?? (await db.serverInfo());
  if (info.versionNum < 140000) return undefined;
  const setting = (await db.query(QUERY_STATS_SQL.computeQueryId)).rows[0]?.setting as string | undefined;
  if (setting === 'off') return undefined;
  await loadPgParser();
  const parsed = inspectSql(sql);
  if (!parsed.ok) throw new PgLensError(`The statement does not parse: ${parsed.message}`, 'PGLENS_SYNTAX');
  if (parsed.statements.length !== 1) throw new PgLensError(`Expected one statement, found ${parsed.statements.length}.`, 'PGLENS_MULTI');
  if (parsed.statements[0].cls === 'other') return undefined; // DDL/utility: EXPLAIN cannot take it
  if (opts.readsOnly && parsed.statements[0].cls !== 'read') return undefined;
  // The one EXPLAIN runner (plan guard first), VERBOSE: the plan's top level carries the Query Identifier.
  return db.rolledBack(async (s) => {
    const { json } = await explainOnSession(s, sql, { versionNum: opts.forcePrepare ? Math.min(info.versionNum, 159999) : info.versionNum, verbose: true });
    const id = json[K.QueryIdentifier];
    return id === undefined || id === null ? undefined : String(id);
  }, { readOnly: true });
}

/**
 * Query identifiers of a connection's statements, read once per shape (core constantShape): pg_stat_statements gives
 * statements that differ only by constants one identifier, so one EXPLAIN (VERBOSE) answers for all of them (issue 20,
 * person32 H1: the cost CodeLens read a generated file's 3,000 such statements one by one, again after each 30 s reading).
 * Plain reads only (queryIdOf readsOnly) unless `writes` (Record Queries matches a recording's writes too); undefined
 * where the server gives none or the statement fails.
 */
export class QueryIdsByShape {
  private readonly bySql = new Map<string, Promise<string | undefined>>();
  private readonly byShape = new Map<string, Promise<string | undefined>>();
  /** EXPLAINs asked for (for tests and the log). */
  asked = 0;

  constructor(private readonly db: Database, private readonly info?: ServerInfo, private readonly opts: { writes?: boolean } = {}) {}

  async of(sql: string): Promise<string | undefined> {
    const known = this.bySql.get(sql);
    if (known) return known;
    await loadPgParser();
    const shape = constantShape(sql);
    let id = shape === undefined ? undefined : this.byShape.get(shape);
    if (!id) {
      this.asked++;
      id = queryIdOf(this.db, sql, { info: this.info, readsOnly: !this.opts.writes }).catch(() => undefined);
      if (shape !== undefined) this.byShape.set(shape, id);
    }
    this.bySql.set(sql, id);
    return id;
  }
}
