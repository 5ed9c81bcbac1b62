/** Steps that record: PG Lens: Start Recording, then a command run in a new integrated terminal (which gets the capture). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './database';
import type { StepContext } from './types';

/**
 * Starts recording and runs `command` (with DATABASE_URL and NODE_PATH set) in a new integrated
 * terminal of the workspace. The database URL (with the throwaway server's password) goes through a
 * file outside the workspace, not the screen.
 */
export async function runInRecordingTerminal({ wb, db }: Pick<StepContext, 'wb' | 'db'>, command: string): Promise<void> {
  await wb.runCommand('PG Lens: Start Recording');
  await wb.see(wb.statusBarItem(/\d+ statements?/), 'the recording status bar item with a statement count', 30_000);
  await runInNewTerminal({ wb, db }, command);
}

/** Runs `command` (with DATABASE_URL and NODE_PATH set) in a new integrated terminal, recording or not. */
export async function runInNewTerminal({ wb, db }: Pick<StepContext, 'wb' | 'db'>, command: string): Promise<void> {
  const secret = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-e2e-rec-')), 'url');
  fs.writeFileSync(secret, db.url, { mode: 0o600 });
  // A new integrated terminal, which gets the recording environment (Ctrl+` would hide a terminal a
  // step before left open instead).
  await wb.runCommand('Terminal: Create New Terminal');
  await wb.see(wb.page.locator('.terminal-wrapper .xterm').last(), 'an integrated terminal', 30_000);
  // Let the terminal settle before typing: keys sent while it starts are echoed twice, and on a
  // loaded machine the focus has been seen to move to an editor halfway through the line.
  await wb.page.waitForTimeout(8000);
  await wb.page.locator('.terminal-wrapper .xterm').last().click();
  // The command goes into a script, so only a short line is typed (a long one typed on a loaded machine
  // can lose the terminal's focus halfway and land in an editor).
  const script = path.join(path.dirname(secret), 'run.sh');
  fs.writeFileSync(script, `DATABASE_URL=$(cat ${secret}) NODE_PATH=${path.join(ROOT, 'node_modules')} ${command}\n`, { mode: 0o700 });
  await wb.page.locator('.terminal-wrapper .xterm-helper-textarea').last().pressSequentially(`sh ${script}`);
  await wb.page.locator('.terminal-wrapper .xterm-helper-textarea').last().press('Enter');
}

/**
 * The text of the recorded site's document ("# Recorded at …"): its editor group maximized and the panel closed first,
 * so that the lines below the first screen are rendered (the plan viewer beside it leaves it a narrow column).
 */
export async function readRecordedDocument(wb: StepContext['wb']): Promise<string> {
  const editor = wb.page.locator('.editor-instance').filter({ has: wb.page.locator('.view-line', { hasText: '# Recorded at' }) });
  await wb.see(editor, 'the recorded site\'s document with "# Recorded at" in an editor', 30_000);
  await editor.first().locator('.view-lines').click();
  await wb.runCommand('View: Hide Panel');
  await wb.runCommand('View: Toggle Maximize Editor Group');
  await wb.page.waitForTimeout(1000);
  const text = (await editor.first().locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
  await wb.runCommand('View: Toggle Maximize Editor Group');
  return text;
}
