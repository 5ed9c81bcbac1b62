/**
 * pg-lens record -- <command…>: run the app, its tests or a script with the capture modules loaded
 * (Node: NODE_OPTIONS=--require dist/capture.js; Python: PYTHONPATH with dist/python/sitecustomize.py),
 * then print what it sent to PostgreSQL by line of code: statements per call site, N+1s per unit of
 * work, the slowest statements; with a database (--db, or as scan takes it from the environment), plans and proved
 * index advice for the statements.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { listen } from '../../capture/listener';
import { captureAssetsIn, captureEnv, type CaptureAssets } from '../../capture/env';
import type { CaptureEvent, NoticeEvent, QueryEvent } from '../../core/record/protocol';
import { countOf } from '../../core/format';
import { summarizeParsed, type RecordSummary } from '../../core/record/aggregate';
import { readsCatalog, touchesTables } from '../../core/record/ping';
import { recordedSiteText, recordText, recordJson, recordSarif, type StatementAdvice } from '../../core/record/format';
import { recordedDecisionOrder, RECORDED_DECISION_BATCH } from '../../core/record/advice';
import { noIndexAnswer, withheldAnswer } from '../../core/advice/missingIndex';
import { readDocsPage } from '../../node/docsPages';
import { loadPgParser, normalizeSql } from '../../core/sql/statement';
import { decisionStatements, IndexDecider } from '../../db/indexDecision';
import { type CliCommand, type CliOption, CLI_INDEX_WORDS, commandUsage, DB_OPTION_HELP, formatOption, type CliContext, DB_OPTIONS, EXIT, numberOption, openDatabase, databaseSourceOf, UsageError, checkFormat } from '../io';
import { localPgEnv } from './scan';
import type { Database } from '../../db/database';
import { describeError } from '../../db/errors';
import { oneLine } from '../../core/safeText';
import { outputPath, readSourceText, walkSourceFiles } from '../../node/walk';
import { sequelizeMixins, type SequelizeMixin } from '../../core/nplusone/sequelizeModels';
import { readRegularFileSync } from '../../node/readFile';
import { extractSqlSites } from '../../core/extract/index';
import { foundStatementsOf, sameCall, type FoundStatement } from '../../core/advice/workload';

/** A recorded call site's file, for the N+1 fix to read its line (the relation it reads, how); it throws when unreadable (summarize then goes by the conventions). */
const readSource = (file: string): string | undefined => readRegularFileSync(file).toString('utf8');

const OPTIONS: CliOption[] = [
  { ...DB_OPTION_HELP.db, meaning: `the database to plan the recorded reads on and advise indexes for, the costliest ${RECORDED_DECISION_BATCH}` },
  DB_OPTION_HELP.connectTimeout,
  DB_OPTION_HELP.production,
  formatOption('text|json|sarif', 'with json and sarif the command\'s own output goes to stderr'),
  { flag: '--fail-on n-plus-one', meaning: 'exit 1 when an N+1 was recorded, for CI' },
  { flag: '--threshold N', meaning: 'calls of one statement from one call site in one unit of work that make an N+1', default: '5' },
  { flag: '--values', meaning: 'also record the parameter values, which can be personal data', default: 'off' },
];
const USAGE = commandUsage('pg-lens record [{db}] [{connect-timeout}] [{production}] [{format}] [{fail-on}] [{threshold}] [{values}] -- <command…>', OPTIONS);

/** dist/capture.js and dist/python next to the bundled CLI (or the build output when run from source). */
function assets(): CaptureAssets {
  const found = captureAssetsIn(__dirname) ?? captureAssetsIn(path.join(__dirname, '..', '..', '..', 'dist'));
  if (!found) throw new Error('the capture module (dist/capture.js) is missing: run npm run build');
  return found;
}

