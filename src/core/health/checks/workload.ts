/**
 * Workload advisors from what the database already knows: BRIN for B-trees on append-only tables
 * whose column follows the physical order, lz4 for large TOAST data still on pglz, and connection
 * slots near the limit (with a pool size and its reasoning).
 */
import { finding } from '../finding';
import { qualifiedName, quoteIdent } from '../../sql/ident';
import type { HealthCheck, HealthFinding, HealthThresholds, StatementUseFact } from '../types';
import { countOf, distinctLabels, formatBytes, timesOf } from '../../format';
import { oneLine } from '../../safeText';

const BLOCK = 8192;
/** Pages per BRIN range (the default) and a generous bytes-per-range for the size estimate. */
const PAGES_PER_RANGE = 128;
const BRIN_BYTES_PER_RANGE = 64;

/** A BRIN index's size for a table of `pages` pages: its ranges' summaries, plus the metapage and revmap. */
export function brinSizeBytes(pages: number): number {
  const ranges = Math.ceil(pages / PAGES_PER_RANGE);
  return (2 + Math.ceil((ranges * BRIN_BYTES_PER_RANGE) / BLOCK) + Math.ceil(ranges / 1300)) * BLOCK;
}

const brinCandidate: HealthCheck = {
  id: 'brin-candidate',
  title: 'B-tree where BRIN would do',
  category: 'indexes',
  summary: 'A non-unique B-tree on a large append-only table whose column follows the physical row order (pg_stats correlation): a BRIN index is a tiny fraction of its size.',
  run(f, t) {
    const out: HealthFinding[] = [];
    for (const c of f.workload?.brinCandidates ?? []) {
      if (c.tablePages < t.brinMinPages || Math.abs(c.correlation) < t.brinMinCorrelation) continue;
      // Append-only: updates and deletes are at most 1% of inserts (and there were inserts to judge by).
      if (c.inserted <= 0 || c.updated + c.deleted > 0.01 * c.inserted) continue;
      const btree = c.indexPages * BLOCK;
      const brin = brinSizeBytes(c.tablePages);
      if (brin * 10 > btree) continue;
      const table = qualifiedName(c.schema, c.table);
      const name = `${c.table}_${c.column}_brin`.slice(0, 63);
      out.push(finding(this, 'info', `${qualifiedName(c.schema, c.index)} (${formatBytes(btree)}) on ${table}.${quoteIdent(c.column)}: the column follows the row order (correlation ${c.correlation.toFixed(3)}) and the table is append-only, so a BRIN index of about ${formatBytes(brin)} can serve range filters on it.`, {
        objects: [{ kind: 'index', schema: c.schema, name: c.index, table: c.table }, { kind: 'table', schema: c.schema, name: c.table }],
        evidence: {
          column: c.column, columnType: c.columnType, correlation: Math.round(c.correlation * 1000) / 1000, rows: c.reltuples,
          btreeBytes: btree, brinBytesEstimate: brin, sizeRatio: Math.round(btree / brin),
          inserted: c.inserted, updated: c.updated, deleted: c.deleted, btreeScans: c.scans,
        },
        fixSql: [`CREATE INDEX CONCURRENTLY ${quoteIdent(name)} ON ${table} USING brin (${quoteIdent(c.column)});`, `DROP INDEX CONCURRENTLY ${qualifiedName(c.schema, c.index)};`],
        help: 'Create the BRIN index, compare the plans of the range queries (EXPLAIN ANALYZE), then drop the B-tree. Keep the B-tree when queries need point lookups or ORDER BY … LIMIT on the column: BRIN serves neither.',
      }));
    }
    return out;
  },
};

