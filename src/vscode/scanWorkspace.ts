/**
 * "PG Lens: Scan Workspace": every source file of the workspace folders (the Node-side walker the
 * CLI uses: .gitignore and pgLens.exclude in gitignore syntax, pgLens.maxFileSizeKb) through the
 * analyzers of the one analysis pipeline (analysis.ts), with progress and cancellation. Findings
 * of files that are not open go to the pipeline's diagnostics as scan results; open documents are
 * analysed live by the pipeline instead, so each finding shows once and follows edits.
 */
import * as vscode from 'vscode';
import type { FileInput } from '../core/scan';
import type { Finding, Severity } from '../core/findings';
import type { PgLensContext } from './main';
import { loadEngine } from './loadEngine';
import { positionsOf } from './findingActions';
import { errorMessage } from '../core/safeText';
import { walkthroughStepDone } from './walkthrough';
import { contextPathOf } from './workspaceChanges';
import { countOf } from '../core/format';

export function registerScanWorkspace(ctx: PgLensContext): void {
  // Texts of files that are not open, kept only between reading a file and publishing its diagnostics.
  const textCache = new Map<string, string>();
  /** The scan running now: whether it is quiet, how far it got, whether it was told to stop, and its end. */
  let running: ScanState | undefined;
  // A quiet scan (after a connection change) asked for while one runs: it runs once the current one ends (the last
  // change wins; person11 Q6: Select then Disconnect under load ran whole scans one after another, 20–48 s each). A
  // person's scan is never queued: it is said to be running, or it takes over a quiet one at once (person16 HIGH 1: a
  // Scan given while a scan ran started by itself minutes later, with no progress shown meanwhile).
  let pendingQuiet = false;
  // The extension host is going away (Reload Window, deactivate): the running scan stops and nothing starts
  // (person16 HIGH 1: the old host kept scanning after a reload until it was killed).
  let disposed = false;
  ctx.extension.subscriptions.push({
    dispose: () => {
      disposed = true;
      pendingQuiet = false;
      if (running) running.stop = true;
    },
  });

  /**
   * `{ quiet: true }`: the scan again after another database is selected — progress in the status bar, the summary in
   * the log only: a person who switched databases asked for no scan, and toasts of their own would hide the switch's.
   */
  const run = async (opts?: unknown): Promise<void> => {
    const quiet = !!opts && typeof opts === 'object' && (opts as { quiet?: unknown }).quiet === true;
    if (disposed) return;
    if (running) {
      const busy = running;
      if (quiet) {
        // The newer change wins: a quiet scan running stops, and the quiet scan runs again after it.
        pendingQuiet = true;
        if (busy.quiet) busy.stop = true;
        return;
      }
      if (busy.quiet) {
        // A person's scan takes over a quiet one: it is stopped (within seconds: cancellation is checked between
        // statements) and the person's scan starts now, with its progress shown from the first moment.
        busy.stop = true;
        pendingQuiet = false;
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'PG Lens: scanning the workspace', cancellable: false }, async (progress) => {
          progress.report({ message: 'stopping the background scan first…' });
          await busy.done;
        });
        if (running || disposed) return void say(running);
        return run();
      }
      return void say(busy);
    }
    await scan(quiet);
  };

  /** A person asked for a scan while one runs: what it is doing, and its progress shown (never a scan queued for later). */
  const say = async (busy: ScanState | undefined) => {
    if (!busy) return;
    if (busy.stop) {
      void vscode.window.showInformationMessage(`PG Lens: the cancelled workspace scan is still stopping (${countOf(busy.files, 'file')} read). Run Scan Workspace again once it has stopped.`);
      return;
    }
    const pick = await vscode.window.showInformationMessage(`PG Lens: a workspace scan is already running (${countOf(busy.files, 'file')} read${busy.current ? `, now ${busy.current}` : ''}).`, 'Show Progress');
    // The progress notification, hidden or collapsed: the notification list shows it.
    if (pick) await vscode.commands.executeCommand('notifications.showList');
  };

  const scan = async (quiet: boolean): Promise<void> => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (!folders.length) {
      void vscode.window.showInformationMessage('PG Lens: open a folder to scan.');
      return;
    }
    let finished!: () => void;
    const state: ScanState = { quiet, stop: false, files: 0, current: '', done: new Promise<void>((r) => (finished = r)) };
    running = state;
    const started = Date.now();
    if (!quiet) walkthroughStepDone('scanned');
    let summary: string;
    try {
      summary = await vscode.window.withProgress({ location: quiet ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification, title: 'PG Lens: scanning the workspace', cancellable: !quiet }, async (progress, token) => {
        const [{ scanFiles, countBySeverity, scanSummaryLine }, { readSourceText }] = await Promise.all([loadEngine(), import('../node/walk')]);
        // A command may connect (without asking for a password): a scan begun while the workspace's own connection was
        // still coming up ran with static rules only and was not made good when it arrived (person9: listmonk, 16
        // warnings "no database", 21 a minute later). After Disconnect it stays static, as the user chose.
        const conn = ctx.connections.current ?? (await ctx.connections.get({ interactive: false }).catch(() => undefined));
        const withDb = !!conn && !conn.db.isClosed;
        // Advice proved before (the editor's, the recording's, kept across a reload) whose index exists now — a migration
        // ran — is dropped and proved again, so the scan does not publish it again (issue 20 MEDIUM 9).
        if (withDb) {
          const { CaptureRecording } = await import('./captureRecording');
          await (CaptureRecording.current ? CaptureRecording.current.recheckAdvice({ advise: true }) : ctx.indexAdvice?.recheckCatalog());
        }
        // pgLens.exclude is read for each scan; the log says what this one left out (person16 MEDIUM 4 could not tell
        // whether an edit of settings.json was in effect).
        const exclude = ctx.config.exclude;
        ctx.log.info(`scan: ${exclude.length ? `leaving out pgLens.exclude ${exclude.map((x) => JSON.stringify(x)).join(', ')} and .gitignore` : 'leaving out .gitignore (pgLens.exclude is empty)'}; migrations are not planned or advised on`);
        const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.fsPath, d]));
        let openFiles = 0;
        const files = workspaceInputs(ctx, folders, { open, onOpen: () => openFiles++, onRead: (file, text) => textCache.set(file, text) });
        ctx.analysis.startScan();
        const revised: { file: string; findings: Finding[] }[] = [];
        const { CrossFileCalls } = await loadEngine();
        const index = new CrossFileCalls();
        const result = await scanFiles(files, {
          analyzers: await ctx.analysis.analyzers({ scanIndex: index }),
          severity: ctx.config.rulesSeverity,
          isCancelled: () => {
            if (token.isCancellationRequested) state.stop = true;
            return state.stop;
          },
          keepText: false,
          onError: (file, m) => ctx.log.warn(`scan: ${file}: ${m}`),
          onFile: ({ file, index, findings }) => {
            const uri = vscode.Uri.file(file);
            const text = textCache.get(file);
            ctx.analysis.publishScan(uri, findings, positionsOf(text ?? ''), { text });
            textCache.delete(file);
            state.files = index + 1;
            state.current = vscode.workspace.asRelativePath(uri);
            progress.report({ message: `${countOf(index + 1, 'file')} · ${state.current}` });
          },
          // Findings that needed every file (cross-file N+1, Rails/DRF views) and whole-scan context changes:
          // shown again once the scan knows them, as `pg-lens scan` reports them.
          onRevised: ({ file, findings }) => revised.push({ file, findings }),
      });
      for (const r of revised) {
        const text = await readSourceText(r.file);
        if (text !== undefined) ctx.analysis.publishScan(vscode.Uri.file(r.file), r.findings, positionsOf(text), { wholeScan: true, text });
      }
      // The previous scan's results this one did not replace: dropped when it finished (files no longer read), shown
      // again when it was cut short (files it never reached, and cross-file findings it could not make).
      const kept = ctx.analysis.endScan({ finished: !result.cancelled });
      if (kept) ctx.log.info(`scan: cancelled; the previous scan's findings are kept for ${countOf(kept, 'file')} (the files it did not reach, and findings that need every file)`);
      // Open files (and files closed later) are judged against what this scan read; a cancelled scan read only some.
      if (!result.cancelled) await ctx.analysis.scanFinished(index);
      else for (const doc of open.values()) if (!doc.isClosed) await ctx.analysis.refresh(doc);
      // The counts a person compares with the Problems panel: every PG Lens problem there now, open
      // files (analysed live) included, not only the files read from disk.
      const c = problemCounts();
      const closed = countBySeverity(result.findings);
      ctx.log.info(`scan: ${result.files} files read (${openFiles} of them open, shown from their live analysis; ${result.sites} SQL statements; ${closed.error} errors, ${closed.warning} warnings, ${closed.info + closed.hint} infos)`);
      return scanSummaryLine({ cancelled: result.cancelled, files: result.files, seconds: (Date.now() - started) / 1000, counts: c, withDb, kept });
      });
    } catch (e) {
      const kept = ctx.analysis.endScan({ finished: false });
      void vscode.window.showErrorMessage(`PG Lens: the workspace scan failed: ${errorMessage(e)}${kept ? ` (the previous scan's findings are kept for ${countOf(kept, 'file')})` : ''}`);
      return;
    } finally {
      // However the scan ended (the window closing too), the previous results it held back are settled.
      ctx.analysis.endScan({ finished: false });
      running = undefined;
      textCache.clear();
      finished();
      const again = pendingQuiet && !disposed;
      pendingQuiet = false;
      if (again) void run({ quiet: true });
    }
    ctx.log.info(summary);
    if (quiet) return;
    const pick = await vscode.window.showInformationMessage(`PG Lens: ${summary}`, 'Show Problems');
    if (pick) await vscode.commands.executeCommand('workbench.actions.view.problems');
  };

  ctx.extension.subscriptions.push(vscode.commands.registerCommand('pgLens.scanWorkspace', run));
}

