/**
 * explain / explainAnalyze against a real PostgreSQL (the harness's PostgreSQL 18, or the server at
 * PGLENS_TEST_DATABASE_URL, e.g. PostgreSQL 15 from scripts/pg15.sh).
 * The safety tests compare table contents and the catalog before and after, with a plain pg client.
 */
import { strict as assert } from 'node:assert';
import { capabilities, testDatabase, rejectsWith } from '../support';
import type { Database } from '../../../src/db/database';
import { cancelBackend, explain, explainAnalyze } from '../../../src/db/explain';
import { K } from '../../../src/core/plan';

const SETUP = [
  `CREATE TABLE t (id serial PRIMARY KEY, v int NOT NULL, note text)`,
  `INSERT INTO t (v, note) SELECT i, 'row ' || i FROM generate_series(1, 100) i`,
  `CREATE TABLE src (id int PRIMARY KEY, v int)`,
  `INSERT INTO src SELECT i, -i FROM generate_series(1, 150, 3) i`,
  `CREATE TABLE big (id int PRIMARY KEY, k int NOT NULL, pad text)`,
  `INSERT INTO big SELECT i, i % 1000, repeat('x', 50) FROM generate_series(1, 50000) i`,
  `CREATE INDEX big_k_idx ON big (k)`,
  `CREATE FUNCTION sneaky() RETURNS int LANGUAGE sql VOLATILE AS 'INSERT INTO t (v) VALUES (0) RETURNING 1'`,
  `ANALYZE`,
];

