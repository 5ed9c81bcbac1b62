/**
 * person38 L6: after the window reopened, a background tab's findings came back only when its tab was focused
 * (products.ts's offset-pagination), its recorded findings alone were shown. VS Code loads only the visible editors'
 * documents on a reload; PG Lens now analyses every tab's file. src/products.ts is left behind another file in its group,
 * the window reloads, and its offset-pagination problem is in the Problems panel without its tab being focused.
 * person40 H1: a background .sql tab's missing-index problem, decided for a statement nobody recorded, did not come back
 * (the TS tabs' recorded ones did): a file of the step's own, behind the others, must get its missing-index problem back.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const RULE = 'offset-pagination';
const FILE = 'src/products.ts';
const TABLE = 'bg_tab_93';
const SQL_FILE = 'bg-tab-93.sql';

export const step: Step = {
  title: "a background tab's findings are in the Problems panel after Developer: Reload Window, its tab never focused",
  async run({ wb, db, workspace, scenario, screenshot, log }) {
    const page = wb.page;
    await db.query(`CREATE TABLE ${TABLE} (id bigint PRIMARY KEY, c int NOT NULL, note text)`);
    const sqlPath = path.join(workspace, SQL_FILE);
    try {
      await db.query(`INSERT INTO ${TABLE} SELECT g, g % 5000, md5(g::text) FROM generate_series(1, 30000) g`);
      await db.query(`ANALYZE ${TABLE}`);
      fs.writeFileSync(sqlPath, `-- A read of ${TABLE} wanting an index on c; nobody records it.\nSELECT id, note FROM ${TABLE} WHERE c = 42;\n`);
      await wb.runCommand('View: Close All Editor Groups');
      await wb.openFile(SQL_FILE);
      const advised = async () => (await wb.problemTexts('missing-index', SQL_FILE)).filter((t) => t.includes(TABLE));
      await wb.until(async () => ((await advised()).length ? true : undefined), `the missing-index problem of ${SQL_FILE} while it is open`, 90_000);
      await wb.openFile(FILE);
      // Another file in front of it in the same group: products.ts is a background tab.
      const front = scenario.loopFile === FILE ? 'src/orders.ts' : scenario.loopFile;
      await wb.openFile(front);
      const productsTab = page.locator('.tabs-container .tab').filter({ hasText: 'products.ts' });
      await wb.see(productsTab, 'the products.ts tab behind the other file');
      await wb.reloadWindow();
      await wb.see(productsTab, 'the products.ts tab restored after the reload', 60_000);
      if ((await productsTab.first().getAttribute('class'))?.includes('active')) throw new StepFailure('expected products.ts to stay a background tab after the reload');
      const rows = await wb.until(
        async () => {
          const texts = (await wb.problemTexts(RULE, 'products.ts')).filter((t) => t.includes(RULE));
          return texts.length ? texts : undefined;
        },
        `the ${RULE} problem of ${FILE} in the Problems panel after the reload, its tab not focused`,
        90_000,
      );
      log(`after the reload, products.ts (background tab): ${rows.join(' | ').slice(0, 200)}`);
      const sqlTab = page.locator('.tabs-container .tab').filter({ hasText: SQL_FILE });
      const sqlRows = await wb.until(async () => {
        const r = await advised();
        return r.length ? r : undefined;
      }, `the missing-index problem of ${SQL_FILE} (a background tab, its statement decided, not recorded) after the reload`, 90_000);
      log(`after the reload, ${SQL_FILE} (background tab): ${sqlRows.join(' | ').slice(0, 200)}`);
      for (const [tab, name] of [[productsTab, 'products.ts'], [sqlTab, SQL_FILE]] as const) {
        if ((await tab.first().getAttribute('class'))?.includes('active')) throw new StepFailure(`${name} was focused while its problem was waited for`);
      }
      await screenshot('background-tab-findings-after-reload');
      await wb.hidePanel();
    } finally {
      await wb.runCommand('View: Close All Editors');
      fs.rmSync(sqlPath, { force: true });
      await db.query(`DROP TABLE IF EXISTS ${TABLE}`);
    }
  },
};
