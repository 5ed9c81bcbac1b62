/**
 * Parse, then derive: PostgreSQL's EXPLAIN object → Plan (flat nodes + metrics + warnings + tips).
 * Every walk is iterative over the flat pre-order array, so deep and wide plans (10,000 nodes)
 * cost a few milliseconds and no stack.
 *
 * Time model (as PostgreSQL reports it, see explain.c):
 *  - "Actual Total Time" is per loop; a node's wall-clock inclusive time is time × loops.
 *  - Inside a parallel section (below Gather / Gather Merge) every process runs the node and the
 *    figures are averaged over processes (loops counts them); the wall-clock share is
 *    time × loops / processes, processes = launched workers + the leader.
 *  - A node's time includes its children's, except InitPlans, which run where their value is
 *    first needed. A CTE's time is included in the CTE Scan that reads it.
 */
import { K, Rel, type RawNode } from './keys';
import { emptyBuffers, type AnalyzeOptions, type ForeignKeyFact, type IndexLeadFact, type ProvedIndexFigure, type Buffers, type IoTimes, type NodeMetrics, type Plan, type PlanNode, type TriggerTime, type JitSummary } from './model';
import { parsePlanSource } from './parse';
import { ancestry, gradeNode, rankTips } from './warnings';

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

/** The catalog's facts on a plan's tables and foreign keys as they travel (db/explain's PlanFacts, a plan payload). */
export interface PlanFactLists {
  relationRows?: [string, number][];
  relationIndexes?: [string, IndexLeadFact[]][];
  foreignKeys?: [string, ForeignKeyFact][];
}

/** What a plan's tips weigh beyond the plan and the catalog: the index advice's proofs and the statement's calls. */
export interface PlanTipInputs {
  provedIndexes?: readonly ProvedIndexFigure[];
  /** The index advice's answer for a statement of the code (AnalyzeOptions.adviceAnswer). */
  adviceAnswer?: string;
  /** A DELETE's or UPDATE's calls in pg_stat_statements (db/queryStats writeStatementCalls). */
  statementCalls?: number;
}

/**
 * The one way a plan is modelled with its catalog facts and tip inputs, on every surface (the hover, the plan viewer, the
 * CLI's explain): person43 M1 — `pg-lens explain --analyze` of a one-off DELETE offered the index the plan viewer, given
 * the statement's calls, said was "not worth it for a one-off statement".
 */
export function analyzePlanWith(source: unknown, facts: PlanFactLists, inputs: PlanTipInputs = {}, options: AnalyzeOptions = {}): Plan {
  return analyzePlan(source, {
    ...options,
    ...(facts.relationRows ? { relationRows: new Map(facts.relationRows) } : {}),
    ...(facts.relationIndexes ? { relationIndexes: new Map(facts.relationIndexes) } : {}),
    ...(facts.foreignKeys ? { foreignKeys: new Map(facts.foreignKeys) } : {}),
    ...(inputs.provedIndexes?.length ? { provedIndexes: inputs.provedIndexes } : {}),
    ...(inputs.statementCalls !== undefined ? { statementCalls: inputs.statementCalls } : {}),
    ...(inputs.adviceAnswer ? { adviceAnswer: inputs.adviceAnswer } : {}),
  });
}

