/** Issue 12 item 9: the refusal message lists exactly what EXPLAIN accepts (EXECUTE is refused, so it is not listed). */
import { strict as assert } from 'node:assert';
import { EXPLAINABLE_STATEMENTS, inspectSql, loadPgParser } from '../../../../src/core/sql/statement';
import { checkSingleStatement } from '../../../../src/db/explain';

const EXAMPLE: Record<(typeof EXPLAINABLE_STATEMENTS)[number], string> = {
  SELECT: 'SELECT 1',
  VALUES: 'VALUES (1)',
  TABLE: 'TABLE t',
  INSERT: 'INSERT INTO t VALUES (1)',
  UPDATE: 'UPDATE t SET a = 1',
  DELETE: 'DELETE FROM t',
  MERGE: 'MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE',
  'CREATE TABLE AS': 'CREATE TABLE x AS SELECT 1',
  'SELECT INTO': 'SELECT 1 INTO x',
  'CREATE MATERIALIZED VIEW': 'CREATE MATERIALIZED VIEW mv AS SELECT 1',
};

describe('the list of statements EXPLAIN accepts', () => {
  before(() => loadPgParser());

  for (const name of EXPLAINABLE_STATEMENTS) {
    it(`${name} is listed and accepted`, async () => {
      assert.notEqual(inspectSql(EXAMPLE[name]).ok && (inspectSql(EXAMPLE[name]) as any).statements[0].cls, 'other');
      await checkSingleStatement(EXAMPLE[name]);
    });
  }

  for (const sql of ['EXECUTE p(1)', 'PREPARE p AS SELECT 1', 'DROP TABLE t', 'VACUUM t']) {
    it(`${sql} is refused, and the message lists only what is accepted`, async () => {
      await assert.rejects(checkSingleStatement(sql), (e: Error) => {
        assert.match(e.message, /^EXPLAIN cannot take a \w+ statement \(only (.*)\)\.$/);
        const listed = /\(only (.*)\)\.$/.exec(e.message)![1].split(', ');
        assert.ok(!listed.includes('EXECUTE'));
        assert.deepEqual(listed, [...EXPLAINABLE_STATEMENTS]);
        return true;
      });
    });
  }

  it('a typo is said once: "syntax error at or near …", not "Syntax error: syntax error …" (person47 L1)', async () => {
    await assert.rejects(checkSingleStatement('SELECT id FROM orders ORDER BY placed_at D LIMIT 100'), (e: Error) => {
      assert.equal(e.message, 'syntax error at or near "D"');
      assert.doesNotMatch(e.message, /syntax error.*syntax error/i);
      return true;
    });
  });
});