export const recordCommand: CliCommand = {
  name: 'record',
  summary: 'run a command (tests, a script, the app) and report the SQL it sent by line of code: N+1s per request/test, slowest statements, index advice',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, ctx) {
    const dash = argv.indexOf('--');
    if (dash < 0 || dash === argv.length - 1) throw new UsageError('give the command to run after --');
    const own = argv.slice(0, dash);
    const command = argv.slice(dash + 1);
    const { values } = parseArgs({
      args: own,
      strict: true,
      options: {
        ...DB_OPTIONS,
        format: { type: 'string', default: 'text' },
        'fail-on': { type: 'string' },
        threshold: { type: 'string' },
        values: { type: 'boolean', default: false },
      },
    });
    const format = values.format;
    checkFormat(format, ['text', 'json', 'sarif']);
    if (values['fail-on'] !== undefined && values['fail-on'] !== 'n-plus-one') throw new UsageError(`--fail-on takes n-plus-one, not "${values['fail-on']}"`);
    const threshold = numberOption(values.threshold, '--threshold', 2, 1_000_000, { integer: true });

    const events: QueryEvent[] = [];
    const notices: NoticeEvent[] = [];
    // Every event as received, for PGLENS_CAPTURE_FILE: the recording `advise --recording` and `benchmark --workload --file` read.
    const received: CaptureEvent[] = [];
    const listener = await listen((e) => {
      received.push(e);
      if (e.t === 'q') events.push(e);
      else if (e.t === 'notice') notices.push(e);
    });
    let code: number | null;
    try {
      code = await runChild(command, captureEnv(ctx.env, assets(), listener.path, { values: values.values }), ctx, format !== 'text');
      await listener.idle(2000);
    } finally {
      await listener.close();
      fs.rmSync(listener.path, { force: true });
    }
    // PGLENS_CAPTURE_FILE (person52 L-4): the capture modules write their events there when no listener takes them; under
    // record the listener takes them, so record writes what it captured there itself, one event a line, as they would.
    const captureFile = ctx.env.PGLENS_CAPTURE_FILE;
    if (captureFile) {
      const file = path.resolve(ctx.cwd, captureFile);
      try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, received.map((e) => `${JSON.stringify(e)}\n`).join(''));
        ctx.err(`pg-lens record: the recording (${countOf(events.length, 'statement')}) is in ${oneLine(captureFile)} (PGLENS_CAPTURE_FILE): pg-lens advise --recording ${oneLine(captureFile)} weighs it`);
      } catch (e) {
        ctx.err(`pg-lens record: cannot write the recording to ${oneLine(captureFile)} (PGLENS_CAPTURE_FILE): ${oneLine(describeError(e))}`);
      }
    }
    await loadPgParser();
    // The call sites' sources are parsed (tree-sitter) to tell whether an N+1's loop walks the rows of the query before it.
    // Sequelize: the associations the project's models declare, so an N+1 through a mixin is advised as that association.
    const mixins = events.some((e) => e.site?.via === 'sequelize') ? await projectSequelizeMixins(ctx.cwd) : [];
    const summary = await summarizeParsed(events, normalizeSql, { threshold }, { notices, dropped: listener.dropped(), source: readSource, sequelizeMixins: (name) => mixins.filter((m) => m.name === name) });
    const rel = (f: string) => outputPath(ctx.cwd, f);
    // The places the Index advice names (the lines the SQL starts on): the index decision names the recorded statements by
    // them too, so an index's for: line can name the others it serves as advise does (issue 20).
    const sqlPlace = await sqlPlaces(summary, rel);
    const place = recordedPlaces(summary, rel, sqlPlace);
    const advice = await adviseIfDatabase(summary, values.db, ctx, values.production, values['connect-timeout'], place);
    if (format === 'json') ctx.out(JSON.stringify(recordJson(summary, rel, advice), null, 2));
    else if (format === 'sarif') ctx.out(JSON.stringify(recordSarif(summary, rel, process.env.PGLENS_VERSION ?? '0.1.0', readDocsPage), null, 2));
    else ctx.out(recordText(summary, rel, advice, undefined, undefined, undefined, sqlPlace));
    if (code !== 0) {
      ctx.err(`pg-lens record: the command exited with ${code === null ? 'a signal' : `code ${code}`}`);
      return EXIT.failure;
    }
    return values['fail-on'] === 'n-plus-one' && summary.nPlusOne.length ? EXIT.findings : EXIT.ok;
  },
};

/**
 * A recorded call's place as scan and the editor name its statement: the line the SQL starts on (customers.ts:27), not the
 * call's (customers.ts:25) — the code's statement whose call covers the recorded line (sameCall, as the index decision
 * makes the two one place), the one with the recorded text when the call covers several. Undefined when the file cannot
 * be read or holds no such call: the call's line is said then.
 */
