/**
 * An index dropped outside PG Lens brings its missing-index advice back (person31 M1: after "Create index now" and a
 * DROP INDEX in psql the CodeLens noticed, but the finding never came back — 19 warnings in the editor, 24 from
 * `pg-lens scan`, even after Scan Workspace). Step 05 made the index on the scenario's table and column; this step drops
 * it as psql would, waits for the missing-index problem to come back, then makes the same index again and waits for the
 * problem to go. A person hovers the statement meanwhile: the hover's plan-cache probe sees the DDL, and the reading of
 * the tables' figures that follows it (the one trigger of a table's growth) now holds each table's indexes — the advice
 * is back on the hover within seconds (person47 L11: 20–60 s before, at the cost CodeLens's next 30 s reading; measured
 * here 32 s back, 27 s gone before the change).
 */
import type { Step } from '../lib/types';
import { scenarioIndexes } from '../lib/scenario';
import { StepFailure } from '../lib/workbench';

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
    const dropped = Date.now();
    log(`dropped ${made[0].name}`);
    const where = /WHERE (\w+)/.exec(scenario.queryText)?.[1] ?? column;
    const hoverWhere = () => wb.hoverInFile(scenario.queryFile, scenario.queryText, 'WHERE', where);
    // What the hover said meanwhile: while the advice is being made again it says it is checking, never a "No index for
    // it" verdict the advice then contradicts (person48 L-g: "…, so none is proposed from this plan" for ~23 s).
    const meanwhile = new Set<string>();
    await wb.hoverUntil(hoverWhere, (t) => {
      const back = new RegExp(`Missing index on ${table}`).test(t);
      if (!back) for (const l of t.split('\n')) if (/No index for it|Checking whether an index helps/.test(l)) meanwhile.add(l.trim());
      return back;
    }, `the missing-index advice back in the hover within 25 s of DROP INDEX (${scenario.queryText})`, 25_000);
    log(`the advice was back in the hover ${((Date.now() - dropped) / 1000).toFixed(1)} s after DROP INDEX; meanwhile: ${[...meanwhile].join(' | ') || 'no note on an index'}`);
    const verdict = [...meanwhile].find((l) => /No index for it/.test(l));
    if (verdict) throw new StepFailure(`expected no "No index for it" verdict in the hover while the advice was being made again after DROP INDEX; saw: ${verdict}`);
    await wb.page.mouse.move(5, 5);
    await wb.problemRow('missing-index', mine, `the missing-index problem about ${table}(${column}) back once ${made[0].name} is gone`, 120_000);
    log(`the problem came back ${((Date.now() - dropped) / 1000).toFixed(1)} s after DROP INDEX`);
    await screenshot('advice-back-after-drop');
    await db.query(made[0].indexdef);
    const created = Date.now();
    log(`made again: ${made[0].indexdef}`);
    await wb.hoverUntil(hoverWhere, (t) => t.trim() !== '' && !new RegExp(`Missing index on ${table}`).test(t), `no missing-index advice in the hover within 25 s of CREATE INDEX (${scenario.queryText})`, 25_000);
    log(`the advice left the hover ${((Date.now() - created) / 1000).toFixed(1)} s after CREATE INDEX`);
    await wb.page.mouse.move(5, 5);
    await wb.until(async () => (await shown()).length === 0, `the missing-index problem about ${table}(${column}) gone once the index exists again`, 120_000, async () => (await shown()).join(' | ').slice(0, 160));
    log(`the problem went ${((Date.now() - created) / 1000).toFixed(1)} s after CREATE INDEX`);
    await screenshot('advice-gone-after-create');
  },
};
