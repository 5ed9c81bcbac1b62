/** Issue 12 item 8: identifiers resolved and truncated as PostgreSQL does; index names that cannot collide. */
import * as assert from 'node:assert/strict';
import { indexName, uniqueIndexName } from '../../../../src/core/advice/indexCandidates';
import { parseSql } from '../../../../src/core/sql/parse';
import { catalogName, truncateIdentifier, utf8Length } from '../../../../src/core/sql/ident';

describe('core/sql/ident: names as PostgreSQL resolves them', () => {
  it('truncates to 63 bytes of UTF-8, never inside a character', () => {
    assert.equal(truncateIdentifier('a'.repeat(70)), 'a'.repeat(63));
    assert.equal(truncateIdentifier('a'.repeat(63)), 'a'.repeat(63));
    const cyr = 'я'.repeat(40); // 80 bytes
    assert.equal(truncateIdentifier(cyr), 'я'.repeat(31)); // 62 bytes: the 32nd would need bytes 63-64
    assert.equal(utf8Length(truncateIdentifier(`${'a'.repeat(62)}🔑`)), 62);
  });

  it('undoes the doubled quotes pgsql-ast-parser leaves in quoted names', () => {
    assert.equal(catalogName('we""ird'), 'we"ird');
    const r = parseSql(`SELECT "c""ol", 'it""s' AS "a""b" FROM "we""ird"."Ta""b" WHERE ${'x'.repeat(70)} = 1`);
    assert.ok(r.ok);
    const s: any = r.statements[0];
    assert.deepEqual([s.from[0].name.schema, s.from[0].name.name, s.columns[0].expr.name, s.columns[1].alias.name], ['we"ird', 'Ta"b', 'c"ol', 'a"b']);
    assert.equal(s.columns[1].expr.value, 'it""s', 'string literals are not names');
    assert.equal(s.where.left.name, 'x'.repeat(63));
  });

  it('index names: non-ASCII names do not collide, stay ASCII and within 63 bytes; uniqueIndexName avoids taken names', () => {
    const mk = (table: string, key: string) => indexName({ table, keys: [{ label: key, sql: key }], method: 'btree', include: [] });
    const a = mk('заказы', 'имя');
    const b = mk('заказы', 'фамилия');
    assert.notEqual(a, b);
    for (const n of [a, b, mk('表'.repeat(40), '列'.repeat(40))]) assert.match(n, /^[a-z0-9_]{1,63}$/);
    assert.equal(mk('orders', 'email'), 'orders_email_idx', 'ASCII names keep their plain form');
    assert.equal(uniqueIndexName('x_idx', new Set()), 'x_idx');
    assert.equal(uniqueIndexName('x_idx', new Set(['x_idx', 'x_idx_2'])), 'x_idx_3');
    assert.equal(uniqueIndexName('y'.repeat(63), new Set(['y'.repeat(63)])).length, 63);
  });
});

describe('core/sql/parse: the rules parser\'s complaint in one line (person28 L4)', () => {
  it('says where and why, never a first line that ends in a colon', () => {
    const r = parseSql('SELECT a FROM t WHERE x = 1 garbage garbage');
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.message, 'Syntax error at line 1 col 37: Unexpected word token: "garbage"');
    const end = parseSql('SELECT a FROM t WHERE');
    assert.equal(!end.ok && end.message, 'Unexpected end of input');
  });
});
