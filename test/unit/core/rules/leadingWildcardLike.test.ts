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
  it('the index it advises names the column without the statement\'s alias (person hour on ente: `u.email_hash` went into CREATE INDEX)', () => {
    const help = error(rule, "DELETE FROM users u WHERE u.email_hash LIKE '%deleted%'").help ?? '';
    assert.match(help, /CREATE INDEX ON users USING gin \(email_hash gin_trgm_ops\)/);
    assert.match(help, /reverse\(email_hash\)/);
    assert.match(error(rule, 'SELECT 1 FROM "Users" AS "U" WHERE lower("U"."Email") LIKE \'%x\'').help ?? '', /gin \(lower\("Email"\) gin_trgm_ops\)/);
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

describe('rule leading-wildcard-like: severity follows evidence of the table\'s size (issue 14, session 25)', () => {
  it('without a database the scan is a note that says the size is unproved; the advice stays', () => {
    const f = error(rule, "SELECT id FROM users WHERE name ILIKE '%' || $1 || '%'");
    assert.equal(f.severity, 'info');
    assert.equal(f.evidence?.size, 'unproved');
    assert.match(f.message, /How many rows it reads is unproved here \(no table size without a database\)/);
    assert.match(f.help ?? '', /gin_trgm_ops/);
  });
  it('a table the catalog does not know is unproved too; the catalog\'s row count keeps the warning', () => {
    const unknown = error(rule, "SELECT id FROM users WHERE name LIKE '%a'", { evidence: facts({ orders: { rows: 5e6, cols: { id: 'int8' } } }) });
    assert.equal(unknown.severity, 'info');
    const large = error(rule, "SELECT id FROM users WHERE name LIKE '%a'", { evidence: facts({ users: { rows: 20000, cols: { name: 'text' } } }) });
    assert.equal(large.severity, 'warning');
    assert.equal(large.evidence?.size, undefined);
  });
});
