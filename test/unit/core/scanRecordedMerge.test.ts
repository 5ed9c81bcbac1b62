/**
 * A scan with a recording: the whole-scan passes' findings (a cross-file N+1 found once every file is read) are merged
 * with the recording's at the same line, as a file's own findings are (CLOSING20: after Scan Workspace with a recording,
 * the extension host held the static cross-file N+1 "`order.getItems` …" and the recorded N+1 at orm/orders.ts:8 side by
 * side — toast 15 warnings, the window 14).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeAnalyzers } from '../../../src/core/analyzers';
import { CrossFileCalls } from '../../../src/core/nplusone/crossFile';
import { scanFiles, type Analyzer } from '../../../src/core/scan';
import type { Finding } from '../../../src/core/findings';

const ORM = join(__dirname, '../../../examples/shop/orm');
const FILES = ['models.ts', 'orders.ts'].map((f) => ({ path: join(ORM, f), text: readFileSync(join(ORM, f), 'utf8') }));
const ORDERS = FILES[1];

/** What the recording's analyzer gives for orders.ts: the N+1 it saw at line 8 (the getItems call). */
const recordedAnalyzer: Analyzer = {
  id: 'recorded-test',
  rules: [],
  analyze: ({ file, text }) => {
    if (file !== ORDERS.path) return [];
    const start = text.indexOf('order.getItems');
    const f: Finding = { ruleId: 'n-plus-one', severity: 'warning', message: 'N+1: SELECT … FROM "order_items" 20 times in one request (GET /orders)', span: { start, end: start + 14 }, file, fixes: [], evidence: { recorded: true, calls: 20 } };
    return [f];
  },
};

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

describe('core/scan: a recording and the whole-scan passes', () => {
  it('the static cross-file N+1 and the recorded one at the same line are one finding, in the result and in onRevised', async () => {
    const revised = new Map<string, Finding[]>();
    const r = await scanFiles(FILES, {
      analyzers: [...codeAnalyzers({ workspace: { index: new CrossFileCalls(), live: false } }), recordedAnalyzer],
      onRevised: ({ file, findings }) => revised.set(file, findings),
    });
    const atLine8 = (fs: readonly Finding[]) => fs.filter((f) => f.file === ORDERS.path && f.ruleId === 'n-plus-one' && lineOf(ORDERS.text, f.span.start) === 8);
    const inResult = atLine8(r.findings);
    assert.equal(inResult.length, 1, inResult.map((f) => f.message).join(' | '));
    assert.equal(inResult[0].evidence?.recorded, true, 'the merged finding carries the recording');
    assert.equal(inResult[0].evidence?.static, true, 'and the code\'s reading (the static finding it merged with)');
    assert.match(inResult[0].message, /20 times in one request/);
    const shown = revised.get(ORDERS.path);
    assert.ok(shown, 'the file is published again once the whole-scan pass found its cross-file N+1');
    assert.equal(atLine8(shown).length, 1, atLine8(shown).map((f) => f.message).join(' | '));
  });

  it('without a recording the cross-file N+1 is still reported (the merge takes nothing away)', async () => {
    const r = await scanFiles(FILES, { analyzers: codeAnalyzers({ workspace: { index: new CrossFileCalls(), live: false } }) });
    const n = r.findings.filter((f) => f.file === ORDERS.path && f.ruleId === 'n-plus-one' && lineOf(ORDERS.text, f.span.start) === 8);
    assert.equal(n.length, 1);
    assert.notEqual(n[0].evidence?.recorded, true);
  });
});
