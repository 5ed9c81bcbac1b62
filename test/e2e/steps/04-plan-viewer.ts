/**
 * "Open plan" from the hover opens the plan viewer, which shows the plan as a tree; the hover closes when its link's
 * command runs (person38 L2: it stayed open over the new panel, the mouse still on the link).
 */
import type { Step } from '../lib/types';

export const step: Step = {
  title: 'the plan viewer opens from the hover and shows the tree',
  async run({ wb, scenario, screenshot, log }) {
    await wb.openFile(scenario.queryFile);
    const hover = await wb.hover(scenario.queryText);
    const link = await wb.see(hover.locator('a').filter({ hasText: /Open plan/i }), 'an "Open plan" link in the plan hover', 30_000);
    await link.click();
    const view = await wb.webview(/^Plan/);
    // The mouse has not moved: the hover is closed by the command, not by the pointer leaving it.
    const stillOpen = wb.page.locator('.monaco-hover:not(.hidden)').filter({ hasText: /Open plan/i });
    await wb.until(async () => (await stillOpen.count()) === 0 || !(await stillOpen.first().isVisible()), 'the plan hover closed once its "Open plan" link opened the plan viewer', 10_000);
    // The tree: at least one scan node of the queried table, inside a structure with nested nodes.
    const scan = view.locator('body').filter({ hasText: /(Seq Scan|Index Scan|Bitmap Heap Scan)/ });
    await wb.see(scan, 'scan nodes (Seq Scan / Index Scan …) in the plan viewer', 30_000);
    await wb.see(view.getByText(scenario.missingIndex.table, { exact: false }), `the table "${scenario.missingIndex.table}" in the plan tree`);
    const nodes = view.locator('[role="treeitem"], .plan-node, .node');
    const n = await wb.until(async () => (await nodes.count()) || undefined, 'nodes of the plan tree (role=treeitem / .plan-node) in the plan viewer');
    log(`plan viewer: ${n} nodes`);
    await screenshot('plan-viewer');
  },
};
