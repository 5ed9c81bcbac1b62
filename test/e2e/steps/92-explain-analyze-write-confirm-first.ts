/**
 * A person's hour (person37 L1): Explain Analyze of an INSERT asked its four values first, then "Explain Analyze will
 * EXECUTE this statement: INSERT" with "Run and roll back", "Cancel" and "Don't run it" (two buttons that keep, read as a
 * duplicate). Now the confirmation comes first (no value prompt under it), its choices are distinct (the run, the
 * estimated plan that runs nothing — the primary button, so Enter runs nothing —, and VS Code's Cancel), and the values
 * are asked only after "Run it, then roll back"; the analysed plan shows, and the table holds no new row (rolled back).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const FILE = 'src/newOrder92.ts';
const TEXT = "import { pool } from './db';\n\nexport async function addOrder(customerId: number, status: string, total: number) {\n  return pool.query('INSERT INTO orders (customer_id, status, total_cents) VALUES ($1, $2, $3)', [customerId, status, total]);\n}\n";

export const step: Step = {
  title: 'Explain Analyze of an INSERT: the EXECUTE confirmation before any value prompt, with distinct choices; the values after "Run it, then roll back"; nothing kept',
  async run({ wb, db, workspace, screenshot, log }) {
    const page = wb.page;
    const count = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM orders'))[0].n);
    const before = await count();
    fs.writeFileSync(path.join(workspace, FILE), TEXT);
    try {
      await wb.freshEditor(FILE);
      await wb.clickText('INSERT INTO orders');
      await wb.runCommand('PG Lens: Explain Analyze (rolled back)');
      const dialog = await wb.see(page.locator('.monaco-dialog-box').filter({ hasText: /will EXECUTE this statement: INSERT/ }), 'the EXECUTE confirmation', 60_000);
      const prompt = page.locator('.quick-input-widget').filter({ hasText: /Value for \$1/ });
      if (await prompt.isVisible()) throw new StepFailure('expected the confirmation before the value prompts; the prompt for $1 is open under it');
      const buttons = (await dialog.locator('.dialog-buttons .monaco-button').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
      log(`confirmation buttons: ${buttons.join(' | ')}`);
      await screenshot('insert-confirm-first');
      const want = ['Estimated plan only (nothing runs)', 'Run it, then roll back', 'Cancel'];
      if (buttons.length !== 3 || want.some((w) => !buttons.includes(w))) throw new StepFailure(`expected the choices ${want.join(' | ')}; the dialog has: ${buttons.join(' | ')}`);
      await wb.confirmDialog(/will EXECUTE this statement: INSERT/, /^Run it, then roll back$/);
      for (const [i, v] of [[1, '1'], [2, 'paid'], [3, '100']] as const) {
        const p = page.locator('.quick-input-widget').filter({ hasText: new RegExp(`Value for \\$${i}`) });
        await wb.see(p, `the value prompt for $${i} after the confirmation`, 30_000);
        const input = page.locator('.quick-input-widget .quick-input-box input');
        await input.fill(v);
        await input.press('Enter');
      }
      const view = await wb.webview(/^Plan/);
      await wb.see(view.locator('body').filter({ hasText: /actual|Actual/ }), 'the analysed plan of the INSERT in the plan viewer', 60_000);
      await screenshot('insert-analysed');
      const after = await count();
      log(`orders: ${before} before, ${after} after the rolled-back run`);
      if (after !== before) throw new StepFailure(`expected the INSERT rolled back (orders ${before}); orders now ${after}`);
    } finally {
      fs.rmSync(path.join(workspace, FILE), { force: true });
    }
  },
};
