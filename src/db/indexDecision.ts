/**
 * The one index decision, with the database: each statement advised on its own (advisor.ts), the
 * planner asked whether another statement's overlapping index serves it (cross proofs), then the
 * pure decision (core/advice/workload.ts decideIndexes). The editor (diagnostic, hover, Suggest
 * Indexes, Advise Indexes for the Workload), `pg-lens scan --db` and `pg-lens advise` all use one
 * IndexDecider over the same statements — the workspace's SQL and pg_stat_statements' busiest
 * statements — so they name the same index for a statement.
 *
 * A decider is per connection and remembers every proof it made (a statement's advice by SQL text,
 * a cross proof by index and statement): deciding again after an edit proves only what is new.
 *
 * Real trial builds (no HypoPG, development profile) only when a decision is asked with `realIndexes`
 * (the person asked: Suggest Indexes, the workload advice, the CLI); automatic decisions (diagnostics,
 * hovers, Scan Workspace, a recording) never build one — their unproved advice is proved again when
 * the person asks (issue 20, person16 MEDIUM 3).
 */
import { candidateFromSuggestion, candidateOfAdvice, coveredBy, type AdvisedIndex } from '../core/advice/indexCandidates';
import { byCallSite, sameCall, decideIndexes, LOAD_MAX_CALLS, loadTableRows, notWorkload, oneOffWriteRows, placeIn, overlaps, sharedIndexFits, sharedReason, type ColumnUse, type CrossProof, type FoundStatement, type IndexDecision, type LeftOut, type RecordedFigures, type TableWriteStats, type WorkloadStatementAdvice } from '../core/advice/workload';
import { applicationText } from '../core/dashboard/ownStatements';
import { appFigures, takesEntryByText, type AppFigures } from '../core/cost';
import { maxParamIndex } from '../core/extract/sqlLexer';
import { QueryIdsByShape, queryIdOf, statementCalls } from './queryStats';
import { oneOffWrite, oneOffWriteWhy } from '../core/plan';
import { listAndMore, shortLine, spaced } from '../core/format';
import { qualifiedName } from '../core/sql/ident';
import { statementShape, type Predicate } from '../core/sql/predicates';
import { constantShape, fingerprintSql, loadPgParser } from '../core/sql/statement';
import { adviseStatement, neverMatchingAdvice, newTrialRun, planFootingOf, type TrialRun, type AdviceResult, type AdviseOptions, type IndexSuggestion } from './advisor';
import { sameShapeSummary } from '../core/advice/missingIndex';
import { sameFooting, type PlanFooting } from '../core/advice/planSummary';
import { lessOwnForeignKeyChecks, lessOwnWork, type Database, type ServerInfo } from './database';
import { readCatalogFacts } from './catalog';
import type { TableFacts } from '../core/catalogFacts';
import { readTableFigures, tablesMoved } from './tableFigures';
import { schemaVersion, schemaVersionOnce, type SchemaVersion } from './schemaVersion';
import { connectionClosed, describeError } from './errors';
import { TimeSlice } from '../core/timeSlice';
import { EXCLUDE_OWN, FOREIGN_KEY_CHECK, OWN_STATEMENT_MARKER } from './sql';
import { ownRunsOf } from './ownRuns';

const DECISION_SQL = {
  /**
   * $1 min calls, $2 limit. Our own statements (marker) and utility statements are left out. A statement run under the role
   * PG Lens is connected as has no role to plan as (NULL): planned as it is, it is the code's statement, whose proofs it
   * shares (verify34: the app and PG Lens sharing a role, every trial index of the workspace's decision was built twice).
   */
  topStatements: `${OWN_STATEMENT_MARKER} SELECT s.queryid::text AS queryid, NULLIF(s.userid, (SELECT r.oid FROM pg_roles r WHERE r.rolname = current_user))::text AS userid, s.query, s.calls::int8 AS calls,
      s.total_exec_time::float8 AS total_ms, s.mean_exec_time::float8 AS mean_ms, s.rows::float8 AS rows
    FROM pg_stat_statements s
    WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND s.calls >= $1
      AND ${EXCLUDE_OWN.statements}
      AND s.query ~* '^\\s*(PREPARE\\s+pglens_\\w+\\s+AS\\s+)?(select|with|update|delete)\\y'
      AND NOT ${FOREIGN_KEY_CHECK}
    ORDER BY s.total_exec_time DESC
    LIMIT $2`,
  /** $1 min calls. PostgreSQL's own foreign-key checks (see FOREIGN_KEY_CHECK): how many entries, how many calls. */
  foreignKeyChecks: `${OWN_STATEMENT_MARKER} SELECT count(*)::int8 AS statements, coalesce(sum(s.calls), 0)::int8 AS calls
    FROM pg_stat_statements s
    WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND s.calls >= $1
      AND ${FOREIGN_KEY_CHECK}`,
  /** $1: table names as schema.name (quoted). */
  tableWrites: `${OWN_STATEMENT_MARKER} SELECT n.nspname AS schema, c.relname AS name, s.n_tup_ins::int8 AS ins, s.n_tup_upd::int8 AS upd,
      s.n_tup_del::int8 AS del, s.n_tup_hot_upd::int8 AS hot, (coalesce(s.seq_scan, 0) + coalesce(s.idx_scan, 0))::int8 AS reads,
      s.n_live_tup::int8 AS live, c.reltuples::float8 AS analyzed
    FROM unnest($1::text[]) AS q(name)
    JOIN pg_class c ON c.oid = to_regclass(q.name)
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_stat_all_tables s ON s.relid = c.oid`,
  /**
   * $1 calls up to which a write statement may be a load (core/advice/workload LOAD_MAX_CALLS; bulkLoad judges each on
   * its calls, rows and its table's rows). Write statements of this database that ran that few times and wrote rows (a bulk
   * INSERT in psql, a batched backfill, a COPY, a data-modifying WITH — a read-only one is read and left, core writeTarget).
   */
  oneOffWrites: `${OWN_STATEMENT_MARKER} SELECT s.query, s.calls::int8 AS calls, s.rows::int8 AS rows
    FROM pg_stat_statements s
    WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND s.calls <= $1 AND s.rows > 0
      AND ${EXCLUDE_OWN.statements}
      AND s.query ~* '^\\s*(insert|update|delete|merge|copy|with)\\y'`,
  /** Seconds since the table counters of this database were reset (null: never reset, unknown period). */
  countersPeriod: `${OWN_STATEMENT_MARKER} SELECT extract(epoch FROM clock_timestamp() - stats_reset)::float8 AS s FROM pg_stat_database WHERE datname = current_database()`,
  /** $1 schemas, $2 names (pairs): the ones that name no valid index now (dropped, renamed, or left INVALID). */
  goneIndexes: `${OWN_STATEMENT_MARKER} SELECT q.schema, q.name FROM unnest($1::text[], $2::text[]) AS q(schema, name)
    WHERE NOT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = q.schema AND c.relname = q.name AND i.indisvalid)`,
  /** Seconds pg_stat_statements has counted since its last full reset (PostgreSQL 14+). */
  timingsPeriod: `${OWN_STATEMENT_MARKER} SELECT extract(epoch FROM clock_timestamp() - stats_reset)::float8 AS s FROM pg_stat_statements_info`,
} as const;

