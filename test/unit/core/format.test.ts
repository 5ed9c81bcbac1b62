import { strict as assert } from 'node:assert';
import { distinctLabels, foldSql, layoutSql, shortLine } from '../../../src/core/format';

describe('shortLine', () => {
  it('keeps a short text whole, whitespace runs as one space', () => {
    assert.equal(shortLine('SELECT  *\n FROM t', 80), 'SELECT * FROM t');
  });
  it('cuts at a word boundary and ends in " …": no half word, no ellipsis glued to an operator', () => {
    const sql = 'src/orders.ts:78: SELECT o.id, o.total_cents FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.email = $1 OR c.id = $2';
    for (let max = 20; max < sql.length; max++) {
      const s = shortLine(sql, max);
      assert.ok(s.length <= max, `${max}: ${s}`);
      assert.ok(s.endsWith(' …'), `${max}: ${s}`);
      const kept = s.slice(0, -2);
      // What is kept ends where a word of the text ends.
      assert.ok(sql.startsWith(kept) && (/[ ,;(]/.test(sql[kept.length]!) || kept.length < (max * 2) / 3), `${max}: ${s}`);
    }
    assert.equal(shortLine('SELECT id FROM customers WHERE id = $1', 30), 'SELECT id FROM customers …');
    assert.equal(shortLine('WHERE customer_id = $1 OR email = $2', 29), 'WHERE customer_id = $1 OR …');
  });
  it('cuts inside one long word rather than leaving almost nothing', () => {
    assert.equal(shortLine('a'.repeat(50), 10), `${'a'.repeat(8)} …`);
  });
});

describe('core/format foldSql / layoutSql: long SQL in a hover (person15: a ~1,500-character TypeORM select list filled the hover)', () => {
  // TypeORM's select list: every column of the entity and its joined relation, aliased.
  const columns = ['id', 'value', 'context', 'created_at', 'updated_at', 'project_id'].flatMap((c) => [`"Term"."${c}" AS "Term_${c}"`, `"labels"."${c}" AS "labels_${c}"`, `"translations"."${c}" AS "translations_${c}"`]);
  const typeorm = `SELECT ${columns.join(', ')} FROM "term" "Term" LEFT JOIN "term_label" "labels" ON "labels"."term_id"="Term"."id" WHERE ( "Term"."project_id" = $1 ) ORDER BY "Term"."value" ASC`;
  it('a long select list: its first columns, then a count, then FROM … as sent; marked folded', () => {
    const f = foldSql(typeorm);
    assert.ok(typeorm.length > 900);
    assert.equal(f.text, 'SELECT "Term"."id" AS "Term_id", "labels"."id" AS "labels_id", "translations"."id" AS "translations_id", … 15 more columns FROM "term" "Term" LEFT JOIN "term_label" "labels" ON "labels"."term_id"="Term"."id" WHERE ( "Term"."project_id" = $1 ) ORDER BY "Term"."value" ASC');
    assert.equal(f.folded, true);
    assert.equal(f.hiddenColumns, 15);
  });
  it('short SQL, a short list, commas in strings, parentheses and subqueries: left whole', () => {
    for (const sql of ['SELECT id, name FROM users WHERE id = $1', "SELECT 'a, b, c, d, e' AS s, f(x, y), z FROM t", 'WITH x AS (SELECT a, b, c, d, e, f, g FROM t) SELECT * FROM x', 'UPDATE t SET a = 1, b = 2, c = 3, d = 4 WHERE id = $1']) {
      assert.deepEqual(foldSql(sql), { text: sql, folded: false, hiddenColumns: 0 }, sql);
    }
  });
  it('what is still long (a long IN list, a long WHERE) is cut at the limit with …', () => {
    const long = `SELECT id FROM t WHERE id IN (${Array.from({ length: 400 }, (_, i) => `$${i + 1}`).join(', ')})`;
    const f = foldSql(long, 200);
    assert.equal(f.text.length <= 200, true);
    assert.match(f.text, / …$/);
    assert.equal(f.folded, true);
  });
  it('read with the SQL lexer: a -- comment does not hide the rest of the line, and commas inside ARRAY[…], E\'\' strings or comments do not split a column', () => {
    const cols = Array.from({ length: 8 }, (_, i) => `"t"."column_number_${i}" AS "t_column_number_${i}"`);
    const sql = `SELECT ARRAY[a, b, c] AS arr, -- the ids, then the rest\n  E'it\\'s, here' AS s, /* x, y */ ${cols.join(', ')}\nFROM t WHERE id = $1`;
    const f = foldSql(sql);
    assert.equal(f.text, 'SELECT ARRAY[a, b, c] AS arr, /* the ids, then the rest */ E\'it\\\'s, here\' AS s, … 8 more columns FROM t WHERE id = $1');
    assert.equal(f.hiddenColumns, 8);
    const laid = layoutSql(sql).split('\n');
    assert.deepEqual(laid.slice(0, 4), ['SELECT', '  ARRAY[a, b, c] AS arr,', '  /* the ids, then the rest */ E\'it\\\'s, here\' AS s,', '  /* x, y */ "t"."column_number_0" AS "t_column_number_0",']);
    assert.equal(laid.length, 1 + 10 + 2);
    assert.equal(laid.at(-2), 'FROM t');
    assert.equal(laid.at(-1), 'WHERE id = $1');
    // A short statement with a -- comment: one line, the comment closed, nothing folded away.
    assert.deepEqual(foldSql('SELECT id -- the key\nFROM t'), { text: 'SELECT id /* the key */ FROM t', folded: false, hiddenColumns: 0 });
  });
  it('the full text, laid out: one column a line, each clause on its own line, nothing left out', () => {
    const laid = layoutSql(typeorm);
    assert.equal(laid.split('\n')[0], 'SELECT');
    assert.equal(laid.split('\n')[1], '  "Term"."id" AS "Term_id",');
    assert.equal(laid.split('\n').length, 1 + columns.length + 4);
    assert.equal(laid.replace(/\s+/g, ' ').replace(/ ,/g, ','), typeorm.replace(/\s+/g, ' '));
  });
});

describe('distinctLabels (person17 LOW 1: two pick-list entries that read the same)', () => {
  const page = 'SELECT "catalog_book"."id", "catalog_book"."title", "catalog_book"."summary", "catalog_book"."isbn", "catalog_book"."author_id" FROM "catalog_book" LEFT OUTER JOIN "catalog_author" ON ("catalog_book"."author_id" = "catalog_author"."id") ORDER BY "catalog_book"."title" ASC, "catalog_author"."last_name" ASC LIMIT $1';
  it('shows where two statements differ when it falls past the cut', () => {
    const [a, b] = distinctLabels([page, `${page} OFFSET $2`], 120);
    assert.notEqual(a, b);
    assert.match(a, /^… .*LIMIT \$1$/);
    assert.match(b, /^… .*LIMIT \$1 OFFSET \$2$/);
    assert.ok(a.length <= 120 && b.length <= 120);
  });
  it('leaves labels that already differ as shortLine writes them', () => {
    assert.deepEqual(distinctLabels(['SELECT 1', 'SELECT  2'], 120), ['SELECT 1', 'SELECT 2']);
    assert.deepEqual(distinctLabels([page], 40), [shortLine(page, 40)]);
  });
});
