import * as assert from 'node:assert/strict';
import { capFindings, HEALTH_CHECKS, runHealthChecks, type HealthFacts } from '../../../../src/core/health';
import { estimateIndexBloat, estimateTableBloat } from '../../../../src/core/health/checks/bloat';
import { covers, foreignKeyAdviceLine, indexDefinition, reindexLeftover } from '../../../../src/core/health/checks/indexes';
import { rootBlocker } from '../../../../src/core/health/checks/sessions';
import { settingBytes } from '../../../../src/core/health/checks/server';
import { facts, index, session, table } from './facts';

const ids = (f: ReturnType<typeof runHealthChecks>) => f.map((x) => x.checkId);

describe('core/health', () => {
  it('every check has a unique kebab-case id, a title and a summary', () => {
    const seen = new Set<string>();
    for (const c of HEALTH_CHECKS) {
      assert.match(c.id, /^[a-z]+(-[a-z]+)*$/);
      assert.ok(!seen.has(c.id), c.id);
      seen.add(c.id);
      assert.ok(c.title && c.summary);
    }
  });

  it('clean facts give no finding', () => {
    assert.deepEqual(runHealthChecks(facts()), []);
  });

  describe('sessions', () => {
    it('long-running-query fires past the threshold, never for our own sessions', () => {
      const f = facts({ sessions: [session({ pid: 1, querySeconds: 120 }), session({ pid: 2, querySeconds: 120, own: true }), session({ pid: 3, querySeconds: 5 })] });
      const out = runHealthChecks(f, {}, ['long-running-query']);
      assert.deepEqual(out.map((x) => x.objects[0].pid), [1]);
      assert.deepEqual(out[0].action, { kind: 'cancel-backend', pid: 1, backendStart: '2026-01-01 10:00:00.123456+00' });
      assert.equal(out[0].fixSql[0], "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE pid = 1 AND backend_start = '2026-01-01 10:00:00.123456+00'::timestamptz;");
    });

    it('idle-in-transaction counts from the state change, including aborted transactions', () => {
      const f = facts({ sessions: [session({ pid: 1, state: 'idle in transaction (aborted)', stateSeconds: 61 }), session({ pid: 2, state: 'idle in transaction', stateSeconds: 59 })] });
      const out = runHealthChecks(f, {}, ['idle-in-transaction']);
      assert.deepEqual(out.map((x) => x.objects[0].pid), [1]);
      assert.deepEqual(out[0].action, { kind: 'terminate-backend', pid: 1, backendStart: '2026-01-01 10:00:00.123456+00' });
      assert.equal(out[0].fixSql[0], "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = 1 AND backend_start = '2026-01-01 10:00:00.123456+00'::timestamptz;");
    });

    it('blocked-session groups waiters under the head of the chain', () => {
      const f = facts({
        sessions: [
          session({ pid: 1, state: 'idle in transaction', stateSeconds: 100 }),
          session({ pid: 2, blockedBy: [1], stateSeconds: 10, waitEventType: 'Lock' }),
          session({ pid: 3, blockedBy: [2], stateSeconds: 8, waitEventType: 'Lock' }),
        ],
      });
      const out = runHealthChecks(f, {}, ['blocked-session']);
      assert.equal(out.length, 1);
      assert.equal(out[0].objects[0].pid, 1);
      assert.deepEqual((out[0].evidence.waiters as any[]).map((w) => w.pid), [2, 3]);
      assert.equal(out[0].action?.kind, 'terminate-backend');
      assert.match(out[0].fixSql[0], /^SELECT pg_terminate_backend\(pid\) FROM pg_stat_activity WHERE pid = 1 AND/);
      // Blocked by our own session: no fix and no action offered.
      const own = runHealthChecks(facts({ sessions: [session({ pid: 1, own: true, state: 'idle in transaction', stateSeconds: 100 }), session({ pid: 2, blockedBy: [1], stateSeconds: 10, waitEventType: 'Lock' })] }), {}, ['blocked-session']);
      assert.equal(own.length, 1);
      assert.deepEqual([own[0].fixSql, own[0].action], [[], undefined]);
    });

    it('rootBlocker stops on a cycle', () => {
      const m = new Map([[1, { blockedBy: [2] }], [2, { blockedBy: [1] }]]);
      assert.equal(rootBlocker(1, m), 2);
    });

    it('ssl-settings: TCP sessions without SSL fire, Unix sockets and our own sessions do not', () => {
      const f = facts({ sessions: [session({ pid: 1, ssl: false }), session({ pid: 2, ssl: false, clientAddr: null }), session({ pid: 3, ssl: false, own: true, superuser: true })] });
      const out = runHealthChecks(f, {}, ['ssl-settings']);
      assert.deepEqual(out.map((x) => [x.checkId, x.objects.map((o) => o.pid)]), [['ssl-settings', [1]]]);
      assert.deepEqual(runHealthChecks(facts({ sessions: [session()] }), {}, ['ssl-settings']), []);
    });
  });

  describe('indexes', () => {
    it('covers: prefix b-tree, same opclasses and predicate; unique and constraint indexes are kept', () => {
      const a = index({ oid: 1, columns: [1], keyColumns: 1, opclasses: '1978' });
      const b = index({ oid: 2, columns: [1, 2], columnNames: ['a', 'b'], keyColumns: 2, opclasses: '1978 1978' });
      assert.ok(covers(b, a));
      assert.ok(!covers(a, b));
      assert.ok(!covers(b, { ...a, opclasses: '3126' }));
      assert.ok(!covers(b, { ...a, predicate: '(a > 0)' }));
      assert.ok(!covers(b, { ...a, unique: true }));
      assert.ok(covers({ ...a, oid: 3, unique: true }, { ...a, unique: true }));
      assert.ok(!covers(b, { ...a, constraint: 'a_key' }));
      assert.ok(!covers({ ...b, method: 'gin' }, { ...a, method: 'gin' }));
      assert.ok(covers({ ...a, oid: 9, method: 'gin' }, { ...a, method: 'gin' }));
    });

    it('duplicate-index drops exact twins once and keeps the widest', () => {
      const f = facts({
        indexes: [
          index({ oid: 1, name: 'x1' }),
          index({ oid: 2, name: 'x2' }),
          index({ oid: 3, name: 'xy', columns: [1, 2], columnNames: ['a', 'b'], keyColumns: 2, opclasses: '1978 1978' }),
        ],
      });
      const out = runHealthChecks(f, {}, ['duplicate-index']);
      assert.deepEqual(out.map((x) => [x.objects[0].name, x.objects[1].name]).sort(), [['x1', 'xy'], ['x2', 'xy']]);
    });

    it('duplicate-index finds a covered index however the table\'s other indexes start (a shortcut passes over tables whose indexes all start differently), expression indexes (column 0) included', () => {
      const f = facts({
        indexes: [
          // Table 1: (a), (b), (b, a): only (b) is covered.
          index({ oid: 1, name: 'a1', tableOid: 1, columns: [1], columnNames: ['a'] }),
          index({ oid: 2, name: 'b1', tableOid: 1, columns: [2], columnNames: ['b'] }),
          index({ oid: 3, name: 'ba1', tableOid: 1, columns: [2, 1], columnNames: ['b', 'a'], keyColumns: 2, opclasses: '1978 1978' }),
          // Table 2: (a), (b): nothing shared, nothing covered.
          index({ oid: 4, name: 'a2', tableOid: 2, table: 't2', columns: [1], columnNames: ['a'] }),
          index({ oid: 5, name: 'b2', tableOid: 2, table: 't2', columns: [2], columnNames: ['b'] }),
          // Table 3: two indexes on the same expression (columns [0]).
          index({ oid: 6, name: 'lower1', tableOid: 3, table: 't3', columns: [0], columnNames: [null], expressions: 'lower(email)' }),
          index({ oid: 7, name: 'lower2', tableOid: 3, table: 't3', columns: [0], columnNames: [null], expressions: 'lower(email)' }),
        ],
      });
      const out = runHealthChecks(f, {}, ['duplicate-index']);
      assert.deepEqual(out.map((x) => [x.objects[0].name, x.objects[1].name]).sort(), [['b1', 'ba1'], ['lower2', 'lower1']]);
    });

    it("duplicate-index on a framework's own table (Django's auth_*, django_*): information that says it is not actionable from the app (issue 20, person17 LOW 4)", () => {
      const on = (table: string) => facts({ indexes: [index({ oid: 1, name: `${table}_group_id`, table }), index({ oid: 2, name: `${table}_uniq`, table, columns: [1, 2], columnNames: ['a', 'b'], keyColumns: 2, opclasses: '1978 1978', unique: true })] });
      const auth = runHealthChecks(on('auth_user_groups'), {}, ['duplicate-index']);
      assert.equal(auth.length, 1);
      assert.equal(auth[0].severity, 'info');
      assert.match(auth[0].message, /auth_user_groups is a table of Django's django\.contrib\.auth: .*not actionable from the app/);
      const mine = runHealthChecks(on('catalog_book_genre'), {}, ['duplicate-index']);
      assert.equal(mine[0].severity, 'warning');
      assert.doesNotMatch(mine[0].message, /not actionable/);
    });

    it('unused-index leaves unique, primary and constraint indexes alone and waits for old enough statistics', () => {
      const f = facts({ indexes: [index({ oid: 1, scans: 0, name: 'u' }), index({ oid: 2, scans: 0, unique: true }), index({ oid: 3, scans: 0, constraint: 'c' }), index({ oid: 4, scans: 3 })], statsAgeSeconds: 3600 });
      assert.deepEqual(runHealthChecks(f, { unusedIndexMinStatsAgeSeconds: 0 }, ['unused-index']).map((x) => x.objects[0].oid), [1]);
      assert.deepEqual(runHealthChecks(f, { unusedIndexMinStatsAgeSeconds: 86400 }, ['unused-index']), []);
      assert.deepEqual(runHealthChecks(f, {}, ['unused-index']), [], 'by default (CLI health and report too) statistics an hour old are too young: a week, as the editor');
      assert.deepEqual(runHealthChecks({ ...f, statsAgeSeconds: 8 * 86400 }, {}, ['unused-index']).map((x) => x.objects[0].oid), [1]);
    });

    it('unindexed-foreign-key accepts an index whose leading columns are the key in any order, not a partial one', () => {
      const fk = { oid: 5, schema: 's', table: 't', tableOid: 10, name: 'fk', columns: [2, 3], columnNames: ['b', 'c'], referencedSchema: 's', referencedTable: 'p', tableRows: 50000 };
      const good = index({ columns: [3, 2, 1], keyColumns: 3 });
      assert.deepEqual(runHealthChecks(facts({ foreignKeys: [fk], indexes: [good] }), {}, ['unindexed-foreign-key']), []);
      const partial = index({ columns: [2, 3], keyColumns: 2, predicate: '(b IS NOT NULL)' });
      const out = runHealthChecks(facts({ foreignKeys: [fk], indexes: [partial] }), {}, ['unindexed-foreign-key']);
      assert.equal(out.length, 1);
      assert.equal(out[0].severity, 'warning');
      // Named by the one naming helper (as the index advice names its indexes).
      assert.deepEqual(out[0].fixSql, ['CREATE INDEX CONCURRENTLY t_b_c_idx ON s.t (b, c);']);
      // The table shown with the finding is the referencing one, whose rows the evidence counts (not the referenced s.p).
      assert.deepEqual(out[0].objects.map((o) => `${o.kind} ${o.schema}.${o.name}`), ['constraint s.fk', 'table s.t']);
      assert.deepEqual(out[0].evidence, { table: 's.t', columns: ['b', 'c'], references: 's.p', tableRows: 50000 });
    });

    it('unindexed-foreign-key: the fix is the index advice\'s index when it leads with the key\'s columns, never a narrower rival (person30 L3)', () => {
      const fk = { oid: 5, schema: 'public', table: 'reviews', tableOid: 10, name: 'reviews_product_id_fkey', columns: [2], columnNames: ['product_id'], referencedSchema: 'public', referencedTable: 'products', tableRows: 24000 };
      const advised = { table: 'reviews', columns: ['product_id', 'created_at DESC'], ddl: 'CREATE INDEX CONCURRENTLY reviews_product_id_created_at_desc_idx ON reviews (product_id, created_at DESC)' };
      const run = (advisedIndexes: typeof advised[], indexes = [index({ name: 'reviews_pkey', schema: 'public', table: 'reviews', columns: [1], keyColumns: 1, unique: true, primary: true })]) =>
        runHealthChecks(facts({ foreignKeys: [fk], indexes, advisedIndexes }), {}, ['unindexed-foreign-key']);
      const withAdvice = run([{ table: 'orders', columns: ['customer_id'], ddl: 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id)' }, advised]);
      assert.equal(withAdvice.length, 1);
      // The same name and DDL as the hover and the Problems panel.
      assert.deepEqual(withAdvice[0].fixSql, ['CREATE INDEX CONCURRENTLY reviews_product_id_created_at_desc_idx ON reviews (product_id, created_at DESC);']);
      assert.match(withAdvice[0].help ?? '', /reviews_product_id_created_at_desc_idx .* serves the foreign key too/);
      // Advice whose leading column is another one does not serve the key: the check's own index, by the naming helper
      // (made unique in the schema).
      const other = run([{ table: 'reviews', columns: ['created_at DESC', 'product_id'], ddl: 'CREATE INDEX CONCURRENTLY reviews_created_at_desc_product_id_idx ON reviews (created_at DESC, product_id)' }], [index({ name: 'reviews_product_id_idx', schema: 'public', table: 'reviews', columns: [2], keyColumns: 1, predicate: '(product_id > 0)' })]);
      assert.deepEqual(other[0].fixSql, ['CREATE INDEX CONCURRENTLY reviews_product_id_idx_2 ON public.reviews (product_id);']);
      assert.deepEqual(run([])[0].fixSql, ['CREATE INDEX CONCURRENTLY reviews_product_id_idx ON public.reviews (product_id);']);
    });

    it('unindexed-foreign-key: while the index advice on the table is not decided, no fix and it says so — not the narrow index (issue 20, person33 M2)', () => {
      const fk = { oid: 5, schema: 'public', table: 'orders', tableOid: 10, name: 'orders_customer_id_fkey', columns: [2], columnNames: ['customer_id'], referencedSchema: 'public', referencedTable: 'customers', tableRows: 32000 };
      const wide = { table: 'orders', columns: ['customer_id', 'placed_at DESC'], ddl: 'CREATE INDEX CONCURRENTLY orders_customer_id_placed_at_desc_idx ON orders (customer_id, placed_at DESC)' };
      const run = (more: Partial<HealthFacts>) => runHealthChecks(facts({ foreignKeys: [fk], ...more }), {}, ['unindexed-foreign-key']);
      // The decision over the workspace is still being made: every foreign key waits for it.
      for (const pending of ['all', ['public.orders'], ['orders']] as const) {
        const [f] = run({ indexAdvicePending: pending });
        assert.deepEqual(f.fixSql, [], `pending ${JSON.stringify(pending)}`);
        assert.match(f.help ?? '', /^Index advice for public\.orders not ready yet — the fix is shown when it is/);
        assert.equal(f.severity, 'warning'); // the finding itself stands
      }
      // Held back on another table only: this key's advice is decided, and none leads with its columns: the narrow index.
      assert.deepEqual(run({ indexAdvicePending: ['public.reviews'] })[0].fixSql, ['CREATE INDEX CONCURRENTLY orders_customer_id_idx ON public.orders (customer_id);']);
      // An advised index that serves the key while the table is pending: not yet either (a candidate not built yet may
      // replace it: the demo named orders (customer_id, total_cents) INCLUDE (…) before (customer_id, placed_at DESC)).
      const covering = { table: 'orders', columns: ['customer_id', 'total_cents'], ddl: 'CREATE INDEX CONCURRENTLY orders_customer_id_total_cents_covering_id_status_placed_at_idx ON orders (customer_id, total_cents) INCLUDE (id, status, placed_at)' };
      assert.deepEqual(run({ indexAdvicePending: ['public.orders'], advisedIndexes: [covering] })[0].fixSql, []);
      // Decided: the advised index that serves the key.
      assert.deepEqual(run({ advisedIndexes: [wide] })[0].fixSql, ['CREATE INDEX CONCURRENTLY orders_customer_id_placed_at_desc_idx ON orders (customer_id, placed_at DESC);']);
      // Decided, with no advised index on the key's columns: the narrow index, as before.
      assert.deepEqual(run({})[0].fixSql, ['CREATE INDEX CONCURRENTLY orders_customer_id_idx ON public.orders (customer_id);']);
    });

    it('unindexed-foreign-key: a unique index on some of the key\'s columns serves it (issue 20, person16 LOW 11)', () => {
      // trash (file_id, collection_id) REFERENCES collection_files: trash's primary key is (file_id).
      const fk = { oid: 5, schema: 's', table: 'trash', tableOid: 10, name: 'fk_trash_keys_collection_files', columns: [1, 2], columnNames: ['file_id', 'collection_id'], referencedSchema: 's', referencedTable: 'collection_files', tableRows: 20000 };
      const pkey = index({ columns: [1], keyColumns: 1, unique: true, primary: true });
      assert.deepEqual(runHealthChecks(facts({ foreignKeys: [fk], indexes: [pkey] }), {}, ['unindexed-foreign-key']), []);
      // Not unique: (file_id) alone still leaves many rows per key value to read, and a unique index on another column does not count.
      assert.equal(runHealthChecks(facts({ foreignKeys: [fk], indexes: [index({ columns: [1], keyColumns: 1 })] }), {}, ['unindexed-foreign-key']).length, 1);
      assert.equal(runHealthChecks(facts({ foreignKeys: [fk], indexes: [index({ columns: [3], keyColumns: 1, unique: true })] }), {}, ['unindexed-foreign-key']).length, 1);
      assert.equal(runHealthChecks(facts({ foreignKeys: [fk], indexes: [index({ columns: [1, 3], keyColumns: 2, unique: true })] }), {}, ['unindexed-foreign-key']).length, 1);
    });

    it('indexDefinition quotes names and shows INCLUDE and WHERE', () => {
      const d = indexDefinition(index({ name: 'My Index', schema: 'a.b', table: 'order', columns: [1, 0, 3], columnNames: ['x', null, 'z'], keyColumns: 2, expressions: 'lower(y)', predicate: '(x > 0)', unique: true }));
      assert.equal(d, 'CREATE UNIQUE INDEX "My Index" ON "a.b"."order" USING btree (x, (lower(y))) INCLUDE (z) WHERE (x > 0)');
    });
  });

  describe('bloat estimates', () => {
    it('a table twice the size its rows need is about half bloat; missing statistics give no estimate', () => {
      // 40-byte rows: (24 + 40 + 4) = 68 bytes → 120 rows per page; 12,000 rows need 100 pages.
      const e = estimateTableBloat({ relpages: 200, reltuples: 12000, tupleWidth: 40, maxNullFrac: 0, fillfactor: null })!;
      assert.ok(Math.abs(e.bloatShare - 0.5) < 0.02, String(e.bloatShare));
      assert.equal(estimateTableBloat({ relpages: 200, reltuples: 12000, tupleWidth: null, maxNullFrac: 0, fillfactor: null }), undefined);
    });
    it('index estimate only for b-trees', () => {
      assert.ok(estimateIndexBloat({ method: 'btree', relpages: 1000, reltuples: 10000, dataWidth: 8, maxNullFrac: 0, fillfactor: null })!.bloatShare > 0.9);
      assert.equal(estimateIndexBloat({ method: 'gin', relpages: 1000, reltuples: 10000, dataWidth: 8, maxNullFrac: 0, fillfactor: null }), undefined);
    });
    it('index-bloat and table-bloat: past both thresholds only, a warning from 70%, largest first, with the estimate and the widths\' age', () => {
      const f = facts({
        bloatWidthsAgeSeconds: 120,
        tables: [
          table({ oid: 1, name: 'half', relpages: 200, reltuples: 12000, tupleWidth: 40 }),
          table({ oid: 2, name: 'most', relpages: 1000, reltuples: 12000, tupleWidth: 40 }),
          table({ oid: 3, name: 'small', relpages: 2, reltuples: 60, tupleWidth: 40 }),
          table({ oid: 4, name: 'tight', relpages: 101, reltuples: 12000, tupleWidth: 40 }),
        ],
        indexes: [index({ oid: 5, name: 'ix', method: 'btree', relpages: 1000, reltuples: 10000, dataWidth: 8 }), index({ oid: 6, name: 'gx', method: 'gin', relpages: 1000, reltuples: 10000, dataWidth: 8 })],
      });
      const tables = runHealthChecks(f, { bloatMinBytes: 64 * 1024 }, ['table-bloat']);
      assert.deepEqual(tables.map((x) => [x.objects[0].oid, x.severity]), [[2, 'warning'], [1, 'info']]);
      assert.match(tables[1].message, /^Table public\.half is about 50% bloat \(/);
      assert.equal(tables[0].evidence.widthsAgeSeconds, 120);
      assert.equal(tables[0].evidence.estimate, true);
      assert.match(tables[0].fixSql[0], /^VACUUM \(FULL, ANALYZE\) /);
      assert.equal(tables[0].action?.kind, 'vacuum-analyze');
      const indexes = runHealthChecks(f, { bloatMinBytes: 64 * 1024 }, ['index-bloat']);
      assert.deepEqual(indexes.map((x) => [x.objects[0].oid, x.severity]), [[5, 'warning']]);
      assert.match(indexes[0].message, /^Index public\.ix is about 9\d% bloat/);
      assert.equal(indexes[0].action?.kind, 'reindex-index');
    });
  });

  describe('tables', () => {
    it('dead-tuples needs both the count and the share', () => {
      const f = facts({ tables: [table({ oid: 1, deadTuples: 20000, liveTuples: 50000 }), table({ oid: 2, deadTuples: 20000, liveTuples: 500000 }), table({ oid: 3, deadTuples: 500, liveTuples: 100 })] });
      assert.deepEqual(runHealthChecks(f, {}, ['dead-tuples']).map((x) => x.objects[0].oid), [1]);
    });
    it('dead-tuples and long-running-query report the worst first', () => {
      const t = facts({ tables: [table({ oid: 1, deadTuples: 20000, liveTuples: 1000 }), table({ oid: 2, deadTuples: 90000, liveTuples: 1000 }), table({ oid: 3, deadTuples: 50000, liveTuples: 1000 })] });
      assert.deepEqual(runHealthChecks(t, {}, ['dead-tuples']).map((x) => x.objects[0].oid), [2, 3, 1]);
      const s = facts({ sessions: [session({ pid: 1, state: 'active', querySeconds: 400 }), session({ pid: 2, state: 'active', querySeconds: 9000 }), session({ pid: 3, state: 'active', querySeconds: 1000 })] });
      assert.deepEqual(runHealthChecks(s, {}, ['long-running-query']).map((x) => x.objects[0].pid), [2, 3, 1]);
    });
    it('autovacuum-lagging: past twice the trigger and not vacuumed for a day', () => {
      const base = { deadTuples: 5000, reltuples: 10000 }; // trigger 50 + 2000
      const f = facts({ tables: [table({ oid: 1, ...base, vacuumAgeSeconds: 2 * 86400 }), table({ oid: 2, ...base, vacuumAgeSeconds: 60 }), table({ oid: 3, deadTuples: 3000, reltuples: 10000, vacuumAgeSeconds: null })] });
      assert.deepEqual(runHealthChecks(f, {}, ['autovacuum-lagging']).map((x) => x.objects[0].oid), [1]);
    });
    it('stale-statistics compares n_mod_since_analyze with the autoanalyze trigger', () => {
      const f = facts({ tables: [table({ oid: 1, modsSinceAnalyze: 5000, reltuples: 10000 }), table({ oid: 2, modsSinceAnalyze: 1500, reltuples: 10000 })] });
      assert.deepEqual(runHealthChecks(f, {}, ['stale-statistics']).map((x) => x.objects[0].oid), [1]);
    });
    it('a finding the dashboard can fix shows as fix SQL the statement its action runs, on the quoted name', () => {
      const name = { schema: 'S x', name: 'T"y' };
      const f = facts({
        statsAgeSeconds: 30 * 86400,
        tables: [table({ oid: 1, ...name, deadTuples: 20000, liveTuples: 1000, reltuples: 1000, modsSinceAnalyze: 50000, vacuumAgeSeconds: 2 * 86400 })],
        indexes: [index({ oid: 2, ...name, scans: 0 }), index({ oid: 3, schema: 'S x', name: 'bad', valid: false })],
      });
      const fixes = runHealthChecks(f, {}, ['dead-tuples', 'stale-statistics', 'autovacuum-lagging', 'unused-index', 'invalid-index'])
        .map((x) => [x.checkId, x.action?.kind, x.action && 'oid' in x.action ? x.action.oid : undefined, x.fixSql[0]]);
      assert.deepEqual(fixes.sort(), [
        ['autovacuum-lagging', 'vacuum-analyze', 1, 'VACUUM (ANALYZE) "S x"."T""y";'],
        ['dead-tuples', 'vacuum-analyze', 1, 'VACUUM (ANALYZE) "S x"."T""y";'],
        ['invalid-index', 'reindex-index', 3, 'REINDEX INDEX CONCURRENTLY "S x".bad;'],
        ['stale-statistics', 'analyze', 1, 'ANALYZE "S x"."T""y";'],
        ['unused-index', 'drop-index', 2, 'DROP INDEX CONCURRENTLY "S x"."T""y";'],
      ]);
    });
    it('invalid-index (person45 H2): a REINDEX\'s _ccnew/_ccold leftover is named as one, with its DROP; a unique key not checked keeps REINDEX and warns', () => {
      assert.deepEqual(reindexLeftover('orders_x_ccnew'), { of: 'orders_x', kind: 'ccnew' });
      assert.deepEqual(reindexLeftover('orders_x_ccold2'), { of: 'orders_x', kind: 'ccold' });
      assert.equal(reindexLeftover('orders_ccnews'), undefined);
      const f = facts({
        indexes: [
          index({ oid: 1, name: 'uq', unique: true, valid: true, tableOid: 9 }),
          index({ oid: 2, name: 'uq_ccold', unique: true, valid: false, tableOid: 9 }),
          index({ oid: 3, name: 'k', unique: true, valid: false, tableOid: 9 }),
          // A look-alike name with no index of that name on its table: an ordinary invalid index.
          index({ oid: 4, name: 'gone_ccnew', valid: false, tableOid: 9 }),
        ],
        uniqueKeyChecks: [{ oid: 3, duplicatedKeys: null, limit: 100, notChecked: 'the check was stopped after 3 s' }],
      });
      const out = runHealthChecks(f, {}, ['invalid-index']);
      const by = (oid: number) => out.find((x) => x.objects[0].oid === oid)!;
      assert.match(by(2).message, /is invalid: it is the old copy of uq a REINDEX INDEX CONCURRENTLY left behind after it swapped in the new one\.$/);
      assert.equal(by(2).action?.kind, 'drop-index');
      assert.match(by(3).message, /It is UNIQUE and its key was not checked for duplicates \(the check was stopped after 3 s\)\.$/);
      assert.equal(by(3).action?.kind, 'reindex-index');
      assert.match(by(3).help ?? '', /If the key has duplicates, a REINDEX fails the same way and leaves a second invalid index \(<name>_ccnew\): drop this one instead\./);
      assert.equal(by(4).action?.kind, 'reindex-index');
      assert.equal(by(4).help, 'Rebuild it, or drop it if it was a failed attempt you no longer want.');
    });
    it('invalid-index: a duplicates count stopped at the check\'s limit is a lower bound in the line and in the evidence; one under it is exact (person46 NEW-2)', () => {
      const f = (duplicatedKeys: number) => facts({ indexes: [index({ oid: 3, name: 'k', unique: true, valid: false, tableOid: 9 })], uniqueKeyChecks: [{ oid: 3, duplicatedKeys, limit: 100, example: '(product_id)=(42)', exampleRows: 3 }] });
      const [capped] = runHealthChecks(f(100), {}, ['invalid-index']);
      assert.match(capped.message, /\(at least 100 keys duplicated, e\.g\./);
      assert.equal(capped.evidence.duplicatedKeysAtLeast, 100);
      assert.equal('duplicatedKeys' in capped.evidence, false, 'no figure that reads as exact');
      const [exact] = runHealthChecks(f(7), {}, ['invalid-index']);
      assert.match(exact.message, /\(7 keys duplicated, e\.g\./);
      assert.equal(exact.evidence.duplicatedKeys, 7);
      assert.equal('duplicatedKeysAtLeast' in exact.evidence, false);
    });
    it('transaction-id-wraparound: warning then error', () => {
      const f = facts({ databases: [{ name: 'a', frozenXidAge: 1.2e9 }, { name: 'b', frozenXidAge: 1.7e9 }, { name: 'c', frozenXidAge: 2e8 }] });
      assert.deepEqual(runHealthChecks(f, {}, ['transaction-id-wraparound']).map((x) => [x.objects[0].name, x.severity]), [['b', 'error'], ['a', 'warning']]);
    });
    it('sequence-exhaustion: descending sequences and never-used ones', () => {
      const f = facts({
        sequences: [
          { schema: 's', name: 'down', dataType: 'integer', lastValue: -2100000000, minValue: -2147483648, maxValue: -1, increment: -1, ownedBy: null },
          { schema: 's', name: 'unused', dataType: 'smallint', lastValue: null, minValue: 1, maxValue: 32767, increment: 1, ownedBy: null },
        ],
      });
      assert.deepEqual(runHealthChecks(f, {}, ['sequence-exhaustion']).map((x) => x.objects[0].name), ['down']);
    });
  });

  describe('replication and server', () => {
    it('replication-lag from pg_stat_replication and on a standby', () => {
      const f = facts({ replicas: [{ applicationName: 'r1', clientAddr: '10.0.0.2', state: 'streaming', replayLagSeconds: 120, replayLagBytes: 1e6 }, { applicationName: 'r2', clientAddr: null, state: 'streaming', replayLagSeconds: 1, replayLagBytes: 0 }] });
      assert.deepEqual(runHealthChecks(f, {}, ['replication-lag']).map((x) => x.objects[0].name), ['r1']);
      assert.equal(runHealthChecks(facts({ inRecovery: true, standbyReplayDelaySeconds: 300 }), {}, ['replication-lag']).length, 1);
    });
    it('backup-freshness: archiving failing only while failing, and not with archiving off', () => {
      const a = { archiveMode: 'on', archivedCount: 10, failedCount: 3, lastFailedWal: '0000000100000000000000AB', lastFailedTime: '2026-01-01', lastArchivedTime: '2025-12-31', failingNow: true };
      const failing = (x: ReturnType<typeof runHealthChecks>) => x.filter((f) => f.severity === 'error');
      assert.equal(failing(runHealthChecks(facts({ archiver: a }), {}, ['backup-freshness'])).length, 1);
      assert.equal(failing(runHealthChecks(facts({ archiver: { ...a, failingNow: false } }), {}, ['backup-freshness'])).length, 0);
      assert.equal(failing(runHealthChecks(facts({ archiver: { ...a, archiveMode: 'off' } }), {}, ['backup-freshness'])).length, 0);
    });
    it('inactive-replication-slot quotes the slot name as a literal', () => {
      const out = runHealthChecks(facts({ slots: [{ name: "o'slot", type: 'logical', active: false, database: 'app', retainedBytes: 2 ** 31, walStatus: 'extended' }] }), {}, ['inactive-replication-slot']);
      assert.deepEqual(out[0].fixSql, ["SELECT pg_drop_replication_slot('o''slot');"]);
      assert.equal(out[0].severity, 'error');
    });
    it('setting-review reads units and judges work_mem only when temp files were written', () => {
      const settings = { shared_buffers: { setting: '16384', unit: '8kB' }, work_mem: { setting: '4096', unit: 'kB' }, random_page_cost: { setting: '1.1', unit: null } };
      assert.equal(settingBytes(facts({ settings }), 'shared_buffers'), 128 * 1024 * 1024);
      const quiet = runHealthChecks(facts({ settings }), {}, ['setting-review']).map((x) => x.objects[0].name);
      assert.deepEqual(quiet, ['shared_buffers']);
      const busy = runHealthChecks(facts({ settings, tempFiles: 10, checkpoints: { timed: 2, requested: 40 } }), {}, ['setting-review']).map((x) => x.objects[0].name);
      assert.deepEqual(busy.sort(), ['max_wal_size', 'shared_buffers', 'work_mem']);
    });
    it('a check that throws is reported, not fatal', () => {
      const broken = facts({ tables: [null as any] });
      const out = runHealthChecks(broken, {}, ['dead-tuples']);
      assert.equal(out.length, 1);
      assert.match(out[0].message, /could not run/);
    });
  });

  it('ids of findings follow severity order', () => {
    const f = facts({ indexes: [index({ valid: false, scans: 0 })], settings: { track_io_timing: { setting: 'off', unit: null } } });
    assert.deepEqual(ids(runHealthChecks(f)), ['invalid-index', 'setting-review']);
  });
});

describe('core/health capFindings', () => {
  it('keeps the first n per check and counts the rest in one note', () => {
    const mk = (checkId: string, i: number) => ({ checkId, severity: 'warning' as const, category: 'indexes' as const, message: `${checkId} ${i}`, objects: [], evidence: {}, fixSql: [] });
    const out = capFindings([...Array.from({ length: 5 }, (_, i) => mk('unused-index', i)), mk('invalid-index', 0)], 2);
    assert.deepEqual(out.map((f) => f.message.slice(0, 20)), ['unused-index 0', 'unused-index 1', 'invalid-index 0', '3 more unused-index ']);
    assert.deepEqual(out[3].evidence, { total: 5, shown: 2 });
  });
});

describe('core/health foreignKeyAdviceLine (person37 L12)', () => {
  const advised = [{ table: 'public.reviews', columns: ['product_id'], ddl: 'CREATE INDEX reviews_product_id_idx ON public.reviews (product_id)' }];
  it('says a decision once: the dashboard asking again every minute with nothing changed logs nothing', () => {
    const first = foreignKeyAdviceLine(undefined, { statements: 25, advisedIndexes: advised, indexAdvicePending: [], pendingWhy: [] }, 1.24);
    assert.equal(first.line, "index advice for the foreign keys' fix: 25 statements decided in 1.2 s; 1 proved index");
    const again = foreignKeyAdviceLine(first.key, { statements: 25, advisedIndexes: [...advised], indexAdvicePending: [], pendingWhy: [] }, 0.3);
    assert.equal(again.line, undefined);
    assert.equal(again.key, first.key);
  });
  it('logs again when the result or what it weighed changes', () => {
    const first = foreignKeyAdviceLine(undefined, { statements: 25, advisedIndexes: advised, indexAdvicePending: [], pendingWhy: [] }, 1);
    assert.match(foreignKeyAdviceLine(first.key, { statements: 26, advisedIndexes: advised, indexAdvicePending: [], pendingWhy: [] }, 1).line ?? '', /26 statements/);
    assert.match(foreignKeyAdviceLine(first.key, { statements: 25, advisedIndexes: [], indexAdvicePending: ['public.reviews'], pendingWhy: ['budget'] }, 1).line ?? '', /0 proved indexes; not decided yet on public\.reviews \(budget\)/);
  });
});
