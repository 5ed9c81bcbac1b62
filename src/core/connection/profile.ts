/**
 * Connection profiles: what a user configures, parsed and checked without touching a network.
 * Passwords never live in a profile; they are looked up in SecretStorage (editor) or the
 * environment / ~/.pgpass (CLI) by the profile's secret key.
 */
import { parse as parseUri } from 'pg-connection-string';

export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];
export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export interface ConnectionProfile {
  name: string;
  host: string;
  port: number;
  database: string;
  user: string;
  sslmode: SslMode;
  sslrootcert?: string;
  environment: Environment;
  /** A replica that can serve statistics (dashboard, CodeLens); same credentials. */
  readReplica?: { host: string; port?: number };
}

/** The parts of a connection string, with the password split off so it can go to SecretStorage. */
export interface ParsedConnection {
  profile: Omit<ConnectionProfile, 'name' | 'environment'> & Partial<Pick<ConnectionProfile, 'name' | 'environment'>>;
  password?: string;
  /** libpq's connect_timeout (seconds, as written), when the string gives one. */
  connectTimeout?: string;
}

export class ConnectionConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionConfigError';
  }
}

const KEYWORDS = new Set(['host', 'hostaddr', 'port', 'dbname', 'user', 'password', 'sslmode', 'sslrootcert', 'application_name', 'connect_timeout', 'options']);

/** One key=value pair of a libpq conninfo string, with where it sits in the text. */
export interface ConninfoPair {
  key: string;
  value: string;
  /** Offsets of the whole pair (key through value) in the text. */
  start: number;
  end: number;
}

/**
 * libpq's conninfo_parse, exactly: `key = value` pairs separated by whitespace; a value is either
 * single-quoted (backslash escapes the next character, the quote ends it) or runs to the next
 * whitespace (backslash escapes the next character, so `Sup3r\ S3cret` is one value). Errors name
 * a position, never a piece of the text: a malformed string may hold a password anywhere.
 */
export function scanConninfo(text: string): ConninfoPair[] {
  const out: ConninfoPair[] = [];
  let i = 0;
  const n = text.length;
  const isWs = (c: string | undefined) => c !== undefined && /\s/.test(c);
  while (true) {
    while (i < n && isWs(text[i])) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && text[i] !== '=' && !isWs(text[i])) i++;
    const key = text.slice(start, i);
    while (i < n && isWs(text[i])) i++;
    if (text[i] !== '=' || !key) throw new ConnectionConfigError(`Malformed connection string: expected key=value at character ${start + 1}`);
    i++;
    while (i < n && isWs(text[i])) i++;
    let value = '';
    if (text[i] === "'") {
      i++;
      let closed = false;
      while (i < n) {
        const c = text[i];
        if (c === '\\' && i + 1 < n) {
          value += text[i + 1];
          i += 2;
        } else if (c === "'") {
          i++;
          closed = true;
          break;
        } else {
          value += c;
          i++;
        }
      }
      if (!closed) throw new ConnectionConfigError(`Malformed connection string: unterminated quoted value for "${key}"`);
    } else {
      while (i < n && !isWs(text[i])) {
        if (text[i] === '\\' && i + 1 < n) {
          value += text[i + 1];
          i += 2;
        } else value += text[i++];
      }
    }
    out.push({ key, value, start, end: i });
  }
  return out;
}

/** libpq key=value conninfo: `host=h port=5432 dbname='my db' user=u`. */
function parseKeyValue(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let afterPassword = false;
  for (const p of scanConninfo(text)) {
    if (!KEYWORDS.has(p.key)) {
      // After a password, an "unknown key" may be the rest of an unquoted password with a space: never echo it.
      if (afterPassword || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p.key)) throw new ConnectionConfigError(`Unknown connection parameter at character ${p.start + 1} (a password with spaces must be quoted: password='…')`);
      throw new ConnectionConfigError(`Unknown connection parameter "${p.key}"`);
    }
    if (p.key === 'password') afterPassword = true;
    out[p.key] = p.value;
  }
  return out;
}

