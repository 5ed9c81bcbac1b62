/** The demo's step list and failure lines: robust to other engineers' entries and to crashing commands. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { oneLine, readSteps } from '../../../scripts/demo';

describe('scripts/demo', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-demo-steps-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (text: string) => {
    const f = path.join(dir, `${Math.random()}.json`);
    fs.writeFileSync(f, text);
    return f;
  };

  it('reads argument lists and { title, args } entries, titling steps by capability', () => {
    const steps = readSteps(write(JSON.stringify([['explain', '--db', '$DATABASE_URL', 'SELECT 1'], { title: 'Custom', args: ['scan', '$SHOP'] }, ['frobnicate']])));
    assert.deepEqual(steps, [
      { title: 'Plans (EXPLAIN)', args: ['explain', '--db', '$DATABASE_URL', 'SELECT 1'] },
      { title: 'Custom', args: ['scan', '$SHOP'] },
      { title: 'frobnicate', args: ['frobnicate'] },
    ]);
  });

  it('skips malformed entries and files instead of failing the demo, saying so', () => {
    const warnings: string[] = [];
    const warn = (l: string) => void warnings.push(l);
    assert.deepEqual(readSteps(write('[["sql"], "bad", {"args": []}, {"args": [1]}, null]'), warn), [{ title: 'SQL found in the code', args: ['sql'] }]);
    assert.equal(warnings.length, 4);
    assert.ok(warnings.every((w) => w.startsWith('(skipping a malformed demo step: ')));
    assert.deepEqual(readSteps(write('{ not json'), warn), []);
    assert.match(warnings[4], /is not valid JSON: .*; no steps run\)$/);
    assert.deepEqual(readSteps(write('{"a": 1}'), warn), []);
    assert.deepEqual(readSteps(path.join(dir, 'missing.json'), warn), []);
  });

  it('the committed scripts/demoSteps.json is well-formed: every entry is a step', () => {
    const file = path.join(__dirname, '..', '..', '..', 'scripts', 'demoSteps.json');
    const warnings: string[] = [];
    const steps = readSteps(file, (l) => void warnings.push(l));
    assert.deepEqual(warnings, []);
    assert.equal(steps.length, (JSON.parse(fs.readFileSync(file, 'utf8')) as unknown[]).length);
  });

  it('the committed steps write no file at a fixed path (another user\'s file there would fail the step): only through $REPORT', () => {
    const file = path.join(__dirname, '..', '..', '..', 'scripts', 'demoSteps.json');
    const outs = readSteps(file).flatMap((s) => s.args.flatMap((a, i) => (s.args[i - 1] === '--out' ? [a] : [])));
    assert.ok(outs.length > 0, 'the demo writes a report');
    assert.deepEqual(outs.filter((a) => a !== '$REPORT'), []);
  });

  it('turns a crash into its one useful line, never a stack trace', () => {
    const crash = [
      '/work/dist/cli.js:120',
      '    throw new Error("boom")',
      '    ^',
      '',
      'Error: boom',
      '    at Object.<anonymous> (/work/dist/cli.js:120:11)',
      '    at node:internal/main/run_main_module:28:49',
      '',
      'Node.js v20.20.2',
    ].join('\n');
    assert.equal(oneLine(crash), 'throw new Error("boom")');
    assert.equal(oneLine('pg-lens explain: No PostgreSQL is listening at 127.0.0.1:1 (connection refused).\n'), 'pg-lens explain: No PostgreSQL is listening at 127.0.0.1:1 (connection refused).');
    assert.equal(oneLine(''), 'no message');
  });
});
