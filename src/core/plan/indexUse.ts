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

function sameIndexes(a: readonly PlannedIndex[], b: readonly PlannedIndex[]): boolean {
  const key = (xs: readonly PlannedIndex[]) => xs.map((i) => `${i.schema ?? ''}\u0000${i.name}`).sort().join('\u0001');
  return key(a) === key(b);
}

/**
 * A statement's newest plan as the ledger keeps it (planOf): its time, the indexes it uses, and the newest plan before it
 * that used another set of indexes.
 */
export interface KnownPlan {
  atMs: number;
  /** When this statement was first planned with these same indexes, if before atMs (planned again since, unchanged). */
  sinceMs?: number;
  indexes: readonly PlannedIndex[];
  prior?: { atMs: number; indexes: readonly PlannedIndex[] };
}

export interface IndexUser {
  /** The statement whose plan uses the index, as planned. */
  sql: string;
  atMs: number;
}

/** One statement's newest plan and the indexes it uses: what is kept across restarts. */
export interface IndexUseEntry {
  sql: string;
  atMs: number;
  indexes: PlannedIndex[];
}

/** How long a kept plan protects its indexes without being planned again (30 days). */
export const INDEX_USE_MAX_AGE_MS = 30 * 24 * 3600 * 1000;
/** At most this many statements are kept across restarts (the newest), and none longer than KEEP_MAX_SQL. */
export const INDEX_USE_KEEP = 300;
const KEEP_MAX_SQL = 8000;

/**
 * The statements planned lately and the indexes their newest plan uses. A statement planned again
 * replaces its entry (a plan that no longer uses the index releases it); the oldest go past `max`.
 * `entriesToKeep()` and `restore()` carry the record across a restart of the editor (the extension
 * keeps it per database), so the DROP guard does not forget what it saw.
 */
export class IndexUseLedger {
  private readonly bySql = new Map<string, { atMs: number; sinceMs?: number; indexes: PlannedIndex[]; prior?: { atMs: number; indexes: PlannedIndex[] } }>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly max = 2000) {}

  note(sql: string, plan: Pick<Plan, 'nodes'>, atMs = Date.now()): void {
    this.noteIndexes(sql, indexesInPlan(plan), atMs);
  }

  /** The same, from the index names a plan summary lists (the index advisor's plan before any trial index). */
  noteIndexes(sql: string, indexes: readonly PlannedIndex[], atMs = Date.now()): void {
    // The newest plan that used another set of indexes stays beside it (this session only): after a DROP INDEX the cost
    // lens asks whether the plan from before the drop used it (core/cost baselineFor). A plan made again with the same
    // indexes keeps it: the hover and the advisor plan a statement again after every index change, so "one back" was a
    // plan from after the drop and no statement was credited with it, not even the one whose plan used the index
    // (person50 M-A).
    // Planned the same way since sinceMs: a statement whose plan never used the dropped index is known not to have used it.
    const had = this.bySql.get(sql);
    const same = had !== undefined && sameIndexes(had.indexes, indexes);
    const prior = !had ? undefined : same ? had.prior : { atMs: had.atMs, indexes: had.indexes };
    const sinceMs = same ? Math.min(had.sinceMs ?? had.atMs, atMs) : undefined;
    this.bySql.delete(sql);
    this.bySql.set(sql, { atMs, ...(sinceMs !== undefined && sinceMs < atMs ? { sinceMs } : {}), indexes: [...indexes], ...(prior ? { prior } : {}) });
    this.trim();
    for (const l of this.listeners) l();
  }

  /** Called after every plan noted (the extension saves the record, debounced). */
  onDidNote(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /** A statement's newest plan noted (its time and the indexes it uses, and the plan before it); the text as planned, or without a trailing `;`. */
  planOf(sql: string): KnownPlan | undefined {
    return this.bySql.get(sql) ?? this.bySql.get(sql.trim().replace(/;\s*$/, '').trim());
  }

  /** Statements whose newest plan uses schema.name (newest first). */
  usersOf(schema: string, name: string): IndexUser[] {
    const out: IndexUser[] = [];
    for (const [sql, e] of this.bySql) {
      if (e.indexes.some((i) => i.name === name && (i.schema === null || i.schema === schema))) out.push({ sql, atMs: e.atMs });
    }
    return out.sort((a, b) => b.atMs - a.atMs);
  }

  /**
   * What to keep across a restart: the newest `keep` statements planned within `maxAgeMs` whose plan
   * uses an index (a plan using none protects nothing), oldest first.
   */
  entriesToKeep(nowMs = Date.now(), keep = INDEX_USE_KEEP, maxAgeMs = INDEX_USE_MAX_AGE_MS): IndexUseEntry[] {
    const out: IndexUseEntry[] = [];
    for (const [sql, e] of this.bySql) {
      if (e.indexes.length && sql.length <= KEEP_MAX_SQL && nowMs - e.atMs <= maxAgeMs) out.push({ sql, atMs: e.atMs, indexes: e.indexes.map((i) => ({ ...i })) });
    }
    return out.sort((a, b) => a.atMs - b.atMs).slice(-keep);
  }

  /**
   * Bring back a kept record (after a restart, or another window's): entries older than `maxAgeMs`
   * are dropped, and of two plans of one statement the newer stays.
   */
  restore(entries: readonly IndexUseEntry[], nowMs = Date.now(), maxAgeMs = INDEX_USE_MAX_AGE_MS): void {
    const merged = new Map(this.bySql);
    for (const e of entries) {
      if (nowMs - e.atMs > maxAgeMs || e.atMs > nowMs + 60_000) continue;
      const have = merged.get(e.sql);
      if (!have || have.atMs < e.atMs) merged.set(e.sql, { atMs: e.atMs, indexes: e.indexes.map((i) => ({ ...i })) });
    }
    this.bySql.clear();
    for (const [sql, e] of [...merged].sort((a, b) => a[1].atMs - b[1].atMs)) this.bySql.set(sql, e);
    this.trim();
  }

  get size(): number {
    return this.bySql.size;
  }

  private trim(): void {
    while (this.bySql.size > this.max) this.bySql.delete(this.bySql.keys().next().value as string);
  }
}

/** A kept record read back from storage: well-formed entries only (anything else is dropped, never trusted). */
export function parseIndexUseEntries(raw: unknown): IndexUseEntry[] {
  if (!Array.isArray(raw)) return [];
  const out: IndexUseEntry[] = [];
  for (const e of raw.slice(-INDEX_USE_KEEP)) {
    if (!e || typeof e !== 'object') continue;
    const { sql, atMs, indexes } = e as Record<string, unknown>;
    if (typeof sql !== 'string' || !sql || sql.length > KEEP_MAX_SQL || typeof atMs !== 'number' || !Number.isFinite(atMs) || !Array.isArray(indexes)) continue;
    const ix = indexes.filter((i): i is PlannedIndex => !!i && typeof i === 'object' && typeof (i as PlannedIndex).name === 'string' && !!(i as PlannedIndex).name && ((i as PlannedIndex).schema === null || typeof (i as PlannedIndex).schema === 'string'));
    if (ix.length) out.push({ sql, atMs, indexes: ix.map((i) => ({ schema: i.schema, name: i.name })) });
  }
  return out;
}
