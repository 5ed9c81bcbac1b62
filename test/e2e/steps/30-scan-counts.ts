/**
 * Scan Workspace says what the Problems panel shows: its toast's error and warning counts are the
 * status bar's (open files, analysed live, included), and it counts every file it looked at.
 * In this workspace only PG Lens reports problems (code-server's TypeScript server does not run),
 * so the status bar's counts are PG Lens's.
 */
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

export const step: Step = {
  title: 'Scan Workspace: the toast counts what the Problems panel shows, open files included',
  async run({ wb, screenshot, log }) {
    await wb.openFile('src/orders.ts');
    await wb.openFile('src/products.ts');
    // Index advice on the files just opened runs in the background: let the counts settle first.
    await wb.settledProblemCounts('the problem counts to settle after opening the files', 90_000);
    await wb.runCommand('PG Lens: Scan Workspace');
    const done = wb.page.locator('.notifications-toasts .notification-list-item-message').filter({ hasText: /Scanned \d+ files? in/ });
    await wb.see(done, 'the "Scanned … files" notification', 120_000);
    const toast = (await done.first().innerText()).replace(/\s+/g, ' ');
    log(`toast: ${toast}`);
    const m = /Scanned (\d+) files? in [\d.]+ s: (\d+) errors?, (\d+) warnings?, (\d+) infos? in the Problems panel/.exec(toast);
    if (!m) throw new StepFailure(`expected "Scanned N files in … s: E errors, W warnings, I infos in the Problems panel"; saw "${toast}"`);
    const [files, errors, warnings] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (files < 10) throw new StepFailure(`expected every source file of the shop counted (open ones too); the toast says ${files}`);
    if (warnings === 0) throw new StepFailure('expected warnings: the open files have PG Lens findings');
    const status = await wb.problemCounts();
    log(`status bar problems: ${status.text}`);
    if (status.errors !== errors || status.warnings !== warnings) throw new StepFailure(`expected the toast's ${errors} errors and ${warnings} warnings in the status bar's problem counts; it shows "${status.text}"`);
    await screenshot('scan-counts');
  },
};
