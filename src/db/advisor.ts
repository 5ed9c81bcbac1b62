/**
 * adviseStatement: candidates from the statement's shape and the catalog, each proved with the
 * planner (HypoPG, else — when the caller allows real builds: the person asked for advice — a real
 * index in a rolled-back transaction on development profiles and small tables, else "not verified"), and a suggestion only when the plan uses the index and the
 * estimated cost falls by at least minCostReduction.
 *
 * Greedy per statement: the best proved index is kept (hypothetically) and the rest are tried again
 * on top of it, so a join that needs two indexes gets both, and never two that do the same job.
 */
import { advisedIndexFields, broadFilters, createIndexSql, indexCandidates, indexesServing, madeRedundantBy, madeRedundantPhrase, reasonAsProved, uniqueIndexName, type BroadFilter, type CandidateOptions, type IndexCandidate } from '../core/advice/indexCandidates';
import { INDEX_MAX_SELECTIVITY, mayNeverMatch, tableFigures, type CatalogFacts, type TableFacts } from '../core/catalogFacts';
import { formatCost, planFooting, planOutline, sameFooting, sameScans, type PlanFooting, type PlanSummary } from '../core/advice/planSummary';
import { countOf, formatCount, formatPercent, shortLine } from '../core/format';
import { qualifiedName } from '../core/sql/ident';
import { costPhrase, earlierNote, indexDefinitionTitle, type NotTriedCandidate, type SummaryFigures } from '../core/advice/missingIndex';
import { shapeFailure, statementShape, type StatementShape } from '../core/sql/predicates';
import { constantShape, loadPgParser } from '../core/sql/statement';
import { TimeSlice } from '../core/timeSlice';
import type { SuggestionLike } from '../core/advice/workload';
import { readCatalogFacts, type TableRef } from './catalog';
import type { Database, ServerInfo, Session } from './database';
import { describeError } from './errors';
import { HYPO_SQL, HypoProver, planOf, TransactionProver, TrialBudget, TrialBudgetError, TrialBusyError, TrialGates, TrialTableHeld, TRIAL_LOCK_TIMEOUT_MS, TRIAL_WAIT_MS, type Proof } from './hypo';
import { OWN_STATEMENT_MARKER } from './sql';
import { saveTrialProofs, serverTrialProofs, type TrialProofs } from './trialProofs';
import { planAs } from './planGuard';

const TRANSIENT_HYPOPG = `${OWN_STATEMENT_MARKER} CREATE EXTENSION IF NOT EXISTS hypopg`;

type VerifiedBy = 'hypopg' | 'transaction' | 'none';

/** SuggestionLike's table is schema.name when not public, else name. */
export interface IndexSuggestion extends SuggestionLike {
  /** Proved on the tables as they were (core ProvedSuggestion.provedEarlier): a real build's kept proof (earlierProof). */
  provedEarlier?: { at: number; changed: string[] };
  /** The figures the summary says (core ProvedSuggestion.figures). */
  figures?: SummaryFigures;
  verifiedBy: VerifiedBy;
  planUsesIndex: boolean;
  indexSizeBytes: number | null;
  /** Extra facts for the editor. */
  name: string;
  kind: IndexCandidate['kind'];
  needsExtension?: 'pg_trgm';
  tableRows: number;
  /** The sequential scan the index replaces, when there was one. */
  seqScan?: { relation: string; rows: number };
  planBefore: string[];
  planAfter: string[];
  /** Each key's operator class (null: the default), when any key has one: what servedByCatalog compares with the catalog. */
  opclasses?: (string | null)[];
  /** The table's valid indexes (names, sorted) when it was proved: a pasted plan's tip uses the proof only while they are the same (ProvedIndexFigure). */
  tableIndexes?: string[];
  /** One line for the diagnostic. */
  summary: string;
  /** The table's indexes this one makes redundant (core madeRedundantBy): said in the summary, to drop once it is built. */
  makesRedundant?: string[];
}

/** A candidate no proof was made for, and why (core's NotTriedCandidate: one shape for the advisor and the answers). */
type NotTried = NotTriedCandidate;

type AdviceStatus = 'ok' | 'unparsed' | 'not-analysed' | 'missing-table' | 'error';

export interface AdviceResult {
  status: AdviceStatus;
  /** Why there is nothing (unparsed, missing table, server error), one line. */
  message?: string;
  suggestions: IndexSuggestion[];
  costBefore?: number;
  /** How proof was done (or why not). */
  proof: VerifiedBy;
  proofNote?: string;
  considered: number;
  /** No candidate left because existing indexes already give it (schema-qualified names): said instead of "no candidate". */
  servedBy?: string[];
  /**
   * Of servedBy, the ones the statement's plan does not use now (the planner prefers a scan): said so, not "an index it
   * would use exists" alone (issue 20, person47 L5).
   */
  servedUnused?: string[];
  /** No candidate because the filters keep more of the rows than PG Lens tries an index for (its own bound): said so. */
  broadFilters?: BroadFilter[];
  rejected: { ddl: string; why: string }[];
  /**
   * A real trial build would have proved candidates here (development profile, no HypoPG) but the caller did not allow one
   * (automatic advice: diagnostics, hovers, scans), or another PG Lens session was building on the table: proved again
   * when the person asks (Suggest Indexes).
   */
  realBuildWithheld?: boolean;
  /** Real indexes built (each rolled back) for this advice. */
  realBuilds?: number;
  /** Proofs of real trial indexes reused from earlier advice on this connection (nothing built for them). */
  reusedProofs?: number;
  /**
   * The advice of a statement that differs from this one only by constants (this text, planned): statements of one shape
   * are planned once, and the figures (costs, plans) are that statement's (IndexDecider.adviseOne; person31 H2).
   */
  sameShapeAs?: string;
  /** The statement's plan before any index (planFooting): the others of its shape take this advice only on the same footing. */
  footing?: PlanFooting;
  /**
   * Of a statement that took its shape's advice (sameShapeAs): its own plan, checked with one plain EXPLAIN (on the same
   * footing as the first's); absent when the decision's checks of the shape were spent (SHAPE_CHECKS): its suggestions are
   * then the shape's figures, not verified for it (verifiedBy 'none').
   */
  ownFooting?: PlanFooting;
  /**
   * Candidates no proof was made for, and why: `size` — no HypoPG, and the table is above the size limit for a real trial
   * build (maxTableSizeMb); `withheld` — a real build is made only when the person asks (Suggest Indexes); `busy` — another
   * PG Lens session was building on the table; `budget` — the connection's budget of real builds a minute was spent
   * (TrialBudget: proved again later); `unavailable` — no way to try it here (no HypoPG, not a development
   * profile). With any, "no index" is never the answer: nothing was tried (issue 20, person17 HIGH 4, MEDIUM 5).
   */
  notTried?: NotTried[];
  /**
   * The tables of candidates not built yet, proved or not the others (notTried names them only when nothing was proved):
   * the connection's budget of real builds was spent (`budget`), or another PG Lens session was building on the table
   * (`busy`). Advice on those tables may change once they are built (a wider index shared with another statement): the
   * dashboard's foreign-key fix waits for it (db/health foreignKeyAdvice; issue 20, person33 M2).
   */
  notBuiltYet?: { table: string; why: 'budget' | 'busy' }[];
  /**
   * Proved suggestions that are not the statement's answer yet: per table, how many of its other candidates there were not
   * built (withheld from an automatic decision, held back by the budget, or busy) while a kept proof of one candidate was
   * reused. One of those may well beat it (issue 20, person42 H2: kept proofs of `orders (status)` alone made the editor
   * share it between three statements, where `pg-lens scan`, building every candidate, proved
   * `orders (status, placed_at) INCLUDE (…)` 941 → 11.3 against 941 → 295). The decision weighs such a statement apart.
   */
  notFinal?: { table: string; notBuilt: number }[];
  /** Every proof made: cost with the index, whether the plan used it, its size. */
  tried: { ddl: string; costAfter: number; planUsesIndex: boolean; indexSizeBytes: number | null; verifiedBy: VerifiedBy }[];
  elapsedMs: number;
}

