/**
 * Messages between the extension and the dashboard webview: one discriminated union per direction.
 * The webview is not trusted: every message from it goes through parseWebviewMessage, and an
 * action it requests is checked against what the extension itself offered (authorizeAction) and
 * then confirmed by the user in a modal dialog on the extension side.
 */
import { LIMITS } from '../core/limits';
import { actionKey, parseAction, type MaintenanceAction } from '../core/dashboard/actions';
import type { Alert } from '../core/dashboard/alerts';
import type { ChartPoint } from '../core/dashboard/chartHistory';
import type { GrowthProjection, Regression } from '../core/dashboard/history';
import type { LiveStats } from '../core/dashboard/types';
import type { HealthFinding } from '../core/health/types';
import type { SessionFact } from '../core/health/types';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'no-connection';

export interface HistoryView {
  points: { atMs: number; tps: number | null; connections: number; databaseBytes: number | null }[];
  regressions: Regression[];
  growth: { database?: GrowthProjection; tables: { schema: string; name: string; projection: GrowthProjection }[]; spanHours?: number; needHours?: number };
}

export interface AuditEntry {
  atMs: number;
  profile: string;
  /** A dashboard action, or an index the editor created ("Create index now"). */
  action: MaintenanceAction | { kind: 'create-index'; schema: string; name: string };
  statement: string;
  target: string;
  ok: boolean;
  message: string;
  durationMs: number;
}

/** One statement of the dashboard's workload benchmark, as the results table shows it. */
export interface WorkloadBenchRow {
  id: string;
  query: string;
  calls: number;
  p50?: number;
  p95?: number;
  p99?: number;
  runs?: number;
  /** The values it ran with ($1, $2, … as text): drawn from the column statistics, they may not be the app's. */
  params?: (string | null)[];
  /** Where they came from: sent by the app (a recording), given by the user (Benchmark), or the column statistics. */
  paramsFrom?: 'recorded' | 'yours' | 'code' | 'statistics';
  /** With paramsFrom 'code': where the code writes them (`src/orders.ts:70`), and the places sending other values. */
  paramsAt?: string;
  paramsOthers?: string[];
  /** With paramsOthers: the calls recorded from paramsAt, when it was chosen as the place sending the statement most. */
  paramsAtCalls?: number;
  /** With paramsAtCalls: the calls recorded from every place of the code sending it. */
  paramsRecordedCalls?: number;
  /** Run on stand-in values the app did not send (the statistics'): left out of the workload's figures. */
  standIn?: boolean;
  /** Per parameter: what a stand-in value is (a LIMIT's, any value for a select-list constant); null for the others. */
  paramNotes?: (string | null)[];
  /** Why it was not run (a write, a parameter without a value, the plan guard…). */
  skipped?: string;
}

/** At most this many statements per workload benchmark from the dashboard (what Top statements shows). */
export const MAX_WORKLOAD_STATEMENTS = 20;

export type ToWebview =
  | { type: 'init'; profileName: string; readOnly: boolean; refreshMs: number; statementsState: string; replica: boolean }
  | { type: 'status'; state: ConnectionState; message?: string }
  /** hidden: sampled while the panel sat behind another tab (every 10 s): its chart point is marked so. opened: the panel's first sample (chartGaps: the gap before it is "panel closed"). */
  | { type: 'stats'; stats: LiveStats; hidden?: boolean; opened?: boolean }
  | { type: 'health'; findings: HealthFinding[]; atMs: number; error?: string }
  | { type: 'history'; history: HistoryView }
  /** The charts' stored points for this database (sent when the panel opens or reconnects). */
  | { type: 'chartHistory'; points: ChartPoint[] }
  /** New alerts, and the keys of every condition that still holds (alerts not listed have resolved). */
  /** alerts: new ones (a banner each); active: the keys true now; current: those alerts' words with today's figures. */
  | { type: 'alerts'; alerts: Alert[]; active: string[]; current?: Alert[] }
  | { type: 'actionProgress'; key: string; message: string }
  | { type: 'actionResult'; key: string; ok: boolean; message: string }
  | { type: 'audit'; entries: AuditEntry[] }
  /** The workload benchmark the user confirmed: statements done so far, then the result (or why it did not run). */
  | { type: 'workloadProgress'; done: number; total: number; /** The statement running now (one line). */ current?: string }
  | { type: 'workloadResult'; ok: boolean; message: string; rows: WorkloadBenchRow[]; workload: { p50: number; p95: number; p99: number; mean: number } | null; /** With the statements run on stand-in values too (when there were some). */ workloadWithStandIns?: { p50: number; p95: number; p99: number; mean: number } | null; runs: number };

