/**
 * Is this call a database round trip, and with which library? Receiver/name heuristics chosen to
 * keep precision high: a name alone (`find`, `get`, `query`) never makes a call a query; the
 * receiver must look like a query client, a repository, a model, or be known from the file's
 * imports and assignments.
 */
import type { Chain, LanguageAdapter, Node, Segment } from './syntax';
import { field, named, stringValue } from './syntax';
import type { FileContext } from './context';

export type Library =
  | 'node-postgres' | 'postgres.js' | 'mysql2' | 'pg-promise' | 'knex' | 'drizzle' | 'kysely' | 'prisma' | 'typeorm' | 'sequelize' | 'mikro-orm' | 'objection' | 'bookshelf'
  | 'psycopg' | 'asyncpg' | 'databases' | 'django' | 'sqlalchemy' | 'peewee' | 'tortoise'
  | 'database/sql' | 'pgx' | 'sqlx' | 'gorm' | 'ent' | 'pop' | 'bun' | 'xorm'
  | 'jdbc' | 'spring-jdbc' | 'spring-data' | 'jpa' | 'jooq' | 'mybatis-plus' | 'mybatis'
  | 'activerecord' | 'ruby-pg'
  | 'sql';

export interface DbCall {
  library: Library;
  op: 'read' | 'write';
  /** The call handles many items at once (IN/ANY, createMany, executemany, addBatch, …). */
  batch: boolean;
  /** How the call reads in the source, shortened: `prisma.user.findUnique`, `User.objects.get`. */
  label: string;
  method: string;
  /** Model/table/entity name when the call names one (`user`, `User`, `users`). */
  model?: string;
  /** The SQL literal given to the call, when there is one. */
  sql?: string;
  /** The node holding the SQL (or the first argument), for "statement list" checks. */
  sqlArg?: Node;
  /** An instance method (`user.save()`): only a finding when the receiver is the loop variable. */
  instanceOf?: string;
  /** A lazy association accessor (`user.getPosts()`). */
  lazy?: boolean;
  /** Java: a repository call known by its receiver's name and method verb only, with the receiver's declared type (`AbstractJdbcRepository`). */
  ownType?: string;
  /**
   * Java: a no-argument bean getter (`invoiceModelDao.getId()`) taken for a repository's query by the receiver's name
   * alone (`…Dao`): the class it is read on — the receiver's declared type, else its name capitalised. Once every file is
   * read, a getter of a class the app defines as a data class (fields read back by getters, no query of its own) is no
   * query (CrossFileCalls: the finding is dropped, and a function querying only so does not query).
   */
  getterOf?: string;
  /**
   * A method of the app's own data layer (a store interface, sqlc's generated queries, a repository's declared query
   * method): no batched form of it exists until the app adds one, so the finding names the method to batch and offers
   * no code.
   */
  appMethod?: boolean;
  /**
   * A builder chain's write verb when `method` is the chain's last call (`update` in `knex('t').update(…).where(…)`,
   * `delete` in `db.delete(t).where(…)`): what kind of write the batched form must be.
   */
  verb?: string;
  /**
   * A builder chain's conflict handling as written, on one line (`.onConflict(['project_id', 'environment_name']).ignore()`,
   * Drizzle's `.onConflictDoNothing()`): the write is an upsert, and a batched form must keep it (person10 N1: the
   * batch without it throws on the duplicate the loop skipped).
   */
  conflict?: string;
  /** The columns the write's object literal names (`insert({ project_id: id, environment_name: env })`). */
  columns?: string[];
  /** TypeScript: the row type the call's type argument gives (`Review` of `db.query<Review>(…)`), for a rewrite to keep. */
  rowType?: string;
}

