/**
 * The `missing-index` finding of one SQL site from its proved advice (pure): where it points (the
 * table in the statement, else the whole site), its severity (warning when proved, information when
 * not verified), message, help and evidence. No advice, a failed analysis, SQL the parser cannot
 * read or a missing table give no finding — never a false missing-index.
 */
import type { SqlSite } from '../extract/types';
import { fileSpanOf } from '../extract/types';
import type { Finding } from '../findings';
import type { ProvedIndexFigure } from '../plan/model';
import { statementShape } from '../sql/predicates';
import { countOf, formatBytes, formatPercent } from '../format';
import { beyondTrialBound } from '../catalogFacts';
import { formatCost } from './planSummary';
import { addDeclaredIndexes, isDeclaredIndexExpression, type DeclaredIndexes } from '../sql/declaredIndexes';
import { alsoServesPhrase, placeIn } from './workload';
import { ADVICE_PENDING } from '../plan/warnings';

export const MISSING_INDEX_RULE = 'missing-index';

/**
 * Two pieces of advice for one statement show the same: the same indexes, proved the same way, with the same figures,
 * serving the same others. An estimate that Suggest Indexes has since proved is new advice (its diagnostic turns from
 * information to a warning); so is the same index with new figures — its table grew, its summary says "(37k rows)"
 * where the kept one said "(32k rows)" (person51 M-3: a recorded line kept the old size beside the code's lines).
 */
export function sameShownAdvice(a: { status: string; message?: string; suggestions: { ddl: string; verifiedBy: string; summary?: string; costBefore?: number; costAfter?: number | null }[]; alsoServes?: unknown; withheld?: readonly { ddl: string; why: string }[] }, b: typeof a): boolean {
  const shown = (d: typeof a) => d.suggestions.map((x) => `${x.ddl}\u0000${x.verifiedBy}\u0000${x.summary ?? ''}\u0000${x.costBefore ?? ''}\u0000${x.costAfter ?? ''}`).join('\n');
  // A withheld index is said on the line (withheldNote): its coming, going or reason is new advice too.
  const held = (d: typeof a) => (d.withheld ?? []).map((x) => `${x.ddl}\u0000${x.why}`).join('\n');
  return a.status === b.status && a.message === b.message && shown(a) === shown(b) && held(a) === held(b) && JSON.stringify(a.alsoServes) === JSON.stringify(b.alsoServes);
}

/**
 * A proved index the one decision withheld for its write cost (core/advice/workload decideIndexes: its saving does not
 * beat the write maintenance it adds), said where the index would have been — the line's finding, the hover, Suggest
 * Indexes' answer, `pg-lens advise` — in these words: "withheld: orders is write-heavy (…): keeping this index current
 * costs about 20 ms against 14 ms saved". Before, the hover and Problems dropped it silently (issue 20, person47 H1).
 */
function withheldNote(why: string): string {
  return `withheld: ${why}`;
}

/** Withheld indexes with their figures, one clause each: "orders (status), cost 1,147 → 663, withheld: …" (every surface's no-pick answer). */
export function withheldAnswer(withheld: readonly { ddl: string; why: string; suggestion?: Pick<ProvedSuggestion, 'costBefore' | 'costAfter'> }[]): string {
  return withheld.map((w) => {
    const s = w.suggestion;
    const figures = s && s.costAfter !== null ? `, cost ${formatCost(s.costBefore)} → ${formatCost(s.costAfter)}` : '';
    return `${indexDefinitionTitle(w)}${figures}, ${withheldNote(w.why)}`;
  }).join('; ');
}

export interface ProvedSuggestion {
  ddl: string;
  table: string;
  schema: string;
  columns: string[];
  summary: string;
  reason: string;
  verifiedBy: 'hypopg' | 'transaction' | 'none';
  costBefore: number;
  costAfter: number | null;
  needsExtension?: string;
  /** Proved on the tables as they were (`at`, epoch ms); those in `changed` have grown or been analysed since (the figures are that proof's). */
  provedEarlier?: { at: number; changed: string[] };
  /** The cost figures the summary says (costPhrase), when it says them: read from here, never from the summary's text. */
  figures?: SummaryFigures;
}

/**
 * The cost before and after the index as its proof measured them. `earlier`: a kept earlier proof's (provedEarlier), on the
 * tables as they were — its `before` is that proof's, not costBefore (the plan now).
 */
export interface SummaryFigures {
  before: number;
  after: number;
  earlier: boolean;
}

/** The one wording of a summary's figures: " cuts the estimated cost 1,231 → 391" (" cut …" for a kept earlier proof's). */
export function costPhrase(f: SummaryFigures): string {
  return ` ${f.earlier ? 'cut' : 'cuts'} the estimated cost ${formatCost(f.before)} → ${formatCost(f.after)}`;
}

export interface SiteAdvice<S extends ProvedSuggestion = ProvedSuggestion> {
  status: 'ok' | 'unparsed' | 'not-analysed' | 'missing-table' | 'error';
  suggestions: S[];
}

/**
 * createNow: offer "Create index now" first (the editor, on a development profile). alsoServes: per
 * DDL, the other statements the one decision gave the same index (core/advice/workload.ts).
 */
