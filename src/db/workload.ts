/**
 * Workload mode: the statements that cost the most time (pg_stat_statements, by total time, with a
 * minimum number of calls) plus SQL from the workspace, decided together by the one index decision
 * (indexDecision.ts): a small set of indexes chosen by the statements they serve and the time they
 * save minus what they cost on writes — the same indexes the per-statement surfaces name.
 */
import { workloadIndexes, type FoundStatement, type LeftOut, type WeighedStatement, type WorkloadChoice } from '../core/advice/workload';
import { noIndexAnswer, withheldAnswer } from '../core/advice/missingIndex';
import { DEFAULT_MIN_REDUCTION, type AdviseOptions, type IndexSuggestion } from './advisor';
import type { Database, ServerInfo } from './database';
import { decisionStatements, IndexDecider, type DecisionInput, type TopStatements } from './indexDecision';
import { QueryIdsByShape, statementTotals } from './queryStats';
import { ownRunsOf } from './ownRuns';
import { appFigures } from '../core/cost';

export interface WorkloadOptions extends AdviseOptions {
  minCalls?: number;
  /** How many statements from pg_stat_statements. */
  limit?: number;
  /** At most this many indexes in the answer. */
  maxIndexes?: number;
  /** Statements of the code or a recording (those that are not workload are left out: core/advice/workload notWorkload). */
  extraStatements?: FoundStatement[];
  /** The setting that raises the size limit of a real trial index, as the answer names it (default: the CLI's option). */
  sizeSetting?: string;
  /** The decider to use (the editor's, with its proofs); a new one otherwise. */
  decider?: IndexDecider;
  /**
   * pg_stat_statements as the caller read it (the editor's one read, which its diagnostics, hovers and Suggest Indexes
   * weigh); read here otherwise. Two reads made minutes apart weighed different statements: the workload named another
   * index than Suggest Indexes for the same reads (issue 20 item 5, session 26's KNOWN GAP in e2e 48).
   */
  top?: TopStatements;
}

type WorkloadSuggestion = IndexSuggestion & WorkloadChoice;

export interface WorkloadResult {
  suggestions: WorkloadSuggestion[];
  statementsAnalysed: number;
  fromStatStatements: number;
  fromFiles: number;
  /** pg_stat_statements' statements also found in the code. */
  alsoInFiles: number;
  /** Every statement weighed, with its timings and what the decision made of it (person10 N21: "No index would help" said nothing of what it weighed). */
  weighed: WeighedStatement[];
  /** Indexes proved but not recommended, and why (their saving does not beat their write cost, or past maxIndexes). */
  notRecommended: { ddl: string; why: string; statements: string[] }[];
  /** PostgreSQL's own foreign-key checks found in pg_stat_statements and left out of the workload. */
  foreignKeyChecks?: { statements: number; calls: number };
  /** Statements of the code or a recording left out as not workload (DDL, migrations, seeds, tests, another database's SQL), per reason. */
  leftOut?: LeftOut[];
  note?: string;
}

