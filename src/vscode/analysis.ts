/**
 * The one analysis pipeline of the editor: core/scan.ts's analyzers (the query rules, N+1
 * detection, and any analyzer plugged in with register()) run per document version over the
 * SqlSiteIndex (one tree-sitter parse per version, shared by extraction and the analyzers), and
 * their findings go into ONE DiagnosticCollection through ONE finding→diagnostic adapter
 * (findingActions.ts), with ONE code-action provider.
 *
 * The workspace scan publishes its findings here too (publishScan): an open document's live
 * results replace its scan results, so each finding shows once and follows edits. The scan's cross-file index
 * (scanFinished) is what an open file's live run is judged against too, so the scan's cross-file N+1 findings in it
 * stay when it opens (they went: person9 P23). Before any scan, the same index is built once in the background
 * (ensureIndex: the scan's file walk, facts only), so an open file's cross-file N+1s show without a scan (person10 N24). Settings and
 * connection changes re-run every open document through the same path.
 *
 * Runs while the user types are `editing` runs (AnalyzerInput.editing): analyzers that cost
 * database round trips (the index advisor) reuse their last results then, and do their full work on
 * open, save, and settings or connection changes.
 */
import * as vscode from 'vscode';
import { findingsSignature, type Finding } from '../core/findings';
import type { Analyzer, EvidenceSource } from '../core/scan';
import { AnalysisQueue, type AnalysisRank } from '../core/analysisQueue';
import type { DialectVerdict } from '../core/dialect';
import type { DeclaredIndexes } from '../core/sql/declaredIndexes';
import type { PgLensContext } from './main';
import { loadEngine } from './loadEngine';
import type { CrossFileCalls } from '../core/nplusone/crossFile';
import type { SequelizeMixin } from '../core/nplusone/sequelizeModels';
import { EDITOR_LANGUAGE_IDS, isMapperDocument, sqlLanguageFor } from '../core/languages/registry';
import { isSourceFile, replacingFiles } from '../core/workspaceChanges';
import { contextPathOf, type WorkspaceChange } from './workspaceChanges';
import { positionsOf, registerFindingActions, toDiagnostics } from './findingActions';
import { closedReadOnly, EDITOR_SCHEMES, hiddenReadOnly, READ_ONLY_SCHEME, shownTextUris } from './reportDocument';
import { errorMessage } from '../core/safeText';
import { analysisOf, ScanShown } from '../core/scanShown';
import { findingsIdentity } from '../core/connection/profile';
import { ClosedTabs } from '../core/closedTabs';
import { shortHash } from '../core/hash';

const DEBOUNCE_MS = 400;
/** A file that is not open, checked again (refreshClosed): once per this many ms at most. */
const CLOSED_DEBOUNCE_MS = 1000;
/** A connection change re-scans the closed files' findings once no other change came for this long. */
const CONNECTION_SETTLE_MS = 1500;
/** Full runs of documents not in the active editor at a time (core/analysisQueue; the active one never waits). */
const ANALYSIS_SLOTS = 2;

/** Where a document is shown: the active editor first, then the other visible editors, then the rest (core/analysisQueue). */
function rankOf(key: string): AnalysisRank {
  if (vscode.window.activeTextEditor?.document.uri.toString() === key) return 0;
  return vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === key) ? 1 : 2;
}

/** Documents the analyzers read: SQL scripts and the languages of the registry. */
function analysable(doc: vscode.TextDocument): boolean {
  return EDITOR_SCHEMES.includes(doc.uri.scheme) && (EDITOR_LANGUAGE_IDS.includes(doc.languageId) || isMapperDocument(doc.languageId, doc.uri.fsPath)) && !hiddenReadOnly(doc.uri);
}

/** Findings of a recording among them (they outlive the document and a scan that does not read its file). */
function hasRecorded(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.evidence?.recorded === true);
}

/** The same documents, as a selector for providers (hover, CodeLens). */
export const ANALYSABLE_SELECTOR: vscode.DocumentSelector = EDITOR_LANGUAGE_IDS.flatMap((language) => EDITOR_SCHEMES.map((scheme) => ({ language, scheme })));