/** Build the Plan model from anything parsePlanSource accepts. */
export function analyzePlan(source: unknown, options: AnalyzeOptions = {}): Plan {
  const top = parsePlanSource(source);
  const nodes = flatten(top[K.Plan] as RawNode);
  const analyzed = nodes.some((n) => n.raw[K.ActualLoops] !== undefined);
  const root = nodes[0];

  const localLoopsOf = new Float64Array(nodes.length).fill(1);
  // Pass 1 (pre-order: parents before children): parallel sections, planner's loop estimates, titles.
  for (const n of nodes) {
    const parent = n.parent >= 0 ? nodes[n.parent] : undefined;
    const m = n.metrics;
    const r = n.raw;
    describe(r, m);
    m.loops = num(r[K.ActualLoops]) ?? 1;
    m.estRows = num(r[K.PlanRows]) ?? 0;
    if (parent) {
      const pr = parent.raw;
      const pt = pr[K.NodeType];
      if (pt === 'Gather' || pt === 'Gather Merge') {
        m.parallel = true;
        const launched = num(pr[K.WorkersLaunched]) ?? num(pr[K.WorkersPlanned]) ?? 0;
        // The leader runs the plan too unless parallel_leader_participation is off: then the node
        // right under the Gather ran once per worker only. One figure for the whole section: nodes
        // run by fewer processes (a Parallel Append's children, the Bitmap Index Scan one process
        // builds for a Parallel Bitmap Heap Scan) still share the section's wall clock.
        const loops = num(r[K.ActualLoops]);
        m.processes = analyzed && launched > 0 && loops === launched ? launched : launched + 1;
      } else if (parent.metrics.parallel && r[K.ParentRelationship] !== Rel.InitPlan && r[K.ParentRelationship] !== Rel.SubPlan) {
        m.parallel = true;
        m.processes = parent.metrics.processes;
      }
      // The inner side of a Nested Loop runs once per outer row (planner's estimate); a SubPlan
      // once per row its node evaluates it for (its node's estimated rows, at least).
      let localLoops = 1;
      if (pt === 'Nested Loop' && r[K.ParentRelationship] === Rel.Inner) {
        const outer = parent.children.map((c) => nodes[c]).find((c) => c.raw[K.ParentRelationship] === Rel.Outer);
        localLoops = Math.max(1, outer ? (num(outer.raw[K.PlanRows]) ?? 1) : 1);
      } else if (r[K.ParentRelationship] === Rel.SubPlan) {
        localLoops = Math.max(1, num(pr[K.PlanRows]) ?? 1);
      }
      m.estLoops = parent.metrics.estLoops * localLoops;
      localLoopsOf[n.id] = localLoops;
    }
  }

  // Pass 2: each node's own inclusive figures.
  for (const n of nodes) {
    const r = n.raw;
    const m = n.metrics;
    if (analyzed) {
      const loops = num(r[K.ActualLoops]);
      const t = num(r[K.ActualTotalTime]);
      m.neverExecuted = loops === 0;
      const rows = num(r[K.ActualRows]);
      if (rows !== undefined) {
        m.actualRows = rows;
        m.actualRowsTotal = rows * (loops ?? 1);
      }
      if (t !== undefined && m.parallel) {
        const wall = parallelWallClock(r, t * (loops ?? 1), m.processes);
        m.inclusiveMs = wall.ms;
        if (m.processes > 1) m.wallClock = wall.slowest ? 'slowest' : 'average';
      } else if (t !== undefined) m.inclusiveMs = t * (loops ?? 1);
      else if (m.neverExecuted) m.inclusiveMs = 0;
      m.measuredMs = m.inclusiveMs;
      // COSTS OFF (and some tools' exports) print no estimate: nothing to compare with.
      if (rows !== undefined && !m.neverExecuted && num(r[K.PlanRows]) !== undefined) {
        // Over all loops: PostgreSQL 18 prints fractional rows per loop (0.50), which a per-loop
        // floor of 1 would understate (26 planned, 0.5 got is 52×, not 26×). Rows per loop are
        // rounded as printed, so the total is only known within ± loops × the rounding step.
        const l = Math.max(1, loops ?? 1);
        const slack = l > 1 ? rowsRounding(rows) * l : 0;
        setMisestimate(m, m.estRows * l, rows * l, slack);
      }
      const removed = (num(r[K.RowsRemovedByFilter]) ?? 0) + (num(r[K.RowsRemovedByJoinFilter]) ?? 0);
      if (r[K.RowsRemovedByFilter] !== undefined || r[K.RowsRemovedByJoinFilter] !== undefined) {
        m.rowsRemoved = removed * (loops ?? 1); // PostgreSQL reports the count per loop
        const kept = m.actualRowsTotal ?? 0;
        m.removedShare = m.rowsRemoved + kept > 0 ? m.rowsRemoved / (m.rowsRemoved + kept) : 0;
      }
    }
    m.buffers = readBuffers(r);
    m.io = readIo(r);
  }

  // A Gather returns every row its processes produce, counted exactly, while the node under it
  // prints an average per process, rounded: that node's total is the Gather's count when the two
  // agree within the rounding (a Limit above may stop the Gather early: then they do not, and the
  // printed figure stands).
  if (analyzed) {
    for (const n of nodes) {
      const t = n.raw[K.NodeType];
      if (t !== 'Gather' && t !== 'Gather Merge') continue;
      const exact = num(n.raw[K.ActualRows]);
      const c = n.children.map((x) => nodes[x]).find((x) => x.raw[K.ParentRelationship] === Rel.Outer);
      const cm = c?.metrics;
      if (exact === undefined || !cm || cm.actualRows === undefined || cm.actualRowsTotal === undefined || cm.neverExecuted) continue;
      const l = Math.max(1, cm.loops);
      if (Math.abs(exact - cm.actualRowsTotal) > rowsRounding(cm.actualRows) * l) continue;
      cm.actualRowsTotal = exact;
      if (cm.misestimate !== undefined) setMisestimate(cm, cm.estRows * l, exact, 0);
    }
  }

  // Costs, top-down. A child's cost counts once per planned execution (the inner side of a Nested
  // Loop runs once per outer row); when the children's costs exceed the parent's (a Limit reads
  // only part of its input, a Memoize avoids re-runs) they are scaled down to fit, so exclusive
  // costs are never negative and add up to the root's total cost. InitPlans (CTEs included) are
  // costed into the node they hang off, as the planner does.
  root.metrics.inclusiveCost = num(root.raw[K.TotalCost]) ?? 0;
  const childCost = new Float64Array(nodes.length);
  for (const n of nodes) {
    const budget = n.metrics.inclusiveCost;
    const own = num(n.raw[K.TotalCost]) ?? 0;
    let sum = 0;
    for (const c of n.children) {
      const cr = nodes[c].raw;
      let cost = (num(cr[K.TotalCost]) ?? 0) * localLoopsOf[c];
      if (localLoopsOf[c] > 1 && n.raw[K.NodeType] === 'Nested Loop' && cr[K.ParentRelationship] === Rel.Inner) {
        // Rescans are often far cheaper than the first scan (a Materialize, a Memoize, a cached
        // index): the planner's Nested Loop total is outer + inner runs + its own per-row work, so
        // the inner side gets at most what its Nested Loop's total leaves after the outer side.
        const outer = n.children.map((x) => nodes[x]).find((x) => x.raw[K.ParentRelationship] === Rel.Outer);
        const left = own - (num(outer?.raw[K.TotalCost]) ?? 0) - 0.01 * (num(n.raw[K.PlanRows]) ?? 0);
        cost = Math.max(num(cr[K.TotalCost]) ?? 0, Math.min(cost, left));
      }
      childCost[c] = cost;
      sum += cost;
    }
    const scale = sum > budget && sum > 0 ? budget / sum : 1;
    for (const c of n.children) nodes[c].metrics.inclusiveCost = childCost[c] * scale;
    n.metrics.exclusiveCost = Math.max(0, budget - sum * scale);
  }

  // Where InitPlans and CTEs are paid for (their time sits inside another node's).
  const extraMs = new Float64Array(nodes.length);
  chargeInitPlans(nodes, extraMs);
  chargeCtes(nodes, extraMs);

  // Times. PostgreSQL prints a per-loop time rounded to 0.001 ms, so a node run tens of thousands
  // of times (the inner side of a Nested Loop, a Memoize) gets an inclusive time that is off by up
  // to 0.0005 ms × loops, and its children can then add up to more than their parent measured.
  // Within that bound the parent's figure is the better measurement: the children are scaled down
  // to fit it (InitPlans and CTEs, charged through extraMs, are left alone), so exclusive times are
  // not clamped at zero and still add up to the root's time. Beyond it the children's figures are
  // measurements too (a Gather Merge waits for its workers to shut down after the aggregate above
  // it has returned its row): they stand, and the parent is counted as lasting as long as its
  // children (bottom-up), so that time stays with the node that spent it.
  const roundingMs = (x: PlanNode) => 0.0005 * Math.max(1, x.metrics.loops) / (x.metrics.parallel ? Math.max(1, x.metrics.processes) : 1);
  const timedChildren = (n: PlanNode) => n.children.filter((cid) => nodes[cid].raw[K.ParentRelationship] !== Rel.InitPlan);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    const incl = n.metrics.inclusiveMs;
    if (incl === undefined) continue;
    let sum = 0;
    let bound = roundingMs(n);
    for (const cid of timedChildren(n)) {
      sum += nodes[cid].metrics.inclusiveMs ?? 0;
      bound += roundingMs(nodes[cid]);
    }
    if (sum + extraMs[n.id] > incl + bound) n.metrics.inclusiveMs = sum + extraMs[n.id];
  }
  for (const n of nodes) {
    const incl = n.metrics.inclusiveMs;
    if (incl === undefined) continue;
    let sum = 0;
    for (const cid of timedChildren(n)) sum += nodes[cid].metrics.inclusiveMs ?? 0;
    const room = Math.max(0, incl - extraMs[n.id]);
    if (sum <= room || sum <= 0) continue;
    const scale = room / sum;
    for (const cid of n.children) {
      const c = nodes[cid].metrics;
      if (nodes[cid].raw[K.ParentRelationship] !== Rel.InitPlan && c.inclusiveMs !== undefined) c.inclusiveMs *= scale;
    }
  }

  // Pass 3: exclusive figures = inclusive minus the children's inclusive ones.
  for (const n of nodes) {
    const m = n.metrics;
    let childMs = extraMs[n.id];
    const childBuf = emptyBuffers();
    const childIo: IoTimes = { readMs: 0, writeMs: 0 };
    for (const cid of n.children) {
      const c = nodes[cid];
      // Buffers and I/O are cumulative over every child, InitPlans included.
      if (c.metrics.buffers) addBuffers(childBuf, c.metrics.buffers);
      if (c.metrics.io) {
        childIo.readMs += c.metrics.io.readMs;
        childIo.writeMs += c.metrics.io.writeMs;
      }
      if (c.raw[K.ParentRelationship] === Rel.InitPlan) continue; // charged by chargeInitPlans/chargeCtes
      childMs += c.metrics.inclusiveMs ?? 0;
    }
    if (m.inclusiveMs !== undefined) m.exclusiveMs = Math.max(0, m.inclusiveMs - childMs);
    if (m.buffers) m.exclusiveBuffers = subBuffers(m.buffers, childBuf);
    if (m.io) m.exclusiveIo = { readMs: Math.max(0, m.io.readMs - childIo.readMs), writeMs: Math.max(0, m.io.writeMs - childIo.writeMs) };
  }

  const totalCost = num(root.raw[K.TotalCost]) ?? 0;
  const executionMs = num(top[K.ExecutionTime]) ?? (analyzed ? root.metrics.inclusiveMs : undefined);
  const totalMs = analyzed ? Math.max(executionMs ?? 0, root.metrics.inclusiveMs ?? 0) : undefined;
  for (const n of nodes) {
    const m = n.metrics;
    m.costShare = totalCost > 0 ? Math.min(1, m.exclusiveCost / totalCost) : 0;
    if (totalMs && m.exclusiveMs !== undefined) m.timeShare = Math.min(1, m.exclusiveMs / totalMs);
  }

  // Hot path: from the root, follow the child that takes the most time (or cost without ANALYZE).
  const hotPath: number[] = [];
  const weight = (p: PlanNode) => (analyzed ? (p.metrics.inclusiveMs ?? 0) : p.metrics.inclusiveCost);
  for (let cur: PlanNode | undefined = root; cur; ) {
    hotPath.push(cur.id);
    cur.metrics.onHotPath = true;
    let best: PlanNode | undefined;
    for (const cid of cur.children) if (!best || weight(nodes[cid]) > weight(best)) best = nodes[cid];
    cur = best && weight(best) > 0 ? best : undefined;
  }

  const plan: Plan = {
    nodes,
    analyzed,
    planningMs: num(top[K.PlanningTime]),
    executionMs,
    totalCost,
    estRows: num(root.raw[K.PlanRows]) ?? 0,
    triggers: readTriggers(top),
    jit: readJit(top),
    settings: readSettings(top),
    queryId: top[K.QueryIdentifier] !== undefined ? String(top[K.QueryIdentifier]) : undefined,
    queryText: typeof top[K.QueryText] === 'string' ? (top[K.QueryText] as string) : undefined,
    planningBuffers: top[K.Planning] && typeof top[K.Planning] === 'object' ? readBuffers(top[K.Planning] as RawNode) : undefined,
    hotPath,
    tips: [],
    source: top,
  };
  if (analyzed) {
    const ser = top[K.Serialization] as Record<string, unknown> | undefined;
    plan.outside = {
      triggersMs: plan.triggers.reduce((a, t) => a + t.timeMs, 0),
      jitMs: plan.jit?.totalMs ?? 0,
      serializationMs: (ser && num(ser[K.Time])) ?? 0,
      planningMs: plan.planningMs ?? 0,
    };
  }
  const anc = ancestry(plan);
  for (const n of nodes) if (n.metrics.misestimateDirection === 'over' && anc.earlyStop[n.id]) n.metrics.stoppedEarly = true;
  for (const n of nodes) n.warnings = gradeNode(plan, n, options, anc);
  plan.tips = rankTips(plan, anc, options);
  return plan;
}

