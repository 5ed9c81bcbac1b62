/**
 * Advice the budget of real trial builds held back is proved later without an edit (person31 H2; h2fix commit 79bac87c):
 * with `pgLens.index.trialBuilds: automatic` and no HypoPG (this suite's server), PG Lens builds at most 12 trial indexes
 * a minute on one table. A file of 16 reads, each wanting its own index on one table, gets 12 of them proved at once and
 * the rest shown as "estimated, not proved yet: the budget of real trial builds is spent for this minute"; the open file
 * is analysed again ~65 s later, when the budget's minute has passed, and those become proved too — nobody types.
 * The table and the file are the step's own, removed at the end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const TABLE = 'budget_wide_87';
const FILE = 'budget-87.sql';
const READS = 16;
const HELD = /budget of real trial builds is spent/;

export const step: Step = {
  title: 'advice the trial-build budget held back is proved a minute later, the file open and untouched',
  async run({ wb, db, workspace, screenshot, log }) {
    const cols = Array.from({ length: READS }, (_, i) => `c${i + 1}`);
    await db.query(`CREATE TABLE ${TABLE} (id bigint PRIMARY KEY, ${cols.map((c) => `${c} int NOT NULL`).join(', ')})`);
    const file = path.join(workspace, FILE);
    try {
      await db.query(`INSERT INTO ${TABLE} SELECT g, ${cols.map((_, i) => `(g * ${i + 7}) % 5000`).join(', ')} FROM generate_series(1, 30000) g`);
      await db.query(`ANALYZE ${TABLE}`);
      fs.writeFileSync(file, `-- Reads of ${TABLE}, each wanting its own index.\n${cols.map((c) => `SELECT * FROM ${TABLE} WHERE ${c} = 42;`).join('\n')}\n`);
      await wb.freshEditor(FILE);
      const rows = async () => (await wb.problemTexts('missing-index', FILE)).filter((t) => t.includes(TABLE));
      const first = await wb.until(async () => {
        const r = await rows();
        return r.length === READS ? r : undefined;
      }, `a missing-index problem for each of the ${READS} reads of ${TABLE}`, 120_000, async () => `${(await rows()).length} rows`);
      // "… an index on (c13) may help (estimated, not proved yet: the budget of real trial builds is spent …)".
      const held = first.filter((t) => HELD.test(t)).map((t) => /\((c\d+)\) may help/.exec(t)?.[1] ?? t);
      log(`at first: ${READS - held.length} proved, ${held.length} held back by the budget (${held.join(', ')})`);
      if (!held.length) throw new StepFailure(`no advice held back by the budget (12 builds a minute on one table) among ${READS} reads: ${first.slice(0, 3).join(' | ')}`);
      await screenshot('budget-held-back');
      // Nobody types: the open file is analysed again once the budget's minute has passed (PROVE_LATER_MS, 65 s), and each
      // read held back gets its proved advice: "… an index on budget_wide_87 (c13) cuts the estimated cost …".
      // Each read held back by its own filter ("(c13)": its row alone): reading all 16 rows of a long Problems list while
      // other files' findings change under it lost rows in the whole suite ("1 rows" with 16 in the panel).
      const rowOf = async (c: string) => (await wb.problemTexts(`(${c})`, FILE)).filter((t) => t.includes(`(${c})`));
      const proved = (r: string[], c: string) => r.some((t) => t.includes(`${TABLE} (${c}) cuts the estimated cost`));
      const state = async () => {
        const all: { c: string; r: string[] }[] = [];
        for (const c of held) all.push({ c, r: await rowOf(c) }); // one filter box: one at a time
        return all;
      };
      const later = await wb.until(async () => {
        const all = await state();
        return all.every(({ c, r }) => proved(r, c) && !r.some((t) => HELD.test(t))) ? all : undefined;
      }, `the reads held back (${held.join(', ')}) proved without an edit, once the budget's minute passed`, 180_000, async () => {
        const all = await state();
        return all.map(({ c, r }) => `${c}: ${r.map((t) => t.slice(0, 90)).join(' / ') || 'no row'}`).join(' | ');
      });
      log(`later: ${later.map(({ r }) => r[0]?.slice(0, 120)).join(' | ')}`);
      await screenshot('budget-proved-later');
    } finally {
      await wb.runCommand('View: Close All Editors');
      fs.rmSync(file, { force: true });
      await db.query(`DROP TABLE IF EXISTS ${TABLE}`);
    }
  },
};
