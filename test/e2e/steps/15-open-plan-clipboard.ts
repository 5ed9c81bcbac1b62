/**
 * A plan brought from elsewhere: a psql-framed text plan (border 2, unicode, as captured from a real
 * server) put on the clipboard, then "PG Lens: Open Plan from Clipboard" shows its tree in the viewer
 * without planning anything. The viewer is then narrowed to 800 px: identifiers keep their underscores.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { strict as assert } from 'node:assert';
import type { Step } from '../lib/types';

const PLAN = path.join(__dirname, '..', '..', 'fixtures', 'plans', 'psql', 'pg18', 'delete-fk-trigger', 'aligned-border2-unicode.txt');

export const step: Step = {
  title: 'Open Plan from the clipboard shows the tree of a pasted psql plan',
  async run({ wb, scenario, screenshot, log }) {
    const text = fs.readFileSync(PLAN, 'utf8');
    const page = wb.page;
    // Focus the workbench on an editor, as a person would be, before using the palette.
    await wb.openFile(scenario.queryFile);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
    await page.evaluate((t) => navigator.clipboard.writeText(t), text);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), text, 'the plan is on the browser clipboard');
    await wb.runCommand('PG Lens: Open Plan from Clipboard');
    const view = await wb.webview(/^Plan/);
    await wb.see(view.locator('body').filter({ hasText: /Delete on orders/ }), 'the "Delete on orders" root of the pasted plan in the viewer', 30_000);
    await wb.see(view.getByText(/orders_pkey/).first(), 'the index orders_pkey (with its underscore) in the tree');
    const nodes = view.locator('[role="treeitem"], .plan-node, .node');
    const n = await wb.until(async () => (await nodes.count()) || undefined, 'nodes of the pasted plan in the viewer');
    log(`pasted plan: ${n} nodes`);
    await screenshot('pasted-plan');
    // An 800 px window with the viewer in a split pane: rows wrap, underscores stay visible.
    await page.setViewportSize({ width: 800, height: 900 });
    await page.waitForTimeout(800);
    await view.locator('.tree').scrollIntoViewIfNeeded();
    await screenshot('pasted-plan-800px');
    await view.getByRole('tab', { name: 'Diagram' }).click();
    const cards = view.locator('.diagram .card');
    await wb.until(async () => ((await cards.count()) === n ? n : undefined), `${n} node cards in the Diagram view`);
    await cards.first().scrollIntoViewIfNeeded();
    await screenshot('pasted-plan-diagram-800px');
    await page.setViewportSize({ width: 1600, height: 1000 });
  },
};
