/**
 * Index advice in the editor: the index advisor is one more analyzer of the one analysis pipeline
 * (analysis.ts: its `missing-index` findings go through the one diagnostic adapter and code-action
 * provider, with Create index now on development profiles, Add migration and Copy CREATE INDEX as
 * the finding's fixes). Its EXPLAINs run on open, save, connection and settings changes; while the
 * user types it reuses its last advice per SQL text (kept here, per connection), so its findings
 * follow the edits. Here too: the hover with the CREATE INDEX and the plan before/after, and the
 * commands pgLens.suggestIndexes and pgLens.adviseWorkload. Heavy modules load on first use.
 */
import { readWorkspaceFile } from './readWorkspaceFile';
import * as vscode from 'vscode';
import { errorMessage } from '../core/safeText';
import { adviceNoIndexNote, adviceTipAnswer, bestProvedFigures, indexDefinitionTitle, MISSING_INDEX_RULE, provedFigures, noIndexWhy, provedBy, suggestedIndexesLine, suggestPickDetail } from '../core/advice/missingIndex';
import type { ProvedIndexFigure } from '../core/plan/model';
import type { Analyzer } from '../core/scan';
import type { IndexSuggestion } from '../db/advisor';
import type { DecisionInput, IndexDecider, TopStatements, WorkspaceStatements } from '../db/indexDecision';
import type { DecidedAdvice, keepDecision as keepDecisionFn } from '../db/missingIndexAnalyzer';
import type { ForeignKeyAdvice } from '../db/health';
import { placeIn, statementName, type FoundStatement, type IndexDecision, type RecordedFigures } from '../core/advice/workload';
import { decidedWithPhrase, recordedFound } from '../core/record/advice';
import { KeptAdvice } from '../core/advice/keptAdvice';
import type { CodeContext } from '../core/codeContext';
import type { Database } from '../db/database';
import type { PgLensContext } from './main';
import { loadEngine } from './loadEngine';
import { countOf, spaced } from '../core/format';
import { DISMISSED, noStatementAtCursor, statementAtCursor } from './siteIndex';
import { adaptFixes, DIAGNOSTIC_SOURCE } from './findingActions';
import { ADD_MIGRATION_COMMAND, migrationAction, migrationFixFor, migrationMarker, PROJECT_FACT_FILES, SAVE_INDEX_SQL_COMMAND, type MigrationTool } from '../core/advice/migrationFix';
import { SKIPPED_DIRS_GLOB } from '../core/skippedFolders';
import { contextPathOf, type WorkspaceChange } from './workspaceChanges';
import { EDITOR_SCHEMES, READ_ONLY_SCHEME, shownTextUris } from './reportDocument';
import { docsLink, OPEN_DOCS_COMMAND } from './docs';
import { ruleDocsPath } from '../core/docs';
import { chooseDestructive } from './confirm';
import { createIndexConfirmation } from '../core/confirm';
import { closingHover } from './hoverLinks';
import { walkthroughStepDone } from './walkthrough';

type KeepOf = typeof keepDecisionFn;

/** The setting that raises the size limit of a real trial index, as the editor's answers name it. */
const EDITOR_SIZE_SETTING = 'pgLens.index.maxTableSizeMb';

/** Source files read for the workload advice (beyond them, pg_stat_statements speaks for the app). */
const WORKLOAD_MAX_FILES = 2000;
/**
 * Files changed on disk in one batch beyond which the workspace's statements are read again in one walk (at the next
 * decision) rather than file by file: a branch switch, a generator.
 */
const DISK_BATCH_MAX = 200;
/** A file whose trial builds the budget held back is analysed again after this long (ms): the budget counts a minute. */
const PROVE_LATER_MS = 65_000;
/** A decision for the foreign keys' fix that found a table another PG Lens session was building on is made again after this long (ms). */
const BUSY_AGAIN_MS = 5_000;
/** pg_stat_statements' busiest statements are read again after this long (ms). */
const TOP_STATEMENTS_MS = 5 * 60_000;
/**
 * How long a statement whose advice was dropped to be made again (or whose decision started) counts as being decided
 * (IndexAdvice.pendingFor) when no decision answers it: the hover's "checking" never outstays a decision that will not come.
 */
const PENDING_MAX_MS = 90_000;
/** How often the advised tables' figures are read (IndexAdvice.noticeTableChanges): one small catalog query. */
const TABLE_FIGURES_MS = 30_000;

/** The editor's one index decision, for other features (recording) that show index advice. */
export interface IndexAdviceApi {
  /** The decided advice of these statements (weighed with the workspace's and pg_stat_statements'); undefined when not connected. */
  /** `context`: the kind of code a recorded statement ran in (a test's or a migration's weighs in no other decision). */
  decide(statements: { sql: string; label: string; calls?: number; totalMs?: number; context?: CodeContext; recorded?: RecordedFigures }[]): Promise<Map<string, DecidedAdvice> | undefined>;
  /**
   * These recorded statements take part in every decision from now on, before any of them is decided (decide registers
   * the statements it is given too): the recording gives all its statements at once, so which ones a decision weighs does
   * not depend on which were decided first, or opened (person49 M-4).
   */
  weigh(statements: { sql: string; label: string; context?: CodeContext; recorded?: RecordedFigures }[]): void;
  /** The recording was cleared: its statements no longer weigh in, and the decisions they took part in are made again. */
  forgetRecorded(): void;
  /** The indexes proved for this statement on the connection in use (the plan viewer's tips say the same saving). */
  provedFor(sql: string): ProvedIndexFigure[];
  /**
   * The statement's advice as the editor's decisions keep it now on the connection in use (undefined: none made there): what
   * a recorded statement's finding and hover show, so they name the index the editor's line names (person45 H1).
   */
  adviceFor(sql: string): DecidedAdvice | undefined;
  /**
   * Why a statement of this file gets no index advice (not the app's workload: a one-off script's, a test's, a seed's), as
   * Suggest Indexes says it (core/advice/workload notWorkloadAnswer), or undefined when it is the app's.
   */
  noIndexAdviceWhy(doc: vscode.TextDocument, sql: string): Promise<string | undefined>;
  /** The advice's one answer for a statement it decided, as the hover notes it (core adviceNoIndexNote); undefined when it has not answered. */
  noIndexNoteFor(sql: string): string | undefined;
  /**
   * Whether the statement's decision is under way with no answer kept (its file being analysed, or its advice dropped to
   * be made again after an index or table change): the hover says it is checking, not the plan tip's "none" (person48 L-g).
   */
  pendingFor(sql: string): boolean;
  /**
   * What a plan tip of this statement of the code says on a scan the advice proved no index for (core adviceTipAnswer):
   * not decided yet, or its answer; undefined when the advice is switched off (the missing-index rule "off").
   */
  tipAnswerFor(sql: string): string | undefined;
  /**
   * Read the advised tables' figures now (as every TABLE_FIGURES_MS): the advice on a table that moved is made again, and
   * the plan cache drops its plans (tableFigures). Returns how many statements.
   */
  noticeTableChanges(): Promise<number>;
  /** Every index the advice proved for the workspace's statements on this connection (a plan brought without its statement names the one for its scan). */
  provedForAny(): ProvedIndexFigure[];
  /** The workspace's places that write this statement (as last read for index advice; none before it was read). */
  placesOf(sql: string): string[];
  /** The workspace's places that write this statement with other constants (one pg_stat_statements entry for them all). */
  otherConstantsOf(sql: string): string[];
  /**
   * Forget the advice whose index the catalog now has (a migration ran, another tool made it): those statements are
   * proved again and the open documents analysed again (issue 20 MEDIUM 9). `rescan`: the files shown from the last
   * scan are scanned again too (not when the scan itself asks). Returns how many advised indexes now exist.
   */
  recheckCatalog(opts?: { rescan?: boolean; tables?: readonly string[] }): Promise<number>;
  /** Suggest Indexes on a statement, telling `report` how it goes and how it ended (the plan viewer's button). */
  suggest(ref: { uri?: string; offset?: number; sql?: string } | undefined, report?: SuggestReport): Promise<void>;
  /**
   * The index advice unindexed-foreign-key's fix names (the dashboard's health checks): the last decision over the
   * workspace's statements with pg_stat_statements' and the recording's (db/health foreignKeyAdvice, `pg-lens health`'s
   * path), and a new one started (cheap once made: the decider keeps every proof). Until the first is made on this
   * connection, every table's advice is pending. Undefined when not connected.
   */
  foreignKeyAdvice(): Promise<Pick<ForeignKeyAdvice, 'advisedIndexes'> & { indexAdvicePending: 'all' | string[] } | undefined>;
  /** A decision for foreignKeyAdvice ended with other advice than the one before. */
  readonly onDidChangeForeignKeyAdvice: vscode.Event<void>;
  /**
   * The advice of these recorded statements (their SQL as decide was given it) was forgotten: their tables moved (rows,
   * size, an ANALYZE: noticeTableChanges, the trigger the code's statements follow). The recording decides them again.
   */
  readonly onDidForgetRecordedAdvice: vscode.Event<ReadonlySet<string>>;
  /**
   * A statement's advice was decided (its SQL text, as adviceFor, tipAnswerFor and provedFor know it): fired by the kept
   * advice itself (core KeptAdvice) whichever path kept it — what a plan panel waiting for its tip's answer listens to.
   */
  readonly onDidDecideAdvice: vscode.Event<string>;
}

/** A line of Suggest Indexes' progress (`busy`) or its outcome. */
type SuggestReport = (line: string, busy: boolean) => void;

export function registerIndexAdvice(ctx: PgLensContext): void {
  const feature = new IndexAdvice(ctx);
  ctx.indexAdvice = feature;
  ctx.extension.subscriptions.push(feature, ctx.analysis.register(feature.analyzer()));
}

