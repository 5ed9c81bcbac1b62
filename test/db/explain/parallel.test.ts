/**
 * Parallel plans from a real server (parallelism forced: parallel_setup_cost = 0, parallel_tuple_cost
 * = 0, min_parallel_table_scan_size = 0), read as JSON and as text, with and without VERBOSE (per-
 * worker figures). PostgreSQL prints a parallel node's rows and time averaged over its processes and
 * rounded, so the model may move a figure only within that rounding:
 *  - a row total is rows × loops ± loops × 0.5, and the node under a Gather takes the Gather's exact
 *    count only when the two agree within that bound (a Limit above stops the Gather early);
 *  - a misestimate is never larger than the printed figures give, and is the smallest the rounding allows;
 *  - a node's time is never scaled below what PostgreSQL measured by more than the rounding of its
 *    per-loop time; the Gather's own time is what it measured beyond its slowest process, nothing more.
 * The Gather's own share is logged: on a busy machine starting workers takes much of a small query
 * (the issue's 39–77% "spent here"); when the Gather took longer than all its processes' work, the
 * parallel-overhead tip says so, and only then.
 */
import { strict as assert } from 'node:assert';
import { testDatabase } from '../support';
import { analyzePlan, K, type Plan, type PlanNode } from '../../../src/core/plan';

const SETUP = [
  `CREATE TABLE t (id int PRIMARY KEY, g int NOT NULL, v text NOT NULL)`,
  `INSERT INTO t SELECT i, i % 100, md5(i::text) FROM generate_series(1, 200000) i`,
  `CREATE INDEX t_g ON t (g)`,
  `ANALYZE t`,
];

const PARALLEL = [`SET parallel_setup_cost = 0`, `SET parallel_tuple_cost = 0`, `SET min_parallel_table_scan_size = 0`, `SET min_parallel_index_scan_size = 0`, `SET max_parallel_workers_per_gather = 2`, `SET jit = off`];

const CASES: { name: string; sql: string; set?: string[] }[] = [
  { name: 'partial aggregate', sql: `SELECT count(*) FROM t WHERE v LIKE '%7a%'` },
  { name: 'gather merge over a sort', sql: `SELECT id, v FROM t WHERE id % 10 = 0 ORDER BY v` },
  { name: 'grouped aggregate', sql: `SELECT g, count(*) FROM t GROUP BY g` },
  { name: 'limit stops the gather early', sql: `SELECT id FROM t WHERE id % 3 = 0 LIMIT 5` },
  { name: 'parallel hash join', sql: `SELECT count(*) FROM t a JOIN t b ON a.id = b.id WHERE a.g < 50` },
  { name: 'parallel append', sql: `SELECT count(*) FROM (SELECT id FROM t WHERE v LIKE 'a%' UNION ALL SELECT id FROM t WHERE v LIKE 'b%') s`, set: [`SET enable_indexscan = off`, `SET enable_bitmapscan = off`] },
  { name: 'parallel bitmap heap scan', sql: `SELECT count(*) FROM t WHERE g IN (3, 5, 7)`, set: [`SET enable_seqscan = off`, `SET enable_indexscan = off`] },
];

const gathers = (p: Plan) => p.nodes.filter((n) => n.raw[K.NodeType] === 'Gather' || n.raw[K.NodeType] === 'Gather Merge');
const outerChild = (p: Plan, n: PlanNode) => n.children.map((c) => p.nodes[c]).find((c) => c.raw[K.ParentRelationship] === 'Outer');
const num = (v: unknown) => (typeof v === 'number' ? v : Number(v));

