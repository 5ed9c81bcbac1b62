/**
 * Pure arithmetic of the live dashboard: rates from two counter samples, statement deltas since
 * the panel opened, the top-N sets, and blocking chains from pg_blocking_pids.
 */
import type { SessionFact } from '../health/types';
import { countsBetween, type TransactionCounts } from './ownTransactions';

interface DatabaseCounters {
  xactCommit: number;
  xactRollback: number;
  blksRead: number;
  blksHit: number;
  tupReturned: number;
  tupFetched: number;
  tupInserted: number;
  tupUpdated: number;
  tupDeleted: number;
  tempFiles: number;
  tempBytes: number;
  deadlocks: number;
  /**
   * Rows read from this database's system catalogs (tupReturned + tupFetched of the relations initdb made; db/stats
   * CATALOG_ROWS), within tupReturned + tupFetched: left out of Rows/s. Unknown (an older sample): nothing left out.
   */
  catalogRows?: number;
}

export interface CounterSample {
  /** Server clock, ms since epoch (rates use the server's clock, not ours). */
  atMs: number;
  db: DatabaseCounters;
  walBytes: number | null;
  checkpoints: { timed: number; requested: number } | null;
  /** PG Lens's own transactions on this database so far, counted by its sessions (core/dashboard/ownTransactions). */
  own?: TransactionCounts;
  /**
   * PG Lens's own transactions it counted that the server's counters did not show yet (computeRates' `ownUnseen`, kept
   * on the sample by the reader): subtracted from the next interval's. `sinceMs`: the oldest of them.
   */
  ownUnseen?: TransactionCounts & { sinceMs: number };
}

/**
 * How long PG Lens's own transactions may wait to show in pg_stat_database: a backend flushes its counters at most once
 * a second, and an idle one within PGSTAT_IDLE_INTERVAL (10 s) of its last transaction (PostgreSQL 15+). Older ones
 * that never showed are dropped, so a miscount never eats the app's transactions for long.
 */
const OWN_FLUSH_LAG_MS = 12_000;

export interface Rates {
  seconds: number;
  /** Transactions per second without PG Lens's own (ownTps). */
  tps: number;
  /** Rollbacks per second without PG Lens's own. */
  rollbacksPerSec: number;
  /** PG Lens's own transactions per second left out of tps (null when they were not counted). */
  ownTps: number | null;
  /** Rows read per second, the system catalogs' left out (catalogRowsPerSec). */
  rowsReadPerSec: number;
  /**
   * Rows read per second from the system catalogs, left out of rowsReadPerSec: PG Lens's own reads (its refreshes, health
   * checks, catalog facts) are nearly all such, and so are any other session's catalog reads (an ORM's or psql's look at
   * the schema). Null when not read.
   */
  catalogRowsPerSec: number | null;
  rowsWrittenPerSec: number;
  blocksReadPerSec: number;
  tempBytesPerSec: number;
  walBytesPerSec: number | null;
  deadlocks: number;
  checkpoints: number | null;
  /** Buffer cache hit ratio over the interval (null when nothing was read). */
  cacheHitRatio: number | null;
  /** PG Lens's own transactions not yet in the server's counters: the reader keeps them on this sample (CounterSample). */
  ownUnseen?: TransactionCounts & { sinceMs: number };
}

