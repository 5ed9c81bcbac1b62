/**
 * Text PG Lens writes for a person to read (the workload's index advice, a statement from Top statements, an
 * N+1 batched rewrite, a health finding's fix): a read-only document of its own scheme, not an Untitled one.
 * An Untitled document with content is dirty, so closing it asked to save text the person never typed; this one
 * closes without a prompt, Save As still keeps a copy, and the editor's analysis (lenses, hovers) reads it
 * like a file (EDITOR_SCHEMES).
 */
import * as vscode from 'vscode';
import { shortHash } from '../core/hash';

const SCHEME = 'pglens-report';

/** The schemes the editor's analysis, hovers, lenses and code actions read: files, Untitled documents and PG Lens's own read-only ones. */
export const EDITOR_SCHEMES: readonly string[] = ['file', 'untitled', SCHEME];

const texts = new Map<string, string>();
const changed = new vscode.EventEmitter<vscode.Uri>();
let registered: vscode.Disposable | undefined;

/**
 * Show `content` read-only under `name` (its extension gives the language: "….md" is Markdown, "….sql" SQL; or
 * `language`). The same name shown again refreshes the open tab.
 */
export async function showReadOnly(extension: vscode.ExtensionContext, name: string, content: string, opts: { language?: string; beside?: boolean } = {}): Promise<vscode.TextEditor> {
  if (!registered) {
    registered = vscode.workspace.registerTextDocumentContentProvider(SCHEME, { onDidChange: changed.event, provideTextDocumentContent: (uri) => texts.get(uri.path) ?? '' });
    extension.subscriptions.push(registered, changed, { dispose: () => (registered = undefined) });
  }
  const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${name.replace(/[/\\]/g, '-')}` });
  texts.set(uri.path, content);
  // The same text shown again: the open tab shows the new text.
  changed.fire(uri);
  let doc = await vscode.workspace.openTextDocument(uri);
  if (opts.language && doc.languageId !== opts.language) doc = await vscode.languages.setTextDocumentLanguage(doc, opts.language);
  return vscode.window.showTextDocument(doc, { preview: true, ...(opts.beside ? { viewColumn: vscode.ViewColumn.Beside } : {}) });
}

/** A tab title for a statement: its first words (one line, no path separators); cut ones end with a short hash, so two statements never share a tab. */
export function statementTitle(sql: string, max = 48): string {
  const one = sql.replace(/\s+/g, ' ').trim().replace(/[/\\:*?"<>|]/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1).trimEnd()}… ${shortHash(sql).slice(0, 6)}` : one;
}
