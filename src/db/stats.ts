/**
 * Live statistics for the dashboard in two round trips per refresh, sent in parallel:
 *  1. one row of JSON: connections by state, pg_stat_database counters, checkpoints, WAL,
 *     replication, non-idle sessions (pg_blocking_pids only for sessions waiting on a lock) and
 *     pg_stat_progress_*;
 *  2. pg_stat_statements(false) — counters without texts — for this database.
 * Texts come only for the statements shown, by queryid, and are cached; statements whose text
 * carries our marker (or our statements' shape) are remembered and left out from then on.
 * Table/index cache hit ratios walk every relation (40,000 on a big schema), so they are read every
 * `detailEvery` refreshes, not every time.
 */
import { ownRunsOf } from './ownRuns';
import { appFigures, appFiguresSince, type AppFigures, type OwnRuns } from '../core/cost';
import { blockingChains, computeRates, hitRatio, statementView, type CounterSample, type StatementCounters, type StatementRow, type StatementsWindow } from '../core/dashboard/live';
import { applicationText, OwnStatementMatcher } from '../core/dashboard/ownStatements';
import type { LiveStats, ProgressRow } from '../core/dashboard/types';
import type { Database } from './database';
import { APPLICATION_NAME, ownTransactionsOf } from './database';
import type { TransactionCounts } from '../core/dashboard/ownTransactions';
import { HEALTH_SQL, HEALTH_SQL_SERVER_16, QUERY_TEXT_LIMIT, sessionFromRow } from './health';
import { EXCLUDE_OWN, FOREIGN_KEY_CHECK, OWN_STATEMENT_MARKER as M, SQL } from './sql';

const SESSIONS_JSON = `(SELECT coalesce(json_agg(x), '[]') FROM (${HEALTH_SQL.sessions.slice(M.length + 1)} AND a.state IS DISTINCT FROM 'idle' AND NOT (a.pid = pg_backend_pid() OR a.application_name = $2)) x)`;

/** Names by scalar look-ups (index scans by oid): a join would hash all of pg_class even when nothing runs. */
const REL_SCHEMA = (col: string) => `(SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ${col})`;
const REL_NAME = (col: string) => `(SELECT c.relname FROM pg_class c WHERE c.oid = ${col})`;
const PROGRESS_JSON = `(SELECT coalesce(json_agg(p), '[]') FROM (
    SELECT 'vacuum' AS kind, v.pid, ${REL_SCHEMA('v.relid')} AS schema, ${REL_NAME('v.relid')} AS relation, NULL::text AS index, v.phase::text AS phase,
      v.heap_blks_scanned::float8 AS done, v.heap_blks_total::float8 AS total
      FROM pg_stat_progress_vacuum v
    UNION ALL
    SELECT 'analyze', a.pid, ${REL_SCHEMA('a.relid')}, ${REL_NAME('a.relid')}, NULL, a.phase::text, a.sample_blks_scanned::float8, a.sample_blks_total::float8
      FROM pg_stat_progress_analyze a
    UNION ALL
    SELECT 'create index', i.pid, ${REL_SCHEMA('i.relid')}, ${REL_NAME('i.relid')}, ${REL_NAME('i.index_relid')}, i.phase::text,
      CASE WHEN i.blocks_total > 0 THEN i.blocks_done ELSE i.tuples_done END::float8,
      CASE WHEN i.blocks_total > 0 THEN i.blocks_total ELSE i.tuples_total END::float8
      FROM pg_stat_progress_create_index i) p)`;

const CHECKPOINTS_17 = `(SELECT json_build_object('timed', num_timed, 'requested', num_requested) FROM pg_stat_checkpointer)`;
const CHECKPOINTS_16 = `(SELECT json_build_object('timed', checkpoints_timed, 'requested', checkpoints_req) FROM pg_stat_bgwriter)`;

/**
 * Rows read from this database's system catalogs (tup_returned + tup_fetched of the relations initdb made, oid below
 * FirstNormalObjectId, shared ones aside: pg_stat_database counts those under no database), for Rows/s to leave out
 * (core/dashboard/live computeRates). PG Lens's own reads are catalog reads nearly all (its refreshes, health checks,
 * catalog facts: 28,879 of 28,913 rows over five refreshes, 32,486 of 32,526 over a health check; person51 L-8: "Rows/s
 * 100.5 k read" on an idle demo). The oid range is read through pg_class's oid index: no walk of every relation.
 */
