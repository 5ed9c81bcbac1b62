import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { detectNPlusOne } from '../../core/nplusone/index';
import type { NPlusOneEvidence } from '../../core/nplusone/detect';
import { lineStarts, positionAt, type Finding } from '../../core/findings';
import { configureTreeSitter, languageOf } from '../../core/syntax/treeSitter';
import { type CliCommand, EXIT, UsageError } from '../io';

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'out', 'vendor', 'venv', '.venv', '__pycache__', 'target', 'coverage']);

/** Where tree-sitter's .wasm files are: next to the bundle (dist/wasm) or in node_modules (dev). */
export function treeSitterWasmDir(): string {
  const candidates = [path.join(__dirname, 'wasm'), path.join(__dirname, '..', 'wasm')];
  try {
    candidates.push(path.join(path.dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm'));
  } catch {
    // not installed: bundled use only
  }
  const dir = candidates.find((d) => fs.existsSync(path.join(d, 'tree-sitter.wasm')));
  if (!dir) throw new Error('tree-sitter grammars not found (dist/wasm): rebuild with npm run build');
  return dir;
}

function* sourceFiles(p: string): Generator<string> {
  const st = fs.statSync(p);
  if (st.isFile()) {
    if (languageOf(p)) yield p;
    return;
  }
  for (const e of fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) yield* sourceFiles(path.join(p, e.name));
    } else if (e.isFile() && languageOf(e.name)) yield path.join(p, e.name);
  }
}

export const nPlusOne: CliCommand = {
  name: 'n-plus-one',
  summary: 'find database calls inside loops (N+1 queries) in TS/JS, Python, Go, Java and Ruby sources',
  usage: 'pg-lens n-plus-one <paths…> [--format text|json]',
  async run(argv, ctx) {
    const { values, positionals } = parseArgs({ args: argv, options: { format: { type: 'string', default: 'text' } }, allowPositionals: true, strict: true });
    if (!positionals.length) throw new UsageError('give at least one file or folder');
    if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`unknown --format ${values.format} (text or json)`);
    configureTreeSitter(treeSitterWasmDir());
    const results: { file: string; line: number; column: number; finding: Finding }[] = [];
    let files = 0;
    for (const p of positionals) {
      const abs = path.resolve(ctx.cwd, p);
      if (!fs.existsSync(abs)) throw new UsageError(`no such file or folder: ${p}`);
      for (const file of sourceFiles(abs)) {
        const text = fs.readFileSync(file, 'utf8');
        files++;
        const starts = lineStarts(text);
        for (const f of await detectNPlusOne(text, file, file)) {
          const pos = positionAt(starts, f.span.start);
          results.push({ file: path.relative(ctx.cwd, file) || file, line: pos.line + 1, column: pos.column + 1, finding: f });
        }
      }
    }
    if (values.format === 'json') {
      ctx.out(JSON.stringify(results.map((r) => ({
        ruleId: r.finding.ruleId, severity: r.finding.severity, file: r.file, line: r.line, column: r.column,
        message: r.finding.message, help: r.finding.help, evidence: r.finding.evidence,
      })), null, 2));
    } else {
      for (const r of results) {
        const ev = r.finding.evidence as unknown as NPlusOneEvidence;
        ctx.out(`${r.file}:${r.line}:${r.column}  ${r.finding.severity}  ${r.finding.ruleId}  ${r.finding.message}`);
        ctx.out(`    fix (${ev.library}): ${ev.rewrite.title}`);
      }
      ctx.out(`${results.length} N+1 finding${results.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`);
    }
    return results.length ? EXIT.findings : EXIT.ok;
  },
};
