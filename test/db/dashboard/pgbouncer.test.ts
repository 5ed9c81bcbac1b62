/**
 * pool-sizing through a real PgBouncer (the Debian package, /usr/sbin/pgbouncer) in front of the test server:
 * clients queued behind a pool of 2 fire it, read from SHOW POOLS / SHOW STATS by `pg-lens health` on the admin
 * console and beside the database (--pgbouncer). Without the binary the fallback is tested: a console URL that
 * is not PgBouncer gets one clear line, and pool-sizing stays silent without PgBouncer facts.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { runHealth } from '../../../src/db/health';
import { announceFallback, createTestDatabase, serverUrl, type TestDatabase } from '../support';
import { runCli as run } from '../../unit/support/cli';

const BINARY = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer'].find((p) => fs.existsSync(p));


function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

describe('pool-sizing from PgBouncer', function () {
  this.timeout(120000);
  let t: TestDatabase;
  let bouncer: ChildProcess | undefined;
  let dir = '';
  let port = 0;
  let u: URL;

  before(async function () {
    t = await createTestDatabase('pgbouncer');
    u = new URL(serverUrl());
    if (!BINARY) return;
    port = await freePort();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-pgbouncer-'));
    fs.chmodSync(dir, 0o777);
    const user = decodeURIComponent(u.username);
    fs.writeFileSync(path.join(dir, 'pgbouncer.ini'), [
      '[databases]',
      `app = host=${u.hostname} port=${u.port} dbname=${t.name} user=${user} password=${decodeURIComponent(u.password)}`,
      '[pgbouncer]',
      `listen_addr = 127.0.0.1`, `listen_port = ${port}`, 'unix_socket_dir =', 'auth_type = any', `admin_users = ${user}`,
      'pool_mode = transaction', 'default_pool_size = 2', `logfile = ${dir}/pgbouncer.log`, `pidfile = ${dir}/pgbouncer.pid`,
      'ignore_startup_parameters = extra_float_digits,options,statement_timeout,lock_timeout,idle_in_transaction_session_timeout',
    ].join('\n'), { mode: 0o644 });
    // PgBouncer refuses to run as root: switch to the postgres user then.
    bouncer = spawn(BINARY, [...(process.getuid?.() === 0 ? ['-u', 'postgres'] : []), path.join(dir, 'pgbouncer.ini')], { stdio: 'ignore' });
    for (let i = 0; i < 50; i++) {
      const c = new Client({ host: '127.0.0.1', port, database: 'pgbouncer', user });
      const up = await c.connect().then(() => true, () => false);
      await c.end().catch(() => undefined);
      if (up) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`PgBouncer did not start: ${fs.existsSync(`${dir}/pgbouncer.log`) ? fs.readFileSync(`${dir}/pgbouncer.log`, 'utf8').slice(-500) : 'no log'}`);
  });
  after(async () => {
    bouncer?.kill();
    await t?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fires on the admin console and beside the database while clients queue behind a pool of 2, with the pool size they need', async function () {
    if (!BINARY) {
      announceFallback('PgBouncer (pgbouncer binary)', 'a console URL that is not PgBouncer gets one line; pool-sizing is silent without PgBouncer facts');
      const r = await run(['health', '--db', `${serverUrl().replace(/\/[^/?]*(\?|$)/, '/pgbouncer$1')}`]);
      assert.equal(r.code, 3, r.out);
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
      assert.deepEqual((await runHealth(await t.open(), { only: ['pool-sizing'] })).findings, []);
      return;
    }
    const user = decodeURIComponent(u.username);
    const adminUrl = `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/pgbouncer`;
    // Quiet pools: nothing to say.
    assert.equal((await run(['health', '--db', adminUrl, '--format', 'json'])).out.trim(), '[]');
    const clients = Array.from({ length: 5 }, () => new Client({ host: '127.0.0.1', port, database: 'app', user }));
    await Promise.all(clients.map((c) => c.connect()));
    const busy = clients.map((c) => c.query('SELECT pg_sleep(6)'));
    try {
      await new Promise((r) => setTimeout(r, 700));
      const r = await run(['health', '--db', adminUrl, '--format', 'json']);
      const json = JSON.parse(r.out);
      assert.equal(json.length, 1, r.out);
      assert.equal(json[0].checkId, 'pool-sizing');
      assert.equal(json[0].evidence.pool.database, 'app');
      assert.equal(json[0].evidence.pool.clientsWaiting, 3);
      assert.equal(json[0].evidence.pool.poolSize, 2);
      assert.equal(json[0].evidence.recommendedPoolSize, 5, '2 active + 3 waiting');
      // Beside the database: the server's usable slots bound the recommendation.
      const both = await run(['health', '--db', t.url, '--pgbouncer', adminUrl, '--check', 'pool-sizing', '--format', 'json']);
      const b = JSON.parse(both.out);
      assert.equal(b.length, 1, both.out + both.err);
      assert.ok(b[0].evidence.serverSlotsUsable > 0);
    } finally {
      await Promise.allSettled(busy);
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  it('detects PgBouncer in front of the database (the server accepted the session on another port; its console answers there) and says so in pool-sizing and connection-saturation', async function () {
    const checks = { only: ['pool-sizing', 'connection-saturation'], thresholds: { connectionWarnShare: 0.000001 } };
    const direct = await runHealth(await t.open(), checks);
    assert.equal(direct.facts.frontend, undefined, 'connected to the server itself');
    assert.deepEqual(direct.findings.map((f) => f.checkId), ['connection-saturation']);
    assert.match(direct.findings[0].help ?? '', /put a pooler/);
    if (!BINARY) {
      announceFallback('PgBouncer (pgbouncer binary)', 'a direct connection: nothing in front, connection-saturation advises a pooler, pool-sizing silent');
      return;
    }
    const viaBouncer = await runHealth(await t.open({ profile: { ...t.profile, host: '127.0.0.1', port, database: 'app' } }), checks);
    assert.deepEqual(viaBouncer.facts.frontend && { ...viaBouncer.facts.frontend, pgbouncer: /^PgBouncer \d/.test(viaBouncer.facts.frontend.pgbouncer ?? '') }, { connectedPort: port, serverPort: Number(u.port), pgbouncer: true });
    const sat = viaBouncer.findings.find((f) => f.checkId === 'connection-saturation');
    assert.match(sat?.message ?? '', new RegExp(`through PgBouncer \\d.*port ${port}; the server listens on ${u.port}`));
    assert.match(sat?.help ?? '', /PgBouncer is already in front/);
    const pool = viaBouncer.findings.find((f) => f.checkId === 'pool-sizing');
    assert.equal(pool?.severity, 'info');
    assert.match(pool?.message ?? '', /through PgBouncer .*its pools were not read/);
    // The CLI says the same; with --pgbouncer the pools are read instead of the note.
    const user = decodeURIComponent(u.username);
    const r = await run(['health', '--db', `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/app`, '--check', 'pool-sizing', '--format', 'json']);
    assert.deepEqual(JSON.parse(r.out).map((f: { checkId: string; severity: string }) => [f.checkId, f.severity]), [['pool-sizing', 'info']], r.err);
    const withPools = await run(['health', '--db', `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/app`, '--pgbouncer', `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/pgbouncer`, '--check', 'pool-sizing', '--format', 'json']);
    const read = JSON.parse(withPools.out);
    assert.ok(read.every((f: { evidence: { pool?: unknown } }) => f.evidence.pool), 'the pools were read: no "not read" note');
    // The first test's queue left an average wait, nobody waits now: no pool size below the current one is advised.
    for (const f of read) assert.equal(f.evidence.recommendedPoolSize, null, JSON.stringify(f));
  });
});
