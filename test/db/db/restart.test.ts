/**
 * A server restart under an open Database: its own embedded PostgreSQL (fixed data folder and port),
 * stopped and started again while PG Lens holds idle and busy sessions. Checks: no unhandled
 * rejection or uncaught exception, one clear line per outage, and the next query reconnects.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect, type Database } from '../../../src/db/database';
import { parseConnectionString, type ConnectionProfile } from '../../../src/core/connection/profile';
import { freePort, startEmbeddedPostgres, type RunningServer } from '../../../scripts/embeddedServer';
import { rejectsWith, waitFor } from '../support';

const oneLine = (m: string) => !m.includes('\n') && !/\bat .*:\d+:\d+/.test(m);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('db/database across a server restart (dedicated embedded PostgreSQL)', function () {
  this.timeout(120_000);
  let server: RunningServer;
  let db: Database;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-restart-'));
  const unhandled: unknown[] = [];
  const trap = (e: unknown) => void unhandled.push(e);
  const messages: string[] = [];
  /** onReconnected calls: the status bar leaves "unreachable" on each (person17 LOW 2). */
  let reconnected = 0;

  before(async () => {
    process.on('unhandledRejection', trap);
    process.on('uncaughtException', trap);
    server = await startEmbeddedPostgres({ dataDir: dir, port: await freePort() });
    const parsed = parseConnectionString(server.url);
    const profile = { ...parsed.profile, name: 'restart', environment: 'development' } as ConnectionProfile;
    db = await connect({ profile, password: parsed.password, max: 3, connectTimeoutMs: 3000, onConnectionError: (m) => messages.push(m), onReconnected: () => reconnected++ });
  });

  after(async () => {
    await db?.close();
    await server?.stop();
    process.removeListener('unhandledRejection', trap);
    process.removeListener('uncaughtException', trap);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports one clear line, fails while down, and reconnects on the next query after the restart', async () => {
    // Three idle pooled sessions, and one busy in a long statement.
    await Promise.all([1, 2, 3].map(() => db.query('/* pg-lens */ SELECT pg_sleep(0.05)')));
    const busy = db.withSession((s) => s.query('SELECT pg_sleep(60)'));
    busy.catch(() => undefined);
    await waitFor(async () => (await db.query<{ n: number }>(`/* pg-lens */ SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query = 'SELECT pg_sleep(60)'`)).rows[0].n === 1, 'pg_sleep(60) to be running');

    await server.halt();
    await waitFor(() => messages.length > 0, 'the outage to be reported');
    await sleep(300); // a quiet period: a second report of the same outage would arrive within it

    // The statement that was running ends in one line that says what happened.
    const e = await rejectsWith(busy, /closed our session|was lost|was closed by the server/);
    assert.ok(oneLine(e.message));

    // The idle sessions' deaths were reported once, not once per session (or twice per session).
    assert.equal(messages.length, 1, `one message for the outage, got: ${JSON.stringify(messages)}`);
    assert.ok(oneLine(messages[0]), messages[0]);
    assert.match(messages[0], /closed our session|was lost|was closed by the server|terminat/i);

    // While the server is down: one clear line, quickly, and never a retry loop.
    const t = performance.now();
    await rejectsWith(db.query('/* pg-lens */ SELECT 1'), new RegExp(`No PostgreSQL is listening at 127\\.0\\.0\\.1:${server.port} \\(connection refused\\)\\.`));
    assert.ok(performance.now() - t < 3500, 'fails within the connect timeout');
    await rejectsWith(db.withSession(async (s) => s.query('SELECT 1')), /No PostgreSQL is listening/);

    await server.resume();

    assert.equal(reconnected, 0, 'still unreachable while the server is down');
    // The next query reconnects: the pool opens a fresh session.
    const r = await db.query<{ x: number }>('/* pg-lens */ SELECT 42 AS x');
    assert.equal(r.rows[0].x, 42);
    assert.equal(reconnected, 1, 'the first statement that reaches the server again says so, once');
    await db.query('/* pg-lens */ SELECT 1');
    assert.equal(reconnected, 1);
    assert.equal(await db.withSession(async (s) => (await s.query('SELECT 7 AS y')).rows[0].y), 7);
    assert.equal((await db.serverInfo()).user, 'postgres');

    // A second outage is reported again (once).
    await Promise.all([1, 2].map(() => db.query('/* pg-lens */ SELECT pg_sleep(0.05)')));
    await server.halt();
    await waitFor(() => messages.length > 1, 'the second outage to be reported');
    await server.resume();
    assert.equal((await db.query('/* pg-lens */ SELECT 1 AS one')).rows[0].one, 1);
    assert.equal(messages.length, 2, JSON.stringify(messages));
    assert.equal(reconnected, 2);

    await sleep(100); // a quiet period: an unhandled rejection would surface within it
    assert.deepEqual(unhandled.map(String), [], 'no unhandled rejection or uncaught exception');
  });
});
