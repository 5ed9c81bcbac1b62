/**
 * `pg-lens check-connection` against the real server: in-process through main() for every way
 * it can go wrong, and once through the built dist/cli.js for real exit codes and streams.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli, type CliRun } from '../../unit/support/cli';
import { EXIT } from '../../../src/cli/io';
import { freePort } from '../../../scripts/embeddedServer';
import { builtCli, serverUrl } from '../support';

const root = path.join(__dirname, '..', '..', '..');
// The harness starts the server after the test files load: read its URL lazily.
let server: URL;
let PASSWORD: string;
const noPassword = () => {
  const u = new URL(server.toString());
  u.password = '';
  return u.toString();
};
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-cli-'));
/** An env with nothing of the developer's: no PG*, no DATABASE_URL, no ~/.pgpass. */
const cleanEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: tmp, PGPASSFILE: path.join(tmp, 'none'), ...extra });

async function run(argv: string[], env = cleanEnv()): Promise<CliRun & { ms: number }> {
  const t = performance.now();
  const r = await runCli(argv, { env, cwd: root });
  return { ...r, ms: performance.now() - t };
}

/** A failure: the right exit code, one line on stderr that matches, nothing on stdout, no secret echoed. */
function oneLineFailure(r: { code: number; out: string; err: string }, re: RegExp, secret?: string, code: number = EXIT.failure): void {
  assert.equal(r.code, code, `exit code (stderr: ${r.err})`);
  assert.equal(r.out, '');
  assert.match(r.err, re);
  assert.equal(r.err.split('\n').length, code === EXIT.usage ? r.err.split('\n').length : 1, `one line: ${r.err}`);
  assert.doesNotMatch(r.err, /\bat .*\(.*:\d+:\d+\)|node:internal/, 'no stack trace');
  if (secret) assert.ok(!r.err.includes(secret), 'the password is not echoed');
}

