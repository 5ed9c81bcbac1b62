/**
 * The one index decision (pure). Every surface that proposes an index — the missing-index
 * diagnostic and hover, Suggest Indexes, `pg-lens scan --db` and `pg-lens advise`, the workload
 * advice — goes through decideIndexes, so one statement gets one recommendation everywhere.
 *
 * Input: each statement's own proved suggestions (the advisor, greedy per statement) and the
 * planner's word on other statements' indexes tried on it (cross proofs, made by db/indexDecision
 * for indexes on the same table that lead with the same column). Per table, a greedy cover:
 * the index that serves the most statements well (the planner uses it there, it cuts the cost by
 * the minimum reduction, and it keeps at least 90% of the saving the statement's own index gives, or its keys
 * extend the statement's own index: the narrower one beside it would be redundant)
 * is chosen first, until every statement's need is met (ties: see `better`). So overlapping suggestions become one
 * index, and a statement whose need a shared index meets is told so instead of getting a rival.
 * Statement timings (pg_stat_statements) weigh the saving; an index whose saving does not beat
 * the write maintenance it adds is withheld on every surface.
 */
import { countOf, formatMs, listAndMore, shortLine, spaced } from '../format';
import { codeContextOf, type CodeContext } from '../codeContext';
import { dialectOfPath, otherDatabaseFunction } from '../dialect';
import { inspectSql, pgParserLoaded } from '../sql/statement';
import { tableOperations } from '../sql/tableOperations';
import { parseSql } from '../sql/parse';
import { oneOffWrite } from '../plan/warnings';
import { ownTimeNote } from '../dashboard/live';
import { madeRedundantPhrase } from './indexCandidates';

export interface SuggestionLike {
  ddl: string;
  table: string;
  schema: string;
  columns: string[];
  method: string;
  where: string | null;
  include: string[];
  costBefore: number;
  costAfter: number | null;
  reason: string;
  /** Size of the proved index, when known (smaller wins a tie). */
  indexSizeBytes?: number | null;
  /** The table's indexes it makes redundant (core madeRedundantBy), when the advice found any. */
  makesRedundant?: readonly string[];
}

export interface WorkloadStatementAdvice<S extends SuggestionLike = SuggestionLike> {
  /** Identity of the statement (its SQL text). */
  key: string;
  label: string;
  calls?: number;
  totalMs?: number;
  /**
   * PG Lens's own Benchmark runs whose time is in `totalMs` (not measured apart: core/cost appFigures); their calls are
   * out of `calls`. The saving an index gives counts the application's calls only (workloadTimeMs).
   */
  ownIncluded?: number;
  /** Its own proved suggestions, one per table (the advisor's answer for it alone). */
  suggestions: S[];
}

/** Another statement's index proved on this statement: the suggestion as it is for this statement (its costs). */
export interface CrossProof<S extends SuggestionLike = SuggestionLike> {
  statement: string;
  suggestion: S;
}

export interface TableWriteStats {
  schema: string;
  name: string;
  inserts: number;
  updates: number;
  deletes: number;
  hotUpdates: number;
  reads: number;
  /**
   * The table counters and the statement timings cover different periods (each since its own reset): the
   * timings' period over the counters' (e.g. 0.1 when the counters run ten times longer, a bulk load
   * included). Writes are scaled by it to the period the savings are measured over. Unknown: 1.
   */
  periodRatio?: { ratio: number; countersSeconds: number; timingsSeconds: number };
  /**
   * Rows written by loads (core/advice/workload bulkLoad: a statement run once, or a few times each writing a large share
   * of the table — a bulk INSERT in psql, a batched backfill, a COPY), inside the counters' rows: not a write rate — left
   * out of it (oneOffWriteRows). `calls`: the runs of those statements.
   */
  oneOff?: { rows: number; statements: number; calls?: number };
}

/** A write statement of pg_stat_statements: its text, calls and rows. */
export interface WriteEntry {
  query: string;
  calls: number;
  rows: number;
}

/** Runs up to which a write statement each writing a large share of its table (LOAD_TABLE_SHARE) is a load, not a write rate. */
export const LOAD_MAX_CALLS = 10;
/** The share of its table's rows (n_live_tup, the load's own rows included) a write statement writes per run to be a load. */
const LOAD_TABLE_SHARE = 0.05;
/** Rows per run below which a write is never a load (a few rows into a tiny table are not one). */
const LOAD_MIN_ROWS = 1000;
/** The load rule in words, as the withheld note and docs/rules/missing-index.md say it. */
const LOAD_WORDS = `a load is no write rate: a statement run once, or up to ${LOAD_MAX_CALLS} times each writing ${LOAD_MIN_ROWS.toLocaleString('en-US')}+ rows and ${LOAD_TABLE_SHARE * 100}%+ of the table`;

/**
 * Whether a write statement of pg_stat_statements is a load rather than the table's steady write rate, from what the
 * statistics show: one run (core/plan oneOffWrite), or at most LOAD_MAX_CALLS runs each writing at least LOAD_MIN_ROWS
 * rows and LOAD_TABLE_SHARE of the table's rows now (`tableRows`; unknown: only one run is a load). A load is a load
 * however it is batched (issue 20, person48 H1': the same INSERT … SELECT of 10,000 orders run twice, calls 2, rows
 * 20,000 in a table of 52k, counted as orders' write rate and withheld the refunds read's index); an application's steady
 * writes are many small runs (one row, or a page of rows, per request) and stay a write rate, as does a large batch run
 * more than LOAD_MAX_CALLS times. pg_stat_statements keeps no time of a statement's runs, so a burst and a nightly job of
 * the same runs and rows are told apart by neither: the rule is on runs and rows only (docs/rules/missing-index.md).
 */
export function bulkLoad(calls: number, rows: number, tableRows?: number): boolean {
  if (!(rows > 0)) return false;
  return oneOffWrite(calls) || batchLoad(calls, rows, tableRows);
}

/**
 * bulkLoad's batches: at most LOAD_MAX_CALLS runs each writing at least LOAD_MIN_ROWS rows and LOAD_TABLE_SHARE of the
 * table's rows now (`tableRows`; unknown: none is). Without bulkLoad's one run of any size: the least-privilege role
 * (core/health corroborateWrites) grants no write only such a load made — a psql backfill, an import — while the
 * application's one DELETE of a few rows keeps its privilege (issue 20, person49 L-7).
 */
export function batchLoad(calls: number, rows: number, tableRows?: number): boolean {
  if (!(rows > 0) || !(calls > 0) || calls > LOAD_MAX_CALLS || tableRows === undefined || !(tableRows > 0)) return false;
  const perCall = rows / calls;
  return perCall >= LOAD_MIN_ROWS && perCall >= LOAD_TABLE_SHARE * tableRows;
}

/** batchLoad in words (the least-privilege script's comment line, docs/health/superuser-application-role.md). */
export const BATCH_LOAD_WORDS = `up to ${LOAD_MAX_CALLS} runs, each writing ${LOAD_MIN_ROWS.toLocaleString('en-US')}+ rows and ${LOAD_TABLE_SHARE * 100}%+ of the table`;

