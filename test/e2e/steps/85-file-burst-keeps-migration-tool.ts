/**
 * A burst of created files (an `npm ci`, a `git checkout`) must not make PG Lens list the whole workspace again and
 * again: the migration tool of the quick-fix menu was detected anew (a findFiles over up to 20,000 files) after ANY file
 * created or deleted anywhere, and the menu asks for it at every code-action request. Now only a file that can change
 * the detection's answer (a migration file, alembic.ini, package.json… outside node_modules) makes it detect again.
 *
 * 2,000 files are written in 20 rounds of 100 (75 into node_modules/<package>/, package.json among them, as npm writes
 * them; 25 plain text files into a new burst-85/ folder), the quick-fix menu of the refunds read asked for after each
 * round. The log's "migration tool: detecting it" lines are counted: the detection must not run again during the burst
 * (it ran 20 times before). Everything written is removed at the end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';
import { channelLog } from '../lib/errors';

const FILE = 'src/orders.ts';
const PROBLEM = /orders \(status/;
const ROUNDS = 20;
const DETECTED = /migration tool: detecting it in /g;

export const step: Step = {
  title: 'a burst of 2,000 created files (npm ci-like): the migration tool of the quick-fix menu is not detected again',
  async run({ wb, workspace, userSettings, screenshot, log }) {
    const logs = path.join(path.dirname(path.dirname(userSettings)), 'logs');
    const detections = () => (channelLog(logs).match(DETECTED) ?? []).length;
    await wb.freshEditor(FILE);
    const row = await wb.problemRow('status', PROBLEM, 'the missing-index problem of the refunds read (orders (status))', 180_000, 'orders.ts');
    await row.first().click();
    await wb.runCommand('View: Focus Active Editor Group');
    const menu = await wb.quickFixes(/^Save CREATE INDEX as \.sql…/, 'the quick fix "Save CREATE INDEX as .sql…" (the shop has no migration tool)', 60_000);
    log(`quick fixes: ${menu.join(' | ')}`);
    await wb.page.keyboard.press('Escape');
    const before = detections();
    const modules = path.join(workspace, 'node_modules');
    const hadModules = fs.existsSync(modules);
    const burst = path.join(workspace, 'burst-85');
    try {
      for (let r = 0; r < ROUNDS; r++) {
        for (let p = 0; p < 3; p++) {
          const pkg = path.join(modules, `burst-85-pkg-${r}-${p}`);
          fs.mkdirSync(path.join(pkg, 'lib'), { recursive: true });
          fs.writeFileSync(path.join(pkg, 'package.json'), `{ "name": "burst-85-pkg-${r}-${p}", "version": "1.0.0" }\n`);
          for (let i = 0; i < 24; i++) fs.writeFileSync(path.join(pkg, 'lib', `m${i}.js`), `module.exports = ${i};\n`);
        }
        fs.mkdirSync(path.join(burst, `r${r}`), { recursive: true });
        for (let i = 0; i < 25; i++) fs.writeFileSync(path.join(burst, `r${r}`, `note${i}.txt`), `burst ${r}/${i}\n`);
        // The quick-fix menu asks for the migration tool (a code-action request), as a person moving about the file does.
        await wb.page.waitForTimeout(400);
        await wb.keys('Mod+.');
        await wb.page.waitForTimeout(500);
        await wb.page.keyboard.press('Escape');
      }
      await wb.page.waitForTimeout(2_000);
      const again = await wb.quickFixes(/^Save CREATE INDEX as \.sql…/, 'the quick fix "Save CREATE INDEX as .sql…" after the burst', 60_000);
      await wb.page.keyboard.press('Escape');
      await screenshot('after-burst-menu');
      const during = detections() - before;
      log(`migration tool detections (file list reads) during the burst of ${ROUNDS * 100} files: ${during} (menu after: ${again.join(' | ')})`);
      if (during > 0) throw new StepFailure(`the migration tool was detected again ${during} time(s) during a burst of files none of which can change it (node_modules, plain text files)`);
    } finally {
      fs.rmSync(burst, { recursive: true, force: true });
      if (hadModules) for (const d of fs.readdirSync(modules).filter((d) => d.startsWith('burst-85-'))) fs.rmSync(path.join(modules, d), { recursive: true, force: true });
      else fs.rmSync(modules, { recursive: true, force: true });
      await wb.runCommand('View: Close All Editors');
    }
  },
};
