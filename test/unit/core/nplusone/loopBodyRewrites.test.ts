/**
 * The batched rewrites of Python (psycopg, asyncpg) and Ruby (ruby-pg) loops keep the loop's meaning: one query for
 * every key with the key column first (test/db/examples/nplusoneRewrite.test.ts proves that form returns each key's
 * rows, column for column, on the shop), the rows grouped by the key the loop passes (`product["id"]`, `c.id`, not a
 * guessed `.id` / `r["id"]`), and the loop again with each item's rows under the loop's own name and the loop's own
 * statements after the call. Before, they ended at `by_id = {r["id"]: r for r in rows}` (Python, a multi-line SQL
 * inside "…") or offered ActiveRecord's `Model.where(id: …)` for ruby-pg, and dropped `product["reviews"] = …`.
 * The Python code is checked by Python's own parser when python3 is on the machine (no Go or Ruby toolchain here).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { detectNPlusOne } from '../../../../src/core/nplusone';

const rewriteOf = async (src: string, lang: string): Promise<{ title: string; code: string; help?: string }> => {
  const [f] = await detectNPlusOne(src, lang);
  assert.ok(f, `no N+1 in\n${src}`);
  return (f.evidence as { rewrite: { title: string; code: string; help?: string } }).rewrite;
};

/** Python's parser on the code, or the reason it could not run (said, not skipped silently). */
function pythonParses(code: string): true | string {
  const r = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: `async def f():\n${code.split('\n').map((l) => `    ${l}`).join('\n')}\n`, encoding: 'utf8' });
  if (r.error) return `python3 not available (${r.error.message}): the syntax check is left out`;
  return r.status === 0 ? true : r.stderr;
}