const CLIENTISH = /^(db|pool|client|conn|connection|con|pg|pgPool|pgClient|database|tx|trx|txn|transaction|knex|sql|prisma|em|manager|entityManager|dataSource|AppDataSource|sequelize|kysely|orm|dbClient|dbPool|writer|reader|primary|replica)$/;
const CLIENT_SUFFIX = /(Pool|Client|Db|DB|Connection|Conn|Tx|Trx|Txn|Database)$/;

export function isClientish(name: string | undefined, ctx: FileContext): boolean {
  if (!name) return false;
  if (ctx.fragments.has(name)) return false;
  return CLIENTISH.test(name) || CLIENT_SUFFIX.test(name) || ctx.clients.has(name);
}

const NOT_MODELS = new Set([
  'Object', 'Array', 'Promise', 'Math', 'JSON', 'Date', 'Reflect', 'Number', 'String', 'Boolean', 'Symbol', 'Map', 'Set', 'WeakMap', 'Intl', 'Buffer', 'URL', 'Error', 'RegExp', 'BigInt', 'Atomics', 'Proxy', 'Function', 'React', 'Vue',
  'File', 'Dir', 'IO', 'Time', 'DateTime', 'Rails', 'Integer', 'Float', 'Hash', 'Kernel', 'Struct', 'Thread', 'Process', 'Logger', 'CSV', 'YAML', 'ERB', 'Base64', 'Digest', 'SecureRandom', 'Net', 'URI', 'Open3', 'FileUtils', 'Pathname', 'BigDecimal', 'Rational', 'Comparable', 'Enumerable', 'ENV', 'STDOUT', 'STDERR', 'PG',
  'Tempfile', 'StringIO', 'OpenStruct', 'Zlib', 'Marshal', 'Benchmark', 'Timeout', 'Shellwords', 'Mutex', 'Queue', 'ObjectSpace', 'Socket', 'OpenSSL', 'Etc', 'Find', 'Ripper', 'Psych',
  'Optional', 'List', 'Arrays', 'Collections', 'Objects', 'Stream', 'IntStream', 'Collectors', 'System', 'Thread', 'Files', 'Paths', 'UUID', 'LocalDate', 'Instant', 'Duration', 'Long', 'Integer', 'Double',
]);

/** A PascalCase name that is not a language built-in or a CONSTANT: a model class (Sequelize, ActiveRecord). */
export function isModelName(name: string | undefined, ctx: FileContext): boolean {
  if (!name || !/^[A-Z][A-Za-z0-9_]*$/.test(name) || NOT_MODELS.has(name)) return false;
  if (ctx.models.has(name)) return true;
  return !(/^[A-Z0-9_]+$/.test(name) && name.length > 1);
}

