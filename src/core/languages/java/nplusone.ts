/**
 * Java: the N+1 detector's view of the syntax tree (call chains, loops, functions)
 * and what a database call looks like for its drivers, query builders and ORMs.
 */
import { field, named, same, isFieldOfParent, buildChain, counterBound, loopBody, memberParts, type MemberSyntax, shortText, type Node, type Chain, type LanguageAdapter, type LoopInfo, type CallShape } from '../../nplusone/syntax';
import { chainParts, label, chainArgsText, firstArg, sqlOf, opOfSql, urlArgument, HTTP_CLIENT_TYPE, BATCH_SQL, classifyPrefixes, type DbCall } from '../../nplusone/dbCalls';
import type { FileContext } from '../../nplusone/context';

const JAVA_STREAM_METHODS = new Set(['forEach', 'forEachOrdered', 'map', 'flatMap', 'filter', 'peek', 'anyMatch', 'allMatch', 'noneMatch', 'mapToObj', 'mapToInt', 'mapToLong', 'collect']);

function javaCallParts(n: Node): CallShape | undefined {
  // A method reference handed to a stream or forEach (`updated.forEach(entityManager::merge)`) is called once per
  // element: a call of its method on its receiver, without arguments written.
  if (n.type === 'method_reference') {
    const parts = named(n);
    const name = parts[parts.length - 1];
    return parts.length === 2 && name.type === 'identifier' && parts[0].type !== 'this' && parts[0].type !== 'super' ? { receiver: parts[0], name } : undefined;
  }
  if (n.type !== 'method_invocation') return undefined;
  return { receiver: field(n, 'object'), name: field(n, 'name'), args: field(n, 'arguments') };
}

const JAVA_MEMBER: MemberSyntax = { access: 'field_access', object: 'object', name: 'field' };
const javaMember = (n: Node) => memberParts(n, JAVA_MEMBER);

/** The receiver chain, walked back to its `stream()`, passes a terminal operation that yields one Optional element. */
function endsInOneElement(recv: Node | undefined): boolean {
  for (let r = recv; r?.type === 'method_invocation'; r = field(r, 'object')) {
    const name = field(r, 'name')?.text ?? '';
    if (/^(stream|parallelStream)$/.test(name)) return false;
    if (/^(findFirst|findAny|max|min|reduce)$/.test(name)) return true;
  }
  return false;
}

/**
 * Spring Data's `Page`/`Slice`/`Streamable` maps each element: `page.map(x -> …)`, `page.get().map(x -> …)` (its
 * `get()` is a Stream) on a name the file declares `Page<…> page` — not an Optional's map.
 */
function springPage(recv: Node | undefined): boolean {
  if (!recv) return false;
  const base = recv.type === 'method_invocation' && field(recv, 'name')?.text === 'get' && !named(field(recv, 'arguments')).length ? field(recv, 'object') : recv;
  if (base?.type !== 'identifier') return false;
  let root = base;
  while (root.parent) root = root.parent;
  return new RegExp(`\\b(?:Page|Slice|Streamable)<(?:[^<>;=(){}]|<[^<>;=(){}]*>)*>\\s+${base.text}\\s*[;=,)]`).test(root.text);
}

/**
 * A lambda or method reference given to `call` runs once per element when `call` is a stream's operation, a forEach,
 * or a multi-element `map` (a Spring Data Page/Slice/Streamable, or a map read as a collection: `.toList()`, `.toSet()`,
 * `.collect(…)`, `.forEach(…)` after it — an Optional's map has none of them).
 */
