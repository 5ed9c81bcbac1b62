/**
 * A plan brought from elsewhere, enriched from the catalog when connected: the foreign-key trigger
 * tip names the referencing table and columns and is proved (no index leads with them), and changes
 * when an index exists. Runs a real DELETE slowed by an unindexed foreign key (rolled back).
 */
import { strict as assert } from 'node:assert';
import { testDatabase } from '../support';
import type { Database } from '../../../src/db/database';
import { analyzePlan } from '../../../src/core/plan';
import { explain, explainAnalyze, planWithFacts } from '../../../src/db/explain';

const SETUP = [
  `CREATE TABLE parent (id int PRIMARY KEY)`,
  `CREATE TABLE "Child Rows" (id int, "parent Id" int NOT NULL REFERENCES parent(id) ON DELETE CASCADE)`,
  `INSERT INTO parent SELECT generate_series(1, 400)`,
  `INSERT INTO "Child Rows" SELECT i, 1 + i % 400 FROM generate_series(1, 40000) i`,
  `ANALYZE`,
];

describe('db/planFacts: a brought plan proved against the catalog', function () {
  const tdb = testDatabase('planfacts');
  let db: Database;
  let text: string;
  before(async () => {
    for (const s of SETUP) await tdb.admin.query(s);
    db = await tdb.open();
    // The plan as a user would bring it: EXPLAIN ANALYZE text from another session.
    await tdb.admin.query('BEGIN');
    try {
      text = (await tdb.admin.query(`EXPLAIN (ANALYZE) DELETE FROM parent WHERE id <= 200`)).rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await tdb.admin.query('ROLLBACK');
    }
  });

  it('without an index on the referencing columns: the tip says so, checked, with the CREATE INDEX', async () => {
    const bare = analyzePlan(text);
    assert.equal(bare.tips[0].kind, 'fk-trigger');
    const { plan: p, facts } = await planWithFacts(db, text);
    assert.equal(facts?.foreignKeys.length, 1);
    assert.equal(p.tips[0].kind, 'fk-trigger');
    assert.match(p.tips[0].text, /checked in the catalog/);
    assert.match(p.tips[0].text, /CREATE INDEX ON public\."Child Rows" \("parent Id"\);/);
  });

  it('with the index: the tip says the columns are indexed and ranks lower', async () => {
    await tdb.admin.query(`CREATE INDEX ON "Child Rows" ("parent Id")`);
    try {
      const { plan: p, facts } = await planWithFacts(db, text);
      assert.equal(facts?.foreignKeys[0][1].indexed, true);
      const t = p.tips.find((x) => x.kind === 'fk-trigger')!;
      // The index is named, quoted as an identifier (person41: the tip named the columns, not the index).
      assert.match(t.text, /is indexed by "Child Rows_parent Id_idx" \(checked in the catalog\)/);
      assert.equal(t.grade, 1);
    } finally {
      await tdb.admin.query(`DROP INDEX IF EXISTS "Child Rows_parent Id_idx"`);
    }
  });
  it('an Explain Analyze run here is proved the same way: a cascade into indexed referencing columns is not told to index them (person39 H1)', async () => {
    await tdb.admin.query(`CREATE INDEX "child_parent" ON "Child Rows" ("parent Id")`);
    try {
      const r = await explainAnalyze(db, 'DELETE FROM parent WHERE id <= 200', { allowDml: true });
      const t = r.plan.tips.find((x) => x.kind === 'fk-trigger');
      assert.ok(t, `an fk-trigger tip: ${r.plan.tips.map((x) => x.kind).join(', ')}`);
      assert.match(t.text, /is indexed by child_parent \(checked in the catalog\)/);
      assert.doesNotMatch(t.text, /Index the referencing columns|CREATE INDEX/);
      assert.equal(t.grade, 1);
      assert.deepEqual(r.foreignKeys?.map(([name, f]) => [name, f.indexed]), [['Child Rows_parent Id_fkey', true]]);
      // Rolled back: the rows are all there.
      assert.equal(Number((await tdb.admin.query('SELECT count(*) AS n FROM parent')).rows[0].n), 400);
    } finally {
      await tdb.admin.query('DROP INDEX IF EXISTS "child_parent"');
    }
  });
  it("the scanned tables' indexes come with their sizes (leading column, unique, partial; expressions as null), for explain() and brought plans alike (person14 #8)", async () => {
    await tdb.admin.query(`CREATE INDEX "child_lower" ON "Child Rows" ((id::text)) WHERE id > 10`);
    try {
      const r = await explain(db, 'SELECT p.id FROM parent p JOIN "Child Rows" c ON c."parent Id" = p.id WHERE p.id > $1', { params: ['5'] });
      const byName = new Map(r.relationIndexes);
      assert.deepEqual(byName.get('public.parent'), [{ name: 'parent_pkey', column: 'id', unique: true, partial: false }]);
      assert.deepEqual(byName.get('Child Rows'), [{ name: 'child_lower', column: null, unique: false, partial: true }]);
      const { facts } = await planWithFacts(db, text);
      assert.deepEqual(new Map(facts?.relationIndexes).get('parent'), [{ name: 'parent_pkey', column: 'id', unique: true, partial: false }]);
    } finally {
      await tdb.admin.query('DROP INDEX IF EXISTS "child_lower"');
    }
  });

  it('Explain Analyze run here and the same plan brought from elsewhere are proved alike: the same catalog facts, the same tips (one planWithFacts for both)', async () => {
    const r = await explainAnalyze(db, 'DELETE FROM parent WHERE id <= 200', { allowDml: true });
    assert.ok(r.foreignKeys?.length, 'the run reads the foreign key its trigger time names');
    // The run's own EXPLAIN JSON, brought back as a user would paste it (a file, the clipboard).
    const brought = await planWithFacts(db, JSON.stringify([r.json]));
    assert.equal(brought.factsError, undefined);
    assert.deepEqual(brought.facts, { relationRows: r.relationRows, relationIndexes: r.relationIndexes, foreignKeys: r.foreignKeys });
    assert.deepEqual(brought.plan.tips.map((t) => [t.kind, t.text, t.grade]), r.plan.tips.map((t) => [t.kind, t.text, t.grade]));
    // Without a connection the plan is modelled without them, and says it could not check.
    const offline = await planWithFacts(undefined, JSON.stringify([r.json]));
    assert.equal(offline.facts, undefined);
    assert.notDeepEqual(offline.plan.tips.map((t) => t.text), r.plan.tips.map((t) => t.text));
  });
});
