/**
 * `pg-lens scan <paths…>`: the workspace scan for the terminal and CI. Text for people, JSON for
 * scripts, SARIF 2.1.0 for code scanning; exit 1 when a finding reaches --fail-on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Severity } from '../../core/findings';
import { describeUnreadSql, formatJson, formatText, locate, toSarif } from '../../core/output';
import { countByContext, parseContextPolicy, type ContextPolicy } from '../../core/codeContext';
import { reachesLevel, scanFiles, type Analyzer, type EvidenceSource, type ScanResult } from '../../core/scan';
import { allRuleMeta } from '../../core/rules/index';
import { docsPageLocation, readDocsPage } from '../../node/docsPages';
import { codeAnalyzers } from '../../core/analyzers';
import { type CliCommand, type CliOption, commandArgs, commandUsage, DB_OPTION_HELP, formatOption, type CliContext, DB_OPTIONS, EXIT, numberOption, openDatabase, databaseSourceOf, requireSomePath, UsageError, checkFormat, FORMAT_OPTIONS, EXCLUDE_OPTIONS } from '../io';
import { readDeclaredIndexes, readMapperFragments, readProjectDialect } from '../../node/projectConfig';
import { describeOtherDialect } from '../../core/dialect';
import { missingIndexAnalyzer } from '../../db/missingIndexAnalyzer';
import { IndexDecider } from '../../db/indexDecision';
import { outputPath, readSourceText, walkSourceFiles } from '../../node/walk';
import { DbEvidence } from '../../db/ruleEvidence';
import { perParentSource } from '../../db/perParent';
import { describeError } from '../../db/errors';
import { describeProfile } from '../../core/connection/profile';
import { connectionFromPgEnv } from '../../core/connection/detect';
import { isLocalHost } from '../../core/connection/settings';
import { MISSING_INDEX_RULE } from '../../core/advice/missingIndex';
import type { Database } from '../../db/database';
import { DEFAULT_MANY_PER_PARENT } from '../../core/nplusone/perParent';
import type { NPlusOneOptions } from '../../core/nplusone/analyzer';
import { oneLine, terminalSafe, errorMessage } from '../../core/safeText';
import { LIMITS } from '../../core/limits';
import { readRegularFileSync } from '../../node/readFile';

const FAIL_ON = ['error', 'warning', 'info', 'hint', 'never'] as const;
const FORMATS = ['text', 'json', 'sarif'] as const;

export interface ScanCliOptions {
  paths: string[];
  db?: string;
  /** --connect-timeout (seconds), as given. */
  connectTimeout?: string;
  production?: boolean;
  format: (typeof FORMATS)[number];
  failOn: (typeof FAIL_ON)[number];
  exclude: string[];
  severity: Record<string, string>;
  output?: string;
  maxFileSizeKb: number;
  /** Highest severity per code context (--context migration=warning). */
  contextPolicy: ContextPolicy;
  /** With --db: rows per parent from which an N+1 over one parent's children is a warning (--many-per-parent). */
  manyPerParent?: number;
  /** --verbose: each trial index built and each proof reused, on stderr (else one line counting them). */
  verbose?: boolean;
}

/** Options about which files and rules, shared by `scan` and `report`. */
export const SCAN_FILE_OPTIONS = {
  ...EXCLUDE_OPTIONS,
  rule: { type: 'string' as const, multiple: true as const, default: [] as string[] },
  severity: { type: 'string' as const },
  'max-file-size-kb': { type: 'string' as const, default: '2048' },
  context: { type: 'string' as const, multiple: true as const, default: [] as string[] },
};

