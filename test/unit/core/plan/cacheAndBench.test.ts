/** The plan cache (LRU, versions) and benchmark statistics. */
import { strict as assert } from 'node:assert';
import { PlanCache } from '../../../../src/core/plan/cache';
import { benchmarkRunningLine, compareBenchmarks, percentile, summarizeLatencies } from '../../../../src/core/plan/benchmark';
import { analyzePlan } from '../../../../src/core/plan';

describe('core/plan cache and benchmark statistics', () => {
  it('keys separate connection, version, values and SQL', () => {
    const k = PlanCache.key;
    const keys = new Set([k('a', 'v1', 'SELECT 1'), k('b', 'v1', 'SELECT 1'), k('a', 'v2', 'SELECT 1'), k('a', 'v1', 'SELECT 1', [1]), k('a', 'v1', 'SELECT 2')]);
    assert.equal(keys.size, 5);
  });

  it('is an LRU of bounded size, and drops other versions at once', () => {
    const c = new PlanCache<number>(3);
    c.set('a', 'v1', 1);
    c.set('b', 'v1', 2);
    c.set('c', 'v2', 3);
    assert.equal(c.get('a'), 1); // a is now most recent
    c.set('d', 'v2', 4); // evicts b
    assert.equal(c.get('b'), undefined);
    assert.equal(c.size, 3);
    assert.equal(c.dropOtherVersions('v2'), 1);
    assert.equal(c.get('a'), undefined);
    assert.equal(c.get('d'), 4);
  });

  it('percentiles are nearest-rank; comparison says faster/slower', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(xs, 50), 50);
    assert.equal(percentile(xs, 95), 95);
    assert.equal(percentile(xs, 99), 99);
    assert.ok(Number.isNaN(percentile([], 50)));
    const s = summarizeLatencies([5, 1, 3]);
    assert.deepEqual([s.min, s.p50, s.max, s.mean], [1, 3, 5, 3]);
    const base = { sql: 'q', runs: 1, concurrency: 1, errors: 0, p50: 8, p95: 10, p99: 12, mean: 8, min: 1, max: 20, throughputPerSec: 100, at: 0 };
    const c = compareBenchmarks(base, { ...base, p50: 2, p95: 2.5, throughputPerSec: 400 });
    assert.equal(c.p50Ratio, 0.25);
    assert.match(c.summary, /4\.0× faster/);
    assert.match(compareBenchmarks(base, { ...base, p50: 16 }).summary, /2\.0× slower/);
  });

  it('a comparison says what its p50 alone hides: the plan changed, the buffers moved, the timings disagree (person26 LOW 4)', () => {
    // person26: before the index p50 1.9 ms, p95 9.5, 100/s, 537 buffers; after it p50 1.8, p95 35.2, 23/s, 8 buffers — the
    // panel said "1.1× faster" and nothing else.
    const before = { sql: 'q', runs: 100, concurrency: 1, errors: 0, p50: 1.89, p95: 9.5, p99: 12, mean: 2.5, min: 1, max: 20, throughputPerSec: 100, at: 0, sharedHitPerRun: 537, sharedReadPerRun: 0, scans: ['Seq Scan on orders'] };
    const after = { ...before, p50: 1.76, p95: 35.25, throughputPerSec: 23, sharedHitPerRun: 8, scans: ['Index Scan using orders_status_idx on orders'], at: 1 };
    const c = compareBenchmarks(before, after);
    assert.match(c.summary, /1\.1× faster/);
    assert.deepEqual(c.notes, [
      'The plan changed between the runs: Seq Scan on orders → Index Scan using orders_status_idx on orders.',
      'The timings disagree (p50 1.1× faster, p95 3.7× slower, throughput 4.3× lower): the machine\'s load changed between the runs, so time alone does not tell; the buffers are steadier: shared buffers per run 537 → 8 (67.1× fewer). Run both again on a quiet machine.',
    ]);
    // Timings that agree, the same plan and buffers: nothing to add.
    assert.deepEqual(compareBenchmarks(before, { ...before, p50: 0.5, p95: 2, throughputPerSec: 380 }).notes, []);
    // The same plan, buffers down 10× and timings that agree: the buffers are said.
    assert.deepEqual(compareBenchmarks(before, { ...before, p50: 0.5, p95: 2, throughputPerSec: 380, sharedHitPerRun: 50 }).notes, ['Shared buffers per run 537 → 50 (10.7× fewer).']);
    // A run without the plan's scans (an older saved run, or EXPLAIN failed) does not claim a change.
    assert.deepEqual(compareBenchmarks({ ...before, scans: undefined }, { ...before, p50: 0.5, p95: 2, throughputPerSec: 380 }).notes, []);
    // Slower at p50 while the tail and the throughput got better: disagreement the other way.
    assert.match(compareBenchmarks(before, { ...before, p50: 2.5, p95: 3, throughputPerSec: 250 }).notes.join(' '), /^The timings disagree \(p50 1\.3× slower, p95 3\.2× faster, throughput 2\.5× higher\)/);
  });

  it('a benchmark under way says its runs done of all, and its statement where no plan is beside it (person52 L-8: a blank "Plan" tab for a 40 s run)', () => {
    assert.equal(benchmarkRunningLine(180, 6000), 'Benchmark running (read-only, rolled back): 180/6,000 runs — its figures show here when it ends.');
    assert.equal(benchmarkRunningLine(0, 100, 'SELECT id FROM orders WHERE customer_id = $1'), 'Benchmark running (read-only, rolled back): 0/100 runs of SELECT id FROM orders WHERE customer_id = $1 — its figures show here when it ends.');
  });

  it('reads plans pasted from pgAdmin (quoted lines) and JSON inside a psql frame', () => {
    const quoted = ['"Seq Scan on t  (cost=0.00..35.50 rows=2550 width=4)"', '"  Filter: (a > 1)"'].join('\n');
    const p = analyzePlan(quoted);
    assert.equal(p.nodes[0].metrics.relation, 't');
    assert.equal(p.nodes[0].raw['Filter'], '(a > 1)');
    const framed = ['       QUERY PLAN        ', '-------------------------', ' [                      +', '   {                    +', '     "Plan": {          +', '       "Node Type": "Result", +', '       "Total Cost": 0.01 +', '     },                 +', '     "Query Identifier": 1234567890123456789 +', '   }                    +', ' ]', '(1 row)'].join('\n');
    const j = analyzePlan(framed);
    assert.equal(j.nodes[0].metrics.title, 'Result');
    assert.equal(j.queryId, '1234567890123456789');
  });
});
