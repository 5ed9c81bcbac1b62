/**
 * Index advice that agrees with itself (issue 20 item 5): for the shop's reviews statements the
 * missing-index hover (a product's rating, src/reviews.ts), Suggest Indexes (the featured page's latest
 * reviews, src/products.ts) and Advise Indexes for the Workload name the same index — the one decision
 * shared by the statements that read reviews by product_id — and the hover says it serves the others.
 * Before, the three surfaces gave three definitions for these statements.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const RATING_FILE = 'src/reviews.ts';
const RATING_AT = 'avg(rating)';
const FEATURED_FILE = 'src/products.ts';
const FEATURED_AT = 'ORDER BY created_at DESC LIMIT 3';
const INDEX_NAME = /CREATE INDEX CONCURRENTLY (\w+) ON reviews \(([^)]*)\)/;

export const step: Step = {
  title: 'index advice agrees with itself: the hover, Suggest Indexes and the workload name one index for the reviews statements',
  async run({ wb, workspace, screenshot, log }) {
    const page = wb.page;

    // 1. The missing-index hover on the rating statement (proved in the background after the file opens).
    await wb.openFile(RATING_FILE);
    const onTable = () => wb.hoverInFile(RATING_FILE, RATING_AT, 'FROM', 'reviews');
    // On the finding itself VS Code's problem part says it ("(one index, also serving 1 other statement)"); PG Lens's part
    // lists the statements elsewhere in the statement (person25: the list scrolled the plan out of the hover).
    const SHARED = /one index, also serving \d+ other statements?|One index for (both|\d+ statements) — it also serves:/;
    const hoverText = await wb.hoverUntil(onTable, (t) => INDEX_NAME.test(t) && SHARED.test(t), 'a missing-index hover on the rating statement that names a shared index', 150_000);
    const fromHover = INDEX_NAME.exec(hoverText);
    if (!fromHover) throw new StepFailure(`expected a CREATE INDEX on reviews in the hover; saw ${hoverText.slice(0, 400)}`);
    log(`hover: ${fromHover[0]}; ${SHARED.exec(hoverText)![0]}`);
    await screenshot('rating-hover');
    await page.mouse.move(5, 5);

    // 2. Suggest Indexes with the cursor in the featured page's statement.
    await wb.openFile(FEATURED_FILE);
    const source = fs.readFileSync(path.join(workspace, FEATURED_FILE), 'utf8').split('\n');
    const at = source.findIndex((l) => l.includes(FEATURED_AT));
    if (at < 0) throw new StepFailure(`"${FEATURED_AT}" is not in ${FEATURED_FILE}`);
    await wb.goToLine(at + 1);
    await wb.clickText(FEATURED_AT);
    await wb.runCommand('PG Lens: Suggest Indexes');
    const row = await wb.see(page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'CREATE INDEX' }), 'the suggested indexes in a quick pick', 150_000);
    const pickText = (await row.first().innerText()).replace(/\s+/g, ' ');
    const fromSuggest = INDEX_NAME.exec(pickText);
    if (!fromSuggest) throw new StepFailure(`expected a CREATE INDEX on reviews in Suggest Indexes; saw ${pickText}`);
    log(`Suggest Indexes: ${fromSuggest[0]} · ${pickText.slice(fromSuggest.index + fromSuggest[0].length, fromSuggest.index + fromSuggest[0].length + 160).trim()}`);
    await screenshot('suggest-indexes');
    await wb.closeQuickInput();

    // 3. The workload advice: a Markdown report; its reviews section (scrolled through: Monaco renders only the lines on screen).
    await wb.runCommand('PG Lens: Advise Indexes for the Workload');
    const reportTab = page.locator('.tabs-container .tab.active').filter({ hasText: /Index advice for the workload\.md/ });
    await wb.see(reportTab, 'the workload report', 300_000);
    await wb.see(page.locator('.editor-instance .view-line').filter({ hasText: 'index advice for the workload' }), 'the report\'s title', 30_000);
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await wb.keys('Mod+Home');
    let fromWorkload: RegExpExecArray | null = null;
    for (let i = 0; i < 30 && !fromWorkload; i++) {
      const lines = await page.locator('.editor-instance .view-line').allInnerTexts();
      for (const l of lines) fromWorkload ??= INDEX_NAME.exec(l.replace(/\u00a0/g, ' '));
      if (!fromWorkload) await wb.keys('PageDown');
    }
    if (!fromWorkload) throw new StepFailure('expected an index on reviews in the workload report');
    log(`workload: ${fromWorkload[0]}`);
    await screenshot('workload-report');
    // A report to read, not an Untitled document: nothing to save (it was dirty, and closing it asked to save).
    await wb.closeReadOnlyTab(/Index advice for the workload\.md/, 'the workload report');

    const names = { hover: fromHover[1], suggest: fromSuggest[1], workload: fromWorkload[1] };
    if (new Set(Object.values(names)).size !== 1) throw new StepFailure(`expected one index for the reviews statements on every surface; saw ${JSON.stringify(names)}`);
    if (!SHARED.test(hoverText)) throw new StepFailure('expected the hover to say the index also serves the other statements');
  },
};
