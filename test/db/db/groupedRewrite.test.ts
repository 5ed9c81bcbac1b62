/**
 * person13 P1: a recorded per-item aggregate's batched form is ONE grouped statement. Each rewrite runs here on a real
 * PostgreSQL against the per-item statements it replaces, and the results are compared item by item — also for items
 * with no rows (no row in the grouped result: the advice says what the per-item statement gave them).
 */
import { strict as assert } from 'node:assert';
import { testDatabase } from '../support';
import { loadPgParser } from '../../../src/core/sql/statement';
import { lookupOf, batchedForm } from '../../../src/core/record/batchedForm';
import type { Aggregate } from '../../../src/core/record/groupedForm';

const SCHEMA = `
  CREATE TABLE agg_users (id int PRIMARY KEY, name text);
  CREATE TABLE agg_awards (id serial PRIMARY KEY, user_id int REFERENCES agg_users(id), type text, value int);
  CREATE TABLE agg_solves (id serial PRIMARY KEY, user_id int REFERENCES agg_users(id), challenge_id int);
  CREATE TABLE api_flip (id serial PRIMARY KEY, owner_id int, processed timestamptz);
  CREATE TABLE "Awards" (id serial PRIMARY KEY, "userId" int, kind text, value numeric);
  INSERT INTO agg_users SELECT g, 'user ' || g FROM generate_series(1, 9) g;
  INSERT INTO agg_awards (user_id, type, value) SELECT 1 + g % 7, CASE WHEN g % 3 = 0 THEN 'hidden' ELSE 'standard' END, g % 50 FROM generate_series(1, 700) g;
  INSERT INTO agg_awards (user_id, type, value) VALUES (8, 'standard', NULL);
  INSERT INTO agg_solves (user_id, challenge_id) SELECT 1 + g % 6, g % 40 FROM generate_series(1, 500) g;
  INSERT INTO api_flip (owner_id, processed) SELECT 1 + g % 5, CASE WHEN g % 4 = 0 THEN now() END FROM generate_series(1, 300) g;
  INSERT INTO "Awards" ("userId", kind, value) SELECT 1 + g % 4, CASE WHEN g % 2 = 0 THEN 'a' ELSE 'b' END, (g % 9) / 2.0 FROM generate_series(1, 200) g;
  CREATE TABLE "SqUsers" (id int PRIMARY KEY, username text);
  CREATE TABLE "SqFavorites" ("articleId" int, "userId" int REFERENCES "SqUsers"(id), PRIMARY KEY ("articleId", "userId"));
  INSERT INTO "SqUsers" SELECT g, 'user' || g FROM generate_series(1, 20) g;
  INSERT INTO "SqFavorites" SELECT 1 + g % 6, 1 + (g * 7) % 20 FROM generate_series(1, 40) g ON CONFLICT DO NOTHING;
`;

/** A statement as a library sent it once per item, the parameter that changed per item, and the other parameters' values. */
interface Case {
  name: string;
  via?: string;
  sql: string;
  varies: number;
  /** Values of the parameters ($1, $2 …), the per-item one left undefined. */
  values: unknown[];
  /** Does the advice give this library's grouped call (not only the SQL)? */
  code?: RegExp;
}

