/**
 * Is this call a database round trip, and with which library? Receiver/name heuristics chosen to
 * keep precision high: a name alone (`find`, `get`, `query`) never makes a call a query; the
 * receiver must look like a query client, a repository, a model, or be known from the file's
 * imports and assignments.
 */
import type { Chain, LanguageAdapter, Node, Segment } from './syntax';
import { field, named, stringValue } from './syntax';
import type { FileContext } from './context';
import { usesModule } from './context';

export type Library =
  | 'node-postgres' | 'postgres.js' | 'mysql2' | 'pg-promise' | 'knex' | 'drizzle' | 'kysely' | 'prisma' | 'typeorm' | 'sequelize' | 'mikro-orm'
  | 'psycopg' | 'asyncpg' | 'django' | 'sqlalchemy'
  | 'database/sql' | 'pgx' | 'sqlx' | 'gorm'
  | 'jdbc' | 'spring-jdbc' | 'spring-data' | 'jpa'
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
}

const CLIENTISH = /^(db|pool|client|conn|connection|con|pg|pgPool|pgClient|database|tx|trx|transaction|knex|sql|prisma|em|manager|entityManager|dataSource|AppDataSource|sequelize|kysely|orm|dbClient|dbPool|writer|reader|primary|replica)$/;
const CLIENT_SUFFIX = /(Pool|Client|Db|DB|Connection|Conn|Tx|Trx|Database)$/;

function isClientish(name: string | undefined, ctx: FileContext): boolean {
  if (!name) return false;
  if (ctx.fragments.has(name)) return false;
  return CLIENTISH.test(name) || CLIENT_SUFFIX.test(name) || ctx.clients.has(name);
}

const NOT_MODELS = new Set([
  'Object', 'Array', 'Promise', 'Math', 'JSON', 'Date', 'Reflect', 'Number', 'String', 'Boolean', 'Symbol', 'Map', 'Set', 'WeakMap', 'Intl', 'Buffer', 'URL', 'Error', 'RegExp', 'BigInt', 'Atomics', 'Proxy', 'Function', 'React', 'Vue',
  'File', 'Dir', 'IO', 'Time', 'DateTime', 'Rails', 'Integer', 'Float', 'Hash', 'Kernel', 'Struct', 'Thread', 'Process', 'Logger', 'CSV', 'YAML', 'ERB', 'Base64', 'Digest', 'SecureRandom', 'Net', 'URI', 'Open3', 'FileUtils', 'Pathname', 'BigDecimal', 'Rational', 'Comparable', 'Enumerable', 'ENV', 'STDOUT', 'STDERR', 'PG',
  'Optional', 'List', 'Arrays', 'Collections', 'Objects', 'Stream', 'IntStream', 'Collectors', 'System', 'Thread', 'Files', 'Paths', 'UUID', 'LocalDate', 'Instant', 'Duration', 'Long', 'Integer', 'Double',
]);

/** A PascalCase name that is not a language built-in or a CONSTANT: a model class (Sequelize, ActiveRecord). */
function isModelName(name: string | undefined, ctx: FileContext): boolean {
  if (!name || !/^[A-Z][A-Za-z0-9_]*$/.test(name) || NOT_MODELS.has(name)) return false;
  if (ctx.models.has(name)) return true;
  return !(/^[A-Z0-9_]+$/.test(name) && name.length > 1);
}

