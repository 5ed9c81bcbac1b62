/**
 * A person's hour (issue 20, session 8): after "Create index now" on customers (lower(email)), the same hover kept
 * saying "lower(email) hides email from its index … Create an expression index ON customers (lower(email))" beside
 * "Bitmap Index Scan on customers_lower_email_idx" — the rules' catalog facts were read once per connection and not
 * again after PG Lens itself created an index (`pg-lens scan` was right). Once the index exists, the advice to create
 * it must go too.
 */
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const FIND = `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'customers' AND indexdef ~* 'lower\\(email\\)'`;

export const step: Step = {
  title: 'after "Create index now" on customers (lower(email)), the advice to create that expression index goes away, and the index is in the maintenance log',
  async run({ wb, db, screenshot, log }) {
    const before = (await db.query<{ indexname: string }>(FIND)).map((r) => r.indexname);
    for (const name of before) await db.query(`DROP INDEX IF EXISTS public."${name.replace(/"/g, '""')}"`);
    try {
      await wb.openFile('src/customers.ts');
      // Every row of the list read, or scrolled into view (the panel draws only the rows on screen).
      const NON_SARGABLE = /lower\(email\).*non-sargable-predicate/;
      const MISSING = /lower\(email\).*missing-index/;
      // One cause, one finding (person24 LOW 10): the proved expression index carries "lower(email) hides email from its
      // index" as its related place, not as a second warning beside it.
      const missing = await wb.problemRow('lower(email)', MISSING, 'the missing-index problem about customers (lower(email))', 60_000, 'customers.ts');
      await wb.problemRow('lower(email)', /lower\(email\) hides email from its index.*The index above holds the expression/, 'the related row "lower(email) hides email from its index … The index above holds the expression."', 30_000, 'customers.ts');
      const twice = (await wb.problemTexts('lower(email)', 'customers.ts')).filter((t) => NON_SARGABLE.test(t));
      if (twice.length) throw new StepFailure(`the non-sargable-predicate finding stood beside the missing-index one for the same index: ${twice.join(' | ').slice(0, 300)}`);
      log('one finding (missing-index) with the expression as its related place');
      await screenshot('advice-before');
      await missing.click();
      await wb.runCommand('View: Focus Active Editor Group');
      await wb.quickFixes(/Create index now/i, 'the quick fix "Create index now"', 30_000);
      await wb.pickQuickFix(/Create index now/i);
      await wb.confirmDialog(/CREATE INDEX/i, /^Create index/i);
      await wb.until(async () => (await db.query(FIND)).length > 0, 'the expression index on customers (lower(email)) in pg_indexes', 60_000);
      log('created the expression index on customers (lower(email))');
      const left = async () => (await wb.problemTexts('lower(email)', 'customers.ts')).filter((t) => NON_SARGABLE.test(t) || MISSING.test(t));
      await wb.until(async () => (await left()).length === 0, 'both the missing-index and the "create an expression index" advice gone once the index exists', 60_000, async () => (await left()).join(' | ').slice(0, 300));
      await screenshot('advice-after');
      // The index PG Lens created is in the dashboard's maintenance log, as its own actions are (person8: it was not).
      await wb.runCommand('PG Lens: Open Dashboard');
      const view = await wb.webview(/Dashboard/);
      const logRows = view.locator('section.panel').filter({ has: view.getByRole('heading', { name: 'Maintenance log' }) }).locator('td code');
      await wb.see(logRows.filter({ hasText: /CREATE INDEX CONCURRENTLY .*lower\(email\)/i }), 'the created index in the dashboard\'s Maintenance log', 30_000);
      await logRows.first().scrollIntoViewIfNeeded();
      await screenshot('maintenance-log');
      await wb.runCommand('View: Close All Editors');
    } finally {
      for (const r of await db.query<{ indexname: string }>(FIND)) await db.query(`DROP INDEX IF EXISTS public."${r.indexname.replace(/"/g, '""')}"`);
      if (before.length) await db.query('CREATE INDEX IF NOT EXISTS customers_lower_email_idx ON customers ((lower(email)))');
    }
  },
};
