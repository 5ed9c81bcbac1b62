/** The one bracket scanner of src/core/limits.ts that the JS N+1 reader's `withoutNested` uses (n1-22). */
import * as assert from 'node:assert/strict';
import { closingEnd } from '../../../src/core/limits';

describe('closingEnd: the end of an opened bracket', () => {
  it('is just past the closer at depth 0, nested brackets balanced', () => {
    const t = 'include: { tags: { where: { a: 1 } } }, where: { id: { in: ids } }';
    assert.equal(t.slice(0, closingEnd(t, t.indexOf('{') + 1, '{', '}', `'"\``)), 'include: { tags: { where: { a: 1 } } }');
  });
  it('skips brackets inside quoted text, and gives the length when nothing closes', () => {
    const t = `{ label: '}' , name: "{" } rest`;
    assert.equal(closingEnd(t, 1, '{', '}', `'"\``), t.indexOf(' rest'));
    assert.equal(closingEnd('{ a: { b', 1, '{', '}', ''), 8);
  });
});
