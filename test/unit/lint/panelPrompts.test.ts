/**
 * Benchmark and Suggest indexes are also buttons of the plan viewer: after the click its webview takes the focus
 * back, and a prompt that closes when the focus moves closed at once — the benchmark silently did not run. Every
 * prompt of those commands keeps ignoreFocusOut, as written in the source.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promptCalls } from '../support/prompts';

const SRC = path.join(__dirname, '..', '..', '..', 'src', 'vscode');

/** The showInputBox / showQuickPick calls of a method (its text from `start` to the next method). */
function prompts(file: string, start: string): string[] {
  const text = fs.readFileSync(path.join(SRC, file), 'utf8');
  const from = text.indexOf(start);
  assert.ok(from >= 0, `${start} is found in ${file}`);
  const next = text.indexOf('\n  private async ', from + start.length);
  const to = next >= 0 ? next : text.indexOf('\n}\n', from);
  return promptCalls(text.slice(from, to));
}

describe('lint: prompts of the plan viewer buttons', () => {
  for (const [file, method, least] of [['plans/index.ts', '  private async benchmarkQuery(', 2], ['plans/index.ts', '  private async askParams(', 1], ['indexAdvice.ts', '  private async suggestCommand(', 2]] as const) {
    it(`${method.trim()} (${file}): every prompt keeps ignoreFocusOut`, () => {
      const found = prompts(file, method);
      assert.ok(found.length >= least, `the prompts are found (${found.length})`);
      assert.deepEqual(found.filter((p) => !/ignoreFocusOut:\s*true/.test(p)).map((p) => p.slice(0, 120)), []);
    });
  }
});
