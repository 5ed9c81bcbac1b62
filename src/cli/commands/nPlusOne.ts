import * as path from 'node:path';
import type { NPlusOneEvidence } from '../../core/nplusone/detect';
import { nPlusOneAnalyzer } from '../../core/nplusone/analyzer';
import { scanFiles } from '../../core/scan';
import { locate } from '../../core/output';
import { describeByContext } from '../../core/codeContext';
import { languageOf } from '../../core/languages/registry';
import { type CliCommand, type CliOption, commandArgs, commandUsage, formatOption, DB_OPTIONS, EXIT, numberOption, openDatabase, UsageError, checkFormat, FORMAT_OPTIONS, EXCLUDE_OPTIONS } from '../io';
import { DEFAULT_MANY_PER_PARENT } from '../../core/nplusone/perParent';
import { perParentSource } from '../../db/perParent';
import { outputPath, readSourceText, walkSourceFiles, type WalkStats } from '../../node/walk';
import { contextPolicyFrom, SCAN_OPTION_HELP } from './scan';
import { oneLine } from '../../core/safeText';
import { RAILS_VIEW } from '../../core/nplusone/views';
import { GRAPHQL_DOCUMENT } from '../../core/nplusone/clientDocuments';
import { JINJA_TEMPLATE } from '../../core/nplusone/jinjaViews';
import { countOf } from '../../core/format';

/**
 * Files that hold per-item database access PG Lens does not read yet (view templates rendered per
 * item, MyBatis XML mappers): counted as "not analysed" in the summary, never silently dropped.
 */
const NOT_ANALYSED = /\.(haml|slim|rabl)$|Mapper\.xml$/;

const OPTIONS: CliOption[] = [
  formatOption('text|json', 'json is an array of findings, the summary on stderr'),
  SCAN_OPTION_HELP.exclude,
  SCAN_OPTION_HELP.context,
  { flag: '--db URL', meaning: 'a database (a postgres:// URL or a libpq string) whose pg_stats judge an N+1 over one parent\'s children by rows per parent', default: 'none' },
  SCAN_OPTION_HELP.manyPerParent,
];

export const nPlusOne: CliCommand = {
  name: 'n-plus-one',
  summary: 'find database calls inside loops (N+1 queries) in TS/JS, Python, Go, Java and Ruby sources',
  usage: commandUsage('pg-lens n-plus-one <paths…> [{format}] [{exclude}]… [{context}]… [{db} [{many-per-parent}]]', OPTIONS),
  options: OPTIONS,
  async run(argv, ctx) {
    const { values, positionals } = commandArgs(argv, {
      ...FORMAT_OPTIONS,
      ...EXCLUDE_OPTIONS,
      context: { type: 'string', multiple: true, default: [] },
      ...DB_OPTIONS,
      'many-per-parent': { type: 'string' },
    });
    if (!positionals.length) throw new UsageError('give at least one file or folder');
    checkFormat(values.format, ['text', 'json']);
    const policy = contextPolicyFrom(values.context ?? []);
    const manyPerParent = numberOption(values['many-per-parent'] ?? String(DEFAULT_MANY_PER_PARENT), '--many-per-parent', 1, 1_000_000)!;
    const notAnalysed = new Map<string, number>();
    let unreadable = 0;
    const stats: WalkStats = { files: 0, skippedLarge: 0, missing: [] };
    // The same walk as pg-lens scan (.gitignore honoured, large files skipped) and the same N+1 analyzer
    // (core/nplusone/analyzer.ts: per file, across files, Rails views) through the one scan pipeline.
    const filter = (file: string) => languageOf(file) !== undefined || NOT_ANALYSED.test(file) || RAILS_VIEW.test(file.split(path.sep).join('/')) || JINJA_TEMPLATE.test(file.split(path.sep).join('/')) || GRAPHQL_DOCUMENT.test(file);
    const walked = walkSourceFiles(positionals, { cwd: ctx.cwd, exclude: values.exclude, stats, filter, log: (m) => ctx.err(m) });
    const inputs = async function* () {
      for await (const f of walked) {
        const kind = NOT_ANALYSED.exec(f.path);
        if (kind) {
          const k = kind[1] ? `.${kind[1]}` : 'MyBatis XML mappers';
          notAnalysed.set(k, (notAnalysed.get(k) ?? 0) + 1);
          continue;
        }
        const text = await readSourceText(f.path);
        if (text === undefined) unreadable++;
        else yield { path: outputPath(ctx.cwd, f.path), text };
      }
    };
    // With a database: rows per parent (pg_stats) decide an N+1 over one parent's children — a warning when many, info when few.
    const db = values.db !== undefined ? await openDatabase(values.db, ctx, { statementTimeoutMs: 15000, production: values.production, connectTimeout: values['connect-timeout'] }) : undefined;
    const perParent = db ? { source: perParentSource(db), threshold: manyPerParent, onError: (m: string) => ctx.err(`pg-lens n-plus-one: ${oneLine(m)}`) } : undefined;
    // No SQL extraction: the N+1 detector reads the syntax tree alone.
    const scan = await scanFiles(inputs(), {
      analyzers: [nPlusOneAnalyzer({ perParent })],
      contextPolicy: policy,
      keepText: true,
      extract: async () => [],
      onError: (file, m) => ctx.err(`pg-lens n-plus-one: ${oneLine(file)}: ${oneLine(m)}`),
    }).finally(() => db?.close());
    const files = scan.files;
    const results = locate(scan.findings, (f) => scan.texts.get(f))
      .map((l) => ({ file: l.finding.file ?? '', line: l.startLine, column: l.startColumn, finding: l.finding }))
      .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
    if (stats.missing.length) throw new UsageError(`no such file or folder: ${stats.missing.join(', ')}`);
    if (unreadable) notAnalysed.set('unreadable or binary', unreadable);
    if (scan.minified.length) notAnalysed.set('minified or bundled', scan.minified.length);
    const notAnalysedText = [...notAnalysed].map(([k, n]) => `${n} ${k}`).join(', ');
    const all = results.map((r) => r.finding);
    if (values.format === 'json') {
      ctx.out(JSON.stringify(results.map((r) => ({
        ruleId: r.finding.ruleId, severity: r.finding.severity, context: r.finding.context, file: r.file, line: r.line, column: r.column,
        message: r.finding.message, help: r.finding.help, evidence: r.finding.evidence,
      })), null, 2));
      ctx.err(`pg-lens n-plus-one: ${countOf(results.length, 'finding')} in ${countOf(files, 'file')}${results.length ? ` (${describeByContext(all)})` : ''}${notAnalysedText ? `; not analysed: ${notAnalysedText}` : ''}`);
    } else {
      for (const r of results) {
        const ev = r.finding.evidence as unknown as NPlusOneEvidence;
        ctx.out(`${oneLine(r.file)}:${r.line}:${r.column}  ${r.finding.severity}  ${r.finding.ruleId}${r.finding.context && r.finding.context !== 'request' ? ` [${r.finding.context}]` : ''}  ${oneLine(r.finding.message)}`);
        ctx.out(`    fix (${oneLine(ev.library)}): ${oneLine(ev.rewrite.title)}`);
      }
      if (results.length) ctx.out(`by context: ${describeByContext(all)}`);
      if (notAnalysedText) ctx.out(`not analysed: ${notAnalysedText}`);
      ctx.out(`${countOf(results.length, 'N+1 finding')} in ${countOf(files, 'file')}`);
    }
    return all.some((f) => f.severity === 'error' || f.severity === 'warning') ? EXIT.findings : EXIT.ok;
  },
};
