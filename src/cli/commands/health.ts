import { describeProfile } from '../../core/connection/profile';
import { DEFAULT_THRESHOLDS } from '../../core/health/types';
import { countOf, formatMs } from '../../core/format';
import { healthDocsPath } from '../../core/docs';
import { docsPageLocation } from '../../node/docsPages';
import { HEALTH_CHECKS, pgBouncerOnlyFacts, runHealthChecks, securityBlindSpots, type HealthFinding, type PgBouncerFacts } from '../../core/health';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runHealth } from '../../db/health';
import { workloadAdvisedIndexes } from '../../db/workloadAdvisedIndexes';

/** The check whose fix names the index advice's index (unindexed-foreign-key). */
const FK_CHECK = 'unindexed-foreign-key';
/** The foreign keys' fix decided without the code (no paths): what it weighed, and how to weigh what the dashboard weighs. */
const FK_WITHOUT_CODE = "Decided over pg_stat_statements' busiest statements only: give the code's paths (pg-lens health . --db …) to weigh its statements too, as the dashboard weighs the workspace's — a read the traffic has not run yet may make another index the one to share.";
import { readSizes } from '../../db/stats';
import { readHistoryMarks } from '../../db/workloadFacts';
import { readRegularFileSync } from '../../node/readFile';
import { appendSnapshot, parseHistory, type HistorySnapshot } from '../../core/dashboard/history';
import { isPgBouncerConsole, readPgBouncer } from '../../db/pgbouncer';
import { type CliCommand, type CliOption, commandUsage, DB_OPTION_HELP, formatOption, type CliContext, commandArgs, EXIT, DB_OPTIONS, openDatabase, requireSomePath, resolveConnection, UsageError, checkFormat, FORMAT_OPTIONS, numberOption } from '../io';
import { progressLog, runScan, scanOptionsFrom } from './scan';
import { codeTableUsage } from './report';
import { foundStatementsOf, type FoundStatement } from '../../core/advice/workload';
import { codeContextOf } from '../../core/codeContext';
import { errorMessage, oneLine } from '../../core/safeText';

/** The JSON shape of one finding (stable: scripts depend on it). */
function findingToJson(f: HealthFinding) {
  return {
    checkId: f.checkId,
    severity: f.severity,
    category: f.category,
    message: f.message,
    objects: f.objects.map((o) => ({ kind: o.kind, ...(o.schema !== undefined ? { schema: o.schema } : {}), name: o.name, ...(o.table !== undefined ? { table: o.table } : {}) })),
    evidence: f.evidence,
    fixSql: f.fixSql,
    ...(f.help ? { help: f.help } : {}),
  };
}

const OPTIONS: CliOption[] = [
  DB_OPTION_HELP.db,
  DB_OPTION_HELP.connectTimeout,
  DB_OPTION_HELP.production,
  formatOption('text|json', 'json is an array of findings'),
  { flag: '--check ID', meaning: 'run only this check (its id, as "Checks" below lists them)', default: 'every check' },
  { flag: '--min-severity error|warning|info', meaning: 'print only findings at this severity or above', default: 'info' },
  { flag: '--history FILE', meaning: 'read a history file, the dashboard\'s format, for the trends; then add this run to it', },
  { flag: '--size-budget SIZE', meaning: 'a database size, 500GB or 2TB, for capacity-forecast to count the days to' },
  { flag: '--drop-min-stats-age-days N', meaning: 'call no index unused and offer no DROP while the statistics are younger than N days', default: '7' },
  { flag: '--pgbouncer ADMIN-URL', meaning: 'PgBouncer\'s admin console, postgres://admin@host:6432/pgbouncer, for pool-sizing' },
  { flag: '--verbose', meaning: 'list each trial index built and each proof reused on stderr, not only their count' },
];

