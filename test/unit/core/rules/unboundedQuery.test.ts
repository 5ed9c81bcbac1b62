import * as assert from 'node:assert/strict';
import { unboundedQuery as rule } from '../../../../src/core/rules/unboundedQuery';
import { error, facts, flagged, ok } from './helpers';

describe('rule unbounded-query', () => {
  it('statically: a SELECT with neither WHERE nor LIMIT in application code is only a hint (the table size is unknown)', () => {
    const f = error(rule, 'SELECT id, email FROM users ORDER BY id');
    assert.equal(flagged(f), 'users');
    assert.equal(f.severity, 'hint');
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
  it('a WHERE the planner has no statistics for (a CASE, a test of a parameter alone): its estimate is a guess, not evidence', () => {
    // listmonk: a subscriber looked up by id, uuid or email through a CASE was "about 50k rows" — the default selectivity.
    ok(rule, "SELECT id FROM subscribers WHERE CASE WHEN $1 > 0 THEN id = $1 WHEN $2 != '' THEN uuid = $2 ELSE email = $3 END", { evidence: facts({}, { rows: 50000 }) });
    ok(rule, 'SELECT id FROM warnings WHERE ($1::text IS NULL OR type = $1)', { evidence: facts({}, { rows: 40000 }) });
    // Plain comparisons of columns: the planner's figure is evidence.
    error(rule, 'SELECT id FROM orders WHERE user_id = $1 OR status = $2', { evidence: facts({}, { rows: 40000 }) });
  });
  it('a table never analysed: judged on the estimate from its size, and the message says so', () => {
    const f = error(rule, 'SELECT id FROM orders', { evidence: facts({ orders: { rows: 40000, analysed: false, cols: { id: 'int8 idx' } } }) });
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /about 40k rows .*\(estimated from the size of orders: never analysed\)/);
    ok(rule, 'SELECT id FROM orders', { evidence: facts({ orders: { rows: 0, analysed: false, cols: { id: 'int8 idx' } } }) });
  });
});

describe('rule unbounded-query: small tables by convention, grouped counts', () => {
  it('does not report a schema version or settings table, nor a count per group', () => {
    ok(rule, 'SELECT version FROM schema_version');
    ok(rule, 'SELECT id, uid FROM idp ORDER BY id');
    ok(rule, 'SELECT status, count(*) FROM entries GROUP BY status');
  });
});

describe('rule unbounded-query: CTEs and pinned joins (real-app kinds)', () => {
  it('a CTE that writes, filters or limits bounds what the final SELECT reads from it', () => {
    ok(rule, 'WITH camp AS (INSERT INTO campaigns (name) VALUES ($1) RETURNING id) SELECT id FROM camp');
    ok(rule, 'WITH sel AS (SELECT * FROM users WHERE id = $1) SELECT sel.*, r.name FROM sel LEFT JOIN roles r ON r.id = sel.role_id');
    ok(rule, 'WITH subs AS (SELECT id FROM subscribers ORDER BY id LIMIT $1) SELECT * FROM subs');
    ok(rule, 'WITH ids AS (SELECT id FROM UNNEST($1::int[]) AS id) SELECT x.id FROM (SELECT id FROM ids) x');
  });
  it('a CTE that reads a whole table does not hide it', () => {
    assert.equal(flagged(error(rule, 'WITH everyone AS (SELECT id FROM users) SELECT id FROM everyone JOIN orders o ON o.user_id = everyone.id')), 'everyone');
  });
  it('an inner join pinned to a parameter filters like WHERE; a left join does not', () => {
    ok(rule, 'SELECT c.id, c.body FROM comments c INNER JOIN articles a ON c.article_id = a.id AND (a.slug = $1)');
    ok(rule, 'SELECT t.tag FROM tags t JOIN articles_to_tags att ON t.tag = att.tag AND att.article_id = (SELECT id FROM articles WHERE slug = $1)');
    error(rule, 'SELECT c.id FROM comments c LEFT JOIN articles a ON c.article_id = a.id AND a.slug = $1');
  });
});