/**
 * A CTE runs as its scans pull rows: its time is inside the CTE Scans that read it, split in a way
 * EXPLAIN does not show. Charge it to the readers with the most unexplained time first.
 */
function chargeCtes(nodes: PlanNode[], extraMs: Float64Array): void {
  const ctes = new Map<string, PlanNode>();
  const scans = new Map<string, PlanNode[]>();
  for (const n of nodes) {
    const name = n.raw[K.SubplanName];
    if (n.raw[K.ParentRelationship] === Rel.InitPlan && typeof name === 'string' && name.startsWith('CTE ')) ctes.set(name.slice(4), n);
    if (n.raw[K.NodeType] === 'CTE Scan' && typeof n.raw[K.CteName] === 'string') {
      const list = scans.get(n.raw[K.CteName] as string) ?? [];
      list.push(n);
      scans.set(n.raw[K.CteName] as string, list);
    }
  }
  for (const [name, cte] of ctes) {
    let remaining = cte.metrics.inclusiveMs ?? 0;
    // What each reader could contain beyond its own children and InitPlans charged to it.
    const readers = (scans.get(name) ?? []).map((r) => {
      let avail = (r.metrics.inclusiveMs ?? 0) - extraMs[r.id];
      for (const c of r.children) if (nodes[c].raw[K.ParentRelationship] !== Rel.InitPlan) avail -= nodes[c].metrics.inclusiveMs ?? 0;
      return { r, avail: Math.max(0, avail) };
    });
    // The scan that pulls first runs most of the CTE: fill the readers with room first.
    readers.sort((a, b) => b.avail - a.avail);
    for (const { r, avail } of readers) {
      const take = Math.min(avail, remaining);
      extraMs[r.id] += take;
      remaining -= take;
    }
  }
}

