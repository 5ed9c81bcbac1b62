/**
 * The demo's terminal gets `pg-lens` (person29 L8: `npx pg-lens --help` in code-server's terminal gave npm's 404, the
 * demo's workspace being a copy of the example, not the project): a `pg-lens` launcher of this checkout's CLI in a bin
 * folder of the demo's temp folder, put first on the PATH of code-server's terminals by a user setting.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Writes `<binDir>/pg-lens`, which runs this checkout's built CLI (`dist/cli.js`) with this Node; returns its path. */
export function writeCliLauncher(binDir: string, repoRoot: string, node = process.execPath): string {
  fs.mkdirSync(binDir, { recursive: true });
  const launcher = path.join(binDir, 'pg-lens');
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  fs.writeFileSync(launcher, `#!/bin/sh\nexec ${q(node)} ${q(path.join(repoRoot, 'dist', 'cli.js'))} "$@"\n`, { mode: 0o755 });
  return launcher;
}

/** The code-server user settings that put `binDir` first on its terminals' PATH. */
export function demoTerminalSettings(binDir: string): Record<string, unknown> {
  return { 'terminal.integrated.env.linux': { PATH: `${binDir}${path.delimiter}\${env:PATH}` } };
}
