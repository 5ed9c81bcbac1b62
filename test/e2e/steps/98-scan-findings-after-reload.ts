/**
 * person50 L-F: Scan Workspace's findings of files that are not open were gone after Developer: Reload Window until the
 * scan ran again. Now they are kept in the workspace's storage and shown again after the reload for the files unchanged
 * since the scan — with no tab open, products.ts's offset-pagination problem is back without a scan — while a file
 * changed on disk since the scan shows none of its old findings (it is analysed again from its saved text), and opening
 * products.ts shows its problem once (its live analysis, not the kept copy as well).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const RULE = 'offset-pagination';
const FILE = 'src/products.ts';
const CHANGED = 'scan-98-changed.sql';

export const step: Step = {
  title: "Scan Workspace's findings of closed files are back after Reload Window (unchanged files only, each once)",
  async run({ wb, workspace, screenshot, log }) {
    const changedPath = path.join(workspace, CHANGED);
    const rows = async (file: string) => (await wb.problemTexts(RULE, file)).filter((t) => t.includes(RULE));
    try {
      fs.writeFileSync(changedPath, '-- Paged with OFFSET: the scan finds it; the file is changed before the reload.\nSELECT id, sku, name FROM products ORDER BY id LIMIT $1 OFFSET $2;\n');
      // No tab at all: after the reload no tab's own analysis brings a finding back.
      await wb.runCommand('View: Close All Editor Groups');
      try {
        await wb.runCommand('PG Lens: Scan Workspace');
      } catch {
        await wb.runCommand('PG Lens: Scan Workspace'); // the palette can miss the first time on a cold workbench
      }
      const done = wb.page.locator('.notifications-toasts .notification-list-item-message').filter({ hasText: /Scanned \d+ files/ });
      await wb.see(done, 'the "Scanned … files" notification of the workspace scan', 180_000);
      log(`scan: ${(await done.first().innerText()).slice(0, 160)}`);
      await wb.until(async () => ((await rows('products.ts')).length === 1 ? true : undefined), `one ${RULE} problem of ${FILE} (not open) from the scan`, 60_000);
      await wb.until(async () => ((await rows(CHANGED)).length === 1 ? true : undefined), `one ${RULE} problem of ${CHANGED} (not open) from the scan`, 60_000);
      // Kept a second after the scan's results settle; then the file changes on disk, no OFFSET any more.
      await new Promise((r) => setTimeout(r, 3000));
      fs.writeFileSync(changedPath, '-- Paged by key now: nothing to find.\nSELECT id, name FROM products WHERE id > $1 ORDER BY id LIMIT 20;\n');
      await wb.hidePanel();
      await wb.reloadWindow();
      const back = await wb.until(async () => {
        const r = await rows('products.ts');
        return r.length ? r : undefined;
      }, `the ${RULE} problem of ${FILE} back after the reload, with no scan run and no tab open`, 90_000);
      log(`after the reload: ${back.join(' | ').slice(0, 200)}`);
      if (back.length !== 1) throw new StepFailure(`expected one ${RULE} problem of ${FILE} after the reload, saw ${back.length}: ${back.join(' | ')}`);
      const stale = await rows(CHANGED);
      if (stale.length) throw new StepFailure(`${CHANGED} changed after the scan, yet its old finding came back: ${stale.join(' | ')}`);
      // Opened: its live analysis replaces the kept copy — one row. A quiet period first: a duplicate would appear within it.
      await wb.openFile(FILE);
      await new Promise((r) => setTimeout(r, 3000));
      const open = await wb.until(async () => {
        const r = await rows('products.ts');
        return r.length === 1 ? r : undefined;
      }, `exactly one ${RULE} problem of ${FILE} once it is open after the reload`, 60_000, async () => (await rows('products.ts')).join(' | ') || 'none');
      log(`open after the reload: ${open[0].slice(0, 160)}`);
      await screenshot('scan-findings-after-reload');
      await wb.hidePanel();
    } finally {
      await wb.runCommand('View: Close All Editors');
      fs.rmSync(changedPath, { force: true });
    }
  },
};
