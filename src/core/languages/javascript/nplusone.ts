/**
 * JavaScript and TypeScript: the N+1 detector's view of the syntax tree (call chains, loops, functions)
 * and what a database call looks like for its drivers, query builders and ORMs.
 */
import { field, named, same, stringValue, buildChain, counterBound, loopBody, calleeParts, memberParts, type MemberSyntax, UNWRAP, shortText, type Node, type Chain, type LanguageAdapter, type LoopInfo, type FunctionDef, type CallShape, type Segment, type LoopKind } from '../../nplusone/syntax';
import { chainParts, label, chainArgsText, firstArg, sqlOf, opOfSql, urlArgument, HTTP_CLIENT_TYPE, isClientish, isModelName, BATCH_SQL, type DbCall, type Library } from '../../nplusone/dbCalls';
import { usesModule, type FileContext } from '../../nplusone/context';
import type { SourceLanguage } from '../../syntax/treeSitter';
import { closingEnd } from '../../limits';
import { unwrapCallee } from './extract';

const JS_LOOP_METHODS = new Set(['forEach', 'map', 'flatMap', 'reduce', 'reduceRight', 'filter', 'some', 'every', 'find', 'findIndex', 'each', 'eachSeries', 'mapSeries', 'eachLimit', 'mapLimit', 'forEachSeries', 'forEachOf', 'mapValues']);
const JS_FUNCS = new Set(['function_declaration', 'function_expression', 'function', 'arrow_function', 'method_definition', 'generator_function_declaration', 'generator_function']);

const JS_MEMBER: MemberSyntax = { access: 'member_expression', object: 'object', name: 'property', index: 'subscript_expression' };

function jsCallParts(n: Node): CallShape | undefined {
  if (n.type !== 'call_expression') return undefined;
  // tree-sitter-typescript reads `await db.query<T>(…)` as `(await db.query)<T>(…)`, and a typed tag
  // (`prisma.$queryRaw<Row[]>`…``, `sql<Row[]>`…``) as a call of `(await) prisma.$queryRaw<Row[]>!`: the call of the function inside.
  const fn = unwrapCallee(field(n, 'function')) ?? undefined;
  const args = field(n, 'arguments');
  if (!fn) return undefined;
  if (fn.type === 'import') return { name: fn, args };
  return calleeParts(fn, args, JS_MEMBER);
}

const jsMember = (n: Node) => memberParts(n, JS_MEMBER);

function jsIsOutermost(n: Node): boolean {
  let p = n.parent;
  let c: Node = n;
  while (p && UNWRAP.has(p.type)) {
    c = p;
    p = p.parent;
  }
  if (!p) return true;
  if ((p.type === 'member_expression' || p.type === 'subscript_expression') && same(field(p, 'object'), c)) {
    // `db.select().from(t)` continues; `(await x).rows` does not (await breaks the chain).
    let q: Node | null = p;
    while (q && (q.type === 'member_expression' || q.type === 'subscript_expression')) q = q.parent;
    return !(q && q.type === 'call_expression');
  }
  return true;
}

function firstParamName(params: Node | undefined, index = 0): string | undefined {
  if (!params) return undefined;
  if (params.type === 'identifier') return params.text;
  const ps = named(params).filter((p) => p.type !== 'comment');
  const p = ps[index];
  if (!p) return undefined;
  if (p.type === 'identifier') return p.text;
  const pat = field(p, 'pattern') ?? field(p, 'name') ?? p;
  if (pat.type === 'identifier') return pat.text;
  return pat.text.length < 60 ? pat.text : undefined;
}

