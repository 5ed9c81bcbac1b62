/**
 * invalid-index on a failed CREATE UNIQUE INDEX CONCURRENTLY (person45 H2), on a real PostgreSQL: the key is checked for
 * duplicates (read-only, bounded), DROP is the fix while it has them and REINDEX once it has none; a failed REINDEX says
 * PostgreSQL's DETAIL and the `_ccnew` index it left, which the health check then lists as what it is, with its DROP.
 * The dashboard and `pg-lens health` read the same findings.
 */
import * as assert from 'node:assert/strict';
import type { Client } from 'pg';
import { runHealth } from '../../../src/db/health';
import { runAction } from '../../../src/db/maintenance';
import { OfferedActions, authorizeAction } from '../../../src/shared/dashboardProtocol';
import { connect } from '../../../src/db/database';
import { testDatabase } from '../support';
import { runCli as run } from '../../unit/support/cli';

const SCHEMA = 's "x"';
const TABLE = 'order "items"';
const Q_TABLE = '"s ""x"""."order ""items"""';

const oidOf = async (c: Client, name: string): Promise<number | undefined> =>
  (await c.query(`SELECT c.oid::int8 AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`, [SCHEMA, name])).rows.map((r) => Number(r.oid))[0];

const invalidIndexes = async (c: Client): Promise<string[]> =>
  (await c.query(`SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT i.indisvalid ORDER BY 1`, [SCHEMA])).rows.map((r) => r.relname);

