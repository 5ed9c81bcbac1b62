import { strict as assert } from 'node:assert';
import { parseOne } from '../../../../src/core/sql/parse';
import { fromPgTree } from '../../../../src/core/sql/pgTree';
import { parameterUses, shapeFailure, shapeOfAst, statementShape, valuePrompt, type StatementShape, type TableUse } from '../../../../src/core/sql/predicates';
import { loadPgParser } from '../../../../src/core/sql/statement';

/**
 * Index analysis of the join forms ORMs write, read through PostgreSQL's own parser where pgsql-ast-parser
 * cannot (person14 #1: Sequelize's belongsToMany include, `LEFT OUTER JOIN ( "TagList" … INNER JOIN "Tags" … ) ON …`,
 * "could not be parsed for index analysis" on the app's 8 costliest statements).
 */

// Sequelize 6 findAndCountAll with a belongsToMany include and a where on the included model (conduit's articles list).
const SEQUELIZE_COUNT = `SELECT count("Article"."id") AS "count" FROM "Articles" AS "Article" LEFT OUTER JOIN ( "TagList" AS "tagList->TagList" INNER JOIN "Tags" AS "tagList" ON "tagList"."name" = "tagList->TagList"."tagName") ON "Article"."id" = "tagList->TagList"."articleId" AND "tagList"."name" = $1;`;
const SEQUELIZE_ROWS = `SELECT "Article".*, "tagList"."name" AS "tagList.name", "tagList->TagList"."articleId" AS "tagList.TagList.articleId" FROM (SELECT "Article"."id", "Article"."slug", "Article"."createdAt", "Article"."userId" FROM "Articles" AS "Article" WHERE ( SELECT "TagList"."articleId" FROM "TagList" AS "TagList" INNER JOIN "Tags" AS "Tag" ON "TagList"."tagName" = "Tag"."name" WHERE ("Tag"."name" = $1 AND "TagList"."articleId" = "Article"."id") LIMIT 1 ) IS NOT NULL ORDER BY "Article"."createdAt" DESC LIMIT 10 OFFSET 0) AS "Article" LEFT OUTER JOIN ( "TagList" AS "tagList->TagList" INNER JOIN "Tags" AS "tagList" ON "tagList"."name" = "tagList->TagList"."tagName") ON "Article"."id" = "tagList->TagList"."articleId" AND "tagList"."name" = $2 ORDER BY "Article"."createdAt" DESC;`;
// Hibernate 6 @ManyToMany fetch join (its SQL as logged, ? written $n).
const HIBERNATE = 'select b1_0.id,b1_0.title,a1_1.id,a1_1.name from Book b1_0 left join (book_author a1_0 join Author a1_1 on a1_1.id=a1_0.authors_id) on b1_0.id=a1_0.Book_id where b1_0.isbn=$1';
// SQLAlchemy joinedload() of a many-to-many (secondary) relationship.
const SQLALCHEMY = 'SELECT items.id, keywords_1.id AS keywords_1_id, keywords_1.name FROM items LEFT OUTER JOIN (item_keywords AS item_keywords_1 JOIN keywords AS keywords_1 ON keywords_1.id = item_keywords_1.keyword_id) ON items.id = item_keywords_1.item_id WHERE items.owner_id = $1 ORDER BY items.created_at DESC';
// Join forms pgsql-ast-parser reads too: both readings must give one shape.
const BOTH = [
  // TypeORM relation with a join table.
  'SELECT "Post"."id" AS "Post_id", "Post"."title" AS "Post_title" FROM "post" "Post" LEFT JOIN "post_categories_category" "Post_Post__Post_categories" ON "Post_Post__Post_categories"."postId"="Post"."id" LEFT JOIN "category" "Post__Post_categories" ON "Post__Post_categories"."id"="Post_Post__Post_categories"."categoryId" WHERE "Post"."authorId" = $1 ORDER BY "Post"."createdAt" DESC LIMIT 20',
  // Rails has_many :through with a where on the far table.
  'SELECT "posts".* FROM "posts" INNER JOIN "taggings" ON "taggings"."post_id" = "posts"."id" INNER JOIN "tags" ON "tags"."id" = "taggings"."tag_id" WHERE "tags"."name" = $1 LIMIT $2',
  // Django ManyToMany filter (its ON in parentheses).
  'SELECT "blog_entry"."id", "blog_entry"."headline" FROM "blog_entry" INNER JOIN "blog_entry_authors" ON ("blog_entry"."id" = "blog_entry_authors"."entry_id") WHERE ("blog_entry_authors"."author_id" = $1 AND "blog_entry"."pub_date" >= $2) ORDER BY "blog_entry"."pub_date" DESC',
  // Prisma include (a second query by the parents' keys).
  'SELECT "public"."Post"."id", "public"."Post"."authorId" FROM "public"."Post" WHERE "public"."Post"."authorId" IN ($1,$2,$3) OFFSET $4',
  // Sequelize hasMany include (no through table).
  'SELECT "Order"."id", "items"."id" AS "items.id" FROM "orders" AS "Order" LEFT OUTER JOIN "order_items" AS "items" ON "Order"."id" = "items"."order_id" WHERE "Order"."customer_id" = $1 AND lower("Order"."status") = \'open\' ORDER BY "Order"."placed_at" DESC',
  'UPDATE orders SET status = $1 WHERE customer_id = $2 AND placed_at < now()',
  'DELETE FROM sessions WHERE expires_at < $1',
  'WITH recent AS (SELECT id FROM orders WHERE placed_at > $1) SELECT c.name FROM customers c JOIN recent r ON r.id = c.id WHERE c.region = ANY($2)',
];

