/**
 * Bundle the extension-host suites (test/vscode/suite) into an output folder: index.js (the mocha
 * runner) and one <name>.test.js per suite, `vscode` and `mocha` left external.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SUITE_SRC = path.join(__dirname, 'suite');

export async function buildSuites(outDir: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const entries = fs.readdirSync(SUITE_SRC).filter((f) => f.endsWith('.ts')).map((f) => path.join(SUITE_SRC, f));
  await esbuild.build({
    entryPoints: entries,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return path.join(outDir, 'index.js');
}