/**
 * A table's rows for bulkLoad's share: its live rows (`n_live_tup`), but never more than its rows at the last ANALYZE,
 * VACUUM or CREATE INDEX (`pg_class.reltuples`, when it has counted any). A session's row counts reach the statistics up
 * to a second after its commit; when an ANALYZE ran in between (psql: INSERT, INSERT, ANALYZE), the counts flushed after
 * it are added to the live rows ANALYZE had already counted them in, and `n_live_tup` stays that much too high until the
 * next ANALYZE or VACUUM (PostgreSQL 15 and 18: 200,000 rows read as 300,000). Too many rows made a load's share look
 * small and counted the load as a write rate (the landing CI of 21b87a91: 2 × 10,000 orders in a table of 152k read as
 * 222k).
 */
export function loadTableRows(live: number, analyzed: number): number {
  return analyzed > 0 && analyzed < live ? analyzed : live;
}

/**
 * The rows each table took from loads (bulkLoad, on each write statement's calls and rows and its table's rows now from
 * `tableRows`, keyed `schema.name`), by `schema.name` (public when unqualified): a bulk load is not a steady write rate.
 * Issue 20, person47 H1: one psql INSERT of 10,000 orders counted as orders' write traffic, "orders is write-heavy … costs
 * about 20 ms against 14 ms saved", and the refunds read's proved index left the hover and Problems for as long as its few
 * reads saved less than that; person48 H1': the same INSERT run twice did too. A statement writing more than one table
 * (its rows cannot be split) or whose target cannot be read is not left out.
 */
export function oneOffWriteRows(entries: readonly WriteEntry[], tableRows?: ReadonlyMap<string, number>): Map<string, { rows: number; statements: number; calls: number }> {
  const out = new Map<string, { rows: number; statements: number; calls: number }>();
  for (const e of entries) {
    if (!(e.rows > 0) || e.calls > LOAD_MAX_CALLS) continue;
    const target = writeTarget(e.query);
    if (!target) continue;
    const key = `${target.schema}.${target.table}`;
    if (!bulkLoad(e.calls, e.rows, tableRows?.get(key))) continue;
    const had = out.get(key) ?? { rows: 0, statements: 0, calls: 0 };
    out.set(key, { rows: had.rows + e.rows, statements: had.statements + 1, calls: had.calls + e.calls });
  }
  return out;
}

/**
 * The one table a write statement writes (INSERT, UPDATE, DELETE, COPY … FROM), or undefined. A statement led by `WITH`
 * (a data-modifying CTE, `WITH src AS (…) INSERT INTO orders SELECT …`) is one when its top statement is the write:
 * pg_stat_statements' rows are the top statement's, so `WITH ins AS (INSERT …) SELECT count(*) FROM ins` (1 row) is not
 * read as the rows it wrote. COPY by its pattern (pgsql-ast-parser has no COPY).
 */
export function writeTarget(sql: string): { schema: string; table: string } | undefined {
  const name = '(?:"(?:[^"]|"")+"|[A-Za-z_][\\w$]*)';
  const copy = new RegExp(`^\\s*copy\\s+(${name})(?:\\s*\\.\\s*(${name}))?[\\s\\S]*?\\bfrom\\b`, 'i').exec(sql);
  const bare = (n: string) => (n.startsWith('"') ? n.slice(1, -1).replace(/""/g, '"') : n.toLowerCase());
  if (copy) return copy[2] ? { schema: bare(copy[1]), table: bare(copy[2]) } : { schema: 'public', table: bare(copy[1]) };
  const written = (tableOperations(sql) ?? []).filter((o) => o.op !== 'select');
  const tables = new Set(written.map((o) => `${o.schema || 'public'}\u0000${o.table}`));
  if (tables.size !== 1) return undefined;
  if (/^\s*with\b/i.test(sql) && !topStatementWrites(sql)) return undefined;
  const [schema, table] = [...tables][0].split('\u0000');
  return { schema, table };
}

/** Whether a `WITH …` statement's top statement (after its CTEs) is an INSERT, UPDATE or DELETE. */
function topStatementWrites(sql: string): boolean {
  const parsed = parseSql(sql);
  if (!parsed.ok || parsed.statements.length !== 1) return false;
  const top = parsed.statements[0] as { type: string; in?: { type: string } };
  return (top.type === 'with' || top.type === 'with recursive') && ['insert', 'update', 'delete'].includes(top.in?.type ?? '');
}

export interface WorkloadChoice {
  /** Statements this index serves, with the share of their estimated cost it removes. */
  statements: { key: string; label: string; share: string; savedMs?: number; calls?: number }[];
  /** Estimated time saved (ms, over the statistics period); undefined when no statement it serves has timings. */
  savedMs?: number;
  /** Relative benefit used to rank (saved time net of writes, or summed cost share for statements without timing). */
  score: number;
  /** Write maintenance estimate on written tables. */
  writeNote?: string;
  /** The same, short, for a one-line list (Suggest Indexes' pick): "orders is written often: keeping this index current costs about 39 ms against 120 ms saved". */
  writeCost?: string;
  /** False when its saving does not beat its write cost: no surface recommends it. */
  worthIt: boolean;
  explanation: string;
}

/** One statement under the decision. */
export interface StatementDecision<S extends SuggestionLike = SuggestionLike> {
  /** What to suggest for this statement: the chosen indexes, each as proved on this statement. */
  suggestions: S[];
  /** Per suggested DDL: the other statements the same index serves (labels). */
  alsoServes: Record<string, string[]>;
  /** Its own suggestions that gave way to a shared index, and those withheld for their write cost. */
  replaced: { ddl: string; by: string }[];
  /** Withheld: the index as proved on this statement (its figures) and why (the write note, with its figures). */
  withheld: { ddl: string; why: string; suggestion: S }[];
  /**
   * Per suggested DDL offered though keeping it current costs a share of its saving (WorkloadChoice.writeNote): the note
   * and its short form — said where the index is offered (Suggest Indexes' pick, the Create index dialog, `pg-lens advise`).
   */
  writes?: Record<string, { note: string; short: string }>;
  /**
   * Per suggested DDL that is another statement's index (shared): this statement's own suggestion it stands for, so the
   * line can say what its own index would give (person41: `orders (status, placed_at DESC) 1,221 → 640`, shared, where its
   * own `(status, customer_id)` gives 288 — a worse figure with nothing saying why).
   */
  ownInstead?: Record<string, S>;
  /**
   * Why this statement was weighed apart (its own advice only, never sharing an index nor counted as served by one): a
   * one-off DELETE or UPDATE — the automatic advice shows no index for it; asked for, the pick says this (person42 M4).
   */
  apart?: string;
}

export interface IndexDecision<S extends SuggestionLike = SuggestionLike> {
  /** Every chosen index, best first (the ones not worth their writes included, flagged). */
  indexes: (S & WorkloadChoice)[];
  byStatement: Map<string, StatementDecision<S>>;
}

