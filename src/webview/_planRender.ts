/**
 * Rendering of the plan viewer. DOM APIs only: every string from the database (relation names,
 * filters, query text, settings) goes through text nodes — no innerHTML anywhere — so a table
 * named `<img src=x onerror=alert(1)>` shows literally and creates no element.
 * Large plans: deep subtrees start collapsed and children are rendered when a node is expanded
 * (at most CHILD_PAGE at a time), so a 10,000-node plan opens with a few hundred elements.
 */
import { analyzePlanWith, comparePlans, fmtBlocks, fmtCost, fmtSaving, fmtCount, fmtRowsTotal, fmtMs, fmtPct, misestimateLabel, nodeLabel, outsideNodesText, partlyCounted, planText, nodeRowsText, statementDoubt, timeMeasure, totalTimeText, writeRows, K, type Plan, type PlanNode } from '../core/plan';
import { compareBenchmarks, noRowsNote } from '../core/plan/benchmark';
import type { BenchmarkRunSummary, FromPlanWebview, PlanPayload } from '../shared/planProtocol';
import { countOf, times } from '../core/format';

export type Post = (m: FromPlanWebview) => void;
type Child = Node | string | undefined | null | false;

const CHILD_PAGE = 200;
const AUTO_EXPAND_DEPTH = 6;
const TABLE_LIMIT = 500;

function h(doc: Document, tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const e = doc.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    e.appendChild(typeof c === 'string' ? doc.createTextNode(c) : c);
  }
  return e;
}

/**
 * A node's label as text with a line-break opportunity after each underscore and dot: in a narrow pane an index name
 * breaks between its words ("orders_customer_id_placed_at_" / "desc_idx"), not at whatever letter the edge falls on
 * (person24 LOW 4: "orders_customer_id_placed" / "_at_desc_idx"). The text is unchanged (copy, search).
 */
function breakableName(doc: Document, text: string): Child[] {
  const out: Child[] = [];
  for (const piece of text.split(/(?<=[_.])(?=\w)/)) {
    if (out.length) out.push(h(doc, 'wbr'));
    out.push(piece);
  }
  return out;
}

function clear(e: HTMLElement): void {
  while (e.firstChild) e.removeChild(e.firstChild);
}

type PlanView = 'tree' | 'diagram' | 'table' | 'raw' | 'query';

export interface PlanViewer {
  readonly plan: Plan;
  /**
   * The index advice answered for the plan's statement (its proofs, its answer in `payload`): the tips and the node
   * details say it; the view, the node chosen and the nodes opened stay.
   */
  updateAdvice(payload: PlanPayload): void;
  /** Benchmark results beside the plan (the plan stays). */
  showBenchmark(run: BenchmarkRunSummary, previous?: BenchmarkRunSummary): void;
  /** A failed benchmark of the plan's statement, beside the plan. */
  showBenchmarkError(message: string): void;
  /** One line under the plan's buttons (Suggest indexes' progress while `busy`, then how it ended). */
  showNotice(message: string, busy: boolean): void;
  show(view: PlanView): void;
  select(id: number): void;
  expand(id: number, open?: boolean): void;
}

/** Lays SQL out for reading (whitespace only), or undefined when it cannot. */
export type SqlFormatter = (sql: string) => string | undefined;

export interface RenderOptions {
  /** Loads the SQL formatter on first use (the Query tab); undefined when it cannot be loaded. */
  loadSqlFormatter?: () => Promise<SqlFormatter | undefined>;
}

/**
 * A payload's plan analysed with everything it carries (table sizes, foreign keys, the proved indexes): one analysis,
 * so the viewer and Compare Plans give one tip with one saving for one plan (person10/11 N18: Compare's text read "see
 * "Suggest indexes". (could save ~16.4 ms)" where the viewer named "orders (status) (could save ~11.4 ms: cost 940 →
 * 289, proved)" — Compare analysed the plan without the proof its payload carried).
 */
function planOf(payload: PlanPayload): Plan {
  return analyzePlanWith(payload.plan, payload, payload, { withStatement: payload.method !== 'brought' });
}

/** The Tips list shows the first tips; a node's details refer to a listed tip and say an unlisted one in full. */
const TIPS_LISTED = 8;

/**
 * The node a plan opens on: the one that takes the largest share of the time itself (of the cost, without ANALYZE),
 * as pgMustard leads with the slowest operation — not the hot path's leaf, which may be a cheap scan under the node
 * the time goes to (person28 L8: a pasted plan opened on "Seq Scan on orders o" (12 %) under a Hash Join at 38 %).
 * Ties go to the deeper node on the hot path.
 */
function hottestNode(plan: Plan): number {
  const share = (id: number) => plan.nodes[id].metrics.timeShare ?? plan.nodes[id].metrics.costShare;
  let best = plan.hotPath[plan.hotPath.length - 1] ?? 0;
  if (!plan.nodes[best]) return 0;
  for (const n of plan.nodes) if (share(n.id) > share(best) + 1e-9) best = n.id;
  return best;
}

