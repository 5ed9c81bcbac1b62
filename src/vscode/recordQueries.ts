/**
 * Recording, in two parts that run together:
 *
 * 1. Capture (src/capture): PG Lens: Start Recording opens a local socket and adds the capture
 *    modules to integrated terminals (environment variable collection, as JavaScript auto-attach
 *    does) and to Node and Python debug launches. Each statement arrives with the line of the app's
 *    code that sent it and its unit of work; the same aggregation as `pg-lens record`
 *    (core/record) drives a CodeLens at each call site, a hover with the SQL as sent (plan and
 *    index advice on request), N+1 and missing-index diagnostics at the ORM call, and the
 *    Recorded Queries view (unit of work → call site → statement).
 *
 * 2. pg_stat_statements (when connected): snapshot, let the developer run the app or its tests, then
 * report the statements that ran very often with about one row per call (observed N+1), grouped
 * by the line of code that sends them: an output channel report and diagnostics (own collection).
 *
 * Sites come from the workspace's source files (SQL discovery and the N+1 detector's calls with
 * literal SQL); statements are matched by normalised text first, then by query id for the
 * flagged statements still unmatched (one EXPLAIN per candidate site, bounded).
 */
import * as vscode from 'vscode';
import type { PgLensContext } from './main';
import { loadEngine } from './loadEngine';
import type { ActiveConnection } from './connections';
import type { Snapshot } from '../db/queryStats';
import type { SqlSiteRef } from '../core/nplusone/observed';
import type { RecordSummary } from '../core/record/aggregate';
import { positionsOf, toDiagnostics } from './findingActions';
import { CaptureRecording } from './captureRecording';
import { errorMessage } from '../core/safeText';
import { languageFolderOf, readAsOf } from '../core/languages/registry';
import type { AppLanguages } from '../core/record/format';

const MAX_FILES = 3000;
const MAX_QUERY_ID_SITES = 300;

interface Recording {
  connection: ActiveConnection;
  before: Snapshot;
}

export function registerRecordQueries(ctx: PgLensContext): void {
  const capture = new CaptureRecording(ctx);
  ctx.recordedLensAt = (file, line) => capture.lensTitleAt(file, line);
  ctx.extension.subscriptions.push(capture);
  registerStatementRecording(ctx, capture);
}

