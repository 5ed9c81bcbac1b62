/** The confirmation dialog of a maintenance action: one button runs it, one keeps things as they are; Enter keeps for what cannot be undone. */
import { strict as assert } from 'node:assert';
import { ACTION_KINDS, confirmButtons, isDestructive, keptMessage } from '../../../../src/core/dashboard/actions';

/** The button VS Code's modal makes primary (Enter): the first item that is not a close affordance. */
const primary = (kind: (typeof ACTION_KINDS)[number]) => confirmButtons(kind).find((b) => !b.close);

describe('core/dashboard/actions: confirmation buttons', () => {
  it('Enter keeps things as they are for terminate, cancel, drop and reset (person23 MEDIUM 5: Enter terminated the session)', () => {
    assert.deepEqual(confirmButtons('terminate-backend').map((b) => b.title), ['Keep the session', 'Terminate the session']);
    assert.deepEqual(confirmButtons('cancel-backend').map((b) => b.title), ['Let it run', 'Stop the query']);
    assert.deepEqual(confirmButtons('reset-statements').map((b) => b.title), ['Keep the statistics', 'Reset the statistics']);
    assert.deepEqual(confirmButtons('drop-index').map((b) => b.title), ['Keep the index', 'Drop the index']);
    for (const kind of ACTION_KINDS) {
      const b = confirmButtons(kind);
      assert.equal(b.filter((x) => x.confirms).length, 1, `${kind}: one button confirms`);
      // Escape (the close affordance, or VS Code's own "Cancel" when there is none) never confirms.
      assert.ok(b.filter((x) => x.close).every((x) => !x.confirms), `${kind}: the close affordance keeps`);
      if (isDestructive(kind) || kind === 'cancel-backend') assert.equal(primary(kind)?.confirms, false, `${kind}: the primary button keeps`);
    }
  });

  it('a maintenance run that changes nothing for good (ANALYZE, VACUUM) keeps "Run" as the primary button', () => {
    assert.deepEqual(confirmButtons('analyze').map((b) => [b.title, b.confirms, b.close]), [['Run', true, false], ['Cancel', false, true]]);
  });

  it('the keeping button\'s note says what was kept, never a bare "Cancelled." (person22 LOW A: "Let it run" then "Cancelled.")', () => {
    assert.equal(keptMessage('cancel-backend'), 'Nothing done: the query runs on.');
    assert.equal(keptMessage('terminate-backend'), 'Nothing done: the session stays.');
    for (const kind of ACTION_KINDS) assert.doesNotMatch(keptMessage(kind), /^Cancelled\.$/, kind);
  });
});
