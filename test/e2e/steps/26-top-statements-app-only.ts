/**
 * Top statements are the application's: after PG Lens planned the open files' queries (its own EXPLAINs, with hypothetical indexes too) and the statistics
 * PG Lens reads, the dashboard's Top statements (totals) list none of PG Lens's own statements —
 * no EXPLAIN, no catalog probe, nothing marked /* pg-lens *\/ — while the application's traffic is
 * there; clicking a statement opens its figures and its call sites in the workspace.
 */
import type { Step } from '../lib/types';
import { chooseTotals } from '../lib/dashboard';

const OWN = /pg-lens|^\s*EXPLAIN\b|FROM pg_catalog\.|\bpg_class\b|\bpg_stat_|\bpg_settings\b|\bpg_available_extensions\b|hypopg|set_config|current_setting\(|pglens_/i;

/**
 * What the e2e steps themselves ask the server through the harness's connection (steps 07, 11, 46, 47, 52, 58): their
 * texts as pg_stat_statements keeps them. PG Lens's own statements carry its marker; these never do.
 */
const HARNESS_PROBES = /^\s*SELECT (last_analyze::text AS t FROM pg_stat_user_tables WHERE schemaname = \$\d+ AND relname = \$\d+|reltuples::float8 AS reltuples FROM pg_class WHERE relname = \$\d+|count\(\*\)::int AS n FROM pg_stat_activity WHERE application_name = \$\d+|pg_stat_statements_reset\(\)|pg_stat_reset_single_table_counters\()/i;

export const step: Step = {
  title: "Top statements list only the application's statements after PG Lens explained the code's queries, and a statement opens its call sites",
  async run({ wb, db, scenario, screenshot, log }) {
    // Only this step's traffic in Top statements: run after the recording steps (reverse order, session 13), their ORM
    // statements had more calls than the app's 300 and pushed it off the list.
    await db.query('SELECT pg_stat_statements_reset()');
    // The application's traffic: the statement of the query file, run by "the app" (not PG Lens).
    // Enough calls to rank among the top statements by calls (the seed's bulk loads rank by time).
    for (let i = 0; i < 300; i++) await db.query('SELECT id, status, total_cents, placed_at FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 20', [100 + (i % 50)]);
    await wb.openFile(scenario.queryFile);
    // PG Lens at work: opening the files plans their queries in the background (EXPLAIN), and the
    // missing-index analysis explains them again with hypothetical indexes; the problem proves it ran.
    await wb.openFile(scenario.loopFile);
    const rows = await wb.problems('missing-index');
    await wb.see(rows.filter({ hasText: 'missing-index' }), 'a missing-index problem (PG Lens explained the queries)', 90_000);
    await wb.page.waitForTimeout(3000);
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('PG Lens: Open Dashboard');
    const view = await wb.webview(/Dashboard/);
    await chooseTotals(wb, view);
    // The application's statement is frequent, not long: sort by calls, as a person looking for it would.
    await view.getByRole('combobox', { name: 'Sort statements by' }).selectOption('calls');
    const cells = view.locator('section.panel').filter({ has: view.getByRole('heading', { name: 'Top statements' }) }).locator('td code.sql');
    const texts = await wb.until(async () => {
      const t = await cells.allInnerTexts();
      return t.some((x) => /FROM orders WHERE customer_id/i.test(x)) ? t : undefined;
    }, "the application's statement (orders by customer) in Top statements", 60_000, async () => (await cells.allInnerTexts()).slice(0, 8).join(' | '));
    // The harness's CREATE EXTENSION pg_stat_statements (its view and grants) is not PG Lens's, nor are the catalog
    // probes earlier steps run through the harness's own connection (HARNESS_PROBES) — the app's, as far as the server knows.
    const own = texts.filter((x) => OWN.test(x) && !HARNESS_PROBES.test(x) && !/^\s*(CREATE\s+(OR\s+REPLACE\s+)?(VIEW|FUNCTION|EXTENSION)|GRANT|REVOKE|DROP\s+(VIEW|FUNCTION)|ALTER\s+EXTENSION)\b/i.test(x));
    log(`Top statements: ${texts.length} rows; ${texts.slice(0, 5).map((x) => x.slice(0, 60)).join(' | ')}`);
    await screenshot('top-statements');
    if (own.length) throw new Error(`PG Lens's own statements in Top statements:\n    ${own.map((x) => x.slice(0, 160)).join('\n    ')}`);

    // A statement opens its details and call sites.
    const app = view.locator('button.statement').filter({ hasText: /FROM orders WHERE customer_id/i });
    await app.first().click();
    const quick = wb.page.locator('.quick-input-widget');
    await wb.see(quick.filter({ hasText: /Call sites in the workspace \(\d+\)/ }), 'the statement details with its call sites', 60_000);
    await wb.see(quick.locator('.monaco-list-row').filter({ hasText: 'Open the statement' }), 'the statement itself, with its figures');
    log(`details: ${(await quick.innerText()).replace(/\s+/g, ' ').slice(0, 200)}`);
    await screenshot('statement-details');
    // The statement opens read-only, with its lens; closing it asks nothing (an Untitled copy asked to save).
    await quick.locator('.monaco-list-row').filter({ hasText: 'Open the statement' }).first().click();
    // (Monaco renders spaces as no-break spaces: \s matches both. The statement is the text pg_stat_statements kept, as
    // whichever call ran it first wrote it: on one line or several, and the lines' text joins with nothing between.)
    await wb.see(wb.page.locator('.editor-instance .monaco-editor .view-lines').filter({ hasText: /FROM\s*orders\s*WHERE\s*customer_id/i }), 'the statement in an editor');
    await wb.see(wb.page.locator('.editor-instance .codelens-decoration').filter({ hasText: /calls/ }), "the statement's cost lens (the editor analyses the read-only document)", 60_000);
    await screenshot('statement-opened');
    await wb.closeReadOnlyTab(/SELECT\sid,\sstatus,\stotal_cents,\splaced_at/i, 'the statement from Top statements (its tab titled by its first words)');
    // Its findings go with it (VS Code keeps a closed document for minutes: they stayed in the Problems panel).
    // Every file row of the list read (it draws only those on screen).
    const left = async () => (await wb.problemFiles()).filter((t) => /SELECT\sid,\sstatus,\stotal_cents,\splaced_at\sFROM…\.sql/.test(t));
    await wb.until(async () => (await left()).length === 0, 'no Problems entry left for the closed statement', 30_000, async () => (await left()).join(' | '));
  },
};