/** SCAN_FILE_OPTIONS as their help says them (scan and report; --context also n-plus-one's). */
export const SCAN_OPTION_HELP = {
  exclude: { flag: '--exclude GLOB', meaning: 'leave out files matching this .gitignore pattern, relative to each folder given' },
  rule: { flag: '--rule ID=LEVEL', meaning: 'set a rule\'s severity: error, warning, info, hint, or off to turn it off' },
  severity: { flag: '--severity FILE.json', meaning: 'severities from a JSON object of rule id → level, or a settings.json with pgLens.rules.severity' },
  context: { flag: '--context CONTEXT=LEVEL', meaning: 'the highest severity in a code context (migration, test, script, seed, job, request, all): a level, or keep (migration=warning, all=keep)', default: 'migration, test, script and seed capped at info' },
  manyPerParent: { flag: '--many-per-parent N', meaning: 'with a database: an N+1 over one parent\'s children is a warning at N or more rows per parent (pg_stats), info below', default: String(DEFAULT_MANY_PER_PARENT) },
} satisfies Record<string, CliOption>;

const OPTIONS: CliOption[] = [
  DB_OPTION_HELP.db,
  DB_OPTION_HELP.connectTimeout,
  DB_OPTION_HELP.production,
  formatOption('text|json|sarif', 'sarif is SARIF 2.1.0 for code scanning'),
  { flag: '--fail-on error|warning|info|never', meaning: 'exit 1 when a finding is at this severity or above; never: always exit 0', default: 'error' },
  SCAN_OPTION_HELP.exclude,
  SCAN_OPTION_HELP.rule,
  SCAN_OPTION_HELP.severity,
  SCAN_OPTION_HELP.context,
  SCAN_OPTION_HELP.manyPerParent,
  { flag: '--output FILE', meaning: 'write the report to FILE instead of stdout; also -o FILE' },
  { flag: '--verbose', meaning: 'list each trial index built and each proof reused on stderr, not only their count' },
];

export function parseScanArgs(argv: string[]): ScanCliOptions {
  const { values, positionals } = commandArgs(argv, {
    ...SCAN_FILE_OPTIONS,
    ...DB_OPTIONS,
    ...FORMAT_OPTIONS,
    'fail-on': { type: 'string', default: 'error' },
    'many-per-parent': { type: 'string' },
    output: { type: 'string', short: 'o' },
    verbose: { type: 'boolean', default: false },
  });
  return scanOptionsFrom(values, positionals);
}

type ScanValues = { verbose?: boolean; 'many-per-parent'?: string; context?: string[]; db?: string; 'connect-timeout'?: string; production?: boolean; format?: string; 'fail-on'?: string; exclude?: string[]; rule?: string[]; severity?: string; output?: string; 'max-file-size-kb'?: string };

/** Validate parsed scan arguments (one clear UsageError per problem). */
export function scanOptionsFrom(values: ScanValues, positionals: string[]): ScanCliOptions {
  const format = (values.format ?? 'text') as ScanCliOptions['format'];
  checkFormat(format, FORMATS);
  const failOn = (values['fail-on'] ?? 'error') as ScanCliOptions['failOn'];
  if (!FAIL_ON.includes(failOn)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')} (got "${values['fail-on']}")`);
  const severity: Record<string, string> = {};
  if (values.severity) Object.assign(severity, readSeverityFile(values.severity));
  for (const r of values.rule ?? []) {
    const m = /^([a-z0-9-]+)=(error|warning|info|hint|off)$/.exec(r);
    if (!m) throw new UsageError(`--rule takes <rule-id>=<error|warning|info|hint|off> (got "${r}")`);
    severity[m[1]] = m[2];
  }
  const known = new Set(allRuleMeta().map((r) => r.id));
  for (const id of Object.keys(severity)) if (!known.has(id)) throw new UsageError(`unknown rule id "${id}" (see docs/rules/README.md)`);
  const maxKb = numberOption(values['max-file-size-kb'] ?? '2048', '--max-file-size-kb', 1, 1_000_000)!;
  const contextPolicy = contextPolicyFrom(values.context ?? []);
  const manyPerParent = numberOption(values['many-per-parent'] ?? String(DEFAULT_MANY_PER_PARENT), '--many-per-parent', 1, 1_000_000)!;
  return { manyPerParent, paths: positionals.length ? positionals : ['.'], db: values.db, connectTimeout: values['connect-timeout'], production: values.production, format, failOn, exclude: values.exclude ?? [], severity, output: values.output, maxFileSizeKb: maxKb, contextPolicy, ...(values.verbose ? { verbose: true } : {}) };
}

/** --context <context>=<level|keep>, repeatable: the highest severity findings get in that context. */
export function contextPolicyFrom(entries: readonly string[]): ContextPolicy {
  const policy = parseContextPolicy(entries);
  if (typeof policy === 'string') throw new UsageError(`--context: ${policy}`);
  return policy;
}

function readSeverityFile(file: string): Record<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readRegularFileSync(file, LIMITS.smallFileBytes).toString('utf8'));
  } catch (e) {
    throw new UsageError(`--severity ${file}: ${errorMessage(e)}`);
  }
  // Accept the settings object itself, or a settings.json holding "pgLens.rules.severity".
  const obj = (raw as any)?.['pgLens.rules.severity'] ?? raw;
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new UsageError(`--severity ${file}: expected an object of rule id → level`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (!['error', 'warning', 'info', 'hint', 'off'].includes(String(v))) throw new UsageError(`--severity ${file}: "${k}" has level "${String(v)}"`);
    out[k] = String(v);
  }
  return out;
}

