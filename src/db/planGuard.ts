/**
 * The safety gate every EXPLAIN of user SQL goes through (plain plans, Explain Analyze, the advisor,
 * the rule evidence, query identifiers, benchmarks). It runs on the SAME session and inside the SAME
 * transaction as the EXPLAIN that follows, and decides from the catalog, not from the statement's shape.
 *
 * Why: PostgreSQL runs code while it PLANS — IMMUTABLE functions are folded into constants, STABLE
 * ones are evaluated for estimates, index expressions, CHECK constraints and partition bounds are
 * simplified — and that code runs with the rights of whoever asked for the plan. A function written
 * by a low-privileged role, planned by a superuser, runs as superuser (with dblink it can make its
 * author superuser). So, before any EXPLAIN:
 *
 *  1. Every function the statement can reach is resolved against the catalog: functions named in it
 *     (every word of the statement is looked up as a function name, in every schema, so search_path
 *     tricks cannot hide one), the functions behind its operators and casts, and everything the
 *     relations it names depend on (view rules, recursively; column defaults when the statement can fill
 *     one — INSERT, MERGE, DEFAULT, a write through a rule — never for a SELECT; CHECK and domain
 *     constraints; index expressions and predicates; row-level security policies; partitions;
 *     triggers when the statement runs).
 *  2. A function is UNTRUSTED when running it as the current role would give its author rights the
 *     author does not have: not owned by a superuser, not SECURITY DEFINER (those run as their
 *     author anyway), and its owner is not a member of the current role. Untrusted functions are
 *     named and the plan is refused — unless the caller allowed them by name (trustFunctions).
 *  3. For statements that RUN (Explain Analyze, benchmark): functions whose effects outlive ROLLBACK
 *     (dblink, server files, large-object export/import, replication slots, signalling backends,
 *     statistics resets, configuration reloads, session-level advisory locks, sequences), and user
 *     functions whose body calls one of them, are refused unless allowed by name
 *     (allowSideEffects); VOLATILE functions outside pg_catalog and locking clauses need the same
 *     confirmation as data changes (explain.ts decides with analyzeDecision()).
 *
 * Statements whose author is known (pg_stat_statements.userid: the workload, top statements) are
 * planned under that role (planAs: SET LOCAL ROLE) when the current role may, so planning never has
 * more rights than the statement's author had; where it may not, rule 2 refuses what is untrusted.
 *
 * Every Session refuses to send an EXPLAIN or PREPARE whose statement did not pass guardPlanning()
 * on that session (database.ts: Session.assertGuarded), so a new runner cannot skip this gate.
 */
import type { Session } from './database';
import { PgLensError } from './errors';
import { OWN_IDENTITY, OWN_STATEMENT_MARKER } from './sql';
import { loadPgParser, scanSql } from '../core/sql/statement';

