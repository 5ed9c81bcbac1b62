/**
 * A recorded call site's "Plan and index advice" (its CodeLens, the hover link, the quick fix) opens the site's
 * statements beside the code, each with its plan and the index advice proved for it — it said only "plans and index
 * advice … are in its hover" and showed nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../lib/database';
import { readRecordedDocument, runInRecordingTerminal, stopRecording } from '../lib/recording';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const ORM_FILE = 'orm/orders.ts';

export const step: Step = {
  title: 'a recorded call site: "Plan and index advice" opens its statements with their plans and index advice',
  async run({ wb, db, workspace, screenshot, log }) {
    const file = path.join(workspace, ORM_FILE);
    const line = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('planted: n-plus-one')) + 1;
    await wb.openFile(ORM_FILE);
    await runInRecordingTerminal({ wb, db }, `ROUNDS=1 exec ${path.join(ROOT, 'node_modules', '.bin', 'tsx')} orm/traffic.ts`);
    await wb.see(wb.statusBarItem(/\d+ statements? · 1 N\+1/), 'the status bar counting the recorded statements and 1 N+1', 120_000);
    await stopRecording(wb, log);
    await wb.openFile(ORM_FILE);
    const lens = await wb.see(wb.page.locator('.editor-instance .monaco-editor .codelens-decoration a').filter({ hasText: /N\+1/ }), 'the recorded CodeLens ending in "N+1"', 60_000);
    log(`CodeLens: ${(await lens.innerText()).trim()}`);
    await lens.click();
    const title = `Recorded at ${ORM_FILE.replace(/\//g, '-')}:${line}.md`;
    await wb.see(wb.page.locator('.tabs-container .tab').filter({ hasText: title }), `a tab "${title}" beside the code`, 60_000);
    // The plan viewer opens too, over it in the same group (person12 R8): once it is there, the document is read.
    await wb.webview(/^Plan/);
    const text = await readRecordedDocument(wb);
    log(`document: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
    for (const want of [/# Recorded at orm\/orders\.ts:\d+/, /## 1\. \d+×/, /### Plan/, /Scan on order_items|Index Scan|Seq Scan/, /### Index advice/]) {
      if (!want.test(text)) throw new StepFailure(`expected ${want} in the opened document; saw: ${text.slice(0, 600)}`);
    }
    await screenshot('recorded-plan-and-advice');
    await wb.runCommand('View: Close All Editor Groups');
  },
};