export function missingIndexFinding<S extends ProvedSuggestion>(site: Pick<SqlSite, 'sql' | 'sourceMap' | 'span' | 'file'>, given: SiteAdvice<S>, opts: { createNow?: boolean; alsoServes?: Record<string, string[]>; ownInstead?: Record<string, Pick<ProvedSuggestion, 'ddl' | 'table' | 'columns' | 'costAfter'>>; withheld?: readonly { ddl: string; why: string; suggestion: S }[] } = {}): Finding | undefined {
  // Indexes the decision withheld for their write cost are said on the line, with why (withheldNote), at the severity
  // their proof gives — never dropped silently (person47 H1).
  const held = new Map((opts.withheld ?? []).filter((w) => !given.suggestions.some((x) => x.ddl === w.ddl)).map((w) => [w.ddl, w] as const));
  const advice: SiteAdvice<S> = held.size ? { ...given, suggestions: [...given.suggestions, ...[...held.values()].map((w) => w.suggestion)] } : given;
  if (advice.status !== 'ok' || !advice.suggestions.length) return undefined;
  const first = advice.suggestions[0];
  const shape = statementShape(site.sql);
  const use = shape?.tables.find((t) => t.name === first.table || (t.schema && `${t.schema}.${t.name}` === first.table));
  const span = use?.span ? fileSpanOf(site, use.span.start, use.span.end) : site.span;
  const proved = advice.suggestions.some((s) => s.verifiedBy !== 'none');
  return {
    ruleId: MISSING_INDEX_RULE,
    severity: proved ? 'warning' : 'info',
    // The claim only (what, where, the cost figure): VS Code's problem part shows it above the hover, and with a second
    // finding on the line the "also serving …" list pushed the plan's Open plan out of the 250 px box (person30 M1). The
    // statements the index also serves are the help's (the CLI prints it under the message) and the hover's Why.
    message: advice.suggestions.map((s) => {
      const phrase = sharedIndexPhrase(s, opts.alsoServes?.[s.ddl]?.length ?? 0, opts.ownInstead?.[s.ddl]);
      const w = held.get(s.ddl);
      return `${s.summary}${phrase ? ` (${phrase})` : ''}${w ? ` — ${withheldNote(w.why)}` : ''}`;
    }).join('; '),
    span,
    file: site.file,
    // How each index was proved, in the hover's words (person41: the CLI text never said "proved" where the JSON has
    // verifiedBy and the hover "proved by the planner (a real index, rolled back)").
    help: [advice.suggestions.map((s) => `${s.needsExtension ? `CREATE EXTENSION IF NOT EXISTS ${s.needsExtension}; ` : ''}${s.ddl};`).join(' '), ...advice.suggestions.map((s) => `${provedBy(s.verifiedBy).replace(/^./, (c) => c.toUpperCase())}${advice.suggestions.length > 1 ? `: ${indexDefinitionTitle(s)}` : ''}.`), ...advice.suggestions.flatMap((s) => alsoServingLine(opts.alsoServes?.[s.ddl], advice.suggestions.length > 1 ? indexDefinitionTitle(s) : undefined) ?? [])].join('\n'),
    fixes: advice.suggestions.flatMap((s) => [
      ...(opts.createNow ? [{ title: `Create index now: ${indexDefinitionTitle(s)}`, edits: [], command: { id: 'pgLens.createIndexNow', args: [s] } }] : []),
      { title: `Add migration: ${indexDefinitionTitle(s)}`, edits: [], command: { id: 'pgLens.addIndexMigration', args: [s] } },
      { title: `Copy CREATE INDEX: ${indexDefinitionTitle(s)}`, edits: [], command: { id: 'pgLens.copyCreateIndex', args: [s] } },
    ]),
    evidence: {
      suggestions: advice.suggestions.map((s) => ({ ddl: s.ddl, table: s.table, columns: s.columns, costBefore: s.costBefore, costAfter: s.costAfter, verifiedBy: s.verifiedBy, reason: s.reason, ...(opts.alsoServes?.[s.ddl]?.length ? { alsoServes: opts.alsoServes[s.ddl] } : {}), ...(held.has(s.ddl) ? { withheld: held.get(s.ddl)!.why } : {}) })),
      // The whole statement's place (the finding itself is on the table's name): what else was said of this statement.
      statement: { start: site.span.start, end: site.span.end },
      // Its text: a recording's count tags the finding only when the recording holds this statement (mergeRecorded).
      sql: site.sql,
    },
  };
}

/**
 * One cause, one finding (person24 LOW 10): a non-sargable-predicate finding (`lower(email) = $1` hides email from its
 * index: "Create an expression index ON customers (lower(email))") inside a statement whose missing-index finding proves
 * an index holding that very expression said the same fix twice, as two warnings. The missing-index finding (the proved
 * one, with Create index now) keeps it as a related place that says why the expression needs its own index; a
 * non-sargable finding whose expression the proved index does not hold stays.
 */
