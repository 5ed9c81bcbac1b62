/**
 * A recorded statement's index advice as the recording shows it (its finding at the call, its hover, "Recorded at …"):
 * the editor's one decision for the statement's SQL, in the recording's shape.
 */
import type { StatementAdvice } from './format';
import type { SiteFigure, StatementFigure } from './aggregate';
import { sharedIndexPhrase, withheldAnswer } from '../advice/missingIndex';
import type { FoundStatement, RecordedFigures } from '../advice/workload';
import { placeIn } from '../advice/workload';
import { codeContextOf, type CodeContext } from '../codeContext';
import { countOf } from '../format';

/** The editor's decided advice of a statement, as the recording reads it (db/missingIndexAnalyzer DecidedAdvice). */
export interface DecidedLike {
  status: string;
  message?: string;
  costBefore?: number;
  notTried?: readonly unknown[];
  suggestions: readonly { ddl: string; costBefore: number; costAfter: number | null; summary: string; planBefore: string[] }[];
  /** Proved indexes the one decision withheld for their write cost (DecidedAdvice.withheld). */
  withheld?: readonly { ddl: string; why: string; suggestion?: { costBefore: number; costAfter: number | null } }[];
  /** The statements each index also serves and the statement's own index, by CREATE INDEX (DecidedAdvice's). */
  alsoServes?: Readonly<Record<string, readonly string[]>>;
  ownInstead?: Readonly<Record<string, { ddl: string; table: string; columns: string[]; costAfter: number | null }>>;
}

/**
 * A decided advice in the recording's shape. `noAnswer`: why no index, when none was proved (core noIndexAnswer, the
 * editor's). An index the decision withheld for its write cost is said in the one wording (core withheldAnswer) the line's
 * Problem, the hover, Suggest Indexes, `pg-lens advise` and `pg-lens record` use: before, the recorded line said nothing
 * of it ("No index would make it enough cheaper.") beside the code line's "withheld: orders is write-heavy …" (issue 20).
 */
export function recordedAdviceOf<D extends DecidedLike>(r: D, provedOn: string | undefined, noAnswer: (r: D) => string | undefined): StatementAdvice {
  return {
    costBefore: r.costBefore,
    suggestions: r.suggestions.map((s) => {
      // Shared as the code's lines say it (person52 L-6: orm/orders.ts:25 said nothing of the index it shares with two lines
      // that said "(one index shared with 2 other statements …)").
      const shared = sharedIndexPhrase(s, r.alsoServes?.[s.ddl]?.length ?? 0, r.ownInstead?.[s.ddl]);
      return { ddl: s.ddl, costBefore: s.costBefore, costAfter: s.costAfter, summary: s.summary, planBefore: s.planBefore, index: s, ...(shared ? { shared } : {}) };
    }),
    note: r.status !== 'ok' ? r.message : r.withheld?.length ? withheldAnswer(r.withheld) : !r.suggestions.length && r.notTried?.length ? noAnswer(r) : undefined,
    provedOn,
  };
}

/**
 * The recording's advice per statement (by its normalised text) as shown now: the editor's decided advice of its SQL where
 * the editor has one on this connection (`current`: what every editor decision keeps up to date), else the advice the
 * recording kept (made before, or brought back after a reload). One statement, one answer: the recording kept a copy of
 * the decision it was made under, and after orders changed the editor's line said orders (status, placed_at DESC) 1,231 →
 * 469 while the recording's, a line above, said orders (status) 1,231 → 391 (person45 H1).
 */
export function recordedAdviceNow<D extends DecidedLike>(kept: ReadonlyMap<string, StatementAdvice>, statements: Iterable<{ normalized: string; sql: string }>, current: (sql: string) => D | undefined, provedOn: string | undefined, noAnswer: (r: D) => string | undefined): Map<string, StatementAdvice> {
  const out = new Map(kept);
  for (const st of statements) {
    const now = current(st.sql);
    if (now) out.set(st.normalized, recordedAdviceOf(now, provedOn, noAnswer));
  }
  return out;
}

/**
 * The kept advice (by normalised text) of the recorded statements whose decided advice the editor forgot (`forgotten`:
 * their SQL texts, as decided — their tables moved): dropped, they are decided again with the code's statements, on the
 * same trigger (person48 L-h: "Reading orders (52k rows)" kept after orders grew to 62k). Returns the keys dropped.
 */
export function forgetRecordedAdvice(kept: Map<string, StatementAdvice>, statements: Iterable<{ normalized: string; sql: string }>, forgotten: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const st of statements) if (forgotten.has(st.sql) && kept.delete(st.normalized)) out.push(st.normalized);
  return out;
}

/**
 * How many recorded statements are decided at a time: the first batch (the costliest) right after Stop Recording or a
 * reload, the others after it, in the background, in the same order.
 */
export const RECORDED_DECISION_BATCH = 25;

/**
 * The recorded statements as the index decision takes them (issue 20, person49 M-4): every one, once (by normalised
 * text), takes part in every decision from the moment the recording is there (`weighed`), and they are decided in
 * `batches` of `batch`, the costliest first — total time, then calls, then the text: one order for one recording. Before,
 * only the 25 costliest by total time took part; the Sequelize refunds read (21.5 ms, below the cut) joined the shared
 * decision only once its "Plan and index advice" was opened, and src/orders.ts:70's advice flipped from orders (status)
 * to the shared orders (status, placed_at DESC) then, and back after a reload. The cut now bounds only what is decided
 * first; which statements a decision weighs no longer depends on what was opened.
 */
