/**
 * The dashboard opens and shows live figures; a maintenance action (ANALYZE of a table) runs after
 * a confirmation, checked in the database (pg_stat_user_tables.last_analyze).
 */
import type { Step } from '../lib/types';

export const step: Step = {
  title: 'the dashboard shows live figures, and ANALYZE of a table runs after confirmation',
  async run({ wb, db, scenario, screenshot, log }) {
    const table = scenario.analyzeTable;
    const lastAnalyze = async () =>
      (await db.query<{ t: string | null }>(`SELECT greatest(last_analyze, last_autoanalyze)::text AS t FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname = $1`, [table]))[0]?.t ?? null;
    const before = await lastAnalyze();
    // Some traffic, so the statements list has something to show.
    for (let i = 0; i < 20; i++) await db.query(`SELECT count(*) FROM ${table} WHERE id > $1`, [i]);

    await wb.runCommand('PG Lens: Open Dashboard');
    const view = await wb.webview(/dashboard/i);
    await wb.see(view.getByText(/connections/i), 'a connections figure in the dashboard', 30_000);
    await wb.see(view.getByText(/\d/), 'numbers in the dashboard');
    // Live: what the dashboard shows changes between refreshes (e.g. its own "updated" time, counts).
    const snapshot = async () => (await view.locator('body').innerText()).replace(/\s+/g, ' ');
    const first = await snapshot();
    await wb.until(async () => (await snapshot()) !== first, 'the dashboard figures to refresh (live)', 30_000);
    await screenshot('dashboard');

    // ANALYZE from the dashboard: find the action for the table, confirm, check the server.
    const action = view.getByRole('button', { name: /analyze/i }).filter({ hasText: /analyze/i });
    const forTable = view.locator('tr, li, .row, section').filter({ hasText: table }).getByRole('button', { name: /^analyze/i });
    const button = (await forTable.count()) ? forTable : action;
    await wb.see(button, `an ANALYZE action for table ${table} in the dashboard`);
    await button.first().click();
    const dialog = await wb.confirmDialog(new RegExp(`ANALYZE[\\s\\S]*${table}`, 'i'), /^(Run|Analyze|ANALYZE|Yes|OK)/);
    log(`confirmation: ${dialog.replace(/\s+/g, ' ').slice(0, 160)}`);
    const after = await wb.until(async () => {
      const t = await lastAnalyze();
      return t && t !== before ? t : undefined;
    }, `pg_stat_user_tables.last_analyze of ${table} to move past ${before ?? 'never'} after the confirmed ANALYZE`, 60_000);
    log(`last_analyze of ${table}: ${before ?? 'never'} → ${after}`);
    await screenshot('dashboard-analyzed');
  },
};
