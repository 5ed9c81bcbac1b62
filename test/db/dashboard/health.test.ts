/**
 * Each health check against a real PostgreSQL: a crafted database produces the finding (with the
 * right objects, hostile names included), a clean database does not.
 */
import * as assert from 'node:assert/strict';
import { Client } from 'pg';
import type { HealthFinding } from '../../../src/core/health';
import { HEALTH_SQL, runHealth } from '../../../src/db/health';
import { announceFallback, createTestDatabase, testDatabase, waitFor, type TestDatabase, extraSession } from '../support';

const HOSTILE_SCHEMA = 'we"ird.sch ema';
const HOSTILE_TABLE = 'Tab le"<b>ü</b>';
const HOSTILE_INDEX = 'idx "x.y" <i>';
const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
const T = `${q(HOSTILE_SCHEMA)}.${q(HOSTILE_TABLE)}`;

/** Flush this session's pending statistics so the next reader sees them (PostgreSQL 15+). */
async function flushStats(c: Client): Promise<void> {
  await c.query('SELECT pg_stat_force_next_flush()');
  await c.query('SELECT 1');
}

function of(findings: HealthFinding[], id: string): HealthFinding[] {
  return findings.filter((f) => f.checkId === id);
}

const LOW = {
  longRunningSeconds: 1,
  idleInTransactionSeconds: 1,
  blockedSeconds: 0.5,
  bloatMinBytes: 64 * 1024,
  bloatMinShare: 0.3,
  deadTupleMinCount: 1000,
  wraparoundWarnAge: 500,
  // The crafted database is minutes old: its never-used index is named anyway (the age gate has its own test, cliHealth).
  unusedIndexMinStatsAgeSeconds: 0,
};

