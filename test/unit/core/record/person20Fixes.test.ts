/**
 * person20 (gothinkster/flask-realworld-example-app: Flask-SQLAlchemy 3, SQLAlchemy 1.4, gunicorn -w 2): the fixes a
 * recorded or static finding gives must hold in the library and project in use.
 */
import { strict as assert } from 'node:assert';
import { summarize } from '../../../../src/core/record/aggregate';
import type { QueryEvent } from '../../../../src/core/record/protocol';
import { normalizeSql } from '../../../../src/core/sql/statement';

const MODELS = '/app/conduit/articles/models.py';

function q(sql: string, unit: string, site: QueryEvent['site'], extra: Partial<QueryEvent> = {}): QueryEvent {
  return { v: 1, t: 'q', lib: 'psycopg2', sql, pc: 1, pt: ['int'], ms: 1, rows: 1, u: { k: 'request', id: unit, n: 'GET /api/articles' }, ts: 0, pid: 1, site, ...extra };
}

describe('person20: recorded and static fixes follow the code and the library in use', () => {
  // articles/models.py:111 `favorited`: self.query.join(Article.favoriters).filter(UserProfile.id == profile.id).count()
  // — the signed-in user's profile id, the same for every article of a request, another user per request.
  const FAVORITED = 'SELECT count(*) AS count_1 FROM (SELECT article.id AS article_id, article.slug AS article_slug FROM article JOIN favoritor_assoc AS favoritor_assoc_1 ON article.id = favoritor_assoc_1.favorited_article JOIN userprofile ON userprofile.id = favoritor_assoc_1.favoriter WHERE userprofile.id = $1) AS anon_1';
  const at = { file: MODELS, line: 111, col: 1, via: 'sqlalchemy' };

  it('HIGH 2a: a statement sent with the same values for every item of a request (another value per request) is a repeat, never a grouped rewrite', () => {
    const events: QueryEvent[] = [];
    // Three requests of three users: the first call of each request differs from the last of the one before (pd 1).
    for (let r = 0; r < 3; r++) for (let i = 0; i < 20; i++) events.push(q(FAVORITED, `GET /api/articles#${r}`, at, r + i === 0 ? {} : { pd: i === 0 ? 1 : 0 }));
    const [n] = summarize(events, normalizeSql, { threshold: 5 }).nPlusOne;
    assert.equal(n.repeated, true, n.fix);
    assert.match(n.fix, /same parameters every time[^]*Read it once before the loop/);
    assert.doesNotMatch(n.fix, /group|ids|ANY\(/i);
    assert.equal(n.lookup, undefined);
  });

  it('HIGH 2a: a value that changes within the request is still per item, whatever the first call of each request says', () => {
    const sql = 'SELECT tags.id, tags.tagname FROM tags, tag_assoc WHERE $1 = tag_assoc.article AND tags.id = tag_assoc.tag';
    const events: QueryEvent[] = [];
    for (let r = 0; r < 2; r++) for (let i = 0; i < 20; i++) events.push(q(sql, `GET /api/articles#${r}`, at, r + i === 0 ? {} : { pd: i === 0 ? 0 : 1 }));
    const [n] = summarize(events, normalizeSql, { threshold: 5 }).nPlusOne;
    assert.ok(!n.repeated, n.fix);
    assert.equal(n.lookup?.column, 'article');
    // One call in the request did not say (an older capture): what changed in the request is not known, as before.
    const unknown = events.map((e, i) => (i === 25 ? { ...e, pd: undefined } : e));
    assert.ok(!summarize(unknown, normalizeSql, { threshold: 5 }).nPlusOne[0].repeated);
  });
});