/** A statement the decision weighs: its SQL, where it comes from, and its timings when pg_stat_statements has them. */
export interface DecisionInput {
  sql: string;
  label: string;
  calls?: number;
  totalMs?: number;
  /** pg_stat_statements.userid: planned as that role (planGuard.planAs). */
  userid?: string;
  /** pg_stat_statements.queryid (an entry's): a statement of the code takes it by its text only as takesEntryByText says. */
  queryid?: string;
  /** A recorded statement's figures at its place (said by the workload's list when pg_stat_statements has none; never weighed as timings). */
  recorded?: RecordedFigures;
  /** PG Lens's own Benchmark runs whose time is in `totalMs` (not measured apart; core/cost appFigures): their calls are out of `calls`. */
  ownIncluded?: number;
}

export interface StatementSources {
  statements: DecisionInput[];
  fromStatStatements: number;
  /** Statements found only in the code (pg_stat_statements does not hold them: no timings). */
  fromFiles: number;
  /** pg_stat_statements' statements the code also holds (weighed with their timings, named by their place in the code). */
  alsoInFiles?: number;
  /** PostgreSQL's own foreign-key checks, left out of the statements (see FOREIGN_KEY_CHECK). */
  foreignKeyChecks?: { statements: number; calls: number };
  /** Statements of the code or a recording that are not workload (core/advice/workload: notWorkload), per reason. */
  leftOut?: LeftOut[];
  note?: string;
}

/**
 * The statements every surface decides over: pg_stat_statements' busiest (min calls, by total
 * time) and the given SQL from files (the same text once). `top`: a read of pg_stat_statements already
 * made (the editor's, which its other decisions weigh), used as it is — not read again.
 */
export async function decisionStatements(db: Database, files: readonly FoundStatement[], opts: { minCalls?: number; limit?: number; info?: Pick<ServerInfo, 'pgStatStatements'>; top?: TopStatements } = {}): Promise<StatementSources> {
  const top = opts.top ?? (await topStatements(db, opts));
  await loadPgParser(); // what is DDL, by PostgreSQL's parser (notWorkload)
  const ids = new Map<string, string | undefined>();
  await literalCopyIds(db, top.statements, files, ids);
  return { ...mergeStatements(top.statements, files, (sql) => ids.get(sql)), note: top.note, ...(top.foreignKeyChecks ? { foreignKeyChecks: top.foreignKeyChecks } : {}) };
}

/** One read of pg_stat_statements' busiest statements (topStatements). */
export interface TopStatements {
  statements: DecisionInput[];
  note?: string;
  foreignKeyChecks?: { statements: number; calls: number };
}

/** pg_stat_statements' busiest statements of this database (none, with a note, when it is not there). */
export async function topStatements(db: Database, opts: { minCalls?: number; limit?: number; info?: Pick<ServerInfo, 'pgStatStatements'> } = {}): Promise<TopStatements> {
  const info = opts.info ?? (await db.serverInfo());
  if (info.pgStatStatements !== 'ready') return { statements: [], note: `pg_stat_statements is ${info.pgStatStatements}: only the given SQL was analysed` };
  const rows = (await db.query(DECISION_SQL.topStatements, [opts.minCalls ?? 5, opts.limit ?? 50])).rows;
  const fk = (await db.query(DECISION_SQL.foreignKeyChecks, [opts.minCalls ?? 5])).rows[0];
  // Less the checks PG Lens's own rolled-back writes made PostgreSQL run (person39 L5).
  const foreignKeyChecks = lessOwnForeignKeyChecks(db.profile, fk && Number(fk.statements) > 0 ? { statements: Number(fk.statements), calls: Number(fk.calls) } : undefined);
  const own = ownRunsOf(db);
  return {
    ...(foreignKeyChecks ? { foreignKeyChecks } : {}),
    // PG Lens's own Benchmark runs taken out as the cost lens takes them out (core/cost appFigures): their calls, their
    // measured time; the time of runs not measured stays in, counted in `ownIncluded` and said (person50 L-A).
    statements: rows.flatMap((r) => {
      const sql = applicationText(r.query);
      const raw = { queryid: String(r.queryid), query: sql, calls: Number(r.calls), totalMs: Number(r.total_ms), meanMs: Number(r.mean_ms), rows: Number(r.rows) };
      const app: AppFigures | undefined = appFigures(raw, own.get(sql, raw.queryid));
      if (!app || app.calls < (opts.minCalls ?? 5)) return [];
      return [{ sql, label: `queryid ${r.queryid}: ${shortLine(sql, 80)}`, calls: app.calls, totalMs: app.totalMs, ...(app.ownIncluded ? { ownIncluded: app.ownIncluded } : {}), ...(r.userid ? { userid: r.userid } : {}), queryid: raw.queryid }];
    }),
  };
}

/**
 * The query identifiers of the code's statements written with their literals (no $n) whose text is an entry's only by
 * fingerprint — the ones takesEntryByText needs to tell a hand-run copy (`customer_id = 42`, never run) from the
 * statement whose literals the entry normalised (person29 M3) — added to `ids` (undefined when PostgreSQL gives none). True
 * when it added any. One EXPLAIN (VERBOSE) per shape (QueryIdsByShape), not per text: a generated file of 3,000 literal
 * copies of a statement the app runs cost 3,000 EXPLAINs per connection (issue 20).
 */
export async function literalCopyIds(db: Database, top: readonly DecisionInput[], found: readonly FoundStatement[], ids: Map<string, string | undefined>, byShape = new QueryIdsByShape(db)): Promise<boolean> {
  if (!top.some((x) => x.queryid)) return false;
  const prints = new Set(top.flatMap((x) => fingerprintSql(x.sql) ?? []));
  const texts = new Set(top.map((x) => spaced(x.sql)));
  let added = false;
  for (const s of found) {
    if (ids.has(s.sql) || s.dynamic || maxParamIndex(s.sql) > 0 || texts.has(spaced(s.sql))) continue;
    const f = fingerprintSql(s.sql);
    if (!f || !prints.has(f)) continue;
    ids.set(s.sql, await byShape.of(s.sql));
    added = true;
  }
  return added;
}

/**
 * pg_stat_statements' statements and the code's, each statement once: a statement of the files that
 * pg_stat_statements also holds (the same but for constants, by libpg_query's fingerprint) keeps the
 * file's text and place with pg_stat_statements' timings and role — when it may take that entry by its text
 * (takesEntryByText, the cost lens's rule: `idOf` gives the query identifiers literalCopyIds read).
 */
