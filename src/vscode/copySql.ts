/** PG Lens: Copy SQL Under Cursor — the SQL (with $n placeholders) of the site at the cursor, to the clipboard. */
import * as vscode from 'vscode';
import { countOf } from '../core/format';
import type { PgLensContext } from './main';

export function registerCopySql(ctx: PgLensContext): void {
  ctx.extension.subscriptions.push(
    vscode.commands.registerCommand('pgLens.copySqlUnderCursor', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        void vscode.window.showInformationMessage('PG Lens: open a file and put the cursor on a SQL statement.');
        return;
      }
      const doc = editor.document;
      const site = await ctx.sites.siteAt(doc, doc.offsetAt(editor.selection.active));
      if (!site) {
        void vscode.window.showInformationMessage('PG Lens: no SQL under the cursor.');
        return;
      }
      await vscode.env.clipboard.writeText(site.sql);
      // The site's api ('constant', 'pg.query') is an internal label: the message names what was copied.
      const n = new Set(site.params.map((p) => p.index)).size;
      void vscode.window.showInformationMessage(`PG Lens: copied the SQL under the cursor to the clipboard${n ? ` (${countOf(n, 'parameter')}: ${[...new Set(site.params.map((p) => `$${p.index}`))].join(', ')})` : ''}.`);
    }),
  );
}