/** Render a plan (tree / table / raw / query views, summary, tips) into root. */
export function renderPlan(root: HTMLElement, payload: PlanPayload, post: Post, options: RenderOptions = {}): PlanViewer {
  const doc = root.ownerDocument;
  clear(root);
  let plan = planOf(payload);
  const expanded = new Set<number>();
  const shown = new Map<number, number>();
  // Open the hot path and shallow levels; everything deeper waits for a click.
  for (const id of plan.hotPath) if (plan.nodes[id].depth < 40) expanded.add(id);
  for (const n of plan.nodes) if (n.depth < AUTO_EXPAND_DEPTH && plan.nodes.length <= 2000) expanded.add(n.id);
  let view: PlanView = 'tree';
  let selected = hottestNode(plan);
  // Its row in view: the nodes above it open (down to the depth the hot path opens to).
  if ((plan.nodes[selected]?.depth ?? 0) < 40) for (let p = plan.nodes[selected]?.parent; p !== undefined && p >= 0 && !expanded.has(p); p = plan.nodes[p].parent) expanded.add(p);

  const header = h(doc, 'header', { class: 'summary' });
  header.appendChild(h(doc, 'h1', {}, payload.title));
  header.appendChild(summaryLine(doc, plan, payload));
  const actions = h(doc, 'div', { class: 'actions', role: 'toolbar', 'aria-label': 'Plan actions' });
  const button = (label: string, m: FromPlanWebview, title = label) => {
    const b = h(doc, 'button', { type: 'button', title }, label);
    b.addEventListener('click', () => post(m));
    actions.appendChild(b);
  };
  button('Copy JSON', { type: 'copy', format: 'json' });
  button('Copy text', { type: 'copy', format: 'text' });
  // A plan brought from elsewhere has no statement in an editor to run, benchmark or reveal.
  if (payload.method !== 'brought') {
    button('Explain Analyze', { type: 'explainAnalyze' }, 'Run it for real inside a transaction that is rolled back');
    button('Benchmark', { type: 'benchmark' });
    button('Suggest indexes', { type: 'suggestIndexes' });
    button('Show SQL', { type: 'revealSql' }, 'Reveal the statement in the editor');
  }
  header.appendChild(actions);
  const notice = h(doc, 'p', { class: 'notice', role: 'status', 'aria-live': 'polite', hidden: 'hidden' });
  header.appendChild(notice);
  root.appendChild(header);

  // The tips, made again when the index advice answers (updateAdvice): in their place, a comment when there are none.
  const tipsOf = (): ChildNode => {
    if (!plan.tips.length) return doc.createComment('no tips');
    const tips = h(doc, 'section', { class: 'tips', 'aria-label': 'Tips ranked by what they could save' }, h(doc, 'h2', {}, 'Tips'));
    const ol = h(doc, 'ol');
    for (const t of plan.tips.slice(0, TIPS_LISTED)) {
      const li = h(doc, 'li', { class: `grade-${t.grade}` }, t.text, ' ', h(doc, 'span', { class: 'saving' }, `(${fmtSaving(t)})`));
      li.addEventListener('click', () => viewer.select(t.nodeId));
      ol.appendChild(li);
    }
    tips.appendChild(ol);
    return tips;
  };
  let tipsShown = tipsOf();
  root.appendChild(tipsShown);

  const bench = h(doc, 'section', { class: 'bench-host', 'aria-label': 'Benchmark', 'aria-live': 'polite' });
  root.appendChild(bench);
  const tabs = h(doc, 'div', { class: 'tabs', role: 'tablist' });
  const body = h(doc, 'div', { class: 'body' });
  const main = h(doc, 'div', { class: 'view', role: 'tabpanel' });
  const details = h(doc, 'aside', { class: 'details', 'aria-label': 'Node details' });
  body.append(main, details);
  const views: PlanView[] = ['tree', 'diagram', 'table', 'raw', 'query'];
  const tabButtons = new Map<PlanView, HTMLElement>();
  for (const v of views) {
    const b = h(doc, 'button', { type: 'button', role: 'tab', 'aria-selected': String(v === view), 'data-view': v }, v[0].toUpperCase() + v.slice(1));
    b.addEventListener('click', () => viewer.show(v));
    tabButtons.set(v, b);
    tabs.appendChild(b);
  }
  root.append(tabs, body);

  const draw = () => {
    clear(main);
    for (const [v, b] of tabButtons) b.setAttribute('aria-selected', String(v === view));
    if (view === 'tree') main.appendChild(renderTree(doc, plan, expanded, selected, (id) => viewer.select(id), (id, open) => viewer.expand(id, open), shown));
    if (view === 'diagram') main.appendChild(renderDiagram(doc, plan, selected, (id) => viewer.select(id)));
    if (view === 'table') main.appendChild(renderTable(doc, plan, (id) => viewer.select(id)));
    if (view === 'raw') {
      main.appendChild(h(doc, 'h2', {}, 'Plan (PG Lens text)'));
      main.appendChild(h(doc, 'pre', { class: 'raw' }, planText(plan)));
      main.appendChild(h(doc, 'h2', {}, 'EXPLAIN JSON (as the server returned it)'));
      main.appendChild(h(doc, 'pre', { class: 'raw' }, JSON.stringify([payload.plan], null, 2)));
    }
    if (view === 'query') main.appendChild(renderQuery(doc, payload.sql, options.loadSqlFormatter));
    clear(details);
    details.appendChild(renderDetails(doc, plan, plan.nodes[selected]));
  };

  const viewer: PlanViewer = {
    get plan() {
      return plan;
    },
    updateAdvice(next) {
      // The same EXPLAIN: the same nodes, so the node chosen and those opened stay.
      plan = planOf(next);
      const tips = tipsOf();
      tipsShown.replaceWith(tips);
      tipsShown = tips;
      draw();
    },
    showBenchmark(run, previous) {
      renderBenchmark(bench, run, previous, options.loadSqlFormatter);
      bench.scrollIntoView?.({ block: 'nearest' });
    },
    showBenchmarkError(message) {
      clear(bench);
      bench.append(h(doc, 'h2', {}, 'Benchmark failed (read-only, rolled back)'), h(doc, 'p', { class: 'error', role: 'alert' }, message));
      bench.scrollIntoView?.({ block: 'nearest' });
    },
    showNotice(message, busy) {
      notice.removeAttribute('hidden');
      notice.className = busy ? 'notice busy' : 'notice';
      notice.textContent = message;
    },
    show(v) {
      view = v;
      draw();
    },
    select(id) {
      if (!plan.nodes[id]) return;
      selected = id;
      // make it visible: open its ancestors
      for (let p = plan.nodes[id].parent; p >= 0; p = plan.nodes[p].parent) expanded.add(p);
      draw();
      (main.querySelector(`[data-node="${id}"]`) as HTMLElement | null)?.focus();
    },
    expand(id, open) {
      const isOpen = expanded.has(id);
      if (open ?? !isOpen) expanded.add(id);
      else expanded.delete(id);
      draw();
      (main.querySelector(`[data-node="${id}"]`) as HTMLElement | null)?.focus();
    },
  };
  draw();
  return viewer;
}

function summaryLine(doc: Document, plan: Plan, payload: PlanPayload): HTMLElement {
  const parts: Child[] = [];
  const item = (label: string, value: string) => h(doc, 'span', { class: 'kv' }, h(doc, 'span', { class: 'k' }, label), ' ', h(doc, 'span', { class: 'v' }, value));
  if (plan.analyzed) parts.push(item('Execution', fmtMs(plan.executionMs)));
  if (plan.planningMs !== undefined) parts.push(item('Planning', fmtMs(plan.planningMs)));
  // A write (ModifyTable without RETURNING returns none): the rows it writes, as the hover says them (person45 L2: "Rows (est.) 0").
  const writes = writeRows(plan);
  parts.push(item('Total cost', fmtCost(plan.totalCost)), writes ? item(`Rows to ${writes.verb} (est.)`, `~${fmtCount(writes.rows)}`) : item('Rows (est.)', fmtCount(plan.estRows)), item('Nodes', String(plan.nodes.length)));
  if (payload.method === 'generic-plan' || payload.method === 'prepare-generic') parts.push(h(doc, 'span', { class: 'note' }, 'Generic plan: parameter values unknown'));
  if (!plan.analyzed) parts.push(h(doc, 'span', { class: 'note' }, 'Estimates only (no ANALYZE)'));
  const outside = outsideNodesText(plan);
  if (outside) parts.push(item('Outside the nodes', outside));
  if (plan.jit) parts.push(item('JIT', `${plan.jit.functions} functions, ${fmtMs(plan.jit.totalMs)}`));
  for (const t of plan.triggers) parts.push(item(`Trigger ${t.constraint ? `for constraint ${t.constraint}` : t.name}${t.relation ? ` on ${t.relation}` : ''}`, `${fmtMs(t.timeMs)}, ${countOf(t.calls, 'call', fmtCount)}`));
  const planning = plan.source[K.Planning] as Record<string, unknown> | undefined;
  if (planning && typeof planning['Memory Used'] === 'number') parts.push(item('Planning memory', `${fmtCount(planning['Memory Used'] as number)} kB used, ${fmtCount(planning['Memory Allocated'] as number)} kB allocated`));
  if (plan.queryText && !payload.sql) parts.push(item('Query', plan.queryText.replace(/\s+/g, ' ').slice(0, 200)));
  const settings = Object.entries(plan.settings);
  if (settings.length) parts.push(item('Settings', settings.map(([k, v]) => `${k}=${v}`).join(', ')));
  if (plan.queryId) parts.push(item('Query id', plan.queryId));
  // A plan brought from a file or the clipboard was made elsewhere: the connection only lent its catalog (table sizes, foreign keys).
  if (payload.connection) parts.push(item(payload.method === 'brought' ? 'Catalog facts from' : 'Connection', payload.connection));
  return h(doc, 'div', { class: 'facts' }, ...parts);
}

