/**
 * Issue 20 item 9: `pg-lens record --db …` failed "Timed out connecting at 127.0.0.1:55432" on a loaded machine while the
 * app connected; the CLI had a fixed 5 s and no way to raise it. Now: 15 s by default, --connect-timeout <seconds> (or
 * libpq's PGCONNECT_TIMEOUT), and the message names the timeout and how to raise it. The server here accepts the TCP
 * connection and never answers (a server too busy to start the session), so the timeout is what ends the connect.
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { runCli } from '../support/cli';
import { connectTimeoutMsOf } from '../../../src/cli/io';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../../../src/db/database';

describe('cli: the connect timeout (issue 20 item 9)', () => {
  let server: net.Server;
  let port = 0;
  const sockets: net.Socket[] = [];
  before(async () => {
    server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a server that does not answer: one line naming the timeout and --connect-timeout', async () => {
    const r = await runCli(['check-connection', '--db', `postgres://app@127.0.0.1:${port}/shop`, '--connect-timeout', '1']);
    assert.notEqual(r.code, 0);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, new RegExp(`Timed out connecting at 127\\.0\\.0\\.1:${port} after 1 s \\(the connect timeout\\); raise it with --connect-timeout <seconds> \\(or connect_timeout in the URL, or PGCONNECT_TIMEOUT\\)\\.`));
  });

  it('connect_timeout in the URL counts (libpq: at least 2 s), over PGCONNECT_TIMEOUT', async function () {
    this.timeout(15000);
    const r = await runCli(['check-connection', '--db', `postgres://app@127.0.0.1:${port}/shop?connect_timeout=2`], { env: { PGCONNECT_TIMEOUT: '600' } });
    assert.match(r.err, /after 2 s \(the connect timeout\)/, r.err);
    const bad = await runCli(['check-connection', '--db', `postgres://app@127.0.0.1:${port}/shop?connect_timeout=soon`]);
    assert.equal(bad.code, 2, bad.err);
    assert.match(bad.err, /connect_timeout must be a whole number of seconds/);
  });

  it('--connect-timeout, else PGCONNECT_TIMEOUT (libpq: at least 2 s, 0 waits), else the default of 15 s; bad values are refused', async () => {
    assert.equal(DEFAULT_CONNECT_TIMEOUT_MS, 15000);
    assert.equal(connectTimeoutMsOf(undefined, {}), undefined);
    assert.equal(connectTimeoutMsOf('40', { PGCONNECT_TIMEOUT: '5' }), 40000);
    assert.equal(connectTimeoutMsOf(undefined, { PGCONNECT_TIMEOUT: '30' }), 30000);
    assert.equal(connectTimeoutMsOf(undefined, { PGCONNECT_TIMEOUT: '1' }), 2000);
    assert.equal(connectTimeoutMsOf(undefined, { PGCONNECT_TIMEOUT: '0' }), 3600000);
    assert.throws(() => connectTimeoutMsOf('0', {}), /--connect-timeout must be a number between 1 and 3600 \(got "0"\)/);
    assert.throws(() => connectTimeoutMsOf(undefined, { PGCONNECT_TIMEOUT: 'soon' }), /PGCONNECT_TIMEOUT must be a whole number of seconds/);
    const r = await runCli(['check-connection', '--db', `postgres://app@127.0.0.1:${port}/shop`, '--connect-timeout', 'x']);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /--connect-timeout must be a number/);
  });
});
