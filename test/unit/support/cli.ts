/** Running pg-lens in-process, as the unit and database tests do. */
import { main } from '../../../src/cli/main';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Run the CLI's main() and collect what it printed (lines joined), with its exit code. The
 * environment is empty unless given (nothing of the developer's leaks in), the folder is the
 * current one unless given, and standard input is absent unless given.
 */
export async function runCli(argv: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; stdin?: string } = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const { stdin } = opts;
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env: opts.env ?? {}, cwd: opts.cwd ?? process.cwd(), stdin: stdin === undefined ? undefined : async () => stdin });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
