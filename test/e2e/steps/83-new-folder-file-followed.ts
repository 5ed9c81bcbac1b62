/**
 * A file written into a folder made the same moment (CI on 6f64b2ca, e2e 82): code-server's watcher reported the folder
 * but never the file in it, so PG Lens's reading of the workspace's statements missed it until a reload. PG Lens now
 * notices a created folder and reads the files under it once. Here a new folder and a .sql file in it are written in one
 * go (no pause between the two); the file holds another read of refunded orders (not src/orders.ts's text: the same
 * text is the same statement), so the open orders.ts's missing-index finding on orders (status) must come to say "also
 * serving 1 other statement: <the new file>:2" (in its hover's Why: the problem's message is the claim alone). Both are
 * removed at the end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const FILE = 'src/orders.ts';
const FOLDER = 'refunds-desk-83';
const COPY = `${FOLDER}/refunds.sql`;
const PROBLEM = /orders \(status/;

export const step: Step = {
  title: 'a .sql file written into a folder made the same moment is read: the open file\'s index advice counts it',
  async run({ wb, workspace, screenshot, log }) {
    await wb.freshEditor(FILE);
    // The advice on the refunds read is decided (the workspace's statements read) before the folder is written: a reading
    // made after it would see the file whatever the watcher said.
    const before = await wb.problemRow('status', PROBLEM, 'the missing-index problem of the refunds read (orders (status))', 180_000, 'orders.ts');
    const was = (await before.innerText()).replace(/\s+/g, ' ').trim();
    log(`before: ${was.slice(0, 300)}`);
    if (was.includes(FOLDER)) throw new StepFailure(`the folder ${FOLDER} is named before it exists: ${was}`);
    const dir = path.join(workspace, FOLDER);
    try {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(workspace, COPY), "-- The refunds desk's export.\nSELECT id, total_cents FROM orders WHERE status = 'refunded';\n");
      // The problem's message is its claim alone (person30 M1): the statements the index also serves are named on demand,
      // in the hover's Why (its title, shown when the pointer rests on it) on the finding, and the CLI's help line.
      const after = await wb.hoverLinkTitle(() => wb.hoverInFile(FILE, "status = 'refunded'", 'FROM', 'orders'), 'Why', (t) => new RegExp(`also serving[^—]*${COPY.replace(/[./]/g, '\\$&')}:2`).test(t), `the refunds read's missing-index hover naming ${COPY}:2 (the file in the new folder) in Why`, 90_000);
      log(`after (Why): ${after.slice(0, 300)}`);
      await screenshot('new-folder-file-counted');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await wb.runCommand('View: Close All Editors');
    }
  },
};
