/**
 * Running EXPLAIN safely.
 *
 * explain(): plans a statement without running it. One statement only (PostgreSQL's parser, then
 * the extended protocol, which refuses more than one), inside BEGIN READ ONLY … ROLLBACK so
 * nothing the planner evaluates can write. Statements with $n and no values get a generic plan:
 * EXPLAIN (GENERIC_PLAN) on PostgreSQL 16+, PREPARE + plan_cache_mode = force_generic_plan +
 * EXPLAIN EXECUTE (NULL, …) before that. VERBOSE, so the Query Identifier comes back.
 *
 * explainAnalyze(): runs the statement for real, inside BEGIN [READ ONLY] … ROLLBACK with
 * SET LOCAL statement_timeout / lock_timeout, rolled back in every case. Refused on read-only
 * (production) profiles; data-modifying statements need allowDml. Cancellable from another session.
 */
import { noteOwnForeignKeyChecks, noteOwnWork, type Database, type Lane, type OwnTableWork, type Session } from './database';
import { PgLensError, describeError } from './errors';
import { OWN_IDENTITY, OWN_STATEMENT_MARKER } from './sql';
import { analyzeDecision, assertSideEffectsAllowed, guardPlanning, planAs, type AnalyzeDecision, type GuardReport } from './planGuard';
import { EXPLAINABLE_STATEMENTS, inspectSql, loadPgParser, type StatementInfo } from '../core/sql/statement';
import { maxParamIndex } from '../core/extract/sqlLexer';
import { analyzePlan, analyzePlanWith, planCatalogNames, type PlanCatalogNames } from '../core/plan/analyze';
import { foreignKeyTriggerCalls } from '../core/plan/warnings';
import { parsePlanSource } from '../core/plan/parse';
import { sqlOverLimit } from '../core/limits';
import type { AnalyzeOptions, ForeignKeyFact, IndexLeadFact, Plan } from '../core/plan/model';

export const EXPLAIN_SQL = {
  /** $1 = constraint names. "indexed": a valid, non-partial index whose leading columns are the key's columns. */
  foreignKeys: `${OWN_STATEMENT_MARKER} SELECT con.conname AS name, n.nspname AS schema, t.relname AS table_name,
    rn.nspname AS referenced_schema, rt.relname AS referenced_table,
    ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
    (SELECT ic.relname::text FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
      WHERE i.indrelid = con.conrelid AND i.indisvalid AND i.indpred IS NULL
            AND (i.indkey::int2[])[0:cardinality(con.conkey) - 1] @> con.conkey
            AND (i.indkey::int2[])[0:cardinality(con.conkey) - 1] <@ con.conkey
      ORDER BY cardinality(i.indkey::int2[]), ic.relname LIMIT 1) AS index_name
    FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_class rt ON rt.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = rt.relnamespace
    WHERE con.contype = 'f' AND con.conname = ANY ($1::text[])`,
  serverVersion: `${OWN_STATEMENT_MARKER} ${OWN_IDENTITY} SELECT current_setting('server_version_num')::int AS v`,
  setLocal: `${OWN_STATEMENT_MARKER} SELECT set_config($1, $2, true)`,
  /** Rows (pg_class.reltuples) and valid indexes (name, leading column or null for an expression, unique, partial) of the named relations. */
  relationRows: `${OWN_STATEMENT_MARKER} SELECT n.nspname AS schema, c.relname AS name, c.reltuples::float8 AS rows,
    (SELECT coalesce(json_agg(json_build_object('name', ic.relname, 'column', a.attname, 'unique', i.indisunique, 'partial', i.indpred IS NOT NULL)), '[]'::json)
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
       LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] AND i.indkey[0] <> 0
      WHERE i.indrelid = c.oid AND i.indisvalid) AS indexes
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relname = ANY ($1::text[]) AND c.reltuples >= 0`,
  cancel: `${OWN_STATEMENT_MARKER} SELECT pg_cancel_backend($1)`,
  /**
   * Rows this transaction wrote and scans it made so far, per user table (pg_stat_xact_user_tables: the run's own, aborted
   * rows included, as n_tup_ins counts them; scans as seq_scan and idx_scan count them).
   */
  transactionWork: `${OWN_STATEMENT_MARKER} SELECT schemaname AS schema, relname AS table_name, n_tup_ins::float8 AS ins, n_tup_upd::float8 AS upd,
    n_tup_del::float8 AS del, n_tup_hot_upd::float8 AS hot, coalesce(seq_scan, 0)::float8 AS seq, coalesce(idx_scan, 0)::float8 AS idx
    FROM pg_stat_xact_user_tables WHERE n_tup_ins + n_tup_upd + n_tup_del + coalesce(seq_scan, 0) + coalesce(idx_scan, 0) > 0`,
  deallocate: (name: string) => `DEALLOCATE ${name}`,
} as const;

