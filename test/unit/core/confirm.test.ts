/** core/confirm: the order of a modal confirmation's items, which decides what Enter does in VS Code. */
import { strict as assert } from 'node:assert';
import { confirmItems } from '../../../src/core/confirm';

describe('core/confirm: confirmItems', () => {
  it('destructive: the keeping button is the first item that is not a close affordance (the primary, Enter), the action second', () => {
    const items = confirmItems({ confirm: 'Create index', keep: 'Not now' }, true);
    assert.deepEqual(items.map((i) => i.title), ['Not now', 'Create index']);
    assert.equal(items.find((i) => !i.close)?.confirms, false);
    // No item is the close affordance: VS Code adds its own "Cancel", which Escape stands for and which confirms nothing.
    assert.equal(items.filter((i) => i.close).length, 0);
    assert.equal(items.filter((i) => i.confirms).length, 1);
  });

  it('not destructive: the action is primary, the keeping button ("Cancel" when unnamed) is the close affordance', () => {
    assert.deepEqual(confirmItems({ confirm: 'Run' }, false), [{ title: 'Run', confirms: true, close: false }, { title: 'Cancel', confirms: false, close: true }]);
  });
});
