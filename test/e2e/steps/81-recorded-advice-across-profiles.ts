/**
 * A person's hour (issue 20, person27 LOW-5): the Problems counts dropped after switching between two profiles of ONE
 * database (14 → 12): the recorded missing-index findings of closed files went. Between the two profiles the
 * connection is closed for a moment; the recording took "no connection" for another database and dropped its advice.
 * Here: the shop's ORM traffic recorded (refundedOrders' statement on orders without an index on status), its file
 * closed, then a second profile of the same database selected and the first one again — the recorded missing-index
 * finding stays in the Problems panel throughout. Then the workload report names the recorded statements by their place
 * (orm/orders.ts:25), not "recorded: SELECT …" (person27 LOW-8).
 */
import { DB_NAME } from '../lib/database';
import { clearRecordedQueries, recordOrmTrafficOnce } from '../lib/recording';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const ORM_FILE = 'orm/orders.ts';
const TWIN = 'shop again (e2e)';

export const step: Step = {
  title: 'recorded missing-index findings of a closed file stay when switching between two profiles of one database',
  async run({ wb, db, profileName, screenshot, log }) {
    const page = wb.page;
    const base = ORM_FILE.split('/').pop();
    // The recording's missing-index findings: "… (recorded: N× from this line)" in orders.ts.
    const recorded = async () => (await wb.problemTexts('from this line', base)).filter((t) => /\(recorded: \d+× from this line\)/.test(t));

    // Its own state: no editor, plan panel or panel from an earlier step; no recording left.
    await recordOrmTrafficOnce({ wb, db });
    let added = false;
    try {
      const before = await wb.until(async () => {
        const n = (await recorded()).length;
        return n > 0 ? n : undefined;
      }, `a recorded missing-index finding of ${ORM_FILE} (closed) in the Problems panel`, 120_000, async () => (await wb.problemTexts('')).join(' | ').slice(0, 1200));
      const counts = await wb.settledProblemCounts('the problem counts after the recording to settle');
      log(`on "${profileName}": ${before} recorded missing-index findings; status bar ${counts.text}`);

      // A second profile of the same database (its identity host:port/shop is the first one's).
      await wb.addConnection(`postgres://${db.user}@${db.host}:${db.port}/${DB_NAME}?sslmode=disable`, TWIN);
      added = true;
      await wb.see(wb.profileStatus(TWIN), `the status bar on "${TWIN}"`, 120_000);
      const onTwin = await wb.settledProblemCounts(`the problem counts on "${TWIN}" to settle`);
      const twin = (await recorded()).length;
      log(`on "${TWIN}": ${twin} recorded missing-index findings; status bar ${onTwin.text}`);
      await screenshot('twin-profile-problems');
      if (twin !== before) throw new StepFailure(`expected the ${before} recorded missing-index finding(s) of ${ORM_FILE} to stay on "${TWIN}" (the same database); saw ${twin}`);

      // And back.
      await wb.selectConnection(profileName);
      await wb.settledProblemCounts(`the problem counts back on "${profileName}" to settle`);
      const back = (await recorded()).length;
      log(`back on "${profileName}": ${back}`);
      if (back !== before) throw new StepFailure(`expected the ${before} recorded missing-index finding(s) back on "${profileName}"; saw ${back}`);

      // The workload names the recorded statements by the place the recording saw send them (person27 LOW-8: "recorded:
      // SELECT …" though the recording had placed them), as it names the workspace's statements.
      await wb.runCommand('PG Lens: Advise Indexes for the Workload');
      await wb.see(page.locator('.tabs-container .tab.active').filter({ hasText: /Index advice for the workload\.md/ }), 'the workload report', 300_000);
      await wb.see(page.locator('.editor-instance .view-line').filter({ hasText: 'index advice for the workload' }), "the report's title", 30_000);
      await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
      await wb.keys('Mod+Home');
      const seen = new Set<string>();
      // Page by page to its end (the editor draws only the lines on screen): three pages with nothing new end it.
      for (let i = 0, still = 0; i < 60 && still < 3; i++) {
        const had = seen.size;
        for (const l of await page.locator('.editor-instance .view-line').allInnerTexts()) seen.add(l.replace(/\u00a0/g, ' '));
        still = seen.size === had ? still + 1 : 0;
        await wb.keys('PageDown');
        await page.waitForTimeout(300);
      }
      const placed = [...seen].filter((l) => /orm\/orders\.ts:\d+/.test(l));
      const unplaced = [...seen].filter((l) => /recorded: (SELECT|select)/.test(l));
      log(`workload report: ${placed.length} lines naming orm/orders.ts:<line>, ${unplaced.length} "recorded: SELECT"; e.g. ${placed[0]?.slice(0, 160)}`);
      await screenshot('workload-recorded-places');
      if (!placed.length || unplaced.length) throw new StepFailure(`expected the workload report to name the recorded statements by their place (orm/orders.ts:<line>), none as "recorded: SELECT …"; saw ${placed.length} placed, ${unplaced.length} unplaced: ${unplaced.slice(0, 2).join(' | ')}`);
      // Each recorded line of the list of statements weighed has calls: pg_stat_statements', else the recording's at that
      // line, as its hover says them (person49 L-5: "orm/orders.ts:25 … no calls recorded" beside "recorded at this line
      // (3 statements, 21.5 ms, via sequelize)").
      const weighed = [...seen].filter((l) => /^- orm\/orders\.ts:\d+: /.test(l));
      const uncounted = weighed.filter((l) => / — calls not known: /.test(l));
      log(`workload report: ${weighed.length} weighed lines of orm/orders.ts, ${uncounted.length} with "no calls recorded"; e.g. ${weighed.find((l) => /while recording/.test(l))?.slice(0, 200)}`);
      if (!weighed.length || uncounted.length) throw new StepFailure(`expected the weighed lines of orm/orders.ts to say their calls (the recording's, "… while recording", where pg_stat_statements has none); saw ${weighed.length} lines, ${uncounted.length} "no calls recorded": ${uncounted.slice(0, 2).join(' | ')}`);
      await wb.runCommand('View: Close All Editor Groups');
    } finally {
      // Leave the workspace as it was, also when a check failed (a failure here left the twin profile selected and the
      // recording in place, and later steps ran on them).
      if (added) {
        await wb.removeConnection(TWIN);
        await wb.see(wb.profileStatus(profileName), `the status bar on "${profileName}"`, 120_000);
      }
      await clearRecordedQueries(wb);
    }
  },
};
