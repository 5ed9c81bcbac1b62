import { strict as assert } from 'node:assert';
import { connectionsFromDjangoSettings, connectionsFromRailsDatabaseYml, connectionsFromSpringProperties, WORKSPACE_CONNECTION_SOURCES } from '../../../../src/core/connection/frameworks';

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
    assert.deepEqual(WORKSPACE_CONNECTION_SOURCES.map((s) => s.what), ['.env files', 'Django settings', 'Rails database.yml', 'Spring application properties']);
  });
});