const CATALOG_ROWS = `(SELECT sum(pg_stat_get_tuples_returned(c.oid) + pg_stat_get_tuples_fetched(c.oid)) FROM pg_class c WHERE c.oid < 16384 AND NOT c.relisshared)`;

function liveSql(checkpoints: string, wal: boolean): string {
  return `${M} SELECT extract(epoch FROM clock_timestamp())::float8 * 1000 AS now_ms,
    current_setting('max_connections')::int AS max_connections, current_setting('superuser_reserved_connections')::int AS reserved,
    (SELECT json_object_agg(st, n) FROM (SELECT coalesce(state, 'unknown') AS st, count(*) AS n FROM pg_stat_activity
      WHERE backend_type = 'client backend' GROUP BY 1) c) AS connections,
    (SELECT json_build_object('xactCommit', xact_commit, 'xactRollback', xact_rollback, 'blksRead', blks_read, 'blksHit', blks_hit,
      'tupReturned', tup_returned, 'tupFetched', tup_fetched, 'tupInserted', tup_inserted, 'tupUpdated', tup_updated, 'tupDeleted', tup_deleted,
      'tempFiles', temp_files, 'tempBytes', temp_bytes, 'deadlocks', deadlocks, 'catalogRows', ${CATALOG_ROWS}) FROM pg_stat_database WHERE datname = current_database()) AS db,
    ${checkpoints} AS checkpoints,
    ${wal ? `(SELECT json_build_object('records', wal_records, 'fpi', wal_fpi, 'bytes', wal_bytes) FROM pg_stat_wal)` : 'NULL::json'} AS wal,
    pg_is_in_recovery() AS in_recovery,
    CASE WHEN pg_is_in_recovery() THEN extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8 END AS replay_delay,
    (SELECT coalesce(json_agg(json_build_object('name', coalesce(nullif(application_name, ''), client_addr::text, 'standby'), 'state', state,
        'lagSeconds', extract(epoch FROM replay_lag)::float8,
        'lagBytes', CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 END)), '[]') FROM pg_stat_replication) AS replicas,
    ${SESSIONS_JSON} AS sessions,
    ${PROGRESS_JSON} AS progress`;
}

/**
 * PostgreSQL 14+: the queryid of the statement this session runs (the counters' own). A statement's entry is made when
 * it is parsed, before it reads pg_stat_statements: on a panel's first refresh (or after a reset) the counters listed
 * their own new entry, which the texts read beside them had not seen, and its text was read again by id (the whole
 * query-text file once more) only to learn it was ours.
 */
const OWN_QUERY_ID = '(SELECT query_id FROM pg_stat_get_activity(pg_backend_pid()))';

/**
 * Counters of every statement of this database, no texts; PG Lens's own (queryids learned from their
 * texts, $1) left out on the server, so they are neither aggregated nor sent. With `toplevel`
 * (PostgreSQL 14+) only top-level entries count: statements nested in another (a PG Lens EXPLAIN of
 * the application's statement shares its queryid) are not calls the application made.
 * One row: the entries as one JSON array of [id, calls, total ms, rows, shared hit, shared read] (ENTRIES_JSON).
 */
function statementCounters(totalColumn: 'total_exec_time' | 'total_time', toplevel: boolean): string {
  // PostgreSQL 14+ (toplevel): when pg_stat_statements was last reset: its entries (and so the text each queryid
  // keeps) may have been made anew. Evictions are not counted here: on a busy server they happen all the time, and
  // every text read loads the whole query-text file; an evicted entry made anew shows as fewer calls instead.
  return `${M} SELECT coalesce(json_agg(json_build_array(e.id, e.calls, e.total_ms, e.rows, e.hit, e.read)), '[]') AS entries,
    ${toplevel ? '(SELECT stats_reset::text FROM pg_stat_statements_info)' : 'NULL::text'} AS epoch
    FROM (SELECT queryid::text AS id, sum(calls)::float8 AS calls, sum(${totalColumn})::float8 AS total_ms, sum(rows)::float8 AS rows,
      sum(shared_blks_hit)::float8 AS hit, sum(shared_blks_read)::float8 AS read
      FROM pg_stat_statements(false) WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND queryid IS NOT NULL
        AND queryid <> ALL ($1::bigint[])${toplevel ? `\n        AND toplevel AND queryid IS DISTINCT FROM ${OWN_QUERY_ID}` : ''}
      GROUP BY queryid) e`;
}

