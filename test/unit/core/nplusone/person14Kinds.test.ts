/**
 * Kinds behind the static N+1 problems person14 met (issue 20) on an Express + Sequelize app: an association mixin
 * (`article.getTagList()`, `author.countFollowers()`) called per item, directly or through the app's helper in another
 * file (required with CommonJS destructuring); and the batched form of a look-up by primary key naming the model's
 * real key. One small synthetic fixture per kind, both ways.
 */
import { strict as assert } from 'node:assert';
import { expectNPlusOneInScan, scanNPlusOne } from '../../support/nplusoneFixtures';
import { sequelizeMixins } from '../../../../src/core/nplusone/sequelizeModels';
import { sequelizeMixinAdvice } from '../../../../src/core/nplusone/rewrites';

const articleModel = {
  path: 'backend/models/Article.js',
  text: [
    'const { Model } = require("sequelize");',
    'module.exports = (sequelize, DataTypes) => {',
    '  class Article extends Model {',
    '    static associate({ User, Tag }) {',
    '      this.belongsTo(User, { foreignKey: "userId", as: "author" });',
    '      this.belongsToMany(Tag, { through: "TagList", as: "tagList", foreignKey: "articleId" });',
    '      this.belongsToMany(User, { through: "Favorites", foreignKey: "articleId" });',
    '    }',
    '  }',
    '  Article.init({ slug: DataTypes.STRING }, { sequelize, modelName: "Article" });',
    '  return Article;',
    '};',
  ],
};
const helpers = {
  path: 'backend/helper/helpers.js',
  text: [
    'const appendFavorites = async (loggedUser, article) => {',
    '  article.dataValues.favorited = await article.hasUser(loggedUser);',
    '  article.dataValues.favoritesCount = await article.countUsers();',
    '};',
    '',
    'module.exports = { appendFavorites };',
  ],
};
const controller = {
  path: 'backend/controllers/articles.js',
  text: [
    'const { appendFavorites } = require("../helper/helpers");',
    'const { Article } = require("../models");',
    '',
    'const allArticles = async (req, res) => {',
    '  const articles = await Article.findAndCountAll({ limit: 20 });',
    '  for (const article of articles.rows) {',
    '    const tags = await article.getTagList();',
    '    article.dataValues.tagList = tags.map((t) => t.name);',
    '    await appendFavorites(req.loggedUser, article);',
    '  }',
    '  res.json({ articles: articles.rows });',
    '};',
    '',
    'module.exports = { allArticles };',
  ],
};

describe('N+1 kinds person14 met (issue 20)', () => {
  it('a Sequelize association mixin called per item is an N+1, directly and through a helper of another file required with CommonJS destructuring; the fix names the association\'s include', async () => {
    await expectNPlusOneInScan([articleModel, helpers, controller], ['backend/controllers/articles.js:7', 'backend/controllers/articles.js:9']);
    const direct = (await scanNPlusOne([articleModel, helpers, controller])).find((f) => f.line === 7);
    assert.match(direct?.message ?? '', /Sequelize association mixin of Article\.belongsToMany\(Tag, as 'tagList'\) in backend\/models\/Article\.js:6/);
    assert.match(direct?.help ?? '', /include: \[\{ model: Tag, as: 'tagList' \}\]/);
  });

  it('the same method names without a Sequelize association declaring them are not an N+1 (a name-shape guess alone never fires)', async () => {
    const plain = {
      path: 'backend/models/Article.js',
      text: ['class Article {', '  getTagList() { return this.tags; }', '  hasUser(u) { return this.users.includes(u); }', '  countUsers() { return this.users.length; }', '}', 'module.exports = { Article };'],
    };
    await expectNPlusOneInScan([plain, helpers, controller], []);
  });

  it('the batched form of a per-item findByPk names the model\'s own primary key (Tag is keyed by `name`), never an invented `id`', async () => {
    const tags = {
      path: 'backend/controllers/tags.js',
      text: ['const { Tag } = require("../models");', '', 'const load = async (tagList) => {', '  const out = [];', '  for (const tag of tagList) {', '    out.push(await Tag.findByPk(tag.trim()));', '  }', '  return out;', '};', 'module.exports = { load };'],
    };
    const f = (await scanNPlusOne([tags])).find((x) => x.line === 6);
    assert.match(f?.help ?? '', /findAll\(\{ where: \{ \[Tag\.primaryKeyAttribute\]: \{ \[Op\.in\]: keys \} \} \}\)/);
    assert.doesNotMatch(f?.help ?? '', /\bid: /);
  });

  it('reads the mixins Sequelize names from `as` (else the target model)', () => {
    const names = sequelizeMixins(articleModel.text.join('\n')).map((m) => m.name);
    for (const n of ['getAuthor', 'setAuthor', 'getTagList', 'addTagList', 'countTagList', 'getUsers', 'hasUser', 'countUsers', 'addUser']) assert.ok(names.includes(n), n);
  });
  it("a count or has per item is advised without placeholders (col('…')), and a has is no count (person14 P2)", () => {
    const mixins = sequelizeMixins(articleModel.text.join('\n'));
    const count = sequelizeMixinAdvice(mixins.find((m) => m.name === 'countUsers')!, 'article');
    const has = sequelizeMixinAdvice(mixins.find((m) => m.name === 'hasUser')!, 'article');
    for (const r of [count, has]) assert.doesNotMatch(r.help, /…|<|\bAssoc\b|'fk'/, r.help);
    assert.match(count.help, /^Count for every article in one query — Article\.findAll with include: \[\{ model: User, attributes: \[\] \}\]/);
    assert.match(has.title, /which articles have it/);
    assert.doesNotMatch(has.title, /count/);
  });
});