describe('health checks on a crafted database', function () {
  this.timeout(120000);
  let t: TestDatabase;
  const extra: Client[] = [];
  let findings: HealthFinding[];
  const slot = `pglens_test_slot_${process.pid}`;

  const client = (app = 'victim') => extraSession(t.url, app, extra);

  before(async () => {
    t = await createTestDatabase('health');
    const a = t.admin;
    await a.query(`CREATE SCHEMA ${q(HOSTILE_SCHEMA)}`);
    await a.query(`CREATE TABLE ${T} (id int PRIMARY KEY, x int, pad text)`);
    await a.query(`INSERT INTO ${T} SELECT g, g % 100, repeat('p', 200) FROM generate_series(1, 20000) g`);
    await a.query(`CREATE INDEX ${q(HOSTILE_INDEX)} ON ${T} (x)`);
    await a.query(`CREATE INDEX covering_x_id ON ${T} (x, id)`);
    // Bloat: delete most rows, vacuum (marks space free but keeps the file size), analyse (widths).
    await a.query(`DELETE FROM ${T} WHERE id % 10 <> 0`);
    // The DELETE's counts reach the server before the ANALYZE (else they count as changes since it, the statistics read
    // as outdated, and no estimate is made: issue 20 item 6).
    await flushStats(a);
    await a.query(`VACUUM ANALYZE ${T}`);
    // Invalid index: a failed CREATE UNIQUE INDEX CONCURRENTLY.
    await a.query(`CREATE TABLE dupes (v int)`);
    await a.query(`INSERT INTO dupes VALUES (1), (1)`);
    await a.query(`CREATE UNIQUE INDEX CONCURRENTLY dupes_v_key ON dupes (v)`).catch(() => undefined);
    // Unindexed foreign key.
    await a.query(`CREATE TABLE parent (id int PRIMARY KEY)`);
    await a.query(`CREATE TABLE "child ""c""" (id int PRIMARY KEY, parent_id int REFERENCES parent (id))`);
    // Dead tuples, stale statistics, autovacuum off for the table.
    await a.query(`CREATE TABLE churn (id int, v text) WITH (autovacuum_enabled = false)`);
    await a.query(`INSERT INTO churn SELECT g, 'v' FROM generate_series(1, 20000) g`);
    await a.query(`DELETE FROM churn WHERE id > 5000`);
    // Sequences: a smallint one at 31000; a bigint one feeding an int column at 2.0e9.
    await a.query(`CREATE SEQUENCE "small seq" AS smallint`);
    await a.query(`SELECT setval('"small seq"', 31000)`);
    await a.query(`CREATE TABLE ids (id int)`);
    await a.query(`CREATE SEQUENCE ids_seq AS bigint OWNED BY ids.id`);
    await a.query(`ALTER TABLE ids ALTER id SET DEFAULT nextval('ids_seq')`);
    await a.query(`SELECT setval('ids_seq', 2000000000)`);
    // A NOT VALID constraint.
    await a.query(`ALTER TABLE parent ADD CONSTRAINT "positive id" CHECK (id > 0) NOT VALID`);
    // Transaction ID age: burn xids after creating a table.
    await a.query(`CREATE TABLE aged (id int)`);
    await a.query(`CREATE PROCEDURE burn(n int) LANGUAGE plpgsql AS $$ BEGIN FOR i IN 1..n LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$`);
    await a.query(`CALL burn(600)`);
    // An inactive replication slot holding WAL.
    await a.query(`SELECT pg_create_physical_replication_slot($1, true)`, [slot]);
    await flushStats(a);

    // Sessions: a long query, an idle transaction, and a blocking chain.
    const long = await client('long runner');
    void long.query('SELECT pg_sleep(30)').catch(() => undefined);
    const idle = await client('idler');
    await idle.query('BEGIN');
    await idle.query('SELECT 1');
    const blocker = await client('blocker');
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE parent IN ACCESS EXCLUSIVE MODE');
    const waiter = await client('waiter');
    void waiter.query('SELECT * FROM parent').catch(() => undefined);
    // Until each session is past its (low) threshold, as the server's clock says.
    const pastThresholds = `SELECT
        bool_or(application_name = 'long runner' AND state = 'active' AND now() - query_start > make_interval(secs => $1))
        AND bool_or(application_name = 'idler' AND state = 'idle in transaction' AND now() - state_change > make_interval(secs => $2))
        AND bool_or(application_name = 'waiter' AND wait_event_type = 'Lock' AND now() - query_start > make_interval(secs => $3)) AS ok
      FROM pg_stat_activity`;
    await waitFor(async () => (await a.query(pastThresholds, [LOW.longRunningSeconds, LOW.idleInTransactionSeconds, LOW.blockedSeconds])).rows[0].ok, 'the long query, the idle transaction and the blocked session to pass their thresholds');

    const db = await t.open();
    findings = (await runHealth(db, { thresholds: LOW })).findings;
  });

  after(async () => {
    for (const c of extra) await c.end().catch(() => undefined);
    await t?.admin.query(`SELECT pg_drop_replication_slot($1)`, [slot]).catch(() => undefined);
    await t?.drop();
  });

  it('unused-index names the hostile index by schema and name, with DROP INDEX CONCURRENTLY quoted part by part', () => {
    const f = of(findings, 'unused-index').find((x) => x.objects[0].name === HOSTILE_INDEX);
    assert.ok(f, JSON.stringify(of(findings, 'unused-index').map((x) => x.objects)));
    assert.equal(f.objects[0].schema, HOSTILE_SCHEMA);
    assert.deepEqual(f.fixSql, [`DROP INDEX CONCURRENTLY "we""ird.sch ema"."idx ""x.y"" <i>";`]);
    assert.equal(f.action?.kind, 'drop-index');
  });

  it('duplicate-index: (x) is covered by (x, id)', () => {
    const f = of(findings, 'duplicate-index');
    assert.equal(f.length, 1);
    assert.equal(f[0].objects[0].name, HOSTILE_INDEX);
    assert.equal(f[0].objects[1].name, 'covering_x_id');
  });

  it('invalid-index: the failed concurrent build', () => {
    const f = of(findings, 'invalid-index');
    assert.deepEqual(f.map((x) => x.objects[0].name), ['dupes_v_key']);
    // UNIQUE on duplicated rows: a REINDEX would fail the same way, so the fix is the DROP (person45 H2).
    assert.deepEqual(f[0].fixSql, ['DROP INDEX CONCURRENTLY public.dupes_v_key;']);
    assert.match(f[0].message, /duplicates \(1 key duplicated, e\.g\. \(v\)=\(1\) on 2 rows\)/);
  });

  it('unindexed-foreign-key: child.parent_id, with a CREATE INDEX that quotes the table', () => {
    const f = of(findings, 'unindexed-foreign-key');
    assert.equal(f.length, 1);
    assert.equal(f[0].objects[0].table, 'child "c"');
    // Named by the index advice's naming helper (it was left unnamed: person30 L3).
    assert.deepEqual(f[0].fixSql, ['CREATE INDEX CONCURRENTLY child_c_parent_id_idx ON public."child ""c""" (parent_id);']);
  });

  it('unindexed-foreign-key: the index advice\'s index leading with the key is the fix (the dashboard passes the workspace\'s advice), never a narrower rival (person30 L3)', async () => {
    const ddl = 'CREATE INDEX CONCURRENTLY child_c_parent_id_id_idx ON public."child ""c""" (parent_id, id DESC)';
    const { findings: advised } = await runHealth(await t.open(), { thresholds: LOW, only: ['unindexed-foreign-key'], advisedIndexes: [{ table: 'public.child "c"', columns: ['parent_id', 'id DESC'], ddl }] });
    assert.equal(advised.length, 1);
    assert.deepEqual(advised[0].fixSql, [`${ddl};`]);
    assert.match(advised[0].help ?? '', /child_c_parent_id_id_idx .* serves the foreign key too/);
  });

  it('table-bloat and index-bloat estimate the emptied table and its indexes', () => {
    const tb = of(findings, 'table-bloat');
    assert.ok(tb.some((x) => x.objects[0].name === HOSTILE_TABLE), JSON.stringify(tb));
    const ib = of(findings, 'index-bloat');
    assert.ok(ib.some((x) => x.objects[0].table === HOSTILE_TABLE), JSON.stringify(ib.map((x) => x.objects)));
  });

  it('dead-tuples, autovacuum-lagging and stale-statistics fire for the churned table', () => {
    for (const id of ['dead-tuples', 'autovacuum-lagging', 'stale-statistics']) {
      const f = of(findings, id).filter((x) => x.objects[0].name === 'churn');
      assert.equal(f.length, 1, id);
    }
    const lag = of(findings, 'autovacuum-lagging').find((x) => x.objects[0].name === 'churn')!;
    assert.equal(lag.evidence.autovacuumEnabled, false);
    assert.ok(lag.fixSql.includes('ALTER TABLE public.churn RESET (autovacuum_enabled);'));
  });

  it('transaction-id-wraparound reports the aged table past a low threshold', () => {
    const f = of(findings, 'transaction-id-wraparound');
    assert.ok(f.some((x) => x.objects[0].name === 'aged'), JSON.stringify(f.map((x) => x.objects)));
  });

  it('sequence-exhaustion: the smallint sequence and the int column fed by a bigint sequence', () => {
    const f = of(findings, 'sequence-exhaustion');
    const small = f.find((x) => x.objects[0].name === 'small seq');
    assert.ok(small);
    assert.deepEqual(small.fixSql, ['ALTER SEQUENCE public."small seq" AS bigint;']);
    const ids = f.find((x) => x.objects[0].name === 'ids_seq');
    assert.ok(ids);
    assert.deepEqual(ids.fixSql, ['ALTER TABLE public.ids ALTER COLUMN id TYPE bigint;']);
  });

  it('invalid-constraint: the NOT VALID check', () => {
    const f = of(findings, 'invalid-constraint');
    assert.equal(f.length, 1);
    assert.deepEqual(f[0].fixSql, ['ALTER TABLE public.parent VALIDATE CONSTRAINT "positive id";']);
  });

  it('inactive-replication-slot: the reserved physical slot', () => {
    const f = of(findings, 'inactive-replication-slot').find((x) => x.objects[0].name === slot);
    assert.ok(f);
    assert.deepEqual(f.fixSql, [`SELECT pg_drop_replication_slot('${slot}');`]);
  });

  it('long-running-query, idle-in-transaction and blocked-session name the sessions and the blocker', () => {
    const long = of(findings, 'long-running-query').filter((x) => x.evidence.application === 'long runner');
    assert.equal(long.length, 1);
    assert.match(long[0].fixSql[0], /^SELECT pg_cancel_backend\(pid\) FROM pg_stat_activity WHERE pid = \d+ AND backend_start = '.+'::timestamptz;$/);
    const idle = of(findings, 'idle-in-transaction').filter((x) => x.evidence.application === 'idler');
    assert.equal(idle.length, 1);
    const blocked = of(findings, 'blocked-session');
    const mine = blocked.find((x) => (x.evidence.blocker as any).application === 'blocker');
    assert.ok(mine, JSON.stringify(blocked.map((x) => x.evidence)));
    assert.deepEqual((mine.evidence.waiters as any[]).map((w) => w.application), ['waiter']);
    assert.equal(mine.action?.kind, 'terminate-backend');
  });

  it('ssl-settings and superuser-application-role see the test clients (TCP, no SSL, superuser) but never PG Lens itself', () => {
    const ssl = of(findings, 'ssl-settings').filter((x) => x.objects[0].kind === 'session');
    assert.equal(ssl.length, 1);
    assert.ok(!JSON.stringify(ssl[0].evidence).includes('pg-lens'));
    const su = of(findings, 'superuser-application-role').filter((x) => (x.evidence.sessions as number) > 0);
    assert.equal(su.length, 1);
    assert.ok((su[0].evidence.applications as string[]).includes('long runner'));
    assert.ok(!su.some((x) => (x.evidence.applications as string[]).includes('pg-lens')));
  });

  it('replication-lag and failing WAL archiving cannot be produced without a standby or archiving: pure tests cover them', () => {
    announceFallback('standby server / archive_command', 'replication-lag and backup-freshness (archiving failing) are tested on facts in test/unit');
    assert.equal(of(findings, 'replication-lag').length, 0);
    assert.equal(of(findings, 'backup-freshness').filter((x) => x.objects[0].kind === 'archiver').length, 0);
  });
});

