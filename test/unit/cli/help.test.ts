/**
 * Every command's own help (person52 L-1): `pg-lens scan --help` printed "unknown option --help" and the usage line (exit
 * 2), `pg-lens help advise` the general list. Now `pg-lens <command> --help` / `-h` and `pg-lens help <command>` print
 * that command's summary, usage and options (read from its usage, the one place its options are written), exit 0.
 */
import * as assert from 'node:assert/strict';
import { runCli } from '../support/cli';
import { COMMANDS } from '../../../src/cli/commands/index';

describe('cli: each command has its own help', () => {
  for (const cmd of COMMANDS) {
    it(`${cmd.name}: --help, -h and \`help ${cmd.name}\` print its summary, usage and options, exit 0`, async () => {
      const runs = [await runCli([cmd.name, '--help']), await runCli([cmd.name, '-h']), await runCli(['help', cmd.name])];
      for (const r of runs) {
        assert.equal(r.code, 0, r.err);
        assert.equal(r.err, '');
        assert.ok(r.out.startsWith(`pg-lens ${cmd.name}: ${cmd.summary}\n`), r.out);
        assert.ok(r.out.includes(`\nusage: ${cmd.usage}\n`), r.out);
      }
      assert.equal(runs[1].out, runs[0].out);
      assert.equal(runs[2].out, runs[0].out);
    });
  }

  it('lists the options one a line, with their values, defaults and repeatability as the usage writes them', async () => {
    const scan = (await runCli(['scan', '--help'])).out.split('\n');
    // Each option's line starts with it as the usage writes it; its meaning follows (person53 L-4), wrapped below it.
    const options = scan.slice(scan.indexOf('Options:') + 1).filter((l) => /^ {2}--/.test(l)).map((l) => l.split(/ {2,}/)[1]);
    assert.deepEqual(options.slice(0, 6), ['--db URL', '--connect-timeout S', '--production', '--format text|json|sarif', '--fail-on error|warning|info|never', '--exclude GLOB']);
    const said = scan.join('\n').replace(/\n {4,}/g, ' ');
    assert.match(said, /\n {2}--fail-on error\|warning\|info\|never [^\n]*\(default: error\)\n/);
    assert.match(said, /\n {2}--exclude GLOB [^\n]*\(repeatable\)\n/);
    const explain = (await runCli(['explain', '-h'])).out.replace(/\n {4,}/g, ' ');
    assert.match(explain, /\n {2}--param V [^\n]*\(repeatable\)\n/);
    assert.match(explain, /\n {2}--plan FILE\|- +read a plan/);
    // Help after other options too.
    assert.equal((await runCli(['advise', '--workload', '--help'])).code, 0);
  });

  it('`--help` after `--` is the recorded command\'s, not pg-lens\'s; `help` of no such command is a usage error', async () => {
    const r = await runCli(['record', '--', 'pglens-no-such-program', '--help']);
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.out, /^pg-lens record: /);
    const nope = await runCli(['help', 'nope']);
    assert.equal(nope.code, 2);
    assert.match(nope.err, /^pg-lens help: unknown command "nope" \(the commands: check-connection, sql, /);
    // The general list stays.
    assert.match((await runCli(['--help'])).out, /^pg-lens: what your SQL costs in PostgreSQL\n\nCommands:/);
  });
});
