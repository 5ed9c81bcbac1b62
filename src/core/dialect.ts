/**
 * Which database an app's SQL is written for. PostgreSQL advice (the query rules) is not given for
 * another dialect's SQL; a file skipped for that reason gets one hint saying so and why.
 *  - by path: apps that support several databases keep one folder or file per driver
 *    (`store/db/mysql/…`, `migration/sqlite/…`, `user_mysql.go`);
 *  - by the project's configuration and drivers (projectDialect): package.json dependencies, a Prisma
 *    datasource provider, Rails' database.yml adapter and Gemfile, Django's DATABASES ENGINE and
 *    Python requirements, go.mod, JDBC URLs, Maven/Gradle dependencies. A project that names
 *    PostgreSQL anywhere is analysed; one that names only other databases is not;
 *  - by the file's own driver imports (a script importing `sqlite3` only, a Go file importing only
 *    the MySQL driver).
 * Pure: the node side reads the files named by PROJECT_CONFIG_FILES and passes their text in.
 */
import { countOf } from './format';
const OTHER_DIALECT = /(^|[/_.-])(mysql|mariadb|sqlite3?|mssql|sqlserver|oracle|h2|hsqldb|clickhouse|cockroach)([/_.-]|$)/i;

export type Dialect = 'postgresql' | 'other';

export interface DialectVerdict {
  dialect: Dialect;
  /** The other database, by name (MySQL, SQLite…). */
  name?: string;
  /** Where it was read: `Gemfile: sqlite3`, `go.mod: github.com/go-sql-driver/mysql`, a path. */
  evidence?: string;
}

const DISPLAY: Record<string, string> = { mysql: 'MySQL', mariadb: 'MariaDB', sqlite: 'SQLite', sqlite3: 'SQLite', mssql: 'SQL Server', sqlserver: 'SQL Server', oracle: 'Oracle', h2: 'H2', hsqldb: 'HSQLDB', clickhouse: 'ClickHouse', cockroach: 'CockroachDB', mongodb: 'MongoDB' };
const display = (n: string) => DISPLAY[n.toLowerCase()] ?? n;

/**
 * Functions PostgreSQL does not have that another database's SQL calls: a statement calling one is that database's (a
 * branch of an app that runs on PostgreSQL or SQLite: `DELETE FROM event_search WHERE typeof(value) != 'text'` on
 * SQLite only). PostgreSQL would reject it (`function typeof(text) does not exist`).
 */
const OTHER_DATABASE_FUNCTIONS: Record<string, string> = {
  typeof: 'SQLite', julianday: 'SQLite', strftime: 'SQLite', unixepoch: 'SQLite', last_insert_rowid: 'SQLite', ifnull: 'SQLite or MySQL',
  instr: 'SQLite or MySQL', group_concat: 'SQLite or MySQL', date_format: 'MySQL', unix_timestamp: 'MySQL', from_unixtime: 'MySQL',
  find_in_set: 'MySQL', last_insert_id: 'MySQL', curdate: 'MySQL',
};