export interface DecisionOptions {
  /** The share of a statement's cost a shared index must remove there (the advisor's minCostReduction). */
  minCostReduction?: number;
}

/** Cost of keeping one more index current, per written row (ms): an order of magnitude, stated in the docs. */
const INDEX_WRITE_MS_PER_ROW = 0.002;
/** A shared index serves a statement well when it keeps at least this share of the saving the statement's own index gives. */
const KEEP_SAVING = 0.9;

type Need<S extends SuggestionLike> = { st: WorkloadStatementAdvice<S>; own: S; met?: S };

/**
 * A statement's time the workload's saving counts: the application's — PG Lens's own runs whose time could not be
 * measured apart (`ownIncluded`) left out at the mean they share with its calls, as the cost lens gives that mean
 * (person52 M-2: 6,000 Benchmark runs in 21.2 s of 2,091 calls priced an index at "about 22,233 ms"). Undefined: no timings.
 */
function workloadTimeMs(st: Pick<WorkloadStatementAdvice, 'calls' | 'totalMs' | 'ownIncluded'>): number | undefined {
  if (st.totalMs === undefined || !st.ownIncluded || st.calls === undefined) return st.totalMs;
  return (st.totalMs * st.calls) / (st.calls + st.ownIncluded);
}

export function decideIndexes<S extends SuggestionLike>(statements: WorkloadStatementAdvice<S>[], cross: CrossProof<S>[], writes: TableWriteStats[], opts: DecisionOptions = {}): IndexDecision<S> {
  const minReduction = opts.minCostReduction ?? 0.3;
  // Every proof of an index on a statement: ddl → statement key → the suggestion there.
  const proofs = new Map<string, Map<string, S>>();
  const note = (ddl: string, key: string, s: S) => {
    const m = proofs.get(ddl) ?? proofs.set(ddl, new Map()).get(ddl)!;
    if (!m.has(key)) m.set(key, s);
  };
  const needs: Need<S>[] = [];
  /** Each statement's needs by its own suggestion (byStatement below: one lookup, not a search of every need). */
  const needOf = new Map<WorkloadStatementAdvice<S>, Map<S, Need<S>>>();
  const first = new Map<string, S>();
  // Linear in the statements: a decision weighing a generated file's 3,000 statements compared every pair of them (their
  // texts white space aside, a regular expression each time) and held the editor's extension host for minutes (issue 20,
  // person32 H1: Scan Workspace sat still, every PG Lens session idle).
  const spacedKeys = new Map<string, number>();
  const texts = new Map<string, number>();
  /** A number per text, white space aside (equal for one statement written at two places). */
  const spacedOf = (key: string): number => {
    let v = spacedKeys.get(key);
    if (v === undefined) {
      const text = spaced(key);
      v = texts.get(text) ?? texts.set(text, texts.size).get(text)!;
      spacedKeys.set(key, v);
    }
    return v;
  };
  for (const st of statements) {
    for (const s of st.suggestions) {
      if (s.costAfter === null) continue; // not verified: the statement shows it as such; never shared, never in the workload
      const n: Need<S> = { st, own: s };
      needs.push(n);
      (needOf.get(st) ?? needOf.set(st, new Map()).get(st)!).set(s, n);
      note(s.ddl, st.key, s);
      if (!first.has(s.ddl)) first.set(s.ddl, s);
    }
  }
  for (const c of cross) {
    if (c.suggestion.costAfter === null) continue;
    note(c.suggestion.ddl, c.statement, c.suggestion);
  }
  const servesWell = (ddl: string, n: Need<S>): S | undefined => {
    const s = proofs.get(ddl)?.get(n.st.key);
    if (!s || s.costAfter === null || !sameTable(s, n.own)) return undefined;
    if (s.ddl === n.own.ddl) return s;
    const before = n.own.costBefore;
    if (before <= 0 || s.costAfter > before * (1 - minReduction)) return undefined;
    // An index whose keys extend the statement's own index answers every lookup that one does: proposed beside it,
    // the narrower one is what the duplicate-index health check flags. It serves when the planner uses it and it cuts
    // the cost enough (the refunds read without LIMIT kept 87% of its own saving with (status, placed_at DESC) and got
    // (status) beside it — two overlapping indexes for one read, one of them redundant).
    if (keysExtend(s, n.own)) return s;
    return before - s.costAfter >= KEEP_SAVING * (before - (n.own.costAfter ?? 0)) ? s : undefined;
  };
  // Greedy cover: most statements served well, then the larger summed cost share (near ties: the smaller index).
  const chosen: string[] = [];
  const candidates = [...first.keys()];
  for (;;) {
    const open = needs.filter((n) => !n.met);
    if (!open.length) break;
    let best: Ranked | undefined;
    for (const ddl of candidates) {
      if (chosen.includes(ddl)) continue;
      let count = 0;
      let share = 0;
      for (const n of open) {
        const s = servesWell(ddl, n);
        if (!s) continue;
        count++;
        share += 1 - s.costAfter! / Math.max(s.costBefore, 1e-9);
      }
      if (!count) continue;
      const f = first.get(ddl)!;
      const cand = { ddl, count, share, size: f.indexSizeBytes ?? Infinity, s: f };
      if (!best || better(cand, best)) best = cand;
    }
    if (!best) break; // cannot happen: every need is served by its own index
    chosen.push(best.ddl);
    for (const n of open) n.met ??= servesWell(best.ddl, n);
  }

  // The chosen indexes with the statements they serve, their saving and their write cost.
  const indexes: (S & WorkloadChoice)[] = [];
  for (const ddl of chosen) {
    const served = needs.filter((n) => n.met?.ddl === ddl);
    const base = first.get(ddl)!;
    const list: WorkloadChoice['statements'] = [];
    const listed = new Set<number>();
    let savedMs = 0;
    let timed = false;
    let shareSum = 0;
    let ownLeftOut = 0;
    for (const n of served) {
      // One statement once: the same text at another place (white space aside) is not another statement the index serves
      // (person28 L1: "One index for 4 statements" listed a file holding the hovered statement's own text).
      if (listed.has(spacedOf(n.st.key))) continue;
      listed.add(spacedOf(n.st.key));
      const s = n.met!;
      const share = s.costBefore > 0 ? 1 - s.costAfter! / s.costBefore : 0;
      const appMs = workloadTimeMs(n.st);
      const saved = appMs !== undefined ? appMs * share : undefined;
      if (saved !== undefined) ownLeftOut += n.st.ownIncluded ?? 0;
      list.push({ key: n.st.key, label: n.st.label, share: `${Math.round(share * 100)}% of its estimated cost`, savedMs: saved, ...(n.st.calls !== undefined ? { calls: n.st.calls } : {}) });
      shareSum += share;
      if (saved !== undefined) {
        savedMs += saved;
        timed = true;
      }
    }
    const w = writes.find((x) => x.schema === base.schema && (x.name === base.table || `${x.schema}.${x.name}` === base.table));
    let writeNote: string | undefined;
    let writeCost: string | undefined;
    let penalty = 0;
    if (w) {
      const counted = w.inserts + w.deletes + Math.max(0, w.updates - w.hotUpdates);
      // A load (oneOffWriteRows: run once, or a few large batches) is no write rate: its rows are left out of the counters' (never below 0).
      const oneOff = Math.min(counted, w.oneOff?.rows ?? 0);
      const rows = counted - oneOff;
      // The two periods one (within 5% or a minute of each other, e.g. the statistics and the timings reset together a few
      // seconds apart): one period said, with the counters' own figure — decided from the periods, never from how their
      // minutes round (person51 L-2: "2,984 rows … in the 9.8 min" for n_tup_ins = 3,000, scaled for a 3 s gap; 11 min later
      // "3,000 rows … in the 21.2 min …, about 2,993 in the 21.1 min").
      const pr = w.periodRatio;
      const samePeriod = pr !== undefined && samePeriods(pr.countersSeconds, pr.timingsSeconds);
      // Against timed savings, the writes of the same period (the counters' own period scaled to the timings').
      const scale = timed && pr && !samePeriod ? pr.ratio : 1;
      penalty = rows * scale * INDEX_WRITE_MS_PER_ROW;
      const writeHeavy = rows > Math.max(1, w.reads) * 2;
      if (writeHeavy || penalty > 0.2 * savedMs) {
        const against = timed ? `against ${Math.round(savedMs).toLocaleString('en-US')} ms saved` : 'with no statement timings to set a saving against it';
        // One period: one count, the counters' own (person50 L-C: "150,000 rows … in the 37.5 min since …, about 149,888 in
        // the 37.5 min the statement timings cover"); two: the counters' own, then the scaled figure marked "about".
        const period = samePeriod
          ? `${countOf(rows, 'row', (n) => n.toLocaleString('en-US'))} inserted/updated/deleted in the ${formatSeconds(pr!.countersSeconds)} since the statistics were reset`
          : scale !== 1 && pr
          ? `${countOf(rows, 'row', (n) => n.toLocaleString('en-US'))} inserted/updated/deleted in the ${formatSeconds(pr.countersSeconds)} since the table statistics were reset, about ${Math.round(rows * scale).toLocaleString('en-US')} in the ${formatSeconds(pr.timingsSeconds)} the statement timings cover`
          : `${countOf(rows, 'row', (n) => n.toLocaleString('en-US'))} inserted/updated/deleted since the statistics were reset`;
        const left = oneOff > 0 ? `, less ${countOf(oneOff, 'row', (n) => n.toLocaleString('en-US'))} loaded by ${countOf(w.oneOff!.statements, 'statement')} in ${countOf(w.oneOff!.calls ?? w.oneOff!.statements, 'run')} (${LOAD_WORDS})` : '';
        // The counters count rolled-back rows too: src/db leaves out PG Lens's own Explain Analyze runs of this process; others'
        // (another window's, a pg-lens run's, the application's failed transactions) cannot be told apart, and the note says so.
        const upkeep = `keeping this index current costs about ${Math.round(penalty).toLocaleString('en-US')} ms ${against}`;
        writeNote = `${base.table} is ${writeHeavy ? 'write-heavy' : 'written often'} (${period}${left}; rolled-back rows count too, those of PG Lens's Explain Analyze in this window or run left out): ${upkeep}`;
        writeCost = `${base.table} is ${writeHeavy ? 'write-heavy' : 'written often'}: ${upkeep}`;
      }
    }
    // No statement it serves has timings: its saving is the planner's estimate, never measured (person23 LOW 4:
    // products (category) was "recommended" for one .sql statement that never ran, against 8 ms of writes). It is not
    // withheld — each statement's advice is the planner's proof for it, and a workspace never run has no timings at
    // all — but it is said to be not proved worth it, never as a recommendation with a saving.
    const worthIt = !timed || savedMs > penalty;
    const score = timed ? savedMs - penalty : shareSum * 0.001;
    const unmeasured = timed ? '' : `not proved worth it: no statement it serves has timings in pg_stat_statements, so its saving is the planner's estimate only; `;
    const explanation = `${unmeasured}${sharedReasons(base, served)}; serves ${countOf(list.length, 'statement')}${timed ? `, saving about ${Math.round(savedMs).toLocaleString('en-US')} ms of statement time${ownLeftOut ? ` (${countOf(ownLeftOut, 'PG Lens run', (n) => n.toLocaleString('en-US'))} left out at the mean they share with the application's calls)` : ''}` : ''}${writeNote ? `; ${writeNote}` : ''}${base.makesRedundant?.length ? `; ${madeRedundantPhrase(base.makesRedundant)}` : ''}`;
    if (!timed && writeNote) writeNote = `not proved worth it: ${writeNote}`;
    indexes.push({ ...base, statements: byCallSite(list, (x) => ({ calls: x.calls, place: x.label })), savedMs: timed ? savedMs : undefined, score, writeNote, ...(writeCost ? { writeCost } : {}), worthIt, explanation });
  }
  indexes.sort((x, y) => Number(y.worthIt) - Number(x.worthIt) || y.score - x.score || x.ddl.localeCompare(y.ddl));

  const byDdl = new Map(indexes.map((x) => [x.ddl, x] as const));
  // The places an index serves, each with its text white space aside: a statement's others are those of another text.
  const servedBy = new Map<string, { keys: Set<number>; entries: { key: number; label: string }[]; labels: string[] }>();
  const servedOf = (ix: S & WorkloadChoice) => {
    let v = servedBy.get(ix.ddl);
    if (!v) {
      const entries = ix.statements.map((x) => ({ key: spacedOf(x.key), label: x.label }));
      servedBy.set(ix.ddl, (v = { keys: new Set(entries.map((e) => e.key)), entries, labels: entries.map((e) => e.label) }));
    }
    return v;
  };
  const byStatement = new Map<string, StatementDecision<S>>();
  for (const st of statements) {
    const d: StatementDecision<S> = { suggestions: [], alsoServes: {}, replaced: [], withheld: [] };
    for (const s of st.suggestions) {
      if (s.costAfter === null) {
        d.suggestions.push(s);
        continue;
      }
      const n = needOf.get(st)!.get(s)!;
      const got = n.met ?? s;
      const ix = byDdl.get(got.ddl);
      if (ix && !ix.worthIt) {
        if (!d.withheld.some((x) => x.ddl === got.ddl)) d.withheld.push({ ddl: got.ddl, why: ix.writeNote ?? 'its saving does not beat its write cost', suggestion: got });
        continue;
      }
      if (d.suggestions.some((x) => x.ddl === got.ddl)) continue;
      if (got.ddl !== s.ddl) {
        d.replaced.push({ ddl: s.ddl, by: got.ddl });
        (d.ownInstead ??= {})[got.ddl] ??= s;
      }
      d.suggestions.push(got);
      if (ix?.writeNote) (d.writes ??= {})[got.ddl] = { note: ix.writeNote, short: ix.writeCost ?? ix.writeNote };
      const on = ix ? servedOf(ix) : undefined;
      const own = spacedOf(st.key);
      const others = !on ? [] : on.keys.has(own) ? on.entries.filter((e) => e.key !== own).map((e) => e.label) : on.labels;
      if (others.length) d.alsoServes[got.ddl] = others;
    }
    byStatement.set(st.key, d);
  }
  return { indexes, byStatement };
}