export function foldIntoMissingIndex(findings: Finding[]): Finding[] {
  const proved = findings.filter((f) => f.ruleId === MISSING_INDEX_RULE && f.evidence?.statement);
  if (!proved.length) return findings;
  const folded = new Map<Finding, Finding[]>();
  const gone = new Set<Finding>();
  for (const f of findings) {
    if (f.ruleId !== 'non-sargable-predicate') continue;
    const e = f.evidence ?? {};
    const expression = e.expression;
    if (typeof expression !== 'string') continue;
    const table = typeof e.table === 'string' ? e.table : undefined;
    const by = proved.find((m) => {
      const at = m.evidence!.statement as { start: number; end: number };
      if ((m.file ?? f.file) !== (f.file ?? m.file) || f.span.start < at.start || f.span.end > at.end) return false;
      // Proved only: an estimate ("may help, not proved", info) would take the place of the rule's warning.
      const suggestions = ((m.evidence!.suggestions ?? []) as { ddl: string; verifiedBy?: string }[]).filter((s) => s.verifiedBy !== undefined && s.verifiedBy !== 'none');
      // The proved indexes read as the schema files' are, and asked as servedByDeclaredIndex asks (core/scan): does an
      // index hold this very expression (`lower(c.email)` against `((lower((email)::text)))`, a cast only by a cast)?
      const held: DeclaredIndexes = new Map();
      addDeclaredIndexes(suggestions.map((s) => `${s.ddl};`).join('\n'), held);
      return isDeclaredIndexExpression(held, table, expression, { wrapped: true });
    });
    if (!by) continue;
    gone.add(f);
    folded.set(by, [...(folded.get(by) ?? []), f]);
  }
  if (!gone.size) return findings;
  return findings.filter((f) => !gone.has(f)).map((f) => {
    const mine = folded.get(f);
    if (!mine) return f;
    return {
      ...f,
      related: [...(f.related ?? []), ...mine.map((n) => ({ span: n.span, message: `${n.message} The index above holds the expression.` }))],
      evidence: { ...f.evidence, alsoSays: mine.map((n) => n.ruleId) },
    };
  });
}

/**
 * What an index fix will create, from its DDL: the table and everything after it — method, keys with their
 * order and operator class, INCLUDE, WHERE ("reviews (product_id) INCLUDE (rating)", "products USING gin
 * (attributes jsonb_path_ops)"). "table (columns)" hid the INCLUDE list and the GIN operator class the DDL then had.
 */
/**
 * The proved suggestions as the plan's tips take them: proved only (a trial index, HypoPG), an estimate is never a "proved" tip
 * (person20 MEDIUM 4). `decided`: the decision's statements each index also serves and the statement's own index, for the
 * tip to say an index is shared as Problems does (person52 L-5).
 */
export function provedFigures(suggestions: readonly { table: string; costBefore: number; costAfter: number | null; verifiedBy: string; columns: string[]; ddl: string; tableIndexes?: readonly string[]; at?: string }[], decided?: { alsoServes?: Record<string, readonly string[]>; ownInstead?: Record<string, Pick<ProvedSuggestion, 'ddl' | 'table' | 'columns' | 'costAfter'>> }): ProvedIndexFigure[] {
  return suggestions.flatMap((s) => {
    if (s.costAfter === null || s.verifiedBy === 'none') return [];
    const shared = decided && sharedIndexPhrase({ costAfter: s.costAfter }, decided.alsoServes?.[s.ddl]?.length ?? 0, decided.ownInstead?.[s.ddl]);
    return [{ table: s.table, costBefore: s.costBefore, costAfter: s.costAfter, title: indexDefinitionTitle(s), columns: s.columns, ddl: s.ddl, ...(s.tableIndexes ? { tableIndexes: s.tableIndexes } : {}), ...(s.at ? { at: s.at } : {}), ...(shared ? { shared } : {}) }];
  });
}

/** One proved figure per index (the best proof of each CREATE INDEX: the largest cut): what the editor and `pg-lens health` call the advised indexes. */
export function bestProvedFigures(suggestions: Parameters<typeof provedFigures>[0]): ProvedIndexFigure[] {
  const best = new Map<string, ProvedIndexFigure>();
  for (const f of provedFigures(suggestions)) {
    const had = best.get(f.ddl!);
    if (!had || f.costAfter / f.costBefore < had.costAfter / had.costBefore) best.set(f.ddl!, f);
  }
  return [...best.values()];
}

export function indexDefinitionTitle(s: { ddl: string; table?: string; columns?: string[] }): string {
  const m = /^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?:"(?:[^"]|"")*"|[^\s"]+)\s+ON\s+(?:ONLY\s+)?([\s\S]+?);?\s*$/i.exec(s.ddl);
  const what = m ? m[1].replace(/\s+/g, ' ').replace(/^public\./, '') : s.table && s.columns ? `${s.table} (${s.columns.join(', ')})` : s.ddl;
  return what.length > 160 ? `${what.slice(0, 159)}…` : what;
}

