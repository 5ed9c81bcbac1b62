/**
 * person39 L7 (issue 20): in a multi-root window, a file of a folder with no connection profile of its own, beside the
 * shop folder that has one, said only "PG Lens: not connected" — nothing told that the other folder connects. The status
 * bar now says "PG Lens: 2 folders, 1 with a connection (shop)" (core/connection/status otherFoldersStatus) and its
 * tooltip names the folder worked in and the other folder's profile; the shop's file is back on its own profile. The unit test covers the text;
 * this step shows it where a person reads it. The shop folder is opened again after it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';

const PLAIN_DIR = 'plain-notes';

export const step: Step = {
  title: 'a multi-root window: a folder with no profile says how many folders connect and which, the shop keeps its own',
  async run({ wb, workspace, scenario, profileName, screenshot, log }) {
    const page = wb.page;
    const root = path.dirname(workspace);
    const shop = path.basename(workspace);
    const plain = path.join(root, PLAIN_DIR);
    fs.mkdirSync(plain, { recursive: true });
    fs.writeFileSync(path.join(plain, 'notes.sql'), '-- A folder with no connection profile of its own.\nSELECT 1;\n');
    const wsFile = path.join(root, 'plain-and-shop.code-workspace');
    fs.writeFileSync(wsFile, JSON.stringify({ folders: [{ path: shop }, { path: PLAIN_DIR }], settings: {} }, null, 2));
    try {
      await wb.openWindow('workspace', wsFile);
      await wb.runCommand('View: Show Explorer');
      const topLevel = page.locator('.explorer-folders-view .monaco-list-row[aria-level="1"]');
      const plainFolder = topLevel.filter({ hasText: PLAIN_DIR });
      if (!(await wb.see(plainFolder, `the folder ${PLAIN_DIR} in the multi-root window's explorer`, 120_000).then(() => true, () => false))) {
        // As step 65: a loaded code-server can open a workspace file without its folders; a person reloads it once.
        log('multi-root window without its folders after 120 s: reloading it once');
        await wb.reloadWindow();
        await wb.runCommand('View: Show Explorer');
        await wb.see(plainFolder, `the folder ${PLAIN_DIR} after a reload`, 180_000);
      }
      await wb.openFile(`${PLAIN_DIR}/notes.sql`);
      const expected = `2 folders, 1 with a connection (${shop})`;
      const item = await wb.see(wb.statusBarItem(new RegExp(`PG Lens: ${expected.replace(/[()]/g, '\\$&')}`)), `the status bar saying "${expected}" for ${PLAIN_DIR}/notes.sql`, 90_000);
      // The folder worked in by its name, in the item's label (its tooltip): person41 read "The files of this folder…" — the
      // status bar was not made again when the focus moved to a folder with no profile.
      await wb.see(page.locator(`.part.statusbar .statusbar-item[aria-label*='The files of folder "${PLAIN_DIR}" have no connection profile']`), `the status bar's tooltip naming the folder "${PLAIN_DIR}"`, 60_000);
      const label = (await item.getAttribute('aria-label')) ?? '';
      log(`status bar for ${PLAIN_DIR}/notes.sql: ${(await item.innerText()).trim()} | ${label}`);
      await item.hover();
      const tooltip = page.locator('.monaco-hover, .workbench-hover, .hover-contents').filter({ hasText: /have no connection profile/ });
      const tip = (await wb.see(tooltip, 'the status bar tooltip naming the other folder\'s profile', 15_000)).first();
      const tipText = ((await tip.innerText()) ?? '').replace(/\s+/g, ' ');
      log(`tooltip: ${tipText}`);
      await screenshot('other-folder-status');
      if (!tipText.toLowerCase().includes(`folder "${shop}" connects to "${profileName}"`.toLowerCase())) throw new Error(`expected the tooltip to say folder "${shop}" connects to "${profileName}": ${tipText}`);
      if (!tipText.includes(`The files of folder "${PLAIN_DIR}" have no connection profile`)) throw new Error(`expected the tooltip to name the folder "${PLAIN_DIR}": ${tipText}`);
      await page.mouse.move(5, 5);
      await wb.openFile(`${shop}/${scenario.queryFile}`);
      await wb.see(wb.profileStatus(profileName), `the status bar on "${profileName}" for ${shop}/${scenario.queryFile}`, 60_000);
      await screenshot('shop-folder-own-connection');
    } finally {
      await wb.openWindow('folder', workspace).catch(() => undefined);
      fs.rmSync(plain, { recursive: true, force: true });
      fs.rmSync(wsFile, { force: true });
    }
    await wb.see(wb.profileStatus(profileName), `the status bar back on "${profileName}" in the shop folder`, 60_000);
  },
};
