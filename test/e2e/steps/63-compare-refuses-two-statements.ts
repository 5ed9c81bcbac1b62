/**
 * Compare Plans compares one statement before and after a change (person9 P18: an INSERT on one server as BEFORE and
 * another SELECT on another as AFTER read "2.37× faster — with other parameter values"). Two plans of two different
 * statements of products.ts: the AFTER picker lists the other statement as "not comparable", and picking it is refused
 * with one line, and no comparison tab opens. Compare again: with no second plan of the BEFORE's statement, the AFTER
 * pick offers "Plan this statement now", which plans it (EXPLAIN) and opens the comparison. A plan brought without its
 * query (psql text): with another Query Identifier over other tables, refused; with none, marked "Cannot tell" (person29 M2).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const FILE = 'src/products.ts';
// Within one of Monaco's 50-character pieces of a long string token (the editor splits them into spans).
const KEYSET = 'id > $1 ORDER BY id LIMIT';
const BY_ID = 'attributes FROM products WHERE id = $1';
// Another statement's plan as psql prints it (orders joined to customers), with its Query Identifier.
const PASTED = path.join(__dirname, '..', '..', 'fixtures', 'plans', 'psql', 'pg15', 'join-filter-sort', 'aligned-border1-ascii.txt');

export const step: Step = {
  title: 'Compare refuses two different statements, in one line, with no comparison',
  async run({ wb, workspace, screenshot, log }) {
    const page = wb.page;
    // An earlier step may have left the file scrolled elsewhere (its view state comes back when it is opened again).
    const lines = fs.readFileSync(path.join(workspace, FILE), 'utf8').split('\n');
    const lineOf = (text: string) => lines.findIndex((l) => l.includes(text)) + 1;
    const toast = (text: RegExp) => page.locator('.notifications-toasts .notification-list-item-message').filter({ hasText: text });
    const pickRows = (title: RegExp) => page.locator('.quick-input-widget').filter({ hasText: title }).locator('.quick-input-list .monaco-list-row');
    // Two plans of two statements, from their hovers' "Open plan".
    for (const [text, title] of [[KEYSET, /^Plan: SELECT id, sku, name, price_cents FROM products WHERE id/], [BY_ID, /^Plan: SELECT id, sku, name, description, category/]] as const) {
      // The code alone, full width: the plan beside it would hide the end of the long lines.
      await wb.runCommand('View: Close All Editor Groups');
      await wb.openFile(FILE);
      await wb.goToLine(lineOf(text));
      const link = await wb.hoverLink(text, /Open plan/i, `an "Open plan" link in the hover of "${text}"`, 60_000, async () => {
        if (!(await page.locator('.tabs-container .tab.active').filter({ hasText: 'products.ts' }).count())) await wb.openFile(FILE);
      });
      await link.click();
      await wb.see(page.locator('.tabs-container .tab').filter({ hasText: title }), `the plan of "${text}" in the plan tab`, 60_000);
    }
    await wb.runCommand('PG Lens: Compare Plans');
    const before = pickRows(/Compare plans: BEFORE/).filter({ hasText: /description, category/ });
    await wb.see(before, 'the by-id plan in the BEFORE pick', 30_000);
    await before.first().click();
    const after = pickRows(/Compare plans: AFTER/).filter({ hasText: /products WHERE id/ });
    await wb.see(after.filter({ hasText: /Another statement: not comparable/ }), 'the keyset plan listed as another statement in the AFTER pick', 30_000);
    await screenshot('after-pick-another-statement');
    await after.first().click();
    const refused = await wb.see(toast(/not compared: these are two different statements/), 'the one-line refusal', 15_000);
    const said = (await refused.first().innerText()).trim();
    log(`refusal: ${said}`);
    if (/\n/.test(said)) throw new StepFailure(`expected the refusal in one line; saw ${JSON.stringify(said)}`);
    if (await page.locator('.tabs-container .tab').filter({ hasText: /^Plan comparison/ }).count()) throw new StepFailure('expected no comparison tab for two different statements');
    await screenshot('compare-refused');
    await wb.runCommand('Notifications: Clear All Notifications');
    // No second plan of the by-id statement: the AFTER list offers to plan it now (EXPLAIN, estimated) and compares, one
    // step to a before/after (person28 L7: only "Another statement: not comparable" rows).
    await wb.runCommand('PG Lens: Compare Plans');
    await wb.see(before, 'the by-id plan in the BEFORE pick (again)', 30_000);
    await before.first().click();
    const planNow = pickRows(/Compare plans: AFTER/).filter({ hasText: /Plan this statement now/ });
    await wb.see(planNow, '"Plan this statement now" in the AFTER pick', 30_000);
    log(`offer: ${(await planNow.first().innerText()).replace(/\s+/g, ' ')}`);
    await screenshot('after-pick-plan-now');
    await planNow.first().click();
    await wb.see(page.locator('.tabs-container .tab').filter({ hasText: /^Plan comparison/ }), 'the comparison tab of the by-id statement, BEFORE and the plan made now', 60_000);
    const compared = await wb.webview(/^Plan comparison/);
    const head = await wb.see(compared.locator('h1').filter({ hasText: /Before → after/ }), 'the comparison verdict of the plan made now', 30_000);
    log(`verdict: ${(await head.first().innerText()).replace(/\s+/g, ' ').trim()}`);
    await screenshot('compare-plan-now');
    await wb.runCommand('View: Close All Editor Groups');
    // A plan brought without its query (psql text, person29 M2: a pasted report was compared with the by-id plan, "4.54×
    // costlier"). With a Query Identifier and other tables than BEFORE's: another statement, refused. Without one:
    // "Cannot tell whether it is the same statement" in the AFTER list and in the comparison's headline.
    const brought = fs.readFileSync(PASTED, 'utf8');
    for (const [name, text, mark] of [
      ['prod-plan.txt', brought, /Another statement: not comparable/],
      ['bare-plan.txt', brought.replace(/^ Query Identifier: .*\n/m, ''), /Cannot tell whether it is the same statement/],
    ] as const) {
      const file = path.join(workspace, name);
      fs.writeFileSync(file, text);
      try {
        await wb.freshEditor(name);
        await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
        await wb.keys('Mod+Home');
        await wb.runCommand('PG Lens: Open Plan from Selection or File');
        await wb.see(page.locator('.tabs-container .tab').filter({ hasText: new RegExp(`from ${name.replace('.', '\\.')}`) }), `the plan viewer of ${name}`, 60_000);
        await wb.runCommand('PG Lens: Compare Plans');
        await wb.see(before, `the by-id plan in the BEFORE pick (${name})`, 30_000);
        await before.first().click();
        const row = pickRows(/Compare plans: AFTER/).filter({ hasText: new RegExp(name.replace('.', '\\.')) });
        await wb.see(row.filter({ hasText: mark }), `${name} marked "${mark.source}" in the AFTER pick`, 30_000);
        log(`${name} in the AFTER pick: ${(await row.first().innerText()).replace(/\s+/g, ' ')}`);
        await screenshot(`after-pick-${name.replace('.txt', '')}`);
        if (name === 'bare-plan.txt') {
          await row.first().click();
          const cmp = await wb.webview(/^Plan comparison/);
          const h = await wb.see(cmp.locator('h1').filter({ hasText: /Before → after \(cannot tell whether it is the same statement\)/ }), 'the comparison headline saying PG Lens cannot tell', 60_000);
          log(`verdict: ${(await h.first().innerText()).replace(/\s+/g, ' ').trim()}`);
          await screenshot('compare-bare-plan');
        } else await wb.closeQuickInput();
      } finally {
        await wb.runCommand('View: Close All Editor Groups');
        fs.rmSync(file, { force: true });
      }
    }
  },
};
