/**
 * The walkthrough ticks what was done before it was first opened (issue 20 item 8): "Connect a database"
 * while connected, "Watch the database" once the dashboard was shown, "Fix what the planner finds" once
 * Scan Workspace ran. VS Code 1.100's walkthrough service
 * starts only when a walkthrough opens, never ticks an `onContext:` condition already true then, and does
 * not see commands run before; PG Lens pulses a second context key per step when the walkthrough opens
 * (src/vscode/walkthrough.ts). Without that, this step fails ("not ticked"), checked against a build without it.
 */
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

export const step: Step = {
  title: 'the walkthrough, opened after connecting, showing the dashboard and scanning the workspace, has those steps done',
  async run({ wb, screenshot, log }) {
    await wb.see(wb.statusBarItem(/shop \(e2e\)/), 'the status bar connected to the shop', 60_000);
    await wb.runCommand('PG Lens: Open Dashboard');
    await wb.webview(/Dashboard/);
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('PG Lens: Scan Workspace');
    await wb.until(async () => ((await wb.notifications()).some((n) => /Scanned \d+ files?/.test(n)) ? true : undefined), 'the Scan Workspace summary', 120_000);
    await wb.runCommand('Welcome: Open Walkthrough...');
    const row = await wb.see(wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'PG Lens' }), 'the PG Lens walkthrough in the pick');
    await row.first().click();
    const ticked = async (title: string) => {
      const step = wb.page.locator('.getting-started-step').filter({ hasText: title });
      await wb.see(step, `the "${title}" step`);
      return wb.until(async () => ((await step.first().locator('.complete').count()) > 0 ? true : undefined), `the "${title}" step ticked`, 10_000).catch(() => false);
    };
    const connect = await ticked('Connect a database');
    const dashboard = await ticked('Watch the database');
    const scanned = await ticked('Fix what the planner finds');
    await screenshot('walkthrough');
    log(`"Connect a database" ticked: ${connect}; "Watch the database" ticked: ${dashboard}; "Fix what the planner finds" ticked: ${scanned}`);
    if (!connect) throw new StepFailure('expected "Connect a database" to be ticked while connected');
    if (!dashboard) throw new StepFailure('expected "Watch the database" to be ticked once the dashboard was shown');
    if (!scanned) throw new StepFailure('expected "Fix what the planner finds" to be ticked once Scan Workspace ran');
  },
};