export type PlanMethod = 'plain' | 'custom' | 'generic-plan' | 'prepare-generic';

export interface ExplainResult {
  plan: Plan;
  /** The server's EXPLAIN JSON (the top-level object). */
  json: Record<string, unknown>;
  /** The statement as sent (after trimming the trailing semicolon). */
  sql: string;
  method: PlanMethod;
  statement: StatementInfo;
  versionNum: number;
  /** Time spent waiting on the server: session checkout and every round trip (ms). */
  serverMs: number;
  /** Time building the plan model (ms). */
  modelMs: number;
  /** pg_class.reltuples of the scanned relations (what the warnings without ANALYZE used). */
  relationRows?: [string, number][];
  /** The scanned relations' indexes by leading column (the tips never propose one that exists). */
  relationIndexes?: [string, IndexLeadFact[]][];
  /** Foreign keys whose triggers an analysed plan reports, from the catalog (the trigger tips are proved). */
  foreignKeys?: [string, ForeignKeyFact][];
}

/** The indexes column of EXPLAIN_SQL.relationRows (json, parsed or as text), as the plan model takes them. */
function indexLeadsOf(raw: unknown): IndexLeadFact[] {
  const v: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
  return Array.isArray(v) ? v.map((x: any) => ({ name: String(x?.name ?? ''), column: typeof x?.column === 'string' ? x.column : null, unique: x?.unique === true, partial: x?.partial === true })) : [];
}

export interface ExplainOptions {
  /** Values for $1…$n. Without them, statements with parameters get a generic plan. */
  params?: unknown[];
  /** Look up pg_class.reltuples of the scanned relations (for warnings without ANALYZE). Default true. */
  relationRows?: boolean;
  /** Untrusted functions allowed by name (see planGuard). */
  trustFunctions?: readonly string[];
  /** Plan as this role (oid; pg_stat_statements.userid) when the current role may become it. */
  planAsRole?: string;
  /** The sessions it waits for (database Lane): 'interactive' for a hover's plan. */
  lane?: Lane;
}

export interface AnalyzeRunOptions {
  params?: unknown[];
  /**
   * The confirmation: required for INSERT/UPDATE/DELETE/MERGE, data-modifying CTEs, SELECT INTO,
   * CREATE TABLE AS / MATERIALIZED VIEW, locking clauses (FOR UPDATE/SHARE) and calls to VOLATILE
   * functions outside pg_catalog (analyzeRisk() says which, for the dialog).
   */
  allowDml?: boolean;
  /** Functions with effects outside the transaction (dblink, lo_export, …), allowed by name. */
  allowSideEffects?: readonly string[];
  /** Untrusted functions allowed by name (see planGuard). */
  trustFunctions?: readonly string[];
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  /** Include BUFFERS (default true) and I/O timings when track_io_timing is on. */
  buffers?: boolean;
  /** Abort → pg_cancel_backend from another session; the transaction is rolled back. */
  signal?: AbortSignal;
  /** Called with the backend pid once the statement is about to be sent. */
  onStarted?: (pid: number | undefined) => void;
}

const versions = new WeakMap<Database, Promise<number>>();

/** The server's version number, asked once per Database. */
function serverVersion(db: Database, lane?: Lane): Promise<number> {
  let v = versions.get(db);
  if (!v) {
    v = db.query(EXPLAIN_SQL.serverVersion, [], { lane }).then((r) => Number(r.rows[0].v));
    v.catch(() => versions.delete(db));
    versions.set(db, v);
  }
  return v;
}

