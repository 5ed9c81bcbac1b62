/**
 * Capacity from history: the database's growth (days to a size budget), the tables growing fastest,
 * transaction ids consumed per day (days to wraparound) and sequences' days to exhaustion. Silent
 * without enough history; says how much it used and how well a straight line fits it.
 */
import { finding } from '../finding';
import { growthReport, projectGrowth, type GrowthProjection } from '../../dashboard/history';
import type { HealthCheck } from '../types';
import { formatBytes } from '../../format';
import { qualifiedName } from '../../sql/ident';

/** Transaction ids PostgreSQL lets a database age before it stops assigning new ones (2^31 minus the 3-million stop margin). */
const XID_STOP_AGE = 2 ** 31 - 3_000_000;

/** high: a straight line fits well over a week or more; medium: fits fairly; low: otherwise. */
function confidence(p: GrowthProjection, spanDays: number): 'high' | 'medium' | 'low' {
  if (p.r2 >= 0.9 && spanDays >= 7 && p.points >= 7) return 'high';
  if (p.r2 >= 0.6 && p.points >= 3) return 'medium';
  return 'low';
}

const days = (n: number) => Math.round(n * 10) / 10;

export const capacityForecast: HealthCheck = {
  id: 'capacity-forecast',
  title: 'Capacity forecast',
  category: 'maintenance',
  summary: 'From the stored history: database growth per day and days to the size budget, the fastest-growing tables, transaction ids per day and days to wraparound, sequences running out — with the history used and the confidence of the projection.',
  run(f, t) {
    const h = [...(f.history ?? [])].sort((a, b) => a.atMs - b.atMs);
    if (h.length < t.capacityMinSnapshots) return [];
    const spanHours = (h[h.length - 1].atMs - h[0].atMs) / 3_600_000;
    if (spanHours < t.capacityMinHistoryHours) return [];
    const spanDays = spanHours / 24;
    const growth = growthReport(h, 30);
    const db = growth.database;
    const lastBytes = [...h].reverse().find((s) => s.databaseBytes !== null)?.databaseBytes ?? null;
    const warnings: string[] = [];
    const parts: string[] = [];
    const evidence: Record<string, unknown> = { snapshots: h.length, historyDays: days(spanDays), from: new Date(h[0].atMs).toISOString(), to: new Date(h[h.length - 1].atMs).toISOString() };
    if (db && lastBytes !== null) {
      const c = confidence(db, spanDays);
      evidence.database = { bytes: lastBytes, bytesPerDay: Math.round(db.bytesPerDay), in30DaysBytes: Math.round(db.projectedBytes), r2: Math.round(db.r2 * 1000) / 1000, confidence: c };
      parts.push(`the database grows ${formatBytes(Math.max(0, db.bytesPerDay))}/day (${formatBytes(lastBytes)} now, ${formatBytes(db.projectedBytes)} in 30 days; ${c} confidence)`);
      if (t.capacityBudgetBytes > 0) {
        const left = db.bytesPerDay > 0 ? (t.capacityBudgetBytes - lastBytes) / db.bytesPerDay : Infinity;
        evidence.budget = { bytes: t.capacityBudgetBytes, daysLeft: Number.isFinite(left) ? days(Math.max(0, left)) : null };
        if (Number.isFinite(left)) {
          parts.push(`the ${formatBytes(t.capacityBudgetBytes)} budget is reached in ${days(Math.max(0, left))} days`);
          if (left <= t.capacityWarnDays) warnings.push('size budget');
        }
      }
    }
    evidence.fastestTables = growth.tables.filter((x) => x.projection.bytesPerDay > 0).slice(0, 5)
      .map((x) => ({ table: qualifiedName(x.schema, x.name), bytesPerDay: Math.round(x.projection.bytesPerDay), r2: Math.round(x.projection.r2 * 1000) / 1000 }));
    const xids = projectGrowth(h.filter((s) => typeof s.nextXid === 'number').map((s) => ({ atMs: s.atMs, bytes: s.nextXid as number })), 0);
    if (xids && xids.bytesPerDay > 0) {
      const oldest = Math.max(0, ...f.databases.map((d) => d.frozenXidAge));
      const left = (XID_STOP_AGE - oldest) / xids.bytesPerDay;
      evidence.transactionIds = { perDay: Math.round(xids.bytesPerDay), oldestFrozenXidAge: oldest, daysToWraparound: days(left), confidence: confidence(xids, spanDays) };
      parts.push(`${Math.round(xids.bytesPerDay).toLocaleString('en-US')} transaction ids/day: ${days(left)} days to wraparound if nothing freezes`);
      if (left <= t.capacityWarnDays) warnings.push('transaction ids');
    }
    const seqs = new Map<string, { schema: string; name: string; max: number; pts: { atMs: number; bytes: number }[] }>();
    for (const s of h)
      for (const q of s.sequences ?? []) {
        const k = JSON.stringify([q.schema, q.name]);
        const e = seqs.get(k) ?? { schema: q.schema, name: q.name, max: q.maxValue, pts: [] };
        e.pts.push({ atMs: s.atMs, bytes: q.lastValue });
        seqs.set(k, e);
      }
    const running = [...seqs.values()].flatMap((e) => {
      const p = projectGrowth(e.pts, 0);
      if (!p || p.bytesPerDay <= 0) return [];
      const last = e.pts[e.pts.length - 1].bytes;
      const left = (e.max - last) / p.bytesPerDay;
      return left <= 365 ? [{ sequence: qualifiedName(e.schema, e.name), perDay: Math.round(p.bytesPerDay), daysLeft: days(left) }] : [];
    }).sort((a, b) => a.daysLeft - b.daysLeft);
    if (running.length) {
      evidence.sequences = running;
      parts.push(`${running.length} sequence${running.length === 1 ? '' : 's'} run out within a year (${running[0].sequence} in ${running[0].daysLeft} days)`);
      if (running[0].daysLeft <= t.capacityWarnDays) warnings.push('sequences');
    }
    if (!parts.length) return [];
    return [finding(this, warnings.length ? 'warning' : 'info', `From ${h.length} snapshots over ${days(spanDays)} days: ${parts.join('; ')}.`, {
      objects: [{ kind: 'database', name: f.database }],
      evidence,
      help: `Projections are straight lines through the history; ${warnings.length ? `act on: ${warnings.join(', ')}. ` : ''}give a size budget (pg-lens health --size-budget 500GB) for the days left to it. More history (the dashboard stores a snapshot every 5 minutes while open) raises the confidence.`,
    })];
  },
};
