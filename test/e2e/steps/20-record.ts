/**
 * Recording: PG Lens: Start Recording, then the shop's ORM flavour (Sequelize) runs its traffic in
 * a new integrated terminal — which gets the capture through the environment variable collection —
 * and the recorded N+1 appears at the lazy association call: a CodeLens ending in "N+1" and a
 * Problems entry saying how many times it ran in one request. Its quick fix "Go to the query that
 * loads the rows" moves the cursor to the Order.findAll the loop runs over.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../lib/database';
import { runInNewTerminal, startRecording, stopRecording } from '../lib/recording';
import type { Step } from '../lib/types';

const ORM_FILE = 'orm/orders.ts';

export const step: Step = {
  title: 'recording: the ORM call that sends an N+1 shows a CodeLens and an N+1 problem after the traffic runs in a terminal',
  async run({ wb, db, workspace, screenshot, log }) {
    const file = path.join(workspace, ORM_FILE);
    if (!fs.existsSync(file)) throw new Error(`the workspace has no ${ORM_FILE} (examples/shop/orm, the Sequelize flavour)`);
    const line = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('planted: n-plus-one')) + 1;
    await wb.openFile(ORM_FILE);
    // A terminal opened before Start Recording gets no capture: said once, with how to fix it (person39 L1: it recorded
    // nothing, silently). The traffic then runs in a new terminal.
    await wb.runCommand('Terminal: Kill All Terminals');
    await wb.runCommand('Terminal: Create New Terminal');
    await wb.see(wb.page.locator('.terminal-wrapper:visible .xterm'), 'a terminal opened before the recording', 60_000);
    await startRecording(wb);
    const notice = await wb.see(wb.page.locator('.notifications-toasts .notification-toast').filter({ hasText: /opened before the recording started: what runs there is not recorded\. Open a new terminal/ }), 'the notice that the terminal opened before Start Recording is not recorded', 30_000);
    log(`notice: ${((await notice.first().innerText()) ?? '').replace(/\s+/g, ' ').slice(0, 200)}`);
    await runInNewTerminal({ wb, db }, `ROUNDS=2 exec ${path.join(ROOT, 'node_modules', '.bin', 'tsx')} orm/traffic.ts`);
    log('traffic of the ORM flavour running in the integrated terminal');
    const status = await wb.see(wb.statusBarItem(/\d+ statements? · 1 N\+1/), 'the status bar counting the recorded statements and 1 N+1', 120_000);
    log(`status bar: ${(await status.textContent())?.trim()}`);
    // The N+1 problem is the recorded one ("… times in one request"), on the lazy association call.
    const row = await wb.problemRow('in one request', /in one request/, `a recorded N+1 problem for ${ORM_FILE}`, 60_000, ORM_FILE.split('/').pop());
    const text = (await row.first().innerText()).replace(/\s+/g, ' ');
    const ln = Number(/Ln (\d+)/.exec(text)?.[1]);
    if (ln !== line) throw new Error(`expected the recorded N+1 at ${ORM_FILE}:${line} (order.getItems in the loop), saw: ${text}`);
    if (!/10 times in one request/.test(text)) throw new Error(`expected "10 times in one request" (a page of 10 orders), saw: ${text}`);
    log(`problem: ${text.slice(0, 200)}`);
    await row.first().click();
    const lens = await wb.see(wb.page.locator('.editor-instance .monaco-editor .codelens-decoration').filter({ hasText: /N\+1/ }), 'a CodeLens ending in "N+1" above the call', 30_000);
    log(`CodeLens: ${(await lens.first().innerText()).trim()}`);
    await screenshot('recorded-n-plus-one');
    // The quick fix of the recorded N+1 (one diagnostics adapter, one code-action provider): go to the parent query.
    const parentLine = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('await Order.findAll({ order:')) + 1;
    const titles = await wb.quickFixes(/Go to the query that loads the rows/, 'the quick-fix menu with "Go to the query that loads the rows"');
    log(`quick fixes: ${titles.join(' | ')}`);
    const go = titles.find((t) => /Go to the query that loads the rows/.test(t))!;
    if (!go.includes(`${ORM_FILE}:${parentLine}`)) throw new Error(`expected the parent query at ${ORM_FILE}:${parentLine}, saw: ${go}`);
    await wb.pickQuickFix(/Go to the query that loads the rows/);
    await wb.see(wb.statusBarItem(new RegExp(`Ln ${parentLine},`)), `the cursor on ${ORM_FILE}:${parentLine} (Order.findAll)`, 30_000);
    await screenshot('recorded-n-plus-one-parent');
    await stopRecording(wb, log);
  },
};