class IndexAdvice implements vscode.Disposable, IndexAdviceApi {
  /**
   * Per connection: the one decider (every proof made, kept), the decided advice per SQL text, and the
   * statements every decision weighs (the workspace's SQL, pg_stat_statements' busiest, read once, and the
   * statements a recording saw).
   */
  private state: { db: Database; decider: IndexDecider; advice: KeptAdvice<DecidedAdvice>; top?: { at: number; read: Promise<TopStatements>; changed: Promise<boolean> }; literalIds?: Map<string, string | undefined> } | undefined;
  /**
   * The statements a recording saw, weighed by every decision on any connection until the recording is cleared:
   * kept per connection, they were gone after switching databases and back, and the scan run again then decided
   * the code's statements without them (a missing-index finding the first scan had showed went missing).
   */
  private readonly recorded = new Map<string, FoundStatement>();
  /** SQL texts whose advice was dropped to be made again, or whose decision started, with since when (pendingFor). */
  private readonly deciding = new Map<string, number>();
  /** SQL texts with analyses under way that decide them, how many (pendingFor). */
  private readonly running = new Map<string, number>();
  /**
   * The workspace's SQL per file: read once by the one walker, then kept current file by file — on save, and when a file
   * is analysed (its statements as the analysis sees them) — so every decision weighs the same statements whichever file
   * is the focus (person25 MEDIUM-3).
   */
  private files: Promise<WorkspaceStatements> | undefined;
  /** The same, once read (recorded statements changing mark it changed). */
  private ws: WorkspaceStatements | undefined;
  /** The file each advised statement was last analysed in (its path), to analyse again the files whose advice a decision changed. */
  private readonly analysedIn = new Map<string, string>();
  private readonly subs: vscode.Disposable[] = [];
  /** Files whose advice the trial-build budget held back: analysed again once the budget's minute has passed (proveLater). */
  private readonly later = new Map<string, ReturnType<typeof setTimeout>>();
  /** foreignKeyAdvice's last decision on a connection's state, the one under way, and a later one when tables were held back. */
  private fk: { state: NonNullable<IndexAdvice['state']>; last?: ForeignKeyAdvice; logged?: string; making?: Promise<void>; again?: ReturnType<typeof setTimeout> } | undefined;
  private readonly fkChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeForeignKeyAdvice = this.fkChanged.event;
  private readonly recordedForgotten = new vscode.EventEmitter<ReadonlySet<string>>();
  readonly onDidForgetRecordedAdvice = this.recordedForgotten.event;
  private readonly adviceDecided = new vscode.EventEmitter<string>();
  readonly onDidDecideAdvice = this.adviceDecided.event;

