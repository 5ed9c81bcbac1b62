import { strict as assert } from 'node:assert';
import { batchedSql, rewriteFor, toDollarParams } from '../../../../src/core/nplusone';
import type { DbCall } from '../../../../src/core/nplusone';
import { batchMethodAdvice } from '../../../../src/core/nplusone/rewrites';

const call = (library: DbCall['library'], op: DbCall['op'] = 'read', extra: Partial<DbCall> = {}): DbCall => ({ library, op, batch: false, label: 'x', method: 'x', ...extra });

describe('core/nplusone rewrites', () => {
  it('turns `col = $n` into `col = ANY($n)`', () => {
    assert.equal(batchedSql('SELECT * FROM orders WHERE customer_id = $1 AND x = 2'), 'SELECT * FROM orders WHERE customer_id = ANY($1) AND x = 2');
    assert.equal(batchedSql('SELECT * FROM t WHERE id = %s', 'percent'), 'SELECT * FROM t WHERE id = ANY(%s)');
  });

  it('an ORM or a driver call with no rewrite proved to keep the loop: the batched API in the advice, no code (none invented)', () => {
    const cases: [DbCall, RegExp][] = [
      [call('prisma', 'read', { model: 'user' }), /prisma\.user\.findMany whose where has \{ in: <the values> \} on the field each post gives/],
      [call('django', 'read', { model: 'Author' }), /in_bulk\(keys\)/],
      [call('django', 'write', { model: 'Order' }), /Order\.objects\.bulk_create/],
      [call('activerecord', 'read', { model: 'User' }), /where\(id: ids\)/],
      [call('gorm'), /Where\("id IN \?", ids\)/],
      [call('jdbc', 'write'), /addBatch\(\)[\s\S]*executeBatch\(\)/],
      [call('spring-data', 'read', { method: 'findById' }), /findAllById\(ids\)/],
      [call('sqlalchemy'), /\.in_\(keys\)/],
      [call('knex'), /whereIn\('id', ids\)/],
      [call('drizzle'), /inArray\(/],
      [call('sequelize', 'read', { model: 'User' }), /\[Op\.in\]/],
      [call('asyncpg', 'write'), /executemany/],
      [call('pgx', 'write'), /pgx\.Batch/],
      // A driver's read whose client, collection or body the code does not give.
      [call('node-postgres', 'read', { sql: 'SELECT * FROM u WHERE id = $1', label: 'db.query', method: 'query' }), /= ANY\(\$1\)/],
      [call('database/sql', 'read', { sql: 'SELECT name FROM u WHERE id = $1', label: 'db.QueryRow', method: 'QueryRow' }), /= ANY\(\$1\)/],
    ];
    for (const [c, re] of cases) {
      const r = rewriteFor({ call: c, variable: 'post', iterable: 'posts' });
      assert.equal(r.code, '', `${c.library}: no code`);
      assert.match(`${r.title}\n${r.help}`, re, c.library);
    }
  });

  it('an ORM read per item is worded without a placeholder for the key (person15 #14: "find({ where: { <its primary key>: In(keys) } })")', () => {
    for (const lib of ['typeorm', 'mikro-orm', 'sqlalchemy', 'sequelize', 'django'] as const) {
      const r = rewriteFor({ call: call(lib, 'read', { model: 'ProjectUser', method: 'find' }), variable: 'p', iterable: 'projects' });
      assert.doesNotMatch(`${r.title}\n${r.help}`, /<[a-z][^>]*>/i, lib);
    }
    const typeorm = rewriteFor({ call: call('typeorm', 'read', { method: 'find' }), variable: 'p', iterable: 'projects' });
    assert.match(typeorm.help, /one find whose where puts In\(keys\) on the column the loop's call filters by/);
  });

  it('Prisma: batches on the where field the loop item gives, keeps the other conditions, and a count per item becomes one groupBy (person12 R1)', () => {
    const count = rewriteFor({ call: call('prisma', 'read', { model: 'teamMember', method: 'count', label: 'this.prisma.teamMember.count' }), variable: 't', iterable: 'userOwnedTeams', collection: 'userOwnedTeams', callArgs: ['{ where: { teamID: t.teamID, role: TeamMemberRole.OWNER } }'] });
    assert.equal(count.code, '');
    assert.match(count.help, /prisma\.teamMember\.groupBy\(\{ by: \['teamID'\], where: \{ teamID: \{ in: ids \}, role: TeamMemberRole\.OWNER \}, _count: true \}\)/);
    assert.match(count.help, /ids = userOwnedTeams\.map\(\(t\) => t\.teamID\)/);
    assert.doesNotMatch(`${count.title}\n${count.help}`, /\bid: \{ in|findMany/);
    const read = rewriteFor({ call: call('prisma', 'read', { model: 'teamMember', method: 'findFirst' }), variable: 't', iterable: 'teams', callArgs: ['{ where: { teamID: t.teamID, role: OWNER }, select: { userUid: true } }'] });
    assert.match(read.help, /findMany\(\{ where: \{ teamID: \{ in: ids \}, role: OWNER \}, select: \{ userUid: true \} \}\)[\s\S]*select must include teamID[\s\S]*look them up by teamID/);
    const agg = rewriteFor({ call: call('prisma', 'read', { model: 'order', method: 'aggregate' }), variable: 'u', iterable: 'users', callArgs: ['{ where: { userId: u.id }, _sum: { total: true } }'] });
    assert.match(agg.help, /groupBy\(\{ by: \['userId'\], where: \{ userId: \{ in: ids \} \}, _sum: \{ total: true \} \}\)/);
  });

  it('Prisma: where the call does not say which field the item gives, the advice says it in words and names no column (person12 R1)', () => {
    const cases: [string[] | undefined, string, RegExp][] = [
      [undefined, 'findUnique', /the call's arguments are not an object literal/],
      [['args'], 'count', /groupBy\(\{ by: \[<the field each t gives>\]/],
      [['{ where: { role: OWNER } }'], 'findFirst', /no field of the where comes from `t`/],
      [['{ where: { teamID: t.teamID, userUid: t.owner } }'], 'findFirst', /several fields of the where \(teamID, userUid\)/],
      [['{ where: { teamID_userUid: { teamID: t.teamID, userUid: uid } } }'], 'findUnique', /nested or compound/],
      [['{ where: { teamID: t.teamID }, orderBy: { at: "desc" } }'], 'findFirst', /orderBy apply per item/],
      [['{ where }'], 'count', /no literal where/],
    ];
    for (const [args, method, re] of cases) {
      const r = rewriteFor({ call: call('prisma', 'read', { model: 'teamMember', method }), variable: 't', iterable: 'teams', callArgs: args });
      assert.match(r.help, re, `${method} ${args}`);
      assert.doesNotMatch(`${r.title}\n${r.help}`, /\bid: \{ in|\{ in: ids \}/, `${method} ${args}: no invented column`);
    }
  });

  it('a query builder\'s UPDATE or DELETE per item is batched with its IN form, never told to insert (person10 N12: a knex .update() loop was told "Insert all …")', () => {
    for (const library of ['knex', 'drizzle', 'kysely'] as const) {
      for (const [method, re] of [['update', /update|set\(/i], ['del', /del|delete/i], ['delete', /del|delete/i]] as const) {
        const r = rewriteFor({ call: call(library, 'write', { label: `db.${method}(…)`, method }), variable: 'row', iterable: 'toUpdate' });
        assert.equal(r.code, '', `${library} ${method}: no code`);
        assert.doesNotMatch(`${r.title}\n${r.help}`, /\binsert/i, `${library} ${method}`);
        assert.match(r.title, re, `${library} ${method}`);
        assert.match(`${r.title}\n${r.help}`, /whereIn|inArray|'in', ids/, `${library} ${method}`);
      }
      // An insert per item is still told to insert the array.
      assert.match(rewriteFor({ call: call(library, 'write', { label: 'db.insert(…)', method: 'insert' }), variable: 'row', iterable: 'rows' }).title, /insert/i, library);
    }
  });

  it('relations: select_related/prefetch_related (Django) or includes (Rails) on the query that produced the list, as advice', () => {
    const dj = rewriteFor({ call: call('django'), variable: 'book', iterable: 'books', relation: 'author' });
    assert.equal(dj.code, '');
    assert.match(dj.help, /select_related\("author"\)[\s\S]*prefetch_related\("author"\)[\s\S]*the query that produced books/);
    assert.match(rewriteFor({ call: call('activerecord'), variable: 'post', iterable: 'posts', relation: 'author' }).help, /\.includes\(:author\)[\s\S]*posts/);
  });

  it("a method of the app's own data layer (a Go store, sqlc's queries, a repository's declared query): the batched method to add, no code", () => {
    // listmonk internal/manager/manager.go:699 (person9 P22): `a, err := m.store.GetAttachment(int(mid))` in `for _, mid := range []int64(c.MediaIDs)`.
    const store = rewriteFor({ call: call('database/sql', 'read', { label: 'm.store.GetAttachment', method: 'GetAttachment', appMethod: true }), variable: 'mid', iterable: 'mid', argsBefore: [], after: { binding: '', rest: '\n\t\tc.Attachments = append(c.Attachments, a)\n\t' } });
    assert.equal(store.code, '');
    assert.equal(store.title, 'Batch GetAttachment: add GetAttachments(…) to m.store');
    assert.match(store.help, /`m\.store\.GetAttachment` is the app's own method: add a batched GetAttachments\(…\) to m\.store that reads every key in one query[^.]*, call it once before the loop with every `mid`/);
    assert.doesNotMatch(store.help, /\bdb\b|\bctx\b|\.ID\b/, 'no client, context or field invented');
    const sqlc = rewriteFor({ call: call('pgx', 'read', { label: 'q.GetUserByID', method: 'GetUserByID', appMethod: true }), variable: 'id' });
    assert.match(sqlc.title, /add GetUserByIDs\(…\) to q$/);
    const repo = rewriteFor({ call: call('spring-data', 'read', { label: 'orderRepository.findByCustomer', method: 'findByCustomer', appMethod: true }), variable: 'c' });
    assert.match(repo.title, /add findByCustomers\(…\) to orderRepository/);
    const write = rewriteFor({ call: call('database/sql', 'write', { label: 'store.StepUpdate', method: 'StepUpdate', appMethod: true }), variable: 'step' });
    assert.match(write.help, /writes every row in one statement[^.]*call it once after the loop/);
    // A name ending in its verb (commento's `commenterNew`, `domainDelete`): not a plural of the verb.
    assert.match(write.title, /add StepUpdateBatch\(…\) to store$/);
    assert.match(rewriteFor({ call: call('database/sql', 'read', { label: 'commenterGetByHex', method: 'commenterGetByHex', appMethod: true }) }).title, /add commenterGetByHexes\(…\)$/);
  });

  it('no invented plural for a name already plural, a participle or one word (person11 Q2: memberses, num_checks_useds, prepares); a method on the loop\'s own item goes to its class', () => {
    for (const [label, method, variable] of [['self.members', 'members', 'p'], ['profile.num_checks_used', 'num_checks_used', 'profile'], ['check.project.team_emails', 'team_emails', 'check'], ['self.prepare', 'prepare', 'key'], ['channel.assign_all_checks', 'assign_all_checks', 'channel']]) {
      const r = batchMethodAdvice(label, method, 'read', variable);
      for (const invented of [`${method}s(`, `${method}es(`]) assert.ok(!`${r.title}\n${r.help}`.includes(invented), `${method}: ${r.title}`);
      assert.match(r.help, new RegExp(`a batched form of ${method}\\(…\\)`), method);
    }
    assert.match(batchMethodAdvice('profile.num_checks_used', 'num_checks_used', 'read', 'profile').title, /to the class of `profile`$/);
    assert.match(batchMethodAdvice('check.project.team_emails', 'team_emails', 'read', 'check').title, /to the class of `check\.project`$/);
    // A field or a store stays named as written: it is where the method goes.
    assert.match(batchMethodAdvice('m.store.GetAttachment', 'GetAttachment', 'read', 'mid').title, /add GetAttachments\(…\) to m\.store$/);
  });

  it('a loop over the keys themselves uses the list as is', () => {
    const r = rewriteFor({ call: call('node-postgres', 'read', { sql: 'SELECT * FROM u WHERE id = $1', label: 'db.query', method: 'query' }), variable: 'id', iterable: 'ids', collection: 'ids', params: '[id]', after: { binding: '{ rows }', rest: '\n    out.push(...rows);\n  ' } });
    assert.match(r.code, /\[\.\.\.new Set\(ids\)\]/);
    assert.match(r.code, /\n {2}const rows = rowsByKey\.get\(String\(id\)\) \?\? \[\];[^\n]*\n {2}out\.push\(\.\.\.rows\);\n\}$/);
  });

  it('no code when the code does not give a name the rewrite needs: the client, the collection as written, what the body does with the rows, Go\'s context', () => {
    const sql = 'SELECT * FROM orders WHERE user_id = $1';
    const after = { binding: '{ rows }', rest: '\n    user.orders = rows;\n  ' };
    const base = { variable: 'user', iterable: 'users', collection: 'users', params: '[user.id]', after };
    const ok = rewriteFor({ call: call('node-postgres', 'read', { sql, label: 'db.query', method: 'query' }), ...base });
    assert.match(ok.code, /await db\.query\(/);
    assert.match(ok.code, /\n {2}user\.orders = rows;\n\}$/);
    // `getPool().query(…)`: the client is a call, not a name to reuse.
    assert.equal(rewriteFor({ call: call('node-postgres', 'read', { sql, label: 'getPool(…).query', method: 'query' }), ...base }).code, '');
    // `for (const user of await loadUsers())`: no collection to range over again.
    assert.equal(rewriteFor({ call: call('node-postgres', 'read', { sql, label: 'db.query', method: 'query' }), ...base, collection: undefined }).code, '');
    // `await db.query(…)` with the result unused, or bound in a shape not read: the loop's body is not known.
    assert.equal(rewriteFor({ call: call('node-postgres', 'read', { sql, label: 'db.query', method: 'query' }), ...base, after: undefined }).code, '');
    assert.equal(rewriteFor({ call: call('node-postgres', 'read', { sql, label: 'db.query', method: 'query' }), ...base, after: { binding: '[first]', rest: '' } }).code, '');
    // Go: the context the call passes is the code's own (`r.Context()`), never an invented `ctx`.
    const goAfter = { binding: '', rest: '\n\t\tnames = append(names, name)\n\t', header: 'for _, o := range orders', before: '\n\t\tvar name string\n\t\t', statement: 'if err := db.QueryRowContext(r.Context(), "SELECT name FROM customers WHERE id = $1", o.CustomerID).Scan(&name); err != nil {\n\t\t\treturn err\n\t\t}', call: 'db.QueryRowContext(r.Context(), "SELECT name FROM customers WHERE id = $1", o.CustomerID).Scan(&name)', scope: 'func f(db *sql.DB, r *http.Request, orders []Order) error {\n\tvar name string\n' };
    const goCall = call('database/sql', 'read', { sql: 'SELECT name FROM customers WHERE id = $1', label: 'db.QueryRowContext', method: 'QueryRowContext' });
    const go = rewriteFor({ call: goCall, variable: 'o', iterable: 'orders', args: ['o.CustomerID'], argsBefore: ['r.Context()'], after: goAfter });
    assert.match(go.code, /keyRows, err := db\.QueryContext\(r\.Context\(\), `/);
    assert.doesNotMatch(go.code, /\bctx\b|len\(orders\)/);
    assert.equal(rewriteFor({ call: goCall, variable: 'o', iterable: 'orders', args: ['o.CustomerID'], argsBefore: [], after: goAfter }).code, '');
  });

  it('a per-key LIMIT stays per key (LATERAL), the client and key come from the code, rows are grouped by a selected column', () => {
    const sql = 'SELECT id, rating FROM reviews WHERE product_id = $1 ORDER BY created_at DESC LIMIT 3';
    const after = { binding: '{ rows }', rest: '\n    product.reviews = rows;\n  ' };
    const code = rewriteFor({ call: call('node-postgres', 'read', { sql, label: 'db.query', method: 'query' }), variable: 'product', iterable: 'products', collection: 'products', params: '[product.id]', after }).code;
    // Each product's reviews in the loop's order (person37 L11: no outer ORDER BY, the plan's order): the products in the
    // keys' order, each one's rows by the original's ORDER BY — created_at, which it does not hand on, selected inside
    // under a name of its own and left out of the rows.
    assert.match(code, /SELECT k\.key AS product_id, x\.id, x\.rating\n {2}FROM unnest\(\$1::bigint\[\]\) WITH ORDINALITY AS k\(key, ord\)\n {2}CROSS JOIN LATERAL \(\n {4}SELECT id, rating, created_at AS pglens_order_1 FROM reviews WHERE product_id = k\.key ORDER BY created_at DESC LIMIT 3\n {2}\) AS x\n {2}ORDER BY k\.ord, x\.pglens_order_1 DESC/);
    assert.doesNotMatch(code, /ANY\(\$1\)[^\n]*LIMIT/, 'never a LIMIT over all keys together');
    assert.match(code, /await db\.query\(/);
    assert.match(code, /for \(const \{ product_id, \.\.\.row \} of allRows\) \{\n  const key = String\(product_id\);/, 'grouped by the key, which the rows handed on leave out');
    const plain = rewriteFor({ call: call('node-postgres', 'read', { sql: 'SELECT quantity FROM order_items WHERE order_id = $1', label: 'this.db.query', method: 'query' }), variable: 'order', iterable: 'orders', collection: 'this.orders', params: '[order.id]', after: { binding: '{ rows }', rest: '\n    order.items = rows;\n  ' } }).code;
    assert.match(plain, /SELECT order_id, quantity FROM order_items WHERE order_id = ANY\(\$1\)/, 'the grouping column is selected');
    assert.match(plain, /await this\.db\.query\(/);
    assert.match(plain, /for \(const order of this\.orders\) \{/);
  });

  it('maps ?, %s, %(name)s and :name placeholders to $n', () => {
    assert.equal(toDollarParams("SELECT * FROM t WHERE a = ? AND b = '?' AND c = ?"), "SELECT * FROM t WHERE a = $1 AND b = '?' AND c = $2");
    assert.equal(toDollarParams('SELECT %(a)s, %(b)s, %(a)s, x::int'), 'SELECT $1, $2, $1, x::int');
    assert.equal(toDollarParams('SELECT * FROM t WHERE id = :id'), 'SELECT * FROM t WHERE id = $1');
  });
});
