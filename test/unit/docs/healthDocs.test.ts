/** Every registered health check has its docs page (docs/health/<id>.md) with the required sections; docs/dashboard.md links every id. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HEALTH_CHECKS } from '../../../src/core/health';

const root = path.join(__dirname, '..', '..', '..');
const REQUIRED = [/^## What it finds$/m, /^## Why it matters$/m, /^## How to fix$/m, /^## What it cannot see$/m, /^\*\*Category:\*\* /m];

describe('health check docs', () => {
  for (const check of HEALTH_CHECKS) {
    it(`${check.id}: docs/health/${check.id}.md exists with what/why/how/limits`, () => {
      const docs = `docs/health/${check.id}.md`;
      const text = fs.readFileSync(path.join(root, docs), 'utf8');
      assert.match(text, new RegExp(`^# ${check.id}$`, 'm'));
      assert.match(text, new RegExp(`\\*\\*Category:\\*\\* ${check.category}`));
      for (const re of REQUIRED) assert.match(text, re, `${docs} lacks ${re}`);
    });
  }
  it('docs/dashboard.md links every check id to its page', () => {
    const doc = fs.readFileSync(path.join(root, 'docs', 'dashboard.md'), 'utf8');
    for (const c of HEALTH_CHECKS) assert.ok(doc.includes(`[\`${c.id}\`](health/${c.id}.md)`), c.id);
  });
});