/**
 * Where the password sits in a postgres:// URI, as pg (WHATWG URL) reads it: the authority runs to
 * the first "/", "?" or "#"; the LAST "@" in it ends the user info (so an unencoded "@" in a password
 * is part of the password); the first ":" in the user info starts the password.
 */
export function uriUserInfo(text: string): { scheme: string; user: string; password?: string; passwordStart: number; passwordEnd: number; rest: string } | undefined {
  const m = /^postgres(?:ql)?:\/\//i.exec(text);
  if (!m) return undefined;
  const scheme = m[0];
  const after = text.slice(scheme.length);
  const authorityEnd = after.search(/[/?#]/);
  const authority = authorityEnd < 0 ? after : after.slice(0, authorityEnd);
  const at = authority.lastIndexOf('@');
  if (at < 0) return undefined;
  const info = authority.slice(0, at);
  const colon = info.indexOf(':');
  const rest = after.slice(at + 1);
  if (colon < 0) return { scheme, user: info, passwordStart: scheme.length + at, passwordEnd: scheme.length + at, rest };
  let password = info.slice(colon + 1);
  try {
    password = decodeURIComponent(password);
  } catch {
    // not valid percent-encoding: pg keeps it as written
  }
  return { scheme, user: info.slice(0, colon), password, passwordStart: scheme.length + colon + 1, passwordEnd: scheme.length + at, rest };
}

function checkSslMode(v: string | undefined): SslMode {
  if (v === undefined || v === '') return 'prefer';
  if ((SSL_MODES as readonly string[]).includes(v)) return v as SslMode;
  throw new ConnectionConfigError(`Unknown sslmode "${v}" (use one of ${SSL_MODES.join(', ')})`);
}

function checkPort(v: string | number | undefined | null): number {
  if (v === undefined || v === null || v === '') return 5432;
  const p = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(p) || p < 1 || p > 65535) throw new ConnectionConfigError(`Invalid port "${v}"`);
  return p;
}

/** Parse a URI (`postgres://…`, `postgresql://…`) or a libpq key=value string. Never echoes the password. */
export function parseConnectionString(text: string): ParsedConnection {
  const s = text.trim();
  if (!s) throw new ConnectionConfigError('The connection string is empty');
  if (/^postgres(ql)?:\/\//i.test(s)) {
    let cfg: ReturnType<typeof parseUri>;
    try {
      // pg-connection-string does the URI decoding (percent-escapes, sockets, query parameters).
      cfg = parseUri(s);
    } catch {
      throw new ConnectionConfigError('Malformed connection URI');
    }
    const query = new URLSearchParams(s.includes('?') ? s.slice(s.indexOf('?') + 1) : '');
    const sslmode = query.get('sslmode') ?? undefined;
    const connectTimeout = query.get('connect_timeout') ?? undefined;
    const host = cfg.host ?? 'localhost';
    if (/[\s/]/.test(host) && !host.startsWith('/')) throw new ConnectionConfigError('Malformed connection URI: bad host');
    return {
      profile: {
        host,
        port: checkPort(cfg.port ?? undefined),
        database: cfg.database || cfg.user || 'postgres',
        user: cfg.user || 'postgres',
        sslmode: checkSslMode(sslmode),
        sslrootcert: (cfg as any).sslrootcert || undefined,
      },
      password: cfg.password || undefined,
      ...(connectTimeout !== undefined ? { connectTimeout } : {}),
    };
  }
  if (/^[a-z]+:\/\//i.test(s)) throw new ConnectionConfigError(`Not a PostgreSQL URI (scheme "${s.slice(0, s.indexOf(':'))}")`);
  if (!s.includes('=')) throw new ConnectionConfigError('Malformed connection string: expected a postgres:// URI or key=value pairs');
  const kv = parseKeyValue(s);
  return {
    profile: {
      host: kv.host || kv.hostaddr || 'localhost',
      port: checkPort(kv.port),
      database: kv.dbname || kv.user || 'postgres',
      user: kv.user || 'postgres',
      sslmode: checkSslMode(kv.sslmode),
      sslrootcert: kv.sslrootcert || undefined,
    },
    password: kv.password || undefined,
    ...(kv.connect_timeout !== undefined ? { connectTimeout: kv.connect_timeout } : {}),
  };
}

/** A profile as a connection string without its password (Add Connection's "Edit the connection string" starts from it). */
export function connectionUri(p: Pick<ConnectionProfile, 'host' | 'port' | 'database' | 'user' | 'sslmode' | 'sslrootcert'>): string {
  const host = p.host.startsWith('/') ? `${encodeURIComponent(p.host)}` : p.host.includes(':') && !p.host.startsWith('[') ? `[${p.host}]` : p.host;
  const query = new URLSearchParams({ sslmode: p.sslmode, ...(p.sslrootcert ? { sslrootcert: p.sslrootcert } : {}) });
  return `postgres://${encodeURIComponent(p.user)}@${host}:${p.port}/${encodeURIComponent(p.database)}?${query.toString()}`;
}

/** Validate a profile object as it comes from settings (untrusted JSON). */
export function normalizeProfile(raw: unknown, index = 0): ConnectionProfile {
  if (typeof raw === 'string') {
    const p = parseConnectionString(raw);
    return { name: `connection ${index + 1}`, environment: 'development', ...p.profile } as ConnectionProfile;
  }
  if (!raw || typeof raw !== 'object') throw new ConnectionConfigError('A connection profile must be an object or a connection string');
  const r = raw as Record<string, unknown>;
  let base: Partial<ConnectionProfile> = {};
  if (typeof r.connectionString === 'string') base = parseConnectionString(r.connectionString).profile;
  const str = (k: string): string | undefined => (typeof r[k] === 'string' && (r[k] as string) !== '' ? (r[k] as string) : undefined);
  const environment = str('environment') ?? base.environment ?? 'development';
  if (!(ENVIRONMENTS as readonly string[]).includes(environment)) throw new ConnectionConfigError(`Unknown environment "${environment}" (use development, staging or production)`);
  const name = str('name') ?? `connection ${index + 1}`;
  let readReplica: ConnectionProfile['readReplica'];
  if (r.readReplica && typeof r.readReplica === 'object') {
    const rr = r.readReplica as Record<string, unknown>;
    if (typeof rr.host !== 'string' || !rr.host) throw new ConnectionConfigError(`readReplica of "${name}" needs a host`);
    readReplica = { host: rr.host, port: rr.port === undefined ? undefined : checkPort(rr.port as number) };
  }
  return {
    name,
    host: str('host') ?? base.host ?? 'localhost',
    port: checkPort((r.port as number | string | undefined) ?? base.port),
    database: str('database') ?? base.database ?? 'postgres',
    user: str('user') ?? base.user ?? 'postgres',
    sslmode: checkSslMode(str('sslmode') ?? base.sslmode),
    sslrootcert: str('sslrootcert') ?? base.sslrootcert,
    environment: environment as Environment,
    readReplica,
  };
}

/**
 * The key under which a profile's password is kept in SecretStorage: the profile's identity,
 * environment included, so a profile that claims another environment (say, a workspace's
 * "development" copy of a production profile) never finds that profile's password.
 */
export function secretKey(p: Pick<ConnectionProfile, 'environment' | 'host' | 'port' | 'database' | 'user'>): string {
  return `pgLens.password:${p.environment}:${p.user}@${p.host}:${p.port}/${p.database}`;
}

/**
 * Which database a profile reaches, whatever the profile is called or who connects: the key of what
 * PG Lens keeps per database between sessions (chart history, the plans' index use).
 */
export function databaseIdentity(p: Pick<ConnectionProfile, 'host' | 'port' | 'database'>): string {
  return `${p.host}:${p.port}/${p.database}`;
}

/**
 * What findings were weighed against: the database, the role, and the environment's rights (a production profile proves
 * no index with a real trial build, a development one does). A scan's findings of closed files are made again when it
 * changes — two profiles of one database with other rights too (person32 M1: back from production, three files kept its
 * "(not verified)" advice).
 */
export function findingsIdentity(p: Pick<ConnectionProfile, 'environment' | 'host' | 'port' | 'database' | 'user'>): string {
  return `${p.environment}:${p.user}@${databaseIdentity(p)}`;
}

/** Version 0.1's key (no environment). Read once, only for profiles of the user's own settings, and moved. */
export function legacySecretKey(p: Pick<ConnectionProfile, 'host' | 'port' | 'database' | 'user'>): string {
  return `pgLens.password:${p.user}@${p.host}:${p.port}/${p.database}`;
}

/** A URI without the password, safe for logs and messages. */
export function describeProfile(p: Pick<ConnectionProfile, 'host' | 'port' | 'database' | 'user'>): string {
  return `${p.user}@${p.host}:${p.port}/${p.database}`;
}

/**
 * Remove any password from text that is shown or stored (log lines, messages): in postgres:// URIs
 * (up to the last "@" of the authority, as pg reads it) and in `password=` pairs (quoted, escaped
 * or unterminated values whole, as libpq reads them).
 */
export function redact(text: string): string {
  return redactUris(text).replace(PASSWORD_PAIR, '$1***');
}

/**
 * In each postgres:// URI, everything between the user's ":" and the LAST "@" before the next URI on
 * the line (pg reads up to the last "@" of the authority; a pasted password may also hold an
 * unencoded "/" or a space, which pg refuses, but which must not show either).
 */
function redactUris(text: string): string {
  const re = /postgres(?:ql)?:\/\//gi;
  const starts: number[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) starts.push(m.index);
  if (!starts.length) return text;
  let out = text.slice(0, starts[0]);
  starts.forEach((start, k) => {
    const end = k + 1 < starts.length ? starts[k + 1] : text.length;
    let seg = text.slice(start, end);
    const lineEnd = seg.indexOf('\n');
    const scope = lineEnd < 0 ? seg : seg.slice(0, lineEnd);
    const head = /^postgres(?:ql)?:\/\/[^:/?#@\s]*:/i.exec(scope);
    const at = scope.lastIndexOf('@');
    if (head && at >= head[0].length) seg = `${seg.slice(0, head[0].length)}***${seg.slice(at)}`;
    out += seg;
  });
  return out;
}

/** libpq's connection keywords: where an unquoted password with spaces (malformed, but pasted) surely ends. */
const LIBPQ_KEYWORDS = 'host|hostaddr|port|dbname|user|passfile|channel_binding|connect_timeout|client_encoding|options|application_name|fallback_application_name|keepalives|keepalives_idle|keepalives_interval|keepalives_count|tcp_user_timeout|replication|gssencmode|sslmode|sslnegotiation|sslcompression|sslcert|sslkey|sslpassword|sslcertmode|sslrootcert|sslcrl|sslcrldir|sslsni|requirepeer|ssl_min_protocol_version|ssl_max_protocol_version|krbsrvname|gsslib|gssdelegation|service|target_session_attrs|load_balance_hosts';
/** `password=` and its value: quoted (to the closing quote, or the end when unterminated), or unquoted up to the next keyword=. */
const PASSWORD_PAIR = new RegExp(`(password\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*(?:'|$)|(?:\\\\.|\\\\$|[^\\s\\\\])+(?:\\s+(?!(?:${LIBPQ_KEYWORDS})\\s*=)(?:\\\\.|\\\\$|[^\\s\\\\])+)*)`, 'gi');

export function isReadOnly(p: Pick<ConnectionProfile, 'environment'>): boolean {
  return p.environment === 'production';
}