function bar(doc: Document, share: number | undefined): HTMLElement {
  const pct = Math.max(0, Math.min(100, (share ?? 0) * 100));
  const outer = h(doc, 'span', { class: 'bar', 'aria-hidden': 'true' });
  const inner = h(doc, 'span', { class: 'fill' });
  inner.style.width = `${pct.toFixed(1)}%`;
  outer.appendChild(inner);
  return outer;
}

/** The tree's total cost: the counted figure, with the printed one when a LIMIT counts only part of it (partlyCounted). */
function totalCostText(plan: Plan, n: PlanNode): string {
  const part = partlyCounted(plan, n);
  return part ? `${fmtCost(part.counted)} of ${fmtCost(part.full)} ${part.under}` : fmtCost(n.metrics.inclusiveCost);
}

function nodeRow(doc: Document, plan: Plan, n: PlanNode, isOpen: boolean, isSelected: boolean): HTMLElement {
  const m = n.metrics;
  const worst = n.warnings.reduce((g, w) => Math.max(g, w.grade), 0);
  const share = plan.analyzed ? m.timeShare : m.costShare;
  const rel = n.raw[K.SubplanName] ? h(doc, 'span', { class: 'subplan' }, String(n.raw[K.SubplanName])) : n.raw[K.ParentRelationship] && n.raw[K.ParentRelationship] !== 'Outer' ? h(doc, 'span', { class: 'rel' }, String(n.raw[K.ParentRelationship])) : undefined;
  // Each figure says which it is, self (the node alone, its share of the plan) or total (with its children), as pev2's
  // "Cost: 0 (Total: 934)": a root Limit read "cost 0.00 (0.0%)" under a header of "Total cost 934.05" (person37 L9).
  // Rows and times in the diagram's measure, each saying it (person47 L7: "5192 of 7834 est. · × 3 loops" here, "16k of
  // 24k est." on the card): rows over all loops, times over all loops or a parallel node's wall clock (timeMeasure).
  const measure = plan.analyzed ? timeMeasure(m) : undefined;
  const figures = plan.analyzed
    ? [`self ${fmtMs(m.exclusiveMs)} (${fmtPct(m.timeShare)})`, m.inclusiveMs !== undefined ? `total ${fmtMs(m.inclusiveMs)}${measure ? ` (${measure})` : ''}` : '', `rows ${nodeRowsText(m, true)}${m.misestimate && m.misestimate >= 10 && misestimateLabel(m)?.short ? ` ${misestimateLabel(m)?.short}` : ''}`, m.neverExecuted ? 'never executed' : '']
    : [`self cost ${fmtCost(m.exclusiveCost)} (${fmtPct(m.costShare)})`, `total ${totalCostText(plan, n)}`, nodeRowsText(m, false)];
  const figuresTitle = plan.analyzed
    ? 'self: the time this node took without its children, and its share of the execution; total: with its children (both over all its loops; a node parallel processes share: its wall clock, the slowest process when PostgreSQL gives per-worker figures); rows: over all its loops, PostgreSQL\'s per-loop rows × loops'
    : 'self cost: this node\'s own estimate without its children, and its share of the plan\'s; total: with its children (both over all the loops the plan expects; the node details give the per-loop cost PostgreSQL prints)';
  const row = h(doc, 'div', {
    class: `node${m.onHotPath ? ' hot' : ''}${worst ? ` grade-${worst}` : ''}${isSelected ? ' selected' : ''}`,
    role: 'treeitem',
    tabindex: isSelected ? '0' : '-1',
    'data-node': String(n.id),
    'aria-level': String(n.depth + 1),
    'aria-selected': String(isSelected),
    ...(n.children.length ? { 'aria-expanded': String(isOpen) } : {}),
  },
  h(doc, 'span', { class: 'twisty', 'aria-hidden': 'true' }, n.children.length ? (isOpen ? '▾' : '▸') : '·'),
  rel,
  h(doc, 'span', { class: 'title' }, m.title),
  m.detail ? h(doc, 'span', { class: 'detail' }, ` ${m.detail}`) : undefined,
  bar(doc, share),
  h(doc, 'span', { class: 'figures', title: figuresTitle }, figures.filter(Boolean).join(' · ')),
  ...n.warnings.filter((w) => w.kind !== 'time-share').map((w) => h(doc, 'span', { class: `warn grade-${w.grade}`, title: w.message }, w.kind)),
  conditions(doc, n));
  return row;
}

/** The conditions that say what a node does, shown under its name (join, index, filter). */
const CONDITION_KEYS: [string, string][] = [
  [K.HashCond, 'Hash Cond'], [K.MergeCond, 'Merge Cond'], [K.JoinFilter, 'Join Filter'], [K.IndexCond, 'Index Cond'],
  [K.RecheckCond, 'Recheck Cond'], [K.Filter, 'Filter'], [K.OneTimeFilter, 'One-Time Filter'], [K.CacheKey, 'Cache Key'],
  [K.SortKey, 'Sort Key'], [K.GroupKey, 'Group Key'],
];

function conditions(doc: Document, n: PlanNode): HTMLElement | undefined {
  const parts: HTMLElement[] = [];
  for (const [k, label] of CONDITION_KEYS) {
    const v = n.raw[k];
    if (v === undefined) continue;
    parts.push(h(doc, 'span', { class: 'cond' }, h(doc, 'span', { class: 'k' }, `${label}: `), Array.isArray(v) ? v.join(', ') : String(v)));
    if (parts.length === 2) break;
  }
  return parts.length ? h(doc, 'span', { class: 'conds' }, ...parts) : undefined;
}

/** The tree: only expanded subtrees are rendered, children in pages of CHILD_PAGE. */
function renderTree(doc: Document, plan: Plan, expanded: Set<number>, selected: number, onSelect: (id: number) => void, onToggle: (id: number, open?: boolean) => void, shownChildren = new Map<number, number>()): HTMLElement {
  const tree = h(doc, 'div', { class: 'tree', role: 'tree', 'aria-label': 'Plan nodes' });
  // Iterative pre-order over the visible part; a "more" entry is drawn after a node's children.
  const stack: ({ id: number } | { more: HTMLElement })[] = [{ id: 0 }];
  const rows: HTMLElement[] = [];
  while (stack.length) {
    const top = stack.pop()!;
    if ('more' in top) {
      tree.appendChild(top.more);
      continue;
    }
    const n = plan.nodes[top.id];
    const open = expanded.has(n.id);
    const row = nodeRow(doc, plan, n, open, n.id === selected);
    row.style.paddingLeft = `${Math.min(n.depth, 60) * 14 + 4}px`;
    tree.appendChild(row);
    rows.push(row);
    if (open && n.children.length) {
      const limit = shownChildren.get(n.id) ?? CHILD_PAGE;
      if (n.children.length > limit) {
        const more = h(doc, 'button', { type: 'button', class: 'more' }, `${n.children.length - limit} more children…`);
        more.style.marginLeft = `${Math.min(n.depth + 1, 60) * 14 + 4}px`;
        more.addEventListener('click', () => {
          shownChildren.set(n.id, limit + CHILD_PAGE);
          onToggle(n.id, true);
        });
        stack.push({ more });
      }
      const kids = n.children.slice(0, limit);
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ id: kids[i] });
    }
  }
  tree.addEventListener('click', (e) => {
    const row = (e.target as HTMLElement).closest('[data-node]') as HTMLElement | null;
    if (!row) return;
    const id = Number(row.dataset.node);
    if ((e.target as HTMLElement).classList.contains('twisty')) onToggle(id);
    else onSelect(id);
  });
  tree.addEventListener('keydown', (e) => {
    const row = (e.target as HTMLElement).closest('[data-node]') as HTMLElement | null;
    if (!row) return;
    const id = Number(row.dataset.node);
    const i = rows.indexOf(row);
    const focus = (r: HTMLElement | undefined) => {
      if (!r) return;
      row.setAttribute('tabindex', '-1');
      r.setAttribute('tabindex', '0');
      r.focus();
    };
    switch (e.key) {
      case 'ArrowDown':
        focus(rows[i + 1]);
        break;
      case 'ArrowUp':
        focus(rows[i - 1]);
        break;
      case 'ArrowRight':
        if (plan.nodes[id].children.length) onToggle(id, true);
        break;
      case 'ArrowLeft':
        if (expanded.has(id)) onToggle(id, false);
        else if (plan.nodes[id].parent >= 0) onSelect(plan.nodes[id].parent);
        break;
      case 'Enter':
      case ' ':
        onSelect(id);
        break;
      case 'Home':
        focus(rows[0]);
        break;
      case 'End':
        focus(rows[rows.length - 1]);
        break;
      default:
        return;
    }
    e.preventDefault();
  });
  return tree;
}

