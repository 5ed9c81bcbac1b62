/**
 * An index dropped outside PG Lens brings its missing-index advice back (person31 M1: after "Create index now" and a
 * DROP INDEX in psql the CodeLens noticed, but the finding never came back — 19 warnings in the editor, 24 from
 * `pg-lens scan`, even after Scan Workspace). Step 05 made the index on the scenario's table and column; this step drops
 * it as psql would, waits for the missing-index problem to come back (the cost CodeLens reads the index set every 30 s
 * and the advice is checked against the catalog), then makes the same index again and waits for the problem to go.
 */
import type { Step } from '../lib/types';
import { scenarioIndexes } from '../lib/scenario';

export const step: Step = {
  title: 'an index dropped outside PG Lens: its missing-index problem comes back; made again, it goes',
  async run({ wb, db, scenario, screenshot, log }) {
    const { table, column } = scenario.missingIndex;
    const made = await scenarioIndexes(db, scenario);
    if (made.length !== 1) throw new Error(`expected the one index step 05 made on ${table}(${column}); found ${made.length}`);
    const mine = new RegExp(`${table} \\(${column}[,)].*missing-index`);
    const shown = async () => (await wb.problemTexts('missing-index')).filter((t) => mine.test(t));
    await wb.freshEditor(scenario.queryFile);
    await wb.until(async () => (await shown()).length === 0, `no missing-index problem about ${table}(${column}) while ${made[0].name} exists`, 60_000);
    // As a person in psql would (quoted by the catalog's own name).
    await db.query(`DROP INDEX public."${made[0].name.replace(/"/g, '""')}"`);
    log(`dropped ${made[0].name}`);
    await wb.problemRow('missing-index', mine, `the missing-index problem about ${table}(${column}) back once ${made[0].name} is gone`, 120_000);
    await screenshot('advice-back-after-drop');
    await db.query(made[0].indexdef);
    log(`made again: ${made[0].indexdef}`);
    await wb.until(async () => (await shown()).length === 0, `the missing-index problem about ${table}(${column}) gone once the index exists again`, 120_000, async () => (await shown()).join(' | ').slice(0, 160));
    await screenshot('advice-gone-after-create');
  },
};
