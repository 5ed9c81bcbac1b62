/**
 * When to notify: edge-triggered (once when a condition starts, again only after it has cleared),
 * so a slow statement or a full server does not raise a notification every refresh.
 */
import type { LiveStats } from './types';
import { countOf, shortLine } from '../format';

export interface AlertSettings {
  /** Notify when a statement's mean time since the panel opened crosses this (0 = off). */
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

/** Keys of the conditions currently true (carried from one refresh to the next). */
export type AlertState = ReadonlySet<string>;

/** Hysteresis for connections: the alert re-arms only once usage falls this far below the share. */
const CONNECTIONS_REARM = 0.05;

export function decideAlerts(
  stats: Pick<LiveStats, 'connections' | 'statements' | 'blocking'>,
  s: AlertSettings,
  state: AlertState,
): { alerts: Alert[]; state: AlertState } {
  const active = new Set<string>();
  const alerts: Alert[] = [];
  const raise = (a: Alert) => {
    active.add(a.key);
    if (!state.has(a.key)) alerts.push(a);
  };
  if (s.connectionsShare > 0 && stats.connections.max > 0) {
    const usable = Math.max(1, stats.connections.max - stats.connections.reserved);
    const share = stats.connections.total / usable;
    const key = 'connections';
    if (share >= s.connectionsShare || (state.has(key) && share >= s.connectionsShare - CONNECTIONS_REARM)) {
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
      if (r.delta.calls >= minCalls && r.delta.meanMs >= s.meanTimeMs) {
        raise({
          key: `statement:${r.id}`,
          kind: 'statement-mean-time',
          severity: r.delta.meanMs >= 10 * s.meanTimeMs ? 'error' : 'warning',
          message: `Statement mean time ${r.delta.meanMs.toFixed(1)} ms over ${r.delta.calls} calls (threshold ${s.meanTimeMs} ms): ${shortLine(r.query ?? `queryid ${r.id}`, 120)}`,
        });
      }
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
  return { alerts, state: active };
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
