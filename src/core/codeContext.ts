/**
 * Where a finding's code runs: on the request path, in a background job, or in code that runs
 * once or never in production (a migration, a seed, a one-off script, a test). Learned from the
 * file's path and from framework conventions in its text (a Django or Rails migration class, a
 * Celery task, a Sidekiq worker…). A query in a loop in a migration that runs once is not the
 * problem the same loop is in a request handler: findings outside request and job code are capped
 * at `info` by default (ContextPolicy), and summaries group findings by context.
 */
import { SEVERITY_RANK, type Finding, type Severity } from './findings';

export type CodeContext = 'request' | 'job' | 'migration' | 'test' | 'script' | 'seed';

const CODE_CONTEXTS: readonly CodeContext[] = ['request', 'job', 'migration', 'test', 'script', 'seed'];

/** The highest severity a finding may have in each context ('keep' = as the rule says). */
export type ContextPolicy = Record<CodeContext, Severity | 'keep'>;

export const DEFAULT_CONTEXT_POLICY: ContextPolicy = { request: 'keep', job: 'keep', migration: 'info', test: 'info', script: 'info', seed: 'info' };

const TEST_PATH = /(^|\/)(tests?|__tests__|__mocks__|mocks?|mock[-_]?(?:adapters?|clients?|stores?|repos?|services?|servers?|drivers?|backends?|impl)|mockups?|fakes|stubs|specs?|e2e|evals|(?:e2e|integration|functional|acceptance)[-_]?tests?|testdata|test[-_]?utils|testing|fixtures|spec[-_]helpers?|test[-_]?rigs?|src\/test)\/|(^|\/)[^/]+[._-](test|spec|e2e|eval)\.[a-z]+$|(^|\/)[^/]+_test\.(go|py|rb)$|(^|\/)test_[^/]+\.py$|(^|\/)conftest\.py$|(^|\/)[A-Z]\w*(Tests?|IT)\.(java|kt)$/i;
const MIGRATION_PATH = /(^|\/)([\w.-]*[-_])?(migrations?|migrate|alterations|schema[-_]?changes|flyway|liquibase|changelogs?|upgrades|alembic)([-_][\w.-]*)?\/|(^|\/)[\w-]*(migrations?|migrator|migrate)\.(go|py|rb|ts|js|java|sql)$|(^|\/)[\w-]+\.(migrations?|migrate)\.[cm]?[jt]s$|(^|\/)migrations?_\w+\.go$|(^|\/)V\d+(_\d+)*__[^/]+\.(sql|java|kt)$|(^|\/)(?:db|database)\/(?:[\w-]+[-_])?upgrade(?:[-_][\w-]+)?\.[cm]?[jt]s$|(^|\/)\d{8,}[-_][^/]+\.(sql|rb|py|js|ts|go)$|(^|\/)\d{4,}_[\w-]+(\.(up|down))?\.sql$|(^|\/)upgrades?\/(?:[^/]+\/)*[^/]+\.sql$|(^|\/)(?:[\w.-]*[-_])?upgrade[-_][^/]+\.sql$|(^|\/)schema\/v\d+\.[cm]?[jt]s$|(^|\/)deltas?\/\d+[\w.-]*\//i;
const SEED_PATH = /(^|\/)(seeds?|seeders?|seeding|demo|importers?|(?:sample|random|fake|dummy|demo|mock)[-_]?data|populate[-_]?(?:db|data)?|init[-_]?db|initiali[sz]e[-_]?db)(\/|\.[a-z]+$)|(^|\/)[^/]*[-_.]seed(er|s)?\.[a-z]+$|(^|\/)seed[-_][^/]+$/i;
const SCRIPT_PATH = /^(?:dev|examples?)\/|(^|\/)(code[-_]?gen(eration|erators?)?|[._]?scripts?|bin|tools|hack|contrib|management\/commands|lib\/tasks|rake|devtools|benchmarks?)\/|\.rake$|(^|\/)(Rakefile|manage\.py)$/i;
const JOB_PATH = /(^|\/)(jobs?|workers?|tasks|queues?|processors?|crons?|cronjobs?|schedul(?:er|ed|ers)|background|consumers?|subscribers?)\/|(^|\/)[^/]*(tasks\.py|_job\.rb|_worker\.rb|Job\.(java|kt|ts|js)|Worker\.(java|kt|ts|js)|Task\.(java|kt|ts|js)|[._]job\.[jt]s|[._]worker\.[jt]s|[._]task\.[jt]s|[._]processor\.[jt]s|[._]cron\.[jt]s)$/i;

