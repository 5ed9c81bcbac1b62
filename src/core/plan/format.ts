/** Number formatting shared by the hover, the CLI and the plan viewer. Pure. Bytes: core/format.ts. */
import { formatBytes, formatPercent } from '../format';
import { formatCost } from '../advice/planSummary';
import type { NodeMetrics, Plan, PlanNode, Tip } from './model';
import { K } from './keys';

export function fmtMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms >= 60000) return `${(ms / 60000).toFixed(1)} min`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(3)} ms`;
}

export function fmtCount(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(2);
}

/**
 * A node's rows over all its loops. PostgreSQL 18 prints rows per loop with two decimals (2.38), so their total over
 * 21 loops reads 49.98 — a count no run returned (person9: "rows 49.98 of 63 est."): a total of one row or more is
 * shown whole. Per-loop figures below one (0.50) keep their decimals.
 */
export function fmtRowsTotal(n: number | undefined): string {
  return fmtCount(n !== undefined && Number.isFinite(n) && Math.abs(n) >= 1 ? Math.round(n) : n);
}

/**
 * What a node's time figures (self and total) measure when it did not simply run once, in the one wording of the tree,
 * the diagram and the details (person47 L7: "Total time 360 ms" beside PostgreSQL's "Actual Total Time 319.109", not
 * said why): "all 21 loops" (PostgreSQL's per-loop time × loops, as pev2 reads it), or for a node parallel processes
 * share, its wall clock: "slowest of 3 processes" (the per-worker figures of VERBOSE: the Gather waits for the slowest)
 * or "average of 3 processes" (without them: time × loops / processes, pev2's reading). Undefined for one run.
 */
export function timeMeasure(m: Pick<NodeMetrics, 'parallel' | 'processes' | 'loops' | 'wallClock'>): string | undefined {
  if (m.parallel && m.processes > 1 && m.wallClock) return `${m.wallClock} of ${m.processes} processes`;
  if (m.loops > 1) return `all ${fmtCount(m.loops)} loops`;
  return undefined;
}

/**
 * A node's total time with what it measures, and PostgreSQL's own figure when that reads otherwise (the details):
 * "360 ms (slowest of 3 processes; PostgreSQL's Actual Total Time, 319.109 ms, is per loop: the average of its 3
 * loops)". `printedMs` is the node's Actual Total Time as PostgreSQL printed it.
 */
export function totalTimeText(m: Pick<NodeMetrics, 'parallel' | 'processes' | 'loops' | 'wallClock' | 'inclusiveMs'>, printedMs: number | undefined): string {
  const measure = timeMeasure(m);
  if (!measure) return fmtMs(m.inclusiveMs);
  const pg = printedMs !== undefined && m.loops > 1 ? `; PostgreSQL's Actual Total Time, ${printedMs} ms, is per loop: the average of its ${fmtCount(m.loops)} loops` : '';
  return `${fmtMs(m.inclusiveMs)} (${measure}${pg})`;
}

/**
 * A node's rows in the one measure of the tree, the diagram and the table (person47 L7: the diagram said "16k of 24k
 * est." and the tree "5192 of 7834 est. · × 3 loops" for one node): over all its loops — PostgreSQL's per-loop Actual
 * Rows × loops, the estimate counted alike (pev2's reading) — and saying so when it ran more than once: "375k of 469k
 * est. in all 3 loops". Without ANALYZE: the planner's rows over the runs it expects ("3 rows est." or "495 rows est.
 * over ~165 planned loops").
 */
export function nodeRowsText(m: Pick<NodeMetrics, 'loops' | 'estLoops' | 'estRows' | 'actualRows' | 'actualRowsTotal'>, analyzed: boolean): string {
  if (analyzed) {
    const loops = Math.max(1, m.loops);
    const got = m.actualRowsTotal ?? (m.actualRows !== undefined ? m.actualRows * loops : undefined);
    return `${fmtRowsTotal(got)} of ${fmtRowsTotal(m.estRows * loops)} est.${m.loops > 1 ? ` in all ${fmtCount(m.loops)} loops` : ''}`;
  }
  const planned = Math.max(1, m.estLoops);
  const rows = m.estRows * planned;
  return `${fmtRowsTotal(rows)} ${rows === 1 ? 'row' : 'rows'} est.${planned > 1 ? ` over ~${fmtCount(planned)} planned loops` : ''}`;
}

/**
 * A node whose estimated cost the plan counts only in part, because a node above reads only part of its output (a LIMIT
 * stops it early): the total PostgreSQL prints for it (per loop), what the plan counts, and why. Undefined when the node
 * counts whole. The tree's "total" is the counted figure and the details' "Total cost" the printed one: each says so
 * (person40 L3: "total 297.89" in the tree, "Total cost 2976.27" in the details, for one Index Scan under a LIMIT).
 */
export function partlyCounted(plan: Pick<Plan, 'nodes'>, n: PlanNode): { full: number; counted: number; under: string } | undefined {
  const full = n.raw[K.TotalCost];
  if (typeof full !== 'number' || !(full > 0) || !(n.metrics.inclusiveCost < full * 0.99)) return undefined;
  let limit = false;
  for (let p = n.parent; p >= 0 && !limit; p = plan.nodes[p].parent) limit = plan.nodes[p].raw[K.NodeType] === 'Limit';
  return { full, counted: n.metrics.inclusiveCost, under: limit ? 'under the LIMIT' : 'as read by the node above' };
}

export function fmtCost(c: number | undefined): string {
  if (c === undefined || !Number.isFinite(c)) return '–';
  if (c >= 1e4) return fmtCount(c);
  return c.toFixed(2);
}

