/**
 * person14's hour (issue 20, conduit: Express + Sequelize 6), the recorded side: what a Sequelize user reads for a
 * recorded N+1 (P2), where its related places are (P3), which advice leads when the static finding and the recording
 * meet (P19). The statements are the ones Sequelize 6 sent on conduit (recorded with `pg-lens record` on a copy).
 */
import { strict as assert } from 'node:assert';
import { summarize } from '../../../../src/core/record/aggregate';
import { mergeRecorded, recordedFindings } from '../../../../src/core/record/findings';
import type { QueryEvent } from '../../../../src/core/record/protocol';
import { loadPgParser, normalizeSql } from '../../../../src/core/sql/statement';
import { sequelizeMixins } from '../../../../src/core/nplusone/sequelizeModels';
import type { Finding } from '../../../../src/core/findings';

const ARTICLES = '/app/controllers/articles.js';
const HELPERS = '/app/helper/helpers.js';
const TEXTS: Record<string, string> = {
  [ARTICLES]: [
    'const { Article, Tag, User } = require("../models");', // 1
    'const includeOptions = [{ model: Tag, as: "tagList", attributes: ["name"] }, { model: User, as: "author" }];', // 2
    'const feed = async (req, res) => {', // 3
    '  const articles = await Article.findAndCountAll({ include: includeOptions, limit: 10 });', // 4
    '  for (const article of articles.rows) {', // 5
    '    const articleTags = await article.getTagList();', // 6
    '    await appendFavorites(req.loggedUser, article);', // 7
    '  }', // 8
    '};', // 9
    'const bare = async () => {', // 10
    '  const articles = await Article.findAll({ limit: 10 });', // 11
    '  for (const article of articles) await article.getTagList();', // 12
    '};', // 13
    'const byTag = async (req) => {', // 14
    '  const tagged = await Article.findAll({ include: [{ model: Tag, as: "tagList", ...(req.query.tag && { where: { name: req.query.tag } }) }] });', // 15
    '  for (const article of tagged) await article.getTagList();', // 16
    '};', // 17
  ].join('\n'),
  [HELPERS]: [
    'const appendFavorites = async (loggedUser, article) => {', // 1
    '  const favorited = await article.hasUser(loggedUser ? loggedUser : null);', // 2
    '  const favoritesCount = await article.countUsers();', // 3
    '};', // 4
  ].join('\n'),
};
// conduit's models/Article.js, as declared there.
const MODEL = [
  'class Article extends Model {',
  '  static associate({ User, Tag, Comment }) {',
  '    this.belongsTo(User, { foreignKey: "userId", as: "author" });',
  '    this.hasMany(Comment, { foreignKey: "articleId", onDelete: "cascade" });',
  '    this.belongsToMany(Tag, { through: "TagList", as: "tagList", foreignKey: "articleId", timestamps: false });',
  '    this.belongsToMany(User, { through: "Favorites", foreignKey: "articleId", timestamps: false });',
  '  }',
  '}',
].join('\n');
const MIXINS = sequelizeMixins(MODEL);

const TAGS = (id: number) => `SELECT "Tag"."name", "TagList"."articleId" AS "TagList.articleId", "TagList"."tagName" AS "TagList.tagName" FROM "Tags" AS "Tag" INNER JOIN "TagList" AS "TagList" ON "Tag"."name" = "TagList"."tagName" AND "TagList"."articleId" = ${id};`;
const HAS = (id: number, user?: number) => `SELECT "User"."id" FROM "Users" AS "User" INNER JOIN "Favorites" AS "Favorites" ON "User"."id" = "Favorites"."userId" AND "Favorites"."articleId" = ${id} WHERE ((("User"."id" ${user === undefined ? 'IS NULL' : `= ${user}`})));`;
const COUNT = (id: number) => `SELECT COUNT("User"."id") AS "count" FROM "Users" AS "User" INNER JOIN "Favorites" AS "Favorites" ON "User"."id" = "Favorites"."userId" AND "Favorites"."articleId" = ${id};`;

/** Where a call stands: its 1-based line and the column of `name` on it. */
function at(file: string, line: number, name: string): { file: string; line: number; col: number; via: string } {
  const col = TEXTS[file].split('\n')[line - 1].indexOf(name) + 1;
  assert.ok(col > 0, name);
  return { file, line, col, via: 'sequelize' };
}