/**
 * A shared index that does less for this statement than its own would: "one index shared with 4 other statements" and
 * "its own, orders (status, customer_id), would give 288", said on its line and in its hover (person41: after a reload the
 * line read `1,221 → 640` where it had read `orders (status, customer_id) 1,221 → 288`, with nothing saying the index was
 * shared). Undefined when the shared index does as well.
 */
function sharedInstead(shared: Pick<ProvedSuggestion, 'costAfter'>, own: Pick<ProvedSuggestion, 'ddl' | 'table' | 'columns' | 'costAfter'> | undefined, others: number): { withWhom: string; instead: string } | undefined {
  if (!own || own.costAfter === null || shared.costAfter === null || own.costAfter >= shared.costAfter) return undefined;
  return {
    withWhom: sharedWithText(others),
    instead: `its own, ${indexDefinitionTitle(own)}, would give ${formatCost(own.costAfter)}`,
  };
}

/**
 * Shared, whether or not the statement's own index would do better: every statement the decision gives one index says so on
 * its line (issue 20, person51 L-6: orders.ts:70 said "one index shared with 1 other statement", while customers.ts:27 and
 * orders.ts:80, which share orders (customer_id, placed_at DESC), said nothing of it) and in the plan's tip (person52 L-5).
 * Undefined when the index serves this statement alone.
 */
export function sharedIndexPhrase(s: Pick<ProvedSuggestion, 'costAfter'>, others: number, own: Pick<ProvedSuggestion, 'ddl' | 'table' | 'columns' | 'costAfter'> | undefined): string | undefined {
  const n = sharedInstead(s, own, others);
  return n ? `${n.withWhom}; ${n.instead}` : others > 0 ? sharedWithText(others) : undefined;
}

/** "one index shared with 2 other statements" (the count unknown: "with other statements"). */
function sharedWithText(others: number): string {
  return others > 0 ? `one index shared with ${countOf(others, 'other statement')}` : 'one index shared with other statements';
}

/** Places an "also serving" line names; the rest are counted. */
const ALSO_SERVING_PLACES = 8;

/**
 * "One index, also serving 2 other statements: src/orders.ts:70, report.py:5." when the decision shares it (`index`:
 * which one, where a statement has two). The places are named, every one (person26: "2 other statements" and nothing
 * said which); a statement without a place (a recorded one, a pg_stat_statements entry) is counted, not quoted. The
 * finding's help carries it (the CLI prints it under the message; the editor's hover has it in Why), not the message
 * VS Code shows in the problem part of a hover it caps at 250 px (person30 M1).
 */
function alsoServingLine(others: readonly string[] | undefined, index?: string): string | undefined {
  if (!others?.length) return undefined;
  // At most ALSO_SERVING_PLACES named (issue 20, person32 H1: each of a generated file's 3,000 statements listed the 2,999
  // others, a help text of ~60 kB each).
  const places = others.slice(0, ALSO_SERVING_PLACES * 4).flatMap((l) => placeIn(l) ?? []).slice(0, ALSO_SERVING_PLACES);
  const rest = others.length - places.length;
  const list = places.length ? `: ${places.join(', ')}${rest ? ` and ${rest} more` : ''}` : '';
  return `One index${index ? ` (${index})` : ''}, also serving ${others.length === 1 ? '1 other statement' : `${others.length} other statements`}${list}.`;
}

export interface HoverSuggestion extends ProvedSuggestion {
  name: string;
  indexSizeBytes: number | null;
  seqScan?: { relation: string; rows: number };
  planAfter: string[];
}

/** A candidate no proof was made for, and why (the advisor's NotTried). */
export interface NotTriedCandidate {
  /** The candidate's definition as shown: "catalog_book (title)". */
  index: string;
  table: string;
  why: 'size' | 'withheld' | 'busy' | 'budget' | 'failed' | 'unavailable';
  /** `failed`: the server's answer to the trial ("Gave up waiting for a lock (lock_timeout)."). */
  error?: string;
  /** `size`: the table's size and the limit, in bytes. */
  tableBytes?: number;
  limitBytes?: number;
}

const MB = 1024 * 1024;

/**
 * What a statement's advice says when it suggests nothing — every surface (hover, Suggest Indexes, the workload advice,
 * `pg-lens advise`, a recording) in these words. "No index cuts the estimated cost by 30% or more" only for candidates
 * the planner tried; a candidate nobody tried is said as not tried, with why: a table above the size limit for a real
 * trial build (named with the setting that raises it), a build made only when the person asks ("Suggest Indexes tries
 * it"), another session building, no way to try it here (issue 20, person17 HIGH 4: "no index would cut…" for a 59 MB
 * table nothing was built on; MEDIUM 5: a hover said "no index" where Suggest Indexes then proved one). And "1
 * candidate", not "1 candidates" (person16 LOW 8). `sizeSetting`: the setting's name where the answer is read
 * (pgLens.index.maxTableSizeMb in the editor, --max-table-size-mb in the CLI).
 */