const CASES: Case[] = [
  { name: 'SQLAlchemy: a per-user sum with first() (CTFd Users.get_score)', via: 'sqlalchemy', sql: 'SELECT sum(agg_awards.value) AS award_score \nFROM agg_awards \nWHERE agg_awards.user_id = $1 \n LIMIT $2', varies: 0b1, values: [undefined, 1], code: /session\.query\(Awards\.user_id, func\.sum\(Awards\.value\)\.label\("award_score"\)\)\.filter\(Awards\.user_id\.in_\(ids\)\)\.group_by\(Awards\.user_id\)/ },
  { name: 'SQLAlchemy: Query.count() per user (a count of a subquery)', via: 'sqlalchemy', sql: 'SELECT count(*) AS count_1 \nFROM (SELECT agg_solves.id AS agg_solves_id, agg_solves.user_id AS agg_solves_user_id, agg_solves.challenge_id AS agg_solves_challenge_id \nFROM agg_solves \nWHERE agg_solves.user_id = $1) AS anon_1', varies: 0b1, values: [undefined], code: /session\.query\(Solves\.user_id, func\.count\(\)\.label\("count_1"\)\)\.filter\(Solves\.user_id\.in_\(ids\)\)\.group_by\(Solves\.user_id\)/ },
  { name: 'SQLAlchemy: a sum of one type per user (a kept condition)', via: 'sqlalchemy', sql: 'SELECT sum(agg_awards.value) AS award_score FROM agg_awards WHERE agg_awards.type = $1 AND agg_awards.user_id = $2', varies: 0b10, values: ['standard', undefined] },
  { name: 'Django: .count() per owner, its WHERE in parentheses', via: 'django', sql: 'SELECT COUNT(*) AS "__count" FROM "api_flip" WHERE ("api_flip"."owner_id" = $1 AND "api_flip"."processed" IS NULL)', varies: 0b1, values: [undefined], code: /Flip\.objects\.filter\(owner_id__in=ids\)\.values\("owner_id"\)\.annotate\(count=Count\("\*"\)\)/ },
  { name: 'knex: count(*) per item with a kept condition first', via: 'knex', sql: 'select count(*) as "c" from "Awards" where "kind" = $1 and "userId" = $2', varies: 0b10, values: ['a', undefined], code: /knex\('Awards'\)\.select\('userId'\)\.count\('\* as c'\)\.whereIn\('userId', ids\)\.groupBy\('userId'\)/ },
  { name: 'Sequelize: sum and max per user', via: 'sequelize', sql: 'SELECT sum("value") AS "total", max("value") AS "top" FROM "Awards" AS "Award" WHERE "Award"."userId" = $1', varies: 0b1, values: [undefined], code: /attributes: \['userId', \[fn\('SUM', col\('value'\)\), 'total'\], \[fn\('MAX', col\('value'\)\), 'top'\]\]/ },
  { name: 'TypeORM: COUNT(DISTINCT) per user, an aliased table', via: 'typeorm', sql: 'SELECT COUNT(DISTINCT("A"."challenge_id")) AS "cnt" FROM "agg_solves" "A" WHERE "A"."user_id" = $1', varies: 0b1, values: [undefined], code: /addSelect\('COUNT\(DISTINCT x\.challenge_id\)', 'cnt'\)/ },
  { name: "Sequelize: countUsers() per article, the key in the through table's INNER JOIN ON (person14 P2)", via: 'sequelize', sql: 'SELECT COUNT("User"."id") AS "count" FROM "SqUsers" AS "User" INNER JOIN "SqFavorites" AS "Favorites" ON "User"."id" = "Favorites"."userId" AND "Favorites"."articleId" = $1;', varies: 0b1, values: [undefined], code: /sequelize\.query\(sql, \{ bind: \[ids\], type: QueryTypes\.SELECT \}\)/ },
  { name: 'pg: coalesce(sum) and avg per user over a join, the parameter on the left', sql: 'SELECT coalesce(sum(a.value), 0) AS s, avg(a.value) AS m FROM agg_awards a JOIN agg_users u ON u.id = a.user_id WHERE $1 = a.user_id AND u.name IS NOT NULL', varies: 0b1, values: [undefined] },
];

/** The ids of the items: users with rows, and one (9) with none. */
const IDS = [1, 2, 3, 4, 5, 6, 7, 8, 9];

/** What the per-item statement gives an item with no rows, as the advice says it (count 0, the COALESCE default, NULL). */
function forNone(a: Aggregate): string | null {
  return a.fallback ?? (a.fn === 'count' ? '0' : null);
}

const text = (v: unknown) => (v === null || v === undefined ? null : String(v));

