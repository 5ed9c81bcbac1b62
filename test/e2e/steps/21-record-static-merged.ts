/**
 * A recorded N+1 and the static N+1 on the same call are one problem: a small script written into the
 * workspace reads rows and then queries once per row in a loop (the static check finds it on open);
 * run in a recording terminal, the recording proves it. The Problems panel then holds one n-plus-one
 * problem on that call: the recorded count as its message, the static check's batched rewrite and the
 * recording's "Go to the query that loads the rows" among its quick fixes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runInRecordingTerminal, stopRecording } from '../lib/recording';
import type { Step } from '../lib/types';

const FILE = 'recordLoop.js';
const SCRIPT = `// Written by e2e step 21: one query per customer in a loop.
const { Client } = require('pg');
(async () => {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  const { rows } = await client.query('SELECT id FROM customers ORDER BY id LIMIT 7');
  for (const c of rows) {
    const { rows: counted } = await client.query('SELECT count(*) FROM orders WHERE customer_id = $1', [c.id]); // loop call
    c.orders = Number(counted[0].count);
  }
  await client.end();
})();
`;

export const step: Step = {
  title: 'recording + static: the N+1 both find on one call is one problem with the recorded count and both fixes',
  async run({ wb, db, workspace, screenshot, log }) {
    fs.writeFileSync(path.join(workspace, FILE), SCRIPT);
    const line = SCRIPT.split('\n').findIndex((l) => l.includes('// loop call')) + 1;
    await wb.openFile(FILE);
    await runInRecordingTerminal({ wb, db }, `exec node ${FILE}`);
    await wb.see(wb.statusBarItem(/\d+ statements? · 1 N\+1/), 'the status bar counting the recorded statements and 1 N+1', 120_000);
    const base = FILE.split('/').pop();
    await wb.problemRow('n-plus-one', /7 times in one run/, `the N+1 problem of ${FILE} with the recorded count`, 60_000, base);
    // This file's n-plus-one problems at that line, every row of the list read (it draws only those on screen).
    const texts = (await wb.problemTexts('n-plus-one', base)).filter((t) => /n-plus-one/.test(t) && t.includes(`Ln ${line},`));
    log(`n-plus-one problems at line ${line}: ${JSON.stringify(texts)}`);
    if (texts.length !== 1) throw new Error(`expected one n-plus-one problem at ${FILE}:${line} (recorded and static merged), saw ${texts.length}: ${JSON.stringify(texts)}`);
    await (await wb.problemRow('n-plus-one', /7 times in one run/, `the N+1 problem of ${FILE} with the recorded count`, 30_000, base)).click();
    await screenshot('recorded-static-n-plus-one');
    const titles = await wb.quickFixes(/Go to the query that loads the rows/, 'the quick-fix menu with the recording\'s and the static check\'s fixes');
    log(`quick fixes: ${titles.join(' | ')}`);
    if (!titles.some((t) => /batched rewrite/.test(t))) throw new Error(`expected the static check's "Show the batched rewrite" among the quick fixes, saw: ${titles.join(' | ')}`);
    await wb.page.keyboard.press('Escape');
    await stopRecording(wb, log);
  },
};