/** " at src/orders.ts:12": where the statement a brought plan's proof was made for is written, when known. */
export function provedAt(proof: { at?: string }): string {
  return proof.at ? ` at ${proof.at}` : '';
}

/**
 * What a tip could save, with its unit, in the one wording of every surface (plan viewer, CLI): "could save ~8.3 ms",
 * "could save ~499 cost units", or with the planner's proof "saves ~528 cost units: cost 554 → 25.7, proved by the
 * planner" — the figures of the missing-index hover and the Problems panel (a plan that ran: "could save ~20.7 ms: cost
 * 946 → 27.7 with the index, proved by the planner"). A bare "~498.60" said neither.
 */
export function fmtSaving(t: Pick<Tip, 'saving' | 'unit' | 'proved' | 'unpriced' | 'atStake'>): string {
  if (t.unpriced) return 'nothing to save in this plan';
  if (t.atStake) return `~${t.unit === 'ms' ? fmtMs(t.saving) : `${formatCost(t.saving)} cost units`} at stake`;
  const cost = t.proved && `cost ${formatCost(t.proved.before)} → ${formatCost(t.proved.after)}`;
  // A plan brought without its statement: the index proved for a statement of the workspace on this table and columns.
  if (t.proved?.elsewhere !== undefined) {
    const cut = t.proved.before > 0 ? 1 - t.proved.after / t.proved.before : 0;
    return `could save ~${t.unit === 'ms' ? fmtMs(t.saving) : `${formatCost(t.saving)} cost units`}: proved: ${t.proved.elsewhere} (−${fmtPct(cut)} cost) for a statement of your code${provedAt(t.proved)} on this table and these columns`;
  }
  // Proved on another plan of the statement: its figures are that plan's, and this one's saving is scaled from them.
  if (t.proved?.planCost !== undefined) {
    return `could save ~${t.unit === 'ms' ? fmtMs(t.saving) : `${formatCost(t.saving)} cost units`}: the planner proved ${cost} with the index for the statement planned without these values (this plan: cost ${formatCost(t.proved.planCost)})`;
  }
  // A plan that ran: the time the node took, scaled by the share of the cost the proved index removes.
  if (t.proved && t.unit === 'ms') return `could save ~${fmtMs(t.saving)}: ${cost} with the index, proved by the planner`;
  if (t.proved) return `saves ~${formatCost(t.proved.before - t.proved.after)} cost units: ${cost}, proved by the planner`;
  return `could save ~${t.unit === 'ms' ? fmtMs(t.saving) : `${formatCost(t.saving)} cost units`}`;
}

/** A share as a percentage (core/format formatPercent: never "0.0%" for a share above 0), "–" when unknown. */
export function fmtPct(share: number | undefined): string {
  if (share === undefined || !Number.isFinite(share)) return '–';
  return formatPercent(share);
}

export function fmtFactor(f: number | undefined): string {
  if (f === undefined || !Number.isFinite(f)) return '–';
  return f >= 100 ? `${fmtCount(Math.round(f))}×` : `${f.toFixed(1)}×`;
}

/**
 * A node's row misestimate as the viewer shows it: "▼1.5×" (planned more rows than came back) or "▲12×"
 * (fewer), with words for the details; undefined when the estimate is right within what the figure can show
 * (an exact estimate printed "1.0× over").
 */
export function misestimateLabel(m: { misestimate?: number; misestimateDirection?: 'under' | 'over'; stoppedEarly?: boolean }): { short: string; long: string } | undefined {
  const f = m.misestimate;
  if (f === undefined || !m.misestimateDirection || fmtFactor(f) === fmtFactor(1)) return undefined;
  // The tree showed "▼32k×" on a Seq Scan a Hash Join stopped reading because no customer matched: not a misestimate.
  if (m.stoppedEarly) return { short: '', long: 'none: fewer rows came back because the node above stopped reading early (a Limit, an empty hash table, EXISTS…)' };
  const under = m.misestimateDirection === 'under';
  return { short: `${under ? '▲' : '▼'}${fmtFactor(f)}`, long: `${fmtFactor(f)} ${under ? 'under: more rows came back than planned' : 'over: fewer rows came back than planned'}` };
}

/** PostgreSQL blocks are 8 kB by default (block_size); this is what EXPLAIN's counts mean. */
export function fmtBlocks(blocks: number | undefined, blockSize = 8192): string {
  if (blocks === undefined) return '–';
  return `${fmtCount(blocks)} (${formatBytes(blocks * blockSize)})`;
}


/**
 * Time outside every plan node, in the one wording of the viewer and the text plan: "2.56 s in triggers, 0.4 ms in JIT
 * compilation (98% of the execution)". Undefined when there is none. ("Not in any node triggers 0.589 ms" read as a
 * broken sentence on an analysed INSERT.)
 */
export function outsideNodesText(plan: Pick<Plan, 'outside' | 'executionMs'>): string | undefined {
  const o = plan.outside;
  const sum = o ? o.triggersMs + o.jitMs + o.serializationMs : 0;
  if (!o || sum <= 0) return undefined;
  const parts = [o.triggersMs && `${fmtMs(o.triggersMs)} in triggers`, o.jitMs && `${fmtMs(o.jitMs)} in JIT compilation`, o.serializationMs && `${fmtMs(o.serializationMs)} serializing the result`].filter(Boolean);
  return `${parts.join(', ')}${plan.executionMs ? ` (${fmtPct(Math.min(1, sum / plan.executionMs))} of the execution)` : ''}`;
}
