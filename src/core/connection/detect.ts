/**
 * Connections the workspace already describes, as pure functions: libpq's PG* environment variables,
 * and DATABASE_URL-like keys in .env files (dotenv syntax, with ${VAR} expansion). Reading the files
 * and ~/.pgpass happens in the layers that may touch the disk (src/vscode/detect.ts, src/db/pgpass.ts).
 */
import { ConnectionConfigError, type ConninfoPair, parseConnectionString, scanConninfo, SSL_MODES, type ConnectionProfile, type SslMode, uriUserInfo } from './profile';
import { errorMessage } from '../safeText';

export interface DetectedConnection {
  /** Where it came from, for the user: "DATABASE_URL in .env", "PG* environment variables". */
  source: string;
  profile: ConnectionProfile;
  /** Present when the source held a password; it is used, never written to settings. */
  password?: string;
  /** Where each value came from, for the user ("host ← TR_DB_HOST in .env · port ← default in api/src/config.ts"); never a value of the password. */
  valuesFrom?: string;
  /**
   * A default written in the code, taken only when the real setting is missing (`os.environ.get('DATABASE_URL',
   * 'postgresql://localhost/example')`): offered after every real one, never connected to unasked (rankDetected).
   */
  fallback?: true;
}

/**
 * The detected connections in the order they are offered: a code's fallback default after every real one (.env, the
 * environment, a settings file's own values), the rest in their order (person20 LOW 1: the settings.py default was the
 * one tried first). `auto`: the one to connect to when nothing is configured — never a fallback default.
 */
export function rankDetected(found: readonly DetectedConnection[]): { ranked: DetectedConnection[]; auto?: DetectedConnection } {
  const ranked = [...found.filter((f) => !f.fallback), ...found.filter((f) => f.fallback)];
  return { ranked, auto: ranked.find((f) => !f.fallback) };
}

/** How ORMs, drivers and settings name PostgreSQL (sequelize `dialect`, knex `client`, TypeORM `type`, drizzle `dialect`/`driver`, MikroORM `driver`/`type`, a `*_DB_TYPE` variable). */
const PG_DIALECT = /^(?:postgres|postgresql|pg|postgis|pg-native|PostgreSqlDriver|aurora-postgres|cockroachdb)$/i;
const OTHER_DIALECT = /^(?:mysql2?|mariadb|sqlite3?|better-sqlite3?|mssql|tedious|oracle(?:db)?|oracledb|mongodb|db2|snowflake|sqljs|cordova|expo|libsql|turso|d1|MySqlDriver|SqliteDriver|MariaDbDriver|MongoDriver|MsSqlDriver)$/i;

/**
 * A key that names one part of a database connection, as projects spell it with their own prefix: `TR_DB_HOST`,
 * `APP_DATABASE_USER`, `DB_NAME`, `POSTGRES_DB`, `TYPEORM_PASSWORD`, `MYAPP_PG_PORT`. Group: everything before the part.
 */
const PART_KEY = /^((?:[A-Z0-9_]+_)?(?:DB|DATABASE|POSTGRES|POSTGRESQL|PG|PSQL|TYPEORM))_(HOST|HOSTNAME|SERVER|PORT|USER|USERNAME|PASSWORD|PASS|PWD|NAME|DATABASE|DB|DBNAME|TYPE|DIALECT|DRIVER|ENGINE|CLIENT|SSLMODE|SSL_MODE)$/;
const PART_OF: Record<string, 'host' | 'port' | 'user' | 'password' | 'database' | 'type' | 'sslmode'> = {
  HOST: 'host', HOSTNAME: 'host', SERVER: 'host', PORT: 'port', USER: 'user', USERNAME: 'user', PASSWORD: 'password', PASS: 'password', PWD: 'password',
  NAME: 'database', DATABASE: 'database', DB: 'database', DBNAME: 'database', TYPE: 'type', DIALECT: 'type', DRIVER: 'type', ENGINE: 'type', CLIENT: 'type', SSLMODE: 'sslmode', SSL_MODE: 'sslmode',
};

/** A dialect value names PostgreSQL (also Django's `django.db.backends.postgresql`), another database, or neither. */
export function dialectKind(value: string): 'postgres' | 'other' | undefined {
  const v = value.trim().replace(/^.*\.backends\./, '');
  if (PG_DIALECT.test(v) || /^postgresql_psycopg2$/i.test(v)) return 'postgres';
  if (OTHER_DIALECT.test(v)) return 'other';
  return undefined;
}

