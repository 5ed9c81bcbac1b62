/**
 * N+1 through the app's own layers: a call in a loop to a function or method defined in another
 * file (a repository, a service, a model method, the app's wrapper around its driver) whose body
 * queries the database — directly, or through functions that do, up to MAX_DEPTH calls deep.
 *
 * Learned from the code itself, by name: every file's named functions say whether they query and
 * whom they call (FileCallFacts, from analyzeNPlusOne); a name is a database call when EVERY
 * definition of it in the project (same language family) reaches a query. Names defined by many
 * unrelated classes (get, save, run…) are never used (GENERIC_NAMES in detect.ts).
 * Bounded: MAX_DEPTH rounds, and MAX_DEFINITIONS per name.
 */
import type { Finding, Span } from '../findings';
import type { SourceLanguage } from '../syntax/treeSitter';
import type { FileCallFacts, LoopParam, ModuleListRef, NPlusOneEvidence, PendingLoopCall, QueryKeys } from './detect';
import { RULE_ID } from './ruleId';
import { MAX_FIXED_LIST } from './detect';
import { escapeRe } from '../format';
import { batchMethodAdvice, rewriteFixes, sequelizeIncludeRewrite, sequelizeMixinAdvice } from './rewrites';
import { remotePossible } from './loopEvidence';
import { codeContextOf } from '../codeContext';
import { languageFolderOf, languageOf } from '../languages/registry';
import type { GoCallRef, GoFileFacts } from '../languages/go/callGraph';
import { GoIndex, type GoTargets } from './goResolve';
import type { SequelizeMixin } from './sequelizeModels';

const MAX_DEPTH = 4;
const MAX_DEFINITIONS = 6;
/** A Ruby file of a Rails controller or controller concern. */
const RUBY_CONTROLLER_FILE = /(?:^|\/)app\/controllers\/.*\.rb$/;

/**
 * Go: a call through an interface of the app (`persister.Delete(item)` with `persister persistence.Cleanup[T]`) whose
 * every candidate method of that name surely reaches the database (each persister's Delete runs a DELETE): whichever
 * implementation runs, the call queries — an N+1, not a possible one, however many implementations there are.
 */
function everyImplementationQueries<D>(t: GoTargets<D>, sure: ReadonlySet<D>): boolean {
  return !t.exact && t.iface === true && t.defs.length > 0 && t.defs.every((d) => sure.has(d) && !(d as { batched?: boolean }).batched);
}
/** More classes than this implementing one interface: a plug-in point, not the app's one service. */
const MAX_IMPLEMENTERS = 4;


/** A name of one lowercase word: many unrelated classes define one. */
const AMBIGUOUS = /^[a-z]+[!?]?$/;
/** A file of the app's data-access or service layer: `repos/`, `services/`, `dao/`, `datasources/`, `user_repository.py`, `OrderDao.java`, `recipe_service.py`, `ProposalDataSource.ts`. */
const REPOSITORY_FILE = /(^|\/)(repos|repositor(y|ies)|daos?|data[-_]?access|data[-_]?sources?|services?)\/|(^|\/)[^/]*(repo|repository|dao|service|mixins|datasource)[^/]*\.\w+$/i;
const WORKSPACE = /^(packages|apps|libs|services|modules|plugins|crates|projects|components)$/;

/** The package a file belongs to: `packages/cli` of `packages/cli/src/x.ts`, else its first folder. */
function packageOf(file: string): string {
  const parts = file.split('/');
  return WORKSPACE.test(parts[0]) && parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts.length > 1 ? parts[0] : '';
}

/** `GemDownload` and `app/models/gem_download.rb`, `UserService` and `user.service.ts`. */
function baseName(file: string): string {
  return file.split('/').pop()!.replace(/\.[a-z]+$/i, '');
}

/** Java: a file named as an implementation of `type` by a prefix (`DatabaseStorage`, `JdbcUserDao` for `Storage`, `UserDao`). */
function implementationOf(type: string, file: string): boolean {
  const base = baseName(file);
  return base !== type && base.endsWith(type) && /^[A-Z]/.test(base);
}

function sameName(cls: string, file: string): boolean {
  const flat = (t: string) => t.toLowerCase().replace(/[^a-z0-9]/g, '');
  const base = file.split('/').pop()!.replace(/\.[a-z]+$/i, '');
  // `TagsService` names tag.service.ts / TagService.java too (a plural before the role).
  const c = flat(cls).replace(/s(service|repository|repo|store|dao|manager)$/, '$1');
  return [flat(cls), c].some((x) => flat(base) === x || flat(base).startsWith(x) || x.startsWith(flat(base)));
}

/** Does the Python module as written (`app.utils`, `.helpers`) name this file (`…/app/utils.py`, `…/app/utils/__init__.py`)? */
function moduleHolds(mod: string, file: string): boolean {
  const p = mod.replace(/^\.+/, '').replace(/\./g, '/');
  if (!p) return false;
  return new RegExp(`(^|/)${escapeRe(p)}(\\.py|/__init__\\.py)$`).test(file);
}

interface Def {
  file: string;
  /** The class the method is defined in (FileCallFacts). */
  cls?: string;
  /** 1-based line of its own first query (FileCallFacts). */
  queryLine?: number;
  /** 1-based last line of the definition. */
  endLine?: number;
  /** Reads through a DataLoader: calls per item are batched. */
  batched?: boolean;
  line: number;
  queries: boolean;
  callees: string[];
  keys?: QueryKeys;
  method?: boolean;
  bareCallees?: string[];
  /** Defined in generated code (ent's builders, sqlc's queries). */
  generated?: boolean;
  /** A getter that keeps what it builds (queries on its first call only). */
  memo?: boolean;
  /** Returns first when its parameter at this index already holds the value (FileCallFacts `guarded`). */
  guarded?: number;
  /** Java: the parameter count (each overload is a definition of its own). */
  arity?: number;
  /** Java: a method of a web controller class (a request handler the framework calls, not the app's code). */
  /** Java: declared without a body (an interface's or an abstract method). */
  bodyless?: boolean;
  controller?: boolean;
  /** Java: a private method — only its own class calls it, never another file's code. */
  private?: boolean;
  /** Keeps its results in a cache keyed by its arguments (`@Cacheable`, `@lru_cache`): not a query per call. */
  cached?: boolean;
  /** A huey task: calling it enqueues a message (loopEvidence.enqueuedWhenCalled); it reaches nothing per call. */
  enqueued?: boolean;
  /** Its own body calls another service (FileCallFacts `remote`): the call as written. */
  remote?: string;
  /** Its own body calls another service before its own query (FileCallFacts `remoteFirst`): the call as written. */
  remoteFirst?: string;
  /** Its body only returns a literal list of this many items (FileCallFacts `literal`). */
  literal?: number;
  /** Go: the function's name, its receiver type (a method) and its calls as Go names them. */
  name?: string;
  goRecv?: string;
  goCalls?: GoCallRef[];
  /** Java: the argument counts of each callee's calls. */
  calleeArgc?: Record<string, number[]>;
  /** Java: the indexes of the parameters it calls once per item (FileCallFacts perItemArgs). */
  perItemArgs?: number[];
  /** Python: callees called only on another object (methods, never module functions). */
  objectCallees?: string[];
  /** Empties a method cache (see FileCallFacts). */
  clearsCache?: boolean;
  /** Calls on a receiver declared as the app's storage type, as [name, type] (see FileCallFacts). */
  typedCallees?: [string, string][];
  /** TS/JS: names of typedCallees the function also calls on an untyped receiver (see typedOnly). */
  untypedCallees?: string[];
  /** Python: calls on a project module imported by name, as [name, module] (see FileCallFacts). */
  moduleCallees?: [string, string][];
  /** Python: callees called only on a module (see FileCallFacts). */
  moduleOnly?: string[];
  /** Python: names called on an object made from a class imported from a module (FileCallFacts `instanceCallees`), with the module. */
  instanceCallees?: [string, string][];
  /** Python: those names only ever called so. */
  instanceOnly?: string[];
  /** Python: callees it calls only on `self` (FileCallFacts `selfOnly`). */
  selfOnly?: string[];
  /** Java: no query of its own but getters taken for queries by their receiver's name, on these classes (FileCallFacts `getterQueries`): it queries unless each is a data class. */
  getterQueries?: string[];
  /** A Sequelize association mixin (`getTagList` of `this.belongsToMany(Tag, { as: "tagList" })`): defined by the association, queries on every call. */
  mixin?: SequelizeMixin;
}

/** A Django related manager's write as the Python classifier reads it by shape: `obj.attr.add(…)`. */
const RELATED_MANAGER_WRITE = /^(?:self\.)?[A-Za-z_]\w*\.[A-Za-z_]\w*\.(?:add|remove|set|clear|create|get_or_create|update_or_create)$/;
/** Python database layers that are not Django's ORM. */
/** Python bases that give a class no methods of a library: typing and abc markers. */
const PY_MARKER_BASE = /^(object|Generic|Protocol|ABC|ABCMeta|Any)$/;
const PYTHON_NON_DJANGO_DB = /^(?:sqlalchemy|sqlmodel|flask_sqlalchemy|peewee|playhouse|tortoise|pony|piccolo|ormar|databases|asyncpg|psycopg2?|psycopg_pool|aiosql|pymongo|motor|mongoengine)(?:\.|$)/;

