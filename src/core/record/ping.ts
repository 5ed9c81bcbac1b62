/**
 * A connection ping: a SELECT of one constant, with no table and no parameter — Django's CONN_HEALTH_CHECKS and its
 * `is_usable`, SQLAlchemy's pool_pre_ping, a pool's validation query (`SELECT 1`, `SELECT 1 AS ok`, `SELECT true`,
 * `SELECT 'x'`). The driver or pool sends it to check the connection, not the app to read anything: never a finding
 * (person17: "Repeated query: SELECT 1 40 times … cache it" under `manage.py test`).
 */
export function isConnectionPing(sql: string, opts: { stored?: boolean } = {}): boolean {
  // pg_stat_statements stores `SELECT 1` as `SELECT $1` (`stored`: its constant is a placeholder there).
  return (opts.stored ? STORED_PING : PING).test(sql);
}

const PING = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*select\s+(?:\d+|true|'[^']*')(?:\s+as\s+(?:\w+|"[^"]*"))?\s*;?\s*$/i;
const STORED_PING = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*select\s+(?:\$1|\d+|true)(?:\s+as\s+(?:\w+|"[^"]*"))?\s*;?\s*$/i;
