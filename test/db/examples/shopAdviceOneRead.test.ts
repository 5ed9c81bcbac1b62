/**
 * Index advice that agrees with itself when pg_stat_statements holds calls (issue 20 item 5, session 26's KNOWN GAP in
 * e2e 48): the editor reads pg_stat_statements' busiest statements once (read again after five minutes, or when the person
 * asks) and every decision of the editor weighs that read. The workload advice read its own: in the e2e suite a client
 * ran a refunds read (LIMIT 5) 5 times after the editor's read, and the workload, weighing it, named
 * orders (status, placed_at DESC) for the refunds reads where Suggest Indexes named orders (status). Now the editor hands
 * its read to the workload advice (`top`), and each read gives one answer on both surfaces.
 */
import { strict as assert } from 'node:assert';
import { loadShop } from '../../../examples/shop/seed';
import { QUERIES_SQL, REPORT_PY, shopSources } from './shopState';
import { extractSqlSites } from '../../../src/core/extract/index';
import { foundStatementsOf, type FoundStatement } from '../../../src/core/advice/workload';
import { IndexDecider, topStatements, WorkspaceStatements, type TopStatements } from '../../../src/db/indexDecision';
import { adviseWorkload } from '../../../src/db/workload';
import type { Database } from '../../../src/db/database';
import { configureTreeSitterForCli } from '../../../src/node/treeSitterDir';
import { statementStats, testDatabase } from '../support';

/** What e2e step 47 runs 5 times from outside the code (a client the workspace does not hold). */
const CLIENT_READ = 'SELECT id, total_cents FROM orders WHERE status = $1 ORDER BY placed_at DESC LIMIT 5';

describe('examples/shop: the workload advice and Suggest Indexes weigh one read of pg_stat_statements (real PostgreSQL)', function () {
  this.timeout(600000);
  const t = testDatabase('shop_advice_one_read');
  let db: Database;
  let pss = false;
  const found: FoundStatement[] = [];

  before(async () => {
    configureTreeSitterForCli();
    await loadShop(t.url, { scale: 0.25 });
    pss = await statementStats(t, 'nothing to test: the decision weighs pg_stat_statements only where it is');
    await t.admin.query('VACUUM ANALYZE orders');
    // The table counters from here (the bulk load is not the app's writes).
    await t.admin.query('SELECT pg_stat_reset()');
    db = await t.open();
    const texts = new Map<string, string>([['queries.sql', QUERIES_SQL], ['report.py', REPORT_PY]]);
    for (const [f, text] of shopSources()) texts.set(f, text);
    for (const [file, text] of texts) found.push(...foundStatementsOf((await extractSqlSites(text, file, file)).filter((s) => s.confidence >= 0.5), text, file));
  });

  const statusRead = (sql: string) => /FROM orders( o)? .*WHERE (o\.)?status = ('refunded'|\$1)/s.test(sql);
  const clientRead = (sql: string) => /LIMIT \$\d+\s*$/.test(sql) && statusRead(sql);

  it('a read made before a client ran the refunds read 5 times, and one made after: the workload names the index Suggest Indexes names for each', async function () {
    if (!pss) this.skip();
    await t.admin.query('SELECT pg_stat_statements_reset()');
    const decider = new IndexDecider(db, { realIndexes: true });
    const ws = new WorkspaceStatements();
    ws.setFile('workspace', found);
    const qsql = (await extractSqlSites(QUERIES_SQL, 'queries.sql', 'queries.sql')).find((s) => statusRead(s.sql))!.sql;
    // Suggest Indexes on queries.sql's refunds read over a read of pg_stat_statements, and the workload over the same.
    const both = async (read: TopStatements) => {
      const decision = await decider.decide(ws.statements(read.statements), { focus: [qsql], realIndexes: true });
      const suggest = decision.byStatement.get(qsql)?.suggestions.filter((s) => s.table === 'orders').map((s) => s.ddl);
      const w = await adviseWorkload(db, { extraStatements: found, decider, realIndexes: true, top: read });
      const workload = [...w.suggestions.map((s) => s.ddl), ...w.notRecommended.map((x) => x.ddl)].filter((ddl) => / ON orders \(status/.test(ddl));
      // Labelled by its queryid: no file holds it (the line is cut at 80 characters, before its LIMIT).
      const clientCalls = w.weighed.find((x) => /^queryid -?\d+: SELECT id, total_cents FROM orders WHERE status = \$1 ORDER BY placed_at DESC/.test(x.label))?.calls;
      return { suggest, workload, clientCalls };
    };

    const before = await topStatements(db);
    assert.ok(!before.statements.some((s) => clientRead(s.sql)), 'no client read in pg_stat_statements yet');
    // A client outside the workspace runs a refunds read 5 times (e2e step 47), after the editor's read.
    const client = await t.open();
    try {
      for (let i = 0; i < 5; i++) await client.query(CLIENT_READ, ['refunded']);
    } finally {
      await client.close();
    }
    const old = await both(before);
    const after = await topStatements(db);
    assert.ok(after.statements.some((s) => clientRead(s.sql)), `the client read is among pg_stat_statements' busiest: ${after.statements.map((s) => s.sql.slice(0, 80)).join(' | ')}`);
    const now = await both(after);
    console.log(`      read before the client's calls: suggest ${JSON.stringify(old.suggest)}, workload ${JSON.stringify(old.workload)}, client read weighed ${old.clientCalls ?? 'no'}\n      read after: suggest ${JSON.stringify(now.suggest)}, workload ${JSON.stringify(now.workload)}, client read weighed with ${now.clientCalls ?? 'no'} calls`);

    // The workload weighs the read it is given: the earlier one has no client read (before, it read its own, made now).
    assert.equal(old.clientCalls, undefined, 'the workload over the earlier read does not weigh the client read');
    assert.equal(now.clientCalls, 5, 'the workload over the later read weighs the client read with its 5 calls');
    for (const [which, r] of [['before', old], ['after', now]] as const) {
      assert.equal(r.suggest?.length, 1, `Suggest Indexes names one orders index (${which})`);
      assert.deepEqual(r.workload, r.suggest, `the workload names Suggest Indexes' orders (status…) index over the read made ${which} the client's calls`);
    }
  });
});