export class CrossFileCalls {
  private readonly defs = new Map<string, Def[]>();
  private readonly pending: { file: string; family: string; call: PendingLoopCall }[] = [];
  private readonly modules = new Map<string, string[]>();
  private readonly importedFrom = new Map<string, Record<string, string>>();
  private readonly packageImports = new Map<string, Record<string, string>>();
  /** Java: per file, the class it extends and the types it declares (inherited fields). */
  private readonly javaClasses = new Map<string, { extends?: string; types: Record<string, string> }>();
  /** Per file, its classes' supertypes (FileCallFacts.supertypes). */
  private readonly supertypes = new Map<string, Record<string, string[]>>();
  /** Python: per file, its classes' bases (FileCallFacts.pythonBases). */
  private readonly pythonBases = new Map<string, Record<string, string[]>>();
  /** Java: per file (outside tests), the enums it declares (FileCallFacts.javaEnums). */
  private readonly javaEnums = new Map<string, string[]>();
  /** Java: per file (outside tests), its data classes (FileCallFacts.dataClasses). */
  private readonly dataClasses = new Map<string, string[]>();
  /** The version for which the definitions' getterQueries were settled (settleGetters). */
  private gettersSettled = -1;
  /** Python: the classes the app defines (a method's class, a class naming bases), for one version of the index. */
  private pythonClasses: { version: number; of: Set<string> } | undefined;
  private root: string | undefined;
  /** Files in the order they were first added: a file read again keeps its place among the definitions of a name. */
  private readonly order = new Map<string, number>();
  /** Go: per file, its imports and declarations (calls are resolved by package and receiver type, goResolve.ts). */
  private readonly goFiles = new Map<string, GoFileFacts>();
  /** Per file (outside tests), its calls with the positions given a short literal (FileCallFacts.callLiterals), and its family. */
  private readonly literalCalls = new Map<string, { family: string; calls: [string, number, number[]][] }>();
  /** JS/TS: each file's top-level short literal lists (FileCallFacts.moduleLists), by its path with `/` separators. */
  private readonly moduleLists = new Map<string, Set<string>>();
  /** The calls of literalCalls by `family:name`, for one version of the index. */
  private callsByName: { version: number; of: Map<string, { file: string; line: number; literal: number[] }[]> } | undefined;
  /** Python: per module as written, whether a file of the project is it (projectHolds). */
  private readonly held = new Map<string, boolean>();
  /** implementers() per type, for one version of the index. */
  private implemented: { version: number; of: Map<string, Set<string>> } | undefined;
  /** The classes the app defines (`family:Class`, `*:Class` from the supertypes facts), for one version of the index. */
  private classNames: { version: number; of: Set<string> } | undefined;

  /** Bumped by every add (and replace): the loop callers found for a version (loopCallers) are kept until the next. */
  private version = 0;
  private graph: { version: number; warm: { q: Map<string, Def>; reaches: Set<Def> } } | undefined;
  /** remoteGraph, for a version. */
  private remote: { version: number; reaches: Set<Def>; first: Map<Def, string> } | undefined;
  private callers: { version: number; list: { file: string; span: Span; defFile: string; from: number; to: number }[]; judged: Set<string> } | undefined;

  /** The files' paths in the app, where the index holds absolute ones (the editor's: AnalyzerInput.contextPath). */
  private readonly contextPaths = new Map<string, string>();
  /** A file's kind of code, judged by its path in the app: a clone under ~/tests/ is not all test code. */
  private contextOf(file: string): ReturnType<typeof codeContextOf> {
    return codeContextOf(this.contextPaths.get(file) ?? file);
  }

  add(file: string, language: SourceLanguage, facts: FileCallFacts, contextPath?: string): void {
    this.version++;
    if (contextPath !== undefined) this.contextPaths.set(file, contextPath);
    if (!this.order.has(file)) this.order.set(file, this.order.size);
    const family = languageFolderOf(language);
    if (facts.modules?.length) this.modules.set(file, facts.modules);
    if (facts.importedFrom) this.importedFrom.set(file, facts.importedFrom);
    if (facts.packageImports) this.packageImports.set(file, facts.packageImports);
    if (facts.javaClass) this.javaClasses.set(file, facts.javaClass);
    if (facts.supertypes) this.supertypes.set(file, facts.supertypes);
    if (facts.pythonBases) this.pythonBases.set(file, facts.pythonBases);
    if (facts.dataClasses?.length) this.dataClasses.set(file, facts.dataClasses);
    if (facts.javaEnums?.length && this.contextOf(file) !== 'test') this.javaEnums.set(file, facts.javaEnums);
    if (facts.go) this.goFiles.set(file, facts.go);
    if (facts.callLiterals?.length && this.contextOf(file) !== 'test') this.literalCalls.set(file, { family, calls: facts.callLiterals });
    if (facts.moduleLists?.length) this.moduleLists.set(file.replace(/\\/g, '/'), new Set(facts.moduleLists));
    // Helpers of tests (e2e page objects, factories) are not what application code calls.
    const defines = this.contextOf(file) !== 'test';
    for (const f of defines ? facts.functions : []) {
      const key = `${family}:${f.name}`;
      const list = this.defs.get(key) ?? [];
      list.push({ file, line: f.line, ...(f.cls ? { cls: f.cls } : {}), ...(f.queryLine ? { queryLine: f.queryLine } : {}), ...(f.endLine ? { endLine: f.endLine } : {}), queries: f.queries, callees: f.callees, keys: f.keys, ...(f.method ? { method: true } : {}), ...(f.bareCallees ? { bareCallees: f.bareCallees } : {}), ...(f.batched ? { batched: true } : {}), ...(facts.generated ? { generated: true } : {}), ...(f.memo ? { memo: true } : {}), ...(f.guarded !== undefined ? { guarded: f.guarded } : {}), ...(f.arity !== undefined ? { arity: f.arity } : {}), ...(f.controller ? { controller: true } : {}), ...(f.bodyless ? { bodyless: true } : {}), ...(f.private ? { private: true } : {}), ...(f.cached ? { cached: true } : {}), ...(f.enqueued ? { enqueued: true } : {}), ...(f.remote ? { remote: f.remote } : {}), ...(f.remoteFirst ? { remoteFirst: f.remoteFirst } : {}), ...(f.literal !== undefined ? { literal: f.literal } : {}), ...(f.calleeArgc ? { calleeArgc: f.calleeArgc } : {}), ...(f.objectCallees ? { objectCallees: f.objectCallees } : {}), ...(f.clearsCache ? { clearsCache: true } : {}), ...(f.typedCallees ? { typedCallees: f.typedCallees } : {}), ...(f.untypedCallees ? { untypedCallees: f.untypedCallees } : {}), ...(f.moduleCallees ? { moduleCallees: f.moduleCallees } : {}), ...(f.moduleOnly?.length ? { moduleOnly: f.moduleOnly } : {}), ...(f.instanceOnly?.length ? { instanceCallees: f.instanceCallees, instanceOnly: f.instanceOnly } : {}), ...(f.selfOnly?.length ? { selfOnly: f.selfOnly } : {}), ...(f.getterQueries?.length ? { getterQueries: f.getterQueries } : {}), ...(f.perItemArgs ? { perItemArgs: f.perItemArgs } : {}), ...(family === 'go' ? { name: f.name, goRecv: f.goRecv, goCalls: f.goCalls ?? [] } : {}) });
      this.defs.set(key, list);
    }
    // Sequelize defines a method on the model's instances per association mixin: each one queries (one SELECT, COUNT or
    // INSERT), so a loop calling one — or calling the app's helper that does — is an N+1 (person14: article.getTagList()).
    for (const m of defines ? facts.sequelizeMixins ?? [] : []) {
      const key = `${family}:${m.name}`;
      this.defs.set(key, [...(this.defs.get(key) ?? []), { file, line: m.line, cls: m.model, queryLine: m.line, queries: true, callees: [], method: true, mixin: m }]);
    }
    // Go generated code (gqlgen's per-field marshallers): its loops are the generator's, not the app's.
    for (const c of family === 'go' && facts.generated ? [] : facts.loopCalls) this.pending.push({ file, family, call: c });
  }

  /**
   * A file read again (an open document's current text, after Scan Workspace read every file): its facts replace
   * the ones read before, in the same place, so its cross-file findings are judged against every other file as the
   * scan read them — the same findings while its text is unchanged, and found again after an edit.
   */
  replace(file: string, language: SourceLanguage, facts: FileCallFacts, contextPath?: string): void {
    for (const [key, list] of this.defs) {
      const kept = list.filter((d) => d.file !== file);
      if (kept.length === list.length) continue;
      if (kept.length) this.defs.set(key, kept);
      else this.defs.delete(key);
    }
    for (let i = this.pending.length - 1; i >= 0; i--) if (this.pending[i].file === file) this.pending.splice(i, 1);
    this.modules.delete(file);
    this.importedFrom.delete(file);
    this.packageImports.delete(file);
    this.javaClasses.delete(file);
    this.supertypes.delete(file);
    this.pythonBases.delete(file);
    this.dataClasses.delete(file);
    this.javaEnums.delete(file);
    this.goFiles.delete(file);
    this.literalCalls.delete(file);
    this.moduleLists.delete(file.replace(/\\/g, '/'));
    this.add(file, language, facts, contextPath);
    const at = (f: string) => this.order.get(f) ?? 0;
    for (const list of this.defs.values()) if (list.some((d) => d.file === file)) list.sort((a, b) => at(a.file) - at(b.file));
  }

  /**
   * Name (`family:name`) → the definition that reaches a query, for names whose every definition does;
   * and every definition that reaches one (for calls on a repository, judged by its own definitions).
   */
  /** Java: a class the app's own source defines as a data class (fields read back by getters, no query), outside tests. */
  private isDataClass(cls: string): boolean {
    for (const [file, classes] of this.dataClasses) if (classes.includes(cls) && this.contextOf(file) !== 'test') return true;
    return false;
  }

  /**
   * Java: `name` is a getter of one of the app's data classes (outside tests), and no definition of it without
   * parameters — in any class, a DAO's interface included — reaches the database.
   */
  private dataGetter(name: string): boolean {
    const defs = (this.defs.get(`java:${name}`) ?? []).filter((d) => d.arity === 0 && this.contextOf(d.file) !== 'test');
    if (!defs.some((d) => d.cls && this.isDataClass(d.cls))) return false;
    if (this.graph?.version !== this.version) this.graph = { version: this.version, warm: this.querying() };
    const reaches = this.graph.warm.reaches;
    return defs.every((d) => !d.queries && !reaches.has(d));
  }

  /**
   * Java: a definition whose only queries were getters taken for a repository's by the receiver's name (`getterQueries`)
   * queries unless every one of those classes is the app's data class (Kill Bill's `customField.getId()` on a
   * `CustomFieldModelDao`, a row): settled once per version of the index, before anything reads `queries`.
   */
  private settleGetters(): void {
    if (this.gettersSettled === this.version) return;
    this.gettersSettled = this.version;
    for (const list of this.defs.values()) for (const d of list) if (d.getterQueries) d.queries = d.getterQueries.some((t) => !this.isDataClass(t));
  }

