/**
 * Proving an index candidate with the planner, on ONE dedicated session inside a transaction the
 * advisor rolls back:
 *  - HypoPG: hypopg_create_index (a hypothetical index only this session's planner sees),
 *    EXPLAIN, hypopg_relation_size, hypopg_drop_index; hypopg_reset() when done, always.
 *    HypoPG handles btree, brin and hash (not GIN/GiST).
 *  - Transaction fallback (development profiles, small tables, and only when the person asked for
 *    advice: Suggest Indexes, the workload advice, the CLI): the real CREATE INDEX inside a SAVEPOINT
 *    with a short lock_timeout (it never queues behind the app's writes, so never holds them up behind
 *    it) and a statement_timeout, EXPLAIN, then ROLLBACK TO SAVEPOINT. The whole transaction is rolled
 *    back afterwards, so nothing stays behind. Before the first build on a table the transaction takes
 *    pg_try_advisory_xact_lock(PG Lens, the table's oid): two PG Lens sessions (the editor and the CLI)
 *    never build on one table at once — the second skips it as busy instead of waiting (issue 20,
 *    person16 MEDIUM 3: two deadlocks while both built trial indexes).
 */
import { qualifiedName } from '../core/sql/ident';
import { createIndexSql, type IndexCandidate } from '../core/advice/indexCandidates';
import { summarizePlan, type PlanFooting, type PlanSummary } from '../core/advice/planSummary';
import { explainOnSession } from './explain';
import type { Session } from './database';
import { OWN_IDENTITY, OWN_STATEMENT_MARKER } from './sql';

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
  /**
   * $1: PG Lens's advisory-lock class (TRIAL_LOCK_CLASS), $2: the table (quoted, qualified). Transaction-scoped: released
   * when the advisor's transaction rolls back. Never waits: false when another session holds it.
   */
  tryTableLock: `${OWN_STATEMENT_MARKER} SELECT pg_try_advisory_xact_lock($1::int4, to_regclass($2)::oid::int4) AS locked`,
  /** $1: index name (quoted, qualified). */
  relationSize: `${OWN_STATEMENT_MARKER} ${OWN_IDENTITY} SELECT pg_relation_size(to_regclass($1))::int8 AS bytes`,
} as const;

const HYPOPG_METHODS = new Set(['btree', 'brin', 'hash']);

/** The first key of PG Lens's trial-build advisory locks ('PGLN'); the second is the table's oid. */
export const TRIAL_LOCK_CLASS = 0x50474c4e;

/** The lock_timeout of a trial build (ms): short, so it never waits behind the app's transactions. */
export const TRIAL_LOCK_TIMEOUT_MS = 200;

/**
 * A trial build that was not started: another PG Lens session is building on the table (its advisory lock is held), the
 * table was locked longer than lock_timeout (`locked`), or another index advice of this process held the table longer than
 * TRIAL_WAIT_MS (`own`: TrialGates).
 */
export class TrialBusyError extends Error {
  constructor(readonly table: string, readonly locked: boolean | 'own' = false, waitedMs = TRIAL_WAIT_MS) {
    super(locked === 'own'
      ? `busy: another index advice of this PG Lens was still building trial indexes on ${table} after ${formatSeconds(waitedMs)}; not built here`
      : locked
        ? `busy: ${table} was locked by another session (autovacuum, an open transaction) longer than a trial build waits (lock_timeout); not built here`
        : `busy: another PG Lens session is building a trial index on ${table}; not built here`);
  }
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** How long an index advice waits, in all, for other advices of this process building on its tables (TrialGates) before it leaves them pending (ms). */
export const TRIAL_WAIT_MS = 20_000;

/** A build that must wait: another index advice of this process holds the table (TrialGates). Its advice rolls back, waits for `done` and starts again. */
export class TrialTableHeld extends Error {
  constructor(readonly table: string, readonly done: Promise<void>) {
    super(`another index advice of this PG Lens is building trial indexes on ${table}`);
  }
}

/**
 * Within this process, per database (host, port, database): which advice's transaction builds trial indexes on a table. The
 * advisory lock (tryTableLock) keeps OTHER sessions (another window, the CLI) off a table and never waits; two index
 * advices of one process (a file's decision and the dashboard's, two files') met there as "another PG Lens session", left
 * the table pending, and one built again what the other had just proved (verify35 M1: 10 builds for 8 definitions). Here
 * the second rolls its transaction back (it holds neither a session nor a table while it waits), waits for the first's
 * transaction to end (TRIAL_WAIT_MS at most) and starts again, finding the first's proofs in the store.
 */
export class TrialGates {
  private readonly held = new Map<string, { holder: object; done: Promise<void>; release: () => void }>();

