/**
 * The plan in brief: what the hover and the CLI's text output show. A structured summary first
 * (testable), then Markdown / plain-text renderings of it. Database strings are escaped for
 * Markdown so a relation named `<img …>` or `*x*` shows literally.
 */
import { oneLine } from '../safeText';
import { countOf } from '../format';
import { K } from './keys';
import { fmtCost, fmtCount, fmtMs, fmtPct, fmtSaving, outsideNodesText } from './format';
import type { Grade, Plan, PlanNode, WarningKind } from './model';
import { ADVICE_PENDING, bareRelation, nodeLabel } from './warnings';
import type { SplicedName } from '../extract/types';

export interface PlanBrief {
  root: string;
  totalCost: number;
  estRows: number;
  /**
   * A write's top node (ModifyTable: Delete, Update, Insert, Merge) without RETURNING reports 0 rows: the rows it writes
   * are those its input produces (estimated), with its verb.
   */
  writes?: { verb: string; rows: number };
  analyzed: boolean;
  executionMs?: number;
  planningMs?: number;
  /** Costliest nodes (own cost, or own time when analysed), at most `top`. */
  costliest: { id: number; label: string; share: number; cost: number; ms?: number }[];
  warnings: { id: number; label: string; grade: Grade; message: string; kind?: WarningKind }[];
  tips: string[];
}

/**
 * `saidAbove`: tables whose missing index the hover already shows above the plan, with its proof (the advice's hover):
 * their scans' warnings say the same again and are left out (verify35: the hover's last line cut in its 250 px box).
 */
export function briefPlan(plan: Plan, top = 3, saidAbove: readonly string[] = []): PlanBrief {
  const root = plan.nodes[0];
  const ranked = [...plan.nodes]
    .sort((a, b) => (plan.analyzed ? (b.metrics.exclusiveMs ?? 0) - (a.metrics.exclusiveMs ?? 0) : b.metrics.exclusiveCost - a.metrics.exclusiveCost))
    .slice(0, top);
  // Nodes that carry a share worth naming; the root stands in only when none does (a "Limit — 0.0%" line says nothing).
  const worth = ranked.filter((n) => (plan.analyzed ? (n.metrics.timeShare ?? 0) : n.metrics.costShare) > 0.005);
  const listed = worth.length ? worth : [root];
  const warnings: PlanBrief['warnings'] = [];
  const above = new Set(saidAbove.map(bareRelation));
  for (const n of plan.nodes) {
    if (n.metrics.relation && above.has(bareRelation(n.metrics.relation))) continue;
    for (const w of n.warnings) {
      if (w.kind === 'time-share') continue;
      warnings.push({ id: n.id, label: nodeLabel(n), grade: w.grade, message: w.message, kind: w.kind });
    }
  }
  warnings.sort((a, b) => b.grade - a.grade);
  const writes = writeRows(plan);
  return {
    root: nodeLabel(root),
    totalCost: plan.totalCost,
    estRows: plan.estRows,
    ...(writes ? { writes } : {}),
    analyzed: plan.analyzed,
    executionMs: plan.executionMs,
    planningMs: plan.planningMs,
    costliest: listed.map((n) => ({
      id: n.id,
      label: nodeLabel(n),
      share: plan.analyzed ? (n.metrics.timeShare ?? 0) : n.metrics.costShare,
      cost: n.metrics.exclusiveCost,
      ms: n.metrics.exclusiveMs,
    })),
    warnings,
    tips: plan.tips.slice(0, 3).map((t) => t.text),
  };
}

/**
 * The rows a write's top node (ModifyTable without RETURNING, which reports 0) writes: those its input produces,
 * estimated (PlanBrief.writes). One reading for the hover, the plan viewer's header and `pg-lens explain` (person45 L2:
 * "Rows (est.) 0" and "estimated rows: 0" for a DELETE the hover said "~341 rows to delete, est." of).
 */
export function writeRows(plan: Plan): PlanBrief['writes'] {
  const root = plan.nodes[0];
  if (!root || root.raw[K.NodeType] !== 'ModifyTable' || root.metrics.estRows > 0) return undefined;
  const verb = String(root.raw[K.Operation] ?? '').toLowerCase();
  const input = plan.nodes.find((n) => n.id === root.children[0]);
  if (!verb || !input) return undefined;
  return { verb, rows: input.metrics.estRows };
}

