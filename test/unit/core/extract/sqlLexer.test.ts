import { strict as assert } from 'node:assert';
import { lexSql, maxParamIndex, splitSqlStatements, statementAt } from '../../../../src/core/extract/sqlLexer';
import { sqlFileSites, sqlStatementAt } from '../../../../src/core/extract/index';

const texts = (sql: string) => splitSqlStatements(sql).map((s) => s.text);

describe('core/extract/sqlLexer: splitting scripts like psql', () => {
  const cases: [string, string, string[]][] = [
    ['semicolons in strings', "SELECT ';'; SELECT 2", ["SELECT ';'", 'SELECT 2']],
    ["'' escapes", "SELECT 'a'';b'; SELECT 2", ["SELECT 'a'';b'", 'SELECT 2']],
    ['E strings with backslash escapes', "SELECT E'a\\';b'; SELECT 2", ["SELECT E'a\\';b'", 'SELECT 2']],
    ['standard strings: backslash is a character', "SELECT 'a\\'; SELECT 2", ["SELECT 'a\\'", 'SELECT 2']],
    ['standard_conforming_strings off', "SET standard_conforming_strings = off; SELECT 'a\\';b'; SELECT 2", ['SET standard_conforming_strings = off', "SELECT 'a\\';b'", 'SELECT 2']],
    ['and on again', "SET standard_conforming_strings TO off; SET standard_conforming_strings TO on; SELECT 'a\\'; SELECT 2", ['SET standard_conforming_strings TO off', 'SET standard_conforming_strings TO on', "SELECT 'a\\'", 'SELECT 2']],
    ['quoted identifiers', 'SELECT "a;""b" FROM t; SELECT 2', ['SELECT "a;""b" FROM t', 'SELECT 2']],
    ['U& strings', "SELECT U&'d\\0061t;a'; SELECT 2", ["SELECT U&'d\\0061t;a'", 'SELECT 2']],
    ['dollar quotes', 'SELECT $$a;b$$; SELECT $x$ $$ ; $x$; SELECT 3', ['SELECT $$a;b$$', 'SELECT $x$ $$ ; $x$', 'SELECT 3']],
    ['$1 is a parameter, not a dollar quote', 'SELECT $1; SELECT $2', ['SELECT $1', 'SELECT $2']],
    ['identifier with $ is not a dollar quote', 'SELECT a$b$ FROM t; SELECT 2', ['SELECT a$b$ FROM t', 'SELECT 2']],
    ['line comments', 'SELECT 1 -- ; not the end\n+ 1; SELECT 2', ['SELECT 1 -- ; not the end\n+ 1', 'SELECT 2']],
    ['nested block comments', 'SELECT /* a /* b; */ c; */ 1; SELECT 2', ['SELECT /* a /* b; */ c; */ 1', 'SELECT 2']],
    ['comments before a statement are left out', '-- head\n/* x */ SELECT 1;', ['SELECT 1']],
    ['only comments: no statement', '-- nothing;\n/* ; */', []],
    ['psql meta-commands end a statement and are not SQL', 'SELECT 1\n\\gset\n\\set x 1\nSELECT 2;\n\\copy t to out.csv\n\\i f.sql', ['SELECT 1', 'SELECT 2']],
    ['a backslash inside a string is not a meta-command', "SELECT '\\n'; SELECT 2", ["SELECT '\\n'", 'SELECT 2']],
    ['parentheses keep a statement open (as psql)', 'SELECT (1;\n2); SELECT 3', ['SELECT (1;\n2)', 'SELECT 3']],
    ['BEGIN ATOMIC bodies', 'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END; SELECT 2', ['CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END', 'SELECT 2']],
    ['BEGIN as a transaction statement', 'BEGIN; SELECT 1; COMMIT;', ['BEGIN', 'SELECT 1', 'COMMIT']],
    ['COPY FROM STDIN data is skipped', 'COPY t FROM STDIN;\n1\ta;b\n\\.\nSELECT 2;', ['COPY t FROM STDIN', 'SELECT 2']],
    ['unterminated string runs to the end', "SELECT 'abc; SELECT 2", ["SELECT 'abc; SELECT 2"]],
    ['unterminated dollar quote', 'SELECT $$abc; SELECT 2', ['SELECT $$abc; SELECT 2']],
    ['unterminated block comment', 'SELECT 1 /* ; ', ['SELECT 1']],
    ['empty statements', ';;; SELECT 1;;', ['SELECT 1']],
    ['CRLF line ends', 'SELECT 1;\r\nSELECT 2;\r\n', ['SELECT 1', 'SELECT 2']],
  ];
  for (const [name, sql, want] of cases) it(name, () => assert.deepEqual(texts(sql), want));

  it('lexes contiguously, covering every character', () => {
    const sql = "SELECT E'x\\'', $a$ $$ $a$, \"q\"\"\" /* /* */ */ -- c\n; \\set x";
    const tokens = lexSql(sql, { psql: true });
    let pos = 0;
    for (const t of tokens) {
      assert.equal(t.start, pos);
      assert.ok(t.end > t.start);
      pos = t.end;
    }
    assert.equal(pos, sql.length);
    assert.deepEqual(tokens.filter((t) => t.kind !== 'space').map((t) => t.kind), ['code', 'string', 'code', 'dollar', 'code', 'quoted', 'comment', 'comment', 'semi', 'meta']);
  });

  it('gives offsets of each statement in the text', () => {
    const sql = '  SELECT 1 ;\n\nSELECT 2';
    const [a, b] = splitSqlStatements(sql);
    assert.deepEqual([a.start, a.end, a.terminator], [2, 10, 11]);
    assert.deepEqual([b.start, b.end, b.terminator], [14, 22, undefined]);
  });
});

