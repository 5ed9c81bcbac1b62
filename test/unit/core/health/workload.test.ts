/** The workload advisors on facts: thresholds, append-only, default compression, pool size reasoning. */
import * as assert from 'node:assert/strict';
import { runHealthChecks } from '../../../../src/core/health';
import { brinSizeBytes, cacheEstimate, formatTtlHitRatios } from '../../../../src/core/health/checks/workload';
import { facts, workload } from './facts';

const brin = { schema: 'public', table: 'events', index: 'events_at', column: 'at', columnType: 'timestamptz', correlation: 0.999, reltuples: 1e6, tablePages: 6000, indexPages: 2700, inserted: 1e6, updated: 0, deleted: 0, scans: 3 };

describe('core/health workload advisors', () => {
  it('brin-candidate: append-only and correlated only; a table with updates or deletes is left out', () => {
    assert.equal(runHealthChecks(facts({ workload: workload({ brinCandidates: [brin] }) }), {}, ['brin-candidate']).length, 1);
    assert.equal(runHealthChecks(facts({ workload: workload({ brinCandidates: [{ ...brin, updated: 50000 }] }) }), {}, ['brin-candidate']).length, 0);
    assert.equal(runHealthChecks(facts({ workload: workload({ brinCandidates: [{ ...brin, correlation: -0.5 }] }) }), {}, ['brin-candidate']).length, 0);
    assert.equal(runHealthChecks(facts({ workload: workload({ brinCandidates: [{ ...brin, inserted: 0 }] }) }), {}, ['brin-candidate']).length, 0, 'no inserts seen: cannot tell append-only');
    assert.ok(brinSizeBytes(6000) <= 4 * 8192);
  });

  it('toast-compression: pglz columns only, by the column setting or the server default; silent without lz4', () => {
    const col = { schema: 'public', table: 'docs', column: 'body', type: 'text', compression: '', toastBytes: 64 * 2 ** 20 };
    const out = runHealthChecks(facts({ workload: workload({ toastColumns: [col, { ...col, column: 'lz', compression: 'l' }] }) }), {}, ['toast-compression']);
    assert.deepEqual(out[0].fixSql, ['ALTER TABLE public.docs ALTER COLUMN body SET COMPRESSION lz4;', `ALTER SYSTEM SET default_toast_compression = 'lz4';`, 'SELECT pg_reload_conf();']);
    assert.deepEqual(runHealthChecks(facts({ workload: workload({ defaultToastCompression: 'lz4', toastColumns: [col] }) }), {}, ['toast-compression']), []);
    assert.deepEqual(runHealthChecks(facts({ workload: workload({ lz4Available: false, toastColumns: [col] }) }), {}, ['toast-compression']), []);
    assert.deepEqual(runHealthChecks(facts({ workload: workload({ toastColumns: [{ ...col, toastBytes: 1e6 }] }) }), {}, ['toast-compression']), []);
  });

  it('connection-saturation: slots usable by ordinary roles; warning from 80%, error from 95%; the pool size is bounded', () => {
    const conns = (total: number, active: number) => workload({ connections: { max: 100, superuserReserved: 3, reserved: 2, byState: { active, idle: total - active }, byApplication: {}, total } });
    assert.deepEqual(runHealthChecks(facts({ workload: conns(70, 5) }), {}, ['connection-saturation']), []);
    const warn = runHealthChecks(facts({ workload: conns(80, 5) }), {}, ['connection-saturation']);
    assert.equal(warn[0].severity, 'warning');
    assert.equal(warn[0].evidence.usable, 95);
    assert.equal(warn[0].evidence.recommendedPoolSize, 10);
    const err = runHealthChecks(facts({ workload: conns(92, 40) }), {}, ['connection-saturation']);
    assert.equal(err[0].severity, 'error');
    assert.equal(err[0].evidence.recommendedPoolSize, 47, 'at most half the usable slots');
  });

  it('cache-candidate: often called, rarely written; volatile functions, row locks and busy tables are left out', () => {
    const st = { queryid: '1', query: 'SELECT v FROM app_settings WHERE k = $1', calls: 10000, rows: 10000, meanMs: 0.2, tables: [{ schema: 'public', table: 'app_settings', writes: 10 }] };
    const out = runHealthChecks(facts({ workload: workload({ statements: [st] }) }), {}, ['cache-candidate']);
    assert.equal(out.length, 1);
    assert.equal(out[0].evidence.hitRatioUpperBound, 0.999);
    // The collapsed row says which statement (person28 L5: five candidates read alike).
    assert.match(out[0].message, /^A statement called 10,000 times \("SELECT v FROM app_settings WHERE k = \$1"\) reads public\.app_settings/);
    // Written on several lines, it is one line of the message (its newlines are white space, not "\n" escapes).
    const multi = runHealthChecks(facts({ workload: workload({ statements: [{ ...st, query: 'SELECT v\n  FROM app_settings\n WHERE k = $1' }] }) }), {}, ['cache-candidate']);
    assert.match(multi[0].message, /^A statement called 10,000 times \("SELECT v FROM app_settings WHERE k = \$1"\) reads/);
    // Statements whose first words are the same read apart by where they differ (person55 L-9: three of the shop's began
    // "SELECT id, customer_id, status, total_cents, placed_at …").
    const head = 'SELECT id, customer_id, status, total_cents, placed_at FROM orders';
    const three = [`${head} WHERE id = $1`, `${head} ORDER BY placed_at DESC LIMIT $1`, `${head} WHERE status = $1 ORDER BY placed_at DESC`].map((query, i) => ({ ...st, queryid: String(i), query, tables: [{ schema: 'public', table: 'orders', writes: 10 }] }));
    const named = runHealthChecks(facts({ workload: workload({ statements: three }) }), {}, ['cache-candidate']).map((x) => /\("([^"]*)"\)/.exec(x.message)?.[1]);
    assert.equal(new Set(named).size, 3, named.join(' | '));
    assert.ok(named.some((n) => n?.includes('WHERE status = $1')), named.join(' | '));
    for (const query of ['SELECT * FROM jobs WHERE run_at < now()', 'SELECT id FROM jobs FOR UPDATE SKIP LOCKED', 'SELECT random() FROM t'])
      assert.deepEqual(runHealthChecks(facts({ workload: workload({ statements: [{ ...st, query }] }) }), {}, ['cache-candidate']), [], query);
    assert.deepEqual(runHealthChecks(facts({ workload: workload({ statements: [{ ...st, tables: [{ ...st.tables[0], writes: 600 }] }] }) }), {}, ['cache-candidate']), []);
    assert.deepEqual(runHealthChecks(facts({ workload: workload({ statements: null }) }), {}, ['cache-candidate']), [], 'no pg_stat_statements: silent');
  });

  it('cache-candidate: the hit ratio at a TTL from the call and write rates over pg_stat_statements\' period', () => {
    // 10 000 calls and 10 writes in 10 000 s: c = 1/s, w = 0.001/s. A 10 s entry answers about 10 calls after its miss.
    const st = { queryid: '1', query: 'SELECT v FROM app_settings WHERE k = $1', calls: 10000, rows: 10000, meanMs: 0.2, tables: [{ schema: 'public', table: 'app_settings', writes: 10 }] };
    const e = cacheEstimate(st, { cacheMinCalls: 500, cacheMinCallsPerWrite: 20 }, 10000)!;
    const life10 = (1 - Math.exp(-0.001 * 10)) / 0.001;
    assert.equal(e.ttl![0].seconds, 10);
    assert.ok(Math.abs(e.ttl![0].hitRatio - life10 / (1 + life10)) < 1e-9);
    assert.ok(e.ttl![0].hitRatio < e.ttl![1].hitRatio && e.ttl![1].hitRatio < e.ttl![2].hitRatio, 'a longer TTL answers more');
    assert.ok(e.ttl![2].hitRatio <= e.hitRatio + 1e-9, 'never above the invalidate-on-write bound');
    assert.equal(formatTtlHitRatios(e.ttl!), '90% at 10 s, 98% at 60 s, 99% at 300 s');
    const out = runHealthChecks(facts({ workload: workload({ statements: [st], statementsPeriodSeconds: 10000 }) }), {}, ['cache-candidate']);
    assert.match(out[0].message, /1\.00 calls\/s, 0\.001 writes\/s\).*with a TTL: 90% at 10 s, 98% at 60 s, 99% at 300 s/);
    assert.deepEqual(out[0].evidence.hitRatioAtTtl, { '10s': 0.909, '60s': 0.983, '300s': 0.996 });
    assert.equal(cacheEstimate(st, { cacheMinCalls: 500, cacheMinCallsPerWrite: 20 })!.ttl, null, 'no period: no TTL figures');
  });

  it('unused-materialized-view: populated and never scanned; not before the statistics are old enough', () => {
    const mv = { oid: 16400, schema: 'public', name: 'daily', populated: true, scans: 0, sizeBytes: 8192, hasUniqueIndex: false, uniqueColumns: [], sources: [], refreshMark: '1:0' };
    assert.equal(runHealthChecks(facts({ workload: workload({ matviews: [mv, { ...mv, name: 'read', scans: 3 }, { ...mv, name: 'empty', populated: false }] }) }), {}, ['unused-materialized-view']).length, 1);
    assert.deepEqual(runHealthChecks(facts({ statsAgeSeconds: 60, workload: workload({ matviews: [mv] }) }), { unusedIndexMinStatsAgeSeconds: 86400 }, ['unused-materialized-view']), []);
  });
});