/**
 * Ours by the server's test (EXCLUDE_OWN) for a text cut short when read ($2 = the limit): its marker may lie past
 * the cut. Any other text comes whole and the reader tells it (isOwnStatementText says ours of every text
 * EXCLUDE_OWN leaves out); NULL here. The test's four regular expressions per entry were about half of this read's
 * server time on 6,000 entries (32-52 ms with them for every entry, 17-27 ms without; psql, EXPLAIN ANALYZE).
 */
const OWN_IF_CUT = `CASE WHEN length(query) > $2 THEN NOT ${EXCLUDE_OWN.statements} END`;

function statementTextsSql(toplevel: boolean): string {
  return `${M} SELECT DISTINCT ON (queryid) queryid::text AS id, left(query, $2) AS query, length(query) AS full_length,
      ${OWN_IF_CUT} AS own, ${FOREIGN_KEY_CHECK} AS fk_check
    FROM pg_stat_statements(true) s WHERE queryid = ANY ($1::bigint[]) AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
    ORDER BY queryid${toplevel ? ', toplevel DESC' : ''}`;
}

/**
 * The same for every entry of this database, at most $1 of them ($1 = how many, $2 = text limit): a panel's first read,
 * beside the counters. One row: the entries as one JSON array of [id, query, full_length, own, fk_check] (ENTRIES_JSON).
 */
function allStatementTextsSql(toplevel: boolean): string {
  return `${M} SELECT coalesce(json_agg(json_build_array(e.id, e.query, e.full_length, e.own, e.fk_check)), '[]') AS entries
    FROM (SELECT DISTINCT ON (queryid) queryid::text AS id, left(query, $2) AS query, length(query) AS full_length,
        ${OWN_IF_CUT} AS own, ${FOREIGN_KEY_CHECK} AS fk_check
      FROM pg_stat_statements(true) s WHERE queryid IS NOT NULL AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      ORDER BY queryid${toplevel ? ', toplevel DESC' : ''} LIMIT $1) e`;
}

export const STATS_SQL = {
  /** $1 = query text limit, $2 = our application_name. PostgreSQL 17+ (pg_stat_checkpointer). */
  live17: liveSql(CHECKPOINTS_17, true),
  /** PostgreSQL 14–16: checkpoints in pg_stat_bgwriter. */
  live14: liveSql(CHECKPOINTS_16, true),
  /** PostgreSQL 13: no pg_stat_wal. */
  live13: liveSql(CHECKPOINTS_16, false),
  /** Cache hit ratios of tables and indexes (walks every relation: read now and then). */
  cacheRatios: `${M} SELECT sum(pg_stat_get_blocks_hit(c.oid)) FILTER (WHERE c.relkind IN ('r', 'm', 't'))::float8 AS heap_hit,
    sum(pg_stat_get_blocks_fetched(c.oid) - pg_stat_get_blocks_hit(c.oid)) FILTER (WHERE c.relkind IN ('r', 'm', 't'))::float8 AS heap_read,
    sum(pg_stat_get_blocks_hit(c.oid)) FILTER (WHERE c.relkind = 'i')::float8 AS idx_hit,
    sum(pg_stat_get_blocks_fetched(c.oid) - pg_stat_get_blocks_hit(c.oid)) FILTER (WHERE c.relkind = 'i')::float8 AS idx_read
    FROM pg_class c WHERE c.relkind IN ('r', 'm', 't', 'i') AND c.relnamespace <> 'pg_catalog'::regnamespace`,
  /**
   * Counters of every statement of this database, no texts; PG Lens's own (queryids learned from their
   * texts, $1) left out on the server, so they are neither aggregated nor sent.
   */
  statements: statementCounters('total_exec_time', true),
  /** PostgreSQL 13: no toplevel column. */
  statements13: statementCounters('total_exec_time', false),
  /** Before PostgreSQL 13 the column was total_time. */
  statements12: statementCounters('total_time', false),
  /**
   * Texts of the listed queryids only. $1 = queryids, $2 = text limit. PostgreSQL 14+: the top-level
   * entry's text first — a PG Lens EXPLAIN of the application's statement is a nested entry under the
   * same queryid, and its text must not make the application's statement "ours". `own` is told for texts
   * cut at the limit only (OWN_IF_CUT), NULL for the rest.
   */
  statementTexts: statementTextsSql(true),
  statementTexts13: statementTextsSql(false),
  /** Every entry's text (at most $1 entries, $2 = text limit), read beside the counters on a panel's first read. */
  allStatementTexts: allStatementTextsSql(true),
  allStatementTexts13: allStatementTextsSql(false),
} as const;

