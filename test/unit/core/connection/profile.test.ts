import { strict as assert } from 'node:assert';
import { connectionUri, parseConnectionString, normalizeProfile, redact, ConnectionConfigError, secretKey, findingsIdentity, type ConnectionProfile } from '../../../../src/core/connection/profile';

describe('core/connection/profile', () => {
  it("connectionUri: Add Connection's Edit starts from a string that reads back as the same login, without a password", () => {
    for (const p of [
      { host: 'db.example.com', port: 5433, database: 'shop', user: 'app', sslmode: 'require' as const },
      { host: '/var/run/postgresql', port: 5432, database: 'my db', user: 'a@b', sslmode: 'disable' as const },
      { host: '[::1]', port: 5432, database: 'shop', user: 'app', sslmode: 'verify-full' as const },
    ]) {
      const uri = connectionUri(p);
      const back = parseConnectionString(uri);
      assert.deepEqual({ ...back.profile, sslrootcert: back.profile.sslrootcert ?? undefined }, { sslrootcert: undefined, ...p }, uri);
      assert.equal(back.password, undefined);
    }
  });

  it('parses a URI and splits off the password', () => {
    const p = parseConnectionString('postgres://app:s3cr%40t@db.local:6543/shop?sslmode=require');
    assert.equal(p.password, 's3cr@t');
    assert.deepEqual(p.profile, { host: 'db.local', port: 6543, database: 'shop', user: 'app', sslmode: 'require', sslrootcert: undefined });
  });

  it('parses libpq key=value strings with quoted values', () => {
    const p = parseConnectionString(`host=h1 port=5433 dbname='my db' user=u password='it\\'s' sslmode=disable`);
    assert.equal(p.profile.database, 'my db');
    assert.equal(p.profile.port, 5433);
    assert.equal(p.password, "it's");
    assert.equal(p.profile.sslmode, 'disable');
  });

  for (const [input, message] of [
    ['', /empty/],
    ['mysql://u@h/db', /Not a PostgreSQL URI/],
    ['postgres://u@h:99999/db', /Invalid port|Malformed/],
    ['host=h sslmode=bogus', /Unknown sslmode "bogus"/],
    ['host=h dbname=\'unterminated', /unterminated/],
    ['host=h colour=blue', /Unknown connection parameter "colour"/],
    ['just some words', /expected a postgres:\/\/ URI/],
  ] as const) {
    it(`rejects ${JSON.stringify(input)} with one clear line`, () => {
      assert.throws(() => parseConnectionString(input), (e: unknown) => {
        assert.ok(e instanceof ConnectionConfigError);
        assert.match(e.message, message);
        assert.ok(!e.message.includes('\n'));
        return true;
      });
    });
  }

  it('never echoes a password in an error', () => {
    try {
      parseConnectionString('host=h password=hunter2 sslmode=nope');
      assert.fail('should throw');
    } catch (e) {
      assert.ok(!(e as Error).message.includes('hunter2'));
    }
  });

  it('normalizes settings objects and rejects unknown environments', () => {
    const p = normalizeProfile({ name: 'prod', host: 'x', port: 5432, database: 'd', user: 'u', environment: 'production', readReplica: { host: 'r' } });
    assert.equal(p.environment, 'production');
    assert.deepEqual(p.readReplica, { host: 'r', port: undefined });
    assert.equal(p.sslmode, 'prefer');
    assert.throws(() => normalizeProfile({ environment: 'qa' }), /Unknown environment "qa"/);
    const fromString = normalizeProfile('postgres://a@b/c', 2);
    assert.equal(fromString.name, 'connection 3');
    assert.equal(fromString.database, 'c');
  });

  it('redacts passwords from URIs and key=value strings', () => {
    assert.equal(redact('postgres://u:pw@h/db'), 'postgres://u:***@h/db');
    assert.equal(redact("host=h password='a b' user=u"), 'host=h password=*** user=u');
  });

  it('keys secrets by environment, user, host, port and database', () => {
    assert.equal(secretKey({ environment: 'production', user: 'u', host: 'h', port: 1, database: 'd' }), 'pgLens.password:production:u@h:1/d');
    assert.notEqual(secretKey({ environment: 'development', user: 'u', host: 'h', port: 1, database: 'd' }), secretKey({ environment: 'production', user: 'u', host: 'h', port: 1, database: 'd' }));
  });
  it('findingsIdentity: a production and a development profile of one database differ (their rights decide the index advice: person32 M1), two names of one profile do not', () => {
    const dev: ConnectionProfile = { name: 'shop (demo)', environment: 'development', sslmode: 'disable', host: '127.0.0.1', port: 34899, database: 'shop', user: 'postgres' };
    const of = (p: ConnectionProfile) => findingsIdentity(p);
    assert.notEqual(of(dev), of({ ...dev, name: 'shop prod', environment: 'production' }));
    assert.notEqual(of(dev), of({ ...dev, user: 'app' }));
    assert.equal(of(dev), of({ ...dev, name: 'shop again' }));
  });
});
