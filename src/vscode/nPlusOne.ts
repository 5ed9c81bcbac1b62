/**
 * N+1 queries in the editor: static findings for visible documents (recomputed, debounced, on
 * change), a warning on the call inside the loop with related information at the loop, and code
 * actions: show the batched rewrite for the library in use (a preview document to review) and
 * "Ignore here" (a pg-lens-ignore comment). Observed N+1 (Record Queries) lives in recordQueries.ts.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Finding } from '../core/findings';
import type { Rewrite } from '../core/nplusone/rewrites';
import type { PgLensContext } from './main';
import { registerRecordQueries } from './recordQueries';
import { registerScanAnalyzer } from './scanWorkspace';
import { ignoreCodeAction, isIgnoreFix, registerFindingActions } from './findingActions';

export const N_PLUS_ONE = 'n-plus-one';
export const SHOW_REWRITE_COMMAND = 'pgLens.showNPlusOneRewrite';
const LANGUAGES = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'python', 'go', 'java', 'ruby'];
const DEBOUNCE_MS = 400;

/** Finding (core) → Diagnostic (editor), keeping the finding for the code actions. */
export function toDiagnostic(doc: vscode.TextDocument, f: Finding): vscode.Diagnostic {
  const range = new vscode.Range(doc.positionAt(f.span.start), doc.positionAt(f.span.end));
  const severity = f.severity === 'error' ? vscode.DiagnosticSeverity.Error : f.severity === 'info' ? vscode.DiagnosticSeverity.Information : f.severity === 'hint' ? vscode.DiagnosticSeverity.Hint : vscode.DiagnosticSeverity.Warning;
  const d = new vscode.Diagnostic(range, f.help ? `${f.message}\n${f.help}` : f.message, severity);
  d.code = f.ruleId;
  d.source = 'PG Lens';
  d.relatedInformation = (f.related ?? []).map((r) => new vscode.DiagnosticRelatedInformation(
    new vscode.Location(r.file ? vscode.Uri.file(r.file) : doc.uri, new vscode.Range(doc.positionAt(r.span.start), doc.positionAt(r.span.end))), r.message));
  return d;
}

class NPlusOneDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];
  private readonly collection = vscode.languages.createDiagnosticCollection('pg-lens-n-plus-one');
  private readonly findings = new Map<string, { version: number; findings: Finding[] }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subs: vscode.Disposable[] = [];
  private configured = false;

  constructor(private readonly ctx: PgLensContext) {
    this.subs.push(
      vscode.window.onDidChangeVisibleTextEditors((eds) => eds.forEach((e) => this.schedule(e.document, 0))),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.isVisible(e.document)) this.schedule(e.document, DEBOUNCE_MS);
      }),
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('pgLens.rules.severity')) this.refreshVisible();
      }),
    );
    this.refreshVisible();
  }

  refreshVisible(): void {
    for (const e of vscode.window.visibleTextEditors) this.schedule(e.document, 0);
  }

  private isVisible(doc: vscode.TextDocument): boolean {
    return vscode.window.visibleTextEditors.some((e) => e.document === doc);
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (!LANGUAGES.includes(doc.languageId) || doc.uri.scheme === 'output') return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.update(doc);
    }, delay));
  }

  private async update(doc: vscode.TextDocument): Promise<void> {
    const version = doc.version;
    const text = doc.getText();
    if (text.length > this.ctx.config.get<number>('maxFileSizeKb', 2048) * 1024) {
      this.clear(doc.uri);
      return;
    }
    try {
      const [{ detectNPlusOne }, { configureTreeSitter }, { applySuppressions }] = await Promise.all([
        import('../core/nplusone/index'), import('../core/syntax/treeSitter'), import('../core/suppress'),
      ]);
      if (!this.configured) {
        configureTreeSitter(path.join(this.ctx.extension.extensionPath, 'dist', 'wasm'));
        this.configured = true;
      }
      const raw = await detectNPlusOne(text, doc.languageId, doc.uri.fsPath);
      if (doc.version !== version || doc.isClosed) return; // a newer change is scheduled
      const findings = applySuppressions(text, raw, this.ctx.config.get<Record<string, string>>('rules.severity', {}));
      this.findings.set(doc.uri.toString(), { version, findings });
      this.collection.set(doc.uri, findings.map((f) => toDiagnostic(doc, f)));
    } catch (e) {
      this.ctx.log.warn(`N+1 detection failed for ${doc.uri.fsPath}: ${(e as Error).message}`);
    }
  }

  private clear(uri: vscode.Uri): void {
    this.collection.delete(uri);
    this.findings.delete(uri.toString());
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const entry = this.findings.get(doc.uri.toString());
    if (!entry) return [];
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.code !== N_PLUS_ONE) continue;
      const offset = doc.offsetAt(d.range.start);
      const f = entry.findings.find((x) => x.span.start === offset);
      if (!f) continue;
      for (const fix of f.fixes) {
        if (isIgnoreFix(fix)) continue;
        const a = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        a.diagnostics = [d];
        if (fix.command) a.command = { command: fix.command.id, title: fix.title, arguments: fix.command.args };
        if (fix.edits.length) {
          const edit = new vscode.WorkspaceEdit();
          for (const e of fix.edits) edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.span.start), doc.positionAt(e.span.end)), e.newText);
          a.edit = edit;
        }
        if (!fix.command && !fix.edits.length) continue;
        actions.push(a);
      }
      actions.push(ignoreCodeAction(doc, d, f.ruleId));
    }
    return actions;
  }

  dispose(): void {
    this.timers.forEach((t) => clearTimeout(t));
    this.subs.forEach((s) => s.dispose());
    this.collection.dispose();
  }
}

/** Open the batched rewrite beside the code, as an untitled document the developer reviews and copies from. */
export async function showRewrite(rewrite: Rewrite): Promise<void> {
  if (!rewrite || typeof rewrite.code !== 'string' || typeof rewrite.title !== 'string') return;
  const comment = rewrite.language === 'python' || rewrite.language === 'ruby' ? '#' : rewrite.language === 'plaintext' ? '--' : '//';
  const header = [`${comment} PG Lens: ${rewrite.title}`, `${comment} ${rewrite.help}`, `${comment} Review and adapt to your code: names of keys and columns are guesses.`, ''].join('\n');
  const doc = await vscode.workspace.openTextDocument({ language: rewrite.language, content: header + '\n' + rewrite.code + '\n' });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: false });
}

export function registerNPlusOne(ctx: PgLensContext): void {
  registerFindingActions(ctx.extension); // the "Ignore … here…" command
  const diagnostics = new NPlusOneDiagnostics(ctx);
  ctx.extension.subscriptions.push(
    diagnostics,
    vscode.languages.registerCodeActionsProvider(LANGUAGES.map((language) => ({ language })), diagnostics, { providedCodeActionKinds: NPlusOneDiagnostics.kinds }),
    vscode.commands.registerCommand(SHOW_REWRITE_COMMAND, (r: Rewrite) => showRewrite(r)),
  );
  registerRecordQueries(ctx);
  // Scan Workspace: N+1 for the files that are not open (open ones are shown live above).
  void import('../core/nplusone/analyzer').then(({ nPlusOneAnalyzer }) => {
    ctx.extension.subscriptions.push(registerScanAnalyzer(nPlusOneAnalyzer({ skip: (file) => vscode.workspace.textDocuments.some((d) => d.uri.fsPath === file) })));
  });
}
