/**
 * The only place that creates connections. Every session PG Lens opens:
 *  - says application_name = 'pg-lens' (so our own sessions are left out of what we show);
 *  - has a server-side statement_timeout and lock_timeout (startup parameters, so they hold
 *    for every statement, including the first);
 *  - on a production profile, default_transaction_read_only = on, so the server itself refuses writes.
 * Errors on idle and checked-out clients are caught; a lost server never crashes the host, and
 * the next query gets a fresh connection.
 */
import { oncePerProcess } from '../core/oncePerProcess';
import * as pg from 'pg';
import type { ConnectionProfile } from '../core/connection/profile';
import { describeProfile, isReadOnly } from '../core/connection/profile';
import type { Login, LoginAttempt } from '../core/connection/addConnection';
import { wantsPassword } from '../core/connection/detect';
import { errorMessage } from '../core/safeText';
import { describeError, PgLensError, ReadOnlyProfileError } from './errors';
import { OWN_STATEMENT_MARKER, placeOwnMarker, SQL } from './sql';
import { inspectSql, loadPgParser, scanSql } from '../core/sql/statement';
import { LIMITS } from '../core/limits';
import { IndexUseLedger } from '../core/plan/indexUse';
import { readRegularFileSync } from '../node/readFile';
import { SessionTransactions, type TransactionCounts } from '../core/dashboard/ownTransactions';
import { refuseShadowedBuiltins } from './shadowGuard';

export const APPLICATION_NAME = 'pg-lens';

export interface DatabaseOptions {
  profile: ConnectionProfile;
  password?: string;
  /** Server-side statement_timeout for our sessions (ms). */
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  /** How long a new connection may take (DEFAULT_CONNECT_TIMEOUT_MS when not given). */
  connectTimeoutMs?: number;
  /** How the user raises the connect timeout here (the CLI's flag, the editor's setting): said when it runs out. */
  connectTimeoutHint?: string;
  /** Pool size; the extension keeps this small. */
  max?: number;
  /** Connect to the profile's read replica instead of the primary. */
  useReplica?: boolean;
  /**
   * Called once per outage (already described as one line): an idle connection lost its server, or a statement could not
   * reach the server it reached before.
   */
  onConnectionError?: (message: string) => void;
  /** Called when a statement reaches the server again after an outage onConnectionError reported. */
  onReconnected?: () => void;
}

export interface ServerInfo {
  /** e.g. 180004 */
  versionNum: number;
  version: string;
  database: string;
  user: string;
  isSuperuser: boolean;
  inRecovery: boolean;
  pgStatStatements: 'ready' | 'not-installed' | 'not-loaded' | 'unavailable';
  hypopg: 'ready' | 'available' | 'unavailable';
  pgTrgm: 'ready' | 'available' | 'unavailable';
  settings: Record<string, string>;
}