/** Functions (by name, any schema) whose effects are not undone by ROLLBACK, or that reach outside the transaction. */
const SIDE_EFFECT_FUNCTIONS: readonly string[] = [
  // another session (dblink): writes there commit on their own
  'dblink', 'dblink_exec', 'dblink_connect', 'dblink_connect_u', 'dblink_send_query', 'dblink_open', 'dblink_fetch', 'dblink_close',
  'dblink_disconnect', 'dblink_get_result', 'dblink_cancel_query', 'dblink_get_notify',
  // server files and large-object files
  'lo_export', 'lo_import', 'pg_file_write', 'pg_file_unlink', 'pg_file_rename', 'pg_file_sync',
  // replication slots and origins (hold WAL forever), logical decoding that consumes changes
  'pg_create_physical_replication_slot', 'pg_create_logical_replication_slot', 'pg_drop_replication_slot', 'pg_copy_physical_replication_slot',
  'pg_copy_logical_replication_slot', 'pg_replication_slot_advance', 'pg_logical_slot_get_changes', 'pg_logical_slot_get_binary_changes',
  'pg_logical_emit_message', 'pg_replication_origin_create', 'pg_replication_origin_drop', 'pg_replication_origin_advance',
  // other sessions and the server
  'pg_terminate_backend', 'pg_cancel_backend', 'pg_reload_conf', 'pg_rotate_logfile', 'pg_switch_wal', 'pg_create_restore_point', 'pg_promote',
  'pg_wal_replay_pause', 'pg_wal_replay_resume', 'pg_backup_start', 'pg_backup_stop', 'pg_start_backup', 'pg_stop_backup', 'pg_log_backend_memory_contexts',
  // statistics resets
  'pg_stat_statements_reset', 'pg_stat_reset', 'pg_stat_reset_shared', 'pg_stat_reset_single_table_counters', 'pg_stat_reset_single_function_counters',
  'pg_stat_reset_slru', 'pg_stat_reset_replication_slot', 'pg_stat_reset_subscription_stats', 'pg_stat_reset_backend_stats', 'pg_qualstats_reset',
  // session-level advisory locks (outlive the transaction)
  'pg_advisory_lock', 'pg_advisory_lock_shared', 'pg_try_advisory_lock', 'pg_try_advisory_lock_shared', 'pg_advisory_unlock',
  'pg_advisory_unlock_shared', 'pg_advisory_unlock_all',
  // sequences: not rolled back
  'nextval', 'setval',
];

