/**
 * The project's database, read from its configuration files (core/dialect.ts says which files and
 * what in them): from the repository root above the scanned paths (the nearest folder holding
 * `.git`, or the path itself), down to a few levels, bounded in files and bytes. Never throws.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dialectOfImports, dialectOfPath, PROJECT_CONFIG_FILES, projectDialect, type DialectVerdict } from '../core/dialect';
import { readRegularFileSync } from './readFile';
import { addDeclaredIndexes, addDeclaredKeys, addDeclaredTables, addDeclaredViews, addOrmNotNull, isOtherDatabaseDdl, type DeclaredIndexes } from '../core/sql/declaredIndexes';
import { isRailsSchema, railsSchemaDdl } from '../core/sql/railsSchema';
import { isNodePgMigrate, nodePgMigrateDdl } from '../core/sql/nodePgMigrate';
import { isKnexSchemaBuilder, knexSchemaDdl } from '../core/sql/knexSchema';
import { addMapperFragments, type MapperFragments } from '../core/languages/java/mybatis';
import { SKIPPED_DIRS } from '../core/skippedFolders';
import { codeContextOf } from '../core/codeContext';

const MAX_DEPTH = 4;
const MAX_FILES = 80;
const MAX_BYTES = 512 * 1024;
const MAX_DIRS = 4000;

function repoRoot(start: string): string {
  let dir = start;
  for (let i = 0; i < 12; i++) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return start;
}

/** The repository roots of the given paths. */
function projectRoots(paths: readonly string[], cwd: string): Set<string> {
  const roots = new Set<string>();
  for (const p of paths) {
    try {
      const abs = path.resolve(cwd, p);
      roots.add(repoRoot(fs.statSync(abs).isDirectory() ? abs : path.dirname(abs)));
    } catch {
      // a missing path is the walker's to report
    }
  }
  return roots;
}

/** Configuration files under the roots of the given paths, as { path relative to its root, text }. */
function readProjectConfigs(paths: readonly string[], cwd = process.cwd()): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const f of projectFiles(paths, cwd, MAX_DEPTH, MAX_DIRS)) {
    const rel = path.relative(f.root, f.full).split(path.sep).join('/');
    if (!PROJECT_CONFIG_FILES.some((re) => re.test(rel))) continue;
    try {
      out.push({ path: rel, text: readRegularFileSync(f.full, MAX_BYTES).toString('utf8') });
    } catch {
      // unreadable or too large: not evidence either way
    }
    if (out.length >= MAX_FILES) break;
  }
  // Evidence is quoted from the first file that names a database: the app's own configuration before a test profile's.
  const testLike = (p: string) => (/(^|[/_.-])(test|tests|spec|e2e|ci)([/_.-]|$)/i.test(p) ? 1 : 0);
  return out.map((c, i) => ({ c, i })).sort((a, b) => testLike(a.c.path) - testLike(b.c.path) || a.i - b.i).map((x) => x.c);
}

/** The database the project's configuration names (undefined: none named, PostgreSQL is assumed). */
export function readProjectDialect(paths: readonly string[], cwd = process.cwd()): DialectVerdict | undefined {
  return projectDialect(readProjectConfigs(paths, cwd));
}

