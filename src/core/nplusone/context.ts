/**
 * What a file says about its database clients, learned from its imports/requires and simple
 * assignments (`const pool = new Pool()`, `conn = psycopg.connect(…)`, `db, _ := sql.Open(…)`,
 * `private final UserRepository users;`). Cheap text scans: the detector asks "is `x` a query
 * client?" and "which library does this file use?".
 */
import type { SourceLanguage } from '../syntax/treeSitter';

export interface FileContext {
  lang: SourceLanguage;
  /** Module paths the file imports (`pg`, `@prisma/client`, `django.db`, `gorm.io/gorm`, `java.sql.*`). */
  modules: string[];
  /** Names bound to query clients, with what created them (`pool` → `pg`). */
  clients: Map<string, string>;
  /** Names that are SQL fragment builders, not clients (drizzle's or slonik's `sql` tag). */
  fragments: Set<string>;
  /** Model/entity class names known from imports or class declarations. */
  models: Set<string>;
  /**
   * Python: class names imported from the app's database module (`from data.database import Tag`): Peewee models
   * when the file calls them the Peewee way (`Tag.update(…)`, `Tag.create(…)`); not models for anything else.
   */
  dbModuleClasses?: Set<string>;
  /** Python: class names imported from a module of the app's models package (`from app.models.admin import Menu`). */
  modelPackageClasses?: Set<string>;
  /** Java/Go/TS: variable or field name → declared type name. */
  types: Map<string, string>;
  /** JS/TS: a lowercase name bound to the app's models module (`const db = require('../models')`): `db.User.findAll(…)` is a model's. */
  modelRegistries?: Set<string>;
  /** Ruby: associations the file's model declares (`has_many :items`): `items.create!` queries. */
  associations?: Set<string>;
  /** Ruby: the writes a model class of `app/models/` makes of itself without a receiver (`update!(…)`, `save!`) — those it does not define. */
  selfWrites?: Set<string>;
  /** Python: names imported from a module, with the module as written (`set_config` → `CTFd.utils`, `.helpers`). */
  importedFrom?: Map<string, string>;
  /** TS/JS: names imported from a package, not a file of the app (`signIn` → `next-auth/react`, `getUser` → `@acme/db`, a namespace `crypto` → `crypto`). */
  packageImports?: Map<string, string>;
  /** Python: names bound by an import, with the dotted path they name (`from app.tag import service as tag_service` → `app.tag.service`). */
  importedAs?: Map<string, string>;
  /** Python: a function imported under another name (`from app.core.db import enrich_entity as enrich_alert_db`): alias → its own name. */
  importAliases?: Map<string, string>;
}

export function usesModule(ctx: FileContext, re: RegExp): boolean {
  return ctx.modules.some((m) => re.test(m));
}

/** Python async context managers that are no database's: a Redis pipeline, an HTTP session or client, a lock, a timeout, a task group. */
const NOT_DB_CONTEXT = /^(?:pipeline|ClientSession|AsyncClient|Lock|lock|Semaphore|timeout|TaskGroup|open)$/;
const CLIENT_FACTORIES = /^(new\s+)?(?:\w+\.)?(Pool|Client|PrismaClient|Kysely|Sequelize|DataSource|postgres|knex|Knex|drizzle|createPool|createConnection|createClient|pgp|connect|getConnection|create_pool|create_engine|Session|sessionmaker|AsyncSession|Open|New|NewWithConfig|Connect|ConnectConfig|MustConnect|getRepository|getCustomRepository|getManager|fork|cursor)$/;

/** Each language's reader of imports and assignments. */
const LEARN: Partial<Record<SourceLanguage, (text: string, ctx: FileContext) => void>> = {
  typescript: learnJs,
  tsx: learnJs,
  javascript: learnJs,
  python: learnPython,
  go: learnGo,
  java: learnJava,
  ruby: learnRuby,
};