/** Per-second rates between two samples; null when the interval is empty or counters were reset (went down). */
export function computeRates(prev: CounterSample | undefined, cur: CounterSample): Rates | null {
  if (!prev) return null;
  const seconds = (cur.atMs - prev.atMs) / 1000;
  if (!(seconds > 0)) return null;
  const d = (k: keyof DatabaseCounters) => (cur.db[k] ?? 0) - (prev.db[k] ?? 0);
  const keys = Object.keys(cur.db) as (keyof DatabaseCounters)[];
  if (keys.some((k) => d(k) < 0)) return null; // pg_stat_reset() in between
  // Rows read: the catalogs' left out (person51 L-8: "Rows/s 100.5 k read · PG Lens's own reads included" on an idle demo,
  // spiking to ~200 k/s, nearly all PG Lens's own catalog reads), said beside as Transactions/s says its own.
  const read = d('tupReturned') + d('tupFetched');
  const catalog = cur.db.catalogRows !== undefined && prev.db.catalogRows !== undefined ? Math.min(read, Math.max(0, d('catalogRows'))) : undefined;
  const hits = d('blksHit');
  const reads = d('blksRead');
  // PG Lens's own transactions between the samples (its dashboard refreshes, plans, catalog reads, health checks) are
  // not the server's load: left out. The server flushes its counters later than PG Lens counts them (up to ~10 s for
  // an idle session): what it has not shown yet is carried to the next interval, never shown as the app's (person24
  // LOW 11: "rollbacks 1.0/s · PG Lens's own 0.5/s left out" on a server where nothing else rolls back — each
  // interval's shortfall was clamped at 0, and the late ones then counted as the app's).
  const counted = cur.own && prev.own ? countsBetween(prev.own, cur.own) : undefined;
  const carried = prev.ownUnseen && cur.atMs - prev.ownUnseen.sinceMs <= OWN_FLUSH_LAG_MS ? prev.ownUnseen : undefined;
  const own = counted && { commits: counted.commits + (carried?.commits ?? 0), rollbacks: counted.rollbacks + (carried?.rollbacks ?? 0) };
  const rollbacks = Math.max(0, d('xactRollback') - (own?.rollbacks ?? 0));
  const xacts = Math.max(rollbacks, d('xactCommit') + d('xactRollback') - (own ? own.commits + own.rollbacks : 0));
  const unseen = own && { commits: Math.max(0, own.commits - d('xactCommit')), rollbacks: Math.max(0, own.rollbacks - d('xactRollback')) };
  return {
    seconds,
    tps: xacts / seconds,
    rollbacksPerSec: rollbacks / seconds,
    ownTps: own ? (own.commits + own.rollbacks) / seconds : null,
    rowsReadPerSec: (read - (catalog ?? 0)) / seconds,
    catalogRowsPerSec: catalog === undefined ? null : catalog / seconds,
    rowsWrittenPerSec: (d('tupInserted') + d('tupUpdated') + d('tupDeleted')) / seconds,
    blocksReadPerSec: reads / seconds,
    tempBytesPerSec: d('tempBytes') / seconds,
    walBytesPerSec: cur.walBytes !== null && prev.walBytes !== null && cur.walBytes >= prev.walBytes ? (cur.walBytes - prev.walBytes) / seconds : null,
    deadlocks: d('deadlocks'),
    checkpoints: cur.checkpoints && prev.checkpoints ? cur.checkpoints.timed + cur.checkpoints.requested - prev.checkpoints.timed - prev.checkpoints.requested : null,
    cacheHitRatio: hits + reads > 0 ? hits / (hits + reads) : null,
    // Its age: this interval's when this interval's own counts cover it, else the carried ones' (dropped in time).
    ...(unseen && (unseen.commits || unseen.rollbacks) ? { ownUnseen: { ...unseen, sinceMs: carried && (unseen.commits > counted!.commits || unseen.rollbacks > counted!.rollbacks) ? carried.sinceMs : prev.atMs } } : {}),
  };
}

export function hitRatio(hit: number, read: number): number | null {
  return hit + read > 0 ? hit / (hit + read) : null;
}

export interface StatementCounters {
  /** pg_stat_statements queryid, as text (it is a 64-bit integer). */
  id: string;
  calls: number;
  totalMs: number;
  rows: number;
  sharedHit: number;
  sharedRead: number;
}

