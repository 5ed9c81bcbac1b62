/**
 * After Disconnect the notice says "Reconnect in a hover": every hover PG Lens shows must then offer it (issue 20
 * item 13: the recorded line's hover had no Reconnect, only the SQL hover did). Every file of the extension that
 * registers a hover provider is checked here, as written in the source: its hover adds the not-connected line
 * (Connections.notConnectedHover, the one place that words it).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SRC = path.join(__dirname, '..', '..', '..', 'src', 'vscode');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('lint: every hover offers Reconnect while not connected', () => {
  it('each file that registers a hover provider adds the not-connected line (Connections.notConnectedHover)', () => {
    const withHover = sources(SRC).filter((f) => /registerHoverProvider\(/.test(fs.readFileSync(f, 'utf8')));
    assert.ok(withHover.length >= 3, `the hover providers are found (${withHover.map((f) => path.relative(SRC, f)).join(', ')})`);
    const without = withHover.filter((f) => !/\.notConnectedHover\(\)/.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(SRC, f));
    assert.deepEqual(without, []);
  });
});
