/**
 * PG Lens: Copy SQL Under Cursor — the SQL of the site at the cursor, to the clipboard, as PostgreSQL receives it
 * (the code's placeholders as $n: what pg_stat_statements, the plan viewer and psql's PREPARE show). The
 * confirmation says which $n stands for which placeholder of the code (and which are text spliced in at run time),
 * and offers the other form: the SQL as the code writes it (`%s`, `:id`, `${x}`).
 */
import * as vscode from 'vscode';
import { placeholderLegend, sqlAsWritten, wontRunAsIs } from '../core/extract/asWritten';
import type { PgLensContext } from './main';
import { DISMISSED, noStatementAtCursor, statementAtCursor } from './siteIndex';

const AS_WRITTEN = 'Copy as written in the code';

export function registerCopySql(ctx: PgLensContext): void {
  ctx.extension.subscriptions.push(
    vscode.commands.registerCommand('pgLens.copySqlUnderCursor', async () => {
      const editor = vscode.window.activeTextEditor;
      const site = editor && (await statementAtCursor(ctx.sites, editor));
      if (site === DISMISSED) return;
      if (!site) {
        void vscode.window.showInformationMessage(noStatementAtCursor(editor, false));
        return;
      }
      await vscode.env.clipboard.writeText(site.sql);
      // An ORM call's statement as the recording saw it sent (its $n are the driver's parameters).
      if (site.api === 'recorded') return void vscode.window.showInformationMessage(`PG Lens: copied the statement recorded from line ${editor!.document.positionAt(site.span.start).line + 1} (as the app sent it) to the clipboard.`);
      // The site's api ('constant', 'pg.query') is an internal label: the message names what was copied.
      const legend = placeholderLegend(site);
      const notAsIs = wontRunAsIs(site);
      if (!legend.length) {
        void vscode.window.showInformationMessage(`PG Lens: copied the SQL under the cursor to the clipboard${notAsIs}.`);
        return;
      }
      const choice = await vscode.window.showInformationMessage(
        `PG Lens: copied the SQL as PostgreSQL receives it, placeholders as $n (${legend.join(', ')})${notAsIs}.`,
        AS_WRITTEN,
      );
      if (choice !== AS_WRITTEN) return;
      await vscode.env.clipboard.writeText(sqlAsWritten(site));
      void vscode.window.showInformationMessage("PG Lens: copied the SQL as the code writes it (the code's own placeholders, not $n).");
    }),
  );
}