export const health: CliCommand = {
  name: 'health',
  summary: 'run the health checks (indexes, bloat, vacuum, wraparound, sessions, replication, security, settings) and print the findings',
  usage: commandUsage('pg-lens health [paths…] [{db}] [{connect-timeout}] [{production}] [{format}] [{check}]... [{min-severity}] [{history}] [{size-budget}] [{drop-min-stats-age-days}] [{pgbouncer}] [{verbose}]', OPTIONS),
  options: OPTIONS,
  helpList: { title: 'Checks (--check ID)', items: HEALTH_CHECKS.map((c) => c.id) },
  async run(argv, ctx) {
    const { values, positionals: paths } = commandArgs(argv, {
        ...DB_OPTIONS,
        ...FORMAT_OPTIONS,
        check: { type: 'string', multiple: true },
        'min-severity': { type: 'string', default: 'info' },
        history: { type: 'string' },
        pgbouncer: { type: 'string' },
        'size-budget': { type: 'string' },
        'drop-min-stats-age-days': { type: 'string' },
        verbose: { type: 'boolean', default: false },
    });
    requireSomePath(paths, ctx.cwd);
    checkFormat(values.format, ['text', 'json']);
    const known = new Set(HEALTH_CHECKS.map((c) => c.id));
    for (const c of values.check ?? []) if (!known.has(c)) throw new UsageError(`Unknown check "${c}". Known: ${[...known].join(', ')}.`);
    const rank = { error: 0, warning: 1, info: 2 } as const;
    const min = values['min-severity'] as keyof typeof rank;
    if (!(min in rank)) throw new UsageError('--min-severity must be error, warning or info.');
    const budget = values['size-budget'] === undefined ? undefined : parseSize(values['size-budget']);
    const historyFile = values.history === undefined ? undefined : path.resolve(ctx.cwd, values.history);
    const history = historyFile ? readHistoryFile(historyFile) : undefined;
    // No DROP of an "unused" index or view on statistics younger than this (the editor's pgLens.index.dropMinStatsAgeDays).
    const dropAgeDays = values['drop-min-stats-age-days'] === undefined ? undefined : numberOption(values['drop-min-stats-age-days'], '--drop-min-stats-age-days', 0, 3650);
    const thresholds = { ...(budget ? { capacityBudgetBytes: budget } : {}), ...(dropAgeDays !== undefined ? { unusedIndexMinStatsAgeSeconds: dropAgeDays * 86400 } : {}) };
    const print = (title: string, findings: HealthFinding[], blind: { checkId: string; what: string }[], waiting: { checkId: string; what: string }[] = []) => {
      if (values.format === 'json') {
        ctx.out(JSON.stringify(findings.map(findingToJson), null, 2));
        for (const b of [...blind, ...waiting]) ctx.err(`pg-lens health: not checked (${b.checkId}): ${b.what}`);
      } else {
        ctx.out(`Health of ${oneLine(title)}: ${countOf(findings.length, 'finding')}`);
        for (const f of findings) {
          ctx.out('');
          // Names from the catalog are in every field: each field stays on its own line.
          ctx.out(`${f.severity.toUpperCase().padEnd(7)} ${f.checkId}: ${oneLine(f.message)}`);
          if (f.help) ctx.out(`        ${oneLine(f.help)}`);
          for (const sql of f.fixSql) ctx.out(`        fix: ${oneLine(sql)}`);
        }
        if (blind.length) {
          ctx.out('');
          ctx.out('Not checked with this role’s privileges:');
          for (const b of blind) ctx.out(`  ${b.checkId}: ${b.what}`);
        }
        if (waiting.length) {
          ctx.out('');
          ctx.out('Not checked yet:');
          for (const b of waiting) ctx.out(`  ${b.checkId}: ${b.what}`);
        }
        // Each check with findings once, with its docs page on this machine (as scan prints its rules').
        const ids = [...new Set(findings.map((f) => f.checkId))].sort();
        if (ids.length) {
          ctx.out('');
          ctx.out('read about the checks:');
          for (const id of ids) ctx.out(`    ${id}: ${oneLine(docsPageLocation(healthDocsPath(id)))}`);
        }
      }
      return findings.some((f) => f.severity !== 'info') ? EXIT.findings : EXIT.ok;
    };
    const target = await resolveConnection(values.db, ctx, { production: values.production });
    // --db at PgBouncer's admin console: only its pools can be judged (the database with --db and the console with --pgbouncer give both).
    if (isPgBouncerConsole(target.profile)) {
      const facts = pgBouncerOnlyFacts(await readPgBouncer(target.profile, target.password));
      return print(`PgBouncer at ${describeProfile(target.profile)}`, runHealthChecks(facts, thresholds, ['pool-sizing']).filter((f) => rank[f.severity] <= rank[min]), []);
    }
    let pgbouncer: PgBouncerFacts | undefined;
    if (values.pgbouncer) {
      const admin = await resolveConnection(values.pgbouncer, ctx);
      pgbouncer = await readPgBouncer(admin.profile, admin.password);
    }
    const db = await openDatabase(values.db, ctx, { statementTimeoutMs: 60000, production: values.production, connectTimeout: values['connect-timeout'] });
    try {
      // The code under the paths given, read once: its statements' tables and operations are the least-privilege role's
      // basis with the statistics (as pg-lens report's; person40 L5: `pg-lens health .` said "no code was read"), and its
      // reads weigh in the foreign keys' index advice.
      const scan = paths.length ? await runScan(scanOptionsFrom({}, paths), ctx, { keepSites: true }) : undefined;
      const code = scan ? await codeTableUsage(scan) : undefined;
      const { facts, findings: found } = await runHealth(db, { only: values.check, history, thresholds, pgbouncer, usage: code?.tables, usageApart: code?.apart });
      // An unindexed foreign key's fix names the index advice's wider index when one leads with its columns, as the
      // dashboard's does (one decision over pg_stat_statements' busiest, made only when such a key is found).
      let all = found;
      if (found.some((f) => f.checkId === FK_CHECK)) {
        // The code's statements too when paths are given: a read the traffic has not run yet still gets its index.
        const files = scan ? codeStatements(scan) : undefined;
        // As scan's: one line counting the trial builds, each listed with --verbose (person42 M1: 29 lines on stderr).
        const { log, summary } = progressLog('health', values.verbose, ctx.err);
        const advice = await workloadAdvisedIndexes(db, { files, log }).catch((e) => {
          ctx.err(`pg-lens health: no index advice for the foreign keys' fix: ${oneLine(errorMessage(e))}`);
          return undefined;
        });
        for (const line of summary()) ctx.err(line);
        if (advice && (advice.advisedIndexes.length || advice.indexAdvicePending.length)) {
          const redone = runHealthChecks({ ...facts, advisedIndexes: advice.advisedIndexes, indexAdvicePending: advice.indexAdvicePending }, thresholds, [FK_CHECK]);
          let i = 0;
          all = found.map((f) => (f.checkId === FK_CHECK ? (redone[i++] ?? f) : f));
          // Without paths the code was not weighed, where the dashboard weighs the workspace's: a read the traffic has not
          // run yet can make another index the shared one there (person41 L5: the dashboard's reviews (product_id, rating
          // DESC) against this (product_id, created_at DESC)). Said, with how to weigh the same statements.
          if (!scan) all = all.map((f) => (f.checkId === FK_CHECK && f.fixSql.length ? { ...f, help: `${f.help ?? ''} ${FK_WITHOUT_CODE}`.trim() } : f));
        }
      }
      if (historyFile) await addSnapshot(db, historyFile, history ?? [], facts.workload?.connections.total ?? 0, ctx);
      const minAge = thresholds.unusedIndexMinStatsAgeSeconds ?? DEFAULT_THRESHOLDS.unusedIndexMinStatsAgeSeconds;
      // "Never used" on young statistics means nothing: say so instead of offering a DROP.
      const young = facts.statsAgeSeconds !== null && facts.statsAgeSeconds < minAge
        ? [{ checkId: 'unused-index', what: `the statistics are ${formatMs(facts.statsAgeSeconds * 1000)} old${STATS_FROM[facts.statsAgeFrom ?? 'reset']}, younger than ${formatMs(minAge * 1000)} (--drop-min-stats-age-days): no index is called unused yet` }] : [];
      const asked = (b: { checkId: string }) => !values.check || values.check.includes(b.checkId);
      return print(describeProfile(db.profile), all.filter((f) => rank[f.severity] <= rank[min]), securityBlindSpots(facts).filter(asked), young.filter(asked));
    } finally {
      await db.close();
    }
  },
};

