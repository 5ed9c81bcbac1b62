/**
 * Issue 20, person18 (Koa + Knex RealWorld "Conduit"), HIGH 3 and LOW 6, on a scaled-down copy of its schema:
 *  - the app's costliest statement, the article list: `… FROM articles LEFT JOIN users … LEFT JOIN articles_tags … LEFT
 *    JOIN tags … LEFT JOIN favorites … LEFT JOIN followers … ORDER BY articles.created_at DESC LIMIT $3 OFFSET $4`. The
 *    truth on the app's data: `articles (created_at)` + `articles_tags (article)` (172,208 → 349.6). The advice must find
 *    the driving table's ORDER BY index, and the pair;
 *  - one advice run over several statements builds each distinct trial index at most once (person18: 4 indexes on
 *    favorites and 1 on followers, each built 5 times by one `pg-lens advise`): counted by pg_stat_statements;
 *  - `WHERE article = $1 ORDER BY created_at DESC`: `(article, created_at)` over `(article)` when at least as good (LOW 6);
 *  - above the size limit, the answer names the size limit, never "the planner could not try it here".
 * A real index in a rolled-back transaction proves (forced); HypoPG on the PG15 path proves the candidate tests too.
 */
import { strict as assert } from 'node:assert';
import { adviseStatement } from '../../../src/db/advisor';
import { newTrialProofs } from '../../../src/db/trialProofs';
import type { Database } from '../../../src/db/database';
import { IndexDecider } from '../../../src/db/indexDecision';
import { statementStats, testDatabase } from '../support';

// The app's statement as Knex 0.19 sends it (person18's recording, /work/p18/list-query.sql).
const ARTICLE_LIST = `select "articles"."id" as "article_id", "articles"."slug" as "article_slug", "articles"."title" as "article_title", "articles"."body" as "article_body", "articles"."description" as "article_description", "articles"."favorites_count" as "article_favorites_count", "articles"."created_at" as "article_created_at", "articles"."updated_at" as "article_updated_at", "users"."id" as "author_id", "users"."image" as "author_image", "users"."bio" as "author_bio", "users"."username" as "author_username", "articles_tags"."id" as "tag_id", "tags"."id" as "tag_id", "tags"."name" as "tag_name", "favorites"."id" as "article_favorited", "followers"."id" as "author_following" from "articles" left join "users" on "articles"."author" = "users"."id" left join "articles_tags" on "articles"."id" = "articles_tags"."article" left join "tags" on "articles_tags"."tag" = "tags"."id" left join "favorites" on "articles"."id" = "favorites"."article" and "favorites"."user" in ($1) left join "followers" on "articles"."author" = "followers"."user" and "followers"."follower" in ($2) order by "articles"."created_at" desc limit $3 offset $4`;
const FAVORITED = `select "articles"."id", "favorites"."id" as "article_favorited" from "articles" inner join "favorites" on "articles"."id" = "favorites"."article" where "favorites"."user" in ($1) limit 20`;
// The favorited list's longer page: the same candidates, the same winner.
const FAVORITED_PAGE = FAVORITED.replace('limit 20', 'limit 50');
const COMMENTS = `select "comments"."id", "comments"."body", "comments"."created_at" from "comments" where "comments"."article" = $1 order by "comments"."created_at" desc`;