export function learnContext(text: string, lang: SourceLanguage, file?: string): FileContext {
  const ctx: FileContext = { lang, modules: [], clients: new Map(), fragments: new Set(), models: new Set(), types: new Map() };
  LEARN[lang]?.(text, ctx);
  // A Ruby file Rails autoloads (`app/models/issue_assigner.rb`, `app/services/…`): a plain class there still runs
  // in the Rails app, so `sub.issue_assignments.create(…)` is an association call though the file names no Rails.
  if (lang === 'ruby' && file !== undefined && RAILS_AUTOLOADED.test(file.replace(/\\/g, '/')) && !ctx.modules.includes('rails')) ctx.modules.push('rails');
  // A model class (`app/models/…`, `class KeyValueStoreAgent < Agent`): its receiver-less `update!(…)`/`save!` write its own row.
  if (lang === 'ruby' && file !== undefined && /(?:^|\/)app\/models\//.test(file.replace(/\\/g, '/')) && /^\s*class\s+[A-Z][\w:]*\s*<\s*[A-Z]/m.test(text)) {
    const own = new Set([...text.matchAll(/^\s*def\s+(?:self\.)?([\w!?]+)/gm)].map((m) => m[1]));
    ctx.selfWrites = new Set(['save', 'save!', 'update!', 'update_column', 'update_columns', 'update_attribute', 'touch', 'increment!', 'decrement!', 'toggle!'].filter((m) => !own.has(m)));
  }
  return ctx;
}

/** The folders Rails autoloads under `app/` (models, services, jobs, mailers, controllers, workers, any other app/<folder>/). */
const RAILS_AUTOLOADED = /(?:^|\/)app\/(?!assets\/|views\/|javascript\/)[\w-]+\/(?:[\w-]+\/)*[\w-]+\.rb$/;

function namesOf(clause: string): { name: string; imported: string }[] {
  const out: { name: string; imported: string }[] = [];
  const c = clause.replace(/^type\s+/, '');
  const def = /^\s*([A-Za-z_$][\w$]*)\s*(,|$)/.exec(c);
  if (def) out.push({ name: def[1], imported: 'default' });
  const ns = /\*\s+as\s+([A-Za-z_$][\w$]*)/.exec(c);
  if (ns) out.push({ name: ns[1], imported: '*' });
  const braces = /\{([^}]*)\}/.exec(c);
  if (braces) {
    for (const part of braces[1].split(',')) {
      const m = /^\s*(?:type\s+)?([\w$]+)(?:\s*(?:as|:)\s*([\w$]+))?\s*$/.exec(part);
      if (m) out.push({ name: m[2] ?? m[1], imported: m[1] });
    }
  }
  if (!def && !ns && !braces && /^\s*[\w$]+\s*$/.test(c)) out.push({ name: c.trim(), imported: 'default' });
  return out;
}

const LOCAL_DB_MODULE = /(^|\/)(db|database|prisma|knex|drizzle|pg|postgres|sql|pool|client|kysely|datasource|data-source|orm|connection)(\.[a-z]+)?$/i;
const MODEL_MODULE = /(^|[/.])(models?|entit(y|ies)|schema)(\/|\.|$)/i;

