/**
 * Connections in a workspace that keeps its own `pgLens.connections` in .vscode/settings.json (as
 * the e2e workspace does): Add Connection saves the new profile where it takes effect (the
 * workspace settings), connects and the status bar follows; Select Connection marks the active
 * profile and says where each comes from; Remove Connection asks first and leaves no dangling
 * `pgLens.activeConnection`; after Disconnect the hover offers Reconnect, which connects again.
 * The workspace's settings file is the team's (often committed): the choice of the new profile is kept on this machine,
 * not written there, and after Add then Remove the file says what it said before (person25 LOW 7: its
 * `pgLens.activeConnection` went "shop (demo)" → "shop copy" → deleted).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';

const COPY = 'shop copy (e2e)';

export const step: Step = {
  title: 'connections follow the workspace settings: add, select (active marked), remove (confirmed), disconnect and reconnect from the hover',
  async run({ wb, db, workspace, scenario, profileName, screenshot, log }) {
    const page = wb.page;
    const settingsFile = path.join(workspace, '.vscode', 'settings.json');
    const settings = () => JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as { 'pgLens.connections'?: { name?: string }[]; 'pgLens.activeConnection'?: string };
    const names = () => (settings()['pgLens.connections'] ?? []).map((c) => c.name);
    const quick = page.locator('.quick-input-widget');
    const row = (text: string | RegExp) => quick.locator('.quick-input-list .monaco-list-row').filter({ hasText: text });
    const statusFor = (name: string) => wb.profileStatus(name);

    await wb.openFile(scenario.queryFile);
    await wb.see(statusFor(profileName), `the status bar on "${profileName}"`, 60_000);
    const original = settings();
    const command = (title: string) => wb.runCommand(title);

    // ── Add Connection: a connection string (no password: PGPASSWORD serves it, as libpq does).
    await wb.addConnection(`postgres://${db.user}@${db.host}:${db.port}/shop?sslmode=disable`, COPY);
    await wb.see(statusFor(COPY), `the status bar on the new profile "${COPY}"`, 60_000);
    const saved = await wb.until(async () => (await wb.notifications()).find((n) => n.includes(COPY) && /workspace settings/.test(n)), 'a notification saying where the profile was saved (workspace settings)');
    log(`add: ${saved}`);
    await wb.until(async () => names().includes(COPY), `"${COPY}" in .vscode/settings.json's pgLens.connections`, 10_000, async () => JSON.stringify(settings()));
    // The choice is this machine's: the team file's pgLens.activeConnection is left as it was.
    if (settings()['pgLens.activeConnection'] !== original['pgLens.activeConnection']) throw new Error(`Add Connection rewrote the workspace's pgLens.activeConnection: ${JSON.stringify(original['pgLens.activeConnection'])} → ${JSON.stringify(settings()['pgLens.activeConnection'])}`);
    if (JSON.stringify(settings()).match(/password/i)) throw new Error('the workspace settings hold a password');

    // ── Select Connection: the active profile is marked, each row says where it comes from.
    await command('PG Lens: Select Connection');
    const active = await wb.see(row(COPY), `"${COPY}" in Select Connection`);
    if (!(await active.first().locator('.codicon-check').count())) throw new Error(`expected "${COPY}" (the active profile) to carry a check mark in Select Connection`);
    await wb.see(row(profileName).filter({ hasText: 'workspace settings' }), `"${profileName}" described as coming from the workspace settings`);
    if (await row(profileName).first().locator('.codicon-check').count()) throw new Error(`"${profileName}" is marked active but "${COPY}" is`);
    await screenshot('select-connection');
    await page.keyboard.press('Escape');

    // ── Remove Connection: asks first; afterwards no activeConnection names a removed profile.
    const dialog = await wb.removeConnection(COPY, 'workspace settings');
    log(`remove: ${dialog.replace(/\s+/g, ' ').slice(0, 200)}`);
    await wb.until(async () => !names().includes(COPY) && settings()['pgLens.activeConnection'] !== COPY, `"${COPY}" gone from .vscode/settings.json, and pgLens.activeConnection no longer naming it`, 10_000, async () => JSON.stringify(settings()));
    if (!names().includes(profileName)) throw new Error(`Remove Connection removed "${profileName}" too: ${JSON.stringify(settings())}`);
    await wb.see(statusFor(profileName), `the status bar back on "${profileName}" (the profile left)`, 60_000);
    // Add then Remove: the team's file says what it said before (no diff nobody asked for).
    if (JSON.stringify(settings()) !== JSON.stringify(original)) throw new Error(`after Add then Remove Connection the workspace settings differ from before: ${JSON.stringify(original)} → ${JSON.stringify(settings())}`);

    // ── Disconnect, then the hover offers Reconnect, which connects again.
    await command('PG Lens: Disconnect');
    await wb.see(wb.statusBarItem(/PG Lens: disconnected/), 'the status bar saying "PG Lens: disconnected"');
    await wb.openFile(scenario.queryFile);
    // The mouse moved away between tries and each hover given time to show (after an earlier scan the switch's quiet
    // rescan runs first, and with the file open in two groups the first hovers came and went before being read).
    const hover = await wb.hoverLink(scenario.queryText, /^Reconnect$/, 'the hover on a query to offer "Reconnect" after Disconnect', 60_000);
    await screenshot('hover-reconnect');
    await hover.click();
    await wb.see(statusFor(profileName), `the status bar on "${profileName}" again after Reconnect from the hover`, 60_000);
    log('disconnect → hover "Reconnect" → connected again');
  },
};