export function noIndexAnswer(r: { considered: number; tried: readonly unknown[]; proofNote?: string; notTried?: readonly NotTriedCandidate[]; servedBy?: readonly string[]; servedUnused?: readonly string[]; broadFilters?: readonly { table: string; share: number; limit: number }[] }, o: { minCostReduction: number; sizeSetting: string }): string {
  const pct = Math.round(o.minCostReduction * 100);
  const notTried = r.notTried ?? [];
  // An existing index already gives what it needs: said first, on every line alike, whether other candidates were tried
  // or not (person47 L5: "no index cuts … (1 candidate tried)" on the one line whose index exists).
  const exists = r.servedBy?.length ? `no index to add: ${r.servedBy.length === 1 ? 'an index it would use exists' : 'the indexes it would use exist'} (${r.servedBy.join(', ')})${unusedNote(r.servedBy, r.servedUnused)}` : undefined;
  if (!notTried.length) {
    if (exists && !r.considered) return exists;
    if (exists) return `${exists}; ${r.considered === 1 ? 'the other candidate tried does not' : `none of the ${r.considered} other candidates tried`} cut the estimated cost by ${pct}% or more`;
    // PG Lens's own bound, said as its own (person47 M1: "nothing in it is a selective filter" for `status = 'refunded'`).
    const broad = r.broadFilters?.[0];
    if (!r.considered && broad) return `no index tried: ${beyondTrialBound(`its filter keeps ${formatPercent(broad.share)} of ${broad.table}'s rows`, broad.limit)}`;
    if (!r.considered) return 'no index candidate: nothing in it (a selective filter, a join key, an ORDER BY with a LIMIT) is something an index on its tables would serve';
    return `no index cuts the estimated cost by ${pct}% or more${r.considered ? ` (${countOf(r.considered, 'candidate')} tried)` : ''}${r.proofNote ? `; ${r.proofNote}` : ''}`;
  }
  const parts: string[] = exists ? [exists] : [];
  if (r.tried.length) parts.push(`of ${countOf(r.tried.length, 'candidate')} tried, none cuts the estimated cost by ${pct}% or more`);
  const list = (why: NotTriedCandidate['why']) => notTried.filter((x) => x.why === why);
  const indexes = (xs: NotTriedCandidate[]) => [...new Set(xs.map((x) => x.index))].join(', ');
  const bySize = new Map<string, NotTriedCandidate>();
  for (const x of list('size')) if (!bySize.has(x.table)) bySize.set(x.table, x);
  for (const x of bySize.values()) {
    parts.push(`not tried: ${x.table} is ${Math.round((x.tableBytes ?? 0) / MB)} MB, above the size limit for a real trial index (${o.sizeSetting}: ${Math.round((x.limitBytes ?? 0) / MB)} MB; raise it, or install HypoPG, which builds nothing): ${indexes(list('size').filter((y) => y.table === x.table))}`);
  }
  if (list('withheld').length) parts.push(`not proved: ${indexes(list('withheld'))} — a real trial index (rolled back) is built only when you ask (pgLens.index.trialBuilds is whenAsked for this file): Suggest Indexes tries it`);
  if (list('busy').length) parts.push(`not tried: another PG Lens session (or another index advice of this window, longer than it waits) was building a trial index on ${[...new Set(list('busy').map((x) => x.table))].join(', ')}; ask again: ${indexes(list('busy'))}`);
  if (list('budget').length) parts.push(`not tried yet: PG Lens has made as many real trial builds on ${[...new Set(list('budget').map((x) => x.table))].join(', ')} as it makes in a minute; proved again later: ${indexes(list('budget'))}`);
  for (const x of list('failed')) parts.push(`not tried: the trial of ${x.index} failed (${(x.error ?? 'an error').replace(/\.$/, '')}); ask again`);
  if (list('unavailable').length) parts.push(`not tried: ${indexes(list('unavailable'))}${r.proofNote ? ` (${r.proofNote})` : ''}`);
  return parts.join('; ');
}

/**
 * Why a statement gets no index to add, as the advice answers it — Suggest Indexes' no-pick message, and the hover's note
 * (adviceNoIndexNote): the advisor's status when it could not advise, the indexes withheld for their write cost
 * (withheldAnswer), else noIndexAnswer.
 */
export function noIndexWhy(own: Parameters<typeof noIndexAnswer>[0] & { status: string; message?: string }, withheld: Parameters<typeof withheldAnswer>[0], o: { minCostReduction: number; sizeSetting: string }): string {
  return own.status !== 'ok' ? (own.message ?? own.status) : withheld.length ? withheldAnswer(withheld) : noIndexAnswer(own, o);
}

/**
 * The advice's one answer for a statement it has decided, as the hover says it under the plan's scan warning (issue 20,
 * fixd's leftover: for a filter keeping 5–20% of the rows the hover said the plan tip's "No index for it: it keeps 10% …
 * only when the planner proves it (… Suggest Indexes tries it)" while Suggest Indexes gave the advice's answer — two
 * sentences for one question). Undefined: the advice has not answered (not decided yet, or it could not advise) — the plan
 * tip's own judgement stands. '': the line's missing-index finding says it (an index proposed, or withheld for its write
 * cost), nothing more under the plan. Else "No index for it: " and the words of Suggest Indexes and `pg-lens advise` (noIndexWhy).
 */
