/**
 * A person's hour (issue 20, session 6): after Scan Workspace, switching to another database left the findings of
 * files not open in the Problems panel — "Seq Scan on orders (32k rows): an index on orders (status)…" for a database
 * that has no orders table. The scan's findings of closed files are checked again against the database now in use
 * (the scan runs again: none of the shop's Seq Scan findings stay), and selecting the shop again brings them all back.
 */
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';
import { clearRecordedQueries } from '../lib/recording';

const OTHER = 'no shop tables (e2e)';

export const step: Step = {
  title: 'after Scan Workspace, the findings of closed files follow the connection: another database, then back',
  async run({ wb, db, profileName, screenshot, log }) {
    const page = wb.page;
    const statusFor = (name: string) => wb.profileStatus(name);
    // Findings that need the shop's tables: the planner's word on a table of the shop. Every row of the filtered list,
    // scrolled through (the panel draws only the rows on screen: counting the drawn ones saw 5 of 6 in CI).
    const seqScanRows = async () => (await wb.problemTexts('Seq Scan on')).filter((t) => /^Seq Scan on \w+ \(/.test(t));
    const seqScans = async () => (await seqScanRows()).length;
    const describe = async () => {
      const rows = await seqScanRows();
      return `${rows.length} shown: ${rows.map((t) => t.slice(0, 70)).join(' | ')}`;
    };

    await wb.runCommand('View: Close All Editors');
    // This step is about the connection: statements recorded by earlier steps (kept when one of them fails before
    // clearing them) are left out of the index decisions it compares.
    await clearRecordedQueries(wb);
    await wb.runCommand('PG Lens: Scan Workspace');
    await wb.see(page.locator('.notifications-toasts .notification-list-item-message').filter({ hasText: /Scanned \d+ files? in/ }), 'the "Scanned … files" notification', 120_000);
    await wb.settledProblemCounts('the counts after the scan to settle');
    const before = await wb.until(() => seqScans(), 'Seq Scan (missing-index) findings after Scan Workspace on the shop', 30_000).catch(() => 0);
    log(`after the scan on "${profileName}": ${before} Seq Scan findings in the Problems panel`);
    if (!before) throw new StepFailure('expected Seq Scan (missing-index) findings after Scan Workspace on the shop');

    // Another database of the same server: none of the shop's tables.
    await wb.addConnection(`postgres://${db.user}@${db.host}:${db.port}/postgres?sslmode=disable`, OTHER);
    await wb.see(statusFor(OTHER), `the status bar on "${OTHER}"`, 120_000);
    await wb.until(async () => (await seqScans()) === 0, `no Seq Scan finding of the shop left while connected to "${OTHER}"`, 60_000, describe).catch(async (e) => {
      await screenshot('other-database-stale');
      throw e;
    });
    log(`on "${OTHER}": no Seq Scan finding left`);
    await screenshot('other-database-problems');

    // Back to the shop: the findings return without a new scan.
    await wb.selectConnection(profileName);
    // Back on the shop: the scan runs again against it, and every finding is back.
    const after = await wb.until(async () => {
      const n = await seqScans();
      return n >= before ? n : undefined;
    }, `the ${before} Seq Scan findings back after selecting "${profileName}" again`, 120_000, describe);
    log(`back on "${profileName}": ${after} Seq Scan findings`);
    await screenshot('back-on-shop-problems');

    // Leave the workspace as it was.
    await wb.removeConnection(OTHER);
    await wb.see(statusFor(profileName), `the status bar on "${profileName}"`, 120_000);
  },
};