function jsLoopOf(n: Node, child: Node): LoopInfo | undefined {
  switch (n.type) {
    case 'for_in_statement': {
      const body = loopBody(n, child);
      if (!body) return undefined;
      const isAwait = n.children.some((c) => c?.type === 'await');
      const isOf = n.children.some((c) => c?.type === 'of');
      const kind: LoopKind = isAwait ? 'for await' : isOf ? 'for…of' : 'for…in';
      const left = field(n, 'left');
      return { node: n, kind, label: kind, variable: left?.text, iterable: field(n, 'right'), body, shape: 'collection' };
    }
    case 'for_statement': {
      const body = loopBody(n, child);
      if (!body) return undefined;
      const init = field(n, 'initializer');
      const decl = init ? (init.type === 'lexical_declaration' || init.type === 'variable_declaration' ? named(init)[0] : init) : undefined;
      const v = decl ? (field(decl, 'name') ?? field(decl, 'left'))?.text : undefined;
      const cond = field(n, 'condition');
      let iterable: Node | undefined;
      const lenMatch = cond ? /<=?\s*([\w.$]+)\.(length|size)\b/.exec(cond.text) : null;
      if (lenMatch && cond) iterable = cond.descendantsOfType('member_expression').find((m) => m?.text === `${lenMatch[1]}.${lenMatch[2]}`)?.childForFieldName('object') ?? undefined;
      const lit = cond ? /<\s*(\d+)\s*;?$/.exec(cond.text.trim()) : null;
      const bound = counterBound(cond?.type === 'expression_statement' ? named(cond)[0] : cond, v);
      return { node: n, kind: 'for', label: 'for', variable: v, iterable, body, shape: 'counter', count: lit ? Number(lit[1]) : undefined, ...(bound ? { bound } : {}) };
    }
    case 'while_statement':
    case 'do_statement': {
      const body = loopBody(n, child);
      if (!body) return undefined;
      return { node: n, kind: n.type === 'do_statement' ? 'do…while' : 'while', label: n.type === 'do_statement' ? 'do…while' : 'while', body, shape: 'condition' };
    }
    case 'arrow_function':
    case 'function_expression':
    case 'function': {
      const args = n.parent;
      if (!args || args.type !== 'arguments') return undefined;
      const call = args.parent;
      if (!call || call.type !== 'call_expression') return undefined;
      const fn = field(call, 'function');
      const method = fn?.type === 'member_expression' ? field(fn, 'property')?.text : fn?.text;
      if (!method || !JS_LOOP_METHODS.has(method)) return undefined;
      const argList = named(args);
      const body = field(n, 'body') ?? n;
      // items.map(cb) → receiver; _.map(items, cb) / async.eachSeries(items, cb) → first argument. So is bluebird's
      // `Promise.each(items, cb)` / `Promise.map(items, cb, { concurrency })` (often `const Promise = require('bluebird')`):
      // the built-in Promise has no `each`, `map` or `mapSeries`, so `Promise.<loop method>(items, cb)` is the library's.
      const receiver = fn?.type === 'member_expression' ? field(fn, 'object') : undefined;
      const libStyle = receiver && /^(_|lodash|async|Bluebird|Promise|P|pMap|R)$/.test(receiver.text) && argList.length >= 2;
      const iterable = libStyle ? argList[0] : receiver;
      if (libStyle && same(argList[0], n)) return undefined;
      // A bare `map(cb)` (an RxJS/Ramda operator) or `x.map(cb)` on a single value is not a loop over items.
      if (!receiver && argList.length < 2) return undefined;
      if (receiver && /^(Optional|Maybe|Option|Result|Either|of|from)\b|\.(pipe|then)\s*\(/.test(receiver.text) && method !== 'forEach') return undefined;
      const params = field(n, 'parameters') ?? field(n, 'parameter');
      const variable = firstParamName(params, method === 'reduce' || method === 'reduceRight' ? 1 : 0);
      let kind: LoopKind = 'callback';
      let outer: Node | null = call.parent;
      while (outer && UNWRAP.has(outer.type)) outer = outer.parent;
      const inPromiseAll = outer?.type === 'arguments' && /^Promise\.(all|allSettled|any|race)$/.test(field(outer.parent!, 'function')?.text ?? '');
      if (inPromiseAll) kind = 'Promise.all';
      const label = `${inPromiseAll ? 'Promise.all(' : ''}${iterable ? shortText(iterable) + '.' : ''}${method}(…)${inPromiseAll ? ')' : ''}`;
      return { node: call, kind, label, variable, iterable, body, shape: 'collection' };
    }
  }
  return undefined;
}

function jsFunctionDef(n: Node): FunctionDef | undefined {
  switch (n.type) {
    case 'function_declaration':
    case 'generator_function_declaration':
    case 'method_definition': {
      const name = field(n, 'name')?.text;
      return name ? { name, node: n } : undefined;
    }
    case 'variable_declarator': {
      const v = field(n, 'value');
      const name = field(n, 'name');
      if (v && name?.type === 'identifier' && (v.type === 'arrow_function' || v.type === 'function_expression' || v.type === 'function')) return { name: name.text, node: v };
      return undefined;
    }
    // `Revision.saveNoteRevision = function (note, callback) { … }`, `exports.load = async (id) => …`: a function the
    // module hangs on an object (a Sequelize model's class method, a CommonJS export), named by its property.
    case 'assignment_expression': {
      const v = field(n, 'right');
      const left = field(n, 'left');
      const name = left?.type === 'member_expression' ? field(left, 'property') : undefined;
      if (v && name?.type === 'property_identifier' && (v.type === 'arrow_function' || v.type === 'function_expression' || v.type === 'function')) return { name: name.text, node: v };
      return undefined;
    }
    case 'public_field_definition':
    case 'field_definition': {
      const v = field(n, 'value');
      const name = field(n, 'name') ?? field(n, 'property');
      if (v && name && (v.type === 'arrow_function' || v.type === 'function_expression')) return { name: name.text, node: v };
      return undefined;
    }
  }
  return undefined;
}

function jsLocalCallee(n: Node): string | undefined {
  if (n.type !== 'call_expression') return undefined;
  const fn = field(n, 'function');
  if (!fn) return undefined;
  if (fn.type === 'identifier') return fn.text;
  if (fn.type === 'member_expression' && field(fn, 'object')?.type === 'this') return field(fn, 'property')?.text;
  // `Revision.saveNoteRevision(…)`, `exports.load(…)`: a function this module may hang on that object (see jsFunctionDef);
  // it is the file's own only when the file defines the name.
  if (fn.type === 'member_expression' && /^([A-Z][\w$]*|exports|module\.exports)$/.test(field(fn, 'object')?.text ?? '')) return field(fn, 'property')?.text;
  return undefined;
}

export function jsAdapter(lang: SourceLanguage): LanguageAdapter {
  return {
    lang,
    callTypes: new Set(['call_expression']),
    chainOf: (n) => (jsIsOutermost(n) ? buildChain(n, jsCallParts, jsMember, /^(this|super)$/) : undefined),
    loopOf: jsLoopOf,
    functionTypes: JS_FUNCS,
    functionDef: jsFunctionDef,
    localCallee: jsLocalCallee,
    exitTypes: new Set(['return_statement', 'break_statement', 'throw_statement']),
    stringTypes: new Set(['string', 'template_string']),
    arrayTypes: new Set(['array']),
    commentTypes: new Set(['comment']),
    // knex `.first()`, pg-promise `one`/`oneOrNone`, the ORMs' single-row finders.
    oneRowMethods: new Set(['first', 'one', 'oneOrNone', 'findFirst', 'findUnique', 'findOne', 'findByPk', 'findOneBy', 'getOne']),
  };
}

// Database calls

const PRISMA_OPS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'create', 'createMany', 'createManyAndReturn', 'update', 'updateMany', 'updateManyAndReturn', 'upsert', 'delete', 'deleteMany', 'count', 'aggregate', 'groupBy']);
const PRISMA_WRITE = /^(create|update|upsert|delete)/;
const PRISMA_BATCH = /^(create|update|delete)Many/;

