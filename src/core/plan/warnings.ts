/**
 * Graded per-node warnings and tips ranked by what they could save. Thresholds (see docs/plans.md):
 *  time share >10/40/90%, misestimate >10/100/1000×, rows removed by filter >50/90% (at least
 *  100 rows), heap fetches, hash batches >1, workers planned ≠ launched, lossy bitmaps, sort or
 *  aggregate on disk, Seq Scan of a large table (≥10,000 rows) keeping ≤10% of it, Nested Loop over
 *  ≥1,000 outer rows.
 *
 * Savings are estimates of the time (or, without ANALYZE, the cost) a fix could remove: the share
 * of the node's own time the problem explains. They rank tips; they are not promises.
 */
import { K, Rel } from './keys';
import { fmtCount, fmtFactor, fmtPct, fmtMs, provedAt } from './format';
import { qualifiedName, quoteIdent } from '../sql/ident';
import { countOf, shortLine } from '../format';
import { beyondTrialBound, INDEX_MAX_SELECTIVITY, INDEX_TRY_MAX_SELECTIVITY } from '../catalogFacts';
import type { AnalyzeOptions, ForeignKeyFact, Grade, IndexLeadFact, NodeWarning, Plan, PlanNode, ProvedIndexFigure, Tip, TriggerTime, WarningKind } from './model';

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

const THRESHOLDS = {
  timeShare: [0.1, 0.4, 0.9],
  misestimate: [10, 100, 1000],
  removedShare: [0.5, 0.9],
  removedMinRows: 100,
  largeTableRows: 10_000,
  hugeTableRows: 1_000_000,
  selectiveShare: 0.1,
  nestedLoopOuterRows: [1_000, 100_000],
} as const;

/**
 * Whom the planner proved a tip's index for: "this statement", "a statement of your code at src/orders.ts:70" (a proof
 * borrowed for a brought plan, `where` naming the table), or — the decision's one index for this and other statements —
 * "one index shared with 1 other statement" (person53 L-2: the JOIN's tip said "proved by the planner for this statement"
 * where Problems said the index is shared; person54 L-1: said as "one index for this and other statements, proved by the
 * planner (one index shared with …)" it told the sharing twice, and the saving after it says "proved by the planner").
 */
function provedForWhom(proof: { elsewhere?: string; at?: string; shared?: string }, where = ''): string {
  if (proof.elsewhere) return `proved by the planner for a statement of your code${provedAt(proof)}${where}`;
  return proof.shared ?? 'proved by the planner for this statement';
}

/** "Seq Scan on public.orders o", "Index Scan using orders_pkey on orders". */
export function nodeLabel(n: PlanNode): string {
  return n.metrics.detail ? `${n.metrics.title} ${n.metrics.detail}` : n.metrics.title;
}

function grade3(v: number, t: readonly number[]): Grade | 0 {
  return v > t[2] ? 3 : v > t[1] ? 2 : v > t[0] ? 1 : 0;
}

/** Rows of the scanned table: from ANALYZE figures, else from pg_class.reltuples when given. */
function tableRows(n: PlanNode, options: AnalyzeOptions): number | undefined {
  const m = n.metrics;
  if (m.actualRowsTotal !== undefined && m.rowsRemoved !== undefined) return m.actualRowsTotal + m.rowsRemoved;
  if (!m.relation || !options.relationRows) return undefined;
  const rel = n.raw[K.RelationName] as string;
  return options.relationRows.get(m.relation) ?? options.relationRows.get(rel);
}

/** Facts about each node's ancestors, computed once in pre-order (keeps deep plans linear). */
export interface Ancestry {
  /**
   * 1 when the node's consumer may stop reading it early, so fewer rows than planned is by design:
   * below a Limit, the inner side of a semi/anti Nested Loop (or one with a unique inner side), either
   * side of a Merge Join, the outer side of a Hash Join whose hash table is empty, a SubPlan or
   * InitPlan (EXISTS stops at the first row), a CTE read only
   * partly. It passes down through streaming nodes and stops at nodes that read all their input
   * (Sort, Hash, hashed or plain Aggregate, hashed SetOp).
   */
  earlyStop: Uint8Array;
  /** Id of the nearest Gather / Gather Merge above the node, or -1. */
  gather: Int32Array;
}

function readsAllInput(r: Record<string, unknown>): boolean {
  const t = r[K.NodeType];
  return t === 'Sort' || t === 'Hash' || (t === 'Aggregate' && r[K.Strategy] !== 'Sorted') || (t === 'SetOp' && r[K.Strategy] === 'Hashed');
}

/**
 * Whether a consumer that may stop reading `child` early did, when the plan ran: the child came back short of its plan,
 * or a Limit whose count bound the plan (planned fewer rows than its input) returned them all. A Limit 20 over a join
 * that found 4 rows read everything (person20 LOW 3: "the node above stopped reading early (a Limit …)" on a Parallel
 * Seq Scan that read all 200k rows of its table). A plan that did not run, or a child never executed, may have been.
 */
function reallyStopped(consumer: PlanNode, child: PlanNode): boolean {
  const c = child.metrics;
  if (c.actualRows === undefined || c.neverExecuted) return true;
  if (c.misestimateDirection === 'over') return true;
  const m = consumer.metrics;
  return consumer.raw[K.NodeType] === 'Limit' && m.actualRows !== undefined && m.estRows < c.estRows && m.actualRows >= m.estRows;
}

export function ancestry(plan: Plan): Ancestry {
  const n = plan.nodes.length;
  const earlyStop = new Uint8Array(n);
  const gather = new Int32Array(n).fill(-1);
  for (const node of plan.nodes) {
    if (node.parent < 0) continue;
    const p = plan.nodes[node.parent];
    const t = p.raw[K.NodeType];
    const rel = node.raw[K.ParentRelationship];
    const join = p.raw[K.JoinType];
    const stops =
      t === 'Limit' ||
      t === 'Merge Join' ||
      // A Nested Loop stops scanning its inner side at the first match (semi, anti, unique inner);
      // a Hash Join builds its whole inner side, so only the Nested Loop's counts.
      (t === 'Nested Loop' && rel === Rel.Inner && (join === 'Semi' || join === 'Anti' || p.raw[K.InnerUnique] === true)) ||
      // A Hash Join whose hash table came out empty stops reading its outer side at once, unless it
      // must return outer rows without a match (left, anti, full).
      (t === 'Hash Join' && rel === Rel.Outer && join !== 'Left' && join !== 'Anti' && join !== 'Full' && emptyInner(plan, p)) ||
      rel === Rel.SubPlan ||
      rel === Rel.InitPlan;
    earlyStop[node.id] = stops && reallyStopped(p, node) ? 1 : readsAllInput(p.raw) ? 0 : earlyStop[p.id];
    gather[node.id] = t === 'Gather' || t === 'Gather Merge' ? p.id : gather[p.id];
  }
  return { earlyStop, gather };
}

/** A join's child on one side (Outer or Inner). */
function sideOf(plan: Plan, join: PlanNode, side: Rel): PlanNode | undefined {
  return join.children.map((c) => plan.nodes[c]).find((c) => c.raw[K.ParentRelationship] === side);
}

/** A join whose inner side (a Hash) returned no row, when the plan was analysed. */
function emptyInner(plan: Plan, join: PlanNode): boolean {
  const inner = sideOf(plan, join, Rel.Inner);
  return !!inner && inner.metrics.actualRows === 0 && !inner.metrics.neverExecuted;
}

/** What a join's inner side reads, for a message that tells one join from another: its first table, CTE or function. */
function innerReads(plan: Plan, join: PlanNode): string | undefined {
  const inner = sideOf(plan, join, Rel.Inner);
  for (const stack = inner ? [inner] : []; stack.length; ) {
    const x = stack.shift()!;
    const name = x.raw[K.RelationName] ?? x.raw[K.CteName] ?? x.raw[K.FunctionName];
    if (typeof name === 'string' && name) return name;
    stack.push(...x.children.map((c) => plan.nodes[c]));
  }
  return undefined;
}

/** Nodes that report fewer rows than they handle, by design (PostgreSQL documents both). */
function rowsNotComparable(n: PlanNode): boolean {
  const t = n.raw[K.NodeType];
  // BitmapAnd/BitmapOr always report 0 rows; a ModifyTable without RETURNING returns none.
  return t === 'BitmapAnd' || t === 'BitmapOr' || (t === 'ModifyTable' && (n.metrics.actualRows ?? 0) === 0);
}