/** Exactly one statement that EXPLAIN can take, or a one-line refusal. */
export async function checkSingleStatement(sql: string): Promise<{ text: string; info: StatementInfo }> {
  await loadPgParser();
  const over = sqlOverLimit(sql);
  if (over) throw new PgLensError(`Refused: ${over.replace(/^not analysed: /, '')}.`, 'TOO_LARGE');
  const r = inspectSql(sql);
  // The parser's own message already says "syntax error at or near …"; other refusals get the label once.
  if (!r.ok) throw new PgLensError(/^syntax error\b/i.test(r.message) ? r.message : `Syntax error: ${r.message}`, '42601');
  if (r.statements.length === 0) throw new PgLensError('There is no statement to explain.', 'EMPTY');
  if (r.statements.length > 1) throw new PgLensError(`Only one statement can be explained at a time; this text holds ${r.statements.length}.`, 'MULTIPLE');
  const info = r.statements[0];
  if (info.cls === 'other') throw new PgLensError(`EXPLAIN cannot take a ${info.node.replace(/Stmt$/, '')} statement (only ${EXPLAINABLE_STATEMENTS.join(', ')}).`, 'NOT_EXPLAINABLE');
  const text = sql.slice(info.start, info.end).trim();
  return { text, info };
}

/** The statement kinds PREPARE takes (PostgreSQL's PreparableStmt), by their first word: what serverSyntaxError asks about. */
const PREPARABLE = /^\s*(?:\(\s*)*(?:select|with|insert|update|delete|merge|values|table)\b/i;

/**
 * The connected server's own syntax error (SQLSTATE 42601: its message, and its 0-based position in `sql` when it gives
 * one) for a text PostgreSQL's parser here rejected, or undefined when the server accepts the syntax (another error,
 * a missing name, is not this question's), when the text is not a statement PREPARE takes, or is over the limits. The
 * server parses it only: PREPARE over the extended protocol (one statement), in a read-only transaction rolled back,
 * never planned nor run (Session.prepareUnplanned). The parser here is PostgreSQL's grammar of one version; the server's
 * is the one the app runs on (person46 NEW-1: a typo said on hover only, nothing in Problems).
 */
export async function serverSyntaxError(db: Database, sql: string): Promise<{ message: string; position?: number } | undefined> {
  const text = sql.replace(/[\s;]+$/g, '');
  if (!PREPARABLE.test(text) || sqlOverLimit(text)) return undefined;
  return db.rolledBack(async (s) => {
    const name = `pglens_syntax_${process.pid}_${++prepared}`;
    try {
      await s.prepareUnplanned(name, text);
    } catch (e) {
      const err = e as PgLensError & { textPosition?: number };
      const said = String((err.cause as { message?: unknown } | undefined)?.message ?? err.message);
      // 42601 is also "cannot insert multiple commands into a prepared statement": only the parser's own syntax error.
      if (err.code !== '42601' || !/^syntax error\b/i.test(said)) return undefined;
      return { message: said.replace(/\s+/g, ' ').slice(0, 200), ...(err.textPosition !== undefined ? { position: err.textPosition } : {}) };
    }
    await s.query(EXPLAIN_SQL.deallocate(name)).catch(() => s.markBroken());
    return undefined;
  }, { readOnly: true });
}

/** Highest $n used in the statement ($n inside strings and comments do not count): the SQL lexer's counter. */
export const parameterCount = maxParamIndex;

let prepared = 0;

export interface SessionExplainOptions {
  versionNum: number;
  /** Values for $1…$n (a custom plan); without them a statement with parameters gets a generic plan. */
  params?: unknown[];
  /** Untrusted functions allowed by name (see planGuard). */
  trustFunctions?: readonly string[];
  /** EXPLAIN VERBOSE (output columns, the Query Identifier). Default false. */
  verbose?: boolean;
  /** Wraps every round trip (explain() counts server time with it). */
  timed?: <T>(p: Promise<T>) => Promise<T>;
}

/**
 * The one EXPLAIN (FORMAT JSON) runner: one statement on a session, inside the CALLER's transaction
 * (SET LOCAL), the plan guard in front (once per statement and session), no ANALYZE. explain()
 * wraps it in BEGIN READ ONLY … ROLLBACK; the index advisor calls it inside its rolled-back
 * transaction, before and after each hypothetical or real index.
 */
export async function explainOnSession(s: Session, sql: string, o: SessionExplainOptions): Promise<{ json: Record<string, unknown>; method: PlanMethod; text: string }> {
  const timed = o.timed ?? (<T>(p: Promise<T>) => p);
  const text = sql.replace(/[\s;]+$/g, '');
  if (!s.isGuarded(text)) await timed(guardPlanning(s, text, { trustFunctions: o.trustFunctions }));
  const nParams = parameterCount(text);
  const values = o.params && o.params.length >= nParams ? o.params.slice(0, nParams) : undefined;
  const method: PlanMethod = nParams === 0 ? 'plain' : values ? 'custom' : o.versionNum >= 160000 ? 'generic-plan' : 'prepare-generic';
  const options = o.verbose ? 'VERBOSE, FORMAT JSON' : 'FORMAT JSON';
  if (method === 'prepare-generic') {
    const name = `pglens_generic_${process.pid}_${++prepared}`;
    await timed(s.querySingle(EXPLAIN_SQL.setLocal, ['plan_cache_mode', 'force_generic_plan']));
    // Read the statement as the parser check did (see the GENERIC_PLAN branch).
    await timed(s.querySingle(EXPLAIN_SQL.setLocal, ['standard_conforming_strings', 'on']));
    await timed(s.querySingle(`PREPARE ${name} AS ${text}`));
    try {
      const nulls = Array.from({ length: nParams }, () => 'NULL').join(', ');
      return { json: firstPlan((await timed(s.querySingleText(`EXPLAIN (${options}) EXECUTE ${name}(${nulls})`))).rows), method, text };
    } finally {
      // A rollback does not remove a prepared statement. In an aborted transaction DEALLOCATE
      // fails: the session is then not given back to the pool.
      await timed(s.query(EXPLAIN_SQL.deallocate(name))).catch(() => s.markBroken());
    }
  }
  if (method === 'generic-plan') {
    // Over the extended protocol the server wants a value per $n and then plans FOR those
    // values; GENERIC_PLAN needs the simple protocol. Safe because: PostgreSQL's own parser
    // finds exactly one statement (checked here); standard_conforming_strings is forced on so the server
    // splits the text exactly as that parser did; and a reply with more than one result is refused.
    await checkSingleStatement(text);
    await timed(s.querySingle(EXPLAIN_SQL.setLocal, ['standard_conforming_strings', 'on']));
    return { json: firstPlan((await timed(s.queryCheckedSingleSimpleText(`EXPLAIN (GENERIC_PLAN, ${options}) ${text}`))).rows), method, text };
  }
  return { json: firstPlan((await timed(s.querySingleText(`EXPLAIN (${options}) ${text}`, values ?? []))).rows), method, text };
}

/** Plan a statement without running it. */
export async function explain(db: Database, sql: string, options: ExplainOptions = {}): Promise<ExplainResult> {
  const { text, info } = await checkSingleStatement(sql);
  const versionNum = await serverVersion(db, options.lane);
  const nParams = parameterCount(text);
  const values = options.params;
  if (values && values.length < nParams) throw new PgLensError(`The statement uses $${nParams} but ${values.length} value(s) were given.`, 'PARAMS');
  let method: PlanMethod = 'plain';
  let serverMs = 0;
  const timed = async <T>(p: Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await p;
    } finally {
      serverMs += performance.now() - t0;
    }
  };
  let json: Record<string, unknown> = {};
  const relRows = new Map<string, number>();
  const relIndexes = new Map<string, IndexLeadFact[]>();
  const tCheckout = performance.now();
  await db.withSession(async (s) => {
    serverMs += performance.now() - tCheckout; // waiting for a pooled session (or connecting) is I/O too
    await timed(s.query('BEGIN READ ONLY'));
    try {
      if (options.planAsRole) await timed(planAs(s, options.planAsRole));
      // The gate on every explain(): a new transaction may see other functions than the last one.
      await timed(guardPlanning(s, text, { trustFunctions: options.trustFunctions }));
      ({ json, method } = await explainOnSession(s, text, { versionNum, params: values, trustFunctions: options.trustFunctions, verbose: true, timed }));
      if (options.relationRows !== false) {
        const names = planCatalogNames(json).relations;
        if (names.length) {
          for (const row of (await timed(s.querySingle(EXPLAIN_SQL.relationRows, [names]))).rows) {
            relRows.set(`${row.schema}.${row.name}`, Number(row.rows));
            if (!relRows.has(row.name)) relRows.set(row.name, Number(row.rows));
            const leads = indexLeadsOf(row.indexes);
            relIndexes.set(`${row.schema}.${row.name}`, leads);
            if (!relIndexes.has(row.name)) relIndexes.set(row.name, leads);
          }
        }
      }
    } finally {
      await timed(endTransaction(s));
    }
  }, { lane: options.lane });
  if (method === 'plain' && nParams > 0) method = 'custom';
  const t0 = performance.now();
  const plan = analyzePlan(json, { relationRows: relRows, relationIndexes: relIndexes });
  const modelMs = performance.now() - t0;
  db.indexUse.note(text, plan);
  return { plan, json, sql: text, method, statement: info, versionNum, serverMs, modelMs, relationRows: [...relRows], relationIndexes: [...relIndexes] };
}

