/**
 * Add Connection asks several things in a row. Once the user has typed a connection string, a prompt that
 * closes when the focus moves drops it all without a word: the walkthrough's step pane took the focus right
 * after its "Connect a database" step ticked, and the Environment pick closed by itself. Every prompt after the
 * first keeps ignoreFocusOut, as written in the source.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promptCalls } from '../support/prompts';

const FILE = path.join(__dirname, '..', '..', '..', 'src', 'vscode', 'connectionCommands.ts');

describe('lint: Add Connection prompts', () => {
  it('every prompt after the first one keeps ignoreFocusOut', () => {
    const text = fs.readFileSync(FILE, 'utf8');
    const start = text.indexOf("reg('pgLens.addConnection'");
    const end = text.indexOf("reg('", start + 10);
    assert.ok(start >= 0 && end > start, 'the addConnection handler is found');
    const body = text.slice(start, end);
    const prompts = promptCalls(body);
    assert.ok(prompts.length >= 4, `the prompts are found (${prompts.length})`);
    const lost = prompts.slice(1).filter((p) => !/ignoreFocusOut:\s*true/.test(p));
    assert.deepEqual(lost.map((p) => p.slice(0, 120)), []);
  });
});
