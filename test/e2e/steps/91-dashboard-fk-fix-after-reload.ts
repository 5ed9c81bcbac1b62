/**
 * The dashboard's fix for an unindexed foreign key is the index advice's, right after a window reload with no file open
 * (issue 20, person33 M2, verify33: 16 s after a reload the dashboard offered the narrow orders_customer_id_idx with
 * "Open fix in editor" and no word that the advice was not ready; reviews.product_id kept the narrow
 * reviews_product_id_idx until src/reviews.ts was opened, while `pg-lens health` and the hover named
 * reviews_product_id_created_at_desc_idx). The dashboard alone in the window, then Developer: Reload Window (its tab comes
 * back by itself); from then on, at every check, the reviews.product_id finding either says the index advice is not
 * ready (no fix, no "Open fix in editor") or names the advised wider index — never the narrow one. Then the Problems
 * panel, for src/products.ts, names the same index for its reviews read.
 */
import type { Step } from '../lib/types';
import { DashboardFindings } from '../lib/dashboard';
import { StepFailure } from '../lib/workbench';

const NARROW = 'reviews_product_id_idx';
const WIDE = /CREATE INDEX CONCURRENTLY reviews_product_id_created_at_desc_idx ON \S*reviews \(product_id, created_at DESC\)/;

export const step: Step = {
  title: "the dashboard's foreign-key fix after a reload: 'not ready' or the advised wider index, never the narrow one, and the same index as Problems",
  async run({ wb, screenshot, log }) {
    await wb.runCommand('View: Close All Editor Groups');
    await wb.runCommand('PG Lens: Open Dashboard');
    await wb.webview(/Dashboard/);
    const reloadAt = Date.now();
    await wb.reloadWindow();
    const view = await wb.webview(/Dashboard/);
    const seconds = () => ((Date.now() - reloadAt) / 1000).toFixed(0);
    log(`window reloaded in ${seconds()} s; tabs: ${(await wb.page.locator('.tabs-container .tab').allInnerTexts()).map((x) => x.replace(/\s+/g, ' ')).join(' | ')}`);
    const findings = new DashboardFindings(wb, view);
    const fk = findings.of('unindexed-foreign-key', 'reviews_product_id_fkey').first();
    const checkNow = view.getByRole('button', { name: 'Check now' });
    let notReadyAt: string | undefined;
    let last = '';
    // A wrong fix ends the wait at once (until() retries what throws).
    let wrong: string | undefined;
    // Read as shown (textContent: a collapsed finding's body is in the page too).
    await wb.until(async () => {
      if (await fk.count()) {
        const fix = ((await fk.locator('pre.fix').first().textContent({ timeout: 2000 }).catch(() => null)) ?? '').replace(/\s+/g, ' ');
        const body = ((await fk.textContent({ timeout: 2000 })) ?? '').replace(/\s+/g, ' ');
        last = `${seconds()} s: ${body.slice(0, 400)}`;
        if (fix.includes(NARROW) || body.includes(`${NARROW} ON`)) {
          wrong = `${seconds()} s after the reload the dashboard offered the narrow ${NARROW} for reviews.product_id; it reads: ${body.slice(0, 400)}`;
          return true;
        }
        if (/Index advice for public\.reviews not ready yet — the fix is shown when it is/.test(body)) {
          if (fix || (await fk.getByRole('button', { name: 'Open fix in editor' }).count())) {
            wrong = `expected no fix while the index advice is not ready; it reads: ${body.slice(0, 400)}`;
            return true;
          }
          if (!notReadyAt) {
            notReadyAt = seconds();
            log(`${notReadyAt} s after the reload: "not ready" (no fix)`);
            if (!(await fk.evaluate((d) => (d as HTMLDetailsElement).open))) await fk.locator('summary').click();
            await screenshot('fk-not-ready');
          }
        } else if (WIDE.test(fix)) {
          return true;
        }
      }
      if (await checkNow.count()) await checkNow.first().evaluate((b) => (b as HTMLButtonElement).click());
      await wb.page.waitForTimeout(2000);
      return false;
    }, "the reviews.product_id finding to name the advised reviews_product_id_created_at_desc_idx (never the narrow index on the way)", 240_000, async () => last);
    if (wrong) {
      await screenshot('fk-wrong-fix');
      throw new StepFailure(wrong);
    }
    log(`${seconds()} s after the reload: the fix names reviews_product_id_created_at_desc_idx${notReadyAt ? ` ("not ready" first seen at ${notReadyAt} s)` : ' (at the first check)'}`);
    if (!(await fk.evaluate((d) => (d as HTMLDetailsElement).open))) await fk.locator('summary').click();
    const help = ((await fk.textContent()) ?? '').replace(/\s+/g, ' ');
    if (!/reviews_product_id_created_at_desc_idx \(product_id, created_at DESC\) leads with \(product_id\): it serves the foreign key too/.test(help)) throw new StepFailure(`expected the help to say the advised index serves the key too; it reads: ${help.slice(0, 400)}`);
    await screenshot('fk-advised-fix');
    // The same index as the editor's own advice for the reviews read of src/products.ts.
    await wb.freshEditor('src/products.ts');
    const row = await wb.problemRow('missing-index', /reviews \(product_id, created_at DESC\).*missing-index/, "the missing-index problem of products.ts's reviews read naming reviews (product_id, created_at DESC)", 120_000, 'products.ts');
    log(`problem: ${(await row.innerText()).replace(/\s+/g, ' ').slice(0, 200)}`);
    await screenshot('products-problem-same-index');
  },
};
