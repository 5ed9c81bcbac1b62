/** examples/shop/planted.json is the map the demo and the e2e tests rely on: keep it true to the code and README. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

const shop = path.join(__dirname, '..', '..', '..', 'examples', 'shop');

interface Site {
  id: string;
  file: string;
  line: number;
  loopLine?: number;
  kind: 'problem' | 'clean';
  finding?: string;
  snippet: string;
  mustNot?: string[];
}

const FINDINGS = new Set(['n-plus-one', 'missing-index', 'offset-pagination']);
const map = JSON.parse(fs.readFileSync(path.join(shop, 'planted.json'), 'utf8')) as { sites: Site[] };
const lines = (file: string) => fs.readFileSync(path.join(shop, file), 'utf8').split('\n');

describe('examples/shop map (planted.json)', () => {
  it('has problems of every kind and clean sites', () => {
    const kinds = new Set(map.sites.filter((s) => s.kind === 'problem').map((s) => s.finding));
    assert.deepEqual([...kinds].sort(), [...FINDINGS].sort());
    assert.ok(map.sites.filter((s) => s.kind === 'clean').length >= 6);
    assert.equal(new Set(map.sites.map((s) => s.id)).size, map.sites.length, 'site ids are unique');
  });

  for (const site of map.sites) {
    it(`${site.id}: ${site.file}:${site.line} holds its SQL`, () => {
      const text = lines(site.file);
      const at = text[site.line - 1] ?? '';
      assert.match(at, /['`]/, `line ${site.line} starts a string literal`);
      // The snippet is on the line itself or in the same (multi-line) literal just below it.
      const window = text.slice(site.line - 1, site.line + 6).join('\n');
      assert.ok(window.includes(site.snippet), `expected "${site.snippet}" at ${site.file}:${site.line}, found: ${at.trim()}`);
      assert.ok(/\b(SELECT|INSERT|UPDATE|DELETE|WITH)\b/.test(at), `line ${site.line} is where the SQL starts`);
      if (site.kind === 'problem') assert.ok(FINDINGS.has(site.finding!), `unknown finding ${site.finding}`);
      else assert.ok(site.mustNot?.length, 'clean sites say what they must not be flagged as');
      if (site.loopLine) assert.match(text[site.loopLine - 1], /\bfor\b/, 'loopLine is the loop');
      if (site.finding === 'n-plus-one') assert.ok(site.loopLine && site.loopLine < site.line, 'an N+1 site names its loop');
    });
  }

  it('every SQL call in the app is on the map', () => {
    const mapped = new Set(map.sites.map((s) => `${s.file}:${s.line}`));
    for (const file of fs.readdirSync(path.join(shop, 'src'))) {
      lines(`src/${file}`).forEach((l, i) => {
        if (/['`]\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/.test(l)) assert.ok(mapped.has(`src/${file}:${i + 1}`), `src/${file}:${i + 1} has SQL but is not on the map`);
      });
    }
  });

  it('README.md lists every site at its line', () => {
    const readme = fs.readFileSync(path.join(shop, 'README.md'), 'utf8');
    for (const s of map.sites) assert.ok(readme.includes(`| \`${s.id}\` | \`${s.file}:${s.line}\` |`), `README row for ${s.id} at ${s.file}:${s.line}`);
  });

  it('schema.sql leaves the planted indexes out', () => {
    const schema = fs.readFileSync(path.join(shop, 'schema.sql'), 'utf8').replace(/--.*$/gm, '');
    assert.doesNotMatch(schema, /ON\s+orders\s*(USING\s+\w+\s*)?\(\s*(customer_id|status)/i);
    assert.doesNotMatch(schema, /ON\s+reviews\s*(USING\s+\w+\s*)?\(\s*product_id/i);
    assert.doesNotMatch(schema, /lower\s*\(\s*email\s*\)/i);
    assert.doesNotMatch(schema, /ON\s+products\s+USING\s+gin\s*\(\s*attributes/i);
  });
});
