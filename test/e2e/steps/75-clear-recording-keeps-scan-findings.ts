/**
 * person23 MEDIUM 3 (issue 20 item 4): Clear Recorded Queries took the scan's own findings of closed files with it. Scan
 * Workspace, record the shop's traffic (src/ handlers, which touch reviews.ts and customers.ts), close every editor, then
 * Clear: the status bar went from 20 to 9, reviews.ts and customers.ts lost their static missing-index findings until
 * they were opened again. Cleared, the recording's findings go and the scan's stay: the missing-index findings of the
 * closed files are the scan's, and the status bar counts what it counted after the scan.
 * The same for a file whose tab closed while VS Code still holds its document (it keeps one for minutes): src/orders.ts,
 * opened and closed here. Run alone, this step found it held (the extension-host suites had just shown it) and Clear left
 * it 1 of its 3 findings ("0 12" → "0 10"): it was only checked against the advice Clear had forgotten, never decided
 * again (core/closedTabs adviceForgotten); in the whole suite VS Code had let go of it long before.
 */
import * as path from 'node:path';
import { ROOT } from '../lib/database';
import { clearRecordedQueries, RECORDING, runInRecordingTerminal, stopRecording } from '../lib/recording';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

// reviews.ts: its missing-index finding is proved in every order the suite runs in. customers.ts's lower(email) finding
// is proved only once something asked (Suggest Indexes, a hover): unproved it is an estimate (info) whose message names
// no table, and since one cause is one finding its non-sargable warning no longer stands in for it.
const FILES = ['reviews.ts'];
/** Opened, proved, and its tab closed before the scan: a document VS Code still holds (shown from its live analysis). */
const HELD = 'src/orders.ts';
const HELD_BASE = 'orders.ts';
/**
 * A missing-index finding of the scan (the static one: a recorded one says "recorded"): its message and its rule, case
 * as written — case-insensitively, non-sargable-predicate's help "Create an expression index ON customers (…)" counted
 * as one, and once that finding was said by the missing-index one (one cause, one finding) the count was short.
 */
