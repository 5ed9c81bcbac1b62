/**
 * The recording's Full SQL document (CLOSING17: layoutSql scanned quotes and parentheses by hand beside the plan viewer's
 * sql-formatter): formatted by sql-formatter, comments kept, nothing but whitespace changed.
 */
import * as assert from 'node:assert/strict';
import { fullSqlText } from '../../../src/core/formatSql';

describe('core/formatSql fullSqlText: the Full SQL document', () => {
  it('sql-formatter\'s layout: one column a line, a -- comment on its line, ARRAY[…] whole; only whitespace changed', () => {
    const cols = Array.from({ length: 6 }, (_, i) => `"t"."c${i}" AS "t_c${i}"`);
    const sql = `SELECT ARRAY[a, b] AS arr, -- the ids, then the rest\n E'it\\'s' AS s, ${cols.join(', ')} FROM "term" "t" LEFT JOIN x ON x.id = "t"."x_id" WHERE ("t"."project_id" = $1) ORDER BY "t"."c1" ASC`;
    const text = fullSqlText(sql);
    const lines = text.split('\n');
    assert.ok(lines.includes('  ARRAY[a, b] AS arr, -- the ids, then the rest'), text);
    assert.ok(lines.includes('  "t"."c5" AS "t_c5"'), text);
    assert.ok(lines.includes('FROM'), text);
    assert.ok(lines.some((l) => /^\s+LEFT JOIN x ON x\.id = "t"\."x_id"$/.test(l)), text);
    assert.equal(text.replace(/\s+/g, ''), sql.replace(/\s+/g, ''));
  });

  it('text sql-formatter cannot read is laid out by clauses instead, whole', () => {
    const odd = 'SELECT a, b FROM t WHERE x = ANY($1) AND y @@@ $2 ORDER BY 1 ))';
    const text = fullSqlText(odd);
    assert.equal(text.replace(/\s+/g, ' '), odd);
    assert.match(text, /\nWHERE /);
  });
});