/**
 * An InitPlan runs the first time its value is needed: its time is inside the node that uses it
 * ("(InitPlan 2).col1" since PostgreSQL 16, "$0" from "InitPlan 1 (returns $0)" before), which is
 * the node it is attached to or one below. Charge it to the deepest such node.
 */
function chargeInitPlans(nodes: PlanNode[], extraMs: Float64Array): void {
  let budget = 200_000; // node visits: keeps pathological plans linear-ish
  for (const n of nodes) {
    if (n.raw[K.ParentRelationship] !== Rel.InitPlan) continue;
    const name = String(n.raw[K.SubplanName] ?? '');
    if (name.startsWith('CTE ')) continue;
    const owner = nodes[n.parent];
    if (!owner) continue;
    const returns = /\(returns ([^)]*)\)/.exec(name)?.[1];
    const tokens = returns ? returns.split(',').map((t) => t.trim()).filter(Boolean) : [`(${name})`];
    let target = owner;
    let bestDepth = -1;
    const stack = [owner.id];
    while (stack.length && budget-- > 0) {
      const cur = nodes[stack.pop()!];
      if (cur.depth > bestDepth && mentions(cur.raw, tokens)) {
        target = cur;
        bestDepth = cur.depth;
      }
      for (const c of cur.children) if (c !== n.id && nodes[c].raw[K.ParentRelationship] !== Rel.InitPlan) stack.push(c);
    }
    extraMs[target.id] += n.metrics.inclusiveMs ?? 0;
  }
}

