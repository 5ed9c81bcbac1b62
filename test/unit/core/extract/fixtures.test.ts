import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractSqlSitesDetailed } from '../../../../src/core/extract/index';
import type { SqlSite } from '../../../../src/core/extract/types';
import { describeSite, FIXTURE_ROOT, listFixtures, type ExpectedSite } from '../../support/extractFixtures';

/**
 * Every SQL character maps to the file: verbatim characters to themselves; a `$n` to the start
 * of the placeholder or expression it replaced; a character decoded from an escape sequence to
 * the backslash that starts it.
 */
export function assertSourceMap(text: string, site: SqlSite): void {
  assert.equal(site.sourceMap.length, site.sql.length, 'one file offset per SQL character');
  const paramStarts = new Set(site.params.map((p) => p.span.start));
  for (let i = 0; i < site.sql.length; i++) {
    const o = site.sourceMap[i];
    assert.ok(o >= 0 && o < text.length, `offset ${o} of char ${i} inside the file`);
    if (text[o] === site.sql[i]) continue;
    if (paramStarts.has(o)) continue;
    assert.equal(text[o], '\\', `SQL char ${i} ${JSON.stringify(site.sql[i])} maps to ${JSON.stringify(text.slice(o, o + 10))}: neither verbatim, a parameter nor an escape`);
  }
  for (const p of site.params) assert.equal(text.slice(p.span.start, p.span.end), p.source, `param $${p.index} source text`);
}

describe('core/extract fixtures (exact SQL, spans, parameters, source maps)', () => {
  const fixtures = listFixtures();
  it('has fixtures for every language', () => {
    const langs = new Set(fixtures.map((f) => path.relative(FIXTURE_ROOT, f).split(path.sep)[0]));
    for (const l of ['typescript', 'javascript', 'tsx', 'python', 'go', 'java', 'ruby', 'sql', 'negative']) assert.ok(langs.has(l), l);
  });
  for (const f of fixtures) {
    const rel = path.relative(FIXTURE_ROOT, f);
    it(rel, async () => {
      const text = fs.readFileSync(f, 'utf8');
      const expected = JSON.parse(fs.readFileSync(f + '.json', 'utf8')) as ExpectedSite[];
      const r = await extractSqlSitesDetailed(text, f, rel);
      if (!rel.startsWith('negative')) assert.equal(r.reason, undefined);
      const got = r.sites.map((s) => describeSite(text, s));
      assert.deepEqual(got, expected);
      for (const s of r.sites) {
        assertSourceMap(text, s);
        assert.equal(s.file, rel);
      }
      if (rel.startsWith('negative')) assert.equal(r.sites.length, 0, 'negative fixtures hold no SQL');
    });
  }
});