const toastCompression: HealthCheck = {
  id: 'toast-compression',
  title: 'Large TOAST data on pglz',
  category: 'tables',
  summary: 'Large text/jsonb/bytea data still compressed with pglz where lz4 is available (PostgreSQL 14+): lz4 compresses and decompresses several times faster.',
  run(f, t) {
    const w = f.workload;
    if (!w?.lz4Available) return [];
    const byTable = new Map<string, typeof w.toastColumns>();
    for (const c of w.toastColumns) {
      if (c.toastBytes < t.toastMinBytes) continue;
      const method = c.compression === 'l' ? 'lz4' : c.compression === 'p' ? 'pglz' : w.defaultToastCompression ?? 'pglz';
      if (method !== 'pglz') continue;
      const k = `${c.schema}\u0000${c.table}`;
      byTable.set(k, [...(byTable.get(k) ?? []), c]);
    }
    return [...byTable.values()].map((cols) => {
      const { schema, table, toastBytes } = cols[0];
      const name = qualifiedName(schema, table);
      return finding(this, 'info', `${name} keeps ${formatBytes(toastBytes)} of TOAST data compressed with pglz (${cols.map((c) => c.column).join(', ')}); lz4 is available.`, {
        objects: [{ kind: 'table' as const, schema, name: table }],
        evidence: { toastBytes, columns: cols.map((c) => ({ column: c.column, type: c.type })), default_toast_compression: w.defaultToastCompression },
        fixSql: [
          ...cols.map((c) => `ALTER TABLE ${name} ALTER COLUMN ${quoteIdent(c.column)} SET COMPRESSION lz4;`),
          ...(w.defaultToastCompression === 'pglz' ? [`ALTER SYSTEM SET default_toast_compression = 'lz4';`, 'SELECT pg_reload_conf();'] : []),
        ],
        help: 'SET COMPRESSION applies to values written from now on (it does not rewrite the table); existing values change as rows are updated, or all at once with VACUUM FULL or pg_repack.',
      });
    });
  },
};

const connectionSaturation: HealthCheck = {
  id: 'connection-saturation',
  title: 'Connections near the limit',
  category: 'activity',
  summary: 'Client connections use most of the slots max_connections leaves to ordinary roles; with the idle and idle-in-transaction shares and a pool size.',
  run(f, t) {
    const c = f.workload?.connections;
    if (!c || !c.max) return [];
    const usable = Math.max(1, c.max - c.superuserReserved - c.reserved);
    const share = c.total / usable;
    if (share < t.connectionWarnShare) return [];
    const active = c.byState.active ?? 0;
    const idle = c.byState.idle ?? 0;
    const idleTx = (c.byState['idle in transaction'] ?? 0) + (c.byState['idle in transaction (aborted)'] ?? 0);
    // A pool only needs as many server connections as statements run at once: the active ones now,
    // doubled for bursts, at least 10 — and never more than half the usable slots.
    const pool = Math.min(Math.max(10, active * 2), Math.floor(usable / 2));
    const pct = (n: number) => `${Math.round((n / Math.max(1, c.total)) * 100)}%`;
    const fe = f.frontend;
    const through = fe ? ` PG Lens reached the server through ${fe.pgbouncer ? oneLine(fe.pgbouncer) : 'a pooler or proxy'} (port ${fe.connectedPort}; the server listens on ${fe.serverPort}).` : '';
    const help = fe?.pgbouncer
      ? `PgBouncer is already in front: the slots go to its server connections and to clients that connect to the server directly (by application: see the evidence). Keep the sum of its pools (pool_size × databases × users, or max_db_connections) under about ${pool} server connections (${active} active now, ×2 for bursts, at least 10, at most half the slots), send the other clients through it, and use transaction pooling where the apps allow it. Raising max_connections costs memory per connection and needs a restart.`
      : `Most connections wait rather than work: put a pooler (PgBouncer in transaction mode, or the driver's pool) in front with about ${pool} server connections (${active} active now, ×2 for bursts, at least 10, at most half the slots), and cap each application's pool. Raising max_connections costs memory per connection and needs a restart.`;
    return [finding(this, share >= t.connectionErrorShare ? 'error' : 'warning', `${c.total} of ${usable} usable connection slots are in use (${Math.round(share * 100)}%): ${idle} idle (${pct(idle)}), ${idleTx} idle in a transaction, ${active} active.${through}`, {
      objects: [{ kind: 'setting', name: 'max_connections' }],
      evidence: { inUse: c.total, maxConnections: c.max, superuserReserved: c.superuserReserved, reserved: c.reserved, usable, byState: c.byState, byApplication: c.byApplication, recommendedPoolSize: pool, frontend: fe ?? null },
      help,
    })];
  },
};

