/**
 * The editor and `pg-lens scan --db` name one index for the same statements (issue 20, person42 H2).
 */
import { strict as assert } from 'node:assert';
import { shopWorkspace } from './shopState';
import type { Finding } from '../../../src/core/findings';
import { IndexDecider } from '../../../src/db/indexDecision';
import { adviseStatement } from '../../../src/db/advisor';
import { candidateFromSuggestion } from '../../../src/core/advice/indexCandidates';
import { missingIndexAnalyzer } from '../../../src/db/missingIndexAnalyzer';
import { testDatabase } from '../support';

/** person42's queries/reports.sql: a refunds report, a one-off cleanup DELETE, a report on German customers, last month's refunds. */
export const REPORTS_SQL = `-- Monthly reports for the finance team.

-- Refunds by customer: who gets refunded most.
SELECT c.id, c.name, c.country, count(*) AS refunds, sum(o.total_cents) AS refunded_cents
FROM orders o
JOIN customers c ON c.id = o.customer_id
WHERE o.status = 'refunded'
GROUP BY c.id, c.name, c.country
ORDER BY refunds DESC
LIMIT 20;

-- One-off cleanup: remove cancelled orders.
DELETE FROM orders WHERE status = 'cancelled';

-- German customers and their order totals.
SELECT c.id, c.email, c.name, count(o.id) AS orders, coalesce(sum(o.total_cents), 0) AS total_cents
FROM customers c
LEFT JOIN orders o ON o.customer_id = c.id
WHERE c.country = 'DE'
GROUP BY c.id, c.email, c.name
ORDER BY total_cents DESC
LIMIT 50;

-- Refunded orders of the last 30 days.
SELECT o.id, o.customer_id, o.total_cents, o.placed_at
FROM orders o
WHERE o.status = 'refunded' AND o.placed_at > now() - interval '30 days'
ORDER BY o.placed_at DESC;
`;

