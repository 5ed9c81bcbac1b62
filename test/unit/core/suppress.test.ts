import { strict as assert } from 'node:assert';
import { applySuppressions, commentLanguageAt, ignoreComment } from '../../../src/core/suppress';
import { extractSqlSites } from '../../../src/core/extract';
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

  it('"Ignore here" in a template writes the template\'s own comment, never text the page renders (person17: a `//` line shown 134 times)', () => {
    assert.equal(ignoreComment('html', 'n-plus-one', 'admin only'), '<!-- pg-lens-ignore n-plus-one: admin only -->');
    assert.equal(ignoreComment('django-html', 'n-plus-one', 'admin only'), '{# pg-lens-ignore n-plus-one: admin only #}');
    assert.equal(ignoreComment('jinja-html', 'n-plus-one', 'x'), '{# pg-lens-ignore n-plus-one: x #}');
    assert.equal(ignoreComment('erb', 'n-plus-one', 'x'), '<%# pg-lens-ignore n-plus-one: x %>');
    assert.equal(ignoreComment('app/views/a/index.html.erb', 'n-plus-one', 'x'), '<%# pg-lens-ignore n-plus-one: x %>');
    assert.equal(ignoreComment('html', 'n-plus-one', 'ends --> early'), '<!-- pg-lens-ignore n-plus-one: ends   early -->', 'a reason cannot close the comment');
    assert.equal(ignoreComment('ruby', 'n-plus-one', 'x'), '# pg-lens-ignore n-plus-one: x');
    // The comment it writes still silences the finding on the line below it.
    for (const lang of ['html', 'django-html', 'erb']) {
      const text = `<ul>\n  ${ignoreComment(lang, 'n-plus-one', 'admin only')}\n  <li>{{ copy.author }}</li>\n</ul>\n`;
      assert.deepEqual(applySuppressions(text, [f('n-plus-one', text.indexOf('{{ copy'))]), [], lang);
    }
  });

  it('"Ignore here" writes a code comment on a line of code and a SQL comment only on a line inside a SQL string', async () => {
    const src = [
      'export async function featured(db: Db, products: { id: number }[]) {',
      '  for (const product of products) {',
      '    const { rows } = await db.query<Review>(',
      "      'SELECT rating FROM reviews WHERE product_id = $1 ORDER BY created_at DESC LIMIT 3',",
      '      [product.id],',
      '    );',
      '    const more = await db.query(`SELECT id',
      '      FROM orders',
      '      WHERE customer_id = $1`, [product.id]);',
      "    const parts = await db.query('SELECT id ' +",
      "      'FROM customers WHERE id = $1', [product.id]);",
      '  }',
      '}',
    ].join('\n');
    const sites = await extractSqlSites(src, 'typescript', 'featured.ts');
    assert.equal(sites.length, 3, 'the three statements are found');
    const lineStart = (text: string) => src.lastIndexOf('\n', src.indexOf(text)) + 1;
    // The N+1 diagnostic sits on the call's line: a // comment above it (a -- there is a syntax error in TypeScript).
    assert.equal(commentLanguageAt('typescript', sites, lineStart('const { rows } = await db.query')), 'typescript');
    assert.equal(commentLanguageAt('typescript', sites, lineStart("'SELECT rating")), 'typescript', 'a line that starts before the quote is code');
    assert.equal(commentLanguageAt('typescript', sites, lineStart('FROM orders')), 'sql', 'inside a multi-line template: SQL');
    assert.equal(commentLanguageAt('typescript', sites, lineStart('WHERE customer_id')), 'sql');
    assert.equal(commentLanguageAt('typescript', sites, lineStart("'FROM customers")), 'typescript', 'between the pieces of a concatenation: code');
  });
});
