/**
 * The few facts the index advisor needs from an EXPLAIN (FORMAT JSON) plan: total cost, which
 * indexes it uses, its sequential scans, and a compact outline for hovers. Pure; EXPLAIN keys from
 * core/plan/keys.ts.
 */
import { K, type RawNode } from '../plan/keys';

interface PlanNodeOutline {
  depth: number;
  nodeType: string;
  relation?: string;
  alias?: string;
  index?: string;
  startupCost: number;
  totalCost: number;
  rows: number;
  filter?: string;
}

export interface PlanSummary {
  totalCost: number;
  nodes: PlanNodeOutline[];
  indexNames: string[];
  seqScans: { relation: string; schema?: string; rows: number; cost: number; filter?: string }[];
}

export function summarizePlan(json: unknown): PlanSummary {
  const root = (Array.isArray(json) ? json[0] : json) as RawNode | undefined;
  const plan = (root?.[K.Plan] ?? root) as RawNode | undefined;
  const nodes: PlanNodeOutline[] = [];
  const indexNames = new Set<string>();
  const seqScans: PlanSummary['seqScans'] = [];
  const str = (n: RawNode, k: K) => (typeof n[k] === 'string' ? (n[k] as string) : undefined);
  const walk = (n: RawNode | undefined, depth: number) => {
    if (!n || typeof n !== 'object') return;
    const node: PlanNodeOutline = {
      depth,
      nodeType: str(n, K.NodeType) ?? '?',
      relation: str(n, K.RelationName),
      alias: str(n, K.Alias),
      index: str(n, K.IndexName),
      startupCost: Number(n[K.StartupCost] ?? 0),
      totalCost: Number(n[K.TotalCost] ?? 0),
      rows: Number(n[K.PlanRows] ?? 0),
      filter: str(n, K.Filter) ?? str(n, K.IndexCond) ?? str(n, K.RecheckCond),
    };
    nodes.push(node);
    if (node.index) indexNames.add(node.index);
    if (node.nodeType === 'Seq Scan' && node.relation) {
      seqScans.push({ relation: node.relation, schema: str(n, K.Schema), rows: node.rows, cost: node.totalCost, filter: str(n, K.Filter) });
    }
    for (const c of n[K.Plans] ?? []) walk(c, depth + 1);
  };
  walk(plan, 0);
  return { totalCost: Number(plan?.[K.TotalCost] ?? 0), nodes, indexNames: [...indexNames], seqScans };
}

/** One line per node: "Index Scan using x on orders  (cost=0.42..8.44 rows=1)". */
export function planOutline(s: PlanSummary, maxLines = 12): string[] {
  const lines = s.nodes.slice(0, maxLines).map((n) => {
    const on = n.index ? ` using ${n.index}` : '';
    const rel = n.relation ? ` on ${n.relation}${n.alias && n.alias !== n.relation ? ` ${n.alias}` : ''}` : '';
    return `${'  '.repeat(n.depth)}${n.depth ? '-> ' : ''}${n.nodeType}${on}${rel}  (cost=${n.startupCost.toFixed(2)}..${n.totalCost.toFixed(2)} rows=${Math.round(n.rows)})`;
  });
  if (s.nodes.length > maxLines) lines.push(`… ${s.nodes.length - maxLines} more nodes`);
  return lines;
}

export function formatCost(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2);
}


/**
 * What a statement's plan stands on before any index is tried: its estimated cost and how it reads each table (node, index,
 * relation). Statements that differ only by constants share an index's figures only on the same footing (sameFooting):
 * a frequent value and a rare one are planned differently (person38 H1: `status = 'delivered'` took the index proved for
 * `status = 'refunded'`, where its own plan is an Index Scan on the key at cost 1,805 with or without it).
 */
export interface PlanFooting {
  cost: number;
  scans: string[];
  /**
   * The rows the scans keep (estimated, summed): the selectivity of the constants. A Seq Scan costs the same for a rare
   * value and a frequent one; an index does not (person38 H1: 'office' was told the (category, price_cents) figures of
   * 'tents', 284 → 8.28, where its own are 284 → 151). Absent in a proof kept before it was added: not the same footing.
   */
  rows?: number;
}

export function planFooting(p: PlanSummary): PlanFooting {
  const scans = p.nodes.filter((n) => n.relation);
  return { cost: p.totalCost, scans: scans.map((n) => `${n.nodeType}${n.index ? ` using ${n.index}` : ''} on ${n.relation!.toLowerCase()}`), rows: scans.reduce((a, n) => a + n.rows, 0) };
}

/** A cost this many times another's (or its inverse) is not the same footing (sameFooting). */
const FOOTING_COST_RATIO = 2;

/**
 * Whether two statements' plans stand on the same footing: each cost and the rows the scans keep within FOOTING_COST_RATIO×
 * of the other's (0.5–2×; rows counted +10), and the same scans on `tables` (bare lowercase names; all the plans' tables when omitted).
 */
export function sameFooting(a: PlanFooting | undefined, b: PlanFooting | undefined, tables?: readonly string[]): boolean {
  if (!a || !b) return false;
  const lo = Math.max(Math.min(a.cost, b.cost), 0.01);
  if (Math.max(a.cost, b.cost) / lo > FOOTING_COST_RATIO) return false;
  // The rows kept, within the same ratio (a few rows more or less on a handful is the same footing).
  if (a.rows === undefined || b.rows === undefined || (Math.max(a.rows, b.rows) + 10) / (Math.min(a.rows, b.rows) + 10) > FOOTING_COST_RATIO) return false;
  return sameScans(a, b, tables);
}

/**
 * Whether two plans read their tables the same way (the same scans on `tables`; all the plans' tables when omitted), whatever
 * their costs and rows: one statement's plan before and after its tables changed by their figures, where its kept proof
 * stands (said to be older) until it is proved again.
 */
export function sameScans(a: PlanFooting | undefined, b: PlanFooting | undefined, tables?: readonly string[]): boolean {
  if (!a || !b) return false;
  const on = (s: string) => !tables || tables.includes(s.slice(s.lastIndexOf(' on ') + 4));
  const scans = (f: PlanFooting) => f.scans.filter(on).sort().join('\n');
  return scans(a) === scans(b);
}
