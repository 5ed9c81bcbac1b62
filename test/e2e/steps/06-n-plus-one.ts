/** The n-plus-one diagnostic appears on the query call inside the loop. */
import type { Step } from '../lib/types';

export const step: Step = {
  title: 'n-plus-one: the diagnostic appears on the call in the loop',
  async run({ wb, scenario, screenshot, log }) {
    await wb.openFile(scenario.loopFile);
    // This file's (an earlier scan can have listed other files' first), scrolled into view.
    const row = await wb.problemRow('n-plus-one', 'n-plus-one', `an n-plus-one problem for ${scenario.loopFile}`, 60_000, scenario.loopFile.split('/').pop());
    const text = (await row.first().innerText()).replace(/\s+/g, ' ');
    const ln = Number(/Ln (\d+)/.exec(text)?.[1]);
    const [from, to] = scenario.loopCallLines;
    if (!(ln >= from && ln <= to)) throw new Error(`expected the n-plus-one problem on the call in the loop (lines ${from}–${to}), saw it at line ${ln}: ${text}`);
    log(`problem: ${text.slice(0, 160)}`);
    // The squiggle is on the call itself, in the editor.
    await row.first().click();
    await wb.see(wb.page.locator('.editor-instance .monaco-editor .squiggly-warning, .editor-instance .monaco-editor .squiggly-error, .editor-instance .monaco-editor .squiggly-info'), 'a squiggle under the call in the editor');
    await screenshot('n-plus-one');
  },
};