/**
 * Connections a .env names part by part under a project's own prefix (person15: Traduora's `TR_DB_TYPE=postgres`,
 * `TR_DB_HOST`, `TR_DB_PORT`, `TR_DB_USER`, `TR_DB_PASSWORD`, `TR_DB_DATABASE`): one per prefix that gives a database
 * or a user, unless its type names another database. Each value says which key it came from (`originOf`: how a key is
 * named to the user; a config module's names its variable and the .env that set it).
 */
export function connectionsFromPrefixedKeys(values: Map<string, string>, fileLabel: string, skipped: string[], originOf: (key: string) => string = (k) => k): DetectedConnection[] {
  const groups = new Map<string, Map<string, { key: string; value: string }>>();
  for (const [key, value] of values) {
    const m = PART_KEY.exec(key.toUpperCase());
    if (!m || value === '') continue;
    const g = groups.get(m[1]) ?? new Map<string, { key: string; value: string }>();
    groups.set(m[1], g);
    const part = PART_OF[m[2]];
    if (!g.has(part)) g.set(part, { key, value });
  }
  const out: DetectedConnection[] = [];
  for (const [prefix, g] of groups) {
    const named = ['host', 'port', 'user', 'database'].filter((p) => g.has(p));
    if (!(g.has('database') || g.has('user')) || named.length < 2) continue;
    const type = g.get('type');
    if (type && dialectKind(type.value) !== 'postgres') {
      if (dialectKind(type.value) === 'other') skipped.push(`${prefix}_* in ${fileLabel}: ${type.key} is ${type.value} (PG Lens connects to PostgreSQL only)`);
      continue;
    }
    const portText = g.get('port')?.value ?? '5432';
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      skipped.push(`${prefix}_* in ${fileLabel}: ${g.get('port')!.key} "${portText}" is not a port`);
      continue;
    }
    const sslmode = g.get('sslmode')?.value;
    const user = g.get('user')?.value ?? 'postgres';
    const profile: ConnectionProfile = {
      name: '',
      environment: 'development',
      host: g.get('host')?.value ?? 'localhost',
      port,
      database: g.get('database')?.value ?? user,
      user,
      sslmode: sslmode && (SSL_MODES as readonly string[]).includes(sslmode) ? (sslmode as SslMode) : 'prefer',
    };
    profile.name = `${profile.database}@${profile.host} (${prefix}_* in ${fileLabel})`;
    const from = (part: string, shown: string) => `${shown} ← ${g.get(part) ? originOf(g.get(part)!.key) : 'default'}`;
    out.push({
      source: `${prefix}_* in ${fileLabel}`,
      profile,
      ...(g.get('password') ? { password: g.get('password')!.value } : {}),
      valuesFrom: [from('host', 'host'), from('port', 'port'), from('user', 'user'), from('database', 'database'), ...(g.get('password') ? [`password ← ${originOf(g.get('password')!.key)} (kept in the secret store)`] : [])].join(' · '),
    });
  }
  return out;
}

/** A key that names a PostgreSQL connection URL, as frameworks and hosts spell it. */
export function isDatabaseUrlKey(key: string): boolean {
  const k = key.toUpperCase();
  if (k === 'DIRECT_URL') return true; // Prisma's non-pooled URL
  // DATABASE_URL, TEST_DATABASE_URL, POSTGRES_URL, POSTGRES_URL_NON_POOLING, POSTGRES_PRISMA_URL, PG_URL, DB_URI, SUPABASE_DB_URL …
  return /(^|_)(DATABASE|POSTGRES|POSTGRESQL|PG|DB)(_[A-Z0-9]+)?_(URL|URI)(_[A-Z0-9_]+)?$/.test(k);
}

/** The rank of a postgres:// URL under a key of the app's own naming (DB_CONNECTION): after every known key. */
const OTHER_KEY_RANK = 4;

/** Order in which detected URLs are offered: DATABASE_URL first, test databases last. */
function keyRank(key: string): number {
  const k = key.toUpperCase();
  if (k === 'DATABASE_URL') return 0;
  if (/^(POSTGRES|POSTGRESQL|PG|DB)_(URL|URI)$/.test(k)) return 1;
  if (/TEST/.test(k)) return 3;
  return 2;
}