export interface StatsReaderOptions {
  versionNum: number;
  pgStatStatements: 'ready' | 'not-installed' | 'not-loaded' | 'unavailable';
  /** Statements shown per sort key. */
  topN?: number;
  /** Read the table/index cache ratios every this many refreshes (default 30: once a minute at 2 s), from the second refresh on. */
  detailEvery?: number;
  /**
   * Read pg_stat_statements every this many refreshes (default 5: every 10 s at 2 s); the live tiles
   * (sessions, connections, rates, blocking) are read on every refresh. pg_stat_statements builds every
   * entry on each read, so it is the heaviest statement of a refresh on a busy server (issue 19).
   */
  statementsEvery?: number;
  fromReplica?: boolean;
  /** PG Lens's own transactions on this database so far (db/database.ownTransactionsOf): left out of the rates. */
  ownTransactions?: () => TransactionCounts;
}

/**
 * ENTRIES_JSON: the two statements that read every entry (the counters, and a panel's first read of texts) send one row
 * holding a JSON array of arrays, not a row per entry. node-postgres decodes rows field by field in JavaScript, and
 * JSON.parse natively: on 6,000 entries a read cost this process 31-45 ms of CPU as rows and 6-8 ms as JSON, on a
 * panel's first refresh (the code not yet compiled; measured here, one fresh process per read).
 */
type TextRow = { id: string; query: string | null; full_length: unknown; own: boolean | null; fk_check: boolean | null };

/** The entries of a counters row (statementCounters). */
function countersOf(row: { entries?: unknown[][] } | undefined): StatementCounters[] {
  return (row?.entries ?? []).map((e) => ({ id: String(e[0]), calls: Number(e[1]), totalMs: Number(e[2]), rows: Number(e[3]), sharedHit: Number(e[4]), sharedRead: Number(e[5]) }));
}

/** The entries of an allStatementTexts row, in statementTexts' row shape. */
function textRowsOf(row: { entries?: unknown[][] } | undefined): TextRow[] {
  return (row?.entries ?? []).map((e) => ({ id: String(e[0]), query: e[1] as string | null, full_length: e[2], own: e[3] as boolean | null, fk_check: e[4] as boolean | null }));
}

const TEXT_CACHE_MAX = 5000;
/**
 * Entries whose texts are read at once to tell them ours or the app's. Every read of texts loads pg_stat_statements'
 * whole query-text file and builds every entry, however few it asks for, so the batch is large: one read on a server
 * with up to 10,000 entries (pg_stat_statements.max is 5,000 by default). With 1,000, a panel's first refresh on 6,000
 * entries read the file eight times one after the other (dashboard bench: first refresh 278–527 ms, 7 reads of texts).
 */
const CLASSIFY_BATCH = 10000;
/** The refresh statements run every few seconds: planned once per session (their planning costs more than running them). */
const PREPARE = { prepare: true } as const;

function withoutReset(s: LiveStats['statements']): LiveStats['statements'] {
  if (!s.reset) return s;
  const kept = { ...s };
  delete kept.reset;
  return kept;
}

/**
 * A Top statements row's totals and deltas with PG Lens's own Benchmark runs of it taken out: their calls and rows, and
 * their measured server time (the time of runs not measured stays in, counted in `ownIncluded` and said on the total and
 * the mean, as the cost lens says it). `baselineAtMs`: when the
 * deltas' baseline was read.
 */
