/**
 * The text-plan reader on plans captured from real servers and printed by the real psql in every
 * \pset style (scripts/capturePsqlStyles.ts → test/fixtures/plans/psql/pg<major>/<case>/):
 *  - raw.txt (the server's rows) reads as plan.json (another run of the same statement) node by node;
 *  - each psql style of the same rows reads exactly as raw.txt (timings included), or is refused
 *    with one line — never a different tree;
 *  - the JSON output printed by psql reads as plan.json;
 *  - the shapes of other clients (DBeaver grid, pgAdmin CSV, single-quoted lines, tabs) built from
 *    raw.txt read as raw.txt.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzePlan, parsePlanSource, PlanParseError, K } from '../../../../src/core/plan';
import { readPlanLog, pickLoggedPlan } from '../../../../src/core/plan/log';
import { firstDifference } from '../../../realworld/plans/compareTrees';

const ROOT = path.join(__dirname, '..', '..', '..', 'fixtures', 'plans', 'psql');
const read = (...p: string[]) => fs.readFileSync(path.join(...p), 'utf8');

describe('core/plan text reader on psql-rendered captures', () => {
  const servers = fs.readdirSync(ROOT).filter((d) => /^pg\d+$/.test(d));
  it('has captures from at least two servers', () => assert.ok(servers.length >= 2, servers.join()));
  for (const v of servers) {
    const cases = fs.readdirSync(path.join(ROOT, v)).filter((d) => fs.statSync(path.join(ROOT, v, d)).isDirectory());
    for (const c of cases) {
      const dir = path.join(ROOT, v, c);
      describe(`${v}/${c}`, () => {
        const json = parsePlanSource(read(dir, 'plan.json'));
        const raw = parsePlanSource(read(dir, 'raw.txt'));
        it('raw text reads as the JSON of the same statement, node by node', () => {
          assert.equal(firstDifference(raw, json, { sameExecution: false }), undefined);
        });
        for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.txt') && x !== 'raw.txt')) {
          it(`${f} reads as ${f.startsWith('json-') ? 'plan.json' : f === 'echo-query.txt' ? 'plan.json (echoed statement dropped)' : 'raw.txt'}`, () => {
            const got = parsePlanSource(read(dir, f));
            if (f.startsWith('json-')) assert.deepEqual(got, json);
            else if (f === 'echo-query.txt') assert.equal(firstDifference(got, json, { sameExecution: false }), undefined);
            else assert.deepEqual(got, raw);
          });
        }
        const lines = read(dir, 'raw.txt').replace(/\n$/, '').split('\n');
        const width = Math.max(...lines.map((l) => l.length));
        const shapes: Record<string, string> = {
          // DBeaver's "copy as text": header, a rule ending in "+", every row padded and ended with "|".
          dbeaver: [`QUERY PLAN${' '.repeat(width - 10)}|`, `${'-'.repeat(width)}+`, ...lines.map((l) => `${l.padEnd(width)}|`)].join('\n'),
          // pgAdmin's CSV download: a quoted header, each row quoted with quotes doubled.
          'pgadmin-csv': ['"QUERY PLAN"', ...lines.map((l) => `"${l.replace(/"/g, '""')}"`)].join('\n'),
          'single-quoted': lines.map((l) => `'${l.replace(/'/g, "''")}'`).join('\n'),
          // Indentation pasted through an editor that turned four spaces into a tab.
          tabs: lines.map((l) => l.replace(/^( *)/, (s) => '\t'.repeat(Math.floor(s.length / 4)) + ' '.repeat(s.length % 4))).join('\n'),
          'crlf-and-footer': [...lines, `(${lines.length} rows)`, ''].join('\r\n'),
        };
        for (const [shape, text] of Object.entries(shapes)) {
          it(`${shape} reads as raw.txt`, () => assert.deepEqual(parsePlanSource(text), raw));
        }
      });
    }
  }

  it('keeps what worker blocks say on the workers, not on the node (VERBOSE parallel sort)', () => {
    const p = analyzePlan(read(ROOT, 'pg18', 'parallel-sort-workers', 'raw.txt'));
    const sort = p.nodes.find((n) => n.raw[K.NodeType] === 'Sort')!;
    const json = analyzePlan(read(ROOT, 'pg18', 'parallel-sort-workers', 'plan.json')).nodes.find((n) => n.raw[K.NodeType] === 'Sort')!;
    // The node's own spill (all processes), not a worker's.
    assert.ok(Number(sort.raw[K.SortSpaceUsed]) > Math.max(...(sort.raw[K.Workers] as any[]).map((w) => Number(w[K.SortSpaceUsed]))));
    assert.equal((sort.raw[K.Workers] as unknown[]).length, (json.raw[K.Workers] as unknown[]).length);
  });

  it('refuses, with one line naming it, a line it cannot read', () => {
    const bad = [
      'Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)\n  Filter: (a = 1) AND\n(b = 2)',
      '| Nested Loop  (cost=0.00..1.00 rows=1 width=4)\n|   ->  Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)',
      'Seq Scan on t  (cost=0.00..1.00 rows=1 width=4) (actual time=0.1..',
      'InitPlan 1 (returns $0)',
    ];
    for (const b of bad) {
      assert.throws(() => parsePlanSource(b), (e: Error) => e instanceof PlanParseError && !e.message.includes('\n'), b);
    }
  });

  it('never cuts a row longer than psql\'s rule (an edited frame), drops \\timing lines, and reads a JSON plan exported as one CSV field', () => {
    const edited = ['                  QUERY PLAN', '-----------------------------------------------------------', ' Seq Scan on tenk1  (cost=0.00..333.00 rows=10000 width=148)', '(1 row)', '', 'Time: 0.512 ms'].join('\n');
    const p = parsePlanSource(edited) as any;
    assert.equal(p.Plan['Plan Width'], 148);
    const json = read(ROOT, 'pg18', 'estimate-only', 'plan.json');
    const csv = `"${json.trim().replace(/"/g, '""')}"`;
    assert.deepEqual(parsePlanSource(csv), parsePlanSource(json));
  });

  it('reads COSTS OFF plans with their root, and pre-9.0 bare InitPlan/SubPlan headers', () => {
    const p = parsePlanSource(read(ROOT, 'pg18', 'costs-off', 'raw.txt')) as any;
    assert.ok(p.Plan['Node Type']);
    const old = parsePlanSource(
      'Seq Scan on t  (cost=0.00..10.00 rows=5 width=4)\n  Filter: (a = $0)\n  InitPlan\n    ->  Result  (cost=0.00..0.01 rows=1 width=0)\n  SubPlan\n    ->  Seq Scan on u  (cost=0.00..1.00 rows=1 width=4)',
    ) as any;
    assert.deepEqual(old.Plan.Plans.map((c: any) => [c['Parent Relationship'], c['Node Type']]), [['InitPlan', 'Result'], ['SubPlan', 'Seq Scan']]);
  });
});

describe('core/plan auto_explain server logs', () => {
  const log = read(ROOT, '..', 'logs', 'pg15-auto_explain.log');
  it('lists every plan with its time, duration and query, text and JSON entries alike', () => {
    const plans = readPlanLog(log);
    assert.deepEqual(plans.map((p) => p.durationMs), [9.513, 0.015, 113.925, 0.022]);
    assert.equal(plans[3].query, "SELECT max(id) FROM t WHERE v > 'f';");
    assert.match(plans[0].at ?? '', /^2026-11-30 15:21:30\.919 UTC$/);
    for (const p of plans) assert.ok(analyzePlan(p.source).nodes.length > 0);
  });
  it('opens the slowest by default, or the one picked', () => {
    const plans = readPlanLog(log);
    assert.equal(pickLoggedPlan(plans)!.index, 3);
    assert.equal(pickLoggedPlan(plans, 2)!.index, 2);
    assert.equal(pickLoggedPlan(plans, 9), undefined);
    const p = analyzePlan(pickLoggedPlan(plans)!.source);
    assert.match(p.queryText ?? '', /GROUP BY v\n\s+ORDER BY 2 DESC LIMIT 3;$/);
    assert.equal(p.nodes[0].raw[K.NodeType], 'Limit');
  });
  it('finds no plans in text that is not a server log', () => assert.deepEqual(readPlanLog(read(ROOT, 'pg18', 'costs-off', 'raw.txt')), []));
});

describe('core/plan text reader: details printed as name=number figures', () => {
  it('Heap Blocks, WAL, planning Memory and Incremental Sort groups read under the JSON format’s names', () => {
    const text = [
      'Incremental Sort  (cost=1.28..20262.31 rows=200000 width=41) (actual time=0.157..0.202 rows=50 loops=1)',
      '  Sort Key: a, b',
      '  Presorted Key: a',
      '  Full-sort Groups: 2  Sort Method: quicksort  Average Memory: 27kB  Peak Memory: 28kB',
      '  WAL: records=3 fpi=1 bytes=180 buffers full=2',
      '  ->  Bitmap Heap Scan on t  (cost=4.18..12.64 rows=4 width=8) (actual time=0.010..0.020 rows=4 loops=1)',
      '        Recheck Cond: (a > 1)',
      '        Heap Blocks: lossy=1037 exact=648',
      '        ->  Bitmap Index Scan on t_a  (cost=0.00..4.18 rows=4 width=0) (actual time=0.005..0.005 rows=4 loops=1)',
      '              Index Cond: (a > 1)',
      'Planning:',
      '  Memory: used=12kB  allocated=16kB',
      'Planning Time: 0.140 ms',
      'Execution Time: 0.298 ms',
    ].join('\n');
    const p = parsePlanSource(text) as Record<string, any>;
    const sort = p[K.Plan];
    assert.deepEqual(sort['Full-sort Groups'], { 'Group Count': 2, 'Sort Methods Used': ['quicksort'], 'Average Sort Space Used': 27, 'Peak Sort Space Used': 28 });
    assert.deepEqual([sort[K.WalRecords], sort[K.WalFpi], sort[K.WalBytes], sort['WAL Buffers Full']], [3, 1, 180, 2]);
    const heap = sort[K.Plans][0];
    assert.deepEqual([heap[K.ExactHeapBlocks], heap[K.LossyHeapBlocks]], [648, 1037], 'in either order');
    assert.deepEqual(p[K.Planning], { 'Memory Used': 12, 'Memory Allocated': 16 });
  });

  it('a figure that is not printed is left out, not zero', () => {
    const heap = (parsePlanSource('Bitmap Heap Scan on t  (cost=4.18..12.64 rows=4 width=8)\n  Heap Blocks: exact=14\n') as Record<string, any>)[K.Plan];
    assert.equal(heap[K.ExactHeapBlocks], 14);
    assert.ok(!(K.LossyHeapBlocks in heap));
  });
});