const poolSizing: HealthCheck = {
  id: 'pool-sizing',
  title: 'PgBouncer pool too small',
  category: 'activity',
  summary: "Clients waiting in PgBouncer for a server connection (SHOW POOLS), or a high average wait (SHOW STATS), with the pool size the load needs and the server slots it may take.",
  run(f, t) {
    const b = f.pgbouncer;
    const fe = f.frontend;
    if (!b && fe?.pgbouncer) {
      // PgBouncer is in front, but its pools were not given: say so, and how to have them judged.
      return [finding(this, 'info', `PG Lens reached this database through ${oneLine(fe.pgbouncer)} (port ${fe.connectedPort}; the server listens on ${fe.serverPort}); its pools were not read.`, {
        objects: [{ kind: 'database', name: f.database }],
        evidence: { frontend: fe },
        help: 'Give PgBouncer\'s admin console (pg-lens health --pgbouncer postgres://USER@HOST:PORT/pgbouncer, or the dashboard setting pgLens.dashboard.pgbouncerUrl) so pool-sizing can read SHOW POOLS and SHOW STATS: clients waiting for a server connection, and the pool size the load needs. The user must be in admin_users or stats_users.',
      })];
    }
    if (!b) return [];
    const c = f.workload?.connections;
    const usable = c?.max ? Math.max(1, c.max - c.superuserReserved - c.reserved) : null;
    const out: HealthFinding[] = [];
    for (const p of b.pools) {
      const stats = b.stats.find((s) => s.database === p.database);
      const waitingNow = p.clientsWaiting > 0 || p.maxWaitSeconds >= t.poolMaxWaitSeconds;
      const waitedOnAverage = !!stats && stats.avgWaitMs >= t.poolMaxWaitSeconds * 1000;
      if (!waitingNow && !waitedOnAverage) continue;
      // Enough servers for the statements running and the clients queued behind them — within the server's slots.
      const needed = p.serversActive + p.serversUsed + p.clientsWaiting;
      // Nobody waiting now (only the average says clients waited): the peak's need is not visible, so no number below the pool.
      const recommended = waitingNow ? (usable ? Math.min(needed, Math.floor(usable / 2)) : needed) : null;
      out.push(finding(this, waitingNow ? 'warning' : 'info', `PgBouncer pool ${p.database}/${p.user}${p.poolSize !== null ? ` (pool_size ${p.poolSize})` : ''}: ${countOf(p.clientsWaiting, 'client')} waiting for a server connection (longest ${p.maxWaitSeconds.toFixed(1)} s)${stats ? `, ${stats.avgWaitMs.toFixed(1)} ms average wait` : ''}; ${p.serversActive} servers active, ${p.serversIdle} idle.`, {
        objects: [{ kind: 'database', name: p.database }],
        evidence: { pgbouncer: b.version, pool: p, stats: stats ?? null, recommendedPoolSize: recommended, serverSlotsUsable: usable },
        help: `${recommended !== null ? `Raise pool_size for ${p.database} in pgbouncer.ini (or default_pool_size) to about ${recommended} — the active and queued clients now${usable ? `, at most half the ${usable} slots the server leaves to ordinary roles` : ''} — and RELOAD the console.` : `Clients waited ${stats?.avgWaitMs.toFixed(0)} ms on average for a server connection, though none waits now: read SHOW POOLS at the busy hour (the dashboard or pg-lens health --pgbouncer then) for the size the peak needs, and raise pool_size for ${p.database} above ${p.poolSize ?? 'its current size'}${usable ? ` (at most half the ${usable} slots the server leaves to ordinary roles)` : ''}.`} When the servers are busy with slow statements, a larger pool only moves the queue into PostgreSQL: look at the slowest statements first.${p.mode && p.mode !== 'transaction' ? ` The pool runs in ${p.mode} mode: transaction mode lets far fewer servers serve the same clients.` : ''}`,
      }));
    }
    return out;
  },
};

/** Functions whose result changes between calls: a statement using one cannot be cached by its text. */
const VOLATILE = /\b(now|random|clock_timestamp|statement_timestamp|timeofday|nextval|gen_random_uuid|uuid_generate_v4|txid_current|pg_current_xact_id|current_timestamp|localtimestamp|current_time|current_date)\b/i;

/** The TTLs (seconds) cache-candidate gives a hit ratio for. */
const CACHE_TTLS = [10, 60, 300] as const;

export interface CacheEstimate {
  calls: number;
  writes: number;
  /** The tables it reads, schema-qualified, and their writes. */
  tables: { schema: string; table: string; writes: number }[];
  /** Dropped on every write to its tables, no TTL: at most one miss per write. */
  hitRatio: number;
  /** Calls and writes per second over pg_stat_statements' period; null when the period is unknown. */
  callsPerSecond: number | null;
  writesPerSecond: number | null;
  /** Kept for each TTL and dropped on each write (null when the period is unknown). */
  ttl: { seconds: number; hitRatio: number }[] | null;
}

