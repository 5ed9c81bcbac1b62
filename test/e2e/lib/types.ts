/** What each step of the end-to-end suite receives. One file per step under test/e2e/steps/. */
import type { E2EDatabase } from './database';
import type { Scenario } from './scenario';
import type { Workbench } from './workbench';

export interface StepContext {
  wb: Workbench;
  db: E2EDatabase;
  /** The temp copy of the workspace code-server opened. */
  workspace: string;
  /** Files and statements of the workspace the steps act on. */
  scenario: Scenario;
  /** The name of the connection profile written to the workspace settings. */
  profileName: string;
  /** code-server's user settings file (User/settings.json of its user-data folder): what a person's user settings hold. */
  userSettings: string;
  /** Where the extension-host suites (test/vscode/suite, run by a runner extension) write their results. */
  suiteResults: string;
  /** Save a screenshot of the whole workbench as test-results/e2e/<step>-<name>.png. */
  screenshot(name: string): Promise<string>;
  /** Progress line in the run's output. */
  log(message: string): void;
}

export interface Step {
  /** What a person sees when it passes, e.g. "the status bar shows the connection". */
  title: string;
  run(ctx: StepContext): Promise<void>;
}
