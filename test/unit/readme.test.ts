/** The README's settings table lists every pgLens.* setting of package.json, with its default, and nothing else. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

function settingsTable(): Map<string, string> {
  const section = readme.slice(readme.indexOf('\n## Settings'));
  const end = section.indexOf('\n## ', 5);
  const rows = new Map<string, string>();
  for (const line of (end > 0 ? section.slice(0, end) : section).split('\n')) {
    const m = /^\|\s*`(pgLens\.[A-Za-z0-9_.]+)`\s*\|\s*`([^`]*)`\s*\|/.exec(line);
    if (m) rows.set(m[1], m[2]);
  }
  return rows;
}

describe('README settings table', () => {
  const declared = pkg.contributes.configuration.properties as Record<string, { default?: unknown }>;
  const table = settingsTable();

  it('has a row for every setting in package.json, with its default', () => {
    for (const [key, schema] of Object.entries(declared)) {
      assert.ok(table.has(key), `README "## Settings" table has no row for ${key}`);
      assert.equal(table.get(key), JSON.stringify(schema.default), `default of ${key}`);
    }
  });

  it('lists no setting that package.json does not declare', () => {
    for (const key of table.keys()) assert.ok(key in declared, `${key} is in the README but not in package.json`);
  });

  it('covers the quick start, the .vsix, connections and the example app', () => {
    for (const heading of ['## Quick start', '## Install the extension', '## Connect a database', '## Settings', '## Example app']) assert.ok(readme.includes(heading), heading);
    assert.ok(readme.includes('npm ci && npm run demo') && readme.includes('npm ci && npm test'));
  });
});
