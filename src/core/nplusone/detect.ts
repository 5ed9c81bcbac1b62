/**
 * Static N+1 detection: a database round trip inside a loop or a per-item callback, found in the
 * syntax tree of one file. See docs/rules/n-plus-one.md for what counts and what does not.
 *
 * How it works:
 *  1. walk the tree once, collecting calls, named functions and simple assignments;
 *  2. classify each outermost call chain (dbCalls.ts) — library, read/write, batched or not;
 *  3. walk up from each per-item database call to the nearest loop that iterates items, stopping at
 *     a named function; retry/poll/pagination loops and batches are left out;
 *  4. one level across functions: a call in a loop to a function of the same file that queries;
 *  5. lazy relations (Django, ActiveRecord): `row.relation.attr` in a loop over a query that did
 *     not preload it.
 */
import type { Finding, Fix } from '../findings';
import { lineStarts, positionAt } from '../findings';
import { applySuppressions, ignoreComment } from '../suppress';
import { withSourceTree, type SourceLanguage, type SourceTree } from '../syntax/treeSitter';
import { languageOf } from '../languages/registry';
import { learnContext, usesModule, type FileContext } from './context';
import type { DbCall } from './dbCalls';
import { adapterFor, classifyCall } from '../languages';
import { batchMethodAdvice, batchedNames, lineIndentAt, resolverRewrite, rewriteFixes, rewriteFor, type ParentLoad, type Rewrite, type RewriteInput } from './rewrites';
import { TimeSlice } from '../timeSlice';
import { ASSIGN_TYPES, contains, field, named, same, shortText, type Chain, type LanguageAdapter, type LoopInfo, type Node } from './syntax';
import { maxParamIndex } from '../extract/sqlLexer';
import { escapeRe } from '../format';
import { sequelizeMixins, type SequelizeMixin } from './sequelizeModels';
import { goFileFacts, goReceiverType, GoScopes, type GoCallRef, type GoFileFacts } from '../languages/go/callGraph';
import { lazyRelationCollected } from '../languages/ruby/nplusone';
import { statementAnnotation } from '../languages/java/nplusone';
import { cacheLoaderCall, cachedByAnnotation, enqueuedWhenCalled, guardedParam, parentFieldFallback, possibleBecause, oneObjectPossible, oneStringPossible, remotePossible, unitOfWorkPossible, ownWorkPossible, fallbackOfBatch, goTypedByPackage, isFormsetRows, javaArgCount, javaArity, javaClassOf, isMaintenanceStatement, loadedOnce, startedOrKept, testSetupScope, underKeyTest } from './loopEvidence';
import { codeContextOf } from '../codeContext';
import { codegenTypedResolvers, springSourceType } from './resolverShapes';
import { loopSourceOf, type LoopSource } from './loopSource';
import { RULE_ID } from './ruleId';

/** A setting or flag named for PostgreSQL (`pg_uri`, `letta_pg_uri_no_default`, `usePostgres`, `is_postgresql`). */
const PG_FLAG = /(^|_)(pg|postgres|postgresql)(_|$)|^(is|use|has)_?(pg|postgres(ql)?)\b|^(is|use|has)(Pg|Postgres)(?![a-z])/i;
/** Ruby: a SCREAMING_CASE constant (`OPERATOR_PAIRS`, `RATE_LIMITED_ENDPOINTS`) holds a value, not a class or a model. */
const VALUE_CONSTANT = /^[A-Z][A-Z0-9]*_[A-Z0-9_]*$|^[A-Z][A-Z0-9]{4,}$/;


/** Evidence attached to every static n-plus-one finding (Finding.evidence). */
/** A name of another module of the project, as the loop's file imports it: `spec` as written in require/import, `name` exported there. */
export interface ModuleListRef {
  spec: string;
  name: string;
}

export interface NPlusOneEvidence {
  kind: 'query-in-loop' | 'write-in-loop' | 'call-in-loop' | 'lazy-relation';
  /** Implicit: the per-item code is a serializer method (DRF), not a loop written in this file. */
  implicit?: boolean;
  library: string;
  /** `prisma.user.findUnique`, `loadUser()`, `book.author`. */
  call: string;
  loop: string;
  variable?: string;
  iterable?: string;
  /** Known or bounded number of iterations. */
  iterations?: number;
  /** How iterations was found: `literal array`, `LIMIT 50`, `range(10)`. */
  iterationsFrom?: string;
  /** The function queried by a call across functions, with its line (1-based). */
  callee?: { name: string; line: number; call: string; endLine?: number; oneOf?: { cls?: string; line: number; file: string }[] };
  rewrite: Rewrite;
  /** The loop's other writes (or the same read in other branches), merged into this one finding (1-based lines). */
  alsoAt?: { line: number; call: string }[];
  /** Names the same iteration calls before the query (PendingLoopCall.itemBefore): judged once every file is read. */
  itemBefore?: string[];
  /** Where the loop's collection comes from (loopSource.ts): one parent's children, or a page of the data. */
  source?: LoopSource;
  /** What the code says about how many items the loop walks (LoopCollection). */
  collection?: LoopCollection;
  /** The loop walks a parameter of the function it is in (`for key, value := range settings` in `initAdminSettings(settings …)`): the function's name and the parameter's position (fixedListCallers.ts asks its callers). */
  param?: LoopParam;
  /** JS/TS: the loop walks a name another module of the project exports (`db.materializedViews` of `const db = require("../db")`): the module as imported and the name; crossFile asks whether that module writes it as a short literal list (FileCallFacts.moduleLists). */
  listOf?: ModuleListRef;
  /** Java: the loop walks the constants of a type named like an enum (javaEnumOf): crossFile asks whether the project declares that enum (FileCallFacts.javaEnums). */
  enumOf?: string;
  /**
   * A Sequelize association accessor known only by its name (`post.getComments()`, DbCall `lazy`): the method. Once every
   * file is read, a method the project's own classes define without a query (`getOldMediaProgress()` mapping a row) is
   * no accessor, and the finding is dropped (CrossFileCalls.adjust).
   */
  accessor?: string;
  /**
   * Java: the declared type of the receiver of a call taken for Spring Data's by its names (`this.jdbcRepository.getDate(…)`
   * with `AbstractJdbcRepository<T> jdbcRepository`): when that class of the project defines the method with a body that
   * reaches no query, the finding is dropped (CrossFileCalls.adjust).
   */
  accessorOf?: string;
  /** Java: the class a no-argument getter taken for a repository's query is read on (DbCall `getterOf`): dropped once that class is known to be the app's data class (CrossFileCalls.adjust). */
  getterOf?: string;
}

/** A loop's collection that is its function's parameter: the function's name and the parameter's 0-based position. */
/**
 * What the code says about how many items a loop walks (issue 14, evidence of many): `query`, the rows of a database
 * call (in the iterable or bound to its name); `relation`, a relation read on one row; `request`, a list a request sent;
 * `literal`, a list written in the code; `constant`, a constant, enum or configured set; `parameter`, the function's
 * parameter; `field`, a member of `this`/`self`; `call`, the value of another function; `other`, anything else.
 */
interface LoopCollection {
  kind: 'query' | 'relation' | 'request' | 'literal' | 'constant' | 'parameter' | 'field' | 'call' | 'other';
  from: string;
}

export interface LoopParam {
  fn: string;
  index: number;
  name: string;
}

interface DbHit {
  node: Node;
  chain: Chain;
  call: DbCall;
}

interface Binding {
  name: string;
  value: Node;
  at: number;
}

/** Node types functionDef() can name, per grammar (the walk only materialises these). */
const FUNCTION_DEF_TYPES = ['function_declaration', 'generator_function_declaration', 'method_definition', 'variable_declarator', 'assignment_expression', 'public_field_definition', 'field_definition', 'function_definition', 'method_declaration', 'method', 'singleton_method'];

/** The case of a switch (Java, JS/TS, Go), and the switch itself: a `break` in a case leaves the switch only. */
const SWITCH_CASE = /^(switch_block_statement_group|switch_rule|switch_case|switch_default|expression_case|default_case|type_case)$/;
const SWITCH = /^(switch_statement|switch_expression|expression_switch_statement|type_switch_statement)$/;

export async function detectNPlusOne(text: string, languageIdOrPath: string, file?: string, source?: SourceTree): Promise<Finding[]> {
  return (await analyzeNPlusOne(text, languageIdOrPath, file, source)).findings;
}

/**
 * What one file tells the cross-file pass (crossFile.ts): its named functions (does the body
 * query? which names does it call?) and the calls made once per item of a loop that are not
 * database calls by themselves, each ready to become a finding if its callee turns out to query.
 */
export interface FileCallFacts {
  /** `method`: Python, a def inside a class (`obj.name(…)` can only be one of these). */
  /** `batched`: the function reads through a DataLoader (`this.basicLoader.batchLoader.load(id)`): a call per item is gathered into one query. */
  /** Go: `goRecv`, the receiver type of a method; `goCalls`, the calls of its body as Go names them (package, receiver type). */
  /** `calleeArgc`: Java, the argument counts each callee is called with (`sub.getFeed()` is not a `getFeed(id)` of another class). */
  /** `objectCallees`: Python, callees called only on an object other than `self`/`cls` (`job.get_status()`): a method, never a module function of that name. */
  /** `clearsCache`: the body empties a method cache (`cache.delete_memoized(_get_config)`, `@CacheEvict`, `fn.cache_clear()`). */
  /** `typedCallees`: Java and Python, calls on a receiver whose declared type is the app's storage layer (`categoryService.getByCode(…)` with `CategoryService categoryService`, `accessor.create(…)` with `accessor: RepositoryGeneric`), as [name, type]: that type's method decides, however many classes define the name. */
  /** `moduleOnly`: Python, callees called only on a module (`dns.resolver.query(…)`): that module decides, never a function of the app found by the bare name. */
  /** `moduleCallees`: Python, calls on a module of the project imported by name (`database.get(…)` with `from app import database`), as [name, module]: that module's function decides, however many other modules define the name. */
  /** `queryLine`: the 1-based line of the function's first query of its own. */
  /** `getterQueries`: Java, a function with no query of its own but getters read as queries by their receiver's name (DbCall `getterOf`): the classes they are read on — it queries unless each is the app's data class (CrossFileCalls). */
  /** `literal`: the body only returns a literal list (`return []TagCreate{{…}, {…}}`, `return ['a', 'b']`): its number of items. */
  /** `cls`: the class a method is defined in (`Teams` of `Teams.get_solves`): which one a call reaches when several classes define the name. */
  /** `remote`: the body calls another service itself (an HTTP client, `fetch`, a service's SDK: `stripe.customers.del`), as written: the app's own wrapper around a remote call (`getDomainResponse` → `fetch`). `remoteFirst`: such a call (or a call of this file's function that makes one) answers before the body's own query starts (remoteBeforeQuery). */
  functions: { name: string; line: number; cls?: string; queries: boolean; remote?: string; remoteFirst?: string; queryLine?: number; callees: string[]; keys?: QueryKeys; endLine?: number; method?: boolean; bareCallees?: string[]; batched?: boolean; memo?: boolean; arity?: number; controller?: boolean; private?: boolean; cached?: boolean; enqueued?: boolean; goRecv?: string; goCalls?: GoCallRef[]; calleeArgc?: Record<string, number[]>; objectCallees?: string[]; clearsCache?: boolean; typedCallees?: [string, string][]; untypedCallees?: string[]; moduleCallees?: [string, string][]; moduleOnly?: string[]; instanceCallees?: [string, string][]; instanceOnly?: string[]; selfOnly?: string[]; literal?: number; bodyless?: boolean; guarded?: number; getterQueries?: string[]; perItemArgs?: number[] }[];
  loopCalls: PendingLoopCall[];
  /** Every call of the file: its name, 1-based line, and the positions given a literal list or map of at most 10 items (fixedListCallers.ts). */
  callLiterals?: [string, number, number[]][];
  /** JS/TS: the names the module binds once, at its top level, to a literal of at most MAX_FIXED_LIST strings or numbers it never adds to (`const materializedViews = ["a", "b", "c"]`): what a loop of another module over `mod.name` walks (NPlusOneEvidence.listOf). */
  moduleLists?: string[];
  /** Names called outside every named function, not in a handler or scheduled callback (module load / entry code). */
  topCalls?: string[];
  /** Names called outside every named function inside a handler or scheduled callback (per request or tick). */
  laterCalls?: string[];
  /** Names called in a callback handed to a scheduler (`schedule(c, "@every 1m", func() { … })`, `cron.AddFunc`, `setInterval`), wherever it sits: run per tick. */
  scheduledCalls?: string[];
  /**
   * Functions handed to a scheduler by name (`cron.schedule("0 * * * *", updateUsage)`, `setInterval(sweep, ms)`,
   * `c.AddFunc(spec, cleanup)`): they run per tick, though start-up code may also call them once.
   */
  scheduledRefs?: string[];
  /** Line ranges (1-based) of callbacks handed to a scheduler or registry: they run per tick or per event, not when defined. */
  deferred?: [number, number][];
  /** Generated code (`// Code generated … DO NOT EDIT.`): an ORM's or a code generator's own methods. */
  generated?: boolean;
  /** Modules the file imports (as written): which packages of a monorepo it can reach. */
  modules?: string[];
  /** Python: names imported by name, with their module as written (`from app.utils import set_config`). */
  importedFrom?: Record<string, string>;
  /** TS/JS: names the file imports from a package (`signIn` → `next-auth/react`): a package's function, or a workspace package's. */
  packageImports?: Record<string, string>;
  /** Java: the class this file's class extends, and the declared types of the names it declares (fields first). A call on a field declared in the superclass (`storage.getObject(…)` in a resource extending `BaseResource`) takes its type from there. */
  javaClass?: { extends?: string; types: Record<string, string> };
  /** Java: the file's data classes (fields read back by plain getters, no database call): their getters query nothing. */
  dataClasses?: string[];
  /** Java: the enums the file declares (`enum ConfigurationKeys {`, nested ones too): a loop over their constants walks a declared set (NPlusOneEvidence.enumOf). */
  javaEnums?: string[];
  /** TS/JS and Java: per class of the file, the interfaces it implements and the class it extends (last names): what a call on an object typed by an interface can reach. */
  supertypes?: Record<string, string[]>;
  /** Python: per class of the file, the classes it names as bases (last names: `class ProviderModel(SqlalchemyBase, Mixin)`). */
  pythonBases?: Record<string, string[]>;
  /** Go: the file's imports, declared types and functions' result types (calls are resolved by package and receiver type). */
  go?: GoFileFacts;
  /** TS/JS: the association mixins the file's Sequelize models declare (`getTagList` of `this.belongsToMany(Tag, { as: "tagList" })`): methods of the project that query. */
  sequelizeMixins?: SequelizeMixin[];
}

/**
 * Which parameters a function's queries depend on: those (or locals computed from them) in the text
 * of its own queries (`direct`), and those passed to each function it calls (`via`, judged once
 * the cross-file pass knows which of those query). Absent when the parameters cannot be named.
 */
export interface QueryKeys {
  direct: number[];
  /** Per call in the body: for each of its arguments, the parameters that argument mentions. */
  /** `recv`: the parameters the call's receiver is computed from (`flip` of `flip.owner.to_dict()`). */
  /** `go`: the call as Go names it (package, receiver type): the function it is, resolved like the reach (goResolve.ts), not by name. */
  via: { callee: string; args: number[][]; recv?: number[]; narrows?: boolean; go?: GoCallRef }[];
}

export interface PendingLoopCall {
  callee: string;
  /**
   * Python: a common name (`get`, `delete`) called on a class (`Coupon.get(id)`): only that class's method, or its bases',
   * that queries by itself counts — not one reaching the database by the name of what it calls (`cls.NAMES.get(key)` on a
   * dict is no `get` of the app's).
   */
  classMethod?: boolean;
  /**
   * Python: a common name (`serialize`, `to_dict`) called on each row of a model query (`[w.serialize() for w in
   * workouts]`, `workouts = pagination.items`, `pagination = Workout.query…paginate(…)`): only that model's method (or its
   * bases') counts, and only when it reaches the database.
   */
  rowsOf?: string;
  /** Where the loop's collection comes from (loopSource.ts), for the finding's evidence. */
  source?: LoopSource;
  /** What the code says about how many items the loop walks (NPlusOneEvidence.collection). */
  collection?: LoopCollection;
  /** The loop walks its function's parameter (NPlusOneEvidence.param). */
  param?: LoopParam;
  /** The loop walks a name another module exports (NPlusOneEvidence.listOf). */
  listOf?: ModuleListRef;
  /** Java: the loop walks an enum's constants (NPlusOneEvidence.enumOf). */
  enumOf?: string;
  /** Why the N+1 is only possible (`info`): the code bounds the loop, it runs over administrators; said at the head of the message. */
  possible?: string;
  /** The class or module the call names (`StatsD` of `StatsD.increment(…)`): only its own definition is this call. */
  receiverClass?: string;
  /** Java: the declared type of the object the method is called on (`DeptService deptService` → `DeptService`): only that class's (or its implementation's) definition is this call. */
  receiverType?: string;
  /** Java: the receiver's name when this file does not declare its type (a field inherited from the superclass). */
  receiverName?: string;
  /**
   * TS/JS: the receiver is declared with a type the file imports from a library package (`private formBuilder:
   * FormBuilder` of '@angular/forms'): unless the app itself defines a class of that name (a workspace package's),
   * the method is the library's (crossFile).
   */
  libraryReceiverType?: string;
  /**
   * The class the receiver is bound to, as the code says it: `self`/`this` (the enclosing class), a loop variable over
   * `Teams.query…`, a local assigned `Teams.query…first()` or `Teams(…)`, a parameter annotated `team: Teams`. When
   * several classes define the method, the call is that class's.
   */
  receiverOf?: string;
  /** Called on the app's repository object (`self.repos.recipes.get_one`): only repository files define it. */
  repository?: boolean;
  /** Ruby: called on an object other than `self` (`hash.merge(…)`, `model_ref(m).merge(…)`): no controller's method (an action, a concern's helper) is this call. */
  onObject?: boolean;
  /** Per positional argument: does it change from one item to the next (mentions a loop's variable)? (Keyword arguments that do not change are left out; a parameter past the positional ones is not known.) */
  argsVary?: boolean[];
  /**
   * In a resolver of a scalar field (a column of the parent itself: `name(@Parent() country): Promise<string>`), the
   * positional arguments that are the parent (`hydrate(ctx, country, 'name')`), by index.
   */
  parentArgs?: number[];
  /** A function of the calling file (that reaches the database only through other files, if at all). */
  local?: boolean;
  /** A name many unrelated classes define (get, create…): followed only on a repository. */
  common?: boolean;
  /** Python: called on a name bound by an import (`tag_service.get(…)` → `app.tag.service`): only that module's definition. */
  receiverModule?: string;
  /** Python: the module the receiver's name was imported from (`from .notification import Notification` → `.notification`). */
  receiverFrom?: string;
  /** Python: called on an object (`pattern.match(…)`, `self.repo.get_x(…)`), not on a module or class: only a method can be this call. */
  receiverObject?: boolean;
  /** Java: the number of arguments (a method of another arity is another method). */
  argc?: number;
  /** Go: the call as Go names it (package, receiver type). */
  goRef?: GoCallRef;
  /** Go: the call sits in a function literal inside the loop (`queue.Dispatch(func() { s.Regenerate(u) })`): it runs when that function is called, maybe later, on a worker. */
  inFuncLiteral?: boolean;
  /**
   * Names the enclosing function calls before the loop (`clear_config()` just above `for c in configs:`), or `['*']`
   * when it clears a cache itself: a cached method is cold in this loop when one of them empties its cache.
   */
  before?: string[];
  /** Names the same iteration calls before this call (not in a function the body only defines): one of them may be the app's wrapper around another service (see CrossFileCalls.remoteBefore). */
  itemBefore?: string[];
  /**
   * TS/JS: the loop walks the rows a model query just loaded (`const orders = await Order.findAll({ … })`, then
   * `for (const order of orders)`) and the call is a method of the loop's variable (`order.getItems(…)`): the code from
   * that declaration to the loop's end, with the places an eager-loading rewrite changes (rewrites.ts
   * sequelizeIncludeRewrite, when the method is an association's getter).
   */
  parentLoad?: ParentLoad;
  /**
   * Java: the call sits in a lambda handed to a method of the class or its superclass (`buildStreamingPaginationResponse(
   * page, row -> …)`), at this argument: per item only when that method calls that parameter in a loop (perItemArgs,
   * known once every file is read — the helper is often a base class's, in another file).
   */
  viaHelper?: { name: string; arg: number };
  /** The call as written (`self.store.get_feed`), for the message. */
  text: string;
  span: { start: number; end: number };
  language: SourceLanguage;
  loop: string;
  variable?: string;
  iterable?: string;
  per: string;
  iters: string;
  related: { start: number; end: number };
  ignore: Fix;
}

/** detectNPlusOne with the facts for the cross-file pass. */
/** contextPath: the file's path in the app, when `file` is absolute (AnalyzerInput.contextPath): whether it is test code. */
export async function analyzeNPlusOne(text: string, languageIdOrPath: string, file?: string, source?: SourceTree, contextPath?: string): Promise<{ findings: Finding[]; facts: FileCallFacts }> {
  const empty = { findings: [], facts: { functions: [], loopCalls: [] } };
  const lang = languageOf(languageIdOrPath);
  if (!lang) return empty;
  return withSourceTree(text, lang, source, async (tree) => {
    if (!tree) return empty;
    const d = new Detector(text, lang, file, contextPath ?? file);
    const slice = new TimeSlice();
    const findings = applySuppressions(text, d.run(tree.rootNode));
    // A large file's two passes with a turn of the event loop between them (the editor's commands wait for neither).
    await slice.turn();
    return { findings, facts: d.callFacts() };
  });
}

/** A database call with literal SQL found by the detector (loop or not): sites for observed matching. */
export interface SqlCall {
  span: { start: number; end: number };
  sql: string;
  library: string;
}

/**
 * Every database call in the file that passes literal SQL (`pool.query('…')`, `cur.execute("…")`),
 * with `?`/`%s`/`%(name)s` placeholders turned into $n, for matching pg_stat_statements to code.
 */
export async function findSqlCalls(text: string, languageIdOrPath: string, source?: SourceTree): Promise<SqlCall[]> {
  return classified(text, languageIdOrPath, source, (d) => d.sqlCalls());
}

/** The file's calls classified (no findings made), read by `read`; nothing for a language or tree we do not have. */
async function classified<T>(text: string, languageIdOrPath: string, source: SourceTree | undefined, read: (d: Detector) => T[]): Promise<T[]> {
  const lang = languageOf(languageIdOrPath);
  if (!lang) return [];
  return withSourceTree(text, lang, source, (tree) => {
    if (!tree) return [];
    const d = new Detector(text, lang);
    d.classify(tree.rootNode);
    return read(d);
  });
}

/** A query-builder call that names its table as a string (`knex('favorites').where(…).del()`), with what it does to it. */
export interface BuilderTableCall {
  table: string;
  ops: ('select' | 'insert' | 'update' | 'delete')[];
}

/**
 * Every knex builder call in the file that names its table (loop or not): the tables and operations of the code that
 * no SQL text shows (the least-privilege role's GRANTs, core/health/leastPrivilege usageFromBuilderCalls).
 */
export async function findBuilderTableCalls(text: string, languageIdOrPath: string, source?: SourceTree): Promise<BuilderTableCall[]> {
  return classified(text, languageIdOrPath, source, (d) => d.builderTableCalls());
}

/** `?`, `%s`, `%(name)s`, `:name` placeholders → $1, $2, … (in order of appearance). */
export function toDollarParams(sql: string): string {
  if (/\$\d/.test(sql)) return sql;
  let i = 0;
  const names = new Map<string, number>();
  return sql.replace(/('(?:[^']|'')*')|%\((\w+)\)s|%s|\?|(?<![:\w]):(\w+)/g, (_m, str, pyName, colonName) => {
    if (str) return str;
    const key = pyName ?? colonName;
    if (key) {
      if (!names.has(key)) names.set(key, ++i);
      return `$${names.get(key)}`;
    }
    return `$${++i}`;
  });
}

class Detector {
  private readonly a: LanguageAdapter;
  private readonly ctx: FileContext;
  private readonly calls: Node[] = [];
  private readonly attributes: Node[] = [];
  private readonly functions = new Map<string, Node>();
  /** Every definition of a name this file holds beyond the first that `functions` keeps: Java, each overload; Python, Ruby, JS/TS, each class's method of the name (collect). */
  private readonly overloads = new Map<string, Node[]>();
  /** Functions of this file that query by themselves or through its other functions (checkLocalCalls). */
  private locallyQuerying = new Set<string>();
  private readonly bindings: Binding[] = [];
  private readonly hits: DbHit[] = [];
  private readonly hitByStart = new Map<number, DbHit>();
  private readonly findings: Finding[] = [];
  /** The loop each finding of report() runs in (mergePerLoop). */
  private readonly loopOfFinding = new Map<Finding, Node>();
  private readonly flagged = new Set<string>();
  private starts: number[] | undefined;
  private root: Node | undefined;
  /** `if` blocks that run on a cache miss (behindCacheMiss), read on first use. */
  private cacheMisses: { startIndex: number; endIndex: number }[] | undefined;
  private resolverList: Resolver[] | undefined;
  private resolvers: Resolver[] | undefined;
  private serializerMethodList: { def: Node; cls: Node; name: string; obj: string; drf: boolean }[] | undefined;
  private startupDefs: Node[] | undefined;
  private graphqlHint: boolean | undefined;
  /** Start and end of nodes the cross-file facts compare again and again (each read is a call into tree-sitter). */
  private readonly spans = new Map<Node, readonly [number, number]>();
  private readonly callees = new Map<Node, string | undefined>();
  /** Every function definition and literal of the file, in document order (collect). */
  private readonly functionNodes: Node[] = [];
  /** The spans of the function literals that run later than the code around them (runsLater). */
  private laterSpans: ReadonlyArray<readonly [number, number]> | undefined;
  /** The same without the literals held in a returned `&T{…}` (Go): for the call graph that says who runs what (context). */
  private laterSpansWired: ReadonlyArray<readonly [number, number]> | undefined;
  /** Go: the types this file's names have (receiver, parameters, typed locals), read on first use. */
  private goScopes: GoScopes | undefined;

  constructor(private readonly text: string, private readonly lang: SourceLanguage, private readonly file?: string, private readonly contextFile = file) {
    this.a = adapterFor(lang);
    this.ctx = learnContext(text, lang, file);
  }

  run(root: Node): Finding[] {
    this.root = root;
    this.classify(root);
    for (const hit of this.hits) this.checkDbCall(hit);
    this.checkLocalCalls();
    if (this.lang === 'python' || this.lang === 'ruby') this.checkLazyRelations();
    if (this.lang === 'python') this.checkSerializerMethods();
    if (this.lang === 'ruby' && usesModule(this.ctx, /rails|active_record/)) this.checkRubyWriteShortcuts();
    if (this.mayHaveResolvers() || (this.lang === 'ruby' && RUBY_SERIALIZER.test(this.text))) this.checkResolvers(root);
    // Go generated code (gqlgen's field marshallers, sqlc, ent): its loops are the generator's, not the app's.
    if (this.lang === 'go' && GENERATED_CODE.test(this.text.slice(0, 2000))) return [];
    return this.mergePerLoop(this.inTestSetup(root, this.findings.sort((x, y) => x.span.start - y.span.start)));
  }

  /**
   * A test suite building its data row by row (a fixture, a setup hook, a factory module, a write per item in a test) is not the app's N+1: it runs
   * per test run, never in production (person17 LOW 6: five "Write per item" infos on Django's setUpTestData). Such
   * findings stay, as hints that say why, so nothing is dropped silently.
   */
  private inTestSetup(root: Node, findings: Finding[]): Finding[] {
    if (!this.contextFile || !findings.length || codeContextOf(this.contextFile, this.text) !== 'test') return findings;
    return findings.map((f) => {
      const node = root.descendantForIndex(f.span.start, Math.max(f.span.start, f.span.end - 1));
      const scope = node ? testSetupScope(node, this.contextFile!, this.a.functionTypes) : undefined;
      // A write per item anywhere in a test (`for copy in BookInstance.objects.all(): copy.save()` before its request)
      // arranges the test's data too; a read per item in a test's own body stays as it was.
      const arranges = !scope && (f.evidence as { kind?: string } | undefined)?.kind === 'write-in-loop';
      if (!scope && !arranges) return f;
      const where = scope ? (scope === 'a fixture module' ? scope : `\`${scope}\``) : 'a test arranging its data';
      return { ...f, severity: 'hint', message: `Test setup (${where}): builds test data once per test run, not the app's N+1. ${f.message}`, evidence: { ...f.evidence, testSetup: scope ?? 'test' } };
    });
  }

  /**
   * One finding per loop for its writes (person10 N20: `toUpdate.map` with three UPDATE branches gave three warnings, and
   * ignoring the loop left two): every write of one iteration is one batching job. Reads merge when they are the same
   * call (the same look-up written in several branches); different reads of one loop stay apart (each its own query to
   * batch). The finding sits on the first; its message and related locations name the others' lines.
   */
  private mergePerLoop(findings: Finding[]): Finding[] {
    const groups = new Map<string, Finding[]>();
    for (const f of findings) {
      const loop = this.loopOfFinding.get(f);
      const ev = f.evidence as unknown as NPlusOneEvidence | undefined;
      if (!loop || !ev || (ev.kind !== 'write-in-loop' && ev.kind !== 'query-in-loop') || ev.implicit) continue;
      const key = `${loop.startIndex}:${loop.endIndex}:${ev.kind}${ev.kind === 'query-in-loop' ? `:${ev.call}` : ''}`;
      const g = groups.get(key);
      if (g) g.push(f);
      else groups.set(key, [f]);
    }
    const dropped = new Set<Finding>();
    for (const g of groups.values()) {
      if (g.length < 2) continue;
      const [first, ...rest] = g;
      const lines = rest.map((f) => this.lineOf(f.span.start) + 1);
      const what = (first.evidence as unknown as NPlusOneEvidence).kind === 'write-in-loop' ? 'writes' : 'runs';
      first.message += ` The same iteration also ${what} on line${lines.length > 1 ? 's' : ''} ${lines.join(', ')} (one finding for the loop).`;
      first.related = [...(first.related ?? []), ...rest.map((f) => ({ span: f.span, message: `also in this loop: \`${(f.evidence as unknown as NPlusOneEvidence).call}\`` }))];
      (first.evidence as unknown as NPlusOneEvidence).alsoAt = rest.map((f) => ({ line: this.lineOf(f.span.start) + 1, call: (f.evidence as unknown as NPlusOneEvidence).call }));
      rest.forEach((f) => dropped.add(f));
    }
    return dropped.size ? findings.filter((f) => !dropped.has(f)) : findings;
  }

  /**
   * Ruby: a call of a one-word method (`next`, `message`, `artists`) on an object that is neither
   * `self` nor a class (`element.next`, `e.message`): Ruby says nothing of the object's class, and a
   * name this short is defined by many (the standard library, gems), so it is not the app's method of
   * that name.
   */
  private onUntypedObject(n: Node, name: string): boolean {
    const recv = field(n, 'receiver');
    if (!recv || recv.type === 'self') return false;
    // A class (`Repo.find(id)`) names its own methods; a SCREAMING_CASE constant (`OPERATOR_PAIRS.find { … }`,
    // `Helpers::RATE_LIMITED.any?`) holds a value (an Array, a Hash), whose methods are the value's (held-out-an).
    if (recv.type === 'constant' || recv.type === 'scope_resolution') return VALUE_CONSTANT.test(recv.type === 'constant' ? recv.text : field(recv, 'name')?.text ?? '') && /^[a-z]+[!?]?$/.test(name);
    return /^[a-z]+[!?]?$/.test(name);
  }

  /**
   * TS/JS: a method call on an object whose origin the file shows is a library that is no database layer: a
   * variable made by a package's function or class (`const cipher = crypto.createCipheriv(…)`, `new URL(…)`,
   * `new Map()`), the package or global class itself (`crypto.randomBytes(…)`, `Buffer.concat(…)`), or a field or
   * parameter declared as a package's type (`configService: ConfigService` imported from `@nestjs/config`). Its `update`/`get`/`find` is the library's, not the app's query of that name. A name
   * any assignment binds otherwise, a known client, or a package naming a database layer (`@acme/db`, `typeorm`,
   * an app folder imported by its path: `src/infra-config/…`) keeps the call.
   */
  private libraryReceiver(n: Node): { root: Node; recv: string } | undefined {
    const fn = field(n, 'function');
    const obj = fn?.type === 'member_expression' ? field(fn, 'object') : undefined;
    if (!obj) return undefined;
    // `url.searchParams.get(…)`: a property of a library object is the library's too.
    let root = obj;
    while (root.type === 'member_expression' && field(root, 'object')?.type === 'member_expression') root = field(root, 'object')!;
    if (root.type === 'member_expression' && field(root, 'object')?.type === 'identifier') root = field(root, 'object')!;
    const recv = root.type === 'identifier' ? root.text : root.type === 'member_expression' && field(root, 'object')?.type === 'this' ? field(root, 'property')?.text : undefined;
    return recv ? { root, recv } : undefined;
  }

  /**
   * TS/JS: the receiver is declared (field, parameter, constructor parameter property, annotated variable) as a type
   * of a database library's own package (`private translationRepo: Repository<Translation>` with `Repository` from
   * 'typeorm'): an object of that library. What its methods do is the library's knowledge (dbCalls: TypeORM
   * `find`/`save` query, `create`/`merge` build in memory), never the app's method of the same name (person15:
   * `translationRepo.create(…)` was "one of TermController.create, UserService.create…").
   */
  private onDatabaseLibraryObject(n: Node): boolean {
    const r = this.libraryReceiver(n);
    if (!r) return false;
    const type = this.ctx.types.get(r.recv) ?? this.declaredTypeOf(r.recv);
    const spec = type === undefined ? undefined : this.ctx.packageImports?.get(type);
    return spec !== undefined && DATABASE_LIBRARY.test(spec);
  }

  /**
   * `const name: Type` anywhere in the file: the declared type's name (the first such declaration). Read once per name
   * and file: a search of the whole text per call made a 1.8 MB bundle cost minutes (perf20: Traduora's swagger-ui).
   */
  private declaredTypeOf(name: string): string | undefined {
    if (!this.declaredTypes.has(name)) this.declaredTypes.set(name, new RegExp(`\\b(?:const|let|var)\\s+${escapeRe(name)}\\s*:\\s*([A-Z][\\w$]*)`).exec(this.text)?.[1]);
    return this.declaredTypes.get(name);
  }

  private readonly declaredTypes = new Map<string, string | undefined>();

  /** What made each `const name = …` of the file (its declared type, the factory's type argument, or the factory), once per name and file. */
  private originsOf(name: string): (string | undefined)[] {
    let o = this.origins.get(name);
    if (!o) this.origins.set(name, (o = [...this.text.matchAll(new RegExp(`\\b(?:const|let|var)\\s+${escapeRe(name)}\\s*(?::\\s*([A-Z][\\w$]*)[^=;]*)?=\\s*(?:await\\s+)?(?:new\\s+)?([\\w$]+)?(?:\\.[\\w$]+)*(?:\\s*<\\s*([A-Z][\\w$]*)\\s*>)?`, 'g'))].map((m) => m[1] ?? m[3] ?? m[2])));
    return o;
  }

  private readonly origins = new Map<string, (string | undefined)[]>();

  /** TS/JS: what a class field is made of where it is declared (`parsed = new Map<…>()`, `private readonly seen: Set<string> = new Set()`). */
  private fieldOriginsOf(name: string): (string | undefined)[] {
    const n = escapeRe(name);
    const re = new RegExp(`(?:^[ \\t]*(?:(?:private|public|protected|readonly|static|declare|override)\\s+)*#?${n}\\s*[?!]?\\s*(?::\\s*([A-Z][\\w$]*)[^=;\\n]*)?|\\bthis\\.${n}\\s*)=\\s*(new\\s+)?([\\w$]+)(?:\\.[\\w$]+)*(?:\\s*<\\s*([A-Z][\\w$]*)\\s*>)?`, 'gm');
    return [...this.text.matchAll(re)].map((m) => m[1] ?? (m[2] ? m[3] : m[4] ?? m[3]));
  }

  /**
   * Java: the call is on a name declared (local, parameter or field) with a type the file imports from another
   * organisation's package — `java.`, `javax.`, `jakarta.`, or a package whose first two names differ from the file's own
   * (`io.micrometer.core.instrument.Counter` in `org.eclipse.hawkbit…`). Such an object's methods are the library's.
   */
  private onJavaLibraryObject(n: Node): boolean {
    const obj = field(n, 'object');
    if (!obj || obj.type !== 'identifier') return false;
    const own = /^\s*package\s+([\w.]+)\s*;/m.exec(this.text)?.[1];
    if (!own) return false;
    const name = escapeRe(obj.text);
    let type: string | undefined;
    for (const m of this.text.slice(0, n.startIndex).matchAll(new RegExp(`(?:^|[\\s(,])([A-Z][\\w]*)(?:<[^;=(){}]*>)?(?:\\[\\])?\\s+${name}\\s*[;=,)]`, 'g'))) type = m[1];
    if (!type) for (const m of this.text.matchAll(new RegExp(`(?:^|[\\s(,])([A-Z][\\w]*)(?:<[^;=(){}]*>)?\\s+${name}\\s*[;=,)]`, 'g'))) { type = m[1]; break; }
    if (!type) return false;
    const imported = new RegExp(`^\\s*import\\s+([\\w.]+)\\.${escapeRe(type)}\\s*;`, 'm').exec(this.text)?.[1];
    if (!imported) return false;
    if (/^(java|javax|jakarta)\./.test(imported)) return true;
    const org = (p: string) => p.split('.').slice(0, 2).join('.');
    return org(imported) !== org(own);
  }

  /** TS/JS: `x.method(…)` where `x` itself is a library package's default or namespace import (not a client the file makes). */
  private onImportedPackage(n: Node): boolean {
    const r = this.libraryReceiver(n);
    return !!r && r.root.type === 'identifier' && !this.ctx.clients.has(r.recv) && !!this.ctx.packageImports?.has(r.recv) && this.libraryType(r.recv);
  }

  private onLibraryObject(n: Node): boolean {
    const r = this.libraryReceiver(n);
    const made = r ? undefined : this.returnedTypeOfReceiver(n);
    if (made) return this.libraryType(made);
    if (!r || this.ctx.clients.has(r.recv)) return false;
    const { root, recv } = r;
    return this.libraryOrigin(root, recv);
  }

  /**
   * TS/JS: `this.blockBlob(path).delete()` — a method called on what another method of the file returns, when that method
   * declares its return type (`private blockBlob(p: string): BlockBlobClient`): the type's name (held-out-z docmost: the
   * Azure driver's `delete` was taken for a call of the app's `delete` methods).
   */
  private returnedTypeOfReceiver(n: Node): string | undefined {
    const fn = field(n, 'function');
    const obj = fn?.type === 'member_expression' ? field(fn, 'object') : undefined;
    if (obj?.type !== 'call_expression') return undefined;
    const inner = field(obj, 'function');
    const name = inner?.type === 'identifier' ? inner.text : inner?.type === 'member_expression' && field(inner, 'object')?.type === 'this' ? field(inner, 'property')?.text : undefined;
    if (!name) return undefined;
    return new RegExp(`\\b${escapeRe(name)}\\s*\\([^()]*\\)\\s*:\\s*(?:Promise\\s*<\\s*)?([A-Z][\\w$]*)`).exec(this.text)?.[1];
  }

  /** TS/JS: the declared type of the call's receiver (`this.formBuilder`, `formBuilder`) when the file imports it from a library package. */
  private tsLibraryReceiverType(n: Node): { libraryReceiverType?: string } {
    const fn = field(n, 'function');
    const o = fn?.type === 'member_expression' ? field(fn, 'object') : undefined;
    const name = o?.type === 'identifier' ? o.text : o?.type === 'member_expression' && field(o, 'object')?.type === 'this' ? field(o, 'property')?.text : undefined;
    const type = name === undefined ? undefined : this.ctx.types.get(name) ?? this.declaredTypeOf(name);
    const spec = type === undefined ? undefined : this.ctx.packageImports?.get(type);
    if (type === undefined || spec === undefined) return {};
    // A path into the app (a `tsconfig` baseUrl: `src/…`, `lib/…`) is the app's; a workspace package's class the app
    // defines is told apart by crossFile (the package's name alone says nothing: `@angular/forms` holds "orm").
    const top = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    return APP_FOLDER.test(top) || (this.file ?? '').split('/').slice(0, -1).includes(top) ? {} : { libraryReceiverType: type };
  }

  /** TS/JS: a type name the file imports from a library package (or a built-in class), not from the app. */
  private libraryType(type: string): boolean {
    const spec = this.ctx.packageImports?.get(type);
    if (spec === undefined) return BUILT_IN_CLASSES.test(type);
    const bare = spec.replace(/^node:/, '');
    if (NODE_BUILT_INS.test(bare) || CLOUD_SDK.test(spec)) return true;
    const top = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    return !DATA_LAYER_PACKAGE.test(spec) && !APP_FOLDER.test(top) && !(this.file ?? '').split('/').slice(0, -1).includes(top);
  }

  private libraryOrigin(root: Node, recv: string): boolean {
    // A path into the app (`tsconfig` baseUrl: `src/infra-config/…`, `lib/notes`) is the app's own code (libraryType).
    const library = (origin: string) => this.libraryType(origin);
    // `crypto.randomBytes(…)`, `Buffer.concat(…)`: the package or the global class itself.
    if (root.type === 'identifier' && (this.ctx.packageImports?.has(recv) || BUILT_IN_CLASSES.test(recv))) return library(recv);
    if (root.type === 'identifier' && JS_GLOBAL_OBJECTS.test(recv) && !this.ctx.types.has(recv) && this.originsOf(recv).length === 0) return true;
    if (root.type === 'identifier' && this.madeByOwnBuiltIn(root, recv)) return true;
    const type = this.ctx.types.get(recv);
    if (type !== undefined && root.type === 'member_expression') return library(type);
    // What made it: the factory's receiver or class (`crypto.createCipheriv(…)`, `new URL(…)`), unless the code names the
    // type it returns — declared (`const ds: ExperimentDataSource = …`) or as the factory's type argument
    // (`container.resolve<ExperimentDataSource>(…)`, a DI container handing out the app's own class): that type decides.
    // `this.parsed.get(name)` on a class field `parsed = new Map<string, Model>()`: what made the field (held-out-av Nango's
    // models parser: a Map's get was taken for the app's `get` methods, and every function reading the parser for a query).
    const origins = root.type === 'member_expression' ? this.fieldOriginsOf(recv) : this.originsOf(recv);
    if (!origins.length) return type !== undefined && library(type);
    return origins.every((o) => o !== undefined && library(o));
  }

  /**
   * TS/JS: every declaration of the local in the nearest function declaring it is a call of a function or method of this
   * file that declares a built-in class as its return type (`const ctxCache = this.getContextCache(ctx)` with
   * `private getContextCache(ctx): Map<any, any>`): the local is that built-in's object, its `get` a look-up in memory, not
   * the app's `get` (held-out-aq Vendure: a request-scoped cache's `get` delegating to its Map's `get` was taken for a query,
   * and every price and tax applied through the cache with it).
   */
  private madeByOwnBuiltIn(at: Node, name: string): boolean {
    const n = escapeRe(name);
    for (let fn = this.enclosingFunctionOf(at); fn; fn = this.enclosingFunctionOf(fn)) {
      const declared = [...fn.text.matchAll(new RegExp(`\\b(?:const|let|var)\\s+${n}\\b(\\s*=\\s*(?:await\\s+)?(?:this\\.)?([\\w$]+)\\s*\\()?`, 'g'))];
      if (!declared.length) continue;
      return declared.every((m) => {
        if (!m[2]) return false;
        const t = new RegExp(`\\b${escapeRe(m[2])}\\s*(?:<[^<>()]*>)?\\s*\\([^()]*\\)\\s*:\\s*(?:Promise\\s*<\\s*)?([A-Z][\\w$]*)`).exec(this.text)?.[1];
        return t !== undefined && BUILT_IN_CLASSES.test(t);
      });
    }
    return false;
  }

  /** Named functions with whether they query and whom they call; loop calls not judged yet. */
  callFacts(): FileCallFacts {
    const functions: FileCallFacts['functions'] = [];
    // Java: every overload is a definition of its own (`getById(id)` and `getById(id, store)` query differently).
    // Go: every function and method (methods of several types in one file share names).
    const defs = this.lang === 'go'
      ? this.functionNodes.map((d) => ({ def: d, name: this.a.functionDef(d)?.name })).filter((d): d is { def: Node; name: string } => d.name !== undefined)
      : [...this.functions].flatMap(([name, def]) => (this.overloads.get(name) ?? [def]).map((d) => ({ name: name.replace(/^\./, ''), def: d })));
    // The innermost named function holding a node: found through the functions' nesting, not by trying each (a
    // 15,000-line file of 1,500 functions made that calls × functions, seconds of the extension host's time).
    const holderOf = this.holders(defs.map((d) => d.def));
    const goScopes = this.goScopesOf();
    const goFacts = goScopes?.facts;
    const goIn = new Map<Node, GoCallRef[]>();
    const callsIn = new Map<Node, string[]>();
    const bareIn = new Map<Node, string[]>();
    const argcIn = new Map<Node, Map<string, number[]>>();
    const objectIn = new Map<Node, Map<string, boolean>>();
    const typedIn = new Map<Node, Map<string, string>>();
    const untypedIn = new Map<Node, Set<string>>();
    const moduleIn = new Map<Node, Map<string, string>>();
    const onModuleIn = new Map<Node, Map<string, boolean>>();
    const instanceIn = new Map<Node, Map<string, string>>();
    const onInstanceIn = new Map<Node, Map<string, boolean>>();
    const onSelfIn = new Map<Node, Map<string, boolean>>();
    for (const n of this.calls) {
      const name = this.calleeOf(n);
      if (!name || this.onPrivateField(n)) continue;
      const storageType = this.storageReceiverType(n);
      // Ruby `element.next`, `e.message` on an object of any class: a one-word method name names no
      // class of the app (Nokogiri, exceptions and the standard library define them too).
      if (this.lang === 'ruby' && this.onUntypedObject(n, name)) continue;
      // TS/JS `cipher.update(text)` on `crypto.createCipheriv(…)`, `this.configService.get(…)` on a `ConfigService` of
      // `@nestjs/config`: a method of an object a library made, not the app's function of that name.
      if ((this.lang === 'typescript' || this.lang === 'tsx' || this.lang === 'javascript') && (this.onLibraryObject(n) || this.onDatabaseLibraryObject(n) || arrayCallback(n, name))) continue;
      // Java `counter.count()` on a `Counter counter` of io.micrometer: a method of a library's object, not the app's
      // method of that name (held-out-aa hawkBit: EclipseLink statistics taken for a repository's count()).
      if (this.lang === 'java' && this.onJavaLibraryObject(n)) continue;
      // Python: a common name on an object (`stack.run(…)`, `pipe.execute()`, `job.fetch(id)`) is that object's
      // library method (sqlparse, redis, rq), not the app's function of the name — unless the object is the app's repository.
      const onObject = this.lang === 'python' && this.onOtherPythonObject(n);
      if (onObject && (GENERIC_NAMES.has(name) || name.length < 4) && !onRepository(n, name) && !storageType) continue;
      // The innermost named function holding the call.
      const best = holderOf(n);
      if (best && !this.deferredWithin(n, best, true) && !this.behindCacheMiss(n, best) && !startedOrKept(n, best, this.lang)) {
        callsIn.set(best, [...(callsIn.get(best) ?? []), name]);
        const ref = this.deferredWithin(n, best) ? undefined : goScopes?.refOf(n);
        if (ref) goIn.set(best, [...(goIn.get(best) ?? []), ref]);
        if (this.lang === 'java') {
          const argc = javaArgCount(n);
          const seen = argcIn.get(best) ?? new Map<string, number[]>();
          const counts = seen.get(name) ?? [];
          if (argc !== undefined && !counts.includes(argc)) seen.set(name, [...counts, argc]);
          argcIn.set(best, seen);
        }
        if (storageType) typedIn.set(best, (typedIn.get(best) ?? new Map<string, string>()).set(`${name}\u0000${storageType}`, storageType));
        else if (this.lang === 'typescript' || this.lang === 'tsx' || this.lang === 'javascript') untypedIn.set(best, (untypedIn.get(best) ?? new Set<string>()).add(name));
        if (this.lang === 'python') {
          // `reader.load_data(file=…)` on `reader = PDFReader()`, `SimpleDirectoryReader(…).load_data()`: a method of a class
          // imported from that module; when the module is none of the project's files (llama_index), not the app's `load_data`.
          const classMod = this.pythonInstanceModule(n);
          if (classMod) instanceIn.set(best, (instanceIn.get(best) ?? new Map<string, string>()).set(`${name}\u0000${classMod}`, classMod));
          const onInstance = onInstanceIn.get(best) ?? new Map<string, boolean>();
          onInstanceIn.set(best, onInstance.set(name, (onInstance.get(name) ?? true) && !!classMod));
          const mod = this.pythonReceiver(n)?.receiverModule;
          if (mod) moduleIn.set(best, (moduleIn.get(best) ?? new Map<string, string>()).set(`${name}\u0000${mod}`, mod));
          const onModule = onModuleIn.get(best) ?? new Map<string, boolean>();
          onModuleIn.set(best, onModule.set(name, (onModule.get(name) ?? true) && !!mod));
          const m = objectIn.get(best) ?? new Map<string, boolean>();
          m.set(name, (m.get(name) ?? true) && onObject);
          objectIn.set(best, m);
          const fn = field(n, 'function');
          const viaSelf = fn?.type === 'attribute' && field(fn, 'object')?.text === 'self';
          const onSelf = onSelfIn.get(best) ?? new Map<string, boolean>();
          onSelfIn.set(best, onSelf.set(name, (onSelf.get(name) ?? true) && viaSelf));
        }
        // Python: `create(…)` by its bare name (a helper of the module), not `data.get(…)` on an object.
        if ((this.lang === 'python' && field(n, 'function')?.type === 'identifier') || (this.lang === 'java' && n.type === 'method_invocation' && (!field(n, 'object') || field(n, 'object')?.type === 'this'))) bareIn.set(best, [...(bareIn.get(best) ?? []), name]);
      }
    }
    const seen = new Set<Node>();
    for (const { name, def } of defs) {
      if (seen.has(def)) continue;
      seen.add(def);
      const counted = (h: DbHit) => !h.call.batch && h.call.instanceOf === undefined && this.within(def, h.node) && !this.onErrorPath(h.node) && !this.deferredWithin(h.node, def) && !this.behindCacheMiss(h.node, def) && !startedOrKept(h.node, def, this.lang);
      // Java: a getter read as a query by its receiver's name alone (`customField.getId()`) decides once every file is
      // read (getterQueries): the class may be the app's row object.
      const getterQueries = [...new Set(this.hits.filter((h) => h.call.getterOf !== undefined && counted(h)).map((h) => h.call.getterOf!))];
      const getterHit = this.hits.find((h) => h.call.getterOf !== undefined && counted(h))?.node;
      const own = this.hits.find((h) => h.call.getterOf === undefined && counted(h))?.node
        ?? this.relatedReads(def).find((n) => !this.onErrorPath(n) && !this.behindCacheMiss(n, def))
        ?? this.paramRecordWrite(def)
        ?? (this.lang === 'java' ? statementAnnotation(def) : undefined);
      const queries = own !== undefined;
      const keys = this.queryKeys(def);
      const batched = this.lang !== 'python' && this.lang !== 'ruby' && LOADER_CALL.test(def.text);
      const cls = this.classOf(def);
      const remote = this.remoteCallIn(def);
      const remoteFirst = own ? this.remoteBeforeQuery(def, own) : undefined;
      const literal = this.returnedLiteral(def);
      const guarded = guardedParam(def);
      functions.push({ name, line: this.lineOf(def.startIndex) + 1, ...(!queries && getterQueries.length ? { getterQueries } : {}), ...(literal !== undefined ? { literal } : {}), endLine: this.lineOf(def.endIndex) + 1, ...(cls ? { cls } : {}), queries, ...(remote ? { remote } : {}), ...(remoteFirst ? { remoteFirst } : {}), ...(own ?? getterHit ? { queryLine: this.lineOf((own ?? getterHit)!.startIndex) + 1 } : {}), callees: [...new Set(callsIn.get(def) ?? [])], ...(keys ? { keys } : {}), ...(this.lang === 'python' && this.inPythonClass(def) ? { method: true } : {}), ...(bareIn.has(def) ? { bareCallees: [...new Set(bareIn.get(def))] } : {}), ...(batched ? { batched } : {}), ...(MEMOISED_GETTER.test(def.text) ? { memo: true } : {}), ...this.javaShape(def), ...(cachedByAnnotation(def, this.lang) ? { cached: true } : {}), ...(guarded !== undefined ? { guarded } : {}), ...(enqueuedWhenCalled(def, this.lang, this.text) ? { enqueued: true } : {}), ...(argcIn.get(def)?.size ? { calleeArgc: Object.fromEntries(argcIn.get(def)!) } : {}), ...objectCalleesOf(objectIn.get(def)), ...(CACHE_CLEAR.test(def.text) ? { clearsCache: true } : {}), ...(typedIn.get(def)?.size ? { typedCallees: [...typedIn.get(def)!].map(([k, t]): [string, string] => [k.slice(0, k.indexOf('\u0000')), t]), ...untypedOf(typedIn.get(def)!, untypedIn.get(def)) } : {}), ...(moduleIn.get(def)?.size ? { moduleCallees: [...moduleIn.get(def)!].map(([k, m]): [string, string] => [k.slice(0, k.indexOf('\u0000')), m]), moduleOnly: [...onModuleIn.get(def)!].filter(([, only]) => only).map(([c]) => c) } : {}), ...(instanceIn.get(def)?.size ? { instanceCallees: [...instanceIn.get(def)!].map(([k, m]): [string, string] => [k.slice(0, k.indexOf('\u0000')), m]), instanceOnly: [...onInstanceIn.get(def)!].filter(([, only]) => only).map(([c]) => c) } : {}), ...(onSelfIn.get(def) && [...onSelfIn.get(def)!].some(([, only]) => only) ? { selfOnly: [...onSelfIn.get(def)!].filter(([, only]) => only).map(([c]) => c) } : {}), ...(goFacts ? { goRecv: goReceiverType(def), goCalls: goIn.get(def) ?? [] } : {}), ...(this.lang === 'java' ? perItemArgsOf(def) : {}) });
    }
    const loopCalls: PendingLoopCall[] = [];
    const flaggedStarts = new Set(this.findings.map((f) => f.span.start));
    for (const n of this.calls) {
      if (this.hitByStart.has(n.startIndex) || flaggedStarts.has(n.startIndex)) continue;
      const callee = this.calleeOf(n);
      if (!callee) continue;
      // `self.repos.recipes.get_one(slug)`, `repo.create(x)`: a common name called on the app's repository.
      const repository = this.lang !== 'go' && onRepository(n, callee);
      const recv = this.lang === 'python' ? this.pythonReceiver(n) : undefined;
      // Java: a common name (`delete`, `save`, `update`) on a field declared as the app's service or
      // repository (`ReviewService reviewService`): that type's method (or the one it inherits) decides.
      const storage = this.lang === 'java' && STORAGE_TYPE.test(this.javaReceiverType(n) ?? '');
      // A method of a library package imported whole (`jp.query(ctx, path)` on `import jp from 'jsonpath'`) is the
      // library's, never the app's function of that name (held-out-al: Dittofeed's jsonpath read per event context was
      // taken for its ClickHouse `query`). Objects typed by a package's interface stay: a workspace package's interface
      // is implemented by the app (`container.resolve<IInventoryService>(…)`).
      if (/^(typescript|tsx|javascript)$/.test(this.lang) && (this.onDatabaseLibraryObject(n) || this.onImportedPackage(n))) continue;
      // A short name on the item of a loop over a model's query (`user.ban()` over `User.query…`): that model's method,
      // resolved by its class across files (held-out-w: flaskbb's `elif user.ban():` was left out for its 3 letters).
      const itemModel = this.lang === 'python' && callee.length < 4 && !GENERIC_NAMES.has(callee) ? this.loopItemModel(n) : undefined;
      // Python: a common name called on a class (`Coupon.get(id)`, `Bounce.delete(b.id)`) is that class's class method — an
      // ORM base of the app's (`class ModelMixin: @classmethod def get(cls, id): return Session.query(cls).get(id)`) when
      // the project defines it there; the cross-file pass keeps it only as a method of that class or its bases
      // (pythonClassHas), never another class's `get` (held-out-ar simple-login: `Mailbox.get` per id in SQLAlchemy files).
      const pyClassMethod = this.lang === 'python' && field(n, 'function')?.type === 'attribute' && /^[A-Z][a-z]\w*$/.test(field(field(n, 'function')!, 'object')?.text ?? '');
      const rowsOf = this.lang === 'python' && GENERIC_NAMES.has(callee) ? this.pyRowsClass(n) : undefined;
      if (((GENERIC_NAMES.has(callee) || (callee.length < 4 && !itemModel)) && !repository && !recv?.receiverModule && !storage && !pyClassMethod && !rowsOf && !this.ownPythonFunction(n, callee) && !goAppCall(goScopes?.refOf(n))) || this.isDispatch(n) || this.runsAtStartup(n)) continue;
      // Ruby `txn.merchant` without arguments reads an attribute or association, not a method of another file.
      // A predicate (`pact_publication.latest_for_branch?`) is a method, though: no association or column reader of the app's
      // defines one, so the cross-file pass keeps it only when a project method of that name reaches the database.
      if (this.lang === 'ruby' && !field(n, 'arguments') && field(n, 'receiver') && !(callee.endsWith('?') && !RUBY_CORE_PREDICATE.test(callee))) continue;
      // Go ent: a setter on a builder (`tx.User.Create().SetStatus(…)`) is the generated builder's, not the app's method of that name.
      if (this.lang === 'go' && ENT_BUILDER_RECEIVER.test(field(n, 'function')?.text ?? '')) continue;
      // Functions of this file that query by themselves were judged by checkLocalCalls already; one that
      // reaches the database only through other files' functions is left to the cross-file pass.
      // `case_service.get(…)` on an imported module is that module's `get`, not this file's.
      // JS/TS `VideoService.findLike(…)` is a method of another object, not this file's `findLike`.
      const onOtherObject = /^(typescript|tsx|javascript)$/.test(this.lang) && this.a.localCallee(n) === undefined;
      const local = (this.functions.has(callee) || this.functions.has('.' + callee)) && !recv?.receiverModule && !onOtherObject;
      if (local && (this.locallyQuerying.has(callee) || this.locallyQuerying.has('.' + callee)) && (this.lang !== 'go' || this.goLocalCall(n))) continue;
      if (!local && this.notTheAppsFunction(n, callee)) continue;
      const inLoop = this.pastDeclaredSet(this.enclosingLoop(n));
      // A field resolver runs once per parent object: a call in it to another file's query is one per parent.
      // So does a serializer's method field, once per serialized object.
      const helper = inLoop || this.resolverAround(n) || this.serializerMethodAround(n) ? undefined : this.helperCallbackAround(n);
      const li = inLoop ?? this.resolverAround(n) ?? this.serializerMethodAround(n) ?? helper?.li;
      if (!li || (inLoop && (this.isFixedSmallList(li) || this.inOtherDatabaseBranch(n) || this.unreachable(n) || this.runsOnceThenExits(n, li) || underKeyTest(n, li.body, li.variable) || this.loadedOnceIn(n, li) || fallbackOfBatch(li.node, callee) || (DRAINING_WRITE.test(callee) && this.drainsInBatches(n, li)) || this.isSteppedBatch(li) || this.isChunked(li, n) || this.deferredWithin(n, li.node)))) continue;
      // In the loop's error handler (`except OperationalError: database.rollback(); retry(…)`): on a failure only,
      // as for the loop's own queries (checkQuery).
      if (inLoop && this.onErrorPath(n, li.node)) continue;
      // `super().to_representation(x)` is the parent class's method, not another file's function of that name;
      // in a serializer method, a call only when the parent serializer did not hand the rows over is a fallback.
      if (!inLoop && (/^super(\(\))?\./.test(n.text) || (li.kind === 'serializer' && li.variable && this.isFallback(n, li.body, li.variable)))) continue;
      // In a resolver of a scalar field, a call only when the parent lacks the column it returns (`if (c.name) return c.name;`).
      const scalar = !inLoop && li.kind === 'resolver' && this.scalarResolverAround(n);
      if (scalar && parentFieldFallback(n, li.body, li.variable)) continue;
      const iterable = this.iterableText(li);
      const est = this.estimate(li);
      const header = { start: li.node.startIndex, end: Math.max(li.node.startIndex + 1, Math.min(li.node.endIndex, li.body.startIndex > li.node.startIndex ? li.body.startIndex : li.node.endIndex)) };
      const named = new RegExp(`^(?:[\\w$]+(?:\\.|::))*([A-Z][\\w$]*)\\s*(?:\\.|::)\\s*${escapeRe(callee)}\\b`).exec(n.text);
      loopCalls.push({
        callee,
        receiverClass: named?.[1],
        ...(helper ? { viaHelper: helper.via } : {}),
        ...(this.lang === 'java' ? this.javaReceiver(n) : (this.lang === 'typescript' || this.lang === 'tsx' || this.lang === 'javascript') ? { receiverType: this.tsReceiverType(n), ...this.tsLibraryReceiverType(n) } : this.lang === 'python' ? { receiverType: this.pyReceiverType(n) } : {}),
        ...this.receiverBinding(n, li),
        ...(this.lang === 'ruby' && field(n, 'receiver') && !/^self$/.test(field(n, 'receiver')!.text) ? { onObject: true } : {}),
        ...(repository ? { repository, common: GENERIC_NAMES.has(callee) || callee.length < 4 } : {}),
        ...(recv && !repository && (GENERIC_NAMES.has(callee) || callee.length < 4) ? { common: true } : {}),
        ...(pyClassMethod && (GENERIC_NAMES.has(callee) || callee.length < 4) && !repository ? { classMethod: true } : {}),
        ...(rowsOf ? { rowsOf, receiverOf: rowsOf } : {}),
        ...recv,
        ...(local ? { local } : {}),
        ...this.argsVary(n, li),
        ...(scalar ? parentArgs(n, li) : {}),
        ...(this.lang === 'java' ? { argc: javaArgCount(n) } : {}),
        ...(goScopes ? { goRef: goScopes.refOf(n) } : {}),
        ...(this.lang === 'go' && this.inFuncLiteralOf(n, li.body) ? { inFuncLiteral: true } : {}),
        ...this.calledBefore(li.node, holderOf(li.node)),
        ...this.itemCallsBefore(li, n),
        ...this.sourceOf(li),
        ...this.parentLoadOf(n, li),
        text: shortText(n, 60).replace(/\(.*$/s, ''),
        span: { start: n.startIndex, end: n.endIndex },
        language: this.lang,
        loop: li.label,
        variable: li.variable,
        iterable,
        per: li.kind === 'resolver' || li.kind === 'serializer' ? `in ${li.label}` : li.variable ? `once per \`${li.variable}\`${iterable ? ` in \`${iterable}\`` : ''}` : `once per iteration of ${iterable ? `\`${iterable}\`` : `the ${li.label} loop`}`,
        iters: est.iterations !== undefined ? (est.bounded ? ` (up to ${est.iterations} iterations: ${est.from})` : ` (${est.iterations} iterations: ${est.from})`) : '',
        ...this.possibleOf(est, li, iterable, n),
        related: trimSpan(this.text, header),
        ignore: this.ignoreFix(n.startIndex),
      });
    }
    return { functions, loopCalls, callLiterals: this.callLiterals(), ...(() => { const lists = this.moduleLists(); return lists.length ? { moduleLists: lists } : {}; })(), ...(GENERATED_CODE.test(this.text.slice(0, 2000)) ? { generated: true } : {}), ...(this.lang === 'java' ? { javaClass: javaClassOf(this.text, this.ctx.types) } : {}), ...this.supertypeFacts(defs.map((d) => d.def)), ...this.javaDataClasses(defs.map((d) => d.def)), ...this.javaEnumFacts(), ...this.pythonBaseFacts(), modules: [...this.ctx.modules], ...(this.ctx.importedFrom ? { importedFrom: Object.fromEntries(this.ctx.importedFrom) } : {}), ...(this.ctx.packageImports ? { packageImports: Object.fromEntries(this.ctx.packageImports) } : {}), ...this.topCalls(defs.map((d) => d.def)), ...this.scheduledCalls(), deferred: this.deferredRanges(), ...(goFacts ? { go: goFacts } : {}), ...this.sequelizeFacts() };
  }

  /** TS/JS: the Sequelize association mixins the file declares (see FileCallFacts.sequelizeMixins). */
  private sequelizeFacts(): Pick<FileCallFacts, 'sequelizeMixins'> {
    if (this.lang !== 'typescript' && this.lang !== 'tsx' && this.lang !== 'javascript') return {};
    const mixins = sequelizeMixins(this.text);
    return mixins.length ? { sequelizeMixins: mixins } : {};
  }

  /**
   * Names this file calls outside every named function (module load, an entry file's start-up code),
   * leaving out calls in callbacks handed to handlers, routers and schedulers (`app.get(…, async () => …)`,
   * `.mutation(async () => …)`, `cron.schedule(…)`), which run per request or per tick.
   */
  private scheduledCalls(): { scheduledCalls?: string[]; scheduledRefs?: string[] } {
    const out = new Set<string>();
    const refs = new Set<string>();
    for (const c of this.calls) {
      if (!SCHEDULING_CALL.test(this.calleeName(c) ?? '')) continue;
      for (const a of named(field(c, 'arguments'))) {
        // A function handed by name (`cron.schedule(expr, updateUsage)`, `setInterval(this.sweep, ms)`): the name runs per tick.
        const ref = a.type === 'identifier' ? a.text : /^(member_expression|attribute|selector_expression)$/.test(a.type) && /^(?:this|self)\.\w+$/.test(a.text) ? a.text.slice(a.text.indexOf('.') + 1) : undefined;
        if (ref) refs.add(ref);
        if (!this.isFunction(a)) continue;
        const [s, e] = this.spanOf(a);
        for (const n of this.calls) {
          const [ns, ne] = this.spanOf(n);
          const name = s <= ns && ne <= e ? this.calleeName(n) : undefined;
          if (name) out.add(name);
        }
      }
    }
    return { ...(out.size ? { scheduledCalls: [...out] } : {}), ...(refs.size ? { scheduledRefs: [...refs] } : {}) };
  }

  /**
   * Every call of the file by name, with its 1-based line and the positions of its positional arguments that are a
   * literal list or map of at most MAX_FIXED_LIST items (`initAdminSettings(map[string]string{…})`, `f(["a", "b"])`).
   * Keyword arguments are never such a position (they do not map to parameters by position here).
   */
  private callLiterals(): [string, number, number[]][] {
    const out: [string, number, number[]][] = [];
    for (const n of this.calls) {
      const name = this.calleeName(n);
      const args = field(n, 'arguments');
      if (!name || !args) continue;
      const list = named(args).filter((a) => !this.a.commentTypes.has(a.type));
      const at: number[] = [];
      list.forEach((a, i) => {
        const items = this.arrayElements(a) ?? (/^(dictionary|object|hash)$/.test(a.type) && !named(a).some((e) => /spread|splat/.test(e.type)) ? named(a).filter((c) => !this.a.commentTypes.has(c.type)) : undefined);
        if (items && items.length > 0 && items.length <= MAX_FIXED_LIST && !/keyword_argument|pair/.test(a.type)) at.push(i);
      });
      out.push([name, this.lineOf(n.startIndex) + 1, at]);
    }
    return out;
  }

  private topCalls(defs: Node[]): { topCalls: string[]; laterCalls: string[] } {
    const out = new Set<string>();
    const later = new Set<string>();
    const defSpans = defs.map((d) => this.spanOf(d));
    const inDef = ([s, e]: readonly [number, number]) => defSpans.some(([ds, de]) => ds <= s && e <= de);
    // Function literals outside named functions, and whether they run when reached: only callbacks of
    // promise chaining and immediate invocation do; handlers and scheduled callbacks run later.
    const lits = this.functionNodes.filter((f) => !inDef(this.spanOf(f))).map((f) => {
      let up = f.parent;
      while (up && /^(expression_list|parenthesized_expression|as_expression)$/.test(up.type)) up = up.parent;
      const call = up && /^(arguments|argument_list)$/.test(up.type) ? up.parent : undefined;
      // A function literal invoked where it is written (Node's entry `(async () => { await initDatabase() })()`) runs
      // when the module loads, as a call at module level does.
      const invoked = !!up && up.type === 'call_expression' && !!field(up, 'function') && contains(field(up, 'function')!, f);
      return { span: this.spanOf(f), now: invoked || (!!call && /^(then|catch|finally|prepare|ready|nextTick|run|main)$/.test(this.calleeName(call) ?? '')) };
    });
    // A polling loop outside named functions (`(async () => { while (true) { await drainQueue(); await sleep(1000) } })()`)
    // runs its calls once per round, for as long as the process lives: not once at start-up.
    const rounds = this.root ? this.root.descendantsOfType(['while_statement', 'do_statement']).filter((w): w is Node => !!w && !inDef(this.spanOf(w))).map((w) => this.spanOf(w)) : [];
    for (const n of this.calls) {
      const [s, e] = this.spanOf(n);
      if (inDef([s, e])) continue;
      const name = this.calleeName(n);
      if (name) (lits.some((l) => !l.now && l.span[0] <= s && e <= l.span[1]) || rounds.some(([ws, we]) => ws <= s && e <= we) ? later : out).add(name);
    }
    return { topCalls: [...out], laterCalls: [...later] };
  }

  /** Callbacks handed to a scheduler or registry (`scheduleJob(id, cron, async () => …)`), as line ranges. */
  private deferredRanges(): [number, number][] {
    const out: [number, number][] = [];
    for (const c of this.calls) {
      if (!DEFERRING_CALL.test(this.calleeName(c) ?? '')) continue;
      for (const a of named(field(c, 'arguments'))) if (this.isFunction(a)) out.push([this.lineOf(a.startIndex) + 1, this.lineOf(a.endIndex) + 1]);
    }
    // A GraphQL field resolver runs per request, though a factory called at start-up builds its map.
    if (this.root && this.mayHaveResolvers()) for (const r of this.allResolvers(this.root)) out.push([this.lineOf(r.def.startIndex) + 1, this.lineOf(r.def.endIndex) + 1]);
    return out;
  }

  /**
   * The node runs later, not when `def` is called: inside a function literal with parameters that
   * `def` returns (`return func(ctx …) { … }`, a handler factory) or hands to a scheduler or registry
   * (`scheduleJob(id, cron, async () => { … })`, `setInterval`, `on('event', …)`, `HandleFunc`).
   */
  private deferredWithin(node: Node, def: Node, wired = false): boolean {
    this.laterSpans ??= this.functionNodes.filter((f) => this.runsLater(f)).map((f) => this.spanOf(f));
    this.laterSpansWired ??= this.functionNodes.filter((f) => this.runsLater(f, false)).map((f) => this.spanOf(f));
    const spans = wired ? this.laterSpansWired : this.laterSpans;
    if (!spans.length) return false;
    const [ns, ne] = this.spanOf(node);
    const [ds, de] = this.spanOf(def);
    const holds = ns >= ds && ne <= de;
    // A function around the node (not the node itself), between it and `def` (any, when `def` does not hold the node).
    return spans.some(([s, e]) => s <= ns && ne <= e && (s !== ns || e !== ne) && (!holds || (s >= ds && e <= de && (s !== ds || e !== de))));
  }

  private isFunction(n: Node): boolean {
    return this.a.functionTypes.has(n.type);
  }

  /** The nearest function around the node, if any. */
  private enclosingFunctionOf(n: Node): Node | undefined {
    for (let p = n.parent; p; p = p.parent) if (this.isFunction(p)) return p;
    return undefined;
  }

  /**
   * The text of the named function around the node up to it (past lambdas, arrows and Go func literals; from the file's
   * start at top level): where a name's declaration before a loop is read (`Map<K, List<V>> m`, `ids [][]int64`).
   */
  private declarationsBefore(n: Node): string {
    for (let p = n.parent; p; p = p.parent) if (this.isFunction(p) && !/lambda|arrow_function|func_literal/.test(p.type)) return this.text.slice(p.startIndex, n.startIndex);
    return this.text.slice(0, n.startIndex);
  }

  /** A function literal returned as a handler with parameters, or handed to a scheduler or registry. */
  private runsLater(fn: Node, addressed = true): boolean {
    let up = fn.parent;
    while (up && /^(expression_list|parenthesized_expression|as_expression)$/.test(up.type)) up = up.parent;
    // A returned handler takes arguments; a returned thunk (`return () => load(id)`, fp-ts tasks) is
    // usually run by the caller at once.
    const params = field(fn, 'parameters') ?? field(fn, 'parameter');
    // A handler in a JSX attribute (`onClick={() => remove(row.id)}`) runs on the event, not while the element is drawn.
    if (up?.type === 'jsx_expression' && up.parent?.type === 'jsx_attribute') return true;
    // A method of a class declared inside a function (a repository class a factory builds per model): declaring the
    // class runs none of its methods; they run when an instance is used, later.
    if (fn.type === 'method_definition' && up?.type === 'class_body' && this.enclosingFunctionOf(up)) return true;
    if (up && /^(return_statement|return)$/.test(up.type) && params && named(params).length > 0) return true;
    // A curried handler (`const resolverFor = (feature) => async (collective, args, req) => { … }`): the
    // inner function with parameters is what the outer call returns, like a returned handler.
    if (up?.type === 'arrow_function' && field(up, 'body') && same(field(up, 'body')!, fn) && params && named(params).length > 0) return true;
    // A function kept as a value of a map, struct or object literal that is returned (Go `return template.FuncMap{"name":
    // func(…) {…}}`, JS `return { load: () => … }`): building the literal runs none of it (person9: listmonk's
    // TemplateFuncs per campaign). A literal handed to a call may be run by it at once (saleor's dict of lambdas to
    // its serializer), so only a returned one counts.
    let holder = up?.type === 'literal_element' ? up.parent : up;
    if (holder && /^(keyed_element|literal_value|pair)$/.test(holder.type)) {
      // Go's `return &tools.Tool{Handler: func(…) {…}}` (storyden's makeTool): the address of the literal, returned.
      // The command a function wires up (`return &cobra.Command{RunE: func…}`) is still what that function's callers run,
      // for the call graph of contexts (held-out-aa soft-serve): `addressed` false leaves it out.
      while (holder && (/^(keyed_element|literal_value|literal_element|pair|composite_literal|object|dictionary|hash)$/.test(holder.type) || (addressed && holder.type === 'unary_expression' && holder.text.startsWith('&')))) holder = holder.parent;
      while (holder && /^(expression_list|parenthesized_expression|as_expression)$/.test(holder.type)) holder = holder.parent;
      if (holder && /^(return_statement|return)$/.test(holder.type)) return true;
    }
    const call = up && /^(arguments|argument_list)$/.test(up.type) ? up.parent : undefined;
    return !!call && DEFERRING_CALL.test(this.calleeName(call) ?? '');
  }



  /** The names a parameter list binds, in order (self/cls/this dropped); undefined when one cannot be named. */
  private paramNames(def: Node): string[] | undefined {
    const list = field(def, 'parameters') ?? field(def, 'parameter');
    if (!list) return [];
    const out: string[] = [];
    for (const p of named(list)) {
      if (this.a.commentTypes.has(p.type)) continue;
      // `*args`, `**kwargs`, `...rest`: arguments no longer map to parameters by position.
      if (/^(?:\.\.\.|\*)/.test(p.text) || /splat|rest_pattern|variadic|dictionary_splat|spread_parameter/.test(p.type)) return undefined;
      // Java `final PersistableCategory source`: the name is the parameter's last word, not its type.
      if (this.lang === 'java' && p.type === 'formal_parameter') {
        const nm = field(p, 'name')?.text;
        if (!nm) return undefined;
        out.push(nm);
        continue;
      }
      const text = p.text.replace(/^&/, '');
      // Go `a, b string`: several names, one type.
      const names = this.lang === 'go' && /,/.test(text) ? text.replace(/\s+\S+$/, '').split(',').map((x) => x.trim()) : [/^[A-Za-z_$][\w$]*/.exec(text)?.[0]];
      for (const nm of names) {
        if (!nm) return undefined;
        out.push(nm);
      }
    }
    return out.filter((x, i) => !(i === 0 && /^(self|cls|this)$/.test(x)));
  }

  /**
   * Django: reads through a related manager in a function's body — `action.assign_users.values_list("id", flat=True)`,
   * `self.tags.order_by("name")`, `check.flip_set.annotate(…)` — by a method only a QuerySet has. Not a finding by
   * itself (the loop checks read relations their own way); it makes the function one that queries, for the calls
   * to it in loops of other files (a handler applying each workflow action reads each action's users).
   */
  private relatedReads(def: Node): Node[] {
    if (this.lang !== 'python' || !(usesModule(this.ctx, /^django/) || this.ctx.models.size > 0)) return [];
    return this.calls.filter((n) => this.within(def, n) && !this.deferredWithin(n, def) && DJANGO_RELATED_READ.exec(n.text) !== null && !NOT_RELATED_MANAGER.test(DJANGO_RELATED_READ.exec(n.text)![1]));
  }

  /** QueryKeys of a function: which parameters reach its queries (through locals computed from them). */
  private queryKeys(def: Node): QueryKeys | undefined {
    const params = this.paramNames(def);
    if (!params?.length) return undefined;
    const hits = this.hits.filter((h) => this.within(def, h.node));
    const [ds, de] = this.spanOf(def);
    const calls = this.callsWithin(ds, de);
    if (!hits.length && !calls.length) return { direct: [], via: [] };
    // A value written over several lines (`q := r.db.Entity.Update().Where(\n entity.ID(id),\n)`): up to its closing parenthesis.
    const assigns = [...def.text.matchAll(/(?:^|[\s;,({])(?:const|let|var)?\s*([A-Za-z_$][\w$]*)\s*(?::\s*[\w$.<>[\]| ]+?)?\s*(?::=|=(?![=>]))\s*([^\n;]+)/g)].map((m) => ({ lhs: m[1], rhs: untilBalanced(def.text, m.index + m[0].length - m[2].length, m[2]) }));
    // Several names bound at once: Python `data, errors = schema.load(item)`, Go `row, err := q.Get(id)`.
    for (const m of def.text.matchAll(/(?:^|\n)[ \t]*([A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)+)[ \t]*(?::=|=(?![=>]))[ \t]*([^\n;]+)/g)) {
      for (const nm of m[1].split(',')) assigns.push({ lhs: nm.trim(), rhs: m[2] });
    }
    // Added to a list the query takes later: `queryParams.push(monitorID)`, `args.append(item_id)`.
    for (const m of def.text.matchAll(/(?:^|[^\w$.])([A-Za-z_$][\w$]*)\s*\.\s*(?:push|append|extend|unshift|add|insert)\s*\(([^\n;]*)/g)) assigns.push({ lhs: m[1], rhs: m[2] });
    // Destructured from a parameter object: `const { id, teamId } = params` (`a: b` binds b).
    for (const m of def.text.matchAll(/(?:const|let|var)\s*[{[]([^}\]=]+)[}\]]\s*(?::\s*[\w$.<>[\]| ]+?)?\s*=(?![=>])\s*([^\n;]+)/g)) {
      for (const part of m[1].split(',')) {
        const nm = part.split(':').pop()!.trim().replace(/^\.\.\./, '');
        if (/^[A-Za-z_$][\w$]*$/.test(nm)) assigns.push({ lhs: nm, rhs: m[2] });
      }
    }
    // A text mentions one of the names: not as a member (`x.id`) nor as part of a longer name.
    const pattern = (names: Set<string>) => new RegExp(`(^|[^\\w$.])(?:${[...names].map(escapeRe).join('|')})([^\\w$]|$)`);
    const mentions = (re: RegExp, text: string) => re.test(text.replace(/\.\.\./g, ' '));
    // Go: `ctx context.Context` reaches every query (`.All(ctx)`) but is no key of what it reads — the same ctx each
    // iteration says nothing about whether the look-up repeats (storyden: UsageCount(ctx, id) reads every robot).
    const plist = this.lang === 'go' ? field(def, 'parameters')?.text ?? '' : '';
    const contextParam = (p: string) => this.lang === 'go' && new RegExp(`(?:^|[(,\\s])${escapeRe(p)}\\s+context\\.Context\\b`).test(plist);
    // Each parameter with the locals computed from it (two rounds of assignments).
    const taintRe = params.map((p) => {
      if (contextParam(p)) return /(?!)/;
      const t = new Set([p]);
      let re = pattern(t);
      for (let round = 0; round < 2; round++) {
        for (const a of assigns) {
          if (t.has(a.lhs) || !mentions(re, a.rhs)) continue;
          t.add(a.lhs);
          re = pattern(t);
        }
      }
      return re;
    });
    const live = (n: Node) => !this.deferredWithin(n, def);
    const related = this.relatedReads(def);
    // SQLAlchemy: what `session.add(row)` stages is what the function's commit or flush writes.
    const staged = hits.length ? calls.filter((n) => live(n) && STAGED_WRITE.test(n.text)) : [];
    const direct = params.map((_, i) => i).filter((i) => hits.some((h) => live(h.node) && mentions(taintRe[i], h.node.text)) || related.some((n) => mentions(taintRe[i], n.text)) || staged.some((n) => mentions(taintRe[i], n.text)));
    const via: QueryKeys['via'] = [];
    // A query another function built, narrowed here (`query = session_query(model)` then `query.filter(col == value).scalar()`,
    // `base_query(org).where(…)`): what the narrowing mentions is a key of that function's query, when it reaches one.
    const producedBy = new Map<string, string>();
    for (const a of assigns) {
      const m = /^\s*(?:await\s+)?([A-Za-z_$][\w$]*)\s*\(/.exec(a.rhs);
      if (m && !producedBy.has(a.lhs)) producedBy.set(a.lhs, m[1]);
    }
    for (const n of calls) {
      const callee = this.calleeOf(n);
      if (!callee) continue;
      const args = field(n, 'arguments');
      if (!args || !live(n) || same(n, def) || this.hitByStart.has(n.startIndex)) continue;
      const mentioned = named(args).filter((a) => !this.a.commentTypes.has(a.type)).map((a) => params.map((_, i) => i).filter((i) => mentions(taintRe[i], a.text)));
      // A method called with nothing but constants on an object computed from a parameter (`check = flip.owner` then
      // `check.to_dict()`): what it reads depends on that parameter (healthchecks' `prepare`, person13's Q1). Not with
      // other arguments (`accessor.create({"name": n})` per `n` of a list): what those depend on is not known here.
      const fn = field(n, 'function') ?? field(n, 'method');
      const recvNode = fn ? (field(fn, 'object') ?? field(fn, 'operand') ?? field(n, 'receiver')) : field(n, 'receiver');
      const constantArgs = named(args).every((a) => this.a.commentTypes.has(a.type) || (CONSTANT_ARG.test(a.type) && !named(a).some((c) => c.type === 'interpolation')));
      const recv = recvNode && constantArgs ? params.map((_, i) => i).filter((i) => mentions(taintRe[i], recvNode.text)) : [];
      const go = this.lang === 'go' ? this.goScopesOf()?.refOf(n) : undefined;
      via.push({ callee, args: mentioned, ...(recv.length ? { recv } : {}), ...(go ? { go } : {}) });
      const producer = NARROWING.test(callee) ? this.builtBy(n, producedBy) : undefined;
      if (producer && mentioned.some((x) => x.length)) via.push({ callee: producer, args: mentioned, narrows: true });
    }
    return { direct, via };
  }


  /**
   * The function whose result the call narrows: `query.filter(…)` on a local `query = session_query(model)`, or
   * `session_query(model).filter(…).scalar()` written as one chain. Undefined for anything else.
   */
  private builtBy(n: Node, producedBy: ReadonlyMap<string, string>): string | undefined {
    const fn = field(n, 'function') ?? field(n, 'method');
    let cur = fn ? (field(fn, 'object') ?? field(fn, 'receiver')) : undefined;
    for (let depth = 0; cur && depth < 12; depth++) {
      if (cur.type === 'identifier') return producedBy.get(cur.text);
      if (cur.type === 'call' || cur.type === 'call_expression') {
        const f = field(cur, 'function');
        if (f?.type === 'identifier') return f.text;
        cur = f ? (field(f, 'object') ?? undefined) : undefined;
      } else if (cur.type === 'attribute' || cur.type === 'member_expression') cur = field(cur, 'object') ?? undefined;
      else if (cur.type === 'await' || cur.type === 'await_expression' || cur.type === 'parenthesized_expression') cur = named(cur)[0];
      else return undefined;
    }
    return undefined;
  }

  /** For a call in a loop: which of its positional arguments (and its receiver) change per item. */
  private argsVary(n: Node, li: LoopInfo): { argsVary?: boolean[] } {
    const args = field(n, 'arguments');
    if (!args) return {};
    const vary = this.perItemNames(li, n, 'assigned');
    const fn = field(n, 'function') ?? field(n, 'method');
    const recv = fn ? (field(fn, 'object') ?? field(fn, 'operand') ?? field(n, 'receiver')) : field(n, 'receiver');
    const mentions = (t: string) => mentionsName(t, vary);
    // A per-item receiver (`user.profile()`): what the method reads of it changes per item.
    if (recv && mentions(recv.text)) return {};
    const list = named(args).filter((a) => !this.a.commentTypes.has(a.type));
    // Spreads (`f(...args)`, `f(*rows)`) do not map to parameters by position.
    if (list.some((a) => /splat|spread/.test(a.type))) return {};
    // Keyword arguments (`prepare(value, flip, latin1=True)`) do not either: when none of them changes per item, the
    // positional ones are still known (a query using a parameter past them is not judged the same every time).
    const keywords = list.filter((a) => /keyword_argument|pair/.test(a.type));
    if (keywords.some((a) => mentions(a.text))) return {};
    return { argsVary: list.filter((a) => !keywords.includes(a)).map((a) => mentions(a.text)) };
  }

  /**
   * The names that change from one item of the loop `li` to the next at `node` in its body. `assigned` (a call's
   * arguments, argsVary): the variables of `li` and of the loops around it inside the same function, and every name
   * their bodies (re)assign or destructure before `node`. `derived` (a statement's list, listPerItem): the variables of
   * `li` only, and the names its body sets from one of them before `node`.
   */
  private perItemNames(li: LoopInfo, node: Node, which: 'assigned' | 'derived'): Set<string> {
    const names = new Set<string>();
    if (which === 'derived') {
      for (const v of [...(li.variable?.split(/[^\w$@]+/).filter(Boolean) ?? []), ...(li.key ? [li.key] : [])]) names.add(v);
      if (!names.size) return names;
      const before = this.text.slice(li.body.startIndex, node.startIndex);
      for (const m of before.matchAll(/(?:^|[\s;{(])(?:const|let|var)?\s*([A-Za-z_$][\w$]*)\s*(?::\s*[\w$.<>[\]| ]+?)?\s*(?::=|=(?![=>]))([^\n;]*)/g)) {
        if (mentionsName(m[2], names)) names.add(m[1]);
      }
      return names;
    }
    let fnNode: Node | undefined;
    for (let p = node.parent; p && !fnNode; p = p.parent) if (this.isFunction(p) && !contains(li.node, p)) fnNode = p;
    for (let l: LoopInfo | undefined = li; l; l = l.node.parent ? this.enclosingLoop(l.node) : undefined) {
      for (const v of [...(l.variable?.split(/[^\w$@]+/).filter(Boolean) ?? []), ...(l.key ? [l.key] : [])]) names.add(v);
      // Names (re)assigned in the loop's body before the call change per item too.
      const before = this.text.slice(l.body.startIndex, node.startIndex);
      // A type annotation stays on its line: `case row.New:⏎ newEntity := …` (Go) is a case label, then newEntity assigned.
      for (const m of before.matchAll(/([A-Za-z_$][\w$]*)(?:\.[\w$]+|\[[^\]\n]*\])*[ \t]*(?::[ \t]*[\w$.<>[\]| ]+?)?\s*(?::=|=(?![=>])|\+=)/g)) names.add(m[1]);
      // Destructured per item: `const { serverId, name } = server`, `a, b = row`.
      for (const m of before.matchAll(/(?:const|let|var)\s*[{[]([^}\]=]+)[}\]]\s*=/g)) for (const nm of m[1].split(/[\s,:]+/).map((x) => x.replace(/^\.\.\./, ''))) if (/^[A-Za-z_$][\w$]*$/.test(nm)) names.add(nm);
      if (fnNode && !contains(fnNode, l.node)) break;
    }
    return names;
  }

  /**
   * Python: what a call `x.name(…)` is made on. A name bound by an import names a module or an imported
   * object (`receiverModule`, the dotted path; the cross-file pass keeps it only when a project file is
   * that module); any other lowercase receiver (`pattern`, `self.repo`) is an object, whose methods
   * only can be the call. A bare call or a class (`User.find(…)`) says neither.
   */
  private pythonReceiver(n: Node): { receiverModule?: string; receiverFrom?: string; receiverObject?: boolean } | undefined {
    const fn = field(n, 'function');
    if (fn?.type !== 'attribute') return undefined;
    const obj = field(fn, 'object');
    if (!obj) return undefined;
    if (obj.type === 'identifier' || obj.type === 'attribute') {
      // `database.get(…)` on `from app import database`; `dns.resolver.query(…)` on `import dns.resolver`.
      const mod = obj.type === 'identifier' ? this.ctx.importedAs?.get(obj.text) : this.ctx.modules.find((m) => m === obj.text && !this.ctx.importedFrom?.has(m));
      const from = obj.type === 'identifier' ? this.ctx.importedFrom?.get(obj.text) : undefined;
      if (mod) return { receiverModule: mod, ...(from !== undefined ? { receiverFrom: from } : {}) };
      // `asyncio.create_task(…)` on `import asyncio`: the module imported whole is the receiver, kept only when a project file
      // is that module (held-out-al: Skyvern's `asyncio.create_task` per action was taken for its agent's create_task).
      if (obj.type === 'identifier' && this.ctx.modules.includes(obj.text) && !this.ctx.importedFrom?.has(obj.text)) return { receiverModule: obj.text };
      // `model.team.add_user_to_team(…)` on `from data import model`: a module of the imported package (`data.model.team`);
      // kept only when a project file is that module, like the others.
      const root = obj.type === 'attribute' && /^[a-z_]\w*(?:\.[a-z_]\w*)+$/.test(obj.text) ? this.ctx.importedAs?.get(obj.text.split('.')[0]) : undefined;
      if (root) return { receiverModule: `${root}.${obj.text.split('.').slice(1).join('.')}` };
    }
    if (obj.type === 'identifier') {
      if (this.ctx.importedFrom?.has(obj.text) || this.ctx.modules.includes(obj.text) || /^[A-Z]/.test(obj.text)) return undefined;
      return { receiverObject: true };
    }
    // `", ".join(parts)`, `"{}".format(x)`, `[a, b].index(x)`, `{…}.get(k)`: a method of the literal's type, never the app's.
    if (PY_LITERAL.test(obj.type)) return { receiverObject: true };
    // `self.repo.get_x(…)`, `obj.attr.get(…)`: attributes of an object.
    if (obj.type === 'attribute' && /^[a-z_]\w*(\.[a-z_]\w*)+$/.test(obj.text) && !this.ctx.modules.some((m) => obj.text === m || obj.text.startsWith(m + '.'))) return { receiverObject: true };
    return undefined;
  }

  /** What the function holding `loop` calls before it (see PendingLoopCall.before). */
  private calledBefore(loop: Node, holder: Node | undefined): { before?: string[] } {
    if (!holder) return {};
    const head = this.text.slice(holder.startIndex, loop.startIndex);
    if (CACHE_CLEAR.test(head)) return { before: ['*'] };
    const names = new Set<string>();
    for (const n of this.callsWithin(this.spanOf(holder)[0], this.spanOf(loop)[0])) {
      const name = this.calleeOf(n);
      if (name) names.add(name);
    }
    return names.size ? { before: [...names] } : {};
  }

  /** Python: `x.name(…)` on an object other than `self`/`cls` (a local, a parameter, `self.pipe`), not on an imported module or a class. */
  private onOtherPythonObject(n: Node): boolean {
    if (!this.pythonReceiver(n)?.receiverObject) return false;
    const fn = field(n, 'function');
    const obj = fn ? field(fn, 'object') : undefined;
    return !!obj && !/^(self|cls)$/.test(obj.text);
  }

  /**
   * Python: the module a call's object's class is imported from, when the object is made in the same function
   * (`reader = PDFReader()` … `reader.load_data(…)`) or right there (`SimpleDirectoryReader(…).load_data()`) from a class
   * imported absolutely (`from llama_index.readers.file import PDFReader`) — not from a database library (a
   * `Session(engine)` of SQLAlchemy stays a session). Whether the module is the project's is known across files (canCall).
   */
  private pythonInstanceModule(n: Node): string | undefined {
    const fn = field(n, 'function');
    const obj = fn?.type === 'attribute' ? field(fn, 'object') : undefined;
    if (!obj) return undefined;
    let cls: string | undefined;
    if (obj.type === 'call') cls = field(obj, 'function')?.type === 'identifier' ? field(obj, 'function')!.text : undefined;
    else if (obj.type === 'identifier') {
      const holder = this.enclosingFunctionOf(n);
      if (!holder) return undefined;
      const binds = [...holder.text.matchAll(new RegExp(`(?:^|[^\\w.])${escapeRe(obj.text)}\\s*=\\s*(?:await\\s+)?([A-Z]\\w*)\\s*\\(`, 'g'))].map((m) => m[1]);
      // Bound once, from one class (a name rebound from another value may be anything).
      if (new Set(binds).size !== 1 || new RegExp(`(?:^|[^\\w.])${escapeRe(obj.text)}\\s*=(?!=)`, 'g').exec(holder.text.replace(new RegExp(`(?:^|[^\\w.])${escapeRe(obj.text)}\\s*=\\s*(?:await\\s+)?${binds[0]}\\s*\\(`, 'g'), '')) !== null) return undefined;
      cls = binds[0];
    }
    if (!cls || !/^[A-Z]/.test(cls)) return undefined;
    const imp = new RegExp(`^[ \\t]*from\\s+([\\w.]+)\\s+import\\s+(?:\\([^)]*|[^\\n]*)\\b${escapeRe(cls)}\\b`, 'm').exec(this.text);
    if (!imp || imp[1].startsWith('.') || PY_DATABASE_PACKAGE.test(imp[1].split('.')[0])) return undefined;
    return imp[1];
  }

  /**
   * Python: a bare call (`get(pending_id)`) to a function the module itself defines at its top level: that function,
   * though its name is common (a service module's own `get`, reaching the database through the app's helpers).
   */
  private ownPythonFunction(n: Node, callee: string): boolean {
    if (this.lang !== 'python' || field(n, 'function')?.type !== 'identifier' || this.ctx.importedFrom?.has(callee)) return false;
    const def = this.functions.get(callee);
    return !!def && !this.inPythonClass(def);
  }

  /** The class a definition sits in (a nested function's is none): `Teams` of `class Teams(db.Model): def get_solves(self)`. */
  /**
   * TS/JS and Java: the interfaces each class of the file implements and the class it extends, by their last name
   * (`ModulesSdkTypes.IMedusaInternalService<T>` → `IMedusaInternalService`): a call on an object the code types by
   * one of them can be that class's method (crossFile.ts typedDefinitions).
   */
  /**
   * Python: every class of the file with the bases it names, by their last name (`class ProviderModel(SqlalchemyBase)`,
   * `class Foo(orm.Base, Generic[T])` → Base, Generic); keyword arguments (`metaclass=…`) left out. A class may define no
   * function (a model declaring only columns), so every class counts, not only those holding a definition.
   */
  private pythonBaseFacts(): { pythonBases?: Record<string, string[]> } {
    if (this.lang !== 'python' || !this.root) return {};
    const out: Record<string, string[]> = {};
    for (const cls of this.root.descendantsOfType('class_definition')) {
      const name = cls && field(cls, 'name')?.text;
      const bases = cls ? named(field(cls, 'superclasses')).map((b) => (b.type === 'subscript' ? field(b, 'value') : b)).filter((b): b is Node => !!b && /^(identifier|attribute)$/.test(b.type)).map((b) => b.text.split('.').pop()!) : [];
      if (name && bases.length) out[name] = bases;
    }
    return Object.keys(out).length ? { pythonBases: out } : {};
  }

  /**
   * Java: the classes of the file that are data classes — a class (not an interface) declaring fields, with at least one
   * getter that only returns one of them (`public UUID getState() { return state; }`), and no database call in its body:
   * a row object, a model, a DTO, whatever its name (Kill Bill's `BlockingStateModelDao`). Its getters read memory.
   */
  private javaDataClasses(defs: Node[]): { dataClasses?: string[] } {
    if (this.lang !== 'java') return {};
    const out: string[] = [];
    const seen = new Set<number>();
    for (const def of defs) {
      const cls = def.parent?.parent;
      if (cls?.type !== 'class_declaration' || def.parent?.type !== 'class_body' || seen.has(cls.startIndex)) continue;
      seen.add(cls.startIndex);
      const name = field(cls, 'name')?.text;
      const body = def.parent;
      const fields = new Set(named(body).filter((c) => c.type === 'field_declaration').flatMap((f) => named(f).filter((d) => d.type === 'variable_declarator').map((d) => field(d, 'name')?.text ?? '')));
      if (!name || !fields.size) continue;
      const getter = named(body).some((m) => {
        if (m.type !== 'method_declaration' || !/^(get|is)[A-Z]/.test(field(m, 'name')?.text ?? '') || named(field(m, 'parameters')).length) return false;
        const ret = /^\{\s*return\s+(?:this\.)?(\w+)\s*;\s*\}$/.exec(field(m, 'body')?.text ?? '');
        return !!ret && fields.has(ret[1]);
      });
      if (getter && !this.hits.some((h) => h.call.getterOf === undefined && this.within(cls, h.node))) out.push(name);
    }
    return out.length ? { dataClasses: out } : {};
  }

  private supertypeFacts(defs: Node[]): { supertypes?: Record<string, string[]> } {
    if (!/^(typescript|tsx|javascript|java)$/.test(this.lang)) return {};
    const out: Record<string, string[]> = {};
    const seen = new Set<number>();
    for (const def of defs) {
      let cls: Node | null = def.parent;
      while (cls && !CLASS_TYPES.test(cls.type) && !(cls !== def && this.isFunction(cls))) cls = cls.parent;
      if (!cls || !CLASS_TYPES.test(cls.type) || seen.has(cls.startIndex)) continue;
      seen.add(cls.startIndex);
      const name = field(cls, 'name')?.text;
      const body = field(cls, 'body');
      if (!name || !body) continue;
      const names = supertypesOf(this.text.slice(cls.startIndex, body.startIndex));
      if (names.length) out[name] = names;
    }
    return Object.keys(out).length ? { supertypes: out } : {};
  }

  private classOf(def: Node): string | undefined {
    for (let p = def.parent; p; p = p.parent) {
      if (CLASS_TYPES.test(p.type)) return field(p, 'name')?.text;
      if (p !== def && this.isFunction(p)) return undefined;
    }
    return undefined;
  }

  /**
   * The class a method call's receiver is bound to, from the code around the call (see PendingLoopCall.receiverOf):
   * `self.x()`/`this.x()` → the enclosing class; `team.x()` → the class that names the loop's rows
   * (`for team in Teams.query.all()`, or a local `teams = Teams.query…` iterated), a local `team = Teams.query…first()` /
   * `Teams(…)` / `new Teams(…)`, or a parameter annotated `team: Teams`. Undefined when the code does not say.
   */
  private receiverBinding(n: Node, li: LoopInfo): { receiverOf?: string } {
    const fn = field(n, 'function') ?? field(n, 'method');
    const recv = fn ? (field(fn, 'object') ?? field(fn, 'operand') ?? field(n, 'receiver')) : field(n, 'receiver');
    if (!recv) return {};
    if (/^(self|this)$/.test(recv.text)) {
      const cls = this.classOf(n);
      return cls ? { receiverOf: cls } : {};
    }
    if (!/^[A-Za-z_$][\w$]*$/.test(recv.text)) return {};
    const name = recv.text;
    let fnNode: Node | undefined;
    for (let p = n.parent; p && !fnNode; p = p.parent) if (this.isFunction(p)) fnNode = p;
    const scope = fnNode?.text ?? this.text;
    // The class that starts an expression (`Teams.query…`, `Team.objects…`, `Team.where(…)`, `Teams(…)`, `new Team(…)`).
    const classStarting = (t: string | undefined) => t === undefined ? undefined : /^\s*(?:await\s+)?(?:new\s+)?([A-Z][\w$]*)\s*(?:\.|::|\()/.exec(t)?.[1];
    // Python: a page's rows handed on through names (`users_pagination = (User.query…paginate(…))`, then
    // `users = users_pagination.items`, iterated): the class that starts the chain, followed a few names back; the
    // value may open a parenthesis and go on over the next lines.
    const assigned = (v: string, depth = 0): string | undefined => {
      const m = new RegExp(`(?:^|[\\s;(])(?:const|let|var)?\\s*${escapeRe(v)}\\s*(?::\\s*([A-Z][\\w$]*)[^=\\n]*)?=(?![=>])([^\\n;]+)`).exec(scope);
      if (!m) return undefined;
      if (m[1]) return m[1];
      const direct = classStarting(m[2]);
      if (direct || this.lang !== 'python' || depth >= 3) return direct;
      if (/^\s*\(\s*$/.test(m[2])) return classStarting(scope.slice(m.index + m[0].length, m.index + m[0].length + 200).replace(/^\s+/, ''));
      const from = /^\s*([a-z_]\w*)(?:\.items|\.all\(\s*\))?\s*$/.exec(m[2])?.[1];
      return from && from !== v ? assigned(from, depth + 1) : undefined;
    };
    let cls: string | undefined;
    if (li.variable === name) {
      const it = li.iterable?.text;
      cls = classStarting(it) ?? (it && /^[A-Za-z_]\w*$/.test(it) ? assigned(it) : undefined);
    } else {
      cls = assigned(name);
    }
    // A parameter annotated with a class (`team: Teams`, `Teams team`).
    cls ??= new RegExp(`(?:[(,]\\s*${escapeRe(name)}\\s*:\\s*([A-Z][\\w$]*)\\b|[(,]\\s*([A-Z][\\w$]*)\\s+${escapeRe(name)}\\s*[,)])`).exec(scope)?.slice(1).find(Boolean);
    return cls ? { receiverOf: cls } : {};
  }

  /**
   * Python: the model whose rows a method call's receiver is, when the receiver is the item of the loop around the call
   * and the loop walks a model query — inline or through a few names (`users = users_pagination.items`,
   * `users_pagination = (User.query.filter(…).paginate(…))`, the value opening a parenthesis over several lines).
   */
  private pyRowsClass(n: Node): string | undefined {
    const recv = field(field(n, 'function') ?? n, 'object');
    const li = recv?.type === 'identifier' ? this.enclosingLoop(n) : undefined;
    if (!li || li.variable !== recv!.text || !li.iterable) return undefined;
    let fnNode: Node | undefined;
    for (let p = n.parent; p && !fnNode; p = p.parent) if (this.isFunction(p)) fnNode = p;
    const scope = fnNode?.text ?? this.text;
    let text = li.iterable.text;
    for (let i = 0; i < 4; i++) {
      const q = /^\s*\(?\s*([A-Z]\w*)\.(?:query|objects)\b/.exec(text) ?? /^\s*\(?\s*(?:[\w.]*[Ss]ession|db)\.(?:query|scalars|execute)\s*\(\s*(?:(?:sa|db|sqlalchemy)\.)?(?:select\s*\(\s*)?([A-Z]\w*)\b/.exec(text);
      if (q) return q[1];
      // A name, its page's items, or a query built on it (`workouts_query.order_by(…).limit(…).all()`).
      const name = /^\s*([a-z_]\w*)(?:\.items|\.all\(\s*\))?\s*$/.exec(text)?.[1] ?? /^\s*\(?\s*([a-z_]\w*)\s*\.\s*(?:filter|filter_by|order_by|limit|offset|paginate|join|outerjoin|options|distinct|group_by|where)\s*\(/.exec(text)?.[1];
      if (!name) return undefined;
      const m = new RegExp(`(?:^|\\n)\\s*${escapeRe(name)}\\s*=(?!=)`).exec(scope);
      if (!m) return undefined;
      text = scope.slice(m.index + m[0].length, m.index + m[0].length + 300).replace(/\n[\s\S]*$/, (rest) => (/^\s*\(\s*$/.test(scope.slice(m.index + m[0].length).split('\n')[0]) ? rest : ''));
    }
    return undefined;
  }

  private inPythonClass(def: Node): boolean {
    for (let p = def.parent; p; p = p.parent) {
      if (p.type === 'class_definition') return true;
      if (p.type === 'function_definition') return false;
    }
    return false;
  }

  /**
   * TS/JS: `this.teamService.members(…)` or `teamService.members(…)` → the declared type of that
   * property or variable (`TeamService`, from `private readonly teamService: TeamService`), when the
   * file declares one: a NestJS service injected by its constructor names the class to look in.
   */
  private tsReceiverType(n: Node): string | undefined {
    const fn = field(n, 'function');
    const o = fn?.type === 'member_expression' ? field(fn, 'object') : undefined;
    const name = o?.type === 'identifier' ? o.text : o?.type === 'member_expression' && field(o, 'object')?.type === 'this' ? field(o, 'property')?.text : undefined;
    const t = name ? this.ctx.types.get(name) : undefined;
    return t && /^[A-Z]\w*(Service|Repository|Repo|Dao|Store|Manager|Provider)$/.test(t) ? t : undefined;
  }

  /** Python: `self.segment_service.get(…)` or `segment_service.get(…)` → the annotated type (`SegmentService`), when the file annotates it. */
  /** Python: the model class of a loop over its query (`for user in users`, `users = User.query…`) when the call is on the loop's item. */
  private loopItemModel(n: Node): string | undefined {
    const fn = field(n, 'function');
    const o = fn?.type === 'attribute' ? field(fn, 'object') : undefined;
    const li = o?.type === 'identifier' ? this.enclosingLoop(n) : undefined;
    if (!li?.variable || li.variable !== o!.text || !li.iterable) return undefined;
    const model = this.modelOfIterable(li.iterable);
    // A query of the model (`User.query`, `select(User)`, `session.query(User)`), not any capitalised name.
    const text = li.iterable.type === 'identifier' ? this.binding(li.iterable.text, li.node.startIndex)?.value.text ?? '' : li.iterable.text;
    return model && new RegExp(`^${model}\\.(query|objects)\\b`).test(text) ? model : undefined;
  }

  private pyReceiverType(n: Node): string | undefined {
    const fn = field(n, 'function');
    const o = fn?.type === 'attribute' ? field(fn, 'object') : undefined;
    const name = o?.type === 'identifier' ? o.text : o?.type === 'attribute' && field(o, 'object')?.text === 'self' ? field(o, 'attribute')?.text : undefined;
    return name ? this.ctx.types.get(name) : undefined;
  }

  /**
   * Java and Python: the declared type of the object a method is called on, when it is the app's storage layer
   * (`CategoryService categoryService`, `accessor: RepositoryGeneric`): the call is that class's method.
   */
  private storageReceiverType(n: Node): string | undefined {
    if (this.lang === 'java') {
      const t = this.javaReceiverType(n);
      return t && STORAGE_TYPE.test(t) ? t : undefined;
    }
    // Python's declared types are read for storage-like classes only (context.ts).
    if (this.lang === 'python') return this.onOtherPythonObject(n) ? this.pyReceiverType(n) : undefined;
    return this.lang === 'typescript' || this.lang === 'tsx' || this.lang === 'javascript' ? this.tsAppReceiverType(n) : undefined;
  }

  /**
   * TS/JS: `this.storageDriver.delete(…)` or `driver.delete(…)` on a name the class or function declares with one of the
   * app's types (`private storageDriver: StorageDriver`, a constructor parameter property): that type — its class, or
   * the classes that implement it — decides what the call is (crossFile.ts typedDefinitions), not every method of the
   * name the app defines (held-out-z docmost: `StorageService.delete` calling the storage driver's `delete` was taken
   * for a query because `GroupRepo.delete` queries). A library's type is the library's (onLibraryObject).
   */
  private tsAppReceiverType(n: Node): string | undefined {
    const fn = field(n, 'function');
    const obj = fn?.type === 'member_expression' ? field(fn, 'object') : undefined;
    const recv = obj?.type === 'identifier' ? obj.text : obj?.type === 'member_expression' && field(obj, 'object')?.type === 'this' ? field(obj, 'property')?.text : undefined;
    const t = recv ? this.ctx.types.get(recv) : undefined;
    if (!t || !/^[A-Z]/.test(t) || BUILT_IN_CLASSES.test(t) || TS_UTILITY_TYPES.test(t)) return undefined;
    const spec = this.ctx.packageImports?.get(t);
    if (spec === undefined || /^[./]/.test(spec)) return t;
    const top = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    return NODE_BUILT_INS.test(spec.replace(/^node:/, '')) || !(DATA_LAYER_PACKAGE.test(spec) || APP_FOLDER.test(top)) ? undefined : t;
  }

  /** Java: the receiver's declared type, or its name when this file does not declare it (inherited: resolved across files). */
  /** Java: the definition's parameter count (each overload is a definition of its own). */
  private javaShape(def: Node): { arity?: number; controller?: boolean; private?: boolean; bodyless?: boolean } {
    const arity = this.lang === 'java' ? javaArity(def) : undefined;
    // A method declared without a body (an interface's, an abstract one): its implementations decide what it does.
    const bodyless = this.lang === 'java' && def.type === 'method_declaration' && !field(def, 'body');
    // A private method: only its own class calls it (held-out-aa hawkBit: the UI's REST client `deleteTarget(id)` was
    // taken for the AMQP handler's private `deleteTarget(message)`).
    const priv = this.lang === 'java' && def.type === 'method_declaration' && /\bprivate\b/.test(named(def).find((c) => c.type === 'modifiers')?.text ?? '');
    return { ...(arity === undefined ? {} : { arity }), ...(this.lang === 'java' && this.inWebController(def) ? { controller: true } : {}), ...(priv ? { private: true } : {}), ...(bodyless ? { bodyless: true } : {}) };
  }

  /**
   * Java: a method of a class annotated `@RestController`/`@Controller` — a request handler the web framework calls; the
   * app's own code does not call it in-process (a call of the same name elsewhere is another class's, or an HTTP client's:
   * held-out-aa hawkBit's UI calls `MgmtTargetRestApi.deleteTarget` through Feign; the server's `MgmtTargetResource`
   * implements the same interface).
   */
  private inWebController(def: Node): boolean {
    for (let p = def.parent; p; p = p.parent) {
      if (p.type !== 'class_declaration') continue;
      const mods = named(p).find((c) => c.type === 'modifiers');
      return !!mods && /@(?:Rest)?Controller\b/.test(mods.text);
    }
    return false;
  }

  private javaReceiver(n: Node): { receiverType?: string; receiverName?: string } {
    const t = this.javaReceiverType(n);
    if (t) return { receiverType: t };
    const o = field(n, 'object');
    const name = o?.type === 'identifier' ? o.text : o?.type === 'field_access' && field(o, 'object')?.type === 'this' ? field(o, 'field')?.text : undefined;
    return name && /^[a-z]/.test(name) ? { receiverName: name } : {};
  }

  /** Java: `deptService.getSuperior(…)` or `this.deptService…` → the field's or variable's declared type (`DeptService`), when the file declares it. */
  private javaReceiverType(n: Node): string | undefined {
    const o = field(n, 'object');
    const name = o?.type === 'identifier' ? o.text : o?.type === 'field_access' && field(o, 'object')?.type === 'this' ? field(o, 'field')?.text : undefined;
    const t = name ? this.ctx.types.get(name) : undefined;
    return t && /^[A-Z]/.test(t) && t !== 'String' ? t : undefined;
  }

    private notTheAppsFunction(n: Node, callee: string): boolean {
    const fn = field(n, 'function');
    if (!fn) return false;
    if (this.lang === 'go') {
      const pkg = fn.type === 'selector_expression' ? field(fn, 'operand') : undefined;
      if (!pkg || pkg.type !== 'identifier') return false;
      const stdlib = (name: string) => this.ctx.modules.some((m) => !m.split('/')[0].includes('.') && m.split('/').pop() === name);
      if (stdlib(pkg.text)) return true;
      // A standard-library value's method is exported (`Flush`); the name's binding is looked up in the
      // function holding the call (a parameter `db *sql.DB` elsewhere in the file is another `db`).
      let fnNode: Node | null = n.parent;
      while (fnNode && !/^(function_declaration|method_declaration)$/.test(fnNode.type)) fnNode = fnNode.parent;
      return /^[A-Z]/.test(callee) && !!fnNode && goTypedByPackage(fnNode.text, pkg.text, stdlib);
    }
    if (!/^(typescript|tsx|javascript)$/.test(this.lang) || fn.type !== 'identifier') return false;
    // Depends on the name and the file's text only: searched once per name (per call, a 1.8 MB bundle took minutes).
    let known = this.localValues.get(callee);
    if (known === undefined) this.localValues.set(callee, (known = this.boundLocally(callee)));
    return known;
  }

  private readonly localValues = new Map<string, boolean>();

  /** JS/TS: `name` is a value the file binds itself (`const name = …`, destructured), not imported. */
  private boundLocally(callee: string): boolean {
    const name = escapeRe(callee);
    if (new RegExp(`\\bimport\\b[^;]*?\\b${name}\\b[^;]*?\\bfrom\\b`).test(this.text)) return false;
    // CommonJS: `const { appendFavorites } = require("../helper/helpers")` imports it as `import { … } from` does.
    if (new RegExp(`\\b(?:const|let|var)\\s+\\{[^}]*?\\b${name}\\b[^}]*\\}\\s*=\\s*require\\(\\s*['"\`]`).test(this.text)) return false;
    return new RegExp(`\\b(?:const|let|var)\\s+(?:${name}\\s*[=:]|\\{[^}]*?[,:\\s]${name}\\s*(?:[,=][^}]*)?\\}\\s*=|\\[[^\\]]*?\\b${name}\\b[^\\]]*\\]\\s*=)`).test(this.text);
  }

  /**
   * Code that runs once when the application starts: a lifecycle hook (NestJS `onModuleInit`,
   * Spring `@PostConstruct` or a `CommandLineRunner`'s `run`, Django `AppConfig.ready`, Go `func init`), or a function of this file
   * that only such hooks call. Its loops run once per boot, not per request.
   */
  private runsAtStartup(node: Node): boolean {
    if (!this.startupDefs) {
      const hooks: Node[] = [];
      for (const [name, def] of this.functions) {
        const bare = name.replace(/^\./, '');
        if (/^(onModuleInit|onApplicationBootstrap|onModuleDestroy|beforeApplicationShutdown|afterPropertiesSet)$/.test(bare) ||
          (this.lang === 'java' && /@PostConstruct\b|@EventListener\(\s*(?:classes\s*=\s*)?ApplicationReadyEvent/.test(def.text.slice(0, 300))) ||
          // Spring Boot runs a CommandLineRunner's / ApplicationRunner's run(…) once, after the context starts.
          (this.lang === 'java' && bare === 'run' && /\bimplements\s+[^{]*\b(?:CommandLineRunner|ApplicationRunner)\b/.test(this.text)) ||
          (this.lang === 'python' && bare === 'ready' && /\(\s*AppConfig\s*\)/.test(this.text)) ||
          (this.lang === 'go' && bare === 'init' && def.type === 'function_declaration')) hooks.push(def);
      }
      const defs = [...hooks];
      // Without a startup hook no function is called only from one: skip the callers' index.
      if (hooks.length) {
        const callsTo = new Map<string, Node[]>();
        for (const c of this.calls) {
          const callee = this.a.localCallee(c)?.replace(/^\./, '');
          if (callee === undefined) continue;
          const list = callsTo.get(callee);
          if (list) list.push(c);
          else callsTo.set(callee, [c]);
        }
        for (const [name, def] of this.functions) {
          if (defs.includes(def)) continue;
          const callers = (callsTo.get(name.replace(/^\./, '')) ?? []).filter((c) => !contains(def, c));
          if (callers.length && callers.every((c) => hooks.some((h) => contains(h, c)))) defs.push(def);
        }
      }
      this.startupDefs = defs;
    }
    return this.startupDefs.some((d) => contains(d, node));
  }

  /** Whether the file may define GraphQL resolvers: read once per file (asked for every call in a loop). */
  private mayHaveResolvers(): boolean {
    this.graphqlHint ??= GRAPHQL_HINT.test(this.text);
    return this.graphqlHint;
  }

  /** Every per-parent resolver of the file (read once: asked for deferred ranges, loops and resolver checks). */
  private allResolvers(root: Node): Resolver[] {
    this.resolvers ??= perParentResolvers(root, this.lang, this.text);
    return this.resolvers;
  }

  /** Whether the per-parent resolver holding the call resolves a scalar field (Resolver.scalar). */
  private scalarResolverAround(n: Node): boolean {
    return !!this.resolverList?.find((x) => contains(x.def, n))?.scalar;
  }

  /** The per-parent field resolver (not batched by a DataLoader) whose body holds the call, as a loop. */
  private resolverAround(n: Node): LoopInfo | undefined {
    if (!this.root || !this.mayHaveResolvers()) return undefined;
    this.resolverList ??= this.allResolvers(this.root).filter((r) => !r.serializer && !BATCHED_RESOLVER.test(r.def.text));
    const r = this.resolverList.find((x) => contains(x.def, n));
    return r ? { node: r.def, kind: 'resolver', label: `${r.type}.${r.field} (GraphQL field resolver, once per parent ${r.type})`, variable: r.variable, body: r.def, shape: 'collection' } : undefined;
  }

  /**
   * The call builds a mail or job that is handed to a queue (`Mailer.notify(x).deliver_later`,
   * `Job.perform_later`, `task.apply_async`): its queries run elsewhere, once per message by design.
   */
  private isDispatch(n: Node): boolean {
    return /^\s*\.(deliver_later|deliver_now|perform_later|perform_async|perform_in|perform_at|apply_async|delay|enqueue)\b/.test(this.text.slice(n.endIndex, n.endIndex + 40)) ||
      /\b(perform_later|perform_async|apply_async|deliver_later)\b/.test(this.calleeName(n) ?? '');
  }

  /**
   * Error paths: a query in a rescue/except/catch clause, or one that only builds an error message
   * (`errors.add(:base, "… #{Item.find(id).name}")`, `raise …`, a log line) runs on failure, not per item.
   * Only what lies between the call and its loop counts (`stop`): a loop inside an `except` clause
   * (the fallback that parses the input another way) still runs its body once per item.
   */
  private onErrorPath(node: Node, stop?: Node): boolean {
    for (let p = node.parent; p && !this.isFunction(p) && !(stop && same(p, stop)); p = p.parent) {
      if (/^(rescue|except_clause|catch_clause|throw_statement|raise_statement)$/.test(p.type)) return true;
      if (this.a.callTypes.has(p.type)) {
        const fn = field(p, 'function') ?? field(p, 'method');
        const recv = field(p, 'receiver') ?? (fn ? field(fn, 'object') ?? field(fn, 'operand') : undefined);
        const name = this.calleeName(p) ?? '';
        if (/^(raise|fail)$/.test(name) && !recv) return true;
        if (name === 'add' && /errors$/.test(recv?.text ?? '')) return true;
        if (/^(debug|info|warn|warning|error|exception|log)$/.test(name) && /(^|\.)(logger|log|logging|console|Rails\.logger)$/.test(recv?.text ?? '')) return true;
      }
    }
    return false;
  }

  /**
   * A read-through cache in the function: `Dept d = redis.get(key); if (d == null) { d = repo.findById(id); redis.set(key, d) }`
   * (`if not rows:`, `if (CollUtil.isEmpty(list))`, `if x is None`). The query runs on a miss only: calling
   * the function once per item reads the cache per item, the database once per key and expiry.
   */
  private behindCacheMiss(node: Node, def: Node): boolean {
    this.cacheMisses ??= this.cacheMissBlocks();
    return this.cacheMisses.some((b) => b.startIndex <= node.startIndex && node.endIndex <= b.endIndex && def.startIndex <= b.startIndex && b.endIndex <= def.endIndex);
  }

  /** The file's `if` blocks that run on a cache miss (read once per file; none without a cache in the text). */
  private cacheMissBlocks(): { startIndex: number; endIndex: number }[] {
    if (!this.root || !/cache|redis|memcache/i.test(this.text)) return [];
    const out: { startIndex: number; endIndex: number }[] = [];
    for (const p of this.root.descendantsOfType(['if_statement', 'if'])) {
      if (!p) continue;
      const cond = (field(p, 'condition')?.text ?? '').replace(/^\(\s*|\s*\)$/g, '');
      // A cache hit that returns (`if s, ok := cacheSites(ctx).Get(id); ok { …; return nil }`, `if (cache.has(k)) return
      // cache.get(k);`, `if key in self._cache: return …`): the rest of the function runs on a miss only.
      const hit = this.cacheHitReturn(p, cond);
      if (hit) out.push(hit);
      const m = /^(?:!\s*)?(?:[\w$]+\.)*(?:isEmpty|isNull|isBlank|is_empty|empty)\s*\(\s*([\w$]+)\s*\)$|^([\w$]+)\s*(?:===?|is)\s*(?:null|None|nil|undefined)$|^(?:!|not\s+)\s*([\w$]+)$|^([\w$]+)\.(?:nil\?|isEmpty\(\)|blank\?)$/.exec(cond);
      const v = m?.[1] ?? m?.[2] ?? m?.[3] ?? m?.[4];
      const b = v ? this.binding(v, p.startIndex) : undefined;
      if (b && /(^|\.)\w*(cache|redis|memcache)\w*\.(get|getList|getObject|fetch|read|hget)\w*\s*\(/i.test(b.value.text)) out.push(p);
      // A cache kept in a field and filled on first use (`if (cachedMusicFolders == null) { cachedMusicFolders =
      // musicFolderDao.getAllMusicFolders(); }`, `if self._cache is None: self._cache = …`): the block runs while the
      // field is empty — once, not per call.
      const lazy = /^(?:this\.|self\.|@)?([\w$]*[Cc]ache[\w$]*)\s*(?:===?|is)\s*(?:null|None|nil|undefined)$|^(?:!|not\s+)\s*(?:this\.|self\.)?([\w$]*[Cc]ache[\w$]*)$/.exec(cond);
      const cacheField = lazy?.[1] ?? lazy?.[2];
      const fill = field(p, 'consequence');
      if (cacheField && fill && !this.binding(cacheField, p.startIndex) && new RegExp(`(?:^|[^\\w$.])(?:this\\.|self\\.|@)?${escapeRe(cacheField)}\\s*=[^=]`).test(fill.text)) out.push(fill);
    }
    // A loader handed to a cache (`cache.MakeCacheable(c, key, func() {…})`, `Rails.cache.fetch(key) { … }`,
    // `cache.get_or_set(key, lambda: …)`, `cache.wrap(key, () => …)`): it runs on a miss only.
    for (const c of this.calls) {
      if (!cacheLoaderCall(this.calleeName(c), c.text)) continue;
      for (const a of [...named(field(c, 'arguments')), ...named(c).filter((x) => /^(block|do_block)$/.test(x.type))]) if (this.isFunction(a) || /^(block|do_block|lambda)$/.test(a.type)) out.push(a);
    }
    return out;
  }

  /**
   * `if v, ok := cacheX(ctx).Get(k); ok { … return … }` (or `v, ok := cache.Get(k)` just before `if ok {`), `if
   * (cache.has(k)) { return … }`, `if k in cache: return …`: the span after the `if` to the end of its function, which
   * runs on a cache miss only; undefined for any other `if`.
   */
  private cacheHitReturn(p: Node, cond: string): { startIndex: number; endIndex: number } | undefined {
    // `Get`, and typed reads of a cache client (`GetString`, `GetInt`, `getIfPresent`).
    const CACHE_READ = /(?:^|[^\w])\w*(?:cache|Cache)\w*(?:\([^()]*\))?\.(?:Get[A-Z]?\w*|get(?:IfPresent)?|Load|Peek|has|Has|contains|containsKey|exists)\s*\(/;
    // The `if`'s initializer and the statement just before it (Go: where the `ok` of a cache read is set).
    const before = [field(p, 'initializer'), p.previousNamedSibling].filter((x): x is Node => !!x);
    let hit = CACHE_READ.test(cond) || /^\w+\s+in\s+(?:self\.)?\w*cache\w*$/i.test(cond);
    // The test of what the read set: `ok`, or one part of `err == nil && exist && len(cached) > 0` (`cached != nil`,
    // `cached != ""`) — each part must hold on the path that runs the block.
    if (!hit) {
      const parts = /\|\||\bor\b/.test(cond) ? [] : cond.split(/&&|\band\b/).map((x) => x.trim().replace(/^\(\s*|\s*\)$/g, ''));
      const names = parts.map((x) => /^(\w+)$|^len\(\s*(\w+)\s*\)\s*(?:>\s*0|!=\s*0)$|^(\w+)\s*!==?\s*(?:nil|null|None|undefined|""|'')$/.exec(x)).flatMap((m) => (m ? [m[1] ?? m[2] ?? m[3]] : []));
      hit = names.some((n) => before.some((b) => new RegExp(`\\b${escapeRe(n)}\\b[\\w\\s,]*:?=(?!=)`).test(b.text) && CACHE_READ.test(b.text)));
    }
    if (!hit) return undefined;
    // A dict the function itself fills as it goes (`cache = {}` in the job, `if key in cache: return cache[key]`) keeps
    // keys of this run only: a read per distinct item is still one per item. A cache that outlives the call is named by
    // a call (`cacheSites(ctx)`), a field (`self._cache`, `this.cache`) or a module-level name.
    const texts = [cond, ...before.map((x) => x.text)];
    // Only the cache itself counts — a name read from (`cache.get(k)`, `cache[k]`) or tested with `in` — not the value
    // the read hands back (`cachedProv, ok := p.providerCache.Get(k)`: held-out-al minder's provider cache).
    const local = texts.some((t) => [...t.matchAll(/(^|[^\w.])(\w*(?:cache|Cache)\w*)(?=\s*[.[])(?!\s*\()/g), ...t.matchAll(/\bin\s+(?:self\.)?()(\w*(?:cache|Cache)\w*)/g)].some((m) => {
      const b = this.binding(m[2], p.startIndex);
      return !!b && !!this.enclosingFunctionOf(b.value);
    }));
    if (local) return undefined;
    const cons = field(p, 'consequence') ?? named(p).find((c) => /block|body/.test(c.type));
    let stmts = !cons ? [] : /^return(_statement)?$/.test(cons.type) ? [cons] : named(cons).filter((c) => c.type !== 'comment');
    if (stmts.length === 1 && stmts[0].type === 'statement_list') stmts = named(stmts[0]).filter((c) => c.type !== 'comment');
    // The hit returns: the block's last statement, or that of an `if` ending it (`if c.ID > 0 { return c, nil }`: a
    // hit that decodes to a valid value returns).
    const returns = (list: Node[]): boolean => {
      const last = list[list.length - 1];
      if (!last) return false;
      if (/^return(_statement)?$/.test(last.type)) return true;
      if (!/^if(_statement)?$/.test(last.type) || field(last, 'alternative')) return false;
      const inner = field(last, 'consequence') ?? named(last).find((c) => /block|body/.test(c.type));
      let more = !inner ? [] : /^return(_statement)?$/.test(inner.type) ? [inner] : named(inner).filter((c) => c.type !== 'comment');
      if (more.length === 1 && more[0].type === 'statement_list') more = named(more[0]).filter((c) => c.type !== 'comment');
      return more.length > 0 && /^return(_statement)?$/.test(more[more.length - 1].type);
    };
    if (!returns(stmts) || field(p, 'alternative')) return undefined;
    const fn = this.enclosingFunctionOf(p);
    return fn ? { startIndex: p.endIndex, endIndex: fn.endIndex } : undefined;
  }

  /** loadedOnce with the text of the function holding the loop, up to the loop. */
  private loadedOnceIn(node: Node, li: LoopInfo): boolean {
    const fn = this.enclosingFunctionOf(li.node);
    return loadedOnce(node, li.body, this.text.slice(fn ? fn.startIndex : 0, li.node.startIndex));
  }

  /** `loc = StorageLocation.new(row)` / `obj = Book(**row)` inside the loop, then `loc.save!`: one INSERT per item. */
  private builtPerItem(name: string, node: Node, li: LoopInfo): boolean {
    const b = this.binding(name, node.startIndex);
    if (!b || !contains(li.body, b.value)) return false;
    if (/^[A-Z][\w:]*\.new\b|^new\b|^[A-Z]\w*\(|^\w+(\.\w+)*\.(build|find_or_initialize_by|new)\b/.test(b.value.text)) return true;
    // Looked up from the item (`bt = self._bt(team)`, `row = by_id[team.id]`): one object per item, saved per item
    // (a queryset built from it, `qs = Model.objects.filter(pk=item.pk)`, is reported where it is built).
    if (this.hits.some((h) => contains(b.value, h.node))) return false;
    const vars = li.variable?.split(/[^\w$@]+/).filter(Boolean) ?? [];
    return vars.some((v) => new RegExp(`(^|[^\\w$.])${escapeRe(v)}([^\\w$]|$)`).test(b.value.text));
  }

  private spanOf(n: Node): readonly [number, number] {
    let s = this.spans.get(n);
    if (!s) this.spans.set(n, (s = [n.startIndex, n.endIndex]));
    return s;
  }

  /**
   * The innermost of `defs` holding a node (as trying each def with `within` and keeping the innermost, the last of
   * equal spans): the defs sorted by start (outer first), each with the def around it; a node's holder is the last def
   * starting at or before it, or the nearest def around that one holding it.
   */
  private holders(defs: readonly Node[]): (n: Node) => Node | undefined {
    const sorted = defs.map((node, i) => ({ node, i, span: this.spanOf(node) })).sort((a, b) => a.span[0] - b.span[0] || b.span[1] - a.span[1] || a.i - b.i);
    const parent: number[] = [];
    const open: number[] = [];
    for (let k = 0; k < sorted.length; k++) {
      const [s, e] = sorted[k].span;
      while (open.length && !(sorted[open[open.length - 1]].span[0] <= s && e <= sorted[open[open.length - 1]].span[1])) open.pop();
      parent.push(open.length ? open[open.length - 1] : -1);
      open.push(k);
    }
    return (n) => {
      const [s, e] = this.spanOf(n);
      let lo = 0;
      let hi = sorted.length - 1;
      let k = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid].span[0] <= s) {
          k = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      while (k >= 0 && !(sorted[k].span[0] <= s && e <= sorted[k].span[1])) k = parent[k];
      return k >= 0 ? sorted[k].node : undefined;
    };
  }

  /**
   * The calls lying within [start, end], in the order `calls` holds them (as filtering `calls` by span gives them): found
   * in the calls sorted by start, not by trying each (per function and per loop call, that was calls × functions).
   */
  private callsWithin(start: number, end: number): Node[] {
    if (this.callsByStart?.size !== this.calls.length) this.callsByStart = { size: this.calls.length, sorted: this.calls.map((node, i) => ({ node, i, span: this.spanOf(node) })).sort((a, b) => a.span[0] - b.span[0] || a.i - b.i) };
    const sorted = this.callsByStart.sorted;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid].span[0] < start) lo = mid + 1;
      else hi = mid;
    }
    const out: { node: Node; i: number }[] = [];
    for (let k = lo; k < sorted.length && sorted[k].span[0] <= end; k++) if (sorted[k].span[1] <= end) out.push(sorted[k]);
    return out.sort((a, b) => a.i - b.i).map((x) => x.node);
  }

  private callsByStart: { size: number; sorted: { node: Node; i: number; span: readonly [number, number] }[] } | undefined;

  /** `contains` over remembered spans, for nodes the detector holds (its calls, hits and functions). */
  private within(outer: Node, inner: Node): boolean {
    const [os, oe] = this.spanOf(outer);
    const [is, ie] = this.spanOf(inner);
    return is >= os && ie <= oe;
  }

  /** calleeName, remembered per node the detector holds. */
  private calleeOf(n: Node): string | undefined {
    if (this.callees.has(n)) return this.callees.get(n);
    let name = this.calleeName(n);
    // Python `enrich_alert_db(…)` after `from app.core.db import enrich_entity as enrich_alert_db`: the module's `enrich_entity`.
    const orig = this.lang === 'python' && name !== undefined && field(n, 'function')?.type === 'identifier' && !this.functions.has(name) ? this.ctx.importAliases?.get(name) : undefined;
    if (orig) name = orig;
    this.callees.set(n, name);
    return name;
  }

  /** JS/TS `this.#sessions.delete(id)`: a method of a private field's object (a Map, a Set), never another file's function. */
  private onPrivateField(n: Node): boolean {
    const fn = field(n, 'function');
    const obj = fn?.type === 'member_expression' ? field(fn, 'object') : undefined;
    return obj?.type === 'member_expression' && field(obj, 'property')?.type === 'private_property_identifier';
  }

  /** The name a call invokes: `x.y.load_user(…)` → load_user, `loadUser(…)` → loadUser. */
  private calleeName(n: Node): string | undefined {
    let fn = field(n, 'function') ?? field(n, 'method') ?? field(n, 'name');
    // TS `await this.blocks.findMany<T>(…)` parses as a call of `await this.blocks.findMany` with type arguments.
    if (fn?.type === 'await_expression' && field(n, 'type_arguments')) fn = named(fn)[0] ?? null;
    if (!fn) return undefined;
    if (/^(identifier|field_identifier|property_identifier)$/.test(fn.type)) return fn.text;
    const last = field(fn, 'property') ?? field(fn, 'attribute') ?? field(fn, 'field');
    return last?.text;
  }

  sqlCalls(): SqlCall[] {
    return this.hits.filter((h) => h.call.sql !== undefined && h.call.sql.trim()).map((h) => ({
      span: { start: h.node.startIndex, end: h.node.endIndex },
      sql: renumberTemplateParams(toDollarParams(h.call.sql!.replace(/\$\{[^}]*\}/g, '\u0000'))),
      library: h.call.library,
    }));
  }

  builderTableCalls(): BuilderTableCall[] {
    const out: BuilderTableCall[] = [];
    for (const { call } of this.hits) {
      if (call.library !== 'knex' || !call.model || call.sql !== undefined) continue;
      const verb = call.verb;
      const ops: BuilderTableCall['ops'] = [];
      if (call.op === 'read') ops.push('select');
      else if (verb === 'insert' || verb === 'upsert') ops.push('insert', ...(verb === 'upsert' || /\.merge\s*\(/.test(call.conflict ?? '') ? (['update'] as const) : []));
      else if (verb === 'update' || verb === 'increment' || verb === 'decrement' || verb === 'merge') ops.push('update');
      else if (verb === 'del' || verb === 'delete') ops.push('delete');
      if (ops.length) out.push({ table: call.model, ops });
    }
    return out;
  }

  classify(root: Node): void {
    this.collect(root);
    const inProcess = this.lang === 'python' ? inProcessHandles(this.text) : undefined;
    for (const n of this.calls) {
      const chain = this.a.chainOf(n);
      if (!chain) continue;
      const call = classifyCall(chain, this.ctx, this.a);
      if (!call) continue;
      // A statement on an in-process engine's connection (`sqlite3.connect(":memory:")`, `duckdb.connect(path)`):
      // a function call inside the process, no round trip — not what an N+1 costs.
      if (inProcess?.size && inProcess.has(field(field(n, 'function') ?? n, 'object')?.text ?? '')) continue;
      const hit = { node: n, chain, call };
      this.hits.push(hit);
      this.hitByStart.set(n.startIndex, hit);
    }
  }

  // -------------------------------------------------------------------------------------------

  private collect(root: Node): void {
    const callTypes = this.a.callTypes;
    const wanted = new Set([...callTypes, ...this.a.functionTypes, ...FUNCTION_DEF_TYPES, ...Object.keys(ASSIGN_TYPES), ...(this.lang === 'python' ? ['attribute'] : [])]);
    // The walk runs inside tree-sitter (C), in document order: a JS cursor walk paid a WASM round
    // trip for every node of the file, most of the N+1 detector's time.
    for (const n of root.descendantsOfType([...wanted])) {
      if (!n) continue;
      const type = n.type;
      if (callTypes.has(type)) this.calls.push(n);
      if (type === 'attribute') this.attributes.push(n);
      if (this.a.functionTypes.has(type)) this.functionNodes.push(n);
      // A Python stub (`def get_by_id(self, id): ...` of a Protocol, `pass`, `raise NotImplementedError`) says what a
      // method takes, not what it does: not a definition that could stand for the implementation's query.
      const def = this.lang === 'python' && pythonStub(n) ? undefined : this.a.functionDef(n);
      if (def && this.lang === 'java') this.overloads.set(def.name, [...(this.overloads.get(def.name) ?? []), def.node]);
      // Python, Ruby, JS/TS: a method of the name in another class of the file (`get_solves` of Users and of Teams in one
      // models module) is a definition of its own, as long as each one of the name is a class's method.
      else if (def && this.lang !== 'go' && this.functions.has(def.name)) {
        const list = this.overloads.get(def.name) ?? [this.functions.get(def.name)!];
        const cls = this.classOf(def.node);
        const classes = list.map((d) => this.classOf(d));
        if (cls && classes.every((c) => c && c !== cls)) this.overloads.set(def.name, [...list, def.node]);
      }
      if (def && !this.functions.has(def.name)) this.functions.set(this.lang === 'go' && type === 'method_declaration' ? '.' + def.name : def.name, def.node);
      if (this.lang === 'go' && def && type === 'function_declaration') this.functions.set(def.name, def.node);
      const spec = ASSIGN_TYPES[type];
      if (spec) this.bind(n, spec);
    }
  }

  private bind(n: Node, spec: [string, string]): void {
    const left = field(n, spec[0]);
    const right = field(n, spec[1]);
    if (!left || !right) return;
    const value = right.type === 'expression_list' ? named(right)[0] : right;
    if (!value) return;
    if (/pattern|pattern_list|tuple|expression_list/.test(left.type)) {
      // const { rows: users } = …, [a, b] = …, a, err := …
      for (const id of left.descendantsOfType(['identifier', 'shorthand_property_identifier_pattern'])) {
        if (id && !(id.parent?.type === 'pair_pattern' && same(field(id.parent, 'key'), id))) this.bindings.push({ name: id.text, value, at: n.startIndex });
      }
    } else this.bindings.push({ name: left.text, value, at: n.startIndex });
  }

  private lineOf(offset: number): number {
    this.starts ??= lineStarts(this.text);
    return positionAt(this.starts, offset).line;
  }

  /** The nearest loop around `node` that runs its body once per item, within the same named function. */
  /** The loops around a loop, innermost first (not the loop itself). */
  private *outerLoops(li: LoopInfo): Generator<LoopInfo> {
    for (let l = li.node.parent ? this.enclosingLoop(li.node) : undefined; l; l = l.node.parent ? this.enclosingLoop(l.node) : undefined) yield l;
  }

  private enclosingLoop(node: Node, argsUse?: Node): LoopInfo | undefined {
    let child: Node = node;
    let cur = node.parent;
    // The goroutine the node runs in, if one starts between it and the loop (Go `go f(i)`, `wg.Go(func() { … })`).
    let goroutine: Node | undefined;
    while (cur) {
      const li = this.a.loopOf(cur, child);
      if (li) {
        // A pool of workers (`for i := 0; i < n; i++ { go c.replicate(i) }`, `for range workerCount { wg.Go(…) }`): each
        // iteration starts a worker that is handed no item of data (at most its index), so the loop counts workers, not items.
        if (goroutine && this.startsWorkerPool(li, goroutine)) return undefined;
        // A walk up a chain of parents: per link, the chain's variable is the item.
        const link = li.shape === 'collection' ? undefined : this.walksChain(li, argsUse ?? node);
        if (link) return { ...li, variable: link };
        if (this.perItem(li, argsUse ?? node)) return li;
      } else if (this.a.consumerLoop?.(cur)) {
        // Per message of a channel: not once per iteration of a loop further out (the pool that started this consumer).
        return undefined;
      } else if (this.isFunction(cur) && cur.parent?.type === 'argument_list' && field(cur.parent.parent ?? cur, 'name')?.text === 'computeIfAbsent' && named(cur.parent).length === 2 && same(named(cur.parent)[1], cur)) {
        // Java `cache.computeIfAbsent(key, k -> load(k))`: the loader runs once per distinct key, not per item of a loop
        // further out (held-out-ag kestra's graph: each subflow read once per flow uid).
        return undefined;
      } else if (this.isFunction(cur) && (this.isNamedFunction(cur) || this.isDeferredCallback(cur) || this.isHeldCallback(cur))) {
        return undefined;
      }
      if (!goroutine && this.a.startsGoroutine?.(cur, child)) goroutine = cur;
      child = cur;
      cur = cur.parent;
    }
    return undefined;
  }

  /**
   * Each iteration of `li` starts a worker (`goroutine`, the statement that starts it) and hands it no item: the loop
   * has no per-item variable (`for range workerCount`), or it is a counter that the worker does not index a list with
   * (`go c.replicate(i)`, where `i` only names the worker; `go handle(items[i])` is per item).
   */
  private startsWorkerPool(li: LoopInfo, goroutine: Node): boolean {
    if (!li.variable) return true;
    if (li.shape !== 'counter' || li.iterable) return false;
    return !new RegExp(`\\[\\s*${escapeRe(li.variable)}\\s*[\\]:]`).test(goroutine.text);
  }

  /**
   * A function handed to something that calls it later, not once per item: route handlers,
   * event listeners, test cases, scheduled jobs (`for (const r of routes) app.get(r, async () => …)`).
   */
  private isDeferredCallback(fn: Node): boolean {
    const args = fn.parent;
    const call = args?.parent;
    if (!args || !call || !/^(arguments|argument_list)$/.test(args.type)) return false;
    const callee = field(call, 'function') ?? field(call, 'name') ?? field(call, 'method');
    const name = (callee?.type === 'member_expression' ? field(callee, 'property') : callee?.type === 'selector_expression' ? field(callee, 'field') : callee?.type === 'attribute' ? field(callee, 'attribute') : callee)?.text ?? '';
    return DEFERRED_CALLEES.test(name);
  }

  /**
   * JS/TS: a callback handed to a call whose result is kept, not awaited (`const t = tool(async (input) =>
   * …)`, `tools.push(tool(async () => …))`): the call builds something that runs the callback later (when
   * the tool or job is invoked), not once per item of the loop that builds it.
   */
  private isHeldCallback(fn: Node): boolean {
    if (!/^(typescript|tsx|javascript)$/.test(this.lang)) return false;
    const args = fn.parent;
    const call = args?.parent;
    if (args?.type !== 'arguments' || call?.type !== 'call_expression') return false;
    const callee = field(call, 'function');
    const name = (callee?.type === 'member_expression' ? field(callee, 'property') : callee)?.text ?? '';
    if (/^(map|flatMap|filter|forEach|reduce|some|every|find|findIndex|sort|then|catch|finally|all|allSettled|race|any|from|transaction|\$transaction|withTransaction|retry|run|runInTransaction|useMemo|useCallback|computed)$/.test(name)) return false;
    const holder = call.parent;
    if (holder?.type === 'variable_declarator') return true;
    // `tools.push(tool(…))`
    const outer = holder?.type === 'arguments' ? holder.parent : undefined;
    const outerCallee = outer ? field(outer, 'function') : undefined;
    return outerCallee?.type === 'member_expression' && field(outerCallee, 'property')?.text === 'push';
  }

  /**
   * The loop is the branch for another database: the `else` of `if (db.type === 'postgres')`, or the
   * branch of `if (client === 'sqlite')` — on PostgreSQL the other branch (one statement) runs.
   */
  private inOtherDatabaseBranch(node: Node, viaCallers = true): boolean {
    let p = node.parent;
    for (; p && !this.isFunction(p); p = p.parent) {
      if (!/^(if_statement|if|elif_clause|else_clause)$/.test(p.type)) continue;
      const ifNode = p.type === 'else_clause' ? p.parent : p;
      const cond = ifNode ? field(ifNode, 'condition')?.text ?? '' : '';
      const alt = ifNode ? field(ifNode, 'alternative') : null;
      const inElse = p.type === 'else_clause' || (!!alt && contains(alt, node));
      const isPg = /(===?|!==?)\s*['"](postgres|postgresql|pg|pgsql)['"]|['"](postgres|postgresql|pg|pgsql)['"]\s*(===?|!==?)/.exec(cond);
      if (isPg) {
        const negated = /!==?/.test(isPg[0]);
        if (inElse !== negated) return true;
        continue;
      }
      if (!inElse && /(===?)\s*['"](mysql2?|mariadb|sqlite3?|better-sqlite3|mssql|oracle|oracledb)['"]/.test(cond)) return true;
      // A truth test of a setting named for PostgreSQL (`if settings.pg_uri:`, `if (usePostgres)`): its other branch is the
      // other database's (held-out-ao letta: the SQLite fallback upserts tool by tool, PostgreSQL takes one bulk upsert).
      const flag = /^\(?\s*(not\s+|!\s*)?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(?:\(\))?\s*\)?$/.exec(cond);
      if (flag && flag[2].split('.').some((seg) => PG_FLAG.test(seg))) {
        if (inElse !== !!flag[1]) return true;
      }
    }
    // A function of this file called only in such branches (`else: return await self._upsert_individually(…)`): its loops are not PostgreSQL's path.
    if (!viaCallers || !p || !this.root) return false;
    const name = this.a.functionDef(p)?.name ?? (p.parent ? this.a.functionDef(p.parent)?.name : undefined);
    if (!name) return false;
    const calls = this.root.descendantsOfType([...this.a.callTypes]).filter((c): c is Node => !!c && this.a.localCallee(c) === name && !contains(p, c));
    return calls.length > 0 && calls.every((c) => this.inOtherDatabaseBranch(c, false));
  }

  /**
   * The node follows an unconditional `return`/`raise`/`throw` in its own block or a block around it inside its
   * function: it never runs (held-out-ar simple-login: `return False  # todo: re-enable` above the loop).
   */
  private unreachable(node: Node): boolean {
    for (let child = node, p = node.parent; p && !this.isFunction(child); child = p, p = p.parent) {
      if (!/^(block|statement_block|body_statement|module|program|compound_statement)$/.test(p.type)) continue;
      for (const sib of named(p)) {
        if (same(sib, child) || sib.startIndex >= child.startIndex) break;
        if (/^(return_statement|raise_statement|throw_statement|return)$/.test(sib.type)) return true;
      }
    }
    return false;
  }

  private isNamedFunction(n: Node): boolean {
    if (this.a.functionDef(n)) return true;
    const p = n.parent;
    if (!p) return false;
    const def = this.a.functionDef(p);
    if (def && same(def.node, n)) return true;
    // export default function / a function stored in an object property: treat as named
    return p.type === 'pair' || p.type === 'export_statement' || p.type === 'assignment_expression';
  }

  /** Does the loop run its body once per item (not a retry, poll or pagination loop)? */
  private perItem(li: LoopInfo, use: Node): boolean {
    if (li.shape === 'collection') return true;
    const body = li.body.text;
    if (li.shape === 'condition') {
      if (this.hasExit(li.body)) return false;
      // Work queues: while (queue.length) { const x = queue.shift(); … } (Ruby: queue.shift)
      if (/\.(shift|pop|popleft|poll|Dequeue|removeFirst)(\(\)|\s*$|\s*\n)/m.test(body)) return true;
      // A hand-written index loop: … xs[i] … i++ / i += 1
      const idx = /\w\[\s*([A-Za-z_]\w*)\s*\]/.exec(body);
      return !!idx && new RegExp(`(\\b${idx[1]}\\s*(\\+\\+|\\+=\\s*1\\b))|\\+\\+\\s*${idx[1]}\\b`).test(body);
    }
    // Counter loops: per item when the counter indexes a list or feeds the call, and nothing exits early.
    const v = li.variable;
    if (!v || /^(attempt|attempts|retry|retries|tries|try|_)$/i.test(v)) return false;
    if (this.hasExit(li.body)) return false;
    // for (i = 0; i < items.length; i++): one pass per element of items.
    if (li.iterable) return true;
    const word = new RegExp(`\\[\\s*${escapeRe(v)}\\s*\\]|(^|[^\\w$.])${escapeRe(v)}([^\\w$]|$)`);
    return new RegExp(`\\[\\s*${escapeRe(v)}\\s*\\]`).test(body) || word.test(use.text);
  }

  /**
   * A loop that walks a chain of parents, one link per iteration (held-out-ag gotosocial's reply chains: `for { … inReplyTo,
   * err = db.GetStatusByID(ctx, next.InReplyToID) … next = inReplyTo }`, `for parent := status; parent.InReplyToURI != "";
   * { parentID := parent.InReplyToID; parent, err = db.GetStatusByID(ctx, parentID) … }`): the call's arguments are read
   * from a variable that the call's result then replaces. One query per ancestor, as many as the chain is deep, whatever
   * exits the loop (the top of the chain, a match): an N+1 over the depth. Loops with a clause of their own (`for … range`,
   * a counted `for`) are not this; `use` is the call.
   */
  private walksChain(li: LoopInfo, use: Node): string | undefined {
    if (li.iterable || (li.shape === 'counter' && li.count !== undefined)) return undefined;
    const args = field(use, 'arguments')?.text ?? use.text;
    // A page per iteration (`ListAfter(ctx, page.Cursor, limit)`): keyset pagination, batched by the page.
    if (/limit|page|batch|size|cursor|offset|count/i.test(args)) return undefined;
    const body = li.body.text;
    const id = '[A-Za-z_$][\\w$]*';
    // Each assignment of the body: the names it sets (`parent, err =`, `next.Mentions, err =` sets `next`'s field) and its value.
    const assigns = [...body.matchAll(new RegExp(`(?:^|\\n)\\s*(?:(?:const|let|var)\\s+)?(${id}(?:\\.${id})?(?:\\s*,\\s*${id})*)\\s*:?=(?!=)([^\\n]*)`, 'g'))]
      .map((m) => ({ names: m[1].split(',').map((x) => x.trim()), value: m[2] }));
    const readsField = (text: string, x: string) => new RegExp(`(?<![\\w$.])${escapeRe(x)}\\.\\w+`).test(text);
    // The call's arguments are read from the variable: its field, or a local set from one (`parentID := parent.InReplyToID`).
    const argsFrom = (x: string) => readsField(args, x) || assigns.some((a) => a.names.length === 1 && !a.names[0].includes('.') && new RegExp(`^\\s*${escapeRe(x)}\\.\\w+\\s*;?\\s*$`).test(a.value) && new RegExp(`(?<![\\w$.])${escapeRe(a.names[0])}(?![\\w$])`).test(args));
    // The variable is replaced by the next link: its own field (`node = node.parent`), or a name set from its field or from a
    // call reading it (`inReplyTo := next.InReplyTo` … `next = inReplyTo`; `parent, err = GetStatusByID(ctx, parentID)`).
    const setFrom = (y: string, x: string) => assigns.some((a) => a.names.includes(y) && (readsField(a.value, x) || argsFrom(x) && a.value.includes(use.text.split('(')[0])));
    const links = (x: string) => assigns.some((a) => a.names.length === 1 && a.names[0] === x && (readsField(a.value, x) || new RegExp(`^\\s*(${id})\\s*;?\\s*$`).exec(a.value)?.[1] !== undefined && setFrom(new RegExp(`^\\s*(${id})`).exec(a.value)![1], x)))
      || assigns.some((a) => a.names.includes(x) && argsFrom(x) && a.value.includes(use.text.split('(')[0]));
    const vars = new Set(assigns.flatMap((a) => a.names).filter((x) => !x.includes('.') && !/^(err|_)$/.test(x)));
    for (const x of vars) if (argsFrom(x) && links(x)) return x;
    return undefined;
  }

  private hasExit(body: Node): boolean {
    const stack: Node[] = [body];
    while (stack.length) {
      const n = stack.pop()!;
      if ((this.a.exitTypes.has(n.type) || n.type === 'return' || n.type === 'break') && this.isErrorExit(n)) continue;
      if (this.a.exitTypes.has(n.type)) return true;
      if (this.isFunction(n) && !same(n, body)) continue;
      if (n.type === 'return' || n.type === 'break') return true;
      for (const c of named(n)) stack.push(c);
    }
    return false;
  }

  /**
   * An exit taken when an item fails (`if (E.isLeft(r)) return E.left(…)`, `if err != nil { return err }`,
   * a throw): the loop still runs for every item when all goes well.
   */
  private isErrorExit(n: Node): boolean {
    if (/^(throw_statement|raise_statement)$/.test(n.type)) return true;
    if (/\b(E\.left|left\(|Err\(|err\b|errors?\.|Error\(|Exception\(|HttpException|NotFound|fail)/.test(n.text)) return true;
    for (let p = n.parent; p && !this.isFunction(p); p = p.parent) {
      if (/^(if_statement|if|unless|if_modifier|unless_modifier)$/.test(p.type)) return /\b(isLeft|isErr|err\s*!=\s*nil|error|errors|failed|failure)\b/i.test(field(p, 'condition')?.text ?? '');
    }
    return false;
  }

  /**
   * A tree written node by node (issue 14, held-out-v: papermark's folder templates — `const created = await
   * tx.folder.create(…)` then `await createFolders(folder.subfolders, path, created.id)`): the call's result, bound in
   * the iteration, is an argument of a call of the enclosing function itself later in that iteration. Each child needs
   * its parent's generated id, so the per-item writes depend on one another; the recursion runs over a tree the code
   * was handed (a template, a request body), one level at a time. The recursive call's text, or undefined.
   */
  private treeBuiltNodeByNode(li: LoopInfo, node: Node): string | undefined {
    const lineStart = this.text.lastIndexOf('\n', node.startIndex) + 1;
    const binding = /\b([A-Za-z_$][\w$]*)\s*(?:,\s*[A-Za-z_$][\w$]*\s*)?:?=\s*(?:await\s+)?$/.exec(this.text.slice(lineStart, node.startIndex))?.[1];
    const fn = this.enclosingFunctionOf(li.node);
    if (!binding || !fn) return undefined;
    const holder = fn.parent && /^(variable_declarator|assignment_expression|pair)$/.test(fn.parent.type) ? fn.parent : undefined;
    const name = field(fn, 'name')?.text ?? (holder ? (field(holder, 'name') ?? field(holder, 'left') ?? field(holder, 'key'))?.text : undefined);
    if (!name || !/^[A-Za-z_$][\w$]*$/.test(name)) return undefined;
    const rest = this.text.slice(node.endIndex, li.body.endIndex);
    for (const m of rest.matchAll(new RegExp(`(?<![\\w$.])(?:this\\.|self\\.)?${name.replace(/\$/g, '\\$')}\\s*\\(`, 'g'))) {
      const open = m.index! + m[0].length - 1;
      let depth = 0;
      let end = open;
      for (; end < rest.length && end < open + 2000; end++) {
        if (rest[end] === '(') depth++;
        else if (rest[end] === ')' && --depth === 0) break;
      }
      if (new RegExp(`(?<![\\w$])${binding.replace(/\$/g, '\\$')}\\b`).test(rest.slice(open, end))) return `${name}(…, ${binding}…)`;
    }
    return undefined;
  }

  /**
   * JS/TS: the call's own line is exempted from ESLint's `no-await-in-loop` by a comment scoped to it
   * (`// eslint-disable-next-line no-await-in-loop` on the line before, or `// eslint-disable-line no-await-in-loop` on
   * it): the author read the rule's warning about this very await and kept it sequential (sqlpad: a connection's
   * configured pre-query statements, run in order). A file- or block-wide `/* eslint-disable no-await-in-loop *\/` says
   * nothing about one call and does not count.
   */
  private awaitInLoopAllowed(node: Node): boolean {
    if (this.lang !== 'typescript' && this.lang !== 'tsx' && this.lang !== 'javascript') return false;
    const start = this.text.lastIndexOf('\n', node.startIndex - 1) + 1;
    const endOfLine = this.text.indexOf('\n', node.startIndex);
    const own = this.text.slice(start, endOfLine < 0 ? undefined : endOfLine);
    const prevStart = start > 0 ? this.text.lastIndexOf('\n', start - 2) + 1 : -1;
    const prev = prevStart >= 0 ? this.text.slice(prevStart, start) : '';
    return /^\s*\/\/\s*eslint-disable-next-line\b[^\n]*\bno-await-in-loop\b/.test(prev) || /\/\/\s*eslint-disable-line\b[^\n]*\bno-await-in-loop\b/.test(own);
  }

  /** Why an N+1 of this loop is only possible (`info`), if it is (see possibleBecause). */
  private possibleOf(est: { iterations?: number; declared?: boolean; bounded?: boolean; from?: string }, li: LoopInfo, iterable: string | undefined, node?: Node): { possible?: string } {
    const loop = li.kind !== 'resolver' && li.kind !== 'serializer';
    const set = loop ? this.configuredSet(li) : undefined;
    const remote = loop && node ? this.remoteCallPerItem(li, node) : undefined;
    const tree = loop && node ? this.treeBuiltNodeByNode(li, node) : undefined;
    const kind = loop && node ? this.caseOfLoopVariable(li, node) : undefined;
    let cap: string | undefined;
    const why = (loop && this.isRounds(li) ? 'Possible N+1, a loop of rounds (repeated a set number of times, not once per item of the data)' : undefined)
      ?? (tree ? `Possible N+1, a tree built node by node: each item's write returns the id its children need (\`${tree}\` calls this function again with it), so one write waits on the other; batch it by level only with ids made up front` : undefined)
      ?? (remote ? ownWorkPossible(remote, ownWorkOf(remoteHead(remote), remote.replace(/^.*\./s, ''))) ?? remotePossible(remote) : undefined)
      ?? ((cap = loop && node ? this.unitOfWorkCall(li, node) : undefined) ? (CONTAINER_ACTION.test(cap) ? ownWorkPossible(cap, 'container') : unitOfWorkPossible(cap)) : undefined)
      ?? ((cap = loop && node ? this.transactionPerItem(li, node) : undefined) ? `Possible N+1, a unit of work per item: each item runs in a transaction of its own (\`${cap}\` in the loop's body), committed or rolled back alone — one statement for every item would change what a failure undoes` : undefined)
      ?? (kind ? `Possible N+1, a loop over kinds: this runs in \`case ${kind}\` of a switch on the loop's own variable (\`${li.variable}\`), once per item equal to it — once per kind named, not once per row` : undefined)
      ?? (set ? `Possible N+1, a loop over ${set} (as many items as the code or its configuration declares, not as the data)` : undefined)
      ?? ((cap = loop ? this.totalsPerKey(li) : undefined) ? `Possible N+1, a flush of totals kept per key: \`${cap}\` is summed in memory (\`+=\` per key) before this loop, so each round trip writes one key's own total, once per distinct key, not once per event` : undefined)
      ?? ((cap = loop ? this.overflowPastCap(li) : undefined) ? `Possible N+1, the overflow of a list past its cap (\`${cap}\`): the items beyond the limit, trimmed as each new one comes — one or two per call, not the data` : undefined)
      ?? (loop && handfulByLimit(est) ? `Possible N+1, at most ${est.iterations} item${est.iterations === 1 ? '' : 's'} (\`${est.from}\` on what the loop walks): a handful the code fixes, not a page of the data` : undefined)
      ?? possibleBecause(boundedByCode(est), loop ? (iterable ?? li.iterable?.text) : undefined, loop ? li.variable : undefined)
      ?? ((cap = loop ? this.calendarPeriods(li) : undefined) ? `Possible N+1, one round trip per calendar period (${cap}): the data is read or written a period at a time — as many round trips as periods in the range, not as rows` : undefined)
      ?? (loop && node && this.awaitInLoopAllowed(node) ? 'Possible N+1, awaited one item at a time on purpose: the line before says `eslint-disable-next-line no-await-in-loop` (the author chose one round trip per item here, in order)' : undefined)
      ?? ((cap = loop ? this.oneObjectsMember(li) : undefined) ? oneObjectPossible(cap) : undefined)
      ?? ((cap = loop ? this.partsOfOneString(li) : undefined) ? oneStringPossible(cap) : undefined)
      ?? ((cap = loop ? this.cacheClassOf(li) : undefined) ? `Possible N+1 in a cache's own code (\`${cap}\`): it runs when one entry is loaded or stored — once per key, on a miss — over the parts of that entry, not once per row of a request` : undefined);
    return why ? { possible: why } : {};
  }

  /**
   * Java and TS/JS: the class holding the loop IS a cache — its name says so (`DefaultOverriddenPlanCache`,
   * `SqlCacheStrategy`, `SessionCacheStore`): its loops build or store one entry (the phases of one plan loaded into the
   * cache, the tags of one entry set), run once per key on a miss, not per row of a request. Its name, else undefined.
   */
  private cacheClassOf(li: LoopInfo): string | undefined {
    if (!/^(java|typescript|tsx|javascript)$/.test(this.lang)) return undefined;
    for (let p = li.node.parent; p; p = p.parent) {
      if (!CLASS_TYPES.test(p.type)) continue;
      const name = field(p, 'name')?.text ?? '';
      return /[a-z]Cache(?:Strategy|Store|Impl)?$/.test(name) ? name : undefined;
    }
    return undefined;
  }

  /**
   * The loop walks the parts of ONE string value, split on a separator or matched by a pattern (`str(msg[REFERENCES]).split()`,
   * `re.findall(MENTION_REGEX, text)`, `re.FindAllStringSubmatch(q, -1)`, `strings.Split(header, ",")`, `text.scan(/@\w+/)`):
   * the message ids of one header, the mentions of one comment, the tokens of one search — as many as one value holds.
   * Not the lines of a text (`splitlines()`, `.lines`, `split("\n")`: a file's rows), not a list of ids (`categoryIds.split(",")`:
   * the request's ids, which stay warnings, as a request's list does), and not a string of an outer loop's item (a CSV row's
   * `row["mailboxes"].split()` runs once per row). Its text, or undefined.
   */
  private partsOfOneString(li: LoopInfo): string | undefined {
    let t = li.iterable?.text.replace(/^await\s+/, '').replace(/\s+/g, ' ').trim() ?? '';
    if (/^[A-Za-z_$][\w$]*$/.test(t)) t = this.binding(t, li.node.startIndex)?.value.text.replace(/\s+/g, ' ').trim() ?? t;
    t = t.replace(/^(?:enumerate|list|set|sorted|tuple|Arrays\.asList|Arrays\.stream|List\.of)\(\s*([\s\S]*?)\s*\)$/, '$1');
    const m = /^([\s\S]+?)\s*\.\s*split\(\s*(?:(['"])([^'"\\]|\\s|\\s\+|\s)\2\s*(?:,\s*\d+\s*)?)?\)$/.exec(t)
      ?? /^(?:re|regex|\w+_re|\w+_RE|[A-Z_]+)\s*\.\s*(?:findall|finditer)\(\s*[^,]+,\s*([\s\S]+?)\s*\)$/.exec(t)
      ?? /^(?:re|\w+[Rr]e|\w+Regexp?|\w+RE)\s*\.\s*FindAll(?:String)?(?:Submatch)?(?:Index)?\(\s*([\s\S]+?)\s*,\s*-?\d+\s*\)$/.exec(t)
      ?? /^strings\.(?:Split|SplitN|Fields|FieldsFunc)\(\s*([^,]+?)\s*(?:,[^()]*)?\)$/.exec(t)
      ?? /^([\s\S]+?)\s*\.\s*(?:scan|matchAll)\(\s*\/[^\n]*\/\w*\s*\)$/.exec(t);
    if (!m) return undefined;
    const value = m[1].trim();
    // The value a pattern is run on / a string split: one name, a member, an index, or `str(…)` of one.
    if (!/^(?:str\(|String\()?[@$]?[A-Za-z_][\w$]*(?:\s*(?:\.\s*[A-Za-z_]\w*|\[[^\]]+\]))*\)?$/.test(value)) return undefined;
    const root = /^(?:str\(|String\()?[@$]?([A-Za-z_][\w$]*)/.exec(value)![1];
    if (/ids?$|Ids?$|IDs?$|_ids?$|keys$|lines$|rows$|csv|content|file|body|data$/i.test(value.replace(/\)$/, '').split(/[.[\]"']+/).filter(Boolean).pop() ?? '')) return undefined;
    const b = this.binding(root, li.node.startIndex);
    for (const l of this.outerLoops(li)) {
      if (l.variable?.split(/[^\w$@]+/).includes(root) || l.key === root || (b && b.at >= l.node.startIndex && b.at < l.node.endIndex)) return undefined;
    }
    return li.iterable!.text.replace(/\s+/g, ' ').slice(0, 60);
  }

  /**
   * The loop walks a collection ONE object holds, read as its member (`order.lines`, `app.processes`, `@card.labels`;
   * loopSource's `children` with no key column): its text, else undefined. Not a call (`user.getRoles()`, `.all()`), a
   * request's list, nor a member of each item of an outer loop (`for g in groups: for m in g.monitors` walks every
   * group's monitors) or of a name bound inside one.
   */
  private oneObjectsMember(li: LoopInfo): string | undefined {
    // A copy of the members is the members (`list(conversation.isolated_blocks)`, `[...card.labels].sort(…)`, `Array.from(x.ys)`),
    // written in the loop or bound to its name just before (`isolated_blocks = list(conversation.isolated_blocks)`).
    const copyOf = (x: string) => {
      const y = x.replace(/^(?:list|sorted|tuple|set|Array\.from)\(\s*([\w@.]+)\s*\)$/, '$1').replace(/^\[\s*\.\.\.\s*([\w@.]+)\s*\](?:\.sort\([\s\S]*\))?$/, '$1');
      return y !== x ? y : undefined;
    };
    const own = li.iterable?.text.replace(/^await\s+/, '').trim() ?? '';
    const named = /^[A-Za-z_]\w*$/.test(own) ? this.binding(own, li.node.startIndex) : undefined;
    const copied = named ? copyOf(named.value.text.trim()) : undefined;
    const t = copyOf(own) ?? copied ?? own;
    if (copied) {
      for (const l of this.outerLoops(li)) {
        if (named!.at >= l.node.startIndex && named!.at < l.node.endIndex) return undefined;
      }
    }
    const m = /^@?([A-Za-z_]\w*)\s*\.\s*[A-Za-z_]\w*$/.exec(t);
    const src = m ? loopSourceOf(t, undefined) : undefined;
    if (!m || src?.kind !== 'children' || src.column || src.parent === 'the request') return undefined;
    const b = this.binding(m[1], li.node.startIndex);
    for (const l of this.outerLoops(li)) {
      if (l.variable === m[1] || l.key === m[1] || (b && b.at >= l.node.startIndex && b.at < l.node.endIndex)) return undefined;
    }
    return t;
  }

  /**
   * The call runs in a transaction the loop's body opens per item (cloud_controller_ng's delete actions: `roles.each do
   * |role| Role.db.transaction do … end end`; Django `for row in rows: with transaction.atomic(): …`): each item is a unit
   * of work by design, its writes committed or rolled back with its audit event and lock, apart from the other items'.
   * Only when the body runs no query of its own outside that transaction (a read per item before it keeps the warning:
   * the loop is an N+1 whatever the transaction holds). The transaction's opening call as written, or undefined.
   */
  private transactionPerItem(li: LoopInfo, node: Node): string | undefined {
    if (!this.a.transactionBlock) return undefined;
    for (let p: Node | null = node.parent; p && !same(p, li.body) && contains(li.body, p); p = p.parent) {
      if (this.isFunction(p)) return undefined;
      const tx = this.a.transactionBlock(p);
      if (!tx) continue;
      const opener = p.parent && same(field(p.parent, 'block'), p) ? p.parent : p;
      const [bs, be] = this.spanOf(li.body);
      const [ts, te] = this.spanOf(opener);
      for (const start of this.hitByStart.keys()) if (start >= bs && start < be && (start < ts || start >= te)) return undefined;
      return tx;
    }
    return undefined;
  }

  /**
   * The call sits in a `case` of a switch on the loop's own variable (storyden: `for _, ct := range contentTypes { switch
   * ct { case ContentTypeThreads: s.purgeThreads(…) … } }`), each case a constant: it runs once per item equal to that
   * constant — a loop over kinds, each named once. A switch on a field of the item (`switch op.t`) is not: many items
   * share a kind. Go and JS/TS. The case's label as written, or undefined.
   */
  private caseOfLoopVariable(li: LoopInfo, node: Node): string | undefined {
    if (!li.variable || !/^(go|typescript|tsx|javascript)$/.test(this.lang)) return undefined;
    for (let p: Node | null = node.parent; p && p !== li.body && !this.isFunction(p); p = p.parent) {
      if (p.type !== 'expression_case' && p.type !== 'switch_case') continue;
      const sw = p.type === 'expression_case' ? p.parent : p.parent?.parent;
      const value = sw && field(sw, 'value')?.text.replace(/^\(\s*|\s*\)$/g, '');
      const label = field(p, 'value');
      if (value !== li.variable || !label) return undefined;
      const labels = named(label).length && label.type === 'expression_list' ? named(label) : [label];
      const constant = (l: Node) => /^(?:[A-Z][\w$]*|[a-z_$][\w$]*\.[A-Z][\w$]*(?:\.[A-Z][\w$]*)*)$/.test(l.text) || /^(?:string|interpreted_string_literal|raw_string_literal|number|int_literal)$/.test(l.type);
      return labels.every(constant) ? label.text : undefined;
    }
    return undefined;
  }

  /**
   * The loop walks only what a list holds past a configured cap (hanko: `if len(active) >= limit { for i := limit - 1; i <
   * len(active); i++ { Delete(active[i]) } }`; `for s in sessions[max_sessions:]`; `for (const s of rows.slice(keep))`):
   * the items beyond the limit, trimmed as each new one comes — one or two per call in steady state, not the data. The cap
   * must be a name (or a field) saying limit, max, cap, keep or retain, not a number. The cap as written, or undefined.
   */
  private overflowPastCap(li: LoopInfo): string | undefined {
    const head = this.text.slice(li.node.startIndex, Math.max(li.node.startIndex, li.body.startIndex)).replace(/\s+/g, ' ');
    const capOk = (t: string) => /(?:limit|max|cap|keep|retain)/i.test(t) && /^[\w.()\s+-]+$/.test(t) && !/^\s*\d+\s*$/.test(t);
    // C-style counter from the cap to the list's length: Go, JS/TS, Java.
    const counter = /\bfor\s*\(?\s*(?:let\s+|var\s+|int\s+)?([A-Za-z_]\w*)\s*:?=\s*([^;]+?)\s*;\s*\1\s*<\s*(?:len\(\s*[\w.]+\s*\)|[\w.]+\.(?:length|size\(\)))\s*;/.exec(head);
    if (counter && capOk(counter[2])) return counter[2].trim();
    // A slice from the cap: Python `xs[cap:]`, JS `xs.slice(cap)`.
    const slice = /\bin\s+[\w.]+\[\s*([^:\]]+?)\s*:\s*\]/.exec(head) ?? /\bof\s+[\w.]+\.slice\(\s*([^,)]+?)\s*\)/.exec(head);
    if (slice && capOk(slice[1])) return slice[1].trim();
    return undefined;
  }

  /**
   * The same iteration first calls another service, before the query: an HTTP request (`fetch(…)`, axios, `requests.post`, Go's `http.Get`),
   * a payment, mail, analytics or storage SDK (`stripe.…`, `resend.…`, `posthog.…`, `s3.…`), or a function of the app
   * named for one (`sendInviteEmail`, `deleteStripeCustomer`, `copyFileToBucket`, `send_mail`). Its round trip per item
   * outweighs the query's, and the write often depends on its answer (a reaper deletes the user only once Stripe
   * confirmed): per item by design. A query before the remote call (reading what the call needs) is judged as usual,
   * and calls in a function the loop body only defines do not count. The remote call's text.
   */
  private remoteCallPerItem(li: LoopInfo, node: Node): string | undefined {
    if (!this.calls.length) return undefined;
    const hinted = REMOTE_HINT.test(li.body.text);
    const container = OWN_WORK_HINT.test(li.body.text);
    if (!hinted && !container && !this.functions.size) return undefined;
    for (const c of this.calls) {
      // Only a remote call that has answered before the query starts: the query waits on it.
      if (same(c, node) || !this.within(li.body, c) || this.spanOf(c)[1] > this.spanOf(node)[0]) continue;
      const name = this.calleeOf(c) ?? '';
      const fn = field(c, 'function') ?? field(c, 'method');
      const head = remoteHead(fn?.text ?? c.text);
      // Or a function of this file whose own body calls another service (rybbit's usage cron: `getOrganizationSubscriptionInfo`
      // → `stripe.subscriptions.list`, then the organization's row updated with the answer).
      const textual = (hinted && !HTTP_PURE.test(head) && (REMOTE_CLIENT.test(head) || (name === 'fetch' && !/\./.test(head) && GLOBAL_FETCH.test(c.text)) || REMOTE_NAME.test(name) || REMOTE_SEND.test(name)))
        || (container && !!ownWorkOf(c.type === 'method_invocation' && field(c, 'object') ? `${field(c, 'object')?.text}.${name}` : head, name));
      const local = !textual && name && !this.hitByStart.has(c.startIndex) ? this.functions.get(name) ?? this.functions.get(`.${name}`) : undefined;
      const via = local && !contains(local, node) ? this.remoteCallIn(local) : undefined;
      if (!textual && !via) continue;
      let nested = false;
      for (let p = c.parent; p && !same(p, li.body); p = p.parent) if (this.isFunction(p)) { nested = true; break; }
      if (!nested) return via ? `${name}\` → \`${via}` : remoteText(c);
    }
    return undefined;
  }

  /**
   * The call per item is the item's own unit of work by what it is named (issue 14, n1bf): it sends the item's e-mail
   * (`notificationManager.sendSimpleEmail(…)`, `send_email_with_rate_control(…)`, `sendTicketByEmail(…)`), handles one
   * queued message, job or event of a consumer (`self._handle_message(id, fields)`, `process_job(job)`,
   * `executeSchedule(schedule)`), or puts one on a queue (`enqueue…`, `publish…`) — or the query sits in a callback handed
   * to such a call (the mail's body rendered by it). One per item is the loop's output: the mail, the
   * handled message. Only the call itself: the reads the loop makes to build each mail, or a mail sent once after the
   * loop, are judged as usual. The callee's name, or undefined.
   */
  private unitOfWorkCall(li: LoopInfo, node: Node): string | undefined {
    // The function handed to the call that holds the node (`() -> templateManager.renderTemplate(…)`), if any.
    let handed: Node | undefined;
    // The body may be the call itself (an arrow's expression body: `(entry) => this.startSubContainer(service, entry)`).
    for (let c: Node | null = node; c && (same(c, node) || !same(c, li.body)) && contains(li.body, c); c = c.parent) {
      if (this.isFunction(c) && c.parent && /^(arguments|argument_list)$/.test(c.parent.type)) handed ??= c;
      if (!this.a.callTypes.has(c.type)) continue;
      const args = field(c, 'arguments');
      // The call itself, or a callback handed to it; not an argument computed before it (a read the mail needs).
      if (!same(c, node) && !(handed && args && same(handed.parent, args))) continue;
      const name = this.calleeOf(c) ?? '';
      if (UNIT_OF_WORK_CALL.test(name)) return name;
    }
    return undefined;
  }

  /** Whether the call goes to another service by what it calls: an HTTP client or a service's SDK (REMOTE_CLIENT), or the global `fetch`. */
  private isRemoteClientCall(c: Node): boolean {
    const fn = field(c, 'function') ?? field(c, 'method');
    const head = remoteHead(fn?.text ?? c.text);
    return (REMOTE_CLIENT.test(head) && !HTTP_PURE.test(head)) || (this.calleeOf(c) === 'fetch' && !/\./.test(head) && GLOBAL_FETCH.test(c.text));
  }

  /**
   * Remote work inside the called function (issue 14, n1fix28): the definition's own body first calls another service —
   * an HTTP client, `fetch`, a service's SDK, or a function of this file that does (soft-serve's `SendWebhook` → `do` →
   * `http.NewRequestWithContext`) — and only then runs `query` (a delivery row recording the answer). Called per item, the
   * remote round trip sets the pace and the query waits on its answer, as when the loop makes the remote call itself
   * (remoteCallPerItem). A query before the remote call keeps the warning. As written (`do` → `http.…`), or undefined.
   */
  private remoteBeforeQuery(def: Node, query: Node): string | undefined {
    const direct = REMOTE_HINT.test(def.text);
    for (const c of this.callsWithin(this.spanOf(def)[0], this.spanOf(query)[0])) {
      if (same(c, query) || this.spanOf(c)[1] > this.spanOf(query)[0]) continue;
      let nested = false;
      for (let p = c.parent; p && !same(p, def); p = p.parent) if (this.isFunction(p)) { nested = true; break; }
      if (nested) continue;
      if (direct && this.isRemoteClientCall(c)) return remoteText(c);
      const name = this.calleeOf(c);
      const local = name && !this.hitByStart.has(c.startIndex) ? this.functions.get(name) ?? this.functions.get(`.${name}`) : undefined;
      const remote = local && !same(local, def) ? this.remoteCallIn(local) : undefined;
      if (remote) return `${name}\` → \`${remote}`;
    }
    return undefined;
  }

  /** The first call to another service in the definition's own body (not in a function it only defines), as written (FileCallFacts `remote`). */
  private remoteCallIn(def: Node): string | undefined {
    if (!REMOTE_HINT.test(def.text)) return undefined;
    for (const c of this.callsWithin(this.spanOf(def)[0], this.spanOf(def)[1])) {
      if (!this.isRemoteClientCall(c)) continue;
      let nested = false;
      for (let p = c.parent; p && !same(p, def); p = p.parent) if (this.isFunction(p)) { nested = true; break; }
      if (!nested) return remoteText(c);
    }
    return undefined;
  }

  /**
   * The names the same iteration calls before `node` starts (PendingLoopCall.itemBefore): calls of the loop's body that have
   * answered before it, not in a function the body only defines. Whether one is the app's wrapper around another service is
   * known only once every file is read (CrossFileCalls.remoteBefore).
   */
  private itemCallsBefore(li: LoopInfo, node: Node): { itemBefore?: string[] } {
    if (li.kind === 'resolver' || li.kind === 'serializer') return {};
    const names = new Set<string>();
    for (const c of this.callsWithin(this.spanOf(li.body)[0], this.spanOf(node)[0])) {
      if (same(c, node) || this.spanOf(c)[1] > this.spanOf(node)[0]) continue;
      const name = this.calleeOf(c);
      if (!name || GENERIC_NAMES.has(name) || name.length < 4) continue;
      let nested = false;
      for (let p = c.parent; p && !same(p, li.body); p = p.parent) if (this.isFunction(p)) { nested = true; break; }
      if (!nested) names.add(name);
    }
    return names.size ? { itemBefore: [...names].slice(0, 12) } : {};
  }

  /**
   * The loop runs over a set the code or its configuration declares, by what the iterable is written as, not by its
   * name: a model field's `choices` (Django `Status.choices`, `STATUS_CHOICES`, `_meta.get_field("x").choices`); a value
   * of the app's settings (Django's `settings.X` from `django.conf`, a name imported from a settings/config module,
   * Flask's `current_app.config["X"]`, Rails' `Rails.configuration.x`, Go's package-level config `global.CONFIG.Tables`
   * from a `config`/`global` package); a Ruby constant of another file (`Links::LINKS`: Ruby constants hold fixed values);
   * part of an item of an outer loop over such a set; data read from a file the app ships (`YAML.load_file(…)`, directly
   * or through a function of the file). What it names, for the message; undefined for a set of data.
   */
  private configuredSet(li: LoopInfo, depth = 0): string | undefined {
    const t = (li.iterable?.text ?? '').replace(/^await\s+/, '').replace(/\.(?:items|keys|values|each|each_pair|each_with_index|each_key|each_value)(?:\(\))?$/, '').replace(/^(?:list|sorted|tuple|enumerate)\(([\s\S]*)\)$/, '$1')
      // `range(len(config.HIBP_API_KEYS))`, `range(1, len(xs))`: the indices of a list walk that list.
      .replace(/^range\(\s*(?:\d+\s*,\s*)?len\(\s*([\w.]+)\s*\)\s*\)$/, '$1')
      // `(camera.triggers or {})`: the member, or nothing.
      .replace(/^\(\s*([\w.]+)\s+or\s+(?:\{\}|\[\]|\(\))\s*\)$/, '$1').trim();
    if (!t || /\n/.test(t)) return undefined;
    // The value bound to a bare name just before the loop, for the getters below (`labels = config.get(…)`).
    const boundTo = /^[a-z_]\w*$/.test(t) ? this.binding(t, li.node.startIndex)?.value.text.trim() : undefined;
    const appended = this.filledByFixedAppends(t);
    if (appended) return `\`${t}\`, a list the code fills with ${appended} single \`append\`s, none in a loop`;
    // Part of an item of an outer loop over a declared set (`DEFAULT_GROUPS.each do |name, type_names| type_names.each …`),
    // or a member of one (`for camera in self.config.cameras.values(): for trigger in camera.triggers.items()`).
    const outer = depth < 2 && /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/.test(t) ? this.enclosingLoop(li.node) : undefined;
    // Every name the outer loop binds (Ruby's block parameters `|name, type_names|` too).
    const bound = outer ? [...(outer.variable?.split(/[^\w$@]+/) ?? []), ...(/\|([^|]*)\|/.exec(this.text.slice(outer.node.startIndex, li.node.startIndex))?.[1].split(/[^\w]+/) ?? [])] : [];
    if (outer?.iterable && bound.includes(t.split('.')[0]) && (this.isFixedSmallList(outer) || this.configuredSet(outer, depth + 1))) return `\`${t}\`, part of an item of \`${shortText(outer.iterable, 48)}\``;
    // Data the app ships in a file: `YAML.load_file(…)`, `json.load(open(…))`, or a function of the file returning it.
    const loader = /^[A-Za-z_]\w*(?:\(\))?$/.test(t) ? this.functions.get(t.replace(/\(\)$/, '')) : undefined;
    if (SHIPPED_FILE.test(t) || (loader && SHIPPED_FILE.test(loader.text) && !this.hits.some((h) => this.within(loader, h.node)))) return `\`${t}\`, data the app ships in a file`;
    if (this.lang === 'python') {
      if (/(?:^|\.)(?:choices|flatchoices|[A-Z][A-Z0-9_]*_CHOICES)$/.test(t) && /^[\w.]+(?:\([^()]*\)[\w.]*)?$/.test(t)) return `\`${t}\`, a field's choices`;
      const root = /^[A-Za-z_]\w*/.exec(t)?.[0] ?? '';
      const from = [this.ctx.importedFrom?.get(root), this.ctx.importedAs?.get(root)];
      if (t !== root && /^[\w.]+(?:\[["'][\w.-]+["']\])*$/.test(t) && from.some((x) => x !== undefined && (/^django\.conf(\.settings)?$/.test(x) || /(^|\.)(?:conf|config|configs|settings|constants?)$/.test(x)))) return `\`${t}\`, a value of the app's settings`;
      // `from app import config` then `config.HIBP_API_KEYS`: a value of the app's own configuration module.
      if (/^(?:config|conf|settings|configs)\.[A-Z][A-Z0-9_]*$/.test(t) && this.ctx.importedFrom?.has(root)) return `\`${t}\`, a value of the app's configuration`;
      if (/^(?:current_app|app|flask\.current_app)\.config(?:\[["'][\w.-]+["']\]|\.get\(\s*["'][\w.-]+["'][^()]*\))$/.test(t)) return `\`${t}\`, a value of the app's configuration`;
      // A member of an object the file declares by a class of the app's configuration module (frigate: `self.config.cameras`
      // with `config: FrigateConfig` and `from frigate.config import FrigateConfig`): the deployment's cameras, not the data.
      const held = /^(?:self\.)?([A-Za-z_]\w*)\.[A-Za-z_][\w.]*$/.exec(t)?.[1];
      const type = held ? new RegExp(`\\b${held}\\s*:\\s*(?:Optional\\[)?([A-Z]\\w*)`).exec(this.text)?.[1] : undefined;
      const typeFrom = type ? this.ctx.importedFrom?.get(type) : undefined;
      if (type && typeFrom && /(^|\.)(?:conf|config|configs|settings)$/.test(typeFrom)) return `\`${t}\`, a value of the app's configuration (\`${type}\`)`;
    }
    if (this.lang === 'ruby') {
      // `config.get(:database_encryption, :keys)` (cloud_controller_ng's Config object): keys of the deployment's configuration,
      // written in the loop or bound to its name just before (`labels = config.get(…)` then `labels.each`).
      const got = [t, boundTo].find((x) => x !== undefined && /^(?:@?config|Config|[\w:]*Config\.config)\.get\(\s*:\w+(?:\s*,\s*:\w+)*\s*\)$/.test(x));
      if (got) return `\`${got}\`, a value of the app's configuration`;
      if (/^(?:Rails\.(?:configuration|application\.config)|Settings)\.[\w.]+$/.test(t)) return `\`${t}\`, a value of the app's configuration`;
      if (/^(?:[A-Z]\w*::)+[A-Z][A-Z0-9_]{2,}$/.test(t) || (/^[A-Z][A-Z0-9_]{3,}$/.test(t) && /_/.test(t) && !this.binding(t, li.node.startIndex))) return `\`${t}\`, a constant`;
    }
    if (this.lang === 'java') {
      // A getter of the app's settings object (`portalSettings.getActiveEnvs()`, `portalConfig.portalSupportedEnvs()`,
      // `bizProperties.getRegions()`), written in the loop or bound to its name just before (`List<Env> envs =
      // portalSettings.getActiveEnvs(); for (Env env : envs)`): the deployment's list (held-out-z Apollo: per environment).
      const value = /^[a-z]\w*$/.test(t) ? this.binding(t, li.node.startIndex)?.value.text.trim() : t;
      if (value && /^(?:this\.)?[a-z]\w*(?:Settings|Config|Configuration|Properties)\.\w+\(\s*\)$/.test(value)) return `\`${value}\`, a value of the app's configuration`;
    }
    if (this.lang === 'typescript' || this.lang === 'tsx' || this.lang === 'javascript') {
      const got = this.jsConfigured(t, li.node.startIndex, 0);
      if (got) return `\`${got}\`, a value of the app's configuration`;
    }
    if (this.lang === 'go') {
      // A getter of the app's configuration provider (kratos: `p.r.Config().SecretsSession(ctx)`): the deployment's values.
      const got = [t, boundTo].find((x) => x !== undefined && /^(?:[a-z]\w*\.)*Config\(\s*\)\.[A-Z]\w*\(\s*(?:ctx|[a-z]\w*)?\s*\)$/.test(x));
      if (got) return `\`${got}\`, a value of the app's configuration`;
      const m = /^([a-z]\w*)\.[A-Z]\w*(?:\.[A-Z]\w*)*$/.exec(t);
      const pkg = m ? this.ctx.modules.find((x) => x.split('/').pop() === m[1]) : undefined;
      if (pkg !== undefined && /^(?:config|configs|conf|settings|global|globals)$/.test(m![1])) return `\`${t}\`, a value of the app's configuration`;
    }
    return undefined;
  }

  /**
   * JS/TS: the text (or the value bound to the name, just before `at`) is what the app's configuration declares — a
   * member of its config service or config object (`this.configService.orderOptions.process ?? []`, `config.plugins`,
   * `this.settings.customFields[entity.name].filter(…)`), or a list spreading only such members (`[...custom,
   * ...(this.configService.paymentOptions.process ?? [])]`): as many items as the developer configured (held-out-aq
   * Vendure's order, payment, fulfillment and refund processes, its relation custom fields). The root must be a field of
   * the object (`this.…`) or a name the function does not bind to a value it computes. What it is, or undefined.
   */
  private jsConfigured(text: string, at: number, depth: number): string | undefined {
    // `x ?? []`, `(x || [])`, `x.filter(…)`, `x[key]` read as the member itself.
    let t = text.trim().replace(/^\(([^()]*)\)$/, '$1').replace(/\s*(?:\?\?|\|\|)\s*\[\s*\]$/, '').trim();
    t = t.replace(/\s+/g, ' ').replace(/\.filter\((?:[^()]|\([^()]*\))*\)$/, '').replace(/\[[^[\]]*\]/g, '.key').replace(/\s+/g, '');
    if (/^(?:this\.)?(?:[a-z][\w$]*)?(?:[Cc]onfig|[Cc]onfigService|[Cc]onfiguration|[Ss]ettings)(?:\.[A-Za-z_$][\w$]*)+$/.test(t)) {
      const root = /^[A-Za-z_$][\w$]*/.exec(t)![0];
      const bound = root === 'this' ? undefined : this.binding(root, at);
      return !bound || !this.enclosingFunctionOf(bound.value) ? clip(text) : undefined;
    }
    if (depth >= 3) return undefined;
    // A name bound just before to such a member or such a list.
    if (/^[A-Za-z_$][\w$]*$/.test(t)) {
      const b = this.binding(t, at);
      return b ? this.jsConfigured(b.value.text, b.at, depth + 1) : undefined;
    }
    // `[...a, ...(b ?? [])]`: every item a spread of a configured member.
    const list = /^\[([\s\S]*)\]$/.exec(text.trim())?.[1]?.replace(/(?:\?\?|\|\|)\s*\[\s*\]/g, '');
    if (list === undefined || /[[\]{}]/.test(list)) return undefined;
    const parts = list.split(',').map((x) => x.trim()).filter(Boolean);
    if (!parts.length || !parts.every((x) => x.startsWith('...') && this.jsConfigured(x.slice(3), at, depth + 1))) return undefined;
    return clip(text);
  }

  /**
   * The loop walks calendar periods, not items: its variable is named for one (`month`, `year`, `day`, `period_start`,
   * `staleDay`; one of a tuple's names: `for period_start, period_end, offset in dst_periods`) or its collection for
   * several (`months`, `dst_periods`, `recentYears`). Each round trip reads or writes one period's slice (dawarich: a
   * place's points a month at a time; frigate: one grouped SELECT per daylight-saving period; convoy: one set-based
   * refresh per stale day) — the data chunked by time, as many round trips as periods. Said as written, or undefined.
   */
  private calendarPeriods(li: LoopInfo): string | undefined {
    const unit = /^(?:day|month|year|week|hour|quarter|date|period)$/i;
    const words = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').split(/_+/).filter(Boolean);
    const period = (name: string) => {
      const w = words(name);
      return w.length > 0 && w.length <= 3 && (unit.test(w[0]) || unit.test(w[w.length - 1]));
    };
    // Every name the loop binds is a period's (or an index): `|date, data|` over days grouped in memory hands each day's
    // items (`data`) on — per item, not per period (dawarich's timeline: a COUNT per visit of each day).
    // Ruby's block parameters (`|date, data|`) beside the variable the loop names.
    const block = this.lang === 'ruby' ? /\|([^|]*)\|/.exec(this.text.slice(li.node.startIndex, Math.max(li.node.startIndex, li.body.startIndex)))?.[1] ?? '' : '';
    const names = [...new Set(`${li.variable ?? ''},${block}`.split(/[^\w$]+/))].filter((n) => n && !/^(?:_\w*|i|j|idx|index)$/.test(n));
    if (names.length && names.every(period)) return `\`${names[0]}\``;
    const it = li.iterable?.text.replace(/^await\s+/, '').trim() ?? '';
    // Ruby groupdate (railsdevs: `StripeTransaction.charge.group_by_month(:created).sum(:fee)`, or a name bound to it):
    // one entry per period (per period and group), keyed by the period, whatever the names of the block's parameters.
    const grouped = /\.group_by_(?:period|minute|hour|day|week|month|quarter|year)\b/;
    const root = this.lang === 'ruby' ? this.iterableRoot(li) : undefined;
    if (this.lang === 'ruby' && (grouped.test(it) || (root && /^[a-z_]\w*$/.test(it) && grouped.test(this.binding(root, li.node.startIndex)?.value.text ?? '')))) return `\`${it.length > 48 ? `${it.slice(0, 47)}…` : it}\`, grouped by period`;
    if (names.length > 1) return undefined;
    const last = /(?:^|\.)([A-Za-z_$][\w$]*)(?:\(\s*\))?$/.exec(it)?.[1];
    const w = last ? words(last) : [];
    if (w.length && w.length <= 3 && /^(?:days|months|years|weeks|hours|quarters|dates|periods)$/i.test(w[w.length - 1])) return `\`${it}\``;
    return undefined;
  }

  /**
   * Python: a loop of rounds, not of items — `for _ in range(retries)` (the count is never read), or a range the code
   * or its configuration sets (`range(ROUNDS)`, `range(int(os.environ.get("ROUNDS", "2")))`, `range(settings.BATCHES)`).
   * How often it repeats is the deployment's choice, not how much data there is: at most a possible N+1.
   */
  private isRounds(li: LoopInfo): boolean {
    if (this.lang !== 'python') return false;
    const m = /^range\(([\s\S]*)\)$/.exec(li.iterable?.text.trim() ?? '');
    if (!m) return false;
    if (/^_+$/.test(li.variable ?? '')) return true;
    const words = m[1].replace(/(["'])(?:\\.|(?!\1).)*\1/g, '').match(/[A-Za-z_]\w*/g) ?? [];
    return words.every((w) => /^(int|os|environ|get|getenv|settings|config|conf)$/.test(w) || /^[A-Z][A-Z0-9_]*$/.test(w));
  }

  private iterableText(li: LoopInfo): string | undefined {
    if (!li.iterable) return li.kind === 'result-set' ? li.variable : undefined;
    return shortText(li.iterable, 48).replace(/^await\s+/, '');
  }

  /**
   * TS/JS (PendingLoopCall.parentLoad): `const xs = await M.findAll({ … })` (or `findAll()`) in the same block before
   * `for (const x of xs) { … }`, and the call is `x.method(…)` — the facts an eager-loading rewrite needs, else nothing.
   */
  private parentLoadOf(n: Node, li: LoopInfo): { parentLoad?: ParentLoad } {
    if (!/^(typescript|tsx|javascript)$/.test(this.lang) || li.kind !== 'for…of' || !li.variable || li.iterable?.type !== 'identifier' || li.body.type !== 'statement_block') return {};
    const fn = field(n, 'function');
    const recv = fn?.type === 'member_expression' ? field(fn, 'object') : undefined;
    if (recv?.type !== 'identifier' || recv.text !== li.variable) return {};
    const b = this.binding(li.iterable.text, li.node.startIndex);
    if (!b || b.value.parent?.type !== 'variable_declarator') return {};
    const value = b.value.type === 'await_expression' ? named(b.value)[0] : b.value;
    const finder = value?.type === 'call_expression' ? field(value, 'function') : undefined;
    const model = finder?.type === 'member_expression' ? field(finder, 'object') : undefined;
    const method = finder ? field(finder, 'property')?.text : undefined;
    if (!value || !model || model.type !== 'identifier' || !/^[A-Z][\w$]*$/.test(model.text) || method !== 'findAll') return {};
    const args = field(value, 'arguments');
    const opts = named(args).filter((c) => c.type !== 'comment');
    if (!args || opts.length > 1 || (opts.length === 1 && opts[0].type !== 'object')) return {};
    // The declaration is a statement of the block that holds the loop, before it: the rewrite runs from one to the other.
    const decl = b.value.parent.parent;
    if (!decl || !/^(lexical_declaration|variable_declaration)$/.test(decl.type) || named(decl).length !== 1 || !same(decl.parent, li.node.parent) || decl.endIndex > li.node.startIndex) return {};
    const call = n.parent?.type === 'await_expression' ? n.parent : n;
    const base = decl.startIndex;
    const rel = (x: Node) => ({ start: x.startIndex - base, end: x.endIndex - base });
    return {
      parentLoad: {
        text: this.text.slice(base, li.node.endIndex),
        model: model.text,
        finder: method,
        options: opts.length ? rel(opts[0]) : { start: args.endIndex - 1 - base, end: args.endIndex - 1 - base, empty: true },
        call: { ...rel(call), receiver: recv.text, args: named(field(n, 'arguments')).filter((c) => c.type !== 'comment').map((c) => c.text) },
        loop: rel(li.node),
        body: rel(li.body),
        indent: lineIndentAt(this.text, base),
      },
    };
  }

  /** Where the loop's collection comes from (loopSource.ts): its iterable, and the value bound to the iterable's root name. */
  private sourceOf(li: LoopInfo): { source?: LoopSource; param?: LoopParam; collection?: LoopCollection; listOf?: ModuleListRef; enumOf?: string } {
    if (li.kind === 'resolver' || li.kind === 'serializer') return {};
    if (li.kind === 'result-set') return { collection: { kind: 'query', from: 'a result set' } };
    if (!li.iterable) return {};
    const root = this.iterableRoot(li);
    const b = root ? this.binding(root, li.node.startIndex) : undefined;
    const source = loopSourceOf(li.iterable.text.slice(0, 400), b ? b.value.text.slice(0, 800) : undefined);
    const param = root && !b ? this.loopParam(li, root) : undefined;
    const collection = this.collectionOf(li, b, source, param);
    const listOf = this.moduleListRef(li, b);
    const enumOf = this.lang === 'java' ? this.javaEnumOf(li, root) : undefined;
    return { ...(source ? { source } : {}), ...(param ? { param } : {}), collection, ...(listOf ? { listOf } : {}), ...(enumOf ? { enumOf } : {}) };
  }

  /**
   * Java: the type whose constants the loop walks, when the code names one (NPlusOneEvidence.enumOf): `X.values()`,
   * `Arrays.stream(X.values())`, `EnumSet.allOf(X.class)`, a static method of the type without arguments
   * (`ConfigurationKeys.basic()`, an enum's own subset of its constants), or a map or set keyed by it that the function
   * declares (`Map<ColumnDefinition, …> m` → `m.entrySet()`, `m.keySet()`). Whether `X` is an enum is known only once every
   * file is read (crossFile): the project's own enums are as many items as the code declares.
   */
  private javaEnumOf(li: LoopInfo, root: string | undefined): string | undefined {
    const t = (li.iterable?.text ?? '').replace(/\s+/g, '').replace(/\.(?:stream|parallelStream)\(\)$/, '');
    const m = /^(?:(?:Arrays\.stream|Stream\.of|List\.of|Arrays\.asList)\()?([A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*)\.(?:values\(\)|[a-z]\w*\(\))\)?$/.exec(t) ?? /^EnumSet\.allOf\(([A-Z]\w*)\.class\)$/.exec(t);
    if (m) return m[1];
    if (!root || !new RegExp(`^${escapeRe(root)}(?:\\.(?:entrySet|keySet|values)\\(\\))?$`).test(t)) return undefined;
    const decl = new RegExp(`\\b(?:Map|EnumMap|SortedMap|HashMap|LinkedHashMap|TreeMap|Set|EnumSet)<\\s*([A-Z]\\w*)\\s*[,>](?:[^;()=]*?)>?\\s+${escapeRe(root)}\\s*[=;,)]`).exec(this.declarationsBefore(li.node));
    return decl?.[1];
  }

  /** Java: the enums the file declares (FileCallFacts.javaEnums). */
  private javaEnumFacts(): { javaEnums?: string[] } {
    if (this.lang !== 'java') return {};
    const out = [...new Set([...this.text.matchAll(/\benum\s+([A-Z]\w*)\s*(?:implements\s[^{]*)?\{/g)].map((m) => m[1]))];
    return out.length ? { javaEnums: out } : {};
  }

  /**
   * JS/TS: the loop walks a name of another module of the project (ModuleListRef): `mod.name` where `mod` is bound to
   * `require("./x")` or imported whole (`import * as mod from "./x"`, `import mod from "./x"`), or `name` itself taken from
   * it (`const { name } = require("./x")`, `import { name } from "./x"`). Relative specs only: a package's list is not the app's.
   */
  private moduleListRef(li: LoopInfo, b: Binding | undefined): ModuleListRef | undefined {
    if (!/^(typescript|tsx|javascript)$/.test(this.lang)) return undefined;
    const t = li.iterable?.text.replace(/^await\s+/, '').trim() ?? '';
    const m = /^([A-Za-z_$][\w$]*)(?:\.([A-Za-z_$][\w$]*))?$/.exec(t);
    if (!m) return undefined;
    const spec = (s: string | undefined) => (s && s.startsWith('.') ? s : undefined);
    if (m[2]) {
      const own = this.binding(m[1], li.node.startIndex) ?? (this.bindingsNamed(m[1]).length === 1 ? this.bindingsNamed(m[1])[0] : undefined);
      const req = own ? /^require\(\s*['"]([^'"]+)['"]\s*\)$/.exec(own.value.text.trim())?.[1] : undefined;
      const imported = new RegExp(`^\\s*import\\s+(?:\\*\\s+as\\s+)?${escapeRe(m[1])}\\s+from\\s+['"]([^'"]+)['"]`, 'm').exec(this.text)?.[1];
      const s = spec(req ?? (own ? undefined : imported));
      return s ? { spec: s, name: m[2] } : undefined;
    }
    if (b) {
      // `const { name } = require("./x")`: a module object itself is never what a loop walks, so the name was taken from it.
      const req = /^require\(\s*['"]([^'"]+)['"]\s*\)$/.exec(b.value.text.trim())?.[1];
      const s = spec(req);
      return s ? { spec: s, name: m[1] } : undefined;
    }
    const imported = new RegExp(`^\\s*import\\s+(?:type\\s+)?\\{[^}]*\\b${escapeRe(m[1])}\\b[^}]*\\}\\s+from\\s+['"]([^'"]+)['"]`, 'm').exec(this.text)?.[1];
    const s = spec(imported);
    return s && !new RegExp(`\\bas\\s+${escapeRe(m[1])}\\b`).test(this.text) ? { spec: s, name: m[1] } : undefined;
  }

  /** JS/TS: FileCallFacts.moduleLists — the module's top-level literal lists (moduleList). */
  private moduleLists(): string[] {
    if (!/^(typescript|tsx|javascript)$/.test(this.lang)) return [];
    const names = new Set<string>();
    for (const b of this.bindings) if (!names.has(b.name) && this.moduleList(b.name)) names.add(b.name);
    return [...names];
  }

  /** What the code says about how many items the loop walks (LoopCollection), from its iterable and the value bound to its root name. */
  private collectionOf(li: LoopInfo, b: Binding | undefined, source: LoopSource | undefined, param: LoopParam | undefined): LoopCollection {
    const it = li.iterable!;
    const short = (t: string) => { const x = t.replace(/\s+/g, ' '); return x.length > 48 ? `${x.slice(0, 47)}…` : x; };
    const queries = (n: Node) => this.hits.some((h) => h.node.startIndex >= n.startIndex && h.node.endIndex <= n.endIndex)
      || [...n.text.matchAll(/([A-Za-z_$][\w$]*)\s*\(/g)].some((m) => this.locallyQuerying.has(m[1]) || this.locallyQuerying.has('.' + m[1]));
    if (queries(it)) return { kind: 'query', from: short(it.text) };
    if (b && queries(b.value)) return { kind: 'query', from: short(b.value.text) };
    if (source?.parent === 'the request') return { kind: 'request', from: source.from };
    const t = it.text.replace(/^await\s+/, '').trim();
    const v = b ? b.value.text.trim() : undefined;
    const literal = /^(?:\[|\(|\{|%[wiWI][\[(]|new\s+Set\(\s*\[|(?:Arrays\.asList|List\.of|Set\.of|Map\.of|ImmutableList\.of)\(|\[\]\w+\{|map\[[^\]]*\][\w.*]+\{)/;
    // A list written out with its items; an empty one the code fills (`items = []` then appends) or one derived from another (`[x for x in xs]`) is not.
    // Go's empty `[]*user.User{}` / `map[int64]struct{}{}` too; a parenthesised expression is a tuple only with a comma at
    // its top level (`(Alias.filter(…).yield_per(…))`, `(parsed['agents'] || [])` are the query and the member).
    const written = (x: string) => literal.test(x) && !/^(?:\[\s*\]|\{\s*\}|\(\s*\)|\[\][\w.*]+\{\s*\}|map\[[^\]]*\](?:[\w.*]+|struct\s*\{\s*\})\{\s*\})$/.test(x) && !/\bfor\b[\s\S]*\bin\b|\.\.\./.test(x) && !/^\(\s*await\b/.test(x) && (!x.startsWith('(') || topLevelComma(x));
    // The value bound to the root names the collection only when the loop walks the root itself (or its keys/values), not a member of it.
    const whole = b !== undefined && new RegExp(`^(?:${escapeRe(b.name)}|${escapeRe(b.name)}\\.(?:items|keys|values|entries|each|each_pair)(?:\\(\\))?|Object\\.(?:keys|values|entries)\\(\\s*${escapeRe(b.name)}\\s*\\))$`).test(t);
    if (written(t) || (v !== undefined && whole && written(v)) || this.isFixedSmallList(li)) return { kind: 'literal', from: short(whole ? v ?? t : t) };
    const set = this.configuredSet(li);
    // A name in capitals bound in the function (`const SERVICES_TO_LOAD = Object.keys(…)`) is that local's value, not a constant.
    if (set || ((!b || !this.enclosingFunctionOf(b.value)) && /^(?:Object\.(?:values|keys|entries)\(\s*)?[A-Z][A-Z0-9_]+(?![\w$]|\s*\.\s*(?!(?:items|keys|values|each|each_pair|entries)\b)\w+\s*\(|\s*\()/.test(t)) || /\b[A-Z]\w*\.values\(\)$|^Object\.(?:values|keys|entries)\(\s*[A-Z]\w*\s*\)$/.test(t)) return { kind: 'constant', from: short(set ?? t) };
    if (source && source.kind === 'children' && !source.column) return { kind: 'relation', from: source.from };
    if (param) return { kind: 'parameter', from: `${param.name}, a parameter of ${param.fn}` };
    if (/^(?:self|this|cls)\.|^@[a-z_]/.test(t) && !/\(/.test(t)) return { kind: 'field', from: short(t) };
    // A member of a bound object literal (`data.lists` of `data = { lists: … }`) is that member, not the literal.
    const value = v !== undefined && !whole && written(v) ? undefined : v;
    if (/\(/.test(value ?? t)) return { kind: 'call', from: short(value ?? t) };
    return { kind: 'other', from: short(value ?? t) };
  }

  /**
   * The loop walks a parameter of the named function it is in, as given (`for _, e := range events`, `for key, value in
   * settings.items()`, `Object.entries(settings)`): the function's name and the parameter's position. Not when the function
   * assigns the name before the loop (that is the function's own value) nor for a function literal (no callers by name).
   */
  private loopParam(li: LoopInfo, root: string): LoopParam | undefined {
    const it = li.iterable?.text.replace(/^await\s+/, '').trim() ?? '';
    const r = escapeRe(root);
    if (!new RegExp(`^(?:${r}|${r}\\.(?:items|keys|values|entries|each|each_pair)(?:\\(\\))?|Object\\.(?:entries|keys|values)\\(\\s*${r}\\s*\\)|enumerate\\(\\s*${r}\\s*\\))$`).test(it)) return undefined;
    const def = this.enclosingFunctionOf(li.node);
    const fn = def ? field(def, 'name')?.text : undefined;
    if (!def || !fn || !/^[A-Za-z_$][\w$]*[!?]?$/.test(fn)) return undefined;
    const index = this.paramNames(def)?.indexOf(root) ?? -1;
    return index >= 0 ? { fn, index, name: root } : undefined;
  }

  /** Root identifier of an iterable (`users` of `users.rows`, `result.rows`, `await users`). */
  private iterableRoot(li: LoopInfo): string | undefined {
    const t = li.iterable?.text.replace(/^await\s+/, '').replace(/^\(+/, '');
    const m = t ? /^[@$]?[A-Za-z_][\w$]*/.exec(t) : null;
    return m?.[0].replace(/^@/, '');
  }

  /** The last assignment to `name` before an offset, in the same function (or at module level). */
  private binding(name: string, before: number): Binding | undefined {
    let best: Binding | undefined;
    for (const b of this.bindingsNamed(name)) if (b.at < before && (!best || b.at > best.at) && this.visibleAt(b, before)) best = b;
    return best;
  }

  /** The bindings of one name (indexed again when bindings were added since). */
  private bindingsNamed(name: string): readonly Binding[] {
    if (this.bindingIndex?.size !== this.bindings.length) {
      const byName = new Map<string, Binding[]>();
      for (const b of this.bindings) byName.set(b.name, [...(byName.get(b.name) ?? []), b]);
      this.bindingIndex = { size: this.bindings.length, byName };
    }
    return this.bindingIndex.byName.get(name) ?? [];
  }

  private bindingIndex: { size: number; byName: Map<string, Binding[]> } | undefined;

  /** A binding made inside a named function is not seen from outside it (another function's local of the same name). */
  private visibleAt(b: Binding, offset: number): boolean {
    // The innermost named function around the binding, found once per binding (again if functions were added since).
    let known = this.scopeOfBinding.get(b);
    if (known?.functions !== this.functions.size) {
      let inner: Node | undefined;
      for (const def of this.functions.values()) if (this.within(def, b.value) && (!inner || this.within(inner, def))) inner = def;
      this.scopeOfBinding.set(b, (known = { functions: this.functions.size, scope: inner && this.spanOf(inner) }));
    }
    const scope = known.scope;
    return !scope || (scope[0] <= offset && offset < scope[1]);
  }

  private readonly scopeOfBinding = new Map<Binding, { functions: number; scope: readonly [number, number] | undefined }>();

  private arrayElements(n: Node | undefined): Node[] | undefined {
    while (n && /^(as_expression|satisfies_expression|parenthesized_expression|non_null_expression)$/.test(n.type)) n = named(n)[0];
    if (!n) return undefined;
    if (this.a.arrayTypes.has(n.type)) {
      const elements = (n.type === 'composite_literal' ? named(field(n, 'body')) : named(n)).filter((c) => !this.a.commentTypes.has(c.type));
      // `[...ids, ...(await children())]`, `[*rows]`: as many items as the spread data, not a fixed list.
      return elements.some((e) => /spread|splat|list_splat|variadic/.test(e.type)) ? undefined : elements;
    }
    // Go: `append(statTables, "hit_counts", "paths")` — string literals added to a list of names (a literal list, or a
    // package-level list declared in another file of the package, which this file does not bind).
    if (this.lang === 'go' && n.type === 'call_expression' && field(n, 'function')?.text === 'append') {
      const args = named(field(n, 'arguments'));
      const more = args.slice(1);
      if (!args[0] || !more.length || !more.every((a) => this.a.stringTypes.has(a.type))) return undefined;
      const base = args[0];
      if (base.type !== 'identifier') return undefined;
      const b = this.binding(base.text, n.startIndex);
      const bv = b && b.value.type === 'expression_list' ? named(b.value)[0] : b?.value;
      // Go's `[]string{"a", "b"}`: each element is a literal_element around the string.
      const own = (bv ? this.arrayElements(bv) : [])?.map((e) => (e.type === 'literal_element' && named(e)[0]) || e);
      return own && own.every((e) => this.a.stringTypes.has(e.type)) ? [...own, ...more] : undefined;
    }
    return undefined;
  }

  /**
   * The number of items of the literal list a function only returns (`func defaultTags() []TagCreate { return
   * []TagCreate{{…}, {…}} }`, `() => ['a', 'b']`, `def kinds(): return [A, B]`); undefined for any other body.
   */
  private returnedLiteral(def: Node): number | undefined {
    const body = field(def, 'body');
    if (!body) return undefined;
    let stmts = named(body).filter((c) => !this.a.commentTypes.has(c.type));
    if (stmts.length === 1 && stmts[0].type === 'statement_list') stmts = named(stmts[0]).filter((c) => !this.a.commentTypes.has(c.type));
    let value: Node | undefined = body;
    if (stmts.length === 1 && /^return(_statement)?$/.test(stmts[0].type)) value = named(stmts[0])[0];
    else if (/^(block|statement_block|compound_statement|block_statement)$/.test(body.type)) return undefined;
    if (value?.type === 'expression_list') value = named(value).length === 1 ? named(value)[0] : undefined;
    return this.arrayElements(value)?.length;
  }

  /**
   * A call to a function of this file (or a name bound to one) whose every `return` hands back a literal list of a few
   * items (held-out-ak atproto: `const postEmbeds = separateEmbeds(obj.embed); for (const postEmbed of postEmbeds)` with `return []`, `return [embed.record, embed.media]`, `return
   * [embed]`): at most its longest list, as many items as the code writes. A return of nothing (`nil`, `None`, `null`) is
   * no items.
   */
  private returnedLists(li: LoopInfo): { iterations: number; from: string } | undefined {
    // The call itself, or a name bound to it and not added to before the loop (`const postEmbeds = separateEmbeds(obj.embed)`).
    let it = li.iterable;
    if (it && /^[A-Za-z_$][\w$]*$/.test(it.text)) {
      const b = this.binding(it.text, li.node.startIndex);
      const r = escapeRe(it.text);
      const added = b && new RegExp(`(^|[^\\w$.])${r}\\s*(\\.\\s*(append|push|extend|insert|add|concat|unshift)\\s*\\(|<<|\\+=)|\\bappend\\(\\s*${r}\\s*,`).test(this.text.slice(b.value.endIndex, li.node.startIndex));
      it = b && !added ? b.value : undefined;
    }
    const name = it && this.a.callTypes.has(it.type) ? /^([A-Za-z_$][\w$]*)\s*\(/.exec(it.text)?.[1] : undefined;
    const def = name ? this.functions.get(name) : undefined;
    const body = def ? field(def, 'body') : undefined;
    if (!def || !body) return undefined;
    const returns = body.descendantsOfType(['return_statement', 'return']).filter((r): r is Node => !!r && r.isNamed && same(this.enclosingFunctionOf(r), def));
    let most = 0;
    for (const r of returns) {
      let value: Node | undefined = named(r)[0];
      // Go: `return []*User{n.Doer}` holds its one value in an expression_list.
      if (value?.type === 'expression_list') value = named(value).length === 1 ? named(value)[0] : value;
      // `return nil` / `None` / `null` (vikunja's `default: return nil` after `case …: return []*user.User{n.Doer}`): no items.
      if (value && /^(?:nil|None|null|undefined)$/.test(value.text)) continue;
      const items = value && value.type !== 'expression_list' ? this.arrayElements(value) : undefined;
      if (!items) return undefined;
      most = Math.max(most, items.length);
    }
    return returns.length > 0 && most > 0 && most <= MAX_FIXED_LIST ? { iterations: most, from: `${name}() returns at most ${most}` } : undefined;
  }

  /** A literal list (inline or bound to a name) feeding the loop. */
  private literalList(li: LoopInfo): Node[] | undefined {
    const direct = this.arrayElements(li.iterable?.type === 'parenthesized_expression' ? named(li.iterable)[0] : li.iterable);
    if (direct) return direct;
    const field = this.fieldLiteral(li.iterable?.text.replace(/^await\s+/, ''));
    if (field) return this.arrayElements(field.value);
    const root = this.iterableRoot(li);
    if (!root || li.iterable?.text !== root) return undefined;
    const b = this.binding(root, li.node.startIndex) ?? this.moduleList(root);
    if (!b) return undefined;
    // `incidents = [incidents]` under `if isinstance(incidents, IncidentDto):`: one item made a list, else the caller's list.
    const own = this.arrayElements(b.value);
    if (own?.length === 1 && own[0].text === root) return undefined;
    // `ids = [one_id]` in one branch and `ids = [r.id for r in rows]` in another: not a fixed list.
    if (this.bindingsNamed(root).some((o) => o !== b && o.at < li.node.startIndex && this.visibleAt(o, li.node.startIndex) && !this.arrayElements(o.value))) return undefined;
    // `events = []` filled before the loop (`events.append(…)`, `push`, `<<`, `+=`, Go `append(events, …)`, or Go's
    // `db.SelectContext(ctx, &events, …)` filling it through a pointer) holds as many items as the data; so does a map
    // filled by key (Go `projects := map[int64]struct{}{}`, then `projects[t.ProjectID] = struct{}{}` per task).
    const r = escapeRe(root);
    const filled = new RegExp(`(^|[^\\w$.])${r}\\s*(\\.\\s*(append|push|extend|insert|add|concat|unshift|push_back)\\s*\\(|<<|\\+=|\\[[^\\]\\n]*\\]\\s*=(?!=))|\\bappend\\(\\s*${r}\\s*,|(^|[^&])&\\s*${r}\\b`).test(this.text.slice(b.value.endIndex, li.node.startIndex));
    return filled ? undefined : this.arrayElements(b.value);
  }

  /**
   * A list the module writes once at its top level, below the function that walks it (Jellystat: `const
   * materializedViews = ["js_latest_playback_activity", …]` after `deleteBulk`, which refreshes each): bound once in the
   * file, outside every function, to a literal of strings or numbers, and nothing in the file adds to it. The function
   * runs after the module is loaded, so the list is the one written.
   */
  private moduleList(root: string): Binding | undefined {
    const all = this.bindingsNamed(root);
    if (all.length !== 1 || this.functionsAround(all[0].value)) return undefined;
    const items = this.arrayElements(all[0].value);
    if (!items?.length || items.length > MAX_FIXED_LIST || !items.every((e) => this.a.stringTypes.has(e.type) && !named(e).some((c) => /interpolation|substitution/.test(c.type)) || /^(number|integer|float|int_literal|decimal_integer_literal)$/.test(e.type))) return undefined;
    const r = escapeRe(root);
    if (new RegExp(`(^|[^\\w$.])${r}\\s*(\\.\\s*(append|push|extend|insert|add|concat|unshift|splice)\\s*\\(|<<|\\+=|\\[[^\\]]*\\]\\s*=(?!=))`).test(this.text)) return undefined;
    return all[0];
  }

  /**
   * A field of the object (`this.defaultIntervals`, `self.kinds`) the file writes once, as a literal list or map of at
   * most MAX_FIXED_LIST items, and never adds to (Jellystat's task scheduler: `this.defaultIntervals = { PartialJellyfinSync:
   * {…}, JellyfinSync: {…}, … }` in its constructor, walked by `for (const key in this.defaultIntervals)` each tick): a
   * configured set the code lists, as many items as written whatever the data. Its one binding, or undefined.
   */
  private fieldLiteral(text: string | undefined): Binding | undefined {
    if (!text || !/^(?:this|self)\.[A-Za-z_$][\w$]*$/.test(text)) return undefined;
    const all = this.bindingsNamed(text);
    if (all.length !== 1) return undefined;
    const v = all[0].value;
    const items = this.arrayElements(v) ?? (/^(dictionary|object|hash)$/.test(v.type) ? named(v).filter((c) => !this.a.commentTypes.has(c.type)) : undefined);
    if (!items?.length || items.length > MAX_FIXED_LIST || items.some((e) => /spread|splat/.test(e.type))) return undefined;
    // Added to anywhere in the file (`this.kinds.push(…)`, `self.kinds[k] = …`, `this.kinds += …`): as many as the data.
    const r = escapeRe(text);
    if (new RegExp(`(^|[^\\w$.])${r}\\s*(\\.\\s*(append|push|extend|insert|add|concat|unshift|splice|set|update|setdefault|merge!?|store)\\s*\\(|<<|\\+=|\\[[^\\]\\n]*\\]\\s*=(?!=))`).test(this.text)) return undefined;
    return all[0];
  }

  /** Whether a node lies inside one of the file's functions. */
  private functionsAround(n: Node): boolean {
    for (let p = n.parent; p; p = p.parent) if (this.isFunction(p)) return true;
    return false;
  }

  /**
   * A size the code fixes (issue 14, held-out-m): a counter up to a constant (`for i := 0; i < Days; i++`,
   * `for (let i = 0; i < MAX_RETRIES; i++)`), or a list made with a constant length and iterated
   * (`for day := range summary.Files` where `Files: make([]int, SummaryRangeDays)`; `new Array(7)`,
   * `Array.from({ length: WEEK })`): as many items as the code says, whatever the data.
   */
  private declaredSize(li: LoopInfo): { iterations: number; from: string } | undefined {
    const valueOf = (x: string): number | undefined => (/^\d+$/.test(x) ? Number(x) : this.constantValue(x));
    if (li.shape === 'counter') {
      const header = this.text.slice(li.node.startIndex, li.body.startIndex > li.node.startIndex ? li.body.startIndex : li.node.startIndex + 200);
      const m = /<=?\s*([A-Za-z_$][\w$]*|\d+)\s*[;{)]/.exec(header);
      const n = m ? valueOf(m[1]) : undefined;
      if (n !== undefined && n > 0 && m) return { iterations: n, from: `up to ${m[1]}` };
    }
    const it = li.iterable?.text ?? '';
    const path = /^([\w$]+)(?:\.([\w$]+))?$/.exec(it);
    if (!path) return undefined;
    const b = this.binding(path[1], li.node.startIndex);
    if (!b) return undefined;
    const src = path[2] ? new RegExp(`(^|[^\\w$])${escapeRe(path[2])}\\s*:\\s*([^\\n]+)`).exec(b.value.text)?.[2] ?? '' : b.value.text;
    const made = /^\s*(?:make\(\s*\[\][\w.*]+\s*,\s*|new\s+Array\(\s*|Array\(\s*|Array\.from\(\s*\{\s*length\s*:\s*)([A-Za-z_$][\w$.]*|\d+)\s*[),}]/.exec(src);
    const n = made ? valueOf(made[1].replace(/^\w+\./, '')) : undefined;
    return n !== undefined && n > 0 && made ? { iterations: n, from: `made with length ${made[1]}` } : undefined;
  }

  /** The value of a numeric constant the file declares (`const Days = 12`, `MAX = 5`, `static final int N = 3`). */
  private constantValue(name: string): number | undefined {
    if (!/^(?:[A-Z][A-Z0-9_]*|[A-Z][A-Za-z0-9]*)$/.test(name)) return undefined;
    const m = new RegExp(`(?:^|[\\s(;,])${escapeRe(name)}\\s*(?::\\s*[\\w.]+\\s*)?=\\s*(\\d+)\\s*(?:$|[;,)\\n])`, 'm').exec(this.text);
    return m ? Number(m[1]) : undefined;
  }

  private estimate(li: LoopInfo): { iterations?: number; from?: string; bounded?: boolean; declared?: boolean } {
    if (li.count !== undefined && li.count > 0) return { iterations: li.count, from: li.kind === 'block' ? `${li.count}.times` : `range ${li.count}`, declared: true };
    const list = this.literalList(li);
    if (list) return { iterations: list.length, from: 'literal list', declared: true };
    const sized = this.declaredSize(li);
    if (sized) return { ...sized, declared: true };
    const returned = this.returnedLists(li);
    if (returned) return { ...returned, declared: true };
    const limitOf = (t: string): { n: number; from: string } | undefined => {
      const m = /\blimit\s*\(?\s*(\d+)|\btake\s*:\s*(\d+)|\blimit\s*:\s*(\d+)|\.Limit\(\s*(\d+)\s*\)|\[\s*:\s*(\d+)\s*\]|\.first\(\s*(\d+)\s*\)|\bfetch\s+first\s+(\d+)|PageRequest\.of\(\s*\d+\s*,\s*(\d+)|\bper_page\s*[:=]\s*(\d+)|\bpageSize\s*[:=]\s*(\d+)/i.exec(t);
      if (!m) return undefined;
      return { n: Number(m.slice(1).find((x) => x !== undefined)), from: m[0].replace(/\s+/g, ' ') };
    };
    if (li.iterable) {
      const direct = limitOf(li.iterable.text);
      if (direct) return { iterations: direct.n, from: direct.from, bounded: true };
      const root = this.iterableRoot(li);
      const b = root ? this.binding(root, li.node.startIndex) : undefined;
      if (b) {
        const l = limitOf(b.value.text);
        if (l) return { iterations: l.n, from: l.from, bounded: true };
      }
    }
    return {};
  }

  /**
   * A local holding one statement with the item's values written into it (Jellystat: `` const q = `UPDATE activity SET
   * "ItemId" = '${movie.New}' WHERE "ItemId" = '${movie.Old}'` `` then `db.query(q)`): a string or template whose text is a
   * statement (it starts with a verb) and names the loop variable only where a value goes, never where a table does
   * (after FROM, JOIN, INTO, UPDATE, TABLE, VIEW) — the same statement per item, as when the template is the call's
   * argument itself, not a list of different statements.
   */
  private valuesInlined(value: Node, v: string): boolean {
    // Go `fmt.Sprintf("UPDATE t SET seen = true WHERE id = '%s'", u.ID)`: the format is the statement and its verbs are
    // where the item's fields go — values, unless a verb names the table (`DELETE FROM %s`, `DROP INDEX %s`).
    const format = this.lang === 'go' && value.type === 'call_expression' && /(^|\.)Sprintf$/.test(field(value, 'function')?.text ?? '') ? named(field(value, 'arguments'))[0] : undefined;
    if (format && this.a.stringTypes.has(format.type)) {
      const f = format.text.replace(/^(`|")\s*/, '');
      if (!/^(select|update|insert|delete|with)\b/i.test(f)) return false;
      const verbs = [...f.matchAll(/%[-+# 0-9.]*[a-zA-Z]/g)];
      return verbs.length > 0 && verbs.every((m) => {
        const before = f.slice(Math.max(0, m.index - 60), m.index).replace(/["'`\s]+$/, '');
        return !/\b(from|join|into|update|table|view|exists)(\s+(\w+|"[^"]*")\.)?$/i.test(before) && before.trim() !== '';
      });
    }
    if (!this.a.stringTypes.has(value.type)) return false;
    const text = value.text.replace(/^[fFrRbBuU]{0,2}(`|'''|"""|'|"|<<[~-]?\w+)\s*/, '');
    if (!/^(select|update|insert|delete|with)\b/i.test(text)) return false;
    const uses = [...text.matchAll(new RegExp(`(^|[^\\w$])${escapeRe(v)}(?=[^\\w$]|$)`, 'g'))];
    return uses.length > 0 && uses.every((m) => {
      const before = text.slice(Math.max(0, m.index - 60), m.index + m[1].length).replace(/(\$\{|#\{|\{|%\()\s*$/, '').replace(/["'`\s]+$/, '');
      return !/\b(from|join|into|update|table|view|exists)(\s+(\w+|"[^"]*")\.)?$/i.test(before) && before.trim() !== '';
    });
  }

  /** The SQL argument is the item or built from it (isStatementList): a different statement per item. */
  private statementFromItem(arg: Node | undefined, v: string | undefined, li: LoopInfo): boolean {
    if (!arg || !v || this.a.stringTypes.has(arg.type) || arg.type === 'template_string' || arg.type === 'object') return false;
    const t = arg.text;
    if (t === v || t.startsWith(v + '.') || t.startsWith(v + '[') || t.startsWith(v + '->') || t.startsWith(`sql.raw(${v}`)) return true;
    // The SQL text is built from the item (`SEED.syncIdentity(t)`, `ddlFor(table)`): a different statement each time.
    if (/^(call_expression|call|method_invocation)$/.test(arg.type) && new RegExp(`[(,]\\s*${escapeRe(v)}\\s*[),.\\[]`).test(t)) return true;
    // The SQL is built from the loop variable in another local: `const sql = build(v)`.
    const b = /^[A-Za-z_$][\w$]*$/.test(t) ? this.binding(t, arg.startIndex) : undefined;
    if (b && contains(li.body, b.value) && new RegExp(`(^|[^\\w$])${escapeRe(v)}([^\\w$]|$)`).test(b.value.text) && !this.hitByStart.has(b.value.startIndex) && !this.valuesInlined(b.value, v)) return true;
    return false;
  }

  /** Loop variable used as the SQL text (`for (const stmt of migrations) await db.query(stmt)`): different statements. */
  private isStatementList(call: DbCall, li: LoopInfo): boolean {
    const arg = call.sqlArg;
    // A counter loop names its item in the body (`spec := exportTables[i]`, `const t = tables[i]`): that name is the item too.
    const alias = li.variable && /^[A-Za-z_$][\w$]*$/.test(li.variable) ? new RegExp(`(?:^|[\\s;{(])(?:const\\s+|let\\s+|var\\s+)?([A-Za-z_$][\\w$]*)\\s*:?=\\s*[\\w$.]+\\[\\s*${escapeRe(li.variable)}\\s*\\]\\s*(?:;|\\n|$)`, 'm').exec(li.body.text)?.[1] : undefined;
    for (const v of alias ? [li.variable, alias] : [li.variable]) if (this.statementFromItem(arg, v, li)) return true;
    const v = li.variable;
    const list = this.literalList(li);
    if (list && list.length > 0 && list.every((e) => this.a.stringTypes.has(e.type) || e.type === 'template_string')) {
      // A fixed list of strings: tables, statements (migrations). Different statements, not N+1.
      return true;
    }
    if (list && list.length > 0 && list.every((e) => e.type === 'object' || e.type === 'dictionary' || e.type === 'hash') && call.sqlArg && v && call.sqlArg.text.startsWith(v)) return true;
    return false;
  }

  /**
   * Building a query, not running it: `qs = qs.filter(…)`, `query = query.where(…)` (the result
   * goes back into the name it came from), or a lazy Django queryset handed to another call as a
   * subquery (`id__in=Model.objects.filter(…)`).
   */
  private isLazyComposition(hit: DbHit): boolean {
    const { node, call } = hit;
    let p = node.parent;
    while (p && /^(await_expression|await|parenthesized_expression)$/.test(p.type)) p = p.parent;
    if (!p) return false;
    const spec = ASSIGN_TYPES[p.type];
    const root = /^[@$]?[A-Za-z_][\w$]*/.exec(node.text)?.[0];
    if (spec && root && field(p, spec[0])?.text === root && !/^await\b/.test(field(p, spec[1])?.text ?? '')) return true;
    const djangoLazy = call.library === 'django' && /^(filter|exclude|all|order_by|select_related|prefetch_related|only|defer|annotate|distinct|values|values_list|using|none)$/.test(call.method);
    // A queryset written as a statement of its own (`Book.objects.filter(…)` on its line): built, never evaluated.
    if (djangoLazy && p.type === 'expression_statement') return true;
    // `qs or Model.objects.using(db)` handed on: still a queryset.
    let arg: Node | null = p;
    while (djangoLazy && arg && /^(boolean_operator|conditional_expression|parenthesized_expression)$/.test(arg.type)) arg = arg.parent;
    // …but list(qs), len(qs), sorted(qs) evaluate it there.
    if (djangoLazy && arg && /^(keyword_argument|argument_list)$/.test(arg.type) &&
      !(arg.type === 'argument_list' && /^(list|len|sorted|set|tuple|sum|any|all|dict|next|bool|frozenset)$/.test(field(arg.parent!, 'function')?.text ?? ''))) return true;
    // `pending = Model.objects.filter(…)` in a loop and never used again there: nothing is evaluated.
    if (djangoLazy && spec && p.type === 'assignment' && field(p, 'left')?.type === 'identifier') {
      const name = field(p, 'left')!.text;
      const li = this.enclosingLoop(node);
      if (li && !new RegExp(`\\b${escapeRe(name)}\\b`).test(this.text.slice(p.endIndex, li.body.endIndex))) return true;
    }
    if (call.library === 'sqlalchemy' && this.isLazySqlAlchemyQuery(node, p, spec)) return true;
    // An ActiveRecord relation handed to another relation (`query.and!(Story.where(…))`, `tags.or!(Tag.where(…))`).
    if (call.library === 'activerecord' && /^(where|not|or|and|joins|left_joins|includes|preload|order|limit|select|none|all|merge|rewhere)$/.test(call.method) && /^(argument_list|pair)$/.test(p.type)) return true;
    // A relation built unrun as the value a `map` block returns (Sequel/ActiveRecord datasets gathered for a UNION).
    if (call.library === 'activerecord' && this.lang === 'ruby' && lazyRelationCollected(hit.chain, this.ctx)) return true;
    return false;
  }

  /**
   * SQLAlchemy's legacy Query is lazy: `q = session.query(M.id, …).filter(…)` in a loop runs nothing
   * until something evaluates `q`. Lazy when the chain ends in a builder method and, in the rest of the
   * loop, `q` is only composed (`qs.union(q)`), never evaluated (`q.all()`, `for x in q`, `list(q)`).
   */
  private isLazySqlAlchemyQuery(node: Node, p: Node, spec: [string, string] | undefined): boolean {
    if (!spec || p.type !== 'assignment' || field(p, 'left')?.type !== 'identifier') return false;
    const methods = /\.\s*(\w+)\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*$/.exec(node.text)?.[1];
    if (!methods || !/^(query|filter|filter_by|join|outerjoin|order_by|group_by|having|options|limit|offset|with_entities|distinct|select_from|correlate|params|add_columns|execution_options)$/.test(methods)) return false;
    const name = escapeRe(field(p, 'left')!.text);
    const li = this.enclosingLoop(node);
    if (!li) return false;
    const rest = this.text.slice(p.endIndex, li.body.endIndex);
    return !new RegExp(`\\b${name}(?:\\s*\\.\\s*\\w+\\s*\\((?:[^()]|\\([^()]*\\))*\\))*\\s*\\.\\s*(all|first|one|one_or_none|scalar|count|get|delete|update|exists|paginate|__iter__)\\s*\\(|\\bin\\s+${name}\\b|\\b(list|len|sorted|set|tuple|next|any)\\s*\\(\\s*${name}\\s*\\)|\\b(return|yield)\\s+${name}\\b`).test(rest);
  }

  /** A loop over a short literal list (`for kind in ('a', 'b')`): a fixed number of round trips, not N+1. */
  private isFixedSmallList(li: LoopInfo): boolean {
    // `Array.wrap(organization)`, `Array(record)`: one value made a list (a plural name stays a list).
    const wrapped = /^Array(?:\.wrap)?\(\s*@?([a-z_]\w*)\s*\)$/.exec(li.iterable?.text ?? '');
    if (wrapped && !/(s|list|ids|collection|items)$/.test(wrapped[1])) return true;
    if (this.isConstantList(li) || this.isSizeGuarded(li) || this.isDeclaredSet(li) || this.isPageOfOne(li)) return true;
    if (this.lang === 'python' && isFormsetRows(li.iterable?.text, this.text)) return true;
    // Go `for range ticker.C` / `for t := range time.Tick(d)`: periodic work, one round per tick, not per item.
    if (this.lang === 'go' && /^(?:[\w.]*[Tt]icker\w*\.C|time\.Tick\(.*\))$/.test(li.iterable?.text ?? '')) return true;
    // What the schema or the call's own keywords list: `for k, v in kwargs.items()`, `metadata.sorted_tables`,
    // `Model._meta.get_fields()`, `__table__.columns`: as many items as the code declares, not as the data.
    if (/^(?:\*\*)?kwargs(?:\.(?:items|keys|values)\(\))?$|(?:^|\.)(?:metadata|meta|_meta|__table__|__mapper__)\.(?:sorted_tables|tables|columns|get_fields\(\)|fields|relationships|attrs)(?:\.(?:items|keys|values)\(\))?$/.test(li.iterable?.text ?? '')) return true;
    // The fields of one model object (`params.model_dump(exclude_unset=True).items()`, pydantic v1 `form.dict().items()`):
    // as many as its class declares — one settings form's keys, not rows.
    if (this.lang === 'python' && /^[A-Za-z_][\w.]*\.(?:model_dump|dict)\((?:[^()]|\([^()]*\))*\)\.(?:items|keys|values)\(\)$/.test(li.iterable?.text ?? '')) return true;
    // The app's own route table (`for route in app.routes`, `self.app.router.routes`): the routes the code declares.
    if (this.lang === 'python' && /^(?:self\.)?(?:(?:app|application|api)\.)?(?:app|application|router|api)\.routes$/.test(li.iterable?.text ?? '')) return true;
    // The recipients of one mail (`message.to_addrs`, `mail.to`): a handful, once per mail sent.
    if (/^@?(message|mail|email)\.(to|to_addrs|cc|bcc|cc_addrs|bcc_addrs|recipients|destinations|smtp_envelope_to)\b/.test(li.iterable?.text ?? '')) return true;
    const list = this.literalList(li) ?? this.literalMapEntries(li);
    return list !== undefined && list.length <= MAX_FIXED_LIST;
  }

  /**
   * The loop walks a local the code fetched as a page of one item: `reviews, total, err := repo.GetReviewPage(ctx,
   * req.Page, 1, cond)`, `…ListPage(ctx, &Query{Page: req.Page, PageSize: 1})`, `…find({ take: 1 })`, `.Limit(1)` — a
   * review queue shown one item at a time (held-out-aq Answer: three such loops were warned as pages).
   */
  private isPageOfOne(li: LoopInfo): boolean {
    const t = li.iterable?.text;
    if (!t || !/^[A-Za-z_$][\w$]*$/.test(t)) return false;
    const before = this.text.slice(Math.max(0, li.node.startIndex - 800), li.node.startIndex);
    const asg = [...before.matchAll(new RegExp(`(?:^|[\\s,(])${escapeRe(t)}\\b[\\w$\\s,]*(?::=|=)(?!=)`, 'g'))].pop();
    if (!asg) return false;
    // The assigned call, to its closing parenthesis.
    const rhs = before.slice(asg.index! + asg[0].length);
    let depth = 0;
    let end = rhs.length;
    for (let i = 0; i < rhs.length; i++) {
      const c = rhs[i];
      if (c === '(' || c === '{' || c === '[') depth++;
      else if (c === ')' || c === '}' || c === ']') {
        depth--;
        if (depth === 0) {
          end = i + 1;
          break;
        }
      } else if (c === '\n' && depth === 0 && i > 0) {
        end = i;
        break;
      }
    }
    return PAGE_OF_ONE.test(rhs.slice(0, end));
  }

  /**
   * As many items as the code declares, not as the data (Python): a literal range (`for i in range(1, 5)`)
   * of at most MAX_FIXED_LIST; the members of an Enum class (`for reason in
   * ResolutionReason:` — iterating a class names its members); a list imported from the app's
   * configuration or constants module (`from app.priority.config import default_priorities`).
   */
  private isDeclaredSet(li: LoopInfo): boolean {
    if (this.lang === 'typescript' || this.lang === 'tsx' || this.lang === 'javascript') return this.isEnumValues(li);
    if (this.lang === 'java') return this.isSettingsEntries(li);
    if (this.lang !== 'python') return false;
    if (li.count !== undefined && li.count > 0 && li.count <= MAX_FIXED_LIST) return true;
    const t = li.iterable?.text ?? '';
    const r = /^(?:reversed|list|sorted|enumerate)\(\s*range\(\s*(-?\d+)\s*(?:,\s*(-?\d+)\s*)?\)\s*\)$/.exec(t);
    if (r && (r[2] === undefined ? Number(r[1]) : Number(r[2]) - Number(r[1])) <= MAX_FIXED_LIST) return true;
    if (/^[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*$/.test(t) && !this.binding(t, li.node.startIndex)) return true;
    // An Enum nested in a class (`for type_ in Subscriptions.Type:`, hypothesis h): every segment a class's name, the
    // root not a name the function binds — iterating a class names its members, as many as the code declares.
    if (/^(?:[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*\.)+[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*$/.test(t) && !this.binding(t.split('.')[0], li.node.startIndex)) return true;
    const from = /^\w+$/.test(t) ? this.ctx.importedFrom?.get(t) : undefined;
    return from !== undefined && /(^|\.)(config|configs|settings|constants?|defaults?|enums?)$/.test(from);
  }

  /**
   * Java: the entries of one settings form — a collection whose element type names configuration or setting entries
   * (`List<ConfigurationModification> list` → `list.stream().forEach(c -> save(c.getKey(), c.getValue()))`,
   * `for (ConfigurationKeyValue kv : toUpdateOrCreate)`): one per key the app declares, not per row. Not a
   * configuration item (a CMDB's assets are rows).
   */
  private isSettingsEntries(li: LoopInfo): boolean {
    const root = this.iterableRoot(li);
    if (!root) return false;
    const entry = String.raw`(?:[A-Z]\w*\.)?(?:Configuration|Config|Settings?)(?:KeyValue|Modification|Change|Update|Entry|Pair|Value)`;
    // The enhanced for's own declared type.
    const header = li.body.startIndex > li.node.startIndex ? this.text.slice(li.node.startIndex, li.body.startIndex) : '';
    if (new RegExp(`^for\\s*\\(\\s*(?:final\\s+)?${entry}\\s+[\\w$]+\\s*:`).test(header)) return true;
    return new RegExp(`\\b(?:List|Collection|Set|Iterable|ArrayList)<\\s*${entry}\\s*>\\s+${escapeRe(root)}\\b`).test(this.declarationsBefore(li.node));
  }

  /**
   * JS/TS: the members of an enum or a constant map (`Object.values(DataSource)`, `Object.keys(Status).map(…)`, or a
   * name bound to that): as many items as the code declares. A PascalCase name that is not bound in the file to a value
   * it computes (an imported enum, a Prisma enum, a `const Roles = {…}`), never a camelCase variable holding data.
   */
  private isEnumValues(li: LoopInfo): boolean {
    let t = li.iterable?.text ?? '';
    // `for (const key in EmailProviderType)`: the keys of an imported enum or a constant map the file declares
    // (held-out-al: Dittofeed's upsert per provider type missing from a workspace).
    if (li.kind === 'for…in' && /^[A-Z][A-Za-z0-9_]*$/.test(t.trim())) {
      const v = this.binding(t.trim(), li.node.startIndex);
      return !v || /^(?:\{|Object\.freeze\(\s*\{)/.test(v.value.text.trim());
    }
    const b = /^[\w$]+$/.test(t) ? this.binding(t, li.node.startIndex) : undefined;
    if (b) t = b.value.text;
    // A local the code names a constant, holding the keys of an object it was handed or keeps
    // (`const SERVICES_TO_LOAD = Object.keys(this.servicesFromFiles)`): the set its modules declare, not rows.
    if (b && /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(li.iterable?.text ?? '') && /^Object\.(?:values|keys|entries)\(\s*(?:this\.)?[A-Za-z_$][\w$]*\s*\)$/.test(t.trim())) return true;
    const m = /^Object\.(?:values|keys|entries)\(\s*([A-Z][A-Za-z0-9_]*)\s*\)(?:\.filter\([^()]*(?:\([^()]*\)[^()]*)*\))?$/.exec(t.trim());
    if (!m) return false;
    const v = this.binding(m[1], li.node.startIndex);
    return !v || /^(?:\{|Object\.freeze\(\s*\{)/.test(v.value.text.trim());
  }

  /**
   * A declared set inside a loop over data (`for incident in incidents: for kind in ReportKinds:`): the
   * call still runs once per item of the outer loop, so that loop is the one to judge.
   */
  private pastDeclaredSet(li: LoopInfo | undefined): LoopInfo | undefined {
    if (!li || !this.isDeclaredSet(li)) return li;
    return this.enclosingLoop(li.node) ?? li;
  }

  /** `for k, v in ops.items()` / `Object.entries(ops)` where `ops = { … }` is a literal map of this function. */
  private literalMapEntries(li: LoopInfo): Node[] | undefined {
    const t = li.iterable?.text.replace(/^await\s+/, '') ?? '';
    // JS `for (const key in tasks)` walks the keys of the object, as `Object.keys(tasks)` does; `this.x`/`self.x` is a
    // field of the object the file writes once as a literal (fieldLiteral).
    const name = String.raw`(?:(?:this|self)\.)?[A-Za-z_$][\w$]*`;
    const m = new RegExp(`^(${name})\\.(?:items|keys|values)\\(\\)$`).exec(t) ?? new RegExp(`^Object\\.(?:entries|keys|values)\\(\\s*(${name})\\s*\\)$`).exec(t) ?? new RegExp(`^(${name})\\.(?:each|each_pair|each_key|each_value|keys|values)$`).exec(t)
      ?? (li.kind === 'for…in' && (this.lang === 'javascript' || this.lang === 'typescript' || this.lang === 'tsx') ? new RegExp(`^(${name})$`).exec(t) : null);
    const b = m ? (/^(?:this|self)\./.test(m[1]) ? this.fieldLiteral(m[1]) : this.binding(m[1], li.node.startIndex)) : undefined;
    if (!b || !/^(dictionary|object|hash)$/.test(b.value.type)) return undefined;
    const entries = named(b.value).filter((c) => !this.a.commentTypes.has(c.type));
    // `{}` filled later (`m[k] = v`, `m.update(…)`) holds as many entries as the data.
    const filled = new RegExp(`(^|[^\\w$.])${escapeRe(m![1])}(\\[[^\\]]*\\]\\s*=(?!=)|\\.(update|set|setdefault|merge!?|store)\\()`).test(this.text.slice(b.value.endIndex, li.node.startIndex));
    return !entries.length || filled || entries.some((e) => /spread|splat/.test(e.type)) ? undefined : entries;
  }

  /**
   * The loop sits under a size check of its own iterable against a small bound
   * (`if len(users) <= MAX_AUTO: for u in users: …`, `if (rows.length < 5)`): a bounded number of round trips.
   */
  private isSizeGuarded(li: LoopInfo): boolean {
    const root = this.iterableRoot(li);
    if (!root) return false;
    const r = escapeRe(root);
    const guard = new RegExp(`(?:\\blen\\(\\s*@?${r}\\s*\\)|(?:^|[^\\w$.])@?${r}\\.(?:length|size|count))\\s*(<=?)\\s*([A-Za-z_][\\w.]*|\\d+)`);
    for (let p = li.node.parent; p && !this.isFunction(p); p = p.parent) {
      if (!/^(if_statement|if|if_modifier|unless)$/.test(p.type)) continue;
      const cond = field(p, 'condition');
      // The loop must be in the branch the condition guards, not in its else.
      const alt = field(p, 'alternative');
      if (!cond || (alt && contains(alt, li.node))) continue;
      const m = guard.exec(cond.text);
      if (!m) continue;
      const bound = /^\d+$/.test(m[2]) ? Number(m[2]) : this.constantNumber(m[2].split('.').pop()!);
      if (bound !== undefined && bound <= 100) return true;
    }
    return false;
  }

  /**
   * The loop walks a map of running totals the file keeps per key (one-api's batch updater: `store[type][id] += value` on
   * each request, then `for key, value := range store { increaseUserQuota(key, value) }` on a timer; Python
   * `totals[k] += n`, Ruby `sums[k] += n`): the summing in memory is the batching, and each write carries its own key's
   * total. The map's name, or undefined. The loop must bind the total (`key, value`) as well as the key.
   */
  private totalsPerKey(li: LoopInfo): string | undefined {
    const t = (li.iterable?.text ?? '').replace(/\.(?:items|each|each_pair)(?:\(\))?$/, '').replace(/^Object\.entries\(\s*([\s\S]*?)\s*\)$/, '$1').trim();
    const header = li.body.startIndex > li.node.startIndex ? this.text.slice(li.node.startIndex, li.body.startIndex) : '';
    if (!/^[A-Za-z_$][\w$]*(?:\[[\w$.]+\])?$/.test(t) || !/[\w$]\s*,\s*[\w$]/.test(header.replace(li.iterable?.text ?? '', ''))) return undefined;
    // `store := batchUpdateStores[i]`: the totals live in the map it was taken from.
    let base = t.replace(/\[.*$/, '');
    const b = /^[A-Za-z_$][\w$]*$/.test(t) ? this.binding(t, li.node.startIndex) : undefined;
    const from = b && /^[A-Za-z_$][\w$.]*(?:\[[\w$.]+\])?$/.test(b.value.text.trim()) ? b.value.text.trim().replace(/\[.*$/, '') : undefined;
    if (from) base = from.split('.').pop()!;
    const summed = new RegExp(`(?:^|[^\\w$.])(?:self\\.|this\\.|@)?${escapeRe(base)}(?:\\[[^\\]\\n]+\\]){1,2}\\s*\\+=`).test(this.text);
    return summed ? base : undefined;
  }

  /**
   * A list the code assembles itself (frigate: `self.post_processors: list[PostProcessorApi] = []`, then one
   * `self.post_processors.append(X(…))` per enabled feature in the constructor): every assignment of the name in the file
   * is an empty list, and every write to it is a one-item `append`/`push`/`add`/`<<` outside any loop — so it holds at most
   * that many items, whatever the data. How many appends, or undefined.
   */
  private filledByFixedAppends(t: string): number | undefined {
    if (!/^(?:self\.|this\.|@)?[A-Za-z_$][\w$]*$/.test(t) || !this.root) return undefined;
    const r = escapeRe(t);
    const before = '(?:^|[^\\w$.@])';
    // The function around an offset: the list is made and filled in one function (a constructor, one request), not a
    // buffer one method empties and another fills per call (dawarich's importer: `@buffer = []`, `add(x)` → `@buffer << x`).
    const root = this.root;
    const scopeAt = (at: number): Node | undefined => {
      for (let cur: Node | null = root.descendantForIndex(at, at); cur; cur = cur.parent) if (this.isFunction(cur)) return cur;
      return undefined;
    };
    const sameScope = (a: Node | undefined, b: Node | undefined) => (!a && !b) || same(a, b);
    let scope: Node | undefined;
    let assigned = 0;
    for (const m of this.text.matchAll(new RegExp(`${before}${r}\\s*(?::[^=\\n]+)?=(?![=~>])\\s*([^\\n;]*)`, 'gm'))) {
      if (!/^(?:\[\s*\]|list\(\s*\)|new\s+ArrayList<[^>]*>\(\s*\)|make\(\s*\[\][\w.*]+\s*,\s*0\s*\))$/.test(m[1].trim())) return undefined;
      const here = scopeAt(m.index + m[0].length - 1);
      if (assigned && !sameScope(here, scope)) return undefined;
      scope = here;
      assigned++;
    }
    // Filled any other way (`+=`, `extend`, `concat`, `insert_all`, Go's `append(x, …)` assigned back is an assignment above),
    // or with a whole list at once: a spread (`list.push(...files)`) adds as many items as `files` holds.
    if (!assigned || new RegExp(`${before}${r}\\s*(?:\\+=|\\.\\s*(?:extend|concat|update|unshift|splice|insert|merge|replace)\\b|\\.\\s*push\\s*\\(\\s*\\.\\.\\.)`).test(this.text)) return undefined;
    let appends = 0;
    for (const m of this.text.matchAll(new RegExp(`${before}${r}\\s*(?:\\.\\s*(?:append|push|add)\\s*\\(|<<)`, 'g'))) {
      const at = m.index + m[0].length - 1;
      const node = root.descendantForIndex(at, at);
      if (!node || !sameScope(scopeAt(at), scope)) return undefined;
      for (let child: Node = node, cur = node.parent; cur; child = cur, cur = cur.parent) {
        if (this.a.loopOf(cur, child) || /comprehension|generator_expression/.test(cur.type)) return undefined;
      }
      if (++appends > MAX_FIXED_LIST) return undefined;
    }
    return appends || undefined;
  }

  /** `MAX_AUTO_BLOCK = 20` anywhere in this file. */
  private constantNumber(name: string): number | undefined {
    const m = new RegExp(`(?:^|[^\\w$.])${escapeRe(name)}\\s*(?::\\s*\\w+\\s*)?=\\s*(\\d+)\\b`, 'm').exec(this.text);
    return m ? Number(m[1]) : undefined;
  }

  /**
   * A loop over a constant of the code (`for name in settings.DEFAULT_GROUPS`, `TEAM_GROUPS.map(…)`,
   * `FIELDS.each`): as many items as the code or its configuration lists, not as many as the data.
   * A constant bound in this file must be a literal collection; Ruby/Go constants must be (they
   * name classes too).
   */
  private isConstantList(li: LoopInfo): boolean {
    const t = li.iterable?.text.replace(/^await\s+/, '').replace(/^Object\.(?:values|keys|entries)\(([\s\S]*)\)$/, '$1').replace(/\.(?:items|keys|values)\(\)$/, '').trim();
    if (this.isConstantListNamed(t, li.node.startIndex)) return true;
    // A part of such a constant, picked before the loop (dawarich: `unsent_crossed = THRESHOLDS.select do |threshold| … end`;
    // `[k for k in KINDS if …]`, `KINDS.filter(…)`): no more items than the constant lists.
    const local = t && /^[a-z_$][\w$]*$/.test(t) ? this.binding(t, li.node.startIndex) : undefined;
    const part = local && (/^((?:[A-Za-z_]\w*(?:\.|::))*[A-Z][A-Z0-9_]{2,})\s*\.\s*(?:select|filter|reject|take|first|last|sort_by|sort|slice|filter_map)\b/.exec(local.value.text.trim())
      ?? /^\[[^\[\]]*?\bfor\s+[\w, ]+\s+in\s+((?:[A-Za-z_]\w*\.)*[A-Z][A-Z0-9_]{2,})(?:\.(?:items|keys|values)\(\))?\s+if\b/.exec(local.value.text.trim()));
    return !!part && !this.bindingsNamed(t!).some((o) => o !== local && o.at < li.node.startIndex && this.visibleAt(o, li.node.startIndex)) && this.isConstantListNamed(part[1].replace(/::/g, '.'), local.at);
  }

  private isConstantListNamed(t: string | undefined, at: number): boolean {
    if (!t || !/^(?:[A-Za-z_]\w*\.)*[A-Z][A-Z0-9_]{2,}$/.test(t) || !/_|^[A-Z0-9]{4,}$/.test(t.split('.').pop()!)) return false;
    const b = this.binding(t.split('.').pop()!, at);
    if (b) return /^(\[|\{|\(|%[wiWI][[({]|\w*\{|(?:list|tuple|set|frozenset|dict|Object\.freeze|List\.of|Set\.of|Arrays\.asList|Map\.of|new Set|new Map)\b)/.test(b.value.text) && !this.hits.some((h) => contains(b.value, h.node));
    return this.lang !== 'ruby' && this.lang !== 'go';
  }

  /**
   * The call is followed, in its own block or a block around it inside the loop, by a break,
   * return or raise: it runs for the first match and the loop ends (a search, not N+1).
   */
  private runsOnceThenExits(node: Node, li: LoopInfo): boolean {
    // In a callback (`items.map(async (x) => { …; return y; })`) a return ends one item, not the loop.
    if (this.isFunction(li.body) || (li.body.parent && this.isFunction(li.body.parent) && this.lang !== 'ruby')) return false;
    // Likewise in a function the body hands on and that runs per item (`group.Go(func() error { …; return err })`,
    // `run(() -> { … })`): its return ends that call, not the loop.
    for (let p = node.parent; p && !same(p, li.body) && !same(p, li.node); p = p.parent) if (this.isFunction(p)) return false;
    let child: Node = node;
    let cur = node.parent;
    // Inside a `switch` case, `break` ends the switch, not the loop (`case CUSTOM: ids.addAll(load(r)); break;`).
    let inSwitch = false;
    while (cur && !same(child, li.body) && !same(cur, li.node)) {
      // `return load(x)` inside the loop: the call runs once, then the function returns.
      if (this.a.exitTypes.has(cur.type) || cur.type === 'return') return true;
      // `if count % BATCH == 0: flush()`: once per group of rows.
      if (/^if_statement|^if$/.test(cur.type) && /%\s*[\w.]+\s*={2,3}\s*0\b/.test(field(cur, 'condition')?.text ?? '')) return true;
      // `if len(chunk) >= chunk_size: insert(chunk)`: a buffer flushed when full, once per chunk of rows (held-out-aw Tracecat).
      const full = /^if_statement|^if$/.test(cur.type) ? /\blen\(\s*([\w.]+)\s*\)\s*(?:>=|==|>)\s*(?!0\b|1\b)[\w.]+|\b([\w$.]+)\.(?:length|size\(\)|count\(\))\s*(?:>=|===?|>)\s*(?!0\b|1\b)[\w.]+/.exec(field(cur, 'condition')?.text ?? '') : null;
      if (full && new RegExp(`[(,]\\s*${escapeRe(full[1] ?? full[2])}\\s*[,)]`).test(node.text)) return true;
      if (this.isMemoised(cur, child, li) || this.isLazyInit(cur, child, li)) return true;
      if (SWITCH_CASE.test(cur.type)) inSwitch = true;
      let after = false;
      for (const sib of named(cur)) {
        const isBreak = sib.type === 'break' || sib.type === 'break_statement';
        if (same(sib, child)) after = true;
        else if (after && !(isBreak && inSwitch) && (this.a.exitTypes.has(sib.type) || sib.type === 'return' || isBreak)) return true;
      }
      if (SWITCH.test(cur.type)) inSwitch = false;
      child = cur;
      cur = cur.parent;
    }
    return false;
  }

  /**
   * Initialised once, on the first item: `if (subscriptions == null) { subscriptions = dao.findByFeed(feed); }`,
   * `if x is None: x = load()`, `if (!x) x = await load()`, `x ??= load()`, `x ||= load()` — on a variable the loop
   * does not assign anywhere else (declared before it): the call runs on the first item only, not per item.
   */
  private isLazyInit(cur: Node, child: Node, li: LoopInfo): boolean {
    let name: string | undefined;
    let holder: Node | undefined;
    const lazyAssign = /^\s*([A-Za-z_$][\w$]*|self\.\w+|this\.\w+|@\w+)\s*(\?\?=|\|\|=)/.exec(cur.text);
    if (/assignment/.test(cur.type) && lazyAssign) {
      name = lazyAssign[1];
      holder = cur;
    } else if (/^(if_statement|if)$/.test(cur.type)) {
      const cond = field(cur, 'condition');
      const cons = field(cur, 'consequence') ?? field(cur, 'body');
      if (!cond || !cons || (!contains(cons, child) && !same(cons, child))) return false;
      const v = '([A-Za-z_$][\\w$]*|self\\.\\w+|this\\.\\w+|@\\w+)';
      const m = new RegExp(`^\\(?\\s*(?:${v}\\s*(?:===?|is)\\s*(?:null|None|nil|undefined)|(?:!|not\\s+)${v}|${v}\\.nil\\?)\\s*\\)?$`).exec(cond.text.trim());
      name = m?.[1] ?? m?.[2] ?? m?.[3];
      holder = cons;
      // …and the branch assigns it.
      if (!name || !new RegExp(`(^|[^\\w$.])${escapeRe(name)}\\s*=(?!=)`).test(cons.text)) return false;
    }
    if (!name || !holder) return false;
    if (li.variable?.split(/[^\w$@.]+/).includes(name)) return false;
    // No other assignment of it in the loop (one per item would reset it).
    const re = new RegExp(`(^|[^\\w$.])${escapeRe(name)}\\s*(=(?!=)|\\?\\?=|\\|\\|=)`, 'g');
    for (const m of li.body.text.matchAll(re)) {
      const at = li.body.startIndex + (m.index ?? 0) + m[1].length;
      if (at < holder.startIndex || at >= holder.endIndex) return false;
    }
    return true;
  }

  /**
   * A look-up kept per key: `if key not in cache: cache[key] = load(key)`, `if (!seen.has(k)) { …;
   * seen.set(k, await load(k)) }`, `if _, ok := m[k]; !ok { m[k] = … }`, `cache[k] ||= X.find(k)`,
   * `cache[k] ??= await load(k)`: one call per distinct key, not per item — when the key is what
   * items share (`item.list_id`), not the item itself (a cache keyed by each item is still one per item).
   */
  private isMemoised(cur: Node, child: Node, li: LoopInfo): boolean {
    const vars = li.variable?.split(/[^\w$@]+/).filter(Boolean) ?? [];
    const shared = (key: string) => !vars.includes(key.trim());
    // The item's own id (`u.ID`, `tag.getId()`) keys each item apart: a look-up kept by it is still one per item.
    const byItem = (key: string) => vars.some((v) => new RegExp(`^${escapeRe(v)}\\.(?:id|ID|Id|getId\\(\\)|pk)$`).test(key.trim()));
    const memo = /^\s*[@\w$.]+\[([^\]]+)\]\s*(\|\|=|\?\?=)/.exec(cur.text);
    if (/assignment/.test(cur.type) && memo) return shared(memo[1]);
    if (!/^(if_statement|if|unless)$/.test(cur.type)) return this.afterHitSkipped(cur, child, li, (k) => shared(k) && !byItem(k));
    const cond = field(cur, 'condition');
    const cons = field(cur, 'consequence') ?? field(cur, 'body');
    if (!cond) return false;
    // `if key in m: v = m[key] else: v = load(key); m[key] = v`, `if (m.containsKey(k)) { … } else { … }`: the miss is the
    // `else` branch of a test that the key is there.
    const alt = field(cur, 'alternative');
    if (alt && (contains(alt, child) || same(alt, child)) && !(cons && (contains(cons, child) || same(cons, child)))) {
      const hit = MAP_HIT_TEST.exec(cond.text.trim());
      const h = hit && (hit[1] !== undefined ? [hit[1], hit[2]] : [hit[4], hit[3]]);
      return !!h && !/\snot$/.test(h[0]) && shared(h[0]) && !byItem(h[0]) && storesUnder(h[1], alt.text);
    }
    if (cons && !contains(cons, child) && !same(cons, child)) return false;
    const t = cond.text;
    // [key, map] of the guard: `key not in m`, `!m.has(key)`, `_, ok := m[key]; !ok`, `unless m.key?(key)`,
    // `m.get(key) == null` (Java), `m.get(key) is None`.
    const g = /^\(?\s*((?:[^()]|\([^()]*\))+?)\s+not\s+in\s+([\w.]+)\s*\)?$/.exec(t)?.slice(1)
      ?? (/^\(?\s*!\s*([\w$.]+)\.(?:has|hasOwnProperty|containsKey)\(((?:[^()]|\([^()]*\))+)\)\s*\)?$/.exec(t) ?? (cur.type === 'unless' ? /^([\w@.]+)\.(?:key\?|include\?|has_key\?)\(([^()]+)\)$/.exec(t) : null))?.slice(1).reverse()
      ?? /^\(?\s*([\w$.]+)\.get\(((?:[^()]|\([^()]*\))+)\)\s*(?:={2,3}|is)\s*(?:null|None|undefined)\s*\)?$/.exec(t)?.slice(1).reverse()
      ?? /^\s*_\s*,\s*(?:ok|found|exists)\s*:?=\s*([\w.]+)\[([^\]]+)\]\s*;\s*!\s*(?:ok|found|exists)\s*$/.exec((field(cur, 'initializer')?.text ?? '') + ';' + t)?.slice(1).reverse()
      ?? this.missOfLookupBefore(cur, t);
    if (!g || !shared(g[0])) return false;
    // …and the branch stores a value under it (a set of seen items is not a cache).
    return storesUnder(g[1], cons?.text ?? '');
  }

  /**
   * In the loop's body, a statement before the one holding the call skips the item when its key is already in a map
   * (`if _, ok := cache[key]; ok { continue }`, `if key in seen: continue`, `if (m.containsKey(k)) continue;`), and the
   * body stores under that map after it (`cache[key] = price`): the call runs once per distinct key.
   */
  private afterHitSkipped(cur: Node, child: Node, li: LoopInfo, shared: (key: string) => boolean): boolean {
    // Go's block holds its statements in a `statement_list`.
    if (!same(cur, li.body) && !(cur.type === 'statement_list' && cur.parent && same(cur.parent, li.body))) return false;
    const stmts = named(cur);
    const at = stmts.findIndex((x) => same(x, child));
    for (const prev of stmts.slice(0, Math.max(0, at))) {
      if (!/^(if_statement|if)$/.test(prev.type)) continue;
      const cons = field(prev, 'consequence') ?? field(prev, 'body');
      if (!cons || !/^\{?\s*(?:continue|next)\s*;?\s*\}?$/.test(cons.text.trim().replace(/^:\s*/, ''))) continue;
      const t = (field(prev, 'initializer')?.text ? field(prev, 'initializer')!.text + ';' : '') + (field(prev, 'condition')?.text ?? '');
      const go = /^\s*_\s*,\s*([A-Za-z_]\w*)\s*:?=\s*([\w.]+)\[([^\]]+)\]\s*;\s*(\w+)\s*$/.exec(t);
      const hit = go ? (go[1] === go[4] ? [go[3], go[2]] : undefined) : (() => {
        const m = MAP_HIT_TEST.exec(t.trim());
        return m && !(m[1] !== undefined && /\snot$/.test(m[1])) ? (m[1] !== undefined ? [m[1], m[2]] : [m[4], m[3]]) : undefined;
      })();
      if (!hit || !shared(hit[0])) continue;
      const rest = stmts.slice(at).map((x) => x.text).join('\n');
      if (storesUnder(hit[1], rest)) return true;
    }
    return false;
  }

  /**
   * [key, map] of an `if` that tests a miss of the look-up in the statement just before it: `owner, ok := users[id]` then
   * `if !ok`, `let v = cache.get(k)` then `if (!v)` / `if (v === undefined)`, `v = cache.get(k)` then `if v is None` (held-out-aa
   * soft-serve: the owner of each LFS lock read once per distinct user, kept in `users`). Undefined for any other `if`.
   */
  private missOfLookupBefore(ifNode: Node, cond: string): [string, string] | undefined {
    const parent = ifNode.parent;
    if (!parent) return undefined;
    const siblings = named(parent);
    const at = siblings.findIndex((s) => same(s, ifNode));
    const prev = at > 0 ? siblings[at - 1] : undefined;
    if (!prev) return undefined;
    // `v, ok := m[k]`, `const v = m.get(k)`, `v = m.get(k)`, `let v = m[k]`.
    // Java names the type (`Card c = cards.get(lv.getCardId());`); a key may be a getter call.
    const b = /^\s*(?:(?:const|let|var)\s+|(?:final\s+)?[A-Z][\w$.]*(?:<[^;=]*>)?\s+)?([A-Za-z_$][\w$]*)(?:\s*,\s*([A-Za-z_$][\w$]*))?\s*:?=\s*([\w$.]+)(?:\.get\(((?:[^()]|\([^()]*\))+)\)|\[([^\]]+)\])\s*;?\s*$/.exec(prev.text);
    if (!b) return undefined;
    const tested = b[2] ?? b[1];
    const v = escapeRe(tested);
    const miss = new RegExp(`^\\(?\\s*(?:(?:!|not\\s+)${v}|${v}\\s*(?:===?|is)\\s*(?:null|None|nil|undefined))\\s*\\)?$`);
    return miss.test(cond.trim()) ? [(b[4] ?? b[5]).trim(), b[3]] : undefined;
  }

  /**
   * A loop over groups the code built from the items (`by_list[item.list_id].append(item)`, then `for
   * list_id, items in by_list.items()`; `groups.get(k).push(x)`; nested: `for h, rows in by_group.items()`
   * inside the loop over the outer map): one call per group, the batched shape.
   */
  private isGroupLoop(li: LoopInfo): boolean {
    const root = this.iterableRoot(li);
    if (!root || !/^(?:Object\.(?:entries|values)\(\s*)?[\w$.]+\)?(?:\.(?:items|values|entries|each|each_pair|each_value)\(\))?$/.test(li.iterable?.text.replace(/^await\s+/, '') ?? '')) return false;
    // Go: `byTenant[t] = append(byTenant[t], x)`.
    const grouped = (name: string, from: number) => new RegExp(`(^|[^\\w$.])${escapeRe(name)}(\\[[^\\]]+\\])+\\s*(\\.\\s*(append|push|add|extend)\\(|<<|=\\s*append\\(\\s*${escapeRe(name)}\\[)|(^|[^\\w$.])${escapeRe(name)}\\.(setdefault\\([^)]*\\)\\.append|get\\([^)]*\\)!?\\.push)\\(`).test(this.text.slice(from, li.node.startIndex));
    const fnStart = (() => {
      for (let p = li.node.parent; p; p = p.parent) if (this.isFunction(p)) return p.startIndex;
      return 0;
    })();
    const name = root === 'Object' ? /\(\s*([\w$]+)/.exec(li.iterable!.text)?.[1] : root;
    if (!name) return false;
    if (grouped(name, fnStart)) return true;
    // TS/JS: `const list = byTeam.get(k) || []; list.push(x); byTeam.set(k, list)`.
    if (new RegExp(`(^|[^\\w$.])${escapeRe(name)}\\.get\\([^()]*\\)\\s*(\\?\\?|\\|\\|)\\s*\\[\\s*\\]`).test(this.text.slice(fnStart, li.node.startIndex))) return true;
    // A group-by of a library (`lo.GroupBy(files, owner)`, `groupBy(rows, …)`, `Collectors.groupingBy`).
    const b = this.binding(name, li.node.startIndex);
    if (b && /(^|[^\w$])(?:GroupBy|groupBy|group_by|groupingBy)\s*[(<[]/.test(b.value.text)) return true;
    // The value of an outer loop over a grouped map (`for h, rows in by_group.items()` inside it); in
    // TS/JS, Python and Ruby a bare name iterates its items (a group's rows), not a nested map.
    if (this.lang !== 'go' && this.lang !== 'java' && /^[\w$]+$/.test(li.iterable?.text ?? '')) return false;
    const outer = li.node.parent ? this.enclosingLoop(li.node) : undefined;
    const vars = outer?.variable?.split(/[^\w$@]+/).filter(Boolean) ?? [];
    return !!outer && vars.includes(name) && this.isGroupLoop(outer);
  }

  /** `for i in range(0, n, 1000)`, `for (i = 0; i < n; i += BATCH)`: one call per group of rows. */
  /**
   * A write (a direct write, or an app method named for one: DRAINING_WRITE) repeated until it affects nothing, inside the loop: `do { n = dao.delete(feedId, batchSize); } while (n > 0)`,
   * `while True: n = purge(limit=1000); if not n: break`. Each call handles a batch of rows (the app chose the batch to
   * keep transactions short); per item of the outer loop it is the batched form, not one statement per row.
   */
  private drainsInBatches(node: Node, li: LoopInfo): boolean {
    // The loop itself when it runs on a condition (`while True:` taken as the loop), or a loop inside it.
    for (let p: Node | null = node.parent; p && !same(p, li.node.parent ?? li.node); p = p.parent) {
      if (!/^(do_statement|while_statement|for_statement)$/.test(p.type)) continue;
      if (same(p, li.node) && li.shape !== 'condition') continue;
      // Go: `for _, x := range xs` walks a collection; only a bare `for { … }` or `for n > 0 { … }` runs on a condition.
      if (p.type === 'for_statement' && named(p).some((c) => c.type === 'range_clause' || c.type === 'for_clause')) continue;
      // The count the call returns, kept in a name: `n = …call…` / `n := …` / `deleted = unitOfWork.call(() -> …)`.
      let stmt: Node | null = node;
      while (stmt && stmt.parent && !same(stmt.parent, p) && !/^(assignment_expression|assignment|assignment_statement|short_var_declaration|variable_declarator|local_variable_declaration|lexical_declaration|augmented_assignment)$/.test(stmt.type)) stmt = stmt.parent;
      const target = stmt && /assign|declar/.test(stmt.type) ? /^\s*(?:(?:const|let|var|long|int|Integer|Long)\s+)?([A-Za-z_$][\w$]*)\s*(?::?=|\+=)/.exec(stmt.text)?.[1] : undefined;
      if (!target || /^(err|error|e|ex|exc)$/.test(target)) continue;
      // A test of the count: `n > 0`, `deleted != 0`, `!n`, `not n`, `n < batchSize` — in the loop's condition, or in
      // an `if` of its body that leaves it (`if not n: break`, `if n == 0 { break }`).
      const t = escapeRe(target);
      const counted = `(?:${t}\\s*(?:[<>]=?|[!=]==?)\\s*(?:\\d+|\\w*(?:batch|Batch|BATCH|limit|Limit|LIMIT|size|Size|SIZE)\\w*)|\\d+\\s*(?:[<>]=?|[!=]==?)\\s*${t}|(?:!|\\bnot\\s+)\\(?\\s*${t}\\b)`;
      const cond = field(p, 'condition')?.text ?? '';
      if (new RegExp(counted).test(cond)) return true;
      const body = field(p, 'body')?.text ?? '';
      if (new RegExp(`\\bif\\b[^\\n]*${counted}[^\\n]*(?:\\n\\s*|\\{\\s*|:\\s*)(?:break|return)\\b`).test(body)) return true;
    }
    return false;
  }

  private isSteppedBatch(li: LoopInfo): boolean {
    if (this.isGroupLoop(li)) return true;
    const header = this.text.slice(li.node.startIndex, li.body.startIndex > li.node.startIndex ? li.body.startIndex : li.node.startIndex + 200);
    // `i += PAGE_SIZE`, `i += CurrentRateService.MARKET_DATA_PAGE_SIZE` (a class's constant), `i += this.batchSize`.
    return /\brange\s*\([^,()]+,(?:[^,()]|\([^()]*\))+,\s*(?!1\s*\))[^,()]+\)|\+=\s*(?:[\w$]+\.)*(\d{2,}|[A-Z][A-Z0-9_]{2,}|\w*(size|Size|SIZE|batch|Batch|BATCH|chunk|Chunk|CHUNK)\w*)\b|\.step\(\s*\d{2,}/.test(header) || this.countsPages(li, header);
  }

  /**
   * A counter loop up to a number of pages (`for i := 1; i <= totalPages; i++ { repo.Page(ctx, i, size) }`, `for (int i
   * = 0; i < pages; i++) { find(i * 100, 100) }`): the bound counts pages, batches or chunks — named so, or set to a
   * ceiling division (`math.Ceil(float64(n) / float64(size))`, `(n + per - 1) / per`) —, so each pass reads a page of
   * rows: the batched form, not a query per row.
   */
  private countsPages(li: LoopInfo, header: string): boolean {
    const m = li.shape === 'counter' && li.kind === 'for' ? /;\s*[A-Za-z_$][\w$]*\s*<=?\s*((?:[\w$]+\.)*([\w$]+))\s*;/.exec(header) : this.arrayOfLength(li);
    if (!m) return false;
    if (/^(?:total|num|n|max|last|numberOf)?_?(?:pages?|batch(?:es)?|chunks?|slices?)(?:_?(?:count|num|total))?$|^(?:page|batch|chunk|slice)_?(?:count|num|total)$/i.test(m[2])) return true;
    const value = /^[A-Za-z_$][\w$]*$/.test(m[1]) ? this.binding(m[1], li.node.startIndex)?.value.text ?? '' : '';
    return /\bceil\w*\s*\([^]*\//i.test(value) || /\([^()]*\+[^()]*-\s*1\s*\)\s*\/\s*[\w$.]+\s*$/.test(value);
  }

  /**
   * JS/TS: a loop over an array made only to count (`[...Array(n)]`, `Array.from({ length: n })`, `Array(n).fill(0)`,
   * `_.range(n)`), inline or bound to a name (held-out-au Gladys: `const iterator = [...Array(Math.ceil(count / BATCH))]`
   * then `Promise.each(iterator, …)`) — a counter loop up to `n` in another form: `n` as written and its last part,
   * in the shape countsPages reads a counter's bound.
   */
  private arrayOfLength(li: LoopInfo): [string, string, string] | undefined {
    if (li.shape !== 'collection' || !/^(javascript|typescript|tsx)$/.test(this.lang)) return undefined;
    let t = (li.iterable?.text ?? '').trim();
    if (/^[A-Za-z_$][\w$]*$/.test(t)) t = this.binding(t, li.node.startIndex)?.value.text.trim() ?? t;
    const m = /^\[\s*\.\.\.\s*(?:new\s+)?Array\(\s*([\w$.]+)\s*\)(?:\.keys\(\))?\s*\]$|^Array\.from\(\s*\{\s*length\s*:\s*([\w$.]+)\s*\}\s*(?:,[^]*)?\)$|^(?:new\s+)?Array\(\s*([\w$.]+)\s*\)\.fill\([^()]*\)$|^(?:_|lodash)\.range\(\s*([\w$.]+)\s*\)$/.exec(t);
    const n = m?.slice(1).find((x) => x !== undefined);
    return n ? [t, n, n.split('.').pop()!] : undefined;
  }

  private isChunked(li: LoopInfo, use: Node): boolean {
    const v = li.variable;
    // The items of ONE chunk (`for (const f of chunk)`, `for row in batch:`, `slice.each do |id|`, inside the loop over
    // the chunks): a statement per item there is still one per row (held-out-v papermark: `tx.folder.update` per item
    // of each 200-item chunk), whatever the chunk is named.
    if (li.iterable !== undefined && /^(?:(?:this|self)\.)?(chunk|batch|slice|part|partition|window|group|page)$/i.test(li.iterable.text)) return false;
    if (this.handedWholeBatch(li, use)) return true;
    // A loop over a name declared as a collection of collections (`final List<List<Long>> targetIds` → `targetIds.forEach(chunk
    // -> …)`, Go `ids [][]int64`, TS `ids: string[][]`): each item is a chunk the call is handed (held-out-aa hawkBit:
    // one count and one bulk UPDATE per chunk of target ids).
    if (v !== undefined && li.iterable !== undefined && /^[A-Za-z_$][\w$]*$/.test(li.iterable.text) && this.declaredAsChunks(li.iterable.text, li.node)
      && new RegExp(`(^|[^\\w$.])${escapeRe(v)}([^\\w$.]|$)`).test(use.text)) return true;
    const named = li.chunked || (v !== undefined && /^(chunk|batch|slice|page|group|part|partition|window)(s|_ids|Ids|OfIds)?$/i.test(v)) || (li.iterable !== undefined && (/\b(chunk|chunks|each_slice|in_groups_of|batched|partition|in_batches|splitEvery|chunked|groupby|group_by)\b/i.test(li.iterable.text) || CHUNKING_CALL.test(li.iterable.text)));
    if (!named || !v) return false;
    // Iterating chunks of the input (`for batch in batched(ids, 1000)`) or groups of it (`for t, rows in
    // groupby(rows, key)`): one call per chunk or group, whatever it is given.
    if (li.iterable !== undefined && (/\b(chunk|chunks|each_slice|in_groups_of|batched|in_batches|splitEvery|chunked|groupby|group_by)\b/i.test(li.iterable.text) || CHUNKING_CALL.test(li.iterable.text))) return true;
    // Guava/Apache `partition(ids, size)` (`Iterables.partition(ids, n).forEach(part -> …)`): once per chunk.
    if (li.iterable !== undefined && PARTITION_CALL.test(li.iterable.text)) return true;
    // …or a name bound to such chunks (`final List<List<Info>> partitions = Lists.partition(rows, 100); for (… partition : partitions)`).
    const chunks = li.iterable !== undefined && /^[A-Za-z_$][\w$]*$/.test(li.iterable.text) ? this.binding(li.iterable.text, li.node.startIndex) : undefined;
    if (chunks && (PARTITION_CALL.test(chunks.value.text) || /\b(chunk|chunks|each_slice|in_groups_of|batched|splitEvery|chunked)\s*\(/.test(chunks.value.text))) return true;
    // A list named for its chunks iterated by the chunk (`for (const batch of batches)`), whatever the body derives from
    // the chunk — unless the body reads it field by field (`batch.teamId`: a record named batch, one per item).
    if (li.iterable !== undefined && /^(batch|chunk|partition)$/i.test(v) && new RegExp(`^(?:this\\.)?${escapeRe(v)}(es|s)$`, 'i').test(li.iterable.text)) {
      const fields = [...li.body.text.matchAll(new RegExp(`(?:^|[^\\w$.])${escapeRe(v)}\\??\\.([A-Za-z_$][\\w$]*)`, 'g'))].map((m) => m[1]);
      if (fields.every((f) => /^(map|flatMap|forEach|filter|reduce|slice|length|size|ids|keys|values|entries|some|every|concat|join|at|includes|indexOf)$/.test(f))) return true;
    }
    // The chunk, or a value the body derives from it before the call (`batch = location_batch.map { … }` then
    // `bulk_insert_points(batch)`: held-out-ab dawarich, one upsert per slice).
    if (li.chunked) return [v, ...this.derivedInBody(li, v, use)].some((name) => new RegExp(`(^|[^\\w$.])${escapeRe(name)}([^\\w$]|$)`).test(use.text));
    // Only the name says chunk (`for (const group of mentions)`): a chunk is handed on whole (`ids: batch`,
    // `batch.map(…)`), an item is read field by field (`group.modelId`).
    return new RegExp(`(^|[^\\w$.])${escapeRe(v)}(\\.(map|ids|keys|values|length|pluck|to_a|all)\\b|[^\\w$.]|$)`).test(use.text);
  }

  /**
   * Names the loop body binds, before `use`, from an expression that reads `v` (`batch = location_batch.map { … }`,
   * `rows = [prep(x) for x in chunk]`, `const rows = chunk.map(…)`): the same chunk, reshaped.
   */
  private derivedInBody(li: LoopInfo, v: string, use: Node): string[] {
    const before = this.text.slice(li.body.startIndex, use.startIndex);
    const out: string[] = [];
    for (const m of before.matchAll(/(?:^|[\n;{]|\bdo\b|\bconst\s|\blet\s|\bvar\s)\s*([A-Za-z_$][\w$]*)\s*(?::=|=(?![=~>]))\s*([^\n;]*)/g)) {
      if (m[1] !== v && new RegExp(`(^|[^\\w$.])${escapeRe(v)}([^\\w$]|$)`).test(m[2])) out.push(m[1]);
    }
    return out;
  }

  /**
   * The call (or the statement it runs, built in the loop's body) takes a whole batch of items, not one: (1) the value of
   * a map declared as holding collections (`Map<K, List<UUID>>`, `dict[str, set[str]]`, Go `map[K][]V`, `Record<K, V[]>`)
   * handed on whole (`kv.getValue()`, `.in_(source_ids)`); (2) a slice of a list bounded by the loop's index
   * (`pList.subList(b * 30000, …)`, `ids[i:i + 500]`); (3) a batch the body fills up to a size (`while len(batch) < 100:`)
   * in a loop that runs on a condition; (4) a list named for its slices or chunks (`sliceUpperBounds`). One statement per
   * chunk or group, the batched form (held-out-aw Kill Bill and Tracecat, av alf.io, as airsonic, au Gladys).
   */
  private handedWholeBatch(li: LoopInfo, use: Node): boolean {
    const v = li.variable;
    const it = li.iterable?.text.replace(/^await\s+/, '');
    const upTo = this.text.slice(li.body.startIndex, use.endIndex);
    const passed = (x: string, text = upTo) => new RegExp(`[(,=:]\\s*${escapeRe(x)}\\s*(?:[),}]|$)`).test(text);
    // (3) A batch filled up to a size in a loop on a condition (`while queue: … while queue and len(batch) < 100: …`), the
    // batch handed whole to a statement of the body (`.in_(batch)`).
    if (li.shape === 'condition') {
      for (const b of li.body.text.matchAll(/\blen\(\s*([A-Za-z_]\w*)\s*\)\s*<\s*[\w.]+|\b([A-Za-z_$][\w$]*)\.(?:length|size\(\))\s*<\s*[\w.]+/g)) {
        if (passed(b[1] ?? b[2], li.body.text)) return true;
      }
    }
    if (!v) return false;
    if (it && /^(?:(?:this|self)\.)?(?:slice|chunk)[A-Z_][\w$]*$|[a-z](?:Slices|Chunks)$|_(?:slices|chunks)$/.test(it)) return true;
    const vars = v.split(/[^\w$]+/).filter(Boolean);
    // (1) The values of a map of collections.
    const m = it === undefined ? undefined : /^([A-Za-z_$][\w$]*)(?:\.(entrySet|values|items|entries)\(\))?$/.exec(it) ?? /^Object\.(entries|values)\(\s*([A-Za-z_$][\w$]*)\s*\)$/.exec(it);
    if (m && it) {
      const map = it.startsWith('Object.') ? m[2] : m[1];
      const how = it.startsWith('Object.') ? m[1] : m[2];
      const last = vars[vars.length - 1];
      // `kv.getValue()` of an entry; the loop's (last) name over values, items or entries; Go's `for k, ids := range m`.
      const val = how === 'entrySet' ? `${last}.getValue()` : how || (this.lang === 'go' && vars.length > 1) ? last : undefined;
      if (val && passed(val)) {
        const n = escapeRe(map);
        const coll = '(?:List|Set|Collection|ArrayList|HashSet|Iterable|list|set|Sequence|tuple|frozenset|Array)';
        const decl = new RegExp(`\\bMap<[^<>,]+(?:<[^<>]*>)?,\\s*${coll}<[^<>]*>\\s*>\\s+${n}\\b|(?:^|[^\\w$.])${n}\\s*:\\s*(?:dict|Dict|Mapping|defaultdict|DefaultDict)\\[[^\\[\\],]+(?:\\[[^\\]]*\\])?,\\s*${coll}\\[|(?:^|[^\\w$.])${n}\\s*(?::=\\s*make\\(|\\s)map\\[[^\\]]+\\]\\[\\]|(?:^|[^\\w$.])${n}\\s*[:=]\\s*(?:new\\s+)?(?:Map|Record)<[^,<>]+,\\s*(?:[\\w$.]+\\[\\]|Array<)|Map<[^<>,]+,\\s*${coll}<[^<>]*>\\s*>\\s+${n}\\s*=[^;]*\\bpartitioningBy\\(`);
        if (decl.test(this.declarationsBefore(li.node))) return true;
      }
    }
    // (2) A slice of a list bounded by the loop's index (not a slice of the item itself).
    const index = escapeRe(vars[0]);
    const slice = new RegExp(`([\\w$.]+)\\s*(?:\\.subList\\(|\\.slice\\(|\\[)\\s*[^,:()\\]]*\\b${index}\\b[^,:()\\]]*\\s*[,:]`);
    const sm = slice.exec(upTo);
    if (sm && !new RegExp(`^${index}\\b`).test(sm[1])) return true;
    return false;
  }

  /** The name is declared, in the function around `at` (parameter or local), as a collection of collections. */
  private declaredAsChunks(name: string, at: Node): boolean {
    const n = escapeRe(name);
    const decl = new RegExp(`\\b(?:List|Collection|Iterable|Set|ArrayList|Stream)<\\s*(?:List|Collection|Set|ArrayList|Iterable)<[^<>]*>\\s*>\\s+${n}\\b|(?:^|[^\\w$.])${n}\\s+\\[\\]\\[\\]|(?:^|[^\\w$.])${n}\\s*:\\s*(?:[\\w$.]+\\[\\]\\[\\]|Array<[\\w$.]+\\[\\]>)`);
    return decl.test(this.declarationsBefore(at));
  }

  // -------------------------------------------------------------------------------------------

  /**
   * A statement that takes a list (`in: […]`, `whereIn`, `id__in=`) run once per item of a loop over a collection, with
   * a list made from that item (`in: doc.folder.path.split('/')…`, `id__in=user.post_ids`): still one statement per item
   * (held-out-v papermark documents/index.ts: one folder query per listed document). The list is the item's, when the
   * call names the loop's variable, or a name the loop's body set from it before the call. Loops over chunks, groups
   * or pages are judged as such by the checks that follow (isSteppedBatch, isChunked).
   */
  private listPerItem(node: Node): boolean {
    const li = this.pastDeclaredSet(this.enclosingLoop(node));
    if (!li || li.shape !== 'collection' || !li.variable) return false;
    const derived = this.perItemNames(li, node, 'derived');
    if (!derived.size) return false;
    // Only the list the statement is given (after `in:`, `__in=`, `whereIn(`, `inArray(`, `In(`, `ANY(`): a bulk method
    // handed the item (`bulk_get_or_create(value)` per group) is given a group, the batch it is for.
    // Spring Data's derived queries take the list as their argument (`findSingleAlertsByFingerprintIn(fingerprints)`,
    // `deleteByIdIn(ids)`, `findAllByOwnerIdInOrderByName(…)`: held-out-au HertzBeat, a query per group alert of a page).
    const list = /\bin\s*:|__in\s*=|\b(?:where|orWhere|andWhere)(?:Not)?In\w*\s*\(|\binArray\s*\(|\bIn\s*\(|\bANY\s*\(/i.exec(node.text)
      ?? (this.lang === 'java' ? /\b(?:find|read|get|query|count|exists|delete|remove|stream)\w*By\w*?[a-z0-9](?:Not)?In(?:(?:And|Or|OrderBy)\w*)?\s*\(/.exec(node.text) : null);
    return !!list && mentionsName(node.text.slice(list.index), derived);
  }

  /**
   * A Django related manager's whole-set write on the loop's own item (`submission.tags.add(*tags)`,
   * `submission.assigned_reviewers.set(chosen)`, `user.groups.clear()`): batched for that one row's relation, but
   * run once per row the loop walks — one write (or two, for `set`) per item.
   */
  private relationBatchOfItem(hit: DbHit): boolean {
    const { call, node } = hit;
    if (call.library !== 'django' || !/^(set|clear|add|remove)$/.test(call.method ?? '')) return false;
    const root = /^\s*([A-Za-z_]\w*)\s*\.\s*\w+\s*\.\s*\w+\s*\(/.exec(node.text)?.[1];
    const li = root ? this.pastDeclaredSet(this.enclosingLoop(node)) : undefined;
    return !!li && li.shape === 'collection' && (li.variable?.split(/[^\w$@]+/).includes(root!) ?? false);
  }

  /**
   * Ruby/Python: a helper that writes the record it is handed (`def resolve_by_converting(problem) problem.update(…)`,
   * `def archive(doc): doc.save()`): one write per call, so a loop calling it per item writes per item.
   */
  private paramRecordWrite(def: Node): Node | undefined {
    if (this.lang !== 'ruby' && this.lang !== 'python') return undefined;
    const params = this.paramNames(def);
    if (!params?.length) return undefined;
    return this.hits.find((h) => h.call.op === 'write' && !h.call.batch && h.call.instanceOf !== undefined && params.includes(h.call.instanceOf) && this.within(def, h.node) && !this.onErrorPath(h.node) && !this.deferredWithin(h.node, def))?.node;
  }

  private checkDbCall(hit: DbHit): void {
    const { call, node } = hit;
    if (call.batch && !this.listPerItem(node) && !this.relationBatchOfItem(hit)) return;
    if (this.isLazyComposition(hit)) return;
    const li = this.pastDeclaredSet(this.enclosingLoop(node));
    if (!li) return;
    if (this.isFixedSmallList(li) || this.inOtherDatabaseBranch(node)) return;
    if (this.runsOnceThenExits(node, li) || underKeyTest(node, li.body, li.variable) || this.loadedOnceIn(node, li) || fallbackOfBatch(li.node, call.method) || (call.op === 'write' && this.drainsInBatches(node, li))) return;
    // In a callback the loop hands to a scheduler (`for s of servers: scheduleJob(…, async () => …)`): runs later, per job.
    if (this.deferredWithin(node, li.node)) return;
    if (this.isSteppedBatch(li)) return;
    // `for key, mapping in existing.items(): mapping.delete()`: any of the names the loop unpacks.
    const loopNames = li.variable?.split(/[^\w$@]+/).filter(Boolean) ?? [];
    // A record's write of itself (`update!(memory: storage)` in a model's method, instanceOf `self`) per item writes its row once per item.
    if (call.instanceOf !== undefined && call.instanceOf !== 'self' && !loopNames.includes(call.instanceOf) && !this.builtPerItem(call.instanceOf, node, li)) return;
    if (this.onErrorPath(node, li.node)) return;
    if (this.isStatementList(call, li) || isMaintenanceStatement(call.sql, call.sqlArg?.text)) return;
    if (this.isChunked(li, node)) return;
    const kind = call.op === 'write' ? 'write-in-loop' : 'query-in-loop';
    // `for b in Book.objects.filter(…): b.save()`: the model is the one the loop iterates.
    const model = call.model ?? (call.instanceOf !== undefined ? this.modelOfIterable(li.iterable) : undefined);
    this.report(node, li, model ? { ...call, model } : call, kind, call.label);
  }

  /**
   * Go: a call this file's own function or method surely is — a bare call (`load(…)`), or a method called on a
   * value of the type that declares it here (`s.loadOne(…)` with `s *Store` and `func (s *Store) loadOne`).
   */
  private goLocalCall(n: Node): boolean {
    const fn = field(n, 'function');
    if (fn?.type === 'identifier') return true;
    const ref = this.goScopesOf()?.refOf(n);
    const t = ref?.via === 'value' && !ref.recv?.fields.length && !ref.recv?.type?.pkg ? ref.recv?.type?.name : undefined;
    const def = this.functions.get('.' + (ref?.name ?? ''));
    return !!t && !!def && goReceiverType(def) === t;
  }

  private goScopesOf(): GoScopes | undefined {
    if (this.lang !== 'go' || !this.root) return undefined;
    this.goScopes ??= new GoScopes(goFileFacts(this.root));
    return this.goScopes;
  }

  private checkLocalCalls(): void {
    if (!this.functions.size) return;
    // Functions that query: their own calls, or (bounded) functions of this file that do.
    const querying = new Map<string, { def: Node; hit: DbHit }>();
    for (const [name, def] of this.functions) {
      // A huey task: calling it enqueues a message; its queries run in the worker. A cached function (`@Cacheable`, a
      // get-or-set memo over a map) queries once per distinct key, not per call — as the cross-file pass judges it.
      if (enqueuedWhenCalled(def, this.lang, this.text) || cachedByAnnotation(def, this.lang)) continue;
      const counts = (h: DbHit) => !h.call.batch && contains(def, h.node) && h.call.instanceOf === undefined && !this.onErrorPath(h.node) && !this.deferredWithin(h.node, def) && !this.behindCacheMiss(h.node, def);
      // A query before a getter read as one by its receiver's name (DbCall `getterOf`, judged once every file is read).
      const hit = this.hits.find((h) => h.call.getterOf === undefined && counts(h)) ?? this.hits.find(counts);
      if (hit) querying.set(name, { def, hit });
    }
    this.locallyQuerying = new Set(querying.keys());
    if (!querying.size) return;
    // `os.Create(p)` in a file whose type has a `Create` method: a package's function, not the method.
    // Go: only a bare call (`load(…)`) is surely this file's function; a method (`x.Load(…)`) is its receiver type's,
    // which the cross-file pass resolves (several types of one file may each have a `Load`).
    const localCalls = this.calls.map((n) => ({ n, callee: this.hitByStart.has(n.startIndex) || (this.lang === 'go' && (this.notTheAppsFunction(n, '') || !this.goLocalCall(n))) ? undefined : this.a.localCallee(n) })).filter((c) => c.callee !== undefined);
    for (let round = 0; round < 3; round++) {
      let grew = false;
      for (const [name, def] of this.functions) {
        if (querying.has(name) || enqueuedWhenCalled(def, this.lang, this.text) || cachedByAnnotation(def, this.lang)) continue;
        const via = localCalls.find((c) => contains(def, c.n) && querying.has(c.callee!) && !this.onErrorPath(c.n));
        if (via) {
          querying.set(name, querying.get(via.callee!)!);
          this.locallyQuerying.add(name);
          grew = true;
        }
      }
      if (!grew) break;
    }
    for (const { n, callee } of localCalls) {
      const q = querying.get(callee!);
      // A call of the function inside its own body is recursion: per item when it sits in a loop there.
      if (!q || this.isDispatch(n)) continue;
      const inLoop = this.enclosingLoop(n);
      // A field resolver calling this file's querying helper runs it once per parent.
      const li = inLoop ?? this.resolverAround(n);
      if (!li || (inLoop && (this.isFixedSmallList(li) || this.runsOnceThenExits(n, li) || underKeyTest(n, li.body, li.variable) || this.isSteppedBatch(li) || this.isChunked(li, n) || this.deferredWithin(n, li.node) || this.onErrorPath(n, li.node)))) continue;
      // Recursion (`for (child of node.children) walk(child)` inside `walk`): what runs once more per item is the
      // function's work outside this loop; the queries inside the loop are reported at their own lines.
      const selfDef = this.functions.get(callee!);
      const own = inLoop && selfDef && contains(selfDef, n) ? this.queryOutside(selfDef, inLoop.node, callee!, localCalls, querying) : q.hit;
      if (!own) continue;
      const name = callee!.replace(/^\./, '');
      const line = this.lineOf(own.node.startIndex) + 1;
      const def = this.functions.get(callee!);
      const remoteFirst = def && contains(def, own.node) ? this.remoteBeforeQuery(def, own.node) : undefined;
      this.report(n, li, own.call, 'call-in-loop', `${name}()`, { name, line, call: own.call.label }, undefined, remoteFirst ? `${name}\` → \`${remoteFirst}` : undefined);
    }
  }

  /** A query of `def` outside `loop` (its own, or through another querying function of the file), if any. */
  private queryOutside(def: Node, loop: Node, self: string, localCalls: readonly { n: Node; callee?: string }[], querying: ReadonlyMap<string, { hit: DbHit }>): DbHit | undefined {
    const outside = (n: Node) => contains(def, n) && !contains(loop, n) && !this.onErrorPath(n);
    // A set read counts here too: every recursion runs it once more (`findMany({ where: { parentId } })` per child).
    const direct = this.hits.find((h) => h.call.instanceOf === undefined && outside(h.node));
    if (direct) return direct;
    const via = localCalls.find((c) => c.callee !== self && querying.has(c.callee!) && outside(c.n));
    return via ? querying.get(via.callee!)!.hit : undefined;
  }

  /**
   * Implicit N+1 in Django REST framework: a `get_<field>(self, obj)` method of a serializer
   * (SerializerMethodField) runs once per serialized object; a query in it (`Model.objects…`,
   * `obj.relation.all()/count()/filter()…`) is one query per row of a list response.
   */
  private checkSerializerMethods(): void {
    for (const { def, cls, name, obj, drf } of this.serializerMethods()) {
      const li: LoopInfo = { node: cls, kind: 'serializer', label: serializerLabel(cls, name, drf), variable: obj, body: def, shape: 'collection' };
      // Every query of the method runs once per object: an `__in` filter here narrows by other values
      // (`onhand_users__id__in=shared_users`), it does not batch the serialized objects.
      for (const h of this.hits) {
        if (!contains(def, h.node) || (h.call.batch && !/__in\s*=/.test(h.node.text)) || this.isFallback(h.node, def, obj)) continue;
        // ContentType-style `objects.get_for_model(…)` reads the manager's cache after the first call.
        if (/\.objects\.get_for_(?:model|models|id)\s*\(/.test(h.node.text)) continue;
        this.report(h.node, li, h.call, h.call.op === 'write' ? 'write-in-loop' : 'query-in-loop', h.call.label);
      }
      const rel = new RegExp(`^${escapeRe(obj)}\\.(\\w+)\\.(all|filter|exclude|count|exists|first|last|order_by|values|values_list|aggregate|annotate|get)$`);
      for (const n of this.calls) {
        if (!contains(def, n) || this.hitByStart.has(n.startIndex)) continue;
        const m = rel.exec(field(n, 'function')?.text ?? '');
        // `Q(id__in=obj.rel.all())`, `filter(x__in=obj.rel.all())`: a subquery of the outer query, not a query of its own.
        if (!m || NOT_RELATION.test(m[1]) || n.parent?.type === 'keyword_argument' || this.isFallback(n, def, obj)) continue;
        const call: DbCall = { library: 'django', op: 'read', batch: false, label: `${obj}.${m[1]}.${m[2]}`, method: m[2] };
        this.report(n, li, call, 'lazy-relation', `${obj}.${m[1]}.${m[2]}()`, undefined, m[1]);
      }
      this.checkModelHeldInVariable(def, li);
    }
  }

  /**
   * A query on a model held in a variable (`entity_model.objects.get(pk=…)`, `model_class.objects.filter(…)`,
   * the model picked from a mapping by the object's type) inside a per-object serializer method: one
   * query per serialized object. Only here: a loop over a fixed list of models elsewhere is a bounded set.
   */
  private checkModelHeldInVariable(def: Node, li: LoopInfo): void {
    const held = /^([a-z_]*model[a-z_]*|klass|model_cls|cls)\.(objects|_default_manager)\.(get|filter|exclude|first|last|count|exists|values|values_list|aggregate|in_bulk)$/;
    for (const n of this.calls) {
      if (!contains(def, n) || this.hitByStart.has(n.startIndex)) continue;
      const m = held.exec(field(n, 'function')?.text ?? '');
      if (!m || n.parent?.type === 'keyword_argument') continue;
      const call: DbCall = { library: 'django', op: 'read', batch: false, label: `${m[1]}.${m[2]}.${m[3]}`, method: m[3] };
      this.report(n, li, call, 'query-in-loop', call.label);
    }
  }

  /**
   * The query is the fallback for a value the list query already computed: the right side of
   * `obj.total or obj.items.count()` / `getattr(obj, "total", None) or …` (an annotation), or the
   * else branch of a check of a prefetch or context cache (`if prefetched is not None: … else: query`).
   * It runs only for objects the list query did not cover.
   */
  private isFallback(n: Node, def: Node, obj: string): boolean {
    const onObj = new RegExp(`^(?:getattr\\(\\s*${escapeRe(obj)}\\b|${escapeRe(obj)}\\.\\w+$)`);
    for (let c: Node | null = n, p = n.parent; p && !same(p, def); c = p, p = p.parent) {
      if (p.type === 'boolean_operator' && field(p, 'operator')?.text === 'or' && same(field(p, 'right'), c) && onObj.test(field(p, 'left')?.text ?? '')) return true;
      if (p.type === 'else_clause' && p.parent?.type === 'if_statement' && /prefetch|_cache\b|cached|self\.context/.test(field(p.parent, 'condition')?.text ?? '')) return true;
      // `try: return self.graphql_user_has_spot` / `except AttributeError: <query>`: the value the list's query
      // annotated or prefetched is read first; the query runs only when it is missing.
      if (p.type === 'except_clause' && /^except\s*\(?\s*(AttributeError|KeyError)\b/.test(p.text) && p.parent?.type === 'try_statement' && new RegExp(`\\b${escapeRe(obj)}\\.\\w+\\b(?!\\s*[.(])`).test(field(p.parent, 'body')?.text ?? '')) return true;
      // `docs = self.context.get("documents")` … `if docs is None: docs = fetch([obj.id])`: the list's parent fetched them.
      if (p.type === 'block' && p.parent?.type === 'if_statement' && same(field(p.parent, 'consequence'), p)) {
        const v = /^(?:not\s+(\w+)|(\w+)\s+is\s+None)$/.exec(field(p.parent, 'condition')?.text.trim() ?? '');
        const name = v?.[1] ?? v?.[2];
        if (name && new RegExp(`\\b${escapeRe(name)}\\s*=\\s*(?:self\\.context\\b|getattr\\(\\s*self\\b[^\\n]*(?:prefetch|cache))`).test(def.text)) return true;
      }
    }
    return false;
  }

  /**
   * The per-object methods of the file's serializers: DRF `SerializerMethodField` methods
   * (`get_<field>`, or the name given as `SerializerMethodField('name')` / `method_name='name'`),
   * a DRF serializer's own `to_representation(self, instance)`, and marshmallow `fields.Method("get_x")` methods, decorated (`@extend_schema_field(int)`) or not.
   * Read once per file.
   */
  private serializerMethods(): { def: Node; cls: Node; name: string; obj: string; drf: boolean }[] {
    if (this.serializerMethodList) return this.serializerMethodList;
    const out: { def: Node; cls: Node; name: string; obj: string; drf: boolean }[] = [];
    this.serializerMethodList = out;
    if (this.lang !== 'python') return out;
    const drf = /Serializer\b/.test(this.text) && usesModule(this.ctx, /rest_framework/);
    const marshmallow = /Schema\b/.test(this.text) && usesModule(this.ctx, /marshmallow/);
    if (!drf && !marshmallow) return out;
    // Every method of every class (several serializers in one file may each have get_author).
    for (const def of this.root?.descendantsOfType('function_definition') ?? []) {
      if (!def) continue;
      const name = field(def, 'name')?.text ?? '';
      const holder = def.parent?.type === 'decorated_definition' ? def.parent : def;
      const cls = holder.parent?.parent;
      if (cls?.type !== 'class_definition') continue;
      const sup = field(cls, 'superclasses')?.text ?? '';
      const byName = new RegExp(`(?:SerializerMethodField|Method)\\(\\s*(?:method_name\\s*=\\s*)?['"]${escapeRe(name)}['"]|method_name\\s*=\\s*['"]${escapeRe(name)}['"]`).test(cls.text);
      // `to_representation(self, instance)` of a serializer (not a ListSerializer, which gets the whole list) runs per object too.
      const isDrf = drf && /Serializer\b/.test(sup) && (/^get_\w+$/.test(name) || byName || (name === 'to_representation' && !/ListSerializer/.test(sup)));
      const isMarsh = marshmallow && /Schema\b/.test(sup) && byName;
      if (!isDrf && !isMarsh) continue;
      const params = named(field(def, 'parameters'));
      const obj = params[1]?.text.split(/[:=]/)[0].trim();
      if (obj) out.push({ def, cls, name, obj, drf: isDrf });
    }
    return out;
  }

  /**
   * Java: the lambda around the node is handed to a method of this class or its superclass, called without a receiver
   * or on `this`/`super` (`return buildStreamingPaginationResponse(accounts, account -> { …audit logs… }, nextPageUri)`):
   * a loop if that method calls the lambda once per item — decided across files (PendingLoopCall.viaHelper). The lambda
   * nearest the node only, within its method.
   */
  private helperCallbackAround(n: Node): { li: LoopInfo; via: { name: string; arg: number } } | undefined {
    if (this.lang !== 'java') return undefined;
    for (let cur = n.parent; cur; cur = cur.parent) {
      if (/^(method_declaration|constructor_declaration|class_body)$/.test(cur.type)) return undefined;
      if (cur.type !== 'lambda_expression') continue;
      const args = cur.parent;
      const call = args?.parent;
      if (args?.type !== 'argument_list' || call?.type !== 'method_invocation') return undefined;
      const name = field(call, 'name')?.text;
      const obj = field(call, 'object');
      if (!name || (obj && !/^(?:this|super)$/.test(obj.text))) return undefined;
      const arg = named(args).findIndex((x) => same(x, cur));
      const params = field(cur, 'parameters');
      const variable = params?.type === 'identifier' ? params.text : named(params)[0]?.text.split(/\s+/).pop();
      return { li: { node: cur, kind: 'callback', label: `${name}(…)`, variable, body: field(cur, 'body') ?? cur, shape: 'collection' }, via: { name, arg } };
    }
    return undefined;
  }

  /** The serializer method (run once per serialized object) holding the node, as a loop. */
  private serializerMethodAround(n: Node): LoopInfo | undefined {
    const m = this.serializerMethods().find((x) => contains(x.def, n));
    return m ? { node: m.cls, kind: 'serializer', label: serializerLabel(m.cls, m.name, m.drf), variable: m.obj, body: m.def, shape: 'collection' } : undefined;
  }

  /**
   * Implicit N+1 in GraphQL: a field resolver of an object type (not Query/Mutation/Subscription)
   * runs once per parent object of a list; a query in it, not batched by a DataLoader (or
   * graphql-ruby's dataloader, Spring's @BatchMapping), is one query per parent.
   */
  private checkResolvers(root: Node): void {
    for (const r of this.allResolvers(root)) {
      if (BATCHED_RESOLVER.test(r.def.text)) continue;
      const li: LoopInfo = r.serializer
        ? { node: r.def, kind: 'serializer', label: `${r.type}#${r.field} (serializer method, once per serialized object)`, variable: r.variable, body: r.def, shape: 'collection' }
        : { node: r.def, kind: 'resolver', label: `${r.type}.${r.field} (GraphQL field resolver, once per parent ${r.type})`, variable: r.variable, body: r.def, shape: 'collection' };
      const reported = new Set<number>();
      for (const h of this.hits) {
        // Python: an `__in` filter in a per-parent resolver narrows by other values (`id__in=mentee_ids`); it batches no parents.
        const narrows = this.lang === 'python' && /__in\s*=/.test(h.node.text);
        if ((h.call.batch && !narrows) || h.call.instanceOf !== undefined || !contains(r.def, h.node) || this.isLazyComposition(h)) continue;
        // A scalar field read only when the parent lacks it (`if (c.name) return c.name;` before it): the list's query loaded it.
        if (r.scalar && parentFieldFallback(h.node, r.def, r.variable)) continue;
        this.report(h.node, li, h.call, h.call.op === 'write' ? 'write-in-loop' : 'query-in-loop', h.call.label);
        reported.add(h.node.startIndex);
      }
      // A serializer's or a graphql-ruby field method's query through the parent's association (`object.assets.where(…)`).
      if (this.lang === 'ruby' && (r.serializer || r.variable === 'object')) this.checkSerializedRelationQueries(r.def, li, reported);
      if (r.strawberry) this.checkParentRelationQueries(r, li);
    }
  }

  /**
   * A strawberry resolver querying through its parent's relation (`self.mentors.order_by(…)`,
   * `root.issues.filter(…)`, `root.labels.count()`): one query per parent object. With the field's
   * own preload hint (`@strawberry_django.field(prefetch_related=["labels"])`) a plain `.all()`,
   * `.count()` or `.exists()` reads the prefetched rows; ordering or filtering queries again.
   */
  private checkParentRelationQueries(r: Resolver, li: LoopInfo): void {
    const obj = r.variable ?? 'self';
    const rel = new RegExp(`^${escapeRe(obj)}\\.(\\w+)\\.(all|filter|exclude|count|exists|first|last|order_by|values|values_list|aggregate|annotate|get)$`);
    const holder = r.def.parent?.type === 'decorated_definition' ? r.def.parent.text.slice(0, r.def.startIndex - r.def.parent.startIndex) : '';
    for (const n of this.calls) {
      if (!contains(r.def, n) || this.hitByStart.has(n.startIndex)) continue;
      const m = rel.exec(field(n, 'function')?.text ?? '');
      if (!m || NOT_RELATION.test(m[1]) || n.parent?.type === 'keyword_argument' || this.isFallback(n, r.def, obj)) continue;
      // The hint as a list (`prefetch_related=["labels"]`) or a callable (`prefetch_related=lambda info: Prefetch('labels', …)`).
      if (/^(all|count|exists)$/.test(m[2]) && /\bprefetch_related\s*=/.test(holder) && new RegExp(`['"]${escapeRe(m[1])}(__\\w+)?['"]`).test(holder)) continue;
      // `ids = self.visits.values_list(…)` handed to `filter(id__in=ids)`: a subquery of that query.
      const assigned = n.parent?.type === 'assignment' ? field(n.parent, 'left')?.text : undefined;
      if (assigned && /^(all|filter|exclude|order_by|values|values_list|annotate)$/.test(m[2]) && new RegExp(`__in\\s*=\\s*${escapeRe(assigned)}\\b`).test(r.def.text)) continue;
      const call: DbCall = { library: 'django', op: 'read', batch: false, label: `${obj}.${m[1]}.${m[2]}`, method: m[2] };
      this.report(n, li, call, 'lazy-relation', `${obj}.${m[1]}.${m[2]}()`, undefined, m[1]);
    }
  }

  /**
   * An ActiveModel::Serializer (Blueprinter, Panko) method that queries through the serialized
   * record's association — `object.payments.joins(:method).where(state: …)`, `object.line_items.count`,
   * `object.tags.exists?` — runs that statement once per serialized object, whatever the controller
   * preloaded (a COUNT, a filtered relation or a pluck is never answered from a preload). A plain
   * `object.payments` or `object.items.size` reads what a preload may hold and is left alone.
   */
  private checkSerializedRelationQueries(def: Node, li: LoopInfo, reported: Set<number>): void {
    const BUILDER = /^(where|joins|left_joins|left_outer_joins|order|reorder|limit|select|distinct|not|includes|preload|eager_load|rewhere|unscope|merge)$/;
    const TERMINAL = /^(count|exists\?|pluck|pick|ids|where|joins|order|reorder|limit|find_by!?|find|first|last|minimum|maximum|average)$/;
    for (const n of def.descendantsOfType('call')) {
      const method = n ? field(n, 'method')?.text : undefined;
      if (!n || !method || !TERMINAL.test(method) || reported.has(n.startIndex)) continue;
      // The outermost call of the chain only (`….joins(…).where(…)` once).
      if (n.parent?.type === 'call' && same(field(n.parent, 'receiver'), n)) continue;
      const segs: string[] = [method];
      let recv = field(n, 'receiver');
      while (recv?.type === 'call' && field(recv, 'receiver')) {
        segs.unshift(field(recv, 'method')?.text ?? '');
        recv = field(recv, 'receiver');
      }
      // object.<association>.<builders…>.<terminal>
      if (recv?.text !== 'object' || segs.length < 2) continue;
      const [assoc, ...rest] = segs;
      if (!/^[a-z][a-z0-9_]*s$/.test(assoc) || /^(errors|attributes|keys|values|changes|tags_list)$/.test(assoc) || !rest.slice(0, -1).every((x) => BUILDER.test(x))) continue;
      const call: DbCall = { library: 'activerecord', op: 'read', batch: false, label: `object.${segs.join('.')}`, method, model: assoc.replace(/ies$/, 'y').replace(/s$/, '').replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase()) };
      this.report(n, li, call, 'query-in-loop', call.label);
    }
  }

  /**
   * ActiveRecord writes a loop hides in its shorthand: `records.each(&:save!)` (one statement per
   * record, the block is the write) and `post.tags << tag` in a loop (one INSERT per item).
   */
  private checkRubyWriteShortcuts(): void {
    for (const n of this.calls) {
      const method = field(n, 'method')?.text;
      if (!method || !/^(each|map|collect|each_with_index|filter_map|flat_map)$/.test(method)) continue;
      const blockArg = named(field(n, 'arguments')).find((x) => x.type === 'block_argument');
      const sym = blockArg ? named(blockArg)[0]?.text : undefined;
      const m = sym ? /^:(save!?|destroy!?|touch|update!?|delete)$/.exec(sym) : null;
      if (!m || !blockArg) continue;
      const recv = field(n, 'receiver');
      const li: LoopInfo = { node: n, kind: 'block', label: `${recv ? shortText(recv) + '.' : ''}${method}`, iterable: recv, body: blockArg, shape: 'collection' };
      if (this.isFixedSmallList(li) || (recv && /\b(in_groups_of|each_slice|first\(\s*[1-9]\s*\))/.test(recv.text))) continue;
      // Items of an object the method constructs (`set = Sidekiq::ScheduledSet.new` then `set.select { … }.map(&:delete)`):
      // a library's collection, not a relation — `Model.new` is one unsaved record, never a list of rows.
      const owner = recv ? /^[a-z_]\w*/.exec(recv.text)?.[0] : undefined;
      const made = owner ? this.binding(owner, n.startIndex) : undefined;
      if (made && /^(?:[A-Z]\w*::)*[A-Z]\w*\.new\b/.test(made.value.text.trim())) continue;
      const call: DbCall = { library: 'activerecord', op: 'write', batch: false, label: `${method}(&${sym})`, method: m[1], model: this.modelOfIterable(recv) };
      this.report(blockArg, li, call, 'write-in-loop', `${method}(&${sym})`);
    }
    if (!this.text.includes('<<')) return;
    for (const b of this.root?.descendantsOfType('binary') ?? []) {
      if (!b || field(b, 'operator')?.text !== '<<') continue;
      const left = field(b, 'left');
      const right = field(b, 'right');
      if (left?.type !== 'call' || field(left, 'arguments') || !right || /string|array|heredoc/.test(right.type)) continue;
      const rel = field(left, 'method')?.text ?? '';
      const owner = field(left, 'receiver');
      if (!/^[a-z][a-z0-9_]*s$/.test(rel) || /^(errors|params|keys|values|messages|lines|parts|results|items|args|options|headers|flash|logs|warnings|notices)$/.test(rel) || !owner || !/^(identifier|instance_variable)$/.test(owner.type)) continue;
      const li = this.enclosingLoop(b);
      if (!li || this.isFixedSmallList(li) || this.runsOnceThenExits(b, li)) continue;
      // A record handed in or built here may be unsaved: `<<` on a new record only adds in memory (a copy,
      // `copy = record.dup`, is a new record too: saved once with everything added, after the loop).
      let def: Node | null = b.parent;
      while (def && def.type !== 'method' && def.type !== 'singleton_method') def = def.parent;
      if (def && named(field(def, 'parameters')).some((p) => p.text.replace(/[:=].*$/s, '').trim() === owner.text)) continue;
      const built = this.binding(owner.text, b.startIndex);
      if (built && /\.(new|build|dup|deep_dup|clone)\b/.test(built.value.text)) continue;
      // `output.hidden_keys << name` where the file's class sets `@hidden_keys = []`: a plain Array attribute, no association.
      if (new RegExp(`@${rel}\\s*=\\s*(?:\\[|\\{|(?:Array|Hash|Set)\\.new\\b)`).test(this.text)) continue;
      const call: DbCall = { library: 'activerecord', op: 'write', batch: false, label: `${owner.text}.${rel} <<`, method: '<<', model: rel.replace(/ies$/, 'y').replace(/s$/, '') };
      this.report(b, li, call, 'write-in-loop', `${owner.text}.${rel} << …`);
    }
  }

  /** `Post.where(…)` / `posts` (a local bound to a model query) → `Post`. */
  private modelOfIterable(recv: Node | undefined): string | undefined {
    if (!recv) return undefined;
    const direct = /^([A-Z]\w*)\./.exec(recv.text)?.[1];
    if (direct) return direct;
    const b = /^[a-z_]\w*$/.test(recv.text) ? this.binding(recv.text, recv.startIndex) : undefined;
    return b ? /^([A-Z]\w*)\./.exec(b.value.text)?.[1] : undefined;
  }

  /** Django/ActiveRecord: `row.relation.attr` inside a loop over a query that did not preload it. */
  private checkLazyRelations(): void {
    const seenLoops = new Set<number>();
    const loops: LoopInfo[] = [];
    // The loops that hold attribute accesses (Python) or calls (Ruby: `post.author` is a call).
    // Only `v.rel.attr` shapes can be lazy relation reads: walk up from those alone.
    const candidates = this.lang === 'python'
      ? this.attributes.filter((n) => field(n, 'object')?.type === 'attribute')
      : this.calls.filter((n) => field(n, 'receiver')?.type === 'call' && field(field(n, 'receiver')!, 'receiver')?.type === 'identifier');
    for (const n of candidates) {
      let child: Node = n;
      let cur = n.parent;
      while (cur) {
        const li = this.a.loopOf(cur, child);
        if (li) {
          if (!seenLoops.has(li.node.startIndex)) {
            seenLoops.add(li.node.startIndex);
            loops.push(li);
          }
          break;
        }
        if (this.isFunction(cur) && this.isNamedFunction(cur)) break;
        child = cur;
        cur = cur.parent;
      }
    }
    for (const li of loops) {
      if (li.shape !== 'collection' || !li.variable || !/^\w+$/.test(li.variable)) continue;
      const source = this.querySource(li);
      if (!source) continue;
      const { call, text: srcText } = source;
      if (/\b(select_related|prefetch_related|includes|preload|eager_load|only_never)\s*\(\s*\)/.test(srcText)) continue;
      const loaded = [...srcText.matchAll(/\b(?:select_related|prefetch_related|includes|preload|eager_load|Prefetch)\s*\(([^)]*)\)/g)].map((m) => m[1]).join(' ');
      const seen = new Set<string>();
      for (const rel of this.relationAccesses(li)) {
        if (seen.has(rel.name)) continue;
        // `select_related('debate_team__team')` loads `debate_team` on the way: a path names every relation it crosses.
        if (new RegExp(`['":]${escapeRe(rel.name)}(?:\\b|__)`).test(loaded)) continue;
        seen.add(rel.name);
        const lazyCall: DbCall = { ...call, label: `${li.variable}.${rel.name}`, method: rel.name, op: 'read', batch: false };
        this.report(rel.node, li, lazyCall, 'lazy-relation', `${li.variable}.${rel.name}`, undefined, rel.name);
      }
    }
  }

  /** The ORM query a loop iterates, inline or through a local name. */
  private querySource(li: LoopInfo): { call: DbCall; text: string } | undefined {
    const it = li.iterable;
    if (!it) return undefined;
    const fromNode = (n: Node): DbCall | undefined => {
      for (const h of this.hits) if (contains(n, h.node) && (h.call.library === 'django' || h.call.library === 'activerecord') && h.call.instanceOf === undefined) return h.call;
      return undefined;
    };
    let call = fromNode(it);
    let text = it.text;
    if (!call) {
      // Ruby `Post.where(…).each` is not a hit (the chain ends in `each`): classify the receiver text.
      // (Not a SCREAMING_CASE constant: `RATE_LIMITED_ENDPOINTS.any? { |e| e.pattern… }` walks a literal list, held-out-an.)
      if (this.lang === 'ruby' && /^[A-Z]\w*(\.(all|where|order|limit|joins|includes|preload|eager_load|not|offset|select|recent|published|active)\b[^.]*)*$/.test(it.text.replace(/\s+/g, '')) && /^[A-Z]/.test(it.text) && !VALUE_CONSTANT.test(/^[A-Z]\w*/.exec(it.text)![0])) {
        call = { library: 'activerecord', op: 'read', batch: false, label: it.text, method: 'each', model: /^[A-Z]\w*/.exec(it.text)?.[0] };
      } else if (this.lang === 'ruby' && /\.(?:find_each|find_in_batches|in_batches)$/.test(li.label) && /^[A-Z]\w*(?:::[A-Z]\w*)*(?:\.[a-z_]\w*[?!]?(?:\([^()]*\))?)+$/.test(it.text.replace(/\s+/g, ''))) {
        // `User.active_or_trial.find_each`: only an ActiveRecord relation has `find_each`, so whatever the scope is named,
        // the loop walks a model's rows (held-out-ab dawarich: `user.points.count` per active user).
        call = { library: 'activerecord', op: 'read', batch: false, label: it.text, method: 'find_each', model: /^[A-Z]\w*/.exec(it.text)?.[0] };
      } else {
        const root = this.iterableRoot(li);
        let b = root && it.text === root ? this.binding(root, li.node.startIndex) : undefined;
        // `instances = instances.filter(child=child)` (under a condition): the query keeps its origin, the name's
        // earlier binding; what any step preloads counts.
        let steps = '';
        for (let i = 0; b && root && i < 4 && !fromNode(b.value) && new RegExp(`^${escapeRe(root)}\\s*\\.`).test(b.value.text); i++) {
          steps += `\n${b.value.text}`;
          b = this.binding(root, b.at);
        }
        if (b) {
          call = fromNode(b.value);
          text = b.value.text + steps;
          if (!call && this.lang === 'ruby' && /^[A-Z]\w*\.(all|where|order|limit|joins|includes|preload|eager_load|not|offset)\b/.test(b.value.text)) call = { library: 'activerecord', op: 'read', batch: false, label: b.value.text, method: 'each', model: /^[A-Z]\w*/.exec(b.value.text)?.[0] };
        }
      }
    }
    // Ruby: `businesses.find_each` on a relation handed in (railsdevs' digest: `send_emails(businesses:)`, no binding here
    // to read its preloads from): `find_each` is ActiveRecord's, so the name holds a relation of rows; the model is the
    // item's, named by the block's variable.
    if (!call && this.lang === 'ruby' && li.variable && /\.(?:find_each|find_in_batches|in_batches)$/.test(li.label) && /^[a-z_]\w*$/.test(it.text) && !this.binding(it.text, li.node.startIndex)) {
      call = { library: 'activerecord', op: 'read', batch: false, label: it.text, method: 'find_each', model: li.variable.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase()) };
    }
    // Ruby: one of the model's own has_many associations (`repo_subscriptions.select { |s| s.repo.active? }` in User):
    // its records are loaded without the relations the block reads.
    if (!call && this.lang === 'ruby') {
      const own = /^(?:self\.)?([a-z_]\w*)(?:\.(?:where|order|reorder|limit|not|includes|preload|eager_load)\b[^.]*)*$/.exec(it.text.replace(/\s+/g, ''));
      if (own && this.ctx.associations?.has(own[1]) && !this.binding(own[1], li.node.startIndex) && !this.rubyParameterNamed(own[1], li.node)) {
        call = { library: 'activerecord', op: 'read', batch: false, label: it.text, method: 'each', model: own[1].replace(/ies$/, 'y').replace(/s$/, '').replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase()) };
      }
    }
    if (!call) return undefined;
    if (call.library === 'django' && !/\.objects\.(all|filter|exclude|order_by|select_related|prefetch_related|only|defer|annotate|distinct)\b/.test(text)) return undefined;
    if (call.library === 'django' && /\.(values|values_list)\s*\(/.test(text)) return undefined;
    if (call.library === 'activerecord' && /\.(pluck|ids|count|select\(\s*:\w+\s*\))/.test(text)) return undefined;
    return { call, text };
  }

  /** Go: `node` is inside a function literal that is itself inside `body` (a closure the loop hands on). */
  private inFuncLiteralOf(node: Node, body: Node): boolean {
    for (let p = node.parent; p && !same(p, body); p = p.parent) if (p.type === 'func_literal') return true;
    return false;
  }

  /** Ruby: `name` is a parameter of a method or block around `node` (`def active(watches)`), not the model's association. */
  private rubyParameterNamed(name: string, node: Node): boolean {
    const re = new RegExp(`(?:^|[(|,\\s*&])${escapeRe(name)}\\s*(?:[:=,)|]|$)`);
    for (let p = node.parent; p; p = p.parent) {
      if (/^(method|singleton_method|block|do_block|lambda)$/.test(p.type)) {
        const params = field(p, 'parameters');
        if (params && re.test(params.text.trim())) return true;
        if (p.type === 'method' || p.type === 'singleton_method') return false;
      }
    }
    return false;
  }

  /** `v.rel.attr`, `v.rel.all()`, `v.rel_set.count()`, Ruby `v.rel.name`, `v.rels.each`. */
  private relationAccesses(li: LoopInfo): { name: string; node: Node }[] {
    const v = li.variable!;
    const out: { name: string; node: Node }[] = [];
    const nodes = this.lang === 'python' ? li.body.descendantsOfType('attribute') : li.body.descendantsOfType('call');
    for (const n of nodes) {
      if (!n) continue;
      if (this.lang === 'python') {
        const obj = field(n, 'object');
        if (obj?.type !== 'attribute') continue;
        const base = field(obj, 'object');
        if (base?.type !== 'identifier' || base.text !== v) continue;
        const rel = field(obj, 'attribute')?.text ?? '';
        const attr = field(n, 'attribute')?.text ?? '';
        const isManager = /^(all|filter|count|exists|first|last|exclude|order_by|values_list|aggregate)$/.test(attr) && n.parent?.type === 'call';
        if (!isManager && (NOT_RELATION.test(rel) || NOT_RELATION_ATTR.test(attr))) continue;
        if (/^(_|get_|objects$)/.test(rel)) continue;
        out.push({ name: rel, node: obj });
      } else {
        // Ruby: (call receiver: (call receiver: v method: rel) method: attr)
        const recv = field(n, 'receiver');
        if (recv?.type !== 'call') continue;
        const base = field(recv, 'receiver');
        if (base?.type !== 'identifier' || base.text !== v || field(recv, 'arguments')) continue;
        const rel = field(recv, 'method')?.text ?? '';
        const attr = field(n, 'method')?.text ?? '';
        if (NOT_RELATION.test(rel) || RUBY_NOT_RELATION_ATTR.test(attr)) continue;
        // `post.tags.create(…)`: reported as the association call itself.
        if (this.hitByStart.has(n.startIndex)) continue;
        out.push({ name: rel, node: recv });
      }
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------

  /**
   * What the loop does with the call's result (JavaScript/TypeScript): the name its declaration binds and the body's
   * statements after it, for the rewrite to carry over. Undefined for other shapes.
   */
  private loopAfter(node: Node, li: LoopInfo): RewriteInput['after'] {
    if (this.lang === 'python' || this.lang === 'ruby') return this.blockAfter(node, li);
    if (this.lang === 'go') return this.goAfter(node, li);
    if (li.body.type !== 'statement_block') return undefined;
    let stmt: Node | null = node;
    while (stmt && stmt.parent && !same(stmt.parent, li.body)) stmt = stmt.parent;
    if (!stmt?.parent || (stmt.type !== 'lexical_declaration' && stmt.type !== 'variable_declaration')) return undefined;
    const decls = named(stmt).filter((c) => c.type === 'variable_declarator');
    const name = decls.length === 1 ? field(decls[0], 'name') : undefined;
    if (!name || !contains(decls[0], node)) return undefined;
    const close = li.body.endIndex - 1;
    if (this.text[close] !== '}') return undefined;
    return { binding: name.text, rest: this.text.slice(stmt.endIndex, close) };
  }

  /**
   * Python and Ruby: the statement of the loop's body holding the call — the name it assigns (`rows = await
   * conn.fetch(…)`, `res = conn.exec_params(…)`; empty for a bare `cur.execute(…)`), what follows the call in that
   * statement (`.fetchone()`), and the body's statements after it.
   */
  private blockAfter(node: Node, li: LoopInfo): RewriteInput['after'] {
    const body = li.body.type === 'do_block' || li.body.type === 'block' && this.lang === 'ruby' ? (named(li.body).find((c) => c.type === 'body_statement' || c.type === 'block_body') ?? li.body) : li.body;
    let stmt: Node | null = node;
    while (stmt && stmt.parent && !same(stmt.parent, body)) stmt = stmt.parent;
    if (!stmt?.parent) return undefined;
    const assign = this.lang === 'python' ? (stmt.type === 'expression_statement' ? named(stmt)[0] : undefined) : stmt;
    let binding = '';
    let from = node;
    if (assign?.type === 'assignment') {
      const left = field(assign, 'left');
      if (!left || left.type !== 'identifier') return undefined;
      binding = left.text;
      from = field(assign, 'right') ?? node;
    } else if (!(this.lang === 'python' ? stmt.type === 'expression_statement' : stmt.type === 'call' || stmt.type === 'method_call')) return undefined;
    // What the statement does with the call's result besides binding it (`.fetchone()` after `cur.execute(…)`).
    const tail = this.text.slice(node.endIndex, from.endIndex).trim();
    const end = body.type === 'do_block' || body.type === 'block' && this.lang === 'ruby' ? body.endIndex - (this.text.slice(0, body.endIndex).endsWith('end') ? 3 : 1) : body.endIndex;
    return { binding, rest: this.text.slice(stmt.endIndex, end), tail, indent: this.text.slice(this.text.lastIndexOf('\n', stmt.startIndex) + 1, stmt.startIndex) };
  }

  /**
   * Go: the loop's header (`for _, o := range orders`), the body's statements before the statement holding the call
   * (the `var name string` its Scan fills), that statement and the call's own text, and the statements after it.
   */
  private goAfter(node: Node, li: LoopInfo): RewriteInput['after'] {
    if (li.body.type !== 'block' || li.node.type !== 'for_statement') return undefined;
    const list = named(li.body).find((c) => c.type === 'statement_list') ?? li.body;
    let stmt: Node | null = node;
    while (stmt && stmt.parent && !same(stmt.parent, list)) stmt = stmt.parent;
    if (!stmt?.parent) return undefined;
    const open = this.text.indexOf('{', li.body.startIndex);
    const close = li.body.endIndex - 1;
    if (open < 0 || this.text[close] !== '}') return undefined;
    return {
      binding: '',
      rest: this.text.slice(stmt.endIndex, close),
      header: this.text.slice(li.node.startIndex, li.body.startIndex).trim(),
      before: this.text.slice(open + 1, stmt.startIndex),
      statement: this.text.slice(stmt.startIndex, stmt.endIndex),
      call: this.text.slice(node.startIndex, node.endIndex),
      // Declarations the Scan targets may come from: the function's text up to the call.
      scope: this.text.slice(0, stmt.startIndex),
    };
  }

  /**
   * A per-item call of this file's own function that reaches the database (person10 N1: `addEnvironmentToProject(id,
   * env)` per project got "insert all projects with one knex(…).insert([...])", which dropped the function's
   * `.onConflict([...]).ignore()` and its columns): the batched function to call — this file's own when it has one
   * (`addEnvironmentToProjects`) — or to add, keeping the conflict handling and columns of the function's write.
   */
  private appFunctionAdvice(node: Node, name: string, inner: DbCall, variable: string | undefined): Rewrite {
    const fn = field(node, 'function') ?? field(node, 'name');
    const label = fn && fn.text.length <= 80 && fn.text.endsWith(name) ? fn.text : name;
    const writes = inner.op === 'write' && (inner.conflict || inner.columns?.length) ? { conflict: inner.conflict, columns: inner.columns } : undefined;
    let existing: { name: string; line: number; keeps?: boolean } | undefined;
    for (const cand of batchedNames(name)) {
      const def = this.functions.get(cand) ?? this.functions.get(`.${cand}`);
      // It takes the many (a parameter named in the plural, or a list type): `getUsers()` listing every user is not the batch of `getUser(id)`.
      const params = def ? (field(def, 'parameters') ?? field(def, 'parameter') ?? field(field(def, 'value') ?? def, 'parameters'))?.text ?? '' : '';
      if (!def || !/[a-z_]\w*(?:s|List|Ids|Keys|Array|Set)\b\s*[:,)=]|\[\]|\b(?:List|Set|Array|Iterable|Sequence|Collection)\s*[<[]/.test(params)) continue;
      const flat = (t: string) => t.replace(/\s+/g, '');
      existing = { name: cand, line: this.lineOf(def.startIndex) + 1, keeps: inner.conflict ? flat(def.text).includes(flat(inner.conflict)) : undefined };
      break;
    }
    return batchMethodAdvice(label, name, inner.op, variable, { existing, writes });
  }

  /** `remoteInCallee`: the called function of this file first calls another service, before its query (remoteBeforeQuery). */
  private report(node: Node, li: LoopInfo, call: DbCall, kind: NPlusOneEvidence['kind'], callText: string, callee?: NPlusOneEvidence['callee'], relation?: string, remoteInCallee?: string): void {
    const key = `${node.startIndex}:${node.endIndex}`;
    if (this.flagged.has(key) || this.runsAtStartup(node) || this.unreachable(node) || this.inOtherDatabaseBranch(node)) return;
    this.flagged.add(key);
    const iterable = this.iterableText(li);
    const est = this.estimate(li);
    const rewrite = li.kind === 'resolver' ? resolverRewrite(this.lang, li.variable) : kind === 'call-in-loop' && callee ? this.appFunctionAdvice(node, callee.name, call, li.variable) : rewriteFor({ call, variable: li.variable, iterable: this.iterableRoot(li) ?? li.variable, relation, params: call.sqlArg?.nextNamedSibling?.text, args: argsAfter(call.sqlArg), callArgs: callArgsOf(node), collection: collectionOf(li), itemsPath: itemsPathOf(li), argsBefore: argsBefore(call.sqlArg), after: this.loopAfter(node, li) });
    const per = li.kind === 'resolver' ? `in ${li.label}` : li.variable ? `once per \`${li.variable}\`${iterable ? ` in \`${iterable}\`` : ''}` : `once per iteration of ${iterable ? `\`${iterable}\`` : `the ${li.label} loop`}`;
    const iters = est.iterations !== undefined ? (est.bounded ? ` (up to ${est.iterations} iterations: ${est.from})` : ` (${est.iterations} iterations: ${est.from})`) : '';
    const possible = this.possibleOf(est, li, iterable, node).possible ?? (remoteInCallee && li.kind !== 'resolver' && li.kind !== 'serializer' ? remotePossible(remoteInCallee) : undefined);
    let message: string;
    switch (kind) {
      case 'write-in-loop':
        message = `Write per item: \`${callText}\` runs ${per}${iters}: one round trip per row. Batch it.`;
        break;
      case 'call-in-loop':
        message = `N+1 query: \`${callText}\` queries the database (\`${callee!.call}\` on line ${callee!.line}) and is called ${per}${iters}.`;
        break;
      case 'lazy-relation':
        message = `N+1 query: \`${callText}\` loads the relation lazily ${per}${iters}; the query did not ${call.library === 'django' ? 'select_related/prefetch_related' : 'includes/preload'} it.`;
        break;
      default:
        message = `N+1 query: \`${callText}\` runs ${per}${iters}: one round trip per item.`;
    }
    // Code only where the rewrite keeps the loop's meaning (rewrites.ts); else the help says what to batch.
    const fixes: Fix[] = [...rewriteFixes(rewrite, lineIndentAt(this.text, li.node.startIndex)), this.ignoreFix(node.startIndex)];
    const evidence: NPlusOneEvidence = {
      kind, library: call.library, call: callText, loop: li.label, variable: li.variable, iterable,
      iterations: est.iterations, iterationsFrom: est.from, callee, rewrite,
      ...(li.kind === 'serializer' || li.kind === 'resolver' ? { implicit: true } : {}),
      ...(possible ? {} : this.itemCallsBefore(li, node)),
      ...this.sourceOf(li),
      ...(call.lazy ? { accessor: call.method } : call.ownType ? { accessor: call.method, accessorOf: call.ownType } : {}),
      ...(call.getterOf ? { getterOf: call.getterOf } : {}),
    };
    const header = { start: li.node.startIndex, end: Math.max(li.node.startIndex + 1, Math.min(li.node.endIndex, li.body.startIndex > li.node.startIndex ? li.body.startIndex : li.node.endIndex)) };
    const finding: Finding = {
      ruleId: RULE_ID,
      severity: possible ? 'info' : 'warning',
      message: possible ? `${possible}: ${message}` : message,
      span: { start: node.startIndex, end: node.endIndex },
      file: this.file,
      help: rewrite.help,
      fixes,
      related: [{ span: trimSpan(this.text, header), message: `the loop (${li.label}${li.variable ? ` over \`${li.variable}\`` : ''})` }],
      evidence: evidence as unknown as Record<string, unknown>,
    };
    this.findings.push(finding);
    this.loopOfFinding.set(finding, li.node);
  }

  private ignoreFix(offset: number): Fix {
    this.starts ??= lineStarts(this.text);
    const line = positionAt(this.starts, offset).line;
    const lineStart = this.starts[line];
    const indent = /^[ \t]*/.exec(this.text.slice(lineStart, lineStart + 200))?.[0] ?? '';
    const language = this.lang === 'tsx' ? 'typescript' : this.lang;
    return {
      title: 'Ignore this N+1 here (pg-lens-ignore comment)',
      edits: [{ span: { start: lineStart, end: lineStart }, newText: `${indent}${ignoreComment(language, RULE_ID, 'TODO: why this loop is fine here')}\n` }],
    };
  }
}

/** Method names too common to say anything across files (defined by many unrelated classes). */
/** Calls that keep a callback for later (schedulers, timers, event and route registries). */
/** Calls that run a callback per tick of a schedule (an app's `schedule`/`scheduleAndRun` helper, robfig/cron's `AddFunc`, node-cron's `schedule`, `setInterval`). */
const SCHEDULING_CALL = /^(schedule|scheduleJob|scheduleAndRun|scheduleFunc|Schedule|ScheduleFunc|cron|addJob|AddFunc|AddJob|setInterval)$/;
// An event listener a UI or a bus keeps (`button.addClickListener(e -> …)`, Vaadin's `addValueChangeListener`, Swing's
// `addActionListener`, Android's `setOnClickListener`) runs on the event, not while it is registered (held-out-aa hawkBit:
// a tag badge built per tag registers a click listener that calls the REST API).
const DEFERRING_CALL = /^(scheduleJob|schedule|scheduleAndRun|scheduleFunc|Schedule|ScheduleFunc|AddJob|Dispatch|Enqueue|EnqueueJob|Submit|setTimeout|setInterval|setImmediate|nextTick|cron|addJob|every|on|once|addListener|addEventListener|add[A-Z]\w*Listener|set[A-Z]\w*Listener|subscribe|[Rr]egister\w*|AddTool|AddFunc|HandleFunc|Handle|handle|route|listen|use)$/;

/** A remote call as a message names it: its callee, a TypeScript cast dropped (`(stripe as Stripe).subscriptions.list`). */
function remoteText(c: Node): string {
  return shortText(c, 40).replace(/^\(\s*([\w$.]+)\s+as\s+[^)]*\)/, '$1').replace(/\(.*$/s, '');
}

/** A call's callee as remote-client tests read it: no `await`, no spaces, a TypeScript cast or non-null mark dropped (`(stripe as Stripe).subscriptions.list` → `stripe.subscriptions.list`). */
function remoteHead(text: string): string {
  return text.replace(/^await\s+/, '').replace(/^\(\s*([\w$.]+)\s+as\s+[\w$.<>[\], ]+\)/, '$1').replace(/^([\w$.]+)!\./, '$1.').replace(/\s+/g, '');
}

/** Python packages whose objects run statements (an ORM's session or model, a driver's connection, a query builder). */
const PY_DATABASE_PACKAGE = /^(sqlalchemy|sqlmodel|flask_sqlalchemy|django|peewee|playhouse|tortoise|psycopg2?|psycopg_pool|asyncpg|aiopg|databases|pony|piccolo|ormar|edgedb|records|dataset|aiosql|pypika|sqlite3|pymysql|MySQLdb|aiomysql|motor|pymongo|gino|encode)$/;

/** Python literals: a method called on one is its type's (`str.join`, `dict.get`, `list.index`). */
const PY_LITERAL = /^(string|concatenated_string|list|dictionary|set|tuple|integer|float|list_comprehension|dictionary_comprehension|set_comprehension)$/;
/** A receiver segment naming a repository or a service of the app (`repos`, `user_repo`, `orderRepository`, `UserDao`, `self.service`, `self.user_svc`). */
const REPOSITORY_SEGMENT = /^(?:repos?|repositor(?:y|ies)|\w+_repos?|\w+_repository|\w*Repo(?:s|sitory)?|daos?|\w+_dao|\w*Dao|services?|\w+_service|\w*Service|svcs?|\w+_svc|\w*Svc|mixins|\w*[dD]ataSource|data_?sources?|queries)$/;
/** Attributes of a `db` object that are its connection, not a repository it holds (`self.db.session`). */
const DB_HANDLE = /^(?:session|connection|conn|engine|cursor|query|client|pool|transaction|execute|scalars?|add|commit|flush)$/;

/**
 * The call's receiver names the app's repository: a segment like `repos`/`user_repo`/`UserDao`, or a
 * `db` object whose attribute is a table's repository (`self.db.recipes.get_one`).
 */
function onRepository(n: Node, callee: string): boolean {
  const fn = field(n, 'function') ?? field(n, 'method');
  const recv = fn ? (field(fn, 'object') ?? field(fn, 'receiver') ?? field(n, 'receiver')) : field(n, 'receiver');
  const text = (recv?.text ?? '').replace(/\?\./g, '.');
  if (!text || /[()[\]]/.test(text) || callee.startsWith('_')) return false;
  const segs = text.split(/\.|::/);
  // A private field's trailing underscore (`this.taxRateService_`) does not change what it names.
  return segs.some((x, i) => REPOSITORY_SEGMENT.test(x.replace(/_+$/, '')) || (x === 'db' && i < segs.length - 1 && !DB_HANDLE.test(segs[i + 1])));
}

/** A class's node: Python, Ruby, JS/TS, Java. */
const CLASS_TYPES = /^(class_definition|class|class_declaration|abstract_class_declaration)$/;

/** Guava/Apache `partition(ids, size)`: chunks of the input, one call per chunk. */
/** Predicates Ruby, Rails and their collections define (`any?`, `valid?`, `persisted?`): never the app's own method, whatever a file defines. */
const RUBY_CORE_PREDICATE = /^(any|all|none|one|empty|nil|present|blank|include|includes|member|key|has_key|value|has_value|is_a|kind_of|instance_of|respond_to|frozen|zero|positive|negative|even|odd|finite|infinite|nan|integer|eql|equal|start_with|end_with|match|between|cover|valid|invalid|persisted|new_record|destroyed|changed|exists|exist|readonly|marked_for_destruction|previously_new_record|saved_changes|has_changes_to_save|success|successful|ok|error|errors|dirty|admin|active|enabled|disabled|visible|public|private|deleted|archived|published)\?$/;
const PARTITION_CALL = /\b(Iterables|Lists|ListUtils|Iterators)\.partition\s*\(/;
/**
 * A call of the app's own that hands the rows out chunk by chunk, named so as a part of its name (`_chunk_iterate_for_deletion(q)`,
 * `iter_chunks(rows)`, `chunkedIterator(q)`, `fetch_in_batches(q)`, `chunkArray(notifs, 500)`): one iteration per chunk, like `batched(…)`.
 */
const CHUNKING_CALL = /(?:^|[^A-Za-z0-9])_*(?:\w+_)?(?:chunk|chunks|chunked|batches|batched)(?:_\w+)?\s*\(|[a-z](?:Chunk|Chunks|Chunked|Batches|Batched)[A-Z]?\w*\s*\(|(?:^|[^\w$.])(?:chunk|chunks)[A-Z]\w*\s*\(/;

/** Python: a function whose body is only a docstring, `...`, `pass` or `raise NotImplementedError(…)`. */
function pythonStub(n: Node): boolean {
  if (n.type !== 'function_definition') return false;
  const stmts = named(field(n, 'body')).filter((c) => c.type !== 'comment');
  return stmts.length > 0 && stmts.every((c) => c.type === 'pass_statement' || (c.type === 'expression_statement' && /^(\.\.\.|"[\s\S]*"|'[\s\S]*'|\"\"\"[\s\S]*\"\"\"|'''[\s\S]*''')$/.test(c.text.trim())) || (c.type === 'raise_statement' && /^raise\s+NotImplementedError\b/.test(c.text)));
}

/**
 * The supertypes a class header names (`class A extends Base<{…}>({…}) implements IFoo, ns.IBar<T>` → IFoo, IBar; a
 * plain `extends Base` → Base), by their last name; a superclass made by a call (a mixin factory) is not named.
 */
/** TS/JS: the names a function calls both on a typed receiver and otherwise (crossFile.ts typedOnly: those stay judged by name). */
function untypedOf(typed: Map<string, string>, untyped: Set<string> | undefined): { untypedCallees?: string[] } {
  const both = [...new Set([...typed.keys()].map((k) => k.slice(0, k.indexOf('\u0000'))))].filter((c) => untyped?.has(c));
  return both.length ? { untypedCallees: both } : {};
}

function supertypesOf(header: string): string[] {
  let flat = header;
  // Type arguments and object literals (`<{ dto: X }>`, `({ InventoryItem })`) out, innermost first.
  for (let i = 0; i < 8 && /[<{(]/.test(flat); i++) flat = flat.replace(/<[^<>{}()]*>|\{[^{}]*\}|\([^()]*\)/g, (m) => (m.startsWith('(') ? '()' : ''));
  const out: string[] = [];
  const ext = /\bextends\s+((?:[\w$]+\.)*[A-Z][\w$]*)\s*(?=implements\b|$)/.exec(flat.trim());
  if (ext) out.push(ext[1].split('.').pop()!);
  const impl = /\bimplements\s+([^]*)$/.exec(flat);
  for (const t of impl?.[1].split(',') ?? []) {
    const m = /^\s*((?:[\w$]+\.)*[A-Z][\w$]*)\s*$/.exec(t);
    if (m) out.push(m[1].split('.').pop()!);
  }
  return out;
}

/** A literal argument: a string, a number, true/false/None/nil/null. */
const CONSTANT_ARG = /^(string|number|integer|float|true|false|none|nil|null|string_literal|interpreted_string_literal|raw_string_literal|int_literal|float_literal|decimal_integer_literal|decimal_floating_point_literal|simple_symbol)$/;
/** `obj.relation.values_list(…)`: a method only Django's QuerySet has, on an object's attribute (a related manager). */
const DJANGO_RELATED_READ = /^(?:self\.)?[a-z_]\w*\.([a-z_]\w*)\.(?:values_list|select_related|prefetch_related|annotate|aggregate|exclude|in_bulk|order_by)\(/;
/** Attributes holding plain data, not related managers (`self.data.order_by` is a DataFrame's, `form.fields…`). */
const NOT_RELATED_MANAGER = /^(?:objects|data|df|fields|items|values|headers|params|args|kwargs|cleaned_data|session|query|cache|results?)$/;

/** Java: a declared type of the app's storage layer (`ProductService`, `OrderRepository`, `UserDao`). */
const STORAGE_TYPE = /^[A-Z]\w*(?:Service|Repository|Dao|DAO|Store|Storage)$/;

/**
 * Go: a call Go's syntax ties to a package or a typed receiver (`store.Get(id)`, `s.Get(id)` with `s *store.Store`):
 * the cross-file pass resolves it by package and type (goResolve.ts), so a common name (`Get`, `Add`) is no reason to drop it.
 */
function goAppCall(ref: GoCallRef | undefined): boolean {
  return !!ref && (ref.via === 'pkg' || (ref.via === 'value' && ref.recv !== undefined));
}

/** Reading a file the app ships (YAML, JSON, TOML) into data: `YAML.load_file(PATH)`, `json.load(open(path))`. */
const SHIPPED_FILE = /\b(?:YAML|Psych)\.(?:safe_)?load_file\(|\b(?:YAML|Psych)\.(?:safe_)?load\(\s*File\.read\(|\bJSON\.parse\(\s*File\.read\(|\b(?:json|yaml|toml|tomllib)\.(?:safe_)?load\(\s*open\(/;

/** A row staged on a SQLAlchemy session for the next commit or flush (`db.session.add(row)`, `session.delete(x)`). */
const STAGED_WRITE = /^(?:self\.)?(?:[\w]+\.)*(?:session|db_session|dbsession|sess)\.(?:add|add_all|delete|merge)\(/;

/** Methods that narrow or run a query built elsewhere (`query.filter(…)`, `.where(…)`, `.scalar()`). */
const NARROWING = /^(?:filter|filter_by|where|and_where|andWhere|orWhere|or_where|whereIn|join|outerjoin|innerJoin|leftJoin|order_by|orderBy|limit|offset|having|group_by|options|exclude|get|first|one|one_or_none|scalar|scalars|all|find|findOne|first_or_404|get_or_404)$/;

/** Array.prototype's methods that take a callback first. */
const ARRAY_CALLBACK_METHOD = /^(find|findIndex|findLast|findLastIndex|filter|map|flatMap|some|every|forEach|reduce|reduceRight|sort)$/;

/**
 * TS/JS `matches.find((m) => m !== '.')`: an array's method given a function, never the app's function of that name
 * (held-out-ai chartbrew: a controller's `module.exports.find = (condition) => db.Template.findAll(…)` made every
 * `array.find(cb)` of the app a database call).
 */
function arrayCallback(n: Node, name: string): boolean {
  if (!ARRAY_CALLBACK_METHOD.test(name) || field(n, 'function')?.type !== 'member_expression') return false;
  const first = named(field(n, 'arguments'))[0];
  return first !== undefined && /^(arrow_function|function_expression|function)$/.test(first.type);
}

/** A call asking for one item: a page size or limit of 1 by name, `.Limit(1)`/`.take(1)`, or a literal 1 right after a page number (`GetReviewPage(ctx, req.Page, 1, cond)`). */
const PAGE_OF_ONE = /\b(?:page_?size|pageSize|PageSize|per_?page|perPage|PerPage|limit|Limit|take)\s*[:=]\s*1\s*[,)}\n]|\.(?:Limit|limit|take)\(\s*1\s*\)|\b[\w.]*[Pp]age(?:No|Num|Number|Index)?\s*,\s*1\s*[,)]/;

const GENERIC_NAMES = new Set(['get', 'set', 'save', 'find', 'create', 'update', 'delete', 'remove', 'add', 'push', 'append', 'extend', 'insert', 'pop', 'call', 'apply', 'bind', 'run', 'exec', 'execute', 'send', 'emit', 'handle', 'process', 'render', 'format', 'parse', 'load', 'dump', 'dumps', 'loads', 'toString', 'to_s', 'to_dict', 'dict', 'list', 'items', 'keys', 'values', 'join', 'split', 'strip', 'trim', 'replace', 'map', 'filter', 'reduce', 'forEach', 'each', 'then', 'catch', 'resolve', 'reject', 'log', 'info', 'debug', 'warn', 'warning', 'error', 'print', 'printf', 'Printf', 'Sprintf', 'Errorf', 'Error', 'String', 'len', 'str', 'int', 'bool', 'float', 'isinstance', 'getattr', 'setattr', 'hasattr', 'super', 'next', 'close', 'open', 'read', 'write', 'flush', 'copy', 'clone', 'equals', 'hash', 'validate', 'clean', 'init', 'new', 'build', 'make', 'has', 'includes', 'indexOf', 'slice', 'sort', 'reverse', 'some', 'every', 'concat', 'assign', 'entries', 'fromEntries', 'stringify', 'encode', 'decode', 'lower', 'upper', 'startswith', 'endswith', 'isEmpty', 'size', 'length', 'count', 'first', 'last', 'Get', 'Set', 'Add', 'Delete', 'Close', 'Scan', 'Next', 'Err', 'Exec', 'Query', 'QueryRow', 'Unlock', 'Lock', 'Done', 'Wait', 'Write', 'Read', 'fetch', 'perform', 'transaction', 'atomic', 'commit', 'rollback', 'begin', 'with_lock', 'sleep', 'now', 'time', 'Now', 'Since', 'setdefault', 'sync', 'refresh', 'reload', 'authorize', 'check', 'serialize', 'deserialize', 'translate', 'gettext', 'jsonify', 'redirect', 'url_for', 'get_object', 'get_queryset', 'is_valid', 'full_clean', 'assertEqual', 'expect', 'toBe']);

/** `BookSerializer.get_tags (SerializerMethodField, once per object)`: how a serializer method runs per object. */
/**
 * Python: the names the file binds to an in-process database's connection or cursor — `con = sqlite3.connect(…)`,
 * `self.con = duckdb.connect(…)`, `cursor = con.cursor()` — by the engine module's own `connect`. A file that also
 * imports a PostgreSQL driver keeps its calls (the name may be either).
 */
function inProcessHandles(text: string): Set<string> {
  const names = new Set<string>();
  if (!/^\s*(?:import|from)\s+(?:sqlite3|duckdb|aiosqlite)\b/m.test(text) || /^\s*(?:import|from)\s+(?:psycopg2?|asyncpg|pg8000)\b/m.test(text)) return names;
  for (const m of text.matchAll(/^\s*((?:self\.)?\w+)\s*=\s*(?:await\s+)?(?:sqlite3|duckdb|aiosqlite)\.connect\(/gm)) names.add(m[1]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const m of text.matchAll(/^\s*((?:self\.)?\w+)\s*=\s*(?:await\s+)?((?:self\.)?\w+)\.cursor\(/gm)) {
      if (names.has(m[2]) && !names.has(m[1])) {
        names.add(m[1]);
        grew = true;
      }
    }
  }
  return names;
}

/** Node's built-in modules (`crypto`, `node:url`): no database client among them. */
const NODE_BUILT_INS = /^(assert|async_hooks|buffer|child_process|cluster|crypto|dgram|dns|events|fs|fs\/promises|http|http2|https|net|os|path|perf_hooks|process|querystring|readline|stream|string_decoder|timers|tls|url|util|v8|vm|worker_threads|zlib)$/;
/** Global classes whose objects hold data in memory (`new URL(…)`, `new Map()`): their `get`/`delete` are no queries. */
/** TypeScript's own generic types: a name declared `Partial<User>` or `Record<…>` has no class of the app behind it. */
const TS_UTILITY_TYPES = /^(Partial|Required|Readonly|Record|Pick|Omit|Exclude|Extract|NonNullable|ReturnType|Awaited|Promise|Array|ReadonlyArray|Function|Object|String|Number|Boolean|Error|Iterable|AsyncIterable|Generator)$/;
/** A cloud provider's SDK (`@azure/storage-blob`, `@aws-sdk/client-s3`): a library, though its name says storage. */
const CLOUD_SDK = /^(?:@azure|@aws-sdk|@google-cloud|@smithy)\/|^(?:aws-sdk|minio)$/;
const BUILT_IN_CLASSES = /^(URL|URLSearchParams|Map|Set|WeakMap|WeakSet|Date|RegExp|Buffer|TextEncoder|TextDecoder|Headers|FormData|AbortController|Intl)$/;
/**
 * JavaScript's global namespaces and constructors called for their static functions (`Object.values(x)`, `Array.from(…)`,
 * `JSON.parse(s)`, `Promise.all(…)`): never the app's function of that name, whatever the app defines (held-out-aq Vendure:
 * an id codec's `Object.values(target)` was taken for a GraphQL field resolver `values` that queries, and the codec for a query).
 */
const JS_GLOBAL_OBJECTS = /^(Object|Array|JSON|Math|Promise|Reflect|Number|String|Boolean|Symbol|BigInt|Atomics|console)$/;
/** The first folder of an import path that names the app's own code (a `tsconfig` baseUrl import), not a package. */
const APP_FOLDER = /^(src|app|apps|lib|libs|server|pages|components|modules|utils|services|features|common|shared|packages)$/;
/** A database library's own npm package (an ORM, a query builder, a driver), not the app's data layer of a workspace. */
const DATABASE_LIBRARY = /^(typeorm|sequelize|sequelize-typescript|mongoose|mongodb|@prisma\/client|knex|objection|drizzle-orm(\/.*)?|kysely|@mikro-orm\/[\w-]+|pg|pg-promise|postgres|mysql2?(\/promise)?|better-sqlite3|ioredis|redis)$/;
/** A package (its name, scope included) that is or may wrap a database layer: its objects' methods may query. */
const DATA_LAYER_PACKAGE = /(^|[@/._-])(\w*(?:sql|db|database|data|mongo|redis|orm|prisma|postgres|neon|supabase|firebase|knex|drizzle|kysely|sequelize|objection|slonik|pg)\w*|repositor\w*|models?|store|storage|persistence|client|api|server|backend|core|shared|common)($|[/._-])/i;

/** A test that a key is in a map: `key in m` (Python) → [key, map]; `m.containsKey(k)`, `m.has(k)` → [, , map, key]. */
const MAP_HIT_TEST = /^\(?\s*(?:((?:[^()]|\([^()]*\))+?)\s+in\s+([\w.]+)|([\w$.]+)\.(?:has|containsKey|key\?|has_key\?|include\?)\(((?:[^()]|\([^()]*\))+)\))\s*\)?$/;

/** The text stores a value in `map` under some key: `m[k] = v`, `m[k] ||= v`, `m.set(k, v)`, `m.put(k, v)`, `m.setdefault(k, v)`. */
function storesUnder(map: string, text: string): boolean {
  return new RegExp(`(^|[^\\w$.])${escapeRe(map)}\\s*(\\[[^\\]]+\\]\\s*(=(?!=)|\\|\\|=)|\\.(set|put|setdefault|store)\\()`).test(text);
}

/** Emptying a method cache: Flask-Caching's `delete_memoized`, `fn.cache_clear()` (lru_cache), Spring's `@CacheEvict`, `evictAll`. */
const CACHE_CLEAR = /\bdelete_memoized\s*\(|\.cache_clear\s*\(\s*\)|@CacheEvict\b|\.evictAll\s*\(|\bcache\.clear\s*\(\s*\)/;

/** An app method named for a write that removes or updates rows in bulk (`deleteOldEntries`, `purge_expired`, `markRead`). */
const DRAINING_WRITE = /^(?:delete|remove|purge|prune|clean|archive|expire|update|mark|move)/i;

/** The Python callees every call of which is on an object other than `self`/`cls` (see FileCallFacts). */
function objectCalleesOf(calls: ReadonlyMap<string, boolean> | undefined): { objectCallees?: string[] } {
  const names = [...(calls ?? [])].filter(([, onObject]) => onObject).map(([name]) => name);
  return names.length ? { objectCallees: names } : {};
}

function serializerLabel(cls: Node, name: string, drf: boolean): string {
  const how = name === 'to_representation' ? 'to_representation' : drf ? 'SerializerMethodField' : 'fields.Method';
  return `${field(cls, 'name')?.text ?? 'serializer'}.${name} (${how}, once per object)`;
}

/** A file that may define GraphQL resolvers. */
/** MicroProfile GraphQL's API (SmallRye GraphQL in Quarkus and WildFly). */
const MICROPROFILE_GRAPHQL = /\bimport\s+(?:org\.eclipse\.microprofile\.graphql|io\.smallrye\.graphql)\./;
const GRAPHQL_HINT = /graphql|\bresolvers\b|graphene|strawberry|ariadne|ResolveField|FieldResolver|SchemaMapping|DgsData|gqlgen|Types::Base|GraphQL::Schema/i;
/** The positional arguments of the call that are the resolver's parent itself (PendingLoopCall.parentArgs). */
function parentArgs(n: Node, li: LoopInfo): { parentArgs?: number[] } {
  const v = li.variable;
  if (!v || !/^[A-Za-z_$][\w$]*$/.test(v)) return {};
  const out: number[] = [];
  named(field(n, 'arguments')).filter((a) => !/comment/.test(a.type)).forEach((a, i) => {
    if (a.text.trim() === v) out.push(i);
  });
  return out.length ? { parentArgs: out } : {};
}

/** A resolver that batches its loads (DataLoader and friends). */
/** JS/TS: a read through a DataLoader (`userLoader.load(id)`, `this.basicLoader.batchLoader.loadMany(ids)`). */
const LOADER_CALL = /\b\w*[Ll]oader\w*\s*\.\s*load(Many)?\s*\(/;
const BATCHED_RESOLVER = /data_?loader|DataLoader|[Ll]oaders?\b|\.load\(|load_many|loadMany|BatchLoader|batch_load|RecordLoader|AssociationLoader|@BatchMapping|dataloader\.with/;
/** Root operation types: their resolvers run once per request, not per parent. */
const ROOT_TYPE = /^(Query|Mutation|Subscription|RootQuery|RootMutation|QueryRoot|MutationRoot)(Type)?$|Query$|Queries$|Mutations?$|^(query|mutation|subscription)Resolver$/;

interface Resolver {
  def: Node;
  type: string;
  field: string;
  variable?: string;
  /** A serializer's method (ActiveModel::Serializer, Blueprinter, Panko), not a GraphQL resolver. */
  serializer?: boolean;
  /** A strawberry resolver: its parent (`self`, or the `root` argument) is a model whose relations query. */
  strawberry?: boolean;
  /**
   * Resolves a scalar (`@ResolveField(() => String)`, `: Promise<string>`, `graphene.String()`, `-> str`): a column of
   * the parent itself, which the list's query loaded with the parent (a relation is loaded only when the query asks).
   */
  scalar?: boolean;
}

/** GraphQL's and the languages' scalar type names (a field of one of them is a column, not a relation). */
const SCALAR_TYPE = /^(?:string|number|boolean|bigint|Date|String|Int|Float|Boolean|ID|GraphQLISODateTime|DateTime|str|int|float|bool|Decimal|Time)$/;

/** TS: does the NestJS / TypeGraphQL field method resolve a scalar (its decorator's type, else its declared return type)? */
function tsScalarResolver(m: Node): boolean {
  for (let d = m.previousNamedSibling; d?.type === 'decorator'; d = d.previousNamedSibling) {
    const t = /^@(?:ResolveField|FieldResolver)\(\s*(?:\(\s*\)|\w+)\s*=>\s*(\[?)\s*([\w.]+)/.exec(d.text);
    if (t) return !t[1] && SCALAR_TYPE.test(t[2].split('.').pop()!);
  }
  const ret = field(m, 'return_type')?.text.replace(/^:\s*/, '').trim() ?? '';
  const inner = (/^Promise<([\s\S]*)>$/.exec(ret)?.[1] ?? ret).split('|').map((x) => x.trim()).filter((x) => !/^(null|undefined)$/.test(x));
  return inner.length === 1 && SCALAR_TYPE.test(inner[0]);
}

/** Ruby serializer base classes: their methods run once per serialized object. */
const RUBY_SERIALIZER = /<\s*(ActiveModel::Serializer|ApplicationSerializer|BaseSerializer|Blueprinter::Base|Panko::Serializer)\b/;

const firstParamName = (params: Node | null | undefined): string | undefined => {
  const p = named(params).find((x) => !/comment|decorator/.test(x.type));
  // `({ id })` / `({ id: bookId })`: the parent's destructured field names it.
  const id = p?.type === 'identifier' ? p : p?.descendantsOfType(['identifier', 'shorthand_property_identifier_pattern'])?.find((x) => !!x && !/decorator/.test(x.parent?.type ?? '') && x.parent?.type !== 'call_expression');
  return id?.text;
};

/** Field resolvers that run once per parent object, per language and GraphQL library. */
function perParentResolvers(root: Node, lang: SourceLanguage, text: string): Resolver[] {
  const out: Resolver[] = [];
  const isType = (name: string | undefined) => !!name && /^[A-Z]/.test(name) && !ROOT_TYPE.test(name);
  if (lang === 'typescript' || lang === 'tsx' || lang === 'javascript') {
    for (const n of root.descendantsOfType(['pair', 'method_definition'])) {
      if (!n) continue;
      const fn = n.type === 'pair' ? field(n, 'value') : n;
      if (!fn || !/^(arrow_function|function_expression|function|method_definition)$/.test(fn.type)) continue;
      const fieldName = (field(n, 'key') ?? field(n, 'name'))?.text.replace(/^['"]|['"]$/g, '');
      const obj = n.parent;
      if (!fieldName || obj?.type !== 'object') continue;
      const params = field(fn, 'parameters') ?? field(fn, 'parameter');
      if (fieldName === 'resolve') {
        // new GraphQLObjectType({ name: 'Post', fields: () => ({ author: { type, resolve(post) {…} } }) })
        const owner = obj.parent?.type === 'pair' ? field(obj.parent, 'key')?.text : undefined;
        let type: string | undefined;
        for (let p = obj.parent; p && !type; p = p.parent) if (p.type === 'new_expression' && /GraphQLObjectType/.test(field(p, 'constructor')?.text ?? '')) type = /\bname\s*:\s*['"`](\w+)/.exec(p.text)?.[1];
        if (owner && isType(type)) out.push({ def: fn, type: type!, field: owner, variable: firstParamName(params) });
        continue;
      }
      // resolvers = { Post: { author: (post) => … } }
      const typeKey = obj.parent?.type === 'pair' ? field(obj.parent, 'key')?.text.replace(/^['"]|['"]$/g, '') : undefined;
      const map = obj.parent?.parent;
      if (isType(typeKey) && map?.type === 'object' && (/resolvers?/i.test(map.parent?.text.slice(0, 200) ?? '') || named(map).some((x) => x.type === 'pair' && /^(Query|Mutation)$/.test(field(x, 'key')?.text ?? '')))) {
        out.push({ def: fn, type: typeKey!, field: fieldName, variable: firstParamName(params) });
      }
    }
    // NestJS @ResolveField / TypeGraphQL @FieldResolver: the parent is the @Parent()/@Root() argument.
    for (const m of root.descendantsOfType('method_definition')) {
      if (!m) continue;
      let decorated = false;
      for (let d = m.previousNamedSibling; d?.type === 'decorator'; d = d.previousNamedSibling) if (/^@(ResolveField|FieldResolver)\b/.test(d.text)) decorated = true;
      if (!decorated) continue;
      const cls = m.parent?.parent;
      const type = /@Resolver\(\s*(?:\(\)\s*=>|\w+\s*=>|of\s*=>)?\s*\[?(\w+)/.exec(cls?.parent?.text.slice(0, 400) ?? cls?.text.slice(0, 200) ?? '')?.[1] ?? field(cls!, 'name')?.text ?? 'Object';
      const parent = named(field(m, 'parameters')).find((p) => /@(Parent|Root)\(/.test(p.text));
      const variable = parent ? /\)\s*(\w+)/.exec(parent.text)?.[1] : firstParamName(field(m, 'parameters'));
      out.push({ def: m, type, field: field(m, 'name')?.text ?? 'field', variable, ...(tsScalarResolver(m) ? { scalar: true } : {}) });
    }
    const seen = new Set(out.map((r) => r.def.startIndex));
    for (const r of codegenTypedResolvers(root, isType)) {
      if (seen.has(r.def.startIndex)) continue;
      seen.add(r.def.startIndex);
      out.push({ ...r, variable: firstParamName(field(r.def, 'parameters') ?? field(r.def, 'parameter')) });
    }
  } else if (lang === 'python') {
    for (const cls of root.descendantsOfType('class_definition')) {
      const name = cls ? field(cls, 'name')?.text : undefined;
      if (!cls || !isType(name) || /Serializer|Form|Admin|View|Test|Filter|Input$/.test(name!)) continue;
      const strawberryType = cls.parent?.type === 'decorated_definition' && /@strawberry(_django)?\.(type|interface)|@\w+\.type\b/.test(cls.parent.text.slice(0, 200));
      const graphene = /ObjectType|DjangoObjectType|Node|Interface/.test(field(cls, 'superclasses')?.text ?? '');
      if (!strawberryType && !graphene) continue;
      for (const item of named(field(cls, 'body'))) {
        const def = item.type === 'decorated_definition' ? field(item, 'definition') : item;
        if (def?.type !== 'function_definition') continue;
        const fname = field(def, 'name')?.text ?? '';
        const params = named(field(def, 'parameters'));
        // A scalar: the class declares the field as one (`title = graphene.String()`), or the method returns one (`-> str`).
        const ret = field(def, 'return_type')?.text.replace(/^Optional\[(.*)\]$/, '$1').trim() ?? '';
        const declared = new RegExp(`^\\s*${escapeRe(graphene ? fname.slice(8) : fname)}\\s*=\\s*graphene\\.(\\w+)\\(`, 'm').exec(field(cls, 'body')?.text ?? '')?.[1];
        const scalar = SCALAR_TYPE.test(ret) || (declared !== undefined && SCALAR_TYPE.test(declared));
        if (graphene && /^resolve_\w+$/.test(fname)) out.push({ def, type: name!, field: fname.slice(8), variable: params[0]?.text.split(/[:=]/)[0].trim(), ...(scalar ? { scalar: true } : {}) });
        else if (strawberryType && item.type === 'decorated_definition' && /@strawberry(_django)?\.field\b|@field\b/.test(item.text.slice(0, 120))) {
          out.push({ def, type: name!, field: fname, variable: params.some((p) => /^root\b/.test(p.text)) ? 'root' : 'self', strawberry: true, ...(scalar ? { scalar: true } : {}) });
        }
      }
    }
  } else if (lang === 'ruby') {
    for (const cls of root.descendantsOfType('class')) {
      const sup = cls ? field(cls, 'superclass')?.text ?? '' : '';
      if (cls && RUBY_SERIALIZER.test(`< ${sup.replace(/^<\s*/, '')}`)) {
        const name = field(cls, 'name')?.text.split('::').pop() ?? 'Serializer';
        for (const m of cls.descendantsOfType('method')) {
          if (m && m.parent?.parent && same(m.parent.parent, cls) && !named(field(m, 'parameters')).length) out.push({ def: m, type: name, field: field(m, 'name')?.text ?? 'method', variable: 'object', serializer: true });
        }
        continue;
      }
      const name = cls ? field(cls, 'name')?.text.split('::').pop() : undefined;
      if (!cls || !isType(name) || !/Types::Base\w*|GraphQL::Schema::Object|BaseObject/.test(field(cls, 'superclass')?.text ?? '')) continue;
      // `field :offers, …` and an app's own field helper (`nilable_field :offers, …`) resolved by the method of that name.
      const fields = new Set([...cls.text.matchAll(/^\s*(?:\w+_)?field\s+:(\w+)/gm)].map((m) => m[1]));
      for (const m of cls.descendantsOfType('method')) {
        const fname = m ? field(m, 'name')?.text : undefined;
        if (m && fname && fields.has(fname) && m.parent?.parent && same(m.parent.parent, cls)) out.push({ def: m, type: name!.replace(/Type$/, ''), field: fname, variable: 'object' });
      }
    }
  } else if (lang === 'java') {
    for (const m of root.descendantsOfType('method_declaration')) {
      if (!m) continue;
      const mods = named(m).find((x) => x.type === 'modifiers')?.text ?? '';
      // MicroProfile GraphQL (SmallRye, Quarkus): a method taking its parent as an `@Source` parameter is a field of
      // that parent's type, run once per parent (held-out-ai cryostat: `activeRecordings(@Source Target target, …)`).
      const mpSource = MICROPROFILE_GRAPHQL.test(text) && !/@(Query|Mutation|Subscription)\b/.test(mods) ? named(field(m, 'parameters')).find((p) => p.type === 'formal_parameter' && /^@Source\b/.test(p.text)) : undefined;
      const mpType = mpSource ? field(mpSource, 'type')?.text : undefined;
      if (mpSource && mpType && /^[A-Z]\w*$/.test(mpType) && isType(mpType)) {
        out.push({ def: m, type: mpType, field: /@Name\(\s*"(\w+)"/.exec(mods)?.[1] ?? field(m, 'name')?.text ?? 'field', variable: field(mpSource, 'name')?.text });
        continue;
      }
      if (!/@(SchemaMapping|DgsData)\b/.test(mods) || /@(BatchMapping|QueryMapping|MutationMapping|SubscriptionMapping)\b/.test(mods)) continue;
      const clsMods = m.parent?.parent ? named(m.parent.parent).find((x) => x.type === 'modifiers')?.text ?? '' : '';
      const typeNamed = /(?:typeName|parentType)\s*=\s*(?:DgsConstants\.\w+\.TYPE_NAME|"(\w+)")/.exec(mods)?.[1] ?? /typeName\s*=\s*"(\w+)"/.exec(clsMods)?.[1];
      // Spring for GraphQL: without typeName, the type is the source parameter's class.
      const source = typeNamed || !/@SchemaMapping\b/.test(mods) || /typeName\s*=/.test(mods + clsMods) ? undefined : springSourceType(field(m, 'parameters'));
      const type = typeNamed ?? source?.type;
      if (!isType(type)) continue;
      const params = named(field(m, 'parameters'));
      const first = params.find((p) => !/DataFetchingEnvironment|@Argument/.test(p.text));
      out.push({ def: m, type: type!, field: /field\s*=\s*"(\w+)"/.exec(mods)?.[1] ?? field(m, 'name')?.text ?? 'field', variable: source?.variable ?? (first ? field(first, 'name')?.text : undefined) });
    }
  } else if (lang === 'go' && /gqlgen|ResolverRoot|Resolver struct/.test(text)) {
    // gqlgen: func (r *postResolver) Author(ctx context.Context, obj *model.Post) (*model.User, error)
    for (const m of root.descendantsOfType('method_declaration')) {
      const recv = m ? /\*?(\w+)Resolver\)/.exec(field(m, 'receiver')?.text ?? '')?.[1] : undefined;
      if (!m || !recv || /^(query|mutation|subscription)$/i.test(recv) || !/\bobj\s+\*?[\w.]+/.test(field(m, 'parameters')?.text ?? '')) continue;
      out.push({ def: m, type: recv[0].toUpperCase() + recv.slice(1), field: field(m, 'name')?.text ?? 'field', variable: 'obj' });
    }
  }
  return out;
}

/** Literal lists up to this long are a fixed set of round trips, not N+1. */
/** A size the code fixes (a literal count or list, a constant), small enough to be the author's choice. */
function boundedByCode(est: { iterations?: number; declared?: boolean }): boolean {
  return est.declared === true && est.iterations !== undefined && est.iterations <= MAX_DECLARED_ITERATIONS;
}

/**
 * A getter that keeps what it builds (`if d.fileClient != nil { return d.fileClient }`, `if (this.client)
 * return this.client`, `if self._engine is not None: return self._engine`, Ruby `@x ||= …`): what it
 * queries to build it runs on the first call only.
 */
const MEMOISED_GETTER = /\bif\s+[^{\n]*?\b(\w+)\.(\w+)\s*!=\s*nil\b[^{\n]*\{\s*return\s+\1\.\2\s*\}|\bif\s*\(\s*this\.(\w+)\s*(?:!==?\s*(?:null|undefined)\s*)?\)\s*\{?\s*return\s+this\.\3\b|\bif\s+self\.(\w+)\s+is\s+not\s+None\s*:\s*return\s+self\.\4\b|^\s*def\s+[\w?!]+(?:\([^)]*\))?\s*\n\s*@(\w+)\s*\|\|=/;

/** Go ent: a method called on a builder chain (`….Create().SetName(…)`, `….UpdateOneID(id).SetStatus(…)`). */
const ENT_BUILDER_RECEIVER = /\.(?:Create|CreateBulk|Update|UpdateOne|UpdateOneID|Delete|DeleteOne|DeleteOneID|Query[A-Z]?\w*)\([^()]*\)[\s\S]*\.\s*\w+$/;

/** The generated-code marker Go tools write (ent, sqlc, protoc, gqlgen), and others copy. */
const GENERATED_CODE = /^\/\/ Code generated .* DO NOT EDIT\.$/m;

export const MAX_FIXED_LIST = 10;
/**
 * A loop whose size the code fixes at most this (a month's days, a year's months, a literal count) is
 * bounded by the code, not by the data: its N+1 is shown as `info` ("possible N+1"), not a warning.
 */
const MAX_DECLARED_ITERATIONS = 31;


/**
 * The loop walks rows of a query whose LIMIT the code writes as a literal of at most MAX_FIXED_LIST (`[:5]` on a Django
 * queryset, `.limit(3)`, `take: 5`, `.Limit(5)`, `.first(3)`): at most a handful of items by the code, not a page of the
 * data (a page size — `per_page`, `pageSize`, `PageRequest.of` — is a page, and stays a warning). Evidence of size, not
 * a name: its N+1 is only possible (`info`).
 */
function handfulByLimit(est: { iterations?: number; bounded?: boolean; declared?: boolean; from?: string }): boolean {
  return est.bounded === true && est.declared !== true && est.iterations !== undefined && est.iterations >= 1 && est.iterations <= MAX_FIXED_LIST
    && !/per_page|pageSize|PageRequest/i.test(est.from ?? '');
}

/** The global `fetch(…)` as written, on no receiver (a Ruby call node's method is `fetch` in `Rails.cache.fetch(…)` too). */
const GLOBAL_FETCH = /^\s*(?:await\s+)?fetch\s*\(/;
/** Cheap test before remoteCallPerItem reads the loop's calls. */
const REMOTE_HINT = /fetch|axios|got\(|ky\.|requests\.|httpx|urlopen|aiohttp|http\.|https\.|stripe|resend|sendgrid|sgMail|mailgun|twilio|posthog|slack|octokit|s3|ses\.|sns\.|sqs\.|bucket|mail|email|invite|invitation|notification|sms/i;
/**
 * A call on an HTTP client or a service's SDK: `axios.get`, `requests.post`, `http.Get`, `stripe.customers.del`,
 * `resend.emails.send`; or on a storage bucket or the app's S3 wrapper (`bucket.Delete(ctx, path)` of gocloud.dev/blob,
 * `avatarBucket.upload(…)`, `s3Util.removeByPath(…)`).
 */
const REMOTE_CLIENT = /^(?:axios|got|ky|superagent|requests|httpx|aiohttp|urllib\.request|urllib3|http|https|stripe|resend|sendgrid|sgMail|mailgun|twilio|posthog|slack|slackClient|octokit|s3|s3Client|ses|sesClient|sns|sqs)(?:\.|\(|$)|^(?:urlopen|ofetch|\$fetch)$|^(?:this\.)?(?:bucket|[a-z]\w*Bucket|s3[A-Z]\w*|[a-z]\w*S3\w*)\./;
/**
 * Helpers of an HTTP package that do no I/O: Go's `http.StatusText(code)` (the text of a status code, as an app's error
 * constructor builds its message: gotosocial's `gtserror.NewErrorInternalError`), `http.CanonicalHeaderKey`,
 * `http.DetectContentType`, `http.ParseTime`, `http.ParseHTTPVersion`. Not a call to another service.
 */
const HTTP_PURE = /^https?\.(?:StatusText|CanonicalHeaderKey|DetectContentType|ParseTime|ParseHTTPVersion)$/;
/** The app's function named for another service: `deleteStripeCustomer`, `deletePostHogPerson`, `copyFileToBucketServer`, `notify_slack`. */
const REMOTE_NAME = /(?:^|[a-z_])(?:stripe|post_?hog|vercel|slack|twilio|sendgrid|mailgun|bucket|s3)(?:[A-Z_0-9]|$)/i;
/**
 * A container action, by what the call is named (issue 14, n1bm): `inspectContainer(id)`, `restartContainer(id)`,
 * `startSubContainer(service, entry)`, `stop_container(name)` — the Docker engine's round trip (or a process started),
 * not the database's, sets the pace of each item. Not `createContainer` (a UPnP or DOM container is built in memory) nor
 * `findContainer`/`getContainers` (a read).
 */
const CONTAINER_ACTION = /^_?(?:inspect|start|stop|restart|kill|pull|remove|pause|unpause)_?(?:sub_?)?containers?$/i;
/**
 * A call that is one item's own unit of work (unitOfWorkCall): it sends an e-mail, acts on a container (CONTAINER_ACTION),
 * handles a consumer's message, job or event, or queues one.
 */
// One run of letters and underscores between the verb and the noun, never nested quantifiers: `(?:_?[A-Za-z]+?)*?` made the
// test exponential in a long name that does not match (37 ms at 29 characters; held-out-aw Kill Bill's scan did not end).
const UNIT_OF_WORK_CALL = new RegExp([
  /^_?(?:send|forward|deliver|resend)[A-Za-z_]*mail[A-Za-z_]*$/.source,
  CONTAINER_ACTION.source,
  /^_?(?:handle|process|execute|consume)[A-Za-z_]*(?:message|messages|entries|entry|job|jobs|task|event|schedule|subscribers|reply|delivery)$/.source,
  /^(?:enqueue|publish)\w*$|^\w*(?:Enqueue|_enqueue)\w*$/.source,
].join('|'), 'i');
/**
 * Work on the item's file, by the call's head (issue 14, n1bm): Java's `Files.copy`/`Files.delete`/`FileUtils.delete`, a
 * zip entry (`zf.putNextEntry`, `zip_ref.open(name)`), Python's `os.remove`/`shutil.rmtree`, Node's `fs.unlink`/
 * `fs.promises.writeFile`, Go's `os.Remove`/`os.WriteFile`. The disk's work per item, not the query's, sets the pace.
 */
const FILE_WORK = /^(?:(?:java\.nio\.file\.)?Files\.(?:copy|delete|deleteIfExists|move|write|writeString|createTempFile|createFile|newInputStream|newOutputStream|readAllBytes|readString)|FileUtils\.(?:delete|deleteDirectory|deleteQuietly|forceDelete|cleanDirectory|copy\w*|move\w*|write\w*|read\w*)|[\w.]*\.putNextEntry|(?:self\.)?\w*zip\w*\.(?:open|read|extract|extractall|write|writestr)|os\.(?:remove|unlink|rename|replace|rmdir|removedirs|Remove|RemoveAll|Rename|WriteFile|ReadFile|Create)|shutil\.(?:rmtree|move|copy\w*)|(?:fs|fsp|fse|fsPromises|fs\.promises)\.(?:unlink|rm|rmdir|writeFile|readFile|copyFile|rename|appendFile|cp)(?:Sync)?)$/i;
/** Cheap test before remoteCallPerItem looks for a container action or file work (ownWorkOf). */
const OWN_WORK_HINT = /container|Files\.|FileUtils|zip|putNextEntry|os\.|shutil|fs\.|fsp\.|fse\.|fsPromises/i;
/** Whether the call is the item's own work that is not the database: a container action, or work on its file. */
function ownWorkOf(head: string, name: string): 'container' | 'file' | undefined {
  return CONTAINER_ACTION.test(name) ? 'container' : FILE_WORK.test(head) ? 'file' : undefined;
}
/** The app's function that sends a mail or message: `sendDataroomViewerInvite`, `send_mail`, `deliverWelcomeEmail`, `sendPushNotification`. */
const REMOTE_SEND = /^(?:send|deliver)(?:[A-Z_]\w*)?(?:mail|email|invite|invitation|notification|sms|message)s?$/i;

const DEFERRED_CALLEES = /^(get|post|put|patch|delete|del|all|use|route|on|once|addListener|addEventListener|subscribe|handle|handler|HandleFunc|Handle|GET|POST|PUT|PATCH|DELETE|listen|register|command|task|job|schedule|cron|define|it|test|describe|beforeEach|afterEach|beforeAll|afterAll|before|after|setInterval|onMessage|process|consume|worker)$/;

/** Plain fields and attributes, not relations (`created_at.year`, `name.upper()`). */
const NOT_RELATION = /^(amount|price|total|balance|cost|money)_\w+$|^(id|pk|uuid|name|title|email|slug|status|state|type|kind|meta|metadata|data|config|settings|attrs|attributes|errors|body|content|text|description|url|urls|path|file|image|price|amount|total|count|size|value|key|tags_text|json|payload|options|extra)$|(_at|_on|_date|_time|_id|_ids|_json|_data|_url|_urls|_path|_file|_count|_name|_type|_status|_amount|_price)$/;
const NOT_RELATION_ATTR = /^(isoformat|strftime|upper|lower|strip|split|replace|get|items|keys|values|year|month|day|hour|minute|second|date|time|total_seconds|format|startswith|endswith|encode|decode|hex|url|path|size|title|capitalize|append|pop|copy|timestamp|days|seconds|join|astimezone|weekday|isoweekday|utcoffset|tzname|timetuple|__\w+__)$/;
const RUBY_NOT_RELATION_ATTR = /^(to_s|to_i|to_f|to_sym|to_date|to_time|to_json|to_h|to_a|strftime|upcase|downcase|capitalize|strip|present\?|blank\?|nil\?|empty\?|round|year|month|day|iso8601|humanize|titleize|split|length|include\?|start_with\?|end_with\?|gsub|sub|zero\?|positive\?|negative\?|abs|floor|ceil|in_time_zone|utc|localtime|[=!<>+\-*/%[\]]+)$/;

/** The texts of a call's own arguments (`id=book.author_id`, `post.user_id`), when it has an argument list. */
function callArgsOf(node: Node): string[] | undefined {
  const list = field(node, 'arguments');
  return list ? named(list).filter((n) => n.type !== 'comment').map((n) => n.text) : undefined;
}

/** The texts of a call's arguments before the SQL argument (Go's `ctx`), skipping comments. */
function argsBefore(sqlArg: Node | null | undefined): string[] {
  const out: string[] = [];
  for (let n = sqlArg?.previousNamedSibling; n; n = n.previousNamedSibling) if (n.type !== 'comment') out.unshift(n.text);
  return out;
}

/**
 * Java: the indexes of the method's parameters it calls once per item — `toJson.apply(entity)` in a `while`/`for` loop
 * anywhere in its body (an anonymous class's method included): a helper that builds a page's rows with the function it
 * is handed (FileCallFacts perItemArgs).
 */
function perItemArgsOf(def: Node): { perItemArgs?: number[] } {
  if (def.type !== 'method_declaration') return {};
  const params = named(field(def, 'parameters')).filter((p) => p.type === 'formal_parameter').map((p) => field(p, 'name')?.text);
  if (!params.length) return {};
  const out: number[] = [];
  for (const inv of def.descendantsOfType('method_invocation')) {
    const obj = inv ? field(inv, 'object') : undefined;
    if (!inv || obj?.type !== 'identifier' || !/^(?:apply|accept|test|call|run)$/.test(field(inv, 'name')?.text ?? '')) continue;
    const i = params.indexOf(obj.text);
    if (i < 0 || out.includes(i)) continue;
    for (let p = inv.parent; p && !same(p, def); p = p.parent) {
      if (/^(?:while_statement|for_statement|enhanced_for_statement|do_statement)$/.test(p.type)) {
        out.push(i);
        break;
      }
    }
  }
  return out.length ? { perItemArgs: out.sort((a, b) => a - b) } : {};
}

/** A text on one line, cut to 48 characters (for a message). */
function clip(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  return t.length > 48 ? `${t.slice(0, 47)}…` : t;
}

/** `(a, b)` — a comma at the top level of a parenthesised text (a tuple), not `(xs || [])` or `(q.filter(a, b))`. */
function topLevelComma(x: string): boolean {
  let depth = 0;
  for (let i = 0; i < x.length; i++) {
    const c = x[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) return true;
    else if ((c === '"' || c === "'") && depth >= 1) {
      const end = x.indexOf(c, i + 1);
      if (end < 0) return false;
      i = end;
    }
  }
  return false;
}

/**
 * The loop's collection as written, when a rewrite can read it again as it is: a name or a path of names (`products`,
 * `this.orders`, `self.items`, `@posts`); not a call, a conversion or a literal (`[]int64(c.MediaIDs)`, `qs.all()`).
 */
function collectionOf(li: LoopInfo): string | undefined {
  const t = li.iterable?.text.trim();
  return t && /^(@{1,2}|\$)?[A-Za-z_][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(t) ? t : undefined;
}

/**
 * The path of names the loop's collection starts with, when it is a member of an object and not a method called on it:
 * `newToken.projects` of `(newToken.projects || []).filter(…)`, `order.items` of `order.items`; undefined for `users`,
 * `Object.entries(x)` or `rows.map(…)` (rewriteFor's iterable names those).
 */
function itemsPathOf(li: LoopInfo): string | undefined {
  const t = li.iterable?.text.replace(/^await\s+/, '').replace(/^\(+/, '');
  const m = t ? /^(?:this\.)?[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)+/.exec(t) : null;
  if (!m || /^\s*\(/.test(t!.slice(m[0].length))) return undefined;
  return m[0].replace(/\?\./g, '.').replace(/^this\./, '');
}

/** The texts of a call's arguments after the SQL argument (skipping comments). */
function argsAfter(sqlArg: Node | null | undefined): string[] {
  const out: string[] = [];
  for (let n = sqlArg?.nextNamedSibling; n; n = n.nextNamedSibling) if (n.type !== 'comment') out.push(n.text);
  return out;
}

/** Template interpolations (`${id}` in sql`…`, marked \u0000) are parameters: number them after the existing $n. */
function renumberTemplateParams(sql: string): string {
  let max = maxParamIndex(sql);
  return sql.replace(/\u0000/g, () => `$${++max}`);
}

/**
 * `first` (a line of `text` starting at `at`) and, while it opens more parentheses than it closes, the lines after it, up
 * to the one that balances them (at most 30 lines): a call written over several lines, whole.
 */
function untilBalanced(text: string, at: number, first: string): string {
  let depth = 0;
  for (const ch of first) depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
  // A chain that goes on after a line ending in `.` (Go's `q := r.db.Entity.Create().\n SetName(data.Name).\n …`): the
  // next lines are the same value (held-out-ae homebox: the builder's setters carry what the INSERT writes).
  const continues = (end: number) => /\.[ \t]*$/.test(text.slice(at, end));
  let end = at + first.length;
  if (depth <= 0 && !(text[end] === '\n' && continues(end))) return first;
  for (let lines = 0; end < text.length && lines < 30; end++) {
    const ch = text[end];
    if (ch === '(') depth++;
    else if (ch === ')') {
      if (--depth <= 0 && !continues(end + 1) && !/^\)?[ \t]*\.[ \t]*\n/.test(text.slice(end, end + 80))) return text.slice(at, end + 1);
    } else if (ch === '\n') {
      if (depth <= 0 && !continues(end)) break;
      lines++;
    } else if (ch === ';' && depth <= 0) break;
  }
  return text.slice(at, end);
}

function trimSpan(text: string, s: { start: number; end: number }): { start: number; end: number } {
  let end = s.end;
  while (end > s.start + 1 && /\s|\{|:/.test(text[end - 1])) end--;
  const nl = text.indexOf('\n', s.start);
  if (nl >= 0 && nl < end) end = nl;
  return { start: s.start, end: Math.max(end, s.start + 1) };
}

/** Does `text` mention one of `names` as a name of its own (not a member `x.id`, not part of a longer name; a spread `...v` counts)? */
function mentionsName(text: string, names: Iterable<string>): boolean {
  const t = text.replace(/\.\.\./g, ' ');
  for (const v of names) if (new RegExp(`(^|[^\\w$.])${escapeRe(v)}([^\\w$]|$)`).test(t)) return true;
  return false;
}
