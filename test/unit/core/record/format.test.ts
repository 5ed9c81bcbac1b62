/** What the editor says when capture stops. */
import { strict as assert } from 'node:assert';
import { captureStoppedText, statementStatsStoppedText } from '../../../../src/core/record/format';

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
});