describe('core/extract/sqlLexer: statement under the cursor', () => {
  const sql = 'SELECT 1;  SELECT 2;\n\nSELECT\n  3;\n';
  const at = (o: number) => statementAt(sql, o)?.text;
  it('inside a statement', () => assert.equal(at(3), 'SELECT 1'));
  it('on its semicolon', () => assert.equal(at(8), 'SELECT 1'));
  it('just after the semicolon (same line): the statement before', () => assert.equal(at(9), 'SELECT 1'));
  it('in a later statement on the same line', () => assert.equal(at(13), 'SELECT 2'));
  it('on a blank line between statements: none', () => assert.equal(at(21), undefined));
  it('a multi-line statement, on its second line', () => assert.equal(at(31), 'SELECT\n  3'));
  it('end of text after the last statement (same line)', () => assert.equal(statementAt('SELECT 1; ', 10)?.text, 'SELECT 1'));
  it('as a site with a source map', () => {
    const s = sqlStatementAt(sql, 31, 'x.sql')!;
    assert.equal(s.sql, 'SELECT\n  3');
    assert.equal(s.api, 'sql-file');
    assert.equal(sql.slice(s.span.start, s.span.end), 'SELECT\n  3');
    s.sourceMap.forEach((o, i) => assert.equal(sql[o], s.sql[i]));
  });
  it('in a file of named queries (aiosql): the named query with its :name parameters as $n — the hover planned ":slug" and said "syntax error at or near \":\"" (fastapi-realworld)', () => {
    const text = '-- name: get-favorites-count-for-article^\nSELECT count(*) as favorites_count\nFROM favorites\nWHERE article_id = (SELECT id FROM articles WHERE slug = :slug);\n';
    const s = sqlStatementAt(text, text.indexOf('favorites\n'), 'articles.sql')!;
    assert.equal(s.api, 'named-query');
    assert.equal(s.sql, 'SELECT count(*) as favorites_count\nFROM favorites\nWHERE article_id = (SELECT id FROM articles WHERE slug = $1)');
    assert.equal(sqlStatementAt(text, text.indexOf(';') + 1, 'articles.sql')?.sql, s.sql, 'just after the ; the statement before');
  });
});

describe('core/extract: .sql file sites', () => {
  it('one site per statement with $n parameters recorded', () => {
    const sites = sqlFileSites('SELECT * FROM t WHERE a = $1 AND b = $2;\n\\set x\nDELETE FROM t', 'f.sql');
    assert.deepEqual(sites.map((s) => s.sql), ['SELECT * FROM t WHERE a = $1 AND b = $2', 'DELETE FROM t']);
    assert.deepEqual(sites[0].params.map((p) => [p.index, p.source, p.span.start]), [[1, '$1', 26], [2, '$2', 37]]);
    assert.equal(sites[1].span.start, 48);
  });
});

describe('core/extract/sqlLexer: maxParamIndex (the one $n counter)', () => {
  it('counts $n outside strings, quoted identifiers, dollar quotes and comments', () => {
    const cases: [string, number][] = [
      ['SELECT $1, $2', 2],
      ["SELECT '$3' , $1", 1],
      ['SELECT $$ $4 $$, $tag$ $9 $tag$ , $2', 2],
      ['SELECT 1 -- $5\n', 0],
      ['SELECT x FROM t WHERE a=$10 AND b IN($3,$4)', 10],
      ["SELECT E'it\\'s $7', $1", 1],
      ['SELECT "$8" FROM t', 0],
      ['/* $6 */ SELECT a$1b', 0],
    ];
    for (const [sql, n] of cases) assert.equal(maxParamIndex(sql), n, sql);
  });
});
