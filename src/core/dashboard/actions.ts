/**
 * Maintenance actions the dashboard offers, as data. Objects are addressed by catalog identity
 * (oid, or pid + backend_start for a session), never by a name the webview sends; the database
 * layer re-reads the current schema and name at execution time and quotes them part by part.
 */
import { confirmItems, type ConfirmItem } from '../confirm';

export const ACTION_KINDS = [
  'vacuum-analyze',
  'analyze',
  'reindex-index',
  'drop-index',
  'refresh-materialized-view',
  'cancel-backend',
  'terminate-backend',
  'reset-statements',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export type RelationActionKind = 'vacuum-analyze' | 'analyze' | 'reindex-index' | 'drop-index' | 'refresh-materialized-view';
type RelationAction = { kind: RelationActionKind; oid: number };
type BackendAction = { kind: 'cancel-backend' | 'terminate-backend'; pid: number; backendStart: string };
type ResetAction = { kind: 'reset-statements' };
export type MaintenanceAction = RelationAction | BackendAction | ResetAction;

export const ACTION_TITLES: Record<ActionKind, string> = {
  'vacuum-analyze': 'VACUUM (ANALYZE)',
  analyze: 'ANALYZE',
  'reindex-index': 'REINDEX INDEX CONCURRENTLY',
  'drop-index': 'DROP INDEX CONCURRENTLY',
  'refresh-materialized-view': 'REFRESH MATERIALIZED VIEW',
  // "Stop", not "Cancel": VS Code's own Cancel (Escape) sits in the same dialog (person28 M3: "Cancel" read both ways).
  'cancel-backend': 'Stop query',
  'terminate-backend': 'Terminate session',
  'reset-statements': 'Reset pg_stat_statements',
};

/**
 * Whether a session has a query a cancel can stop. PostgreSQL ignores pg_cancel_backend while a session waits
 * for its client (idle, idle in transaction): a blocker that sits idle in its transaction keeps its locks, and
 * only terminating it ends them. Offering Cancel there did nothing but say "Cancel signal sent".
 */
export function hasQueryToCancel(state: string | null | undefined): boolean {
  return state === 'active' || state === 'fastpath function call';
}

/**
 * The statement a relation action runs on a quoted name: the one text the dashboard runs and a
 * finding shows as its fix. REFRESH is CONCURRENTLY only where the view allows it (a unique index).
 */
export function relationStatement(kind: RelationActionKind, name: string, concurrently = false): string {
  return kind === 'refresh-materialized-view' && concurrently ? `REFRESH MATERIALIZED VIEW CONCURRENTLY ${name}` : `${ACTION_TITLES[kind]} ${name}`;
}

/**
 * The buttons of an action's confirmation dialog: the confirming one names what happens, and the
 * one that closes says what is kept ("Cancel" next to "Stop query" would say nothing of what it keeps).
 */
function confirmLabels(kind: ActionKind): { confirm: string; keep: string; kept: string } {
  switch (kind) {
    case 'cancel-backend':
      return { confirm: 'Stop the query', keep: 'Let it run', kept: 'Nothing done: the query runs on.' };
    case 'terminate-backend':
      return { confirm: 'Terminate the session', keep: 'Keep the session', kept: 'Nothing done: the session stays.' };
    case 'drop-index':
      return { confirm: 'Drop the index', keep: 'Keep the index', kept: 'Nothing done: the index stays.' };
    case 'reset-statements':
      return { confirm: 'Reset the statistics', keep: 'Keep the statistics', kept: 'Nothing done: the statistics stay.' };
    default:
      return { confirm: 'Run', keep: 'Cancel', kept: 'Cancelled: nothing was run.' };
  }
}

/**
 * What the dashboard says when the person chose the button that keeps things as they are: what was kept, never a bare
 * "Cancelled." (person22 LOW A: after "Let it run" it read as if the query had been cancelled).
 */
export function keptMessage(kind: ActionKind): string {
  return confirmLabels(kind).kept;
}

/**
 * The confirmation dialog's buttons (core/confirm): the one that runs the action, named for what happens, and the one
 * that keeps things as they are. For an action that cannot be undone or stops a session's work (terminate, cancel,
 * drop, reset) the keeping one comes first, so Enter keeps (person23 MEDIUM 5); VS Code then adds its own "Cancel"
 * (Escape). Otherwise the action comes first and "Cancel" is the close affordance. What cannot be undone says so in the
 * dialog's detail.
 */
export function confirmButtons(kind: ActionKind): ConfirmItem[] {
  const l = confirmLabels(kind);
  return confirmItems({ confirm: l.confirm, keep: l.keep }, keepsByDefault(kind));
}

/** Actions whose confirmation keeps things as they are on Enter: what cannot be undone, and stopping a running query. */
function keepsByDefault(kind: ActionKind): boolean {
  return isDestructive(kind) || kind === 'cancel-backend';
}

/** Actions that change or remove something permanently (their confirmation says so). */
export function isDestructive(kind: ActionKind): boolean {
  return kind === 'drop-index' || kind === 'terminate-backend' || kind === 'reset-statements';
}

const PG_OID_MAX = 4294967295;

/**
 * Parse an action from untrusted input (a webview message): exact shape, known kind, integer
 * oid/pid in range, an ISO-like timestamp. Anything else → undefined.
 */
export function parseAction(raw: unknown): MaintenanceAction | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  if (!(ACTION_KINDS as readonly string[]).includes(r.kind as string)) return undefined;
  const kind = r.kind as ActionKind;
  const keys = Object.keys(r).sort().join(',');
  switch (kind) {
    case 'reset-statements':
      return keys === 'kind' ? { kind } : undefined;
    case 'cancel-backend':
    case 'terminate-backend': {
      if (keys !== 'backendStart,kind,pid') return undefined;
      if (!Number.isSafeInteger(r.pid) || (r.pid as number) <= 0 || (r.pid as number) > 2 ** 31) return undefined;
      if (typeof r.backendStart !== 'string' || r.backendStart.length > 64 || !/^\d{4}-\d\d-\d\d[ T][0-9:.+\-Z ]+$/.test(r.backendStart)) return undefined;
      return { kind, pid: r.pid as number, backendStart: r.backendStart };
    }
    default: {
      if (keys !== 'kind,oid') return undefined;
      if (!Number.isSafeInteger(r.oid) || (r.oid as number) <= 0 || (r.oid as number) > PG_OID_MAX) return undefined;
      return { kind, oid: r.oid as number };
    }
  }
}

/** A stable key for an action (to match a confirmation or an offered action). */
export function actionKey(a: MaintenanceAction): string {
  switch (a.kind) {
    case 'reset-statements':
      return a.kind;
    case 'cancel-backend':
    case 'terminate-backend':
      return `${a.kind}:${a.pid}:${a.backendStart}`;
    default:
      return `${a.kind}:${a.oid}`;
  }
}
