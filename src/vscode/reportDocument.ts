/**
 * Reports PG Lens writes for a person to read (the workload's index advice): a read-only document of its own
 * scheme, not an Untitled one. An Untitled document with content is dirty, so closing the report asked to save
 * it; this one closes without a prompt, and Save As still keeps a copy.
 */
import * as vscode from 'vscode';

const SCHEME = 'pglens-report';
const texts = new Map<string, string>();
const changed = new vscode.EventEmitter<vscode.Uri>();
let registered: vscode.Disposable | undefined;

/** Show `content` read-only under `name` (its extension gives the language: "….md" is Markdown). */
export async function showReport(extension: vscode.ExtensionContext, name: string, content: string): Promise<vscode.TextEditor> {
  if (!registered) {
    registered = vscode.workspace.registerTextDocumentContentProvider(SCHEME, { onDidChange: changed.event, provideTextDocumentContent: (uri) => texts.get(uri.path) ?? '' });
    extension.subscriptions.push(registered, changed, { dispose: () => (registered = undefined) });
  }
  const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${name.replace(/[/\\]/g, '-')}` });
  texts.set(uri.path, content);
  // The same report run again: the open tab shows the new text.
  changed.fire(uri);
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: true });
}
