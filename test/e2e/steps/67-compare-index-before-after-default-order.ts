/**
 * Compare Plans in its default pick order compares in time order (person11 Q10: Explain Analyze, Create index, Explain
 * Analyze, then Compare Plans with Enter, Enter — the newest-first list made the plan with the index BEFORE, and a
 * 34× improvement read "34.45× slower"). The step makes its own table and statement file (nothing left by earlier
 * steps is used): a selective read on a table with no index, Explain Analyze; the index made; Explain Analyze again;
 * Compare Plans, Enter on each pick: the comparison says "faster", never "slower", and BEFORE's scan tip says the index
 * advice's index or answer, not one of its own (person48 L-f). Table, index and file are removed after.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const TABLE = 'e2e67_events';
const REL = 'src/compare67.ts';
const SQL = `SELECT id, payload FROM ${TABLE} WHERE kind = 7`;
const CODE = `import type { Db } from './db';

export async function kindSeven(db: Db) {
  const { rows } = await db.query('${SQL}');
  return rows;
}
`;

export const step: Step = {
  title: 'Compare Plans with the default picks (Enter, Enter) compares an index\'s before and after in time order: "faster"',
  async run({ wb, db, workspace, screenshot, log }) {
    const page = wb.page;
    const file = path.join(workspace, REL);
    const pickRows = (title: RegExp) => page.locator('.quick-input-widget').filter({ hasText: title }).locator('.quick-input-list .monaco-list-row');
    const planTab = page.locator('.tabs-container .tab').filter({ hasText: /^Plan: SELECT id, payload FROM e2e67_events.*\(analyze\)/ });
    await db.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await db.query(`CREATE TABLE ${TABLE} (id bigint PRIMARY KEY, kind int NOT NULL, payload text)`);
    // A million rows, 50 a kind: the Seq Scan takes tens of ms, the index a few — one run each tells them apart on a busy
    // machine (with 100,000 rows a 5 ms Seq Scan and an uncached Bitmap Heap Scan came out 1.49× the wrong way in CI).
    await db.query(`INSERT INTO ${TABLE} SELECT g, g % 20000, md5(g::text) FROM generate_series(1, 1000000) g`);
    await db.query(`ANALYZE ${TABLE}`);
    fs.writeFileSync(file, CODE);
    try {
      // Its own state: no editor or panel of an earlier step, the explorer showing the new file.
      await wb.runCommand('View: Close All Editor Groups');
      await wb.runCommand('Notifications: Clear All Notifications');
      await wb.runCommand('View: Show Explorer');
      await page.locator('.explorer-folders-view').hover();
      await wb.see(page.locator('.action-item a[aria-label="Refresh Explorer"]'), "the explorer's Refresh button").then((b) => b.first().click());

      const analyze = async (scan: RegExp, what: string) => {
        await wb.runCommand('View: Close All Editor Groups');
        await wb.openFile(REL);
        // Within the first of Monaco's 50-character pieces of the string token (it splits long tokens into spans).
        await wb.clickText('id, payload FROM');
        await wb.runCommand('PG Lens: Explain Analyze (rolled back)');
        await wb.see(planTab, 'the analysed plan in its tab', 90_000);
        const view = await wb.webview(/^Plan: /);
        await wb.see(view.locator('body').filter({ hasText: scan }), what, 90_000);
      };
      await analyze(/Seq Scan/, 'the plan without the index: a Seq Scan');
      await screenshot('before-index');
      await db.query(`CREATE INDEX ${TABLE}_kind_idx ON ${TABLE} (kind)`);
      await db.query(`ANALYZE ${TABLE}`);
      await analyze(/Bitmap Heap Scan|Index Scan/, 'the plan with the index: an index scan');
      await screenshot('after-index');

      // Compare Plans with the default picks, as a person pressing Enter twice: the newest plan is the first row of BEFORE.
      await wb.runCommand('PG Lens: Compare Plans');
      for (const title of [/Compare plans: BEFORE/, /Compare plans: AFTER/]) {
        const rows = pickRows(title);
        await wb.see(rows, `the "${String(title)}" pick`, 30_000);
        log(`${String(title)} first row: ${(await rows.first().innerText()).replace(/\s+/g, ' ').slice(0, 160)}`);
        // With a second plan of the statement made, the AFTER pick still offers to make one now, after it (person54 L-6).
        if (/AFTER/.test(String(title))) {
          const texts = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
          log(`AFTER rows: ${JSON.stringify(texts.map((t) => t.slice(0, 80)))}`);
          if (/Explain Analyze this statement now|Plan this statement now/.test(texts[0] ?? '') || !texts.some((t) => /Explain Analyze this statement now/.test(t))) throw new StepFailure(`expected the AFTER pick to list the plan made first and offer "Explain Analyze this statement now" after it; rows: ${JSON.stringify(texts)}`);
        }
        await page.keyboard.press('Enter');
      }
      const compared = await wb.webview(/^Plan comparison/);
      const head = await wb.see(compared.locator('h1').filter({ hasText: /Before → after/ }), 'the comparison verdict', 30_000);
      const verdict = (await head.first().innerText()).trim();
      log(`verdict: ${verdict}`);
      await screenshot('comparison-in-time-order');
      if (/slower/.test(verdict) || !/faster/.test(verdict)) throw new StepFailure(`expected the index's before → after to read "faster"; it reads "${verdict}"`);
      const before = (await compared.locator('.compare .side').first().innerText()).replace(/\s+/g, ' ');
      if (!/Seq Scan/.test(before)) throw new StepFailure(`expected BEFORE to be the plan without the index (a Seq Scan); it shows: ${before.slice(0, 200)}`);
      // Its scan's tip says the index advice's index or answer, never an index of its own beside it (person48 L-f: "An
      // index on reviews (product_id) … see "Suggest indexes"" beside the advice's reviews (product_id, created_at DESC)).
      const tip = /Tips \(by what they could save\):(.*?)(?:After\b|$)/.exec(before)?.[1] ?? '';
      log(`BEFORE's tip: ${tip.trim().slice(0, 300)}`);
      if (/lets PostgreSQL read only those: see "Suggest indexes"/.test(tip) || !/e2e67_events \(kind\)|e2e67_events_kind_idx|has not answered for this statement yet/.test(tip)) {
        throw new StepFailure(`expected BEFORE's scan tip to name the advice's index or say its answer; it says: ${tip.slice(0, 300)}`);
      }
      await wb.runCommand('View: Close All Editor Groups');
      await wb.runCommand('Notifications: Clear All Notifications');
    } finally {
      fs.rmSync(file, { force: true });
      await db.query(`DROP TABLE IF EXISTS ${TABLE}`);
    }
  },
};
