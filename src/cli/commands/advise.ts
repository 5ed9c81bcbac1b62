/**
 * pg-lens advise: index suggestions proved by the planner, for one statement, the SQL of a file
 * (or the statement at --line), or the whole workload (pg_stat_statements + SQL files given).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type CliCommand, type CliOption, CLI_INDEX_WORDS, commandUsage, DB_OPTION_HELP, formatOption, commandArgs, type CliContext, EXIT, numberOption, DB_OPTIONS, openDatabase, readFileStatements, UsageError, checkFormat, FORMAT_OPTIONS } from '../io';
import type { IndexSuggestion } from '../../db/advisor';
import { decisionStatements, IndexDecider } from '../../db/indexDecision';
import { adviseWorkload } from '../../db/workload';
import { fileStatementNotWorkload, indexForLine, statementsPerIndex, workloadWeighingLines, type FoundStatement } from '../../core/advice/workload';
import { codeContextOf, contextPathIn, type CodeContext } from '../../core/codeContext';
import { loadPgParser, normalizeSql } from '../../core/sql/statement';
import { oneLine, errorMessage } from '../../core/safeText';
import { apartNote, noIndexWhy, provedBy } from '../../core/advice/missingIndex';
import { progressLog } from './scan';
import { LIMITS } from '../../core/limits';
import { readRegularFileSync } from '../../node/readFile';
import { outputPath } from '../../node/walk';
import { captureEventsOf, type QueryEvent } from '../../core/record/protocol';
import { summarize, type RecordSummary } from '../../core/record/aggregate';
import { decidedWithPhrase, recordedDecisionInput, recordedFound, recordedToWeigh } from '../../core/record/advice';
import { countOf } from '../../core/format';

const OPTIONS: CliOption[] = [
  DB_OPTION_HELP.db,
  DB_OPTION_HELP.connectTimeout,
  DB_OPTION_HELP.production,
  { flag: '--workload', meaning: 'advise for pg_stat_statements\' busiest statements (and the --file\'s) as one workload' },
  { flag: '--min-calls N', meaning: 'with --workload: weigh the statements with at least N calls in pg_stat_statements', default: '5' },
  { flag: '--recording RECORDING.jsonl', meaning: 'weigh a recording, as the editor weighs its own: the file pg-lens record writes to PGLENS_CAPTURE_FILE' },
  formatOption('text|json'),
  { flag: '--min-cost-reduction 0..1', meaning: 'suggest an index only when it cuts the estimated cost by at least this share', default: String(CLI_INDEX_WORDS.minCostReduction) },
  { flag: '--max-table-size-mb N', meaning: 'without HypoPG, build a real trial index (rolled back) only on tables up to N MB', default: '50' },
  { flag: '--trust-function FN', meaning: 'plan even though the statement reaches FN, a function owned by a less privileged role' },
  { flag: '--verbose', meaning: 'also list each trial index built, proof reused and candidate tried on stderr, and what --workload weighed' },
  { flag: '--file F', meaning: 'advise for the SQL statements of a file, not SQL given as an argument' },
  { flag: '--line N', meaning: 'with --file: only the statement whose SQL is on line N' },
];
const USAGE = commandUsage('pg-lens advise [{db}] [{connect-timeout}] [{production}] [{workload} [{min-calls}]] [{recording}]... [{format}] [{min-cost-reduction}] [{max-table-size-mb}] [{trust-function}]... [{verbose}] (SQL | {file} [{line}])', OPTIONS);

export const advise: CliCommand = {
  name: 'advise',
  summary: 'suggest indexes for a statement, a file or the workload, each proved with the planner (HypoPG or a rolled-back real index)',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, ctx) {
    const { values, positionals } = commandArgs(argv, {
      ...DB_OPTIONS,
      workload: { type: 'boolean', default: false },
      ...FORMAT_OPTIONS,
      file: { type: 'string' },
      line: { type: 'string' },
      'min-cost-reduction': { type: 'string' },
      'max-table-size-mb': { type: 'string' },
      'min-calls': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      'trust-function': { type: 'string', multiple: true },
      recording: { type: 'string', multiple: true },
    });
    const format = values.format;
    checkFormat(format, ['text', 'json']);
    const minCostReduction = numberOption(values['min-cost-reduction'], '--min-cost-reduction', 0, 1);
    const maxTableSizeMb = numberOption(values['max-table-size-mb'], '--max-table-size-mb', 0, 1e7);
    const minCalls = numberOption(values['min-calls'], '--min-calls', 1, 1e12);
    const line = values.line !== undefined ? numberOption(values.line, '--line', 1, 1e9, { integer: true }) : undefined;
    if (line !== undefined && !values.file) throw new UsageError('--line needs --file');
    const sqlArg = positionals.join(' ').trim();
    if (!values.workload && !values.file && !sqlArg) throw new UsageError('give a SQL statement, --file F or --workload');
    if (values.file && sqlArg) throw new UsageError('give either a SQL statement or --file, not both');

    const statements: AskedStatement[] = values.file ? await statementsOfFile(values.file, line, ctx) : sqlArg ? [{ sql: sqlArg, where: 'the statement given' }] : [];
    // A recording's statements, weighed as the editor weighs its own after Stop Recording (issue 20, M-4's last form).
    const recording = values.recording?.length ? await recordedStatements(values.recording, ctx) : undefined;
    // Nothing to advise on, said (person55 L-6: `advise --file orm/orders.ts` printed nothing and exited 0): an ORM's SQL
    // exists only when the app runs, which a recording captures.
    if (values.file && !statements.length && !recording && !values.workload) {
      ctx.out(`No SQL statement found in ${oneLine(values.file)}: nothing to advise on. An ORM's or query builder's calls become SQL only when the app runs — record them (pg-lens record -- <your app's command>) and give the recording with --recording.`);
      return EXIT.ok;
    }
    const db = await openDatabase(values.db, ctx, { statementTimeoutMs: 60000, production: values.production, connectTimeout: values['connect-timeout'] });
    try {
      const info = await db.serverInfo();
      // As scan's and health's: the real trial builds (no HypoPG; rolled back) and proofs reused counted on one stderr line
      // after the advice, each listed with --verbose (person43 M2: 5–7 lines for one statement, 20 for a file of 6).
      const { log, summary } = progressLog('advise', values.verbose, ctx.err);
      const opts = { info, minCostReduction, maxTableSizeMb, trustFunctions: values['trust-function'], realIndexes: true, askedFor: true, log };
      if (values.workload) {
        // The file's statements as the editor's workload advice weighs them: a one-off script's, a test's… left out, said.
        const w = await adviseWorkload(db, { ...opts, minCalls, sizeSetting: CLI_INDEX_WORDS.sizeSetting, extraStatements: [...statements.map((s) => ({ sql: s.sql, source: s.where, ...(s.dynamic ? { dynamic: true } : {}), ...(s.file ? { context: s.file.context } : {}) })), ...(recording?.statements ?? [])] });
        for (const l of summary()) ctx.err(l);
        if (format === 'json') {
          ctx.out(JSON.stringify({ suggestions: w.suggestions.map((s) => publicShape(s)) }, null, 2));
        } else {
          ctx.out(`Workload: ${w.statementsAnalysed} statements analysed (${w.fromStatStatements} from pg_stat_statements, ${w.fromFiles} from files)${w.note ? `; ${oneLine(w.note)}` : ''}`);
          if (!w.suggestions.length) ctx.out('No index would help this workload enough to be worth its cost.');
          for (const s of w.suggestions) {
            printSuggestion(ctx, s);
            ctx.out(`  helps: ${s.statements.map((x) => `${oneLine(x.label)} (${oneLine(x.share)})`).join('; ')}`);
            if (s.writeNote) ctx.out(`  writes: ${oneLine(s.writeNote)}`);
          }
          if (values.verbose || !w.suggestions.length) for (const l of workloadWeighingLines(w, '  ')) ctx.out(oneLine(l));
        }
        return EXIT.ok;
      }
      // A file's statement that is not the app's workload (a one-off script's, a test's, a seed's, a migration's, DDL): no
      // index of its own — the editor's Suggest Indexes' answer, on the same path in the app (fileStatementNotWorkload;
      // person42 L2: this proved an index for a script's statement the editor said gets none). Its text given is advised.
      const notes: string[] = [];
      const left = new Set<string>();
      await loadPgParser(); // what is DDL (notWorkload)
      for (const st of statements) {
        const why = st.file ? fileStatementNotWorkload({ sql: st.sql, source: st.file.contextPath, contextPath: st.file.contextPath, text: st.file.text }) : undefined;
        if (!why) continue;
        left.add(st.sql);
        // Left out for its file's kind of code (not for what it is: DDL, another database's SQL): its text may be weighed.
        const byFile = st.file!.context !== 'request' && st.file!.context !== 'job';
        notes.push(`${st.where}: ${why}${byFile ? ' To weigh it anyway, give its text: pg-lens advise "…".' : ''}`);
      }
      const asked = statements.filter((s) => !left.has(s.sql));
      // The one index decision: the given statements weighed with pg_stat_statements' busiest, so a
      // statement gets the index scan, the editor and the workload name for it.
      const decider = new IndexDecider(db, opts);
      // With a recording: its statements too, after the file's, as the editor's decisions weigh the code's and the recording's.
      const sources = await decisionStatements(db, [...asked.map((s) => ({ sql: s.sql, source: s.where, ...(s.file ? { context: s.file.context } : {}) })), ...(recording?.statements ?? [])], { info });
      const decision = asked.length ? await decider.decide(sources.statements, { focus: asked.map((s) => s.sql) }) : undefined;
      for (const l of summary()) ctx.err(l);
      // Each index once, with the statements it is offered for by their places and the others it serves (statementsPerIndex,
      // indexForLine: `pg-lens record`'s grouping and words), and its write cost (person50 L-B: the write line came eight
      // lines below, among the notes, and the index did not say which line it was for).
      const offered: { ddl: string; place: string; key: string; item: IndexSuggestion; others?: readonly string[] }[] = [];
      const writesOf = new Map<string, string>();
      // Statements the decision weighed apart (a one-off DELETE or UPDATE): their index is given, as asked, with the words
      // of Suggest Indexes' pick (apartNote) — before, with no caveat (person43 M1).
      const apart: { statement: string; note: string }[] = [];
      for (const st of asked) {
        const r = decider.advice.get(st.sql);
        const d = decision?.byStatement.get(st.sql);
        if (!r) continue;
        if (d?.apart && d.suggestions.length) apart.push({ statement: st.where, note: apartNote(d.apart) });
        if (r.status !== 'ok') notes.push(`${st.where}: ${r.message}`);
        // The advice's one answer (noIndexWhy): Suggest Indexes' no-pick words and the editor hover's note.
        else if (!d?.suggestions.length) notes.push(`${st.where}: ${noIndexWhy(r, d?.withheld ?? [], { ...CLI_INDEX_WORDS, minCostReduction: minCostReduction ?? CLI_INDEX_WORDS.minCostReduction })}`);
        for (const s of d?.suggestions ?? []) {
          offered.push({ ddl: s.ddl, place: st.where, key: `${st.where}\u0000${st.sql}`, item: s, others: d?.alsoServes[s.ddl] });
          // Offered though keeping it current costs a share of its saving: said, as the workload's "writes:" line (person48 H1').
          const writes = d?.writes?.[s.ddl]?.note;
          if (writes && !writesOf.has(s.ddl)) writesOf.set(s.ddl, writes);
        }
        if (values.verbose) for (const t of r.tried) ctx.err(`  tried ${oneLine(t.ddl)}: cost ${t.costAfter}, ${t.planUsesIndex ? 'used' : 'not used'}`);
      }
      const groups = statementsPerIndex(offered);
      // The first statement's suggestion of each index, in the order the statements were asked (the JSON's order as before).
      const all = groups.map((g) => offered.find((o) => o.ddl === g.ddl)!.item);
      if (format === 'json') {
        ctx.out(JSON.stringify({ suggestions: all.map(publicShape), ...(apart.length ? { apart } : {}) }, null, 2));
      } else {
        for (const a of apart) ctx.out(oneLine(`${a.statement}: ${a.note}.`));
        for (const [i, g] of groups.entries()) {
          printSuggestion(ctx, all[i]);
          ctx.out(`  ${oneLine(indexForLine(g))}`);
          const writes = writesOf.get(g.ddl);
          if (writes) ctx.out(`  writes: ${oneLine(writes)}`);
        }
        for (const n of notes) ctx.out(oneLine(n));
        // What the decision weighed, in the words the editor's Suggest Indexes and hover use: two answers are explained on the spot.
        if (decision) ctx.out(oneLine(`Index advice ${decidedWithPhrase({ code: values.file ? `${values.file}${line !== undefined ? `:${line}` : ''}'s ${countOf(asked.length, 'statement')}` : 'the statement given', recorded: recording && { statements: recording.statements.length, of: `in ${recording.files.join(', ')}` }, noRecording: noRecordingHint(ctx.cwd), busiest: sources.note ? undefined : sources.fromStatStatements })}.`));
      }
      return EXIT.ok;
    } finally {
      await db.close();
    }
  },
};

/** The JSON shape of the issue, exactly (`pg-lens explain --format json`'s `indexAdvice` says its suggestions so too). */
export function publicShape(s: IndexSuggestion): Record<string, unknown> {
  return {
    ddl: s.ddl,
    table: s.table,
    columns: s.columns,
    method: s.method,
    where: s.where,
    include: s.include,
    costBefore: s.costBefore,
    costAfter: s.costAfter,
    verifiedBy: s.verifiedBy,
    reason: s.reason,
  };
}