export interface DocumentAnalysisApi {
  /**
   * Plug an analyzer in (the index advisor): the editor runs it per document version and Scan Workspace per file.
   * `outlivesDocument`: its findings come from evidence outside the document (a recording's statements), so they stay
   * in the Problems panel when the file closes (a closed file's own findings go, unless a workspace scan ran).
   */
  register(a: Analyzer, opts?: { outlivesDocument?: boolean }): vscode.Disposable;
  /**
   * A file that is not open: analysed from its saved text as a closed file is (every analyzer after a workspace scan,
   * else the ones whose findings outlive the document) and shown as a scan result. Open files are left to their live run.
   */
  refreshClosed(uri: vscode.Uri, opts?: { decide?: boolean }): void;
  /**
   * The index advice decided so far was forgotten (Clear Recorded Queries): a document VS Code still holds after its tab
   * closed is decided on its next full run, once (core/closedTabs adviceForgotten), not checked against the empty advice.
   */
  adviceForgotten(): void;
  /** The calls in loops of the workspace (file, span) to the function of `file` holding 1-based `line`, from the cross-file index (none before it is read). */
  loopCallers(file: string, line: number): { file: string; span: { start: number; end: number } }[];
  /**
   * The Sequelize association mixins of that name the workspace's models declare, from the cross-file index (none before
   * it is read; asked then, it is read in the background, and onDidReadIndex fires).
   */
  sequelizeMixins(name: string): SequelizeMixin[];
  /**
   * The analyzers, in order (open documents and Scan Workspace run the same list). `scanIndex`: a workspace scan's,
   * filling that cross-file index; else, once a scan finished, open and closed files are judged against its index.
   */
  analyzers(opts?: { scanIndex?: CrossFileCalls; served?: boolean }): Promise<Analyzer[]>;
  /**
   * A workspace scan read every file into `index` (what each defines and calls in loops): from now on an open file's
   * analysis replaces its own facts there and keeps the cross-file N+1 findings the scan found in it (each finding once,
   * the same count in the Problems panel), and finds them again after an edit. The open documents are analysed again.
   */
  scanFinished(index: CrossFileCalls): Promise<void>;
  /**
   * Findings of a file that is not open, from the workspace scan (ignored when the file is open); they replace the
   * previous scan's for that file. `wholeScan`: findings the scan's whole-scan passes made (cross-file N+1s, contexts).
   */
  publishScan(uri: vscode.Uri, findings: readonly Finding[], positionAt: (offset: number) => vscode.Position, opts?: { wholeScan?: boolean; text?: string }): void;
  /**
   * The scan results shown now (files not open), each with the hash of the text they were made from (when known): what
   * vscode/scanStore.ts keeps across a reload. onDidChangeScanResults fires when they change.
   */
  scanResults(): { ran: boolean; target: string; files: { path: string; hash?: string; findings: readonly Finding[] }[] };
  readonly onDidChangeScanResults: vscode.Event<void>;
  /**
   * Scan results kept from before a window reload, of files unchanged since (scanStore.ts): shown as the scan showed them
   * (files open now are left to their live analysis), and the window counts as one where a scan ran. `target`: the
   * database they were weighed against (findingsIdentity) — another one in use gets the quiet scan again, as after a
   * connection change; `changed`: files changed since, analysed again from their saved text as a closed file is.
   */
  showKeptScan(files: readonly { uri: vscode.Uri; text: string; findings: readonly Finding[] }[], opts: { target: string; changed: readonly vscode.Uri[] }): number;
  /** A new scan starts: the previous scan's results stay until it replaces them file by file (publishScan) or ends (endScan). */
  startScan(): void;
  /**
   * The scan ended. Finished: the previous results of files it did not read go. Cut short (Cancel, taken over, failed):
   * the previous scan's results of the files it never reached, and those that needed the whole scan, are shown again.
   * Returns how many files' previous results were kept.
   */
  endScan(opts: { finished: boolean }): number;
  /** Analyse an open document now, in full (Scan Workspace does this for open files). */
  refresh(doc: vscode.TextDocument): Promise<void>;
  /** Analyse every open document again, in full (e.g. after a setting changed). */
  refreshAll(): void;
  /**
   * PG Lens changed the database's catalog (an index created or dropped, a table analysed): the rules' catalog facts
   * are read again and every open document analysed again with them.
   */
  catalogChanged(opts?: { rescan?: boolean }): void;
  /** Fired by catalogChanged (the cost CodeLens reads its figures again: an index change starts a new period). */
  readonly onDidChangeCatalog: vscode.Event<void>;
  /**
   * Source files changed on disk while not open in the editor (a checkout, another editor, a script), path → deleted: the
   * workspace-change source (vscode/workspaceChanges.ts), one batch per burst.
   */
  readonly onDidChangeOnDisk: vscode.Event<ReadonlyMap<string, boolean>>;
  /**
   * The workspace's cross-file index was read (the background build, or a workspace scan's): what it answers
   * (sequelizeMixins, loopCallers) may have changed — a recording read back after a reload was summarised before it.
   */
  readonly onDidReadIndex: vscode.Event<void>;
}

/** A scan result's findings, with the file's path and the hash of the text they were made from (kept across a reload). */
interface ScanKept {
  path: string;
  hash?: string;
  findings: readonly Finding[];
}

