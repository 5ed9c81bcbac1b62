/**
 * A person's hour (person32 L3): after `mv other/inventory.py other/stock.py` with inventory.py open, the Problems panel
 * kept inventory.py's findings (its tab struck through), and after Scan Workspace the same finding was listed twice, once
 * per name. A source file deleted or renamed on disk now takes its findings with it, open or not (analysis.ts
 * followGone); the new name's findings come from the scan. Here a file with a non-sargable read is written, opened, then
 * renamed on disk: its old name's problems go, and after Scan Workspace the finding is listed once, under the new name.
 * Then, its editors closed, the file is renamed on disk again (person36 L3: a closed file's findings went with its old
 * name and the new name had none until the next scan): the finding moves to the third name without a scan.
 * All three names are removed at the end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const OLD = 'src/inventory89.ts';
const NEW = 'src/stock89.ts';
const THIRD = 'src/warehouse89.ts';
const TEXT = "import { pool } from './db';\n\nexport async function byEmail(email: string) {\n  return pool.query('SELECT id FROM customers WHERE lower(email) = $1', [email]);\n}\n";
const FINDING = 'lower(email)';

export const step: Step = {
  title: 'a file renamed on disk while open: its old name\'s problems go, and a scan lists the finding once, under the new name; renamed again while closed, the finding follows it without a scan',
  async run({ wb, workspace, screenshot, log }) {
    const page = wb.page;
    const oldBase = path.basename(OLD);
    const newBase = path.basename(NEW);
    const rows = async (base: string) => (await wb.problemTexts('email', base)).filter((t) => t.includes(FINDING) || /email/.test(t));
    fs.writeFileSync(path.join(workspace, OLD), TEXT);
    try {
      await wb.freshEditor(OLD);
      const before = await wb.until(async () => {
        const r = await rows(oldBase);
        return r.length ? r : undefined;
      }, `a problem of ${OLD} (its non-sargable lower(email) read)`, 120_000);
      log(`open ${OLD}: ${before.map((t) => t.slice(0, 80)).join(' | ')}`);

      fs.renameSync(path.join(workspace, OLD), path.join(workspace, NEW));
      await wb.until(async () => ((await rows(oldBase)).length === 0 ? true : undefined), `no problem left under ${oldBase} after the rename on disk`, 60_000, async () => (await rows(oldBase)).join(' | ')).catch(async (e) => {
        await screenshot('renamed-file-stale');
        throw e;
      });
      log(`renamed to ${NEW}: no problem under ${oldBase}`);

      await wb.runCommand('PG Lens: Scan Workspace');
      await wb.see(page.locator('.notifications-toasts .notification-list-item-message').filter({ hasText: /Scanned \d+ files? in/ }).last(), 'the "Scanned … files" notification', 180_000);
      await wb.settledProblemCounts('the counts after the scan to settle');
      const after = await wb.until(async () => {
        const r = await rows(newBase);
        return r.length ? r : undefined;
      }, `the finding under ${newBase} after Scan Workspace`, 60_000);
      const stale = await rows(oldBase);
      log(`after the scan: ${newBase} ${after.length}, ${oldBase} ${stale.length}`);
      await screenshot('renamed-file-scanned');
      if (stale.length) throw new StepFailure(`expected the finding listed once, under ${newBase}; ${oldBase} still lists: ${stale.join(' | ')}`);

      // Closed now, renamed on disk again: its findings move to the new name by themselves (no Scan Workspace).
      await wb.runCommand('View: Close All Editors');
      const thirdBase = path.basename(THIRD);
      fs.renameSync(path.join(workspace, NEW), path.join(workspace, THIRD));
      const moved = await wb.until(async () => {
        const r = await rows(thirdBase);
        return r.length ? r : undefined;
      }, `the finding under ${thirdBase} after the closed file's rename on disk, without a scan`, 60_000, async () => `${newBase}: ${(await rows(newBase)).join(' | ') || 'none'}`).catch(async (e) => {
        await screenshot('renamed-closed-file-lost');
        throw e;
      });
      await wb.until(async () => ((await rows(newBase)).length === 0 ? true : undefined), `no problem left under ${newBase} after the closed file's rename`, 60_000, async () => (await rows(newBase)).join(' | '));
      log(`closed, renamed to ${THIRD}: ${thirdBase} ${moved.length}, ${newBase} 0`);
      await screenshot('renamed-closed-file-followed');
    } finally {
      await wb.runCommand('View: Close All Editors');
      for (const f of [OLD, NEW, THIRD]) fs.rmSync(path.join(workspace, f), { force: true });
    }
  },
};
