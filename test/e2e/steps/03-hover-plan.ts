/** Hovering a query in a .ts file shows its plan, with an "Open plan" link. */
import type { Step } from '../lib/types';

export const step: Step = {
  title: 'hovering a query in a .ts file shows its plan',
  async run({ wb, scenario, screenshot, log }) {
    await wb.openFile(scenario.queryFile);
    const hover = await wb.hover(scenario.queryText);
    const plan = hover.filter({ hasText: /(Seq Scan|Index Scan|Bitmap Heap Scan|Index Only Scan)/ });
    await wb.see(plan, `a hover over "${scenario.queryText}" with the plan's scan nodes (Seq Scan / Index Scan …) of ${scenario.missingIndex.table}`, 30_000);
    await wb.see(hover.filter({ hasText: scenario.missingIndex.table }), `the table "${scenario.missingIndex.table}" named in the plan hover`);
    await wb.see(hover.locator('a').filter({ hasText: /Open plan/i }), 'an "Open plan" link in the plan hover');
    log(`hover: ${((await hover.first().innerText()) ?? '').replace(/\s+/g, ' ').slice(0, 160)}`);
    await screenshot('hover');
  },
};
