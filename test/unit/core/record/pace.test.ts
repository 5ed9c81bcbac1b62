import { strict as assert } from 'node:assert';
import { RoundTripGate } from '../../../../src/core/record/pace';

/** A round trip the test answers itself (the window taking an update), in order. */
function window(): { roundTrip: () => Promise<void>; answer: () => Promise<void>; open: () => number } {
  const pending: (() => void)[] = [];
  return {
    roundTrip: () => new Promise<void>((r) => pending.push(r)),
    answer: async () => {
      pending.shift()?.();
      // The gate's continuation runs after the answer's promise settles.
      await new Promise<void>((r) => setImmediate(r));
    },
    open: () => pending.length,
  };
}

describe('core/record/pace: updates sent to the window at the pace it takes them (person17 HIGH 3)', () => {
  it('while the window has not taken an update, requests wait and become one update, sent when it has', async () => {
    const w = window();
    let runs = 0;
    const gate = new RoundTripGate(() => runs++, w.roundTrip);
    gate.request();
    assert.equal(runs, 1);
    for (let i = 0; i < 1000; i++) gate.request();
    assert.equal(runs, 1, 'nothing more is sent while the window is behind');
    assert.equal(w.open(), 1, 'one round trip at a time');
    await w.answer();
    assert.equal(runs, 2, 'the thousand requests are one update, once the window took the last');
    await w.answer();
    assert.equal(runs, 2, 'nothing was asked meanwhile: nothing sent');
    assert.equal(w.open(), 0);
    gate.request();
    assert.equal(runs, 3, 'an idle window gets the next update at once');
  });

  it('a failed round trip (the window closing) does not stop the updates', async () => {
    let runs = 0;
    let fail: (e: Error) => void = () => undefined;
    const gate = new RoundTripGate(() => runs++, () => new Promise<void>((_, reject) => (fail = reject)));
    gate.request();
    gate.request();
    fail(new Error('window gone'));
    await new Promise<void>((r) => setImmediate(r));
    assert.equal(runs, 2);
  });
});