const DIAGRAM_LIMIT = 400;

/**
 * The plan as a diagram: one card per node, children below their parent, each card with bars for
 * its share of time, rows, cost and buffers (relative to the plan's largest), the hot path marked.
 */
function renderDiagram(doc: Document, plan: Plan, selected: number, onSelect: (id: number) => void): HTMLElement {
  const wrap = h(doc, 'div', { class: 'diagram', role: 'group', 'aria-label': 'Plan diagram' });
  const maxOf = (f: (n: PlanNode) => number) => Math.max(1e-9, ...plan.nodes.map(f));
  const rowsOf = (n: PlanNode) => n.metrics.actualRowsTotal ?? n.metrics.estRows * n.metrics.estLoops;
  const bufOf = (n: PlanNode) => (n.metrics.exclusiveBuffers ? n.metrics.exclusiveBuffers.sharedHit + n.metrics.exclusiveBuffers.sharedRead + n.metrics.exclusiveBuffers.tempRead + n.metrics.exclusiveBuffers.tempWritten : 0);
  const maxRows = maxOf(rowsOf);
  const maxBuf = maxOf(bufOf);
  let drawn = 0;
  const card = (n: PlanNode, depth: number, parent: PlanNode | undefined): HTMLElement => {
    const m = n.metrics;
    const worst = n.warnings.reduce((g, w) => Math.max(g, w.grade), 0);
    // A figure and its share are each one unbreakable piece: a narrow pane broke "554.00 (100%" ⏎ ")"; lines break between them.
    // Whole pieces: a figure, its share "(24%)", and "of 280k est." — a narrow card breaks between them, never inside.
    // "in all 3 loops" and "(slowest of 3 processes)" are pieces too (person47 L7), never cut before their number.
    const pieces = (text: string) => text.split(/\s(?=\(|of\s(?!\d+ processes)|in all\s)/).flatMap((p, i) => [i ? ' ' : undefined, h(doc, 'span', { class: 'nb' }, p)]);
    const meter = (label: string, share: number, text: string) =>
      h(doc, 'div', { class: 'meter' }, h(doc, 'span', { class: 'k' }, label), bar(doc, share), h(doc, 'span', { class: 'v' }, ...pieces(text)));
    // Its depth and parent on the card (person16 LOW 7): a narrow pane stacks the cards, indented under their parent with a connector.
    const c = h(doc, 'div', { class: `card${m.onHotPath ? ' hot' : ''}${worst ? ` grade-${worst}` : ''}${n.id === selected ? ' selected' : ''}`, tabindex: '0', 'data-node': String(n.id), 'data-depth': String(depth), ...(parent ? { 'data-parent': String(parent.id) } : {}) },
      n.raw[K.SubplanName] ? h(doc, 'div', { class: 'subplan' }, String(n.raw[K.SubplanName])) : undefined,
      h(doc, 'div', { class: 'title' }, m.title),
      m.detail ? h(doc, 'div', { class: 'detail' }, m.detail) : undefined,
      conditions(doc, n),
      plan.analyzed ? meter('self time', m.timeShare ?? 0, `${fmtMs(m.exclusiveMs)} (${fmtPct(m.timeShare)})${m.inclusiveMs !== undefined ? ` of ${fmtMs(m.inclusiveMs)} total${timeMeasure(m) ? ` (${timeMeasure(m)})` : ''}` : ''}`) : undefined,
      meter('rows', rowsOf(n) / maxRows, nodeRowsText(m, plan.analyzed)),
      meter('self cost', m.costShare, `${fmtCost(m.exclusiveCost)} (${fmtPct(m.costShare)}) of ${fmtCost(m.inclusiveCost)} total`),
      m.exclusiveBuffers ? meter('buffers', bufOf(n) / maxBuf, `${fmtCount(bufOf(n))}`) : undefined);
    c.addEventListener('click', () => onSelect(n.id));
    c.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onSelect(n.id);
      }
    });
    return c;
  };
  // Iterative: each branch is a <div class="branch"> holding the card and a row of child branches (a column, indented
  // with connectors, in a narrow pane: media/plan.css).
  const rootBranch = h(doc, 'div', { class: 'branch' });
  const stack: { n: PlanNode; into: HTMLElement; depth: number; parent?: PlanNode }[] = [{ n: plan.nodes[0], into: rootBranch, depth: 0 }];
  while (stack.length) {
    const { n, into, depth, parent } = stack.pop()!;
    if (drawn++ >= DIAGRAM_LIMIT) {
      into.appendChild(h(doc, 'p', { class: 'note' }, 'More nodes: see the Tree or Table view.'));
      continue;
    }
    into.appendChild(card(n, depth, parent));
    if (!n.children.length) continue;
    const kids = h(doc, 'div', { class: 'children' });
    into.appendChild(kids);
    for (let i = n.children.length - 1; i >= 0; i--) {
      const b = h(doc, 'div', { class: 'branch' });
      kids.insertBefore(b, kids.firstChild);
      stack.push({ n: plan.nodes[n.children[i]], into: b, depth: depth + 1, parent: n });
    }
  }
  wrap.appendChild(rootBranch);
  return wrap;
}

type SortKey = 'id' | 'node' | 'excl' | 'incl' | 'rows' | 'mis' | 'loops' | 'cost' | 'hit' | 'read';

