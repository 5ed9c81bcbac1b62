/**
 * An open file's cross-file N+1 without Scan Workspace (issue 20 item 4, person10 N24): on Unleash,
 * dependent-features-service.ts open showed nothing for `parents.map(… this.unprotectedUpsertFeatureDependency(…))`,
 * whose query sits in a store file, until a scan ran. The editor now keeps a cross-file index of the workspace built in
 * the background (or a scan's) and follows files written on disk: two files in Unleash's shape are written into the
 * workspace while the window runs, the service is opened, and its finding appears — no scan. Deleting the store takes
 * the finding away again (the index follows the disk). The files are removed after the step.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const FOLDER = 'n24app';
const STORE = "import type { Knex } from 'knex';\nexport class DependentFeaturesStore {\n  constructor(private db: Knex) {}\n  async upsertParentLink(child: string, parent: string): Promise<void> {\n    await this.db('dependent_features').insert({ child, parent }).onConflict(['child', 'parent']).merge();\n  }\n}\n";
const SERVICE = "import type { DependentFeaturesStore } from './dependent-features-store';\nexport class DependentFeaturesService {\n  constructor(private dependentFeaturesStore: DependentFeaturesStore) {}\n  async cloneDependencies(parents: string[], child: string): Promise<void> {\n    await Promise.all(parents.map((parent) => this.unprotectedUpsertFeatureDependency(child, parent)));\n  }\n  async unprotectedUpsertFeatureDependency(child: string, parent: string): Promise<void> {\n    await this.dependentFeaturesStore.upsertParentLink(child, parent);\n  }\n}\n";
const FINDING = /this\.unprotectedUpsertFeatureDependency\(\)[\s\S]*reaches the database/;

export const step: Step = {
  title: 'A file with a cross-file N+1 opened before any Scan Workspace shows it; the finding follows the callee\'s file on disk',
  async run({ wb, workspace, screenshot, log }) {
    const dir = path.join(workspace, FOLDER);
    fs.mkdirSync(dir, { recursive: true });
    try {
      await wb.runCommand('View: Close All Editors');
      fs.writeFileSync(path.join(dir, 'dependent-features-store.ts'), STORE);
      fs.writeFileSync(path.join(dir, 'dependent-features-service.ts'), SERVICE);
      await wb.openFile(`${FOLDER}/dependent-features-service.ts`);
      // The background index is built once per window (it may still be reading the workspace): wait on the finding.
      await wb.problemRow('reaches the database', FINDING, 'the cross-file N+1 of the open service, without a scan', 180_000);
      // Counted over every row of the list (it draws only those on screen).
      const shown = async () => (await wb.problemTexts('reaches the database')).filter((t) => FINDING.test(t)).length;
      const count = await shown();
      log(`the open service's cross-file N+1 shown ${count} time(s), no scan run in this step`);
      await screenshot('cross-file-before-scan');
      if (count !== 1) throw new StepFailure(`expected the cross-file finding once, saw it ${count} times`);
      // The store deleted on disk (never opened): its method is gone, so is the finding.
      fs.rmSync(path.join(dir, 'dependent-features-store.ts'));
      const deadline = Date.now() + 120_000;
      for (;;) {
        const left = await shown();
        if (!left) break;
        if (Date.now() > deadline) throw new StepFailure('the finding stayed after its callee\'s file was deleted on disk');
        await wb.page.waitForTimeout(500);
      }
      log('the store deleted on disk: the finding went');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await wb.runCommand('View: Close All Editors');
    }
  },
};
