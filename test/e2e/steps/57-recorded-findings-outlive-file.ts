/**
 * A recording's findings belong to the recording, not to the open document: the recorded N+1 stays in the Problems
 * panel after its file is closed (it went with the file), and goes when the recording is cleared.
 */
import * as path from 'node:path';
import { ROOT } from '../lib/database';
import { runInRecordingTerminal, stopRecording } from '../lib/recording';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const ORM_FILE = 'orm/orders.ts';

export const step: Step = {
  title: 'a recorded N+1 stays in the Problems panel after its file closes, and goes with Clear Recorded Queries',
  async run({ wb, db, screenshot, log }) {
    await wb.openFile(ORM_FILE);
    await runInRecordingTerminal({ wb, db }, `ROUNDS=1 exec ${path.join(ROOT, 'node_modules', '.bin', 'tsx')} orm/traffic.ts`);
    await wb.see(wb.statusBarItem(/\d+ statements? · 1 N\+1/), 'the status bar counting the recorded statements and 1 N+1', 120_000);
    await stopRecording(wb);
    const recorded = async () => (await wb.problems('in one request')).filter({ hasText: /in one request/ });
    await wb.see(await recorded(), `the recorded N+1 of ${ORM_FILE} in the Problems panel while the file is open`, 60_000);
    await wb.runCommand('View: Close All Editor Groups');
    await wb.see(wb.page.locator('.editor-group-watermark, .editor-group-container.empty').first(), 'no editor open', 15_000);
    // The close is handled at once; give the pipeline's re-check of the closed file time to finish before judging.
    await wb.page.waitForTimeout(5000);
    const rows = await recorded();
    await wb.see(rows, `the recorded N+1 of ${ORM_FILE} still in the Problems panel after the file closed`, 30_000);
    log(`after close: ${(await rows.first().innerText()).replace(/\s+/g, ' ').slice(0, 200)}`);
    await screenshot('recorded-n-plus-one-after-close');
    await wb.runCommand('PG Lens: Clear Recorded Queries');
    const until = Date.now() + 30_000;
    while ((await (await recorded()).count()) > 0) {
      if (Date.now() > until) throw new StepFailure('expected the recorded N+1 to leave the Problems panel after Clear Recorded Queries');
      await wb.page.waitForTimeout(500);
    }
    await screenshot('recorded-n-plus-one-cleared');
    await wb.runCommand('Terminal: Kill All Terminals');
  },
};
