/**
 * What PG Lens itself executed of the user's statements, per database (host, port, database):
 * Benchmark runs land in the application's own pg_stat_statements entry, so readers of the figures
 * (the cost CodeLens) subtract them (core/cost.appFigures). Kept for the extension's lifetime, across
 * reconnects, because pg_stat_statements keeps counting across them; the editor keeps it across a Reload Window too
 * (vscode/databaseStore, person50 issue 20), valid while the server's start and pg_stat_statements' last reset
 * (readOwnRunsEpoch) are the ones the runs were counted in. One ledger per process for both bundles
 * (core/oncePerProcess): Benchmark notes its runs in the editor's bundle, the dashboard's Top statements read them in the
 * engine's (person50 M-B: two copies, so the dashboard counted 100 benchmark runs as the application's).
 */
import { CostBaselines, OwnRuns, type OwnRunsEpoch } from '../core/cost';
import { oncePerProcess } from '../core/oncePerProcess';
import { databaseIdentity } from '../core/connection/profile';
import type { Database } from './database';
import { OWN_STATEMENT_MARKER } from './sql';
export { forgetOwnWork, onDidNoteOwnWork, ownWorkId, ownWorkToKeep, restoreOwnWork } from './database';

const OWN_RUNS_SQL = {
  /** The server's start (ms since the epoch): another server, or this one restarted, at the same address. */
  started: `${OWN_STATEMENT_MARKER} SELECT (extract(epoch FROM pg_postmaster_start_time()) * 1000)::float8 AS ms`,
  /** pg_stat_statements' last full reset (ms since the epoch; PostgreSQL 14+, the extension installed in this database). */
  statsReset: `${OWN_STATEMENT_MARKER} SELECT (extract(epoch FROM stats_reset) * 1000)::float8 AS ms FROM pg_stat_statements_info`,
  /** The database's statistics' last reset (pg_stat_reset; null when never reset): the tables' counters count from it. */
  tableStatsReset: `${OWN_STATEMENT_MARKER} SELECT (extract(epoch FROM stats_reset) * 1000)::float8 AS ms FROM pg_stat_database WHERE datname = current_database()`,
} as const;

/** The server's start (ms since the epoch), NaN when it cannot be read: both periods below begin no earlier. */
async function serverStartedMs(db: Pick<Database, 'query'>): Promise<number> {
  return db.query(OWN_RUNS_SQL.started).then((r) => Number(r.rows[0]?.ms), () => NaN);
}

/**
 * The period pg_stat_statements counts PG Lens's runs in, read now (core/cost OwnRunsEpoch): the server's start and
 * pg_stat_statements' last reset; the reset undefined where it cannot be read (PostgreSQL 13 and older have no
 * pg_stat_statements_info: a ledger is then kept for the session only). Undefined when nothing can be read.
 */
export async function readOwnRunsEpoch(db: Pick<Database, 'query'>): Promise<OwnRunsEpoch | undefined> {
  const started = await serverStartedMs(db);
  if (!Number.isFinite(started)) return undefined;
  const reset = await db.query(OWN_RUNS_SQL.statsReset).then((r) => (r.rows[0]?.ms === null || r.rows[0]?.ms === undefined ? NaN : Number(r.rows[0].ms)), () => NaN);
  return { startedMs: started, ...(Number.isFinite(reset) ? { statsResetMs: reset } : {}) };
}

/**
 * The period the tables' counters count PG Lens's own work in (db/database ownWorkOf): the server's start and the
 * database's statistics reset (`statsResetMs` absent when never reset). Undefined when it cannot be read: the own work
 * is then kept for the session only.
 */
export async function readOwnWorkEpoch(db: Pick<Database, 'query'>): Promise<OwnRunsEpoch | undefined> {
  const started = await serverStartedMs(db);
  if (!Number.isFinite(started)) return undefined;
  const reset = await db.query(OWN_RUNS_SQL.tableStatsReset).then((r) => (r.rows.length ? r.rows[0].ms : NaN), () => NaN);
  if (reset === null) return { startedMs: started };
  return Number.isFinite(Number(reset)) && reset !== undefined ? { startedMs: started, statsResetMs: Number(reset) } : undefined;
}

/** One record per database (databaseIdentity), one map per process for both bundles (oncePerProcess under `name`). */
function perDatabase<T>(name: string, make: () => T): (db: Pick<Database, 'profile'>) => T {
  const byDatabase = oncePerProcess(name, () => new Map<string, T>());
  return (db) => {
    const key = databaseIdentity(db.profile);
    let v = byDatabase.get(key);
    if (v === undefined) byDatabase.set(key, (v = make()));
    return v;
  };
}

export const ownRunsOf = perDatabase('ownRuns', () => new OwnRuns());

/**
 * The cost lens's index-change baseline of this database (core/cost CostBaselines), one per process like the own-runs
 * ledger: kept across reconnects (pg_stat_statements keeps counting across them) and, by the editor, across a Reload
 * Window (vscode/databaseStore, person51 M-2), valid in the same period as the ledger (readOwnRunsEpoch).
 */
export const costBaselinesOf = perDatabase('costBaselines', () => new CostBaselines());
