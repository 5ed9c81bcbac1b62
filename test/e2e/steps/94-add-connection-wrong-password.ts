/**
 * person40 L4: Add Connection asked the profile's name and environment before it tried the password, so a wrong
 * password was found only at the end. Now the login is tried first: a wrong password is said in one line ("Could not
 * connect: …") with a chance to correct it, the right password is tried again, and only then is the name asked;
 * cancelled there, nothing is written to any settings file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';

export const step: Step = {
  title: 'Add Connection with a wrong password: said in one line before the name is asked, corrected, nothing written when cancelled',
  async run({ wb, db, workspace, profileName, userSettings, screenshot, log }) {
    const wsFile = path.join(workspace, '.vscode', 'settings.json');
    const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');
    const before = { user: read(userSettings), ws: read(wsFile) };
    await wb.see(wb.profileStatus(profileName), `the status bar on "${profileName}"`, 120_000);
    await wb.enterConnectionString(`postgres://${encodeURIComponent(db.user)}:wrong-Pw9@${db.host}:${db.port}/shop?sslmode=disable`);
    const failure = await wb.see(wb.quickInputTitled(/^Could not connect: /), 'the failure in one line, before any profile name', 60_000);
    const line = (await failure.textContent()) ?? '';
    log(`failure: ${line}`);
    if (!/password authentication failed/i.test(line)) throw new Error(`expected the failure to say the password was refused: ${line}`);
    if (line.includes('wrong-Pw9')) throw new Error(`the failure echoes the password: ${line}`);
    if (await wb.quickInputTitled('Profile name').isVisible()) throw new Error('the profile name was asked before the login worked');
    await screenshot('wrong-password');
    const input = wb.page.locator('.quick-input-widget .quick-input-box input');
    await input.fill('Enter the password');
    await wb.page.keyboard.press('Enter');
    await wb.see(wb.quickInputTitled('Password'), 'the password input');
    await input.fill(db.password);
    await wb.page.keyboard.press('Enter');
    await wb.see(wb.quickInputTitled('Profile name'), 'the profile name input, once the right password worked', 60_000);
    await screenshot('name-after-login');
    await wb.page.keyboard.press('Escape');
    await wb.until(async () => !(await wb.quickInputTitled('Profile name').isVisible()), 'the profile name input closed', 10_000);
    if (read(userSettings) !== before.user) throw new Error(`the user settings changed though Add Connection was cancelled:\n${read(userSettings)}`);
    if (read(wsFile) !== before.ws) throw new Error(`the workspace settings changed though Add Connection was cancelled:\n${read(wsFile)}`);
    await wb.see(wb.profileStatus(profileName), `the status bar still on "${profileName}"`, 30_000);
  },
};
