/**
 * The workload advisors against a real PostgreSQL: each planted situation fires with the right
 * object and a fix that works when run; a database without it stays silent.
 */
import * as assert from 'node:assert/strict';
import { Client } from 'pg';
import { startEmbeddedPostgres, type RunningServer } from '../../../scripts/embeddedServer';
import { parseConnectionString, type ConnectionProfile } from '../../../src/core/connection/profile';
import { DEFAULT_THRESHOLDS, type HealthFinding } from '../../../src/core/health';
import { connect } from '../../../src/db/database';
import { runHealth } from '../../../src/db/health';
import { explainAnalyze } from '../../../src/db/explain';
import { benchmark } from '../../../src/db/benchmark';
import { readCatalogFacts } from '../../../src/db/catalog';
import { adviseWorkload } from '../../../src/db/workload';
import { announceFallback, capabilities, testDatabase, extraSession } from '../support';
import { tempFolderForRun } from '../../unit/support/tempFolder';

const of = (findings: HealthFinding[], id: string) => findings.filter((f) => f.checkId === id);

describe('workload advisors on a planted database', function () {
  this.timeout(300000);
  const t = testDatabase('workload');
  let lz4 = false;
  // The database is minutes old: unused-materialized-view waits for older statistics unless told not to.
  const health = async () => (await runHealth(await t.open(), { thresholds: { unusedIndexMinStatsAgeSeconds: 0 } })).findings;

  before(async () => {
    const a = t.admin;
    // A million rows inserted in time order, a B-tree on the timestamp; and a table whose timestamps are shuffled.
    await a.query(`CREATE TABLE "event log" (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, created_at timestamptz NOT NULL, kind int, code varchar(12) NOT NULL)`);
    await a.query(`INSERT INTO "event log" (created_at, kind, code) SELECT now() - interval '30 days' + g * interval '2.6 seconds', g % 10, lpad(g::text, 12, '0') FROM generate_series(1, 1000000) g`);
    await a.query(`CREATE INDEX "event log_created_at" ON "event log" (created_at)`);
    // The index Django makes for a CharField with db_index (its `_like` twin): it serves LIKE 'x%', which BRIN cannot (person17 LOW 5).
    await a.query(`CREATE INDEX "event log_code_like" ON "event log" (code varchar_pattern_ops)`);
    await a.query(`CREATE TABLE shuffled (id bigint PRIMARY KEY, seen_at timestamptz NOT NULL)`);
    await a.query(`INSERT INTO shuffled SELECT g, now() - random() * interval '30 days' FROM generate_series(1, 900000) g`);
    await a.query(`CREATE INDEX shuffled_seen_at ON shuffled (seen_at)`);
    // Large TOAST data compressed with pglz (random text compresses little, so it stays large).
    lz4 = (await a.query(`SELECT 'lz4' = ANY (enumvals) AS ok FROM pg_settings WHERE name = 'default_toast_compression'`)).rows[0]?.ok === true;
    await a.query(`CREATE TABLE documents (id int PRIMARY KEY, body text COMPRESSION pglz, meta jsonb)`);
    await a.query(`INSERT INTO documents SELECT g, (SELECT string_agg(md5(random()::text || g || i), '') FROM generate_series(1, 700) i), '{}' FROM generate_series(1, 2000) g`);
    // Two materialized views: one read, one never read.
    await a.query(`CREATE MATERIALIZED VIEW "kinds per day" AS SELECT kind, count(*) AS n FROM "event log" GROUP BY kind`);
    await a.query(`CREATE MATERIALIZED VIEW kinds_read AS SELECT kind, count(*) AS n FROM "event log" GROUP BY kind`);
    await a.query(`SELECT * FROM kinds_read`);
    // TOAST sizes come from pg_class.relpages as of the last VACUUM (autovacuum's, on a live server), never from a locking size function.
    await a.query(`VACUUM documents`);
    await a.query(`ANALYZE`);
    await a.query('SELECT pg_stat_force_next_flush()');
    await a.query('SELECT 1');
  });

  it('brin-candidate names the B-tree on the insert-ordered timestamp (not the shuffled one, nor a pattern_ops index that serves LIKE \'x%\'); the BRIN index the fix creates is what the planner uses', async () => {
    const findings = await health();
    const f = of(findings, 'brin-candidate');
    assert.deepEqual(f.map((x) => x.objects[0].name), ['event log_created_at'], JSON.stringify(f.map((x) => x.message)));
    // The shuffled table is as large: it is left out for its correlation, not its size.
    assert.ok(Number((await t.admin.query(`SELECT relpages FROM pg_class WHERE relname = 'shuffled'`)).rows[0].relpages) >= DEFAULT_THRESHOLDS.brinMinPages);
    assert.ok((f[0].evidence.sizeRatio as number) >= 100, `BRIN a hundredth of the size: ${f[0].evidence.sizeRatio}`);
    assert.deepEqual(f[0].fixSql, [
      'CREATE INDEX CONCURRENTLY "event log_created_at_brin" ON public."event log" USING brin (created_at);',
      'DROP INDEX CONCURRENTLY public."event log_created_at";',
    ]);
    for (const sql of f[0].fixSql) await t.admin.query(sql);
    const plan = (await t.admin.query(`EXPLAIN SELECT count(*) FROM "event log" WHERE created_at >= now() - interval '1 day'`)).rows.map((r) => r['QUERY PLAN']).join('\n');
    assert.match(plan, /Bitmap Index Scan on "event log_created_at_brin"/, plan);
    const size = (await t.admin.query(`SELECT pg_relation_size('"event log_created_at_brin"') AS b`)).rows[0].b;
    assert.ok(Number(size) <= (f[0].evidence.brinBytesEstimate as number), `real BRIN size ${size} within the estimate`);
    assert.deepEqual(of(await health(), 'brin-candidate'), []);
  });

  it('unused-materialized-view names the view nobody read (not the one read); the fix drops it', async () => {
    const f = of(await health(), 'unused-materialized-view');
    assert.deepEqual(f.map((x) => x.objects[0].name), ['kinds per day']);
    assert.deepEqual(f[0].fixSql, ['DROP MATERIALIZED VIEW public."kinds per day";']);
    await t.admin.query(f[0].fixSql[0]);
    assert.deepEqual(of(await health(), 'unused-materialized-view'), []);
  });

  it('toast-compression names the table with pglz TOAST data; the fix switches its columns to lz4', async function () {
    if (!lz4) {
      announceFallback('lz4 in this PostgreSQL build', 'toast-compression is tested on facts in test/unit');
      assert.deepEqual(of(await health(), 'toast-compression'), [], 'silent without lz4');
      return;
    }
    const f = of(await health(), 'toast-compression');
    assert.deepEqual(f.map((x) => x.objects[0].name), ['documents']);
    const alter = f[0].fixSql.filter((s) => s.startsWith('ALTER TABLE'));
    assert.deepEqual(alter, ['ALTER TABLE public.documents ALTER COLUMN body SET COMPRESSION lz4;', 'ALTER TABLE public.documents ALTER COLUMN meta SET COMPRESSION lz4;']);
    for (const sql of alter) await t.admin.query(sql);
    // New values are compressed with lz4.
    await t.admin.query(`UPDATE documents SET body = body || '' WHERE id = 1`);
    assert.equal((await t.admin.query(`SELECT pg_column_compression(body) AS m FROM documents WHERE id = 1`)).rows[0].m, 'lz4');
    assert.deepEqual(of(await health(), 'toast-compression'), []);
  });
});