/** ROLLBACK (always); a session that cannot roll back is not given back to the pool. */
async function endTransaction(s: Session): Promise<void> {
  try {
    await s.query('ROLLBACK');
  } catch {
    s.markBroken();
  }
}

function firstPlan(rows: any[]): Record<string, unknown> {
  const v = rows[0]?.['QUERY PLAN'];
  try {
    return parsePlanSource(v);
  } catch {
    throw new PgLensError('The server returned no plan.', 'NO_PLAN');
  }
}

interface DmlRisk {
  writes: string[];
  /** The sentence a confirmation must show. */
  risk: string;
}

/** What running this statement for real would do, from its shape only (the catalog check is analyzeRisk). */
function dmlRisk(info: StatementInfo): DmlRisk | undefined {
  if (info.cls !== 'write' && info.cls !== 'read-locking') return undefined;
  const writes = info.cls === 'write' ? info.writes : ['row locks (FOR UPDATE/SHARE)'];
  return { writes, risk: analyzeDecision({ report: { functions: [], role: '', sideEffects: [], volatile: [] }, writes: info.cls === 'write' ? info.writes : [], locking: info.cls === 'read-locking' }).risk };
}

export interface AnalyzeRisk extends AnalyzeDecision {
  report: GuardReport;
  /** What the confirmation's title names: the writes, "row locks", "VOLATILE function f". */
  writes: string[];
}

