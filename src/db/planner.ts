/**
 * Plans on demand, from a cache keyed by (connection, schema/stats version, SQL, values).
 * The version is probed at most once per `versionTtlMs`, in the background: a cache hit never
 * waits for the server. When the version changes (DDL, ANALYZE), plans of the old version are
 * dropped and listeners are told, so the editor can re-plan what is visible. It also follows the readings of the tables'
 * figures the index advice makes (tableFigures: rows, pages, ANALYZE in 5% steps): the plans of a table that moved are
 * dropped, so the hover's plan line is made on the tables its index line was (issue 20: "1,007 → 302" above "cost 940.44").
 */
import type { Database, Lane } from './database';
import { describeError } from './errors';
import { explain, type ExplainResult } from './explain';
import { schemaVersion } from './schemaVersion';
import { onTablesMoved } from './tableFigures';
import { PlanCache } from '../core/plan/cache';
import { K } from '../core/plan';
import { constantShape, loadPgParser } from '../core/sql/statement';

/** Statements planned ahead for hovers per request (the editor's visible ones): at most this many. */
const PREFETCH_LIMIT = 50;

export type PlanOutcome = { ok: true; result: ExplainResult } | { ok: false; message: string; code?: string };

export interface PlannerOptions {
  versionTtlMs?: number;
  maxEntries?: number;
  /** Untrusted functions allowed by name (see planGuard). */
  trustFunctions?: readonly string[];
}

export class Planner {
  private readonly cache: PlanCache<PlanOutcome>;
  private readonly inflight = new Map<string, { p: Promise<PlanOutcome>; lane?: Lane }>();
  private version: string | undefined;
  private probedAt = 0;
  private probing: { p: Promise<string>; lane?: Lane } | undefined;
  private readonly listeners = new Set<() => void>();
  /** Number of EXPLAINs sent (for tests and the bench). */
  explains = 0;

  constructor(
    readonly db: Database,
    readonly connectionKey: string,
    private readonly options: PlannerOptions = {},
  ) {
    this.cache = new PlanCache(options.maxEntries ?? 500);
    this.following = onTablesMoved(db, (tables) => this.forgetTables(tables));
  }

  private readonly following: { dispose(): void };

  /** Stop following the tables' readings (a planner replaced by another for the same connection). */
  dispose(): void {
    this.following.dispose();
  }

  /**
   * Drop the plans that read these tables (bare lowercase names) and tell the listeners: their figures moved (tableFigures,
   * the index advice's reading). Returns how many plans went.
   */
  forgetTables(tables: readonly string[]): number {
    const moved = new Set(tables.map((t) => t.toLowerCase()));
    const n = this.cache.dropWhere((o) => o.ok && o.result.plan.nodes.some((x) => { const r = x.raw[K.RelationName]; return typeof r === 'string' && moved.has(r.toLowerCase()); }));
    // An EXPLAIN under way was sent before this reading: not kept, nor shared with the next request (a hover waiting for
    // it still gets its answer).
    this.generation++;
    this.inflight.clear();
    if (n) for (const fn of this.listeners) fn();
    return n;
  }

  /** Bumped by forgetTables: an EXPLAIN sent before it is answered but not kept. */
  private generation = 0;

  /** Called when cached plans were dropped because the schema or statistics changed. */
  onInvalidate(fn: () => void): { dispose(): void } {
    this.listeners.add(fn);
    return { dispose: () => this.listeners.delete(fn) };
  }

  /** The cached outcome for this SQL under the current version, without any I/O. */
  cached(sql: string, params?: readonly unknown[]): PlanOutcome | undefined {
    this.maybeProbe();
    if (this.version === undefined) return undefined;
    return this.cache.get(PlanCache.key(this.connectionKey, this.version, sql, params));
  }

