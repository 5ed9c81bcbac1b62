/** The confirmation dialog of a maintenance action: two buttons, one runs it, one keeps things as they are (Escape). */
import { strict as assert } from 'node:assert';
import { ACTION_KINDS, confirmButtons, keptMessage } from '../../../../src/core/dashboard/actions';

describe('core/dashboard/actions: confirmation buttons', () => {
  it('two buttons: the action named for what happens, and the one that keeps things as they are — no VS Code "Cancel" beside "Keep the session"', () => {
    assert.deepEqual(confirmButtons('terminate-backend').map((b) => b.title), ['Terminate the session', 'Keep the session']);
    assert.deepEqual(confirmButtons('reset-statements').map((b) => b.title), ['Reset the statistics', 'Keep the statistics']);
    assert.deepEqual(confirmButtons('drop-index').map((b) => b.title), ['Drop the index', 'Keep the index']);
    for (const kind of ACTION_KINDS) {
      const b = confirmButtons(kind);
      assert.equal(b.filter((x) => x.confirms).length, 1, `${kind}: one button confirms`);
      // A close affordance among the items is what keeps VS Code from adding its own "Cancel"; it never confirms.
      assert.deepEqual(b.filter((x) => x.close).map((x) => x.confirms), [false], `${kind}: one close affordance, which keeps`);
    }
  });

  it('the keeping button\'s note says what was kept, never a bare "Cancelled." (person22 LOW A: "Let it run" then "Cancelled.")', () => {
    assert.equal(keptMessage('cancel-backend'), 'Nothing done: the query runs on.');
    assert.equal(keptMessage('terminate-backend'), 'Nothing done: the session stays.');
    for (const kind of ACTION_KINDS) assert.doesNotMatch(keptMessage(kind), /^Cancelled\.$/, kind);
  });
});
