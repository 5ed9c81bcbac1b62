/**
 * Entry point. Wires the editor layer together lazily: nothing heavy (pg, parsers, tree-sitter)
 * loads until a feature needs it. activate() shows its own failure instead of throwing.
 */
import type * as vscode from 'vscode';
import type { PgLensApi } from './vscode/api';
import { errorMessage } from './core/safeText';

/** When the extension host loaded this module: activation time is measured from here. */
const loadedAt = Date.now();

export async function activate(context: vscode.ExtensionContext): Promise<PgLensApi | undefined> {
  const vscodeApi = await import('vscode');
  try {
    const { activateExtension } = await import('./vscode/main');
    return await activateExtension(context, loadedAt);
  } catch (e) {
    void vscodeApi.window.showErrorMessage(`PG Lens failed to start: ${errorMessage(e)}`);
    return undefined;
  }
}

export function deactivate(): void {
  // Disposables registered in context.subscriptions are disposed by VS Code.
}
