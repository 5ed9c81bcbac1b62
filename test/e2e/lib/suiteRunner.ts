/**
 * The extension-host suites of test/vscode/suite, run inside code-server: a tiny runner extension
 * (activated on startup) loads the bundled suites with mocha and writes their results to a file.
 * The same suites run in desktop VS Code under @vscode/test-electron (npm run test:vscode).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSuites } from '../../vscode/build';
import { ROOT } from './database';

export const RUNNER_ID = 'pg-lens-tests.suite-runner';

const RUNNER_JS = `
const fs = require('fs');
exports.activate = async function () {
  const out = process.env.PGLENS_SUITE_RESULTS;
  // Once per run: after a window reload (a new extension host) the suites would run again, and one of them
  // closes all editors — the tabs a reload step checks were restored.
  if (out && fs.existsSync(out)) return;
  try {
    await require('./suite/index.js').runSuites();
  } catch (e) {
    if (out) fs.writeFileSync(out, JSON.stringify({ passed: [], failed: [{ title: 'suite runner', error: String(e && e.message || e) }] }));
  }
};
`;

/** Writes the runner extension into extensionsDir; returns the env code-server needs for it. */
export async function installSuiteRunner(extensionsDir: string, resultsFile: string, profileName: string): Promise<NodeJS.ProcessEnv> {
  const dir = path.join(extensionsDir, `${RUNNER_ID}-0.0.1`);
  fs.mkdirSync(dir, { recursive: true });
  await buildSuites(path.join(dir, 'suite'));
  fs.writeFileSync(path.join(dir, 'extension.js'), RUNNER_JS);
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'suite-runner', publisher: 'pg-lens-tests', version: '0.0.1', engines: { vscode: '^1.100.0' }, main: './extension.js', activationEvents: ['onStartupFinished'], extensionDependencies: ['pg-lens.pg-lens'] }, null, 2),
  );
  // Extensions not listed in extensions.json are not loaded: register the runner as an install would.
  const list = path.join(extensionsDir, 'extensions.json');
  const entries = fs.existsSync(list) ? (JSON.parse(fs.readFileSync(list, 'utf8')) as any[]) : [];
  entries.push({
    identifier: { id: RUNNER_ID },
    version: '0.0.1',
    location: { $mid: 1, fsPath: dir, external: `file://${dir}`, path: dir, scheme: 'file' },
    relativeLocation: path.basename(dir),
    metadata: { installedTimestamp: Date.now(), source: 'vsix' },
  });
  fs.writeFileSync(list, JSON.stringify(entries));
  return { PGLENS_SUITE_RESULTS: resultsFile, PGLENS_SUITE_PROFILE: profileName, PGLENS_MOCHA: path.join(ROOT, 'node_modules', 'mocha') };
}