export function gradeNode(plan: Plan, n: PlanNode, options: AnalyzeOptions, anc: Ancestry): NodeWarning[] {
  const out: NodeWarning[] = [];
  const m = n.metrics;
  const r = n.raw;
  const type = r[K.NodeType];
  // message is a thunk: most nodes get no warning, and formatting is the costly part.
  const add = (kind: WarningKind, grade: Grade | 0, message: () => string) => {
    if (grade) out.push({ kind, grade, message: message() });
  };

  // JIT compiles expressions the first time a node evaluates them, inside that node's time.
  const jitMs = plan.jit?.totalMs ?? 0;
  const jitNote = () => (jitMs > 0 && jitMs >= 0.3 * (m.exclusiveMs ?? 0) ? ` It may include JIT compilation (${fmtMs(jitMs)} in all).` : '');
  const gather = type === 'Gather' || type === 'Gather Merge';
  if (m.timeShare !== undefined) {
    const here = gather ? `in the ${String(type)} itself (${fmtMs(m.exclusiveMs)}): starting its workers, passing their rows to the leader, waiting for the last one` : `here (${fmtMs(m.exclusiveMs)})`;
    add('time-share', grade3(m.timeShare, THRESHOLDS.timeShare), () => `${fmtPct(m.timeShare)} of the execution time is spent ${here}.${jitNote()}`);
  }
  // Parallel execution that did not pay: the Gather took clearly longer (by a quarter) than all its
  // processes' work put together (worker start-up is slow on a busy server, and small plans gain
  // little from workers).
  const work = gather ? parallelWork(plan, n) : undefined;
  if (work !== undefined && m.timeShare !== undefined && m.inclusiveMs !== undefined && m.inclusiveMs > 1.25 * work && m.timeShare >= THRESHOLDS.timeShare[0]) {
    add('parallel-overhead', m.timeShare >= THRESHOLDS.timeShare[1] ? 2 : 1, () => `The ${String(type)} took ${fmtMs(m.inclusiveMs)}, more than the ${fmtMs(work)} its processes worked in all.`);
  }

  // Fewer rows than planned where the consumer stops early is by design, not a misestimate.
  if (m.misestimate !== undefined && !rowsNotComparable(n) && !(m.misestimateDirection === 'over' && anc.earlyStop[n.id])) {
    const g = m.misestimate >= THRESHOLDS.misestimate[2] ? 3 : m.misestimate >= THRESHOLDS.misestimate[1] ? 2 : m.misestimate >= THRESHOLDS.misestimate[0] ? 1 : 0;
    add('misestimate', g, () => `Rows ${m.misestimateDirection === 'under' ? 'under' : 'over'}estimated ${fmtFactor(m.misestimate)}: planned ${fmtCount(m.estRows)}, got ${fmtCount(m.actualRows)} per loop.`);
  }

  // Seq Scan of a large table that keeps few of its rows.
  let selectiveSeqScan = false;
  if (type === 'Seq Scan' && r[K.Filter] !== undefined) {
    const total = tableRows(n, options);
    const kept = m.actualRowsTotal ?? m.estRows * m.processes;
    if (total !== undefined && total >= THRESHOLDS.largeTableRows && kept / Math.max(total, 1) <= THRESHOLDS.selectiveShare) {
      selectiveSeqScan = true;
      const g: Grade = total >= THRESHOLDS.hugeTableRows || (m.timeShare ?? m.costShare) > 0.4 ? 3 : 2;
      add('seq-scan-selective', g, () => `Sequential scan of ${fmtCount(total)} rows keeps ${fmtCount(kept)} (${fmtPct(kept / total)}) with Filter: ${String(r[K.Filter])}.`);
    }
  }

  if (!selectiveSeqScan && m.rowsRemoved !== undefined && m.removedShare !== undefined && m.rowsRemoved >= THRESHOLDS.removedMinRows && !oneRowPerLoop(n)) {
    const g = m.removedShare > THRESHOLDS.removedShare[1] ? 2 : m.removedShare > THRESHOLDS.removedShare[0] ? 1 : 0;
    add('filter-removes', g, () => `${fmtPct(m.removedShare)} of the rows read are removed by the filter (${fmtCount(Math.round(m.rowsRemoved!))} rows).`);
  }
  // Without ANALYZE figures: the estimate, only where it keeps more than an index pays off for — its tip says why no index
  // is proposed, as the measured one does (person42 M5); a selective estimate is seq-scan-selective's (large tables).
  const est = selectiveSeqScan ? undefined : estimatedRemoval(n, options);
  if (est && est.removed >= THRESHOLDS.removedMinRows && 1 - est.share > INDEX_MAX_SELECTIVITY && est.share > THRESHOLDS.removedShare[0]) {
    add('filter-removes', est.share > THRESHOLDS.removedShare[1] ? 2 : 1, () => `About ${fmtPct(est.share)} of the rows read are removed by the filter (about ${fmtCount(Math.round(est.removed))} of ${fmtCount(est.total)} rows, estimated).`);
  }

  const recheck = num(r[K.RowsRemovedByIndexRecheck]);
  if (recheck !== undefined && recheck * m.loops >= 1000) add('recheck-removes', 1, () => `${fmtCount(recheck * m.loops)} rows removed by index recheck.`);

  const heapFetches = num(r[K.HeapFetches]);
  if (type === 'Index Only Scan' && heapFetches && heapFetches > 0) {
    const share = m.actualRowsTotal ? heapFetches / Math.max(m.actualRowsTotal, 1) : 1;
    add('heap-fetches', share > 0.5 ? 2 : heapFetches >= 100 ? 1 : 0, () => `Index Only Scan fetched ${fmtCount(heapFetches)} rows from the table (${fmtPct(Math.min(1, share))} of its rows): the visibility map is out of date.`);
  }

  const batches = num(r[K.HashBatches]);
  if (batches !== undefined && batches > 1) add('hash-batches', 2, () => `Hash split into ${batches} batches (spilled to disk; peak memory ${fmtCount(num(r[K.PeakMemoryUsage]))} kB).`);

  const aggBatches = num(r[K.HashAggBatches]);
  const aggDisk = num(r[K.DiskUsage]);
  if ((aggBatches !== undefined && aggBatches > 1) || (aggDisk !== undefined && aggDisk > 0)) add('hashagg-disk', 2, () => `Hash aggregate spilled to disk (${aggBatches ?? '?'} batches, ${fmtCount(aggDisk ?? 0)} kB on disk).`);

  const planned = num(r[K.WorkersPlanned]);
  const launched = num(r[K.WorkersLaunched]);
  if (planned !== undefined && launched !== undefined && planned !== launched) add('workers-launched', launched === 0 ? 2 : 1, () => `${planned} parallel workers planned, ${launched} launched.`);

  const lossy = num(r[K.LossyHeapBlocks]);
  if (lossy && lossy > 0) add('lossy-bitmap', 2, () => `Bitmap went lossy on ${fmtCount(lossy)} heap blocks (every row in them rechecked).`);

  const sortMethod = r[K.SortMethod];
  if (r[K.SortSpaceType] === 'Disk' || (typeof sortMethod === 'string' && /external/.test(sortMethod))) {
    add('sort-disk', 2, () => `Sort spilled to disk (${String(sortMethod ?? 'external')}, ${fmtCount(num(r[K.SortSpaceUsed]))} kB).`);
  }

  if (type === 'Nested Loop') {
    const outer = sideOf(plan, n, Rel.Outer);
    if (outer) {
      const rows = outer.metrics.actualRowsTotal ?? outer.metrics.estRows * outer.metrics.estLoops;
      const t = THRESHOLDS.nestedLoopOuterRows;
      add('nested-loop-many', rows >= t[1] ? 2 : rows >= t[0] ? 1 : 0, () => {
        const reads = innerReads(plan, n);
        return `Nested Loop runs its inner side${reads ? ` (on ${reads})` : ''} ${fmtCount(rows)} times (once per outer row).`;
      });
    }
  }

  const evictions = num(r[K.CacheEvictions]);
  if (evictions && evictions > 0) add('memoize-evictions', 1, () => `Memoize evicted ${fmtCount(evictions)} cache entries (cache too small).`);

  return out.sort((a, b) => b.grade - a.grade);
}

function gatherInclusive(plan: Plan, n: PlanNode, anc: Ancestry): number {
  const g = anc.gather[n.id];
  const target = g >= 0 ? plan.nodes[g] : n;
  return plan.analyzed ? (target.metrics.inclusiveMs ?? 0) : target.metrics.inclusiveCost;
}

/**
 * The index the advice proved for a scan of this relation (the hover's and the Problems panel's figure: the statement's
 * cost before → after), and what it could save here: on a plan of estimates the proved cost units; on an analysed plan
 * the time the scan took (with the Gather above a parallel scan) times the share of the cost the index removes — ranked
 * by the time the node actually took, never by a cost figure beside tips in ms.
 */
function provedFor(plan: Plan, n: PlanNode, options: AnalyzeOptions, anc: Ancestry): { proof: NonNullable<Tip['proved']>; saving: number } | undefined {
  const p = provedFigures(plan, n, options)?.own;
  if (!p) return undefined;
  if (options.withStatement === false) {
    const proof = { before: p.costBefore, after: p.costAfter, index: p.title, elsewhere: p.ddl ?? `an index on ${p.title}`, ...(p.at ? { at: p.at } : {}) };
    const share = 1 - p.costAfter / p.costBefore;
    const took = plan.analyzed ? (n.metrics.parallel ? gatherInclusive(plan, n, anc) : (n.metrics.inclusiveMs ?? 0)) : n.metrics.inclusiveCost;
    return { proof, saving: took * share };
  }
  // The advice's before is its own plan's total cost: a plan of this statement costed otherwise (other values, another
  // shape) is another plan, and the proof's figures are not this plan's (person24: "cost 934 → 19.4" under a plan of 179).
  const other = plan.totalCost > 0 && Math.abs(plan.totalCost - p.costBefore) > 0.05 * Math.max(plan.totalCost, p.costBefore);
  const proof = { before: p.costBefore, after: p.costAfter, index: p.title, ...(other ? { planCost: plan.totalCost } : {}), ...(p.shared ? { shared: p.shared } : {}) };
  if (!plan.analyzed) return { proof, saving: other ? n.metrics.inclusiveCost * (1 - p.costAfter / p.costBefore) : p.costBefore - p.costAfter };
  const took = n.metrics.parallel ? gatherInclusive(plan, n, anc) : (n.metrics.inclusiveMs ?? 0);
  return { proof, saving: took * (1 - p.costAfter / p.costBefore) };
}

/** A relation as EXPLAIN names it (unqualified) from the advice's name ("schema.table" outside public, maybe quoted). */
export function bareRelation(t: string): string {
  return t.replace(/"/g, '').split('.').pop()!.toLowerCase();
}

/**
 * The proofs a scan may name. With its statement: the first proved on its table (`own`). On a plan brought without its
 * statement, an index proved for a statement of the workspace: `own` when its keys are this scan's own columns — those
 * its condition (or the join's it feeds) compares, in any order, then optionally the ORDER BY of a top-N Sort it feeds;
 * `wider` when it leads with exactly those columns and has other keys (that statement's ORDER BY: mentioned, not this
 * scan's proof; person33 L1). Never a proof made when the table had other indexes than it has now (one created or
 * dropped since).
 */
function provedFigures(plan: Plan, n: PlanNode, options: AnalyzeOptions): { own?: ProvedIndexFigure; wider?: ProvedIndexFigure } | undefined {
  const relation = n.metrics.relation;
  if (!relation || !options.provedIndexes?.length) return undefined;
  const current = (x: ProvedIndexFigure) => {
    const now = options.relationIndexes?.get(x.table) ?? options.relationIndexes?.get(relation);
    return !x.tableIndexes || !now || [...new Set(now.map((i) => i.name))].sort().join('\u0000') === [...x.tableIndexes].sort().join('\u0000');
  };
  const usable = options.provedIndexes.filter((x) => bareRelation(x.table) === bareRelation(relation) && x.costAfter < x.costBefore && current(x));
  if (options.withStatement !== false) return usable.length ? { own: usable[0] } : undefined;
  // Its own conditions, and those of the join it feeds (a Seq Scan under a Hash Join's Hash, its Hash Cond on the join).
  const up = [n, ...[n.parent, n.parent >= 0 ? plan.nodes[n.parent].parent : -1].filter((i) => i >= 0).map((i) => plan.nodes[i])];
  const condition = up.flatMap((x) => [x.raw[K.Filter], x.raw[K.IndexCond], x.raw[K.RecheckCond], x.raw[K.HashCond], x.raw[K.MergeCond], x.raw[K.JoinFilter]]).filter((c): c is string => typeof c === 'string').join(' AND ');
  const own = [n.metrics.alias, relation, typeof n.raw[K.RelationName] === 'string' ? String(n.raw[K.RelationName]) : undefined].filter((x): x is string => !!x);
  // The scan's columns (`(oi2.product_id = p.id)`: product_id; p.id is the outer row's).
  const filtered = [...new Set(conditionColumns(condition, own).map((c) => c.toLowerCase()))];
  if (!filtered.length) return undefined;
  const order = topNOrder(plan, n, own);
  const leads = (key: string) => {
    const lead = conditionColumns(key);
    // A plain column leading the index: the condition must compare it as the index serves (=, a range, IN/ANY), not
    // `status <> 'cancelled'` (person30 L4: a report keeping almost every row borrowed "−61 % cost" proved for
    // `status = $1`). An expression key (lower(email)) keeps the column test.
    return !/^\s*(?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*)\s*$/.test(key) || indexServesCondition(condition, lead[0]);
  };
  const out: { own?: ProvedIndexFigure; wider?: ProvedIndexFigure } = {};
  for (const x of usable) {
    const keys = (x.columns ?? []).map(indexKeyOf);
    const head = new Set(keys.slice(0, filtered.length).map((k) => k.column));
    if (keys.length < filtered.length || head.size !== filtered.length || !filtered.every((c) => head.has(c)) || !leads(x.columns![0].replace(/\s+(ASC|DESC)(\s+NULLS\s+(FIRST|LAST))?$/i, ''))) continue;
    const tail = keys.slice(filtered.length).map((k) => `${k.column}${k.desc ? ' desc' : ''}`);
    const mine = !tail.length || (order !== undefined && tail.length === order.length && tail.every((k, i) => k === order[i]));
    if (mine) out.own ??= x;
    else out.wider ??= x;
  }
  return out.own || out.wider ? out : undefined;
}

/** An index key as the advice writes it ("created_at DESC", "lower(email)"): the column it reads (lower-case, quotes undone) and its direction. */
function indexKeyOf(key: string): { column: string; desc: boolean } {
  const body = key.replace(/\s+(ASC|DESC)(\s+NULLS\s+(FIRST|LAST))?$/i, '').trim();
  const plain = /^(?:"((?:[^"]|"")*)"|([A-Za-z_][\w$]*))$/.exec(body);
  const column = plain ? (plain[1] !== undefined ? plain[1].replace(/""/g, '"') : plain[2]) : conditionColumns(body).join(',');
  return { column: column.toLowerCase(), desc: /\sDESC(\s+NULLS\s+(FIRST|LAST))?$/i.test(key) };
}

/**
 * The ORDER BY a scan's rows are sorted by for a LIMIT (a Sort right above it, a Limit above that through nodes that keep
 * the order), as index keys ("placed_at desc"), when every key is the scan's own column; else undefined.
 */
function topNOrder(plan: Plan, n: PlanNode, own: readonly string[]): string[] | undefined {
  const sort = n.parent >= 0 ? plan.nodes[n.parent] : undefined;
  if (!sort || sort.raw[K.NodeType] !== 'Sort') return undefined;
  let up = sort.parent >= 0 ? plan.nodes[sort.parent] : undefined;
  while (up && ORDER_KEEPING.has(String(up.raw[K.NodeType]))) up = up.parent >= 0 ? plan.nodes[up.parent] : undefined;
  if (!up || up.raw[K.NodeType] !== 'Limit') return undefined;
  const keys = Array.isArray(sort.raw[K.SortKey]) ? (sort.raw[K.SortKey] as unknown[]).map(String) : [];
  const cols = keys.map((k) => ({ k: sortKeyColumn(k), desc: /\sDESC(\s+NULLS\s+(FIRST|LAST))?$/i.test(k) }));
  if (!cols.length || cols.some((c) => !c.k || (c.k.alias !== undefined && !own.includes(c.k.alias)))) return undefined;
  return cols.map((c) => `${c.k!.column.toLowerCase()}${c.desc ? ' desc' : ''}`);
}