export function mergeStatements(top: readonly DecisionInput[], found: readonly FoundStatement[], idOf: (sql: string) => string | undefined = () => undefined): Omit<StatementSources, 'note'> {
  const statements = top.map((x) => ({ ...x }));
  // Not the app's workload (DDL, migrations, seeds, tests, another database's SQL): never planned, counted per reason.
  const left = new Map<string, number>();
  const files = found.filter((s) => {
    const why = notWorkload(s);
    if (why) left.set(why, (left.get(why) ?? 0) + 1);
    return !why;
  });
  const leftOut = [...left].map(([why, n]) => ({ why, statements: n }));
  const prints = new Map<string, DecisionInput>();
  for (const x of statements) {
    const f = fingerprintSql(x.sql);
    if (f && !prints.has(f)) prints.set(f, x);
  }
  // The statements by their text and by their text with runs of white space as one (computed once per statement): a
  // lookup per file statement, where a search of the whole list per statement made the merge quadratic — with the
  // list growing as the files' statements were added, and run again for every file Scan Workspace analysed (person16
  // HIGH 1: 3 of 4 samples of the stuck extension host were here).
  const exact = new Map<string, DecisionInput>();
  const bySpaced = new Map<string, DecisionInput>();
  const index = (x: DecisionInput) => {
    if (!exact.has(x.sql)) exact.set(x.sql, x);
    const n = spaced(x.sql);
    if (!bySpaced.has(n)) bySpaced.set(n, x);
  };
  for (const x of statements) index(x);
  // An entry that takes the code's text is found by that text from then on (as the search over the list found it).
  const retext = (x: DecisionInput, sql: string) => {
    if (exact.get(x.sql) === x) exact.delete(x.sql);
    if (bySpaced.get(spaced(x.sql)) === x) bySpaced.delete(spaced(x.sql));
    x.sql = sql;
    index(x);
  };
  const taken = new Set<DecisionInput>();
  // The places of an entry the code writes at more than one place (the same text in several files): the first names it,
  // and its label says where else — pg_stat_statements cannot tell them apart, so no one place is implied (person28 M2:
  // "other/Orders.java:8 … 478 calls" for a file that never ran, the calls the app's src/customers.ts:25's).
  const placesOf = new Map<DecisionInput, string[]>();
  const foundAt = new Map<DecisionInput, FoundStatement[]>();
  const fromTop = new Set(statements);
  for (const s of files) {
    const label = `${s.source}: ${shortLine(s.sql, 80)}`;
    // The code's text as pg_stat_statements holds it (no constants to normalise): the entry is the code's statement,
    // named by its place — not by a queryid the person never sees in their code.
    const same = exact.get(s.sql) ?? bySpaced.get(spaced(s.sql));
    if (same) {
      if (!taken.has(same)) {
        taken.add(same);
        retext(same, s.sql);
        same.label = label;
      }
      // A place once: the workspace's statement and the recording's copy of it at the same line are one place (person49
      // L-5: "traffic.ts:46: … (the same statement at traffic.ts:46 too)").
      const places = placesOf.get(same) ?? [];
      // A recorded call and the code's SQL of that call (its call line, its SQL's line) are one place, the SQL's (person51 L-3).
      const seen = foundAt.get(same) ?? [];
      const twin = seen.find((o) => sameCall(o, s));
      foundAt.set(same, [...seen, s]);
      if (twin && twin.source !== s.source && twin.recorded && !s.recorded) {
        placesOf.set(same, places.map((p) => (p === twin.source ? s.source : p)));
        if (same.label === `${twin.source}: ${shortLine(twin.sql, 80)}`) same.label = label;
      } else if (fromTop.has(same) && !twin && !places.includes(s.source)) placesOf.set(same, [...places, s.source]);
      if (s.recorded && same.calls === undefined && !same.recorded) same.recorded = s.recorded;
      continue;
    }
    const f = fingerprintSql(s.sql);
    const print = f ? prints.get(f) : undefined;
    if (print && !taken.has(print) && takesEntryByText(s.sql, idOf(s.sql), print.queryid)) {
      taken.add(print);
      retext(print, s.sql);
      print.label = label;
      continue;
    }
    const added: DecisionInput = { sql: s.sql, label, ...(s.recorded ? { recorded: s.recorded } : {}) };
    statements.push(added);
    index(added);
  }
  // Named by the place that runs it first (byCallSite): pg_stat_statements cannot tell one statement's places apart, but a
  // file whose other statements ran (with calls, written at that one place) is code that runs — the app's
  // src/customers.ts:26, not other/Orders.java:8 that never ran (person30 L2).
  const fileOf = (place: string) => place.replace(/:\d+$/, '');
  const ranFiles = new Set<string>();
  for (const x of taken) {
    const at = placeIn(x.label);
    if (at && (x.calls ?? 0) > 0 && (placesOf.get(x)?.length ?? 1) === 1) ranFiles.add(fileOf(at));
  }
  for (const [x, places] of placesOf) {
    if (places.length < 2) continue;
    const ordered = byCallSite(places, (p) => ({ ran: ranFiles.has(fileOf(p)), place: p }));
    x.label = `${ordered[0]}: ${shortLine(x.sql, 80)} (the same statement at ${listAndMore(ordered.slice(1), 2)} too)`;
  }
  return { statements, fromStatStatements: top.length, fromFiles: statements.length - top.length, alsoInFiles: taken.size, ...(leftOut.length ? { leftOut } : {}) };
}

/**
 * The workspace's statements every decision of the editor weighs, per file, merged once per change (mergeStatements): the
 * index advisor asks for them for every file it analyses, and Scan Workspace analyses every file — merging the whole
 * workspace's statements again each time made a scan's cost grow with the square of the workspace (person16 HIGH 1: 169
 * of 583 files in 11 min).
 *
 * A file's entry is replaced whenever the file is read or analysed (setFile), so a decision never depends on which file is
 * the focus: before, a file the workspace reading had not seen (report.py, written to disk after it) took part only in
 * its own decision, and the other files' decisions, made without it, named another index for the same statements
 * (issue 20, person25 MEDIUM-3: `orders (status)` on two files, `orders (status) INCLUDE (…)` on the third, until reopened).
 */
export class WorkspaceStatements {
  private readonly files = new Map<string, readonly FoundStatement[]>();
  /** Statements of files deleted (or left out) since, that no other file writes: a decision under way leaves them out (gone). */
  private readonly removed = new Set<string>();
  private version = 0;
  private last: { top: readonly DecisionInput[]; version: number; statements: DecisionInput[] } | undefined;
  /** Each statement text's constant shape and the statements of each shape, as of `version` (otherConstantsOf). */
  private shapes: { version: number; ofText: Map<string, string | null>; places: Map<string, FoundStatement[]> } | undefined;

  /** The file's statements as they are now; true when they changed (the decisions made before did not weigh them). */
  setFile(file: string, found: readonly FoundStatement[]): boolean {
    const before = this.files.get(file);
    for (const f of found) this.removed.delete(f.sql);
    if (before && before.length === found.length && before.every((b, i) => b.sql === found[i].sql && b.source === found[i].source && b.context === found[i].context && b.dynamic === found[i].dynamic)) return false;
    this.files.set(file, found);
    this.version++;
    return true;
  }

  /** The file is gone (deleted, or left out by the settings): true when it had statements. */
  deleteFile(file: string): boolean {
    const was = this.files.get(file);
    const had = this.files.delete(file);
    if (!had) return false;
    this.version++;
    if (was?.length) {
      const still = new Set(this.found().map((f) => f.sql));
      for (const f of was) if (!still.has(f.sql)) this.removed.add(f.sql);
    }
    return true;
  }

  /**
   * The statement was only in files deleted (or left out) since it was read: a decision still under way over the statements
   * merged before leaves it out (person31 H2: the 3,000 statements of a deleted file were still being advised, each with
   * trial builds, until Disconnect).
   */
  gone(sql: string): boolean {
    return this.removed.has(sql);
  }

  has(file: string): boolean {
    return this.files.has(file);
  }

  /** The file's statements as the decisions weigh them (as last read or analysed); undefined when not read. */
  statementsOf(file: string): readonly FoundStatement[] | undefined {
    return this.files.get(file);
  }

