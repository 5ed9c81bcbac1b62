import { strict as assert } from 'node:assert';
import { applySuppressions, ignoreComment } from '../../../src/core/suppress';
import type { Finding } from '../../../src/core/findings';

const f = (ruleId: string, start: number): Finding => ({ ruleId, severity: 'warning', message: 'm', span: { start, end: start + 1 }, fixes: [] });

describe('core/suppress', () => {
  const text = ['a()', '// pg-lens-ignore n-plus-one: batched upstream', 'b()', 'c() # pg-lens-ignore select-star, offset-pagination: fine', 'd()'].join('\n');
  const at = (s: string) => text.indexOf(s);

  it('silences the next line and the same line, for the named rules only', () => {
    const kept = applySuppressions(text, [f('n-plus-one', at('b()')), f('n-plus-one', at('a()')), f('select-star', at('c()')), f('offset-pagination', at('c()')), f('missing-index', at('c()')), f('n-plus-one', at('d()'))]);
    assert.deepEqual(kept.map((k) => `${k.ruleId}@${text.slice(k.span.start, k.span.start + 3)}`), ['n-plus-one@a()', 'missing-index@c()', 'n-plus-one@d()']);
  });

  it('honours file-wide ignores and severity overrides', () => {
    const t = '-- pg-lens-ignore-file select-star: generated\nselect * from t';
    assert.deepEqual(applySuppressions(t, [f('select-star', 50)]), []);
    const [changed] = applySuppressions('x', [f('select-star', 0)], { 'select-star': 'error' });
    assert.equal(changed.severity, 'error');
    assert.deepEqual(applySuppressions('x', [f('select-star', 0)], { 'select-star': 'off' }), []);
  });

  it('writes the comment in the language\'s syntax', () => {
    assert.equal(ignoreComment('python', 'n-plus-one', 'ok'), '# pg-lens-ignore n-plus-one: ok');
    assert.equal(ignoreComment('typescript', 'n-plus-one', ''), '// pg-lens-ignore n-plus-one: reviewed');
    assert.equal(ignoreComment('sql', 'select-star', 'x\ny'), '-- pg-lens-ignore select-star: x y');
  });
});
