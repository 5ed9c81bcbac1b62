/**
 * Connections a project's framework settings describe, read as text (never run): Django's `DATABASES` in settings.py
 * (values from `os.getenv("DB_HOST", "default")`-style reads, with the defaults), Rails' `config/database.yml`
 * (development first; `<%= ENV.fetch("X") { "d" } %>` / `ENV["X"] || "d"`), Spring's `application.properties` /
 * `application.yml` (`spring.datasource.url=jdbc:postgresql://…`, `${ENV:default}`), and any `postgres://` URL written
 * as a default in those files (SQLAlchemy/Flask `DATABASE_URL`, dj-database-url). person11 Q5: Add Connection offered a
 * knex app's .env but nothing for healthchecks (Django, DB_* variables with defaults).
 *
 * One registry with the .env reader (WORKSPACE_CONNECTION_SOURCES): src/vscode/detect.ts reads each source's files.
 */
import { connectionsFromDotEnv, connectionsFromPrefixedKeys, dialectKind, sameServer, type DetectedConnection } from './detect';
import { parseConnectionString, SSL_MODES, type ConnectionProfile, type SslMode } from './profile';
import { errorMessage } from '../safeText';
import { depthAt } from '../limits';
import { readSimpleYaml, yamlMap, type YamlValue } from './simpleYaml';

type Env = Record<string, string | undefined>;

export interface ConnectionSource {
  /** What the files are, for the log. */
  what: string;
  /** The workspace files to read (VS Code glob; every name spelled out, see src/vscode/detect.ts). */
  glob: string;
  /** `keyOrigin`: which .env file (or "the environment") set each variable, to say where each value came from. */
  read(text: string, fileLabel: string, env: Env, valuesFrom?: string, keyOrigin?: Record<string, string>): { found: DetectedConnection[]; skipped: string[] };
  /** Its `process.env.X` reads are filled from the `.env` files of its folder and the folders above (dotenv's). */
  nearbyEnv?: boolean;
}

/** Every place in a workspace that may describe the app's PostgreSQL connection, in the order they are offered. */
export const WORKSPACE_CONNECTION_SOURCES: readonly ConnectionSource[] = [
  // Every name spelled out: a brace group with an empty alternative (`.env{,.local}`) never matches `.env` itself in
  // VS Code's file search (ripgrep), so the file most projects keep DATABASE_URL in was never offered.
  { what: '.env files', glob: '**/{.env,.env.local,.env.development,.env.development.local,.env.dev}', read: connectionsFromDotEnv },
  { what: 'Django settings', glob: '**/{settings.py,settings/*.py,local_settings.py}', read: connectionsFromDjangoSettings },
  // A Python app's own config module (Flask/FastAPI `config.py`, pydantic `BaseSettings`): `DB_HOST = os.getenv(…)`.
  { what: 'Python config modules', glob: '**/{config.py,settings.py,conf.py,config/*.py,core/config.py,settings/*.py}', read: connectionsFromPythonConfig, nearbyEnv: true },
  { what: 'Rails database.yml', glob: '**/config/database.yml', read: connectionsFromRailsDatabaseYml },
  // docker compose: a postgres image's service with its POSTGRES_* environment and published port (person16: ente's compose.yaml).
  { what: 'docker compose files', glob: '**/{compose.yaml,compose.yml,docker-compose.yaml,docker-compose.yml,docker-compose.dev.yaml,docker-compose.dev.yml,docker-compose.local.yaml,docker-compose.local.yml,compose.dev.yaml,compose.dev.yml}', read: connectionsFromCompose, nearbyEnv: true },
  // An app's own YAML config with a `db:` / `database:` / `postgres:` block of host, port, name… (person16: ente's configurations/local.yaml).
  { what: 'YAML config files', glob: '**/{config.yaml,config.yml,local.yaml,local.yml,development.yaml,development.yml,config/*.yaml,config/*.yml,configs/*.yaml,configs/*.yml,configurations/*.yaml,configurations/*.yml}', read: connectionsFromYamlConfig },
  { what: 'Spring application properties', glob: '**/{application.properties,application-dev.properties,application-local.properties,application.yml,application.yaml}', read: connectionsFromSpringProperties },
  // Node ORMs and drivers: sequelize-cli, knex, TypeORM, MikroORM, drizzle-kit (person14: conduit's backend/config/config.js).
  {
    what: 'Node ORM configuration',
    // A project's own config module that maps its variables (Traduora's api/src/config.ts: `host: env.TR_DB_HOST || …`), NestJS modules.
    glob: '**/{config.ts,config.js,config.cjs,config.mjs,config/index.ts,config/index.js,config/database.ts,config/database.config.ts,config/typeorm.ts,config/typeorm.config.ts,database.config.ts,database.config.js,db.config.ts,db.config.js,orm.config.ts,app.module.ts,database.module.ts,config/config.js,config/config.json,config/config.cjs,config/database.js,config/database.json,knexfile.js,knexfile.ts,knexfile.cjs,knexfile.mjs,ormconfig.json,ormconfig.js,ormconfig.ts,data-source.ts,data-source.js,datasource.ts,app-data-source.ts,typeorm.config.ts,typeorm.config.js,mikro-orm.config.ts,mikro-orm.config.js,drizzle.config.ts,drizzle.config.js,drizzle.config.mjs}',
    read: connectionsFromNodeConfig,
    nearbyEnv: true,
  },
];

