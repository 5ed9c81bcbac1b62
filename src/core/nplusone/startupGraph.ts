/**
 * Start-up code across files: a function that only start-up code calls runs once per boot, not once
 * per request (gin-vue-admin's plugin `RegisterApis`, called only from `plugin/*\/initialize/`;
 * dokploy's `initVolumeBackupsCronJobs`, called only from the server's start-up). Its N+1 findings
 * take the `script` context (run once), so they are capped like other one-off code.
 *
 * Learned from the project's own calls (the N+1 detector's per-file call facts), by name, bounded:
 *  - roots: Go `func init()`, functions of files in an `initialize/`, `bootstrap/` or `startup/` folder, and functions
 *    of an operator's command (a file whose context is `script`: a cobra command, `scripts/`, a management command),
 *    TS/JS functions of a seed or a migration (runner) file, NestJS `onModuleInit`/`onApplicationBootstrap` hooks
 *    (not Go `main`: it starts the tickers and workers that run per tick; not `setup/`: apps name
 *    per-request set-up actions so); calls made at module level (outside every named function, and not in
 *    a handler or scheduled callback — see `topCalls` in detect.ts);
 *  - Python roots: the server's boot hooks — gunicorn's `on_starting`/`when_ready`/`pre_fork`/`post_fork`/
 *    `post_worker_init` (module-level functions of its config file), Django `AppConfig.ready`, a FastAPI/Starlette
 *    `lifespan` context manager and a function decorated `@app.on_event("startup")` (keep's provisioning of
 *    providers, workflows and rules from the environment, called only from `on_starting`);
 *  - a name is start-up only when it has callers and every one of them is start-up code, up to ROUNDS deep.
 *    Callers in test code do not count (a test calls the provisioning it checks; it runs no request).
 *  - a Python program named for a schedule (`cron.py`, `scheduler.py`, `periodic_tasks.py`) is run again and again by a
 *    scheduler: the functions of its own that its `if __name__ == "__main__":` block calls are job code, per tick, not
 *    start-up (held-out-ar simple-login's `cron.py --job notify_trial_end`);
 *  - Django's `pre_migrate`/`post_migrate` signal handlers (`post_migrate.connect(fn)`, `@receiver(post_migrate)`) run
 *    with `manage.py migrate`: their findings take the `migration` context.
 * Go, TypeScript, JavaScript and Python (Ruby start-up hooks are judged within their file).
 */
import type { Finding } from '../findings';
import { lineStarts, positionAt } from '../findings';
import { codeContextOf, codeContextForImports, inContext, type ContextPolicy } from '../codeContext';
import type { SourceLanguage } from '../syntax/treeSitter';
import type { FileCallFacts } from './detect';
import { RULE_ID } from './ruleId';
import { closingEnd } from '../limits';
import { escapeRe } from '../format';

const ROUNDS = 6;
const FAMILIES = /^(go|typescript|tsx|javascript|python)$/;
/** Python methods the web framework calls per request (a Resource's or a View's HTTP verbs): request code, whoever else calls the name. */
const PY_REQUEST_METHODS = /^(get|post|put|patch|delete|head|options|dispatch|dispatch_request|handle)$/;
/**
 * A route's decorator above a function: FastAPI/Starlette `@router.get("/…")`, `@app.post(…)`, `@app.api_route(…)`,
 * Flask `@bp.route(…)`, FastMCP `@mcp.tool()`; NestJS `@Get()`, `@Post(':id')` on a controller's method. The framework
 * calls it per request: request code, whatever else calls a function of its name.
 */
