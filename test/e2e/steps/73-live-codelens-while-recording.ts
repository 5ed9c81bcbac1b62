/**
 * person18 LOW 4: during a recording nothing appeared at the call sites until Stop. While the recording runs, the ORM
 * call that sent statements shows its recorded CodeLens ("N calls · … ms client time · N× per request: N+1") and the count
 * grows as more traffic arrives — all before Stop (the status bar still says it is recording). Independent of other
 * steps: it starts its own recording, and stops and clears it at the end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../lib/database';
import { clearRecordedQueries, RECORDING, runInNewTerminal, startRecording, stopRecording } from '../lib/recording';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const ORM_FILE = 'orm/orders.ts';

export const step: Step = {
  title: 'while recording, the ORM call shows its recorded CodeLens and the count grows with the traffic, before Stop',
  async run({ wb, db, workspace, screenshot, log }) {
    const file = path.join(workspace, ORM_FILE);
    if (!fs.existsSync(file)) throw new Error(`the workspace has no ${ORM_FILE} (examples/shop/orm, the Sequelize flavour)`);
    await wb.runCommand('View: Close All Editor Groups');
    await wb.openFile(ORM_FILE);
    await startRecording(wb);
    const traffic = (rounds: number) => runInNewTerminal({ wb, db }, `ROUNDS=${rounds} exec ${path.join(ROOT, 'node_modules', '.bin', 'tsx')} orm/traffic.ts`);
    const lensCount = async (): Promise<number> => {
      const titles = await wb.page.locator('.editor-instance .monaco-editor .codelens-decoration').allInnerTexts();
      return Math.max(0, ...titles.map((t) => Number(/(\d+) calls? · .*: N\+1/.exec(t)?.[1] ?? 0)));
    };
    const stillRecording = async (when: string) => {
      const text = (await wb.statusBarItem(RECORDING).first().textContent())?.trim() ?? '';
      if (/recorded/.test(text) || !RECORDING.test(text)) throw new StepFailure(`expected the status bar to still be recording ${when}, saw "${text}"`);
      return text;
    };

    await traffic(1);
    log('one round of the ORM flavour\'s traffic running in a terminal (recording)');
    await wb.until(async () => (await lensCount()) > 0, `a recorded CodeLens ending in ": N+1" in ${ORM_FILE} while recording`, 120_000);
    const first = await lensCount();
    log(`while recording: lens at ${first} statements; status bar "${await stillRecording('when the lens appeared')}"`);
    await screenshot('live-codelens-first');

    await traffic(2);
    log('two more rounds of traffic (still recording)');
    await wb.until(async () => (await lensCount()) > first, `the recorded CodeLens's count to grow past ${first} while recording`, 120_000);
    const second = await lensCount();
    log(`while recording: lens at ${second} statements; status bar "${await stillRecording('when the count grew')}"`);
    await screenshot('live-codelens-grown');

    await stopRecording(wb, log);
    await wb.runCommand('Terminal: Kill All Terminals');
    await clearRecordedQueries(wb);
    await wb.runCommand('View: Close All Editor Groups');
  },
};