function q(sql: string, unit: string, site: QueryEvent['site']): QueryEvent {
  return { v: 1, t: 'q', lib: 'pg', sql, pc: 0, pt: [], ms: 2, rows: 1, u: { k: 'request', id: unit, n: unit.replace(/#\d+$/, '') }, ts: 0, pid: 1, site };
}

/** Sequelize interpolates its values: every text differs in the item's id (and, between requests, in the user's). */
function conduit(): QueryEvent[] {
  const events: QueryEvent[] = [];
  for (const [unit, user] of [['GET /api/articles#1', 3], ['GET /api/articles#2', undefined], ['GET /api/articles#3', 7]] as const) {
    events.push(q('SELECT "Article"."id", "Article"."slug" FROM "Articles" AS "Article" LIMIT 10;', unit, at(ARTICLES, 4, 'findAndCountAll')));
    for (let id = 1; id <= 6; id++) {
      events.push(q(TAGS(id), unit, at(ARTICLES, 6, 'getTagList')));
      events.push(q(HAS(id, user), unit, at(HELPERS, 2, 'hasUser')));
      events.push(q(COUNT(id), unit, at(HELPERS, 3, 'countUsers')));
    }
  }
  for (const unit of ['GET /bare#1', 'GET /bare#2']) {
    events.push(q('SELECT "Article"."id" FROM "Articles" AS "Article" LIMIT 10;', unit, at(ARTICLES, 11, 'findAll')));
    for (let id = 1; id <= 6; id++) events.push(q(TAGS(id), unit, at(ARTICLES, 12, 'getTagList')));
  }
  for (const unit of ['GET /byTag#1', 'GET /byTag#2']) {
    events.push(q('SELECT "Article"."id" FROM "Articles" AS "Article" INNER JOIN "TagList" ON true;', unit, at(ARTICLES, 15, 'findAll')));
    for (let id = 1; id <= 6; id++) events.push(q(TAGS(id), unit, at(ARTICLES, 16, 'getTagList')));
  }
  return events;
}

const record = () => summarize(conduit(), normalizeSql, { threshold: 5 }, { source: (f) => TEXTS[f], sequelizeMixins: (name) => MIXINS.filter((m) => m.name === name) });

describe('core/record: recorded Sequelize N+1s as a Sequelize user reads them (person14, issue 20)', function () {
  // The first statement parsed loads the parsers (seconds on a loaded machine).
  this.timeout(60000);
  before(() => loadPgParser());

  it("a get mixin per item names the association the models declare, not the through table — and says when the list's query already includes it (P2)", () => {
    const s = record();
    const included = s.nPlusOne.find((n) => n.file === ARTICLES && n.line === 6)!;
    assert.match(included.fix, /already includes tagList \(\{ model: Tag, as: 'tagList' \}, the Article\.belongsToMany\(Tag, \{ as: 'tagList' \}\) association\): read article\.tagList instead of calling getTagList\(\)/);
    assert.doesNotMatch(included.fix, /association on TagList|include: \[Assoc\]|the association the loop reads/);
    const bare = s.nPlusOne.find((n) => n.file === ARTICLES && n.line === 12)!;
    assert.match(bare.fix, /^Load tagList with the query that loads the Article rows — add \{ model: Tag, as: 'tagList' \} to its include/);
  });

  it("an include filtered by a where holds only the matching rows: never 'read article.tagList', never 'add the include' — one query over the page's ids (person15 #6)", () => {
    const s = record();
    const filtered = s.nPlusOne.find((n) => n.file === ARTICLES && n.line === 16)!;
    assert.match(filtered.fix, /includes tagList with where .*holds only the matching rows, so article\.tagList is not what getTagList\(\) returns/);
    assert.match(filtered.fix, /ONE query instead of one getTagList\(\) per article: send the recorded statement once with "TagList"\."articleId" = ANY\(\$1\)/);
    assert.doesNotMatch(filtered.fix, /read article\.tagList instead|add \{ model: Tag/);
    const line16 = TEXTS[ARTICLES].indexOf('  for (const article of tagged)');
    const recorded = recordedFindings({ summary: s, advice: new Map() }, ARTICLES, TEXTS[ARTICLES]).find((f) => f.span.start >= line16)!;
    const stat: Finding = { ruleId: 'n-plus-one', severity: 'warning', message: 'N+1 query: `article.getTagList()` …', help: "Add include: [{ model: Tag, as: 'tagList' }] to the query.", span: { start: line16, end: line16 + 60 }, file: ARTICLES, fixes: [] };
    const [merged] = mergeRecorded([stat, recorded], TEXTS[ARTICLES]);
    assert.equal(merged.help, filtered.fix.length > 0 ? recorded.help : '', 'one hover, one fix: the code\'s "add the include" is not added to it');
    assert.doesNotMatch(merged.help!, /Add include/);
  });

  it('a count or an existence check per item (countUsers(), hasUser()) gets ONE grouped statement, never "load the association" (P2)', () => {
    const s = record();
    const count = s.nPlusOne.find((n) => n.file === HELPERS && n.line === 3)!;
    assert.match(count.fix, /SELECT "Favorites"\."articleId", COUNT\("User"\."id"\) AS "count" FROM "Users" AS "User" INNER JOIN "Favorites" AS "Favorites" ON "User"\."id" = "Favorites"\."userId" AND "Favorites"\."articleId" = ANY\(\$1\) GROUP BY "Favorites"\."articleId"/);
    assert.match(count.fix, /instead of one countUsers\(\) per article/);
    const has = s.nPlusOne.filter((n) => n.file === HELPERS && n.line === 2);
    assert.equal(has.length, 1, 'one finding for the call, though it sent two statements (signed in, signed out)');
    assert.match(has[0].fix, /asks once per article whether Favorites has a row for its articleId \(hasUser\(\)\)[^]*SELECT DISTINCT "Favorites"\."articleId" FROM/);
    for (const n of [count, has[0]]) assert.doesNotMatch(n.fix, /Load the association|include/);
  });

  it('one N+1 per call even without the models: the call that sent two statements gets the named fix, not a second generic one (P3)', () => {
    const s = summarize(conduit(), normalizeSql, { threshold: 5 }, { source: (f) => TEXTS[f] });
    const has = s.nPlusOne.filter((n) => n.file === HELPERS && n.line === 2);
    assert.equal(has.length, 1);
  });

  it('a related place in another file is given by its line there, never by a span of this file (P3: "articles.js [Ln 13]" was helpers.js\'s line 13)', () => {
    const s = record();
    const findings = recordedFindings({ summary: s, advice: new Map() }, HELPERS, TEXTS[HELPERS]);
    assert.ok(findings.length >= 2);
    for (const f of findings) {
      for (const r of f.related ?? []) {
        if (r.file === undefined) continue;
        assert.notEqual(r.file, HELPERS);
        assert.equal(typeof r.line, 'number', `${r.message}: a line in ${r.file}`);
      }
      assert.deepEqual(f.related?.map((r) => [r.file, r.line]), [[ARTICLES, 4]], 'the rows come from articles.js:4');
    }
  });

  it('the recorded, proved batched form leads when it meets the static finding (P19)', () => {
    const s = record();
    const count = s.nPlusOne.find((n) => n.file === HELPERS && n.line === 3)!;
    const [recorded] = recordedFindings({ summary: s, advice: new Map() }, HELPERS, TEXTS[HELPERS]).filter((f) => f.span.start >= TEXTS[HELPERS].indexOf('countUsers'));
    const line3 = TEXTS[HELPERS].indexOf('  const favoritesCount');
    const stat: Finding = { ruleId: 'n-plus-one', severity: 'warning', message: 'N+1 query: `article.countUsers()` …', help: 'Count for every article in one query — Article.findAll({ attributes: [\'id\', …] … include … }).', span: { start: line3, end: line3 + 40 }, file: HELPERS, fixes: [] };
    const [merged] = mergeRecorded([stat, recorded], TEXTS[HELPERS]);
    assert.ok(merged.help!.startsWith(count.fix), merged.help);
    assert.match(merged.help!, /From the code: Count for every article/);
  });
});