export interface AdviseOptions {
  minCostReduction?: number;
  maxTableSizeMb?: number;
  /** Capabilities, when the caller has them already. */
  info?: Pick<ServerInfo, 'versionNum' | 'hypopg' | 'pgTrgm'>;
  /** Force a proof method (tests): 'auto' picks HypoPG, else transaction, else none. */
  proof?: 'auto' | 'hypopg' | 'transaction' | 'none';
  candidateOptions?: CandidateOptions;
  /** lock_timeout of a real trial build (default TRIAL_LOCK_TIMEOUT_MS: short, never waiting behind the app's writes). */
  lockTimeoutMs?: number;
  statementTimeoutMs?: number;
  /**
   * Whether a real index may be built (inside the rolled-back transaction) to prove a candidate when HypoPG cannot:
   * true only when the person asked for index advice (Suggest Indexes, the workload advice, the CLI). A build holds a
   * SHARE lock that blocks the table's writes, so automatic advice (diagnostics, hovers, scans) never builds: its
   * candidates are reported as not proved. Default true here; the one decision (indexDecision.ts) defaults to false.
   */
  realIndexes?: boolean;
  /**
   * The person asked for this advice (Suggest Indexes, the workload advice, the CLI): its real builds are counted in the
   * connection's budget (hypo.ts TrialBudget) but never held back by it. Automatic advice (trialBuilds automatic) is.
   */
  askedFor?: boolean;
  /** The budget of real trial builds to count them in (default: the one of the connection's server and role, trialBudgetOf). */
  trialBudget?: TrialBudget;
  /** The real trial builds' proofs to reuse and keep (default: those of the connection's server and role, trialProofsOf). */
  trialProofs?: TrialProofs;
  /** At most this many indexes per statement. */
  maxIndexes?: number;
  /**
   * How long, in all, this advice waits for other index advice of this process building trial indexes on its tables
   * (hypo.ts TrialGates; default TRIAL_WAIT_MS) before it leaves those candidates pending as busy.
   */
  trialWaitMs?: number;
  /** Try these instead of the statement's own candidates (another statement's index, to see whether one index serves both). */
  candidates?: IndexCandidate[];
  /** Plan as this role (oid; pg_stat_statements.userid) when the current role may become it (planGuard.planAs). */
  planAsRole?: string;
  /** Untrusted functions allowed by name (see planGuard). */
  trustFunctions?: readonly string[];
  log?: (line: string) => void;
  /** One advice run over several statements (a decision, the workload advice): each trial index is built once for all of them. */
  trialRun?: TrialRun;
}

/**
 * One advice run over several statements: when a real trial index is built for one statement, the run's other statements
 * on that table are planned with it too before it is rolled back, so no later statement of the run builds it again
 * (issue 20, person18 HIGH 3: one `pg-lens advise` built the same 4 indexes on favorites 5 times, once per statement).
 * A proof made on top of indexes kept in place (the greedy's later rounds) is shared with a statement that keeps the same
 * ones. The tables do not change within a run.
 */
export interface TrialRun {
  statements: readonly { sql: string; planAsRole?: string }[];
  proofs: Map<string, Omit<Proof, 'undo'>>;
  /** Each statement's tables as it names them (TableRef: schema when it writes one), parsed once per run (runTables). */
  tables: Map<string, TableRef[] | null>;
  /** Each statement's shape (core constantShape), computed once per run (runShape). */
  shapes: Map<string, string | null>;
  /**
   * The statements (sql and role) whose plan failed beside another's trial index: never planned as a sibling again. Such
   * a failure (an error, a function that sleeps until its backend is terminated) stays that statement's own outcome: when
   * it ended the session, the statement whose index was being built is advised again without it (SiblingLost).
   */
  unsafe: Set<string>;
}

export function newTrialRun(statements: readonly { sql: string; planAsRole?: string }[]): TrialRun {
  return { statements, proofs: new Map(), tables: new Map(), shapes: new Map(), unsafe: new Set() };
}

/** A sibling's plan ended the session of another statement's advice (TrialRun.unsafe): that advice is made again. */
class SiblingLost extends Error {}

function plannedKey(sql: string, role: string | undefined): string {
  return JSON.stringify([sql, role ?? null]);
}

function runKey(sql: string, role: string | undefined, kept: readonly string[], definition: string): string {
  return JSON.stringify([sql, role ?? null, [...kept].sort(), definition]);
}

/** runKey of every statement of a shape (core constantShape): a sibling planned once stands for the others of its shape. */
function runShapeKey(shapeText: string, role: string | undefined, kept: readonly string[], definition: string): string {
  return JSON.stringify(['shape', shapeText, role ?? null, [...kept].sort(), definition]);
}

/** The tables a statement reads, as it names them, parsed once per run. */
function runTables(run: TrialRun, sql: string): TableRef[] | null {
  let v = run.tables.get(sql);
  if (v === undefined) {
    const shape = statementShape(sql);
    v = shape ? shape.tables.map((t) => ({ schema: t.schema, name: t.name })) : null;
    run.tables.set(sql, v);
  }
  return v;
}

/**
 * The statement's shape (core constantShape: PostgreSQL's normaliser, as pg_stat_statements shows it, with the statement's
 * own highest $n), computed once per run: statements that differ only by constants share a trial build's proof (person31
 * H2: 3,000 statements on orders differing only in `total_cents > <i>` each proved the same 4 trial indexes). Null when
 * the parser cannot read it. A `$1` the code wrote is not the shape of a constant the normaliser made `$1`: the first is
 * planned generically, the second with its value's statistics, and their plans may differ.
 */
function runShape(sql: string, run?: TrialRun): string | null {
  const known = run?.shapes.get(sql);
  if (known !== undefined) return known;
  const v = constantShape(sql) ?? null;
  run?.shapes.set(sql, v);
  return v;
}

export const DEFAULT_MIN_REDUCTION = 0.3;

/**
 * A statement that can never return a row or always fails (core/advice/neverMatches: the value-not-allowed rule's finding on
 * its tables' catalog facts): no advice, said in neverMatchesAnswer's words; no decision weighs it (issue 20, L-2).
 * The check is the rules engine's, which lives in the lazily loaded engine (dist/engine.js, src/engine.ts): it is loaded
 * only for a statement with a literal on a table with a column whose values are listed, so the editor bundle carries none
 * of it (the CLI bundles the engine whole).
 */
export function neverMatchingAdvice(sql: string, tables: readonly TableFacts[]): Omit<AdviceResult, 'elapsedMs'> | undefined {
  if (!mayNeverMatch(sql, tables)) return undefined;
  // A require, not import(): esbuild makes it the editor's require of ./engine.js as it makes loadEngine's import() one
  // (esbuild.js lazyLibraries), and tsx's CommonJS hook (the db tests) resolves it, which it does not for import().
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { neverMatchingFinding, neverMatchesAnswer } = require('../engine') as typeof import('../engine');
  const f = neverMatchingFinding(sql, tables);
  return f ? { status: 'not-analysed', message: neverMatchesAnswer(f), suggestions: [], proof: 'none', considered: 0, rejected: [], tried: [] } : undefined;
}

export async function adviseStatement(db: Database, sql: string, params: unknown[] | undefined, opts: AdviseOptions = {}): Promise<AdviceResult> {
  const started = Date.now();
  const done = (r: Omit<AdviceResult, 'elapsedMs'>): AdviceResult => ({ ...r, elapsedMs: Date.now() - started });
  // PostgreSQL's parser reads what pgsql-ast-parser cannot (Sequelize's parenthesised include joins): loaded first.
  await loadPgParser();
  const shape = statementShape(sql);
  if (!shape) return done({ status: 'unparsed', message: `No index advice: ${shapeFailure(sql)}.`, suggestions: [], proof: 'none', considered: 0, rejected: [], tried: [] });
  if (!shape.tables.length) return done({ status: 'not-analysed', message: 'The statement reads no table.', suggestions: [], proof: 'none', considered: 0, rejected: [], tried: [] });
  const info = opts.info ?? (await db.serverInfo());
  const refs: TableRef[] = shape.tables.map((t) => ({ schema: t.schema, name: t.name }));
  const { tables, missing, notTables } = await readCatalogFacts(db, refs);
  const facts: CatalogFacts = { versionNum: info.versionNum, pgTrgm: info.pgTrgm, tables };
  if (missing.length) {
    return done({ status: 'missing-table', message: `No table ${missing.map((m) => (m.schema ? `${m.schema}.` : '') + m.name).join(', ')} in this database; no advice.`, suggestions: [], proof: 'none', considered: 0, rejected: [], tried: [] });
  }
  if (notTables.length) {
    return done({ status: 'not-analysed', message: `${notTables.map((n) => `${n.name} is ${n.kind}`).join(', ')}: index advice looks at tables only.`, suggestions: [], proof: 'none', considered: 0, rejected: [], tried: [] });
  }
  const never = neverMatchingAdvice(sql, tables);
  if (never) return done(never);
  try {
    return done(await adviseWithFacts(db, sql, params, shape, facts, info, opts));
  } finally {
    // The proofs it kept outlive a window reload (the editor's storage, trialProofs.ts).
    saveTrialProofs();
  }
}