/**
 * Why a chosen index, for the statements it serves: one reason when they share it, else each statement's own (person23
 * LOW 3: "(status) INCLUDE (id, total_cents, placed_at) so the query is answered by an index-only scan" stood over a
 * statement that also selects customer_id, which the index does not hold — the reason was one statement's, told as
 * everyone's). A statement another statement's index serves has its reason in its own terms (db/indexDecision:
 * sharedReason), so an index-only claim is made only for the statements whose own index it is.
 */
function sharedReasons(base: SuggestionLike, served: { st: { key: string; label: string; calls?: number }; met?: SuggestionLike }[]): string {
  const byReason = new Map<string, string[]>();
  for (const n of byCallSite(served, (x) => ({ calls: x.st.calls, place: x.st.label }))) {
    const reason = n.met?.reason ?? base.reason;
    const labels = byReason.get(reason) ?? byReason.set(reason, []).get(reason)!;
    if (!labels.includes(n.st.label)) labels.push(n.st.label);
  }
  if (byReason.size <= 1) return [...byReason.keys()][0] ?? base.reason;
  return [...byReason].map(([reason, labels]) => `for ${labels.map((l) => statementName(l)).join(', ')}: ${reason}`).join('; ');
}

/**
 * Call sites in the order every list of them is said ("also serving …", the workload's "for X:", "(the same statement at
 * … too)"): the call site whose statement ran first (recorded calls or pg_stat_statements figures; `ran` where the caller
 * knows better, e.g. the place of one statement written at several places whose file runs), then by calls (most first),
 * then by place. Before, a file that never ran led (person30 L2: "for other/Orders.java:8" while the app's
 * src/customers.ts:26 ran the statement, and was never named).
 */
