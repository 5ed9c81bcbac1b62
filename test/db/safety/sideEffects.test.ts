/**
 * Explain Analyze and benchmark decide from the catalog, not the statement's shape (real PostgreSQL):
 * the red team's statements that outlived ROLLBACK are refused, and what they would have changed is
 * checked to be unchanged. dblink and adminpack are tested where the server has them (PostgreSQL 15
 * from Debian has both; PostgreSQL 17+ has no adminpack), otherwise the test says which is absent.
 */
import { strict as assert } from 'node:assert';
import { Client } from 'pg';
import { announceFallback, capabilities, testDatabase, rejectsWith } from '../support';
import type { Database } from '../../../src/db/database';
import { explain, explainAnalyze } from '../../../src/db/explain';
import { benchmark } from '../../../src/db/benchmark';

describe('safety: Explain Analyze never has effects that outlive the rollback without a named allowance (real PostgreSQL)', function () {
  const tdb = testDatabase('side_effects');
  let db: Database;
  let dblink = false;
  let adminpack = false;
  let pss = false;
  const seq = async () => (await tdb.admin.query('SELECT last_value, is_called FROM t_id_seq')).rows[0];

  before(async () => {
    const a = tdb.admin;
    await a.query('CREATE TABLE t (id serial PRIMARY KEY, v int)');
    await a.query('INSERT INTO t (v) SELECT g FROM generate_series(1, 100) g');
    const avail = (await a.query(`SELECT name FROM pg_available_extensions WHERE name IN ('dblink', 'adminpack')`)).rows.map((r) => r.name);
    dblink = avail.includes('dblink');
    adminpack = avail.includes('adminpack');
    pss = (await capabilities()).pgStatStatements;
    if (dblink) await a.query('CREATE EXTENSION dblink');
    if (adminpack) await a.query('CREATE EXTENSION adminpack');
    if (pss) await a.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    // A user function that hides a write to another session, and a VOLATILE one that writes.
    await a.query(`CREATE FUNCTION hidden_remote_write() RETURNS int LANGUAGE plpgsql AS $$ BEGIN PERFORM dblink_exec('dbname=x', 'SELECT 1'); RETURN 1; END $$`);
    await a.query(`CREATE FUNCTION writes_t() RETURNS int LANGUAGE plpgsql VOLATILE AS $$ BEGIN INSERT INTO t (v) VALUES (-1); RETURN 1; END $$`);
    await a.query(`CREATE FUNCTION folds_lock() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN PERFORM pg_advisory_lock(42); RETURN 1; END $$`);
    db = await tdb.open();
  });

  it('a locking clause never relaxes READ ONLY without the confirmation; setval/nextval … FOR UPDATE are refused and the sequence is unchanged', async () => {
    const before = await seq();
    await rejectsWith(explainAnalyze(db, `SELECT setval('t_id_seq', 1) FOR UPDATE`), /Refused without confirmation: .*row locks/);
    await rejectsWith(explainAnalyze(db, `SELECT setval('t_id_seq', 1) FOR UPDATE`, { allowDml: true }), /Refused: running this statement calls pg_catalog\.setval/);
    await rejectsWith(explainAnalyze(db, `SELECT nextval('t_id_seq') FOR UPDATE`, { allowDml: true }), /pg_catalog\.nextval/);
    await rejectsWith(explainAnalyze(db, 'SELECT 1 FOR KEY SHARE'), /Refused without confirmation/);
    await rejectsWith(explainAnalyze(db, 'SELECT * FROM t FOR UPDATE'), /Refused without confirmation/);
    const ok = await explainAnalyze(db, 'SELECT * FROM t WHERE id < 3 FOR UPDATE', { allowDml: true });
    assert.ok(ok.plan.nodes.length > 0);
    assert.deepEqual(await seq(), before);
    // The next INSERT does not collide with an existing key (the red team's symptom).
    await tdb.admin.query('INSERT INTO t (v) VALUES (0)');
  });

  it('VOLATILE user functions are named in the confirmation; confirmed, a read still runs READ ONLY and its write is stopped', async () => {
    const n = Number((await tdb.admin.query('SELECT count(*) FROM t')).rows[0].count);
    await rejectsWith(explainAnalyze(db, 'SELECT writes_t()'), /VOLATILE function public\.writes_t/);
    await rejectsWith(explainAnalyze(db, 'SELECT writes_t()', { allowDml: true }), /read-only/);
    assert.equal(Number((await tdb.admin.query('SELECT count(*) FROM t')).rows[0].count), n);
  });

  it('dblink (loopback writes): refused by name, also inside a user function', async function () {
    if (!dblink) {
      announceFallback('dblink', 'the refusal is tested through a user function whose body names dblink_exec');
      await rejectsWith(explainAnalyze(db, 'SELECT hidden_remote_write()', { allowDml: true }), /hidden_remote_write: its body calls dblink_exec/);
      return;
    }
    const loop = `host=127.0.0.1 port=${tdb.profile.port} dbname=${tdb.name} user=${tdb.profile.user} password=${tdb.password}`;
    const n = Number((await tdb.admin.query('SELECT count(*) FROM t')).rows[0].count);
    await rejectsWith(explainAnalyze(db, `SELECT dblink_exec('${loop}', 'INSERT INTO t (v) VALUES (-2)')`), /public\.dblink_exec: part of the dblink extension/);
    await rejectsWith(explainAnalyze(db, 'SELECT hidden_remote_write()', { allowDml: true }), /hidden_remote_write: its body calls dblink_exec/);
    assert.equal(Number((await tdb.admin.query('SELECT count(*) FROM t')).rows[0].count), n);
  });

  it('server files (lo_export, adminpack pg_file_write/pg_file_unlink): refused', async () => {
    await rejectsWith(explainAnalyze(db, `SELECT lo_export(0, '/tmp/pglens_lo_export_${process.pid}')`), /lo_export/);
    if (!adminpack) {
      announceFallback('adminpack', 'pg_file_write is not on this server; lo_export stands for server-file writes');
      return;
    }
    await rejectsWith(explainAnalyze(db, `SELECT pg_file_write('pglens_${process.pid}', 'x', false)`), /pg_file_write/);
    await rejectsWith(explainAnalyze(db, `SELECT pg_file_unlink('postmaster.opts')`), /pg_file_unlink/);
    const exists = (await tdb.admin.query(`SELECT pg_stat_file($1, true) IS NOT NULL AS f`, [`pglens_${process.pid}`])).rows[0].f;
    assert.equal(exists, false);
  });

  it('replication slots, signalling backends, statistics resets, configuration reloads: refused, and nothing happened', async () => {
    const slots = async () => Number((await tdb.admin.query('SELECT count(*) FROM pg_replication_slots')).rows[0].count);
    const s0 = await slots();
    await rejectsWith(explainAnalyze(db, `SELECT pg_create_physical_replication_slot('pglens_${process.pid}')`), /pg_create_physical_replication_slot/);
    assert.equal(await slots(), s0);
    const victim = new Client({ connectionString: tdb.url });
    await victim.connect();
    try {
      const pid = (await victim.query('SELECT pg_backend_pid() AS p')).rows[0].p;
      await rejectsWith(explainAnalyze(db, `SELECT pg_terminate_backend(${pid})`), /pg_terminate_backend/);
      await rejectsWith(explainAnalyze(db, `SELECT pg_cancel_backend(${pid})`), /pg_cancel_backend/);
      assert.equal((await victim.query('SELECT 1 AS one')).rows[0].one, 1, 'the other session is alive');
    } finally {
      await victim.end();
    }
    if (pss) {
      await tdb.admin.query('SELECT v FROM t WHERE id = 12345 AND v IS NULL');
      await rejectsWith(explainAnalyze(db, 'SELECT pg_stat_statements_reset()'), /pg_stat_statements_reset/);
      const kept = (await tdb.admin.query(`SELECT count(*) FROM pg_stat_statements WHERE query LIKE '%v IS NULL%'`)).rows[0].count;
      assert.ok(Number(kept) >= 1, 'statistics were not reset');
    } else {
      announceFallback('pg_stat_statements', 'pg_stat_reset() stands for statistics resets');
    }
    await rejectsWith(explainAnalyze(db, 'SELECT pg_stat_reset()'), /pg_stat_reset/);
    await rejectsWith(explainAnalyze(db, 'SELECT pg_reload_conf()'), /pg_reload_conf/);
  });

  it('session advisory locks: refused unless allowed by name; allowed, the lock does not survive (the session is closed)', async () => {
    await rejectsWith(explainAnalyze(db, 'SELECT pg_advisory_lock(4242)'), /pg_advisory_lock/);
    await explainAnalyze(db, 'SELECT pg_advisory_lock(4242)', { allowSideEffects: ['pg_advisory_lock'] });
    const held = (await tdb.admin.query(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242`)).rows[0].count;
    assert.equal(Number(held), 0, 'the advisory lock outlived Explain Analyze');
    // The pool still works afterwards.
    await explain(db, 'SELECT 1');
  });

  it('plain EXPLAIN: an IMMUTABLE function whose body takes a session lock is refused before planning folds it', async () => {
    await rejectsWith(explain(db, 'SELECT folds_lock()'), /folds_lock\(\) \(immutable; its body calls pg_advisory_lock\)/);
    const held = (await tdb.admin.query(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 42`)).rows[0].count;
    assert.equal(Number(held), 0);
  });

  it('plain EXPLAIN among 200 other functions: the body\'s call is found whatever its case (the name filter that spares the regex is a superset)', async () => {
    // The fast path reads every body's text; a cheap filter (LIKE on the lower-cased body) now comes before the
    // word-bounded regex (person22 MEDIUM C: 87–150 ms an EXPLAIN with 300 plpgsql functions). It must not lose a call.
    await tdb.admin.query(`DO $$ BEGIN FOR i IN 1..200 LOOP EXECUTE format('CREATE FUNCTION benign_%s(a int) RETURNS int LANGUAGE plpgsql STABLE AS $b$ BEGIN RETURN a + %s; END $b$', i, i); END LOOP; END $$`);
    await tdb.admin.query(`CREATE FUNCTION folds_lock_upper() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN PERFORM PG_Advisory_Lock(43); RETURN 1; END $$`);
    try {
      await rejectsWith(explain(db, 'SELECT folds_lock_upper()'), /folds_lock_upper\(\) \(immutable; its body calls pg_advisory_lock\)/);
      const held = (await tdb.admin.query(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 43`)).rows[0].count;
      assert.equal(Number(held), 0);
      // A name inside a longer word is not a call: the regex still decides after the filter.
      await tdb.admin.query(`CREATE FUNCTION counts_words() RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT length('my_pg_advisory_lock_total') $$`);
      await tdb.admin.query('DROP FUNCTION folds_lock_upper()');
      await tdb.admin.query('DROP FUNCTION folds_lock()');
      await explain(db, 'SELECT counts_words()');
    } finally {
      await tdb.admin.query(`CREATE OR REPLACE FUNCTION folds_lock() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN PERFORM pg_advisory_lock(42); RETURN 1; END $$`);
      await tdb.admin.query('DROP FUNCTION IF EXISTS folds_lock_upper(); DROP FUNCTION IF EXISTS counts_words()');
      await tdb.admin.query(`DO $$ BEGIN FOR i IN 1..200 LOOP EXECUTE format('DROP FUNCTION benign_%s(int)', i); END LOOP; END $$`);
    }
  });

  it('benchmark obeys the same gate (it would repeat the effect N times)', async () => {
    const before = await seq();
    await rejectsWith(benchmark(db, `SELECT setval('t_id_seq', 1)`, { runs: 5 }), /setval/);
    await rejectsWith(benchmark(db, 'SELECT pg_advisory_lock(7)', { runs: 5 }), /pg_advisory_lock/);
    await rejectsWith(benchmark(db, 'SELECT * FROM t FOR UPDATE', { runs: 5 }), /Only statements that only read/);
    await rejectsWith(benchmark(db, 'SELECT writes_t()', { runs: 5 }), /VOLATILE function public\.writes_t/);
    assert.deepEqual(await seq(), before);
    const ok = await benchmark(db, 'SELECT count(*) FROM t', { runs: 5 });
    assert.equal(ok.errors, 0);
  });
});