async function adviseWithFacts(db: Database, sql: string, params: unknown[] | undefined, shape: StatementShape, facts: CatalogFacts, info: Pick<ServerInfo, 'versionNum' | 'hypopg' | 'pgTrgm'>, opts: AdviseOptions, waitUntil?: { since: number; until: number }, replanned = false): Promise<Omit<AdviceResult, 'elapsedMs'>> {
  const minReduction = opts.minCostReduction ?? DEFAULT_MIN_REDUCTION;
  const maxTableBytes = (opts.maxTableSizeMb ?? 50) * 1024 * 1024;
  const candidates = opts.candidates ?? indexCandidates(shape, facts, opts.candidateOptions);
  const rejected: AdviceResult['rejected'] = [];
  const tried: AdviceResult['tried'] = [];
  if (!candidates.length) {
    const servedBy = opts.candidates ? [] : indexesServing(shape, facts, opts.candidateOptions);
    const broad = opts.candidates || servedBy.length ? [] : broadFilters(shape, facts, opts.candidateOptions);
    return { status: 'ok', suggestions: [], proof: 'none', considered: 0, rejected, tried, ...(servedBy.length ? { servedBy } : {}), ...(broad.length ? { broadFilters: broad } : {}) };
  }
  await nameUniquely(db, candidates);

  const wanted = opts.proof ?? 'auto';
  const hypoOk = (wanted === 'auto' || wanted === 'hypopg') && info.hypopg === 'ready';
  const devProfile = !db.readOnly && db.profile.environment === 'development';
  const txAllowed = (wanted === 'auto' || wanted === 'transaction') && devProfile;
  const txOk = txAllowed && opts.realIndexes !== false;
  const realBuildWithheld = txAllowed && !txOk;
  const tableBytes = (c: IndexCandidate) => facts.tables.find((t) => t.schema === c.schema && t.name === c.table)?.sizeBytes ?? Infinity;
  const txFor = (c: IndexCandidate) => txOk && tableBytes(c) <= maxTableBytes;
  let proofNote: string | undefined;
  if (!hypoOk) {
    proofNote = info.hypopg === 'ready' ? undefined : `HypoPG is ${info.hypopg === 'available' ? 'available but not installed (CREATE EXTENSION hypopg)' : 'not available on this server'}`;
    if (!devProfile) proofNote = `${proofNote ?? ''}${proofNote ? '; ' : ''}a real index in a rolled-back transaction is only tried on development profiles`;
    else if (realBuildWithheld && !hypoOk) proofNote = `${proofNote ?? ''}${proofNote ? '; ' : ''}a real trial index (rolled back, it blocks the table's writes while it builds) is built only when you ask (pgLens.index.trialBuilds is whenAsked for this file): run Suggest Indexes`;
  }
  let tx: TransactionProver | undefined;
  const proofs = opts.trialProofs ?? trialProofsOf(db);
  // Statements that differ from this one only by constants share its trial builds' proofs (and it theirs).
  const shapeText = params ? null : runShape(sql, opts.trialRun);
  const snapshot = tablesSnapshot(facts.tables);
  // This statement's tables by the name it gives them: another statement of the run naming only these has its snapshot here.
  const factsByName = new Map<string, TableFacts>();
  for (const t of shape.tables) {
    const named = tablesNamed(facts.tables, t);
    if (named.length === 1) factsByName.set(qualifiedName(t.schema, t.name), named[0]);
  }
  /** The tables of a statement reading these tables, when each is one of this statement's (else undefined): their snapshot is known here. */
  const tablesOf = (refs: readonly TableRef[]): TableFacts[] | undefined => {
    const known = refs.map((r) => factsByName.get(qualifiedName(r.schema, r.name)));
    return known.length && known.every((t) => t !== undefined) ? [...new Set(known as TableFacts[])] : undefined;
  };
  // The indexes kept in place so far (greedy rounds): a proof is made on top of them, so they are part of its key.
  const keptDefs: string[] = [];
  // Kept indexes whose proof came from the cache: built only when a later proof needs a real build on top of them.
  const pendingKeep: IndexCandidate[] = [];
  let reused = 0;
  // Candidates a real build would have tried (not allowed here), and those another session was building on.
  const withheld = new Set<IndexCandidate>();
  const busy = new Set<IndexCandidate>();
  // Candidates held back by the connection's budget of real builds (TrialBudget): proved again later, as withheld ones are.
  const heldBack = new Set<IndexCandidate>();
  // Candidates a real build would have proved but for the table's size (maxTableSizeMb).
  const tooLarge = new Set<IndexCandidate>();
  // Candidates whose trial failed (a lock not granted in time, a statement timeout), with the server's message.
  const failed = new Map<IndexCandidate, string>();
  const notTried = (provedAny: boolean): { notTried?: NotTried[] } => {
    const triedDdl = new Set(tried.map((x) => x.ddl));
    const out: NotTried[] = [];
    for (const c of candidates) {
      if (provedAny || c.filterFallback || triedDdl.has(createIndexSql(c, { concurrently: true }))) continue;
      const why: NotTried['why'] = busy.has(c) ? 'busy' : heldBack.has(c) ? 'budget' : tooLarge.has(c) ? 'size' : withheld.has(c) ? 'withheld' : failed.has(c) ? 'failed' : 'unavailable';
      out.push({ index: `${displayTable(c)} (${c.keys.map((k) => k.label).join(', ')})`, table: displayTable(c), why, ...(why === 'size' ? { tableBytes: tableBytes(c), limitBytes: maxTableBytes } : {}), ...(why === 'failed' ? { error: failed.get(c) } : {}) });
    }
    return out.length ? { notTried: out } : {};
  };

  /** A real trial build's proof of this statement, kept in the server's and role's store by its text and by its shape. */
  const keepProof = (c: IndexCandidate, proof: Omit<Proof, 'undo'>) =>
    keepProofIn(proofs, { sql, params, role: opts.planAsRole, shape: shapeText, kept: keptDefs, definition: definitionOf(c) }, facts.tables, proof);

  let siblingLost = false;
  // The indexes the plan before any trial index uses (servedOf).
  let planIndexes: string[] = [];
  /**
   * No suggestion, yet candidates were tried: the existing indexes that already give what the statement needs are named as
   * they are when no candidate is left (person47 L5: `pg-lens advise` said "no index cuts … (1 candidate tried)" on the line
   * whose index exists, where the other lines said "an index it would use exists (…)"), with those its plan does not use.
   */
  const servedOf = (suggestions: readonly unknown[]): Pick<AdviceResult, 'servedBy' | 'servedUnused'> => {
    if (suggestions.length || opts.candidates) return {};
    const servedBy = indexesServing(shape, facts, opts.candidateOptions);
    if (!servedBy.length) return {};
    const unused = servedBy.filter((n) => !planIndexes.includes(n.slice(n.indexOf('.') + 1)));
    return { servedBy, ...(unused.length ? { servedUnused: unused } : {}) };
  };
  // Another advice of this process building on a table this one must build on (TrialGates): rolled back, waited for, made again.
  let held: TrialTableHeld | undefined;
  // Siblings planned beside a build that read tables this statement does not: their proofs are kept once the transaction has
  // rolled back and those tables' snapshot is read (keepLater).
  const later: { sql: string; role?: string; shape: string | null; kept: string[]; definition: string; refs: TableRef[]; proof: Omit<Proof, 'undo'> }[] = [];
  const run = async (s: Session) => {
    const ctx = { session: s, sql, params, versionNum: info.versionNum, trustFunctions: opts.trustFunctions };
    if (opts.planAsRole) await planAs(s, opts.planAsRole);
    const before = await planOf(ctx);
    const footing = planFooting(before);
    // The plan as it is (no trial index yet): the indexes it uses are never offered for DROP.
    db.indexUse.noteIndexes(sql, before.indexNames.map((name) => ({ schema: null, name })));
    planIndexes = before.indexNames;
    tx = txOk ? new TransactionProver(ctx, { lockTimeoutMs: opts.lockTimeoutMs ?? TRIAL_LOCK_TIMEOUT_MS, statementTimeoutMs: opts.statementTimeoutMs ?? 15000, log: opts.log, budget: opts.trialBudget ?? trialBudgetOf(db), asked: opts.askedFor, gates: trialGatesOf(db), ...(waitUntil && Date.now() >= waitUntil.until ? { waited: Date.now() - waitUntil.since } : {}) }) : undefined;
    if (tx) await tx.init();
    // HypoPG installed on the server but not in this database: on a development profile, create it
    // inside this transaction (rolled back with everything else) when the role may.
    let hypoNow = hypoOk;
    // It locks no table of the app: automatic advice may do it too.
    if (!hypoNow && wanted === 'auto' && info.hypopg === 'available' && txAllowed) {
      hypoNow = await tryTransientHypopg(s);
      if (hypoNow) proofNote = 'HypoPG created for this analysis only, inside the rolled-back transaction';
    }
    const hypo = hypoNow ? new HypoProver(ctx) : undefined;
    try {
      return await greedy(before);
    } finally {
      if (hypo) await hypo.reset().catch(() => undefined);
    }

    async function proveOne(c: IndexCandidate, keep = false): Promise<Proof | 'unverifiable'> {
      if (hypo?.supports(c)) return hypo.prove(c);
      if (tx && txFor(c)) {
        // A real trial build proved this index on this statement, on the same tables, a moment ago (Suggest Indexes, then
        // the workload advice, then the decision again after a setting changed): its proof is reused, nothing is built
        // (issue 20, person17 MEDIUM 9: the same trial index built 5 times on a 600k-row table the app writes to).
        // A proof made for another statement of this shape is reused only on the same footing: its plan before the index
        // within 0.5–2× of this one's cost, with the same scans (person38 H1: the index proved for `status = 'refunded'`,
        // 941 → 18.1, was this proof for `status = 'delivered'`, whose plan is an Index Scan on the key at 1,805 either way).
        const footed = <T extends { before?: PlanFooting }>(p: T | undefined): T | undefined => (p && sameFooting(p.before, footing) ? p : undefined);
        const shared = !params && (opts.trialRun?.proofs.get(runKey(sql, opts.planAsRole, keptDefs, definitionOf(c)))
          ?? (shapeText ? footed(opts.trialRun?.proofs.get(runShapeKey(shapeText, opts.planAsRole, keptDefs, definitionOf(c)))) : undefined));
        const after = waitUntil === undefined ? '' : '; after waiting for another index advice of this PG Lens building on that table';
        if (shared) {
          reused++;
          opts.log?.(`index advice: reused the proof of a trial index on ${displayTable(c)} built for another statement of this run (nothing built${after}): ${createIndexSql(c, { concurrently: false })}`);
          // Kept as this statement's proof too (its tables' snapshot is known here, not where the sibling was planned): a
          // later advice of it — a profile switch and back, a new decision that reaches it first — reuses it, where it built
          // the index again (verify33 M1: 5 definitions built again on the switch back, each one a statement had taken
          // from another's build in the first pass).
          keepProof(c, { ...shared, before: footing });
          if (keep) pendingKeep.push(c);
          return { ...shared, undo: async () => undefined };
        }
        const hit = keptProof(c, after);
        if (hit) {
          if (keep) pendingKeep.push(c);
          return hit;
        }
        let p: Proof;
        try {
          // A real build on top of the kept indexes: those reused from the cache are built now.
          while (pendingKeep.length) await tx.prove(pendingKeep.shift()!);
          // The statement it was built for, as a person reads it (person37 L10: the proof store's key and shape hashes filled
          // `pg-lens scan`'s stderr; they were for tracing duplicate builds, now found and fixed).
          p = await tx.prove(c, `for ${describeStatement(sql, opts.planAsRole, keptDefs, opts.trialRun)}`);
        } catch (e) {
          // Another advice of this process builds on that table: this one rolls back, waits for it, and is made again.
          if (e instanceof TrialTableHeld) held = e;
          throw e;
        }
        if (opts.trialRun) await planSiblings(opts.trialRun, c, p);
        keepProof(c, { verifiedBy: p.verifiedBy, plan: p.plan, costAfter: p.costAfter, planUsesIndex: p.planUsesIndex, indexSizeBytes: p.indexSizeBytes, planIndexName: p.planIndexName, before: footing });
        return p;
      }
      // Real builds withheld (an automatic decision: trialBuilds whenAsked): a real build's kept proof of this index on this
      // statement, on the same tables, is still its proof, as an asked decision reuses it — nothing is built either way.
      // Before, only an asked decision looked: after a reload, the automatic decisions of the open files saw none of the
      // proofs Suggest Indexes had made, and a statement's line went from `orders (status, customer_id)` proved to
      // `orders (status)` unproved or to another statement's shared index (person41 M1; db test shopAutomaticReuse).
      if (realBuildWithheld && tableBytes(c) <= maxTableBytes) {
        const hit = keptProof(c, '') ?? earlierProof(c);
        if (hit) return hit;
      }
      if ((tx || realBuildWithheld) && tableBytes(c) > maxTableBytes) tooLarge.add(c);
      else if (realBuildWithheld) withheld.add(c);
      return 'unverifiable';
    }

    /** A real trial build's proof of `c` on this statement (or one of its shape on the same footing) kept in the store, reused. */
    function keptProof(c: IndexCandidate, after: string): Proof | undefined {
      const key = proofKey(sql, params, opts.planAsRole, keptDefs, definitionOf(c), snapshot);
      const shapeKey = shapeText ? proofShapeKey(shapeText, opts.planAsRole, keptDefs, definitionOf(c), snapshot) : undefined;
      const exact = proofs.get(key);
      const byShape = shapeKey ? proofs.get(shapeKey) : undefined;
      const hit = exact ?? (byShape && sameFooting(byShape.proof.before, footing) ? byShape : undefined);
      if (!hit) return undefined;
      reused++;
      opts.log?.(`index advice: reused the proof of a trial index on ${displayTable(c)} made ${Math.round((Date.now() - hit.at) / 1000)} s ago${exact ? '' : ' for a statement that differs from this one only by constants'} (nothing built${after}): ${createIndexSql(c, { concurrently: false })}`);
      return { ...hit.proof, undo: async () => undefined };
    }

    /**
     * The statement's latest real-build proof of `c` on tables that have changed since by their figures only (rows,
     * statistics, size: the app's traffic; no index or column added or dropped), its plan before reading them the same way
     * (the same scans): kept, saying when it was proved and which tables changed since. An automatic decision builds
     * nothing; before, the line fell back to another, unproved index once the demo's traffic had grown `orders` (person41
     * M1: `orders (status)` where `orders (status, customer_id)` was proved). Its costs and rows are not asked to be within
     * 2× (sameFooting, for another statement of its shape): they are what changed — an ANALYZE that made 'refunded' 3.8%
     * of orders, not 0.5%, made the refunds read keep 1,602 rows, not 173, and its proved line went for minutes, Problems
     * down to an unproved estimate (person45 H1), until Suggest Indexes.
     */
    function earlierProof(c: IndexCandidate): Proof | undefined {
      const hit = proofs.get(latestProofKey(sql, params, opts.planAsRole, keptDefs, definitionOf(c), tablesStructure(facts.tables)));
      if (!hit || !sameScans(hit.proof.before, footing)) return undefined;
      reused++;
      const changed = hit.snapshot ? changedTables(hit.snapshot, snapshot) : [];
      opts.log?.(`index advice: kept the proof of a trial index on ${displayTable(c)} made ${Math.round((Date.now() - hit.at) / 1000)} s ago; ${changed.join(', ') || 'the tables'} changed since (nothing built): ${createIndexSql(c, { concurrently: false })}`);
      return { ...hit.proof, earlier: { at: hit.at, changed }, undo: async () => undefined };
    }

    /** The run's other statements on the candidate's table, planned with the trial index built now (see TrialRun). */
    async function planSiblings(trial: TrialRun, c: IndexCandidate, p: Proof): Promise<void> {
      const def = definitionOf(c);
      const slice = new TimeSlice();
      for (const st of trial.statements) {
        // A run of a generated file's 3,000 statements: the editor's extension host gets its turns (issue 20, person32 H1).
        await slice.turn();
        if (st.sql === sql || (st.planAsRole ?? undefined) !== opts.planAsRole) continue;
        // The same statement but for constants: it takes this proof by its shape (nothing to plan for it here). Asked
        // first: PostgreSQL's normaliser is quick, the tables' parse (runTables) is not.
        const stShape = runShape(st.sql, trial);
        if (shapeText && stShape === shapeText) continue;
        // A sibling of a shape already planned beside this index stands for the others of its shape (issue 20, verify32:
        // each trial index on orders built for the app's statement planned all 3,000 statements of the generated file).
        const shapeKey = stShape === null ? undefined : runShapeKey(stShape, st.planAsRole, keptDefs, def);
        const key = runKey(st.sql, st.planAsRole, keptDefs, def);
        if (trial.proofs.has(key) || (shapeKey && trial.proofs.has(shapeKey)) || trial.unsafe.has(plannedKey(st.sql, st.planAsRole)) || !runTables(trial, st.sql)?.some((t) => t.name.toLowerCase() === c.table.toLowerCase())) continue;
        await s.query(HYPO_SQL.savepoint);
        try {
          const plan = await planOf({ ...ctx, sql: st.sql, params: undefined });
          const proof = { verifiedBy: 'transaction' as const, plan, costAfter: plan.totalCost, planUsesIndex: plan.indexNames.includes(c.name), indexSizeBytes: p.indexSizeBytes, planIndexName: c.name };
          trial.proofs.set(key, proof);
          if (shapeKey) trial.proofs.set(shapeKey, proof);
          // Kept in the server's and role's store as that statement's proof too, when its tables are this statement's (their
          // snapshot known here): its own advice may never come in this run (the decision cancelled when the file changed),
          // and a later one built the index again for it.
          const stTables = tablesOf(runTables(trial, st.sql) ?? []);
          if (stTables) keepProofIn(proofs, { sql: st.sql, role: st.planAsRole, shape: stShape, kept: keptDefs, definition: def }, stTables, proof);
          // It reads other tables too: kept once this transaction has rolled back, under their snapshot then (a decision of
          // the same window waiting for this table looks it up after; verify35 M1: it built the index again).
          else later.push({ sql: st.sql, role: st.planAsRole, shape: stShape, kept: [...keptDefs], definition: def, refs: runTables(trial, st.sql) ?? [], proof });
          await s.query(HYPO_SQL.releaseSavepoint);
        } catch {
          // Not planned (the statement fails on its own): its advice builds the index itself.
          trial.unsafe.add(plannedKey(st.sql, st.planAsRole));
          try {
            await s.query(HYPO_SQL.rollbackToSavepoint);
            await s.query(HYPO_SQL.releaseSavepoint);
          } catch {
            siblingLost = true;
            throw new SiblingLost('a statement of this run ended the session while planned beside this one\'s trial index');
          }
        }
      }
    }

    async function greedy(baseline: PlanSummary) {
      const suggestions: IndexSuggestion[] = [];
      let current = baseline;
      let remaining = [...candidates];
      const unverified: IndexCandidate[] = [];
      const maxIndexes = opts.maxIndexes ?? 3;
      while (remaining.length && suggestions.length < maxIndexes) {
        const proved: { c: IndexCandidate; p: Proof }[] = [];
        // Every candidate the plan used this round, whatever it cut: the best of them may make a pair (below).
        const used: { c: IndexCandidate; p: Proof }[] = [];
        // The filter alone above its bound (IndexCandidate.filterFallback) joins the round only when the candidate that adds
        // the ORDER BY's keys to it is used and its plan still sorts (pushed onto the list being walked).
        const queue = remaining.filter((c) => !c.filterFallback);
        for (const c of queue) {
          let p: Proof | 'unverifiable';
          try {
            p = await proveOne(c);
          } catch (e) {
            if (e instanceof SiblingLost) throw e;
            if (e instanceof TrialTableHeld) throw e;
            if (e instanceof TrialBusyError || e instanceof TrialBudgetError) {
              // Not waited for: reported as not proved, like a candidate nobody could try.
              rejected.push({ ddl: createIndexSql(c, { concurrently: true }), why: e.message });
              (e instanceof TrialBusyError ? busy : heldBack).add(c);
              if (!unverified.includes(c)) unverified.push(c);
              continue;
            }
            rejected.push({ ddl: createIndexSql(c, { concurrently: true }), why: `could not be tried: ${describeError(e)}` });
            failed.set(c, describeError(e));
            continue;
          }
          if (p === 'unverifiable') {
            if (!unverified.includes(c)) unverified.push(c);
            continue;
          }
          await p.undo();
          tried.push({ ddl: createIndexSql(c, { concurrently: true }), costAfter: round(p.costAfter), planUsesIndex: p.planUsesIndex, indexSizeBytes: p.indexSizeBytes, verifiedBy: p.verifiedBy });
          const reduction = current.totalCost > 0 ? 1 - p.costAfter / current.totalCost : 0;
          if (p.planUsesIndex && reduction > 0) used.push({ c, p });
          if (p.planUsesIndex && c.kind === 'sort' && stillSorts(p.plan)) {
            const alone = remaining.find((x) => x.filterFallback && extendsWithOrder(c, x) && !queue.includes(x));
            if (alone) queue.push(alone);
          }
          if (!p.planUsesIndex) {
            rejected.push({ ddl: createIndexSql(c, { concurrently: true }), why: 'the planner does not use it' });
          } else if (reduction < minReduction) {
            rejected.push({ ddl: createIndexSql(c, { concurrently: true }), why: `cuts the estimated cost by only ${(reduction * 100).toFixed(0)}% (${formatCost(current.totalCost)} → ${formatCost(p.costAfter)})` });
          } else {
            proved.push({ c, p });
          }
        }
        if (!proved.length) {
          if (!suggestions.length && maxIndexes >= 2) suggestions.push(...(await sortPair(used, remaining, current)));
          break;
        }
        const best = sortOrFilter(pickBest(proved), proved, used);
        const narrower = best.alone ? undefined : sameSortingPrefix(best, proved);
        // One index per table and statement: the others on that table do the same job.
        remaining = remaining.filter((c) => !(c.schema === best.c.schema && c.table === best.c.table));
        if (!remaining.length || suggestions.length + 1 >= maxIndexes) {
          // Last round: the proof already made is the answer (no need to build it again).
          suggestions.push(toSuggestion(best.c, best.p, current, facts, narrower));
          break;
        }
        // Keep the winner in place (prove again, no undo) and try the others on top of it.
        const kept = await proveOne(best.c, true);
        if (kept === 'unverifiable') break;
        keptDefs.push(definitionOf(best.c));
        suggestions.push(toSuggestion(best.c, kept, current, facts, narrower));
        current = kept.plan;
      }
      /**
       * No index alone cuts enough, yet two together may: the driving table's ORDER BY index under a LIMIT reads rows in
       * order, and pays only when each row's joined rows are found by an index too (issue 20, person18 HIGH 3: the
       * RealWorld article list, ORDER BY articles.created_at over five LEFT JOINs — `articles (created_at)` alone is not
       * used or cuts little, `articles_tags (article)` alone cuts 26%, the two 172,208 → 349.6). The best candidate the
       * plan used is kept, and each ORDER BY candidate on another table is proved on top of it.
       */
      async function sortPair(usedAlone: { c: IndexCandidate; p: Proof }[], left: IndexCandidate[], baseline: PlanSummary): Promise<IndexSuggestion[]> {
        const first = usedAlone.filter((x) => !x.c.servesLimit).sort((a, b) => a.p.costAfter - b.p.costAfter)[0];
        const sorters = first ? left.filter((c) => c.servesLimit && !(c.schema === first.c.schema && c.table === first.c.table)) : [];
        if (!first || !sorters.length) return [];
        const kept = await proveOne(first.c, true);
        if (kept === 'unverifiable') return [];
        keptDefs.push(definitionOf(first.c));
        let best: { c: IndexCandidate; p: Proof } | undefined;
        for (const c of sorters) {
          let p: Proof | 'unverifiable';
          try {
            p = await proveOne(c);
          } catch (e) {
            if (e instanceof SiblingLost) throw e;
            if (e instanceof TrialTableHeld) throw e;
            rejected.push({ ddl: createIndexSql(c, { concurrently: true }), why: `could not be tried: ${describeError(e)}` });
            continue;
          }
          if (p === 'unverifiable') continue;
          await p.undo();
          tried.push({ ddl: createIndexSql(c, { concurrently: true }), costAfter: round(p.costAfter), planUsesIndex: p.planUsesIndex, indexSizeBytes: p.indexSizeBytes, verifiedBy: p.verifiedBy });
          if (p.planUsesIndex && [first.c.name, kept.planIndexName].some((n) => p.plan.indexNames.includes(n)) && (!best || p.costAfter < best.p.costAfter)) best = { c, p };
        }
        if (!best || (baseline.totalCost > 0 ? 1 - best.p.costAfter / baseline.totalCost : 0) < minReduction) {
          await kept.undo();
          keptDefs.pop();
          return [];
        }
        rejected.splice(0, rejected.length, ...rejected.filter((r) => r.ddl !== createIndexSql(first.c, { concurrently: true })));
        return [toSuggestion(first.c, kept, baseline, facts), { ...toSuggestion(best.c, best.p, kept.plan, facts), reason: `${best.c.reason}, with ${first.c.table} (${first.c.keys.map((k) => k.label).join(', ')}) for the join: together they cut the estimated cost ${formatCost(baseline.totalCost)} → ${formatCost(best.p.costAfter)}` }];
      }

      // Candidates nobody could prove: report the strongest per table as not verified, when the
      // plan scans that table sequentially and the predicates are selective.
      if (!suggestions.length && unverified.length) {
        const sorts = planSorts(baseline);
        for (const first of unverified) {
          const t = facts.tables.find((x) => x.schema === first.schema && x.name === first.table);
          // Unproved advice rests on the estimate alone: only when pg_stats measured every key column (a guessed share
          // of rows on a boolean nearly every row shares read as "selective"; issue 20, person16 HIGH 2).
          const measured = (x: IndexCandidate) => !!t && x.keys.every((k) => k.column && t.stats[k.column]);
          // The index a proof names (issue 20, person33: production, which proves nothing, named orders (customer_id)
          // where development proved (customer_id, placed_at DESC)): when the plan sorts for the LIMIT, a candidate with
          // the same leading keys followed by the ORDER BY's does all the narrower one does and spares the sort.
          const c = (sorts && !first.servesLimit && unverified.find((d) => d.servesLimit && extendsWithOrder(d, first) && measured(d))) || first;
          if (suggestions.some((s) => s.schema === c.schema && s.table === displayTable(c))) continue;
          const seq = baseline.seqScans.find((s) => s.relation === c.table);
          // A sort index under a LIMIT is worth trying however many rows the filters keep (`status = 'o'` keeps a quarter of
          // the rows; `(status, due_back)` still stops the scan after a page): when the plan sorts them now (issue 20,
          // person17 MEDIUM 5: the hover said "no index" where Suggest Indexes then proved one 18,234 → 2,365).
          const sortsForLimit = c.servesLimit && sorts;
          if (!t || !seq || (t.rows ?? 0) < 10000 || (c.selectivity > INDEX_MAX_SELECTIVITY && !sortsForLimit) || !measured(c)) continue;
          suggestions.push(unverifiedSuggestion(c, baseline, t, seq, busy.has(c) ? 'busy' : heldBack.has(c) ? 'budget' : withheld.has(c) ? 'withheld' : tooLarge.has(c) ? 'size' : 'unavailable'));
        }
      }
      return { suggestions, costBefore: baseline.totalCost, footing: planFooting(baseline) };
    }
  };

  try {
    let made: Awaited<ReturnType<typeof run>>;
    try {
      made = await db.rolledBack(run, { readOnly: !txOk && !(txAllowed && wanted === 'auto' && info.hypopg === 'available') });
    } finally {
      // Rolled back: the siblings' proofs are kept before the tables are given back, so an advice waiting for them finds them.
      await keepLater(db, later, proofs);
      tx?.releaseGates();
    }
    const { costBefore, footing } = made;
    const unfinished = notFinalOf(made.suggestions, [...withheld, ...busy, ...heldBack]);
    // Said on the line: a kept proof of one candidate, others not built yet (AdviceResult.notFinal).
    const suggestions = made.suggestions.map((x) => {
      const n = unfinished.notFinal?.find((f) => f.table === x.table);
      return n ? { ...x, summary: `${x.summary} (not final: ${countOf(n.notBuilt, 'other candidate')} on ${x.table} not built yet; Suggest Indexes weighs them)` } : x;
    });
    const proof: VerifiedBy = suggestions[0]?.verifiedBy ?? (hypoOk ? 'hypopg' : txOk ? 'transaction' : 'none');
    const realBuilds = tx?.built.length ?? 0;
    // A real build wrote the table's row count and pages into pg_class in place (CREATE INDEX's index_update_stats, up to
    // PostgreSQL 17), which the rollback does not undo: every plan from now on reads them — the proofs' plans with the index
    // did, the plan before it was read earlier. When the plan before reads otherwise now, the advice is made again once on
    // the proofs just kept (nothing built), so "cost X → Y" compares two plans on the same figures (lowso: the line said
    // 1,323 → … beside the hover's plan of 1,259 until the next 30 s check).
    if (realBuilds && !replanned && !params) {
      const now = await planFootingOf(db, sql, opts.planAsRole, { info, trustFunctions: opts.trustFunctions });
      if (Math.abs(now.cost - costBefore) > 0.005) {
        opts.log?.(`index advice: a trial build updated the table's figures in place (the plan without the index ${formatCost(costBefore)} → ${formatCost(now.cost)}); the advice is made again on its proofs`);
        const again = await adviseWithFacts(db, sql, params, shape, facts, info, opts, waitUntil, true);
        return { ...again, realBuilds: realBuilds + (again.realBuilds ?? 0) };
      }
    }
    return { ...(reused ? { reusedProofs: reused } : {}), status: 'ok', suggestions, costBefore, footing, proof, proofNote, considered: candidates.length, rejected, tried, ...(withheld.size || busy.size || heldBack.size ? { realBuildWithheld: true } : {}), ...(busy.size || heldBack.size ? { notBuiltYet: notBuiltYet(busy, heldBack) } : {}), ...(realBuilds ? { realBuilds } : {}), ...notTried(suggestions.some((x) => x.verifiedBy !== 'none')), ...unfinished, ...servedOf(suggestions) };
  } catch (e) {
    // Another statement's failure is never this one's outcome: advised again, that statement no longer planned beside it.
    // (By the flag: the database layer wraps what crosses its session.)
    if (siblingLost) return adviseWithFacts(db, sql, params, shape, facts, info, opts, waitUntil);
    // Another advice of this process was building on a table this one needed a build on: once it has ended (at most
    // TRIAL_WAIT_MS in all), made again; its proofs are in the store by then.
    if (held) {
      const wait = waitUntil ?? { since: Date.now(), until: Date.now() + (opts.trialWaitMs ?? TRIAL_WAIT_MS) };
      await waitFor(held.done, wait.until - Date.now());
      return adviseWithFacts(db, sql, params, shape, facts, info, opts, wait);
    }
    const message = describeError(e);
    opts.log?.(`index advice: ${message}`);
    return { status: 'error', message, suggestions: [], proof: 'none', proofNote, considered: candidates.length, rejected, tried, ...(withheld.size ? { realBuildWithheld: true } : {}) };
  }
}

