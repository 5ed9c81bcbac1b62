/** The status bar shows the connection: the profile's name and the server's PostgreSQL version. */
import type { Step } from '../lib/types';

export const step: Step = {
  title: 'the status bar shows the connection (profile name + PostgreSQL version)',
  async run({ wb, db, scenario, profileName, screenshot, log }) {
    const [{ server_version: version }] = await db.query<{ server_version: string }>('SHOW server_version');
    const major = version.split(/[ .]/)[0];
    // PG Lens activates on a TypeScript file: open one, as a person would.
    await wb.openFile(scenario.queryFile);
    // "shop (e2e) · PG 18.4 · …": the profile, then the server's version (PG or PostgreSQL, major at least).
    const item = await wb.see(
      wb.statusBarItem(new RegExp(`${profileName.replace(/[()]/g, '\\$&')}.*(PG|PostgreSQL) ${major}\\b`)),
      `a status bar item with the profile "${profileName}" and the server version (PG ${version})`,
      60_000,
    );
    log(`status bar: ${(await item.textContent())?.trim()}`);
    await screenshot('status-bar');
  },
};
