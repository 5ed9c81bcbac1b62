/**
 * Maintenance actions, addressed by catalog identity. The object's current schema and name are
 * read again by oid at execution time and quoted part by part; a backend is addressed by pid AND
 * backend_start, checked in the same statement that signals it, so a reused pid is never hit and
 * PG Lens's own sessions never are. Statements that cannot run in a transaction (VACUUM,
 * CONCURRENTLY) run alone, in autocommit, on a dedicated session with no statement timeout.
 * Production (read-only) profiles are refused before anything is sent.
 */
import { ACTION_TITLES, relationStatement, type MaintenanceAction } from '../core/dashboard/actions';
import { qualifiedName } from '../core/sql/ident';
import { reindexLeftover } from '../core/health/checks/indexes';
import type { Database, Session } from './database';
import { APPLICATION_NAME } from './database';
import { PgLensError } from './errors';
import { OWN_IDENTITY, OWN_STATEMENT_MARKER as M } from './sql';
import { registerOwnStatements } from './stats';

const MAINTENANCE_SQL = {
  relationByOid: `${M} SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind, c.relispopulated AS populated,
    t.relname AS table_name, tn.nspname AS table_schema,
    EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = c.oid AND con.conrelid = i.indrelid) AS backs_constraint,
    EXISTS (SELECT 1 FROM pg_index u WHERE u.indrelid = c.oid AND u.indisunique AND u.indisvalid AND u.indpred IS NULL AND u.indexprs IS NULL) AS has_unique_index
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_index i ON i.indexrelid = c.oid LEFT JOIN pg_class t ON t.oid = i.indrelid LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
    WHERE c.oid = $1`,
  backend: `${M} SELECT pid, backend_start::text AS backend_start, application_name, usename, state, left(query, 200) AS query,
    (pid = pg_backend_pid() OR application_name = $3) AS own, backend_start = $2::timestamptz AS same_backend
    FROM pg_stat_activity WHERE pid = $1`,
  /** Signal only the same backend (pid and backend_start) and never one of ours, in one statement. $1 pid, $2 backend_start, $3 our application_name. */
  cancel: `${M} SELECT pg_cancel_backend(pid) AS signalled FROM pg_stat_activity
    WHERE pid = $1 AND backend_start = $2::timestamptz AND application_name IS DISTINCT FROM $3 AND pid <> pg_backend_pid()`,
  terminate: `${M} SELECT pg_terminate_backend(pid) AS signalled FROM pg_stat_activity
    WHERE pid = $1 AND backend_start = $2::timestamptz AND application_name IS DISTINCT FROM $3 AND pid <> pg_backend_pid()`,
  resetStatements: `${M} SELECT pg_stat_statements_reset()`,
  /** Progress of one backend's VACUUM / ANALYZE / CREATE INDEX (REINDEX). $1 = pid. */
  progress: `${M} SELECT phase, done, total FROM (
    SELECT pid, phase::text, heap_blks_scanned::float8 AS done, heap_blks_total::float8 AS total FROM pg_stat_progress_vacuum
    UNION ALL SELECT pid, phase::text, sample_blks_scanned::float8, sample_blks_total::float8 FROM pg_stat_progress_analyze
    UNION ALL SELECT pid, phase::text, CASE WHEN blocks_total > 0 THEN blocks_done ELSE tuples_done END::float8,
      CASE WHEN blocks_total > 0 THEN blocks_total ELSE tuples_total END::float8 FROM pg_stat_progress_create_index) p WHERE pid = $1`,
  setStatementTimeout: `${M} SELECT set_config('statement_timeout', $1, false), set_config('lock_timeout', $2, false)`,
  readTimeouts: `${M} ${OWN_IDENTITY} SELECT current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt`,
  /**
   * The invalid indexes beside index $1 (same table) whose names start with its name and `_cc`: what a failed REINDEX INDEX
   * CONCURRENTLY of it leaves (`<name>_ccnew`, `<name>_ccold`; reindexLeftover tells them apart from a look-alike name).
   */
  reindexLeftovers: `${M} SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, o.relname AS of_name
    FROM pg_index x JOIN pg_class o ON o.oid = x.indexrelid
    JOIN pg_index i ON i.indrelid = x.indrelid AND i.indexrelid <> x.indexrelid AND NOT i.indisvalid
    JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE x.indexrelid = $1 AND starts_with(c.relname, o.relname || '_cc')`,
} as const;

export interface ActionPlan {
  action: MaintenanceAction;
  /** The statement that will run (identifiers quoted), or a description for backend actions. */
  statement: string;
  /** Human description of the target, e.g. `index public."a b" on public.t`. */
  target: string;
}

