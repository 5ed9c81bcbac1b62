/** The connection's budget of real trial builds (hypo.ts TrialBudget), on a clock the test moves (issue 20, person31 H2). */
import { strict as assert } from 'node:assert';
import { TrialBudget, TRIAL_BUDGET_PER_MINUTE, TRIAL_BUDGET_PER_TABLE_PER_MINUTE } from '../../../src/db/hypo';

describe('db/TrialBudget', () => {
  it('allows the per-table and overall figures a minute, holds back the rest, says once a minute how many', () => {
    let now = 1_000_000;
    const lines: string[] = [];
    const b = new TrialBudget(() => now);
    const log = (l: string) => lines.push(l);
    let given = 0;
    for (let i = 0; i < 100; i++) if (b.take('public.orders', log)) given++;
    assert.equal(given, TRIAL_BUDGET_PER_TABLE_PER_MINUTE);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /^index advice: 1 real trial build held back/);
    // Other tables share the overall figure.
    let others = 0;
    for (let i = 0; i < 100; i++) if (b.take(`public.t${i}`, log)) others++;
    assert.equal(given + others, TRIAL_BUDGET_PER_MINUTE);
    // Advice the person asked for is counted, never held back.
    assert.equal(b.take('public.orders', log, true), true);
    // A minute later: the window is free again, and the count of the minute held back is said.
    now += 60_000;
    assert.equal(b.take('public.orders', log), true);
    for (let i = 0; i < 100; i++) b.take('public.orders', log);
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(lines[1], /^index advice: \d+ real trial builds held back in the last minute/);
  });
});
