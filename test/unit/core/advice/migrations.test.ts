import { strict as assert } from 'node:assert';
import { missingIndexHover } from '../../../../src/core/advice/missingIndex';
import { addPrismaIndex, detectMigrationTool, findStartupMigrator, generateMigration, migrationOffer, startupMigratorCandidates, type MigrationIndex, type MigrationOutput } from '../../../../src/core/advice/migrations';
import { migrationFixFor } from '../../../../src/core/advice/migrationFix';

/** A written migration (a file or an edit): fails when the SQL was offered instead. */
function written(...args: Parameters<typeof generateMigration>): Exclude<MigrationOutput, { kind: 'sql' }> {
  const out = generateMigration(...args);
  assert.notEqual(out.kind, 'sql', out.kind === 'sql' ? out.why : '');
  return out as Exclude<MigrationOutput, { kind: 'sql' }>;
}

const now = new Date(Date.UTC(2026, 10, 26, 13, 5, 9));
const sort: MigrationIndex = {
  name: 'orders_customer_id_placed_at_idx', schema: 'public', table: 'orders', method: 'btree',
  ddl: 'CREATE INDEX CONCURRENTLY orders_customer_id_placed_at_idx ON orders (customer_id, placed_at DESC)',
  columns: ['customer_id', 'placed_at DESC'], where: null, include: [], reason: 'equality then sort',
};
const partial: MigrationIndex = {
  ...sort, name: 'orders_placed_at_status_refunded_idx', columns: ['placed_at DESC'], where: "status = 'refunded'",
  ddl: "CREATE INDEX CONCURRENTLY orders_placed_at_status_refunded_idx ON orders (placed_at DESC) WHERE status = 'refunded'",
};
const trgm: MigrationIndex = {
  name: 'customers_name_gin_idx', schema: 'public', table: 'customers', method: 'gin', columns: ['name'], where: null, include: [], needsExtension: 'pg_trgm',
  ddl: 'CREATE INDEX CONCURRENTLY customers_name_gin_idx ON customers USING gin (name gin_trgm_ops)',
};

