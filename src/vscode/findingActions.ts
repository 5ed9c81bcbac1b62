/**
 * The one finding→diagnostic adapter (Diagnostic.code = { rule id, docs link }, source 'PG Lens',
 * related places) and the one code-action provider on those diagnostics: the finding's fixes
 * (edits or commands, e.g. the N+1 rewrite), "Ignore here" (a pg-lens-ignore comment) and the docs.
 */
import * as vscode from 'vscode';
import { lineStarts, positionAt, type Finding, type Fix, type Severity } from '../core/findings';
import { OTHER_RULES } from '../core/rules/others';
import { ruleDocsPath } from '../core/docs';
import { docsCommand, docsLink } from './docs';
import { EDITOR_SCHEMES } from './reportDocument';
import { commentLanguageAt, ignoreComment } from '../core/suppress';
import type { SqlSiteProvider } from './siteIndex';
import { FIX_APPLIED_COMMAND } from './walkthrough';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export const DIAGNOSTIC_SOURCE = 'PG Lens';

/** Finding behind each diagnostic, to build code actions from. */
const byDiagnostic = new WeakMap<vscode.Diagnostic, Finding>();

/** An analysis' rule (core/rules/others; allRuleMeta gives the query rules no more than id, severity and description). */
function ruleMeta(ruleId: string) {
  return OTHER_RULES.find((r) => r.id === ruleId);
}

/** Diagnostics for findings of one document (positions from the document's own text; uri for related places). */
/** The finding behind a diagnostic PG Lens published (toDiagnostics), if it is one of PG Lens's. */
export function findingOf(d: vscode.Diagnostic): Finding | undefined {
  return byDiagnostic.get(d);
}

export function toDiagnostics(findings: readonly Finding[], positionAt: (offset: number) => vscode.Position, uri?: vscode.Uri): vscode.Diagnostic[] {
  return findings.map((f) => {
    const range = (span: { start: number; end: number }) => new vscode.Range(positionAt(span.start), positionAt(span.end));
    // The message is the finding's claim alone (what, where, the cost figure). Its help (how to fix it) was the message's
    // second paragraph: with two findings on a line VS Code's problem part took most of the hover it caps at 250 px and
    // pushed the plan's Open plan out of it (person30 M1). The help is on demand: the plan hover's "How to fix" (its
    // title), the quick fixes, the rule's docs (the code's link); the CLI prints it under the message.
    const d = new vscode.Diagnostic(range(f.span), f.message, SEVERITY[f.severity]);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = { value: f.ruleId, target: docsLink(ruleDocsPath(f.ruleId)) };
    const home = f.file ? vscode.Uri.file(f.file) : uri;
    const related = (f.related ?? []).flatMap((r) => {
      const uri = r.file !== undefined ? vscode.Uri.file(r.file) : home;
      if (!uri) return [];
      const at = r.line !== undefined ? new vscode.Range(r.line - 1, 0, r.line - 1, 0) : r.span ? range(r.span) : undefined;
      return at ? [new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, at), r.message)] : [];
    });
    if (related.length) d.relatedInformation = related;
    byDiagnostic.set(d, f);
    return d;
  });
}

/**
 * How to fix the findings behind these diagnostics, for a hover's "How to fix" title: each help once, in order, without
 * the rules whose own hover shows it (missing-index's CREATE INDEX).
 */
function helpOf(diagnostics: readonly vscode.Diagnostic[]): string[] {
  const out: string[] = [];
  for (const d of diagnostics) {
    const f = byDiagnostic.get(d);
    if (!f?.help || ruleMeta(f.ruleId)?.helpInOwnHover) continue;
    if (!out.includes(f.help)) out.push(f.help);
  }
  return out;
}

/**
 * The "How to fix" link of a hover over these diagnostics (those under the pointer): their help as the link's title, the
 * first helped rule's page as its target; undefined when none has help of its own to show. One place for the SQL hover
 * and the recorded line's hover (person31's run: a recorded N+1's grouped statement was in neither once the Problems
 * message became the claim alone).
 */
export function howToFixOf(diagnostics: readonly vscode.Diagnostic[]): { uri: string; help: string } | undefined {
  const help = helpOf(diagnostics);
  if (!help.length) return undefined;
  const first = diagnostics.find((d) => helpOf([d]).length)!;
  return { uri: docsLink(ruleDocsPath(String((first.code as { value?: unknown } | undefined)?.value ?? ''))).toString(), help: help.join(' · ') };
}

/** Positions from a text (for files that are not open). */
export function positionsOf(text: string): (offset: number) => vscode.Position {
  const starts = lineStarts(text);
  return (offset) => {
    const p = positionAt(starts, offset);
    return new vscode.Position(p.line, p.column);
  };
}

/**
 * A fix whose command the editor says otherwise for the document's workspace (the index advice's "Add migration", which
 * is "Save CREATE INDEX as .sql…" where no migration tool is recognised), by the fix's command id.
 */
