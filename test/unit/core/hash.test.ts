import * as assert from 'node:assert/strict';
import { shortHash } from '../../../src/core/hash';

describe('core/hash shortHash', () => {
  it('is FNV-1a 32 bit as 8 hex digits (the published test vectors), so names and fingerprints stay the same across versions', () => {
    assert.equal(shortHash(''), '811c9dc5');
    assert.equal(shortHash('a'), 'e40c292c');
    assert.equal(shortHash('foobar'), 'bf9cf968');
    assert.notEqual(shortHash('select-star:a.ts:x'), shortHash('select-star:b.ts:x'));
  });
});
