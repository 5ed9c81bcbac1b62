/**
 * Explain Analyze the first time in a window, right after opening files: the value prompt for $1
 * says what the value is compared with, the plan viewer shows the analysed plan (actual rows), and the extension
 * host's log (test-results/e2e/pg-lens-output.log) says how long the prompt took to appear and where
 * the time went: reported, not asserted (timings on a shared machine are not a test).
 */
import { StepFailure } from '../lib/workbench';
import type { Step } from '../lib/types';

export const step: Step = {
  title: 'Explain Analyze, first use while the files are analysed: the value prompt, then the analysed plan',
  async run({ wb, scenario, screenshot, log }) {
    const page = wb.page;
    // First use, at a busy moment, as a person meets it: two files just opened (PG Lens plans their
    // queries and proves index candidates in the background), the cursor on a query, the command
    // from the palette.
    await wb.openFile(scenario.loopFile);
    await wb.openFile(scenario.queryFile);
    await wb.clickText(scenario.queryText);
    await wb.runCommand('PG Lens: Explain Analyze (rolled back)');
    const t = Date.now(); // the palette's row was clicked
    const prompt = page.locator('.quick-input-widget').filter({ hasText: /Value for \$1/ });
    await wb.see(prompt, 'the value prompt for $1', 30_000);
    log(`value prompt seen by the browser ${Date.now() - t} ms after the palette's row was clicked (at ${new Date(t).toISOString()})`);
    const text = (await prompt.innerText()).replace(/\s+/g, ' ');
    if (!/In the query: customer_id = \$1/.test(text)) throw new StepFailure(`expected the prompt to say what $1 is compared with ("In the query: customer_id = $1"); it says: ${text.slice(0, 200)}`);
    await screenshot('value-prompt');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.fill('42');
    await input.press('Enter');
    const view = await wb.webview(/^Plan/);
    await wb.see(view.locator('body').filter({ hasText: /actual|Actual/ }), 'the analysed plan (actual rows and time) in the plan viewer', 60_000);
    await screenshot('analysed-plan');
  },
};
