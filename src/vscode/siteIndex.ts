/**
 * The SQL sites of open documents, cached per document version. Everything in the editor that needs
 * "the SQL in this file" or "the SQL under the cursor" asks here.
 *
 * - Sites are computed only for documents someone asked about, and again only when that document
 *   changed (its version), debounced while the user types; onDidChange fires after a recompute.
 * - Extraction runs in slices (tree-sitter yields to the event loop), so a large file never blocks
 *   the extension host; files over pgLens.maxFileSizeKb are not analysed.
 * - The document version's tree-sitter tree is kept with its sites (sourceFor) so the analyses of
 *   that version (N+1 detection) read the same tree: one parse per document version.
 * - Tree-sitter's WASM files come from the extension's dist/wasm folder.
 */
import * as vscode from 'vscode';
import type { MapperFragments } from '../core/languages/java/mybatis';
import type { SqlSite, UnreadSql } from '../core/extract/types';
import type { SourceTree } from '../core/syntax/treeSitter';
import type { SiteAtMode } from '../core/extract/siteAt';
import { readAsOf } from '../core/languages/registry';
import { recordedSite, type RecordedAtCursor } from '../core/record/atCursor';
import { countOf, distinctLabels } from '../core/format';
import { loadEngine, type Engine } from './loadEngine';

export interface SqlSiteProvider {
  sitesFor(doc: vscode.TextDocument): Promise<SqlSite[]>;
  /**
   * The site at `offset` (core/extract/siteAt): 'exact' (the hover) the innermost whose SQL or call holds it; 'line'
   * (commands on "the statement at the cursor": use statementAtCursor) also the one whose call or SQL is on the cursor's line.
   */
  siteAt(doc: vscode.TextDocument, offset: number, mode?: SiteAtMode): Promise<SqlSite | undefined>;
  /** The syntax tree of the document's current version (shared with its sites), when it has one. */
  sourceFor(doc: vscode.TextDocument): SourceTree | undefined;
  /** The strings of the document that look like SQL but could not be read, and why (after sitesFor). */
  unreadFor?(doc: vscode.TextDocument): UnreadSql[];
  /**
   * Where siteAt finds none: the string at `offset` that looks like SQL but that PostgreSQL cannot parse as written (a
   * typo), its span and the one line saying so (core/extract/siteAt unparsedAt).
   */
  unparsedAt?(doc: vscode.TextDocument, offset: number, mode?: SiteAtMode): Promise<{ span: { start: number; end: number }; line: string } | undefined>;
  /** Fires with the document's URI when its sites were recomputed. */
  readonly onDidChange: vscode.Event<vscode.Uri>;
}


const DEBOUNCE_MS = 300;

