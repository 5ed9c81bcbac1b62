import * as assert from 'node:assert/strict';
import { offsetPagination as rule } from '../../../../src/core/rules/offsetPagination';
import { parseOne } from '../../../../src/core/sql/parse';
import { error, facts, flagged, ok } from './helpers';

describe('rule offset-pagination', () => {
  it('reports a variable OFFSET and suggests the keyset rewrite', () => {
    const f = error(rule, 'SELECT id, total FROM orders WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 20 OFFSET $2');
    assert.equal(flagged(f), '$2');
    const sql = f.evidence?.rewrittenSql as string;
    assert.equal(sql, 'SELECT id, total FROM orders WHERE (user_id = $1) AND (created_at, id) < ($2, $3) ORDER BY created_at DESC, id DESC LIMIT 20');
    assert.ok(parseOne(sql), 'the rewritten SQL parses');
    assert.match(f.help ?? '', /keyset pagination/);
  });
  it('adds a WHERE when there is none, with > for ascending order', () => {
    const f = error(rule, 'SELECT * FROM events ORDER BY id LIMIT 50 OFFSET 5000');
    assert.equal(f.evidence?.rewrittenSql, 'SELECT * FROM events WHERE id > $1 ORDER BY id LIMIT 50');
    assert.match(f.message, /OFFSET 5000 makes PostgreSQL read and discard 5k rows/);
  });
  it('a FROM or WHERE that ends in a parenthesised sub-select: the condition goes after it, not inside (fastapi-realworld\'s feed query)', () => {
    const feed = `SELECT a.id, a.slug FROM articles a
         INNER JOIN followers_to_followings f ON
        f.following_id = a.author_id AND
        f.follower_id = (SELECT id FROM users WHERE username = $1)
ORDER BY a.created_at
LIMIT $2
OFFSET
$3`;
    const sql = error(rule, feed).evidence?.rewrittenSql as string;
    assert.ok(sql.includes('f.follower_id = (SELECT id FROM users WHERE username = $1) WHERE a.created_at > $3'), sql);
    assert.ok(parseOne(sql), 'the rewritten SQL parses');
    const where = error(rule, 'SELECT id FROM articles WHERE author_id = (SELECT id FROM users WHERE username = $1) ORDER BY id LIMIT 20 OFFSET $2').evidence?.rewrittenSql as string;
    assert.equal(where, 'SELECT id FROM articles WHERE (author_id = (SELECT id FROM users WHERE username = $1)) AND id > $2 ORDER BY id LIMIT 20');
  });
  it('explains instead of rewriting when there is no ORDER BY, or mixed directions', () => {
    const f = error(rule, 'SELECT * FROM events LIMIT 50 OFFSET $1');
    assert.equal(f.evidence?.rewrittenSql, undefined);
    assert.match(f.help ?? '', /no ORDER BY/);
    assert.match(error(rule, 'SELECT * FROM events ORDER BY a ASC, b DESC LIMIT 5 OFFSET $1').help ?? '', /Mixed ASC\/DESC/);
  });
  it('ignores small literal offsets and queries without OFFSET', () => {
    ok(rule, 'SELECT * FROM events ORDER BY id LIMIT 50 OFFSET 100');
    ok(rule, 'SELECT * FROM events ORDER BY id LIMIT 50');
    ok(rule, 'DELETE FROM events WHERE id = 1');
  });
  it('with catalog facts: small tables are fine, large ones are named', () => {
    ok(rule, 'SELECT * FROM tags ORDER BY id LIMIT 10 OFFSET $1', { evidence: facts({ tags: { rows: 40, cols: { id: 'int4 idx' } } }) });
    assert.match(error(rule, 'SELECT * FROM events ORDER BY id LIMIT 10 OFFSET $1', { evidence: facts({ events: { rows: 2.5e6, cols: { id: 'int8 idx' } } }) }).message, /about 2.5M rows/);
  });
  it('pages inside a WITH statement or a subquery are pages too (rules-m: Marquez\'s JDBI queries open with CTEs)', () => {
    const withPage = error(rule, 'WITH t AS (SELECT job_uuid, count(*) AS n FROM runs GROUP BY job_uuid) SELECT j.name, t.n FROM jobs j LEFT JOIN t ON t.job_uuid = j.uuid WHERE j.namespace_name = $1 ORDER BY j.updated_at DESC LIMIT $2 OFFSET $3');
    assert.equal(flagged(withPage), '$3');
    assert.match(withPage.evidence?.rewrittenSql as string, /^WITH t AS .* WHERE \(j\.namespace_name = \$1\) AND j\.updated_at < \$3 ORDER BY j\.updated_at DESC LIMIT \$2$/s);
    const inner = error(rule, 'SELECT d.* FROM datasets d WHERE d.uuid IN (SELECT uuid FROM datasets WHERE namespace_name = $1 ORDER BY name LIMIT 10 OFFSET $2) ORDER BY d.name');
    assert.equal(flagged(inner), '$2');
    ok(rule, 'WITH t AS (SELECT id FROM jobs ORDER BY id LIMIT 10 OFFSET 20) SELECT * FROM t');
  });
});