describe('invalid-index: a failed unique index (person45 H2)', function () {
  const t = testDatabase('invalid_uq');
  before(async () => {
    const a = t.admin;
    await a.query(`CREATE SCHEMA "s ""x"""`);
    await a.query(`CREATE TABLE ${Q_TABLE} (id int PRIMARY KEY, "product id" int, sku text)`);
    // product id 7 three times, 8 twice; (sku, product id) ('a', 7) twice, ('f', NULL) twice (a unique index leaves a
    // key with a NULL out: not a duplicate).
    await a.query(`INSERT INTO ${Q_TABLE} VALUES (1, 7, 'a'), (2, 7, 'a'), (3, 7, 'c'), (4, 8, 'd'), (5, 8, 'e'), (6, NULL, 'f'), (7, NULL, 'f'), (8, 9, 'h')`);
    // The commonest invalid index: CREATE UNIQUE INDEX CONCURRENTLY on duplicated data fails and leaves it.
    await assert.rejects(a.query(`CREATE UNIQUE INDEX CONCURRENTLY bad_uq ON ${Q_TABLE} ("product id")`), /could not create unique index/);
    // One whose duplicates were removed since: a REINDEX can build it now.
    await assert.rejects(a.query(`CREATE UNIQUE INDEX CONCURRENTLY sku_uq ON ${Q_TABLE} (sku, "product id")`), /could not create unique index/);
    await a.query(`UPDATE ${Q_TABLE} SET sku = 'b' WHERE id = 2`);
    assert.deepEqual(await invalidIndexes(a), ['bad_uq', 'sku_uq']);
  });

  const invalid = async () => (await runHealth(await t.open(), { only: ['invalid-index'] })).findings;

  it('the key has duplicates: says so with an example, and the fix is DROP INDEX CONCURRENTLY, not a REINDEX that cannot succeed', async () => {
    const findings = await invalid();
    const bad = findings.find((f) => f.objects[0].name === 'bad_uq');
    assert.ok(bad, JSON.stringify(findings));
    assert.equal(bad.message, `Index ${SCHEMA}.bad_uq on ${TABLE} is invalid: it is UNIQUE and its key has duplicates (2 keys duplicated, e.g. (product id)=(7) on 3 rows), so a REINDEX would fail the same way and leave a second invalid index.`);
    assert.deepEqual(bad.fixSql, [`DROP INDEX CONCURRENTLY "s ""x""".bad_uq;`]);
    assert.deepEqual(bad.action, { kind: 'drop-index', oid: await oidOf(t.admin, 'bad_uq') });
    assert.equal(bad.evidence.duplicatedKeys, 2);
  });

  it('no duplicates now (NULLs are not duplicates): REINDEX, and it builds the index', async () => {
    const findings = await invalid();
    const sku = findings.find((f) => f.objects[0].name === 'sku_uq');
    assert.ok(sku, JSON.stringify(findings));
    assert.match(sku.message, /is invalid\. It is UNIQUE and its key has no duplicates now, so a REINDEX can build it\.$/);
    assert.deepEqual(sku.action, { kind: 'reindex-index', oid: await oidOf(t.admin, 'sku_uq') });
    const r = await runAction(await t.open(), sku.action!);
    assert.ok(r.ok, r.message);
    assert.deepEqual(await invalidIndexes(t.admin), ['bad_uq']);
  });

  it('the dashboard\'s next check scans again once the table was written: duplicates removed, REINDEX offered', async () => {
    const a = t.admin;
    // The duplicated value is data with a newline and a terminal escape: said on one line, escaped.
    await a.query(`CREATE TABLE w (v text)`);
    await a.query(`INSERT INTO w VALUES ($1), ($1), ('2')`, ['1\n\u001b[31m']);
    await assert.rejects(a.query(`CREATE UNIQUE INDEX CONCURRENTLY w_v_key ON w (v)`));
    try {
      const db = await t.open(); // one Database across runs, as the dashboard's
      const w = async () => (await runHealth(db, { only: ['invalid-index'] })).findings.find((f) => f.objects[0].name === 'w_v_key')!;
      const first = await w();
      assert.equal(first.action?.kind, 'drop-index');
      assert.ok(first.message.includes('e.g. (v)=("1\\n\\u001b[31m") on 2 rows'), first.message);
      assert.equal((await w()).action?.kind, 'drop-index', 'nothing written: the same answer');
      await a.query(`DELETE FROM w WHERE ctid = (SELECT min(ctid) FROM w WHERE v <> '2')`);
      // The DELETE's counters reach the server (the check is made again when the table's write counters move).
      await a.query('SELECT pg_stat_force_next_flush()');
      await a.query('SELECT 1');
      const after = await w();
      assert.equal(after.action?.kind, 'reindex-index', after.message);
      assert.match(after.message, /its key has no duplicates now/);
    } finally {
      await a.query(`DROP TABLE w`);
    }
  });

  it('a REINDEX that fails on duplicates says PostgreSQL\'s DETAIL and the _ccnew index it left; the health check lists that one as a leftover, with its DROP', async () => {
    const db = await t.open();
    const badOid = (await oidOf(t.admin, 'bad_uq'))!;
    const r = await runAction(db, { kind: 'reindex-index', oid: badOid });
    assert.equal(r.ok, false);
    assert.match(r.message, /could not create unique index "bad_uq_ccnew"\. Key \("product id"\)=\((7|8)\) is duplicated\./);
    assert.ok(r.message.endsWith(`It left the invalid index "s ""x""".bad_uq_ccnew behind (kept up on every write, used by no query): drop it with DROP INDEX CONCURRENTLY (Health checks offers it).`), r.message);
    assert.deepEqual(await invalidIndexes(t.admin), ['bad_uq', 'bad_uq_ccnew']);

    const findings = await invalid();
    const left = findings.find((f) => f.objects[0].name === 'bad_uq_ccnew');
    assert.ok(left, JSON.stringify(findings));
    assert.equal(left.message, `Index ${SCHEMA}.bad_uq_ccnew on ${TABLE} is invalid: it is the new copy a failed REINDEX INDEX CONCURRENTLY of bad_uq left behind.`);
    assert.deepEqual(left.action, { kind: 'drop-index', oid: await oidOf(t.admin, 'bad_uq_ccnew') });
    // The dashboard accepts exactly these actions (offered by the findings) and runs them.
    const offered = OfferedActions.from({ findings });
    for (const f of findings) assert.ok(authorizeAction(f.action!, offered, false).ok);
    for (const name of ['bad_uq_ccnew', 'bad_uq']) {
      const f = findings.find((x) => x.objects[0].name === name)!;
      const d = await runAction(db, f.action!);
      assert.ok(d.ok, d.message);
      assert.equal(d.statement, `DROP INDEX CONCURRENTLY "s ""x""".${name}`);
    }
    assert.deepEqual(await invalidIndexes(t.admin), []);
    assert.deepEqual(await invalid(), []);
  });

  it('pg-lens health says the same as the dashboard', async () => {
    await assert.rejects(t.admin.query(`CREATE UNIQUE INDEX CONCURRENTLY bad_uq ON ${Q_TABLE} ("product id")`));
    const out = await run(['health', '--db', t.url, '--check', 'invalid-index']);
    assert.equal(out.code, 1, out.out + out.err);
    assert.ok(out.out.includes(`Index ${SCHEMA}.bad_uq on ${TABLE} is invalid: it is UNIQUE and its key has duplicates (2 keys duplicated, e.g. (product id)=(7) on 3 rows)`), out.out);
    assert.ok(out.out.includes(`DROP INDEX CONCURRENTLY "s ""x""".bad_uq;`), out.out);
    assert.doesNotMatch(out.out, /fix: REINDEX/);
  });
});

