import { strict as assert } from 'node:assert';
import { connect, APPLICATION_NAME, Database } from '../../../src/db/database';
import { freePort } from '../../../scripts/embeddedServer';
import { testDatabase, rejectsWith, waitFor } from '../support';

describe('db/database (real PostgreSQL)', () => {
  const t = testDatabase('database');

  it('sets application_name, statement_timeout and lock_timeout server-side', async () => {
    const db = await t.open({ statementTimeoutMs: 1234, lockTimeoutMs: 567 });
    const r = (await db.query(`SELECT current_setting('application_name') a, current_setting('statement_timeout') s, current_setting('lock_timeout') l`)).rows[0];
    assert.deepEqual(r, { a: APPLICATION_NAME, s: '1234ms', l: '567ms' });
  });

  it('a statement over the timeout is cancelled with one clear line', async () => {
    const db = await t.open({ statementTimeoutMs: 200 });
    await rejectsWith(db.query('SELECT pg_sleep(2)'), /cancelled \(statement timeout/);
  });

  it('production profiles are read-only on the server too', async () => {
    const db = await connect({ profile: { ...t.profile, environment: 'production' }, password: t.password });
    try {
      assert.equal(db.readOnly, true);
      assert.throws(() => db.assertWritable('Creating an index'), /production profile/);
      await rejectsWith(db.query('CREATE TABLE should_not_exist (id int)'), /read-only/);
      const exists = await t.admin.query(`SELECT to_regclass('should_not_exist') AS r`);
      assert.equal(exists.rows[0].r, null);
    } finally {
      await db.close();
    }
  });

  it('rolledBack undoes everything, on success and on error', async () => {
    await t.admin.query('CREATE TABLE rb (id int)');
    const db = await t.open();
    await db.rolledBack(async (s) => s.query('INSERT INTO rb VALUES (1)'));
    await assert.rejects(db.rolledBack(async (s) => {
      await s.query('INSERT INTO rb VALUES (2)');
      await s.query('SELECT 1/0');
    }), /division by zero/);
    assert.equal((await t.admin.query('SELECT count(*)::int AS n FROM rb')).rows[0].n, 0);
  });

  it('every way a session sends a statement: text columns where asked, one statement only, errors as one line', async () => {
    const db = await t.open();
    await db.rolledBack(async (s) => {
      assert.deepEqual((await s.querySingleText('SELECT 12345678901234567::int8 AS n, $1::int AS p', [7])).rows, [{ n: '12345678901234567', p: '7' }]);
      assert.deepEqual((await s.queryCheckedSingleSimpleText('SELECT 2::int8 AS n')).rows, [{ n: '2' }]);
      await rejectsWith(s.queryCheckedSingleSimpleText('SELECT 1; SELECT 2'), /more than one statement/);
      assert.deepEqual((await s.queryPrepared('SELECT $1::int + 1 AS n', [1])).rows, [{ n: 2 }]);
      assert.deepEqual((await s.queryPrepared('SELECT $1::int + 1 AS n', [2])).rows, [{ n: 3 }], 'the prepared statement again, with other values');
      assert.deepEqual((await s.querySingle('SELECT $1::int AS n', [5])).rows, [{ n: 5 }]);
      assert.deepEqual((await s.query('SELECT 1 AS n')).rows, [{ n: 1 }]);
      await rejectsWith(s.querySingle('SELECT 1; SELECT 2', [1]), /multiple commands/);
    });
    await db.rolledBack(async (s) => rejectsWith(s.query('SELECT 1/0'), /division by zero/));
  });

  it('survives pg_terminate_backend of its sessions and reconnects on the next query', async () => {
    const messages: string[] = [];
    const db = await t.open({ onConnectionError: (m) => messages.push(m) });
    await db.query('SELECT 1');
    await db.query('/* pg-lens */ SELECT 1');
    await t.admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, [APPLICATION_NAME]);
    await waitFor(() => messages.length > 0, 'the pool to notice its idle sessions were terminated');
    // The idle client was dropped by the pool; the next query works on a new session.
    const r = await db.query('/* pg-lens */ SELECT 42 AS x');
    assert.equal(r.rows[0].x, 42);
    for (const m of messages) assert.ok(!m.includes('\n') && !/at .*\.js/.test(m), `one line, no stack: ${m}`);
  });

  it('a session killed mid-query gives one clear line, and the pool keeps working', async () => {
    const db = await t.open();
    const p = db.withSession(async (s) => s.query('SELECT pg_sleep(5)'));
    p.catch(() => undefined); // observed below; this keeps Node from reporting it as unhandled meanwhile
    await waitFor(async () => (await t.admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND state = 'active' AND query LIKE 'SELECT pg_sleep(5)%'`, [APPLICATION_NAME])).rows[0].n === 1, 'pg_sleep(5) to be running');
    await t.admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'SELECT pg_sleep(5)%'`, [APPLICATION_NAME]);
    await assert.rejects(p, (e: Error) => {
      assert.match(e.message, /closed our session|connection .* was (lost|closed)/);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
    assert.equal((await db.query('/* pg-lens */ SELECT 7 AS x')).rows[0].x, 7);
  });

  it('reports server info and capabilities', async () => {
    const db = await t.open();
    const info = await db.serverInfo();
    assert.ok(info.versionNum >= 130000);
    assert.equal(info.database, t.name);
    assert.ok(['ready', 'not-installed', 'not-loaded', 'unavailable'].includes(info.pgStatStatements));
    assert.ok(['ready', 'available', 'unavailable'].includes(info.hypopg));
    assert.ok('work_mem' in info.settings);
  });

  describe('bad input ends in one clear line', () => {
    it('wrong password', async () => {
      await assert.rejects(connect({ profile: t.profile, password: 'definitely-wrong' }), (e: Error) => {
        assert.match(e.message, /^Password authentication failed for user "postgres"\.$/);
        assert.ok(!e.message.includes('definitely-wrong'));
        return true;
      });
    });
    it('no password: one line, and the half-open socket is closed (no backend left waiting in authentication)', async () => {
      const openSockets = () =>
        ((process as any)._getActiveHandles() as unknown[]).filter((h: any) => h?.constructor?.name === 'Socket' && h.remotePort === t.profile.port && !h.destroyed).length;
      const before = openSockets();
      await rejectsWith(connect({ profile: t.profile, password: undefined }), /asks for a password|Password authentication failed/);
      await waitFor(() => openSockets() === before, 'the failed connect\'s socket to close', 2000).catch(() => undefined);
      assert.equal(openSockets(), before, 'a failed connect leaves no socket to the server open');
    });
    it('a port where no PostgreSQL listens', async () => {
      const port = await freePort();
      await rejectsWith(connect({ profile: { ...t.profile, host: '127.0.0.1', port }, password: 'x' }), new RegExp(`^No PostgreSQL is listening at 127\\.0\\.0\\.1:${port}`));
    });
    it('an unknown host', async () => {
      await rejectsWith(connect({ profile: { ...t.profile, host: 'no-such-host.invalid' }, password: 'x', connectTimeoutMs: 3000 }), /Host not found: no-such-host\.invalid|cannot be reached|Timed out/);
    });
    it('a database that does not exist', async () => {
      await rejectsWith(connect({ profile: { ...t.profile, database: 'nope_not_here' }, password: t.password }), /database "nope_not_here" does not exist/i);
    });
    it('sslmode=require against a server without SSL', async () => {
      await rejectsWith(connect({ profile: { ...t.profile, sslmode: 'require' }, password: t.password }), /does not support SSL/);
    });
    it('a closed Database refuses politely', async () => {
      const db = new Database({ profile: t.profile, password: t.password });
      await db.close();
      await rejectsWith(db.query('SELECT 1'), /^Not connected/);
    });
  });
});
