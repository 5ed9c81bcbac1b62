/**
 * The advisor's own minimal EXPLAIN (no ANALYZE: nothing is executed). Kept apart from the plan
 * engineer's src/db/explain.ts so both could be written in parallel; fold together later.
 *
 * Statements with $n parameters:
 *  - values given → plain EXPLAIN with the values bound over the extended protocol (custom plan);
 *  - PostgreSQL 16+ → EXPLAIN (GENERIC_PLAN);
 *  - PostgreSQL 15 and older → PREPARE, plan_cache_mode = force_generic_plan, EXPLAIN EXECUTE with
 *    NULLs (the generic plan does not look at them), DEALLOCATE. The caller runs this inside a
 *    transaction that is rolled back (SET LOCAL).
 */
import { summarizePlan, type PlanSummary } from '../core/advice/planSummary';
import { maxParamIndex } from '../core/extract/sqlLexer';
import type { Session } from './database';
import { OWN_STATEMENT_MARKER } from './sql';
import { guardPlanning } from './planGuard';

export const EXPLAIN_SQL = {
  forceGeneric: `${OWN_STATEMENT_MARKER} SET LOCAL plan_cache_mode = force_generic_plan`,
  deallocatePrefix: 'DEALLOCATE ',
} as const;

export { maxParamIndex };

/** The statement without trailing semicolons and whitespace. */
export function stripTerminator(sql: string): string {
  return sql.replace(/[\s;]+$/g, '');
}

let counter = 0;

export interface ExplainOptions {
  versionNum: number;
  params?: unknown[];
  /** Untrusted functions allowed by name (see planGuard). */
  trustFunctions?: readonly string[];
}

/** EXPLAIN (FORMAT JSON) of one statement on the given session; the parsed plan summary. */
export async function explainOnSession(session: Session, sql: string, opts: ExplainOptions): Promise<PlanSummary> {
  const text = stripTerminator(sql);
  // The safety gate, once per statement and session (the provers explain the same text again).
  if (!session.isGuarded(text)) await guardPlanning(session, text, { trustFunctions: opts.trustFunctions });
  const n = maxParamIndex(text);
  if (n === 0) return summarizePlan(await runExplain(session, `${OWN_STATEMENT_MARKER} EXPLAIN (FORMAT JSON) ${text}`, []));
  if (opts.params && opts.params.length >= n) {
    return summarizePlan(await runExplain(session, `${OWN_STATEMENT_MARKER} EXPLAIN (FORMAT JSON) ${text}`, opts.params.slice(0, n)));
  }
  if (opts.versionNum >= 160000) {
    return summarizePlan(await runExplain(session, `${OWN_STATEMENT_MARKER} EXPLAIN (FORMAT JSON, GENERIC_PLAN) ${text}`, []));
  }
  const name = `pglens_advise_${process.pid}_${++counter}`;
  await session.query(EXPLAIN_SQL.forceGeneric);
  await session.querySingle(`${OWN_STATEMENT_MARKER} PREPARE ${name} AS ${text}`, []);
  try {
    const nulls = Array.from({ length: n }, () => 'NULL').join(', ');
    return summarizePlan(await runExplain(session, `${OWN_STATEMENT_MARKER} EXPLAIN (FORMAT JSON) EXECUTE ${name}(${nulls})`, []));
  } finally {
    await session.query(EXPLAIN_SQL.deallocatePrefix + name).catch(() => undefined);
  }
}

async function runExplain(session: Session, text: string, params: unknown[]): Promise<unknown> {
  const r = await session.querySingle(text, params);
  const cell = r.rows[0]?.['QUERY PLAN'];
  return typeof cell === 'string' ? JSON.parse(cell) : cell;
}