/** LIKE patterns of those names (`_` taken literally): a body that matches none cannot name one. */
const SIDE_EFFECT_LIKE: readonly string[] = SIDE_EFFECT_FUNCTIONS.map((f) => `%${f.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);

/** Extensions whose every function reaches outside the transaction (another connection, the network, a background worker). */
const SIDE_EFFECT_EXTENSIONS: readonly string[] = ['dblink', 'adminpack', 'http', 'pg_net', 'pg_background'];

const GUARD_SQL = {
  /**
   * $1 words of the statement (lower-cased unquoted identifiers and keywords, unquoted quoted ones),
   * $2 its operator symbols, $3 whether it runs (triggers count then), $4 side-effect names,
   * $5 side-effect extensions, $6 whether it may fill a column default (INSERT, MERGE, DEFAULT), $7 whether it
   * writes at all (INSERT, UPDATE, DELETE, MERGE). One row per reachable function that is not a plain pg_catalog
   * builtin owned by a superuser, with what the gate needs to decide.
   */
  reachable: `${OWN_STATEMENT_MARKER} WITH RECURSIVE rels(oid) AS (
      SELECT c.oid FROM pg_class c WHERE c.relname = ANY ($1::text[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
    UNION
      SELECT x.oid FROM rels r, LATERAL (
        SELECT d.refobjid AS oid FROM pg_rewrite w JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid
        WHERE w.ev_class = r.oid AND d.refclassid = 'pg_class'::regclass
        UNION ALL SELECT i.inhrelid FROM pg_inherits i WHERE i.inhparent = r.oid) x
  ), objs(classid, objid) AS (
      SELECT 'pg_rewrite'::regclass::oid, w.oid FROM pg_rewrite w WHERE w.ev_class IN (SELECT oid FROM rels)
    -- a column default runs only when a row is written without that column (INSERT, MERGE, UPDATE … DEFAULT, or a
    -- write through a rule); a stored generated column on every write; a virtual one whenever it is read
    UNION ALL SELECT 'pg_attrdef'::regclass::oid, a.oid FROM pg_attrdef a
      JOIN pg_attribute att ON att.attrelid = a.adrelid AND att.attnum = a.adnum
      WHERE a.adrelid IN (SELECT oid FROM rels) AND CASE att.attgenerated
        WHEN '' THEN $6::bool OR ($7::bool AND EXISTS (SELECT 1 FROM pg_rewrite w WHERE w.ev_class IN (SELECT oid FROM rels) AND w.ev_type <> '1'))
        WHEN 's' THEN $7::bool
        ELSE true END
    UNION ALL SELECT 'pg_constraint'::regclass::oid, c.oid FROM pg_constraint c WHERE c.conrelid IN (SELECT oid FROM rels)
    UNION ALL SELECT 'pg_class'::regclass::oid, i.indexrelid FROM pg_index i WHERE i.indrelid IN (SELECT oid FROM rels)
    UNION ALL SELECT 'pg_policy'::regclass::oid, p.oid FROM pg_policy p JOIN pg_class pc ON pc.oid = p.polrelid
      WHERE p.polrelid IN (SELECT oid FROM rels) AND pc.relrowsecurity
        -- policies apply unless the role bypasses them (superuser, BYPASSRLS, owner without FORCE)
        AND NOT (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user)
        AND (pc.relforcerowsecurity OR NOT pg_has_role(pc.relowner, 'USAGE'))
    UNION ALL SELECT 'pg_trigger'::regclass::oid, t.oid FROM pg_trigger t WHERE $3::bool AND t.tgrelid IN (SELECT oid FROM rels)
    UNION ALL SELECT 'pg_constraint'::regclass::oid, c.oid FROM pg_attribute a JOIN pg_constraint c ON c.contypid = a.atttypid
      WHERE a.attrelid IN (SELECT oid FROM rels) AND a.attnum > 0
  ), deps AS (
    SELECT d.refclassid, d.refobjid FROM pg_depend d JOIN objs o ON d.classid = o.classid AND d.objid = o.objid
  ), procs(oid) AS (
      SELECT p.oid FROM pg_proc p WHERE p.proname = ANY ($1::text[])
    UNION SELECT o.oprcode::oid FROM pg_operator o WHERE o.oprname = ANY ($2::text[]) AND o.oprcode <> 0
    UNION SELECT c.castfunc FROM pg_cast c WHERE c.castfunc <> 0 AND (
        c.casttarget IN (SELECT t.oid FROM pg_type t WHERE t.typname = ANY ($1::text[]))
        OR c.castsource IN (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid IN (SELECT oid FROM rels) AND a.attnum > 0))
    UNION SELECT d.refobjid FROM deps d WHERE d.refclassid = 'pg_proc'::regclass
    UNION SELECT o.oprcode::oid FROM deps d JOIN pg_operator o ON d.refclassid = 'pg_operator'::regclass AND o.oid = d.refobjid
  )
  SELECT n.nspname AS schema, p.proname AS name, pg_get_function_identity_arguments(p.oid) AS args,
      r.rolname AS owner, p.provolatile AS volatility, l.lanname AS language, p.prosecdef AS security_definer,
      (r.rolsuper OR p.prosecdef OR pg_has_role(p.proowner, current_user, 'MEMBER')) AS trusted,
      e.extname AS extension,
      (p.proname = ANY ($4::text[]) OR e.extname = ANY ($5::text[])) AS side_effect,
      CASE WHEN l.lanname NOT IN ('c', 'internal') THEN (
        SELECT string_agg(DISTINCT m[1], ', ') FROM regexp_matches(lower(p.prosrc), '\\m(' || array_to_string($4::text[], '|') || ')\\M', 'g') AS m
      ) END AS body_calls
    FROM procs x
    JOIN pg_proc p ON p.oid = x.oid
    JOIN pg_namespace n ON n.oid = p.pronamespace
    JOIN pg_roles r ON r.oid = p.proowner
    JOIN pg_language l ON l.oid = p.prolang
    LEFT JOIN pg_depend ed ON ed.classid = 'pg_proc'::regclass AND ed.objid = p.oid AND ed.deptype = 'e'
    LEFT JOIN pg_extension e ON e.oid = ed.refobjid
    WHERE NOT (n.nspname = 'pg_catalog' AND r.rolsuper AND NOT p.proname = ANY ($4::text[]))
    ORDER BY 1, 2, 3`,
  /**
   * The fast path of a plain plan: is there, anywhere in this database, a function the gate could
   * refuse — an untrusted one, or a non-VOLATILE user function whose body names a side-effect function
   * ($1)? When not, no statement can reach one and the full resolution is skipped. Runs in the
   * EXPLAIN's transaction like the full query. The word-bounded regex runs only on bodies that hold one of the names at
   * all ($2: LIKE patterns, CASE keeps the order): on every body it cost 0.3–0.5 ms a function — 87–150 ms an EXPLAIN
   * with 300 plpgsql functions (a PostGIS database has hundreds), 4 ms with the filter first (person22 MEDIUM C).
   */
  anySuspect: `${OWN_STATEMENT_MARKER} SELECT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
      WHERE NOT r.rolsuper AND NOT p.prosecdef AND NOT pg_has_role(p.proowner, current_user, 'MEMBER'))
    OR EXISTS (SELECT 1 FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
      WHERE p.pronamespace <> 'pg_catalog'::regnamespace AND p.provolatile <> 'v' AND l.lanname NOT IN ('c', 'internal')
        AND CASE WHEN lower(p.prosrc) LIKE ANY ($2::text[])
          THEN lower(p.prosrc) ~ ('\\m(' || array_to_string($1::text[], '|') || ')\\M') ELSE false END) AS suspect`,
  /** $1 role oid: its name and whether the current role may become it. */
  role: `${OWN_STATEMENT_MARKER} SELECT r.rolname AS name, pg_has_role(current_user, r.oid, 'MEMBER') AS may FROM pg_roles r WHERE r.oid = $1::oid`,
  /** SET LOCAL ROLE with a parameter. */
  setRole: `${OWN_STATEMENT_MARKER} SELECT set_config('role', $1, true)`,
  currentUser: `${OWN_STATEMENT_MARKER} ${OWN_IDENTITY} SELECT current_user AS name, current_setting('is_superuser') = 'on' AS superuser`,
} as const;

interface ReachableFunction {
  /** schema.name(args) */
  signature: string;
  /** schema.name */
  name: string;
  owner: string;
  volatility: 'immutable' | 'stable' | 'volatile';
  language: string;
  extension?: string;
  trusted: boolean;
  /** Its effects outlive ROLLBACK (by name, extension, or what its body calls). */
  sideEffect?: string;
}

export interface GuardOptions {
  /** The statement runs (Explain Analyze, benchmark): triggers count, and side effects are reported. */
  runs?: boolean;
  /** Untrusted functions the user allowed by name (schema.name or name). */
  trustFunctions?: readonly string[];
  /** Side-effect functions the user allowed by name. */
  allowSideEffects?: readonly string[];
}

export interface GuardReport {
  functions: ReachableFunction[];
  /** Role the statement is planned as. */
  role: string;
  /** Functions whose effects outlive ROLLBACK. */
  sideEffects: ReachableFunction[];
  /** VOLATILE functions outside pg_catalog (they may do anything; a confirmation names them). */
  volatile: ReachableFunction[];
}

const VOLATILITY: Record<string, ReachableFunction['volatility']> = { i: 'immutable', s: 'stable', v: 'volatile' };

/** Words and operator symbols of a statement, as PostgreSQL's lexer reads it. */
function statementWords(sql: string): { words: string[]; operators: string[] } {
  const words = new Set<string>();
  const operators = new Set<string>();
  for (const t of scanSql(sql) ?? []) {
    const s = t.text;
    if (s.startsWith('"') && s.endsWith('"') && s.length >= 2) words.add(s.slice(1, -1).replace(/""/g, '"'));
    else if (/^[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*$/.test(s)) words.add(s.replace(/[A-Z]+/g, (m) => m.toLowerCase()));
    else if (/^[~!@#%^&*+\-<>=|`?/]+$/.test(s)) operators.add(s);
  }
  // A text the lexer cannot read is refused by the parser before it gets here; be safe anyway.
  if (!scanSql(sql)) for (const m of sql.matchAll(/[A-Za-z_][\w$]*/g)) words.add(m[0].toLowerCase());
  return { words: [...words], operators: [...operators] };
}