export interface ActionResult extends ActionPlan {
  ok: boolean;
  message: string;
  durationMs: number;
}

export interface MaintenanceOptions {
  /** Called about once a second while a long action runs. */
  onProgress?: (message: string) => void;
  /** Lock wait limit for the action's session (ms). */
  lockTimeoutMs?: number;
}

const RELATION_KINDS: Record<string, string> = { r: 'table', p: 'partitioned table', m: 'materialized view', i: 'index', I: 'partitioned index' };

/**
 * Work out exactly what will run, from the catalog as it is now. Throws a one-line PgLensError
 * when the object is gone, is of the wrong kind, or the session is not the one that was listed.
 */
export async function planAction(db: Database, action: MaintenanceAction): Promise<ActionPlan> {
  switch (action.kind) {
    case 'reset-statements':
      // The confirm's title is "<action title>: <target>?": the title already names pg_stat_statements (person48 L-c read
      // "Reset pg_stat_statements: all pg_stat_statements entries?"); the target says what is lost, and how wide.
      return { action, statement: 'SELECT pg_stat_statements_reset()', target: 'the figures of every statement, in every database of this server' };
    case 'cancel-backend':
    case 'terminate-backend': {
      const { rows } = await db.query(MAINTENANCE_SQL.backend, [action.pid, action.backendStart, APPLICATION_NAME]);
      const b = rows[0];
      if (!b) throw new PgLensError(`Session ${action.pid} has ended; nothing to ${action.kind === 'cancel-backend' ? 'cancel' : 'terminate'}.`, 'GONE');
      if (!b.same_backend) throw new PgLensError(`Pid ${action.pid} now belongs to a different session (it started at ${b.backend_start}); refused.`, 'PID_REUSED');
      if (b.own) throw new PgLensError(`Pid ${action.pid} is one of PG Lens's own sessions; refused.`, 'OWN_SESSION');
      const fn = action.kind === 'cancel-backend' ? 'pg_cancel_backend' : 'pg_terminate_backend';
      return { action, statement: `SELECT ${fn}(${action.pid})`, target: `session ${action.pid} (${b.usename ?? '?'}, ${b.application_name || 'no application name'}, ${b.state ?? '?'})` };
    }
    default: {
      const { rows } = await db.query(MAINTENANCE_SQL.relationByOid, [action.oid]);
      const r = rows[0];
      if (!r) throw new PgLensError(`The object (oid ${action.oid}) no longer exists.`, 'GONE');
      const kind = RELATION_KINDS[r.relkind] ?? `relation of kind ${r.relkind}`;
      const name = qualifiedName(r.schema, r.name);
      const wrongKind = () => new PgLensError(`${ACTION_TITLES[action.kind]} does not apply to ${kind} ${name}.`, 'WRONG_KIND');
      switch (action.kind) {
        case 'vacuum-analyze':
          if (!['r', 'p', 'm'].includes(r.relkind)) throw wrongKind();
          return { action, statement: relationStatement(action.kind, name), target: `${kind} ${name}` };
        case 'analyze':
          if (!['r', 'p', 'm'].includes(r.relkind)) throw wrongKind();
          return { action, statement: relationStatement(action.kind, name), target: `${kind} ${name}` };
        case 'reindex-index':
          if (r.relkind !== 'i' && r.relkind !== 'I') throw wrongKind();
          return { action, statement: relationStatement(action.kind, name), target: `index ${name} on ${qualifiedName(r.table_schema, r.table_name)}` };
        case 'drop-index':
          if (r.relkind !== 'i') throw wrongKind();
          if (r.backs_constraint) throw new PgLensError(`Index ${name} backs a constraint; drop the constraint instead (not offered here).`, 'CONSTRAINT_INDEX');
          return { action, statement: relationStatement(action.kind, name), target: `index ${name} on ${qualifiedName(r.table_schema, r.table_name)}` };
        case 'refresh-materialized-view': {
          if (r.relkind !== 'm') throw wrongKind();
          // CONCURRENTLY needs a unique index on plain columns and an already populated view.
          const concurrently = r.has_unique_index && r.populated;
          return { action, statement: relationStatement(action.kind, name, concurrently), target: `materialized view ${name}` };
        }
      }
    }
  }
}

