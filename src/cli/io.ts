/** Small shared pieces of the CLI: output, exit codes, connection from --db / environment. */
import { ENVIRONMENTS, parseConnectionString, type ConnectionProfile } from '../core/connection/profile';
import { isEnvironment, looksLikeProduction } from '../core/connection/settings';
import { errorMessage, oneLine } from '../core/safeText';
import { fileStatements, type FileStatement } from '../core/extract/fileStatements';
import { LIMITS } from '../core/limits';
import { readRegularFile } from '../node/readFile';
import { connectionFromPgEnv, choosePassword } from '../core/connection/detect';
import { connect, type Database } from '../db/database';
import { pgpassPassword } from '../db/pgpass';
import { DEFAULT_MIN_REDUCTION } from '../db/advisor';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const EXIT = { ok: 0, findings: 1, usage: 2, failure: 3 } as const;

/** A usage error when none of the given paths exists (a mistyped path in CI must not pass green); some missing is a line each from the walk. */
export function requireSomePath(paths: readonly string[], cwd: string): void {
  if (paths.length && !paths.some((p) => fs.existsSync(path.resolve(cwd, p)))) throw new UsageError(`no such file or folder: ${paths.map(oneLine).join(', ')}`);
}

export class UsageError extends Error {
  /** `option`: the option given without its value — the message says what it takes, in one line, without the whole usage line. */
  constructor(message: string, readonly option?: string) {
    super(message);
  }
}

/**
 * A command's arguments: its options (strict: an unknown or malformed one is a usage error, see
 * main.ts) and its positionals (files, folders, SQL).
 */
export function commandArgs<const O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    // An option given without its value (`pg-lens scan . --db`): what it takes, in one line, not node's
    // "Option '--db <value>' argument missing" (person41).
    const m = /^Option '(?:-\w, )?--([\w-]+) <value>' argument missing/.exec(e instanceof Error ? e.message : '');
    if (m) throw new UsageError(m[1] === 'db' ? DB_VALUE_MISSING : `--${m[1]} needs a value`, m[1]);
    throw e;
  }
}

/**
 * Node's parseArgs refusal (code ERR_PARSE_ARGS_*) in our words, one line: "unknown option --frobnicate", not "Unknown
 * option '--frobnicate'. To specify a positional argument starting with a '-', place it at the end of the command after
 * '--', as in '-- "--frobnicate"" — its quote left open, and as if the option were meant as a positional (person45 L3).
 * A message of another shape is kept as it is.
 */
export function parseArgsMessage(message: string): string {
  const unknown = /^Unknown option '([^']*)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const flag = /^Option '(?:-\w, )?(--[\w-]+)' does not take an argument/.exec(message);
  if (flag) return `${flag[1]} takes no value`;
  const positional = /^Unexpected argument '([^']*)'/.exec(message);
  if (positional) return `unexpected argument ${JSON.stringify(positional[1])}: this command takes options only`;
  const missing = /^Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  return message;
}

/** What --db takes, said when it is given without a value. */
const DB_VALUE_MISSING = '--db needs a value: a connection URL (--db postgres://user@host:5432/dbname) or a libpq string (--db "host=localhost dbname=shop"); without --db, PGLENS_DATABASE_URL, DATABASE_URL or the PG* variables are used';

/**
 * A numeric option, or one UsageError line: `--timeout abc`, `--timeout ''`, `Infinity` and values
 * outside [lo, hi] are refused (never silently read as 0 or NaN, which would switch a limit off).
 */
export function numberOption(v: string | undefined, name: string, lo: number, hi: number, opts: { integer?: boolean } = {}): number | undefined {
  if (v === undefined) return undefined;
  const n = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(n) || n < lo || n > hi || (opts.integer && !Number.isInteger(n))) {
    throw new UsageError(`${name} must be ${opts.integer ? 'a whole number' : 'a number'} between ${lo} and ${hi} (got "${v}")`);
  }
  return n;
}

