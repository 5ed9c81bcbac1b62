/**
 * Mocha inside the extension host. Used two ways, with the same suites:
 *  - by @vscode/test-electron (desktop VS Code): `run()` is the extensionTestsPath entry;
 *  - by the code-server run of `npm run test:e2e`: a tiny runner extension calls `run()` and writes
 *    the results where the harness reads them (PGLENS_SUITE_RESULTS).
 * Suites are bundled next to this file as *.test.js (see test/vscode/build.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface SuiteResult {
  passed: string[];
  failed: { title: string; error: string }[];
}

export function run(): Promise<void> {
  return runSuites().then((r) => {
    if (r.failed.length) throw new Error(`${r.failed.length} extension-host test(s) failed:\n${r.failed.map((f) => `${f.title}: ${f.error}`).join('\n')}`);
  });
}

export async function runSuites(): Promise<SuiteResult> {
  // mocha is resolved from the project's node_modules (not bundled): PGLENS_MOCHA names it when
  // this file runs from outside the project (the code-server runner extension).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Mocha = require(process.env.PGLENS_MOCHA || 'mocha');
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  for (const f of fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(__dirname, f));
  const result: SuiteResult = { passed: [], failed: [] };
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', (t: any) => result.passed.push(t.fullTitle()));
    runner.on('fail', (t: any, err: Error) => result.failed.push({ title: t.fullTitle(), error: String(err?.message ?? err).split('\n')[0] }));
  });
  if (process.env.PGLENS_SUITE_RESULTS) fs.writeFileSync(process.env.PGLENS_SUITE_RESULTS, JSON.stringify(result, null, 2));
  return result;
}
