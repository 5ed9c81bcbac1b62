/**
 * Which database a file's SQL is written for, when its path says so: apps that support several
 * databases keep one folder or file per driver (`store/db/mysql/…`, `migration/sqlite/…`,
 * `user_mysql.go`). PostgreSQL advice (the query rules) is not given for another dialect's SQL.
 */
const OTHER_DIALECT = /(^|[/_.-])(mysql|mariadb|sqlite3?|mssql|sqlserver|oracle|h2|hsqldb|clickhouse|cockroach)([/_.-]|$)/i;

export type Dialect = 'postgresql' | 'other';

/** 'other' when the path names another database; otherwise PostgreSQL is assumed. */
export function dialectOfPath(file: string): { dialect: Dialect; name?: string } {
  const m = OTHER_DIALECT.exec(file.replace(/\\/g, '/'));
  return m ? { dialect: 'other', name: m[2].toLowerCase() } : { dialect: 'postgresql' };
}