describe('health checks on a clean database', function () {
  const t = testDatabase('health_clean');
  before(async () => {
    await t.admin.query(`CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text UNIQUE)`);
    await t.admin.query(`CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id), total numeric)`);
    await t.admin.query(`CREATE INDEX orders_customer_id ON orders (customer_id)`);
    await t.admin.query(`INSERT INTO customers (email) SELECT 'c' || g || '@x' FROM generate_series(1, 100) g`);
    await t.admin.query(`INSERT INTO orders (customer_id, total) SELECT 1 + g % 100, g FROM generate_series(1, 1000) g`);
    await flushStats(t.admin);
    await t.admin.query(`ANALYZE`);
    // The index is used.
    await t.admin.query(`SET enable_seqscan = off`);
    await t.admin.query(`SELECT * FROM orders WHERE customer_id = 5`);
    await flushStats(t.admin);
  });

  it('produces no finding of the database-level checks', async () => {
    const db = await t.open();
    // Server-wide facts (other sessions of the test run, the server's own settings, the harness's superuser role) are not
    // this database's; test/db/dashboard/security.test.ts reads a clean database with a least-privilege role.
    const serverWide = new Set(['ssl-settings', 'superuser-application-role', 'audit-logging', 'backup-freshness', 'setting-review', 'long-running-query', 'idle-in-transaction', 'blocked-session', 'inactive-replication-slot']);
    const { findings } = await runHealth(db);
    const local = findings.filter((f) => !serverWide.has(f.checkId));
    assert.deepEqual(local.map((f) => `${f.checkId}: ${f.message}`), []);
  });
});

