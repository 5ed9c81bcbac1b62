import { strict as assert } from 'node:assert';
import {
  asksPasswordAfter,
  choosePassword,
  connectionFromPgEnv,
  connectionsFromDotEnv,
  expandDotEnv,
  isDatabaseUrlKey,
  parseDotEnv,
  splitPassword,
} from '../../../../src/core/connection/detect';
import { parseConnectionString } from '../../../../src/core/connection/profile';

const values = (text: string, env = {}) => Object.fromEntries(expandDotEnv(parseDotEnv(text), env));

describe('core/connection/detect', () => {
  describe('.env parsing (dotenv syntax)', () => {
    it('reads plain, exported, quoted and commented lines', () => {
      const v = values(
        [
          '\uFEFF# a comment',
          'PLAIN=postgres://u@h/db',
          'export EXPORTED=1',
          "SINGLE='no $EXPANSION # here'",
          'DOUBLE="line one\\nline two"',
          'TRAILING=value # comment',
          'HASH=pa#ss',
          'SPACED = spaced value ',
          'EMPTY=',
          'not a line',
        ].join('\r\n'),
      );
      assert.deepEqual(v, {
        PLAIN: 'postgres://u@h/db',
        EXPORTED: '1',
        SINGLE: 'no $EXPANSION # here',
        DOUBLE: 'line one\nline two',
        TRAILING: 'value',
        HASH: 'pa#ss',
        SPACED: 'spaced value',
        EMPTY: '',
      });
    });

    it('reads double-quoted values across lines, and later keys win', () => {
      const v = values('CERT="-----BEGIN\nabc\n-----END"\nA=1\nA=2\nBROKEN="never closed');
      assert.equal(v.CERT, '-----BEGIN\nabc\n-----END');
      assert.equal(v.A, '2');
      assert.ok(!('BROKEN' in v), 'an unterminated quote is dropped, as dotenv does');
    });

    it('expands ${VAR}, $VAR and ${VAR:-default} from the file, then the environment', () => {
      const v = values('DB_USER=app\nDB_PASS=s3cret\nDATABASE_URL=postgres://${DB_USER}:${DB_PASS}@${DB_HOST:-localhost}:$PORT/shop\nLITERAL=\\$HOME', { PORT: '6543' });
      assert.equal(v.DATABASE_URL, 'postgres://app:s3cret@localhost:6543/shop');
      assert.equal(v.LITERAL, '$HOME');
    });
  });

  it('recognises the URL keys frameworks and hosts use, and nothing else', () => {
    for (const k of ['DATABASE_URL', 'TEST_DATABASE_URL', 'POSTGRES_URL', 'POSTGRES_URL_NON_POOLING', 'POSTGRES_PRISMA_URL', 'POSTGRESQL_URL', 'PG_URL', 'DB_URI', 'SUPABASE_DB_URL', 'DIRECT_URL', 'database_url']) {
      assert.ok(isDatabaseUrlKey(k), k);
    }
    for (const k of ['REDIS_URL', 'API_URL', 'DATABASE', 'PGHOST', 'DB_HOST', 'URL', 'NEXT_PUBLIC_SITE_URL']) assert.ok(!isDatabaseUrlKey(k), k);
  });

  it('finds PostgreSQL URLs in a .env file, DATABASE_URL first, passwords kept apart', () => {
    const { found, skipped } = connectionsFromDotEnv(
      ['TEST_DATABASE_URL=postgres://t@localhost/test', 'REDIS_URL=redis://localhost', 'DATABASE_URL="postgresql://app:p%40ss@db:5433/shop?sslmode=require"', 'DB_URL=mysql://x@y/z', 'PG_URL=postgres://u@h:99999/x'].join('\n'),
      '.env',
    );
    assert.deepEqual(found.map((f) => f.source), ['DATABASE_URL in .env', 'TEST_DATABASE_URL in .env']);
    assert.equal(found[0].password, 'p@ss');
    assert.deepEqual({ ...found[0].profile }, { name: 'DATABASE_URL (.env)', environment: 'development', host: 'db', port: 5433, database: 'shop', user: 'app', sslmode: 'require', sslrootcert: undefined });
    assert.ok(!JSON.stringify(found[0].profile).includes('p@ss'));
    assert.equal(skipped.length, 2);
    assert.match(skipped.join('\n'), /DB_URL in \.env is not a postgres:\/\/ URL/);
    assert.match(skipped.join('\n'), /PG_URL in \.env: (Invalid port|Malformed connection URI)/);
  });

  it('a postgres:// URL under any other key (person18: knex\'s DB_CONNECTION beside DB_CLIENT=pg) is offered by its key, after the known keys, once per server', () => {
    const knexApp = connectionsFromDotEnv('NODE_ENV=production\nPORT=8018\nDB_CLIENT = pg\nDB_CONNECTION = postgres://conduit:pw@127.0.0.1:55435/conduit\nSECRET=x\n', '.env');
    assert.deepEqual(knexApp.found.map((f) => [f.source, f.profile.name, `${f.profile.user}@${f.profile.host}:${f.profile.port}/${f.profile.database}`, f.password]), [['DB_CONNECTION in .env', 'DB_CONNECTION (.env)', 'conduit@127.0.0.1:55435/conduit', 'pw']]);
    assert.deepEqual(knexApp.skipped, [], 'DB_CLIENT=pg and the rest are not URLs of a database: nothing to say');
    const both = connectionsFromDotEnv('MAIN_PG=postgresql://a@h1/one\nTEST_DATABASE_URL=postgres://t@h/test\nDATABASE_URL=postgres://u@h/app\nKNEX_CONN=postgres://u@h/app\n', '.env');
    assert.deepEqual(both.found.map((f) => f.source), ['DATABASE_URL in .env', 'TEST_DATABASE_URL in .env', 'MAIN_PG in .env']);
  });

  describe('PG* environment variables (libpq)', () => {
    it('is undefined when none is set', () => {
      assert.equal(connectionFromPgEnv({ PATH: '/bin' }), undefined);
    });
    it('builds the profile libpq would use, with its defaults', () => {
      const d = connectionFromPgEnv({ PGHOST: 'db1,db2', PGPORT: '6432', PGUSER: 'ann', PGPASSWORD: 'pw', PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/ca.pem' })!;
      assert.deepEqual(d.profile, { name: 'environment (PG*)', environment: 'development', host: 'db1', port: 6432, database: 'ann', user: 'ann', sslmode: 'verify-full', sslrootcert: '/ca.pem' });
      assert.equal(d.password, 'pw');
      assert.equal(connectionFromPgEnv({ PGDATABASE: 'x', USER: 'me' })!.profile.user, 'me');
      assert.equal(connectionFromPgEnv({ PGDATABASE: 'x' })!.profile.sslmode, 'prefer');
    });
    it('rejects a bad PGSSLMODE or PGPORT in one line', () => {
      assert.throws(() => connectionFromPgEnv({ PGHOST: 'h', PGSSLMODE: 'sometimes' }), /^ConnectionConfigError: Unknown PGSSLMODE "sometimes" \(use one of/);
      assert.throws(() => connectionFromPgEnv({ PGHOST: 'h', PGPORT: 'five' }), /Invalid PGPORT "five"/);
    });
  });

  it('chooses the password in libpq order: given, PGPASSWORD, ~/.pgpass', () => {
    assert.deepEqual(choosePassword({ given: 'a', pgpassword: 'b', pgpass: 'c' }), { password: 'a', from: 'given' });
    assert.deepEqual(choosePassword({ pgpassword: 'b', pgpass: 'c' }), { password: 'b', from: 'PGPASSWORD' });
    assert.deepEqual(choosePassword({ given: '', pgpass: 'c' }), { password: 'c', from: 'pgpass' });
    assert.deepEqual(choosePassword({}), {});
  });

  describe('splitPassword (what is stored never holds the password)', () => {
    for (const [input, text, password] of [
      ['postgres://app:s3cr%40t@db:5432/shop?sslmode=require', 'postgres://app@db:5432/shop?sslmode=require', 's3cr@t'],
      ['postgresql://app:@db/shop', 'postgresql://app@db/shop', undefined],
      ['postgres://app@db/shop', 'postgres://app@db/shop', undefined],
      ['postgres://db/shop', 'postgres://db/shop', undefined],
      ["host=db password='it\\'s secret' dbname=shop", 'host=db dbname=shop', "it's secret"],
      ['host=db dbname=shop password=plain', 'host=db dbname=shop', 'plain'],
      ['host=db dbname=shop', 'host=db dbname=shop', undefined],
    ] as const) {
      it(JSON.stringify(input), () => {
        const r = splitPassword(input);
        assert.equal(r.text, text);
        assert.equal(r.password, password);
        if (password) assert.ok(!r.text.includes(password));
        // What remains still parses to the same connection.
        assert.deepEqual(parseConnectionString(r.text).profile, parseConnectionString(input).profile);
      });
    }
  });
});

describe('core/connection/detect: a password typed with the connection is the answer (person18 MEDIUM 6)', () => {
  const failed = { code: '28P01', message: 'password authentication failed for user "conduit"' };
  it('a pasted URL with a password: used as it is; if the server refuses it, that is said, never "Password for …" with an empty field', () => {
    const parsed = parseConnectionString('postgres://conduit:s%40cret@127.0.0.1:55435/conduit');
    assert.equal(parsed.password, 's@cret');
    assert.equal(asksPasswordAfter(failed, { interactive: true, askedBefore: false, typedWithConnection: true }), false);
  });
  it('no password typed (a stored or detected one, or none): asks once, interactively, and only when the server wanted one', () => {
    assert.equal(asksPasswordAfter(failed, { interactive: true, askedBefore: false, typedWithConnection: false }), true);
    assert.equal(asksPasswordAfter({ message: 'the server asks for a password and none was given' }, { interactive: true, askedBefore: false, typedWithConnection: false }), true);
    assert.equal(asksPasswordAfter(failed, { interactive: true, askedBefore: true, typedWithConnection: false }), false);
    assert.equal(asksPasswordAfter(failed, { interactive: false, askedBefore: false, typedWithConnection: false }), false);
    assert.equal(asksPasswordAfter({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, { interactive: true, askedBefore: false, typedWithConnection: false }), false);
  });
});

describe('core/connection/detect: a .env that names a connection part by part under its own prefix (person15: Traduora TR_DB_*)', () => {
  const brief = (r: ReturnType<typeof connectionsFromDotEnv>) => r.found.map((f) => `${f.profile.user}@${f.profile.host}:${f.profile.port}/${f.profile.database}${f.password ? ' (password)' : ''} — ${f.source}`);
  it('TR_DB_TYPE=postgres with TR_DB_HOST/PORT/USER/PASSWORD/DATABASE: one connection, each value naming its key, the password never shown', () => {
    const r = connectionsFromDotEnv('TR_PORT=8080\nTR_DB_TYPE=postgres\nTR_DB_HOST=localhost\nTR_DB_PORT=5432\nTR_DB_USER=tr\nTR_DB_PASSWORD=hunter2\nTR_DB_DATABASE=traduora\n', '.env');
    assert.deepEqual(brief(r), ['tr@localhost:5432/traduora (password) — TR_DB_* in .env']);
    assert.equal(r.found[0].valuesFrom, 'host ← TR_DB_HOST · port ← TR_DB_PORT · user ← TR_DB_USER · database ← TR_DB_DATABASE · password ← TR_DB_PASSWORD (kept in the secret store)');
    assert.ok(!r.found[0].valuesFrom!.includes('hunter2'));
  });
  it('other spellings: DB_NAME, APP_DATABASE_USER, POSTGRES_DB (docker), TYPEORM_*; a MySQL type is not offered and says why', () => {
    assert.deepEqual(brief(connectionsFromDotEnv('DB_HOST=db\nDB_USER=u\nDB_NAME=n\n', 'api/.env')), ['u@db:5432/n — DB_* in api/.env']);
    assert.deepEqual(brief(connectionsFromDotEnv('APP_DATABASE_HOST=h\nAPP_DATABASE_USER=a\nAPP_DATABASE_PORT=6543\n', '.env')), ['a@h:6543/a — APP_DATABASE_* in .env']);
    assert.deepEqual(brief(connectionsFromDotEnv('POSTGRES_USER=pg\nPOSTGRES_PASSWORD=x\nPOSTGRES_DB=shop\n', '.env')), ['pg@localhost:5432/shop (password) — POSTGRES_* in .env']);
    assert.deepEqual(brief(connectionsFromDotEnv('TYPEORM_CONNECTION=postgres\nTYPEORM_HOST=h\nTYPEORM_DATABASE=d\n', '.env')), ['postgres@h:5432/d — TYPEORM_* in .env']);
    const mysql = connectionsFromDotEnv('TR_DB_TYPE=mysql\nTR_DB_HOST=localhost\nTR_DB_PORT=3306\nTR_DB_USER=myuser\nTR_DB_DATABASE=mydatabase\n', '.env.sample');
    assert.deepEqual(mysql.found, []);
    assert.deepEqual(mysql.skipped, ['TR_DB_* in .env.sample: TR_DB_TYPE is mysql (PG Lens connects to PostgreSQL only)']);
  });
  it('a lone password or a lone host is no connection; a bad port says so; a DATABASE_URL for the same server is offered once', () => {
    assert.deepEqual(connectionsFromDotEnv('DB_PASSWORD=x\nREDIS_HOST=r\nMAIL_HOST=m\nDB_HOST=h\n', '.env').found, []);
    assert.deepEqual(connectionsFromDotEnv('DB_HOST=h\nDB_PORT=abc\nDB_NAME=n\n', '.env').skipped, ['DB_* in .env: DB_PORT "abc" is not a port']);
    assert.deepEqual(brief(connectionsFromDotEnv('DATABASE_URL=postgres://u@h:5432/n\nDB_HOST=h\nDB_USER=u\nDB_NAME=n\n', '.env')), ['u@h:5432/n — DATABASE_URL in .env']);
  });
});
