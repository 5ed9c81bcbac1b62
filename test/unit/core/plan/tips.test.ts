/**
 * Tips an expert would sign, on plans captured from real servers (test/fixtures/plans): time outside
 * the nodes (foreign-key triggers, JIT) first when it dominates, no misestimate where PostgreSQL
 * reports fewer rows by design, no "index the join column" where the inner side already is an index
 * lookup, and figures PostgreSQL 18 prints as fractions read as such.
 */
import { noIndexAnswer } from '../../../../src/core/advice/missingIndex';
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzePlan, fmtSaving, K, misestimateLabel, oneOffWrite, planCatalogNames, planText, type Plan } from '../../../../src/core/plan';
import { conditionColumns, indexServesCondition } from '../../../../src/core/plan/warnings';
import { missingIndexHover, provedFigures } from '../../../../src/core/advice/missingIndex';
import type { ProvedIndexFigure } from '../../../../src/core/plan/model';
import { briefMarkdown, briefPlan, declinedIndexNote, hoverNoIndexNote, mdEscape } from '../../../../src/core/plan/brief';
import { ADVICE_PENDING } from '../../../../src/core/plan';
import { adviceTipAnswer } from '../../../../src/core/advice/missingIndex';

const FIX = path.join(__dirname, '..', '..', '..', 'fixtures', 'plans');
const load = (...p: string[]) => analyzePlan(fs.readFileSync(path.join(FIX, ...p), 'utf8'));

function allFixturePlans(): { name: string; plan: Plan }[] {
  const out: { name: string; plan: Plan }[] = [];
  for (const v of fs.readdirSync(FIX).filter((d) => /^pg\d+$/.test(d))) {
    for (const f of fs.readdirSync(path.join(FIX, v)).filter((x) => /\.(json|txt)$/.test(x) && x !== 'manifest.json')) out.push({ name: `${v}/${f}`, plan: load(v, f) });
  }
  const psql = path.join(FIX, 'psql');
  for (const v of fs.readdirSync(psql).filter((d) => /^pg\d+$/.test(d))) {
    for (const c of fs.readdirSync(path.join(psql, v)).filter((d) => fs.statSync(path.join(psql, v, d)).isDirectory())) {
      for (const f of ['plan.json', 'raw.txt']) out.push({ name: `psql/${v}/${c}/${f}`, plan: load('psql', v, c, f) });
    }
  }
  return out;
}

