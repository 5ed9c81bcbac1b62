import * as assert from 'node:assert/strict';
import { budgetLine, checkBudgets, type Budget } from '../../../bench/budgets';

const budgets: Budget[] = [
  { figure: 'a.ms', max: 50, unit: 'ms', why: 'x' },
  { figure: 'b.p50', max: 20, unit: 'ms', why: 'y' },
  { figure: 'c.gone', max: 1, unit: 'ms', why: 'z' },
];

describe('bench budgets', () => {
  it('puts each figure beside its budget: met, missed, or not measured (never met by default)', () => {
    const r = checkBudgets({ a: { ms: 42 }, b: { p50: 20.5 }, c: { error: 'failed' } }, budgets);
    assert.deepEqual(r.map((x) => [x.figure, x.value, x.ok]), [['a.ms', 42, true], ['b.p50', 20.5, false], ['c.gone', null, null]]);
  });

  it('names the budgets missed and those not measured in one line', () => {
    const line = budgetLine(checkBudgets({ a: { ms: 60 }, b: { p50: 1 } }, budgets));
    assert.equal(line, 'budgets missed: a.ms 60 ms > 50 ms · not measured: c.gone');
    assert.equal(budgetLine(checkBudgets({ a: { ms: 1 }, b: { p50: 1 }, c: { gone: 0 } }, budgets)), 'budgets missed: none');
  });
});