  /** Every file's statements. */
  found(): FoundStatement[] {
    return [...this.files.values()].flat();
  }

  /** The places (`src/a.ts:12`) that write this statement's text, white space aside. */
  placesOf(sql: string): string[] {
    const want = spaced(sql);
    return this.found().filter((s) => spaced(s.sql) === want).map((s) => s.source);
  }

  /**
   * The places that write this statement with other constants (core constantShape: `status = 'refunded'` for `status =
   * 'refundd'`): pg_stat_statements keeps one entry for them all, so the cost lens says its figures are theirs too
   * (person54 M-3: a never-true typo's line wore src/orders.ts:70's "297 calls · 165 rows/call"). The shapes are read
   * once per workspace change, each text's shape kept while a file still writes it.
   */
  otherConstantsOf(sql: string): string[] {
    // White space aside, as placesOf (PostgreSQL's normaliser keeps the text's own spacing).
    const shape = constantShape(spaced(sql));
    if (shape === undefined) return [];
    if (this.shapes?.version !== this.version) {
      const known = this.shapes?.ofText;
      const ofText = new Map<string, string | null>();
      const places = new Map<string, FoundStatement[]>();
      for (const s of this.found()) {
        const k = ofText.has(s.sql) ? ofText.get(s.sql)! : known?.has(s.sql) ? known.get(s.sql)! : constantShape(spaced(s.sql)) ?? null;
        ofText.set(s.sql, k);
        if (k !== null) places.set(k, [...(places.get(k) ?? []), s]);
      }
      this.shapes = { version: this.version, ofText, places };
    }
    const want = spaced(sql);
    return (this.shapes.places.get(shape) ?? []).filter((s) => spaced(s.sql) !== want).map((s) => s.source);
  }

  /** The files (as given to setFile) that hold any of these statements (by their text). */
  filesHolding(sqls: ReadonlySet<string>): string[] {
    if (!sqls.size) return [];
    return [...this.files].filter(([, found]) => found.some((f) => sqls.has(f.sql))).map(([file]) => file);
  }

  /** Statements from elsewhere (`extra`: a recording's) changed. */
  touch(): void {
    this.version++;
  }

  /** pg_stat_statements' (`top`, compared by identity) with every file's and `extra`'s, each statement once. */
  statements(top: readonly DecisionInput[], extra: () => readonly FoundStatement[] = () => [], idOf?: (sql: string) => string | undefined): DecisionInput[] {
    const last = this.last;
    if (last && last.top === top && last.version === this.version) return last.statements;
    const statements = mergeStatements(top, [...this.found(), ...extra()], idOf).statements;
    this.last = { top, version: this.version, statements };
    return statements;
  }
}

/**
 * Of these advised indexes (their suggestions: table, keys, include, predicate), the ones a valid index of the catalog now
 * serves — the same method and leading keys, no other predicate (coveredBy, the check the candidates themselves pass) —
 * by their CREATE INDEX, with that index's name (issue 20, person15 MEDIUM 9: a recorded missing-index finding stayed
 * after the index was made by a migration, even after Scan Workspace and a reload). One catalog read for all their tables.
 */