const EXPR_KEYS = [K.Output, K.Filter, K.IndexCond, K.RecheckCond, K.JoinFilter, K.HashCond, K.MergeCond, K.OneTimeFilter, K.TidCond, K.SortKey, K.GroupKey];

function mentions(r: RawNode, tokens: string[]): boolean {
  for (const k of EXPR_KEYS) {
    const v = r[k];
    if (v === undefined) continue;
    const text = Array.isArray(v) ? v.join(' ') : String(v);
    for (const t of tokens) {
      if (t.startsWith('$')) {
        if (new RegExp(`\\${t}(?!\\d)`).test(text)) return true;
      } else if (text.includes(t)) return true;
    }
  }
  return false;
}

/** Half the step PostgreSQL rounds a per-loop row count to: 0.005 when it prints decimals (18+), else 0.5. */
function rowsRounding(rows: number): number {
  return Number.isInteger(rows) ? 0.5 : 0.005;
}

/**
 * The misestimate of a node planned to return `est` rows over its loops that returned `got` (±
 * `slack` from rounding): the smallest factor the figures allow, 1 when the estimate is within them.
 */
function setMisestimate(m: NodeMetrics, est: number, got: number, slack: number): void {
  const lo = Math.max(0, got - slack);
  const hi = got + slack;
  m.misestimate = est > hi ? est / Math.max(hi, 1) : est < lo ? lo / Math.max(est, 1) : 1;
  // An estimate within the figures has no direction (it read "1.0× over" for 1 row of 1 planned).
  if (m.misestimate > 1) m.misestimateDirection = got > est ? 'under' : 'over';
  else delete m.misestimateDirection;
}

