/**
 * When to notify: edge-triggered (once when a condition starts, again only after it has cleared),
 * so a slow statement or a full server does not raise a notification every refresh.
 *
 * A statement's mean time is the mean of its calls over the last minute (MEAN_WINDOW_MS), from its cumulative
 * pg_stat_statements counters at each refresh — not the mean since the panel opened, which drops back only after many
 * fast calls (person18 LOW 1: the banners stayed after the mean dropped; person17: a red banner from before a restart
 * stayed after it). An episode starts when that mean reaches the threshold over enough calls, and ends when it falls
 * below MEAN_REARM of the threshold, when no call ran in the last minute, or when the statement has not been seen for
 * a minute; a statement that leaves the shown top rows and comes back stays the same episode (it alerted again).
 */
import type { LiveStats } from './types';
import { countOf, shortLine } from '../format';

export interface AlertSettings {
  /** Notify when a statement's mean time over the last minute crosses this (0 = off). */
  meanTimeMs: number;
  /** Notify when connections reach this share of max_connections (0 = off). */
  connectionsShare: number;
  /** Notify when a blocking chain has lasted longer than this (0 = off). */
  blockingSeconds: number;
  /** Calls needed before a statement's mean counts (one slow call is not a trend). */
  minCalls?: number;
}

export interface Alert {
  key: string;
  kind: 'statement-mean-time' | 'connections' | 'blocking';
  severity: 'warning' | 'error';
  message: string;
}

/** A statement's cumulative counters at one refresh. */
interface Sample {
  at: number;
  calls: number;
  totalMs: number;
}

/** What is carried from one refresh to the next: the conditions currently true, and each statement's recent samples. */
export interface AlertState {
  /** Keys of the conditions currently true. */
  readonly active: ReadonlySet<string>;
  /** Statement id → its samples of the last MEAN_WINDOW_MS (and the last one before it: the window's start). */
  readonly samples: ReadonlyMap<string, readonly Sample[]>;
  /** Statement id → when it was last among the rows read. */
  readonly seen: ReadonlyMap<string, number>;
}

export const NO_ALERTS: AlertState = { active: new Set(), samples: new Map(), seen: new Map() };

/** Hysteresis for connections: the alert re-arms only once usage falls this far below the share. */
const CONNECTIONS_REARM = 0.05;
/** The window of a statement's recent mean time. */
const MEAN_WINDOW_MS = 60_000;
/** A mean-time episode ends once the recent mean falls below this share of the threshold. */
const MEAN_REARM = 0.8;

/** The calls and mean of a statement over the window ending now: from its samples, or its figures since the panel opened. */
function recentOf(samples: readonly Sample[], now: Sample, since: { calls: number; meanMs: number }): { calls: number; meanMs: number; windowed: boolean } {
  const base = samples[0];
  if (!base) return { calls: since.calls, meanMs: since.meanMs, windowed: false };
  const calls = now.calls - base.calls;
  return { calls, meanMs: calls > 0 ? (now.totalMs - base.totalMs) / calls : 0, windowed: true };
}

