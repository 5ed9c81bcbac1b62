/**
 * A person's hour (issue 20, person55 M-1): a line whose condition PG Lens proves never true (`status = 'refundd'`,
 * value-not-allowed) shares pg_stat_statements' entry with src/orders.ts:70's `status = 'refunded'` (both stored as
 * `status = $1`), and its cost lens wore that line's "127 calls · 165 rows/call" — rows of a statement that returns none.
 * Here a file writes orders.ts:70's statement with the typo; after the shop's traffic, its lens says "never true here:
 * returns no rows" and the entry's calls "of this shape", with no rows per call, and its tooltip says whose they are;
 * clicking it lists the statement and the call sites sending it (person55 L-12).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../lib/database';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

// In a folder that exists (see step 82: code-server's watcher missed a file written into a folder made that moment).
const FILE = 'src/refund-typo-report.sql';

export const step: Step = {
  title: "the cost lens over a never-true line (status = 'refundd') says it returns no rows and gives the shared entry's calls of this shape, no rows per call",
  async run({ wb, db, workspace, screenshot, log }) {
    const source = fs.readFileSync(path.join(workspace, 'src/orders.ts'), 'utf8');
    const sql = /`(SELECT [^`]*WHERE status = 'refunded'[^`]*)`/.exec(source)?.[1];
    if (!sql) throw new StepFailure("src/orders.ts's refunded-orders statement (WHERE status = 'refunded') is not there");
    const file = path.join(workspace, FILE);
    fs.writeFileSync(file, `-- The refunds report, with a typo in the status.\n${sql.replace("'refunded'", "'refundd'")};\n`);
    try {
      const { runTraffic } = await import(path.join(ROOT, 'examples', 'shop', 'traffic.ts'));
      const t = await runTraffic(db.url, { requests: 300 });
      log(`demo traffic: ${t.requests} requests, GET /orders/refunded ${t.byRoute['GET /orders/refunded'] ?? 0} times`);
      await wb.openFile(FILE);
      await wb.goToLine(2);
      const lens = wb.page.locator('.editor-instance .monaco-editor .codelens-decoration').filter({ hasText: /never true here/ });
      // The lens figures are read at most every 30 s, and the never-true finding is the open file's analysis: wait through a refresh.
      await wb.see(lens, 'a cost lens saying "never true here" over the typo line', 180_000);
      const text = (await lens.first().innerText()).replace(/\s+/g, ' ').trim();
      log(`CodeLens: ${text}`);
      if (!/never true here: returns no rows · [\d,.k]+ calls? of this shape \(2 call sites\)/.test(text)) throw new StepFailure(`expected "never true here: returns no rows · N calls of this shape (2 call sites)"; saw ${text}`);
      if (/rows\/call/.test(text)) throw new StepFailure(`the lens gives rows per call of the other constant's statement: ${text}`);
      const title = (await lens.first().locator('a').filter({ hasText: /never true/ }).first().getAttribute('title')) ?? '';
      log(`tooltip: ${title.replace(/\s+/g, ' ').slice(0, 300)}`);
      if (!/^This line's condition is never true: it returns no rows \(see value-not-allowed\)/.test(title) || !/Sent with other constants at src\/orders\.ts:70/.test(title)) throw new StepFailure(`expected the tooltip to say the line is never true and name src/orders.ts:70; saw ${title.slice(0, 500)}`);
      await screenshot('cost-lens-never-true');
      // Its click lists the statement and the call sites sending it (person55 L-12: it opened the dashboard at its top).
      await lens.first().locator('a').filter({ hasText: /never true/ }).first().click();
      const quick = wb.page.locator('.quick-input-widget');
      await wb.see(quick.filter({ hasText: /Call sites in the workspace \(\d+\)/ }), "the statement's details with its call sites", 60_000);
      const details = (await quick.innerText()).replace(/\s+/g, ' ');
      log(`details: ${details.slice(0, 300)}`);
      if (!/src\/orders\.ts:\d+/.test(details) || !/Open the statement/.test(details)) throw new StepFailure(`expected the statement and its call site src/orders.ts; saw ${details.slice(0, 400)}`);
      await screenshot('cost-lens-click-details');
      await wb.page.keyboard.press('Escape');
    } finally {
      fs.rmSync(file, { force: true });
      await wb.runCommand('View: Close All Editors');
    }
  },
};