/** Per-node exclusive figures, sortable by any column (click or Enter on a header). */
export function renderTable(doc: Document, plan: Plan, onSelect: (id: number) => void, initial: { key: SortKey; dir: 1 | -1 } = { key: plan.analyzed ? 'excl' : 'cost', dir: -1 }): HTMLElement {
  const wrap = h(doc, 'div', { class: 'table-wrap' });
  let sort = initial;
  const value = (n: PlanNode, k: SortKey): number | string => {
    const m = n.metrics;
    switch (k) {
      case 'id': return n.id;
      case 'node': return nodeLabel(n);
      case 'excl': return m.exclusiveMs ?? -1;
      case 'incl': return m.inclusiveMs ?? -1;
      case 'rows': return m.actualRowsTotal ?? m.estRows;
      case 'mis': return m.misestimate ?? 0;
      case 'loops': return m.loops;
      case 'cost': return m.exclusiveCost;
      case 'hit': return m.exclusiveBuffers?.sharedHit ?? -1;
      case 'read': return m.exclusiveBuffers?.sharedRead ?? -1;
    }
  };
  // An estimates-only plan (EXPLAIN without ANALYZE) has no times, misestimates or loops, and buffers only with BUFFERS:
  // columns of nothing but "–" are left out (they led the table and pushed its only figures, the costs, off to the right).
  const buffers = plan.nodes.some((n) => n.metrics.exclusiveBuffers);
  const all: [SortKey, string, (n: PlanNode) => string, boolean][] = [
    ['id', '#', (n) => String(n.id), true],
    ['node', 'Node', (n) => nodeLabel(n), true],
    ['excl', 'Self time', (n) => fmtMs(n.metrics.exclusiveMs), plan.analyzed],
    ['incl', 'Total time', (n) => fmtMs(n.metrics.inclusiveMs), plan.analyzed],
    // Rows in the tree's and the diagram's measure: over all loops (nodeRowsText).
    ['rows', plan.analyzed ? 'Rows' : 'Rows est.', (n) => (plan.analyzed ? `${fmtRowsTotal(n.metrics.actualRowsTotal)} / ${fmtRowsTotal(n.metrics.estRows * Math.max(1, n.metrics.loops))}` : fmtRowsTotal(n.metrics.estRows * Math.max(1, n.metrics.estLoops))), true],
    ['mis', 'Misestimate', (n) => misestimateLabel(n.metrics)?.short || '–', plan.analyzed],
    ['loops', 'Loops', (n) => fmtCount(n.metrics.loops), plan.analyzed],
    ['cost', 'Self cost', (n) => fmtCost(n.metrics.exclusiveCost), true],
    ['hit', 'Shared hit', (n) => fmtCount(n.metrics.exclusiveBuffers?.sharedHit), buffers],
    ['read', 'Shared read', (n) => fmtCount(n.metrics.exclusiveBuffers?.sharedRead), buffers],
  ];
  const cols = all.filter((c) => c[3]);
  const draw = () => {
    clear(wrap);
    const table = h(doc, 'table', { class: 'nodes' });
    const tr = h(doc, 'tr');
    for (const [k, label] of cols) {
      const th = h(doc, 'th', { scope: 'col', tabindex: '0', 'data-sort': k, 'aria-sort': sort.key === k ? (sort.dir < 0 ? 'descending' : 'ascending') : 'none' }, label);
      const go = () => {
        sort = { key: k, dir: sort.key === k ? (-sort.dir as 1 | -1) : k === 'node' || k === 'id' ? 1 : -1 };
        draw();
        (wrap.querySelector(`th[data-sort="${k}"]`) as HTMLElement | null)?.focus();
      };
      th.addEventListener('click', go);
      th.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          go();
        }
      });
      tr.appendChild(th);
    }
    table.appendChild(h(doc, 'thead', {}, tr));
    const sorted = [...plan.nodes].sort((a, b) => {
      const x = value(a, sort.key);
      const y = value(b, sort.key);
      return (typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number)) * sort.dir;
    });
    const tbody = h(doc, 'tbody');
    for (const n of sorted.slice(0, TABLE_LIMIT)) {
      const row = h(doc, 'tr', { tabindex: '0', 'data-node': String(n.id), class: n.metrics.onHotPath ? 'hot' : '' },
        ...cols.map(([k, , cell]) => h(doc, 'td', k === 'id' || k === 'node' ? {} : { class: 'num' }, cell(n))));
      row.addEventListener('click', () => onSelect(n.id));
      row.addEventListener('keydown', (e) => e.key === 'Enter' && onSelect(n.id));
      tbody.appendChild(row);
    }
    table.appendChild(tbody);
    wrap.appendChild(table);
    if (sorted.length > TABLE_LIMIT) wrap.appendChild(h(doc, 'p', { class: 'note' }, `Showing the first ${TABLE_LIMIT} of ${sorted.length} nodes in this order.`));
  };
  draw();
  return wrap;
}