  private querying(cold = false, seed: (d: Def) => boolean = (d) => d.queries, followed: (callee: string) => boolean = () => true): { q: Map<string, Def>; reaches: Set<Def> } {
    this.settleGetters();
    const q = new Map<string, Def>();
    const reaches = new Set<Def>();
    for (let round = 0; round < MAX_DEPTH; round++) {
      let changed = false;
      for (const [key, all] of this.defs) {
        if (q.has(key)) continue;
        // A generated builder's method (ent's `RemoveMetadata` on an update builder) does not decide
        // for the app's method of the same name; generated code alone does (sqlc's queries).
        const own = all.filter((d) => !d.generated);
        const list = own.length ? own : all;
        const many = list.length > MAX_DEFINITIONS;
        // A name defined too often to be judged by name (`populate` of 58 populators): each definition still reaches
        // what its own queries and its typed receivers reach (for a call of its own file, or on a declared type).
        const byOwnOnly = many && !list.some((d) => REPOSITORY_FILE.test(d.file));
        const family = key.slice(0, key.indexOf(':'));
        for (const d of list) {
          // A cached definition (`@Cacheable`) queries once per distinct key: neither it nor its callers query per call.
          // `cold`: the caller emptied the caches just before its loop (`clear_config()` then `get_config(key)` per key).
          if (reaches.has(d) || (d.cached && !cold) || d.enqueued) continue;
          const name = key.slice(family.length + 1);
          if (byOwnOnly) {
            if (seed(d) || (d.typedCallees ?? []).some(([c, t]) => this.typedReaches(d, family, c, t, reaches)) || (d.moduleCallees ?? []).some(([c, m]) => this.moduleReaches(d, family, c, m, reaches))) {
              reaches.add(d);
              changed = true;
            }
            continue;
          }
          // An endpoint `revoke_seat` delegating to the service's `revoke_seat` reaches what the service reaches.
          // (a repository method delegating to sqlc's generated method of its name counts too).
          // Python: a bare `record_event(…)` in a method `record_event` that the module does not import is the module's own
          // function of that name (a method and a module function sharing it), not another module's.
          const ownName = family === 'python' && !!d.method && (d.bareCallees ?? []).includes(name) && !this.importedFrom.get(d.file)?.[name];
          const delegates = d.callees.includes(name) && !ownName && !this.typedOnly(d, family, name) && all.some((o) => o !== d && seed(o));
          if (seed(d) || delegates || d.callees.some((c) => c !== name && followed(c) && !this.typedOnly(d, family, c) && this.mayBe(d.file, c, q.get(`${family}:${c}`)) && this.canCall(d, family, c)) || (d.bareCallees ?? []).some((c) => c !== name && followed(c) && (this.sameFileReaches(d.file, family, c, reaches) || (family === 'java' && this.implementationReaches(d.file, family, c, reaches)))) || (d.typedCallees ?? []).some(([c, t]) => this.typedReaches(d, family, c, t, reaches)) || (d.moduleCallees ?? []).some(([c, m]) => this.moduleReaches(d, family, c, m, reaches))) {
            reaches.add(d);
            changed = true;
          }
        }
        // Java: a web controller's method is the framework's to call (inWebController): a name only controllers define is
        // no call of the app's code in another file.
        const callable = family === 'java' ? list.filter((d) => !d.controller && !d.private) : list;
        if (!many && callable.length && callable.every((d) => reaches.has(d))) {
          q.set(key, callable[0]);
          changed = true;
        }
      }
      if (!changed) break;
    }
    return { q, reaches };
  }

  /**
   * Can a call named `name` in `file` be the definition `def`? Across two packages of a monorepo
   * only when the file imports the other package; a one-word name (`fail`, `start`, `increment`)
   * only within its own package (or top folder).
   */
  private mayBe(file: string, name: string, def: Def | undefined): boolean {
    if (!def) return false;
    const from = packageOf(this.inProject(file));
    const to = packageOf(this.inProject(def.file));
    // TS/JS: a name the file imports from a package (`import { signIn } from "next-auth/react"`) is that package's:
    // a definition of the app only in the file the specifier names — a `baseUrl` import (`lib/api/getUser`) or a
    // path alias (`@server/utils/permissions` → server/utils/permissions.ts) — or in the workspace package of that
    // name (`@acme/db` → packages/db).
    const spec = this.packageImports.get(file)?.[name];
    if (spec !== undefined) {
      const target = this.inProject(def.file).replace(/(\/index)?\.[cm]?[jt]sx?$/, '');
      const pkg = spec.startsWith('@') ? spec.split('/')[1] : spec.split('/')[0];
      const aliased = /^[@~][^/]*\/(.+\/.+)$/.exec(spec)?.[1];
      const names = (p: string) => target === p || target.endsWith('/' + p);
      if (!(names(spec) || names(spec.replace(/^[@~]/, '')) || (aliased !== undefined && names(aliased)) || (WORKSPACE.test(to.split('/')[0]) && to.split('/')[1] === pkg))) return false;
    }
    if (from === to) return true;
    if (WORKSPACE.test(from.split('/')[0]) && WORKSPACE.test(to.split('/')[0])) {
      const pkg = escapeRe(to.split('/')[1]);
      return (this.modules.get(file) ?? []).some((m) => new RegExp(`(^|[/@])${pkg}($|/)|^@[\\w-]+/${pkg}$`).test(m) || (m.startsWith('.') && m.includes(`/${to.split('/')[1]}/`)));
    }
    return !AMBIGUOUS.test(name);
  }

  /**
   * `def`'s call `name` on a receiver declared as the app's storage type (`CategoryService categoryService` →
   * `categoryService.getByCode(…)`; `accessor: RepositoryGeneric` → `accessor.create(…)`): that type's definitions
   * (its file, its implementations) decide, at any depth of the chain, however many other classes define the name.
   * Java: only those taking as many parameters as the call passes.
   */
  /**
   * TS/JS: every call of `def` named `name` is on a receiver it declares with one of the app's types, and that type has
   * definitions of the name (its class, or the classes implementing it): they alone decide (typedReaches), not the
   * app's other methods of that name (`this.storageDriver.delete(…)` is not `GroupRepo.delete`).
   */
  private typedOnly(def: Def, family: string, name: string): boolean {
    if (family !== 'javascript' || !def.typedCallees?.length || def.untypedCallees?.includes(name)) return false;
    const types = def.typedCallees.filter(([c]) => c === name).map(([, t]) => t);
    if (!types.length) return false;
    const all = (this.defs.get(`${family}:${name}`) ?? []).filter((o) => o !== def);
    return types.every((t) => this.typedDefinitions(t, all, false).length > 0);
  }

  private typedReaches(def: Def, family: string, name: string, type: string, reaches: Set<Def>): boolean {
    const argc = def.calleeArgc && Object.hasOwn(def.calleeArgc, name) ? def.calleeArgc[name] : undefined;
    const all = (this.defs.get(`${family}:${name}`) ?? []).filter((o) => o !== def && (!argc?.length || o.arity === undefined || argc.includes(o.arity)));
    return all.length > 0 && this.typedDefinitions(type, all, family === 'java').some((o) => reaches.has(o));
  }

  /**
   * Python: `def`'s call `database.get(…)` on a module of the project imported by name (`from app import database`,
   * `from app.tags import service as tag_service`): that module's function decides, at any depth of the chain, however
   * many other modules define the name (every service module defines `get` and `create`).
   */
  private moduleReaches(def: Def, family: string, name: string, mod: string, reaches: Set<Def>): boolean {
    return (this.defs.get(`${family}:${name}`) ?? []).some((o) => o !== def && !o.method && reaches.has(o) && moduleHolds(mod, this.inProject(o.file)));
  }

  /** Python: whether a module as written (`llama_index.readers.file`) names one of the project's files. */
  private projectModule(mod: string): boolean {
    if (this.projectModules?.version !== this.version) this.projectModules = { version: this.version, of: new Map() };
    let known = this.projectModules.of.get(mod);
    if (known === undefined) {
      known = false;
      for (const file of this.order.keys()) if (file.endsWith('.py') && moduleHolds(mod, this.inProject(file))) { known = true; break; }
      this.projectModules.of.set(mod, known);
    }
    return known;
  }

  /** projectModule's answers, for one version of the index. */
  private projectModules: { version: number; of: Map<string, boolean> } | undefined;

  /**
   * Can `def`'s call named `name` be one of the project's definitions of that name, by what the call says of itself?
   * Java: not when every definition takes another number of parameters (`sub.getFeed()`, a Lombok getter,
   * is not a resource's `getFeed(id)`; `URI.create(s)` is not a service's `create(feed, entry)`).
   * Python: a call on another object (`job.get_status()`, `pipe.reset()`) is a method: not when the project
   * defines the name only as module functions.
   */
  private canCall(def: Def, family: string, name: string): boolean {
    const defs = this.defs.get(`${family}:${name}`) ?? [];
    const argc = def.calleeArgc && Object.hasOwn(def.calleeArgc, name) ? def.calleeArgc[name] : undefined;
    if (family === 'java' && argc?.length && defs.length && defs.every((o) => o.arity !== undefined && !argc.includes(o.arity))) return false;
    if (def.objectCallees?.includes(name) && !defs.some((o) => o.method)) return false;
    // Python: called only on a module (`dns.resolver.query(…)`, `database.get(…)`): that module's function decides
    // (moduleReaches), not the app's functions of that name elsewhere (a CLI command `query`).
    if (def.moduleOnly?.includes(name)) return false;
    // Python: called only on objects of classes imported from modules none of the project's files is (`reader = PDFReader()`
    // of llama_index, then `reader.load_data(…)`): that package's method, not the app's `load_data` (held-out-ao letta).
    if (family === 'python' && def.instanceOnly?.includes(name)) {
      const mods = (def.instanceCallees ?? []).filter(([c]) => c === name).map(([, m]) => m);
      if (mods.length && mods.every((m) => !this.projectModule(m))) return false;
    }
    // Python: called only on `self` (`self.send(json.dumps(…))` in a ws4py WebSocket subclass): a method of the class's own
    // hierarchy — the class, the app's classes it names as bases, or a subclass (a hook a subclass defines) —, else the
    // library base's method, not the app's function or another class's method of that name (held-out-ad h: the streamer's
    // socket writes were taken for an e-mail task `send`).
    if (family === 'python' && def.cls && def.selfOnly?.includes(name) && defs.length && this.pythonLibraryBase(def.cls) && !defs.some((o) => o.cls && this.pythonRelated(def.cls!, o.cls))) return false;
    return true;
  }

  /**
   * Python: the class names a base the app does not define, other than a typing or abc marker (`class WebSocket(_WebSocket)`
   * on ws4py's; not `class Mixin(Generic[M])`): a method it calls on `self` and does not define may be that library's. A
   * mixin on markers only gets its `self` methods from the classes it is mixed into, which the app may keep elsewhere.
   */
  private pythonLibraryBase(cls: string): boolean {
    if (this.pythonClasses?.version !== this.version) {
      const of = new Set<string>();
      for (const [key, defs] of this.defs) if (key.startsWith('python:')) for (const d of defs) if (d.cls) of.add(d.cls);
      for (const classes of this.pythonBases.values()) for (const c of Object.keys(classes)) of.add(c);
      this.pythonClasses = { version: this.version, of };
    }
    const bases = new Set<string>();
    for (const classes of this.pythonBases.values()) for (const b of classes[cls] ?? []) bases.add(b);
    return [...bases].some((b) => !PY_MARKER_BASE.test(b) && !this.pythonClasses!.of.has(b));
  }