/**
 * On a plan brought without its statement: a proof that leads with this scan's columns but is not its index (provedFigures
 * `wider`), said with where it was made — or '' (person33 L1: not "proved" for this scan, but worth knowing).
 */
function widerProof(plan: Plan, n: PlanNode, options: AnalyzeOptions): string {
  if (options.withStatement !== false) return '';
  const found = provedFigures(plan, n, options);
  const w = found?.own ? undefined : found?.wider;
  if (!w) return '';
  const cut = w.costBefore > 0 ? 1 - w.costAfter / w.costBefore : 0;
  return ` (A statement of your code${provedAt(w)} was proved to gain −${fmtPct(cut)} cost with ${w.title}: it leads with these columns, its other keys are that statement's.)`;
}

/**
 * Whether a condition (EXPLAIN's text) compares `column` as a b-tree index leading with it serves: `=`, `<`, `<=`, `>`,
 * `>=`, `= ANY (…)` (IN), on either side, the column bare, qualified or cast (`(status)::text`). Not `<>`/`!=`, not
 * `<> ALL (…)` (NOT IN), not the column inside a function (`lower(email)`), not LIKE: those keep (or may keep) almost every
 * row, or need another index.
 */
export function indexServesCondition(condition: string, column: string): boolean {
  const text = condition.replace(/'(?:[^']|'')*'/g, "''");
  const esc = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const name = `(?:"${esc.replace(/"/g, '""')}"|\\b${esc}\\b)`;
  const ref = `(?:(?:"(?:[^"]|"")*"|[A-Za-z_][\\w$]*)\\s*\\.\\s*)?${name}`;
  const cast = `(?:\\s*::\\s*(?:"(?:[^"]|"")*"|[A-Za-z_]\\w*(?:\\s+(?:varying|precision|without\\s+time\\s+zone|with\\s+time\\s+zone))?)(?:\\(\\d+(?:,\\s*\\d+)?\\))?(?:\\[\\])*)?`;
  const operand = new RegExp(`(?:\\(\\s*${ref}\\s*\\)|${ref})${cast}`, 'gi');
  const SERVED = /^(=|<=|>=|<|>)$/;
  for (const m of text.matchAll(operand)) {
    const before = text.slice(0, m.index);
    const after = text.slice(m.index + m[0].length);
    // Inside a function's parentheses: lower(email), date_trunc('day', placed_at).
    const fn = /([A-Za-z_][\w$]*)\s*\((?:[^()]*,)?\s*$/.exec(m[0].startsWith('(') ? `${before}(` : before);
    if (fn && !/^(AND|OR|NOT)$/i.test(fn[1])) continue;
    const next = /^\s*(<>|!=|<=|>=|=|<|>)(?:\s*(ANY|ALL)\b)?/i.exec(after);
    if (next) {
      if (SERVED.test(next[1]) && !(next[2] && next[2].toUpperCase() === 'ALL')) return true;
      continue;
    }
    const prev = /(<>|!=|<=|>=|=|<|>)\s*$/.exec(before);
    if (prev && SERVED.test(prev[1])) return true;
  }
  return false;
}

/**
 * Words of EXPLAIN's condition text that are not columns: only PostgreSQL's reserved and column-name keywords, which
 * EXPLAIN quotes when they name a column. An unreserved word (`at`, `zone`, `escape`) may be a column written bare (the
 * partition fixtures' events.at): taking it for a column at worst keeps an index tip.
 */
const CONDITION_WORDS = new Set(['AND', 'OR', 'NOT', 'IS', 'NULL', 'TRUE', 'FALSE', 'ANY', 'ALL', 'SOME', 'ARRAY', 'LIKE', 'ILIKE', 'SIMILAR', 'TO', 'IN', 'BETWEEN', 'SYMMETRIC', 'DISTINCT', 'FROM', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'COLLATE', 'TIME', 'ROW', 'CURRENT_DATE', 'CURRENT_TIMESTAMP', 'CURRENT_TIME', 'LOCALTIMESTAMP', 'LOCALTIME', 'CURRENT_USER', 'SESSION_USER', 'USER', 'CURRENT_ROLE']);

/**
 * The columns a scan's condition (EXPLAIN's Filter text) compares: what an index could be built on. A subquery's
 * result (`(SubPlan 1) IS NOT NULL`, `(hashed SubPlan 2).col1`), an InitPlan's, parameters, literals and casts' type
 * names are not columns; a function's name is not either (its arguments are read). Unqualified names, quotes undone.
 * With `own` (the scan's alias and table names), a column qualified by another name is left out: in a correlated
 * subquery's `(oi2.product_id = p.id)` the scan of order_items oi2 compares product_id, and `p.id` is the outer row's
 * (person31 H1: the tip read `id`, found order_items_pkey and said another index would not help).
 */
export function conditionColumns(condition: string, own?: readonly string[]): string[] {
  const text = condition
    .replace(/'(?:[^']|'')*'/g, ' ')
    .replace(/\balternatives:/g, ' ')
    .replace(/\(?(?:hashed\s+)?(?:SubPlan|InitPlan)\s+\d+\)?(?:\.col\d+)?/g, ' ')
    .replace(/\$\d+/g, ' ')
    .replace(/::\s*(?:"(?:[^"]|"")*"|[A-Za-z_][\w]*)(?:\s+(?:varying|precision|without\s+time\s+zone|with\s+time\s+zone))?(?:\(\d+(?:,\s*\d+)?\))?(?:\[\])*/g, ' ');
  const out = new Set<string>();
  const mine = own && new Set(own.map((x) => x.toLowerCase()));
  for (const m of text.matchAll(/(?:("(?:[^"]|"")*"|[A-Za-z_][\w$]*)\s*\.\s*)?("(?:[^"]|"")*"|[A-Za-z_][\w$]*)(\s*\()?/g)) {
    if (m[3]) continue;
    if (mine && m[1] !== undefined && !mine.has((m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1]).toLowerCase())) continue;
    const raw = m[2];
    if (raw.startsWith('"')) out.add(raw.slice(1, -1).replace(/""/g, '"'));
    else if (!CONDITION_WORDS.has(raw.toUpperCase())) out.add(raw);
  }
  return [...out];
}

/**
 * What an index tip on this scan can honestly say, from its condition and (when connected) the table's indexes:
 * `none` when the condition compares no column of the table (a subquery's result: no index on it serves it), `exists`
 * when an index already leads with a filtered column (another index would not change the plan: the estimate, a cast
 * or the table's size did), else `index`.
 */
function indexTipKind(n: PlanNode, condition: string, options: AnalyzeOptions): { kind: 'index' } | { kind: 'none' } | { kind: 'exists'; column: string; index: IndexLeadFact } {
  const rel = n.metrics.relation;
  const bare = typeof n.raw[K.RelationName] === 'string' ? String(n.raw[K.RelationName]) : undefined;
  const columns = conditionColumns(condition, [n.metrics.alias, rel, bare].filter((x): x is string => !!x));
  if (!columns.length) return { kind: 'none' };
  const indexes = (rel && options.relationIndexes?.get(rel)) || (bare && options.relationIndexes?.get(bare)) || [];
  for (const c of columns) {
    const index = indexes.find((i) => !i.partial && i.column === c);
    if (index) return { kind: 'exists', column: c, index };
  }
  return { kind: 'index' };
}

/** The index a scan's condition makes, as the hover names it (`order_items (product_id)`), or undefined without columns. */
function filteredIndex(n: PlanNode, condition: string): string | undefined {
  const bare = typeof n.raw[K.RelationName] === 'string' ? String(n.raw[K.RelationName]) : undefined;
  const columns = conditionColumns(condition, [n.metrics.alias, n.metrics.relation, bare].filter((x): x is string => !!x));
  const table = bare ?? n.metrics.relation;
  return columns.length && table ? `${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')})` : undefined;
}

/** An index the scan's own filter could use that exists already (indexTipKind `exists`), or undefined. */
function existingIndex(n: PlanNode, options: AnalyzeOptions): { column: string; index: IndexLeadFact } | undefined {
  const filter = n.raw[K.Filter];
  if (typeof filter !== 'string') return undefined;
  const k = indexTipKind(n, filter, options);
  return k.kind === 'exists' ? k : undefined;
}

/** The tip's advice when no index should be proposed (indexTipKind `none` / `exists`), else undefined. */
function notAnIndexTip(n: PlanNode, condition: string, options: AnalyzeOptions): string | undefined {
  const k = indexTipKind(n, condition, options);
  const rel = n.metrics.relation ?? 'the table';
  if (k.kind === 'none') {
    return /SubPlan/.test(condition)
      ? `the condition is on a subquery's result, not on a column of ${rel}, so no index on ${rel} serves it. The subquery runs for every row read: make it cheap (an index for its own condition) or write it as a join (EXISTS / IN) that PostgreSQL can plan as one`
      : `the condition compares no column of ${rel}, so no index on ${rel} serves it`;
  }
  if (k.kind === 'exists') {
    return `${rel} already has an index leading with ${quoteIdent(k.column)} (${k.index.name}${k.index.unique ? ', unique' : ''}), and PostgreSQL read the table anyway: another index would not change that. Look at the row estimate, a cast or function on ${quoteIdent(k.column)} in the condition, or the table's size (Explain Analyze with enable_seqscan off shows the index's cost)`;
  }
  return undefined;
}

/**
 * The tip for a filter on a join's rows that is an OR whose arms each test another table's columns
 * (`((c.email = '…') OR (o.status = 'refunded'))` on a Hash Join of orders o and customers c): no scan below can apply
 * it, so every joined row is made and most thrown away. The fix is the query's shape, not an index: a UNION of two
 * queries each filtering one table (each by its own index), or EXISTS — as pgMustard says it (issue 20, person38 L3:
 * the tip read "inside the function, subquery or join condition" for a query without a function). Undefined for
 * any other filter.
 */
function orAcrossJoin(plan: Plan, n: PlanNode): string | undefined {
  if (!JOIN_NODES.has(String(n.raw[K.NodeType]))) return undefined;
  const cond = n.raw[K.JoinFilter] ?? n.raw[K.Filter];
  if (typeof cond !== 'string') return undefined;
  const arms = topLevelAnd(unwrap(cond), 'OR').map((a) => a.trim());
  if (arms.length < 2) return undefined;
  const sides = arms.map((a) => [...new Set(qualifiedColumns(a).map((c) => c.alias))]);
  // Each arm on one table's columns, and not all on the same table.
  if (sides.some((s) => s.length !== 1) || new Set(sides.map((s) => s[0])).size < 2) return undefined;
  // The table each alias reads, from the scans below the join.
  const below = (i: number): PlanNode[] => [plan.nodes[i], ...plan.nodes[i].children.flatMap(below)];
  const scans = n.children.flatMap(below);
  const tableOf = (alias: string) => {
    const s = scans.find((x) => x.metrics.alias === alias || x.metrics.relation === alias);
    const bare = s && typeof s.raw[K.RelationName] === 'string' ? String(s.raw[K.RelationName]) : s?.metrics.relation;
    return bare ?? alias;
  };
  const indexes = [...new Set(arms.map((a, i) => {
    const cols = [...new Set(qualifiedColumns(a).filter((c) => c.alias === sides[i][0]).map((c) => c.column))];
    return `${quoteIdent(tableOf(sides[i][0]))} (${cols.map(quoteIdent).join(', ')})`;
  }))];
  return `the filter is an OR whose arms test different tables (${arms.map((a, i) => `${tableOf(sides[i][0])}: ${shortLine(unwrap(a), 60)}`).join('; ')}), so no scan below the join can apply it: every joined row is made, then most are thrown away. Split the query into a UNION of ${arms.length === 2 ? 'two queries' : `${arms.length} queries`}, each with one arm in its WHERE, so each can read its own table by an index (${indexes.join(', ')}); UNION ALL is cheaper when each later query excludes the rows an earlier one returns (AND NOT …). When an arm only asks whether a row of the other table matches, EXISTS (SELECT 1 FROM … WHERE …) in the WHERE is the other way.`;
}

/**
 * Where a filter on rows no table scan reads can be applied sooner, naming only what the plan has: a function's rows
 * inside the function, a subquery's or CTE's inside it, a join's in a scan below or the join condition.
 */