interface StatementFigures {
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
  hitRatio: number | null;
  /**
   * PG Lens's own Benchmark runs whose time is still in these figures' total and mean: their time on the server could not
   * be measured (no query identifier in EXPLAIN, as on PostgreSQL 13; the application ran the statement meanwhile). Their
   * calls and rows are taken out (core/cost appFigures); the mean is of the calls and those runs together.
   */
  ownIncluded?: number;
  /** Up to this many of the calls may be PG Lens's own runs: the entry was made anew since they ran (core/cost appFigures). */
  ownInCalls?: number;
}

/**
 * What a time figure (a mean, a total, a share of DB time) holds besides the application's: " (incl. 100 PG Lens runs)"
 * when PG Lens's runs' time could not be taken out (`ownIncluded`), else nothing; `both` for a note on two figures at once.
 * Said on the figure itself (person50 L-A: "(100 PG Lens's)" on the calls, beside a mean that was the benchmark's).
 */
export function ownTimeNote(f: { ownIncluded?: number }, both = false, num: (n: number) => string = (n) => n.toLocaleString('en-US')): string {
  const n = f.ownIncluded;
  return n ? ` (${both ? 'both ' : ''}incl. ${num(n)} PG Lens run${n === 1 ? '' : 's'})` : '';
}

/**
 * Top statements' calls cell, `num` formatting each count: the application's calls ("20"), or, when the entry was made
 * anew since PG Lens's runs, the calls with up to how many of them are PG Lens's ("25 (up to 20 PG Lens's)").
 */
