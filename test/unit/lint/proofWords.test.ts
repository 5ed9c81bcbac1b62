/**
 * How an index suggestion was proved is shown in words ("proved by the planner (a real index, rolled back)"), the same
 * on every surface — person11's hour: Suggest Indexes showed the raw value "transaction" beside the CREATE INDEX, and the
 * CLI had its own wording. The words come from provedBy(); no UI field or message renders `verifiedBy` itself.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { provedBy } from '../../../src/core/advice/missingIndex';

const SRC = path.join(__dirname, '..', '..', '..', 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.ts$/.test(e.name) ? [p] : [];
  });
}

/** Places where a suggestion's verifiedBy value itself becomes text a person reads. */
function rawProofShown(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:label|description|detail|title|tooltip|message)\s*:\s*[\w.?!]*\bverifiedBy\b(?!\s*[=!]==)(?![\w(])/g,
    /\$\{\s*[\w.?!]*\bverifiedBy\s*\}/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) found.push(m[0]);
  return found;
}

describe('lint: an index proof is shown in words', () => {
  it('provedBy gives words for each proof, never the raw value', () => {
    for (const v of ['hypopg', 'transaction', 'none'] as const) {
      const words = provedBy(v);
      assert.notEqual(words, v);
      assert.match(words, /planner/);
    }
    assert.equal(provedBy('transaction'), 'proved by the planner (a real index, rolled back)');
  });

  it('the check finds the raw value where it was shown (Suggest Indexes before the fix)', () => {
    assert.deepEqual(rawProofShown("({ label: s.ddl, detail: s.summary, description: s.verifiedBy, s })"), ['description: s.verifiedBy']);
    assert.deepEqual(rawProofShown('ctx.out(`${s.summary} [${s.verifiedBy}]`)'), ['${s.verifiedBy}']);
    assert.deepEqual(rawProofShown('description: provedBy(s.verifiedBy), verifiedBy: s.verifiedBy'), []);
  });

  it('no surface in src/vscode or src/cli renders verifiedBy raw', () => {
    const bad = [...sources(path.join(SRC, 'vscode')), ...sources(path.join(SRC, 'cli'))]
      .flatMap((f) => rawProofShown(fs.readFileSync(f, 'utf8')).map((m) => `${path.relative(SRC, f)}: ${m}`));
    assert.deepEqual(bad, []);
  });
});