const ROUTE_DECORATOR = /^\s*@(?:[A-Za-z_]\w*\.)+(?:get|post|put|patch|delete|head|options|trace|route|api_route|websocket|tool)\(|^\s*@(?:Get|Post|Put|Patch|Delete|All|Head|Options)\(/;
/** gunicorn server hooks that run while the server boots (the master, or each worker once), never per request. */
const PY_BOOT_HOOKS = /^(on_starting|when_ready|pre_fork|post_fork|post_worker_init)$/;
// Not `setup/`: apps name remote-server set-up actions so (dokploy's server-setup runs per request).
/** A Python program's file name that says a scheduler runs it (`cron.py`, `crontab.py`, `cron_jobs.py`, `scheduler.py`, `periodic_tasks.py`). */
const SCHEDULED_PROGRAM = /^(?:cron\w*|\w+_cron|scheduler|periodic\w*)$/i;
/** NestJS lifecycle hooks run once while the application boots. */
const NEST_BOOT_HOOKS = /^(?:onModuleInit|onApplicationBootstrap)$/;
const STARTUP_FOLDER = /(^|\/)(initialize|bootstrap|startup)\//;
/**
 * A development server's code or a test plugin (`packages/dev-server/…`, `test-plugins/…`): run by the app's developers to
 * try or reproduce something by hand, never in production. Its calls make nothing per request, as a test's do not.
 */
const DEV_ONLY_PATH = /(^|\/)(?:dev[-_]?server|test[-_]?plugins?)\//i;

interface Fn {
  file: string;
  name: string;
  line: number;
  endLine: number;
  callees: string[];
  root: boolean;
  /** In test code: its calls make nothing per-request. */
  test: boolean;
  /** Called by the framework per request (Python HTTP verb methods): never start-up code by its callers. */
  request?: boolean;
  /** A Go command's function (a cobra/urfave command file): a root unless a server runs its package's commands (servedDirs). */
  command?: boolean;
  /** Python: the class of a method (an entry point's `App(…).start()` names it: entryMethods). */
  cls?: string;
  /** TS/JS/Python: a decorator sits above it (a framework may call it by the decorator): never test-only code (testOnlyAt). */
  decorated?: boolean;
}

/**
 * Names a framework or a standard interface calls by themselves (Go's `ServeHTTP`, `Scan`, `Value`; a handler's `handle`,
 * a job's `run`/`execute`/`process`, a resolver's `resolve…`, a lifecycle hook `onInit`, Django's `get_queryset`): a test
 * may call them directly while production code never names them, so only-tests-call-it says nothing (testOnlyAt).
 */
const FRAMEWORK_CALLED = /^(?:[Ss]erve\w*|[Hh]andle\w*|[Pp]rocess\w*|[Rr]un\w*|[Ee]xecute\w*|[Ss]tart\w*|[Ss]top|[Cc]lose|Scan|Value|String|Error|(?:Marshal|Unmarshal)\w*|perform\w*|get_\w+|[Rr]esolve\w*|on[A-Z_]\w*|__\w+__|[Dd]ispatch\w*|call|[Ii]nvoke\w*|[Cc]onsume\w*|[Ss]ubscribe\w*|[Ll]isten\w*|[Ww]ork\w*|[Tt]ick|[Pp]oll\w*|main|init|setup|setUp|up|down|render\w*|mount\w*)$/;

/**
 * The identifiers a file's code names as values, not in a call or a declaration (`router.Get("/", listWebhooks)`,
 * `post_save.connect(on_save)`, `export { reseal }`, `getattr(self, "handle_x")`'s string): what code may call later
 * without naming the call. Line comments are left out (a Go doc comment names its function).
 */
function valueNames(text: string): Set<string> {
  const out = new Set<string>();
  const code = text.replace(/^[ \t]*(?:\/\/|#|\*|\/\*).*$/gm, '');
  for (const m of code.matchAll(/[A-Za-z_$][\w$]*/g)) {
    const after = code.slice(m.index! + m[0].length, m.index! + m[0].length + 40);
    if (/^\s*(?:\(|<[\w$\s,.[\]<>]*>\s*\()/.test(after)) continue;
    const before = code.slice(Math.max(0, m.index! - 12), m.index!);
    if (/\b(?:const|let|var)\s+$/.test(before) && /^\s*=\s*(?:async\s*)?(?:\(|function\b|[\w$]+\s*=>)/.test(after)) continue;
    out.add(m[0]);
  }
  return out;
}

/**
 * Go: the packages whose commands a server runs per connection. The file builds a command tree, adds commands of another
 * package (`rootCmd.AddCommand(cmd.RepoCommand(), …)`) and runs it on arguments it was handed, not the program's own
 * (`rootCmd.SetArgs(args)` … `rootCmd.ExecuteContext(ctx)`): held-out-aa soft-serve runs its `pkg/ssh/cmd` commands for each
 * SSH session; they are request code, not an operator's one-off. Import paths of those packages.
 */
function servedCommandPackages(text: string): string[] {
  if (!/\.SetArgs\(\s*(?!os\.Args)[\w.[\]:]+\s*\)/.test(text) || !/\.Execute(?:Context)?C?\(/.test(text)) return [];
  const imports = new Map<string, string>();
  for (const m of text.matchAll(/^\s*(?:import\s+)?(?:([\w.]+)\s+)?"([\w./-]+)"\s*$/gm)) imports.set(m[1] ?? m[2].split('/').pop()!, m[2]);
  const out = new Set<string>();
  for (const m of text.matchAll(/\.AddCommand\(/g)) {
    const from = m.index! + m[0].length;
    const args = text.slice(from, closingEnd(text, from, '(', ')', '"`'));
    for (const q of args.matchAll(/(?:^|[^\w.])([a-z]\w*)\.[A-Z]\w*\(/g)) {
      const path = imports.get(q[1]);
      if (path) out.add(path);
    }
  }
  return [...out];
}

/** Whether a decorator (`@Get()`, `@app.task`, `@receiver(…)`) sits in the lines just above the function defined at `line` (1-based), a blank line ending them. */
function decoratedAt(line: number, lines: string[]): boolean {
  return decoratorAbove(line, lines, /^\s*@[A-Za-z_]/, true);
}

/** Whether the function defined at `line` (1-based) carries a route's decorator (ROUTE_DECORATOR) in the lines just above it. */
function routeHandler(line: number, lines: string[]): boolean {
  return decoratorAbove(line, lines, ROUTE_DECORATOR);
}

/**
 * Whether a line matching `decorator` is among the decorator lines just above the function defined at `line` (1-based):
 * walked up at most 40 lines, to a def, a class or the end of a statement (`untilBlank`: or a blank line).
 */
function decoratorAbove(line: number, lines: string[], decorator: RegExp, untilBlank = false): boolean {
  for (let i = line - 2; i >= 0 && i >= line - 40 && /^\s*(@|\)|[\w"'\],]|$)/.test(lines[i] ?? ''); i--) {
    if (decorator.test(lines[i] ?? '')) return true;
    if (/^\s*(async\s+)?def\s|^\s*class\s|[;{}]\s*$/.test(lines[i] ?? '') || (untilBlank && (lines[i] ?? '').trim() === '')) return false;
  }
  return false;
}

/**
 * A hook whose body writes a function literal (`createQueue({ process: async (job) => … })`, `.subscribe(e => …)`) hands
 * work on to run later, per job or per event: its calls are not all made once at boot, so it is no start-up root.
 */
function handsOnCallbacks(lines: string[], from: number, to: number | undefined): boolean {
  return /=>|\bfunction\b/.test(lines.slice(from, to ?? from).join('\n'));
}

/** Python: whether the function defined at `line` (1-based) is a boot hook of the server or framework. */
function pythonBootHook(name: string, line: number, method: boolean, text: string, lines: string[]): boolean {
  if (!method && PY_BOOT_HOOKS.test(name)) return true;
  if (method && name === 'ready' && /\(\s*AppConfig\s*\)/.test(text)) return true;
  // The decorators above the `def` line.
  let above = '';
  for (let i = line - 2; i >= 0 && /^\s*@/.test(lines[i] ?? ''); i--) above = `${lines[i]}\n${above}`;
  if (!method && name === 'lifespan' && /@(?:\w+\.)*asynccontextmanager\b/.test(above)) return true;
  return /@[\w.]+\.on_event\(\s*["']startup["']\s*\)/.test(above);
}

/**
 * Python: the text a program's entry point runs — all of `__main__.py`; in another module, the `if __name__ ==
 * "__main__":` block and the module's top-level functions it calls by name (`main()`), not the rest of the module (a
 * request handler's `Page(ids).render()` there is no entry call).
 */
function pythonEntryText(file: string, text: string): string {
  if (/(^|\/)__main__\.py$/.test(file)) return text;
  const guard = /^if\s+__name__\s*==\s*["']__main__["']\s*:/m.exec(text);
  if (!guard) return '';
  const tail = text.slice(guard.index);
  const parts = [tail];
  for (const name of new Set([...tail.matchAll(/(?<![\w.])([a-z_]\w*)\(/g)].map((m) => m[1]))) {
    const def = new RegExp(`^(?:async\\s+)?def\\s+${name}\\s*\\(`, 'm').exec(text);
    if (!def) continue;
    const rest = text.slice(def.index);
    const end = /\n(?=\S)/.exec(rest);
    parts.push(end ? rest.slice(0, end.index) : rest);
  }
  return parts.join('\n');
}

export class StartupGraph {
  private readonly fns: Fn[] = [];
  private readonly byFile = new Map<string, Fn[]>();
  /** Names called at module level (start-up), per family. */
  private readonly top = new Set<string>();
  /** Names called in handlers and scheduled callbacks outside named functions (per request or tick). */
  private readonly later = new Set<string>();
  /**
   * Go: names called in the closures of an operator's command file outside its named functions (cobra's
   * `Run: func(cmd, args) { models.RepairOrphanedProjects(s, dry) }`), with the file: they run when the command runs —
   * start-up code, unless a server runs that package's commands (then handlers, as `later`).
   */
  private readonly commandLater = new Map<string, string[]>();
  /** Per file, callbacks handed to schedulers and registries: they run per tick or event. */
  private readonly deferred = new Map<string, [number, number][]>();
  private startup: Set<string> | undefined;
  /** Names called in callbacks handed to a scheduler (run per tick: job code). */
  private readonly scheduled = new Set<string>();
  /** Names handed to a scheduler by name (`cron.schedule(expr, fn)`): per tick, whatever start-up code also calls them once. */
  private readonly scheduledRefs = new Set<string>();
  private jobs: Set<string> | undefined;
  /** The Python functions Django runs around `migrate` (`post_migrate.connect(fn)`, `@receiver(pre_migrate)`), by name (the handler may be imported). */
  private readonly migrationHooks = new Set<string>();
  /** Line starts of the files read (to place findings in their functions). */
  private readonly starts = new Map<string, number[]>();
  /** Go import paths of the packages whose commands a server runs (servedCommandPackages). */
  private readonly served = new Set<string>();
  /** Go command files (a cobra/urfave command's text). */
  private readonly commandFiles = new Set<string>();
  /**
   * Python: the methods a program's entry point calls on an object of the app it constructs (`FrigateApp(config).start()`
   * in `__main__.py` or under `if __name__ == "__main__":`), as `Class.method`: start-up code of its own, run once per
   * process, though other code calls methods of that name (`thread.start()`). held-out-ab frigate: the reaper of stale
   * exports and the replay cleanup run only from `FrigateApp.start`.
   */
  private readonly entryMethods = new Set<string>();
  /** Python: `file\u0000py:name` of the functions a scheduled program's `__main__` calls (SCHEDULED_PROGRAM): job roots. */
  private readonly tickFns = new Set<string>();
  /** Per family, the names code outside tests names as values (valueNames): code may call them without naming the call. */
  private readonly values = new Map<string, Set<string>>();
  private tested: Set<string> | undefined;

  /** contextPath: the file's path in the app when `file` is absolute (AnalyzerInput.contextPath): what kind of code it is. */
  add(file: string, language: SourceLanguage, facts: FileCallFacts, text: string, contextPath = file): void {
    if (!FAMILIES.test(language)) return;
    if (facts.functions.length) this.starts.set(file, lineStarts(text));
    const go = language === 'go';
    const py = language === 'python';
    const fam = go ? 'go' : py ? 'py' : 'js';
    const fileContext = codeContextOf(contextPath, text);
    const test = fileContext === 'test' || DEV_ONLY_PATH.test(contextPath);
    // A TS/JS seed or initial-data program (`cli/populate.ts`, `seeds/`): what only it calls runs when someone loads the
    // data, once. (Not Go or Python: a Go server's `demo.go` seeds demo data at boot through the same service its import
    // handler calls from a closure the graph does not see — held-out-ae homebox's CSV import stayed request code.)
    const seed = fileContext === 'seed' && !go && !py;
    // A TS/JS migration runner or migration (`utils/migrate.ts`, `db/upgrade.js`: codeContextOf's `migration`): what only it
    // calls runs once per deployment, when the schema is brought up to date (held-out-av nango: the re-encryption of
    // every stored secret the migrate step runs at boot).
    const migration = fileContext === 'migration' && !go && !py;
    // NestJS lifecycle hooks (`onModuleInit`, `onApplicationBootstrap` of a provider): Nest runs them once while the
    // application boots (held-out-aq Vendure's initializer: the roles, shipping methods and stock locations it ensures).
    const nest = !go && !py && /from\s+['"]@nestjs\//.test(text);
    // An operator's command (a CLI command file, a `scripts/` or `bin/` program, a management command): what only it
    // calls runs when someone runs the command, not per request (held-out-z convoy: `keys.InitEncryption`, called only
    // by the `init-encryption` cobra command, encrypts each table's columns one statement at a time by design).
    // (A Python click/typer module known only from its text is often the app's entry point: codeContextForImports.)
    const command = fileContext === 'script' && (go || codeContextForImports(contextPath, text) === 'script');
    const lines = text.split('\n');
    if (py && /\b(?:pre|post)_migrate\b/.test(text)) {
      for (const m of text.matchAll(/\b(?:pre|post)_migrate\.connect\(\s*(?:receiver\s*=\s*)?(?:self\.|\w+\.)?(\w+)/g)) this.migrationHooks.add(`py:${m[1]}`);
      for (const m of text.matchAll(/@receiver\(\s*\[?\s*(?:signals\.)?(?:pre|post)_migrate\b[^)]*\)\s*\n(?:\s*@.*\n)*\s*def\s+(\w+)/g)) this.migrationHooks.add(`py:${m[1]}`);
    }
    if (!test) {
      const seen = this.values.get(fam) ?? new Set<string>();
      for (const n of valueNames(text)) seen.add(n);
      this.values.set(fam, seen);
    }
    const entry = py ? pythonEntryText(file, text) : '';
    for (const m of entry.matchAll(/(?<![\w.])([A-Z]\w*)\((?:[^()]|\([^()]*\))*\)\s*\.\s*([a-z_]\w*)\(/g)) this.entryMethods.add(`${m[1]}.${m[2]}`);
    for (const f of facts.functions) {
      const root = (go && f.name === 'init') || STARTUP_FOLDER.test(contextPath) || (command && !go) || ((seed || migration) && !test) || (nest && NEST_BOOT_HOOKS.test(f.name) && !handsOnCallbacks(lines, f.line, f.endLine)) || (py && pythonBootHook(f.name, f.line, f.method === true, text, lines));
      const fn: Fn = { file, name: `${fam}:${f.name}`, line: f.line, endLine: f.endLine ?? f.line, callees: f.callees.map((c) => `${fam}:${c}`), root, test, ...((py && f.method && PY_REQUEST_METHODS.test(f.name)) || (!go && routeHandler(f.line, lines)) ? { request: true } : {}), ...(command && go ? { command: true } : {}), ...(py && f.method && f.cls ? { cls: f.cls } : {}), ...(!go && decoratedAt(f.line, lines) ? { decorated: true } : {}) };
      this.fns.push(fn);
      const list = this.byFile.get(file);
      if (list) list.push(fn);
      else this.byFile.set(file, [fn]);
    }
    if (go) for (const p of servedCommandPackages(text)) this.served.add(p);
    if (go && command) this.commandFiles.add(file);
    // A Python program named for a schedule (`cron.py` dispatching `--job notify_trial_end`, `scheduler.py`, `periodic_tasks.py`):
    // a scheduler (crontab, a Kubernetes CronJob) runs it again and again, so the functions of its own that its `__main__`
    // calls run per tick — job code, not start-up code run once per boot. By file: another file's function of the same
    // name (a one-off command's `main`) keeps its own context.
    const ticks = py && entry && SCHEDULED_PROGRAM.test(/(\w+)\.py$/.exec(contextPath)?.[1] ?? '') ? entry : '';
    const own = new Set(facts.functions.filter((f) => !f.method).map((f) => f.name));
    for (const c of facts.topCalls ?? []) {
      if (ticks && own.has(c) && new RegExp(`(?<![\\w.])${escapeRe(c)}\\(`).test(ticks)) this.tickFns.add(`${file}\u0000${fam}:${c}`);
      else this.top.add(`${fam}:${c}`);
    }
    // A test's callbacks (`describe(…, () => { it(…, () => manager.reseal()) })`) run no request: a name they call is not
    // thereby called later, per event (held-out-av nango: the integration test of the re-encryption kept it request code).
    for (const c of test ? [] : facts.laterCalls ?? []) {
      if (go && command) this.commandLater.set(`${fam}:${c}`, [...(this.commandLater.get(`${fam}:${c}`) ?? []), file]);
      else this.later.add(`${fam}:${c}`);
    }
    for (const c of facts.scheduledCalls ?? []) this.scheduled.add(`${fam}:${c}`);
    for (const c of facts.scheduledRefs ?? []) {
      this.scheduled.add(`${fam}:${c}`);
      this.scheduledRefs.add(`${fam}:${c}`);
    }
    if (facts.deferred?.length) this.deferred.set(file, facts.deferred);
    this.startup = undefined;
    this.jobs = undefined;
    this.tested = undefined;
  }

  /**
   * Names only tests call (readflow's `ManageOutgoingWebhookSecrets`: an operator's re-encryption pass, declared on the
   * store's interface and called by nothing but its integration test): code no request, job or start-up reaches, so its
   * loops are a test's. By name, bounded: at least one caller, every caller in test code (not the function itself); the
   * name never named as a value outside tests (handed to a router, a signal, an export list), never called at module
   * level (a scheduled program's `__main__` included: simple-login's `cron.py` jobs, which its tests call too), in a
   * handler's or a scheduler's callback; not a root, a route, a decorated function or a name frameworks call
   * by themselves (FRAMEWORK_CALLED).
   */
  private testOnlyNames(): Set<string> {
    if (this.tested) return this.tested;
    const callers = new Map<string, Fn[]>();
    for (const f of this.fns) {
      for (const c of new Set(f.callees)) {
        const list = callers.get(c);
        if (list) list.push(f);
        else callers.set(c, [f]);
      }
    }
    const out = new Set<string>();
    const blocked = new Set<string>();
    for (const f of this.fns) {
      if (f.test) continue;
      const bare = f.name.slice(f.name.indexOf(':') + 1);
      const fam = f.name.slice(0, f.name.indexOf(':'));
      const by = (callers.get(f.name) ?? []).filter((c) => c !== f);
      const ok = by.length > 0 && by.every((c) => c.test) && !f.request && !f.decorated && !this.isRoot(f) && !FRAMEWORK_CALLED.test(bare)
        && !this.values.get(fam)?.has(bare) && !this.top.has(f.name) && !this.later.has(f.name) && !this.scheduled.has(f.name) && !this.tickFns.has(`${f.file}\u0000${f.name}`);
      // Every definition of the name must qualify (a name is one node of the graph).
      if (ok && !blocked.has(f.name)) out.add(f.name);
      else {
        blocked.add(f.name);
        out.delete(f.name);
      }
    }
    this.tested = out;
    return out;
  }

  /** The innermost function of the file holding the line, when only tests call it (testOnlyNames). */
  private testOnlyAt(file: string, line: number): Fn | undefined {
    let best: Fn | undefined;
    for (const f of this.byFile.get(file) ?? []) if (f.line <= line && line <= f.endLine && (!best || f.line >= best.line)) best = f;
    return best && this.testOnlyNames().has(best.name) ? best : undefined;
  }

  /**
   * Names that run only per tick of a schedule (ente's `schedule(c, "@every 1m", func() { trash.ProcessEmptyTrashRequests() })`):
   * called in a scheduler's callback, or only by such functions (up to ROUNDS deep), and by no other code but tests
   * (a name a request handler also calls stays request code).
   */
  private jobNames(): Set<string> {
    if (this.jobs) return this.jobs;
    const jobs = new Set<string>();
    if (this.scheduled.size || this.tickFns.size) {
      const callers = new Map<string, Fn[]>();
      for (const f of this.fns) for (const c of new Set(f.callees)) callers.set(c, [...(callers.get(c) ?? []), f]);
      const startup = this.startupNames();
      for (let round = 0; round < ROUNDS; round++) {
        let changed = false;
        for (const f of this.fns) {
          const tick = this.tickFns.has(`${f.file}\u0000${f.name}`);
          if (jobs.has(f.name) || this.isRoot(f) || f.request || startup.has(f.name) || (this.top.has(f.name) && !tick)) continue;
          if (this.later.has(f.name) && !this.scheduled.has(f.name)) continue;
          const by = (callers.get(f.name) ?? []).filter((c) => c.name !== f.name && !c.test);
          // A function handed to the scheduler by name that start-up code also runs once (rybbit's usage checker, scheduled
          // and run at boot): per tick all the same.
          const ref = this.scheduledRefs.has(f.name);
          if (tick || ((this.scheduled.has(f.name) || by.length > 0) && by.every((c) => jobs.has(c.name) || (ref && (this.isRoot(c) || startup.has(c.name)))))) {
            jobs.add(f.name);
            changed = true;
          }
        }
        if (!changed) break;
      }
    }
    this.jobs = jobs;
    return jobs;
  }

  /** Start-up code of its own: an `init`, a start-up folder's function, an operator's command (not one a server runs), a method the entry point calls on the app it constructs. */
  private isRoot(f: Fn): boolean {
    if (f.root) return true;
    if (f.cls !== undefined && this.entryMethods.has(`${f.cls}.${f.name.slice(f.name.indexOf(':') + 1)}`)) return true;
    return !!f.command && !this.inServedPackage(f.file);
  }

  private inServedPackage(file: string): boolean {
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
    for (const p of this.served) if (dir && (p === dir || p.endsWith(`/${dir}`))) return true;
    return false;
  }

  /**
   * A Go command file whose package's commands a server runs per connection: its findings are request code, though its
   * text reads as an operator's command (codeContextOf). Known once every file is read: for the whole-scan findings.
   */
  servedCommand(file: string): boolean {
    return this.commandFiles.has(file) && this.inServedPackage(file);
  }

  /** Names whose every caller is start-up code. */
  private startupNames(): Set<string> {
    if (this.startup) return this.startup;
    // Known once every file is read: a command's closures run with the command, or per connection when a server runs its package.
    for (const [name, files] of this.commandLater) for (const file of files) (this.inServedPackage(file) ? this.later : this.top).add(name);
    this.commandLater.clear();
    const callers = new Map<string, Fn[]>();
    for (const f of this.fns) for (const c of new Set(f.callees)) callers.set(c, [...(callers.get(c) ?? []), f]);
    const startup = new Set<string>();
    // A route handler is request code, though start-up code calls a function of its name (Tracecat's `search_cases`
    // handler and the cases service's `search_cases`).
    const isStartup = (f: Fn) => !f.request && (this.isRoot(f) || startup.has(f.name));
    for (let round = 0; round < ROUNDS; round++) {
      let changed = false;
      for (const f of this.fns) {
        if (startup.has(f.name) || this.isRoot(f) || f.request || this.later.has(f.name) || this.scheduledRefs.has(f.name) || this.tickFns.has(`${f.file}\u0000${f.name}`)) continue;
        // (A route handler delegating to the service's function of its own name, `await service.list_cases(…)` in the
        // handler `list_cases`, is its caller: not recursion.)
        // (Nor is a start-up function of another file that calls the service's function of its own name: the populate
        // program's `populateInitialData` calling the populator's.)
        const by = (callers.get(f.name) ?? []).filter((c) => c !== f && (c.name !== f.name || c.request || (c.file !== f.file && this.isRoot(c))) && !c.test);
        if ((by.length || this.top.has(f.name)) && by.every(isStartup) && (by.length > 0 || this.top.has(f.name))) {
          startup.add(f.name);
          changed = true;
        }
      }
      if (!changed) break;
    }
    this.startup = startup;
    return startup;
  }

  /** The innermost function of the file holding the line, when it is start-up code. */
  private startupAt(file: string, line: number): Fn | undefined {
    if (this.deferred.get(file)?.some(([a, b]) => a <= line && line <= b)) return undefined;
    let best: Fn | undefined;
    for (const f of this.byFile.get(file) ?? []) if (f.line <= line && line <= f.endLine && (!best || f.line >= best.line)) best = f;
    return best && !best.request && !this.tickFns.has(`${best.file}\u0000${best.name}`) && (this.isRoot(best) || this.startupNames().has(best.name)) ? best : undefined;
  }

  /** The innermost function of the file holding the line, when it runs only per tick of a schedule. */
  private jobAt(file: string, line: number): Fn | undefined {
    let best: Fn | undefined;
    for (const f of this.byFile.get(file) ?? []) if (f.line <= line && line <= f.endLine && (!best || f.line >= best.line)) best = f;
    return best && this.jobNames().has(best.name) ? best : undefined;
  }

  /**
   * N+1 findings in request or job code that sits in start-up-only functions take the `script` context; those in
   * request code that sits in functions only a scheduler runs take the `job` context (severity as the policy caps jobs).
   */
  adjust(findings: Finding[], policy: ContextPolicy): Finding[] {
    if (!this.fns.length) return findings;
    return findings.map((f) => {
      if (f.ruleId !== RULE_ID || (f.context !== 'request' && f.context !== 'job') || f.file === undefined) return f;
      const starts = this.starts.get(f.file);
      const line = starts ? positionAt(starts, f.span.start).line + 1 : undefined;
      // A handler of Django's pre_migrate/post_migrate signal runs with `migrate`, never per request.
      if (this.migrationHooks.size && line !== undefined && f.file.endsWith('.py') && (this.byFile.get(f.file) ?? []).some((x) => x.line <= line && line <= x.endLine && this.migrationHooks.has(x.name))) {
        return inContext(f, 'migration', policy);
      }
      const fn = line !== undefined ? this.startupAt(f.file, line) : undefined;
      // Code only tests call runs no request: the finding is a test's (capped as tests are).
      if (!fn && line !== undefined && this.testOnlyAt(f.file, line)) return inContext(f, 'test', policy);
      if (!fn) {
        if (f.context !== 'request' || line === undefined || !this.jobAt(f.file, line)) return f;
        return inContext(f, 'job', policy);
      }
      return inContext(f, 'script', policy);
    });
  }
}
