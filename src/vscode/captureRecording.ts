/**
 * The editor's side of recording with the capture modules (see recordQueries.ts for the whole
 * picture): the listener, the environment for terminals and debug launches, the status bar count,
 * and — from the same aggregation as `pg-lens record` (core/record) — CodeLens, hover, N+1 and
 * missing-index diagnostics at the call sites, and the Recorded Queries view.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PgLensContext } from './main';
import type { Listener } from '../capture/listener';
import type { LiveRecording } from '../core/record/live';
import { RoundTripGate } from '../core/record/pace';
import type { RecordSummary, SiteFigure, UnitGroup, RecordedNPlusOne } from '../core/record/aggregate';
import type { CodeContext } from '../core/codeContext';
import type { StatementAdvice } from '../core/record/format';
import { recordedSiteText, recordingClearConfirmation, recordingClearedText, type AppLanguages } from '../core/record/format';
import { confirmDestructive } from './confirm';
import { showReadOnly } from './reportDocument';
import { briefPlan, briefText, howToFixMarkdown } from '../core/plan/brief';
import { DIAGNOSTIC_SOURCE, howToFixOf } from './findingActions';
import { OPEN_DOCS_COMMAND } from './docs';
import { recordedHoverMarkdown, sentAsWritten, type HoverPlan } from '../core/record/hover';
import { forgetRecordedAdvice, recordedAdviceNow, recordedAdviceOf, recordedDecisionInput, recordedTitle, recordedToWeigh } from '../core/record/advice';
import { noIndexAnswer } from '../core/advice/missingIndex';
import { OPEN_STATEMENT_PLAN_COMMAND } from './plans/index';
import type { RecordedState } from '../core/record/findings';
import { OPEN_SITE_COMMAND, adviceAfterConnectionChange, recordedRules } from '../core/record/findingsMeta';
import type { Analyzer } from '../core/scan';
import { loadEngine, type Engine } from './loadEngine';
import { databaseIdentity } from '../core/connection/profile';
import { errorMessage } from '../core/safeText';
import { SKIPPED_DIRS_GLOB } from '../core/skippedFolders';
import { clauseLines, countOf, foldSql } from '../core/format';
import { readRegularFileSync } from '../node/readFile';
import { recordedStatementsAt } from '../core/record/atCursor';
import { setRecordedLookup } from './siteIndex';
import { fmtMs, recordedLenses, recordedLensKey } from '../core/record/lens';
import { languageOf } from '../core/languages/registry';
import { closingHover } from './hoverLinks';

/** Global storage key: the first hint on ORM code (core/record/firstHint) was dismissed. */
/** Files of one extension looked at for a recorded file renamed while no window watched (filesLike). */
const MAX_RENAME_CANDIDATES = 20_000;
const ORM_HINT_DISMISSED_KEY = 'pgLens.ormHint.dismissed';
const ORM_HINT_DISMISS_COMMAND = 'pgLens.dismissOrmHint';
/** Workspace storage key of the recording kept across a reload by earlier versions (core/record/keep); read once, then removed. */
const KEPT_KEY = 'pgLens.recording.kept';
/**
 * The file in the extension's storage of this workspace (on the extension host's disk) that holds the recording kept
 * across a reload. Workspace state lives in the browser under code-server: a new browser or profile had none, and the
 * recording was gone after a reload (person20 LOW 8; coder/code-server#4212).
 */
const KEPT_FILE = 'recording.json';
/** Recorded files whose size and time are kept with the recording (the rest are taken as unchanged). */
const MAX_KEPT_FILES = 2000;
/** While recording, the recording is kept at most this often (and when it stops). */
const KEEP_EVERY_MS = 10_000;
/**
 * The figures are refreshed at most this often while recording, and never more often than leaves the window's
 * extension host 4/5 of its time for everything else (REFRESH_SHARE: the next refresh waits 4× the last one's cost).
 * The Problems panel (each open file with recorded findings analysed again) follows at most every DIAGNOSTICS_MS, one
 * round at a time, on the same rule; so does keeping the recording (KEEP_EVERY_MS).
 */
const REFRESH_MS = 400;
const DIAGNOSTICS_MS = 1000;
const REFRESH_SHARE = 4;
const DEBUG_TYPES = new Set(['node', 'pwa-node', 'node-terminal', 'python', 'debugpy']);

export interface RecordedSiteRef {
  file: string;
  line: number;
  col: number;
  calls: number;
  totalMs: number;
  via?: string;
}

/**
 * Call sites where the recording saw a statement matching `matches` (the dashboard passes the
 * cost matcher of a pg_stat_statements row: fingerprint, then normalised text). Most calls first.
 */
export function recordedSitesOf(matches: (sql: string) => boolean): RecordedSiteRef[] {
  const out: RecordedSiteRef[] = [];
  for (const site of CaptureRecording.current?.recordedSummary?.sites ?? []) {
    if (!site.file || !site.line) continue;
    const hits = site.statements.filter((st) => matches(st.sql));
    if (!hits.length) continue;
    out.push({ file: site.file, line: site.line, col: site.col ?? 1, calls: hits.reduce((n, st) => n + st.calls, 0), totalMs: hits.reduce((n, st) => n + st.totalMs, 0), via: site.via });
  }
  return out.sort((a, b) => b.calls - a.calls);
}

/** The capture socket's path in this window: the first recording's, listened on again by each later one (see start). */
let windowSocket: string | undefined;