function applyEarlier(n: PlanNode): string {
  const type = String(n.raw[K.NodeType]);
  if (type === 'Function Scan' || type === 'Table Function Scan') return 'apply the condition inside the function (pass it as an argument) so it returns fewer rows.';
  if (type === 'Subquery Scan') return 'move the condition into the subquery (its WHERE) so it produces fewer rows.';
  if (type === 'CTE Scan') return `move the condition into the CTE${typeof n.raw[K.CteName] === 'string' ? ` ${String(n.raw[K.CteName])}` : ''} (its WHERE), or let PostgreSQL inline it (NOT MATERIALIZED, PostgreSQL 12+), so it produces fewer rows.`;
  if (JOIN_NODES.has(type)) return "apply the condition earlier: a test of one table's columns in that table's own WHERE condition, a test comparing both in the join condition, so fewer rows are joined.";
  return 'apply the condition earlier in the query, where fewer rows are read.';
}

/** Calls in pg_stat_statements from which a statement recurs: below, a DELETE or UPDATE is a one-off. */
export const RECURRING_CALLS = 2;

/**
 * The one judgement whether a DELETE or UPDATE is a one-off, from its calls in pg_stat_statements (undefined: unknown):
 * one that has not recurred gets no index, in the plan viewer's tips (every one of them, proved or not) and in the
 * missing-index hover alike (person40 M1: tip 2 said "not worth it for a one-off statement" while tip 3 and the hover
 * offered orders (status)).
 */
export function oneOffWrite(calls: number | undefined): boolean {
  return calls !== undefined && calls < RECURRING_CALLS;
}

/**
 * Why a DELETE or UPDATE that has not recurred (oneOffWrite) gets no index: the plan tips' words, and Suggest Indexes'
 * when asked for it all the same (issue 20, person42 M4: its pick said nothing of it, right above the tip).
 */
export function oneOffWriteWhy(op: string, calls: number, table = 'the table'): string {
  return `this ${op} has not recurred (pg_stat_statements has ${calls === 0 ? 'no run' : 'one run'} of it), and an index is kept up by every write to ${table} from now on, to spare this one read: not worth it for a one-off statement`;
}

/**
 * Why no index should be proposed for this scan of a DELETE or UPDATE though its filter throws rows away, or undefined
 * (person38 L8: a one-off cleanup DELETE's plan was tipped an index on reviews (rating), a 5-value column). An index is
 * kept up by every later write to the table, to spare the statement's read, so for a write:
 * - one that has not recurred (pg_stat_statements, when connected: fewer than RECURRING_CALLS calls) gets none;
 * - unproved, with its calls unknown (a pasted plan), one whose whole-table scan keeps more than the index advice's bound
 *   (INDEX_MAX_SELECTIVITY, which the advice weighs from pg_stats) of the rows it reads, by the plan's own rows kept and
 *   removed, gets none either: the index would fetch rows from much of the table for a statement that may run once.
 * A read is held to the same selectivity bound, unproved (keepsTooMany).
 */
function notWorthIndex(plan: Plan, n: PlanNode, options: AnalyzeOptions, proved: boolean): string | undefined {
  const op = writeOperation(plan);
  if (!op) return undefined;
  const m = n.metrics;
  const rel = m.relation ?? 'the table';
  const upkeep = `an index is kept up by every write to ${rel} from now on, to spare this one read`;
  const calls = options.statementCalls;
  if (oneOffWrite(calls)) return `${oneOffWriteWhy(op, calls!, rel)}. Run it as it is (in batches if it holds its locks too long); if it is to run regularly, ${adviserOf(options)} weighs it then`;
  if (calls !== undefined || proved || !WHOLE_TABLE_SCANS.has(String(n.raw[K.NodeType])) || m.removedShare === undefined) return undefined;
  const kept = 1 - m.removedShare;
  if (kept <= INDEX_MAX_SELECTIVITY) return undefined;
  return `this ${op} keeps ${fmtPct(kept)} of the rows it reads, more than the ${fmtPct(INDEX_MAX_SELECTIVITY)} PG Lens proposes an index for unproved, and ${upkeep}: not worth it for a statement run once. If it runs regularly (connected, pg_stat_statements counts its calls), Explain Analyze it there: its tips then weigh those calls`;
}

/**
 * Whether a scan's proof is the planner's answer for this statement: one made for it. A proof borrowed from another
 * statement of the workspace on the same table and columns (`elsewhere`, a plan brought without its statement) was
 * measured on that statement's selectivity (person43 H2: `status = 'refunded'`, 0.5% of orders, lent its −69 % to
 * `status IN ('shipped','paid','pending')`, 13%): it does not switch off the selectivity bound (keepsTooMany) nor the
 * write's judgement (notWorthIndex).
 */
function ownProof(proof: Tip['proved'] | undefined): boolean {
  return !!proof && proof.elsewhere === undefined;
}

/**
 * Why no index is proposed for a whole-table scan whose filter keeps more of the rows it reads than an index pays off for
 * (INDEX_MAX_SELECTIVITY, the one bound the index advice weighs from pg_stats), or undefined. Unproved tips only: a proof
 * is the planner's own answer (person41: a pasted plan's tip proposed an index for `country = 'DE'`, 13% of 8,000
 * customers, which the advice would never suggest).
 */
function keepsTooMany(n: PlanNode, proved: boolean, options: AnalyzeOptions, of = 'of them'): string | undefined {
  const removed = removedShareOf(n, options);
  if (proved || !WHOLE_TABLE_SCANS.has(String(n.raw[K.NodeType])) || removed === undefined) return undefined;
  const kept = 1 - removed;
  if (kept <= INDEX_MAX_SELECTIVITY) return undefined;
  // PG Lens's own rule, said as its own: the planner may prefer an index at that share (person47 M1: "costs about as
  // much as reading the table" at 5.9% of orders, where an index cut the planner's cost by 42%).
  // Above the share the advice tries an index for, the words of its answer (core/advice/missingIndex noIndexAnswer).
  if (kept > INDEX_TRY_MAX_SELECTIVITY) return `${beyondTrialBound(`it keeps ${fmtPct(kept)} ${of}`)}, so no index is proposed`;
  // Where the advice tries one at that share (core/advice/indexCandidates: an ORDER BY the index gives), not a command a
  // pasted plan's page does not offer (person48 L-b: "(connected, Suggest Indexes tries it)" under a plan with no statement).
  // (person49 L-1: "for a statement whose ORDER BY the index also gives" no longer held once the filter's own index is tried
  // beside the ORDER BY's — and "on a connected database" read wrong on a pasted plan's page that was connected.)
  return `it keeps ${fmtPct(kept)} ${of}: PG Lens proposes an index for a filter keeping more than ${fmtPct(INDEX_MAX_SELECTIVITY)} only when the planner proves it for the statement itself (one that also orders its rows), so none is proposed from a plan alone`;
}

/**
 * Whether a whole-table scan's filter keeps a share of its rows the advice still tries an index for (above
 * INDEX_MAX_SELECTIVITY, at most INDEX_TRY_MAX_SELECTIVITY): keepsTooMany's "only when the planner proves it" band.
 */
function inTrialBand(n: PlanNode, options: AnalyzeOptions): boolean {
  const removed = removedShareOf(n, options);
  if (removed === undefined) return false;
  const kept = 1 - removed;
  return kept > INDEX_MAX_SELECTIVITY && kept <= INDEX_TRY_MAX_SELECTIVITY;
}

/**
 * The share of the rows a whole-table scan reads that its filter removes: measured (EXPLAIN ANALYZE), else estimated from
 * the plan's rows against the table's (pg_class.reltuples, AnalyzeOptions.relationRows) — an estimated plan of
 * `country = 'DE'` keeping 13% of customers had no tip and its hover no reason for no index, where the pasted ANALYZE plan
 * of the same filter said "keeps 13% … no index is proposed" (issue 20, person42 M5).
 */
function removedShareOf(n: PlanNode, options: AnalyzeOptions): number | undefined {
  const m = n.metrics;
  if (m.removedShare !== undefined) return m.removedShare;
  return estimatedRemoval(n, options)?.share;
}

/** A Seq Scan's filter's estimated removal on a plan without ANALYZE figures (removedShareOf), or undefined. */
function estimatedRemoval(n: PlanNode, options: AnalyzeOptions): { share: number; removed: number; total: number } | undefined {
  const m = n.metrics;
  if (m.rowsRemoved !== undefined || m.actualRowsTotal !== undefined || !WHOLE_TABLE_SCANS.has(String(n.raw[K.NodeType])) || n.raw[K.Filter] === undefined) return undefined;
  const total = tableRows(n, options);
  if (total === undefined || total <= 0) return undefined;
  const kept = Math.min(total, m.estRows * m.processes);
  return { share: 1 - kept / total, removed: total - kept, total };
}

/** The statement's write, from the plan's top node (a ModifyTable): 'DELETE' or 'UPDATE', else undefined. */
function writeOperation(plan: Plan): 'DELETE' | 'UPDATE' | undefined {
  return plan.nodes[0] ? deleteOrUpdate(plan.nodes[0].raw) : undefined;
}

/**
 * 'DELETE' or 'UPDATE' when an EXPLAIN's top node (`Plan` of the EXPLAIN object, or the object itself) is that write,
 * else undefined: the plans whose index tips weigh the statement's calls (AnalyzeOptions.statementCalls).
 */
export function deleteOrUpdate(explain: Record<string, unknown>): 'DELETE' | 'UPDATE' | undefined {
  const top = (explain[K.Plan] && typeof explain[K.Plan] === 'object' ? explain[K.Plan] : explain) as Record<string, unknown>;
  if (top[K.NodeType] !== 'ModifyTable') return undefined;
  const op = String(top[K.Operation] ?? '');
  return op === 'Delete' ? 'DELETE' : op === 'Update' ? 'UPDATE' : undefined;
}

/** Scans an index can replace: a table read whole (a parallel one too). */
const WHOLE_TABLE_SCANS = new Set(['Seq Scan']);
/** Scans through an index that may filter what they read (a Filter line): another index can serve the filter too. */
const FILTERING_INDEX_SCANS = new Set(['Index Scan', 'Index Only Scan', 'Bitmap Heap Scan']);

/**
 * The one sentence for a statement of the code whose index advice has not answered yet: a plan tip on a scan says it
 * (core/advice/missingIndex adviceTipAnswer: on every plan view, never an index of the tip's own), and so does the hover
 * while the editor's decision is under way (core/plan/brief hoverNoIndexNote, Tip.awaitsProof) — they said the one state
 * in two wordings ("…has not answered for this statement yet", "Checking whether an index helps…").
 */
export const ADVICE_PENDING = 'Checking whether an index helps — PG Lens\'s index advice has not answered for this statement yet ("Suggest indexes" asks it now)';

/**
 * The index advice's answer a scan's tip says instead of an index of its own (AnalyzeOptions.adviceAnswer): for a plan of
 * a statement of the code with no proof for this scan; undefined otherwise (a pasted plan keeps its own tip).
 */
function adviceAnswerFor(options: AnalyzeOptions, proof: Tip['proved'] | undefined): string | undefined {
  return proof || options.withStatement === false ? undefined : options.adviceAnswer;
}

/** The pointer to the index advisor ("…: see "Suggest indexes""), when the plan came with its statement. */
function suggest(options: AnalyzeOptions, lead: string): string {
  return options.withStatement === false ? '' : `${lead} ${adviserOf(options)}`;
}

/** The index advisor where the plan is shown: the editor's "Suggest indexes", or the surface's own (`pg-lens advise`). */
function adviserOf(options: AnalyzeOptions): string {
  return options.adviser ?? '"Suggest indexes"';
}

