/**
 * Issue 12, items 4 and 9 through the CLI's main(): hostile file names and file contents cannot
 * reach the terminal or a CI runner raw; bad numbers are refused in one line before anything runs.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../support/cli';
import { renderMarkdown } from '../../../src/core/report';
import { isWorkflowCommand, RAW_CONTROL } from '../support/terminal';

const run = (args: string[], cwd: string) => runCli(args, { cwd });

describe('cli: hostile text in output (issue 12 item 4)', () => {
  let dir: string;
  // A file name can hold anything but / and NUL on Linux.
  const names = ['\u001b]0;pwned\u0007title.sql', 'x\n        fix: DROP DATABASE prod;.sql', '::error file=a,line=1::forged.sql', 'cr\rFAKE.sql', 'osc52\u001b]52;c;ZXZpbA==\u0007.sql', 'c1\u009b2J.sql'];
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-hostile-'));
    for (const n of names) fs.writeFileSync(path.join(dir, n), 'DELETE FROM "t\u001b[2J\n::warning::x";\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const format of ['text', 'json', 'sarif']) {
    it(`scan --format ${format}: no raw control character, no workflow command, one line per finding`, async () => {
      const r = await run(['scan', '.', '--format', format, '--fail-on', 'never'], dir);
      assert.equal(r.code, 0, r.err);
      for (const stream of [r.out, r.err]) {
        assert.doesNotMatch(stream, RAW_CONTROL);
        for (const line of stream.split('\n')) assert.ok(!isWorkflowCommand(line), `workflow command in output: ${line}`);
      }
      if (format === 'text') {
        const findingLines = r.out.split('\n').filter((l) => /: (error|warning|info) update-delete-without-where:/.test(l));
        assert.equal(findingLines.length, names.length, r.out);
        assert.doesNotMatch(r.out, /^\s*fix: DROP DATABASE/m, 'the name cannot print a line of its own');
        assert.match(r.out, /x\\n {8}fix: DROP DATABASE prod;\.sql:1:1: info/, 'the name is shown, escaped');
      } else {
        // Still valid JSON, with the real file names in it.
        const parsed = JSON.parse(r.out);
        const files: string[] = format === 'json' ? parsed.findings.map((f: any) => f.file) : parsed.runs[0].results.map((x: any) => decodeURIComponent(x.locations[0].physicalLocation.artifactLocation.uri));
        assert.deepEqual(files.sort(), [...names].sort());
      }
    });
  }

  it('sql: the SQL of a file is printed indented, with its controls escaped', async () => {
    const r = await run(['sql', '.'], dir);
    assert.doesNotMatch(r.out + r.err, RAW_CONTROL);
    for (const line of r.out.split('\n')) assert.ok(!isWorkflowCommand(line), line);
  });

  it('scan --output FILE (text) gets the same filter as the terminal', async () => {
    await run(['scan', '.', '--output', 'out.txt', '--fail-on', 'never'], dir);
    const text = fs.readFileSync(path.join(dir, 'out.txt'), 'utf8');
    assert.doesNotMatch(text, RAW_CONTROL);
    assert.ok(!text.split('\n').some(isWorkflowCommand));
    fs.rmSync(path.join(dir, 'out.txt'));
  });

  it('Markdown report: a bare CR, a NEL or a line separator in a name cannot break a table row', () => {
    const md = renderMarkdown({
      generatedAt: new Date(0), paths: ['.'], findings: [],
      health: [{ id: 'h', title: 'idx\rcr', status: 'warning', detail: 'a\u0085b\u2028c\r\n| injected | row |' }],
      statements: { unavailable: 'none' },
    });
    const rows = md.split(/\r\n|[\n\r\u0085\u2028\u2029]/).filter((l) => l.startsWith('| warning'));
    assert.equal(rows.length, 1, md);
    assert.equal(rows[0].replace(/\\\|/g, '').split('|').length, 5, rows[0]);
    assert.doesNotMatch(md, RAW_CONTROL);
  });
});

describe('cli: numbers and refusals (issue 12 item 9)', () => {
  const cwd = os.tmpdir();
  for (const bad of ['abc', '', '0', '-5', '1e99', 'Infinity', '1.5']) {
    it(`explain --timeout ${JSON.stringify(bad)} is refused in one line, before connecting`, async () => {
      const r = await run(['explain', `--timeout=${bad}`, '--db', 'postgres://nobody@127.0.0.1:1/none', 'SELECT 1'], cwd);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err.split('\n')[0], /^pg-lens explain: --timeout must be a whole number between 1 and 3600000 \(got ".*"\)$/);
    });
  }
  it('advise --min-calls abc and benchmark --runs abc are refused the same way', async () => {
    const a = await run(['advise', '--workload', '--min-calls', 'abc', '--db', 'postgres://nobody@127.0.0.1:1/none'], cwd);
    assert.equal(a.code, 2);
    assert.match(a.err, /--min-calls must be a number/);
    const b = await run(['benchmark', '--runs', 'abc', '--db', 'postgres://nobody@127.0.0.1:1/none', 'SELECT 1'], cwd);
    assert.equal(b.code, 2);
    assert.match(b.err, /--runs must be a whole number/);
  });
});
