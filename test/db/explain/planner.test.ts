/** Schema/stats version probe and the plan cache against a real server. */
import { strict as assert } from 'node:assert';
import { testDatabase } from '../support';
import type { Database } from '../../../src/db/database';
import { schemaVersion } from '../../../src/db/schemaVersion';
import { Planner, type PlanOutcome } from '../../../src/db/planner';
import { K } from '../../../src/core/plan';

describe('db/schemaVersion and the plan cache (real PostgreSQL)', function () {
  const tdb = testDatabase('planner');
  let db: Database;

  before(async () => {
    await tdb.admin.query(`CREATE TABLE o (id int PRIMARY KEY, c int NOT NULL, pad text)`);
    await tdb.admin.query(`INSERT INTO o SELECT i, i % 500, 'x' FROM generate_series(1, 20000) i`);
    await tdb.admin.query('ANALYZE o');
    db = await tdb.open();
  });

  it('changes on DDL (create/drop index, add column, constraint, extended statistics) and on ANALYZE, not on plain writes', async () => {
    const v = async () => schemaVersion(db);
    const steps: [string, 'schema' | 'stats' | 'none'][] = [
      ['INSERT INTO o VALUES (100001, 1, NULL)', 'none'],
      ['CREATE INDEX o_c_idx ON o (c)', 'schema'],
      ['DROP INDEX o_c_idx', 'schema'],
      ['ALTER TABLE o ADD COLUMN extra int', 'schema'],
      ['ALTER TABLE o ADD CONSTRAINT o_c_pos CHECK (c >= 0)', 'schema'],
      ['CREATE STATISTICS o_stats ON c, pad FROM o', 'schema'],
      ['ANALYZE o', 'stats'],
    ];
    for (const [sql, what] of steps) {
      const a = await v();
      await tdb.admin.query(sql);
      const b = await v();
      if (what === 'none') assert.equal(b.key, a.key, sql);
      if (what === 'schema') assert.notEqual(b.schema, a.schema, sql);
      if (what === 'stats') {
        assert.equal(b.schema, a.schema, `${sql}: in-place update, xmin unchanged`);
        assert.notEqual(b.stats, a.stats, sql);
      }
    }
  });

  it('answers repeated requests from the cache, and re-plans after CREATE INDEX', async () => {
    const planner = new Planner(db, 'test', { versionTtlMs: 0 });
    let invalidated = 0;
    planner.onInvalidate(() => invalidated++);
    const sql = 'SELECT * FROM o WHERE c = 42';
    const first = await planner.plan(sql);
    assert.ok(first.ok);
    assert.equal(planner.explains, 1);
    const second = await planner.plan(sql);
    assert.equal(second, first, 'same outcome object from the cache');
    assert.equal(planner.explains, 1);
    assert.equal(planner.cached(sql), first);
    const scanOf = (o: PlanOutcome) => (o.ok ? o.result.plan.nodes.map((n) => n.raw[K.NodeType]).join(',') : '');
    assert.match(scanOf(first), /Seq Scan/);

    await tdb.admin.query('CREATE INDEX o_c_idx2 ON o (c)');
    await planner.probe();
    assert.equal(invalidated, 1);
    assert.equal(planner.cached(sql), undefined);
    const third = await planner.plan(sql);
    assert.equal(planner.explains, 2);
    assert.match(scanOf(third), /Index|Bitmap/);
  });

  it('remembers errors of the statement (one line), and shares one EXPLAIN between concurrent requests', async () => {
    const planner = new Planner(db, 'test2', { versionTtlMs: 60000 });
    const bad = await planner.plan('SELECT nope FROM o');
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.message : '', /column "nope" does not exist/);
    assert.equal(planner.cached('SELECT nope FROM o'), bad);
    const [a, b] = await Promise.all([planner.plan('SELECT count(*) FROM o'), planner.plan('SELECT count(*) FROM o')]);
    assert.equal(a, b);
    assert.equal(planner.explains, 2);
  });
});