function withoutOwnRuns(x: Omit<StatementRow, 'query'>, query: string, own: OwnRuns, baselineAtMs: number): Pick<StatementRow, 'total' | 'delta'> | undefined {
  const all = own.get(query, x.id, { split: baselineAtMs });
  if (!all?.calls) return undefined;
  const stat = (f: StatementRow['total']) => ({ queryid: x.id, query, calls: f.calls, totalMs: f.totalMs, meanMs: f.meanMs, rows: f.rows });
  const now = appFigures(stat(x.total), all);
  if (!now) return undefined;
  const before = x.total.calls - x.delta.calls;
  const beforeRaw = before > 0 ? { ...stat(x.total), calls: before, totalMs: x.total.totalMs - x.delta.totalMs, rows: x.total.rows - x.delta.rows } : undefined;
  const since = beforeRaw ? appFiguresSince(stat(x.total), now, beforeRaw, own.get(query, x.id, { before: baselineAtMs })) : now;
  // The mean is of the calls and the runs whose time stays in (appFigures): never the total over the application's calls alone.
  const fig = (f: AppFigures, hitRatio: number | null) => {
    const n = f.ownInCalls ? f.calls : f.calls + (f.ownIncluded ?? 0);
    return { calls: f.calls, totalMs: f.totalMs, meanMs: n > 0 ? f.totalMs / n : 0, rows: f.rows, hitRatio, ...(f.ownIncluded ? { ownIncluded: f.ownIncluded } : {}), ...(f.ownInCalls ? { ownInCalls: f.ownInCalls } : {}) };
  };
  return { total: fig(now, x.total.hitRatio), delta: fig(since, x.delta.hitRatio) };
}

/** One per dashboard panel: keeps the baseline, the previous sample and the text cache. */
export class StatsReader {
  private prev: CounterSample | undefined;
  private baseline: Map<string, StatementCounters> | undefined;
  private readonly texts = new Map<string, string>();
  private readonly own = new Set<string>();
  /** Entries told the application's (not ours) by their text: with `own`, every entry counted is told one or the other. */
  private readonly app = new Set<string>();
  /**
   * PostgreSQL's own foreign-key checks and cascades (FOREIGN_KEY_CHECK): not the app's statements, left out of Top
   * statements. On PostgreSQL 14+ they are nested (not top-level) and never counted; before 14 their texts tell.
   */
  private readonly system = new Set<string>();
  /** pg_stat_statements' last reset when the texts were read (PostgreSQL 14+). */
  private epoch: string | undefined;
  /** Calls each listed statement had at the last read: fewer now means its entry was made anew. */
  private readonly lastCalls = new Map<string, number>();
  private refreshes = 0;
  private lastStatements: LiveStats['statements'] | undefined;
  private cache: LiveStats['cache'] = { tableHitRatio: null, indexHitRatio: null, databaseHitRatio: null };

  /** PG Lens's own transactions on the database read (given, or counted by the Database's sessions). */
  private readonly ownTransactions: (() => TransactionCounts) | undefined;

  constructor(private readonly db: Pick<Database, 'query'> & Partial<Pick<Database, 'profile'>>, private readonly opts: StatsReaderOptions) {
    const profile = db.profile;
    this.ownTransactions = opts.ownTransactions ?? (profile ? () => ownTransactionsOf(profile) : undefined);
  }

  /**
   * After a reset of pg_stat_statements: deltas count from the next refresh, and that refresh reads the list (not the
   * pre-reset one kept between reads: person43 L8, Top statements showed the old rows until the list's next read).
   */
  resetBaseline(why: Exclude<StatementsWindow, 'opened'> = 'restarted'): void {
    this.window = why;
    this.baseline = undefined;
    this.lastStatements = undefined;
    this.resets++;
  }
  /** When the baseline's counters were read (ms since the epoch): PG Lens's runs before it are not in the deltas. */
  private baselineAtMs = 0;
  /** Where the deltas count from: the panel's opening, a reset of pg_stat_statements, or Restart deltas. */
  private window: StatementsWindow = 'opened';
  /** resetBaseline calls, and how many of them the last list read reflects (its `reset` flag says the difference). */
  private resets = 0;
  private resetsShown = 0;