describe('invalid-index: the duplicates check never runs what a table owner planted (docs/security.md)', function () {
  const t = testDatabase('invalid_uq_planted');
  const checker = `pglens_uq_checker_${process.pid}`;

  it("a row-level security policy's function is not run with the checker's rights: not checked, REINDEX kept with its warning; a child table's rows are not the parent's duplicates", async () => {
    const a = t.admin;
    // What a table's owner can plant: a policy whose function runs for every role the policy applies to (not a superuser,
    // not the owner). Its body raises, so running it shows in the result.
    await a.query(`CREATE FUNCTION planted_policy() RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'planted policy ran'; END $$`);
    await a.query('CREATE TABLE guarded (id int PRIMARY KEY, k int)');
    await a.query('INSERT INTO guarded VALUES (1, 7), (2, 7)');
    await assert.rejects(a.query('CREATE UNIQUE INDEX CONCURRENTLY guarded_uq ON guarded (k)'), /could not create unique index/);
    await a.query('ALTER TABLE guarded ENABLE ROW LEVEL SECURITY');
    await a.query('CREATE POLICY p ON guarded USING (planted_policy())');
    // Inheritance: the parent's own rows have no duplicates; a child's copy of them does not count (its index is the parent's own).
    await a.query('CREATE TABLE parent_t (k int)');
    await a.query('CREATE TABLE child_t () INHERITS (parent_t)');
    await a.query('INSERT INTO parent_t VALUES (1), (2), (2)');
    await assert.rejects(a.query('CREATE UNIQUE INDEX CONCURRENTLY parent_uq ON parent_t (k)'), /could not create unique index/);
    await a.query('DELETE FROM parent_t WHERE ctid = (SELECT max(ctid) FROM ONLY parent_t WHERE k = 2)');
    await a.query('INSERT INTO child_t VALUES (1), (2)');
    await a.query(`CREATE ROLE ${checker} LOGIN PASSWORD 'pw'`);
    await a.query(`GRANT SELECT ON guarded, parent_t, child_t TO ${checker}`);
    const db = await connect({ profile: { ...t.profile, user: checker }, password: 'pw' });
    try {
      const findings = (await runHealth(db, { only: ['invalid-index'] })).findings;
      const guarded = findings.find((f) => f.objects[0].name === 'guarded_uq');
      assert.ok(guarded, JSON.stringify(findings));
      assert.doesNotMatch(JSON.stringify(guarded), /planted policy ran/);
      assert.match(guarded.message, /row-level security policies, which the check does not run/);
      assert.equal(guarded.action?.kind, 'reindex-index');
      const parent = findings.find((f) => f.objects[0].name === 'parent_uq');
      assert.ok(parent, JSON.stringify(findings));
      assert.match(parent.message, /its key has no duplicates now, so a REINDEX can build it/);
    } finally {
      await db.close();
      // Roles are the server's: dropped here, while this database (which holds its grants) still exists.
      await a.query(`DROP OWNED BY ${checker}`);
      await a.query(`DROP ROLE ${checker}`);
    }
  });
});
