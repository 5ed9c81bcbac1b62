/** The status bar shows the connection: the profile's name and the server's PostgreSQL version. */
import type { Step } from '../lib/types';

export const step: Step = {
  title: 'the status bar shows the connection (profile name + PostgreSQL version)',
  async run({ wb, db, scenario, profileName, screenshot, log }) {
    const [{ server_version: version }] = await db.query<{ server_version: string }>('SHOW server_version');
    const major = version.split(/[ .]/)[0];
    // PG Lens activates on a TypeScript file: open one, as a person would.
    await wb.openFile(scenario.queryFile);
    const item = await wb.see(
      wb.statusBarItem(new RegExp(`${profileName.replace(/[()]/g, '\\$&')}.*PostgreSQL ${major}`)),
      `a status bar item "${profileName} · PostgreSQL ${version}"`,
      30_000,
    );
    log(`status bar: ${(await item.textContent())?.trim()}`);
    await screenshot('status-bar');
  },
};