/**
 * Whether a statement can run its tables' column defaults, from its words (conservatively: a word is enough, a
 * column named "default" too). A default is evaluated only for a row written without that column: INSERT (and
 * upserts), MERGE, UPDATE … SET c = DEFAULT — or a write through a rule, which the query checks in the catalog.
 * A SELECT never runs them, so `id uuid DEFAULT uuid_generate_v4()` does not make reading the table VOLATILE.
 */
function defaultsFilled(words: readonly string[]): { fillsDefaults: boolean; writes: boolean } {
  const has = (w: string) => words.includes(w);
  const fillsDefaults = has('insert') || has('merge') || has('default');
  return { fillsDefaults, writes: fillsDefaults || has('update') || has('delete') };
}

function allowedBy(list: readonly string[] | undefined, f: ReachableFunction): boolean {
  if (!list?.length) return false;
  const short = f.name.slice(f.name.indexOf('.') + 1);
  return list.some((x) => x === f.name || x === short || x === f.signature);
}

/**
 * Resolve what the statement can run, refuse untrusted functions, and mark the statement as checked
 * on this session. Call inside the transaction the EXPLAIN runs in, after any planAs().
 */
export async function guardPlanning(session: Session, sql: string, opts: GuardOptions = {}): Promise<GuardReport> {
  await loadPgParser();
  if (!opts.runs && !(await session.queryPrepared(GUARD_SQL.anySuspect, [SIDE_EFFECT_FUNCTIONS, SIDE_EFFECT_LIKE])).rows[0]?.suspect) {
    // Nothing in this database could be refused for a plain plan: skip the full resolution.
    session.markGuarded(sql);
    return { functions: [], role: '', sideEffects: [], volatile: [] };
  }
  const { words, operators } = statementWords(sql);
  const me = (await session.query(GUARD_SQL.currentUser)).rows[0];
  const { fillsDefaults, writes } = defaultsFilled(words);
  const rows = (await session.querySingle(GUARD_SQL.reachable, [words, operators, !!opts.runs, SIDE_EFFECT_FUNCTIONS, SIDE_EFFECT_EXTENSIONS, fillsDefaults, writes])).rows;
  const functions: ReachableFunction[] = rows.map((r) => {
    const f: ReachableFunction = {
      signature: `${r.schema}.${r.name}(${r.args})`,
      name: `${r.schema}.${r.name}`,
      owner: r.owner,
      volatility: VOLATILITY[r.volatility] ?? 'volatile',
      language: r.language,
      extension: r.extension ?? undefined,
      trusted: r.trusted === true,
    };
    if (r.side_effect) f.sideEffect = r.extension && SIDE_EFFECT_EXTENSIONS.includes(r.extension) ? `part of the ${r.extension} extension` : 'acts outside the transaction';
    else if (r.body_calls) f.sideEffect = `its body calls ${r.body_calls}`;
    return f;
  });
  const untrusted = functions.filter((f) => !f.trusted && !allowedBy(opts.trustFunctions, f));
  if (untrusted.length) {
    const list = untrusted.slice(0, 5).map((f) => `${f.signature} (owned by ${f.owner}, ${f.language} ${f.volatility})`).join(', ');
    const more = untrusted.length > 5 ? ` and ${untrusted.length - 5} more` : '';
    throw new PgLensError(
      `Refused: planning this statement would run ${list}${more} with the rights of ${me.superuser ? 'superuser ' : 'role '}${me.name}, which the owner does not have. ` +
        `Connect as a role no more privileged than the owner, or trust it by name (--trust-function ${untrusted[0].name}).`,
      'UNTRUSTED_FUNCTION',
    );
  }
  if (!opts.runs) {
    // Planning folds IMMUTABLE and evaluates STABLE functions: one that reaches outside the transaction would act now.
    const atPlanTime = functions.filter((f) => f.sideEffect && f.volatility !== 'volatile' && !allowedBy(opts.allowSideEffects, f));
    if (atPlanTime.length) {
      throw new PgLensError(`Refused: planning this statement may run ${atPlanTime.map((f) => `${f.signature} (${f.volatility}; ${f.sideEffect})`).join(', ')}, whose effects outlive the rollback.`, 'SIDE_EFFECTS');
    }
  }
  session.markGuarded(sql);
  return {
    functions,
    role: me.name,
    sideEffects: functions.filter((f) => f.sideEffect),
    volatile: functions.filter((f) => f.volatility === 'volatile' && !f.sideEffect && !f.name.startsWith('pg_catalog.')),
  };
}

