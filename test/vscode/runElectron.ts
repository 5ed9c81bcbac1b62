/**
 * `npm run test:vscode`: the extension-host suites (test/vscode/suite) in desktop VS Code through
 * @vscode/test-electron, against a throwaway PostgreSQL and the example workspace. It downloads
 * VS Code first; where that is impossible (no internet) it says so in one line and exits 1 —
 * `npm run test:e2e` runs the same suites in code-server, which needs no download.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildSuites } from './build';
import { ROOT, startDatabase } from '../e2e/lib/database';
import { scenario } from '../e2e/lib/scenario';
import { prepareWorkspace, PROFILE_NAME } from '../e2e/run';

async function main(): Promise<number> {
  const { downloadAndUnzipVSCode, runTests } = await import('@vscode/test-electron');
  let vscodeExecutablePath: string;
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({ version: process.env.PGLENS_VSCODE_VERSION || '1.100.3', timeout: 20_000, reporter: { report: () => undefined, error: () => undefined }, cachePath: path.join(ROOT, '.cache', 'vscode-test') });
  } catch (e) {
    const reason = String((e as Error).message ?? e).split('\n')[0];
    console.error(`test:vscode: cannot download VS Code (${reason}); the same extension-host suites run in code-server with "npm run test:e2e".`);
    return 1;
  }
  const build = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) return 1;
  const out = path.join(ROOT, '.cache', 'vscode-suite');
  const extensionTestsPath = await buildSuites(out);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-vscode-'));
  const db = await startDatabase();
  try {
    const ws = prepareWorkspace(scenario().sourceWorkspace, db, 'shop', tmp);
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath,
      extensionTestsEnv: { PGPASSWORD: db.password, PGLENS_SUITE_PROFILE: PROFILE_NAME },
      launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(tmp, 'user-data')],
    });
    return 0;
  } catch (e) {
    console.error(`test:vscode: ${(e as Error).message}`);
    return 1;
  } finally {
    await db.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then((c) => process.exit(c), (e) => {
  console.error(`test:vscode: ${(e as Error).message}`);
  process.exit(1);
});