export function statementCallsText(f: Pick<StatementFigures, 'calls' | 'ownInCalls'>, num: (n: number) => string): string {
  return `${num(f.calls)}${f.ownInCalls ? ` (up to ${num(f.ownInCalls)} PG Lens's)` : ''}`;
}

/** Top statements' total and mean cells, `ms` formatting a time: "12 ms (incl. 100 PG Lens runs)" when the time holds PG Lens's runs. */
export function statementTimeText(f: Pick<StatementFigures, 'totalMs' | 'meanMs' | 'ownIncluded'>, key: 'totalMs' | 'meanMs', ms: (n: number) => string, num?: (n: number) => string): string {
  return `${ms(f[key])}${ownTimeNote(f, false, num)}`;
}

/** A statement's figures in one line (its details): "12 ms total · 0.10 ms mean (both incl. 100 PG Lens runs) · 20 calls · 20 rows". */
export function statementFiguresText(f: Pick<StatementFigures, 'calls' | 'totalMs' | 'meanMs' | 'rows' | 'ownIncluded' | 'ownInCalls'>, ms: (n: number) => string, num: (n: number) => string): string {
  return `${ms(f.totalMs)} total · ${ms(f.meanMs)} mean${ownTimeNote(f, true, num)} · ${statementCallsText(f, num)} calls · ${num(f.rows)} rows`;
}

export interface StatementRow {
  id: string;
  query: string | null;
  total: StatementFigures;
  /** Since the panel opened (the baseline); equal to total for statements first seen after it. */
  delta: StatementFigures;
}

/**
 * Where Top statements' deltas count from: the panel's opening, a reset of pg_stat_statements (the dashboard's Reset, or
 * anyone's the server reports), or the panel's "Restart deltas".
 */
export type StatementsWindow = 'opened' | 'reset' | 'restarted';

/**
 * Top statements' words for its window, in the mode shown: the mode button, the calls column, the line when no
 * statement ran, the statement details' period. person47 L8: after Reset the list said "No statements ran since the panel
 * opened" — the panel had been open long before.
 */
export function statementsWindowWords(window: StatementsWindow | undefined, mode: StatementsMode): { button: string; column: string; empty: string; period: string } {
  if (mode === 'total') return { button: 'Showing: totals', column: 'Calls since reset', empty: 'No statements since pg_stat_statements was reset.', period: 'since pg_stat_statements was reset' };
  const since = window === 'reset' ? 'since the statistics were reset' : window === 'restarted' ? 'since the deltas were restarted' : 'since the panel opened';
  const short = window === 'reset' ? 'since reset' : window === 'restarted' ? 'since restart' : 'since opened';
  return { button: `Showing: ${since}`, column: `Calls ${short}`, empty: `No statements ran ${since}.`, period: since };
}

/** Top statements' modes: the figures since the window's start ('delta'), or pg_stat_statements' totals since its reset. */
export type StatementsMode = 'delta' | 'total';

/**
 * The mode Top statements shows: the one the person chose with the mode button; else the totals — what the database
 * has — until a statement has run in the panel's own window, then that window (person49 L-10: a panel just opened said
 * "No statements ran since the panel opened" while 51 statements in the database sat behind the mode button).
 * `turned`: the panel already turned to its window (it stays there: no list jumping back to the totals when the window
 * empties — an entry evicted, Restart deltas). `automatic`: no mode chosen (the list says why it shows the totals:
 * statementsAutoNote).
 */
export function statementsMode(chosen: StatementsMode | undefined, rows: readonly Pick<StatementRow, 'delta'>[], turned = false): { mode: StatementsMode; automatic: boolean } {
  if (chosen) return { mode: chosen, automatic: false };
  return { mode: turned || rows.some((r) => r.delta.calls > 0) ? 'delta' : 'total', automatic: true };
}

/** The line over Top statements showing the totals on its own (statementsMode): which mode, why, and until when. */
export function statementsAutoNote(window: StatementsWindow | undefined): string {
  const since = statementsWindowWords(window, 'delta').period;
  return `Showing the totals since pg_stat_statements was reset: no statement has run ${since} yet. The list turns to what ran ${since} when one does.`;
}

const STATEMENT_SORT_KEYS = ['totalMs', 'meanMs', 'calls', 'rows'] as const;
export type StatementSortKey = (typeof STATEMENT_SORT_KEYS)[number];

function figures(c: Omit<StatementCounters, 'id'>): StatementFigures {
  return { calls: c.calls, totalMs: c.totalMs, meanMs: c.calls > 0 ? c.totalMs / c.calls : 0, rows: c.rows, hitRatio: hitRatio(c.sharedHit, c.sharedRead) };
}

/**
 * Totals and deltas against the baseline, and the ids worth showing: the union of the top n by each
 * sort key, for totals and for deltas. Statements in `exclude` (our own) never appear.
 * An entry whose calls went down was evicted and re-added: its delta counts from zero.
 * The figures are built for the rows shown only: a panel's first refresh weighs thousands of entries (6,000 in the
 * dashboard bench) to list a few dozen, and two figures objects per entry were most of this function's time.
 */
export function statementView(
  baseline: ReadonlyMap<string, StatementCounters>,
  current: readonly StatementCounters[],
  n: number,
  exclude: ReadonlySet<string>,
): { rows: Omit<StatementRow, 'query'>[]; count: number } {
  // The entries counted, and the baseline each one's delta counts from (undefined: from zero).
  const kept: StatementCounters[] = [];
  const from: (StatementCounters | undefined)[] = [];
  for (const c of current) {
    if (exclude.has(c.id)) continue;
    const b = baseline.get(c.id);
    kept.push(c);
    from.push(!b || b.calls > c.calls ? undefined : b);
  }
  const all = kept.map((_, i) => i);
  // Each key's score as figures() computes it, for the totals and for the deltas.
  const total = (key: StatementSortKey) => (i: number) => figureOf(key, kept[i].calls, kept[i].totalMs, kept[i].rows);
  const delta = (key: StatementSortKey) => (i: number) => {
    const c = kept[i];
    const b = from[i];
    return b ? figureOf(key, c.calls - b.calls, c.totalMs - b.totalMs, c.rows - b.rows) : figureOf(key, c.calls, c.totalMs, c.rows);
  };
  const deltaCalls = delta('calls');
  const chosen = new Set<string>();
  for (const key of STATEMENT_SORT_KEYS) {
    for (const which of ['total', 'delta'] as const) {
      const candidates = which === 'delta' ? all.filter((i) => deltaCalls(i) > 0) : all;
      for (const i of topBy(candidates, which === 'delta' ? delta(key) : total(key), n)) chosen.add(kept[i].id);
    }
  }
  const rows: Omit<StatementRow, 'query'>[] = [];
  kept.forEach((c, i) => {
    if (!chosen.has(c.id)) return;
    const b = from[i];
    const d = b ? { calls: c.calls - b.calls, totalMs: c.totalMs - b.totalMs, rows: c.rows - b.rows, sharedHit: c.sharedHit - b.sharedHit, sharedRead: c.sharedRead - b.sharedRead } : c;
    rows.push({ id: c.id, total: figures(c), delta: figures(d) });
  });
  return { rows, count: kept.length };
}

/** One sort key's figure, as figures() computes it. */
function figureOf(key: StatementSortKey, calls: number, totalMs: number, rows: number): number {
  switch (key) {
    case 'totalMs':
      return totalMs;
    case 'meanMs':
      return calls > 0 ? totalMs / calls : 0;
    case 'calls':
      return calls;
    case 'rows':
      return rows;
  }
}

/** The n largest by score, without sorting the whole list (5,000+ entries every refresh). */
export function topBy<T>(items: readonly T[], score: (t: T) => number, n: number): T[] {
  if (n <= 0) return [];
  const heap: { s: number; t: T }[] = [];
  for (const t of items) {
    const s = score(t);
    if (heap.length < n) {
      heap.push({ s, t });
      if (heap.length === n) heap.sort((a, b) => a.s - b.s);
    } else if (s > heap[0].s) {
      heap[0] = { s, t };
      // Restore ascending order by sinking the new first element (n is small).
      for (let i = 0; i + 1 < heap.length && heap[i].s > heap[i + 1].s; i++) [heap[i], heap[i + 1]] = [heap[i + 1], heap[i]];
    }
  }
  return heap.sort((a, b) => b.s - a.s).map((x) => x.t);
}

export interface BlockingChain {
  blocker: number;
  /** Every session waiting directly or indirectly on the blocker, with its depth in the chain. */
  waiters: { pid: number; depth: number; blockedBy: number[]; waitingSeconds: number | null }[];
  /** The longest wait in the chain. */
  seconds: number;
}

/** Blocking chains: roots are sessions that block others and are not themselves blocked. */
export function blockingChains(sessions: readonly Pick<SessionFact, 'pid' | 'blockedBy' | 'stateSeconds'>[]): BlockingChain[] {
  const waitersOf = new Map<number, number[]>();
  const byPid = new Map(sessions.map((s) => [s.pid, s]));
  for (const s of sessions) for (const b of s.blockedBy) waitersOf.set(b, [...(waitersOf.get(b) ?? []), s.pid]);
  const roots = [...waitersOf.keys()].filter((p) => !(byPid.get(p)?.blockedBy.length));
  // A deadlock-in-progress cycle has no root: take its smallest pid so it still shows.
  const inCycle = [...waitersOf.keys()].filter((p) => byPid.get(p)?.blockedBy.length);
  if (!roots.length && inCycle.length) roots.push(Math.min(...inCycle));
  const chains: BlockingChain[] = [];
  for (const root of roots) {
    const seen = new Set<number>([root]);
    const waiters: BlockingChain['waiters'] = [];
    let frontier = [root];
    for (let depth = 1; frontier.length; depth++) {
      const next: number[] = [];
      for (const p of frontier)
        for (const w of waitersOf.get(p) ?? []) {
          if (seen.has(w)) continue;
          seen.add(w);
          const s = byPid.get(w);
          waiters.push({ pid: w, depth, blockedBy: s?.blockedBy ?? [], waitingSeconds: s?.stateSeconds ?? null });
          next.push(w);
        }
      frontier = next;
    }
    chains.push({ blocker: root, waiters, seconds: Math.max(0, ...waiters.map((w) => w.waitingSeconds ?? 0)) });
  }
  return chains.sort((a, b) => b.seconds - a.seconds);
}