function printSuggestion(ctx: CliContext, s: IndexSuggestion): void {
  const how = provedBy(s.verifiedBy);
  // Table, column and index names come from the catalog and the statement: each field on its line.
  ctx.out(`${oneLine(s.summary)} [${how}]`);
  if (s.needsExtension) ctx.out(`  CREATE EXTENSION IF NOT EXISTS ${oneLine(s.needsExtension)};`);
  ctx.out(`  ${oneLine(s.ddl)};`);
  ctx.out(`  why: ${oneLine(s.reason)}`);
}

/** A statement asked about: given as text, or found in a file (`file`: its path in the app, its kind of code, its text). */
interface AskedStatement {
  sql: string;
  where: string;
  dynamic?: boolean;
  file?: { contextPath: string; context: CodeContext; text: string };
}

/**
 * The statements of a file (the one at `line`), with its path in the app and its kind of code: judged as the editor judges
 * it, from the project's root — the working folder, as `pg-lens scan` judges its files when no folder is given (core/
 * codeContext contextPathIn; run it from the project's root, the folder the editor opens).
 */
async function statementsOfFile(file: string, line: number | undefined, ctx: CliContext): Promise<AskedStatement[]> {
  const { full, text, statements } = await readFileStatements(file, ctx, { line });
  const contextPath = contextPathIn(ctx.cwd, full);
  const of = { contextPath, context: codeContextOf(contextPath, text), text };
  return statements.map((x) => ({ sql: x.site.sql, where: `${file}:${x.line}`, ...(x.site.dynamic ? { dynamic: true } : {}), file: of }));
}

