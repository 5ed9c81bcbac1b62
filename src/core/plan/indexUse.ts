/**
 * Which indexes the plans PG Lens has made use (pure). The editor notes every plan it reads (hover
 * plans, Explain Analyze, recorded and pg_stat_statements statements it planned); the health checks
 * then never offer to drop an index a known plan uses, and say which statement keeps it.
 */
import { K } from './keys';
import type { Plan } from './model';

export interface PlannedIndex {
  /** The schema of the scanned table when the plan says it (EXPLAIN VERBOSE); a Bitmap Index Scan does not. */
  schema: string | null;
  name: string;
}

/** Every index a plan scans (Index Scan, Index Only Scan, Bitmap Index Scan, …), once each. */
function indexesInPlan(plan: Pick<Plan, 'nodes'>): PlannedIndex[] {
  const out = new Map<string, PlannedIndex>();
  for (const n of plan.nodes) {
    const name = n.raw[K.IndexName];
    if (typeof name !== 'string' || !name) continue;
    const schema = typeof n.raw[K.Schema] === 'string' ? (n.raw[K.Schema] as string) : null;
    const key = `${schema ?? ''}\u0000${name}`;
    if (!out.has(key)) out.set(key, { schema, name });
  }
  return [...out.values()];
}

export interface IndexUser {
  /** The statement whose plan uses the index, as planned. */
  sql: string;
  atMs: number;
}

/**
 * The statements planned lately and the indexes their newest plan uses. A statement planned again
 * replaces its entry (a plan that no longer uses the index releases it); the oldest go past `max`.
 */
export class IndexUseLedger {
  private readonly bySql = new Map<string, { atMs: number; indexes: PlannedIndex[] }>();

  constructor(private readonly max = 2000) {}

  note(sql: string, plan: Pick<Plan, 'nodes'>, atMs = Date.now()): void {
    this.noteIndexes(sql, indexesInPlan(plan), atMs);
  }

  /** The same, from the index names a plan summary lists (the index advisor's plan before any trial index). */
  noteIndexes(sql: string, indexes: readonly PlannedIndex[], atMs = Date.now()): void {
    this.bySql.delete(sql);
    this.bySql.set(sql, { atMs, indexes: [...indexes] });
    while (this.bySql.size > this.max) this.bySql.delete(this.bySql.keys().next().value as string);
  }

  /** Statements whose newest plan uses schema.name (newest first). */
  usersOf(schema: string, name: string): IndexUser[] {
    const out: IndexUser[] = [];
    for (const [sql, e] of this.bySql) {
      if (e.indexes.some((i) => i.name === name && (i.schema === null || i.schema === schema))) out.push({ sql, atMs: e.atMs });
    }
    return out.sort((a, b) => b.atMs - a.atMs);
  }

  get size(): number {
    return this.bySql.size;
  }
}