/** SQL that already handles a set of keys or rows in one statement. */
export const BATCH_SQL = /=\s*any\s*\(|<>\s*all\s*\(|\bunnest\s*\(|\bin\s+%s\b|\bin\s*%\(\w+\)s|\bin\s*\(\s*(?:\$\d+|\?|%s|:\w+|%\(\w+\)s)\s*,|\bin\s*:\w+|\bin\s*\(\s*:\w+\s*\)|\bin\s*\(\s*\$\{|\bin\s*\(\s*select\b|\bin\s+\$\d+|\bvalues\s*%s|\)\s*,\s*\(\s*(?:\$\d+|\?|%s)|\bjson_to_recordset\b|\bjsonb_to_recordset\b|\bcopy\s+\w+.*\bfrom\s+stdin/i;
const WRITE_SQL = /^\s*(?:with\b[\s\S]*?\)\s*)?(insert|update|delete|merge|upsert|replace)\b/i;

function firstArg(seg: Segment | undefined): Node | undefined {
  return named(seg?.args).find((n) => !/comment/.test(n.type));
}

function sqlOf(n: Node | undefined, a: LanguageAdapter): string | undefined {
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
function chainArgsText(chain: Chain): string {
  return chain.segments.map((s) => s.args?.text ?? '').join(' ');
}

function names(chain: Chain): string[] {
  return chain.segments.map((s) => s.name);
}

function label(chain: Chain, upTo?: number): string {
  const segs = chain.segments.slice(0, upTo === undefined ? undefined : upTo + 1);
  return (chain.viaSelf ? (chain.root.type === 'self' ? 'self.' : chain.root.type === 'instance_variable' ? '@' : 'this.') : '') + segs.map((s) => s.name).join('.');
}

function opOfSql(sql: string | undefined, fallback: 'read' | 'write' = 'read'): 'read' | 'write' {
  if (sql === undefined) return fallback;
  return WRITE_SQL.test(sql) ? 'write' : 'read';
}

export function classifyCall(chain: Chain, ctx: FileContext, a: LanguageAdapter): DbCall | undefined {
  if (!chain.segments.length) return undefined;
  switch (a.lang) {
    case 'typescript':
    case 'tsx':
    case 'javascript':
      return classifyJs(chain, ctx, a);
    case 'python':
      return classifyPython(chain, ctx, a);
    case 'go':
      return classifyGo(chain, ctx, a);
    case 'java':
      return classifyJava(chain, ctx, a);
    case 'ruby':
      return classifyRuby(chain, ctx, a);
  }
}

// ---------------------------------------------------------------------------------------------

const PRISMA_OPS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'create', 'createMany', 'createManyAndReturn', 'update', 'updateMany', 'updateManyAndReturn', 'upsert', 'delete', 'deleteMany', 'count', 'aggregate', 'groupBy']);
const PRISMA_WRITE = /^(create|update|upsert|delete)/;
const PRISMA_BATCH = /^(create|update|delete)Many/;
const TYPEORM_OPS = new Set(['find', 'findOne', 'findOneBy', 'findBy', 'findOneOrFail', 'findOneByOrFail', 'findAndCount', 'findAndCountBy', 'findByIds', 'count', 'countBy', 'exist', 'exists', 'existsBy', 'save', 'insert', 'update', 'delete', 'remove', 'upsert', 'softDelete', 'softRemove', 'restore', 'increment', 'decrement', 'query', 'sum', 'average', 'minimum', 'maximum', 'preload', 'findOneOrFail']);
const MIKRO_OPS = new Set(['findOne', 'findOneOrFail', 'find', 'findAll', 'findAndCount', 'count', 'persistAndFlush', 'removeAndFlush', 'flush', 'nativeInsert', 'nativeUpdate', 'nativeDelete', 'upsert', 'upsertMany', 'insert', 'insertMany', 'refresh', 'populate']);
const TYPEORM_WRITE = /^(save|insert|update|delete|remove|upsert|soft|restore|increment|decrement|persist|native|flush)/;
const SEQUELIZE_STRONG = new Set(['findByPk', 'findOne', 'findAll', 'findAndCountAll', 'findOrCreate', 'findCreateFind', 'bulkCreate', 'findOneBy', 'findBy', 'findOneByOrFail']);
const SEQUELIZE_WEAK = new Set(['create', 'update', 'destroy', 'upsert', 'count', 'increment', 'decrement', 'max', 'min', 'sum', 'find', 'save', 'delete', 'insert']);
const KYSELY_START = new Set(['selectFrom', 'insertInto', 'updateTable', 'deleteFrom', 'replaceInto', 'mergeInto']);
const KYSELY_END = new Set(['execute', 'executeTakeFirst', 'executeTakeFirstOrThrow', 'stream']);
const DRIZZLE_START = new Set(['select', 'selectDistinct', 'selectDistinctOn', 'insert', 'update', 'delete']);
const PG_PROMISE = new Set(['one', 'oneOrNone', 'many', 'manyOrNone', 'any', 'none', 'result', 'multi', 'multiResult', 'func', 'proc']);
const KNEX_WRITE = /^(insert|update|del|delete|increment|decrement|upsert|merge|truncate)$/;

function classifyJs(chain: Chain, ctx: FileContext, a: LanguageAdapter): DbCall | undefined {
  const segs = chain.segments;
  const n = names(chain);
  const last = segs[segs.length - 1];
  const method = last.name;
  const argsText = chainArgsText(chain);
  if (usesModule(ctx, /^(mongodb|mongoose|@apollo\/client|graphql-request|urql|redis|ioredis|@elastic\/)/) && !usesModule(ctx, /^(pg|postgres|@prisma\/client|typeorm|sequelize|knex|drizzle-orm|kysely|mysql2)/)) return undefined;
  if (n.includes('collection')) return undefined; // MongoDB drivers

  // Tagged templates: postgres.js sql`…`, prisma.$queryRaw`…`
  if (last.args?.type === 'template_string') {
    if (segs.length === 1 && !ctx.fragments.has(method) && (/^(sql|db|tx|pg|postgres|psql)$/.test(method) || ctx.clients.has(method))) {
      const sql = stringValue(last.args);
      return { library: 'postgres.js', op: opOfSql(sql), batch: BATCH_SQL.test(sql), label: method + '`…`', method, sql, sqlArg: last.args };
    }
    if (/^\$(queryRaw|executeRaw)/.test(method)) {
      const sql = stringValue(last.args);
      return { library: 'prisma', op: method.startsWith('$execute') ? 'write' : opOfSql(sql), batch: BATCH_SQL.test(sql), label: label(chain), method, sql, sqlArg: last.args };
    }
    return undefined;
  }

  // Prisma: client.model.op(…) (also this.prisma.model.op, tx.model.op)
  const pIdx = segs.findIndex((s, i) => i >= 1 && s.call && PRISMA_OPS.has(s.name) && !segs[i - 1].call);
  if (pIdx >= 1 && pIdx === segs.length - 1) {
    const client = n[pIdx - 2];
    const model = n[pIdx - 1];
    const prismaish = (client !== undefined && (/prisma/i.test(client) || ctx.clients.get(client)?.includes('PrismaClient') || (usesModule(ctx, /^@prisma\/client|prisma$/) && isClientish(client, ctx)))) || (client === undefined && /prisma/i.test(model));
    if (prismaish && model !== 'query' && pIdx <= 3) {
      const batchArg = /\bin\s*:|\bnotIn\s*:|\bhasSome\s*:|\bhasEvery\s*:/.test(segs[pIdx].args?.text ?? '');
      return { library: 'prisma', op: PRISMA_WRITE.test(method) ? 'write' : 'read', batch: PRISMA_BATCH.test(method) || batchArg, label: label(chain), method, model };
    }
  }
  if (/^\$(queryRaw|executeRaw)(Unsafe)?$/.test(method) && segs.length >= 2) {
    const arg = firstArg(last);
    const sql = sqlOf(arg, a);
    return { library: 'prisma', op: method.startsWith('$execute') ? 'write' : opOfSql(sql), batch: sql !== undefined && BATCH_SQL.test(sql), label: label(chain), method, sql, sqlArg: arg };
  }

  const root = n[0];
  const rootIsClient = isClientish(root, ctx) || (chain.viaSelf && isClientish(n[0], ctx));

  // Drizzle relational queries: db.query.users.findFirst(…)
  if (segs.length >= 4 && n[1] === 'query' && /^find(First|Many)$/.test(method) && rootIsClient) {
    const batch = /\binArray\s*\(|\bin\s*:/.test(last.args?.text ?? '');
    return { library: 'drizzle', op: 'read', batch, label: label(chain), method, model: n[2] };
  }

  // Kysely: db.selectFrom('t')…execute()
  if (rootIsClient && segs.length >= 3 && KYSELY_START.has(n[1]) && KYSELY_END.has(method)) {
    const model = stringArgOf(segs[1], a);
    return { library: 'kysely', op: n[1] === 'selectFrom' ? 'read' : 'write', batch: /\bin\b['"]?\s*,|'in'|"in"/.test(argsText) || /\bvalues\s*\(\s*[\w.]+\s*\)/.test(argsText) && false, label: `${root}.${n[1]}(…).${method}`, method, model };
  }

  // Drizzle core: db.select().from(t).where(…), db.insert(t).values(…)
  if (rootIsClient && segs.length >= 2 && DRIZZLE_START.has(n[1]) && segs[1].call && (usesModule(ctx, /^drizzle-orm/) || n.includes('from') || n.includes('values') || n.includes('set'))) {
    const model = n[1] === 'select' || n[1] === 'selectDistinct' ? named(segs[n.indexOf('from')]?.args)[0]?.text : named(segs[1].args)[0]?.text;
    const batch = /\binArray\s*\(/.test(argsText) || (n[1] === 'insert' && /values\s*\(\s*\[|values\s*\(\s*\w+s\s*\)/.test(argsText));
    return { library: 'drizzle', op: n[1].startsWith('select') ? 'read' : 'write', batch, label: `${root}.${n[1]}(…)`, method, model };
  }

  // knex: knex('users').where(…).first(), trx('t').insert(…), knex.raw(…), knex.select(…).from(…)
  const knexish = root === 'knex' || root === 'trx' || ctx.clients.get(root)?.match(/knex/i) || (usesModule(ctx, /^knex$/) && rootIsClient);
  if (knexish && segs[0].call && stringArgOf(segs[0], a) !== undefined) {
    const write = n.some((x) => KNEX_WRITE.test(x));
    const batch = n.some((x) => /^(whereIn|whereNotIn|orWhereIn|batchInsert)$/.test(x)) || (write && n.includes('insert') && /insert\s*\(\s*(\[|\w+s\b)/.test(chain.node.text));
    return { library: 'knex', op: write ? 'write' : 'read', batch, label: `${root}(${stringArgOf(segs[0], a) ? "'" + stringArgOf(segs[0], a) + "'" : '…'})…${method === n[0] ? '' : '.' + method}`, method, model: stringArgOf(segs[0], a) };
  }
  if (knexish && segs.length >= 2 && /^(raw|select|from|table|insert|update|del|delete|where|first|batchInsert)$/.test(n[1])) {
    const arg = firstArg(segs[1]);
    const sql = n[1] === 'raw' ? sqlOf(arg, a) : undefined;
    const write = n.some((x) => KNEX_WRITE.test(x)) || opOfSql(sql) === 'write';
    const batch = n.some((x) => /^(whereIn|whereNotIn|batchInsert)$/.test(x)) || (sql !== undefined && BATCH_SQL.test(sql));
    return { library: 'knex', op: write ? 'write' : 'read', batch, label: `${root}.${n[1]}(…)`, method, sql, sqlArg: n[1] === 'raw' ? arg : undefined };
  }

  // TypeORM query builder: repo.createQueryBuilder(…)….getOne()
  if (n.includes('createQueryBuilder') && /^(getOne|getOneOrFail|getMany|getRawOne|getRawMany|getCount|getManyAndCount|execute|getExists|stream)$/.test(method)) {
    const write = n.some((x) => /^(insert|update|delete|softDelete)$/.test(x));
    const batch = /\bIN\s*\(\s*:\.\.\.|= ?ANY\s*\(|whereInIds/i.test(argsText) || n.includes('whereInIds');
    return { library: 'typeorm', op: write ? 'write' : 'read', batch, label: `${n.slice(0, n.indexOf('createQueryBuilder') + 1).join('.')}(…).${method}`, method };
  }

  // Repositories and managers (TypeORM, MikroORM): repo.findOne(…), em.findOne(User, …), ds.getRepository(User).findOneBy(…)
  const recv = n[n.length - 2];
  const repoIdx = n.findIndex((x) => x === 'getRepository' || x === 'getCustomRepository');
  const isRepo = repoIdx >= 0 || (recv !== undefined && (/(repo|repository)$/i.test(recv) || /Repository$/.test(ctx.types.get(recv) ?? '') || ctx.clients.get(recv)?.match(/getRepository/)));
  const isManager = recv !== undefined && /^(manager|entityManager|em|orm)$/.test(recv);
  const mikro = usesModule(ctx, /^@mikro-orm\//);
  if ((isRepo || isManager) && (TYPEORM_OPS.has(method) || (mikro && MIKRO_OPS.has(method)))) {
    const callArgs = last.args?.text ?? '';
    const batch = /\bIn\s*\(|\$in\s*:|findByIds|\bin\s*:/.test(callArgs) || /Many$/.test(method) || ((method === 'save' || method === 'insert' || method === 'upsert') && /^\(\s*\[|^\(\s*\w+s\s*\)$/.test(callArgs));
    const library: Library = mikro ? 'mikro-orm' : 'typeorm';
    const model = repoIdx >= 0 ? named(segs[repoIdx].args)[0]?.text : isManager ? named(last.args)[0]?.text : recv?.replace(/(Repo|Repository)$/i, '');
    if (method === 'query') {
      const arg = firstArg(last);
      const sql = sqlOf(arg, a);
      return { library, op: opOfSql(sql), batch: sql !== undefined && BATCH_SQL.test(sql), label: label(chain), method, sql, sqlArg: arg };
    }
    if (method === 'flush' && !mikro) return undefined;
    return { library, op: TYPEORM_WRITE.test(method) ? 'write' : 'read', batch, label: label(chain), method, model };
  }

  // Sequelize models (and TypeORM BaseEntity statics): User.findByPk(id), User.findAll(…)
  if (segs.length === 2 && isModelName(root, ctx) && !chain.viaSelf) {
    const strong = SEQUELIZE_STRONG.has(method);
    const weak = SEQUELIZE_WEAK.has(method) && (ctx.models.has(root) || usesModule(ctx, /^(sequelize|sequelize-typescript|typeorm)$/));
    if (strong || weak) {
      const callArgs = last.args?.text ?? '';
      const batch = method === 'bulkCreate' || /\[Op\.in\]|\bOp\.in\b|\$in\b|\bIn\s*\(/.test(callArgs) || (method === 'findAll' && /where\s*:\s*\{\s*\w+\s*:\s*\w*(ids|Ids|keys|list)\b/.test(callArgs));
      const library: Library = usesModule(ctx, /^typeorm$/) && !usesModule(ctx, /^sequelize/) ? 'typeorm' : 'sequelize';
      return { library, op: /^(create|update|destroy|upsert|increment|decrement|bulkCreate|save|delete|insert|findOrCreate)/.test(method) ? 'write' : 'read', batch, label: label(chain), method, model: root };
    }
  }

  // Instance methods of ORM records: user.save(), user.getPosts() (Sequelize lazy association)
  if (segs.length === 2 && !segs[0].call && usesModule(ctx, /^(sequelize|sequelize-typescript|typeorm|@mikro-orm\/)/)) {
    if (/^(save|destroy|reload|softRemove|remove)$/.test(method) && !isClientish(root, ctx)) return { library: usesModule(ctx, /^sequelize/) ? 'sequelize' : 'typeorm', op: method === 'reload' ? 'read' : 'write', batch: false, label: label(chain), method, instanceOf: root };
    if (/^(get|count)[A-Z]\w*$/.test(method) && usesModule(ctx, /^sequelize/) && !/^get(Data|Value|DataValue|Attributes|TableName)$/.test(method)) return { library: 'sequelize', op: 'read', batch: false, label: label(chain), method, instanceOf: root, lazy: true };
  }

  // pg-promise: db.one(…), t.any(…)
  if (PG_PROMISE.has(method) && usesModule(ctx, /^pg-promise$/) && (isClientish(recv, ctx) || recv === 't')) {
    const arg = firstArg(last);
    const sql = sqlOf(arg, a);
    return { library: 'pg-promise', op: method === 'none' ? opOfSql(sql, 'write') : opOfSql(sql), batch: sql !== undefined && BATCH_SQL.test(sql), label: label(chain), method, sql, sqlArg: arg };
  }

  // Raw drivers: pool.query(…), client.query(…), conn.execute(…), db.execute(sql`…`), sql.unsafe(…)
  if ((method === 'query' || method === 'execute' || method === 'unsafe' || method === 'run' || method === 'all' || method === 'get') && segs.length >= 2) {
    if (!isClientish(recv, ctx) && !(chain.viaSelf && isClientish(recv, ctx))) return undefined;
    if ((method === 'run' || method === 'all' || method === 'get') && !usesModule(ctx, /^(drizzle-orm|better-sqlite3|sqlite3)/)) return undefined;
    const arg = firstArg(last);
    if (!arg) return undefined;
    if (arg.type === 'object' && /\bquery\s*:/.test(arg.text) && !/\btext\s*:/.test(arg.text)) return undefined; // GraphQL clients
    const sql = sqlOf(arg, a);
    const library: Library = usesModule(ctx, /^mysql2?(\/promise)?$/) ? 'mysql2' : usesModule(ctx, /^(pg|pg-pool)$/) ? 'node-postgres' : usesModule(ctx, /^drizzle-orm/) ? 'drizzle' : ctx.clients.get(recv!)?.includes('postgres') || usesModule(ctx, /^postgres$/) ? 'postgres.js' : 'sql';
    return { library, op: opOfSql(sql), batch: sql !== undefined && BATCH_SQL.test(sql), label: label(chain), method, sql, sqlArg: arg };
  }
  return undefined;
}

function stringArgOf(seg: Segment | undefined, a: LanguageAdapter): string | undefined {
  const arg = firstArg(seg);
  return arg && a.stringTypes.has(arg.type) ? stringValue(arg) : undefined;
}

// ---------------------------------------------------------------------------------------------

const DJANGO_WRITE = /^(create|get_or_create|update_or_create|update|delete|bulk_create|bulk_update|save)$/;
const SA_SESSION = /^(session|db_session|sess|async_session|dbsession|s)$/;
const SA_METHODS = /^(query|execute|scalar|scalars|get|merge|refresh|commit|flush|get_one)$/;
const CURSORISH = /^(cur|cursor|curs|c|conn|connection|con|db|pool|tx|txn|transaction)$|(cursor|_cur|_conn|conn|_db|pool)$/i;
const PY_DRIVER_METHODS = /^(execute|fetch|fetchrow|fetchval|executemany|execute_values|execute_batch|copy_records_to_table|copy_from|copy_expert|executescript|mogrify_never)$/;

function classifyPython(chain: Chain, ctx: FileContext, a: LanguageAdapter): DbCall | undefined {
  const segs = chain.segments;
  const n = names(chain);
  const last = segs[segs.length - 1];
  const method = last.name;
  const argsText = chainArgsText(chain);

  // Django: Model.objects.<…>(…)
  const oi = n.indexOf('objects');
  if (oi >= 1 && !segs[oi].call && segs.length > oi + 1 && /^[A-Z]/.test(n[oi - 1])) {
    const methods = n.slice(oi + 1);
    const batch = /__in\s*=/.test(argsText) || methods.some((m) => /^(bulk_create|bulk_update|in_bulk)$/.test(m));
    const write = methods.some((m) => DJANGO_WRITE.test(m));
    return { library: 'django', op: write ? 'write' : 'read', batch, label: `${n[oi - 1]}.objects.${methods.join('(…).')}`, method, model: n[oi - 1] };
  }
  if (segs.length === 1 && method === 'get_object_or_404') {
    const m = named(last.args)[0]?.text;
    return { library: 'django', op: 'read', batch: false, label: 'get_object_or_404', method, model: m };
  }

  // SQLAlchemy session: session.query(User).get(id), db.session.execute(select(…)), session.get(User, id)
  const si = n.findIndex((x, i) => (SA_SESSION.test(x) || (x === 'session' && i > 0) || ctx.clients.get(x)?.match(/[Ss]ession/) !== undefined && ctx.clients.has(x)) && !segs[i].call);
  // `session.get(url)` is requests/httpx too: a SQLAlchemy import, or Flask-SQLAlchemy's `db.session`, decides.
  if (si >= 0 && segs.length > si + 1 && SA_METHODS.test(n[si + 1]) && (usesModule(ctx, /sqlalchemy|flask_sqlalchemy|sqlmodel/) || (si > 0 && n[si - 1] === 'db'))) {
    const m1 = n[si + 1];
    if (m1 === 'commit' || m1 === 'flush') return { library: 'sqlalchemy', op: 'write', batch: false, label: n.slice(0, si + 2).join('.'), method: m1 };
    const batch = /\.in_\s*\(|\bbindparam\s*\([^)]*expanding|\bany_\s*\(/.test(argsText) || (m1 === 'execute' && named(segs[si + 1].args).length >= 2 && /^\[/.test(named(segs[si + 1].args)[1].text));
    const write = /\b(insert|update|delete)\s*\(/.test(segs[si + 1].args?.text ?? '') || m1 === 'merge';
    const model = m1 === 'query' || m1 === 'get' ? named(segs[si + 1].args)[0]?.text : undefined;
    return { library: 'sqlalchemy', op: write ? 'write' : 'read', batch, label: `${n.slice(0, si + 2).join('.')}(…)${segs.length > si + 2 ? '.' + n.slice(si + 2).join('.') : ''}`, method, model };
  }
  // Flask-SQLAlchemy: User.query.get(id), User.query.filter_by(…).first()
  if (n.length >= 3 && /^[A-Z]/.test(n[0]) && n[1] === 'query' && !segs[1].call && usesModule(ctx, /sqlalchemy|flask/)) {
    const batch = /\.in_\s*\(/.test(argsText);
    return { library: 'sqlalchemy', op: n.includes('delete') || n.includes('update') ? 'write' : 'read', batch, label: `${n[0]}.query.${n.slice(2).join('(…).')}`, method, model: n[0] };
  }

  // Instance writes on Django models: obj.save(), obj.delete(), obj.refresh_from_db()
  if (segs.length === 2 && /^(save|delete|refresh_from_db)$/.test(method) && usesModule(ctx, /^django/)) {
    return { library: 'django', op: method === 'refresh_from_db' ? 'read' : 'write', batch: false, label: label(chain), method, instanceOf: n[0] };
  }

  // Drivers: cur.execute(…), await conn.fetchrow(…), conn.execute(…).fetchone()
  const di = n.findIndex((x) => PY_DRIVER_METHODS.test(x));
  if (di >= 1 && segs[di].call) {
    const recv = n[di - 1];
    if (!(CURSORISH.test(recv) || ctx.clients.has(recv))) return undefined;
    const m = n[di];
    const arg = firstArg(segs[di]);
    const sql = sqlOf(arg, a);
    const batch = /^(executemany|execute_values|execute_batch|copy_records_to_table|copy_from|copy_expert|executescript)$/.test(m) || (sql !== undefined && BATCH_SQL.test(sql));
    const library: Library = usesModule(ctx, /^asyncpg/) ? 'asyncpg' : usesModule(ctx, /^psycopg/) ? 'psycopg' : usesModule(ctx, /sqlalchemy/) ? 'sqlalchemy' : 'sql';
    return { library, op: opOfSql(sql), batch, label: `${chain.viaSelf ? 'self.' : ''}${n.slice(0, di + 1).join('.')}`, method: m, sql, sqlArg: arg };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------

const GO_SQL_METHODS = /^(Query|QueryRow|QueryContext|QueryRowContext|Exec|ExecContext|Get|GetContext|Select|SelectContext|NamedExec|NamedExecContext|NamedQuery|NamedQueryContext|QueryRowx|Queryx|QueryxContext|QueryRowxContext)$/;
const GO_CLIENT = /^(db|tx|conn|pool|DB|Db|stmt|dbpool|dbPool|database|sqlDB|pgx|dbConn|txn|writer|reader)$|(DB|Db|Pool|Conn|Tx|Stmt)$/;
const GORM_TERMINAL = /^(First|Find|Take|Last|Create|Save|Update|Updates|UpdateColumn|UpdateColumns|Delete|Count|Scan|Pluck|FirstOrCreate|FirstOrInit|Row|Rows|Exec|Raw)$/;
const SQLC_METHOD = /^(Get|List|Create|Update|Delete|Insert|Find|Count|Upsert)[A-Z]\w*$/;

function classifyGo(chain: Chain, ctx: FileContext, a: LanguageAdapter): DbCall | undefined {
  const segs = chain.segments;
  const n = names(chain);
  const isGorm = usesModule(ctx, /gorm\.io\/gorm|jinzhu\/gorm/);
  const library: Library = usesModule(ctx, /jackc\/pgx/) ? 'pgx' : usesModule(ctx, /jmoiron\/sqlx/) ? 'sqlx' : 'database/sql';
  // GORM: db.Where(…).First(&u), db.First(&u, id), db.Create(&x)
  if (isGorm) {
    const ti = n.findIndex((x, i) => i >= 1 && GORM_TERMINAL.test(x) && segs[i].call);
    const clientIdx = ti - 1;
    if (ti >= 1 && (GO_CLIENT.test(n[0]) || ctx.clients.has(n[0]) || n.slice(0, clientIdx + 1).some((x) => GO_CLIENT.test(x)))) {
      const m = n[ti];
      const argsText = chainArgsText(chain);
      const batch = n.includes('CreateInBatches') || /\bIN\s*\(?\s*\?/i.test(argsText) || /= ANY\s*\(/i.test(argsText);
      const write = /^(Create|Save|Update|Updates|UpdateColumn|UpdateColumns|Delete|FirstOrCreate)$/.test(m) || (m === 'Exec' && opOfSql(sqlOf(firstArg(segs[ti]), a)) === 'write');
      return { library: 'gorm', op: write ? 'write' : 'read', batch, label: `${n.slice(0, ti + 1).join('(…).')}`, method: m };
    }
    if (n.includes('CreateInBatches')) return undefined;
  }
  const qi = n.findIndex((x, i) => i >= 1 && GO_SQL_METHODS.test(x) && segs[i].call);
  if (qi >= 1) {
    const recv = n[qi - 1];
    if (!(GO_CLIENT.test(recv) || ctx.clients.has(recv))) return undefined;
    const args = named(segs[qi].args);
    // Get/Select are sqlx's; elsewhere (a redis pool's Get, a channel Select) they are no query.
    if (/^(Get|GetContext|Select|SelectContext)$/.test(n[qi]) && !usesModule(ctx, /jmoiron\/sqlx/) && !args.some((x) => a.stringTypes.has(x.type) && /^\W*(select|with)\b/i.test(stringValue(x)))) return undefined;
    // A prepared statement's Exec/Query take only arguments: no SQL there.
    const prepared = /stmt/i.test(recv) || /Prepare/.test(ctx.clients.get(recv) ?? '');
    const sqlArg = prepared ? undefined : (args.find((x) => a.stringTypes.has(x.type)) ?? (args[0] && /ctx|context/i.test(args[0].text) ? args[1] : args[0]));
    const sql = sqlArg && a.stringTypes.has(sqlArg.type) ? stringValue(sqlArg) : undefined;
    const batch = (sql !== undefined && BATCH_SQL.test(sql)) || /pq\.Array\(|sqlx\.In\(/.test(segs[qi].args?.text ?? '');
    return { library, op: opOfSql(sql, /^Exec/.test(n[qi]) ? 'write' : 'read'), batch, label: n.slice(0, qi + 1).join('.'), method: n[qi], sql, sqlArg };
  }
  // pgx batches and copies are the batched form.
  // sqlc: q.GetUser(ctx, id), queries.ListOrders(ctx, userID)
  const last = n[n.length - 1];
  if (segs.length >= 2 && SQLC_METHOD.test(last) && /^(q|queries|qtx|querier|store|Queries)$/.test(n[n.length - 2])) {
    return { library, op: /^(Create|Update|Delete|Insert|Upsert)/.test(last) ? 'write' : 'read', batch: /Batch|Many|ByIDs$|ByIds$/.test(last), label: n.join('.'), method: last };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------

const JDBC_EXEC = /^(executeQuery|executeUpdate|execute|executeLargeUpdate)$/;
const JDBC_STMT = /^(stmt|statement|ps|pst|pstmt|st|preparedStatement|prepared|select|insert|update|cs|call)$|(Stmt|Statement|Ps)$/;
const JDBC_TEMPLATE = /^(jdbc|jdbcTemplate|template|namedJdbc|namedParameterJdbcTemplate|jdbcClient|namedTemplate)$|(JdbcTemplate|Jdbc|Template)$/;
const SPRING_DATA = /^(find|get|read|query|search|stream|count|exists|delete|remove|save)\w*$/;
const JPA_EM = /^(em|entityManager|session|entityMgr)$/;

function classifyJava(chain: Chain, ctx: FileContext, a: LanguageAdapter): DbCall | undefined {
  // The database call may sit inside a longer chain: repo.findById(id).orElseThrow().
  for (let i = chain.segments.length; i >= 1; i--) {
    const sub: Chain = { ...chain, segments: chain.segments.slice(0, i) };
    if (!sub.segments[i - 1].call) continue;
    const hit = classifyJavaAt(sub, ctx, a);
    if (hit) return hit;
  }
  return undefined;
}

function classifyJavaAt(chain: Chain, ctx: FileContext, a: LanguageAdapter): DbCall | undefined {
  const segs = chain.segments;
  const n = names(chain);
  const last = segs[segs.length - 1];
  const method = last.name;
  const recv = n[n.length - 2];
  const recvType = recv ? (ctx.types.get(recv) ?? '') : '';
  // JDBC
  if (JDBC_EXEC.test(method) && recv !== undefined) {
    const prep = segs.find((s) => /^(prepareStatement|createStatement|prepareCall)$/.test(s.name));
    if (prep || JDBC_STMT.test(recv) || /Statement$/.test(recvType)) {
      const arg = firstArg(prep) ?? firstArg(last);
      const sql = sqlOf(arg, a);
      return { library: 'jdbc', op: opOfSql(sql, method === 'executeUpdate' ? 'write' : 'read'), batch: sql !== undefined && BATCH_SQL.test(sql), label: label(chain), method, sql, sqlArg: arg };
    }
  }
  // Spring JdbcTemplate / JdbcClient
  if (recv !== undefined && (JDBC_TEMPLATE.test(recv) || /JdbcTemplate|JdbcClient/.test(recvType)) && /^(query|queryForObject|queryForList|queryForMap|queryForRowSet|queryForStream|update|execute|batchUpdate|sql)$/.test(method)) {
    const arg = firstArg(last);
    const sql = sqlOf(arg, a);
    const batch = method === 'batchUpdate' || (sql !== undefined && BATCH_SQL.test(sql));
    return { library: 'spring-jdbc', op: method === 'update' || method === 'batchUpdate' ? 'write' : opOfSql(sql), batch, label: label(chain), method, sql, sqlArg: arg };
  }
  // Spring Data repositories
  if (recv !== undefined && segs.length >= 2 && (/(Repository|Repo|Dao|DAO)$/.test(recv) || /^(repo|repository|dao)$/.test(recv) || /(Repository|Dao)$/.test(recvType)) && SPRING_DATA.test(method)) {
    const batch = /All/.test(method) && named(last.args).length > 0 || /(In|IsIn|InAndOr)(And|Or|OrderBy|$)/.test(method) || /InBatch$/.test(method);
    return { library: 'spring-data', op: /^(save|delete|remove)/.test(method) ? 'write' : 'read', batch, label: label(chain), method, model: recvType.replace(/(Repository|Repo|Dao)$/, '') || recv.replace(/(Repository|Repo|Dao)$/i, '') };
  }
  // JPA EntityManager / Hibernate Session
  const emIdx = n.findIndex((x) => JPA_EM.test(x) || /^(EntityManager|Session)$/.test(ctx.types.get(x) ?? ''));
  if (emIdx >= 0 && segs.length > emIdx + 1) {
    const m1 = n[emIdx + 1];
    if (m1 === 'find' || m1 === 'get' || m1 === 'merge' || m1 === 'refresh') return { library: 'jpa', op: m1 === 'merge' ? 'write' : 'read', batch: false, label: `${n[emIdx]}.${m1}`, method: m1, model: named(segs[emIdx + 1].args)[0]?.text.replace(/\.class$/, '') };
    if (/^create(Native)?Query$/.test(m1) && /^(getResultList|getSingleResult|getResultStream|executeUpdate|uniqueResult|list)$/.test(method)) {
      const arg = firstArg(segs[emIdx + 1]);
      const sql = sqlOf(arg, a);
      return { library: 'jpa', op: method === 'executeUpdate' ? 'write' : 'read', batch: /\bin\s*\(?\s*:\w+|\bin\s*\?\d/i.test(sql ?? ''), label: `${n[emIdx]}.${m1}(…).${method}`, method, sql, sqlArg: arg };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------

const AR_METHODS = new Set(['find', 'find_by', 'find_by!', 'find_by_sql', 'where', 'first', 'first!', 'last', 'take', 'count', 'exists?', 'pluck', 'pick', 'sum', 'average', 'minimum', 'maximum', 'ids', 'create', 'create!', 'find_or_create_by', 'find_or_create_by!', 'find_or_initialize_by', 'update', 'update!', 'update_all', 'delete_all', 'destroy_all', 'delete', 'destroy', 'insert', 'insert!', 'upsert', 'insert_all', 'upsert_all', 'insert_all!', 'all', 'order', 'limit', 'find_sole_by', 'sole', 'none?', 'any?', 'size', 'to_a', 'load', 'select', 'joins', 'group', 'calculate', 'find_each', 'find_in_batches', 'in_batches']);
const AR_TERMINAL = /^(find|find_by!?|find_by_sql|first!?|last|take|count|exists\?|pluck|pick|sum|average|minimum|maximum|ids|create!?|find_or_create_by!?|find_or_initialize_by|update!?|update_all|delete_all|destroy_all|delete|destroy|insert!?|upsert|insert_all!?|upsert_all|sole|find_sole_by|to_a|load|size|any\?|none\?|find_by_\w+|where|all)$/;
const AR_WRITE = /^(create!?|find_or_create_by!?|update!?|update_all|delete_all|destroy_all|delete|destroy|insert!?|upsert|insert_all!?|upsert_all|save!?|touch|increment!|decrement!|update_column|update_columns|update_attribute)$/;
const PLURALISH = /^(\w*ids|\w*_ids|batch|slice|chunk|group|keys|list|\w+s)$/;

function classifyRuby(chain: Chain, ctx: FileContext, a: LanguageAdapter): DbCall | undefined {
  // Attribute reads are calls in Ruby: User.find(id).name → the database call is User.find(id).
  for (let i = chain.segments.length; i >= 2; i--) {
    const hit = classifyRubyAt({ ...chain, segments: chain.segments.slice(0, i) }, ctx, a);
    if (hit) return hit;
  }
  return undefined;
}

function classifyRubyAt(chain: Chain, ctx: FileContext, a: LanguageAdapter): DbCall | undefined {
  const segs = chain.segments;
  const n = names(chain);
  const last = segs[segs.length - 1];
  const method = last.name;
  const root = n[0];
  const argsText = chainArgsText(chain);
  // Raw: ActiveRecord::Base.connection.execute(…), conn.exec_params(…)
  const ci = n.indexOf('connection');
  if (ci >= 0 && /^(execute|exec_query|select_all|select_one|select_value|select_values|select_rows|exec_update|exec_insert|exec_delete)$/.test(method)) {
    const arg = firstArg(last);
    const sql = sqlOf(arg, a);
    return { library: 'activerecord', op: opOfSql(sql, /exec_(update|insert|delete)/.test(method) ? 'write' : 'read'), batch: sql !== undefined && BATCH_SQL.test(sql), label: label(chain), method, sql, sqlArg: arg };
  }
  if (/^(exec|exec_params|exec_prepared|async_exec|async_exec_params|query)$/.test(method) && segs.length >= 2 && (/^(conn|connection|pg|db|pgconn|raw)$/.test(n[n.length - 2]) || ctx.clients.has(n[n.length - 2]))) {
    const arg = firstArg(last);
    const sql = sqlOf(arg, a);
    return { library: 'ruby-pg', op: opOfSql(sql), batch: sql !== undefined && BATCH_SQL.test(sql), label: label(chain), method, sql, sqlArg: arg };
  }
  // ActiveRecord: User.find(id), User.where(…).first, Post.create!(…)
  if (isModelName(root, ctx) && chain.root.type !== 'identifier' && segs.length >= 2 && !segs[0].call) {
    const methods = n.slice(1);
    if (!methods.every((m) => AR_METHODS.has(m) || /^find_by_\w+$/.test(m) || /^(includes|preload|eager_load|references|distinct|offset|reorder|unscoped|not|or|having|readonly|lock|left_joins|left_outer_joins|with|merge)$/.test(m))) return undefined;
    if (!AR_TERMINAL.test(method)) return undefined;
    if (/^(find_each|find_in_batches|in_batches)$/.test(method)) return undefined;
    const whereArgs = segs.filter((s) => s.name === 'where' || s.name === 'find' || /^find_by/.test(s.name)).map((s) => named(s.args));
    const batch = /^(insert_all!?|upsert_all)$/.test(method) ||
      whereArgs.some((args) => args.some((arg) => (arg.type === 'pair' && (field(arg, 'value')?.type === 'array' || PLURALISH.test(field(arg, 'value')?.text ?? ''))) || arg.type === 'array' || (arg.type === 'identifier' && /ids$/.test(arg.text)))) ||
      /\bIN\s*\(\s*\?\s*\)/i.test(argsText);
    return { library: 'activerecord', op: methods.some((m) => AR_WRITE.test(m)) ? 'write' : 'read', batch, label: `${root}.${methods.join('.')}`, method, model: root };
  }
  // Instance writes: record.save!, record.update!(…)
  if (segs.length === 2 && AR_WRITE.test(method) && chain.root.type === 'identifier' && !/^(update|delete)$/.test(method) || (segs.length === 2 && /^(update!|update|reload)$/.test(method) && chain.root.type === 'identifier' && (ctx.models.size > 0 || usesModule(ctx, /rails|active_record/)))) {
    return { library: 'activerecord', op: method === 'reload' ? 'read' : 'write', batch: false, label: label(chain), method, instanceOf: root };
  }
  return undefined;
}
