/**
 * `pg-lens sql <paths…>`: list every SQL site found in files and folders — file, line, column,
 * the API it is passed to, the SQL with $n placeholders and its parameters.
 */
import { lineStarts, positionAt } from '../../core/findings';
import { extractLanguageOf, extractSqlSitesDetailed } from '../../core/extract/index';
import type { SqlSite } from '../../core/extract/types';
import { type CliCommand, type CliOption, commandArgs, commandUsage, EXIT, formatOption, numberOption, UsageError, checkFormat, FORMAT_OPTIONS, EXCLUDE_OPTIONS } from '../io';
import { indentedBlock, oneLine } from '../../core/safeText';
import { outputPath, readSourceText, walkSourceFiles, type WalkStats } from '../../node/walk';
import { countOf } from '../../core/format';
import { unreadSqlLines } from '../../core/output';

interface SqlSiteJson {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  language: string;
  api: string;
  sql: string;
  params: { index: number; source: string; line: number; column: number }[];
  confidence: number;
  dynamic: boolean;
}

function toJson(site: SqlSite, file: string, starts: number[]): SqlSiteJson {
  const at = (o: number) => positionAt(starts, o);
  const s = at(site.span.start);
  const e = at(site.span.end);
  return {
    file, line: s.line + 1, column: s.column + 1, endLine: e.line + 1, endColumn: e.column + 1,
    language: site.language, api: site.api, sql: site.sql,
    params: site.params.map((p) => {
      const q = at(p.span.start);
      return { index: p.index, source: p.source, line: q.line + 1, column: q.column + 1 };
    }),
    confidence: site.confidence, dynamic: site.dynamic,
  };
}

const OPTIONS: CliOption[] = [
  formatOption('text|json', 'json is an array of the SQL sites'),
  { flag: '--exclude PATTERN', meaning: 'leave out files matching this .gitignore pattern, relative to each folder given' },
  { flag: '--max-file-size-kb N', meaning: 'skip files larger than N KB, counted in the summary', default: '2048' },
  { flag: '--min-confidence 0..1', meaning: 'only SQL found with at least this confidence; SQL built at run time or passed through helpers scores lower', default: '0' },
];

export const sqlCommand: CliCommand = {
  name: 'sql',
  summary: 'list the SQL found in files and folders (.sql files and SQL embedded in TS/JS, Python, Go, Java, Ruby)',
  usage: commandUsage('pg-lens sql <paths…> [{format}] [{exclude}]… [{max-file-size-kb}] [{min-confidence}]', OPTIONS),
  options: OPTIONS,
  async run(argv, ctx) {
    const { values, positionals } = commandArgs(argv, {
      ...FORMAT_OPTIONS,
      ...EXCLUDE_OPTIONS,
      'max-file-size-kb': { type: 'string', default: '2048' },
      'min-confidence': { type: 'string', default: '0' },
    });
    checkFormat(values.format, ['text', 'json']);
    if (!positionals.length) throw new UsageError('give at least one file or folder');
    const maxKb = numberOption(values['max-file-size-kb'], '--max-file-size-kb', 1, 1_000_000)!;
    const minConfidence = numberOption(values['min-confidence'], '--min-confidence', 0, 1)!;
    const stats: WalkStats = { files: 0, skippedLarge: 0, missing: [] };
    const out: SqlSiteJson[] = [];
    let filesWithSql = 0;
    let siteCount = 0;
    const unread: { at: string; runTime: boolean; otherDatabase?: string }[] = [];
    for await (const f of walkSourceFiles(positionals, { cwd: ctx.cwd, exclude: values.exclude, maxFileSizeBytes: maxKb * 1024, log: ctx.err, stats })) {
      if (!extractLanguageOf(f.path)) continue;
      const rel = outputPath(ctx.cwd, f.path);
      // Read as scan and n-plus-one read: a file that cannot be read or looks binary is skipped, and said so.
      const text = await readSourceText(f.path, maxKb * 1024);
      if (text === undefined) {
        ctx.err(`pg-lens sql: skipped ${oneLine(rel)}: unreadable or binary`);
        continue;
      }
      const r = await extractSqlSitesDetailed(text, f.path, rel);
      if (r.reason) ctx.err(`pg-lens: ${oneLine(rel)}: ${oneLine(r.reason)}`);
      // Strings that look like SQL but could not be read: one line each, and counted in the summary.
      for (const u of r.unread ?? []) {
        const at = positionAt(lineStarts(text), u.span.start);
        const place = `${oneLine(rel)}:${at.line + 1}`;
        unread.push({ at: place, runTime: !!u.runTime, otherDatabase: u.otherDatabase || undefined });
        ctx.err(`pg-lens sql: ${oneLine(rel)}:${at.line + 1}: looks like SQL but ${u.runTime ? 'is ' : ''}${oneLine(u.reason)}: not analysed`);
      }
      const sites = r.sites.filter((s) => s.confidence >= minConfidence);
      if (sites.length) filesWithSql++;
      siteCount += sites.length;
      const starts = lineStarts(text);
      for (const s of sites) {
        const j = toJson(s, rel, starts);
        if (values.format === 'json') out.push(j);
        else {
          const conf = s.confidence < 1 ? ` (confidence ${s.confidence})` : '';
          const dyn = s.dynamic ? ' [dynamic]' : '';
          ctx.out(`${oneLine(j.file)}:${j.line}:${j.column}  ${oneLine(s.api)}${conf}${dyn}`);
          ctx.out(indentedBlock(s.sql, '    '));
          // Only placeholders the code wrote another way (`?`, `:name`, `%(name)s`…): `$1 ← $1` says nothing (person51 L-7).
          const mapped = j.params.filter((p) => p.source.trim() !== `$${p.index}`);
          if (mapped.length) ctx.out('    -- ' + mapped.map((p) => `$${p.index} ← ${oneLine(p.source.replace(/\s+/g, ' ').slice(0, 60))}`).join(', '));
        }
      }
    }
    if (stats.missing.length === positionals.length) return EXIT.usage;
    if (values.format === 'json') ctx.out(JSON.stringify(out, null, 2));
    else {
      ctx.out(`${countOf(siteCount, 'SQL site')} in ${filesWithSql} of ${countOf(stats.files, 'file')}${stats.skippedLarge ? ` (${stats.skippedLarge} skipped as too large)` : ''}`);
      for (const line of unreadSqlLines(unread)) ctx.out(line);
    }
    return EXIT.ok;
  },
};
