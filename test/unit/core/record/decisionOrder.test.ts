import { strict as assert } from 'node:assert';
import { decidedWithPhrase, recordedDecisionInput, recordedDecisionOrder, recordedFound, recordedToWeigh, RECORDED_DECISION_BATCH } from '../../../../src/core/record/advice';

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

describe('core/record/advice: a recording as every index decision weighs it, and what a decision weighed in one phrase (issue 20)', () => {
  const fig = (normalized: string, calls: number, totalMs: number, maxUnitKind = 'request') => ({ normalized, sql: normalized, calls, totalMs, maxMs: totalMs, rows: 1, errors: 0, maxPerUnit: calls, maxUnit: 'GET /', maxUnitKind, units: 1 });

  it('each recorded statement at its place, with its kind of code and its calls, named as a workspace statement is', () => {
    const { weighed } = recordedToWeigh([
      { file: '/p/orm/orders.ts', line: 25, statements: [fig('SELECT 1 FROM orders WHERE status = $1', 3, 21.5)] },
      { file: '/p/src/a.test.ts', line: 4, statements: [fig('SELECT 2', 9, 90, 'test')] },
    ], (f) => f.replace('/p/', ''));
    const found = weighed.map((st) => recordedFound(recordedDecisionInput(st)));
    assert.deepEqual(found, [
      { sql: 'SELECT 2', source: 'src/a.test.ts:4', context: 'test', recorded: { calls: 9, totalMs: 90 } },
      { sql: 'SELECT 1 FROM orders WHERE status = $1', source: 'orm/orders.ts:25', context: 'request', recorded: { calls: 3, totalMs: 21.5 } },
    ]);
    // No call site in the app's code: named by its text in the label, "recorded" among the decision's statements.
    const [nowhere] = recordedToWeigh([{ statements: [fig('SELECT 3', 1, 1)] }], (f) => f).weighed;
    assert.equal(recordedDecisionInput(nowhere).label, 'recorded: SELECT 3');
    assert.equal(recordedFound(recordedDecisionInput(nowhere)).source, 'recorded');
  });

  it('says the code\'s, the recording\'s and pg_stat_statements\' statements a decision weighed, or that no recording was', () => {
    assert.equal(decidedWithPhrase({ code: "src/orders.ts's 9 statements", recorded: { statements: 14, of: 'in rec.jsonl' }, busiest: 20 }), "decided with src/orders.ts's 9 statements, the 14 statements recorded in rec.jsonl and pg_stat_statements' 20 busiest");
    assert.equal(decidedWithPhrase({ code: 'the statement given', noRecording: '--recording FILE weighs one', busiest: 1 }), "decided with the statement given and pg_stat_statements' 1 busiest; no recording (--recording FILE weighs one)");
    assert.equal(decidedWithPhrase({ recorded: { statements: 1, of: 'in this window' } }), 'decided with the 1 statement recorded in this window and no pg_stat_statements (not read)');
  });
});
