/**
 * The demo's terminal gets `pg-lens` (person29 L8: `npx pg-lens --help` in code-server's terminal gave npm's 404, the
 * demo's workspace being a copy of the example, not the project): a `pg-lens` launcher of this checkout's CLI in a bin
 * folder of the demo's temp folder, put first on the PATH of code-server's terminals by a user setting.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A word for sh, in single quotes. */
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Writes `<binDir>/pg-lens`, which runs this checkout's built CLI (`dist/cli.js`) with this Node; returns its path. */
export function writeCliLauncher(binDir: string, repoRoot: string, node = process.execPath): string {
  fs.mkdirSync(binDir, { recursive: true });
  const launcher = path.join(binDir, 'pg-lens');
  fs.writeFileSync(launcher, `#!/bin/sh\nexec ${q(node)} ${q(path.join(repoRoot, 'dist', 'cli.js'))} "$@"\n`, { mode: 0o755 });
  return launcher;
}

/**
 * Writes `<binDir>/shop-traffic`: the example shop's traffic (`traffic.ts`; `shop-traffic orm` the ORM flavour's) run from
 * the demo's workspace with this checkout's tsx and modules (person37 M1: the workspace is a copy without node_modules, so
 * its traffic could not run in the terminal, and a recording had nothing to record). DATABASE_URL defaults to the PG*
 * variables the terminal has (demoTerminalSettings; PGPASSWORD from code-server's environment). Returns its path.
 */
export function writeTrafficLauncher(binDir: string, repoRoot: string, workspace: string): string {
  fs.mkdirSync(binDir, { recursive: true });
  const launcher = path.join(binDir, 'shop-traffic');
  const tsx = q(path.join(repoRoot, 'node_modules', '.bin', 'tsx'));
  fs.writeFileSync(
    launcher,
    [
      '#!/bin/sh',
      '# shop-traffic [orm]: the example shop\'s requests, over HTTP to its API, against the demo database (REQUESTS, default 300; orm: ROUNDS, default 3).',
      ': "${DATABASE_URL:=postgres://$PGUSER@$PGHOST:$PGPORT/$PGDATABASE}"',
      `export DATABASE_URL NODE_PATH=${q(path.join(repoRoot, 'node_modules'))}`,
      `cd ${q(workspace)} || exit 1`,
      `if [ "$1" = orm ]; then exec ${tsx} orm/traffic.ts; fi`,
      `exec ${tsx} traffic.ts`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return launcher;
}

/**
 * The code-server user settings that put `binDir` first on its terminals' PATH and, given the demo database's URL, point
 * libpq's PGHOST/PGPORT/PGUSER/PGDATABASE at it (person31 L4: `pg-lens explain` there said "No database given"). The
 * password is not written to the settings: code-server's own environment carries PGPASSWORD, which its terminals inherit.
 */
export function demoTerminalSettings(binDir: string, databaseUrl?: string): Record<string, unknown> {
  const env: Record<string, string> = { PATH: `${binDir}${path.delimiter}\${env:PATH}` };
  if (databaseUrl) {
    const u = new URL(databaseUrl);
    env.PGHOST = u.hostname;
    env.PGPORT = u.port || '5432';
    env.PGUSER = decodeURIComponent(u.username);
    env.PGDATABASE = decodeURIComponent(u.pathname.replace(/^\//, ''));
    // The demo's database is a development one: `pg-lens scan .` there proves advice as the editor does.
    env.PGLENS_ENVIRONMENT = 'development';
  }
  return { 'terminal.integrated.env.linux': env };
}
