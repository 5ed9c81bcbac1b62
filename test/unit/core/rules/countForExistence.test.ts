import * as assert from 'node:assert/strict';
import { countForExistence as rule } from '../../../../src/core/rules/countForExistence';
import { parseOne } from '../../../../src/core/sql/parse';
import { error, facts, fixed, flagged, ok } from './helpers';

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

describe('rule count-for-existence: severity follows the rows counted (issue 14, session 26)', () => {
  it('without a database a note that how many rows it counts is unproved; with one, nothing under 1,000 rows and a warning that quotes the size over; a key pin stays a note', () => {
    const sql = 'SELECT count(*) > 0 FROM routes WHERE participant = $1 AND status = $2';
    const note = error(rule, sql);
    assert.equal(note.severity, 'info');
    assert.equal(note.evidence?.size, 'unproved');
    assert.match(note.message, /EXISTS stops at the first\. How many rows it counts is unproved here \(no table size without a database\): a problem once thousands of rows match; connect a database for the table's size\.$/);
    assert.equal(fixed(note), 'SELECT EXISTS (SELECT 1 FROM routes WHERE participant = $1 AND status = $2)');
    ok(rule, sql, { evidence: facts({ routes: { rows: 300, cols: { participant: 'int8 idx' } } }) });
    const warn = error(rule, sql, { evidence: facts({ routes: { rows: 2e6, cols: { participant: 'int8 idx' } } }) });
    assert.equal(warn.severity, 'warning');
    assert.match(warn.message, / \(about 2M rows\)\.$/);
    // A correlated count per outer row: the counted table decides.
    assert.equal(error(rule, 'SELECT id FROM wallets w WHERE (SELECT count(*) FROM payments p WHERE p.wallet_id = w.id) = 0', { evidence: facts({ wallets: { rows: 10, cols: {} }, payments: { rows: 5e5, cols: {} } }) }).severity, 'warning');
    // A table the catalog does not know: unproved.
    assert.equal(error(rule, sql, { evidence: facts({ other: { rows: 5e5, cols: {} } }) }).severity, 'info');
    assert.equal(error(rule, 'SELECT count(*) > 0 FROM orders WHERE id = $1').severity, 'info');
  });
});