/**
 * A plan's estimated rows as the hovers head it: "204 rows est.", and for a write whose top node reports none (a
 * ModifyTable without RETURNING) the rows its input gives it — "~218 rows to delete, est." (person43 L1: a DELETE of
 * ~218 rows said "0 rows est.").
 */
export function briefRowsText(b: Pick<PlanBrief, 'estRows' | 'writes'>): string {
  if (b.writes) return `~${fmtCount(b.writes.rows)} ${b.writes.rows === 1 ? 'row' : 'rows'} to ${b.writes.verb}, est.`;
  return `${fmtCount(b.estRows)} ${b.estRows === 1 ? 'row' : 'rows'} est.`;
}

/** A plan's estimated rows in briefRowsText's words: "204 rows est.", a write's "~341 rows to delete, est.". */
function planRowsText(plan: Plan): string {
  return briefRowsText({ estRows: plan.estRows, writes: writeRows(plan) });
}

/** Escape text for VS Code Markdown (also neutralises HTML, which the hover does not render anyway). */
export function mdEscape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (c) => `\\${c}`);
}

/**
 * A plan warning's icon in the hover. The highest grade is a warning too, not an error: the hover stands beside the
 * Problems panel, where the same scan is a warning (person23 LOW 13: "ⓧ Seq Scan on public.orders …" over a warning), and
 * nothing in a plan fails. The grade still orders the warnings (the worst first).
 */
const GRADE_ICON: Record<Grade, string> = { 1: '$(info)', 2: '$(warning)', 3: '$(warning)' };

export interface BriefLinks {
  openPlan?: string;
  explainAnalyze?: string;
  suggestIndexes?: string;
  /**
   * How to fix the findings under the pointer (their help), as a link whose title says it (shown when the pointer rests
   * on it) to `uri` (the rule's docs): the problem's message above is its claim alone (person30 M1).
   */
  howToFix?: { uri: string; help: string };
  /**
   * Why this statement gets no index advice (core/advice/workload notWorkloadAnswer: a one-off script's, a test's…): said
   * under a scan warning an index would answer, which otherwise stood with no index and no reason (person39 L6).
   */
  noIndexAdvice?: string;
}

/**
 * The plan tips' own judgement that an index is not worth it here (a one-off DELETE or UPDATE, or one whose index would
 * cost more than it spares: Tip.declined), as the hover says it under the scan warning — never the index offered beside
 * a tip that declines it (person40 M1). Undefined when no tip declined one.
 */
export function declinedIndexNote(plan: Pick<Plan, 'tips'>): string | undefined {
  const declined = plan.tips.find((t) => t.declined)?.declined;
  return declined ? `No index for it: ${declined}.` : undefined;
}

/**
 * The one note the hover gives under a scan warning on whether an index is for it: why the statement gets no index advice
 * at all (a one-off script's: `notWorkload`), else the advice's own answer when it has answered (core/advice/missingIndex
 * adviceNoIndexNote: '' when the line's finding says it), else, while its decision is `pending`, that it is checking
 * (ADVICE_PENDING, the plan tips' words for it) — never the plan tip's "none" the answer may overturn (Tip.awaitsProof); a one-off write's
 * judgement stands —, else the plan tips' judgement (declinedIndexNote). The plan tip defers to the advice: one sentence
 * for one question (issue 20).
 */
export function hoverNoIndexNote(plan: Pick<Plan, 'tips'>, notes: { notWorkload?: string; advice?: string; findingOnLine?: boolean; pending?: boolean }): string | undefined {
  // '' (the line's finding says it) holds only where that finding is shown: a one-off DELETE's is not (its advice proposes
  // an index; the editor leaves the finding out on the tips' one-off judgement), and the tip says why there.
  const advice = notes.advice === '' && !notes.findingOnLine ? undefined : notes.advice;
  const answer = notes.notWorkload ?? advice;
  if (answer !== undefined) return answer;
  const declined = plan.tips.find((t) => t.declined);
  // While the editor's index decision is under way (or its advice dropped to be made again: an index dropped, the table
  // grown): said instead of a verdict the answer may contradict (issue 20, person48 L-g: "No index for it: it keeps
  // 5.9%…, so none is proposed" for ~23 s after a DROP INDEX, then the proved index). The plan tips' sentence.
  if (notes.pending && !notes.findingOnLine && (!declined || declined.awaitsProof)) return ADVICE_PENDING;
  return declinedIndexNote(plan);
}

