/**
 * A person's hour (issue 20, session 8): in a workspace with its own connection list, Add Connection for a database the
 * user's settings already reach (same server, database and user) wrote the new profile to the workspace, where the merge
 * left it out (a workspace may not redefine a user's login): "…other settings take precedence; it is not in effect", the
 * status bar on the user's profile, the new one in neither Select nor Remove. Now nothing dead is written, and it says why.
 * The user's profile is chosen without touching the team's .vscode/settings.json (person27: pgLens.activeConnection was
 * written there), and the choice holds after a reload.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';

const MINE = 'shop in my user settings (e2e)';
const ADDED = 'shop added again (e2e)';

export const step: Step = {
  title: 'Add Connection in a workspace with its own list, for a login the user settings hold: uses that profile, writes nothing dead, says why',
  async run({ wb, db, workspace, profileName, userSettings, screenshot, log }) {
    const statusFor = (name: string) => wb.profileStatus(name);
    const wsFile = path.join(workspace, '.vscode', 'settings.json');
    const originalUser = fs.existsSync(userSettings) ? fs.readFileSync(userSettings, 'utf8') : '{}';
    const originalWs = fs.readFileSync(wsFile, 'utf8');
    const settings = JSON.parse(originalUser) as Record<string, unknown>;
    // Step 53 ends with a reload: the window done restoring before this step writes settings and reloads again.
    await wb.windowReady();
    // An earlier step's editors (the dashboard, refreshing every few seconds) are not restored into this step's reloads:
    // in CI the Add Connection prompt closed before its profile name input while the dashboard was open.
    await wb.runCommand('View: Close All Editor Groups');
    // Read by the new window as it starts (no fixed wait before: see step 53); the status bar is the state waited on after.
    const reload = () => wb.reloadWindow();
    fs.writeFileSync(userSettings, JSON.stringify({ ...settings, 'pgLens.connections': [{ name: MINE, host: db.host, port: db.port, database: 'shop', user: db.user, sslmode: 'disable', environment: 'development' }] }, null, 2));
    try {
      await reload();
      await wb.see(statusFor(MINE), `the status bar on "${MINE}" (the user's profile for the workspace's database)`, 120_000);
      // Not connecting again (the window's settings can arrive in two goes): Add Connection starts on a settled window.
      const settled = await wb.statusSettled();
      if (!settled.includes(MINE)) throw new Error(`the status bar settled on "${settled}", not on "${MINE}"`);
      await wb.addConnection(`postgres://${encodeURIComponent(db.user)}:${encodeURIComponent(db.password)}@${db.host}:${db.port}/shop?sslmode=disable`, ADDED);
      const toast = await wb.until(async () => (await wb.notifications()).find((n) => /already have/.test(n)), 'a message that the user settings already have a profile for this login', 30_000, async () => (await wb.notifications()).join(' | '));
      log(`message: ${toast}`);
      if (!toast.includes(MINE)) throw new Error(`expected the message to name "${MINE}": ${toast}`);
      await screenshot('uses-user-profile');
      const ws = fs.readFileSync(wsFile, 'utf8');
      if (ws.includes(ADDED)) throw new Error(`"${ADDED}" was written to the workspace settings, where it is left out`);
      // The team's file is not the person's to change by this choice (person27: pgLens.activeConnection was written there).
      if (ws !== originalWs) throw new Error(`the workspace's .vscode/settings.json changed (the person chose the login in their user settings):\n${ws}`);
      await wb.see(statusFor(MINE), `the status bar still on "${MINE}"`, 30_000);
      if ((await wb.notifications()).some((n) => /not in effect/.test(n))) throw new Error('the "not in effect" warning showed');
      // The choice outlives a reload (kept on this machine, not in the team's file).
      await reload();
      await wb.see(statusFor(MINE), `the status bar on "${MINE}" after a reload`, 120_000);
      const again = await wb.statusSettled();
      if (!again.includes(MINE)) throw new Error(`after a reload the status bar settled on "${again}", not on "${MINE}"`);
      if (fs.readFileSync(wsFile, 'utf8') !== originalWs) throw new Error("the workspace's .vscode/settings.json changed after the reload");
    } finally {
      fs.writeFileSync(userSettings, originalUser);
      fs.writeFileSync(wsFile, originalWs);
      await reload();
    }
    await wb.see(statusFor(profileName), `the status bar back on "${profileName}"`, 120_000);
  },
};
