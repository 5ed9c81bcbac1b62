import * as assert from 'node:assert/strict';
import { alertToasts, decideAlerts, type AlertSettings } from '../../../../src/core/dashboard/alerts';
import type { StatementRow } from '../../../../src/core/dashboard/live';

const S: AlertSettings = { meanTimeMs: 500, connectionsShare: 0.9, blockingSeconds: 30 };
const fig = (calls: number, meanMs: number) => ({ calls, totalMs: calls * meanMs, meanMs, rows: 0, hitRatio: null });
const row = (id: string, calls: number, meanMs: number): StatementRow => ({ id, query: 'SELECT * FROM slow', total: fig(calls, meanMs), delta: fig(calls, meanMs) });
const stats = (over: { total?: number; rows?: StatementRow[]; chainSeconds?: number } = {}) => ({
  connections: { byState: {}, total: over.total ?? 10, max: 103, reserved: 3 },
  statements: { state: 'ready' as const, rows: over.rows ?? [], count: 0 },
  blocking: over.chainSeconds !== undefined ? [{ blocker: 7, waiters: [{ pid: 8, depth: 1, blockedBy: [7], waitingSeconds: over.chainSeconds }], seconds: over.chainSeconds }] : [],
});

describe('core/dashboard/alerts', () => {
  it('connections: fires once at the share, stays quiet while high, re-arms only after falling 5 points below', () => {
    let r = decideAlerts(stats({ total: 91 }), S, new Set());
    assert.deepEqual(r.alerts.map((a) => a.kind), ['connections']);
    r = decideAlerts(stats({ total: 92 }), S, r.state);
    assert.deepEqual(r.alerts, []);
    r = decideAlerts(stats({ total: 87 }), S, r.state); // 87% > 85%: still the same episode
    assert.deepEqual(r.alerts, []);
    r = decideAlerts(stats({ total: 80 }), S, r.state);
    r = decideAlerts(stats({ total: 95 }), S, r.state);
    assert.equal(r.alerts.length, 1);
  });

  it('statement mean time: needs enough calls, then fires once per statement; 0 turns it off', () => {
    assert.deepEqual(decideAlerts(stats({ rows: [row('a', 2, 900)] }), S, new Set()).alerts, []);
    const r = decideAlerts(stats({ rows: [row('a', 5, 900), row('b', 50, 10)] }), S, new Set());
    assert.deepEqual(r.alerts.map((a) => a.key), ['statement:a']);
    assert.match(r.alerts[0].message, /900\.0 ms over 5 calls.*SELECT \* FROM slow/);
    assert.deepEqual(decideAlerts(stats({ rows: [row('a', 6, 950)] }), S, r.state).alerts, []);
    assert.deepEqual(decideAlerts(stats({ rows: [row('a', 5, 900)] }), { ...S, meanTimeMs: 0 }, new Set()).alerts, []);
  });

  it('blocking: a chain longer than the threshold', () => {
    assert.deepEqual(decideAlerts(stats({ chainSeconds: 10 }), S, new Set()).alerts, []);
    const r = decideAlerts(stats({ chainSeconds: 31 }), S, new Set());
    assert.deepEqual(r.alerts.map((a) => a.key), ['blocking:7']);
  });

  it('toasts (person18 LOW 1): none while the dashboard is visible; outside it one per kind, naming how many, again only after the interval', () => {
    const { alerts } = decideAlerts(stats({ rows: [row('1', 3, 900), row('2', 3, 800), row('3', 4, 700)] }), S, new Set());
    assert.equal(alerts.length, 3);
    assert.deepEqual(alertToasts(alerts, { dashboardVisible: true, nowMs: 0, lastShown: new Map() }).toasts, []);
    const first = alertToasts(alerts, { dashboardVisible: false, nowMs: 1000, lastShown: new Map(), intervalMs: 60_000 });
    assert.equal(first.toasts.length, 1);
    assert.match(first.toasts[0].message, /^3 statements over the mean-time threshold, e\.g\. Statement mean time 900\.0 ms over 3 calls/);
    // Another statement crosses 30 s later: no second toast of that kind; a blocking chain is another kind.
    const later = decideAlerts(stats({ rows: [row('4', 5, 600)], chainSeconds: 40 }), S, new Set(['statement:1', 'statement:2', 'statement:3']));
    const second = alertToasts(later.alerts, { dashboardVisible: false, nowMs: 31_000, lastShown: first.lastShown, intervalMs: 60_000 });
    assert.deepEqual(second.toasts.map((t) => t.kind), ['blocking']);
    const third = alertToasts([later.alerts[0]], { dashboardVisible: false, nowMs: 62_000, lastShown: second.lastShown, intervalMs: 60_000 });
    assert.deepEqual(third.toasts.map((t) => t.message), [later.alerts[0].message], 'after the interval, one again');
  });
});