describe('health: index facts cached behind the catalog version probe', function () {
  const t = testDatabase('health_cache');
  before(async () => {
    // No autovacuum here: the insert's counts can reach the shared statistics after the test's own ANALYZE, and an
    // autoanalyze then (a new analyse time, so widths read again) failed "kept between runs" on a loaded machine.
    await t.admin.query(`CREATE TABLE items (id int PRIMARY KEY, sku text, qty int) WITH (autovacuum_enabled = off)`);
    await t.admin.query(`CREATE INDEX items_sku ON items (sku)`);
  });

  const index = (facts: Awaited<ReturnType<typeof runHealth>>['facts'], name: string) => facts.indexes.find((i) => i.name === name);

  it('a later run sees renamed columns and indexes, new and dropped indexes, fresh sizes and scans, and widths after ANALYZE', async () => {
    const db = await t.open();
    const first = (await runHealth(db)).facts;
    assert.match(index(first, 'items_sku')!.definition, /\(sku\)/);
    // Unchanged catalog: the same facts again (from the cache).
    const again = (await runHealth(db)).facts;
    assert.deepEqual(again.indexes.map((i) => i.definition).sort(), first.indexes.map((i) => i.definition).sort());
    // A column rename changes only pg_attribute.
    await t.admin.query(`ALTER TABLE items RENAME COLUMN sku TO code`);
    assert.match(index((await runHealth(db)).facts, 'items_sku')!.definition, /\(code\)/);
    await t.admin.query(`ALTER INDEX items_sku RENAME TO items_code`);
    await t.admin.query(`CREATE INDEX items_qty ON items (qty)`);
    let facts = (await runHealth(db)).facts;
    assert.ok(index(facts, 'items_code') && index(facts, 'items_qty') && !index(facts, 'items_sku'));
    await t.admin.query(`DROP INDEX items_qty`);
    assert.equal(index((await runHealth(db)).facts, 'items_qty'), undefined);
    // Sizes and scans change without DDL (VACUUM/ANALYZE write relpages in place): read every run.
    await t.admin.query(`INSERT INTO items SELECT g, 'c' || g, g FROM generate_series(1, 20000) g`);
    await t.admin.query(`VACUUM ANALYZE items`);
    await t.admin.query(`SET enable_seqscan = off`);
    await t.admin.query(`SELECT * FROM items WHERE code = 'c5'`);
    await flushStats(t.admin);
    facts = (await runHealth(db)).facts;
    assert.ok(index(facts, 'items_code')!.relpages > 1, 'relpages after VACUUM');
    assert.ok(index(facts, 'items_code')!.scans! >= 1, 'the scan counted');
    // The width estimate behind index-bloat: read again after ANALYZE (pg_statistic changed), then kept, with its age.
    assert.ok(index(facts, 'items_code')!.dataWidth! > 0, 'a width from pg_stats after ANALYZE');
    assert.equal(facts.bloatWidthsAgeSeconds, 0);
    await new Promise((r) => setTimeout(r, 1100));
    const later = (await runHealth(db)).facts;
    assert.equal(index(later, 'items_code')!.dataWidth, index(facts, 'items_code')!.dataWidth);
    assert.ok(later.bloatWidthsAgeSeconds! >= 1, `kept between runs, with its age (${later.bloatWidthsAgeSeconds} s)`);
  });

  it('the probe reads the same in every transaction while the catalog is unchanged, and another after DDL', async () => {
    const probe = async () => String((await t.admin.query(HEALTH_SQL.catalogVersion, [10])).rows[0].version);
    const before = await probe();
    // Transaction ids move on (each of these takes one): the probe's xmin sums must not move with them.
    for (let i = 0; i < 3; i++) await t.admin.query(`SELECT txid_current()`);
    assert.equal(await probe(), before);
    await t.admin.query(`CREATE TABLE probed (x int)`);
    const after = await probe();
    assert.notEqual(after, before);
    await t.admin.query(`SELECT txid_current()`);
    assert.equal(await probe(), after);
  });

  it('a later run sees each DDL that writes one catalog only: a schema renamed (pg_namespace), a table renamed (pg_class), a constraint put on an index (pg_constraint), a column renamed (pg_attribute), CREATE INDEX CONCURRENTLY validating (pg_index)', async () => {
    const sessions: Client[] = [];
    try {
      await t.admin.query(`CREATE SCHEMA shop`);
      await t.admin.query(`CREATE TABLE shop.orders (id int, ref text, total int) WITH (autovacuum_enabled = off)`);
      await t.admin.query(`CREATE UNIQUE INDEX orders_ref_key ON shop.orders (ref)`);
      const db = await t.open();
      const orders = async (name: string) => (await runHealth(db)).facts.indexes.find((i) => i.name === name)!;
      assert.equal((await orders('orders_ref_key')).schema, 'shop');
      await t.admin.query(`ALTER SCHEMA shop RENAME TO store`);
      assert.equal((await orders('orders_ref_key')).schema, 'store', 'the schema renamed');
      await t.admin.query(`ALTER TABLE store.orders RENAME TO purchases`);
      assert.equal((await orders('orders_ref_key')).table, 'purchases', 'the table renamed');
      // The constraint takes the index's own name: PostgreSQL writes its pg_constraint row only.
      assert.equal((await orders('orders_ref_key')).constraint, null);
      await t.admin.query(`ALTER TABLE store.purchases ADD CONSTRAINT orders_ref_key UNIQUE USING INDEX orders_ref_key`);
      assert.equal((await orders('orders_ref_key')).constraint, 'orders_ref_key', 'the constraint added on the index');
      await t.admin.query(`ALTER TABLE store.purchases RENAME COLUMN total TO amount`);
      await t.admin.query(`CREATE INDEX purchases_amount ON store.purchases (amount)`);
      await t.admin.query(`ALTER TABLE store.purchases RENAME COLUMN amount TO sum`);
      assert.match((await orders('purchases_amount')).definition, /\(sum\)/, 'the column renamed');
      // CREATE INDEX CONCURRENTLY commits the index invalid, waits for the open writer, then marks it valid (pg_index only).
      const writer = await extraSession(t.url, 'writer', sessions);
      await writer.query(`BEGIN`);
      await writer.query(`INSERT INTO store.purchases VALUES (1, 'r1', 1)`);
      const builder = await extraSession(t.url, 'builder', sessions);
      const built = builder.query(`CREATE INDEX CONCURRENTLY purchases_id ON store.purchases (id)`);
      built.catch(() => undefined);
      await waitFor(async () => (await t.admin.query(`SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('store.purchases_id')`)).rowCount, 'the index committed, not yet valid');
      assert.equal((await orders('purchases_id')).valid, false, 'invalid while it is built');
      await writer.query(`COMMIT`);
      await built;
      assert.equal((await orders('purchases_id')).valid, true, 'valid once CREATE INDEX CONCURRENTLY finished');
    } finally {
      for (const c of sessions) await c.end().catch(() => undefined);
    }
  });
});
