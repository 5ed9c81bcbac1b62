import { strict as assert } from 'node:assert';
import { arrayLiteralOf, isArrayParameter, parameterUses, prefilledValue, statementShape, valuePrompt } from '../../../../src/core/sql/predicates';

const table = (sql: string, key: string) => {
  const s = statementShape(sql);
  assert.ok(s, `parses: ${sql}`);
  const t = s.tables.find((x) => x.key === key);
  assert.ok(t, `table ${key} in ${sql}`);
  return t;
};

describe('core/sql/predicates', () => {
  it('resolves aliases and sorts predicates by kind', () => {
    const sql = "SELECT o.id, o.total FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.status = 'refunded' AND o.total BETWEEN 1 AND 2 AND lower(c.email) = $1 ORDER BY o.placed_at DESC LIMIT 5";
    const o = table(sql, 'o');
    assert.equal(o.name, 'orders');
    assert.deepEqual(o.predicates.map((p) => [p.kind, p.op, p.target.kind === 'column' ? p.target.column : p.target.sql]), [
      ['eq', '=', 'status'],
      ['range', 'BETWEEN', 'total'],
    ]);
    assert.deepEqual(o.predicates[0].constant, { kind: 'string', value: 'refunded' });
    assert.deepEqual(o.orderBy.map((k) => [k.target.kind === 'column' && k.target.column, k.direction]), [['placed_at', 'DESC']]);
    assert.deepEqual(o.joinKeys, [{ column: 'customer_id', other: { table: 'c', column: 'id' } }]);
    assert.deepEqual(o.selected, ['id', 'total']);
    assert.equal(o.limit, 5);
    const c = table(sql, 'c');
    assert.equal(c.predicates[0].target.kind, 'expression');
    assert.equal(c.predicates[0].target.kind === 'expression' && c.predicates[0].target.sql, 'lower(email)');
    assert.deepEqual(c.joinKeys, [{ column: 'id', other: { table: 'o', column: 'customer_id' } }]);
  });

  it('reads ORDER BY of an output alias or a position as the column it stands for (as ORMs write it)', () => {
    // Sequelize: `placed_at AS "placedAt" … ORDER BY "placedAt" DESC`; an alias is not a column of the table.
    const o = table('SELECT "id", "placed_at" AS "placedAt" FROM "orders" AS "Order" WHERE "Order"."status" = $1 ORDER BY "placedAt" DESC LIMIT 20', 'Order');
    assert.deepEqual(o.orderBy.map((k) => [k.target.kind === 'column' && k.target.column, k.direction]), [['placed_at', 'DESC']]);
    assert.ok(!o.referenced.includes('placedAt'), o.referenced.join(','));
    const p = table('SELECT id, placed_at FROM orders WHERE status = $1 ORDER BY 2 DESC, 1', 'orders');
    assert.deepEqual(p.orderBy.map((k) => [k.target.kind === 'column' && k.target.column, k.direction]), [['placed_at', 'DESC'], ['id', 'ASC']]);
    // A name that is not an output alias stays an input column.
    const q = table('SELECT id AS ident FROM orders WHERE status = $1 ORDER BY placed_at', 'orders');
    assert.deepEqual(q.orderBy.map((k) => k.target.kind === 'column' && k.target.column), ['placed_at']);
  });

  it('finds IN/ANY, LIKE with a leading wildcard, jsonb operators, tsvector @@ and IS NULL', () => {
    const t = table(`SELECT * FROM products WHERE id = ANY($1) AND kind IN ('a','b') AND name ILIKE '%lamp%' AND code LIKE 'AB%'
      AND attributes @> '{"c":1}' AND attributes ? 'k' AND tags ?| array['x'] AND search @@ plainto_tsquery('english', $2) AND deleted_at IS NULL`, 'products');
    const kinds = t.predicates.map((p) => `${p.kind}:${p.op}`);
    assert.deepEqual(kinds, ['in:ANY', 'in:IN', 'like:ILIKE', 'like:LIKE', 'jsonb:@>', 'jsonb:?', 'jsonb:?|', 'fts:@@', 'is-null:IS NULL']);
    assert.deepEqual(t.predicates[1].values, [{ kind: 'string', value: 'a' }, { kind: 'string', value: 'b' }]);
    assert.equal(t.predicates[2].leadingWildcard, true);
    assert.equal(t.predicates[3].leadingWildcard, false);
  });

  it('flips constants on the left and keeps expressions (date(), casts, ->>)', () => {
    const t = table("SELECT * FROM t WHERE 10 < amount AND date(created_at) = '2024-01-01' AND (data->>'k') = 'v' AND placed_at::date = $1", 't');
    assert.deepEqual(t.predicates.map((p) => [p.kind, p.op, p.target.kind === 'column' ? p.target.column : p.target.sql]), [
      ['range', '>', 'amount'],
      ['eq', '=', 'date(created_at)'],
      ['eq', '=', "(data ->> 'k')"],
      ['eq', '=', '(placed_at)::date'],
    ]);
  });

  it('writes the constants of an expression as SQL: a quoted string, a number, true/false, NULL', () => {
    const t = table("SELECT * FROM t WHERE date_trunc('it''s', created_at) = $1 AND coalesce(score, 1.5) = $2 AND coalesce(n, 7) = $3 AND coalesce(active, false) = $4 AND coalesce(note, NULL) = $5", 't');
    assert.deepEqual(t.predicates.map((p) => (p.target.kind === 'expression' ? p.target.sql : p.target.column)), [
      "date_trunc('it''s', created_at)",
      'coalesce(score, 1.5)',
      'coalesce(n, 7)',
      'coalesce(active, false)',
      'coalesce(note, NULL)',
    ]);
  });

  it('ignores OR of different columns (no single index serves it)', () => {
    const t = table("SELECT * FROM orders WHERE status = 'x' OR channel = 'web'", 'orders');
    assert.deepEqual(t.predicates, []);
  });

  it('treats CTE names as virtual, analyses CTE bodies and correlated subqueries', () => {
    const s = statementShape('WITH recent AS (SELECT * FROM orders WHERE placed_at > now()) SELECT * FROM recent r WHERE EXISTS (SELECT 1 FROM order_items oi WHERE oi.order_id = r.id)');
    assert.ok(s);
    assert.deepEqual(s.tables.map((t) => t.name), ['orders', 'order_items']);
    assert.equal(s.tables[0].predicates[0].kind, 'range');
  });

  it('correlated EXISTS: the inner column is an equality per outer row (like = $1), the outer column a join key (issue 20, person21 HIGH 1)', () => {
    const s = statementShape('SELECT id FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)');
    assert.ok(s);
    const o = s.tables.find((t) => t.name === 'orders')!;
    assert.deepEqual(o.predicates.map((p) => [p.kind, p.target.kind === 'column' && p.target.column, p.correlated]), [['eq', 'customer_id', true]]);
    assert.deepEqual(o.joinKeys, []);
    assert.deepEqual(s.tables.find((t) => t.name === 'customers')!.joinKeys, [{ column: 'id', other: { table: 'o', column: 'customer_id' } }]);
  });

  it("a LATERAL subquery over unnest($1): its correlated key, with the subquery's own ORDER BY and LIMIT (issue 20, person21 HIGH 1)", () => {
    for (const sql of [
      'SELECT k.key AS product_id, x.* FROM unnest($1::bigint[]) AS k(key) CROSS JOIN LATERAL (SELECT rating, created_at FROM reviews WHERE product_id = k.key ORDER BY created_at DESC LIMIT 3) AS x',
      // qualified inner column, the outer column on the left, LEFT JOIN LATERAL … ON true
      'SELECT p.id, x.* FROM products p LEFT JOIN LATERAL (SELECT r.rating FROM reviews r WHERE p.id = r.product_id ORDER BY r.created_at DESC LIMIT 3) x ON true',
    ]) {
      const r = table(sql, sql.includes('reviews r') ? 'r' : 'reviews');
      assert.deepEqual(r.predicates.map((p) => [p.kind, p.target.kind === 'column' && p.target.column, p.correlated]), [['eq', 'product_id', true]], sql);
      assert.deepEqual(r.orderBy.map((k) => [k.target.kind === 'column' && k.target.column, k.direction]), [['created_at', 'DESC']]);
      assert.equal(r.limit, 3);
    }
    // A derived table that is not LATERAL cannot see the FROM items before it: nothing is read as its key.
    const plain = table('SELECT * FROM products p, (SELECT r.rating FROM reviews r WHERE r.product_id = p.id LIMIT 3) x', 'r');
    assert.deepEqual(plain.predicates, []);
  });

  it('a correlated scalar subquery in the select list: equality per outer row plus its ORDER BY / LIMIT', () => {
    const r = table('SELECT p.id, (SELECT r.rating FROM reviews r WHERE r.product_id = p.id ORDER BY r.created_at DESC LIMIT 1) AS last_rating FROM products p', 'r');
    assert.deepEqual(r.predicates.map((p) => [p.kind, p.target.kind === 'column' && p.target.column, p.correlated]), [['eq', 'product_id', true]]);
    assert.equal(r.limit, 1);
    assert.equal(r.orderBy.length, 1);
  });

  it('UPDATE and DELETE: the WHERE of the target table', () => {
    const u = table('UPDATE orders SET status = $2 WHERE customer_id = $1', 'orders');
    assert.equal(u.written, true);
    assert.equal(u.predicates[0].target.kind === 'column' && u.predicates[0].target.column, 'customer_id');
    const d = table('DELETE FROM sessions WHERE expires_at < now()', 'sessions');
    assert.equal(d.predicates[0].kind, 'range');
  });

  it('keeps quoted identifiers as written', () => {
    const t = table('SELECT * FROM "MyTable" WHERE "CamelCol" = 1', 'MyTable');
    assert.equal(t.predicates[0].target.kind === 'column' && t.predicates[0].target.column, 'CamelCol');
  });

  it('unqualified columns with several tables are left for the catalog to resolve', () => {
    const s = statementShape('SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id WHERE email = $1');
    assert.ok(s);
    assert.equal(s.unresolved.length, 1);
    assert.deepEqual(s.unresolved[0].candidates, ['o', 'c']);
  });

  it('gives undefined for SQL the parser cannot read, and for several statements', () => {
    assert.equal(statementShape('MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE'), undefined);
    assert.equal(statementShape('SELECT 1; SELECT 2'), undefined);
    assert.equal(statementShape('SELEKT nonsense'), undefined);
  });

  it('parameterUses: what each $n is compared with, as written, for the value prompt', () => {
    const uses = parameterUses('SELECT id FROM orders o WHERE o.customer_id = $1 AND o.placed_at > $2 ORDER BY placed_at DESC LIMIT $3');
    assert.equal(uses.get(1), 'o.customer_id = $1 (orders)');
    assert.equal(uses.get(2), 'o.placed_at > $2 (orders)');
    assert.equal(uses.get(3), 'LIMIT: how many rows at most');
    assert.equal(parameterUses('SELECT id FROM customers WHERE lower(email) = lower($1)').get(1), 'lower(email) = lower($1) (customers)');
    assert.equal(parameterUses('not sql').size, 0);
  });

  it('parameterUses: a $n passed to a function outside any condition gets the call around it (person9 P15: the shop search\'s $1 had no context)', () => {
    const search = `SELECT id, sku, name, price_cents, ts_rank(search, query) AS rank
       FROM products, websearch_to_tsquery('english', $1) AS query
      WHERE search @@ query ORDER BY rank DESC, id LIMIT 20`;
    assert.equal(parameterUses(search).get(1), "websearch_to_tsquery('english', $1)");
    assert.equal(parameterUses('SELECT g FROM generate_series(1, $1) g').get(1), 'generate_series(1, $1)');
    assert.equal(parameterUses('SELECT upper($1) AS x, id FROM t WHERE id = $2').get(1), 'upper($1)');
    // A condition still wins over the call inside it.
    assert.equal(parameterUses('SELECT * FROM t WHERE a = coalesce($1, 0)').get(1), 'a = coalesce($1, 0) (t)');
  });

  it('parameterUses: a $n compared inside OR / NOT, a nested expression, a JOIN or a subquery, and one used twice names both (person16 LOW 3)', () => {
    // museum's GetCollectionsSharedWithUser: "$2 — Not compared with a column in the query".
    const shared = parameterUses(
      'SELECT collections.collection_id FROM collections JOIN collection_shares ON collections.collection_id = collection_shares.collection_id AND collection_shares.to_user_id = $1 WHERE (collection_shares.updation_time > $2 OR collections.updation_time > $2) AND collections.app = $3',
    );
    assert.equal(shared.get(2), 'collection_shares.updation_time > $2; collections.updation_time > $2');
    assert.match(shared.get(1) ?? '', /^collection_shares\.to_user_id = \$1/);
    assert.equal(shared.get(3), 'collections.app = $3 (collections)');
    const nested = parameterUses('SELECT * FROM t WHERE NOT (a = $1) AND (b > $2 OR (c < $3 AND d BETWEEN $4 AND 9))');
    assert.deepEqual([1, 2, 3, 4].map((n) => nested.get(n)), ['a = $1', 'b > $2', 'c < $3', 'd BETWEEN $4 AND 9']);
    // A subquery's own comparison, not the IN around it; arithmetic is part of the comparison, not one of its own.
    assert.equal(parameterUses('SELECT * FROM t WHERE id IN (SELECT tid FROM u WHERE u.owner = $1 OR u.admin = $1)').get(1), 'u.owner = $1; u.admin = $1');
    assert.equal(parameterUses('SELECT * FROM t WHERE a > 1 OR b + $1 > 5').get(1), 'b + $1 > 5');
    // Three or more: the first two and a count.
    assert.equal(parameterUses('SELECT * FROM t WHERE a = $1 OR b = $1 OR c = $1').get(1), 'a = $1; b = $1; 1 more');
  });

  it('valuePrompt names the argument the code passes for $n beside what the query compares it with (person16 LOW 3)', () => {
    const uses = parameterUses('SELECT * FROM collection_shares WHERE to_user_id = $1 AND (updation_time > $2 OR creation_time > $2)');
    const p = valuePrompt(uses, 2, 3, false, 'updationTime');
    assert.equal(p.title, 'Value for $2 (updationTime, 2 of 3): updation_time > $2; creation_time > $2');
    assert.match(p.prompt, /^In the code: updationTime\. In the query: updation_time > \$2; creation_time > \$2\./);
    // A placeholder that is its own name says nothing more.
    assert.equal(valuePrompt(uses, 1, 1, false, '$1').title, 'Value for $1: to_user_id = $1 (collection_shares)');
  });

  it('parameterUses: the column an INSERT or an UPDATE gives each $n ("which column is $1?")', () => {
    const ins = parameterUses('INSERT INTO reviews (product_id, customer_id, rating, body) VALUES ($1, $2, $3, $4::text) RETURNING id');
    assert.deepEqual([...ins.entries()].sort(), [
      [1, 'the value of reviews.product_id (INSERT)'], [2, 'the value of reviews.customer_id (INSERT)'], [3, 'the value of reviews.rating (INSERT)'], [4, 'the value of reviews.body (INSERT)'],
    ]);
    assert.equal(parameterUses('INSERT INTO t VALUES ($1, $2)').get(2), 'the value of column 2 of t (INSERT)');
    const sel = parameterUses('INSERT INTO t (a, b) SELECT $1, x FROM u WHERE y = $2 ON CONFLICT (a) DO UPDATE SET b = $3');
    assert.equal(sel.get(1), 'the value of t.a (INSERT)');
    assert.equal(sel.get(2), 'y = $2 (u)', 'a comparison says more than a position');
    assert.equal(sel.get(3), 'SET b = $3 (t, ON CONFLICT)');
    const upd = parameterUses('UPDATE orders SET status = $1, note = coalesce($2, note) WHERE id = $3');
    assert.equal(upd.get(1), 'SET status = $1 (orders)');
    assert.equal(upd.get(2), 'SET note = coalesce($2, note) (orders)');
    assert.equal(upd.get(3), 'id = $3 (orders)');
    assert.equal(parameterUses('SELECT * FROM t ORDER BY a LIMIT 5 OFFSET $1').get(1), 'OFFSET: how many rows to skip');
  });
});