/** Run the scan (shared by `scan` and `report`). Analyzers beyond the rules are plugged in by the caller. */
export async function runScan(opts: ScanCliOptions, ctx: CliContext, extra: { analyzers?: Analyzer[]; evidence?: EvidenceSource; keepSites?: boolean; perParent?: NPlusOneOptions['perParent'] } = {}): Promise<ScanResult> {
  // The project's database from its configuration: no PostgreSQL advice for another dialect's SQL.
  const project = readProjectDialect(opts.paths, ctx.cwd);
  const analyzers: Analyzer[] = [
    ...codeAnalyzers({ project, declared: extra.evidence ? undefined : readDeclaredIndexes(opts.paths, ctx.cwd), evidence: extra.evidence, perParent: extra.perParent, onRuleError: (id, e) => ctx.err(`pg-lens scan: rule ${id} failed: ${errorMessage(e)}`) }),
    ...(extra.analyzers ?? []),
  ];
  const files = walkSourceFiles(opts.paths, { cwd: ctx.cwd, exclude: opts.exclude, maxFileSizeBytes: opts.maxFileSizeKb * 1024, log: (m) => ctx.err(m) });
  // Files are analysed by their path in the app scanned — one folder given: relative to it — since a path says what kind
  // of code it is (codeContext: `examples/`, `scripts/`, `tests/`…); they are printed relative to the working folder.
  // `pg-lens scan examples/shop` from this repository's root judged the whole shop a one-off script's (the demo's scan
  // showed its warnings as info).
  const base = scanBase(opts.paths, ctx.cwd);
  const relative = async function* () {
    for await (const f of files) {
      const text = await readSourceText(f.path, opts.maxFileSizeKb * 1024);
      if (text === undefined) ctx.err(`pg-lens scan: skipped ${oneLine(outputPath(ctx.cwd, f.path))}: unreadable or binary`);
      else yield { path: outputPath(base, f.path), text };
    }
  };
  const shown = (file: string) => (base === ctx.cwd ? file : outputPath(ctx.cwd, path.resolve(base, file)));
  const result = await scanFiles(relative(), { analyzers, mapperFragments: readMapperFragments(opts.paths, ctx.cwd), severity: opts.severity, contextPolicy: opts.contextPolicy, keepText: true, keepSites: extra.keepSites, onError: (file, m) => ctx.err(`pg-lens scan: ${oneLine(shown(file))}: ${oneLine(m)}`) });
  return base === ctx.cwd ? result : rebased(result, shown);
}