/** Lowest cost; BRIN first when proved (tiny, cheap on writes); near-ties go to the smaller index. */
function pickBest(proved: { c: IndexCandidate; p: Proof }[]): { c: IndexCandidate; p: Proof } {
  const brin = proved.filter((x) => x.c.preferWhenProved);
  if (brin.length) return brin.sort((a, b) => a.p.costAfter - b.p.costAfter)[0];
  // A plan that still sorts loses a tie to one that does not: `WHERE article = $1 ORDER BY created_at DESC` gets
  // (article, created_at), which removes the Sort, over (article) at the same estimate (issue 20, person18 LOW 6).
  // At the same estimate (a few rows per key today), the equality+ORDER BY composite wins over its own equality prefix too:
  // its rows come out in order, so the Sort goes as soon as a key has more rows.
  const sorted = [...proved].sort((a, b) => a.p.costAfter - b.p.costAfter || Number(planSorts(a.p.plan)) - Number(planSorts(b.p.plan)) || Number(extendsWithOrder(b.c, a.c)) - Number(extendsWithOrder(a.c, b.c)));
  let best = sorted[0];
  for (const x of sorted.slice(1)) {
    // Smaller or simpler never wins back the Sort the best one removes, nor replaces the composite it is the prefix of when
    // that is at least as good.
    if (planSorts(x.p.plan) && !planSorts(best.p.plan)) continue;
    if (extendsWithOrder(best.c, x.c) && best.p.costAfter <= x.p.costAfter) continue;
    const xs = x.p.indexSizeBytes ?? Infinity;
    const bs = best.p.indexSizeBytes ?? Infinity;
    const close = x.p.costAfter <= best.p.costAfter * 1.1 + 0.5;
    // Estimates are rough: an index a fifth the size (a partial one, say) wins a 25% cost difference.
    const fairlyClose = x.p.costAfter <= best.p.costAfter * 1.25 + 1;
    const smaller = xs < bs * 0.7;
    const muchSmaller = xs <= bs * 0.2;
    const simpler = x.c.keys.length + x.c.include.length < best.c.keys.length + best.c.include.length && xs <= bs;
    if ((close && (smaller || simpler)) || (fairlyClose && muchSmaller)) best = x;
  }
  return best;
}