export type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * Which sessions a statement waits for. 'interactive': what a person is waiting on right now (a hover's plan) — a session
 * of its own beside the pool the background work fills (index decisions and their trial builds, the cost lens, planning
 * the visible statements ahead), so it never queues behind them (person42 L6: after a window reload the hovers waited
 * behind every tab's index decisions). Undefined: the shared pool.
 */
export type Lane = 'interactive';

export class Database {
  private pool: pg.Pool;
  /** The interactive lane's one session (Lane), opened when first asked for. */
  private interactive: pg.Pool | undefined;
  private closed = false;
  /** The last statement reached the server (so a connection loss now is a dropped session, not a server that is down). */
  private reachable = false;
  private lossReported = false;
  readonly readOnly: boolean;
  /** The indexes the plans made on this connection use (explain and explainAnalyze note each plan): never offered for DROP. */
  readonly indexUse = new IndexUseLedger();

  constructor(readonly options: DatabaseOptions) {
    const p = options.profile;
    this.readOnly = isReadOnly(p);
    this.pool = this.newPool(clientConfig(options));
  }

  private newPool(config: pg.PoolConfig): pg.Pool {
    const pool = new pg.Pool(config);
    // An idle client lost its server (restart, pg_terminate_backend, network): the pool drops it.
    // Every client reports the same outage (and pg reports it on the client and on the pool), so the
    // user hears about it once, until a statement succeeds again.
    const report = (err: Error) => this.reportLoss(err);
    pool.on('error', report);
    const own = ownCountsFor(this.options.profile);
    pool.on('connect', (client) => {
      client.on('error', report);
      countTransactions(client, own);
    });
    return pool;
  }

  /** The pool a lane's statements are sent through (Lane). */
  private poolOf(lane: Lane | undefined): pg.Pool {
    if (lane !== 'interactive') return this.pool;
    this.interactive ??= this.newPool({ ...clientConfig(this.options), max: 1 });
    return this.interactive;
  }

  get profile(): ConnectionProfile {
    return this.options.profile;
  }

  /** The server went away: said once per outage, until a statement succeeds again. */
  private reportLoss(err: unknown): void {
    if (this.lossReported || this.closed) return;
    this.lossReported = true;
    this.options.onConnectionError?.(describeError(err, this.options.profile));
  }

  /**
   * Run one of our own named statements (or EXPLAIN of user SQL built by the explain runner).
   * `prepare`: keep it as a prepared statement on each pooled session, so a statement sent every
   * refresh is planned once per session instead of every time (only for our own constants).
   */
  async query<R extends pg.QueryResultRow = any>(text: string, params: unknown[] = [], opts: { prepare?: boolean; lane?: Lane } = {}): Promise<pg.QueryResult<R>> {
    this.ensureOpen();
    const sent = placeOwnMarker(text);
    const pool = this.poolOf(opts.lane);
    const send = async () => {
      const r = await this.checkedQuery<R>(pool, opts.prepare ? { name: preparedName(text), text: sent, values: params as any[] } : { text: sent, values: params as any[] });
      this.reachable = true;
      if (this.lossReported) {
        this.lossReported = false;
        this.options.onReconnected?.();
      }
      return r;
    };
    try {
      return await send();
    } catch (e) {
      // A pooled session that died while idle (server restart, pg_terminate_backend) fails the next
      // statement sent on it. Our own reads are safe to send again once, on a fresh session — but
      // only when the server was reachable before: a failure to connect at all is not retried (it
      // would only double the wait on a server that is down or silent).
      const wasReachable = this.reachable;
      this.reachable = false;
      if (wasReachable && isConnectionLoss(e) && !isConnectTimeout(e) && isOwnRead(text)) {
        try {
          return await send();
        } catch (e2) {
          // Reached before, not now: an outage no idle session saw (none was idle), said as one.
          if (isConnectionLoss(e2) || isConnectTimeout(e2)) this.reportLoss(e2);
          throw this.wrap(e2);
        }
      }
      if (wasReachable && (isConnectionLoss(e) || isConnectTimeout(e))) this.reportLoss(e);
      throw this.wrap(e);
    }
  }

  /**
   * One statement on one pooled session, sent right after the look-alike check on that same session (shadowGuard): a
   * function or operator planted since the last statement is refused before it can run. As pg.Pool's query does, a
   * session whose statement failed is closed rather than reused (the refusal is ours: that session goes back).
   */
  private async checkedQuery<R extends pg.QueryResultRow>(pool: pg.Pool, config: pg.QueryConfig): Promise<pg.QueryResult<R>> {
    const client = await pool.connect();
    let failed: Error | undefined;
    try {
      await refuseShadowedBuiltins(client);
      return await client.query<R>(config);
    } catch (e) {
      if (!(e instanceof PgLensError)) failed = e instanceof Error ? e : new Error(String(e));
      throw e;
    } finally {
      client.release(failed);
    }
  }

  /**
   * A dedicated session for a sequence of statements (transactions, HypoPG, CONCURRENTLY).
   * `fresh`: the connection is closed afterwards instead of going back to the pool, so nothing
   * session-level that user code left behind (advisory locks, dblink connections, settings,
   * prepared statements, temporary tables) survives into a later statement.
   */
  async withSession<T>(fn: (session: Session) => Promise<T>, opts: { fresh?: boolean; lane?: Lane } = {}): Promise<T> {
    this.ensureOpen();
    let client: pg.PoolClient;
    try {
      client = await this.poolOf(opts.lane).connect();
    } catch (e) {
      throw this.wrap(e);
    }
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken = err;
    };
    client.on('error', onError);
    try {
      // Checked as it is taken (shadowGuard): what the session then sends runs on the catalog as it was checked here.
      await refuseShadowedBuiltins(client);
      return await fn(new Session(client, this));
    } catch (e) {
      throw this.wrap(e);
    } finally {
      if (opts.fresh && !broken) {
        // Release session-level state now (advisory locks, settings, prepared statements, temporary
        // tables), not when the server notices the closed socket; then the connection is closed.
        // Sent as every text of ours is (placeOwnMarker): a raw client.query kept the leading marker, which
        // PostgreSQL 18 drops, so pg_stat_statements stored a bare "DISCARD ALL" as the application's.
        await client.query(placeOwnMarker(SQL.discardAll)).catch(() => undefined);
      }
      client.removeListener('error', onError);
      client.release(broken ?? (opts.fresh ? true : undefined));
    }
  }

  /**
   * Run fn inside BEGIN … ROLLBACK on one session: whatever fn does is undone, whether it
   * succeeds, throws, times out or is cancelled.
   */
  async rolledBack<T>(fn: (session: Session) => Promise<T>, opts: { readOnly?: boolean } = {}): Promise<T> {
    return this.withSession(async (s) => {
      await s.query(opts.readOnly ? SQL.beginReadOnly : SQL.begin);
      try {
        return await fn(s);
      } finally {
        try {
          await s.query(SQL.rollback);
        } catch {
          // The session is broken (server gone): the server rolls back on disconnect.
          s.markBroken();
        }
      }
    });
  }

  /** Refuse an action on a read-only profile before anything is sent. */
  assertWritable(action: string): void {
    if (this.readOnly) throw new ReadOnlyProfileError(action, this.profile.name);
  }

  async serverInfo(): Promise<ServerInfo> {
    const { rows } = await this.query(SQL.serverInfo);
    const r = rows[0];
    const ext = (await this.query(SQL.extensions)).rows as { name: string; installed: string | null }[];
    const state = (name: string): 'ready' | 'available' | 'unavailable' => {
      const e = ext.find((x) => x.name === name);
      return !e ? 'unavailable' : e.installed ? 'ready' : 'available';
    };
    let pss: ServerInfo['pgStatStatements'] = 'unavailable';
    const pssExt = state('pg_stat_statements');
    if (pssExt === 'available') pss = 'not-installed';
    if (pssExt === 'ready') {
      try {
        await this.query(SQL.pgStatStatementsProbe);
        pss = 'ready';
      } catch {
        pss = 'not-loaded';
      }
    }
    const settings: Record<string, string> = {};
    for (const s of (await this.query(SQL.settings)).rows) settings[s.name] = s.setting + (s.unit ? ` ${s.unit}` : '');
    return {
      versionNum: Number(r.server_version_num),
      version: r.version,
      database: r.database,
      user: r.user,
      isSuperuser: r.is_superuser === 'on',
      inRecovery: r.in_recovery,
      pgStatStatements: pss,
      hypopg: state('hypopg'),
      pgTrgm: state('pg_trgm'),
      settings,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.pool.end().catch(() => undefined), this.interactive?.end().catch(() => undefined)]);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private ensureOpen(): void {
    if (this.closed) throw new PgLensError('Not connected (the connection was closed).', 'CLOSED');
  }

  /** Keep the server's code and details (for callers that branch on them) but a clean message. */
  wrap(e: unknown): PgLensError {
    if (e instanceof PgLensError) return e;
    const err = e as any;
    const w = new PgLensError(describeError(e, this.profile), err?.code, e);
    (w as any).position = err?.position;
    (w as any).detail = err?.detail;
    (w as any).hint = err?.hint;
    return w;
  }
}

/** One checked-out session. Statements are sent over the extended protocol when params are given. */
export class Session {
  private broken = false;
  /** User statements that passed the safety gate on this session (planGuard.guardPlanning). */
  private readonly guarded = new Set<string>();
  constructor(private readonly client: pg.PoolClient, private readonly db: Database) {}

  /** Called by planGuard.guardPlanning only. */
  markGuarded(sql: string): void {
    this.guarded.add(sql.trim().replace(/;\s*$/, ''));
  }

  /** Whether this statement passed the gate on this session. */
  isGuarded(sql: string): boolean {
    return this.guarded.has(sql.trim().replace(/;\s*$/, ''));
  }

  /**
   * The backstop: an EXPLAIN or PREPARE (which plans) of a statement that did not pass the gate on
   * this session is never sent, whichever runner built it.
   */
  private assertGuarded(text: string): void {
    if (!PLANS_USER_SQL.test(text)) return;
    for (const g of this.guarded) if (g && text.includes(g)) return;
    throw new PgLensError('Refused: a statement was about to be planned without the safety check (planGuard.guardPlanning).', 'UNGUARDED');
  }

  /** What every method of this session sends goes out here: with our marker placed, errors wrapped. */
  private async send<R extends pg.QueryResultRow>(config: pg.QueryConfig & { text: string; queryMode?: 'extended'; types?: unknown }): Promise<pg.QueryResult<R>> {
    try {
      return await this.client.query<R>({ ...config, text: placeOwnMarker(config.text) } as pg.QueryConfig);
    } catch (e) {
      throw this.db.wrap(e);
    }
  }

  async query<R extends pg.QueryResultRow = any>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
    this.assertGuarded(text);
    return this.send<R>({ text, values: params });
  }

  /**
   * Send exactly one statement over the extended protocol (Parse/Bind/Execute), so the server
   * itself refuses a string holding more than one statement. pg only uses the extended protocol
   * by itself when values are given (an EMPTY array still goes out as a simple query, which runs
   * every statement in the string), so it is forced with queryMode: 'extended'.
   */
  async querySingle<R extends pg.QueryResultRow = any>(text: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    // A statement that mentions $n but is sent without values (EXPLAIN (GENERIC_PLAN) …,
    // PREPARE … AS …) cannot go over the extended protocol: the server would want the values.
    this.assertGuarded(text);
    if (params.length === 0 && (await referencesParameters(text))) return this.queryUnboundSingle<R>(text);
    return this.send<R>({ text, values: params, queryMode: 'extended' });
  }

  /**
   * One of OUR named constants as a prepared statement of this connection (planned once per
   * connection, like Database.query's `prepare`), for statements sent before every plan.
   */
  async queryPrepared<R extends pg.QueryResultRow = any>(text: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    return this.send<R>({ name: preparedName(text), text, values: params });
  }

  /**
   * One statement with $n references and no values, over the simple protocol. Safe because
   * (1) PostgreSQL's own parser must find exactly one statement in the text, (2) our sessions always
   * run with standard_conforming_strings = on (a startup parameter), so the server reads the text
   * as the parser did, and (3) a reply with several result sets is refused.
   */
  async queryUnboundSingle<R extends pg.QueryResultRow = any>(text: string): Promise<pg.QueryResult<R>> {
    this.assertGuarded(text);
    await loadPgParser();
    const inspected = inspectSql(text);
    if (!inspected.ok || inspected.statements.length !== 1) {
      throw new PgLensError(inspected.ok ? `Refused: exactly one statement expected, found ${inspected.statements.length}.` : inspected.message, 'NOT_SINGLE');
    }
    return oneResultSet(await this.send<R>({ text }));
  }

  /**
   * Like querySingle, but every column comes back as the server's text, unparsed (EXPLAIN's JSON
   * holds 64-bit query identifiers that JSON.parse would round).
   */
  async querySingleText<R extends pg.QueryResultRow = any>(text: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    this.assertGuarded(text);
    return this.send<R>({ text, values: params, queryMode: 'extended', types: AS_TEXT });
  }

  /**
   * One statement over the SIMPLE protocol, columns as text. Only for statements the extended
   * protocol cannot carry (EXPLAIN (GENERIC_PLAN) with $n and no values: over the extended protocol
   * the server wants values and then plans for them). The caller must have checked with
   * PostgreSQL's parser that the text holds exactly one statement, with standard_conforming_strings
   * on; a reply with several result sets is refused here as well.
   */
  async queryCheckedSingleSimpleText<R extends pg.QueryResultRow = any>(text: string): Promise<pg.QueryResult<R>> {
    this.assertGuarded(text);
    return oneResultSet(await this.send<R>({ text, types: AS_TEXT }));
  }

  /**
   * `PREPARE name AS <text>` of a text that did not pass the gate, over the extended protocol (one statement only): the
   * server parses and analyses it, and never plans nor runs it — the prepared statement is never executed (explain.ts
   * serverSyntaxError, the server's word on a text PostgreSQL's parser here rejects). The caller deallocates it. An error
   * the server places carries `textPosition`: its 0-based offset in `text`.
   */
  async prepareUnplanned(name: string, text: string): Promise<void> {
    if (!/^pglens_syntax_\w+$/.test(name)) throw new PgLensError('Refused: not a syntax check\'s own statement name.', 'UNGUARDED');
    const prefix = `${OWN_STATEMENT_MARKER} PREPARE ${name} AS `;
    try {
      await this.send({ text: prefix + text, values: [], queryMode: 'extended' });
    } catch (e) {
      // PostgreSQL's position counts characters from 1 in the text sent (placeOwnMarker keeps the marker's length).
      const at = Number((e as { position?: unknown }).position) - 1 - prefix.length;
      if (Number.isInteger(at) && at >= 0 && at <= text.length) (e as { textPosition?: number }).textPosition = at;
      throw e;
    }
  }

  /** The backend pid of this session (for cancelling it from another session). */
  get processID(): number | undefined {
    return (this.client as any).processID;
  }

  markBroken(): void {
    this.broken = true;
  }

  get isBroken(): boolean {
    return this.broken;
  }
}