export function byCallSite<T>(items: readonly T[], key: (t: T) => { ran?: boolean; calls?: number; place: string }): T[] {
  const keyed = items.map((t) => {
    const k = key(t);
    return { t, ran: k.ran ?? (k.calls ?? 0) > 0, calls: k.calls ?? 0, place: k.place };
  });
  keyed.sort((a, b) => Number(b.ran) - Number(a.ran) || b.calls - a.calls || (a.place < b.place ? -1 : a.place > b.place ? 1 : 0));
  return keyed.map((k) => k.t);
}

/** The place in a statement's label ("src/orders.ts:70: SELECT …" or "src/orders.ts:70"); undefined for a recorded or pg_stat_statements one. */
export function placeIn(label: string): string | undefined {
  return /^([^\s:]+:\d+)(?:: |$)/.exec(label)?.[1];
}

/**
 * A statement's short name from its label, the one way every surface says it (the missing-index hover, Suggest Indexes'
 * pick, the workload's reasons): its place ("src/orders.ts:70"), else its text on one line cut at a word near `max`
 * characters, without a pg_stat_statements label's "queryid …: " (`quote` wraps such a text, e.g. as code in Markdown).
 */
export function statementName(label: string, max = 60, quote: (text: string) => string = (t) => t): string {
  return placeIn(label) ?? quote(shortLine(label.replace(/^queryid -?\d+: /, ''), max));
}

/**
 * "one index for both", "one index for 3 statements, also src/orders.ts:78": `count` statements (these and the others)
 * share it; `also` names the others, as every surface names them (statementName). The one phrase of the missing-index
 * hover, the saved CREATE INDEX, `pg-lens advise` and `pg-lens record` (issue 20: record said "(one index for all 3)"
 * beside advise's "is one index for 3 statements, also …").
 */
function oneIndexFor(count: number, also: readonly string[]): string {
  return `one index for ${count === 2 ? 'both' : `${count} statements`}${also.length ? `, also ${listAndMore(also, 3)}` : ''}`;
}

/**
 * The other statements one index serves, the one way the missing-index hover and the saved CREATE INDEX (its .sql file,
 * its migration's comment) say it: "one index for both, also src/orders.ts:78" (person37 L8: the hover said it, the
 * file did not).
 */
export function alsoServesPhrase(others: readonly string[], quote?: (text: string) => string): string {
  return oneIndexFor(others.length + 1, others.map((l) => statementName(l, 40, quote)));
}

/** One index definition and the statements it is offered for (statementsPerIndex). */
export interface IndexStatements<T> {
  ddl: string;
  /** The statements' places (the line each one's SQL starts on), once each, by file and line. */
  places: string[];
  /** The statements, in the order of their places. */
  items: T[];
  /**
   * The other statements the decision gives the index (StatementDecision.alsoServes labels) that are none of these: named
   * as every surface names a statement (statementName: a place, else its short text, quoted — never a queryid), once each.
   */
  also: string[];
}

/**
 * Statements per index definition, for a list that prints each CREATE INDEX once with the places it serves — `pg-lens
 * advise` and `pg-lens record` alike (person52 L-4: one index shared by three statements was three CREATE INDEX lines).
 * `key` tells one statement from another (the same statement met twice is one); indexes in the order first met.
 */
export function statementsPerIndex<T>(entries: Iterable<{ ddl: string; place: string; key: string; item: T; others?: readonly string[] }>): IndexStatements<T>[] {
  const groups = new Map<string, { keys: Set<string>; rows: { place: string; item: T }[]; others: string[] }>();
  for (const e of entries) {
    const g = groups.get(e.ddl) ?? groups.set(e.ddl, { keys: new Set(), rows: [], others: [] }).get(e.ddl)!;
    for (const o of e.others ?? []) if (!g.others.includes(o)) g.others.push(o);
    if (g.keys.has(e.key)) continue;
    g.keys.add(e.key);
    g.rows.push({ place: e.place, item: e.item });
  }
  return [...groups].map(([ddl, g]) => {
    const rows = [...g.rows].sort((a, b) => byPlace(a.place, b.place));
    const places = [...new Set(rows.map((r) => r.place))];
    const also = [...new Set(g.others.map((o) => statementName(o, 80, (t) => `"${t}"`)))].filter((n) => !places.includes(n));
    return { ddl, places, items: rows.map((r) => r.item), also };
  });
}

/** Places by file, then line ("src/a.ts:9" before "src/a.ts:10"); a place without a line after those with one. */
function byPlace(a: string, b: string): number {
  const at = (p: string) => /^(.*):(\d+)(?::\d+)?$/.exec(p);
  const x = at(a);
  const y = at(b);
  if (!x || !y) return Number(!x) - Number(!y) || (a < b ? -1 : a > b ? 1 : 0);
  return x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : Number(x[2]) - Number(y[2]);
}