/** The plan still sorts in full (a Sort node; an Incremental Sort is the order an index's leading keys give). */
function stillSorts(plan: PlanSummary): boolean {
  return plan.nodes.some((n) => n.nodeType === 'Sort');
}

/**
 * Between the ORDER BY's index whose plan still sorts and the filter alone (IndexCandidate.filterFallback, tried because of
 * it): the one the planner costs lower, a tie to the narrower (issue 20, person48 M-A), with why in its reason. Dexter's
 * way: try both, keep the best. Any other pick is returned as it is. `alone`: the filter's own index was picked over it.
 */
function sortOrFilter(best: { c: IndexCandidate; p: Proof }, proved: readonly { c: IndexCandidate; p: Proof }[], used: readonly { c: IndexCandidate; p: Proof }[]): { c: IndexCandidate; p: Proof; alone?: true } {
  const title = (c: IndexCandidate) => `${displayTable(c)} (${c.keys.map((k) => k.label).join(', ')})`;
  const kept = (c: IndexCandidate) => `${formatPercent(c.selectivity)} of the rows, more than the ${formatPercent(INDEX_MAX_SELECTIVITY)} PG Lens tries a filter alone for`;
  if (best.c.filterFallback) {
    const wide = used.find((x) => x.c.kind === 'sort' && extendsWithOrder(x.c, best.c));
    if (!wide) return best;
    return { ...best, alone: true, c: { ...best.c, reason: `${best.c.reason}: its filter keeps ${kept(best.c)}, tried because the plan with ${title(wide.c)} still sorts (that index does not give the ORDER BY, so its gain is the filter's); ${best.p.costAfter < wide.p.costAfter ? `the planner costs ${title(best.c)} lower, ${formatCost(best.p.costAfter)} against ${formatCost(wide.p.costAfter)}` : `the planner costs both ${formatCost(best.p.costAfter)}, and ${title(best.c)} is the narrower`}` } };
  }
  if (best.c.kind !== 'sort' || !stillSorts(best.p.plan)) return best;
  const alone = proved.find((x) => x.c.filterFallback && extendsWithOrder(best.c, x.c));
  if (alone && alone.p.costAfter <= best.p.costAfter) return sortOrFilter(alone, proved, used);
  return alone ? { ...best, c: { ...best.c, reason: `${best.c.reason}; ${title(alone.c)} alone was tried too (this plan still sorts): the planner costs it higher, ${formatCost(alone.p.costAfter)} against ${formatCost(best.p.costAfter)}` } } : best;
}