/** SQL that already handles a set of keys or rows in one statement. */
export const BATCH_SQL = /=\s*any\s*\(|<>\s*all\s*\(|\bunnest\s*\(|\bin\s+%s\b|\bin\s*%\(\w+\)s|\bin\s*\(\s*(?:\$\d+|\?|%s|:\w+|%\(\w+\)s)\s*,|\bin\s*:\w+|\bin\s*\(\s*:\w+\s*\)|\bin\s*\(\s*\$\{|\bin\s*\(\s*select\b|\bin\s+\$\d+|\bvalues\s*%s|\)\s*,\s*\(\s*(?:\$\d+|\?|%s)|\bjson_to_recordset\b|\bjsonb_to_recordset\b|\bcopy\s+\w+.*\bfrom\s+stdin/i;
const WRITE_SQL = /^\s*(?:with\b[\s\S]*?\)\s*)?(insert|update|delete|merge|upsert|replace)\b/i;

export function firstArg(seg: Segment | undefined): Node | undefined {
  return named(seg?.args).find((n) => !/comment/.test(n.type));
}

export function sqlOf(n: Node | undefined, a: LanguageAdapter): string | undefined {
  if (!n) return undefined;
  if (a.stringTypes.has(n.type)) return stringValue(n);
  if (n.type === 'template_string') return stringValue(n);
  // sql`…`, text("…"), sql.raw(…) wrappers
  if (n.type === 'call_expression' || n.type === 'call') {
    const args = named(field(n, 'arguments'));
    const inner = args[0];
    if (inner && (a.stringTypes.has(inner.type) || inner.type === 'template_string')) return stringValue(inner);
  }
  if (n.type === 'object') {
    const text = named(n).find((p) => p.type === 'pair' && field(p, 'key')?.text === 'text');
    const v = text ? field(text, 'value') : undefined;
    if (v && (a.stringTypes.has(v.type) || v.type === 'template_string')) return stringValue(v);
  }
  return undefined;
}

/** Arguments of the whole chain as text (for `in:`, `__in`, `whereIn`, `.in_(` checks). */
export function chainArgsText(chain: Chain): string {
  return chain.segments.map((s) => s.args?.text ?? '').join(' ');
}

export function names(chain: Chain): string[] {
  return chain.segments.map((s) => s.name);
}

/** What each language's classifier reads of a chain first: its segments, their names, the last segment (the call) and its method name. */
export function chainParts(chain: Chain): { segs: Chain['segments']; names: string[]; last: Chain['segments'][number]; method: string } {
  const segs = chain.segments;
  const last = segs[segs.length - 1];
  return { segs, names: names(chain), last, method: last.name };
}

export function label(chain: Chain, upTo?: number): string {
  const segs = chain.segments.slice(0, upTo === undefined ? undefined : upTo + 1);
  return (chain.viaSelf ? (chain.root.type === 'self' ? 'self.' : chain.root.type === 'instance_variable' ? '@' : 'this.') : '') + segs.map((s) => s.name).join('.');
}

/**
 * A statement argument that is a URL or a URL path (`'/library/sections'`, `` `/library/metadata/${key}` ``,
 * `'https://…'`, Spring's `"{url}"` template), or an options object naming one (`{ uri: … }`, `{ url: … }`): the call is an
 * HTTP client's request (plex-api's `client.query`, RestTemplate's `execute`), never SQL — SQL may open with a comment
 * (`/* … *\/`), never with a path.
 */
export function urlArgument(arg: Node | undefined, a: LanguageAdapter): boolean {
  if (!arg) return false;
  if (arg.type === 'object') return named(arg).some((p) => p.type === 'pair' && /^['"]?(uri|url|path|endpoint)['"]?$/.test(field(p, 'key')?.text ?? ''));
  const text = a.stringTypes.has(arg.type) || arg.type === 'template_string' ? stringValue(arg) : undefined;
  return text !== undefined && /^\s*(\/(?![*/])|https?:\/\/|\{\w*(url|uri)\w*\})/i.test(text);
}

/** A declared type that is an HTTP client (Spring's RestTemplate/RestClient/WebClient, Java's and OkHttp's clients, Axios). */
export const HTTP_CLIENT_TYPE = /^(RestTemplate|TestRestTemplate|RestClient|WebClient|RestOperations|HttpClient|CloseableHttpClient|OkHttpClient|AxiosInstance|AxiosStatic|Got|KyInstance)$/;

export function opOfSql(sql: string | undefined, fallback: 'read' | 'write' = 'read'): 'read' | 'write' {
  if (sql === undefined) return fallback;
  return WRITE_SQL.test(sql) ? 'write' : 'read';
}

/**
 * The database call may sit inside a longer chain: `repo.findById(id).orElseThrow()` (Java),
 * `User.find(id).name` (Ruby, where attribute reads are calls): try the longest called prefix first.
 */
export function classifyPrefixes(chain: Chain, minLength: number, at: (c: Chain) => DbCall | undefined): DbCall | undefined {
  for (let i = chain.segments.length; i >= minLength; i--) {
    if (!chain.segments[i - 1].call) continue;
    const hit = at({ ...chain, segments: chain.segments.slice(0, i) });
    if (hit) return hit;
  }
  return undefined;
}