/** The text without the `{…}` value of each key `key` matches (the match ends at its opening brace), braces balanced outside strings. */
function withoutNested(text: string, key: RegExp): string {
  let out = '';
  let from = 0;
  for (let m = key.exec(text); m; m = key.exec(text)) {
    out += text.slice(from, m.index);
    from = closingEnd(text, m.index + m[0].length, '{', '}', `'"\``);
    key.lastIndex = from;
  }
  return out + text.slice(from);
}
/** A list written out as constants: `['pending', 'processing']`, `[1, 2]`, `[Status.A, Status.B]`. */
const CONSTANT_LIST = String.raw`\[\s*(?:(?:'[^'\n]*'|"[^"\n]*"|-?\d+(?:\.\d+)?|true|false|null|[A-Z][\w$]*\.[A-Za-z_$][\w$]*)\s*,?\s*)*\]`;
const CONSTANT_LIST_FILTERS = new RegExp(String.raw`\b(?:inArray|notInArray)\s*\(\s*[^,()]+(?:\([^()]*\))?\s*,\s*${CONSTANT_LIST}\s*\)|\b(?:in|notIn|hasSome|hasEvery)\s*:\s*${CONSTANT_LIST}|(['"])(?:in|not in)\1\s*,\s*${CONSTANT_LIST}`, 'g');

/**
 * The statement's arguments without the filters on a list of constants (`inArray(t.status, ['pending', 'processing'])`,
 * `status: { in: ['A', 'B'] }`, `.where('state', 'in', ['a', 'b'])`): those pick a few fixed values, not the loop's items,
 * so they do not make the statement a batch (held-out-aa karakeep: a count per import session whose `where` also keeps
 * two statuses was taken for a batched read).
 */
function withoutConstantLists(text: string): string {
  return text.replace(CONSTANT_LIST_FILTERS, ' ');
}
const TYPEORM_OPS = new Set(['find', 'findOne', 'findOneBy', 'findBy', 'findOneOrFail', 'findOneByOrFail', 'findAndCount', 'findAndCountBy', 'findByIds', 'count', 'countBy', 'exist', 'exists', 'existsBy', 'save', 'insert', 'update', 'delete', 'remove', 'upsert', 'softDelete', 'softRemove', 'restore', 'increment', 'decrement', 'query', 'sum', 'average', 'minimum', 'maximum', 'preload', 'findOneOrFail']);
const MIKRO_OPS = new Set(['findOne', 'findOneOrFail', 'find', 'findAll', 'findAndCount', 'count', 'persistAndFlush', 'removeAndFlush', 'flush', 'nativeInsert', 'nativeUpdate', 'nativeDelete', 'upsert', 'upsertMany', 'insert', 'insertMany', 'refresh', 'populate']);
const TYPEORM_WRITE = /^(save|insert|update|delete|remove|upsert|soft|restore|increment|decrement|persist|native|flush)/;
const SEQUELIZE_STRONG = new Set(['findByPk', 'findOne', 'findAll', 'findAndCountAll', 'findOrCreate', 'findCreateFind', 'bulkCreate', 'findOneBy', 'findBy', 'findOneByOrFail']);
const SEQUELIZE_WEAK = new Set(['create', 'update', 'destroy', 'upsert', 'count', 'increment', 'decrement', 'max', 'min', 'sum', 'find', 'save', 'delete', 'insert']);
/** redbean-node's methods that run a statement (`R.dispense`, `R.convertToBeans`, `R.isoDateTime` do not). */
const REDBEAN_OPS = /^(getAll|getRow|getCol|getCell|exec|find|findOne|findAll|count|load|store|storeAll|trash|trashAll)$/;
const REDBEAN_SQL = /^(getAll|getRow|getCol|getCell|exec)$/;
const KYSELY_START = new Set(['selectFrom', 'insertInto', 'updateTable', 'deleteFrom', 'replaceInto', 'mergeInto']);
/** Kysely's common table expressions before the statement (`db.with('x', …).selectFrom('x')`). */
const KYSELY_WITH = new Set(['with', 'withRecursive', 'withMaterialized', 'withNotMaterialized', 'withRecursiveMaterialized']);
const KYSELY_END = new Set(['execute', 'executeTakeFirst', 'executeTakeFirstOrThrow', 'stream']);
const DRIZZLE_START = new Set(['select', 'selectDistinct', 'selectDistinctOn', 'insert', 'update', 'delete']);
const PG_PROMISE = new Set(['one', 'oneOrNone', 'many', 'manyOrNone', 'any', 'none', 'result', 'multi', 'multiResult', 'func', 'proc']);
const KNEX_WRITE = /^(insert|update|del|delete|increment|decrement|upsert|merge|truncate)$/;
/** What knex itself starts a statement with (`knex.from(t)`, `knex.raw(sql)`). */
const KNEX_START = /^(raw|select|from|table|insert|update|del|delete|where|first|batchInsert)$/;

/** knex builder methods: after `client('table')` they say the call is knex's. */
const KNEX_BUILDER = /^(select|modify|where|andWhere|orWhere|whereIn|whereNotIn|whereNull|whereNotNull|whereRaw|first|insert|update|del|delete|join|leftJoin|innerJoin|orderBy|groupBy|count|pluck|returning|distinct|increment|decrement|onConflict)$/;

/**
 * The receiver of `….update({…})` is a record as the code names one: a plain name (`book`), a name's property (its
 * association, `item.media`), or an element of a list (`books[i]`). Not a call's result (a query builder), not a
 * client or model.
 */
function sequelizeRecord(chain: Chain): boolean {
  const segs = chain.segments;
  if (segs.slice(0, -1).some((s) => s.call)) return false;
  if (chain.root.type === 'subscript_expression') return segs.length <= 2;
  if (chain.root.type !== 'identifier' || !/^[a-z]/.test(segs[0]?.name ?? '')) return false;
  return segs.length === 2 || segs.length === 3;
}

/** The index name of a call on a list's element (`books[i].update(…)` → `i`): the record is the loop's i-th item. */
function elementIndex(chain: Chain): string | undefined {
  const fn = field(chain.node, 'function');
  const recv = fn?.type === 'member_expression' ? field(fn, 'object') : undefined;
  const idx = recv?.type === 'subscript_expression' ? field(recv, 'index') : undefined;
  return idx?.type === 'identifier' ? idx.text : undefined;
}