  async read(): Promise<LiveStats> {
    const started = Date.now();
    const v = this.opts.versionNum;
    const live = v >= 170000 ? STATS_SQL.live17 : v >= 140000 ? STATS_SQL.live14 : STATS_SQL.live13;
    // The first refresh shows the live figures fast; the relation walk behind the cache ratios waits for the second.
    const wantRatios = this.refreshes % (this.opts.detailEvery ?? 30) === 1;
    const wantStatements = !this.lastStatements || this.refreshes % Math.max(1, this.opts.statementsEvery ?? 5) === 0;
    // Taken before the reads: a reset (resetBaseline) while they run empties lastStatements and makes what they read stale.
    const kept = this.lastStatements;
    const resetsAtStart = this.resets;
    this.refreshes++;
    const pss = this.opts.pgStatStatements === 'ready' && wantStatements;
    // Nothing told ours or the app's yet (a panel's first read): every entry's text is read beside the counters, not
    // after them; entries it leaves out (made in between, or past CLASSIFY_BATCH) are read by id as on any refresh.
    // Beside, the refresh waits for the longer read, not both: faster cold (the two then wait on each other for
    // pg_stat_statements' lock) and warm (bench/dashboardTextsOrder.ts; figures in docs/dashboard.md).
    const tellAll = pss && this.own.size + this.app.size + this.system.size === 0;
    const [liveRes, stmtRes, ratioRes] = await Promise.all([
      this.db.query(live, [QUERY_TEXT_LIMIT, APPLICATION_NAME], PREPARE),
      pss ? this.db.query(v >= 140000 ? STATS_SQL.statements : v >= 130000 ? STATS_SQL.statements13 : STATS_SQL.statements12, [[...this.own]], PREPARE).then((r) => r, (e: Error) => e) : Promise.resolve(undefined),
      wantRatios ? this.db.query(STATS_SQL.cacheRatios, [], PREPARE) : Promise.resolve(undefined),
      // A failure here is the counters' too (same view): they say so; the entries are then read by id.
      tellAll ? this.db.query(v >= 140000 ? STATS_SQL.allStatementTexts : STATS_SQL.allStatementTexts13, [CLASSIFY_BATCH, QUERY_TEXT_LIMIT]).then((t) => this.tell(textRowsOf(t.rows[0])), () => undefined) : undefined,
    ]);
    const r = liveRes.rows[0];
    const byState: Record<string, number> = {};
    for (const [k, n] of Object.entries((r.connections ?? {}) as Record<string, unknown>)) byState[k] = Number(n);
    const dbc = Object.fromEntries(Object.entries(r.db ?? {}).map(([k, n]) => [k, Number(n)])) as unknown as CounterSample['db'];
    const sample: CounterSample = {
      atMs: Number(r.now_ms),
      db: dbc,
      walBytes: r.wal ? Number(r.wal.bytes) : null,
      checkpoints: r.checkpoints ? { timed: Number(r.checkpoints.timed), requested: Number(r.checkpoints.requested) } : null,
      own: this.ownTransactions?.(),
    };
    const rates = computeRates(this.prev, sample);
    // What the server has not counted yet of PG Lens's own is left out of the next interval (computeRates).
    this.prev = rates?.ownUnseen ? { ...sample, ownUnseen: rates.ownUnseen } : sample;
    if (ratioRes) {
      const x = ratioRes.rows[0];
      this.cache = { ...this.cache, tableHitRatio: hitRatio(Number(x.heap_hit ?? 0), Number(x.heap_read ?? 0)), indexHitRatio: hitRatio(Number(x.idx_hit ?? 0), Number(x.idx_read ?? 0)) };
    }
    this.cache = { ...this.cache, databaseHitRatio: hitRatio(dbc.blksHit, dbc.blksRead) };
    const sessions = (r.sessions as any[]).map(sessionFromRow);
    const statements = wantStatements ? await this.statements(stmtRes, resetsAtStart) : kept!;
    // A reset while this read ran: its list is from before it, so the next read reads the list again.
    // The list kept for the refreshes between reads says no reset: that was said once, by the read after it.
    this.lastStatements = this.resets === resetsAtStart ? withoutReset(statements) : undefined;
    return {
      atMs: sample.atMs,
      refreshMs: Date.now() - started,
      fromReplica: !!this.opts.fromReplica,
      connections: { byState, total: Object.values(byState).reduce((a, b) => a + b, 0), max: Number(r.max_connections), reserved: Number(r.reserved) },
      sample,
      rates,
      cache: this.cache,
      wal: r.wal ? { records: Number(r.wal.records), fpi: Number(r.wal.fpi), bytes: Number(r.wal.bytes) } : null,
      replication: {
        inRecovery: !!r.in_recovery,
        replayDelaySeconds: r.replay_delay === null ? null : Number(r.replay_delay),
        replicas: (r.replicas as any[]).map((x) => ({ name: String(x.name), state: String(x.state), lagSeconds: x.lagSeconds ?? null, lagBytes: x.lagBytes ?? null })),
      },
      sessions,
      blocking: blockingChains(sessions),
      progress: (r.progress as any[]).map((p): ProgressRow => ({ ...p, pid: Number(p.pid) })),
      statements,
    };
  }

