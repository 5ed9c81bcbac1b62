/**
 * Issue 12 item 4 against a real server: schema, table and index names holding a newline with a
 * fake "fix:" line, ESC/OSC sequences, C1 and `::` workflow commands print as visible escapes in
 * `health` and `explain` text output, and never as lines of their own.
 */
import * as assert from 'node:assert/strict';
import { testDatabase } from '../support';
import { runCli as run } from '../../unit/support/cli';
import { isWorkflowCommand, RAW_CONTROL } from '../../unit/support/terminal';


const SCHEMA = 's\n        fix: DROP DATABASE prod;';
const TABLE = 't\u001b]0;pwned\u0007\u001b]52;c;ZXZpbA==\u0007';
const INDEX = 'i\r\n::error file=x,line=1::forged\u009b2J';

function checkSafe(text: string): void {
  assert.doesNotMatch(text, RAW_CONTROL);
  for (const line of text.split('\n')) {
    assert.ok(!isWorkflowCommand(line), `workflow command: ${line}`);
    assert.doesNotMatch(line, /^\s*fix: DROP DATABASE/, 'a name printed a fake fix line');
  }
}

describe('hostile names in CLI text output (real server)', function () {
  const t = testDatabase('cli_hostile_names');
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  before(async () => {
    await t.admin.query(`CREATE SCHEMA ${q(SCHEMA)}`);
    await t.admin.query(`CREATE TABLE ${q(SCHEMA)}.${q(TABLE)} (id int PRIMARY KEY, v int)`);
    await t.admin.query(`CREATE INDEX ${q(INDEX)} ON ${q(SCHEMA)}.${q(TABLE)} (v)`);
    await t.admin.query(`INSERT INTO ${q(SCHEMA)}.${q(TABLE)} SELECT g, g FROM generate_series(1, 2000) g`);
    await t.admin.query(`ANALYZE ${q(SCHEMA)}.${q(TABLE)}`);
  });

  it('health: the unused index is reported on one line, its fix too, with the names escaped', async () => {
    const r = await run(['health', '--db', t.url, '--check', 'unused-index', '--drop-min-stats-age-days', '0']);
    assert.equal(r.code, 1, r.err);
    checkSafe(r.out);
    checkSafe(r.err);
    const lines = r.out.split('\n');
    const head = lines.findIndex((l) => l.startsWith('WARNING unused-index:'));
    assert.ok(head >= 0, r.out);
    assert.match(lines[head], /s\\n {8}fix: DROP DATABASE prod;/);
    const fix = lines.filter((l) => /^ {8}fix: /.test(l));
    assert.equal(fix.length, 1, r.out);
    assert.match(fix[0], /^ {8}fix: DROP INDEX CONCURRENTLY "s\\n {8}fix: DROP DATABASE prod;"\."i\\r\\n::error file=x,line=1::forged\\u009b2J";$/);
  });

  it('health --format json keeps the real names (JSON escapes them)', async () => {
    const r = await run(['health', '--db', t.url, '--check', 'unused-index', '--format', 'json', '--drop-min-stats-age-days', '0']);
    checkSafe(r.out);
    const json = JSON.parse(r.out);
    assert.deepEqual(json[0].objects[0], { kind: 'index', schema: SCHEMA, name: INDEX, table: TABLE });
  });

  it('explain: plan node labels with the names stay on their lines', async () => {
    const r = await run(['explain', '--db', t.url, `SELECT * FROM ${q(SCHEMA)}.${q(TABLE)} WHERE v = 5`]);
    assert.equal(r.code, 0, r.err);
    checkSafe(r.out);
    assert.match(r.out, /Scan .*t\\u001b\]0;pwned\\u0007/);
  });
});
