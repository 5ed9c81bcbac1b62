/**
 * person26 LOW 10: on a production profile the plan hover offered Explain Analyze, which PG Lens then refused with a
 * toast ("production profiles are read-only"). The hover offers only what the profile allows: Open plan and Suggest
 * indexes, no Explain Analyze. The profile is added as production, then removed (the team's settings file as before).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const PROD = 'shop production (e2e)';

export const step: Step = {
  title: 'on a production (read-only) profile the plan hover does not offer Explain Analyze',
  async run({ wb, db, workspace, scenario, profileName, screenshot, log }) {
    const page = wb.page;
    const statusFor = (name: string) => wb.profileStatus(name);
    const settingsFile = path.join(workspace, '.vscode', 'settings.json');
    const original = fs.readFileSync(settingsFile, 'utf8');
    await wb.openFile(scenario.queryFile);
    await wb.see(statusFor(profileName), `the status bar on "${profileName}"`, 60_000);
    await wb.addConnection(`postgres://${db.user}@${db.host}:${db.port}/shop?sslmode=disable`, PROD, 'production');
    try {
      await wb.see(statusFor(PROD), `the status bar on the production profile "${PROD}"`, 60_000);
      await wb.openFile(scenario.queryFile);
      const open = await wb.hoverLink(scenario.queryText, /^Open plan$/, 'the plan hover on the production profile', 90_000);
      const links = (await page.locator('.monaco-hover:not(.hidden) a').allInnerTexts()).map((l) => l.trim());
      log(`production hover links: ${links.join(' | ')}`);
      await screenshot('production-hover');
      if (!(await open.isVisible())) throw new StepFailure('expected "Open plan" in the production hover');
      if (links.includes('Explain Analyze')) throw new StepFailure(`expected no Explain Analyze in the hover of a production profile (it would be refused); links: ${links.join(' | ')}`);
      await page.mouse.move(5, 5);
    } finally {
      // Remove the profile again: confirmed, and the settings file as it was.
      await wb.removeConnection(PROD);
      await wb.see(statusFor(profileName), `the status bar back on "${profileName}"`, 60_000);
      await wb.until(async () => fs.readFileSync(settingsFile, 'utf8') === original, 'the workspace settings file as before the step', 10_000);
    }
  },
};
