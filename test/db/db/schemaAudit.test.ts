import { strict as assert } from 'node:assert';
import { auditDatabase, auditDatabaseFindings } from '../../../src/db/schemaAudit';
import { createTestDatabase, type TestDatabase } from '../support';

describe('db/schemaAudit (real PostgreSQL)', function () {
  this.timeout(60000);
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase('audit');
    await t.admin.query(`
      CREATE SCHEMA "Sales";
      CREATE TABLE parent (id int PRIMARY KEY, code text);
      CREATE TABLE child_plain (id int PRIMARY KEY, parent_id int REFERENCES parent (id));
      CREATE TABLE child_composite (id int PRIMARY KEY, parent_id int REFERENCES parent (id), kind text);
      CREATE INDEX child_composite_parent_kind ON child_composite (parent_id, kind);
      CREATE TABLE child_second (id int PRIMARY KEY, parent_id int REFERENCES parent (id), kind text);
      CREATE INDEX child_second_kind_parent ON child_second (kind, parent_id);
      CREATE TABLE child_partial (id int PRIMARY KEY, parent_id int REFERENCES parent (id));
      CREATE INDEX child_partial_parent ON child_partial (parent_id) WHERE parent_id > 0;
      CREATE TABLE "Sales"."Line Items" (id int PRIMARY KEY, "ParentId" int REFERENCES parent (id));
      CREATE TABLE dup (a int, b int, c int);
      CREATE INDEX dup_a ON dup (a);
      CREATE INDEX dup_a_b ON dup (a, b);
      CREATE INDEX dup_b_desc ON dup (b DESC);
      CREATE INDEX dup_b_asc ON dup (b);
      CREATE INDEX dup_c_partial ON dup (c) WHERE c > 0;
      CREATE INDEX dup_c ON dup (c, a);
      CREATE UNIQUE INDEX dup_c_unique ON dup (c);
      CREATE INDEX dup_c_again ON dup (c);
      CREATE INDEX dup_lower ON dup ((lower(b::text)));
      CREATE INDEX dup_lower_b ON dup ((lower(b::text)), a);
      CREATE TABLE used (id int, v int);
      INSERT INTO used SELECT g, g FROM generate_series(1, 5000) g;
      CREATE INDEX used_v ON used (v);
      CREATE INDEX unused_id ON used (id);
      ANALYZE used;
      CREATE TABLE invalid_t (v int);
      INSERT INTO invalid_t VALUES (1), (1);
    `);
    await t.admin.query('CREATE UNIQUE INDEX CONCURRENTLY invalid_t_v ON invalid_t (v)').catch(() => undefined);
    await t.admin.query('SET enable_seqscan = off');
    await t.admin.query('SELECT * FROM used WHERE v = 42');
    await t.admin.query('SELECT pg_stat_force_next_flush()').catch(() => undefined);
    await t.admin.query('SELECT pg_sleep(0.6)');
  });
  after(async () => t?.drop());

  it('unindexed-foreign-key: reported unless an index starts with the key columns (composite counts, partial does not)', async () => {
    const db = await t.open();
    const r = (await auditDatabase(db)).filter((x) => x.ruleId === 'unindexed-foreign-key');
    assert.deepEqual(r.map((x) => `${x.schema}.${x.table}(${x.columns.join(',')})`).sort(), [
      'Sales.Line Items(ParentId)', 'public.child_partial(parent_id)', 'public.child_plain(parent_id)', 'public.child_second(parent_id)',
    ]);
    const quoted = r.find((x) => x.table === 'Line Items')!;
    assert.equal(quoted.fix, 'CREATE INDEX CONCURRENTLY line_items_parentid_idx ON "Sales"."Line Items" ("ParentId");');
    assert.deepEqual(quoted.references, { schema: 'public', table: 'parent', columns: ['id'] });
    assert.equal(quoted.severity, 'info', 'a small table: info');
  });

  it('duplicate-index: prefixes and identical indexes with the same method, direction, expressions and predicate', async () => {
    const db = await t.open();
    const r = (await auditDatabase(db)).filter((x) => x.ruleId === 'duplicate-index');
    assert.deepEqual(r.map((x) => `${x.index}<${x.coveredBy}`).sort(), ['dup_a<dup_a_b', 'dup_c_again<dup_c_unique', 'dup_lower<dup_lower_b']);
    const a = r.find((x) => x.index === 'dup_a')!;
    assert.equal(a.fix, 'DROP INDEX CONCURRENTLY IF EXISTS dup_a;');
    assert.match(a.message, /is a prefix of dup_a_b/);
  });

  it('unused-index: no scans, not unique, not a primary key, with its size; a used index is not reported', async () => {
    const db = await t.open();
    const r = (await auditDatabase(db)).filter((x) => x.ruleId === 'unused-index');
    const names = r.map((x) => x.index);
    assert.ok(names.includes('unused_id'));
    assert.ok(!names.includes('used_v'), 'used_v was scanned');
    assert.ok(!names.some((n) => /pkey|unique/.test(n!)), 'unique and primary key indexes are never unused-index');
    const u = r.find((x) => x.index === 'unused_id')!;
    assert.ok(u.sizeBytes! > 0);
    assert.match(u.message, /takes \d+ kB/);
  });

  it('invalid-index: a failed CREATE INDEX CONCURRENTLY is reported with a fix', async () => {
    const db = await t.open();
    const r = (await auditDatabase(db)).filter((x) => x.ruleId === 'invalid-index');
    assert.deepEqual(r.map((x) => x.index), ['invalid_t_v']);
    assert.equal(r[0].severity, 'error');
    assert.match(r[0].fix, /^DROP INDEX CONCURRENTLY IF EXISTS invalid_t_v;\nCREATE UNIQUE INDEX CONCURRENTLY invalid_t_v ON public.invalid_t USING btree \(v\);$/);
  });

  it('as Findings: rule ids and structured evidence', async () => {
    const db = await t.open();
    const f = await auditDatabaseFindings(db);
    assert.ok(f.every((x) => ['unindexed-foreign-key', 'duplicate-index', 'unused-index', 'invalid-index'].includes(x.ruleId)));
    const inv = f.find((x) => x.ruleId === 'invalid-index')!;
    assert.equal((inv.evidence as any).index, 'invalid_t_v');
    assert.equal((inv.evidence as any).table, 'invalid_t');
  });
});