/**
 * Is the statement a cache candidate (called at least cacheMinCalls times, at most one write to its tables per
 * cacheMinCallsPerWrite calls, no volatile function, no row lock), and what would a cache answer? For a TTL T,
 * with calls arriving at c per second and writes at w: an entry lives until the TTL or the next write, on average
 * (1 − e^(−wT)) / w seconds (T without writes), and answers c times that many calls after the one miss that filled
 * it. Upper bounds: one parameter value (each distinct value misses on its own). Used by the check and the editor.
 */
export function cacheEstimate(s: StatementUseFact, t: Pick<HealthThresholds, 'cacheMinCalls' | 'cacheMinCallsPerWrite'>, periodSeconds?: number | null): CacheEstimate | undefined {
  if (s.calls < t.cacheMinCalls || VOLATILE.test(s.query) || /\bfor\s+(update|share|no key update|key share)\b/i.test(s.query)) return undefined;
  const writes = s.tables.reduce((n, x) => n + x.writes, 0);
  if (writes * t.cacheMinCallsPerWrite > s.calls) return undefined;
  const c = periodSeconds ? s.calls / periodSeconds : null;
  const w = periodSeconds ? writes / periodSeconds : null;
  const ttl = c === null || w === null ? null : CACHE_TTLS.map((T) => {
    const life = w > 0 ? (1 - Math.exp(-w * T)) / w : T;
    const hits = c * life;
    return { seconds: T, hitRatio: hits / (1 + hits) };
  });
  return { calls: s.calls, writes, tables: s.tables, hitRatio: Math.max(0, 1 - writes / s.calls), callsPerSecond: c, writesPerSecond: w, ttl };
}

/** "92% at 10 s, 99% at 60 s, 100% at 300 s" */
export function formatTtlHitRatios(ttl: NonNullable<CacheEstimate['ttl']>): string {
  return ttl.map((x) => `${Math.floor(x.hitRatio * 100)}% at ${x.seconds} s`).join(', ');
}

/** The editor's line above a call site that sends a cache candidate, and its tooltip (plain text). */
export function formatCacheLens(e: CacheEstimate): { title: string; tooltip: string } {
  const names = e.tables.map((x) => qualifiedName(x.schema, x.table));
  const at60 = e.ttl?.find((x) => x.seconds === 60);
  // Short: the writes that invalidate it are the tooltip's (person40 L6: the line ran off the window at "invalidated by
  // writ…"), and the line leaves room for the cost lens and a recording's (core/cost LENS_LINE_MAX).
  const title = `cacheable: ${at60 ? `${Math.floor(at60.hitRatio * 100)}% hits at 60 s` : `up to ${Math.floor(e.hitRatio * 100)}% hits`}`;
  const tooltip = [
    `cache-candidate: ${e.calls.toLocaleString('en-US')} calls, ${e.writes.toLocaleString('en-US')} writes to ${names.join(', ')} in the same period${e.callsPerSecond !== null && e.writesPerSecond !== null ? ` (${e.callsPerSecond.toFixed(2)} calls/s, ${e.writesPerSecond.toFixed(3)} writes/s)` : ''}.`,
    `Dropped on each write: up to ${Math.floor(e.hitRatio * 100)}% of the calls answered from the cache.`,
    ...(e.ttl ? [`With a TTL (and dropped on writes): ${formatTtlHitRatios(e.ttl)}${at60 ? ' (the line gives the 60 s TTL\'s)' : ''}.`] : []),
    `Invalidate on: ${e.tables.map((x) => `INSERT, UPDATE or DELETE on ${qualifiedName(x.schema, x.table)}`).join('; ')}.`,
    'Upper bounds: each distinct parameter value misses on its own.',
  ].join('\n');
  return { title, tooltip };
}