const JOIN_NODES = new Set(['Nested Loop', 'Hash Join', 'Merge Join']);
/** A function call in a condition (lower(email), date_trunc(…)), not a cast or an ANY (…) list. */
const CALL_IN_CONDITION = /\b(?!ANY\b|ALL\b)[A-Za-z_][\w.]*\(/;

/**
 * What can correct a misestimate at this node, or nothing (empty) when ANALYZE cannot change it:
 * - a join of a one-row side (a lookup by a unique key, estimated right) with more rows than planned: the planner
 *   takes the other table's average rows per key, and this key has more (one customer with 338 orders where the
 *   average is 4) — the key is known only at run time, so no statistic ANALYZE keeps foresees it;
 * - a condition on an expression (lower(email) = …): ANALYZE keeps no statistics for it without an index on the
 *   expression or CREATE STATISTICS on it (PostgreSQL 14+);
 * - a function's or a CTE's rows: they have no statistics at all.
 */
function misestimateRemedy(plan: Plan, n: PlanNode, relation: string | undefined, options: AnalyzeOptions): string {
  const type = String(n.raw[K.NodeType] ?? '');
  if (type === 'Function Scan') return ' Tell the planner how many rows the function returns (ALTER FUNCTION … ROWS n).';
  if (type === 'CTE Scan') return " A CTE's rows have no statistics, so conditions on them are guessed: fix the estimate inside the CTE, let PostgreSQL inline it (NOT MATERIALIZED, PostgreSQL 12+), or put its rows in a temporary table and ANALYZE it.";
  if (JOIN_NODES.has(type) && n.metrics.misestimateDirection === 'under' && n.children.some((c) => oneRowLookup(plan, plan.nodes[c]))) return '';
  const conditions = [K.Filter, K.IndexCond, K.RecheckCond].map((k) => n.raw[k]).filter((c): c is string => typeof c === 'string');
  const expr = relation ? conditions.map(comparedExpression).find((e) => e !== undefined) : undefined;
  if (relation && (expr || conditions.some((c) => CALL_IN_CONDITION.test(c)))) {
    // person23 LOW 5: `id % 2 = 0` was told to ANALYZE and raise the column's statistics target, which does not change
    // the planner's guess for an expression.
    const stats = expr ? `CREATE STATISTICS ${statisticsName(relation)} ON (${unwrap(expr)}) FROM ${relation}, then ANALYZE ${relation} (PostgreSQL 14+)` : 'CREATE STATISTICS on it (PostgreSQL 14+), then ANALYZE';
    return ` The condition is on an expression, which ANALYZE and a column's statistics target keep no statistics for: expression statistics (${stats}) or an index on the expression${options.withStatement === false ? '' : ` (see ${adviserOf(options)})`} give the planner its own.`;
  }
  return ` Run ANALYZE${relation ? ` ${relation}` : ''}; if the error stays, raise the column's statistics target or add CREATE STATISTICS for correlated columns.`;
}

/** Arithmetic on a column in a condition (`id % 2`, `price * qty`, `a || b`): an expression the column's statistics do not describe (as a function call is). */
const OPERATOR_ON_COLUMN = /(?:[A-Za-z_"][\w$".]*\)?\s*(?:%|\*|\/|\|\||\+|-(?!>))\s*\(?\s*['\w"$(])/;

/**
 * The expression one side of a condition's comparison computes from a column by arithmetic or a function (`((id %
 * '2'::bigint) = 0)` → `(id % '2'::bigint)`, `lower((email)::text)`; a bare cast is not one), or undefined when both sides are plain columns, constants or parameters; the first such of the
 * conditions an AND joins (an OR's are not read), from EXPLAIN's text.
 */
function comparedExpression(condition: string): string | undefined {
  const c = unwrap(condition);
  const parts = topLevelAnd(c);
  if (parts.length > 1) return parts.map(comparedExpression).find((e) => e !== undefined);
  const at = topLevelComparison(c);
  if (!at) return undefined;
  for (const side of [c.slice(0, at.start).trim(), c.slice(at.end).trim()]) {
    const bare = side.replace(/'(?:[^']|'')*'/g, "''");
    if (!conditionColumns(side).length) continue;
    if (CALL_IN_CONDITION.test(bare) || OPERATOR_ON_COLUMN.test(bare.replace(/::\s*[\w ]+(?:\[\])*/g, ''))) return side;
  }
  return undefined;
}

/** A condition without the brackets around the whole of it. */
function unwrap(condition: string): string {
  let c = condition.trim();
  while (c.startsWith('(') && closeOf(c, 0) === c.length - 1) c = c.slice(1, -1).trim();
  return c;
}

/** The conditions an AND (or an OR) joins at the top of a condition (outside brackets and quotes); the whole when none. */
function topLevelAnd(s: string, word: 'AND' | 'OR' = 'AND'): string[] {
  const out: string[] = [];
  const joiner = new RegExp(`^\\s${word}\\s`, 'i');
  const len = word.length + 2;
  let depth = 0;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === "'") {
      const j = s.indexOf("'", i + 1);
      if (j < 0) return [s];
      i = j;
    } else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (!depth && joiner.test(s.slice(i, i + len))) {
      out.push(s.slice(from, i));
      from = i + len;
      i += len - 2;
    }
  }
  out.push(s.slice(from));
  return out;
}

/** The index of the bracket closing the one opened at `open` (quotes skipped), or -1. */
function closeOf(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const ch = s[i];
    if (ch === "'") {
      i = s.indexOf("'", i + 1);
      if (i < 0) return -1;
    } else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return -1;
}

/** The one comparison operator at the top of a condition (outside brackets and quotes), unless an AND / OR joins several. */
function topLevelComparison(s: string): { start: number; end: number } | undefined {
  let depth = 0;
  let found: { start: number; end: number } | undefined;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === "'") {
      const j = s.indexOf("'", i + 1);
      if (j < 0) return undefined;
      i = j;
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (depth) continue;
    if (/^\s(?:AND|OR)\s/i.test(s.slice(i, i + 5))) return undefined;
    const op = /^(?:<>|!=|<=|>=|=|<|>|~~\*?|!~~\*?)/.exec(s.slice(i));
    if (op && !found) found = { start: i, end: i + op[0].length };
    if (op) i += op[0].length - 1;
  }
  return found;
}

