import * as assert from 'node:assert/strict';
import { orAcrossColumns as rule } from '../../../../src/core/rules/orAcrossColumns';
import { declaredFindings, error, facts, flagged, ok } from './helpers';

const ev = facts({ users: { rows: 1e6, cols: { id: 'int8 idx', email: 'text idx', phone: 'text' } }, orders: { rows: 1e6, cols: { id: 'int8 idx', ref: 'text idx' } } });

describe('rule or-across-columns', () => {
  it('reports OR between different columns', () => {
    const f = error(rule, 'SELECT id FROM users WHERE email = $1 OR phone = $1');
    assert.equal(flagged(f), 'email = $1 OR phone = $1');
    assert.equal(f.severity, 'info');
  });
  it('accepts OR on one column, and ORs it cannot judge', () => {
    ok(rule, 'SELECT id FROM users WHERE id = 1 OR id = 2');
    ok(rule, 'SELECT id FROM users WHERE (a = 1 AND b = 2) OR c = 3');
    ok(rule, 'SELECT a = 1 OR b = 2 FROM users');
  });
  it('with catalog facts: names the unindexed column; silent when every column is indexed', () => {
    const f = error(rule, 'SELECT id FROM users WHERE email = $1 OR phone = $1', { evidence: ev });
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /phone has no index/);
    ok(rule, 'SELECT id FROM users WHERE email = $1 OR id = $2', { evidence: ev });
  });
  it('reports OR across joined tables even when both columns are indexed', () => {
    assert.match(error(rule, 'SELECT u.id FROM users u JOIN orders o ON o.id = u.id WHERE u.email = $1 OR o.ref = $2', { evidence: ev }).message, /different tables/);
  });
  it('is silent when the plan already combines indexes (BitmapOr)', () => {
    ok(rule, 'SELECT id FROM users WHERE email = $1 OR phone = $1', { evidence: facts({}, { nodeTypes: ['Bitmap Heap Scan', 'BitmapOr'] }) });
  });
});

describe('rule or-across-columns: lookups already pinned by a key', () => {
  it('does not report an OR filtering the rows an equality on a key already found', () => {
    ok(rule, "SELECT true FROM integrations WHERE user_id = $1 AND (pinboard_enabled = 't' OR wallabag_enabled = 't')");
  });
});

describe('rule or-across-columns: pinned ORs inside subqueries (real-app kind)', () => {
  it('an OR next to a key equality in a subquery WHERE is pinned like one at the top', () => {
    ok(rule, "SELECT (SELECT EXISTS(SELECT 1 FROM integrations WHERE user_id = $1 AND (pinboard_enabled = 't' OR wallabag_enabled = 't'))) AS has_integration");
    error(rule, "SELECT (SELECT EXISTS(SELECT 1 FROM integrations WHERE pinboard_enabled = 't' OR wallabag_enabled = 't')) AS any_integration");
  });
});

describe('rule or-across-columns: residual filters and derived columns (rules-c first look)', () => {
  it('an OR next to an equality on a looked-up column (= a parameter) is a residual filter', () => {
    ok(rule, "SELECT id FROM comments WHERE comments.domain = $1 AND comments.path = $2 AND (state = 'approved' OR commenterHex = $3)");
    ok(rule, "SELECT id FROM t_ds_project_parameter WHERE project_code = $1 AND (param_name LIKE $2 OR param_value LIKE $2)");
    // A constant on a column that is not a key does not pin the rows: still reported.
    error(rule, "SELECT id FROM users WHERE active = true AND (email = $1 OR phone = $2)");
  });
  it('does not report an OR over columns a CTE or a subquery computes', () => {
    ok(rule, 'WITH c AS (SELECT id, similarity(name, $1) AS ns, similarity(description, $1) AS ds FROM playlist) SELECT id FROM c WHERE ns > 0.1 OR ds > 0.1');
    ok(rule, 'SELECT id FROM (SELECT id, a + 1 AS x, b * 2 AS y FROM t) s WHERE x > 1 OR y > 2');
    ok(rule, 'WITH c AS (SELECT id, a AS x, b AS y FROM t) SELECT c.id FROM c WHERE c.x > 1 OR c.y > 2');
    // A table next to the CTE: its columns still count.
    error(rule, 'WITH c AS (SELECT 1) SELECT p.id FROM playlist p WHERE p.creator_id = $1 OR p.created_for_id = $1');
  });
});

describe('rule or-across-columns: an OR across the tables of a join (issue 20, person16 LOW 10)', () => {
  it('an OR in a JOIN … ON beside the join\'s own lookup only filters the rows that lookup found', () => {
    // ente's GetCollectionsSharedWithUser: the plan drives the join by collection_shares_to_user_id_index (1 row).
    ok(rule, `SELECT collections.collection_id FROM collections INNER JOIN users ON collections.owner_id = users.user_id
      INNER JOIN collection_shares ON collections.collection_id = collection_shares.collection_id AND collection_shares.to_user_id = $1
        AND (collection_shares.updation_time > $2 OR collections.updation_time > $2) AND users.encrypted_email IS NOT NULL AND app = $3`, { evidence: ev });
  });
  it('an OR across tables with an equality on a value elsewhere in the WHERE/ON is a residual filter', () => {
    ok(rule, 'SELECT u.id FROM users u JOIN orders o ON o.id = u.id AND o.ref = $1 WHERE u.email > $2 OR o.id > $3', { evidence: ev });
  });
  it('still reported when nothing else drives the join, with advice that can help (a UNION, not an index per column)', () => {
    const f = error(rule, 'SELECT u.id FROM users u JOIN orders o ON o.id = u.id WHERE u.email = $1 OR o.ref = $2', { evidence: ev });
    assert.match(f.message, /different tables/);
    assert.doesNotMatch(f.help ?? '', /Index every column/);
    assert.match(f.help ?? '', /UNION/);
  });
  it('an IS NULL on an outer-joined table keeps its unmatched rows: a filter after the join, not a lookup (rules-m: Marquez jobs with their last run)', () => {
    ok(rule, 'SELECT j.* FROM jobs j LEFT JOIN runs r ON r.uuid = j.current_run_uuid WHERE (r.current_run_state IN ($1, $2) OR r.uuid IS NULL) ORDER BY j.updated_at DESC LIMIT 10');
    ok(rule, 'SELECT j.* FROM runs r RIGHT JOIN jobs j ON r.uuid = j.current_run_uuid WHERE r.state = $1 OR r.uuid IS NULL');
    // The same OR over an inner join, or an IS NULL on the table the query reads, is still one.
    error(rule, 'SELECT j.* FROM jobs j JOIN runs r ON r.uuid = j.current_run_uuid WHERE r.current_run_state = $1 OR r.ended_at IS NULL');
    error(rule, 'SELECT id FROM users WHERE email = $1 OR phone IS NULL');
  });
});

