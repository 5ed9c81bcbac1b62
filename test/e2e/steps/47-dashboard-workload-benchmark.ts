/**
 * The dashboard runs the workload benchmark over the statements Top statements lists: "Benchmark these
 * statements", a confirmation on the extension side, progress, then p50/p95/p99 per statement and for the
 * workload; a write in the list is shown as not run, and its rows are still there.
 */
import type { Step } from '../lib/types';
import { chooseTotals } from '../lib/dashboard';

export const step: Step = {
  title: 'the dashboard benchmarks the statements it lists after a confirmation: p50/p95/p99 per statement and for the workload',
  async run({ wb, db, screenshot, log }) {
    // The application's traffic: a read with a parameter (its value comes from pg_stats) and a write. The earlier
    // steps' demo traffic is cleared first: Top statements lists the top 20 by total time, where five fast calls
    // could rank below thousands of the shop's.
    await db.query('SELECT pg_stat_statements_reset()');
    await db.query('ANALYZE orders');
    for (let i = 0; i < 5; i++) await db.query('SELECT id, total_cents FROM orders WHERE status = $1 ORDER BY placed_at DESC LIMIT 5', ['refunded']);
    const before = Number((await db.query('SELECT count(*) AS n FROM orders'))[0].n);
    await db.query('UPDATE orders SET total_cents = total_cents WHERE id = -1');
    await wb.openFile('src/orders.ts');
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('PG Lens: Open Dashboard');
    const view = await wb.webview(/Dashboard/);
    // Totals: the statements ran before the panel opened.
    await chooseTotals(wb, view);
    await wb.see(view.locator('code.sql').filter({ hasText: /WHERE status = \$1/ }), 'the statement in Top statements', 60_000);
    await view.getByRole('button', { name: 'Benchmark these statements' }).click();
    const dialog = await wb.confirmDialog(/Benchmark the \d+ statements? listed/, /^Run benchmark$/);
    log(`confirmation: ${dialog.replace(/\s+/g, ' ').slice(0, 200)}`);
    // The workload's line: with the app's values, or saying every statement ran on stand-ins (person53 M-1: those are left out of it).
    const result = view.locator('.workload-bench').filter({ hasText: /Workload \(weighted by calls|Workload: every statement run was run on stand-in values/ });
    await wb.see(result, 'the workload benchmark results in the dashboard', 180_000);
    const text = ((await result.first().innerText()) ?? '').replace(/\s+/g, ' ');
    log(`results: ${text.slice(0, 400)}`);
    if (!/\d+ of \d+ statements run(?: \([^)]*\))?, 20 runs each \(rolled back\)/.test(text)) throw new Error(`no run summary: ${text.slice(0, 400)}`);
    const row = result.locator('tr').filter({ hasText: /WHERE status = \$1/ });
    const cells = (await row.first().locator('td').allInnerTexts()).map((c) => c.trim());
    if (!cells.slice(0, 3).every((c) => /ms$/.test(c))) throw new Error(`the statement has no p50/p95/p99: ${cells.join(' | ')}`);
    const write = result.locator('tr').filter({ hasText: /UPDATE orders/ });
    if ((await write.count()) && !/not run/.test(await write.first().innerText())) throw new Error('the UPDATE was not listed as not run');
    if (Number((await db.query('SELECT count(*) AS n FROM orders'))[0].n) !== before) throw new Error('orders changed');
    await screenshot('dashboard-workload-benchmark');
  },
};
