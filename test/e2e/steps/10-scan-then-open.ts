/**
 * One pipeline: Scan Workspace reports a finding in a file that is not open; opening that file
 * shows the finding once (the live analysis replaces the scan's copy, no duplicate), and an edit
 * above it moves the finding with the text.
 */
import type { Step } from '../lib/types';
import { StepFailure, type Workbench } from '../lib/workbench';

const RULE = 'offset-pagination';
const FILE = 'src/products.ts';

/** Every problem of the rule, the list scrolled through (it draws only the rows on screen). */
async function rowsFor(wb: Workbench): Promise<{ count: number; lines: number[]; texts: string[] }> {
  const texts = (await wb.problemTexts(RULE)).filter((t) => t.includes(RULE));
  return { count: texts.length, lines: texts.map((t) => Number(/Ln (\d+)/.exec(t)?.[1])), texts };
}

/** Poll the Problems panel until want() holds (the analysis runs in the background). */
async function waitFor(wb: Workbench, what: string, want: (r: { count: number; lines: number[] }) => boolean, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  let last = await rowsFor(wb);
  while (!want(last)) {
    if (Date.now() > end) throw new StepFailure(`expected ${what} in the Problems panel; saw ${last.count} ${RULE} row(s): ${last.texts.join(' | ') || 'none'}`);
    await new Promise((r) => setTimeout(r, 500));
    last = await rowsFor(wb);
  }
  return last;
}

export const step: Step = {
  title: 'Scan Workspace, then open a file with findings: each finding shows once and follows an edit',
  async run({ wb, scenario, screenshot, log }) {
    // Another file first: the extension is active and the workbench settled before the scan.
    await wb.openFile(scenario.loopFile);
    try {
      await wb.runCommand('PG Lens: Scan Workspace');
    } catch {
      await wb.runCommand('PG Lens: Scan Workspace'); // the palette can miss the first time on a cold workbench
    }
    const done = wb.page.locator('.notifications-toasts .notification-list-item-message').filter({ hasText: /Scanned \d+ files/ });
    await wb.see(done, 'the "Scanned … files" notification of the workspace scan', 120_000);
    log(`scan: ${(await done.first().innerText()).slice(0, 160)}`);

    const scanned = await waitFor(wb, `one ${RULE} problem from the scan of ${FILE} (not open)`, (r) => r.count === 1);
    log(`from the scan: line ${scanned.lines[0]}`);

    await wb.openFile(FILE);
    // The live analysis of the open document replaces the scan's copy: still exactly one row. A
    // quiet period first (not a wait for something): a duplicate would appear within it.
    await new Promise((r) => setTimeout(r, 3000));
    const live = await waitFor(wb, `exactly one ${RULE} problem once ${FILE} is open`, (r) => r.count === 1 && r.lines[0] === scanned.lines[0]);

    // Insert a line at the top: the finding follows the text one line down, still once.
    await wb.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await wb.keys('Mod+Home', 'Enter');
    const moved = await waitFor(wb, `the ${RULE} problem on line ${live.lines[0] + 1} after inserting a line above it, once`, (r) => r.count === 1 && r.lines[0] === live.lines[0] + 1);
    log(`after the edit: line ${moved.lines[0]}`);
    await screenshot('scan-then-open');
    // Leave the file as it was.
    await wb.keys('Mod+z');
  },
};