/** Texts that plan user SQL: EXPLAIN … and PREPARE … AS (our marker may come first). EXPLAIN … EXECUTE of our own prepared name passes through PREPARE's check. */
const PLANS_USER_SQL = /^\s*(?:\/\*\s*pg-lens\s*\*\/\s*)?(?:EXPLAIN\b(?![^)]*\)\s*EXECUTE\s+pglens_\w+\s*\()|PREPARE\b)/i;

/** Type parsers that leave every column as the server's text. */
const AS_TEXT = { getTypeParser: () => (v: string) => v };

/** A reply over the simple protocol with several result sets (several statements ran) is refused. */
function oneResultSet<R extends pg.QueryResultRow>(r: pg.QueryResult<R> | pg.QueryResult<R>[]): pg.QueryResult<R> {
  if (Array.isArray(r)) throw new PgLensError('Refused: the server saw more than one statement.', 'MULTIPLE');
  return r;
}

const CONNECTION_LOSS_CODES = new Set(['57P01', '57P02', '57P03', 'ECONNRESET', 'EPIPE', 'ECONNREFUSED']);

/** The session (not the statement) failed: the server went away or closed it. */
function isConnectionLoss(e: unknown): boolean {
  const err = e as any;
  if (CONNECTION_LOSS_CODES.has(err?.code)) return true;
  return /Connection terminated|connection error|Client was closed|not queryable/i.test(String(err?.message ?? ''));
}