type FixAdapter = (doc: vscode.TextDocument, fix: Fix) => Promise<Fix>;
const fixAdapters = new Map<string, FixAdapter>();

/** Say a command's fixes as `adapt` says them for the document (until disposed). */
export function adaptFixes(commandId: string, adapt: FixAdapter): vscode.Disposable {
  fixAdapters.set(commandId, adapt);
  return { dispose: () => fixAdapters.get(commandId) === adapt && fixAdapters.delete(commandId) };
}

class FindingActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const out: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      const f = byDiagnostic.get(d);
      if (!f) continue;
      for (const given of f.fixes) {
        const adapt = given.command && fixAdapters.get(given.command.id);
        const fix = adapt ? await adapt(doc, given).catch(() => given) : given;
        if (!fix.edits.length && !fix.command) continue;
        // One "Ignore" per finding: the one below, which asks for the reason.
        if (isIgnoreFix(fix)) continue;
        const a = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        if (fix.edits.length) {
          const edit = new vscode.WorkspaceEdit();
          for (const e of fix.edits) edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.span.start), doc.positionAt(e.span.end)), e.newText);
          a.edit = edit;
          a.isPreferred = true;
        }
        // Through the walkthrough's mark (its "Fix what the planner finds" step, person49 L-9), which runs the fix's own command.
        a.command = { command: FIX_APPLIED_COMMAND, title: fix.title, arguments: fix.command ? [fix.command.id, ...(fix.command.args ?? [])] : [] };
        a.diagnostics = [d];
        out.push(a);
      }
      out.push(ignoreCodeAction(doc, d, f.ruleId));
      const docs = new vscode.CodeAction(`Read about ${f.ruleId}`, vscode.CodeActionKind.QuickFix);
      docs.command = docsCommand(ruleDocsPath(f.ruleId));
      out.push(docs);
    }
    return out;
  }
}

const IGNORE_COMMAND = 'pgLens.ignoreFindingHere';

/** A finding's own "ignore" fix (a pg-lens-ignore comment with a made-up reason): the editor offers ignoreCodeAction instead. */
function isIgnoreFix(fix: Fix): boolean {
  return fix.edits.some((e) => e.newText.includes('pg-lens-ignore'));
}

/** The one "Ignore <rule> here…" action of a diagnostic: it asks for the reason when chosen. */
function ignoreCodeAction(doc: vscode.TextDocument, d: vscode.Diagnostic, ruleId: string): vscode.CodeAction {
  const line = doc.lineAt(d.range.start.line);
  const indent = line.text.slice(0, line.firstNonWhitespaceCharacterIndex);
  const ignore = new vscode.CodeAction(`Ignore ${ruleId} here…`, vscode.CodeActionKind.QuickFix);
  ignore.command = { command: IGNORE_COMMAND, title: ignore.title, arguments: [doc.uri, line.lineNumber, indent, doc.languageId, ruleId] };
  ignore.diagnostics = [d];
  return ignore;
}

/** "Ignore <rule> here…": ask why, then insert the pg-lens-ignore comment with that reason above the line. */
async function ignoreHere(uri: vscode.Uri, lineNumber: number, indent: string, languageId: string, ruleId: string): Promise<void> {
  if (!(uri instanceof vscode.Uri) || !Number.isInteger(lineNumber) || typeof ruleId !== 'string' || !/^[a-z0-9-]+$/.test(ruleId)) return;
  // A line that starts inside a multi-line SQL string takes a SQL comment; any other line, the file's own.
  const doc = await vscode.workspace.openTextDocument(uri);
  const sites = doc.languageId === 'sql' || !siteProvider ? [] : await siteProvider.sitesFor(doc);
  const commentLanguage = commentLanguageAt(String(languageId), sites, doc.offsetAt(new vscode.Position(lineNumber, 0)));
  const reason = await vscode.window.showInputBox({
    title: `Ignore ${ruleId} here`,
    prompt: 'Why is this fine here? The reason goes into the pg-lens-ignore comment, for the next reader.',
    placeHolder: 'e.g. at most 3 items: the loop is bounded by the page size',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Give a reason (or press Escape to keep the finding).'),
  });
  if (!reason?.trim()) return;
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, new vscode.Position(lineNumber, 0), `${typeof indent === 'string' ? indent.replace(/[^ \t]/g, '') : ''}${ignoreComment(String(commentLanguage), ruleId, reason)}\n`);
  await vscode.workspace.applyEdit(edit);
}

let registered = false;
let siteProvider: SqlSiteProvider | undefined;
/** Register the code action provider once (both diagnostics modules call this). */
export function registerFindingActions(context: vscode.ExtensionContext, sites: SqlSiteProvider): void {
  siteProvider = sites;
  if (registered) return;
  registered = true;
  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider(EDITOR_SCHEMES.map((scheme) => ({ scheme })), new FindingActions(), { providedCodeActionKinds: FindingActions.kinds }),
    vscode.commands.registerCommand(IGNORE_COMMAND, ignoreHere),
    { dispose: () => (registered = false) },
  );
}