/** Framework conventions seen in a file's text (first 20k characters). */
const MIGRATION_TEXT = /\bclass\s+\w+\s*\(\s*migrations\.Migration\s*\)|<\s*ActiveRecord::Migration\b|\bmodule\.exports\s*=\s*\{\s*(?:async\s+)?up\b|(?:^|\n)\s*exports\.up\s*=|\bexport\s+(?:async\s+)?function\s+up\s*\(|\bimplements\s+MigrationInterface\b|\bop\.(?:add_column|create_table)\(|(?:^|\n)from\s+alembic\s+import\s+(?:op|context)\b|(?:^|\n)down_revision\s*[:=]|\bfunc\s+(?:init\(\)\s*\{\s*goose\.|[Uu]p\w*\(\s*\w+\s+\*sql\.Tx)|(?:^|\n)(?:async\s+)?def\s+m\d{3}_\w+\s*\(\s*db\b/;
const MIGRATOR_PATH = /(^|\/)([\w.-]*[-_])?migrators?([-_][\w.-]*)?\//i;
const JOB_TEXT = /@(?:shared_task|app\.task|celery\.task|dramatiq\.actor|actor|scheduler\.(?:add|scheduled_job|task))\b|\binclude\s+Sidekiq::(?:Worker|Job)\b|<\s*(?:ApplicationJob|ActiveJob::Base)\b|@(?:Scheduled|Processor|Process|Cron)\s*\(|\bextends\s+(?:BaseProcessor|WorkerHost|BaseTask|BaseJob)\b/;
/** A Python module that imports an interactive shell's `embed` at its top level (IPython, ptpython, bpython). */
const PY_REPL_TEXT = /^from\s+(?:IPython|ptpython\.repl|bpython)\s+import\s+[^\n]*\bembed\b/m;
/** A command-line program: Python click/typer commands (`@click.command()`, `@plugins_group.command("install")` in a file importing click). */
const SCRIPT_TEXT = /^(?:import\s+(?:click|typer)\b|from\s+(?:click|typer)\s+import\b)[\s\S]*@\w+(?:\.\w+)*\.command\(/m;
/**
 * A Go command-line program's command (cobra `&cobra.Command{ Use: "import" …`, urfave/cli `&cli.Command{ Name: "import" …`):
 * an operator's one-off (import, export, convert, generate, create a key) is a script. A command meant to run again and
 * again — on a schedule (cleanup, purge, prune, sync…) — is a job; one that serves or runs the app (serve, start, worker)
 * keeps its path's context (what it starts is request code).
 */
const GO_COMMAND_TEXT = /\b(?:cobra\.Command\s*\{[^}]*?\bUse|cli\.Command\s*\{[^}]*?\bName)\s*:\s*"([\w-]+)/;
// Not `reindex`: a search index is rebuilt by an operator after an upgrade or a restore (netbox's `reindex` management
// command, kestra's `sys reindex`), a one-off.
const RECURRING_COMMAND = /^(?:clean(?:up)?|purge|prune|sweep|gc|expire|vacuum|sync|cron|schedule|tick|digest|notify|rotate)/i;
/**
 * A Java picocli command (`@CommandLine.Command(name = "migrate", …)` or `@Command(name = …)` on a class): judged by its
 * name as a Go command is. A command that starts a server (`extends AbstractServerCommand`, kestra's `executor`,
 * `webserver`…) keeps its path's context.
 */
const JAVA_COMMAND_TEXT = /@(?:CommandLine\.)?Command\(\s*(?:[^)]*?[,(\s])?name\s*=\s*"([\w-]+)"/;
const JAVA_SERVER_COMMAND = /\bclass\s+\w+\s+extends\s+\w*Server\w*Command\b/;
const SERVING_COMMAND = /^(?:serve|server|start|run|worker|daemon|watch|listen|all|public|admin|api|web|app|agent)$/i;
/** A Python module run as a program: `if __name__ == "__main__":`, or its arguments parsed (`args = parser.parse_args()`), at the top level. */
const PY_MAIN_GUARD = /^(?:if\s+__name__\s*==\s*["']__main__["']\s*:|\w+\s*=\s*\w+\.parse_args\(\s*\))/m;
const TEST_TEXT = /^\s*(?:import\s+pytest|from\s+django\.test\s+import|require\s+['"](?:rails_helper|spec_helper|test_helper)['"]|import\s+\{[^}]*\b(?:describe|it|test)\b[^}]*\}\s+from\s+['"](?:vitest|@jest\/globals|mocha)['"])/m;

/**
 * A `rotate` command that rotates keys, not logs: its name or its command's description names keys, encryption, secrets,
 * tokens, credentials, certificates or passwords (minder's `rotate-provider-tokens`, "Rotate keys and encryption
 * algorithms…": re-encrypts every token once, run by an operator). A log or partition rotation stays a recurring job.
 */
function keyRotation(command: string, head: string): boolean {
  if (!/^rotate/i.test(command)) return false;
  const at = head.indexOf(`"${command}"`);
  const near = at >= 0 ? head.slice(at, at + 600) : command;
  return /\b(?:keys?|encrypt\w*|re-?encrypt\w*|secrets?|tokens?|credentials?|certificates?|certs?|passwords?|kms)\b/i.test(`${command.replace(/-/g, ' ')} ${near}`);
}

/**
 * A Rails app's importer class (`app/importers/scenario_import.rb`, `app/services/organizations/importers/csv_import_service.rb`):
 * Rails loads `app/` as the application's code, run by the controllers and jobs that name the class (huginn's scenario
 * import from a form, Homeward Tails' CSV import job) — not seed data, though the folder is named like a seeder's. Its
 * context is its callers' (importContext.ts makes it one-off when only rake tasks or seeds name it).
 */
function railsAppImporter(p: string): boolean {
  return /\.rb$/.test(p) && /(^|\/)app\/(?:[\w-]+\/)*importers?\//.test(p) && !SEED_PATH.test(p.replace(/(^|\/)importers?\//g, '$1x/'));
}

/**
 * The path a file's kind of code is judged by (codeContextOf): relative to the root of the project it is in, posix; its own
 * path (posix) when it is not under that root. Never the absolute path's parent folders: a clone under ~/tools/ or
 * ~/tests/ made every file a script's or a test's. The editor's root is the file's workspace folder
 * (vscode/workspaceChanges contextPathOf); `pg-lens advise --file`'s is the folder it runs in, as `pg-lens scan`'s with no
 * folder given — the same file gets the same context, so the same index answer (person42 L2). Paths with `\` or `/`; a
 * Windows drive's are compared without case.
 */
export function contextPathIn(root: string | undefined, file: string): string {
  const f = file.replace(/\\/g, '/');
  if (!root) return f;
  const r = root.replace(/\\/g, '/').replace(/\/+$/, '');
  const drive = /^[a-z]:\//i.test(r);
  const under = drive ? f.toLowerCase().startsWith(`${r.toLowerCase()}/`) : f.startsWith(`${r}/`);
  return under ? f.slice(r.length + 1) : f;
}

/**
 * An `evals/` folder that is a feature of the app, not its evaluation suite: kept under a `features/` or `modules/` folder
 * (rules-z: Langfuse's `web/src/features/evals/server/router.ts`, the tRPC router of its evaluators and their executions).
 * `backend/evals/run_suite.py` or `apps/webapp/evals/` (an AI evaluation suite) stay tests.
 */
function featureEvals(p: string): string {
  return p.replace(/(^|\/)(features|modules)\/evals\//gi, '$1$2/evaluations/');
}

/** The context of a file, from its path (forward slashes) and optionally its text. */
export function codeContextOf(file: string, text?: string): CodeContext {
  const p = file.replace(/\\/g, '/');
  const head = text ? text.slice(0, 20000) : '';
  if (TEST_PATH.test(featureEvals(p)) || (head && TEST_TEXT.test(head))) return 'test';
  if ((MIGRATION_PATH.test(p) && !importerInMigrationsFolder(p, head)) || (head && MIGRATION_TEXT.test(head))) return 'migration';
  // A migrator tool's own folder (`support/v4-migrator/`, `application/migrator/`): a one-off data migration. A job folder
  // of that name (`app/jobs/account_migrator/`, a user's import from another service) is a job that runs in production.
  if (MIGRATOR_PATH.test(p) && !JOB_PATH.test(p) && !(head && JOB_TEXT.test(head))) return 'migration';
  if (SEED_PATH.test(p) && !railsAppImporter(p)) return 'seed';
  if (SCRIPT_PATH.test(p) || (head && SCRIPT_TEXT.test(head))) return 'script';
  // A developer's REPL module (`from IPython import embed` at its top, `embed()` under its main guard): its helpers are run
  // by hand from the shell, not by a request or a job (held-out-ar simple-login `shell.py`).
  if (/\.py$/.test(p) && head && PY_REPL_TEXT.test(head)) return 'script';
  // A Python program an operator runs, kept in a `commands/` or `cli/` folder (`commands/backfill_abuser_data.py`: argparse,
  // `if __name__ == "__main__":` or `args = parser.parse_args()` at the top level): a script, as a Django management command is (held-out-ar simple-login).
  if (text && /\.py$/.test(p) && /(^|\/)(commands|cli)\/[^/]+\.py$/.test(p) && PY_MAIN_GUARD.test(text)) return 'script';
  const command = p.endsWith('.go') && head ? GO_COMMAND_TEXT.exec(head)?.[1] : /\.(java|kt)$/.test(p) && head && /\bpicocli\b/.test(head) && !JAVA_SERVER_COMMAND.test(head) ? JAVA_COMMAND_TEXT.exec(head)?.[1] : undefined;
  if (command && RECURRING_COMMAND.test(command) && !keyRotation(command, head)) return 'job';
  if (command && !SERVING_COMMAND.test(command) && !JOB_PATH.test(p)) return 'script';
  // A Go program's command kept in its own file of `cmd/<program>/` (`cmd/goatcounter/db.go`: the `db` command, run by
  // an operator), when no command library names it: a script, unless the file is the program's main or serving command.
  const goCmd = p.endsWith('.go') && head && !command && /^package\s+main\b/m.test(head) ? /(?:^|\/)cmd\/[\w.-]+\/([\w-]+)\.go$/.exec(p)?.[1] : undefined;
  if (goCmd && goCmd !== 'main' && !SERVING_COMMAND.test(goCmd) && !/^(?:server?|serving|http|handlers?|routes?|router|daemon)/i.test(goCmd) && !JOB_PATH.test(p)) return RECURRING_COMMAND.test(goCmd) ? 'job' : 'script';
  if (JOB_PATH.test(p) || (head && JOB_TEXT.test(head))) return 'job';
  return 'request';
}

/**
 * A program in a `bin/` folder that starts the app's server (`bin/www`, `lib/bin/run-server.js`, a file that calls
 * `app.listen(…)` or `createServer(…)`): a script by its folder, but what it imports serves requests (rules-u: ODK
 * Central's container of query modules is imported only by its server and its operator scripts).
 */
export function isServerEntry(file: string, text?: string): boolean {
  const p = file.replace(/\\/g, '/');
  if (!/(?:^|\/)bin\/[^/]+$/.test(p)) return false;
  return SERVER_ENTRY.test(p.slice(p.lastIndexOf('/') + 1)) || (!!text && LISTENS.test(text.slice(0, 20000)));
}

/** The file name of a program that starts a server (`www`, `server.js`, `run-server.js`, `start-api`). */
const SERVER_ENTRY = /^(?:www|(?:run|start)[-_]?(?:server|api|web)|(?:api|web|http)?[-_]?server)(?:\.[cm]?[jt]s)?$/i;
/** A JavaScript program that listens: `app.listen(port)`, `http.createServer(…)`, `server.listen(…)`. */
const LISTENS = /\b(?:app|server|http|https|service)\.listen\s*\(|\bcreateServer\s*\(/;

/**
 * The context a module passes on to what it imports (importContext.ts). A command-line module known only
 * from its text (click/typer commands in `cli.py`) is often the app's entry point — it starts the server
 * and the scheduler — so what it imports keeps its own context; its own findings are still a script's.
 */
export function codeContextForImports(file: string, text?: string): CodeContext {
  const c = codeContextOf(file, text);
  return c === 'script' && !SCRIPT_PATH.test(file.replace(/\\/g, '/')) ? 'request' : c;
}

/**
 * A module whose path only looks like a migration (`services/migrations/tandoor.py`,
 * `routes/controller_migrations.py`, `lib/api/controllers/migration/importFromPocket.ts`): Django,
 * Alembic, yoyo and peewee revisions and Knex, TypeORM, Sequelize, MikroORM and node-pg-migrate files
 * are numbered or versioned (`20240101_x.ts`, `migration/v2.6.1/index.js`) or say what they are
 * (MIGRATION_TEXT, checked apart); these import another app's data on request. In TS/JS the folder
 * must sit inside the app's request code (`api/`, `controllers/`, `routes/`…; a top-level
 * `migrations/lib/` or `migration-scripts/` stays a migration), only a folder's name counts
 * (`migrate.ts` is the runner), and the module must export something. Judged only when the text is known.
 */
function importerInMigrationsFolder(p: string, head: string): boolean {
  if (!head) return false;
  const base = p.split('/').pop()!;
  if (/^(\d|v\d)/i.test(base) || /(^|\/)(alembic|versions)\//.test(p)) return false;
  // A versioned folder (`delta/33/`, `v2/`) holds revisions, not an importer.
  if (p.endsWith('.py')) return !p.split('/').slice(0, -1).some((seg) => /^(\d+|v\d[\w.]*)$/i.test(seg));
  if (!/\.[cm]?[jt]sx?$/.test(p) || !JS_EXPORTS.test(head) || JS_MIGRATION_TEXT.test(head)) return false;
  const dir = MIGRATION_DIR.exec(p);
  if (!dir || /(migrations?|migrator|migrate)\.[cm]?[jt]sx?$/i.test(base) || !REQUEST_DIR.test(p.slice(0, dir.index + 1))) return false;
  // every folder below the migrations folder is a plain name, not a version (`v2.6.1/`, `0003/`)
  return p.slice(dir.index + dir[0].length).split('/').slice(0, -1).every((seg) => !/^(\d|v\d)/i.test(seg));
}

/** The folder part of MIGRATION_PATH (`migrations/`, `db-migrate/`, `alembic/`…). */
const MIGRATION_DIR = /(^|\/)([\w.-]*[-_])?(migrations?|migrate|alterations|schema[-_]?changes|flyway|liquibase|changelogs?|upgrades|alembic)([-_][\w.-]*)?\//i;
/** Folders of request code an importer folder can sit in. */
const REQUEST_DIR = /(^|\/)(api|controllers?|routes?|handlers?|endpoints?|resolvers?|services?)\//i;
/** A TS/JS module that exports something (an importer the API calls), and the migration shapes MIGRATION_TEXT does not name. */
const JS_EXPORTS = /(?:^|\n)\s*export\s+(?:default\b|async\b|function\b|const\b|class\b|\{)|\bmodule\.exports\b/;
const JS_MIGRATION_TEXT = /\bexport\s+(?:const|let)\s+(?:up|down)\b|\bextends\s+Migration\b|\bexports\.(?:up|down)\b|\b(?:up|down)\s*:\s*(?:async\s*)?(?:function\b|\()|\bMigrationBuilder\b|\bqueryInterface\b/;

/** `migration=warning` → policy with that context's cap changed (for CLI flags and settings). */
export function parseContextPolicy(entries: readonly string[], base: ContextPolicy = DEFAULT_CONTEXT_POLICY): ContextPolicy | string {
  const out: ContextPolicy = { ...base };
  for (const e of entries) {
    const m = /^(request|job|migration|test|script|seed|all)=(error|warning|info|hint|keep)$/.exec(e.trim());
    if (!m) return `expected <context>=<error|warning|info|hint|keep> with context one of ${CODE_CONTEXTS.join(', ')}, all (got "${e}")`;
    for (const c of m[1] === 'all' ? CODE_CONTEXTS : [m[1] as CodeContext]) out[c] = m[2] as Severity | 'keep';
  }
  return out;
}

/** The finding in `context`, its severity capped as the policy caps that context (a new object). */
export function inContext(f: Finding, context: CodeContext, policy: ContextPolicy): Finding {
  const cap = policy[context];
  return { ...f, context, severity: cap !== 'keep' && SEVERITY_RANK[f.severity] > SEVERITY_RANK[cap] ? cap : f.severity };
}

/** Give each finding its context and cap its severity as the policy says (new objects, input untouched). */
export function applyContext(findings: readonly Finding[], file: string, text: string | undefined, policy: ContextPolicy = DEFAULT_CONTEXT_POLICY, known?: CodeContext): Finding[] {
  if (!findings.length) return [];
  // `known`: the context read from the file's text earlier, when the text is no longer at hand.
  const context = known ?? codeContextOf(file, text);
  return findings.map((f) => {
    // A finding whose analyzer knows when its code runs (a Jinja context processor runs for every request, wherever
    // the app declares it) keeps that context.
    return inContext(f, f.context ?? context, policy);
  });
}

/** Findings per context and severity, for summaries: { request: { warning: 3 }, migration: { info: 40 } }. */
export function countByContext(findings: readonly Finding[]): Partial<Record<CodeContext, Partial<Record<Severity, number>>>> {
  const out: Partial<Record<CodeContext, Partial<Record<Severity, number>>>> = {};
  for (const c of CODE_CONTEXTS) {
    for (const f of findings) {
      if ((f.context ?? 'request') !== c) continue;
      const row = (out[c] ??= {});
      row[f.severity] = (row[f.severity] ?? 0) + 1;
    }
  }
  return out;
}

/** "request 12 (3 warnings, 9 info), migration 40 (40 info)". */
export function describeByContext(findings: readonly Finding[]): string {
  const by = countByContext(findings);
  return CODE_CONTEXTS.filter((c) => by[c])
    .map((c) => {
      const row = by[c] ?? {};
      const total = Object.values(row).reduce((a, b) => a + (b ?? 0), 0);
      const parts = (['error', 'warning', 'info', 'hint'] as Severity[]).filter((s) => row[s]).map((s) => `${row[s]} ${s}${row[s] === 1 || s === 'info' ? '' : 's'}`);
      return `${c} ${total} (${parts.join(', ')})`;
    })
    .join(', ');
}
