/** What the editor says when capture stops. */
import { strict as assert } from 'node:assert';
import { captureStoppedText, nPlusOneMessage, recordedNPlusOneHoverLine, recordedSiteReport, recordingClearConfirmation, recordingClearedText, recordingStoppedText, recordText } from '../../../../src/core/record/format';
import type { RecordSummary } from '../../../../src/core/record/aggregate';

describe('core/record/format: Clear Recorded Queries', () => {
  it('says what it cleared, and that there was nothing to clear (person9 P15: silence with nothing recorded)', () => {
    assert.equal(recordingClearedText(0, false), 'PG Lens: nothing recorded to clear.');
    assert.equal(recordingClearedText(1, false), 'PG Lens: cleared 1 recorded statement and the findings made from it.');
    assert.match(recordingClearedText(45, true), /^PG Lens: cleared 45 recorded statements and the findings made from them\. The recording goes on/);
  });

  it('asks before it drops a recording, the count in the button, the recording kept by the first button (person47 L10); nothing recorded, nothing asked', () => {
    assert.equal(recordingClearConfirmation(0, false), undefined);
    assert.equal(recordingClearConfirmation(0, true), undefined);
    const ask = recordingClearConfirmation(609, false)!;
    assert.equal(ask.message, 'Clear 609 recorded statements?');
    assert.deepEqual(ask.labels, { confirm: 'Clear 609 recorded statements', keep: 'Keep the recording' });
    assert.match(ask.detail, /N\+1 and index findings, plans and CodeLens made from them; this cannot be undone\.$/);
    const one = recordingClearConfirmation(1, true)!;
    assert.equal(one.labels.confirm, 'Clear 1 recorded statement');
    assert.match(one.detail, /made from it; this cannot be undone\. The recording goes on: new statements are counted from zero\.$/);
  });
});

