/**
 * The dashboard's health checks include the security audit: a table whose email and card-number
 * columns every role can read shows as a sensitive-column-unprotected finding naming the table and
 * the columns, with the REVOKE/GRANT fix; the sampled values themselves never reach the webview.
 * Once the fix runs (here, through the database as an operator would), the finding goes away.
 */
import type { Step } from '../lib/types';
import { DashboardFindings } from '../lib/dashboard';

export const step: Step = {
  title: 'the dashboard shows a security finding for personal data every role can read, and it clears once fixed',
  async run({ wb, db, screenshot, log }) {
    const table = 'e2e_customers_pii';
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.query(`CREATE TABLE ${table} (id int PRIMARY KEY, email text, card_number text, note text)`);
    await db.query(`INSERT INTO ${table} SELECT g, 'buyer' || g || '@shop.example', '4111 1111 1111 1111', 'n' FROM generate_series(1, 50) g`);
    await db.query(`GRANT SELECT ON ${table} TO PUBLIC`);
    await db.query(`ANALYZE ${table}`);

    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('PG Lens: Open Dashboard');
    const findings = new DashboardFindings(wb, await wb.webview(/Dashboard/));
    const { view } = findings;
    const finding = findings.of('sensitive-column-unprotected', table);
    await findings.waitFor(finding, `a sensitive-column-unprotected finding for ${table} in the dashboard`);
    if (!(await finding.first().evaluate((d) => (d as HTMLDetailsElement).open))) await finding.first().locator('summary').click();
    const text = (await finding.first().innerText()).replace(/\s+/g, ' ');
    log(`finding: ${text.slice(0, 300)}`);
    for (const want of ['email (email)', 'card_number (card number)', `REVOKE SELECT ON public.${table} FROM PUBLIC;`, `GRANT SELECT (id, note) ON public.${table} TO PUBLIC;`])
      if (!text.includes(want)) throw new Error(`the finding lacks "${want}": ${text.slice(0, 600)}`);
    if (/shop\.example|4111/.test(await view.locator('body').innerText())) throw new Error('a sampled value reached the dashboard');
    await screenshot('security-finding');

    await db.query(`REVOKE SELECT ON ${table} FROM PUBLIC`);
    await db.query(`GRANT SELECT (id, note) ON ${table} TO PUBLIC`);
    await findings.waitGone(finding, `the finding for ${table} to go once PUBLIC can read only id and note`);
    log('finding gone after the fix');
    await db.query(`DROP TABLE ${table}`);
  },
};
