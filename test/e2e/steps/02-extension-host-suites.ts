/**
 * The extension-host suites (test/vscode/suite, shared with `npm run test:vscode`) ran inside this
 * code-server through the PgLensApi that activate() returns, and all passed.
 */
import * as fs from 'node:fs';
import type { SuiteResult } from '../../vscode/suite/index';
import type { Step } from '../lib/types';

export const step: Step = {
  title: 'the extension-host suites pass inside code-server',
  async run({ wb, suiteResults, log }) {
    const result = await wb.until(
      async () => (fs.existsSync(suiteResults) ? (JSON.parse(fs.readFileSync(suiteResults, 'utf8')) as SuiteResult) : undefined),
      'the extension-host suites to report their results (runner extension activated on startup)',
      90_000,
    );
    log(`${result.passed.length} passed, ${result.failed.length} failed in the extension host`);
    if (result.failed.length) throw new Error(`extension-host tests failed:\n    ${result.failed.map((f) => `${f.title}: ${f.error}`).join('\n    ')}`);
    if (!result.passed.length) throw new Error('expected the extension-host suites to run at least one test; none ran');
  },
};
