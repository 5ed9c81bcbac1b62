/**
 * A finding under the pointer is said once in the hover (person22 LOW B): VS Code shows it first, in its own problem
 * part above every provider's text, so PG Lens's part (the statement's plan) leaves it out — the N+1 sentence was there
 * twice. Hovering the loop's statement inside the N+1 finding's range: the plan part is there, the N+1 sentence once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

export const step: Step = {
  title: 'a finding under the pointer is said once in the hover: VS Code\'s problem part, not again in PG Lens\'s (person22 LOW B)',
  async run({ wb, scenario, workspace, screenshot, log }) {
    await wb.freshEditor(scenario.loopFile);
    // The statement's first words (Monaco renders a long string in pieces of 50 characters: a pair near its start is
    // in one piece).
    const line = fs.readFileSync(path.join(workspace, scenario.loopFile), 'utf8').split('\n').find((l) => l.includes(scenario.loopCallText)) ?? '';
    const first = /SELECT ([\w(*)]+)/.exec(line)?.[1];
    if (!first) throw new StepFailure(`the scenario's loop statement is not a SELECT on one line: ${line}`);
    const text = await wb.hoverUntil(
      () => wb.hoverInFile(scenario.loopFile, scenario.loopCallText, 'SELECT', first),
      (t) => /N\+1 query/.test(t) && /Open plan/.test(t),
      'a hover on the loop\'s statement with its N+1 finding and its plan',
      90_000,
    );
    const sentence = text.split('\n').map((l) => l.trim()).find((l) => /N\+1 query/.test(l)) ?? '';
    // The finding's first words, as both parts would write them (the plan part escapes Markdown; the words are plain).
    const head = /N\+1 query: [^.`(]{10,60}/.exec(sentence)?.[0] ?? sentence.slice(0, 40);
    const times = text.split(head).length - 1;
    log(`hover: "${head}" ${times} time(s); ${text.replace(/\s+/g, ' ').slice(0, 240)}`);
    await screenshot('hover-finding-once');
    await wb.page.mouse.move(5, 5);
    if (times !== 1) throw new StepFailure(`expected the N+1 finding under the pointer once in the hover (VS Code's problem part); saw "${head}" ${times} times`);
  },
};
