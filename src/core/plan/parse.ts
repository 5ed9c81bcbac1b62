/**
 * Input side of the plan model: EXPLAIN (FORMAT JSON) output as the server or a user gives it, and
 * TEXT-format plans pasted from psql, pgAdmin or a log, both turned into PostgreSQL's JSON shape
 * (one object with "Plan", "Planning Time", …) so everything downstream has one input form.
 */
import { K, type RawNode } from './keys';
import { planOverLimit } from '../limits';

export class PlanParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanParseError';
  }
}

/** Whatever the user pasted or the server returned → the top-level EXPLAIN object. */
export function parsePlanSource(source: unknown): Record<string, unknown> {
  if (typeof source === 'string') {
    const over = planOverLimit(source);
    if (over) throw new PlanParseError(over);
    const direct = source.trim();
    if (direct.startsWith('[') || direct.startsWith('{')) {
      try {
        return parsePlanSource(parseJsonKeepingIds(direct));
      } catch (e) {
        if (e instanceof PlanParseError) throw e;
        // not plain JSON: maybe JSON inside a psql frame
      }
    }
    const t = stripPsqlFrame(source).trim();
    if (!t) throw new PlanParseError('The plan is empty.');
    if (t.startsWith('[') || t.startsWith('{')) {
      let v: unknown;
      try {
        v = parseJsonKeepingIds(t);
      } catch (e) {
        throw new PlanParseError(`The plan looks like JSON but does not parse: ${(e as Error).message}`);
      }
      return parsePlanSource(v);
    }
    return parseTextPlan(t);
  }
  if (Array.isArray(source)) {
    if (!source.length) throw new PlanParseError('The plan is an empty array.');
    // node-postgres gives [{ "QUERY PLAN": [ {...} ] }] for EXPLAIN (FORMAT JSON) rows.
    return parsePlanSource(source[0]);
  }
  if (source && typeof source === 'object') {
    const o = source as Record<string, unknown>;
    if (o[K.Plan] && typeof o[K.Plan] === 'object') return o;
    if ('QUERY PLAN' in o) return parsePlanSource(o['QUERY PLAN']);
    if (typeof o[K.NodeType] === 'string') return { [K.Plan]: o };
  }
  throw new PlanParseError('Not an EXPLAIN plan: expected EXPLAIN (FORMAT JSON) output or a text plan.');
}

/** JSON.parse, but 64-bit query identifiers keep their digits (as a string; JSON.parse would round them). */
function parseJsonKeepingIds(text: string): unknown {
  return JSON.parse(text.replace(/("Query Identifier"\s*:\s*)(-?\d+)/g, '$1"$2"'));
}

/** Remove what psql and GUI tools wrap around a plan: headers, "+" continuations, row counts, quotes. */
function stripPsqlFrame(s: string): string {
  const lines = s.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  const nonEmpty = lines.filter((l) => l.trim());
  const allQuoted = nonEmpty.length > 0 && nonEmpty.every((l) => /^\s*"(.*)"\s*$/.test(l) || /^\s*QUERY PLAN\s*$/.test(l));
  for (let line of lines) {
    if (/^\s*QUERY PLAN\s*$/.test(line) || /^\s*[-─═+]{3,}\s*$/.test(line) || /^\s*\(\d+ rows?\)\s*$/.test(line)) continue;
    line = line.replace(/\s*\+$/, '');
    // pgAdmin / CSV exports quote each line.
    const q = allQuoted ? /^\s*"(.*)"\s*$/.exec(line) : null;
    if (q) line = q[1].replace(/""/g, '"');
    out.push(line);
  }
  return out.join('\n');
}

const NUM = '(-?\\d+(?:\\.\\d+)?)';
const RE_EST = new RegExp(`\\(cost=${NUM}\\.\\.${NUM} rows=${NUM} width=(\\d+)\\)`);
const RE_ACT = new RegExp(`\\(actual (?:time=${NUM}\\.\\.${NUM} )?rows=${NUM} loops=${NUM}\\)`);
const RE_NEVER = /\(never executed\)/;

interface Frame {
  indent: number;
  node: RawNode;
  /** Relationship to give the next child node (set by "InitPlan 1", "SubPlan 2", "CTE x" lines). */
  pendingRel?: { rel: string; name?: string; indent: number };
}

