import { strict as assert } from 'node:assert';
import { finishSql, textPart, type Part, type PlaceholderStyle } from '../../../../src/core/extract/compose';
import { decodeRange, jsEscape } from '../../../../src/core/extract/escapes';

const run = (sql: string, style: PlaceholderStyle) => finishSql([textPart(sql, 100)], style);

describe('core/extract/compose: placeholders → $n', () => {
  it('? in order; not inside strings, quoted identifiers, comments or dollar quotes', () => {
    const f = run(`SELECT '?', "a?", $$?$$ /* ? */ FROM t WHERE a = ? -- ?\n AND b = ?`, { qmark: 'plain' });
    assert.equal(f.sql, `SELECT '?', "a?", $$?$$ /* ? */ FROM t WHERE a = $1 -- ?\n AND b = $2`);
    assert.deepEqual(f.params.map((p) => [p.index, p.source, p.span.start]), [[1, '?', 149], [2, '?', 165]]);
  });
  it('JDBC: ?? is the escaped ? operator; JPA ?1 is parameter 1', () => {
    assert.equal(run("SELECT * FROM t WHERE tags ?? 'x' AND a = ? AND b = ?2 AND c = ?2", { qmark: 'jdbc' }).sql, "SELECT * FROM t WHERE tags ? 'x' AND a = $1 AND b = $2 AND c = $2");
  });
  it('$n-style APIs keep ? (jsonb operators) and their own $n', () => {
    const f = run("SELECT * FROM t WHERE tags ? 'x' AND tags ?| array['a'] AND id = $2 AND o = $1", { dollar: true });
    assert.equal(f.sql, "SELECT * FROM t WHERE tags ? 'x' AND tags ?| array['a'] AND id = $2 AND o = $1");
    assert.deepEqual(f.params.map((p) => p.index), [2, 1]);
  });
  it(':name, the same name gets the same number; ::casts and := are not parameters', () => {
    const f = run("SELECT a::text, f(x := 1), ':nope' FROM t WHERE a = :id OR b = :other OR c = :id", { colon: true });
    assert.equal(f.sql, "SELECT a::text, f(x := 1), ':nope' FROM t WHERE a = $1 OR b = $2 OR c = $1");
    assert.deepEqual(f.params.map((p) => `${p.index}${p.source}`), ['1:id', '2:other', '1:id']);
  });
  it('psycopg: %s, %(name)s, %% → %', () => {
    assert.equal(run("SELECT '%s' AS lit, a % 2 FROM t WHERE a = %s AND b = %(b)s AND c LIKE 'x%%' AND d = %(b)s AND e = 100%%", { pyformat: true }).sql,
      "SELECT '%s' AS lit, a % 2 FROM t WHERE a = $1 AND b = $2 AND c LIKE 'x%%' AND d = $2 AND e = 100%");
  });
  it('@name (pgx) but not the @> / @@ operators', () => {
    assert.equal(run("SELECT * FROM t WHERE tags @> '{a}' AND doc @@ q AND id = @id AND o = @id", { at: true }).sql, "SELECT * FROM t WHERE tags @> '{a}' AND doc @@ q AND id = $1 AND o = $1");
  });
  it('holes become $n after the driver\'s own numbers and map to the expression', () => {
    const parts: Part[] = [textPart('SELECT * FROM t WHERE a = $1 AND b = ', 0), { t: 'hole', source: '${b}', span: { start: 50, end: 54 }, dynamic: false }];
    const f = finishSql(parts, { dollar: true });
    assert.equal(f.sql, 'SELECT * FROM t WHERE a = $1 AND b = $2');
    assert.deepEqual(f.sourceMap.slice(-2), [50, 50]);
    assert.deepEqual(f.params.map((p) => [p.index, p.source]), [[1, '$1'], [2, '${b}']]);
    assert.equal(f.dynamic, false);
  });
  it('trims blanks and a trailing semicolon, keeping the map aligned', () => {
    const f = run('  SELECT 1 ;  ', {});
    assert.equal(f.sql, 'SELECT 1');
    assert.deepEqual(f.sourceMap, [102, 103, 104, 105, 106, 107, 108, 109]);
  });
});

describe('core/extract/escapes', () => {
  it('decoded escape characters map to their backslash', () => {
    const src = String.raw`a\tb\u00e9\x41\
c`;
    const parts: Part[] = [];
    decodeRange(parts, src, 0, src.length, jsEscape);
    const p = parts[0];
    assert.ok(p.t === 'text');
    assert.equal(p.text, 'a\tbéAc');
    assert.deepEqual(p.offsets, [0, 1, 3, 4, 10, 16]);
  });
});
