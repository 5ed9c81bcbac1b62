import { strict as assert } from 'node:assert';
import { fileStatements } from '../../../../src/core/extract/fileStatements';

/** The one reader of `--file F [--line N]` (pg-lens explain, pg-lens advise): the statements, or the line that says why none. */
describe('core/extract fileStatements (the --file reader of explain and advise)', () => {
  const sql = 'SELECT 1;\n\nSELECT id FROM accounts\n  WHERE team_id = 42;\n';

  it('a .sql file: the statement whose SQL is on the line (any of its lines), its start line; none there is said with the lines that hold one', async () => {
    for (const line of [3, 4]) {
      const r = await fileStatements(sql, '/w/q.sql', { name: 'q.sql', line });
      assert.ok('statements' in r, JSON.stringify(r));
      assert.deepEqual(r.statements.map((s) => [s.line, s.site.sql.trim()]), [[3, 'SELECT id FROM accounts\n  WHERE team_id = 42']]);
    }
    assert.deepEqual(await fileStatements(sql, '/w/q.sql', { name: 'q.sql', line: 2 }), { error: 'no SQL statement on line 2 of q.sql (statements start on lines 1, 3)' });
    assert.deepEqual(await fileStatements(sql, '/w/q.sql', { name: 'q.sql', line: 5 }), { error: 'no SQL statement on line 5 of q.sql (statements start on lines 1, 3)' });
  });

  it('no line: every statement (advise), or the one there is (explain: several are said, with their lines)', async () => {
    const all = await fileStatements(sql, '/w/q.sql', { name: 'q.sql' });
    assert.deepEqual('statements' in all && all.statements.map((s) => s.line), [1, 3]);
    assert.deepEqual(await fileStatements(sql, '/w/q.sql', { name: 'q.sql', one: true }), { error: 'q.sql holds 2 SQL statements (lines 1, 3): pick one with --line N' });
    const one = await fileStatements('SELECT 1;\n', '/w/one.sql', { name: 'one.sql', one: true });
    assert.deepEqual('statements' in one && one.statements.map((s) => s.site.sql.trim()), ['SELECT 1']);
  });

  it('a .ts file with the SQL on the line after its call: the SQL\'s lines pick it, as `pg-lens sql` lists it', async () => {
    const ts = [
      "import { Pool } from 'pg';",
      'const pool = new Pool();',
      'export async function byCustomer(id: number) {',
      '  return pool.query(',
      "    'SELECT id, note FROM orders WHERE customer_id = $1',",
      '    [id],',
      '  );',
      '}',
      'export async function one(id: number) {',
      "  return pool.query('SELECT note FROM orders WHERE id = $1', [id]);",
      '}',
      '',
    ].join('\n');
    const at5 = await fileStatements(ts, '/w/orders.ts', { name: 'orders.ts', line: 5, one: true });
    assert.ok('statements' in at5, JSON.stringify(at5));
    assert.deepEqual(at5.statements.map((s) => [s.line, s.site.sql]), [[5, 'SELECT id, note FROM orders WHERE customer_id = $1']]);
    assert.deepEqual(await fileStatements(ts, '/w/orders.ts', { name: 'orders.ts', one: true }), { error: 'orders.ts holds 2 SQL statements (lines 5, 10): pick one with --line N' });
    assert.deepEqual(await fileStatements(ts, '/w/orders.ts', { name: 'orders.ts', line: 8 }), { error: 'no SQL statement on line 8 of orders.ts (statements start on lines 5, 10)' });
  });

  it('no SQL in the file: said once, whatever the line; advise without a line gets none and goes on (its --workload)', async () => {
    const text = 'export const x = 1;\n';
    assert.deepEqual(await fileStatements(text, '/w/x.ts', { name: 'x.ts', line: 1 }), { error: 'no SQL found in x.ts' });
    assert.deepEqual(await fileStatements(text, '/w/x.ts', { name: 'x.ts', one: true }), { error: 'no SQL found in x.ts' });
    assert.deepEqual(await fileStatements(text, '/w/x.ts', { name: 'x.ts' }), { statements: [] });
  });
});