describe('core/plan tips on real plans', () => {
  it('no "an index covering the filter avoids reading them" on a unique-key probe that reads one row per loop; rows read in whole rows (issue 20, person21 MEDIUM 2)', () => {
    // PostgreSQL 18.4, the demo shop: orders ⋈ customers (by primary key, Filter country = 'DE') ⋈ order_items.
    const p = load('captured', 'pk-probe-filter-pg18.txt');
    const pk = p.nodes.find((n) => /customers_pkey/.test(String(n.raw[K.IndexName] ?? '')))!;
    assert.ok(pk, 'the customers_pkey probe');
    assert.equal(pk.metrics.loops, 131);
    assert.deepEqual(pk.warnings.filter((w) => w.kind === 'filter-removes'), []);
    assert.ok(!p.tips.some((t) => /customers_pkey/.test(t.text) && /covering the filter/.test(t.text)), p.tips.map((t) => t.text).join('\n'));
    // The same kind still speaks where a scan reads many rows per loop and throws most away: orders by placed_at, status filter.
    const orders = p.nodes.find((n) => /orders_placed_at_idx/.test(String(n.raw[K.IndexName] ?? '')))!;
    assert.ok(orders.warnings.some((w) => w.kind === 'filter-removes'));
    for (const t of p.tips) for (const m of t.text.matchAll(/of the ([\d.,]+k?) rows it reads/g)) assert.match(m[1], /^\d+k?$/, t.text);
  });

  for (const f of ['plan.json', 'raw.txt']) {
    it(`a DELETE slowed by a foreign-key trigger gets the trigger as its first tip, and no misestimate on the Delete (${f})`, () => {
      const p = load('psql', 'pg18', 'delete-fk-trigger', f);
      assert.equal(p.tips[0].kind, 'fk-trigger');
      assert.match(p.tips[0].text, /order_items_order_id_fkey/);
      assert.ok(p.outside && p.outside.triggersMs > 0.9 * p.executionMs!);
      assert.deepEqual(p.nodes[0].warnings.filter((w) => w.kind === 'misestimate'), []);
    });
    it(`the foreign-key tip names the referencing table and columns quoted as PostgreSQL would, reserved words included (${f})`, () => {
      const text = fs.readFileSync(path.join(FIX, 'psql', 'pg18', 'delete-fk-trigger', f), 'utf8');
      const fact = { schema: 'public', table: 'user', columns: ['order', 'Item Id'], referenced: 'public.orders', indexed: false };
      const p = analyzePlan(text, { foreignKeys: new Map([['order_items_order_id_fkey', fact]]) });
      assert.equal(p.tips[0].kind, 'fk-trigger');
      assert.match(p.tips[0].text, /public\."user" \("order", "Item Id"\)/);
    });
    it(`a JIT-dominated plan gets a JIT tip first (${f}, PostgreSQL 15 with LLVM)`, () => {
      const p = load('psql', 'pg15', 'jit', f);
      assert.equal(p.tips[0].kind, 'jit-time');
      assert.match(p.tips[0].text, /jit_above_cost|jit = off/);
    });
  }

  // person37 H1: Explain Analyze of an INSERT into reviews said "Index the referencing columns of reviews_product_id_fkey
  // (the table referencing reviews)": an INSERT fires the key's check, a lookup of products by its primary key.
  describe('a foreign-key check (an INSERT or UPDATE of the referencing rows) is not told to index anything', () => {
    const fact = { schema: 'public', table: 'order_items', columns: ['order_id'], referenced: 'public.orders', indexed: false };
    const slowInsert = () => {
      const plan = JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'fk-trigger-insert.json'), 'utf8'));
      const top = Array.isArray(plan) ? plan[0] : plan;
      top['Triggers'][0]['Time'] = 40;
      top['Execution Time'] = 45;
      return JSON.stringify(plan);
    };
    it('JSON (the trigger named RI_ConstraintTrigger_c_…): no index, with or without the catalog\'s key', () => {
      for (const options of [{}, { foreignKeys: new Map([['order_items_order_id_fkey', fact]]) }]) {
        const p = analyzePlan(slowInsert(), options);
        const tip = p.tips.find((t) => t.kind === 'fk-trigger');
        assert.ok(tip, p.tips.map((t) => t.text).join('\n'));
        assert.doesNotMatch(tip!.text, /CREATE INDEX|Index the referencing|the table referencing/, tip!.text);
        assert.match(tip!.text, /checks that the row it points at exists.*no index to add/);
        assert.equal(tip!.grade, 1);
      }
    });
    it('text without the trigger\'s name: the INSERT tells the check; the DELETE still gets the referencing index', () => {
      const insert = ['Insert on order_items  (cost=0.00..2.50 rows=0 width=0) (actual time=4.100..4.100 rows=0.00 loops=1)', '  ->  Result  (cost=0.00..2.50 rows=100 width=20) (actual time=0.010..0.300 rows=100.00 loops=1)', 'Planning Time: 0.100 ms', 'Trigger for constraint order_items_order_id_fkey: time=40.000 calls=100', 'Execution Time: 45.000 ms'].join('\n');
      const tip = analyzePlan(insert).tips.find((t) => t.kind === 'fk-trigger');
      assert.ok(tip);
      assert.doesNotMatch(tip!.text, /Index the referencing/, tip!.text);
      const del = analyzePlan(fs.readFileSync(path.join(FIX, 'psql', 'pg18', 'delete-fk-trigger', 'raw.txt'), 'utf8'), { foreignKeys: new Map([['order_items_order_id_fkey', fact]]) });
      assert.match(del.tips[0].text, /CREATE INDEX ON public\.order_items \(order_id\)/);
    });
    it('an UPDATE the plan does not place says both cases, and names no table as referencing', () => {
      const update = ['Update on order_items  (cost=0.00..2.50 rows=0 width=0) (actual time=4.100..4.100 rows=0.00 loops=1)', '  ->  Seq Scan on order_items  (cost=0.00..2.50 rows=100 width=20) (actual time=0.010..0.300 rows=100.00 loops=1)', 'Planning Time: 0.100 ms', 'Trigger for constraint order_items_order_id_fkey: time=40.000 calls=100', 'Execution Time: 45.000 ms'].join('\n');
      const tip = analyzePlan(update).tips.find((t) => t.kind === 'fk-trigger');
      assert.match(tip!.text, /Where this statement deletes or changes keys of the referenced table.*Where it writes the referencing rows/);
    });
  });

  it("a top-N Sort over a 200k-row join whose leading key is one table's column: the index on it, with the Incremental Sort it allows (person17 HIGH 4: Django's Meta.ordering + ListView on django-locallibrary)", () => {
    const p = analyzePlan(fs.readFileSync(path.join(FIX, 'captured', 'django-top-n-sort-join.json'), 'utf8'));
    const tip = p.tips.find((t) => t.kind === 'top-n-sort');
    assert.ok(tip, JSON.stringify(p.tips.map((t) => t.text)));
    assert.equal(p.nodes[tip.nodeId].raw[K.NodeType], 'Sort');
    assert.match(tip.text, /^Sort orders all 200k rows of the join to return 10 \(931 ms with what it reads\): its leading key is catalog_book's \(title\): an index on catalog_book \(title\) gives the rows in that order, so PostgreSQL sorts only their ties by the later keys \(Incremental Sort\)/);
    assert.equal(p.tips[0], tip, 'the first tip: the sort is most of the time');
    // Proved by the advice for this statement: the tip says so, with the proved figures.
    const proved = analyzePlan(fs.readFileSync(path.join(FIX, 'captured', 'django-top-n-sort-join.json'), 'utf8'), { provedIndexes: [{ table: 'catalog_book', costBefore: 31095, costAfter: 5929, title: 'catalog_book (title)' }] });
    assert.match(proved.tips.find((t) => t.kind === 'top-n-sort')!.text, /proved by the planner for this statement: catalog_book \(title\)/);
  });

  it('no top-N sort tip where the sort is not under a Limit, reads few rows, or leads with an expression', () => {
    for (const { name, plan } of allFixturePlans()) {
      for (const t of plan.tips.filter((x) => x.kind === 'top-n-sort')) {
        const keys = plan.nodes[t.nodeId].raw[K.SortKey] as string[];
        assert.ok(!/\(/.test(keys[0]), `${name}: ${keys[0]}`);
      }
    }
  });

  const plans = allFixturePlans();
  it(`no tip says "index the join column" where the inner side already is an index lookup (${plans.length} plans)`, () => {
    let checked = 0;
    let lookups = 0;
    for (const { name, plan } of plans) {
      for (const t of plan.tips.filter((x) => x.kind === 'nested-loop-many')) {
        const nl = plan.nodes[t.nodeId];
        const inner = nl.children.map((c) => plan.nodes[c]).find((c) => c.raw[K.ParentRelationship] === 'Inner')!;
        let cur = inner;
        while ((cur.raw[K.NodeType] === 'Memoize' || cur.raw[K.NodeType] === 'Materialize') && cur.children.length === 1) cur = plan.nodes[cur.children[0]];
        checked++;
        if (/Index (Only )?Scan|Bitmap Heap Scan/.test(String(cur.raw[K.NodeType]))) {
          lookups++;
          assert.doesNotMatch(t.text, /index on the join column/, name);
        }
      }
    }
    assert.ok(checked > 0 && lookups > 0, `Nested Loop tips: ${checked}, with an index lookup inside: ${lookups}`);
  });

  it('no misestimate where PostgreSQL reports fewer rows by design (ModifyTable without RETURNING, BitmapAnd/Or, under a Limit, semi/anti inner sides, Merge Join, sub-plans)', () => {
    for (const { name, plan } of plans) {
      for (const n of plan.nodes) {
        const mis = n.warnings.some((w) => w.kind === 'misestimate');
        if (!mis) continue;
        const t = n.raw[K.NodeType];
        assert.ok(t !== 'BitmapAnd' && t !== 'BitmapOr', `${name}: ${t}`);
        assert.ok(!(t === 'ModifyTable' && n.metrics.actualRows === 0), `${name}: ${t}`);
        if (n.metrics.misestimateDirection === 'over') {
          const p = plan.nodes[n.parent];
          assert.ok(!p || (p.raw[K.NodeType] !== 'Limit' && p.raw[K.NodeType] !== 'Merge Join'), `${name}: node ${n.id} under ${p?.raw[K.NodeType]}`);
          assert.ok(n.raw[K.ParentRelationship] !== 'SubPlan', `${name}: node ${n.id}`);
        }
      }
    }
  });

  it('reads PostgreSQL 18 fractional rows: 26 planned and 0.5 per loop is 51–52× (0.5 ± 0.005 as printed), not 26×', () => {
    const p = analyzePlan({ Plan: { 'Node Type': 'Nested Loop', 'Plan Rows': 2600, 'Total Cost': 100, 'Actual Rows': 50, 'Actual Loops': 1, 'Actual Total Time': 5, Plans: [
      { 'Node Type': 'Seq Scan', 'Relation Name': 'a', 'Parent Relationship': 'Outer', 'Plan Rows': 100, 'Total Cost': 10, 'Actual Rows': 100, 'Actual Loops': 1, 'Actual Total Time': 1 },
      { 'Node Type': 'Index Scan', 'Index Name': 'b_pkey', 'Relation Name': 'b', 'Index Cond': '(id = a.b_id)', 'Parent Relationship': 'Inner', 'Plan Rows': 26, 'Total Cost': 0.5, 'Actual Rows': 0.5, 'Actual Loops': 100, 'Actual Total Time': 0.01 },
    ] } });
    const f = p.nodes[2].metrics.misestimate!;
    assert.ok(f >= 26 / 0.505 - 1e-9 && f <= 52, `${f}`);
  });

  it('a row count printed as 0 per loop is at most 0.49 per loop: no 100,000× misestimate from rounding (the figure stays within loops × 0.5)', () => {
    const p = analyzePlan({ Plan: { 'Node Type': 'Nested Loop', 'Plan Rows': 1000, 'Total Cost': 100, 'Actual Rows': 20000, 'Actual Loops': 1, 'Actual Total Time': 50, Plans: [
      { 'Node Type': 'Seq Scan', 'Relation Name': 'a', 'Parent Relationship': 'Outer', 'Plan Rows': 100000, 'Total Cost': 10, 'Actual Rows': 100000, 'Actual Loops': 1, 'Actual Total Time': 10 },
      { 'Node Type': 'Index Scan', 'Index Name': 'b_pkey', 'Relation Name': 'b', 'Index Cond': '(id = a.b_id)', 'Parent Relationship': 'Inner', 'Plan Rows': 1, 'Total Cost': 0.5, 'Actual Rows': 0, 'Actual Loops': 100000, 'Actual Total Time': 0.0003 },
    ] } });
    const inner = p.nodes[2].metrics;
    // Planned 100,000 over the loops; got between 0 and 49,999: at most about 2×, never 100,000×.
    assert.ok(inner.misestimate! <= 2 + 1e-9, `${inner.misestimate}`);
    assert.ok(!p.nodes[2].warnings.some((w) => w.kind === 'misestimate'));
  });

  for (const v of ['pg15', 'pg18']) {
    it(`no misestimate without an estimate: EXPLAIN (ANALYZE, COSTS OFF) prints no planned rows (${v} capture)`, () => {
      for (const f of ['plan.json', 'raw.txt']) {
        const p = load('psql', v, 'costs-off-analyze', f);
        assert.ok(p.nodes.some((n) => n.metrics.actualRows !== undefined));
        assert.deepEqual(p.nodes.flatMap((n) => n.warnings.filter((w) => w.kind === 'misestimate')), [], f);
      }
    });
  }

  it('no misestimate on the outer side of a Hash Join whose hash table came out empty: it stops after one row (PG15 capture; PG18 hashed the other side)', () => {
    for (const v of ['pg15']) {
      for (const f of ['plan.json', 'raw.txt']) {
        const p = load('psql', v, 'subplans-cte', f);
        const outer = p.nodes.find((n) => n.raw[K.IndexName] === 'customers_pkey')!;
        assert.ok(outer.metrics.misestimate! > 10, `${v}/${f}: the figures do differ`);
        assert.deepEqual(outer.warnings.filter((w) => w.kind === 'misestimate'), [], `${v}/${f}`);
        // The viewer's row and details say so too (person7's hour: "rows 1 of 32k est. ▼32k×", "Misestimate 32k× over").
        assert.equal(misestimateLabel(outer.metrics)?.short, '', `${v}/${f}`);
        assert.match(misestimateLabel(outer.metrics)!.long, /^none: fewer rows came back because the node above stopped reading early/);
      }
    }
  });

  it('a Limit that returned fewer rows than its count stopped nothing: the scan below read its whole table, no "stopped reading early" (person20 LOW 3)', () => {
    // Limit 20 over a parallel join that found 4 rows: the Parallel Seq Scan read all 200k rows (67k × 3 loops).
    const scan = { 'Node Type': 'Seq Scan', 'Parallel Aware': true, 'Relation Name': 'article', 'Parent Relationship': 'Outer', 'Plan Rows': 83333, 'Total Cost': 9000, 'Actual Rows': 66667, 'Actual Loops': 3, 'Actual Total Time': 514 };
    const hash = { 'Node Type': 'Hash', 'Parent Relationship': 'Inner', 'Plan Rows': 1, 'Total Cost': 5, 'Actual Rows': 1, 'Actual Loops': 3, 'Actual Total Time': 0.05, Plans: [
      { 'Node Type': 'Index Scan', 'Relation Name': 'users', 'Index Name': 'users_username_key', 'Parent Relationship': 'Outer', 'Plan Rows': 1, 'Total Cost': 5, 'Actual Rows': 1, 'Actual Loops': 3, 'Actual Total Time': 0.5 },
    ] };
    const plan = (limitRows: number, gatherRows: number, gatherActual: number) => analyzePlan({ Plan: { 'Node Type': 'Limit', 'Plan Rows': limitRows, 'Total Cost': 21000, 'Actual Rows': gatherActual, 'Actual Loops': 1, 'Actual Total Time': 768, Plans: [
      { 'Node Type': 'Gather', 'Parent Relationship': 'Outer', 'Workers Planned': 2, 'Workers Launched': 2, 'Plan Rows': gatherRows, 'Total Cost': 21000, 'Actual Rows': gatherActual, 'Actual Loops': 1, 'Actual Total Time': 768, Plans: [
        { 'Node Type': 'Hash Join', 'Join Type': 'Inner', 'Parent Relationship': 'Outer', 'Plan Rows': 2, 'Total Cost': 20000, 'Actual Rows': 1.33, 'Actual Loops': 3, 'Actual Total Time': 700, 'Hash Cond': '(article.author_id = userprofile.id)', Plans: [scan, hash] },
      ] },
    ] }, 'Execution Time': 768 });
    const ran = plan(4, 4, 4).nodes.find((n) => n.metrics.relation === 'article')!;
    assert.notEqual(ran.metrics.stoppedEarly, true);
    assert.doesNotMatch(misestimateLabel(ran.metrics)?.long ?? '', /stopped reading early/);
    // A Limit 4 whose input planned 1,000 rows and that returned its 4: it did stop the join, and the scan below it.
    const cut = plan(4, 1000, 4).nodes.find((n) => n.metrics.relation === 'article')!;
    assert.equal(cut.metrics.stoppedEarly, true);
  });

  it('a whole-table scan whose rows the Hash Join above mostly discards gets a tip naming its join column, analysed or generic (person20 LOW 3: none after Explain Analyze)', () => {
    const hashSide = (actual: boolean) => ({ 'Node Type': 'Hash', 'Parent Relationship': 'Inner', 'Plan Rows': 1, 'Total Cost': 5, ...(actual ? { 'Actual Rows': 1, 'Actual Loops': 3, 'Actual Total Time': 6 } : {}), Plans: [
      { 'Node Type': 'Seq Scan', 'Relation Name': 'userprofile', 'Alias': 'userprofile', 'Parent Relationship': 'Outer', 'Plan Rows': 50000, 'Total Cost': 450, ...(actual ? { 'Actual Rows': 50000, 'Actual Loops': 3, 'Actual Total Time': 5 } : {}) },
    ] });
    const analysed = analyzePlan({ Plan: { 'Node Type': 'Limit', 'Plan Rows': 4, 'Total Cost': 21000, 'Actual Rows': 4, 'Actual Loops': 1, 'Actual Total Time': 768, Plans: [
      { 'Node Type': 'Gather', 'Parent Relationship': 'Outer', 'Workers Planned': 2, 'Workers Launched': 2, 'Plan Rows': 4, 'Total Cost': 21000, 'Actual Rows': 4, 'Actual Loops': 1, 'Actual Total Time': 768, Plans: [
        { 'Node Type': 'Hash Join', 'Join Type': 'Inner', 'Parent Relationship': 'Outer', 'Parallel Aware': false, 'Plan Rows': 2, 'Total Cost': 20000, 'Actual Rows': 1.33, 'Actual Loops': 3, 'Actual Total Time': 700, 'Hash Cond': '(article.author_id = userprofile.id)', Plans: [
          { 'Node Type': 'Seq Scan', 'Parallel Aware': true, 'Relation Name': 'article', 'Alias': 'article', 'Parent Relationship': 'Outer', 'Plan Rows': 83333, 'Total Cost': 9000, 'Actual Rows': 66667, 'Actual Loops': 3, 'Actual Total Time': 514 },
          hashSide(true),
        ] },
      ] },
    ] }, 'Execution Time': 768 });
    const generic = analyzePlan({ Plan: { 'Node Type': 'Limit', 'Plan Rows': 1, 'Total Cost': 20000, Plans: [
      { 'Node Type': 'Hash Join', 'Join Type': 'Inner', 'Parent Relationship': 'Outer', 'Plan Rows': 1, 'Total Cost': 20000, 'Hash Cond': '(article.author_id = userprofile.id)', Plans: [
        { 'Node Type': 'Seq Scan', 'Relation Name': 'article', 'Alias': 'article', 'Parent Relationship': 'Outer', 'Plan Rows': 200000, 'Total Cost': 11000 },
        hashSide(false),
      ] },
    ] } });
    for (const [name, p] of [['analysed', analysed], ['generic', generic]] as const) {
      const tip = p.tips.find((t) => t.kind === 'join-probe-index');
      assert.ok(tip, `${name}: ${JSON.stringify(p.tips.map((t) => t.text))}`);
      assert.equal(p.nodes[tip.nodeId].metrics.relation, 'article');
      assert.match(tip.text, /reads all 200k rows .* the Hash Join above keeps \d[\d.]* of them on \(article\.author_id = userprofile\.id\): an index on article \(author_id\) lets PostgreSQL look up only those rows \(not proved: see "Suggest indexes"\)/);
    }
    // Not where an index on the join column exists already, nor where the join keeps most rows.
    const indexed = analyzePlan(analysed.source, { relationIndexes: new Map([['article', [{ name: 'article_author_id_idx', column: 'author_id', unique: false, partial: false }]]]) });
    assert.equal(indexed.tips.find((t) => t.kind === 'join-probe-index'), undefined);
  });

  it('two Nested Loops in one plan say which inner side each repeats (person8: the same sentence twice in one hover)', () => {
    const scan = (rel: string, relation: 'Outer' | 'Inner', rows: number, loops: number) => ({ 'Node Type': 'Index Scan', 'Relation Name': rel, 'Parent Relationship': relation, 'Plan Rows': 1, 'Total Cost': 1, 'Actual Rows': rows, 'Actual Loops': loops, 'Actual Total Time': 0.01 });
    const p = analyzePlan({ Plan: { 'Node Type': 'Nested Loop', 'Join Type': 'Left', 'Plan Rows': 42000, 'Total Cost': 9000, 'Actual Rows': 42000, 'Actual Loops': 1, 'Actual Total Time': 900, Plans: [
      { 'Node Type': 'Nested Loop', 'Join Type': 'Left', 'Parent Relationship': 'Outer', 'Plan Rows': 42000, 'Total Cost': 5000, 'Actual Rows': 42000, 'Actual Loops': 1, 'Actual Total Time': 500, Plans: [
        { 'Node Type': 'Seq Scan', 'Relation Name': 'campaign_views', 'Parent Relationship': 'Outer', 'Plan Rows': 42000, 'Total Cost': 700, 'Actual Rows': 42000, 'Actual Loops': 1, 'Actual Total Time': 20 },
        scan('campaigns', 'Inner', 1, 42000),
      ] },
      scan('subscribers', 'Inner', 1, 42000),
    ] }, 'Execution Time': 900 });
    const texts = p.nodes.flatMap((n) => n.warnings.filter((w) => w.kind === 'nested-loop-many').map((w) => w.message));
    assert.equal(texts.length, 2, texts.join(' | '));
    assert.notEqual(texts[0], texts[1]);
    assert.ok(texts.some((t) => /inner side \(on campaigns\)/.test(t)) && texts.some((t) => /inner side \(on subscribers\)/.test(t)), texts.join(' | '));
  });

  it('a Nested Loop repeating a CTE Scan (or a function) gets no "index the join column": there is no table to index', () => {
    const p = analyzePlan({ Plan: { 'Node Type': 'Nested Loop', 'Plan Rows': 100, 'Total Cost': 100, 'Actual Rows': 4379, 'Actual Loops': 1, 'Actual Total Time': 3000, Plans: [
      { 'Node Type': 'Seq Scan', 'Relation Name': 'a', 'Parent Relationship': 'Outer', 'Plan Rows': 4000, 'Total Cost': 10, 'Actual Rows': 4379, 'Actual Loops': 1, 'Actual Total Time': 5 },
      { 'Node Type': 'CTE Scan', 'CTE Name': 'acl_row', 'Alias': 'acl_row', 'Parent Relationship': 'Inner', 'Plan Rows': 1, 'Total Cost': 0.02, 'Actual Rows': 1, 'Actual Loops': 4379, 'Actual Total Time': 0.6 },
    ] }, 'Execution Time': 3000 });
    const t = p.tips.find((x) => x.kind === 'nested-loop-many')!;
    assert.ok(t);
    assert.doesNotMatch(t.text, /index on the join column/);
    assert.match(t.text, /reads no table/);
  });

  it('a misestimate is ranked by the time of what its error shaped, up through the parents that inherit it (a 182× scan under a join that drove a 117k-loop Nested Loop)', () => {
    const scan = (rel: string, est: number, got: number, t: number, extra: Record<string, unknown> = {}) => ({ 'Node Type': 'Seq Scan', 'Relation Name': rel, 'Plan Rows': est, 'Total Cost': 10, 'Actual Rows': got, 'Actual Loops': 1, 'Actual Total Time': t, ...extra });
    const p = analyzePlan({ Plan: { 'Node Type': 'Nested Loop', 'Plan Rows': 1, 'Total Cost': 1000, 'Actual Rows': 515, 'Actual Loops': 1, 'Actual Total Time': 990, Plans: [
      { 'Node Type': 'Hash Join', 'Parent Relationship': 'Outer', 'Plan Rows': 60, 'Total Cost': 500, 'Actual Rows': 117000, 'Actual Loops': 1, 'Actual Total Time': 400, Plans: [
        scan('a', 1000, 1000, 20, { 'Parent Relationship': 'Outer' }),
        { 'Node Type': 'Hash', 'Parent Relationship': 'Inner', 'Plan Rows': 1000, 'Total Cost': 20, 'Actual Rows': 182000, 'Actual Loops': 1, 'Actual Total Time': 100, Plans: [scan('tags', 1000, 182000, 60, { 'Parent Relationship': 'Outer' })] },
      ] },
      { 'Node Type': 'Index Scan', 'Relation Name': 'events', 'Index Name': 'events_pkey', 'Index Cond': '(id = a.id)', 'Parent Relationship': 'Inner', 'Plan Rows': 1, 'Total Cost': 0.5, 'Actual Rows': 0, 'Actual Loops': 117000, 'Actual Total Time': 0.003 },
    ] }, 'Execution Time': 990 });
    const t = p.tips.find((x) => x.kind === 'misestimate')!;
    assert.match(t.text, /Seq Scan on tags/);
    assert.ok(Math.abs(t.saving - 990 * 0.5) < 1e-6, `saving ${t.saving}: half the Nested Loop the error reached`);
    assert.equal(p.tips[0], t);
  });

  it('a CTE Scan misestimate does not say "Run ANALYZE" (a CTE has no statistics)', () => {
    const p = analyzePlan({ Plan: { 'Node Type': 'Hash Join', 'Plan Rows': 1000, 'Total Cost': 100, 'Actual Rows': 0, 'Actual Loops': 1, 'Actual Total Time': 50, Plans: [
      { 'Node Type': 'Seq Scan', 'Relation Name': 'c', 'Parent Relationship': 'Outer', 'Plan Rows': 5000, 'Total Cost': 10, 'Actual Rows': 5000, 'Actual Loops': 1, 'Actual Total Time': 5 },
      { 'Node Type': 'Hash', 'Parent Relationship': 'Inner', 'Plan Rows': 1667, 'Total Cost': 20, 'Actual Rows': 0, 'Actual Loops': 1, 'Actual Total Time': 40, Plans: [
        { 'Node Type': 'CTE Scan', 'CTE Name': 'big', 'Alias': 'b', 'Filter': '(n > 10)', 'Parent Relationship': 'Outer', 'Plan Rows': 1667, 'Total Cost': 20, 'Actual Rows': 0, 'Actual Loops': 1, 'Actual Total Time': 40 },
      ] },
    ] }, 'Execution Time': 50 });
    const t = p.tips.find((x) => x.kind === 'misestimate' && /CTE Scan/.test(x.text))!;
    assert.ok(t);
    assert.doesNotMatch(t.text, /Run ANALYZE/);
    assert.match(t.text, /NOT MATERIALIZED|temporary table/);
  });

  it('says "Run ANALYZE" only where ANALYZE can change the estimate: not for a one-row lookup joined to more rows per key than the average, not for a condition on an expression', () => {
    const scan = (extra: Record<string, unknown>) => ({ 'Node Type': 'Seq Scan', 'Relation Name': 'orders', 'Alias': 'o', 'Parent Relationship': 'Outer', 'Total Cost': 900, 'Actual Loops': 1, 'Actual Total Time': 9, ...extra });
    // The shop's ordersForEmail with the heaviest customer: scans estimated right, the join 4 → 338 (one key far above the average).
    const join = analyzePlan({ Plan: { 'Node Type': 'Hash Join', 'Hash Cond': '(o.customer_id = c.id)', 'Plan Rows': 4, 'Total Cost': 950, 'Actual Rows': 338, 'Actual Loops': 1, 'Actual Total Time': 13, Plans: [
      scan({ 'Plan Rows': 32000, 'Actual Rows': 32000 }),
      { 'Node Type': 'Hash', 'Parent Relationship': 'Inner', 'Plan Rows': 1, 'Total Cost': 8, 'Actual Rows': 1, 'Actual Loops': 1, 'Actual Total Time': 0.1, Plans: [
        { 'Node Type': 'Index Scan', 'Relation Name': 'customers', 'Alias': 'c', 'Index Name': 'customers_email_key', 'Index Cond': "(email = 'm@x'::text)", 'Parent Relationship': 'Outer', 'Plan Rows': 1, 'Total Cost': 8, 'Actual Rows': 1, 'Actual Loops': 1, 'Actual Total Time': 0.05 },
      ] },
    ] }, 'Execution Time': 13.4 });
    const j = join.tips.find((x) => x.kind === 'misestimate');
    assert.ok(j, 'the join misestimate is still told');
    assert.doesNotMatch(j.text, /ANALYZE/);
    // A join of many rows on both sides planned far off (the join keys' statistics): ANALYZE can change that.
    const wide = analyzePlan({ Plan: { 'Node Type': 'Merge Join', 'Merge Cond': '(a.k = b.k)', 'Plan Rows': 88900000, 'Total Cost': 9e6, 'Actual Rows': 2500000, 'Actual Loops': 1, 'Actual Total Time': 4000, Plans: [
      scan({ 'Relation Name': 'a', Alias: 'a', 'Plan Rows': 2500000, 'Actual Rows': 2500000, 'Actual Total Time': 900 }),
      scan({ 'Relation Name': 'b', Alias: 'b', 'Parent Relationship': 'Inner', 'Plan Rows': 40000, 'Actual Rows': 40000, 'Actual Total Time': 30 }),
    ] }, 'Execution Time': 4100 });
    assert.match(wide.tips.find((x) => x.kind === 'misestimate')!.text, /Run ANALYZE/);
    // customers.ts's lower(email) = lower($1): no statistics on the expression until an index or CREATE STATISTICS gives them.
    const expr = analyzePlan({ Plan: scan({ 'Relation Name': 'customers', 'Alias': 'customers', Filter: "(lower((email)::text) = 'm@x'::text)", 'Plan Rows': 40, 'Actual Rows': 1, 'Rows Removed by Filter': 8000 }), 'Execution Time': 2.8 });
    const e = expr.tips.find((x) => x.kind === 'misestimate')!;
    assert.doesNotMatch(e.text, /Run ANALYZE/);
    assert.match(e.text, /expression.*CREATE STATISTICS customers_expr_stat ON \(lower\(\(email\)::text\)\) FROM customers.*Suggest indexes/);
    // A plain column's estimate: ANALYZE can change it.
    const plain = analyzePlan({ Plan: scan({ Filter: "(status = 'refunded'::text)", 'Plan Rows': 5000, 'Actual Rows': 165, 'Rows Removed by Filter': 31835 }), 'Execution Time': 9 });
    assert.match(plain.tips.find((x) => x.kind === 'misestimate')!.text, /Run ANALYZE orders/);
  });

  it('costs an estimated Nested Loop by what it leaves its inner side: a Materialize rescanned cheaply does not take the whole cost', () => {
    const p = analyzePlan({ Plan: { 'Node Type': 'Nested Loop', 'Plan Rows': 1000, 'Total Cost': 2000, Plans: [
      { 'Node Type': 'Seq Scan', 'Relation Name': 'a', 'Parent Relationship': 'Outer', 'Plan Rows': 1000, 'Total Cost': 20 },
      { 'Node Type': 'Materialize', 'Parent Relationship': 'Inner', 'Plan Rows': 100, 'Total Cost': 30, Plans: [
        { 'Node Type': 'Seq Scan', 'Relation Name': 'b', 'Parent Relationship': 'Outer', 'Plan Rows': 100, 'Total Cost': 25 },
      ] },
    ] } });
    // 30 × 1000 outer rows would be 15× the Nested Loop's own total: the inner gets what is left (2000 − 20 − 10).
    assert.ok(p.nodes[0].metrics.costShare > 0, 'the Nested Loop keeps a share');
    assert.ok(p.nodes[2].metrics.inclusiveCost <= 2000 - 20);
  });
});

