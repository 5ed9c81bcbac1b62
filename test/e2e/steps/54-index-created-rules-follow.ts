/**
 * A person's hour (issue 20, session 8): after "Create index now" on customers (lower(email)), the same hover kept
 * saying "lower(email) hides email from its index … Create an expression index ON customers (lower(email))" beside
 * "Bitmap Index Scan on customers_lower_email_idx" — the rules' catalog facts were read once per connection and not
 * again after PG Lens itself created an index (`pg-lens scan` was right). Once the index exists, the advice to create
 * it must go too.
 */
import type { Step } from '../lib/types';

const FIND = `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'customers' AND indexdef ~* 'lower\\(email\\)'`;

export const step: Step = {
  title: 'after "Create index now" on customers (lower(email)), the advice to create that expression index goes away',
  async run({ wb, db, screenshot, log }) {
    const before = (await db.query<{ indexname: string }>(FIND)).map((r) => r.indexname);
    for (const name of before) await db.query(`DROP INDEX IF EXISTS public."${name.replace(/"/g, '""')}"`);
    try {
      await wb.openFile('src/customers.ts');
      const rows = await wb.problems();
      const nonSargable = rows.filter({ hasText: 'non-sargable-predicate' }).filter({ hasText: 'lower(email)' });
      const missing = rows.filter({ hasText: 'missing-index' }).filter({ hasText: 'lower(email)' });
      await wb.see(nonSargable, 'the non-sargable-predicate problem "lower(email) hides email from its index"', 60_000);
      await wb.see(missing, 'the missing-index problem about customers (lower(email))', 60_000);
      await screenshot('advice-before');
      await missing.first().click();
      await wb.runCommand('View: Focus Active Editor Group');
      await wb.quickFixes(/Create index now/i, 'the quick fix "Create index now"', 30_000);
      await wb.pickQuickFix(/Create index now/i);
      await wb.confirmDialog(/CREATE INDEX/i, /^Create index/i);
      await wb.until(async () => (await db.query(FIND)).length > 0, 'the expression index on customers (lower(email)) in pg_indexes', 60_000);
      log('created the expression index on customers (lower(email))');
      await wb.until(async () => (await nonSargable.count()) === 0 && (await missing.count()) === 0, 'both the missing-index and the "create an expression index" advice gone once the index exists', 60_000, async () => (await nonSargable.first().innerText().catch(() => '')).slice(0, 160));
      await screenshot('advice-after');
    } finally {
      for (const r of await db.query<{ indexname: string }>(FIND)) await db.query(`DROP INDEX IF EXISTS public."${r.indexname.replace(/"/g, '""')}"`);
      if (before.length) await db.query('CREATE INDEX IF NOT EXISTS customers_lower_email_idx ON customers ((lower(email)))');
    }
  },
};