/** Inside `static …() {}` of a class that extends a Model (`class GroupMembership extends ParanoidModel`). */
function inStaticMethodOfModel(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'method_definition') {
      if (!/^static\b/.test(p.text)) return false;
      const cls = p.parent?.parent;
      // The heritage clause, not the text: decorators before `class` can be long (`@Scopes({ … })`).
      const heritage = cls && /^(class_declaration|class|abstract_class_declaration)$/.test(cls.type) ? named(cls).find((x) => x.type === 'class_heritage')?.text ?? '' : '';
      return /\bextends\s+\w*Model\b/.test(heritage);
    }
  }
  return false;
}

const OBJECTION_WRITE = /^(insert|insertAndFetch|insertGraph|insertGraphAndFetch|patch|patchAndFetch|patchAndFetchById|update|updateAndFetch|updateAndFetchById|delete|deleteById|del|relate|unrelate|upsertGraph|upsertGraphAndFetch|increment|decrement|hardDelete|softDelete)$/;
/** Ends a builder without running it: SQL text, a knex builder, a copy. */
const OBJECTION_NOT_RUN = /^(toKnexQuery|toString|toSql|toSQL|clone|modify|as|alias|where|andWhere|orWhere|whereIn|select|orderBy|joinRelated|withGraphJoined|withGraphFetched|limit|offset|page|range)$/;

/**
 * Objection.js (on Knex): `Model.query()…` on a model of the app, `record.$query()…`,
 * `record.$relatedQuery('steps')…`. A chain handed to another call as an argument (a subquery:
 * `whereIn('id', Step.query().select('flow_id'))`) or one that is not awaited and ends in a builder
 * method (kept to be composed and run later) is not a round trip where it is written.
 */