  /**
   * Python: `a` and `b` are the same class, one names the other as a base, or a class of the app names both (a mixin and
   * the base it is mixed with), up to three levels, by the bases each file's classes name.
   */
  private pythonRelated(a: string, b: string): boolean {
    const up = (from: string, to: string): boolean => {
      let wanted = new Set([from]);
      for (let depth = 0; depth <= 3 && wanted.size; depth++) {
        if (wanted.has(to)) return true;
        const next = new Set<string>();
        for (const classes of this.pythonBases.values()) for (const c of wanted) for (const x of classes[c] ?? []) next.add(x);
        wanted = next;
      }
      return false;
    };
    if (up(a, b) || up(b, a)) return true;
    for (const classes of this.pythonBases.values()) for (const c of Object.keys(classes)) if (up(c, a) && up(c, b)) return true;
    return false;
  }

  /**
   * The file's path inside the project: the folder outside the working directory that every file
   * shares is dropped, so that
   * `/home/me/app/packages/cli/x.ts` and `../app/packages/cli/x.ts` (a scan given an absolute or a
   * relative folder) name the package `packages/cli` as `packages/cli/x.ts` does.
   */
  private inProject(file: string): string {
    if (this.root === undefined) {
      const files = [...this.modules.keys(), ...[...this.defs.values()].flat().map((d) => d.file), ...this.pending.map((p) => p.file)];
      let common = files[0]?.split('/').slice(0, -1) ?? [];
      for (const f of files) {
        const parts = f.split('/');
        let i = 0;
        while (i < common.length && i < parts.length - 1 && common[i] === parts[i]) i++;
        common = common.slice(0, i);
      }
      // Only a folder outside the working directory (an absolute path, `../`): a project whose files
      // all sit in `server/` keeps `server` as its top folder.
      this.root = common.length && (common[0] === '' || common[0] === '..' || /^[A-Za-z]:$/.test(common[0])) ? common.join('/') + '/' : '';
    }
    return this.root && file.startsWith(this.root) ? file.slice(this.root.length) : file;
  }

  /**
   * The loop hands the function the same values each time for every parameter its queries depend on
   * (`execRemote(serverId, cmd)` per command, whose query looks up `serverId`): the same look-up
   * repeated, to hoist out of the loop, not one query per item. Only when those parameters are known.
   */
  private sameEveryTime(call: PendingLoopCall, def: Def, family: string, q: Map<string, Def>, reaches: Set<Def>, goIndex?: GoIndex<Def & { name: string }>): boolean {
    if (!call.argsVary || !def.keys) return false;
    const used = this.usedParams(def, family, q, reaches, 3, goIndex);
    if (!used?.size) return false;
    return [...used].every((i) => call.argsVary![i] === false);
  }

  /**
   * The parameters of `def` its queries depend on: in its own queries, or passed to a function that
   * queries — at the positions that function's queries use, when it has one definition (else all).
   */
  private usedParams(def: Def, family: string, q: Map<string, Def>, reaches: Set<Def>, depth: number, goIndex?: GoIndex<Def & { name: string }>): Set<number> | undefined {
    if (!def.keys) return undefined;
    const used = new Set(def.keys.direct);
    for (const v of def.keys.via) {
      // Go: the function the call is, by package and receiver type (`remote.New(policy)` is remote's `New`, not any
      // package's): a call that is not the app's (the standard library) or whose target never reaches a query carries no key.
      const go = goIndex && v.go ? goIndex.targets(def.file, v.go, def as Def & { name: string }) : undefined;
      if (goIndex && v.go && !go) continue;
      const defs: Def[] = go ? go.defs : this.defs.get(`${family}:${v.callee}`) ?? [];
      if ((go || !q.has(`${family}:${v.callee}`)) && !defs.some((d) => reaches.has(d))) continue;
      // A query the callee built and this function narrows (`query.filter(col == value)`): every parameter the narrowing mentions.
      const inner = !v.narrows && defs.length === 1 && depth > 0 ? this.usedParams(defs[0], family, q, reaches, depth - 1, goIndex) : undefined;
      v.args.forEach((ps, j) => {
        if (!inner || inner.has(j)) for (const i of ps) used.add(i);
      });
      // Its receiver: what the method reads belongs to that object.
      for (const i of v.recv ?? []) used.add(i);
    }
    return used;
  }

  /**
   * A helper of the same file (`return create(db_session=…, tag_in=…)` in `get_or_create`): its own
   * definition decides, though other modules define the name too.
   */
  private sameFileReaches(file: string, family: string, name: string, reaches: Set<Def>): boolean {
    return (this.defs.get(`${family}:${name}`) ?? []).some((o) => o.file === file && !o.method && reaches.has(o));
  }

  /**
   * Java: a method of an abstract class or interface calling one of its own abstract methods
   * (`getObject` → `getObjectsStream(…)` in `Storage`): an implementation of the type
   * (`DatabaseStorage`, `StorageImpl`) decides; one that reaches a query makes the call a database call.
   */
  private implementationReaches(file: string, family: string, name: string, reaches: Set<Def>): boolean {
    const type = baseName(file);
    return (this.defs.get(`${family}:${name}`) ?? []).some((o) => o.file !== file && implementationOf(type, o.file) && reaches.has(o));
  }

  /**
   * The definitions a call on an object of `type` can be: the type's own file and its implementations
   * (`DeptService` → DeptService.java, DeptServiceImpl.java). Java: when no implementation defines the
   * method, the one its implementation inherits (`productService.getById(id)` → `getById` of the generic
   * `SalesManagerEntityServiceImpl` that `ProductServiceImpl` extends), up to three superclasses.
   */
  private typedDefinitions(type: string, all: Def[], java: boolean): Def[] {
    // An interface named the C#/TS way (`ISegmentService`): the class it names (`SegmentService`, segment-service.ts).
    const named = /^I[A-Z][a-z]/.test(type) ? [type, type.slice(1)] : [type];
    const own = all.filter((d) => named.some((t) => sameName(t, d.file) || (java && implementationOf(t, d.file))));
    // An interface or abstract class no file but its own defines the method for (`IInventoryService` of a workspace
    // types package; `IMedusaInternalService`): the classes of the workspace that implement or extend it — a few at
    // most (more is a plug-in point: which one runs is not in the code).
    // (Java: the interface's own file declares it without a body.)
    if (own.every((d) => named.includes(baseName(d.file)))) {
      const impl = this.implementers(type);
      const implementing = impl.size ? all.filter((d) => d.cls !== undefined && impl.has(`${d.file}\u0000${d.cls}`) && !own.includes(d)) : [];
      if (implementing.length) return own.concat(implementing);
    }
    if (!java || own.some((d) => baseName(d.file) !== type)) return own;
    const inherited: Def[] = [];
    for (const [f, cls] of this.javaClasses) {
      if (baseName(f) === type || !(sameName(type, f) || implementationOf(type, f))) continue;
      let parent = cls.extends;
      for (let depth = 0; parent && depth < 3; depth++) {
        const p = parent;
        const parentFiles = [...this.javaClasses.keys()].filter((x) => baseName(x) === p);
        if (parentFiles.length !== 1) break;
        const defs = all.filter((d) => d.file === parentFiles[0]);
        if (defs.length) {
          inherited.push(...defs);
          break;
        }
        parent = this.javaClasses.get(parentFiles[0])?.extends;
      }
    }
    return own.concat(inherited.filter((d) => !own.includes(d)));
  }

  /**
   * Python: the call's receiver is a class the file imports (its name as imported: `from m import ProviderModel as
   * ProviderModelORM`) and `def` is that class's method, or a method of one of its bases up to three levels (by the bases
   * each file's classes name; a base the app does not define ends the walk).
   */
  private pythonClassHas(call: PendingLoopCall, def: Def): boolean {
    const imported = call.receiverModule?.split('.').pop();
    const cls = imported && /^[A-Z]/.test(imported) ? imported : call.receiverClass;
    if (!cls || !def.cls) return false;
    let wanted = new Set([cls]);
    for (let depth = 0; depth <= 3 && wanted.size; depth++) {
      if (wanted.has(def.cls)) return true;
      const next = new Set<string>();
      for (const classes of this.pythonBases.values()) for (const c of wanted) for (const b of classes[c] ?? []) next.add(b);
      wanted = next;
    }
    return false;
  }

  /** Whether the app defines a class (or the class an `IName` interface names, or one implementing it) called `type`. */
  private definesClass(family: string, type: string): boolean {
    if (this.classNames?.version !== this.version) {
      const of = new Set<string>();
      for (const [key, defs] of this.defs) for (const d of defs) if (d.cls) of.add(`${key.slice(0, key.indexOf(':'))}:${d.cls}`);
      for (const classes of this.supertypes.values()) for (const c of Object.keys(classes)) of.add(`*:${c}`);
      this.classNames = { version: this.version, of };
    }
    const names = /^I[A-Z][a-z]/.test(type) ? [type, type.slice(1)] : [type];
    return names.some((t) => this.classNames!.of.has(`${family}:${t}`) || this.classNames!.of.has(`*:${t}`)) || this.implementers(type).size > 0;
  }

  /** The classes (`file\u0000class`) that implement or extend `type`, directly or through one more supertype; none when more than MAX_IMPLEMENTERS do. */
  private implementers(type: string): Set<string> {
    if (this.implemented?.version !== this.version) this.implemented = { version: this.version, of: new Map() };
    const known = this.implemented.of.get(type);
    if (known) return known;
    const out = new Set<string>();
    this.implemented.of.set(type, out);
    let wanted = new Set([type]);
    for (let depth = 0; depth < 2 && wanted.size; depth++) {
      const next = new Set<string>();
      for (const [file, classes] of this.supertypes) {
        for (const [cls, sup] of Object.entries(classes)) {
          if (!sup.some((t) => wanted.has(t)) || this.contextOf(file) === 'test') continue;
          out.add(`${file}\u0000${cls}`);
          next.add(cls);
        }
      }
      if (out.size > MAX_IMPLEMENTERS) {
        out.clear();
        break;
      }
      wanted = next;
    }
    return out;
  }

