import { strict as assert } from 'node:assert';
import { connectionsFromDjangoSettings, connectionsFromNodeConfig, connectionsFromPythonConfig, connectionsFromRailsDatabaseYml, connectionsFromSpringProperties, WORKSPACE_CONNECTION_SOURCES } from '../../../../src/core/connection/frameworks';

// The shape of healthchecks' hc/settings.py: SQLite by default, PostgreSQL or MySQL from DB_* variables with defaults.
const HEALTHCHECKS = `DATABASES: Mapping[str, Any] = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.getenv("DB_NAME", BASE_DIR / "hc.sqlite"),
    }
}

if os.getenv("DB") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": os.getenv("DB_HOST", ""),
            "PORT": os.getenv("DB_PORT", ""),
            "NAME": os.getenv("DB_NAME", "hc"),
            "USER": os.getenv("DB_USER", "postgres"),
            "PASSWORD": envsecret("DB_PASSWORD", ""),
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", "0"),
            "TEST": {"CHARSET": "UTF8"},
            "OPTIONS": {
                "application_name": "hc",
                "sslmode": os.getenv("DB_SSLMODE", "prefer"),
            },
        }
    }

if os.getenv("DB") in ["mysql", "mariadb"]:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.mysql",
            "NAME": os.getenv("DB_NAME", "hc"),
            "USER": os.getenv("DB_USER", "root"),
        }
    }
`;
const brief = (r: { found: { source: string; profile: { host: string; port: number; database: string; user: string; sslmode?: string }; password?: string }[] }) =>
  r.found.map((f) => `${f.profile.user}@${f.profile.host}:${f.profile.port}/${f.profile.database}${f.profile.sslmode ? ` ${f.profile.sslmode}` : ''}${f.password ? ' (password)' : ''} — ${f.source}`);

