/** Every registered rule has a docs page with the required sections, every other analysis' rule id a docs page, and the docs index lists every id. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRuleMeta, RULES } from '../../../../src/core/rules/index';
import { ruleDocsPath } from '../../../../src/core/docs';

const root = path.join(__dirname, '..', '..', '..', '..');
const REQUIRED = [/^## What it finds$/m, /^## Why it matters$/m, /^## How to fix$/m, /^## Examples$/m, /^### Bad$/m, /^### Good$/m];

describe('rule docs', () => {
  for (const rule of RULES) {
    it(`${rule.id}: docs/rules/${rule.id}.md exists with what/why/how/examples`, () => {
      const docs = ruleDocsPath(rule.id);
      const file = path.join(root, docs);
      assert.ok(fs.existsSync(file), `${docs} is missing`);
      const text = fs.readFileSync(file, 'utf8');
      assert.match(text, new RegExp(`^# ${rule.id}$`, 'm'));
      for (const re of REQUIRED) assert.match(text, re, `${docs} lacks ${re}`);
      assert.match(text, new RegExp(`\\*\\*Default severity:\\*\\* ${rule.defaultSeverity}`), 'states the default severity of the registry');
      assert.ok((text.match(/```/g) ?? []).length >= 4, 'has a bad and a good code example');
    });
  }
  it('every rule id links to a docs page that exists (SARIF help, Diagnostic.code, report, "Read about")', () => {
    for (const r of allRuleMeta()) assert.ok(fs.existsSync(path.join(root, ruleDocsPath(r.id))), `${ruleDocsPath(r.id)} is missing`);
  });
  it('ids are unique kebab-case', () => {
    const ids = allRuleMeta().map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[a-z]+(-[a-z]+)*$/);
  });
  it('docs/rules/README.md links every rule id, with its default severity', () => {
    const index = fs.readFileSync(path.join(root, 'docs', 'rules', 'README.md'), 'utf8');
    for (const r of allRuleMeta()) assert.match(index, new RegExp(`\\[${r.id}\\]\\(${r.id}\\.md\\) \\| ${r.defaultSeverity} \\|`), r.id);
  });
});