  /** Java: the declared type of a field the calling file's class inherits (`storage` of `BaseResource`), up to three superclasses. */
  private inheritedType(file: string, name: string): string | undefined {
    let cls = this.javaClasses.get(file);
    for (let depth = 0; cls?.extends && depth < 3; depth++) {
      const parent = cls.extends;
      const parentFile = [...this.javaClasses.keys()].find((f) => baseName(f) === parent && packageOf(this.inProject(f)) === packageOf(this.inProject(file)));
      cls = parentFile ? this.javaClasses.get(parentFile) : undefined;
      const t = cls?.types[name];
      if (t && /^[A-Z]/.test(t)) return t;
    }
    return undefined;
  }

  /**
   * Python: `tag_service.get(…)` on a module imported by name (`from app.tag import service as tag_service`):
   * the definitions of that module only (every service module defines get/create; the alias says which).
   */
  private onModule(call: PendingLoopCall, all: Def[]): Def[] {
    const mod = call.receiverModule;
    return mod ? all.filter((d) => !d.method && moduleHolds(mod, this.inProject(d.file))) : [];
  }

  /**
   * Python calls no project module can be: a common name (`get`) on an import that is not a module of
   * the project (`json.loads`, `requests.get`), and a method call on an object (`pattern.match(…)`)
   * where the project defines the name only as module functions.
   */
  private notOnModule(call: PendingLoopCall, all: Def[]): boolean {
    if (call.receiverModule && call.common && !call.repository) return true;
    // On a module no file of the project is (`dns.resolver.query(…)` with `import dns.resolver`): the library's function.
    // A name imported from a project file (`from .notification import Notification`, a model) is the project's.
    if (call.receiverModule && !call.repository && !this.projectHolds(call.receiverModule) && !(call.receiverFrom !== undefined && this.projectHolds(call.receiverFrom))) return true;
    return !!call.receiverObject && !all.some((d) => d.method);
  }

  /** Python: is the module as written (`dns.resolver`, `app.database`) a file or package of the project? */
  private projectHolds(mod: string): boolean {
    const known = this.held.get(mod);
    if (known !== undefined) return known;
    const p = mod.replace(/^\.+/, '').replace(/\./g, '/');
    // A relative import (`.notification`, `..models`) names a file of the project.
    const held = mod.startsWith('.') || (!!p && [...this.order.keys()].some((f) => moduleHolds(mod, this.inProject(f)) || this.inProject(f).includes(`/${p}/`) || this.inProject(f).startsWith(`${p}/`)));
    this.held.set(mod, held);
    return held;
  }

  /**
   * The calls in loops of other files (their file and span) to the function of `file` holding 1-based `line` (a
   * recorded statement's call site in a helper: the N+1 belongs at the loop that calls the helper, person13 P2). Only
   * calls whose function is known (not "one of" several classes' methods); Go is not followed here.
   */
  loopCallers(file: string, line: number): { file: string; span: Span }[] {
    if (this.callers?.version !== this.version) this.callers = { version: this.version, list: [], judged: new Set() };
    const known = this.callers;
    // Only the calls of the names `file` defines around `line` are judged (each name once per version of the index).
    const names = new Set<string>();
    for (const [key, defs] of this.defs) {
      const name = key.slice(key.indexOf(':') + 1);
      if (!known.judged.has(name) && defs.some((d) => d.file === file && d.endLine !== undefined && d.line <= line && line <= d.endLine)) names.add(name);
    }
    if (names.size) {
      for (const f of this.findings(undefined, names)) {
        const c = (f.evidence as unknown as NPlusOneEvidence | undefined)?.callee;
        if (c?.endLine && !c.oneOf && f.file) known.list.push({ file: f.file, span: f.span, defFile: c.call, from: c.line, to: c.endLine });
      }
      for (const n of names) known.judged.add(n);
    }
    return known.list.filter((c) => c.defFile === file && line >= c.from && line <= c.to).map((c) => ({ file: c.file, span: c.span }));
  }

  /** The Sequelize association mixins of that name the indexed model files declare (a recorded call's association). */
  sequelizeMixins(name: string): SequelizeMixin[] {
    return (this.defs.get(`javascript:${name}`) ?? []).flatMap((d) => (d.mixin ? [d.mixin] : []));
  }

  /** A function of that name calls its parameter at `arg` once per item (PendingLoopCall.viaHelper: the lambda handed to it is a loop). */
  private callsPerItem(family: string, via: { name: string; arg: number }): boolean {
    return (this.defs.get(`${family}:${via.name}`) ?? []).some((d) => d.perItemArgs?.includes(via.arg));
  }

  /**
   * The loop walks what a function of the project only returns as a literal list of a few items (`for _, tag := range
   * defaultTags()` with `func defaultTags() []TagCreate { return []TagCreate{{…}, {…}} }` in another file): as many items
   * as the code writes, not as the data — every definition of the name must be such a list.
   */
  private overReturnedConstants(family: string, call: PendingLoopCall): boolean {
    const m = /^(?:[\w$]+\.)?([\w$]+)\(\s*\)$/.exec(call.iterable ?? '');
    const defs = m ? this.defs.get(`${family}:${m[1]}`) ?? [] : [];
    return defs.length > 0 && defs.every((d) => d.literal !== undefined && d.literal <= MAX_FIXED_LIST);
  }

  /** The findings of calls in loops to functions of other files that query; of the files in `only` when given. */
  findings(only?: ReadonlySet<string>, callees?: ReadonlySet<string>): Finding[] {
    this.settleGetters();
    this.root = undefined;
    this.held.clear();
    const pending = (only || callees ? this.pending.filter((p) => (!only || only.has(p.file)) && (!callees || callees.has(p.call.callee))) : this.pending).filter((p) => !this.overReturnedConstants(p.family, p.call) && (!p.call.viaHelper || this.callsPerItem(p.family, p.call.viaHelper)));
    if (!pending.length) return [];
    const out: Finding[] = this.goFindings(pending.filter((p) => p.family === 'go'));
    if (!pending.some((p) => p.family !== 'go')) return out;
    // The reach graph depends on the definitions only: kept until the index changes (loopCallers asks per recorded N+1).
    if (this.graph?.version !== this.version) this.graph = { version: this.version, warm: this.querying() };
    const warm = this.graph.warm;
    let coldGraph: { q: Map<string, Def>; reaches: Set<Def> } | undefined;
    for (const { file, family, call } of pending) {
      if (family === 'go') continue;
      // A cache emptied before the loop (by the function itself, or by a function it called that empties one): the
      // cached method queries for every key of this loop again.
      const cold = !!call.before?.some((b) => b === '*' || (this.defs.get(`${family}:${b}`) ?? []).some((d) => d.clearsCache));
      const { q, reaches } = cold ? (coldGraph ??= this.querying(true)) : warm;
      // On a repository: the repository files' own definition of the name (others define get/create too).
      // (used when the usual rule cannot judge the name: a common name, or one defined too often).
      // Java: a method of another parameter count is another method (`option.getCode()` is not `getCode(store, code)`).
      // Java: a web controller's method is called by the framework, never by another file's code (inWebController).
      // Ruby: a method defined in a controller or a controller concern (app/controllers/…: an action, a before_action
      // helper) is called by Rails or by its controller on itself, never on another object (`hash.merge(…)` is Hash#merge).
      const named = this.defs.get(`${family}:${call.callee}`) ?? [];
      const all = named.filter((d) => (call.argc === undefined || d.arity === undefined || d.arity === call.argc) && !((d.controller || d.private) && d.file !== file) && !(call.onObject && RUBY_CONTROLLER_FILE.test(d.file)));
      // Java: a call whose argument count no definition of the name has is another method — a Lombok `@Getter`'s
      // `tc.isAccessRestricted()` beside a repository's `@Query Boolean isAccessRestricted(@Bind("id") Integer id)` (held-out-av
      // alf.io): not the query of that name (the fallback below named it whatever its parameters).
      if ((call.onObject || (call.language === 'java' && call.argc !== undefined)) && !all.length && named.length) continue;
      // A function of the calling file itself: its own definition (it reaches a query through other files).
      // Java: the object's declared type names the class (`DeptService` → DeptService.java, DeptServiceImpl.java);
      // another class's method of the same name (`role.getMenus()` on an entity) is not this call.
      // TS/JS: the injected service's type (`teamService: TeamService` → team.service.ts), when a file of that
      // name defines the method; else judged by name as before.
      const receiverType = call.receiverType ?? (call.receiverName ? this.inheritedType(file, call.receiverName) : undefined);
      // TS/JS: an object of a library package's class the app itself does not define (`this.formBuilder.group(…)` on
      // Angular's FormBuilder): the library's method, not the app's of that name (held-out-aq Vendure: the admin UI's
      // form groups were taken for a GraphQL resolver's `group`). A workspace package's class the app defines stays.
      if (call.libraryReceiverType && !this.definesClass(family, call.libraryReceiverType)) continue;
      // Java: an abstract class or interface's implementations too (`Storage` → DatabaseStorage.java, MemoryStorage.java).
      const java = call.language === 'java';
      const typedDefs = receiverType ? this.typedDefinitions(receiverType, all, java) : undefined;
      // Several classes define the method (`get_solves` of Users and of Teams): the class the code binds the receiver to
      // (`for team in Teams.query…`, `self`) decides (person13 P7: `team.get_solves()` was said to be Users').
      const classes = new Set(all.flatMap((d) => (d.cls ? [d.cls] : [])));
      const ofClass = !typedDefs?.length && (classes.size > 1 || call.rowsOf) && call.receiverOf ? all.filter((d) => d.cls === call.receiverOf) : [];
      // A common name on a model's rows (PendingLoopCall.rowsOf): that model's method, its bases', or none.
      if (call.rowsOf && !ofClass.length && !(call.language === 'python' && all.some((d) => this.pythonClassHas({ ...call, receiverClass: call.rowsOf }, d)))) continue;
      // Python: the receiver is a class the file imports (`ProviderModel.list_async(…)`): that class's method or its bases'.
      const ofHierarchy = !typedDefs?.length && !ofClass.length && call.language === 'python' && call.receiverClass ? all.filter((d) => this.pythonClassHas(call, d)) : [];
      const typedAll = typedDefs && (java || typedDefs.length) ? typedDefs.filter((d) => reaches.has(d)) : ofClass.length ? ofClass.filter((d) => reaches.has(d)) : ofHierarchy.length ? ofHierarchy.filter((d) => reaches.has(d)) : undefined;
      // A common name on a class (PendingLoopCall.classMethod): its method must query itself.
      const typed = call.classMethod ? (typedAll ?? []).filter((d) => d.queries) : typedAll;
      if (typed && !typed.length) continue;
      // The code names the receiver's type and no file of that name defines the method: a one-word name (`get`, `find`)
      // judged by name alone is another class's method as often as not — `this.segmentService.get()` was said to reach
      // the database through an in-memory store's `get` (person10 N14). Not claimed.
      if (receiverType && !typed && (call.common || AMBIGUOUS.test(call.callee))) continue;
      // Python: a name imported from a module of the project (`from app.utils import set_config`) is that
      // module's definition, though a migration or a CLI defines one of the same name.
      const mod = call.local ? undefined : this.importedFrom.get(file)?.[call.callee];
      const fromModule = mod ? all.filter((d) => moduleHolds(mod, this.inProject(d.file))) : call.local ? [] : this.onModule(call, all);
      if (fromModule.length && !fromModule.some((d) => reaches.has(d))) continue;
      // (Not when the call names a class imported from a module of the project that defines the method, or one of its
      // bases: `Coupon.get(id)` with `Coupon` from the app's models is that class's method, a common name or not —
      // ofHierarchy. A library's class of the same name, `from pushlib.client import Notification`, is the library's.)
      if (!fromModule.length && !(ofHierarchy.length && typed?.length && (call.receiverFrom === undefined || this.projectHolds(call.receiverFrom))) && this.notOnModule(call, all)) continue;
      const def = typed ? typed[0] : fromModule.length ? fromModule.find((d) => reaches.has(d)) : call.local
        ? all.find((d) => d.file === file && reaches.has(d))
        : call.repository && (call.common || all.length > MAX_DEFINITIONS)
          ? all.find((d) => REPOSITORY_FILE.test(d.file) && reaches.has(d))
          // Every definition reaches a query: the one this file can call (its own package first).
          : q.has(`${family}:${call.callee}`) ? (all.find((d) => d.file !== file && (!d.generated || reaches.has(d)) && this.mayBe(file, call.callee, d)) ?? q.get(`${family}:${call.callee}`)) : undefined;
      // Through an interface the code names (`container.resolve<IInventoryService>(…)`): the type links the packages,
      // whatever the calling file imports.
      const viaInterface = !!typed?.length && receiverType !== undefined && typed.every((d) => this.implementers(receiverType).has(`${d.file}\u0000${d.cls}`));
      // A class method reached through the class the file imports from the project (PendingLoopCall.classMethod): the import
      // links the files, wherever the caller sits (simple-login's root-level cron.py calling app/models.py's mixin).
      const viaClass = !!call.classMethod && !!typed?.length && call.receiverFrom !== undefined && this.projectHolds(call.receiverFrom);
      if (!def || (def.file === file && !call.local) || (!viaInterface && !viaClass && !this.mayBe(file, call.callee, def))) continue;
      // Java: overloads of the same parameter count (`configuration(String, …)` beside
      // `configuration(IntegrationConfiguration, …)`): the call is one of them, so every one must query.
      if (java && def.arity !== undefined && all.some((d) => d.file === def.file && d.arity === def.arity && !reaches.has(d))) continue;
      // A function reading through a DataLoader (`getBasic` → `basicLoader.batchLoader.load(id)`): its per-item read is batched.
      if (def.batched) continue;
      // The same look-up every time: judged on every definition the call can be (a `getStatus(agent, id)` of the
      // app's query layer and the data source's `getStatus(id)` number their parameters differently).
      const candidates = typed ?? (fromModule.length ? fromModule : all).filter((d) => reaches.has(d) && this.mayBe(file, call.callee, d));
      if ((candidates.length ? candidates : [def]).every((d) => this.sameEveryTime(call, d, family, q, reaches))) continue;
      // A kept dependency (`m.dep.FileClient()`) asked for again on the same object: built once, not per item.
      if (def.memo && call.argsVary?.every((v) => !v)) continue;
      // A scalar field's resolver handing its parent where the callee returns first when it already holds the value
      // (`hydrate(ctx, country, 'name')` → `if (entity[fieldName]) return entity[fieldName];`): the list's query loaded the
      // parent's columns, so it queries only for a parent loaded without them (every definition must be so guarded).
      if (call.parentArgs?.length && (candidates.length ? candidates : [def]).every((d) => d.guarded !== undefined && call.parentArgs!.includes(d.guarded))) continue;
      // `StatsD.increment(…)` names its class: a method `increment` of another class is not this call.
      // Python: a model class imported under another name (`ProviderModel as ProviderModelORM`) is named by its import, and
      // a class method it inherits from the app's own base (`SqlalchemyBase.list_async`) is that base's (held-out-ao letta).
      if (call.receiverClass && !sameName(call.receiverClass, def.file) && !(call.language === 'python' && this.pythonClassHas(call, def))) continue;
      // The code does not say which class's method it is: each one that reaches the database is named, none picked.
      // An interface several classes of the workspace implement, more than one reaching it: each one is named.
      const oneOf = !typed && classes.size > 1 ? candidates.filter((d) => d.cls) : viaInterface && new Set(typed.map((d) => d.cls)).size > 1 ? typed : [];
      out.push(this.loopFinding(file, call, def, call.possible, new Set(oneOf.map((d) => d.cls)).size > 1 ? oneOf : undefined));
    }
    return out;
  }