describe('db: a recorded per-item aggregate and its grouped statement give the same results (person13 P1)', function () {
  this.timeout(120000);
  const t = testDatabase('grouped_rewrite');
  before(async () => {
    await loadPgParser();
    await t.admin.query(SCHEMA);
    await t.admin.query('ANALYZE');
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const k = lookupOf(c.sql, c.varies);
      assert.ok(k?.grouped, `no grouped statement for ${c.sql}`);
      const g = k.grouped;
      const param = c.values.findIndex((v) => v === undefined) + 1;
      // The original, once per item.
      const perItem = new Map<number, (string | null)[]>();
      for (const id of IDS) {
        const r = await t.admin.query({ text: c.sql, values: c.values.map((v, i) => (i + 1 === param ? id : v)), rowMode: 'array' });
        assert.equal(r.rows.length, 1, 'an aggregate gives one row per item');
        perItem.set(id, r.rows[0].map(text));
      }
      // The rewrite, once: its parameters are the original's (the per-item one now the array of every item's value).
      const values = g.params.map((p) => (p === param ? IDS : c.values[p - 1]));
      const r = await t.admin.query({ text: g.sql, values, rowMode: 'array' });
      const grouped = new Map<number, (string | null)[]>(r.rows.map((row: unknown[]) => [Number(row[0]), row.slice(1).map(text)]));
      assert.equal(r.rows.length, grouped.size, 'one row per key');
      let missing = 0;
      for (const id of IDS) {
        const got = grouped.get(id);
        if (got) assert.deepEqual(got, perItem.get(id), `item ${id}`);
        else {
          missing++;
          assert.deepEqual(perItem.get(id), g.aggregates.map(forNone), `item ${id} has no row in the grouped result: the advice says what the per-item statement gave it`);
        }
      }
      assert.ok(missing >= 1 && missing < IDS.length, `the items with and without rows are both compared (${missing} without)`);
      // The advice gives the grouped statement (never a placeholder) and, where the library has one, its grouped call.
      // Django's class name comes from the app's models.py (aggregate reads it into k.django), never from the table's casing.
      const fix = batchedForm(c.via, c.via === 'django' ? { ...k, django: { model: 'Flip' } } : k, `    return session.query(x).filter_by(user_id=user.id).first()`, 'class Awards(Base):\n    __tablename__ = "agg_awards"\nclass Solves(Base):\n    __tablename__ = "agg_solves"\n').fix;
      assert.ok(fix.includes(g.sql.replace(/\s+/g, ' ')), fix);
      assert.doesNotMatch(fix, /<|joinedload|selectinload/, fix);
      if (c.code) assert.match(fix, c.code);
    });
  }

  it("an existence check per item (Sequelize's article.hasUser(user), person14 P2) is ONE SELECT DISTINCT of the items that have a row", async () => {
    // Sequelize interpolates its values: which parameter changes per item is not known from the capture; the mixin's
    // argument (the user, on the table aliased "User") is the same for every item, so the through table's key is the item's.
    const sql = 'SELECT "User"."id" FROM "SqUsers" AS "User" INNER JOIN "SqFavorites" AS "Favorites" ON "User"."id" = "Favorites"."userId" AND "Favorites"."articleId" = $1 WHERE ((("User"."id" = $2)));';
    assert.equal(lookupOf(sql)?.grouped, undefined, 'two keyed conditions and no hint: no guess');
    for (const user of [1, 8, 15]) {
      const k = lookupOf(sql, undefined, { exists: true, argument: 'User' });
      assert.ok(k?.grouped?.exists, 'an existence form');
      assert.equal(k.column, 'articleId');
      const g = k.grouped;
      const has = new Map<number, boolean>();
      for (const id of IDS) has.set(id, (await t.admin.query({ text: sql, values: [id, user] })).rows.length > 0);
      const r = await t.admin.query({ text: g.sql, values: g.params.map((p) => (p === 1 ? IDS : user)), rowMode: 'array' });
      const found = new Set(r.rows.map((row: unknown[]) => Number(row[0])));
      assert.equal(r.rows.length, found.size, 'each item once');
      for (const id of IDS) assert.equal(found.has(id), has.get(id), `user ${user}, article ${id}`);
      assert.ok([...has.values()].some(Boolean) && [...has.values()].some((v) => !v), `user ${user}: items with and without a row are both compared`);
      const fix = batchedForm('sequelize', k).fix;
      assert.ok(fix.includes(g.sql.replace(/\s+/g, ' ')), fix);
      assert.doesNotMatch(fix, /Load the association|include/, fix);
    }
  });

  it("an existence probe per item (Django's .exists(): SELECT 1 … LIMIT 1) is ONE SELECT DISTINCT too, its other conditions kept", async () => {
    for (const sql of ['SELECT 1 AS "a" FROM "api_flip" WHERE ("api_flip"."owner_id" = $1 AND "api_flip"."processed" IS NULL) LIMIT 1', 'SELECT 1 AS "a" FROM "api_flip" WHERE "api_flip"."owner_id" = $1 LIMIT 1']) {
      const k = lookupOf(sql, 0b1);
      assert.ok(k?.grouped?.exists, sql);
      const has = new Map<number, boolean>();
      for (const id of IDS) has.set(id, (await t.admin.query({ text: sql, values: [id] })).rows.length > 0);
      const r = await t.admin.query({ text: k.grouped.sql, values: [IDS], rowMode: 'array' });
      const found = new Set(r.rows.map((row: unknown[]) => Number(row[0])));
      for (const id of IDS) assert.equal(found.has(id), has.get(id), `owner ${id}`);
      assert.ok([...has.values()].some(Boolean) && [...has.values()].some((v) => !v));
      const fix = batchedForm('django', { ...k, django: { model: 'Flip' } }).fix;
      assert.ok(fix.includes(k.grouped.sql), fix);
      // Django's own form only where the key is the whole WHERE (no condition dropped).
      assert.equal(/Flip\.objects\.filter\(owner_id__in=ids\)\.values_list\("owner_id", flat=True\)\.distinct\(\)/.test(fix), !/processed/.test(sql), fix);
    }
  });

  it('a per-item aggregate that already GROUPs BY the key (CTFd Users.get_score, issue 16 B) is the same statement over = ANY($1), item by item the same row', async () => {
    const cases: { sql: string; values: unknown[] }[] = [
      // Grouped by a column the inner join makes equal to the key, the LIMIT on the one row dropped.
      { sql: 'SELECT agg_solves.user_id AS agg_solves_user_id, count(agg_solves.challenge_id) AS solved, max(agg_solves.challenge_id) AS top \nFROM agg_solves JOIN agg_users ON agg_solves.user_id = agg_users.id \nWHERE agg_users.id = $1 GROUP BY agg_solves.user_id \n LIMIT $2', values: [undefined, 1] },
      // Grouped by the key itself, not selected, a kept condition after it.
      { sql: 'SELECT sum(agg_awards.value) AS s FROM agg_awards WHERE agg_awards.user_id = $1 AND agg_awards.type = $2 GROUP BY agg_awards.user_id', values: [undefined, 'hidden'] },
    ];
    for (const c of cases) {
      const k = lookupOf(c.sql, 0b1);
      const g = k?.grouped;
      assert.ok(g?.groupedBy, `no grouped statement for ${c.sql}`);
      const perItem = new Map<number, Record<string, unknown> | undefined>();
      for (const id of IDS) {
        const r = await t.admin.query({ text: c.sql, values: c.values.map((v) => (v === undefined ? id : v)) });
        assert.ok(r.rows.length <= 1, 'grouped by the key: at most one row per item');
        perItem.set(id, r.rows[0]);
      }
      const r = await t.admin.query({ text: g.sql, values: g.params.map((p) => (p === 1 ? IDS : c.values[p - 1])) });
      const by = g.groupedBy.readBy;
      const grouped = new Map<number, Record<string, unknown>>(r.rows.map((row: Record<string, unknown>) => [Number(row[by]), row]));
      assert.equal(r.rows.length, grouped.size, 'one row per item');
      for (const id of IDS) {
        const want = perItem.get(id);
        const got = grouped.get(id);
        // The grouped form selects the group column where the per-item one did not: compare the per-item statement's columns.
        assert.deepEqual(got && want ? Object.fromEntries(Object.keys(want).map((x) => [x, got[x]])) : got, want, `item ${id}: ${g.sql}`);
      }
      assert.ok([...perItem.values()].some((x) => x) && [...perItem.values()].some((x) => !x), 'items with and without rows are both compared');
      const fix = batchedForm('sqlalchemy', k, undefined, 'class Users(Base):\n    __tablename__ = "agg_users"\n').fix;
      assert.ok(fix.includes(g.sql.replace(/\s+/g, ' ')), fix);
      assert.doesNotMatch(fix, /joinedload|LIMIT/, fix);
    }
  });

  it('a shape whose grouped form would change the results is not rewritten (GROUP BY, OFFSET, DISTINCT, a non-aggregate column)', () => {
    for (const sql of [
      'SELECT agg_awards.type, sum(agg_awards.value) FROM agg_awards WHERE agg_awards.user_id = $1 GROUP BY agg_awards.type',
      'SELECT count(*) FROM (SELECT agg_solves.id FROM agg_solves WHERE agg_solves.user_id = $1 OFFSET $2) AS sub',
      'SELECT DISTINCT sum(value) FROM agg_awards WHERE user_id = $1',
      'SELECT user_id, value FROM agg_awards WHERE user_id = $1',
      'SELECT sum(value) OVER () FROM agg_awards WHERE user_id = $1',
    ]) assert.equal(lookupOf(sql, 0b1)?.grouped, undefined, sql);
  });
});
