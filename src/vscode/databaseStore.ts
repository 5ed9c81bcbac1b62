/**
 * What PG Lens keeps per database across restarts of the editor (a Reload Window), in global state keyed by the
 * database's identity (host:port/database): loaded when a connection opens (before anything runs on it), saved a few
 * seconds after something is noted and when the connection closes, merged with another window's record of the same
 * database. One helper (keepPerDatabase) for each record:
 * - the plans' index use, so the health checks' DROP guard does not forget a plan it saw yesterday. Bounded (the newest
 *   INDEX_USE_KEEP statements whose plan uses an index) and expiring (a statement not planned again for
 *   INDEX_USE_MAX_AGE_MS protects nothing); another window's record merged, the newer plan of a statement winning.
 * - PG Lens's own Benchmark runs (db/ownRuns), so after a reload they are not counted as the application's again
 *   (person50 issue 20). Valid only while the server's start and pg_stat_statements' last reset are the ones they were
 *   counted in (PostgreSQL 14+; before 14 a reset leaves no trace and the ledger is kept for the session only); bounded
 *   (core/cost OWN_RUNS_KEEP).
 * - the cost lens's index-change baseline (core/cost CostBaselines: the figures before the last CREATE/DROP INDEX), so
 *   after a reload the lens still counts "since index drop" (person51 M-2). Valid in the same period as the own runs
 *   (readOwnRunsEpoch), and only if the first reading shows the index set it was left with; bounded (KEPT_BASELINE_*).
 * - PG Lens's own work on the tables (db/database noteOwnWork: its Explain Analyze runs' rolled-back rows, its scans), so
 *   after a reload the tables' counters still leave them out (person53 L-8). Valid while the server's start and the
 *   database's statistics reset (readOwnWorkEpoch) are the ones they were counted in; one entry per window, shared.
 */
import type * as vscode from 'vscode';
import type { PgLensContext } from './main';
import type { ActiveConnection } from './connections';
import { IndexUseLedger, parseIndexUseEntries } from '../core/plan/indexUse';
import { databaseIdentity } from '../core/connection/profile';
import { errorMessage } from '../core/safeText';

const SAVE_AFTER_MS = 5000;

/** One record kept per database: what it is called in the log, how it is loaded, what is saved, when it changed. */
interface PerDatabaseRecord {
  /** The global state key's prefix ("pgLens.indexUse"): the key is it and the database's identity. */
  key: string;
  /** What is kept, said in a warning when it cannot be saved ("the plans' index use"). */
  what: string;
  /** Take the stored value into the connection's own record; may read the server first. */
  load(conn: ActiveConnection, stored: unknown): void | Promise<void>;
  /** The value to store: the stored one (another window's) merged with the connection's; undefined to remove it. */
  toKeep(conn: ActiveConnection, stored: unknown): unknown;
  /** Called when the connection's record changed (a save follows, debounced). */
  onDidChange(conn: ActiveConnection, listener: () => void): { dispose(): void };
}

/** The record's last load and save, to wait for (a test's Reload Window). */
export interface KeptPerDatabase {
  loaded(): Promise<void>;
  saved(): Promise<void>;
}

function keepPerDatabase(ctx: PgLensContext, record: PerDatabaseRecord): KeptPerDatabase {
  const state = ctx.extension.globalState;
  const keyOf = (c: Pick<ActiveConnection, 'profile'>) => `${record.key}:${databaseIdentity(c.profile)}`;
  let conn: ActiveConnection | undefined;
  let loading: Promise<void> = Promise.resolve();
  let noted: { dispose(): void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let saving: Promise<void> = Promise.resolve();
  /** The current connection's stored record taken in: a save then writes at once (a dispose's save is not left to a later tick). */
  let settled = true;

  const write = (c: ActiveConnection): PromiseLike<void> => {
    const key = keyOf(c);
    const v = record.toKeep(c, state.get(key));
    return v instanceof Promise ? v.then((x) => state.update(key, x)) : state.update(key, v);
  };

  const save = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const c = conn;
    if (!c) return;
    // Never before the stored record was taken in: a save then would overwrite it with less.
    const written = settled ? new Promise<void>((resolve) => resolve(write(c))) : loading.then(() => write(c));
    saving = Promise.resolve(written).then(
      () => undefined,
      (e: unknown) => ctx.log.warn(`could not keep ${record.what}: ${errorMessage(e)}`),
    );
  };

  const changed = (a: ActiveConnection | undefined): void => {
    if (a === conn) return;
    save();
    noted?.dispose();
    noted = undefined;
    conn = a;
    if (!a) return;
    settled = false;
    loading = new Promise<void>((resolve) => resolve(record.load(a, state.get(keyOf(a)))))
      .catch((e: unknown) => ctx.log.warn(`could not read ${record.what} kept earlier: ${errorMessage(e)}`))
      .then(() => {
        if (conn === a) settled = true;
      });
    noted = record.onDidChange(a, () => {
      timer ??= setTimeout(save, SAVE_AFTER_MS);
    });
  };

  const disposable: vscode.Disposable = {
    dispose: () => {
      save();
      noted?.dispose();
    },
  };
  ctx.extension.subscriptions.push(ctx.connections.onDidChange(changed), disposable);
  // A connection opened before this was registered.
  changed(ctx.connections.current);
  return { loaded: () => loading, saved: () => saving };
}