  private async statements(res: { rows: any[] } | Error | undefined, resetsAtStart = this.resets): Promise<LiveStats['statements']> {
    // The first list read after a reset says so (person45 M1: the rows Top statements held under the pointer stayed on
    // screen 8–10 s after "Reset pg_stat_statements", under a header that said 0 statements).
    const resetByUs = this.resetsShown !== resetsAtStart;
    this.resetsShown = resetsAtStart;
    if (res === undefined) {
      const s = this.opts.pgStatStatements;
      return { state: s === 'ready' ? 'unavailable' : s, rows: [], count: 0 };
    }
    if (res instanceof Error) {
      return { state: 'error', message: res.message, rows: [], count: 0 };
    }
    const current = countersOf(res.rows[0]);
    // A baseline taken from counters read before a reset that came during the read would make every delta negative.
    const baseline = this.baseline ?? new Map(current.map((c) => [c.id, c]));
    if (!this.baseline) this.baselineAtMs = Date.now();
    if (this.resets === resetsAtStart) this.baseline = baseline;
    const resetByAnyone = this.forgetRemadeEntries(res.rows[0]?.epoch ?? undefined, current);
    const reset = resetByUs || resetByAnyone ? { reset: true as const } : {};
    // Reset by anyone (the server's reset time moved): the entries start anew, and so does the window the deltas say.
    if (resetByAnyone) this.window = 'reset';
    // Every entry told ours or the app's before it is counted: the count ("N statements … PG Lens's own left out")
    // counted PG Lens's own until their texts were read for the top list (143 → 116 → … → 83 over nine minutes).
    await this.classify(current.map((c) => c.id).filter((id) => !this.own.has(id) && !this.app.has(id) && !this.system.has(id)));
    const n = this.opts.topN ?? 20;
    const view = statementView(baseline, current, n, this.system.size ? new Set([...this.own, ...this.system]) : this.own);
    // The listed statements' texts (told already; read again when the cache was emptied).
    const missing = view.rows.map((x) => x.id).filter((id) => !this.texts.has(id));
    if (missing.length) await this.classify(missing);
    const own = this.db.profile ? ownRunsOf({ profile: this.db.profile }) : undefined;
    // PG Lens's own Benchmark runs come out of each window at their measured server time, as the cost lens takes them
    // out (core/cost appFigures): the two agree on a statement's calls and mean (person47 M1).
    const rows = view.rows.map((x) => {
      const query = this.texts.get(x.id) ?? null;
      return { ...x, query, ...(own && query ? withoutOwnRuns(x, query, own, this.baselineAtMs) : {}) };
    });
    // Past its limit the cache keeps the listed texts only: trimmed once the list has them, never in the middle of a
    // classification (emptied between batches, the list's texts were read a second time).
    if (this.texts.size > TEXT_CACHE_MAX) {
      const listed = new Set(view.rows.map((x) => x.id));
      for (const id of this.texts.keys()) if (!listed.has(id)) this.texts.delete(id);
    }
    return { state: 'ready', rows, count: view.count, since: this.window, ...reset };
  }

