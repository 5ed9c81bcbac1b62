/**
 * Issue 12 item 5: bounded work on bad input. Each attack runs the real CLI in a child process with
 * a time limit (a blocking read of a FIFO would freeze this process, which mocha's timeout cannot
 * interrupt), and must end with one clear line, never a hang or an out-of-memory crash.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LIMITS, nestingDepth, planOverLimit, sqlOverLimit } from '../../../src/core/limits';
import { parsePlanSource, PlanParseError } from '../../../src/core/plan/parse';
import { parseSql } from '../../../src/core/sql/parse';
import { inspectSql, loadPgParser } from '../../../src/core/sql/statement';

const ROOT = path.resolve(__dirname, '../../..');

/** pg-lens in a child process, killed after 60 s (a hang fails the test instead of freezing the run). */
function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { code: number | null; out: string; err: string; timedOut: boolean } {
  const r = spawnSync(process.execPath, ['-r', require.resolve('tsx/cjs'), path.join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, maxBuffer: 16 * 1024 * 1024,
  });
  return { code: r.status, out: r.stdout, err: r.stderr, timedOut: r.error?.message.includes('ETIMEDOUT') ?? false };
}

describe('bounded work (issue 12 item 5)', function () {
  this.timeout(120_000);
  let dir: string;
  const deep = (n: number) => `SELECT ${'('.repeat(n)}1${')'.repeat(n)};\n`;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-bounded-'));
    fs.mkdirSync(path.join(dir, 'repo/src'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'repo/.git'));
    fs.writeFileSync(path.join(dir, 'repo/src/deep.sql'), deep(300_000)); // the 600 KB file that ran the parser out of memory
    fs.writeFileSync(path.join(dir, 'repo/src/ok.sql'), 'DELETE FROM t;\n');
    spawnSync('mkfifo', [path.join(dir, 'fifo')]);
    fs.symlinkSync(path.join(dir, 'fifo'), path.join(dir, 'repo/.gitignore')); // the .gitignore that hung scan
    fs.symlinkSync(path.join(dir, 'fifo'), path.join(dir, 'repo/src/fifo.sql'));
    fs.writeFileSync(path.join(dir, 'big.sql'), `SELECT ${Array.from({ length: 1_200_000 }, (_, i) => `c${i % 1000}`).join(', ')} FROM t;\n`); // over 10 MB
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the limits are checked before any parser: 300,000 nested parentheses and a long statement are refused in one line', async () => {
    await loadPgParser();
    const text = deep(300_000);
    assert.match(sqlOverLimit(text)!, /^not analysed: the statement is 600,010 characters, over the limit of 100,000 characters$/);
    assert.match(sqlOverLimit(deep(LIMITS.sqlNesting + 1))!, /nests parentheses more than 256 levels deep/);
    assert.equal(sqlOverLimit(deep(LIMITS.sqlNesting)), undefined);
    assert.equal(sqlOverLimit(`SELECT '${'('.repeat(5000)}'`), undefined, 'parentheses inside a string do not count');
    for (const r of [parseSql(text), inspectSql(text), parseSql(deep(2000)), inspectSql(deep(2000))]) assert.equal(r.ok, false);
    assert.equal(nestingDepth('{"a":"{{{{","b":[[1]]}', '{[', '}]', '"'), 3);
  });

  it('scan of a repository with a 600 KB, 300,000-deep statement, a .gitignore symlinked to a FIFO and a .sql symlinked to it: ends, and says what it skipped', () => {
    const r = cli(['scan', '.', '--fail-on', 'never'], path.join(dir, 'repo'));
    assert.equal(r.timedOut, false, 'scan hung');
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /pg-lens: not read: .*\.gitignore is a FIFO: only regular files are read/);
    assert.match(r.err, /src\/deep\.sql: line 1: not analysed: the statement is 600,0\d\d characters/);
    assert.match(r.out, /src\/ok\.sql:1:1: \w+ update-delete-without-where/);
  });

  it('a FIFO named on the command line is never opened for a blocking read (scan, sql, advise --file, explain --file, --severity)', () => {
    const fifo = path.join(dir, 'fifo');
    const runs = [
      cli(['scan', fifo], dir),
      cli(['sql', fifo], dir),
      cli(['advise', '--file', fifo, '--db', 'postgres://nobody@127.0.0.1:1/none'], dir),
      cli(['explain', '--file', fifo, '--db', 'postgres://nobody@127.0.0.1:1/none'], dir),
      cli(['scan', '.', '--severity', fifo], path.join(dir, 'repo/src')),
    ];
    for (const r of runs) {
      assert.equal(r.timedOut, false, 'hung on a FIFO');
      assert.match(r.err, /fifo.*(is a FIFO: only regular files are read|not a regular file or folder)/, r.err);
    }
  });

  it('advise --file and explain --file of a 10 MB statement: one line, before connecting or parsing', () => {
    for (const cmd of ['advise', 'explain']) {
      const r = cli([cmd, '--file', 'big.sql', '--db', 'postgres://nobody@127.0.0.1:1/none'], dir);
      assert.equal(r.timedOut, false);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err.split('\n')[0], new RegExp(`^pg-lens ${cmd}: .*big\\.sql is \\d+(\\.\\d+)? MB, over the limit of 2 MB$`));
    }
  });

  it('a statement over the limit given as an argument is refused by explain in one line', () => {
    const r = cli(['explain', '--db', 'postgres://nobody@127.0.0.1:1/none', deep(1000)], dir);
    // Refused before or after connecting: in both cases one line, no parser run, no crash.
    assert.equal(r.timedOut, false);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
  });

  it('sslrootcert naming a FIFO or a device: one line, no hang (the connect never reads it)', () => {
    for (const cert of [path.join(dir, 'fifo'), '/dev/zero']) {
      const r = cli(['check-connection', '--db', `host=127.0.0.1 port=1 dbname=x user=x sslmode=verify-full sslrootcert=${cert}`], dir);
      assert.equal(r.timedOut, false, `hung on sslrootcert=${cert}`);
      assert.equal(r.code, 3);
      assert.match(r.err.trim(), /^pg-lens check-connection: .* is a (FIFO|device): only regular files are read$/);
    }
  });

  it('a pasted plan nested past any real plan is refused before it is walked', () => {
    const nested = `${'{"Plan":{"Node Type":"Result","Plans":['.repeat(5000)}{}${']}}'.repeat(5000)}`;
    assert.match(planOverLimit(nested)!, /nests more than 2000 levels deep/);
    assert.throws(() => parsePlanSource(nested), (e: Error) => e instanceof PlanParseError && /more than 2000 levels/.test(e.message));
  });
});
