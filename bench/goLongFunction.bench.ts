/**
 * N+1 detection on a Go file with one long function (person16: ente's cmd/museum/main.go, 1,448 lines, most of them in
 * main(), held the extension host 2–3 s in one stretch during Scan Workspace: each call's look-up read the whole
 * function's declarations again). A generated main() of 700 calls on typed locals; `ms` for the file's analysis.
 */
import { useTreeSitterFromNodeModules } from '../test/unit/support/treeSitter';
import { analyzeNPlusOne } from '../src/core/nplusone/detect';

function mainGo(calls = 700): string {
  const lines = ['package main', '', 'import (', '\t"database/sql"', '\t"example.com/app/pkg/repo"', ')', '', 'func main() {', '\tdb, _ := sql.Open("postgres", "")'];
  for (let i = 0; i < calls / 2; i++) {
    lines.push(`\tr${i} := &repo.Repository${i % 30}{DB: db}`);
    lines.push(`\tc${i} := controller.New${i % 20}(r${i}, config.Get("k${i}"))`, `\tc${i}.Start(r${i})`);
  }
  lines.push('}', '');
  return lines.join('\n');
}

export async function run(): Promise<Record<string, unknown>> {
  useTreeSitterFromNodeModules();
  const text = mainGo();
  await analyzeNPlusOne(text, 'main.go', 'main.go');
  const t = performance.now();
  const r = await analyzeNPlusOne(text, 'main.go', 'main.go');
  return { goLongFunction: { lines: text.split('\n').length, functions: r.facts.functions.length, ms: Math.round(performance.now() - t) } };
}
