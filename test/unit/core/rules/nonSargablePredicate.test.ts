import * as assert from 'node:assert/strict';
import { nonSargablePredicate as rule } from '../../../../src/core/rules/nonSargablePredicate';
import { parseOne } from '../../../../src/core/sql/parse';
import { checkSite } from '../../../../src/core/rules/engine';
import { error, facts, fixed, flagged, ok } from './helpers';

const users = facts({ users: { rows: 1e6, cols: { id: 'int8 idx', email: 'text idx', created_at: 'timestamptz idx', nickname: 'text' } } });

describe('rule non-sargable-predicate', () => {
  it('the expression index it advises has no alias in it (`lower(u.email)` → `lower(email)`)', () => {
    assert.match(error(rule, 'SELECT u.id FROM users u WHERE lower(u.email) = $1').help ?? '', /ON users \(lower\(email\)\)/);
  });
  it('reports lower(col) =, col::text = and date(col) =', () => {
    const a = error(rule, 'SELECT id FROM users WHERE lower(email) = $1');
    assert.equal(flagged(a), 'lower(email)');
    assert.match(a.help ?? '', /expression index ON users \(lower\(email\)\)/);
    assert.equal(flagged(error(rule, 'SELECT id FROM users WHERE id::text = $1')), 'id::text');
    assert.equal(flagged(error(rule, "SELECT id FROM users WHERE date(created_at) = '2024-01-01'")), 'date(created_at)');
    assert.equal(flagged(error(rule, 'SELECT id FROM users WHERE id + 1 = $1')), 'id + 1');
    // The column may stand on either side of the arithmetic; arithmetic over two columns hides no single one.
    assert.equal(flagged(error(rule, 'SELECT id FROM users WHERE $1 = 2 * id')), '2 * id');
    ok(rule, 'SELECT 1 FROM a JOIN b ON a.x + b.y = 3');
  });
  it('rewrites date(col) = value as a range on the column', () => {
    const f = error(rule, 'SELECT id FROM users WHERE date(created_at) = $1 AND active');
    const sql = fixed(f);
    assert.equal(sql, 'SELECT id FROM users WHERE created_at >= ($1)::date AND created_at < ($1)::date + 1 AND active');
    assert.ok(parseOne(sql));
    assert.equal(fixed(error(rule, 'SELECT 1 FROM t WHERE t.ts::date = $2')), 'SELECT 1 FROM t WHERE t.ts >= ($2)::date AND t.ts < ($2)::date + 1');
  });
  it('ignores join conditions, select lists and plain comparisons', () => {
    ok(rule, 'SELECT lower(email) FROM users WHERE email = $1');
    ok(rule, 'SELECT 1 FROM a JOIN b ON lower(a.x) = lower(b.x)');
    ok(rule, 'SELECT id FROM users WHERE created_at >= $1 AND email = lower($2)');
  });
  it('with catalog facts: silent for unindexed columns and matching expression indexes', () => {
    ok(rule, 'SELECT id FROM users WHERE lower(nickname) = $1', { evidence: users });
    ok(rule, 'SELECT id FROM users WHERE lower(email) = $1', { evidence: facts({ users: { rows: 1e6, cols: { email: 'text idx' }, expr: ['lower(email)'] } }) });
    const f = error(rule, 'SELECT id FROM users WHERE lower(email) = $1', { evidence: users });
    assert.doesNotMatch(f.message, /if it has one/);
  });
  it('offers no fix where the SQL is not verbatim in the file (a ? placeholder became $1)', () => {
    const fileText = 'cur.execute("SELECT id FROM users WHERE date(created_at) = ?", (day,))';
    const sql = 'SELECT id FROM users WHERE date(created_at) = $1';
    const start = fileText.indexOf('SELECT');
    const q = fileText.indexOf('?');
    const sourceMap = Array.from({ length: sql.length }, (_, i) => (i < sql.length - 2 ? start + i : q));
    const site = { file: 'app.py', language: 'python' as const, api: 'psycopg.execute', sql, sourceMap, span: { start, end: q + 1 }, params: [{ index: 1, source: '?', span: { start: q, end: q + 1 } }], confidence: 1, dynamic: false };
    const [f] = checkSite(site, [rule]);
    assert.equal(fileText.slice(f.span.start, f.span.end), 'date(created_at)');
    assert.deepEqual(f.fixes, []);
  });
});

describe('rule non-sargable-predicate: value = ANY(array column)', () => {
  it('without catalog facts it is silent: array columns are seldom indexed (taiga-back)', () => {
    ok(rule, 'UPDATE userstories SET tags = array_remove(tags, $2) WHERE project_id = $1 AND $2 = ANY(tags)');
  });
  it('with an indexed array column, advises containment (@>) that a GIN index serves, not an expression index on ANY(…)', () => {
    const f = error(rule, 'SELECT id FROM userstories WHERE project_id = $1 AND $2 = ANY(tags)', { evidence: facts({ userstories: { rows: 1e6, cols: { id: 'int8 idx', project_id: 'int8 idx', tags: '_text idx' } } }) });
    assert.match(f.help ?? '', /tags @> ARRAY\[\$2\].*GIN/);
    assert.doesNotMatch(f.help ?? '', /expression index/);
  });
});