  /**
   * The first of `names` (called by the same iteration before its query) that is the app's own wrapper around another
   * service: every definition of the name in the project (at most MAX_DEFINITIONS, test code left out) calls an HTTP
   * client, `fetch` or a service's SDK itself (papermark's `getDomainResponse` → `fetch` to Vercel, then the domain's
   * update). The per-item remote call sets the pace and the query waits on its answer (detect's remoteCallPerItem, which
   * sees only the calls of its own file). As `name` → `remote call`; undefined when none is.
   */
  remoteBefore(language: SourceLanguage, names: readonly string[] | undefined): string | undefined {
    if (!names?.length) return undefined;
    const family = languageFolderOf(language);
    const { reaches } = this.remoteGraph();
    for (const name of names) {
      const defs = this.defs.get(`${family}:${name}`) ?? [];
      if (defs.length && defs.length <= MAX_DEFINITIONS && defs.every((d) => (d.remote || reaches.has(d)) && !d.mixin)) return `${name}\` → \`${this.remoteOf(defs[0], family, reaches, MAX_DEPTH)}`;
    }
    return undefined;
  }

  /**
   * The definitions that reach another service (an HTTP client, `fetch`, a service's SDK: FileCallFacts `remote`) through
   * the app's own calls, found the way querying finds those reaching the database (by name, bounded); and those whose
   * remote work answers before any database work starts (`first`, as `name` → `call`): their own `remoteFirst`, a wrapper
   * that reaches another service and never the database, or a function whose first call that reaches either (in the
   * body's order, before its own first query) is such a function (held-out-ag audiobookshelf: the cron's `runEpisodeCheck` →
   * `checkPodcastForNewEpisodes` → `getPodcastFeed` → `axios`, then the podcast's rows). Not Go (goResolve resolves its calls).
   */
  private remoteGraph(): { reaches: Set<Def>; first: Map<Def, string> } {
    if (this.remote?.version === this.version) return this.remote;
    // Not through a name of one lowercase word (`push`, `read`, `send`): an array's or a stream's method as often as the
    // app's remote wrapper (uptime-kuma's notification providers' `push`).
    const reaches = this.querying(false, (d) => !!d.remote, (c) => !AMBIGUOUS.test(c)).reaches;
    const db = this.querying().reaches;
    const first = new Map<Def, string>();
    for (let round = 0; round < MAX_DEPTH; round++) {
      let changed = false;
      for (const [key, all] of this.defs) {
        const family = key.slice(0, key.indexOf(':'));
        if (family === 'go') continue;
        const name = key.slice(family.length + 1);
        for (const d of all) {
          if (first.has(d) || d.mixin) continue;
          let how: string | undefined = d.remoteFirst ?? (reaches.has(d) && !db.has(d) ? this.remoteOf(d, family, reaches, MAX_DEPTH) : undefined);
          if (!how && db.has(d) && (!d.queries || d.queryLine !== undefined)) {
            for (const c of d.callees) {
              if (c === name) continue;
              // A query of its own before this call: the database work starts first.
              if (d.queries && !((this.callLine(d, c) ?? Infinity) < d.queryLine!)) break;
              const defs = this.defs.get(`${family}:${c}`) ?? [];
              if (!defs.some((x) => db.has(x) || reaches.has(x))) continue;
              // A name of one lowercase word may be any object's method: which one runs is not known.
              if (AMBIGUOUS.test(c)) break;
              if (defs.length <= MAX_DEFINITIONS && defs.every((x) => first.has(x))) how = `${c}\` → \`${first.get(defs[0])}`;
              break;
            }
          }
          if (how) {
            first.set(d, how);
            changed = true;
          }
        }
      }
      if (!changed) break;
    }
    this.remote = { version: this.version, reaches, first };
    return this.remote;
  }

  /** The 1-based line of the first call of `name` within the definition (the file's calls, callLiterals), if known. */
  private callLine(d: Def, name: string): number | undefined {
    let best: number | undefined;
    for (const [n, line] of this.literalCalls.get(d.file)?.calls ?? []) if (n === name && line >= d.line && line <= (d.endLine ?? d.line) && (best === undefined || line < best)) best = line;
    return best;
  }

  /** The remote call a definition reaches (its own, else through the first callee that does), as written for a message. */
  private remoteOf(d: Def, family: string, reaches: Set<Def>, depth: number, seen = new Set<Def>()): string {
    if (d.remote || depth <= 0) return d.remote ?? 'another service';
    seen.add(d);
    const steps = d.callees.filter((c) => !AMBIGUOUS.test(c)).flatMap((c) => (this.defs.get(`${family}:${c}`) ?? []).filter((x) => !seen.has(x) && reaches.has(x)).map((x) => [c, x] as const));
    // A callee that makes the remote call itself first, else the first that reaches one.
    const step = steps.find(([, x]) => x.remote) ?? steps[0];
    return step ? `${step[0]}\` → \`${this.remoteOf(step[1], family, reaches, depth - 1, seen)}` : 'another service';
  }

