/** The workload benchmark's parameter sources, weighted percentiles and run comparison. */
import * as assert from 'node:assert/strict';
import { codeValuesSource, summarizeLatencies, workloadLines } from '../../../../src/core/plan/benchmark';
import { compareWorkloads, isStandIn, ownParameterNote, parameterSources, parseWorkloadRun, recordedCallsOf, standInNote, valuesFromCode, weightedPercentiles, withRecordedCalls, type WorkloadRun } from '../../../../src/core/plan/workloadBenchmark';
import { constantsAtParameters, loadPgParser } from '../../../../src/core/sql/statement';

describe('core/plan workload benchmark', () => {
  it('parameterSources: a column under the same function as its parameter (lower(email) = lower($1))', () => {
    assert.deepEqual(parameterSources('SELECT id FROM customers c WHERE lower(c.email) = lower($1)', 1), [{ kind: 'column', table: 'c', column: 'email' }]);
    assert.deepEqual(parameterSources('SELECT id FROM customers WHERE lower(email) = lower($1)', 1), [{ kind: 'column', column: 'email' }]);
  });

  it('parameterSources: the column each $n is compared with, fixed values for LIMIT, OFFSET and intervals, nothing otherwise', () => {
    assert.deepEqual(parameterSources('SELECT * FROM orders o WHERE o.status = $1 AND $2 < total AND id IN ($3, $4) ORDER BY id LIMIT $5 OFFSET $6', 6), [
      { kind: 'column', table: 'o', column: 'status' },
      { kind: 'column', column: 'total' },
      { kind: 'column', column: 'id' },
      { kind: 'column', column: 'id' },
      { kind: 'literal', value: '10', why: 'LIMIT' },
      { kind: 'literal', value: '0', why: 'OFFSET' },
    ]);
    assert.deepEqual(parameterSources('SELECT count(*) FROM r WHERE "Taken At" >= now() - $1::interval AND code BETWEEN $2 AND $3', 3), [
      { kind: 'literal', value: '1 day', why: 'interval' },
      { kind: 'column', column: 'code' },
      { kind: 'column', column: 'code' },
    ]);
    assert.deepEqual(parameterSources('SELECT * FROM r WHERE "Taken At" >= $1', 1), [{ kind: 'column', column: 'Taken At' }]);
    assert.deepEqual(parameterSources('SELECT * FROM order_items WHERE order_id = ANY($1::bigint[]) AND qty = $2', 2), [{ kind: 'column', column: 'order_id', array: true }, { kind: 'column', column: 'qty' }], 'ANY($1) takes an array');
    assert.deepEqual(parameterSources('SELECT $1::int + 1', 1), [undefined]);
    assert.deepEqual(parameterSources('SELECT * FROM t WHERE a = $10', 1), [undefined], '$1 is not $10');
  });

  it('parameterSources: a constant of the select list that pg_stat_statements kept as $n takes any value (person11 N25)', () => {
    assert.deepEqual(parameterSources('SELECT EXISTS (SELECT $2 FROM features WHERE name = $1)', 2), [{ kind: 'column', column: 'name' }, { kind: 'literal', value: '1', why: 'a constant of the select list' }]);
    assert.deepEqual(parameterSources('SELECT $1 AS one, name FROM t', 1), [{ kind: 'literal', value: '1', why: 'a constant of the select list' }]);
    assert.deepEqual(parameterSources('SELECT name, $1 FROM t', 1), [{ kind: 'literal', value: '1', why: 'a constant of the select list' }]);
    // A function's argument or an arithmetic operand is no constant of the select list.
    assert.deepEqual(parameterSources('SELECT coalesce(name, $1) FROM t', 1), [undefined]);
    assert.deepEqual(parameterSources('SELECT $1::int + 1', 1), [undefined]);
    assert.equal(standInNote({ kind: 'literal', value: '10', why: 'LIMIT' }), "a stand-in for LIMIT: the app's value was not recorded");
    assert.equal(standInNote({ kind: 'column', column: 'name' }), null);
  });

  it('workloadLines: statements that could not be run are said with their calls, not counted in "every statement run" (person55 L-2)', () => {
    const fig = (w: { p50: number }) => `p50 ${w.p50} ms`;
    const statements = [
      { calls: 23, ran: true },
      { calls: 1094, standIn: true, ran: true },
      { calls: 50, ran: false },
    ];
    const l = workloadLines(statements, { p50: 4, p95: 10, p99: 50 }, { p50: 3, p95: 9, p99: 40 }, fig);
    assert.equal(l.withStandIns, "With the stand-ins (every statement that could be run, 1,117 calls; 1 statement could not be run: 50 calls left out): p50 3 ms (not the app's: a stand-in may select far more or fewer rows than the app's values)");
    assert.match(l.warn ?? '', /covers the calls of every statement that could be run, on values/);
    const all = workloadLines(statements.slice(0, 2), { p50: 4, p95: 10, p99: 50 }, { p50: 3, p95: 9, p99: 40 }, fig);
    assert.match(all.withStandIns ?? '', /^With the stand-ins \(every statement run, 1,117 calls\): /);
    assert.match(all.warn ?? '', /covers every call, on values/);
  });

  it("weightedPercentiles: one statement's samples give its own nearest-rank percentiles, whatever the weights' rounding (person55 L-1)", () => {
    // 50 runs of a statement of 23 calls: each sample weighs 0.46, and 25 of them summed in floating point fall short of half.
    const ms = Array.from({ length: 50 }, (_, i) => 1 + i * 0.01);
    const own = summarizeLatencies(ms);
    const w = weightedPercentiles(ms.map((x) => ({ ms: x, weight: 23 / 50 })))!;
    assert.deepEqual([w.p50, w.p95, w.p99], [own.p50, own.p95, own.p99]);
  });

  it('weightedPercentiles: a statement called 9 times as often weighs 9 times as much', () => {
    const w = weightedPercentiles([...Array(10).fill({ ms: 1, weight: 0.9 }), ...Array(10).fill({ ms: 100, weight: 0.1 })])!;
    assert.equal(w.p50, 1);
    assert.equal(w.p95, 100);
    assert.ok(Math.abs(w.mean - 10.9) < 1e-9);
    assert.equal(weightedPercentiles([]), null);
  });

  const run = (p50s: Record<string, number>): WorkloadRun => ({
    kind: 'pg-lens workload benchmark', at: 0, database: 'shop', workload: null,
    statements: Object.entries(p50s).map(([queryid, p50]) => ({ queryid, query: `q${queryid}`, calls: 10, run: { sql: '', runs: 20, concurrency: 1, errors: 0, p50, p95: p50, p99: p50, mean: p50, min: p50, max: p50, throughputPerSec: 1, at: 0 } })),
  });

  it('compareWorkloads: regressions and improvements beyond 20% and 0.5 ms; sub-millisecond noise and missing statements apart', () => {
    const c = compareWorkloads(run({ a: 40, b: 2, c: 0.1, d: 5 }), run({ a: 2, b: 4, c: 0.3 }));
    assert.deepEqual(c.improvements.map((x) => x.queryid), ['a']);
    assert.deepEqual(c.regressions.map((x) => x.queryid), ['b']);
    assert.deepEqual(c.missing, ['d']);
    assert.equal(parseWorkloadRun({ kind: 'something else', statements: [] }), undefined);
    assert.ok(parseWorkloadRun(JSON.parse(JSON.stringify(run({ a: 1 })))));
  });
});