/** Parse a TEXT-format plan (EXPLAIN or EXPLAIN ANALYZE, with or without VERBOSE/BUFFERS/SETTINGS). */
export function parseTextPlan(text: string): Record<string, unknown> {
  const lines = text.split('\n');
  const top: Record<string, unknown> = {};
  const stack: Frame[] = [];
  let root: RawNode | undefined;
  let section: 'none' | 'jit' | 'triggers' = 'none';
  let pendingRel: { rel: string; name?: string; indent: number } | undefined;
  let lastTopKey: string | undefined;
  let rootIndent = 0;

  for (const rawLine of lines) {
    if (!rawLine.trim()) continue;
    const indent = rawLine.search(/\S/);
    const line = rawLine.trim();
    const isNode = line.startsWith('->') || (!root && (RE_EST.test(line) || RE_ACT.test(line) || RE_NEVER.test(line)));

    if (isNode) {
      section = 'none';
      const body = line.replace(/^->\s*/, '');
      const node = parseNodeHeader(body);
      const nodeIndent = line.startsWith('->') ? indent + 2 : indent;
      if (!root) {
        root = node;
        rootIndent = indent;
        stack.push({ indent: nodeIndent, node });
        continue;
      }
      while (stack.length > 1 && stack[stack.length - 1].indent >= nodeIndent) stack.pop();
      const parent = stack[stack.length - 1].node;
      if (pendingRel && pendingRel.indent < nodeIndent) {
        node[K.ParentRelationship] = pendingRel.rel;
        if (pendingRel.name) node[K.SubplanName] = pendingRel.name;
        pendingRel = undefined;
      } else {
        node[K.ParentRelationship] = defaultRelationship(parent);
      }
      (parent[K.Plans] ??= []).push(node);
      stack.push({ indent: nodeIndent, node });
      continue;
    }

    // Sub-plan headers: "InitPlan 1 (returns $0)", "InitPlan 1", "SubPlan 2", "CTE name".
    const sub = /^(InitPlan|SubPlan)\s+(\S+)(?:\s*\(returns [^)]*\))?$/.exec(line) ?? /^(CTE)\s+(.+)$/.exec(line);
    if (sub && root) {
      while (stack.length > 1 && stack[stack.length - 1].indent >= indent) stack.pop();
      const rel = sub[1] === 'SubPlan' ? 'SubPlan' : 'InitPlan';
      // As the JSON format names them: "InitPlan 1 (returns $0)" before PostgreSQL 16, "InitPlan 1" after.
      const name = sub[1] === 'CTE' ? `CTE ${sub[2]}` : line;
      pendingRel = { rel, name, indent };
      continue;
    }

    // Plan-level lines (after the tree, or between sections).
    const top1 = /^(Planning Time|Execution Time|Planning time|Execution time|Total runtime):\s*([\d.]+)\s*ms$/.exec(line);
    if (top1) {
      top[/^Planning/i.test(top1[1]) ? K.PlanningTime : K.ExecutionTime] = Number(top1[2]);
      section = 'none';
      continue;
    }
    if (/^Planning:$/.test(line)) {
      section = 'none';
      lastTopKey = K.Planning;
      top[K.Planning] = {};
      stack.length = Math.min(stack.length, 1);
      continue;
    }
    if (/^JIT:$/.test(line)) {
      section = 'jit';
      top[K.JIT] = { [K.JitFunctions]: 0, [K.JitOptions]: {}, [K.JitTiming]: {} };
      continue;
    }
    const trig = /^Trigger\s+(.+?)(?:\s+on\s+(\S+))?:\s+time=([\d.]+)\s+calls=(\d+)$/.exec(line);
    if (trig) {
      const list = (top[K.Triggers] ??= []) as unknown[];
      list.push({ [K.TriggerName]: trig[1], ...(trig[2] ? { [K.Relation]: trig[2] } : {}), [K.Time]: Number(trig[3]), [K.Calls]: Number(trig[4]) });
      continue;
    }
    const settings = /^Settings:\s*(.*)$/.exec(line);
    if (settings) {
      const s: Record<string, string> = {};
      for (const m of settings[1].matchAll(/([\w.]+)\s*=\s*'((?:[^']|'')*)'/g)) s[m[1]] = m[2].replace(/''/g, "'");
      top[K.Settings] = s;
      continue;
    }
    const qid = /^Query Identifier:\s*(-?\d+)$/.exec(line);
    if (qid) {
      top[K.QueryIdentifier] = qid[1];
      continue;
    }
    if (section === 'jit') {
      const jit = top[K.JIT] as Record<string, any>;
      const fn = /^Functions:\s*(\d+)$/.exec(line);
      if (fn) jit[K.JitFunctions] = Number(fn[1]);
      const opts = /^Options:\s*(.*)$/.exec(line);
      if (opts) for (const m of opts[1].matchAll(/(\w+)\s+(true|false)/g)) jit[K.JitOptions][m[1]] = m[2] === 'true';
      const timing = /^Timing:\s*(.*)$/.exec(line);
      if (timing) for (const m of timing[1].matchAll(/(\w+)\s+([\d.]+)\s*ms/g)) jit[K.JitTiming][m[1]] = Number(m[2]);
      continue;
    }
    if (!root) continue; // text before the plan
    if (indent <= rootIndent) {
      // Not inside the tree: plan-level lines we do not model (e.g. "Serialization: …").
      lastTopKey = line.endsWith(':') ? line.slice(0, -1) : undefined;
      if (lastTopKey && lastTopKey !== K.Planning) top[lastTopKey] = {};
      if (!lastTopKey) parseProperty(line, top as RawNode);
      continue;
    }
    if (lastTopKey && stack.length === 1 && indent > rootIndent && top[lastTopKey] && lastSection(top, lastTopKey)) {
      parseProperty(line, top[lastTopKey] as RawNode);
      continue;
    }
    // A property of the innermost node whose header is less indented than this line.
    while (stack.length > 1 && stack[stack.length - 1].indent > indent) stack.pop();
    parseProperty(line, stack[stack.length - 1].node);
  }
  if (!root) throw new PlanParseError('No plan node found in the text: expected lines like "Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)".');
  top[K.Plan] = root;
  return top;
}

