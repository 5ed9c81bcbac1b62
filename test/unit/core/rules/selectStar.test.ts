import * as assert from 'node:assert/strict';
import { selectStar as rule } from '../../../../src/core/rules/selectStar';
import { parseOne } from '../../../../src/core/sql/parse';
import { error, facts, fixed, flagged, ok } from './helpers';
import { sitesIn } from '../../support/extractFixtures';
import { checkSite } from '../../../../src/core/rules/engine';

const wide = facts({
  orders: { rows: 1e6, cols: { id: 'int8 idx', user_id: 'int8 idx', payload: 'jsonb', note: 'text' } },
  users: { rows: 1e5, cols: { id: 'int8 idx', email: 'text' } },
});

describe('rule select-star', () => {
  it('reports SELECT * in application code', () => {
    const f = error(rule, 'SELECT * FROM orders WHERE id = $1');
    assert.equal(flagged(f), '*');
    assert.equal(f.severity, 'info');
  });
  it('is silent in .sql files (ad-hoc queries, migrations)', () => {
    ok(rule, 'SELECT * FROM orders', { sqlFile: true });
  });
  it('is silent for count(*), EXISTS (SELECT *) and explicit columns', () => {
    ok(rule, 'SELECT count(*) FROM orders');
    ok(rule, 'SELECT id FROM users u WHERE EXISTS (SELECT * FROM orders o WHERE o.user_id = u.id)');
    ok(rule, 'SELECT id, email FROM users');
  });
  it('with catalog facts: a column a join merges with USING comes back once, so it is no duplicate (rules-p)', () => {
    // users and orders share only id: joined USING (id) the star returns one id and nothing collides.
    ok(rule, 'SELECT * FROM users JOIN orders USING (id) WHERE users.id = $1', { evidence: facts({ users: { rows: 10, cols: { id: 'int8 idx', email: 'text' } }, orders: { rows: 10, cols: { id: 'int8 idx', note: 'text' } } }) });
    const f = error(rule, 'SELECT * FROM users JOIN orders ON orders.id = users.id WHERE users.id = $1', { evidence: facts({ users: { rows: 10, cols: { id: 'int8 idx', email: 'text' } }, orders: { rows: 10, cols: { id: 'int8 idx', note: 'text' } } }) });
    assert.match(f.message, /id comes back twice/);
  });
  it('with catalog facts: narrow tables are fine; wide ones get the column list as a fix', () => {
    ok(rule, 'SELECT * FROM users WHERE id = $1', { evidence: wide });
    const f = error(rule, 'SELECT * FROM orders WHERE id = $1', { evidence: wide });
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /all 4 columns, including orders.payload \(jsonb\)/);
    const sql = fixed(f);
    assert.equal(sql, 'SELECT id, user_id, payload, note FROM orders WHERE id = $1');
    assert.ok(parseOne(sql));
  });
  it('qualifies the columns of a qualified star', () => {
    const f = error(rule, 'SELECT o.* FROM orders o JOIN users u ON u.id = o.user_id', { evidence: wide });
    assert.equal(fixed(f), 'SELECT o.id, o.user_id, o.payload, o.note FROM orders o JOIN users u ON u.id = o.user_id');
  });
});

describe('rule select-star: stars over CTEs and subqueries (real-app kinds)', () => {
  it('a star over a CTE or a subquery takes the columns those chose: not reported', () => {
    ok(rule, 'WITH subs AS (SELECT id, email FROM subscribers WHERE list_id = $1) SELECT * FROM subs');
    ok(rule, 'WITH sel AS (SELECT id, name FROM users WHERE id = $1) SELECT sel.*, r.name AS role FROM sel LEFT JOIN roles r ON r.id = sel.role_id');
    ok(rule, 'SELECT * FROM (SELECT id, name FROM users WHERE id = $1) u');
  });
  it('a star over a table next to a CTE is still reported', () => {
    error(rule, 'WITH ids AS (SELECT id FROM t WHERE a = $1) SELECT campaigns.* FROM campaigns JOIN ids ON ids.id = campaigns.id');
  });
});

describe('rule select-star: rows that become model objects', () => {
  it('is silent for ActiveRecord find_by_sql and Django raw(): the model wants every column', async () => {
    const rb = 'class Event\n  def self.latest(org)\n    Event.find_by_sql(["SELECT * FROM events WHERE organization_id = ? ORDER BY id DESC LIMIT 1", org]).first\n  end\n  def self.rows(org)\n    connection.select_all("SELECT * FROM events WHERE organization_id = 1")\n  end\nend\n';
    const sites = await sitesIn(rb, 'event.rb');
    assert.deepEqual(sites.map((s) => [s.api, checkSite(s, [rule]).length]), [['activerecord.find_by_sql', 0], ['activerecord.select_all', 1]]);
  });
  it('is silent in backup and dump code, which copies whole rows', async () => {
    const py = 'from sqlalchemy import text\n\ndef export(connection):\n    return connection.execute(text("SELECT * FROM alembic_version")).mappings().all()\n';
    for (const [file, n] of [['app/services/backups_v2/exporter.py', 0], ['app/db_dump.py', 0], ['app/services/report.py', 1], ['app/services/dumpling.py', 1]] as const) {
      const sites = await sitesIn(py, file);
      assert.equal(sites.reduce((k, s) => k + checkSite(s, [rule]).length, 0), n, file);
    }
  });
});
