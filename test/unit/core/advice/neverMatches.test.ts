/**
 * Issue 20, L-2: a statement that can never return a row (`status = 'shiped'` against a CHECK list) or that always fails
 * (an enum label PostgreSQL rejects) gets no index and votes for none. The judgement is the value-not-allowed rule's (its
 * finding's `statement` evidence), asked on the catalog facts the advisor reads; its answer is one phrase, said where the
 * statement's own advice would have been (the plan's tip here).
 */
import * as assert from 'node:assert/strict';
import { neverMatchesAnswer, neverMatchingFinding } from '../../../../src/core/advice/neverMatches';
import { adviceTipAnswer } from '../../../../src/core/advice/missingIndex';
import { allowedValuesOf } from '../../../../src/core/allowedValues';
import { facts } from '../rules/helpers';

const ev = facts({ orders: { rows: 1e5, cols: { id: 'int8 idx', status: 'text', kind: 'order_kind', customer_id: 'int8' } } });
const orders = ev.table!('orders')!;
orders.columns.find((c) => c.name === 'status')!.allowed = allowedValuesOf('status', undefined, [{ name: 'orders_status_check', def: "CHECK ((status = ANY (ARRAY['paid'::text, 'shipped'::text])))" }]);
orders.columns.find((c) => c.name === 'kind')!.allowed = allowedValuesOf('kind', { name: 'order_kind', labels: ['retail', 'wholesale'] }, []);
const tables = [orders];

describe('core/advice/neverMatches: a statement that can never match a row, or always fails, gets no index (issue 20, L-2)', () => {
  it("the rule's finding decides: a never-true condition ANDed into the WHERE (no rows), an enum label PostgreSQL rejects (fails)", () => {
    const never = neverMatchingFinding("SELECT id FROM orders WHERE status = 'shiped' AND customer_id = $1 ORDER BY id LIMIT 20", tables);
    assert.equal(never?.ruleId, 'value-not-allowed');
    assert.equal(never?.evidence?.statement, 'no-rows');
    assert.equal(neverMatchesAnswer(never!), "No index: this statement can never match a row ('shiped' is not a value status can hold) — see value-not-allowed.");
    const fails = neverMatchingFinding("UPDATE orders SET customer_id = 1 WHERE kind = 'retial' OR id = $1", tables);
    assert.equal(fails?.evidence?.statement, 'fails');
    assert.equal(neverMatchesAnswer(fails!), "No index: this statement always fails ('retial' is not a label of the enum order_kind) — see value-not-allowed.");
  });

  it('a never-true condition that is not the whole WHERE (an OR, a subquery, an IN list with an allowed value), or an allowed value: the statement can match, its advice stands', () => {
    for (const sql of [
      "SELECT id FROM orders WHERE status = 'shipped'",
      "SELECT id FROM orders WHERE status = 'shiped' OR customer_id = $1",
      "SELECT id FROM orders WHERE status IN ('shiped', 'shipped')",
      "SELECT id FROM orders WHERE customer_id = $1 AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.status = 'shiped')",
      'SELECT id FROM orders WHERE status = $1',
    ]) assert.equal(neverMatchingFinding(sql, tables), undefined, sql);
    // Without the catalog's allowed values nothing is known.
    assert.equal(neverMatchingFinding("SELECT id FROM orders WHERE status = 'shiped'", []), undefined);
  });

  it("the plan's tip says the one phrase, not an index (and not \"No index\" twice)", () => {
    const message = neverMatchesAnswer(neverMatchingFinding("SELECT id FROM orders WHERE status = 'shiped'", tables)!);
    const own = { status: 'not-analysed', message, considered: 0, tried: [] };
    assert.equal(adviceTipAnswer({ suggestions: [] }, own, { minCostReduction: 0.3, sizeSetting: 's' }), "No index for it: this statement can never match a row ('shiped' is not a value status can hold) — see value-not-allowed");
  });
});
