import * as assert from 'node:assert/strict';
import { orAcrossColumns as rule } from '../../../../src/core/rules/orAcrossColumns';
import { error, facts, flagged, ok } from './helpers';

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