/**
 * Wall clock of a node run by several processes. With per-worker figures (VERBOSE), the critical
 * path: the slowest process, the leader's share being the total minus the workers' (the Gather
 * waits for it). Without them, the average over the processes (time × loops / processes, as pev2
 * reads it). `slowest` says which.
 */
function parallelWallClock(r: RawNode, totalMs: number, processes: number): { ms: number; slowest: boolean } {
  const ws = Array.isArray(r[K.Workers]) ? (r[K.Workers] as Record<string, unknown>[]) : [];
  const times = ws.map((w) => (num(w[K.ActualTotalTime]) ?? NaN) * (num(w[K.ActualLoops]) ?? 1));
  if (!ws.length || times.some((x) => !Number.isFinite(x))) return { ms: totalMs / Math.max(1, processes), slowest: false };
  const leader = totalMs - times.reduce((a, b) => a + b, 0);
  return { ms: Math.min(totalMs, Math.max(leader, ...times)), slowest: true };
}

/** Pre-order flattening without recursion. */
function flatten(rootRaw: RawNode): PlanNode[] {
  const nodes: PlanNode[] = [];
  const stack: { raw: RawNode; parent: number; depth: number }[] = [{ raw: rootRaw, parent: -1, depth: 0 }];
  while (stack.length) {
    const { raw, parent, depth } = stack.pop()!;
    const id = nodes.length;
    nodes.push({ id, parent, children: [], depth, raw, metrics: blankMetrics(), warnings: [] });
    if (parent >= 0) nodes[parent].children.push(id);
    const kids = raw[K.Plans];
    if (Array.isArray(kids)) for (let i = kids.length - 1; i >= 0; i--) stack.push({ raw: kids[i], parent: id, depth: depth + 1 });
  }
  return nodes;
}