/** Everything about one node: our figures, warnings, then PostgreSQL's own keys verbatim. */
function renderDetails(doc: Document, plan: Plan, n: PlanNode | undefined): HTMLElement {
  const box = h(doc, 'div', { class: 'node-details' });
  if (!n) return box;
  const m = n.metrics;
  box.appendChild(h(doc, 'h2', {}, nodeLabel(n)));
  const dl = h(doc, 'dl');
  const add = (k: string, v: string | undefined) => {
    if (v === undefined || v === '–') return;
    dl.append(h(doc, 'dt', {}, k), h(doc, 'dd', {}, v));
  };
  if (plan.analyzed) {
    // Each figure says its measure, the tree's and the diagram's, and PostgreSQL's per-loop figure beside it (person47 L7:
    // "Total time 360 ms" beside "Actual Total Time 319.109", the slowest process not said).
    const measure = timeMeasure(m);
    add('Self time', `${fmtMs(m.exclusiveMs)} (${fmtPct(m.timeShare)})${measure ? `, ${measure}` : ''}`);
    add('Total time', totalTimeText(m, typeof n.raw[K.ActualTotalTime] === 'number' ? (n.raw[K.ActualTotalTime] as number) : undefined));
    add('Rows', m.loops > 1
      ? `${fmtRowsTotal(m.actualRowsTotal)} in all ${fmtCount(m.loops)} loops, ${fmtCount(m.actualRows)} per loop (planned ${fmtRowsTotal(m.estRows * m.loops)} in all, ${fmtCount(m.estRows)} per loop)`
      : `${fmtRowsTotal(m.actualRowsTotal)} (planned ${fmtCount(m.estRows)})`);
    add('Misestimate', misestimateLabel(m)?.long);
    add('Loops', fmtCount(m.loops));
    if (m.rowsRemoved !== undefined) add('Removed by filter', `${fmtCount(m.rowsRemoved)} (${fmtPct(m.removedShare)})`);
  } else {
    add('Rows (est.)', m.estLoops > 1 ? `${fmtCount(m.estRows)} per loop, ${fmtRowsTotal(m.estRows * m.estLoops)} over ~${fmtCount(m.estLoops)} planned loops` : fmtCount(m.estRows));
  }
  if (m.parallel) add('Parallel', `${m.processes} processes share this node`);
  // PostgreSQL's Total Cost is per loop; the self cost (and its share) counts every loop the plan expects: a node run
  // 165 times read "Self cost 1069.28 (46%)" over "Total cost 6.52" (person23 LOW 2). Both say which they are.
  const perLoop = n.raw[K.TotalCost] as number;
  const allLoops = m.inclusiveCost > perLoop * 1.01 && m.estLoops > 1;
  add(allLoops ? 'Self cost (all loops)' : 'Self cost', `${fmtCost(m.exclusiveCost)} (${fmtPct(m.costShare)})`);
  const part = partlyCounted(plan, n);
  add('Total cost', allLoops ? `${fmtCost(perLoop)} per loop, ${fmtCost(m.inclusiveCost)} over ${fmtCount(m.estLoops)} loops` : part ? `${fmtCost(perLoop)} (${fmtCost(part.counted)} of it counted ${part.under}, as the tree says)` : fmtCost(perLoop));
  const b = m.exclusiveBuffers;
  if (b) {
    add('Shared (self)', `hit ${fmtBlocks(b.sharedHit)}, read ${fmtBlocks(b.sharedRead)}, dirtied ${fmtCount(b.sharedDirtied)}, written ${fmtCount(b.sharedWritten)}`);
    if (b.localHit + b.localRead + b.localDirtied + b.localWritten) add('Local (self)', `hit ${fmtCount(b.localHit)}, read ${fmtCount(b.localRead)}, dirtied ${fmtCount(b.localDirtied)}, written ${fmtCount(b.localWritten)}`);
    if (b.tempRead + b.tempWritten) add('Temp (self)', `read ${fmtBlocks(b.tempRead)}, written ${fmtBlocks(b.tempWritten)}`);
  }
  if (m.exclusiveIo) add('I/O time (self)', `read ${fmtMs(m.exclusiveIo.readMs)}, write ${fmtMs(m.exclusiveIo.writeMs)}`);
  const r = n.raw;
  const nm = (k: string) => (typeof r[k] === 'number' ? (r[k] as number) : undefined);
  const hits = nm(K.CacheHits);
  const misses = nm(K.CacheMisses);
  if (hits !== undefined && misses !== undefined) add('Memoize', `${fmtPct(hits / Math.max(1, hits + misses))} hits (${fmtCount(hits)} hits, ${fmtCount(misses)} misses, ${fmtCount(nm(K.CacheEvictions))} evictions${nm(K.PeakMemoryUsage) !== undefined ? `, ${fmtCount(nm(K.PeakMemoryUsage))} kB` : ''})`);
  if (nm(K.HashBatches) !== undefined) add('Hash', `${fmtCount(nm(K.HashBatches))} batches${nm(K.OriginalHashBatches) !== nm(K.HashBatches) ? ` (planned ${fmtCount(nm(K.OriginalHashBatches))})` : ''}, ${fmtCount(nm(K.HashBuckets))} buckets, ${fmtCount(nm(K.PeakMemoryUsage))} kB`);
  if (nm('Planned Partitions') !== undefined || nm(K.DiskUsage) !== undefined) add('Hash aggregate', `${fmtCount(nm('Planned Partitions'))} planned partitions, ${fmtCount(nm(K.HashAggBatches))} batches, ${fmtCount(nm(K.DiskUsage))} kB on disk`);
  if (nm(K.WalRecords) !== undefined) add('WAL', `${fmtCount(nm(K.WalRecords))} records, ${fmtCount(nm(K.WalFpi))} full pages, ${fmtCount(nm(K.WalBytes))} bytes`);
  if (nm(K.IndexSearches) !== undefined) add('Index searches', fmtCount(nm(K.IndexSearches)));
  if (r[K.Disabled] === true) add('Disabled', 'yes: the planner used this node although its kind was disabled (enable_* = off)');
  for (const g of ['Full-sort Groups', 'Pre-sorted Groups']) {
    const v = r[g] as Record<string, unknown> | undefined;
    if (v && typeof v === 'object') add(g, `${fmtCount(v['Group Count'] as number)} groups, peak ${fmtCount(v['Peak Sort Space Used'] as number)} kB`);
  }
  box.appendChild(dl);
  const workers = Array.isArray(r[K.Workers]) ? (r[K.Workers] as Record<string, unknown>[]) : [];
  if (workers.length) {
    const cols = [...new Set(workers.flatMap((w) => Object.keys(w)))].filter((k) => k !== K.WorkerNumber);
    const wt = h(doc, 'table', { class: 'nodes workers' }, h(doc, 'thead', {}, h(doc, 'tr', {}, h(doc, 'th', { scope: 'col' }, 'Worker'), ...cols.map((c) => h(doc, 'th', { scope: 'col' }, c)))));
    const tb = h(doc, 'tbody');
    for (const w of workers) tb.appendChild(h(doc, 'tr', {}, h(doc, 'td', {}, String(w[K.WorkerNumber] ?? '')), ...cols.map((c) => h(doc, 'td', { class: 'num' }, w[c] === undefined ? '' : rawValueText(w[c])))));
    wt.appendChild(tb);
    box.append(h(doc, 'h3', {}, 'Per worker'), h(doc, 'div', { class: 'table-wrap' }, wt));
  }
  // One place says a tip in full (person20 LOW 4: the Tips list, the node's bullet and a red box said the same words):
  // a tip in the Tips list is referred to by its number; one beyond it is said here, in place of the bullet it restates.
  const tips = plan.tips.map((t, i) => ({ t, number: i + 1 })).filter(({ t }) => t.nodeId === n.id);
  const listed = tips.filter(({ number }) => number <= TIPS_LISTED);
  const unlisted = tips.filter(({ number }) => number > TIPS_LISTED);
  const warnings = n.warnings.filter((w) => !unlisted.some(({ t }) => t.kind === w.kind));
  const refers = (kind: string) => listed.find(({ t }) => t.kind === kind);
  if (warnings.length) {
    const ul = h(doc, 'ul', { class: 'warnings' });
    for (const w of warnings) {
      const tip = refers(w.kind);
      ul.appendChild(h(doc, 'li', { class: `grade-${w.grade}` }, w.message, ...(tip ? [' ', h(doc, 'span', { class: 'tip-ref' }, `What to do: tip ${tip.number} above.`)] : [])));
    }
    box.appendChild(ul);
  }
  for (const { t, number } of listed) {
    if (!warnings.some((w) => w.kind === t.kind)) box.appendChild(h(doc, 'p', { class: 'tip-ref' }, `Tip ${number} above is about this node.`));
  }
  for (const { t } of unlisted) box.appendChild(h(doc, 'p', { class: `tip grade-${t.grade}` }, t.text));
  // PostgreSQL's own keys, as it wrote them (sort/hash details, conditions, output, workers …).
  const raw = h(doc, 'table', { class: 'raw-keys' });
  for (const [k, v] of Object.entries(n.raw)) {
    if (k === K.Plans) continue;
    raw.appendChild(h(doc, 'tr', {}, h(doc, 'th', { scope: 'row' }, k), rawValueCell(doc, v)));
  }
  box.appendChild(h(doc, 'h3', {}, 'PostgreSQL'));
  box.appendChild(raw);
  return box;
}

/** The same plan: the same nodes in the same order, on the same relations and indexes. */
function samePlanShape(a: Plan, b: Plan): boolean {
  const shape = (p: Plan) => p.nodes.map((n) => `${n.depth}:${String(n.raw[K.NodeType])}:${String(n.raw[K.RelationName] ?? '')}:${String(n.raw[K.IndexName] ?? '')}`).join('|');
  return shape(a) === shape(b);
}

