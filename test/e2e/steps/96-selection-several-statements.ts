/**
 * A selection that holds several statements is answered per statement (person43 L4: Suggest Indexes on a selected script
 * of 6 statements refused "the text holds 6 statements; index analysis reads one at a time"). The shop's customers.ts
 * selected whole (three statements): Open Plan offers them in a pick list titled "the selection holds 3 statements";
 * picking customerOrders' opens that statement's plan. Suggest Indexes, Explain Analyze and Benchmark Query ask the
 * same resolver (statementAtCursor).
 */
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const FILE = 'src/customers.ts';
const TAB = /^Plan: SELECT id, status, total_cents, placed_at/;

export const step: Step = {
  title: 'A selection of several statements offers them to pick; the plan opens for the one picked',
  async run({ wb, screenshot, log }) {
    const page = wb.page;
    await wb.runCommand('View: Close All Editor Groups');
    await wb.hidePanel();
    await wb.openFile(FILE);
    await wb.goToLine(1);
    await wb.keys('Mod+A');
    await wb.runCommand('PG Lens: Open Plan', /PG Lens: Open Plan(?! from)/);
    const title = page.locator('.quick-input-widget .quick-input-title').filter({ hasText: /the selection holds 3 statements/ });
    await wb.see(title, 'the pick list of the selection\'s statements', 60_000).catch(async (e: unknown) => {
      const toasts = (await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()).join(' | ');
      throw new StepFailure(`expected a pick list "the selection holds 3 statements"; notifications: ${toasts}; ${String(e)}`);
    });
    const rows = await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').allInnerTexts();
    log(`offered: ${rows.map((r) => r.replace(/\s+/g, ' ')).join(' | ')}`);
    await screenshot('selection-pick');
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: /SELECT id, status, total_cents, placed_at/ }).first().click();
    const view = await wb.webview(TAB).catch((e: unknown) => {
      throw new StepFailure(`expected the plan of customerOrders' statement (a "Plan: SELECT id, status, …" tab): ${String(e)}`);
    });
    await wb.see(view.locator('body').filter({ hasText: /orders/ }), "the picked statement's plan in the viewer", 60_000);
    await screenshot('selection-picked-plan');
  },
};
