/**
 * A recorded call site's plan is shown the way every plan is: "Plan and index advice" opens the plan viewer beside
 * its document (which keeps the plan's brief, not a block of plan text), and the call site's hover has "Open plan"
 * for each recorded statement.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../lib/database';
import { clearRecordedQueries, readRecordedDocument, runInRecordingTerminal, stopRecording } from '../lib/recording';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const ORM_FILE = 'orm/orders.ts';

export const step: Step = {
  title: 'a recorded call site\'s plan opens in the plan viewer (Plan and index advice, and "Open plan" in its hover)',
  async run({ wb, db, workspace, screenshot, log }) {
    if (!fs.readFileSync(path.join(workspace, ORM_FILE), 'utf8').includes('order.getItems(')) throw new StepFailure(`${ORM_FILE} has no order.getItems( call (the recorded N+1 line)`);
    await wb.openFile(ORM_FILE);
    await runInRecordingTerminal({ wb, db }, `ROUNDS=1 exec ${path.join(ROOT, 'node_modules', '.bin', 'tsx')} orm/traffic.ts`);
    await wb.see(wb.statusBarItem(/\d+ statements? · 1 N\+1/), 'the status bar counting the recorded statements and 1 N+1', 120_000);
    await stopRecording(wb, log);
    await wb.runCommand('Terminal: Kill All Terminals');
    await wb.openFile(ORM_FILE);
    const lens = await wb.see(wb.page.locator('.editor-instance .monaco-editor .codelens-decoration a').filter({ hasText: /N\+1/ }), 'the recorded CodeLens ending in "N+1"', 60_000);
    await lens.click();
    const view = await wb.webview(/^Plan/);
    await wb.see(view.locator('body').filter({ hasText: /(Seq Scan|Index Scan|Bitmap Heap Scan)/ }), 'the recorded statement\'s plan nodes in the plan viewer', 60_000);
    await screenshot('recorded-plan-in-viewer');
    const text = await readRecordedDocument(wb);
    log(`document: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
    if (!/The whole plan is open in the plan viewer/.test(text)) throw new StepFailure(`expected the document to point to the plan viewer; saw: ${text.slice(0, 600)}`);
    if (/\(cost [\d.,]+ self\)/.test(text)) throw new StepFailure(`expected the plan's brief in the document, not a block of plan text; saw: ${text.slice(0, 600)}`);
    // The hover of the recorded line: "Open plan" for its statements, as the SQL hover has.
    await wb.runCommand('View: Close All Editor Groups');
    await wb.openFile(ORM_FILE);
    const link = await wb.hoverLink('getItems', /Open plan/, 'an "Open plan" link in the recorded line\'s hover', 60_000);
    await wb.see(link.first(), 'an "Open plan" link in the recorded line\'s hover', 30_000);
    await screenshot('recorded-hover-open-plan');
    await link.first().click();
    const again = await wb.webview(/^Plan/);
    await wb.see(again.locator('body').filter({ hasText: /(Seq Scan|Index Scan|Bitmap Heap Scan)/ }), 'the plan viewer from the hover\'s Open plan', 60_000);
    await clearRecordedQueries(wb);
    await wb.runCommand('View: Close All Editor Groups');
  },
};