function blankMetrics(): NodeMetrics {
  return {
    title: '', detail: '', parallel: false, processes: 1, loops: 1, estLoops: 1, estRows: 0,
    inclusiveCost: 0, exclusiveCost: 0, costShare: 0, neverExecuted: false, onHotPath: false,
  };
}

/** Title and detail as PostgreSQL's text format would name the node. */
function describe(r: RawNode, m: NodeMetrics): void {
  let type = String(r[K.NodeType] ?? 'Unknown');
  const strategy = r[K.Strategy];
  if (type === 'Aggregate') {
    type = strategy === 'Hashed' ? 'HashAggregate' : strategy === 'Sorted' ? 'GroupAggregate' : strategy === 'Mixed' ? 'MixedAggregate' : 'Aggregate';
    const pm = r[K.PartialMode];
    if (pm === 'Partial' || pm === 'Finalize') type = `${pm} ${type}`;
  }
  if (type === 'SetOp' && strategy === 'Hashed') type = 'HashSetOp';
  if (type === 'ModifyTable' && typeof r[K.Operation] === 'string') type = String(r[K.Operation]);
  if (r[K.JoinType] && r[K.JoinType] !== 'Inner' && /Join$|^Nested Loop$/.test(type)) {
    type = type === 'Nested Loop' ? `Nested Loop ${r[K.JoinType]} Join` : type.replace(/ Join$/, ` ${r[K.JoinType]} Join`);
  }
  if (r[K.ParallelAware] === true) type = `Parallel ${type}`;
  if (r[K.ScanDirection] === 'Backward') type = `${type} Backward`;
  m.title = type;
  const rel = r[K.RelationName] as string | undefined;
  const schema = r[K.Schema] as string | undefined;
  const alias = r[K.Alias] as string | undefined;
  const index = r[K.IndexName] as string | undefined;
  if (rel) m.relation = schema ? `${schema}.${rel}` : rel;
  if (alias) m.alias = alias;
  if (index) m.index = index;
  const parts: string[] = [];
  if (index && r[K.NodeType] === 'Bitmap Index Scan') parts.push(`on ${index}`);
  else if (index) parts.push(`using ${index}`);
  const target = m.relation ?? (r[K.CteName] as string | undefined) ?? (r[K.FunctionName] as string | undefined) ?? (r[K.TableFunctionName] as string | undefined);
  if (target) parts.push(`on ${target}${alias && alias !== rel && alias !== target ? ` ${alias}` : ''}`);
  m.detail = parts.join(' ');
}

function readBuffers(r: RawNode): Buffers | undefined {
  if (r[K.SharedHitBlocks] === undefined && r[K.TempReadBlocks] === undefined && r[K.LocalHitBlocks] === undefined) return undefined;
  const b = emptyBuffers();
  b.sharedHit = num(r[K.SharedHitBlocks]) ?? 0;
  b.sharedRead = num(r[K.SharedReadBlocks]) ?? 0;
  b.sharedDirtied = num(r[K.SharedDirtiedBlocks]) ?? 0;
  b.sharedWritten = num(r[K.SharedWrittenBlocks]) ?? 0;
  b.localHit = num(r[K.LocalHitBlocks]) ?? 0;
  b.localRead = num(r[K.LocalReadBlocks]) ?? 0;
  b.localDirtied = num(r[K.LocalDirtiedBlocks]) ?? 0;
  b.localWritten = num(r[K.LocalWrittenBlocks]) ?? 0;
  b.tempRead = num(r[K.TempReadBlocks]) ?? 0;
  b.tempWritten = num(r[K.TempWrittenBlocks]) ?? 0;
  return b;
}

