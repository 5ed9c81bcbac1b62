/**
 * The dashboard opens and shows live figures; a maintenance action (ANALYZE of a table) runs after
 * a confirmation, checked in the database (pg_stat_user_tables.last_analyze).
 * The table to analyse is made stale by the step itself: created with autovacuum off and filled,
 * so the "stale statistics" health check offers ANALYZE for it.
 */
import type { Step } from '../lib/types';
import { DashboardFindings } from '../lib/dashboard';

export const step: Step = {
  title: 'the dashboard shows live figures, and ANALYZE of a table runs after confirmation',
  async run({ wb, db, screenshot, log }) {
    const table = 'e2e_events';
    await db.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY, payload text) WITH (autovacuum_enabled = off)`);
    await db.query(`INSERT INTO ${table} SELECT g, md5(g::text) FROM generate_series(1, 20000) AS g`);
    const lastAnalyze = async () =>
      (await db.query<{ t: string | null }>(`SELECT last_analyze::text AS t FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname = $1`, [table]))[0]?.t ?? null;
    if (await lastAnalyze()) throw new Error(`${table} was analysed before the step`);

    // One webview on screen: the dashboard's.
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('PG Lens: Open Dashboard');
    const view = await wb.webview(/Dashboard/);
    await wb.see(view.getByText('Connections').first(), 'a Connections figure in the dashboard', 60_000);
    // Live: the figures change between refreshes (charts, counters, the time of the last sample).
    const snapshot = async () => (await view.locator('body').innerText()).replace(/\s+/g, ' ');
    const first = await snapshot();
    await wb.until(async () => (await snapshot()) !== first, 'the dashboard figures to refresh by themselves (live)', 60_000);
    await screenshot('dashboard');

    // The health checks see the stale table once asked again. Each finding is a collapsed <details>
    // (check id and message in its summary); its body, with the ANALYZE button, shows once opened.
    const findings = new DashboardFindings(wb, view);
    const finding = findings.of('stale-statistics', `public.${table}`);
    // Its accessible name leads with the action and names the object ("ANALYZE: stale-statistics, table …", person45 L6).
    const analyze = finding.getByRole('button', { name: /^ANALYZE(:|$)/ });
    await findings.waitFor(finding, `a "stale statistics" finding for public.${table} with an ANALYZE button in the dashboard`, async () => {
      // Open it the way a user does: a click on its summary line.
      if (!(await finding.first().evaluate((d) => (d as HTMLDetailsElement).open))) await finding.first().locator('summary').click();
      return await analyze.first().isVisible();
    });
    log(`finding: ${(await finding.first().locator('summary').innerText()).replace(/\s+/g, ' ')}`);
    await analyze.first().click();
    const dialog = await wb.confirmDialog(new RegExp(`ANALYZE[\\s\\S]*${table}`), /^Run$/);
    log(`confirmation: ${dialog.replace(/\s+/g, ' ').slice(0, 160)}`);
    const after = await wb.until(async () => await lastAnalyze(), `pg_stat_user_tables.last_analyze of ${table} to be set after the confirmed ANALYZE`, 60_000);
    log(`last_analyze of ${table}: never → ${after}`);
    await screenshot('dashboard-analyzed');
  },
};