/**
 * The picked equality+ORDER BY composite's own equality prefix, proved too, when both plans still sort (a few rows per key
 * today): its title, so the reason says the narrower index gives today's plan and why the wider one (pickBest keeps the
 * composite at the same estimate; person43 L3).
 */
function sameSortingPrefix(best: { c: IndexCandidate; p: Proof }, proved: readonly { c: IndexCandidate; p: Proof }[]): string | undefined {
  if (!planSorts(best.p.plan)) return undefined;
  const x = proved.find((y) => y !== best && extendsWithOrder(best.c, y.c) && planSorts(y.p.plan));
  return x ? `${displayTable(x.c)} (${x.c.keys.map((k) => k.label).join(', ')})` : undefined;
}

/** CREATE EXTENSION inside a savepoint of the current transaction; false (and nothing changed) when refused. */
async function tryTransientHypopg(s: Session): Promise<boolean> {
  await s.query(HYPO_SQL.savepoint);
  try {
    await s.querySingle(TRANSIENT_HYPOPG, []);
    await s.query(HYPO_SQL.releaseSavepoint);
    return true;
  } catch {
    await s.query(HYPO_SQL.rollbackToSavepoint).catch(() => undefined);
    await s.query(HYPO_SQL.releaseSavepoint).catch(() => undefined);
    return false;
  }
}