describe('core/plan parallel time model', () => {
  const node = (type: string, t: number, loops: number, extra: Record<string, unknown> = {}, kids: Record<string, unknown>[] = []) => ({ 'Node Type': type, 'Total Cost': 100, 'Plan Rows': 10, 'Actual Total Time': t, 'Actual Rows': 10, 'Actual Loops': loops, ...extra, ...(kids.length ? { Plans: kids } : {}) });
  it('weights a Parallel Append\'s children by time × loops ÷ processes: the Gather keeps only its own time', () => {
    const p = analyzePlan({ Plan: node('Gather', 31, 1, { 'Workers Planned': 2, 'Workers Launched': 2 }, [
      node('Append', 30, 3, { 'Parallel Aware': true, 'Parent Relationship': 'Outer' }, [1, 2, 3].map((i) => node('Seq Scan', 30, 1, { 'Relation Name': `p${i}`, 'Parent Relationship': 'Member' }))),
    ]), 'Execution Time': 31 });
    const scans = p.nodes.filter((n) => n.raw['Node Type'] === 'Seq Scan');
    for (const s of scans) assert.ok(Math.abs(s.metrics.inclusiveMs! - 10) < 1e-9, String(s.metrics.inclusiveMs));
    assert.ok(p.nodes[0].metrics.exclusiveMs! <= 1.0001, `Gather self ${p.nodes[0].metrics.exclusiveMs}`);
  });
  it('a Bitmap Index Scan built by one process does not zero its Parallel Bitmap Heap Scan', () => {
    const p = analyzePlan({ Plan: node('Gather', 21, 1, { 'Workers Planned': 2, 'Workers Launched': 2 }, [
      node('Bitmap Heap Scan', 20, 3, { 'Parallel Aware': true, 'Relation Name': 't', 'Parent Relationship': 'Outer' }, [node('Bitmap Index Scan', 25, 1, { 'Index Name': 't_idx', 'Parent Relationship': 'Outer' })]),
    ]), 'Execution Time': 21 });
    assert.ok(p.nodes[1].metrics.exclusiveMs! > 10, `heap scan self ${p.nodes[1].metrics.exclusiveMs}`);
  });
  it('the node under a Gather takes the Gather\'s exact row count within loops × 0.5, and keeps its printed figure beyond (a Limit stopped the Gather)', () => {
    const gather = (rows: number, childRows: number) => analyzePlan({ Plan: { ...node('Gather', 11, 1, { 'Workers Planned': 2, 'Workers Launched': 2 }, [node('Seq Scan', 10, 3, { 'Parallel Aware': true, 'Relation Name': 't', 'Parent Relationship': 'Outer', 'Actual Rows': childRows, 'Plan Rows': 3000 })]), 'Actual Rows': rows }, 'Execution Time': 11 });
    assert.equal(gather(10000, 3333).nodes[1].metrics.actualRowsTotal, 10000);
    assert.equal(gather(10001, 3334).nodes[1].metrics.actualRowsTotal, 10001);
    assert.equal(gather(10002, 3333).nodes[1].metrics.actualRowsTotal, 9999, 'beyond 1.5 rows the printed figure stands');
    const stopped = gather(5, 3333).nodes[1].metrics;
    assert.equal(stopped.actualRowsTotal, 9999);
    assert.ok(Math.abs(stopped.misestimate! - 9997.5 / 9000) < 1e-9, String(stopped.misestimate));
  });
  it('children that measured more than their parent beyond per-loop rounding keep their time: the parent lasts as long (a Gather Merge shutting its workers down after the aggregate above returned)', () => {
    const p = analyzePlan({ Plan: node('Limit', 7920, 1, {}, [
      node('Aggregate', 7577, 1, { 'Parent Relationship': 'Outer' }, [
        node('Gather Merge', 7919, 1, { 'Parent Relationship': 'Outer', 'Workers Planned': 4, 'Workers Launched': 4 }, [node('Sort', 1512, 5, { 'Parent Relationship': 'Outer' })]),
      ]),
    ]), 'Execution Time': 7921 });
    const [limit, agg, gm, sort] = p.nodes.map((n) => n.metrics);
    assert.equal(gm.inclusiveMs, 7919, 'the Gather Merge keeps what it measured');
    assert.ok(Math.abs(sort.inclusiveMs! - 1512) < 1e-9);
    assert.equal(agg.inclusiveMs, 7919, 'the aggregate lasts as long as its child');
    assert.equal(agg.exclusiveMs, 0);
    assert.ok(Math.abs(gm.exclusiveMs! - (7919 - 1512)) < 1e-9, 'the shutdown time stays on the Gather Merge');
    assert.ok(limit.exclusiveMs! < 1.0001, `Limit self ${limit.exclusiveMs}`);
  });
  it('within per-loop rounding the parent\'s figure wins: an inner side run 100,000 times is scaled down by at most 0.0005 ms × loops', () => {
    const p = analyzePlan({ Plan: node('Nested Loop', 100, 1, {}, [
      node('Seq Scan', 10, 1, { 'Parent Relationship': 'Outer', 'Relation Name': 'a' }),
      node('Index Scan', 0.00095, 100000, { 'Parent Relationship': 'Inner', 'Relation Name': 'b', 'Index Name': 'b_pkey', 'Index Cond': '(id = a.id)' }),
    ]), 'Execution Time': 100 });
    const [nl, , inner] = p.nodes.map((n) => n.metrics);
    assert.equal(nl.inclusiveMs, 100);
    assert.ok(inner.inclusiveMs! < inner.measuredMs! && inner.inclusiveMs! >= inner.measuredMs! - 0.0005 * 100000 - 1e-9);
    assert.ok(Math.abs(nl.exclusiveMs!) < 1e-9);
  });
  it('a Gather that took longer than all its processes\' work gets the parallel-overhead tip; one that paid off does not', () => {
    const plan = (gatherMs: number) => analyzePlan({ Plan: node('Gather', gatherMs, 1, { 'Workers Planned': 2, 'Workers Launched': 2 }, [node('Seq Scan', 20, 3, { 'Parallel Aware': true, 'Relation Name': 't', 'Parent Relationship': 'Outer' })]), 'Execution Time': gatherMs });
    const slow = plan(200);
    const tip = slow.tips.find((t) => t.kind === 'parallel-overhead');
    assert.ok(tip, 'a tip');
    assert.match(tip!.text, /max_parallel_workers_per_gather = 0|parallel_setup_cost/);
    assert.ok(Math.abs(tip!.saving - (200 - 60)) < 1e-9);
    assert.match(slow.nodes[0].warnings.find((w) => w.kind === 'time-share')!.message, /in the Gather itself .*starting its workers/);
    assert.ok(!plan(30).tips.some((t) => t.kind === 'parallel-overhead'));
    assert.ok(!plan(30).nodes[0].warnings.some((w) => w.kind === 'parallel-overhead'));
  });
  it('without the leader (parallel_leader_participation off), loops equal to the workers mean workers only', () => {
    const p = analyzePlan({ Plan: node('Gather', 11, 1, { 'Workers Planned': 2, 'Workers Launched': 2 }, [node('Seq Scan', 10, 2, { 'Parallel Aware': true, 'Relation Name': 't', 'Parent Relationship': 'Outer' })]), 'Execution Time': 11 });
    assert.equal(p.nodes[1].metrics.processes, 2);
    assert.ok(Math.abs(p.nodes[1].metrics.inclusiveMs! - 10) < 1e-9);
  });
});