  /**
   * Cached, or planned now (concurrent requests for the same key share one EXPLAIN). `lane` 'interactive' (a hover): its
   * EXPLAIN (and the first probe of the version) on the session kept for what a person waits on, never queued behind the
   * background work on the shared pool (database Lane).
   */
  async plan(sql: string, params?: unknown[], opts: { lane?: Lane } = {}): Promise<PlanOutcome> {
    const hit = this.cached(sql, params);
    if (hit) return hit;
    const version = this.version ?? (await this.probe(opts.lane));
    const key = PlanCache.key(this.connectionKey, version, sql, params);
    const again = this.cache.get(key);
    if (again) return again;
    const going = this.inflight.get(key);
    // A hover does not wait for the background's EXPLAIN of the same statement, still queued on the shared pool (the
    // visible statements planned ahead at a window's start): it plans on its own lane, and the first answer is kept.
    let p = going && (going.lane === opts.lane || opts.lane === undefined) ? going.p : undefined;
    if (!p) {
      const generation = this.generation;
      p = (async (): Promise<PlanOutcome> => {
        try {
          this.explains++;
          return { ok: true, result: await explain(this.db, sql, { params, trustFunctions: this.options.trustFunctions, lane: opts.lane }) };
        } catch (e) {
          return { ok: false, message: describeError(e), code: (e as any)?.code };
        }
      })();
      const mine = p;
      this.inflight.set(key, { p: mine, lane: opts.lane });
      void mine.then((outcome) => {
        if (this.inflight.get(key)?.p === mine) this.inflight.delete(key);
        // Connection problems are not the statement's fault: do not remember them.
        if ((outcome.ok || !isTransient(outcome.code)) && generation === this.generation) this.cache.set(key, version, outcome);
      });
    }
    return p;
  }

  /**
   * Of these statements (the ones on screen), those to plan ahead so their hovers answer from the cache: one per shape (core
   * constantShape) that has no cached plan among them, at most `limit`. The others of a shape are planned when hovered, each
   * with its own plan (issue 20: a screen of a generated file's statements differing only by a constant cost an EXPLAIN
   * each, again on every scroll and every schema or statistics change).
   */
  async prefetchable(sqls: readonly string[], limit = PREFETCH_LIMIT): Promise<string[]> {
    await loadPgParser();
    const unique = [...new Set(sqls)];
    const shapeOf = (sql: string) => constantShape(sql) ?? `\u0000${sql}`;
    const planned = new Set(unique.filter((sql) => this.cached(sql)).map(shapeOf));
    const out: string[] = [];
    for (const sql of unique) {
      if (out.length >= limit) break;
      const shape = shapeOf(sql);
      if (planned.has(shape)) continue;
      planned.add(shape);
      out.push(sql);
    }
    return out;
  }

  /** Probe the version now (also done in the background by cached()); `lane` as plan's (a probe under way on the shared pool is not waited for). */
  async probe(lane?: Lane): Promise<string> {
    if (this.probing && (this.probing.lane === lane || lane === undefined)) return this.probing.p;
    const entry = { lane } as { p: Promise<string>; lane?: Lane };
    entry.p = (async () => {
      try {
        const v = (await schemaVersion(this.db, lane)).key;
        this.probedAt = Date.now();
        if (this.version !== undefined && v !== this.version) {
          this.version = v;
          this.cache.dropOtherVersions(v);
          for (const fn of this.listeners) fn();
        }
        this.version = v;
        return v;
      } finally {
        if (this.probing === entry) this.probing = undefined;
      }
    })();
    this.probing = entry;
    return entry.p;
  }

  private maybeProbe(): void {
    if (this.probing || Date.now() - this.probedAt < (this.options.versionTtlMs ?? 2000)) return;
    void this.probe().catch(() => undefined);
  }

  get size(): number {
    return this.cache.size;
  }
}

function isTransient(code?: string): boolean {
  return !!code && (/^(08|53|57P)/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'CLOSED', 'ETIMEDOUT', '57014', '55P03'].includes(code));
}