export async function adviseWorkload(db: Database, opts: WorkloadOptions = {}): Promise<WorkloadResult> {
  const full = opts.info && 'pgStatStatements' in opts.info ? (opts.info as ServerInfo) : await db.serverInfo();
  const sources = await decisionStatements(db, opts.extraStatements ?? [], { minCalls: opts.minCalls, limit: opts.limit, info: full, top: opts.top });
  const decider = opts.decider ?? new IndexDecider(db, { ...opts, info: full });
  // Asked for (the workload command, `pg-lens advise --workload`): real trial builds allowed unless told otherwise.
  const decision = await decider.decide(sources.statements, { realIndexes: opts.realIndexes ?? true });
  const analysed = sources.statements.filter((s) => decider.advice.has(s.sql)).length;
  const suggestions = workloadIndexes(decision, opts.maxIndexes ?? 5);
  const entries = await ownEntries(db, full, sources.statements);
  // The answers' words: the advisor's default share (the one DEFAULT_MIN_REDUCTION), the setting the caller names.
  const words = { minCostReduction: opts.minCostReduction ?? DEFAULT_MIN_REDUCTION, sizeSetting: opts.sizeSetting ?? '--max-table-size-mb' };
  const weighed: WeighedStatement[] = sources.statements.map((s) => {
    const r = decider.advice.get(s.sql);
    const d = decision.byStatement.get(s.sql);
    const outcome = !r ? `not advised: ${decider.errors.get(s.sql) ?? 'not reached'}`
      : r.status !== 'ok' ? (r.message ?? `not advised (${r.status})`)
      : d?.suggestions.length && d.suggestions.some((x) => x.verifiedBy !== 'none') ? `index proved: ${d.suggestions.map((x) => x.ddl.replace(/^CREATE INDEX CONCURRENTLY \S+ ON /, '')).join('; ')}`
      // Estimated only (no HypoPG, the table above the size limit or no build allowed): never said as proved.
      : d?.suggestions.length ? `index estimated, not proved: ${d.suggestions.map((x) => x.ddl.replace(/^CREATE INDEX CONCURRENTLY \S+ ON /, '')).join('; ')}${r.notTried?.length ? ` — ${noIndexAnswer(r, words)}` : ''}`
      : d?.withheld.length ? `index proved, ${withheldAnswer(d.withheld)}`
      : noIndexAnswer(r, words);
    const own = entries.get(s.sql);
    return { label: s.label, calls: s.calls, totalMs: s.totalMs, ...(s.ownIncluded ? { ownIncluded: s.ownIncluded } : {}), ...(s.calls === undefined && s.recorded ? { recorded: s.recorded } : {}), ...(own ? { entry: own } : {}), outcome };
  });
  const notRecommended = decision.indexes.filter((x) => !suggestions.includes(x)).map((x) => ({
    ddl: x.ddl,
    why: !x.worthIt ? (x.writeNote ?? `its saving (${x.savedMs !== undefined ? `about ${Math.round(x.savedMs)} ms of statement time` : 'no statement timings'}) does not beat its write cost`) : `past the ${opts.maxIndexes ?? 5} best`,
    statements: x.statements.map((st) => `${st.label} (${st.share}${st.savedMs !== undefined ? `, about ${Math.round(st.savedMs)} ms saved` : ''})`),
  }));
  return { suggestions, statementsAnalysed: analysed, fromStatStatements: sources.fromStatStatements, fromFiles: sources.fromFiles, alsoInFiles: sources.alsoInFiles ?? 0, weighed, notRecommended, note: sources.note, ...(sources.leftOut ? { leftOut: sources.leftOut } : {}), ...(sources.foreignKeyChecks ? { foreignKeyChecks: sources.foreignKeyChecks } : {}) };
}

/** How many statements of the code outside pg_stat_statements' busiest have their own entry looked up (one EXPLAIN per shape each). */
const OWN_ENTRY_LOOKUPS = 50;

/**
 * The pg_stat_statements entry of each statement of the code that is outside the busiest weighed and holds no recording's
 * figures: its query id (one EXPLAIN (VERBOSE) per shape) and that entry's calls and time, PG Lens's own Benchmark runs
 * taken out as everywhere (core/cost appFigures). Said in the list of statements weighed, not weighed: the decision took
 * the busiest with their time (person51 L-9: "src/reviews.ts:12: INSERT INTO reviews … — no calls recorded" beside
 * pg_stat_statements' 3,000 calls of it). Only entries with calls; none where the server cannot tell (no
 * pg_stat_statements, PostgreSQL 13 and older).
 */
async function ownEntries(db: Database, info: ServerInfo, statements: readonly DecisionInput[]): Promise<Map<string, { calls: number; totalMs: number; ownIncluded?: number }>> {
  const out = new Map<string, { calls: number; totalMs: number; ownIncluded?: number }>();
  if (info.pgStatStatements !== 'ready' || info.versionNum < 140000) return out;
  const ids = new QueryIdsByShape(db, info, { writes: true });
  const runs = ownRunsOf(db);
  for (const s of statements.filter((x) => x.calls === undefined && !x.recorded).slice(0, OWN_ENTRY_LOOKUPS)) {
    const queryid = await ids.of(s.sql);
    if (!queryid) continue;
    const t = await statementTotals(db, queryid).catch(() => undefined);
    if (!t?.calls) continue;
    const app = appFigures({ queryid, query: s.sql, calls: t.calls, totalMs: t.totalMs, meanMs: t.totalMs / t.calls, rows: t.rows }, runs.get(s.sql, queryid));
    if (app?.calls) out.set(s.sql, { calls: app.calls, totalMs: app.totalMs, ...(app.ownIncluded ? { ownIncluded: app.ownIncluded } : {}) });
  }
  return out;
}