/** Lines after "Planning:" (or another plan-level header) belong to it until the next header. */
function lastSection(top: Record<string, unknown>, key: string): boolean {
  return typeof top[key] === 'object' && top[key] !== null && !Array.isArray(top[key]);
}

function defaultRelationship(parent: RawNode): string {
  const index = (parent[K.Plans] ?? []).filter((c) => c[K.ParentRelationship] !== 'InitPlan' && c[K.ParentRelationship] !== 'SubPlan').length;
  const t = String(parent[K.NodeType] ?? '');
  if (/^(Append|Merge Append|Recursive Union|BitmapAnd|BitmapOr)$/.test(t)) return 'Member';
  if (t === 'Subquery Scan') return 'Subquery';
  return index === 0 ? 'Outer' : 'Inner';
}

const JOIN_TYPES = ['Left', 'Right', 'Full', 'Semi', 'Anti', 'Right Semi', 'Right Anti'];

/** "Hash Left Join  (cost=…) (actual …)" → a RawNode with PostgreSQL's JSON keys. */
function parseNodeHeader(body: string): RawNode {
  const node: RawNode = {};
  const est = RE_EST.exec(body);
  const act = RE_ACT.exec(body);
  let head = body;
  const cut = body.search(/\s*\((cost=|actual |never executed)/);
  if (cut >= 0) head = body.slice(0, cut);
  head = head.trim();
  if (est) {
    node[K.StartupCost] = Number(est[1]);
    node[K.TotalCost] = Number(est[2]);
    node[K.PlanRows] = Number(est[3]);
    node[K.PlanWidth] = Number(est[4]);
  }
  if (act) {
    if (act[1] !== undefined) {
      node[K.ActualStartupTime] = Number(act[1]);
      node[K.ActualTotalTime] = Number(act[2]);
    }
    node[K.ActualRows] = Number(act[3]);
    node[K.ActualLoops] = Number(act[4]);
  } else if (RE_NEVER.test(body)) {
    node[K.ActualRows] = 0;
    node[K.ActualLoops] = 0;
    node[K.ActualTotalTime] = 0;
    node[K.ActualStartupTime] = 0;
  }
  let m: RegExpExecArray | null;
  if (head.startsWith('Parallel ')) {
    node[K.ParallelAware] = true;
    head = head.slice('Parallel '.length);
  }
  if (head.startsWith('Async ')) {
    node[K.AsyncCapable] = true;
    head = head.slice('Async '.length);
  }
  if ((m = /^(Partial |Finalize )?(HashAggregate|GroupAggregate|MixedAggregate|Aggregate)\b(.*)$/.exec(head))) {
    node[K.NodeType] = 'Aggregate';
    node[K.Strategy] = { HashAggregate: 'Hashed', GroupAggregate: 'Sorted', MixedAggregate: 'Mixed', Aggregate: 'Plain' }[m[2]];
    node[K.PartialMode] = m[1] ? m[1].trim() : 'Simple';
    return node;
  }
  if ((m = /^(Insert|Update|Delete|Merge) on (\S+)(?: (\S+))?$/.exec(head))) {
    node[K.NodeType] = 'ModifyTable';
    node[K.Operation] = m[1];
    setRelation(node, m[2], m[3]);
    return node;
  }
  if ((m = /^(Hash|Merge|Nested Loop)(?: (Left|Right|Full|Semi|Anti|Right Semi|Right Anti))? ?(Join)?$/.exec(head)) && (m[1] === 'Nested Loop' || m[3])) {
    node[K.NodeType] = m[1] === 'Nested Loop' ? 'Nested Loop' : `${m[1]} Join`;
    node[K.JoinType] = m[2] && JOIN_TYPES.includes(m[2]) ? m[2] : 'Inner';
    return node;
  }
  if ((m = /^(Index Scan|Index Only Scan)( Backward)? using (\S+) on (\S+)(?: (\S+))?$/.exec(head))) {
    node[K.NodeType] = m[1];
    node[K.ScanDirection] = m[2] ? 'Backward' : 'Forward';
    node[K.IndexName] = m[3];
    setRelation(node, m[4], m[5]);
    return node;
  }
  if ((m = /^Bitmap Index Scan on (\S+)$/.exec(head))) {
    node[K.NodeType] = 'Bitmap Index Scan';
    node[K.IndexName] = m[1];
    return node;
  }
  if ((m = /^(CTE Scan|WorkTable Scan) on (\S+)(?: (\S+))?$/.exec(head))) {
    node[K.NodeType] = m[1];
    node[K.CteName] = m[2];
    if (m[3]) node[K.Alias] = m[3];
    return node;
  }
  if ((m = /^Function Scan on (\S+)(?: (\S+))?$/.exec(head))) {
    node[K.NodeType] = 'Function Scan';
    node[K.FunctionName] = m[1];
    if (m[2]) node[K.Alias] = m[2];
    return node;
  }
  if ((m = /^(SetOp|HashSetOp) (\w+)( All)?$/.exec(head))) {
    node[K.NodeType] = 'SetOp';
    node[K.Strategy] = m[1] === 'HashSetOp' ? 'Hashed' : 'Sorted';
    return node;
  }
  if ((m = /^(.+?) on (\S+)(?: (\S+))?$/.exec(head))) {
    node[K.NodeType] = m[1];
    setRelation(node, m[2], m[3]);
    return node;
  }
  node[K.NodeType] = head || 'Unknown';
  return node;
}

function setRelation(node: RawNode, qualified: string, alias?: string): void {
  const dot = qualified.lastIndexOf('.');
  if (dot > 0 && !qualified.startsWith('"')) {
    node[K.Schema] = qualified.slice(0, dot);
    node[K.RelationName] = qualified.slice(dot + 1);
  } else {
    node[K.RelationName] = qualified;
  }
  node[K.Alias] = alias ?? node[K.RelationName];
}

const INT_PROPS: Record<string, string> = {
  'Rows Removed by Filter': K.RowsRemovedByFilter,
  'Rows Removed by Join Filter': K.RowsRemovedByJoinFilter,
  'Rows Removed by Index Recheck': K.RowsRemovedByIndexRecheck,
  'Heap Fetches': K.HeapFetches,
  'Index Searches': K.IndexSearches,
  'Workers Planned': K.WorkersPlanned,
  'Workers Launched': K.WorkersLaunched,
  'Subplans Removed': K.SubplansRemoved,
  'Tuples Inserted': K.TuplesInserted,
  'Conflicting Tuples': K.ConflictingTuples,
};
const STR_PROPS: Record<string, string> = {
  Filter: K.Filter,
  'Index Cond': K.IndexCond,
  'Recheck Cond': K.RecheckCond,
  'Join Filter': K.JoinFilter,
  'Hash Cond': K.HashCond,
  'Merge Cond': K.MergeCond,
  'One-Time Filter': K.OneTimeFilter,
  'TID Cond': K.TidCond,
  'Cache Mode': K.CacheMode,
  'Conflict Resolution': K.ConflictResolution,
};
const LIST_PROPS: Record<string, string> = {
  Output: K.Output,
  'Group Key': K.GroupKey,
  'Sort Key': K.SortKey,
  'Presorted Key': K.PresortedKey,
  'Cache Key': K.CacheKey,
};

/** One "Key: value" line under a node. Unknown lines are kept under their own key as text. */
function parseProperty(line: string, node: RawNode): void {
  const c = line.indexOf(':');
  if (c < 0) return;
  const key = line.slice(0, c).trim();
  const value = line.slice(c + 1).trim();
  if (INT_PROPS[key]) {
    node[INT_PROPS[key]] = Number(value);
    return;
  }
  if (STR_PROPS[key]) {
    node[STR_PROPS[key]] = value;
    return;
  }
  if (LIST_PROPS[key]) {
    node[LIST_PROPS[key]] = splitTopLevel(value);
    return;
  }
  let m: RegExpExecArray | null;
  switch (key) {
    case 'Buffers':
      parseBuffers(value, node);
      return;
    case 'I/O Timings':
      for (const part of value.split(',')) {
        const p = part.trim();
        const kind = /^(shared|local|temp)\b/.exec(p)?.[1];
        const read = /read=([\d.]+)/.exec(p);
        const write = /write=([\d.]+)/.exec(p);
        const prefix = kind === 'temp' ? 'Temp' : kind === 'local' ? 'Local' : 'Shared';
        if (read) node[kind ? `${prefix} I/O Read Time` : K.IoReadTime] = Number(read[1]);
        if (write) node[kind ? `${prefix} I/O Write Time` : K.IoWriteTime] = Number(write[1]);
      }
      return;
    case 'Sort Method':
      if ((m = /^(.+?)\s+(Memory|Disk):\s*(\d+)kB$/.exec(value))) {
        node[K.SortMethod] = m[1];
        node[K.SortSpaceType] = m[2];
        node[K.SortSpaceUsed] = Number(m[3]);
      } else node[K.SortMethod] = value;
      return;
    case 'Buckets':
      if ((m = /^(\d+)(?:\s*\(originally (\d+)\))?\s+Batches:\s*(\d+)(?:\s*\(originally (\d+)\))?\s+Memory Usage:\s*(\d+)kB/.exec(value))) {
        node[K.HashBuckets] = Number(m[1]);
        node[K.OriginalHashBuckets] = Number(m[2] ?? m[1]);
        node[K.HashBatches] = Number(m[3]);
        node[K.OriginalHashBatches] = Number(m[4] ?? m[3]);
        node[K.PeakMemoryUsage] = Number(m[5]);
      }
      return;
    case 'Batches':
      if ((m = /^(\d+)\s+Memory Usage:\s*(\d+)kB(?:\s+Disk Usage:\s*(\d+)kB)?/.exec(value))) {
        node[K.HashAggBatches] = Number(m[1]);
        node[K.PeakMemoryUsage] = Number(m[2]);
        if (m[3]) node[K.DiskUsage] = Number(m[3]);
      }
      return;
    case 'Heap Blocks':
      if ((m = /exact=(\d+)/.exec(value))) node[K.ExactHeapBlocks] = Number(m[1]);
      if ((m = /lossy=(\d+)/.exec(value))) node[K.LossyHeapBlocks] = Number(m[1]);
      return;
    case 'Hits':
      if ((m = /^(\d+)\s+Misses:\s*(\d+)\s+Evictions:\s*(\d+)\s+Overflows:\s*(\d+)/.exec(value))) {
        node[K.CacheHits] = Number(m[1]);
        node[K.CacheMisses] = Number(m[2]);
        node[K.CacheEvictions] = Number(m[3]);
        node[K.CacheOverflows] = Number(m[4]);
      }
      return;
    case 'WAL':
      if ((m = /records=(\d+)/.exec(value))) node[K.WalRecords] = Number(m[1]);
      if ((m = /fpi=(\d+)/.exec(value))) node[K.WalFpi] = Number(m[1]);
      if ((m = /bytes=(\d+)/.exec(value))) node[K.WalBytes] = Number(m[1]);
      return;
    default:
      if (/^Worker \d+$/.test(key)) return; // per-worker lines: the node's own figures already aggregate them
      node[key] = value;
  }
}

function parseBuffers(value: string, node: RawNode): void {
  for (const part of value.split(',')) {
    const p = part.trim();
    const kind = /^(shared|local|temp)\b/.exec(p)?.[1];
    if (!kind) continue;
    const cap = kind[0].toUpperCase() + kind.slice(1);
    for (const m of p.matchAll(/(hit|read|dirtied|written)=(\d+)/g)) {
      const what = m[1][0].toUpperCase() + m[1].slice(1);
      node[`${cap} ${what} Blocks`] = Number(m[2]);
    }
  }
}

/** Split "a, f(b, c), d" at top-level commas. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let cur = '';
  for (const ch of s) {
    if (ch === "'" ) quote = !quote;
    if (!quote) {
      if (ch === '(') depth++;
      else if (ch === ')') depth--;
      else if (ch === ',' && depth === 0) {
        out.push(cur.trim());
        cur = '';
        continue;
      }
    }
    cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