/**
 * An index's "for:" line under its CREATE INDEX — `pg-lens advise` and `pg-lens record` in one wording: its places, and
 * when it is shared, how many statements share it and the others (oneIndexFor): "for: src/products.ts:72,
 * src/products.ts:84 (one index for 3 statements, also "SELECT avg(rating)::float8 …")".
 */
export function indexForLine(g: Pick<IndexStatements<unknown>, 'places' | 'items' | 'also'>): string {
  const count = g.items.length + g.also.length;
  return `for: ${g.places.join(', ')}${count > 1 ? ` (${oneIndexFor(count, g.also)})` : ''}`;
}

/** The workload's answer: the chosen indexes worth their writes, best first, at most maxIndexes. */
export function workloadIndexes<S extends SuggestionLike>(d: IndexDecision<S>, maxIndexes: number): (S & WorkloadChoice)[] {
  return d.indexes.filter((x) => x.worthIt).slice(0, maxIndexes);
}

type Ranked = { count: number; share: number; size: number; s: SuggestionLike; ddl: string };

/**
 * The better of two candidates: serves more statements well; then the larger summed cost share. Estimates
 * are rough, so shares within two points per statement are a tie, decided by what stays true as the table
 * changes: an index whose keys extend the other's (it answers every lookup the other does, as the
 * duplicate-index health check sees it), then fewer INCLUDE columns (an index-only scan's advantage
 * comes and goes with the visibility map), then the smaller index.
 */
function better(a: Ranked, b: Ranked): boolean {
  if (a.count !== b.count) return a.count > b.count;
  if (Math.abs(a.share - b.share) > 0.02 * a.count) return a.share > b.share;
  if (keysExtend(a.s, b.s) !== keysExtend(b.s, a.s)) return keysExtend(a.s, b.s);
  if (a.s.include.length !== b.s.include.length) return a.s.include.length < b.s.include.length;
  if (a.size !== b.size) return a.size < b.size;
  return a.ddl < b.ddl;
}

/** `wide`'s keys start with all of `narrow`'s and go further (same table, method and predicate). */
function keysExtend(wide: IndexShape, narrow: IndexShape): boolean {
  if (wide.method !== narrow.method || !sameTable(wide, narrow) || (wide.where ?? '') !== (narrow.where ?? '')) return false;
  return wide.columns.length > narrow.columns.length && narrow.columns.every((c, i) => stripDir(wide.columns[i]) === stripDir(c));
}

function sameTable(a: Pick<SuggestionLike, 'schema' | 'table'>, b: Pick<SuggestionLike, 'schema' | 'table'>): boolean {
  return a.schema === b.schema && a.table === b.table;
}

/** The table counters' and the statement timings' periods one: within 5% or a minute of each other (person51 L-2). */
function samePeriods(countersSeconds: number, timingsSeconds: number): boolean {
  const gap = Math.abs(countersSeconds - timingsSeconds);
  return gap <= 60 || gap <= 0.05 * Math.max(countersSeconds, timingsSeconds);
}

function formatSeconds(s: number): string {
  return formatMs(s * 1000);
}

function stripDir(c: string): string {
  return c.replace(/ DESC$/, '');
}

type IndexShape = Pick<SuggestionLike, 'schema' | 'table' | 'method' | 'where' | 'columns' | 'include'>;

/**
 * Worth asking the planner whether `other` serves the statement that wants `own`: two b-trees on
 * the same table with the same predicate that lead with the same column (one may extend the other,
 * or they differ in what follows the first key, or only in their INCLUDE lists).
 */
export function overlaps(other: IndexShape, own: IndexShape): boolean {
  if (other.method !== 'btree' || own.method !== 'btree' || other.schema !== own.schema || other.table !== own.table || (other.where ?? '') !== (own.where ?? '')) return false;
  return !!other.columns.length && !!own.columns.length && stripDir(other.columns[0]) === stripDir(own.columns[0]);
}

/** How a statement bounds the columns of one table: equality (=, IN, = ANY, IS NULL, a join key), or a range / sort key. */
export interface ColumnUse {
  eq: ReadonlySet<string>;
  ordered: ReadonlySet<string>;
}

/**
 * Whether another statement's index fits this statement, before the planner is asked (issue 20, person16 HIGH 2: `trash
 * (is_deleted, is_restored, user_id, updated_at)` was "also serving" a statement with no user_id predicate, whose
 * updated_at sits behind user_id). The index's keys, read in order, serve this statement while each is bound by an
 * equality, up to one range or sort key; the fit needs at least one such key, and no key this statement's own index
 * needs may come after that used part (the planner may still pick it for its first column, but it does not do the
 * job this statement's own index does).
 */
export function sharedIndexFits(shared: Pick<IndexShape, 'columns'>, own: Pick<IndexShape, 'columns'>, use: ColumnUse): boolean {
  const used = new Set<string>();
  for (const label of shared.columns) {
    const c = stripDir(label).toLowerCase();
    if (use.eq.has(c)) used.add(c);
    else {
      if (use.ordered.has(c)) used.add(c);
      break;
    }
  }
  if (!used.size) return false;
  const low = (x: string) => stripDir(x).toLowerCase();
  const sharedCols = new Set(shared.columns.map(low));
  return own.columns.map(low).every((c) => used.has(c) || !sharedCols.has(c));
}

/**
 * Why another statement's index serves this one, in this statement's terms: its own index's reason (what this
 * statement needs), then the keys it does not use, there for the statements it is shared with. The other
 * statement's reason ("…the ORDER BY keys… the LIMIT stops the scan early") is not this statement's.
 */
export function sharedReason(own: IndexShape & { reason: string }, shared: IndexShape): string {
  const mine = new Set([...own.columns, ...own.include].map(stripDir));
  const extra = [...shared.columns, ...shared.include].filter((c) => !mine.has(stripDir(c)));
  const unused = [...own.columns, ...own.include].filter((c) => ![...shared.columns, ...shared.include].some((x) => stripDir(x) === stripDir(c)));
  const others = extra.length ? `; ${extra.join(', ')} ${extra.length === 1 ? 'is' : 'are'} there for the other statements it serves` : '';
  // Its own reason names its own shape ("INCLUDE (id, total_cents, placed_at)"): true of the shared index only when its
  // keys lead the shared index's and its INCLUDE columns are INCLUDE columns there too (person27 LOW 6: that reason
  // stood under `(status, placed_at) INCLUDE (…)`, where placed_at is a key).
  const sameRoles = own.columns.every((c, i) => stripDir(shared.columns[i] ?? '') === stripDir(c)) && own.include.every((c) => shared.include.some((x) => stripDir(x) === stripDir(c)));
  if (!unused.length && sameRoles) return `${own.reason}${others}`;
  if (!unused.length) {
    const all = [...shared.columns, ...shared.include].filter((c) => mine.has(stripDir(c)));
    return `${all.join(', ')} serve${all.length === 1 ? 's' : ''} this statement${/index-only scan/.test(own.reason) ? ' (every column it reads is in the index, so an index-only scan answers it)' : ''}${others}`;
  }
  // Narrower than what this statement would want: its own reason would promise what the shared index does not give.
  const used = [...shared.columns, ...shared.include].filter((c) => mine.has(stripDir(c)));
  return `${used.join(', ')} serve${used.length === 1 ? 's' : ''} this statement too (its own index would add ${unused.join(', ')})${others}`;
}

