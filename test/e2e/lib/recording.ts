/** Steps that record: PG Lens: Start Recording, then a command run in a new integrated terminal (which gets the capture). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './database';
import type { StepContext } from './types';
import { StepFailure } from './workbench';
import { tempFolderForRun } from '../../unit/support/tempFolder';

/**
 * PG Lens: Start Recording, returning once the recording is on: the status bar's "0 statements", which Start shows
 * once the capture's environment is in place for new terminals. Waiting for any "N statements" matched a count a
 * step before left ("17 statements recorded") at once, and a terminal created before Start had set the environment
 * recorded nothing.
 */
export async function startRecording(wb: StepContext['wb']): Promise<void> {
  await wb.runCommand('PG Lens: Start Recording');
  await wb.see(wb.statusBarItem(/(^|\s)0 statements\s*$/), 'the recording status bar item at "0 statements" (recording started)', 60_000);
}

/** Clear Recorded Queries' confirmation (core/record/format recordingClearConfirmation) and its button. */
const CLEAR_ASKS = /Clear \d+ recorded statements?\?/;
const CLEAR_BUTTON = /^Clear \d+ recorded statements?$/;

/**
 * PG Lens: Clear Recorded Queries, its confirmation answered (person47 L10: a recording is dropped only once confirmed,
 * through the one confirm dialog, the count in its button; with nothing recorded it asks nothing and says "nothing
 * recorded to clear"). Returns the dialog's text, its buttons and its primary one (drawn without the "secondary"
 * style: Enter presses it; placed last on Linux), or undefined when it asked nothing.
 */
