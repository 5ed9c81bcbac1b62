/**
 * The one link to a docs page in the editor (rule ids, health checks): the page shipped inside the extension
 * (docs/** is in the .vsix), opened as a rendered Markdown preview. Every surface that links a doc — the
 * diagnostic's code link, "Read about <rule>", hovers' "Why", the dashboard's health findings — goes through
 * docsLink/openDocs. The project publishes no web copy of the docs, so no surface links a web address.
 */
import * as vscode from 'vscode';
import { isDocsPath } from '../core/docs';
import { errorMessage } from '../core/safeText';
import { closingHover } from './hoverLinks';

export const OPEN_DOCS_COMMAND = 'pgLens.openDocs';

let extensionUri: vscode.Uri | undefined;

/** The command that opens the shipped page `docsPath` (as core/docs.ts names it), for code actions. */
export function docsCommand(docsPath: string, title = 'Open docs'): vscode.Command {
  return { command: OPEN_DOCS_COMMAND, title, arguments: [docsPath] };
}

/** The same, as a link: Diagnostic.code's target and trusted Markdown (enable OPEN_DOCS_COMMAND there). */
export function docsLink(docsPath: string): vscode.Uri {
  const c = docsCommand(docsPath);
  return vscode.Uri.parse(`command:${c.command}?${encodeURIComponent(JSON.stringify(c.arguments))}`);
}

/** Open the shipped page as a rendered Markdown preview (the file itself, read as text, when the Markdown extension is off). */
export async function openDocs(docsPath: unknown): Promise<void> {
  if (!isDocsPath(docsPath) || !extensionUri) return;
  const uri = vscode.Uri.joinPath(extensionUri, ...docsPath.split('/'));
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    void vscode.window.showErrorMessage(`PG Lens: the page ${docsPath} is not in this installation of PG Lens.`);
    return;
  }
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch (e) {
    try {
      await vscode.window.showTextDocument(uri, { preview: true });
    } catch {
      void vscode.window.showErrorMessage(`PG Lens: could not open ${docsPath}: ${errorMessage(e)}`);
    }
  }
}

export function registerDocs(context: vscode.ExtensionContext): void {
  extensionUri = context.extensionUri;
  context.subscriptions.push(vscode.commands.registerCommand(OPEN_DOCS_COMMAND, closingHover((p: unknown) => openDocs(p))));
}
