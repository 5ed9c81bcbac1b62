/**
 * One saving for one index: the plan viewer's tip about the scan the missing-index advice proved an index for says
 * the hover's own figures ("saves ~N cost units: cost A → B, proved by the planner"), not a rough "(could save
 * ~498.60)" beside the hover's "cost 554 → 25.7". The statement reads order_items (the e2e shop's one table over
 * 10k rows) by product_id, which has no index; the file is written for this step and removed after it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const REL = 'src/sales.ts';
const LINE = 'SELECT order_id, quantity FROM order_items WHERE product_id = $1';
const CODE = `import type { Db } from './db';

export async function salesOf(db: Db, productId: number) {
  const { rows } = await db.query('${LINE}', [productId]);
  return rows;
}
`;

export const step: Step = {
  title: "the plan tip of a scan with a proved index says the hover's saving, with its unit",
  async run({ wb, workspace, screenshot, log }) {
    const file = path.join(workspace, REL);
    fs.writeFileSync(file, CODE);
    try {
      await wb.runCommand('View: Close All Editor Groups');
      await wb.runCommand('View: Show Explorer');
      await wb.page.locator('.explorer-folders-view').hover();
      await wb.see(wb.page.locator('.action-item a[aria-label="Refresh Explorer"]'), "the explorer's Refresh button").then((b) => b.first().click());
      await wb.openFile(REL);
      // On the finding itself its message (VS Code's problem part) gives the cost; PG Lens's part does not repeat it.
      const text = await wb.hoverUntil(() => wb.hoverInFile(REL, LINE, 'FROM', 'order_items'), (t) => /an index on order_items[^\n]* cuts the estimated cost/.test(t) && /with the index ·/.test(t), 'a missing-index hover on order_items by product_id', 90_000);
      const m = /an index on order_items[^\n]* cuts the estimated cost ([\d.,]+) → ([\d.,]+)/.exec(text);
      if (!m) throw new StepFailure(`expected "cost A → B" in the missing-index hover; saw "${text.slice(0, 400)}"`);
      log(`hover: cost ${m[1]} → ${m[2]}`);
      const link = await wb.see(wb.page.locator('.monaco-hover:not(.hidden) a').filter({ hasText: /Open plan/i }), 'the "Open plan" link of the plan hover', 30_000);
      await link.click();
      const view = await wb.webview(/^Plan/);
      const saving = await wb.see(view.locator('.tips .saving'), 'a tip with its saving in the plan viewer', 30_000);
      const said = (await view.locator('.tips .saving').allInnerTexts()).map((s) => s.trim());
      log(`tips' savings: ${said.join(' | ')}`);
      const want = `cost ${m[1]} → ${m[2]}, proved by the planner`;
      if (!said.some((s) => s.includes(want) && /^\(saves ~[\d.,]+ cost units: /.test(s))) throw new StepFailure(`expected a tip saying "saves ~… cost units: ${want}"; saw ${JSON.stringify(said)}`);
      if (said.some((s) => /~[\d.]+\)$/.test(s))) throw new StepFailure(`expected every saving with its unit; saw ${JSON.stringify(said)}`);
      await wb.page.mouse.move(5, 5);
      await saving.scrollIntoViewIfNeeded();
      await screenshot('plan-tip-proved-saving');
      await wb.runCommand('View: Close All Editor Groups');
    } finally {
      fs.rmSync(file, { force: true });
    }
  },
};
