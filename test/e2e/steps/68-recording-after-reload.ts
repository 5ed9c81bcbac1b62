/**
 * A recording outlives a window reload (person11 Q11: switching folder and back lost the recorded CodeLens, N+1s and
 * "289 statements recorded"; Clear then said "nothing recorded to clear"). The shop's ORM traffic is recorded and the
 * recording stopped; after Developer: Reload Window the status bar says the statements are recorded again, the
 * recorded N+1 is back in the Problems panel, and Clear Recorded Queries clears it (and the kept copy with it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../lib/database';
import { clearRecordedQueries, runInRecordingTerminal, stopRecording } from '../lib/recording';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const ORM_FILE = 'orm/orders.ts';
const RENAMED = 'orm/orderStore.ts';

export const step: Step = {
  title: 'a stopped recording, its status and its N+1, come back after Developer: Reload Window (its file renamed on disk before: under the new name); Clear clears them',
  async run({ wb, db, workspace, screenshot, log }) {
    await wb.runCommand('View: Close All Editor Groups');
    await wb.openFile(ORM_FILE);
    await runInRecordingTerminal({ wb, db }, `ROUNDS=1 exec ${path.join(ROOT, 'node_modules', '.bin', 'tsx')} orm/traffic.ts`);
    await wb.see(wb.statusBarItem(/\d+ statements? · 1 N\+1/), 'the status bar counting the recorded statements and 1 N+1', 120_000);
    await stopRecording(wb, log);
    const recordedStatus = wb.statusBarItem(/\d+ statements? recorded/);
    const before = (await (await wb.see(recordedStatus, 'the status bar saying the statements recorded', 60_000)).innerText()).trim();
    log(`before the reload: ${before}`);
    await wb.runCommand('Terminal: Kill All Terminals');
    // person37 L6: a recorded file renamed on disk (its editor closed), then the window reloaded: before, its statements
    // were gone (144 → 133) and its N+1 with them. Now the N+1 moves to the new name in this window, and both outlive the reload.
    await wb.runCommand('View: Close All Editor Groups');
    fs.renameSync(path.join(workspace, ORM_FILE), path.join(workspace, RENAMED));
    try {
      await wb.until(async () => ((await wb.problemTexts('in one request', path.basename(RENAMED))).length ? true : undefined), `the recorded N+1 under ${RENAMED} after the rename on disk`, 60_000);
      await wb.reloadWindow();
      const after = (await (await wb.see(recordedStatus, 'the status bar saying the statements recorded after the reload', 90_000)).innerText()).trim();
      log(`after the rename and the reload: ${after}`);
      if (after !== before) throw new StepFailure(`expected the same count after the rename and the reload: "${before}" before, "${after}" after`);
      await wb.problemRow('in one request', /in one request/, `the recorded N+1 of ${RENAMED} after the reload`, 60_000);
      const under = await wb.problemTexts('in one request', path.basename(RENAMED));
      if (!under.length) throw new StepFailure(`expected the recorded N+1 under ${RENAMED} after the reload`);
      // person48 L-e: the recorded Sequelize fix after the reload is the one before it (the include the models declare,
      // read once the cross-file index is), not "add the association on order_items to its include".
      const include = await wb.until(async () => {
        const rows = await wb.problemTexts('to its include');
        return rows.some((t) => /add \{ association: 'items', separate: true/.test(t)) && !rows.some((t) => /add the association on order_items/.test(t)) ? rows : undefined;
      }, 'the recorded N+1\'s related line naming the include (separate: true) after the reload, not the generic one', 90_000);
      log(`after the reload, the recorded fix: ${include.filter((t) => /to its include/.test(t)).join(' | ').slice(0, 300)}`);
    } finally {
      fs.renameSync(path.join(workspace, RENAMED), path.join(workspace, ORM_FILE));
    }
    // Every row of the list read (it draws only those on screen).
    const recorded = async () => (await wb.problemTexts('in one request')).filter((t) => /in one request/.test(t)).length;
    await screenshot('recording-after-reload');

    await clearRecordedQueries(wb);
    const cleared = wb.page.locator('.notifications-toasts .notification-toast').filter({ hasText: /cleared [\d.,k]+ recorded statements?/ });
    await wb.see(cleared, 'Clear Recorded Queries saying what it cleared (not "nothing recorded to clear")', 30_000);
    await wb.until(async () => (await recorded()) === 0 || undefined, 'the recorded N+1 gone from the Problems panel after Clear', 30_000);
    await wb.hidePanel();
  },
};