/** The SQL statements of the code under `paths`, each named by its place and its kind of code (as the editor's workspace reading names them). */
function codeStatements(scan: Awaited<ReturnType<typeof runScan>>): FoundStatement[] {
  const byFile = new Map<string, typeof scan.siteList>();
  for (const site of scan.siteList) {
    const list = byFile.get(site.file ?? '');
    if (list) list.push(site);
    else byFile.set(site.file ?? '', [site]);
  }
  return [...byFile].flatMap(([file, sites]) => {
    const text = scan.texts.get(file) ?? '';
    return foundStatementsOf(sites, text, file, codeContextOf(file, text));
  });
}

/** What a statistics age counts from, as said after it. */
const STATS_FROM: Record<'reset' | 'database-created' | 'server-start', string> = {
  reset: '',
  'database-created': ' (never reset: counted from the database\'s creation)',
  'server-start': ' (never reset: counted from the server\'s start)',
};

/** A history file is at most this large (the dashboard's keeps 2000 snapshots). */
const HISTORY_MAX_BYTES = 64 * 1024 * 1024;

/** The snapshots of a history file (the dashboard's format); none when it does not exist yet. */
function readHistoryFile(file: string): HistorySnapshot[] {
  if (!fs.existsSync(file)) return [];
  try {
    return parseHistory(JSON.parse(readRegularFileSync(file, HISTORY_MAX_BYTES).toString('utf8')));
  } catch (e) {
    throw new UsageError(`cannot read --history ${file}: ${errorMessage(e)}`);
  }
}

/** Add this run's snapshot (sizes, transaction ids, sequences, materialized views) to the history file: run from cron, it builds the history. */
async function addSnapshot(db: Parameters<typeof readSizes>[0], file: string, list: HistorySnapshot[], connections: number, ctx: CliContext): Promise<void> {
  const [sizes, marks] = await Promise.all([readSizes(db), readHistoryMarks(db)]);
  const snap: HistorySnapshot = { atMs: Date.now(), tps: null, connections, cacheHitRatio: null, databaseBytes: sizes.databaseBytes, tables: sizes.tables, statements: [], ...marks };
  try {
    fs.writeFileSync(file, JSON.stringify(appendSnapshot(list, snap)));
  } catch (e) {
    ctx.err(`pg-lens health: could not write --history ${file}: ${errorMessage(e)}`);
  }
}

/** "500GB", "2 TB", "750MB", "123456" (bytes) → bytes; one usage line otherwise. */
function parseSize(v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb)?\s*$/i.exec(v);
  const n = m ? Number(m[1]) * 1024 ** ['b', 'kb', 'mb', 'gb', 'tb'].indexOf((m[2] ?? 'b').toLowerCase()) : NaN;
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--size-budget must be a size such as 500GB or 2TB (got "${v}")`);
  return n;
}
