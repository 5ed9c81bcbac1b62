/**
 * N+1 queries in the editor. The static findings (a warning on the call inside the loop, related
 * information at the loop, the batched rewrite as a code action) come from the one analysis
 * pipeline (analysis.ts, findingActions.ts); this module owns the command that opens a rewrite as
 * a preview document to review. Observed N+1 (Record Queries) lives in recordQueries.ts.
 */
import * as vscode from 'vscode';
import type { Rewrite } from '../core/nplusone/rewrites';
import { lineCommentOf } from '../core/languages/registry';
import type { PgLensContext } from './main';
import { registerRecordQueries } from './recordQueries';

const SHOW_REWRITE_COMMAND = 'pgLens.showNPlusOneRewrite';

/** Open the batched rewrite beside the code, as a read-only document the developer reviews and copies from. */
async function showRewrite(extension: vscode.ExtensionContext, rewrite: Rewrite): Promise<void> {
  if (!rewrite || typeof rewrite.code !== 'string' || typeof rewrite.title !== 'string') return;
  const comment = rewrite.language === 'plaintext' ? '--' : lineCommentOf(rewrite.language); // plaintext: a SQL rewrite, not analysed as SQL
  // The code comes at the loop's indentation (rewriteFixes); the header takes the same, so the whole document pastes over the loop.
  const indent = typeof rewrite.indent === 'string' && /^[ \t]*$/.test(rewrite.indent) ? rewrite.indent : '';
  const header = [`${comment} PG Lens: ${rewrite.title}`, `${comment} ${rewrite.help}`, `${comment} Review and adapt to your code: names of keys and columns are guesses.`].map((l) => indent + l).concat('').join('\n');
  // Read-only beside the code: to review and copy from; closing it asks nothing (an Untitled one asked to save).
  const { showReadOnly } = await import('./reportDocument');
  await showReadOnly(extension, `N+1 batched rewrite — ${rewrite.title.replace(/^Batch with\s*/i, '').slice(0, 60)}`, header + '\n' + rewrite.code + '\n', { language: rewrite.language, beside: true });
}

export function registerNPlusOne(ctx: PgLensContext): void {
  // The static findings come from the one analysis pipeline (analysis.ts); here: the rewrite command
  // its code action runs, and Record Queries (observed N+1).
  ctx.extension.subscriptions.push(vscode.commands.registerCommand(SHOW_REWRITE_COMMAND, (r: Rewrite) => showRewrite(ctx.extension, r)));
  registerRecordQueries(ctx);
}
