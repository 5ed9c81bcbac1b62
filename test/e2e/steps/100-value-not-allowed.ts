/**
 * person50 L-D b: `WHERE status = 'refundd'` against the shop's orders.status, whose CHECK constraint lists the allowed
 * values, returned nothing, silently. Connected, the open file's Problems now say the literal is not one of them, naming
 * the constraint and the values (rule value-not-allowed); the allowed value on the next line says nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const RULE = 'value-not-allowed';
const FILE = 'value-99.sql';

export const step: Step = {
  title: "a literal orders.status's CHECK does not allow ('refundd') is a problem of the open file, naming the constraint and the values",
  async run({ wb, workspace, screenshot, log }) {
    const file = path.join(workspace, FILE);
    try {
      fs.writeFileSync(file, "-- A typo in a status value.\nSELECT id FROM orders WHERE status = 'refundd';\nSELECT id FROM orders WHERE status = 'refunded';\n");
      await wb.runCommand('View: Close All Editor Groups');
      await wb.openFile(FILE);
      const rows = await wb.until(async () => {
        const r = (await wb.problemTexts(RULE, FILE)).filter((t) => t.includes(RULE));
        return r.length ? r : undefined;
      }, `the ${RULE} problem of ${FILE}`, 90_000);
      log(`problems: ${rows.join(' | ').slice(0, 300)}`);
      if (rows.length !== 1) throw new StepFailure(`expected one ${RULE} problem (line 2 only), saw ${rows.length}: ${rows.join(' | ')}`);
      if (!/'refundd' is not a value status can hold: its CHECK constraint orders_status_check allows only 'pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'/.test(rows[0]) || !/Ln 2\b/.test(rows[0])) throw new StepFailure(`expected the problem to name orders_status_check and its values, at line 2: ${rows[0]}`);
      await screenshot('value-not-allowed');
      await wb.hidePanel();
    } finally {
      await wb.runCommand('View: Close All Editors');
      fs.rmSync(file, { force: true });
    }
  },
};