function learnJs(text: string, ctx: FileContext): void {
  const imports: { clause: string; from: string }[] = [];
  for (const m of text.matchAll(/\bimport\s+([^'";]*?)\s+from\s+['"]([^'"]+)['"]/g)) imports.push({ clause: m[1], from: m[2] });
  for (const m of text.matchAll(/\b(?:const|let|var)\s+([\w${}\s,:]+?)\s*=\s*require\(\s*['"]([^'"]+)['"]\s*\)/g)) imports.push({ clause: m[1], from: m[2] });
  for (const m of text.matchAll(/\bimport\s+['"]([^'"]+)['"]/g)) ctx.modules.push(m[1]);
  for (const { clause, from } of imports) {
    ctx.modules.push(from);
    for (const { name, imported } of namesOf(clause)) {
      // The app's models module as one object (`const db = require('../models/models')`, `import * as models from './models'`).
      if ((imported === 'default' || imported === '*') && /^[a-z][\w$]*$/.test(name) && /^(\.|@\/|~\/)/.test(from) && /(^|\/)models?(\/(index|models?))?(\.[jt]s)?$/.test(from)) (ctx.modelRegistries ??= new Set()).add(name);
      if (imported === 'sql' && /^(drizzle-orm|kysely|slonik|@[\w-]+\/slonik|sql-template-strings|sql-template-tag|@vercel\/postgres-kysely)/.test(from)) ctx.fragments.add(name);
      else if (from === 'postgres' && imported === 'default') ctx.clients.set(name, 'postgres-factory');
      else if (from === 'redbean-node' && imported === 'R') ctx.clients.set(name, 'redbean-node');
      else if (/^[A-Z]/.test(name) && MODEL_MODULE.test(from)) ctx.models.add(name);
      else if (from.startsWith('.') || from.startsWith('@/') || from.startsWith('~/')) {
        if (LOCAL_DB_MODULE.test(from) || /^(db|pool|prisma|knex|sql|client|em|orm|dataSource|AppDataSource)$/.test(name)) ctx.clients.set(name, from);
      }
      // A namespace (`import * as crypto from 'crypto'`) is the package's too: its functions make library objects.
      if (!/^(\.|\/|@\/|~|#|\$)/.test(from) && /^[\w$]+$/.test(name)) (ctx.packageImports ??= new Map()).set(name, from);
    }
  }
  // const x = new Pool(...) / postgres(...) / await pool.connect() / dataSource.getRepository(User)
  for (const m of text.matchAll(/\b(?:const|let|var|this\.|private\s+|readonly\s+)\s*([\w$]+)\s*(?::\s*[^=;]+?)?=\s*(?:await\s+)?((?:new\s+)?[\w$.]+)\s*[(<`]/g)) {
    const callee = m[2].replace(/^new\s+/, 'new ');
    const last = callee.replace(/^new\s+/, '').split('.').pop() ?? '';
    if (CLIENT_FACTORIES.test(last) || CLIENT_FACTORIES.test(callee) || ctx.clients.get(last) === 'postgres-factory') ctx.clients.set(m[1], callee);
    // redbean-node's transaction (`const trx = await R.begin()`) has R's methods.
    else if (last === 'begin' && ctx.clients.get(callee.split('.')[0]) === 'redbean-node') ctx.clients.set(m[1], 'redbean-node');
  }
  // `const dbActor = transaction ?? this.knex` (or `||`, either side): the local is the client whichever side is taken.
  for (const m of text.matchAll(/\b(?:const|let|var)\s+([\w$]+)\s*(?::\s*[^=;]+?)?=\s*([\w$.]+)\s*(?:\?\?|\|\|)\s*([\w$.]+)\s*;/g)) {
    const side = [m[2], m[3]].map((s) => s.replace(/^this\./, '')).find((s) => /^[\w$]+$/.test(s) && (ctx.clients.has(s) || /^(knex|db|database|prisma|trx|tx|pool|sql|kysely|client|em|dataSource)$/i.test(s)));
    if (side !== undefined && !ctx.clients.has(m[1])) ctx.clients.set(m[1], ctx.clients.get(side) ?? side);
  }
  // prisma.$transaction(async (tx) => …): the callback's parameter is the Prisma client of the transaction.
  for (const m of text.matchAll(/\$transaction\(\s*(?:async\s*)?\(?\s*([\w$]+)\s*(?::[^)=]*)?\)?\s*=>/g)) ctx.clients.set(m[1], 'PrismaClient.$transaction');
  // class X extends Model / @Entity() class X / sequelize.define('x') assigned to X
  for (const m of text.matchAll(/\bclass\s+([A-Z][\w$]*)\s+extends\s+(?:Model|BaseEntity)\b/g)) ctx.models.add(m[1]);
  for (const m of text.matchAll(/@Entity\([^)]*\)\s*(?:export\s+)?class\s+([A-Z][\w$]*)/g)) ctx.models.add(m[1]);
  for (const m of text.matchAll(/\b(?:const|let|var)\s+([A-Z][\w$]*)\s*=\s*\w+\.define\(/g)) ctx.models.add(m[1]);
  // constructor(private readonly users: Repository<User>) / users: Repository<User>
  // A namespace-qualified type (`taxRateService_: ModulesSdkTypes.IMedusaInternalService<TaxRate>`): its last name.
  for (const m of text.matchAll(/\b([\w$]+)\s*[?!]?:\s*(?:[A-Z][\w$]*\.)*([A-Z][\w$]*)(?:<[^>]*>)?/g)) ctx.types.set(m[1], m[2]);
  // A DI container's service named by the factory's type argument (`const s = container.resolve<IInventoryService>(…)`).
  for (const m of text.matchAll(/\b(?:const|let|var)\s+([\w$]+)\s*=\s*(?:await\s+)?[\w$.]+\.(?:resolve|get|make|getService)\s*<\s*(?:[A-Z][\w$]*\.)*([A-Z][\w$]*)\s*>\s*\(/g)) if (!ctx.types.has(m[1])) ctx.types.set(m[1], m[2]);
}

/** A Python module of the app named for its database (`data.database`, `app.db`, `.tables`): where Peewee apps declare their models. */
const PY_DB_MODULE = /^(?!(?:peewee|playhouse|sqlalchemy|django|databases|flask_sqlalchemy|sqlmodel|tortoise)(?:\.|$))[\w.]*(?:^|\.)(?:database|db|tables)$/;
/** Names a database module exports that are no model: its handle, sessions, bases and errors. */
const PY_DB_NOT_MODEL = /(?:Session|Engine|Base|Database|Connection|Pool|Client|Error|Exception|Proxy|Config|Settings|Meta|Field|Type|Enum|State|Status|Kind)$|^[A-Z0-9_]+$/;

function learnPython(text: string, ctx: FileContext): void {
  // `from x import a, b`, and `from x import (\n    A,\n    B,\n)` over several lines.
  for (const m of text.matchAll(/^[ \t]*(?:from\s+([\w.]+)\s+)?import\s+(?:\(([^)]*)\)|([^\n#]+))/gm)) {
    const from = m[1];
    const names = (m[2] ?? m[3]).replace(/#[^\n]*/g, '').replace(/[()]/g, '').split(',').map((s) => s.trim().split(/\s+as\s+/)).filter(([n]) => n);
    if (from) {
      ctx.modules.push(from);
      for (const [orig, alias] of names) {
        const name = alias ?? orig;
        if (/^[A-Z]/.test(name) && /(^|\.)models?$/.test(from)) ctx.models.add(name);
        // A module of the app's models package (`from app.models.admin import Menu, Role`): Tortoise's way of splitting
        // models; the classes answer as models only when the code awaits their own queries (python/nplusone.ts).
        else if (/^[A-Z]/.test(name) && /(^|\.)models\.\w+$/.test(from)) (ctx.modelPackageClasses ??= new Set()).add(name);
        else if (/^[A-Z]/.test(name) && PY_DB_MODULE.test(from) && !PY_DB_NOT_MODEL.test(name)) (ctx.dbModuleClasses ??= new Set()).add(name);
        if (/^\w+$/.test(name)) (ctx.importedFrom ??= new Map()).set(name, from);
        if (/^\w+$/.test(name) && /^\w+$/.test(orig)) (ctx.importedAs ??= new Map()).set(name, `${from}.${orig}`);
        // Called by its alias, the function is the module's `orig`: the cross-file pass looks it up under that name.
        // Not when the file defines a function of that name itself (`from app.tasks import record_event as record_event_task`
        // beside its own `def record_event`): a bare call of the name is then the file's own.
        if (alias && alias !== orig && /^\w+$/.test(alias) && /^\w+$/.test(orig) && !new RegExp(`^(?:async[ \\t]+)?def[ \\t]+${orig}\\b`, 'm').test(text)) {
          (ctx.importAliases ??= new Map()).set(alias, orig);
          if (!ctx.importedFrom?.has(orig)) (ctx.importedFrom ??= new Map()).set(orig, from);
        }
      }
    } else {
      for (const [orig, alias] of names) {
        ctx.modules.push(orig);
        // `import app.tag.service as tag_service`
        if (alias && /^\w+$/.test(alias)) (ctx.importedAs ??= new Map()).set(alias, orig);
      }
    }
  }
  for (const m of text.matchAll(/^[ \t]*class\s+([A-Z]\w*)\s*\(([^)]*)\)/gm)) {
    if (/\b(models\.Model|Model|Base|DeclarativeBase|db\.Model|SQLModel)\b/.test(m[2])) ctx.models.add(m[1]);
  }
  for (const m of text.matchAll(/\b(\w+)\s*=\s*(?:await\s+)?([\w.]+)\s*\(/g)) {
    const last = m[2].split('.').pop() ?? '';
    if (CLIENT_FACTORIES.test(last)) ctx.clients.set(m[1], m[2]);
  }
  for (const m of text.matchAll(/\bwith\s+(?:await\s+)?([\w.]+)\s*\([^)]*\)\s+as\s+(\w+)/g)) {
    const last = m[1].split('.').pop() ?? '';
    if (CLIENT_FACTORIES.test(last) || /cursor|connect|acquire|session|transaction|begin/i.test(last)) ctx.clients.set(m[2], m[1]);
  }
  // Not what another service's client hands out: a Redis pipeline (`async with client.pipeline(…) as pipe`: its
  // `execute()` sends Redis commands — held-out-ao letta), an HTTP session, a lock, a timeout or a task group.
  for (const m of text.matchAll(/\basync\s+with\s+([\w.]+)\s*\([^)]*\)\s+as\s+(\w+)/g)) if (!NOT_DB_CONTEXT.test(m[1].split('.').pop() ?? '') && !/\b(?:redis|aiohttp|httpx)\b/i.test(m[1])) ctx.clients.set(m[2], m[1]);
  // encode/databases: `database = Database(url)` (or `databases.Database(…)`), and a parameter or attribute typed
  // `Database` in a file that imports it from `databases` — whatever the name, its fetch_one/execute run a statement.
  if (/^[ \t]*(?:from\s+databases\s+import\b|import\s+databases\b)/m.test(text)) {
    for (const m of text.matchAll(/\b(\w+)\s*(?::\s*(?:databases\.)?Database\b[^=\n]*)?=\s*(?:databases\.)?Database\s*\(/g)) ctx.clients.set(m[1], 'databases.Database');
    for (const m of text.matchAll(/\b(\w+)\s*:\s*(?:Optional\[|Annotated\[)?(?:databases\.)?Database\b(?![\w.])/g)) ctx.clients.set(m[1], 'databases.Database');
  }
  // Annotated services and repositories (`segment_service: SegmentService`, `self.repo: Optional[UserRepository]`, a
  // FastAPI `service: OrderService = Depends(…)`): the receiver's declared type (the callee's class, across files).
  // A generic base named by its role first (`accessor: RepositoryGeneric`, `repo: RepositoryBase[T]`) is one too.
  for (const m of text.matchAll(/\b(\w+)\s*:\s*(?:Optional\[|Annotated\[)?(?:[\w]+\.)*([A-Z]\w*(?:Service|Repository|Repo|Dao|Store|Manager|Provider)|(?:Service|Repository|Repo|Dao)[A-Z][a-z]\w*)\b/g)) ctx.types.set(m[1], m[2]);
}

/** Go packages named …db that are no SQL client: key-value, document and time-series stores. */
const GO_NOT_SQL_DB = /^(bolt|bbolt|level|goleveldb|badger|influx|mongo|redis|dynamo|couch|pebble|nuts|bunt|tsdb|memdb|rocks|tiedot|clover|arango|surreal|ravendb|kv|objectdb|chromem|vectordb|geodb|timeseriesdb)db$|^(goleveldb|leveldb|boltdb|buntdb|memdb|tsdb|nutsdb|rosedb|lotusdb|pogreb|influxdb|mongodb|dynamodb|couchdb|rethinkdb|cockroachdb)$/;

function learnGo(text: string, ctx: FileContext): void {
  for (const block of text.matchAll(/\bimport\s*(\(([\s\S]*?)\)|"[^"]+")/g)) {
    for (const m of (block[2] ?? block[1]).matchAll(/(?:\b(\w+)\s+)?"([^"]+)"/g)) {
      ctx.modules.push(m[2]);
      // A package of package-level query functions named for a database (`zgo.at/zdb`: `zdb.Get(ctx, &u, q)`,
      // `zdb.Exec(ctx, q)`): the package name is the client. Key-value and document stores are not SQL.
      const pkg = m[1] ?? m[2].split('/').pop() ?? '';
      if (/^[a-z]\w*db$/.test(pkg) && !GO_NOT_SQL_DB.test(pkg) && !/^(db|database)$/.test(pkg)) ctx.clients.set(pkg, `package:${m[2]}`);
    }
  }
  // `stmt, err := tx.Preparex(…)`, `stmt, err := db.ReaderDB().PreparexContext(ctx, …)` (sqlx's prepared statements too).
  for (const m of text.matchAll(/\b(\w+)\s*(?:,\s*\w+)?\s*:?=\s*((?:[\w]+(?:\(\))?\.)*[\w]+)\s*\(/g)) {
    const last = m[2].split('.').pop() ?? '';
    if (/^(sql|sqlx|pgx|pgxpool|gorm)\./.test(m[2]) && CLIENT_FACTORIES.test(last)) ctx.clients.set(m[1], m[2]);
    if (/^(Begin|BeginTx|Beginx|BeginTxx|MustBegin|Prepare|PrepareContext|Preparex|PreparexContext|PrepareNamed|PrepareNamedContext)$/.test(last)) ctx.clients.set(m[1], m[2]);
  }
  // struct fields / params: db *sql.DB, pool *pgxpool.Pool, tx pgx.Tx, db *gorm.DB
  for (const m of text.matchAll(/\b(\w+)\s+\*?((?:sql|sqlx|pgx|pgxpool|gorm)\.(?:DB|Tx|Conn|Pool|Stmt))\b/g)) ctx.clients.set(m[1], m[2]);
  // xorm: `s *xorm.Session`, `e *xorm.Engine`, `x xorm.Interface` (parameters and fields).
  for (const m of text.matchAll(/\b(\w+)\s+\*?(xorm\.(?:Session|Engine|EngineGroup|Interface|EngineInterface))\b/g)) ctx.clients.set(m[1], m[2]);
}

function learnJava(text: string, ctx: FileContext): void {
  for (const m of text.matchAll(/^\s*import\s+(?:static\s+)?([\w.*]+)\s*;/gm)) {
    ctx.modules.push(m[1]);
    const last = m[1].split('.').pop() ?? '';
    if (/\.(model|models|entity|entities|domain)\./.test(m[1]) && /^[A-Z]/.test(last)) ctx.models.add(last);
  }
  // Fields, locals, parameters and enhanced-for variables (`for (Role role : roles)`).
  for (const m of text.matchAll(/\b([A-Z][\w]*)(?:<[^;=(){}]*?>)?\s+(\w+)\s*[;=,):]/g)) ctx.types.set(m[2], m[1]);
  for (const m of text.matchAll(/@Entity[\s\S]{0,200}?\bclass\s+([A-Z]\w*)/g)) ctx.models.add(m[1]);
}

function learnRuby(text: string, ctx: FileContext): void {
  for (const m of text.matchAll(/^\s*require(?:_relative)?\s+['"]([^'"]+)['"]/gm)) ctx.modules.push(m[1]);
  for (const m of text.matchAll(/^\s*class\s+([A-Z]\w*)\s*<\s*(ApplicationRecord|ActiveRecord::Base)/gm)) ctx.models.add(m[1]);
  const assoc = [...text.matchAll(/^\s*(?:has_many|has_one|belongs_to|has_and_belongs_to_many)\s+:(\w+)/gm)].map((m) => m[1]);
  if (assoc.length) ctx.associations = new Set(assoc);
  // A Rails file (no `require` names Rails there): a class built on Rails' base classes, or ActiveRecord named.
  if (/<\s*(Application(Record|Controller|Job|Mailer)|ActiveRecord::|ActionController::|ActiveJob::|ActionMailer::)|\bActiveRecord::|\bbelongs_to\b|\bhas_many\b|\bbefore_action\b/.test(text)) ctx.modules.push('rails');
  for (const m of text.matchAll(/\b(\w+)\s*=\s*(PG(?:::Connection)?\.(?:connect|new|open)|ActiveRecord::Base\.connection)/g)) ctx.clients.set(m[1], m[2]);
}
