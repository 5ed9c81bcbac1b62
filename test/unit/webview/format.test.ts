import * as assert from 'node:assert/strict';
import { fmtClockTick, fmtNum, fmtSpan } from '../../../src/webview/_format';

describe('webview/_format', () => {
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