/** Folders down from the repository root: deep enough for a Maven module's resources under its Java package (`module/sub/src/main/resources/org/acme/app/db/migration/2.40`: rules-s, DHIS2). */
const SCHEMA_MAX_DEPTH = 14;
/** MyBatis mapper fragments stay at the depth they were read at before (ten folders): a deeper walk was not measured. */
const MAPPER_MAX_DEPTH = 10;
/** Source files that may be migrations (their path says so: codeContextOf decides). */
const SOURCE_MIGRATION = /\.(py|ts|js|go|rb|java)$/i;
const SCHEMA_MAX_FILES = 3000;
/** A CREATE TABLE (a temporary one too) or CREATE INDEX in a source file's strings. */
const DDL_IN_CODE = /\bcreate\s+(?:unique\s+|(?:temp|temporary)\s+|\{[^{}\n]{1,60}\}\s+)?(?:table|index)\b/i;
const SCHEMA_MAX_TOTAL = 64 * 1024 * 1024;
/** A SQLAlchemy declarative model or Core table in a Python file. */
const ORM_TABLES_IN_CODE = /^[ \t]+__tablename__\s*=|\bTable\s*\(\s*[rbu]?["'][A-Za-z_]/m;

/**
 * The expression indexes the project's own `.sql` files create (schema, migrations, upgrade scripts),
 * under the repository roots of the given paths; bounded in depth, files and bytes. Never throws.
 */
export function readDeclaredIndexes(paths: readonly string[], cwd = process.cwd()): DeclaredIndexes {
  const out: DeclaredIndexes = new Map();
  // Schema files, and migrations written in code (`lnbits/core/migrations.py` creates its tables in strings).
  const isMigration = (full: string) => SOURCE_MIGRATION.test(full) && codeContextOf(full.replace(/\\/g, '/')) === 'migration';
  const read = (source: string) => {
    // Rails' schema dump (`db/schema.rb`) read as the DDL it stands for (rules-t: HCB's and CodeOcean's only schema).
    // node-pg-migrate's builder calls (`pgm.createTable`, `pgm.createIndex`) and knex's schema builder
    // (`knex.schema.createTable('t', (t) => { … })`) read as the DDL they run, beside the SQL the migration passes as text
    // (rules-u: the Stacks API's only schema, and most of ODK Central's).
    const text = isRailsSchema(source)
      ? railsSchemaDdl(source)
      : isNodePgMigrate(source)
      ? `${source}\n${nodePgMigrateDdl(source)}`
      : isKnexSchemaBuilder(source)
      ? `${source}\n${knexSchemaDdl(source)}`
      : source;
    // Another database's DDL (ClickHouse's `ENGINE = MergeTree`, MySQL's `ENGINE=InnoDB`) declares none of PostgreSQL's
    // tables, though it may reuse their names (a `users` table in the analytics store).
    if (isOtherDatabaseDdl(text)) return;
    addDeclaredIndexes(text, out);
    addDeclaredKeys(text, out);
    addDeclaredTables(text, out);
    addDeclaredViews(text, out);
    addOrmNotNull(text, out);
  };
  // A schema file in a folder named for another database (`schema/clickhouse/…`, `db/mysql/…`) is that database's.
  walkProjectFiles(paths, cwd, (full, rel) => (full.toLowerCase().endsWith('.sql') || isMigration(full) || isRailsSchemaFile(full, rel)) && dialectOfPath(rel).dialect !== 'other', read);
  // Then, with a budget of its own, application code that creates its schema in strings (`CREATE TABLE ${schema}.queue (…)`
  // in a job library's plans.ts): what no .sql file or migration declares. Test code is left out (its tables are fixtures).
  walkProjectFiles(
    paths,
    cwd,
    (full) => SOURCE_MIGRATION.test(full) && !isMigration(full) && !['test', 'seed'].includes(codeContextOf(full.replace(/\\/g, '/'))),
    (text) => {
      // A file that imports only another database's driver (`import sqlite3`: Open Library's syllabus script builds its
      // own SQLite `data` table) declares none of PostgreSQL's tables (rules27: it lent Open Library's `data` two columns).
      if (dialectOfImports(text)?.dialect === 'other') return;
      if (DDL_IN_CODE.test(text)) read(text);
      // SQLAlchemy models (`__tablename__ = …`, `Table("name", metadata, …)`): the NOT NULL columns they declare.
      else if (ORM_TABLES_IN_CODE.test(text)) addOrmNotNull(text, out);
    },
  );
  return out;
}

/** Rails' schema dump of a database (`db/schema.rb`, `db/queue_schema.rb`), not a test app's (`spec/dummy/db/schema.rb`). */
function isRailsSchemaFile(full: string, rel: string): boolean {
  return /(?:^|\/)db\/[\w-]*schema\.rb$/.test(rel) && codeContextOf(full.replace(/\\/g, '/')) !== 'test';
}

/** The `<sql id>` fragments of the project's MyBatis mapper files, by `namespace.id` (cross-file `<include refid>`). */
export function readMapperFragments(paths: readonly string[], cwd = process.cwd()): MapperFragments {
  const out: MapperFragments = new Map();
  walkProjectFiles(paths, cwd, (full) => full.toLowerCase().endsWith('.xml'), (text) => addMapperFragments(text, out), MAPPER_MAX_DEPTH);
  return out;
}

/** Every wanted file under the repository roots of the paths; bounded in depth, files and bytes. */
/** `wanted` gets each file's full path and its path below the repository root. */
function walkProjectFiles(paths: readonly string[], cwd: string, wanted: (full: string, rel: string) => boolean, visit: (text: string) => void, maxDepth = SCHEMA_MAX_DEPTH): void {
  let files = 0;
  let bytes = 0;
  for (const f of projectFiles(paths, cwd, maxDepth, MAX_DIRS * 10)) {
    if (files >= SCHEMA_MAX_FILES || bytes >= SCHEMA_MAX_TOTAL) break;
    if (!wanted(f.full, path.relative(f.root, f.full).split(path.sep).join('/'))) continue;
    try {
      const text = readRegularFileSync(f.full, MAX_BYTES * 2).toString('utf8');
      files++;
      bytes += text.length;
      visit(text);
    } catch {
      // unreadable or too large: no evidence
    }
  }
}

/**
 * The regular files below the repository roots of the paths, folder by folder in name order (hidden,
 * dependency and build folders skipped), at most maxDepth folders down and maxDirs folders in all.
 * The caller stops the walk when it has what it needs.
 */
function* projectFiles(paths: readonly string[], cwd: string, maxDepth: number, maxDirs: number): Generator<{ root: string; full: string; name: string }> {
  let dirs = 0;
  for (const root of projectRoots(paths, cwd)) {
    const queue: { dir: string; depth: number }[] = [{ dir: root, depth: 0 }];
    while (queue.length && dirs++ < maxDirs) {
      const { dir, depth } = queue.shift()!;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
      } catch {
        continue;
      }
      for (const e of entries) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (depth < maxDepth && !SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.')) queue.push({ dir: full, depth: depth + 1 });
        } else if (e.isFile()) {
          yield { root, full, name: e.name };
        }
      }
    }
  }
}