describe('rule offset-pagination: severity follows evidence of the list\'s size (issue 14, session 25)', () => {
  it('without a database, a page by a variable OFFSET is a note that says its size is unproved', () => {
    // rules-m/rules-l: Marquez's sources and tags, Harbor's members of one project — tens of rows; nothing in the
    // statement tells them from a growing list, so no warning rests on the shape alone.
    for (const sql of [
      'SELECT * FROM sources ORDER BY name LIMIT $1 OFFSET $2',
      'SELECT id, total FROM orders WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 20 OFFSET $2',
    ]) {
      const f = error(rule, sql);
      assert.equal(f.severity, 'info', sql);
      assert.equal(f.evidence?.size, 'unproved');
      assert.match(f.message, /unproved here \(no table size without a database\)/);
      assert.ok(f.evidence?.rewrittenSql, 'the keyset rewrite is still offered');
    }
  });
  it('warns where there is evidence: the table size from a database, or a literal OFFSET of 1,000 or more', () => {
    const big = error(rule, 'SELECT * FROM events ORDER BY id LIMIT 10 OFFSET $1', { evidence: facts({ events: { rows: 2.5e6, cols: { id: 'int8 idx' } } }) });
    assert.equal(big.severity, 'warning');
    assert.equal(big.evidence?.size, undefined);
    const literal = error(rule, 'SELECT * FROM events ORDER BY id LIMIT 50 OFFSET 5000');
    assert.equal(literal.severity, 'warning');
    ok(rule, 'SELECT * FROM tags ORDER BY id LIMIT 10 OFFSET $1', { evidence: facts({ tags: { rows: 40, cols: { id: 'int4 idx' } } }) });
  });
});

describe('rule offset-pagination: an OFFSET that slices a value, not a table (rules-n)', () => {
  it('a page of UNNEST(one row\'s array), a series or a JSON array is not reported; a page of a table or a function that may read one is', () => {
    // NodeBB's lists live in one row's array; getListRange slices it with LIMIT/OFFSET inside ARRAY(SELECT …).
    ok(rule, `SELECT ARRAY(SELECT m.m FROM UNNEST(l."array") WITH ORDINALITY m(m, i) ORDER BY m.i ASC LIMIT ($3::INTEGER - $2::INTEGER) OFFSET $2::INTEGER) l FROM "legacy_object_live" o INNER JOIN "legacy_list" l ON o."_key" = l."_key" WHERE o."_key" = $1::TEXT`);
    ok(rule, 'SELECT x FROM generate_series(1, $1) x ORDER BY x LIMIT 10 OFFSET $2');
    ok(rule, 'SELECT e FROM jsonb_array_elements($1::jsonb) e LIMIT 10 OFFSET $2');
    assert.equal(flagged(error(rule, 'SELECT * FROM search_objects($1) LIMIT 10 OFFSET $2')), '$2');
    assert.equal(flagged(error(rule, 'SELECT t.id FROM unnest($1::int[]) k(id) JOIN things t ON t.id = k.id ORDER BY t.id LIMIT 10 OFFSET $2')), '$2');
  });
});


describe('rule offset-pagination: keys of a parent that a join fans out (rules-n)', () => {
  it('`o._key = ANY($1)` joined to the members it owns, selecting only the members, pages the members: not rows named by key', () => {
    // NodeBB's getSortedSetRange: the keys name sorted sets (a category's topics), the page is their members.
    const sets = error(rule, `SELECT z."value", z."score" FROM "legacy_object_live" o INNER JOIN "legacy_zset" z ON o."_key" = z."_key" AND o."type" = z."type" WHERE o."_key" = ANY($1::TEXT[]) ORDER BY z."score" DESC LIMIT $3::INTEGER OFFSET $2::INTEGER`);
    assert.equal(sets.evidence?.namedBy, undefined);
    assert.equal(sets.evidence?.size, 'unproved');
    // The keyed table's own rows (selected from it) are still rows the caller names.
    assert.equal(error(rule, 'SELECT w.id, a.name FROM work w JOIN author a ON a.id = w.author_id WHERE w.id = ANY($1) ORDER BY w.id LIMIT $2 OFFSET $3').evidence?.namedBy, 'w.id');
    assert.equal(error(rule, 'SELECT id FROM work WHERE id = ANY($1) ORDER BY id LIMIT $2 OFFSET $3').evidence?.namedBy, 'id');
  });
});
