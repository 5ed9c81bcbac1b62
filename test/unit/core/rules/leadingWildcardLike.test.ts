import * as assert from 'node:assert/strict';
import { leadingWildcardLike as rule } from '../../../../src/core/rules/leadingWildcardLike';
import { error, facts, flagged, ok } from './helpers';

describe('rule leading-wildcard-like', () => {
  it("reports LIKE '%x', ILIKE '%x%' and '%' || $1", () => {
    assert.equal(flagged(error(rule, "SELECT id FROM users WHERE email LIKE '%@example.com'")), "email LIKE '%@example.com'");
    assert.match(error(rule, "SELECT id FROM users WHERE name ILIKE '%ann%'").help ?? '', /gin \(name gin_trgm_ops\)/);
    error(rule, "SELECT id FROM users WHERE name ILIKE '%' || $1 || '%'");
    error(rule, "SELECT id FROM users WHERE lower(name) LIKE '_nn%'");
  });
  it('accepts prefix patterns and parameters it cannot see', () => {
    ok(rule, "SELECT id FROM users WHERE email LIKE 'ann%'");
    ok(rule, 'SELECT id FROM users WHERE email LIKE $1');
    ok(rule, "SELECT '%x' LIKE '%x'");
  });
  it('with catalog facts: silent for trigram-indexed columns and small tables', () => {
    ok(rule, "SELECT id FROM users WHERE name LIKE '%a'", { evidence: facts({ users: { rows: 1e6, cols: { name: 'text trgm' } } }) });
    ok(rule, "SELECT id FROM users WHERE name LIKE '%a'", { evidence: facts({ users: { rows: 200, cols: { name: 'text' } } }) });
    assert.match(error(rule, "SELECT id FROM users WHERE name LIKE '%a'", { evidence: facts({ users: { rows: 3e6, cols: { name: 'text' } } }) }).message, /about 3M rows\)/);
    assert.match(error(rule, "SELECT id FROM users WHERE name LIKE '%a'", { evidence: facts({ users: { rows: 3e6, analysed: false, cols: { name: 'text' } } }) }).message, /about 3M rows, estimated from its size: never analysed\)/);
  });
});