function registerStatementRecording(ctx: PgLensContext, capture: CaptureRecording): void {
  const collection = vscode.languages.createDiagnosticCollection('pg-lens-n-plus-one-observed');
  const channel = vscode.window.createOutputChannel('PG Lens: Recorded Queries');
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  status.text = '$(record) pg_stat_statements';
  status.tooltip = 'PG Lens is recording pg_stat_statements. Click to stop and see repeated statements.';
  status.command = 'pgLens.stopRecording';
  let recording: Recording | undefined;
  let languages: AppLanguages | undefined;

  const start = async (): Promise<void> => {
    if (recording || capture.active) {
      void vscode.window.showInformationMessage('PG Lens is already recording queries. Run "Stop Recording Queries" to see the report.');
      return;
    }
    await capture.start();
    // Whether the values the app sends are captured (pgLens.record.values): said, as they may be personal data.
    const values = ctx.config.recordValues ? ' Parameter values are captured too (pgLens.record.values).' : '';
    const { recordingStartedText } = await loadEngine();
    // Which languages the workspace's app is written in: the capture records Node and Python only (person16: a Go app).
    languages = await workspaceLanguages(ctx);
    capture.languages = languages;
    // Terminals already open get no capture environment: said once, with how to fix it (person39 L1).
    const { terminalsNotRecordedText } = await import('../core/record/format');
    const before = terminalsNotRecordedText(vscode.window.terminals.map((t) => t.name), languages);
    if (before) {
      void vscode.window.showWarningMessage(`PG Lens: ${before}`, 'New Terminal').then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.action.terminal.new');
      });
    }
    // pg_stat_statements as well when a database is connected (statements from other languages and tools).
    const connection = await ctx.connections.get({ interactive: false });
    if (!connection) {
      recordingNotice(recordingStartedText(languages, false, values));
      return;
    }
    try {
      const { snapshotStatements } = await import('../db/queryStats');
      recording = { connection, before: await snapshotStatements(connection.db) };
      status.show();
      ctx.log.info(`Recording queries on ${connection.profile.name}`);
      recordingNotice(recordingStartedText(languages, true, values));
    } catch (e) {
      void vscode.window.showErrorMessage(`PG Lens: ${errorMessage(e)}`);
    }
  };

  /**
   * The "recording" notice lasts as long as the recording: a progress notification that ends when it stops (an
   * information message with a Stop button stayed on screen after the recording was stopped and cleared).
   */
  let endNotice: (() => void) | undefined;
  const recordingNotice = (title: string): void => {
    endNotice?.();
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_p, token) => new Promise<void>((resolve) => {
      endNotice = () => {
        endNotice = undefined;
        resolve();
      };
      token.onCancellationRequested(() => {
        endNotice?.();
        void vscode.commands.executeCommand('pgLens.stopRecording');
      });
    }));
  };

  // One Stop at a time: a second Stop while the first runs joins it (person17: the second one, at load 14–36, found the
  // capture already stopped and wrote a report without the recording — every statement "not matched to code" and
  // "no observed N+1 on the whole server" while the recording held 6).
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= stopNow().finally(() => (stopping = undefined)));
  const stopNow = async (): Promise<void> => {
    endNotice?.();
    const rec = recording;
    recording = undefined;
    status.hide();
    const captured = capture.active;
    if (captured) await capture.stop(!rec);
    if (!rec && captured) return capture.keptAfterStop;
    if (!rec) {
      void vscode.window.showInformationMessage('PG Lens is not recording queries. Run "PG Lens: Start Recording" first.');
      return;
    }
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'PG Lens: matching recorded queries to code', cancellable: false }, async (progress) => {
      try {
        const recorded = captured ? capture.recordedSummary : undefined;
        const report = await analyse(ctx, rec, recorded, (message) => progress.report({ message }));
        collection.clear();
        for (const [file, diags] of report.diagnostics) collection.set(vscode.Uri.file(file), diags);
        channel.clear();
        channel.appendLine(`Recorded ${report.window} on ${rec.connection.profile.name}.`);
        const { recordingStoppedText, recordText, otherLanguagesReportNote } = await loadEngine();
        const note = otherLanguagesReportNote(languages);
        if (note) channel.appendLine(note);
        // One run, one story (person10 N9): the recording's own figures first, then pg_stat_statements, said to be the server's.
        if (captured && recorded) channel.appendLine(`\nThe recording (apps started from VS Code's terminals and debug sessions):\n${recordText(recorded, relPath, undefined, languages, capture.silencedNPlusOnes(), capture.terminalsNotRecorded)}\n`);
        channel.appendLine(report.text);
        channel.show(true);
        const snap = capture.snapshot();
        void vscode.window.showInformationMessage(recordingStoppedText(captured ? { statements: snap.statements, nPlusOne: snap.nPlusOne.length - snap.silenced, silenced: snap.silenced, dropped: snap.dropped, afterStop: snap.afterStop, sitesUnknown: snap.sitesUnknown, terminals: snap.terminals } : undefined, { flagged: report.flagged, repeated: report.repeated, window: report.window }, languages));
      } catch (e) {
        void vscode.window.showErrorMessage(`PG Lens: ${errorMessage(e)}`);
      }
    });
    await capture.keptAfterStop;
  };

  // The report of a recording kept across a window reload, rebuilt from it (person12 R10: the Output showed empty after
  // the reload although the recording came back). Not shown by itself: it is there when the user opens it.
  const restoredReport = capture.onDidRestore(async ({ at, summary }) => {
    if (recording || capture.active) return;
    const { recordText } = await loadEngine();
    channel.clear();
    channel.appendLine(`Recorded before the window was reloaded (${new Date(at).toLocaleString()}), read back from this workspace's storage.`);
    channel.appendLine(`\nThe recording (apps started from VS Code's terminals and debug sessions):\n${recordText(summary, relPath, undefined, undefined, capture.silencedNPlusOnes())}\n`);
    channel.appendLine("pg_stat_statements' half of that run (the whole server's repeated statements) is not kept across a reload: record again to see it.");
  });

  ctx.extension.subscriptions.push(
    collection, channel, status, restoredReport,
    vscode.commands.registerCommand('pgLens.recordQueries', start),
    vscode.commands.registerCommand('pgLens.stopRecording', stop),
  );
}

/**
 * The languages of the workspace's source files (the language registry's folders, by extension; the same files and
 * excludes as the report's matching reads), for what Record Queries says it can record.
 */
async function workspaceLanguages(ctx: PgLensContext): Promise<AppLanguages | undefined> {
  try {
    const [{ appLanguages }, { workspaceFilePaths }] = await Promise.all([loadEngine(), import('./scanWorkspace')]);
    const paths = (await workspaceFilePaths(ctx, vscode.workspace.workspaceFolders ?? [])).slice(0, MAX_FILES);
    return appLanguages(paths.flatMap((p) => {
      const r = readAsOf(p);
      return r ? [languageFolderOf(r)] : [];
    }));
  } catch (e) {
    ctx.log.warn(`Record Queries: could not list the workspace's languages: ${errorMessage(e)}`);
    return undefined;
  }
}

