/**
 * `pg-lens`: the same core and database layers as the extension, for the terminal and CI.
 * Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage, 3 failure (one line on stderr).
 */
import { terminalSafe, errorMessage } from '../core/safeText';
import { describeError } from '../db/errors';
import { COMMANDS } from './commands/index';
import { type CliCommand, type CliContext, EXIT, optionName, parseArgsMessage, UsageError } from './io';
import { configureTreeSitterForCli } from '../node/treeSitterDir';

export async function main(argv: string[], given: CliContext): Promise<number> {
  // Every line the CLI prints, on stdout and stderr, goes through the one terminal-safety filter
  // (src/core/safeText.ts): names and file names cannot move the cursor, set the title, write the
  // clipboard or send a command to a CI runner.
  const ctx: CliContext = { ...given, out: (t) => given.out(terminalSafe(t)), err: (t) => given.err(terminalSafe(t)) };
  const [name, ...rest] = argv;
  // A command's own help (person52 L-1): `pg-lens help scan`, `pg-lens scan --help`, `pg-lens scan -h` — before the `--`
  // that ends the options (`pg-lens record -- node app.js --help` is the application's).
  const asked = name === 'help' && rest.length ? rest[0] : undefined;
  const helpOf = asked !== undefined ? COMMANDS.find((c) => c.name === asked) : COMMANDS.find((c) => c.name === name && wantsHelp(rest));
  if (helpOf) {
    ctx.out(commandHelp(helpOf));
    return EXIT.ok;
  }
  if (asked !== undefined) {
    ctx.err(`pg-lens help: unknown command "${asked}" (the commands: ${COMMANDS.map((c) => c.name).join(', ')})`);
    return EXIT.usage;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    ctx.out('pg-lens: what your SQL costs in PostgreSQL\n\nCommands:');
    for (const c of COMMANDS) ctx.out(`  ${c.usage}\n      ${c.summary}`);
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version') {
    ctx.out(process.env.PGLENS_VERSION ?? '0.1.0');
    return EXIT.ok;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    ctx.err(`pg-lens: unknown command "${name}" (try pg-lens --help)`);
    return EXIT.usage;
  }
  // Where the grammars are, for every command that reads source files (person51 M-4: `explain --file` had no grammar
  // and found no SQL in any TypeScript file): set once here, a path only; nothing is loaded until a file is parsed.
  configureTreeSitterForCli();
  try {
    return await cmd.run(rest, ctx);
  } catch (e) {
    // An option without its value: one line saying what it takes (person42 L1: the message, then the whole usage line).
    if (e instanceof UsageError && e.option) {
      const shape = cmd.options.find((o) => optionName(o) === e.option)?.flag;
      ctx.err(`pg-lens ${name}: ${errorMessage(e)}${shape && e.option !== 'db' ? ` (${shape})` : ''}`);
      return EXIT.usage;
    }
    if (e instanceof UsageError || (e as any)?.code?.startsWith?.('ERR_PARSE_ARGS')) {
      // Node's parseArgs text in our words (person45 L3: "Unknown option '--frobnicate'. To specify a positional …").
      ctx.err(`pg-lens ${name}: ${e instanceof UsageError ? errorMessage(e) : parseArgsMessage(errorMessage(e))}\nusage: ${cmd.usage}`);
      return EXIT.usage;
    }
    ctx.err(`pg-lens ${name}: ${describeError(e)}`);
    if (process.env.PGLENS_DEBUG) ctx.err(String((e as Error)?.stack));
    return EXIT.failure;
  }
}

/** `--help` or `-h` among a command's arguments, before the `--` that ends its options. */
function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/**
 * A command's help: what it does, its usage line, and each option one a line with its meaning and default (person53 L-4:
 * the options were listed without their meanings, which were only in docs/cli.md — a terminal user has no docs folder).
 * All read from the command's `options`, the one list its usage line is built from.
 */
export function commandHelp(cmd: CliCommand): string {
  const lines = [`pg-lens ${cmd.name}: ${cmd.summary}`, '', `usage: ${cmd.usage}`];
  if (cmd.options.length) lines.push('', 'Options:', ...optionLines(cmd));
  if (cmd.helpList) lines.push('', `${cmd.helpList.title}:`, ...wrapWords(cmd.helpList.items.join(', ').split(' '), '  '));
  return lines.join('\n');
}

/** The widest flag kept in the left column; a wider one has its meaning on the next line. */
const FLAG_COLUMN = 24;
const HELP_WIDTH = 79;

/** `  --flag VALUE   meaning (default …; repeatable)`, aligned, wrapped under HELP_WIDTH columns. */
function optionLines(cmd: CliCommand): string[] {
  const width = Math.max(0, ...cmd.options.map((o) => o.flag.length).filter((n) => n <= FLAG_COLUMN));
  const indent = ' '.repeat(2 + width + 2);
  const out: string[] = [];
  for (const o of cmd.options) {
    // Repeatable where the usage line writes `]…` (or `]...`) after it.
    const repeatable = new RegExp(`${o.flag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\](?:…|\\.\\.\\.)`).test(cmd.usage);
    const notes = [...(o.default ? [`default: ${o.default}`] : []), ...(repeatable ? ['repeatable'] : [])];
    const wrapped = wrapWords(`${o.meaning}${notes.length ? ` (${notes.join('; ')})` : ''}`.split(' '), indent).map((l) => l.slice(indent.length));
    if (o.flag.length > width) out.push(`  ${o.flag}`, ...wrapped.map((l) => indent + l));
    else out.push(`  ${o.flag.padEnd(width)}  ${wrapped[0]}`, ...wrapped.slice(1).map((l) => indent + l));
  }
  return out;
}

/** Words joined into lines under HELP_WIDTH columns, each line starting with `indent`. */
function wrapWords(words: readonly string[], indent: string): string[] {
  const wrapped: string[] = [];
  for (const w of words) {
    const last = wrapped.length - 1;
    if (last >= 0 && indent.length + wrapped[last].length + 1 + w.length <= HELP_WIDTH) wrapped[last] += ` ${w}`;
    else wrapped.push(w);
  }
  return wrapped.map((l) => indent + l);
}

if (require.main === module) {
  main(process.argv.slice(2), {
    out: (t) => process.stdout.write(t + '\n'),
    err: (t) => process.stderr.write(t + '\n'),
    env: process.env,
    cwd: process.cwd(),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`${terminalSafe(`pg-lens: ${describeError(e)}`)}\n`);
      process.exitCode = EXIT.failure;
    },
  );
}
