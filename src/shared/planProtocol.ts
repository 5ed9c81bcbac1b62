/**
 * Messages between the extension and the plan viewer webview: one discriminated union per
 * direction, keyed by `type`. The extension holds its messages until the webview says `ready`.
 * Messages FROM the webview are untrusted: parseFromPlanWebview validates every field.
 */
import type { BenchmarkRunSummary } from '../core/plan/benchmark';

import type { ForeignKeyFact, IndexLeadFact, ProvedIndexFigure } from '../core/plan/model';

export interface PlanPayload {
  /** Shown as the panel's title and in compare headers. */
  title: string;
  /** The statement as sent to the server. */
  sql: string;
  /** The server's EXPLAIN object (one element of the FORMAT JSON array), untouched. */
  plan: Record<string, unknown>;
  /** How it was planned: plain / custom / generic-plan / prepare-generic / pasted. */
  method: string;
  versionNum?: number;
  connection?: string;
  /** pg_class.reltuples of scanned relations, for warnings without ANALYZE. */
  relationRows?: [string, number][];
  /** The scanned relations' indexes by leading column, from the catalog: tips never propose an index that exists. */
  relationIndexes?: [string, IndexLeadFact[]][];
  /** Foreign keys behind the plan's trigger times, from the catalog (brought plans, when connected). */
  foreignKeys?: [string, ForeignKeyFact][];
  /** When it was taken (ms since epoch). */
  at: number;
  /** Indexes the missing-index advice proved for the statement: its tips say the proved saving. */
  provedIndexes?: ProvedIndexFigure[];
  /**
   * A statement of the code: the text the index advice knows it by (the site's SQL, not the text run with its values), so
   * Compare Plans reads its advice again, after a reload too; and the advice's answer when the plan was made
   * (AnalyzeOptions.adviceAnswer).
   */
  adviceSql?: string;
  adviceAnswer?: string;
  /** The values of $1, $2… an Explain Analyze ran with (null = NULL); absent for plans without parameters or not run. */
  params?: (string | null)[];
  /** A DELETE's or UPDATE's calls in pg_stat_statements (0: none) when connected with it: one that has not recurred gets no index tip. */
  statementCalls?: number;
}

export type { BenchmarkRunSummary };

export type ToPlanWebview =
  | { type: 'show'; payload: PlanPayload }
  | { type: 'compare'; before: PlanPayload; after: PlanPayload }
  | { type: 'benchmark'; run: BenchmarkRunSummary; previous?: BenchmarkRunSummary }
  | { type: 'busy'; message: string }
  | { type: 'error'; message: string }
  /** A benchmark that failed: said beside the plan, which stays (an error replaced the plan). */
  | { type: 'benchmarkError'; message: string }
  /** One line beside the plan, which stays: Suggest indexes' progress (`busy`) and how it ended. */
  | { type: 'notice'; message: string; busy: boolean }
  /**
   * The index advice answered for the statement of the plan shown (its `adviceSql`), whose tips waited for it: its proofs
   * and its answer now. The plan, its view and the node chosen stay; the tips say the answer.
   */
  | { type: 'advice'; adviceSql: string; provedIndexes?: ProvedIndexFigure[]; adviceAnswer?: string };

export type FromPlanWebview =
  | { type: 'ready' }
  | { type: 'copy'; format: 'json' | 'text' }
  | { type: 'explainAnalyze' }
  | { type: 'benchmark' }
  | { type: 'suggestIndexes' }
  | { type: 'revealSql' };

const SIMPLE = new Set(['ready', 'explainAnalyze', 'benchmark', 'suggestIndexes', 'revealSql']);

/** Validate a message from the webview; undefined when it is not one we accept. */
export function parseFromPlanWebview(m: unknown): FromPlanWebview | undefined {
  if (!m || typeof m !== 'object' || Array.isArray(m)) return undefined;
  const o = m as Record<string, unknown>;
  if (typeof o.type !== 'string') return undefined;
  const keys = Object.keys(o);
  if (SIMPLE.has(o.type)) return keys.length === 1 ? ({ type: o.type } as FromPlanWebview) : undefined;
  if (o.type === 'copy') return keys.length === 2 && (o.format === 'json' || o.format === 'text') ? { type: 'copy', format: o.format } : undefined;
  return undefined;
}

/** Validate a message to the webview (the webview checks what it receives, too). */
export function parseToPlanWebview(m: unknown): ToPlanWebview | undefined {
  if (!m || typeof m !== 'object') return undefined;
  const o = m as Record<string, any>;
  const values = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((x: unknown) => x === null || typeof x === 'string'));
  const proved = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((x: any) => !!x && typeof x.table === 'string' && typeof x.title === 'string' && Number.isFinite(x.costBefore) && Number.isFinite(x.costAfter) && (x.ddl === undefined || typeof x.ddl === 'string') && (x.columns === undefined || (Array.isArray(x.columns) && x.columns.every((c: unknown) => typeof c === 'string'))) && (x.at === undefined || typeof x.at === 'string') && (x.shared === undefined || typeof x.shared === 'string') && (x.tableIndexes === undefined || (Array.isArray(x.tableIndexes) && x.tableIndexes.every((c: unknown) => typeof c === 'string')))));
  const leads = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((e: any) => Array.isArray(e) && typeof e[0] === 'string' && Array.isArray(e[1]) && e[1].every((x: any) => !!x && typeof x.name === 'string' && (x.column === null || typeof x.column === 'string') && typeof x.unique === 'boolean' && typeof x.partial === 'boolean')));
  const payload = (p: any): p is PlanPayload => !!p && typeof p === 'object' && typeof p.title === 'string' && typeof p.sql === 'string' && !!p.plan && typeof p.plan === 'object' && typeof p.method === 'string' && typeof p.at === 'number' && values(p.params) && proved(p.provedIndexes) && leads(p.relationIndexes) && (p.statementCalls === undefined || (typeof p.statementCalls === 'number' && p.statementCalls >= 0)) && (p.adviceSql === undefined || typeof p.adviceSql === 'string') && (p.adviceAnswer === undefined || typeof p.adviceAnswer === 'string');
  switch (o.type) {
    case 'show':
      return payload(o.payload) ? (o as ToPlanWebview) : undefined;
    case 'compare':
      return payload(o.before) && payload(o.after) ? (o as ToPlanWebview) : undefined;
    case 'benchmark':
      return o.run && typeof o.run === 'object' && typeof o.run.p50 === 'number' && values(o.run.params) && (o.run.rowsPerRun === undefined || Number.isFinite(o.run.rowsPerRun)) ? (o as ToPlanWebview) : undefined;
    case 'busy':
    case 'error':
    case 'benchmarkError':
      return typeof o.message === 'string' ? (o as ToPlanWebview) : undefined;
    case 'notice':
      return typeof o.message === 'string' && typeof o.busy === 'boolean' ? (o as ToPlanWebview) : undefined;
    case 'advice':
      return typeof o.adviceSql === 'string' && proved(o.provedIndexes) && (o.adviceAnswer === undefined || typeof o.adviceAnswer === 'string') ? (o as ToPlanWebview) : undefined;
    default:
      return undefined;
  }
}
