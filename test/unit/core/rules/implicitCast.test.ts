import * as assert from 'node:assert/strict';
import { castsColumn, implicitCast as rule } from '../../../../src/core/rules/implicitCast';
import { error, facts, flagged, ok } from './helpers';

const ev = facts({ orders: { rows: 1e6, cols: { id: 'int8 idx', code: 'bpchar idx', total: 'numeric idx', note: 'int4' } } });

describe('rule implicit-cast', () => {
  it('with column types: integer column vs numeric, char(n) vs text', () => {
    const f = error(rule, 'SELECT 1 FROM orders WHERE id = $1::numeric', { evidence: ev });
    assert.equal(flagged(f), 'id = $1::numeric');
    assert.match(f.message, /int8 = numeric is evaluated as int8::numeric/);
    error(rule, 'SELECT 1 FROM orders WHERE id = 42.0', { evidence: ev });
    error(rule, 'SELECT 1 FROM orders WHERE code = $1::text', { evidence: ev });
    error(rule, 'SELECT 1 FROM orders WHERE id IN (1.5, 2.5)', { evidence: ev });
  });
  it('with column types: same-family comparisons use the index', () => {
    ok(rule, 'SELECT 1 FROM orders WHERE id = $1::int4', { evidence: ev });
    ok(rule, "SELECT 1 FROM orders WHERE code = 'AB'", { evidence: ev });
    ok(rule, 'SELECT 1 FROM orders WHERE total = 1.5', { evidence: ev });
    ok(rule, 'SELECT 1 FROM orders WHERE note = 1.5', { evidence: ev }); // not indexed: nothing to lose
  });
  it('statically: a decimal literal against an *_id column', () => {
    assert.equal(error(rule, 'SELECT 1 FROM orders WHERE user_id = 42.0').severity, 'info');
    ok(rule, 'SELECT 1 FROM orders WHERE price = 42.0');
    ok(rule, 'SELECT 1 FROM orders WHERE user_id = $1');
  });
  it('castsColumn knows the classic cases', () => {
    assert.ok(castsColumn('int4', 'numeric'));
    assert.ok(castsColumn('bpchar', 'text'));
    assert.equal(castsColumn('int4', 'int8'), undefined);
    assert.equal(castsColumn('timestamptz', 'date'), undefined);
  });
});
