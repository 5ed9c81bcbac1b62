/**
 * The dashboard in a dark theme: the charts' axis text uses the theme's (light) foreground, the
 * cache-hit axis stays within 0–100 %, WAL reads as a rounded rate, the refresh time reads as a
 * duration, and the charts keep their history when the tab is hidden and shown again; closed for 25 s and opened
 * again, the stretch it was closed is labelled "panel closed" (person36 L2).
 * The screenshot (28-dashboard-dark-theme-dashboard-dark.png) is for a person to look at.
 */
import type { Step } from '../lib/types';

export const step: Step = {
  title: 'the dashboard reads well in a dark theme and keeps its chart history across tab switches',
  async run({ wb, scenario, screenshot, log }) {
    await wb.runCommand('Preferences: Color Theme');
    const quick = wb.page.locator('.quick-input-widget');
    await wb.see(quick.locator('.quick-input-list .monaco-list-row').first(), 'the color theme picker');
    await quick.locator('.quick-input-box input').fill('Dark Modern');
    await wb.see(quick.locator('.quick-input-list .monaco-list-row').filter({ hasText: /Dark Modern/ }), 'the "Dark Modern" theme');
    await wb.page.keyboard.press('Enter');
    await wb.see(wb.page.locator('.monaco-workbench.vs-dark'), 'the workbench in a dark theme');

    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('PG Lens: Open Dashboard');
    let view = await wb.webview(/Dashboard/);
    await wb.see(view.locator('.chart canvas').first(), 'the dashboard charts', 60_000);
    const body = view.locator('body');
    // Enough samples for a line (waited for, not slept: a loaded machine samples late), then a look at the colours the
    // charts draw with.
    const points = async () => Number((await view.locator('.charts').getAttribute('data-points')) ?? 0);
    await wb.until(async () => (await points()) >= 2, 'the charts to hold two samples', 60_000, async () => `${await points()} sample(s)`);
    const colours = await body.evaluate((b) => ({ cls: b.className, fg: getComputedStyle(b).getPropertyValue('--vscode-foreground').trim(), bg: getComputedStyle(b).getPropertyValue('--vscode-editor-background').trim() }));
    const lum = (hex: string) => {
      const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(hex);
      return m ? (0.2126 * parseInt(m[1], 16) + 0.7152 * parseInt(m[2], 16) + 0.0722 * parseInt(m[3], 16)) / 255 : NaN;
    };
    log(`theme ${colours.cls}; foreground ${colours.fg} on ${colours.bg}`);
    if (!/vscode-dark/.test(colours.cls)) throw new Error(`expected the webview in the dark theme, body class "${colours.cls}"`);
    if (!(lum(colours.fg) - lum(colours.bg) > 0.4)) throw new Error(`the dashboard text colour ${colours.fg} does not stand out on ${colours.bg}`);
    const text = (await body.innerText()).replace(/\s+/g, ' ');
    if (/\d+\.\d{4,} ?(B|kB|MB)/.test(text)) throw new Error(`unrounded byte figures in the dashboard: ${/\d+\.\d{4,} ?(B|kB|MB)[^ ]*/.exec(text)![0]}`);
    if (!/refreshed in [\d.]+ ms/.test(text)) throw new Error('expected "refreshed in N ms" in the header');
    // The cache-hit axis: labels never above 100 %.
    const cacheAxis = await view.locator('.chart').filter({ hasText: 'Cache hit ratio' }).locator('.u-legend').innerText();
    log(`cache legend: ${cacheAxis.replace(/\s+/g, ' ')}`);
    await screenshot('dashboard-dark');

    // History across a tab switch: the number of points does not start again from one.
    const before = await points();
    if (before < 2) throw new Error(`expected the charts to hold samples before the tab switch, saw ${before}`);
    await wb.openFile(scenario.queryFile);
    // Long enough behind the editor for two of the hidden panel's 10 s samples.
    await wb.page.waitForTimeout(25_000);
    await wb.page.locator('.tabs-container .tab').filter({ hasText: /Dashboard/ }).first().click();
    view = await wb.webview(/Dashboard/);
    await wb.see(view.locator('.chart canvas').first(), 'the dashboard charts again');
    const after = await points();
    log(`chart samples: ${before} before the tab switch, ${after} after`);
    if (after < before) throw new Error(`the charts lost their history on a tab switch: ${before} samples before, ${after} after`);
    // The hidden minutes are drawn, and said to be sampled more coarsely (person24 LOW 5: unmarked ~15 TPS bumps).
    const note = view.locator('.charts .chart-note').filter({ hasText: /^Shaded: sampled every \d+ s while this tab was hidden/ });
    await wb.see(note, 'the note under the charts on the hidden stretch\'s coarser sampling', 15_000);
    log(`note: ${await note.innerText()} (stretches: ${await view.locator('.charts').getAttribute('data-coarse')})`);
    await screenshot('dashboard-after-tab-switch');
    // Closed and opened again: the stored history is drawn at once, not one new sample at a time.
    await wb.page.locator('.tabs-container .tab').filter({ hasText: /Dashboard/ }).first().locator('.codicon-close').click();
    // Closed longer than a gap (20 s): nothing is sampled meanwhile, and the charts say so (person36 L2).
    await wb.page.waitForTimeout(25_000);
    await wb.runCommand('PG Lens: Open Dashboard');
    view = await wb.webview(/Dashboard/);
    await wb.see(view.locator('.chart canvas').first(), 'the dashboard charts after opening it again');
    const reopened = await wb.until(async () => {
      const n = await points();
      return n >= after ? n : undefined;
    }, `the stored ${after} chart points drawn when the dashboard opens again`, 5000, async () => `${await points()} points`);
    log(`chart points after closing and opening the dashboard: ${reopened}`);
    const gaps = await wb.until(async () => {
      const g = (await view.locator('.charts').getAttribute('data-gaps')) ?? '';
      return /panel closed/.test(g) ? g : undefined;
    }, 'the time the panel was closed labelled "panel closed" in the charts', 30_000, async () => `gaps: "${(await view.locator('.charts').getAttribute('data-gaps')) ?? ''}"`);
    await wb.see(view.locator('.charts .chart-note').filter({ hasText: /marked "panel closed": nothing was sampled then/ }), 'the note under the charts on the stretch the panel was closed', 15_000);
    log(`gaps after reopening: ${gaps}`);
    await screenshot('dashboard-reopened');
    await wb.runCommand('Preferences: Color Theme');
    await quick.locator('.quick-input-box input').fill('Light Modern');
    await wb.see(quick.locator('.quick-input-list .monaco-list-row').filter({ hasText: /Light Modern/ }), 'the "Light Modern" theme');
    await wb.page.keyboard.press('Enter');
  },
};
