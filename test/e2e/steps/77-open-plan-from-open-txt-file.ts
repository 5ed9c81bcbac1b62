/**
 * person23 LOW 11: "Open Plan from Selection or File" with a plan saved as slow-plan.txt open and nothing selected showed
 * a file picker. The open document whose text is a plan (any name) is the plan: the viewer opens on it, no picker.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const PLAN = path.join(__dirname, '..', '..', 'fixtures', 'plans', 'psql', 'pg15', 'join-filter-sort', 'aligned-border1-ascii.txt');

export const step: Step = {
  title: 'Open Plan from Selection or File on an open .txt plan with nothing selected opens that plan, no file picker',
  async run({ wb, workspace, screenshot, log }) {
    const file = path.join(workspace, 'slow-plan.txt');
    fs.writeFileSync(file, fs.readFileSync(PLAN, 'utf8'));
    try {
      await wb.freshEditor('slow-plan.txt');
      await wb.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
      await wb.keys('Mod+Home'); // the cursor at the start: nothing selected
      await wb.runCommand('PG Lens: Open Plan from Selection or File');
      // code-server's file picker is a quick input holding a path.
      const pickerInput = wb.page.locator('.quick-input-widget:visible .quick-input-box input');
      const view = await wb.until(async () => {
        const value = (await pickerInput.count()) ? await pickerInput.first().inputValue().catch(() => '') : '';
        if (value.startsWith('/')) throw new StepFailure(`a file picker opened (at "${value}") instead of the open slow-plan.txt`);
        return (await wb.page.locator('.tabs-container .tab').filter({ hasText: /slow-plan\.txt/ }).count()) > 1 && wb.webview(/from slow-plan\.txt/);
      }, 'a plan viewer tab "… from slow-plan.txt"', 30_000);
      await wb.see(view.locator('body').filter({ hasText: /Limit/ }), 'the Limit root of slow-plan.txt in the viewer', 30_000);
      log('slow-plan.txt opened in the plan viewer');
      await screenshot('txt-plan');
    } finally {
      await wb.runCommand('View: Close All Editor Groups');
      fs.rmSync(file, { force: true });
    }
  },
};