describe('core/sql/predicates array parameters (Explain Analyze asks their values)', () => {
  // person8's hour: "1000" typed for order_id = ANY($1::bigint[]) was PostgreSQL's "malformed array literal: "1000"".
  it('knows $n is an array from a cast to an array type or = ANY($n)', () => {
    assert.equal(isArrayParameter('SELECT 1 FROM order_items WHERE order_id = ANY($1::bigint[])', 1), true);
    assert.equal(isArrayParameter('SELECT 1 FROM t WHERE id = ANY($2)', 2), true);
    assert.equal(isArrayParameter('SELECT 1 FROM t WHERE tags && $1::varchar(100)[]', 1), true);
    assert.equal(isArrayParameter('SELECT 1 FROM t WHERE id = $1 AND x = ANY($2)', 1), false);
    assert.equal(isArrayParameter('SELECT 1 FROM t WHERE id = $10', 1), false);
  });
  it('turns what a person types into an array literal', () => {
    assert.equal(arrayLiteralOf('1000'), '{1000}');
    assert.equal(arrayLiteralOf(' 1, 2 ,3 '), '{1,2,3}');
    assert.equal(arrayLiteralOf('{4,5}'), '{4,5}');
  });

  it('prefilledValue: LIMIT starts at 20, OFFSET at 0, a column at its statistics example, else empty (person23 LOW 6: Enter planned LIMIT NULL)', () => {
    const uses = parameterUses('SELECT id FROM products WHERE id > $1 ORDER BY id LIMIT $2 OFFSET $3');
    assert.deepEqual([1, 2, 3].map((n) => prefilledValue(uses.get(n), n === 1 ? { value: '3920', from: 'products.id', kind: 'histogram' } : undefined)), ['3920', '20', '0']);
    assert.equal(prefilledValue(uses.get(1)), '');
    // The constant the code passes comes first, and the prompt says it is filled in, with no pg_stats example beside it (person54 L-8).
    assert.equal(prefilledValue(uses.get(2), undefined, '10'), '10');
    const sets = parameterUses('UPDATE orders SET status = $2 WHERE customer_id = $1');
    const example = { value: 'delivered', from: 'orders.status', kind: 'common' as const };
    assert.equal(prefilledValue(sets.get(2), example, 'paid'), 'paid');
    const prompt = valuePrompt(sets, 2, 2, false, "'paid'", example, undefined, 'paid').prompt;
    assert.match(prompt, /^In the code: 'paid' \(filled in\)\. /);
    assert.doesNotMatch(prompt, /delivered/);
    assert.match(valuePrompt(sets, 2, 2, false, 'status', example).prompt, /For example delivered/);
  });
});