export function adviceNoIndexNote(decided: { suggestions: readonly unknown[]; withheld?: readonly unknown[] } | undefined, own: (Parameters<typeof noIndexAnswer>[0] & { status: string; message?: string }) | undefined, o: { minCostReduction: number; sizeSetting: string }): string | undefined {
  if (!decided || !own || own.status !== 'ok') return undefined;
  if (decided.suggestions.length || decided.withheld?.length) return '';
  return `No index for it: ${noIndexWhy(own, [], o).replace(/\.$/, '')}.`;
}

/**
 * The index advice's answer for a statement of the code, as its plan's tips say it on a scan it proved no index for
 * (AnalyzeOptions.adviceAnswer): not decided yet (ADVICE_PENDING), the index it proved (on another table), one proposed
 * unproved, or "No index for it" in the words of the hover and Suggest Indexes (noIndexWhy) — never an index of the tip's
 * own (issue 20, person48 L-f: Compare's tip named reviews (product_id) while the advice proved (product_id, created_at DESC)).
 */
export function adviceTipAnswer(
  decided: { suggestions: readonly Parameters<typeof provedFigures>[0][number][]; withheld?: Parameters<typeof withheldAnswer>[0] } | undefined,
  own: (Parameters<typeof noIndexAnswer>[0] & { status: string; message?: string }) | undefined,
  o: { minCostReduction: number; sizeSetting: string; adviser?: string },
): string {
  if (!decided || !own) return ADVICE_PENDING;
  const proved = provedFigures(decided.suggestions);
  // Proved on another table of the statement, or on this one when it had other indexes than the plan shows.
  if (proved.length) return `PG Lens's index advice proposes ${proved.map((p) => p.title).join(' and ')} for this statement`;
  // Not proved: why, as the advice says it (`pg-lens explain`: "HypoPG is not available on this server; …"), and where to
  // ask it — the editor's "Suggest indexes" or the terminal's `pg-lens advise` (AnalyzeOptions.adviser).
  const why = o.adviser && own.proofNote ? ` (${own.proofNote})` : '';
  if (decided.suggestions.length) return `PG Lens's index advice proposes ${indexDefinitionTitle(decided.suggestions[0])} for this statement, not proved by the planner${why}: see ${o.adviser ?? '"Suggest indexes"'}`;
  // An answer that says "No index: …" itself (neverMatchesAnswer) is not said twice.
  return `No index for it: ${noIndexWhy(own, decided.withheld ?? [], o).replace(/^No index: /, '').replace(/\.$/, '')}`;
}

/** Of the existing indexes named, those the statement's plan does not use now: said (its plan reads the table otherwise). */
function unusedNote(servedBy: readonly string[], unused: readonly string[] | undefined): string {
  if (!unused?.length) return '';
  if (unused.length === servedBy.length) return `, though its plan does not use ${unused.length === 1 ? 'it' : 'them'} now`;
  return `, though its plan does not use ${unused.join(', ')} now`;
}

/**
 * A suggestion's one line when its figures are another statement's of the same shape (the same text but for constants,
 * planned once for all of them: person31 H2, a file of 3,000 such statements cost an EXPLAIN each): said, as the costs
 * are that statement's, not this one's own.
 */
export function sameShapeSummary(summary: string, checked = true): string {
  // Checked: its own plan (one plain EXPLAIN) stands on the first's footing — the same scans, a cost within 0.5–2×
  // (person38 H1). Unchecked (the shape's checks spent for this decision): the figures were never planned for it.
  return checked
    ? `${summary} (the figures of its shape: planned once for the statements that differ from it only by constants; this statement's own plan checked against them)`
    : `${summary} (the figures of its shape, not verified for this statement: planned once for the statements that differ from it only by constants; its own plan not checked)`;
}

/** How much cheaper, in words a person reads at a glance: "48× lower", "35% lower". */
export function costDrop(before: number, after: number): string {
  if (after <= 0 || before / after >= 2) return after <= 0 ? 'to nothing' : `${before / after >= 10 ? Math.round(before / after) : (before / after).toFixed(1)}× lower`;
  return `${Math.round((1 - after / before) * 100)}% lower`;
}

const PROOF: Record<ProvedSuggestion['verifiedBy'], string> = {
  hypopg: 'proved by the planner (HypoPG)',
  transaction: 'proved by the planner (a real index, rolled back)',
  none: 'not verified by the planner',
};

/**
 * "proved 12 min ago; orders has changed since: Suggest Indexes proves it again": a proof kept from the tables as they
 * were, the app's traffic having grown them since (person41 M1: the line fell back to another, unproved index).
 */
export function earlierNote(e: NonNullable<ProvedSuggestion['provedEarlier']>, now = Date.now()): string {
  const min = Math.round((now - e.at) / 60_000);
  const what = e.changed.length === 1 ? `${e.changed[0]} has` : e.changed.length ? `${e.changed.join(', ')} have` : 'the tables have';
  return `proved ${min < 1 ? 'under 1' : min} min ago; ${what} changed since: Suggest Indexes proves it again`;
}

