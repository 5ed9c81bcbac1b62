/**
 * SQL edited into text PostgreSQL cannot parse (person45 M3): the shop's refundedOrders query typed into by mistake, "…
 * ORDER BY placed_at D LIMIT 100ESC". No hover, no Problem came, and Open Plan at the cursor opened the plan of the
 * statement the recording had seen that line send before the edit (`ORDER BY placed_at DESC`). Now the hover says
 * PostgreSQL's parse error, and Open Plan says the same line and opens no plan. The edit is reverted at the end.
 *
 * And Problems (person46 NEW-1): the line's missing-index warning went and nothing took its place. The connected server's
 * syntax error is in Problems now, at the word it names, gone once the text is as it was: an error (person49 L-2: it was a
 * warning, "0 ⊗ 5 ⚠", while the hover said "It would fail when it runs"), the string being handed to the shop's pg call.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const FILE = 'src/orders.ts';
const SQL_END = "status = 'refunded' ORDER BY placed_at DESC`";

export const step: Step = {
  title: 'SQL with a typo: its parse error on hover and from Open Plan, never a plan of the old text',
  async run({ wb, workspace, screenshot, log }) {
    const page = wb.page;
    const original = fs.readFileSync(path.join(workspace, FILE), 'utf8');
    const lines = original.split('\n');
    const i = lines.findIndex((l) => l.includes(SQL_END));
    if (i < 0) throw new StepFailure(`expected ${FILE} to hold "${SQL_END}"`);
    await wb.freshEditor(FILE);
    // The cursor between "D" and "ESC" of DESC (Go to Line's column is 1-based), then " LIMIT 100" typed: "D LIMIT 100ESC".
    await wb.goToLine(i + 1, lines[i].indexOf('DESC`') + 2);
    await page.keyboard.type(' LIMIT 100');
    await wb.see(wb.editorText('D LIMIT 100ESC'), 'the typo in the editor', 20_000);
    const toasts = page.locator('.notifications-toasts .notification-list-item-message');
    await toasts.evaluateAll((els) => els.forEach((e) => e.setAttribute('data-pglens-e2e-seen', '')));
    const fresh = page.locator('.notifications-toasts .notification-list-item-message:not([data-pglens-e2e-seen])');
    try {
      // The hover at the cursor (in the string, after "100"), asked from the keyboard: Monaco renders a long string token in
      // pieces, so a word of it is not found by its neighbours on screen.
      const hover = page.locator('.monaco-hover:not(.hidden)');
      // The hover at the cursor, asked until its text says `want`.
      const hoverSaying = (want: RegExp, what: string) =>
        wb.until(async () => {
          await wb.runCommand('Show or Focus Hover');
          await hover.first().waitFor({ state: 'visible', timeout: 5000 }).catch(() => undefined);
          await page.waitForTimeout(1000);
          const t = (await hover.first().innerText().catch(() => '')) ?? '';
          await page.keyboard.press('Escape');
          return want.test(t) ? t : undefined;
        }, what, 60_000);
      const said = await hoverSaying(/cannot parse/, 'the hover of the typo saying PostgreSQL cannot parse it');
      log(`hover: ${said.replace(/\s+/g, ' ').slice(0, 200)}`);
      if (!new RegExp(`PostgreSQL cannot parse the SQL on line ${i + 1}: syntax error at or near "D"`).test(said.replace(/\s+/g, ' '))) throw new StepFailure(`expected the hover to say PostgreSQL's syntax error at "D" on line ${i + 1}; saw: ${said}`);
      await screenshot('typo-sql-hover');
      // Open Plan at the cursor (on the typo's line): the same line as a notification, and no plan viewer.
      await wb.goToLine(i + 1, lines[i].indexOf('placed_at') + 1);
      await wb.runCommand('PG Lens: Open Plan', /PG Lens: Open Plan(?! from)/);
      await wb.see(fresh.filter({ hasText: /PG Lens: PostgreSQL cannot parse the SQL on line \d+: syntax error at or near "D"/ }), 'Open Plan saying the parse error', 30_000);
      await page.waitForTimeout(2000);
      const tabs = (await page.locator('.tabs-container .tab').allInnerTexts()).map((t) => t.trim().split('\n')[0]);
      if (tabs.some((t) => /^Plan/.test(t))) throw new StepFailure(`expected no plan viewer for SQL that does not parse; tabs: ${tabs.join(' | ')}`);
      await screenshot('typo-sql-open-plan');
      // Problems: the server's syntax error, an error of orders.ts.
      const row = await wb.problemRow('syntax-error', /PostgreSQL: syntax error at or near "D"/, 'the error of the typo', 60_000, 'orders.ts');
      log(`problem: ${(await row.innerText()).replace(/\s+/g, ' ').slice(0, 200)}`);
      if (!(await row.locator('.codicon-error, .codicon-problems-error-icon').count()) || (await row.locator('.codicon-warning, .codicon-problems-warning-icon').count())) throw new StepFailure(`expected the typo's problem to be an error; row: ${await row.evaluate((e) => e.outerHTML.slice(0, 400))}`);
      await screenshot('typo-sql-problems');
      // The hover ON the word the warning marks (person48 L1): VS Code shows the Problem's text there itself; PG Lens's own
      // line said the same error again in other words ("⚠ PostgreSQL: syntax error…" over "⊗ … cannot parse … syntax error…").
      await wb.runCommand('View: Focus Active Editor Group');
      await wb.goToLine(i + 1, lines[i].indexOf('DESC`') + 1);
      const onWord = await hoverSaying(/syntax error at or near/, 'the hover on the typo\'s word');
      log(`hover on the word: ${onWord.replace(/\s+/g, ' ').slice(0, 200)}`);
      const times = onWord.match(/syntax error at or near "D"/g)?.length ?? 0;
      if (times !== 1) throw new StepFailure(`expected the hover on "D" to say the syntax error once; said ${times} times: ${onWord}`);
      await screenshot('typo-sql-hover-on-word');
    } finally {
      await page.mouse.move(5, 500);
      // Focus leaving the editor (the Problems panel) may have saved the typo (files.autoSave onFocusChange): the file on
      // disk is put back as it was, then the editor reverted to it.
      if (fs.readFileSync(path.join(workspace, FILE), 'utf8') !== original) fs.writeFileSync(path.join(workspace, FILE), original);
      await wb.runCommand('View: Focus Active Editor Group');
      await wb.runCommand('File: Revert File');
    }
    // The text as it was: the error is gone.
    await wb.until(async () => ((await wb.problemTexts('syntax-error', 'orders.ts')).length === 0 ? true : undefined), 'the typo\'s error gone after the revert', 60_000);
  },
};
