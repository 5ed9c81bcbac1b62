/**
 * A person's hour (issue 20, session 6): every "Why", "Read about <rule>" and Problems-panel rule link led to
 * https://github.com/pg-lens/pg-lens/…, a repository that does not exist, and the docs were not in the .vsix.
 * Now the pages ship inside the extension and open as a rendered Markdown preview from every surface that links
 * one: the missing-index hover's "Why", the Problems panel's rule link (Diagnostic.code), the quick fix "Read about
 * <rule>", and a dashboard health finding's "Why". Also: the Terminate confirmation's primary button is "Keep the
 * session", so Enter keeps it (person23 MEDIUM 5); "Terminate the session" takes a click.
 */
import { Client } from 'pg';
import type { Locator } from 'playwright-core';
import type { Step } from '../lib/types';
import { StepFailure, type Workbench } from '../lib/workbench';

const FILE = 'src/customers.ts';
const AT = 'lower(email) = lower($1)';
const APP = 'e2e-52-idle';

/** The rendered preview of a shipped page: its tab, its heading, then closed. Fails naming what it saw when a web address opened instead. */
async function seeDocPreview(wb: Workbench, page: string, heading: string, what: string): Promise<void> {
  const tab = wb.page.locator('.tabs-container .tab').filter({ hasText: new RegExp(`Preview ${page.replace(/[.]/g, '\\.')}`) });
  await wb.until(async () => (await tab.count()) > 0, `the rendered docs page "${page}" (a Markdown preview tab) after ${what}`, 30_000, async () => {
    const dialog = (await wb.page.locator('.monaco-dialog-box').allInnerTexts()).join(' ').replace(/\s+/g, ' ').slice(0, 200);
    const tabs = (await wb.page.locator('.tabs-container .tab').allInnerTexts()).join(' | ');
    return dialog ? `a dialog: ${dialog}` : `tabs: ${tabs}`;
  });
  const view = await wb.webview(new RegExp(`Preview ${page.replace(/[.]/g, '\\.')}`));
  await wb.see(view.locator('h1').filter({ hasText: heading }), `the page's heading "${heading}" rendered in the preview`, 30_000);
  if (/github\.com/.test(await view.locator('body').innerText())) throw new StepFailure(`the page ${page} links a web address`);
}

async function closeActive(wb: Workbench): Promise<void> {
  await wb.runCommand('View: Close Editor');
}

async function clickInHover(wb: Workbench, link: Locator): Promise<void> {
  await link.click();
  // code-server asks before opening an external address; a local page opens without a dialog.
  if (await wb.page.locator('.monaco-dialog-box').filter({ hasText: /open the external website|github/i }).count()) throw new StepFailure('the link asked to open an external website');
}

