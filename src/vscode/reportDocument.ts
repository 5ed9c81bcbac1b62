/**
 * Text PG Lens writes for a person to read (the workload's index advice, a statement from Top statements, an
 * N+1 batched rewrite, a health finding's fix): a read-only document of its own scheme, not an Untitled one.
 * An Untitled document with content is dirty, so closing it asked to save text the person never typed; this one
 * closes without a prompt, Save As still keeps a copy, and the editor's analysis (lenses, hovers) reads it
 * like a file (EDITOR_SCHEMES).
 */
import * as vscode from 'vscode';
import { shortHash } from '../core/hash';

/** PG Lens's read-only documents: their findings go when their last tab closes (the document itself lingers in VS Code). */
export const READ_ONLY_SCHEME = 'pglens-report';

/** The schemes the editor's analysis, hovers, lenses and code actions read: files, Untitled documents and PG Lens's own read-only ones. */
export const EDITOR_SCHEMES: readonly string[] = ['file', 'untitled', READ_ONLY_SCHEME];

const texts = new Map<string, string>();
const changed = new vscode.EventEmitter<vscode.Uri>();
let registered: vscode.Disposable | undefined;

/**
 * Show `content` read-only under `name` (its extension gives the language: "….md" is Markdown, "….sql" SQL; or
 * `language`). The same name shown again refreshes the open tab.
 */
export async function showReadOnly(extension: vscode.ExtensionContext, name: string, content: string, opts: { language?: string; beside?: boolean; distinct?: boolean } = {}): Promise<vscode.TextEditor> {
  if (!registered) {
    registered = vscode.workspace.registerTextDocumentContentProvider(READ_ONLY_SCHEME, { onDidChange: changed.event, provideTextDocumentContent: (uri) => texts.get(uri.toString()) ?? '' });
    extension.subscriptions.push(registered, changed, { dispose: () => (registered = undefined) });
  }
  // `distinct`: one tab per content (two statements whose first words agree), told apart by the URI's query, not the title.
  const uri = vscode.Uri.from({ scheme: READ_ONLY_SCHEME, path: `/${name.replace(/[/\\]/g, '-')}`, query: opts.distinct ? shortHash(content) : '' });
  texts.set(uri.toString(), content);
  // The same text shown again: the open tab shows the new text.
  changed.fire(uri);
  let doc = await vscode.workspace.openTextDocument(uri);
  if (opts.language && doc.languageId !== opts.language) doc = await vscode.languages.setTextDocumentLanguage(doc, opts.language);
  return vscode.window.showTextDocument(doc, { preview: true, ...(opts.beside ? { viewColumn: vscode.ViewColumn.Beside } : {}) });
}

/** The read-only documents no tab shows any more, after tabs closed. */
export function closedReadOnly(e: vscode.TabChangeEvent): vscode.Uri[] {
  const shown = shownTextUris();
  return e.closed.flatMap((t) => (t.input instanceof vscode.TabInputText && t.input.uri.scheme === READ_ONLY_SCHEME && !shown.has(t.input.uri.toString()) ? [t.input.uri] : []));
}

/**
 * Whether a document is one of PG Lens's read-only ones that no tab shows: VS Code keeps such a document for minutes
 * after its tab closed (no close event), and Scan Workspace, a setting's change or a catalog change analysed it again —
 * a closed batched-rewrite preview was back in the Problems panel and in the scan's count (person23 MEDIUM 4).
 */
export function hiddenReadOnly(uri: vscode.Uri): boolean {
  return uri.scheme === READ_ONLY_SCHEME && !shownTextUris().has(uri.toString());
}

/** The documents the editor's tabs show (text tabs), by URI. */
export function shownTextUris(): Set<string> {
  return new Set(vscode.window.tabGroups.all.flatMap((g) => g.tabs).flatMap((t) => (t.input instanceof vscode.TabInputText ? [t.input.uri.toString()] : [])));
}

/** A tab title for a statement: its first words (one line, no path separators); show it with `distinct`. */
export function statementTitle(sql: string, max = 48): string {
  const one = sql.replace(/\s+/g, ' ').trim().replace(/[/\\:*?"<>|]/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1).trimEnd()}…` : one;
}
