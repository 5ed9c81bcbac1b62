/**
 * "Add migration": find the project's migration tool from its files, and write a new migration
 * for an index in that tool's own format, using CONCURRENTLY where the tool lets the migration run
 * outside a transaction. Pure: the editor passes file lists and contents, and writes the result.
 */
import { prismaModels } from '../prismaSchema';
import { ident } from '../sql/predicates';
import { shortHash } from '../hash';
import { alsoServesPhrase, placeIn } from './workload';
import { ORM_CONFIG_NAMES, type MigrationTool } from './migrationFix';

export interface MigrationTarget {
  tool: MigrationTool;
  /** Folder (relative, posix) new migration files go to; for prisma the schema file. */
  dir: string;
  /** Django app label; Rails migration version ("7.1"); file extension for knex ("js" | "ts"). */
  app?: string;
  railsVersion?: string;
  ext?: 'js' | 'ts' | 'cjs' | 'mjs';
  /**
   * TypeORM / MikroORM: the project's configuration lets a migration run outside a transaction (TypeORM
   * `migrationsTransactionMode: 'each'|'none'` or `--transaction each|none`; MikroORM `allOrNothing: false`), read as text.
   * Otherwise (their defaults) the migration builds the index plainly inside its transaction.
   */
  outsideTransaction?: boolean;
  /** The tool's command that runs the new migration, when the project's files say it (TypeORM: its data source file; Flask-Migrate's `flask db upgrade`). */
  run?: string;
  /** tool 'unknown': one line saying why no migration file is written (the SQL is offered instead). */
  why?: string;
  /**
   * The migration runner a plain SQL folder belongs to, from the project's dependency files (go.mod: golang-migrate,
   * goose): its CLI command runs the file, not psql.
   */
  runner?: 'golang-migrate' | 'goose';
  /**
   * The app applies pending migrations itself when it starts (findStartupMigrator: golang-migrate's `.Up()`, goose.Up,
   * knex.migrate.latest(), TypeORM migrationsRun, Spring Boot's Flyway): the file that says so and the tool.
   */
  appliedAtStart?: { file: string; by: string };
}

/** What an index migration needs to know (an IndexSuggestion fits). */
export interface MigrationIndex {
  name: string;
  schema: string;
  table: string;
  /** CREATE INDEX CONCURRENTLY … (no trailing semicolon). */
  ddl: string;
  method: string;
  /** Key labels: column, "col DESC" or an expression. */
  columns: string[];
  where: string | null;
  include: string[];
  needsExtension?: 'pg_trgm';
  reason?: string;
  /**
   * The statements it serves, as the hover names them: the one it was proposed for ("src/customers.ts:42", each place if
   * the file has several) and the others of the one decision (labels, "src/orders.ts:78"): said in the file's comment.
   */
  serves?: { at: readonly string[]; also: readonly string[] };
}

export interface ProjectFiles {
  /** Workspace-relative posix paths (a few thousand at most; node_modules left out). */
  files: string[];
  packageJson?: string;
  gemfileLock?: string;
  /**
   * Texts of the files that say what the project uses (see PROJECT_FACT_FILES: requirements*.txt, pyproject.toml,
   * Pipfile, setup.py/cfg, manage.py, alembic.ini), keyed by their path in `files`. A file listed without its text here
   * is taken at its name only.
   */
  texts?: Record<string, string>;
}

/** The files that configure a TypeORM DataSource / ormconfig or MikroORM (their texts say how migrations run). */
const ORM_CONFIG_FILES = new RegExp(String.raw`(^|\/)(${ORM_CONFIG_NAMES})$`, 'i');

/** The facts files that are not Python's (Node's, Go's, Java's). */
const NON_PYTHON_FACT_FILES = /(^|\/)(\.sequelizerc|package\.json|go\.mod|pom\.xml|build\.gradle(?:\.kts)?)$/;