export class SqlSiteIndex implements SqlSiteProvider, vscode.Disposable {
  private readonly cache = new Map<string, { version: number; sites: Promise<SqlSite[]>; source?: SourceTree; unread?: UnreadSql[] }>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly options: { maxFileSizeKb?: () => number; log?: (message: string) => void } = {},
  ) {
    this.subs.push(
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri.toString())),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const key = e.document.uri.toString();
        if (!this.cache.has(key) || !e.contentChanges.length) return;
        // Recompute after the user pauses; sitesFor() in between computes on demand.
        clearTimeout(this.timers.get(key));
        this.timers.set(key, setTimeout(() => {
          this.timers.delete(key);
          if (!e.document.isClosed) void this.sitesFor(e.document);
        }, DEBOUNCE_MS));
      }),
    );
  }

  /** Extraction and tree-sitter are the analysis engine's (tree-sitter's WASM folder is given to it by loadEngine). */
  private loadCore(): Promise<Engine> {
    return loadEngine();
  }

  private fragments: Promise<MapperFragments | undefined> | undefined;

  private mapperFragments(): Promise<MapperFragments | undefined> {
    this.fragments ??= import('../node/projectConfig').then((m) => m.readMapperFragments((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath))).catch(() => undefined);
    return this.fragments;
  }

  private forget(key: string): void {
    this.cache.get(key)?.source?.dispose();
    this.cache.delete(key);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  sitesFor(doc: vscode.TextDocument): Promise<SqlSite[]> {
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === doc.version) return hit.sites;
    hit?.source?.dispose();
    const version = doc.version;
    const text = doc.getText();
    const id = readAsOf(doc.languageId) ? doc.languageId : doc.fileName;
    const entry: { version: number; sites: Promise<SqlSite[]>; source?: SourceTree; unread?: UnreadSql[] } = { version, sites: Promise.resolve([]) };
    entry.sites = (async () => {
      const core = await this.loadCore();
      const lang = core.extractLanguageOf(id);
      if (!lang) return [];
      const maxChars = (this.options.maxFileSizeKb?.() ?? 2048) * 1024;
      if (core.isTreeLanguage(lang) && text.length <= maxChars && this.cache.get(key) === entry) entry.source = new core.SourceTree(text, lang);
      // A mapper file may include another mapper's `<sql>` fragment: the workspace's fragments, read once.
      const mapperFragments = lang === 'mybatis' ? await this.mapperFragments() : undefined;
      const r = await core.extractSqlSitesDetailed(text, id, doc.uri.fsPath, { maxChars, source: entry.source, mapperFragments });
      if (r.reason) this.options.log?.(`SQL discovery in ${vscode.workspace.asRelativePath(doc.uri)}: ${r.reason}`);
      // Text that looks like SQL but could not be read: said in the log (and as a hint by the rules), never dropped silently.
      entry.unread = r.unread;
      for (const u of r.unread ?? []) this.options.log?.(`SQL discovery in ${vscode.workspace.asRelativePath(doc.uri)}:${doc.positionAt(u.span.start).line + 1}: looks like SQL but ${u.runTime || u.otherDatabase ? 'is ' : ''}${u.reason}: not analysed`);
      return r.sites;
    })().catch((e) => {
      this.options.log?.(`SQL discovery failed in ${doc.uri.fsPath}: ${String(e)}`);
      return [] as SqlSite[];
    });
    this.cache.set(key, entry);
    void entry.sites.then(() => {
      if (this.cache.get(key) === entry) this.emitter.fire(doc.uri);
      else entry.source?.dispose();
    });
    return entry.sites;
  }

  /** The strings of the document that look like SQL but could not be read (after sitesFor). */
  unreadFor(doc: vscode.TextDocument): UnreadSql[] {
    const hit = this.cache.get(doc.uri.toString());
    return hit && hit.version === doc.version ? (hit.unread ?? []) : [];
  }

  sourceFor(doc: vscode.TextDocument): SourceTree | undefined {
    const hit = this.cache.get(doc.uri.toString());
    return hit && hit.version === doc.version ? hit.source : undefined;
  }

  async siteAt(doc: vscode.TextDocument, offset: number, mode: SiteAtMode = 'exact'): Promise<SqlSite | undefined> {
    const core = await this.loadCore();
    if (readAsOf(doc.languageId) === 'sql' || readAsOf(doc.fileName) === 'sql') {
      // In a script, "under the cursor" includes the blanks and the ; around a statement.
      return core.sqlStatementAt(doc.getText(), offset, doc.uri.fsPath);
    }
    // A known call's text that PostgreSQL cannot parse as written (a typo) is no statement to plan: unparsedAt says it.
    const site = core.siteAtOffset(doc.getText(), await this.sitesFor(doc), offset, mode);
    return site && core.typoOf(site) ? undefined : site;
  }

  async unparsedAt(doc: vscode.TextDocument, offset: number, mode: SiteAtMode = 'exact'): Promise<{ span: { start: number; end: number }; line: string } | undefined> {
    const sites = await this.sitesFor(doc);
    const core = await this.loadCore();
    const u = core.unparsedAt(doc.getText(), this.unreadFor(doc), offset, mode, sites);
    return u && { span: u.span, line: core.unparsedSqlLine(u, doc.positionAt(u.span.start).line + 1) };
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const e of this.cache.values()) e.source?.dispose();
    this.subs.forEach((s) => s.dispose());
    this.emitter.dispose();
  }
}

/** What the recording (captureRecording.ts) saw the code send, for the commands on the statement at the cursor. */
export interface RecordedLookup {
  /** The recorded statements of the call under `offset` (core/record/atCursor), most time first. */
  at(file: string, text: string, offset: number): RecordedAtCursor[];
  /** Statements recorded in all (0: nothing recorded, or cleared). */
  readonly statements: number;
}

let recorded: RecordedLookup | undefined;

/** The recording of this window says here what it holds (undefined when it goes). */
export function setRecordedLookup(r: RecordedLookup | undefined): void {
  recorded = r;
}

/**
 * statementAtCursor's answer when there is nothing more to say: the user dismissed the pick list of a line's recorded
 * statements, or the SQL on the line does not parse (said already).
 */
export const DISMISSED = 'dismissed';

/**
 * The statement a command acts on in an editor — Open Plan, Explain Analyze, Benchmark Query, Suggest Indexes and
 * Copy SQL all ask here: the selected text when there is a selection (and the command takes one), else the site on
 * the cursor's line (a call line counts as its statement's; never a statement on another line). See siteAtOffset.
 * With no SQL in the code there, the statements the recording saw the call under the cursor send (an ORM call holds
 * no SQL: person12 R7), as the recorded lens above it shows them; with several, the user picks one.
 */