describe('core/connection/frameworks: connections a framework\'s settings describe, read as text (person11 Q5)', () => {
  it('Django (healthchecks): the PostgreSQL DATABASES entry from DB_* with their defaults; the SQLite and MySQL ones are not offered', () => {
    assert.deepEqual(brief(connectionsFromDjangoSettings(HEALTHCHECKS, 'hc/settings.py')), ['postgres@localhost:5432/hc prefer — DATABASES in hc/settings.py']);
  });
  it('Django: the environment\'s values win over the defaults (never running the settings)', () => {
    const r = connectionsFromDjangoSettings(HEALTHCHECKS, 'hc/settings.py', { DB_HOST: 'db.local', DB_PORT: '5433', DB_NAME: 'hc_dev', DB_USER: 'hc', DB_PASSWORD: 's3cret' });
    assert.deepEqual(brief(r), ['hc@db.local:5433/hc_dev prefer (password) — DATABASES in hc/settings.py']);
  });
  it('Django: literal values, a TEST name that is not the database, and a DATABASE_URL default (dj-database-url)', () => {
    const text = `DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.postgresql_psycopg2',\n        'TEST': {'NAME': 'test_shop'},\n        'NAME': 'shop',\n        'USER': 'shop',\n        'HOST': '127.0.0.1',\n        'PORT': 5432,\n    }\n}\n`;
    assert.deepEqual(brief(connectionsFromDjangoSettings(text, 'shop/settings.py')), ['shop@127.0.0.1:5432/shop prefer — DATABASES in shop/settings.py']);
    const url = `import dj_database_url\nDATABASES = {"default": dj_database_url.config(default="postgres://app@localhost:5432/app_dev")}\n`;
    assert.deepEqual(brief(connectionsFromDjangoSettings(url, 'app/settings.py')), ['app@localhost:5432/app_dev prefer — a postgres:// URL in app/settings.py']);
  });
  it('Rails database.yml: development first (merged from &default), ENV.fetch defaults, production left out', () => {
    const yml = `default: &default\n  adapter: postgresql\n  encoding: unicode\n  host: <%= ENV.fetch("DB_HOST") { "localhost" } %>\n  username: <%= ENV["DB_USER"] || "rails" %>\n\ndevelopment:\n  <<: *default\n  database: store_development\n\ntest:\n  <<: *default\n  database: store_test\n\nproduction:\n  <<: *default\n  database: store_production\n`;
    assert.deepEqual(brief(connectionsFromRailsDatabaseYml(yml, 'config/database.yml')), [
      'rails@localhost:5432/store_development prefer — development in config/database.yml',
      'rails@localhost:5432/store_test prefer — test in config/database.yml',
    ]);
    assert.deepEqual(brief(connectionsFromRailsDatabaseYml(yml.replace(/postgresql/, 'mysql2'), 'config/database.yml')), []);
  });
  it('Spring application.properties and application.yml: the jdbc:postgresql URL with ${VAR:default}', () => {
    const props = 'spring.datasource.url=jdbc:postgresql://${DB_HOST:localhost}:5432/petclinic\nspring.datasource.username=${DB_USER:petclinic}\nspring.datasource.password=petclinic\n';
    assert.deepEqual(brief(connectionsFromSpringProperties(props, 'src/main/resources/application.properties')), ['petclinic@localhost:5432/petclinic prefer (password) — spring.datasource.url in src/main/resources/application.properties']);
    const yml = 'spring:\n  datasource:\n    url: jdbc:postgresql://db:5433/orders?sslmode=require\n    username: orders\n';
    assert.deepEqual(brief(connectionsFromSpringProperties(yml, 'application.yml')), ['orders@db:5433/orders require — spring.datasource.url in application.yml']);
    assert.deepEqual(brief(connectionsFromSpringProperties('spring.datasource.url=jdbc:mysql://localhost/x\n', 'application.properties')), []);
    assert.match(connectionsFromSpringProperties('spring.datasource.url=${JDBC_URL}\n', 'application.properties').skipped[0] ?? '', /not set/);
  });
  it('one registry: .env first, then the framework settings', () => {
    assert.deepEqual(WORKSPACE_CONNECTION_SOURCES.map((s) => s.what), ['.env files', 'Django settings', 'Python config modules', 'Rails database.yml', 'docker compose files', 'YAML config files', 'Spring application properties', 'Node ORM configuration']);
    const node = WORKSPACE_CONNECTION_SOURCES.find((s) => s.what === 'Node ORM configuration')!;
    for (const f of ['backend/config/config.js', 'config/config.json', 'knexfile.ts', 'ormconfig.json', 'src/data-source.ts', 'mikro-orm.config.ts', 'drizzle.config.ts']) assert.ok(node.glob.includes(f.split('/').slice(-2).join('/')) || node.glob.includes(f.split('/').pop()!), f);
    assert.equal(node.nearbyEnv, true);
  });
});

// The shape of conduit-realworld-example-app's backend/config/config.js (sequelize-cli, every value from process.env).
const SEQUELIZE_CLI = `/** @type {import('sequelize').Options} */
module.exports = {
  development: {
    username: process.env.DEV_DB_USERNAME,
    password: process.env.DEV_DB_PASSWORD,
    database: process.env.DEV_DB_NAME,
    host: process.env.DEV_DB_HOSTNAME,
    port: process.env.DEV_DB_PORT,
    dialect: process.env.DEV_DB_DIALECT,
    logging: process.env.DEV_DB_LOGGING,
  },
  test: {
    username: process.env.TEST_DB_USERNAME,
    database: process.env.TEST_DB_NAME,
    host: process.env.TEST_DB_HOSTNAME,
    dialect: process.env.TEST_DB_DIALECT,
  },
  production: {
    username: process.env.PROD_DB_USERNAME,
    database: process.env.PROD_DB_NAME,
    dialect: process.env.PROD_DB_DIALECT,
  },
};
`;
const DEV_ENV = { DEV_DB_USERNAME: 'postgres', DEV_DB_PASSWORD: 'pw', DEV_DB_NAME: 'conduit', DEV_DB_HOSTNAME: '127.0.0.1', DEV_DB_DIALECT: 'postgres', DEV_DB_PORT: '55432', PROD_DB_DIALECT: 'postgres', PROD_DB_NAME: 'live' };