describe('core/plan tip savings: one figure, with its unit', () => {
  // The shop's "latest reviews of a product" planned without values: a Seq Scan of 24k reviews keeping 10.
  const plan = { Plan: { 'Node Type': 'Limit', 'Startup Cost': 554, 'Total Cost': 554.1, 'Plan Rows': 3, 'Plan Width': 40, Plans: [{ 'Node Type': 'Sort', 'Parent Relationship': 'Outer', 'Startup Cost': 554, 'Total Cost': 554.05, 'Plan Rows': 10, 'Plan Width': 40, 'Sort Key': ['created_at DESC'], Plans: [{ 'Node Type': 'Seq Scan', 'Parent Relationship': 'Outer', 'Relation Name': 'reviews', Alias: 'reviews', 'Startup Cost': 0, 'Total Cost': 554, 'Plan Rows': 10, 'Plan Width': 40, Filter: '(product_id = $1)' }] }] } };
  const relationRows = new Map([['reviews', 24000]]);

  it('a rough saving says its unit (person6/7 saw "(could save ~498.60)"): cost units in the CLI and the viewer alike', () => {
    const p = analyzePlan(plan, { relationRows });
    assert.equal(p.tips[0].kind, 'seq-scan-selective');
    assert.equal(fmtSaving(p.tips[0]), 'could save ~499 cost units');
    assert.match(planText(p), /\(could save ~499 cost units\)$/m);
    assert.equal(fmtSaving({ saving: 8.3, unit: 'ms' }), 'could save ~8.3 ms');
  });

  it('with the index the advice proved, the tip names it and says the proved saving, the figures of the hover and the Problems panel', () => {
    const p = analyzePlan(plan, { relationRows, provedIndexes: [{ table: 'reviews', costBefore: 554.1, costAfter: 25.7, title: 'reviews (product_id, created_at DESC)' }] });
    const t = p.tips[0];
    assert.match(t.text, /read only those: reviews \(product_id, created_at DESC\)\.$/);
    assert.equal(fmtSaving(t), 'saves ~528 cost units: cost 554 → 25.7, proved by the planner');
    // The same before → after as the missing-index hover's "cost 554 → 25.7".
    assert.match(missingIndexHover({ ddl: 'CREATE INDEX x ON reviews (product_id, created_at DESC)', table: 'reviews', schema: 'public', columns: ['product_id', 'created_at DESC'], summary: '', reason: 'r', verifiedBy: 'hypopg', costBefore: 554.1, costAfter: 25.7, name: 'x', indexSizeBytes: null, planAfter: [] }, { docs: 'd' }), /cost 554 → 25\.7/);
    assert.match(planText(p), /\(saves ~528 cost units: cost 554 → 25\.7, proved by the planner\)$/m);
    // An index proved on another table keeps the tip's own figure.
    assert.equal(analyzePlan(plan, { relationRows, provedIndexes: [{ table: 'orders', costBefore: 554.1, costAfter: 25.7, title: 'orders (x)' }] }).tips[0].proved, undefined);
  });

  it('an index the decision shares with other statements is said shared, as Problems says it, not "an index on the filtered columns" (person52 L-5: "An index on the filtered columns …: reviews (customer_id, rating)" for a statement filtering on other columns)', () => {
    const shared = 'one index shared with 1 other statement; its own, reviews (product_id, created_at DESC), would give 8.31';
    const figures = provedFigures([{ table: 'reviews', costBefore: 554.1, costAfter: 25.7, verifiedBy: 'hypopg', columns: ['product_id', 'rating'], ddl: 'CREATE INDEX CONCURRENTLY r ON reviews (product_id, rating)' }], {
      alsoServes: { 'CREATE INDEX CONCURRENTLY r ON reviews (product_id, rating)': ['src/reviews.ts:6'] },
      ownInstead: { 'CREATE INDEX CONCURRENTLY r ON reviews (product_id, rating)': { ddl: 'CREATE INDEX CONCURRENTLY o ON reviews (product_id, created_at DESC)', table: 'reviews', columns: ['product_id', 'created_at DESC'], costAfter: 8.31 } },
    });
    assert.equal(figures[0].shared, shared);
    const t = analyzePlan(plan, { relationRows, provedIndexes: figures }).tips[0];
    assert.doesNotMatch(t.text, /the filtered columns/);
    assert.match(t.text, /: reviews \(product_id, rating\) lets PostgreSQL read only the rows this one needs \(one index shared with 1 other statement; its own, reviews \(product_id, created_at DESC\), would give 8\.31\)\.$/);
    assert.equal(t.text.match(/shared|other statements/g)?.length, 1, 'the sharing said once (person55 L-8)');
    assert.equal(fmtSaving(t), 'saves ~528 cost units: cost 554 → 25.7, proved by the planner');
    // Its own index (no other statement): the tip as before.
    assert.equal(provedFigures([{ table: 'reviews', costBefore: 554.1, costAfter: 25.7, verifiedBy: 'hypopg', columns: ['product_id'], ddl: 'CREATE INDEX x ON reviews (product_id)' }], { alsoServes: {} })[0].shared, undefined);
  });

  // person27: a plan pasted from elsewhere (no statement) had tips that did not name the index PG Lens had proved for the
  // workspace's statement on the same table and columns.
  it('a plan brought without its statement names the index proved for the workspace on the same table and columns (its filter, then the ORDER BY of the top-N Sort it feeds), as that statement\'s proof', () => {
    const proved = { table: 'reviews', costBefore: 554.1, costAfter: 25.7, title: 'reviews (product_id, created_at DESC)', columns: ['product_id', 'created_at DESC'], ddl: 'CREATE INDEX CONCURRENTLY reviews_product_id_created_at_desc_idx ON reviews (product_id, created_at DESC)' };
    const p = analyzePlan(plan, { relationRows, withStatement: false, provedIndexes: [proved] });
    const t = p.tips[0];
    assert.equal(t.kind, 'seq-scan-selective');
    assert.match(t.text, /read only those: reviews \(product_id, created_at DESC\)\.$/);
    assert.equal(fmtSaving(t), 'could save ~528 cost units: proved: CREATE INDEX CONCURRENTLY reviews_product_id_created_at_desc_idx ON reviews (product_id, created_at DESC) (−95% cost) for a statement of your code on this table and these columns');
    // Where that statement is written, when known.
    assert.match(fmtSaving(analyzePlan(plan, { relationRows, withStatement: false, provedIndexes: [{ ...proved, at: 'src/reviews.ts:6' }] }).tips[0]), /for a statement of your code at src\/reviews\.ts:6 on this table and these columns$/);
    // Another column of the same table (the scan filters product_id, the index leads with rating): not this scan's index.
    const other = analyzePlan(plan, { relationRows, withStatement: false, provedIndexes: [{ ...proved, title: 'reviews (rating)', columns: ['rating'], ddl: 'CREATE INDEX x ON reviews (rating)' }] }).tips[0];
    assert.equal(other.proved, undefined);
    assert.doesNotMatch(other.text, /rating/);
    // A Seq Scan whose condition is the Hash Join's above it (orders o, Hash Cond o.customer_id = c.id).
    const join = { Plan: { 'Node Type': 'Hash Join', 'Join Type': 'Inner', 'Hash Cond': '(o.customer_id = c.id)', 'Total Cost': 960, 'Plan Rows': 4, 'Actual Rows': 338, 'Actual Loops': 1, 'Actual Total Time': 23.4, Plans: [
      { 'Node Type': 'Seq Scan', 'Parent Relationship': 'Outer', 'Relation Name': 'orders', Alias: 'o', 'Total Cost': 900, 'Plan Rows': 32000, 'Actual Rows': 32000, 'Actual Loops': 1, 'Actual Total Time': 21.4 },
      { 'Node Type': 'Hash', 'Parent Relationship': 'Inner', 'Total Cost': 8.3, 'Plan Rows': 1, 'Actual Rows': 1, 'Actual Loops': 1, 'Actual Total Time': 0.06, Plans: [
        { 'Node Type': 'Index Scan', 'Parent Relationship': 'Outer', 'Relation Name': 'customers', Alias: 'c', 'Index Name': 'customers_email_key', 'Index Cond': "(email = 'm@x'::text)", 'Total Cost': 8.3, 'Plan Rows': 1, 'Actual Rows': 1, 'Actual Loops': 1, 'Actual Total Time': 0.05 },
      ] },
    ] }, 'Execution Time': 23.5 };
    const orders = { table: 'public.orders', costBefore: 946, costAfter: 27.7, title: 'orders (customer_id, placed_at DESC)', columns: ['customer_id', 'placed_at DESC'], ddl: 'CREATE INDEX CONCURRENTLY orders_customer_id_placed_at_desc_idx ON orders (customer_id, placed_at DESC)' };
    const narrow = { ...orders, costAfter: 40, title: 'orders (customer_id)', columns: ['customer_id'], ddl: 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id)', at: 'src/orders.ts:70' };
    const j = analyzePlan(join, { withStatement: false, provedIndexes: [orders, narrow] }).tips.find((x) => x.proved);
    assert.ok(j, 'a tip naming the proved index on the scan the join reads');
    assert.match(fmtSaving(j), /^could save ~20\.\d ms: proved: CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders \(customer_id\) \(−96% cost\) for a statement of your code at src\/orders\.ts:70/);
    assert.match(j.text, /proved by the planner for a statement of your code at src\/orders\.ts:70 on this table/);
    // The wider (customer_id, placed_at DESC) alone: this scan under a Hash Join has no ORDER BY; not its proof.
    assert.equal(analyzePlan(join, { withStatement: false, provedIndexes: [orders] }).tips.find((x) => x.proved), undefined);
  });

  // person30 L4: the country report pasted from prod, `o.status <> 'cancelled'` keeping almost every row, borrowed
  // "proved: CREATE INDEX … orders (status, placed_at DESC) (−61% cost)" — proved for orders.ts:70's `status = $1`.
  it('a plan brought without its statement borrows a proof only where its condition uses the index\'s leading column as the index serves it (=, range, IN/ANY)', () => {
    const scan = (filter: string) => ({ Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 'orders', Alias: 'o', 'Total Cost': 900, 'Plan Rows': 200, 'Actual Rows': 200, 'Actual Loops': 1, 'Actual Total Time': 8.6, 'Rows Removed by Filter': 31800, Filter: filter }, 'Execution Time': 9 });
    const status = { table: 'orders', costBefore: 946, costAfter: 369, title: 'orders (status, placed_at DESC)', columns: ['status', 'placed_at DESC'], ddl: 'CREATE INDEX CONCURRENTLY orders_status_placed_at_desc_idx ON orders (status, placed_at DESC)' };
    // (status) proves the scan; (status, placed_at DESC), proved for orders.ts:70's ORDER BY, is only mentioned (person33 L1).
    const narrow = { ...status, costAfter: 400, title: 'orders (status)', columns: ['status'], ddl: 'CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status)' };
    const borrowed = (filter: string) => analyzePlan(scan(filter), { relationRows: new Map([['orders', 32000]]), withStatement: false, provedIndexes: [status, narrow] }).tips.find((t) => t.proved);
    const mentioned = (filter: string) => analyzePlan(scan(filter), { relationRows: new Map([['orders', 32000]]), withStatement: false, provedIndexes: [status] }).tips.find((t) => /was proved to gain/.test(t.text));
    for (const served of ["(o.status = 'refunded'::text)", "((o.status)::text = 'refunded'::text)", "(o.status = ANY ('{refunded,lost}'::text[]))", "(o.status > 'p'::text)"]) {
      assert.equal(borrowed(served)?.proved?.index, 'orders (status)', served);
      assert.ok(mentioned(served), served);
    }
    for (const not of ["(o.status <> 'cancelled'::text)", "(o.status <> ALL ('{cancelled,lost}'::text[]))", "(lower(o.status) = 'refunded'::text)", "(o.status ~~ 'ref%'::text)"]) {
      assert.equal(borrowed(not), undefined, not);
      assert.equal(mentioned(not), undefined, not);
    }
    assert.equal(indexServesCondition("(o.status <> 'cancelled'::text) AND (o.customer_id = c.id)", 'status'), false);
    assert.equal(indexServesCondition("(o.status <> 'cancelled'::text) AND (o.customer_id = c.id)", 'customer_id'), true);
    assert.equal(indexServesCondition("(placed_at >= (now() - '7 days'::interval))", 'placed_at'), true);
  });

  // person43 H2: the estimated plan of `status IN ('shipped','paid','pending')` (13% of orders), pasted, borrowed the −69 %
  // proved for orders.ts:70's `status = 'refunded'` (0.5%), where the hover and Open plan for the same SQL said "No index
  // for it: it keeps 13%". A borrowed proof does not switch off the selectivity bound; the statement's own proof does.
  it('a borrowed proof does not switch off the selectivity bound: a pasted plan keeping 13% gets "No index for it", as the hover does', () => {
    const filter = "(status = ANY ('{shipped,paid,pending}'::text[]))";
    const estimated = { Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 'orders', Alias: 'orders', 'Startup Cost': 0, 'Total Cost': 974, 'Plan Rows': 4160, 'Plan Width': 16, Filter: filter } };
    const production = `Seq Scan on orders  (cost=0.00..312450.00 rows=2080000 width=16)\n  Filter: ${filter}`;
    const relationRows = new Map([['orders', 32000]]);
    const status = { table: 'orders', costBefore: 974, costAfter: 303, title: 'orders (status)', columns: ['status'], ddl: 'CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status)', at: 'src/orders.ts:70' };
    for (const [name, plan, rows] of [['estimated', estimated, relationRows], ['production', production, new Map([['orders', 16_000_000]])]] as const) {
      const p = analyzePlan(plan, { relationRows: rows, withStatement: false, provedIndexes: [status] });
      assert.equal(p.tips.find((t) => t.proved), undefined, `${name}: ${p.tips.map((t) => `${t.text} ${fmtSaving(t)}`).join('\n')}`);
      assert.ok(!p.tips.some((t) => t.kind === 'proved-index'), name);
      assert.match(declinedIndexNote(p) ?? '', /^No index for it: it keeps 13% of the rows it reads: PG Lens proposes an index for a filter keeping more than 5\.0% only when the planner proves it/, name);
    }
    // The same filter keeping 0.5%: the borrowed proof is named, as before.
    const few = { Plan: { ...estimated.Plan, 'Plan Rows': 160, Filter: "(status = 'refunded'::text)" } };
    assert.equal(analyzePlan(few, { relationRows, withStatement: false, provedIndexes: [status] }).tips.find((t) => t.proved)?.proved?.index, 'orders (status)');
    // With its statement, its own proof is the planner's answer, even at 13% (the advice weighed it).
    assert.equal(analyzePlan(estimated, { relationRows, provedIndexes: [{ ...status, ddl: undefined, at: undefined }] }).tips.find((t) => t.proved)?.proved?.index, 'orders (status)');
  });

  // The same statement run for real (Explain Analyze): 24k reviews read to keep 3, 3.2 ms of 3.4.
  const analysed = { Plan: { 'Node Type': 'Limit', 'Total Cost': 554.1, 'Plan Rows': 3, 'Actual Rows': 3, 'Actual Loops': 1, 'Actual Total Time': 3.4, Plans: [{ 'Node Type': 'Sort', 'Parent Relationship': 'Outer', 'Total Cost': 554.05, 'Plan Rows': 10, 'Actual Rows': 3, 'Actual Loops': 1, 'Actual Total Time': 3.35, 'Sort Key': ['created_at DESC'], Plans: [{ 'Node Type': 'Seq Scan', 'Parent Relationship': 'Outer', 'Relation Name': 'reviews', Alias: 'reviews', 'Total Cost': 554, 'Plan Rows': 10, 'Actual Rows': 9, 'Actual Loops': 1, 'Actual Total Time': 3.2, 'Rows Removed by Filter': 23991, Filter: '(product_id = 42)' }] }] }, 'Execution Time': 3.45 };
  const reviewsIndex = { table: 'reviews', costBefore: 554.1, costAfter: 25.7, title: 'reviews (product_id, created_at DESC)' };

  it('an analysed plan\'s tip names the index the advice proved, as the generic plan\'s does, with the time the scan took (person9 P5: "see "Suggest indexes". (could save ~3.0 ms)")', () => {
    const p = analyzePlan(analysed, { provedIndexes: [reviewsIndex] });
    const t = p.tips[0];
    assert.equal(t.kind, 'seq-scan-selective');
    assert.match(t.text, /read only those: reviews \(product_id, created_at DESC\)\.$/);
    assert.doesNotMatch(t.text, /Suggest indexes/);
    assert.equal(t.unit, 'ms');
    // The scan's 3.2 ms times the share of the cost the index removes (1 − 25.7 / 554.1): ranked by measured time, not cost units.
    assert.ok(Math.abs(t.saving - 3.2 * (1 - 25.7 / 554.1)) < 1e-9, String(t.saving));
    assert.equal(fmtSaving(t), 'could save ~3.1 ms: cost 554 → 25.7 with the index, proved by the planner');
    // Without the advice: the pointer to Suggest indexes, as before.
    assert.match(analyzePlan(analysed).tips[0].text, /see "Suggest indexes"/);
  });

  // person24 LOW 2: Explain Analyze with $1 = 1 (customer 1, 342 orders) got an Index Scan Backward on placed_at (cost
  // 179) removing 99% of what it read, and its tip quoted the advice's "cost 934 → 19.4": the plan without values.
  const backward = { Plan: { 'Node Type': 'Limit', 'Total Cost': 179, 'Plan Rows': 20, 'Actual Rows': 20, 'Actual Loops': 1, 'Actual Total Time': 2.1, Plans: [{ 'Node Type': 'Index Scan', 'Scan Direction': 'Backward', 'Index Name': 'orders_placed_at_idx', 'Parent Relationship': 'Outer', 'Relation Name': 'orders', Alias: 'orders', 'Total Cost': 8950, 'Plan Rows': 1000, 'Actual Rows': 20, 'Actual Loops': 1, 'Actual Total Time': 2.05, 'Rows Removed by Filter': 2375, Filter: '(customer_id = 1)' }] }, 'Execution Time': 2.2 };
  const placedIndex = { table: 'orders', costBefore: 934, costAfter: 19.4, title: 'orders (customer_id, placed_at DESC)' };

  it('a proof made on another plan of the statement (the advice plans it without values) is said to be that plan\'s, never quoted as this plan\'s cost', () => {
    const p = analyzePlan(backward, { provedIndexes: [placedIndex] });
    const t = p.tips.find((x) => x.proved)!;
    assert.ok(t, JSON.stringify(p.tips));
    assert.equal(t.proved!.planCost, 179);
    const said = fmtSaving(t);
    assert.match(said, /^could save ~[\d.]+ ms: the planner proved cost 934 → 19\.4 with the index for the statement planned without these values \(this plan: cost 179\)$/);
    assert.doesNotMatch(said, /^could save ~[\d.]+ ms: cost 934/);
    // The same plan costed as the advice's (its generic plan): the figures are this plan's, said as before.
    const same = analyzePlan(analysed, { provedIndexes: [reviewsIndex] }).tips[0];
    assert.equal(same.proved!.planCost, undefined);
    // Not run, costed otherwise: the saving is this plan's node cost scaled by the proved share, not the other plan's drop.
    const plannedOnly = { Plan: { 'Node Type': 'Limit', 'Total Cost': 179, 'Plan Rows': 20, Plans: [{ 'Node Type': 'Seq Scan', 'Parent Relationship': 'Outer', 'Relation Name': 'orders', Alias: 'orders', 'Total Cost': 179, 'Plan Rows': 20, Filter: '(customer_id = 1)' }] } };
    const planned = analyzePlan(plannedOnly, { relationRows: new Map([['orders', 32000]]), provedIndexes: [placedIndex] }).tips.find((x) => x.proved)!;
    assert.ok(planned, 'a tip with the proof');
    assert.ok(Math.abs(planned.saving - 179 * (1 - 19.4 / 934)) < 1e-6, String(planned.saving));
    assert.match(fmtSaving(planned), /^could save ~17\d cost units: the planner proved cost 934 → 19\.4 with the index/);
  });

  // The shop's ordersForEmail for the customer with 338 orders (person9 17:53): 91% in the Seq Scan on orders, whose
  // filter is the join's (no Filter line), under a Hash Join planned 4 rows and got 338.
  const join = (scanMs: number) => ({ Plan: { 'Node Type': 'Hash Join', 'Join Type': 'Inner', 'Hash Cond': '(o.customer_id = c.id)', 'Total Cost': 960, 'Plan Rows': 4, 'Actual Rows': 338, 'Actual Loops': 1, 'Actual Total Time': 23.4, Plans: [
    { 'Node Type': 'Seq Scan', 'Parent Relationship': 'Outer', 'Relation Name': 'orders', Alias: 'o', 'Total Cost': 900, 'Plan Rows': 32000, 'Actual Rows': 32000, 'Actual Loops': 1, 'Actual Total Time': scanMs },
    { 'Node Type': 'Hash', 'Parent Relationship': 'Inner', 'Total Cost': 8.3, 'Plan Rows': 1, 'Actual Rows': 1, 'Actual Loops': 1, 'Actual Total Time': 0.06, Plans: [
      { 'Node Type': 'Index Scan', 'Parent Relationship': 'Outer', 'Relation Name': 'customers', Alias: 'c', 'Index Name': 'customers_email_key', 'Index Cond': "(email = 'm@x'::text)", 'Total Cost': 8.3, 'Plan Rows': 1, 'Actual Rows': 1, 'Actual Loops': 1, 'Actual Total Time': 0.05 },
    ] },
  ] }, 'Execution Time': 23.5 });
  const ordersIndex = { table: 'orders', costBefore: 946, costAfter: 27.7, title: 'orders (customer_id)' };

  it('a scan that took the time on a table the advice proved an index for gets a tip naming it, ranked above the join misestimate it explains (person9 P5: the only tip was the Hash Join\'s)', () => {
    const before = analyzePlan(join(21.4));
    // Without the advice: the join column's index, said not proved (person20 LOW 3; person9 saw only the misestimate).
    assert.deepEqual(before.tips.map((t) => t.kind).sort(), ['join-probe-index', 'misestimate']);
    assert.match(before.tips.find((t) => t.kind === 'join-probe-index')!.text, /an index on orders \(customer_id\) .*not proved/);
    const p = analyzePlan(join(21.4), { provedIndexes: [ordersIndex] });
    assert.deepEqual(p.tips.map((t) => t.kind), ['proved-index', 'misestimate']);
    const t = p.tips[0];
    assert.equal(p.nodes[t.nodeId].metrics.relation, 'orders');
    assert.match(t.text, /^Seq Scan on orders o reads the whole table and takes 91% of the execution time \(21\.4 ms\): orders \(customer_id\), proved by the planner for this statement/);
    assert.match(fmtSaving(t), /^could save ~20\.\d ms: cost 946 → 27\.7 with the index, proved by the planner$/);
    // A generic plan of the same statement says the same index, in cost units.
    const est = analyzePlan({ Plan: { 'Node Type': 'Hash Join', 'Hash Cond': '(o.customer_id = c.id)', 'Total Cost': 946, 'Plan Rows': 4, Plans: [
      { 'Node Type': 'Seq Scan', 'Parent Relationship': 'Outer', 'Relation Name': 'orders', Alias: 'o', 'Total Cost': 900, 'Plan Rows': 32000 },
      { 'Node Type': 'Hash', 'Parent Relationship': 'Inner', 'Total Cost': 8.3, 'Plan Rows': 1, Plans: [{ 'Node Type': 'Index Scan', 'Parent Relationship': 'Outer', 'Relation Name': 'customers', Alias: 'c', 'Index Name': 'customers_email_key', 'Total Cost': 8.3, 'Plan Rows': 1 }] },
    ] } }, { provedIndexes: [ordersIndex] });
    assert.equal(est.tips[0].kind, 'proved-index');
    assert.equal(fmtSaving(est.tips[0]), 'saves ~918 cost units: cost 946 → 27.7, proved by the planner');
  });

  it('a join\'s scan whose proved index the decision shares with other statements says so once, as Problems does, not "proved by the planner for this statement" (person53 L-2; person54 L-1: said twice)', () => {
    const shared = 'one index shared with 1 other statement';
    const p = analyzePlan(join(21.4), { provedIndexes: [{ ...ordersIndex, title: 'orders (customer_id, placed_at DESC)', shared }] });
    const t = p.tips.find((x) => x.kind === 'proved-index');
    assert.ok(t, JSON.stringify(p.tips));
    assert.doesNotMatch(t.text, /for this statement/);
    assert.match(t.text, /: orders \(customer_id, placed_at DESC\), one index shared with 1 other statement, lets PostgreSQL look up only the rows it needs\.$/);
    // The proof is said once, by the saving after the tip.
    assert.doesNotMatch(t.text, /proved/);
    assert.match(fmtSaving(t), /proved by the planner$/);
    // Its own index: as before.
    assert.match(analyzePlan(join(21.4), { provedIndexes: [ordersIndex] }).tips[0].text, /proved by the planner for this statement, lets/);
  });

  it('an estimated plan\'s index scan that filters its rows under a LIMIT names the index the advice proved for the statement, as the hover does (person41 L8: Open plan showed no Tips)', () => {
    // reports.sql:13 `SELECT id, placed_at FROM orders WHERE status = 'refunded' ORDER BY placed_at DESC LIMIT 20`, as EXPLAIN gave it.
    const limitPlan = { Plan: { 'Node Type': 'Limit', 'Startup Cost': 0.29, 'Total Cost': 382.28, 'Plan Rows': 20, Plans: [
      { 'Node Type': 'Index Scan', 'Parent Relationship': 'Outer', 'Scan Direction': 'Backward', 'Index Name': 'orders_placed_at_idx', 'Relation Name': 'orders', Schema: 'public', Alias: 'orders', 'Startup Cost': 0.29, 'Total Cost': 3056.25, 'Plan Rows': 160, Filter: "(orders.status = 'refunded'::text)" },
    ] } };
    assert.deepEqual(analyzePlan(limitPlan).tips.filter((t) => t.proved), [], 'no proof, no proved tip');
    const proved: ProvedIndexFigure = { table: 'orders', costBefore: 382.28, costAfter: 17.6, title: 'orders (status, placed_at DESC)' };
    const p = analyzePlan(limitPlan, { provedIndexes: [proved] });
    const t = p.tips.find((x) => x.proved);
    assert.ok(t, JSON.stringify(p.tips));
    assert.equal(t.kind, 'proved-index');
    assert.equal(p.nodes[t.nodeId].raw[K.NodeType], 'Index Scan');
    assert.match(t.text, /^Index Scan Backward using orders_placed_at_idx on public\.orders filters the rows it reads \(Filter: \(orders\.status = 'refunded'::text\)\) and takes >99\.99% of the plan's cost: orders \(status, placed_at DESC\), proved by the planner for this statement/);
    assert.equal(fmtSaving(t), 'saves ~365 cost units: cost 382 → 17.6, proved by the planner');
  });

  it('a misestimate never outranks an index proved for a node inside the time its error shaped, even when its guessed saving is larger', () => {
    // A scan of 9 ms under a 23 ms join: the misestimate's guess (half the join) is above the index's 9 × 0.97.
    const p = analyzePlan(join(9), { provedIndexes: [ordersIndex] });
    const kinds = p.tips.map((t) => t.kind);
    assert.ok(kinds.indexOf('proved-index') >= 0 && kinds.indexOf('proved-index') < kinds.indexOf('misestimate'), kinds.join(', '));
    // The same plan without the proof keeps the misestimate's own figure.
    const plain = analyzePlan(join(9)).tips.find((t) => t.kind === 'misestimate')!;
    assert.ok(plain.saving > p.tips.find((t) => t.kind === 'misestimate')!.saving);
  });
  // person14 #8 (conduit, Sequelize): the articles list's plan, as EXPLAIN (ANALYZE, FORMAT JSON) gave it, trimmed.
  const conduit = () => [{ Plan: {
    'Node Type': 'Limit', 'Startup Cost': 0, 'Total Cost': 516000, 'Plan Rows': 10, 'Plan Width': 100, 'Actual Startup Time': 1700, 'Actual Total Time': 1780, 'Actual Rows': 10, 'Actual Loops': 1,
    Plans: [{
      'Node Type': 'Seq Scan', 'Parent Relationship': 'Outer', 'Relation Name': 'Articles', Schema: 'public', Alias: 'Article', 'Startup Cost': 0, 'Total Cost': 515000, 'Plan Rows': 50000, 'Plan Width': 100,
      'Actual Startup Time': 0.1, 'Actual Total Time': 1770, 'Actual Rows': 1000, 'Actual Loops': 1, Filter: '((SubPlan 1) IS NOT NULL)', 'Rows Removed by Filter': 49000,
      Plans: [{
        'Node Type': 'Limit', 'Parent Relationship': 'SubPlan', 'Subplan Name': 'SubPlan 1', 'Startup Cost': 0, 'Total Cost': 10, 'Plan Rows': 1, 'Plan Width': 4, 'Actual Startup Time': 0.03, 'Actual Total Time': 0.03, 'Actual Rows': 0, 'Actual Loops': 50000,
        Plans: [{
          'Node Type': 'Nested Loop', 'Parent Relationship': 'Outer', 'Join Type': 'Inner', 'Startup Cost': 0, 'Total Cost': 10, 'Plan Rows': 1, 'Plan Width': 4, 'Actual Startup Time': 0.03, 'Actual Total Time': 0.03, 'Actual Rows': 0, 'Actual Loops': 50000,
          Plans: [
            { 'Node Type': 'Index Only Scan', 'Parent Relationship': 'Outer', 'Index Name': 'TagList_pkey', 'Relation Name': 'TagList', Schema: 'public', Alias: 'TagList', 'Startup Cost': 0, 'Total Cost': 4, 'Plan Rows': 1, 'Plan Width': 4, 'Actual Startup Time': 0.01, 'Actual Total Time': 0.012, 'Actual Rows': 0.05, 'Actual Loops': 50000, 'Index Cond': '(("articleId" = "Article".id) AND ("tagName" = \'tag7\'::text))', 'Heap Fetches': 0 },
            { 'Node Type': 'Seq Scan', 'Parent Relationship': 'Inner', 'Relation Name': 'Tags', Schema: 'public', Alias: 'Tag', 'Startup Cost': 0, 'Total Cost': 150, 'Plan Rows': 1, 'Plan Width': 32, 'Actual Startup Time': 0.5, 'Actual Total Time': 0.6, 'Actual Rows': 1, 'Actual Loops': 2500, Filter: '(("Tag".name)::text = \'tag7\'::text)', 'Rows Removed by Filter': 6999 },
          ],
        }],
      }],
    }],
  }, 'Planning Time': 17.6, Triggers: [], 'Execution Time': 1780 }];

  it('no index tip for a condition on a subquery\'s result, nor on a column an index already leads with (person14 #8)', () => {
    const tags = [{ name: 'Tags_pkey', column: 'name', unique: true, partial: false }];
    const p = analyzePlan(JSON.stringify(conduit()), { relationIndexes: new Map([['public.Tags', tags], ['Tags', tags]]) });
    const sub = p.tips.find((t) => p.nodes[t.nodeId].raw[K.RelationName] === 'Articles' && t.kind === 'seq-scan-selective');
    assert.ok(sub, p.tips.map((t) => t.text).join('\n'));
    assert.doesNotMatch(sub.text, /An index on the filtered columns/);
    assert.match(sub.text, /the condition is on a subquery's result, not on a column of public\.Articles, so no index on public\.Articles serves it/);
    const scanTip = (t: { kind: string }) => t.kind === 'filter-removes' || t.kind === 'seq-scan-selective';
    const tag = p.tips.find((t) => p.nodes[t.nodeId].raw[K.RelationName] === 'Tags' && scanTip(t));
    assert.ok(tag, p.tips.map((t) => t.text).join('\n'));
    assert.doesNotMatch(tag.text, /an index \(or a partial index\)/);
    assert.match(tag.text, /public\.Tags already has an index leading with name \(Tags_pkey, unique\)/);
    // It proposes no change: its figure is the time at stake, never "could save" beside "another index would not change that" (person31 H1).
    assert.match(fmtSaving(tag), /^~[\d.]+ m?s at stake$/);
    assert.ok(!p.tips.some((t) => /with an index on the join column/.test(t.text)), 'the Nested Loop over Tags proposes no index either');
    assert.match(p.tips.find((t) => t.kind === 'nested-loop-many')!.text, /although public\.Tags has an index leading with name \(Tags_pkey, unique\)/);
    // Without the catalog (a plan brought from a file), the Tags scan keeps its index tip: nothing says one exists.
    const bare = analyzePlan(JSON.stringify(conduit()));
    assert.match(bare.tips.find((t) => p.nodes[t.nodeId].raw[K.RelationName] === 'Tags' && scanTip(t))!.text, /An index on (the filtered columns|\S+ \([^)]+\)) lets|an index \(or a partial index\)/);
    assert.ok(bare.tips.some((t) => /with an index on the join column/.test(t.text)));
  });

  /** A correlated subquery's scan of order_items (person31 H1, person33 L1): its Filter compares the outer row's p.id. */
  const CORRELATED_SUBQUERY_PLAN = `Seq Scan on public.products p  (cost=0.00..3600000.00 rows=1000 width=48) (actual time=1.400..1348.000 rows=1000 loops=1)
  Output: p.id, p.name, (SubPlan 1)
  SubPlan 1
    ->  Aggregate  (cost=3600.00..3600.01 rows=1 width=8) (actual time=1.340..1.340 rows=1 loops=1000)
          Output: max(oi2.created_at)
          ->  Seq Scan on public.order_items oi2  (cost=0.00..3590.00 rows=4 width=8) (actual time=0.100..1.330 rows=7 loops=1000)
                Output: oi2.created_at
                Filter: (oi2.product_id = p.id)
                Rows Removed by Filter: 3993
Planning Time: 0.300 ms
Execution Time: 1350.000 ms`;

  it("a correlated subquery's scan compares its own column, not the outer row's: `(oi2.product_id = p.id)` on order_items is product_id, never the primary key's id (person31 H1)", () => {
    const plan = CORRELATED_SUBQUERY_PLAN;
    const pkey = [{ name: 'order_items_pkey', column: 'id', unique: true, partial: false }];
    const p = analyzePlan(plan, { relationIndexes: new Map([['public.order_items', pkey], ['order_items', pkey]]), withStatement: false });
    const scan = p.tips.find((t) => p.nodes[t.nodeId].raw[K.RelationName] === 'order_items');
    assert.ok(scan, p.tips.map((t) => t.text).join('\n'));
    assert.doesNotMatch(scan.text, /already has an index leading with id/);
    assert.match(scan.text, /An index on (the filtered columns|\S+ \([^)]+\)) lets|an index \(or a partial index\)/);
    assert.match(fmtSaving(scan), /^could save/);
    assert.deepEqual(conditionColumns('(oi2.product_id = p.id)', ['oi2', 'public.order_items', 'order_items']), ['product_id']);
    assert.deepEqual(conditionColumns('(product_id = p.id)', ['oi2']), ['product_id']);
    assert.deepEqual(conditionColumns('("Tag".name = \'x\'::text)', ['tag']), ['name']);
  });

  // person33 L1: the pasted report's `Seq Scan on order_items oi2 … Filter: (oi2.product_id = p.id)` was told "order_items
  // (product_id, quantity DESC) … proved … (−97% cost)": the index and proof of reviews.go's `WHERE product_id = $1 ORDER
  // BY quantity DESC LIMIT 10`, an index dropped since.
  it('a pasted plan\'s scan names the index its own node needs; another statement\'s wider proof is only mentioned, with where; a proof made before the table\'s indexes changed is not used (person33 L1)', () => {
    const plan = CORRELATED_SUBQUERY_PLAN;
    const pkey = [{ name: 'order_items_pkey', column: 'id', unique: true, partial: false }];
    const relationIndexes = new Map([['public.order_items', pkey], ['order_items', pkey]]);
    const wide = { table: 'order_items', costBefore: 1590, costAfter: 42.5, title: 'order_items (product_id, quantity DESC)', columns: ['product_id', 'quantity DESC'], ddl: 'CREATE INDEX CONCURRENTLY order_items_product_id_quantity_desc_idx ON order_items (product_id, quantity DESC)', at: 'other/reviews.go:14', tableIndexes: ['order_items_pkey'] };
    const tipOf = (provedIndexes: ProvedIndexFigure[], indexes = relationIndexes) => {
      const p = analyzePlan(plan, { relationIndexes: indexes, withStatement: false, provedIndexes });
      return p.tips.find((t) => p.nodes[t.nodeId].raw[K.RelationName] === 'order_items')!;
    };
    const t = tipOf([wide]);
    assert.ok(t);
    assert.equal(t.proved, undefined, 'not this scan\'s proof');
    assert.match(t.text, /An index on order_items \(product_id\) lets PostgreSQL read only those\./);
    assert.match(t.text, /A statement of your code at other\/reviews\.go:14 was proved to gain −97% cost with order_items \(product_id, quantity DESC\)/);
    assert.doesNotMatch(fmtSaving(t), /proved/);
    // A proof of the node's own columns: proved, and where it was made.
    const own = { ...wide, costAfter: 47.7, title: 'order_items (product_id)', columns: ['product_id'], ddl: 'CREATE INDEX CONCURRENTLY order_items_product_id_idx ON order_items (product_id)', at: 'src/products.ts:71' };
    const o = tipOf([wide, own]);
    assert.equal(o.proved?.index, 'order_items (product_id)');
    assert.match(fmtSaving(o), /proved: CREATE INDEX CONCURRENTLY order_items_product_id_idx ON order_items \(product_id\) \(−97% cost\) for a statement of your code at src\/products\.ts:71 on this table and these columns$/);
    assert.doesNotMatch(o.text, /was proved to gain/);
    // Proved when the table had another index (dropped since), or before one was created: neither used nor mentioned.
    for (const stale of [['order_items_pkey', 'order_items_product_id_quantity_desc_idx'], []]) {
      const s = tipOf([{ ...wide, tableIndexes: stale }, { ...own, tableIndexes: stale }]);
      assert.equal(s.proved, undefined, JSON.stringify(stale));
      assert.doesNotMatch(s.text, /proved/, JSON.stringify(stale));
      assert.match(s.text, /An index on order_items \(product_id\) lets/);
    }
    // A proof that names no indexes of its table (kept from before) is taken as it is.
    assert.equal(tipOf([{ ...own, tableIndexes: undefined }]).proved?.index, 'order_items (product_id)');
  });

  it('a misestimate\'s saving leaves out the sub-plans under what it shaped: they are planned on their own and loop over the rows that came (person31 L1: "could save ~674 ms" on a 7.8 ms GroupAggregate)', () => {
    const plan = `Sort  (cost=90000.00..90002.52 rows=1008 width=48) (actual time=1350.100..1350.110 rows=50 loops=1)
  Sort Key: (max(o.placed_at)) DESC
  Sort Method: quicksort  Memory: 30kB
  ->  GroupAggregate  (cost=0.29..89950.00 rows=1008 width=48) (actual time=27.000..1350.000 rows=50 loops=1)
        Group Key: p.id
        ->  Index Scan using products_pkey on products p  (cost=0.29..80.00 rows=1008 width=16) (actual time=0.010..7.800 rows=50 loops=1)
        SubPlan 1
          ->  Aggregate  (cost=89.00..89.01 rows=1 width=8) (actual time=26.800..26.800 rows=1 loops=50)
                ->  Seq Scan on order_items oi2  (cost=0.00..88.00 rows=4 width=8) (actual time=0.100..26.700 rows=7 loops=50)
                      Filter: (oi2.product_id = p.id)
                      Rows Removed by Filter: 3993
Planning Time: 0.300 ms
Execution Time: 1350.200 ms`;
    const p = analyzePlan(plan);
    const mis = p.tips.filter((t) => t.kind === 'misestimate');
    assert.ok(mis.every((t) => t.saving < 10), mis.map((t) => `${t.text} ${fmtSaving(t)}`).join('\n'));
    // The sub-plan's own scan is where the time went: its tip ranks first.
    assert.equal(p.nodes[p.tips[0].nodeId].raw[K.RelationName], 'order_items', p.tips.map((t) => t.text).join('\n'));
  });

  it('the 158-line report plan (person32 L1): a misestimate saves at most its subtree\'s time, a Nested Loop that proposes no change says "at stake", and the scan\'s tip names its index as the hover does', () => {
    const p = load('report-subplans-analyzed.txt');
    const shown = p.tips.map((t) => `${t.text} (${fmtSaving(t)})`).join('\n');
    const mis = p.tips.find((t) => t.kind === 'misestimate' && /GroupAggregate/.test(t.text));
    assert.ok(mis, shown);
    // The GroupAggregate's subtree: actual time=61.706..69.570.
    assert.ok(mis.saving <= 69.6, `${mis.saving} ms > 69.6 ms\n${shown}`);
    const loop = p.tips.find((t) => t.kind === 'nested-loop-many' && /each repetition is already an index lookup/.test(t.text));
    assert.ok(loop, shown);
    assert.match(fmtSaving(loop), /^~[\d.]+ ms at stake$/);
    const scan = p.tips[0];
    assert.match(scan.text, /An index on order_items \(product_id\) lets PostgreSQL read only those/, shown);
    assert.match(fmtSaving(scan), /^could save/);
  });

  it('conditionColumns reads the columns of EXPLAIN\'s condition text, and no subquery, parameter, literal or type name', () => {
    assert.deepEqual(conditionColumns('((SubPlan 1) IS NOT NULL)'), []);
    assert.deepEqual(conditionColumns('(NOT (hashed SubPlan 2).col1)'), []);
    assert.deepEqual(conditionColumns('(alternatives: SubPlan 1 or hashed SubPlan 2)'), []);
    assert.deepEqual(conditionColumns('(("Tag".name)::text = \'tag7\'::text)'), ['name']);
    assert.deepEqual(conditionColumns('((status = ANY (\'{new,paid}\'::text[])) AND (placed_at > (now() - \'1 day\'::interval)))'), ['status', 'placed_at']);
    assert.deepEqual(conditionColumns('(lower((email)::text) = lower($1))'), ['email']);
    assert.deepEqual(conditionColumns('(("createdAt")::timestamp without time zone > $1)'), ['createdAt']);
    assert.deepEqual(conditionColumns('(id = (InitPlan 1).col1)'), ['id']);
    // An unreserved keyword is a column when EXPLAIN writes it bare (the partition fixtures' events.at).
    assert.deepEqual(conditionColumns("((events_2.at >= '2024-02-10'::date) AND (events_2.at < '2024-03-05'::date))"), ['at']);
  });

  it('a misestimate on a one-node plan says what the estimate chose (how the table is read), never "the plan above it" (person21 LOW 5)', () => {
    const one = analyzePlan(`Seq Scan on public.customers  (cost=0.00..1855.00 rows=50 width=64) (actual time=0.020..9.100 rows=5000 loops=1)
  Filter: (lower(email) ~~ 'a%'::text)
  Rows Removed by Filter: 45000
Execution Time: 9.5 ms`);
    const tip = one.tips.find((t) => /expected 50 rows and got 5000/.test(t.text));
    assert.ok(tip, one.tips.map((t) => t.text).join('\n'));
    assert.match(tip.text, /so the way it reads the table was chosen on wrong numbers/);
    assert.doesNotMatch(tip.text, /plan above it/);
    // Under a parent the same estimate shaped the plan above it.
    const under = analyzePlan(`Sort  (cost=1860.00..1860.10 rows=50 width=64) (actual time=9.500..9.900 rows=5000 loops=1)
  Sort Key: id
  Sort Method: quicksort  Memory: 700kB
  ->  Seq Scan on public.customers  (cost=0.00..1855.00 rows=50 width=64) (actual time=0.020..9.100 rows=5000 loops=1)
        Filter: (lower(email) ~~ 'a%'::text)
        Rows Removed by Filter: 45000
Execution Time: 10.5 ms`);
    assert.ok(under.tips.some((t) => /expected 50 rows and got 5000 .*so the plan above it was chosen on wrong numbers/.test(t.text)), under.tips.map((t) => t.text).join('\n'));
  });

  it('an expression predicate (id % 2 = 0) is told expression statistics, not ANALYZE or a statistics target; a one-node plan no estimate can change promises no saving (person23 LOW 5)', () => {
    const half = analyzePlan(`Seq Scan on public.customers  (cost=0.00..180.00 rows=40 width=64) (actual time=0.020..2.900 rows=4000 loops=1)
  Filter: ((id % '2'::bigint) = 0)
  Rows Removed by Filter: 4000
Execution Time: 5.8 ms`);
    const tip = half.tips.find((t) => t.kind === 'misestimate');
    assert.ok(tip, half.tips.map((t) => t.text).join('\n'));
    assert.match(tip.text, /CREATE STATISTICS customers_expr_stat ON \(id % '2'::bigint\) FROM public\.customers, then ANALYZE public\.customers \(PostgreSQL 14\+\)/);
    assert.doesNotMatch(tip.text, /Run ANALYZE|raise the column's statistics target/);
    assert.match(tip.text, /Reading the whole table is the plan for 50% of its rows either way/);
    assert.equal(fmtSaving(tip), 'nothing to save in this plan');
    assert.doesNotMatch(planText(half), /could save ~/);
    // The same error on a scan that keeps 1% of the table: an index read is another plan, and the tip prices it.
    const few = analyzePlan(`Seq Scan on public.customers  (cost=0.00..9000.00 rows=40 width=64) (actual time=0.020..29.000 rows=4000 loops=1)
  Filter: (((id * 7) % '100'::bigint) = 0) AND (country = 'DE'::text)
  Rows Removed by Filter: 396000
Execution Time: 30 ms`);
    const priced = few.tips.find((t) => t.kind === 'misestimate');
    assert.ok(priced && !priced.unpriced, few.tips.map((t) => t.text).join('\n'));
    assert.match(fmtSaving(priced), /^could save ~/);
    assert.match(priced.text, /ON \(\(id \* 7\) % '100'::bigint\)/);
    // A plain column's misestimate still says ANALYZE.
    const plainCol = analyzePlan(`Hash Join  (cost=1.00..500.00 rows=10 width=8) (actual time=0.1..40.0 rows=9000 loops=1)
  Hash Cond: (o.customer_id = c.id)
  ->  Seq Scan on public.orders o  (cost=0.00..400.00 rows=10 width=8) (actual time=0.01..20.0 rows=9000 loops=1)
        Filter: (status = 'refunded'::text)
        Rows Removed by Filter: 31000
  ->  Hash  (cost=0.50..0.50 rows=40 width=4) (actual time=0.05..0.05 rows=40 loops=1)
        ->  Seq Scan on public.customers c  (cost=0.00..0.50 rows=40 width=4) (actual time=0.01..0.02 rows=40 loops=1)
Execution Time: 45 ms`);
    assert.ok(plainCol.tips.some((t) => t.kind === 'misestimate' && /Run ANALYZE public\.orders/.test(t.text)), plainCol.tips.map((t) => t.text).join('\n'));
  });
});

