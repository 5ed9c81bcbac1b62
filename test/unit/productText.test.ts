/**
 * Product text carries no internal ticket names (person55 L-10: every cache-candidate help said "(kept across a Reload
 * Window, person53 L-8)"). The code's comments cite the people's hours that found each problem; the strings a user reads
 * — messages, helps, webview text — do not. Read from the source: a string literal on a code line (comments removed) that
 * names `personNN`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SRC = path.join(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : /\.(ts|js)$/.test(e.name) ? [path.join(dir, e.name)] : []));
}

describe('product text names no ticket (person55 L-10)', () => {
  it("no string literal of src/ names a person's hour or its finding (personNN, personNN L-n)", () => {
    const found: string[] = [];
    for (const file of sourceFiles(SRC)) {
      // Block comments out (kept line count), then each line's // comment.
      const text = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
      text.split('\n').forEach((line, i) => {
        // A code line's own comment starts at `//` not inside a URL (`https://`); what remains is code and its strings,
        // where no identifier is named personNN: any such name there is in a string.
        const at = line.search(/(^|[^:])\/\//);
        const code = at < 0 ? line : line.slice(0, at + 1);
        if (/\bperson\d+\b/i.test(code)) found.push(`${path.relative(SRC, file)}:${i + 1}: ${code.trim().slice(0, 160)}`);
      });
    }
    assert.deepEqual(found, []);
  });
});