async function sqlPlaces(summary: RecordSummary, rel: (f: string) => string): Promise<(site: { file?: string; line?: number }, sql: string) => string | undefined> {
  const byFile = new Map<string, FoundStatement[]>();
  for (const file of new Set(summary.sites.flatMap((s) => (s.file && s.line ? [s.file] : [])))) {
    try {
      const text = readSource(file) ?? '';
      byFile.set(file, foundStatementsOf(await extractSqlSites(text, file, file), text, rel(file)));
    } catch {
      // Unreadable, or not a language PG Lens extracts: the call's line.
    }
  }
  return (site, sql) => {
    if (!site.file || !site.line) return undefined;
    const call = { source: `${rel(site.file)}:${site.line}`, recorded: { calls: 1, totalMs: 0 } };
    const covering = (byFile.get(site.file) ?? []).filter((f) => sameCall(f, call));
    const normalized = normalizeSql(sql);
    return (covering.length === 1 ? covering[0] : covering.find((f) => normalizeSql(f.sql) === normalized))?.source;
  };
}

/** The association mixins the Sequelize models under `cwd` declare (JS/TS files that declare an association, read as text). */
async function projectSequelizeMixins(cwd: string): Promise<SequelizeMixin[]> {
  const out: SequelizeMixin[] = [];
  for await (const f of walkSourceFiles([cwd], { cwd, filter: (p) => /\.[cm]?[jt]sx?$/.test(p) })) {
    const text = await readSourceText(f.path);
    if (text && /\b(belongsTo|hasOne|hasMany|belongsToMany)\s*\(/.test(text)) out.push(...sequelizeMixins(text));
  }
  return out;
}

function runChild(command: string[], env: NodeJS.ProcessEnv, ctx: CliContext, stdoutToStderr: boolean): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { cwd: ctx.cwd, env, stdio: ['inherit', stdoutToStderr ? 2 : 'inherit', 'inherit'], shell: process.platform === 'win32' });
    const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    const done = () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };
    child.on('error', (e) => {
      done();
      reject(new UsageError(`cannot run ${command[0]}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such command' : e.message}`));
    });
    child.on('exit', (c) => {
      done();
      resolve(c);
    });
  });
}

/** The line said when record has no database to advise with. */
const NO_RECORD_DATABASE = 'no database: no index advice (give --db URL, or set DATABASE_URL or PGHOST…)';

/**
 * The database as `scan` and `explain` take it: --db, else PGLENS_DATABASE_URL / DATABASE_URL, else PG* (person51 L-5:
 * with only PG* set, record gave no advice and no reason). One from the environment that is not this machine's is
 * treated as staging (no real trial index), and one that cannot be reached leaves the recording without advice, said on
 * one line, as for no database at all.
 */
async function adviseIfDatabase(summary: RecordSummary, dbUrl: string | undefined, ctx: CliContext, production: boolean, connectTimeout: string | undefined, place: (st: RecordedStatement) => string | undefined): Promise<Map<string, StatementAdvice> | undefined> {
  const fromEnv = dbUrl === undefined ? databaseSourceOf(ctx.env) : undefined;
  if (dbUrl === undefined && !fromEnv) {
    ctx.err(`pg-lens record: ${NO_RECORD_DATABASE}`);
    return undefined;
  }
  const implicitStaging = !!fromEnv && !production && !ctx.env.PGLENS_ENVIRONMENT && !localPgEnv(ctx.env);
  let db: Database;
  try {
    db = await openDatabase(dbUrl, ctx, { statementTimeoutMs: 60000, production, connectTimeout, ...(implicitStaging ? { unsetEnvironment: 'staging' as const } : {}) });
  } catch (e) {
    if (!fromEnv) throw e;
    ctx.err(`pg-lens record: no database (${fromEnv}: ${oneLine(describeError(e))}): no index advice`);
    return undefined;
  }
  if (implicitStaging) ctx.err(`pg-lens record: the database from ${fromEnv} is treated as staging: no real trial index is built on it (pass --db, or set PGLENS_ENVIRONMENT=development, to allow one; HypoPG needs neither)`);
  return adviseRecorded(summary, db, place);
}

type RecordedStatement = RecordSummary['sites'][number]['statements'][number];