describe('db/advisor: the RealWorld article list (ORDER BY over five LEFT JOINs), one build per index per run, the equality+order composite (real PostgreSQL)', function () {
  this.timeout(300000);
  const t = testDatabase('advarticles');
  let db: Database;
  let info: Awaited<ReturnType<Database['serverInfo']>>;
  let counted = false;

  const builds = async (): Promise<Map<string, number>> => {
    const { rows } = await t.admin.query(`SELECT regexp_replace(query, '^\\s*(/\\*.*?\\*/\\s*)?', '') AS q, sum(calls)::int AS n FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query ~* '^\\s*(/\\*.*?\\*/\\s*)?CREATE\\s+INDEX' GROUP BY 1`);
    return new Map(rows.map((r: { q: string; n: number }) => [r.q, r.n]));
  };

  before(async () => {
    await t.admin.query(`CREATE TABLE users (id serial PRIMARY KEY, username text NOT NULL UNIQUE, bio text, image text);
      INSERT INTO users (username, bio, image) SELECT 'user' || g, 'bio', 'img' FROM generate_series(1, 5000) g;
      CREATE TABLE articles (id serial PRIMARY KEY, slug text NOT NULL UNIQUE, title text NOT NULL, body text NOT NULL, description text NOT NULL,
        favorites_count int NOT NULL DEFAULT 0, author int REFERENCES users (id), created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
      INSERT INTO articles (slug, title, body, description, author, created_at, updated_at)
        SELECT 'slug-' || g, 'title ' || g, repeat('body ', 60), 'desc', 1 + (g * 7919) % 5000, timestamptz '2020-01-01' + (((g::bigint * 104729) % 60000) || ' minutes')::interval, now()
        FROM generate_series(1, 60000) g;
      CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL UNIQUE);
      INSERT INTO tags (name) SELECT 'tag' || g FROM generate_series(1, 200) g;
      CREATE TABLE articles_tags (id serial PRIMARY KEY, article int NOT NULL REFERENCES articles (id), tag int NOT NULL REFERENCES tags (id), UNIQUE (tag, article));
      INSERT INTO articles_tags (article, tag) SELECT 1 + g % 60000, 1 + (g / 60000 + g * 31) % 200 FROM generate_series(0, 119999) g ON CONFLICT DO NOTHING;
      CREATE TABLE favorites (id serial PRIMARY KEY, "user" int NOT NULL REFERENCES users (id), article int NOT NULL REFERENCES articles (id));
      INSERT INTO favorites ("user", article) SELECT 1 + (g * 13) % 5000, 1 + (g * 7) % 60000 FROM generate_series(1, 60000) g;
      CREATE TABLE followers (id serial PRIMARY KEY, "user" int NOT NULL REFERENCES users (id), follower int NOT NULL REFERENCES users (id));
      INSERT INTO followers ("user", follower) SELECT 1 + g % 5000, 1 + (g * 17) % 5000 FROM generate_series(1, 10000) g;
      CREATE TABLE comments (id serial PRIMARY KEY, body text NOT NULL, article int NOT NULL REFERENCES articles (id), created_at timestamptz NOT NULL);
      INSERT INTO comments (body, article, created_at) SELECT repeat('c', 40), 1 + (g * 11) % 60000, timestamptz '2020-01-01' + (g || ' seconds')::interval FROM generate_series(1, 150000) g;
      ANALYZE users; ANALYZE articles; ANALYZE tags; ANALYZE articles_tags; ANALYZE favorites; ANALYZE followers; ANALYZE comments;`);
    db = await t.open({ statementTimeoutMs: 120000 });
    info = await db.serverInfo();
    counted = await statementStats(t, 'no count of real builds: the one-build-per-run test is skipped');
  });

  it('the article list: articles (created_at) for its ORDER BY over five LEFT JOINs, with articles_tags (article) — the pair (HIGH 3)', async () => {
    const r = await adviseStatement(db, ARTICLE_LIST, undefined, { info, proof: 'transaction', maxTableSizeMb: 1000 });
    assert.equal(r.status, 'ok', r.message);
    const got = r.suggestions.map((s) => `${s.table} (${s.columns.join(', ')})`);
    const why = JSON.stringify({ got, tried: r.tried, rejected: r.rejected, notTried: r.notTried });
    assert.ok(got.some((g) => /^articles \(created_at( DESC)?\)$/.test(g)), why);
    assert.ok(got.includes('articles_tags (article)'), why);
    const last = r.suggestions[r.suggestions.length - 1];
    // A generic plan (LIMIT $3) reads a tenth of the join's rows: the pair cuts more than half of it here.
    assert.ok(last.costAfter! < r.costBefore! * 0.5, `together they cut the cost: ${r.costBefore} → ${last.costAfter}; ${why}`);
    assert.match(r.suggestions.find((s) => s.table === 'articles')!.reason, /ORDER BY/);
  });

  it('above the size limit: the created_at candidate is named, with the size-limit reason — never "the planner could not try it here"', async () => {
    const r = await adviseStatement(db, ARTICLE_LIST, undefined, { info, proof: 'transaction', maxTableSizeMb: 1 });
    assert.equal(r.status, 'ok', r.message);
    const all = [...r.suggestions.map((s) => `${s.summary} ${s.reason}`), ...(r.notTried ?? []).map((x) => `${x.index} ${x.why}`)].join('\n');
    assert.match(all, /articles \(created_at( DESC)?\)/, all);
    assert.doesNotMatch(all, /could not try it here/, all);
    for (const s of r.suggestions.filter((x) => x.verifiedBy === 'none')) assert.match(s.reason, /size limit/, s.reason);
  });

  it('one advice run over several statements builds each distinct trial index at most once (HIGH 3: 4 on favorites ×5)', async function () {
    if (!counted) return this.skip();
    const before = await builds();
    // A new connection and proofs of its own: no proof of an earlier test reused (they are kept per server and role).
    const fresh = await t.open({ statementTimeoutMs: 120000 });
    const lines: string[] = [];
    const decider = new IndexDecider(fresh, { info, proof: 'transaction', realIndexes: true, maxTableSizeMb: 1000, trialProofs: newTrialProofs(), log: (l) => lines.push(l) });
    const statements = [ARTICLE_LIST, FAVORITED, FAVORITED_PAGE].map((sql, i) => ({ sql, label: `articles-controller.js:${90 + i}` }));
    const decided = await decider.decide(statements, { realIndexes: true }).finally(() => fresh.close());
    assert.ok(decided.byStatement.size >= 1);
    const after = await builds();
    const twice = [...after].filter(([q, n]) => n - (before.get(q) ?? 0) > 1).map(([q, n]) => `${n - (before.get(q) ?? 0)}× ${q}`);
    // The pair (articles_tags (article) kept in place, articles (created_at) proved on top of it): the one second build allowed,
    // a proof in another context than the first.
    const kept = /articles_tags_article_idx|articles_created_at_desc_idx/;
    assert.deepEqual(twice.filter((x) => !kept.test(x) || !/^2×/.test(x)), [], `each trial index built once in the run; log:\n${lines.join('\n')}`);
    assert.ok(lines.some((l) => /built for another statement of this run \(nothing built\)/.test(l)), lines.join('\n'));
    assert.ok([...after].some(([q, n]) => /favorites/.test(q) && n > (before.get(q) ?? 0)), 'a favorites candidate was built');
  });

  it('WHERE article = $1 ORDER BY created_at DESC: (article, created_at), which gives the rows in order, over (article) at the same estimate (LOW 6)', async () => {
    const r = await adviseStatement(db, COMMENTS, undefined, { info, proof: 'transaction', maxTableSizeMb: 1000 });
    assert.equal(r.status, 'ok', r.message);
    assert.ok(r.tried.some((x) => /\(article, created_at( DESC)?\)/.test(x.ddl)), `the composite is generated and tried: ${JSON.stringify(r.tried)}`);
    // Three comments per article here: the planner estimates both the same (a bitmap scan and a Sort of 3 rows).
    assert.equal(r.suggestions.length, 1);
    assert.deepEqual(r.suggestions[0]?.columns.map((c) => c.replace(/ DESC$/, '')), ['article', 'created_at'], JSON.stringify({ s: r.suggestions.map((s) => [s.ddl, s.planAfter]), tried: r.tried }));
  });
});