export function registerIndexUseStore(ctx: PgLensContext): void {
  keepPerDatabase(ctx, {
    key: 'pgLens.indexUse',
    what: "the plans' index use",
    load: (a, stored) => {
      const kept = parseIndexUseEntries(stored);
      a.db.indexUse.restore(kept);
      if (kept.length) ctx.log.info(`Plans' index use on ${a.profile.name}: ${a.db.indexUse.size} statements kept from earlier sessions (no DROP is offered for the indexes they use).`);
    },
    toKeep: (c, stored) => {
      const merged = new IndexUseLedger();
      merged.restore(parseIndexUseEntries(stored));
      merged.restore(c.db.indexUse.entriesToKeep());
      return merged.entriesToKeep();
    },
    onDidChange: (c, listener) => c.db.indexUse.onDidNote(listener),
  });
}

/** db/ownRuns and core/cost, loaded when a connection opens, not at activation (core/cost brings the SQL parsers). */
type OwnRunsModules = [typeof import('../db/ownRuns'), typeof import('../core/cost')];
const loadOwnRunsModules = async (): Promise<OwnRunsModules> => Promise.all([import('../db/ownRuns'), import('../core/cost')]);

/** A subscription made once the modules have loaded; disposed before that, it is never made. */
function onceLoaded(modules: () => Promise<OwnRunsModules>, subscribe: (m: OwnRunsModules) => { dispose(): void }): { dispose(): void } {
  let sub: { dispose(): void } | undefined;
  let gone = false;
  void modules().then((m) => {
    if (!gone) sub = subscribe(m);
  });
  return { dispose: () => ((gone = true), sub?.dispose()) };
}

/** `modules`: how db/ownRuns and core/cost are loaded (a test under mocha hands them in: tsx does not load a dynamic import). */
export function registerOwnRunsStore(ctx: PgLensContext, modules: () => Promise<OwnRunsModules> = loadOwnRunsModules): KeptPerDatabase {
  const own = modules;
  return keepPerDatabase(ctx, {
    key: 'pgLens.ownRuns',
    what: "PG Lens's own Benchmark runs",
    load: async (a, stored) => {
      const [{ ownRunsOf, readOwnRunsEpoch }] = await own();
      const epoch = await readOwnRunsEpoch(a.db);
      if (!epoch) return;
      const n = ownRunsOf(a.db).restore(stored, epoch);
      if (n) ctx.log.info(`PG Lens's own Benchmark runs on ${a.profile.name}: ${n} batch${n === 1 ? '' : 'es'} kept from before the reload, still left out of the application's figures (pg_stat_statements not reset since).`);
    },
    toKeep: async (c, stored) => {
      const [{ ownRunsOf }, { OwnRuns }] = await own();
      const ledger = ownRunsOf(c.db);
      if (!ledger.epoch) return stored;
      const merged = new OwnRuns();
      merged.restore(stored, ledger.epoch);
      merged.restore(ledger.toKept(), ledger.epoch);
      return merged.toKept();
    },
    onDidChange: (c, listener) => onceLoaded(own, ([{ ownRunsOf }]) => ownRunsOf(c.db).onDidRecord(listener)),
  });
}

/** The cost lens's index-change baseline kept across a Reload Window (person51 M-2); `modules` as registerOwnRunsStore's. */
export function registerCostBaselinesStore(ctx: PgLensContext, modules: () => Promise<OwnRunsModules> = loadOwnRunsModules): KeptPerDatabase {
  const own = modules;
  return keepPerDatabase(ctx, {
    key: 'pgLens.costBaseline',
    what: "the cost lens's index-change figures",
    load: async (a, stored) => {
      const [{ costBaselinesOf, readOwnRunsEpoch }] = await own();
      const epoch = await readOwnRunsEpoch(a.db);
      if (epoch && costBaselinesOf(a.db).restore(stored, epoch)) ctx.log.info(`Cost lens on ${a.profile.name}: the figures before the last index change were kept from before the reload (used if the indexes are still as they were).`);
    },
    toKeep: async (c, stored) => {
      const [{ costBaselinesOf }] = await own();
      const b = costBaselinesOf(c.db);
      // Nothing of this window's (no change seen, or a reset ended it): another window's, if any, stays; its period is checked when loaded.
      return b.current() ? b.toKept() : (b.toKept() ?? stored);
    },
    onDidChange: (c, listener) => onceLoaded(own, ([{ costBaselinesOf }]) => costBaselinesOf(c.db).onDidChange(listener)),
  });
}