export async function servedByCatalog(db: Database, advised: readonly AdvisedIndex[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const seen = new Set<string>();
  const wanted = advised.flatMap((a) => {
    if (seen.has(a.ddl)) return [];
    seen.add(a.ddl);
    const c = candidateOfAdvice(a);
    return c ? [{ ddl: a.ddl, c }] : [];
  });
  if (!wanted.length) return out;
  const { tables } = await readCatalogFacts(db, wanted.map(({ c }) => ({ schema: c.schema, name: c.table })));
  for (const { ddl, c } of wanted) {
    const t = tables.find((x) => x.schema === c.schema && x.name === c.table);
    // Not the index it advised under another name only: PG Lens's own name counts too (made by Create index now).
    const ix = t && coveredBy(c, t.indexes);
    if (ix) out.set(ddl, ix.schema === 'public' ? ix.name : `${ix.schema}.${ix.name}`);
  }
  return out;
}

/**
 * Of these existing indexes (`schema.name`, as an advice's servedBy names them), the ones the catalog no longer has as a
 * valid index: advice that said "an index it would use exists" is wrong once it is dropped (person31 M1: Create index
 * now, then DROP INDEX in psql — the advice never came back, 19 warnings in the editor and 24 from pg-lens scan).
 */
export async function goneIndexes(db: Database, names: Iterable<string>): Promise<Set<string>> {
  const pairs = [...new Set(names)].flatMap((n) => {
    const dot = n.indexOf('.');
    return dot > 0 ? [[n.slice(0, dot), n.slice(dot + 1)] as const] : [];
  });
  if (!pairs.length) return new Set();
  const { rows } = await db.query(DECISION_SQL.goneIndexes, [pairs.map((p) => p[0]), pairs.map((p) => p[1])]);
  return new Set(rows.map((r) => `${String(r.schema)}.${String(r.name)}`));
}

/** What a re-check against the catalog found. */
export interface CatalogRecheck {
  /** Advised CREATE INDEX texts a valid index now serves, with that index's name. */
  served: Map<string, string>;
  /** Existing indexes advice relied on (servedBy) that are gone. */
  gone: Set<string>;
}

/** Candidates not built yet in a decision (AdviceResult.notBuiltYet): another statement's index not yet proved on a statement. */
type NotBuiltYet = NonNullable<AdviceResult['notBuiltYet']>;

/** A decision, with the tables whose other statements' indexes were not proved on a statement yet (the budget, a busy table). */
export type DecisionMade = IndexDecision<IndexSuggestion> & { notBuiltYet?: NotBuiltYet };

/** A decision's options: `focus`, the statements it is for; `realIndexes`, whether real trial indexes may be built. */
interface DecideOptions {
  focus?: string[];
  isCancelled?: () => boolean;
  realIndexes?: boolean;
  askedFor?: boolean;
  gone?: (sql: string) => boolean;
}

/**
 * The decider's options: the advisor's, and `indexesChanged`, told (at once, before anything is advised again) the tables
 * whose valid indexes a reading of the tables' figures found changed since the last (noticeChangedTables): the editor
 * re-checks what it keeps besides the decider's advice (a recording's, the files shown from the last scan) then.
 */
export type DeciderOptions = AdviseOptions & { indexesChanged?: (tables: string[]) => void };

export class IndexDecider {
  /** Each statement's own advice, by SQL text. */
  readonly advice = new Map<string, AdviceResult>();
  /** Another statement's index proved on a statement: `${ddl}\0${sql}` → the suggestion there (null: not used, or not enough). */
  private readonly cross = new Map<string, IndexSuggestion | null>();
  private readonly tablesOf = new Map<string, string[]>();
  /** Why a statement could not be advised (a server error the advisor did not turn into its own status). */
  readonly errors = new Map<string, string>();

  constructor(readonly db: Database, private readonly opts: DeciderOptions = {}) {}

  /**
   * Forget every advice whose index the catalog now has (servedByCatalog), and every "an index it would use exists"
   * whose index is gone (goneIndexes): those statements are proved again at the next decision, on the catalog as it is.
   * Returns the advised CREATE INDEX texts now served, with the index serving each, and the indexes gone.
   */
  async recheck(): Promise<CatalogRecheck> {
    const served = await servedByCatalog(this.db, [...this.advice.values()].flatMap((r) => r.suggestions));
    const gone = await goneIndexes(this.db, [...this.advice.values()].flatMap((r) => r.servedBy ?? []));
    if (!served.size && !gone.size) return { served, gone };
    for (const [sql, r] of this.advice) if (r.suggestions.some((s) => served.has(s.ddl)) || r.servedBy?.some((n) => gone.has(n))) this.advice.delete(sql);
    // Proofs of one statement's index on another were made on the catalog as it was: all made again.
    this.cross.clear();
    return { served, gone };
  }

  /**
   * Forget the advice of every statement on these tables (`schema.name` or a bare name; their indexes changed outside PG
   * Lens): proved again at the next decision on the catalog as it is. Returns the statements forgotten.
   */
  forgetTables(tables: readonly string[]): Set<string> {
    const bare = new Set(tables.map((t) => t.split('.').pop()!.replace(/"/g, '').toLowerCase()));
    const out = new Set<string>();
    for (const sql of this.advice.keys()) if (this.touches(sql, bare)) out.add(sql);
    for (const sql of out) this.advice.delete(sql);
    if (out.size) this.cross.clear();
    return out;
  }

  /** Each table's figures (tableFigures, in 5% steps) and valid indexes as the kept advice on it was made: `schema.name` → `figures#indexes`. */
  private readonly figures = new Map<string, string>();

  /**
   * Forget the advice of every statement on a table whose figures changed since it was advised (its rows or size by 5% or
   * more, an ANALYZE — a new histogram moves a cost with the same rows: the app's traffic and autovacuum): proved again at the next decision — a fresh proof, or the
   * earlier one with "proved N min ago; orders has changed since" (advisor.ts earlierProof). Before, the advice was kept per
   * SQL text for the session: person43 H1 grew orders 32k → 40k rows and the hover kept "940 → 288" and Problems "(32k
   * rows)" until a reload. So is the advice on a table whose valid indexes changed (made or dropped outside PG Lens: the
   * editor is told, `indexesChanged`). One catalog read of the tables of the kept advice and of `sqls` (their figures now
   * recorded, so the advice made next is compared from them). Returns the statements forgotten.
   */
  async noticeChangedTables(sqls: Iterable<string> = []): Promise<Set<string>> {
    const names = new Set<string>();
    for (const sql of [...this.advice.keys(), ...sqls]) for (const n of this.tableNames(sql)) names.add(n);
    const out = new Set<string>();
    if (!names.size) return out;
    const changed: string[] = [];
    // Tables whose valid indexes changed (a CREATE or DROP INDEX in psql, a migration): the same trigger as their growth
    // (person47 L11: after a DROP INDEX in psql the advice waited for the cost CodeLens's next reading, 20–60 s).
    const reindexed: { key: string; bare: string }[] = [];
    // The plan cache follows this reading (tablesMoved): a table read for the first time too, as what was planned before
    // it had no reading to compare with — so the hover's plan line and its index line stand on the same tables.
    const moved: string[] = [];
    for (const r of await readTableFigures(this.db, [...names])) {
      const was = this.figures.get(r.key);
      const now = `${r.figures}#${r.indexes}`;
      this.figures.set(r.key, now);
      if (was !== now) moved.push(r.bare);
      if (was === undefined || was === now) continue;
      if (was.slice(0, was.indexOf('#')) !== r.figures) changed.push(r.bare);
      if (was.slice(was.indexOf('#') + 1) !== r.indexes) reindexed.push(r);
    }
    tablesMoved(this.db, moved);
    const all = [...new Set([...changed, ...reindexed.map((r) => r.bare)])];
    if (!all.length) return out;
    for (const sql of this.forgetTables(all)) out.add(sql);
    const why = [...(changed.length ? [`${changed.join(', ')} changed (rows, size or statistics)`] : []), ...(reindexed.length ? [`the indexes of ${reindexed.map((r) => r.key).join(', ')} changed`] : [])].join('; ');
    if (out.size) this.opts.log?.(`index advice: ${why} since the advice on ${all.length === 1 ? 'it' : 'them'}; ${out.size} statement(s) advised again`);
    if (reindexed.length) this.opts.indexesChanged?.(reindexed.map((r) => r.key));
    return out;
  }

  /** Whether a statement reads or writes one of these tables (bare lowercase names). */
  touchesAny(sql: string, tables: readonly string[]): boolean {
    return this.touches(sql, new Set(tables.map((t) => t.split('.').pop()!.replace(/"/g, '').toLowerCase())));
  }

  /**
   * One statement's own advice (proved once per SQL text and kept). Advice a real build was withheld from is proved
   * again when real builds are allowed. `run`: the decision's (each trial index built once for all its statements).
   * Statements that differ only by constants (core constantShape, the key the trial proofs share) are planned once: the
   * first of a shape is advised, the others take its advice, said so (sameShapeAs; person31 H2: a decision over a file of
   * 3,000 such statements ran an EXPLAIN for each, ~35 s). One advice of a statement at a time (two decisions at once).
   */
  async adviseOne(input: Pick<DecisionInput, 'sql' | 'userid'>, realIndexes = this.opts.realIndexes ?? false, run?: TrialRun, askedFor = this.opts.askedFor ?? false): Promise<AdviceResult> {
    const going = this.advising.get(input.sql);
    if (going) await going.catch(() => undefined);
    const r = this.advice.get(input.sql);
    // Asked (real builds allowed): advice a real build was withheld from, or resting on a proof made before its tables
    // changed ("proved N min ago; orders has changed since: Suggest Indexes proves it again"), is proved anew — person43 H1:
    // Suggest Indexes answered the kept figures of the smaller table.
    const stale = realIndexes && (r?.realBuildWithheld || r?.suggestions.some((x) => x.provedEarlier));
    if (r && !stale) return r;
    // Withheld advice is proved again once per decision, not once per statement of its shape (issue 20, person32 H1: with
    // the budget spent, each of 3,000 statements that take the first's advice made the first be advised again — an
    // EXPLAIN each, a customers.ts decision weighing them took 73 s).
    const again = run ? this.advisedIn.get(run) : undefined;
    if (r && again?.has(input.sql)) return r;
    const made = this.adviseAnew(input, realIndexes, run, askedFor);
    this.advising.set(input.sql, made);
    try {
      return await made;
    } finally {
      if (this.advising.get(input.sql) === made) this.advising.delete(input.sql);
      if (run) (this.advisedIn.get(run) ?? this.advisedIn.set(run, new Set()).get(run)!).add(input.sql);
    }
  }

  /** The statements advised within a decision's run (adviseOne: withheld advice is proved again once per decision). */
  private readonly advisedIn = new WeakMap<TrialRun, Set<string>>();

  private async adviseAnew(input: Pick<DecisionInput, 'sql' | 'userid'>, realIndexes: boolean, run: TrialRun | undefined, askedFor: boolean): Promise<AdviceResult> {
    const text = constantShape(input.sql);
    const shape = text === undefined ? undefined : JSON.stringify([text, input.userid ?? null]);
    const first = shape === undefined ? undefined : this.shapes.get(shape);
    if (first !== undefined && first !== input.sql) {
      // Its constants may make it a statement that can never match a row (`status = 'shiped'` of `status = 'shipped'`'s
      // shape): its own answer, never the shape's advice (issue 20, L-2).
      const never = input.sql.includes("'") ? neverMatchingAdvice(input.sql, await this.shapeTables(shape!, input.sql, run)) : undefined;
      if (never) {
        const r = { ...never, elapsedMs: 0 };
        this.advice.set(input.sql, r);
        return r;
      }
      const of = await this.adviseOne({ sql: first, userid: input.userid }, realIndexes, run, askedFor);
      if (of.status === 'ok') {
        // Its constants decide the advice (person38 H1: `category = 'home'` was told the index `WHERE category = 'tents'`,
        // `status = 'delivered'` the one proved for `status = 'refunded'`): a suggestion carrying the first's constants is
        // never its, and it takes the others only on the first's footing, checked with one plain EXPLAIN of its own —
        // at most SHAPE_CHECKS per shape and decision; past them the figures are the shape's, not verified for it.
        if (!carriesConstants(of)) {
          const checks = run ? (this.shapeChecks.get(run) ?? this.shapeChecks.set(run, new Map()).get(run)!) : new Map<string, number>();
          const done = checks.get(shape!) ?? 0;
          if (done >= SHAPE_CHECKS) {
            const r = sameShapeAdvice(of, first);
            this.advice.set(input.sql, r);
            return r;
          }
          checks.set(shape!, done + 1);
          const own = await planFootingOf(this.db, input.sql, input.userid, this.opts).catch(() => undefined);
          if (own && sameFooting(of.footing, own, suggestionTables(of))) {
            const r = sameShapeAdvice(of, first, own);
            this.advice.set(input.sql, r);
            return r;
          }
        }
        // Advised on its own (the first stays the shape's).
        const r = await adviseStatement(this.db, input.sql, undefined, { ...this.opts, realIndexes, planAsRole: input.userid, trialRun: run, askedFor });
        this.advice.set(input.sql, r);
        return r;
      }
    }
    // The first of its shape (or the first's advice failed on its own constants): advised, and the others take it.
    if (shape !== undefined && (first === undefined || this.advice.get(first)?.status !== 'ok')) this.shapes.set(shape, input.sql);
    const r = await adviseStatement(this.db, input.sql, undefined, { ...this.opts, realIndexes, planAsRole: input.userid, trialRun: run, askedFor });
    this.advice.set(input.sql, r);
    return r;
  }

  /** The catalog facts of a shape's tables, read once per decision's run and shape (neverMatchingAdvice of its statements). */
  private shapeTables(shape: string, sql: string, run: TrialRun | undefined): Promise<TableFacts[]> {
    const read = async () => (await readCatalogFacts(this.db, (statementShape(sql)?.tables ?? []).map((t) => ({ schema: t.schema, name: t.name })))).tables;
    if (!run) return read();
    const kept = this.shapeFacts.get(run) ?? this.shapeFacts.set(run, new Map()).get(run)!;
    const got = kept.get(shape) ?? read();
    kept.set(shape, got);
    return got;
  }

  private readonly shapeFacts = new WeakMap<TrialRun, Map<string, Promise<TableFacts[]>>>();

  /** The plain EXPLAINs of statements taking their shape's advice, per decision's run and shape (at most SHAPE_CHECKS). */
  private readonly shapeChecks = new WeakMap<TrialRun, Map<string, number>>();

  /** The statement planned for each shape (core constantShape and role, as JSON): the others of the shape take its advice. */
  private readonly shapes = new Map<string, string>();
  /** Advice under way, per statement: a second decision wanting it waits for it (no second plan). */
  private readonly advising = new Map<string, Promise<AdviceResult>>();

  /**
   * The decision over `statements`. With `focus` (SQL texts), only the statements that touch a
   * table the focus statements' suggestions are on are advised and weighed — the decision for a
   * table depends only on the statements that read it, so the answer is the one a decision over all
   * of them gives.
   */
  /** `gone`: statements no longer the workspace's (their file deleted since the statements were merged): left out as reached. */
  /** `askedFor`: whether the person asked for it (default: realIndexes given true, or the decider's own option). */
  async decide(statements: DecisionInput[], opts: DecideOptions = {}): Promise<DecisionMade> {
    // Each decision its own run, handed down (not a field of the decider): the editor decides for several files at once on
    // one decider, and one decision ending cleared the run of another still under way, whose statements then each built
    // the same trial indexes again (person31 H2: the same 4 definitions on orders ~800 times a minute).
    const run = newTrialRun([...statements.map((s) => ({ sql: s.sql, planAsRole: s.userid })), ...(opts.focus ?? []).map((sql) => ({ sql }))]);
    return this.decideNow(statements, opts, run);
  }

  private async decideNow(statements: DecisionInput[], opts: DecideOptions, run: TrialRun): Promise<DecisionMade> {
    const real = opts.realIndexes ?? this.opts.realIndexes ?? false;
    // Asked for (Suggest Indexes, the workload advice: realIndexes given here): never held back by the trial budget.
    const asked = opts.askedFor ?? (opts.realIndexes === true || this.opts.askedFor === true);
    // Statement shapes read what pgsql-ast-parser cannot through PostgreSQL's parser (core/sql/pgTree): loaded first.
    await loadPgParser();
    // The editor runs this in its extension host: hovers and commands get a turn between statements.
    const slice = new TimeSlice();
    const bySql = new Map<string, DecisionInput>();
    for (const s of statements) if (!bySql.has(s.sql)) bySql.set(s.sql, s);
    for (const f of opts.focus ?? []) if (!bySql.has(f)) bySql.set(f, { sql: f, label: shortLine(f, 80) });
    let set = [...bySql.values()];
    // Tables grown, shrunk or analysed since their kept advice was made: that advice is made again (one catalog read).
    try {
      await this.noticeChangedTables(bySql.keys());
    } catch (e) {
      if (connectionClosed(e)) throw e;
      this.opts.log?.(`index advice: the tables' figures were not read: ${describeError(e)}`);
    }
    if (opts.focus) {
      const focus = set.filter((s) => opts.focus!.includes(s.sql));
      const tables = new Set<string>();
      for (const s of focus) {
        if (opts.isCancelled?.()) break;
        await slice.turn();
        for (const x of (await this.safeAdvise(s, real, run, asked))?.suggestions ?? []) tables.add(bareName(x));
      }
      // Each statement's tables are read once (kept), a parse each the first time: turns between them.
      const near: DecisionInput[] = [];
      for (const s of set) {
        if (opts.isCancelled?.()) break;
        await slice.turn();
        if (opts.focus.includes(s.sql) || (this.touches(s.sql, tables) && !opts.gone?.(s.sql))) near.push(s);
      }
      set = near;
    }
    const advised: WorkloadStatementAdvice<IndexSuggestion>[] = [];
    const apart = new Map<string, { r: AdviceResult; why?: string }>();
    const version = schemaVersionOnce(this.db); // the catalog as this decision reads it (oneOffWrite's query ids)
    for (const s of set) {
      if (opts.isCancelled?.()) break;
      // A statement whose file was deleted while this decision ran: neither advised nor weighed.
      if (opts.gone?.(s.sql) && !opts.focus?.includes(s.sql)) continue;
      await slice.turn();
      const r = await this.safeAdvise(s, real, run, asked);
      if (r?.status !== 'ok') continue;
      // Weighed apart, its own advice only (never sharing an index, never counted as served by one): a DELETE or UPDATE that
      // has not recurred (core/plan oneOffWrite: no index is worth it for it, and every surface says so), and a statement
      // whose proved index is not its answer yet (AdviceResult.notFinal). Issue 20, person42 H2: the editor shared
      // orders (status) between reports.sql:5, src/orders.ts:70 and the one-off DELETE (its kept proofs, the better
      // candidates never built), "also serving queries/reports.sql:13", where `pg-lens scan` proved another index.
      const oneOff = r.suggestions.length ? await this.oneOffWrite(s, { version }) : undefined;
      if (r.notFinal?.length || oneOff) {
        apart.set(s.sql, { r, ...(oneOff ? { why: `a one-off ${oneOff.kind.toUpperCase()}: ${oneOffWriteWhy(oneOff.kind.toUpperCase(), oneOff.calls, r.suggestions[0]?.table)}; the automatic advice (diagnostics, hovers, pg-lens scan) proposes no index for it` } : {}) });
        continue;
      }
      advised.push({ key: s.sql, label: s.label, calls: s.calls, totalMs: s.totalMs, ...(s.ownIncluded ? { ownIncluded: s.ownIncluded } : {}), suggestions: r.suggestions });
    }
    const notBuiltYet: NotBuiltYet = [];
    const crossProofs = await this.crossProofs(advised, bySql, real, run, asked, opts.isCancelled, slice, notBuiltYet);
    const tables = [...new Set(advised.flatMap((a) => a.suggestions.map((s) => qualifiedName(s.schema, bareName(s)))))];
    const writes = tables.length ? await this.writes(tables, advised.some((a) => a.totalMs !== undefined)) : [];
    const decision = decideIndexes(advised, crossProofs, writes, { minCostReduction: this.opts.minCostReduction });
    for (const [sql, { r, why }] of apart) decision.byStatement.set(sql, { suggestions: r.suggestions, alsoServes: {}, replaced: [], withheld: [], ...(why ? { apart: why } : {}) });
    return { ...decision, ...(notBuiltYet.length ? { notBuiltYet } : {}) };
  }

  /**
   * Query identifiers of the DELETEs and UPDATEs judged (oneOffWrite), by text, read once per catalog version
   * (schemaVersion's `schema`); their calls at each decision. A query id is made of the tables' OIDs: a table dropped and
   * created again (a migration run again, a test's reset) gives its statements new ones, and an id kept from before read
   * the old entry's calls (none), so a DELETE the clients now run every minute stayed "a one-off".
   */
  private writeIds: { schema: string; ids: Map<string, string | undefined> } = { schema: '', ids: new Map() };

  /**
   * A DELETE or UPDATE that has not recurred (core/plan oneOffWrite, on its calls in pg_stat_statements; the plan tips' and
   * the missing-index finding's one judgement: the decision weighs it apart, the missing-index analyzer shows no finding
   * for it). A statement pg_stat_statements gave with its calls is judged on those. Calls that cannot be read: not judged
   * (undefined), said to `log`; a closed connection throws.
   */
  async oneOffWrite(s: Pick<DecisionInput, 'sql' | 'calls'>, opts: { log?: (line: string) => void; version?: () => Promise<SchemaVersion> } = {}): Promise<{ kind: 'delete' | 'update'; calls: number } | undefined> {
    const { log = this.opts.log, version = () => schemaVersion(this.db) } = opts;
    await loadPgParser(); // what is a DELETE or UPDATE (statementShape)
    const kind = statementShape(s.sql)?.kind;
    if (kind !== 'delete' && kind !== 'update') return undefined;
    try {
      let calls = s.calls;
      if (calls === undefined) {
        const { schema } = await version();
        if (this.writeIds.schema !== schema) this.writeIds = { schema, ids: new Map() };
        const { ids } = this.writeIds;
        if (!ids.has(s.sql)) ids.set(s.sql, await queryIdOf(this.db, s.sql));
        calls = await statementCalls(this.db, ids.get(s.sql));
      }
      return calls !== undefined && oneOffWrite(calls) ? { kind, calls } : undefined;
    } catch (e) {
      if (connectionClosed(e)) throw e;
      log?.(`The calls of a ${kind.toUpperCase()} in pg_stat_statements were not read: ${describeError(e)}`);
      return undefined;
    }
  }

  private async safeAdvise(s: DecisionInput, realIndexes: boolean, run: TrialRun, asked: boolean): Promise<AdviceResult | undefined> {
    try {
      return await this.adviseOne(s, realIndexes, run, asked);
    } catch (e) {
      // The connection closed (a profile switch, Disconnect): the decision ends here, said once by its caller — not one
      // line for each statement left (verify35: 6,001 "Not connected" lines for a 3,000-statement file).
      if (connectionClosed(e)) throw e;
      this.errors.set(s.sql, describeError(e));
      this.opts.log?.(`index advice: ${s.label}: ${describeError(e)}`);
      return undefined;
    }
  }

  /** Overlapping indexes of other statements, proved on each statement that wants one on the same table (kept per connection). */
  private async crossProofs(advised: WorkloadStatementAdvice<IndexSuggestion>[], bySql: Map<string, DecisionInput>, realIndexes: boolean, run: TrialRun, asked: boolean, isCancelled?: () => boolean, slice = new TimeSlice(), notBuiltYet: NotBuiltYet = []): Promise<CrossProof<IndexSuggestion>[]> {
    const out: CrossProof<IndexSuggestion>[] = [];
    const indexes = new Map<string, IndexSuggestion>();
    for (const a of advised) for (const s of a.suggestions) if (s.verifiedBy !== 'none' && !indexes.has(s.ddl)) indexes.set(s.ddl, s);
    for (const a of advised) {
      for (const own of a.suggestions) {
        if (own.verifiedBy === 'none') continue;
        for (const other of indexes.values()) {
          if (other.ddl === own.ddl || !overlaps(other, own)) continue;
          // Claimed to serve this statement only when its keys fit this statement's predicates, not because the planner
          // likes its first column.
          if (!sharedIndexFits(other, own, this.columnUse(a.key, other))) continue;
          if (isCancelled?.()) return out;
          await slice.turn();
          // A statement of another's shape (sameShapeAs): the index proved on the first of the shape, once for all of them.
          const first = this.advice.get(a.key)?.sameShapeAs;
          const planned = first ?? a.key;
          const key = `${other.ddl}\u0000${planned}`;
          let proved = this.cross.get(key);
          if (proved === undefined) {
            const cand = candidateFromSuggestion(other);
            if (!cand) continue;
            try {
              const r = await adviseStatement(this.db, planned, undefined, { ...this.opts, realIndexes, candidates: [cand], maxIndexes: 1, planAsRole: bySql.get(a.key)?.userid, trialRun: run, askedFor: asked });
              const got = r.suggestions.find((x) => x.name === other.name && x.verifiedBy !== 'none');
              // Told in this statement's terms: the other statement's reason (its ORDER BY, its LIMIT) is not this one's.
              proved = got ? { ...got, reason: sharedReason(own, other) } : null;
              // Not tried (a real build was withheld): not kept, so a decision the person asks for proves it.
              if (!got && r.realBuildWithheld) {
                notBuiltYet.push(...(r.notBuiltYet ?? []));
                continue;
              }
            } catch (e) {
              if (connectionClosed(e)) throw e;
              this.opts.log?.(`index advice: could not try ${other.name} on ${a.label}: ${describeError(e)}`);
              proved = null;
            }
            this.cross.set(key, proved);
          }
          // Its own plan unchecked (the shape's checks spent): the first's figures, not verified for it.
          const checked = this.advice.get(a.key)?.ownFooting !== undefined;
          if (proved) out.push({ statement: a.key, suggestion: first ? { ...proved, ...(checked ? {} : { verifiedBy: 'none' as const }), summary: sameShapeSummary(proved.summary, checked) } : proved });
        }
      }
    }
    return out;
  }

  /** How the statement bounds the suggestion's table's columns (its shape; columns it does not qualify count for every table). */
  private columnUse(sql: string, on: Pick<IndexSuggestion, 'schema' | 'table'>): ColumnUse {
    const shape = statementShape(sql);
    const eq = new Set<string>();
    const ordered = new Set<string>();
    const add = (p: Predicate) => {
      // An expression by its text, as an expression key's label is written (`lower(email)`, person42 L3).
      const c = (p.target.kind === 'column' ? p.target.column : p.target.sql).toLowerCase();
      if (p.kind === 'eq' || p.kind === 'in' || p.kind === 'is-null') eq.add(c);
      else if (p.kind === 'range') ordered.add(c);
    };
    const name = bareName(on);
    for (const t of shape?.tables ?? []) {
      if (t.name.toLowerCase() !== name || (t.schema ?? 'public') !== on.schema) continue;
      t.predicates.forEach(add);
      for (const j of t.joinKeys) eq.add(j.column.toLowerCase());
      for (const k of [...t.orderBy, ...(t.orderByLead ?? [])]) if (k.target.kind === 'column') ordered.add(k.target.column.toLowerCase());
    }
    for (const u of shape?.unresolved ?? []) add(u.predicate);
    return { eq, ordered };
  }

  private touches(sql: string, tables: Set<string>): boolean {
    return this.tableNames(sql).some((n) => tables.has(n));
  }

  /** The bare lowercase names of the tables a statement reads or writes (parsed once per text). */
  private tableNames(sql: string): string[] {
    let names = this.tablesOf.get(sql);
    if (!names) {
      names = statementShape(sql)?.tables.map((t) => t.name.toLowerCase()) ?? [];
      this.tablesOf.set(sql, names);
    }
    return names;
  }

  private async writes(tables: string[], timed: boolean): Promise<TableWriteStats[]> {
    const { rows } = await this.db.query(DECISION_SQL.tableWrites, [tables]);
    const periodRatio = timed ? await this.periodRatio() : undefined;
    const oneOff = await this.oneOffWrites(new Map(rows.map((w) => [`${w.schema}.${w.name}`, loadTableRows(Number(w.live), Number(w.analyzed))] as const)));
    // Less PG Lens's own rolled-back Explain Analyze writes, per kind (person38 M2: "reviews is write-heavy (2,338 rows …)"
    // after an explained INSERT and DELETE, both rolled back).
    // Its reads less the scans of PG Lens's own Explain Analyze and benchmark runs.
    return rows.map((w) => {
      const { scans, ...c } = lessOwnWork(this.db.profile, w.schema, w.name, { inserts: Number(w.ins), updates: Number(w.upd), deletes: Number(w.del), hotUpdates: Number(w.hot), scans: Number(w.reads) });
      const once = oneOff.get(`${w.schema}.${w.name}`);
      return { schema: w.schema, name: w.name, ...c, reads: scans, periodRatio, ...(once ? { oneOff: once } : {}) };
    });
  }

  /**
   * The rows of loads (core/advice/workload oneOffWriteRows: run once, or a few runs each a large share of the table, by
   * `tableRows`, each table's live rows), per `schema.name`: left out of the
   * write rate (never below zero: decideIndexes). pg_stat_statements not there: none (the counters as they are). Its period
   * and the counters' are not compared here: a reset of one table's counters (the shop's seed does one) moves no period
   * PostgreSQL shows, so a one-off write it holds from before such a reset is left out of rows written since — the limit,
   * said in docs/rules/missing-index.md.
   */
  private async oneOffWrites(tableRows: ReadonlyMap<string, number>): Promise<Map<string, { rows: number; statements: number; calls: number }>> {
    try {
      const { rows } = await this.db.query(DECISION_SQL.oneOffWrites, [LOAD_MAX_CALLS]);
      return oneOffWriteRows(rows.map((r) => ({ query: String(r.query), calls: Number(r.calls), rows: Number(r.rows) })), tableRows);
    } catch (e) {
      if (connectionClosed(e)) throw e;
      return new Map();
    }
  }

  /** The statement timings' period over the table counters' (both known), so writes are weighed over the period savings are. */
  private async periodRatio(): Promise<TableWriteStats['periodRatio']> {
    try {
      const counters = Number((await this.db.query(DECISION_SQL.countersPeriod, [])).rows[0]?.s);
      const timings = Number((await this.db.query(DECISION_SQL.timingsPeriod, [])).rows[0]?.s);
      if (!(counters > 0) || !(timings > 0)) return undefined;
      return { ratio: Math.min(100, timings / counters), countersSeconds: counters, timingsSeconds: timings };
    } catch {
      return undefined; // PostgreSQL 13 (no pg_stat_statements_info): one period assumed, as before
    }
  }
}

/** Another statement's advice (`of`, the first of this statement's shape: `first`), as this statement's: its figures said to be the shape's. */
function sameShapeAdvice(of: AdviceResult, first: string, own?: PlanFooting): AdviceResult {
  // Unchecked (the shape's checks spent): the figures are the first's, never said to be proved for this statement.
  const r: AdviceResult = {
    ...of,
    sameShapeAs: first,
    ...(own ? { ownFooting: own } : { proof: 'none' as const }),
    suggestions: of.suggestions.map((s) => ({ ...s, ...(own ? {} : { verifiedBy: 'none' as const }), summary: sameShapeSummary(s.summary, own !== undefined) })),
  };
  delete r.footing;
  // Nothing was built or reused for this one: its advice is the first's.
  delete r.realBuilds;
  delete r.reusedProofs;
  return r;
}

/**
 * Statements of one shape checked with a plain EXPLAIN of their own before taking the first's advice, per shape and
 * decision: a file of 3,000 such statements costs at most this many plans more (person31 H2; the editor's decisions over a
 * generated file stay within editorPlans.test's few dozen EXPLAINs), the rest take the shape's figures, not verified for them.
 */
export const SHAPE_CHECKS = 3;

/** Whether an advice's suggestions carry its statement's constants (a partial index's predicate, an expression with a literal). */
function carriesConstants(r: AdviceResult): boolean {
  const literal = /'|(^|[^\w$.])\d/;
  return r.suggestions.some((s) => (s.where !== null && s.where !== undefined && literal.test(s.where)) || s.columns.some((c) => literal.test(c)));
}

/** The bare lowercase names of the tables an advice's suggestions are on. */
function suggestionTables(r: AdviceResult): string[] {
  return [...new Set(r.suggestions.map((s) => bareName(s)))];
}

/** The table's name without its schema (IndexSuggestion.table is schema.name when not public). */
function bareName(s: Pick<IndexSuggestion, 'schema' | 'table'>): string {
  return (s.schema === 'public' || !s.table.startsWith(`${s.schema}.`) ? s.table : s.table.slice(s.schema.length + 1)).toLowerCase();
}