/** Plan (again, by identity) and run one action. Never throws for a failed action: the result says what happened. */
export async function runAction(db: Database, action: MaintenanceAction, opts: MaintenanceOptions = {}): Promise<ActionResult> {
  const started = Date.now();
  db.assertWritable(ACTION_TITLES[action.kind]);
  const plan = await planAction(db, action);
  const done = (ok: boolean, message: string): ActionResult => ({ ...plan, ok, message, durationMs: Date.now() - started });
  try {
    switch (action.kind) {
      case 'reset-statements':
        await db.query(MAINTENANCE_SQL.resetStatements);
        return done(true, 'pg_stat_statements was reset.');
      case 'cancel-backend':
      case 'terminate-backend': {
        const sql = action.kind === 'cancel-backend' ? MAINTENANCE_SQL.cancel : MAINTENANCE_SQL.terminate;
        const { rows } = await db.query(sql, [action.pid, action.backendStart, APPLICATION_NAME]);
        if (!rows.length) return done(false, `Session ${action.pid} ended or changed before the signal; nothing was sent.`);
        return rows[0].signalled ? done(true, `${action.kind === 'cancel-backend' ? 'Cancel (stop query)' : 'Terminate'} signal sent to session ${action.pid}.`) : done(false, `The server did not signal session ${action.pid} (no permission?).`);
      }
      default: {
        const before = action.kind === 'reindex-index' ? await reindexLeftovers(db, action.oid) : [];
        try {
          await db.withSession((s) => runAlone(db, s, plan.statement, opts));
        } catch (e) {
          // A failed REINDEX CONCURRENTLY leaves its new copy, invalid and kept up on every write: said, not left to be
          // found in psql (person45 H2: order_items_bad_uq_ccnew beside order_items_bad_uq after the dashboard's REINDEX).
          const left = action.kind === 'reindex-index' ? (await reindexLeftovers(db, action.oid).catch(() => [])).filter((x) => !before.includes(x)) : [];
          return done(false, `${failureText(db, e)}${left.length ? ` It left the invalid ${left.length === 1 ? 'index' : 'indexes'} ${left.join(', ')} behind (kept up on every write, used by no query): drop ${left.length === 1 ? 'it' : 'them'} with DROP INDEX CONCURRENTLY (Health checks offers it).` : ''}`);
        }
        return done(true, `${plan.statement} finished.`);
      }
    }
  } catch (e) {
    return done(false, failureText(db, e));
  }
}

/** A failed action's one line: the server's message and its DETAIL (which key is duplicated, which object depends on it). */
function failureText(db: Pick<Database, 'wrap'>, e: unknown): string {
  const w = db.wrap(e) as { message: string; detail?: unknown };
  const detail = typeof w.detail === 'string' ? w.detail.split('\n')[0].trim() : '';
  return detail ? `${w.message.replace(/\.?$/, '.')} ${detail}` : w.message;
}

/** The leftovers of a REINDEX INDEX CONCURRENTLY of index `oid` there are now, qualified and quoted. */
async function reindexLeftovers(db: Pick<Database, 'query'>, oid: number): Promise<string[]> {
  const { rows } = await db.query(MAINTENANCE_SQL.reindexLeftovers, [oid]);
  return rows.filter((r) => reindexLeftover(r.name)?.of === r.of_name).map((r) => qualifiedName(r.schema, r.name));
}

/** One utility statement, alone, autocommit, no statement timeout, with progress polled from another session. */
async function runAlone(db: Database, s: Session, statement: string, opts: MaintenanceOptions): Promise<void> {
  const before = (await s.query(MAINTENANCE_SQL.readTimeouts)).rows[0];
  await s.query(MAINTENANCE_SQL.setStatementTimeout, ['0', String(opts.lockTimeoutMs ?? 10000)]);
  const pid = s.processID;
  let timer: NodeJS.Timeout | undefined;
  let running = true;
  if (opts.onProgress && pid) {
    const poll = async () => {
      try {
        const { rows } = await db.query(MAINTENANCE_SQL.progress, [pid]);
        const p = rows[0];
        if (p && running) opts.onProgress!(p.total > 0 ? `${p.phase}: ${Math.round((100 * p.done) / p.total)}%` : String(p.phase));
      } catch {
        // Progress is best effort.
      }
      if (running) timer = setTimeout(poll, 1000);
    };
    timer = setTimeout(poll, 1000);
  }
  try {
    // Simple protocol, no parameters: one utility statement with identifiers quoted part by part,
    // marked like every statement of ours.
    await s.query(`${M} ${statement}`);
  } finally {
    running = false;
    if (timer) clearTimeout(timer);
    // The session goes back to the pool with the timeouts it came with.
    await s.query(MAINTENANCE_SQL.setStatementTimeout, [before.st, before.lt]).catch(() => s.markBroken());
  }
}

registerOwnStatements(Object.values(MAINTENANCE_SQL));