describe('core/plan: a filter on rows no scan reads names the fix the plan has (issue 20, person38 L3)', () => {
  it('an OR whose arms test two tables of a join: split into a UNION, each arm with its own index — no "function" in a query without one', () => {
    // PostgreSQL 18.4, the demo shop: orders o ⋈ customers c, Join Filter ((c.email = …) OR (o.status = 'refunded')).
    const p = load('captured', 'or-across-join-pg18.json');
    const tip = p.tips.find((t) => t.kind === 'filter-removes')!;
    assert.ok(tip, p.tips.map((t) => t.text).join('\n'));
    assert.equal(p.tips[0], tip);
    assert.match(tip.text, /OR whose arms test different tables/);
    assert.match(tip.text, /UNION/);
    assert.match(tip.text, /customers \(email\), orders \(status\)/);
    assert.doesNotMatch(tip.text, /function|subquery/);
    // The join key matched every order: the Join Filter, not the key, threw the rows away — no index on the join key.
    assert.ok(!p.tips.some((t) => t.kind === 'join-probe-index'), p.tips.map((t) => t.text).join('\n'));
  });

  const joinPlan = (filter: string) => JSON.stringify([{ Plan: {
    'Node Type': 'Nested Loop', 'Join Type': 'Inner', 'Startup Cost': 0, 'Total Cost': 5000, 'Plan Rows': 10, 'Plan Width': 8,
    'Actual Startup Time': 0.1, 'Actual Total Time': 50, 'Actual Rows': 10, 'Actual Loops': 1, 'Join Filter': filter, 'Rows Removed by Join Filter': 99990,
    Plans: [
      { 'Node Type': 'Seq Scan', 'Parent Relationship': 'Outer', 'Relation Name': 'a', Alias: 'a', 'Startup Cost': 0, 'Total Cost': 10, 'Plan Rows': 100, 'Plan Width': 4, 'Actual Startup Time': 0.01, 'Actual Total Time': 0.1, 'Actual Rows': 100, 'Actual Loops': 1 },
      { 'Node Type': 'Seq Scan', 'Parent Relationship': 'Inner', 'Relation Name': 'b', Alias: 'b', 'Startup Cost': 0, 'Total Cost': 10, 'Plan Rows': 1000, 'Plan Width': 4, 'Actual Startup Time': 0.01, 'Actual Total Time': 0.01, 'Actual Rows': 1000, 'Actual Loops': 100 },
    ] }, 'Planning Time': 0.1, 'Execution Time': 50 }]);

  it('a join filter that is not an OR across its tables gets the join\'s own advice, naming no function or subquery', () => {
    for (const filter of ['(a.x < b.y)', '((a.x = 1) OR (a.y = 2))', '((a.x = b.y) OR (a.z = 2))']) {
      const tip = analyzePlan(joinPlan(filter)).tips.find((t) => t.kind === 'filter-removes')!;
      assert.ok(tip, filter);
      assert.doesNotMatch(tip.text, /UNION|function|subquery/, tip.text);
      assert.match(tip.text, /join condition/, tip.text);
    }
    const or = analyzePlan(joinPlan('((a.x = 1) OR (b.y = 2))')).tips.find((t) => t.kind === 'filter-removes')!;
    assert.match(or.text, /UNION .*a \(x\), b \(y\)/);
  });

  it('a CTE Scan\'s filter: into the CTE, by its name', () => {
    const tip = load('psql', 'pg18', 'subplans-cte', 'plan.json').tips.find((t) => t.kind === 'filter-removes')!;
    assert.match(tip.text, /move the condition into the CTE big/);
    assert.doesNotMatch(tip.text, /function|join condition/);
  });
});

