/**
 * Issue 20 (ux19's left item): Stop Recording's message and the report's headline counted a recorded N+1 that a
 * `pg-lens-ignore n-plus-one` comment silences — "2 N+1 (see the Problems panel)" while the Problems panel had 1.
 */
import { strict as assert } from 'node:assert';
import { summarize } from '../../../../src/core/record/aggregate';
import { silencedRecordedNPlusOnes, silencedRecordedLines } from '../../../../src/core/record/findings';
import { captureStoppedText, recordingStoppedText, recordText } from '../../../../src/core/record/format';
import type { QueryEvent } from '../../../../src/core/record/protocol';
import { loadPgParser, normalizeSql } from '../../../../src/core/sql/statement';

const FILE = '/app/orders.js';
const LINES = [
  'async function page(db, orders) {',
  '  for (const o of orders) {',
  '    // pg-lens-ignore n-plus-one: ten orders a page, reviewed',
  '    o.items = await db.query("SELECT * FROM order_items WHERE order_id = $1", [o.id]);',
  '  }',
  '  for (const o of orders) {',
  '    o.customer = await db.query("SELECT * FROM customers WHERE id = $1", [o.customer_id]);',
  '  }',
  '}',
];
const TEXT = LINES.join('\n');

function q(sql: string, unit: string, line: number): QueryEvent {
  return { v: 1, t: 'q', lib: 'pg', sql, pc: 1, pt: [], ms: 1, rows: 1, u: { k: 'request', id: unit, n: 'GET /orders' }, ts: 0, pid: 1, site: { file: FILE, line, col: 5 } };
}

describe('recorded N+1s silenced by pg-lens-ignore: not counted as N+1 at Stop', () => {
  before(() => loadPgParser());
  const events: QueryEvent[] = [];
  for (const unit of ['r1', 'r2']) {
    for (let i = 0; i < 10; i++) events.push(q('SELECT * FROM order_items WHERE order_id = $1', unit, 4));
    for (let i = 0; i < 10; i++) events.push(q('SELECT * FROM customers WHERE id = $1', unit, 7));
  }
  const state = () => ({ summary: summarize(events, normalizeSql, { threshold: 5 }), advice: new Map() });

  it('the silenced one is found through the suppression step (the same lines the CodeLens leaves without ": N+1")', () => {
    const s = state();
    assert.equal(s.summary.nPlusOne.length, 2);
    const silenced = silencedRecordedNPlusOnes(s, (f) => (f === FILE ? TEXT : undefined));
    assert.deepEqual([...silenced].map((n) => n.line), [4]);
    assert.deepEqual([...silencedRecordedLines(s, FILE, TEXT)], [4]);
    // A file that cannot be read keeps its N+1s counted; the rule off silences both; a rule set to error silences none.
    assert.equal(silencedRecordedNPlusOnes(s, () => undefined).size, 0);
    assert.equal(silencedRecordedNPlusOnes(s, () => TEXT, { 'n-plus-one': 'off' }).size, 2);
    assert.equal(silencedRecordedNPlusOnes(s, () => TEXT.replace('// pg-lens-ignore', '// not'), { 'n-plus-one': 'error' }).size, 0);
    assert.deepEqual([...silencedRecordedLines(s, FILE, TEXT.replace('// pg-lens-ignore', '// not'), { 'n-plus-one': 'error' })], []);
  });

  it('the Stop message and the report headline count 1 N+1 and say "1 silenced"', () => {
    const s = state();
    const silenced = silencedRecordedNPlusOnes(s, () => TEXT);
    const msg = captureStoppedText(40, s.summary.nPlusOne.length - silenced.size, { silenced: silenced.size }).message;
    assert.equal(msg, 'PG Lens: 40 statements recorded; 1 N+1 (see the Problems panel), 1 silenced (pg-lens-ignore).');
    assert.equal(captureStoppedText(40, 0, { silenced: 2 }).message, 'PG Lens: 40 statements recorded; 2 silenced (pg-lens-ignore).');
    assert.match(recordingStoppedText({ statements: 40, nPlusOne: 1, silenced: 1 }, { flagged: 0, repeated: 2, window: '30 s' }), /; 1 N\+1 \(see the Problems panel\), 1 silenced \(pg-lens-ignore\)\./);
    const report = recordText(s.summary, (f) => f, undefined, undefined, silenced);
    assert.match(report, /^N\+1 \(the same statement from one call site 5\+ times in one unit of work\): 1 \(and 1 silenced by pg-lens-ignore\)$/m);
    assert.match(report, /\/app\/orders\.js:4:5 {2}\(silenced\) /);
    assert.doesNotMatch(report, /\/app\/orders\.js:7:5 {2}\(silenced\)/);
  });
});