export interface CliContext {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Standard input as text (for `-` file arguments); defaults to the process's. */
  stdin?: () => Promise<string>;
}

export interface CliCommand {
  name: string;
  summary: string;
  /** Built from `options` by commandUsage: the usage line and the help's meanings come from one list and cannot drift. */
  usage: string;
  /** Every option of the usage line, with its meaning and default: what `pg-lens <command> --help` prints (person53 L-4). */
  options: readonly CliOption[];
  /** What the help says after the options, titled: the values an option takes from a list too long for its line (`--check`'s ids). */
  helpList?: { title: string; items: readonly string[] };
  run(argv: string[], ctx: CliContext): Promise<number>;
}

/** One option of a command, as its usage line writes it and its help explains it. */
export interface CliOption {
  /** The option and its value as the usage line writes them: `--db URL`, `--fail-on error|warning|info|never`, `--verbose`. */
  flag: string;
  /** What it does, in a line (its help wraps it). */
  meaning: string;
  /** Its default, where it has one: `error`, `15 s`. */
  default?: string;
}

/** An option's name: `fail-on` of `--fail-on error|warning|info|never`. */
export function optionName(o: Pick<CliOption, 'flag'>): string {
  return /^--([\w-]+)/.exec(o.flag)?.[1] ?? o.flag;
}

/**
 * A command's usage line from its options: `template` places each by name in braces — `pg-lens scan [paths…] [{db}]
 * [{exclude}]…` — and says the rest (brackets, `…`, positionals). An option the template does not place, or a name it
 * places that is no option, throws when the command is defined: an option cannot be in the usage without its meaning.
 */
export function commandUsage(template: string, options: readonly CliOption[]): string {
  const byName = new Map(options.map((o) => [optionName(o), o]));
  const placed = new Set<string>();
  const usage = template.replace(/\{([a-z][\w-]*)\}/g, (_, name: string) => {
    const o = byName.get(name);
    if (!o) throw new Error(`usage "${template}": no option named ${name}`);
    placed.add(name);
    return o.flag;
  });
  const left = [...byName.keys()].filter((n) => !placed.has(n));
  if (left.length) throw new Error(`usage "${template}" does not place ${left.map((n) => `--${n}`).join(', ')}`);
  return usage;
}

/** The options every command that talks to a database takes, as their help says them (DB_OPTIONS; docs/cli.md "The database"). */
export const DB_OPTION_HELP = {
  db: { flag: '--db URL', meaning: 'the database: a postgres:// URL or a libpq "key=value" string', default: 'PGLENS_DATABASE_URL, else DATABASE_URL, else the PG* variables' },
  connectTimeout: { flag: '--connect-timeout S', meaning: 'seconds a new connection may take', default: 'connect_timeout in the URL, else PGCONNECT_TIMEOUT, else 15' },
  production: { flag: '--production', meaning: 'a production server: read-only sessions, and no EXPLAIN ANALYZE, benchmark or real trial index', default: 'off; PGLENS_ENVIRONMENT=production sets it' },
} satisfies Record<string, CliOption>;

/** --format with the values a command takes (`text|json`) and what they print beside text, the default. */
export function formatOption(values: string, detail?: string): CliOption {
  const v = values.split('|');
  return { flag: `--format ${values}`, meaning: `the output: ${v.slice(0, -1).join(', ')} or ${v[v.length - 1]}${detail ? `; ${detail}` : ''}`, default: 'text' };
}