/** Two plans side by side with per-node differences. */
export function renderCompare(root: HTMLElement, before: PlanPayload, after: PlanPayload): void {
  const doc = root.ownerDocument;
  clear(root);
  const a = planOf(before);
  const b = planOf(after);
  const c = comparePlans(a, b);
  // Within 2% is noise (timing jitter, rounding), not a change. Two runs of the same plan are one sample each: a
  // difference under 1.5× or 1 ms is run-to-run noise (seen: "1.31× slower" for 2.3 then 3.0 ms of one plan).
  const noise = c.analyzed && samePlanShape(a, b) && a.executionMs !== undefined && b.executionMs !== undefined
    && (Math.max(c.ratio, 1 / c.ratio) < 1.5 || Math.abs(b.executionMs - a.executionMs) < 1);
  // Two plans of one statement with other $n values (or one generic, its values unknown, against one with values)
  // compare data, not a change (person7's hour: "43.96× slower" for the same plan run for an email nobody has, then
  // for the customer with 338 orders; person21 LOW 4: "2.80× cheaper" for the generic plan against the same statement
  // with $1 = {101,202,303}). The headline says what differs, never "faster" or "cheaper".
  const shownParams = (p: PlanPayload) => (p.params ?? []).map((v, i) => `$${i + 1} = ${v === null ? 'NULL' : v}`).join(', ');
  const generic = (p: PlanPayload) => p.method === 'generic-plan' || p.method === 'prepare-generic';
  const valuesOf = (p: PlanPayload) => shownParams(p) || (generic(p) ? 'none (generic plan: values unknown)' : 'none');
  const otherValues = shownParams(before) !== shownParams(after);
  const what = c.analyzed ? 'time' : 'estimates';
  // Two plans that differ, one run each, whose measured time goes one way by a little while the pages read go the
  // other way by far (the CI's index before/after: a 5 ms Seq Scan of 870 blocks "1.49× faster" than a Bitmap Heap Scan
  // of 52 blocks whose pages were not cached): the time alone would call it backwards. Both are said, and how to know.
  const blocks = (x?: number) => (x !== undefined && x > 0 ? x : undefined);
  const bb = blocks(c.before.sharedBlocks);
  const ba = blocks(c.after.sharedBlocks);
  const blockRatio = bb && ba ? ba / bb : undefined;
  const closeInTime = c.analyzed && a.executionMs !== undefined && b.executionMs !== undefined && (Math.max(c.ratio, 1 / c.ratio) < 2 || Math.abs(b.executionMs - a.executionMs) < 5);
  const workDisagrees = !noise && !otherValues && closeInTime && blockRatio !== undefined && ((c.ratio > 1.02 && blockRatio <= 0.5) || (c.ratio < 0.98 && blockRatio >= 2));
  // What the headline's ratio is of, with its two figures: the statement's execution time (or total cost), which the
  // table's top node, timed without the executor's start and finish, does not equal (person48 L-a: "59.13× slower" over a
  // Limit row's "70.11×" for the same change, nothing saying why).
  const measured = c.analyzed
    ? (a.executionMs !== undefined && b.executionMs !== undefined ? ` (execution time ${fmtMs(a.executionMs)} → ${fmtMs(b.executionMs)})` : '')
    : ` (total cost ${fmtCost(a.totalCost)} → ${fmtCost(b.totalCost)})`;
  const verdict = noise
    ? `about the same (the same plan; ${fmtMs(a.executionMs!)} → ${fmtMs(b.executionMs!)} in one run each is run-to-run noise — Benchmark measures percentiles)`
    : workDisagrees
      ? `${times(blockRatio!, 'fewer', 'more')} blocks read (${fmtCount(bb!)} → ${fmtCount(ba!)}), though ${times(c.ratio, 'faster', 'slower', 2)} in one run each (${fmtMs(a.executionMs!)} → ${fmtMs(b.executionMs!)}): too close to call from one run — Benchmark measures percentiles, and a first run may read pages from disk`
    : otherValues
      ? `same statement, other values: ${c.ratio < 0.98 ? `${what} ${(1 / c.ratio).toFixed(2)}× lower` : c.ratio > 1.02 ? `${what} ${c.ratio.toFixed(2)}× higher` : `${what} about the same (within 2%)`}`
      : c.ratio < 0.98 ? `${(1 / c.ratio).toFixed(2)}× ${c.analyzed ? 'faster' : 'cheaper'}${measured}` : c.ratio > 1.02 ? `${c.ratio.toFixed(2)}× ${c.analyzed ? 'slower' : 'costlier'}${measured}` : `about the same (${c.analyzed ? 'time' : 'cost'} within 2%)`;
  // A plan brought without its query text whose statement PG Lens cannot tell (person29 M2): the headline says so.
  const doubt = statementDoubt(before, after);
  root.appendChild(h(doc, 'h1', {}, `Before → after${doubt ? ' (cannot tell whether it is the same statement)' : ''}: ${verdict}`));
  if (doubt) root.appendChild(h(doc, 'p', { class: 'note warn statement-doubt' }, `PG Lens ${doubt}. Compare only if you know both plans are of one statement.`));
  // One run each whose time moved far more than the pages read (person27: "846.06× faster" for 190 ms → 0.224 ms — a
  // Seq Scan's first run on a busy machine — while Benchmark said p50 2.3 → 0.86 ms, 2.7×): the headline stands, and
  // under it the pages read, which a single run does not exaggerate.
  const timeGain = c.analyzed && a.executionMs && b.executionMs ? a.executionMs / b.executionMs : undefined;
  if (!noise && !workDisagrees && !otherValues && timeGain && blockRatio !== undefined) {
    const workGain = 1 / blockRatio;
    const exaggerates = timeGain > 1 ? timeGain > 3 * Math.max(workGain, 1) : 1 / timeGain > 3 * Math.max(1 / workGain, 1);
    if (exaggerates) {
      root.appendChild(h(doc, 'p', { class: 'note warn time-vs-work' }, `One run each: ${times(timeGain, 'slower', 'faster', 0)} in time (${fmtMs(a.executionMs!)} → ${fmtMs(b.executionMs!)}), but the pages read went ${fmtCount(bb!)} → ${fmtCount(ba!)} (${times(workGain, 'more', 'fewer')}): a single run's time moves with the machine's load and the cache, the pages read do not. Benchmark Query measures percentiles over many runs.`));
    }
  }
  if (otherValues) root.appendChild(h(doc, 'p', { class: 'note warn' }, `The two plans used different parameter values (before: ${valuesOf(before)}; after: ${valuesOf(after)}): ${samePlanShape(a, b) ? 'the plan is the same, so the difference is the data these values select, not the plan' : 'part of the difference is the data these values select'}. ${c.analyzed ? 'Run both with the same values to compare the plans.' : 'Plan both with the same values (or both generic) to compare the plans.'}`));
  root.appendChild(h(doc, 'p', { class: 'note' }, c.analyzed
    ? 'Both plans ran (EXPLAIN ANALYZE): compared on measured time and actual rows.'
    : a.analyzed !== b.analyzed
      ? `Only the ${a.analyzed ? 'before' : 'after'} plan ran: compared on what both have, the planner's estimates (cost and planned rows), never measured time against an estimate.`
      : 'Both plans are estimates: compared on estimated cost and planned rows.'));
  const side = (title: string, p: Plan, payload: PlanPayload) =>
    h(doc, 'section', { class: 'side' }, h(doc, 'h2', {}, title), h(doc, 'p', {}, payload.title), summaryLine(doc, p, payload),
      ...(payload.params?.length ? [h(doc, 'p', { class: 'params' }, `Parameters: ${shownParams(payload)}`)] : []), h(doc, 'pre', { class: 'raw' }, planText(p)));
  root.appendChild(h(doc, 'div', { class: 'compare' }, side('Before', a, before), side('After', b, after)));
  const table = h(doc, 'table', { class: 'nodes diff' });
  // Self (the node alone) first, then what includes its children, each said (person24 LOW 4: a Limit's "−2374 blocks,
  // 0.01×" read as its own, beside a self time that barely moved).
  const heads = ['Node', 'Change', c.analyzed ? 'Δ self time' : 'Δ self cost', 'Δ rows', 'Δ shared blocks (with children)', `Node ${c.analyzed ? 'time' : 'cost'} after / before (with children)`];
  table.appendChild(h(doc, 'thead', {}, h(doc, 'tr', {}, ...heads.map((x) => h(doc, 'th', { scope: 'col' }, x)))));
  const tbody = h(doc, 'tbody');
  const sign = (x: number | undefined, f: (v: number) => string) => (x === undefined ? '–' : `${x > 0 ? '+' : x < 0 ? '−' : ''}${f(Math.abs(x))}`);
  for (const d of c.nodes.slice(0, TABLE_LIMIT)) {
    tbody.appendChild(h(doc, 'tr', { class: `status-${d.status}` },
      // data-label: a narrow pane stacks each row's cells under their names (media/plan.css).
      h(doc, 'td', {}, ...breakableName(doc, d.label)),
      h(doc, 'td', { 'data-label': heads[1] }, d.status),
      h(doc, 'td', { class: 'num', 'data-label': heads[2] }, c.analyzed ? sign(d.dExclusiveMs, fmtMs) : sign(d.dExclusiveCost, fmtCost)),
      h(doc, 'td', { class: 'num', 'data-label': heads[3] }, sign(d.dRows, fmtCount)),
      h(doc, 'td', { class: 'num', 'data-label': heads[4] }, sign(d.dSharedBlocks, fmtCount)),
      h(doc, 'td', { class: 'num', 'data-label': heads[5] }, d.ratio !== undefined ? `${d.ratio.toFixed(2)}×` : '–')));
  }
  table.appendChild(tbody);
  root.appendChild(table);
}