/** A name for expression statistics on a table ("customers_expr_stat"). */
function statisticsName(relation: string): string {
  const bare = relation.split('.').pop()!.replace(/"/g, '');
  return quoteIdent(`${bare}_expr_stat`);
}

/**
 * A one-node plan whose estimate cannot change it (person23 LOW 5: "could save ~2.9 ms" on a Seq Scan that keeps half of
 * customers): a whole-table read with nothing above it that keeps a large share of the table (or has no filter) is the
 * plan for those rows however many the planner expected.
 */
function noOtherPlan(n: PlanNode): boolean {
  if (n.parent >= 0 || n.children.length || !WHOLE_TABLE_SCANS.has(String(n.raw[K.NodeType] ?? ''))) return false;
  return n.metrics.removedShare === undefined || n.metrics.removedShare <= 1 - NO_OTHER_PLAN_KEEPS;
}

/** The share of a table a whole-table read keeps from which no index read would be cheaper. */
const NO_OTHER_PLAN_KEEPS = 0.2;

/**
 * A scan of a table that reads about one row per loop: a unique-key probe (`Index Scan using customers_pkey … Index Cond:
 * (id = o.customer_id)`, 131 loops of one row, Filter: (country = 'DE')). Each probe reads the one row its key finds and
 * the filter only decides whether to keep it: no index spares that read, however many loops add up (issue 20, person21
 * MEDIUM 2: "an index covering the filter avoids reading them" for a primary-key lookup).
 */
function oneRowPerLoop(n: PlanNode): boolean {
  const m = n.metrics;
  if (!m.relation || m.rowsRemoved === undefined) return false;
  return (m.rowsRemoved + (m.actualRowsTotal ?? 0)) / Math.max(1, m.loops) <= ONE_ROW_READ;
}

/** Rows read per loop up to which a scan is one row per probe (PostgreSQL rounds the per-loop counts it prints). */
const ONE_ROW_READ = 1.5;

/** A join input of one row, estimated as one (through the Hash the inner side is built in). */
function oneRowLookup(plan: Plan, n: PlanNode): boolean {
  const side = n.raw[K.NodeType] === 'Hash' && n.children.length === 1 ? plan.nodes[n.children[0]] : n;
  const m = side.metrics;
  return m.estRows <= 1 && (m.actualRows === undefined || m.actualRows <= 1);
}

/** One tip per actionable warning, ranked by what it could save. */
export function rankTips(plan: Plan, anc: Ancestry, options: AnalyzeOptions = {}): Tip[] {
  const tips: Tip[] = [];
  const unit = plan.analyzed ? 'ms' : 'cost';
  for (const n of plan.nodes) {
    const m = n.metrics;
    const own = plan.analyzed ? (m.exclusiveMs ?? 0) : m.exclusiveCost;
    const incl = plan.analyzed ? (m.inclusiveMs ?? 0) : m.inclusiveCost;
    const parent = n.parent >= 0 ? plan.nodes[n.parent] : undefined;
    const parentOwn = parent ? (plan.analyzed ? (parent.metrics.exclusiveMs ?? 0) : parent.metrics.exclusiveCost) : 0;
    const label = nodeLabel(n);
    const rel = m.relation ?? 'the table';
    for (const w of n.warnings) {
      let text: string | undefined;
      let saving = 0;
      let proof: Tip['proved'];
      // A tip that proposes no change (an index exists already; the condition is on no column of the table): its figure is
      // the time at stake, not a saving ("another index would not change that … could save ~791 ms", person31 H1).
      let atStake = false;
      // The one judgement that an index is not worth it for this write (notWorthIndex), when it declined one here.
      let declined: string | undefined;
      // Declined on the selectivity bound a proof for the statement overturns (Tip.awaitsProof).
      let awaitsProof = false;
      switch (w.kind) {
        case 'time-share':
          continue;
        case 'seq-scan-selective': {
          const total = (m.actualRowsTotal ?? 0) + (m.rowsRemoved ?? 0);
          const share = m.removedShare ?? (total ? 1 - (m.actualRowsTotal ?? 0) / total : 0.9);
          const proved = provedFor(plan, n, options, anc);
          proof = proved?.proof;
          const mine = ownProof(proof);
          // "Few" only where the advice would call it so (person49 L-1: "to keep few rows" for 52k of 600k, 8.6%).
          const few = 1 - share <= INDEX_MAX_SELECTIVITY ? ' to keep few rows' : '';
          const scan = `${label} reads the whole table${few} (${w.message.replace(/^Sequential scan of /, '').replace(/\.$/, '')})`;
          // Declined (the hover's "No index for it"): a write not worth one, or a filter keeping too much for one (person42 M5).
          const worth = notWorthIndex(plan, n, options, mine);
          declined = worth ?? keepsTooMany(n, mine, options, 'of the rows it reads');
          awaitsProof = !!declined && !worth && inTrialBand(n, options);
          // A statement of the code with no proof here: the advice's answer, never an index of the tip's own (person48 L-f);
          // once decided, it is the one judgement of the share kept too (the hover defers to it so).
          const answer = adviceAnswerFor(options, proof);
          const tooMany = keepsTooMany(n, mine, options);
          const not = worth ?? (tooMany && answer !== ADVICE_PENDING ? answer ?? tooMany : tooMany) ?? (proof ? undefined : notAnIndexTip(n, String(n.raw[K.Filter] ?? ''), options)) ?? answer;
          atStake = !!not;
          if (not) proof = undefined;
          // Unproved, the index the condition's columns make (person32 L1: the hover named order_items (product_id) for
          // the same scan, the tip only "the filtered columns").
          const named = proof ? undefined : filteredIndex(n, String(n.raw[K.Filter] ?? ''));
          // A shared index's keys are not this scan's filtered columns alone: said as Problems says it (person52 L-5: "An index on
          // the filtered columns …: reviews (customer_id, rating)" for a statement filtering on customer_id and created_at),
          // the sharing once (person55 L-8: "One index for this and other statements … (one index shared with 1 other statement)").
          const shared = proof?.shared;
          text = not ? `${scan}: ${not}.` : shared ? `${scan}: ${proof!.index} lets PostgreSQL read only the rows this one needs (${shared}).` : `${scan}. An index on ${named ?? 'the filtered columns'} lets PostgreSQL read only those${proof ? `: ${proof.index}` : suggest(options, ': see')}.${proof ? '' : widerProof(plan, n, options)}`;
          // An index replaces the scan and, for a parallel scan, the Gather above it.
          saving = proved ? proved.saving : Math.max(share, 0.9) * (m.parallel ? gatherInclusive(plan, n, anc) : incl);
          break;
        }
        case 'filter-removes': {
          // Rows read in whole rows: per-loop counts are printed rounded (0.17 rows × 131 loops).
          const est = m.removedShare === undefined ? estimatedRemoval(n, options) : undefined;
          const cond = n.raw[K.Filter] !== undefined ? `Filter: ${String(n.raw[K.Filter])}` : `Join Filter: ${String(n.raw[K.JoinFilter] ?? '…')}`;
          const what = est
            ? `${label} removes about ${fmtPct(est.share)} of the ${fmtCount(est.total)} rows it reads (estimated; ${cond})`
            : `${label} removes ${fmtPct(m.removedShare)} of the ${fmtCount(Math.round((m.rowsRemoved ?? 0) + (m.actualRowsTotal ?? 0)))} rows it reads (${cond})`;
          const proved = provedFor(plan, n, options, anc);
          proof = proved?.proof;
          const mine = ownProof(proof);
          const worth = m.relation ? notWorthIndex(plan, n, options, mine) : undefined;
          declined = worth ?? (m.relation ? keepsTooMany(n, mine, options, 'of the rows it reads') : undefined);
          awaitsProof = !!declined && !worth && inTrialBand(n, options);
          const answer = m.relation ? adviceAnswerFor(options, proof) : undefined;
          const tooMany = m.relation ? keepsTooMany(n, mine, options) : undefined;
          const not = worth ?? (tooMany && answer !== ADVICE_PENDING ? answer ?? tooMany : tooMany) ?? (m.relation && !proof && n.raw[K.Filter] !== undefined ? notAnIndexTip(n, String(n.raw[K.Filter]), options) : undefined) ?? answer;
          atStake = !!not;
          if (not) proof = undefined;
          text = not ? `${what}: ${not}.`
            : m.relation
            ? `${what}: an index (or a partial index) covering the filter avoids reading them${proof ? `: ${proof.index}` : suggest(options, '; see')}.${proof ? '' : widerProof(plan, n, options)}`
            : `${what}: ${orAcrossJoin(plan, n) ?? applyEarlier(n)}`;
          saving = proved ? proved.saving : own * (m.removedShare ?? est?.share ?? 0);
          break;
        }
        case 'misestimate':
          // The root cause is the lowest node: a parent that only inherits the error gets no tip. A node with no
          // parent (a one-node plan) has no plan above it: its own access method was chosen on the estimate.
          if (n.children.some((c) => plan.nodes[c].warnings.some((x) => x.kind === 'misestimate') && plan.nodes[c].metrics.misestimateDirection === m.misestimateDirection)) continue;
          if (noOtherPlan(n)) {
            // Nothing to save in this plan: the estimate matters to the plans that build on these rows (a join, a sort).
            text = `${label}: the planner expected ${fmtCount(m.estRows)} rows and got ${fmtCount(m.actualRows)} (${fmtFactor(m.misestimate)} ${m.misestimateDirection === 'under' ? 'more' : 'fewer'}). Reading the whole table is the plan for ${m.removedShare === undefined ? 'every row' : `${fmtPct(1 - m.removedShare)} of its rows`} either way, so a better estimate changes nothing here; it matters where a join or a sort is planned on these rows.${misestimateRemedy(plan, n, m.relation, options)}`;
            tips.push({ nodeId: n.id, kind: w.kind, unit, grade: w.grade, saving: 0, text, unpriced: true });
            continue;
          }
          text = `${label}: the planner expected ${fmtCount(m.estRows)} rows and got ${fmtCount(m.actualRows)} (${fmtFactor(m.misestimate)} ${m.misestimateDirection === 'under' ? 'more' : 'fewer'}), so ${parent ? 'the plan above it was' : m.relation ? 'the way it reads the table was' : 'its method was'} chosen on wrong numbers.${misestimateRemedy(plan, n, m.relation, options)}`;
          saving = shapedTime(plan, n) * 0.5;
          break;
        case 'sort-disk':
          text = `${label} sorts on disk (${fmtCount(num(n.raw[K.SortSpaceUsed]))} kB): raise work_mem for this query (e.g. SET LOCAL work_mem = '${suggestMem(num(n.raw[K.SortSpaceUsed]))}') or give it the order from an index on the Sort Key.`;
          saving = own * 0.5;
          break;
        case 'hash-batches':
          text = `${label} builds its hash table in ${String(n.raw[K.HashBatches])} batches on disk: raise work_mem (or hash_mem_multiplier) so it fits in memory, or reduce the rows hashed.`;
          saving = (own + parentOwn) * 0.4;
          break;
        case 'hashagg-disk':
          text = `${label} spills its groups to disk: raise work_mem (or hash_mem_multiplier) for this query.`;
          saving = own * 0.4;
          break;
        case 'lossy-bitmap': {
          const lossy = num(n.raw[K.LossyHeapBlocks]) ?? 0;
          const exact = num(n.raw[K.ExactHeapBlocks]) ?? 0;
          text = `${label} rechecks every row of ${fmtCount(lossy)} lossy blocks: raise work_mem so the bitmap stays exact.`;
          saving = own * (lossy / Math.max(lossy + exact, 1)) * 0.5;
          break;
        }
        case 'heap-fetches': {
          const f = num(n.raw[K.HeapFetches]) ?? 0;
          text = `${label} visits the table for ${fmtCount(f)} rows: VACUUM ${rel} so its visibility map lets the index-only scan skip the table.`;
          saving = own * Math.min(1, f / Math.max(m.actualRowsTotal ?? f, 1)) * 0.5;
          break;
        }
        case 'workers-launched': {
          const p = num(n.raw[K.WorkersPlanned]) ?? 0;
          const l = num(n.raw[K.WorkersLaunched]) ?? 0;
          text = `${label} planned ${p} workers but got ${l}: the server ran out of parallel workers (max_parallel_workers / max_worker_processes); the query ran slower than planned.`;
          saving = incl * (1 - (l + 1) / (p + 1));
          break;
        }
        case 'nested-loop-many': {
          const inner = n.children.map((c) => plan.nodes[c]).find((c) => c.raw[K.ParentRelationship] === Rel.Inner);
          const innerTime = inner ? (plan.analyzed ? (inner.metrics.inclusiveMs ?? 0) : inner.metrics.inclusiveCost) : 0;
          const lookup = inner ? indexLookup(plan, inner) : undefined;
          const memo = inner?.raw[K.NodeType] === 'Memoize' ? memoHitRatio(inner) : undefined;
          if (memo !== undefined && memo >= 0.5) {
            text = `${label} repeats ${nodeLabel(inner!)}, which answers ${fmtPct(memo)} of the lookups from its cache: the remaining cost is the number of outer rows; fewer outer rows (a more selective outer side) or better row estimates (so the planner can weigh a Hash Join) would help.`;
            saving = innerTime * (1 - memo) * 0.5;
            // No change proposed here (fewer rows, better estimates): its figure is the time at stake (person32 L1).
            atStake = true;
          } else if (inner && !scansTable(plan, inner)) {
            // A CTE, a function, a subquery or a Result: there is no table to index.
            text = `${label} repeats ${nodeLabel(inner)} once per outer row: it reads no table, so no index can make each repetition cheap; fewer outer rows, or better row estimates so the planner can weigh a Hash Join, would help.`;
            saving = innerTime * 0.3;
            atStake = true;
          } else if (lookup) {
            text = `${label} repeats ${nodeLabel(lookup)} once per outer row: each repetition is already an index lookup, so the cost is the number of repetitions; fewer outer rows, or better row estimates so the planner can weigh a Hash Join, would help.`;
            saving = innerTime * 0.3;
            atStake = true;
          } else if (inner && existingIndex(inner, options)) {
            // An index that exists already (person14 #8: Tags.name, the primary key): another would not change the plan.
            const { column, index } = existingIndex(inner, options)!;
            text = `${label} repeats ${nodeLabel(inner)} once per outer row, although ${inner.metrics.relation ?? 'the table'} has an index leading with ${quoteIdent(column)} (${index.name}${index.unique ? ', unique' : ''}): PostgreSQL chose to read the table each time. Better row estimates (so the planner can weigh the index or a Hash Join) or fewer outer rows would help; another index would not.`;
            saving = innerTime * 0.3;
            atStake = true;
          } else {
            text = `${label} repeats ${inner ? nodeLabel(inner) : 'its inner side'} once per outer row: with an index on the join column of the inner table each repetition is cheap; with better row estimates the planner may pick a Hash Join.`;
            saving = innerTime * 0.5;
          }
          break;
        }
        case 'recheck-removes':
          text = `${label} rechecks rows its index could not filter exactly: a more selective index (or more work_mem for the bitmap) avoids it.`;
          saving = own * 0.3;
          break;
        case 'parallel-overhead': {
          const work = parallelWork(plan, n) ?? 0;
          const launched = num(n.raw[K.WorkersLaunched]);
          text = `${label} spent ${fmtMs(own)} (${fmtPct(m.timeShare)} of the execution) starting ${launched ?? 'its'} worker${launched === 1 ? '' : 's'}, passing ${launched === 1 ? 'its' : 'their'} rows to the leader and waiting for them, while the work under it took ${fmtMs(work)} in all processes together: run by one process, this query would have been faster. SET max_parallel_workers_per_gather = 0 for it, or raise parallel_setup_cost so the planner keeps plans this small serial (worker start-up is slower on a busy server).`;
          saving = incl - work;
          break;
        }
        case 'memoize-evictions':
          text = `${label} evicts cache entries: raise work_mem / hash_mem_multiplier so the cache holds every key.`;
          saving = own * 0.3;
          break;
      }
      if (text) tips.push({ nodeId: n.id, kind: w.kind, text, saving, unit, grade: w.grade, ...(proof ? { proved: proof } : {}), ...(atStake ? { atStake: true as const } : {}), ...(declined ? { declined } : {}), ...(awaitsProof ? { awaitsProof: true as const } : {}) });
    }
    // A whole-table scan that took a share of the time (or cost) on a table the advice proved an index for, with no
    // tip above naming it: the scan keeps most of its rows or its filter is a join's condition (the Seq Scan on orders
    // under a Hash Join on customer_id, 91% of the time, beside the hover's proved orders (customer_id)).
    const share = m.timeShare ?? m.costShare;
    // Not for a write judged a one-off (notWorthIndex): a tip above says so, and this one would offer the index it declines
    // (person40 M1: "not worth it for a one-off statement" beside "orders (status), proved by the planner").
    // An index scan that filters the rows it reads through another index (`Index Scan Backward using orders_placed_at_idx`,
    // Filter: status = 'refunded', under a LIMIT): an estimated plan counts no rows removed, so no filter tip names the
    // proof the hover shows (person41 L8: Open plan had no Tips beside the hover's proved orders (status, placed_at DESC)).
    const filtering = FILTERING_INDEX_SCANS.has(String(n.raw[K.NodeType])) && typeof n.raw[K.Filter] === 'string';
    if ((WHOLE_TABLE_SCANS.has(String(n.raw[K.NodeType])) || filtering) && share >= THRESHOLDS.timeShare[0] && !tips.some((t) => t.nodeId === n.id && t.proved) && !notWorthIndex(plan, n, options, true)) {
      const proved = provedFor(plan, n, options, anc);
      // A proof borrowed from another statement is held to the selectivity bound and to the write's judgement, as the
      // tips above are (person43 H2): a filter keeping 13% is not that statement's 0.5%.
      const borrowedDeclined = proved && !ownProof(proved.proof) && (notWorthIndex(plan, n, options, false) ?? keepsTooMany(n, false, options));
      if (proved && !borrowedDeclined) {
        const took = plan.analyzed ? `${fmtPct(share)} of the execution time (${fmtMs(m.exclusiveMs)})` : `${fmtPct(share)} of the plan's cost`;
        const reads = filtering ? `filters the rows it reads (Filter: ${String(n.raw[K.Filter])})` : 'reads the whole table';
        tips.push({
          nodeId: n.id, kind: 'proved-index', unit, grade: grade3(share, THRESHOLDS.timeShare) || 1, saving: proved.saving, proved: proved.proof,
          text: `${label} ${reads} and takes ${took}: ${proved.proof.index}, ${provedForWhom(proved.proof, ' on this table')}, lets PostgreSQL look up only the rows it needs.`,
        });
      }
    }
  }
  tips.push(...joinProbeTips(plan, tips, options, anc));
  capMisestimates(plan, tips);
  tips.push(...outsideTips(plan, options));
  tips.push(...topNSortTips(plan, options, anc));
  // A tip that could save under 1% of the whole is noise next to the others.
  const whole = plan.analyzed ? Math.max(plan.executionMs ?? 0, plan.nodes[0]?.metrics.inclusiveMs ?? 0) : plan.totalCost;
  return tips.filter((t) => t.unpriced || t.saving >= whole * 0.01).sort((a, b) => b.saving - a.saving || b.grade - a.grade);
}

/** `alias.column` pairs of a join condition ("(article.author_id = userprofile.id)"), quotes undone. */
function qualifiedColumns(cond: string): { alias: string; column: string }[] {
  const part = '("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)';
  const unq = (x: string) => (x.startsWith('"') ? x.slice(1, -1).replace(/""/g, '"') : x);
  const text = cond.replace(/'(?:[^']|'')*'/g, ' ');
  return [...text.matchAll(new RegExp(`${part}\\.${part}`, 'g'))].map((m) => ({ alias: unq(m[1]), column: unq(m[2]) }));
}