describe('core/plan: a DELETE or UPDATE weighs whether an index is worth it (issue 20, person38 L8)', () => {
  // The demo's cleanup: DELETE FROM reviews WHERE rating = 1 AND created_at < now() - '1 year' (PostgreSQL 18.4's shape).
  const deletePlan = (kept: number, removed: number) => JSON.stringify([{ Plan: {
    'Node Type': 'ModifyTable', Operation: 'Delete', 'Relation Name': 'reviews', Alias: 'reviews', 'Startup Cost': 0, 'Total Cost': 734, 'Plan Rows': 0, 'Plan Width': 0,
    'Actual Startup Time': 7.5, 'Actual Total Time': 7.5, 'Actual Rows': 0, 'Actual Loops': 1,
    Plans: [{ 'Node Type': 'Seq Scan', 'Parent Relationship': 'Outer', 'Relation Name': 'reviews', Alias: 'reviews', 'Startup Cost': 0, 'Total Cost': 734, 'Plan Rows': kept, 'Plan Width': 6,
      'Actual Startup Time': 0.02, 'Actual Total Time': 6, 'Actual Rows': kept, 'Actual Loops': 1,
      Filter: "((rating = 1) AND (created_at < (now() - '1 year'::interval)))", 'Rows Removed by Filter': removed }] },
    'Planning Time': 0.5, 'Execution Time': 7.6 }]);
  const proved = [{ table: 'public.reviews', costBefore: 734, costAfter: 334, title: 'reviews (rating)' }];
  const scanTip = (p: Plan) => p.tips.find((t) => t.kind === 'seq-scan-selective' || t.kind === 'filter-removes');

  it('one that has not recurred in pg_stat_statements gets no index tip, proved or not; one that recurs keeps it', () => {
    for (const calls of [0, 1]) {
      const tip = scanTip(analyzePlan(deletePlan(2337, 21663), { provedIndexes: proved, statementCalls: calls, relationRows: new Map([['reviews', 24000]]) }))!;
      assert.ok(tip, `a tip (${calls} calls)`);
      assert.match(tip.text, /this DELETE has not recurred \(pg_stat_statements has (no run|one run) of it\)/, tip.text);
      assert.doesNotMatch(tip.text, /An index on|lets PostgreSQL read only|proved by the planner/, tip.text);
      assert.equal(tip.proved, undefined);
    }
    const recurring = scanTip(analyzePlan(deletePlan(2337, 21663), { provedIndexes: proved, statementCalls: 30, relationRows: new Map([['reviews', 24000]]) }))!;
    assert.match(recurring.text, /reviews \(rating\)/);
    assert.ok(recurring.proved);
  });

  it('pasted (calls unknown): one keeping more of the rows than the index advice\'s bound (5%) gets none; a narrow one keeps its index tip; a SELECT is held to the same bound', () => {
    const wide = scanTip(analyzePlan(deletePlan(2337, 21663), { withStatement: false }))!;
    assert.match(wide.text, /this DELETE keeps 9\.7% of the rows it reads, more than the 5\.0% PG Lens proposes an index for unproved/, wide.text);
    assert.doesNotMatch(wide.text, /An index on|covering the filter/, wide.text);
    const narrow = scanTip(analyzePlan(deletePlan(120, 23880), { withStatement: false }))!;
    assert.match(narrow.text, /An index on reviews \(rating, created_at\)/, narrow.text);
    const select = JSON.parse(deletePlan(2337, 21663));
    select[0].Plan = select[0].Plan.Plans[0];
    delete select[0].Plan['Parent Relationship'];
    // A read is held to the same bound since person41 (one selectivity threshold for the advice and the tips): unproved,
    // 9.7% kept gets no index either.
    assert.match(scanTip(analyzePlan(JSON.stringify(select), { withStatement: false }))!.text, /it keeps 9\.7% of them: PG Lens proposes an index for a filter keeping more than 5\.0% only when the planner proves it/);
  });

  it("a read keeping more than the advice tries an index for (20%): the advice's own words, as PG Lens's limit (person47 M1)", () => {
    const select = JSON.parse(deletePlan(8000, 16000));
    select[0].Plan = select[0].Plan.Plans[0];
    delete select[0].Plan['Parent Relationship'];
    const text = scanTip(analyzePlan(JSON.stringify(select), { withStatement: false }))!.text;
    assert.ok(text.includes("it keeps 33% of them, more than the 20% PG Lens tries an index for (PG Lens's own limit, not the planner's answer), so no index is proposed"), text);
    assert.ok(noIndexAnswer({ considered: 0, tried: [], broadFilters: [{ table: 'reviews', share: 1 / 3, limit: 0.2 }] }, { minCostReduction: 0.3, sizeSetting: 's' })
      .endsWith("keeps 33% of reviews's rows, more than the 20% PG Lens tries an index for (PG Lens's own limit, not the planner's answer)"));
    assert.doesNotMatch(text, /costs about as much as reading the table/);
  });
});

