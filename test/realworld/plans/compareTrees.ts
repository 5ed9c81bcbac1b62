/**
 * Node-by-node comparison of a plan read from text with PostgreSQL's JSON for the same statement.
 * Used by the unit tests (our own psql captures) and by score.ts (pev2's fixtures and samples).
 *
 * Compared: the tree (children in order), node types and their names (relation, alias, index,
 * join type, aggregate strategy, operation, sub-plan relationship), estimates (costs, rows, width),
 * loops, and the details both formats print (conditions, keys, sort and hash figures, workers).
 * With `sameExecution` off (two runs of one statement) times and buffers are not compared, and
 * actual rows only where they cannot vary between runs (outside parallel sections).
 */
import { K } from '../../../src/core/plan/keys';

type Obj = Record<string, any>;

const NAME_KEYS = [K.NodeType, K.ParentRelationship, K.RelationName, K.IndexName, K.JoinType, K.Strategy, K.PartialMode, K.Operation, K.CteName, K.FunctionName, K.ScanDirection];
const EST_KEYS = [K.StartupCost, K.TotalCost, K.PlanRows, K.PlanWidth];
const DETAIL_KEYS = [K.Filter, K.IndexCond, K.RecheckCond, K.JoinFilter, K.HashCond, K.MergeCond, K.OneTimeFilter, K.SortKey, K.GroupKey, K.Output, K.WorkersPlanned, K.SortMethod, K.HashBatches, K.HashBuckets];
const RUN_KEYS = [K.ActualStartupTime, K.ActualTotalTime, K.SharedHitBlocks, K.SharedReadBlocks, K.TempReadBlocks, K.TempWrittenBlocks, K.SortSpaceUsed, K.PeakMemoryUsage, K.RowsRemovedByFilter, K.WorkersLaunched];

export interface CompareOptions {
  sameExecution: boolean;
}

/** The first difference, as one line, or undefined when the text reads as the JSON. */
export function firstDifference(text: Obj, json: Obj, opts: CompareOptions): string | undefined {
  const stack: { t: Obj; j: Obj; path: string; parallel: boolean }[] = [{ t: text[K.Plan], j: json[K.Plan], path: 'root', parallel: false }];
  while (stack.length) {
    const { t, j, path, parallel } = stack.pop()!;
    if (!t || !j) return `${path}: node missing in ${t ? 'JSON' : 'text'}`;
    const where = `${path} (${j[K.NodeType]})`;
    if (canonicalType(t) !== canonicalType(j)) return `${where}: node type ${canonicalType(t)} vs ${canonicalType(j)}`;
    for (const k of NAME_KEYS) if (k !== K.NodeType && j[k] !== undefined && !same(k === K.RelationName ? qualified(t) : t[k], j[k], k) && !(k === K.RelationName && same(t[k], j[k], k))) return `${where}: ${k} ${show(t[k])} vs ${show(j[k])}`;
    for (const k of EST_KEYS) if (j[k] !== undefined && !same(t[k], j[k], k)) return `${where}: ${k} ${show(t[k])} vs ${show(j[k])}`;
    if (j[K.ActualLoops] !== undefined && (!parallel || opts.sameExecution) && !same(t[K.ActualLoops], j[K.ActualLoops], K.ActualLoops)) return `${where}: loops ${show(t[K.ActualLoops])} vs ${show(j[K.ActualLoops])}`;
    if (j[K.ActualRows] !== undefined && (opts.sameExecution || !parallel) && !same(t[K.ActualRows], j[K.ActualRows], K.ActualRows)) return `${where}: actual rows ${show(t[K.ActualRows])} vs ${show(j[K.ActualRows])}`;
    for (const k of DETAIL_KEYS) if (j[k] !== undefined && !(k === K.SortMethod && parallel && !opts.sameExecution) && !same(t[k], j[k], k)) return `${where}: ${k} ${show(t[k])} vs ${show(j[k])}`;
    if (opts.sameExecution) for (const k of RUN_KEYS) if (j[k] !== undefined && !same(t[k], j[k], k)) return `${where}: ${k} ${show(t[k])} vs ${show(j[k])}`;
    if (Array.isArray(j[K.Workers]) && j[K.Workers].length && opts.sameExecution) {
      const tw = t[K.Workers] ?? [];
      if (tw.length !== j[K.Workers].length) return `${where}: ${tw.length} workers vs ${j[K.Workers].length}`;
      for (let i = 0; i < tw.length; i++) for (const k of [K.WorkerNumber, K.ActualRows, K.ActualLoops, K.SortSpaceUsed, K.SharedHitBlocks]) if (j[K.Workers][i][k] !== undefined && !same(tw[i][k], j[K.Workers][i][k], k)) return `${where}: worker ${i} ${k} ${show(tw[i][k])} vs ${show(j[K.Workers][i][k])}`;
    }
    const tc: Obj[] = t[K.Plans] ?? [];
    const jc: Obj[] = j[K.Plans] ?? [];
    if (tc.length !== jc.length) return `${where}: ${tc.length} children vs ${jc.length}`;
    const par = parallel || j[K.NodeType] === 'Gather' || j[K.NodeType] === 'Gather Merge';
    for (let i = jc.length - 1; i >= 0; i--) stack.push({ t: tc[i], j: jc[i], path: `${path}.${i}`, parallel: par });
  }
  for (const k of [K.PlanningTime, K.ExecutionTime]) if (opts.sameExecution && json[k] !== undefined && !same(text[k], json[k], k)) return `${k} ${show(text[k])} vs ${show(json[k])}`;
  const jt = json[K.Triggers] ?? [];
  const tt = text[K.Triggers] ?? [];
  if (jt.length !== tt.length) return `${tt.length} triggers vs ${jt.length}`;
  return undefined;
}

function qualified(n: Obj): string {
  const q = (x: string) => (/^[a-z_][a-z0-9_$]*$/.test(x) ? x : `"${x.replace(/"/g, '""')}"`);
  return n[K.Schema] ? `${q(String(n[K.Schema]))}.${q(String(n[K.RelationName]))}` : String(n[K.RelationName]);
}

function show(v: unknown): string {
  return JSON.stringify(v) ?? 'undefined';
}

/** The node's name as the text format prints it (pev2's expected JSON uses those). */
export function canonicalType(n: Obj): string {
  let t = String(n[K.NodeType] ?? '');
  if (t === 'Aggregate') t = n[K.Strategy] === 'Hashed' ? 'HashAggregate' : n[K.Strategy] === 'Sorted' ? 'GroupAggregate' : n[K.Strategy] === 'Mixed' ? 'MixedAggregate' : 'Aggregate';
  if (t === 'ModifyTable' && n[K.Operation]) t = String(n[K.Operation]);
  if (t === 'SetOp' && n[K.Strategy] === 'Hashed') t = 'HashSetOp';
  return t.replace(/^Nested Loop Join$/, 'Nested Loop');
}

function same(a: unknown, b: unknown, key: string): boolean {
  if (a === undefined && b === 0 && / Blocks$/.test(key)) return true;
  if (typeof b === 'number' || (typeof b === 'string' && typeof a === 'number')) return Number(a) === Number(b) || (key === K.ActualRows && Math.abs(Number(a) - Number(b)) < 0.5);
  if (Array.isArray(a) && typeof b === 'string') return a.join(', ') === b;
  if (Array.isArray(b)) return Array.isArray(a) && a.length === b.length && a.every((x, i) => String(x) === String(b[i]));
  if (key === K.ParentRelationship || key === K.RelationName) return String(a) === String(b);
  return a === b || String(a) === String(b);
}