function isConnectTimeout(e: unknown): boolean {
  return /connection timeout|timeout expired/i.test(String((e as any)?.message ?? ''));
}

/** A stable prepared-statement name per SQL text (same text → same name on every session). */
function preparedName(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return `pglens_${(h >>> 0).toString(36)}_${text.length}`;
}

function isOwnRead(text: string): boolean {
  return /^\/\* pg-lens \*\/\s*(SELECT|WITH|SHOW|VALUES)\b/i.test(text);
}

/**
 * pg.Client that closes its socket when connecting fails on our side (no password for SCRAM, a
 * TLS problem): pg leaves that socket open, and the server keeps a backend waiting in
 * "authentication" until authentication_timeout (60 s) — which also holds up DROP DATABASE
 * and other barrier-waiting commands on that server.
 */
/** PG Lens's own transactions per server and database (every Database of this process to it): core/dashboard/ownTransactions. */
const OWN_TRANSACTIONS = oncePerProcess('ownTransactions', () => new Map<string, TransactionCounts>());
const ownKey = (p: Pick<ConnectionProfile, 'host' | 'port' | 'database'>) => JSON.stringify([p.host.toLowerCase(), p.port, p.database]);
function ownCountsFor(p: ConnectionProfile): TransactionCounts {
  const key = ownKey(p);
  let c = OWN_TRANSACTIONS.get(key);
  if (!c) OWN_TRANSACTIONS.set(key, (c = { commits: 0, rollbacks: 0 }));
  return c;
}