/**
 * A recorded statement's place as the Index advice names it (recordText: the line its SQL starts on, else the call's),
 * where it cost the most (recordedDecisionOrder takes it there); undefined without a line of code (a connection's set-up).
 */
function recordedPlaces(summary: RecordSummary, rel: (f: string) => string, sqlPlace: (site: { file?: string; line?: number }, sql: string) => string | undefined): (st: RecordedStatement) => string | undefined {
  const siteOf = new Map<RecordedStatement, RecordSummary['sites'][number]>();
  for (const site of summary.sites) for (const st of site.statements) siteOf.set(st, site);
  return (st) => {
    const site = siteOf.get(st);
    if (!site?.file || !site.line || site.connection) return undefined;
    return sqlPlace(site, st.sql) ?? recordedSiteText(site, (f) => oneLine(rel(f))).where;
  };
}

/** Plans and proved index advice for the recorded reads (the most time-consuming first), on `db` (closed after). */
async function adviseRecorded(summary: RecordSummary, db: Database, place: (st: RecordedStatement) => string | undefined): Promise<Map<string, StatementAdvice>> {
  const out = new Map<string, StatementAdvice>();
  try {
    const info = await db.serverInfo();
    // Every recorded statement on the app's tables is weighed (recordedDecisionOrder: once each, in one order); the
    // costliest RECORDED_DECISION_BATCH are advised. Before, only those were weighed: a statement's shared index depended
    // on which others made the cut (person49 M-4, the editor's same cut).
    const { weighed } = recordedDecisionOrder(summary.sites.flatMap((s) => s.statements));
    const tabled: typeof weighed = [];
    for (const st of weighed) {
      if (!touchesTables(st.normalized)) {
        out.set(st.normalized, { suggestions: [], note: 'a session or transaction command (SET, SHOW, BEGIN…), nothing to index' });
        continue;
      }
      if (readsCatalog(st.normalized)) {
        // The library introspecting the schema (type loading, migrations): no table of the app to index.
        out.set(st.normalized, { suggestions: [], note: 'reads the system catalogs (the library loading the schema), not the app\'s tables' });
        continue;
      }
      tabled.push(st);
    }
    const toAdvise = tabled.slice(0, RECORDED_DECISION_BATCH);
    // The one index decision: the recorded reads weighed with pg_stat_statements' busiest, so a recorded
    // statement gets the index scan, advise and the editor name for it.
    const decider = new IndexDecider(db, { info, realIndexes: true, askedFor: true });
    // Each named by its place, else as "recorded" (its label then "recorded: <text>"): the decision's alsoServes labels, which
    // the for: line says as advise does — before, every recorded statement was "recorded" and record named none (issue 20).
    const sources = await decisionStatements(db, tabled.map((st) => ({ sql: st.sql, source: place(st) ?? 'recorded' })), { info });
    const decision = await decider.decide(sources.statements, { focus: toAdvise.map((st) => st.sql) });
    for (const st of toAdvise) {
      const r = decider.advice.get(st.sql);
      if (!r) {
        out.set(st.normalized, { suggestions: [], note: decider.errors.get(st.sql) ?? 'the index advisor could not look at it' });
        continue;
      }
      const d = decision.byStatement.get(st.sql);
      // Candidates nobody tried (a table above the size limit for a real trial index): said, never "no index".
      const note = r.status !== 'ok' ? r.message : d?.withheld.length ? withheldAnswer(d.withheld)
        : !d?.suggestions.length && r.notTried?.length ? noIndexAnswer(r, { ...CLI_INDEX_WORDS, sizeSetting: `pg-lens advise ${CLI_INDEX_WORDS.sizeSetting}` }) : undefined;
      const also = (ddl: string) => d?.alsoServes[ddl]?.map((l) => l.replace(/^recorded: /, ''));
      out.set(st.normalized, { costBefore: r.costBefore, suggestions: (d?.suggestions ?? []).map((s) => ({ ddl: s.ddl, costBefore: s.costBefore, costAfter: s.costAfter, summary: s.summary, planBefore: s.planBefore, ...(also(s.ddl)?.length ? { alsoServes: also(s.ddl) } : {}) })), note });
    }
  } finally {
    await db.close();
  }
  return out;
}
