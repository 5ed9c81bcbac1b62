/**
 * A recording's findings belong to the recording, not to the open document: the recorded N+1 stays in the Problems
 * panel after its file is closed (it went with the file), and goes when the recording is cleared.
 */
import * as path from 'node:path';
import { ROOT } from '../lib/database';
import { clearRecordedQueries, runInRecordingTerminal, stopRecording } from '../lib/recording';
import type { Step } from '../lib/types';

const ORM_FILE = 'orm/orders.ts';

export const step: Step = {
  title: 'a recorded N+1 stays in the Problems panel after its file closes, and goes with Clear Recorded Queries',
  async run({ wb, db, screenshot, log }) {
    await wb.openFile(ORM_FILE);
    await runInRecordingTerminal({ wb, db }, `ROUNDS=1 exec ${path.join(ROOT, 'node_modules', '.bin', 'tsx')} orm/traffic.ts`);
    await wb.see(wb.statusBarItem(/\d+ statements? · 1 N\+1/), 'the status bar counting the recorded statements and 1 N+1', 120_000);
    await stopRecording(wb, log);
    const base = ORM_FILE.split('/').pop();
    await wb.problemRow('in one request', /in one request/, `the recorded N+1 of ${ORM_FILE} while the file is open`, 60_000, base);
    // Every row of the list read (it draws only those on screen).
    const recorded = async () => (await wb.problemTexts('in one request', base)).filter((t) => /in one request/.test(t));
    await wb.runCommand('View: Close All Editor Groups');
    await wb.see(wb.page.locator('.editor-group-watermark, .editor-group-container.empty').first(), 'no editor open', 15_000);
    // The pipeline's re-check of the closed file done before judging: the problem counts unchanged for a while (a fixed
    // 5 s stood here).
    await wb.settledProblemCounts('the problem counts after the file closed to settle');
    const row = await wb.problemRow('in one request', /in one request/, `the recorded N+1 of ${ORM_FILE} still there after the file closed`, 30_000, base);
    log(`after close: ${(await row.innerText()).replace(/\s+/g, ' ').slice(0, 200)}`);
    await screenshot('recorded-n-plus-one-after-close');
    await clearRecordedQueries(wb);
    await wb.until(async () => (await recorded()).length === 0, 'the recorded N+1 to leave the Problems panel after Clear Recorded Queries', 60_000, async () => (await recorded()).join(' | ').slice(0, 300));
    await screenshot('recorded-n-plus-one-cleared');
    await wb.runCommand('Terminal: Kill All Terminals');
  },
};