describe('db/explain (real PostgreSQL)', function () {
  const tdb = testDatabase('explain');
  let db: Database;
  let version: number;

  /** Everything that must survive: t's rows, src's rows, the sequence-independent catalog. */
  async function snapshot(): Promise<string> {
    const a = tdb.admin;
    const rows = await a.query(`SELECT md5(string_agg(t::text, ',' ORDER BY id)) AS h, count(*) AS n FROM t`);
    const src = await a.query(`SELECT md5(string_agg(src::text, ',' ORDER BY id)) AS h FROM src`);
    const cat = await a.query(`SELECT string_agg(relname || ':' || relkind::text, ',' ORDER BY relname) AS c FROM pg_class WHERE relnamespace = 'public'::regnamespace`);
    return JSON.stringify([rows.rows[0], src.rows[0], cat.rows[0]]);
  }

  before(async () => {
    version = (await capabilities()).versionNum;
    for (const s of SETUP) await tdb.admin.query(s);
    db = await tdb.open();
  });

  describe('explain (no execution)', () => {
    it('plans a statement and returns the server JSON, the model and the Query Identifier (VERBOSE)', async () => {
      const r = await explain(db, 'SELECT * FROM big WHERE k = 42;');
      assert.equal(r.method, 'plain');
      assert.equal(r.plan.analyzed, false);
      assert.ok(r.json[K.Plan]);
      assert.ok(r.plan.nodes.some((n) => n.raw[K.RelationName] === 'big'));
      assert.match(String(r.json[K.QueryIdentifier] ?? ''), /^-?\d{6,}$/, 'query identifier (compute_query_id)');
      assert.ok(r.serverMs > 0 && r.modelMs >= 0);
    });

    it('keeps the 64-bit query identifier exact (equal to pg_stat_statements.queryid)', async function () {
      const caps = await capabilities();
      if (!caps.pgStatStatements) this.skip();
      await tdb.admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await tdb.admin.query('SELECT pg_stat_statements_reset()');
      await tdb.admin.query('SELECT count(*) FROM big WHERE k = 7');
      const r = await explain(db, 'SELECT count(*) FROM big WHERE k = 7');
      const q = await tdb.admin.query(`SELECT queryid::text AS id FROM pg_stat_statements WHERE query LIKE 'SELECT count(*) FROM big WHERE k = $1%'`);
      assert.equal(q.rows.length, 1);
      assert.equal(r.plan.queryId, q.rows[0].id);
    });

    it(`statements with $n get a generic plan (GENERIC_PLAN on 16+, PREPARE + force_generic_plan before)`, async () => {
      const r = await explain(db, 'SELECT * FROM big WHERE k = $1 AND id > $2');
      assert.equal(r.method, version >= 160000 ? 'generic-plan' : 'prepare-generic');
      const conds = r.plan.nodes.map((n) => String(n.raw[K.IndexCond] ?? '') + String(n.raw[K.Filter] ?? '') + String(n.raw[K.RecheckCond] ?? '')).join(' ');
      assert.match(conds, /\$1/);
    });

    it('generic plans read the text exactly as PostgreSQL\'s parser did, even with standard_conforming_strings off', async () => {
      // With standard_conforming_strings off, a server would read \' as an escaped quote and see a
      // DELETE after the string; the check parsed one statement. PG Lens forces the setting on.
      const before = await snapshot();
      await tdb.admin.query(`ALTER DATABASE ${tdb.name} SET standard_conforming_strings = off`);
      const other = await tdb.open();
      try {
        const r = await explain(other, `SELECT '\\' , $1::int -- '; DELETE FROM t; --`);
        assert.ok(r.plan.nodes.length >= 1);
      } finally {
        await tdb.admin.query(`ALTER DATABASE ${tdb.name} RESET standard_conforming_strings`);
      }
      assert.equal(await snapshot(), before);
    });

    it('leaves no prepared statement behind on the session (PostgreSQL 14–15 path, or none needed)', async () => {
      const one = await tdb.open({ max: 1 });
      await explain(one, 'SELECT * FROM t WHERE id = $1');
      // Our own constants may stay prepared (the safety gate's check is, like Database.query's prepare); no user statement.
      const left = await one.query(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'pglens_%' AND statement NOT LIKE '%/* pg-lens */%'`);
      assert.equal(left.rows[0].n, 0);
    });

    it('with values, plans for those values (custom plan)', async () => {
      const r = await explain(db, 'SELECT * FROM big WHERE k = $1', { params: [5] });
      assert.equal(r.method, 'custom');
      assert.match(JSON.stringify(r.json), /k = 5/);
    });

    it('warns about a seq scan of a large table with a selective filter, without ANALYZE (reltuples)', async () => {
      const r = await explain(db, `SELECT * FROM big WHERE pad = 'nope'`);
      const scan = r.plan.nodes.find((n) => n.raw[K.NodeType] === 'Seq Scan')!;
      assert.ok(scan.warnings.some((w) => w.kind === 'seq-scan-selective'), JSON.stringify(scan.warnings));
      assert.equal(r.plan.tips[0].unit, 'cost');
    });

    it('server errors come back as one line; several statements and utility statements are refused', async () => {
      await rejectsWith(explain(db, 'SELECT * FROM nope'), /relation "nope" does not exist/);
      await rejectsWith(explain(db, 'SELECT 1; SELECT 2'), /one statement/);
      await rejectsWith(explain(db, 'SELEC 1'), /syntax error/i);
      await rejectsWith(explain(db, 'VACUUM t'), /EXPLAIN cannot take/);
      await rejectsWith(explain(db, 'SELECT * FROM t WHERE id = $1', { params: [] }), /\$1/);
    });

    it('plans DML without running it, even on a read-only (production) profile', async () => {
      const before = await snapshot();
      const prod = await tdb.open({ profile: { ...tdb.profile, environment: 'production' } });
      assert.equal(prod.readOnly, true);
      const r = await explain(prod, 'DELETE FROM t WHERE v < 50');
      assert.ok(r.plan.nodes.some((n) => n.metrics.title === 'Delete'));
      assert.equal(await snapshot(), before);
    });
  });

  describe('explainAnalyze: can never change data', () => {
    const writes: [string, string, number?][] = [
      ['DELETE', 'DELETE FROM t WHERE v % 2 = 0'],
      ['UPDATE', `UPDATE t SET note = 'changed' WHERE v < 60`],
      ['INSERT', `INSERT INTO t (v, note) SELECT i, 'new' FROM generate_series(1, 20) i`],
      ['MERGE', `MERGE INTO t USING src ON t.id = src.id WHEN MATCHED THEN UPDATE SET v = src.v WHEN NOT MATCHED THEN INSERT (v) VALUES (src.v)`, 150000],
      ['DML CTE', `WITH gone AS (DELETE FROM t WHERE v > 10 RETURNING *) INSERT INTO src SELECT id + 1000, v FROM gone`],
      ['CREATE TABLE AS', `CREATE TABLE t_copy AS SELECT * FROM t`],
      ['SELECT INTO', `SELECT * INTO t_copy2 FROM t`],
    ];
    for (const [label, sql, minVersion] of writes) {
      it(`${label}: runs, reports actual rows, and is rolled back (contents and catalog unchanged)`, async function () {
        if (minVersion && version < minVersion) this.skip();
        const before = await snapshot();
        const r = await explainAnalyze(db, sql, { allowDml: true });
        assert.equal(r.plan.analyzed, true);
        assert.ok(r.plan.executionMs! >= 0);
        assert.equal(await snapshot(), before);
      });
    }

    it('a DML statement that fails half-way (division by zero) leaves everything as it was', async () => {
      const before = await snapshot();
      await rejectsWith(explainAnalyze(db, 'UPDATE t SET v = v / (id - 50)', { allowDml: true }), /division by zero/);
      assert.equal(await snapshot(), before);
    });

    it('a DML statement that times out (statement_timeout) leaves everything as it was', async () => {
      const before = await snapshot();
      const t0 = Date.now();
      await rejectsWith(explainAnalyze(db, 'UPDATE t SET v = v + 1 WHERE pg_sleep(0.02) IS NOT NULL', { allowDml: true, statementTimeoutMs: 300 }), /cancel|timeout/i);
      assert.ok(Date.now() - t0 < 3000);
      assert.equal(await snapshot(), before);
    });

    it('waiting on a lock gives up at lock_timeout and changes nothing', async () => {
      const before = await snapshot();
      await tdb.admin.query('BEGIN');
      await tdb.admin.query('LOCK TABLE t IN ACCESS EXCLUSIVE MODE');
      try {
        await rejectsWith(explainAnalyze(db, 'DELETE FROM t', { allowDml: true, lockTimeoutMs: 200 }), /lock/i);
      } finally {
        await tdb.admin.query('ROLLBACK');
      }
      assert.equal(await snapshot(), before);
    });

    it('refuses DML without allowDml, naming the risk (sequences advance)', async () => {
      const before = await snapshot();
      await rejectsWith(explainAnalyze(db, 'DELETE FROM t'), /changes data \(DELETE\).*sequences advance/);
      await rejectsWith(explainAnalyze(db, 'WITH d AS (DELETE FROM t RETURNING 1) SELECT count(*) FROM d'), /DELETE in a WITH clause/);
      await rejectsWith(explainAnalyze(db, 'CREATE TABLE x AS SELECT 1'), /CREATE TABLE AS/);
      assert.equal(await snapshot(), before);
    });

    it('the note is true: a rolled-back INSERT still advances the sequence, nothing else', async () => {
      const seq = async () => Number((await tdb.admin.query('SELECT last_value FROM t_id_seq')).rows[0].last_value);
      const s0 = await seq();
      const before = await snapshot();
      await explainAnalyze(db, `INSERT INTO t (v) VALUES (1), (2)`, { allowDml: true });
      assert.equal(await snapshot(), before);
      assert.equal(await seq(), s0 + 2);
    });

    it('refuses `SELECT 1; COMMIT; DELETE FROM t` (parser), and the extended protocol would too', async () => {
      const before = await snapshot();
      await rejectsWith(explainAnalyze(db, 'SELECT 1; COMMIT; DELETE FROM t', { allowDml: true }), /one statement/);
      // Second line of defence, proved on the server: the extended protocol refuses several statements.
      // (The gate's backstop refuses an unchecked EXPLAIN first; mark the text as checked to reach the server.)
      await rejectsWith(db.withSession((s) => s.querySingle('EXPLAIN ANALYZE SELECT 1; COMMIT; DELETE FROM t')), /without the safety check/);
      await rejectsWith(db.withSession((s) => (s.markGuarded('SELECT 1; COMMIT; DELETE FROM t'), s.querySingle('EXPLAIN ANALYZE SELECT 1; COMMIT; DELETE FROM t'))), /multiple commands/);
      assert.equal(await snapshot(), before);
    });

    it('read-only statements run in a READ ONLY transaction: a function that writes is named, and stopped even when confirmed', async () => {
      const before = await snapshot();
      await rejectsWith(explainAnalyze(db, 'SELECT sneaky()'), /VOLATILE function public\.sneaky/);
      await rejectsWith(explainAnalyze(db, 'SELECT sneaky()', { allowDml: true }), /read-only/);
      assert.equal(await snapshot(), before);
    });

    it('is refused on a production (read-only) profile, before anything is sent', async () => {
      const prod = await tdb.open({ profile: { ...tdb.profile, environment: 'production' } });
      await rejectsWith(explainAnalyze(prod, 'SELECT 1'), /production profile/);
    });

    it('needs a value for every $n', async () => {
      await rejectsWith(explainAnalyze(db, 'SELECT * FROM t WHERE id = $1'), /needs a value/);
      const r = await explainAnalyze(db, 'SELECT * FROM t WHERE id = $1', { params: [3] });
      assert.equal(r.plan.nodes[0].metrics.actualRowsTotal, 1);
    });

    it('returns buffers and the settings that differ from defaults', async () => {
      const r = await explainAnalyze(db, 'SELECT count(*) FROM big WHERE k < 10');
      assert.ok(r.plan.nodes[0].metrics.buffers, 'BUFFERS');
      assert.ok(r.plan.planningMs !== undefined);
    });

    it('cancel: pg_cancel_backend from another session; the query is gone from pg_stat_activity within 2 s', async () => {
      const ac = new AbortController();
      let pid: number | undefined;
      let markStarted!: () => void;
      const started = new Promise<void>((resolve) => (markStarted = resolve));
      const runPromise = explainAnalyze(db, 'SELECT pg_sleep(30)', {
        signal: ac.signal,
        statementTimeoutMs: 60000,
        onStarted: (p) => {
          pid = p;
          markStarted();
        },
      });
      runPromise.catch(() => undefined);
      await started;
      // wait until the server really runs it
      for (let i = 0; i < 50; i++) {
        const a = await tdb.admin.query(`SELECT state FROM pg_stat_activity WHERE pid = $1`, [pid]);
        if (a.rows[0]?.state === 'active') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const t0 = Date.now();
      ac.abort();
      await rejectsWith(runPromise, /cancelled/);
      let gone = false;
      while (Date.now() - t0 < 2000) {
        const a = await tdb.admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND query LIKE '%pg_sleep(30)%'`, [pid]);
        if (a.rows[0].n === 0) {
          gone = true;
          break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(gone, 'query still active after 2 s');
      assert.ok(Date.now() - t0 < 2000);
      // the session is usable again and not left in a transaction
      const tx = await tdb.admin.query(`SELECT state FROM pg_stat_activity WHERE pid = $1`, [pid]);
      assert.notEqual(tx.rows[0]?.state, 'idle in transaction (aborted)');
      assert.equal(await cancelBackend(db, 999999), false);
    });
  });
});
