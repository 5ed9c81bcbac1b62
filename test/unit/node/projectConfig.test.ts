import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readDeclaredIndexes, readMapperFragments, readProjectDialect } from '../../../src/node/projectConfig';
import { tempFolderPerTest } from '../support/tempFolder';

function tree(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

const MAPPER = (ns: string, id: string) => `<?xml version="1.0"?>\n<mapper namespace="${ns}">\n  <sql id="${id}">id, name</sql>\n</mapper>\n`;

describe('node/projectConfig: the project files read from the repository root of the scanned paths', () => {
  const root = tempFolderPerTest('pglens-project-');

  it('reads from the root holding .git even when a subfolder is scanned; hidden and dependency folders are skipped', () => {
    tree(root(), {
      '.git/HEAD': 'ref: refs/heads/main\n',
      'src/app.ts': 'export {};\n',
      'db/schema.sql': 'CREATE INDEX users_lower_email ON users (lower(email));\n',
      'node_modules/dep/schema.sql': 'CREATE INDEX dep_idx ON dep (upper(x));\n',
      '.cache/old.sql': 'CREATE INDEX hidden_idx ON hidden (lower(y));\n',
      'mappers/UserMapper.xml': MAPPER('app.UserMapper', 'cols'),
      'node_modules/dep/Mapper.xml': MAPPER('dep.Mapper', 'cols'),
    });
    const declared = readDeclaredIndexes([path.join(root(), 'src')]);
    assert.deepEqual([...declared.keys()], ['users'], JSON.stringify([...declared]));
    assert.deepEqual([...readMapperFragments([path.join(root(), 'src')]).keys()], ['app.UserMapper.cols']);
  });

  it('the dialect comes from the configuration files; a test profile is quoted after the app’s own', () => {
    tree(root(), {
      '.git/HEAD': 'x\n',
      'a/test/config/database.yml': 'test:\n  adapter: sqlite3\n',
      'config/database.yml': 'production:\n  adapter: mysql2\n',
    });
    const v = readProjectDialect([root()]);
    assert.equal(v?.dialect, 'other');
    assert.equal(v?.name, 'MySQL', JSON.stringify(v));
    assert.match(v?.evidence ?? '', /^config\/database\.yml/);
  });

  it('a temporary table application code builds from a query (`CREATE TEMP TABLE t ON COMMIT DROP AS SELECT …`) is read: it has no index (issue 14, session 26)', () => {
    tree(root(), { '.git/HEAD': 'x\n', 'app/models/merge.py': 'Q = """\n    CREATE TEMP TABLE temp_gift ON COMMIT drop AS\n        SELECT * FROM current_gift WHERE taker = %(dead)s;\n"""\n' });
    assert.deepEqual([...(readDeclaredIndexes([root()]).temporary ?? [])], ['temp_gift']);
  });

  it("Rails' schema dump (db/schema.rb) is read as DDL; a test app's (spec/dummy/db/schema.rb) is not (rules-t: HCB's and CodeOcean's only schema)", () => {
    const dump = (table: string) => `ActiveRecord::Schema[7.1].define(version: 1) do\n  create_table "${table}", force: :cascade do |t|\n    t.datetime "created_at", null: false\n    t.index ["created_at"], name: "ix"\n  end\nend\n`;
    tree(root(), { '.git/HEAD': 'x\n', 'db/schema.rb': dump('payments'), 'spec/dummy/db/schema.rb': dump('widgets') });
    const d = readDeclaredIndexes([root()]);
    assert.deepEqual([...(d.tables?.keys() ?? [])], ['payments']);
    assert.ok(d.get('payments')?.has('created_at'));
  });

  it('stays within its depth: a file nested past the limit is not read', () => {
    const deep = Array.from({ length: 16 }, (_, i) => `d${i}`).join('/');
    tree(root(), { '.git/HEAD': 'x\n', [`${deep}/deep.sql`]: 'CREATE INDEX deep_idx ON deep (lower(z));\n', 'a/b/near.sql': 'CREATE INDEX near_idx ON near (lower(z));\n' });
    assert.deepEqual([...readDeclaredIndexes([root()]).keys()], ['near']);
  });

  it('a schema file in a Maven module\'s resources under its Java package (eleven folders down) is read, its NOT NULL columns too (rules-s: DHIS2\'s pg_dump base schema in dhis-2/dhis-support/dhis-support-db-migration/src/main/resources/org/hisp/dhis/db/base)', () => {
    const dir = 'dhis-2/dhis-support/dhis-support-db-migration/src/main/resources/org/hisp/dhis/db/base';
    tree(root(), {
      '.git/HEAD': 'x\n',
      [`${dir}/base_schema.sql`]: 'CREATE TABLE jobconfiguration (\n    jobconfigurationid integer NOT NULL,\n    uid character varying(11) NOT NULL,\n    lastalive timestamp without time zone\n);\n',
      'dhis-2/dhis-support/dhis-support-db-migration/src/main/resources/org/hisp/dhis/db/migration/2.40/V2_40_1__index.sql': 'CREATE INDEX in_jobconfiguration_lastalive ON jobconfiguration (lastalive);\n',
    });
    const declared = readDeclaredIndexes([root()]);
    assert.deepEqual([...(declared.tables?.get('jobconfiguration')?.columns ?? [])], ['jobconfigurationid', 'uid', 'lastalive'], JSON.stringify([...(declared.tables ?? [])]));
    assert.ok(declared.has('jobconfiguration'), 'the migration twelve folders down is read too');
  });

  it('a schema file of another database (ClickHouse/MySQL by its folder, or DDL with ENGINE =) declares no PostgreSQL table (rules-p: OpenReplay keeps ClickHouse DDL beside the PostgreSQL schema)', () => {
    tree(root(), {
      '.git/HEAD': 'x\n',
      'schema/postgresql/init.sql': 'CREATE TABLE public.users (user_id integer PRIMARY KEY, email text NOT NULL, data jsonb);\n',
      'schema/clickhouse/1.0/init.sql': 'CREATE TABLE IF NOT EXISTS product_analytics.users (user_id String, properties JSON);\nCREATE TABLE product_analytics.events (event_id UUID, "$properties" JSON);\n',
      'schema/analytics/events.sql': 'CREATE TABLE IF NOT EXISTS product_analytics.sessions (session_id UInt64, payload JSON) ENGINE = ReplacingMergeTree(_timestamp) ORDER BY session_id;\n',
    });
    const tables = readDeclaredIndexes([root()]).tables;
    assert.deepEqual([...(tables?.keys() ?? [])], ['users'], JSON.stringify([...(tables ?? [])]));
    assert.deepEqual([...tables!.get('users')!.columns], ['user_id', 'email', 'data']);
  });

  it('application code that imports only another database\'s driver (sqlite3) declares no PostgreSQL table in its strings (rules27: Open Library\'s syllabus script and its SQLite `data`)', () => {
    const q = '"'.repeat(3);
    tree(root(), {
      '.git/HEAD': 'x\n',
      'schema/infobase.sql': 'create table data (thing_id int references thing, revision int, data text);\n',
      'utils/syllabus.py': `import sqlite3\n\ndef build(path):\n    conn = sqlite3.connect(path)\n    conn.execute(${q}\n        CREATE TABLE IF NOT EXISTS data (\n            olid INTEGER PRIMARY KEY,\n            total INTEGER\n        )\n    ${q})\n`,
      'app/queue.py': `import psycopg2\n\nQ = ${q}CREATE TABLE IF NOT EXISTS jobs (id bigint PRIMARY KEY, payload jsonb)${q}\n`,
    });
    const tables = readDeclaredIndexes([root()]).tables;
    assert.deepEqual([...tables!.get('data')!.columns], ['thing_id', 'revision', 'data']);
    assert.deepEqual([...tables!.get('jobs')!.columns], ['id', 'payload'], 'a PostgreSQL app\'s DDL in code is still read');
  });
});
