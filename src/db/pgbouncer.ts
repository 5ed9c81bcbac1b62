/**
 * PgBouncer's admin console (the virtual database "pgbouncer"): SHOW POOLS, SHOW STATS and SHOW
 * DATABASES for the pool-sizing check. The console speaks only the simple query protocol and refuses
 * PostgreSQL's startup parameters (statement_timeout, options), so it gets its own plain client.
 */
import * as pg from 'pg';
import type { ConnectionProfile } from '../core/connection/profile';
import type { PgBouncerFacts } from '../core/health/types';
import { APPLICATION_NAME, sslConfig } from './database';
import { PgLensError } from './errors';
import { errorMessage } from '../core/safeText';

/** Admin console commands (no parameters: the console takes none). */
const PGBOUNCER_SQL = {
  version: 'SHOW VERSION',
  pools: 'SHOW POOLS',
  stats: 'SHOW STATS',
  databases: 'SHOW DATABASES',
} as const;

/** The profile points at PgBouncer's admin console. */
export function isPgBouncerConsole(p: Pick<ConnectionProfile, 'database'>): boolean {
  return p.database === 'pgbouncer';
}

const n = (v: unknown) => (v === null || v === undefined || v === '' ? 0 : Number(v));

/** Read the pools, per-database statistics and pool sizes; a one-line error when it is not a PgBouncer console. */
export async function readPgBouncer(profile: ConnectionProfile, password: string | undefined, opts: { connectTimeoutMs?: number } = {}): Promise<PgBouncerFacts> {
  const client = new pg.Client({
    host: profile.host, port: profile.port, database: 'pgbouncer', user: profile.user, password: password ?? '',
    application_name: APPLICATION_NAME, connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    ssl: sslConfig(profile),
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const version = await client.query(PGBOUNCER_SQL.version).catch(() => undefined);
    const text = String(version?.rows?.[0]?.version ?? '');
    if (!/pgbouncer/i.test(text)) throw new PgLensError(`${profile.host}:${profile.port} is not a PgBouncer admin console (SHOW VERSION said "${text.slice(0, 60) || 'nothing'}").`, 'NOT_PGBOUNCER');
    const [pools, stats, dbs] = await Promise.all([client.query(PGBOUNCER_SQL.pools), client.query(PGBOUNCER_SQL.stats), client.query(PGBOUNCER_SQL.databases)]);
    const sizes = new Map(dbs.rows.map((r) => [r.name, { poolSize: n(r.pool_size), maxConnections: n(r.max_connections) }]));
    return {
      version: text,
      pools: pools.rows.filter((r) => r.database !== 'pgbouncer').map((r) => ({
        database: r.database, user: r.user, mode: r.pool_mode ?? null,
        clientsActive: n(r.cl_active), clientsWaiting: n(r.cl_waiting), serversActive: n(r.sv_active), serversIdle: n(r.sv_idle), serversUsed: n(r.sv_used),
        maxWaitSeconds: n(r.maxwait) + n(r.maxwait_us) / 1e6, poolSize: sizes.get(r.database)?.poolSize ?? null,
      })),
      stats: stats.rows.filter((r) => r.database !== 'pgbouncer').map((r) => ({
        database: r.database, transactions: n(r.total_xact_count), queries: n(r.total_query_count),
        avgTransactionMs: n(r.avg_xact_time) / 1000, avgQueryMs: n(r.avg_query_time) / 1000, avgWaitMs: n(r.avg_wait_time) / 1000,
      })),
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Is the host:port PG Lens connected to a PgBouncer? Its admin console (database "pgbouncer") answers
 * SHOW VERSION for admin and stats users, and refuses others with "not allowed" — PostgreSQL itself would
 * say the database does not exist. Only asked when the ports already show something in between
 * (HealthFacts.frontend); one connection attempt, nothing else.
 */
export async function probePgBouncer(profile: ConnectionProfile, password: string | undefined, opts: { connectTimeoutMs?: number } = {}): Promise<string | null> {
  const client = new pg.Client({
    host: profile.host, port: profile.port, database: 'pgbouncer', user: profile.user, password: password ?? '',
    application_name: APPLICATION_NAME, connectionTimeoutMillis: opts.connectTimeoutMs ?? 3000, ssl: sslConfig(profile),
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const v = String((await client.query(PGBOUNCER_SQL.version)).rows?.[0]?.version ?? '');
    return /pgbouncer/i.test(v) ? v : null;
  } catch (e) {
    return /^(not allowed|no such user|pgbouncer cannot connect)/i.test(errorMessage(e)) ? 'PgBouncer (its admin console refused this user)' : null;
  } finally {
    await client.end().catch(() => undefined);
  }
}