describe('core/record/format: capture stopped', () => {
  it('nothing captured says where capture looks, never a bare "0 statements recorded"', () => {
    const none = captureStoppedText(0, 0);
    assert.doesNotMatch(none.message, /0 statements/);
    assert.match(none.message, /no statement was captured.*terminal or debug session/);
    assert.equal(none.status, 'nothing captured');
  });
  it('nothing captured with terminals opened before the recording: names them first and says to open a new terminal, then the driver (person40 M2)', () => {
    const node = { captured: ['Node'], other: [] };
    const toast = captureStoppedText(0, 0, { terminals: ['shop demo'] }, node).message;
    assert.match(toast, /^PG Lens: no statement was captured from the app\. The terminal "shop demo" was opened before the recording started: what runs there is not recorded\. Open a new terminal .*\. Otherwise: the capture records Node \(pg\)/, toast);
    assert.ok(toast.indexOf('"shop demo"') < toast.indexOf('pg'), toast);
    const both = recordingStoppedText({ statements: 0, nPlusOne: 0, terminals: ['bash', 'shop demo'] }, { flagged: 0, repeated: 0, window: '30 s' }, node);
    assert.match(both, /^PG Lens: no statement was captured from the app\. 2 terminals \("bash", "shop demo"\) were opened before the recording started/, both);
    const empty = { statements: 0, totalMs: 0, units: {}, notices: [], nPlusOne: [], writesPerItem: [], sites: [], threshold: 5, errors: 0 } as unknown as RecordSummary;
    const report = recordText(empty, (f) => f, undefined, node, new Set(), ['shop demo']);
    assert.match(report, /Nothing was recorded\. The terminal "shop demo" was opened before the recording started: what runs there is not recorded\. Open a new terminal .* Otherwise: did the command use PostgreSQL through pg \(Node\)/, report);
    // No terminal open before: as before.
    assert.match(recordText(empty, (f) => f, undefined, node, new Set(), []), /Nothing was recorded: did the command use PostgreSQL/);
    assert.match(captureStoppedText(0, 0, { terminals: [] }, node).message, /^PG Lens: no statement was captured from the app \(the capture records/);
  });
  it('counts with the right noun and the N+1 pointer', () => {
    assert.equal(captureStoppedText(1, 0).message, 'PG Lens: 1 statement recorded.');
    assert.equal(captureStoppedText(120, 2).message, 'PG Lens: 120 statements recorded; 2 N+1 (see the Problems panel).');
    assert.equal(captureStoppedText(120, 2).status, '120 statements recorded');
  });
  it("one message at Stop Recording: the capture's N+1s, and pg_stat_statements said to be the whole server's, never contradicting them (person10 N9)", () => {
    // Seen: "145 statements recorded; 3 N+1" and a second toast "no observed N+1. 2 other statements ran many times…".
    const both = recordingStoppedText({ statements: 145, nPlusOne: 3 }, { flagged: 0, repeated: 2, window: '101 s' });
    assert.equal(both, 'PG Lens: 145 statements recorded; 3 N+1 (see the Problems panel). The report (Output) adds what the whole server (pg_stat_statements: every client, 101 s) ran.');
    assert.doesNotMatch(both, /no observed N\+1/);
    // An N+1 only pg_stat_statements saw (code the capture did not record) is added, as the server's.
    assert.match(recordingStoppedText({ statements: 145, nPlusOne: 3 }, { flagged: 1, repeated: 3, window: '101 s' }), /3 N\+1 \(see the Problems panel\)\. Besides the recording, on the whole server \(pg_stat_statements: every client, 101 s\): 1 observed N\+1, /);
    // Without the capture (or with nothing captured) pg_stat_statements says what it saw, and whose figures they are.
    assert.equal(recordingStoppedText(undefined, { flagged: 0, repeated: 0, window: '30 s' }), 'PG Lens: no observed N+1 on the whole server (pg_stat_statements: every client, 30 s).');
    assert.match(recordingStoppedText({ statements: 0, nPlusOne: 0 }, { flagged: 2, repeated: 3, window: '30 s' }), /^PG Lens: no statement was captured from the app .*\. On the whole server \(pg_stat_statements: every client, 30 s\): 2 observed N\+1s/);
    // Capture alone (not connected): the capture's message.
    assert.equal(recordingStoppedText({ statements: 120, nPlusOne: 2 }, undefined), captureStoppedText(120, 2).message);
  });
  it('the recorded-line hover does not repeat the N+1 fix its diagnostic already shows', () => {
    const n = { calls: 10, unitKind: 'request', unit: 'GET /orders/recent', units: 3, file: 'orm/orders.ts', line: 8, col: 1, sql: 'SELECT 1', fix: 'Load the association with the parent query: findAll({ include: [Assoc] }) (or one findAll({ where: { fk: ids } }) and group in memory).' } as unknown as Parameters<typeof nPlusOneMessage>[0];
    const line = recordedNPlusOneHoverLine(n);
    assert.match(line, /10 calls in one request/);
    assert.ok(!line.includes('Load the association'), `the fix is said once, by the diagnostic: ${line}`);
    // The same values every call (issue 16 C): the hover names it as its diagnostic does.
    assert.match(recordedNPlusOneHoverLine({ ...n, repeated: true }), /^\*\*Repeated query \(same parameters\)\*\*: 10 calls in one request/);
  });
});

describe('core/record/format recordedSiteReport: what "Plan and index advice" opens', () => {
  const st = (sql: string, normalized: string, calls: number) => ({ sql, normalized, calls, totalMs: 12.5, maxPerUnit: 20, maxUnitKind: 'request', errors: 0 }) as unknown as Parameters<typeof recordedSiteReport>[1]['statements'][number];
  it('shows each statement of the line with its plan and the index proved for it, or why there is none (the link only said "in its hover")', () => {
    const site = { calls: 320, totalMs: 40, via: 'sequelize', statements: [st("SELECT * FROM orders WHERE status = 'refunded' ORDER BY placed_at DESC LIMIT 20", 'q1', 300), st('SELECT * FROM customers WHERE id = $1', 'q2', 20)] };
    const advice = new Map([
      ['q1', { suggestions: [{ ddl: 'CREATE INDEX CONCURRENTLY orders_status_placed_at_idx ON orders (status, placed_at DESC)', costBefore: 1176, costAfter: 12, summary: 'orders (status, placed_at DESC): cost 1,176 → 12', planBefore: [] }] }],
      ['q2', { suggestions: [], note: 'already an index scan on customers_pkey' }],
    ]);
    const plans = new Map([['q1', 'Limit  (cost 0.05 self)\n  Seq Scan on orders  (cost 1176 self)']]);
    const text = recordedSiteReport('src/orm/orders.ts:70', site, advice, plans, 'shop (database shop)');
    assert.match(text, /^# Recorded at src\/orm\/orders\.ts:70\n\n320 statements, 40\.0 ms, via sequelize · plans and advice from shop \(database shop\)\./);
    assert.match(text, /## 1\. 300× · 12\.5 ms · at most 20 in one request\n\n```sql\nSELECT \* FROM orders WHERE status = 'refunded'/);
    assert.match(text, /### Plan\n\n```text\nLimit {2}\(cost 0\.05 self\)\n {2}Seq Scan on orders/);
    // The brief here; the whole plan where every plan is shown (the plan viewer, beside for the costliest statement).
    assert.match(text, /```\n\nThe whole plan is open in the plan viewer; the call site's hover has "Open plan" for each statement\./);
    assert.match(text, /### Index advice\n\norders \(status, placed_at DESC\): cost 1,176 → 12\n\n```sql\nCREATE INDEX CONCURRENTLY orders_status_placed_at_idx ON orders \(status, placed_at DESC\);\n```/);
    assert.match(text, /## 2\. 20×[\s\S]*### Plan\n\nNot planned[\s\S]*### Index advice\n\nalready an index scan on customers_pkey\n$/);
  });
  it('a statement with backticks in it cannot close its code block early', () => {
    const text = recordedSiteReport('a.ts:1', { calls: 1, totalMs: 1, statements: [st('SELECT "```" AS x', 'q', 1)] }, new Map(), new Map());
    assert.match(text, /````sql\nSELECT "```" AS x\n````/);
    assert.match(text, /Not advised yet/);
  });
});
