/**
 * Open Plan with the cursor on a call's line whose SQL starts on the next line opens THAT statement's plan (person11
 * Q9: on Unleash's `const result = await this.db.raw(` it opened a look-alike statement 65 lines down). The shop's
 * customers.ts: `const { rows } = await db.query(` of customerOrders (its SQL on the lines below), after two
 * look-alike `SELECT id, … FROM customers` statements. The cursor is put at the start of the call's line (Go to
 * Line), before the call itself: the plan viewer opens on the orders statement, not a customers one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const FILE = 'src/customers.ts';
const FUNCTION = 'export async function customerOrders(';
const CALL = 'await db.query(';
const TAB = /^Plan: SELECT id, status, total_cents, placed_at/;

export const step: Step = {
  title: "Open Plan on a call's line (its SQL on the next line) opens that statement's plan",
  async run({ wb, workspace, screenshot, log }) {
    const page = wb.page;
    const lines = fs.readFileSync(path.join(workspace, FILE), 'utf8').split('\n');
    // The call line of customerOrders: the first `await db.query(` line after the function's line (found by text).
    const fn = lines.findIndex((l) => l.includes(FUNCTION));
    const call = lines.findIndex((l, i) => i > fn && l.trimEnd().endsWith(CALL));
    if (fn < 0 || call < 0 || !/^\s*`SELECT id, status/.test(lines[call + 1] ?? '')) throw new StepFailure(`expected ${FILE} to hold customerOrders with its SQL on the line after "${CALL}"`);
    // Its own state: no plan panel or other editor from an earlier step, no panel taking the editor's height.
    await wb.runCommand('View: Close All Editor Groups');
    await wb.hidePanel();
    await wb.openFile(FILE);
    await wb.goToLine(call + 1);
    log(`cursor at the start of line ${call + 1}: ${lines[call]!.trim()}`);
    await wb.runCommand('PG Lens: Open Plan', /PG Lens: Open Plan(?! from)/);
    const view = await wb.webview(TAB).catch(async (e: unknown) => {
      const tabs = (await page.locator('.tabs-container .tab').allInnerTexts()).map((t) => t.trim().split('\n')[0]).join(' | ');
      const toasts = (await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()).join(' | ');
      throw new StepFailure(`expected the plan of customerOrders' statement (a "Plan: SELECT id, status, total_cents, placed_at" tab); tabs: ${tabs}; notifications: ${toasts}; ${String(e)}`);
    });
    await wb.see(view.locator('body').filter({ hasText: /Scan/ }).filter({ hasText: /orders/ }), "the orders statement's plan in the viewer", 60_000);
    if (await page.locator('.tabs-container .tab').filter({ hasText: /^Plan: SELECT id, email, name, country/ }).count()) throw new StepFailure("expected no plan of a customers look-alike statement");
    await screenshot('open-plan-call-line');
  },
};