export function decideAlerts(
  stats: Pick<LiveStats, 'connections' | 'statements' | 'blocking'>,
  s: AlertSettings,
  state: AlertState,
  nowMs: number = Date.now(),
): { alerts: Alert[]; state: AlertState; current: Alert[] } {
  const active = new Set<string>();
  const alerts: Alert[] = [];
  // Every condition true now with today's figures: a banner shown since it started says them (person25 LOW 6: "has
  // blocked 1 session for 31 s" while the wait reached 49 s). New ones are also in `alerts` (edge-triggered toasts).
  const current: Alert[] = [];
  const raise = (a: Alert) => {
    active.add(a.key);
    current.push(a);
    if (!state.active.has(a.key)) alerts.push(a);
  };
  const samples = new Map<string, readonly Sample[]>();
  const seen = new Map<string, number>();
  if (s.connectionsShare > 0 && stats.connections.max > 0) {
    const usable = Math.max(1, stats.connections.max - stats.connections.reserved);
    const share = stats.connections.total / usable;
    const key = 'connections';
    if (share >= s.connectionsShare || (state.active.has(key) && share >= s.connectionsShare - CONNECTIONS_REARM)) {
      raise({
        key,
        kind: 'connections',
        severity: share >= 0.98 ? 'error' : 'warning',
        message: `Connections at ${stats.connections.total} of ${usable} usable (${Math.round(share * 100)}%).`,
      });
    }
  }
  if (s.meanTimeMs > 0) {
    const minCalls = s.minCalls ?? 3;
    for (const r of stats.statements.rows) {
      const key = `statement:${r.id}`;
      const now: Sample = { at: nowMs, calls: r.total.calls, totalMs: r.total.totalMs };
      // Counters that went down: the entry was evicted or reset, its samples start again.
      const before = (state.samples.get(r.id) ?? []).filter((x) => x.calls <= now.calls && x.at < nowMs);
      // The window: the samples of the last minute, and the last one older (where the window starts).
      const firstInWindow = before.findIndex((x) => x.at >= nowMs - MEAN_WINDOW_MS);
      const kept = firstInWindow < 0 ? before.slice(-1) : before.slice(Math.max(0, firstInWindow - 1));
      samples.set(r.id, [...kept, now]);
      seen.set(r.id, nowMs);
      const recent = recentOf(kept, now, r.delta);
      const on = state.active.has(key);
      const starts = recent.calls >= minCalls && recent.meanMs >= s.meanTimeMs;
      // No call since the window's start holds the episode until that start is a minute old (a statement called every
      // few seconds would otherwise end and start again between its calls).
      const quietForAMinute = recent.calls === 0 && (kept[0]?.at ?? nowMs) <= nowMs - MEAN_WINDOW_MS;
      const holds = on && (recent.calls > 0 ? recent.meanMs >= MEAN_REARM * s.meanTimeMs : !quietForAMinute);
      if (!starts && !holds) continue;
      const over = recent.windowed ? `${countOf(recent.calls, 'call')} in the last minute` : `${countOf(recent.calls, 'call')} since the panel opened`;
      raise({
        key,
        kind: 'statement-mean-time',
        severity: recent.meanMs >= 10 * s.meanTimeMs ? 'error' : 'warning',
        message: `Statement mean time ${recent.meanMs.toFixed(1)} ms over ${over} (threshold ${s.meanTimeMs} ms): ${shortLine(r.query ?? `queryid ${r.id}`, 120)}`,
      });
    }
    // A statement alerting that is not among the rows read now (the shown top rows changed): the same episode while it
    // was seen in the last minute, its samples kept; after that the episode ends (nothing says it is still slow).
    for (const key of state.active) {
      if (!key.startsWith('statement:') || active.has(key)) continue;
      const id = key.slice('statement:'.length);
      const last = state.seen.get(id);
      if (seen.has(id) || last === undefined || nowMs - last > MEAN_WINDOW_MS) continue;
      active.add(key);
      seen.set(id, last);
      const kept = state.samples.get(id);
      if (kept) samples.set(id, kept);
    }
  }
  if (s.blockingSeconds > 0) {
    for (const c of stats.blocking) {
      if (c.seconds >= s.blockingSeconds) {
        raise({
          key: `blocking:${c.blocker}`,
          kind: 'blocking',
          severity: 'warning',
          message: `Session ${c.blocker} has blocked ${countOf(c.waiters.length, 'session')} for ${Math.round(c.seconds)} s.`,
        });
      }
    }
  }
  return { alerts, state: { active, samples, seen }, current };
}

/** At most one toast per alert kind in this long (the dashboard shows every alert while it is open). */
const ALERT_TOAST_INTERVAL_MS = 10 * 60_000;

/**
 * The toasts for new alerts (person18 LOW 1: "Statement mean time … over 3 calls" ×3 at once, while the dashboard was
 * open): none while the dashboard is visible (its banners show them); otherwise one per kind, and a kind again only once
 * `intervalMs` has passed since its last toast, naming how many alerts it stands for. `lastShown` (kind → epoch ms) is
 * carried from one call to the next.
 */
export function alertToasts(
  alerts: readonly Alert[],
  o: { dashboardVisible: boolean; nowMs: number; lastShown: ReadonlyMap<Alert['kind'], number>; intervalMs?: number },
): { toasts: { kind: Alert['kind']; severity: Alert['severity']; message: string }[]; lastShown: Map<Alert['kind'], number> } {
  const lastShown = new Map(o.lastShown);
  if (o.dashboardVisible) return { toasts: [], lastShown };
  const interval = o.intervalMs ?? ALERT_TOAST_INTERVAL_MS;
  const byKind = new Map<Alert['kind'], Alert[]>();
  for (const a of alerts) byKind.set(a.kind, [...(byKind.get(a.kind) ?? []), a]);
  const toasts: { kind: Alert['kind']; severity: Alert['severity']; message: string }[] = [];
  for (const [kind, list] of byKind) {
    const last = lastShown.get(kind);
    if (last !== undefined && o.nowMs - last < interval) continue;
    lastShown.set(kind, o.nowMs);
    const severity = list.some((a) => a.severity === 'error') ? 'error' : 'warning';
    const message =
      list.length === 1
        ? list[0].message
        : kind === 'statement-mean-time'
          ? `${countOf(list.length, 'statement')} over the mean-time threshold, e.g. ${list[0].message}`
          : kind === 'blocking'
            ? `${countOf(list.length, 'session')} blocking others, e.g. ${list[0].message}`
            : list[0].message;
    toasts.push({ kind, severity, message });
  }
  return { toasts, lastShown };
}
