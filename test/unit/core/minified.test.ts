import { strict as assert } from 'node:assert';
import { isMinified } from '../../../src/core/minified';
import { scanFiles } from '../../../src/core/scan';
import { nPlusOneAnalyzer } from '../../../src/core/nplusone/analyzer';

/** A bundle as a build writes it: a license comment, then the code on a few very long lines. */
function bundle(): string {
  const part = 'function s(e){for(var t=0;t<e.length;t++){var n=e[t];n.show();db.query("SELECT * FROM users WHERE id = $1",[n.id])}}';
  return `/*! ui-kit v1.2.3 | MIT */\n${Array.from({ length: 40 }, (_, i) => part.replace(/\bs\b/, `s${i}`)).join(';')}\n${part.repeat(20)}\n`;
}

/** Hand-written code with a loop that queries per item. */
const handWritten = [
  "import { pool } from './db';",
  '',
  'export async function names(ids: number[]) {',
  '  const out: string[] = [];',
  '  for (const id of ids) {',
  "    const r = await pool.query('SELECT name FROM users WHERE id = $1', [id]);",
  '    out.push(r.rows[0].name);',
  '  }',
  '  return out;',
  '}',
  '',
].join('\n');

describe('core/minified', () => {
  it('a bundle whose text sits on very long lines is minified', () => {
    assert.equal(isMinified('static/js/ui.js', bundle()), true);
  });

  it('hand-written code is not, even with one long SQL string or data line', () => {
    assert.equal(isMinified('src/users.js', handWritten), false);
    const longSql = `const report = \`SELECT ${Array.from({ length: 200 }, (_, i) => `c${i}`).join(', ')} FROM wide\`;\n`;
    assert.equal(longSql.length > 1000, true);
    const file = `${handWritten}${longSql}${handWritten.repeat(6)}`;
    assert.equal(isMinified('src/report.js', file), false);
  });

  it('a bundle reformatted onto short lines is built code by its closing source map comment (perf20: Traduora\'s swagger-ui-bundle.js)', () => {
    const pretty = `${bundle().replace(/;/g, ';\n  ').replace(/\{/g, '{\n')}//# sourceMappingURL=swagger-ui-bundle.js.map\n`;
    assert.equal(pretty.split('\n').every((l) => l.length < 1000), true);
    assert.equal(isMinified('docs-website/static/js/swagger-ui-bundle.js', pretty), true);
    assert.equal(isMinified('dist/app.js', `${handWritten}//# sourceMappingURL=data:application/json;base64,${'A'.repeat(5000)}\n\n`), true);
    // A source map named elsewhere than the last line, or only mentioned, is not the build's mark.
    assert.equal(isMinified('src/maps.js', `// see //# sourceMappingURL=x.js.map for how maps work\n${handWritten}`), false);
    assert.equal(isMinified('src/maps.js', `${handWritten}const marker = '//# sourceMappingURL=';\n`), false);
  });

  it('only JavaScript is read as built: a long SQL file or a long line of Python stays in the scan', () => {
    assert.equal(isMinified('db/dump.sql', bundle()), false);
    assert.equal(isMinified('app/data.py', bundle()), false);
  });

  it('the scan leaves a minified file out and counts it; hand-written files are analysed as before', async () => {
    const r = await scanFiles([
      { path: 'static/js/vendor.bundle.js', text: bundle() },
      { path: 'src/users.js', text: handWritten },
    ], { analyzers: [nPlusOneAnalyzer()], keepText: true });
    assert.deepEqual(r.minified, ['static/js/vendor.bundle.js']);
    assert.deepEqual(r.findings.map((f) => f.file), ['src/users.js']);
    assert.equal(r.files, 1);
  });
});