/** The tables (`schema.name`, unquoted as health's facts name them) of candidates another session was building on (`busy`) or the budget held back, each once per reason (AdviceResult.notBuiltYet). */
function notBuiltYet(busy: ReadonlySet<IndexCandidate>, heldBack: ReadonlySet<IndexCandidate>): NonNullable<AdviceResult['notBuiltYet']> {
  const out = new Map<string, { table: string; why: 'budget' | 'busy' }>();
  for (const [set, why] of [[busy, 'busy'], [heldBack, 'budget']] as const) for (const c of set) out.set(`${why}\u0000${c.schema}.${c.table}`, { table: `${c.schema}.${c.table}`, why });
  return [...out.values()];
}

/** AdviceResult.notFinal: the proved suggestions' tables with candidates not built (each candidate once). */
function notFinalOf(suggestions: readonly IndexSuggestion[], notBuilt: readonly IndexCandidate[]): { notFinal?: NonNullable<AdviceResult['notFinal']> } {
  const out: NonNullable<AdviceResult['notFinal']> = [];
  for (const s of suggestions) {
    if (s.verifiedBy === 'none' || out.some((x) => x.table === s.table)) continue;
    const n = new Set(notBuilt.filter((c) => c.schema === s.schema && displayTable(c) === s.table && createIndexSql(c, { concurrently: true }) !== s.ddl)).size;
    if (n) out.push({ table: s.table, notBuilt: n });
  }
  return out.length ? { notFinal: out } : {};
}

function displayTable(c: IndexCandidate): string {
  return c.schema === 'public' ? c.table : `${c.schema}.${c.table}`;
}

/** The fields every suggestion of a candidate has, proved or not (in the order JSON output shows them). */
function candidateFields(c: IndexCandidate, before: PlanSummary): Pick<IndexSuggestion, 'ddl' | 'table' | 'schema' | 'columns' | 'method' | 'where' | 'include' | 'costBefore' | 'opclasses'> {
  return { ...advisedIndexFields(c), costBefore: round(before.totalCost) };
}

function toSuggestion(c: IndexCandidate, p: Proof, before: PlanSummary, facts: CatalogFacts, narrower?: string): IndexSuggestion {
  const t = facts.tables.find((x) => x.schema === c.schema && x.name === c.table);
  const rows = t?.rows ?? 0;
  const seq = before.seqScans.find((s) => s.relation === c.table);
  const size = `${formatCount(rows)} rows${t && !t.analysed ? ', never analysed' : ''}`;
  // The node that reads the table now, when it is a Seq Scan; else what the message is about, in words (person28 L3: "orders
  // (32k rows): an index on orders …" read as if a word was missing) — the table's size, not what the plan reads
  // (person54 L-9: "Reading orders (32k rows)" over an index scan of 165).
  const prefix = seq ? `Seq Scan on ${c.table} (${size})` : `Reading ${c.table} (a table of ${size})`;
  // What the DDL creates, as the fix, the hover and the workload say it (person29 L9: "a GIN index on products
  // (attributes)" here, "products USING gin (attributes jsonb_path_ops)" there).
  const fields = candidateFields(c, before);
  const what = `an index on ${indexDefinitionTitle(fields)}`;
  const redundant = t ? madeRedundantBy(c, t.indexes).map((i) => i.name) : [];
  // A kept earlier proof's figures are that proof's: its plan before, on the tables as they were.
  const figures: SummaryFigures = { before: p.earlier ? (p.before?.cost ?? before.totalCost) : before.totalCost, after: p.costAfter, earlier: !!p.earlier };
  return {
    ...fields,
    costAfter: round(p.costAfter),
    verifiedBy: p.verifiedBy,
    reason: reasonAsProved(c.reason, p.plan, narrower) + (c.needsExtension ? ' (needs CREATE EXTENSION pg_trgm)' : ''),
    planUsesIndex: p.planUsesIndex,
    indexSizeBytes: p.indexSizeBytes,
    name: c.name,
    kind: c.kind,
    needsExtension: c.needsExtension,
    tableRows: rows,
    seqScan: seq ? { relation: seq.relation, rows } : undefined,
    planBefore: planOutline(before),
    planAfter: planOutline(p.plan).map((l) => l.split(p.planIndexName).join(c.name)),
    summary: `${prefix}: ${what}${costPhrase(figures)}${p.earlier ? ` (${earlierNote(p.earlier)})` : ''}${redundant.length ? `; ${madeRedundantPhrase(redundant)}` : ''}`,
    ...(redundant.length ? { makesRedundant: redundant } : {}),
    figures,
    ...(t ? { tableIndexes: t.indexes.filter((i) => i.valid).map((i) => i.name).sort() } : {}),
    ...(p.earlier ? { provedEarlier: p.earlier } : {}),
  };
}

/** The plan still sorts (a Sort or an Incremental Sort node). */
function planSorts(plan: PlanSummary): boolean {
  return plan.nodes.some((n) => /^(Incremental )?Sort$/.test(n.nodeType));
}

/** `a` is `b`'s keys followed by ORDER BY keys on the same table (a sort candidate, neither partial): it does all `b` does and spares the sort. */
function extendsWithOrder(a: IndexCandidate, b: IndexCandidate): boolean {
  return a.kind === 'sort' && a.schema === b.schema && a.table === b.table && !a.where && !b.where
    && a.keys.length > b.keys.length && b.keys.every((k, i) => k.sql === a.keys[i].sql);
}

/**
 * Why a candidate is not proved: `withheld` — HypoPG is missing and a real trial build runs only when the person asks
 * (Suggest Indexes); `busy` — another PG Lens session was building on the table (or another advice of this process, past TRIAL_WAIT_MS); `budget` — the connection's budget of real
 * builds a minute was spent; `unavailable` — no way to try it here.
 */
type NotProved = 'withheld' | 'busy' | 'budget' | 'size' | 'unavailable';

const NOT_PROVED: Record<NotProved, string> = {
  withheld: 'not proved yet: HypoPG is not installed, and a real trial index is built (rolled back) only when you run Suggest Indexes (pgLens.index.trialBuilds is whenAsked for this file: its folder\'s settings, else the workspace\'s)',
  busy: 'not proved: the table was busy (another PG Lens session building a trial index there, another index advice of this window building there longer than it waits, or a lock held longer than a trial build waits); run Suggest Indexes again',
  budget: 'not proved yet: PG Lens has made as many real trial builds on this table as it makes in a minute; proved again later',
  size: 'not proved: the table is above the size limit for a real trial index (raise the limit, or install HypoPG, which builds nothing)',
  unavailable: 'not verified: the planner could not try it here',
};

function unverifiedSuggestion(c: IndexCandidate, before: PlanSummary, t: TableFacts, seq: PlanSummary['seqScans'][number], why: NotProved): IndexSuggestion {
  const shown = c.keys.map((k) => k.label).join(', ');
  const rows = t.rows ?? 0;
  return {
    ...candidateFields(c, before),
    costAfter: null,
    verifiedBy: 'none',
    reason: `${c.reason} (${NOT_PROVED[why]})`,
    planUsesIndex: false,
    indexSizeBytes: null,
    name: c.name,
    kind: c.kind,
    needsExtension: c.needsExtension,
    tableRows: rows,
    seqScan: { relation: seq.relation, rows },
    planBefore: planOutline(before),
    planAfter: [],
    summary: `Seq Scan on ${c.table} (${formatCount(rows)} rows${t.analysed ? '' : ', never analysed'}): an index on (${shown}) may help (${why === 'unavailable' ? 'not verified' : why === 'size' ? 'estimated, not proved: the table is above the size limit for a real trial index' : why === 'budget' ? 'estimated, not proved yet: the budget of real trial builds is spent for this minute' : 'estimated, not proved: run Suggest Indexes to prove it'})`,
  };
}

/**
 * A statement's plan as it is (one plain EXPLAIN, as the role, rolled back; no index tried): the footing checked before it
 * takes the advice of another statement of its shape (IndexDecider; person38 H1).
 */
export async function planFootingOf(db: Database, sql: string, role: string | undefined, opts: Pick<AdviseOptions, 'info' | 'trustFunctions'> = {}): Promise<PlanFooting> {
  const versionNum = (opts.info ?? (await db.serverInfo())).versionNum;
  return db.rolledBack(async (s) => {
    if (role) await planAs(s, role);
    return planFooting(await planOf({ session: s, sql, versionNum, trustFunctions: opts.trustFunctions }));
  }, { readOnly: true });
}

/** The proofs of the connection's server and role in this process (trialProofs.ts: kept across a window reload by the editor). */
function trialProofsOf(db: Database): TrialProofs {
  return serverTrialProofs(serverRoleKey(db));
}

/** Per database (host, port, database) within this process: which index advice builds trial indexes on a table (hypo.ts TrialGates). */
const trialGates = new Map<string, TrialGates>();

export function trialGatesOf(db: Database): TrialGates {
  return ofServerRole(trialGates, db, () => new TrialGates(), false);
}

/** Resolves when `done` does, or after `ms`. */
async function waitFor(done: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, ms))))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Proofs of siblings planned beside a build that read tables the building statement does not (planSiblings): kept under
 * their tables' snapshot, read now that the trial transaction has rolled back (read inside it, it would list the trial index).
 */
