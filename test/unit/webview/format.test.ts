import * as assert from 'node:assert/strict';
import { fmtNum } from '../../../src/webview/_format';

describe('webview/_format', () => {
  it('fmtNum: round axis ticks read "500 k", not "500.0 k"; other figures keep their digit', () => {
    assert.equal(fmtNum(500000), '500 k');
    assert.equal(fmtNum(319100), '319.1 k');
    assert.equal(fmtNum(2_000_000), '2 M');
    assert.equal(fmtNum(48.6), '48.6');
    assert.equal(fmtNum(null), '–');
  });
});
