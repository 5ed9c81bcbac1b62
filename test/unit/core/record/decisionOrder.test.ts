import { strict as assert } from 'node:assert';
import { recordedDecisionOrder, RECORDED_DECISION_BATCH } from '../../../../src/core/record/advice';

/** A recorded statement's figures (core/record/aggregate StatementFigure's fields the order reads). */
const st = (normalized: string, calls: number, totalMs: number, place = 'a.ts:1') => ({ normalized, sql: normalized, calls, totalMs, place });

describe('core/record/advice recordedDecisionOrder: every recorded statement weighed, decided costliest first in one order (person49 M-4)', () => {
  it('weighs every statement, also those below the first batch (the former cut of 25)', () => {
    const heavy = Array.from({ length: RECORDED_DECISION_BATCH }, (_, i) => st(`SELECT ${i}`, 10, 1000 - i));
    const orm = st('SELECT * FROM orders WHERE status = $1 ORDER BY placed_at DESC LIMIT $2', 3, 21.5, 'orm/orders.ts:25');
    const { weighed, batches } = recordedDecisionOrder([orm, ...heavy]);
    assert.equal(weighed.length, RECORDED_DECISION_BATCH + 1);
    assert.ok(weighed.includes(orm), 'the ORM read below the cut takes part');
    assert.equal(batches.length, 2);
    assert.equal(batches[0].length, RECORDED_DECISION_BATCH);
    assert.ok(!batches[0].includes(orm));
    assert.deepEqual(batches[1], [orm], 'decided after the first batch');
    assert.deepEqual(batches.flat(), weighed, 'every weighed statement is decided, once');
  });

  it('one order whatever order the statements came in: total time, then calls, then the text', () => {
    const list = [st('b', 1, 5), st('a', 1, 5), st('c', 9, 5), st('d', 1, 50)];
    const want = ['d', 'c', 'a', 'b'];
    assert.deepEqual(recordedDecisionOrder(list).weighed.map((x) => x.normalized), want);
    assert.deepEqual(recordedDecisionOrder([...list].reverse()).weighed.map((x) => x.normalized), want);
  });

  it('a statement sent from two lines is weighed once, where it cost the most', () => {
    const { weighed } = recordedDecisionOrder([st('q', 2, 3, 'a.ts:1'), st('q', 5, 30, 'b.ts:9'), st('r', 1, 1)]);
    assert.deepEqual(weighed.map((x) => [x.normalized, x.place]), [['q', 'b.ts:9'], ['r', 'a.ts:1']]);
  });

  it('batches of the size asked', () => {
    const { batches } = recordedDecisionOrder(Array.from({ length: 7 }, (_, i) => st(`s${i}`, 1, i)), 3);
    assert.deepEqual(batches.map((b) => b.length), [3, 3, 1]);
    assert.deepEqual(recordedDecisionOrder([]).batches, []);
  });
});