  /** Take the table for `holder`'s transaction, or say what to wait for (another holder's end). */
  take(table: string, holder: object): 'taken' | { done: Promise<void> } {
    const g = this.held.get(table);
    if (g) return g.holder === holder ? 'taken' : { done: g.done };
    let release!: () => void;
    const done = new Promise<void>((r) => (release = r));
    this.held.set(table, { holder, done, release });
    return 'taken';
  }

  /** Give the table back (the holder's transaction rolled back, or it built nothing there). */
  release(table: string, holder: object): void {
    const g = this.held.get(table);
    if (g?.holder !== holder) return;
    this.held.delete(table);
    g.release();
  }
}

/** A trial build asked for waits this long between its tries on a locked table (TransactionProver.prove). */
const LOCKED_RETRY_MS = 1000;
/** Tries of a trial build asked for (Suggest Indexes, the CLI) on a table another session holds locked; automatic advice tries once. */
const LOCKED_TRIES_ASKED = 3;

/**
 * The budget of real trial builds on one connection (issue 20, person31 H2: a file of 3,000 statements on orders that
 * differed only by a constant made the editor build the same 4 trial indexes ~800 times a minute, each holding a lock
 * that blocks orders' writes, 5 GB of WAL): at most this many builds a minute on one table, and this many a minute on
 * all tables. Past it a candidate is not built; its advice says so (not tried: `budget`) and it is proved again later.
 */
export const TRIAL_BUDGET_PER_TABLE_PER_MINUTE = 12;
export const TRIAL_BUDGET_PER_MINUTE = 30;
const TRIAL_BUDGET_WINDOW_MS = 60_000;

/** A trial build that was not started: the connection's budget of real builds (TrialBudget) is spent for now. */
export class TrialBudgetError extends Error {
  constructor(readonly table: string) {
    super(`held back: PG Lens builds at most ${TRIAL_BUDGET_PER_TABLE_PER_MINUTE} trial indexes a minute on one table and ${TRIAL_BUDGET_PER_MINUTE} in all; not built on ${table} now, proved again later`);
  }
}

/** One connection's real trial builds of the last minute (see TRIAL_BUDGET_PER_MINUTE); says once a minute how many it held back. */
export class TrialBudget {
  private readonly builds: { table: string; at: number }[] = [];
  private held = 0;
  private saidAt = -Infinity;
  constructor(private readonly now: () => number = Date.now) {}

  /**
   * True (and counted) when a build on `table` is within the budget now; else false, and the held-back count grows.
   * `asked`: advice the person asked for (Suggest Indexes, the workload advice, the CLI) is counted but never held back.
   */
  take(table: string, log?: (line: string) => void, asked = false): boolean {
    const now = this.now();
    while (this.builds.length && now - this.builds[0].at >= TRIAL_BUDGET_WINDOW_MS) this.builds.shift();
    const onTable = this.builds.filter((b) => b.table === table).length;
    if (asked || (onTable < TRIAL_BUDGET_PER_TABLE_PER_MINUTE && this.builds.length < TRIAL_BUDGET_PER_MINUTE)) {
      this.builds.push({ table, at: now });
      return true;
    }
    this.held++;
    if (now - this.saidAt >= TRIAL_BUDGET_WINDOW_MS) {
      log?.(`index advice: ${this.held} real trial build${this.held === 1 ? '' : 's'} held back${Number.isFinite(this.saidAt) ? ' in the last minute' : ''} (budget: ${TRIAL_BUDGET_PER_TABLE_PER_MINUTE} a minute per table, ${TRIAL_BUDGET_PER_MINUTE} in all); their candidates are proved again later`);
      this.held = 0;
      this.saidAt = now;
    }
    return false;
  }
}

export interface Proof {
  verifiedBy: 'hypopg' | 'transaction';
  plan: PlanSummary;
  costAfter: number;
  planUsesIndex: boolean;
  indexSizeBytes: number | null;
  /** Name the plan shows for the index. */
  planIndexName: string;
  /**
   * The statement's plan before the index (planFooting): another statement of its shape reuses the proof only on the same
   * footing (sameFooting; person38 H1). Absent on a sibling's proof (planned with the index only): not reused by shape.
   */
  before?: PlanFooting;
  /**
   * A proof kept from a real trial build on these tables as they were (`at`, epoch ms) — the tables named in `changed` have
   * grown or been analysed since (advisor.ts earlierProof): its figures are that build's.
   */
  earlier?: { at: number; changed: string[] };
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
  /** Tables this transaction holds the trial-build advisory lock of (held until it rolls back). */
  private readonly locked = new Set<string>();
  /** Real builds made (each rolled back), for the caller's note. */
  readonly built: { ddl: string; ms: number }[] = [];
  /** Tables this transaction took in the process's TrialGates (given back once it has rolled back: releaseGates). */
  private readonly gated = new Set<string>();
  constructor(private readonly ctx: ProverContext, private readonly limits: { lockTimeoutMs: number; statementTimeoutMs: number; log?: (line: string) => void; budget?: TrialBudget; asked?: boolean; gates?: TrialGates; waited?: number }) {}