describe('core/plan on real parallel plans: figures stay within the rounding bound', function () {
  this.timeout(120_000);
  const tdb = testDatabase('parallel');
  const plans: { name: string; plan: Plan }[] = [];

  before(async () => {
    for (const s of SETUP) await tdb.admin.query(s);
    for (const c of CASES) {
      for (const opts of ['ANALYZE, BUFFERS', 'ANALYZE, BUFFERS, VERBOSE']) {
        await tdb.admin.query('BEGIN');
        try {
          for (const s of [...PARALLEL, ...(c.set ?? [])]) await tdb.admin.query(s.replace(/^SET /, 'SET LOCAL '));
          const json = (await tdb.admin.query(`EXPLAIN (${opts}, FORMAT JSON) ${c.sql}`)).rows[0]['QUERY PLAN'];
          const text = (await tdb.admin.query(`EXPLAIN (${opts}) ${c.sql}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
          plans.push({ name: `${c.name} (${opts}, json)`, plan: analyzePlan(json) });
          plans.push({ name: `${c.name} (${opts}, text)`, plan: analyzePlan(text) });
        } finally {
          await tdb.admin.query('ROLLBACK');
        }
      }
    }
  });

  it('every case ran in parallel: a Gather with at least one worker launched (the server had workers to give)', () => {
    assert.equal(plans.length, CASES.length * 4);
    for (const { name, plan } of plans) {
      const g = gathers(plan);
      assert.ok(g.length, `${name}: a Gather`);
      assert.ok(g.some((x) => num(x.raw[K.WorkersLaunched]) >= 1), `${name}: workers launched`);
    }
    const append = plans.find((p) => p.name.startsWith('parallel append'))!.plan;
    assert.ok(append.nodes.some((n) => n.raw[K.NodeType] === 'Append' && n.raw[K.ParallelAware] !== false), 'a Parallel Append');
    const bitmap = plans.find((p) => p.name.startsWith('parallel bitmap'))!.plan;
    assert.ok(bitmap.nodes.some((n) => n.raw[K.NodeType] === 'Bitmap Heap Scan'), 'a Parallel Bitmap Heap Scan');
  });

  it('row totals: rows × loops within loops × 0.5; the node under a Gather takes its exact count only within that bound', () => {
    let exact = 0;
    let early = 0;
    for (const { name, plan } of plans) {
      for (const n of plan.nodes) {
        const m = n.metrics;
        if (m.actualRows === undefined || m.actualRowsTotal === undefined) continue;
        const printed = m.actualRows * m.loops;
        assert.ok(Math.abs(m.actualRowsTotal - printed) <= 0.5 * m.loops + 1e-9, `${name}: node ${n.id} total ${m.actualRowsTotal} vs printed ${printed}`);
      }
      for (const g of gathers(plan)) {
        const c = outerChild(plan, g)!;
        const gotByGather = num(g.raw[K.ActualRows]);
        const within = Math.abs(gotByGather - c.metrics.actualRows! * c.metrics.loops) <= 0.5 * c.metrics.loops;
        if (within) {
          assert.equal(c.metrics.actualRowsTotal, gotByGather, `${name}: the Gather's exact count`);
          exact++;
        } else {
          assert.equal(c.metrics.actualRowsTotal, c.metrics.actualRows! * c.metrics.loops, `${name}: beyond the bound the printed figure stands`);
          early++;
        }
      }
    }
    assert.ok(exact > 0, 'some Gathers gave an exact count');
    // The Limit case: the workers produced more rows than the Gather passed up.
    const limit = plans.filter((p) => p.name.startsWith('limit'));
    assert.ok(limit.every(({ plan }) => num(gathers(plan)[0].raw[K.ActualRows]) === 5));
    // Whether the workers produced rows before the Limit stopped the Gather depends on timing: the
    // branch beyond the bound is pinned down in test/unit/core/plan/tips.test.ts.
    console.log(`      Gathers with an exact count: ${exact}; stopped early beyond the bound: ${early}`);
  });

  it('misestimates: never larger than the printed figures allow at either end of their rounding, and the smallest factor within it', () => {
    for (const { name, plan } of plans) {
      for (const n of plan.nodes) {
        const m = n.metrics;
        if (m.misestimate === undefined || m.actualRows === undefined) continue;
        const l = Math.max(1, m.loops);
        const est = m.estRows * l;
        const got = m.actualRowsTotal!;
        const printed = m.actualRows * l;
        const ratio = (x: number) => Math.max(est, x) / Math.max(Math.min(est, x), 1);
        // PostgreSQL 18 prints rows per loop with two decimals (± 0.005), older servers as integers (± 0.5).
        const step = l > 1 ? (Number.isInteger(m.actualRows) ? 0.5 : 0.005) * l : 0;
        const widest = Math.max(ratio(Math.max(0, printed - step)), ratio(printed + step));
        assert.ok(m.misestimate >= 1 && m.misestimate <= widest + 1e-9, `${name}: node ${n.id} ${m.misestimate} vs ${widest}`);
        const slack = got === printed ? step : 0;
        const lo = Math.max(0, got - slack);
        const hi = got + slack;
        const smallest = est > hi ? est / Math.max(hi, 1) : est < lo ? lo / Math.max(est, 1) : 1;
        assert.ok(Math.abs(m.misestimate - smallest) < 1e-9, `${name}: node ${n.id} ${m.misestimate} vs ${smallest}`);
      }
    }
  });

  it('times: no node scaled below what PostgreSQL measured beyond per-loop rounding; a Gather keeps only the time beyond its slowest process', () => {
    const shares: string[] = [];
    for (const { name, plan } of plans) {
      for (const n of plan.nodes) {
        const m = n.metrics;
        if (m.measuredMs === undefined || m.inclusiveMs === undefined) continue;
        const bound = (0.0005 * Math.max(1, m.loops)) / (m.parallel ? m.processes : 1);
        assert.ok(m.inclusiveMs >= m.measuredMs - bound - 1e-9, `${name}: node ${n.id} (${String(n.raw[K.NodeType])}) ${m.inclusiveMs} < measured ${m.measuredMs}`);
        assert.ok((m.exclusiveMs ?? 0) >= 0);
      }
      for (const g of gathers(plan)) {
        const c = outerChild(plan, g)!;
        const gm = g.metrics;
        if (gm.inclusiveMs! >= c.metrics.inclusiveMs!) {
          const initPlans = g.children.filter((x) => plan.nodes[x].raw[K.ParentRelationship] === 'InitPlan').length;
          if (!initPlans) assert.ok(Math.abs(gm.exclusiveMs! - (gm.inclusiveMs! - c.metrics.inclusiveMs!)) < 1e-6, `${name}: the Gather's own time is the gap to its slowest process`);
        }
        shares.push(`${name}: ${String(g.raw[K.NodeType])} ${((gm.timeShare ?? 0) * 100).toFixed(0)}% of the execution itself`);
        const work = num(c.raw[K.ActualTotalTime]) * c.metrics.loops;
        const tip = plan.tips.find((t) => t.kind === 'parallel-overhead' && t.nodeId === g.id);
        if (tip) assert.ok(gm.inclusiveMs! > work, `${name}: parallel-overhead only when the Gather took longer than the work`);
        if (gm.inclusiveMs! <= work) assert.ok(!g.warnings.some((w) => w.kind === 'parallel-overhead'), `${name}: no parallel-overhead when parallelism paid`);
      }
    }
    console.log(`      ${shares.join('\n      ')}`);
  });
});