/**
 * Plan as the role that ran the statement (pg_stat_statements.userid): SET LOCAL ROLE, for the rest
 * of the current transaction. Returns the role name, or undefined when the current role may not
 * become it (then guardPlanning refuses what would run with more rights than its author had).
 */
export async function planAs(session: Session, roleOid: string | number | undefined): Promise<string | undefined> {
  if (roleOid === undefined || roleOid === null || roleOid === '') return undefined;
  const r = (await session.querySingle(GUARD_SQL.role, [String(roleOid)])).rows[0];
  if (!r?.may) return undefined;
  await session.querySingle(GUARD_SQL.setRole, [r.name]);
  return r.name;
}

export interface AnalyzeRiskInput {
  report: GuardReport;
  writes: string[];
  locking: boolean;
}

export interface AnalyzeDecision {
  /** Needs the data-change confirmation (allowDml): writes, locking clauses, VOLATILE functions. */
  needsConfirmation: boolean;
  /** Side-effect functions (schema.name) that must be allowed by name. */
  sideEffects: string[];
  /** The sentence a confirmation shows. */
  risk: string;
  /** BEGIN READ ONLY is possible. */
  readOnly: boolean;
}

/** What running this statement would do, from the catalog (see explain.ts: explainAnalyze, analyzeRisk). */
export function analyzeDecision({ report, writes, locking }: AnalyzeRiskInput): AnalyzeDecision {
  const parts: string[] = [];
  if (writes.length) parts.push(`it changes data (${writes.join(', ')})`);
  if (locking) parts.push('it takes row locks (FOR UPDATE/SHARE), so it runs in a read-write transaction');
  if (report.volatile.length) parts.push(`it calls VOLATILE function${report.volatile.length > 1 ? 's' : ''} ${report.volatile.map((f) => `${f.name} (owned by ${f.owner})`).join(', ')}, which may do anything`);
  const sideEffects = [...new Set(report.sideEffects.map((f) => f.name))];
  const risk = parts.length
    ? `Explain Analyze runs it for real: ${parts.join('; ')}. The transaction is always rolled back: rows are restored, but triggers fire, sequences advance (nextval is not rolled back), locks are held until the rollback, and any effect outside the transaction stays.`
    : '';
  return { needsConfirmation: parts.length > 0, sideEffects, risk, readOnly: !writes.length && !locking };
}

/** Refuse side-effect functions that were not allowed by name. */
export function assertSideEffectsAllowed(report: GuardReport, allow: readonly string[] | undefined): void {
  const refused = report.sideEffects.filter((f) => !allowedBy(allow, f));
  if (!refused.length) return;
  const names = [...new Set(refused.map((f) => f.name))];
  const why = refused.map((f) => `${f.name}: ${f.sideEffect}`);
  throw new PgLensError(
    `Refused: running this statement calls ${[...new Set(why)].join('; ')} — effects that ROLLBACK does not undo. Allow them by name if you mean it (--allow-side-effects ${names.join(',')}).`,
    'SIDE_EFFECTS',
  );
}