/** How a suggestion was proved, in the words every surface shows (hover, Suggest Indexes, the CLI) — never the raw value. */
export function provedBy(verifiedBy: ProvedSuggestion['verifiedBy']): string {
  return PROOF[verifiedBy];
}

/**
 * What a Suggest Indexes run found, in one line for the plan viewer's banner and the progress: each index with how it
 * was proved in provedBy's words, the ones the picker shows beside it (person20 MEDIUM 4: the banner said "one index
 * proved" while the picker said "not verified by the planner" for the same index on a table above the size limit).
 */
export function suggestedIndexesLine(suggestions: readonly Pick<ProvedSuggestion, 'ddl' | 'verifiedBy'>[]): string {
  const n = suggestions.length;
  const each = suggestions.map((s) => `${s.ddl.replace(/^CREATE (UNIQUE )?INDEX (CONCURRENTLY )?\S+ /, '')} — ${provedBy(s.verifiedBy)}`);
  return `${n === 1 ? 'one index' : `${n} indexes`} suggested (${each.join('; ')})`;
}

/**
 * A Suggest Indexes pick's detail: the index's summary, the statements it also serves, and — for a statement the automatic
 * advice weighs apart (StatementDecision.apart: a one-off DELETE or UPDATE) — why the diagnostics and hovers propose none,
 * first (issue 20, person42 M4: `orders (status)` offered for a one-off DELETE, right above the plan tip "not worth it for
 * a one-off statement", the pick saying nothing of it).
 */
export function suggestPickDetail(s: Pick<ProvedSuggestion, 'summary' | 'costBefore' | 'costAfter' | 'figures'>, o: { alsoServes?: readonly string[]; apart?: string; name?: (label: string) => string; writes?: string } = {}): string {
  const also = o.alsoServes?.length ? ` · one index, also serving ${o.alsoServes.map((l) => (o.name ? o.name(l) : l)).join(', ')}` : '';
  // Offered though its writes cost a share of its saving (StatementDecision.writes, the short form): right after the
  // figures, before the line is cut (issue 20, person48 H1': the pick list had no word of the write cost).
  const writes = o.writes ? ` · writes: ${o.writes}` : '';
  // The figures first: a quick pick's detail is one line, cut where the window ends (person43 L2: the one-off DELETE's
  // reason filled it and its cost drop was never seen; person45 M2: the summary's own figures come last in it, and at a
  // 1600 px window the line was cut at "cuts the estimated cost 1…"). They lead, as the hover's head line says them; the
  // summary after them without them. A proof kept from before says its age after its figures (earlierNote): kept; its
  // figures are that proof's, so no drop is said against the plan now. The figures are the suggestion's fields (figures).
  const f = s.figures;
  if (!f) return `${s.summary}${writes}${also}${o.apart ? ` · ${apartNote(o.apart)}` : ''}`;
  const what = s.summary.replace(costPhrase(f), '');
  return `cost ${formatCost(f.before)} → ${formatCost(f.after)}${!f.earlier && s.costAfter !== null ? ` (${costDrop(s.costBefore, s.costAfter)})` : ''}${writes} · ${what}${also}${o.apart ? ` · ${apartNote(o.apart)}` : ''}`;
}

/**
 * A statement the decision weighs apart (IndexDecision byStatement `apart`: a one-off DELETE or UPDATE), said beside the
 * index proved because it was asked for — one wording for Suggest Indexes' pick and `pg-lens advise` (person43 M1: the CLI
 * printed the one-off DELETE's index with no caveat).
 */
export function apartNote(apart: string): string {
  return `Asked for, but ${apart}`;
}

/** The plan node that reads through the new index, without its cost figures ("Bitmap Index Scan using x_idx"). */
function indexNode(s: HoverSuggestion): string | undefined {
  const line = s.planAfter.find((l) => l.includes(s.name));
  return line?.replace(/^\s*(->\s*)?/, '').replace(/\s*\(cost=.*$/, '').trim() || undefined;
}

const md = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (c) => `\\${c}`);

/**
 * The missing-index hover, laid out like the plan hover under it: one bold head line with what and
 * how much cheaper (and whether the planner proved it), the CREATE INDEX, one line of evidence, and
 * one action (other fixes stay in the quick-fix menu). `underProblem`: the pointer is on the finding itself, whose
 * message VS Code shows just above ("Seq Scan on orders (32k rows): an index on orders (…) cuts the estimated cost
 * 934 → 19.4"): the head line keeps only what that message does not say (how much lower, how it was proved), and the
 * evidence leaves out the Seq Scan it named (person24 MEDIUM 3: the finding said twice on its own line). `crowded`: VS
 * Code's problem part also holds another PG Lens finding (an N+1 on the read) or a related note: the head line with the
 * action and Why only, the evidence in Why's title (person29 M1).
 */
