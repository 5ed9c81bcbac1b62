/**
 * A person's hour (issue 20, person28 M2): the same SQL written in two files shares one pg_stat_statements entry, and
 * the cost lens over a file that never ran showed the app's calls as its own ("11% of DB time · 2.0 ms mean · 154
 * calls"), with nothing saying so. Here a report file writes src/customers.ts's "my orders" statement word for word;
 * after the shop's traffic, the lens over customers.ts's call says "shared by 2 call sites" and its tooltip names the
 * report. The file is removed again at the end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../lib/database';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const FILE = 'src/customers.ts';
// In a folder that exists: in the whole suite a file written into a folder made the same moment was not reported by
// code-server's watcher (the index advice's reading of the workspace, made long before, never saw it).
const COPY = 'src/customer-orders-report.sql';

export const step: Step = {
  title: 'the cost lens over a statement written in two files says it is shared by 2 call sites',
  async run({ wb, db, workspace, screenshot, log }) {
    const source = fs.readFileSync(path.join(workspace, FILE), 'utf8').split('\n');
    const at = source.findIndex((l) => /WHERE customer_id = \$1/.test(l));
    if (at < 0) throw new StepFailure(`customerOrders' query (WHERE customer_id = $1) is not in ${FILE}`);
    const copy = path.join(workspace, COPY);
    fs.writeFileSync(copy, '-- The "my orders" read, as the reporting job writes it.\nSELECT id, status, total_cents, placed_at FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 20;\n');
    try {
      const { runTraffic } = await import(path.join(ROOT, 'examples', 'shop', 'traffic.ts'));
      const t = await runTraffic(db.url, { requests: 400 });
      log(`demo traffic: ${t.requests} requests, GET /customers/:id/orders ${t.byRoute['GET /customers/:id/orders'] ?? 0} times`);
      await wb.openFile(FILE);
      await wb.goToLine(at + 1);
      const lens = wb.page.locator('.editor-instance .monaco-editor .codelens-decoration').filter({ hasText: /shared by \d+ call sites/ });
      // The lens figures are read at most once a minute, and the workspace's statements with the index advice: wait through a refresh.
      await wb.see(lens, 'a cost lens saying "shared by 2 call sites" over customerOrders\' call', 180_000);
      const text = (await lens.first().innerText()).replace(/\s+/g, ' ').trim();
      log(`CodeLens: ${text}`);
      if (!/calls .*shared by 2 call sites/.test(text)) throw new StepFailure(`expected the cost figures and "shared by 2 call sites"; saw ${text}`);
      // The lens's tooltip is its link's title.
      const title = (await lens.first().locator('a').filter({ hasText: /shared by/ }).first().getAttribute('title')) ?? '';
      log(`tooltip: ${title.replace(/\s+/g, ' ').slice(0, 300)}`);
      if (!new RegExp(`The same statement is written at ${COPY.replace(/[./]/g, '\\$&')}:2 too`).test(title)) throw new StepFailure(`expected the lens's tooltip to name ${COPY}:2; saw ${title.slice(0, 500)}`);
      await screenshot('cost-lens-shared');
    } finally {
      fs.rmSync(copy, { force: true });
      await wb.runCommand('View: Close All Editors');
    }
  },
};