/**
 * The statements of the recordings given (--recording: the JSONL the capture modules write, as `pg-lens benchmark --workload
 * --file` reads it: captureEventsOf), as the editor weighs its own recording's (core recordedToWeigh, recordedDecisionInput,
 * recordedFound: one pipeline) — each at its place, named from the folder the CLI runs in as the editor names it from the
 * workspace folder.
 */
async function recordedStatements(files: readonly string[], ctx: CliContext): Promise<{ statements: FoundStatement[]; files: string[] }> {
  const summary = await readRecordings(files, ctx);
  const { weighed } = recordedToWeigh(summary.sites, (f) => outputPath(ctx.cwd, f));
  return { statements: weighed.map((st) => recordedFound(recordedDecisionInput(st))), files: files.map((f) => outputPath(ctx.cwd, f)) };
}

/**
 * The recordings given with --recording (the JSONL `pg-lens record` writes to PGLENS_CAPTURE_FILE, the capture modules to
 * .pg-lens/), summarised by line of code as `record` and the editor summarise them: advise weighs their statements, `benchmark
 * --workload` takes from them the calls each place of the code made. Loads PostgreSQL's parser.
 */
export async function readRecordings(files: readonly string[], ctx: CliContext): Promise<RecordSummary> {
  const events: QueryEvent[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readRegularFileSync(path.resolve(ctx.cwd, file), LIMITS.smallFileBytes * 64).toString('utf8');
    } catch (e) {
      throw new UsageError(`cannot read --recording ${oneLine(file)}: ${errorMessage(e)}`);
    }
    const read = captureEventsOf(text).events.filter((e): e is QueryEvent => e.t === 'q');
    if (!read.length) throw new UsageError(`--recording ${oneLine(file)}: no recorded statement in it (the capture modules write one JSON event a line: PGLENS_CAPTURE_FILE, .pg-lens/record-<pid>.jsonl)`);
    events.push(...read);
  }
  await loadPgParser();
  return summarize(events, normalizeSql);
}

/** No recording given: where one is when the project's `.pg-lens/` holds the capture's files (read only when given: it may be old). */
function noRecordingHint(cwd: string): string {
  let held: string[] = [];
  try {
    held = fs.readdirSync(path.join(cwd, '.pg-lens')).filter((f) => f.endsWith('.jsonl'));
  } catch {
    // no .pg-lens folder
  }
  return held.length ? `.pg-lens/ holds ${countOf(held.length, 'recording file')}: --recording FILE weighs one, as the editor weighs its own` : '--recording FILE weighs one, as the editor weighs its own';
}
