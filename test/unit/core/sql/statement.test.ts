import { strict as assert } from 'node:assert';
import { inspectSql, loadPgParser, normalizeSql, byteToCharOffset } from '../../../../src/core/sql/statement';

describe('core/sql/statement (PostgreSQL grammar via libpg-query)', () => {
  before(async () => {
    await loadPgParser();
  });

  const cases: [string, string, string[]][] = [
    ['SELECT * FROM t WHERE id = $1', 'read', []],
    ['SELECT * FROM t FOR UPDATE', 'read-locking', []],
    ['DELETE FROM t WHERE id = 1', 'write', ['DELETE']],
    ['UPDATE t SET a = 1', 'write', ['UPDATE']],
    ['INSERT INTO t VALUES (1)', 'write', ['INSERT']],
    ['MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE', 'write', ['MERGE']],
    ['WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', 'write', ['DELETE in a WITH clause']],
    ['SELECT * INTO new_t FROM t', 'write', ['SELECT INTO (creates a table)']],
    ['CREATE TABLE x AS SELECT 1', 'write', ['CREATE TABLE AS']],
    ['CREATE MATERIALIZED VIEW mv AS SELECT 1', 'write', ['CREATE MATERIALIZED VIEW']],
    ['DROP TABLE t', 'other', []],
    ['COMMIT', 'other', []],
  ];
  for (const [sql, cls, writes] of cases) {
    it(`classes ${sql} as ${cls}`, () => {
      const r = inspectSql(sql);
      assert.ok(r.ok);
      assert.equal(r.statements.length, 1);
      assert.equal(r.statements[0].cls, cls);
      assert.deepEqual(r.statements[0].writes, writes);
    });
  }

  it('one loaded parser for every copy of this module (the editor bundle and the engine bundle each hold one)', () => {
    // A second copy, as dist/engine.js holds beside dist/extension.js: loaded by the first, it is loaded for the second.
    const file = require.resolve('../../../../src/core/sql/statement');
    const first = require.cache[file];
    delete require.cache[file];
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module instance needs a fresh require
      const copy = require(file) as typeof import('../../../../src/core/sql/statement');
      assert.notEqual(copy.inspectSql, inspectSql, 'a second module instance');
      assert.equal(copy.pgParserLoaded(), true);
      const r = copy.inspectSql('SELECT 1; COMMIT');
      assert.equal(r.ok && r.statements.length, 2);
    } finally {
      require.cache[file] = first;
    }
  });

  it('counts statements: "SELECT 1; COMMIT; DELETE FROM t" is three', () => {
    const r = inspectSql('SELECT 1; COMMIT; DELETE FROM t');
    assert.ok(r.ok);
    assert.deepEqual(r.statements.map((s) => s.node), ['SelectStmt', 'TransactionStmt', 'DeleteStmt']);
    assert.equal('SELECT 1; COMMIT; DELETE FROM t'.slice(r.statements[2].start, r.statements[2].end).trim(), 'DELETE FROM t');
  });

  it('reports syntax errors with a character offset, even after multi-byte text', () => {
    const sql = "SELECT 'é✓' FROM WHERE";
    const r = inspectSql(sql);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.match(r.message, /syntax error at or near "WHERE"/);
      assert.equal(r.offset, sql.indexOf('WHERE'));
    }
  });

  it('normalises constants as pg_stat_statements does', () => {
    assert.equal(normalizeSql("SELECT * FROM t WHERE a = 5 AND b = 'x'"), 'SELECT * FROM t WHERE a = $1 AND b = $2');
  });

  it('converts UTF-8 byte offsets to string offsets', () => {
    assert.equal(byteToCharOffset('aé✓😀b', 0), 0);
    assert.equal(byteToCharOffset('aé✓😀b', 3), 2);
    assert.equal(byteToCharOffset('aé✓😀b', 10), 5);
  });
});
