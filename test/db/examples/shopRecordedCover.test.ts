/**
 * Issue 20, person49 M-4 and L-3: one answer for src/orders.ts:70 (the raw refunds read, `status = 'refunded' ORDER BY
 * placed_at DESC`) whichever other line's advice was opened, and whatever edit was undone.
 *
 * M-4: after Stop Recording (and after a reload) the editor decided only the 25 costliest recorded statements, and only
 * those took part in its decisions; the Sequelize refunds read (orm/orders.ts:25, LIMIT 20, 3 calls, 21.5 ms) was below
 * that cut, so line 70 said orders (status) until that ORM line's "Plan and index advice" was opened — then the shared
 * orders (status, placed_at DESC), and (status) again after a reload. Now every recorded statement takes part from the
 * start (core/record/advice recordedDecisionOrder: `weighed`), the cut bounding only which are decided first.
 *
 * L-3: after `LIMIT 50` was added to line 70 and undone, the kept advice of line 70 (decided together with the LIMIT 50
 * version, which shared an index with the recorded line 70) was shown while typing: the index shared with a statement no
 * longer in the text. Now such advice is decided again at once, without the statement edited away.
 *
 * Checked on the real shop (PostgreSQL 18 with real trial indexes rolled back; PostgreSQL 15 with HypoPG).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadShop } from '../../../examples/shop/seed';
import { IndexDecider, mergeStatements, WorkspaceStatements } from '../../../src/db/indexDecision';
import { keepDecision, missingIndexAnalyzer, type DecidedAdvice } from '../../../src/db/missingIndexAnalyzer';
import { recordedDecisionOrder, RECORDED_DECISION_BATCH } from '../../../src/core/record/advice';
import { loadPgParser, normalizeSql } from '../../../src/core/sql/statement';
import { analyzeFile } from '../../../src/core/scan';
import type { FoundStatement } from '../../../src/core/advice/workload';
import type { Database } from '../../../src/db/database';
import { configureTreeSitterForCli } from '../../../src/node/treeSitterDir';
import { testDatabase } from '../support';
import { decidedDdl, refundsRead, shopStatements } from './shopState';
import { runCli } from '../../unit/support/cli';

const root = path.join(__dirname, '..', '..', '..');
const src = path.join(root, 'examples', 'shop', 'src');
/** What Sequelize sends for orm/orders.ts refundedOrders() (the recording's SQL, constants inline). */
const ORM_REFUNDS = `SELECT "id", "customer_id" AS "customerId", "status", "total_cents" AS "totalCents", "placed_at" AS "placedAt" FROM "orders" AS "Order" WHERE "Order"."status" = 'refunded' ORDER BY "Order"."placed_at" DESC LIMIT 20;`;

