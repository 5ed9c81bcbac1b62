/** Terminal-safe text: what a hostile name or file name can and cannot do to a terminal or a CI log. */
import * as assert from 'node:assert/strict';
import { indentedBlock, oneLine, terminalSafe } from '../../../src/core/safeText';
import { BELOW_A0, isWorkflowCommand, RAW_CONTROL } from '../support/terminal';


describe('core/safeText', () => {
  it('oneLine keeps a name on its line: newlines, CR, ESC, OSC and C1 become visible escapes', () => {
    const name = 'idx\n        fix: DROP DATABASE prod;';
    assert.equal(oneLine(name), 'idx\\n        fix: DROP DATABASE prod;');
    assert.equal(oneLine('a\rb'), 'a\\rb');
    assert.equal(oneLine('\u001b]0;pwned\u0007'), '\\u001b]0;pwned\\u0007');
    assert.equal(oneLine('\u001b]52;c;ZXZpbA==\u001b\\'), '\\u001b]52;c;ZXZpbA==\\u001b\\');
    assert.equal(oneLine('x\u009b31my'), 'x\\u009b31my');
    assert.equal(oneLine('safe\u202eexe.sql'), 'safe\\u202eexe.sql');
    assert.equal(oneLine('plain name, ünïcödé 名前 and tabs\tstay'), 'plain name, ünïcödé 名前 and tabs\tstay');
    assert.doesNotMatch(oneLine(BELOW_A0), RAW_CONTROL);
  });

  it('terminalSafe keeps lines, escapes controls and a bare CR, normalises CRLF', () => {
    assert.equal(terminalSafe('a\nb'), 'a\nb');
    assert.equal(terminalSafe('a\r\nb'), 'a\nb');
    assert.equal(terminalSafe('ok\rFAKE'), 'ok\\rFAKE');
    assert.equal(terminalSafe('\u001b[2J\u001b[Htitle'), '\\u001b[2J\\u001b[Htitle');
    assert.doesNotMatch(terminalSafe(BELOW_A0), RAW_CONTROL);
  });

  it('no line can reach a CI runner as a workflow command', () => {
    const attacks = ['::error file=a,line=1::forged', '   ::add-mask::x', '\t::stop-commands::tok', '\u00a0::set-output name=a::b', 'see ##[error]forged', '::'];
    for (const a of attacks) {
      const out = terminalSafe(a);
      assert.ok(!isWorkflowCommand(out), `${JSON.stringify(a)} → ${JSON.stringify(out)}`);
    }
    assert.equal(terminalSafe('  ::warning::x'), '  \\u003a:warning::x');
    assert.equal(terminalSafe('a::b'), 'a::b', 'a :: inside a line is left alone');
  });

  it('JSON through terminalSafe stays valid JSON with the same values', () => {
    const value = { name: 'x\u009b\u001b\n::error::y ##[warning]z \u202e', list: ['::a'] };
    const text = JSON.stringify(value, null, 2);
    const safe = terminalSafe(text);
    assert.doesNotMatch(safe, RAW_CONTROL);
    assert.ok(!safe.split('\n').some(isWorkflowCommand));
    assert.deepEqual(JSON.parse(safe), value);
  });

  it('indentedBlock: multi-line text, each line escaped and indented', () => {
    assert.equal(indentedBlock('SELECT 1\r\nFROM t\u001b[31m', '  '), '  SELECT 1\n  FROM t\\u001b[31m');
  });
});