/** The folder a scan's files are judged from: the one folder given, else the working folder. */
function scanBase(paths: readonly string[], cwd: string): string {
  if (paths.length !== 1) return cwd;
  const dir = path.resolve(cwd, paths[0]);
  const isDir = fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
  return isDir && path.relative(cwd, dir) !== '' ? dir : cwd;
}

/** A scan's paths as `shown` names them (findings, their related places, texts, sites, errors, minified files). */
function rebased(r: ScanResult, shown: (file: string) => string): ScanResult {
  return {
    ...r,
    findings: r.findings.map((f) => ({ ...f, ...(f.file !== undefined ? { file: shown(f.file) } : {}), ...(f.related ? { related: f.related.map((x) => ('file' in x && x.file !== undefined ? { ...x, file: shown(x.file) } : x)) } : {}) })),
    texts: new Map([...r.texts].map(([k, v]) => [shown(k), v])),
    siteList: r.siteList.map((s) => (s.file !== undefined ? { ...s, file: shown(s.file) } : s)),
    errors: r.errors.map((e) => ({ ...e, file: shown(e.file) })),
    minified: r.minified.map(shown),
  };
}


/** PG* variables (no service file, no URL) that name a server on this machine. */
export function localPgEnv(env: NodeJS.ProcessEnv): boolean {
  if (env.PGLENS_DATABASE_URL || env.DATABASE_URL || env.PGSERVICE) return false;
  try {
    const c = connectionFromPgEnv(env);
    return !!c && isLocalHost(c.profile.host) && (!env.PGHOSTADDR || isLocalHost(env.PGHOSTADDR));
  } catch {
    return false;
  }
}

/**
 * Why no index advice of this scan can be proved (the advisor's rule: HypoPG installed, or a real index rolled back on a
 * development profile), or undefined when it can. `fromEnv`: the source of a database treated as staging for that reason.
 */
function whyNotVerified(db: Database, hypopg: 'ready' | 'available' | 'unavailable', fromEnv: string | undefined): string | undefined {
  if (hypopg === 'ready' || (!db.readOnly && db.profile.environment === 'development')) return undefined;
  const hypo = hypopg === 'available' ? 'HypoPG is not installed in it (CREATE EXTENSION hypopg)' : 'HypoPG is not available on the server';
  if (fromEnv) return `the database from ${fromEnv} is treated as staging (no trial index is built on it) and ${hypo}; pass --db or set PGLENS_ENVIRONMENT=development to prove it`;
  return `a ${db.readOnly ? 'read-only' : db.profile.environment} profile builds no trial index and ${hypo}`;
}

/** The files left out as built code, for the summary (`not analysed: 3 minified or bundled files`). */
function describeMinified(files: readonly string[]): string | undefined {
  return files.length ? `not analysed: ${files.length} minified or bundled file${files.length === 1 ? '' : 's'}` : undefined;
}

/** The summary's line for a scan without a database (what it leaves out, and how to give one). */
const NO_DATABASE = 'no database: static rules only (pass --db URL, or set DATABASE_URL or PGHOST…, for index advice and table sizes)';

/**
 * `database`: the database the scan read (`user@host:port/db`, "(read-only profile)" when so), or undefined for a static
 * scan. The JSON summary names it (person36 L5: `summary.database` was null with --db, so a CI log could not tell which
 * database proved the advice); the text report says it on a line of its own.
 */
function renderScan(result: ScanResult, opts: Pick<ScanCliOptions, 'format'> & { database?: string }, ctx: CliContext): string {
  const located = locate(result.findings, (f) => result.texts.get(f));
  const summary = { database: opts.database ?? NO_DATABASE, files: result.files, lines: result.lines, sites: result.sites, findings: result.findings.length, byContext: countByContext(result.findings), notAnalysedForPostgres: describeOtherDialect(result.findings) ?? null, notAnalysed: describeMinified(result.minified) ?? null, unreadSql: describeUnreadSql(located) };
  if (opts.format === 'json') return formatJson(located, summary);
  if (opts.format === 'sarif') {
    return JSON.stringify(
      toSarif(located, result.rules, {
        toolVersion: ctx.env.PGLENS_VERSION ?? '0.1.0',
        docsPage: readDocsPage,
        srcRoot: pathToFileURL(ctx.cwd.endsWith(path.sep) ? ctx.cwd : ctx.cwd + path.sep).href,
        relativeUri: (f) => f.split('/').map(encodeURIComponent).join('/'),
      }),
      null,
      2,
    );
  }
  return formatText(located, { ...summary, database: opts.database ? `database: ${opts.database}` : NO_DATABASE }, docsPageLocation);
}

