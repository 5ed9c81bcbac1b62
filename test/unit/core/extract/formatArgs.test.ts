import { strict as assert } from 'node:assert';
import { assertMapsBack, sitesIn } from '../../support/extractFixtures';

describe('extract: format directives filled with string constants (Sprintf, str.format, %)', () => {

  it('Python: "…{columns}…".format(columns=",".join(COLUMNS)) with a module list of literal names', async () => {
    const py = [
      'from sqlalchemy import text',
      "USER_COLUMNS = ['id', 'created', 'musicbrainz_id']",
      'def get(db, uid):',
      '    r = db.execute(text("""SELECT {columns} FROM "user" WHERE id = :id""".format(columns=",".join(USER_COLUMNS))), {"id": uid})',
      '',
    ].join('\n');
    const [s] = await sitesIn(py, 'a.py');
    assert.equal(s.sql, 'SELECT id,created,musicbrainz_id FROM "user" WHERE id = $1');
    assert.equal(s.dynamic, false);
    // The filled text points at the list's literals.
    assertMapsBack(py, s, 'created');
  });

  it('Python: % and .format with a string constant, a positional field and an unknown argument', async () => {
    const py = 'TABLE = "statistics.user"\n\n\n\n\ndef f(cur, cols, uid):\n    cur.execute("SELECT a FROM %s WHERE id = 1" % TABLE)\n    cur.execute("SELECT {} FROM {} WHERE id = %s".format(cols, TABLE), (uid,))\n';
    const [a, b] = await sitesIn(py, 'a.py');
    assert.equal(a.sql, 'SELECT a FROM statistics.user WHERE id = 1', 'a constant assigned far from any SQL word');
    assert.equal(a.dynamic, false);
    assert.equal(b.dynamic, true, 'cols is unknown: a hole');
    assert.match(b.sql, /FROM statistics\.user WHERE id = \$/);
  });

  it('Go: fmt.Sprintf %s with a const is filled; a %s of a run-time value stays a hole (dynamic)', async () => {
    const go = 'package s\nconst cols = "id, name"\nfunc f(db *sql.DB, where string) {\n\tdb.Query(fmt.Sprintf("SELECT %s FROM users WHERE id = $1", cols), 1)\n\tdb.Query(fmt.Sprintf("SELECT id FROM users WHERE %s", where))\n}\n';
    const [a, b] = await sitesIn(go, 'a.go');
    assert.equal(a.sql, 'SELECT id, name FROM users WHERE id = $1');
    assert.equal(a.dynamic, false);
    assert.equal(b.dynamic, true);
  });
});

describe('extract: psycopg2.extras execute_values / execute_batch', () => {

  it('the SQL is the second argument (or sql=…)', async () => {
    const py = 'from psycopg2.extras import execute_values\nimport psycopg2.extras\ndef f(curs, rows):\n    query = "INSERT INTO t (a, b) VALUES %s ON CONFLICT DO NOTHING"\n    execute_values(curs, query, rows)\n    psycopg2.extras.execute_batch(curs, sql="UPDATE t SET b = %s WHERE a = %s", argslist=rows)\n';
    const sites = await sitesIn(py, 'a.py');
    assert.deepEqual(sites.map((s) => [s.api, s.sql]), [
      // `VALUES %s` is the list execute_values expands: read as one row, `VALUES ($1)`.
      ['psycopg.execute_values', 'INSERT INTO t (a, b) VALUES ($1) ON CONFLICT DO NOTHING'],
      ['psycopg.execute_batch', 'UPDATE t SET b = $1 WHERE a = $2'],
    ]);
  });
});

describe('extract: psycopg composable SQL (sql.SQL, Identifier, Literal)', () => {

  it('SQL("…{table}…").format(table=Identifier("statistics", "user")) is the statement with the quoted name', async () => {
    const py = [
      'from psycopg2.sql import SQL, Identifier, Literal',
      'def delete_stale(curs, table, days):',
      '    query = SQL("DELETE FROM {table} WHERE last_updated < NOW() - {days} * INTERVAL \'1 day\'").format(table=Identifier("statistics", "user"), days=Literal(days))',
      '    curs.execute(query)',
      'def by_column(curs, column):',
      '    curs.execute(SQL("SELECT id FROM t WHERE {} = %s").format(Identifier(column)), ("x",))',
      '',
    ].join('\n');
    const [a, b] = await sitesIn(py, 'a.py');
    assert.equal(a.sql, 'DELETE FROM "statistics"."user" WHERE last_updated < NOW() - $1 * INTERVAL \'1 day\'');
    assert.equal(a.dynamic, false, 'Literal(x) is a value');
    assert.equal(b.dynamic, true, 'Identifier of a run-time name: a hole');
  });

  it('without psycopg imported, SQL(…) is nobody\'s call', async () => {
    const py = 'from mylib import SQL\ndef f(curs):\n    curs.execute(SQL("SELECT 1 FROM {}").format(x))\n';
    const sites = await sitesIn(py, 'a.py');
    assert.ok(!sites.some((s) => s.sql.includes('SELECT 1 FROM')), JSON.stringify(sites.map((s) => s.sql)));
  });
});