describe('cache-candidate from pg_stat_statements', function () {
  this.timeout(120000);
  const t = testDatabase('cache');

  it('names the settings table read 600 times and written 10 times, not the table written on every few reads', async function () {
    if (!(await capabilities()).pgStatStatements) {
      announceFallback('pg_stat_statements', 'cache-candidate is silent without statement statistics (and tested on facts in test/unit)');
      assert.deepEqual(of((await runHealth(await t.open())).findings, 'cache-candidate'), []);
      return;
    }
    const a = t.admin;
    await a.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await a.query(`CREATE TABLE app_settings (k text PRIMARY KEY, v text)`);
    await a.query(`INSERT INTO app_settings SELECT 'k' || g, 'v' || g FROM generate_series(1, 10) g`);
    await a.query(`CREATE TABLE hot_counters (id int PRIMARY KEY, n int)`);
    await a.query(`INSERT INTO hot_counters SELECT g, 0 FROM generate_series(1, 10) g`);
    for (let i = 0; i < 600; i++) {
      await a.query('SELECT v FROM app_settings WHERE k = $1', [`k${i % 10}`]);
      await a.query('SELECT n FROM hot_counters WHERE id = $1', [i % 10]);
      if (i % 6 === 0) await a.query('UPDATE hot_counters SET n = n + 1 WHERE id = $1', [i % 10]);
    }
    await a.query('SELECT pg_stat_force_next_flush()');
    await a.query('SELECT 1');
    const f = of((await runHealth(await t.open())).findings, 'cache-candidate');
    assert.deepEqual(f.map((x) => x.objects.map((o) => o.name)), [['app_settings']], JSON.stringify(f.map((x) => x.message)));
    assert.equal(f[0].evidence.calls, 600);
    assert.ok((f[0].evidence.hitRatioUpperBound as number) >= 0.95);
    assert.match(String(f[0].evidence.query), /SELECT v FROM app_settings WHERE k = \$1/);
    // The hit ratio at a TTL: from the calls and writes per second over pg_stat_statements' period (pg_stat_statements_info, 14+).
    assert.ok((f[0].evidence.periodSeconds as number) > 0, JSON.stringify(f[0].evidence));
    const ttl = f[0].evidence.hitRatioAtTtl as Record<string, number>;
    assert.deepEqual(Object.keys(ttl), ['10s', '60s', '300s']);
    assert.ok(ttl['10s'] > 0 && ttl['10s'] <= ttl['60s'] && ttl['60s'] <= ttl['300s'] && ttl['300s'] <= 1, JSON.stringify(ttl));
    assert.match(f[0].message, /with a TTL: \d+% at 10 s, \d+% at 60 s, \d+% at 300 s/);
  });
});