/** Warnings an index would answer: a whole-table read that keeps few rows, a filter that throws most rows away. */
const INDEX_WARNINGS: ReadonlySet<WarningKind> = new Set(['seq-scan-selective', 'filter-removes']);

/** The "How to fix" link: the help as its title (shown when the pointer rests on it), the rule's page as its target. */
export function howToFixMarkdown(link: { uri: string; help: string }): string {
  return `[How to fix](${link.uri} "${link.help.replace(/["\\\n]/g, (c) => (c === '"' ? "'" : ' '))}")`;
}

/** Markdown for the hover. Links are command URIs built by the caller. */
export function briefMarkdown(b: PlanBrief, links: BriefLinks = {}, maxWarnings = 4): string {
  const lines = briefLines(b, mdEscape, (s) => `**${s}**`, maxWarnings, GRADE_ICON, true);
  const l: string[] = [];
  if (links.openPlan) l.push(`[Open plan](${links.openPlan})`);
  if (links.explainAnalyze) l.push(`[Explain Analyze](${links.explainAnalyze})`);
  if (links.suggestIndexes) l.push(`[Suggest indexes](${links.suggestIndexes})`);
  if (links.howToFix) l.push(howToFixMarkdown(links.howToFix));
  // The actions on the plan's head line, before the costliest nodes and warnings: in a hover VS Code caps at 250 px,
  // below a finding's own text, the head and "Open plan" are what must stay in view (person26 MEDIUM-1: at 1280 px the
  // links at the end were below the fold on every finding's line). On the head's own line, not a paragraph under it: in a
  // hover as narrow as a code column beside the plan viewer, the head was the last line in view and "Open plan" 2 px
  // below the box (person27); there "Open plan" wraps right after the head's figures.
  if (l.length) lines[0] = `${lines[0]} · ${l.join(' · ')}`;
  if (links.noIndexAdvice && b.warnings.slice(0, maxWarnings).some((w) => w.kind && INDEX_WARNINGS.has(w.kind))) lines.push('', `_${mdEscape(links.noIndexAdvice)}_`);
  return lines.join('\n').trimEnd();
}

/** The same brief as plain text (a document shown as text: no Markdown escapes to read through). */
export function briefText(b: PlanBrief, maxWarnings = 4): string {
  return briefLines(b, oneLine, (s) => s, maxWarnings, GRADE_WORD, false).join('\n').trimEnd();
}

const GRADE_WORD: Record<Grade, string> = { 1: 'Note:', 2: 'Warning:', 3: 'Problem:' };

function briefLines(b: PlanBrief, esc: (s: string) => string, strong: (s: string) => string, maxWarnings: number, icon: Record<Grade, string>, hardBreaks: boolean): string[] {
  const lines: string[] = [];
  const rows = briefRowsText(b);
  const head = b.analyzed
    ? `${strong(esc(b.root))} · ${fmtMs(b.executionMs)} · cost ${fmtCost(b.totalCost)} · ${rows}`
    : `${strong(esc(b.root))} · cost ${fmtCost(b.totalCost)} · ${rows}`;
  lines.push(head, '');
  // A plan of one node: the head line already names it, a "— 100%" line under it would only repeat it.
  const onlyRoot = b.costliest.length === 1 && b.costliest[0].label === b.root && b.costliest[0].share >= 0.995;
  if (b.costliest.length && !onlyRoot) {
    for (const c of b.costliest) {
      lines.push(`- ${esc(c.label)} — ${fmtPct(c.share)}${c.ms !== undefined ? ` (${fmtMs(c.ms)})` : ` (cost ${fmtCost(c.cost)})`}`);
    }
    lines.push('');
  }
  const br = hardBreaks ? '  ' : '';
  for (const w of b.warnings.slice(0, maxWarnings)) lines.push(`${icon[w.grade]} ${esc(w.label)}: ${esc(w.message)}${br}`);
  if (b.warnings.length > maxWarnings) lines.push(`… and ${b.warnings.length - maxWarnings} more${br}`);
  return lines;
}

