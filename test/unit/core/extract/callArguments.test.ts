import { strict as assert } from 'node:assert';
import { extractSqlSites } from '../../../../src/core/extract';

/** [index, argument] of each parameter of each site. */
async function argumentsOf(text: string, lang: string): Promise<[number, string | undefined][][]> {
  return (await extractSqlSites(text, lang)).map((s) => s.params.map((p) => [p.index, p.argument]));
}

describe('core/extract: the argument a call passes for each positional placeholder (person16 LOW 3: Explain Analyze names $2 "updationTime")', () => {
  it('TypeScript: an awaited call with type arguments (the shop\'s addReview: person31 L2, the INSERT\'s prompts named no argument)', async () => {
    const ts = `export async function addReview(db: Db, review: { productId: number; customerId: number; rating: number; body: string }): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    'INSERT INTO reviews (product_id, customer_id, rating, body) VALUES ($1, $2, $3, $4) RETURNING id',
    [review.productId, review.customerId, review.rating, review.body],
  );
  const other = await pool.query<Row>('SELECT * FROM reviews WHERE id = $1', [id]);
  return Number(rows[0].id);
}
`;
    assert.deepEqual(await argumentsOf(ts, 'typescript'), [
      [[1, 'review.productId'], [2, 'review.customerId'], [3, 'review.rating'], [4, 'review.body']],
      [[1, 'id']],
    ]);
    // pg's query, called with type arguments (fixx): each site's call is the call, from its `await` to its `)`.
    const line = (at: number) => ts.slice(0, at).split('\n').length;
    assert.deepEqual((await extractSqlSites(ts, 'typescript')).map((s) => [s.api, line(s.span.start), s.callSpan && [line(s.callSpan.start), line(s.callSpan.end)], s.calledBy]), [['pg.query', 3, [2, 5], undefined], ['pg.query', 6, [6, 6], undefined]]);
  });

  it('a constant argument\'s value, for the value prompt to start with (person54 L-8: "In the code: \'paid\'" beside an empty box)', async () => {
    const values = async (text: string, lang: string) => (await extractSqlSites(text, lang)).map((s) => [...s.params].sort((a, b) => a.index - b.index).map((p) => p.value));
    assert.deepEqual(await values(`await db.query('UPDATE orders SET status = $2, total_cents = total_cents + 1 WHERE customer_id = $1', [id, 'paid']);\nawait db.query('SELECT 1 FROM t WHERE a = $1 AND b = $2 AND c = $3', [-1.5, true, \`x\${y}\`]);`, 'typescript'), [[undefined, 'paid'], ['-1.5', 'true', undefined]]);
    assert.deepEqual(await values(`cur.execute("SELECT * FROM t WHERE a = %s AND b = %s", ("it's", False))`, 'python'), [['it\'s', 'False']]);
    assert.deepEqual(await values('package p\nfunc f() { db.Query(`SELECT * FROM t WHERE a = $1 AND b = $2`, "x", n) }', 'go'), [['x', undefined]]);
  });

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

  it('Go: a slice the function builds and appends to, passed as args... (ente\'s GetCollectionsSharedWithUser)', async () => {
    const go = `package repo
func (repo *R) GetShared(userID int64, updationTime int64, app ente.App, limit *int64) {
	query := \`SELECT c.collection_id FROM collections c JOIN collection_shares s ON c.collection_id = s.collection_id AND s.to_user_id = $1 AND (s.updation_time > $2 OR c.updation_time > $2) AND app = $3\`
	args := []interface{}{userID, updationTime, string(app)}
	if limit != nil {
		query += " ORDER BY c.updation_time ASC LIMIT $4"
		args = append(args, *limit)
	}
	rows, err := repo.DB.Query(query, args...)
}
func (repo *R) Other(a int64, b int64) {
	args := []interface{}{a}
	args = others(b)
	rows, err := repo.DB.Query(\`SELECT * FROM t WHERE a = $1\`, args...)
}
`;
    const sites = await argumentsOf(go, 'go');
    assert.deepEqual(sites[0].filter(([n]) => n <= 3), [[1, 'userID'], [2, 'updationTime'], [2, 'updationTime'], [3, 'string(app)']]);
    // A slice set any other way names nothing.
    assert.deepEqual(sites[sites.length - 1], [[1, undefined]]);
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
    // asyncpg: the values after the SQL.
    const apg = `import asyncpg\nasync def f(conn, a, b):\n    return await conn.fetch("SELECT * FROM t WHERE a = $1 AND b = $2", a, b.id)\n`;
    assert.deepEqual(await argumentsOf(apg, 'python'), [[[1, 'a'], [2, 'b.id']]]);
  });
});