export class DocumentAnalysis implements DocumentAnalysisApi, vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('pg-lens');
  /** Open documents: the version their diagnostics belong to. */
  private readonly live = new Map<string, number>();
  /** Files shown from the workspace scan (not open). */
  private readonly scanned = new Set<string>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Documents whose pending run is a full one (open, save, settings), not only an edit. */
  private readonly full = new Set<string>();
  private readonly plugged: Analyzer[] = [];
  /** Plugged analyzers whose findings outlive the document (register's outlivesDocument). */
  private readonly outliving = new Set<Analyzer>();
  private readonly subs: vscode.Disposable[] = [];
  /** The documents given the 'sql' language once (the user may set another afterwards: it is not given again). */
  private readonly languageGiven = new Set<string>();

  /** A `.psql`/`.pgsql` script that opened as plain text opens as SQL (core/languages/registry sqlLanguageFor). */
  private giveSqlLanguage(d: vscode.TextDocument): void {
    const key = d.uri.toString();
    if (this.languageGiven.has(key)) return;
    const associations = Object.keys(vscode.workspace.getConfiguration('files').get<Record<string, string>>('associations') ?? {});
    const to = sqlLanguageFor(d.languageId, d.uri.path, associations);
    if (!to) return;
    this.languageGiven.add(key);
    void vscode.languages.setTextDocumentLanguage(d, to).then(undefined, () => undefined);
  }
  private evidence: { key: unknown; source: EvidenceSource } | undefined;
  private readonly catalogEvents = new vscode.EventEmitter<void>();
  readonly onDidChangeCatalog = this.catalogEvents.event;
  private readonly indexEvents = new vscode.EventEmitter<void>();
  readonly onDidReadIndex = this.indexEvents.event;

  constructor(private readonly ctx: Omit<PgLensContext, 'analysis'>) {
    registerFindingActions(ctx.extension, ctx.sites);
    // A .psql/.pgsql script open before PG Lens started (each one that opens later: onDidOpenTextDocument).
    for (const d of vscode.workspace.textDocuments) this.giveSqlLanguage(d);
    this.subs.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => {
        this.closedTabs.forget(d.uri.toString());
        this.giveSqlLanguage(d);
        this.schedule(d, 0);
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        // Saved: its file is on disk again (followGone).
        this.goneOnDisk.delete(d.uri.toString());
        this.schedule(d, 0);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length) this.schedule(e.document, DEBOUNCE_MS, true);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        const key = d.uri.toString();
        clearTimeout(this.timers.get(key));
        this.timers.delete(key);
        this.full.delete(key);
        this.closedTabs.forget(key);
        if (!this.live.delete(key)) return;
        // After Scan Workspace the Problems panel holds the whole workspace: a file opened and closed again keeps
        // the findings of its saved text (it lost them all: 11 problems after the scan, 4 after opening and
        // closing two files). Without a scan, a closed file's findings go, as before.
        // A recording's findings belong to the recording, not to the open document: they stay after it closes.
        if ((this.scanRan || this.outliving.size) && d.uri.scheme === 'file') void this.rescanClosed(d.uri);
        else this.collection.delete(d.uri);
      }),
      // A read-only document's findings (a statement from Top statements) go with its last tab: VS Code keeps the closed
      // document for minutes, and its findings stayed in the Problems panel meanwhile.
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        // A file whose last tab closed (VS Code still holds it): checked again, never decided again, until shown (ClosedTabs).
        const texts = (tabs: readonly vscode.Tab[]) => tabs.flatMap((t) => (t.input instanceof vscode.TabInputText ? [t.input.uri.toString()] : []));
        const shown = shownTextUris();
        this.closedTabs.tabsClosed(texts(e.closed), shown);
        // A background tab closed before its document was ever loaded (no close event): its findings go as a closed
        // file's would, or are checked again as one when a scan ran or a recording holds findings.
        for (const key of texts(e.closed)) {
          const uri = vscode.Uri.parse(key);
          if (shown.has(key) || uri.scheme !== 'file' || this.isOpen(key)) continue;
          if (this.scanRan || this.outliving.size) this.refreshClosed(uri);
          else this.collection.delete(uri);
        }
        for (const key of this.closedTabs.tabsShown(texts([...e.opened, ...e.changed]))) {
          const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
          if (doc) this.schedule(doc, 0);
        }
        for (const uri of closedReadOnly(e)) {
          this.live.delete(uri.toString());
          this.collection.delete(uri);
        }
        // Shown again while VS Code still holds it (no open event): analysed again.
        for (const t of e.opened) {
          if (!(t.input instanceof vscode.TabInputText) || t.input.uri.scheme !== READ_ONLY_SCHEME) continue;
          const uri = t.input.uri.toString();
          const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
          if (doc && !this.live.has(uri)) this.schedule(doc, 0);
        }
      }),
      // The document the person turns to starts if it waits (the queue asks the ranks again).
      vscode.window.onDidChangeActiveTextEditor(() => this.queue.pump()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.queue.pump()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('pgLens.rules') || e.affectsConfiguration('pgLens.index') || e.affectsConfiguration('pgLens.maxFileSizeKb')) this.refreshAll();
      }),
      ctx.connections.onDidChange(() => {
        this.evidence?.source.dispose?.();
        this.evidence = undefined;
        // Another profile's rights (findingsIdentity: environment, role, database), not a reconnect: the documents whose
        // tab closed are decided once more, with them (person32 M1); a reconnect only checks them (ClosedTabs).
        const now = ctx.connections.current?.profile;
        if (now) {
          const id = findingsIdentity(now);
          if (this.rightsIdentity !== undefined && id !== this.rightsIdentity) this.closedTabs.rightsChanged();
          this.rightsIdentity = id;
        }
        this.refreshAll();
        // Files shown from the scan (not open) hold findings weighed against the database of the scan: another database
        // (Select Connection, a removed profile) gets them checked again. Seen in the hour: after switching to a database
        // without the shop's tables, "Seq Scan on orders (32k rows)…" stayed in the Problems panel for unopened files.
        // The same with another role or environment on one database (findingsIdentity): back from a production profile
        // the files it had checked kept its "(not verified)" advice where development proves it (person32 M1).
        // Once the connection settles (Select then Disconnect is two changes in a second): the last one decides.
        clearTimeout(this.rescanTimer);
        this.rescanTimer = setTimeout(() => {
          const c = ctx.connections.current?.profile;
          const target = c ? findingsIdentity(c) : '';
          if (target === this.scanTarget) return;
          this.scanTarget = target;
          // The scan again, against this database (its cross-file decision is the scan's; checking the closed files one by
          // one brought back only some of the index findings). Nothing to do when no scan ran or none of its files is shown.
          // A quiet scan still running for an earlier change stops for this one.
          if (this.scanRan && this.scanned.size) void vscode.commands.executeCommand('pgLens.scanWorkspace', { quiet: true });
        }, CONNECTION_SETTLE_MS);
      }),
      // Files changed on disk while not open (another tool, a checkout, a new or deleted file): the cross-file index
      // follows them, so it stays what a scan would read now.
      ...this.followWorkspaceFiles(),
      { dispose: () => [...this.timers.values(), ...this.closedTimers.values(), this.rescanTimer].forEach((t) => clearTimeout(t)) },
    );
    this.refreshAll();
  }

  register(analyzer: Analyzer, opts: { outlivesDocument?: boolean } = {}): vscode.Disposable {
    this.plugged.push(analyzer);
    if (opts.outlivesDocument) this.outliving.add(analyzer);
    this.refreshAll();
    return {
      dispose: () => {
        this.plugged.splice(this.plugged.indexOf(analyzer) >>> 0, 1);
        this.outliving.delete(analyzer);
      },
    };
  }

  loopCallers(file: string, line: number): { file: string; span: { start: number; end: number } }[] {
    return this.workspaceIndex?.loopCallers(file, line) ?? [];
  }

  sequelizeMixins(name: string): SequelizeMixin[] {
    // Asked before the index is read (a recording read back after a reload with no file open: person48 L-e), it is read
    // now, in the background; onDidReadIndex tells when.
    if (!this.workspaceIndex) this.ensureIndex();
    return this.workspaceIndex?.sequelizeMixins(name) ?? [];
  }

  refreshClosed(uri: vscode.Uri, opts: { decide?: boolean } = {}): void {
    const key = uri.toString();
    if (uri.scheme !== 'file' || this.live.has(key) || vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) return;
    // A recording refreshes several times a second while the app runs: one check per file per burst.
    clearTimeout(this.closedTimers.get(key));
    if (opts.decide) this.closedDecide.add(key);
    this.closedTimers.set(key, setTimeout(() => {
      this.closedTimers.delete(key);
      const decide = this.closedDecide.delete(key);
      // A decision costs database round trips: it takes its turn in the queue, behind the documents shown (rank 2).
      void (decide ? this.queue.run(key, () => this.rescanClosed(uri, { decide })) : this.rescanClosed(uri, { decide }));
    }, CLOSED_DEBOUNCE_MS));
  }

  adviceForgotten(): void {
    this.closedTabs.adviceForgotten();
  }

  private readonly closedTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Closed files whose next check decides their index advice again (refreshClosed `decide`). */
  private readonly closedDecide = new Set<string>();

  private async evidenceSource(): Promise<EvidenceSource | undefined> {
    const conn = this.ctx.connections.current;
    if (!conn || conn.db.isClosed) return undefined;
    if (this.evidence?.key !== conn.db) {
      this.evidence?.source.dispose?.();
      const { DbEvidence } = await import('../db/ruleEvidence');
      this.evidence = { key: conn.db, source: new DbEvidence(conn.db, { log: (m) => this.ctx.log.warn(m) }) };
    }
    return this.evidence.source;
  }

  private project: Promise<DialectVerdict | undefined> | undefined;
  private declared: Promise<DeclaredIndexes | undefined> | undefined;

  /** The workspace's cross-file index: the last finished scan's (scanFinished), else the one built in the background (ensureIndex). */
  private workspaceIndex: CrossFileCalls | undefined;
  /** Files changed on disk, not yet read into the cross-file index (path → deleted), and the timer that reads them. */
  private readonly diskChanges = new Map<string, boolean>();
  /** Changes seen before the cross-file index was there, read into it with the next batch. */
  private readonly diskPending = new Map<string, boolean>();
  private readonly diskEvents = new vscode.EventEmitter<ReadonlyMap<string, boolean>>();
  readonly onDidChangeOnDisk = this.diskEvents.event;

  /** Source files changed on disk (vscode/workspaceChanges.ts: the workspace's one watcher, one batch per burst). */
  private followWorkspaceFiles(): vscode.Disposable[] {
    const batch = (changes: readonly WorkspaceChange[]) => {
      // A closed file shown from the scan renamed or moved on disk: read under its new name as the scan reads a file
      // (rescanClosed), its findings back within seconds (person36 L3: gone until the next Scan Workspace). Asked before
      // followGone forgets the old name.
      const sources = changes.filter((c) => c.kind === 'source');
      const replacing = replacingFiles(sources.map((c) => ({ path: c.uri.toString(), change: c.change })), (key) => this.scanned.has(key));
      for (const c of changes) {
        if (c.kind === 'source') this.followGone(c);
        // An open document is the editor's: its analysis tells what it holds. Kept while the cross-file index is being
        // built too (a file the walk already passed), and for the index advice's reading of the workspace (onDidChangeOnDisk).
        if (c.kind !== 'source' || vscode.workspace.textDocuments.some((d) => d.uri.toString() === c.uri.toString())) continue;
        this.diskChanges.set(c.uri.fsPath, c.change === 'deleted');
      }
      for (const key of replacing) if (!this.isOpen(key)) void this.rescanClosed(vscode.Uri.parse(key));
      void this.readDiskChanges().catch((e) => this.ctx.log.info(`could not read the files changed on disk: ${errorMessage(e)}`));
    };
    return [this.diskEvents, this.ctx.workspaceChanges.onDidChange(batch)];
  }

  /**
   * A source file deleted (or renamed) on disk: its findings go, open or not, and an open document of it shows none until
   * the file is back (saved, created again). Person32 L3: after `mv other/inventory.py other/stock.py` the open tab kept
   * its findings under the old path, and after Scan Workspace the same finding was listed under both names.
   */
  private followGone(c: WorkspaceChange): void {
    const key = c.uri.toString();
    if (c.change === 'deleted') {
      this.goneOnDisk.add(key);
      this.unsetScanned(key);
      this.shown.delete(key);
      this.collection.delete(c.uri);
      return;
    }
    if (!this.goneOnDisk.delete(key)) return;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key && !d.isClosed);
    if (doc) this.schedule(doc, 0, true);
  }

  /** Files deleted on disk whose documents may still be open (followGone): no findings are shown for them. */
  private readonly goneOnDisk = new Set<string>();

  private async readDiskChanges(): Promise<void> {
    if (this.disposed || !this.diskChanges.size) return;
    const batch = [...this.diskChanges];
    this.diskChanges.clear();
    this.diskEvents.fire(new Map(batch));
    const index = this.workspaceIndex;
    if (!index) {
      // Read once the index is there (being built, or a scan ran): the next batch carries them.
      if (this.indexBuild || this.scanRan) for (const [f, deleted] of batch) this.diskPending.set(f, deleted);
      return;
    }
    for (const [f, deleted] of batch) this.diskPending.set(f, deleted);
    batch.splice(0, batch.length, ...this.diskPending);
    this.diskPending.clear();
    const [{ reindexFile }, { readSourceText }] = await Promise.all([loadEngine(), import('../node/walk')]);
    let any = false;
    // Dependency and build folders (node_modules, .git, dist…) never come: the change source leaves them out.
    for (const [file, deleted] of batch) {
      const text = deleted ? undefined : await readSourceText(file, this.ctx.config.maxFileSizeKb * 1024);
      if (await reindexFile(index, file, text)) any = true;
    }
    // The open files' cross-file findings, judged again (an edit's run: no new database round trips).
    if (any && index === this.workspaceIndex) await Promise.all(vscode.workspace.textDocuments.filter((d) => analysable(d) && !d.isClosed).map((d) => this.refresh(d, true)));
  }

  /** The background build of the cross-file index, once per window (ensureIndex). */
  private indexBuild: Promise<void> | undefined;
  private disposed = false;

  /**
   * An open file's cross-file N+1s before any Scan Workspace (person10 N24: dependent-features-service.ts showed nothing
   * where the scan reported the loop calling a method that reaches the store in another file): the workspace's files are
   * read once, in the background, into the same cross-file index a scan fills (core indexWorkspace over the scan's file
   * walk), and the open documents are analysed again against it. A scan that finishes first wins (its index is used, this
   * build stops); open files' edits replace their own facts in either index (the live run).
   */
  private ensureIndex(): void {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (this.indexBuild || this.workspaceIndex || !folders.length) return;
    // Said while it runs (person11 Q7: 164 s on Unleash under load with nothing shown, the status bar at 0 warnings): an
    // item with the count read so far, whose tooltip says the cross-file findings are pending until it ends.
    const item = vscode.window.createStatusBarItem('pgLens.crossFileIndex', vscode.StatusBarAlignment.Left, 49);
    item.name = 'PG Lens: cross-file N+1s';
    this.indexBuild = (async () => {
      const started = Date.now();
      const [{ indexWorkspace, crossFileReadText, CrossFileCalls }, { workspaceInputs, workspaceFilePaths }] = await Promise.all([loadEngine(), import('./scanWorkspace')]);
      const index = new CrossFileCalls();
      // A workspace scan started meanwhile fills its own index (the same files): this build gives way.
      const scans = this.scansStarted;
      const stop = () => this.disposed || this.workspaceIndex !== undefined || this.scansStarted !== scans;
      const total = await workspaceFilePaths(this.ctx, folders).then((p) => p.length, () => undefined);
      let shownAt = 0;
      const show = (read: number) => {
        const t = crossFileReadText(read, total);
        item.text = `$(sync~spin) ${t.status}`;
        item.tooltip = t.tooltip;
        shownAt = Date.now();
      };
      show(0);
      item.show();
      // At most a few renders a second (Unleash: 6,000 files).
      const r = await indexWorkspace(workspaceInputs(this.ctx, folders), index, { isCancelled: stop, onError: (f, m) => this.ctx.log.warn(`cross-file index: ${f}: ${m}`), onFile: (n) => Date.now() - shownAt >= 250 && show(n) });
      item.dispose();
      if (r.cancelled || stop()) {
        // Another try on the next analysis when the scan that stopped it did not finish (cancelled).
        this.indexBuild = undefined;
        return;
      }
      this.ctx.log.info(`cross-file index: ${r.files} files read in ${((Date.now() - started) / 1000).toFixed(1)} s (calls in loops to other files' functions are judged against it until a workspace scan runs)`);
      this.workspaceIndex = index;
      await this.readDiskChanges();
      this.indexEvents.fire();
      await Promise.all(vscode.workspace.textDocuments.filter((d) => analysable(d) && !d.isClosed).map((d) => this.refresh(d)));
    })().catch((e) => this.ctx.log.warn(`cross-file index: ${errorMessage(e)}`)).finally(() => item.dispose());
  }

  async scanFinished(index: CrossFileCalls): Promise<void> {
    this.workspaceIndex = index;
    await this.readDiskChanges();
    this.indexEvents.fire();
    await Promise.all(vscode.workspace.textDocuments.filter((d) => (analysable(d) || this.live.has(d.uri.toString())) && !d.isClosed).map((d) => this.refresh(d)));
  }

  /** `served`: false for a file of another folder with its own connection (multi-root): its rules get no evidence from this database. */
  async analyzers(opts: { scanIndex?: CrossFileCalls; served?: boolean } = {}): Promise<Analyzer[]> {
    const { codeAnalyzers } = await loadEngine();
    let evidence: EvidenceSource | undefined;
    try {
      evidence = opts.served === false ? undefined : await this.evidenceSource();
    } catch (e) {
      this.ctx.log.warn(`Rules without database evidence: ${errorMessage(e)}`);
    }
    // The workspace's database from its configuration (read once): no PostgreSQL advice for another dialect.
    this.project ??= import('../node/projectConfig').then((m) => m.readProjectDialect((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath))).catch(() => undefined);
    const project = await this.project;
    // Without a database: the expression indexes the workspace's own .sql files create (read once).
    this.declared ??= evidence ? undefined : import('../node/projectConfig').then((m) => m.readDeclaredIndexes((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath))).catch(() => undefined);
    const declared = evidence ? undefined : await this.declared;
    const workspace = opts.scanIndex ? { index: opts.scanIndex, live: false } : this.workspaceIndex ? { index: this.workspaceIndex, live: true } : undefined;
    // Connected: rows per parent (pg_stats) decide an N+1 over one parent's children — a warning when many, info when few.
    const conn = evidence ? this.ctx.connections.current : undefined;
    const perParent = conn && !conn.db.isClosed
      ? { source: (await import('../db/perParent')).perParentSource(conn.db), threshold: Math.max(1, this.ctx.config.get<number>('nPlusOne.manyPerParent', 10)), onError: (m: string) => this.ctx.log.warn(`N+1: ${m}`) }
      : undefined;
    // The recording's (outliving) last: its missing-index findings read the advice the index advisor made in this same pass
    // (one statement, one index: person45 H1).
    return [...codeAnalyzers({ project, declared, evidence, workspace, perParent, onRuleError: (id, e) => this.ctx.log.warn(`rule ${id}: ${errorMessage(e)}`) }), ...this.plugged.filter((a) => !this.outliving.has(a)), ...this.plugged.filter((a) => this.outliving.has(a))];
  }

  refreshAll(): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
    this.refreshBackgroundTabs();
  }

  /**
   * The files shown in tabs whose documents VS Code has not loaded (background tabs after the window reopened: only the
   * visible editors' documents are loaded, the others when focused): analysed from their files as an open document of
   * theirs would be (modeOf `inTab`), so every open tab's findings are in the Problems panel after a reload, not only
   * the recorded ones (person38 L6). Decided, as an open document's full run is: a check alone reads the index advice
   * decisions of this window already made, and after a reload there are none for a statement nobody recorded (person40
   * H1: queries/reports.sql's two missing-index problems did not come back until its tab was clicked, while the TS tabs'
   * recorded ones did).
   */
  private refreshBackgroundTabs(): void {
    const loaded = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    for (const key of shownTextUris()) {
      if (loaded.has(key)) continue;
      const uri = vscode.Uri.parse(key);
      if (uri.scheme === 'file') this.refreshClosed(uri, { decide: true });
    }
  }

  catalogChanged(opts: { rescan?: boolean } = {}): void {
    // A new evidence source reads the catalog afresh; a run that began with the old one shows nothing (its facts are stale).
    this.evidence?.source.dispose?.();
    this.evidence = undefined;
    this.generation++;
    this.refreshAll();
    this.catalogEvents.fire();
    // `rescan`: an index now exists (Create index now, a migration that ran): the files shown from the last scan (not open)
    // hold missing-index findings decided without it (issue 20 MEDIUM 9) — the quiet scan again, as after a connection change.
    if (opts.rescan && this.scanRan && this.scanned.size) void vscode.commands.executeCommand('pgLens.scanWorkspace', { quiet: true });
  }

  /** Documents whose last tab closed while VS Code holds them: checked, not decided (core/closedTabs.ts). */
  private readonly closedTabs = new ClosedTabs();

  /** Counts catalog changes: a run's findings are shown only if no change came while it ran. */
  private generation = 0;

  private schedule(doc: vscode.TextDocument, delay: number, editing = false): void {
    if (!analysable(doc) && this.modeOf(doc.uri, true) === 'none') return;
    const key = doc.uri.toString();
    if (!editing) this.full.add(key);
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      const full = this.full.delete(key);
      if (!doc.isClosed) void this.refresh(doc, !full);
    }, delay));
  }

  /**
   * What a file is analysed with (core analysisOf): an open document of a language PG Lens reads has its live analysis;
   * any other file — closed, or open without a live analysis of its own (a template) — is analysed as a closed file is.
   */
  private modeOf(uri: vscode.Uri, open: boolean): 'all' | 'outliving' | 'none' {
    if (uri.scheme !== 'file') return 'none';
    return analysisOf({ editorLanguage: false, open, readByScan: isSourceFile(uri.fsPath), inTab: !open && shownTextUris().has(uri.toString()) }, { scanRan: this.scanRan, outliving: this.outliving.size > 0 });
  }

  /**
   * An open document PG Lens has no live analysis for (a Django/Jinja/ERB/HTML template): analysed from its current text
   * as the file is when closed (rescanClosed), so a recording's N+1 in it follows its edits — an ignore comment written
   * into it silences it at once (person17: the squiggle stayed in genre_detail.html) — and it counts as open: a scan
   * leaves it to this analysis.
   */
  private async refreshOther(doc: vscode.TextDocument): Promise<void> {
    const mode = this.modeOf(doc.uri, true);
    if (mode === 'none') return;
    const version = doc.version;
    const generation = this.generation;
    const key = doc.uri.toString();
    try {
      const { analyzeFile } = await loadEngine();
      const text = doc.getText();
      const analyzers = mode === 'all' ? await this.analyzers() : [...this.outliving];
      const tooBig = text.length > this.ctx.config.maxFileSizeKb * 1024;
      const r = tooBig ? undefined : await analyzeFile(
        { path: doc.uri.fsPath, contextPath: contextPathOf(doc.uri), text, editing: true, isCancelled: () => doc.isClosed || doc.version !== version },
        { analyzers, severity: this.ctx.config.rulesSeverity, ...(mode === 'outliving' ? { extract: async () => ({ sites: [] }) } : {}), onError: (_f, m) => this.ctx.log.warn(`${vscode.workspace.asRelativePath(doc.uri)}: ${m}`) },
      );
      if (doc.isClosed || doc.version !== version || generation !== this.generation) return;
      const findings = r?.findings ?? [];
      // Nothing to say of a file that showed nothing (a settings file, a README): it is left alone.
      if (!findings.length && !this.live.has(key) && !this.collection.has(doc.uri)) return;
      this.show(doc, key, version, findings);
    } catch (e) {
      this.ctx.log.warn(`Analysis failed on ${doc.uri.fsPath}: ${errorMessage(e)}`);
    }
  }

  /**
   * Full runs (they cost database round trips) take their turn in the queue: the active editor's document at once, the
   * visible ones before the rest, two at a time (issue 20, person32 H1: a generated file opened first kept every file
   * without advice). An edit's run reuses what is known and runs at once.
   */
  private readonly queue = new AnalysisQueue(rankOf, ANALYSIS_SLOTS);

  async refresh(doc: vscode.TextDocument, editing = false): Promise<void> {
    if (!analysable(doc)) return this.refreshOther(doc);
    if (editing) return this.refreshNow(doc, true);
    return this.queue.run(doc.uri.toString(), () => this.refreshNow(doc, false));
  }

  private async refreshNow(doc: vscode.TextDocument, editing: boolean): Promise<void> {
    if (doc.isClosed) return;
    const version = doc.version;
    const generation = this.generation;
    const key = doc.uri.toString();
    // A document whose last tab closed: its findings checked with the advice decided before, nothing decided (person31 H2:
    // a reconnect decided a closed 3,000-statement file again); decided when a tab shows it again.
    if (this.closedTabs.run(key, !editing, shownTextUris()) === 'check') editing = true;
    try {
      const { analyzeFile } = await loadEngine();
      const text = doc.getText();
      if (text.length > this.ctx.config.maxFileSizeKb * 1024) {
        this.show(doc, key, version, []);
        return;
      }
      const sites = await this.ctx.sites.sitesFor(doc);
      if (doc.isClosed || doc.version !== version) return;
      const r = await analyzeFile(
        { path: doc.uri.fsPath, contextPath: contextPathOf(doc.uri), text, languageId: isMapperDocument(doc.languageId, doc.uri.fsPath) ? undefined : doc.languageId, source: this.ctx.sites.sourceFor(doc), editing, isCancelled: () => doc.isClosed || doc.version !== version },
        { analyzers: await this.analyzers({ served: this.ctx.connections.serves(doc.uri) }), severity: this.ctx.config.rulesSeverity, extract: async () => ({ sites, unread: this.ctx.sites.unreadFor?.(doc) }), onError: (_f, m) => this.ctx.log.warn(`${vscode.workspace.asRelativePath(doc.uri)}: ${m}`) },
      );
      if (doc.isClosed || doc.version !== version || generation !== this.generation) return; // a newer run is scheduled
      this.show(doc, key, version, r.findings);
      if (!editing) this.closedTabs.decidedShown(key);
      if (doc.uri.scheme === 'file') this.ensureIndex();
    } catch (e) {
      this.ctx.log.warn(`Analysis failed on ${doc.uri.fsPath}: ${errorMessage(e)}`);
    }
  }

  private show(doc: vscode.TextDocument, key: string, version: number, findings: readonly Finding[]): void {
    const wasLive = this.live.get(key) === version && !this.scanned.has(key);
    this.live.set(key, version);
    this.unsetScanned(key);
    // Its file is gone from disk (followGone): an open buffer of a path that does not exist lists nothing.
    if (this.goneOnDisk.has(key)) {
      this.shown.delete(key);
      this.collection.delete(doc.uri);
      return;
    }
    // The same diagnostics on the same text: not published again (a publish cancels a Quick Fix under way; see findingsSignature).
    const signature = findingsSignature(findings);
    if (wasLive && this.shown.get(key) === signature && this.collection.has(doc.uri)) return;
    this.shown.set(key, signature);
    this.markRecorded(key, findings);
    this.collection.set(doc.uri, toDiagnostics(findings, (o) => doc.positionAt(o), doc.uri));
  }
  /** The findings last published for an open document (findingsSignature), at the version in `live`. */
  private readonly shown = new Map<string, string>();

  publishScan(uri: vscode.Uri, findings: readonly Finding[], positionAt: (offset: number) => vscode.Position, opts: { wholeScan?: boolean; text?: string } = {}): void {
    const key = uri.toString();
    if (this.isOpen(key)) return;
    this.scanShown.reach(key, opts);
    this.markRecorded(key, findings);
    if (!findings.length) {
      if (this.unsetScanned(key)) this.collection.delete(uri);
      return;
    }
    this.setScanned(key, uri, findings, opts.text);
    this.collection.set(uri, toDiagnostics(findings, positionAt, uri));
  }

  /**
   * The findings behind each scan result shown (files not open), with the hash of the text they were made from: kept across
   * a reload (scanStore.ts). Every change of `scanned` goes through setScanned / unsetScanned.
   */
  private readonly scanFindings = new Map<string, ScanKept>();
  private readonly scanResultEvents = new vscode.EventEmitter<void>();
  readonly onDidChangeScanResults = this.scanResultEvents.event;

  private setScanned(key: string, uri: vscode.Uri, findings: readonly Finding[], text: string | undefined): void {
    this.scanned.add(key);
    if (uri.scheme === 'file') this.scanFindings.set(key, { path: uri.fsPath, ...(text !== undefined ? { hash: shortHash(text) } : {}), findings });
    this.scanResultEvents.fire();
  }

  private unsetScanned(key: string): boolean {
    const had = this.scanned.delete(key);
    if (this.scanFindings.delete(key) || had) this.scanResultEvents.fire();
    return had;
  }

  scanResults(): { ran: boolean; target: string; files: { path: string; hash?: string; findings: readonly Finding[] }[] } {
    const files = [...this.scanned].flatMap((key) => {
      const k = this.scanFindings.get(key);
      return k && !this.isOpen(key) ? [k] : [];
    });
    return { ran: this.scanRan, target: this.scanTarget ?? '', files };
  }

  showKeptScan(files: readonly { uri: vscode.Uri; text: string; findings: readonly Finding[] }[], opts: { target: string; changed: readonly vscode.Uri[] }): number {
    if (this.disposed) return 0;
    const before = this.scanTarget;
    // A scan in this window (or its results shown since the reload) is newer: nothing kept is shown over it.
    if (this.scansStarted) return 0;
    this.scanRan = true;
    let shown = 0;
    for (const f of files) {
      const key = f.uri.toString();
      // Open, or analysed since the window opened (a background tab): its own analysis is newer (one finding each).
      if (this.isOpen(key) || this.scanned.has(key) || this.rescans.has(key)) continue;
      this.markRecorded(key, f.findings);
      this.setScanned(key, f.uri, f.findings, f.text);
      this.collection.set(f.uri, toDiagnostics(f.findings, positionsOf(f.text), f.uri));
      shown++;
    }
    for (const uri of opts.changed) this.refreshClosed(uri);
    // Weighed against another database than the one in use once the connection settled: the quiet scan, as after a change.
    if (before === undefined) this.scanTarget = opts.target;
    else if (before !== opts.target && this.scanned.size) void vscode.commands.executeCommand('pgLens.scanWorkspace', { quiet: true });
    return shown;
  }

  /** Files whose findings shown now include a recording's (a scan that does not read them leaves those). */
  private readonly recordedShown = new Set<string>();

  private markRecorded(key: string, findings: readonly Finding[]): void {
    if (hasRecorded(findings)) this.recordedShown.add(key);
    else this.recordedShown.delete(key);
  }

  startScan(): void {
    this.scanRan = true;
    this.scansStarted++;
    const c = this.ctx.connections.current?.profile;
    this.scanTarget = c ? findingsIdentity(c) : '';
    // Not cleared: a scan cut short would leave only what it re-made (person16's app: 52 warnings → 4 after a cancelled rescan).
    this.scanShown.start([...this.scanned].map((key) => [key, { diags: this.collection.get(vscode.Uri.parse(key)) ?? [], kept: this.scanFindings.get(key) }] as const), (key) => this.recordedShown.has(key));
  }

  endScan(opts: { finished: boolean }): number {
    const { restore, drop, recheck } = this.scanShown.end(opts);
    // The window is going away (Reload Window stops the scan): its diagnostics collection is gone with it.
    if (this.disposed) return 0;
    for (const key of drop) {
      if (this.isOpen(key)) continue;
      this.unsetScanned(key);
      this.recordedShown.delete(key);
      this.collection.delete(vscode.Uri.parse(key));
    }
    // Not read by the scan, with a recording's findings (a template): shown as they are until the recording's analyzers
    // have checked the file again — a scan replaces static findings only (person17 MEDIUM 6).
    for (const key of recheck) if (!this.isOpen(key)) void this.rescanClosed(vscode.Uri.parse(key), { outlivingOnly: true });
    let kept = 0;
    for (const [key, { diags, kept: findings }] of restore) {
      if (this.isOpen(key)) continue;
      kept++;
      this.scanned.add(key);
      if (findings) this.scanFindings.set(key, findings);
      this.scanResultEvents.fire();
      this.collection.set(vscode.Uri.parse(key), diags);
    }
    return kept;
  }

  /** An open document (analysed live; scan results leave it alone). */
  private isOpen(key: string): boolean {
    return this.live.has(key) || vscode.workspace.textDocuments.some((d) => d.uri.toString() === key);
  }

  /** The scan results shown before the running scan, kept until it replaces them (startScan, publishScan, endScan). */
  private readonly scanShown = new ScanShown<{ diags: readonly vscode.Diagnostic[]; kept: ScanKept | undefined }>();

  /** A workspace scan ran in this window (startScan starts every scan). */
  private scanRan = false;
  /** Scans started in this window (a background index build gives way to one). */
  private scansStarted = 0;
  /** Checks of closed files under way: the latest per file (see rescanClosed). */
  private readonly rescans = new Map<string, number>();
  /** The database (host:port/database) the scan's findings of closed files were last weighed against. */
  private scanTarget: string | undefined;
  /** The findingsIdentity of the last connection in use (a Disconnect keeps it): a change is another profile's rights. */
  private rightsIdentity: string | undefined;
  private rescanTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * A file closed after a scan: its saved text analysed as the scan does, shown as a scan result. Without a scan, only
   * the analyzers whose findings outlive the document run (a recording's).
   */
  /**
   * `decide`: the index advice is decided again for the file's statements, as for an open file (not only what is known):
   * after Clear Recorded Queries the advice the recording weighed in on is forgotten, and a closed file shown from the
   * scan lost its missing-index findings until it was opened (person23 MEDIUM 3).
   */
  private async rescanClosed(uri: vscode.Uri, opts: { outlivingOnly?: boolean; decide?: boolean } = {}): Promise<void> {
    const key = uri.toString();
    // The latest check of a file wins: one against the previous database can finish after the one against the new.
    const gen = (this.rescans.get(key) ?? 0) + 1;
    this.rescans.set(key, gen);
    const stale = () => this.rescans.get(key) !== gen;
    try {
      const [{ analyzeFile }, { readSourceText }, { positionsOf }] = await Promise.all([loadEngine(), import('../node/walk'), import('./findingActions')]);
      const text = await readSourceText(uri.fsPath, this.ctx.config.maxFileSizeKb * 1024);
      // As the scan reads it (a file it reads, once a scan ran), else the recording's analyzers alone (core analysisOf).
      const mode = opts.outlivingOnly ? 'outliving' : this.modeOf(uri, false);
      const analyzers = mode === 'all' ? await this.analyzers() : mode === 'outliving' ? [...this.outliving] : [];
      const r = text === undefined || !analyzers.length ? undefined : await analyzeFile({ path: uri.fsPath, contextPath: contextPathOf(uri), text, editing: !opts.decide }, { analyzers, severity: this.ctx.config.rulesSeverity, onError: (_f, m) => this.ctx.log.warn(`${vscode.workspace.asRelativePath(uri)}: ${m}`) });
      if (stale() || this.isOpen(key)) return; // checked again, or opened, meanwhile
      // Shown anew: a scan running now does not give back its previous result for this file.
      this.scanShown.reach(key);
      this.markRecorded(key, r?.findings ?? []);
      if (!r || text === undefined || !r.findings.length) {
        this.unsetScanned(key);
        this.collection.delete(uri);
        return;
      }
      this.setScanned(key, uri, r.findings, text);
      this.collection.set(uri, toDiagnostics(r.findings, positionsOf(text), uri));
    } catch (e) {
      this.ctx.log.warn(`Analysis failed on ${uri.fsPath}: ${errorMessage(e)}`);
      if (!stale() && !this.live.has(key)) this.collection.delete(uri);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.subs.forEach((s) => s.dispose());
    this.catalogEvents.dispose();
    this.indexEvents.dispose();
    this.scanResultEvents.dispose();
  }
}