describe('cli check-connection (real PostgreSQL)', function () {
  before(() => {
    server = new URL(serverUrl());
    PASSWORD = decodeURIComponent(server.password);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('prints the server, capabilities and settings, and exits 0; no password in the output', async () => {
    const r = await run(['check-connection', '--db', serverUrl()]);
    assert.equal(r.code, EXIT.ok, r.err);
    assert.match(r.out, new RegExp(`^Connected to ${server.username}@${server.hostname}:${server.port}/`));
    assert.match(r.out, /\nServer: PostgreSQL \d+\.\d+/);
    assert.match(r.out, /pg_stat_statements: (ready|not-installed|not-loaded|unavailable) {3}HypoPG: (ready|available|unavailable)/);
    assert.match(r.out, /statement_timeout +10 s/, 'our own session timeout, in human units');
    assert.match(r.out, /shared_buffers +\d+(\.\d+)? [kMG]B/);
    assert.ok(!r.out.includes(PASSWORD));
    assert.equal(r.err, '');
  });

  it('--format json is machine-readable and holds no password', async () => {
    const r = await run(['check-connection', '--db', serverUrl(), '--format', 'json']);
    assert.equal(r.code, EXIT.ok);
    const j = JSON.parse(r.out);
    assert.ok(j.versionNum >= 130000);
    assert.equal(typeof j.settings.max_connections, 'string');
    assert.ok(!r.out.includes(PASSWORD));
  });

  it('takes the connection from DATABASE_URL, or from PG* variables with PGPASSWORD', async () => {
    assert.equal((await run(['check-connection'], cleanEnv({ DATABASE_URL: serverUrl() }))).code, EXIT.ok);
    const pgEnv = cleanEnv({ PGHOST: server.hostname, PGPORT: server.port, PGUSER: decodeURIComponent(server.username), PGDATABASE: 'postgres', PGPASSWORD: PASSWORD });
    const r = await run(['check-connection'], pgEnv);
    assert.equal(r.code, EXIT.ok, r.err);
    assert.match(r.out, /\/postgres\n/);
  });

  it('PGPASSWORD fills in a URL without a password; a URL password wins over it', async () => {
    assert.equal((await run(['check-connection', '--db', noPassword()], cleanEnv({ PGPASSWORD: PASSWORD }))).code, EXIT.ok);
    assert.equal((await run(['check-connection', '--db', serverUrl()], cleanEnv({ PGPASSWORD: 'wrong' }))).code, EXIT.ok);
  });

  it('reads the password from the password file (PGPASSFILE), and ignores one others can read', async () => {
    const file = path.join(tmp, 'pgpass');
    fs.writeFileSync(file, `# comment\nother:*:*:*:nope\n${server.hostname}:${server.port}:*:${decodeURIComponent(server.username)}:${PASSWORD.replace(/([:\\])/g, '\\$1')}\n`);
    fs.chmodSync(file, 0o600);
    const ok = await run(['check-connection', '--db', noPassword()], cleanEnv({ PGPASSFILE: file }));
    assert.equal(ok.code, EXIT.ok, ok.err);
    fs.chmodSync(file, 0o644);
    const ignored = await run(['check-connection', '--db', noPassword()], cleanEnv({ PGPASSFILE: file }));
    oneLineFailure(ignored, /asks for a password|Password authentication failed/);
  });

  describe('bad input: one clear line, exit 3 (2 for usage), within the timeout', () => {
    it('a wrong password (not echoed)', async () => {
      const u = new URL(serverUrl());
      u.password = 'Wr0ng-Secret-123';
      oneLineFailure(await run(['check-connection', '--db', u.toString()]), /^pg-lens check-connection: Password authentication failed for user "/, 'Wr0ng-Secret-123');
    });

    it('no password at all', async () => {
      oneLineFailure(await run(['check-connection', '--db', noPassword()]), /asks for a password|Password authentication failed/);
    });

    it('a port where no PostgreSQL listens', async () => {
      const port = await freePort();
      const r = await run(['check-connection', '--db', `postgres://u:Secret-9@127.0.0.1:${port}/db`]);
      oneLineFailure(r, new RegExp(`No PostgreSQL is listening at 127\\.0\\.0\\.1:${port} \\(connection refused\\)\\.$`), 'Secret-9');
    });

    it('a port where something else (not PostgreSQL) listens', async () => {
      const net = await import('node:net');
      const srv = net.createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
      try {
        const port = (srv.address() as import('node:net').AddressInfo).port;
        const r = await run(['check-connection', '--db', `postgres://u:Secret-9@127.0.0.1:${port}/db`]);
        oneLineFailure(r, /lost|closed|not .*PostgreSQL|unexpected|Connection terminated/i, 'Secret-9');
        assert.ok(r.ms < 8000, `answered in ${Math.round(r.ms)} ms`);
      } finally {
        srv.close();
      }
    });

    it('an unknown host', async () => {
      oneLineFailure(await run(['check-connection', '--db', 'postgres://u:Secret-9@no-such-host.invalid/db']), /Host not found: no-such-host\.invalid\.$/, 'Secret-9');
    });

    it('an unreachable host ends within the connect timeout', async () => {
      // 192.0.2.1 is TEST-NET-1 (RFC 5737): never routed. Either the network says so at once, or the timeout does.
      const r = await run(['check-connection', '--db', 'postgres://u:Secret-9@192.0.2.1:5432/db']);
      // (In a sandbox without a network the kernel may refuse it at once instead.)
      oneLineFailure(r, /cannot be reached|Timed out connecting at 192\.0\.2\.1:5432|No PostgreSQL is listening at 192\.0\.2\.1:5432/, 'Secret-9');
      assert.ok(r.ms < 9000, `gave up after ${Math.round(r.ms)} ms`);
    });

    it('a server that accepts the connection and never answers: the connect timeout ends it', async () => {
      const net = await import('node:net');
      const sockets: import('node:net').Socket[] = [];
      const srv = net.createServer((s) => void sockets.push(s)); // accept, say nothing
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
      try {
        const port = (srv.address() as import('node:net').AddressInfo).port;
        const r = await run(['check-connection', '--connect-timeout', '5', '--db', `postgres://u:Secret-9@127.0.0.1:${port}/db`]);
        oneLineFailure(r, new RegExp(`Timed out connecting at 127\\.0\\.0\\.1:${port} after 5 s \\(the connect timeout\\); raise it with --connect-timeout <seconds> .*\\.$`), 'Secret-9');
        assert.ok(r.ms >= 4000 && r.ms < 9000, `gave up after ${Math.round(r.ms)} ms (--connect-timeout 5)`);
      } finally {
        for (const s of sockets) s.destroy();
        srv.close();
      }
    });

    it('a malformed connection string, without echoing it', async () => {
      oneLineFailure(await run(['check-connection', '--db', 'postgres://u:Secret-9@host:port/db']), /Malformed connection URI|Invalid port/, 'Secret-9');
      oneLineFailure(await run(['check-connection', '--db', "host=h password='Secret-9 dbname=x"]), /unterminated quoted value/, 'Secret-9');
      oneLineFailure(await run(['check-connection', '--db', 'mysql://u:Secret-9@h/db']), /Not a PostgreSQL URI \(scheme "mysql"\)/, 'Secret-9');
    });

    it('an unknown sslmode, in the URL or in PGSSLMODE', async () => {
      oneLineFailure(await run(['check-connection', '--db', `${serverUrl()}?sslmode=sometimes`]), /Unknown sslmode "sometimes"/, PASSWORD);
      oneLineFailure(await run(['check-connection'], cleanEnv({ PGHOST: '127.0.0.1', PGSSLMODE: 'sometimes' })), /Unknown PGSSLMODE "sometimes"/);
    });

    it('sslmode=require against a server without SSL', async () => {
      const r = await run(['check-connection', '--db', `${serverUrl()}?sslmode=require`]);
      oneLineFailure(r, /does not support SSL/, PASSWORD);
    });

    it('usage errors exit 2: no database, a bad option, a bad --format, an unknown command', async () => {
      oneLineFailure(await run(['check-connection']), /No database given/, undefined, EXIT.usage);
      oneLineFailure(await run(['check-connection', '--nope']), /^pg-lens check-connection: unknown option --nope\n/, undefined, EXIT.usage);
      oneLineFailure(await run(['check-connection', '--db', serverUrl(), '--format', 'xml']), /--format must be text or json/, PASSWORD, EXIT.usage);
      oneLineFailure(await run(['no-such-command']), /unknown command "no-such-command"/, undefined, EXIT.usage);
    });
  });

  describe('the built dist/cli.js', () => {
    let cli = '';
    before(function () {
      this.timeout(120_000);
      cli = builtCli();
    });

    it('exits 0 with the report on stdout, and 3 with exactly one line on stderr', () => {
      const ok = spawnSync(cli, ['check-connection', '--db', serverUrl()], { encoding: 'utf8', env: cleanEnv() });
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, /^Connected to /);
      const bad = spawnSync(process.execPath, [cli, 'check-connection', '--db', `postgres://u:Secret-9@127.0.0.1:1/db`], { encoding: 'utf8', env: cleanEnv() });
      assert.equal(bad.status, 3);
      assert.equal(bad.stdout, '');
      assert.match(bad.stderr, /^pg-lens check-connection: No PostgreSQL is listening at 127\.0\.0\.1:1 \(connection refused\)\.\n$/);
      const usage = spawnSync(process.execPath, [cli], { encoding: 'utf8', env: cleanEnv() });
      assert.equal(usage.status, 2);
      assert.match(usage.stdout, /check-connection/);
    });
  });
});