/** A statement found in the code or a recording, with where it is (`src/a.ts:12`) and the kind of code it is in. */
export interface FoundStatement {
  sql: string;
  source: string;
  /** The file's code context (codeContext.ts); unknown for recorded statements and named files. */
  context?: CodeContext;
  /** Parts of its text are computed by the code at run time (a `${table}` in a name, an appended clause): extract's SqlSite.dynamic. */
  dynamic?: boolean;
  /** A recorded statement's figures at its place in the recording (the recorded line's hover: "3 statements, 21.5 ms"). */
  recorded?: RecordedFigures;
  /** The 1-based lines of the call the SQL is passed to (extract's SqlSite.callSpan, or calledBy), when the code's statement has one. */
  callLines?: { from: number; to: number };
}

/**
 * Whether two places of one statement are one call: the recording names a call by the line that made it (`src/orders.ts:77`),
 * the code by the line its SQL starts on (`:78`, as the hover and Problems do); a recorded place on a line of the code's
 * call is that call (person51 L-3: "src/orders.ts:77: SELECT o.id … (the same statement at src/orders.ts:78 too)").
 */
export function sameCall(a: Pick<FoundStatement, 'source' | 'callLines' | 'recorded'>, b: Pick<FoundStatement, 'source' | 'callLines' | 'recorded'>): boolean {
  if (a.source === b.source) return true;
  const [code, rec] = a.callLines && !a.recorded ? [a, b] : [b, a];
  if (!code.callLines || code.recorded || !rec.recorded) return false;
  const at = /^(.*):(\d+)$/.exec(rec.source);
  const file = code.source.replace(/:\d+$/, '');
  return !!at && at[1] === file && Number(at[2]) >= code.callLines.from && Number(at[2]) <= code.callLines.to;
}

/** What a recording measured of a statement at one place: its calls and their time. */
export interface RecordedFigures {
  calls: number;
  totalMs: number;
}

/**
 * A file's SQL sites as the statements every decision weighs (FoundStatement), each named by its place (`place:line`, the
 * line its SQL starts on). The editor's workspace reading and the file the editor analyses give the same entries.
 */
export function foundStatementsOf(sites: readonly { sql: string; span: { start: number }; callSpan?: { start: number; end: number }; calledBy?: { start: number; end: number }; dynamic?: boolean }[], text: string, place: string, context?: CodeContext): FoundStatement[] {
  return sites.map((s) => {
    const callLines = callLinesOf(s, (offset) => lineAtOffset(text, offset));
    return { sql: s.sql, source: `${place}:${lineAtOffset(text, s.span.start)}`, ...(context ? { context } : {}), ...(s.dynamic ? { dynamic: true } : {}), ...(callLines ? { callLines } : {}) };
  });
}

/**
 * The 1-based lines of the call a site's SQL is passed to (extract's callSpan, else calledBy), by `lineAt` (an offset's
 * line): a recording names the call by its line (sameCall). Undefined when the site has no call.
 */
export function callLinesOf(site: { callSpan?: { start: number; end: number }; calledBy?: { start: number; end: number } }, lineAt: (offset: number) => number): { from: number; to: number } | undefined {
  const call = site.callSpan ?? site.calledBy;
  return call ? { from: lineAt(call.start), to: lineAt(call.end) } : undefined;
}

