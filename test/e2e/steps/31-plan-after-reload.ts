/**
 * The plan viewer survives a window reload: a plan opened from the hover, then "Developer: Reload
 * Window" — the tab comes back showing the same plan (its scan node and table), not a blank page.
 * With the plan tab in front at the reload; with another editor in front of it in its group (the
 * tab is restored when it is shown again); and for a tab that only showed an error (it came back blank).
 */
import type { FrameLocator } from 'playwright-core';
import type { Step, StepContext } from '../lib/types';

const SCAN = /(Seq Scan|Index Scan|Bitmap Heap Scan)/;

export const step: Step = {
  title: 'the plan viewer shows its plan again after Developer: Reload Window',
  async run(ctx) {
    const { wb, scenario, screenshot, log } = ctx;
    const page = wb.page;
    const base = scenario.queryFile.split('/').pop()!;
    // Opened again, and hovered again, until the plan hover offers "Open plan" (the explorer's rows
    // move while decorations arrive, and the first hover may come before the connection).
    const link = await wb.hoverLink(scenario.queryText, /Open plan/i, 'an "Open plan" link in the plan hover', 60_000, async () => {
      if (!(await page.locator('.tabs-container .tab.active').filter({ hasText: base }).count())) await wb.openFile(scenario.queryFile);
    });
    await link.click();
    const before = await wb.webview(/^Plan/);
    await wb.see(before.locator('body').filter({ hasText: SCAN }), 'the plan in the viewer before the reload', 30_000);
    await wb.see(before.getByText(scenario.missingIndex.table, { exact: false }), `the table "${scenario.missingIndex.table}" before the reload`);
    await planTab(ctx).click();
    await page.waitForTimeout(1500); // the webview's setState reaches the workbench's storage
    await screenshot('before-reload');

    // 1. The plan tab in front at the reload.
    await reload(ctx);
    let nodes = await restoredPlan(ctx, 'with the plan tab in front');
    await screenshot('after-reload');
    log(`restored plan viewer (tab in front): ${nodes} tree nodes`);

    // 2. Another editor in front of the plan in its group at the reload.
    await planTab(ctx).click(); // its group is the active one: the file opens in front of the plan
    // Straight from the explorer (the palette's F1 does not reach the workbench while the webview has the focus).
    const file = scenario.loopFile.split('/').pop()!;
    await page.locator('.explorer-folders-view .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${file.replace('.', '\\.')}$`) }) }).first().dblclick();
    const group = page.locator('.editor-group-container').filter({ has: planTab(ctx) });
    await wb.see(group.locator('.tab.active').filter({ hasText: file }), 'a text editor in front of the plan in its group');
    await reload(ctx);
    nodes = await restoredPlan(ctx, 'with another editor in front of it');
    await screenshot('after-reload-hidden');
    log(`restored plan viewer (tab behind another): ${nodes} tree nodes`);

    // 3. A tab that only ever showed an error (Explain Analyze refused the value) comes back with it, not blank.
    await planTab(ctx).locator('.codicon-close, .tab-actions .action-label').first().click({ force: true });
    await wb.until(async () => (await page.locator('.tabs-container .tab').filter({ hasText: /^Plan/ }).count()) === 0, 'the plan tab closed');
    await wb.openFile(scenario.queryFile);
    await wb.clickText(scenario.queryText);
    await wb.runCommand('PG Lens: Explain Analyze (rolled back)');
    const input = page.locator('.quick-input-widget').filter({ hasText: /Value for \$1/ }).locator('.quick-input-box input');
    await wb.see(input, 'the value prompt for $1');
    await input.fill('not a number');
    await input.press('Enter');
    const failed = await wb.webview(/^Plan/);
    const error = failed.locator('[role="alert"]');
    await wb.see(error, "the plan viewer's error (the value is not a bigint)", 60_000);
    const message = ((await error.first().innerText()) || '').trim();
    await reload(ctx);
    await wb.see(page.locator('.tabs-container .tab').filter({ hasText: /^Plan/ }), 'the plan tab restored after the reload (it showed an error)', 30_000);
    const shown = await wb.until(async () => {
      if (!(await page.locator('.tabs-container .tab.active').filter({ hasText: /^Plan/ }).count())) await planTab(ctx).click();
      const v = await wb.webview(/^Plan/).catch(() => undefined);
      const t = v && ((await v.locator('[role="alert"]').first().innerText({ timeout: 2000 }).catch(() => '')) || '').trim();
      return t || undefined;
    }, 'the restored tab to show its error again, not a blank page', 60_000);
    await screenshot('after-reload-error');
    log(`restored error tab: ${shown.slice(0, 120)}`);
    if (shown !== message) throw new Error(`expected the restored tab to show "${message}", it shows "${shown}"`);
  },
};

function planTab({ wb }: StepContext) {
  return wb.page.locator('.tabs-container .tab').filter({ hasText: /^Plan/ }).first();
}

async function reload(ctx: StepContext): Promise<void> {
  const { wb, log } = ctx;
  await wb.reloadWindow();
  log(`window reloaded; tabs: ${(await wb.page.locator('.tabs-container .tab').allInnerTexts()).map((x) => x.replace(/\s+/g, ' ')).join(' | ')}`);
}

/**
 * The restored plan tab, brought to the front (again if something opened a file over it), shows the plan
 * tree: its node count.
 */
async function restoredPlan(ctx: StepContext, how: string): Promise<number> {
  const { wb, scenario } = ctx;
  const page = wb.page;
  await wb.see(page.locator('.tabs-container .tab').filter({ hasText: /^Plan/ }), `the plan viewer tab restored after the reload (${how})`, 30_000);
  let lastText = '';
  return wb.until(
    async () => {
      if (!(await page.locator('.tabs-container .tab.active').filter({ hasText: /^Plan/ }).count())) await planTab(ctx).click();
      const frames = page.locator('iframe.webview.ready');
      let view: FrameLocator | undefined;
      for (let i = (await frames.count()) - 1; i >= 0; i--) {
        if (await frames.nth(i).isVisible()) view = page.frameLocator(`iframe.webview.ready >> nth=${i}`).frameLocator('#active-frame');
      }
      if (!view) return undefined;
      const text = ((await view.locator('body').innerText({ timeout: 2000 }).catch(() => '')) || '').replace(/\s+/g, ' ');
      lastText = text.slice(0, 200);
      if (!SCAN.test(text) || !text.includes(scenario.missingIndex.table)) return undefined;
      return view.locator('[role="treeitem"]').count();
    },
    `the restored plan viewer (${how}) to show the plan tree with a scan of ${scenario.missingIndex.table}`,
    60_000,
    async () => `plan viewer text: "${lastText}"`,
  );
}