  /**
   * N+1 warnings of a file's own loops whose iteration first calls the app's wrapper around another service (known only
   * once every file is read, see remoteBefore): `info`, "possible", with the reason — as detect does when the remote call
   * is written in the loop itself. And a name read as a Sequelize association accessor only by its shape (`getX()`,
   * evidence `accessor`) that the project's own classes define, every definition without a query: dropped.
   */
  adjust(findings: Finding[]): Finding[] {
    let reaches: Set<Def> | undefined;
    const plainMethod = (file: string, name: string): boolean => {
      const family = this.familyOf(file);
      const defs = family ? (this.defs.get(`${family}:${name}`) ?? []).filter((d) => this.contextOf(d.file) !== 'test') : [];
      if (!defs.length || defs.length > MAX_DEFINITIONS || defs.some((d) => d.mixin || !d.cls)) return false;
      reaches ??= this.querying().reaches;
      return defs.every((d) => !reaches!.has(d));
    };
    // Java: the receiver's declared class defines the method with a body, and no definition of it there reaches a query.
    const ownMethod = (file: string, name: string, cls: string): boolean => {
      const family = this.familyOf(file);
      const defs = family ? (this.defs.get(`${family}:${name}`) ?? []).filter((d) => d.cls === cls) : [];
      if (!defs.length || defs.some((d) => d.bodyless)) return false;
      reaches ??= this.querying().reaches;
      return defs.every((d) => !reaches!.has(d));
    };
    let noDjango: boolean | undefined;
    return findings.flatMap((f) => {
      const ev = f.ruleId === RULE_ID && f.file !== undefined ? (f.evidence as { accessor?: string; accessorOf?: string; getterOf?: string; library?: string; call?: string; alsoAt?: { call: string }[] } | undefined) : undefined;
      // A related-manager write read by its shape alone (`lookup_context.observed_types.add(x)`) in a project whose Python
      // files import another database layer and never Django: an attribute holding a plain set or list, no round trip
      // (held-out-al Skyvern: SQLAlchemy repositories, sets of OTP types).
      if (ev?.library === 'django' && /\.py$/.test(f.file!) && [ev.call, ...(ev.alsoAt ?? []).map((a) => a.call)].every((c) => RELATED_MANAGER_WRITE.test(c ?? '')) && (noDjango ??= this.otherPythonDatabaseOnly())) return [];
      // A name read as a Sequelize association accessor (`mp.getOldMediaProgress()`) that the project's classes define
      // themselves, every definition without a query: a plain method, no round trip.
      if (ev?.accessor && !ev.accessorOf && plainMethod(f.file!, ev.accessor)) return [];
      if (ev?.accessor && ev.accessorOf && ownMethod(f.file!, ev.accessor, ev.accessorOf)) return [];
      // Java: a getter without arguments read on a class the app defines as a data class (`invoiceModelDao.getId()`,
      // `m -> m.getAmount()` on an `InvoiceItemModelDao`): a row object named like a DAO, no round trip.
      // (The lines it stands for too: getters on the same receiver, `cur.getId` twice.)
      const recv = ev?.getterOf ? /^(\w+)\.\w+$/.exec(ev.call ?? '')?.[1] : undefined;
      // A receiver whose class the code does not name (`modelDao -> modelDao.getName()`, a lambda's parameter): the
      // classes declaring the getters decide — each is a getter of some data class of the app, and no definition of it
      // without parameters reaches the database (a DAO's `getAll()` still does).
      if (recv && (ev!.alsoAt ?? []).every((a) => new RegExp(`^${recv}\\.(get|is)[A-Z]\\w*$`).test(a.call)) && (this.isDataClass(ev!.getterOf!) || [ev!.call!, ...(ev!.alsoAt ?? []).map((a) => a.call)].every((c) => this.dataGetter(c.slice(c.indexOf('.') + 1))))) return [];
      return [this.adjustOne(f)];
    });
  }

  /** Java: the file (outside tests) declaring an enum of this name, once every file is read. */
  private enumFile(name: string): string | undefined {
    for (const [file, enums] of this.javaEnums) if (enums.includes(name)) return this.inProject(file);
    return undefined;
  }

  /**
   * The project's Python files import a database layer other than Django's (SQLAlchemy, SQLModel, Peewee, a driver…)
   * and none imports Django: what the index read says of the whole project, not of one file.
   */
  private otherPythonDatabaseOnly(): boolean {
    let other = false;
    for (const [file, mods] of this.modules) {
      if (!/\.py$/.test(file)) continue;
      if (mods.some((m) => /^django(\.|$)/.test(m))) return false;
      if (!other && mods.some((m) => PYTHON_NON_DJANGO_DB.test(m))) other = true;
    }
    return other;
  }

  /** One finding of adjust, after the accessor check: the remote call and fixed-list demotions. */
  private adjustOne(f: Finding): Finding {
    if (f.ruleId !== RULE_ID || f.severity === 'info' || f.severity === 'hint' || f.file === undefined) return f;
    const ev = f.evidence as { itemBefore?: string[]; param?: LoopParam; listOf?: ModuleListRef; enumOf?: string } | undefined;
    const declared = ev?.enumOf ? this.enumFile(ev.enumOf) : undefined;
    if (declared) return { ...f, severity: 'info', message: `Possible N+1 over a declared set (\`${ev!.enumOf}\` is an enum of the app, ${declared}: as many items as its constants): ${f.message}` };
    const language = ev?.itemBefore?.length ? languageOf(f.file) : undefined;
    const remote = language ? this.remoteBefore(language, ev!.itemBefore) : undefined;
    const written = ev?.listOf ? this.writtenList(f.file, ev.listOf) : undefined;
    if (written) return { ...f, severity: 'info', message: `Possible N+1 over a fixed list (\`${ev!.listOf!.name}\` is written in ${written} as a literal of at most ${MAX_FIXED_LIST} items): ${f.message}` };
    if (!remote) return ev?.param ? this.overFixedList(f, ev.param) : f;
    const possible = remotePossible(remote);
    return { ...f, severity: 'info', message: `${possible}: ${f.message}` };
  }

  /**
   * A loop over its function's parameter where every caller hands that parameter a short literal list or map (issue 14,
   * "a parent's few children": opengist's `initAdminSettings(settings)`, called only with a five-key map): as many round
   * trips as the code writes, as a loop over a literal is (detect's isFixedSmallList), one call away — `info`, with the
   * callers named. By name, bounded: the function has one definition in its language family (outside tests) and at least
   * one caller outside tests and outside itself (a recursion over a tree's children does not decide), and every such call
   * gives the parameter's position a literal of at most 10 items. A caller passing anything else — a query's rows, a
   * request's list, a name — keeps the warning: n1-22 measured that the caller's class ("one parent's children", a
   * request's list) does not separate real N+1s from fine loops; only a literal does.
   */
  private overFixedList(f: Finding, param: LoopParam): Finding {
    const family = f.file !== undefined ? this.familyOf(f.file) : undefined;
    if (!family) return f;
    const defs = this.defs.get(`${family}:${param.fn}`) ?? [];
    if (defs.length !== 1) return f;
    const own = defs[0];
    if (this.callsByName?.version !== this.version) {
      const of = new Map<string, { file: string; line: number; literal: number[] }[]>();
      for (const [file, { family: fam, calls }] of this.literalCalls) {
        for (const [name, line, literal] of calls) {
          const key = `${fam}:${name}`;
          const list = of.get(key);
          if (list) list.push({ file, line, literal });
          else of.set(key, [{ file, line, literal }]);
        }
      }
      this.callsByName = { version: this.version, of };
    }
    const calls = (this.callsByName.of.get(`${family}:${param.fn}`) ?? []).filter((c) => !(c.file === own.file && own.endLine !== undefined && c.line >= own.line && c.line <= own.endLine));
    if (!calls.length || !calls.every((c) => c.literal.includes(param.index))) return f;
    const where = calls.slice(0, 3).map((c) => (c.file === f.file ? `line ${c.line}` : `${this.inProject(c.file)}:${c.line}`)).join(', ') + (calls.length > 3 ? ` and ${calls.length - 3} more` : '');
    return {
      ...f,
      severity: 'info',
      message: `Possible N+1 over a fixed list (every caller of \`${param.fn}\` passes \`${param.name}\` as a literal of at most 10 items: ${where}): ${f.message}`,
      evidence: { ...(f.evidence ?? {}), fixedCallers: calls.map((c) => ({ file: c.file, line: c.line })) },
    };
  }

  /**
   * JS/TS: the project file a loop's `mod.name` (or imported `name`) comes from writes `name` at its top level as a short
   * literal list (Jellystat's `db.materializedViews`, three view names in db.js): its path in the project, else undefined.
   * The spec is resolved from the loop's file as Node resolves a relative one (`./x`, `./x.js`, `./x/index.ts` …).
   */
  private writtenList(file: string, ref: ModuleListRef): string | undefined {
    const from = file.replace(/\\/g, '/');
    const dir = from.slice(0, from.lastIndexOf('/'));
    const parts = dir.split('/');
    for (const seg of ref.spec.split('/')) {
      if (seg === '..') parts.pop();
      else if (seg !== '.' && seg !== '') parts.push(seg);
    }
    const base = parts.join('/');
    // TypeScript's ESM imports name the emitted file (`./db.js` for db.ts).
    const stem = base.replace(/\.(m|c)?js$/, '');
    const cands = [base, ...['.js', '.ts', '.mjs', '.cjs', '.jsx', '.tsx', '/index.js', '/index.ts'].map((e) => base + e), stem + '.ts', stem + '.tsx'];
    const hit = cands.find((c) => this.moduleLists.get(c)?.has(ref.name));
    return hit ? this.inProject(hit) : undefined;
  }

  /** The language family of a file the index read (its calls' family), else from its name. */
  private familyOf(file: string): string | undefined {
    const known = this.literalCalls.get(file)?.family;
    if (known) return known;
    const lang = languageOf(file);
    return lang ? languageFolderOf(lang) : undefined;
  }

