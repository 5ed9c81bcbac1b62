/**
 * A person's hour (person32 M1): after switching from a production profile of the shop back to the development one,
 * three closed files kept the production profile's "an index on (…) may help (not verified)" infos where development
 * proves "… cuts the estimated cost …" (23 warnings → 19 + 3 infos). The scan's findings of closed files were checked
 * again only when the DATABASE changed (host:port/database); a production profile of the same database has other rights
 * (no real trial index), so they are now made again when the profile's rights change too (core findingsIdentity).
 * Here: Scan Workspace on the shop, a production profile of the same database added and scanned (no proved advice there:
 * no trial index, no HypoPG), then the shop selected again — every proved finding is back and no "(not verified)" one is
 * left.
 * Its own precondition: step 05 made the index customers.ts's read wants (orders (customer_id …)) and step 86 made it
 * again, so in the whole suite the file had no missing-index finding to prove (CI on f4fe9abf: "last seen: no
 * problems"; the step passed alone). The step drops the scenario's index as psql would and makes it again at the end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DB_NAME } from '../lib/database';
import type { Step, StepContext } from '../lib/types';
import { StepFailure } from '../lib/workbench';
import { withoutScenarioIndex } from '../lib/scenario';
import { clearRecordedQueries } from '../lib/recording';

const PROD = 'shop production again (e2e)';
/** Opened, then its tab closed: VS Code holds the document for minutes. */
const HELD = 'src/customers.ts';

export const step: Step = {
  title: 'back from a production profile of the same database, the closed files have the proved advice again',
  async run({ wb, db, workspace, profileName, scenario, screenshot, log }) {
    // Dropped with the file open (86's path: its cost lens notices within 30 s and the advice is proved again). The
    // "last seen: no problems" this step once showed for minutes was code-server's Problems view keeping its "No results"
    // message (the harness types the filter again now, wb.problems); the finding was published at once.
    await wb.freshEditor(HELD);
    await withoutScenarioIndex(db, scenario, log, async () => {
      await wb.problemRow('customer_id', /cuts the estimated cost/, `the proved missing-index problem of ${HELD} once the index is dropped`, 180_000, 'customers.ts');
      await reproves({ wb, db, workspace, profileName, screenshot, log });
    });
  },
};

async function reproves({ wb, db, workspace, profileName, screenshot, log }: Pick<StepContext, 'wb' | 'db' | 'workspace' | 'profileName' | 'screenshot' | 'log'>): Promise<void> {
  const page = wb.page;
  const settingsFile = path.join(workspace, '.vscode', 'settings.json');
  const original = fs.readFileSync(settingsFile, 'utf8');
  const proved = async () => (await wb.problemTexts('cuts the estimated cost')).filter((t) => /cuts the estimated cost/.test(t));
  const unverified = async () => (await wb.problemTexts('(not verified)')).filter((t) => /may help \(not verified\)/.test(t));
  const describe = async () => `proved ${(await proved()).length}, not verified: ${(await unverified()).map((t) => t.slice(0, 70)).join(' | ')}`;
  const scan = async () => {
    await wb.runCommand('PG Lens: Scan Workspace');
    await wb.see(page.locator('.notifications-toasts .notification-list-item-message').filter({ hasText: /Scanned \d+ files? in/ }).last(), 'the "Scanned … files" notification', 180_000);
    await wb.settledProblemCounts('the counts after the scan to settle');
  };

  await wb.runCommand('View: Close All Editors');
  await clearRecordedQueries(wb);
  // A file whose tab closed while VS Code still holds it (a reconnect only checks it, h2b's ClosedTabs): a switch to
  // another profile's rights decides it once more, with them.
  await wb.openFile(HELD);
  await wb.problemRow('customer_id', /cuts the estimated cost/, `the proved missing-index problem of ${HELD}`, 180_000, 'customers.ts');
  await wb.runCommand('View: Close All Editors');
  await scan();
  const before = (await proved()).length;
  log(`after the scan on "${profileName}": ${before} proved missing-index findings, ${(await unverified()).length} not verified`);
  if (!before) throw new StepFailure('expected proved missing-index findings ("cuts the estimated cost") after Scan Workspace on the shop');

  await wb.addConnection(`postgres://${db.user}@${db.host}:${db.port}/${DB_NAME}?sslmode=disable`, PROD, 'production');
  try {
    await wb.see(wb.profileStatus(PROD), `the status bar on "${PROD}"`, 120_000);
    await wb.runCommand('Notifications: Clear All Notifications');
    await scan();
    // A production profile proves no index with a real trial build (and this server has no HypoPG): no proved advice.
    await wb.until(async () => ((await proved()).length === 0 ? true : undefined), `no proved advice on the production profile "${PROD}" (no trial index there)`, 120_000, describe);
    log(`on "${PROD}": ${await describe()}`);

    await wb.selectConnection(profileName);
    await wb.see(wb.profileStatus(profileName), `the status bar back on "${profileName}"`, 120_000);
    const back = await wb.until(async () => {
      const p = (await proved()).length;
      const u = (await unverified()).length;
      return p >= before && u === 0 ? p : undefined;
    }, `the ${before} proved findings back and no "(not verified)" one left on "${profileName}"`, 180_000, describe).catch(async (e) => {
      await screenshot('back-from-production-stale');
      throw e;
    });
    log(`back on "${profileName}": ${back} proved, 0 not verified`);
    await screenshot('back-from-production-problems');
  } finally {
    await wb.removeConnection(PROD);
    await wb.see(wb.profileStatus(profileName), `the status bar on "${profileName}"`, 120_000);
    await wb.until(async () => fs.readFileSync(settingsFile, 'utf8') === original, 'the workspace settings file as before the step', 10_000);
  }
}