/**
 * The transactions PG Lens's sessions of this process ran on a server's database so far, as pg_stat_database counts
 * them: the dashboard subtracts them from Transactions/s and rollbacks/s.
 */
export function ownTransactionsOf(p: Pick<ConnectionProfile, 'host' | 'port' | 'database'>): TransactionCounts {
  const c = OWN_TRANSACTIONS.get(ownKey(p));
  return { commits: c?.commits ?? 0, rollbacks: c?.rollbacks ?? 0 };
}

/** Rows written to a table, per kind, as pg_stat_*_tables counts them (hotUpdates: the updates among them that were HOT). */
interface TableWriteCounts {
  inserts: number;
  updates: number;
  deletes: number;
  hotUpdates: number;
}

/**
 * What PG Lens's own runs did to a table that its counters count as the application's: rows written (rolled back, yet
 * counted by n_tup_ins/upd/del/hot_upd) and scans (seq_scan, idx_scan: an Explain Analyze or a benchmark run of a
 * SELECT scans the table like the application would, and scan counters are never rolled back).
 */
export interface OwnTableWork extends TableWriteCounts {
  seqScans: number;
  idxScans: number;
}

/**
 * Per server and database, per table ("schema\u0000table"): PG Lens's own work of this process — one ledger for both
 * bundles (core/oncePerProcess): Explain Analyze notes it in the editor's, the health checks read it in the engine's.
 */
const OWN_WORK = oncePerProcess('ownTableWork', () => new Map<string, Map<string, OwnTableWork>>());

/**
 * A run of PG Lens (an Explain Analyze, a benchmark run) did this to these tables (rows written then rolled back, scans):
 * the tables' counters still count it. Read from pg_stat_xact_user_tables before the run's transaction ends.
 */
export function noteOwnWork(p: Pick<ConnectionProfile, 'host' | 'port' | 'database'>, rows: readonly ({ schema: string; table: string } & Partial<OwnTableWork>)[]): void {
  const key = ownKey(p);
  let noted = false;
  for (const r of rows) {
    const add: OwnTableWork = { inserts: r.inserts ?? 0, updates: r.updates ?? 0, deletes: r.deletes ?? 0, hotUpdates: r.hotUpdates ?? 0, seqScans: r.seqScans ?? 0, idxScans: r.idxScans ?? 0 };
    if (!(add.inserts > 0 || add.updates > 0 || add.deletes > 0 || add.seqScans > 0 || add.idxScans > 0)) continue;
    let m = OWN_WORK.get(key);
    if (!m) OWN_WORK.set(key, (m = new Map()));
    const k = `${r.schema}\u0000${r.table}`;
    const c = m.get(k);
    m.set(k, addWork(c, add));
    noted = true;
  }
  if (noted) for (const l of OWN_WORK_NOTED) l();
}

