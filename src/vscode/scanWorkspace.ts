/**
 * "PG Lens: Scan Workspace": every source file of the workspace folders (honouring .gitignore,
 * pgLens.exclude and pgLens.maxFileSizeKb) through every analyzer, with progress and cancellation,
 * into the Problems panel ('pg-lens-scan'). Other analyses plug in with registerScanAnalyzer
 * (e.g. N+1 detection, the index advisor).
 */
import * as vscode from 'vscode';
import type { Finding } from '../core/findings';
import type { Analyzer, FileInput } from '../core/scan';
import type { PgLensContext } from './main';
import { positionsOf, registerFindingActions, toDiagnostics } from './findingActions';
import { liveRuleIds } from './ruleDiagnostics';

const extraAnalyzers: Analyzer[] = [];

/** Plug another analysis into the workspace scan; returns a disposable that unplugs it. */
export function registerScanAnalyzer(a: Analyzer): vscode.Disposable {
  extraAnalyzers.push(a);
  return { dispose: () => void extraAnalyzers.splice(extraAnalyzers.indexOf(a) >>> 0, 1) };
}

export function registerScanWorkspace(ctx: PgLensContext): void {
  const collection = vscode.languages.createDiagnosticCollection('pg-lens-scan');
  registerFindingActions(ctx.extension);
  // Texts of files that are not open, kept only between reading a file and publishing its diagnostics.
  const textCache = new Map<string, string>();
  let busy = false;

  const run = async () => {
    if (busy) {
      void vscode.window.showInformationMessage('PG Lens: a workspace scan is already running.');
      return;
    }
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (!folders.length) {
      void vscode.window.showInformationMessage('PG Lens: open a folder to scan.');
      return;
    }
    busy = true;
    const started = Date.now();
    let summary: string;
    try {
      summary = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'PG Lens: scanning the workspace', cancellable: true }, async (progress, token) => {
        const [{ scanFiles, rulesAnalyzer, countBySeverity }, { walkSourceFiles }, { readSourceText }, ts] = await Promise.all([import('../core/scan'), import('../node/walk'), import('../cli/commands/scan'), import('../core/syntax/treeSitter')]);
        if (!ts.treeSitterConfigured()) ts.configureTreeSitter(vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'wasm').fsPath);
        const conn = ctx.connections.current;
        const evidence = conn && !conn.db.isClosed ? new (await import('../db/ruleEvidence')).DbEvidence(conn.db, { log: (m) => ctx.log.warn(m) }) : undefined;
        const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.fsPath, d]));
        async function* files(): AsyncIterable<FileInput> {
          for (const folder of folders) {
            for await (const f of walkSourceFiles([folder.uri.fsPath], { exclude: ctx.config.exclude, maxFileSizeBytes: ctx.config.maxFileSizeKb * 1024, log: (m) => ctx.log.info(`scan: ${m}`) })) {
              const doc = open.get(f.path);
              if (doc) {
                yield { path: f.path, text: doc.getText(), languageId: doc.languageId };
                continue;
              }
              const text = await readSourceText(f.path);
              if (text === undefined) continue;
              textCache.set(f.path, text);
              yield { path: f.path, text };
            }
          }
        }
        collection.clear();
        const result = await scanFiles(files(), {
          analyzers: [rulesAnalyzer({ evidence }), ...extraAnalyzers],
          severity: ctx.config.rulesSeverity,
          isCancelled: () => token.isCancellationRequested,
          keepText: false,
          onError: (file, m) => ctx.log.warn(`scan: ${file}: ${m}`),
          onFile: ({ file, index, findings }) => {
            const doc = open.get(file);
            // Open documents show the rules and N+1 live; the scan adds only the other analyses' findings there.
            const shown: Finding[] = doc ? findings.filter((f) => !liveRuleIds.has(f.ruleId) && f.ruleId !== 'n-plus-one') : findings;
            const uri = vscode.Uri.file(file);
            if (shown.length) collection.set(uri, toDiagnostics(shown, doc ? (o) => doc.positionAt(o) : positionsOf(textCache.get(file) ?? '')));
            textCache.delete(file);
            progress.report({ message: `${index + 1} files · ${vscode.workspace.asRelativePath(uri)}` });
          },
      });
      const c = countBySeverity(result.findings);
      return `${result.cancelled ? 'Scan cancelled after' : 'Scanned'} ${result.files} files (${result.sites} SQL statements) in ${((Date.now() - started) / 1000).toFixed(1)} s: ${c.error} errors, ${c.warning} warnings, ${c.info + c.hint} infos${evidence ? '' : ' (no database: static rules only)'}.`;
      });
    } catch (e) {
      void vscode.window.showErrorMessage(`PG Lens: the workspace scan failed: ${(e as Error).message.split('\n')[0]}`);
      return;
    } finally {
      busy = false;
      textCache.clear();
    }
    ctx.log.info(summary);
    const pick = await vscode.window.showInformationMessage(`PG Lens: ${summary}`, 'Show Problems');
    if (pick) await vscode.commands.executeCommand('workbench.actions.view.problems');
  };

  ctx.extension.subscriptions.push(collection, vscode.commands.registerCommand('pgLens.scanWorkspace', run));
}