async function keepLater(db: Database, later: readonly { sql: string; role?: string; shape: string | null; kept: string[]; definition: string; refs: TableRef[]; proof: Omit<Proof, 'undo'> }[], proofs: TrialProofs): Promise<void> {
  if (!later.length) return;
  let tables: TableFacts[];
  try {
    tables = (await readCatalogFacts(db, later.flatMap((x) => x.refs))).tables;
  } catch {
    return; // Not kept: its own advice builds the index (as before).
  }
  const at = Date.now();
  for (const x of later) {
    const named = x.refs.map((r) => tablesNamed(tables, r));
    if (!named.length || named.some((n) => n.length !== 1)) continue;
    keepProofIn(proofs, { sql: x.sql, role: x.role, shape: x.shape, kept: x.kept, definition: x.definition }, [...new Set(named.map((n) => n[0]))], x.proof, at);
  }
}

/**
 * A real trial build's proof kept in the store: by the statement's text and by its shape on the tables' snapshot (reused
 * while the tables are as they were), and as the statement's latest proof of the definition on the tables' structure
 * (their names, columns and indexes; with the snapshot it was made on): what an automatic decision keeps once the tables
 * have grown, saying so (earlierProof; person41 M1).
 */
function keepProofIn(proofs: TrialProofs, st: { sql: string; params?: unknown[]; role?: string; shape: string | null; kept: readonly string[]; definition: string }, tables: readonly TableFacts[], proof: Omit<Proof, 'undo'>, at = Date.now()): void {
  const snapshot = tablesSnapshot(tables);
  const made = { at, proof };
  proofs.set(proofKey(st.sql, st.params, st.role, st.kept, st.definition, snapshot), made);
  if (st.shape !== null) proofs.set(proofShapeKey(st.shape, st.role, st.kept, st.definition, snapshot), made);
  proofs.set(latestProofKey(st.sql, st.params, st.role, st.kept, st.definition, tablesStructure(tables)), { ...made, snapshot });
}

/** The tables' facts a statement's name for a table may mean (its schema when it writes one). */
function tablesNamed(tables: readonly TableFacts[], t: TableRef): TableFacts[] {
  return tables.filter((f) => f.name.toLowerCase() === t.name.toLowerCase() && (!t.schema || f.schema.toLowerCase() === t.schema.toLowerCase()));
}

/** A statement as the log names the one a trial index was built for: its first words, the role it was planned as, the kept indexes, its run. */
function describeStatement(sql: string, role: string | undefined, kept: readonly string[], run: TrialRun | undefined): string {
  return `"${shortLine(sql, 100)}"${role ? ` (planned as role ${role})` : ''}${kept.length ? ` on top of ${kept.length} kept index(es)` : ''}${run ? ` in a decision over ${run.statements.length} statement(s)` : ''}`;
}

/**
 * Per server and role (host, port, database, user) within this process: the budget of real trial builds (hypo.ts
 * TrialBudget), shared by every advice made there. Keyed by the connection's identity, not its Database object: a
 * reconnect (a new Database) started a fresh budget, and person31's builds came back at full rate after one (H2).
 * A separate `pg-lens` process keeps its own (docs/configuration.md).
 */
const trialBudgets = new Map<string, TrialBudget>();

/**
 * The value kept for a connection's server and role (host, port, database, user, replica) in `cache`, made on first use:
 * what the trial budget and proofs are kept by (`perRole` false: per database whatever the role, as the trial gates).
 */
function ofServerRole<T>(cache: Map<string, T>, db: Database, make: () => T, perRole = true): T {
  const key = serverRoleKey(db, perRole);
  let v = cache.get(key);
  if (v === undefined) cache.set(key, (v = make()));
  return v;
}

/** A connection's server and role (host, port, database, user, replica; `perRole` false: whatever the role): no password. */
function serverRoleKey(db: Database, perRole = true): string {
  const p = db.profile;
  return JSON.stringify([p.host, p.port, p.database, perRole ? p.user : null, db.options.useReplica === true]);
}

function trialBudgetOf(db: Database): TrialBudget {
  return ofServerRole(trialBudgets, db, () => new TrialBudget());
}

/** The key of a real trial build's proof in the server's and role's store (TrialProofs): the statement and its parameters. */
function proofKey(sql: string, params: unknown[] | undefined, role: string | undefined, kept: readonly string[], definition: string, snapshot: string): string {
  return JSON.stringify([sql, params ?? null, role ?? null, kept, definition, snapshot]);
}

/** The key of a statement's latest proof of a definition on tables of this structure (tablesStructure), whatever their figures. */
function latestProofKey(sql: string, params: unknown[] | undefined, role: string | undefined, kept: readonly string[], definition: string, structure: string): string {
  return JSON.stringify(['latest', sql, params ?? null, role ?? null, kept, definition, structure]);
}

/** The key of a proof shared by every statement of a shape (core constantShape; statements without parameters). */
function proofShapeKey(shapeText: string, role: string | undefined, kept: readonly string[], definition: string, snapshot: string): string {
  return JSON.stringify(['shape', shapeText, role ?? null, kept, definition, snapshot]);
}

/** A candidate's definition without its name (the name may be made unique differently next time). */
function definitionOf(c: IndexCandidate): string {
  return createIndexSql({ ...c, name: 'x' }, { concurrently: false, qualify: true });
}

/**
 * What a proof depends on besides the statement: each table's identity, its indexes (DDL changes them: a proof made before
 * an index was created or dropped is not reused), its columns, and its figures as the editor reads them (core tableFigures:
 * the row estimate and size in 5% steps, and its ANALYZE count). Before, the ANALYZE count was not in it: after 10,000
 * orders were inserted and a proof made on the row estimate from the pages, autovacuum's ANALYZE changed only the
 * statistics ('refunded' 0.5% → 3.8%), and the proof was reused for 15 minutes: 1,231 → 391 where the planner now says
 * 747 (person45 H1).
 */
function tablesSnapshot(tables: readonly TableFacts[]): string {
  return JSON.stringify(orderedTables(tables).map((t) => [t.schema, t.name, t.kind ?? 'table', tableFigures(t),
    t.columns.map((c) => `${c.name}:${c.type}`), t.indexes.map((i) => [i.name, i.method, i.keys, i.include, i.predicate ?? null, i.valid])]));
}

/** The tables' snapshot without their figures (rows, statistics, size): what a person changes (DDL), not what the app's traffic does. */
function tablesStructure(tables: readonly TableFacts[]): string {
  return JSON.stringify(orderedTables(tables).map((t) => [t.schema, t.name, t.kind ?? 'table', t.columns.map((c) => `${c.name}:${c.type}`), t.indexes.map((i) => [i.name, i.method, i.keys, i.include, i.predicate ?? null, i.valid])]));
}

/** The tables whose entry differs between two snapshots (tablesSnapshot), as `schema.name` (public's unqualified). */
function changedTables(was: string, now: string): string[] {
  type Entry = [string, string, ...unknown[]];
  const read = (s: string): Entry[] => {
    try {
      const v: unknown = JSON.parse(s);
      return Array.isArray(v) ? (v as Entry[]) : [];
    } catch {
      return [];
    }
  };
  const before = new Map(read(was).map((e) => [`${e[0]}.${e[1]}`, JSON.stringify(e)]));
  return read(now).filter((e) => before.get(`${e[0]}.${e[1]}`) !== JSON.stringify(e)).map((e) => (e[0] === 'public' ? e[1] : `${e[0]}.${e[1]}`));
}

/** In one order whatever order the catalog read gave them in (another statement's snapshot is made from this one's facts). */
function orderedTables(tables: readonly TableFacts[]): TableFacts[] {
  return [...tables].sort((a, b) => (a.schema === b.schema ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.schema < b.schema ? -1 : 1));
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Relation names already taken in the given schemas (tables, views, sequences, indexes share one namespace). */
const ADVISOR_SQL = {
  takenNames: `${OWN_STATEMENT_MARKER} SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY ($1::text[]) AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS p(prefix) WHERE starts_with(c.relname::text, p.prefix))`,
} as const;

/**
 * Give every candidate an index name unique in its schema: not a relation that exists there, and
 * not another candidate's name with a different definition (issue 12 item 8).
 */
async function nameUniquely(db: Database, candidates: IndexCandidate[]): Promise<void> {
  const { rows } = await db.query<{ schema: string; name: string }>(ADVISOR_SQL.takenNames, [[...new Set(candidates.map((c) => c.schema))], [...new Set(candidates.map((c) => c.name.slice(0, 56)))]]);
  const taken = new Map<string, Set<string>>();
  const set = (schema: string) => taken.get(schema) ?? taken.set(schema, new Set()).get(schema)!;
  for (const r of rows) set(r.schema).add(r.name);
  const given = new Map<string, string>();
  for (const c of candidates) {
    const key = JSON.stringify([c.schema, createIndexSql({ ...c, name: 'x' }, { concurrently: false })]);
    const same = given.get(key);
    if (same) {
      c.name = same;
      continue;
    }
    c.name = uniqueIndexName(c.name, set(c.schema));
    set(c.schema).add(c.name);
    given.set(key, c.name);
  }
}