export function recordedDecisionOrder<S extends { normalized: string; calls: number; totalMs: number }>(statements: Iterable<S>, batch = RECORDED_DECISION_BATCH): { weighed: S[]; batches: S[][] } {
  const sorted = [...statements].sort((a, b) => b.totalMs - a.totalMs || b.calls - a.calls || (a.normalized < b.normalized ? -1 : a.normalized > b.normalized ? 1 : 0));
  // A statement sent from two lines: taken where it cost the most.
  const byText = new Map<string, S>();
  for (const st of sorted) if (!byText.has(st.normalized)) byText.set(st.normalized, st);
  const weighed = [...byText.values()];
  const size = Math.max(1, Math.floor(batch));
  const batches: S[][] = [];
  for (let i = 0; i < weighed.length; i += size) batches.push(weighed.slice(i, i + size));
  return { weighed, batches };
}

/** A recorded statement as the index decision takes it: the kind of code it ran in, and its place (`src/orm/orders.ts:25`). */
export type RecordedToWeigh = StatementFigure & { context?: CodeContext; place?: string };

/**
 * A recording's statements as every index decision weighs them, in the one order (recordedDecisionOrder): each with the
 * kind of code it ran in (its call site's file, or a test's or migration's unit of work — such a statement is not the app's
 * workload and gets no index of its own) and its place, named by `rel` (the editor's workspace-relative path, the CLI's
 * path from the folder it runs in). The editor's Stop Recording and `pg-lens advise --recording` take the same statements
 * here, so one recording gives both the same index (issue 20, M-4's last form: the editor said the shared orders (status,
 * placed_at DESC) for src/orders.ts:70, `pg-lens advise --file src/orders.ts`, which weighed no recording, orders (status)).
 */
export function recordedToWeigh(sites: readonly Pick<SiteFigure, 'file' | 'line' | 'statements'>[], rel: (file: string) => string, batch = RECORDED_DECISION_BATCH): { weighed: RecordedToWeigh[]; batches: RecordedToWeigh[][] } {
  return recordedDecisionOrder(sites.flatMap((site) => {
    const byFile = site.file ? codeContextOf(site.file) : undefined;
    // Its place, as a workspace statement's label ("src/orders.ts:70"): the workload and "also serving" name it (person27 LOW-8).
    const place = site.file && site.line ? `${rel(site.file)}:${site.line}` : undefined;
    return site.statements.map((st): RecordedToWeigh => ({ ...st, place, context: st.maxUnitKind === 'test' || st.maxUnitKind === 'migration' ? st.maxUnitKind : byFile }));
  }), batch);
}

/** A recorded statement named by its text: its plan's title, and its label where no place is known. */
export function recordedTitle(sql: string): string {
  return `recorded: ${sql.replace(/\s+/g, ' ').slice(0, 80)}`;
}

/** A recorded statement as the editor's index decision takes it (IndexAdvice decide and weigh): named by its place, else by its text. */
export function recordedDecisionInput(st: { sql: string; context?: CodeContext; place?: string; calls?: number; totalMs?: number }): { sql: string; label: string; context?: CodeContext; recorded?: RecordedFigures } {
  return { sql: st.sql, label: st.place ?? recordedTitle(st.sql), context: st.context, ...(st.calls !== undefined ? { recorded: { calls: st.calls, totalMs: st.totalMs ?? 0 } } : {}) };
}

/**
 * A recorded statement among the statements a decision weighs (mergeStatements' input): named by the place the recording
 * saw send it, as a workspace statement is (person27 LOW-8), with the recording's calls there (the workload's list says them
 * where pg_stat_statements has none; person49 L-5). The editor's recorded statements and `pg-lens advise --recording`'s.
 */
export function recordedFound(s: { sql: string; label: string; context?: CodeContext; recorded?: RecordedFigures }): FoundStatement {
  return { sql: s.sql, source: placeIn(s.label) ?? 'recorded', ...(s.context ? { context: s.context } : {}), ...(s.recorded ? { recorded: s.recorded } : {}) };
}

/**
 * What one index decision weighed, in one short phrase — said by the editor's Suggest Indexes and missing-index hover and by
 * `pg-lens advise`, so two surfaces that weighed different statements say so on the spot (issue 20: the editor weighed the
 * recording, the CLI did not, and each named another index for src/orders.ts:70). `code`: the statements of the code
 * weighed ("the workspace's 120 statements", "src/orders.ts's 9 statements"); `recorded`: the recorded statements weighed and where
 * the recording is (undefined: none weighed, and `noRecording` says how one would be); `busiest`: how many of
 * pg_stat_statements' busiest were weighed (undefined: not read).
 */
export function decidedWithPhrase(w: { code?: string; recorded?: { statements: number; of: string }; noRecording?: string; busiest?: number }): string {
  const parts: string[] = [];
  if (w.code) parts.push(w.code);
  if (w.recorded) parts.push(`the ${countOf(w.recorded.statements, 'statement')} recorded ${w.recorded.of}`);
  parts.push(w.busiest === undefined ? "no pg_stat_statements (not read)" : `pg_stat_statements' ${w.busiest} busiest`);
  const last = parts.pop()!;
  return `decided with ${parts.length ? `${parts.join(', ')} and ${last}` : last}${w.recorded ? '' : `; no recording${w.noRecording ? ` (${w.noRecording})` : ''}`}`;
}
