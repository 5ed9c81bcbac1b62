/**
 * Maintenance actions on a real PostgreSQL: each hits exactly the object addressed by oid (hostile
 * names next to look-alikes), backends are signalled only when pid AND backend_start match and never
 * when they are ours, and production profiles are refused before anything is sent.
 */
import * as assert from 'node:assert/strict';
import { Client } from 'pg';
import { planAction, runAction } from '../../../src/db/maintenance';
import { testDatabase, rejectsWith, waitFor } from '../support';

const oidOf = async (c: Client, regclass: string): Promise<number> => Number((await c.query(`SELECT $1::regclass::oid AS oid`, [regclass])).rows[0].oid);

/** Run an action that must succeed; its statement. */
async function runOk(...args: Parameters<typeof runAction>): Promise<string> {
  const r = await runAction(...args);
  assert.ok(r.ok, r.message);
  return r.statement;
}

describe('maintenance actions', function () {
  const t = testDatabase('maint');
  before(async () => {
    const a = t.admin;
    // Look-alikes: table b in schema a, and table "a.b" in public; a hostile name with HTML and quotes.
    await a.query(`CREATE SCHEMA a`);
    await a.query(`CREATE TABLE a.b (id int)`);
    await a.query(`CREATE TABLE public."a.b" (id int)`);
    await a.query(`CREATE TABLE public."<img src=x onerror=alert(1)> ""ü"" " (id int, v int)`);
    await a.query(`INSERT INTO a.b SELECT generate_series(1, 100)`);
    await a.query(`INSERT INTO public."a.b" SELECT generate_series(1, 100)`);
    await a.query(`CREATE INDEX "i ""x"".y" ON public."<img src=x onerror=alert(1)> ""ü"" " (v)`);
    await a.query(`CREATE INDEX "i" ON public."<img src=x onerror=alert(1)> ""ü"" " (v)`);
    await a.query(`CREATE TABLE src (id int PRIMARY KEY, v int)`);
    await a.query(`INSERT INTO src VALUES (1, 1)`);
    await a.query(`CREATE MATERIALIZED VIEW "mv uniq" AS SELECT id, v FROM src`);
    await a.query(`CREATE UNIQUE INDEX ON "mv uniq" (id)`);
    await a.query(`CREATE MATERIALIZED VIEW mv_plain AS SELECT v FROM src`);
  });

  it('ANALYZE by oid updates last_analyze of that table only, not its look-alike', async () => {
    const db = await t.open();
    const oid = await oidOf(t.admin, 'public."a.b"');
    assert.equal(await runOk(db, { kind: 'analyze', oid }), 'ANALYZE public."a.b"');
    await t.admin.query('SELECT pg_stat_clear_snapshot()');
    const rows = (await t.admin.query(`SELECT schemaname, relname, last_analyze IS NOT NULL AS analysed FROM pg_stat_user_tables WHERE relname IN ('a.b', 'b') ORDER BY 1`)).rows;
    assert.deepEqual(rows, [{ schemaname: 'a', relname: 'b', analysed: false }, { schemaname: 'public', relname: 'a.b', analysed: true }]);
  });

  it('VACUUM (ANALYZE) of a hostile table name', async () => {
    const db = await t.open();
    const oid = await oidOf(t.admin, 'public."<img src=x onerror=alert(1)> ""ü"" "');
    assert.equal(await runOk(db, { kind: 'vacuum-analyze', oid }), 'VACUUM (ANALYZE) public."<img src=x onerror=alert(1)> ""ü"" "');
  });

  it('REINDEX INDEX CONCURRENTLY and DROP INDEX CONCURRENTLY hit exactly that index', async () => {
    const db = await t.open();
    const hostile = await oidOf(t.admin, 'public."i ""x"".y"');
    const progress: string[] = [];
    assert.equal(await runOk(db, { kind: 'reindex-index', oid: hostile }, { onProgress: (m) => progress.push(m) }), 'REINDEX INDEX CONCURRENTLY public."i ""x"".y"');
    const newOid = await oidOf(t.admin, 'public."i ""x"".y"');
    await runOk(db, { kind: 'drop-index', oid: newOid });
    const left = (await t.admin.query(`SELECT relname FROM pg_class WHERE relkind = 'i' AND relname LIKE 'i%' ORDER BY 1`)).rows.map((r) => r.relname);
    assert.deepEqual(left, ['i']);
  });

  it('an oid that is gone, or of the wrong kind, is refused in one line', async () => {
    const db = await t.open();
    await rejectsWith(runAction(db, { kind: 'analyze', oid: 4000000000 }), /no longer exists/);
    const idx = await oidOf(t.admin, 'public.i');
    await rejectsWith(runAction(db, { kind: 'vacuum-analyze', oid: idx }), /does not apply to index public\.i/);
    const pk = await oidOf(t.admin, 'src_pkey');
    await rejectsWith(runAction(db, { kind: 'drop-index', oid: pk }), /backs a constraint/);
  });

  it('REFRESH MATERIALIZED VIEW uses CONCURRENTLY only when a unique index allows it', async () => {
    const db = await t.open();
    const uniq = await planAction(db, { kind: 'refresh-materialized-view', oid: await oidOf(t.admin, '"mv uniq"') });
    assert.equal(uniq.statement, 'REFRESH MATERIALIZED VIEW CONCURRENTLY public."mv uniq"');
    assert.equal(await runOk(db, { kind: 'refresh-materialized-view', oid: await oidOf(t.admin, 'mv_plain') }), 'REFRESH MATERIALIZED VIEW public.mv_plain');
    assert.equal(await runOk(db, { kind: 'refresh-materialized-view', oid: await oidOf(t.admin, '"mv uniq"') }), uniq.statement, 'the run is what was planned');
  });

  describe('cancel and terminate', () => {
    let victim: Client;
    let pid: number;
    let backendStart: string;
    beforeEach(async () => {
      victim = new Client({ connectionString: t.url, application_name: 'victim' });
      victim.on('error', () => undefined);
      await victim.connect();
      pid = (await victim.query('SELECT pg_backend_pid() AS p')).rows[0].p;
      backendStart = (await t.admin.query('SELECT backend_start::text AS b FROM pg_stat_activity WHERE pid = $1', [pid])).rows[0].b;
    });
    afterEach(async () => victim.end().catch(() => undefined));

    it('refuses when backend_start differs (a reused pid)', async () => {
      const db = await t.open();
      await rejectsWith(runAction(db, { kind: 'terminate-backend', pid, backendStart: '2000-01-01 00:00:00+00' }), /now belongs to a different session/);
      assert.equal((await victim.query('SELECT 1 AS one')).rows[0].one, 1);
    });

    it('refuses our own sessions', async () => {
      const db = await t.open();
      const own = await db.withSession(async (s) => {
        const p = s.processID!;
        const b = (await s.query('SELECT backend_start::text AS b FROM pg_stat_activity WHERE pid = pg_backend_pid()')).rows[0].b;
        return { p, b };
      });
      await rejectsWith(runAction(db, { kind: 'terminate-backend', pid: own.p, backendStart: own.b }), /PG Lens's own sessions/);
    });

    it('cancels the running query of the right session', async () => {
      const db = await t.open();
      const running = victim.query('SELECT pg_sleep(20)').then(() => 'finished', (e: Error) => e.message);
      await waitFor(async () => (await t.admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND state = 'active'`, [pid])).rows[0].n === 1, 'pg_sleep(20) to be running');
      await runOk(db, { kind: 'cancel-backend', pid, backendStart });
      assert.match(await running, /canceling statement due to user request/);
    });

    it('terminates the right session', async () => {
      const db = await t.open();
      await runOk(db, { kind: 'terminate-backend', pid, backendStart });
      await waitFor(async () => (await t.admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [pid])).rows[0].n === 0, 'the terminated session to be gone');
    });
  });

  it('the reset confirm says what is lost without naming pg_stat_statements twice (person48 L-c)', async () => {
    const db = await t.open();
    const plan = await planAction(db, { kind: 'reset-statements' });
    assert.equal(plan.statement, 'SELECT pg_stat_statements_reset()');
    // The dialog reads "Reset pg_stat_statements: <target>?".
    assert.doesNotMatch(plan.target, /pg_stat_statements/);
    assert.match(plan.target, /every statement, in every database of this server/);
  });

  it('production profiles are refused before anything is sent', async () => {
    const db = await t.open({ profile: { ...t.profile, environment: 'production' } });
    const oid = await oidOf(t.admin, 'a.b');
    await rejectsWith(runAction(db, { kind: 'analyze', oid }), /production profile/);
    await rejectsWith(runAction(db, { kind: 'reset-statements' }), /production profile/);
    await rejectsWith(runAction(db, { kind: 'cancel-backend', pid: 1, backendStart: '2026-01-01 00:00:00+00' }), /production profile/);
  });
});