describe('core/nplusone: Python, Ruby and Go batched rewrites carry the loop body over', () => {
  it('asyncpg: the latest 3 reviews per product keep their LIMIT per product (LATERAL), the rows under the loop\'s name, its statements after', async () => {
    const src = [
      'import asyncpg',
      'async def latest(conn, products):',
      '    for product in products:',
      '        rows = await conn.fetch("SELECT id, rating FROM reviews WHERE product_id = $1 ORDER BY created_at DESC LIMIT 3", product["id"])',
      '        product["reviews"] = [dict(r) for r in rows]',
      '        print(len(rows))',
      '    return products',
    ].join('\n');
    const r = await rewriteOf(src, 'python');
    assert.match(r.title, /LATERAL \(keeps the per-product LIMIT\)/);
    // Said as one query for them all (person30 LOW: "Query once for every pid (the statement once per key in one query)"
    // read as a query per item, the very thing the fix removes).
    assert.match(r.help ?? '', /^One query for every product at once \(the statement run per key inside that one query\)/);
    assert.match(r.code, /all_rows = await conn\.fetch\("""\n {4}SELECT k\.key AS product_id, x\.id, x\.rating\n {4}FROM unnest\(\$1::bigint\[\]\) WITH ORDINALITY/);
    assert.match(r.code, /, list\(dict\.fromkeys\(product\["id"\] for product in products\)\)\)/);
    assert.match(r.code, /\nfor product in products:\n {4}rows = rows_by_key\.get\(product\["id"\], \[\]\)\n {4}product\["reviews"\] = \[dict\(r\) for r in rows\]\n {4}print\(len\(rows\)\)$/);
    assert.doesNotMatch(r.code, /by_id|r\["id"\]/);
    const ok = pythonParses(r.code);
    if (ok !== true && /not available/.test(ok)) console.log(`      [python3 absent] ${ok}`);
    else assert.equal(ok, true, r.code);
  });

  it('asyncpg fetchrow / fetchval: one row, or one value, per item (None when the key has none)', async () => {
    const row = await rewriteOf('import asyncpg\nasync def f(conn, users):\n    for user in users:\n        profile = await conn.fetchrow("SELECT bio FROM profiles WHERE user_id = $1", user.id)\n        user.bio = profile["bio"] if profile else ""\n', 'python');
    assert.match(row.code, /\n {4}user_rows = rows_by_key\.get\(user\.id, \[\]\)\n {4}profile = \(user_rows\[0\] if user_rows else None\)\n {4}user\.bio = profile\["bio"\] if profile else ""$/);
    assert.match(row.code, /SELECT user_id, bio FROM profiles WHERE user_id = ANY\(\$1\)/);
    const val = await rewriteOf('import asyncpg\nasync def f(conn, users):\n    for user in users:\n        n = await conn.fetchval("SELECT count(*) FROM orders WHERE customer_id = $1", user.id)\n        user.orders = n\n', 'python');
    assert.match(val.code, /\n {4}n = \(next\(iter\(user_rows\[0\]\.values\(\)\)\) if user_rows else None\)\n {4}user\.orders = n$/);
    for (const r of [row, val]) {
      const ok = pythonParses(r.code);
      if (ok === true || /not available/.test(ok)) continue;
      assert.fail(`${ok}\n${r.code}`);
    }
  });

  it('psycopg: execute then fetchone() in the body — the fetch reads the item\'s rows; the key from the tuple of values', async () => {
    const src = [
      'import psycopg',
      'def totals(conn, customers):',
      '    with conn.cursor() as cur:',
      '        for c in customers:',
      '            cur.execute("SELECT sum(total) FROM orders WHERE customer_id = %s", (c.id,))',
      '            c.total = cur.fetchone()[0]',
    ].join('\n');
    const r = await rewriteOf(src, 'python');
    assert.match(r.code, /cur\.execute\("""[\s\S]*FROM unnest\(%s::bigint\[\]\)[\s\S]*""", \(list\(dict\.fromkeys\(c\.id for c in customers\)\),\)\)/);
    assert.match(r.code, /for key, \*row in cur\.fetchall\(\):\n {4}rows_by_key\.setdefault\(key, \[\]\)\.append\(tuple\(row\)\)/);
    assert.match(r.code, /\nfor c in customers:\n {4}c_rows = rows_by_key\.get\(c\.id, \[\]\)\n {4}c\.total = \(c_rows\[0\] if c_rows else None\)\[0\]$/);
    const ok = pythonParses(r.code);
    if (!(ok === true || /not available/.test(ok))) assert.fail(`${ok}\n${r.code}`);
  });

  it('ruby-pg: exec_params in each — its own batched exec_params (not ActiveRecord), rows as hashes under the loop\'s name, the body kept', async () => {
    const src = [
      "require 'pg'",
      "conn = PG.connect(dbname: 'app')",
      'products.each do |product|',
      "  res = conn.exec_params('SELECT id, rating FROM reviews WHERE product_id = $1 ORDER BY created_at DESC LIMIT 3', [product['id']])",
      "  product['reviews'] = res.to_a",
      'end',
    ].join('\n');
    const r = await rewriteOf(src, 'ruby');
    assert.doesNotMatch(r.code, /Model\.where|index_by/);
    assert.match(r.code, /^keys = products\.map \{ \|product\| product\['id'\] \}\.uniq\nall = conn\.exec_params\(<<~SQL, \[PG::TextEncoder::Array\.new\.encode\(keys\)\]\)\n {2}SELECT k\.key AS product_id, x\.id, x\.rating\n/m);
    assert.match(r.code, /all\.values\.each \{ \|key, \*values\| rows_by_key\[key\] << fields\.zip\(values\)\.to_h \}/);
    assert.match(r.code, /\nproducts\.each do \|product\|\n {2}res = rows_by_key\.fetch\(product\['id'\]\.to_s, \[\]\)[^\n]*\n {2}product\['reviews'\] = res\.to_a\nend$/);
  });

  it('database/sql QueryRowContext(…).Scan(&name) in `if err := …; err != nil { return err }`: one query, rows scanned by key, the same variables filled, no row → the loop\'s own error branch with sql.ErrNoRows', async () => {
    const src = [
      'package store',
      'import ("context"; "database/sql")',
      'func F(ctx context.Context, db *sql.DB, orders []Order) error {',
      '\tfor _, o := range orders {',
      '\t\tvar name string',
      '\t\tif err := db.QueryRowContext(ctx, "SELECT name FROM customers WHERE id = $1", o.CustomerID).Scan(&name); err != nil {',
      '\t\t\treturn err',
      '\t\t}',
      '\t\to.CustomerName = name',
      '\t}',
      '\treturn nil',
      '}',
    ].join('\n');
    const r = await rewriteOf(src, 'go');
    assert.match(r.code, /keyRows, err := db\.QueryContext\(ctx, `SELECT id, name FROM customers WHERE id = ANY\(\$1\)`, pq\.Array\(keys\)\)/);
    assert.match(r.code, /if k := int64\(o\.CustomerID\); !seen\[k\]/, 'the key the loop passes, not a guessed o.ID');
    assert.match(r.code, /type scanned struct \{\n\tname string\n\}/, 'the Scan target keeps its declared type');
    assert.match(r.code, /if err := keyRows\.Scan\(&key, &r\.name\); err != nil \{/);
    assert.match(r.code, /\nfor _, o := range orders \{\n\tvar name string\n\tif got := byKey\[int64\(o\.CustomerID\)\]; len\(got\) > 0 \{\n\t\tname = got\[0\]\.name\n\t\} else if err := sql\.ErrNoRows; err != nil \{[^\n]*\n\t\treturn err\n\t\}\n\to\.CustomerName = name\n\}$/);
    assert.doesNotMatch(r.code, /ids = append\(ids, o\.ID\)/);
  });

  it('pgx QueryRow(…).Scan(&bio) with its error ignored: the batched query\'s error is ignored as well, and a function without an error result gets no `return err`', async () => {
    const src = [
      'package store',
      'import ("context"; "github.com/jackc/pgx/v5/pgxpool")',
      'func Profiles(ctx context.Context, pool *pgxpool.Pool, userIDs []int64) {',
      '\tfor _, uid := range userIDs {',
      '\t\tvar bio string',
      '\t\t_ = pool.QueryRow(ctx, "SELECT bio FROM profiles WHERE user_id = $1", uid).Scan(&bio)',
      '\t\tshow(uid, bio)',
      '\t}',
      '}',
    ].join('\n');
    const r = await rewriteOf(src, 'go');
    assert.match(r.code, /keyRows, err := pool\.Query\(ctx, `SELECT user_id, bio FROM profiles WHERE user_id = ANY\(\$1\)`, keys\)/, 'pgx takes the slice itself');
    assert.doesNotMatch(r.code, /return err/);
    assert.match(r.code, /\nfor _, uid := range userIDs \{\n\tvar bio string\n\tif got := byKey\[int64\(uid\)\]; len\(got\) > 0 \{\n\t\tbio = got\[0\]\.bio\n\t\}\n\tshow\(uid, bio\)\n\}$/);
  });

  it('Go shapes it cannot type (a field as Scan target, a function returning (T, error)) get advice, no code, rather than a guess', async () => {
    const field = await rewriteOf('package s\nimport "database/sql"\nfunc F(db *sql.DB, os []O) error {\n\tfor _, o := range os {\n\t\tif err := db.QueryRow("SELECT name FROM c WHERE id = $1", o.CID).Scan(&o.Name); err != nil {\n\t\t\treturn err\n\t\t}\n\t}\n\treturn nil\n}\n', 'go');
    assert.equal(field.code, '');
    const pair = await rewriteOf('package s\nimport "database/sql"\nfunc F(db *sql.DB, os []O) (int, error) {\n\tfor _, o := range os {\n\t\tvar n string\n\t\tif err := db.QueryRow("SELECT name FROM c WHERE id = $1", o.CID).Scan(&n); err != nil {\n\t\t\treturn 0, err\n\t\t}\n\t}\n\treturn 1, nil\n}\n', 'go');
    assert.equal(pair.code, '');
  });

  it("Go: a store method per item (listmonk's m.store.GetAttachment(int(mid)) over []int64(c.MediaIDs), person9 P22) — the batched method to add to m.store, no code, no rewrite action", async () => {
    const src = [
      'package manager',
      'type store interface {',
      '\tGetAttachment(mediaID int) (models.Attachment, error)',
      '}',
      'type Manager struct{ store store }',
      'func (m *Manager) attachMedia(c *models.Campaign) error {',
      '\tfor _, mid := range []int64(c.MediaIDs) {',
      '\t\ta, err := m.store.GetAttachment(int(mid))',
      '\t\tif err != nil {',
      '\t\t\treturn fmt.Errorf("error fetching attachment %d on campaign %s: %v", mid, c.Name, err)',
      '\t\t}',
      '\t\tc.Attachments = append(c.Attachments, a)',
      '\t}',
      '\treturn nil',
      '}',
    ].join('\n');
    const [f] = await detectNPlusOne(src, 'go');
    assert.ok(f, 'the N+1 is still reported');
    const rw = (f.evidence as { rewrite: { title: string; code: string; help: string } }).rewrite;
    assert.equal(rw.code, '');
    assert.equal(rw.title, 'Batch GetAttachment: add GetAttachments(…) to m.store');
    assert.match(f.help ?? '', /add a batched GetAttachments\(…\) to m\.store/);
    assert.ok(!f.fixes.some((x) => x.command?.id === 'pgLens.showNPlusOneRewrite'), 'no "Show the batched rewrite"');
    // A direct driver read over a collection that is a conversion (`[]int64(ids)`): the loop's own header is reused.
    const direct = await rewriteOf('package s\nimport "database/sql"\nfunc F(db *sql.DB, ids []int) error {\n\tvar names []string\n\tfor _, id := range []int64(ids) {\n\t\tvar name string\n\t\tif err := db.QueryRow("SELECT name FROM c WHERE id = $1", id).Scan(&name); err != nil {\n\t\t\treturn err\n\t\t}\n\t\tnames = append(names, name)\n\t}\n\treturn nil\n}\n', 'go');
    assert.match(direct.code, /\nfor _, id := range \[\]int64\(ids\) \{\n\tif k := int64\(id\); !seen\[k\]/);
    assert.match(direct.code, /\n\tnames = append\(names, name\)\n\}$/, 'the body kept');
    assert.doesNotMatch(direct.code, /range id\b|\.ID\b|\bctx\b/);
  });

  it('Django Model.objects.get(id=book.author_id): in_bulk of the keys the loop passes (not book.id), the record under the loop\'s name, DoesNotExist kept, the body after', async () => {
    const src = 'from django.db import models\nfrom .models import Author\ndef view(books):\n    for book in books:\n        author = Author.objects.get(id=book.author_id)\n        book.author_name = author.name\n';
    const r = await rewriteOf(src, 'python');
    assert.match(r.code, /authors_by_id = Author\.objects\.in_bulk\(\{book\.author_id for book in books\}\)\nfor book in books:\n {4}author = authors_by_id\.get\(book\.author_id\)\n {4}if author is None:\n {8}raise Author\.DoesNotExist[^\n]*\n {4}book\.author_name = author\.name\n/);
    assert.doesNotMatch(r.code, /book\.id\b/);
    const ok = pythonParses(r.code);
    if (!(ok === true || /not available/.test(ok))) assert.fail(`${ok}\n${r.code}`);
  });

  it('ActiveRecord find / find_by in @posts.each: one where(id:) of the keys the loop passes, RecordNotFound (find) or nil (find_by) kept, the instance variable as written', async () => {
    const src = (call: string) => `class PostsController < ApplicationController\n  def index\n    @posts.each do |post|\n      user = ${call}\n      post.author_name = user.name\n    end\n  end\nend\n`;
    const find = await rewriteOf(src('User.find(post.user_id)'), 'ruby');
    assert.match(find.code, /^# One query for every key\.\nusers_by_id = User\.where\(id: @posts\.map \{ \|post\| post\.user_id \}\.uniq\)\.index_by\(&:id\)\n@posts\.each do \|post\|\n {2}user = users_by_id\.fetch\(post\.user_id\) \{ raise ActiveRecord::RecordNotFound[^\n]*\}\n {2}post\.author_name = user\.name\nend/);
    const findBy = await rewriteOf(src('User.find_by(id: post.user_id)'), 'ruby');
    assert.match(findBy.code, /\n {2}user = users_by_id\[post\.user_id\] # nil when there is none[^\n]*\n {2}post\.author_name = user\.name\nend/);
  });

  it('SQLAlchemy session.get(User, post.user_id): one select of the keys the loop passes, None kept for a missing row, the body after', async () => {
    const src = 'from sqlalchemy.orm import Session\nfrom sqlalchemy import select\ndef view(session: Session, posts):\n    for post in posts:\n        user = session.get(User, post.user_id)\n        post.author_name = user.name\n';
    const r = await rewriteOf(src, 'python');
    assert.match(r.code, /users_by_id = \{r\.id: r for r in session\.scalars\(select\(User\)\.where\(User\.id\.in_\(list\(\{post\.user_id for post in posts\}\)\)\)\)\}\nfor post in posts:\n {4}user = users_by_id\.get\(post\.user_id\)[^\n]*\n {4}post\.author_name = user\.name\n/);
    const ok = pythonParses(r.code);
    if (!(ok === true || /not available/.test(ok))) assert.fail(`${ok}\n${r.code}`);
  });
});