describe('core/plan workload benchmark: values the code writes (person53 M-1)', () => {
  before(() => loadPgParser());
  const entry = 'SELECT id, customer_id, status, total_cents, placed_at FROM orders WHERE status = $1 ORDER BY placed_at DESC';

  it('constantsAtParameters: the constant at each $n the normaliser puts, a string unquoted, a negative number whole; the code\'s own $n are none', () => {
    assert.deepEqual([...constantsAtParameters("select * from t where a = -5 and b = $1 and c = 'it''s, ok' limit 10")!], [[2, '-5'], [3, "it's, ok"], [4, '10']]);
    assert.deepEqual([...constantsAtParameters("SELECT 1.5 AS x FROM t WHERE d > now() - interval '1 day' AND e = E'a\\\\b'")!].map(([k, v]) => [k, v]), [[1, '1.5'], [2, '1 day']], "E'…' is left out");
  });

  it('valuesFromCode: the literal of the one place of the code that sends the entry, with that place', () => {
    const code = [
      { sql: 'SELECT id FROM customers WHERE id = $1', at: 'src/customers.ts:13' },
      { sql: "SELECT id, customer_id, status, total_cents, placed_at\n  FROM orders WHERE status = 'refunded' ORDER BY placed_at DESC", at: 'src/orders.ts:70' },
    ];
    assert.deepEqual(valuesFromCode(entry, code, 1), { values: ['refunded'], at: 'src/orders.ts:70', others: [] });
  });

  it('valuesFromCode: several places with other literals — the first used, the others named; a place passing a parameter gives none', () => {
    const code = [
      { sql: 'SELECT id, customer_id, status, total_cents, placed_at FROM orders WHERE status = $1 ORDER BY placed_at DESC', at: 'src/any.ts:3' },
      { sql: "SELECT id, customer_id, status, total_cents, placed_at FROM orders WHERE status = 'refunded' ORDER BY placed_at DESC", at: 'src/orders.ts:70' },
      { sql: "SELECT id, customer_id, status, total_cents, placed_at FROM orders WHERE status = 'pending' ORDER BY placed_at DESC", at: 'src/admin.ts:12' },
      { sql: "SELECT id, customer_id, status, total_cents, placed_at FROM orders WHERE status = 'refunded' ORDER BY placed_at DESC", at: 'src/report.ts:9' },
    ];
    assert.deepEqual(valuesFromCode(entry, code, 1), { values: ['refunded'], at: 'src/orders.ts:70', others: ["src/admin.ts:12 ('pending')"] });
    assert.equal(valuesFromCode(entry, code.slice(0, 1), 1), undefined);
    assert.equal(valuesFromCode(entry, [{ sql: "SELECT id FROM orders WHERE status = 'refunded'", at: 'src/x.ts:1' }], 1), undefined, 'another statement');
  });

  it('isStandIn: values drawn from the statistics or a LIMIT\'s 10 are stand-ins; the code\'s, recorded, and a select-list constant\'s any value are not', () => {
    assert.equal(isStandIn({ paramsFrom: 'statistics' }, 1), true);
    assert.equal(isStandIn({ paramsFrom: 'statistics', paramNotes: [null, "a stand-in for LIMIT: the app's value was not recorded"] }, 2), true);
    assert.equal(isStandIn({ paramsFrom: 'statistics', paramNotes: ['any value: a constant of the select list'] }, 1), false);
    assert.equal(isStandIn({ paramsFrom: 'code' }, 1), false);
    assert.equal(isStandIn({ paramsFrom: 'recorded' }, 1), false);
  });
});