/** The database a statement is written for when it calls a function PostgreSQL does not have (outside strings). */
export function otherDatabaseFunction(sql: string): { fn: string; database: string } | undefined {
  const code = sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"/g, ' ');
  const m = /(?<![\w$."])([a-z_]+)\s*\(/gi;
  for (let x = m.exec(code); x; x = m.exec(code)) {
    const db = OTHER_DATABASE_FUNCTIONS[x[1].toLowerCase()];
    if (db) return { fn: x[1], database: db };
  }
  return undefined;
}

/** 'other' when the path names another database; otherwise PostgreSQL is assumed. */
export function dialectOfPath(file: string): { dialect: Dialect; name?: string } {
  const m = OTHER_DIALECT.exec(file.replace(/\\/g, '/'));
  return m ? { dialect: 'other', name: m[2].toLowerCase() } : { dialect: 'postgresql' };
}

/** File names (or path suffixes) whose text says which database a project uses, for the node side to read. */
export const PROJECT_CONFIG_FILES: readonly RegExp[] = [
  /(^|\/)package\.json$/,
  /(^|\/)schema\.prisma$/,
  /(^|\/)config\/database\.yml(\.sample|\.example)?$/,
  /(^|\/)Gemfile$/,
  /(^|\/)settings(\/[\w-]+)?\.py$|(^|\/)settings\/[\w-]+\.py$/,
  /(^|\/)(requirements[\w.-]*\.txt|pyproject\.toml|Pipfile)$/,
  /(^|\/)go\.mod$/,
  /(^|\/)application[\w-]*\.(properties|ya?ml)$/,
  /(^|\/)(pom\.xml|build\.gradle(\.kts)?)$/,
];

type Family = 'postgresql' | string;

/** What one configuration file says: the database families it names, with the text that says so. */
function familiesIn(file: string, text: string): { family: Family; evidence: string }[] {
  const out: { family: Family; evidence: string }[] = [];
  const base = file.replace(/\\/g, '/');
  const add = (family: string, what: string) => out.push({ family, evidence: `${base}: ${what}` });
  const scan = (re: RegExp, familyOf: (m: RegExpExecArray) => string | undefined) => {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      const f = familyOf(m);
      if (f) add(f, m[0].trim().slice(0, 80));
    }
  };
  if (/package\.json$/.test(base)) {
    scan(/"(pg|postgres|slonik|pg-promise|@neondatabase\/serverless|@vercel\/postgres|mysql2?|@planetscale\/database|sqlite3|better-sqlite3|@libsql\/client|mssql|tedious|oracledb)"\s*:/g, (m) =>
      /^(pg|postgres|slonik|pg-promise|@neondatabase\/serverless|@vercel\/postgres)$/.test(m[1]) ? 'postgresql' : /mysql|planetscale/.test(m[1]) ? 'mysql' : /sqlite|libsql/.test(m[1]) ? 'sqlite' : /mssql|tedious/.test(m[1]) ? 'mssql' : 'oracle',
    );
  } else if (/schema\.prisma$/.test(base)) {
    const ds = /datasource\s+\w+\s*\{[^}]*\}/.exec(text)?.[0] ?? '';
    const p = /provider\s*=\s*"(\w+)"/.exec(ds)?.[1];
    if (p) add(p === 'postgresql' || p === 'postgres' || p === 'cockroachdb' ? 'postgresql' : p === 'sqlserver' ? 'mssql' : p, `provider = "${p}"`);
  } else if (/database\.yml/.test(base)) {
    scan(/adapter:\s*["']?(postgresql|postgis|mysql2|trilogy|sqlite3|sqlserver|oracle_enhanced)\b/g, (m) => (/^post/.test(m[1]) ? 'postgresql' : /mysql|trilogy/.test(m[1]) ? 'mysql' : /sqlite/.test(m[1]) ? 'sqlite' : m[1] === 'sqlserver' ? 'mssql' : 'oracle'));
  } else if (/Gemfile$/.test(base)) {
    scan(/^\s*gem\s+["'](pg|mysql2|trilogy|sqlite3|activerecord-sqlserver-adapter)["']/gm, (m) => (m[1] === 'pg' ? 'postgresql' : /mysql|trilogy/.test(m[1]) ? 'mysql' : m[1] === 'sqlite3' ? 'sqlite' : 'mssql'));
  } else if (/\.py$/.test(base)) {
    scan(/django\.db\.backends\.(postgresql|postgresql_psycopg2|postgis|mysql|sqlite3|oracle)\b|\b(postgres(?:ql)?(?:\+\w+)?|mysql(?:\+\w+)?|sqlite(?:\+\w+)?):\/\//g, (m) => {
      const k = (m[1] ?? m[2]).toLowerCase();
      return k.startsWith('post') ? 'postgresql' : k.startsWith('mysql') ? 'mysql' : k.startsWith('sqlite') ? 'sqlite' : 'oracle';
    });
  } else if (/(requirements[\w.-]*\.txt|pyproject\.toml|Pipfile)$/.test(base)) {
    scan(/(?:^|["'\s])(psycopg2?(?:-binary)?|psycopg\[?|asyncpg|pg8000|pymysql|mysqlclient|aiomysql|asyncmy|aiosqlite|cx[-_]oracle|oracledb|pyodbc)\b/gim, (m) => (/psycopg|asyncpg|pg8000/i.test(m[1]) ? 'postgresql' : /mysql|asyncmy/i.test(m[1]) ? 'mysql' : /sqlite/i.test(m[1]) ? 'sqlite' : /oracle/i.test(m[1]) ? 'oracle' : 'mssql'));
  } else if (/go\.mod$/.test(base)) {
    scan(/(github\.com\/lib\/pq|github\.com\/jackc\/pgx(?:\/v\d)?|github\.com\/go-sql-driver\/mysql|github\.com\/mattn\/go-sqlite3|modernc\.org\/sqlite|github\.com\/glebarez\/sqlite|github\.com\/denisenkom\/go-mssqldb|github\.com\/microsoft\/go-mssqldb)\b/g, (m) => (/pq|pgx/.test(m[1]) ? 'postgresql' : /mysql/.test(m[1]) ? 'mysql' : /sqlite/.test(m[1]) ? 'sqlite' : 'mssql'));
  } else if (/application[\w-]*\.(properties|ya?ml)$/.test(base)) {
    scan(/jdbc:(postgresql|mysql|mariadb|sqlite|h2|hsqldb|sqlserver|oracle)\b/g, (m) => (m[1] === 'postgresql' ? 'postgresql' : m[1] === 'mariadb' ? 'mysql' : m[1]));
    // Quarkus: `quarkus.datasource.db-kind=postgresql` (also per named datasource).
    scan(/\bdb-kind\s*[=:]\s*["']?(postgresql|pgsql|pg|mysql|mariadb|mssql|h2|oracle|db2|derby)\b/g, (m) => (/^(postgresql|pgsql|pg)$/.test(m[1]) ? 'postgresql' : m[1] === 'mariadb' ? 'mysql' : m[1]));
  } else if (/(pom\.xml|build\.gradle(\.kts)?)$/.test(base)) {
    // Drivers, and the Quarkus / Vert.x / R2DBC artifacts that bring them (`quarkus-jdbc-postgresql`, `vertx-pg-client`).
    scan(/\b(org\.postgresql|quarkus-(?:jdbc|reactive)-(?:postgresql|pg)(?:-client)?|vertx-pg-client|r2dbc-postgresql|mysql-connector-j(?:ava)?|mariadb-java-client|quarkus-jdbc-(?:mysql|mariadb|mssql|h2|oracle)|sqlite-jdbc|com\.h2database|hsqldb|mssql-jdbc|ojdbc\d*)\b/g, (m) =>
      /postgres|-pg-|pg-client/.test(m[1]) ? 'postgresql' : /mysql|mariadb/.test(m[1]) ? 'mysql' : /sqlite/.test(m[1]) ? 'sqlite' : /h2/.test(m[1]) ? 'h2' : /hsqldb/.test(m[1]) ? 'hsqldb' : /mssql/.test(m[1]) ? 'mssql' : 'oracle',
    );
  }
  return out;
}

/**
 * The project's database from its configuration files: PostgreSQL when any file names it (apps that
 * support several databases are analysed; their per-driver folders are left out by path), another
 * database when only others are named, unknown (undefined: PostgreSQL is assumed) when none is.
 */
export function projectDialect(configs: readonly { path: string; text: string }[]): DialectVerdict | undefined {
  const found = configs.flatMap((c) => familiesIn(c.path, c.text));
  if (!found.length) return undefined;
  const pg = found.find((f) => f.family === 'postgresql');
  if (pg) return { dialect: 'postgresql', evidence: pg.evidence };
  return { dialect: 'other', name: display(found[0].family), evidence: found[0].evidence };
}

/** Driver imports in a source file: the databases it talks to. */
const DRIVER_IMPORT = /\bimport\s+(sqlite3|pymysql|MySQLdb|aiosqlite|aiomysql)\b|\bfrom\s+(sqlite3|pymysql|MySQLdb|aiosqlite|aiomysql)\s+import\b|\brequire\(\s*['"](mysql2?|sqlite3|better-sqlite3)['"]\s*\)|\bfrom\s+['"](mysql2?(?:\/promise)?|sqlite3|better-sqlite3)['"]|"(github\.com\/go-sql-driver\/mysql|github\.com\/mattn\/go-sqlite3|modernc\.org\/sqlite)"|\bSQLite3::Database\b|\bMysql2::Client\b/g;
const PG_IMPORT = /\b(psycopg2?|asyncpg|pg8000)\b|['"](pg|postgres|slonik|pg-promise)['"]|"github\.com\/(lib\/pq|jackc\/pgx[^"]*)"|\bPG::Connection\b|\bPG\.connect\b|org\.postgresql/;

/** 'other' when the file imports only another database's driver. */
export function dialectOfImports(text: string): DialectVerdict | undefined {
  DRIVER_IMPORT.lastIndex = 0;
  const m = DRIVER_IMPORT.exec(text);
  if (!m || PG_IMPORT.test(text)) return undefined;
  const what = (m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] ?? m[0]).toLowerCase();
  const name = /mysql/.test(what) ? 'MySQL' : /sqlite/.test(what) ? 'SQLite' : what;
  return { dialect: 'other', name, evidence: `imports ${m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] ?? m[0]}` };
}

/** The dialect of one file's SQL: its path, then its own driver imports, then the project's configuration. */
export function dialectOfFile(file: string, text: string, project?: DialectVerdict): DialectVerdict {
  const byPath = dialectOfPath(file);
  if (byPath.dialect === 'other') return { dialect: 'other', name: display(byPath.name!), evidence: `path ${file}` };
  const byImports = dialectOfImports(text);
  if (byImports) return byImports;
  return project ?? { dialect: 'postgresql' };
}

/** The one-line note for a file whose SQL is not PostgreSQL's. */
export function otherDialectNote(v: DialectVerdict): string {
  return `No PostgreSQL advice for this file: its SQL targets ${v.name ?? 'another database'} (${v.evidence ?? 'configuration'}).`;
}

/** The summary line for files skipped for their dialect (from their other-dialect hints), or undefined. */
export function describeOtherDialect(findings: readonly { ruleId: string; file?: string; evidence?: unknown }[]): string | undefined {
  const by = new Map<string, Set<string>>();
  for (const f of findings) {
    if (f.ruleId !== 'other-dialect') continue;
    const e = (f.evidence ?? {}) as { dialect?: string; from?: string };
    const what = `${e.dialect ?? 'another database'}${e.from && !e.from.startsWith('path ') ? ` (${e.from})` : ''}`;
    if (!by.has(what)) by.set(what, new Set());
    by.get(what)!.add(f.file ?? '');
  }
  if (!by.size) return undefined;
  const n = [...by.values()].reduce((a, s) => a + s.size, 0);
  return `not analysed for PostgreSQL: ${countOf(n, 'file')} whose SQL targets ${[...by].map(([w, fs]) => `${w}: ${fs.size}`).join(', ')}`;
}