describe("cache-candidate leaves out PG Lens's own rolled-back Explain Analyze writes (person37 L4)", function () {
  this.timeout(120000);
  const t = testDatabase('cacheown');

  it('a table written once by the app and once by a rolled-back Explain Analyze INSERT reads "written once" (n_tup_ins counts the aborted row: 2)', async function () {
    if (!(await capabilities()).pgStatStatements) {
      announceFallback('pg_stat_statements', 'cache-candidate is silent without statement statistics (and tested on facts in test/unit)');
      return;
    }
    const a = t.admin;
    await a.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await a.query(`CREATE TABLE site_texts (k text PRIMARY KEY, v text)`);
    await a.query(`INSERT INTO site_texts VALUES ('welcome', 'hello')`);
    for (let i = 0; i < 600; i++) await a.query('SELECT v FROM site_texts WHERE k = $1', ['welcome']);
    const db = await t.open();
    await explainAnalyze(db, `INSERT INTO site_texts VALUES ($1, $2)`, { allowDml: true, params: ['bye', 'see you'] });
    assert.equal(Number((await a.query(`SELECT count(*) AS n FROM site_texts`)).rows[0].n), 1);
    // The server's counter counts the rolled-back row (the run's session flushes its counts when it ends).
    let ins = 0;
    for (let i = 0; i < 100 && ins < 2; i++) {
      await a.query('SELECT pg_stat_force_next_flush()');
      ins = Number((await a.query(`SELECT pg_stat_get_tuples_inserted('site_texts'::regclass) AS n`)).rows[0].n);
      if (ins < 2) await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(ins, 2, 'n_tup_ins counts the rolled-back row');
    const f = of((await runHealth(db)).findings, 'cache-candidate');
    assert.equal(f.length, 1, JSON.stringify(f.map((x) => x.message)));
    assert.deepEqual(f[0].evidence.writesByTable, { 'public.site_texts': 1 });
    assert.match(f[0].message, /reads public\.site_texts, written once in the same period/);
  });
});

describe("every reader of a table's write counters leaves out PG Lens's own rolled-back Explain Analyze writes, per kind (person38 M2)", function () {
  this.timeout(180000);
  const t = testDatabase('ownwrites');

  let db: Awaited<ReturnType<typeof t.open>>;
  // An explained INSERT and DELETE on reviews (rolled back); the app inserted one review and read some.
  before(async () => {
    const a = t.admin;
    await a.query(`CREATE TABLE reviews (id serial PRIMARY KEY, product_id int NOT NULL, rating int NOT NULL, body text)`);
    await a.query(`INSERT INTO reviews (product_id, rating, body) SELECT g % 500, 1 + g % 10, 'r' || g FROM generate_series(1, 20000) g`);
    await a.query('ANALYZE reviews');
    // The seed is not the app's traffic: its counters are reset, then the app reads and writes one review.
    await a.query('SELECT pg_stat_force_next_flush()');
    await a.query(`SELECT pg_stat_reset_single_table_counters('reviews'::regclass)`);
    await a.query(`INSERT INTO reviews (product_id, rating, body) VALUES (7, 5, 'fine')`);
    await a.query('SELECT * FROM reviews WHERE product_id = $1', [7]);
    await a.query('SELECT pg_stat_force_next_flush()');
    db = await t.open({ statementTimeoutMs: 60000 });
    await explainAnalyze(db, `INSERT INTO reviews (product_id, rating, body) VALUES ($1, $2, $3)`, { allowDml: true, params: [8, 4, 'ok'] });
    await explainAnalyze(db, `DELETE FROM reviews WHERE rating = 1`, { allowDml: true });
    assert.equal(Number((await a.query(`SELECT count(*) AS n FROM reviews WHERE rating = 1`)).rows[0].n), 2000, 'rolled back');
    // The server's counters count the rolled-back rows (the runs' session flushes its counts when idle, within 10 s).
    const counters = async () => (await a.query(`SELECT pg_stat_get_tuples_inserted('reviews'::regclass)::int AS ins, pg_stat_get_tuples_deleted('reviews'::regclass)::int AS del`)).rows[0];
    let c = await counters();
    for (let i = 0; i < 300 && (c.ins < 2 || c.del < 2000); i++) {
      await new Promise((res) => setTimeout(res, 100));
      c = await counters();
    }
    assert.deepEqual(c, { ins: 2, del: 2000 }, 'n_tup_ins/n_tup_del count the rolled-back rows');
  });

  it('the index advice\'s table writes read 1 insert, 0 deletes, and the workload advice\'s write note says 1 row, not "2,001 rows" (and that others\' rolled-back rows still count)', async function () {
    const w = (await readCatalogFacts(db, [{ name: 'reviews' }])).tables[0].writes!;
    assert.deepEqual([w.inserts, w.updates, w.deletes], [1, 0, 0]);
    const r = await adviseWorkload(db, { minCalls: 1_000_000, extraStatements: [{ sql: 'SELECT * FROM reviews WHERE product_id = 5', source: 'app.sql:1' }] });
    const said = [...r.suggestions.map((x) => x.explanation), ...r.notRecommended.map((x) => x.why)].join('\n');
    assert.ok([...r.suggestions, ...r.notRecommended].some((x) => /ON reviews \(product_id/.test(x.ddl)), said);
    assert.match(said, /written often \(1 row inserted\/updated\/deleted since the statistics were reset; rolled-back rows count too, those of PG Lens's Explain Analyze in this window or run left out\)/, said);
    assert.doesNotMatch(said, /2,00\d rows/, said);
  });

  it('the superuser-application-role fix offers GRANT SELECT, INSERT on reviews, not DELETE, and says what the statistics cannot tell', async function () {
    const f = of((await runHealth(db)).findings, 'superuser-application-role').find((x) => x.evidence.current);
    assert.ok(f, 'the test role is a superuser');
    const grant = (f.fixSql ?? []).find((x) => / ON public\.reviews TO /.test(x));
    assert.match(grant ?? '', /^GRANT SELECT, INSERT ON public\.reviews TO \w+;$/, JSON.stringify(f.fixSql));
    assert.match(f.help ?? '', /public\.reviews was written only by INSERT \(no UPDATE or DELETE seen\)/);
    assert.match(f.help ?? '', /the statistics count rolled-back writes too \(the application’s failed transactions, Explain Analyze run by another PG Lens window or pg-lens run; this one’s are left out\)/);
  });
});

describe("the least-privilege script leaves out PG Lens's own reads: a SELECT only its Explain Analyze or benchmark ran is no privilege of the app (own reads)", function () {
  this.timeout(180000);
  const t = testDatabase('ownreads');

  let db: Awaited<ReturnType<typeof t.open>>;
  // The app only inserts into audit_log and outbox; PG Lens explained (Explain Analyze) a SELECT on
  // audit_log and benchmarked one on outbox.
  before(async () => {
    const a = t.admin;
    await a.query(`CREATE TABLE audit_log (id serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), what text)`);
    await a.query(`CREATE TABLE outbox (id serial PRIMARY KEY, topic text NOT NULL)`);
    await a.query(`INSERT INTO audit_log (what) SELECT 'seed ' || g FROM generate_series(1, 2000) g`);
    await a.query(`INSERT INTO outbox (topic) SELECT 't' || (g % 7) FROM generate_series(1, 2000) g`);
    await a.query('ANALYZE audit_log, outbox');
    await a.query('SELECT pg_stat_force_next_flush()');
    await a.query(`SELECT pg_stat_reset_single_table_counters('audit_log'::regclass)`);
    await a.query(`SELECT pg_stat_reset_single_table_counters('outbox'::regclass)`);
    await a.query(`INSERT INTO audit_log (what) VALUES ('login')`);
    await a.query(`INSERT INTO outbox (topic) VALUES ('mail')`);
    await a.query('SELECT pg_stat_force_next_flush()');
    db = await t.open({ statementTimeoutMs: 60000 });
    await explainAnalyze(db, `SELECT * FROM audit_log WHERE what = $1`, { params: ['login'] });
    await benchmark(db, `SELECT count(*) FROM outbox WHERE topic = $1`, { runs: 5, concurrency: 2, params: ['t3'] });
    // The runs' sessions flush their counts when idle (within 10 s): wait until the server counts the scans.
    const scans = async () => (await a.query(`SELECT pg_stat_get_numscans('audit_log'::regclass)::int AS audit, pg_stat_get_numscans('outbox'::regclass)::int AS outbox`)).rows[0];
    let c = await scans();
    for (let i = 0; i < 300 && (c.audit < 1 || c.outbox < 6); i++) {
      await new Promise((res) => setTimeout(res, 100));
      c = await scans();
    }
    assert.ok(c.audit >= 1 && c.outbox >= 6, `seq_scan counts PG Lens's runs: ${JSON.stringify(c)}`);
  });

  it('grants INSERT on audit_log and on outbox, without SELECT', async function () {
    const f = of((await runHealth(db)).findings, 'superuser-application-role').find((x) => x.evidence.current);
    assert.ok(f, 'the test role is a superuser');
    const grants = (f.fixSql ?? []).filter((x) => / ON public\.(audit_log|outbox) TO /.test(x));
    assert.deepEqual(grants.map((g) => g.replace(/ TO \w+;$/, '')), ['GRANT INSERT ON public.audit_log', 'GRANT INSERT ON public.outbox'], JSON.stringify(f.fixSql));
  });
});

describe('connection-saturation on a server with 20 connection slots', function () {
  this.timeout(120000);
  let server: RunningServer | undefined;
  let dir = '';
  const clients: Client[] = [];

  before(async () => {
    dir = tempFolderForRun('pglens-conns-');
    server = await startEmbeddedPostgres({ dataDir: dir, extraFlags: ['-c', 'max_connections=20'] });
  });
  after(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
    await server?.stop();
  });

  const run = async () => {
    const p = parseConnectionString(server!.url);
    const db = await connect({ profile: { name: 'conns', environment: 'development', ...p.profile } as ConnectionProfile, password: p.password });
    try {
      return (await runHealth(db)).findings;
    } finally {
      await db.close();
    }
  };

  it('is silent with a few connections, and fires near the limit with the idle share and a pool size', async () => {
    assert.deepEqual(of(await run(), 'connection-saturation'), []);
    for (let i = 0; i < 14; i++) await extraSession(server!.url, i < 10 ? 'web' : 'worker', clients);
    const f = of(await run(), 'connection-saturation');
    assert.equal(f.length, 1);
    assert.equal(f[0].evidence.usable, 17);
    assert.ok((f[0].evidence.inUse as number) >= 15);
    assert.equal((f[0].evidence.byApplication as Record<string, number>).web, 10);
    assert.equal(f[0].evidence.recommendedPoolSize, 8);
    assert.match(f[0].help ?? '', /PgBouncer in transaction mode/);
  });
});
