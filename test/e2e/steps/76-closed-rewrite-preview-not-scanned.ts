/**
 * person23 MEDIUM 4 (issue 20 item 4): a closed batched-rewrite preview came back in the Problems panel after Scan
 * Workspace — a file "N+1 batched rewrite — …" with its "Seq Scan on reviews" warning, counted by the toast and the
 * status bar, while the scan itself found one fewer. VS Code keeps a closed read-only document for minutes, and the
 * scan's pass over the open documents analysed it again.
 * person28 L2: the OPEN preview was analysed like the app's code: a missing-index warning of its own in Problems, and
 * the reviews index's message counted it ("also serving 3 other statements"). A preview is not the app's code: a scan
 * with the preview open and shown (the scan analyses every open document) leaves it out of Problems and its counts, and
 * so does a scan after it closed; each time the toast's counts are the status bar's.
 */
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const FILE = 'src/products.ts';
const PREVIEW = /N\+1 batched rewrite/;

export const step: Step = {
  title: 'a closed batched-rewrite preview is not in the Problems panel or the counts after Scan Workspace',
  async run({ wb, screenshot, log }) {
    /** Scan Workspace; then no preview in Problems, and the toast's counts are the status bar's. */
    const scanLeavesPreviewOut = async (when: string) => {
      await wb.runCommand('PG Lens: Scan Workspace');
      const done = wb.page.locator('.notifications-toasts .notification-list-item-message').filter({ hasText: /Scanned \d+ files? in/ });
      await wb.see(done, `the "Scanned … files" notification (${when})`, 180_000);
      const toast = (await done.first().innerText()).replace(/\s+/g, ' ');
      log(`toast ${when}: ${toast}`);
      const counts = await wb.settledProblemCounts(`the counts after the scan ${when} to settle`);
      const files = await wb.problemFiles('');
      const shown = files.filter((f) => PREVIEW.test(f));
      if (shown.length) throw new StepFailure(`the batched-rewrite preview is in the Problems panel after Scan Workspace ${when}: ${shown.join(' | ')}`);
      const m = /: (\d+) errors?, (\d+) warnings?/.exec(toast);
      if (!m) throw new StepFailure(`expected "E errors, W warnings" in the scan's toast; saw "${toast}"`);
      if (Number(m[1]) !== counts.errors || Number(m[2]) !== counts.warnings) throw new StepFailure(`the scan's toast (${when}) says ${m[1]} errors, ${m[2]} warnings; the status bar "${counts.text}"`);
      log(`after the scan ${when}: ${counts.text}; no preview among ${files.length} files in Problems`);
    };
    await wb.freshEditor(FILE);
    const row = await wb.problemRow('N+1 query', /N\+1 query: `db\.query` runs once per/, `the n-plus-one problem of ${FILE}`, 90_000, 'products.ts');
    await row.first().click();
    await wb.runCommand('View: Focus Active Editor Group');
    await wb.quickFixes(/Show the batched rewrite/, 'the quick-fix menu with "Show the batched rewrite"');
    await wb.pickQuickFix(/Show the batched rewrite: Batch with/i);
    const lines = wb.page.locator('.editor-instance .monaco-editor .view-lines');
    await wb.until(async () => (await lines.allInnerTexts().catch(() => [] as string[])).some((t) => /PG\sLens:\sBatch\swith/.test(t)), 'the batched rewrite in an editor', 30_000);
    // A scan with the preview open and shown: Scan Workspace analyses the open documents, the preview among them.
    await scanLeavesPreviewOut('with the preview open');
    await screenshot('preview-open-after-scan');
    await wb.page.locator('.editor-instance .monaco-editor .view-lines').filter({ hasText: /PG\sLens:\sBatch\swith/ }).first().click({ timeout: 10_000 });
    await wb.closeReadOnlyTab(PREVIEW, 'the batched rewrite');
    await wb.runCommand('View: Close All Editor Groups');
    await wb.runCommand('Notifications: Clear All Notifications');
    await scanLeavesPreviewOut('after the preview closed');
    await screenshot('after-scan');
  },
};
