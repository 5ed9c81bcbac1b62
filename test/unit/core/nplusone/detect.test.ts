import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectNPlusOne, type NPlusOneEvidence } from '../../../../src/core/nplusone';
import { applySuppressions } from '../../../../src/core/suppress';
import type { Finding } from '../../../../src/core/findings';

function applyFix(text: string, f: Finding, title: RegExp): string {
  const fix = f.fixes.find((x) => title.test(x.title));
  assert.ok(fix, `no fix matching ${title}: ${f.fixes.map((x) => x.title).join(', ')}`);
  let out = text;
  for (const e of [...fix.edits].sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

const ev = (f: Finding) => f.evidence as unknown as NPlusOneEvidence;

describe('core/nplusone detectNPlusOne', () => {

  const pg = `import { Pool } from 'pg';
const pool = new Pool();
export async function f() {
  const { rows: users } = await pool.query('SELECT id FROM users ORDER BY id LIMIT 25');
  for (const user of users) {
    await pool.query('SELECT * FROM orders WHERE user_id = $1', [user.id]);
  }
}
`;

  it('names the loop variable, the iterable and the LIMIT of the query that produced it', async () => {
    const [f] = await detectNPlusOne(pg, 'typescript');
    assert.match(f.message, /`pool\.query` runs once per `user` in `users` \(up to 25 iterations: LIMIT 25\)/);
    assert.equal(f.severity, 'warning');
    assert.equal(pg.slice(f.span.start, f.span.start + 10), 'pool.query');
    assert.equal(ev(f).iterations, 25);
    assert.equal(ev(f).library, 'node-postgres');
  });

  it('points related information at the loop header', async () => {
    const [f] = await detectNPlusOne(pg, 'typescript');
    assert.equal(f.related?.length, 1);
    assert.equal(pg.slice(f.related![0].span!.start, f.related![0].span!.end), 'for (const user of users)');
    assert.match(f.related![0].message, /over `user`/);
  });

  it('a read whose rows the loop does not use: the ANY($1) advice, no code (the body it would carry is not there)', async () => {
    const [f] = await detectNPlusOne(pg, 'typescript');
    const rw = ev(f).rewrite;
    assert.equal(rw.code, '');
    assert.match(f.help ?? '', /= ANY\(\$1\)/);
    assert.ok(!f.fixes.some((x) => x.command?.id === 'pgLens.showNPlusOneRewrite'), 'no "Show the batched rewrite" without code');
    const used = (await detectNPlusOne(pg.replace("await pool.query('SELECT * FROM orders WHERE user_id = $1', [user.id]);", "const { rows } = await pool.query('SELECT * FROM orders WHERE user_id = $1', [user.id]);\n    user.orders = rows;"), 'typescript'))[0];
    assert.match(ev(used).rewrite.code, /SELECT user_id, \* FROM orders WHERE user_id = ANY\(\$1\)|SELECT \* FROM orders WHERE user_id = ANY\(\$1\)/);
    assert.match(ev(used).rewrite.code, /\[\.\.\.new Set\(users\.map\(\(user\) => user\.id\)\)\]/);
    assert.ok(used.fixes.some((x) => x.command?.id === 'pgLens.showNPlusOneRewrite' && !/DataLoader/.test(x.title)));
  });

  it('the batched rewrite does what the loop did with the rows: the shop\'s loops keep `product.reviews = rows` / `order.items = rows`', async () => {
    const shop = path.join(__dirname, '..', '..', '..', '..', 'examples', 'shop', 'src');
    for (const [file, assign] of [['products.ts', 'product.reviews = rows;'], ['orders.ts', 'order.items = rows;']] as const) {
      const text = fs.readFileSync(path.join(shop, file), 'utf8');
      const f = (await detectNPlusOne(text, file)).find((x) => x.message.startsWith('N+1 query:') && ev(x).rewrite?.code.includes('rowsByKey'));
      assert.ok(f, file);
      const code = ev(f).rewrite.code;
      const loop = code.slice(code.lastIndexOf('\nfor (const '));
      assert.match(loop, /\n {2}const rows = rowsByKey\.get\(String\((product|order)\.id\)\) \?\? \[\];/, `${file}: this item's rows under the loop's own name\n${loop}`);
      assert.ok(loop.includes(`\n  ${assign}\n}`), `${file}: the loop body's assignment carried over\n${loop}`);
    }
    // The call's row type is kept (person54 L-5: `db.query<Review>(…)` became `db.query(…)`, its rows `any`): the key
    // column selected only to group by is added to it, and handed on without it.
    const products = fs.readFileSync(path.join(shop, 'products.ts'), 'utf8');
    const typed = ev((await detectNPlusOne(products, 'products.ts')).find((x) => ev(x).rewrite?.code.includes('rowsByKey'))!).rewrite.code;
    assert.match(typed, /const \{ rows: allRows \} = await db\.query<Review & \{ product_id: unknown \}>\(/, typed);
    assert.match(typed, /const rowsByKey = new Map<string, Review\[\]>\(\);/);
    const untyped = ev((await detectNPlusOne(products.replace('db.query<Review>(', 'db.query('), 'products.ts')).find((x) => ev(x).rewrite?.code.includes('rowsByKey'))!).rewrite.code;
    assert.match(untyped, /await db\.query\(\n/);
    assert.match(untyped, /new Map<string, typeof allRows>\(\)/);
    // `const result = …` (the code reads result.rows) and a renamed destructuring.
    const named = (await detectNPlusOne(`async function f(db, users) {\n  for (const user of users) {\n    const result = await db.query('SELECT * FROM orders WHERE user_id = $1', [user.id]);\n    user.orders = result.rows;\n    count += result.rows.length;\n  }\n}`, 'x.ts'))[0];
    assert.match(ev(named).rewrite.code, /\n {2}const result = \{ rows: rowsByKey\.get\(String\(user\.id\)\) \?\? \[\] \};[^\n]*\n {2}user\.orders = result\.rows;\n {2}count \+= result\.rows\.length;\n\}$/);
    const renamed = (await detectNPlusOne(`async function f(db, users) {\n  for (const user of users) {\n    const { rows: orders } = await db.query('SELECT * FROM orders WHERE user_id = $1', [user.id]);\n    user.orders = orders;\n  }\n}`, 'x.ts'))[0];
    assert.match(ev(renamed).rewrite.code, /\n {2}const orders = rowsByKey\.get\(String\(user\.id\)\) \?\? \[\];[^\n]*\n {2}user\.orders = orders;\n\}$/);
  });

  it('counts the elements of a literal list', async () => {
    const [f] = await detectNPlusOne(`for (const id of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) await db.query('SELECT * FROM t WHERE id = $1', [id]);`, 'x.ts');
    assert.match(f.message, /\(11 iterations: literal list\)/);
  });

  it('reports writes with the batched alternative', async () => {
    const [f] = await detectNPlusOne(`import { Pool } from 'pg';\nconst pool = new Pool();\nfor (const r of rows) await pool.query('INSERT INTO t (a) VALUES ($1)', [r.a]);`, 'x.ts');
    assert.match(f.message, /^Write per item: `pool\.query`/);
    assert.equal(ev(f).kind, 'write-in-loop');
    assert.match(ev(f).rewrite.title, /unnest\(\$1/);
    assert.equal(ev(f).rewrite.code, '', 'a per-item write: advice, no sketch with invented columns');
  });

  it('Prisma reads get the `in` advice with the model name', async () => {
    const [f] = await detectNPlusOne(`for (const p of posts) await prisma.user.findUnique({ where: { id: p.authorId } });`, 'a.ts');
    assert.match(f.help ?? '', /prisma\.user\.findMany\(\{ where: \{ id: \{ in: ids \} \} \}\)/);
    assert.match(f.help ?? '', /include/);
    assert.equal(ev(f).rewrite.code, '', 'the key (`p.authorId`, not `p.id`) and the body are not carried: no code');
  });

  it('one level across functions: the call in the loop, naming the function and its query line', async () => {
    const text = `async function load(id) {\n  return db.query('SELECT 1 WHERE $1 = 1', [id]);\n}\nfor (const id of ids) await load(id);\n`;
    const [f] = await detectNPlusOne(text, 'a.js');
    assert.equal(text.slice(f.span.start, f.span.end), 'load(id)');
    assert.match(f.message, /`load\(\)` queries the database \(`db\.query` on line 2\)/);
    assert.deepEqual(ev(f).callee, { name: 'load', line: 2, call: 'db.query' });
  });

  it('"Ignore here" inserts a comment that applySuppressions honours', async () => {
    const [f] = await detectNPlusOne(pg, 'typescript');
    const fixed = applyFix(pg, f, /^Ignore/);
    assert.match(fixed, /\n {4}\/\/ pg-lens-ignore n-plus-one: [^\n]+\n {4}await pool\.query\('SELECT \* FROM orders/);
    assert.deepEqual(await detectNPlusOne(fixed, 'typescript'), []);
    // and the raw finding is dropped by the shared helper too
    const [g] = await detectNPlusOne(pg, 'typescript');
    const moved = { ...g, span: { start: fixed.indexOf("await pool.query('SELECT * FROM orders"), end: fixed.indexOf("await pool.query('SELECT * FROM orders") + 5 } };
    assert.deepEqual(applySuppressions(fixed, [moved]), []);
  });

  it('uses the comment syntax of the language for the ignore fix', async () => {
    const py = `for u in users:\n    cur.execute("SELECT 1 FROM t WHERE id = %s", (u.id,))\n`;
    const [f] = await detectNPlusOne(py, 'python');
    assert.match(applyFix(py, f, /^Ignore/), /\n {4}# pg-lens-ignore n-plus-one: /);
  });

  it('returns nothing for languages it does not know and for broken code it cannot find calls in', async () => {
    assert.deepEqual(await detectNPlusOne('for x in y: pass', 'notes.txt'), []);
    assert.deepEqual(await detectNPlusOne('for (const x of ', 'a.ts'), []);
  });

  it('offsets are UTF-16 offsets (non-ASCII text before the call)', async () => {
    const text = `const s = "héllo 😀";\nfor (const id of ids) await db.query('SELECT 1 WHERE $1', [id]);`;
    const [f] = await detectNPlusOne(text, 'a.ts');
    assert.equal(text.slice(f.span.start, f.span.start + 8), 'db.query');
  });
});