  /**
   * Read entries' texts (in batches, cut to QUERY_TEXT_LIMIT) and tell each ours or the app's: the server's test (marker,
   * session setup) or the shape of our own constants. The texts are kept for the list (the cache emptied when full).
   */
  private async classify(ids: readonly string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += CLASSIFY_BATCH) {
      const batch = ids.slice(i, i + CLASSIFY_BATCH);
      const t = await this.db.query(this.opts.versionNum >= 140000 ? STATS_SQL.statementTexts : STATS_SQL.statementTexts13, [batch, QUERY_TEXT_LIMIT]);
      this.tell(t.rows);
    }
  }

  /** Keep rows of statementTexts' shape: each entry's text, and ours, PostgreSQL's own or the app's. */
  private tell(rows: readonly TextRow[]): void {
    for (const row of rows) {
      const text = applicationText(row.query ?? '');
      this.texts.set(row.id, text);
      // Ours by the server's test (a text cut short: the marker past the cut), by its text (isOwnStatementText: the marker,
      // session setup, EXPLAIN…), or by shape (a variant stored without the marker).
      if (row.own === true || ownStatements.isOwn(text, Number(row.full_length) > QUERY_TEXT_LIMIT)) this.own.add(row.id);
      else if (row.fk_check === true) this.system.add(row.id);
      else this.app.add(row.id);
    }
  }

  /**
   * pg_stat_statements keeps the text of an entry's first run. After a reset (the dashboard's own Reset, or anyone's)
   * or an eviction, a queryid's entry is made anew and may carry another text: a benchmark run stored without the
   * marker before, with it now. The cached text and the own/not-own verdict are then forgotten and read again; an
   * open panel kept listing PG Lens's runs as the app's until it was reopened. True when the server's reset time moved.
   */
  private forgetRemadeEntries(epoch: string | undefined, current: readonly StatementCounters[]): boolean {
    let reset = false;
    if (epoch !== undefined && epoch !== this.epoch) {
      if (this.epoch !== undefined) {
        reset = true;
        this.texts.clear();
        this.own.clear();
        this.app.clear();
        this.system.clear();
      }
      this.epoch = epoch;
    }
    for (const c of current) {
      const before = this.lastCalls.get(c.id);
      if (before !== undefined && c.calls < before) {
        this.texts.delete(c.id);
        this.own.delete(c.id);
        this.app.delete(c.id);
        this.system.delete(c.id);
      }
    }
    this.lastCalls.clear();
    for (const c of current) this.lastCalls.set(c.id, c.calls);
    return reset;
  }
}

/**
 * Our own SQL, to recognise it in pg_stat_statements. Other modules add theirs with
 * registerOwnStatements (their named constants) when they load.
 */
export const ownStatements = new OwnStatementMatcher([...Object.values(SQL), ...Object.values(HEALTH_SQL), HEALTH_SQL_SERVER_16, ...Object.values(STATS_SQL)]);

export function registerOwnStatements(texts: Iterable<string>): void {
  ownStatements.add(texts);
}

const SIZE_SQL = {
  /** Database size and the largest tables (heap + TOAST + indexes from relpages: no relation locks). $1 = how many tables. */
  sizes: `${M} SELECT pg_database_size(current_database())::float8 AS database_bytes,
    (SELECT coalesce(json_agg(x), '[]') FROM (
      SELECT n.nspname AS schema, c.relname AS name,
        (c.relpages + coalesce(t.relpages, 0) + coalesce((SELECT sum(ic.relpages) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid), 0))::float8
          * current_setting('block_size')::float8 AS bytes
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
      WHERE c.relkind IN ('r', 'm') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
      ORDER BY bytes DESC LIMIT $1) x) AS tables`,
} as const;
ownStatements.add(Object.values(SIZE_SQL));

/** Sizes for the history: the database and its largest tables. */
export async function readSizes(db: Pick<Database, 'query'>, topTables = 30): Promise<{ databaseBytes: number; tables: { schema: string; name: string; bytes: number }[] }> {
  const r = (await db.query(SIZE_SQL.sizes, [topTables])).rows[0];
  return { databaseBytes: Number(r.database_bytes), tables: (r.tables as any[]).map((t) => ({ schema: t.schema, name: t.name, bytes: Number(t.bytes) })) };
}
