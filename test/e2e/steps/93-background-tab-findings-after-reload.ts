/**
 * person38 L6: after the window reopened, a background tab's findings came back only when its tab was focused
 * (products.ts's offset-pagination), its recorded findings alone were shown. VS Code loads only the visible editors'
 * documents on a reload; PG Lens now analyses every tab's file. src/products.ts is left behind another file in its group,
 * the window reloads, and its offset-pagination problem is in the Problems panel without its tab being focused.
 */
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const RULE = 'offset-pagination';
const FILE = 'src/products.ts';

export const step: Step = {
  title: "a background tab's findings are in the Problems panel after Developer: Reload Window, its tab never focused",
  async run({ wb, scenario, screenshot, log }) {
    const page = wb.page;
    await wb.runCommand('View: Close All Editor Groups');
    await wb.openFile(FILE);
    // Another file in front of it in the same group: products.ts is a background tab.
    const front = scenario.loopFile === FILE ? 'src/orders.ts' : scenario.loopFile;
    await wb.openFile(front);
    const productsTab = page.locator('.tabs-container .tab').filter({ hasText: 'products.ts' });
    await wb.see(productsTab, 'the products.ts tab behind the other file');
    await wb.reloadWindow();
    await wb.see(productsTab, 'the products.ts tab restored after the reload', 60_000);
    if ((await productsTab.first().getAttribute('class'))?.includes('active')) throw new StepFailure('expected products.ts to stay a background tab after the reload');
    const rows = await wb.until(
      async () => {
        const texts = (await wb.problemTexts(RULE, 'products.ts')).filter((t) => t.includes(RULE));
        return texts.length ? texts : undefined;
      },
      `the ${RULE} problem of ${FILE} in the Problems panel after the reload, its tab not focused`,
      90_000,
    );
    log(`after the reload, products.ts (background tab): ${rows.join(' | ').slice(0, 200)}`);
    if ((await productsTab.first().getAttribute('class'))?.includes('active')) throw new StepFailure('products.ts was focused while its problem was waited for');
    await screenshot('background-tab-findings-after-reload');
    await wb.hidePanel();
  },
};