describe('core/plan workload benchmark: a statement mixing the code\'s literals and its own parameters, and places sending other values (issue 20)', () => {
  before(() => loadPgParser());
  // pg_stat_statements numbers the constants after the statement's own parameters: the app's `customer_id = $1 AND status =
  // 'refunded'` is kept as `customer_id = $1 AND status = $2`.
  const entry = 'SELECT id, total_cents FROM orders WHERE customer_id = $1 AND status = $2 ORDER BY placed_at DESC LIMIT $3';
  const mixed = "SELECT id, total_cents FROM orders WHERE customer_id = $1 AND status = 'refunded' ORDER BY placed_at DESC LIMIT 20";

  it('valuesFromCode: the code\'s literal at each $n it writes one, its own $1 left for a stand-in (before: undefined, every $n from pg_stats)', () => {
    assert.deepEqual(valuesFromCode(entry, [{ sql: mixed, at: 'src/orders.ts:90' }], 3), { values: [undefined, 'refunded', '20'], at: 'src/orders.ts:90', ownParams: [1], others: [] });
    // A place passing every $n itself gives nothing of the code's (the statistics then, as before).
    assert.equal(valuesFromCode(entry, [{ sql: 'SELECT id, total_cents FROM orders WHERE customer_id = $1 AND status = $2 ORDER BY placed_at DESC LIMIT $3', at: 'src/a.ts:1' }], 3), undefined);
  });

  it('ownParameterNote: a stand-in for that parameter only, named', () => {
    assert.equal(ownParameterNote(1, { kind: 'column', column: 'customer_id' }), "a stand-in for the code's own $1, from the column statistics: the app's value was not recorded");
    assert.equal(ownParameterNote(3, { kind: 'literal', value: '10', why: 'LIMIT' }), "a stand-in for the code's own $3 (LIMIT): the app's value was not recorded");
    assert.equal(ownParameterNote(2, { kind: 'literal', value: '1', why: 'a constant of the select list' }), 'any value: a constant of the select list');
  });

  it('isStandIn: the code\'s literals with a stand-in for its own parameter are not all the app\'s values', () => {
    assert.equal(isStandIn({ paramsFrom: 'code', paramNotes: [ownParameterNote(1, { kind: 'column', column: 'customer_id' }), null, null] }, 3), true);
    assert.equal(isStandIn({ paramsFrom: 'code', paramNotes: [null, null] }, 2), false);
  });

  const refunds = 'SELECT id, customer_id, status, total_cents, placed_at FROM orders WHERE status = $1 ORDER BY placed_at DESC';
  const at = (status: string, where: string, calls?: number) => ({ sql: `SELECT id, customer_id, status, total_cents, placed_at FROM orders WHERE status = '${status}' ORDER BY placed_at DESC`, at: where, ...(calls !== undefined ? { calls } : {}) });

  it('valuesFromCode: places sending other values — the one with the most recorded calls when known, not the first in file order', () => {
    const v = valuesFromCode(refunds, [at('pending', 'src/admin.ts:12', 3), at('refunded', 'src/orders.ts:70', 465)], 1);
    assert.deepEqual(v, { values: ['refunded'], at: 'src/orders.ts:70', calls: 465, recordedCalls: 468, others: ["src/admin.ts:12 ('pending')"] });
    assert.equal(codeValuesSource({ paramsAt: v!.at, paramsOthers: v!.others, paramsAtCalls: v!.calls, paramsRecordedCalls: v!.recordedCalls }), "values from src/orders.ts:70, the place the app called most: 465 of 468 recorded calls; also sent with other values at src/admin.ts:12 ('pending')");
  });

  it('codeValuesSource: calls not known — the first place, the others said as "also sent with other values at"', () => {
    const v = valuesFromCode(refunds, [at('pending', 'src/admin.ts:12'), at('refunded', 'src/orders.ts:70')], 1);
    assert.deepEqual(v, { values: ['pending'], at: 'src/admin.ts:12', others: ["src/orders.ts:70 ('refunded')"] });
    assert.equal(codeValuesSource({ paramsAt: v!.at, paramsOthers: v!.others }), "values from src/admin.ts:12 (also sent with other values at src/orders.ts:70 ('refunded'))");
    assert.equal(codeValuesSource({ paramsAt: 'src/orders.ts:70' }), 'values from src/orders.ts:70');
  });
});