/** Windows (processes) whose own work is kept per database, the newest first kept. */
const OWN_WORK_PROCESSES_KEPT = 20;

interface KeptOwnWork {
  epoch: { startedMs: number; statsResetMs?: number };
  /** Per process (db/database ownWorkId): its own work per table, as ownWorkToKeep gives it. */
  byProcess: Record<string, ReturnType<typeof import('../db/database').ownWorkToKeep>>;
}

function keptOwnWork(stored: unknown): KeptOwnWork | undefined {
  const v = stored as Partial<KeptOwnWork> | undefined;
  if (!v || typeof v !== 'object' || !v.epoch || typeof v.epoch.startedMs !== 'number' || !v.byProcess || typeof v.byProcess !== 'object') return undefined;
  const byProcess: KeptOwnWork['byProcess'] = {};
  for (const [id, rows] of Object.entries(v.byProcess)) {
    if (!Array.isArray(rows)) continue;
    byProcess[id] = rows.filter((r) => r && typeof r.schema === 'string' && typeof r.table === 'string' && ['inserts', 'updates', 'deletes', 'hotUpdates', 'seqScans', 'idxScans'].every((k) => Number.isFinite((r as unknown as Record<string, unknown>)[k])));
  }
  return { epoch: { startedMs: v.epoch.startedMs, ...(typeof v.epoch.statsResetMs === 'number' ? { statsResetMs: v.epoch.statsResetMs } : {}) }, byProcess };
}

const sameEpoch = (a: KeptOwnWork['epoch'], b: KeptOwnWork['epoch']) => a.startedMs === b.startedMs && a.statsResetMs === b.statsResetMs;

/**
 * PG Lens's own work on the tables (rows its Explain Analyze runs wrote and rolled back, its scans: db/database
 * noteOwnWork) kept across a Reload Window and shared between windows (person53 L-8: an INSERT explained before a reload
 * was "written once" by the application after it). Valid while the server's start and the database's statistics reset
 * (readOwnWorkEpoch) are the ones it was counted in; each window keeps its own entry, the newest
 * OWN_WORK_PROCESSES_KEPT. `modules` as registerOwnRunsStore's.
 */
export function registerOwnWorkStore(ctx: PgLensContext, modules: () => Promise<OwnRunsModules> = loadOwnRunsModules): KeptPerDatabase {
  const own = modules;
  const epochs = new Map<string, KeptOwnWork['epoch']>();
  return keepPerDatabase(ctx, {
    key: 'pgLens.ownTableWork',
    what: "PG Lens's own work on the tables (its rolled-back Explain Analyze rows)",
    load: async (a, stored) => {
      const [{ readOwnWorkEpoch, restoreOwnWork, ownWorkId }] = await own();
      const epoch = await readOwnWorkEpoch(a.db);
      if (!epoch) return;
      epochs.set(databaseIdentity(a.profile), epoch);
      const kept = keptOwnWork(stored);
      if (!kept || !sameEpoch(kept.epoch, epoch)) return;
      const rows = Object.entries(kept.byProcess).filter(([id]) => id !== ownWorkId()).flatMap(([, r]) => r);
      restoreOwnWork(a.profile, rows);
      if (rows.length) ctx.log.info(`PG Lens's own work on ${a.profile.name}'s tables: kept from before the reload (or another window), still left out of the tables' write and scan counts (statistics not reset since).`);
    },
    toKeep: async (c, stored) => {
      const [{ ownWorkToKeep, ownWorkId }] = await own();
      const epoch = epochs.get(databaseIdentity(c.profile));
      if (!epoch) return stored;
      const kept = keptOwnWork(stored);
      const others = kept && sameEpoch(kept.epoch, epoch) ? Object.entries(kept.byProcess).filter(([id]) => id !== ownWorkId()) : [];
      const mine = ownWorkToKeep(c.profile);
      const byProcess = Object.fromEntries([...(mine.length ? [[ownWorkId(), mine] as const] : []), ...others].slice(0, OWN_WORK_PROCESSES_KEPT));
      return Object.keys(byProcess).length ? { epoch, byProcess } : undefined;
    },
    onDidChange: (_c, listener) => onceLoaded(own, ([{ onDidNoteOwnWork }]) => onDidNoteOwnWork(listener)),
  });
}
