/**
 * person23 MEDIUM 4 (issue 20 item 4): a closed batched-rewrite preview came back in the Problems panel after Scan
 * Workspace — a file "N+1 batched rewrite — …" with its "Seq Scan on reviews" warning, counted by the toast and the
 * status bar, while the scan itself found one fewer. VS Code keeps a closed read-only document for minutes, and the
 * scan's pass over the open documents analysed it again. The preview of the featured products' reviews loop
 * (src/products.ts) has a finding of its own while open; once closed, a scan leaves it out, and the toast's counts are
 * the status bar's.
 */
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const FILE = 'src/products.ts';
const PREVIEW = /N\+1 batched rewrite/;

export const step: Step = {
  title: 'a closed batched-rewrite preview is not in the Problems panel or the counts after Scan Workspace',
  async run({ wb, screenshot, log }) {
    await wb.freshEditor(FILE);
    const row = await wb.problemRow('N+1 query', /N\+1 query: `db\.query` runs once per/, `the n-plus-one problem of ${FILE}`, 90_000, 'products.ts');
    await row.first().click();
    await wb.runCommand('View: Focus Active Editor Group');
    await wb.quickFixes(/Show the batched rewrite/, 'the quick-fix menu with "Show the batched rewrite"');
    await wb.pickQuickFix(/Show the batched rewrite: Batch with/i);
    const lines = wb.page.locator('.editor-instance .monaco-editor .view-lines');
    await wb.until(async () => (await lines.allInnerTexts().catch(() => [] as string[])).some((t) => /PG\sLens:\sBatch\swith/.test(t)), 'the batched rewrite in an editor', 30_000);
    // While it is open, the preview is analysed like any SQL: its reviews scan has a finding of its own (without one, this
    // step would prove nothing).
    const open = await wb.until(async () => {
      const files = await wb.problemFiles('');
      return files.find((f) => PREVIEW.test(f));
    }, 'the open preview\'s own finding in the Problems panel (a file "N+1 batched rewrite — …")', 120_000, async () => (await wb.problemFiles('')).join(' | ').slice(0, 400));
    log(`preview open: ${open}`);
    await screenshot('preview-open');
    await wb.page.locator('.editor-instance .monaco-editor .view-lines').filter({ hasText: /PG\sLens:\sBatch\swith/ }).first().click({ timeout: 10_000 });
    await wb.closeReadOnlyTab(PREVIEW, 'the batched rewrite');
    await wb.runCommand('View: Close All Editor Groups');
    await wb.until(async () => !(await wb.problemFiles('')).some((f) => PREVIEW.test(f)), 'the closed preview gone from the Problems panel', 60_000);

    await wb.runCommand('PG Lens: Scan Workspace');
    const done = wb.page.locator('.notifications-toasts .notification-list-item-message').filter({ hasText: /Scanned \d+ files? in/ });
    await wb.see(done, 'the "Scanned … files" notification', 180_000);
    const toast = (await done.first().innerText()).replace(/\s+/g, ' ');
    log(`toast: ${toast}`);
    const counts = await wb.settledProblemCounts('the counts after the scan to settle');
    const files = await wb.problemFiles('');
    await screenshot('after-scan');
    const back = files.filter((f) => PREVIEW.test(f));
    if (back.length) throw new StepFailure(`the closed preview is back in the Problems panel after Scan Workspace: ${back.join(' | ')}`);
    const m = /: (\d+) errors?, (\d+) warnings?/.exec(toast);
    if (!m) throw new StepFailure(`expected "E errors, W warnings" in the scan's toast; saw "${toast}"`);
    if (Number(m[1]) !== counts.errors || Number(m[2]) !== counts.warnings) throw new StepFailure(`the scan's toast says ${m[1]} errors, ${m[2]} warnings; the status bar "${counts.text}"`);
    log(`after the scan: ${counts.text}; no preview among ${files.length} files in Problems`);
  },
};
