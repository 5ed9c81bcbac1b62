/**
 * person32 M1, the documents VS Code still holds after their tab closed: a reconnect only checks them (h2b's ClosedTabs:
 * the advice already decided, nothing proved again), so after a switch to a production profile of the same database and
 * back they kept no proved advice. A switch to another profile's rights (core findingsIdentity: environment, role,
 * database) decides each of them once, with those rights. Here, without Scan Workspace (whose run would decide the
 * workspace's statements anyway): src/customers.ts opened until its proved missing-index problem shows, its tab closed, a
 * production profile of the same database selected (no proved advice there), then the shop again — the proved problem is
 * back in the Problems panel with the tab still closed. It failed before the fix ("last seen: none": the full run after the
 * switch made its trial builds, its result was dropped as stale, and the next run was only a check); the decision stays
 * owed until a full run's findings are shown (core/closedTabs decidedShown). The scenario's index (made by step 05) is
 * dropped for the step and made again after (withoutScenarioIndex).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DB_NAME } from '../lib/database';
import type { Step, StepContext } from '../lib/types';
import { withoutScenarioIndex } from '../lib/scenario';

const PROD = 'shop production held (e2e)';
const HELD = 'src/customers.ts';

export const step: Step = {
  title: 'a closed tab\'s document held by VS Code gets the proved advice back after a production profile and back',
  async run(ctx) {
    // Dropped with the file open (86's path; see step 88).
    await ctx.wb.freshEditor(HELD);
    await withoutScenarioIndex(ctx.db, ctx.scenario, ctx.log, async () => {
      await ctx.wb.problemRow('customer_id', /cuts the estimated cost/, `the proved missing-index problem of ${HELD} once the index is dropped`, 180_000, 'customers.ts');
      await heldDocument(ctx);
    });
  },
};

async function heldDocument({ wb, db, workspace, profileName, screenshot, log }: StepContext): Promise<void> {
  const settingsFile = path.join(workspace, '.vscode', 'settings.json');
  const original = fs.readFileSync(settingsFile, 'utf8');
  const proved = async () => (await wb.problemTexts('cuts the estimated cost', 'customers.ts')).filter((t) => /cuts the estimated cost/.test(t));
  const describe = async () => `proved in customers.ts: ${(await proved()).map((t) => t.slice(0, 70)).join(' | ')}`;

  await wb.freshEditor(HELD);
  await wb.problemRow('customer_id', /cuts the estimated cost/, `the proved missing-index problem of ${HELD}`, 180_000, 'customers.ts');
  const before = (await proved()).length;
  await wb.runCommand('View: Close All Editors');
  log(`${HELD} open then closed: ${before} proved`);

  await wb.addConnection(`postgres://${db.user}@${db.host}:${db.port}/${DB_NAME}?sslmode=disable`, PROD, 'production');
  try {
    await wb.see(wb.profileStatus(PROD), `the status bar on "${PROD}"`, 120_000);
    await wb.until(async () => ((await proved()).length === 0 ? true : undefined), `no proved advice for ${HELD} on "${PROD}"`, 120_000, describe);
    log(`on "${PROD}": none proved`);
    await wb.selectConnection(profileName);
    await wb.see(wb.profileStatus(profileName), `the status bar back on "${profileName}"`, 120_000);
    const back = await wb.until(async () => {
      const n = (await proved()).length;
      return n >= before ? n : undefined;
    }, `the ${before} proved problem(s) of ${HELD} back on "${profileName}" with its tab closed`, 120_000, describe).catch(async (e) => {
      await screenshot('held-document-stale');
      throw e;
    });
    log(`back on "${profileName}": ${back} proved`);
  } finally {
    await wb.removeConnection(PROD);
    await wb.see(wb.profileStatus(profileName), `the status bar on "${profileName}"`, 120_000);
    await wb.until(async () => fs.readFileSync(settingsFile, 'utf8') === original, 'the workspace settings file as before the step', 10_000);
  }
}
