/**
 * Open Plan and Suggest Indexes with the cursor on a RECORDED ORM call (person12 R7, R10): an ORM call holds no SQL,
 * so the commands take the statement the recording saw that line send — as the recorded CodeLens above it does. They
 * said "no SQL statement on line 31 … known once the app runs it: PG Lens: Start Recording" under a lens showing the
 * recording. The shop's orm/orders.ts: refundedOrders' `Order.findAll({ where: { status: 'refunded' } … })` (one
 * statement, on orders without an index on status). Its "Plan and index advice" opens the document and the plan viewer
 * in ONE group beside the code (R8), the viewer's tip naming the index the hover names (R9). On a line the recording did
 * not reach, the message says the recording saw nothing from that line (not "known once the app runs it").
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clearRecordedQueries, recordOrmTrafficOnce } from '../lib/recording';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const ORM_FILE = 'orm/orders.ts';
const CALL = "Order.findAll({ where: { status: 'refunded' }";

export const step: Step = {
  title: 'Open Plan and Suggest Indexes on a recorded ORM line use the recorded statement; its advice opens in one group beside the code',
  async run({ wb, db, workspace, screenshot, log }) {
    const page = wb.page;
    const lines = fs.readFileSync(path.join(workspace, ORM_FILE), 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes(CALL)) + 1;
    const fn = lines.findIndex((l) => l.includes('export async function refundedOrders(')) + 1;
    if (!line || !fn) throw new StepFailure(`expected ${ORM_FILE} to hold refundedOrders with "${CALL}"`);
    // Its own state: no editor, plan panel or panel from an earlier step; no recording left.
    await recordOrmTrafficOnce({ wb, db });
    await wb.hidePanel();
    await wb.openFile(ORM_FILE);
    await wb.see(page.locator('.editor-instance .monaco-editor .codelens-decoration a').filter({ hasText: /^\s*1 call · / }), 'the recorded CodeLens "1 call · …" of refundedOrders', 60_000);
    const toasts = page.locator('.notifications-toasts .notification-list-item-message');
    await toasts.evaluateAll((els) => els.forEach((e) => e.setAttribute('data-pglens-e2e-seen', '')));
    const fresh = page.locator('.notifications-toasts .notification-list-item-message:not([data-pglens-e2e-seen])');

    // Open Plan on the recorded line (the cursor after `return`, inside the call): the recorded statement's plan.
    await wb.goToLine(line, lines[line - 1].indexOf('Order.findAll') + 12);
    await wb.runCommand('PG Lens: Open Plan', /PG Lens: Open Plan(?! from)/);
    const view = await wb.webview(/^Plan: SELECT/).catch(async (e: unknown) => {
      throw new StepFailure(`expected the plan of the recorded statement of line ${line}; notifications: ${(await fresh.allInnerTexts()).join(' | ')}; ${String(e)}`);
    });
    await wb.see(view.locator('body').filter({ hasText: /Scan/ }).filter({ hasText: /orders/ }), "the recorded statement's plan (a scan of orders) in the viewer", 60_000);
    const said = (await fresh.allInnerTexts()).join(' | ');
    if (/no SQL statement on line/.test(said)) throw new StepFailure(`Open Plan on the recorded line said: ${said}`);
    await screenshot('open-plan-recorded-orm-line');

    // Suggest Indexes on the same line: the advisor answers (a pick list, or what it found) within the wait, never "no SQL".
    await wb.runCommand('View: Close All Editor Groups');
    await wb.openFile(ORM_FILE);
    await wb.goToLine(line, lines[line - 1].indexOf('Order.findAll') + 12);
    await toasts.evaluateAll((els) => els.forEach((e) => e.setAttribute('data-pglens-e2e-seen', '')));
    await wb.runCommand('PG Lens: Suggest Indexes');
    const picked = page.locator('.quick-input-widget .quick-input-title').filter({ hasText: /suggested indexes/ });
    const answered = fresh.filter({ hasText: /^PG Lens: (?!Suggest Indexes)/ });
    await wb.until(async () => (await picked.isVisible().catch(() => false)) || (await answered.count()) > 0, 'Suggest Indexes on the recorded line: the suggested indexes, or what the advisor found', 120_000);
    const advised = (await answered.allInnerTexts()).join(' | ');
    if (/no SQL statement/.test(advised)) throw new StepFailure(`Suggest Indexes on the recorded line said: ${advised}`);
    log(advised ? `advisor: ${advised}` : 'the suggested indexes pick is shown');
    let provedOnStatus = false;
    if (await picked.isVisible().catch(() => false)) {
      const first = (await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().innerText()).replace(/\s+/g, ' ');
      log(`first suggestion: ${first.slice(0, 200)}`);
      if (!/orders/.test(first) || !/status/.test(first)) throw new StepFailure(`expected an index on orders (status …) first; saw: ${first}`);
      provedOnStatus = /proved/.test(first);
    }
    await screenshot('suggest-indexes-recorded-orm-line');
    await page.keyboard.press('Escape');

    // The recorded line's "Plan and index advice" (person12 R8, R9): the document and the plan viewer share ONE group
    // beside the code (they were two more columns: three ~200 px columns at 800 px), and the viewer's tip names the
    // index proved for the statement, as the recorded line's hover does (it said "see Suggest indexes").
    await wb.runCommand('View: Close All Editor Groups');
    await wb.openFile(ORM_FILE);
    const advice = await wb.hoverLink("'refunded'", /Plan and index advice/, 'the recorded line\'s hover with "Plan and index advice"', 90_000);
    await advice.click();
    await page.mouse.move(5, 500);
    const viewer = await wb.webview(/^Plan/);
    await wb.see(viewer.locator('body').filter({ hasText: /Scan/ }), "the recorded statement's plan in the viewer", 60_000);
    await wb.see(page.locator('.tabs-container .tab').filter({ hasText: /^Recorded at / }), 'the recorded site\'s document as a tab', 30_000);
    const groups = await page.locator('.part.editor .editor-group-container').count();
    if (groups !== 2) throw new StepFailure(`expected the code and ONE group beside it (the document and the plan viewer as its tabs); saw ${groups} editor groups`);
    // The index Suggest Indexes proved above for this statement is the one the viewer's tip names. When the advisor
    // proved none (earlier steps' writes can make orders write-heavy: "orders (status), cost … withheld: orders is write-heavy …"), the viewer has
    // no index tip to agree with, and the step says so.
    if (provedOnStatus) {
      await wb.see(viewer.locator('body').filter({ hasText: /Tips/ }), "the plan viewer's tips", 30_000);
      // A shared index's tip says so, and its saving says "proved by the planner" (person54 L-1: not twice).
      await wb.see(viewer.locator('body').filter({ hasText: /orders \(status[^)]*\)[^.]*(?:proved|one index shared with)/ }), 'the viewer\'s tip naming the proved index on orders (status …), as the hover does', 60_000);
    } else log('no index proved for the recorded statement (the advisor said why above): no index tip to compare');
    await screenshot('recorded-advice-one-group');

    // A line the recording did not reach (the function's comment): no plan, and the message says what the recording holds.
    await wb.runCommand('View: Close All Editor Groups');
    await wb.openFile(ORM_FILE);
    await wb.goToLine(fn - 1);
    await wb.runCommand('PG Lens: Open Plan', /PG Lens: Open Plan(?! from)/);
    const none = await wb.see(fresh.filter({ hasText: /no SQL statement on line/ }), 'the "no SQL statement" message on a line the recording did not reach', 60_000);
    const text = await none.innerText();
    if (!/saw no statement sent from this line/.test(text)) throw new StepFailure(`expected the message to say the recording saw nothing from this line; saw: ${text}`);
    await clearRecordedQueries(wb);
    await wb.runCommand('View: Close All Editor Groups');
  },
};
