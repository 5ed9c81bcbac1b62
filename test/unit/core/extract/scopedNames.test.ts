import { strict as assert } from 'node:assert';
import type { Code } from '../../support/code';
import { sitesIn } from '../../support/extractFixtures';

const sqls = async (code: Code, file: string) => (await sitesIn(code, file)).map((s) => s.sql.replace(/\s+/g, ' ').trim());

describe('extract: a name assigned in several functions (or twice in one) is resolved where it is used', () => {

  it("a template interpolating a table-name constant is at the template, not the constant's line; a name standing for the whole statement still spans its text (person10 N7)", async () => {
    const ts = [
      "const TABLE = 'client_instances';",
      'export class Store {',
      '  constructor(private db: any) {}',
      '  async exists(appName: string, instanceId: string) {',
      '    const result = await this.db.raw(',
      '      `SELECT EXISTS (SELECT 1 FROM ${TABLE} WHERE app_name = ? AND instance_id = ?) AS present`,',
      '      [appName, instanceId],',
      '    );',
      '    return result.rows[0].present;',
      '  }',
      '}',
      "const ALL = 'SELECT app_name FROM client_instances';",
      'export async function all(db: any) { return db.raw(ALL); }',
      '',
    ];
    const text = ts.join('\n');
    const lineOf = (o: number) => text.slice(0, o).split('\n').length;
    const sites = await sitesIn(ts, 'src/lib/db/client-instance-store.ts');
    const exists = sites.find((x) => /EXISTS/.test(x.sql))!;
    assert.match(exists.sql, /FROM client_instances WHERE/);
    assert.equal(lineOf(exists.span.start), 6, 'the span starts at the template, where the statement is');
    assert.equal(lineOf(exists.span.end), 6);
    const all = sites.find((x) => /SELECT app_name/.test(x.sql));
    if (all) assert.equal(lineOf(all.span.start), 12, "a name for the whole statement: its literal's place, as before");
  });

  it('Python: `query = """…"""` in each function, passed to text(query)', async () => {
    const py = [
      'from sqlalchemy import text',
      'def insert(db, u):',
      '    query = """INSERT INTO t (user_id) VALUES (:user_id)"""',
      '    db.execute(text(query), {"user_id": u})',
      'def delete(db, u):',
      '    query = """DELETE FROM t WHERE user_id = :user_id"""',
      '    db.execute(text(query), {"user_id": u})',
      '',
    ];
    assert.deepEqual(await sqls(py, 'a.py'), ['INSERT INTO t (user_id) VALUES ($1)', 'DELETE FROM t WHERE user_id = $1']);
  });

  it('Python: assigned twice in one function, each use reads the assignment before it', async () => {
    const py = [
      'from sqlalchemy import text',
      'def create(db, u):',
      '    query = "INSERT INTO imports (user_id) VALUES (:u) RETURNING id"',
      '    r = db.execute(text(query), {"u": u}).first()',
      '    if r is not None:',
      '        query = "INSERT INTO tasks (user_id) VALUES (:u)"',
      '        db.execute(text(query), {"u": u})',
      '',
    ];
    assert.deepEqual(await sqls(py, 'a.py'), ['INSERT INTO imports (user_id) VALUES ($1) RETURNING id', 'INSERT INTO tasks (user_id) VALUES ($1)']);
  });

  it('an assignment in a branch the use is not in leaves the value unknown (no guess)', async () => {
    const py = [
      'from sqlalchemy import text',
      'def f(db, c):',
      '    query = "SELECT a FROM t WHERE id = :id"',
      '    if c:',
      '        query = "SELECT b FROM u WHERE id = :id"',
      '    db.execute(text(query), {"id": 1})',
      'def g(db):',
      '    query = "SELECT 1"',
      '    db.execute(text(query))',
      '',
    ];
    // f's use could hold either text: neither is taken for it (each is read as a constant of its own, with its `:id`
    // read as the later call fills it); g's own assignment still resolves.
    assert.deepEqual((await sitesIn(py, 'a.py')).map((s) => [s.api, s.sql]), [
      ['constant', 'SELECT a FROM t WHERE id = $1'],
      ['constant', 'SELECT b FROM u WHERE id = $1'],
      ['sqlalchemy.text', 'SELECT 1'],
    ]);
  });

  it('Go and JavaScript: the same name in two functions', async () => {
    const go = 'package s\nfunc a(db *sql.DB) {\n\tq := `SELECT id FROM a WHERE x = $1`\n\tdb.Query(q, 1)\n}\nfunc b(db *sql.DB) {\n\tq := `SELECT id FROM b WHERE y = $1`\n\tdb.Query(q, 2)\n}\n';
    assert.deepEqual(await sqls(go, 'a.go'), ['SELECT id FROM a WHERE x = $1', 'SELECT id FROM b WHERE y = $1']);
    const js = "const { Pool } = require('pg');\nasync function a(pool) {\n  const sql = 'SELECT id FROM a WHERE x = $1';\n  return pool.query(sql, [1]);\n}\nasync function b(pool) {\n  const sql = 'SELECT id FROM b WHERE y = $1';\n  return pool.query(sql, [2]);\n}\n";
    assert.deepEqual(await sqls(js, 'a.js'), ['SELECT id FROM a WHERE x = $1', 'SELECT id FROM b WHERE y = $1']);
  });
});

describe('extract: a statement composed with a column list defined elsewhere in the file', () => {

  it('is filled with the list, and points at the statement (its SELECT), not at the list', async () => {
    const go = 'package api\n\nvar rowColumns = `\n\tc.id,\n\tc.body\n`\n\nfunc get(hex string) {\n\tstatement := `\n\t\tSELECT ` + rowColumns + `\n\t\tFROM comments c\n\t\tWHERE c.hex = $1;\n\t`\n\trow := db.QueryRow(statement, hex)\n\t_ = row\n}\n';
    const [s] = await sitesIn(go, 'a.go');
    assert.equal(s.sql.replace(/\s+/g, ' ').trim(), 'SELECT c.id, c.body FROM comments c WHERE c.hex = $1');
    assert.equal(s.dynamic, false);
    assert.ok(go.slice(s.span.start).startsWith('`\n\t\tSELECT `'), go.slice(s.span.start, s.span.start + 20));
  });
});