const profileOf = (name: string, p: { host?: string; port?: string; database?: string; user?: string; sslmode?: string }): ConnectionProfile => {
  const port = Number(p.port || 5432);
  const sslmode = (SSL_MODES as readonly string[]).includes(p.sslmode ?? '') ? (p.sslmode as SslMode) : 'prefer';
  return { name, environment: 'development', host: p.host || 'localhost', port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 5432, database: p.database || p.user || 'postgres', user: p.user || 'postgres', sslmode };
};

/** Text ending in an environment read's default argument: `os.environ.get("K", `, `os.getenv('K', `, `env("K", default=`, `config('K', default=`. */
const ENV_READ_DEFAULT = /\b(?:environ\.get|getenv|env(?:\.\w+)?|config|envsecret)\s*\(\s*(["'])[A-Za-z_][A-Za-z0-9_]*\1\s*,\s*(?:default\s*=\s*)?$/;

/** postgres:// URLs written in the file (a default of DATABASE_URL, dj-database-url, SQLAlchemy): each offered once. */
function urlsIn(text: string, fileLabel: string, skipped: string[]): DetectedConnection[] {
  const out: DetectedConnection[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(/["'](postgres(?:ql)?(?:\+\w+)?:\/\/[^"'\s]+)["']/gi)) {
    // SQLAlchemy's dialect+driver (`postgresql+psycopg2://`) is libpq's postgresql://.
    const url = m[1].replace(/^postgres(?:ql)?\+\w+:/i, 'postgresql:');
    if (seen.has(url) || /[{}$%]/.test(url)) continue; // a template filled at run time: not a connection
    seen.add(url);
    // The default of an environment read (`os.environ.get('DATABASE_URL', 'postgresql://localhost/example')`): what the
    // code falls back to when the real setting is missing — offered last, said so, never connected to unasked (person20 LOW 1).
    const fallback = ENV_READ_DEFAULT.test(text.slice(Math.max(0, m.index! - 200), m.index!));
    try {
      const p = parseConnectionString(url);
      out.push({ source: fallback ? `default in ${fileLabel} (fallback)` : `a postgres:// URL in ${fileLabel}`, password: p.password, profile: { name: `${p.profile.database}@${p.profile.host} (${fileLabel})`, environment: 'development', ...p.profile } as ConnectionProfile, ...(fallback ? { fallback: true as const } : {}) });
    } catch (e) {
      skipped.push(`a URL in ${fileLabel}: ${errorMessage(e)}`);
    }
  }
  return out;
}

/** The `{ … }` around `at` (brace matching, strings skipped roughly: settings dicts hold no braces in strings). */
function enclosingBraces(text: string, at: number): { start: number; end: number } | undefined {
  let depth = 0;
  let start = -1;
  for (let i = at; i >= 0; i--) {
    if (text[i] === '}') depth++;
    else if (text[i] === '{') {
      if (depth === 0) {
        start = i;
        break;
      }
      depth--;
    }
  }
  if (start < 0) return undefined;
  depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return { start, end: i + 1 };
  }
  return undefined;
}

/**
 * A Python settings value: a string literal, or an environment read with its default — `os.getenv("K", "d")`,
 * `os.environ.get("K", "d")`, `os.environ["K"]`, `env("K", default="d")`, `config("K", default="d")`,
 * `envsecret("K", "d")` — the environment's value when set, else the default. Anything else: unknown.
 */
function pythonValue(expr: string, env: Env): string | undefined {
  const e = expr.trim();
  const lit = /^(?:[rbuf]?)(["'])(.*?)\1$/s.exec(e);
  if (lit) return lit[2];
  if (/^\d+$/.test(e)) return e;
  const read = /^[\w.]+\(\s*(["'])([A-Za-z_][A-Za-z0-9_]*)\1\s*(?:,\s*(?:default\s*=\s*)?(?:(["'])(.*?)\3|(\d+)))?[^)]*\)$/s.exec(e) ?? /^os\.environ\[\s*(["'])([A-Za-z_][A-Za-z0-9_]*)\1\s*\]$/.exec(e);
  if (!read) return undefined;
  return env[read[2]] ?? read[4] ?? read[5] ?? (read.length > 3 ? '' : undefined);
}

/** A Python value with where it came from: the variable it read (`key`), else written in the file (`unset`: the variable not set). */
function pythonRead(expr: string, env: Env): { value: string; key?: string; unset?: string } | undefined {
  const e = expr.trim().replace(/\s+#.*$/, '').replace(/^(?:int|str)\(([\s\S]*)\)$/, '$1').trim();
  const lit = /^(?:[rbuf]?)(["'])(.*?)\1$/s.exec(e);
  if (lit) return { value: lit[2] };
  if (/^\d+$/.test(e)) return { value: e };
  const read = /^[\w.]+\(\s*(["'])([A-Za-z_][A-Za-z0-9_]*)\1\s*(?:,\s*(?:default\s*=\s*)?(?:(["'])(.*?)\3|(\d+)))?[^)]*\)$/s.exec(e) ?? /^os\.environ\[\s*(["'])([A-Za-z_][A-Za-z0-9_]*)\1\s*\]$/.exec(e);
  if (!read) return undefined;
  if (env[read[2]]) return { value: env[read[2]]!, key: read[2] };
  const dflt = read[4] ?? read[5];
  return dflt !== undefined ? { value: dflt, unset: read[2] } : undefined;
}

/**
 * A Python app's own config module: top-level or settings-class assignments whose names are a connection's parts under
 * the project's prefix (`DB_HOST = os.getenv("APP_DB_HOST", "localhost")`, `POSTGRES_SERVER: str` in a pydantic
 * `BaseSettings`, whose fields read the variable of their name, else their default). Grouped as a .env's prefixed keys.
 */
export function connectionsFromPythonConfig(text: string, fileLabel: string, env: Env = {}, valuesFrom?: string, keyOrigin: Record<string, string> = {}): { found: DetectedConnection[]; skipped: string[] } {
  const skipped: string[] = [];
  const values = new Map<string, string>();
  const origin = new Map<string, string>();
  const settingsClass = /class\s+\w+\s*\([^)]*\bBaseSettings\b[^)]*\)\s*:/.test(text);
  const said = (v: string) => `${v}${keyOrigin[v] ? ` in ${keyOrigin[v]}` : ''}`;
  for (const m of text.matchAll(/^[ \t]*([A-Za-z][A-Za-z0-9_]*)[ \t]*(?::[ \t]*[^=\n]+?)?[ \t]*(?:=[ \t]*(.+?))?[ \t]*$/gm)) {
    const [, name, expr] = m;
    if (!/(?:DB|DATABASE|POSTGRES|POSTGRESQL|PG|PSQL)_(?:HOST|HOSTNAME|SERVER|PORT|USER|USERNAME|PASSWORD|PASS|PWD|NAME|DATABASE|DB|DBNAME|TYPE|ENGINE|SSLMODE)$/i.test(name) || values.has(name)) continue;
    // A pydantic settings field reads the variable of its own name (any case), else its default.
    const own = settingsClass ? [name, name.toUpperCase()].find((k) => env[k]) : undefined;
    const r = own ? { value: env[own]!, key: own } : expr !== undefined ? pythonRead(expr, env) : undefined;
    if (!r) continue;
    values.set(name, r.value);
    origin.set(name, r.key ? said(r.key) : `written in ${fileLabel}${r.unset ? ` (${r.unset} not set)` : ''}`);
  }
  const found = connectionsFromPrefixedKeys(values, fileLabel, skipped, (k) => origin.get(k) ?? k).map((f) => ({ ...f, source: `${f.source}${valuesFrom ? `, values from ${valuesFrom}` : ''}` }));
  return { found, skipped };
}

/** Django: each `DATABASES` entry whose ENGINE is PostgreSQL (postgresql, postgresql_psycopg2, PostGIS). */
export function connectionsFromDjangoSettings(text: string, fileLabel: string, env: Env = {}): { found: DetectedConnection[]; skipped: string[] } {
  const skipped: string[] = [];
  const found: DetectedConnection[] = [];
  if (!/DATABASES|DATABASE_URL/.test(text)) return { found, skipped };
  for (const m of text.matchAll(/["']ENGINE["']\s*:\s*["']django(?:\.contrib\.gis)?\.db\.backends\.(postgresql(?:_psycopg2)?|postgis)["']/g)) {
    const dict = enclosingBraces(text, m.index!);
    if (!dict) continue;
    const body = text.slice(dict.start, dict.end);
    // Top-level keys of this dict only (OPTIONS is read for sslmode).
    const get = (key: string, within = body) => {
      // The key at the dict's own level (not TEST's "NAME" or OPTIONS' keys).
      const k = [...within.matchAll(new RegExp(`["']${key}["']\\s*:\\s*`, 'g'))].find((x) => depthAt(within, x.index!, '([{', ')]}', `'"`) === 1);
      if (!k) return undefined;
      // The value runs to the next top-level comma or the end of the dict.
      let depth = 0;
      let i = k.index + k[0].length;
      const from = i;
      for (; i < within.length; i++) {
        const c = within[i];
        if (c === '(' || c === '[' || c === '{') depth++;
        else if (c === ')' || c === ']' || c === '}') {
          if (depth === 0) break;
          depth--;
        } else if (c === ',' && depth === 0) break;
        else if ((c === '"' || c === "'") && depth >= 0) {
          const close = within.indexOf(c, i + 1);
          if (close > 0) i = close;
        }
      }
      return pythonValue(within.slice(from, i), env);
    };
    const database = get('NAME');
    if (database === undefined) {
      skipped.push(`the PostgreSQL DATABASES entry in ${fileLabel}: its NAME is computed at run time`);
      continue;
    }
    const optionsAt = /["']OPTIONS["']\s*:\s*\{/.exec(body);
    const options = optionsAt ? body.slice(optionsAt.index + optionsAt[0].length - 1, enclosingBraces(body, optionsAt.index + optionsAt[0].length)?.end) : '';
    const password = get('PASSWORD');
    const profile = profileOf(`${database}@${get('HOST') || 'localhost'} (${fileLabel})`, { host: get('HOST'), port: get('PORT'), database, user: get('USER'), sslmode: options ? get('sslmode', options) : undefined });
    found.push({ source: `DATABASES in ${fileLabel}`, profile, ...(password ? { password } : {}) });
  }
  for (const u of urlsIn(text, fileLabel, skipped)) if (!found.some((f) => sameServer(f.profile, u.profile))) found.push(u);
  return { found, skipped };
}


/** An ERB value of database.yml: `<%= ENV.fetch("K") { "d" } %>`, `<%= ENV.fetch("K", "d") %>`, `<%= ENV["K"] || "d" %>`. */
function erbValue(raw: string, env: Env): string | undefined {
  const v = raw.trim().replace(/^(["'])(.*)\1$/, '$2');
  const erb = /^<%=\s*(.*?)\s*%>$/.exec(v);
  if (!erb) return v.includes('<%') ? undefined : v;
  const e = erb[1];
  const m = /^ENV\.fetch\(\s*["'](\w+)["']\s*(?:,\s*["']?([^"')]*)["']?\s*)?\)\s*(?:\{\s*["']?([^"'}]*)["']?\s*\})?$/.exec(e) ?? /^ENV\[\s*["'](\w+)["']\s*\]\s*(?:\|\|\s*["']?([^"']*)["']?)?$/.exec(e);
  if (!m) return undefined;
  return env[m[1]] ?? m[2] ?? m[3];
}

/** Rails: the postgresql sections of config/database.yml, development first (`<<: *default` merged). */
export function connectionsFromRailsDatabaseYml(text: string, fileLabel: string, env: Env = {}): { found: DetectedConnection[]; skipped: string[] } {
  const skipped: string[] = [];
  // Top-level sections and their `key: value` lines (YAML anchors: `<<: *name` takes the anchored section's keys).
  const sections = new Map<string, { anchor?: string; keys: Map<string, string>; merges: string[] }>();
  let current: { anchor?: string; keys: Map<string, string>; merges: string[] } | undefined;
  for (const line of text.split(/\r?\n/)) {
    const top = /^([A-Za-z_][\w-]*):\s*(?:&(\w+))?\s*$/.exec(line);
    if (top) {
      current = { anchor: top[2], keys: new Map(), merges: [] };
      sections.set(top[1], current);
      continue;
    }
    const kv = /^\s+([\w<]+):\s*(.*?)\s*$/.exec(line);
    if (!kv || !current) continue;
    if (kv[1] === '<<') current.merges.push(kv[2].replace(/^\*/, ''));
    else current.keys.set(kv[1], kv[2].replace(/\s+#.*$/, ''));
  }
  const byAnchor = new Map([...sections.values()].filter((s) => s.anchor).map((s) => [s.anchor!, s]));
  const keysOf = (s: { keys: Map<string, string>; merges: string[] }): Map<string, string> => new Map([...s.merges.flatMap((a) => [...(byAnchor.get(a) ? keysOf(byAnchor.get(a)!) : new Map<string, string>())]), ...s.keys]);
  const found: DetectedConnection[] = [];
  // Development first, test last; production is no place for a development tool's first guess; a section that is only
  // an anchor for the others (`default: &default`) is no database of its own.
  const order = ['development', ...[...sections.keys()].filter((k) => !['development', 'test', 'production'].includes(k)), 'test'];
  for (const name of order) {
    const s = sections.get(name);
    if (!s || s.anchor) continue;
    const keys = keysOf(s);
    if (!/postgres|postgis/.test(keys.get('adapter') ?? '')) continue;
    const url = keys.get('url') !== undefined ? erbValue(keys.get('url')!, env) : undefined;
    if (url && /^postgres(ql)?:\/\//.test(url)) {
      try {
        const p = parseConnectionString(url);
        found.push({ source: `${name} in ${fileLabel}`, password: p.password, profile: { name: `${name} (${fileLabel})`, environment: 'development', ...p.profile } as ConnectionProfile });
      } catch (e) {
        skipped.push(`${name} in ${fileLabel}: ${errorMessage(e)}`);
      }
      continue;
    }
    const val = (k: string) => (keys.has(k) ? erbValue(keys.get(k)!, env) : undefined);
    const database = val('database');
    if (!database) {
      if (keys.has('database')) skipped.push(`${name} in ${fileLabel}: its database is computed at run time`);
      continue;
    }
    const password = val('password');
    found.push({ source: `${name} in ${fileLabel}`, profile: profileOf(`${name} (${fileLabel})`, { host: val('host'), port: val('port'), database, user: val('username') ?? val('user') ?? env.USER, sslmode: val('sslmode') }), ...(password ? { password } : {}) });
  }
  return { found, skipped };
}

/** compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `$VAR` interpolation; undefined when a variable without a default is not set. */
function composeValue(v: string, env: Env): string | undefined {
  let unknown = false;
  const out = v.replace(/\$\$/g, '\u0000').replace(/\$\{(\w+)(?:(:?-)([^}]*))?\}|\$(\w+)/g, (_m, name: string | undefined, op: string | undefined, dflt: string | undefined, bare: string | undefined) => {
    const n = (name ?? bare)!;
    const val = env[n];
    if (val !== undefined && !(op === ':-' && val === '')) return val;
    if (op) return dflt ?? '';
    unknown = true;
    return '';
  }).replace(/\u0000/g, '$');
  return unknown ? undefined : out;
}

/** A service's image is PostgreSQL's (postgres, postgis/postgis, timescale/timescaledb, pgvector/pgvector, bitnami/postgresql…). */
const PG_IMAGE = /^(?:[\w.-]+(?::\d+)?\/)*(?:postgres|postgresql|postgis|timescaledb(?:-ha|-postgis)?|pgvector|supabase-postgres|postgres-\w+)(?::[^/\s]*|@sha256:\w+)?$/i;

/** The host port a compose service publishes for `target` (`"5433:5432"`, `127.0.0.1:5433:5432/tcp`, `{ target: 5432, published: 5433 }`). */
function publishedPort(ports: YamlValue | undefined, target: string, env: Env): { host: string; port: string } | undefined {
  for (const p of Array.isArray(ports) ? ports : []) {
    const m = yamlMap(p);
    if (m) {
      if (String(m.target ?? '') === target && m.published !== undefined) return { host: typeof m.host_ip === 'string' ? m.host_ip : 'localhost', port: composeValue(String(m.published), env) ?? '' };
      continue;
    }
    if (typeof p !== 'string') continue;
    const text = composeValue(p, env);
    const parts = text?.replace(/\/(tcp|udp)$/, '').split(':');
    if (!parts || parts[parts.length - 1] !== target) continue;
    if (parts.length === 1) return { host: 'localhost', port: target };
    return { host: parts.length === 3 && parts[0] && parts[0] !== '0.0.0.0' ? parts[0] : 'localhost', port: parts[parts.length - 2] };
  }
  return undefined;
}

/**
 * docker compose: each service whose image is PostgreSQL's, with `POSTGRES_USER` / `POSTGRES_PASSWORD` / `POSTGRES_DB` from
 * its environment (a mapping or `KEY=value` lines; the image's defaults `postgres` and the user's name otherwise) and the
 * host port it publishes for 5432. A service that publishes none is still offered at localhost:5432, said in its source
 * (reachable from this machine once the port is published, or from a container on its network).
 */
export function connectionsFromCompose(text: string, fileLabel: string, env: Env = {}): { found: DetectedConnection[]; skipped: string[] } {
  const skipped: string[] = [];
  const found: DetectedConnection[] = [];
  const services = yamlMap(yamlMap(readSimpleYaml(text))?.services);
  for (const [name, raw] of Object.entries(services ?? {})) {
    const svc = yamlMap(raw);
    if (!svc || typeof svc.image !== 'string' || !PG_IMAGE.test(composeValue(svc.image, env) ?? svc.image)) continue;
    const vars = new Map<string, string>();
    const e = svc.environment;
    if (Array.isArray(e)) for (const x of e) if (typeof x === 'string' && x.includes('=')) vars.set(x.slice(0, x.indexOf('=')).trim(), x.slice(x.indexOf('=') + 1));
    for (const [k, v] of Object.entries(yamlMap(e) ?? {})) if (typeof v === 'string') vars.set(k, v);
    // `env_file: .env`: the values are in that file; those of the compose file's folder (and VS Code's environment) are at hand.
    if (svc.env_file !== undefined) {
      for (const k of ['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB']) if (!vars.has(k) && env[k] !== undefined) vars.set(k, env[k]!);
      if (!['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB'].some((k) => vars.has(k))) {
        skipped.push(`service ${name} in ${fileLabel}: its POSTGRES_* values are in its env_file, and no .env beside it sets them`);
        continue;
      }
    }
    const val = (k: string): string | undefined => {
      const v = vars.get(k);
      return v === undefined ? undefined : composeValue(v, env);
    };
    if ([...vars.keys()].some((k) => /^POSTGRES_(USER|PASSWORD|DB)$/.test(k) && val(k) === undefined)) {
      skipped.push(`service ${name} in ${fileLabel}: its POSTGRES_* values come from variables that are not set`);
      continue;
    }
    const user = val('POSTGRES_USER') || 'postgres';
    const database = val('POSTGRES_DB') || user;
    const password = val('POSTGRES_PASSWORD');
    const published = publishedPort(svc.ports, val('PGPORT') || '5432', env);
    const source = `service ${name} in ${fileLabel}${published ? '' : ' (it publishes no port: publish 5432 to reach it from this machine)'}`;
    found.push({ source, profile: profileOf(`${database}@${name} (${fileLabel})`, { host: published?.host, port: published?.port, database, user }), ...(password ? { password } : {}) });
  }
  return { found, skipped };
}

/**
 * An app's own YAML config (Go services read one with viper: ente's `configurations/local.yaml`): a top-level `db:`,
 * `database:`, `postgres:` or `postgresql:` block with `host` and a database `name` / `database` / `dbname`, plus
 * `port`, `user` / `username`, `password`, `sslmode`. Values are taken as written (`${VAR}` filled from the environment
 * when set); an empty `user:` (given by the environment at run time) is left to the default. A block naming another
 * driver (`driver: mysql`) is not offered.
 */
export function connectionsFromYamlConfig(text: string, fileLabel: string, env: Env = {}): { found: DetectedConnection[]; skipped: string[] } {
  const skipped: string[] = [];
  const found: DetectedConnection[] = [];
  const root = yamlMap(readSimpleYaml(text));
  for (const key of ['db', 'database', 'postgres', 'postgresql']) {
    const b = yamlMap(root?.[key]);
    if (!b) continue;
    const val = (...names: string[]): string | undefined => {
      for (const n of names) {
        const v = b[n];
        // A template's placeholder (`password: <password>`) is no value.
        if (typeof v === 'string' && v !== '' && !/^<[^<>]*>$/.test(v)) return composeValue(v, env) ?? undefined;
      }
      return undefined;
    };
    const kind = val('driver', 'type', 'dialect', 'adapter', 'engine');
    if (kind && dialectKind(kind) === 'other') continue;
    const url = val('url', 'dsn', 'uri');
    if (url && /^postgres(ql)?:\/\//.test(url)) {
      try {
        const p = parseConnectionString(url);
        found.push({ source: `${key}.url in ${fileLabel}`, password: p.password, profile: { name: `${key} (${fileLabel})`, environment: 'development', ...p.profile } as ConnectionProfile });
      } catch (e) {
        skipped.push(`${key}.url in ${fileLabel}: ${errorMessage(e)}`);
      }
      continue;
    }
    const host = val('host', 'hostname', 'server');
    const database = val('name', 'database', 'dbname', 'db');
    if (!host || !database) continue;
    const password = val('password', 'pass');
    found.push({ source: `${key} block in ${fileLabel}`, profile: profileOf(`${database}@${host} (${fileLabel})`, { host, port: val('port'), database, user: val('user', 'username'), sslmode: val('sslmode', 'ssl_mode') }), ...(password ? { password } : {}) });
  }
  return { found, skipped };
}

/** `${ENV:default}` / `${ENV}` of Spring properties: the environment's value, else the default. */
function springValue(v: string, env: Env): string | undefined {
  let unknown = false;
  const out = v.replace(/\$\{([\w.-]+)(?::([^}]*))?\}/g, (_m, name: string, dflt: string | undefined) => {
    const val = env[name] ?? env[name.toUpperCase().replace(/[.-]/g, '_')] ?? dflt;
    if (val === undefined) unknown = true;
    return val ?? '';
  });
  return unknown ? undefined : out.trim();
}

/** Spring Boot: `spring.datasource.url=jdbc:postgresql://host:port/db` (properties or YAML) with its username and password. */
export function connectionsFromSpringProperties(text: string, fileLabel: string, env: Env = {}): { found: DetectedConnection[]; skipped: string[] } {
  const skipped: string[] = [];
  const props = new Map<string, string>();
  if (/\.ya?ml$/.test(fileLabel)) {
    // The datasource block of application.yml: `spring:` › `datasource:` › url / username / password.
    const m = /^\s*datasource:\s*\n((?:[ \t]+.*\n?)+)/m.exec(text);
    for (const line of m?.[1].split('\n') ?? []) {
      const kv = /^\s+(url|username|password):\s*["']?(.*?)["']?\s*$/.exec(line);
      if (kv) props.set(`spring.datasource.${kv[1]}`, kv[2]);
    }
  } else {
    for (const line of text.split(/\r?\n/)) {
      const kv = /^\s*(spring\.datasource\.(?:url|username|password))\s*[=:]\s*(.*?)\s*$/.exec(line);
      if (kv) props.set(kv[1], kv[2]);
    }
  }
  const raw = props.get('spring.datasource.url');
  if (!raw) return { found: [], skipped };
  const url = springValue(raw, env);
  if (!url) {
    skipped.push(`spring.datasource.url in ${fileLabel}: its value comes from a variable that is not set`);
    return { found: [], skipped };
  }
  const m = /^jdbc:postgresql:\/\/([^/:?,]+)(?::(\d+))?\/([^?;]+)(?:\?(.*))?$/.exec(url);
  if (!m) return { found: [], skipped };
  const params = new URLSearchParams(m[4] ?? '');
  const user = props.has('spring.datasource.username') ? springValue(props.get('spring.datasource.username')!, env) : params.get('user') ?? undefined;
  const password = props.has('spring.datasource.password') ? springValue(props.get('spring.datasource.password')!, env) : params.get('password') ?? undefined;
  return { found: [{ source: `spring.datasource.url in ${fileLabel}`, profile: profileOf(`${m[3]}@${m[1]} (${fileLabel})`, { host: m[1], port: m[2], database: m[3], user, sslmode: params.get('sslmode') ?? undefined }), ...(password ? { password } : {}) }], skipped };
}

/**
 * The top-level `key: value` pairs of the JS/JSON object literal at `open` (its `{`), values as raw text; strings,
 * template literals and comments skipped. A spread or a shorthand key is left out (its value is not in the text).
 */
function objectEntries(text: string, open: number): Map<string, { raw: string; at: number }> {
  const out = new Map<string, { raw: string; at: number }>();
  let depth = 0;
  let from = open + 1;
  const flush = (end: number) => {
    const seg = text.slice(from, end);
    const m = /^\s*(?:\/\/[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*(["'`]?)([A-Za-z_$][\w$-]*)\1\s*:\s*/.exec(seg);
    if (m) out.set(m[2], { raw: seg.slice(m[0].length).replace(/\s*(?:\/\/[^\n]*)?\s*$/, '').trim(), at: from + m[0].length });
  };
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
    } else if (c === '/' && text[i + 1] === '/') i = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i);
    else if (c === '/' && text[i + 1] === '*') i = text.indexOf('*/', i) < 0 ? text.length : text.indexOf('*/', i) + 1;
    else if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') {
      if (--depth === 0) {
        flush(i);
        break;
      }
    } else if (c === ',' && depth === 1) {
      flush(i);
      from = i + 1;
    }
  }
  return out;
}

/**
 * A JS configuration value read as text: a literal (string, number, template without `${}`), or an environment read —
 * `process.env.X`, `process.env["X"]`, `env.X`, `Bun.env.X`, `import.meta.env.X`, `process.env.X!`, NestJS's
 * `configService.get('X')` / `config.get<string>('X', 'd')` / `getOrThrow('X')` — with a fallback after `||` / `??`,
 * inside `Number(…)`, `parseInt(…, 10)`, `String(…)` or `+…`. Anything else (a call, a variable): undefined.
 * `key`: the variable it came from; `unset`: the variables read before a written fallback was taken.
 */
/** A part of `(a ?? b)` split at the operator: the group's own paren taken off, a call's kept. */
function balance(x: string): string {
  let t = x.replace(/^\(([\s\S]*)\)$/, '$1');
  const count = (c: string) => t.split(c).length - 1;
  if (t.startsWith('(') && count('(') > count(')')) t = t.slice(1);
  if (t.endsWith(')') && count(')') > count('(')) t = t.slice(0, -1);
  return t.trim();
}

function jsRead(expr: string, env: Env): { value: string; key?: string; unset: string[] } | undefined {
  const unwrap = (x: string) => {
    const w = /^(?:Number|parseInt|parseFloat|String)\(([\s\S]*?)(?:,\s*\d+)?\)$/.exec(x) ?? /^\+\s*([\s\S]+)$/.exec(x);
    return (w ? w[1] : x).trim();
  };
  const e = unwrap(expr.trim().replace(/\s+as\s+[\w.]+$/, ''));
  const unset: string[] = [];
  for (const part of e.split(/\s*(?:\|\||\?\?)\s*/)) {
    const p = unwrap(balance(unwrap(part.trim())));
    const lit = /^(["'`])([^"'`$]*)\1$/.exec(p);
    if (lit) return { value: lit[2], unset };
    if (/^\d+$/.test(p)) return { value: p, unset };
    const read =
      /^(?:process\.env|import\.meta\.env|Bun\.env|env)(?:\.([A-Za-z_]\w*)|\[\s*["'`]([A-Za-z_]\w*)["'`]\s*\])!?$/.exec(p) ??
      /^[\w$.]+\.(?:get|getOrThrow)(?:<[^>]*>)?\(\s*["'`]([A-Za-z_]\w*)["'`]\s*(?:,\s*(?:(["'`])([^"'`$]*)\2|(\d+)))?\s*\)!?$/.exec(p);
    if (!read) return undefined;
    const key = read[1] ?? read[2];
    const v = env[key];
    if (v) return { value: v, key, unset };
    unset.push(key);
    // configService.get('X', 'default')
    if (!/^(?:process|import|Bun|env)\b/.test(p) && (read[3] !== undefined || read[4] !== undefined)) return { value: read[3] ?? read[4], unset };
  }
  return undefined;
}
const jsValue = (expr: string, env: Env) => jsRead(expr, env)?.value;

/**
 * Node ORM and driver configuration files, read as text (never run): sequelize-cli's `config/config.{js,json}`
 * (per-environment objects with `dialect`, `use_env_variable`), knexfile's `client` + `connection` (object, URL or
 * `process.env.DATABASE_URL`), TypeORM's `ormconfig` / `new DataSource({ type: 'postgres', … })`, MikroORM's
 * `driver`/`dbName`/`clientUrl`, drizzle-kit's `dialect` + `dbCredentials`. `process.env.X` comes from `env` (the
 * process environment over the .env files next to the config, see src/vscode/detect.ts); `valuesFrom` names them.
 */
export function connectionsFromNodeConfig(text: string, fileLabel: string, env: Env = {}, valuesFrom?: string, keyOrigin: Record<string, string> = {}): { found: DetectedConnection[]; skipped: string[] } {
  const found: DetectedConnection[] = [];
  const skipped: string[] = [];
  const tail = valuesFrom ? `, values from ${valuesFrom}` : '';
  const seen = new Set<number>();
  for (const m of text.matchAll(/(["']?)(dialect|client|type|driver)\1\s*:\s*/g)) {
    const obj = enclosingBraces(text, m.index!);
    if (!obj || seen.has(obj.start)) continue;
    const entries = objectEntries(text, obj.start);
    const marker = entries.get(m[2]);
    if (!marker || marker.at !== m.index! + m[0].length) continue; // a nested object's key
    const dialect = jsValue(marker.raw, env) ?? (/^[A-Z]\w*Driver$/.test(marker.raw) ? marker.raw : undefined);
    // The environment the object is the value of (`development: { … }`), else the file.
    const owner = /(["']?)([\w$-]+)\1\s*:\s*$/.exec(text.slice(Math.max(0, obj.start - 80), obj.start));
    const name = owner && !/^(?:module|exports|default)$/.test(owner[2]) ? owner[2] : undefined;
    if (name === 'production' || name === 'prod') continue; // never a development tool's guess
    const where = `${name ? `${name} in ` : ''}${fileLabel}`;
    if (dialect === undefined) {
      if (m[2] !== 'type' && /process\.env|env\./.test(marker.raw)) skipped.push(`${where}: its ${m[2]} comes from a variable that is not set${tail}`);
      continue;
    }
    if (dialectKind(dialect) !== 'postgres') {
      const unset = jsRead(marker.raw, env)?.unset ?? [];
      if (dialectKind(dialect) === 'other') skipped.push(`${where}: ${m[2]} ${dialect}${unset.length ? ` (${unset.join(', ')} not set${tail})` : ''} (PG Lens connects to PostgreSQL only)`);
      continue;
    }
    seen.add(obj.start);
    // knex `connection` / drizzle `dbCredentials` / pg `connection`: a nested object or a URL.
    const nestedKey = ['connection', 'dbCredentials', 'credentials'].find((k) => entries.has(k));
    const nested = nestedKey ? entries.get(nestedKey)! : undefined;
    const inner = nested?.raw.startsWith('{') ? objectEntries(text, nested.at) : undefined;
    const from = inner ?? entries;
    const get = (...keys: string[]) => {
      for (const k of keys) if (from.has(k)) return jsValue(from.get(k)!.raw, env);
      return undefined;
    };
    const useEnv = entries.get('use_env_variable');
    const urlRaw = (nested && !inner ? nested.raw : undefined) ?? (from.get('url') ?? from.get('connectionString') ?? from.get('clientUrl') ?? from.get('uri'))?.raw;
    const url = useEnv ? env[jsValue(useEnv.raw, {}) ?? ''] : urlRaw !== undefined ? jsValue(urlRaw, env) : undefined;
    if (useEnv || urlRaw !== undefined) {
      if (url && /^postgres(ql)?:\/\//i.test(url)) {
        try {
          const p = parseConnectionString(url);
          found.push({ source: `${where}${tail}`, password: p.password, profile: { name: `${p.profile.database}@${p.profile.host} (${where})`, environment: 'development', ...p.profile } as ConnectionProfile });
        } catch (e) {
          skipped.push(`${where}: ${errorMessage(e)}`);
        }
        continue;
      }
      if (useEnv || !get('database', 'dbName', 'db')) {
        skipped.push(`${where}: its connection URL comes from a variable that is not set${tail}`);
        continue;
      }
    }
    const database = get('database', 'dbName', 'db');
    if (!database) {
      skipped.push(`${where}: its database name ${from.has('database') || from.has('dbName') ? 'comes from a variable that is not set' : 'is not written in the file'}${tail}`);
      continue;
    }
    const host = get('host', 'hostname');
    const password = get('password');
    const ssl = get('sslmode');
    // Where each value came from: a variable (and the .env that set it), or what the file writes.
    const origin = (shown: string, ...keys: string[]) => {
      const k = keys.find((x) => from.has(x));
      const r = k ? jsRead(from.get(k)!.raw, env) : undefined;
      if (!r) return `${shown} ← default`;
      const note = r.key ? `${r.key}${keyOrigin[r.key] ? ` in ${keyOrigin[r.key]}` : ''}` : `written in ${fileLabel}${r.unset.length ? ` (${r.unset.join(', ')} not set)` : ''}`;
      return `${shown} ← ${note}`;
    };
    const valuesOrigin = [origin('host', 'host', 'hostname'), origin('port', 'port'), origin('user', 'username', 'user'), origin('database', 'database', 'dbName', 'db'), ...(password ? [`${origin('password', 'password')} (kept in the secret store)`] : [])].join(' · ');
    found.push({
      source: `${where}${tail}`,
      profile: profileOf(`${name ?? database}@${host || 'localhost'} (${fileLabel})`, { host, port: get('port'), database, user: get('username', 'user'), sslmode: ssl }),
      ...(password ? { password } : {}),
      valuesFrom: valuesOrigin,
    });
  }
  return { found, skipped };
}