/** 1-based line of an offset. */
function lineAtOffset(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

const NOT_WORKLOAD_CONTEXT: Partial<Record<CodeContext, string>> = { migration: 'in migrations', seed: 'in seeds', test: 'in tests', script: 'in one-off scripts' };
/** Text PostgreSQL does not take, by its marks: MySQL's backquoted names and table options, SQLite's AUTOINCREMENT and PRAGMA. */
const OTHER_DIALECT_TEXT: readonly [RegExp, string][] = [
  [/`[^`\n]+`/, 'MySQL'],
  [/\b(?:AUTO_INCREMENT|ENGINE\s*=\s*\w+|UNSIGNED|TINYINT|MEDIUMTEXT|LONGTEXT|DATETIME\(\d\))\b/i, 'MySQL'],
  [/\bAUTOINCREMENT\b|^\s*PRAGMA\b|\bsqlite_master\b/i, 'SQLite'],
];
const DML_START = /^\s*(?:\(\s*)*(?:select|with|insert|update|delete|merge|values|table)\b/i;

/**
 * Why a statement found in the code or a recording is not the app's workload, or undefined when it is. The workload is
 * the app's reads and writes as they run in requests and jobs (issue 20, person15 LOW: Advise Indexes for the Workload
 * listed TypeORM migrations' CREATE TABLE / ALTER, with their MySQL and SQLite branches): DDL and utility statements,
 * statements in migrations, seeds, tests and one-off scripts, and text written for another database are left out —
 * never planned — and counted in one line each.
 */
export function notWorkload(s: Pick<FoundStatement, 'sql' | 'source' | 'context' | 'dynamic'>): string | undefined {
  const ctx = s.context && NOT_WORKLOAD_CONTEXT[s.context];
  if (ctx) return ctx;
  const file = s.source.replace(/:\d+$/, '');
  const byPath = dialectOfPath(file);
  if (byPath.dialect === 'other') return `written for ${byPath.name === 'mysql' || byPath.name === 'mariadb' ? 'MySQL' : byPath.name === 'sqlite' || byPath.name === 'sqlite3' ? 'SQLite' : (byPath.name ?? 'another database')}`;
  const code = s.sql.replace(/'(?:[^']|'')*'/g, "''");
  for (const [re, name] of OTHER_DIALECT_TEXT) if (re.test(code)) return `written for ${name}`;
  const fn = otherDatabaseFunction(s.sql);
  if (fn) return `written for ${fn.database}`;
  const ddl = 'that are DDL or utility commands (CREATE, ALTER, DROP…)';
  if (pgParserLoaded()) {
    const r = inspectSql(s.sql);
    if (r.ok) {
      const dml = r.statements.length > 0 && r.statements.every((x) => x.cls !== 'other' && !x.writes.some((w) => /^(CREATE|SELECT INTO)/.test(w)));
      return dml ? undefined : ddl;
    }
    // Nothing to plan (person21 LOW 2: `SELECT max(id) FROM ${table}`, read with the expression's name `table`, was
    // listed among the statements weighed as "PostgreSQL's parser rejects the statement (syntax error at or near
    // "table")"): a name or clause the code fills in at run time, or a text that is not PostgreSQL's.
    return s.dynamic ? 'whose text the code completes at run time (as written they do not parse)' : "that PostgreSQL's parser rejects as written (a name the code fills in at run time, or another dialect)";
  }
  return DML_START.test(s.sql.replace(/^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*/, '')) ? undefined : ddl;
}

/**
 * What a statement `notWorkload` leaves out is told instead of index advice (Suggest Indexes, a recording's advice): it gets
 * none of its own, as no other statement's decision weighs it (person36 M2: a one-off script's DELETE kept an index of its
 * own beside the one a request's read on the same table got, which serves both).
 */
export function notWorkloadAnswer(why: string): string {
  return `No index advice: statements ${why} are not the app's workload. Indexes are decided for its requests and jobs, and no other statement's decision weighs this one.`;
}

/**
 * What a file's statement is told instead of index advice when it is not the app's workload (notWorkloadAnswer): its file
 * judged by its path in the app (`contextPath`, core/codeContext contextPathIn) and its text — a one-off script's, a test's,
 * a seed's, a migration's — or the statement itself (DDL, another database's SQL); undefined when it is the app's. The one
 * question the editor's Suggest Indexes and `pg-lens advise --file` ask (person42 L2: the CLI proved an index for a
 * script's statement the editor said gets none). PostgreSQL's parser loaded first (notWorkload).
 */
export function fileStatementNotWorkload(s: { sql: string; source: string; contextPath: string; text: string }): string | undefined {
  const why = notWorkload({ sql: s.sql, source: s.source, context: codeContextOf(s.contextPath, s.text) });
  return why ? notWorkloadAnswer(why) : undefined;
}

/** The statements `notWorkload` leaves out, one entry per reason. */
export interface LeftOut {
  why: string;
  statements: number;
}

/** A statement the workload weighed: where it comes from, its timings (pg_stat_statements), what the decision made of it. */
export interface WeighedStatement {
  label: string;
  calls?: number;
  totalMs?: number;
  /** No pg_stat_statements figures, but a recording's (its calls at the place it is named by). */
  recorded?: RecordedFigures;
  /** PG Lens's own Benchmark runs whose time is in `totalMs` (not measured apart from the application's; their calls are out). */
  ownIncluded?: number;
  /**
   * A statement outside pg_stat_statements' busiest weighed: its own entry's figures there (looked up by its query id),
   * said, not weighed (person51 L-9). `ownIncluded` as above.
   */
  entry?: { calls: number; totalMs: number; ownIncluded?: number };
  outcome: string;
}

/**
 * A weighed statement's calls and time: pg_stat_statements', else the recording's at its place (the recorded line's hover
 * figures: issue 20, person49 L-5 — "orm/orders.ts:25 … no calls recorded" beside that line's hover "recorded at this
 * line (3 statements, 21.5 ms, via sequelize)"; the 3 calls were under pg_stat_statements' 5-call floor), else none.
 */
function weighedFigures(w: WeighedStatement): string {
  if (w.calls !== undefined) return `${countOf(w.calls, 'call', (n) => n.toLocaleString('en-US'))}, ${formatMs(w.totalMs ?? 0)}${ownTimeNote(w)}`;
  if (w.recorded) return `${countOf(w.recorded.calls, 'call', (n) => n.toLocaleString('en-US'))}, ${formatMs(w.recorded.totalMs)} while recording (not among pg_stat_statements' busiest)`;
  if (w.entry) return `${countOf(w.entry.calls, 'call', (n) => n.toLocaleString('en-US'))}, ${formatMs(w.entry.totalMs)}${ownTimeNote(w.entry)} (its pg_stat_statements entry, not among the busiest weighed: not weighed with its time)`;
  // Only what is known: the recording's "no calls recorded" read as "never ran" beside pg_stat_statements' 3,000 calls of
  // the statement (person51 L-9) — it matched none of the busiest weighed, which is not the same as not running.
  return "calls not known: no recording holds it, and it matched none of pg_stat_statements' busiest weighed";
}

/**
 * What the workload advice weighed, as lines (the editor's document and `pg-lens advise --workload`): where its
 * statements come from, each statement with its calls and time and what came of it, and the indexes proved but not
 * recommended with why (person10 N21: "No index would help" stood beside three proved missing-index warnings, with
 * "5 from the workspace" unexplained). `bullet` starts a list item.
 */
export function workloadWeighingLines(r: { fromStatStatements: number; fromFiles: number; alsoInFiles: number; weighed: WeighedStatement[]; notRecommended: { ddl: string; why: string; statements: string[] }[]; foreignKeyChecks?: { statements: number; calls: number }; leftOut?: readonly LeftOut[] }, bullet = '- '): string[] {
  const out: string[] = [];
  const recorded = r.weighed.filter((w) => w.calls === undefined && w.recorded).length;
  const entries = r.weighed.filter((w) => w.calls === undefined && !w.recorded && w.entry).length;
  out.push(`Weighed: ${countOf(r.fromStatStatements, 'statement')} of pg_stat_statements' busiest (at least 5 calls, by total time${r.alsoInFiles ? `; ${r.alsoInFiles} of them also found in the workspace's code, named by their place there` : ''}) and ${countOf(r.fromFiles, 'statement')} found only in the workspace's code${recorded ? ' or a recording' : ''} (${recorded || entries ? "none among pg_stat_statements' busiest" : 'no calls recorded since pg_stat_statements was reset'}: weighed by the share of their estimated cost an index removes, with no time saved to set against an index's write cost${recorded ? `; the calls of the ${countOf(recorded, 'recorded one')} while recording are listed beside them, not weighed` : ''}${entries ? `; the calls pg_stat_statements holds of ${countOf(entries, 'other')} are listed beside them, not weighed` : ''}).`);
  // The RI triggers' checks run per written row: the server's work for the app's writes, not statements it wrote (person12 R6).
  if (r.foreignKeyChecks) out.push(`Left out: PostgreSQL's own foreign-key checks (${r.foreignKeyChecks.calls.toLocaleString('en-US')} call${r.foreignKeyChecks.calls === 1 ? '' : 's'}, ${countOf(r.foreignKeyChecks.statements, 'statement')}): its triggers run them for every row the app writes to a table with a foreign key; they are not the app's statements.`);
  if (r.leftOut?.length) out.push(`Not workload, never planned: ${r.leftOut.map((x) => `${countOf(x.statements, 'statement')} ${x.why}`).join('; ')}.`);
  if (r.notRecommended.length) {
    out.push('', 'Indexes proved but not recommended:');
    for (const x of r.notRecommended) out.push(`${bullet}${x.ddl} — ${x.why}${x.statements.length ? `; it serves ${x.statements.join('; ')}` : ''}`);
  }
  if (r.weighed.length) {
    out.push('', `Statements weighed (calls and time since pg_stat_statements was reset${recorded ? '; a recorded statement pg_stat_statements does not list among its busiest: while recording' : ''}):`);
    const timed = [...r.weighed].sort((a, b) => (b.totalMs ?? -1) - (a.totalMs ?? -1));
    for (const w of timed) out.push(`${bullet}${w.label} — ${weighedFigures(w)} — ${w.outcome}`);
  }
  return out;
}