  /** The finding of a loop's call to a function of the app that reaches the database (`possible`: why it is only possible, `info`). */
  private loopFinding(file: string, call: PendingLoopCall, def: Def, possible: string | undefined, oneOf?: Def[], handler?: { name: string; msg: string }): Finding {
    if (!possible) {
      const remote = this.remoteBefore(call.language, call.itemBefore);
      if (remote) possible = remotePossible(remote);
      // The callee itself first calls another service and then queries (detect's remoteBeforeQuery).
      else if (!handler) {
        // The callee's remote work answers before its database work: its own, or through the functions it calls first.
        const first = def.remoteFirst ?? (this.familyOf(def.file) !== 'go' ? this.remoteGraph().first.get(def) : undefined);
        if (first) possible = remotePossible(`${call.callee}\` → \`${first}`);
      }
    }
    // The app's own function: the batched one to add, no code (rewrites.ts).
    const callee = handler?.name ?? call.callee;
    // A hasMany getter on each row a findAll just loaded: the finder's include, as code (the parent query is in the code).
    const included = def.mixin && call.parentLoad && call.variable && !handler ? sequelizeIncludeRewrite(def.mixin, call.parentLoad, call.variable) : undefined;
    const rewrite = included ?? (def.mixin ? sequelizeMixinAdvice(def.mixin, call.variable) : batchMethodAdvice(call.text, callee, undefined, call.variable));
    const evidence: NPlusOneEvidence = {
      kind: 'call-in-loop', library: def.mixin ? 'sequelize' : 'app', call: `${call.text}()`, loop: call.loop, variable: call.variable, iterable: call.iterable,
      callee: { name: callee, line: def.line, call: def.file, ...(def.endLine ? { endLine: def.endLine } : {}), ...(oneOf ? { oneOf: oneOf.map((d) => ({ cls: d.cls, line: d.line, file: d.file })) } : {}) }, rewrite,
      ...(call.source ? { source: call.source } : {}),
      ...(call.collection ? { collection: call.collection } : {}),
      ...(call.param ? { param: call.param } : {}),
      ...(call.listOf ? { listOf: call.listOf } : {}),
      ...(call.enumOf ? { enumOf: call.enumOf } : {}),
    };
    const where = oneOf
      ? `\`${call.callee}\`: one of ${oneOf.map((d) => `${d.cls}.${call.callee} in ${this.inProject(d.file)}:${d.line}`).join(', ')}`
      : def.mixin
        ? `\`${def.mixin.model}.${call.callee}\`, a Sequelize association mixin of ${def.mixin.model}.${def.mixin.kind}(${def.mixin.target}${def.mixin.as ? `, as '${def.mixin.as}'` : ''}) in ${this.inProject(def.file)}:${def.line}`
        : `\`${def.cls && call.receiverOf === def.cls ? `${def.cls}.` : ''}${call.callee}\` in ${this.inProject(def.file)}:${def.line}`;
    const reach = handler
      ? `hands a \`${handler.msg}\` to the handler registered for that type, \`${handler.name}\` in ${this.inProject(def.file)}:${def.line}, which reaches the database,`
      : `reaches the database (${where})`;
    const message = `N+1 query: \`${call.text}()\` ${reach} and is called ${call.per}${call.iters}.`;
    return {
      ruleId: RULE_ID,
      severity: possible ? 'info' : 'warning',
      message: possible ? `${possible}: ${message}` : message,
      span: call.span,
      file,
      help: rewrite.help,
      fixes: [...(included && call.parentLoad ? rewriteFixes(included, call.parentLoad.indent) : []), call.ignore],
      // The helper's query (or the helper, when it reaches the database through other functions): where the look-up is.
      related: [{ span: call.related, message: `the loop (${call.loop}${call.variable ? ` over \`${call.variable}\`` : ''})` }, ...(oneOf ?? [def]).map((d) => ({
        span: call.span, file: d.file, line: d.queryLine ?? d.line,
        message: d.queryLine ? `the query \`${d.cls ? `${d.cls}.` : ''}${call.callee}\` runs once per call` : `\`${d.cls ? `${d.cls}.` : ''}${call.callee}\`, which reaches the database through the functions it calls`,
      }))],
      evidence: evidence as unknown as Record<string, unknown>,
    };
  }

  /**
   * Go: which definitions reach the database, by package and receiver type (goResolve.ts). `sure`: through calls
   * Go's syntax names exactly; `maybe`: only through a call that may be one of several methods (with why).
   */
  private goReach(index: GoIndex<Def & { name: string }>, defs: (Def & { name: string })[]): { sure: Set<Def>; maybe: Map<Def, string> } {
    const sure = new Set<Def>();
    const maybe = new Map<Def, string>();
    for (let round = 0; round < MAX_DEPTH + 2; round++) {
      let changed = false;
      for (const d of defs) {
        if (sure.has(d) || d.cached || d.enqueued) continue;
        let why: string | undefined;
        let found = d.queries;
        for (const ref of found ? [] : d.goCalls ?? []) {
          // A message handed to a bus: the handler registered for its type runs now.
          if (index.handlersOf(d.file, ref).some((x) => sure.has(x.def))) found = true;
          if (found) break;
          const t = index.targets(d.file, ref, d);
          if (!t) continue;
          // Told from the other methods of that name only by its interface's methods: what reaches the database through
          // it stays possible for the functions calling it (as before), though a loop's own call is exact.
          // An interface its own package implements once (`SessionDatabase` and the package's `DB`, `service.database.Get`)
          // is the layering of the package itself: that implementation is what runs.
          if (t.exact && t.narrowed && !t.ownPackage) {
            if (t.defs.every((x) => sure.has(x) || maybe.has(x))) why ??= t.reason;
          } else if (t.exact) {
            // A getter that keeps what it made (`if d.dbClient != nil { return d.dbClient }`) reaches the database when it
            // first builds it, not on each call: its callers do not query through it.
            if (t.defs.some((x) => sure.has(x) && !x.memo)) found = true;
            else why ??= t.defs.map((x) => maybe.get(x)).find((x) => x !== undefined);
          } else if (t.defs.length <= MAX_DEFINITIONS && t.defs.every((x) => sure.has(x) || maybe.has(x))) why ??= t.reason;
          if (found) break;
        }
        if (found) {
          sure.add(d);
          maybe.delete(d);
          changed = true;
        } else if (why && !maybe.has(d)) {
          maybe.set(d, why);
          changed = true;
        }
      }
      if (!changed) break;
    }
    return { sure, maybe };
  }

  /**
   * Go: remoteGraph's `first`, with calls resolved by package and receiver type: the functions whose remote work (an HTTP
   * request, a bucket) answers before their database work — their own, or through the first call that reaches either,
   * every target of it reaching the remote first (held-out-ag gotosocial: a subscription's `ProcessDomainPermissionSubscription`
   * → `DereferenceDomainPermissions` → `http.NewRequestWithContext`, then the permissions' rows). `db`: those reaching the database.
   */
  private goRemoteFirst(index: GoIndex<Def & { name: string }>, defs: (Def & { name: string })[], db: Set<Def>): Map<Def, string> {
    const targetsOf = (d: Def & { name: string }, ref: GoCallRef) => {
      const t = index.targets(d.file, ref, d);
      return t && t.defs.length && t.defs.length <= MAX_DEFINITIONS ? t.defs : undefined;
    };
    const reaches = new Map<Def, string>();
    const first = new Map<Def, string>();
    for (let round = 0; round < MAX_DEPTH; round++) {
      let changed = false;
      for (const d of defs) {
        if (!reaches.has(d)) {
          let how = d.remote;
          for (const ref of how ? [] : d.goCalls ?? []) {
            const ts = targetsOf(d, ref);
            if (ts?.every((x) => reaches.has(x))) how = `${ref.name}\` → \`${reaches.get(ts[0])}`;
            if (how) break;
          }
          if (how) {
            reaches.set(d, how);
            changed = true;
          }
        }
        if (first.has(d)) continue;
        let how = d.remoteFirst ?? (reaches.has(d) && !db.has(d) ? reaches.get(d) : undefined);
        if (!how && db.has(d) && (!d.queries || d.queryLine !== undefined)) {
          for (const ref of d.goCalls ?? []) {
            // A query of its own before this call: the database work starts first.
            if (d.queries && !((this.callLine(d, ref.name) ?? Infinity) < d.queryLine!)) break;
            const ts = targetsOf(d, ref);
            if (!ts?.some((x) => db.has(x) || reaches.has(x))) continue;
            if (ts.every((x) => first.has(x))) how = `${ref.name}\` → \`${first.get(ts[0])}`;
            break;
          }
        }
        if (how) {
          first.set(d, how);
          changed = true;
        }
      }
      if (!changed) break;
    }
    return first;
  }

  /** Go: the findings of calls in loops, each resolved by package and receiver type; an ambiguous one is at most `info`. */
  private goFindings(pending: { file: string; family: string; call: PendingLoopCall }[]): Finding[] {
    if (!pending.length) return [];
    const defs = [...this.defs.entries()].filter(([k]) => k.startsWith('go:')).flatMap(([, list]) => list).filter((d): d is Def & { name: string } => d.name !== undefined);
    const index = new GoIndex(this.goFiles, defs, (f) => this.inProject(f));
    const { sure, maybe } = this.goReach(index, defs);
    const reaches = new Set([...sure, ...maybe.keys()]);
    const q = new Map<string, Def>();
    const out: Finding[] = [];
    let goFirst: Map<Def, string> | undefined;
    for (const { file, call } of pending) {
      if (!call.goRef) continue;
      const t = index.targets(file, call.goRef);
      const reaching = t?.defs.filter((d) => reaches.has(d)) ?? [];
      if (!t || !reaching.length) {
        // `bus.Dispatch(ctx, &cmd.AddVote{…})`: the bus runs the handler registered for the message's type.
        const handler = index.handlersOf(file, call.goRef).find((d) => sure.has(d.def));
        if (handler && !handler.def.batched) out.push(this.loopFinding(file, call, handler.def, call.possible, undefined, { name: handler.def.name, msg: handler.msg }));
        continue;
      }
      // At the loop's own call only: a closure handed to a queue (`Dispatch(func() { … })`) runs on a worker, and what a
      // function reaches through an interface stays as possible as before.
      const definite = !call.inFuncLiteral && everyImplementationQueries(t, sure);
      // In a closure the loop hands on, an interface call resolved only by telling its implementations apart stays possible.
      if (call.inFuncLiteral && (t.narrowed || everyImplementationQueries(t, sure))) {
        const recv = call.goRef.recvText ? `\`${call.goRef.recvText}\`` : 'the receiver';
        const def = reaching.find((d) => sure.has(d)) ?? reaching[0];
        if (!def.batched) out.push(this.loopFinding(file, call, def, call.possible ?? `Possible N+1 (${recv} is an interface, called in a function the loop hands on: it runs when that function is called, maybe on a worker)`));
        continue;
      }
      if (!t.exact && !definite && (t.defs.length > MAX_DEFINITIONS || reaching.length < t.defs.length)) continue;
      const def = reaching.find((d) => sure.has(d)) ?? reaching[0];
      if (def.batched) continue;
      if (reaching.every((d) => this.sameEveryTime(call, d, 'go', q, reaches, index))) continue;
      if (def.memo && call.argsVary?.every((v) => !v)) continue;
      const why = definite ? undefined : !t.exact ? t.reason : sure.has(def) ? undefined : maybe.get(def);
      goFirst ??= this.goRemoteFirst(index, defs, reaches);
      const first = goFirst.get(def);
      const possible = call.possible ?? (why ? `Possible N+1 (${why})` : undefined) ?? (first && !def.remoteFirst ? remotePossible(`${call.callee}\` → \`${first}`) : undefined);
      out.push(this.loopFinding(file, call, def, possible));
    }
    return out;
  }
}
