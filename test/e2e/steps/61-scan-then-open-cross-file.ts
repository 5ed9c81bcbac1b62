/**
 * Scan Workspace, then open a file with a cross-file finding (issue 20 item 4, person9 P23): the scan found Go N+1s
 * through a method of another file (`c.store.SubscriberName(ctx, id)` per id, the query in store.go); opening the
 * file dropped them (listmonk: Problems 20 → 19 on opening campaigns.go) because the open file's own analysis could
 * not see the callee and replaced the scan's result. Now the open file is judged against the scan's cross-file index:
 * each finding once, the same count in the Problems panel with the file open as with it closed.
 * A small Go package (test/fixtures/go-cross-file) is written into the workspace for the step and removed after it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const FOLDER = 'goapp';
const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'go-cross-file');

export const step: Step = {
  title: 'Scan Workspace then open a file with a cross-file finding: each finding once, same count in Problems',
  async run({ wb, workspace, screenshot, log }) {
    const dir = path.join(workspace, FOLDER);
    fs.mkdirSync(dir, { recursive: true });
    for (const f of ['store.go', 'campaigns.go']) fs.copyFileSync(path.join(FIXTURE, f), path.join(dir, f));
    try {
      await wb.runCommand('View: Close All Editors');
      await wb.runCommand('PG Lens: Scan Workspace');
      const done = wb.page.locator('.notifications-toasts .notification-list-item-message').filter({ hasText: /Scanned \d+ files? in/ });
      await wb.see(done, 'the "Scanned … files" notification', 180_000);
      const closed = await wb.settledProblemCounts('the counts after the scan to settle');
      // Counted over every row of the list (it draws only those on screen).
      const FINDING = /c\.store\.SubscriberName\(\).*reaches the database/;
      const count = async () => (await wb.problemTexts('reaches the database')).filter((t) => FINDING.test(t)).length;
      await wb.problemRow('reaches the database', FINDING, 'the cross-file N+1 of goapp/campaigns.go after the scan', 60_000);
      const before = await count();
      log(`after the scan, every editor closed: ${closed.text}; the cross-file finding ${before} time(s)`);
      if (before !== 1) throw new StepFailure(`expected the cross-file finding once after the scan, saw it ${before} times`);

      await wb.openFile(`${FOLDER}/campaigns.go`);
      const open = await wb.settledProblemCounts('the counts with campaigns.go open to settle');
      const after = await count();
      log(`campaigns.go open: ${open.text}; the cross-file finding ${after} time(s)`);
      await screenshot('cross-file-finding-open');
      if (after !== 1) throw new StepFailure(`expected the cross-file finding once with campaigns.go open, saw it ${after} times (once after the scan)`);
      if (open.errors !== closed.errors || open.warnings !== closed.warnings) throw new StepFailure(`the Problems panel counted "${closed.text}" after the scan and "${open.text}" with campaigns.go open`);
    } finally {
      // The files go first, then their editor: the closed file, read again, is gone and so are its problems.
      fs.rmSync(dir, { recursive: true, force: true });
      await wb.runCommand('View: Close All Editors');
    }
  },
};