/**
 * A whole-table scan on the probe (outer) side of a Hash or Merge Join that keeps few of its rows, which took a share of
 * the time (or cost) and has no tip of its own: an index on its join column lets PostgreSQL look up only the rows the
 * join keeps (person20 LOW 3: the 514 ms Parallel Seq Scan on article, 67% of the time, 4 rows of 200k kept by the
 * Hash Join on author_id, had no tip after Explain Analyze; the hover named article (author_id), not proved). The
 * proved-index tip says it with the proof when the advice has one; this one says it is not proved.
 */
function joinProbeTips(plan: Plan, tips: readonly Tip[], options: AnalyzeOptions, anc: Ancestry): Tip[] {
  const out: Tip[] = [];
  const unit = plan.analyzed ? 'ms' : 'cost';
  const rowsOf = (x: PlanNode) => x.metrics.actualRowsTotal ?? x.metrics.estRows * x.metrics.estLoops * (x.metrics.parallel ? Math.max(1, x.metrics.processes) : 1);
  for (const n of plan.nodes) {
    const m = n.metrics;
    const share = m.timeShare ?? m.costShare;
    if (!WHOLE_TABLE_SCANS.has(String(n.raw[K.NodeType])) || !m.relation || share < THRESHOLDS.timeShare[0] || tips.some((t) => t.nodeId === n.id)) continue;
    if (n.raw[K.ParentRelationship] !== Rel.Outer || n.parent < 0) continue;
    const join = plan.nodes[n.parent];
    const type = String(join.raw[K.NodeType]);
    const cond = join.raw[type === 'Hash Join' ? K.HashCond : K.MergeCond];
    if ((type !== 'Hash Join' && type !== 'Merge Join') || typeof cond !== 'string' || (join.raw[K.JoinType] !== 'Inner' && join.raw[K.JoinType] !== 'Semi')) continue;
    const read = rowsOf(n) + (m.rowsRemoved ?? 0) * (plan.analyzed ? m.loops : 0);
    // The rows the join condition matched: those its Join Filter then removed were matched by the key too (person38 L3:
    // an OR across the join's tables kept 165 of 32k orders, and an index on the join key was tipped for it).
    const kept = rowsOf(join) + (plan.analyzed ? (join.metrics.rowsRemoved ?? 0) : 0);
    if (read < THRESHOLDS.largeTableRows || kept > THRESHOLDS.selectiveShare * read) continue;
    const mine = qualifiedColumns(cond).filter((c) => c.alias === (m.alias ?? m.relation) || c.alias === m.relation).map((c) => c.column);
    if (!mine.length) continue;
    const kind = indexTipKind(n, mine.map(quoteIdent).join(' = '), options);
    if (kind.kind !== 'index') continue;
    const took = plan.analyzed ? `${fmtPct(share)} of the execution time (${fmtMs(m.exclusiveMs)})` : `${fmtPct(share)} of the plan's cost`;
    const time = plan.analyzed ? (m.parallel ? gatherInclusive(plan, n, anc) : (m.inclusiveMs ?? 0)) : m.exclusiveCost;
    const index = `${m.relation} (${mine.map(quoteIdent).join(', ')})`;
    const answer = adviceAnswerFor(options, undefined);
    out.push({
      nodeId: n.id, kind: 'join-probe-index', unit, grade: grade3(share, THRESHOLDS.timeShare) || 1, saving: time * (1 - kept / Math.max(read, 1)) * 0.5,
      text: `${nodeLabel(n)} reads all ${fmtCount(read)} rows and takes ${took}, but the ${type} above keeps ${fmtCount(kept)} of them on ${cond}: ${answer ? `${answer}.` : `an index on ${index} lets PostgreSQL look up only those rows (not proved${suggest(options, ': see')}).`}`,
      ...(answer ? { atStake: true as const } : {}),
    });
  }
  return out;
}

/** Nodes a Limit reads its rows through without changing their order. */
const ORDER_KEEPING = new Set(['Gather Merge', 'Result', 'Subquery Scan', 'Unique']);

/** `alias.column` or `column` of a Sort Key (quotes undone); undefined for an expression. */
function sortKeyColumn(key: string): { alias?: string; column: string } | undefined {
  const part = '("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)';
  const m = new RegExp(`^(?:${part}\\.)?${part}(?: (?:DESC|ASC|NULLS FIRST|NULLS LAST|USING \\S+))*$`).exec(key.trim());
  if (!m) return undefined;
  const unq = (s: string) => (s.startsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s);
  return { ...(m[1] ? { alias: unq(m[1]) } : {}), column: unq(m[2]) };
}

/**
 * A top-N Sort (a Sort a Limit reads, through Gather Merge) over at least 10,000 rows whose leading Sort Key is a column
 * of one table scanned below it in full: an index on that column (after the table's own equality filters) gives the
 * rows in that order, so the sort goes — or, when later keys are a joined table's (Django's `Meta.ordering = ['title',
 * 'author']` with a ListView: ORDER BY book.title, author.last_name … LIMIT 10 OFFSET n), only the ties are sorted
 * (Incremental Sort) — and the scan stops after the LIMIT (issue 20, person17 HIGH 4: the plan viewer had no tip for a
 * top-N Sort over a 200k-row join, the app's costliest statement; pev2 and pgMustard point at such sorts).
 */
function topNSortTips(plan: Plan, options: AnalyzeOptions, anc: Ancestry): Tip[] {
  const out: Tip[] = [];
  for (const n of plan.nodes) {
    if (n.raw[K.NodeType] !== 'Sort') continue;
    let up = n.parent >= 0 ? plan.nodes[n.parent] : undefined;
    while (up && ORDER_KEEPING.has(String(up.raw[K.NodeType]))) up = up.parent >= 0 ? plan.nodes[up.parent] : undefined;
    if (!up || up.raw[K.NodeType] !== 'Limit') continue;
    const keys = Array.isArray(n.raw[K.SortKey]) ? (n.raw[K.SortKey] as unknown[]).map(String) : [];
    const lead = keys.length ? sortKeyColumn(keys[0]) : undefined;
    if (!lead) continue;
    // The scans below the Sort (not through another Sort or an aggregate, whose rows are not a table's).
    const scans: PlanNode[] = [];
    let joins = 0;
    const walk = (x: PlanNode) => {
      const t = String(x.raw[K.NodeType]);
      if (JOIN_NODES.has(t)) joins++;
      if (t === 'Sort' || t === 'Aggregate' || t === 'Incremental Sort' || t === 'WindowAgg') return;
      if (x.metrics.relation) scans.push(x);
      for (const c of x.children) walk(plan.nodes[c]);
    };
    for (const c of n.children) walk(plan.nodes[c]);
    const owner = lead.alias ? scans.find((s) => (s.metrics.alias ?? s.metrics.relation) === lead.alias || s.metrics.relation === lead.alias) : scans.length === 1 ? scans[0] : undefined;
    if (!owner || !WHOLE_TABLE_SCANS.has(String(owner.raw[K.NodeType]))) continue;
    const input = n.children.length ? plan.nodes[n.children[0]] : undefined;
    // Actual rows are summed over loops (each worker a loop); planned rows are per process.
    const rows = !input ? 0 : input.metrics.actualRowsTotal ?? input.metrics.estRows * input.metrics.estLoops * (input.metrics.parallel ? Math.max(1, input.metrics.processes) : 1);
    if (rows < THRESHOLDS.largeTableRows) continue;
    const otherKeys = keys.slice(1).map(sortKeyColumn);
    const allOwner = otherKeys.every((k) => k && (k.alias === undefined ? !lead.alias : k.alias === lead.alias));
    const leading = [lead.column];
    if (allOwner) for (const k of otherKeys) leading.push(k!.column);
    else for (const k of otherKeys) {
      if (!k || k.alias !== lead.alias) break;
      leading.push(k.column);
    }
    const table = owner.metrics.relation!;
    const cols = leading.map(quoteIdent).join(', ');
    const proved = provedFor(plan, owner, options, anc);
    const limit = num(up.raw[K.PlanRows]);
    const sortWork = plan.analyzed ? (n.metrics.inclusiveMs ?? 0) : n.metrics.inclusiveCost;
    const took = plan.analyzed ? `${fmtMs(n.metrics.inclusiveMs)} with what it reads` : `cost ${fmtCount(Math.round(n.metrics.inclusiveCost))}`;
    const what = `${nodeLabel(n)} orders all ${fmtCount(Math.round(rows))} rows${joins ? ' of the join' : ''} to return ${limit !== undefined ? fmtCount(limit) : 'a few'} (${took})`;
    const fix = allOwner
      ? `an index on ${table} (${cols}) gives the rows in that order, so the Sort goes and the scan stops after the LIMIT`
      : `its leading key${leading.length === 1 ? ' is' : 's are'} ${table}'s (${cols}): an index on ${table} (${cols}) gives the rows in that order, so PostgreSQL sorts only their ties by the later keys (Incremental Sort) and stops reading after the LIMIT`;
    const answer = adviceAnswerFor(options, proved?.proof);
    out.push({
      ...(answer ? { atStake: true as const } : {}),
      nodeId: n.id, kind: 'top-n-sort', unit: plan.analyzed ? 'ms' : 'cost', grade: grade3(plan.analyzed ? (n.metrics.inclusiveMs ?? 0) / Math.max(plan.executionMs ?? 1, 1) : n.metrics.inclusiveCost / Math.max(plan.totalCost, 1), THRESHOLDS.timeShare) || 1,
      saving: proved ? proved.saving : sortWork * 0.5,
      ...(proved ? { proved: proved.proof } : {}),
      text: answer ? `${what}: ${answer}.` : `${what}: ${fix}${proved ? ` (${provedForWhom(proved.proof)}: ${proved.proof.index})` : suggest(options, '; see')}.`,
    });
  }
  return out;
}

/** A trigger PostgreSQL runs for a foreign key (RI_ConstraintTrigger_…, or named by its constraint in JSON without VERBOSE). */
function isForeignKeyTrigger(t: Pick<TriggerTime, 'name' | 'constraint'>): boolean {
  return t.constraint !== undefined || /^RI_ConstraintTrigger/.test(t.name);
}

/**
 * The foreign-key checks and cascades an analysed plan's statement made PostgreSQL run: its RI triggers' calls, each one
 * statement that pg_stat_statements counts when it tracks nested statements (the workload's "PostgreSQL's own
 * foreign-key checks"). 0 for an estimated plan.
 */
export function foreignKeyTriggerCalls(plan: Pick<Plan, 'triggers'>): number {
  return plan.triggers.reduce((n, t) => n + (isForeignKeyTrigger(t) ? t.calls : 0), 0);
}

/**
 * Which side of its foreign key a trigger runs on. `check`: on the referencing table, at an INSERT or an UPDATE of its
 * key — each call looks the referenced row up by the key it points at, which always has a unique index; `action`: on the
 * referenced table, at a DELETE or an UPDATE of its key — each call searches the referencing rows, a scan of the
 * referencing table without an index on its columns. PostgreSQL names the first RI_ConstraintTrigger_c_…, the second
 * RI_ConstraintTrigger_a_… (JSON and VERBOSE text); else the relation it ran on, with the catalog's foreign key, or the
 * statement's own write tells (an INSERT fires only checks, a DELETE only actions); undefined when none does (person37
 * H1: an INSERT into reviews was told to "index the referencing columns of reviews_product_id_fkey").
 */
