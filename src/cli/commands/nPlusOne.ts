import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { detectNPlusOne } from '../../core/nplusone/index';
import type { NPlusOneEvidence } from '../../core/nplusone/detect';
import { lineStarts, positionAt, type Finding } from '../../core/findings';
import { languageOf } from '../../core/syntax/treeSitter';
import { type CliCommand, EXIT, UsageError } from '../io';
import { configureTreeSitterForCli } from '../../node/treeSitterDir';
import { readSourceText, walkSourceFiles, type WalkStats } from '../../node/walk';
import { oneLine } from '../../core/safeText';

export const nPlusOne: CliCommand = {
  name: 'n-plus-one',
  summary: 'find database calls inside loops (N+1 queries) in TS/JS, Python, Go, Java and Ruby sources',
  usage: 'pg-lens n-plus-one <paths…> [--format text|json]',
  async run(argv, ctx) {
    const { values, positionals } = parseArgs({ args: argv, options: { format: { type: 'string', default: 'text' } }, allowPositionals: true, strict: true });
    if (!positionals.length) throw new UsageError('give at least one file or folder');
    if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`unknown --format ${values.format} (text or json)`);
    configureTreeSitterForCli();
    const results: { file: string; line: number; column: number; finding: Finding }[] = [];
    let files = 0;
    const stats: WalkStats = { files: 0, skippedLarge: 0, missing: [] };
    // The same walk as pg-lens scan: .gitignore honoured, large files skipped.
    for await (const f of walkSourceFiles(positionals, { cwd: ctx.cwd, stats, filter: (file) => languageOf(file) !== undefined, log: (m) => ctx.err(m) })) {
      const text = await readSourceText(f.path);
      if (text === undefined) continue;
      files++;
      const starts = lineStarts(text);
      for (const x of await detectNPlusOne(text, f.path, f.path)) {
        const pos = positionAt(starts, x.span.start);
        results.push({ file: path.relative(ctx.cwd, f.path) || f.path, line: pos.line + 1, column: pos.column + 1, finding: x });
      }
    }
    if (stats.missing.length) throw new UsageError(`no such file or folder: ${stats.missing.join(', ')}`);
    if (values.format === 'json') {
      ctx.out(JSON.stringify(results.map((r) => ({
        ruleId: r.finding.ruleId, severity: r.finding.severity, file: r.file, line: r.line, column: r.column,
        message: r.finding.message, help: r.finding.help, evidence: r.finding.evidence,
      })), null, 2));
    } else {
      for (const r of results) {
        const ev = r.finding.evidence as unknown as NPlusOneEvidence;
        ctx.out(`${oneLine(r.file)}:${r.line}:${r.column}  ${r.finding.severity}  ${r.finding.ruleId}  ${oneLine(r.finding.message)}`);
        ctx.out(`    fix (${oneLine(ev.library)}): ${oneLine(ev.rewrite.title)}`);
      }
      ctx.out(`${results.length} N+1 finding${results.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`);
    }
    return results.length ? EXIT.findings : EXIT.ok;
  },
};
