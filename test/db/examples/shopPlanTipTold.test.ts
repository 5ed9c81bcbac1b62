/**
 * The plan panel's tip is told the index advice's answer, not polling for it (issue 20 item 2). A plan panel opened
 * before its statement's advice was decided says "Checking whether an index helps — …" (ADVICE_PENDING) and waits; it
 * looked every second (setInterval) for the answer. Now the advice the editor keeps (core KeptAdvice, the map
 * src/vscode/indexAdvice.ts keeps per connection) tells its listeners the moment a decision sets a statement's advice —
 * IndexAdvice fires onDidDecideAdvice from it, and the plans feature answers the waiting panel (plans/index.ts
 * answerWaiting). Here the editor's analyzer decides src/orders.ts on the real shop: the listener is called with the
 * refunds read's SQL before analyze() returns, with no timer, and the answer it reads then is the index, not "Checking".
 */
import { strict as assert } from 'node:assert';
import { shopWorkspace } from './shopState';
import { foundStatementsOf } from '../../../src/core/advice/workload';
import { adviceTipAnswer } from '../../../src/core/advice/missingIndex';
import { ADVICE_PENDING } from '../../../src/core/plan/warnings';
import { KeptAdvice } from '../../../src/core/advice/keptAdvice';
import { IndexDecider, topStatements, WorkspaceStatements } from '../../../src/db/indexDecision';
import { keepDecision, missingIndexAnalyzer, type DecidedAdvice } from '../../../src/db/missingIndexAnalyzer';
import { testDatabase } from '../support';

describe('examples/shop: the plan panel waiting for index advice is told the answer when the decision keeps it (real PostgreSQL)', function () {
  this.timeout(600000);
  const t = testDatabase('shop_plan_tip_told');
  const shop = shopWorkspace(t, { files: {}, vacuum: ['orders'] });

  it('deciding src/orders.ts tells the refunds read\'s waiter its answer, before analyze returns and with no timer', async () => {
    const file = 'src/orders.ts';
    const text = shop.texts.get(file)!;
    const sites = await shop.sitesOf(file);
    const refunds = sites.find((s) => /WHERE status = 'refunded' ORDER BY placed_at DESC$/.test(s.sql.trim()))?.sql;
    assert.ok(refunds, 'src/orders.ts has the refunds read');
    const decider = new IndexDecider(shop.db, { realIndexes: true });
    // The editor's per-connection state (indexAdvice.ts stateFor): the kept advice, the workspace's statements.
    const advice = new KeptAdvice<DecidedAdvice>();
    const ws = new WorkspaceStatements();
    for (const f of shop.texts.keys()) ws.setFile(f, foundStatementsOf(await shop.sitesOf(f), shop.texts.get(f)!, f));
    const top = (await topStatements(shop.db)).statements;
    const tip = (sql: string) => adviceTipAnswer(advice.get(sql), decider.advice.get(sql), { minCostReduction: 0.3, sizeSetting: 'pgLens.index.maxTableSizeMb' });

    // A panel opened now waits: its tip says "Checking …".
    assert.equal(tip(refunds), ADVICE_PENDING);
    // The plans feature's listener (answerWaiting): the answer as it reads it at the moment it is told.
    const told: { answer: string; whileDeciding: boolean }[] = [];
    let returned = false;
    const listening = advice.onSet((sql) => {
      if (sql === refunds) told.push({ answer: tip(sql), whileDeciding: !returned });
    });
    const analyzer = missingIndexAnalyzer(decider, {
      advice,
      statements: async () => ws.statements(top),
      // indexAdvice.ts applyDecision: the decision's advice kept for every statement it names.
      onDecision: (d) => keepDecision(decider, advice, d, (sql) => sites.some((s) => s.sql === sql)),
    });
    // Before: nothing told the panel; it looked again a second later (ADVICE_FOLLOW_MS) — here no one looks.
    await analyzer.analyze({ file, text, language: file, sites });
    returned = true;
    assert.ok(told.length >= 1, 'the decision keeping the refunds read\'s advice told its waiter');
    assert.ok(told[0].whileDeciding, 'told as the decision kept it, before analyze returned');
    assert.notEqual(told[0].answer, ADVICE_PENDING, 'told once the answer exists');
    assert.match(told[0].answer, /proposes .*orders \(status/, told[0].answer);
    // Disposed (no panel waits): not told again.
    listening.dispose();
    const before = told.length;
    advice.set(refunds, advice.get(refunds)!);
    assert.equal(told.length, before);
  });
});
