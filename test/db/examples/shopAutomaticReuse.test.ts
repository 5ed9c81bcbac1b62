/**
 * An automatic decision (the editor's diagnostics after a reload: real trial builds withheld, trialBuilds whenAsked) names
 * the index an asked decision (Suggest Indexes) proved a moment before on the same tables, with its proved figures — the
 * kept proof is reused, nothing is built. Before, only an asked decision looked at the kept proofs: person41 (issue 20
 * M1) saw one statement's line go from `orders (status, customer_id)` proved 1,221 → 288 to `orders (status)` unproved or
 * to another statement's shared index across reloads. The embedded PostgreSQL 18 has no HypoPG: the proofs are real
 * trial builds, as on the demo.
 */
import { strict as assert } from 'node:assert';
import { shopSources, shopWithTraffic } from './shopState';
import { extractSqlSites } from '../../../src/core/extract/index';
import { foundStatementsOf } from '../../../src/core/advice/workload';
import { IndexDecider, topStatements, WorkspaceStatements } from '../../../src/db/indexDecision';
import { decided } from '../../../src/db/missingIndexAnalyzer';
import type { Database } from '../../../src/db/database';
import { configureTreeSitterForCli } from '../../../src/node/treeSitterDir';
import { testDatabase } from '../support';

const REPORTS = `SELECT c.email, count(*) AS n
FROM orders o JOIN customers c ON c.id = o.customer_id
WHERE o.status = 'refunded'
GROUP BY c.email
ORDER BY n DESC
LIMIT 20;
`;

describe('examples/shop: an automatic decision reuses the proofs an asked one kept (real PostgreSQL)', function () {
  this.timeout(600000);
  const t = testDatabase('shop_automatic_reuse');
  let db: Database;
  const ws = new WorkspaceStatements();

  before(async () => {
    configureTreeSitterForCli();
    await shopWithTraffic(t, { scale: 0.25, requests: 150 });
    await t.admin.query('VACUUM ANALYZE orders');
    db = await t.open();
    const texts = new Map(shopSources());
    texts.set('queries/reports.sql', REPORTS);
    for (const [file, text] of texts) {
      const sites = (await extractSqlSites(text, file, file)).filter((s) => s.confidence >= 0.5);
      ws.setFile(file, foundStatementsOf(sites, text, file));
    }
  });

  it('the refunded-orders join: the same index and figures from Suggest Indexes and from the diagnostics after a reload', async () => {
    const adviceOf = async (realIndexes: boolean) => {
      // A new decider: a reloaded window's. Real trial builds asked for by name: on a server with HypoPG (CI's PostgreSQL 15)
      // the proofs would be hypothetical and none kept — the path under test is the demo's, a server without it.
      const decider = new IndexDecider(db, { realIndexes, proof: 'transaction' });
      const all = ws.statements((await topStatements(db)).statements);
      const join = all.find((s) => /count\(\*\) AS n/.test(s.sql))!.sql;
      const d = await decider.decide(all, { realIndexes });
      return decided(decider, join, d)?.suggestions.map((s) => ({ ddl: s.ddl, costAfter: s.costAfter, verifiedBy: s.verifiedBy }));
    };
    const asked = await adviceOf(true);
    assert.ok(asked?.length && asked.every((s) => s.verifiedBy === 'transaction'), `asked: proved by a real trial build: ${JSON.stringify(asked)}`);
    const automatic = await adviceOf(false);
    assert.deepEqual(automatic, asked, 'the automatic decision names the asked one\'s index with its proved figures');
  });

  it('after the traffic grew orders: the automatic decision keeps the proved index and says the table has changed since', async () => {
    // The same decision as above, its summary too: what the line says.
    const adviceOf = async (realIndexes: boolean) => {
      const decider = new IndexDecider(db, { realIndexes, proof: 'transaction' });
      const all = ws.statements((await topStatements(db)).statements);
      const join = all.find((s) => /count\(\*\) AS n/.test(s.sql))!.sql;
      const d = await decider.decide(all, { realIndexes });
      return decided(decider, join, d)?.suggestions.map((s) => ({ ddl: s.ddl, costAfter: s.costAfter, verifiedBy: s.verifiedBy, summary: s.summary }));
    };
    const asked = await adviceOf(true);
    assert.ok(asked?.length && asked.every((s) => s.verifiedBy === 'transaction'), `asked: proved by a real trial build: ${JSON.stringify(asked)}`);
    assert.ok(asked.every((s) => !/changed since/.test(s.summary)), `asked on unchanged tables: no note: ${JSON.stringify(asked)}`);
    // The demo's traffic: orders grows (+1/6, the same mix of statuses) and autovacuum analyses it.
    await t.admin.query('INSERT INTO orders (customer_id, status, total_cents, placed_at) SELECT customer_id, status, total_cents, placed_at FROM orders WHERE id % 6 = 0');
    await t.admin.query('ANALYZE orders');
    const automatic = await adviceOf(false);
    assert.deepEqual(automatic?.map((s) => [s.ddl, s.verifiedBy, s.costAfter]), asked.map((s) => [s.ddl, s.verifiedBy, s.costAfter]), `the automatic decision keeps the proved index and its proved figures: ${JSON.stringify(automatic)}`);
    assert.ok(automatic!.every((s) => /proved (\d+|under 1) min ago; orders has changed since/.test(s.summary)), `and says when it was proved and that the table has changed since: ${JSON.stringify(automatic)}`);
  });
});