function readIo(r: RawNode): IoTimes | undefined {
  const reads = [K.IoReadTime, K.SharedIoReadTime, K.LocalIoReadTime, K.TempIoReadTime].map((k) => num(r[k]));
  const writes = [K.IoWriteTime, K.SharedIoWriteTime, K.LocalIoWriteTime, K.TempIoWriteTime].map((k) => num(r[k]));
  if (reads.every((x) => x === undefined) && writes.every((x) => x === undefined)) return undefined;
  return { readMs: reads.reduce<number>((a, b) => a + (b ?? 0), 0), writeMs: writes.reduce<number>((a, b) => a + (b ?? 0), 0) };
}

function addBuffers(into: Buffers, b: Buffers): void {
  for (const k of Object.keys(into) as (keyof Buffers)[]) into[k] += b[k];
}
function subBuffers(a: Buffers, b: Buffers): Buffers {
  const out = emptyBuffers();
  for (const k of Object.keys(out) as (keyof Buffers)[]) out[k] = Math.max(0, a[k] - b[k]);
  return out;
}

/** What a plan names that the catalog knows: the relations its nodes scan, the constraints whose trigger times it reports. */
export interface PlanCatalogNames {
  relations: string[];
  constraints: string[];
}

/**
 * The relations and foreign-key constraints of a plan (anything parsePlanSource accepts), read as analyzePlan reads
 * them (its nodes' "Relation Name", its triggers' "Constraint Name") without modelling it: the catalog's facts of them
 * are read first, and the plan is then modelled once, with them (db/explain.ts planWithFacts).
 */
export function planCatalogNames(source: unknown): PlanCatalogNames {
  const top = parsePlanSource(source);
  const relations = [...new Set(flatten(top[K.Plan] as RawNode).map((n) => n.raw[K.RelationName]).filter((x): x is string => typeof x === 'string'))];
  const constraints = [...new Set(readTriggers(top).map((t) => t.constraint).filter((x): x is string => !!x))];
  return { relations, constraints };
}

function readTriggers(top: Record<string, unknown>): TriggerTime[] {
  const list = top[K.Triggers];
  if (!Array.isArray(list)) return [];
  return list.map((t: any) => ({
    name: String(t?.[K.TriggerName] ?? t?.[K.ConstraintName] ?? 'trigger'),
    constraint: t?.[K.ConstraintName] !== undefined ? String(t[K.ConstraintName]) : undefined,
    relation: t?.[K.Relation] !== undefined ? String(t[K.Relation]) : undefined,
    timeMs: num(t?.[K.Time]) ?? 0,
    calls: num(t?.[K.Calls]) ?? 0,
  }));
}

function readJit(top: Record<string, unknown>): JitSummary | undefined {
  const j = top[K.JIT] as Record<string, any> | undefined;
  if (!j || typeof j !== 'object') return undefined;
  const timing: Record<string, number> = {};
  const rawTiming = j[K.JitTiming];
  if (rawTiming && typeof rawTiming === 'object') {
    for (const [k, v] of Object.entries(rawTiming)) {
      // PG 17+ nests Generation: { Deform, Total }.
      if (v && typeof v === 'object') timing[k] = num((v as any)[K.JitTotal]) ?? 0;
      else timing[k] = num(v) ?? 0;
    }
  }
  const options: Record<string, boolean> = {};
  if (j[K.JitOptions] && typeof j[K.JitOptions] === 'object') for (const [k, v] of Object.entries(j[K.JitOptions])) options[k] = v === true;
  return { functions: num(j[K.JitFunctions]) ?? 0, totalMs: timing.Total ?? Object.entries(timing).filter(([k]) => k !== 'Total').reduce((a, [, v]) => a + v, 0), timing, options };
}

function readSettings(top: Record<string, unknown>): Record<string, string> {
  const s = top[K.Settings];
  const out: Record<string, string> = {};
  if (s && typeof s === 'object') for (const [k, v] of Object.entries(s)) out[k] = String(v);
  return out;
}