describe('core/plan workload benchmark: the calls a recording saw each place of the code make (issue 20, the feed)', () => {
  before(() => loadPgParser());
  const entry = 'SELECT id, customer_id, status, total_cents, placed_at FROM orders WHERE status = $1 ORDER BY placed_at DESC';
  const text = (status: string) => `SELECT id, customer_id, status, total_cents, placed_at FROM orders WHERE status = '${status}' ORDER BY placed_at DESC`;
  // src/typo.ts:4 is first in file order; the app calls src/orders.ts's, whose call starts on line 69 and its SQL on line 70.
  const code = [
    { sql: text('refundd'), at: 'src/typo.ts:4' },
    { sql: text('refunded'), at: 'src/orders.ts:70', callLines: { from: 69, to: 72 } },
    { sql: 'SELECT id FROM customers WHERE id = $1', at: 'src/customers.ts:13' },
  ];
  const sites = [
    { file: '/app/src/orders.ts', line: 69, statements: [{ sql: text('refunded'), calls: 297 }, { sql: 'SELECT 1 FROM orders WHERE id = $1', calls: 40 }] },
    { file: '/app/src/typo.ts', line: 4, statements: [{ sql: text('refundd'), calls: 13 }] },
    { file: '/app/src/db.ts', line: 3, connection: true as const, statements: [{ sql: 'SET search_path TO public', calls: 9 }] },
    { statements: [{ sql: text('refunded'), calls: 5 }] },
  ];
  const rel = (f: string) => f.replace(/^\/app\//, '');

  it('recordedCallsOf: each statement at the call\'s place, named as the code\'s places are; a connection\'s set-up and calls without a line left out', () => {
    assert.deepEqual(recordedCallsOf(sites as never, rel).map((r) => `${r.at} ${r.calls}`), ['src/orders.ts:69 297', 'src/orders.ts:69 40', 'src/typo.ts:4 13']);
  });

  it('withRecordedCalls: a place gets the calls recorded on its call\'s lines of its own statement; a place the recording never saw 0', () => {
    const fed = withRecordedCalls(code, recordedCallsOf(sites as never, rel));
    assert.deepEqual(fed.map((c) => `${c.at} ${c.calls}`), ['src/typo.ts:4 13', 'src/orders.ts:70 297', 'src/customers.ts:13 0']);
    assert.deepEqual(withRecordedCalls(code, []), code, 'no recording: calls not known');
  });

  it('valuesFromCode, fed by a recording: the place the app called most, said with its share — before: the first place in file order', () => {
    const v = valuesFromCode(entry, withRecordedCalls(code, recordedCallsOf(sites as never, rel)), 1);
    assert.deepEqual(v, { values: ['refunded'], at: 'src/orders.ts:70', calls: 297, recordedCalls: 310, others: ["src/typo.ts:4 ('refundd')"] });
    assert.equal(codeValuesSource({ paramsAt: v!.at, paramsOthers: v!.others, paramsAtCalls: v!.calls, paramsRecordedCalls: v!.recordedCalls }), "values from src/orders.ts:70, the place the app called most: 297 of 310 recorded calls; also sent with other values at src/typo.ts:4 ('refundd')");
  });

  it('valuesFromCode: a recording that saw none of the places tells nothing — the first place and today\'s wording', () => {
    const v = valuesFromCode(entry, withRecordedCalls(code, [{ at: 'src/other.ts:1', sql: text('refunded'), calls: 50 }]), 1);
    assert.deepEqual(v, { values: ['refundd'], at: 'src/typo.ts:4', others: ["src/orders.ts:70 ('refunded')"] });
    assert.equal(codeValuesSource({ paramsAt: v!.at, paramsOthers: v!.others }), "values from src/typo.ts:4 (also sent with other values at src/orders.ts:70 ('refunded'))");
  });
});