/**
 * What Explain Analyze of this statement would do, decided from the catalog (in a rolled-back
 * read-only transaction on a session that is closed afterwards): refuses untrusted functions; lists
 * the functions with effects outside the transaction (to be allowed by name) and what needs the
 * confirmation (writes, locking clauses, VOLATILE functions), for the dialog.
 */
export async function analyzeRisk(db: Database, sql: string, options: Pick<AnalyzeRunOptions, 'trustFunctions'> = {}): Promise<AnalyzeRisk> {
  const { text, info } = await checkSingleStatement(sql);
  return db.withSession(async (s) => {
    await s.query('BEGIN READ ONLY');
    try {
      return riskOf(info, await guardPlanning(s, text, { runs: true, trustFunctions: options.trustFunctions }));
    } finally {
      await endTransaction(s);
    }
  }, { fresh: true });
}

function riskOf(info: StatementInfo, report: GuardReport): AnalyzeRisk {
  const locking = info.cls === 'read-locking';
  const d = analyzeDecision({ report, writes: info.cls === 'write' ? info.writes : [], locking });
  const writes = [...(info.cls === 'write' ? info.writes : []), ...(locking ? ['row locks (FOR UPDATE/SHARE)'] : []), ...report.volatile.map((f) => `VOLATILE function ${f.name}`)];
  return { ...d, report, writes };
}

/**
 * EXPLAIN ANALYZE, rolled back in every case, on a session that is closed afterwards (nothing
 * session-level survives). The gate (planGuard) runs in the same transaction first: untrusted
 * functions are refused, side-effect functions need allowSideEffects by name, and writes, locking
 * clauses and VOLATILE functions need allowDml. Only a plain read runs READ ONLY.
 */