  constructor(private readonly ctx: PgLensContext) {
    this.subs.push(
      ctx.connections.onDidChange(() => {
        this.state = undefined;
        this.deciding.clear();
        this.running.clear();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('pgLens.index')) this.state = undefined;
        // Which files are the workspace's: read again at the next decision (person16 MEDIUM 4: pgLens.exclude set while
        // the editor ran still weighed the statements of the folder it now leaves out).
        if (e.affectsConfiguration('pgLens.exclude') || e.affectsConfiguration('pgLens.maxFileSizeKb')) this.forgetFiles();
      }),
      // A saved file's SQL may have changed: its statements are read again (only that file's).
      vscode.workspace.onDidSaveTextDocument((doc) => void this.refreshFile(doc.uri.fsPath, doc.getText())),
      // So may a file changed on disk and never opened (a checkout, another editor, a script writing report.py).
      ctx.analysis.onDidChangeOnDisk((changes) => void this.followDisk(changes).catch((e) => this.ctx.log.info(`index advice: could not read the files changed on disk: ${errorMessage(e)}`))),
      vscode.languages.registerHoverProvider(EDITOR_SCHEMES.map((scheme) => ({ scheme })), { provideHover: (d, p) => this.hover(d, p) }),
      vscode.commands.registerCommand('pgLens.suggestIndexes', closingHover((ref?: { uri?: string; offset?: number; sql?: string }) => this.suggest(ref))),
      vscode.commands.registerCommand('pgLens.adviseWorkload', () => this.workloadCommand()),
      vscode.commands.registerCommand('pgLens.createIndexNow', closingHover((s: IndexSuggestion) => this.createNow(s))),
      vscode.commands.registerCommand('pgLens.copyCreateIndex', (s: IndexSuggestion) => this.copy(s)),
      vscode.commands.registerCommand(ADD_MIGRATION_COMMAND, closingHover((s: IndexSuggestion, uri?: vscode.Uri | string) => this.addMigration(s, uri))),
      vscode.commands.registerCommand(SAVE_INDEX_SQL_COMMAND, closingHover((s: IndexSuggestion, uri?: vscode.Uri | string) => this.saveSql(s, uri))),
      // The quick fix says what it will do in this workspace: "Save CREATE INDEX as .sql…" where no migration tool is recognised.
      adaptFixes(ADD_MIGRATION_COMMAND, async (doc, fix) => {
        const offer = await this.migrationToolOf(doc.uri);
        return migrationFixFor(fix, offer.tool, offer.note);
      }),
    );
    // The app's traffic grows a table (and autovacuum analyses it) with no edit and no index change: every half minute, one
    // catalog read of the advised tables' figures; the advice on a changed table is made again (person43 H1).
    this.figuresTimer = setInterval(() => {
      if (this.state && vscode.window.visibleTextEditors.length) void this.noticeTableChanges().catch((e) => this.ctx.log.info(`index advice: could not read the tables' figures: ${errorMessage(e)}`));
    }, TABLE_FIGURES_MS);
  }

  private readonly figuresTimer: ReturnType<typeof setInterval>;

  /**
   * The advice on tables whose figures changed since it was made (rows, size, an ANALYZE: IndexDecider.noticeChangedTables)
   * is made again: the files holding those statements are analysed again — a fresh proof, or the earlier one saying the
   * table has changed since — where the hover kept "940 → 288" and Problems "(32k rows)" for a table of 40k rows until a
   * reload (person43 H1). Returns how many statements.
   */
  async noticeTableChanges(): Promise<number> {
    const conn = this.ctx.connections.current;
    const state = this.state;
    if (!conn || conn.db.isClosed || !state || state.db !== conn.db) return 0;
    const forgot = await state.decider.noticeChangedTables();
    if (!forgot.size || this.state !== state) return 0;
    this.refreshChanged(forgot);
    // A recorded statement is in no file to analyse again: its decided advice goes (adviceFor, what the recorded line
    // shows), and the recording decides it again — person48 L-h: after orders grew to 62k rows, the recorded
    // orm/orders.ts:25 still said "Reading orders (52k rows): … 27.2 → 12.6" beside the code's line decided anew.
    const recorded = new Set([...forgot].filter((sql) => this.recorded.has(sql)));
    for (const sql of recorded) state.advice.delete(sql);
    if (recorded.size) this.recordedForgotten.fire(recorded);
    return forgot.size;
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
    clearInterval(this.figuresTimer);
    this.later.forEach((t) => clearTimeout(t));
    if (this.fk?.again) clearTimeout(this.fk.again);
    this.fkChanged.dispose();
    this.adviceDecided.dispose();
    this.recordedForgotten.dispose();
  }

  async foreignKeyAdvice(): Promise<Pick<ForeignKeyAdvice, 'advisedIndexes'> & { indexAdvicePending: 'all' | string[] } | undefined> {
    const conn = this.ctx.connections.current;
    if (!conn || conn.db.isClosed) return undefined;
    const state = await this.stateFor(conn);
    if (this.fk?.state !== state) {
      if (this.fk?.again) clearTimeout(this.fk.again);
      this.fk = { state };
    }
    this.decideForeignKeys(this.fk);
    const last = this.fk.last;
    return last ? { advisedIndexes: last.advisedIndexes, indexAdvicePending: last.indexAdvicePending } : { advisedIndexes: [], indexAdvicePending: 'all' };
  }

  /**
   * One decision over every statement the editor weighs (not a focus: the open files' decisions weigh only the statements
   * near theirs), on the editor's decider, so its proofs are the hover's and the diagnostics' and no trial index is built
   * twice; automatic advice, so the trial budget holds (tables held back are decided again after its minute, a table
   * another session was building on after a few seconds). Said to the dashboard when the advice changed.
   */
  private decideForeignKeys(fk: NonNullable<IndexAdvice['fk']>): void {
    if (fk.making) return;
    const started = Date.now();
    fk.making = (async () => {
      const { foreignKeyAdvice, foreignKeyAdviceLine } = await loadEngine();
      const statements = await this.statements(fk.state);
      const now = await foreignKeyAdvice(fk.state.decider, statements, { isCancelled: () => this.state !== fk.state, gone: (sql) => this.ws?.gone(sql) ?? false });
      if (this.state !== fk.state || this.fk !== fk) return;
      const changed = JSON.stringify(fk.last && { a: fk.last.advisedIndexes, p: fk.last.indexAdvicePending }) !== JSON.stringify({ a: now.advisedIndexes, p: now.indexAdvicePending });
      fk.last = now;
      // Logged when it says something new, not at each of the dashboard's refreshes (person37 L12).
      const said = foreignKeyAdviceLine(fk.logged, { statements: statements.length, ...now }, (Date.now() - started) / 1000);
      fk.logged = said.key;
      if (said.line) this.ctx.log.info(said.line);
      if (now.indexAdvicePending.length && !fk.again) {
        fk.again = setTimeout(() => {
          fk.again = undefined;
          if (this.fk === fk) this.decideForeignKeys(fk);
        }, now.pendingWhy.includes('budget') ? PROVE_LATER_MS : BUSY_AGAIN_MS);
      }
      if (changed) this.fkChanged.fire();
    })().catch((e) => this.ctx.log.info(`index advice for the foreign keys' fix: ${errorMessage(e)}`)).finally(() => (fk.making = undefined));
  }

  /**
   * Candidates of this file held back by the connection's budget of real trial builds (db/hypo.ts TrialBudget) are proved
   * again a minute later: the file is analysed again then, if a tab still shows it (person31 H2: never for a closed file).
   */
  private proveLater(file: string): void {
    if (this.later.has(file)) return;
    this.later.set(file, setTimeout(() => {
      this.later.delete(file);
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file && !d.isClosed);
      if (doc && shownTextUris().has(doc.uri.toString())) void this.ctx.analysis.refresh(doc);
    }, PROVE_LATER_MS));
  }

  /** The decider of the current connection (a new one, with nothing proved, for a new connection). */
  private async stateFor(conn: { db: Database; info: { versionNum: number; hypopg: 'ready' | 'available' | 'unavailable'; pgTrgm: 'ready' | 'available' | 'unavailable' } }) {
    if (this.state?.db !== conn.db) {
      const { IndexDecider } = await import('../db/indexDecision');
      // An index made or dropped outside PG Lens (psql, a migration), found by the reading of the tables' figures that
      // follows their growth (IndexDecider noticeChangedTables: every decision, the hover's plan-cache probe, the half-minute
      // timer): what the editor keeps besides the decider's advice is re-checked, and the files shown decided again.
      // Before, only the cost CodeLens's 30 s reading saw it, and the advice came back 20–60 s after a DROP INDEX (person47 L11).
      const indexesChanged = (tables: string[]) => void this.recheckCatalog({ tables, rescan: true }).catch((e) => this.ctx.log.info(`index advice: could not re-check the catalog: ${errorMessage(e)}`));
      this.state = { db: conn.db, decider: new IndexDecider(conn.db, { ...this.adviseOptions(conn.info), log: (l) => this.ctx.log.info(l), indexesChanged }), advice: new KeptAdvice<DecidedAdvice>() };
      // Each statement's advice, told the moment it is kept (onDidDecideAdvice: the plan panel's tips answer in place).
      this.state.advice.onSet((sql) => this.adviceDecided.fire(sql));
    }
    return this.state;
  }

  /**
   * The statements every decision weighs: the workspace's SQL (the one walker), pg_stat_statements'
   * busiest (readTop) and the recorded statements. A recorded ORM statement
   * run 3 times is below pg_stat_statements' 5-call floor: decided apart, it got its own index
   * (orders (status, placed_at DESC)) while the code's same read got orders (status).
   */
  private async statements(state: NonNullable<IndexAdvice['state']>, opts: { fresh?: boolean } = {}): Promise<DecisionInput[]> {
    const top = await this.readTop(state, opts.fresh);
    const { loadPgParser } = await import('../core/sql/statement');
    await loadPgParser(); // what is DDL, by PostgreSQL's parser (mergeStatements leaves it out)
    const files = await this.workspaceFiles();
    // The identifiers of literal copies of an entry's statement (person29 M3: the lens's rule, takesEntryByText), read
    // once per text; new ones are a change of the merge.
    const { literalCopyIds } = await import('../db/indexDecision');
    state.literalIds ??= new Map();
    if (await literalCopyIds(state.db, top.statements, [...files.found(), ...this.recorded.values()], state.literalIds)) files.touch();
    const ids = state.literalIds;
    // Merged once per change, not once per file analysed (person16 HIGH 1: Scan Workspace merged the whole workspace's
    // statements again for each of its 583 files).
    return files.statements(top.statements, () => [...this.recorded.values()], (sql) => ids.get(sql));
  }

  /**
   * The editor's one read of pg_stat_statements' busiest statements, which every decision of the editor weighs — the
   * diagnostics, hovers, Suggest Indexes and the workload advice. Read again after five minutes, and now when the person
   * asks (`fresh`: Suggest Indexes, Advise Indexes for the Workload). Before, the workload read its own: in the e2e suite
   * the editor's read was made before a client ran a refunds read 5 times, and the workload, weighing that read too,
   * named orders (status, placed_at DESC) where Suggest Indexes named orders (status) for the same statements (issue 20
   * item 5). A read that weighs other statements than the one before has the open documents decided again.
   */
  private async readTop(state: NonNullable<IndexAdvice['state']>, fresh = false): Promise<TopStatements> {
    if (fresh || !state.top || Date.now() - state.top.at > TOP_STATEMENTS_MS) {
      const { topStatements } = await import('../db/indexDecision');
      const before = state.top;
      const read = topStatements(state.db).catch((e): TopStatements => {
        this.ctx.log.info(`index advice: could not read pg_stat_statements: ${errorMessage(e)}`);
        return { statements: [] };
      });
      const changed = before ? Promise.all([before.read, read]).then(([was, now]) => {
        const added = now.statements.filter((x) => !was.statements.some((y) => y.sql === x.sql)).length;
        const gone = was.statements.filter((x) => !now.statements.some((y) => y.sql === x.sql)).length;
        if (added || gone) this.ctx.log.info(`index advice: pg_stat_statements read again: ${added} statement(s) more, ${gone} fewer among the busiest; open files decided again.`);
        return added > 0 || gone > 0;
      }) : Promise.resolve(false);
      state.top = { at: Date.now(), read, changed };
      // A read the person did not ask for: the open files now. An asked one (Suggest Indexes, the workload advice): after
      // its decision (openDecidedAgain) — decided at the same time, their trial builds skipped each other's (the table's
      // advisory lock), and Suggest Indexes then left out a statement the workload weighed.
      if (!fresh) void changed.then((c) => c && this.state === state && this.ctx.analysis.refreshAll());
    }
    return state.top.read;
  }

  /** After an asked decision: the open files decided again when the read it made holds other statements than the one before. */
  private async openDecidedAgain(state: NonNullable<IndexAdvice['state']>): Promise<void> {
    if ((await state.top?.changed) && this.state === state) this.ctx.analysis.refreshAll();
  }

  private workspaceFiles(): Promise<WorkspaceStatements> {
    this.files ??= this.workspaceStatements().then((ws) => (this.ws = ws)).catch(async (e) => {
      this.ctx.log.info(`index advice: could not read the workspace's statements: ${errorMessage(e)}`);
      this.files = undefined;
      const { WorkspaceStatements } = await import('../db/indexDecision');
      return new WorkspaceStatements();
    });
    return this.files;
  }

  /** The workspace's statements are read again at the next decision. */
  private forgetFiles(): void {
    this.files = undefined;
    this.ws = undefined;
  }

  /** A saved file's statements, read again (when the workspace's have been read at all). */
  private async refreshFile(file: string, text: string): Promise<void> {
    if (!this.files) return;
    const files = await this.files;
    if (!files.has(file) && !vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file))) return;
    files.setFile(file, await this.sqlOf(file, text));
  }

  /**
   * Files changed on disk while not open: their statements replace those read before (a file the workspace's walk leaves
   * out — pgLens.exclude, .gitignore, build folders, too large — or deleted has none), so every decision weighs the files
   * as they are now, not as the first reading or the last analysis saw them (advice25: report.py written by a script
   * counted only once opened; a checkout's old statements counted until then). The open documents are analysed again
   * when any statements changed: their advice follows. A batch beyond DISK_BATCH_MAX files: the workspace is read again.
   */
  private async followDisk(changes: ReadonlyMap<string, boolean>): Promise<void> {
    const reading = this.files;
    if (!reading) return; // not read yet: the reading will see them as they are
    const files = await reading;
    const inWorkspace = [...changes].filter(([file]) => files.has(file) || vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file)));
    if (!inWorkspace.length || this.files !== reading) return;
    let changed = false;
    if (inWorkspace.length > DISK_BATCH_MAX) {
      this.ctx.log.info(`index advice: ${inWorkspace.length} files changed on disk; the workspace's statements are read again.`);
      this.forgetFiles();
      changed = true;
    } else {
      const { walkedFile, readSourceText } = await import('../node/walk');
      const opts = { exclude: this.ctx.config.exclude, maxFileSizeBytes: this.ctx.config.maxFileSizeKb * 1024 };
      for (const [file, deleted] of inWorkspace) {
        const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
        const text = !deleted && folder && walkedFile(folder.uri.fsPath, file, opts) ? await readSourceText(file, opts.maxFileSizeBytes) : undefined;
        if (text === undefined ? files.deleteFile(file) : files.setFile(file, await this.sqlOf(file, text))) changed = true;
      }
      if (changed) this.ctx.log.info(`index advice: statements changed on disk in ${inWorkspace.map(([f]) => vscode.workspace.asRelativePath(f)).slice(0, 5).join(', ')}${inWorkspace.length > 5 ? ', …' : ''}; open files decided again.`);
    }
    if (!changed || !this.state) return;
    if (!this.files) return this.ctx.analysis.refreshAll();
    // The open documents analysed (each has an entry, sawFile): decided again, over the statements as they are now.
    for (const doc of vscode.workspace.textDocuments) if (doc.uri.scheme === 'file' && !doc.isClosed && files.has(doc.uri.fsPath)) void this.ctx.analysis.refresh(doc);
  }

  async decide(statements: { sql: string; label: string; calls?: number; totalMs?: number; context?: CodeContext; recorded?: RecordedFigures }[]): Promise<Map<string, DecidedAdvice> | undefined> {
    const conn = this.ctx.connections.current;
    if (!conn || conn.db.isClosed) return undefined;
    const state = await this.stateFor(conn);
    const { decided, keepDecision } = await import('../db/missingIndexAnalyzer');
    const { notWorkload, notWorkloadAnswer } = await import('../core/advice/workload');
    const { loadPgParser } = await import('../core/sql/statement');
    await loadPgParser();
    // A recorded statement that is not the app's workload (a test's, a migration's unit of work): no index advice of its
    // own, as no other decision weighs it (person36 M2) — said instead.
    const out = new Map<string, DecidedAdvice>();
    const left = new Map(statements.flatMap((s) => {
      const why = notWorkload({ sql: s.sql, source: placeIn(s.label) ?? 'recorded', ...(s.context ? { context: s.context } : {}) });
      return why ? [[s.sql, why] as const] : [];
    }));
    for (const [sql, why] of left) out.set(sql, { status: 'not-analysed', message: notWorkloadAnswer(why), suggestions: [], alsoServes: {}, considered: 0, tried: [] });
    // From now on every decision weighs them too (the editor's, Suggest Indexes', the workload's): one answer per statement.
    this.weigh(statements);
    const workload = statements.filter((s) => !left.has(s.sql));
    if (!workload.length) return out;
    const focus = workload.map((s) => s.sql);
    const decision = await state.decider.decide([...(await this.statements(state)), ...workload], { focus });
    // The code's statements this decision changed (now served by the recorded statement's index, say): their files again.
    this.refreshChanged(this.applyDecision(state, decision, keepDecision, (sql) => focus.includes(sql)));
    for (const s of workload) {
      const d = decided(state.decider, s.sql, decision);
      if (!d) continue;
      out.set(s.sql, d);
      // Kept as every statement's advice is: the plan viewer's tips (provedFor) name the index the recorded line's hover
      // names (person12 R9: the viewer's tip said "see Suggest indexes" beside the hover's proved 9,884 → 9.62).
      state.advice.set(s.sql, d);
    }
    return out;
  }

  weigh(statements: { sql: string; label: string; context?: CodeContext; recorded?: RecordedFigures }[]): void {
    for (const s of statements) {
      if (this.recorded.has(s.sql)) continue;
      // Named by the place the recording saw send it, with its calls there: as `pg-lens advise --recording` takes it (recordedFound).
      this.recorded.set(s.sql, recordedFound(s));
      this.ws?.touch();
    }
  }

  /**
   * What every decision of the editor weighs now, in the phrase `pg-lens advise` prints (core decidedWithPhrase): the
   * workspace's statements, the recording's (Stop Recording adds them; `pg-lens advise --recording` weighs the capture's
   * file the same way) and pg_stat_statements' busiest as last read.
   */
  private async decidedWith(state: NonNullable<IndexAdvice['state']>): Promise<string> {
    const top = state.top ? await state.top.read : undefined;
    return decidedWithPhrase({
      code: `the workspace's ${countOf(this.ws?.found().length ?? 0, 'statement')}`,
      recorded: this.recorded.size ? { statements: this.recorded.size, of: 'in this window (Record Queries)' } : undefined,
      noRecording: 'Start/Stop Recording adds one',
      busiest: top && !top.note ? top.statements.length : undefined,
    });
  }

  placesOf(sql: string): string[] {
    return this.ws?.placesOf(sql) ?? [];
  }

  otherConstantsOf(sql: string): string[] {
    return this.ws?.otherConstantsOf(sql) ?? [];
  }

  async noIndexAdviceWhy(doc: vscode.TextDocument, sql: string): Promise<string | undefined> {
    if (doc.uri.scheme !== 'file') return undefined;
    const [{ fileStatementNotWorkload }, { loadPgParser }] = await Promise.all([import('../core/advice/workload'), import('../core/sql/statement')]);
    await loadPgParser();
    // The question `pg-lens advise --file` asks, on the same path in the app (person42 L2).
    return fileStatementNotWorkload({ sql, source: vscode.workspace.asRelativePath(doc.uri), contextPath: contextPathOf(doc.uri), text: doc.getText() });
  }

  provedFor(sql: string): ProvedIndexFigure[] {
    const decided = this.adviceFor(sql);
    return provedFigures(decided?.suggestions ?? [], decided);
  }

  pendingFor(sql: string): boolean {
    const since = this.deciding.get(sql);
    if (since === undefined || this.adviceFor(sql)) return false;
    if (this.running.get(sql) || Date.now() - since < PENDING_MAX_MS) return true;
    this.deciding.delete(sql);
    return false;
  }

  /** These statements' decisions are under way (or their advice was dropped to be made again): pendingFor. */
  private markDeciding(sqls: Iterable<string>): void {
    const now = Date.now();
    for (const sql of sqls) if (!this.deciding.has(sql)) this.deciding.set(sql, now);
  }

  noIndexNoteFor(sql: string): string | undefined {
    const decided = this.adviceFor(sql);
    return adviceNoIndexNote(decided, decided && this.state?.decider.advice.get(sql), { minCostReduction: this.ctx.config.indexMinCostReduction, sizeSetting: EDITOR_SIZE_SETTING });
  }

  tipAnswerFor(sql: string): string | undefined {
    if (this.ctx.config.rulesSeverity[MISSING_INDEX_RULE] === 'off') return undefined;
    const decided = this.adviceFor(sql);
    return adviceTipAnswer(decided, decided && this.state?.decider.advice.get(sql), { minCostReduction: this.ctx.config.indexMinCostReduction, sizeSetting: EDITOR_SIZE_SETTING });
  }

  adviceFor(sql: string): DecidedAdvice | undefined {
    const conn = this.ctx.connections.current;
    return conn && this.state?.db === conn.db ? this.state.advice.get(sql) : undefined;
  }

  provedForAny(): ProvedIndexFigure[] {
    const conn = this.ctx.connections.current;
    if (!conn || this.state?.db !== conn.db) return [];
    // Each proof with where its statement is written (a pasted plan's tip says which statement it was proved for; person33
    // L1): the workspace's places read once, not once per statement.
    const placeOf = new Map<string, string>();
    for (const f of this.ws?.found() ?? []) if (!placeOf.has(spaced(f.sql))) placeOf.set(spaced(f.sql), f.source);
    return bestProvedFigures([...this.state.advice].flatMap(([sql, a]) => {
      const at = placeOf.get(spaced(sql));
      return at ? a.suggestions.map((s) => ({ ...s, at })) : a.suggestions;
    }));
  }

  async recheckCatalog(opts: { rescan?: boolean; tables?: readonly string[] } = {}): Promise<number> {
    const conn = this.ctx.connections.current;
    const state = this.state;
    if (!conn || conn.db.isClosed || !state || state.db !== conn.db) return 0;
    // Tables whose indexes changed outside PG Lens (the cost CodeLens's reading): every advice on them is proved again.
    const forgot = opts.tables?.length ? state.decider.forgetTables(opts.tables) : new Set<string>();
    for (const sql of state.advice.keys()) if (opts.tables?.length && (forgot.has(sql) || state.decider.touchesAny(sql, opts.tables))) forgot.add(sql);
    for (const sql of forgot) state.advice.delete(sql);
    this.markDeciding(forgot);
    const { served, gone } = await state.decider.recheck();
    // Advice kept across a reload names the indexes it relied on too: those gone are found with the decider's.
    const goneKept = await (await import('../db/indexDecision')).goneIndexes(conn.db, [...state.advice.values()].flatMap((a) => (a.servedBy ?? []).filter((n) => !gone.has(n))));
    for (const n of goneKept) gone.add(n);
    if (!served.size && !gone.size) {
      if (!forgot.size) return 0;
      this.ctx.log.info(`Index advice: the indexes of ${opts.tables!.join(', ')} changed; ${forgot.size} statement${forgot.size === 1 ? '' : 's'} on them proved again.`);
      this.ctx.analysis.catalogChanged({ rescan: true });
      return forgot.size;
    }
    for (const [sql, a] of state.advice) {
      if (!a.suggestions.some((s) => served.has(s.ddl)) && !a.servedBy?.some((n) => gone.has(n))) continue;
      state.advice.delete(sql);
      this.markDeciding([sql]);
    }
    const said = [
      ...[...served].map(([ddl, name]) => `${ddl.replace(/^CREATE INDEX (CONCURRENTLY )?\S+ ON /, '')}: an index now exists (${name})`),
      ...[...gone].map((n) => `${n}: the index the advice relied on is gone`),
    ];
    this.ctx.log.info(`Index advice re-checked against the catalog: ${said.join('; ')}. Those statements are proved again.`);
    this.ctx.analysis.catalogChanged({ rescan: opts.rescan });
    return served.size + gone.size + forgot.size;
  }

  forgetRecorded(): void {
    if (!this.recorded.size) return;
    this.recorded.clear();
    this.ws?.touch();
    // Decisions they weighed in on are made again, without them (the proofs already made are the decider's: kept).
    this.state?.advice.clear();
    // So are those of the documents VS Code still holds after their tab closed: a check would find no advice left.
    this.ctx.analysis.adviceForgotten();
  }

  /** The decision's advice for the statements `skip` leaves out, kept (missingIndexAnalyzer keepDecision); the SQL texts whose advice changed. */
  private applyDecision(state: NonNullable<IndexAdvice['state']>, d: IndexDecision<IndexSuggestion>, keep: KeepOf, skip: (sql: string) => boolean): Set<string> {
    const changed = keep(state.decider, state.advice, d, skip);
    // A recorded statement is in no file to analyse again: the recording is told, as when noticeTableChanges finds its
    // table moved (person51 M-3: a decision that read the grown table first — Scan Workspace's — made the code's lines
    // "37k rows" while the recorded orm/orders.ts:25 kept "(32k rows)": the same index, so its new figures were not kept,
    // and the half-minute reading then found the table unchanged since).
    const recorded = new Set([...changed].filter((sql) => this.recorded.has(sql)));
    if (recorded.size) this.recordedForgotten.fire(recorded);
    return changed;
  }

  /**
   * Analyse again the files holding these statements (other than `except`): an open document in full, a closed file with
   * the advice now kept (as the scan showed it: person36 M2 — other/adhoc.sql, closed after Scan Workspace, kept the index
   * its own decision named after inventory.py's decision chose one index for both).
   */
  private refreshChanged(changed: Set<string>, except?: string): void {
    if (!changed.size) return;
    const files = new Set(this.ws?.filesHolding(changed) ?? []);
    for (const sql of changed) {
      const file = this.analysedIn.get(sql);
      if (file) files.add(file);
    }
    files.delete(except ?? '');
    for (const file of files) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file && !d.isClosed);
      if (doc) void this.ctx.analysis.refresh(doc);
      else this.ctx.analysis.refreshClosed(vscode.Uri.file(file));
    }
  }

  /** The index advisor as an analyzer of the one pipeline (open documents and Scan Workspace). */
  analyzer(): Analyzer {
    return {
      id: MISSING_INDEX_RULE,
      rules: [],
      analyze: async (input) => {
        // A migration's statements get no index advice (AnalyzerInput.planned).
        if (input.planned === false) return [];
        const conn = this.ctx.connections.current;
        // A file of another folder with its own connection (multi-root) is not weighed against this database.
        if (!conn || conn.db.isClosed || !this.ctx.connections.serves(vscode.Uri.file(input.file))) return [];
        // Not the app's code (person28 L2: the open batched-rewrite preview had a missing-index warning of its own, and the
        // reviews index's message counted it, "also serving 3 other statements"): PG Lens's own read-only documents get no
        // index advice; an Untitled document's statements get their own, and never change (or count in) the app's.
        const scheme = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === input.file && d.uri.scheme !== 'file')?.uri.scheme;
        if (scheme === READ_ONLY_SCHEME) return [];
        const appCode = scheme === undefined;
        const state = await this.stateFor(conn);
        const { missingIndexAnalyzer, keepDecision } = await import('../db/missingIndexAnalyzer');
        const dev = conn.profile.environment === 'development' && !conn.db.readOnly;
        if (appCode) for (const site of input.sites) this.analysedIn.set(site.sql, input.file);
        let changed = new Set<string>();
        // The statements the decision weighed (this file's and the others'): one held back by the budget may change this
        // file's advice once proved (a new file's read on the same table counted in "also serving"), so this file is
        // analysed again after the budget's minute too (e2e 83 in the whole suite: Advise Indexes for the Workload had
        // spent orders' builds of the minute, the new file's read was held back and never proved, its file not open).
        let weighed: string[] = [];
        const inner = missingIndexAnalyzer(state.decider, {
          advice: state.advice,
          // Its decisions weigh only the app's workload: a script's, a test's or a seed's statement gets no index of its own.
          workloadOnly: true,
          createNow: dev,
          statements: () => this.statements(state),
          // This file's statements as analysed, weighed by every decision from now on: one that the workspace reading
          // missed (written outside the editor) no longer takes part in its own file's decision only (person25 MEDIUM-3).
          sawFile: (file, found) => {
            if (this.ws && (this.ws.has(file) || vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file)))) this.ws.setFile(file, found);
          },
          // A file deleted while the decision runs: its statements leave it (person31 H2).
          gone: (sql) => this.ws?.gone(sql) ?? false,
          // While typing: advice shared with a statement edited away is decided again at once (person49 L-3).
          weighedOf: (file) => this.ws?.statementsOf(file),
          place: (file) => vscode.workspace.asRelativePath(file),
          // Each file's own folder decides whether its automatic advice may build real trial indexes (person38 L7).
          realIndexes: (file) => this.ctx.config.indexTrialBuildsFor(vscode.Uri.file(file)) === 'automatic',
          log: (l) => this.ctx.log.info(l),
          // Statements of other files whose decided index this decision changed (a shared index now, say).
          onDecision: (d) => {
            weighed = [...d.byStatement.keys()];
            changed = appCode ? this.applyDecision(state, d, keepDecision, (sql) => input.sites.some((x) => x.sql === sql)) : new Set();
          },
        });
        // Being decided: the hover says it is checking until the decision answers (pendingFor; person48 L-g).
        const mine = input.editing || !appCode ? [] : input.sites.map((x) => x.sql);
        this.markDeciding(mine);
        for (const sql of mine) this.running.set(sql, (this.running.get(sql) ?? 0) + 1);
        let findings: Awaited<ReturnType<typeof inner.analyze>>;
        try {
          findings = await inner.analyze(input);
        } finally {
          // Answered (its advice kept), or ended without one: no longer said to be checking, unless another run decides it.
          for (const sql of mine) {
            const left = (this.running.get(sql) ?? 1) - 1;
            if (left > 0) this.running.set(sql, left);
            else {
              this.running.delete(sql);
              this.deciding.delete(sql);
            }
          }
        }
        this.refreshChanged(changed, input.file);
        const held = (sql: string) => state.decider.advice.get(sql)?.notTried?.some((x) => x.why === 'budget') ?? false;
        if (input.sites.some((site) => held(site.sql)) || weighed.some(held)) this.proveLater(input.file);
        return findings;
      },
    };
  }

  private adviseOptions(info: { versionNum: number; hypopg: 'ready' | 'available' | 'unavailable'; pgTrgm: 'ready' | 'available' | 'unavailable' }) {
    return {
      info,
      minCostReduction: this.ctx.config.indexMinCostReduction,
      maxTableSizeMb: this.ctx.config.indexMaxTableSizeMb,
      // Automatic decisions build real trial indexes only when the person chose it (pgLens.index.trialBuilds).
      realIndexes: this.ctx.config.indexTrialBuilds === 'automatic',
      trustFunctions: this.ctx.config.trustedFunctions,
    };
  }

  /** The missing-index diagnostic under the cursor (the one collection) and the advice behind it, laid out like the plan hover. */
  private async hover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!this.state) return undefined;
    const missing = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === DIAGNOSTIC_SOURCE && (d.code as { value?: unknown } | undefined)?.value === MISSING_INDEX_RULE);
    if (!missing.length) return undefined;
    // Under the pointer, or on another line of the statement under it: the index is for the whole statement (person23
    // MEDIUM 1: hovering the WHERE line of a multi-line statement said nothing of the index proved for it).
    let diag = missing.find((d) => d.range.contains(pos));
    let site = diag && (await this.ctx.sites.siteAt(doc, doc.offsetAt(diag.range.start)));
    if (!diag) {
      site = await this.ctx.sites.siteAt(doc, doc.offsetAt(pos));
      const span = site && new vscode.Range(doc.positionAt(site.span.start), doc.positionAt(site.span.end));
      diag = span ? missing.find((d) => d.range.intersection(span) !== undefined) : undefined;
    }
    if (!diag) return undefined;
    const advice = site && this.state.advice.get(site.sql);
    // Withheld for their write cost: shown as the finding shows them, with why (person47 H1).
    const held = new Map((advice?.withheld ?? []).filter((w) => !advice!.suggestions.some((x) => x.ddl === w.ddl)).map((w) => [w.ddl, w] as const));
    const shown = advice ? [...advice.suggestions, ...[...held.values()].map((w) => w.suggestion)] : [];
    if (!site || !advice || !shown.length) return undefined;
    const { missingIndexHover } = await import('../core/advice/missingIndex');
    const conn = this.ctx.connections.current;
    const dev = !!conn && conn.profile.environment === 'development' && !conn.db.readOnly;
    // Not on a development profile: the migration action as this workspace has it (Add migration, or Save … as .sql).
    const offer = dev ? undefined : await this.migrationToolOf(doc.uri);
    const migration = offer && migrationAction(offer.tool, offer.note);
    // What the editor's decisions weigh, in `pg-lens advise`'s words (issue 20: the editor weighed the recording, the CLI
    // not): in Why's title, as the evidence is — a hover VS Code caps at 250 px has no line to spare.
    const weighed = await this.decidedWith(this.state);
    const md = new vscode.MarkdownString(undefined, true);
    const trusted = ['pgLens.createIndexNow', ADD_MIGRATION_COMMAND, SAVE_INDEX_SQL_COMMAND, 'pgLens.suggestIndexes', OPEN_DOCS_COMMAND];
    md.isTrusted = { enabledCommands: trusted };
    md.supportThemeIcons = true;
    const command = (id: string, args: unknown[]) => `command:${id}?${encodeURIComponent(JSON.stringify(args))}`;
    // Another PG Lens finding under the pointer too (an N+1 on the same read), on the missing-index squiggle or elsewhere
    // on the statement: VS Code's problem part shows its message (person29 M1: products.ts:72 hovered on the statement,
    // 390 px in a 250 px box). So it does the finding's related note when the pointer is on it (the index for lower(email)
    // with "customers.ts(19, 99): lower(email) hides email from its index"), which only crowds the hover out when it is as
    // narrow as a code column beside another editor group (the plan viewer): there the plan's head fell below the box.
    const onFinding = diag.range.contains(pos);
    const beside = vscode.window.tabGroups.all.length > 1;
    const other = vscode.languages.getDiagnostics(doc.uri).some((d) => d.source === DIAGNOSTIC_SOURCE && (d.code as { value?: unknown } | undefined)?.value !== MISSING_INDEX_RULE && d.range.contains(pos));
    const crowded = other || (onFinding && beside && (diag.relatedInformation?.length ?? 0) > 0);
    md.appendMarkdown(
      shown
        .map((s) =>
          missingIndexHover(s, {
            // One action: not proved yet (no HypoPG; a real trial build only when asked) → prove it with Suggest Indexes;
            // else build it now on a development profile, else a migration (the rest is in the quick-fix menu).
            action: dev && s.verifiedBy === 'none' && /Suggest Indexes/.test(s.reason) ? { title: 'Prove it (Suggest Indexes)', uri: command('pgLens.suggestIndexes', [{ uri: doc.uri.toString(), offset: doc.offsetAt(diag.range.start) }]) }
              : dev || !migration ? { title: 'Create index now', uri: command('pgLens.createIndexNow', [s]) } : { title: migration.title, uri: command(migration.command, [s, doc.uri.toString()]) },
            docs: docsLink(ruleDocsPath(MISSING_INDEX_RULE)).toString(),
            alsoServes: advice.alsoServes[s.ddl],
            ownInstead: advice.ownInstead?.[s.ddl],
            withheld: held.get(s.ddl)?.why,
            weighed,
            // On the finding itself VS Code shows its message just above: not said twice (person24 MEDIUM 3).
            underProblem: onFinding,
            crowded,
          }),
        )
        .join('\n\n---\n\n'),
    );
    // Not connected: Reconnect from here, as every PG Lens hover offers then (issue 20 item 13).
    const offline = this.ctx.connections.notConnectedHover();
    if (offline) {
      md.appendMarkdown(`\n\n${offline.markdown}`);
      md.isTrusted = { enabledCommands: [...trusted, ...offline.commands] };
    }
    return new vscode.Hover(md, onFinding ? diag.range : undefined);
  }

  private async copy(s: IndexSuggestion): Promise<void> {
    if (!isSuggestion(s)) return;
    await vscode.env.clipboard.writeText(`${s.needsExtension ? `CREATE EXTENSION IF NOT EXISTS ${s.needsExtension};\n` : ''}${s.ddl};`);
    void vscode.window.showInformationMessage(`PG Lens: copied ${s.needsExtension ? 'CREATE EXTENSION and ' : ''}CREATE INDEX ${s.name} to the clipboard.`);
  }

  /** `writes`: the write cost of the decision that offered it (Suggest Indexes' own), else the kept advice's. */
  private async createNow(s: IndexSuggestion, writes?: string): Promise<void> {
    if (!isSuggestion(s)) return;
    const conn = this.ctx.connections.current;
    if (!conn) {
      void vscode.window.showWarningMessage('PG Lens: not connected.');
      return;
    }
    if (conn.profile.environment !== 'development' || conn.db.readOnly) {
      void vscode.window.showWarningMessage(`PG Lens: "${conn.profile.name}" is a ${conn.profile.environment} profile; indexes are created from the editor on development profiles only. Use "Add migration".`);
      return;
    }
    // It changes the server (and writes to a busy table pay for it): Enter keeps things as they are — and copies the
    // statement, the one thing the keeping button does that Cancel does not (core/confirm createIndexConfirmation).
    // Withheld for its write cost by the one decision (the hover's "Create index now" on a withheld index): said there too.
    const kept = [...(this.state?.advice.values() ?? [])];
    const withheld = kept.flatMap((a) => a.withheld ?? []).find((w) => w.ddl === s.ddl)?.why;
    // Offered though its writes cost a share of the saving: said too (issue 20: the dialog had no word of the write cost).
    const ask = createIndexConfirmation(s, conn.profile.name, withheld, writes ?? kept.map((a) => a.writes?.[s.ddl]?.note).find((x) => x));
    const choice = await chooseDestructive(ask.message, ask.detail, ask.labels);
    if (choice === 'keep') return this.copy(s);
    if (choice !== 'confirm') return;
    this.ctx.log.info(`Creating index on ${conn.profile.name}: ${s.ddl}`);
    const { createIndexConcurrently } = await import('../db/createIndex');
    const startedAt = Date.now();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `PG Lens: creating ${s.name}`, cancellable: true },
      async (progress, token) => {
        let last = 0;
        return createIndexConcurrently(conn.db, {
          ddl: s.ddl, schema: s.schema, name: s.name, needsExtension: s.needsExtension,
          cancelled: token,
          onProgress: (p) => {
            const pct = p.fraction !== undefined ? Math.round(p.fraction * 100) : undefined;
            progress.report({ message: p.detail, increment: pct !== undefined && pct > last ? pct - last : undefined });
            if (pct !== undefined) last = Math.max(last, pct);
          },
        });
      },
    );
    // In the maintenance log with the dashboard's actions (it logs to the output channel too).
    const { logMaintenance } = await import('./dashboard');
    const statement = `${s.needsExtension ? `CREATE EXTENSION IF NOT EXISTS ${s.needsExtension}; ` : ''}${s.ddl}`;
    await logMaintenance(this.ctx, { atMs: startedAt, profile: conn.profile.name, action: { kind: 'create-index', schema: s.schema, name: s.name }, statement, target: `${s.schema}.${s.name}`, ok: result.ok, message: result.message, durationMs: Date.now() - startedAt });
    if (result.ok) {
      void vscode.window.showInformationMessage(`PG Lens: ${result.message}`);
      // A fix applied, from the hover's link as from a quick fix (which goes through pgLens.fixApplied): the walkthrough's
      // "Fix what the planner finds" is kept done even when the walkthrough was never opened (person49 L-9).
      walkthroughStepDone('fixed');
      // The new index: the advice it serves is forgotten and proved again (recheckCatalog), the rest kept — not every proof
      // of the connection thrown away (person16 LOW 6: the hover stayed "Loading…" and the Problem ~40 s while every open
      // statement was proved again from nothing, with real trial builds, ahead of the hover's EXPLAIN). Then open
      // documents, the recording's findings and the files shown from the last scan are decided again.
      const served = await this.recheckCatalog({ rescan: true }).catch((e) => {
        this.ctx.log.info(`index advice: could not re-check the catalog: ${errorMessage(e)}`);
        this.state = undefined;
        return 0;
      });
      if (!served) this.ctx.analysis.catalogChanged({ rescan: true });
    } else {
      void vscode.window.showErrorMessage(`PG Lens: ${result.message}`);
    }
  }

  /** The workspace folder of a document (a hover link names it as a string), else the active editor's, else the first. */
  /**
   * The statements a suggested index serves, as its hover names them (person37 L8): the places in the document it was
   * asked from whose advice is this index, and the others of the one decision (alsoServes) — for the saved file's comment.
   */
  private async servesOf(s: IndexSuggestion, fromArg?: vscode.Uri | string): Promise<{ at: string[]; also: string[] } | undefined> {
    const state = this.state;
    const from = typeof fromArg === 'string' ? vscode.Uri.parse(fromArg) : (fromArg ?? vscode.window.activeTextEditor?.document.uri);
    const doc = from && vscode.workspace.textDocuments.find((d) => d.uri.toString() === from.toString());
    if (!state || !doc) return undefined;
    const mine = (await this.ctx.sites.sitesFor(doc)).filter((site) => state.advice.get(site.sql)?.suggestions.some((x) => x.ddl === s.ddl));
    if (!mine.length) return undefined;
    const at = [...new Set(mine.map((site) => `${vscode.workspace.asRelativePath(doc.uri)}:${doc.positionAt(site.span.start).line + 1}`))];
    return { at, also: [...new Set(mine.flatMap((site) => state.advice.get(site.sql)?.alsoServes[s.ddl] ?? []))] };
  }

  private folderOf(fromArg?: vscode.Uri | string): vscode.WorkspaceFolder | undefined {
    let from = typeof fromArg === 'string' ? vscode.Uri.parse(fromArg) : fromArg;
    from ??= vscode.window.activeTextEditor?.document.uri;
    return (from && vscode.workspace.getWorkspaceFolder(from)) ?? vscode.workspace.workspaceFolders?.[0];
  }

  /** A folder's files (relative, posix), what they say the project uses, and the migration tool detected from them. */
  private async projectOf(folder: vscode.WorkspaceFolder) {
    const { detectMigrationTool } = await loadEngine();
    // The skipped folders are the walker's and the watcher's (core/skippedFolders): a file the watcher leaves out is not listed.
    const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*'), SKIPPED_DIRS_GLOB, 20000);
    const files = uris.map(contextPathOf);
    const read = async (p: string) => {
      return readWorkspaceFile(vscode.Uri.joinPath(folder.uri, p));
    };
    // What the project uses: its dependency files, manage.py, alembic.ini (a few dozen at most), read as text.
    const facts: Record<string, string> = {};
    for (const f of files.filter((f) => PROJECT_FACT_FILES.test(f) && f.split('/').length <= 4).slice(0, 60)) {
      const t = await read(f);
      if (t !== undefined) facts[f] = t;
    }
    const target = detectMigrationTool({ files, packageJson: await read('package.json'), gemfileLock: await read('Gemfile.lock'), texts: facts });
    return { files, read, facts, target };
  }

  /**
   * The migration tool of each folder as the menus say it (migrationAction), detected once until a file that can change
   * the answer comes or goes, or one whose text the detection reads changes (core/advice/migrationMarker, told by the
   * workspace-change source); an Alembic history with several heads is offered as no tool, with a note (migrationOffer).
   * Any other file created or deleted leaves it (it was detected again after each, a findFiles over up to 20,000 files:
   * 20 times in e2e 85's burst of 2,000 files, with the quick-fix menu asked for after each round of 100).
   */
  private readonly tools = new Map<string, { offer: Promise<{ tool: MigrationTool; note?: string }>; markers?: readonly string[] }>();
  private toolsWatcher: vscode.Disposable | undefined;
  /** How many times the migration tool was detected (each a findFiles over the folder): logged. */
  private toolDetections = 0;

  /** A batch of changes on disk: the folders whose detection a marker's coming or going (or a folder that held one removed) may change are forgotten. */
  private forgetTools(changes: readonly WorkspaceChange[]): void {
    for (const c of changes) {
      const folder = vscode.workspace.getWorkspaceFolder(c.uri);
      const cached = folder && this.tools.get(folder.uri.toString());
      if (!folder || !cached) continue;
      const held = c.kind === 'folder' && c.change === 'deleted' && (cached.markers ?? []).some((f) => f.startsWith(c.rel + '/'));
      if (c.kind !== 'migration-marker' && !held) continue;
      this.tools.delete(folder.uri.toString());
      this.ctx.log.info(`migration tool: ${c.rel} ${c.change}; detected again when next asked`);
    }
  }

  private async migrationToolOf(fromArg?: vscode.Uri | string): Promise<{ tool: MigrationTool; note?: string }> {
    const folder = this.folderOf(fromArg);
    if (!folder) return { tool: 'unknown' };
    if (!this.toolsWatcher) {
      this.toolsWatcher = this.ctx.workspaceChanges.onDidChange((changes) => this.forgetTools(changes));
      this.subs.push(this.toolsWatcher);
    }
    const key = folder.uri.toString();
    let cached = this.tools.get(key);
    if (!cached) {
      // Each detection lists the folder's files (findFiles over up to 20,000): counted in the log, so a burst of file
      // changes that makes it run again shows (e2e 85 counts these lines).
      this.ctx.log.info(`migration tool: detecting it in ${folder.name} (file list read #${++this.toolDetections})`);
      const entry: { offer: Promise<{ tool: MigrationTool; note?: string }>; markers?: readonly string[] } = {
        offer: this.projectOf(folder).then(
          async (p) => {
            const { migrationOffer } = await loadEngine();
            entry.markers = p.files.filter((f) => migrationMarker(f));
            const texts = await this.revisionTexts(p);
            return migrationOffer(p.target, { now: new Date(), files: p.files, fileText: (f) => texts.get(f) });
          },
          () => ({ tool: 'unknown' as const }),
        ),
      };
      cached = entry;
      this.tools.set(key, cached);
    }
    return cached.offer;
  }

  /** Alembic: the texts of the revision files in its versions folder (for the head a new revision follows). */
  private async revisionTexts(p: { files: string[]; read: (f: string) => Promise<string | undefined>; target: { tool: MigrationTool; dir: string } }): Promise<Map<string, string | undefined>> {
    const texts = new Map<string, string | undefined>();
    if (p.target.tool !== 'alembic') return texts;
    const dir = p.target.dir;
    for (const f of p.files.filter((f) => f.startsWith(dir + '/') && f.endsWith('.py') && !f.slice(dir.length + 1).includes('/'))) texts.set(f, await p.read(f));
    return texts;
  }

  /** No migration tool recognised: the CREATE INDEX (with the extension it needs) saved as a .sql file where the user chooses. */
  private async saveSql(s: IndexSuggestion, fromArg?: vscode.Uri | string): Promise<void> {
    if (!isSuggestion(s)) return;
    const folder = this.folderOf(fromArg);
    const { generateMigration } = await loadEngine();
    const serves = await this.servesOf(s, fromArg);
    const out = generateMigration({ tool: 'unknown', dir: '' }, { ...s, where: s.where, reason: s.reason, ...(serves ? { serves } : {}) }, { now: new Date(), files: [] });
    if (out.kind !== 'sql') return;
    await this.saveSqlFile(s, folder, out.sql);
  }

  private async saveSqlFile(s: IndexSuggestion, folder: vscode.WorkspaceFolder | undefined, sql: string): Promise<void> {
    const uri = await vscode.window.showSaveDialog({ ...(folder ? { defaultUri: vscode.Uri.joinPath(folder.uri, `add_${s.name}.sql`) } : {}), filters: { SQL: ['sql'] }, title: `PG Lens: save CREATE INDEX ${s.name} as` });
    if (!uri) return;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(sql));
    await vscode.window.showTextDocument(uri);
    this.ctx.log.info(`Saved CREATE INDEX ${s.name} as ${uri.fsPath}`);
  }

  private async addMigration(s: IndexSuggestion, fromArg?: vscode.Uri | string): Promise<void> {
    if (!isSuggestion(s)) return;
    const folder = this.folderOf(fromArg);
    if (!folder) {
      void vscode.window.showWarningMessage('PG Lens: open a folder to add a migration to.');
      return;
    }
    const { findStartupMigrator, generateMigration, startupMigratorCandidates } = await loadEngine();
    const { files, read, facts, target } = await this.projectOf(folder);
    // Does the app apply its migrations itself when it starts (golang-migrate's Up() in main.go)? Then the toast says so.
    const startup: Record<string, string | undefined> = {};
    for (const f of startupMigratorCandidates(target, files)) startup[f] = facts[f] ?? (await read(f));
    const appliedAtStart = findStartupMigrator(target, startup);
    if (appliedAtStart) target.appliedAtStart = appliedAtStart;
    const texts = new Map<string, string | undefined>();
    if (target.tool === 'prisma') texts.set(target.dir, await read(target.dir));
    // The newest migrations of a JavaScript tool: a new one follows their branching by database type (person15: Traduora).
    if (target.tool === 'typeorm' || target.tool === 'knex' || target.tool === 'sequelize') {
      for (const f of files.filter((f) => f.startsWith(target.dir + '/') && !f.slice(target.dir.length + 1).includes('/')).sort().slice(-5)) texts.set(f, await read(f));
    }
    // Django: the app's models.py, so a model's table gets AddIndexConcurrently with the index for Meta.indexes.
    if (target.tool === 'django') texts.set(`${target.dir.replace(/\/?migrations$/, '')}/models.py`, await read(`${target.dir.replace(/\/?migrations$/, '')}/models.py`));
    for (const [f, t] of await this.revisionTexts({ files, read, target })) texts.set(f, t);
    const serves = await this.servesOf(s, fromArg);
    const out = generateMigration(target, { ...s, where: s.where, reason: s.reason, ...(serves ? { serves } : {}) }, { now: new Date(), files, fileText: (p) => texts.get(p) });
    if (out.kind === 'sql') {
      // No tool known for sure: the SQL, never a file in a guessed framework (person13 P3).
      const pick = await vscode.window.showInformationMessage(`PG Lens: no migration file written: ${out.why}. Copy the SQL, or save it as a .sql file where you choose.`, 'Copy SQL', 'Save as .sql…');
      if (pick === 'Copy SQL') {
        await vscode.env.clipboard.writeText(out.sql);
        void vscode.window.showInformationMessage('PG Lens: the CREATE INDEX is on the clipboard.');
      } else if (pick === 'Save as .sql…') {
        await this.saveSqlFile(s, folder, out.sql);
      }
      this.ctx.log.info(`Add migration: no tool (${out.why}); offered the SQL.`);
      return;
    }
    const edit = new vscode.WorkspaceEdit();
    const uriOf = (p: string) => vscode.Uri.joinPath(folder.uri, p);
    let open: vscode.Uri;
    let at: vscode.Position | undefined;
    if (out.kind === 'edit') {
      if (out.line !== undefined) at = new vscode.Position(out.line, 0);
      const doc = await vscode.workspace.openTextDocument(uriOf(out.path));
      edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), out.content);
      open = doc.uri;
    } else {
      for (const f of [{ path: out.path, content: out.content }, ...(out.extra ?? [])]) {
        edit.createFile(uriOf(f.path), { ignoreIfExists: false, contents: new TextEncoder().encode(f.content) });
      }
      open = uriOf(out.path);
    }
    if (!(await vscode.workspace.applyEdit(edit))) {
      void vscode.window.showErrorMessage(`PG Lens: could not write ${out.path}.`);
      return;
    }
    // At the line it added (person12 R5: schema.prisma opened at line 1, the new @@index at line 161).
    const shown = await vscode.window.showTextDocument(open, at ? { selection: new vscode.Range(at, at) } : {});
    if (at) shown.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    this.ctx.log.info(`Added a ${target.tool} migration: ${out.path}`);
    if (out.notes.length) void vscode.window.showInformationMessage(`PG Lens (${target.tool}): ${out.notes.join(' ')}`);
  }

  /**
   * `ref`: the statement a hover link or the plan viewer's button names (file and offset). The plan viewer's
   * button used to be ignored: with the panel focused there is no active text editor, so it only said "open a file".
   */
  /**
   * Suggest Indexes on one statement. Every run ends with a result (the pick list) or one line, said in a notification
   * and to `report` (the plan viewer shows it beside the plan), with progress from the first moment (person14 #1: the
   * viewer's button gave no progress, no message and no tab after 90 s).
   */
  async suggest(ref?: { uri?: string; offset?: number; sql?: string }, report?: SuggestReport): Promise<void> {
    const say = (line: string, kind: 'info' | 'warning' | 'error' = 'info') => {
      report?.(line, false);
      const text = `PG Lens: ${line}`;
      void (kind === 'error' ? vscode.window.showErrorMessage(text) : kind === 'warning' ? vscode.window.showWarningMessage(text) : vscode.window.showInformationMessage(text));
    };
    try {
      await this.suggestCommand(ref, say, report);
    } catch (e) {
      this.ctx.log.info(`Suggest Indexes failed: ${errorMessage(e)}`);
      say(`Suggest Indexes failed: ${errorMessage(e)}`, 'error');
    }
  }

  private async suggestCommand(ref: { uri?: string; offset?: number; sql?: string } | undefined, say: (line: string, kind?: 'info' | 'warning' | 'error') => void, report: SuggestReport | undefined): Promise<void> {
    const named = ref && typeof ref.uri === 'string' && typeof ref.offset === 'number' ? { uri: ref.uri, offset: ref.offset } : undefined;
    // A statement named by its text (the plan viewer of a recorded statement: its line holds no SQL).
    const given = ref && typeof ref.sql === 'string' && ref.sql.trim() && ref.sql.length <= 100_000 ? ref.sql : undefined;
    const editor = vscode.window.activeTextEditor;
    if (!named && !given && !editor) return say(noStatementAtCursor(undefined).replace(/^PG Lens: /, ''));
    report?.('Suggest indexes: connecting…', true);
    const conn = await this.ctx.connections.get({ interactive: true });
    if (!conn) return say(`${this.ctx.connections.error ?? 'not connected'}.`, 'warning');
    let doc: vscode.TextDocument | undefined;
    let sql: string | undefined;
    if (given) {
      doc = named ? await vscode.workspace.openTextDocument(vscode.Uri.parse(named.uri)) : editor?.document;
      sql = given;
    } else if (named) {
      doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(named.uri));
      sql = (await this.ctx.sites.siteAt(doc, named.offset))?.sql;
    } else {
      doc = editor!.document;
      const site = await statementAtCursor(this.ctx.sites, editor!, { selection: true });
      if (site === DISMISSED) return report?.('Suggest indexes: no statement picked.', false);
      sql = site?.sql;
    }
    if (!sql) return say(named ? 'no SQL statement there any more (the file changed): put the cursor on it and run Suggest Indexes again.' : noStatementAtCursor(editor).replace(/^PG Lens: /, ''));
    this.ctx.log.info(`Suggest Indexes: ${sql.replace(/\s+/g, ' ').slice(0, 80)}…`);
    // A statement of a file that is not the app's workload (a one-off script, a test, a seed): no index of its own, as the
    // diagnostics give none — no other statement's decision weighs it (person36 M2). Said, with why.
    if (doc && !given) {
      const why = await this.noIndexAdviceWhy(doc, sql);
      if (why) return say(why);
    }
    // The one decision: this statement weighed with the workspace's and pg_stat_statements' (the index the
    // diagnostic, the hover and the workload name for it).
    const state = await this.stateFor(conn);
    const { decided, keepDecision } = await import('../db/missingIndexAnalyzer');
    // A notification with what it is doing (person12 R10: the status bar's spinner alone went unseen; on a busy machine
    // reading the workspace's SQL and proving candidates takes a while, and "no pick list, no message" read as nothing).
    const advice = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'PG Lens: Suggest Indexes' }, async (progress) => {
      const step = (message: string) => {
        progress.report({ message });
        report?.(`Suggest indexes: ${message}`, true);
      };
      step("weighing it with the workspace's SQL, pg_stat_statements and the recording…");
      // pg_stat_statements as it is now (asked for), the read the workload advice and the diagnostics then weigh too.
      const statements = await this.statements(state, { fresh: true });
      step(`proving index candidates (${countOf(statements.length, 'statement')} weighed)…`);
      // Asked for: without HypoPG a real trial index (rolled back) may prove a candidate here, and only here in the editor.
      const decision = await state.decider.decide(statements, { focus: [sql], realIndexes: true });
      // The diagnostics and hovers of the statements it proved now (estimated until asked) say so.
      this.refreshChanged(this.applyDecision(state, decision, keepDecision, () => false));
      await this.openDecidedAgain(state);
      return { own: state.decider.advice.get(sql), decided: decided(state.decider, sql, decision), withheld: decision.byStatement.get(sql)?.withheld ?? [], apart: decision.byStatement.get(sql)?.apart, weighed: await this.decidedWith(state) };
    });
    if (!advice.own || !advice.decided?.suggestions.length) {
      const own = advice.own;
      // The advice's one answer, in the words of the hover's note (adviceNoIndexNote) and `pg-lens advise`.
      const why = !own ? 'the statement could not be advised (see the PG Lens output)' : noIndexWhy(own, advice.withheld, { minCostReduction: this.ctx.config.indexMinCostReduction, sizeSetting: EDITOR_SIZE_SETTING });
      return say(`${why.replace(/\.$/, '')} (${advice.weighed}).`);
    }
    const shared = advice.decided.alsoServes;
    // How each was proved in the picker's words (one source: provedBy), never "proved" for an estimate.
    report?.(`Suggest indexes: ${advice.apart ? `${advice.apart}; ` : ''}${suggestedIndexesLine(advice.decided.suggestions)}: pick one in the list at the top to act on it.`, false);
    const picked = await vscode.window.showQuickPick(
      advice.decided.suggestions.map((s) => ({ label: s.ddl, detail: suggestPickDetail(s, { alsoServes: shared[s.ddl], apart: advice.apart, name: (l) => statementName(l), writes: advice.decided?.writes?.[s.ddl]?.short }), description: provedBy(s.verifiedBy), s })),
      // Kept open when the focus moves: the plan viewer's Suggest indexes button runs this, and its webview takes the focus back.
      // With what the decision weighed, in `pg-lens advise`'s words: two answers explained on the spot (issue 20).
      { title: 'PG Lens: suggested indexes', placeHolder: `Pick one to act on — ${advice.weighed}`, ignoreFocusOut: true },
    );
    if (!picked) return;
    const dev = conn.profile.environment === 'development' && !conn.db.readOnly;
    const offer = await this.migrationToolOf(doc?.uri);
    const migration = migrationAction(offer.tool, offer.note);
    const actions = [migration.title, 'Copy CREATE INDEX', ...(dev ? ['Create index now'] : [])];
    const act = await vscode.window.showQuickPick(actions, { title: picked.s.ddl, ignoreFocusOut: true });
    if (act === migration.title) await (migration.command === SAVE_INDEX_SQL_COMMAND ? this.saveSql(picked.s, doc?.uri) : this.addMigration(picked.s, doc?.uri));
    else if (act === 'Copy CREATE INDEX') await this.copy(picked.s);
    else if (act === 'Create index now') await this.createNow(picked.s, advice.decided.writes?.[picked.s.ddl]?.note);
  }

  /** The workspace's SQL per file with where it is ("src/orders.ts:28"), read as Scan Workspace reads it (workspaceInputs: .gitignore and pgLens.exclude honoured, open files' current text). */
  private async workspaceStatements(): Promise<WorkspaceStatements> {
    const [{ workspaceInputs }, { WorkspaceStatements }] = await Promise.all([import('./scanWorkspace'), import('../db/indexDecision')]);
    const out = new WorkspaceStatements();
    let files = 0;
    for await (const f of workspaceInputs(this.ctx, vscode.workspace.workspaceFolders ?? [])) {
      if (++files > WORKLOAD_MAX_FILES) break;
      out.setFile(f.path, await this.sqlOf(f.path, f.text));
    }
    return out;
  }

  private async sqlOf(file: string, text: string): Promise<FoundStatement[]> {
    const { extractSqlSites } = await loadEngine();
    const [{ codeContextOf }, { foundStatementsOf }] = await Promise.all([import('../core/codeContext'), import('../core/advice/workload')]);
    const sites = await extractSqlSites(text, file, file);
    // The file's kind of code: a migration's, a seed's or a test's statements are not the app's workload (mergeStatements).
    // Named as the analyzer names an analysed file's statements (sawFile), so the two readings of a file are one entry.
    return foundStatementsOf(sites.filter((s) => s.confidence >= 0.5), text, vscode.workspace.asRelativePath(file), codeContextOf(contextPathOf(file), text));
  }

  private async workloadCommand(): Promise<void> {
    const conn = await this.ctx.connections.get({ interactive: true });
    if (!conn) {
      void vscode.window.showWarningMessage(`PG Lens: ${this.ctx.connections.error ?? 'not connected'}.`);
      return;
    }
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'PG Lens: advising indexes for the workload', cancellable: false }, async (progress) => {
      progress.report({ message: 'collecting SQL from the workspace' });
      const state = await this.stateFor(conn);
      this.forgetFiles(); // the workload reads the workspace afresh
      // The workspace's statements and the recorded ones: the same set as every other decision of the editor.
      const extra = [...(await this.workspaceFiles()).found(), ...this.recorded.values()];
      // The editor's read of pg_stat_statements, made now: the one every other surface then weighs (readTop).
      const top = await this.readTop(state, true);
      progress.report({ message: `proving candidates for ${extra.length} workspace statements and pg_stat_statements` });
      const { adviseWorkload } = await import('../db/workload');
      const advised = await adviseWorkload(conn.db, { ...this.adviseOptions(conn.info), sizeSetting: EDITOR_SIZE_SETTING, info: conn.info, extraStatements: extra, decider: state.decider, realIndexes: true, top, log: (l) => this.ctx.log.info(l) });
      await this.openDecidedAgain(state);
      return advised;
    });
    const lines = [`# PG Lens: index advice for the workload`, '', `${result.statementsAnalysed} statements analysed (${result.fromStatStatements} from pg_stat_statements, ${result.fromFiles} from the workspace).${result.note ? ` ${result.note}.` : ''}`, ''];
    if (!result.suggestions.length) lines.push('No index would help this workload enough to be worth its cost.', '');
    for (const s of result.suggestions) {
      lines.push(`## ${indexDefinitionTitle(s)}`, '', '```sql', `${s.needsExtension ? `CREATE EXTENSION IF NOT EXISTS ${s.needsExtension};\n` : ''}${s.ddl};`, '```', '', s.explanation, '');
      for (const st of s.statements) lines.push(`- ${st.label} — ${st.share}`);
      lines.push('');
    }
    // What it weighed and why the indexes proved elsewhere are not here (the document said only "No index would help").
    const { workloadWeighingLines } = await import('../core/advice/workload');
    lines.push('## What was weighed', '', ...workloadWeighingLines(result).map((l) => l.replace(/`/g, "'")), '');
    const { showReadOnly } = await import('./reportDocument');
    await showReadOnly(this.ctx.extension, 'Index advice for the workload.md', lines.join('\n'));
  }
}

/** Command arguments come from our own code actions, but commands can be invoked by anyone: check the shape. */
function isSuggestion(s: unknown): s is IndexSuggestion {
  const x = s as IndexSuggestion;
  return !!x && typeof x.ddl === 'string' && /^CREATE INDEX CONCURRENTLY /.test(x.ddl) && typeof x.name === 'string' && typeof x.schema === 'string' && typeof x.table === 'string' && Array.isArray(x.columns);
}

/** Two decided advices name the same indexes, shared with the same statements. */