describe('examples/shop: the editor and pg-lens scan name one index for the same statements (real PostgreSQL)', function () {
  this.timeout(900000);
  const t = testDatabase('shop_editor_scan_agree');
  const shop = shopWorkspace(t, { files: { 'queries/reports.sql': REPORTS_SQL }, vacuum: ['orders', 'customers'] });
  const { texts, sitesOf } = shop;

  const ordersDdl = (f: Finding | undefined) => (f?.evidence as { suggestions?: { ddl: string }[] } | undefined)?.suggestions?.filter((s) => / ON orders /.test(s.ddl)).map((s) => s.ddl).join(' + ');
  const lineOf = (file: string, f: Finding) => texts.get(file)!.slice(0, f.span.start).split('\n').length;

  /** The editor's path (indexAdvice.ts): one decider (automatic: no real builds), the workspace's statements, file by file. */
  const editor = async (decider: IndexDecider) => {
    const { advice, statements, onDecision } = await shop.editor(decider);
    const out = new Map<string, Finding[]>();
    for (const file of ['queries/reports.sql', 'src/orders.ts']) {
      const a = missingIndexAnalyzer(decider, { advice, workloadOnly: true, statements, onDecision, createNow: true });
      out.set(file, (await a.analyze({ file, text: texts.get(file)!, language: file.endsWith('.sql') ? 'sql' : 'typescript', sites: await sitesOf(file) })).filter((f) => f.ruleId === 'missing-index'));
    }
    return out;
  };

  /** `pg-lens scan --db` (scan.ts): real builds, asked for, every file collected and decided once. */
  const scan = async () => {
    const a = missingIndexAnalyzer(new IndexDecider(shop.db, { realIndexes: true, askedFor: true, proof: 'transaction' }), { deferred: true, workloadOnly: true });
    for (const file of texts.keys()) await a.analyze({ file, text: texts.get(file)!, language: file.endsWith('.sql') ? 'sql' : 'typescript', sites: await sitesOf(file) });
    const out = new Map<string, Finding[]>();
    for (const f of (await a.finish?.()) ?? []) if (f.ruleId === 'missing-index') out.set(f.file!, [...(out.get(f.file!) ?? []), f]);
    return out;
  };

  const show = (m: Map<string, Finding[]>) => [...m].flatMap(([file, fs]) => fs.map((f) => `${file}:${lineOf(file, f)} ${ordersDdl(f)} | ${f.message}`)).join('\n');

  const DELETE = "DELETE FROM orders WHERE status = 'cancelled'";

  it('kept proofs of one candidate (the others not built) are not shared, nor said final; the one-off DELETE is never "also served"; once asked, the editor names the scan\'s index', async () => {
    // Real trial builds (proof: 'transaction'), HypoPG or not: HypoPG proves every candidate without building, none withheld.
    await t.admin.query('SELECT pg_stat_statements_reset()').catch(() => undefined);
    // Proofs kept of orders (status) alone on three statements (an earlier ask, another window): the other candidates of
    // those statements never built — the editor's automatic decisions (trialBuilds whenAsked) reuse such proofs.
    const del = await adviseStatement(shop.db, DELETE, undefined, { realIndexes: true, askedFor: true, proof: 'transaction' });
    const status = candidateFromSuggestion(del.suggestions.find((x) => x.columns.join() === 'status')!)!;
    const reports = (await sitesOf('queries/reports.sql')).map((x) => x.sql);
    const o70 = (await sitesOf('src/orders.ts')).map((x) => x.sql).find((q) => /status = 'refunded' ORDER BY placed_at DESC/.test(q))!;
    for (const q of [reports[0], o70]) await adviseStatement(shop.db, q, undefined, { realIndexes: true, askedFor: true, candidates: [status], maxIndexes: 1, proof: 'transaction' });

    const decider = new IndexDecider(shop.db, { proof: 'transaction' });
    const auto = await editor(decider);
    const lines = [...auto.values()].flat().filter((f) => ordersDdl(f)?.includes('(status'));
    assert.ok(lines.length >= 2, show(auto));
    for (const f of lines) {
      // Before: "One index, also serving 2 other statements: queries/reports.sql:13, src/orders.ts:70" (the DELETE among them),
      // `orders (status)` said proved and final on both reads.
      assert.doesNotMatch(f.help ?? '', /reports\.sql:13/, f.help);
      assert.doesNotMatch(f.help ?? '', /also serving/, f.help);
      assert.match(f.message, /not final: .* not built yet; Suggest Indexes weighs them/, f.message);
    }

    // `pg-lens scan --db` (real builds): the one-off DELETE is not among the statements the shared index serves.
    const scanned = await scan();
    const scanStatus = [...scanned.entries()].flatMap(([file, fs]) => fs.map((f) => ({ file, f }))).filter(({ f }) => ordersDdl(f)?.includes('(status'));
    assert.ok(scanStatus.length >= 3, show(scanned));
    for (const { f } of scanStatus) assert.doesNotMatch(f.help ?? '', /reports\.sql:13/, f.help);
    const scanDdl = new Set(scanStatus.map(({ f }) => ordersDdl(f)));
    assert.equal(scanDdl.size, 1, show(scanned));

    // Suggest Indexes on orders.ts:70 (asked: real builds): from then on the editor's decisions name the scan's index.
    await decider.decide(await (await shop.editor(decider)).statements(), { focus: [o70], realIndexes: true });
    const after = await editor(decider);
    const afterStatus = [...after.values()].flat().filter((f) => ordersDdl(f)?.includes('(status'));
    assert.ok(afterStatus.length >= 3, show(after));
    for (const f of afterStatus) assert.equal(ordersDdl(f), [...scanDdl][0], show(after));
  });

  it('Suggest Indexes on the one-off DELETE: its proved index, said to be for a one-off write the automatic advice leaves out, shared with no other statement', async function () {
    if ((await shop.db.serverInfo()).pgStatStatements !== 'ready') this.skip();
    await t.admin.query('SELECT pg_stat_statements_reset()');
    const decider = new IndexDecider(shop.db, {});
    // The workspace's statements with pg_stat_statements' top ones as they are now.
    const statements = async () => (await shop.editor(decider)).statements();
    // As Suggest Indexes asks (indexAdvice.ts): the DELETE the focus, real builds allowed.
    const d = await decider.decide(await statements(), { focus: [DELETE], realIndexes: true });
    const mine = d.byStatement.get(DELETE);
    assert.ok(mine?.suggestions.some((x) => / ON orders \(status/.test(x.ddl)), JSON.stringify(mine?.suggestions.map((x) => x.ddl)));
    assert.match(mine!.apart ?? '', /^a one-off DELETE: this DELETE has not recurred \(pg_stat_statements has no run of it\).*proposes no index for it$/, mine!.apart);
    assert.deepEqual(mine!.alsoServes, {});
    // No other statement is said to share an index with it.
    for (const [sql, x] of d.byStatement) if (sql !== DELETE) for (const labels of Object.values(x.alsoServes)) assert.ok(!labels.some((l) => l.includes('DELETE')), `${sql}: ${labels.join(', ')}`);
    // Run twice by a client: it recurs, and is weighed with the others (no longer apart).
    for (let i = 0; i < 2; i++) {
      await t.admin.query('BEGIN');
      await t.admin.query(DELETE);
      await t.admin.query('ROLLBACK');
    }
    const again = await decider.decide(await statements(), { focus: [DELETE], realIndexes: true });
    assert.equal(again.byStatement.get(DELETE)?.apart, undefined);
  });
});
