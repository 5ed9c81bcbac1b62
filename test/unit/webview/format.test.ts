import * as assert from 'node:assert/strict';
import { fmtClockTick, fmtNum, fmtPct, fmtSpan } from '../../../src/webview/_format';
import { fmtPct as planPct } from '../../../src/core/plan/format';
import { analyzePlan, planText } from '../../../src/core/plan';
import { formatPercent } from '../../../src/core/format';

describe('webview/_format', () => {
  // person43 L3: a pasted ANALYZE plan said "16.0M rows keeps 3111 (0.0%)": a share above 0 never prints as none.
  it('fmtPct, the plan\'s and the dashboard\'s: a share strictly between 0 and 1 never reads "0.0%" or "100%"', () => {
    for (const f of [planPct, (x: number) => fmtPct(x)]) {
      assert.equal(f(3111 / 16_000_000), '0.02%');
      assert.equal(f(0.00001), '<0.01%');
      assert.equal(f(0.9997), '99.97%');
      assert.equal(f(0.999999), '>99.99%');
      // An exact zero is none (person45 L1: "self cost 0.00 (0.0%)", "keeps 0 (0.0%)").
      assert.equal(f(0), '0%');
      assert.equal(f(1), f === planPct ? '100%' : '100.0%');
    }
    assert.equal(planPct(0.004), '0.4%');
    assert.equal(planPct(0.183), '18%');
    assert.equal(fmtPct(0.95, 0), '95%');
    assert.equal(fmtPct(0.002, 0), '0.2%');
    // The same formatter, brief (the cost CodeLens, the report's column): one decimal at most, none trailing.
    assert.deepEqual([0.183, 0.004, 0.05, 0.00001, 0.9996].map((x) => formatPercent(x, { brief: true })), ['18%', '0.4%', '5%', '<0.1%', '>99.9%']);
    assert.equal(formatPercent(Number.NaN), '–');
    // The plan's text, as the CLI, the hover and the viewer print it.
    const text = 'Seq Scan on events  (cost=0.00..312450.00 rows=3000 width=16) (actual time=0.02..2100.5 rows=3111 loops=1)\n  Filter: (kind = 42)\n  Rows Removed by Filter: 15996889\nExecution Time: 2101.0 ms';
    const out = planText(analyzePlan(text));
    assert.match(out, /16\.0M rows keeps 3111 \(0\.02%\)/, out);
    assert.doesNotMatch(out, /\(0\.0%\)/, out);
    // person45 L1: the Compare view said "Sequential scan of 24k rows keeps 0 (0.0%)", and the diagram "self cost 0.00 (0.0%)".
    const none = planText(analyzePlan('Seq Scan on orders  (cost=0.00..450.00 rows=1 width=16) (actual time=0.02..5.1 rows=0 loops=1)\n  Filter: (status = \'lost\')\n  Rows Removed by Filter: 24000\nExecution Time: 5.2 ms'));
    assert.match(none, /24k rows keeps 0 \(0%\)/, none);
    assert.doesNotMatch(none, /0\.0%/, none);
  });

  it('fmtNum: round axis ticks read "500 k", not "500.0 k"; other figures keep their digit', () => {
    assert.equal(fmtNum(500000), '500 k');
    assert.equal(fmtNum(319100), '319.1 k');
    assert.equal(fmtNum(2_000_000), '2 M');
    assert.equal(fmtNum(48.6), '48.6');
    assert.equal(fmtNum(null), '–');
  });

  it('fmtSpan: one minute is "1 minute", not "1 minutes" (person30)', () => {
    assert.equal(fmtSpan(1 / 60), '1 minute');
    assert.equal(fmtSpan(0.5), '30 minutes');
    assert.equal(fmtSpan(1), '1 hour');
    assert.equal(fmtSpan(1.5), '1.5 hours');
    assert.equal(fmtSpan(72), '3 days');
  });

  it('fmtClockTick: a time-axis label is the clock time on one line, never a date — across midnight too (person30 MEDIUM 2: "12/4/26 11:59pm" drawn into "12/5 12:00am")', () => {
    const beforeMidnight = Date.UTC(2026, 11, 4, 23, 59, 45) / 1000;
    const labels = [beforeMidnight, beforeMidnight + 15, beforeMidnight + 75].map((t) => fmtClockTick(t, 600, 'en-GB'));
    for (const l of labels) {
      assert.doesNotMatch(l, /\n|\//, l);
      assert.ok(l.length <= 8, l);
    }
    assert.equal(new Set(labels).size, 3, labels.join(' | '));
    // Under three minutes of window, seconds tell ticks apart.
    assert.match(fmtClockTick(beforeMidnight, 120, 'en-GB'), /^\d\d:\d\d:\d\d$/);
    assert.match(fmtClockTick(beforeMidnight, 600, 'en-GB'), /^\d\d:\d\d$/);
  });
});
