/**
 * What `pg-lens health` gives unindexed-foreign-key's fix: the index advice decided on a decider of its own over
 * pg_stat_statements' busiest statements and the code's. Apart from db/health.ts because it builds an IndexDecider (the
 * index decision, its trial builds and EXPLAIN runner): the editor's health checks live in dist/engine.js and take the
 * editor's own decider (vscode/indexAdvice.ts), so the engine carries none of the decision's modules.
 */
import type { FoundStatement } from '../core/advice/workload';
import type { Database } from './database';
import { foreignKeyAdvice, type ForeignKeyAdvice } from './health';
import { decisionStatements, IndexDecider } from './indexDecision';

/**
 * The index advice's proved indexes on this database, decided over pg_stat_statements' busiest statements and the code's
 * (`files`: `pg-lens health [paths…]`) — the one index decision, as `pg-lens advise` and the editor weigh them: what `pg-lens health` gives unindexed-foreign-key's fix, as
 * the dashboard gives it the editor's (person32 L4: the CLI proposed orders (customer_id) beside the advised
 * orders (customer_id, placed_at DESC)). Real trial builds as `scan --db` (never on a production connection).
 */
export async function workloadAdvisedIndexes(db: Database, opts: { log?: (line: string) => void; files?: readonly FoundStatement[] } = {}): Promise<ForeignKeyAdvice> {
  const info = await db.serverInfo();
  const sources = await decisionStatements(db, opts.files ?? [], { info });
  if (!sources.statements.length) return { advisedIndexes: [], indexAdvicePending: [], pendingWhy: [] };
  return foreignKeyAdvice(new IndexDecider(db, { info, realIndexes: true, askedFor: true, log: opts.log }), sources.statements);
}