/**
 * PG Lens's own work on a server's database noted by other processes — the windows before a Reload Window, other
 * windows — as the editor's storage kept it (vscode/databaseStore registerOwnWorkStore, person53 L-8: an INSERT
 * explained before a reload counted as the application's write after it). Left out like this process's own.
 */
const KEPT_WORK = oncePerProcess('ownTableWorkKept', () => new Map<string, Map<string, OwnTableWork>>());
/** Told when this process notes own work (the editor's storage saves it). */
const OWN_WORK_NOTED = oncePerProcess('ownTableWorkNoted', () => new Set<() => void>());

const addWork = (a: OwnTableWork | undefined, b: OwnTableWork): OwnTableWork => (a ? { inserts: a.inserts + b.inserts, updates: a.updates + b.updates, deletes: a.deletes + b.deletes, hotUpdates: a.hotUpdates + b.hotUpdates, seqScans: a.seqScans + b.seqScans, idxScans: a.idxScans + b.idxScans } : b);

/** PG Lens's own work on a table of a server's database, if any: this process's and what other processes' kept. */
export function ownWorkOf(p: Pick<ConnectionProfile, 'host' | 'port' | 'database'> | undefined, schema: string, table: string): OwnTableWork | undefined {
  if (!p) return undefined;
  const k = `${schema}\u0000${table}`;
  const mine = OWN_WORK.get(ownKey(p))?.get(k);
  const kept = KEPT_WORK.get(ownKey(p))?.get(k);
  return kept ? addWork(mine, kept) : mine;
}

/** This process's own work on a server's database, per table, to keep across a Reload Window. */
export function ownWorkToKeep(p: Pick<ConnectionProfile, 'host' | 'port' | 'database'>): ({ schema: string; table: string } & OwnTableWork)[] {
  return [...(OWN_WORK.get(ownKey(p)) ?? new Map<string, OwnTableWork>())].map(([k, w]) => {
    const [schema, table] = k.split('\u0000');
    return { schema, table, ...w };
  });
}

/** Other processes' own work on a server's database (the rows of each, summed per table), replacing what was taken before. */
export function restoreOwnWork(p: Pick<ConnectionProfile, 'host' | 'port' | 'database'>, rows: readonly ({ schema: string; table: string } & OwnTableWork)[]): void {
  const m = new Map<string, OwnTableWork>();
  for (const r of rows) {
    const k = `${r.schema}\u0000${r.table}`;
    m.set(k, addWork(m.get(k), { inserts: r.inserts, updates: r.updates, deletes: r.deletes, hotUpdates: r.hotUpdates, seqScans: r.seqScans, idxScans: r.idxScans }));
  }
  if (m.size) KEPT_WORK.set(ownKey(p), m);
  else KEPT_WORK.delete(ownKey(p));
}