const noSpans = (s: StatementShape | undefined) => JSON.parse(JSON.stringify(s ?? null, (k, v) => (k === 'span' ? undefined : v)));
const use = (s: StatementShape | undefined, key: string): TableUse => {
  const t = s?.tables.find((x) => x.key === key);
  assert.ok(t, `table ${key} in ${JSON.stringify(s?.tables.map((x) => x.key))}`);
  return t;
};
const joins = (t: TableUse) => t.joinKeys.map((j) => `${j.column}=${j.other.table}.${j.other.column}`).sort();
const preds = (t: TableUse) => t.predicates.map((p) => `${p.kind} ${p.target.kind === 'column' ? p.target.column : p.target.sql}`);

describe('core/sql/pgTree: index analysis of what pgsql-ast-parser cannot read', () => {
  before(async function () {
    // Both parsers loaded before the first test (WASM and the grammar: seconds on a busy machine).
    this.timeout(60000);
    await loadPgParser();
    statementShape(HIBERNATE);
  });

  it('Sequelize belongsToMany include: the parenthesised join tree gives every table, join key and condition', () => {
    assert.equal(parseOne(SEQUELIZE_COUNT), undefined, 'pgsql-ast-parser still fails here: else this test proves nothing');
    const s = statementShape(SEQUELIZE_COUNT);
    assert.deepEqual(s?.tables.map((t) => `${t.key}:${t.name}`), ['Article:Articles', 'tagList->TagList:TagList', 'tagList:Tags']);
    assert.deepEqual(joins(use(s, 'tagList->TagList')), ['articleId=Article.id', 'tagName=tagList.name']);
    assert.deepEqual(preds(use(s, 'tagList')), ['eq name']);
    assert.deepEqual(joins(use(s, 'Article')), ['id=tagList->TagList.articleId']);
    // The rows query: the derived table's block keeps its ORDER BY / LIMIT, the subquery in its WHERE its own tables.
    const r = statementShape(SEQUELIZE_ROWS);
    assert.ok(r);
    const inner = r.tables.find((t) => t.name === 'Articles');
    assert.deepEqual(inner?.orderBy.map((k) => k.target.kind === 'column' && k.target.column), ['createdAt']);
    assert.equal(inner?.limit, 10);
    assert.deepEqual(preds(use(r, 'Tag')), ['eq name']);
    assert.deepEqual(joins(use(r, 'TagList')).filter((j) => j.startsWith('tagName')), ['tagName=Tag.name']);
    assert.deepEqual(preds(use(r, 'tagList')), ['eq name']);
  });

  it('Hibernate and SQLAlchemy many-to-many joins (parenthesised) are read the same way', () => {
    for (const [sql, near, far, pred] of [[HIBERNATE, 'a1_0', 'a1_1', ['b1_0', 'eq isbn']], [SQLALCHEMY, 'item_keywords_1', 'keywords_1', ['items', 'eq owner_id']]] as const) {
      assert.equal(parseOne(sql), undefined, sql);
      const s = statementShape(sql);
      assert.equal(s?.tables.length, 3, sql);
      assert.equal(joins(use(s, near)).length, 2, sql);
      assert.equal(joins(use(s, far)).length, 1, sql);
      assert.deepEqual(preds(use(s, pred[0])), [pred[1]]);
    }
    assert.deepEqual(use(statementShape(SQLALCHEMY), 'items').orderBy.map((k) => k.direction), ['DESC']);
  });

  it('a recursive CTE (outline\'s document tree) has a shape: its base table\'s condition, the CTE itself no table', () => {
    const s = statementShape('WITH RECURSIVE children AS (SELECT documents.id, 1 AS depth FROM documents WHERE documents."parentDocumentId" = $1 UNION ALL SELECT d.id, c.depth + 1 FROM documents d JOIN children c ON d."parentDocumentId" = c.id) SELECT id FROM children');
    assert.deepEqual(s?.tables.map((t) => `${t.key}:${t.name}`), ['documents:documents', 'd:documents']);
    assert.deepEqual(preds(use(s, 'documents')), ['eq parentDocumentId']);
  });

  it('gives the shape pgsql-ast-parser gives, for every join form both read (one shape builder, two readers that agree)', () => {
    for (const sql of BOTH) {
      const ours = parseOne(sql);
      assert.ok(ours, `pgsql-ast-parser reads ${sql}`);
      const pg = fromPgTree(sql);
      assert.ok(pg, `PostgreSQL's tree read: ${sql}`);
      const expected = shapeOfAst(ours);
      assert.ok(expected?.tables.length, sql);
      assert.deepEqual(noSpans(shapeOfAst(pg)), noSpans(expected), sql);
    }
  });

  it('spans of conditions point at the text, so the value prompt says what $n is compared with (person14 #7)', () => {
    const uses = parameterUses(SEQUELIZE_ROWS);
    assert.equal(uses.get(1), '"Tag"."name" = $1 (Tags)');
    assert.equal(uses.get(2), '"tagList"."name" = $2 (Tags)');
    assert.equal(parameterUses('SELECT * FROM a LEFT JOIN (b JOIN c ON c.id = b.c_id) ON a.id = b.a_id WHERE a.k IN ($1, $2) AND lower(c.name) = lower($3)').get(1), 'a.k IN ($1, $2) (a)');
    assert.equal(parameterUses('SELECT * FROM a LEFT JOIN (b JOIN c ON c.id = b.c_id) ON a.id = b.a_id WHERE lower(c.name) = lower($1)').get(1), 'lower(c.name) = lower($1) (c)');
    const p = valuePrompt(uses, 2, 2, false);
    assert.equal(p.title, 'Value for $2 (2 of 2): "tagList"."name" = $2 (Tags)');
    assert.match(valuePrompt(new Map(), 1, 1, false).prompt, /^Not compared with a column/);
  });

  it('a statement neither reader analyses gets a one-line reason naming what it is', () => {
    assert.match(shapeFailure('SELEC 1'), /PostgreSQL's parser rejects the statement \(syntax error at or near "SELEC"\)/);
    assert.equal(shapeFailure('CREATE INDEX ON t (a)'), 'index analysis reads SELECT, INSERT, UPDATE and DELETE; this is CREATE INDEX');
    assert.equal(shapeFailure('MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE'), 'index analysis reads SELECT, INSERT, UPDATE and DELETE; this is MERGE');
    assert.match(shapeFailure('SELECT 1; SELECT 2'), /holds 2 statements/);
    // person43 L4: and what to do about it.
    assert.match(shapeFailure('SELECT 1; SELECT 2'), /put the cursor on one \(or select one\), or advise them all with Advise Indexes for the Workload/);
  });
});
