import * as assert from 'node:assert/strict';
import { appendChartPoint, cacheHitRange, chartData, chartGaps, coarseStretches, HIDDEN_REFRESH_MS, parseChartPoints, timeWindow, MIN_WINDOW_S, type ChartPoint } from '../../../../src/core/dashboard/chartHistory';

const pt = (atMs: number, tps: number | null = 1): ChartPoint => ({ atMs, values: { tps: [tps, 0], conns: [1, 1, 0], cache: [99], rows: [10, 1] } });

describe('core/dashboard/chartHistory', () => {
  it('timeWindow: one point spans a minute ending at it; a long series spans its points; none spans the minute before now', () => {
    const t = 1_796_000_000; // seconds (2026)
    assert.deepEqual(timeWindow([t], t + 999), { min: t - MIN_WINDOW_S, max: t + 1 });
    assert.deepEqual(timeWindow([t, t + 5], 0), { min: t + 5 - MIN_WINDOW_S, max: t + 6 });
    assert.deepEqual(timeWindow([t, null, t + 600], 0), { min: t, max: t + 600 });
    assert.deepEqual(timeWindow([], t), { min: t - MIN_WINDOW_S, max: t });
  });

  it('chartData: seconds on the axis (stored in ms), and a null point where nothing was sampled for a while', () => {
    const t = 1_796_000_000_000;
    const d = chartData([pt(t), pt(t + 2000), pt(t + 120_000, 3)], 'tps');
    assert.deepEqual(d[0], [t / 1000, t / 1000 + 2, t / 1000 + 2 + 10, t / 1000 + 120]);
    assert.deepEqual(d[1], [1, 1, null, 3]);
  });

  it('chartData: a tab hidden for 28 s between 2 s samples breaks the line (no straight ramp across the time nothing was sampled)', () => {
    const t = 1_796_000_000_000;
    const before = Array.from({ length: 10 }, (_, i) => pt(t + i * 2000, i % 2 ? 100 : 0));
    const after = Array.from({ length: 5 }, (_, i) => pt(t + 18_000 + 28_000 + i * 2000, 60));
    const d = chartData([...before, ...after], 'tps');
    assert.equal(d[1].filter((v) => v === null).length, 1, 'one break, in the hidden span');
    assert.equal(d[1][10], null);
    // A panel hidden behind another tab samples every 10 s (person23 HIGH 1): those samples are one line with the 2 s
    // ones around them, not each a gap of its own (the hidden minutes drew nothing).
    const visible = Array.from({ length: 10 }, (_, i) => pt(t + i * 2000, 5));
    const hidden = Array.from({ length: 12 }, (_, i) => pt(t + 18_000 + (i + 1) * (HIDDEN_REFRESH_MS + 150), 7));
    const back = Array.from({ length: 5 }, (_, i) => pt(hidden[11].atMs + (i + 1) * 2000, 5));
    const mixed = chartData([...visible, ...hidden, ...back], 'tps');
    assert.equal(mixed[1].filter((v) => v === null).length, 0, 'no break where the hidden panel sampled');
    // Samples at the refresh's pace (jitter included) stay one line.
    const steady = Array.from({ length: 20 }, (_, i) => pt(t + i * 2000 + (i % 3) * 700));
    assert.equal(chartData(steady, 'tps')[1].filter((v) => v === null).length, 0);
  });

  it('chartGaps: the time the panel was closed is a labelled gap ("panel closed"), another gap is "not sampled"; a reopened point survives storage (person36 L2)', () => {
    const t = 1_700_000_000_000;
    const first = [pt(t), pt(t + 2_000), pt(t + 4_000)];
    // Closed for 10 minutes, then opened again: its first point says so.
    const reopened = [{ ...pt(t + 604_000), opened: true as const }, pt(t + 606_000)];
    // Then the connection lost for a minute (no reopening).
    const after = [pt(t + 670_000), pt(t + 672_000)];
    const all = [...first, ...reopened, ...after];
    assert.deepEqual(chartGaps(all), [{ fromS: (t + 4_000) / 1000, toS: (t + 604_000) / 1000, closed: true }, { fromS: (t + 606_000) / 1000, toS: (t + 670_000) / 1000, closed: false }]);
    assert.deepEqual(chartGaps(first), []);
    // The lines break there too (chartData), and the mark is kept across a reload of the stored points.
    assert.equal(chartData(all, 'tps')[1].filter((v) => v === null).length, 2);
    assert.deepEqual(chartGaps(parseChartPoints(JSON.parse(JSON.stringify(all)))), chartGaps(all));
    assert.deepEqual(parseChartPoints([{ ...pt(t), opened: 'yes' }]), [], 'a malformed mark is refused');
  });

  it('coarseStretches: the minutes sampled while the panel was hidden (points marked so), from the point before them to the one after (person24 LOW 5); none without hidden points, however slow the refresh', () => {
    const t = 1_796_000_000_000;
    const visible = Array.from({ length: 10 }, (_, i) => pt(t + i * 2000));
    const hidden = Array.from({ length: 12 }, (_, i) => ({ ...pt(t + 18_000 + (i + 1) * (HIDDEN_REFRESH_MS + 150)), hidden: true as const }));
    const back = Array.from({ length: 5 }, (_, i) => pt(hidden[11].atMs + (i + 1) * 2000));
    assert.deepEqual(coarseStretches([...visible, ...hidden, ...back]), [{ fromS: (t + 18_000) / 1000, toS: back[0].atMs / 1000, stepS: 10 }]);
    // A visible panel refreshing slowly (a busy server, or pgLens.dashboard.refreshIntervalMs at 10 s) was not hidden.
    assert.deepEqual(coarseStretches(Array.from({ length: 20 }, (_, i) => pt(t + i * 7000))), []);
    // Closed for two minutes after the hidden samples: the stretch ends at its last hidden point.
    const closed = [...visible, ...hidden.slice(0, 3), pt(hidden[2].atMs + 120_000)];
    assert.deepEqual(coarseStretches(closed), [{ fromS: (t + 18_000) / 1000, toS: hidden[2].atMs / 1000, stepS: 10 }]);
    assert.deepEqual(coarseStretches([]), []);
    // Stored and read back, the mark stays; a malformed mark is not a point.
    assert.equal(parseChartPoints(JSON.parse(JSON.stringify(hidden)))[0].hidden, true);
    assert.deepEqual(parseChartPoints([{ ...pt(1), hidden: 'yes' }]), []);
  });

  it('appendChartPoint keeps time order and a bound; parseChartPoints drops malformed points', () => {
    let list: ChartPoint[] = [];
    for (let i = 0; i < 10; i++) list = appendChartPoint(list, pt(i * 1000), 5);
    assert.deepEqual(list.map((p) => p.atMs), [5000, 6000, 7000, 8000, 9000]);
    // A clock step back replaces what came after it.
    assert.deepEqual(appendChartPoint(list, pt(6500)).map((p) => p.atMs), [5000, 6000, 6500]);
    const raw = [pt(3), { atMs: 'x' }, { atMs: 2, values: { tps: [1], conns: [1, 1, 0], cache: [1], rows: [1, 1] } }, pt(1), null, { ...pt(4), values: { ...pt(4).values, cache: ['99'] } }];
    assert.deepEqual(parseChartPoints(raw).map((p) => p.atMs), [1, 3]);
    assert.deepEqual(parseChartPoints({}), []);
  });

  it('cacheHitRange: a steady 100 % is inside the chart (a little headroom), never a label over 100 % (person22 LOW D)', () => {
    const [low, high] = cacheHitRange(100);
    assert.equal(low, 90);
    assert.ok(high > 100 && high < 100.5, `top ${high}: over 100 %, under the next 2 % axis step`);
    assert.deepEqual(cacheHitRange(42.7).map((x) => Math.round(x * 100) / 100), [42, 101.74]);
    assert.equal(cacheHitRange(Number.NaN)[0], 90);
  });
});