export async function clearRecordedQueries(wb: StepContext['wb']): Promise<{ text: string; buttons: string[]; primary: string[] } | undefined> {
  const page = wb.page;
  const toasts = page.locator('.notifications-toasts .notification-toast');
  await toasts.evaluateAll((els) => els.forEach((e) => e.setAttribute('data-pglens-e2e-seen', '')));
  await wb.runCommand('PG Lens: Clear Recorded Queries');
  const dialog = page.locator('.monaco-dialog-box').filter({ hasText: CLEAR_ASKS });
  const said = page.locator('.notifications-toasts .notification-toast:not([data-pglens-e2e-seen])').filter({ hasText: /nothing recorded to clear|cleared \d+ recorded statements?/i });
  const asked = await wb.until(async () => ((await dialog.count()) ? 'dialog' : (await said.count()) ? 'said' : undefined), 'Clear Recorded Queries to ask (a recording) or say "nothing recorded to clear"', 30_000);
  if (asked === 'said') return undefined;
  const buttons = (await dialog.first().locator('.dialog-buttons .monaco-button').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  const primary = (await dialog.first().locator('.dialog-buttons .monaco-button:not(.secondary)').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  const text = await wb.confirmDialog(CLEAR_ASKS, CLEAR_BUTTON);
  await wb.see(said, 'the "cleared … recorded statements" notification', 30_000);
  return { text, buttons, primary };
}

/** The capture's status bar item while it records ("12 statements · 1 N+1"; "… recorded" once stopped). */
export const RECORDING = /(^|\s)\d+ statements?( · \d+ N\+1)?\s*$/;

/** What the last notification of Stop Recording Queries says (core/record/format recordingStoppedText: every form names "the whole server (pg_stat_statements …)"). */
const STOPPED = /the whole server \(pg_stat_statements|observed N\+1|pg_stat_statements adds no N\+1/;

/**
 * PG Lens: Stop Recording Queries, returning once Stop has finished: it reads pg_stat_statements, matches the
 * statements to the code, shows its report in the Output panel and says so last (seconds on a loaded machine). A step
 * that went on at once had the Problems panel it had just focused taken over by that report a moment later (the
 * recorded N+1 row was then never visible: "expected to see the recorded N+1 … in the Problems panel"), or its new
 * terminal hidden by it. Notifications shown before are marked, so only Stop's own counts.
 */
export async function stopRecording(wb: StepContext['wb'], log?: (message: string) => void): Promise<void> {
  const page = wb.page;
  const toasts = page.locator('.notifications-toasts .notification-toast');
  await toasts.evaluateAll((els) => els.forEach((e) => e.setAttribute('data-pglens-e2e-seen', '')));
  await wb.runCommand('PG Lens: Stop Recording Queries');
  const done = page.locator('.notifications-toasts .notification-toast:not([data-pglens-e2e-seen])').filter({ hasText: STOPPED });
  if (await done.first().waitFor({ state: 'visible', timeout: 120_000 }).then(() => true, () => false)) return;
  // Once (CI of 8ce86f30, step 50) Stop's report was in the Output panel but no new toast was seen in 120 s. A person
  // who missed a toast opens the notification list: Stop's message must be the newest there (between steps the list is
  // cleared, and the "matching recorded queries" progress is gone once Stop has finished). What was on screen is logged.
  const shownToasts = (await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  await wb.runCommand('Notifications: Show Notifications');
  const centre = page.locator('.notifications-center');
  await wb.see(centre, 'the notification centre');
  const listed = (await centre.locator('.notification-list-item-message').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  await wb.runCommand('Notifications: Hide Notifications');
  const said = `toasts on screen: ${shownToasts.join(' | ') || '(none)'}; notification centre, newest first: ${listed.join(' | ') || '(empty)'}`;
  if (!listed.slice(0, 2).some((m) => STOPPED.test(m))) throw new StepFailure(`expected to see the last notification of Stop Recording Queries (its report shown) within 120 s; ${said}`);
  (log ?? ((m: string) => process.stderr.write(`${m}\n`)))(`Stop Recording Queries: no new toast seen in 120 s, its message is the newest in the notification centre; ${said}`);
}

/**
 * The shop's ORM traffic (orm/traffic.ts, one round) recorded from a clean state: no editor and no recording left by an
 * earlier step, orm/orders.ts open while it records (its N+1 counted in the status bar), then stopped, the terminal
 * killed and every editor closed.
 */
export async function recordOrmTrafficOnce({ wb, db }: Pick<StepContext, 'wb' | 'db'>): Promise<void> {
  await wb.runCommand('View: Close All Editor Groups');
  await clearRecordedQueries(wb);
  await wb.openFile('orm/orders.ts');
  await runInRecordingTerminal({ wb, db }, `ROUNDS=1 exec ${path.join(ROOT, 'node_modules', '.bin', 'tsx')} orm/traffic.ts`);
  await wb.see(wb.statusBarItem(/\d+ statements? · 1 N\+1/), 'the status bar counting the recorded statements and 1 N+1', 120_000);
  await stopRecording(wb);
  await wb.runCommand('Terminal: Kill All Terminals');
  await wb.runCommand('View: Close All Editor Groups');
}

/**
 * Starts recording and runs `command` (with DATABASE_URL and NODE_PATH set) in a new integrated
 * terminal of the workspace. The database URL (with the throwaway server's password) goes through a
 * file outside the workspace, not the screen.
 */
export async function runInRecordingTerminal({ wb, db }: Pick<StepContext, 'wb' | 'db'>, command: string): Promise<void> {
  await startRecording(wb);
  await runInNewTerminal({ wb, db }, command);
}

/**
 * Runs `command` (with DATABASE_URL and NODE_PATH set) in a new integrated terminal, recording or not: the only one.
 * Terminals left open (a step that failed before its Kill All Terminals, one restored by a window reload) are killed
 * first: typed into, such a terminal ran the app with the environment of an earlier recording, whose listener is gone.
 */
export async function runInNewTerminal({ wb, db }: Pick<StepContext, 'wb' | 'db'>, command: string): Promise<void> {
  const secret = path.join(tempFolderForRun('pglens-e2e-rec-'), 'url');
  fs.writeFileSync(secret, db.url, { mode: 0o600 });
  // Always: a terminal whose panel is not shown has no element in the page to count.
  await wb.runCommand('Terminal: Kill All Terminals');
  await wb.until(async () => (await wb.page.locator('.terminal-wrapper').count()) === 0, 'no integrated terminal left after Terminal: Kill All Terminals', 30_000);
  // A new integrated terminal, which gets the recording environment (Ctrl+` would show a hidden one instead); the one
  // shown is the new one (the active terminal).
  await wb.runCommand('Terminal: Create New Terminal');
  const shown = wb.page.locator('.terminal-wrapper:visible');
  await wb.see(shown.locator('.xterm'), 'an integrated terminal', 60_000);
  // Let the terminal settle before typing: keys sent while it starts are echoed twice, and on a
  // loaded machine the focus has been seen to move to an editor halfway through the line.
  await wb.page.waitForTimeout(8000);
  await shown.locator('.xterm').first().click();
  // The command goes into a script, so only a short line is typed (a long one typed on a loaded machine
  // can lose the terminal's focus halfway and land in an editor).
  const script = path.join(path.dirname(secret), 'run.sh');
  fs.writeFileSync(script, `DATABASE_URL=$(cat ${secret}) NODE_PATH=${path.join(ROOT, 'node_modules')} ${command}\n`, { mode: 0o700 });
  await shown.locator('.xterm-helper-textarea').first().pressSequentially(`sh ${script}`);
  await shown.locator('.xterm-helper-textarea').first().press('Enter');
}

/**
 * The text of the recorded site's document ("# Recorded at …"): its tab brought forward (the plan viewer opens over it in
 * the same group), its editor group maximized and the panel closed first, so that the lines below the first screen are
 * rendered.
 */
export async function readRecordedDocument(wb: StepContext['wb']): Promise<string> {
  // The plan viewer opens over it in the same group (one view beside the code): its tab brings it forward.
  // The viewer may open after the document (its plan is made first): the tab is clicked until the document shows.
  const tab = wb.page.locator('.tabs-container .tab').filter({ hasText: /^Recorded at / });
  const editor = wb.page.locator('.editor-instance').filter({ has: wb.page.locator('.view-line', { hasText: '# Recorded at' }) });
  await wb.until(async () => {
    if (!(await editor.first().isVisible().catch(() => false))) {
      if (await tab.first().isVisible().catch(() => false)) await tab.first().click({ timeout: 5000 }).catch(() => undefined);
      return false;
    }
    return editor.first().locator('.view-lines').click({ timeout: 5000 }).then(() => true, () => false);
  }, 'the recorded site\'s document with "# Recorded at" in an editor (its tab clicked)', 90_000);
  await wb.hidePanel();
  await wb.runCommand('View: Toggle Maximize Editor Group');
  await wb.page.waitForTimeout(1000);
  const text = (await editor.first().locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
  await wb.runCommand('View: Toggle Maximize Editor Group');
  return text;
}