export class CaptureRecording implements vscode.Disposable {
  /** The recording of this window (one per extension host), for the dashboard's statement details. */
  static current: CaptureRecording | undefined;
  private listener: Listener | undefined;
  /** What is recorded (undefined: nothing yet, or cleared). Stopped once Stop Recording is called. */
  private rec: LiveRecording | undefined;
  /** A new recording (set when the parser is loaded). */
  private newRecording: (() => LiveRecording) | undefined;
  /**
   * The analysis engine (src/engine.ts), loaded with the first LiveRecording: the recording's aggregation, findings and
   * reports are the engine's (they live in dist/engine.js only), so every summary comes with it.
   */
  private engine: Engine | undefined;
  /** The engine's analyzer of the recording's findings, made on its first run (registered before the engine loads). */
  private recordedAnalyzer: Analyzer | undefined;
  private summary: RecordSummary | undefined;
  private groups: UnitGroup[] = [];
  private advice = new Map<string, StatementAdvice>();
  /** Generic plan of each recorded statement, as the SQL hover shows plans (core/plan/brief). */
  private plans = new Map<string, HoverPlan>();
  /** The same plans as text, for the document "Plan and index advice" opens. */
  private planTexts = new Map<string, string>();
  /** The connection the plans were made on. */
  private plansOn: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 51);
  /** Files not open that got recorded findings (published as scan results of the one pipeline). */
  private published = new Set<string>();
  private readonly lensChanged = new vscode.EventEmitter<void>();
  private readonly restored = new vscode.EventEmitter<{ at: number; summary: RecordSummary }>();
  /** Fires when the recording kept from before a window reload is back (its report is written again: person12 R10). */
  readonly onDidRestore = this.restored.event;
  private readonly tree = new RecordedTree();
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly ctx: PgLensContext) {
    CaptureRecording.current = this;
    // The commands on "the statement at the cursor" take the recorded statements of an ORM call (person12 R7).
    const events = () => this.rec?.statements ?? 0;
    setRecordedLookup({ at: (file, text, offset) => recordedStatementsAt(this.summary?.sites ?? [], file, text, offset), get statements() { return events(); } });
    this.status.command = 'pgLens.stopRecording';
    const selector: vscode.DocumentSelector = [{ scheme: 'file' }];
    const view = vscode.window.createTreeView('pgLens.recordedQueries', { treeDataProvider: this.tree, showCollapseAll: true });
    this.subs.push(
      this.status, this.lensChanged, this.restored,
      // N+1 and missing-index findings at the recorded lines go through the one analysis pipeline.
      // They belong to the recording, not to the open document: they stay in Problems when the file closes.
      ctx.analysis.register({
        id: 'recorded',
        rules: recordedRules(),
        analyze: async (input) => {
          if (!this.summary) return [];
          this.recordedAnalyzer ??= (await loadEngine()).recordedAnalyzer(() => this.state(), (f) => vscode.workspace.asRelativePath(f));
          return this.recordedAnalyzer.analyze(input);
        },
      }, { outlivesDocument: true }),
      // Index advice is proved on one database: after a switch it is proved again on the new one (as the scan's is).
      ctx.connections.onDidChange(() => this.followConnection()),
      // A recorded file renamed or moved on disk: its statements follow it (person37 L6).
      ctx.workspaceChanges.onDidChange((changes) => void this.followRenames(changes).catch((e) => this.ctx.log.info(`Recording: could not follow a renamed file: ${errorMessage(e)}`))),
      // PG Lens changed the catalog (Create index now) or found an advised index made meanwhile: the advice is checked again.
      ctx.analysis.onDidChangeCatalog(() => void this.recheckAdvice({ advise: true })),
      // The workspace's cross-file index read: a Sequelize N+1's fix names the association the models declare, read from
      // it — a recording read back after a reload was summarised before (person48 L-e: "add the association on
      // order_items to its include" where the fresh one wrote the include). Summarised again when the models answer otherwise.
      ctx.analysis.onDidReadIndex(() => {
        const rec = this.rec;
        if (!rec || this.disposed || !rec.modelsChanged((name) => this.ctx.analysis.sequelizeMixins(name))) return;
        this.summariseAgain();
      }),
      // The index settings (the size limit of a real trial index, the cost threshold) changed: the recorded statements'
      // advice is made again under them — kept, it still said what the old limit allowed (issue 20, person17 HIGH 4: the
      // limit raised to 200 MB changed nothing in the recorded line's hover). The index decision starts afresh too.
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('pgLens.index')) this.adviceSettingsChanged();
      }),
      vscode.languages.registerCodeLensProvider(selector, { onDidChangeCodeLenses: this.lensChanged.event, provideCodeLenses: (doc) => this.lensesOrHint(doc) }),
      vscode.commands.registerCommand(ORM_HINT_DISMISS_COMMAND, async () => {
        await this.ctx.extension.globalState.update(ORM_HINT_DISMISSED_KEY, true);
        this.lensChanged.fire();
      }),
      vscode.languages.registerHoverProvider(selector, { provideHover: (doc, pos) => this.hover(doc, pos) }),
      // A terminal opened while a recording is on has the capture's environment, and keeps sending to this window's socket.
      vscode.window.onDidOpenTerminal((t) => {
        if (this.listener) this.withCapture.add(t);
      }),
      view,
      vscode.debug.registerDebugConfigurationProvider('*', { resolveDebugConfiguration: (_f, config) => this.debugConfig(config) }),
      vscode.commands.registerCommand('pgLens.recordedAdvice', closingHover((file?: string, line?: number) => this.adviseSite(file, line))),
      vscode.commands.registerCommand('pgLens.clearRecording', async () => {
        // A recording is a person's work: dropping it is confirmed, the count in the button (person47 L10); nothing
        // recorded, no dialog ("nothing recorded to clear").
        const ask = recordingClearConfirmation(this.rec?.statements ?? 0, !!this.listener);
        if (ask && !(await confirmDestructive(ask.message, ask.detail, ask.labels))) return;
        const had = this.rec?.statements ?? 0;
        this.clear();
        void vscode.window.showInformationMessage(recordingClearedText(had, !!this.listener));
      }),
      vscode.commands.registerCommand(OPEN_SITE_COMMAND, (file?: unknown, line?: unknown, col?: unknown) => openSite(file, line, col)),
      vscode.commands.registerCommand(SHOW_FULL_SQL_COMMAND, closingHover(async (sql?: unknown) => {
        if (typeof sql !== 'string' || !sql.trim() || sql.length > 200_000) return;
        // Laid out by sql-formatter, loaded the first time a Full SQL link is followed (dist/lib-sql-formatter.js).
        const { fullSqlText } = await import('../core/formatSql');
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'sql', content: `${fullSqlText(sql)}\n` }), { preview: true, viewColumn: vscode.ViewColumn.Beside });
      })),
    );
    this.restoreWhenNeeded();
  }

  /**
   * The kept recording is read back after activation (which is lazy), off the activation path: its statements,
   * CodeLens and findings come back (restore), unless Clear or Start Recording came first.
   */
  private restoreWhenNeeded(): void {
    let done = false;
    // Clear Recorded Queries or Start Recording before it was read back: the kept recording is gone, never read back later.
    this.dropPendingRestore = () => {
      done = true;
    };
    void this.readKept().then((raw) => {
      if (!raw || done || this.listener || this.rec || this.disposed) return;
      done = true;
      // Read back once PG Lens is active (itself lazy: a code file or a command activates it): the Problems panel lists
      // the recorded findings again, as the status bar counts the statements — not only once a recorded file is open
      // (e2e step 71: "0 problems" after the reload while the status bar said "12 statements recorded").
      return this.restore(raw);
    }).catch((e) => this.ctx.log.warn(`Recording: the recording kept from before the reload could not be read: ${errorMessage(e)}`));
  }

  private disposed = false;
  /** Forgets the kept recording not read back yet (restoreWhenNeeded). */
  private dropPendingRestore: (() => void) | undefined;

  private keptUri(): vscode.Uri | undefined {
    const dir = this.ctx.extension.storageUri;
    return dir && vscode.Uri.joinPath(dir, KEPT_FILE);
  }

  /** The kept recording as stored: the storage file, else what an earlier version kept in workspace state. */
  private async readKept(): Promise<unknown> {
    const uri = this.keptUri();
    if (uri) {
      try {
        return JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
      } catch {
        // None kept yet (or damaged: the earlier store, else nothing).
      }
    }
    return this.ctx.extension.workspaceState.get(KEPT_KEY);
  }

  /** Keep (or drop, `undefined`) the recording: in the storage file when the workspace has one, else in workspace state. */
  private async writeKept(value: unknown): Promise<void> {
    const uri = this.keptUri();
    if (!uri) return void (await this.ctx.extension.workspaceState.update(KEPT_KEY, value));
    if (value === undefined) await Promise.resolve(vscode.workspace.fs.delete(uri)).catch(() => undefined);
    else {
      await vscode.workspace.fs.createDirectory(this.ctx.extension.storageUri!);
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(value)));
    }
    // The earlier store's copy goes: the file is the one kept recording.
    if (this.ctx.extension.workspaceState.get(KEPT_KEY) !== undefined) await this.ctx.extension.workspaceState.update(KEPT_KEY, undefined);
  }

  /**
   * Size and modification time of each recorded file now (a file that cannot be read: absent), and, for the paths in
   * `hashed`, its content's hash (core/hash shortHash): the same text saved again is the same file (person41 L7).
   */
  private async statFiles(paths: readonly string[], hashed: ReadonlySet<string> | 'all' = new Set()): Promise<Map<string, { size: number; mtime: number; hash?: string } | undefined>> {
    const out = new Map<string, { size: number; mtime: number; hash?: string } | undefined>();
    const { shortHash } = await import('../core/hash');
    await Promise.all(paths.slice(0, MAX_KEPT_FILES).map(async (p) => {
      const uri = vscode.Uri.file(p);
      const st = await Promise.resolve(vscode.workspace.fs.stat(uri)).catch(() => undefined);
      const bytes = st && (hashed === 'all' || hashed.has(p)) ? await Promise.resolve(vscode.workspace.fs.readFile(uri)).catch(() => undefined) : undefined;
      out.set(p, st && { size: st.size, mtime: st.mtime, ...(bytes ? { hash: shortHash(new TextDecoder().decode(bytes)) } : {}) });
    }));
    return out;
  }

  /**
   * The workspace's files that may be a gone recorded file under another name: those with its extension and size, with
   * their modification time (core/record/keep renamedWhileAway decides). At most MAX_RENAME_CANDIDATES looked at.
   */
  private async filesLike(gone: readonly { path: string; size: number }[]): Promise<{ path: string; size: number; mtime: number }[]> {
    const out: { path: string; size: number; mtime: number }[] = [];
    const sizes = new Set(gone.map((f) => f.size));
    for (const ext of new Set(gone.map((f) => /\.[^./\\]+$/.exec(f.path)?.[0] ?? ''))) {
      if (!ext) continue;
      const uris = await Promise.resolve(vscode.workspace.findFiles(`**/*${ext}`, SKIPPED_DIRS_GLOB, MAX_RENAME_CANDIDATES)).catch(() => [] as vscode.Uri[]);
      for (let i = 0; i < uris.length; i += 100) {
        const stats = await Promise.all(uris.slice(i, i + 100).map(async (u) => ({ u, st: await Promise.resolve(vscode.workspace.fs.stat(u)).catch(() => undefined) })));
        for (const { u, st } of stats) if (st && sizes.has(st.size)) out.push({ path: u.fsPath, size: st.size, mtime: st.mtime });
      }
    }
    return out;
  }

  /** Recorded files renamed or moved on disk since they were recorded: old path → new (core/record/keep addRename). */
  private readonly renames = new Map<string, string>();

  /**
   * Recorded files renamed or moved on disk (the Explorer's rename, `mv`: a deletion and a creation in one burst, paired
   * by core/workspaceChanges replacedFiles): their statements follow the new name in what is kept across a reload, and,
   * once the recording has stopped and holds all its statements, in the window now (person37 L6: 144 → 133 statements
   * after renaming reviews.ts and reloading; its diagnostic lost "(recorded: 11×)").
   */
  private async followRenames(changes: readonly import('./workspaceChanges').WorkspaceChange[]): Promise<void> {
    const r = this.rec;
    if (!r?.statements) return;
    const [{ replacedFiles }, { addRename, followRenames, recordedFiles }] = await Promise.all([import('../core/workspaceChanges'), import('../core/record/keep')]);
    const recorded = new Set(recordedFiles(followRenames({ events: r.recent }, this.renames).events));
    const sources = changes.filter((c) => c.kind === 'source' && c.uri.scheme === 'file');
    const pairs = replacedFiles(sources.map((c) => ({ path: c.uri.toString(), change: c.change })), (key) => recorded.has(vscode.Uri.parse(key).fsPath));
    if (!pairs.length || this.rec !== r) return;
    for (const p of pairs) addRename(this.renames, vscode.Uri.parse(p.from).fsPath, vscode.Uri.parse(p.to).fsPath);
    if (this.filesAtStop) this.filesAtStop = followRenames({ events: [], files: this.filesAtStop }, this.renames).files;
    this.ctx.log.info(`Recording: ${pairs.map((p) => `${vscode.workspace.asRelativePath(vscode.Uri.parse(p.from))} → ${vscode.workspace.asRelativePath(vscode.Uri.parse(p.to))}`).join(', ')}: its recorded statements follow the new name.`);
    if (r.stopped && r.older === 0 && !this.listener) {
      const [{ normalizeSql }, engine] = await Promise.all([import('../core/sql/statement'), loadEngine()]);
      if (this.rec !== r) return;
      this.engine = engine;
      this.rec = engine.LiveRecording.of(normalizeSql, followRenames({ events: r.recent }, this.renames).events, r.notices, r.dropped);
      this.refresh();
    }
    await this.keep();
  }

  /** The recorded files as they were when the recording stopped (kept with it; reset by Start Recording and Clear). */
  private filesAtStop: import('../core/record/keep').KeptFile[] | undefined;

  /**
   * The recording kept in workspace storage from before a window reload (person11 Q11): its statements back, with their
   * CodeLens, N+1 findings and Recorded Queries view, as after Stop Recording. A reload ends the capture itself (the
   * listener goes with the window): the app must be started again in a new terminal to record more.
   */
  private async restore(raw: unknown): Promise<void> {
    const { restoreRecording, matchingFiles, renamedWhileAway, followRenames, filesToHash } = await import('../core/record/keep');
    let stored = restoreRecording(raw, { values: this.ctx.config.recordValues });
    if (!stored || this.listener || this.rec) return;
    let now = await this.statFiles((stored.files ?? []).map((f) => f.path));
    // A recorded file gone from its path: renamed or moved while no window watched (git mv, another editor)? Found again
    // by its extension, size and time, its statements follow it (person37 L6, the rest).
    const goneFiles = (stored.files ?? []).filter((f) => !now.get(f.path));
    if (goneFiles.length) {
      const moved = renamedWhileAway(stored.files!, goneFiles.map((f) => f.path), await this.filesLike(goneFiles));
      if (moved.size) {
        stored = followRenames(stored, moved);
        now = await this.statFiles((stored.files ?? []).map((f) => f.path));
        this.ctx.log.info(`Recording: ${[...moved].map(([from, to]) => `${vscode.workspace.asRelativePath(from)} → ${vscode.workspace.asRelativePath(to)}`).join(', ')}: renamed while no window watched (found by size and time); its recorded statements follow the new name.`);
      }
    }
    if (this.listener || this.rec) return;
    // A file saved since with its size unchanged: its content is compared (an edit undone and saved is the same file).
    const toHash = filesToHash(stored, now);
    if (toHash.length) for (const [path, n] of await this.statFiles(toHash, new Set(toHash))) now.set(path, n);
    // Only the statements of files that still match (the same size and time as at Stop, or the same content): an edited
    // file's lines may not be the lines that sent them.
    const match = matchingFiles(stored, now);
    const kept = { ...stored, events: match.events, files: stored.files?.filter((f) => !match.changed.includes(f.path) && !match.gone.includes(f.path)) };
    const names = (files: string[]) => `${files.slice(0, 3).map((f) => vscode.workspace.asRelativePath(f)).join(', ')}${files.length > 3 ? ', …' : ''}`;
    const goneNote = match.gone.length ? ` ${countOf(match.goneLeft, 'recorded statement')} left out: ${match.gone.length === 1 ? 'its file is' : `their ${match.gone.length} files are`} gone (${names(match.gone)}) — deleted, or renamed while no window watched and not found again by size and time.` : '';
    if (!kept.events.length) {
      this.ctx.log.info(`Recording: the recording kept from before the reload is not shown: every file it recorded from changed since (${match.changed.length}) or is gone (${match.gone.length}).${goneNote} Record again.`);
      return;
    }
    if (this.listener || this.rec) return;
    this.filesAtStop = kept.files;
    const [{ loadPgParser, normalizeSql }, engine] = await Promise.all([import('../core/sql/statement'), loadEngine()]);
    await loadPgParser();
    if (this.listener || this.rec) return; // Start Recording meanwhile
    this.engine = engine;
    this.rec = engine.LiveRecording.of(normalizeSql, kept.events, kept.notices, kept.dropped);
    // The advice proved before the reload, with the database it was proved on (its findings show on that one only).
    this.advice = new Map(kept.advice ?? []);
    const key = this.connectionKey();
    if (key) for (const [k, a] of this.advice) if (a.provedOn !== key) this.advice.delete(k);
    for (const e of kept.events) if (e.pc > 0 && e.pv && e.pv.length >= e.pc && !e.err) this.ctx.params.remember(e.sql, e.pv, 'recorded', e.ts);
    this.refresh();
    const silenced = this.silencedNPlusOnes().size;
    const said = engine.captureStoppedText(this.rec.statements, (this.summary?.nPlusOne.length ?? 0) - silenced, { sitesUnknown: this.summary?.sitesUnknown, silenced });
    this.status.text = `$(debug-stop) ${said.status}`;
    const changedNote = `${match.changed.length ? ` ${match.left} statements from ${match.changed.length === 1 ? 'a file' : `${match.changed.length} files`} changed since (${names(match.changed)}) are left out: their lines may have moved.` : ''}${goneNote}`;
    this.status.tooltip = `PG Lens recorded these statements before the window was reloaded (${new Date(kept.at).toLocaleString()}): kept in this workspace's storage until Clear Recorded Queries or the next Start Recording.${changedNote} Run PG Lens: Start Recording to record again.`;
    this.status.command = undefined;
    this.status.show();
    this.ctx.log.info(`Recording: ${said.status} before the window was reloaded, read back from workspace storage.${changedNote}`);
    if (this.summary) this.restored.fire({ at: kept.at, summary: this.summary });
    // Every statement is decided again on the database in use (the kept advice shown meanwhile), now or when a connection
    // comes (followConnection): the editor's decisions weigh it from then on (person48 L-h). The kept advice was proved
    // before the reload: an index made since (a migration at the app's start) is looked for first.
    if (this.connectionKey()) void this.recheckAdvice({ advise: true });
  }

  private keptAt = 0;
  /** When the recording may be kept again while it runs (KEEP_EVERY_MS, or longer when keeping it took long). */
  private keepAgainAt = 0;

  /** Keep the recording in workspace storage (bounded; parameter values only when pgLens.record.values allows them). */
  private async keep(): Promise<void> {
    const t0 = (this.keptAt = Date.now());
    const { keepRecording, recordedFiles, followRenames } = await import('../core/record/keep');
    const r = this.rec;
    // Under the files' names now (a recorded file renamed since: followRenames).
    const recent = followRenames({ events: r?.recent ?? [] }, this.renames).events;
    // The files as they are now while recording; once stopped, as they were at Stop (an edit after Stop is a change), with
    // their content's hash (read once, at Stop: not every few seconds while the app runs).
    const stat = async (hashed?: 'all') => [...(await this.statFiles(recordedFiles(recent), hashed))].flatMap(([path, st]) => (st ? [{ path, ...st }] : []));
    const files = !r?.statements ? undefined : this.listener ? await stat() : (this.filesAtStop ??= await stat('all'));
    await this.writeKept(r?.statements ? keepRecording(recent, [...r.notices], r.dropped + r.older, { values: this.ctx.config.recordValues, at: this.keptAt, advice: this.advice, files }) : undefined);
    this.keepAgainAt = Date.now() + Math.max(KEEP_EVERY_MS, REFRESH_SHARE * (Date.now() - t0));
  }

  /** What the recording's findings are made of: its summary, the advice proved, and the connection in use now. */
  private state(): RecordedState {
    return { summary: this.summary, advice: this.shownAdvice(), connection: this.connectionKey(), callers: (file, line) => this.ctx.analysis.loopCallers(file, line), live: this.listener !== undefined };
  }

  /**
   * The recorded statements' advice as shown (their findings, hovers, "Recorded at …"): the editor's decided advice of each
   * statement where it has one on this connection — every editor decision keeps it current — else the advice kept with the
   * recording (made before, or brought back after a reload). One statement, one index: the copy kept from the decision
   * the recording was made under named orders (status) 1,231 → 391 after the editor's, on the same statement, had become
   * orders (status, placed_at DESC) 1,231 → 469 (person45 H1).
   */
  private shownAdvice(): ReadonlyMap<string, StatementAdvice> {
    const api = this.ctx.indexAdvice;
    if (!api || !this.summary) return this.advice;
    return recordedAdviceNow(this.advice, this.summary.sites.flatMap((site) => site.statements), (sql) => api.adviceFor(sql), this.connectionKey(), (r) => this.noIndexAnswer(r));
  }

  /** Why a recorded statement has no index (the editor's answer). */
  private noIndexAnswer(r: import('../db/missingIndexAnalyzer').DecidedAdvice): string | undefined {
    return noIndexAnswer(r, { minCostReduction: this.ctx.config.indexMinCostReduction, sizeSetting: 'pgLens.index.maxTableSizeMb' });
  }

  /** The database in use (undefined when not connected): an index proof belongs to a database. */
  private connectionKey(): string | undefined {
    const c = this.ctx.connections.current;
    return c && !c.db.isClosed ? databaseIdentity(c.profile) : undefined;
  }

  /**
   * The connection changed: advice and plans proved on another one are dropped (their findings go at once, the
   * recorded files analysed again) and, once the recording has stopped, proved again on the new connection. With no
   * connection for a moment they are kept, out of view (adviceAfterConnectionChange).
   */
  private followConnection(): void {
    const key = this.connectionKey();
    const provedOn = [...[...this.advice.values()].map((a) => a.provedOn), ...(this.plans.size ? [this.plansOn] : [])];
    const change = adviceAfterConnectionChange(provedOn, key);
    if (change === 'hide') {
      // No database in use for now: the advice's findings go from view, the advice stays for the same database's return.
      if (this.advice.size) {
        void this.publishDiagnostics();
        this.lensChanged.fire();
      }
      return;
    }
    if (change === 'keep') {
      // The connection a reload's advice was proved on came back (person13 P6): its findings show, once checked against the
      // catalog as it is now (issue 20 MEDIUM 9); what is not advised yet is.
      if (this.advice.size) this.publishDiagnostics();
      void this.recheckAdvice({ advise: true });
      return;
    }
    const had = this.adviceFiles();
    this.advice.clear();
    this.decidedHere.clear();
    this.plans.clear();
    this.planTexts.clear();
    this.publishDiagnostics(had);
    this.lensChanged.fire();
    if (key && !this.listener && this.summary) void this.adviseAll();
  }

  /** The recorded advice was made under other index settings: dropped, and made again once the recording has stopped. */
  private adviceSettingsChanged(): void {
    if (!this.advice.size) return;
    const had = this.adviceFiles();
    this.advice.clear();
    this.decidedHere.clear();
    this.publishDiagnostics(had);
    this.lensChanged.fire();
    if (this.connectionKey() && !this.listener && this.summary) void this.adviseAll();
  }

  /** The re-check in flight (one at a time: catalogChanged fires while one runs). */
  private rechecking: Promise<number> | undefined;

  /**
   * The recording's advice checked against the catalog (issue 20, person15 MEDIUM 9: a recorded missing-index finding
   * stayed after the migration made the index, after Scan Workspace and a reload too): advice whose index a valid index
   * now serves (servedByCatalog) goes with its plan, and — `advise`, once the recording has stopped — its statements are
   * proved again. On connect, after a reload's restore, before Scan Workspace and when the catalog changed. Returns how
   * many statements' advice went.
   */
  recheckAdvice(opts: { advise?: boolean } = {}): Promise<number> {
    this.rechecking ??= this.recheckNow()
      .catch((e) => {
        this.ctx.log.warn(`Recording: the advice could not be checked against the catalog: ${errorMessage(e)}`);
        return 0;
      })
      .finally(() => (this.rechecking = undefined));
    return this.rechecking.then(async (n) => {
      if (opts.advise && this.connectionKey() && !this.listener && this.summary) await this.adviseAll();
      return n;
    });
  }

  private async recheckNow(): Promise<number> {
    const conn = this.ctx.connections.current;
    const key = this.connectionKey();
    if (!conn || !key) return 0;
    // The editor's one decision first: the statements it proved are proved again too (the recorded ones among them).
    await this.ctx.indexAdvice?.recheckCatalog();
    const mine = [...this.advice].filter(([, a]) => a.provedOn === key && a.suggestions.length);
    if (!mine.length) return 0;
    const [{ servedByCatalog }, { advisedIndexOf }] = await Promise.all([import('../db/indexDecision'), import('../core/advice/indexCandidates')]);
    // Each suggestion's advised index as the advisor gave it (kept with the recording); one kept without it is proved
    // again only when the statement is.
    const served = await servedByCatalog(conn.db, mine.flatMap(([, a]) => a.suggestions.flatMap((s) => {
      const i = advisedIndexOf(s.index);
      return i ? [{ ...i, ddl: s.ddl }] : [];
    })));
    const stale = mine.filter(([, a]) => a.suggestions.some((s) => served.has(s.ddl)));
    if (!stale.length) return 0;
    const had = this.adviceFiles();
    for (const [k, a] of stale) {
      this.advice.delete(k);
      this.plans.delete(k);
      this.planTexts.delete(k);
      const now = a.suggestions.filter((s) => served.has(s.ddl)).map((s) => `${s.ddl.replace(/^CREATE INDEX (CONCURRENTLY )?\S+ ON /, '')}: an index now exists (${served.get(s.ddl)})`);
      this.ctx.log.info(`Recording: ${now.join('; ')}; its finding goes and the statement is proved again.`);
    }
    this.publishDiagnostics(had);
    this.lensChanged.fire();
    if (!this.listener) await this.keep().catch((e) => this.ctx.log.warn(`Recording: advice not kept for after a reload: ${errorMessage(e)}`));
    return stale.length;
  }

  get recordedSummary(): RecordSummary | undefined {
    return this.summary;
  }

  /** The workspace's app languages, set by Start Recording: what the stop message says the capture could not see. */
  languages: AppLanguages | undefined;

  /** Terminals opened while a recording of this window was on: they have the capture's environment. */
  private readonly withCapture = new WeakSet<vscode.Terminal>();
  /** The terminals open when this recording started, without the capture's environment: what runs there is not recorded. */
  private openedBefore: vscode.Terminal[] = [];

  /** The names of the terminals this recording cannot hear (opened before it, or any recording of this window, started). */
  get terminalsNotRecorded(): string[] {
    return this.openedBefore.map((t) => t.name);
  }

  get active(): boolean {
    return this.listener !== undefined;
  }

  /** What the e2e tests and the API read. `silenced`: how many of `nPlusOne` a pg-lens-ignore comment (or the rule off) silences. */
  snapshot(): { statements: number; nPlusOne: RecordedNPlusOne[]; silenced: number; dropped: number; afterStop: number; sitesUnknown?: string; terminals: string[] } {
    return { statements: this.rec?.statements ?? 0, nPlusOne: this.summary?.nPlusOne ?? [], silenced: this.silencedNPlusOnes().size, dropped: this.rec?.dropped ?? 0, afterStop: this.rec?.arrivedAfterStop ?? 0, sitesUnknown: this.summary?.sitesUnknown, terminals: this.terminalsNotRecorded };
  }

  /**
   * The recorded N+1s the Problems panel does not show (silenced by a comment where their finding stands, or the rule
   * off): read from the open document, else the file. Stop's message and the report count the others.
   */
  silencedNPlusOnes(): Set<RecordedNPlusOne> {
    const engine = this.engine;
    if (!this.summary?.nPlusOne.length || !engine) return new Set();
    const textOf = (file: string): string | undefined => {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
      if (open) return open.getText();
      try {
        return readRegularFileSync(file).toString('utf8');
      } catch {
        return undefined;
      }
    };
    return engine.silencedRecordedNPlusOnes(this.state(), textOf, this.ctx.config.rulesSeverity);
  }

  async start(): Promise<void> {
    if (this.listener) return;
    const [{ listen }, { captureAssetsIn, captureVariables }, { loadPgParser, normalizeSql }, engine] = await Promise.all([
      import('../capture/listener'), import('../capture/env'), import('../core/sql/statement'), loadEngine(),
    ]);
    await loadPgParser();
    this.engine = engine;
    this.newRecording = () => new engine.LiveRecording(normalizeSql);
    const assets = captureAssetsIn(vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'dist').fsPath);
    if (!assets) throw new Error('the capture module (dist/capture.js) is missing from the extension');
    this.clear();
    this.rec = this.newRecording();
    this.openedBefore = vscode.window.terminals.filter((t) => !this.withCapture.has(t));
    // One path per window, kept across recordings: a terminal that got the environment for an earlier recording (the
    // app stopped and started again in it) sends to this one too; it was silently dropped (person20 MEDIUM 6).
    this.listener = await listen((e) => {
      // Applied at once (its cost does not grow with the recording); nothing once stopped (counted as after Stop).
      const rec = this.rec;
      if (!rec) return;
      if (rec.stopped) return void rec.receive(e);
      // The values the app sent (pgLens.record.values): the workload benchmark and the value prompts run with them.
      if (rec.receive(e) && e.t === 'q' && e.pc > 0 && e.pv && e.pv.length >= e.pc && !e.err) this.ctx.params.remember(e.sql, e.pv, 'recorded', e.ts);
      // A drop count changes the status bar too.
      this.schedule();
    }, { path: windowSocket });
    windowSocket = this.listener.path;
    const v = captureVariables(assets, this.listener.path, { values: this.ctx.config.recordValues });
    const env = this.ctx.extension.environmentVariableCollection;
    env.description = 'PG Lens is recording the SQL your app sends (PG Lens: Stop Recording Queries turns it off).';
    env.append('NODE_OPTIONS', ` ${v.nodeOptions}`);
    env.prepend('PYTHONPATH', `${v.pythonPath}${path.delimiter}`);
    for (const [k, val] of Object.entries(v.set)) env.replace(k, val);
    this.debugVars = { nodeOptions: v.nodeOptions, pythonPath: v.pythonPath, set: v.set };
    this.updateStatus();
    this.status.show();
    this.ctx.log.info(`Recording: capture listener at ${this.listener.path}; new terminals and Node/Python debug sessions send their statements${this.ctx.config.recordValues ? ' and their parameter values' : ''}.`);
  }

  /** The keep of the last Stop (Stop Recording waits for it after its report: a reload then finds the recording). */
  keptAfterStop: Promise<void> = Promise.resolve();

  /**
   * Stop capturing. `announce`: say what was recorded in a toast of its own; Stop Recording passes false when the
   * pg_stat_statements half reports too, and says both in one message (recordingStoppedText).
   */
  async stop(announce = true): Promise<void> {
    const l = this.listener;
    // The listener is made after the engine is loaded (start): a listener comes with it.
    const engine = this.engine;
    if (!l || !engine) return;
    // Stop takes effect here (issue 20 #9: it took ~13 minutes under load): nothing that arrives from now on is applied,
    // the apps' connections are closed at once (what they still had on the way is not read), and one last refresh of
    // the figures — which costs the call sites and statements, not the executions recorded — says what was recorded.
    this.listener = undefined;
    this.rec?.stop();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.ctx.extension.environmentVariableCollection.clear();
    this.debugVars = undefined;
    void l.close();
    this.refresh();
    const silenced = this.silencedNPlusOnes().size;
    const said = engine.captureStoppedText(this.rec?.statements ?? 0, (this.summary?.nPlusOne.length ?? 0) - silenced, { dropped: this.rec?.dropped ?? 0, afterStop: this.rec?.arrivedAfterStop ?? 0, sitesUnknown: this.summary?.sitesUnknown, silenced, terminals: this.terminalsNotRecorded }, this.languages);
    this.status.text = `$(debug-stop) ${said.status}`;
    this.status.tooltip = 'PG Lens recorded these statements (Recorded Queries view). Run PG Lens: Start Recording to record again.';
    this.status.command = undefined;
    if (announce) void vscode.window.showInformationMessage(said.message);
    // Kept and advised after Stop has returned: keeping is a round trip to the window, which a busy machine can hold
    // for minutes (person17); the report of the recording is made from the figures above, never after it.
    this.keptAfterStop = this.keep().catch((e) => this.ctx.log.warn(`Recording: not kept for after a reload: ${errorMessage(e)}`));
    void this.keptAfterStop.then(async () => {
      // Plans and index advice for the recorded statements when a database is connected.
      if (!this.listener && (await this.ctx.connections.get({ interactive: false }))) void this.adviseAll();
    });
  }

  dispose(): void {
    if (CaptureRecording.current === this) {
      CaptureRecording.current = undefined;
      setRecordedLookup(undefined);
    }
    if (this.timer) clearTimeout(this.timer);
    if (this.diagTimer) clearTimeout(this.diagTimer);
    void this.listener?.close();
    this.disposed = true;
    this.ctx.extension.environmentVariableCollection.clear();
    for (const s of this.subs) s.dispose();
  }

  private debugVars: { nodeOptions: string; pythonPath: string; set: Record<string, string> } | undefined;

  private debugConfig(config: vscode.DebugConfiguration): vscode.DebugConfiguration {
    const v = this.debugVars;
    if (!v || !DEBUG_TYPES.has(config.type)) return config;
    const env: Record<string, string> = { ...(config.env ?? {}) };
    if (config.type.includes('node')) env.NODE_OPTIONS = env.NODE_OPTIONS ? `${env.NODE_OPTIONS} ${v.nodeOptions}` : v.nodeOptions;
    else env.PYTHONPATH = env.PYTHONPATH ? `${v.pythonPath}${path.delimiter}${env.PYTHONPATH}` : v.pythonPath;
    return { ...config, env: { ...env, ...v.set } };
  }

  private clear(): void {
    // The files that held the recording's findings: checked again once it is empty (their findings go).
    const had = new Set([...this.nPlusOneFiles(), ...this.adviceFiles()]);
    // Cleared while recording: the recording goes on from zero.
    this.rec = this.listener ? this.newRecording?.() : undefined;
    this.advice.clear();
    this.decidedHere.clear();
    this.plans.clear();
    this.planTexts.clear();
    this.ctx.indexAdvice?.forgetRecorded();
    this.ctx.params.clear('recorded');
    this.summary = undefined;
    this.groups = [];
    this.filesAtStop = undefined;
    this.renames.clear();
    this.dropPendingRestore?.();
    void this.writeKept(undefined).catch(() => undefined);
    // The index advice was forgotten with the recording: the closed files decide theirs again (person23 MEDIUM 3).
    this.publishDiagnostics(had, { decide: true });
    this.tree.set([], (f) => f);
    this.lensChanged.fire();
    // The status bar says what is recorded: "0 statements" while recording, nothing once stopped and cleared
    // (it kept "45 statements recorded" after Clear Recorded Queries).
    if (this.listener) this.updateStatus();
    else this.status.hide();
  }

  /** When the next refresh may run while recording (REFRESH_MS, or REFRESH_SHARE × the last refresh's cost). */
  private refreshAt = 0;

  /**
   * While recording, a refresh is sent to the window only once it has taken the last one (a round trip through the
   * window, setContext, is answered after everything sent before it): core/record/pace.
   */
  private readonly paced = new RoundTripGate(
    () => {
      if (this.listener) this.refresh();
    },
    () => vscode.commands.executeCommand('setContext', 'pgLens.recordedStatements', this.rec?.statements ?? 0),
    () => this.schedule(),
  );

  /** Something the summary reads changed (parsed sources, the models): made again at the next paced refresh while recording, now once stopped. */
  private summariseAgain(): void {
    if (this.listener) this.schedule();
    else this.refresh();
  }

  /** A statement arrived: the figures, the status bar and the views follow at the next refresh (one per REFRESH_MS at most). */
  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.paced.request();
    }, Math.max(REFRESH_MS, this.refreshAt - Date.now()));
  }

  private updateStatus(): void {
    if (!this.listener) return;
    const n = this.summary?.nPlusOne.length ?? 0;
    const dropped = this.rec?.dropped ?? 0;
    this.status.text = `$(record) ${countOf(this.rec?.statements ?? 0, 'statement')}${n ? ` · ${n} N+1` : ''}${dropped ? ` · ${dropped} dropped` : ''}`;
    this.status.tooltip = 'PG Lens is recording the SQL your app sends (new terminals, Node and Python debug sessions). Click to stop.';
    this.status.command = 'pgLens.stopRecording';
  }

  /** What the visible editors' recorded lenses read at the last refresh (core/record/lens recordedLensKey). */
  private lensKey = '';

  /** Notices already written to the log (once each, not at every refresh). */
  private readonly logged = new Set<string>();

  private refresh(): void {
    const t0 = Date.now();
    const threshold = this.ctx.config.get<number>('record.nPlusOneThreshold', 5);
    const rec = this.rec;
    const source = (f: string) => vscode.workspace.textDocuments.find((d) => d.uri.fsPath === f)?.getText() ?? readRegularFileSync(f).toString('utf8');
    this.summary = rec?.summary({ threshold }, source, (name) => this.ctx.analysis.sequelizeMixins(name));
    // The call sites' sources are parsed once per text (tree-sitter loads asynchronously): when that says something new
    // (which query a loop's rows come from), the figures follow at the next refresh.
    void rec?.readSyntax(source).then((changed) => {
      if (!changed || this.rec !== rec || this.disposed) return;
      this.summariseAgain();
    }, () => undefined);
    this.groups = rec?.groups() ?? [];
    this.tree.set(this.groups, (f) => vscode.workspace.asRelativePath(f));
    this.refreshAt = Date.now() + REFRESH_SHARE * (Date.now() - t0);
    // While recording, the Problems panel follows at its own pace (publishSoon); once stopped, at once.
    if (this.listener) this.publishSoon();
    else this.publishDiagnostics();
    // The CodeLens of the open editors follows the figures while recording (this refresh is paced: RoundTripGate), and
    // the window is asked to fetch them again only when a visible file's lenses read otherwise (person18 LOW 4).
    const lensKey = recordedLensKey(this.summary, vscode.window.visibleTextEditors.map((e) => e.document.uri.fsPath));
    if (!this.listener || lensKey !== this.lensKey) {
      this.lensKey = lensKey;
      this.lensChanged.fire();
    }
    this.updateStatus();
    for (const n of this.summary?.notices ?? []) {
      if (this.logged.has(n)) continue;
      this.logged.add(n);
      this.ctx.log.warn(`Recording: ${n}`);
    }
    // A reload while recording keeps what was recorded up to the last few seconds.
    if (this.listener && Date.now() >= this.keepAgainAt) void this.keep().catch(() => undefined);
  }

  private diagTimer: NodeJS.Timeout | undefined;
  private diagRunning = false;
  private diagWanted = false;
  private diagAt = 0;

  /**
   * The recorded findings in the Problems panel while recording: at most every DIAGNOSTICS_MS (longer when a round took
   * long: REFRESH_SHARE), one round at a time — each round analyses every open file with recorded findings again, and
   * rounds started at every refresh piled up behind each other on a busy machine.
   */
  private publishSoon(): void {
    this.diagWanted = true;
    if (this.diagRunning || this.diagTimer) return;
    this.diagTimer = setTimeout(() => {
      this.diagTimer = undefined;
      if (!this.diagWanted) return;
      this.diagWanted = false;
      this.diagRunning = true;
      const t0 = Date.now();
      void this.publishDiagnostics().finally(() => {
        this.diagRunning = false;
        this.diagAt = Date.now() + Math.max(DIAGNOSTICS_MS, REFRESH_SHARE * (Date.now() - t0));
        if (this.diagWanted) {
          this.diagWanted = false;
          if (this.listener) this.publishSoon();
        }
      });
    }, Math.max(0, this.diagAt - Date.now()));
  }

  /**
   * Re-run the pipeline on the open documents the recording touches (its analyzer reads the
   * summary), and publish the findings of files that are not open as scan results.
   */
  /** `decide`: closed files decide their index advice again (Clear: the advice the recording weighed in on is forgotten). */
  private publishDiagnostics(also: ReadonlySet<string> = new Set(), opts: { decide?: boolean } = {}): Promise<void> {
    const runs: Promise<void>[] = [];
    const files = new Set<string>();
    for (const f of this.nPlusOneFiles()) files.add(f);
    for (const f of this.adviceFiles()) files.add(f);
    for (const file of new Set([...files, ...this.published, ...also])) {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
      if (open) {
        runs.push(this.ctx.analysis.refresh(open));
        continue;
      }
      // A file that is not open is analysed as a closed file is (the pipeline keeps the recording's findings, and the
      // scan's when a scan ran): the same findings it showed while open, not a list of the recording's own.
      this.ctx.analysis.refreshClosed(vscode.Uri.file(file), opts);
      if (files.has(file)) this.published.add(file);
      else this.published.delete(file);
    }
    return Promise.all(runs).then(() => undefined);
  }

  /** The files of the recorded N+1s: their call sites', and those of the loops calling a helper that sent one (person13 P2). */
  private nPlusOneFiles(): Set<string> {
    const files = new Set<string>();
    for (const n of this.summary?.nPlusOne ?? []) {
      files.add(n.file);
      for (const c of this.ctx.analysis.loopCallers(n.file, n.line)) files.add(c.file);
    }
    return files;
  }

  /** The files of the recorded call sites that have index advice. */
  private adviceFiles(): Set<string> {
    const files = new Set<string>();
    for (const site of this.summary?.sites ?? []) if (site.file && site.line && site.statements.some((st) => this.advice.get(st.normalized)?.suggestions.length)) files.add(site.file);
    return files;
  }

  private sitesIn(doc: vscode.TextDocument): SiteFigure[] {
    const file = doc.uri.fsPath;
    return (this.summary?.sites ?? []).filter((s) => s.file === file && s.line);
  }

  /** The lines of a document whose recorded N+1 is silenced (an ignore comment, the rule off): no ": N+1" there either. */
  private silenced(doc: vscode.TextDocument): Set<number> {
    return this.engine && this.summary?.nPlusOne.some((x) => x.file === doc.uri.fsPath) ? this.engine.silencedRecordedLines(this.state(), doc.uri.fsPath, doc.getText(), this.ctx.config.rulesSeverity) : new Set();
  }

  /** The recorded CodeLens's title at `line` (1-based) of `file` (an absolute path), if any. */
  lensTitleAt(file: string, line: number): string | undefined {
    return recordedLenses(this.summary, file).find((l) => l.line === line)?.title;
  }

  private lenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    return recordedLenses(this.summary, doc.uri.fsPath, this.silenced(doc)).map(({ line, title, tooltip }) => new vscode.CodeLens(lineRange(line, 1), { title, command: 'pgLens.recordedAdvice', arguments: [doc.uri.fsPath, line], tooltip }));
  }

  /**
   * The recorded lenses, or — on a file that reaches the database through an ORM, with nothing recorded yet and no SQL
   * of its own — the one dismissible line that says to record (core/record/firstHint).
   */
  private async lensesOrHint(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const recorded = this.lenses(doc);
    if (recorded.length || this.listener || this.rec?.statements || this.ctx.extension.globalState.get<boolean>(ORM_HINT_DISMISSED_KEY)) return recorded;
    const lang = languageOf(doc.languageId);
    if (!lang || doc.uri.scheme !== 'file') return recorded;
    const sites = await this.ctx.sites.sitesFor(doc);
    const { ormHintLine, ORM_HINT_TITLE } = await loadEngine();
    const line = ormHintLine(doc.getText(), lang, sites.length, doc.uri.fsPath);
    if (line === undefined || this.listener || this.rec?.statements) return recorded;
    const range = lineRange(line, 1);
    return [
      new vscode.CodeLens(range, { title: ORM_HINT_TITLE, command: 'pgLens.recordQueries', tooltip: 'Start Recording: run the app, its tests or a script in a new terminal; each ORM call then shows the statements it sent. Shown until something is recorded or you dismiss it.' }),
      new vscode.CodeLens(range, { title: 'Dismiss', command: ORM_HINT_DISMISS_COMMAND, tooltip: 'Do not show this hint again (any project).' }),
    ];
  }


  /**
   * Whether the document differs from the file the recording saw: unsaved changes, or (once stopped) a text other than the
   * one hashed at Stop (filesAtStop). While the app records, a saved edit is recorded anew when the app runs it.
   */
  private async editedSinceRecording(doc: vscode.TextDocument): Promise<boolean> {
    if (doc.isDirty) return true;
    const kept = this.filesAtStop?.find((f) => f.path === doc.uri.fsPath);
    if (!kept?.hash) return false;
    const { shortHash } = await import('../core/hash');
    return shortHash(doc.getText()) !== kept.hash;
  }

  private async hover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    const site = this.sitesIn(doc).find((s) => s.line === pos.line + 1);
    if (!site) return undefined;
    // The statement written here (raw SQL), as the plans' hover finds it at this place: that hover shows its advice, plan
    // and SQL, so this one gives the recorded figures only (person50 L-E: the same index and plan line twice).
    const code = await this.ctx.sites.siteAt(doc, doc.offsetAt(pos)).catch(() => undefined);
    const { normalizeSql } = await import('../core/sql/statement');
    const codeNormalized = code ? normalizeSql(code.sql) : undefined;
    // The statement written here as the app sends it (SQL of its own, no part made at run time): when none of the line's
    // recorded statements is it and the code changed since the recording, the hover says the recording saw an earlier
    // version (person50 L-D a: an edited statement kept showing the recorded one's figures as its own).
    const written = codeNormalized !== undefined ? { normalized: codeNormalized, edited: sentAsWritten(code) && (await this.editedSinceRecording(doc)) } : undefined;
    const n = this.summary?.nPlusOne.find((x) => x.file === site.file && x.line === site.line);
    const shown = this.shownAdvice();
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: ['pgLens.recordedAdvice', OPEN_STATEMENT_PLAN_COMMAND, SHOW_FULL_SQL_COMMAND, OPEN_DOCS_COMMAND] };
    // What matters first, the plan in one line, the SQL cut short (core/record/hover: person20 LOW 5).
    md.appendMarkdown(recordedHoverMarkdown({
      site,
      nPlusOne: n,
      silenced: !!n && this.silenced(doc).has(site.line!),
      advice: (k) => shown.get(k),
      plan: (k) => this.plans.get(k),
      written,
      links: {
        advice: `command:pgLens.recordedAdvice?${encodeURIComponent(JSON.stringify([site.file, site.line]))}`,
        fullSql: (sql) => `command:${SHOW_FULL_SQL_COMMAND}?${encodeURIComponent(JSON.stringify([sql]))}`,
      },
    }));
    // How to fix the line's findings (a recorded N+1's grouped statement): the problem's message is its claim alone.
    const howToFix = howToFixOf(vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === DIAGNOSTIC_SOURCE && d.range.start.line <= pos.line && d.range.end.line >= pos.line));
    if (howToFix) md.appendMarkdown(`\n\n${howToFixMarkdown(howToFix)}`);
    // Not connected (after Disconnect, or a failure): Reconnect from here, as the Disconnect notice says (issue 20 item 13).
    const offline = this.ctx.connections.notConnectedHover();
    if (offline) {
      md.appendMarkdown(`\n\n${offline.markdown}`);
      md.isTrusted = { enabledCommands: ['pgLens.recordedAdvice', OPEN_STATEMENT_PLAN_COMMAND, SHOW_FULL_SQL_COMMAND, OPEN_DOCS_COMMAND, ...offline.commands] };
    }
    return new vscode.Hover(md, lineRange(site.line!, 1));
  }

  private async adviseSite(file?: string, line?: number): Promise<void> {
    const site = (this.summary?.sites ?? []).find((s) => s.file === file && s.line === line);
    if (!site) return;
    const conn = await this.ctx.connections.get({ interactive: true });
    if (!conn) return;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'PG Lens: plans and index advice' }, async () => this.advise(weighedOf([site]).weighed, conn.db));
    this.publishDiagnostics();
    // The statements, their plans and their index advice, beside the code (the link only said they were in the hover).
    const where = `${vscode.workspace.asRelativePath(file!)}:${line}`;
    const { recordedSiteReport } = await loadEngine();
    const text = recordedSiteReport(where, site, this.shownAdvice(), this.planTexts, `${conn.profile.name} (database ${conn.profile.database})`);
    const doc = await showReadOnly(this.ctx.extension, `Recorded at ${where}.md`, text, { language: 'markdown', beside: true });
    // The plan of the site's costliest statement in the plan viewer, as every plan is shown (the document has its brief):
    // in the document's group, as the tab on top — one view beside the code, not two (person12 R8: at 800 px the code,
    // the document and the viewer were three ~200 px columns, one word a line).
    const first = [...site.statements].sort((a, b) => b.totalMs - a.totalMs)[0];
    if (first && this.planTexts.has(first.normalized)) await vscode.commands.executeCommand(OPEN_STATEMENT_PLAN_COMMAND, { sql: first.sql, title: `recorded at ${where}`, column: doc.viewColumn });
  }

  private async adviseAll(): Promise<void> {
    const conn = await this.ctx.connections.get({ interactive: false });
    if (!conn || !this.summary) return;
    const rec = this.rec;
    // The kind of code each ran in (its site's file, or a test's or migration's unit of work): a statement of tests or
    // migrations is not the app's workload: weighed in no decision, it gets no index advice (indexAdvice decide says why).
    // Every recorded statement takes part in the editor's decisions at once, whichever is decided first: before, only the
    // 25 costliest did, and the others joined the shared decision when their "Plan and index advice" was opened — the
    // code's line on the same table flipped to the shared index then, and back after a reload (person49 M-4). They are
    // decided in batches, the costliest first, the others after it in the background, in one order (recordedDecisionOrder).
    // The same statements `pg-lens advise --recording` weighs (core recordedToWeigh: one pipeline, issue 20).
    const { weighed, batches } = weighedOf(this.summary.sites);
    const keep = () => this.keep().catch((e) => this.ctx.log.warn(`Recording: advice not kept for after a reload: ${errorMessage(e)}`));
    this.ctx.indexAdvice?.weigh(weighed.map((st) => recordedDecisionInput(st)));
    let unkept = false;
    for (const batch of batches) {
      // A new recording, Clear, Start Recording or another database meanwhile: the rest is not decided here.
      if (this.rec !== rec || this.listener || this.disposed || this.ctx.connections.current?.db !== conn.db) return;
      const before = this.decidedHere.size;
      await this.advise(batch, conn.db);
      if (this.decidedHere.size === before) continue;
      this.publishDiagnostics();
      this.lensChanged.fire();
      unkept = true;
      // The advice is kept with the recording, for after a reload (person13 P6): once the first batch is decided, then once all are.
      if (batch === batches[0]) {
        unkept = false;
        await keep();
      }
    }
    if (unkept && !this.listener && this.rec === rec) await keep();
  }

  private forgottenFollowed = false;
  /** The recorded statements (normalised) the editor decided in this window, on the connection of plansOn. */
  private readonly decidedHere = new Set<string>();

  /**
   * The editor forgot the decided advice of recorded statements (their tables moved: rows, size, an ANALYZE — the
   * trigger the code's statements follow): their kept advice goes too, and, once stopped, they are decided again with the
   * code's (person48 L-h: the recorded line kept "Reading orders (52k rows): … (status, placed_at DESC)" after orders
   * grew to 62k, beside the code's line decided anew). Subscribed at the first advice (the index advisor registers after
   * the recording; before any advice there is nothing to forget).
   */
  private followForgottenAdvice(): void {
    const api = this.ctx.indexAdvice;
    if (this.forgottenFollowed || !api) return;
    this.forgottenFollowed = true;
    this.subs.push(api.onDidForgetRecordedAdvice((sqls) => {
      if (!this.summary || this.disposed) return;
      const had = this.adviceFiles();
      const gone = forgetRecordedAdvice(this.advice, this.summary.sites.flatMap((site) => site.statements), sqls);
      if (!gone.length) return;
      for (const k of gone) {
        this.plans.delete(k);
        this.planTexts.delete(k);
        this.decidedHere.delete(k);
      }
      this.ctx.log.info(`Recording: the tables of ${gone.length} recorded statement${gone.length === 1 ? '' : 's'} changed since their advice; decided again.`);
      this.publishDiagnostics(had);
      this.lensChanged.fire();
      if (this.connectionKey() && !this.listener) void this.adviseAll().catch((e) => this.ctx.log.warn(`Recording: advice not made again: ${errorMessage(e)}`));
    }));
  }

  private async advise(statements: { normalized: string; sql: string; calls?: number; totalMs?: number; context?: CodeContext; place?: string }[], db: import('../db/database').Database): Promise<void> {
    const { explain } = await import('../db/explain');
    const provedOn = this.connectionKey();
    if (this.plansOn !== provedOn) {
      this.plans.clear();
      this.planTexts.clear();
      this.decidedHere.clear();
    }
    this.plansOn = provedOn;
    this.followForgottenAdvice();
    // Advice kept from before a reload is shown until the editor decides the statement in this window: until then the
    // editor's decisions did not weigh it (indexAdvice decide registers the recorded statements), so the code's line on
    // the same filter got a rival index and the workload left the recorded call out (person48 L-h: src/orders.ts:70
    // "orders (status)" beside the recorded orm/orders.ts:25 "(status, placed_at DESC)"), and a table's growth could not
    // make it again (noticeTableChanges forgets what the decider decided).
    const todo = statements.filter((st) => !this.advice.has(st.normalized) || !this.decidedHere.has(st.normalized));
    for (const st of todo) this.decidedHere.add(st.normalized);
    // The editor's one index decision: a recorded statement gets the index the diagnostic, Suggest Indexes and the workload name.
    let decided: Map<string, import('../db/missingIndexAnalyzer').DecidedAdvice> | undefined;
    try {
      // With its calls at that place: the workload's list says them where pg_stat_statements has none (person49 L-5).
      decided = await this.ctx.indexAdvice?.decide(todo.map((st) => recordedDecisionInput(st)));
    } catch (e) {
      for (const st of todo) this.advice.set(st.normalized, { suggestions: [], note: errorMessage(e), provedOn });
      return;
    }
    for (const st of todo) {
      const r = decided?.get(st.sql);
      if (!r) {
        this.advice.set(st.normalized, { suggestions: [], note: 'not advised: not connected, or the advisor could not look at it (see the PG Lens output)', provedOn });
        continue;
      }
      try {
        const e = await explain(db, st.sql, {});
        // As every plan is shown: the brief with an "Open plan" link to the plan viewer (the text plan was a block to read).
        const open = `command:${OPEN_STATEMENT_PLAN_COMMAND}?${encodeURIComponent(JSON.stringify([{ sql: st.sql, title: recordedTitle(st.sql) }]))}`;
        this.plans.set(st.normalized, { brief: briefPlan(e.plan), open });
        this.planTexts.set(st.normalized, briefText(briefPlan(e.plan)));
      } catch (err) {
        this.plans.set(st.normalized, { error: errorMessage(err) });
      }
      this.advice.set(st.normalized, recordedAdviceOf(r, provedOn, (x) => this.noIndexAnswer(x)));
    }
  }
}