const MISSING = /an index on (reviews|customers|orders) \(.*missing-index/;

export const step: Step = {
  title: 'Clear Recorded Queries keeps the scan\'s findings of closed files (Problems and the status bar count)',
  async run({ wb, db, screenshot, log }) {
    const missing = async (file: string) => (await wb.problemTexts('', file)).filter((t) => MISSING.test(t) && !/recorded/i.test(t)).sort();
    try {
      // Its own state: no recording of an earlier step (its findings merged with the scan's say "recorded").
      await wb.runCommand('View: Close All Editor Groups');
      await clearRecordedQueries(wb);
      // src/orders.ts's proved missing-index findings shown, then its tab closed: VS Code holds the document.
      await wb.freshEditor(HELD);
      await wb.problemRow('', MISSING, `the proved missing-index finding of ${HELD} (open)`, 180_000, HELD_BASE);
      await wb.runCommand('View: Close All Editor Groups');
      // Its toast is not the one this step waits for after its own Clear below.
      await wb.page.waitForTimeout(1000);
      await wb.runCommand('Notifications: Clear All Notifications');
      await wb.runCommand('PG Lens: Scan Workspace');
      const done = wb.page.locator('.notifications-toasts .notification-list-item-message').filter({ hasText: /Scanned \d+ files? in/ });
      await wb.see(done, 'the "Scanned … files" notification', 180_000);
      for (const f of FILES) await wb.problemRow('', MISSING, `the scan's missing-index finding of ${f} (closed)`, 120_000, f);
      const scanned = await wb.settledProblemCounts('the counts after the scan to settle');
      const before: Record<string, string[]> = {};
      for (const f of [...FILES, HELD_BASE]) before[f] = await missing(f);
      log(`after the scan: ${scanned.text}; ${[...FILES, HELD_BASE].map((f) => `${f} ${before[f].length} missing-index`).join(', ')}`);
      for (const f of [...FILES, HELD_BASE]) if (!before[f].length) throw new StepFailure(`expected a missing-index finding of ${f} after the scan`);

      // The shop's own traffic (the src/ handlers through their `db`), recorded from a terminal of the workspace.
      await runInRecordingTerminal({ wb, db }, `exec ${path.join(ROOT, 'node_modules', '.bin', 'tsx')} -e "require('./traffic').runTraffic(process.env.DATABASE_URL, { requests: 60 }).then(() => process.exit(0))"`);
      // The run's statements all in: the count past 20 and unchanged for 5 s.
      let last = '';
      let since = Date.now();
      await wb.until(async () => {
        const t = ((await wb.statusBarItem(RECORDING).first().textContent().catch(() => '')) ?? '').trim();
        if (t !== last) [last, since] = [t, Date.now()];
        return Number(/(\d+) statements?/.exec(t)?.[1] ?? 0) >= 20 && Date.now() - since > 5000 && t;
      }, 'the recording status bar item past 20 statements and settled', 180_000, async () => last);
      await stopRecording(wb, log);
      await wb.runCommand('View: Close All Editor Groups');
      await wb.see(wb.page.locator('.editor-group-watermark, .editor-group-container.empty').first(), 'no editor open', 15_000);
      const recorded = await wb.settledProblemCounts('the counts after the recording to settle');
      log(`after the recording, every editor closed: ${recorded.text}`);
      await screenshot('recorded');

      // A recording is dropped only once confirmed (person47 L10): the one confirm dialog, the count in its button,
      // the button that keeps the recording the primary one (Enter keeps it).
      const asked = await clearRecordedQueries(wb);
      if (!asked) throw new StepFailure('expected Clear Recorded Queries to ask before dropping the recording; it cleared at once');
      const count = /(\d+) recorded statements?/.exec(asked.text)?.[1];
      if (!count || !asked.buttons.some((b) => b === `Clear ${count} recorded statement${count === '1' ? '' : 's'}`)) throw new StepFailure(`expected a "Clear ${count ?? 'N'} recorded statements" button; the dialog: ${asked.text} (buttons: ${asked.buttons.join(' | ')})`);
      if (JSON.stringify(asked.primary) !== JSON.stringify(['Keep the recording'])) throw new StepFailure(`expected "Keep the recording" as the primary button (Enter keeps the recording); buttons: ${asked.buttons.join(' | ')} (primary: ${asked.primary.join(' | ') || 'none'})`);
      log(`Clear asked: ${asked.text.replace(/\s+/g, ' ')} (buttons: ${asked.buttons.join(' | ')}; primary: ${asked.primary.join(' | ')})`);
      await wb.see(wb.page.locator('.notifications-toasts .notification-list-item-message').filter({ hasText: new RegExp(`cleared ${count} recorded statements?`, 'i') }), `the "cleared ${count} recorded statements" notification`, 60_000);
      const cleared = await wb.settledProblemCounts('the counts after Clear Recorded Queries to settle');
      const after: Record<string, string[]> = {};
      for (const f of [...FILES, HELD_BASE]) after[f] = await missing(f);
      log(`after Clear: ${cleared.text}; ${[...FILES, HELD_BASE].map((f) => `${f} ${after[f].length} missing-index`).join(', ')}`);
      await screenshot('cleared');
      for (const f of [...FILES, HELD_BASE]) {
        const lost = before[f].filter((t) => !after[f].includes(t));
        if (lost.length) throw new StepFailure(`Clear Recorded Queries took the scan's findings of the closed ${f}${f === HELD_BASE ? ' (its document still held by VS Code)' : ''}: ${lost.join(' | ').slice(0, 400)} (after Clear: ${after[f].join(' | ').slice(0, 300) || 'none'})`);
      }
      if (cleared.errors !== scanned.errors || cleared.warnings !== scanned.warnings) throw new StepFailure(`expected the status bar's counts after the scan ("${scanned.text}") back after Clear Recorded Queries; it shows "${cleared.text}"`);
    } finally {
      await wb.runCommand('Terminal: Kill All Terminals').catch(() => undefined);
    }
  },
};