function classifyObjection(chain: Chain, n: string[], ctx: FileContext): DbCall | undefined {
  const segs = chain.segments;
  // `this.$relatedQuery('steps')` inside a model's method: the chain starts at the method (viaSelf).
  const qi = n.findIndex((x, i) => (i >= 1 || chain.viaSelf) && segs[i].call && (x === '$query' || x === '$relatedQuery'));
  const mi = n.findIndex((x, i) => i === 1 && x === 'query' && segs[i].call && !segs[0].call && /^[A-Z]/.test(n[0]) && (ctx.models.has(n[0]) || usesModule(ctx, /^objection$/)));
  const at = qi >= 0 ? qi : mi;
  if (at < 0) return undefined;
  const node = chain.node;
  let p = node.parent;
  while (p && /^(parenthesized_expression)$/.test(p.type)) p = p.parent;
  if (p?.type === 'arguments') return undefined;
  const awaited = p?.type === 'await_expression' || p?.type === 'return_statement' || p?.type === 'arrow_function';
  const method = n[n.length - 1];
  if (!awaited && (n.length === at + 1 || OBJECTION_NOT_RUN.test(method))) return undefined;
  const rest = n.slice(at + 1);
  const write = rest.some((x) => OBJECTION_WRITE.test(x));
  const restArgs = segs.slice(at + 1).map((s) => s.args?.text ?? '').join(' ');
  const batch = rest.some((x) => /^(whereIn|findByIds|whereInComposite)$/.test(x)) || /^(insert|insertGraph|insertAndFetch|insertGraphAndFetch|relate)$/.test(rest[0] ?? '') && /^\(\s*\[/.test(segs[at + 1]?.args?.text ?? '') || /\bwhereIn\b/.test(restArgs);
  const model = at === mi ? n[0] : n[at] === '$relatedQuery' ? (/^\(\s*['"]([\w$]+)['"]/.exec(segs[at].args?.text ?? '')?.[1] ?? 'record') : (n[at - 1] ?? 'this');
  return { library: 'objection', op: write ? 'write' : 'read', batch, label: `${n.slice(0, at + 1).join('.')}(…)${rest.length ? '.' + rest.join('.') : ''}`, method, model };
}

/** Bookshelf.js model methods that run a statement. */
const BOOKSHELF_RUN = /^(fetch|fetchAll|fetchOne|fetchPage|save|destroy|count)$/;

/**
 * Bookshelf.js (on knex): `Model.forge(attrs)….fetch()` (`orm.Edition.forge({bbid}).fetch({withRelated})`,
 * `model.forge(…).fetchAll()`), `record.related('aliasSet').fetch()`, and `new Model(attrs).fetch()/.save()/.destroy()`
 * on a model class the file takes from the app's ORM object (`const {Entity} = orm`) or from bookshelf itself
 * (held-out-am BookBrainz: a revision list's entity per revision, search hits fetched one by one).
 */
function classifyBookshelf(chain: Chain, n: string[], ctx: FileContext, a: LanguageAdapter): DbCall | undefined {
  const segs = chain.segments;
  const method = n[n.length - 1];
  if (!BOOKSHELF_RUN.test(method) || !segs[segs.length - 1].call) return undefined;
  const fi = n.findIndex((x, i) => i >= 1 && x === 'forge' && !!segs[i].call && segs.slice(0, i).every((s) => !s.call));
  const ri = n.findIndex((x, i) => i >= 1 && x === 'related' && !!segs[i].call && stringArgOf(segs[i], a) !== undefined && segs.slice(0, i).every((s) => !s.call));
  let model: string | undefined;
  if (fi >= 1 && fi < n.length - 1) model = n[fi - 1];
  else if (ri >= 1 && ri === n.length - 2) model = stringArgOf(segs[ri], a);
  else if (chain.root.type === 'new_expression' && segs.length === 1) {
    const cls = field(chain.root, 'constructor')?.text;
    if (!cls || !/^[A-Z][\w$]*$/.test(cls)) return undefined;
    let top: Node = chain.node;
    while (top.parent) top = top.parent;
    const fromOrm = new RegExp(`\\{[^{}]*\\b${cls}\\b[^{}]*\\}\\s*=\\s*(?:[\\w$]+\\.)*orm\\b`).test(top.text);
    if (!fromOrm && !usesModule(ctx, /^bookshelf$/)) return undefined;
    model = cls;
  } else return undefined;
  const write = /^(save|destroy)$/.test(method);
  return { library: 'bookshelf', op: write ? 'write' : 'read', batch: false, label: chain.root.type === 'new_expression' ? `new ${model}(…).${method}` : label(chain), method, model };
}

export function classifyJs(chain: Chain, ctx: FileContext, a: LanguageAdapter): DbCall | undefined {
  // Promise chaining after a call (`Revision.findAll(…).then((rows) => …)`, `.catch(…)`, callback-era code): the
  // call before it decides, as written without it.
  const all = chain.segments;
  let kept = all.length;
  while (kept > 2 && all[kept - 1].call && /^(then|catch|finally)$/.test(all[kept - 1].name) && all[kept - 2].call) kept--;
  if (kept < all.length) return classifyJs({ ...chain, segments: all.slice(0, kept) }, ctx, a);
  const { segs, names: n, last, method } = chainParts(chain);
  // An array method given a function (`workspaces.find((w) => w.id === id)`, `.filter(fn)`): no ORM operation
  // takes a function first, so it is the array's.
  if (JS_LOOP_METHODS.has(method) && segs.length >= 2 && /^(arrow_function|function_expression|function)$/.test(firstArg(last)?.type ?? '')) return undefined;
  const argsText = chainArgsText(chain);
  if (usesModule(ctx, /^(mongodb|mongoose|@apollo\/client|graphql-request|urql|redis|ioredis|@elastic\/)/) && !usesModule(ctx, /^(pg|postgres|@prisma\/client|typeorm|sequelize|knex|drizzle-orm|kysely|mysql2)/)) return undefined;
  // The app's knex instance held on an object and called with a table (`r.knex('campaign_contact').where(…).update(…)`,
  // `WIKI.models.knex('pagesVector').where(…)`): judged from `knex(…)` on, as knex's own (held-out-an Spoke, Wiki.js).
  // …or used through its builder methods (`db.knex.from('_nango_connections').where(…).first()`, `db.knex.raw(…)`,
  // `db.knex.select(…).from(…)`: held-out-av Nango, whose services reach knex only so).
  const ki = n.findIndex((x, i) => i >= 1 && x === 'knex' && segs.slice(0, i).every((s) => !s.call) && (segs[i].call ? stringArgOf(segs[i], a) !== undefined : !!segs[i + 1]?.call && KNEX_START.test(n[i + 1] ?? '')));
  if (ki >= 1) return classifyJs({ ...chain, segments: segs.slice(ki) }, ctx, a);
  // MongoDB drivers (`db.collection('x').find`); not a record named collection in a file that imports its models,
  // nor a Prisma model named Collection (`prisma.collection.findMany(…)`: a property of the client, then an operation).
  const ci = n.indexOf('collection');
  const prismaModel = ci >= 1 && !segs[ci].call && !!segs[ci + 1]?.call && PRISMA_OPS.has(n[ci + 1]) && (/prisma/i.test(n[ci - 1]) || !!ctx.clients.get(n[ci - 1])?.includes('PrismaClient'));
  if (ci >= 0 && !prismaModel && !(ctx.models.size > 0 && segs.length === 2 && !segs[0].call)) return undefined;

  // Kysely's raw SQL run on a client: sql`SELECT …`.execute(this.db), sql<T>`…`.execute(trx).
  // (With type arguments, `sql<T>\`…\``, the grammar reads no call before `.execute`: the text decides.)
  if (KYSELY_END.has(method) && named(last.args).length === 1 && /^(?:await\s+)?sql\s*(?:<[^`]*>)?\s*`/.test(chain.node.text) && usesModule(ctx, /^kysely$/)) {
    const tpl = segs[0].args?.type === 'template_string' ? segs[0].args : chain.node.descendantsOfType('template_string')[0] ?? undefined;
    const sql = tpl ? stringValue(tpl) : undefined;
    if (tpl && sql !== undefined) return { library: 'kysely', op: opOfSql(sql), batch: BATCH_SQL.test(sql), label: `sql\`…\`.${method}`, method, sql, sqlArg: tpl };
  }

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
  // Prisma's fluent relation API: `prisma.team.findUnique({ where }).members()` reads the relation (one query).
  // Promise chaining after the operation (`prisma.post.findMany(…).then((rows) => …)`) runs the same query.
  let end = segs.length;
  while (end > pIdx + 1 && segs[end - 1].call && /^(then|catch|finally)$/.test(segs[end - 1].name)) end--;
  const fluent = pIdx >= 1 && pIdx === end - 2 && !!segs[end - 1].call && /^find(Unique|First)(OrThrow)?$/.test(segs[pIdx].name);
  if (pIdx >= 1 && (pIdx === end - 1 || fluent)) {
    const client = n[pIdx - 2];
    const model = n[pIdx - 1];
    const prismaish = (client !== undefined && (/prisma/i.test(client) || ctx.clients.get(client)?.includes('PrismaClient') || (usesModule(ctx, /^@prisma\/client|prisma$/) && isClientish(client, ctx)))) || (client === undefined && /prisma/i.test(model));
    if (prismaish && model !== 'query' && pIdx <= 3) {
      // A list in the statement's own `where` (an `in:` under `include`/`select` filters the related rows it loads); a
      // findUnique reads one row whatever it includes (held-out-v papermark: `tx.team.findUnique({ where: { id:
      // job.teamId }, include: { users: { where: { role: { in: […] } } } } })` per job was taken for a batch).
      const batchArg = !/^findUnique/.test(segs[pIdx].name) && /\bin\s*:|\bnotIn\s*:|\bhasSome\s*:|\bhasEvery\s*:/.test(withoutConstantLists(withoutNested(segs[pIdx].args?.text ?? '', /\b(?:include|select)\s*:\s*\{/g)));
      return { library: 'prisma', op: PRISMA_WRITE.test(segs[pIdx].name) ? 'write' : 'read', batch: PRISMA_BATCH.test(segs[pIdx].name) || batchArg, label: label(chain), method: segs[pIdx].name, model };
    }
  }
  if (/^\$(queryRaw|executeRaw)(Unsafe)?$/.test(method) && segs.length >= 2) {
    const arg = firstArg(last);
    const sql = sqlOf(arg, a);
    return { library: 'prisma', op: method.startsWith('$execute') ? 'write' : opOfSql(sql), batch: sql !== undefined && BATCH_SQL.test(sql), label: label(chain), method, sql, sqlArg: arg };
  }

  const root = n[0];
  const rootIsClient = isClientish(root, ctx) || (chain.viaSelf && isClientish(n[0], ctx));

  // redbean-node: `R.getAll/getRow/getCol/getCell/exec(sql, …)` run the SQL they are given, `R.find/findOne/findAll/count/
  // load('type', …)` read beans, `R.store/trash(bean)` write one; a transaction from `R.begin()` has the same methods.
  if (segs.length === 2 && !segs[0].call && ctx.clients.get(root) === 'redbean-node' && REDBEAN_OPS.test(method)) {
    const arg = firstArg(last);
    const sql = REDBEAN_SQL.test(method) ? sqlOf(arg, a) : undefined;
    const write = /^(store|storeAll|trash|trashAll)$/.test(method) || (method === 'exec' && opOfSql(sql, 'write') === 'write');
    return { library: 'sql', op: write ? 'write' : 'read', batch: sql !== undefined && BATCH_SQL.test(sql), label: label(chain), method, sql, sqlArg: sql !== undefined ? arg : undefined, model: REDBEAN_SQL.test(method) ? undefined : stringArgOf(last, a) };
  }

  // Drizzle relational queries: db.query.users.findFirst(…)
  if (segs.length >= 4 && n[1] === 'query' && /^find(First|Many)$/.test(method) && rootIsClient) {
    const batch = /\binArray\s*\(|\bin\s*:/.test(withoutConstantLists(last.args?.text ?? ''));
    return { library: 'drizzle', op: 'read', batch, label: label(chain), method, model: n[2] };
  }

  // Kysely: db.selectFrom('t')…execute(), after any common table expressions (`db.withRecursive('tree', …).selectFrom('tree')`).
  // The client may be a property of the app's database wrapper: `this.db.db.insertInto(…)`, `tx.db.selectFrom(…)`,
  // `dbTxn.db.updateTable(…)` (held-out-ak atproto) — each name before the builder a client's.
  let kb = 0;
  while (rootIsClient && kb + 2 < n.length && !segs[kb].call && !segs[kb + 1].call && isClientish(n[kb + 1], ctx)) kb++;
  let ks = kb + 1;
  while (ks < n.length - 1 && KYSELY_WITH.has(n[ks]) && segs[ks].call) ks++;
  if (rootIsClient && segs.length >= ks + 2 && KYSELY_START.has(n[ks]) && KYSELY_END.has(method)) {
    const model = stringArgOf(segs[ks], a);
    return { ...writeShape(segs, /^(values|set)$/), library: 'kysely', op: n[ks] === 'selectFrom' ? 'read' : 'write', batch: /\bin\b['"]?\s*,|'in'|"in"/.test(withoutConstantLists(argsText)) || /\bvalues\s*\(\s*[\w.]+\s*\)/.test(argsText) && false, label: `${n[kb]}.${n.slice(kb + 1, ks + 1).join('(…).')}(…).${method}`, method, model };
  }

  // Kysely, composed in a variable and run later: `let query = db.selectFrom('pages')…; if (x) query = query.where(…);
  // return query.executeTakeFirst()` (held-out-z docmost: PageRepo.findById).
  if (segs.length === 2 && !segs[0].call && KYSELY_END.has(method)) {
    const built = kyselyBuiltIn(chain.node, root, ctx);
    if (built) return { library: 'kysely', op: built.start === 'selectFrom' ? 'read' : 'write', batch: false, label: `${root}.${method}`, method, model: built.table };
  }

  // Drizzle core: db.select().from(t).where(…), db.insert(t).values(…)
  if (rootIsClient && segs.length >= 2 && DRIZZLE_START.has(n[1]) && segs[1].call && (usesModule(ctx, /^drizzle-orm/) || n.includes('from') || n.includes('values') || n.includes('set'))) {
    const model = n[1] === 'select' || n[1] === 'selectDistinct' ? named(segs[n.indexOf('from')]?.args)[0]?.text : named(segs[1].args)[0]?.text;
    const batch = /\binArray\s*\(/.test(withoutConstantLists(argsText)) || (n[1] === 'insert' && /values\s*\(\s*\[|values\s*\(\s*\w+s\s*\)/.test(argsText));
    return { library: 'drizzle', op: n[1].startsWith('select') ? 'read' : 'write', batch, label: `${root}.${n[1]}(…)`, method, model, verb: n[1], ...writeShape(segs, /^(values|set)$/) };
  }

  // knex: knex('users').where(…).first(), trx('t').insert(…), knex.raw(…), knex.select(…).from(…)
  // …or the app's own module exporting the instance (`import database from './database'`), called knex's way:
  // `database('questionaries').select('*').where({ … })` (a client called with a table name, then a builder method).
  const knexCalled = rootIsClient && segs.length >= 2 && segs[0].call && stringArgOf(segs[0], a) !== undefined && n.slice(1).some((x) => KNEX_BUILDER.test(x));
  const knexish = root === 'knex' || root === 'trx' || ctx.clients.get(root)?.match(/knex/i) || (usesModule(ctx, /^knex$/) && rootIsClient) || knexCalled;
  // A builder handed to another builder (`this.on(a, "=", knex.raw("?", [k]))`, `whereIn("id", knex("t").select("id"))`)
  // is a fragment or a subquery of that statement: it runs no query of its own.
  if (knexish && knexFragment(chain.node)) return undefined;
  if (knexish && segs[0].call && stringArgOf(segs[0], a) !== undefined) {
    const write = n.some((x) => KNEX_WRITE.test(x));
    const batch = n.some((x) => /^(whereIn|whereNotIn|orWhereIn|batchInsert)$/.test(x)) || (write && n.includes('insert') && /insert\s*\(\s*(\[|\w+s\b)/.test(chain.node.text));
    return { library: 'knex', op: write ? 'write' : 'read', batch, label: `${root}(${stringArgOf(segs[0], a) ? "'" + stringArgOf(segs[0], a) + "'" : '…'})…${method === n[0] ? '' : '.' + method}`, method, model: stringArgOf(segs[0], a), verb: n.find((x) => KNEX_WRITE.test(x)), ...writeShape(segs, /^(insert|update|upsert)$/) };
  }
  if (knexish && segs.length >= 2 && /^(raw|select|from|table|insert|update|del|delete|where|first|batchInsert)$/.test(n[1])) {
    const arg = firstArg(segs[1]);
    const sql = n[1] === 'raw' ? sqlOf(arg, a) : undefined;
    const write = n.some((x) => KNEX_WRITE.test(x)) || opOfSql(sql) === 'write';
    const batch = n.some((x) => /^(whereIn|whereNotIn|batchInsert)$/.test(x)) || (sql !== undefined && BATCH_SQL.test(sql));
    return { library: 'knex', op: write ? 'write' : 'read', batch, label: `${root}.${n[1]}(…)`, method, sql, sqlArg: n[1] === 'raw' ? arg : undefined, verb: n.find((x) => KNEX_WRITE.test(x)) };
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

  const objection = classifyObjection(chain, n, ctx);
  if (objection) return objection;
  const bookshelf = classifyBookshelf(chain, n, ctx, a);
  if (bookshelf) return bookshelf;

  // A static method of a Sequelize model calling the model itself: `this.create(…)`, `this.findAll(…)`.
  if (segs.length === 1 && chain.viaSelf && (SEQUELIZE_STRONG.has(method) || SEQUELIZE_WEAK.has(method)) && inStaticMethodOfModel(chain.node)) {
    return { library: 'sequelize', op: /^(create|update|destroy|upsert|increment|decrement|bulkCreate|save|delete|insert|findOrCreate)/.test(method) ? 'write' : 'read', batch: method === 'bulkCreate', label: `this.${method}`, method };
  }

  // Sequelize models through the registry the app's models module exports (held-out-ai chartbrew):
  // `const db = require('../models/models')` then `db.ChartCache.destroy({ where })`, `models.User.findAll(…)`.
  if (segs.length === 3 && !segs[0].call && !segs[1].call && !chain.viaSelf && ctx.modelRegistries?.has(root) && isModelName(n[1], ctx) && (SEQUELIZE_STRONG.has(method) || SEQUELIZE_WEAK.has(method))) {
    const callArgs = last.args?.text ?? '';
    const batch = method === 'bulkCreate' || /\[Op\.in\]|\bOp\.in\b|\$in\b/.test(callArgs);
    return { library: 'sequelize', op: /^(create|update|destroy|upsert|increment|decrement|bulkCreate|save|delete|insert|findOrCreate)/.test(method) ? 'write' : 'read', batch, label: label(chain), method, model: n[1] };
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

  // A Sequelize record's own update with new values (issue 14, held-out-ag): `book.update({ order })`, a record's
  // association `item.media.update({ tags })`, an element `books[i].update({ … })` — one UPDATE of that row, in a file
  // that uses Sequelize or imports its models. The object literal is what Sequelize's `Model#update(values)` takes
  // (a hash's `update(data)` takes a string or buffer).
  if (method === 'update' && !chain.viaSelf && firstArg(last)?.type === 'object' && (usesModule(ctx, /^(sequelize|sequelize-typescript)$/) || ctx.models.size > 0) && sequelizeRecord(chain)) {
    return { library: 'sequelize', op: 'write', batch: false, label: label(chain), method, instanceOf: elementIndex(chain) ?? root };
  }

  // Instance methods of ORM records: user.save(), user.getPosts() (Sequelize lazy association)
  // The file imports its models (`import { Document } from '@server/models'`): record.save() is the ORM's too.
  if (segs.length === 2 && !segs[0].call && (usesModule(ctx, /^(sequelize|sequelize-typescript|typeorm|@mikro-orm\/)/) || (ctx.models.size > 0 && /^(save|destroy|reload)$/.test(method)))) {
    if (/^(save|destroy|reload|softRemove|remove)$/.test(method) && !isClientish(root, ctx)) return { library: usesModule(ctx, /^sequelize/) ? 'sequelize' : 'typeorm', op: method === 'reload' ? 'read' : 'write', batch: false, label: label(chain), method, instanceOf: root };
    if (/^(get|count)[A-Z]\w*$/.test(method) && usesModule(ctx, /^sequelize/) && !/^get(Data|Value|DataValue|Attributes|TableName)$/.test(method) && !JS_BUILTIN_GETTER.test(method)) return { library: 'sequelize', op: 'read', batch: false, label: label(chain), method, instanceOf: root, lazy: true };
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
    // An HTTP client's method named like SQL (plex-api's `client.query('/library/…')`): a URL, or a receiver typed as one.
    if (urlArgument(arg, a) || HTTP_CLIENT_TYPE.test(ctx.types.get(recv!) ?? '')) return undefined;
    const sql = sqlOf(arg, a);
    const library: Library = usesModule(ctx, /^mysql2?(\/promise)?$/) ? 'mysql2' : usesModule(ctx, /^(pg|pg-pool)$/) ? 'node-postgres' : usesModule(ctx, /^drizzle-orm/) ? 'drizzle' : ctx.clients.get(recv!)?.includes('postgres') || usesModule(ctx, /^postgres$/) ? 'postgres.js' : 'sql';
    // `db.query<Review>(…)`: one type argument, the rows' type (person54 L-5: the batched rewrite dropped it).
    const typeArgs = last.call ? named(field(last.call, 'type_arguments')).filter((t) => t.type !== 'comment') : [];
    const rowType = typeArgs.length === 1 && typeArgs[0].text.length <= 120 ? typeArgs[0].text : undefined;
    return { library, op: opOfSql(sql), batch: sql !== undefined && BATCH_SQL.test(sql), label: label(chain), method, sql, sqlArg: arg, ...(rowType ? { rowType } : {}) };
  }
  return undefined;
}

/**
 * A builder write's conflict handling (knex `.onConflict([...]).ignore()/.merge(…)`, Kysely `.onConflict((oc) => …)`,
 * Drizzle `.onConflictDoNothing()/.onConflictDoUpdate(…)`) as written, on one line, and the columns of the object
 * literal its values segment (`insert`, `values`, `set`) is given: what a batched form of the write must keep.
 */
/** Promise combinators and collectors: a builder handed to them is run (awaited together), not composed. */
const RUNS_ARGUMENT = /^(all|allSettled|race|any|resolve|push|unshift|add|set|then)$/;

/** The chain is a direct argument of another call that composes it (not one that runs it: `Promise.all`, `list.push`). */
function knexFragment(node: Node): boolean {
  const args = node.parent;
  if (args?.type !== 'arguments') return false;
  const fn = args.parent ? field(args.parent, 'function') : undefined;
  const name = fn?.type === 'member_expression' ? field(fn, 'property')?.text : fn?.text;
  return !!name && !RUNS_ARGUMENT.test(name);
}

function writeShape(segs: Segment[], valuesSeg: RegExp): Pick<DbCall, 'conflict' | 'columns'> {
  const out: Pick<DbCall, 'conflict' | 'columns'> = {};
  const i = segs.findIndex((x) => /^(onConflict|onConflictDoNothing|onConflictDoUpdate)$/.test(x.name) && !!x.call);
  if (i > 0) {
    const parts = [segs[i]];
    if (segs[i].name === 'onConflict' && segs[i + 1]?.call && /^(ignore|merge)$/.test(segs[i + 1].name)) parts.push(segs[i + 1]);
    const text = parts.map((x) => `.${x.name}${(x.args?.text ?? '()').replace(/\s+/g, ' ').replace(/\(\s+/g, '(').replace(/\s+\)/g, ')')}`).join('');
    out.conflict = text.length > 160 ? `${text.slice(0, 159)}…` : text;
  }
  const values = segs.find((x) => valuesSeg.test(x.name) && !!x.call);
  const obj = named(values?.args).find((x) => x.type === 'object');
  if (obj) {
    const keys = named(obj).map((p) => (p.type === 'pair' ? field(p, 'key')?.text : p.type === 'shorthand_property_identifier' ? p.text : undefined)).filter((k): k is string => !!k).map((k) => k.replace(/^['"]|['"]$/g, ''));
    if (keys.length) out.columns = keys;
  }
  return out;
}

/**
 * The Kysely statement a variable of the enclosing function was first bound to (`let query = db.selectFrom('pages')`,
 * `const q = this.db.updateTable('t')`, `const base = trx.withRecursive(…).selectFrom(…)`): its first verb and table, when
 * it starts at a database client.
 */
function kyselyBuiltIn(node: Node, name: string, ctx: FileContext): { start: string; table?: string } | undefined {
  if (!/^[\w$]+$/.test(name)) return undefined;
  let fn: Node | null = node.parent;
  while (fn && !JS_FUNCS.has(fn.type)) fn = fn.parent;
  if (!fn) return undefined;
  const at = node.startIndex - fn.startIndex;
  const re = new RegExp(`\\b(?:let|const|var)\\s+${name.replace(/\$/g, '\\$')}\\s*(?::[^=;]+)?=\\s*(?:await\\s+)?((?:this\\.)?[\\w$]+(?:\\.[\\w$]+)*?)\\s*((?:\\.\\s*(?:${[...KYSELY_WITH].join('|')})\\s*\\([^]*?)?)\\.\\s*(${[...KYSELY_START].join('|')})\\s*\\(\\s*(?:['"\`]([\\w.]+)['"\`])?`);
  const m = re.exec(fn.text.slice(0, at));
  if (!m) return undefined;
  // The client, or the app's database wrapper holding it (`db.db`, `dbTxn.db`: held-out-ak atproto): each name a client's.
  const client = m[1].replace(/^this\./, '');
  return client.split('.').every((part) => isClientish(part, ctx)) ? { start: m[3], table: m[4] } : undefined;
}

function stringArgOf(seg: Segment | undefined, a: LanguageAdapter): string | undefined {
  const arg = firstArg(seg);
  return arg && a.stringTypes.has(arg.type) ? stringValue(arg) : undefined;
}

/**
 * Getters of JavaScript's built-in objects (`date.getTime()`, `d.getUTCFullYear()`, `url.searchParams.get`,
 * `el.getAttribute(…)`): not a Sequelize association getter (`user.getPosts()`), whatever the file imports.
 */
const JS_BUILTIN_GETTER = /^get(?:Time|Timezone(?:Offset)?|(?:UTC)?(?:FullYear|Month|Date|Day|Hours|Minutes|Seconds|Milliseconds)|Year|Item|Attribute|AttributeNames|ElementById|ElementsBy\w+|BoundingClientRect|ComputedStyle|Context|Reader|Writer|Int\d+|Uint\d+|Float\d+|BigInt64|BigUint64|OwnPropertyNames|OwnPropertyDescriptors?|OwnPropertySymbols|PrototypeOf|RandomValues|Header|Headers|SetCookie)$/;
