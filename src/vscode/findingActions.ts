/**
 * Findings shown as diagnostics, by URI, shared by the editor rules and the workspace scan, and the
 * code actions on them: the finding's fixes, "Ignore here" (a pg-lens-ignore comment) and the docs.
 */
import * as vscode from 'vscode';
import type { Finding, Severity } from '../core/findings';
import { allRuleMeta, DOCS_BASE_URI } from '../core/rules/index';
import { ignoreComment } from '../core/suppress';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export const DIAGNOSTIC_SOURCE = 'PG Lens';

/** Finding behind each diagnostic, to build code actions from. */
const byDiagnostic = new WeakMap<vscode.Diagnostic, Finding>();

export function docsUri(ruleId: string): vscode.Uri {
  const meta = allRuleMeta().find((r) => r.id === ruleId);
  return vscode.Uri.parse(`${DOCS_BASE_URI}${meta?.docs ?? `docs/rules/${ruleId}.md`}`);
}

/** Diagnostics for findings of one document (positions from the document's own text). */
export function toDiagnostics(findings: readonly Finding[], positionAt: (offset: number) => vscode.Position): vscode.Diagnostic[] {
  return findings.map((f) => {
    const d = new vscode.Diagnostic(new vscode.Range(positionAt(f.span.start), positionAt(f.span.end)), f.help ? `${f.message}\n${f.help}` : f.message, SEVERITY[f.severity]);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = { value: f.ruleId, target: docsUri(f.ruleId) };
    byDiagnostic.set(d, f);
    return d;
  });
}

/** Positions from a text (for files that are not open). */
export function positionsOf(text: string): (offset: number) => vscode.Position {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return new vscode.Position(lo, offset - starts[lo]);
  };
}

export class FindingActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      const f = byDiagnostic.get(d);
      if (!f) continue;
      for (const fix of f.fixes) {
        if (!fix.edits.length) continue;
        const a = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        const edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.span.start), doc.positionAt(e.span.end)), e.newText);
        a.edit = edit;
        a.diagnostics = [d];
        a.isPreferred = true;
        out.push(a);
      }
      const line = doc.lineAt(d.range.start.line);
      const indent = line.text.slice(0, line.firstNonWhitespaceCharacterIndex);
      const ignore = new vscode.CodeAction(`Ignore ${f.ruleId} here`, vscode.CodeActionKind.QuickFix);
      ignore.edit = new vscode.WorkspaceEdit();
      // A finding on a line of a multi-line SQL string: the comment goes into the SQL, in SQL syntax.
      const insideSqlString = doc.languageId !== 'sql' && !/['"`(]/.test(line.text.slice(0, d.range.start.character));
      ignore.edit.insert(doc.uri, new vscode.Position(line.lineNumber, 0), `${indent}${ignoreComment(insideSqlString ? 'sql' : doc.languageId, f.ruleId, 'reviewed')}\n`);
      ignore.diagnostics = [d];
      out.push(ignore);
      const docs = new vscode.CodeAction(`Read about ${f.ruleId}`, vscode.CodeActionKind.QuickFix);
      docs.command = { command: 'vscode.open', title: 'Open docs', arguments: [docsUri(f.ruleId)] };
      out.push(docs);
    }
    return out;
  }
}

let registered = false;
/** Register the code action provider once (both diagnostics modules call this). */
export function registerFindingActions(context: vscode.ExtensionContext): void {
  if (registered) return;
  registered = true;
  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider([{ scheme: 'file' }, { scheme: 'untitled' }], new FindingActions(), { providedCodeActionKinds: FindingActions.kinds }),
    { dispose: () => (registered = false) },
  );
}
