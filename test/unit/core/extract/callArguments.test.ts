import { strict as assert } from 'node:assert';
import { extractSqlSites } from '../../../../src/core/extract';

/** [index, argument] of each parameter of each site. */
async function argumentsOf(text: string, lang: string): Promise<[number, string | undefined][][]> {
  return (await extractSqlSites(text, lang)).map((s) => s.params.map((p) => [p.index, p.argument]));
}

describe('core/extract: the argument a call passes for each positional placeholder (person16 LOW 3: Explain Analyze names $2 "updationTime")', () => {
  it('Go: the values after the SQL, with a named statement or a context first; nothing for args...', async () => {
    const go = `package repo
func (r *R) Get(ctx context.Context, userID int64, updationTime int64, app string) {
	rows, err := r.DB.Query(\`SELECT collection_id FROM collection_shares WHERE to_user_id = $1 AND (updation_time > $2 OR creation_time > $2) AND app = $3\`, userID, updationTime, string(app))
	q := \`SELECT * FROM t WHERE a = $1 AND b = $2\`
	row := r.DB.QueryRowContext(ctx, q, a.ID, b)
	rows, err = r.DB.Query(\`SELECT * FROM t WHERE a = $1\`, args...)
	rows, err = r.DB.Query(\`SELECT * FROM t WHERE a = $1 AND b = $2\`, onlyOne)
}
`;
    assert.deepEqual(await argumentsOf(go, 'go'), [
      [[1, 'userID'], [2, 'updationTime'], [2, 'updationTime'], [3, 'string(app)']],
      [[1, 'a.ID'], [2, 'b']],
      [[1, undefined]],
      [[1, undefined], [2, undefined]],
    ]);
  });

  it('JavaScript and Ruby: the items of the values array; nothing for a spread', async () => {
    const js = `async function f(a, user, xs) {
  await pool.query('SELECT * FROM t WHERE a = $1 AND b = $2', [a, user.id]);
  await pool.query('SELECT * FROM t WHERE x = $1', [...xs]);
}`;
    assert.deepEqual(await argumentsOf(js, 'javascript'), [[[1, 'a'], [2, 'user.id']], [[1, undefined]]]);
    const rb = `def f(conn, user)\n  conn.exec_params('SELECT * FROM t WHERE a = $1', [user.id])\nend\n`;
    assert.deepEqual(await argumentsOf(rb, 'ruby'), [[[1, 'user.id']]]);
  });

  it('Python: the items of the values tuple for %s; named placeholders keep their own names', async () => {
    const py = `def f(cur, a, b):\n    cur.execute("SELECT * FROM t WHERE a = %s AND b = %s", (a, b.id))\n    cur.execute("SELECT * FROM t WHERE a = %(x)s", {"x": a})\n`;
    assert.deepEqual(await argumentsOf(py, 'python'), [[[1, 'a'], [2, 'b.id']], [[1, undefined]]]);
  });
});
