/** The confirmation dialog of a maintenance action: what Enter (the first, highlighted button) does. */
import { strict as assert } from 'node:assert';
import { ACTION_KINDS, confirmButtons, isDestructive } from '../../../../src/core/dashboard/actions';

describe('core/dashboard/actions: confirmation buttons', () => {
  it('for what cannot be undone the highlighted button keeps things as they are; otherwise it runs the action', () => {
    assert.deepEqual(confirmButtons('reset-statements').map((b) => b.title), ['Keep the statistics', 'Reset the statistics']);
    assert.deepEqual(confirmButtons('drop-index').map((b) => b.title), ['Keep the index', 'Drop the index']);
    for (const kind of ACTION_KINDS) {
      const b = confirmButtons(kind);
      assert.equal(b.filter((x) => x.confirms).length, 1, `${kind}: one button confirms`);
      assert.equal(b[0].confirms, !isDestructive(kind), `${kind}: the first (primary) button ${isDestructive(kind) ? 'keeps' : 'runs'}`);
    }
  });
});