/** A usage error unless --format is one of `allowed` (the message names them and quotes the value on one line). */
export function checkFormat<const F extends string>(value: string | undefined, allowed: readonly F[]): asserts value is F {
  if (allowed.includes(value as F)) return;
  const names = allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}` : allowed[0];
  // A Markdown report is another command's, said where one is asked for (person55 L-4: `scan --format markdown`).
  const markdown = /^(markdown|md)$/i.test(String(value)) ? ' (a Markdown report: pg-lens report --out FILE.md)' : '';
  throw new UsageError(`--format must be ${names}, not "${oneLine(String(value))}"${markdown}`);
}

/** The --format option of every command that prints a report (parseArgs shape); checkFormat() checks the value. */
export const FORMAT_OPTIONS = {
  format: { type: 'string' as const, default: 'text' },
};

/** --exclude of every command that walks files and folders: .gitignore patterns, repeatable (parseArgs shape). */
export const EXCLUDE_OPTIONS = {
  exclude: { type: 'string' as const, multiple: true as const, default: [] as string[] },
};

/** The options every command that talks to a database takes (parseArgs shape). */
export const DB_OPTIONS = {
  db: { type: 'string' as const },
  /** The server is production: read-only sessions, and the same refusals as a production profile in the editor. */
  production: { type: 'boolean' as const, default: false },
  /** Seconds a new connection may take (else PGCONNECT_TIMEOUT, else 15): a loaded machine can need more than the default. */
  'connect-timeout': { type: 'string' as const },
};

/**
 * The environment of the CLI's connection: --production, else PGLENS_ENVIRONMENT
 * (development, staging or production), else development.
 */
function cliEnvironment(production: boolean | undefined, env: NodeJS.ProcessEnv, unset: ConnectionProfile['environment'] = 'development'): ConnectionProfile['environment'] {
  if (production) return 'production';
  const v = env.PGLENS_ENVIRONMENT;
  if (v === undefined || v === '') return unset;
  if (!isEnvironment(v)) throw new UsageError(`PGLENS_ENVIRONMENT must be one of ${ENVIRONMENTS.join(', ')} (got "${oneLine(v)}")`);
  return v;
}

/**
 * A Database from --db URL, or DATABASE_URL / PGLENS_DATABASE_URL, or libpq's PG* variables.
 * Password as libpq finds it: in the URL, then PGPASSWORD, then ~/.pgpass (PGPASSFILE).
 * Production (--production or PGLENS_ENVIRONMENT=production): sessions start read-only and every
 * writing action is refused, as for a production profile in the editor. A host that looks like
 * production without it gets a one-line hint on stderr.
 */
export async function openDatabase(dbUrl: string | undefined, ctx: CliContext, opts: { statementTimeoutMs?: number; production?: boolean; connectTimeout?: string; unsetEnvironment?: ConnectionProfile['environment'] } = {}): Promise<Database> {
  const connectTimeoutMs = connectTimeoutMsOf(opts.connectTimeout, ctx.env);
  const { profile, password, connectTimeout } = await resolveConnection(dbUrl, ctx, opts);
  // The flag wins, then connect_timeout in the connection string, then PGCONNECT_TIMEOUT (as libpq: the string over the environment).
  const fromString = opts.connectTimeout === undefined && connectTimeout !== undefined ? connectTimeoutMsOf(undefined, { PGCONNECT_TIMEOUT: connectTimeout }, 'connect_timeout') : undefined;
  return connect({ profile, password, statementTimeoutMs: opts.statementTimeoutMs ?? 30000, connectTimeoutMs: fromString ?? connectTimeoutMs, connectTimeoutHint: 'raise it with --connect-timeout <seconds> (or connect_timeout in the URL, or PGCONNECT_TIMEOUT)' });
}

/**
 * The connect timeout in ms: --connect-timeout <seconds>, else libpq's PGCONNECT_TIMEOUT (seconds; 0 or less: wait,
 * here an hour), else undefined (the default, DEFAULT_CONNECT_TIMEOUT_MS). Bad values are one usage line.
 */
export function connectTimeoutMsOf(flag: string | undefined, env: NodeJS.ProcessEnv, name = 'PGCONNECT_TIMEOUT'): number | undefined {
  if (flag !== undefined) return numberOption(flag, '--connect-timeout', 1, 3600)! * 1000;
  const v = env.PGCONNECT_TIMEOUT;
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`${name} must be a whole number of seconds (got "${oneLine(v)}")`);
  return n <= 0 ? 3_600_000 : Math.min(Math.max(n, 2), 3600) * 1000;
}

/** Where a command without --db would take its database from (resolveConnection's order), or undefined when nowhere. */
export function databaseSourceOf(env: NodeJS.ProcessEnv): string | undefined {
  if (env.PGLENS_DATABASE_URL) return 'PGLENS_DATABASE_URL';
  if (env.DATABASE_URL) return 'DATABASE_URL';
  try {
    return connectionFromPgEnv(env) ? 'the PG* variables' : undefined;
  } catch {
    return 'the PG* variables';
  }
}

/** The profile and password of --db URL (or the environment's), without connecting. */
export async function resolveConnection(dbUrl: string | undefined, ctx: CliContext, opts: { production?: boolean; unsetEnvironment?: ConnectionProfile['environment'] } = {}): Promise<{ profile: ConnectionProfile; password: string | undefined; connectTimeout?: string }> {
  const environment = cliEnvironment(opts.production, ctx.env, opts.unsetEnvironment);
  const url = dbUrl ?? ctx.env.PGLENS_DATABASE_URL ?? ctx.env.DATABASE_URL;
  let profile: ConnectionProfile;
  let given: string | undefined;
  let connectTimeout: string | undefined;
  if (url) {
    const p = parseConnectionString(url);
    profile = { ...p.profile, name: 'cli', environment } as ConnectionProfile;
    given = p.password;
    connectTimeout = p.connectTimeout;
  } else {
    const fromEnv = connectionFromPgEnv(ctx.env);
    if (!fromEnv) throw new UsageError('No database given: pass --db URL (or set DATABASE_URL or PGHOST/PGDATABASE/PGUSER).');
    profile = { ...fromEnv.profile, name: 'cli', environment };
  }
  if (environment !== 'production' && looksLikeProduction(profile.host)) {
    ctx.err(`pg-lens: the host "${oneLine(profile.host)}" looks like production; pass --production (or set PGLENS_ENVIRONMENT=production) so PG Lens treats it as read-only.`);
  }
  const { password } = choosePassword({ given, pgpassword: ctx.env.PGPASSWORD, pgpass: given || ctx.env.PGPASSWORD ? undefined : await pgpassPassword(profile, ctx.env) });
  return { profile, password, ...(connectTimeout !== undefined ? { connectTimeout } : {}) };
}

/**
 * `--file F [--line N]` of explain and advise: the file read here (regular only, bounded: node/readFile), its statements
 * picked by the one core reader (core/extract/fileStatements) — the same statements and messages for both commands. A
 * file that cannot be read, or no statement to give, is a usage error in one line.
 */
export async function readFileStatements(fileArg: string, ctx: CliContext, opts: { line?: number; one?: boolean } = {}): Promise<{ full: string; text: string; statements: FileStatement[] }> {
  const full = path.resolve(ctx.cwd, fileArg);
  let text: string;
  try {
    text = (await readRegularFile(full, LIMITS.fileBytes)).toString('utf8');
  } catch (e) {
    throw new UsageError(errorMessage(e));
  }
  const found = await fileStatements(text, full, { name: fileArg, ...opts });
  if ('error' in found) throw new UsageError(found.error);
  return { full, text, statements: found.statements };
}

/**
 * The words of the index decision's answers on the command line (core/advice/missingIndex noIndexAnswer, noIndexWhy,
 * adviceTipAnswer: "cuts the cost by less than 30%", "raise it: --max-table-size-mb"): the advisor's own default share and
 * the option that raises the size limit of a real trial index. explain, record and advise say them alike.
 */
export const CLI_INDEX_WORDS = { minCostReduction: DEFAULT_MIN_REDUCTION, sizeSetting: '--max-table-size-mb' } as const;
