/**
 * The dashboard's workload benchmark runs a statement with the values the app really sent: with
 * pgLens.record.values on, a recording captures them; Benchmark these statements then says so in its confirmation,
 * names the statement it is running, and shows each result row's values and their source ("values the app sent
 * (recorded)") — with the app's own text (LIMIT 5 where pg_stat_statements shows LIMIT $2) — under the button, in view.
 * It drew 'delivered' from the statistics where the app asks for 'refunded', and its result landed below the fold.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clearRecordedQueries, runInNewTerminal, stopRecording } from '../lib/recording';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';
import { tempFolderForRun } from '../../unit/support/tempFolder';
import { chooseTotals } from '../lib/dashboard';

const QUERY = 'SELECT id, total_cents FROM orders WHERE status = $1 ORDER BY placed_at DESC LIMIT 5';

const APP = `const { Client } = require('pg');
(async () => {
  const c = new Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  for (let i = 0; i < 5; i++) await c.query(${JSON.stringify(QUERY)}, ['refunded']);
  await c.end();
})().catch((e) => { console.error(e); process.exit(1); });
`;

export const step: Step = {
  title: 'the workload benchmark runs with the values the app sent (recorded), says so, and shows its progress and results in view',
  async run({ wb, db, userSettings, screenshot, log }) {
    const original = fs.existsSync(userSettings) ? fs.readFileSync(userSettings, 'utf8') : '{}';
    fs.writeFileSync(userSettings, JSON.stringify({ ...(JSON.parse(original) as Record<string, unknown>), 'pgLens.record.values': true }, null, 2));
    try {
      await wb.page.waitForTimeout(1500); // the settings file written before the reload
      // Only this app's traffic in Top statements (the earlier steps' could rank above five fast calls).
      await db.query('SELECT pg_stat_statements_reset()');
      await db.query('ANALYZE orders');
      const app = path.join(tempFolderForRun('pglens-e2e-values-'), 'app.js');
      fs.writeFileSync(app, APP);
      // The setting as a person sets it, read by a reloaded window (code-server reads the user settings file on load).
      await wb.reloadWindow();
      await wb.runCommand('PG Lens: Start Recording');
      const toast = await wb.see(wb.page.locator('.notifications-toasts .notification-toast').filter({ hasText: /PG Lens is recording/ }), 'the recording notice', 30_000);
      const notice = (await toast.first().innerText()).replace(/\s+/g, ' ');
      log(`notice: ${notice}`);
      if (!/Parameter values are captured too \(pgLens\.record\.values\)/.test(notice)) throw new StepFailure(`expected Start Recording to say parameter values are captured; saw: ${notice}`);
      await runInNewTerminal({ wb, db }, `exec node ${app}`);
      await wb.see(wb.statusBarItem(/(^|\s)([5-9]|\d{2,}) statements\b/), 'the status bar counting the app\'s 5 queries', 90_000);
      await stopRecording(wb, log);
      await wb.runCommand('View: Close All Editors');
      await wb.runCommand('PG Lens: Open Dashboard');
      const view = await wb.webview(/Dashboard/);
      await chooseTotals(wb, view);
      await wb.see(view.locator('code.sql').filter({ hasText: /WHERE status = \$1/ }), 'the app\'s statement in Top statements', 60_000);
      await view.getByRole('button', { name: 'Benchmark these statements' }).click();
      const dialog = await wb.confirmDialog(/Benchmark the \d+ statements? listed/, /^Run benchmark$/);
      log(`confirmation: ${dialog.replace(/\s+/g, ' ').slice(0, 400)}`);
      if (!/1 with the values the app sent \(recorded\)/.test(dialog)) throw new StepFailure(`expected the confirmation to count the statement run with the values the app sent; saw: ${dialog.slice(0, 400)}`);
      const progress = view.locator('.workload-bench').filter({ hasText: /Workload benchmark running: \d+ of \d+ statements done/ });
      // The workload's line: with the app's values, or saying every statement ran on stand-ins (person53 M-1: those are left out of it).
      const result = view.locator('.workload-bench').filter({ hasText: /Workload \(weighted by calls|Workload: every statement run was run on stand-in values/ });
      // The progress line can be brief on a fast machine: either it or the result, then the result.
      await wb.see(progress.or(result), 'the workload benchmark\'s progress or result under the button', 60_000);
      // Read at once or not at all: the progress line can turn into the result between the check and the read (the
      // fresh-clone CI of 6f0bfc5, load 3: innerText waited 30 s for a progress line that had gone).
      const said = await progress.first().innerText({ timeout: 1000 }).catch(() => undefined);
      if (said) log(`progress: ${said.replace(/\s+/g, ' ')}`);
      await wb.see(result, 'the workload benchmark results in the dashboard', 180_000);
      const row = result.locator('tr').filter({ hasText: /WHERE status = \$1/ });
      const text = (await row.first().innerText()).replace(/\s+/g, ' ');
      log(`row: ${text.slice(0, 300)}`);
      if (!/with \$1 = refunded \(values the app sent \(recorded\)\)/.test(text)) throw new StepFailure(`expected the row to run with $1 = refunded, the value the app sent; saw: ${text}`);
      if (!/LIMIT 5/.test(text)) throw new StepFailure(`expected the app's own text (LIMIT 5), not pg_stat_statements' LIMIT $2 with a made-up value; saw: ${text}`);
      // In view: the results box is inside the webview's visible area.
      const inView = await result.first().evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.top >= 0 && r.top < window.innerHeight;
      });
      if (!inView) throw new StepFailure('expected the workload benchmark results in view (they landed below the fold)');
      await screenshot('workload-benchmark-app-values');
      await clearRecordedQueries(wb);
      await wb.runCommand('Terminal: Kill All Terminals');
    } finally {
      fs.writeFileSync(userSettings, original);
    }
  },
};
