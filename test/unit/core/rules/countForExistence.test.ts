import * as assert from 'node:assert/strict';
import { countForExistence as rule } from '../../../../src/core/rules/countForExistence';
import { parseOne } from '../../../../src/core/sql/parse';
import { error, fixed, flagged, ok } from './helpers';

describe('rule count-for-existence', () => {
  it('reports SELECT count(*) > 0 and rewrites it with EXISTS', () => {
    const f = error(rule, 'SELECT count(*) > 0 FROM orders WHERE user_id = $1');
    assert.equal(flagged(f), 'count(*) > 0');
    const sql = fixed(f);
    assert.equal(sql, 'SELECT EXISTS (SELECT 1 FROM orders WHERE user_id = $1)');
    assert.ok(parseOne(sql));
  });
  it('rewrites a counting subquery compared with 0, and = 0 as NOT EXISTS', () => {
    assert.equal(fixed(error(rule, 'SELECT id FROM users u WHERE (SELECT count(*) FROM orders o WHERE o.user_id = u.id) > 0')), 'SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id)');
    assert.equal(fixed(error(rule, 'SELECT id FROM users u WHERE (SELECT count(*) FROM orders o WHERE o.user_id = u.id) = 0')), 'SELECT id FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id)');
    error(rule, 'SELECT count(*) >= 1 FROM orders');
    error(rule, 'SELECT 0 < count(*) FROM orders');
  });
  it('accepts real counts, thresholds other than existence and grouped counts', () => {
    ok(rule, 'SELECT count(*) FROM orders WHERE user_id = $1');
    ok(rule, 'SELECT count(*) > 5 FROM orders');
    ok(rule, 'SELECT user_id FROM orders GROUP BY user_id HAVING count(*) > 0');
    ok(rule, 'SELECT EXISTS (SELECT 1 FROM orders WHERE user_id = $1)');
  });
});