/**
 * A site's statements with the kind of code they ran in: a test's or migration's unit of work, else the site's file
 * (codeContext.ts). A statement of tests or migrations is not the app's workload: it gets no index advice.
 */
/** The recorded statements of these sites as the index decision weighs them (core recordedToWeigh), named by their workspace path. */
function weighedOf(sites: readonly SiteFigure[]): ReturnType<typeof recordedToWeigh> {
  return recordedToWeigh(sites, (file) => vscode.workspace.asRelativePath(file));
}

/** Open a recorded call site (file, 1-based line and column), as a quick fix or a link asks. */
async function openSite(file: unknown, line: unknown, col: unknown): Promise<void> {
  if (typeof file !== 'string' || !Number.isInteger(line) || (line as number) < 1) return;
  const c = Number.isInteger(col) ? (col as number) : 1;
  await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: lineRange(line as number, c).with({ end: new vscode.Position((line as number) - 1, Math.max(0, c - 1)) }) });
}

function lineRange(line: number, col: number): vscode.Range {
  const l = Math.max(0, line - 1);
  const c = Math.max(0, col - 1);
  return new vscode.Range(l, c, l, Number.MAX_SAFE_INTEGER);
}


/** Opens a statement's whole text (as sent) in an editor: the hover and the tree's tooltip show it folded. */
const SHOW_FULL_SQL_COMMAND = 'pgLens.showFullSql';

