/**
 * cache-candidate in the editor: after the shop's demo traffic (examples/shop/traffic.ts), the product page's
 * statement — read hundreds of times from a catalogue nobody writes — shows a CodeLens at the call that sends it
 * (src/products.ts, getProduct), matched to its pg_stat_statements entry the way the cost lens is: the hit ratio
 * at a 60 s TTL and the writes that invalidate it, with the other TTLs in its tooltip.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../lib/database';
import type { Step } from '../lib/types';

const FILE = 'src/products.ts';

export const step: Step = {
  title: "cache-candidate: the shop's product lookup, called often over a table nobody writes, shows its hit ratio at a TTL and its invalidating writes at the call site",
  async run({ wb, db, workspace, screenshot, log }) {
    // The seed's bulk INSERT counts as writes to products in the table statistics: a shop's catalogue is
    // written rarely, so the planted situation starts after the load (the same reset the advisors db test makes).
    await db.query(`SELECT pg_stat_reset_single_table_counters('products'::regclass)`);
    const { runTraffic } = await import(path.join(ROOT, 'examples', 'shop', 'traffic.ts'));
    const t = await runTraffic(db.url, { requests: 3500 });
    log(`demo traffic: ${t.requests} requests, ${t.queries} queries, GET /products/:id ${t.byRoute['GET /products/:id']} times`);
    await wb.openFile(FILE);
    // getProduct's query is below the first screen (with the Problems panel open): show its line, where the lens is drawn.
    const source = fs.readFileSync(path.join(workspace, FILE), 'utf8').split('\n');
    const at = source.findIndex((l) => /FROM products WHERE id = \$1/.test(l));
    if (at < 0) throw new Error(`getProduct's query (FROM products WHERE id = $1) is not in ${FILE}`);
    await wb.goToLine(at + 1);
    const lens = wb.page.locator('.editor-instance .monaco-editor .codelens-decoration').filter({ hasText: /cacheable:/ });
    // The lens figures are read at most once a minute: wait through a refresh.
    await wb.see(lens, 'a "cacheable:" CodeLens in src/products.ts', 150_000);
    const text = (await lens.first().innerText()).replace(/\s+/g, ' ').trim();
    log(`CodeLens: ${text}`);
    if (!/cacheable: \d+% hits at 60 s/.test(text)) throw new Error(`the lens lacks the TTL hit ratio: ${text}`);
    // The writes that invalidate it are in its tooltip, not the line (person40 L6: the line ran off the window).
    const tooltip = (await lens.first().locator('a').filter({ hasText: /cacheable:/ }).first().getAttribute('title')) ?? '';
    if (!/Invalidate on: INSERT, UPDATE or DELETE on (public\.)?products\b/.test(tooltip)) throw new Error(`the lens's tooltip lacks the invalidating writes: ${tooltip}`);
    // It sits at getProduct's query: the line of the lens's code is the call that sends the statement.
    const line = await lens.first().evaluate((el) => {
      const top = (el as HTMLElement).getBoundingClientRect().bottom;
      const lines = [...document.querySelectorAll('.editor-instance .monaco-editor .view-line')] as HTMLElement[];
      const next = lines.map((l) => ({ l, y: l.getBoundingClientRect().top })).filter((x) => x.y >= top - 2).sort((a, b) => a.y - b.y)[0];
      return next?.l.textContent ?? '';
    });
    if (!/FROM products WHERE id = \$1/.test(line.replace(/\s+/g, " "))) throw new Error(`the cacheable lens is not above getProduct's query (the line below it: ${line})`);
    await screenshot('cache-candidate-lens');
  },
};