describe('planCatalogNames: what the catalog is asked about a plan, before it is modelled (db/explain planWithFacts)', () => {
  it('a cascading DELETE in every form psql prints it, and as JSON: the same relations and constraint, as the model reads them', () => {
    const dir = path.join(FIX, 'psql', 'pg18', 'delete-fk-trigger');
    const json = planCatalogNames(fs.readFileSync(path.join(dir, 'plan.json'), 'utf8'));
    assert.ok(json.relations.length > 0 && json.constraints.length === 1, JSON.stringify(json));
    const model = analyzePlan(fs.readFileSync(path.join(dir, 'plan.json'), 'utf8'));
    assert.deepEqual(json, {
      relations: [...new Set(model.nodes.map((n) => n.raw[K.RelationName]).filter((x): x is string => typeof x === 'string'))],
      constraints: [...new Set(model.triggers.map((t) => t.constraint).filter((x): x is string => !!x))],
    });
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.txt'))) assert.deepEqual(planCatalogNames(fs.readFileSync(path.join(dir, f), 'utf8')), json, f);
  });
});

describe('core/plan: one answer for a one-off DELETE, each tip with its own figure (issue 20, person40 M1)', () => {
  // The demo's `DELETE FROM orders WHERE status = 'cancelled'` as person40's Explain Analyze ran it (PostgreSQL 18.4): a Seq
  // Scan of 32k orders keeping 468, and order_items_order_id_fkey's cascade, 22.0 ms in 468 calls; with the inputs the
  // plan viewer gives its tips (plans/index.ts): the hover's proof of orders (status), the statement's calls in
  // pg_stat_statements, the catalog's foreign key.
  const plan = JSON.stringify([{ Plan: {
    'Node Type': 'ModifyTable', Operation: 'Delete', 'Relation Name': 'orders', Schema: 'public', Alias: 'orders', 'Startup Cost': 0, 'Total Cost': 934, 'Plan Rows': 0, 'Plan Width': 0,
    'Actual Startup Time': 11.6, 'Actual Total Time': 11.6, 'Actual Rows': 0, 'Actual Loops': 1,
    Plans: [{ 'Node Type': 'Seq Scan', 'Parent Relationship': 'Outer', 'Relation Name': 'orders', Schema: 'public', Alias: 'orders', 'Startup Cost': 0, 'Total Cost': 934, 'Plan Rows': 471, 'Plan Width': 6,
      'Actual Startup Time': 0.02, 'Actual Total Time': 10.8, 'Actual Rows': 468, 'Actual Loops': 1,
      Filter: "(orders.status = 'cancelled'::text)", 'Rows Removed by Filter': 31532 }] },
    'Planning Time': 0.517, Triggers: [{ 'Trigger Name': 'RI_ConstraintTrigger_a_16500', 'Constraint Name': 'order_items_order_id_fkey', Relation: 'orders', Time: 22.0, Calls: 468 }],
    'Execution Time': 33.8 }]);
  const options = (calls: number | undefined) => ({
    provedIndexes: [{ table: 'public.orders', costBefore: 934, costAfter: 554, title: 'orders (status)' }],
    foreignKeys: new Map([['order_items_order_id_fkey', { schema: 'public', table: 'order_items', columns: ['order_id'], referenced: 'public.orders', indexed: true, index: 'order_items_order_id_idx' }]]),
    relationRows: new Map([['public.orders', 32000]]),
    ...(calls === undefined ? {} : { statementCalls: calls }),
  });

  it('not recurred: no tip offers the index the one-off judgement declines (the proved-index tip included)', () => {
    const p = analyzePlan(plan, options(0));
    const texts = p.tips.map((t) => `${t.text} (${fmtSaving(t)})`).join('\n');
    assert.ok(p.tips.some((t) => /not worth it for a one-off statement/.test(t.text)), texts);
    assert.ok(!p.tips.some((t) => t.proved || t.kind === 'proved-index' || /proved by the planner/.test(t.text)), texts);
    // Recurring, the proof is offered (once).
    const recurring = analyzePlan(plan, options(30));
    assert.ok(recurring.tips.some((t) => t.proved && /orders \(status\)/.test(t.text)), recurring.tips.map((t) => t.text).join('\n'));
    assert.ok(!recurring.tips.some((t) => /one-off/.test(t.text)));
  });

  it('the foreign-key tip\'s figure is its own trigger time at stake, not a saving shared with the index tip', () => {
    for (const calls of [0, 30]) {
      const p = analyzePlan(plan, options(calls));
      const fk = p.tips.find((t) => t.kind === 'fk-trigger')!;
      assert.ok(fk, p.tips.map((t) => t.text).join('\n'));
      assert.equal(fk.saving, 22);
      assert.equal(fmtSaving(fk), '~22.0 ms at stake');
      // The existing index is named (person41: the tip named the columns only).
      assert.match(fk.text, /public\.order_items \(order_id\) is indexed by order_items_order_id_idx \(checked in the catalog\)/);
      assert.doesNotMatch(fmtSaving(fk), /could save/);
    }
  });

  it("the hover says tip 2's judgement under the scan warning, never the index it declines (plain EXPLAIN, as the hover plans)", () => {
    // The hover's plan of the same DELETE: estimated only.
    const estimated = JSON.stringify([{ Plan: {
      'Node Type': 'ModifyTable', Operation: 'Delete', 'Relation Name': 'orders', Schema: 'public', Alias: 'orders', 'Startup Cost': 0, 'Total Cost': 934, 'Plan Rows': 0, 'Plan Width': 0,
      Plans: [{ 'Node Type': 'Seq Scan', 'Parent Relationship': 'Outer', 'Relation Name': 'orders', Schema: 'public', Alias: 'orders', 'Startup Cost': 0, 'Total Cost': 934, 'Plan Rows': 471, 'Plan Width': 6,
        Filter: "(orders.status = 'cancelled'::text)" }] } }]);
    const hover = (calls: number | undefined) => {
      const p = analyzePlan(estimated, options(calls));
      return { note: declinedIndexNote(p), md: briefMarkdown(briefPlan(p, 3), { suggestIndexes: 'command:x', noIndexAdvice: declinedIndexNote(p) }, 2) };
    };
    const once = hover(1);
    assert.match(once.note ?? '', /^No index for it: this DELETE has not recurred .*not worth it for a one-off statement/, once.md);
    assert.match(once.md, /not worth it for a one\\-off statement/, once.md);
    // The same judgement as the tips: recurring, or calls unknown, the hover declines nothing.
    assert.equal(hover(30).note, undefined);
    assert.equal(hover(undefined).note, undefined);
    // Analysed, the viewer's tip and the hover's note are one sentence.
    const viewer = analyzePlan(plan, options(0));
    const tip = viewer.tips.find((t) => t.declined)!;
    assert.ok(tip && tip.text.includes(tip.declined!), viewer.tips.map((t) => t.text).join('\n'));
    assert.equal(declinedIndexNote(viewer), `No index for it: ${tip.declined}.`);
    // The advice decided it with an index (its finding left out on this one-off judgement): the hover's note is still the
    // tip's — the advice's '' ("the line's finding says it") holds only where that finding is on the line.
    const p1 = analyzePlan(estimated, options(1));
    assert.equal(hoverNoIndexNote(p1, { advice: '', findingOnLine: false }), once.note);
    assert.equal(hoverNoIndexNote(p1, { advice: '', findingOnLine: true }), '');
    assert.equal(hoverNoIndexNote(p1, { advice: 'No index for it: no index cuts the estimated cost by 30% or more (2 candidates tried).' }), 'No index for it: no index cuts the estimated cost by 30% or more (2 candidates tried).');
    // While the advice decides it, the one-off judgement stands (no proof overturns it): not "checking" (person48 L-g).
    assert.equal(p1.tips.find((t) => t.declined)?.awaitsProof, undefined);
    assert.equal(hoverNoIndexNote(p1, { pending: true }), once.note);
  });

  it('oneOffWrite: fewer than two calls is a one-off; unknown calls are not judged', () => {
    assert.deepEqual([0, 1, 2, 30, undefined].map(oneOffWrite), [true, true, false, false, false]);
  });
});