/**
 * What a line the index advice logs counts as, when it is progress rather than news ("trial indexes built and rolled
 * back", "proofs reused", "real trial builds held back"), else undefined: said as it comes (an error, a skip).
 */
export function progressKind(message: string): (typeof PROGRESS_KINDS)[number] | undefined {
  if (/^index advice: built a trial index /.test(message)) return PROGRESS_KINDS[0];
  if (/^index advice: reused the proof /.test(message)) return PROGRESS_KINDS[1];
  if (/^index advice: \d+ real trial builds? held back/.test(message)) return PROGRESS_KINDS[2];
  return undefined;
}

/** The kinds of progress, in the order the counting line says them. */
const PROGRESS_KINDS = ['trial indexes built and rolled back', 'proofs reused', 'notes of real trial builds held back'] as const;

/**
 * The index advice's log for a command (`pg-lens scan`, `pg-lens health`): progress (each trial index built and rolled
 * back, each proof reused) only with --verbose, else counted on one line said after (`summary`); errors and skips always,
 * as they come. person41 read ~40 such lines before scan's report, person42 29 before health's (M1).
 */
export function progressLog(command: string, verbose: boolean | undefined, err: (line: string) => void): { log: (m: string) => void; summary: () => string[] } {
  const progress = new Map<string, number>(PROGRESS_KINDS.map((k) => [k, 0]));
  return {
    log: (m) => {
      const kind = verbose ? undefined : progressKind(m);
      if (kind) progress.set(kind, (progress.get(kind) ?? 0) + 1);
      else err(`pg-lens ${command}: ${oneLine(m)}`);
    },
    summary: () => {
      const said = [...progress].filter(([, n]) => n > 0);
      return said.length ? [`pg-lens ${command}: index advice: ${said.map(([k, n]) => `${n} ${k}`).join(', ')} (--verbose lists them)`] : [];
    },
  };
}

/**
 * The scan with a database, as `pg-lens scan --db` runs it: catalog facts for the rules, the missing-index analyzer on
 * the one index decision (IndexDecider, every statement scanned weighed with pg_stat_statements' busiest) and rows per
 * parent for the N+1 rule. `pg-lens report` runs this same pipeline (person51 M-5: its report had none of the 8
 * missing-index findings scan gave on the same database). `database`: the summary's line for it, with why the index
 * advice is not proved when so. `stagingFrom`: the source of a database treated as staging.
 */
export async function scanWithDatabase(opts: ScanCliOptions, ctx: CliContext, db: Database, how: { command: string; stagingFrom?: string; keepSites?: boolean }): Promise<{ result: ScanResult; database: string; saidAfter: () => string[] }> {
  let database = `${describeProfile(db.profile)}${db.readOnly ? ' (read-only profile)' : ''}`;
  const { log, summary } = progressLog(how.command, opts.verbose, ctx.err);
  const info = await db.serverInfo();
  const notVerified = whyNotVerified(db, info.hypopg, how.stagingFrom);
  // Every statement scanned is decided together with pg_stat_statements' busiest (the one index decision).
  const decider = new IndexDecider(db, { info, log, realIndexes: true, askedFor: true });
  // N+1 over one parent's children: rows per parent from pg_stats make it a warning (many) or info (few).
  const result = await runScan(opts, ctx, { evidence: new DbEvidence(db, { log }), analyzers: [missingIndexAnalyzer(decider, { deferred: true, workloadOnly: true })], perParent: { source: perParentSource(db), threshold: opts.manyPerParent, onError: log }, keepSites: how.keepSites });
  // Why the index advice is not proved, on the summary's database line (person39 M2: only stderr said so).
  if (notVerified && result.findings.some((f) => f.ruleId === MISSING_INDEX_RULE)) database = `${database} — index advice not verified: ${notVerified}`;
  return { result, database, saidAfter: summary };
}