const cacheCandidate: HealthCheck = {
  id: 'cache-candidate',
  title: 'Result that could be cached',
  category: 'activity',
  summary: 'A read statement called very often whose tables are rarely written: most calls return what the previous call returned.',
  run(f, t) {
    const out: HealthFinding[] = [];
    // Named so the workload's statements read apart (person55 L-9: "SELECT id, customer_id, status, total_cents, placed_at …"
    // was three statements of the shop's): from where it parts from the others when their first words are the same.
    const statements = f.workload?.statements ?? [];
    const names = distinctLabels(statements.map((s) => s.query), 60);
    for (const [i, s] of statements.entries()) {
      const e = cacheEstimate(s, t, f.workload?.statementsPeriodSeconds);
      if (!e) continue;
      const tables = s.tables.map((x) => qualifiedName(x.schema, x.table));
      const rates = e.callsPerSecond !== null && e.writesPerSecond !== null ? ` (${e.callsPerSecond.toFixed(2)} calls/s, ${e.writesPerSecond.toFixed(3)} writes/s)` : '';
      // Its first words in the message (the finding's collapsed row): five candidates read alike, "A statement called 814
      // times reads public.products …" twice (person28 L5).
      const said = oneLine(names[i]);
      out.push(finding(this, 'info', `A statement called ${s.calls.toLocaleString('en-US')} times ("${said}") reads ${tables.join(', ')}, written ${timesOf(e.writes)} in the same period${rates}: a cache invalidated on those writes would answer up to ${Math.round(e.hitRatio * 100)}% of the calls${e.ttl ? ` (with a TTL: ${formatTtlHitRatios(e.ttl)})` : ''}.`, {
        objects: s.tables.map((x) => ({ kind: 'table' as const, schema: x.schema, name: x.table })),
        evidence: {
          queryid: s.queryid, query: s.query, calls: s.calls, meanMs: Math.round(s.meanMs * 1000) / 1000, ...(s.ownIncluded ? { meanIncludesPgLensRuns: s.ownIncluded } : {}), rowsPerCall: s.calls ? Math.round((s.rows / s.calls) * 10) / 10 : 0,
          writesByTable: Object.fromEntries(s.tables.map((x) => [`${x.schema}.${x.table}`, x.writes])), hitRatioUpperBound: Math.round(e.hitRatio * 1000) / 1000,
          ...(e.ttl ? { periodSeconds: Math.round(f.workload!.statementsPeriodSeconds!), hitRatioAtTtl: Object.fromEntries(e.ttl.map((x) => [`${x.seconds}s`, Math.round(x.hitRatio * 1000) / 1000])) } : {}),
          invalidatedBy: s.tables.map((x) => `INSERT, UPDATE or DELETE on ${x.schema}.${x.table}`),
          timeSavedMsUpperBound: Math.round(s.calls * s.meanMs * e.hitRatio),
        },
        help: `Cache the result in the application (keyed by the statement's parameters) and drop the entry when the code writes to ${tables.join(', ')} — or, if other processes write them, give it a TTL. The ratios are upper bounds: each distinct parameter value misses once per invalidation or TTL. The writes are the table statistics': rolled-back rows count too — PG Lens's own Explain Analyze runs in the editor are left out (kept across a Reload Window), a pg-lens run's cannot be told apart.`,
      }));
    }
    return out.sort((a, b) => (b.evidence.timeSavedMsUpperBound as number) - (a.evidence.timeSavedMsUpperBound as number)).slice(0, 10);
  },
};

const unusedMaterializedView: HealthCheck = {
  id: 'unused-materialized-view',
  title: 'Materialized views nobody reads',
  category: 'tables',
  summary: 'A populated materialized view with no scan since the statistics were reset: its refreshes cost for nothing.',
  run(f, t) {
    if (f.statsAgeSeconds !== null && f.statsAgeSeconds < t.unusedIndexMinStatsAgeSeconds) return [];
    return (f.workload?.matviews ?? [])
      .filter((m) => m.populated && m.scans === 0)
      .map((m) => finding(this, 'info', `Materialized view ${qualifiedName(m.schema, m.name)} (${formatBytes(m.sizeBytes)}) has not been read since the statistics were reset.`, {
        objects: [{ kind: 'materialized view' as const, schema: m.schema, name: m.name, oid: m.oid }],
        evidence: { scans: m.scans, sizeBytes: m.sizeBytes, statsAgeSeconds: f.statsAgeSeconds, concurrentRefreshPossible: m.hasUniqueIndex },
        fixSql: [`DROP MATERIALIZED VIEW ${qualifiedName(m.schema, m.name)};`],
        help: 'Statistics are per server: check replicas, monthly reports and the job that refreshes it (remove the job with the view). DROP without CASCADE stops if a view depends on it.',
      }));
  },
};

export const WORKLOAD_CHECKS: readonly HealthCheck[] = [brinCandidate, toastCompression, connectionSaturation, poolSizing, cacheCandidate, unusedMaterializedView];