/** A workspace path as the reports show it: relative to the first folder. */
function relPath(file: string): string {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return root && file.startsWith(root) ? file.slice(root.length + 1) : file;
}

async function analyse(ctx: PgLensContext, rec: Recording, recorded: RecordSummary | undefined, say: (message: string) => void = () => undefined): Promise<{ text: string; diagnostics: Map<string, vscode.Diagnostic[]>; flagged: number; repeated: number; window: string }> {
  const [{ snapshotStatements, diffSnapshots, QueryIdsByShape }, core, { loadPgParser, normalizeSql, fingerprintSql }] = await Promise.all([
    import('../db/queryStats'), loadEngine(), import('../core/sql/statement'),
  ]);
  const db = rec.connection.db;
  const after = await snapshotStatements(db);
  const delta = await diffSnapshots(db, rec.before, after);
  const seconds = Math.round((after.at.getTime() - rec.before.at.getTime()) / 1000);
  const window = `${seconds} s`;
  await loadPgParser();
  const { sites, texts } = await collectSites(ctx, say);
  let matches = core.matchStatements(delta, sites, normalizeSql);
  // Query ids for flagged statements that text did not match (ORMs format SQL their own way).
  const unmatched = matches.filter((m) => m.matchedBy === 'none' && core.isRepeatedSmall(m.statement));
  if (unmatched.length && rec.connection.info.versionNum >= 140000) {
    // One EXPLAIN per shape (statements differing only by constants share an id), not one per site; a site that is not one
    // valid statement (dynamic text) gets none.
    const ids = new QueryIdsByShape(db, rec.connection.info, { writes: true });
    for (const s of sites.slice(0, MAX_QUERY_ID_SITES)) s.queryId = await ids.of(s.sql);
    matches = core.matchStatements(delta, sites, normalizeSql);
  }
  // The statements the capture recorded, at the call sites it saw (ORM calls hold no SQL text to match).
  // A statement recorded with no line of the app's (a library's own work) is still the recording's, never "another client".
  const at = (recorded?.sites ?? []).flatMap((site) => site.statements.map((st) => ({ file: site.file && site.line ? site.file : undefined, line: site.file && site.line ? site.line : undefined, calls: st.calls, sql: st.sql })));
  matches = core.attachRecorded(matches, at, (sql) => fingerprintSql(sql.trim().replace(/;\s*$/, '')));
  const findings = core.observedFindings(matches, {}, `in ${window} of recording`);
  // Through the one suppression step (an N+1 ignored in the code stays ignored here too).
  const diagnostics = new Map<string, vscode.Diagnostic[]>();
  for (const [file, fs] of core.observedFindingsByFile(findings, texts, ctx.config.rulesSeverity)) diagnostics.set(file, toDiagnostics(fs, positionsOf(texts.get(file)!), vscode.Uri.file(file)));
  const text = core.observedReport(matches, {}, relPath);
  return { text, diagnostics, flagged: core.observedNPlusOnes(matches).length, repeated: matches.filter((m) => core.isRepeatedSmall(m.statement)).length, window };
}

/**
 * The SQL of the workspace: SQL discovery (extractSqlSites) plus the detector's literal-SQL calls (core
 * workspaceSqlSites: built bundles left out, one tree per file, the extension host given turns while it reads).
 */
async function collectSites(ctx: PgLensContext, say: (message: string) => void): Promise<{ sites: SqlSiteRef[]; texts: Map<string, string> }> {
  const [{ workspaceSqlSites }, { workspaceInputs, workspaceFilePaths }] = await Promise.all([loadEngine(), import('./scanWorkspace')]);
  const folders = vscode.workspace.workspaceFolders ?? [];
  const total = Math.min(MAX_FILES, (await workspaceFilePaths(ctx, folders)).length);
  // Said as it goes (what the notification waits for), at most a few times a second.
  let saidAt = 0;
  async function* files() {
    let i = 0;
    for await (const f of workspaceInputs(ctx, folders)) {
      if (i >= MAX_FILES) break;
      if (Date.now() - saidAt >= 250) {
        saidAt = Date.now();
        say(`reading the workspace's SQL: ${i} of ${total} files`);
      }
      i++;
      yield f;
    }
  }
  const r = await workspaceSqlSites(files(), { onError: (file, m) => ctx.log.warn(`Record Queries: skipped ${file}: ${m}`) });
  if (r.built) ctx.log.info(`Record Queries: ${r.built} minified or built files left out of matching`);
  return { sites: r.sites, texts: r.texts };
}
