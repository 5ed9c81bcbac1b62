/**
 * Benchmark Query goes to its own statement's panel (person9 P19: run from the palette on the keyset statement, its
 * result went into the open panel of the OFFSET statement's plan, under that plan's title). The OFFSET statement's plan
 * is open; the keyset statement is benchmarked from the palette with both values empty (NULL): the result opens in a
 * panel of its own, says that no run returned a row, and the OFFSET plan's tab keeps its title and no benchmark.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const FILE = 'src/products.ts';
// Within one of Monaco's 50-character pieces of a long string token (the editor splits them into spans).
const OFFSET = 'LIMIT $1 OFFSET $2';
const KEYSET = 'id > $1 ORDER BY id LIMIT';
const OFFSET_TAB = /^Plan: SELECT id, sku, name, price_cents FROM products ORDER BY/;

export const step: Step = {
  title: "Benchmark Query goes to its own statement's panel, and says when its values return no rows",
  async run({ wb, workspace, screenshot, log }) {
    const page = wb.page;
    const lines = fs.readFileSync(path.join(workspace, FILE), 'utf8').split('\n');
    const lineOf = (text: string) => lines.findIndex((l) => l.includes(text)) + 1;
    const input = (title: RegExp) => page.locator('.quick-input-widget').filter({ hasText: title }).locator('.quick-input-box input');
    // The code alone, full width, the whole editor height: an earlier step may have left a split, a panel (Problems,
    // Output, a terminal) or the file scrolled elsewhere (the fresh-clone CI failed here: the hover waited 60 s for a
    // line that was never rendered). wb.hover puts the OFFSET line on screen itself.
    await wb.freshEditor(FILE);
    // The OFFSET statement's plan, open beside the code.
    const link = await wb.hoverLink(OFFSET, /Open plan/i, 'an "Open plan" link in the hover of the OFFSET statement', 60_000, async () => {
      if (!(await page.locator('.tabs-container .tab.active').filter({ hasText: 'products.ts' }).count())) await wb.openFile(FILE);
    });
    await link.click();
    await wb.see(page.locator('.tabs-container .tab').filter({ hasText: OFFSET_TAB }), "the OFFSET statement's plan tab", 60_000);
    // Then the cursor into the keyset statement's string, by line and column (a click could miss it: the plan beside
    // the code hides the end of its line); its editor is the active one when Benchmark Query runs.
    const line = lineOf(KEYSET);
    await page.locator('.tabs-container .tab').filter({ hasText: /^products\.ts/ }).first().click();
    await wb.goToLine(line, lines[line - 1].indexOf(KEYSET) + 1);

    // Benchmark Query from the palette, the cursor on the keyset statement; both values empty (NULL).
    await wb.runCommand('PG Lens: Benchmark Query');
    for (const [title, v] of [[/Benchmark: executions/, '20'], [/Benchmark: concurrent sessions/, '1'], [/Value for \$1/, ''], [/Value for \$2/, '']] as const) {
      const box = await wb.see(input(title), `the "${String(title)}" prompt`, 30_000);
      await box.fill(v);
      await box.press('Enter');
    }
    const bench = await wb.webview(/^Benchmark: SELECT id, sku, name, price_cents FROM/);
    await wb.see(bench.locator('body').filter({ hasText: /p50/ }), 'the benchmark result in its own panel', 120_000);
    const note = await wb.see(bench.locator('.no-rows'), 'the note that no run returned a row', 10_000);
    log(`no-rows note: ${(await note.innerText()).trim()}`);
    if (!/\$1, \$2 are NULL/.test(await note.innerText())) throw new StepFailure(`expected the note to say $1 and $2 are NULL; it says: ${await note.innerText()}`);
    if (!(await bench.locator('pre.query').filter({ hasText: 'WHERE id > $1' }).count())) throw new StepFailure('expected the benchmark panel to show the keyset statement');
    await screenshot('benchmark-own-panel');

    // The OFFSET plan's tab: its title and its plan, no benchmark beside it.
    const tabs = (await page.locator('.tabs-container .tab').allInnerTexts()).map((t) => t.trim().split('\n')[0]);
    log(`tabs: ${tabs.join(' | ')}`);
    await page.locator('.tabs-container .tab').filter({ hasText: OFFSET_TAB }).first().click();
    const plan = await wb.webview(OFFSET_TAB);
    await wb.see(plan.locator('body').filter({ hasText: /Scan/ }), "the OFFSET statement's plan still in its tab", 30_000);
    if (await plan.locator('.bench-host').filter({ hasText: /p50/ }).count()) throw new StepFailure("expected no benchmark beside the OFFSET statement's plan");
    await screenshot('other-plan-untouched');
  },
};