/**
 * The figures PostgreSQL gives a node beyond time and rows (as pev2 shows them): conditions, per-worker
 * rows, Memoize hits and memory, hash batches (and their growth), planned partitions and disk, WAL,
 * the I/O split, Incremental Sort groups, Index Searches, Disabled.
 */
function nodeExtras(n: PlanNode): string[] {
  const r = n.raw;
  const v = (k: string) => (typeof r[k] === 'number' ? (r[k] as number) : undefined);
  const out: string[] = [];
  for (const [k, label] of [[K.HashCond, 'hash'], [K.MergeCond, 'merge'], [K.JoinFilter, 'join filter'], [K.IndexCond, 'index cond'], [K.Filter, 'filter']] as const) {
    if (r[k] !== undefined) out.push(`${label} ${String(r[k])}`);
  }
  const workers = Array.isArray(r[K.Workers]) ? (r[K.Workers] as Record<string, unknown>[]) : [];
  if (workers.some((w) => typeof w[K.ActualRows] === 'number')) out.push(`workers: ${workers.map((w) => `#${String(w[K.WorkerNumber])} ${fmtCount(w[K.ActualRows] as number)} rows${typeof w[K.ActualTotalTime] === 'number' ? ` ${fmtMs(w[K.ActualTotalTime] as number)}` : ''}`).join(', ')}`);
  const hits = v(K.CacheHits);
  const misses = v(K.CacheMisses);
  if (hits !== undefined && misses !== undefined) out.push(`memoize ${fmtPct(hits / Math.max(1, hits + misses))} hits${v(K.CacheEvictions) ? `, ${fmtCount(v(K.CacheEvictions))} evictions` : ''}${v(K.PeakMemoryUsage) !== undefined ? `, ${fmtCount(v(K.PeakMemoryUsage))} kB` : ''}`);
  if (v(K.HashBatches) !== undefined && (v(K.HashBatches)! > 1 || v(K.OriginalHashBatches) !== v(K.HashBatches))) out.push(`hash ${fmtCount(v(K.HashBatches))} batches${v(K.OriginalHashBatches) !== v(K.HashBatches) ? ` (planned ${fmtCount(v(K.OriginalHashBatches))})` : ''}, ${fmtCount(v(K.PeakMemoryUsage))} kB`);
  if (v('Planned Partitions') !== undefined) out.push(`${fmtCount(v('Planned Partitions'))} planned partitions, ${fmtCount(v(K.HashAggBatches))} batches, ${fmtCount(v(K.DiskUsage) ?? 0)} kB disk`);
  if (v(K.WalRecords) !== undefined && v(K.WalRecords)! > 0) out.push(`WAL ${fmtCount(v(K.WalRecords))} records, ${fmtCount(v(K.WalFpi))} full pages, ${fmtCount(v(K.WalBytes))} B`);
  const io = [['Shared', 'shared'], ['Local', 'local'], ['Temp', 'temp']].map(([k, l]) => {
    const rd = v(`${k} I/O Read Time`);
    const wr = v(`${k} I/O Write Time`);
    return rd || wr ? `${l} read ${fmtMs(rd ?? 0)} write ${fmtMs(wr ?? 0)}` : '';
  }).filter(Boolean);
  if (io.length) out.push(`I/O ${io.join(', ')}`);
  for (const g of ['Full-sort Groups', 'Pre-sorted Groups']) {
    const x = r[g] as Record<string, unknown> | undefined;
    if (x && typeof x === 'object') out.push(`${g.toLowerCase()} ${fmtCount(x['Group Count'] as number)}`);
  }
  if (v(K.IndexSearches) !== undefined && v(K.IndexSearches)! > 1) out.push(`${fmtCount(v(K.IndexSearches))} index searches`);
  if (r[K.Disabled] === true) out.push('disabled node kind (enable_* = off) used anyway');
  return out;
}

/** Plain text for the CLI: the tree with per-node figures, then warnings and tips. */
export function planText(plan: Plan): string {
  const out: string[] = [];
  for (const n of plan.nodes) {
    const m = n.metrics;
    const indent = '  '.repeat(Math.min(n.depth, 40));
    const rel = n.raw[K.SubplanName] ? `[${String(n.raw[K.SubplanName])}] ` : '';
    const figures = plan.analyzed
      ? `${fmtMs(m.exclusiveMs)} self, ${fmtPct(m.timeShare)} · rows ${fmtCount(m.actualRows)}/${fmtCount(m.estRows)} est × ${m.loops}`
      : `cost ${fmtCost(m.exclusiveCost)} self, ${fmtPct(m.costShare)} · ${fmtCount(m.estRows)} rows est.`;
    // Relation, index and subplan names come from the catalog: each stays on its own line.
    out.push(`${indent}${m.onHotPath ? '▶ ' : '- '}${oneLine(rel)}${oneLine(nodeLabel(n))}  (${figures})`);
    const extras = nodeExtras(n);
    if (extras.length) out.push(`${indent}    ${oneLine(extras.join(' · '))}`);
    for (const w of n.warnings) out.push(`${indent}    ${'!'.repeat(w.grade)} ${oneLine(w.message)}`);
  }
  out.push('');
  if (plan.planningMs !== undefined) out.push(`Planning: ${fmtMs(plan.planningMs)}`);
  if (plan.executionMs !== undefined) out.push(`Execution: ${fmtMs(plan.executionMs)}`);
  out.push(`Total cost: ${fmtCost(plan.totalCost)}, ${planRowsText(plan)}`);
  const outside = outsideNodesText(plan);
  if (outside) out.push(`Outside the nodes: ${outside}; planning ${fmtMs(plan.outside?.planningMs)} before it`);
  for (const t of plan.triggers) out.push(`Trigger ${t.constraint ? `for constraint ${oneLine(t.constraint)}` : oneLine(t.name)}${t.relation ? ` on ${oneLine(t.relation)}` : ''}: ${fmtMs(t.timeMs)}, ${countOf(t.calls, 'call', fmtCount)}`);
  if (plan.jit) out.push(`JIT: ${plan.jit.functions} functions, ${fmtMs(plan.jit.totalMs)}`);
  if (plan.tips.length) {
    out.push('', 'Tips (by what they could save):');
    plan.tips.slice(0, 10).forEach((t, i) => out.push(`  ${i + 1}. ${oneLine(t.text)} (${fmtSaving(t)})`));
  }
  return out.join('\n');
}

/**
 * Why a statement from the code cannot be planned, when PostgreSQL's syntax error sits on a placeholder PG Lens made
 * of an interpolation (`${table}`, `${sql.join(…)}`): the code splices a name or a piece of SQL there, not a value, so
 * the text is only SQL at run time. "Syntax error at or near "$2"" read as a bug in working code (logto's slonik queries).
 */
export function splicedPlaceholderReason(message: string, params: readonly { index: number; source: string }[], names: readonly SplicedName[] = []): string | undefined {
  // A table's name spliced in that reads as a name (`FROM %s` of a Go `fmt.Sprintf`, read `"%s"`; `FROM ${tbl}`, read
  // `tbl`): PostgreSQL has no such table, which is not the app's bug nor a wrong connection (person28 L4).
  const missing = /relation "([^"]+)" does not exist/i.exec(message)?.[1];
  const name = missing !== undefined ? names.find((n) => n.read.replace(/^"|"$/g, '') === missing || n.read.toLowerCase() === missing) : undefined;
  if (name) return `it is built at run time from ${oneLine(name.source).slice(0, 80)}, the table's name the code fills in when the app runs. Its other findings still apply.`;
  const m = /syntax error at or near "\$(\d+)"/i.exec(message);
  if (!m) return undefined;
  const p = params.find((x) => x.index === Number(m[1]));
  if (!p || p.source.trim() === `$${p.index}`) return undefined;
  const source = oneLine(p.source).slice(0, 80);
  return `the code fills in ${source} at run time where PostgreSQL needs a name or SQL text, not a value ($${p.index} stands for it here), so this statement is SQL only when the app runs: PG Lens cannot plan it from the source. Its other findings still apply.`;
}
