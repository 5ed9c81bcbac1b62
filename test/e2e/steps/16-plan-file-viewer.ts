/**
 * .plan files open in the plan viewer: a psql plan saved as slow-report.plan in the workspace is
 * double-clicked in the explorer and shows its tree (nodes, not text). The viewer follows the
 * file: when the file changes on disk, the viewer shows the new plan (an auto_explain log: its slowest
 * plan, whose query the Query tab lays out with the lazily loaded formatter). A .plan file that holds no
 * plan opens as text, with a one-line message saying why.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';

const CAPTURES = path.join(__dirname, '..', '..', 'fixtures', 'plans', 'psql', 'pg15');
const FIRST = path.join(CAPTURES, 'join-filter-sort', 'aligned-border1-ascii.txt');
const SECOND = path.join(CAPTURES, 'subplans-cte', 'raw.txt');
/** A real PG15 server log with four auto_explain entries (their Query Text included). */
const LOG = path.join(__dirname, '..', '..', 'fixtures', 'plans', 'logs', 'pg15-auto_explain.log');

export const step: Step = {
  title: 'A .plan file double-clicked in the explorer opens in the plan viewer and follows the file',
  async run({ wb, workspace, scenario, screenshot, log }) {
    const page = wb.page;
    // Settle the workbench on an editor first (it restores its editors after loading).
    await wb.openFile(scenario.queryFile);
    const file = path.join(workspace, 'slow-report.plan');
    fs.writeFileSync(file, fs.readFileSync(FIRST, 'utf8'));
    fs.writeFileSync(path.join(workspace, 'notes.plan'), 'ask Dana for the production plan of the report query\n');

    const row = (name: string) => page.locator('.explorer-folders-view .monaco-list-row[aria-level="1"]').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace('.', '\\.')}$`) }) });
    await (await wb.see(row('slow-report.plan'), '"slow-report.plan" in the explorer')).dblclick();

    // The workbench may still open editors it restores: bring the plan's tab to the front again
    // before each look (a hidden viewer is re-created from what it was last sent).
    const planView = async () => {
      await (await wb.see(page.locator('.tabs-container .tab').filter({ hasText: 'slow-report.plan' }), 'an editor tab for slow-report.plan')).click();
      return wb.webview(/slow-report\.plan/);
    };
    let view = await planView();
    await wb.see(view.locator('body').filter({ hasText: /Limit/ }), 'the Limit root of slow-report.plan in the viewer', 30_000);
    await wb.see(view.getByText(/HashAggregate/).first(), 'the HashAggregate node of slow-report.plan in the tree');
    const nodes = view.locator('[role="treeitem"]');
    const n = await wb.until(async () => (await nodes.count()) || undefined, 'nodes of slow-report.plan in the viewer');
    log(`slow-report.plan: ${n} nodes`);
    if (await page.locator('.editor-instance .monaco-editor .view-lines').filter({ hasText: 'QUERY PLAN' }).isVisible()) {
      throw new Error('slow-report.plan opened as text, not in the plan viewer');
    }
    await screenshot('plan-file');

    // The file changes on disk (another plan saved over it): the viewer follows.
    fs.writeFileSync(file, fs.readFileSync(SECOND, 'utf8'));
    await page.waitForTimeout(1500);
    view = await planView();
    await wb.see(view.getByText(/CTE Scan on big/).first(), 'the plan saved over slow-report.plan (its CTE Scan on big) in the viewer', 30_000);

    // An auto_explain log saved over it: the slowest of its plans, and its query formatted (the
    // formatter's script loads under the viewer's nonce-only CSP).
    fs.writeFileSync(file, fs.readFileSync(LOG, 'utf8'));
    await page.waitForTimeout(1500);
    view = await planView();
    await wb.see(view.getByText(/slow-report\.plan #3 \(113\.9 ms\)/).first(), 'the slowest logged plan (#3, 113.9 ms) in the viewer', 30_000);
    await view.getByRole('tab', { name: 'Query' }).click();
    const query = await wb.see(view.locator('pre.query[data-formatted="true"]'), 'the logged query laid out by the formatter in the Query tab', 20_000);
    const sql = (await query.textContent()) ?? '';
    log(`formatted query: ${JSON.stringify(sql)}`);
    if (!/^SELECT\n {2}v,\n {2}count\(\*\)\nFROM\n {2}t\n/.test(sql)) throw new Error(`the query is not laid out as expected: ${JSON.stringify(sql)}`);
    await screenshot('plan-file-query');

    // Not a plan: opened as text, with the reader's reason in one line.
    await (await wb.see(row('notes.plan'), '"notes.plan" in the explorer')).dblclick();
    await wb.see(page.locator('.editor-instance .monaco-editor .view-lines').filter({ hasText: 'ask Dana' }), 'notes.plan as text in the editor', 30_000);
    const msg = await wb.until(async () => (await wb.notifications()).find((t) => /notes\.plan opened as text/.test(t)), 'a message saying notes.plan opened as text');
    log(`notes.plan: ${msg}`);
    if (msg.includes('\n')) throw new Error(`the message is not one line: ${msg}`);
    await screenshot('not-a-plan');
  },
};