/** The scan running now (registerScanWorkspace). */
interface ScanState {
  quiet: boolean;
  /** Cancel pressed, a newer scan took over, or the extension host is going away: the scan stops between statements. */
  stop: boolean;
  /** Files read so far, and the last one. */
  files: number;
  current: string;
  /** Settles when the scan has ended. */
  done: Promise<void>;
}

/**
 * The workspace's source files as the scan reads them (the Node-side walker the CLI uses: .gitignore, pgLens.exclude,
 * pgLens.maxFileSizeKb), open documents with their current text: Scan Workspace and the editor's cross-file index
 * (analysis.ts) read the same files the same way. `onRead`: a file read from disk, with its text.
 */
export async function* workspaceInputs(ctx: Pick<PgLensContext, 'config' | 'log'>, folders: readonly vscode.WorkspaceFolder[], opts: { open?: ReadonlyMap<string, vscode.TextDocument>; onOpen?: () => void; onRead?: (file: string, text: string) => void } = {}): AsyncIterable<FileInput> {
  const { walkSourceFiles, readSourceText } = await import('../node/walk');
  const open = opts.open ?? new Map(vscode.workspace.textDocuments.map((d) => [d.uri.fsPath, d]));
  for (const folder of folders) {
    for await (const f of walkSourceFiles([folder.uri.fsPath], walkOptions(ctx))) {
      const doc = open.get(f.path);
      if (doc && !doc.isClosed) {
        // Open documents: read with their current text, so the cross-file index holds what they define and call;
        // their findings are the live pipeline's (publishScan leaves open files alone), analysed again against
        // the finished index — one finding each, the cross-file ones included.
        opts.onOpen?.();
        yield { path: f.path, contextPath: contextPathOf(f.path), text: doc.getText() };
        continue;
      }
      const text = await readSourceText(f.path);
      if (text === undefined) continue;
      opts.onRead?.(f.path, text);
      yield { path: f.path, contextPath: contextPathOf(f.path), text };
    }
  }
}