describe('core/connection/frameworks: Node ORM / driver configuration files, read as text (person14: conduit)', () => {
  it('sequelize-cli config.js: development from process.env.X (values from the .env next to it), labelled; production never offered', () => {
    const r = connectionsFromNodeConfig(SEQUELIZE_CLI, 'backend/config/config.js', DEV_ENV, 'backend/.env');
    assert.deepEqual(brief(r), ['postgres@127.0.0.1:55432/conduit prefer (password) — development in backend/config/config.js, values from backend/.env']);
    // test's dialect is not set: said, not guessed.
    assert.deepEqual(r.skipped, ['test in backend/config/config.js: its dialect comes from a variable that is not set, values from backend/.env']);
  });
  it('sequelize-cli: a MySQL dialect (conduit\'s .env.example) or SQLite is not offered and says why', () => {
    const r = connectionsFromNodeConfig(SEQUELIZE_CLI, 'config/config.js', { ...DEV_ENV, DEV_DB_DIALECT: 'mysql' });
    assert.deepEqual(r.found, []);
    assert.match(r.skipped[0], /^development in config\/config\.js: dialect mysql \(PG Lens connects to PostgreSQL only\)$/);
    assert.deepEqual(connectionsFromNodeConfig('{"development": {"dialect": "sqlite", "storage": "db.sqlite"}}', 'config/config.json').skipped, ['development in config/config.json: dialect sqlite (PG Lens connects to PostgreSQL only)']);
  });
  it('sequelize-cli config.json: literal values (a null password is none) and use_env_variable', () => {
    const json = '{\n  "development": {\n    "username": "shop",\n    "password": null,\n    "database": "shop_dev",\n    "host": "localhost",\n    "dialect": "postgres"\n  },\n  "test": {\n    "use_env_variable": "TEST_DATABASE_URL",\n    "dialect": "postgres"\n  }\n}\n';
    const r = connectionsFromNodeConfig(json, 'config/config.json', { TEST_DATABASE_URL: 'postgres://t:pw@db:5433/shop_test' });
    assert.deepEqual(brief(r), ['shop@localhost:5432/shop_dev prefer — development in config/config.json', 't@db:5433/shop_test prefer (password) — test in config/config.json']);
    assert.match(connectionsFromNodeConfig(json, 'config/config.json').skipped[0], /^test in config\/config\.json: its connection URL comes from a variable that is not set$/);
  });
  it('knexfile: client pg with a connection object (env with fallbacks, Number()), or a connection URL from the environment', () => {
    const knex = `import type { Knex } from 'knex';
const config: { [key: string]: Knex.Config } = {
  development: {
    client: 'postgresql',
    connection: {
      host: process.env.DB_HOST || 'localhost',
      port: Number(process.env.DB_PORT) || 5433,
      user: process.env.DB_USER ?? 'app', // who
      password: process.env['DB_PASSWORD'],
      database: 'app_dev',
    },
    migrations: { tableName: 'knex_migrations' },
  },
  staging: { client: 'pg', connection: process.env.DATABASE_URL },
  production: { client: 'pg', connection: process.env.DATABASE_URL },
};
export default config;
`;
    const r = connectionsFromNodeConfig(knex, 'knexfile.ts', { DATABASE_URL: 'postgresql://s@stage:5432/app_stage' });
    assert.deepEqual(brief(r), ['app@localhost:5433/app_dev prefer — development in knexfile.ts', 's@stage:5432/app_stage prefer — staging in knexfile.ts']);
    assert.deepEqual(brief(connectionsFromNodeConfig("module.exports = { client: 'sqlite3', connection: { filename: './dev.sqlite3' } };", 'knexfile.js')), []);
  });
  it('TypeORM: ormconfig.json and a new DataSource({ type: "postgres" }) literal; a column type is no dialect', () => {
    const orm = '[{"name": "default", "type": "postgres", "host": "localhost", "port": 5432, "username": "test", "password": "test", "database": "typeorm_test"}]';
    assert.deepEqual(brief(connectionsFromNodeConfig(orm, 'ormconfig.json')), ['test@localhost:5432/typeorm_test prefer (password) — ormconfig.json']);
    const ds = `import { DataSource } from "typeorm";
@Entity() class User { @Column({ type: "varchar" }) name: string }
export const AppDataSource = new DataSource({
    type: "postgres",
    host: process.env.POSTGRES_HOST,
    port: +(process.env.POSTGRES_PORT ?? 5432),
    username: "api",
    database: process.env.POSTGRES_DB as string,
    entities: [User],
});
`;
    assert.deepEqual(brief(connectionsFromNodeConfig(ds, 'src/data-source.ts', { POSTGRES_HOST: 'pg', POSTGRES_DB: 'api' })), ['api@pg:5432/api prefer — src/data-source.ts']);
    assert.match(connectionsFromNodeConfig(ds, 'src/data-source.ts').skipped[0], /^src\/data-source\.ts: its database name comes from a variable that is not set$/);
  });
  it('MikroORM (driver + dbName) and drizzle-kit (dialect + dbCredentials url / object)', () => {
    const mikro = "import { PostgreSqlDriver } from '@mikro-orm/postgresql';\nexport default defineConfig({\n  driver: PostgreSqlDriver,\n  dbName: 'mikro',\n  user: 'mk',\n  port: 5434,\n});\n";
    assert.deepEqual(brief(connectionsFromNodeConfig(mikro, 'mikro-orm.config.ts')), ['mk@localhost:5434/mikro prefer — mikro-orm.config.ts']);
    const drizzle = "export default defineConfig({\n  schema: './src/db/schema.ts',\n  dialect: 'postgresql',\n  dbCredentials: { url: process.env.DATABASE_URL! },\n});\n";
    assert.deepEqual(brief(connectionsFromNodeConfig(drizzle, 'drizzle.config.ts', { DATABASE_URL: 'postgres://d:x@h:6543/dz' })), ['d@h:6543/dz prefer (password) — drizzle.config.ts']);
    const obj = "export default { dialect: 'postgresql', dbCredentials: { host: 'localhost', user: 'dz', database: 'dz_dev' } } satisfies Config;\n";
    assert.deepEqual(brief(connectionsFromNodeConfig(obj, 'drizzle.config.ts')), ['dz@localhost:5432/dz_dev prefer — drizzle.config.ts']);
    assert.deepEqual(brief(connectionsFromNodeConfig("export default defineConfig({ dialect: 'mysql', dbCredentials: { url: 'mysql://x@h/db' } });", 'drizzle.config.ts')), []);
  });
});

