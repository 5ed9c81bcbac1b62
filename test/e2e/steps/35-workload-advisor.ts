/**
 * The dashboard shows the workload advisors: a materialized view refreshed three times and never read
 * shows as a refresh-cost finding in the tables category, naming the view, with the evidence (refreshes,
 * scans); once the view is read more often than it is refreshed, the finding goes away.
 */
import type { Step } from '../lib/types';
import { DashboardFindings } from '../lib/dashboard';

export const step: Step = {
  title: 'the dashboard shows a refresh-cost finding for a view refreshed but never read, and it clears once the view is read',
  async run({ wb, db, screenshot, log }) {
    const view = 'e2e_orders_by_day';
    await db.query(`DROP MATERIALIZED VIEW IF EXISTS ${view}`);
    await db.query(`CREATE MATERIALIZED VIEW ${view} AS SELECT g % 7 AS day, count(*) AS n FROM generate_series(1, 1000) g GROUP BY 1`);
    for (let i = 0; i < 3; i++) await db.query(`REFRESH MATERIALIZED VIEW ${view}`);

    // The workspace opens orders.ts on its own after the workbench loads: let that happen first, then close it.
    await wb.openFile('src/orders.ts');
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('PG Lens: Open Dashboard');
    const findings = new DashboardFindings(wb, await wb.webview(/Dashboard/));
    const finding = findings.of('refresh-cost', view);
    await findings.waitFor(finding, `a refresh-cost finding for ${view} in the dashboard`);
    // The workspace's first editor can open over the panel after the fact: bring the dashboard back, and read the
    // finding from the DOM (clicks go through the elements, not the pointer).
    await wb.page.locator('.tabs-container .tab', { hasText: 'PG Lens Dashboard' }).first().click();
    const summary = ((await finding.first().locator('summary').textContent()) ?? '').replace(/\s+/g, ' ');
    if (!/\btables\b/.test(summary)) throw new Error(`the finding does not show its category: ${summary}`);
    await finding.first().evaluate((d) => ((d as HTMLDetailsElement).open = true));
    const text = ((await finding.first().textContent()) ?? '').replace(/\s+/g, ' ');
    log(`finding: ${text.slice(0, 300)}`);
    for (const want of ['refreshed 3 times but read 0 times', 'Refresh it less often'])
      if (!text.includes(want)) throw new Error(`the finding lacks "${want}": ${text.slice(0, 600)}`);
    await screenshot('refresh-cost-finding');

    for (let i = 0; i < 5; i++) await db.query(`SELECT * FROM ${view}`);
    await findings.waitGone(finding, `the refresh-cost finding for ${view} to go once the view is read more often than refreshed`);
    log('finding gone once the view is read');
    await db.query(`DROP MATERIALIZED VIEW ${view}`);
  },
};