export function missingIndexHover(s: HoverSuggestion, o: { action?: { title: string; uri: string }; docs: string; alsoServes?: string[]; underProblem?: boolean; crowded?: boolean; ownInstead?: Pick<ProvedSuggestion, 'ddl' | 'table' | 'columns' | 'costAfter'>; withheld?: string; weighed?: string }): string {
  const cols = `${s.columns.join(', ')}`;
  const figures = s.costAfter !== null ? `cost ${formatCost(s.costBefore)} → ${formatCost(s.costAfter)} (${costDrop(s.costBefore, s.costAfter)})` : 'may help';
  // A proof kept from the tables as they were says so (its figures are that proof's).
  const proved = `${provedBy(s.verifiedBy)}${s.provedEarlier ? `, ${md(earlierNote(s.provedEarlier))}` : ''}`;
  const head = o.underProblem
    ? `$(lightbulb) **${s.costAfter !== null ? costDrop(s.costBefore, s.costAfter) : 'May help'}** with the index · ${proved}`
    : `$(lightbulb) **Missing index on ${md(s.table)} (${md(cols)})** · ${figures} · ${proved}`;
  // Withheld for its write cost (withheldNote): said under the head line, with the figures, wherever the pointer is (on the
  // finding VS Code's problem part says it too, cut to its box).
  const heldLine = o.withheld ? `*${md(withheldNote(o.withheld))}*` : undefined;
  // On the finding the hover holds VS Code's problem part, this and the plan: the evidence and the statements the index
  // also serves stay in Why (its title) and the quick fixes, so the plan is in view without scrolling (person25: still a
  // 250 px scroll box, content 474 px, plan below the fold).
  // Off the finding (the pointer elsewhere on the statement) the evidence: the node the planner uses with the index, its
  // size and the statements it also serves, by place. The Seq Scan is the plan part's below, and a list of one statement
  // a line pushed that plan part's head and Open plan 89 px below the box (person28 M1: 3 statements listed).
  // Each fact as markdown and as plain text (for Why's title).
  const tail: { md: string; text: string }[] = [];
  const via = o.underProblem ? undefined : indexNode(s);
  if (via) tail.push({ md: `with it: ${md(via)}`, text: `with it: ${via}` });
  if (!o.underProblem && s.indexSizeBytes) tail.push({ md: `about ${formatBytes(s.indexSizeBytes)}`, text: `about ${formatBytes(s.indexSizeBytes)}` });
  const others = o.alsoServes ?? [];
  if (others.length && !o.underProblem) {
    const also = alsoServesPhrase(others, (t) => `\`${t.replace(/`/g, '')}\``);
    tail.push({ md: also, text: also });
  }
  // A shared index that does less here than this statement's own (on the finding, its message says so).
  // The statements it is shared with are named above when known: then only what its own would give.
  const shared = o.underProblem ? undefined : sharedInstead(s, o.ownInstead, others.length);
  const instead = shared && (others.length ? shared.instead : `${shared.withWhom}; ${shared.instead}`);
  if (instead) tail.push({ md: md(instead), text: instead });
  // On the finding the statements it also serves are on demand: Why's title (the problem's message is its claim alone).
  const whyMore = o.underProblem && others.length ? [alsoServingLine(others)!.replace(/\.$/, '')] : [];
  // Crowded (another PG Lens finding under the pointer — an N+1 on the same read — or a related note VS Code shows under
  // the message): VS Code's problem part above already takes most of a hover it caps at 250 px, and the CREATE INDEX
  // block and the evidence pushed the plan's head and Open plan out of the box (person29 M1: products.ts:72, 390 px of
  // content in 250 at 1600x900, on or off the missing-index squiggle). One line then: the head, the action and Why; the
  // CREATE INDEX is the quick fix's (the light bulb) and the problem's message names the index; the evidence is Why's
  // title (shown when the pointer rests on it).
  // What the decision weighed (core/record decidedWithPhrase, `pg-lens advise`'s last line): in Why's title, no line more.
  const more = [...(o.crowded ? tail.map((x) => x.text) : []), ...whyMore, ...(o.weighed ? [`index advice ${o.weighed}`] : [])];
  const reason = (more.length ? `${s.reason} — ${more.join(' · ')}` : s.reason).replace(/["\\\n]/g, (c) => (c === '"' ? "'" : ' '));
  // Why's link carries the reason for the columns as its title: a line less in a hover VS Code caps at 250 px.
  const why = `[Why](${o.docs} "${reason}")`;
  const action = o.action ? `[${md(o.action.title)}](${o.action.uri})` : undefined;
  // (One paragraph: the soft line break reads as a space, a " · " more wrapped Why onto a line of its own at 1280x760.)
  if (o.crowded) return `${head}\n${[heldLine, [action, why].filter(Boolean).join(' · ')].filter(Boolean).join('\n\n')}`;
  // The action under the head line: VS Code caps a hover's height, and with an N+1 or a rule on the same statement the
  // lines below it scroll out of sight (a person found "Create index now" below the fold).
  const lines = [head, ...(heldLine ? ['', heldLine, ''] : []), [action, why, 'more fixes: Ctrl+.'].filter(Boolean).join(' · '), ''];
  lines.push('```sql', `${s.needsExtension ? `CREATE EXTENSION IF NOT EXISTS ${s.needsExtension};\n` : ''}${s.ddl};`, '```', '');
  if (tail.length) lines.push(tail.map((x) => x.md).join(' · '));
  return lines.join('\n').trimEnd();
}