/** The name this process's own work is kept under (vscode/databaseStore): each window writes its own entry, never another's. */
const OWN_WORK_ID = oncePerProcess('ownTableWorkId', () => ({ id: newOwnWorkId() }));
function newOwnWorkId(): string {
  return `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
export function ownWorkId(): string {
  return OWN_WORK_ID.id;
}

/** This process's own work and what it took from others forgotten, under a new name: a new process, as a reloaded extension host starts (tests). */
export function forgetOwnWork(p: Pick<ConnectionProfile, 'host' | 'port' | 'database'>): void {
  OWN_WORK.delete(ownKey(p));
  KEPT_WORK.delete(ownKey(p));
  OWN_WORK_ID.id = newOwnWorkId();
}

/** `listener` is called after this process notes own work. */
export function onDidNoteOwnWork(listener: () => void): { dispose(): void } {
  OWN_WORK_NOTED.add(listener);
  return { dispose: () => void OWN_WORK_NOTED.delete(listener) };
}

/** Per server and database: the foreign-key checks and cascades PG Lens's own runs of this process made PostgreSQL run. */
const OWN_FOREIGN_KEY_CHECKS = oncePerProcess('ownForeignKeyChecks', () => new Map<string, number>());

/**
 * A run of PG Lens (an Explain Analyze that wrote, rolled back) made PostgreSQL run these foreign-key checks (its RI
 * triggers' calls, core/plan foreignKeyTriggerCalls): pg_stat_statements counts them as nested statements all the same.
 */
export function noteOwnForeignKeyChecks(p: Pick<ConnectionProfile, 'host' | 'port' | 'database'>, calls: number): void {
  if (!(calls > 0)) return;
  const key = ownKey(p);
  OWN_FOREIGN_KEY_CHECKS.set(key, (OWN_FOREIGN_KEY_CHECKS.get(key) ?? 0) + calls);
}

/**
 * pg_stat_statements' foreign-key checks less PG Lens's own (noteOwnForeignKeyChecks), or undefined when none is left
 * (person39 L5: "Left out: PostgreSQL's own foreign-key checks (468 calls)" were all from PG Lens's rolled-back DELETE).
 * The statements count stays as read (which statements the calls were is not known) unless no call is left.
 */
export function lessOwnForeignKeyChecks(p: Pick<ConnectionProfile, 'host' | 'port' | 'database'> | undefined, fk: { statements: number; calls: number } | undefined): { statements: number; calls: number } | undefined {
  if (!fk) return undefined;
  const own = p ? (OWN_FOREIGN_KEY_CHECKS.get(ownKey(p)) ?? 0) : 0;
  const calls = fk.calls - own;
  return calls > 0 ? { statements: fk.statements, calls } : undefined;
}

/**
 * A table's counters as a reader of pg_stat_*_tables holds them: per kind, or totals (`writes`: inserted + updated +
 * deleted; `scans`: sequential + index scans). Each field given is reduced by PG Lens's own work.
 */
export interface TableCounters {
  inserts?: number;
  updates?: number;
  deletes?: number;
  hotUpdates?: number;
  writes?: number;
  seqScans?: number;
  idxScans?: number;
  scans?: number;
}

/**
 * A table's counters less PG Lens's own work of this process (each field given, never below 0; HOT updates never more
 * than the updates): the one way every reader of n_tup_ins/upd/del/hot_upd and seq_scan/idx_scan leaves our own work
 * out (person37 L4, person38 M2, own reads). Runs of another process (another window, a `pg-lens` run) are not known
 * here. Without a profile (a bare query function) the counters are returned as read.
 */
export function lessOwnWork<T extends TableCounters>(p: Pick<ConnectionProfile, 'host' | 'port' | 'database'> | undefined, schema: string, table: string, counts: T): T {
  const own = ownWorkOf(p, schema, table);
  if (!own) return counts;
  const less = (v: number | undefined, by: number) => (v === undefined ? undefined : Math.max(0, v - by));
  const out: T = { ...counts };
  const set = (k: keyof TableCounters, v: number | undefined) => {
    if (v !== undefined) (out as TableCounters)[k] = v;
  };
  set('inserts', less(counts.inserts, own.inserts));
  set('updates', less(counts.updates, own.updates));
  set('deletes', less(counts.deletes, own.deletes));
  set('writes', less(counts.writes, own.inserts + own.updates + own.deletes));
  set('seqScans', less(counts.seqScans, own.seqScans));
  set('idxScans', less(counts.idxScans, own.idxScans));
  set('scans', less(counts.scans, own.seqScans + own.idxScans));
  const hot = less(counts.hotUpdates, own.hotUpdates);
  set('hotUpdates', hot === undefined || out.updates === undefined ? hot : Math.min(out.updates, hot));
  return out;
}

/** Count each statement a pooled session finishes (callback or promise form, as pg.Pool and Session send them). */
function countTransactions(client: pg.PoolClient, counts: TransactionCounts): void {
  const session = new SessionTransactions(counts);
  const original = client.query.bind(client) as (...a: any[]) => any;
  (client as any).query = (...args: any[]) => {
    const first = args[0];
    const text: string | undefined = typeof first === 'string' ? first : typeof first?.text === 'string' ? first.text : undefined;
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      return original(...args.slice(0, -1), (err: unknown, res: unknown) => {
        session.observe(text, !err);
        last(err, res);
      });
    }
    const r = original(...args);
    if (r && typeof r.then === 'function') r.then(() => session.observe(text, true), () => session.observe(text, false));
    return r;
  };
}

class ClosingClient extends pg.Client {
  override connect(callback?: (err: Error) => void): any {
    if (!callback) {
      return super.connect().catch((e: unknown) => {
        this.closeSocket();
        throw e;
      });
    }
    return super.connect((err: Error) => {
      if (err) this.closeSocket();
      callback(err);
    });
  }

  private closeSocket(): void {
    try {
      (this as any).connection?.stream?.destroy();
    } catch {
      // already gone
    }
  }
}

/** Whether the text refers to $n parameters (by PostgreSQL's lexer: not inside strings or comments). */
async function referencesParameters(text: string): Promise<boolean> {
  if (!/\$\d/.test(text)) return false;
  await loadPgParser();
  const tokens = scanSql(text);
  return tokens ? tokens.some((t) => t.tokenName === 'PARAM') : true;
}

function clientConfig(o: DatabaseOptions): pg.PoolConfig {
  const p = o.profile;
  const host = o.useReplica && p.readReplica ? p.readReplica.host : p.host;
  const port = o.useReplica && p.readReplica ? (p.readReplica.port ?? p.port) : p.port;
  const options: string[] = [];
  // The text we check with PostgreSQL's parser must be read the same way by the server.
  options.push('-c standard_conforming_strings=on');
  if (isReadOnly(p)) options.push('-c default_transaction_read_only=on');
  // A timeout that is not a positive number would switch the limit off on the server (0 = none).
  for (const [k, v] of [['statement timeout', o.statementTimeoutMs], ['lock timeout', o.lockTimeoutMs], ['connect timeout', o.connectTimeoutMs]] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new PgLensError(`The ${k} must be a positive number of milliseconds (got ${String(v)}).`, 'BAD_TIMEOUT');
  }
  return {
    host,
    port,
    database: p.database,
    user: p.user,
    password: o.password ?? '',
    ssl: sslConfig(p),
    application_name: APPLICATION_NAME,
    statement_timeout: o.statementTimeoutMs ?? 5000,
    lock_timeout: o.lockTimeoutMs ?? 2000,
    idle_in_transaction_session_timeout: Math.max((o.statementTimeoutMs ?? 5000) * 4, 60000),
    connectionTimeoutMillis: o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30000,
    max: o.max ?? 4,
    Client: ClosingClient,
    options: options.length ? options.join(' ') : undefined,
    keepAlive: true,
  } as pg.PoolConfig;
}

export function sslConfig(p: ConnectionProfile): pg.PoolConfig['ssl'] {
  switch (p.sslmode) {
    case 'disable':
    case 'allow':
    case 'prefer':
      // node-postgres has no "try SSL, fall back": prefer/allow connect without SSL (as psql does when the server has none).
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
    case 'verify-full': {
      // A regular file, bounded, opened non-blocking: an sslrootcert naming a FIFO once hung the connect forever.
      const ca = p.sslrootcert ? readRegularFileSync(p.sslrootcert, LIMITS.smallFileBytes).toString('utf8') : undefined;
      return {
        rejectUnauthorized: true,
        ca,
        ...(p.sslmode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
      };
    }
  }
}

/** Open a pool and prove it works (one round trip), or throw one clear line. */
export async function connect(o: DatabaseOptions): Promise<Database> {
  const db = new Database(o);
  try {
    // Its session is checked for planted look-alikes of built-ins first, as every session is when taken (shadowGuard).
    await db.query(SQL.ping);
    return db;
  } catch (e) {
    await db.close();
    throw connectTimeoutError(e, o) ?? e;
  }
}

/**
 * Add Connection's attempt: connect once with `o` (one pooled client, read-only, as a production profile's session is)
 * and close, saying a failure in one line (describeError). Nothing is kept and nothing written.
 */
export async function tryLogin(o: Omit<DatabaseOptions, 'profile'> & { profile: Login }): Promise<LoginAttempt> {
  let db: Database | undefined;
  try {
    db = await connect({ ...o, profile: { ...o.profile, name: describeProfile(o.profile), environment: 'production' }, max: 1 });
    return { ok: true };
  } catch (e) {
    const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : undefined;
    const message = describeError(e, o.profile);
    return { ok: false, code, message, wantsPassword: wantsPassword({ code, message: errorMessage(e) }) || wantsPassword({ code, message }) };
  } finally {
    await db?.close().catch(() => undefined);
  }
}

/**
 * How long a new connection may take by default. It was 5 s: on a machine at load 40-57 `pg-lens record --db` twice
 * failed "Timed out connecting" while the app itself connected (issue 20 item 9). libpq waits forever by default; 15 s
 * still tells a dead host from a slow one.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

/** A connect that ran out of time, said with the timeout and how to raise it (undefined for any other failure). */
function connectTimeoutError(e: unknown, o: Pick<DatabaseOptions, 'profile' | 'useReplica' | 'connectTimeoutMs' | 'connectTimeoutHint'>): PgLensError | undefined {
  const host = o.useReplica && o.profile.readReplica ? o.profile.readReplica.host : o.profile.host;
  const port = o.useReplica && o.profile.readReplica ? (o.profile.readReplica.port ?? o.profile.port) : o.profile.port;
  const said = describeError(e, { host, port, database: o.profile.database, user: o.profile.user });
  if (!/^Timed out connecting/.test(said)) return undefined;
  const ms = o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const seconds = ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
  return new PgLensError(`Timed out connecting at ${host}:${port} after ${seconds} (the connect timeout)${o.connectTimeoutHint ? `; ${o.connectTimeoutHint}` : ''}.`, 'CONNECT_TIMEOUT', e);
}