/** A recorded statement as a hover shows it: folded (person15: a 1,500-character select list filled the hover), and a link to the whole text when folded. */
function hoverSql(md: vscode.MarkdownString, sql: string): void {
  const f = foldSql(sql);
  md.appendCodeblock(clauseLines(f.text), 'sql');
  if (f.folded) md.appendMarkdown(`[Full SQL](command:${SHOW_FULL_SQL_COMMAND}?${encodeURIComponent(JSON.stringify([sql]))}) (${sql.length} characters${f.hiddenColumns ? `; ${countOf(f.hiddenColumns, 'column')} not shown here` : ''})\n\n`);
}

type Node =
  | { kind: 'unit'; g: UnitGroup }
  | { kind: 'site'; s: UnitGroup['sites'][number] }
  | { kind: 'statement'; st: UnitGroup['sites'][number]['statements'][number]; site: UnitGroup['sites'][number] };

/** Recorded Queries: unit of work → call site → statement. */
class RecordedTree implements vscode.TreeDataProvider<Node> {
  private groups: UnitGroup[] = [];
  private rel: (f: string) => string = (f) => f;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  set(groups: UnitGroup[], rel: (f: string) => string): void {
    this.groups = groups;
    this.rel = rel;
    this.changed.fire();
  }

  getChildren(n?: Node): Node[] {
    if (!n) return this.groups.map((g) => ({ kind: 'unit', g }));
    if (n.kind === 'unit') return n.g.sites.map((s) => ({ kind: 'site', s }));
    if (n.kind === 'site') return n.s.statements.map((st) => ({ kind: 'statement', st, site: n.s }));
    return [];
  }

