import { strict as assert } from 'node:assert';
import { detectNPlusOne } from '../../../../src/core/nplusone';
import { findingLines, loadFixtures } from '../../support/nplusoneFixtures';

describe('core/nplusone fixtures (expected lines marked `expect: n-plus-one`)', () => {
  const fixtures = loadFixtures();

  it('has fixtures for every language', () => {
    const langs = new Set(fixtures.map((f) => f.name.split('/')[0]));
    for (const l of ['typescript', 'javascript', 'python', 'go', 'java', 'ruby']) assert.ok(langs.has(l), `no fixtures for ${l}`);
  });

  for (const f of fixtures) {
    it(`${f.name}: finds exactly the marked lines`, async () => {
      const findings = await detectNPlusOne(f.text, f.file, f.file);
      assert.ok(findings.every((x) => x.ruleId === 'n-plus-one' && x.file === f.file));
      assert.deepEqual(findingLines(f.text, findings), f.expected);
    });
  }
});