export const scan: CliCommand = {
  name: 'scan',
  summary: 'find slow or risky SQL in source files (rules, with catalog facts when --db is given); text, JSON or SARIF for CI',
  usage: commandUsage('pg-lens scan [paths…] [{db}] [{connect-timeout}] [{production}] [{format}] [{fail-on}] [{exclude}]… [{rule}]… [{severity}] [{context}]… [{many-per-parent}] [{output}] [{verbose}]', OPTIONS),
  options: OPTIONS,
  async run(argv, ctx) {
    const opts = parseScanArgs(argv);
    requireSomePath(opts.paths, ctx.cwd);
    let result: ScanResult;
    // The database as explain takes it: --db, else PGLENS_DATABASE_URL / DATABASE_URL, else PG*. One from the
    // environment that cannot be reached leaves the static scan (a CI job's DATABASE_URL may name a service not up).
    const fromEnv = opts.db === undefined ? databaseSourceOf(ctx.env) : undefined;
    let db: Database | undefined;
    let database: string | undefined;
    let implicitStaging = false;
    let saidAfter: () => string[] = () => [];
    if (opts.db !== undefined || fromEnv) {
      // A database the scan was not given (a shell's or a CI job's DATABASE_URL may be production's) is a staging one
      // unless PGLENS_ENVIRONMENT says otherwise: read and planned, never a real trial index built on it. PG* variables
      // naming this machine's server (a socket, localhost, a loopback address; no service file) are a development
      // database, as the editor's profile for it is (person39 M2: the demo's terminal scan said "may help (not verified)"
      // for what the editor, on the same database, proved).
      implicitStaging = !!fromEnv && !opts.production && !ctx.env.PGLENS_ENVIRONMENT && !localPgEnv(ctx.env);
      try {
        db = await openDatabase(opts.db, ctx, { statementTimeoutMs: 15000, production: opts.production, connectTimeout: opts.connectTimeout, ...(implicitStaging ? { unsetEnvironment: 'staging' as const } : {}) });
        if (implicitStaging) ctx.err(`pg-lens scan: the database from ${fromEnv} is treated as staging: no real trial index is built on it (pass --db, or set PGLENS_ENVIRONMENT=development, to allow one; HypoPG needs neither)`);
      } catch (e) {
        if (!fromEnv) throw e;
        ctx.err(`pg-lens scan: no database (${fromEnv}: ${oneLine(describeError(e))}): static rules only`);
      }
    }
    if (db) {
      try {
        const scanned = await scanWithDatabase(opts, ctx, db, { command: 'scan', stagingFrom: fromEnv && implicitStaging ? fromEnv : undefined });
        result = scanned.result;
        database = scanned.database;
        saidAfter = scanned.saidAfter;
      } finally {
        await db.close();
      }
    } else {
      result = await runScan(opts, ctx);
    }
    for (const line of saidAfter()) ctx.err(line);
    const text = renderScan(result, { ...opts, database }, ctx);
    // A text report in a file is read in a terminal or a CI log too: the same filter as stdout.
    if (opts.output) fs.writeFileSync(path.resolve(ctx.cwd, opts.output), (opts.format === 'text' ? terminalSafe(text) : text) + '\n');
    else ctx.out(text);
    if (result.files === 0) ctx.err(`pg-lens scan: no source files found under ${opts.paths.join(', ')}`);
    return opts.failOn !== 'never' && reachesLevel(result.findings, opts.failOn as Severity) ? EXIT.findings : EXIT.ok;
  },
};
