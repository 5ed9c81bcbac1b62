/**
 * Proving an index candidate with the planner, on ONE dedicated session inside a transaction the
 * advisor rolls back:
 *  - HypoPG: hypopg_create_index (a hypothetical index only this session's planner sees),
 *    EXPLAIN, hypopg_relation_size, hypopg_drop_index; hypopg_reset() when done, always.
 *    HypoPG handles btree, brin and hash (not GIN/GiST).
 *  - Transaction fallback (development profiles, small tables): the real CREATE INDEX inside a
 *    SAVEPOINT with lock_timeout/statement_timeout, EXPLAIN, then ROLLBACK TO SAVEPOINT. The whole
 *    transaction is rolled back afterwards, so nothing stays behind.
 */
import { qualifiedName } from '../core/sql/ident';
import { createIndexSql, type IndexCandidate } from '../core/advice/indexCandidates';
import { summarizePlan, type PlanSummary } from '../core/advice/planSummary';
import { explainOnSession } from './explain';
import type { Session } from './database';
import { OWN_STATEMENT_MARKER } from './sql';

export const HYPO_SQL = {
  create: `${OWN_STATEMENT_MARKER} SELECT indexrelid::int8 AS oid, indexname FROM hypopg_create_index($1)`,
  size: `${OWN_STATEMENT_MARKER} SELECT hypopg_relation_size($1::oid)::int8 AS bytes`,
  drop: `${OWN_STATEMENT_MARKER} SELECT hypopg_drop_index($1::oid)`,
  reset: `${OWN_STATEMENT_MARKER} SELECT hypopg_reset()`,
  savepoint: 'SAVEPOINT pglens_candidate',
  rollbackToSavepoint: 'ROLLBACK TO SAVEPOINT pglens_candidate',
  releaseSavepoint: 'RELEASE SAVEPOINT pglens_candidate',
  /** $1, $2: timeouts as text ('500ms'); set_config(..., true) = SET LOCAL with parameters. */
  localTimeouts: `${OWN_STATEMENT_MARKER} SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)`,
  createTrgm: `${OWN_STATEMENT_MARKER} CREATE EXTENSION IF NOT EXISTS pg_trgm`,
  /** $1: index name (quoted, qualified). */
  relationSize: `${OWN_STATEMENT_MARKER} SELECT pg_relation_size(to_regclass($1))::int8 AS bytes`,
} as const;

const HYPOPG_METHODS = new Set(['btree', 'brin', 'hash']);

export interface Proof {
  verifiedBy: 'hypopg' | 'transaction';
  plan: PlanSummary;
  costAfter: number;
  planUsesIndex: boolean;
  indexSizeBytes: number | null;
  /** Name the plan shows for the index. */
  planIndexName: string;
  /** Undo: drop the hypothetical index / roll back to the savepoint. Not called when kept. */
  undo(): Promise<void>;
}

/** A proof from the plan with the index in place; the size as the server reported it (unknown → null). */
function proofOf(verifiedBy: Proof['verifiedBy'], plan: PlanSummary, sizeBytes: unknown, indexName: string, undo: () => Promise<void>): Proof {
  const size = Number(sizeBytes ?? NaN);
  return {
    verifiedBy,
    plan,
    costAfter: plan.totalCost,
    planUsesIndex: plan.indexNames.includes(indexName),
    indexSizeBytes: Number.isFinite(size) ? size : null,
    planIndexName: indexName,
    undo,
  };
}

export interface ProverContext {
  session: Session;
  sql: string;
  params?: unknown[];
  versionNum: number;
  trustFunctions?: readonly string[];
}

/** The advisor's statement planned on its session by the one EXPLAIN runner (plan guard first), summarised. */
export async function planOf(ctx: ProverContext): Promise<PlanSummary> {
  return summarizePlan((await explainOnSession(ctx.session, ctx.sql, ctx)).json);
}

/** HypoPG on this session. Call reset() in a finally. */
export class HypoProver {
  readonly kind = 'hypopg' as const;
  constructor(private readonly ctx: ProverContext) {}

  supports(c: IndexCandidate): boolean {
    return HYPOPG_METHODS.has(c.method);
  }

  async prove(c: IndexCandidate): Promise<Proof> {
    const { session } = this.ctx;
    const ddl = createIndexSql(c, { concurrently: false, qualify: true });
    const created = (await session.querySingle(HYPO_SQL.create, [ddl])).rows[0];
    const oid = Number(created.oid);
    try {
      const plan = await planOf(this.ctx);
      const size = (await session.querySingle(HYPO_SQL.size, [oid])).rows[0]?.bytes;
      return proofOf('hypopg', plan, size, created.indexname, async () => {
        await session.querySingle(HYPO_SQL.drop, [oid]);
      });
    } catch (e) {
      await session.querySingle(HYPO_SQL.drop, [oid]).catch(() => undefined);
      throw e;
    }
  }

  async reset(): Promise<void> {
    await this.ctx.session.querySingle(HYPO_SQL.reset, []);
  }
}

/** Real indexes inside savepoints of the advisor's rolled-back transaction. */
export class TransactionProver {
  readonly kind = 'transaction' as const;
  private depth = 0;
  constructor(private readonly ctx: ProverContext, private readonly limits: { lockTimeoutMs: number; statementTimeoutMs: number }) {}

  async init(): Promise<void> {
    await this.ctx.session.querySingle(HYPO_SQL.localTimeouts, [`${this.limits.lockTimeoutMs}ms`, `${this.limits.statementTimeoutMs}ms`]);
  }

  async prove(c: IndexCandidate): Promise<Proof> {
    const { session } = this.ctx;
    // Nested savepoints with the same name: ROLLBACK TO / RELEASE act on the most recent one.
    await session.query(HYPO_SQL.savepoint);
    this.depth++;
    try {
      if (c.needsExtension === 'pg_trgm') await session.querySingle(HYPO_SQL.createTrgm, []);
      await session.querySingle(`${OWN_STATEMENT_MARKER} ${createIndexSql(c, { concurrently: false, qualify: true })}`, []);
      const plan = await planOf(this.ctx);
      const qualified = qualifiedName(c.schema, c.name);
      const size = (await session.querySingle(HYPO_SQL.relationSize, [qualified])).rows[0]?.bytes;
      return proofOf('transaction', plan, size, c.name, async () => {
        await session.query(HYPO_SQL.rollbackToSavepoint);
        await session.query(HYPO_SQL.releaseSavepoint);
        this.depth--;
      });
    } catch (e) {
      await session.query(HYPO_SQL.rollbackToSavepoint).catch(() => undefined);
      await session.query(HYPO_SQL.releaseSavepoint).catch(() => undefined);
      this.depth--;
      throw e;
    }
  }
}
