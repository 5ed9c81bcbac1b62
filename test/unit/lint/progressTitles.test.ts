/**
 * VS Code shows a progress notification as "<title>: <message>": a title that ends a sentence reads
 * "PG Lens: disconnected from shop (demo).: Hovers and CodeLens stay quiet…". Every withProgress title of
 * the extension is checked here, as written in the source.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SRC = path.join(__dirname, '..', '..', '..', 'src', 'vscode');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('lint: progress notification titles', () => {
  it('no withProgress title ends with a full stop (VS Code appends ": " and the message)', () => {
    const titles: { file: string; title: string }[] = [];
    for (const f of sources(SRC)) {
      const text = fs.readFileSync(f, 'utf8');
      for (const m of text.matchAll(/withProgress\(\s*\{[^}]*?title:\s*(['`"])((?:(?!\1).)*)\1/gs)) titles.push({ file: path.relative(SRC, f), title: m[2] });
    }
    assert.ok(titles.length >= 8, `the titles are found (${titles.length})`);
    const bad = titles.filter((t) => /\.\s*$/.test(t.title));
    assert.deepEqual(bad, []);
  });
});