/**
 * KEY=value lines of a .env file, in dotenv's syntax: `export` prefixes, # comments (a # starts a
 * comment in an unquoted value only after whitespace), 'single' quotes literal, "double" quotes with
 * \n \t \" \\ escapes and spanning lines, CRLF and a BOM tolerated. Later keys win, as in dotenv.
 */
export function parseDotEnv(text: string): Map<string, { value: string; expand: boolean }> {
  const out = new Map<string, { value: string; expand: boolean }>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s?(.*)$/.exec(lines[i]);
    if (!m) continue;
    const key = m[1];
    let rest = m[2].trimStart();
    const q = rest[0];
    if (q === "'" || q === '"' || q === '`') {
      // The value runs to the matching quote, possibly on a later line.
      let body = rest.slice(1);
      let end = findClosingQuote(body, q);
      while (end < 0 && i + 1 < lines.length) {
        body += '\n' + lines[++i];
        end = findClosingQuote(body, q);
      }
      if (end < 0) continue; // unterminated: dotenv drops it too
      let value = body.slice(0, end);
      if (q === '"') value = value.replace(/\\([nrt"\\$])/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
      out.set(key, { value, expand: q === '"' });
      continue;
    }
    rest = rest.replace(/\s+#.*$/, '').replace(/^#.*$/, '').trim();
    out.set(key, { value: rest, expand: true });
  }
  return out;
}

function findClosingQuote(s: string, q: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && q !== "'") i++;
    else if (s[i] === q) return i;
  }
  return -1;
}

/** dotenv-expand's ${VAR}, ${VAR:-default} and $VAR, from earlier keys of the file, then the environment. */
export function expandDotEnv(entries: Map<string, { value: string; expand: boolean }>, env: Record<string, string | undefined> = {}): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, { value, expand }] of entries) {
    if (!expand) {
      out.set(key, value);
      continue;
    }
    const lookup = (name: string) => out.get(name) ?? env[name];
    out.set(
      key,
      value.replace(/\\\$/g, '\u0000').replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, braced: string, dflt: string | undefined, bare: string) => {
        const v = lookup(braced ?? bare);
        return v === undefined || v === '' ? (dflt ?? '') : v;
      }).replace(/\u0000/g, '$'),
    );
  }
  return out;
}

/** The PostgreSQL connections a .env file names (invalid values are reported in `skipped`, not thrown). */
export function connectionsFromDotEnv(text: string, fileLabel: string, env: Record<string, string | undefined> = {}): { found: DetectedConnection[]; skipped: string[] } {
  const found: (DetectedConnection & { rank: number })[] = [];
  const skipped: string[] = [];
  for (const [key, value] of expandDotEnv(parseDotEnv(text), env)) {
    const known = isDatabaseUrlKey(key);
    // Any other key whose value is a postgres:// URL is offered too, after the known ones (person18: knex's
    // DB_CONNECTION=postgres://…, read by the app's own config; DB_CLIENT=pg beside it is not a URL and is passed over).
    const isUrl = /^postgres(ql)?:\/\//i.test(value);
    if (!known && !isUrl) continue;
    if (!isUrl) {
      if (value) skipped.push(`${key} in ${fileLabel} is not a postgres:// URL`);
      continue;
    }
    try {
      const p = parseConnectionString(value);
      found.push({ rank: known ? keyRank(key) : OTHER_KEY_RANK, source: `${key} in ${fileLabel}`, password: p.password, profile: { name: `${key} (${fileLabel})`, environment: 'development', ...p.profile } as ConnectionProfile });
    } catch (e) {
      skipped.push(`${key} in ${fileLabel}: ${errorMessage(e)}`);
    }
  }
  found.sort((a, b) => a.rank - b.rank);
  // A URL under the app's own key that restates a known key's server (DB_CONNECTION=$DATABASE_URL) is offered once.
  const urls = found.filter((d, i) => d.rank !== OTHER_KEY_RANK || !found.slice(0, i).some((e) => sameServer(e.profile, d.profile))).map(({ rank: _rank, ...d }) => d);
  // A project's own prefixed keys (TR_DB_HOST …), after its URLs, once per server.
  const parts = connectionsFromPrefixedKeys(expandDotEnv(parseDotEnv(text), env), fileLabel, skipped).filter((p) => !urls.some((u) => sameServer(u.profile, p.profile)));
  return { found: [...urls, ...parts], skipped };
}

