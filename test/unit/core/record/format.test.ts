/** What the editor says when capture stops. */
import { strict as assert } from 'node:assert';
import { captureStoppedText } from '../../../../src/core/record/format';

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
});