export type ToExtension =
  | { type: 'ready' }
  | { type: 'requestAction'; action: MaintenanceAction }
  | { type: 'refreshHealth' }
  | { type: 'openSql'; sql: string }
  /** A health finding's "Why": its check's docs page (the extension opens it only for a check id it knows). */
  | { type: 'openDocs'; checkId: string }
  /** A row of Top statements was clicked: its details and call sites (the extension looks the statement up by id). */
  /** `figures`: the window the table shows (since the panel opened, or the totals since pg_stat_statements was reset). */
  | { type: 'showStatement'; id: string; figures: 'delta' | 'total' }
  | { type: 'resetBaseline' }
  /** Benchmark the statements of Top statements with these ids (the extension checks it listed them, then asks the user). */
  | { type: 'runWorkloadBenchmark'; ids: string[] };

const MAX_SQL_LENGTH = LIMITS.statementChars;

/** Validate a message from the webview: exact shapes only, else undefined (and the caller ignores it). */
export function parseWebviewMessage(raw: unknown): ToExtension | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const m = raw as Record<string, unknown>;
  const keys = Object.keys(m).sort().join(',');
  switch (m.type) {
    case 'ready':
    case 'refreshHealth':
    case 'resetBaseline':
      return keys === 'type' ? { type: m.type } : undefined;
    case 'requestAction': {
      if (keys !== 'action,type') return undefined;
      const action = parseAction(m.action);
      return action ? { type: 'requestAction', action } : undefined;
    }
    case 'showStatement':
      if (keys !== 'figures,id,type' || typeof m.id !== 'string' || !/^-?\d{1,20}$/.test(m.id) || (m.figures !== 'delta' && m.figures !== 'total')) return undefined;
      return { type: 'showStatement', id: m.id, figures: m.figures };
    case 'runWorkloadBenchmark': {
      if (keys !== 'ids,type' || !Array.isArray(m.ids) || m.ids.length === 0 || m.ids.length > MAX_WORKLOAD_STATEMENTS) return undefined;
      if (!m.ids.every((id) => typeof id === 'string' && /^-?\d{1,20}$/.test(id)) || new Set(m.ids).size !== m.ids.length) return undefined;
      return { type: 'runWorkloadBenchmark', ids: [...(m.ids as string[])] };
    }
    case 'openDocs':
      if (keys !== 'checkId,type' || typeof m.checkId !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(m.checkId)) return undefined;
      return { type: 'openDocs', checkId: m.checkId };
    case 'openSql':
      if (keys !== 'sql,type' || typeof m.sql !== 'string' || m.sql.length === 0 || m.sql.length > MAX_SQL_LENGTH) return undefined;
      return { type: 'openSql', sql: m.sql };
    default:
      return undefined;
  }
}

/**
 * What the extension offered in the latest data it sent: the actions attached to health findings,
 * cancel/terminate for each listed session (never ours), ANALYZE/VACUUM for listed tables,
 * and reset of pg_stat_statements when available.
 */
export class OfferedActions {
  private readonly keys = new Set<string>();

  static from(input: { findings?: readonly HealthFinding[]; sessions?: readonly SessionFact[]; statementsReady?: boolean }): OfferedActions {
    const o = new OfferedActions();
    for (const f of input.findings ?? []) {
      if (f.action) o.keys.add(actionKey(f.action));
      for (const obj of f.objects)
        if ((obj.kind === 'table' || obj.kind === 'materialized view') && obj.oid) {
          o.keys.add(actionKey({ kind: 'analyze', oid: obj.oid }));
          o.keys.add(actionKey({ kind: 'vacuum-analyze', oid: obj.oid }));
          if (obj.kind === 'materialized view') o.keys.add(actionKey({ kind: 'refresh-materialized-view', oid: obj.oid }));
        }
    }
    for (const s of input.sessions ?? []) {
      if (s.own) continue;
      o.keys.add(actionKey({ kind: 'cancel-backend', pid: s.pid, backendStart: s.backendStart }));
      o.keys.add(actionKey({ kind: 'terminate-backend', pid: s.pid, backendStart: s.backendStart }));
    }
    if (input.statementsReady) o.keys.add(actionKey({ kind: 'reset-statements' }));
    return o;
  }

  merge(other: OfferedActions): OfferedActions {
    const o = new OfferedActions();
    for (const k of this.keys) o.keys.add(k);
    for (const k of other.keys) o.keys.add(k);
    return o;
  }

  has(a: MaintenanceAction): boolean {
    return this.keys.has(actionKey(a));
  }
}

export type Authorization = { ok: true } | { ok: false; reason: string };

/** Refuse what was not offered (a pid not on the list, an oid never shown) and everything on read-only profiles. */
export function authorizeAction(action: MaintenanceAction, offered: OfferedActions, readOnly: boolean): Authorization {
  if (readOnly) return { ok: false, reason: 'This is a production profile: PG Lens offers no maintenance actions on it.' };
  if (!offered.has(action)) {
    return {
      ok: false,
      reason:
        action.kind === 'cancel-backend' || action.kind === 'terminate-backend'
          ? `Session ${action.pid} is not on the dashboard's current list; refused.`
          : 'That action was not offered by the dashboard; refused.',
    };
  }
  return { ok: true };
}
