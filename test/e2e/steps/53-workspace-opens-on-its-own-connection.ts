/**
 * A person's hour (issue 20, session 7): connections added in other folders live in user settings, with the user-level
 * pgLens.activeConnection naming the last one chosen there. A workspace that keeps its own connection list must open on
 * its own profile — here the user's profile for the same database stands for it (a workspace may not redefine a user's
 * login, so its "shop" profile is left out) — not on the other folder's database ("relation customers does not exist").
 */
import * as fs from 'node:fs';
import type { Step } from '../lib/types';

const STAND_IN = 'shop from another folder (e2e)';
const OTHER = 'other folder database (e2e)';

export const step: Step = {
  title: 'a workspace with its own connection list opens on its own database, not on the one another folder chose in user settings',
  async run({ wb, db, profileName, userSettings, screenshot, log }) {
    const statusFor = (name: string) => wb.profileStatus(name);
    const original = fs.existsSync(userSettings) ? fs.readFileSync(userSettings, 'utf8') : '{}';
    const settings = JSON.parse(original) as Record<string, unknown>;
    const profile = (name: string, database: string) => ({ name, host: db.host, port: db.port, database, user: db.user, sslmode: 'disable', environment: 'development' });
    // What Add Connection wrote in two other folders: the shop's database under another name, then another database, chosen last.
    fs.writeFileSync(userSettings, JSON.stringify({ ...settings, 'pgLens.connections': [profile(STAND_IN, 'shop'), profile(OTHER, 'postgres')], 'pgLens.activeConnection': OTHER }, null, 2));
    // The folder opened again (a reload: the extension starts and picks a profile), as when a person switches projects.
    // The new window reads the settings file as it starts; the old one may never see the change (code-server does not
    // watch it: no "Connection settings changed" in PG Lens's log after this write), so there is nothing to wait for
    // before the reload — a fixed 1.5 s stood here. After it, the status bar is the state waited on: VS Code in a browser
    // can hand the extension its settings in two goes (a remote folder's from a cache first), and PG Lens follows the
    // second even when its first connect is still in flight (core/connection/latest.onSettingsChange).
    // A person reloads with the dashboard open (issue 20: last session this step closed the editors first, after the
    // restored dashboard logged 404s for its media during a reload in a whole run). The dashboard is open here through
    // the reload, and the restored one must show its styles, its script's content and the connection it follows.
    await wb.runCommand('PG Lens: Open Dashboard');
    await wb.see((await wb.webview(/Dashboard/)).locator('.chart canvas').first(), 'the dashboard open before the reload', 60_000);
    const restoredDashboard = async (name: string) => {
      const view = await wb.until(async () => {
        const tab = wb.page.locator('.tabs-container .tab').filter({ hasText: /Dashboard/ }).first();
        if (!(await tab.count())) return undefined;
        await tab.click();
        return wb.webview(/Dashboard/).catch(() => undefined);
      }, 'the dashboard tab restored after the reload', 120_000);
      await wb.see(view.locator('.chart canvas').first(), 'the restored dashboard drawing its charts (its script loaded)', 120_000);
      await wb.see(view.locator('header').filter({ hasText: name }), `the restored dashboard on "${name}"`, 120_000);
      // Its stylesheet loaded: the header block sticks to the top (media/dashboard.css), not the browser's default.
      const position = await view.locator('.top').evaluate((e) => getComputedStyle(e).position);
      if (position !== 'sticky') throw new Error(`the restored dashboard has no stylesheet (.top is "${position}", not sticky)`);
      log(`restored dashboard: charts drawn, on "${name}", stylesheet applied`);
    };
    const reload = () => wb.reloadWindow();
    try {
      await reload();
      await wb.see(statusFor(STAND_IN), `the status bar on "${STAND_IN}" (the user's profile for this workspace's database), not "${OTHER}"`, 120_000).catch(async (e) => {
        await screenshot('other-folder-choice');
        throw e;
      });
      if (await statusFor(OTHER).count()) throw new Error(`the status bar names "${OTHER}"`);
      log(`user settings chose "${OTHER}"; the workspace is on "${STAND_IN}", its own database`);
      await restoredDashboard(STAND_IN);
      await screenshot('own-database');
    } finally {
      fs.writeFileSync(userSettings, original);
      await reload();
    }
    await wb.see(statusFor(profileName), `the status bar back on "${profileName}" once the user settings are as before`, 120_000);
    await restoredDashboard(profileName);
  },
};
