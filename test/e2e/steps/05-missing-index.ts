/**
 * The missing-index diagnostic appears on the query; its quick fix "Create index now" creates the
 * index (checked in the database), and then the diagnostic goes away.
 */
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

export const step: Step = {
  title: 'missing-index: the diagnostic appears, "Create index now" creates the index, the diagnostic goes away',
  async run({ wb, db, scenario, screenshot, log }) {
    const { table, column } = scenario.missingIndex;
    const indexed = async () =>
      (await db.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1 AND indexdef ~ $2`, [table, `\\(${column}[,)]`])).map((r) => r.indexdef);
    if ((await indexed()).length) throw new Error(`the database already has an index on ${table}(${column}) before the step`);
    await wb.openFile(scenario.queryFile);
    // Led by the column: the query is `WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 20`, whose index is
    // (customer_id, placed_at DESC) since the equality+ORDER BY composite wins over its prefix (person18 LOW 6).
    const mine = new RegExp(`${table} \\(${column}[,)].*missing-index`);
    const row = await wb.problemRow('missing-index', mine, `a missing-index problem about ${table}(${column})`, 60_000);
    await screenshot('missing-index-problem');
    // The index is for the whole statement: hovering its WHERE line (another line than the table's, where the finding
    // sits, in a multi-line statement) names it too (person23 MEDIUM 1: that hover said nothing of it).
    const where = /WHERE (\w+)/.exec(scenario.queryText)?.[1] ?? column;
    const hover = await wb.hoverUntil(() => wb.hoverInFile(scenario.queryFile, scenario.queryText, 'WHERE', where), (t) => new RegExp(`Missing index on ${table}`).test(t), `the missing-index advice in the hover of the WHERE line (${scenario.queryText})`, 60_000);
    log(`WHERE-line hover: ${hover.replace(/\s+/g, ' ').slice(0, 200)}`);
    await screenshot('missing-index-hover-where-line');
    await wb.page.mouse.move(5, 5);
    // Go to it and ask for the quick fixes, as a person does (click, then Ctrl+.).
    await row.first().click();
    await wb.runCommand('View: Focus Active Editor Group');
    const menu = await wb.quickFixes(/Create index now/i, 'the quick fix "Create index now" in the quick-fix menu', 30_000);
    await screenshot('missing-index-quick-fix');
    // The shop has no migration tool PG Lens recognises: the menu says what the fix does there (person28 L6: it offered
    // "Add migration" and only then said "no migration file written").
    log(`quick fixes: ${menu.join(' | ')}`);
    if (menu.some((t) => /^Add migration/.test(t)) || !menu.some((t) => /^Save CREATE INDEX as \.sql…/.test(t))) throw new StepFailure(`expected "Save CREATE INDEX as .sql…" (no migration tool in the shop), not "Add migration"; the menu: ${menu.join(' | ')}`);
    // Choose it with the keyboard, as the quick-fix menu is meant to be used (its pointer-block
    // overlay swallows synthetic clicks while it opens).
    await wb.pickQuickFix(/Create index now/i);
    // Creating an index on a real database is confirmed first.
    const dialogText = await wb.confirmDialog(/CREATE INDEX/i, /^(Create|Create index|Yes)/i);
    log(`confirmation: ${dialogText.replace(/\s+/g, ' ').slice(0, 160)}`);
    // Three choices that each do something else: copy the statement (the default), create, Cancel (person39 L2: "Create
    // index / Cancel / Not now", two that did the same).
    if (/Not now/.test(dialogText) || !/Copy CREATE INDEX/.test(dialogText)) throw new StepFailure(`expected the dialog's keeping button to be "Copy CREATE INDEX", not "Not now" beside Cancel: ${dialogText.replace(/\s+/g, ' ')}`);
    const defs = await wb.until(async () => {
      const d = await indexed();
      return d.length ? d : undefined;
    }, `an index on ${table}(${column}) in pg_indexes after "Create index now"`, 60_000);
    log(`created: ${defs[0]}`);
    // Every row of the list read (it draws only those on screen): gone means in none of them.
    const left = async () => (await wb.problemTexts('missing-index')).filter((t) => mine.test(t));
    await wb.until(async () => (await left()).length === 0, `the missing-index problem about ${table}(${column}) to go away once the index exists`, 60_000, async () => (await left()).join(' | ').slice(0, 160));
    await screenshot('missing-index-fixed');
  },
};