  getTreeItem(n: Node): vscode.TreeItem {
    if (n.kind === 'unit') {
      const label = n.g.kind === 'root' ? 'Outside requests and tests' : `${n.g.kind === 'request' ? 'Request' : n.g.kind === 'test' ? 'Test' : 'Job'}: ${n.g.name}`;
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = `${n.g.instances}× · ${n.g.calls} statements · ${fmtMs(n.g.totalMs)}`;
      return item;
    }
    if (n.kind === 'site') {
      // The report's words: a serialising view's site says so, connection set-up is the connection's (core/record/format).
      const { where, note } = recordedSiteText(n.s, this.rel);
      const item = new vscode.TreeItem(where, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = `${n.s.calls} statements · ${fmtMs(n.s.totalMs)}${note ? ` · ${note}` : ''}`;
      if (note) item.tooltip = `${where}: ${note}`;
      if (n.s.file && n.s.line) {
        item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(n.s.file), { selection: lineRange(n.s.line, 1) }] };
        item.resourceUri = vscode.Uri.file(n.s.file);
      }
      return item;
    }
    const item = new vscode.TreeItem(n.st.normalized.replace(/\s+/g, ' ').slice(0, 120), vscode.TreeItemCollapsibleState.None);
    item.description = `${n.st.calls}× · ${fmtMs(n.st.totalMs)}`;
    // A tooltip is a hover too: folded, the whole text one click away.
    const tip = new vscode.MarkdownString(undefined, true);
    tip.isTrusted = { enabledCommands: [SHOW_FULL_SQL_COMMAND] };
    hoverSql(tip, n.st.sql);
    item.tooltip = tip;
    // A statement opens the line of code that sent it.
    if (n.site.file && n.site.line) item.command = { command: OPEN_SITE_COMMAND, title: 'Open the line that sent it', arguments: [n.site.file, n.site.line, 1] };
    return item;
  }
}
