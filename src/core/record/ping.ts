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

/**
 * A driver's or ORM's probe of a new connection (person20 LOW 7): what it sends once per connection it opens, not for
 * the app — SQLAlchemy's `select pg_catalog.version()`, `select current_schema()`, `show transaction isolation level`,
 * `show standard_conforming_strings` and its `CAST('test plain returns' AS VARCHAR(60))`; psycopg2's and Django's
 * `pg_type … typname = 'hstore'` / `'citext'` look-ups, psycopg 3's TypeInfo and asyncpg's type introspection (reads of
 * pg_type and other pg_catalog tables only); Django's `SELECT set_config('TimeZone', …, false)`; a client's session
 * settings (`SET TIME ZONE`, `SET client_encoding`, `SET DateStyle`, `SET extra_float_digits` …). It runs at whatever
 * line first took the connection: it is the connection's, not that line's (never counted at the line, never a finding).
 * Not a `SET LOCAL` or `set_config(…, true)` (a transaction's), nor a `SET search_path`/`SET ROLE` (the app's tenant).
 */
export function isConnectionSetUp(sql: string): boolean {
  const s = sql.replace(/^\s*(?:\/\*[\s\S]*?\*\/\s*)*/, '').replace(/;\s*$/, '').trim();
  if (SHOW.test(s) || SESSION_SET.test(s) || PROBE_SELECT.test(s) || SET_CONFIG.test(s)) return true;
  return readsOnlyTypeCatalog(s);
}

const SHOW = /^show\s+(?:\w+(?:\s+\w+){0,3}|"[^"]+")$/i;
const SESSION_SET = /^set\s+(?:session\s+)?(?:time\s+zone\b|names\b|(?:client_encoding|datestyle|intervalstyle|extra_float_digits|client_min_messages|application_name|standard_conforming_strings|bytea_output|timezone|statement_timeout|lock_timeout|idle_in_transaction_session_timeout|default_transaction_isolation|default_transaction_read_only|jit)\b)/i;
const PROBE_SELECT = /^select\s+(?:(?:pg_catalog\s*\.\s*)?(?:version|current_schema|current_schemas|current_database|current_user|session_user|pg_backend_pid)\s*(?:\(\s*(?:true|false)?\s*\))?|current_user|session_user|current_setting\s*\(\s*'[^']*'\s*\)|cast\s*\(\s*'test (?:plain|unicode) returns'\s+as\s+varchar\s*\(\s*\d+\s*\)\s*\))(?:\s+as\s+(?:\w+|"[^"]*"))?$/i;
const SET_CONFIG = /^select\s+(?:pg_catalog\s*\.\s*)?set_config\s*\(\s*'[^']*'\s*,\s*(?:'[^']*'|\$\d+|%s|%\(\w+\)s)\s*,\s*false\s*\)(?:\s+as\s+(?:\w+|"[^"]*"))?$/i;

/** A SELECT (or WITH) of the type catalog: it names pg_type and every table it reads is a pg_catalog one (or its own CTE). */
function readsOnlyTypeCatalog(s: string): boolean {
  if (!/^(?:select|with)\b/i.test(s) || !/\bpg_type\b/i.test(s)) return false;
  const ctes = new Set([...s.matchAll(/(?:\bwith\s+(?:recursive\s+)?|,\s*)(\w+)\s*(?:\([^()]*\))?\s+as\s*\(/gi)].map((m) => m[1].toLowerCase()));
  const names: string[] = [];
  for (const m of s.matchAll(/\b(from|join)\s+([\s\S]*?)(?=\b(?:where|group|order|limit|having|union|on|using|left|right|inner|outer|cross|full|join|window)\b|\)|$)/gi)) {
    const list = m[1].toLowerCase() === 'from' ? m[2].split(',') : [m[2]];
    for (const item of list) {
      const name = /^\s*((?:"?\w+"?\s*\.\s*)?"?\w+"?)/.exec(item)?.[1];
      if (name) names.push(name.replace(/["\s]/g, '').toLowerCase());
    }
  }
  return names.length > 0 && names.every((n) => /^(?:pg_catalog\.)?pg_\w+$/.test(n) || ctes.has(n) || /^(?:select|lateral|unnest)$/.test(n));
}

// What kind of statement a normalised text is: read by the aggregation, the commands at the cursor (atCursor), the
// workload benchmark and `pg-lens record` — here, beside the pings, so the editor holds them without the aggregation.

/** A read: SELECT, VALUES, TABLE, or a WITH that writes nothing. */
export function isRead(normalized: string): boolean {
  const s = normalized.replace(/^\s*\(+/, '').trimStart().toLowerCase();
  if (s.startsWith('select') || s.startsWith('values') || s.startsWith('table ')) return true;
  if (s.startsWith('with')) return !/\b(insert|update|delete)\b/.test(s);
  return false;
}

/** A query or data change the index advisor can look at — not a session or transaction command (SET, SHOW, BEGIN…). */
export function touchesTables(normalized: string): boolean {
  return /^(select|with|values|table|insert|update|delete|merge)\b/i.test(normalized.replace(/^\s*\(+/, '').trimStart());
}

/**
 * Reads of the system catalogs (a framework introspecting the schema: Django's migrate, Sequelize's
 * type loading, an ORM's sync) repeat per model by design; they are not the app's N+1.
 */
export function readsCatalog(normalized: string): boolean {
  return /\b(pg_catalog\s*\.|information_schema\s*\.|pg_(class|attribute|namespace|type|index|constraint|range|proc|depend|inherits|description|settings|tables|indexes|views|roles|database|enum|sequence|sequences|am|collation|extension|trigger)\b)/i.test(normalized);
}
