/**
 * The dashboard opens and shows live figures; a maintenance action (ANALYZE of a table) runs after
 * a confirmation, checked in the database (pg_stat_user_tables.last_analyze).
 * The table to analyse is made stale by the step itself: created with autovacuum off and filled,
 * so the "stale statistics" health check offers ANALYZE for it. Then a unique index left invalid by duplicates: its
 * finding says so and offers the DROP (not a REINDEX), which drops it.
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

    // person45 H2: a CREATE UNIQUE INDEX CONCURRENTLY that failed on duplicates. The finding says the key has duplicates
    // and its one button is the DROP (a REINDEX would fail the same way and leave <name>_ccnew); it drops that index only.
    await db.query(`CREATE TABLE e2e_dupes (id int PRIMARY KEY, v int)`);
    await db.query(`INSERT INTO e2e_dupes VALUES (1, 7), (2, 7), (3, 8)`);
    await db.query(`CREATE UNIQUE INDEX CONCURRENTLY e2e_dupes_v_key ON e2e_dupes (v)`).then(() => { throw new Error('the unique index was built on duplicates'); }, () => undefined);
    const invalid = findings.of('invalid-index', 'e2e_dupes_v_key');
    const drop = invalid.getByRole('button', { name: /^DROP INDEX CONCURRENTLY: invalid-index/ });
    await findings.waitFor(invalid, 'an invalid-index finding for e2e_dupes_v_key with a DROP button', async () => {
      if (!(await invalid.first().evaluate((d) => (d as HTMLDetailsElement).open))) await invalid.first().locator('summary').click();
      return await drop.first().isVisible();
    });
    const said = (await invalid.first().innerText()).replace(/\s+/g, ' ');
    log(`finding: ${said.slice(0, 300)}`);
    if (!/its key has duplicates \(1 key duplicated, e\.g\. \(v\)=\(7\) on 2 rows\)/.test(said)) throw new Error(`the finding does not say the key has duplicates: ${said}`);
    if (await invalid.getByRole('button', { name: /^REINDEX/ }).count()) throw new Error('a REINDEX button is offered for a unique index whose key has duplicates');
    await drop.first().click();
    await wb.confirmDialog(/DROP INDEX CONCURRENTLY[\s\S]*e2e_dupes_v_key/, /^Drop the index$/);
    await wb.until(async () => (await db.query(`SELECT 1 FROM pg_class WHERE relname = 'e2e_dupes_v_key'`)).length === 0, 'e2e_dupes_v_key to be dropped after the confirmed DROP', 60_000);
    await findings.waitGone(invalid, 'the invalid-index finding to go once the index is dropped');
  },
};