function javaStreamLoop(call: Node, variable: string | undefined, body: Node): LoopInfo | undefined {
  const method = field(call, 'name')?.text;
  if (!method || !JAVA_STREAM_METHODS.has(method)) return undefined;
  let recv = field(call, 'object');
  const readAsCollection = method === 'map' && call.parent?.type === 'method_invocation' && same(field(call.parent, 'object'), call) && /^(toList|toSet|collect|forEach|reduce|collectList|collectMap|collectMultimap)$/.test(field(call.parent, 'name')?.text ?? '');
  // Optional.map / Optional.filter / a single value's map run the lambda at most once: a loop
  // only when the chain is a stream (or forEach on a collection).
  if (method !== 'forEach' && !/\b(stream|parallelStream|Stream\.\w+|IntStream\.\w+|LongStream\.\w+|Arrays\.stream|Flux\.\w+)\s*\(/.test(recv?.text ?? '') && !springPage(recv) && !readAsCollection) return undefined;
  // A stream cut to one element before the call (`….findFirst().map(p -> …)`, `findAny()`, `max(cmp)`,
  // `reduce(…)`): an Optional's map, run at most once.
  if (method !== 'forEach' && endsInOneElement(recv)) return undefined;
  while (recv?.type === 'method_invocation' && JAVA_STREAM_METHODS.has(field(recv, 'name')?.text ?? '') === false && /^(stream|parallelStream|filter|distinct|sorted)$/.test(field(recv, 'name')?.text ?? '')) recv = field(recv, 'object');
  // `IntStream.range(0, n).forEach(i -> …)`: counts to n.
  const range = recv?.type === 'method_invocation' && /^(range|rangeClosed)$/.test(field(recv, 'name')?.text ?? '') && /^(IntStream|LongStream)$/.test(field(recv, 'object')?.text ?? '') ? named(field(recv, 'arguments'))[1] : undefined;
  return { node: call, kind: 'stream', label: `${recv ? shortText(recv) + '.' : ''}${method}(…)`, variable, iterable: recv, body, shape: 'collection', ...(range ? { bound: range } : {}) };
}

function javaLoopOf(n: Node, child: Node): LoopInfo | undefined {
  switch (n.type) {
    case 'argument_list': {
      // `updated.forEach(entityManager::merge)`: the reference is the body, called per element.
      if (child.type !== 'method_reference' || n.parent?.type !== 'method_invocation') return undefined;
      return javaStreamLoop(n.parent, undefined, child);
    }
    case 'enhanced_for_statement': {
      const body = loopBody(n, child);
      if (!body) return undefined;
      return { node: n, kind: 'for…of', label: 'for (… : …)', variable: field(n, 'name')?.text, iterable: field(n, 'value'), body, shape: 'collection' };
    }
    case 'for_statement': {
      const body = loopBody(n, child);
      if (!body) return undefined;
      const init = field(n, 'init');
      const v = init ? field(field(init, 'declarator') ?? init, 'name')?.text : undefined;
      const cond = field(n, 'condition');
      const m = cond ? /<=?\s*([\w.]+)\.(size|length)\b/.exec(cond.text) : null;
      const iterable = m && cond ? (cond.descendantsOfType(['identifier', 'field_access']).find((x) => x?.text === m[1]) ?? undefined) : undefined;
      const lit = cond ? /<\s*(\d+)$/.exec(cond.text.trim()) : null;
      const bound = counterBound(cond, v);
      return { node: n, kind: 'for', label: 'for', variable: v, iterable, body, shape: 'counter', count: lit ? Number(lit[1]) : undefined, ...(bound ? { bound } : {}) };
    }
    case 'while_statement':
    case 'do_statement': {
      const body = loopBody(n, child);
      if (!body) return undefined;
      const cond = field(n, 'condition');
      // while (rs.next()) iterates the rows of one result set.
      const rs = cond && /^\(?\s*(\w+)\.next\(\)\s*\)?$/.exec(cond.text);
      if (rs) return { node: n, kind: 'result-set', label: `while (${rs[1]}.next())`, variable: rs[1], body, shape: 'collection' };
      return { node: n, kind: n.type === 'do_statement' ? 'do…while' : 'while', label: 'while', body, shape: 'condition' };
    }
    case 'lambda_expression': {
      const args = n.parent;
      if (args?.type !== 'argument_list') return undefined;
      let call = args.parent;
      if (call?.type !== 'method_invocation') return undefined;
      // A lambda wrapped for a stream's operation (`.map(throwFunction(e -> …))`, `.forEach(throwConsumer(e -> …))`,
      // `Unchecked.consumer(…)`): the wrapper's only argument, handed on to the operation, runs per element.
      const outer = call.parent?.type === 'argument_list' ? call.parent.parent : undefined;
      if (named(args).length === 1 && !JAVA_STREAM_METHODS.has(field(call, 'name')?.text ?? '') && outer?.type === 'method_invocation' && named(call.parent!).length === 1 && JAVA_STREAM_METHODS.has(field(outer, 'name')?.text ?? '')) call = outer;
      const params = field(n, 'parameters');
      const variable = params?.type === 'identifier' ? params.text : named(params)[0]?.text.split(/\s+/).pop();
      return javaStreamLoop(call, variable, field(n, 'body') ?? n);
    }
  }
  return undefined;
}

export function javaAdapter(): LanguageAdapter {
  return {
    lang: 'java',
    callTypes: new Set(['method_invocation', 'method_reference']),
    chainOf: (n) => (isFieldOfParent(n, 'method_invocation', 'object') ? undefined : buildChain(n, javaCallParts, javaMember, /^(this|super)$/)),
    loopOf: javaLoopOf,
    functionTypes: new Set(['method_declaration', 'constructor_declaration', 'lambda_expression']),
    // A method declared without a body (an interface's, an abstract one) is not a definition: its implementations are —
    // unless an annotation gives its statement (statementAnnotation): the library runs that on every call.
    functionDef: (n) => (n.type === 'method_declaration' && field(n, 'name') && (field(n, 'body') || statementAnnotation(n)) ? { name: field(n, 'name')!.text, node: n } : undefined),
    localCallee: (n) => {
      if (n.type !== 'method_invocation') return undefined;
      const o = field(n, 'object');
      if (!o || o.type === 'this') return field(n, 'name')?.text;
      return undefined;
    },
    exitTypes: new Set(['return_statement', 'break_statement', 'throw_statement']),
    stringTypes: new Set(['string_literal', 'text_block']),
    arrayTypes: new Set(['array_initializer']),
    commentTypes: new Set(['line_comment', 'block_comment']),
    // JdbcTemplate, JPA, Hibernate, jOOQ, Spring Data: one row or one value.
    oneRowMethods: new Set(['queryForObject', 'queryForMap', 'getSingleResult', 'uniqueResult', 'fetchOne', 'fetchSingle', 'fetchAny', 'findFirst', 'findById', 'optional', 'single']),
  };
}

// Database calls

/** Annotations that hold the statement a bodyless repository method runs: npjt-extra's and Spring Data's `@Query`, JDBI's, MyBatis's. */
const STATEMENT_ANNOTATION = /^(Query|NativeQuery|SqlQuery|SqlUpdate|SqlCall|Select|Insert|Update|Delete)$/;

/**
 * Java: the annotation of a method declared without a body that gives the statement the library runs on each call —
 * `@Query("update coupon set … where code = :code") int markAsSent(…)` of an npjt-extra `@QueryRepository`, JDBI's
 * `@SqlQuery`/`@SqlUpdate`, MyBatis's `@Select` (held-out-av alf.io: `markAsSent`, `flagTicketAsReminderSent`,
 * `fetchCompleteById`, names no Spring Data verb reads). Not JDBI's `@SqlBatch` (one batch per call), nor npjt's
 * `type = QueryType.TEMPLATE` (the method returns the statement's text, it runs nothing).
 */
export function statementAnnotation(def: Node): Node | undefined {
  if (def.type !== 'method_declaration' || field(def, 'body')) return undefined;
  const mods = named(def).find((c) => c.type === 'modifiers');
  for (const a of mods ? named(mods) : []) {
    if (a.type !== 'annotation' || !STATEMENT_ANNOTATION.test(field(a, 'name')?.text.replace(/^.*\./, '') ?? '')) continue;
    const args = field(a, 'arguments');
    if (!args || /\btype\s*=\s*(QueryType\.)?TEMPLATE\b/.test(args.text)) continue;
    if (/"\s*(select|insert|update|delete|with|merge|upsert|call)\b/i.test(args.text)) return a;
  }
  return undefined;
}

const JDBC_EXEC = /^(executeQuery|executeUpdate|execute|executeLargeUpdate)$/;
const JDBC_STMT = /^(stmt|statement|ps|pst|pstmt|st|preparedStatement|prepared|select|insert|update|cs|call)$|(Stmt|Statement|Ps)$/;
const JDBC_TEMPLATE = /^(jdbc|jdbcTemplate|template|namedJdbc|namedParameterJdbcTemplate|jdbcClient|namedTemplate)$|(JdbcTemplate|Jdbc|Template)$/;
/** Spring Data's derived-query verbs, and the verbs of a repository's own @Query/@Modifying methods (`selectPathById`, `updateSubCntById`). */
const SPRING_DATA = /^(find|get|read|query|search|stream|count|exists|delete|remove|save|select|update|insert|upsert)\w*$/;
/** The methods Spring Data's CrudRepository/JpaRepository define (each has a batched form: findAllById, saveAll, deleteAllById). */
const CRUD_METHOD = /^(findById|getById|getReferenceById|getOne|existsById|save|saveAndFlush|delete|deleteById)$/;
/** jOOQ: a DSLContext by its usual names, and the methods that run what it built. */
const JOOQ_DSL = /^(dsl|dslContext|jooq|create|context)$/;
const JOOQ_TERMINAL = /^(fetch|fetchOne|fetchSingle|fetchOptional|fetchAny|fetchInto|fetchMap|fetchGroups|fetchSet|fetchArray|fetchValue|fetchValues|fetchCount|fetchExists|fetchStream|fetchLazy|stream|execute|executeInsert|executeUpdate|executeDelete)$/;
const JPA_EM = /^(em|entityManager|session|entityMgr)$/;
/** A JDK container declared as the receiver's type (`Map<String, Flow> flowByUidInRepository`): its `get` is a look-up in memory. */
const JDK_CONTAINER = /^(Map|HashMap|LinkedHashMap|TreeMap|SortedMap|NavigableMap|ConcurrentMap|ConcurrentHashMap|EnumMap|IdentityHashMap|WeakHashMap|Multimap|ListMultimap|SetMultimap|List|ArrayList|LinkedList|Set|HashSet|LinkedHashSet|TreeSet|SortedSet|Collection|Iterable|Queue|Deque|ArrayDeque|Optional|Stream|Cache|LoadingCache)$/;
/** A repository's own metadata, no query: Spring Data's `getDomainClass()`, `getEntityInformation()` (held-out-aa hawkBit). */
const REPOSITORY_METADATA = /^(getDomainClass|getEntityInformation|getRepositoryInformation|getIdAttribute|getIdType|getJavaType|getEntityName|getEntityManager|getClass|getMetadata)$/;


/**
 * The SQL argument a JDBC statement variable was prepared with, from its declaration before `at` in the enclosing method
 * (`PreparedStatement ps = conn.prepareStatement("…")`, a try-with-resources' resource too): `ps.executeQuery()` then
 * carries its statement, and the batched advice can say the form it needs (person31 M2).
 */
function preparedWith(at: Node, name: string): Node | undefined {
  // The method's (lambda's, initializer's) body, read once: its declarations of `name` before `at`, the last one whose
  // block holds `at` (a declaration in a sibling block is out of scope).
  let body: Node | undefined;
  for (let s: Node | null = at.parent; s && !/^(method_declaration|constructor_declaration|lambda_expression|class_body)$/.test(s.type); s = s.parent) body = s;
  let last: Node | undefined;
  for (const decl of body?.descendantsOfType(['variable_declarator', 'resource']) ?? []) {
    if (!decl || decl.startIndex >= at.startIndex || field(decl, 'name')?.text !== name) continue;
    const block = decl.parent?.parent;
    if (!block || block.startIndex > at.startIndex || block.endIndex < at.endIndex) continue;
    last = decl;
  }
  const value = last && field(last, 'value');
  return value?.type === 'method_invocation' && /^(prepareStatement|prepareCall)$/.test(field(value, 'name')?.text ?? '') ? named(field(value, 'arguments'))[0] : undefined;
}

export function classifyJava(chain: Chain, ctx: FileContext, a: LanguageAdapter): DbCall | undefined {
  return classifyPrefixes(chain, 1, (c) => classifyJavaAt(c, ctx, a));
}

function classifyJavaAt(chain: Chain, ctx: FileContext, a: LanguageAdapter): DbCall | undefined {
  const { segs, names: n, last, method } = chainParts(chain);
  const recv = n[n.length - 2];
  const recvType = recv ? (ctx.types.get(recv) ?? '') : '';
  // JDBC
  if (JDBC_EXEC.test(method) && recv !== undefined) {
    const prep = segs.find((s) => /^(prepareStatement|createStatement|prepareCall)$/.test(s.name));
    if (prep || JDBC_STMT.test(recv) || /Statement$/.test(recvType)) {
      const arg = firstArg(prep) ?? firstArg(last) ?? (segs.length === 2 ? preparedWith(chain.node, recv) : undefined);
      const sql = sqlOf(arg, a);
      return { library: 'jdbc', op: opOfSql(sql, method === 'executeUpdate' ? 'write' : 'read'), batch: sql !== undefined && BATCH_SQL.test(sql), label: label(chain), method, sql, sqlArg: arg };
    }
  }
  // Spring JdbcTemplate / JdbcClient
  // Not an HTTP client named `…Template` (RestTemplate's `execute("{url}", …)`): its type, its name or a URL argument says so.
  if (recv !== undefined && (JDBC_TEMPLATE.test(recv) || /JdbcTemplate|JdbcClient/.test(recvType)) && !HTTP_CLIENT_TYPE.test(recvType) && !/Rest(Template|Client|Operations)$/i.test(recv) && !urlArgument(firstArg(last), a) && /^(query|queryForObject|queryForList|queryForMap|queryForRowSet|queryForStream|update|execute|batchUpdate|sql)$/.test(method)) {
    const arg = firstArg(last);
    const sql = sqlOf(arg, a);
    const batch = method === 'batchUpdate' || (sql !== undefined && BATCH_SQL.test(sql));
    return { library: 'spring-jdbc', op: method === 'update' || method === 'batchUpdate' ? 'write' : opOfSql(sql), batch, label: label(chain), method, sql, sqlArg: arg };
  }
  // Spring Data repositories
  if (recv !== undefined && segs.length >= 2 && !JDK_CONTAINER.test(recvType) && (/(Repository|Repo|Dao|DAO)$/.test(recv) || /^(repo|repository|dao)$/.test(recv) || /(Repository|Dao)$/.test(recvType)) && SPRING_DATA.test(method) && !REPOSITORY_METADATA.test(method)) {
    const batch = /All/.test(method) && named(last.args).length > 0 || /(In|IsIn|InAndOr)(And|Or|OrderBy|$)/.test(method) || /InBatch$/.test(method);
    // CrudRepository's own methods have a batched form (findAllById, saveAll, deleteAllById); a query method the
    // repository declares (`findByOwner`, `selectPathById`) has none until the app adds one.
    const own = !CRUD_METHOD.test(method);
    // `invoiceModelDao.getId()`: a bean getter without arguments on a receiver known only by its name, not typed as a
    // repository — possibly a row object named like a DAO; the project's own class decides (CrossFileCalls).
    const getterOf = /^(get|is)[A-Z]\w*$/.test(method) && !named(last.args).length && !/(Repository|Repo)$/.test(recvType) ? recvType || recv.charAt(0).toUpperCase() + recv.slice(1) : undefined;
    return { library: 'spring-data', ...(getterOf ? { getterOf } : {}), op: /^(save|delete|remove|update|insert|upsert)/.test(method) ? 'write' : 'read', batch, label: label(chain), method, model: recvType.replace(/(Repository|Repo|Dao)$/, '') || recv.replace(/(Repository|Repo|Dao)$/i, ''), ...(own ? { appMethod: true } : {}), ...(recvType ? { ownType: recvType } : {}) };
  }
  // jOOQ: a DSLContext's terminal — `dsl.fetchExists(…)`, `dsl.fetchOne(…)`, `dsl.selectFrom(T).where(…).fetch()`,
  // `dsl.update(T).set(…).execute()` — on a receiver typed DSLContext or named like one.
  if (segs.length >= 2 && !segs[0].call && (JOOQ_DSL.test(n[0]) || /^DSLContext$/.test(ctx.types.get(n[0]) ?? '')) && JOOQ_TERMINAL.test(method)) {
    const verb = n[1];
    const write = /^(insertInto|update|deleteFrom|delete|mergeInto|batch\w*)$/.test(verb) || /^(executeInsert|executeUpdate|executeDelete|batch\w*)$/.test(method);
    const batch = /^(batch\w*|loadInto)$/.test(verb) || /^batch/.test(method) || /\.in\s*\(/.test(chainArgsText(chain));
    return { library: 'jooq', op: write ? 'write' : 'read', batch, label: label(chain), method };
  }
  // MyBatis-Plus: the IService methods a `ServiceImpl<Mapper, Entity>` calls on itself (`getOne(query().getWrapper()…)`,
  // `updateById(user)`, `lambdaQuery().eq(…).list()`), and BaseMapper's on its `baseMapper`, `getBaseMapper()` or a field
  // typed as the app's mapper in a file that imports MyBatis-Plus.
  const mp = mybatisPlusCall(chain, n, recvType, ctx);
  if (mp) return mp;
  // Plain MyBatis: a mapper interface of the app (generator-made `selectByExample`, `updateByPrimaryKeySelective`, or an
  // XML mapper's own statements) called on a field typed by it (held-out-ak litemall).
  const mb = mybatisMapperCall(chain, n, recvType, ctx);
  if (mb) return mb;
  // Quarkus Panache active-record entities (held-out-ai cryostat): a query the entity class builds and runs —
  // `Target.find("connectUrl", url).firstResultOptional()`, `find("id", id).singleResult()` inside the entity — whose
  // terminals are Panache's own; and, in a file that imports Panache, the entity's static finders and deletes
  // (`Credential.findById(id)`, `Rule.listAll()`, `Target.find("jvmId", id).list()`).
  const panache = panacheCall(chain, n, ctx);
  if (panache) return panache;
  // JPA EntityManager / Hibernate Session
  const emIdx = n.findIndex((x) => JPA_EM.test(x) || /^(EntityManager|Session)$/.test(ctx.types.get(x) ?? ''));
  if (emIdx >= 0 && segs.length > emIdx + 1) {
    const m1 = n[emIdx + 1];
    // `remove` of a managed entity: one DELETE per entity at flush (no JDBC batching unless configured).
    if (m1 === 'find' || m1 === 'get' || m1 === 'merge' || m1 === 'refresh' || m1 === 'remove') return { library: 'jpa', op: m1 === 'merge' || m1 === 'remove' ? 'write' : 'read', batch: false, label: `${n[emIdx]}.${m1}`, method: m1, model: named(segs[emIdx + 1].args)[0]?.text.replace(/\.class$/, '') };
    if (/^create(Native)?Query$/.test(m1) && /^(getResultList|getSingleResult|getResultStream|executeUpdate|uniqueResult|list)$/.test(method)) {
      const arg = firstArg(segs[emIdx + 1]);
      const sql = sqlOf(arg, a);
      return { library: 'jpa', op: method === 'executeUpdate' ? 'write' : 'read', batch: /\bin\s*\(?\s*:\w+|\bin\s*\?\d/i.test(sql ?? ''), label: `${n[emIdx]}.${m1}(…).${method}`, method, sql, sqlArg: arg };
    }
  }
  return undefined;
}

/** A PanacheQuery's terminals only Panache names so (a query built by `find`/`findAll` runs there). */
const PANACHE_TERMINAL = /^(firstResult|firstResultOptional|singleResult|singleResultOptional)$/;
/** PanacheQuery's other terminals, read as Panache's in a file that imports it. */
const PANACHE_QUERY_END = /^(list|stream|count|page|pageCount|firstResult|firstResultOptional|singleResult|singleResultOptional)$/;
/** PanacheEntityBase's static methods that run a statement themselves. */
const PANACHE_STATIC = /^(findById|findByIdOptional|listAll|streamAll|list|stream|count|deleteAll|deleteById|delete|update|persist)$/;
const PANACHE_MODULE = /^io\.quarkus\.(hibernate\.(orm|reactive)|mongodb)\.(rest\.data\.)?panache\b/;

function panacheCall(chain: Chain, n: string[], ctx: FileContext): DbCall | undefined {
  const segs = chain.segments;
  const method = n[n.length - 1];
  const onClass = !segs[0].call && /^[A-Z]\w*$/.test(n[0]) && !JDK_CONTAINER.test(n[0]);
  // `find(…)` with no receiver: inside the entity class (it inherits the statics).
  const bare = segs[0].call && /^(find|findAll)$/.test(n[0]) && chain.root.type !== 'field_access';
  const start = onClass ? 1 : bare ? 0 : -1;
  if (start < 0 || segs.length <= start) return undefined;
  const panacheFile = ctx.modules.some((m) => PANACHE_MODULE.test(m));
  const model = onClass ? n[0] : undefined;
  // A query built by find/findAll and run by a terminal.
  if (segs.length >= start + 2 && /^(find|findAll)$/.test(n[start]) && segs[start].call && (PANACHE_TERMINAL.test(method) || (panacheFile && PANACHE_QUERY_END.test(method)))) {
    return { library: 'jpa', op: 'read', batch: /\bin\s*\?\d|\bin\s*:\w+|\bin\s*\(/i.test(chainArgsText(chain)), label: label(chain), method, ...(model ? { model } : {}) };
  }
  // The entity's own statics: `Credential.findById(id)`, `Rule.deleteById(id)`.
  if (onClass && panacheFile && segs.length === 2 && PANACHE_STATIC.test(method)) {
    return { library: 'jpa', op: /^(delete|deleteAll|deleteById|update|persist)$/.test(method) ? 'write' : 'read', batch: false, label: label(chain), method, model };
  }
  return undefined;
}

/** IService's methods that run a statement (MyBatis-Plus). */
const MP_SERVICE = /^(getById|getOne|getOneOpt|getMap|getObj|list|listByIds|listByMap|listMaps|listObjs|count|exists|page|pageMaps|save|saveBatch|saveOrUpdate|saveOrUpdateBatch|update|updateById|updateBatchById|remove|removeById|removeByIds|removeByMap|removeBatchByIds)$/;
/** Chain starts that build a query or update on the service, and the calls that run it. */
const MP_CHAIN_START = /^(query|lambdaQuery|update|lambdaUpdate|ktQuery|ktUpdate)$/;
const MP_CHAIN_END = /^(list|one|oneOpt|count|exists|page|update|remove|listObjs|listMaps)$/;
/** BaseMapper's methods. */
const MP_MAPPER = /^(selectById|selectBatchIds|selectByMap|selectOne|selectCount|selectList|selectMaps|selectObjs|selectPage|selectMapsPage|exists|insert|insertOrUpdate|deleteById|deleteByMap|delete|deleteBatchIds|deleteByIds|updateById|update)$/;
const MP_BATCH = /^(saveBatch|saveOrUpdateBatch|updateBatchById|removeByIds|removeBatchByIds|listByIds|selectBatchIds|deleteBatchIds|deleteByIds)$/;
const MP_WRITE = /^(save|saveBatch|saveOrUpdate|saveOrUpdateBatch|update|updateById|updateBatchById|remove|removeById|removeByIds|removeByMap|removeBatchByIds|insert|insertOrUpdate|deleteById|deleteByMap|delete|deleteBatchIds|deleteByIds)$/;

/** Mappers that are not MyBatis's: JSON/XML/object mappers, Spring's RowMapper, MapStruct's `…DtoMapper`. */
const NOT_MYBATIS_MAPPER = /^(ObjectMapper|JsonMapper|XmlMapper|CsvMapper|YAMLMapper|YamlMapper|ModelMapper|RowMapper|BeanMapper|DozerBeanMapper|Mapper)$|(Dto|DTO|Vo|VO|Model|Json|Bean|Entity|Response|Request)Mapper$/;
/** A mapper's statement by its verb: MyBatis Generator's and what hand-written mapper XML names (`selectUserList`, `countByExample`). */
const MYBATIS_STATEMENT = /^(select|insert|update|delete|count|logicalDelete|batchInsert|batchUpdate|batchDelete|upsert)[A-Z]?\w*$/;
const MYBATIS_WRITE = /^(insert|update|delete|logicalDelete|batch|upsert|replace|add|reduce|remove|save|increase|decrease|inc|dec|set|reset|clear|mark)/;
/** Packages MyBatis mapper interfaces live in (`…db.dao.UserMapper`, `…system.mapper.SysUserMapper`). */
const MAPPER_PACKAGE = /\.(dao|mapper|mappers|dal)\.[A-Z]\w*Mapper$/;

/**
 * A call on a field typed as the app's MyBatis mapper interface (not MyBatis-Plus's BaseMapper, read above): every method
 * of such an interface is a statement its XML mapper or annotation binds. The type must be imported from the app's own
 * `dao`/`mapper` package; in a file that imports MyBatis (or PageHelper), or from a `dao` package, any of its methods is a
 * statement (`goodsProductMapper.addStock(id, n)`), otherwise only a statement verb (`select…`, `insert…`, `count…`), so a
 * MapStruct mapper's `toDto` is none.
 */
function mybatisMapperCall(chain: Chain, n: string[], recvType: string, ctx: FileContext): DbCall | undefined {
  const segs = chain.segments;
  const method = n[n.length - 1];
  if (segs.length < 2 || !/^[A-Z]\w*Mapper$/.test(recvType) || NOT_MYBATIS_MAPPER.test(recvType)) return undefined;
  const from = ctx.modules.find((m) => m.endsWith(`.${recvType}`));
  if (!from || !MAPPER_PACKAGE.test(from) || ctx.modules.some((m) => m.startsWith('org.mapstruct'))) return undefined;
  const mybatisFile = ctx.modules.some((m) => /^(org\.apache\.ibatis|org\.mybatis|com\.github\.pagehelper|tk\.mybatis)\b/.test(m));
  if (!(mybatisFile || /\.dao\.[A-Z]\w*$/.test(from) || MYBATIS_STATEMENT.test(method))) return undefined;
  const batch = /^batch|(ByIds|List|Batch)$/.test(method) || /\bIn\b|In(Example)?$/.test(method);
  return { library: 'mybatis', op: MYBATIS_WRITE.test(method) ? 'write' : 'read', batch, label: label(chain), method, model: recvType.replace(/Mapper$/, ''), appMethod: true, ownType: recvType };
}

/** The class declaration around a node extends MyBatis-Plus's `ServiceImpl<…>`. */
function inServiceImpl(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'class_declaration') return /^extends\s+ServiceImpl\s*</.test(field(p, 'superclass')?.text ?? '');
  }
  return false;
}

function mybatisPlusCall(chain: Chain, n: string[], recvType: string, ctx: FileContext): DbCall | undefined {
  const segs = chain.segments;
  const method = n[n.length - 1];
  const mpFile = ctx.modules.some((m) => m.startsWith('com.baomidou.mybatisplus'));
  // On itself: `getOne(…)`, `this.updateById(user)`; a query built on itself and run: `lambdaQuery().eq(…).list()`.
  if (segs[0].call && inServiceImpl(chain.node)) {
    if (segs.length === 1 && MP_SERVICE.test(method)) return { library: 'mybatis-plus', op: MP_WRITE.test(method) ? 'write' : 'read', batch: MP_BATCH.test(method), label: label(chain), method };
    if (segs.length >= 2 && MP_CHAIN_START.test(n[0]) && MP_CHAIN_END.test(method) && !/Wrapper$/.test(n[1])) {
      return { library: 'mybatis-plus', op: /update|Update/.test(n[0]) || method === 'remove' ? 'write' : 'read', batch: /\.in\s*\(/.test(chainArgsText(chain)) || segs.some((s) => s.name === 'in'), label: label(chain), method };
    }
  }
  // The mapper: `baseMapper.selectList(…)`, `getBaseMapper().insert(e)`, `userMapper.selectById(id)` (a field typed `…Mapper`).
  const recv = n[n.length - 2];
  const onMapper = recv !== undefined && (recv === 'baseMapper' || recv === 'getBaseMapper' || (mpFile && /Mapper$/.test(recvType)));
  if (onMapper && MP_MAPPER.test(method) && segs.length >= 2) return { library: 'mybatis-plus', op: MP_WRITE.test(method) ? 'write' : 'read', batch: MP_BATCH.test(method), label: label(chain), method };
  return undefined;
}
