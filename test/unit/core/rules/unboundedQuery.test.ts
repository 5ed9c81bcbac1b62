import * as assert from 'node:assert/strict';
import { unboundedQuery as rule } from '../../../../src/core/rules/unboundedQuery';
import { error, facts, flagged, ok } from './helpers';

describe('rule unbounded-query', () => {
  it('statically: reports a SELECT with neither WHERE nor LIMIT in application code', () => {
    const f = error(rule, 'SELECT id, email FROM users ORDER BY id');
    assert.equal(flagged(f), 'users');
    assert.equal(f.severity, 'info');
  });
  it('accepts LIMIT, FETCH FIRST, aggregates, filtered queries and .sql files', () => {
    ok(rule, 'SELECT id FROM users LIMIT 10');
    ok(rule, 'SELECT id FROM users FETCH FIRST 10 ROWS ONLY');
    ok(rule, 'SELECT count(*) FROM users');
    ok(rule, 'SELECT id FROM users WHERE email = $1');
    ok(rule, 'SELECT id FROM users', { sqlFile: true });
    ok(rule, 'SELECT 1');
  });
  it('with evidence: uses the plan estimate or table size', () => {
    assert.match(error(rule, 'SELECT id FROM orders WHERE user_id = $1', { evidence: facts({}, { rows: 25000 }) }).message, /about 25k rows/);
    ok(rule, 'SELECT id FROM orders WHERE user_id = $1', { evidence: facts({}, { rows: 3 }) });
    ok(rule, 'SELECT id FROM countries', { evidence: facts({ countries: { rows: 250, cols: { id: 'int4 idx' } } }) });
    assert.equal(error(rule, 'SELECT id FROM orders', { evidence: facts({ orders: { rows: 5e6, cols: { id: 'int8 idx' } } }) }).severity, 'warning');
  });
});

describe('rule unbounded-query: small tables by convention, grouped counts', () => {
  it('does not report a schema version or settings table, nor a count per group', () => {
    ok(rule, 'SELECT version FROM schema_version');
    ok(rule, 'SELECT id, uid FROM idp ORDER BY id');
    ok(rule, 'SELECT status, count(*) FROM entries GROUP BY status');
  });
});
