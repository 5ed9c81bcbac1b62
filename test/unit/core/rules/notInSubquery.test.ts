import * as assert from 'node:assert/strict';
import { notInSubquery as rule } from '../../../../src/core/rules/notInSubquery';
import { parseOne } from '../../../../src/core/sql/parse';
import { error, facts, fixed, flagged, ok } from './helpers';

describe('rule not-in-subquery', () => {
  it('reports NOT IN (SELECT …) and rewrites it as NOT EXISTS', () => {
    const f = error(rule, 'SELECT u.id FROM users u WHERE u.id NOT IN (SELECT o.user_id FROM orders o WHERE o.status = $1) AND u.active');
    assert.equal(flagged(f), 'u.id NOT IN (SELECT o.user_id FROM orders o WHERE o.status = $1');
    assert.match(f.message, /returns no rows at all if the subquery yields a single NULL/);
    const sql = fixed(f);
    assert.equal(sql, 'SELECT u.id FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE (o.status = $1) AND o.user_id = u.id) AND u.active');
    assert.ok(parseOne(sql));
  });
  it('qualifies an unqualified subquery column with its table', () => {
    const f = error(rule, 'SELECT u.id FROM users u WHERE u.id NOT IN (SELECT user_id FROM orders)');
    assert.equal(fixed(f), 'SELECT u.id FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders WHERE orders.user_id = u.id)');
  });
  it('reports without a fix when the outer column is unqualified (it could be captured by the subquery)', () => {
    assert.deepEqual(error(rule, 'SELECT id FROM users WHERE id NOT IN (SELECT user_id FROM orders)').fixes, []);
  });
  it('accepts NOT IN lists, IN subqueries and NOT EXISTS', () => {
    ok(rule, 'SELECT id FROM users WHERE id NOT IN (1, 2, 3)');
    ok(rule, 'SELECT id FROM users WHERE id IN (SELECT user_id FROM orders)');
    ok(rule, 'SELECT id FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id)');
  });
  it('with catalog facts: a NOT NULL subquery column leaves only the planning problem (info)', () => {
    const f = error(rule, 'SELECT u.id FROM users u WHERE u.id NOT IN (SELECT o.user_id FROM orders o)', { evidence: facts({ orders: { rows: 1e6, cols: { user_id: 'int8 notnull' } } }) });
    assert.equal(f.severity, 'info');
    assert.match(f.message, /anti-join/);
  });
});

describe('rule not-in-subquery: a subquery with no FROM over the caller\'s values (rules-n)', () => {
  it('`NOT IN (SELECT unnest($2::TEXT[]))` reads no table: info with the reason; a select-list subquery that reads a column stays a warning', () => {
    // NodeBB's listRemoveAll: the array of values to remove, passed by the caller.
    const f = error(rule, `UPDATE "legacy_list" l SET "array" = ARRAY(SELECT elem FROM UNNEST(l."array") elem WHERE elem NOT IN (SELECT unnest($2::TEXT[]))) WHERE l."_key" = $1::TEXT`);
    assert.equal(f.severity, 'info');
    assert.equal(f.evidence?.subqueryReadsTable, false);
    assert.equal(error(rule, 'SELECT id FROM a WHERE x NOT IN (SELECT $1::int)').severity, 'info');
    assert.equal(error(rule, 'SELECT id FROM a WHERE x NOT IN (SELECT y FROM b)').severity, 'warning');
  });
});

describe('rule not-in-subquery: a subquery whose own join or WHERE equates its column (issue 14, session 26)', () => {
  it('`ON ii.id = ie.id` drops the NULLs of ie.id: narrowed by a WHERE it is a note; over the whole join it keeps its warning (the hashed list); an outer join proves nothing', () => {
    // Fineract's Spring Batch stuck-job check: JOB_INSTANCE_ID of the executions joined to their instances.
    const narrowed = error(rule, 'SELECT e.id FROM execs e WHERE e.instance_id NOT IN (SELECT ie.instance_id FROM instances ii INNER JOIN execs ie ON ii.instance_id = ie.instance_id WHERE ie.status IN ($1, $2))');
    assert.equal(narrowed.severity, 'info');
    assert.equal(narrowed.evidence?.subqueryColumnNullable, false);
    assert.match(narrowed.message, /anti-join/);
    const whole = error(rule, 'SELECT e.id FROM execs e WHERE e.instance_id NOT IN (SELECT ie.instance_id FROM instances ii JOIN execs ie ON ii.instance_id = ie.instance_id)');
    assert.equal(whole.severity, 'warning');
    assert.equal(whole.evidence?.subqueryColumnNullable, false);
    const outer = error(rule, 'SELECT e.id FROM execs e WHERE e.instance_id NOT IN (SELECT ie.instance_id FROM instances ii LEFT JOIN execs ie ON ii.instance_id = ie.instance_id WHERE ie.status = $1)');
    assert.equal(outer.severity, 'warning');
    assert.equal(outer.evidence?.subqueryColumnNullable, null);
    // Another column equated: the subquery's own column may still be NULL.
    assert.equal(error(rule, 'SELECT e.id FROM execs e WHERE e.x NOT IN (SELECT ie.x FROM instances ii JOIN execs ie ON ii.instance_id = ie.instance_id WHERE ie.status = $1)').severity, 'warning');
  });
});