/** The same server, database and user (what two sources restating one connection share). */
export const sameServer = (a: ConnectionProfile, b: ConnectionProfile) => a.host === b.host && a.port === b.port && a.database === b.database && a.user === b.user;

/**
 * The connection libpq would make from PG* variables (PGHOST, PGHOSTADDR, PGPORT, PGDATABASE, PGUSER,
 * PGPASSWORD, PGSSLMODE, PGSSLROOTCERT), or undefined when none is set. Bad values throw one line.
 */
export function connectionFromPgEnv(env: Record<string, string | undefined>): DetectedConnection | undefined {
  const v = (k: string) => (env[k] ? env[k] : undefined);
  if (!v('PGHOST') && !v('PGHOSTADDR') && !v('PGDATABASE') && !v('PGUSER') && !v('PGPORT') && !v('PGSERVICE')) return undefined;
  // libpq accepts a comma-separated host list; PG Lens uses the first (one server per profile).
  const host = (v('PGHOST') ?? v('PGHOSTADDR') ?? 'localhost').split(',')[0].trim();
  const portText = (v('PGPORT') ?? '5432').split(',')[0].trim();
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConnectionConfigError(`Invalid PGPORT "${portText}"`);
  const sslmode = v('PGSSLMODE') ?? 'prefer';
  if (!(SSL_MODES as readonly string[]).includes(sslmode)) throw new ConnectionConfigError(`Unknown PGSSLMODE "${sslmode}" (use one of ${SSL_MODES.join(', ')})`);
  const user = v('PGUSER') ?? v('USER') ?? 'postgres';
  return {
    source: 'PG* environment variables',
    password: v('PGPASSWORD'),
    profile: {
      name: 'environment (PG*)',
      environment: 'development',
      host,
      port,
      database: v('PGDATABASE') ?? user,
      user,
      sslmode: sslmode as SslMode,
      sslrootcert: v('PGSSLROOTCERT'),
    },
  };
}

/**
 * Which password to use, in libpq's order: one given with the connection (SecretStorage for a
 * profile, the URL for a detected one), then PGPASSWORD, then the password file.
 */
export function choosePassword(sources: { given?: string; pgpassword?: string; pgpass?: string }): { password?: string; from?: 'given' | 'PGPASSWORD' | 'pgpass' } {
  if (sources.given) return { password: sources.given, from: 'given' };
  if (sources.pgpassword) return { password: sources.pgpassword, from: 'PGPASSWORD' };
  if (sources.pgpass) return { password: sources.pgpass, from: 'pgpass' };
  return {};
}

/**
 * Whether a failed login asks for a password: only when the server wanted one (28P01, or "asks for a password"), the
 * command is interactive, this login was not asked for already, and the person did not just type one with the
 * connection (person18 MEDIUM 6: a wrong password in the pasted URL got "Password for conduit@…" with an empty field, as
 * if the URL's had been dropped; the failure itself is the answer, in one line).
 */
export function asksPasswordAfter(failure: { code?: unknown; message: string }, o: { interactive: boolean; askedBefore: boolean; typedWithConnection: boolean }): boolean {
  return wantsPassword(failure) && o.interactive && !o.askedBefore && !o.typedWithConnection;
}

/** A failed login the server failed for want of the right password (28P01, or "asks for a password"). */
export function wantsPassword(failure: { code?: unknown; message: string }): boolean {
  return failure.code === '28P01' || /asks for a password/.test(failure.message);
}

/**
 * A connection string with its password taken out (for what is stored), and the password (for
 * SecretStorage). Works on URIs and key=value strings; anything else is returned as is.
 */
export function splitPassword(text: string): { text: string; password?: string } {
  const s = text.trim();
  if (/^postgres(ql)?:\/\//i.test(s)) {
    const u = uriUserInfo(s);
    if (!u || u.password === undefined) return { text: s };
    return { text: `${u.scheme}${u.user}@${u.rest}`, password: u.password || undefined };
  }
  let pairs: ConninfoPair[];
  try {
    pairs = scanConninfo(s);
  } catch {
    return { text: s }; // malformed: reported (without its text) by the parser, never rewritten
  }
  const pw = pairs.filter((p) => p.key === 'password');
  if (!pw.length) return { text: s };
  // libpq: the last occurrence of a key wins.
  const password = pw[pw.length - 1].value;
  const kept = pairs.filter((p) => p.key !== 'password').map((p) => s.slice(p.start, p.end));
  return { text: kept.join(' '), password: password || undefined };
}
