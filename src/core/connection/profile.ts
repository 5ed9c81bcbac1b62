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
}

export class ConnectionConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionConfigError';
  }
}

const KEYWORDS = new Set(['host', 'hostaddr', 'port', 'dbname', 'user', 'password', 'sslmode', 'sslrootcert', 'application_name', 'connect_timeout', 'options']);

/** libpq key=value conninfo: `host=h port=5432 dbname='my db' user=u`. */
export function parseKeyValue(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  const n = text.length;
  const skipWs = () => {
    while (i < n && /\s/.test(text[i])) i++;
  };
  while (true) {
    skipWs();
    if (i >= n) break;
    const keyStart = i;
    while (i < n && /[A-Za-z0-9_]/.test(text[i])) i++;
    const key = text.slice(keyStart, i);
    if (!key) throw new ConnectionConfigError(`Malformed connection string near "${text.slice(keyStart, keyStart + 10)}"`);
    skipWs();
    if (text[i] !== '=') throw new ConnectionConfigError(`Malformed connection string: expected "=" after "${key}"`);
    i++;
    skipWs();
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
      while (i < n && !/\s/.test(text[i])) {
        if (text[i] === '\\' && i + 1 < n) {
          value += text[i + 1];
          i += 2;
        } else value += text[i++];
      }
    }
    if (!KEYWORDS.has(key)) throw new ConnectionConfigError(`Unknown connection parameter "${key}"`);
    out[key] = value;
  }
  return out;
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
    const sslmode = new URLSearchParams(s.includes('?') ? s.slice(s.indexOf('?') + 1) : '').get('sslmode') ?? undefined;
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
  };
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

/** The key under which a profile's password is kept in SecretStorage. */
export function secretKey(p: Pick<ConnectionProfile, 'host' | 'port' | 'database' | 'user'>): string {
  return `pgLens.password:${p.user}@${p.host}:${p.port}/${p.database}`;
}

/** A URI without the password, safe for logs and messages. */
export function describeProfile(p: Pick<ConnectionProfile, 'host' | 'port' | 'database' | 'user'>): string {
  return `${p.user}@${p.host}:${p.port}/${p.database}`;
}

/** Remove any password from a connection string (for anything that is shown or stored). */
export function redact(text: string): string {
  return text
    .replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@')
    .replace(/(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi, '$1***');
}

export function isReadOnly(p: Pick<ConnectionProfile, 'environment'>): boolean {
  return p.environment === 'production';
}