export async function statementAtCursor(sites: SqlSiteProvider, editor: vscode.TextEditor, options: { selection?: boolean } = {}): Promise<SqlSite | typeof DISMISSED | undefined> {
  const doc = editor.document;
  if (options.selection && !editor.selection.isEmpty) {
    const text = doc.getText(editor.selection);
    const start = doc.offsetAt(editor.selection.start);
    // Several statements selected (a script): one of them, picked, as `pg-lens advise --file` takes each (person43 L4).
    const held = (await loadEngine()).sitesInSelection(await sites.sitesFor(doc), start, start + text.length);
    if (held.length > 1) {
      const pick = await vscode.window.showQuickPick(
        distinctLabels(held.map((s) => s.sql), 120).map((label, i) => ({ label, description: `line ${doc.positionAt(held[i].span.start).line + 1}`, s: held[i] })),
        { title: `PG Lens: the selection holds ${held.length} statements`, placeHolder: 'Choose the statement (or run Advise Indexes for the Workload for all of them)', matchOnDescription: true },
      );
      return pick ? pick.s : DISMISSED;
    }
    return { file: doc.uri.fsPath, language: 'sql', api: 'selection', sql: text, sourceMap: Array.from({ length: text.length }, (_, i) => start + i), span: { start, end: start + text.length }, params: [], confidence: 1, dynamic: false };
  }
  const offset = doc.offsetAt(editor.selection.active);
  const site = await sites.siteAt(doc, offset, 'line');
  // SQL on the line that PostgreSQL cannot parse as written (a typo): said, and no other text acted on — the statement the
  // recording saw this line send before the edit was opened instead (person45 M3).
  const broken = site ? undefined : await sites.unparsedAt?.(doc, offset, 'line');
  if (broken) {
    void vscode.window.showWarningMessage(`PG Lens: ${broken.line}`);
    return DISMISSED;
  }
  if (site || !recorded || isSqlFile(doc)) return site;
  const found = recorded.at(doc.uri.fsPath, doc.getText(), offset);
  if (!found.length) return undefined;
  let chosen = found[0];
  if (found.length > 1) {
    const pick = await vscode.window.showQuickPick(
      distinctLabels(found.map((r) => r.sql), 120).map((label, i) => ({ label, r: found[i] })).map(({ label, r }) => ({ label, description: `${r.calls}× · ${r.totalMs >= 10 ? r.totalMs.toFixed(0) : r.totalMs.toFixed(2)} ms recorded`, r })),
      { title: `PG Lens: ${found.length} statements recorded from line ${found[0].line}${found[0].via ? ` (via ${found[0].via})` : ''}`, placeHolder: 'Choose the statement', matchOnDescription: true },
    );
    if (!pick) return DISMISSED;
    chosen = pick.r;
  }
  const lineStart = doc.lineAt(chosen.line - 1).range.start;
  const start = doc.offsetAt(lineStart.translate(0, doc.lineAt(chosen.line - 1).firstNonWhitespaceCharacterIndex));
  const end = doc.offsetAt(doc.lineAt(chosen.line - 1).range.end);
  return recordedSite(chosen.sql, { file: doc.uri.fsPath, span: { start, end } });
}

function isSqlFile(doc: vscode.TextDocument): boolean {
  return readAsOf(doc.languageId) === 'sql' || readAsOf(doc.fileName) === 'sql';
}


/**
 * The one message when the cursor's line holds no statement: which line, what counts, and — in code — that SQL an ORM
 * or query builder composes at run time is known once the app runs it with a recording (N5: Copy SQL said only "no SQL").
 * When a recording exists but saw nothing from this line, it says so instead (person12 R7: "Start Recording" was said
 * under a recorded lens, for a call the recording had).
 */
export function noStatementAtCursor(editor: vscode.TextEditor | undefined, selection = true): string {
  if (!editor) return `PG Lens: open a file and put the cursor on a SQL statement${selection ? ' (or select one)' : ''}.`;
  const line = editor.selection.active.line + 1;
  const what = `PG Lens: no SQL statement on line ${line}: put the cursor on a statement's SQL or on its call${selection ? ', or select the SQL' : ''}.`;
  if (isSqlFile(editor.document)) return what;
  const held = recorded?.statements ?? 0;
  if (held) return `${what} The recording (${countOf(held, 'statement')}) saw no statement sent from this line: run the code on this line while recording (PG Lens: Start Recording), or put the cursor on a line with a recorded lens.`;
  return `${what} SQL an ORM or query builder composes at run time is known once the app runs it: PG Lens: Start Recording.`;
}