// person15 (issue 20, LOW 10): Ever Traduora's api/src/config.ts maps TR_DB_* from the repo root's .env; Add Connection offered nothing.
const TRADUORA_CONFIG = `const env = process.env;
export const config = {
  port: parseInt(env.TR_PORT, 10) || 8080,
  db: {
    default: {
      type: env.TR_DB_TYPE || 'better-sqlite3',
      host: env.TR_DB_HOST || '127.0.0.1',
      port: parseInt(env.TR_DB_PORT, 10) || 3306,
      username: env.TR_DB_USER || 'root',
      password: env.TR_DB_PASSWORD || '',
      database: env.TR_DB_DATABASE || 'data/tr_dev.sqlite3',
      connectorPackage: 'mysql2',
    } as TypeOrmModuleOptions,
  },
};
`;
describe('core/connection/frameworks: a project\'s own config module and prefixed variables (person15: Traduora)', () => {
  it('a config.ts that maps TR_DB_* (from the root .env) to host/port/user/database: offered, each value saying where it came from', () => {
    const env = { TR_DB_TYPE: 'postgres', TR_DB_HOST: 'db.local', TR_DB_PORT: '5433', TR_DB_USER: 'tr', TR_DB_PASSWORD: 's3cret', TR_DB_DATABASE: 'traduora' };
    const origin = Object.fromEntries(Object.keys(env).map((k) => [k, '.env']));
    const r = connectionsFromNodeConfig(TRADUORA_CONFIG, 'api/src/config.ts', env, '.env', origin);
    assert.deepEqual(brief(r), ['tr@db.local:5433/traduora prefer (password) — api/src/config.ts, values from .env']);
    assert.equal(r.found[0].valuesFrom, 'host ← TR_DB_HOST in .env · port ← TR_DB_PORT in .env · user ← TR_DB_USER in .env · database ← TR_DB_DATABASE in .env · password ← TR_DB_PASSWORD in .env (kept in the secret store)');
    assert.ok(!r.found[0].valuesFrom!.includes('s3cret'), 'the password is never shown');
    // A variable left unset: the file's default, said so.
    const partial = connectionsFromNodeConfig(TRADUORA_CONFIG, 'api/src/config.ts', { TR_DB_TYPE: 'postgres', TR_DB_DATABASE: 'traduora' }, '.env');
    assert.deepEqual(brief(partial), ['root@127.0.0.1:3306/traduora prefer — api/src/config.ts, values from .env']);
    assert.match(partial.found[0].valuesFrom!, /^host ← written in api\/src\/config\.ts \(TR_DB_HOST not set\) · port ← written in api\/src\/config\.ts \(TR_DB_PORT not set\)/);
  });
  it('the same config with no TR_DB_TYPE (its default better-sqlite3) or a MySQL one: not offered, and says which variable decides', () => {
    assert.deepEqual(connectionsFromNodeConfig(TRADUORA_CONFIG, 'api/src/config.ts', {}).skipped, ['api/src/config.ts: type better-sqlite3 (TR_DB_TYPE not set) (PG Lens connects to PostgreSQL only)']);
    assert.deepEqual(brief(connectionsFromNodeConfig(TRADUORA_CONFIG, 'api/src/config.ts', { TR_DB_TYPE: 'mysql', TR_DB_DATABASE: 'x' })), []);
  });
  it('NestJS ConfigService reads (get / get<string> with a default / getOrThrow) in TypeOrmModule options', () => {
    const nest = `TypeOrmModule.forRootAsync({
  useFactory: (config: ConfigService) => ({
    type: 'postgres',
    host: config.get<string>('APP_DB_HOST', 'localhost'),
    port: config.get<number>('APP_DB_PORT', 5432),
    username: config.getOrThrow('APP_DB_USER'),
    database: configService.get('APP_DB_NAME'),
  }),
})`;
    const r = connectionsFromNodeConfig(nest, 'src/app.module.ts', { APP_DB_USER: 'nest', APP_DB_NAME: 'nestdb' }, '.env', { APP_DB_USER: '.env', APP_DB_NAME: '.env' });
    assert.deepEqual(brief(r), ['nest@localhost:5432/nestdb prefer — src/app.module.ts, values from .env']);
    assert.equal(r.found[0].valuesFrom, 'host ← written in src/app.module.ts (APP_DB_HOST not set) · port ← written in src/app.module.ts (APP_DB_PORT not set) · user ← APP_DB_USER in .env · database ← APP_DB_NAME in .env');
    // A parenthesised fallback: the group's parens are not the value's.
    assert.deepEqual(brief(connectionsFromNodeConfig("new DataSource({ type: 'postgres', port: +(process.env.PP ?? 6000), database: 'd' })", 'x.ts')), ['postgres@localhost:6000/d prefer — x.ts']);
  });
  it('the registry reads config modules (config.ts, config/index.ts, app.module.ts, database.config.ts) with the .env files above them', () => {
    const node = WORKSPACE_CONNECTION_SOURCES.find((s) => s.what === 'Node ORM configuration')!;
    for (const f of ['config.ts', 'config.js', 'config/index.ts', 'app.module.ts', 'database.config.ts', 'db.config.ts']) assert.ok(node.glob.includes(`{${f},`) || node.glob.includes(`,${f},`) || node.glob.includes(`,${f}}`), f);
    assert.equal(node.nearbyEnv, true);
  });
});