export async function explainAnalyze(db: Database, sql: string, options: AnalyzeRunOptions = {}): Promise<ExplainResult> {
  db.assertWritable('Explain Analyze');
  const { text, info } = await checkSingleStatement(sql);
  const shapeRisk = dmlRisk(info);
  if (shapeRisk && !options.allowDml) throw new PgLensError(`Refused without confirmation: ${shapeRisk.risk}`, 'DML_NOT_ALLOWED');
  const nParams = parameterCount(text);
  const values = options.params ?? [];
  if (values.length < nParams) throw new PgLensError(`Explain Analyze needs a value for each parameter: the statement uses $${nParams}, ${values.length} given.`, 'PARAMS');
  if (options.signal?.aborted) throw new PgLensError('Cancelled.', '57014');
  const versionNum = await serverVersion(db);
  const parts = ['ANALYZE', 'VERBOSE', 'SETTINGS'];
  if (options.buffers !== false) parts.push('BUFFERS');
  if (info.cls === 'write' && versionNum >= 130000) parts.push('WAL');
  parts.push('FORMAT JSON');
  let serverMs = 0;
  let json: Record<string, unknown> = {};
  await db.withSession(async (s) => {
    await s.query(info.cls === 'read' ? 'BEGIN READ ONLY' : 'BEGIN');
    let onAbort: (() => void) | undefined;
    let cancelled = false;
    try {
      const risk = riskOf(info, await guardPlanning(s, text, { runs: true, trustFunctions: options.trustFunctions }));
      assertSideEffectsAllowed(risk.report, options.allowSideEffects);
      if (risk.needsConfirmation && !options.allowDml) throw new PgLensError(`Refused without confirmation: ${risk.risk}`, 'DML_NOT_ALLOWED');
      await s.querySingle(EXPLAIN_SQL.setLocal, ['statement_timeout', String(Math.max(1, Math.round(options.statementTimeoutMs ?? 30000)))]);
      await s.querySingle(EXPLAIN_SQL.setLocal, ['lock_timeout', String(Math.max(1, Math.round(options.lockTimeoutMs ?? 5000)))]);
      const pid = s.processID;
      if (options.signal) {
        onAbort = () => {
          cancelled = true;
          if (pid) void cancelBackend(db, pid);
        };
        options.signal.addEventListener('abort', onAbort, { once: true });
      }
      options.onStarted?.(pid);
      const t0 = performance.now();
      try {
        json = firstPlan((await s.querySingleText(`EXPLAIN (${parts.join(', ')}) ${text}`, values.slice(0, nParams))).rows);
      } catch (e) {
        if (cancelled) throw new PgLensError('Explain Analyze was cancelled; the transaction was rolled back.', '57014', e);
        throw e;
      } finally {
        serverMs = performance.now() - t0;
      }
      // What the rolled-back run wrote, per kind, and the scans it made: the tables' counters (n_tup_ins, …, seq_scan,
      // idx_scan) count them too, and the cache-candidate note, the workload advice and the least-privilege script read
      // them as the app's (person37 L4, person38 M2; a SELECT explained on a table the app only writes was granted).
      noteOwnWork(db.profile, await transactionWork(s));
    } finally {
      if (onAbort) options.signal?.removeEventListener('abort', onAbort);
      await endTransaction(s);
    }
  }, { fresh: true });
  // The catalog's word on the plan's tables and foreign keys, as a brought plan gets it: without it a cascade's trigger
  // time read as a missing index on the referencing columns (person39 H1). Not read: the plan without them (its tips
  // then say what they cannot check).
  const { plan, facts, factsMs, modelMs } = await planWithFacts(db, json);
  serverMs += factsMs;
  // The foreign-key checks and cascades the run made PostgreSQL run (its RI triggers' calls): pg_stat_statements counts
  // them, and the workload's "PostgreSQL's own foreign-key checks" leaves PG Lens's out (person39 L5).
  noteOwnForeignKeyChecks(db.profile, foreignKeyTriggerCalls(plan));
  db.indexUse.note(text, plan);
  return { plan, json, sql: text, method: nParams ? 'custom' : 'plain', statement: info, versionNum, serverMs, modelMs, ...(facts ? { relationRows: facts.relationRows, relationIndexes: facts.relationIndexes, foreignKeys: facts.foreignKeys } : {}) };
}

/**
 * What this transaction of PG Lens's did to the user tables so far (rows written, scans), read before it ends: noted as
 * its own work (noteOwnWork), every reader of the tables' counters leaves it out (lessOwnWork). Best effort: [] when it
 * cannot be read (the counters then include the run, as before).
 */