  /**
   * Take the table in this process's TrialGates before a build. Another advice of this process holds it: TrialTableHeld (the
   * advice waits and starts again), or — its wait over (`waited`: how long it waited, TRIAL_WAIT_MS at most) — TrialBusyError 'own'.
   */
  claim(table: string): void {
    const gates = this.limits.gates;
    if (!gates || this.gated.has(table)) return;
    const got = gates.take(table, this);
    if (got === 'taken') {
      this.gated.add(table);
      return;
    }
    if (this.limits.waited === undefined) throw new TrialTableHeld(table, got.done);
    this.limits.log?.(`index advice: trial index on ${table} skipped: another index advice of this PG Lens was still building there after ${formatSeconds(this.limits.waited)}`);
    throw new TrialBusyError(table, 'own', this.limits.waited);
  }

  /** Give back every table taken (once the transaction has rolled back: its advisory locks are gone with it). */
  releaseGates(): void {
    for (const table of this.gated) this.limits.gates?.release(table, this);
    this.gated.clear();
  }

  async init(): Promise<void> {
    await this.ctx.session.querySingle(HYPO_SQL.localTimeouts, [`${this.limits.lockTimeoutMs}ms`, `${this.limits.statementTimeoutMs}ms`]);
  }

  /** `note`: said after the build's log line (which statement it was built for, the key it was not found under). */
  async prove(c: IndexCandidate, note?: string): Promise<Proof> {
    const { session } = this.ctx;
    const table = qualifiedName(c.schema, c.table);
    if (!this.locked.has(table)) {
      this.claim(table);
      // Outside the savepoint: held until the whole transaction ends (the kept index of a greedy round stays built).
      const locked = (await session.querySingle(HYPO_SQL.tryTableLock, [TRIAL_LOCK_CLASS, table])).rows[0]?.locked === true;
      if (!locked) {
        this.limits.log?.(`index advice: trial index on ${table} skipped: another PG Lens session (another window, the CLI) is building one there`);
        throw new TrialBusyError(table);
      }
      this.locked.add(table);
    }
    // Every real trial build goes through here: the connection's budget (held back, not waited for; a build skipped as busy
    // above spends none).
    if (this.limits.budget && !this.limits.budget.take(table, this.limits.log, this.limits.asked)) throw new TrialBudgetError(table);
    // A table another session holds locked (autovacuum's ANALYZE after a bulk load, an app's open transaction) gives a lock
    // timeout: no answer about the index, so the table is busy (its advice pending, proved again later), never "could not
    // be tried" (a foreign key's fix fell back to the narrow index under autovacuum). Advice asked for tries again.
    for (let tries = this.limits.asked ? LOCKED_TRIES_ASKED : 1; ; ) {
      try {
        return await this.build(c, table, note);
      } catch (e) {
        if ((e as { code?: unknown }).code !== '55P03') throw e;
        if (--tries <= 0) {
          this.limits.log?.(`index advice: trial index on ${table} skipped: the table was locked by another session longer than the lock_timeout`);
          throw new TrialBusyError(table, true);
        }
        await new Promise((r) => setTimeout(r, LOCKED_RETRY_MS));
      }
    }
  }

  private async build(c: IndexCandidate, table: string, note?: string): Promise<Proof> {
    const { session } = this.ctx;
    // Nested savepoints with the same name: ROLLBACK TO / RELEASE act on the most recent one.
    await session.query(HYPO_SQL.savepoint);
    this.depth++;
    try {
      if (c.needsExtension === 'pg_trgm') await session.querySingle(HYPO_SQL.createTrgm, []);
      const ddl = createIndexSql(c, { concurrently: false, qualify: true });
      const t0 = Date.now();
      await session.querySingle(`${OWN_STATEMENT_MARKER} ${ddl}`, []);
      const ms = Date.now() - t0;
      this.built.push({ ddl, ms });
      this.limits.log?.(`index advice: built a trial index on ${table} (${ms} ms, rolled back): ${ddl}${note ? ` — ${note}` : ''}`);
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