describe('examples/shop: one index answer for src/orders.ts:70, whichever recorded line was opened or edit undone (real PostgreSQL)', function () {
  this.timeout(300000);
  const t = testDatabase('shop_recorded_cover');
  let db: Database;
  const files: FoundStatement[] = [];
  let refunds = '';
  let ordersText = '';
  const ordersFile = path.join(src, 'orders.ts');

  before(async () => {
    configureTreeSitterForCli();
    await loadPgParser();
    await loadShop(t.url, { scale: 0.25 });
    db = await t.open();
    ordersText = fs.readFileSync(ordersFile, 'utf8');
    files.push(...(await shopStatements()));
    refunds = refundsRead(files);
    assert.ok(refunds, 'src/orders.ts has the refunds read without LIMIT');
  });


  /**
   * The demo's recording in miniature: line 70's read (raw driver, 4 calls) and RECORDED_DECISION_BATCH costlier reads on
   * customers, then the ORM refunds read (3 calls, 21.5 ms), below the cut.
   */
  const recording = () => {
    const at = (sql: string, calls: number, totalMs: number) => ({ normalized: normalizeSql(sql)!, sql, calls, totalMs, place: 'recorded' });
    return [
      at(refunds, 4, 400),
      ...Array.from({ length: RECORDED_DECISION_BATCH }, (_, i) => at(`SELECT id AS c${i}, name FROM customers WHERE id = $1`, 50, 300 - i)),
      at(ORM_REFUNDS, 3, 21.5),
    ];
  };

  it('line 70 gets the same index before and after the recorded ORM read below the cut is decided on demand (M-4)', async () => {
    const { weighed, batches } = recordedDecisionOrder(recording());
    assert.ok(!batches[0].some((st) => st.sql === ORM_REFUNDS), 'the ORM refunds read is below the first batch (the former cut)');
    // The editor's weighed set: the workspace's statements and every recorded one (IndexAdvice.weigh at Stop and after a reload).
    const set = mergeStatements([], [...files, ...weighed.map((st) => ({ sql: st.sql, source: st.place }))]).statements;
    const decider = new IndexDecider(db, { realIndexes: true });
    const afterStop = await decidedDdl(decider, set, refunds);
    // "Plan and index advice" on orm/orders.ts:25: the ORM read decided on demand, on the same decider.
    const orm = await decidedDdl(decider, set, ORM_REFUNDS);
    const afterOpening = await decidedDdl(decider, set, refunds);
    assert.ok(afterStop.length, 'line 70 gets an index');
    assert.deepEqual(afterOpening, afterStop, `line 70 after Stop ${JSON.stringify(afterStop)}, after the ORM line was opened ${JSON.stringify(afterOpening)}`);
    // One index for the two reads: the shared decision, from the start.
    assert.deepEqual(orm, afterStop, `the ORM read ${JSON.stringify(orm)}, line 70 ${JSON.stringify(afterStop)}`);
    // A decider made anew (a reload) says the same.
    assert.deepEqual(await decidedDdl(new IndexDecider(db, { realIndexes: true }), set, refunds), afterStop, 'after a reload');
  });

  it('(the former cut) weighing only the first batch, line 70 flipped once the ORM read was decided on demand', async () => {
    const { batches } = recordedDecisionOrder(recording());
    const cut = mergeStatements([], [...files, ...batches[0].map((st) => ({ sql: st.sql, source: st.place }))]).statements;
    const decider = new IndexDecider(db, { realIndexes: true });
    const afterStop = await decidedDdl(decider, cut, refunds);
    const opened = mergeStatements([], [...files, ...[...batches[0], { sql: ORM_REFUNDS, place: 'recorded' }].map((st) => ({ sql: st.sql, source: st.place }))]).statements;
    await decidedDdl(decider, opened, ORM_REFUNDS);
    const afterOpening = await decidedDdl(decider, opened, refunds);
    assert.notDeepEqual(afterOpening, afterStop, 'with the cut, the answer depended on what was opened: the case the fix is for');
  });

  it('pg-lens record --db: the raw refunds read, among the 25 costliest, is decided with the ORM refunds read below them (M-4, the CLI\'s same cut)', async () => {
    const raw = "SELECT id, customer_id, status, total_cents, placed_at FROM orders WHERE status = 'refunded' ORDER BY placed_at DESC";
    const alone = await decidedDdl(new IndexDecider(db, { realIndexes: true }), mergeStatements([], [{ sql: raw, source: 'recorded' }]).statements, raw);
    const together = await decidedDdl(new IndexDecider(db, { realIndexes: true }), mergeStatements([], [{ sql: raw, source: 'recorded' }, { sql: ORM_REFUNDS, source: 'recorded' }]).statements, raw);
    assert.notDeepEqual(together, alone, 'the case: the ORM read changes the raw read\'s index');
    const r = await runCli(['record', '--format', 'json', '--db', t.url, '--', process.execPath, path.join(root, 'test', 'fixtures', 'record', 'refundsBelowCut.js')], { env: { ...process.env, DATABASE_URL: t.url }, cwd: root });
    assert.equal(r.code, 0, r.err);
    const statements = (JSON.parse(r.out).sites as { statements: { sql: string; totalMs: number; advice?: { indexes: { ddl: string }[] } }[] }[]).flatMap((s) => s.statements);
    const rawSt = statements.find((st) => st.sql.trim() === raw);
    const orm = statements.find((st) => st.sql.includes('"Order"."status"'));
    assert.ok(rawSt?.advice && orm, JSON.stringify(statements.map((st) => [st.sql.slice(0, 40), st.totalMs, !!st.advice])));
    assert.equal(orm.advice, undefined, 'the ORM read is below the 25 costliest: not advised itself');
    assert.deepEqual(rawSt.advice.indexes.map((i) => i.ddl), together, 'the raw read\'s index is the one decided with the ORM read');
  });

  it('an edit undone: line 70\'s advice kept while typing does not share an index with the LIMIT 50 version edited away (L-3)', async () => {
    const decider = new IndexDecider(db, { realIndexes: true });
    const ws = new WorkspaceStatements();
    // The recording holds line 70's read (sent from line 69, raw driver): a statement of every decision.
    const recorded: FoundStatement[] = [{ sql: refunds, source: 'src/orders.ts:69' }];
    const advice = new Map<string, DecidedAdvice>();
    const analyzer = missingIndexAnalyzer(decider, {
      advice,
      workloadOnly: true,
      statements: async () => ws.statements([], () => recorded),
      sawFile: (file, found) => ws.setFile(file, found),
      weighedOf: (file) => ws.statementsOf(file),
      place: () => 'src/orders.ts',
      // As the editor does (IndexAdvice applyDecision): the other statements' advice follows each decision.
      onDecision: (d) => keepDecision(decider, advice, d, () => false),
    });
    const run = async (text: string, editing: boolean) => (await analyzeFile({ path: ordersFile, text, languageId: 'typescript', editing }, { analyzers: [analyzer] })).findings.filter((f) => f.ruleId === 'missing-index');
    const line70 = (found: Awaited<ReturnType<typeof run>>, sql: string) => found.filter((f) => f.evidence?.sql === sql).map((f) => f.message);
    const settled = line70(await run(ordersText, false), refunds);
    assert.equal(settled.length, 1, 'line 70 has its finding');
    const edited = ordersText.replace('ORDER BY placed_at DESC`', 'ORDER BY placed_at DESC LIMIT 50`');
    assert.notEqual(edited, ordersText);
    const limited = refunds.replace(/DESC$/, 'DESC LIMIT 50');
    await run(edited, false);
    // The case: the recorded line 70 and the LIMIT 50 version were decided together, one index shared.
    assert.ok(advice.get(refunds)?.sharedWith?.includes(limited), `line 70's kept advice shares an index with the LIMIT 50 version: ${JSON.stringify(advice.get(refunds)?.sharedWith)}`);
    // Undone: the first analysis is a typing one (no decision per keystroke), and it already says what the settled one says.
    const undone = line70(await run(ordersText, true), refunds);
    assert.deepEqual(undone, settled, 'the finding right after the undo');
    assert.ok(!advice.get(refunds)?.sharedWith?.includes(limited), 'the LIMIT 50 version left the shared decision');
    assert.deepEqual(line70(await run(ordersText, false), refunds), settled, 'and settled');
  });
});
