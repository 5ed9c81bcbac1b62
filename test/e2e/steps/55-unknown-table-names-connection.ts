/**
 * Code written for another database: its hover says which connection and database PostgreSQL was asked on, with
 * Select Connection to switch ("relation … does not exist" alone read as broken SQL when a folder had opened on the
 * other project's database). The file is written for this step and removed after it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const REL = 'src/billing.ts';
const LINE = "SELECT id, amount FROM invoices WHERE customer_id = $1";
const CODE = `import { Pool } from 'pg';

const db = new Pool();

export async function invoicesOf(customerId: number) {
  const { rows } = await db.query('${LINE}', [customerId]);
  return rows;
}
`;

export const step: Step = {
  title: 'a table the connected database lacks: the hover names the connection and database, and offers Select Connection',
  async run({ wb, workspace, screenshot, log, profileName }) {
    const file = path.join(workspace, REL);
    fs.writeFileSync(file, CODE);
    try {
      // One editor group, as wide as the window (a step before may have left a split with the statement off-screen).
      await wb.runCommand('View: Close All Editor Groups');
      await wb.runCommand('View: Show Explorer');
      const explorer = wb.page.locator('.explorer-folders-view');
      await explorer.hover();
      await wb.see(wb.page.locator('.action-item a[aria-label="Refresh Explorer"]'), "the explorer's Refresh button").then((b) => b.first().click());
      await wb.openFile(REL);
      const text = await wb.hoverUntil(() => wb.hoverInFile(REL, LINE, 'FROM', 'invoices'), (t) => /does not exist/.test(t), 'the hover of a statement on a table the database lacks', 60_000);
      const line = text.replace(/\s+/g, ' ');
      log(`hover: ${line.slice(0, 240)}`);
      const where = new RegExp(`relation "invoices" does not exist on connection '${profileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' \\(database \\w+\\)\\. If this code belongs to another database, select its connection\\.`);
      if (!where.test(line)) throw new StepFailure(`expected the hover to name the connection '${profileName}' and its database; saw "${line.slice(0, 300)}"`);
      const links = (await wb.page.locator('.monaco-hover:not(.hidden) a').allInnerTexts()).map((l) => l.trim());
      if (!links.includes('Select Connection')) throw new StepFailure(`expected a Select Connection link in the hover; links: ${links.join(' | ')}`);
      await screenshot('unknown-table-names-connection');
      await wb.page.mouse.move(5, 5);
    } finally {
      fs.rmSync(file, { force: true });
    }
  },
};
