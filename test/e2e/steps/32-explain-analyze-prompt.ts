/**
 * Explain Analyze from the hover, the first time in a window: the value prompt for $1 says what the
 * value is compared with, the plan viewer shows the analysed plan (actual rows), and the extension
 * host's log (test-results/e2e/pg-lens-output.log) says how long the prompt took to appear and where
 * the time went: reported, not asserted (timings on a shared machine are not a test).
 */
import { StepFailure } from '../lib/workbench';
import type { Step } from '../lib/types';

export const step: Step = {
  title: 'Explain Analyze from the hover: the value prompt, then the analysed plan',
  async run({ wb, scenario, screenshot, log }) {
    const page = wb.page;
    const base = scenario.queryFile.split('/').pop()!;
    const link = await wb.until(async () => {
      if (!(await page.locator('.tabs-container .tab.active').filter({ hasText: base }).count())) await wb.openFile(scenario.queryFile);
      await page.mouse.move(5, 500);
      const hover = await wb.hover(scenario.queryText);
      const a = hover.locator('a').filter({ hasText: /^Explain Analyze$/ });
      return (await a.first().waitFor({ state: 'visible', timeout: 8000 }).then(() => true, () => false)) && a.first();
    }, 'an "Explain Analyze" link in the plan hover', 60_000);
    const t = Date.now();
    await link.click();
    const prompt = page.locator('.quick-input-widget').filter({ hasText: /Value for \$1/ });
    await wb.see(prompt, 'the value prompt for $1', 30_000);
    log(`value prompt seen by the browser ${Date.now() - t} ms after the click`);
    const text = (await prompt.innerText()).replace(/\s+/g, ' ');
    if (!/In the query: customer_id = \$1/.test(text)) throw new StepFailure(`expected the prompt to say what $1 is compared with ("In the query: customer_id = $1"); it says: ${text.slice(0, 200)}`);
    await screenshot('value-prompt');
    await page.locator('.quick-input-widget .quick-input-box input').fill('42');
    await page.keyboard.press('Enter');
    const view = await wb.webview(/^Plan/);
    await wb.see(view.locator('body').filter({ hasText: /actual|Actual/ }), 'the analysed plan (actual rows and time) in the plan viewer', 60_000);
    await screenshot('analysed-plan');
  },
};
