import { strict as assert } from 'node:assert';
import { consolidateWorkload, type SuggestionLike } from '../../../../src/core/advice/workload';
import { planOutline, summarizePlan } from '../../../../src/core/advice/planSummary';

const s = (table: string, columns: string[], costBefore: number, costAfter: number, include: string[] = []): SuggestionLike => ({
  ddl: `CREATE INDEX CONCURRENTLY ${table}_${columns.join('_')}${include.length ? '_inc' : ''} ON ${table} (${columns.join(', ')})${include.length ? ` INCLUDE (${include.join(', ')})` : ''}`,
  table, schema: 'public', columns, method: 'btree', where: null, include, costBefore, costAfter, reason: 'r',
});

describe('core/advice/workload', () => {
  it('ranks by time saved and merges an index into one whose keys extend it', () => {
    const out = consolidateWorkload([
      { label: 'q1', totalMs: 1000, suggestions: [s('orders', ['customer_id'], 100, 10)] },
      { label: 'q2', totalMs: 5000, suggestions: [s('orders', ['customer_id', 'placed_at DESC'], 100, 5)] },
      { label: 'q3', totalMs: 300, suggestions: [s('reviews', ['product_id'], 100, 50)] },
    ], [], { maxIndexes: 5 });
    assert.deepEqual(out.map((x) => x.ddl), [
      'CREATE INDEX CONCURRENTLY orders_customer_id_placed_at DESC ON orders (customer_id, placed_at DESC)',
      'CREATE INDEX CONCURRENTLY reviews_product_id ON reviews (product_id)',
    ]);
    assert.equal(out[0].statements.length, 2);
    assert.equal(Math.round(out[0].savedMs!), 5000 * 0.95 + 1000 * 0.9);
  });

  it('drops an index that costs more on writes than it saves, and explains the write cost otherwise', () => {
    const writes = [
      { schema: 'public', name: 'logs', inserts: 1_000_000, updates: 0, deletes: 0, hotUpdates: 0, reads: 10 },
      { schema: 'public', name: 'orders', inserts: 50_000, updates: 10_000, deletes: 0, hotUpdates: 0, reads: 10 },
    ];
    const out = consolidateWorkload([
      { label: 'rare log read', totalMs: 100, suggestions: [s('logs', ['source'], 100, 1)] },
      { label: 'hot orders read', totalMs: 100_000, suggestions: [s('orders', ['status'], 100, 10)] },
    ], writes, { maxIndexes: 5 });
    assert.deepEqual(out.map((x) => x.table), ['orders']);
    assert.match(out[0].writeNote!, /orders is write-heavy \(60,000 rows inserted\/updated\/deleted/);
    assert.match(out[0].explanation, /saving about 90,000 ms/);
  });

  it('without statement timings the write note says there is no saving to set against it, never "0 ms saved"', () => {
    const writes = [{ schema: 'public', name: 'logs', inserts: 1_000_000, updates: 0, deletes: 0, hotUpdates: 0, reads: 10 }, { schema: 'public', name: 'orders', inserts: 10_000, updates: 0, deletes: 0, hotUpdates: 0, reads: 100_000 }];
    const out = consolidateWorkload([
      { label: 'workspace query on logs', suggestions: [s('logs', ['source'], 100, 1)] },
      { label: 'workspace query on orders', suggestions: [s('orders', ['status'], 100, 10)] },
    ], writes, { maxIndexes: 5 });
    const logs = out.find((x) => x.table === 'logs')!;
    assert.match(logs.writeNote!, /no statement timings to set a saving against it/);
    assert.ok(out.every((x) => !/0 ms saved/.test(x.explanation)));
  });

  it('keeps at most maxIndexes, and leaves out unverified suggestions', () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ label: `q${i}`, totalMs: 100 * (i + 1), suggestions: [s(`t${i}`, ['a'], 100, 10)] }));
    many.push({ label: 'unverified', totalMs: 1e9, suggestions: [{ ...s('u', ['a'], 100, 10), costAfter: null }] });
    const out = consolidateWorkload(many, [], { maxIndexes: 3 });
    assert.deepEqual(out.map((x) => x.table), ['t7', 't6', 't5']);
  });
});

describe('core/advice/planSummary', () => {
  it('finds total cost, index names and sequential scans, and outlines the plan', () => {
    const json = [{ Plan: { 'Node Type': 'Limit', 'Startup Cost': 0, 'Total Cost': 20.5, 'Plan Rows': 5, Plans: [
      { 'Node Type': 'Nested Loop', 'Startup Cost': 0, 'Total Cost': 20, 'Plan Rows': 5, Plans: [
        { 'Node Type': 'Seq Scan', 'Relation Name': 'orders', Alias: 'o', 'Startup Cost': 0, 'Total Cost': 10, 'Plan Rows': 5, Filter: '(status = 1)' },
        { 'Node Type': 'Index Scan', 'Index Name': 'items_order_id_idx', 'Relation Name': 'items', Alias: 'i', 'Startup Cost': 0.4, 'Total Cost': 2, 'Plan Rows': 1 },
      ] },
    ] } }];
    const p = summarizePlan(json);
    assert.equal(p.totalCost, 20.5);
    assert.deepEqual(p.indexNames, ['items_order_id_idx']);
    assert.deepEqual(p.seqScans, [{ relation: 'orders', schema: undefined, rows: 5, cost: 10, filter: '(status = 1)' }]);
    assert.deepEqual(planOutline(p), [
      'Limit  (cost=0.00..20.50 rows=5)',
      '  -> Nested Loop  (cost=0.00..20.00 rows=5)',
      '    -> Seq Scan on orders o  (cost=0.00..10.00 rows=5)',
      '    -> Index Scan using items_order_id_idx on items i  (cost=0.40..2.00 rows=1)',
    ]);
  });
});
