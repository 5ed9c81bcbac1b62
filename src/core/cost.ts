/**
 * Production cost of statements (pg_stat_statements), pure: matching a SqlSite's SQL to a
 * statement, the CodeLens title, and ranking. The db layer reads the numbers (src/db/queryStats.ts: readStatementCosts, queryIdOf).
 */
import { formatCount, formatMs, formatShare } from './format';
import { fingerprintSql, normalizeSql } from './sql/statement';

export interface StatementStat {
  /** pg_stat_statements.queryid as a decimal string (it is a signed 64-bit integer). */
  queryid: string;
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
}

export interface CostSummary {
  stat: StatementStat;
  /** Share of the database's total execution time (0..1). */
  share: number;
  /** Rank by total time, 1 = the most expensive statement. */
  rank: number;
}

/** "18% of DB time · 3.1 ms mean · 120k calls · 1.0 rows/call" */
export function formatCostLens(c: Pick<CostSummary, 'stat' | 'share'>): string {
  const s = c.stat;
  const perCall = s.calls > 0 ? s.rows / s.calls : 0;
  return `${formatShare(c.share)} of DB time · ${formatMs(s.meanMs)} mean · ${formatCount(s.calls)} call${s.calls === 1 ? '' : 's'} · ${perCall >= 100 ? formatCount(perCall) : perCall.toFixed(1)} rows/call`;
}

/** Tooltip with the exact figures. */
export function formatCostTooltip(c: CostSummary, total: { statements: number }): string {
  const s = c.stat;
  return [
    `#${c.rank} of ${total.statements} statements by total time (pg_stat_statements)`,
    `total ${formatMs(s.totalMs)} · mean ${formatMs(s.meanMs)} · ${s.calls.toLocaleString('en-US')} calls · ${s.rows.toLocaleString('en-US')} rows`,
    `queryid ${s.queryid}`,
    'Click to open it in the dashboard.',
  ].join('\n');
}

/**
 * A text key equal for the same statement written with different whitespace, keyword case,
 * constants or parameter numbers (pg_stat_statements shows constants as $n).
 * Requires loadPgParser() for the best key; falls back to a lexical key.
 */
export function matchKey(sql: string): string {
  const text = sql.trim().replace(/;\s*$/, '');
  const normalized = safe(() => normalizeSql(text)) ?? text;
  return normalized
    .replace(/\$\d+/g, '?')
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),=<>])\s*/g, '$1')
    .toLowerCase()
    .trim();
}

export class CostIndex {
  private readonly byId = new Map<string, CostSummary>();
  private readonly byFingerprint = new Map<string, CostSummary>();
  private readonly byKey = new Map<string, CostSummary>();
  readonly totalMs: number;
  readonly summaries: CostSummary[];

  constructor(stats: readonly StatementStat[], totalMs?: number) {
    this.totalMs = totalMs ?? stats.reduce((n, s) => n + s.totalMs, 0);
    this.summaries = rankStatements(stats, this.totalMs);
    for (const c of this.summaries) {
      this.byId.set(c.stat.queryid, c);
      // The same text can appear under several queryids (different users, search paths): keep the costliest.
      const fp = safe(() => fingerprintSql(c.stat.query));
      if (fp && !this.byFingerprint.has(fp)) this.byFingerprint.set(fp, c);
      const k = matchKey(c.stat.query);
      if (!this.byKey.has(k)) this.byKey.set(k, c);
    }
  }

  get size(): number {
    return this.summaries.length;
  }

  /** Find a statement: by query identifier when known, else by fingerprint, else by normalised text. */
  find(sql: string, queryid?: string): CostSummary | undefined {
    if (queryid) {
      const hit = this.byId.get(queryid);
      if (hit) return hit;
    }
    const fp = safe(() => fingerprintSql(sql.trim().replace(/;\s*$/, '')));
    return (fp && this.byFingerprint.get(fp)) || this.byKey.get(matchKey(sql));
  }
}

/** Statements by total time, with their share of the database's time. */
export function rankStatements(stats: readonly StatementStat[], totalMs: number): CostSummary[] {
  return [...stats]
    .sort((a, b) => b.totalMs - a.totalMs)
    .map((stat, i) => ({ stat, share: totalMs > 0 ? stat.totalMs / totalMs : 0, rank: i + 1 }));
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