export const step: Step = {
  title: 'docs links open the page shipped in the extension (hover Why, Problems rule link, Read about, dashboard Why); Enter in the Terminate confirmation keeps the session',
  async run({ wb, db, screenshot, log }) {
    const page = wb.page;
    await wb.runCommand('View: Close All Editors');
    await wb.openFile(FILE);

    // 1. The missing-index hover's "Why".
    const onTable = () => wb.hoverInFile(FILE, AT, 'FROM', 'customers');
    await wb.hoverUntil(onTable, (t) => /CREATE INDEX CONCURRENTLY customers_lower_email_idx/.test(t) && /Why/.test(t), 'a missing-index hover with its "Why" link', 90_000);
    const why = page.locator('.monaco-hover:not(.hidden) a').filter({ hasText: /^Why$/ });
    await wb.see(why, 'the "Why" link in the hover');
    await clickInHover(wb, why.first());
    await seeDocPreview(wb, 'missing-index.md', 'missing-index', 'the hover\'s "Why"');
    await screenshot('hover-why-preview');
    log('hover Why → Preview missing-index.md');
    await closeActive(wb);

    // 2. The Problems panel's rule link (Diagnostic.code's target). The proved index says lower(email)'s finding too
    // (person24 LOW 10: one cause, one finding), so the row is the missing-index one.
    const MISSING = /lower\(email\).*missing-index/;
    const row = await wb.problemRow('missing-index', MISSING, 'the missing-index problem on customers (lower(email))', 60_000);
    const code = row.locator('.code-link, a').filter({ hasText: 'missing-index' });
    await wb.see(code, 'the rule link of the problem');
    await code.first().click();
    await seeDocPreview(wb, 'missing-index.md', 'missing-index', 'the Problems panel\'s rule link');
    log('Problems rule link → Preview missing-index.md');
    await closeActive(wb);

    // 3. The quick fix "Read about <rule>" (the row found again: the preview came and went meanwhile).
    await (await wb.problemRow('missing-index', MISSING, 'the missing-index problem on customers (lower(email))', 60_000)).click();
    await wb.runCommand('View: Focus Active Editor Group');
    await wb.quickFixes(/Read about missing-index/, 'the quick fix "Read about missing-index"');
    await wb.pickQuickFix(/Read about missing-index/);
    await seeDocPreview(wb, 'missing-index.md', 'missing-index', '"Read about missing-index"');
    await screenshot('read-about-preview');
    log('Read about → Preview missing-index.md');
    await wb.runCommand('View: Close All Editors');

    // 4. A dashboard health finding's "Why" (an idle-in-transaction session of our own makes one), then Terminate's dialog.
    const idle = new Client({ connectionString: db.url, application_name: APP });
    await idle.connect();
    try {
      await idle.query('BEGIN');
      await idle.query('SELECT 1');
      await wb.runCommand('PG Lens: Open Dashboard');
      const view = await wb.webview(/Dashboard/);
      const finding = view.locator('details.finding').first();
      await wb.see(finding, 'a health finding in the dashboard', 90_000);
      const checkId = ((await finding.locator('code.check-id').innerText()) ?? '').trim();
      await finding.locator('summary').click();
      await finding.locator('a.docs-link').filter({ hasText: /^Why$/ }).click();
      await seeDocPreview(wb, `${checkId}.md`, checkId, `the "${checkId}" finding's "Why"`);
      await screenshot('health-why-preview');
      log(`dashboard finding ${checkId}: Why → Preview ${checkId}.md`);
      await closeActive(wb);

      const dash = await wb.webview(/Dashboard/);
      const session = dash.locator('tr').filter({ hasText: APP });
      await wb.see(session, `the idle session "${APP}" in Activity`, 60_000);
      await session.first().getByRole('button', { name: 'Terminate' }).click();
      const dialog = await wb.see(page.locator('.monaco-dialog-box').filter({ hasText: /Terminate session/ }), 'the Terminate confirmation');
      const buttons = (await dialog.locator('.dialog-buttons .monaco-button').allInnerTexts()).map((b) => b.trim()).filter(Boolean);
      await screenshot('terminate-dialog');
      log(`Terminate dialog buttons: ${buttons.join(' · ')}`);
      // person23 MEDIUM 5: the primary, focused button was "Terminate the session", so Enter terminated. The keeping
      // button is the primary one now (VS Code adds its own "Cancel" for Escape); Terminate takes a click.
      // The primary button is the one drawn without the "secondary" style (placed last on Linux).
      const primary = (await dialog.locator('.dialog-buttons .monaco-button:not(.secondary)').allInnerTexts()).map((b) => b.trim()).filter(Boolean);
      log(`primary: ${primary.join(' · ')}`);
      if (JSON.stringify(primary) !== JSON.stringify(['Keep the session']) || !buttons.includes('Terminate the session')) throw new StepFailure(`expected "Keep the session" as the primary button and "Terminate the session" beside it; saw ${buttons.join(' · ')} (primary: ${primary.join(' · ') || 'none'})`);
      await wb.until(async () => ((await page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText ?? '')) || '').trim() === 'Keep the session', 'the focus on "Keep the session" in the Terminate confirmation', 10_000, async () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.outerHTML.slice(0, 200) ?? ''));
      await page.keyboard.press('Enter');
      await wb.until(async () => (await page.locator('.monaco-dialog-box').count()) === 0, 'the confirmation closed by Enter', 10_000);
      await wb.see(dash.locator('body').filter({ hasText: 'Nothing done: the session stays.' }), 'the dashboard saying "Nothing done: the session stays." after Enter', 15_000);
      const alive = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [APP]);
      if (alive[0]?.n !== 1) throw new StepFailure('Enter in the Terminate confirmation terminated the session');
    } finally {
      await idle.end().catch(() => undefined);
    }
  },
};