describe('core/advice/migrations', () => {
  it('the saved CREATE INDEX says which statements it serves and why each column is there, in the hover\'s words (person37 L8)', () => {
    const reason = "equality on customer_id, then the ORDER BY keys placed_at DESC in the query's direction, so the index can return the rows in that order; with the rows it expects now, the planner still finds them through the index and sorts them";
    const ix = { ...sort, reason, serves: { at: ['src/customers.ts:42'], also: ['src/orders.ts:78: SELECT id FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC'] } };
    const saved = generateMigration({ tool: 'unknown', dir: '' }, ix, { now, files: [] });
    assert.equal(saved.kind, 'sql');
    const lines = (saved as { sql: string }).sql.split('\n');
    assert.equal(lines[0], '-- orders (customer_id, placed_at DESC) for src/customers.ts:42: one index for both, also src/orders.ts:78.');
    assert.equal(lines[1], `-- Columns: ${reason}.`);
    assert.match(lines[1], /customer_id.*placed_at DESC.*in that order/);
    // The same words as the hover's (one source: workload alsoServesPhrase).
    assert.match(missingIndexHover({ name: 'x', table: 'orders', columns: ['customer_id', 'placed_at DESC'], ddl: sort.ddl, costBefore: 100, costAfter: 10, verifiedBy: 'hypopg', reason, summary: '', indexSizeBytes: null, planAfter: [] } as unknown as Parameters<typeof missingIndexHover>[0], { docs: 'd', alsoServes: ix.serves.also }), /one index for both, also src\/orders\.ts:78$/);
    // A migration says it too, in its language's comment (Rails) or docstring (Alembic); two places in the file, no "also".
    const rails = written({ tool: 'rails', dir: 'db/migrate', railsVersion: '7.2' }, { ...ix, serves: { at: ['app/orders.rb:3', 'app/orders.rb:9'], also: ['app/orders.rb:9'] } }, { now, files: [] });
    assert.match(rails.kind === 'create' ? rails.content : '', /^# orders \(customer_id, placed_at DESC\) for app\/orders\.rb:3, app\/orders\.rb:9\.\n# Columns: equality on customer_id/);
    const alembic = written({ tool: 'alembic', dir: 'alembic/versions' }, ix, { now, files: [] });
    assert.match(alembic.kind === 'create' ? alembic.content : '', /\norders \(customer_id, placed_at DESC\) for src\/customers\.ts:42: one index for both, also src\/orders\.ts:78\.\nColumns: /);
    // Nothing known of the statements: the reason alone.
    assert.equal((generateMigration({ tool: 'unknown', dir: '' }, sort, { now, files: [] }) as { sql: string }).sql.split('\n')[0], '-- Columns: equality then sort.');
  });

  describe('detectMigrationTool', () => {
    it('recognises each tool from its files', () => {
      assert.equal(detectMigrationTool({ files: ['prisma/schema.prisma', 'migrations/1.sql'] }).tool, 'prisma');
      assert.deepEqual(detectMigrationTool({ files: ['Gemfile', 'db/migrate/20240101000000_create_orders.rb'], gemfileLock: 'GEM\n  specs:\n    rails (7.2.1)\n' }), { tool: 'rails', dir: 'db/migrate', railsVersion: '7.2' });
      assert.deepEqual(detectMigrationTool({ files: ['manage.py', 'shop/migrations/__init__.py', 'shop/migrations/0001_initial.py', 'users/migrations/__init__.py'] }), { tool: 'django', dir: 'shop/migrations', app: 'shop' });
      assert.deepEqual(detectMigrationTool({ files: ['knexfile.ts', 'db/migrations/20240101000000_init.ts'], packageJson: '{"dependencies":{"knex":"3.1.0"}}' }), { tool: 'knex', dir: 'db/migrations', ext: 'ts' });
      assert.deepEqual(detectMigrationTool({ files: ['migrations/1700000000000_init.js'], packageJson: '{"devDependencies":{"node-pg-migrate":"7.0.0"}}' }), { tool: 'node-pg-migrate', dir: 'migrations', ext: 'js' });
      assert.deepEqual(detectMigrationTool({ files: ['src/main/resources/db/migration/V1__init.sql', 'src/main/resources/db/migration/V2__more.sql'] }), { tool: 'flyway', dir: 'src/main/resources/db/migration' });
      assert.deepEqual(detectMigrationTool({ files: ['db/migrate/001_init.sql'] }), { tool: 'sql', dir: 'db/migrate' });
      assert.equal(detectMigrationTool({ files: ['src/index.ts'] }).tool, 'unknown');
    });

    // person13 P3: a Flask/Alembic app (CTFd) got a Django migration in its helper package CTFd/utils/migrations/.
    const ctfd = {
      files: ['manage.py', 'requirements.txt', 'CTFd/utils/migrations/__init__.py', 'CTFd/models/__init__.py', 'migrations/alembic.ini', 'migrations/env.py', 'migrations/script.py.mako',
        'migrations/versions/0366ba6575ca_add_table_for_comments.py', 'migrations/versions/1093835a1051_add_default_email_templates.py'],
      texts: {
        'manage.py': 'from flask_migrate import MigrateCommand\nfrom CTFd import create_app\n',
        'requirements.txt': 'alembic==1.16.4\n    # via flask-migrate\nflask-migrate==2.5.3\nflask-sqlalchemy==3.0.5\n',
        'migrations/alembic.ini': '[alembic]\n# template used to generate migration files\n',
      },
    };
    it('Alembic from what the project uses, not a folder named migrations (Flask-Migrate, CTFd)', () => {
      // Flask-Migrate's folder (no script_location) through Flask-Script's MigrateCommand: manage.py's db command runs it.
      assert.deepEqual(detectMigrationTool(ctfd), { tool: 'alembic', dir: 'migrations/versions', run: 'python manage.py db upgrade' });
      // pyproject / alembic.ini script_location, anywhere in the tree.
      assert.deepEqual(detectMigrationTool({ files: ['pyproject.toml', 'alembic.ini', 'app/db/env.py', 'app/db/versions/a1_init.py'], texts: { 'pyproject.toml': '[project]\ndependencies = ["alembic>=1.13", "sqlalchemy"]\n', 'alembic.ini': '[alembic]\nscript_location = app/db\n' } }), { tool: 'alembic', dir: 'app/db/versions' });
    });
    it('Django only when the project uses Django (its manage.py or a django dependency)', () => {
      const djangoManage = 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "hc.settings")\nfrom django.core.management import execute_from_command_line\n';
      assert.deepEqual(detectMigrationTool({ files: ['manage.py', 'hc/api/migrations/__init__.py', 'hc/api/migrations/0001_initial.py'], texts: { 'manage.py': djangoManage } }), { tool: 'django', dir: 'hc/api/migrations', app: 'api' });
      assert.equal(detectMigrationTool({ files: ['requirements.txt', 'pkg/migrations/__init__.py'], texts: { 'requirements.txt': 'Django==5.1\n' } }).tool, 'django');
      // A helper package named migrations in a Flask app: no Django.
      assert.notEqual(detectMigrationTool({ files: ['manage.py', 'app/migrations/__init__.py'], texts: { 'manage.py': 'from flask.cli import FlaskGroup\n' } }).tool, 'django');
    });
    // person28 L6: "Add migration" was offered in the shop (no tool), and only then said "no migration file written".
    it('the menu says what the fix does: "Save CREATE INDEX as .sql…" where no tool is recognised, "Add migration" where one is', () => {
      const fix = { title: 'Add migration: orders (customer_id)', edits: [], command: { id: 'pgLens.addIndexMigration', args: [sort] } };
      const none = migrationFixFor(fix, detectMigrationTool({ files: ['src/index.ts', 'schema.sql'] }).tool);
      assert.equal(none.title, 'Save CREATE INDEX as .sql…: orders (customer_id)');
      assert.equal(none.command?.id, 'pgLens.saveCreateIndexSql');
      assert.deepEqual(none.command?.args, [sort]);
      const knex = migrationFixFor(fix, detectMigrationTool({ files: ['migrations/20240101000000_init.js'], packageJson: '{"dependencies":{"knex":"3"}}' }).tool);
      assert.deepEqual(knex, fix);
      const copy = { title: 'Copy CREATE INDEX: orders (customer_id)', edits: [], command: { id: 'pgLens.copyCreateIndex', args: [sort] } };
      assert.equal(migrationFixFor(copy, 'unknown'), copy);
    });
    it('unknown or ambiguous: no file in a guessed framework, and why in one line', () => {
      const sqla = detectMigrationTool({ files: ['requirements.txt', 'app/migrations/__init__.py'], texts: { 'requirements.txt': 'SQLAlchemy==2.0\nflask\n' } });
      assert.equal(sqla.tool, 'unknown');
      assert.match(sqla.why ?? '', /SQLAlchemy without a migration tool/);
      const both = detectMigrationTool({ files: ['requirements.txt', 'shop/migrations/__init__.py', 'shop/migrations/0001_initial.py', 'alembic/env.py', 'alembic/versions/ab_init.py'], texts: { 'requirements.txt': 'django\nalembic\n' } });
      assert.equal(both.tool, 'unknown');
      const out = generateMigration(both, sort, { now, files: [] });
      assert.equal(out.kind, 'sql');
      if (out.kind === 'sql') {
        assert.match(out.sql, /CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_placed_at_idx ON orders \(customer_id, placed_at DESC\);\n$/);
        assert.match(out.why, /both Django migrations and Alembic/);
        assert.doesNotMatch(out.why, /\n/);
      }
    });
  });

  it('plain SQL: numbered after the existing files, with CONCURRENTLY and IF NOT EXISTS', () => {
    const out = written({ tool: 'sql', dir: 'migrations' }, sort, { now, files: ['migrations/0007_init.sql', 'migrations/0012_more.sql'] });
    assert.equal(out.kind, 'create');
    assert.equal(out.path, 'migrations/0013_add_orders_customer_id_placed_at_idx.sql');
    assert.match(out.content, /^-- Columns: equality then sort\.\n-- CREATE INDEX CONCURRENTLY cannot run inside a transaction.*\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_placed_at_idx ON orders \(customer_id, placed_at DESC\);\n$/);
  });

  it('plain SQL with .up/.down pairs (golang-migrate, sqlx) and timestamps', () => {
    const out = written({ tool: 'sql', dir: 'db/migrations' }, trgm, { now, files: ['db/migrations/20240101120000_init.up.sql', 'db/migrations/20240101120000_init.down.sql'] });
    assert.equal(out.kind, 'create');
    assert.equal(out.path, 'db/migrations/20261126130509_add_customers_name_gin_idx.up.sql');
    assert.match(out.content, /CREATE EXTENSION IF NOT EXISTS pg_trgm;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS customers_name_gin_idx/);
    assert.deepEqual(out.kind === 'create' && out.extra, [{ path: 'db/migrations/20261126130509_add_customers_name_gin_idx.down.sql', content: 'DROP INDEX CONCURRENTLY IF EXISTS customers_name_gin_idx;\n' }]);
  });

  it('Flyway: next version and a .conf that runs it outside a transaction', () => {
    const out = written({ tool: 'flyway', dir: 'db/migration' }, sort, { now, files: ['db/migration/V1__init.sql', 'db/migration/V9_1__x.sql'] });
    assert.equal(out.path, 'db/migration/V10__add_orders_customer_id_placed_at_idx.sql');
    assert.deepEqual(out.kind === 'create' && out.extra, [{ path: 'db/migration/V10__add_orders_customer_id_placed_at_idx.sql.conf', content: 'executeInTransaction=false\n' }]);
  });

  it('Knex: config.transaction = false, raw CONCURRENTLY, down drops it (CommonJS and TypeScript)', () => {
    const js = written({ tool: 'knex', dir: 'migrations', ext: 'js' }, partial, { now, files: [] });
    assert.equal(js.path, 'migrations/20261126130509_add_orders_placed_at_status_refunded_idx.js');
    assert.match(js.content, /exports\.config = \{ transaction: false \};/);
    assert.match(js.content, /exports\.up = async function \(knex\) \{\n  await knex\.raw\(`CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_placed_at_status_refunded_idx ON orders \(placed_at DESC\) WHERE status = 'refunded'`\);\n\};/);
    assert.match(js.content, /exports\.down = async function \(knex\) \{\n  await knex\.raw\(`DROP INDEX CONCURRENTLY IF EXISTS orders_placed_at_status_refunded_idx`\);/);
    const ts = written({ tool: 'knex', dir: 'migrations', ext: 'ts' }, sort, { now, files: [] });
    assert.match(ts.content, /import type \{ Knex \} from 'knex';/);
    assert.match(ts.content, /export const config = \{ transaction: false \};/);
    assert.match(ts.content, /export async function up\(knex: Knex\): Promise<void> \{/);
  });

  it('node-pg-migrate: pgm.noTransaction() and pgm.sql', () => {
    const out = written({ tool: 'node-pg-migrate', dir: 'migrations', ext: 'js' }, trgm, { now, files: [] });
    assert.equal(out.path, `migrations/${now.getTime()}_add-customers-name-gin-idx.js`);
    assert.match(out.content, /exports\.up = \(pgm\) => \{\n  pgm\.noTransaction\(\);\n  pgm\.sql\(`CREATE EXTENSION IF NOT EXISTS pg_trgm`\);\n  pgm\.sql\(`CREATE INDEX CONCURRENTLY IF NOT EXISTS customers_name_gin_idx ON customers USING gin \(name gin_trgm_ops\)`\);\n\};/);
  });

  it('db-migrate: chosen before knex when the app has both (person10: Unleash got a Knex file in a new top-level folder), in the folder its npm script names, written as its own files are', () => {
    const unleashLike = JSON.stringify({ scripts: { 'db-migrate': 'db-migrate --migrations-dir ./src/migrations' }, dependencies: { knex: '3.1.0', 'db-migrate': '0.11.14', 'db-migrate-pg': '1.5.2' } });
    assert.deepEqual(detectMigrationTool({ files: ['src/migrations/20141020151056-initial-schema.js', 'src/lib/db.ts'], packageJson: unleashLike }), { tool: 'db-migrate', dir: 'src/migrations', ext: 'js' });
    // No script flag: where its files already are.
    assert.deepEqual(detectMigrationTool({ files: ['db/migrations/20240101120000-init.js'], packageJson: '{"dependencies":{"db-migrate":"0.11.14"}}' }), { tool: 'db-migrate', dir: 'db/migrations', ext: 'js' });
    const out = written({ tool: 'db-migrate', dir: 'src/migrations', ext: 'js' }, trgm, { now, files: [] });
    assert.equal(out.kind, 'create');
    assert.equal(out.path, 'src/migrations/20261126130509-add-customers-name-gin-idx.js');
    // One runSql per statement, and no CONCURRENTLY: db-migrate runs each migration in a transaction (checked with
    // db-migrate 0.11 on PostgreSQL 15: CONCURRENTLY fails there "inside a transaction block").
    assert.match(out.content, /^'use strict';\n\n\/\/ db-migrate runs each migration in a transaction[^\n]*\nexports\.up = function \(db, cb\) \{\n  db\.runSql\(`CREATE EXTENSION IF NOT EXISTS pg_trgm`, \(err\) => \{\n    if \(err\) return cb\(err\);\n    db\.runSql\(`CREATE INDEX IF NOT EXISTS customers_name_gin_idx ON customers USING gin \(name gin_trgm_ops\)`, cb\);\n  \}\);\n\};\n/);
    assert.match(out.content, /exports\.down = function \(db, cb\) \{\n  db\.runSql\(`DROP INDEX IF EXISTS customers_name_gin_idx`, cb\);\n\};\n$/);
    assert.match(out.notes.join(' '), /without CONCURRENTLY[\s\S]*--non-transactional/);
  });

  describe('sequelize-cli, TypeORM, MikroORM (person14 5: conduit has .sequelizerc and migrations/*.js, and got "no migration tool")', () => {
    // conduit's layout: an npm workspace whose backend package depends on sequelize-cli, its .sequelizerc beside it.
    const conduit = {
      files: ['package.json', 'backend/package.json', 'backend/.sequelizerc', 'backend/migrations/20220129140530-create-tag.js', 'backend/migrations/20220129140808-create-article.js', 'backend/models/Article.js'],
      packageJson: '{"workspaces":["backend","frontend"],"devDependencies":{"vitest":"0.29"}}',
      texts: {
        'backend/package.json': '{"dependencies":{"sequelize":"^6.29.3","pg":"^8"},"devDependencies":{"sequelize-cli":"^6.6.0"}}',
        'backend/.sequelizerc': 'const path = require("path");\nmodule.exports = {\n  config: path.resolve("config", "config.js"),\n  "migrations-path": path.resolve("migrations"),\n};\n',
      },
    };
    it('detects sequelize-cli from .sequelizerc (its migrations-path) or a package depending on it', () => {
      assert.deepEqual(detectMigrationTool(conduit), { tool: 'sequelize', dir: 'backend/migrations', ext: 'js' });
      // migrations-path elsewhere, in several parts.
      assert.deepEqual(detectMigrationTool({ files: ['.sequelizerc', 'src/index.js'], texts: { '.sequelizerc': "module.exports = { 'migrations-path': path.join(__dirname, 'db', 'migrations') };\n" } }), { tool: 'sequelize', dir: 'db/migrations', ext: 'js' });
      // No .sequelizerc: the dependency, in the folder its files are in (db-migrate names files alike: not chosen without db-migrate).
      assert.deepEqual(detectMigrationTool({ files: ['server/migrations/20230101000000-init.cjs'], packageJson: '{"devDependencies":{"sequelize-cli":"6"}}' }), { tool: 'sequelize', dir: 'server/migrations', ext: 'cjs' });
      // Python facts stay Python's: a package.json text naming "django" is no Django.
      assert.equal(detectMigrationTool({ files: ['web/package.json', 'web/.sequelizerc'], texts: { 'web/package.json': '{"description":"django-like admin"}' } }).tool, 'sequelize');
    });
    it('writes a sequelize-cli migration: up/down, the exact proved statement through queryInterface.sequelize.query, CONCURRENTLY (no transaction)', () => {
      const include: MigrationIndex = {
        name: 'Favorites_userId_idx', schema: 'public', table: 'Favorites', method: 'btree', columns: ['userId'], where: null, include: ['articleId'],
        ddl: 'CREATE INDEX CONCURRENTLY "Favorites_userId_idx" ON "Favorites" ("userId") INCLUDE ("articleId")',
      };
      const out = written(detectMigrationTool(conduit), include, { now, files: conduit.files });
      assert.equal(out.path, 'backend/migrations/20261126130509-add-favorites-userid-idx.js');
      assert.match(out.content, /^'use strict';\n\n\/\/ CREATE INDEX CONCURRENTLY cannot run inside a transaction: sequelize-cli runs a migration outside one[^\n]*\n\/\*\* @type \{import\('sequelize-cli'\)\.Migration\} \*\/\nmodule\.exports = \{\n  async up\(queryInterface\) \{\n    await queryInterface\.sequelize\.query\(`CREATE INDEX CONCURRENTLY IF NOT EXISTS "Favorites_userId_idx" ON "Favorites" \("userId"\) INCLUDE \("articleId"\)`\);\n  \},\n\n  async down\(queryInterface\) \{\n    await queryInterface\.sequelize\.query\(`DROP INDEX CONCURRENTLY IF EXISTS "Favorites_userId_idx"`\);\n  \},\n\};\n$/);
      // The module loads as sequelize-cli loads it, and its up runs the statements in order.
      const sent: string[] = [];
      const mod = { exports: {} as { up?: (q: unknown) => Promise<void> } };
      new Function('module', 'exports', out.content)(mod, mod.exports);
      return mod.exports.up!({ sequelize: { query: async (sql: string) => void sent.push(sql) } }).then(() => assert.deepEqual(sent, ['CREATE INDEX CONCURRENTLY IF NOT EXISTS "Favorites_userId_idx" ON "Favorites" ("userId") INCLUDE ("articleId")']));
    });
    it('partial and extension indexes keep their definition; two sequelize-cli setups are not guessed between', () => {
      const out = written({ tool: 'sequelize', dir: 'migrations', ext: 'js' }, trgm, { now, files: [] });
      assert.match(out.content, /query\(`CREATE EXTENSION IF NOT EXISTS pg_trgm`\);\n    await queryInterface\.sequelize\.query\(`CREATE INDEX CONCURRENTLY IF NOT EXISTS customers_name_gin_idx ON customers USING gin \(name gin_trgm_ops\)`\)/);
      assert.match(written({ tool: 'sequelize', dir: 'migrations', ext: 'js' }, partial, { now, files: [] }).content, /WHERE status = 'refunded'`\)/);
      const two = detectMigrationTool({ files: ['a/.sequelizerc', 'b/.sequelizerc', 'a/migrations/20220101000000-x.js', 'b/migrations/20220101000000-y.js'] });
      assert.equal(two.tool, 'unknown');
      assert.match(two.why ?? '', /2 sequelize-cli setups \(a, b\)/);
    });
    // person15 P2 (Traduora, NestJS + TypeORM, migrationsRun: true): a migration with CONCURRENTLY and transaction = false
    // under TypeORM's default migrationsTransactionMode 'all' was refused at start and the app crashed.
    const traduora = {
      files: ['package.json', 'api/package.json', 'api/src/config.ts', 'api/src/connection/datasource.ts', 'api/src/migrations/1545375343373-Init.ts', 'api/src/app.module.ts'],
      texts: {
        'api/package.json': '{"dependencies":{"typeorm":"0.3.20","@nestjs/typeorm":"10"},"scripts":{"start":"nest start"}}',
        'api/src/config.ts': "export const config = { db: { default: { synchronize: false, migrationsRun: true, migrations: ['src/migrations/*'] } } };\n",
        'api/src/connection/datasource.ts': "export const dataSourceOptions = () => ({ migrations: [] });\nexport default new DataSource(dataSourceOptions());\n",
      } as Record<string, string>,
    };
    it('TypeORM in its default transaction mode (all): a plain CREATE INDEX inside the migration, no transaction = false, and how to build it without blocking', () => {
      const target = detectMigrationTool(traduora);
      assert.deepEqual(target, { tool: 'typeorm', dir: 'api/src/migrations', ext: 'ts', outsideTransaction: false, run: 'cd api && npx typeorm-ts-node-commonjs migration:run -d src/connection/datasource.ts' });
      const out = written(target, partial, { now, files: traduora.files });
      assert.equal(out.path, `api/src/migrations/${now.getTime()}-AddOrdersPlacedAtStatusRefundedIdx.ts`);
      assert.match(out.content, new RegExp(`import \\{ MigrationInterface, QueryRunner \\} from 'typeorm';\\n\\nexport class AddOrdersPlacedAtStatusRefundedIdx${now.getTime()} implements MigrationInterface \\{\\n    name = 'AddOrdersPlacedAtStatusRefundedIdx${now.getTime()}';\\n`));
      assert.doesNotMatch(out.content, /INDEX CONCURRENTLY|transaction = false/);
      assert.match(out.content, /await queryRunner\.query\(`CREATE INDEX IF NOT EXISTS orders_placed_at_status_refunded_idx ON orders \(placed_at DESC\) WHERE status = 'refunded'`\);[\s\S]*await queryRunner\.query\(`DROP INDEX IF EXISTS orders_placed_at_status_refunded_idx`\)/);
      const notes = out.notes.join(' ');
      assert.match(notes, new RegExp(`^Wrote api/src/migrations/${now.getTime()}-AddOrdersPlacedAtStatusRefundedIdx\\.ts; run it with \`cd api && npx typeorm-ts-node-commonjs migration:run -d src/connection/datasource\\.ts\`\\.`));
      assert.match(notes, /CONCURRENTLY[\s\S]*migrationsTransactionMode: 'each'[\s\S]*--transaction each[\s\S]*transaction = false/);
      // No data source found, no setting: still the default, and the run command says what to fill in.
      const bare = detectMigrationTool({ files: ['src/migrations/1700000000000-Init.ts'], packageJson: '{"dependencies":{"typeorm":"0.3.20","knex":"3"}}' });
      assert.deepEqual(bare, { tool: 'typeorm', dir: 'src/migrations', ext: 'ts', outsideTransaction: false, run: 'npx typeorm migration:run -d <your data source file>' });
      // A script that runs migrations in the default mode keeps it 'all' even beside an 'each' elsewhere.
      assert.equal(detectMigrationTool({ files: ['src/data-source.ts'], packageJson: '{"dependencies":{"typeorm":"0.3"},"scripts":{"m":"typeorm migration:run -d dist/ds.js"}}', texts: { 'src/data-source.ts': "migrationsTransactionMode: 'each'" } }).outsideTransaction, false);
    });
    it("TypeORM configured to run migrations one transaction each (or none): CONCURRENTLY with transaction = false", () => {
      for (const [texts, pkg, run] of [
        [{ 'src/data-source.ts': "export const AppDataSource = new DataSource({ type: 'postgres', migrationsTransactionMode: 'each' });\n" }, '{"dependencies":{"typeorm":"0.3.20"}}', 'npx typeorm-ts-node-commonjs migration:run -d src/data-source.ts'],
        [{ 'ormconfig.json': '{"type":"postgres","migrationsTransactionMode":"none"}' }, '{"dependencies":{"typeorm":"0.3.20"}}', 'npx typeorm migration:run -d <your data source file>'],
        [{}, '{"dependencies":{"typeorm":"0.3.20"},"scripts":{"migrate":"typeorm migration:run -d dist/db.js --transaction each"}}', 'npm run migrate'],
      ] as [Record<string, string>, string, string][]) {
        const target = detectMigrationTool({ files: ['src/migrations/1700000000000-Init.ts', ...Object.keys(texts)], packageJson: pkg, texts });
        assert.deepEqual(target, { tool: 'typeorm', dir: 'src/migrations', ext: 'ts', outsideTransaction: true, run });
        const out = written(target, partial, { now, files: [] });
        assert.match(out.content, /    transaction = false;\n\n    public async up\(queryRunner: QueryRunner\): Promise<void> \{\n        await queryRunner\.query\(`CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_placed_at_status_refunded_idx ON orders \(placed_at DESC\) WHERE status = 'refunded'`\);\n    \}\n\n    public async down/);
        assert.equal(out.notes.join(' '), `Wrote src/migrations/${now.getTime()}-AddOrdersPlacedAtStatusRefundedIdx.ts; run it with \`${run}\`.`);
      }
    });
    it('MikroORM by default (allOrNothing): a plain CREATE INDEX; with allOrNothing: false, isTransactional() false and CONCURRENTLY', () => {
      const pkg = '{"dependencies":{"@mikro-orm/postgresql":"6","@mikro-orm/migrations":"6"}}';
      const target = detectMigrationTool({ files: ['src/migrations/Migration20240101120000.ts', 'src/mikro-orm.config.ts'], packageJson: pkg, texts: { 'src/mikro-orm.config.ts': "export default defineConfig({ migrations: { path: 'src/migrations' } });\n" } });
      assert.deepEqual(target, { tool: 'mikro-orm', dir: 'src/migrations', ext: 'ts', outsideTransaction: false, run: 'npx mikro-orm migration:up' });
      const out = written(target, sort, { now, files: [] });
      assert.equal(out.path, 'src/migrations/Migration20261126130509.ts');
      assert.doesNotMatch(out.content, /INDEX CONCURRENTLY|isTransactional/);
      assert.match(out.content, /this\.addSql\(`CREATE INDEX IF NOT EXISTS orders_customer_id_placed_at_idx ON orders \(customer_id, placed_at DESC\)`\);/);
      assert.match(out.notes.join(' '), /^Wrote src\/migrations\/Migration20261126130509\.ts; run it with `npx mikro-orm migration:up`\.[\s\S]*allOrNothing: false[\s\S]*CONCURRENTLY/);
      const each = detectMigrationTool({ files: ['src/migrations/Migration20240101120000.ts', 'src/mikro-orm.config.ts'], packageJson: pkg, texts: { 'src/mikro-orm.config.ts': 'export default defineConfig({ migrations: { allOrNothing: false } });\n' } });
      assert.equal(each.outsideTransaction, true);
      const concurrent = written(each, sort, { now, files: [] });
      assert.match(concurrent.content, /export class Migration20261126130509 extends Migration \{\n  \/\/ [^\n]*\n  override isTransactional\(\): boolean \{\n    return false;\n  \}\n\n  override async up\(\): Promise<void> \{\n    this\.addSql\(`CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_placed_at_idx ON orders \(customer_id, placed_at DESC\)`\);/);
      assert.deepEqual(concurrent.notes, ['Wrote src/migrations/Migration20261126130509.ts; run it with `npx mikro-orm migration:up`.']);
    });
    it('every written migration says where it went and the command that runs it (person15 15: the sequelize-cli notice was a fragment)', () => {
      const seq = written({ tool: 'sequelize', dir: 'backend/migrations', ext: 'js' }, sort, { now, files: [] });
      assert.match(seq.notes[0], /^Wrote backend\/migrations\/20261126130509-add-orders-customer-id-placed-at-idx\.js; run it with `npx sequelize-cli db:migrate`\.$/);
      assert.match(seq.notes[1], /^The migration runs the index's own statement, because /);
      for (const [tool, cmd] of [['knex', 'npx knex migrate:latest'], ['node-pg-migrate', 'npx node-pg-migrate up'], ['db-migrate', 'npx db-migrate up'], ['rails', 'bin/rails db:migrate'], ['flyway', 'flyway migrate']] as const) {
        const out = written({ tool, dir: 'm' }, sort, { now, files: [] });
        assert.equal(out.notes[0], `Wrote ${out.path}; run it with \`${cmd}\`.`, tool);
      }
      assert.match(written({ tool: 'django', dir: 'shop/migrations', app: 'shop' }, sort, { now, files: [] }).notes[0], /^Wrote shop\/migrations\/0001_add_orders_customer_id_placed_at_idx\.py; run it with `python manage\.py migrate shop`\.$/);
    });
  });

  it('Alembic: a revision after the head read from the files, create_index CONCURRENTLY in an autocommit block', () => {
    const files = ['migrations/versions/a_init.py', 'migrations/versions/b_more.py', 'migrations/versions/c_last.py'];
    const texts: Record<string, string> = {
      'migrations/versions/a_init.py': 'revision = "aaa111"\ndown_revision = None\n',
      'migrations/versions/b_more.py': "revision = 'bbb222'\ndown_revision = 'aaa111'\n",
      'migrations/versions/c_last.py': 'revision: str = "ccc333"\ndown_revision: Union[str, None] = "bbb222"\n',
    };
    const ix: MigrationIndex = { name: 'solves_user_id_idx', schema: 'public', table: 'solves', method: 'btree', ddl: 'CREATE INDEX CONCURRENTLY solves_user_id_idx ON solves (user_id)', columns: ['user_id'], where: null, include: [] };
    const out = written({ tool: 'alembic', dir: 'migrations/versions' }, ix, { now, files, fileText: (p) => texts[p] });
    assert.equal(out.kind, 'create');
    assert.match(out.path, /^migrations\/versions\/[0-9a-f]{12}_add_solves_user_id_idx\.py$/);
    const rev = /^revision = "([0-9a-f]{12})"$/m.exec(out.content)?.[1];
    assert.ok(rev && out.path.includes(rev));
    assert.match(out.content, /^down_revision = "ccc333"$/m);
    assert.match(out.content, /from alembic import op\n/);
    assert.match(out.content, /with op\.get_context\(\)\.autocommit_block\(\):\n {8}op\.create_index\(\n {12}"solves_user_id_idx",\n {12}"solves",\n {12}\["user_id"\],\n {12}unique=False,\n {12}postgresql_concurrently=True,\n {8}\)/);
    assert.match(out.content, /op\.drop_index\("solves_user_id_idx", table_name="solves", postgresql_concurrently=True\)/);
    assert.doesNotMatch(out.content, /django/);
    // DESC and a predicate: sa.text, postgresql_where.
    const p = written({ tool: 'alembic', dir: 'migrations/versions' }, partial, { now, files, fileText: (f) => texts[f] });
    assert.match(p.content, /import sqlalchemy as sa\n/);
    assert.match(p.content, /\[sa\.text\("placed_at DESC"\)\]/);
    assert.match(p.content, /postgresql_where=sa\.text\("status = 'refunded'"\)/);
    // Two heads: the SQL, not a guess at the branch.
    const twoHeads: Record<string, string> = { ...texts, 'migrations/versions/d_side.py': 'revision = "ddd444"\ndown_revision = "bbb222"\n' };
    const offer = generateMigration({ tool: 'alembic', dir: 'migrations/versions' }, ix, { now, files: [...files, 'migrations/versions/d_side.py'], fileText: (f) => twoHeads[f] });
    assert.equal(offer.kind, 'sql');
    if (offer.kind === 'sql') assert.match(offer.why, /2 heads \(ccc333, ddd444\)/);
    // person28 L6 (rest): the menu says so before the action runs ("Add migration" then "no migration file written").
    const fix = { title: 'Add migration: solves (user_id)', edits: [], command: { id: 'pgLens.addIndexMigration', args: [ix] } };
    const menu = migrationOffer({ tool: 'alembic', dir: 'migrations/versions' }, { now, files: [...files, 'migrations/versions/d_side.py'], fileText: (f) => twoHeads[f] });
    assert.deepEqual(menu, { tool: 'unknown', note: '2 Alembic heads' });
    const retitled = migrationFixFor(fix, menu.tool, menu.note);
    assert.equal(retitled.title, 'Save CREATE INDEX as .sql… (2 Alembic heads): solves (user_id)');
    assert.equal(retitled.command?.id, 'pgLens.saveCreateIndexSql');
    // One head: Add migration, as before.
    assert.deepEqual(migrationOffer({ tool: 'alembic', dir: 'migrations/versions' }, { now, files, fileText: (f) => texts[f] }), { tool: 'alembic' });
  });

  it('Django: non-atomic RunSQL depending on the latest migration of the app', () => {
    const out = written({ tool: 'django', dir: 'shop/migrations', app: 'shop' }, sort, { now, files: ['shop/migrations/__init__.py', 'shop/migrations/0001_initial.py', 'shop/migrations/0002_orders.py'] });
    assert.equal(out.path, 'shop/migrations/0003_add_orders_customer_id_placed_at_idx.py');
    assert.match(out.content, /atomic = False/);
    assert.match(out.content, /dependencies = \[\n {8}\("shop", "0002_orders"\),\n {4}\]/);
    assert.match(out.content, /sql="CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_placed_at_idx ON orders \(customer_id, placed_at DESC\)",\n {12}reverse_sql="DROP INDEX CONCURRENTLY IF EXISTS orders_customer_id_placed_at_idx",/);
  });

  it("Django, a model's own table: AddIndexConcurrently with the models.Index for Meta.indexes, so makemigrations stays consistent (issue 20, person17 LOW 7)", () => {
    const models = 'from django.db import models\n\nclass Book(models.Model):\n    title = models.CharField(max_length=200)\n\nclass BookInstance(models.Model):\n    status = models.CharField(max_length=1)\n    due_back = models.DateField(null=True)\n';
    const files = ['catalog/migrations/__init__.py', 'catalog/migrations/0027_alter_book_title.py', 'catalog/models.py'];
    const target = { tool: 'django' as const, dir: 'catalog/migrations', app: 'catalog' };
    const ix: MigrationIndex = { name: 'catalog_bookinstance_status_due_back_desc_covering_idx', schema: 'public', table: 'catalog_bookinstance', method: 'btree', ddl: 'CREATE INDEX CONCURRENTLY catalog_bookinstance_status_due_back_desc_covering_idx ON catalog_bookinstance (status, due_back DESC)', columns: ['status', 'due_back DESC'], where: null, include: [] };
    const out = written(target, ix, { now, files, fileText: (f) => (f === 'catalog/models.py' ? models : undefined) });
    assert.match(out.content, /from django\.contrib\.postgres\.operations import AddIndexConcurrently\nfrom django\.db import migrations, models\n/);
    assert.match(out.content, /atomic = False/);
    const name = /, name="([^"]+)"\)/.exec(out.content)![1];
    assert.ok(name.length <= 30 && /^catalog_bookinstanc\w*_idx$/.test(name), name);
    assert.match(out.content, new RegExp(`AddIndexConcurrently\\(\\n {12}model_name="bookinstance",\\n {12}index=models\\.Index\\(fields=\\["status", "-due_back"\\], name="${name}"\\),\\n {8}\\),`));
    assert.doesNotMatch(out.content, /RunSQL/);
    assert.match(out.notes.join(' '), new RegExp(`Add the same index to BookInstance's Meta\\.indexes — indexes = \\[models\\.Index\\(fields=\\["status", "-due_back"\\], name="${name}"\\)\\]`));
    // Not sure of the model (no models.py, a table of another app, db_table set) or not stated by models.Index (a predicate, an operator class): RunSQL, as before.
    assert.match(written(target, ix, { now, files }).content, /migrations\.RunSQL/);
    assert.match(written(target, { ...ix, table: 'auth_user' }, { now, files, fileText: () => models }).content, /migrations\.RunSQL/);
    assert.match(written(target, ix, { now, files, fileText: () => models.replace('due_back = ', 'class Meta:\n        db_table = "loans"\n    due_back = ') }).content, /migrations\.RunSQL/);
    assert.match(written(target, { ...ix, where: "status = 'o'" }, { now, files, fileText: () => models }).content, /migrations\.RunSQL/);
  });

  it('Rails: add_index with algorithm: :concurrently, order, where, using, opclass', () => {
    const a = written({ tool: 'rails', dir: 'db/migrate', railsVersion: '7.2' }, sort, { now, files: [] });
    assert.equal(a.path, 'db/migrate/20261126130509_add_orders_customer_id_placed_at_idx.rb');
    assert.match(a.content, /class AddOrdersCustomerIdPlacedAtIdx < ActiveRecord::Migration\[7\.2\]\n.*\n  disable_ddl_transaction!/);
    assert.match(a.content, /add_index :orders, \[:customer_id, :placed_at\], name: "orders_customer_id_placed_at_idx", order: \{ placed_at: :desc \}, algorithm: :concurrently/);
    const p = written({ tool: 'rails', dir: 'db/migrate' }, partial, { now, files: [] });
    assert.match(p.content, /add_index :orders, :placed_at, name: "orders_placed_at_status_refunded_idx", order: \{ placed_at: :desc \}, where: "status = 'refunded'", algorithm: :concurrently/);
    const g = written({ tool: 'rails', dir: 'db/migrate' }, trgm, { now, files: [] });
    assert.match(g.content, /enable_extension "pg_trgm"\n    add_index :customers, :name, name: "customers_name_gin_idx", using: :gin, opclass: :gin_trgm_ops, algorithm: :concurrently/);
  });

  describe("a project's migrations that branch on the database type (person15: Traduora's switch on config.db.default.type)", () => {
    // The shape of Traduora's api/src/migrations/1667573768424-add-term-context.ts.
    const TRADUORA_MIGRATION = `import { MigrationInterface, QueryRunner } from 'typeorm';
import { config } from '../config';
import { DbType } from '../utils/database-type-helper';

export class addTermContext1667573768424 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    switch (config.db.default.type) {
      case DbType.POSTGRES:
        await queryRunner.query(\`ALTER TABLE term ADD COLUMN context TEXT DEFAULT NULL;\`);
        break;
      case DbType.MYSQL:
        await queryRunner.query('ALTER TABLE \`term\` ADD COLUMN \`context\` TEXT DEFAULT NULL AFTER \`value\`');
        break;
      default:
        throw new Error(\`Unknown DB type: \${config.db.default.type}\`);
    }
  }
}
`;
    const target = { tool: 'typeorm' as const, dir: 'api/src/migrations', ext: 'ts' as const, outsideTransaction: false, run: 'cd api && npx typeorm-ts-node-commonjs migration:run -d src/connection/datasource.ts' };
    const files = ['api/src/migrations/1575734358119-add-label-join-tables.ts', 'api/src/migrations/1667573768424-add-term-context.ts'];
    it('TypeORM: the statements under the project\'s `case DbType.POSTGRES:`, its imports kept, other databases get none; said in the notes', () => {
      const texts: Record<string, string> = { [files[0]]: TRADUORA_MIGRATION.replace('1667573768424', '1575734358119'), [files[1]]: TRADUORA_MIGRATION };
      const out = written(target, partial, { now, files, fileText: (f) => texts[f] });
      assert.match(out.content, /^import \{ MigrationInterface, QueryRunner \} from 'typeorm';\nimport \{ config \} from '\.\.\/config';\nimport \{ DbType \} from '\.\.\/utils\/database-type-helper';\n\n/m);
      assert.match(out.content, /public async up\(queryRunner: QueryRunner\): Promise<void> \{\n        switch \(config\.db\.default\.type\) \{\n            case DbType\.POSTGRES:\n                await queryRunner\.query\(`CREATE INDEX IF NOT EXISTS orders_placed_at_status_refunded_idx ON orders \(placed_at DESC\) WHERE status = 'refunded'`\);\n                break;\n            default:\n                \/\/ PG Lens proved this index on PostgreSQL only: other databases get no index from this migration\.\n                break;\n        \}\n    \}/);
      assert.match(out.content, /public async down[\s\S]*case DbType\.POSTGRES:\n                await queryRunner\.query\(`DROP INDEX IF EXISTS orders_placed_at_status_refunded_idx`\);/);
      assert.match(out.notes.join(' '), /Written like api\/src\/migrations\/1667573768424-add-term-context\.ts: the statements run under its `case DbType\.POSTGRES` branch/);
    });
    it('TypeORM: `if (queryRunner.connection.options.type === \'mysql\') … else if (… === \'postgres\')` — the if form, on the new file\'s queryRunner', () => {
      const ifForm = "import { MigrationInterface, QueryRunner } from 'typeorm';\nexport class X1700000000000 implements MigrationInterface {\n  async up(runner: QueryRunner) {\n    if (runner.connection.options.type === 'mysql') {\n      await runner.query('ALTER TABLE `t` ADD `c` INT');\n    } else if (runner.connection.options.type === 'postgres') {\n      await runner.query('ALTER TABLE t ADD c INT');\n    }\n  }\n}\n";
      const out = written({ ...target, dir: 'src/migrations' }, partial, { now, files: ['src/migrations/1700000000000-X.ts'], fileText: () => ifForm });
      assert.match(out.content, /        if \(queryRunner\.connection\.options\.type === 'postgres'\) \{\n            await queryRunner\.query\(`CREATE INDEX IF NOT EXISTS/);
      assert.doesNotMatch(out.content, /runner\.connection|import \{ config/);
    });
    it('knex (`knex.client.config.client === \'pg\'`) and sequelize-cli (`queryInterface.sequelize.getDialect()` switch) alike', () => {
      const knexText = "exports.up = async function (knex) {\n  if (knex.client.config.client === 'pg') await knex.raw('CREATE EXTENSION citext');\n  if (knex.client.config.client === 'sqlite3') return;\n};\n";
      const k = written({ tool: 'knex', dir: 'migrations', ext: 'js' }, partial, { now, files: ['migrations/20240101000000_a.js'], fileText: () => knexText });
      assert.match(k.content, /exports\.up = async function \(knex\) \{\n  if \(knex\.client\.config\.client === 'pg'\) \{\n    await knex\.raw\(`CREATE INDEX CONCURRENTLY IF NOT EXISTS/);
      const seqText = "module.exports = {\n  async up(qi) {\n    switch (qi.sequelize.getDialect()) {\n      case 'postgres':\n        await qi.sequelize.query('SELECT 1');\n        break;\n      case 'mysql':\n        break;\n    }\n  },\n};\n";
      const q = written({ tool: 'sequelize', dir: 'migrations', ext: 'js' }, partial, { now, files: ['migrations/20240101000000-a.js'], fileText: () => seqText });
      assert.match(q.content, /async up\(queryInterface\) \{\n    switch \(queryInterface\.sequelize\.getDialect\(\)\) \{\n      case 'postgres':\n        await queryInterface\.sequelize\.query\(`CREATE INDEX CONCURRENTLY IF NOT EXISTS/);
    });
    it('migrations that do not branch (or only an old one does) get the statements as before', () => {
      const plain = "export class A1 { async up(q) { await q.query('CREATE TABLE t (id int)'); } }\n";
      const many = ['1', '2', '3', '4', '5'].map((n) => `src/migrations/170000000000${n}-M.ts`);
      const texts: Record<string, string> = Object.fromEntries(many.map((f, i) => [f, i === 0 ? TRADUORA_MIGRATION : plain]));
      const out = written({ ...target, dir: 'src/migrations' }, partial, { now, files: many, fileText: (f) => texts[f] });
      assert.doesNotMatch(out.content, /switch|DbType/);
      assert.match(out.content, /    public async up\(queryRunner: QueryRunner\): Promise<void> \{\n        await queryRunner\.query/);
    });
  });
  describe('Prisma', () => {
    const schema = `model Order {\n  id         Int      @id\n  customerId Int      @map("customer_id")\n  placedAt   DateTime @map("placed_at")\n  status     String\n\n  @@map("orders")\n}\n\nmodel Customer {\n  id   Int    @id\n  name String\n  @@map("customers")\n}\n`;
    it('adds @@index to the mapped model, with field names, sort and map', () => {
      const out = written({ tool: 'prisma', dir: 'prisma/schema.prisma' }, sort, { now, files: [], fileText: () => schema });
      assert.equal(out.kind, 'edit');
      assert.match(out.content, /\n\n  @@index\(\[customerId, placedAt\(sort: Desc\)\], map: "orders_customer_id_placed_at_idx"\)\n  @@map\("orders"\)\n\}/);
      assert.match(out.notes[0], /CONCURRENTLY/);
      // The editor opens the schema at the added line (person12 R5: it opened at line 1).
      assert.equal(out.kind === 'edit' ? out.content.split('\n')[out.line!] : '', '  @@index([customerId, placedAt(sort: Desc)], map: "orders_customer_id_placed_at_idx")');
    });

    // Each schema below and its expected result are what `prisma format` (Prisma 7.8) leaves unchanged, checked once
    // outside the product (which runs no prisma binary): a formatted schema stays formatted (person12 R5: `prisma
    // format --check` failed after Add migration). The tab-indented one is the exception, said there.
    const ix = (table: string, columns: string[], name: string): MigrationIndex => ({ name, schema: 'public', table, method: 'btree', ddl: 'CREATE INDEX CONCURRENTLY …', columns, where: null, include: [] });
    it('as prisma format leaves it: a model without block attributes gets one blank line, then the @@index in its indentation', () => {
      const hop = 'model UserHistory {\n  id         String   @id @default(cuid())\n  userUid    String\n  reqType    ReqType\n  executedOn DateTime @default(now()) @db.Timestamptz(3)\n  user       User     @relation(fields: [userUid], references: [uid], onDelete: Cascade)\n}\n\nmodel UserEnvironment {\n  id String @id\n}\n';
      assert.equal(addPrismaIndex(hop, ix('UserHistory', ['userUid', 'reqType', 'executedOn DESC'], 'uh_idx')),
        'model UserHistory {\n  id         String   @id @default(cuid())\n  userUid    String\n  reqType    ReqType\n  executedOn DateTime @default(now()) @db.Timestamptz(3)\n  user       User     @relation(fields: [userUid], references: [uid], onDelete: Cascade)\n\n  @@index([userUid, reqType, executedOn(sort: Desc)], map: "uh_idx")\n}\n\nmodel UserEnvironment {\n  id String @id\n}\n');
      // A file indented its own way keeps it (prisma format would make it two spaces: the file was not formatted before either).
      const tabs = 'model T {\n\tid   Int @id\n\tname String\n}\n';
      assert.equal(addPrismaIndex(tabs, ix('T', ['name'], 't_idx')), 'model T {\n\tid   Int @id\n\tname String\n\n\t@@index([name], map: "t_idx")\n}\n');
    });
    it('as prisma format orders block attributes: after @@id/@@unique/@@index (and a comment above one), before @@map/@@ignore/@@schema', () => {
      const d = 'model D {\n  id   String @id\n  name String\n\n  @@unique([name])\n  @@index([name])\n  @@map("dees")\n}\n';
      assert.equal(addPrismaIndex(d, ix('dees', ['name'], 'd_idx')), 'model D {\n  id   String @id\n  name String\n\n  @@unique([name])\n  @@index([name])\n  @@index([name], map: "d_idx")\n  @@map("dees")\n}\n');
      const e = 'model E {\n  id   String @id\n  name String\n\n  @@unique([name])\n  // trailing comment\n  @@index([name, id], map: "x")\n  @@map("ees")\n}\n';
      assert.equal(addPrismaIndex(e, ix('ees', ['name'], 'e_idx')), 'model E {\n  id   String @id\n  name String\n\n  @@unique([name])\n  // trailing comment\n  @@index([name, id], map: "x")\n  @@index([name], map: "e_idx")\n  @@map("ees")\n}\n');
      const g = 'model G {\n  name String\n\n  // the table of another app\n  @@map("gees")\n  @@ignore\n}\n';
      assert.equal(addPrismaIndex(g, ix('gees', ['name'], 'g_idx')), 'model G {\n  name String\n\n  @@index([name], map: "g_idx")\n  // the table of another app\n  @@map("gees")\n  @@ignore\n}\n');
    });
    it('GIN with operator classes', () => {
      assert.match(addPrismaIndex(schema, trgm)!, /@@index\(\[name\(ops: raw\("gin_trgm_ops"\)\)\], type: Gin, map: "customers_name_gin_idx"\)/);
    });
    it('a partial index becomes a SQL migration under prisma/migrations', () => {
      const out = written({ tool: 'prisma', dir: 'prisma/schema.prisma' }, partial, { now, files: [], fileText: () => schema });
      assert.equal(out.kind, 'create');
      assert.equal(out.path, 'prisma/migrations/20261126130509_add_orders_placed_at_status_refunded_idx/migration.sql');
      assert.match(out.content, /CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_placed_at_status_refunded_idx ON orders \(placed_at DESC\) WHERE status = 'refunded';\n$/);
    });
  });
  // person16 LOW 5: ente (Go) applies its golang-migrate migrations itself when it starts; the toast said "run it with psql".
  describe('the command that runs a new migration, or the app that applies it at start', () => {
    const ente = {
      files: ['go.mod', 'cmd/museum/main.go', 'internal/testutil/testutil.go', 'pkg/repo/trash.go', 'migrations/123_x.up.sql', 'migrations/123_x.down.sql'],
      texts: { 'go.mod': 'module github.com/ente-io/museum\n\nrequire (\n\tgithub.com/golang-migrate/migrate/v4 v4.12.2\n\tgithub.com/lib/pq v1.10.9\n)\n' },
    };
    const mainGo = 'package main\n\nimport (\n\t"github.com/golang-migrate/migrate/v4"\n\t"github.com/golang-migrate/migrate/v4/database/postgres"\n)\n\nfunc runMigrations(db *sql.DB) {\n\tm, _ := migrate.NewWithDatabaseInstance("file://migrations", "postgres", driver)\n\tif err := m.Up(); err != nil && err != migrate.ErrNoChange {\n\t\tlog.Fatal(err)\n\t}\n}\n';

    it('golang-migrate run by the app: "your app applies it at start", naming the file', () => {
      const target = detectMigrationTool(ente);
      assert.deepEqual(target, { tool: 'sql', dir: 'migrations', runner: 'golang-migrate' });
      const cands = startupMigratorCandidates(target, ente.files);
      assert.deepEqual(cands, ['cmd/museum/main.go', 'pkg/repo/trash.go'], 'Go files, tests and test helpers left out');
      const at = findStartupMigrator(target, { 'pkg/repo/trash.go': 'package repo\nfunc x() { rows.Scan() }\n', 'cmd/museum/main.go': mainGo });
      assert.deepEqual(at, { file: 'cmd/museum/main.go', by: 'golang-migrate' });
      const out = written({ ...target, appliedAtStart: at }, sort, { now, files: ente.files });
      assert.equal(out.path, 'migrations/124_add_orders_customer_id_placed_at_idx.up.sql');
      assert.equal(out.notes[0], 'Wrote migrations/124_add_orders_customer_id_placed_at_idx.up.sql; your app applies it at start (golang-migrate in cmd/museum/main.go).');
      assert.doesNotMatch(out.notes.join('\n'), /psql/);
    });

    it('golang-migrate not run by the app: the migrate CLI with the migrations path', () => {
      const target = detectMigrationTool(ente);
      assert.equal(findStartupMigrator(target, { 'cmd/museum/main.go': 'package main\nimport "github.com/golang-migrate/migrate/v4"\n// migrations run by CI\n' }), undefined);
      const out = written(target, sort, { now, files: ente.files });
      assert.equal(out.notes[0], 'Wrote migrations/124_add_orders_customer_id_placed_at_idx.up.sql; run it with `migrate -path migrations -database "$DATABASE_URL" up`.');
    });

    it('goose: its annotations in the file, goose.Up at start or the goose CLI', () => {
      const files = ['go.mod', 'main.go', 'db/migrations/00001_init.sql'];
      const target = detectMigrationTool({ files, texts: { 'go.mod': 'module x\nrequire github.com/pressly/goose/v3 v3.20.0\n' } });
      assert.deepEqual(target, { tool: 'sql', dir: 'db/migrations', runner: 'goose' });
      const out = written(target, sort, { now, files });
      assert.equal(out.path, 'db/migrations/00002_add_orders_customer_id_placed_at_idx.sql');
      assert.match(out.content, /^-- \+goose NO TRANSACTION\n-- \+goose Up\n[\s\S]*CREATE INDEX CONCURRENTLY[\s\S]*-- \+goose Down\nDROP INDEX CONCURRENTLY/);
      assert.equal(out.notes[0], 'Wrote db/migrations/00002_add_orders_customer_id_placed_at_idx.sql; run it with `goose -dir db/migrations postgres "$DATABASE_URL" up`.');
      const at = findStartupMigrator(target, { 'main.go': 'import "github.com/pressly/goose/v3"\nfunc main() { goose.Up(db, "db/migrations") }\n' });
      assert.deepEqual(at, { file: 'main.go', by: 'goose' });
    });

    it('other tools the app runs at start: knex migrate.latest(), TypeORM migrationsRun, Flyway on Spring Boot', () => {
      const knex = detectMigrationTool({ files: ['knexfile.js', 'migrations/20240101000000_init.js', 'src/server.js', 'test/db.test.js'], packageJson: '{"dependencies":{"knex":"3.1.0"}}' });
      assert.deepEqual(startupMigratorCandidates(knex, ['knexfile.js', 'migrations/20240101000000_init.js', 'src/server.js', 'test/db.test.js']), ['src/server.js', 'knexfile.js']);
      assert.deepEqual(findStartupMigrator(knex, { 'src/server.js': 'await knex.migrate.latest();\napp.listen(3000);\n' }), { file: 'src/server.js', by: 'knex.migrate.latest()' });
      const typeorm = { tool: 'typeorm' as const, dir: 'src/migrations' };
      assert.deepEqual(findStartupMigrator(typeorm, { 'src/data-source.ts': 'export default new DataSource({ type: "postgres", migrationsRun: true })' }), { file: 'src/data-source.ts', by: 'TypeORM migrationsRun' });
      const flyway = { tool: 'flyway' as const, dir: 'src/main/resources/db/migration' };
      assert.deepEqual(startupMigratorCandidates(flyway, ['pom.xml', 'src/main/java/App.java']), ['pom.xml']);
      const at = findStartupMigrator(flyway, { 'pom.xml': '<parent><artifactId>spring-boot-starter-parent</artifactId></parent><dependency><artifactId>flyway-core</artifactId></dependency>' });
      assert.deepEqual(at, { file: 'pom.xml', by: 'Flyway on Spring Boot' });
      assert.equal(written({ ...flyway, appliedAtStart: at }, sort, { now, files: [] }).notes[0], 'Wrote src/main/resources/db/migration/V1__add_orders_customer_id_placed_at_idx.sql; your app applies it at start (Flyway on Spring Boot in pom.xml).');
      // A plain SQL folder without a Go runner still says psql.
      assert.match(written({ tool: 'sql', dir: 'db/migrate' }, sort, { now, files: [] }).notes[0], /run it with `psql -v ON_ERROR_STOP=1 -f db\/migrate\//);
    });
  });
});