function foreignKeySide(t: Pick<TriggerTime, 'name' | 'relation'>, fact: ForeignKeyFact | undefined, writes: ReadonlySet<string>): 'check' | 'action' | undefined {
  if (/^RI_ConstraintTrigger_c_/.test(t.name)) return 'check';
  if (/^RI_ConstraintTrigger_a_/.test(t.name)) return 'action';
  if (fact && t.relation) {
    const rel = t.relation.toLowerCase();
    const bare = (q: string) => q.toLowerCase().split('.').pop();
    const referencing = rel === fact.table.toLowerCase() || rel === `${fact.schema}.${fact.table}`.toLowerCase();
    const referenced = rel === fact.referenced.toLowerCase() || rel === bare(fact.referenced);
    if (referencing !== referenced) return referencing ? 'check' : 'action';
  }
  if (writes.size === 1) {
    if (writes.has('Insert')) return 'check';
    if (writes.has('Delete')) return 'action';
  }
  return undefined;
}

/**
 * Time outside the node tree: triggers (foreign-key checks and cascades run as triggers) and JIT.
 * A foreign key's action trigger that takes a large share is almost always a referencing column without
 * an index: each deleted or updated key scans the referencing table. Its check trigger (an INSERT or UPDATE of the
 * referencing rows) looks the referenced key up by its unique index: nothing to index there.
 */
function outsideTips(plan: Plan, options: AnalyzeOptions): Tip[] {
  const out: Tip[] = [];
  const exec = plan.executionMs ?? 0;
  if (!plan.analyzed || exec <= 0) return out;
  const writes = new Set(plan.nodes.filter((n) => n.raw[K.NodeType] === 'ModifyTable' && typeof n.raw[K.Operation] === 'string').map((n) => String(n.raw[K.Operation])));
  for (const t of plan.triggers) {
    const share = t.timeMs / exec;
    if (share < 0.1 || t.timeMs < 1) continue;
    const fk = isForeignKeyTrigger(t);
    const g: Grade = share > 0.4 ? 3 : 2;
    const fact = t.constraint ? options.foreignKeys?.get(t.constraint) : undefined;
    const side = fk ? foreignKeySide(t, fact, writes) : undefined;
    const took = `took ${fmtMs(t.timeMs)} in ${countOf(t.calls, 'trigger call', fmtCount)} (${fmtPct(share)} of the execution), outside every plan node`;
    // No index to add (the referenced key's, or the referencing columns' proved in the catalog): the figure is the
    // trigger's own time at stake, never a saving (person40 M1: "could save ~4.4 ms", a fifth of its 22 ms, read as the
    // statement's index saving beside it).
    if (side === 'check') {
      const name = t.constraint ?? t.name;
      out.push({
        nodeId: 0, kind: 'fk-trigger', grade: 1, unit: 'ms', saving: t.timeMs, atStake: true,
        text: `Foreign key ${name} ${took}: each call checks that the row it points at exists${fact ? ` in ${fact.referenced}` : ''}, a lookup by that table's key, whose unique index is always there — no index to add. The time is the checks themselves (the first call also plans the check): fewer rows per statement, or inserting many rows in one statement, would help.`,
      });
    } else if (fk && fact) {
      // Proved against the catalog.
      const target = qualifiedName(fact.schema, fact.table);
      const cols = fact.columns.map(quoteIdent).join(', ');
      out.push(fact.indexed
        ? {
            nodeId: 0, kind: 'fk-trigger', grade: 1, unit: 'ms', saving: t.timeMs, atStake: true,
            text: `Foreign key ${t.constraint} ${took}. ${target} (${cols}) is indexed${fact.index ? ` by ${quoteIdent(fact.index)}` : ''} (checked in the catalog): the time is the checks or cascades themselves — fewer rows per statement, or ON DELETE actions that do less, would help.`,
          }
        : {
            nodeId: 0, kind: 'fk-trigger', grade: g, unit: 'ms', saving: t.timeMs * 0.9,
            text: `Foreign key ${t.constraint} ${took}: no index leads with ${target} (${cols}) (checked in the catalog), so each call scans ${target}. CREATE INDEX ON ${target} (${cols});`,
          });
    } else if (fk) {
      const name = t.constraint ?? t.name;
      const known = side === 'action';
      out.push({
        nodeId: 0, kind: 'fk-trigger', grade: known ? g : 2, unit: 'ms', saving: t.timeMs * (known ? 0.9 : 0.5),
        text: known
          ? `Foreign key ${name} ${took}: each call looks up the referencing rows, and without an index on the referencing columns each is a scan of the referencing table. Index the referencing columns of ${name}${t.relation ? ` (the table referencing ${t.relation})` : ''}.`
          : `Foreign key ${name} ${took}. Where this statement deletes or changes keys of the referenced table, each call looks up the referencing rows, a scan of the referencing table without an index on the referencing columns of ${name}: index them. Where it writes the referencing rows, each call only checks the key it points at (always indexed).`,
      });
    } else {
      out.push({
        nodeId: 0, kind: 'trigger-time', grade: g, unit: 'ms', saving: t.timeMs * 0.3,
        text: `Trigger ${t.name}${t.relation ? ` on ${t.relation}` : ''} took ${fmtMs(t.timeMs)} in ${countOf(t.calls, 'call', fmtCount)} (${fmtPct(share)} of the execution), outside every plan node: look at what the trigger function does per row.`,
      });
    }
  }
  const jit = plan.jit?.totalMs ?? 0;
  if (jit >= 50 && jit / exec >= 0.1) {
    out.push({
      nodeId: 0, kind: 'jit-time', grade: jit / exec > 0.4 ? 3 : 2, unit: 'ms', saving: jit * 0.9,
      text: `JIT compilation took ${fmtMs(jit)} of the ${fmtMs(exec)} execution (${plan.jit?.functions ?? 0} functions), more than it can save on a query this size: raise jit_above_cost (and jit_inline_above_cost / jit_optimize_above_cost) above this plan's cost (${fmtCount(Math.round(plan.totalCost))}), or SET jit = off for the session or the role running it.`,
    });
  }
  return out;
}

/**
 * Time a misestimated node's error could have cost: the error travels up through the parents that
 * inherit it (misestimated the same way), and the nearest join, aggregate, sort or hash above the
 * last of them is the choice its row count shaped (else that node's parent).
 */
function shapedTime(plan: Plan, n: PlanNode): number {
  const x = shapedNode(plan, n);
  const of = (y: PlanNode) => (plan.analyzed ? (y.metrics.inclusiveMs ?? 0) : y.metrics.inclusiveCost);
  // A sub-plan under it (a correlated subquery run per row) is planned on its own: the estimate chose none of its work,
  // and its loops are the rows that came, not the rows expected (person31 L1: a GroupAggregate that took 7.8 ms said
  // "could save ~674 ms", half of the 1.35 s its SubPlan took).
  let sub = 0;
  // A Hash or Merge Join reads its other input once whatever this side's row count (person32 L1: "could save ~222 ms" on
  // a GroupAggregate whose subtree took 69.6 ms, from the Hash Left Join above it whose other side took 374 ms); a Nested
  // Loop's inner side runs once per outer row, so its repetitions are what the estimate shaped.
  const t = x.raw[K.NodeType];
  const planned = (c: PlanNode) => c.raw[K.ParentRelationship] === Rel.SubPlan || c.raw[K.ParentRelationship] === Rel.InitPlan;
  let todo = [...x.children];
  if (x !== n && (t === 'Hash Join' || t === 'Merge Join')) {
    let on = n;
    while (on.parent >= 0 && on.parent !== x.id) on = plan.nodes[on.parent];
    const other = x.children.filter((c) => c !== on.id && !planned(plan.nodes[c]));
    for (const c of other) sub += of(plan.nodes[c]);
    todo = todo.filter((c) => !other.includes(c));
  }
  // Iterative: a plan nested thousands deep must not overflow the stack.
  while (todo.length) {
    const c = plan.nodes[todo.pop()!];
    if (planned(c)) sub += of(c);
    else todo.push(...c.children);
  }
  return Math.max(0, of(x) - sub);
}

/** The node whose choice a misestimate shaped (see shapedTime). */
function shapedNode(plan: Plan, n: PlanNode): PlanNode {
  const inherits = (x: PlanNode) => x.metrics.misestimateDirection === n.metrics.misestimateDirection && x.warnings.some((v) => v.kind === 'misestimate');
  while (n.parent >= 0 && inherits(plan.nodes[n.parent])) n = plan.nodes[n.parent];
  for (let p = n.parent; p >= 0; p = plan.nodes[p].parent) {
    const t = plan.nodes[p].raw[K.NodeType];
    if (t === 'Nested Loop' || t === 'Hash Join' || t === 'Merge Join' || t === 'Aggregate' || t === 'Sort' || t === 'Hash') return plan.nodes[p];
  }
  return n.parent >= 0 ? plan.nodes[n.parent] : n;
}

/**
 * A misestimate's saving is a guess (half the time of what its error shaped); an index the planner proved for a node
 * inside that time is a measured answer to the same time. The misestimate never outranks it: its saving stays below the
 * proved tip's (person9: the Hash Join's "could save ~11.7 ms" was the only tip on a plan 91% in the Seq Scan the hover
 * had proved orders (customer_id) for).
 */
function capMisestimates(plan: Plan, tips: Tip[]): void {
  const proved = tips.filter((t) => t.proved);
  if (!proved.length) return;
  const under = (id: number, top: number) => {
    for (let x = id; x >= 0; x = plan.nodes[x].parent) if (x === top) return true;
    return false;
  };
  for (const t of tips) {
    if (t.kind !== 'misestimate') continue;
    const top = shapedNode(plan, plan.nodes[t.nodeId]).id;
    const best = Math.max(0, ...proved.filter((p) => under(p.nodeId, top)).map((p) => p.saving));
    if (best > 0 && t.saving >= best) t.saving = best * 0.99;
  }
}

/**
 * The work done under a Gather, summed over its processes (the node under it prints its time
 * averaged over them): what one process would have had to do. Undefined without ANALYZE figures.
 */
function parallelWork(plan: Plan, gather: PlanNode): number | undefined {
  const c = gather.children.map((x) => plan.nodes[x]).find((x) => x.raw[K.ParentRelationship] === Rel.Outer);
  const t = c ? num(c.raw[K.ActualTotalTime]) : undefined;
  return c && t !== undefined ? t * c.metrics.loops : undefined;
}

/** Scans that read no table: an index cannot make them cheaper. */
const NOT_TABLES = new Set(['CTE Scan', 'Function Scan', 'Table Function Scan', 'Values Scan', 'WorkTable Scan', 'Named Tuplestore Scan', 'Result']);

/** Whether a Nested Loop's inner side reads a table (looking through Memoize / Materialize / Sort / Hash). */
function scansTable(plan: Plan, inner: PlanNode): boolean {
  let cur: PlanNode | undefined = inner;
  for (let i = 0; cur && i < 4; i++) {
    const t = String(cur.raw[K.NodeType]);
    if (NOT_TABLES.has(t)) return t === 'Result' && cur.children.some((c) => plan.nodes[c].raw[K.ParentRelationship] !== Rel.InitPlan && plan.nodes[c].raw[K.ParentRelationship] !== Rel.SubPlan);
    if (t !== 'Memoize' && t !== 'Materialize' && t !== 'Sort' && t !== 'Hash') return true;
    cur = cur.children.length === 1 ? plan.nodes[cur.children[0]] : undefined;
  }
  return true;
}

/** The index scan a Nested Loop's inner side runs (directly, or under a Memoize / Materialize / Bitmap Heap Scan). */
function indexLookup(plan: Plan, inner: PlanNode): PlanNode | undefined {
  let cur: PlanNode | undefined = inner;
  for (let i = 0; cur && i < 3; i++) {
    const t = cur.raw[K.NodeType];
    if ((t === 'Index Scan' || t === 'Index Only Scan') && cur.raw[K.IndexCond] !== undefined) return cur;
    if (t === 'Bitmap Heap Scan') return cur;
    if (t !== 'Memoize' && t !== 'Materialize' && t !== 'Result') return undefined;
    cur = cur.children.length === 1 ? plan.nodes[cur.children[0]] : undefined;
  }
  return undefined;
}

function memoHitRatio(n: PlanNode): number | undefined {
  const hits = num(n.raw[K.CacheHits]);
  const misses = num(n.raw[K.CacheMisses]);
  if (hits === undefined || misses === undefined || hits + misses === 0) return undefined;
  return hits / (hits + misses);
}

function suggestMem(kb: number | undefined): string {
  if (!kb) return '64MB';
  const mb = Math.max(4, Math.ceil((kb * 2) / 1024));
  return `${mb}MB`;
}