describe('core/connection/frameworks: a Python app\'s own config module (the kind of person15\'s TR_DB_*, in Python)', () => {
  it('module assignments from os.getenv / os.environ.get with defaults: grouped by prefix, each value saying where it came from', () => {
    const flask = `import os
from dotenv import load_dotenv
load_dotenv()

class Config:
    SECRET_KEY = os.getenv("SECRET_KEY", "dev")
    APP_DB_HOST = os.getenv("APP_DB_HOST", "localhost")
    APP_DB_PORT = int(os.getenv("APP_DB_PORT", "5432"))
    APP_DB_USER = os.environ.get("APP_DB_USER", "flask")
    APP_DB_PASSWORD = os.environ["APP_DB_PASSWORD"]
    APP_DB_NAME = os.getenv("APP_DB_NAME", "flaskdb")
`;
    const r = connectionsFromPythonConfig(flask, 'app/config.py', { APP_DB_HOST: 'db', APP_DB_PASSWORD: 'pw' }, '.env', { APP_DB_HOST: '.env', APP_DB_PASSWORD: '.env' });
    assert.deepEqual(brief(r), ['flask@db:5432/flaskdb prefer (password) — APP_DB_* in app/config.py, values from .env']);
    assert.equal(r.found[0].valuesFrom, 'host ← APP_DB_HOST in .env · port ← written in app/config.py (APP_DB_PORT not set) · user ← written in app/config.py (APP_DB_USER not set) · database ← written in app/config.py (APP_DB_NAME not set) · password ← APP_DB_PASSWORD in .env (kept in the secret store)');
  });
  it('a pydantic BaseSettings class: each field reads the variable of its name, else its default (FastAPI\'s full-stack template)', () => {
    const settings = `class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file="../.env")
    PROJECT_NAME: str
    POSTGRES_SERVER: str
    POSTGRES_PORT: int = 5432
    POSTGRES_USER: str
    POSTGRES_PASSWORD: str = ""
    POSTGRES_DB: str = ""
`;
    const env = { POSTGRES_SERVER: 'localhost', POSTGRES_USER: 'postgres', POSTGRES_PASSWORD: 'changethis', POSTGRES_DB: 'app' };
    const r = connectionsFromPythonConfig(settings, 'backend/app/core/config.py', env, '.env', Object.fromEntries(Object.keys(env).map((k) => [k, '.env'])));
    assert.deepEqual(brief(r), ['postgres@localhost:5432/app prefer (password) — POSTGRES_* in backend/app/core/config.py, values from .env']);
    assert.match(r.found[0].valuesFrom!, /^host ← POSTGRES_SERVER in \.env · port ← written in backend\/app\/core\/config\.py · user ← POSTGRES_USER in \.env/);
    // Nothing set and no defaults for the parts: nothing offered.
    assert.deepEqual(connectionsFromPythonConfig(settings, 'backend/app/core/config.py').found, []);
    // A MySQL engine is not offered.
    assert.deepEqual(connectionsFromPythonConfig('DB_ENGINE = "mysql"\nDB_HOST = "h"\nDB_NAME = "n"\n', 'config.py').skipped, ['DB_* in config.py: DB_ENGINE is mysql (PG Lens connects to PostgreSQL only)']);
  });
});