/** Python packages the project declares (lower case, `_` as `-`), from its dependency files' texts. */
function pythonDeps(p: ProjectFiles): Set<string> {
  const out = new Set<string>();
  for (const [path, text] of Object.entries(p.texts ?? {})) {
    if (/(^|\/)(manage\.py|alembic\.ini|env\.py)$/.test(path) || NON_PYTHON_FACT_FILES.test(path) || ORM_CONFIG_FILES.test(path)) continue;
    for (const m of text.matchAll(/(?:^|["'\s=,[(])(django|alembic|flask[-_]migrate|sqlalchemy|flask[-_]sqlalchemy)(?=\s*(?:[=<>~!;\[,"'\])]|$))/gim)) out.add(m[1].toLowerCase().replace(/_/g, '-'));
  }
  return out;
}

const SQL_DIRS = ['migrations', 'db/migrations', 'db/migrate', 'supabase/migrations', 'sql/migrations', 'database/migrations', 'migrate'];

/** The migration tool the project uses, or a plain SQL folder when nothing is recognised. */
export function detectMigrationTool(p: ProjectFiles): MigrationTarget {
  const files = p.files.map((f) => f.replace(/\\/g, '/'));
  const has = (re: RegExp) => files.find((f) => re.test(f));
  const pkg = packageFacts(p.packageJson);
  const deps = pkg.deps;

  const prisma = has(/(^|\/)schema\.prisma$/);
  if (prisma) return { tool: 'prisma', dir: prisma };

  const railsMigration = has(/(^|\/)db\/migrate\/\d{14}_[^/]+\.rb$/);
  if (railsMigration || (has(/(^|\/)Gemfile$/) && has(/(^|\/)config\/application\.rb$/))) {
    const dir = railsMigration ? railsMigration.replace(/\/[^/]+$/, '') : 'db/migrate';
    const m = /^\s{4}rails \((\d+)\.(\d+)/m.exec(p.gemfileLock ?? '');
    return { tool: 'rails', dir, railsVersion: m ? `${m[1]}.${m[2]}` : '7.1' };
  }

  // Python: Django or Alembic from what the project uses (its dependency files, Django's manage.py, Alembic's
  // alembic.ini / env.py beside versions/), never from a folder NAME alone (person13 P3: a Flask app's helper package
  // CTFd/utils/migrations/ got a Django migration).
  const pyDeps = pythonDeps(p);
  const text = (f: string) => p.texts?.[f];
  const manage = files.filter((f) => /(^|\/)manage\.py$/.test(f));
  const djangoManage = manage.some((f) => { const t = text(f); return t === undefined ? !p.texts : /\bdjango\b/i.test(t); });
  const djangoInit = files.filter((f) => /(^|\/)migrations\/__init__\.py$/.test(f));
  const djangoNumbered = files.some((f) => /(^|\/)migrations\/\d{4}_[^/]+\.py$/.test(f) && djangoInit.includes(f.replace(/[^/]+$/, '__init__.py')));
  const django = pyDeps.has('django') || djangoManage || (djangoNumbered && !pyDeps.size);
  const alembicDirs = [...new Set(files.filter((f) => /(^|\/)env\.py$/.test(f)).map((f) => f.replace(/\/?env\.py$/, '')).filter((d) => files.some((f) => f.startsWith((d ? d + '/' : '') + 'versions/'))))];
  const alembicIni = files.filter((f) => /(^|\/)alembic\.ini$/.test(f));
  const alembic = alembicDirs.length > 0 || alembicIni.length > 0 || pyDeps.has('alembic') || pyDeps.has('flask-migrate');
  if (django && alembic && djangoInit.length && alembicDirs.length) {
    return { tool: 'unknown', dir: '', why: 'the project has both Django migrations and Alembic (env.py + versions/), so PG Lens cannot tell which one owns this table' };
  }
  if (django && djangoInit.length) {
    // The app with the most migrations is the likeliest home of the table.
    const counts = djangoInit.map((init) => {
      const dir = init.replace(/\/__init__\.py$/, '');
      return { dir, n: files.filter((f) => f.startsWith(dir + '/') && /\/\d{4}_[^/]+\.py$/.test(f)).length };
    });
    counts.sort((a, b) => b.n - a.n || a.dir.localeCompare(b.dir));
    const dir = counts[0].dir;
    const parts = dir.split('/');
    return { tool: 'django', dir, app: parts[parts.length - 2] ?? parts[0] };
  }
  if (alembic) {
    // The script folder: beside alembic.ini's script_location, else the one env.py with a versions/ folder.
    const located = alembicIni.map((f) => {
      const loc = /^\s*script_location\s*=\s*(\S+)/m.exec(text(f) ?? '')?.[1];
      if (!loc || loc.includes('%') || loc.includes(':')) return undefined;
      const base = f.replace(/[^/]*$/, '');
      return (base + loc).replace(/^\.\//, '').replace(/\/$/, '');
    }).filter((d): d is string => !!d && alembicDirs.includes(d));
    const dirs = located.length ? [...new Set(located)] : alembicDirs.length ? alembicDirs : alembicIni.map((f) => f.replace(/\/?alembic\.ini$/, ''));
    if (dirs.length === 1) {
      // Flask-Migrate's folder (`flask db init`): its env.py takes the app's engine from Flask's current_app and its
      // alembic.ini has no script_location, so `alembic upgrade head` fails there; `flask db upgrade` runs it (person20
      // MEDIUM 5). Said by that env.py, or by flask-migrate among the dependencies where no alembic.ini locates the folder.
      const env = text(`${dirs[0] ? dirs[0] + '/' : ''}env.py`);
      const flask = env !== undefined ? /\bcurrent_app\b|\bflask_migrate\b/.test(env) : pyDeps.has('flask-migrate') && !located.length;
      // `flask db` finds ./migrations from where it runs: the folder's parent; another name is passed with -d.
      const parent = dirs[0].replace(/\/?[^/]*$/, '');
      // Flask-Script's MigrateCommand (older Flask-Migrate, CTFd): the db command is manage.py's.
      const script = manage.find((f) => /\bMigrateCommand\b/.test(text(f) ?? ''));
      const run = !flask ? undefined
        : script ? `${script.includes('/') ? `cd ${script.replace(/\/[^/]*$/, '')} && ` : ''}python manage.py db upgrade`
          : /(^|\/)migrations$/.test(dirs[0]) ? `${parent ? `cd ${parent} && ` : ''}flask db upgrade` : `flask db upgrade -d ${dirs[0] || '.'}`;
      return { tool: 'alembic', dir: `${dirs[0] ? dirs[0] + '/' : ''}versions`, ...(run ? { run } : {}) };
    }
    return {
      tool: 'unknown', dir: '',
      why: dirs.length ? `the project has ${dirs.length} Alembic script folders (${dirs.join(', ')}), so PG Lens cannot tell which one owns this table` : 'the project uses Alembic but has no env.py beside a versions/ folder yet (run `alembic init` or `flask db init` first)',
    };
  }
  if (pyDeps.has('sqlalchemy') || pyDeps.has('flask-sqlalchemy')) {
    return { tool: 'unknown', dir: '', why: 'the project uses SQLAlchemy without a migration tool PG Lens recognises (no Alembic, no Django)' };
  }

  // sequelize-cli, from what says so for sure (its .sequelizerc, or a package that depends on it), before db-migrate
  // (both name files YYYYMMDDHHMMSS-name.js): person14 5, conduit's backend/.sequelizerc said "no tool".
  const sequelize = sequelizeCliTarget(p, files, deps);
  if (sequelize) return sequelize;

  // db-migrate (before knex: an app may depend on both, and its migrations are db-migrate's — person10's hour on Unleash):
  // the folder its npm script names (`--migrations-dir ./src/migrations`, `-m`), else where its files already are.
  if (deps.has('db-migrate')) {
    const existing = has(/(^|\/)migrations\/\d{14}-[^/]+\.(js|cjs)$/);
    const flag = /(?:--migrations-dir|-m)[ =]+["']?\.?\/?([\w./-]+?)\/?["']?(?:\s|"|$)/.exec(pkg.scripts)?.[1];
    const dir = flag ?? (existing ? existing.replace(/\/[^/]+$/, '') : 'migrations');
    return { tool: 'db-migrate', dir, ext: (existing?.split('.').pop() as MigrationTarget['ext']) ?? 'js' };
  }

  if (deps.has('node-pg-migrate')) {
    const existing = has(/(^|\/)migrations\/\d{13}_[^/]+\.(js|ts|cjs|mjs)$/);
    const dir = existing ? existing.replace(/\/[^/]+$/, '') : 'migrations';
    return { tool: 'node-pg-migrate', dir, ext: (existing?.split('.').pop() as MigrationTarget['ext']) ?? 'js' };
  }

  // TypeORM and MikroORM: their own migration files decide before knex (MikroORM builds on knex; an app may list both).
  const orm = ormMigrationTargets(p, files, deps);
  const withFiles = orm.find((o) => o.existing);
  if (withFiles) return withFiles.target;

  if (deps.has('knex')) {
    const existing = has(/(^|\/)migrations\/\d{14}_[^/]+\.(js|ts|cjs|mjs)$/);
    const dir = existing ? existing.replace(/\/[^/]+$/, '') : 'migrations';
    const ext = (existing?.split('.').pop() as MigrationTarget['ext']) ?? (has(/(^|\/)knexfile\.ts$/) ? 'ts' : 'js');
    return { tool: 'knex', dir, ext };
  }

  if (orm.length) return orm[0].target;

  const flyway = has(/(^|\/)V\d+(?:[._]\d+)*__[^/]+\.sql$/);
  if (flyway) return { tool: 'flyway', dir: flyway.replace(/\/[^/]+$/, '') };

  const runner = goMigrationRunner(p);
  const withRunner = (dir: string): MigrationTarget => (runner ? { tool: 'sql', dir, runner } : { tool: 'sql', dir });
  for (const d of SQL_DIRS) {
    const hit = files.find((f) => f.startsWith(d + '/') && f.endsWith('.sql') && !f.slice(d.length + 1).includes('/'));
    if (hit) return withRunner(d);
  }
  const nested = has(/(^|\/)migrations\/[^/]+\.sql$/);
  if (nested) return withRunner(nested.replace(/\/[^/]+$/, ''));
  // Nothing says which tool the project uses: no file in a guessed framework.
  return { tool: 'unknown', dir: '', why: 'PG Lens found no migration tool it recognises in this project (no Prisma, Rails, Django, Alembic, Knex, node-pg-migrate, db-migrate, sequelize-cli, TypeORM, MikroORM, Flyway or SQL migrations folder)' };
}

/** The Go migration runner a go.mod requires (golang-migrate, goose), whose CLI runs a plain SQL migration folder. */
function goMigrationRunner(p: ProjectFiles): MigrationTarget['runner'] {
  for (const [path, text] of Object.entries(p.texts ?? {})) {
    if (!/(^|\/)go\.mod$/.test(path)) continue;
    if (/\bgithub\.com\/golang-migrate\/migrate\b/.test(text)) return 'golang-migrate';
    if (/\bgithub\.com\/pressly\/goose\b/.test(text)) return 'goose';
  }
  return undefined;
}

/**
 * The source files that may apply migrations when the app starts, for findStartupMigrator to read: Go files (not
 * tests) for golang-migrate and goose; the project's build files for Flyway (Spring Boot runs it at start); JavaScript
 * and TypeScript files outside tests for knex and TypeORM. At most `limit`, the likeliest (main/cmd/server/app) first.
 */
export function startupMigratorCandidates(target: MigrationTarget, files: readonly string[], limit = 400): string[] {
  const notTest = (f: string) => !/(^|\/)(tests?|testutil|testdata|__tests__|spec|e2e|fixtures?)\/|[._-](test|spec)\.[a-z]+$/i.test(f);
  let pick: (f: string) => boolean;
  if (target.runner) pick = (f) => f.endsWith('.go') && notTest(f);
  else if (target.tool === 'flyway') pick = (f) => /(^|\/)(pom\.xml|build\.gradle(?:\.kts)?)$/.test(f);
  else if (target.tool === 'knex' || target.tool === 'typeorm') pick = (f) => /\.(ts|js|cjs|mjs)$/.test(f) && !f.endsWith('.d.ts') && notTest(f) && !isUnder(target.dir, f);
  else return [];
  const likely = (f: string) => (/(^|\/)(main|cmd|server|app|index|db|database|data-?source|ormconfig)[\w.-]*(\/|\.)/i.test(f) ? 0 : 1);
  return files.filter(pick).sort((a, b) => likely(a) - likely(b) || a.split('/').length - b.split('/').length).slice(0, limit);
}

/**
 * The file in which the app applies its migrations when it starts, from the texts of startupMigratorCandidates:
 * golang-migrate imported and `.Up()` called; goose.Up(…); knex's `.migrate.latest(`; TypeORM `migrationsRun: true` or
 * `.runMigrations(`; Flyway on Spring Boot (both in the build file). Undefined when no file says so.
 */
export function findStartupMigrator(target: MigrationTarget, texts: Readonly<Record<string, string | undefined>>): MigrationTarget['appliedAtStart'] {
  const rules: { by: string; test: (t: string) => boolean }[] =
    target.runner === 'golang-migrate' ? [{ by: 'golang-migrate', test: (t) => /"github\.com\/golang-migrate\/migrate(\/v\d+)?"/.test(t) && /\.Up\(\s*\)/.test(t) }]
    : target.runner === 'goose' ? [{ by: 'goose', test: (t) => /"github\.com\/pressly\/goose(\/v\d+)?"/.test(t) && /\bgoose\.Up(Context)?\(/.test(t) }]
    : target.tool === 'flyway' ? [{ by: 'Flyway on Spring Boot', test: (t) => /\bflyway\b/i.test(t) && /spring-boot/.test(t) }]
    : target.tool === 'knex' ? [{ by: 'knex.migrate.latest()', test: (t) => /\.migrate\.latest\(/.test(t) }]
    : target.tool === 'typeorm' ? [{ by: 'TypeORM migrationsRun', test: (t) => /\bmigrationsRun\s*:\s*true\b/.test(t) || /\.runMigrations\(/.test(t) }]
    : [];
  for (const [file, text] of Object.entries(texts)) {
    if (text === undefined) continue;
    const rule = rules.find((r) => r.test(text));
    if (rule) return { file, by: rule.by };
  }
  return undefined;
}

/** `dir/rel` (`rel` alone at the root). */
function joinDir(dir: string, rel: string): string {
  return dir ? `${dir}/${rel}` : rel;
}

function isUnder(dir: string, f: string): boolean {
  return !dir || f.startsWith(dir + '/');
}

/** The package folders ('' for the root) whose package.json lists `dep`: the root's, then a workspace's packages' (from `texts`). */
function packagesWith(p: ProjectFiles, rootDeps: Set<string>, dep: string): string[] {
  const out: string[] = rootDeps.has(dep) ? [''] : [];
  for (const [path, text] of Object.entries(p.texts ?? {})) {
    if (path === 'package.json' || !/(^|\/)package\.json$/.test(path)) continue;
    if (packageFacts(text).deps.has(dep)) out.push(path.replace(/\/?package\.json$/, ''));
  }
  return out;
}

/**
 * sequelize-cli's migrations folder: the `migrations-path` its .sequelizerc gives (`path.resolve('db', 'migrations')`,
 * relative to the folder sequelize-cli runs in: the .sequelizerc's), else where its `YYYYMMDDHHMMSS-name.js` files are,
 * else `migrations` beside the .sequelizerc or the package that depends on sequelize-cli.
 */
function sequelizeCliTarget(p: ProjectFiles, files: string[], rootDeps: Set<string>): MigrationTarget | undefined {
  const rcs = files.filter((f) => /(^|\/)\.sequelizerc$/.test(f));
  const bases = [...new Set(rcs.length ? rcs.map((f) => f.replace(/\/?\.sequelizerc$/, '')) : packagesWith(p, rootDeps, 'sequelize-cli'))];
  if (!bases.length) return undefined;
  const migrationsOf = (base: string) => files.filter((f) => isUnder(base, f) && /(^|\/)\d{14}-[^/]+\.(js|cjs|mjs|ts)$/.test(f));
  const withMigrations = bases.filter((b) => migrationsOf(b).length);
  const homes = withMigrations.length ? withMigrations : bases;
  if (homes.length > 1) return { tool: 'unknown', dir: '', why: `the project has ${homes.length} sequelize-cli setups (${homes.map((b) => b || '.').join(', ')}), so PG Lens cannot tell which one owns this table` };
  const base = homes[0];
  const rc = p.texts?.[joinDir(base, '.sequelizerc')];
  const configured = rc === undefined ? undefined : sequelizercMigrationsPath(rc);
  const existing = migrationsOf(base);
  const dir = configured !== undefined ? joinDir(base, configured) : existing.length ? existing[0].replace(/\/[^/]+$/, '') : joinDir(base, 'migrations');
  const ext = existing.find((f) => f.startsWith(dir + '/'))?.split('.').pop() as MigrationTarget['ext'] | undefined;
  return { tool: 'sequelize', dir, ext: ext ?? 'js' };
}

/** `"migrations-path": path.resolve("db", "migrations")` → `db/migrations`; undefined when the line holds no plain relative path. */
function sequelizercMigrationsPath(rc: string): string | undefined {
  const m = /["']?migrations-path["']?\s*:\s*([^\n]*)/.exec(rc);
  if (!m) return undefined;
  const parts = [...m[1].matchAll(/["'`]([^"'`$]*)["'`]/g)].map((x) => x[1]).filter(Boolean);
  if (!parts.length) return undefined;
  const path = parts.join('/').replace(/\\/g, '/').replace(/\/{2,}/g, '/').replace(/^(\.\/)+/, '').replace(/\/$/, '');
  if (!path || path.startsWith('/') || path.split('/').includes('..')) return undefined;
  return path;
}

/**
 * TypeORM (`<ms timestamp>-Name.ts` in a migration(s) folder) and MikroORM (`Migration<YYYYMMDDHHMMSS>.ts`): from the
 * dependency, in the folder their files are in (`existing`), else `src/migrations` (TypeORM has no default folder) or
 * MikroORM's default `migrations`.
 */
function ormMigrationTargets(p: ProjectFiles, files: string[], rootDeps: Set<string>): { target: MigrationTarget; existing: boolean }[] {
  const out: { target: MigrationTarget; existing: boolean }[] = [];
  const tools: { tool: MigrationTool; deps: string[]; file: RegExp; fallback: (base: string) => string }[] = [
    { tool: 'typeorm', deps: ['typeorm'], file: /(^|\/)\d{13}-[A-Za-z]\w*\.(ts|js)$/, fallback: (base) => joinDir(base, files.some((f) => f.startsWith(joinDir(base, 'src/'))) ? 'src/migrations' : 'migrations') },
    { tool: 'mikro-orm', deps: ['@mikro-orm/migrations', '@mikro-orm/postgresql'], file: /(^|\/)Migration\d{14}\.(ts|js)$/, fallback: (base) => joinDir(base, 'migrations') },
  ];
  for (const t of tools) {
    const bases = [...new Set(t.deps.flatMap((d) => packagesWith(p, rootDeps, d)))];
    if (!bases.length) continue;
    const existing = files.find((f) => bases.some((b) => isUnder(b, f)) && t.file.test(f));
    const dir = existing ? existing.replace(/\/[^/]+$/, '') : t.fallback(bases[0]);
    const base = bases.find((b) => isUnder(b, dir)) ?? bases[0];
    out.push({ target: { tool: t.tool, dir, ext: existing?.endsWith('.js') ? 'js' : 'ts', ...ormTransactionFacts(p, t.tool, base) }, existing: !!existing });
  }
  return out;
}

/**
 * How TypeORM / MikroORM run migrations in this project, from the texts of its ORM configuration files (and the npm
 * scripts of its package), never by running them: whether a migration may run outside a transaction, and the command
 * that runs it. TypeORM's default `migrationsTransactionMode: 'all'` refuses a migration with `transaction = false`
 * (person15 P2: the app ran its migrations at start and crashed); MikroORM's default `allOrNothing: true` wraps all
 * pending migrations in one transaction.
 */
function ormTransactionFacts(p: ProjectFiles, tool: MigrationTool, base: string): Pick<MigrationTarget, 'outsideTransaction' | 'run'> {
  const configs = Object.entries(p.texts ?? {}).filter(([f]) => isUnder(base, f) && ORM_CONFIG_FILES.test(f));
  const pkgText = p.texts?.[joinDir(base, 'package.json')] ?? (base ? undefined : p.packageJson);
  let scripts: Record<string, string> = {};
  try {
    const j = JSON.parse(pkgText ?? '{}') as { scripts?: Record<string, unknown> };
    scripts = Object.fromEntries(Object.entries(j.scripts ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch { /* no scripts */ }
  const texts = configs.map(([, t]) => t);
  if (tool === 'typeorm') {
    const modes = texts.flatMap((t) => [...t.matchAll(/migrationsTransactionMode["']?\s*:\s*["'](all|each|none)["']/g)].map((m) => m[1]));
    const flags = Object.values(scripts).flatMap((s) => /\bmigration:run\b/.test(s) ? [/--transaction[ =]+["']?(all|each|none)\b/.exec(s)?.[1] ?? 'all'] : []);
    const all = [...modes, ...flags];
    const outsideTransaction = all.length > 0 && all.every((m) => m !== 'all');
    const script = Object.entries(scripts).find(([, s]) => /\bmigration:run\b/.test(s))?.[0];
    const ds = configs.find(([, t]) => /new\s+DataSource\s*\(/.test(t))?.[0];
    const dsRel = ds ? (base ? ds.slice(base.length + 1) : ds) : '<your data source file>';
    const run = script ? `npm run ${script}` : `npx typeorm${dsRel.endsWith('.ts') ? '-ts-node-commonjs' : ''} migration:run -d ${dsRel}`;
    return { outsideTransaction, run: base ? `cd ${base} && ${run}` : run };
  }
  const allOrNothing = texts.flatMap((t) => [...t.matchAll(/allOrNothing["']?\s*:\s*(true|false)\b/g)].map((m) => m[1]));
  const script = Object.entries(scripts).find(([, s]) => /\bmigration:up\b/.test(s))?.[0];
  const run = script ? `npm run ${script}` : 'npx mikro-orm migration:up';
  return { outsideTransaction: allOrNothing.length > 0 && allOrNothing.every((v) => v === 'false'), run: base ? `cd ${base} && ${run}` : run };
}

/** package.json's fields the detection reads (parsed once; empty without a package.json or when it does not parse). */
interface PackageFacts {
  deps: Set<string>;
  /** The npm scripts' command lines, one per line. */
  scripts: string;
}

function packageFacts(text: string | undefined): PackageFacts {
  if (!text) return { deps: new Set(), scripts: '' };
  try {
    const j = JSON.parse(text) as { dependencies?: object; devDependencies?: object; scripts?: Record<string, unknown> };
    return {
      deps: new Set([...Object.keys(j.dependencies ?? {}), ...Object.keys(j.devDependencies ?? {})]),
      scripts: Object.values(j.scripts ?? {}).filter((v): v is string => typeof v === 'string').join('\n'),
    };
  } catch {
    return { deps: new Set(), scripts: '' };
  }
}

export type MigrationOutput =
  | { kind: 'create'; path: string; content: string; notes: string[]; extra?: { path: string; content: string }[] }
  | { kind: 'edit'; path: string; content: string; notes: string[]; /** 0-based line of the edit, to open the file there. */ line?: number }
  /** No migration tool known for sure: the SQL to copy or save where the user chooses, and why in one line. */
  | { kind: 'sql'; sql: string; why: string; notes: string[] };

export interface MigrationContext {
  now: Date;
  /** Same list as for detection (to number the new file after the existing ones). */
  files: string[];
  /** prisma: the text of schema.prisma; alembic: the texts of the revision files in versions/ (for the head). */
  fileText?: (path: string) => string | undefined;
}

function stamp14(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

function snake(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

function camel(s: string): string {
  return snake(s).split('_').filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

function dropSql(ix: MigrationIndex): string {
  const q = ix.schema === 'public' ? ident(ix.name) : `${ident(ix.schema)}.${ident(ix.name)}`;
  return `DROP INDEX CONCURRENTLY IF EXISTS ${q}`;
}

function createSql(ix: MigrationIndex): string {
  return ix.ddl.replace(/^CREATE INDEX CONCURRENTLY (?!IF NOT EXISTS)/, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ');
}

function header(ix: MigrationIndex, comment: string): string {
  return indexChoiceLines(ix).map((l) => `${comment} ${l}\n`).join('');
}

/**
 * What the saved CREATE INDEX says of its choice, in the hover's words (one source: alsoServesPhrase, the reason that is
 * the hover's Why): which statements it serves, by place, and why each column (and its direction) is there (person37
 * L8: the file said only "…: the planner still sorts with it", not why `placed_at DESC`, nor that it serves orders.ts:78).
 */
function indexChoiceLines(ix: Pick<MigrationIndex, 'table' | 'columns' | 'reason' | 'serves'>): string[] {
  const lines: string[] = [];
  const at = ix.serves?.at ?? [];
  const also = (ix.serves?.also ?? []).filter((l) => !at.includes(placeIn(l) ?? l));
  const index = `${ix.table} (${ix.columns.join(', ')})`;
  if (at.length) lines.push(`${index} for ${at.join(', ')}${also.length ? `: ${alsoServesPhrase(also)}` : ''}.`);
  else if (also.length) lines.push(`${index}: ${alsoServesPhrase(also)}.`);
  if (ix.reason) lines.push(`Columns: ${ix.reason.replace(/\s+/g, ' ').replace(/\.$/, '')}.`);
  return lines;
}

type Generator = (target: MigrationTarget, ix: MigrationIndex, ctx: MigrationContext) => MigrationOutput;

/** Each tool's migration writer (a missing tool is a type error). */
const GENERATORS: Record<MigrationTool, Generator> = {
  prisma: prismaMigration,
  rails: railsMigration,
  django: djangoMigration,
  alembic: alembicMigration,
  knex: knexMigration,
  'node-pg-migrate': nodePgMigrate,
  'db-migrate': dbMigrate,
  sequelize: sequelizeMigration,
  typeorm: typeormMigration,
  'mikro-orm': mikroOrmMigration,
  flyway: flywayMigration,
  sql: sqlMigration,
  unknown: sqlOffer,
};

/** No tool known for sure: offer the SQL (the extension it needs, the CREATE INDEX), never a file in a guessed framework. */
function sqlOffer(target: MigrationTarget, ix: MigrationIndex): MigrationOutput {
  return {
    kind: 'sql',
    sql: `${header(ix, '--')}-- CREATE INDEX CONCURRENTLY cannot run inside a transaction.\n${extLine(ix)}${createSql(ix)};\n`,
    why: target.why ?? 'PG Lens cannot tell which migration tool this project uses',
    notes: [],
  };
}

/** Alembic's revisions in the versions folder's files: each revision and the ones it revises. */
function alembicRevisions(dir: string, ctx: MigrationContext): { revision: string; down: string[] }[] {
  const out: { revision: string; down: string[] }[] = [];
  for (const f of ctx.files) {
    if (!f.startsWith(dir + '/') || !f.endsWith('.py') || f.slice(dir.length + 1).includes('/')) continue;
    const t = ctx.fileText?.(f);
    if (!t) continue;
    const revision = /^revision(?:\s*:\s*[\w.[\], |]+)?\s*=\s*["']([^"']+)["']/m.exec(t)?.[1];
    if (!revision) continue;
    const downText = /^down_revision(?:\s*:\s*[\w.[\], |]+)?\s*=\s*(.+)$/m.exec(t)?.[1] ?? 'None';
    out.push({ revision, down: [...downText.matchAll(/["']([^"']+)["']/g)].map((m) => m[1]) });
  }
  return out;
}

/** A 12-hex revision id like Alembic's (from the time and the index name, so the same inputs give the same file). */
function alembicRevisionId(ix: MigrationIndex, now: Date): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const ch of `${now.toISOString()}|${ix.schema}.${ix.name}`) {
    h1 = Math.imul(h1 ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ ch.charCodeAt(0), 0x85ebca6b) >>> 0;
  }
  return (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).slice(0, 12);
}

/** The heads of an Alembic history: revisions no other revision revises. */
function alembicHeads(dir: string, ctx: MigrationContext): string[] {
  const revs = alembicRevisions(dir, ctx);
  const revised = new Set(revs.flatMap((r) => r.down));
  return revs.map((r) => r.revision).filter((r) => !revised.has(r));
}

/**
 * The migration tool as the menus offer it, told before the action runs: a history Add migration would refuse (an
 * Alembic history with several heads: no branch to put the revision on) is offered as no tool, with a short note for the
 * menu ("2 Alembic heads"). person28 L6 (rest): the menu said "Add migration", then "no migration file written".
 * `ctx.fileText` gives the revision files' texts (the files Add migration reads).
 */
export function migrationOffer(target: MigrationTarget, ctx: MigrationContext): { tool: MigrationTool; note?: string } {
  if (target.tool === 'alembic') {
    const heads = alembicHeads(target.dir, ctx);
    if (heads.length > 1) return { tool: 'unknown', note: `${heads.length} Alembic heads` };
  }
  return { tool: target.tool };
}

/**
 * Alembic (Flask-Migrate too): a new revision file in versions/ whose down_revision is the current head read from the
 * files, op.create_index(…, postgresql_concurrently=True) inside the autocommit block CONCURRENTLY needs. Several heads
 * (unmerged branches): the SQL is offered instead of guessing which branch it belongs on.
 */
function alembicMigration(target: MigrationTarget, ix: MigrationIndex, ctx: MigrationContext): MigrationOutput {
  const heads = alembicHeads(target.dir, ctx);
  if (heads.length > 1) return sqlOffer({ ...target, why: `the Alembic history has ${heads.length} heads (${heads.join(', ')}): merge them (\`alembic merge heads\`) first, or add the index by hand` }, ix);
  const down = heads[0];
  const revision = alembicRevisionId(ix, ctx.now);
  const plainCols = ix.columns.map((c) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(c));
  const opclass = /\b(jsonb_path_ops|gin_trgm_ops|text_pattern_ops|varchar_pattern_ops)\b/.test(ix.ddl);
  const schemaArg = ix.schema === 'public' ? '' : `, schema=${pyString(ix.schema)}`;
  const up: string[] = [];
  const extension = extensionSql(ix);
  if (extension) up.push(`        op.execute(${pyString(extension)})`);
  if (opclass) {
    // Operator classes: op.create_index has no portable way to say them; the statement itself.
    up.push(`        op.execute(${pyString(createSql(ix))})`);
  } else {
    const cols = ix.columns.map((c, i) => (plainCols[i] ? pyString(c) : `sa.text(${pyString(c)})`));
    const args = [pyString(ix.name), pyString(ix.table), `[${cols.join(', ')}]`, 'unique=False'];
    if (ix.method !== 'btree') args.push(`postgresql_using=${pyString(ix.method)}`);
    if (ix.include.length) args.push(`postgresql_include=[${ix.include.map(pyString).join(', ')}]`);
    if (ix.where) args.push(`postgresql_where=sa.text(${pyString(ix.where)})`);
    args.push('postgresql_concurrently=True');
    up.push(`        op.create_index(\n            ${args.join(',\n            ')}${schemaArg},\n        )`);
  }
  const needsSa = up.some((l) => l.includes('sa.text('));
  const q3 = '"""';
  const content = [
    `${q3}Add index ${ix.name} on ${ix.table}\n\n`,
    `Revision ID: ${revision}\n`,
    `Revises: ${down ?? ''}\n`,
    `Create Date: ${ctx.now.toISOString().replace('T', ' ').replace('Z', '')}\n`,
    indexChoiceLines(ix).length ? `\n${indexChoiceLines(ix).join('\n').replace(/"""/g, "'''")}\n` : '',
    `\n${q3}\n\n`,
    'from alembic import op\n',
    needsSa ? 'import sqlalchemy as sa\n' : '',
    '\n\n# revision identifiers, used by Alembic.\n',
    `revision = ${pyString(revision)}\n`,
    `down_revision = ${down ? pyString(down) : 'None'}\n`,
    'branch_labels = None\n',
    'depends_on = None\n\n\n',
    'def upgrade():\n',
    '    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.\n',
    '    with op.get_context().autocommit_block():\n',
    up.join('\n') + '\n\n\n',
    'def downgrade():\n',
    '    with op.get_context().autocommit_block():\n',
    `        op.drop_index(${pyString(ix.name)}, table_name=${pyString(ix.table)}${schemaArg}, postgresql_concurrently=True)\n`,
  ].join('');
  const notes = [down ? `down_revision = ${down} (the current head).` : 'The first revision of this history (no earlier revision found).'];
  if (!ix.where && plainCols.every(Boolean) && !opclass) notes.push('Add the index to the model too (Index(…) in __table_args__, or index=True) so autogenerate does not propose dropping it.');
  return { kind: 'create', path: `${target.dir}/${revision}_add_${snake(ix.name)}.py`, content, notes };
}

/** Each tool's command that runs a new migration (TypeORM's and MikroORM's from the project's files: target.run). */
const RUN_COMMANDS: Record<MigrationTool, (target: MigrationTarget, path: string) => string | undefined> = {
  prisma: () => 'npx prisma migrate deploy',
  rails: () => 'bin/rails db:migrate',
  django: (t) => `python manage.py migrate ${t.app ?? ''}`.trim(),
  alembic: (t) => t.run ?? 'alembic upgrade head',
  knex: () => 'npx knex migrate:latest',
  'node-pg-migrate': () => 'npx node-pg-migrate up',
  'db-migrate': () => 'npx db-migrate up',
  sequelize: () => 'npx sequelize-cli db:migrate',
  typeorm: (t) => t.run ?? 'npx typeorm migration:run -d <your data source file>',
  'mikro-orm': (t) => t.run ?? 'npx mikro-orm migration:up',
  flyway: () => 'flyway migrate',
  sql: (t, path) =>
    t.runner === 'golang-migrate' ? `migrate -path ${t.dir} -database "$DATABASE_URL" up`
    : t.runner === 'goose' ? `goose -dir ${t.dir} postgres "$DATABASE_URL" up`
    : `psql -v ON_ERROR_STOP=1 -f ${path}`,
  unknown: () => undefined,
};

/** The tool's migration for the index, its notes starting with where the file goes and the command that runs it. */
export function generateMigration(target: MigrationTarget, ix: MigrationIndex, ctx: MigrationContext): MigrationOutput {
  const out = GENERATORS[target.tool](target, ix, ctx);
  if (out.kind !== 'create') return out;
  // The app applies its migrations when it starts (person16: ente runs golang-migrate's Up() in main.go): say so, not psql.
  if (target.appliedAtStart) return { ...out, notes: [`Wrote ${out.path}; your app applies it at start (${target.appliedAtStart.by} in ${target.appliedAtStart.file}).`, ...out.notes] };
  const run = RUN_COMMANDS[target.tool](target, out.path);
  return { ...out, notes: [`Wrote ${out.path}${run ? `; run it with \`${run}\`` : ''}.`, ...out.notes] };
}

/** The CREATE EXTENSION the index needs, when it needs one (no terminator). */
function extensionSql(ix: MigrationIndex): string | undefined {
  return ix.needsExtension ? `CREATE EXTENSION IF NOT EXISTS ${ix.needsExtension}` : undefined;
}

function extLine(ix: MigrationIndex, terminator = ';'): string {
  const e = extensionSql(ix);
  return e ? `${e}${terminator}\n` : '';
}

/** The statements of a migration's up: the extension the index needs, then the CREATE INDEX. */
function upStatements(ix: MigrationIndex): string[] {
  const e = extensionSql(ix);
  return e ? [e, createSql(ix)] : [createSql(ix)];
}

/** A JavaScript migration's flavour from its file extension: ES modules for .mjs and .ts, types for .ts. */
function jsFlavour(target: MigrationTarget): { ext: string; esm: boolean; ts: boolean } {
  const ext = target.ext ?? 'js';
  return { ext, esm: ext === 'mjs' || ext === 'ts', ts: ext === 'ts' };
}

/** Plain SQL folders: follow the naming of the files already there (timestamps, numbers, .up/.down pairs). */
function sqlMigration(target: MigrationTarget, ix: MigrationIndex, ctx: MigrationContext): MigrationOutput {
  const inDir = ctx.files.map((f) => f.replace(/\\/g, '/')).filter((f) => f.startsWith(target.dir + '/')).map((f) => f.slice(target.dir.length + 1)).filter((f) => !f.includes('/') && f.endsWith('.sql'));
  const upDown = inDir.some((f) => /\.up\.sql$/.test(f));
  const numbered = inDir.map((f) => /^(\d+)_/.exec(f)?.[1]).filter((x): x is string => !!x);
  let prefix: string;
  if (numbered.length && numbered.every((n) => n.length >= 12)) prefix = stamp14(ctx.now);
  else if (numbered.length) {
    const width = Math.max(...numbered.map((n) => n.length));
    prefix = String(Math.max(...numbered.map(Number)) + 1).padStart(width, '0');
  } else prefix = stamp14(ctx.now);
  const base = `${prefix}_add_${snake(ix.name)}`;
  const note = '-- CREATE INDEX CONCURRENTLY cannot run inside a transaction: run this file on its own, outside BEGIN/COMMIT.\n';
  const up = `${header(ix, '--')}${note}${extLine(ix)}${createSql(ix)};\n`;
  if (upDown) {
    return {
      kind: 'create', path: `${target.dir}/${base}.up.sql`, content: up, notes: [],
      extra: [{ path: `${target.dir}/${base}.down.sql`, content: `${dropSql(ix)};\n` }],
    };
  }
  if (target.runner === 'goose') {
    // goose reads its sections from annotations, and runs a file outside a transaction when it says so.
    return { kind: 'create', path: `${target.dir}/${base}.sql`, content: `-- +goose NO TRANSACTION\n-- +goose Up\n${header(ix, '--')}${extLine(ix)}${createSql(ix)};\n\n-- +goose Down\n${dropSql(ix)};\n`, notes: [] };
  }
  return { kind: 'create', path: `${target.dir}/${base}.sql`, content: up, notes: ['If your migration runner wraps each file in a transaction, drop CONCURRENTLY or configure the file to run outside one.'] };
}

/** Flyway: V<next>__add_<name>.sql, and a script config that runs it outside a transaction. */
function flywayMigration(target: MigrationTarget, ix: MigrationIndex, ctx: MigrationContext): MigrationOutput {
  const versions = ctx.files.map((f) => /(?:^|\/)V(\d+(?:[._]\d+)*)__[^/]+\.sql$/.exec(f)?.[1]).filter((x): x is string => !!x);
  const majors = versions.map((v) => Number(v.split(/[._]/)[0]));
  const timestampStyle = majors.length && majors.every((m) => String(m).length >= 12);
  const next = timestampStyle ? stamp14(ctx.now) : String((majors.length ? Math.max(...majors) : 0) + 1);
  const path = `${target.dir}/V${next}__add_${snake(ix.name)}.sql`;
  return {
    kind: 'create', path,
    content: `${header(ix, '--')}${extLine(ix)}${createSql(ix)};\n`,
    notes: ['Flyway runs this script outside a transaction because of its .conf file (executeInTransaction=false).'],
    extra: [{ path: `${path}.conf`, content: 'executeInTransaction=false\n' }],
  };
}

/** The statement without CONCURRENTLY, for a migration that runs inside a transaction. */
function withoutConcurrently(sql: string): string {
  return sql.replace(/^(CREATE(?: UNIQUE)? INDEX|DROP INDEX) CONCURRENTLY /, '$1 ');
}

/** A JavaScript migration: the header, the tool's preamble, then `up` (extension, CREATE INDEX) and `down` (DROP INDEX) as `fn` writes them. */
function jsMigrationText(ix: MigrationIndex, preamble: string[], fn: (name: 'up' | 'down', sqls: string[]) => string): string {
  return [header(ix, '//'), ...preamble, fn('up', upStatements(ix)), '\n', fn('down', [dropSql(ix)])].join('');
}

/** Knex: a timestamped migration with transactions turned off for CONCURRENTLY. */
function knexMigration(target: MigrationTarget, ix: MigrationIndex, ctx: MigrationContext): MigrationOutput {
  const { ext, esm, ts } = jsFlavour(target);
  const path = `${target.dir}/${stamp14(ctx.now)}_add_${snake(ix.name)}.${ext}`;
  const branch = projectDbTypeBranch(target, ctx, 'knex', /\.(ts|js|cjs|mjs)$/);
  const body = (fn: string, sqls: string[]) => `${esm ? 'export async function' : 'exports.' + fn + ' = async function'} ${esm ? fn : ''}(knex${ts ? ': Knex' : ''})${ts ? ': Promise<void>' : ''} {\n${branchedLines(sqls.map((s) => `await knex.raw(${jsString(s)});`), '  ', '  ', branch)}\n}${esm ? '' : ';'}\n`;
  const preamble = [
    ts ? "import type { Knex } from 'knex';\n" : '',
    ...(branch?.imports ?? []).map((l) => `${l}\n`),
    ts || branch?.imports.length ? '\n' : '',
    '// CREATE INDEX CONCURRENTLY cannot run inside a transaction.\n',
    esm ? 'export const config = { transaction: false };\n\n' : 'exports.config = { transaction: false };\n\n',
  ];
  return { kind: 'create', path, content: jsMigrationText(ix, preamble, body), notes: branchNote(branch) };
}

/** node-pg-migrate: millisecond-timestamped file, pgm.noTransaction() for CONCURRENTLY. */
function nodePgMigrate(target: MigrationTarget, ix: MigrationIndex, ctx: MigrationContext): MigrationOutput {
  const { ext, esm, ts } = jsFlavour(target);
  const path = `${target.dir}/${ctx.now.getTime()}_add-${snake(ix.name).replace(/_/g, '-')}.${ext}`;
  const fn = (name: string, sqls: string[]) =>
    `${esm ? `export const ${name} = ` : `exports.${name} = `}(pgm${ts ? ': MigrationBuilder' : ''})${ts ? ': void' : ''} => {\n  pgm.noTransaction();\n${sqls.map((s) => `  pgm.sql(${jsString(s)});`).join('\n')}\n};\n`;
  const preamble = [ts ? "import type { MigrationBuilder } from 'node-pg-migrate';\n\n" : ''];
  return { kind: 'create', path, content: jsMigrationText(ix, preamble, fn), notes: [] };
}

/**
 * db-migrate: `YYYYMMDDHHMMSS-name.js` with `db.runSql(sql, cb)` up and down, as its own files are written. db-migrate
 * runs every migration inside a transaction (unless the whole run is `--non-transactional`), where CREATE INDEX
 * CONCURRENTLY fails, so the file builds the index plainly and the note says what that costs and how to avoid it.
 */
function dbMigrate(target: MigrationTarget, ix: MigrationIndex, ctx: MigrationContext): MigrationOutput {
  const path = `${target.dir}/${stamp14(ctx.now)}-add-${snake(ix.name).replace(/_/g, '-')}.${target.ext ?? 'js'}`;
  // One runSql per statement, each after the last.
  const chain = (sqls: string[], pad: string): string =>
    sqls.length === 1 ? `${pad}db.runSql(${jsString(withoutConcurrently(sqls[0]))}, cb);\n` : `${pad}db.runSql(${jsString(withoutConcurrently(sqls[0]))}, (err) => {\n${pad}  if (err) return cb(err);\n${chain(sqls.slice(1), pad + '  ')}${pad}});\n`;
  const fn = (name: string, sqls: string[]) => `exports.${name} = function (db, cb) {\n${chain(sqls, '  ')}};\n`;
  return {
    kind: 'create',
    path,
    content: jsMigrationText(ix, ["'use strict';\n\n", '// db-migrate runs each migration in a transaction, where CREATE INDEX CONCURRENTLY cannot run.\n'], fn),
    notes: ['db-migrate runs each migration in a transaction, so this builds the index without CONCURRENTLY: writes to the table wait while it builds. On a large live table, add CONCURRENTLY and run this migration alone with `db-migrate up --non-transactional`.'],
  };
}

/**
 * sequelize-cli: `YYYYMMDDHHMMSS-name.js` with `up`/`down` as its skeleton writes them. The index's own statement through
 * queryInterface.sequelize.query: queryInterface.addIndex cannot write INCLUDE, and takes a partial predicate or an
 * expression key only rebuilt from objects, so the proved definition would not be kept exactly. sequelize-cli runs a
 * migration outside a transaction unless the migration opens one, so CONCURRENTLY works as written.
 */
function sequelizeMigration(target: MigrationTarget, ix: MigrationIndex, ctx: MigrationContext): MigrationOutput {
  const { ext, esm, ts } = jsFlavour(target);
  const path = `${target.dir}/${stamp14(ctx.now)}-add-${snake(ix.name).replace(/_/g, '-')}.${ext}`;
  const branch = projectDbTypeBranch(target, ctx, 'queryInterface', /\.(ts|js|cjs|mjs)$/);
  const fn = (name: string, sqls: string[]) =>
    `  async ${name}(queryInterface${ts ? ': QueryInterface' : ''})${ts ? ': Promise<void>' : ''} {\n${branchedLines(sqls.map((s) => `await queryInterface.sequelize.query(${jsString(s)});`), '    ', '  ', branch)}\n  },\n`;
  const preamble = [
    esm ? '' : "'use strict';\n\n",
    ts ? "import type { QueryInterface } from 'sequelize';\n" : '',
    ...(branch?.imports ?? []).map((l) => `${l}\n`),
    ts || branch?.imports.length ? '\n' : '',
    '// CREATE INDEX CONCURRENTLY cannot run inside a transaction: sequelize-cli runs a migration outside one (do not wrap this in a transaction).\n',
    esm ? 'export default {\n' : "/** @type {import('sequelize-cli').Migration} */\nmodule.exports = {\n",
  ];
  return {
    kind: 'create', path, content: `${jsMigrationText(ix, preamble, fn)}};\n`,
    notes: [...branchNote(branch), "The migration runs the index's own statement, because queryInterface.addIndex cannot write INCLUDE or keep a partial or expression index exactly. Declare the index in the model's `indexes` too if you sync the schema from the models."],
  };
}

/** How the project's own migrations pick their statements by database type (person15: Traduora's `switch (config.db.default.type) { case DbType.POSTGRES: … }`). */
interface DbTypeBranch {
  form: 'switch' | 'if';
  /** What is compared: `config.db.default.type`, `queryRunner.connection.options.type` (its runner renamed to the new file's). */
  discriminant: string;
  /** PostgreSQL's label as the project writes it: `DbType.POSTGRES`, `'postgres'`. */
  pg: string;
  /** The example's import / require lines the discriminant and the label need (the new file goes in the same folder). */
  imports: string[];
  /** The migration it was read from. */
  from: string;
}

const PG_LABEL = String.raw`(?:["'\x60](?:postgres|postgresql|pg|postgis|cockroachdb)["'\x60]|[A-Za-z_$][\w$]*\.(?:POSTGRES(?:QL)?|Postgres(?:ql|QL)?|PG|Pg))`;
const OTHER_LABEL = String.raw`(?:["'\x60](?:mysql2?|mariadb|sqlite3?|better-sqlite3|mssql|oracle|sqljs|sap|spanner)["'\x60]|[A-Za-z_$][\w$]*\.(?:MYSQL|MySql|Mysql|MARIADB|MariaDb|SQLITE|Sqlite|BETTER_SQLITE3|BetterSqlite3|MSSQL|MsSql|ORACLE))`;
const DISCRIMINANT = String.raw`[A-Za-z_$][\w$]*(?:\(\))?(?:\.[A-Za-z_$][\w$]*(?:\(\))?)*`;

/**
 * The database-type branch of one migration's text, if it has one: a `switch` on an expression with a PostgreSQL case
 * and another database's, or `if (x === 'postgres')` / `x === 'mysql'` comparisons of one expression. `param`: the
 * runner parameter of the new file (`queryRunner`, `knex`, `queryInterface`), which a root the file neither imports nor
 * declares at its top (the example's own parameter) is renamed to.
 */
function dbTypeBranchOf(text: string, from: string, param: string): DbTypeBranch | undefined {
  let found: { form: 'switch' | 'if'; discriminant: string; pg: string } | undefined;
  for (const m of text.matchAll(new RegExp(String.raw`switch\s*\(\s*(${DISCRIMINANT})\s*\)\s*\{`, 'g'))) {
    const body = text.slice(m.index! + m[0].length, m.index! + m[0].length + 20_000);
    const pg = new RegExp(String.raw`case\s+(${PG_LABEL})\s*:`).exec(body);
    if (pg && (new RegExp(String.raw`case\s+${OTHER_LABEL}\s*:`).test(body) || /type|dialect|client|driver/i.test(m[1]))) {
      found = { form: 'switch', discriminant: m[1], pg: pg[1] };
      break;
    }
  }
  if (!found) {
    const cmp = (label: string) => new RegExp(String.raw`(${DISCRIMINANT})\s*===?\s*(${label})|(${label})\s*===?\s*(${DISCRIMINANT})`, 'g');
    const pgs = [...text.matchAll(cmp(PG_LABEL))].map((m) => ({ x: m[1] ?? m[4], label: m[2] ?? m[3] }));
    const others = new Set([...text.matchAll(cmp(OTHER_LABEL))].map((m) => m[1] ?? m[4]));
    const hit = pgs.find((p) => p.x && p.label && (others.has(p.x) || /type|dialect|client|driver/i.test(p.x)));
    if (hit) found = { form: 'if', discriminant: hit.x, pg: hit.label };
  }
  if (!found) return undefined;
  const roots = [found.discriminant, found.pg].map((x) => /^[A-Za-z_$][\w$]*/.exec(x)?.[0]).filter((r): r is string => !!r);
  const imports: string[] = [];
  let discriminant = found.discriminant;
  for (const root of new Set(roots)) {
    const imp = text.split('\n').find((l) => new RegExp(String.raw`^\s*(?:import\b[^;]*\b${root.replace(/\$/g, '\\$')}\b[^;]*\bfrom\s*['"][^'"]+['"];?|(?:const|let|var)\s+(?:\{[^}]*\b${root.replace(/\$/g, '\\$')}\b[^}]*\}|${root.replace(/\$/g, '\\$')})\s*=\s*require\(\s*['"][^'"]+['"]\s*\)(?:\.[\w$]+)*;?)\s*$`).test(l));
    if (imp) imports.push(imp.trim());
    else if (root === found.discriminant.split('.')[0] && !new RegExp(String.raw`^(?:const|let|var|function|class)\s+${root.replace(/\$/g, '\\$')}\b`, 'm').test(text)) discriminant = param + found.discriminant.slice(root.length);
    else if (root !== found.discriminant.split('.')[0] && !/^["'`]/.test(found.pg)) return undefined; // an enum it cannot import
  }
  return { ...found, discriminant, imports, from };
}

/**
 * The branch the project's newest migrations in the target folder use (at least half of the last five read), so a new
 * migration follows it; undefined when they do not branch, or their texts were not read.
 */
function projectDbTypeBranch(target: MigrationTarget, ctx: MigrationContext, param: string, ext: RegExp): DbTypeBranch | undefined {
  if (!ctx.fileText) return undefined;
  const newest = ctx.files.filter((f) => f.startsWith(target.dir + '/') && !f.slice(target.dir.length + 1).includes('/') && ext.test(f)).sort().slice(-5);
  const read = newest.map((f) => ({ f, text: ctx.fileText!(f) })).filter((x): x is { f: string; text: string } => x.text !== undefined);
  if (!read.length) return undefined;
  const branches = read.map((x) => dbTypeBranchOf(x.text, x.f, param));
  if (branches.filter(Boolean).length * 2 < read.length) return undefined;
  return [...branches].reverse().find(Boolean);
}

/** Statement lines (without indentation) under the project's branch: PostgreSQL's case or `if` only; others get nothing. */
function branchedLines(lines: string[], pad: string, unit: string, b: DbTypeBranch | undefined): string {
  if (!b) return lines.map((l) => `${pad}${l}`).join('\n');
  if (b.form === 'if') return [`${pad}if (${b.discriminant} === ${b.pg}) {`, ...lines.map((l) => `${pad}${unit}${l}`), `${pad}}`].join('\n');
  return [
    `${pad}switch (${b.discriminant}) {`,
    `${pad}${unit}case ${b.pg}:`,
    ...lines.map((l) => `${pad}${unit}${unit}${l}`),
    `${pad}${unit}${unit}break;`,
    `${pad}${unit}default:`,
    `${pad}${unit}${unit}// PG Lens proved this index on PostgreSQL only: other databases get no index from this migration.`,
    `${pad}${unit}${unit}break;`,
    `${pad}}`,
  ].join('\n');
}

/** The note of a migration written under the project's database-type branch. */
function branchNote(b: DbTypeBranch | undefined): string[] {
  return b ? [`Written like ${b.from}: the statements run under its ${b.form === 'switch' ? `\`case ${b.pg}\`` : `\`if (${b.discriminant} === ${b.pg})\``} branch; other databases get no index from it.`] : [];
}

/**
 * TypeORM: `<ms>-AddName.ts` with a MigrationInterface class. `transaction = false` with CONCURRENTLY only when the
 * project runs migrations one transaction each or none (`migrationsTransactionMode` / `--transaction`): in TypeORM's
 * default mode (one transaction for all) it refuses that override, so there the index is built plainly inside the
 * migration's transaction and the note says how to build it without blocking writes.
 */
function typeormMigration(target: MigrationTarget, ix: MigrationIndex, ctx: MigrationContext): MigrationOutput {
  const ts = (target.ext ?? 'ts') === 'ts';
  const stamp = ctx.now.getTime();
  const cls = `Add${camel(ix.name)}${stamp}`;
  const path = `${target.dir}/${stamp}-Add${camel(ix.name)}.${ts ? 'ts' : 'js'}`;
  const outside = !!target.outsideTransaction;
  const branch = projectDbTypeBranch(target, ctx, 'queryRunner', /\.(ts|js)$/);
  const fn = (name: string, sqls: string[]) =>
    `    ${ts ? 'public ' : ''}async ${name}(queryRunner${ts ? ': QueryRunner' : ''})${ts ? ': Promise<void>' : ''} {\n${branchedLines(sqls.map((s) => `await queryRunner.query(${jsString(outside ? s : withoutConcurrently(s))});`), '        ', '    ', branch)}\n    }\n`;
  const preamble = [
    ts ? "import { MigrationInterface, QueryRunner } from 'typeorm';\n" : '',
    ...(branch?.imports ?? []).map((l) => `${l}\n`),
    ts || branch?.imports.length ? '\n' : '',
    ts ? `export class ${cls} implements MigrationInterface {\n` : `module.exports = class ${cls} {\n`,
    `    name = '${cls}';\n`,
    outside
      ? '    // CREATE INDEX CONCURRENTLY cannot run inside a transaction (the project runs migrations one transaction each).\n    transaction = false;\n\n'
      : "    // Inside the migration's transaction (TypeORM's migrationsTransactionMode 'all'): no CONCURRENTLY.\n\n",
  ];
  return {
    kind: 'create', path, content: `${jsMigrationText(ix, preamble, fn)}}${ts ? '' : ';'}\n`,
    notes: [...branchNote(branch), ...(outside ? [] : ["The project runs TypeORM migrations in one transaction (migrationsTransactionMode 'all', the default), which refuses `transaction = false`, so this builds the index without CONCURRENTLY: writes to the table wait while it builds. On a large live table, set `migrationsTransactionMode: 'each'` in the data source (or run `migration:run --transaction each`), then use CREATE INDEX CONCURRENTLY with `transaction = false` in the migration."])],
  };
}

/**
 * MikroORM: `Migration<YYYYMMDDHHMMSS>.ts` extending Migration, addSql per statement. isTransactional() false with
 * CONCURRENTLY only when the project sets `allOrNothing: false` (by default MikroORM wraps all pending migrations in one
 * master transaction); otherwise the index is built plainly inside the transaction and the note says how to avoid that.
 */
function mikroOrmMigration(target: MigrationTarget, ix: MigrationIndex, ctx: MigrationContext): MigrationOutput {
  const ts = (target.ext ?? 'ts') === 'ts';
  const cls = `Migration${stamp14(ctx.now)}`;
  const path = `${target.dir}/${cls}.${ts ? 'ts' : 'js'}`;
  const outside = !!target.outsideTransaction;
  const fn = (name: string, sqls: string[]) =>
    `  ${ts ? 'override ' : ''}async ${name}()${ts ? ': Promise<void>' : ''} {\n${sqls.map((s) => `    this.addSql(${jsString(outside ? s : withoutConcurrently(s))});`).join('\n')}\n  }\n`;
  const preamble = [
    ts ? "import { Migration } from '@mikro-orm/migrations';\n\n" : "'use strict';\n\nconst { Migration } = require('@mikro-orm/migrations');\n\n",
    `${ts ? 'export ' : ''}class ${cls} extends Migration {\n`,
    outside
      ? `  // CREATE INDEX CONCURRENTLY cannot run inside a transaction (the project sets allOrNothing: false).\n  ${ts ? 'override ' : ''}isTransactional()${ts ? ': boolean' : ''} {\n    return false;\n  }\n\n`
      : "  // Inside MikroORM's migration transaction (allOrNothing, the default): no CONCURRENTLY.\n\n",
  ];
  return {
    kind: 'create', path, content: `${jsMigrationText(ix, preamble, fn)}}\n${ts ? '' : `\nexports.${cls} = ${cls};\n`}`,
    notes: outside ? [] : ['MikroORM wraps all pending migrations in one transaction (migrations.allOrNothing, the default), so this builds the index without CONCURRENTLY: writes to the table wait while it builds. On a large live table, set `allOrNothing: false` in the migrations config, then use CREATE INDEX CONCURRENTLY with isTransactional() returning false.'],
  };
}

/** Django's limit on an index name in Meta.indexes (models.Index.max_name_length; system check models.E034). */
const DJANGO_INDEX_NAME_MAX = 30;

/**
 * The index as Django's models.Index, when Django can state it and the model is known for sure: a b-tree on plain
 * columns (`-col` for DESC, INCLUDE as include=), no predicate, no operator class or extension, in public, on a table
 * named the way Django names a model's table (`<app>_<model>`) whose model class the app's models.py declares (read
 * from `<app>/models.py`; without it, undefined). Then the migration is AddIndexConcurrently and Meta.indexes can hold
 * the same index, so makemigrations stays consistent (issue 20, person17 LOW 7: RunSQL left Django's model state out).
 */
function djangoIndex(target: MigrationTarget, ix: MigrationIndex, ctx: MigrationContext): { model: string; cls: string; index: string; name: string } | undefined {
  const app = target.app;
  if (!app || ix.method !== 'btree' || ix.where || ix.needsExtension || ix.schema !== 'public' || /[a-z_]+_ops/.test(ix.ddl)) return undefined;
  const prefix = `${app.toLowerCase()}_`;
  if (!ix.table.startsWith(prefix)) return undefined;
  const model = ix.table.slice(prefix.length);
  const models = ctx.fileText?.(`${target.dir.replace(/\/?migrations$/, '')}/models.py`);
  const cls = models && [...models.matchAll(/^class\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/gm)].map((m) => m[1]).find((c) => c.toLowerCase() === model);
  // A model with its own db_table may name another table: only the default name is taken for sure.
  if (!cls || /\bdb_table\s*=/.test(models!)) return undefined;
  const fields: string[] = [];
  for (const c of ix.columns) {
    const m = /^([a-z_][a-z0-9_]*)( DESC)?$/.exec(c);
    if (!m) return undefined;
    fields.push(`${m[2] ? '-' : ''}${m[1]}`);
  }
  if (ix.include.some((c) => !/^[a-z_][a-z0-9_]*$/.test(c))) return undefined;
  const name = ix.name.length <= DJANGO_INDEX_NAME_MAX ? ix.name : `${ix.name.slice(0, DJANGO_INDEX_NAME_MAX - 11).replace(/_+$/, '')}_${shortHash(ix.name).slice(0, 6)}_idx`;
  const index = `models.Index(fields=[${fields.map(pyString).join(', ')}], ${ix.include.length ? `include=[${ix.include.map(pyString).join(', ')}], ` : ''}name=${pyString(name)})`;
  return { model, cls, index, name };
}

/**
 * Django: AddIndexConcurrently (django.contrib.postgres) with the index for Meta.indexes when Django can state it
 * (djangoIndex), else RunSQL; either way in a non-atomic migration that depends on the app's latest one.
 */
function djangoMigration(target: MigrationTarget, ix: MigrationIndex, ctx: MigrationContext): MigrationOutput {
  const inDir = ctx.files.filter((f) => f.startsWith(target.dir + '/')).map((f) => f.slice(target.dir.length + 1)).filter((f) => /^\d{4}_[^/]+\.py$/.test(f)).sort();
  const last = inDir[inDir.length - 1];
  const next = String((last ? Number(last.slice(0, 4)) : 0) + 1).padStart(4, '0');
  const name = `${next}_add_${snake(ix.name)}`.slice(0, 80);
  const app = target.app ?? 'app';
  const ops: string[] = [];
  const modelIndex = djangoIndex(target, ix, ctx);
  const extension = extensionSql(ix);
  if (extension) ops.push(`        migrations.RunSQL(\n            sql=${pyString(extension)},\n            reverse_sql=migrations.RunSQL.noop,\n        ),`);
  if (modelIndex) ops.push(`        AddIndexConcurrently(\n            model_name=${pyString(modelIndex.model)},\n            index=${modelIndex.index},\n        ),`);
  else ops.push(`        migrations.RunSQL(\n            sql=${pyString(createSql(ix))},\n            reverse_sql=${pyString(dropSql(ix))},\n        ),`);
  const content = [
    header(ix, '#'),
    modelIndex ? 'from django.contrib.postgres.operations import AddIndexConcurrently\nfrom django.db import migrations, models\n\n\n' : 'from django.db import migrations\n\n\n',
    'class Migration(migrations.Migration):\n',
    '    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.\n',
    '    atomic = False\n\n',
    `    dependencies = [${last ? `\n        (${pyString(app)}, ${pyString(last.replace(/\.py$/, ''))}),\n    ` : ''}]\n\n`,
    '    operations = [\n',
    ops.join('\n') + '\n',
    '    ]\n',
  ].join('');
  const notes = modelIndex
    ? [`Add the same index to ${modelIndex.cls}'s Meta.indexes — indexes = [${modelIndex.index}] — so makemigrations does not write a migration removing it (AddIndexConcurrently: Django 3.0+).`]
    : ['RunSQL does not change Django\'s model state; add the index to Meta.indexes too if you want makemigrations to know about it.'];
  return { kind: 'create', path: `${target.dir}/${name}.py`, content, notes };
}

/** Rails: add_index with algorithm: :concurrently and disable_ddl_transaction!. */
function railsMigration(target: MigrationTarget, ix: MigrationIndex, ctx: MigrationContext): MigrationOutput {
  const cls = `Add${camel(ix.name)}`;
  const path = `${target.dir}/${stamp14(ctx.now)}_add_${snake(ix.name)}.rb`;
  const table = ix.schema === 'public' ? rubySym(ix.table) : rubyStr(`${ix.schema}.${ix.table}`);
  const plainCols = ix.columns.map((c) => c.replace(/ DESC$/, ''));
  const isExpr = plainCols.some((c) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(c));
  const opclass = /\b(jsonb_path_ops|gin_trgm_ops|text_pattern_ops|varchar_pattern_ops)\b/.exec(ix.ddl)?.[1];
  const cols = isExpr ? rubyStr(ix.columns.join(', ')) : plainCols.length === 1 ? rubySym(plainCols[0]) : `[${plainCols.map(rubySym).join(', ')}]`;
  const opts: string[] = [`name: ${rubyStr(ix.name)}`];
  const desc = ix.columns.filter((c) => / DESC$/.test(c)).map((c) => c.replace(/ DESC$/, ''));
  if (desc.length && !isExpr) opts.push(`order: { ${desc.map((c) => `${rubyKey(c)} :desc`).join(', ')} }`);
  if (ix.method !== 'btree') opts.push(`using: :${ix.method}`);
  if (opclass && !isExpr) opts.push(`opclass: :${opclass}`);
  if (ix.include.length) opts.push(`include: [${ix.include.map(rubySym).join(', ')}]`);
  if (ix.where) opts.push(`where: ${rubyStr(ix.where)}`);
  opts.push('algorithm: :concurrently');
  const lines = [
    header(ix, '#'),
    `class ${cls} < ActiveRecord::Migration[${target.railsVersion ?? '7.1'}]\n`,
    '  # CREATE INDEX CONCURRENTLY cannot run inside a transaction.\n',
    '  disable_ddl_transaction!\n\n',
    '  def change\n',
    ix.needsExtension ? `    enable_extension ${rubyStr(ix.needsExtension)}\n` : '',
    `    add_index ${table}, ${cols}, ${opts.join(', ')}\n`,
    '  end\n',
    'end\n',
  ];
  return { kind: 'create', path, content: lines.join(''), notes: [] };
}

/** Prisma: @@index in the model when Prisma can express it; otherwise a SQL migration under prisma/migrations. */
function prismaMigration(target: MigrationTarget, ix: MigrationIndex, ctx: MigrationContext): MigrationOutput {
  const schemaPath = target.dir;
  const text = ctx.fileText?.(schemaPath);
  const expressible = !ix.where && !ix.columns.some((c) => !/^[A-Za-z_][A-Za-z0-9_]*( DESC)?$/.test(c)) && ['btree', 'gin', 'brin', 'hash', 'gist'].includes(ix.method);
  if (text && expressible) {
    const edit = addPrismaIndex(text, ix);
    if (edit) {
      const line = edit.split('\n').findIndex((l) => l.includes(`map: "${ix.name}"`));
      return {
        kind: 'edit', path: schemaPath, content: edit, ...(line >= 0 ? { line } : {}),
        notes: ['Run `prisma migrate dev --create-only`, then add CONCURRENTLY to the generated CREATE INDEX (Prisma writes it without) before applying it on a busy table.'],
      };
    }
  }
  const dir = schemaPath.replace(/[^/]*$/, '') + 'migrations';
  return {
    kind: 'create',
    path: `${dir}/${stamp14(ctx.now)}_add_${snake(ix.name)}/migration.sql`,
    content: `${header(ix, '--')}-- Prisma's @@index cannot express this index (partial or expression), so it is plain SQL.\n-- Keep it the only statement in the file: CREATE INDEX CONCURRENTLY cannot run in a transaction.\n${extLine(ix)}${createSql(ix)};\n`,
    notes: ['Prisma will not know this index from schema.prisma; `prisma migrate diff` may propose dropping it unless the schema says the same.'],
  };
}

/** Insert @@index([...]) into the model mapped to the table; undefined when the model is not found. */
export function addPrismaIndex(schema: string, ix: MigrationIndex): string | undefined {
  for (const model of prismaModels(schema)) {
    if (model.table !== ix.table && !(model.table === model.name && model.name.toLowerCase() === ix.table.toLowerCase())) continue;
    if (ix.schema !== 'public' && model.schema !== ix.schema) continue;
    // Column → field (through @map("column")).
    const fields = new Map(model.fields.map((f) => [f.column, f.name]));
    const opclass = /\b(jsonb_path_ops|gin_trgm_ops|text_pattern_ops|varchar_pattern_ops)\b/.exec(ix.ddl)?.[1];
    const prismaOps: Record<string, string> = { jsonb_path_ops: 'JsonbPathOps', gin_trgm_ops: 'raw("gin_trgm_ops")', text_pattern_ops: 'raw("text_pattern_ops")', varchar_pattern_ops: 'raw("varchar_pattern_ops")' };
    const parts: string[] = [];
    for (const c of ix.columns) {
      const desc = / DESC$/.test(c);
      const col = c.replace(/ DESC$/, '');
      const field = fields.get(col);
      if (!field) return undefined;
      const args = [desc ? 'sort: Desc' : '', opclass ? `ops: ${prismaOps[opclass]}` : ''].filter(Boolean);
      parts.push(args.length ? `${field}(${args.join(', ')})` : field);
    }
    const attrs = [`[${parts.join(', ')}]`];
    if (ix.method !== 'btree') attrs.push(`type: ${ix.method[0].toUpperCase()}${ix.method.slice(1)}`);
    attrs.push(`map: "${ix.name}"`);
    if (ix.include.length) return undefined; // Prisma has no INCLUDE
    return insertBlockAttribute(schema, model.start, model.end - 1, `@@index(${attrs.join(', ')})`);
  }
  return undefined;
}

/** `prisma format`'s order of a model's block attributes (Prisma 7): @@id, @@unique, @@index, …, @@map, @@ignore, @@schema. */
const BLOCK_ATTRIBUTE_RANK: Record<string, number> = { id: 0, unique: 1, index: 2, fulltext: 3, map: 4, ignore: 5, schema: 6 };

/**
 * A block attribute written into a model (its `{` … `}` from `start` to the closing brace at `close`) where `prisma
 * format` leaves it, so a formatted schema stays formatted (person12 R5: `prisma format --check` failed after Add
 * migration): in the model's own indentation; after the @@id/@@unique/@@index lines, before @@map/@@ignore/@@schema
 * (and the comments right above them); in a model with none yet, after its fields and one blank line.
 */
function insertBlockAttribute(schema: string, start: number, close: number, attribute: string): string {
  const open = schema.indexOf('\n', start) + 1;
  const lines = schema.slice(open, close).replace(/\n$/, '').split('\n');
  const indent = lines.find((l) => /^\s+\w/.test(l) && !/^\s*\/\//.test(l))?.match(/^\s*/)?.[0] ?? '  ';
  const rank = BLOCK_ATTRIBUTE_RANK.index;
  // The block attributes (one line each, as Prisma requires) and their rank.
  const blocks: { first: number; last: number; rank: number }[] = [];
  lines.forEach((l, i) => {
    const a = /^\s*@@(\w+)/.exec(l);
    if (a) blocks.push({ first: i, last: i, rank: BLOCK_ATTRIBUTE_RANK[a[1]] ?? 3 });
  });
  const line = `${indent}${attribute}`;
  let out: string[];
  const after = blocks.filter((b) => b.rank <= rank).pop();
  if (after) out = [...lines.slice(0, after.last + 1), line, ...lines.slice(after.last + 1)];
  else if (blocks.length) {
    // Before the first later attribute and the comments that go with it.
    let at = blocks[0].first;
    while (at > 0 && /^\s*\/\//.test(lines[at - 1])) at--;
    out = [...lines.slice(0, at), line, ...lines.slice(at)];
  } else {
    let end = lines.length;
    while (end > 0 && !lines[end - 1].trim()) end--;
    out = [...lines.slice(0, end), '', line, ...lines.slice(end)];
  }
  return schema.slice(0, open) + out.join('\n') + '\n' + schema.slice(close);
}

function jsString(s: string): string {
  return '`' + s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
}

function pyString(s: string): string {
  return JSON.stringify(s);
}

function rubyStr(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/#\{/g, '\\#{')}"`;
}

function rubySym(s: string): string {
  return /^[a-z_][a-zA-Z0-9_]*$/.test(s) ? `:${s}` : `:${rubyStr(s)}`;
}

function rubyKey(s: string): string {
  return /^[a-z_][a-zA-Z0-9_]*$/.test(s) ? `${s}:` : `${rubyStr(s)}:`;
}
