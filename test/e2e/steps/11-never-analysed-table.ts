/**
 * The editor reads the one catalog-facts model: a table that was never analysed (reltuples = -1) gets the
 * planner's row estimate from its current size, so a parameterised UPDATE without WHERE on 50,000 rows is
 * an error, and the problem says the figure is an estimate ("never analysed"), as `pg-lens scan --db` does
 * (test/db/rules/ruleEvidence.test.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const TABLE = 'audit_trail_import';
const FILE = 'audit-cleanup.sql';
const RULE = 'update-delete-without-where';

export const step: Step = {
  title: "A table never analysed: the editor's problem gives the planner's estimate from its size and says it was never analysed",
  async run({ wb, db, workspace, screenshot, log }) {
    // autovacuum off for this table: nothing analyses it while the step runs. No index (CREATE INDEX would set reltuples).
    await db.query(`CREATE TABLE ${TABLE} (id bigint, note text) WITH (autovacuum_enabled = false)`);
    const file = path.join(workspace, FILE);
    try {
      await db.query(`INSERT INTO ${TABLE} SELECT g, 'n' || g FROM generate_series(1, 50000) g`);
      const [{ reltuples }] = await db.query(`SELECT reltuples::float8 AS reltuples FROM pg_class WHERE relname = $1`, [TABLE]);
      if (reltuples !== -1) throw new StepFailure(`${TABLE} must be never analysed for this step; reltuples is ${reltuples}`);
      fs.writeFileSync(file, `-- Clears the imported notes.\nUPDATE ${TABLE} SET note = $1;\n`);
      await wb.openFile(FILE);

      // Scrolled into view (the list draws only the rows on screen).
      const row = await wb.problemRow(RULE, new RegExp(`${TABLE}.*never analysed`), `a ${RULE} problem on ${TABLE} saying its rows are estimated (never analysed)`, 60_000);
      const text = (await row.innerText()).replace(/\s+/g, ' ');
      log(`problem: ${text.slice(0, 200)}`);
      if (!/about \d+(\.\d)?k rows, estimated from its size: never analysed/.test(text)) throw new StepFailure(`expected "about …k rows, estimated from its size: never analysed" in: ${text}`);
      // An error (the estimate is over 10,000 rows), not a warning: the Problems row carries the error icon.
      const severe = await row.locator('.codicon-error').count();
      if (!severe) throw new StepFailure(`expected the ${RULE} problem on ${TABLE} to be an error: ${text}`);
      await screenshot('never-analysed');
    } finally {
      // Close this file's editor (made active again: code-server may have brought back another tab), then remove it.
      if (fs.existsSync(file)) await wb.openFile(FILE).then(() => wb.runCommand('View: Revert and Close Editor')).catch(() => undefined);
      fs.rmSync(file, { force: true });
      await db.query(`DROP TABLE IF EXISTS ${TABLE}`);
    }
  },
};
