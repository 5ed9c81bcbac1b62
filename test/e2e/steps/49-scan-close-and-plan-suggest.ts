/**
 * Two things a person's hour found (issue 20, session 5):
 *  - after Scan Workspace, opening a file and closing it again made its findings disappear from the Problems
 *    panel (11 warnings after the scan, 4 after opening and closing two files);
 *  - the plan viewer's "Suggest indexes" button only said "open a file and put the cursor on a query": with the
 *    panel focused there is no active text editor, and the command ignored the statement the panel named.
 */
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

export const step: Step = {
  title: 'after Scan Workspace a file opened and closed keeps its findings; the plan viewer\'s Suggest indexes acts on its statement',
  async run({ wb, scenario, screenshot, log }) {
    const page = wb.page;
    const settle = async (what: string) => (await wb.settledProblemCounts(what)).warnings;
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('PG Lens: Scan Workspace');
    const done = page.locator('.notifications-toasts .notification-list-item-message').filter({ hasText: /Scanned \d+ files? in/ });
    await wb.see(done, 'the "Scanned … files" notification', 120_000);
    const afterScan = await settle('the counts after the scan to settle');
    log(`after the scan: ${afterScan} warnings`);
    if (!(afterScan > 0)) throw new StepFailure('expected warnings after Scan Workspace');
    await wb.openFile('src/orders.ts');
    await wb.openFile('src/products.ts');
    await settle('the counts with the two files open to settle');
    await wb.runCommand('View: Close All Editors');
    const afterClose = await settle('the counts after closing the files to settle');
    log(`after opening and closing src/orders.ts and src/products.ts: ${afterClose} warnings`);
    await screenshot('scan-open-close-counts');
    if (afterClose !== afterScan) throw new StepFailure(`the Problems panel had ${afterScan} warnings after the scan and ${afterClose} after opening and closing two files`);

    await wb.openFile(scenario.queryFile);
    const link = await wb.hoverLink(scenario.queryText, /Open plan/i, 'an "Open plan" link in the plan hover');
    await link.click();
    const view = await wb.webview(/^Plan/);
    await wb.see(view.locator('button').filter({ hasText: /^Suggest indexes$/ }), 'the plan viewer\'s Suggest indexes button', 30_000);
    await view.locator('button').filter({ hasText: /^Suggest indexes$/ }).click();
    const picked = page.locator('.quick-input-widget .quick-input-title').filter({ hasText: /suggested indexes/ });
    // What the advisor found, when it suggests nothing: in a notification, or in the plan viewer's own line under its
    // buttons (noIndexAnswer's words: no index cuts…, no index to add…, not tried…; withheldAnswer's "…, withheld: …"; or the
    // editor-only refusal).
    const answer = /no index (cuts|candidate|to add)|, withheld: |not tried|not proved|open a file and put the cursor/;
    const none = page.locator('.notifications-toasts .notification-list-item-message').filter({ hasText: answer });
    const inPanel = view.getByText(answer);
    await wb.until(async () => (await picked.isVisible().catch(() => false)) || (await none.count()) > 0 || (await inPanel.count()) > 0, 'the suggestions (or what the advisor found) after Suggest indexes in the plan viewer', 90_000);
    await screenshot('plan-suggest-indexes');
    const said = [...(await none.allInnerTexts()), ...(await inPanel.allInnerTexts())].join(' | ');
    if (/open a file and put the cursor/.test(said)) throw new StepFailure(`the plan viewer's Suggest indexes asked for an editor: "${said}"`);
    log(said ? `advisor: ${said}` : 'the suggested indexes pick is shown');
    await page.keyboard.press('Escape');
  },
};