describe('core/plan tips: one selectivity bound with the index advice (person41)', () => {
  // person41's pasted text plan (prod/plan.txt): tip 2 proposed an index for `country = 'DE'`, which keeps 13% of 8,000
  // customers — more than INDEX_MAX_SELECTIVITY (5%), past which the index advice never suggests one.
  const TEXT = `                                                        QUERY PLAN
----------------------------------------------------------------------------------------------------------------------
 Hash Join  (cost=207.31..1141.73 rows=21 width=37) (actual time=7.650..24.700 rows=29 loops=1)
   Hash Cond: (o.customer_id = c.id)
   Buffers: shared hit=628
   ->  Seq Scan on orders o  (cost=0.00..934.00 rows=160 width=41) (actual time=0.050..12.700 rows=165 loops=1)
         Filter: (status = 'refunded'::text)
         Rows Removed by Filter: 31835
         Buffers: shared hit=534
   ->  Hash  (cost=194.00..194.00 rows=1065 width=12) (actual time=7.500..7.500 rows=1065 loops=1)
         Buckets: 2048  Batches: 1  Memory Usage: 92kB
         Buffers: shared hit=94
         ->  Seq Scan on customers c  (cost=0.00..194.00 rows=1065 width=12) (actual time=0.020..7.100 rows=1065 loops=1)
               Filter: (country = 'DE'::text)
               Rows Removed by Filter: 6935
               Buffers: shared hit=94
 Planning:
   Buffers: shared hit=284
 Planning Time: 4.356 ms
 Execution Time: 24.855 ms
(18 rows)`;

  it('a filter keeping 13% of the rows gets no index tip; the one keeping 0.5% keeps its own', () => {
    const plan = analyzePlan(TEXT);
    const customers = plan.tips.filter((t) => /customers c/.test(t.text));
    assert.equal(customers.length, 1, plan.tips.map((t) => t.text).join('\n'));
    assert.doesNotMatch(customers[0].text, /an index \(or a partial index\) covering the filter avoids reading them/);
    assert.match(customers[0].text, /removes 87% of the 8000 rows it reads \(Filter: \(country = 'DE'::text\)\): it keeps 13% of them: PG Lens proposes an index for a filter keeping more than 5\.0% only when the planner proves it/);
    const orders = plan.tips.filter((t) => /orders o/.test(t.text));
    assert.match(orders[0].text, /An index on orders \(status\) lets PostgreSQL read only those/);
  });

  // issue 20, person42 M5: the hover's plan is an estimate (no ANALYZE): its scan of customers had no tip and the hover no
  // "No index for it", where this pasted ANALYZE plan's tip said why. Both now give the reason, and the hover says it.
  const ESTIMATE = `Hash Right Join  (cost=207.31..1141.73 rows=1065 width=37)
  Hash Cond: (o.customer_id = c.id)
  ->  Seq Scan on orders o  (cost=0.00..854.00 rows=32000 width=12)
  ->  Hash  (cost=194.00..194.00 rows=1065 width=29)
        ->  Seq Scan on customers c  (cost=0.00..194.00 rows=1065 width=29)
              Filter: (country = 'DE'::text)`;

  it('a whole-table scan keeping more than the advice\'s share is not "to keep few rows", and the rule it states is the advice\'s (person49 L-1)', () => {
    const plan = analyzePlan(`Seq Scan on customer_order_events e  (cost=0.00..12000.00 rows=52000 width=20) (actual time=0.010..80.000 rows=52000 loops=1)
  Filter: (kind = 'refund'::text)
  Rows Removed by Filter: 548000
Planning Time: 0.1 ms
Execution Time: 90.0 ms`, {});
    assert.equal(plan.tips[0]?.text, "Seq Scan on customer_order_events e reads the whole table (600k rows keeps 52k (8.7%) with Filter: (kind = 'refund'::text)): it keeps 8.7% of them: PG Lens proposes an index for a filter keeping more than 5.0% only when the planner proves it for the statement itself (one that also orders its rows), so none is proposed from a plan alone.");
  });

  it('an estimated plan of the same filter: a tip and the hover both say why no index (13% kept)', () => {
    const relationRows = new Map([['customers', 8000], ['orders', 32000]]);
    const plan = analyzePlan(ESTIMATE, { relationRows });
    const customers = plan.tips.filter((t) => /customers c/.test(t.text));
    assert.equal(customers.length, 1, plan.tips.map((t) => t.text).join('\n'));
    assert.match(customers[0].text, /removes about 87% of the 8000 rows it reads \(estimated; Filter: \(country = 'DE'::text\)\): it keeps 13% of them: PG Lens proposes an index for a filter keeping more than 5\.0% only when the planner proves it/, customers[0].text);
    assert.equal(declinedIndexNote(plan), 'No index for it: it keeps 13% of the rows it reads: PG Lens proposes an index for a filter keeping more than 5.0% only when the planner proves it for the statement itself (one that also orders its rows), so none is proposed from a plan alone.');
    const md = briefMarkdown(briefPlan(plan), { noIndexAdvice: declinedIndexNote(plan) });
    assert.match(md, /No index for it: it keeps 13%/, md);
    // The measured plan's hover says the same.
    assert.match(declinedIndexNote(analyzePlan(TEXT)) ?? '', /^No index for it: it keeps 13% of the rows it reads/);
    // Without the table's rows nothing is estimated: no tip claims a share.
    assert.equal(analyzePlan(ESTIMATE).tips.filter((t) => /customers c/.test(t.text)).length, 0);
  });

  // issue 20, person48 L-g: for ~23 s after a DROP INDEX the hover said "No index for it: it keeps 5.9%…, so none is
  // proposed from this plan", then the advice's proved index. The "none" is PG Lens's bound a proof overturns: while the
  // editor's decision for the statement is under way the hover says it is checking; once answered, the answer alone.
  it('while the index decision is pending, the hover says it is checking, never the tip\'s "none" the proof may overturn', () => {
    const plan = analyzePlan(ESTIMATE, { relationRows: new Map([['customers', 8000], ['orders', 32000]]) });
    const tip = plan.tips.find((t) => t.declined)!;
    assert.equal(tip.awaitsProof, true, tip.text);
    assert.equal(hoverNoIndexNote(plan, { pending: true }), ADVICE_PENDING);
    // One sentence for the one state: the hover's pending note is the plan tips' (adviceTipAnswer, not decided yet) — they
    // were "Checking whether an index helps… (PG Lens's index advice is deciding this statement)" and "PG Lens's index
    // advice has not answered for this statement yet (…)".
    assert.equal(hoverNoIndexNote(plan, { pending: true }), adviceTipAnswer(undefined, undefined, { minCostReduction: 0.3, sizeSetting: 'pgLens.x' }));
    assert.equal(ADVICE_PENDING, 'Checking whether an index helps — PG Lens\'s index advice has not answered for this statement yet ("Suggest indexes" asks it now)');
    const md = briefMarkdown(briefPlan(plan), { noIndexAdvice: hoverNoIndexNote(plan, { pending: true }) });
    assert.ok(md.endsWith(`_${mdEscape(ADVICE_PENDING)}_`), md);
    assert.doesNotMatch(md, /none is proposed|No index for it/, md);
    // Answered: its one answer, whatever the pending flag says; not pending (no decision coming): the tip's judgement.
    assert.equal(hoverNoIndexNote(plan, { pending: true, advice: 'No index for it: no index cuts the estimated cost by 30% or more (1 candidate tried).' }), 'No index for it: no index cuts the estimated cost by 30% or more (1 candidate tried).');
    assert.equal(hoverNoIndexNote(plan, { pending: true, advice: '', findingOnLine: true }), '');
    assert.equal(hoverNoIndexNote(plan, {}), declinedIndexNote(plan));
    // A statement that is not the app's workload gets no decision: its reason, never "checking".
    assert.equal(hoverNoIndexNote(plan, { pending: true, notWorkload: 'a one-off script' }), 'a one-off script');
    // Above the share the advice tries an index for (20%), no proof will come: the bound's answer stands.
    const broad = analyzePlan(ESTIMATE.replaceAll('rows=1065', 'rows=2400'), { relationRows: new Map([['customers', 8000], ['orders', 32000]]) });
    assert.ok(broad.tips.some((t) => t.declined && !t.awaitsProof), broad.tips.map((t) => t.text).join('\n'));
    assert.equal(hoverNoIndexNote(broad, { pending: true }), declinedIndexNote(broad));
  });
});
