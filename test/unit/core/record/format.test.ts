/** What the editor says when capture stops. */
import { strict as assert } from 'node:assert';
import { captureStoppedText, nPlusOneMessage, recordedNPlusOneHoverLine, statementStatsStoppedText } from '../../../../src/core/record/format';

describe('core/record/format: capture stopped', () => {
  it('nothing captured says where capture looks, never a bare "0 statements recorded"', () => {
    const none = captureStoppedText(0, 0);
    assert.doesNotMatch(none.message, /0 statements/);
    assert.match(none.message, /no statement was captured.*terminal or debug session/);
    assert.equal(none.status, 'nothing captured');
  });
  it('counts with the right noun and the N+1 pointer', () => {
    assert.equal(captureStoppedText(1, 0).message, 'PG Lens: 1 statement recorded.');
    assert.equal(captureStoppedText(120, 2).message, 'PG Lens: 120 statements recorded; 2 N+1 (see the Problems panel).');
    assert.equal(captureStoppedText(120, 2).status, '120 statements recorded');
  });
  it("the pg_stat_statements half never contradicts the capture's N+1 (both toasts show at once)", () => {
    // Seen: "no observed N+1. 3 other statements…" beside "45 statements recorded; 1 N+1 (see the Problems panel)."
    const capture = captureStoppedText(45, 1).message;
    const stats = statementStatsStoppedText(0, 3, 1);
    assert.match(capture, /1 N\+1/);
    assert.doesNotMatch(stats, /no observed N\+1/);
    assert.match(stats, /^PG Lens: pg_stat_statements adds no N\+1 to the capture's\. 3 other statements ran many times/);
    // Without capture findings it says what it saw, as before.
    assert.equal(statementStatsStoppedText(0, 0, 0), 'PG Lens: no observed N+1.');
    assert.match(statementStatsStoppedText(2, 3, 1), /^PG Lens: 2 observed N\+1s: statements sent from a loop.*1 other statement ran many times/);
  });
  it('the recorded-line hover does not repeat the N+1 fix its diagnostic already shows', () => {
    const n = { calls: 10, unitKind: 'request', unit: 'GET /orders/recent', units: 3, file: 'orm/orders.ts', line: 8, col: 1, sql: 'SELECT 1', fix: 'Load the association with the parent query: findAll({ include: [Assoc] }) (or one findAll({ where: { fk: ids } }) and group in memory).' } as unknown as Parameters<typeof nPlusOneMessage>[0];
    const line = recordedNPlusOneHoverLine(n);
    assert.match(line, /10 calls in one request/);
    assert.ok(!line.includes('Load the association'), `the fix is said once, by the diagnostic: ${line}`);
  });
});
