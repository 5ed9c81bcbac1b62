/**
 * Issue 12 items 6 and 7 against a real server: roles whose passwords hold "@", ":", "/", spaces,
 * quotes, backslashes and non-ASCII log in through the CLI from a URI (unencoded "@" as pasted, or
 * percent-encoded) and from key=value strings; nothing printed holds any part of a password; a wrong
 * password is refused (so the server really checks them); --production makes the session read-only.
 */
import * as assert from 'node:assert/strict';
import { runCli } from '../../unit/support/cli';
import { testDatabase } from '../support';
import { kvQuote, TRICKY } from '../../unit/support/passwords';

const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => runCli(argv, { env });

const leaks = (text: string) => /S3cret|Tail9/.test(text);

describe('passwords and production mode through the CLI (real server)', function () {
  const t = testDatabase('cli_passwords');
  let host: string;
  let port: number;
  before(async () => {
    host = t.profile.host;
    port = t.profile.port;
    for (const [i, pw] of TRICKY.entries()) {
      await t.admin.query(`CREATE ROLE pglens_tricky_${i} LOGIN PASSWORD ${`'${pw.replace(/'/g, "''")}'`}`);
      await t.admin.query(`GRANT CONNECT ON DATABASE ${t.name} TO pglens_tricky_${i}`);
    }
  });
  after(async () => {
    const { Client } = await import('pg');
    const c = new Client({ connectionString: process.env.PGLENS_TEST_DATABASE_URL });
    await c.connect();
    for (const i of TRICKY.keys()) await c.query(`DROP ROLE IF EXISTS pglens_tricky_${i}`).catch(() => undefined);
    await c.end();
  });

  it('the server checks passwords (a wrong one is refused, and not echoed)', async () => {
    const r = await run(['check-connection', '--db', `postgres://pglens_tricky_0:WrongS3cretTail9@${host}:${port}/${t.name}`]);
    assert.equal(r.code, 3, `a wrong password must fail; this server may trust every login: ${r.out}`);
    assert.match(r.err, /Password authentication failed for user "pglens_tricky_0"/);
    assert.ok(!leaks(r.out + r.err), r.err);
  });

  for (const [i, pw] of TRICKY.entries()) {
    it(`${JSON.stringify(pw)}: logs in from every form, and no output holds any part of it`, async () => {
      const forms = [
        `postgres://pglens_tricky_${i}:${encodeURIComponent(pw)}@${host}:${port}/${t.name}`,
        `host=${host} port=${port} dbname=${t.name} user=pglens_tricky_${i} password=${kvQuote(pw)}`,
      ];
      if (!/[/\s'"\\#?%]/.test(pw)) forms.push(`postgres://pglens_tricky_${i}:${pw}@${host}:${port}/${t.name}`);
      for (const db of forms) {
        const r = await run(['check-connection', '--db', db]);
        assert.equal(r.code, 0, `${db.replace(pw, '<pw>')}: ${r.err}`);
        assert.match(r.out, new RegExp(`as pglens_tricky_${i}`));
        assert.ok(!leaks(r.out + r.err), r.out + r.err);
      }
    });
  }

  it('--production and PGLENS_ENVIRONMENT=production: read-only sessions and the editor\'s refusals', async () => {
    await t.admin.query('CREATE TABLE IF NOT EXISTS w (id int)');
    for (const [args, env] of [[['--production'], {}], [[], { PGLENS_ENVIRONMENT: 'production' }]] as const) {
      const a = await run(['explain', '--db', t.url, ...args, '--analyze', '--allow-dml', 'INSERT INTO w VALUES (1)'], env);
      assert.equal(a.code, 3, a.out);
      assert.match(a.err, /Explain Analyze is not allowed: "cli" is a production profile/);
      const b = await run(['benchmark', '--db', t.url, ...args, '--runs', '2', 'SELECT 1'], env);
      assert.equal(b.code, 3);
      assert.match(b.err, /not allowed: "cli" is a production profile/);
      const c = await run(['check-connection', '--db', t.url, ...args, '--format', 'json'], env);
      assert.equal(JSON.parse(c.out).settings.default_transaction_read_only, 'on', 'the server itself refuses writes');
    }
    const plain = await run(['check-connection', '--db', t.url, '--format', 'json']);
    assert.equal(JSON.parse(plain.out).settings.default_transaction_read_only, 'off');
    const bad = await run(['check-connection', '--db', t.url], { PGLENS_ENVIRONMENT: 'prod' });
    assert.equal(bad.code, 2);
    assert.match(bad.err, /PGLENS_ENVIRONMENT must be one of development, staging, production \(got "prod"\)/);
  });

  it('a host that looks like production gets a one-line hint without --production', async () => {
    const r = await run(['check-connection', '--db', 'postgres://app@db-prod-1.invalid:1/shop']);
    assert.match(r.err.split('\n')[0], /^pg-lens: the host "db-prod-1\.invalid" looks like production; pass --production/);
    const quiet = await run(['check-connection', '--production', '--db', 'postgres://app@db-prod-1.invalid:1/shop']);
    assert.doesNotMatch(quiet.err, /looks like production/);
  });
});