export async function transactionWork(s: Pick<Session, 'querySingle'>): Promise<({ schema: string; table: string } & OwnTableWork)[]> {
  try {
    const { rows } = await s.querySingle(EXPLAIN_SQL.transactionWork);
    return rows.map((r) => ({ schema: r.schema, table: r.table_name, inserts: Number(r.ins), updates: Number(r.upd), deletes: Number(r.del), hotUpdates: Number(r.hot), seqScans: Number(r.seq), idxScans: Number(r.idx) }));
  } catch {
    return [];
  }
}

/** pg_cancel_backend(pid) from another pooled session. Resolves true when the signal was sent. */
export async function cancelBackend(db: Database, pid: number): Promise<boolean> {
  try {
    const r = await db.query(EXPLAIN_SQL.cancel, [pid]);
    return r.rows[0]?.pg_cancel_backend === true;
  } catch (e) {
    void describeError(e);
    return false;
  }
}

export interface PlanFacts {
  relationRows: [string, number][];
  relationIndexes: [string, IndexLeadFact[]][];
  foreignKeys: [string, ForeignKeyFact][];
}

/**
 * Catalog facts for a plan, read when a connection is at hand: table sizes (for the warnings an estimated plan needs),
 * the scanned tables' indexes (the tips never propose one that exists) and, for the foreign keys whose triggers the
 * plan reports, whether an index leads with the referencing columns. One round trip each, skipped when none.
 */
async function planFacts(db: Pick<Database, 'query'>, names: PlanCatalogNames): Promise<PlanFacts> {
  const relationRows: [string, number][] = [];
  const relationIndexes: [string, IndexLeadFact[]][] = [];
  if (names.relations.length) {
    for (const row of (await db.query(EXPLAIN_SQL.relationRows, [names.relations])).rows) {
      relationRows.push([`${row.schema}.${row.name}`, Number(row.rows)]);
      relationRows.push([String(row.name), Number(row.rows)]);
      const leads = indexLeadsOf(row.indexes);
      relationIndexes.push([`${row.schema}.${row.name}`, leads], [String(row.name), leads]);
    }
  }
  const foreignKeys: [string, ForeignKeyFact][] = [];
  if (names.constraints.length) {
    for (const r of (await db.query(EXPLAIN_SQL.foreignKeys, [names.constraints])).rows) {
      foreignKeys.push([String(r.name), { schema: String(r.schema), table: String(r.table_name), columns: (r.columns as string[]).map(String), referenced: `${r.referenced_schema}.${r.referenced_table}`, indexed: r.index_name != null, ...(r.index_name != null ? { index: String(r.index_name) } : {}) }]);
    }
  }
  return { relationRows, relationIndexes, foreignKeys };
}

export interface PlanWithFacts {
  plan: Plan;
  /** The catalog's facts the plan was modelled with (undefined: none read — no connection, or `factsError`). */
  facts?: PlanFacts;
  /** Why they could not be read (the plan is modelled without them). */
  factsError?: unknown;
  /** Reading them (round trips) and modelling the plan, in milliseconds. */
  factsMs: number;
  modelMs: number;
}

/**
 * A plan (anything parsePlanSource accepts) modelled once, with the catalog's facts of the tables and foreign keys it
 * names when a connection is at hand (planFacts): Explain Analyze run here and a plan brought from elsewhere (a file,
 * the clipboard, a server log: the plan viewer, `pg-lens explain --db`) read them the same way, here. A plan that does
 * not parse throws PlanParseError before any round trip; facts that cannot be read leave the plan without them.
 */
export async function planWithFacts(db: Pick<Database, 'query'> | undefined, source: unknown, options: AnalyzeOptions = {}): Promise<PlanWithFacts> {
  const top = parsePlanSource(source);
  let facts: PlanFacts | undefined;
  let factsError: unknown;
  const t0 = performance.now();
  if (db) {
    try {
      facts = await planFacts(db, planCatalogNames(top));
    } catch (e) {
      factsError = e;
    }
  }
  const t1 = performance.now();
  const plan = analyzePlanWith(top, facts ?? {}, {}, options);
  return { plan, ...(facts ? { facts } : {}), ...(factsError !== undefined ? { factsError } : {}), factsMs: t1 - t0, modelMs: performance.now() - t1 };
}