describe('rule or-across-columns: ORs no index per column could serve (issue 14, session 25)', () => {
  it('an arm that is a leading-wildcard LIKE: that pattern decides the scan, an index per arm would not remove it', () => {
    ok(rule, "SELECT id FROM dashboard WHERE image = $1 OR configuration ILIKE '%' || $2 || '%' LIMIT 10");
    ok(rule, "SELECT id FROM widget_type WHERE image = $1 OR descriptor ILIKE CONCAT('%', $1, '%') LIMIT $2");
    ok(rule, "SELECT id FROM users WHERE email = $1 OR phone LIKE '%55'", { evidence: ev });
    // A prefix pattern can use an index: still reported.
    error(rule, "SELECT id FROM users WHERE email = $1 OR phone LIKE '55%'", { evidence: ev });
  });
  it('an arm that is an IS NOT NULL test matches most rows: no lookup to split the OR into', () => {
    ok(rule, "UPDATE outgoing_messages SET next_retry_at = null WHERE last_status = 'failed' AND retry_count >= 3 AND (cycle_id IS NOT NULL OR next_retry_at IS NOT NULL)");
    ok(rule, 'SELECT id FROM users WHERE email = $1 OR phone IS NOT NULL', { evidence: ev });
    // IS NULL picks the rows still missing a value, often few: still reported.
    error(rule, 'SELECT id FROM users WHERE email = $1 OR phone IS NULL', { evidence: ev });
  });
});

describe('rule or-across-columns: the whole-table read is warned only where the table is shown large (issue 14, session 25)', () => {
  const small = facts({ schedules: { rows: 40, cols: { id: 'int8 idx', entrypoint: 'text' } } });
  const large = facts({ schedules: { rows: 2e6, cols: { id: 'int8 idx', entrypoint: 'text' } } });
  it('with a database: a table under 1,000 rows is read in no time (no finding); a large one keeps the warning', () => {
    ok(rule, 'DELETE FROM schedules WHERE id = ANY($1) OR entrypoint = ANY($2)', { evidence: small });
    const f = error(rule, 'SELECT id FROM schedules WHERE id = $1 OR entrypoint = $2', { evidence: large });
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /about 2M rows/);
  });
  it('without a database, an OR over a column the schema files index nowhere is a note that the size is unproved', async () => {
    const schema = 'CREATE TABLE schedules (id bigint PRIMARY KEY, entrypoint text NOT NULL, expression text NOT NULL);';
    const got = await declaredFindings(['SELECT id FROM schedules WHERE id = $1 OR entrypoint = $2'], schema, [rule]);
    assert.deepEqual(got.map(([r, s]) => [r, s]), [['or-across-columns', 'info']]);
  });
});

describe('rule or-across-columns: evidence-led severity and correlated key lookups (rules27)', () => {
  it('is a warning by default only where a database shows the table large: without one, every finding is a note', async () => {
    assert.equal(rule.defaultSeverity, 'warning');
    assert.equal(error(rule, 'SELECT id FROM users WHERE email = $1 OR phone = $1').severity, 'info', 'no evidence at all');
    assert.equal(error(rule, 'SELECT u.id FROM users u JOIN orders o ON o.id = u.id WHERE u.email LIKE $1 OR o.ref LIKE $2').severity, 'info', 'across tables, size unproved');
    const schema = 'CREATE TABLE shares (id bigint PRIMARY KEY, to_user_id bigint NOT NULL, from_user_id bigint NOT NULL);\nCREATE INDEX ON shares (to_user_id);';
    const got = await declaredFindings(['SELECT id FROM shares WHERE to_user_id = $1 OR from_user_id = $1'], schema, [rule]);
    assert.deepEqual(got.map(([r, s]) => [r, s]), [['or-across-columns', 'info']]);
  });
  it('an OR inside a subquery correlated to the outer row by a key column (cf.file_id = f.file_id) only filters the rows that lookup finds (rules-p: ente object access)', () => {
    ok(
      rule,
      'SELECT f.file_id, EXISTS (SELECT 1 FROM collection_files cf JOIN collection_shares cs ON cs.collection_id = cf.collection_id WHERE cf.file_id = f.file_id AND cf.is_deleted = FALSE AND (cs.to_user_id = $2 OR cs.from_user_id = $2)) AS can_access FROM files f WHERE f.file_id = $1',
    );
    // A correlation on a column that is no key (a status, a name) finds no rows by itself: still judged.
    error(rule, 'SELECT f.file_id, EXISTS (SELECT 1 FROM shares cs WHERE cs.status = f.status AND (cs.to_user_id = $2 OR cs.from_user_id = $2)) FROM files f');
  });
});