/**
 * The statement as text: shown at once as sent, then laid out by the formatter once it has loaded
 * (as text too). Kept as sent when the formatter cannot read it.
 */
function renderQuery(doc: Document, sql: string, load: RenderOptions['loadSqlFormatter']): HTMLElement {
  const pre = h(doc, 'pre', { class: 'query' }, sql || '(no query text in this plan)');
  if (!sql.trim() || !load) return pre;
  void load()
    .then((format) => {
      const out = format?.(sql);
      if (out !== undefined && out !== sql) {
        pre.textContent = out;
        pre.setAttribute('data-formatted', 'true');
        pre.title = 'Formatted for reading: only whitespace changed.';
      }
    })
    .catch(() => undefined);
  return pre;
}

/** A benchmark's result; its statement laid out as the Query tab lays it out (renderQuery: person29 L9, it was the code's raw indentation). */
export function renderBenchmark(root: HTMLElement, run: BenchmarkRunSummary, previous?: BenchmarkRunSummary, loadSqlFormatter?: RenderOptions['loadSqlFormatter']): void {
  const doc = root.ownerDocument;
  clear(root);
  root.appendChild(h(doc, 'h2', {}, 'Benchmark (read-only, rolled back)'));
  root.appendChild(renderQuery(doc, run.sql, loadSqlFormatter));
  if (run.params?.length) root.appendChild(h(doc, 'p', { class: 'params' }, 'Parameters: ', run.params.map((v, i) => `$${i + 1} = ${v === null ? 'NULL' : v}`).join(', ')));
  const none = noRowsNote(run);
  if (none) root.appendChild(h(doc, 'p', { class: 'note warn no-rows', role: 'status' }, none));
  const rows: [string, string, string?][] = [
    ['Executions', `${run.runs} (${run.errors} failed)`, previous && `${previous.runs}`],
    ['Concurrent sessions', String(run.concurrency), previous && String(previous.concurrency)],
    ['p50', fmtMs(run.p50), previous && fmtMs(previous.p50)],
    ['p95', fmtMs(run.p95), previous && fmtMs(previous.p95)],
    ['p99', fmtMs(run.p99), previous && fmtMs(previous.p99)],
    ['mean', fmtMs(run.mean), previous && fmtMs(previous.mean)],
    ['min / max', `${fmtMs(run.min)} / ${fmtMs(run.max)}`, previous && `${fmtMs(previous.min)} / ${fmtMs(previous.max)}`],
    ['Throughput', `${run.throughputPerSec.toFixed(0)}/s`, previous && `${previous.throughputPerSec.toFixed(0)}/s`],
    ['Rows per run', rowsText(run.rowsPerRun), previous && rowsText(previous.rowsPerRun)],
    ['Shared hit / read per run', `${fmtCount(run.sharedHitPerRun)} / ${fmtCount(run.sharedReadPerRun)}`, previous && `${fmtCount(previous.sharedHitPerRun)} / ${fmtCount(previous.sharedReadPerRun)}`],
  ];
  const table = h(doc, 'table', { class: 'nodes' }, h(doc, 'thead', {}, h(doc, 'tr', {}, h(doc, 'th', {}, ''), h(doc, 'th', {}, 'This run'), previous ? h(doc, 'th', {}, 'Previous run') : undefined)));
  const tbody = h(doc, 'tbody');
  for (const [k, v, p] of rows) tbody.appendChild(h(doc, 'tr', {}, h(doc, 'th', { scope: 'row' }, k), h(doc, 'td', { class: 'num' }, v), previous ? h(doc, 'td', { class: 'num' }, p ?? '') : undefined));
  table.appendChild(tbody);
  root.appendChild(table);
  if (previous) {
    const cmp = compareBenchmarks(previous, run);
    root.appendChild(h(doc, 'p', { class: 'verdict' }, `Compared with the previous run: ${cmp.summary}`));
    for (const note of cmp.notes) root.appendChild(h(doc, 'p', { class: 'note compare-note' }, note));
  }
}

/** Rows a run returned: a whole count when every run returned the same, else the average; "–" when not counted. */
function rowsText(v: number | undefined): string {
  return v === undefined ? '–' : Number.isInteger(v) ? fmtCount(v) : v.toFixed(1);
}

export function renderMessage(root: HTMLElement, kind: 'busy' | 'error', message: string): void {
  const doc = root.ownerDocument;
  clear(root);
  root.appendChild(h(doc, 'p', { class: kind, role: kind === 'error' ? 'alert' : 'status' }, message));
}

/**
 * A value of PostgreSQL's own keys as text a person reads: a list of names one per line (`Output`, `Sort Key`,
 * `Group Key`: they were raw JSON, `["project_settings.project","project_settings.feature_limit"]`, person10/11 N16),
 * an object as `key: value` pairs, nested values the same way; a scalar as written.
 */
function rawValueCell(doc: Document, v: unknown): HTMLElement {
  if (Array.isArray(v) && v.length && v.every((x) => x === null || typeof x !== 'object')) {
    const ul = h(doc, 'ul', { class: 'raw-list' });
    for (const x of v) ul.appendChild(h(doc, 'li', {}, x === null ? 'null' : String(x)));
    return h(doc, 'td', {}, ul);
  }
  return h(doc, 'td', {}, rawValueText(v));
}

/** One line of a raw value: scalars as written, lists joined with ", ", objects as `key: value` separated by "; ". */
function rawValueText(v: unknown, depth = 0): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v !== 'object') return String(v);
  if (depth > 3) return JSON.stringify(v);
  if (Array.isArray(v)) return v.map((x) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? `(${rawValueText(x, depth + 1)})` : rawValueText(x, depth + 1))).join(', ');
  return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${rawValueText(x, depth + 1)}`).join('; ');
}