/** How the workspace is walked (the scan, the cross-file index and its count): pgLens.exclude, pgLens.maxFileSizeKb. */
function walkOptions(ctx: Pick<PgLensContext, 'config' | 'log'>) {
  return { exclude: ctx.config.exclude, maxFileSizeBytes: ctx.config.maxFileSizeKb * 1024, log: (m: string) => ctx.log.info(`scan: ${m}`) };
}

/** The paths workspaceInputs will give, read from the walk alone (no file read: about a second for Unleash's 6,000 files). */
export async function workspaceFilePaths(ctx: Pick<PgLensContext, 'config' | 'log'>, folders: readonly vscode.WorkspaceFolder[]): Promise<string[]> {
  const { walkSourceFiles } = await import('../node/walk');
  const out: string[] = [];
  for (const folder of folders) for await (const f of walkSourceFiles([folder.uri.fsPath], { ...walkOptions(ctx), log: () => undefined })) out.push(f.path);
  return out;
}

/** PG Lens's diagnostics by severity (every collection: rules, N+1, index advice); hints are not in the Problems panel. */
function problemCounts(): Record<Severity, number> {
  const c: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const [, diags] of vscode.languages.getDiagnostics()) {
    for (const d of diags) {
      if (!d.source?.startsWith('PG Lens')) continue;
      if (d.severity === vscode.DiagnosticSeverity.Error) c.error++;
      else if (d.severity === vscode.DiagnosticSeverity.Warning) c.warning++;
      else if (d.severity === vscode.DiagnosticSeverity.Information) c.info++;
      else c.hint++;
    }
  }
  return c;
}
