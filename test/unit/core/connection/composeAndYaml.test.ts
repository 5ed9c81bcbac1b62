/**
 * person16 LOW 1: Add Connection found nothing on ente (a Go service): its compose.yaml runs postgres:15 with
 * POSTGRES_USER/PASSWORD/DB, and configurations/local.yaml has a `db:` block of host, port and name.
 */
import { strict as assert } from 'node:assert';
import { connectionsFromCompose, connectionsFromYamlConfig, WORKSPACE_CONNECTION_SOURCES } from '../../../../src/core/connection/frameworks';
import { readSimpleYaml } from '../../../../src/core/connection/simpleYaml';

// The shape of ente's server/compose.yaml (shortened): the app, a postgres service without published ports, a block scalar.
const ENTE_COMPOSE = `# Sample docker compose file, not meant for production use.
services:
  museum:
    build:
      context: .
    ports:
      - 8080:8080 # API
    depends_on:
      postgres:
        condition: service_healthy
  postgres:
    image: postgres:15
    environment:
      POSTGRES_USER: pguser
      POSTGRES_PASSWORD: pgpass
      POSTGRES_DB: ente_db
    healthcheck:
      test: pg_isready -q -d ente_db -U pguser
    volumes:
      - postgres-data:/var/lib/postgresql/data
configs:
  credentials_yaml:
    content: |
      db:
          host: postgres
volumes:
  postgres-data:
`;

const ENTE_LOCAL = `log-file: ""
db:
    host: localhost
    port: 5432
    name: ente_db
    # You might want to set this to "require" for production
    sslmode: disable
    user:
    password:
s3:
    are_local_buckets: false
`;

describe('core/connection: docker compose and YAML configs (person16)', () => {
  it('a postgres service of a compose file, with its POSTGRES_* environment', () => {
    const { found, skipped } = connectionsFromCompose(ENTE_COMPOSE, 'compose.yaml');
    assert.deepEqual(skipped, []);
    assert.equal(found.length, 1);
    assert.deepEqual(found[0].profile, { name: 'ente_db@postgres (compose.yaml)', environment: 'development', host: 'localhost', port: 5432, database: 'ente_db', user: 'pguser', sslmode: 'prefer' });
    assert.equal(found[0].password, 'pgpass');
    // No published port: said, not hidden.
    assert.match(found[0].source, /^service postgres in compose\.yaml \(it publishes no port: publish 5432 to reach it from this machine\)$/);
  });

  it('the published port, KEY=value environment lines, ${VAR:-default} and the image defaults', () => {
    const text = 'services:\n  db:\n    image: "postgis/postgis:16-3.4"\n    ports: ["127.0.0.1:${DB_PORT:-5433}:5432"]\n    environment:\n      - POSTGRES_PASSWORD=${PGPW}\n  cache:\n    image: redis:7\n';
    const { found } = connectionsFromCompose(text, 'docker-compose.yml', { PGPW: 'secret' });
    assert.deepEqual(found.map((f) => [f.profile.host, f.profile.port, f.profile.database, f.profile.user, f.password, f.source]), [['127.0.0.1', 5433, 'postgres', 'postgres', 'secret', 'service db in docker-compose.yml']]);
    // The long syntax of ports.
    const long = connectionsFromCompose('services:\n  pg:\n    image: postgres\n    ports:\n      - target: 5432\n        published: 6543\n', 'compose.yml').found;
    assert.equal(long[0].profile.port, 6543);
    // A value from a variable that is not set: skipped with the reason, not offered with a wrong value.
    const unset = connectionsFromCompose('services:\n  pg:\n    image: postgres:16\n    environment:\n      POSTGRES_DB: ${APP_DB}\n', 'compose.yml');
    assert.deepEqual(unset.found, []);
    assert.match(unset.skipped[0], /service pg in compose\.yml: its POSTGRES_\* values come from variables that are not set/);
    // `env_file: .env` (ente's config/compose.yaml): the values of the .env at hand, else skipped with the reason — never the image's defaults.
    const envFile = 'services:\n  postgres:\n    image: postgres:15-trixie\n    env_file:\n      - .env\n';
    assert.deepEqual(connectionsFromCompose(envFile, 'config/compose.yaml').found, []);
    assert.match(connectionsFromCompose(envFile, 'config/compose.yaml').skipped[0], /service postgres in config\/compose\.yaml: its POSTGRES_\* values are in its env_file/);
    assert.deepEqual(connectionsFromCompose(envFile, 'config/compose.yaml', { POSTGRES_USER: 'u', POSTGRES_DB: 'd' }).found.map((f) => [f.profile.user, f.profile.database]), [['u', 'd']]);
    // Other databases' images are not offered.
    assert.deepEqual(connectionsFromCompose('services:\n  db:\n    image: mysql:8\n    environment:\n      MYSQL_DATABASE: app\n', 'compose.yml').found, []);
  });

  it("an app config's db block (ente's configurations/local.yaml)", () => {
    const { found } = connectionsFromYamlConfig(ENTE_LOCAL, 'configurations/local.yaml');
    assert.deepEqual(found.map((f) => [f.source, f.profile.host, f.profile.port, f.profile.database, f.profile.sslmode, f.password]), [['db block in configurations/local.yaml', 'localhost', 5432, 'ente_db', 'disable', undefined]]);
    // A template's placeholder password is no password.
    assert.equal(connectionsFromYamlConfig('db:\n    host: postgres\n    name: ente_db\n    user: pguser\n    password: <password>\n', 'config/example.yaml').found[0].password, undefined);
    // Another driver's block, or one without a database name, is not offered.
    assert.deepEqual(connectionsFromYamlConfig('database:\n  driver: mysql\n  host: localhost\n  name: app\n', 'config.yaml').found, []);
    assert.deepEqual(connectionsFromYamlConfig('db:\n  host: localhost\n', 'config.yaml').found, []);
    // A URL in the block.
    assert.equal(connectionsFromYamlConfig('database:\n  url: "postgres://app:pw@db.local:5544/shop"\n', 'config/app.yaml').found[0].profile.port, 5544);
  });

  it('the registry reads compose files and YAML configs', () => {
    const compose = WORKSPACE_CONNECTION_SOURCES.find((s) => s.what === 'docker compose files')!;
    for (const f of ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml']) assert.ok(compose.glob.includes(f), f);
    const yaml = WORKSPACE_CONNECTION_SOURCES.find((s) => s.what === 'YAML config files')!;
    assert.ok(yaml.glob.includes('configurations/*.yaml'));
  });

  it('the YAML reader: nesting, lists of maps, comments, quotes, block scalars as text, anchors capped', () => {
    // A crafted file nesting every line deeper, or an alias bomb, is refused or cut off: nothing throws.
    const deep = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    assert.doesNotThrow(() => readSimpleYaml(deep));
    const bomb = 'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n';
    assert.equal(readSimpleYaml(bomb), undefined);
    assert.deepEqual(connectionsFromYamlConfig(deep, 'config.yaml').found, []);
    assert.deepEqual(readSimpleYaml('a:\n  b: "x # not a comment" # a comment\n  c:\n    - k: 1\n      l: 2\n    - plain\n  d: |\n    e: hidden\n  f: [1, 2]\n'), { a: { b: 'x # not a comment', c: [{ k: '1', l: '2' }, 'plain'], d: 'e: hidden\n', f: ['1', '2'] } });
  });
});
