/**
 * "Show the batched rewrite" gives the code the loop's own indentation (person21 LOW 6: the rewrite opened flush left,
 * and pasted over a loop inside a function it lost the function's indentation). The finding's evidence keeps the code
 * as built; the action's rewrite, which the preview document shows, carries the loop's indentation on every line.
 */
import { strict as assert } from 'node:assert';
import { detectNPlusOne } from '../../../../src/core/nplusone';
import { lineIndentAt } from '../../../../src/core/nplusone/rewrites';

interface Shown { code: string; indent?: string }
const shownRewrite = async (src: string, lang: string): Promise<Shown> => {
  const [f] = await detectNPlusOne(src, lang);
  assert.ok(f, `no N+1 in\n${src}`);
  const fix = f.fixes.find((x) => x.command?.id === 'pgLens.showNPlusOneRewrite');
  assert.ok(fix, 'a "Show the batched rewrite" action');
  return fix.command!.args![0] as Shown;
};

describe('core/nplusone: the batched rewrite comes at the loop\'s indentation', () => {
  it('TypeScript: a loop four spaces deep in a function — every code line starts with those four spaces', async () => {
    const src = [
      "import { Pool } from 'pg';",
      'export async function featured(db: Pool, products: { id: number; reviews?: unknown[] }[]) {',
      '  if (products.length) {',
      '    for (const product of products) {',
      "      const { rows } = await db.query('SELECT id, rating FROM reviews WHERE product_id = $1 ORDER BY created_at DESC LIMIT 3', [product.id]);",
      '      product.reviews = rows;',
      '    }',
      '  }',
      '  return products;',
      '}',
    ].join('\n');
    const r = await shownRewrite(src, 'typescript');
    assert.equal(r.indent, '    ');
    const lines = r.code.split('\n').filter((l) => l.trim());
    assert.ok(lines.length > 3, r.code);
    for (const l of lines) assert.ok(l.startsWith('    '), `flush-left line in\n${r.code}`);
    assert.ok(r.code.split('\n').every((l) => l.trim() || l === ''), 'empty lines carry no trailing whitespace');
    assert.match(r.code, /^ {4}\S/, 'the first line at the loop\'s depth, not deeper');
  });

  it('Python: a loop in a method (8 spaces) — the rewrite keeps Python\'s meaning at that depth', async () => {
    const src = [
      'import asyncpg',
      'class Repo:',
      '    async def latest(self, conn, products):',
      '        for product in products:',
      '            rows = await conn.fetch("SELECT id, rating FROM reviews WHERE product_id = $1 ORDER BY created_at DESC LIMIT 3", product["id"])',
      '            product["reviews"] = rows',
      '        return products',
    ].join('\n');
    const r = await shownRewrite(src, 'python');
    assert.equal(r.indent, '        ');
    for (const l of r.code.split('\n').filter((x) => x.trim())) assert.ok(l.startsWith('        '), `line above the loop's depth in\n${r.code}`);
  });

  it('lineIndentAt: spaces and tabs before the offset on its line; nothing at the start of a line', () => {
    assert.equal(lineIndentAt('a\n\t  for x', 5), '\t  ');
    assert.equal(lineIndentAt('for x', 0), '');
    assert.equal(lineIndentAt('x = 1; for y', 7), '', 'text before it on the line: no indentation taken from it');
  });
});
