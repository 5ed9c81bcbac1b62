import * as path from 'node:path';
import { analyzeNPlusOne } from '../../core/nplusone/detect';
import { CrossFileCalls } from '../../core/nplusone/crossFile';
import { applySuppressions } from '../../core/suppress';
import type { NPlusOneEvidence } from '../../core/nplusone/detect';
import { lineStarts, positionAt, type Finding } from '../../core/findings';
import { applyContext, describeByContext } from '../../core/codeContext';
import { languageOf } from '../../core/languages/registry';
import { type CliCommand, commandArgs, EXIT, UsageError } from '../io';
import { configureTreeSitterForCli } from '../../node/treeSitterDir';
import { readSourceText, walkSourceFiles, type WalkStats } from '../../node/walk';
import { contextPolicyFrom } from './scan';
import { oneLine } from '../../core/safeText';
import { RAILS_VIEW, RailsViews } from '../../core/nplusone/views';
import { applyImportContexts, ImportGraph } from '../../core/importContext';

/**
 * Files that hold per-item database access PG Lens does not read yet (view templates rendered per
 * item, MyBatis XML mappers): counted as "not analysed" in the summary, never silently dropped.
 */
const NOT_ANALYSED = /\.(haml|slim|rabl)$|Mapper\.xml$/;

export const nPlusOne: CliCommand = {
  name: 'n-plus-one',
  summary: 'find database calls inside loops (N+1 queries) in TS/JS, Python, Go, Java and Ruby sources',
  usage: 'pg-lens n-plus-one <paths…> [--format text|json] [--exclude GLOB]… [--context CONTEXT=LEVEL]…',
  async run(argv, ctx) {
    const { values, positionals } = commandArgs(argv, {
      format: { type: 'string', default: 'text' },
      exclude: { type: 'string', multiple: true, default: [] },
      context: { type: 'string', multiple: true, default: [] },
    });
    if (!positionals.length) throw new UsageError('give at least one file or folder');
    if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`unknown --format ${values.format} (text or json)`);
    const policy = contextPolicyFrom(values.context ?? []);
    configureTreeSitterForCli();
    const results: { file: string; line: number; column: number; finding: Finding }[] = [];
    let files = 0;
    const notAnalysed = new Map<string, number>();
    const unreadable: string[] = [];
    const stats: WalkStats = { files: 0, skippedLarge: 0, missing: [] };
    const cross = new CrossFileCalls();
    const texts = new Map<string, string>();
    const push = (rel: string, text: string, found: Finding[]) => {
      const starts = lineStarts(text);
      for (const x of applyContext(found, rel, text, policy)) {
        const pos = positionAt(starts, x.span.start);
        results.push({ file: rel, line: pos.line + 1, column: pos.column + 1, finding: x });
      }
    };
    // The same walk as pg-lens scan: .gitignore honoured, large files skipped.
    const views = new RailsViews();
    const imports = new ImportGraph();
    const filter = (file: string) => languageOf(file) !== undefined || NOT_ANALYSED.test(file) || RAILS_VIEW.test(file.split(path.sep).join('/'));
    for await (const f of walkSourceFiles(positionals, { cwd: ctx.cwd, exclude: values.exclude, stats, filter, log: (m) => ctx.err(m) })) {
      const kind = NOT_ANALYSED.exec(f.path);
      if (kind) {
        const k = kind[1] ? `.${kind[1]}` : 'MyBatis XML mappers';
        notAnalysed.set(k, (notAnalysed.get(k) ?? 0) + 1);
        continue;
      }
      const text = await readSourceText(f.path);
      if (text === undefined) {
        unreadable.push(f.path);
        continue;
      }
      files++;
      const rel = path.relative(ctx.cwd, f.path) || f.path;
      imports.add(rel.split(path.sep).join('/'), text);
      const lang = languageOf(f.path);
      const relPosix = rel.split(path.sep).join('/');
      if (RAILS_VIEW.test(relPosix)) {
        views.addView(relPosix, text);
        texts.set(rel, text);
        continue;
      }
      if (lang === 'ruby') {
        views.addRuby(relPosix, text);
        texts.set(rel, text);
      }
      const r = await analyzeNPlusOne(text, f.path, rel);
      if (lang) cross.add(rel, lang, r.facts);
      if (r.facts.loopCalls.length) texts.set(rel, text);
      push(rel, text, r.findings);
    }
    // Calls in loops to functions of other files that query (the app's own data-access layer).
    const byFile = new Map<string, Finding[]>();
    for (const x of [...cross.findings(), ...(await views.findings())]) byFile.set(x.file ?? '', [...(byFile.get(x.file ?? '') ?? []), x]);
    for (const [rel, fs] of byFile) push(rel, texts.get(rel) ?? '', applySuppressions(texts.get(rel) ?? '', fs));
    // A module that only one-off code imports (a management command, a seed) runs where they run.
    const reached = imports.contexts();
    for (const r of results) {
      const posix = r.file.split(path.sep).join('/');
      if (reached.has(posix)) r.finding = applyImportContexts([{ ...r.finding, file: posix }], reached, policy)[0];
    }
    results.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
    if (stats.missing.length) throw new UsageError(`no such file or folder: ${stats.missing.join(', ')}`);
    if (unreadable.length) notAnalysed.set('unreadable or binary', unreadable.length);
    const notAnalysedText = [...notAnalysed].map(([k, n]) => `${n} ${k}`).join(', ');
    const all = results.map((r) => r.finding);
    if (values.format === 'json') {
      ctx.out(JSON.stringify(results.map((r) => ({
        ruleId: r.finding.ruleId, severity: r.finding.severity, context: r.finding.context, file: r.file, line: r.line, column: r.column,
        message: r.finding.message, help: r.finding.help, evidence: r.finding.evidence,
      })), null, 2));
      ctx.err(`pg-lens n-plus-one: ${results.length} finding${results.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}${results.length ? ` (${describeByContext(all)})` : ''}${notAnalysedText ? `; not analysed: ${notAnalysedText}` : ''}`);
    } else {
      for (const r of results) {
        const ev = r.finding.evidence as unknown as NPlusOneEvidence;
        ctx.out(`${oneLine(r.file)}:${r.line}:${r.column}  ${r.finding.severity}  ${r.finding.ruleId}${r.finding.context && r.finding.context !== 'request' ? ` [${r.finding.context}]` : ''}  ${oneLine(r.finding.message)}`);
        ctx.out(`    fix (${oneLine(ev.library)}): ${oneLine(ev.rewrite.title)}`);
      }
      if (results.length) ctx.out(`by context: ${describeByContext(all)}`);
      if (notAnalysedText) ctx.out(`not analysed: ${notAnalysedText}`);
      ctx.out(`${results.length} N+1 finding${results.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`);
    }
    return all.some((f) => f.severity === 'error' || f.severity === 'warning') ? EXIT.findings : EXIT.ok;
  },
};
