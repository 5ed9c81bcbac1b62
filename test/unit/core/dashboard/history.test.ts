import * as assert from 'node:assert/strict';
import { appendSnapshot, findRegressions, growthReport, parseHistory, projectGrowth, type HistorySnapshot } from '../../../../src/core/dashboard/history';

const H = 3600000;
const D = 24 * H;
const snap = (atMs: number, over: Partial<HistorySnapshot> = {}): HistorySnapshot => ({ atMs, tps: 1, connections: 1, cacheHitRatio: 1, databaseBytes: null, tables: [], statements: [], ...over });

describe('core/dashboard/history', () => {
  it('appendSnapshot keeps the last day whole, thins older days to one per hour, drops the too old, caps the count', () => {
    let list: HistorySnapshot[] = [];
    const now = 100 * D;
    for (let t = now - 3 * D; t <= now; t += 5 * 60000) list = appendSnapshot(list, snap(t), { maxSnapshots: 10000, maxAgeMs: 2 * D, thinIntervalMs: H });
    const lastDay = list.filter((s) => s.atMs >= now - D).length;
    const older = list.filter((s) => s.atMs < now - D);
    assert.equal(lastDay, 24 * 12 + 1);
    assert.ok(older.length <= 25 && older.length >= 23, String(older.length));
    assert.ok(list.every((s) => s.atMs >= now - 2 * D));
    assert.equal(appendSnapshot(list, snap(now + 1), { maxSnapshots: 10, maxAgeMs: 2 * D, thinIntervalMs: H }).length, 10);
  });

  it('parseHistory drops damaged entries', () => {
    assert.deepEqual(parseHistory({}), []);
    assert.equal(parseHistory([snap(1), { atMs: 'x' }, null, 5]).length, 1);
  });

  it('findRegressions: mean up by the share against the baseline window, with enough calls', () => {
    const st = (id: string, calls: number, totalMs: number) => ({ id, query: `q ${id}`, calls, totalMs });
    const list = [
      snap(0, { statements: [st('a', 0, 0), st('b', 0, 0), st('c', 0, 0)] }),
      snap(7 * D, { statements: [st('a', 100, 1000), st('b', 100, 1000), st('c', 2, 20)] }), // baseline means: 10 ms
      snap(8 * D, { statements: [st('a', 200, 3000), st('b', 200, 2100), st('c', 4, 400)] }), // recent: a 20 ms, b 11 ms
    ];
    const r = findRegressions(list, { nowMs: 8 * D, recentMs: D, baselineMs: 7 * D, share: 0.5, minCalls: 10 });
    assert.deepEqual(r.map((x) => [x.id, Math.round(x.increase * 100)]), [['a', 100]]);
  });

  it('projectGrowth: a straight line is projected exactly; too few points give nothing', () => {
    const pts = [0, 1, 2, 3].map((d) => ({ atMs: d * D, bytes: 1000 + 500 * d }));
    const g = projectGrowth(pts, 30)!;
    assert.ok(Math.abs(g.bytesPerDay - 500) < 1e-6);
    assert.ok(Math.abs(g.projectedBytes - (1000 + 500 * 33)) < 1e-3);
    assert.equal(g.r2, 1);
    assert.equal(projectGrowth(pts.slice(0, 1), 30), undefined);
    assert.equal(projectGrowth([{ atMs: 0, bytes: 1 }, { atMs: 0, bytes: 2 }], 30), undefined);
  });

  it('growthReport ranks tables by growth per day', () => {
    const list = [0, 1, 2].map((d) => snap(d * D, { databaseBytes: 1e6 * (1 + d), tables: [{ schema: 's', name: 'slow', bytes: 100 + d }, { schema: 's', name: 'fast', bytes: 100 + 1000 * d }] }));
    const g = growthReport(list, 30);
    assert.deepEqual(g.tables.map((t) => t.name), ['fast', 'slow']);
    assert.ok(Math.abs(g.database!.bytesPerDay - 1e6) < 1e-3);
  });

  it("projects nothing from less history than the capacity check's floor: 20 minutes holding one index build is not a month's forecast", () => {
    // Seen in the hour: 4 snapshots over 20 minutes, orders grew by the 408 kB index just created, and Trends read
    // "Database grows 28 MB/day; in 30 days about 868 MB", "public.orders 27 MB/day, 804 MB in 30 days".
    const M = 60_000;
    const list = [0, 5, 10, 20].map((m, i) => snap(m * M, { databaseBytes: 60e6 + (i >= 2 ? 408e3 : 0), tables: [{ schema: 'public', name: 'orders', bytes: 5e6 + (i >= 2 ? 408e3 : 0) }] }));
    const g = growthReport(list, 30, { minSpanHours: 24, minSnapshots: 3 });
    assert.equal(g.database, undefined);
    assert.deepEqual(g.tables, []);
    assert.equal(g.needHours, 24);
    assert.ok(Math.abs(g.spanHours! - 1 / 3) < 1e-9, `${g.spanHours} hours`);
    const days = [0, 1, 2].map((d) => snap(d * D, { databaseBytes: 1e6 * (1 + d), tables: [] }));
    assert.ok(growthReport(days, 30, { minSpanHours: 24, minSnapshots: 3 }).database, 'two days of history are projected');
  });
});

