/**
 * Plans on demand, from a cache keyed by (connection, schema/stats version, SQL, values).
 * The version is probed at most once per `versionTtlMs`, in the background: a cache hit never
 * waits for the server. When the version changes (DDL, ANALYZE), plans of the old version are
 * dropped and listeners are told, so the editor can re-plan what is visible.
 */
import type { Database } from './database';
import { describeError } from './errors';
import { explain, type ExplainResult } from './explain';
import { schemaVersion } from './schemaVersion';
import { PlanCache } from '../core/plan/cache';
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
  private readonly inflight = new Map<string, Promise<PlanOutcome>>();
  private version: string | undefined;
  private probedAt = 0;
  private probing: Promise<string> | undefined;
  private readonly listeners = new Set<() => void>();
  /** Number of EXPLAINs sent (for tests and the bench). */
  explains = 0;

  constructor(
    readonly db: Database,
    readonly connectionKey: string,
    private readonly options: PlannerOptions = {},
  ) {
    this.cache = new PlanCache(options.maxEntries ?? 500);
  }

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

  /** Cached, or planned now (concurrent requests for the same key share one EXPLAIN). */
  async plan(sql: string, params?: unknown[]): Promise<PlanOutcome> {
    const hit = this.cached(sql, params);
    if (hit) return hit;
    const version = this.version ?? (await this.probe());
    const key = PlanCache.key(this.connectionKey, version, sql, params);
    const again = this.cache.get(key);
    if (again) return again;
    let p = this.inflight.get(key);
    if (!p) {
      p = (async (): Promise<PlanOutcome> => {
        try {
          this.explains++;
          return { ok: true, result: await explain(this.db, sql, { params, trustFunctions: this.options.trustFunctions }) };
        } catch (e) {
          return { ok: false, message: describeError(e), code: (e as any)?.code };
        }
      })();
      this.inflight.set(key, p);
      void p.then((outcome) => {
        this.inflight.delete(key);
        // Connection problems are not the statement's fault: do not remember them.
        if (outcome.ok || !isTransient(outcome.code)) this.cache.set(key, version, outcome);
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

  /** Probe the version now (also done in the background by cached()). */
  async probe(): Promise<string> {
    this.probing ??= (async () => {
      try {
        const v = (await schemaVersion(this.db)).key;
        this.probedAt = Date.now();
        if (this.version !== undefined && v !== this.version) {
          this.version = v;
          this.cache.dropOtherVersions(v);
          for (const fn of this.listeners) fn();
        }
        this.version = v;
        return v;
      } finally {
        this.probing = undefined;
      }
    })();
    return this.probing;
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
