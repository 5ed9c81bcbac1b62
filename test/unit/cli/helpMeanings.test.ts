/**
 * Each option's meaning in the command's own help (person53 L-4): `pg-lens scan --help` listed "--many-per-parent N" and
 * sent the reader to docs/cli.md for what it means — a terminal user has no docs folder. The meanings live beside the
 * usage line (CliCommand.options, which the usage is built from), and docs/cli.md names every option of every command.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../support/cli';
import { COMMANDS } from '../../../src/cli/commands/index';
import { commandUsage, optionName } from '../../../src/cli/io';
import { HEALTH_CHECKS } from '../../../src/core/health';

/** The options a usage line writes: `--name` of each `--name …`. */
function usageOptions(usage: string): string[] {
  return [...new Set([...usage.matchAll(/(?<![\w-])--([a-z][\w-]*)/g)].map((m) => m[1]))];
}

describe('cli: every option of every command has its meaning', () => {
  for (const cmd of COMMANDS) {
    it(`${cmd.name}: each option of its usage line has a one-line meaning, printed by --help beside it`, async () => {
      const named = cmd.options.map(optionName);
      assert.deepEqual([...named].sort(), usageOptions(cmd.usage).sort(), `${cmd.name}: usage and options differ`);
      const help = (await runCli([cmd.name, '--help'])).out;
      const lines = help.split('\n');
      const options = lines.slice(lines.indexOf('Options:') + 1);
      for (const o of cmd.options) {
        assert.ok(o.meaning.trim().length > 8 && !o.meaning.includes('\n'), `${cmd.name} ${o.flag}: no meaning`);
        const at = options.findIndex((l) => l === `  ${o.flag}` || l.startsWith(`  ${o.flag}  `));
        assert.ok(at >= 0, `${cmd.name} ${o.flag} not in its help:\n${help}`);
        // Its meaning follows it (wrapped), with its default where it has one.
        const said = options.slice(at, at + 8).join(' ').replace(/\s+/g, ' ');
        assert.ok(said.includes(o.meaning.split(' ').slice(0, 4).join(' ')), `${cmd.name} ${o.flag}: meaning not printed:\n${help}`);
        if (o.default) assert.ok(said.includes(`default: ${o.default.split(' ')[0]}`), `${cmd.name} ${o.flag}: default not printed:\n${help}`);
      }
      assert.doesNotMatch(help, /docs\/cli\.md/);
      // Under 80 columns, but for a flag wider than that (none is).
      for (const l of options) assert.ok(l.length < 80, `${cmd.name}: ${l.length} columns: ${l}`);
    });
  }

  it('scan --help says what --many-per-parent does and its default, 10', async () => {
    const r = await runCli(['scan', '--help']);
    assert.equal(r.code, 0);
    const help = r.out.replace(/\n {2,}(?!-)/g, ' ');
    assert.match(help, /\n {2}--many-per-parent N +with a database: an N\+1 over one parent's children is a warning at N or more rows per parent \(pg_stats\), info below \(default: 10\)\n/, r.out);
  });

  it('a usage line is built from its options: an option it does not place, or a name that is no option, is refused', () => {
    const db = { flag: '--db URL', meaning: 'the database' };
    assert.equal(commandUsage('pg-lens x [{db}]', [db]), 'pg-lens x [--db URL]');
    assert.throws(() => commandUsage('pg-lens x', [db]), /does not place --db/);
    assert.throws(() => commandUsage('pg-lens x [{db}] [{verbose}]', [db]), /no option named verbose/);
  });

  it('docs/cli.md names every option of every command in its section', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'cli.md'), 'utf8');
    const sections = new Map<string, string>();
    const parts = doc.split(/^### /m).slice(1);
    for (const p of parts) {
      const name = /^`([\w-]+)`/.exec(p)?.[1];
      if (name) sections.set(name, `${sections.get(name) ?? ''}\n${p}`);
    }
    // A command's section and its subsections (#### `benchmark --workload`).
    for (const cmd of COMMANDS) {
      const text = sections.get(cmd.name);
      assert.ok(text, `docs/cli.md has no section for ${cmd.name}`);
      const missing = cmd.options.map(optionName).filter((n) => !new RegExp(`(?<![\\w-])--${n}(?![\\w-])`).test(text!));
      assert.deepEqual(missing, [], `docs/cli.md's ${cmd.name} section does not name ${missing.map((n) => `--${n}`).join(', ')}`);
    }
  });
});

describe('cli: options whose values are a closed list name them (person55 L-4)', () => {
  it('health --help lists every check id --check takes; scan --format markdown points to pg-lens report', async () => {
    const help = (await runCli(['health', '--help'])).out.replace(/\s+/g, ' ');
    for (const c of HEALTH_CHECKS) assert.ok(help.includes(c.id), `health --help does not name ${c.id}`);
    const md = await runCli(['scan', '.', '--format', 'markdown']);
    assert.equal(md.code, 2);
    assert.match(md.err.split('\n')[0], /--format must be text, json or sarif, not "markdown" \(a Markdown report: pg-lens report --out FILE\.md\)$/);
  });
});
