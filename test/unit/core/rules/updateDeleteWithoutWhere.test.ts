import * as assert from 'node:assert/strict';
import { updateDeleteWithoutWhere as rule } from '../../../../src/core/rules/updateDeleteWithoutWhere';
import { error, facts, flagged, ok } from './helpers';

describe('rule update-delete-without-where', () => {
  it('reports DELETE and UPDATE without WHERE, in code and in .sql files', () => {
    const d = error(rule, 'DELETE FROM users');
    assert.match(d.message, /DELETE without WHERE changes every row of users/);
    assert.equal(d.severity, 'error');
    assert.equal(flagged(d), 'DELETE FROM users');
    assert.match(error(rule, 'UPDATE public.users SET active = false', { sqlFile: true }).message, /UPDATE without WHERE .* public\.users/);
  });
  it('says how many rows with catalog facts', () => {
    assert.match(error(rule, 'DELETE FROM users', { evidence: facts({ users: { rows: 120000, cols: { id: 'int8 idx' } } }) }).message, /about 120k rows/);
  });
  it('accepts statements with a WHERE clause and other statements', () => {
    ok(rule, 'DELETE FROM users WHERE id = $1');
    ok(rule, 'UPDATE users SET a = 1 WHERE true');
    ok(rule, 'SELECT * FROM users');
    ok(rule, 'INSERT INTO users (id) VALUES ($1)');
  });
});
