/** Sessions: long-running queries, idle-in-transaction sessions, blocked sessions and their blockers. */
import { finding, worstFirst, type FindingDetails } from '../finding';
import { quoteLiteral } from '../../sql/ident';
import type { HealthCheck, HealthFinding, SessionFact } from '../types';

/**
 * Cancel the query of, or terminate, this exact backend (a reused pid has another backend_start): the
 * statement as fixSql and the same step as the dashboard's action, so the two never disagree.
 */
function backendFix(how: 'cancel' | 'terminate', s: Pick<SessionFact, 'pid' | 'backendStart'>): Pick<FindingDetails, 'fixSql' | 'action'> {
  return {
    fixSql: [`SELECT pg_${how}_backend(pid) FROM pg_stat_activity WHERE pid = ${s.pid} AND backend_start = ${quoteLiteral(s.backendStart)}::timestamptz;`],
    action: { kind: how === 'cancel' ? 'cancel-backend' : 'terminate-backend', pid: s.pid, backendStart: s.backendStart },
  };
}

function sessionRef(s: SessionFact) {
  return { kind: 'session' as const, name: `pid ${s.pid}`, pid: s.pid };
}

function sessionEvidence(s: SessionFact): Record<string, unknown> {
  return {
    pid: s.pid,
    backendStart: s.backendStart,
    database: s.database,
    user: s.user,
    application: s.application,
    clientAddr: s.clientAddr,
    state: s.state,
    waitEvent: s.waitEventType ? `${s.waitEventType}:${s.waitEvent}` : null,
    querySeconds: round(s.querySeconds),
    transactionSeconds: round(s.xactSeconds),
    query: s.query,
  };
}

function round(n: number | null): number | null {
  return n === null ? null : Math.round(n * 10) / 10;
}

const others = (sessions: SessionFact[]) => sessions.filter((s) => !s.own);

export const longRunningQuery: HealthCheck = {
  id: 'long-running-query',
  title: 'Long-running queries',
  category: 'activity',
  summary: 'An active query running longer than the threshold.',
  run(f, t) {
    return worstFirst(others(f.sessions), (s) => s.state === 'active' && (s.querySeconds ?? 0) >= t.longRunningSeconds && !s.blockedBy.length, (s) => s.querySeconds ?? 0)
      .map((s) => finding(this, (s.querySeconds ?? 0) >= t.longRunningSeconds * 10 ? 'error' : 'warning', `Query of pid ${s.pid} (${s.user ?? '?'}) has been running for ${fmtSeconds(s.querySeconds)}.`, {
        objects: [sessionRef(s)],
        evidence: sessionEvidence(s),
        ...backendFix('cancel', s),
        help: 'Cancel the query if it is not expected to run this long; look at its plan.',
      }));
  },
};

export const idleInTransaction: HealthCheck = {
  id: 'idle-in-transaction',
  title: 'Idle in transaction',
  category: 'activity',
  summary: 'A session that opened a transaction and has been idle in it longer than the threshold (holds locks, stops vacuum).',
  run(f, t) {
    return worstFirst(others(f.sessions), (s) => (s.state === 'idle in transaction' || s.state === 'idle in transaction (aborted)') && (s.stateSeconds ?? 0) >= t.idleInTransactionSeconds, (s) => s.stateSeconds ?? 0)
      .map((s) => finding(this, 'warning', `Session pid ${s.pid} (${s.user ?? '?'}, ${s.application || 'no application name'}) has been idle in a transaction for ${fmtSeconds(s.stateSeconds)}.`, {
        objects: [sessionRef(s)],
        evidence: { ...sessionEvidence(s), idleSeconds: round(s.stateSeconds) },
        ...backendFix('terminate', s),
        help: 'Fix the application so it commits or rolls back promptly; idle_in_transaction_session_timeout bounds it server-side.',
      }));
  },
};

export const blockedSession: HealthCheck = {
  id: 'blocked-session',
  title: 'Blocked sessions',
  category: 'activity',
  summary: 'A session waiting for a lock held by another session, longer than the threshold; the blocker is named.',
  run(f, t) {
    const byPid = new Map(f.sessions.map((s) => [s.pid, s]));
    const out: HealthFinding[] = [];
    // Group waiters by their root blocker (the head of the chain), so one finding names the culprit.
    const groups = new Map<number, SessionFact[]>();
    for (const s of f.sessions) {
      if (!s.blockedBy.length || (s.stateSeconds ?? 0) < t.blockedSeconds) continue;
      const root = rootBlocker(s.pid, byPid);
      const list = groups.get(root) ?? [];
      list.push(s);
      groups.set(root, list);
    }
    for (const [rootPid, waiters] of groups) {
      const root = byPid.get(rootPid);
      const longest = Math.max(...waiters.map((w) => w.stateSeconds ?? 0));
      out.push(finding(this, longest >= t.blockedSeconds * 10 ? 'error' : 'warning', `${waiters.length} session${waiters.length === 1 ? '' : 's'} blocked for up to ${fmtSeconds(longest)} by pid ${rootPid}${root ? ` (${root.user ?? '?'}, ${root.state ?? 'unknown state'})` : ''}.`, {
        objects: [{ kind: 'session', name: `pid ${rootPid}`, pid: rootPid }, ...waiters.map(sessionRef)],
        evidence: {
          blocker: root ? sessionEvidence(root) : { pid: rootPid },
          waiters: waiters.map((w) => ({ ...sessionEvidence(w), blockedBy: w.blockedBy, waitingSeconds: round(w.stateSeconds) })),
        },
        ...(root && !root.own ? backendFix('terminate', root) : {}),
        help: 'Find out why the blocker holds its lock (an open transaction, a long statement); terminate it only if you must.',
      }));
    }
    return out;
  },
};

/** Follow blocked-by links to the session at the head of the chain (cycles stop where they close). */
export function rootBlocker(pid: number, byPid: Map<number, Pick<SessionFact, 'blockedBy'>>): number {
  const seen = new Set<number>([pid]);
  let cur = pid;
  for (;;) {
    const s = byPid.get(cur);
    const next = s?.blockedBy[0];
    if (next === undefined || seen.has(next)) return cur;
    seen.add(next);
    cur = next;
  }
}

export function fmtSeconds(s: number | null): string {
  if (s === null) return 'an unknown time';
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}
