/**
 * The plan viewer's rendering in a real DOM (jsdom): database strings display literally and create
 * no element; the tree is keyboard-usable; a 10,000-node plan renders only what is open; the table
 * sorts; compare and benchmark views render. Messages from the webview are validated.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JSDOM } from 'jsdom';
import { renderBenchmark, renderCompare, renderPlan, renderTable } from '../../../src/webview/_planRender';
import { formatSql } from '../../../src/core/formatSql';
import { ADVICE_PENDING, K, analyzePlan, partlyCounted, type RawNode } from '../../../src/core/plan';
import { parseFromPlanWebview, parseToPlanWebview, type FromPlanWebview, type PlanPayload } from '../../../src/shared/planProtocol';

const FIX = path.join(__dirname, '..', '..', 'fixtures', 'plans');

function dom() {
  const d = new JSDOM('<!DOCTYPE html><body><div id="app"></div></body>');
  const root = d.window.document.getElementById('app') as HTMLElement;
  return { d, root, doc: d.window.document };
}
function payload(plan: Record<string, unknown>, sql = 'SELECT 1', title = 'q'): PlanPayload {
  return { title, sql, plan, method: 'plain', at: 0 };
}

const EVIL_TABLE = '<img src=x onerror=alert(1)>';
const EVIL_SQL = `SELECT '</script><script>alert(2)</script>' FROM "${EVIL_TABLE}"`;

describe('webview/plan rendering (jsdom)', () => {
  it('a table named <img src=x onerror=alert(1)> and query text with </script> display literally and create no element', () => {
    const { root, doc } = dom();
    const evilPlan = {
      [K.Plan]: { [K.NodeType]: 'Seq Scan', [K.RelationName]: EVIL_TABLE, [K.Alias]: EVIL_TABLE, [K.Schema]: 'public', [K.TotalCost]: 10, [K.PlanRows]: 1, [K.Filter]: `(name = '</script><b>x</b>')`, [K.ActualTotalTime]: 1, [K.ActualRows]: 1, [K.ActualLoops]: 1, [K.RowsRemovedByFilter]: 50000 },
      [K.ExecutionTime]: 1,
      [K.Settings]: { '<i>k</i>': '<u>v</u>' },
    };
    const posted: FromPlanWebview[] = [];
    const v = renderPlan(root, payload(evilPlan, EVIL_SQL, `<svg onload=alert(3)>`), (m) => posted.push(m));
    for (const view of ['tree', 'diagram', 'table', 'raw', 'query'] as const) {
      v.show(view);
      assert.equal(root.querySelectorAll('img, script, svg, b, i, u').length, 0, `${view}: no element from database strings`);
      assert.ok(!root.innerHTML.includes('<img'), `${view}: escaped in the DOM`); // eslint-disable-line no-restricted-syntax
    }
    v.show('tree');
    assert.ok(root.textContent!.includes(EVIL_TABLE), 'shown literally');
    v.show('query');
    assert.ok(root.textContent!.includes('</script><script>alert(2)</script>'));
    assert.ok(doc.title === '' || !doc.title.includes('svg'));
  });

  it('a tip says its saving with its unit, and the proved saving of the index the advice proved (not "could save ~498.60" beside "554 → 25.7")', () => {
    const plan = { Plan: { 'Node Type': 'Sort', 'Startup Cost': 554, 'Total Cost': 554.1, 'Plan Rows': 10, 'Plan Width': 40, 'Sort Key': ['created_at DESC'], Plans: [{ 'Node Type': 'Seq Scan', 'Parent Relationship': 'Outer', 'Relation Name': 'reviews', Alias: 'reviews', 'Startup Cost': 0, 'Total Cost': 554, 'Plan Rows': 10, 'Plan Width': 40, Filter: '(product_id = $1)' }] } };
    const base = { ...payload(plan), relationRows: [['reviews', 24000]] as [string, number][] };
    const rough = dom();
    renderPlan(rough.root, base, () => undefined);
    assert.equal(rough.root.querySelector('.tips .saving')!.textContent, '(could save ~499 cost units)');
    const proved = dom();
    const sent = parseToPlanWebview({ type: 'show', payload: { ...base, provedIndexes: [{ table: 'reviews', costBefore: 554.1, costAfter: 25.7, title: 'reviews (product_id, created_at DESC)' }] } });
    assert.ok(sent && sent.type === 'show');
    renderPlan(proved.root, sent.payload, () => undefined);
    assert.equal(proved.root.querySelector('.tips .saving')!.textContent, '(saves ~528 cost units: cost 554 → 25.7, proved by the planner)');
    assert.match(proved.root.querySelector('.tips li')!.textContent!, /read only those: reviews \(product_id, created_at DESC\)/);
    assert.equal(parseToPlanWebview({ type: 'show', payload: { ...base, provedIndexes: [{ table: 'reviews', costBefore: 'x' }] } }), undefined);
  });

  it('an open plan\'s tips say the index advice\'s answer when it arrives, in place: the view and the node chosen stay; the message is validated', () => {
    const plan = { Plan: { 'Node Type': 'Sort', 'Startup Cost': 554, 'Total Cost': 554.1, 'Plan Rows': 10, 'Plan Width': 40, 'Sort Key': ['created_at DESC'], Plans: [{ 'Node Type': 'Seq Scan', 'Parent Relationship': 'Outer', 'Relation Name': 'reviews', Alias: 'reviews', 'Startup Cost': 0, 'Total Cost': 554, 'Plan Rows': 10, 'Plan Width': 40, Filter: '(product_id = $1)' }] } };
    const adviceSql = 'SELECT * FROM reviews WHERE product_id = $1 ORDER BY created_at DESC';
    const pending: PlanPayload = { ...payload(plan, adviceSql), method: 'custom', relationRows: [['reviews', 24000]], adviceSql, adviceAnswer: ADVICE_PENDING };
    const { root } = dom();
    const v = renderPlan(root, pending, () => undefined);
    assert.match(root.querySelector('.tips li')!.textContent!, /Checking whether an index helps — PG Lens's index advice has not answered for this statement yet/);
    v.show('table');
    v.select(1);
    // The advice proved an index meanwhile: the message the panel gets, validated as every message to the webview.
    const proved = { table: 'reviews', costBefore: 554.1, costAfter: 25.7, title: 'reviews (product_id, created_at DESC)' };
    const m = parseToPlanWebview({ type: 'advice', adviceSql, provedIndexes: [proved], adviceAnswer: 'PG Lens\'s index advice proposes reviews (product_id, created_at DESC) for this statement' });
    assert.ok(m && m.type === 'advice');
    v.updateAdvice({ ...pending, provedIndexes: m.provedIndexes, adviceAnswer: m.adviceAnswer });
    assert.equal(root.querySelectorAll('.tips').length, 1, 'the tips replaced, not added');
    assert.doesNotMatch(root.querySelector('.tips')!.textContent!, /has not answered/);
    assert.equal(root.querySelector('.tips .saving')!.textContent, '(saves ~528 cost units: cost 554 → 25.7, proved by the planner)');
    assert.equal(root.querySelector('[role="tab"][aria-selected="true"]')!.getAttribute('data-view'), 'table', 'the view chosen stays');
    assert.match(root.querySelector('.details')!.textContent!, /Seq Scan on reviews/, 'the node chosen stays');
    assert.equal(v.plan.tips.find((t) => t.proved)?.proved?.index, 'reviews (product_id, created_at DESC)');
    // Answered with no index: its words, as text; a malformed message is refused.
    v.updateAdvice({ ...pending, adviceAnswer: 'No index for it: <b>no</b> index cuts the estimated cost by 30% or more' });
    assert.match(root.querySelector('.tips li')!.textContent!, /: No index for it: <b>no<\/b> index cuts/);
    assert.equal(root.querySelectorAll('.tips b').length, 0);
    assert.equal(parseToPlanWebview({ type: 'advice', provedIndexes: [proved] }), undefined, 'no adviceSql');
    assert.equal(parseToPlanWebview({ type: 'advice', adviceSql, adviceAnswer: 3 }), undefined);
    assert.equal(parseToPlanWebview({ type: 'advice', adviceSql, provedIndexes: [{ table: 'reviews', costBefore: 'x' }] }), undefined);
  });

  it('a pasted plan\'s tip says where the proof it takes was made, and the message keeps the proof\'s place and table indexes (person33 L1)', () => {
    const plan = { Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 'reviews', Alias: 'reviews', 'Startup Cost': 0, 'Total Cost': 554, 'Plan Rows': 10, 'Plan Width': 40, Filter: '(product_id = 42)' } };
    const proved = { table: 'reviews', costBefore: 554.1, costAfter: 25.7, title: 'reviews (product_id)', columns: ['product_id'], ddl: 'CREATE INDEX CONCURRENTLY reviews_product_id_idx ON reviews (product_id)', at: 'src/reviews.ts:6', tableIndexes: ['reviews_pkey'] };
    const pkey = [{ name: 'reviews_pkey', column: 'id', unique: true, partial: false }];
    const sent = parseToPlanWebview({ type: 'show', payload: { ...payload(plan), method: 'brought', relationRows: [['reviews', 24000]], relationIndexes: [['reviews', pkey]], provedIndexes: [proved] } });
    assert.ok(sent && sent.type === 'show', 'accepted');
    const { root } = dom();
    renderPlan(root, sent.payload, () => undefined);
    assert.match(root.querySelector('.tips .saving')!.textContent!, /for a statement of your code at src\/reviews\.ts:6 on this table and these columns/);
    // The table has another index now than when it was proved: the tip does not take the proof.
    const changed = dom();
    renderPlan(changed.root, { ...sent.payload, relationIndexes: [['reviews', [...pkey, { name: 'reviews_rating_idx', column: 'rating', unique: false, partial: false }]]] }, () => undefined);
    assert.doesNotMatch(changed.root.querySelector('.tips')!.textContent!, /proved/);
    assert.equal(parseToPlanWebview({ type: 'show', payload: { ...payload(plan), provedIndexes: [{ ...proved, at: 6 }] } }), undefined);
    assert.equal(parseToPlanWebview({ type: 'show', payload: { ...payload(plan), provedIndexes: [{ ...proved, tableIndexes: 'reviews_pkey' }] } }), undefined);
  });

  it('Compare Plans gives a plan the tip the viewer gives it: the proved index, one saving (person10/11 N18)', () => {
    const seq = { Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 'reviews', Alias: 'reviews', 'Startup Cost': 0, 'Total Cost': 554, 'Plan Rows': 10, 'Plan Width': 40, Filter: '(product_id = $1)' } };
    const idx = { Plan: { 'Node Type': 'Index Scan', 'Index Name': 'reviews_product_id_idx', 'Relation Name': 'reviews', Alias: 'reviews', 'Startup Cost': 0.29, 'Total Cost': 25.7, 'Plan Rows': 10, 'Plan Width': 40, 'Index Cond': '(product_id = $1)' } };
    const provedIndexes = [{ table: 'reviews', costBefore: 554, costAfter: 25.7, title: 'reviews (product_id)' }];
    const before = { ...payload(seq, 'SELECT * FROM reviews WHERE product_id = $1', 'before'), relationRows: [['reviews', 24000]] as [string, number][], provedIndexes };
    const after = { ...payload(idx, 'SELECT * FROM reviews WHERE product_id = $1', 'after'), relationRows: [['reviews', 24000]] as [string, number][], provedIndexes };
    const viewer = dom();
    renderPlan(viewer.root, before, () => undefined);
    const tip = viewer.root.querySelector('.tips li')!.textContent!;
    assert.match(tip, /reviews \(product_id\)/);
    const cmp = dom();
    renderCompare(cmp.root, before, after);
    const text = cmp.root.querySelector('.compare .side pre.raw')!.textContent!;
    assert.match(text, /read only those: reviews \(product_id\)/);
    assert.match(text, /saves ~528 cost units: cost 554 → 25\.7, proved by the planner/);
    assert.doesNotMatch(text, /Suggest indexes/);
  });

  it('a plan brought from elsewhere offers no Explain Analyze, Benchmark, Suggest indexes or Show SQL: there is no statement in an editor to act on', () => {
    const plan = JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'cte.json'), 'utf8'))[0];
    const { root } = dom();
    renderPlan(root, { ...payload(plan), method: 'brought' }, () => undefined);
    const labels = Array.from(root.querySelectorAll('.actions button')).map((b) => b.textContent);
    assert.deepEqual(labels, ['Copy JSON', 'Copy text']);
    // It was not made on the connection that lent its catalog (person9: "Connection listmonk copy" on a colleague's plan).
    const lent = dom();
    renderPlan(lent.root, { ...payload(plan), method: 'brought', connection: 'listmonk copy' }, () => undefined);
    assert.match(lent.root.querySelector('.facts')!.textContent!, /Catalog facts from\s*listmonk copy/);
    assert.doesNotMatch(lent.root.querySelector('.facts')!.textContent!, /Connection/);
    const live = dom();
    renderPlan(live.root, payload(plan), () => undefined);
    assert.ok(Array.from(live.root.querySelectorAll('.actions button')).some((b) => b.textContent === 'Explain Analyze'));
  });

  it('the Query tab lays the SQL out with the formatter once loaded, as text: only whitespace changes, and SQL in strings creates no element', async () => {
    const { root } = dom();
    const sql = `select c.name, sum(o.amount) from customers c join orders o on o.customer_id = c.id where o.note = '</pre><img src=x onerror=alert(1)>' and o.meta->>'k' = $1::text group by 1 order by 2 desc limit 5`;
    const plan = JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'cte.json'), 'utf8'))[0];
    let loads = 0;
    const v = renderPlan(root, payload(plan, sql), () => undefined, { loadSqlFormatter: async () => (loads++, formatSql) });
    v.show('query');
    const pre = root.querySelector('pre.query') as HTMLElement;
    assert.equal(pre.textContent, sql, 'shown as sent at once');
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(loads, 1);
    assert.equal(pre.getAttribute('data-formatted'), 'true');
    assert.match(pre.textContent!, /^select\n {2}c\.name,\n {2}sum\(o\.amount\)\nfrom\n {2}customers c\n {2}join orders o on o\.customer_id = c\.id\nwhere/);
    assert.equal(pre.textContent!.replace(/\s+/g, ''), sql.replace(/\s+/g, ''), 'only whitespace changed');
    assert.equal(root.querySelectorAll('img').length, 0);
  });

  it('the Query tab keeps the SQL as sent when the formatter cannot read it or cannot be loaded', async () => {
    const plan = JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'cte.json'), 'utf8'))[0];
    for (const [sql, load] of [
      ['select ((( from', async () => formatSql],
      ['select 1 from t', async () => undefined],
      ['select 1 from t', async () => Promise.reject(new Error('blocked'))],
    ] as const) {
      const { root } = dom();
      renderPlan(root, payload(plan, sql), () => undefined, { loadSqlFormatter: load }).show('query');
      await new Promise((r) => setTimeout(r, 0));
      const pre = root.querySelector('pre.query') as HTMLElement;
      assert.equal(pre.textContent, sql);
      assert.equal(pre.getAttribute('data-formatted'), null);
    }
  });

  it('formatSql: PostgreSQL syntax kept token for token (casts, $n, dollar quotes, JSON operators, quoted names); unreadable text gives undefined', () => {
    const sql = `SELECT $$a ' b$$ AS x, E'\\n', "Weird Col"::int, doc #>> '{a,b}', $2 FROM "My Table" WHERE tags @> ARRAY['x'] AND name ~* 'y' AND a IS DISTINCT FROM b`;
    const out = formatSql(sql)!;
    assert.ok(out.includes('\n'), 'laid out on several lines');
    assert.equal(out.replace(/\s+/g, ''), sql.replace(/\s+/g, ''));
    assert.match(out, /\$\$a ' b\$\$/);
    assert.equal(formatSql('select ((( from'), undefined);
    assert.equal(formatSql('   '), undefined);
  });

  it('renders a real plan: summary, tips, hot path, per-node warnings, details with PostgreSQL keys', () => {
    const { root } = dom();
    const plan = JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'seq-scan-selective.json'), 'utf8'))[0];
    renderPlan(root, payload(plan), () => undefined);
    assert.match(root.querySelector('.facts')!.textContent!, /Execution/);
    assert.match(root.querySelector('.tips')!.textContent!, /Suggest indexes/);
    // The same plan brought from elsewhere: the tip still says what to do, but points to no button the view lacks.
    const brought = dom();
    renderPlan(brought.root, { ...payload(plan), method: 'brought' }, () => undefined);
    const tips = brought.root.querySelector('.tips')!.textContent!;
    // A brought plan's unproved scan tip names the index its condition makes, as the hover does (person32 L1).
    assert.match(tips, /An index on orders \(note\) lets PostgreSQL read only those\./);
    assert.doesNotMatch(tips, /Suggest indexes/);
    assert.ok(root.querySelector('.node.hot'));
    assert.ok(root.querySelector('.warn.grade-3, .warn.grade-2'));
    assert.match(root.querySelector('.details')!.textContent!, /Rows Removed by Filter/);
  });

  it("a tip is said in full once: the selected node's details refer to it by its number (person20 LOW 4: the Tips list, the bullet and a red box said it 3 times)", () => {
    const { root } = dom();
    const plan = JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'seq-scan-selective.json'), 'utf8'))[0];
    renderPlan(root, payload(plan), () => undefined);
    const tip = analyzePlan(plan).tips[0];
    const details = root.querySelector('.details')!.textContent!;
    assert.match(details, /Sequential scan of/, 'the node still says what PostgreSQL did');
    assert.match(details, /What to do: tip 1 above\./);
    const text = root.textContent!;
    assert.equal(text.split(tip.text).length - 1, 1, 'the tip text once in the whole view');
    assert.equal(root.querySelectorAll('.node-details .tip').length, 0);
  });

  it('opens on the node that takes the most time itself, not the hot path\'s cheap leaf (person28 L8: a Seq Scan at 12 % under a Hash Join at 38 %)', () => {
    const { root } = dom();
    const scan = (rel: string, ms: number, rows: number) => ({ 'Node Type': 'Seq Scan', 'Relation Name': rel, Alias: rel, 'Startup Cost': 0, 'Total Cost': rows / 10, 'Plan Rows': rows, 'Plan Width': 8, 'Actual Startup Time': 0.01, 'Actual Total Time': ms, 'Actual Rows': rows, 'Actual Loops': 1 });
    const plan = {
      Plan: {
        'Node Type': 'Hash Join', 'Join Type': 'Inner', 'Hash Cond': '(o.customer_id = c.id)', 'Startup Cost': 10, 'Total Cost': 900, 'Plan Rows': 50000, 'Plan Width': 16, 'Actual Startup Time': 30, 'Actual Total Time': 100, 'Actual Rows': 50000, 'Actual Loops': 1,
        Plans: [
          { ...scan('orders', 12, 50000), 'Parent Relationship': 'Outer' },
          { 'Node Type': 'Hash', 'Parent Relationship': 'Inner', 'Startup Cost': 5, 'Total Cost': 5, 'Plan Rows': 2000, 'Plan Width': 8, 'Actual Startup Time': 30, 'Actual Total Time': 30, 'Actual Rows': 2000, 'Actual Loops': 1, Plans: [{ ...scan('customers', 29, 2000), 'Parent Relationship': 'Outer' }] },
        ],
      },
      'Planning Time': 0.2,
      'Execution Time': 100,
    };
    const a = analyzePlan(plan);
    assert.equal(a.nodes[a.hotPath[a.hotPath.length - 1]].raw['Relation Name'], 'customers', 'the hot path ends at the customers scan');
    renderPlan(root, payload(plan), () => undefined);
    assert.equal(root.querySelector('.node.selected')!.getAttribute('data-node'), '0', 'the Hash Join (58 ms of its own) is selected');
    assert.match(root.querySelector('.details')!.textContent!, /Hash Join/);
  });

  it('buttons post typed messages; the extension validates what comes back', () => {
    const { root } = dom();
    const posted: FromPlanWebview[] = [];
    renderPlan(root, payload(JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'cte.json'), 'utf8'))[0]), (m) => posted.push(m));
    for (const b of Array.from(root.querySelectorAll('.actions button'))) (b as HTMLElement).click();
    assert.deepEqual(posted.map((m) => m.type), ['copy', 'copy', 'explainAnalyze', 'benchmark', 'suggestIndexes', 'revealSql']);
    for (const m of posted) assert.deepEqual(parseFromPlanWebview(m), m);
    assert.equal(parseFromPlanWebview({ type: 'copy', format: 'html' }), undefined);
    assert.equal(parseFromPlanWebview({ type: 'explainAnalyze', sql: 'DROP TABLE t' }), undefined);
    assert.equal(parseFromPlanWebview('ready'), undefined);
    assert.equal(parseFromPlanWebview({ type: 'run', sql: 'x' }), undefined);
    assert.equal(parseToPlanWebview({ type: 'show', payload: { title: 1 } }), undefined);
  });

  it('the tree is keyboard-usable: arrows move, Right/Left open and close, Enter selects', () => {
    const { root, d } = dom();
    const v = renderPlan(root, payload(JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'initplan-subplan.json'), 'utf8'))[0]), () => undefined);
    v.select(0);
    const key = (k: string) => (d.window.document.activeElement as HTMLElement).dispatchEvent(new d.window.KeyboardEvent('keydown', { key: k, bubbles: true }));
    assert.equal((d.window.document.activeElement as HTMLElement).dataset.node, '0');
    key('ArrowLeft'); // close the root
    assert.equal(root.querySelectorAll('.tree [data-node]').length, 1);
    assert.equal(root.querySelector('[data-node="0"]')!.getAttribute('aria-expanded'), 'false');
    key('ArrowRight');
    assert.ok(root.querySelectorAll('.tree [data-node]').length > 1);
    key('ArrowDown');
    const focused = (d.window.document.activeElement as HTMLElement).dataset.node;
    assert.notEqual(focused, '0');
    key('Enter');
    assert.equal(root.querySelector('.node.selected')!.getAttribute('data-node'), focused);
  });

  it('a 10,000-node plan opens with only the open part rendered; "more" pages wide nodes', function () {
    this.timeout(60000); // speed is measured in bench/plans.bench.ts, not here
    const { root } = dom();
    const kids: RawNode[] = [];
    for (let i = 0; i < 9_999; i++) kids.push({ [K.NodeType]: 'Seq Scan', [K.RelationName]: `p${i}`, [K.ParentRelationship]: 'Member', [K.TotalCost]: 1, [K.PlanRows]: 1 });
    const wide = { [K.Plan]: { [K.NodeType]: 'Append', [K.TotalCost]: 10_000, [K.PlanRows]: 9_999, [K.Plans]: kids } };
    renderPlan(root, payload(wide), () => undefined);
    const shown = root.querySelectorAll('.tree [data-node]').length;
    assert.ok(shown <= 201, `rendered ${shown}`);
    (root.querySelector('.tree .more') as HTMLElement).click();
    assert.equal(root.querySelectorAll('.tree [data-node]').length, 401);

    let deep: RawNode = { [K.NodeType]: 'Seq Scan', [K.RelationName]: 't', [K.TotalCost]: 1, [K.PlanRows]: 1 };
    for (let i = 0; i < 9_999; i++) deep = { [K.NodeType]: 'Materialize', [K.TotalCost]: 1 + i, [K.PlanRows]: 1, [K.Plans]: [{ ...deep, [K.ParentRelationship]: 'Outer' }] };
    const { root: r2 } = dom();
    renderPlan(r2, payload({ [K.Plan]: deep }), () => undefined);
    // the hot path (every level here) is open down to depth 40, the rest waits for a click
    assert.ok(r2.querySelectorAll('.tree [data-node]').length <= 42);
  });

  it('a node planned right shows no misestimate ("1.0× over" for 1 row of 1); one off by 1.5× says which way in words', () => {
    const node = (est: number, got: number) => ({ [K.NodeType]: 'Result', [K.TotalCost]: 0.01, [K.PlanRows]: est, [K.ActualTotalTime]: 0.01, [K.ActualRows]: got, [K.ActualLoops]: 1 });
    const exact = dom();
    renderPlan(exact.root, payload({ [K.Plan]: node(1, 1), [K.ExecutionTime]: 0.7 }), () => undefined);
    assert.doesNotMatch(exact.root.querySelector('.details')!.textContent!, /Misestimate|1\.0×/);
    const t = renderTable(exact.doc, analyzePlan({ [K.Plan]: node(1, 1), [K.ExecutionTime]: 0.7 }), () => undefined);
    assert.equal(t.querySelector('tbody tr td:nth-child(6)')!.textContent, '–', 'the Misestimate column');
    const off = dom();
    renderPlan(off.root, payload({ [K.Plan]: node(3, 2), [K.ExecutionTime]: 0.7 }), () => undefined);
    assert.match(off.root.querySelector('.details')!.textContent!, /Misestimate1\.5× over: fewer rows came back than planned/);
  });

  it('the table sorts by any column, descending then ascending', () => {
    const { doc } = dom();
    const plan = analyzePlan(fs.readFileSync(path.join(FIX, 'pg18', 'cte.json'), 'utf8'));
    const t = renderTable(doc, plan, () => undefined);
    const selfTimes = () => Array.from(t.querySelectorAll('tbody tr')).map((r) => plan.nodes[Number((r as HTMLElement).dataset.node)].metrics.exclusiveMs!);
    const s = selfTimes();
    assert.deepEqual(s, [...s].sort((a, b) => b - a));
    (t.querySelector('th[data-sort="loops"]') as HTMLElement).click();
    assert.equal(t.querySelector('th[data-sort="loops"]')!.getAttribute('aria-sort'), 'descending');
    (t.querySelector('th[data-sort="loops"]') as HTMLElement).click();
    assert.equal(t.querySelector('th[data-sort="loops"]')!.getAttribute('aria-sort'), 'ascending');
  });

  it('the table of an estimates-only plan shows the figures it has: no empty time, misestimate, loops or buffer columns', () => {
    const { doc } = dom();
    const estimated = analyzePlan(fs.readFileSync(path.join(FIX, 'pg18', 'no-analyze-join.json'), 'utf8'));
    assert.equal(estimated.analyzed, false);
    const t = renderTable(doc, estimated, () => undefined);
    const headers = Array.from(t.querySelectorAll('thead th')).map((x) => x.textContent);
    assert.deepEqual(headers, ['#', 'Node', 'Rows est.', 'Self cost']);
    for (const r of Array.from(t.querySelectorAll('tbody tr'))) assert.equal(r.querySelectorAll('td').length, headers.length);
    // Sorted by cost (the figure it has), most expensive first.
    const costs = Array.from(t.querySelectorAll('tbody tr')).map((r) => estimated.nodes[Number((r as HTMLElement).dataset.node)].metrics.exclusiveCost);
    assert.deepEqual(costs, [...costs].sort((a, b) => b - a));
    // An analysed plan keeps every column.
    const analysed = renderTable(doc, analyzePlan(fs.readFileSync(path.join(FIX, 'pg18', 'cte.json'), 'utf8')), () => undefined);
    assert.ok(Array.from(analysed.querySelectorAll('thead th')).map((x) => x.textContent).includes('Self time'));
  });

  it('compare and benchmark views', () => {
    const { root } = dom();
    const a = JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'seq-scan-selective.json'), 'utf8'))[0];
    const b = JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'index-scan.json'), 'utf8'))[0];
    renderCompare(root, payload(a, 'a', 'before'), payload(b, 'b', 'after'));
    assert.match(root.querySelector('h1')!.textContent!, /faster|slower|about the same/);
    assert.ok(root.querySelectorAll('table.diff tbody tr').length >= 1);
    const run = { sql: EVIL_SQL, runs: 10, concurrency: 2, errors: 0, p50: 1, p95: 2, p99: 3, mean: 1.2, min: 0.5, max: 3, throughputPerSec: 800, at: 0 };
    renderBenchmark(root, run, { ...run, p50: 4 });
    assert.match(root.textContent!, /4\.0× faster/);
    assert.equal(root.querySelectorAll('script').length, 0);
    assert.equal(root.querySelectorAll('.compare-note').length, 0, 'nothing to add when the timings agree');
    // A plan changed between the runs, with a hostile index name: said under the verdict, as text.
    renderBenchmark(root, { ...run, scans: [`Index Scan using "${EVIL_SQL}" on orders`] }, { ...run, p50: 4, scans: ['Seq Scan on orders'] });
    const notes = [...root.querySelectorAll('.compare-note')].map((e) => e.textContent);
    assert.deepEqual(notes, [`The plan changed between the runs: Seq Scan on orders → Index Scan using "${EVIL_SQL}" on orders.`]);
    assert.equal(root.querySelectorAll('script').length, 0);
  });

  it('tree rows carry their join and filter conditions; the summary shows time outside the nodes', () => {
    const { root } = dom();
    const plan = JSON.parse(fs.readFileSync(path.join(FIX, 'psql', 'pg18', 'join-filter-sort', 'plan.json'), 'utf8'))[0];
    renderPlan(root, payload(plan), () => undefined);
    const conds = [...root.querySelectorAll('.node .conds')].map((e) => e.textContent);
    assert.ok(conds.some((c) => /Hash Cond: \(o\.customer_id = c\.id\)/.test(c!)), conds.join(' | '));
    assert.ok(conds.some((c) => /Filter: /.test(c!)));
    const { root: r2 } = dom();
    renderPlan(r2, payload(analyzePlan(fs.readFileSync(path.join(FIX, 'psql', 'pg18', 'delete-fk-trigger', 'raw.txt'), 'utf8')).source), () => undefined);
    assert.match(r2.querySelector('.facts')!.textContent!, /Outside the nodes\s*2\.56 s in triggers \(\d+(\.\d+)?% of the execution\)/);
    // A DELETE's header says the rows it deletes, as the hover does, not its top node's 0 (person45 L2: "Rows (est.) 0").
    assert.match(r2.querySelector('.facts')!.textContent!, /Rows to delete \(est\.\)\s*~308/);
    assert.doesNotMatch(r2.querySelector('.facts')!.textContent!, /Rows \(est\.\)\s*0/);
    assert.match(r2.querySelector('.tips li')!.textContent!, /order_items_order_id_fkey/);
  });

  it('each figure of a tree row says which it is, self or total, so a root Limit\'s self cost of 0 reads beside the plan\'s total (person37 L9: "Limit cost 0.00 (0.0%)" under "Total cost 934.05")', () => {
    const scan = { [K.NodeType]: 'Seq Scan', [K.RelationName]: 'orders', [K.Alias]: 'orders', [K.StartupCost]: 0, [K.TotalCost]: 900.5, [K.PlanRows]: 5000, [K.ParentRelationship]: 'Outer' };
    const sort = { [K.NodeType]: 'Sort', [K.StartupCost]: 933.9, [K.TotalCost]: 934.02, [K.PlanRows]: 5000, [K.SortKey]: ['placed_at DESC'], [K.ParentRelationship]: 'Outer', [K.Plans]: [scan] };
    const estimated = { [K.Plan]: { [K.NodeType]: 'Limit', [K.StartupCost]: 933.9, [K.TotalCost]: 934.05, [K.PlanRows]: 10, [K.Plans]: [sort] } };
    const { root } = dom();
    const v = renderPlan(root, payload(estimated), () => undefined);
    v.show('tree');
    const rows = Array.from(root.querySelectorAll('[role="treeitem"]'));
    const limit = rows.find((r) => r.querySelector('.title')!.textContent === 'Limit')!.querySelector('.figures')!;
    assert.match(limit.textContent!, /^self cost 0\.03 \(<0\.01%\) · total 934\.05 · 10 rows est\.$/);
    assert.match(limit.getAttribute('title')!, /self cost: .*without its children.*total: with its children/);
    const seq = rows.find((r) => r.querySelector('.title')!.textContent!.startsWith('Seq Scan'))!.querySelector('.figures')!;
    assert.match(seq.textContent!, /^self cost 900\.50 \(96%\) · total 900\.50 · /);
    v.show('diagram');
    assert.match(root.querySelector('.diagram .card')!.textContent!, /self cost.*0\.03 \(<0\.01%\) of 934\.05 total/);
    // Measured: self time and total time, each named.
    const { root: r2 } = dom();
    const measured = renderPlan(r2, payload({ [K.Plan]: { [K.NodeType]: 'Limit', [K.TotalCost]: 934.05, [K.PlanRows]: 10, [K.ActualTotalTime]: 4, [K.ActualRows]: 10, [K.ActualLoops]: 1, [K.Plans]: [{ ...scan, [K.ActualTotalTime]: 3.5, [K.ActualRows]: 10, [K.ActualLoops]: 1 }] }, [K.ExecutionTime]: 4.1 }), () => undefined);
    measured.show('tree');
    const top = r2.querySelector('[role="treeitem"] .figures')!.textContent!;
    assert.match(top, /^self 0\.5\d* ms \(\d+(\.\d)?%\) · total 4(\.0+)? ms · rows 10 of 10 est\./);
  });

  it('the diagram has one card per node with time, rows, cost and buffers bars, the hot path marked', () => {
    const { root } = dom();
    const plan = JSON.parse(fs.readFileSync(path.join(FIX, 'psql', 'pg18', 'join-filter-sort', 'plan.json'), 'utf8'))[0];
    const v = renderPlan(root, payload(plan), () => undefined);
    v.show('diagram');
    const cards = root.querySelectorAll('.diagram .card');
    assert.equal(cards.length, v.plan.nodes.length);
    assert.equal(root.querySelectorAll('.diagram .card.hot').length, v.plan.hotPath.length);
    const first = cards[0].textContent!;
    for (const k of ['self time', 'rows', 'self cost', 'buffers']) assert.ok(first.includes(k), `${k} in ${first}`);
  });

  it('each diagram card carries its depth and its parent, nested in its parent\'s branch, and the stylesheet draws the narrow layout\'s connectors (person16 LOW 7)', () => {
    const { root } = dom();
    const plan = JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'initplan-subplan.json'), 'utf8'))[0];
    const v = renderPlan(root, payload(plan), () => undefined);
    v.show('diagram');
    const cards = [...root.querySelectorAll<HTMLElement>('.diagram .card')];
    assert.equal(cards.length, v.plan.nodes.length);
    for (const c of cards) {
      const node = v.plan.nodes[Number(c.dataset.node)];
      const parent = v.plan.nodes.find((p) => p.children.includes(node.id));
      assert.equal(c.dataset.parent, parent === undefined ? undefined : String(parent.id), `card ${node.id}'s parent`);
      // Its branch sits in the children of its parent's branch, one level deeper.
      const parentCard = c.parentElement!.parentElement!.closest('.branch')?.querySelector<HTMLElement>(':scope > .card');
      assert.equal(parentCard?.dataset.node, c.dataset.parent);
      assert.equal(Number(c.dataset.depth), parentCard ? Number(parentCard.dataset.depth) + 1 : 0);
    }
    assert.ok(cards.some((c) => Number(c.dataset.depth) >= 2), 'a plan of three levels');
    const css = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'media', 'plan.css'), 'utf8');
    const narrow = [...css.matchAll(/@media \(max-width: (\d+)px\) \{\n((?:  [^\n]*\n)+)\}/g)].find((m) => m[2].includes('.diagram .children'));
    assert.ok(narrow && Number(narrow[1]) >= 600, 'a narrow layout for the diagram at the width of an 800 px window\'s split');
    assert.match(narrow![2], /\.diagram \.children \{[^}]*flex-direction: column[^}]*padding-left/, 'children stacked and indented');
    assert.match(narrow![2], /\.diagram \.children > \.branch::before \{[^}]*border-left[^}]*border-bottom/, 'an elbow line from the parent to each child');
  });

  it('a node\'s rows over its loops are a whole count: PostgreSQL 18\'s 2.38 rows a loop × 21 loops reads 50, not 49.98 (person9)', () => {
    const { root } = dom();
    const plan = {
      [K.Plan]: { [K.NodeType]: 'Nested Loop', [K.TotalCost]: 900, [K.PlanRows]: 63, [K.ActualTotalTime]: 5, [K.ActualRows]: 50, [K.ActualLoops]: 1, [K.Plans]: [
        { [K.NodeType]: 'Seq Scan', [K.ParentRelationship]: 'Outer', [K.RelationName]: 'orders', [K.Alias]: 'o', [K.TotalCost]: 20, [K.PlanRows]: 21, [K.ActualTotalTime]: 1, [K.ActualRows]: 21, [K.ActualLoops]: 1 },
        { [K.NodeType]: 'Index Scan', [K.ParentRelationship]: 'Inner', [K.RelationName]: 'order_items', [K.Alias]: 'i', [K.IndexName]: 'order_items_order_id_idx', [K.TotalCost]: 8, [K.PlanRows]: 3, [K.ActualTotalTime]: 0.1, [K.ActualRows]: 2.38, [K.ActualLoops]: 21 },
      ] },
      [K.ExecutionTime]: 5,
    };
    const v = renderPlan(root, payload(plan), () => undefined);
    v.show('diagram');
    const card = [...root.querySelectorAll('.diagram .card')].find((c) => /order_items/.test(c.textContent ?? ''))!.textContent ?? '';
    assert.match(card, /rows\s*50 of 63 est\./, card);
    assert.doesNotMatch(card, /49\.98/);
    v.show('table');
    assert.ok(root.textContent!.includes('50 / 63'), root.textContent!.slice(0, 400));
  });

  it('PostgreSQL\'s own keys read as lists and pairs, not raw JSON (person10/11 N16: Output ["project_settings.project",…])', () => {
    const { root } = dom();
    const plan = { Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 'project_settings', Alias: 'project_settings', 'Total Cost': 20, 'Plan Rows': 10, Output: ['project_settings.project', 'project_settings.feature_limit'], 'Sort Space': { Used: 25, Type: 'Memory' } } };
    const v = renderPlan(root, payload(plan), () => undefined);
    v.select(0);
    const row = (k: string) => [...root.querySelectorAll('.raw-keys tr')].find((tr) => tr.querySelector('th')?.textContent === k)!;
    assert.deepEqual([...row('Output').querySelectorAll('li')].map((li) => li.textContent), ['project_settings.project', 'project_settings.feature_limit']);
    assert.equal(row('Sort Space').querySelector('td')!.textContent, 'Used: 25; Type: Memory');
    assert.doesNotMatch(root.querySelector('.raw-keys')!.textContent!, /[[\]{}"]/);
  });

  it('a node run once per outer row says its Total cost is per loop and its self cost counts all loops (person23 LOW 2: self 1069 over total 6.52)', () => {
    const { root } = dom();
    const plan = { Plan: { 'Node Type': 'Nested Loop', 'Join Type': 'Inner', 'Startup Cost': 0.29, 'Total Cost': 2300, 'Plan Rows': 165, 'Plan Width': 16,
      Plans: [
        { 'Node Type': 'Seq Scan', 'Parent Relationship': 'Outer', 'Relation Name': 'orders', Alias: 'o', 'Startup Cost': 0, 'Total Cost': 1200, 'Plan Rows': 165, 'Plan Width': 8 },
        { 'Node Type': 'Index Scan', 'Parent Relationship': 'Inner', 'Index Name': 'customers_pkey', 'Relation Name': 'customers', Alias: 'c', 'Startup Cost': 0.29, 'Total Cost': 6.52, 'Plan Rows': 1, 'Plan Width': 8, 'Index Cond': '(id = o.customer_id)' },
      ] } };
    const v = renderPlan(root, payload(plan), () => undefined);
    const p = analyzePlan(JSON.stringify([plan]));
    v.select(p.nodes.findIndex((n) => n.raw[K.NodeType] === 'Index Scan'));
    const details = root.querySelector('.details')!.textContent!.replace(/\s+/g, ' ');
    assert.match(details, /Self cost \(all loops\)/);
    assert.match(details, /Total cost ?6\.52 per loop, [\d,.]+ over 165 loops/);
    // The outer side runs once: as before.
    v.select(p.nodes.findIndex((n) => n.raw[K.NodeType] === 'Seq Scan'));
    assert.doesNotMatch(root.querySelector('.details')!.textContent!, /per loop|all loops/);
  });

  it('a parallel node says the same measure in the tree, the diagram and the details: rows over all loops, the slowest process\'s time beside PostgreSQL\'s per-loop average (issue 20, person47 L7)', () => {
    const { root } = dom();
    const plan = JSON.parse(fs.readFileSync(path.join(FIX, 'parallel-workers-loops.json'), 'utf8'))[0];
    const v = renderPlan(root, payload(plan), () => undefined);
    const id = (type: string) => v.plan.nodes.findIndex((n) => n.raw[K.NodeType] === type);
    v.show('tree');
    const treeRow = (type: string) => root.querySelector(`[role="treeitem"][data-node="${id(type)}"] .figures`)!.textContent!;
    v.show('diagram');
    const card = (type: string) => root.querySelector(`.diagram .card[data-node="${id(type)}"]`)!.textContent!.replace(/\s+/g, ' ');
    const aggCard = card('Aggregate');
    const scanCard = card('Seq Scan');
    // A narrow card breaks between whole pieces: the measure is one, never cut inside ("(slowest" ⏎ "of 3 processes)").
    const nb = [...root.querySelectorAll(`.diagram .card[data-node="${id('Seq Scan')}"] .nb`)].map((x) => x.textContent);
    assert.ok(nb.includes('(slowest of 3 processes)') && nb.includes('in all 3 loops'), JSON.stringify(nb));
    v.show('tree');
    const aggRow = treeRow('Aggregate');
    const scanRow = treeRow('Seq Scan');
    // The Partial HashAggregate: "16k of 24k est." on the card, "5192 of 7834 est. · × 3 loops" in the tree before.
    assert.match(aggRow, /rows 16k of 24k est\. in all 3 loops/, aggRow);
    assert.match(aggCard, /rows ?16k of 24k est\. in all 3 loops/, aggCard);
    assert.doesNotMatch(aggRow, /5192|× 3 loops/, aggRow);
    assert.match(aggRow, /total 575 ms \(average of 3 processes\)/, aggRow);
    assert.match(aggCard, /of 575 ms total \(average of 3 processes\)/, aggCard);
    // The Parallel Seq Scan with per-worker figures: the slowest process, said everywhere.
    assert.match(scanRow, /total 360 ms \(slowest of 3 processes\) · rows 375k of 469k est\. in all 3 loops/, scanRow);
    assert.match(scanCard, /of 360 ms total \(slowest of 3 processes\)/, scanCard);
    assert.match(scanCard, /rows ?375k of 469k est\. in all 3 loops/, scanCard);
    v.select(id('Seq Scan'));
    const details = root.querySelector('.details dl')!.textContent!.replace(/\s+/g, ' ');
    assert.match(details, /Total time ?360 ms \(slowest of 3 processes; PostgreSQL's Actual Total Time, 319\.109 ms, is per loop: the average of its 3 loops\)/, details);
    assert.match(details, /Rows ?375k in all 3 loops, 125k per loop \(planned 469k in all, 156k per loop\)/, details);
    assert.match(details, /Self time ?[\d.]+ ms \([\d.]+%\), slowest of 3 processes/, details);
  });

  it('per-worker figures show in the node details', () => {
    const { root } = dom();
    const p = analyzePlan(fs.readFileSync(path.join(FIX, 'psql', 'pg18', 'parallel-sort-workers', 'raw.txt'), 'utf8'));
    const v = renderPlan(root, payload(p.source), () => undefined);
    v.select(p.nodes.findIndex((n) => n.raw[K.NodeType] === 'Sort'));
    const rows = root.querySelectorAll('.details table.workers tbody tr');
    assert.equal(rows.length, 2);
    assert.match(root.querySelector('.details table.workers')!.textContent!, /Sort Space Used/);
  });

  it('a comparison with a plan brought without its query text or Query Identifier says in its headline that PG Lens cannot tell whether it is the same statement (person29 M2)', () => {
    const { root } = dom();
    const est = JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'no-analyze-join.json'), 'utf8'))[0];
    const run = JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'index-scan.json'), 'utf8'))[0];
    delete run['Query Identifier'];
    renderCompare(root, payload(est, 'SELECT 1', 'before'), { ...payload(run, '', 'after'), method: 'brought' });
    assert.match(root.querySelector('h1')!.textContent!, /^Before → after \(cannot tell whether it is the same statement\): /);
    assert.match(root.querySelector('.statement-doubt')!.textContent!, /the after plan was brought without its query text or a Query Identifier/);
    // Both with their texts: no doubt.
    renderCompare(root, payload(est, 'SELECT 1', 'before'), payload(run, 'SELECT 1', 'after'));
    assert.doesNotMatch(root.querySelector('h1')!.textContent!, /cannot tell/);
  });

  it('compare says what it compares: an estimate against a run is compared on estimates only', () => {
    const { root } = dom();
    const est = JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'no-analyze-join.json'), 'utf8'))[0];
    const run = JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'index-scan.json'), 'utf8'))[0];
    renderCompare(root, payload(est, 'a', 'before'), payload(run, 'b', 'after'));
    assert.match(root.textContent!, /Only the after plan ran: compared on what both have, the planner's estimates/);
    assert.match(root.querySelector('table.diff thead')!.textContent!, /Δ self cost/);
    // The figures that count a node's children say so (person24 LOW 4: a Limit's children's blocks read as its own).
    assert.match(root.querySelector('table.diff thead')!.textContent!, /Δ shared blocks \(with children\).*Node cost after \/ before \(with children\)/);
    // An index name breaks after its underscores in a narrow pane, its text unchanged (person24 LOW 4).
    const named = [...root.querySelectorAll('table.diff tbody td:first-child')].find((td) => /_/.test(td.textContent!))!;
    assert.ok(named, 'a node label with an underscore');
    assert.ok(named.querySelectorAll('wbr').length >= 1);
    for (const w of named.querySelectorAll('wbr')) assert.match(w.previousSibling!.textContent!, /[_.]$/);
  });

  it('an index before/after whose one run each goes a little the other way from the blocks read says both, never a bare "1.49× slower" (CI, step 67)', () => {
    const seq = { Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 'events', Schema: 'public', Alias: 'events', 'Startup Cost': 0, 'Total Cost': 2185, 'Plan Rows': 50, 'Plan Width': 37, 'Actual Startup Time': 0.01, 'Actual Total Time': 4.6, 'Actual Rows': 50, 'Actual Loops': 1, Filter: '(kind = 7)', 'Rows Removed by Filter': 99950, 'Shared Hit Blocks': 870, 'Shared Read Blocks': 0 }, 'Planning Time': 0.12, 'Execution Time': 4.7 };
    const bitmap = (ms: number) => ({ Plan: { 'Node Type': 'Bitmap Heap Scan', 'Relation Name': 'events', Schema: 'public', Alias: 'events', 'Startup Cost': 4.7, 'Total Cost': 167.65, 'Plan Rows': 50, 'Plan Width': 37, 'Actual Startup Time': 0.1, 'Actual Total Time': ms - 0.1, 'Actual Rows': 50, 'Actual Loops': 1, 'Recheck Cond': '(kind = 7)', 'Shared Hit Blocks': 20, 'Shared Read Blocks': 32,
      Plans: [{ 'Node Type': 'Bitmap Index Scan', 'Parent Relationship': 'Outer', 'Index Name': 'events_kind_idx', 'Startup Cost': 0, 'Total Cost': 4.66, 'Plan Rows': 50, 'Plan Width': 0, 'Actual Startup Time': 0.1, 'Actual Total Time': 0.12, 'Actual Rows': 50, 'Actual Loops': 1, 'Index Cond': '(kind = 7)', 'Shared Hit Blocks': 2, 'Shared Read Blocks': 0 }] }, 'Planning Time': 5.2, 'Execution Time': ms });
    const head = (after: Record<string, unknown>) => {
      const { root } = dom();
      renderCompare(root, payload(seq, 'SELECT id, payload FROM events WHERE kind = 7', 'before'), payload(after, 'SELECT id, payload FROM events WHERE kind = 7', 'after'));
      return root.querySelector('h1')!.textContent!;
    };
    const slowerOnce = head(bitmap(7.0));
    assert.match(slowerOnce, /16\.7× fewer blocks read \(870 → 52\), though 1\.49× slower in one run each \(4\.7 ms → 7\.0 ms\): too close to call from one run/);
    // Far apart in time, the time decides; and when time and blocks agree, the plain verdict.
    assert.match(head(bitmap(20)), /^Before → after: 4\.26× slower \(execution time 4\.7 ms → 20\.0 ms\)$/);
    assert.match(head(bitmap(1.7)), /^Before → after: 2\.76× faster \(execution time 4\.7 ms → 1\.7 ms\)$/);
  });

  it('a headline from one run each whose time moved far more than the pages read says the pages read under it (person27: "846.06× faster", Benchmark 2.7×)', () => {
    const seq = (ms: number) => ({ Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 'events', Schema: 'public', Alias: 'events', 'Startup Cost': 0, 'Total Cost': 2185, 'Plan Rows': 50, 'Plan Width': 37, 'Actual Startup Time': 0.01, 'Actual Total Time': ms - 0.1, 'Actual Rows': 50, 'Actual Loops': 1, Filter: '(kind = 7)', 'Rows Removed by Filter': 99950, 'Shared Hit Blocks': 870, 'Shared Read Blocks': 0 }, 'Planning Time': 0.12, 'Execution Time': ms });
    const index = (ms: number) => ({ Plan: { 'Node Type': 'Index Scan', 'Index Name': 'events_kind_idx', 'Relation Name': 'events', Schema: 'public', Alias: 'events', 'Startup Cost': 0.29, 'Total Cost': 8.3, 'Plan Rows': 50, 'Plan Width': 37, 'Actual Startup Time': 0.01, 'Actual Total Time': ms - 0.01, 'Actual Rows': 50, 'Actual Loops': 1, 'Index Cond': '(kind = 7)', 'Shared Hit Blocks': 52, 'Shared Read Blocks': 0 }, 'Planning Time': 0.1, 'Execution Time': ms });
    const notes = (before: Record<string, unknown>, after: Record<string, unknown>) => {
      const { root } = dom();
      renderCompare(root, payload(before, 'SELECT id, payload FROM events WHERE kind = 7', 'before'), payload(after, 'SELECT id, payload FROM events WHERE kind = 7', 'after'));
      return { head: root.querySelector('h1')!.textContent!, note: root.querySelector('.time-vs-work')?.textContent };
    };
    const far = notes(seq(190), index(0.224));
    assert.match(far.head, /^Before → after: 848\.21× faster \(execution time 190 ms → 0\.224 ms\)$/);
    assert.equal(far.note, 'One run each: 848× faster in time (190 ms → 0.224 ms), but the pages read went 870 → 52 (16.7× fewer): a single run\'s time moves with the machine\'s load and the cache, the pages read do not. Benchmark Query measures percentiles over many runs.');
    // Time and pages in step (within 3×): nothing added.
    assert.equal(notes(seq(4.6), index(0.5)).note, undefined);
    // The other way: slower by far more than the pages read grew.
    assert.match(notes(index(0.224), seq(190)).note ?? '', /^One run each: 848× slower in time .* \(16\.7× more\)/);
  });

  it('two runs of the same plan a little apart are "about the same", not "1.31× slower"', () => {
    // Seen in the hour: the same lookup, the same value, 2.3 ms then 3.0 ms — "Before → after: 1.31× slower".
    const { root } = dom();
    const run = () => JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'index-scan.json'), 'utf8'))[0];
    const before = run();
    const after = run();
    after['Execution Time'] = before['Execution Time'] * 1.31;
    renderCompare(root, payload(before, 'a', 'before'), payload(after, 'b', 'after'));
    assert.match(root.querySelector('h1')!.textContent!, /about the same \(the same plan; .* run-to-run noise/);
    const slower = run();
    slower['Execution Time'] = before['Execution Time'] * 40 + 5;
    renderCompare(root, payload(before, 'a', 'before'), payload(slower, 'b', 'after'));
    assert.match(root.querySelector('h1')!.textContent!, /× slower/, 'a real difference is still one');
  });

  it('two runs with different parameter values: the compare says so and shows them (person7: "43.96× slower" for the same plan, no customer vs 338 orders)', () => {
    const { root } = dom();
    const run = () => JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'index-scan.json'), 'utf8'))[0];
    const before = { ...payload(run(), 'a', 'before'), params: ['nobody@example.com'] };
    const slow = run();
    slow['Execution Time'] = (before.plan['Execution Time'] as number) * 40 + 5;
    const after = { ...payload(slow, 'b', 'after'), params: ['margaret@example.com'] };
    renderCompare(root, before, after);
    assert.match(root.querySelector('h1')!.textContent!, /^Before → after: same statement, other values: time \d+\.\d\d× higher$/, 'other values: what differs, not "slower"');
    assert.match(root.textContent!, /different parameter values \(before: \$1 = nobody@example\.com; after: \$1 = margaret@example\.com\): the plan is the same, so the difference is the data/);
    assert.equal(root.querySelectorAll('.side .params').length, 2);
    assert.ok(parseToPlanWebview({ type: 'compare', before, after }));
    assert.equal(parseToPlanWebview({ type: 'compare', before: { ...before, params: [1] }, after }), undefined);
    renderCompare(root, before, { ...after, params: ['nobody@example.com'] });
    assert.doesNotMatch(root.textContent!, /different parameter values/, 'the same values: nothing to say');
  });

  it('the generic plan against the same statement with values: the headline says what differs, not "2.80× cheaper" (person21 LOW 4)', () => {
    const { root } = dom();
    const sql = 'SELECT * FROM orders WHERE customer_id = ANY($1)';
    const generic = JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'no-analyze-join.json'), 'utf8'))[0];
    const run = JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'index-scan.json'), 'utf8'))[0];
    generic.Plan['Total Cost'] = (run.Plan['Total Cost'] as number) * 2.8;
    const before: PlanPayload = { ...payload(generic, sql, 'before'), method: 'generic-plan' };
    const after: PlanPayload = { ...payload(run, sql, 'after'), method: 'analyze', params: ['{101,202,303}'] };
    renderCompare(root, before, after);
    const head = root.querySelector('h1')!.textContent!;
    assert.match(head, /^Before → after: same statement, other values: estimates 2\.80× lower$/);
    assert.doesNotMatch(head, /cheaper|faster/);
    assert.match(root.textContent!, /different parameter values \(before: none \(generic plan: values unknown\); after: \$1 = \{101,202,303\}\)/);
    assert.match(root.textContent!, /Only the after plan ran: compared on what both have, the planner's estimates/, "the body's honesty note stays");
    // Two estimates with other values: the same words; with the same values (or both generic) a change is a change.
    renderCompare(root, { ...before, method: 'plain', params: ['{1}'] }, { ...after, method: 'plain' });
    assert.match(root.querySelector('h1')!.textContent!, /^Before → after: same statement, other values: estimates 2\.80× lower$/);
    renderCompare(root, before, { ...after, method: 'generic-plan', params: undefined });
    assert.match(root.querySelector('h1')!.textContent!, /^Before → after: 2\.80× cheaper \(total cost 119\.39 → 42\.64\)$/);
  });

  it('a benchmark shows beside the plan, with the parameter values it used', () => {
    const { root } = dom();
    const plan = JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'index-scan.json'), 'utf8'))[0];
    const v = renderPlan(root, payload(plan, 'SELECT * FROM orders WHERE id = $1'), () => undefined);
    const run = { sql: 'SELECT * FROM orders WHERE id = $1', params: ['42', null], runs: 10, concurrency: 1, errors: 0, p50: 1, p95: 2, p99: 3, mean: 1.2, min: 0.5, max: 3, throughputPerSec: 800, at: 0 };
    v.showBenchmark(run);
    assert.ok(root.querySelector('.tree'), 'the plan stays');
    assert.match(root.querySelector('.bench-host')!.textContent!, /Parameters: \$1 = 42, \$2 = NULL/);
    assert.match(root.querySelector('.bench-host')!.textContent!, /p50/);
    assert.ok(parseToPlanWebview({ type: 'benchmark', run }));
    assert.equal(parseToPlanWebview({ type: 'benchmark', run: { ...run, params: [{}] } }), undefined);
  });

  it('a benchmark whose values returned no rows says so beside its timing (person9 P19: 100 runs of id > NULL reported a p50 without a word)', () => {
    const run = { sql: 'SELECT id, sku FROM products WHERE id > $1 ORDER BY id LIMIT $2', params: [null, null], runs: 100, concurrency: 1, errors: 0, p50: 0.234, p95: 0.3, p99: 0.4, mean: 0.24, min: 0.2, max: 0.5, throughputPerSec: 3000, at: 0, rowsPerRun: 0 };
    const sent = parseToPlanWebview({ type: 'benchmark', run });
    assert.ok(sent && sent.type === 'benchmark');
    const { root } = dom();
    renderBenchmark(root, sent.run);
    const note = root.querySelector('.no-rows')!.textContent!;
    assert.match(note, /^No run returned a row with these values: the timing is of a statement that found nothing/);
    assert.match(note, /\$1, \$2 are NULL, and a comparison with NULL is never true/);
    assert.match(root.textContent!, /Rows per run\s*0/);
    // Rows found: no note, the count shown.
    const found = dom();
    renderBenchmark(found.root, { ...run, params: ['7', '20'], rowsPerRun: 20 });
    assert.equal(found.root.querySelector('.no-rows'), null);
    assert.match(found.root.textContent!, /Rows per run\s*20/);
    assert.equal(parseToPlanWebview({ type: 'benchmark', run: { ...run, rowsPerRun: 'x' } }), undefined);
  });

  it("a benchmark's statement is laid out as the Query tab lays it out, not with the code's raw indentation (person29 L9)", async () => {
    const sql = 'SELECT id, email, name\n       FROM customers\n       WHERE lower(email) = lower($1)';
    const run = { sql, runs: 10, concurrency: 1, errors: 0, p50: 1, p95: 2, p99: 3, mean: 1.2, min: 0.5, max: 3, throughputPerSec: 800, at: 0 };
    const { root } = dom();
    renderBenchmark(root, run, undefined, async () => formatSql);
    await new Promise((r) => setImmediate(r));
    const pre = root.querySelector('pre.query')!;
    assert.equal(pre.textContent, formatSql(sql));
    assert.equal(pre.getAttribute('data-formatted'), 'true');
    assert.doesNotMatch(pre.textContent!, /\n {7}FROM/);
  });

  it('a benchmark that fails says so beside the plan, which stays (the error replaced the plan)', () => {
    const { root } = dom();
    const plan = JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'index-scan.json'), 'utf8'))[0];
    const v = renderPlan(root, payload(plan, 'SELECT * FROM orders WHERE id = $1'), () => undefined);
    v.showBenchmarkError('invalid input syntax for type bigint: "abc"');
    assert.ok(root.querySelector('.tree'), 'the plan stays');
    assert.match(root.querySelector('.bench-host')!.textContent!, /^Benchmark failed \(read-only, rolled back\)/);
    assert.equal(root.querySelector('.bench-host [role="alert"]')!.textContent, 'invalid input syntax for type bigint: "abc"');
    assert.deepEqual(parseToPlanWebview({ type: 'benchmarkError', message: 'x' }), { type: 'benchmarkError', message: 'x' });
    assert.equal(parseToPlanWebview({ type: 'benchmarkError', message: 1 }), undefined);
  });
  it("Suggest indexes' progress and its outcome show under the plan's buttons, the plan staying (person14 #1: nothing at all for 90 s)", () => {
    const { root } = dom();
    const plan = JSON.parse(fs.readFileSync(path.join(FIX, 'pg18', 'index-scan.json'), 'utf8'))[0];
    const v = renderPlan(root, payload(plan, 'SELECT * FROM orders WHERE id = $1'), () => undefined);
    const notice = root.querySelector('.notice') as HTMLElement;
    assert.ok(notice.hasAttribute('hidden'), 'nothing said before the button is used');
    v.showNotice('Suggest indexes: proving index candidates (3 statements weighed)…', true);
    assert.ok(!notice.hasAttribute('hidden'));
    assert.equal(notice.getAttribute('role'), 'status');
    assert.match(notice.className, /busy/);
    v.showNotice('No index advice: <b>not</b> analysed.', false);
    assert.equal(notice.textContent, 'No index advice: <b>not</b> analysed.', 'text, never markup');
    assert.doesNotMatch(notice.className, /busy/);
    assert.ok(root.querySelector('.tree'), 'the plan stays');
    assert.deepEqual(parseToPlanWebview({ type: 'notice', message: 'x', busy: false }), { type: 'notice', message: 'x', busy: false });
    assert.equal(parseToPlanWebview({ type: 'notice', message: 'x' }), undefined);
  });
});

describe('webview/plan: a node a LIMIT reads only in part says both totals, in the tree and the details (person40 L3)', () => {
  // ORDER BY placed_at DESC LIMIT 20 over an Index Scan of 32k orders: PostgreSQL prints the scan's whole total (2976.27);
  // the plan counts the share the LIMIT reads (297.89). The tree said "total 297.89", the details "Total cost 2976.27".
  const scan = { [K.NodeType]: 'Index Scan', [K.RelationName]: 'orders', [K.Alias]: 'o', [K.IndexName]: 'orders_placed_at_idx', [K.StartupCost]: 0.29, [K.TotalCost]: 2976.27, [K.PlanRows]: 32000, [K.ParentRelationship]: 'Outer' };
  const plan = { [K.Plan]: { [K.NodeType]: 'Limit', [K.StartupCost]: 0.29, [K.TotalCost]: 297.89, [K.PlanRows]: 3200, [K.Plans]: [scan] } };

  it('partlyCounted: the printed total, the counted share and the LIMIT; nothing for a node counted whole', () => {
    const p = analyzePlan(plan);
    const part = partlyCounted(p, p.nodes[1]);
    assert.ok(part);
    assert.equal(part.full, 2976.27);
    assert.ok(Math.abs(part.counted - 297.89) < 0.01, String(part.counted));
    assert.equal(part.under, 'under the LIMIT');
    assert.equal(partlyCounted(p, p.nodes[0]), undefined);
  });

  it('the tree row and the details agree and say which is which', () => {
    const { root } = dom();
    const v = renderPlan(root, payload(plan), () => undefined);
    v.show('tree');
    const row = Array.from(root.querySelectorAll('[role="treeitem"]')).find((r) => r.querySelector('.title')!.textContent!.startsWith('Index Scan'))! as HTMLElement;
    assert.match(row.querySelector('.figures')!.textContent!, /total 297\.89 of 2976\.27 under the LIMIT/);
    row.click();
    const details = root.querySelector('.details')!.textContent!;
    assert.match(details, /Total cost2976\.27 \(297\.89 of it counted under the LIMIT, as the tree says\)/, details);
  });
});
