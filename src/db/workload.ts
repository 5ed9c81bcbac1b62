/**
 * Workload mode: the statements that cost the most time (pg_stat_statements, by total time, with a
 * minimum number of calls) plus SQL from the workspace, decided together by the one index decision
 * (indexDecision.ts): a small set of indexes chosen by the statements they serve and the time they
 * save minus what they cost on writes — the same indexes the per-statement surfaces name.
 */
import { workloadIndexes, type WorkloadChoice } from '../core/advice/workload';
import type { AdviseOptions, IndexSuggestion } from './advisor';
import type { Database, ServerInfo } from './database';
import { decisionStatements, IndexDecider } from './indexDecision';

export interface WorkloadOptions extends AdviseOptions {
  minCalls?: number;
  /** How many statements from pg_stat_statements. */
  limit?: number;
  /** At most this many indexes in the answer. */
  maxIndexes?: number;
  extraStatements?: { sql: string; source: string }[];
  /** The decider to use (the editor's, with its proofs); a new one otherwise. */
  decider?: IndexDecider;
}

type WorkloadSuggestion = IndexSuggestion & WorkloadChoice;

export interface WorkloadResult {
  suggestions: WorkloadSuggestion[];
  statementsAnalysed: number;
  fromStatStatements: number;
  fromFiles: number;
  note?: string;
}

export async function adviseWorkload(db: Database, opts: WorkloadOptions = {}): Promise<WorkloadResult> {
  const full = opts.info && 'pgStatStatements' in opts.info ? (opts.info as ServerInfo) : await db.serverInfo();
  const sources = await decisionStatements(db, opts.extraStatements ?? [], { minCalls: opts.minCalls, limit: opts.limit, info: full });
  const decider = opts.decider ?? new IndexDecider(db, { ...opts, info: full });
  const decision = await decider.decide(sources.statements);
  const analysed = sources.statements.filter((s) => decider.advice.has(s.sql)).length;
  return { suggestions: workloadIndexes(decision, opts.maxIndexes ?? 5), statementsAnalysed: analysed, fromStatStatements: sources.fromStatStatements, fromFiles: sources.fromFiles, note: sources.note };
}
