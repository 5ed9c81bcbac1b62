/**
 * Issue 16, checked by reading the code of apps nobody here wrote (conduit: Sequelize 6; CTFd: SQLAlchemy 1.4): what a
 * recorded N+1 says. A: how many units of work a call that sent two statements (signed in, signed out) ran in. B: a
 * per-item aggregate that already groups by the per-item key. C: a look-up repeated with the same value. D: the
 * signed-out variant (`IS NULL`) is not the one the advice is written from. The texts are the ones recorded there.
 */
import { strict as assert } from 'node:assert';
import { summarize } from '../../../../src/core/record/aggregate';
import { batchedForm, lookupOf, repeatedForm } from '../../../../src/core/record/batchedForm';
import { groupedRewrite } from '../../../../src/core/record/groupedForm';
import { nPlusOneMessage, recordJson } from '../../../../src/core/record/format';
import { recordedFindings } from '../../../../src/core/record/findings';
import type { QueryEvent } from '../../../../src/core/record/protocol';
import { loadPgParser, normalizeSql } from '../../../../src/core/sql/statement';
import { sequelizeMixins } from '../../../../src/core/nplusone/sequelizeModels';

const HELPERS = '/app/helper/helpers.js';
const MODELS = '/ctfd/CTFd/models/__init__.py';
const UTILS = '/ctfd/CTFd/utils/__init__.py';

function q(sql: string, unit: string, site: QueryEvent['site'], extra: Partial<QueryEvent> = {}): QueryEvent {
  return { v: 1, t: 'q', lib: 'pg', sql, pc: 0, pt: [], ms: 1, rows: 1, u: { k: unit === 'root' ? 'root' : 'request', id: unit, n: unit.replace(/#\d+$/, '') }, ts: 0, pid: 1, site, ...extra };
}

/** conduit's helpers.js:25 `author.hasFollower(loggedUser ? loggedUser : null)`: `= <id>` signed in, `IS NULL` signed out. */
const FOLLOWS = (author: number, user?: number) => `SELECT "User"."id" FROM "Users" AS "User" INNER JOIN "Followers" AS "Followers" ON "User"."id" = "Followers"."followerId" AND "Followers"."userId" = ${author} WHERE ((("User"."id" ${user === undefined ? 'IS NULL' : `= ${user}`})));`;
const site = (line: number) => ({ file: HELPERS, line, col: 36, via: 'sequelize' });
const HELPER_TEXT = `${'\n'.repeat(24)}    const following = await author.hasFollower(loggedUser ? loggedUser : null);\n`;
// conduit's models/User.js, its two associations through Followers.
const MIXINS = sequelizeMixins([
  'class User extends Model {',
  '  static associate({ Article, User }) {',
  '    this.belongsToMany(User, { through: "Followers", as: "followers", foreignKey: "userId", timestamps: false });',
  '    this.belongsToMany(User, { through: "Followers", as: "following", foreignKey: "followerId", timestamps: false });',
  '  }',
  '}',
].join('\n'));

/** Requests in order: the signed-out ones first (so the `IS NULL` text is the first one seen), each with 10 authors. */
function conduit(users: (number | undefined)[]): QueryEvent[] {
  const events: QueryEvent[] = [];
  users.forEach((user, r) => {
    for (let author = 1; author <= 10; author++) events.push(q(FOLLOWS(author, user), `GET /api/articles#${r}`, site(25)));
  });
  return events;
}

describe('core/record: what a recorded N+1 says (issue 16, conduit and CTFd read by hand)', function () {
  this.timeout(60000);
  before(() => loadPgParser());

  it('A: a call that sent two statements (signed in / signed out) counts the units of work of both, each once', () => {
    // 6 requests signed out, 6 signed in: 12 requests like it, not the larger of 6 and 6.
    const s = summarize(conduit([undefined, undefined, undefined, undefined, undefined, undefined, 3, 3, 7, 7, 1, 1]), normalizeSql, { threshold: 5 });
    assert.equal(s.nPlusOne.length, 1, 'one finding for the call');
    assert.deepEqual([s.nPlusOne[0].calls, s.nPlusOne[0].units], [10, 12]);
    assert.match(nPlusOneMessage(s.nPlusOne[0]), /12 requests like it/);
    // The same statement in both variants of one request is one unit, not two.
    const mixed: QueryEvent[] = [];
    for (let author = 1; author <= 10; author++) mixed.push(q(FOLLOWS(author), 'GET /x#1', site(25)), q(FOLLOWS(author, 4), 'GET /x#1', site(25)));
    for (let author = 1; author <= 10; author++) mixed.push(q(FOLLOWS(author, 5), 'GET /x#2', site(25)));
    assert.equal(summarize(mixed, normalizeSql, { threshold: 5 }).nPlusOne[0].units, 2);
  });

  it('D: the signed-out text (`IS NULL`, which finds no row) is not the one the advice is written from', () => {
    assert.equal(HELPER_TEXT.split('\n')[24].indexOf('hasFollower') + 1, 36);
    for (const users of [[undefined, 3, 7], [undefined, 3, 3]]) {
      const s = summarize(conduit(users), normalizeSql, { threshold: 5 }, { source: (f) => (f === HELPERS ? HELPER_TEXT : undefined), sequelizeMixins: (name) => MIXINS.filter((m) => m.name === name) });
      assert.equal(s.nPlusOne.length, 1);
      const n = s.nPlusOne[0];
      assert.doesNotMatch(n.sql, /IS NULL/, n.sql);
      assert.doesNotMatch(n.fix, /IS NULL/, n.fix);
      assert.match(n.fix, /asks once per author whether Followers has a row for its userId \(hasFollower\(\)\)[^]*SELECT DISTINCT "Followers"\."userId" FROM [^]*"Followers"\."userId" = ANY\(\$1\) WHERE \(\(\("User"\."id" = /, n.fix);
      assert.equal(n.units, 3);
    }
  });

  it('B: a per-item aggregate that already GROUPs BY the per-item key is the same statement over = ANY($1), never "fetch one users row … joinedload"', () => {
    // CTFd models/__init__.py:586, Users.get_score: psycopg2 with the capture's pd (the user id changes per call).
    const sql = 'SELECT solves.user_id AS solves_user_id, sum(challenges.value) AS score \nFROM submissions JOIN solves ON submissions.id = solves.id JOIN users ON solves.user_id = users.id JOIN challenges ON solves.challenge_id = challenges.id \nWHERE users.id = $1 GROUP BY solves.user_id \n LIMIT $2';
    const events: QueryEvent[] = [];
    for (let i = 0; i < 25; i++) events.push(q(sql, 'root', { file: MODELS, line: 586, col: 1, via: 'sqlalchemy' }, { lib: 'psycopg2', pc: 2, ...(i ? { pd: 0b1 } : {}) }));
    const text = 'class Users(db.Model):\n    __tablename__ = "users"\n';
    const [n] = summarize(events, normalizeSql, { threshold: 5 }, { source: (f) => (f === MODELS ? text : undefined) }).nPlusOne;
    assert.doesNotMatch(n.fix, /joinedload|fetches one users row/, n.fix);
    assert.ok(n.fix.includes('WHERE users.id = ANY($1) GROUP BY solves.user_id ($1: the array of every item\'s id)'), n.fix);
    assert.match(n.fix, /grouped by solves\.user_id, equal to its per-item users\.id[^]*\.filter\(Users\.id\.in_\(ids\)\)[^]*read each item's row by solves_user_id/);
    assert.doesNotMatch(n.fix, /LIMIT/);
    // Grouped on the key itself, and not selected: the key is put in the select list.
    assert.equal(groupedRewrite('SELECT count(*) AS c FROM awards WHERE awards.user_id = $1 GROUP BY awards.user_id', 1)?.sql, 'SELECT awards.user_id, count(*) AS c FROM awards WHERE awards.user_id = ANY($1) GROUP BY awards.user_id');
    // Grouped on anything else (several groups per item, or a column no equality ties to the key): not rewritten.
    for (const other of [
      'SELECT awards.type, sum(awards.value) FROM awards WHERE awards.user_id = $1 GROUP BY awards.type',
      'SELECT solves.team_id, sum(challenges.value) FROM solves JOIN users ON solves.user_id = users.id JOIN challenges ON solves.challenge_id = challenges.id WHERE users.id = $1 GROUP BY solves.team_id',
      'SELECT solves.user_id, sum(challenges.value) FROM solves LEFT JOIN users ON solves.user_id = users.id JOIN challenges ON solves.challenge_id = challenges.id WHERE users.id = $1 GROUP BY solves.user_id',
      'SELECT solves.user_id, sum(solves.value) FROM solves WHERE solves.user_id = $1 GROUP BY solves.user_id, solves.team_id',
    ]) assert.equal(lookupOf(other, 0b1)?.grouped, undefined, other);
  });

  it('C: a look-up repeated with the SAME value in one unit of work is a different finding: read it once, or cache it — in every library', () => {
    // CTFd utils/__init__.py:46, get_config("freeze") 50 times, uncached: the same text, its $1 never changed (pd 0).
    const sql = 'SELECT config.id, config.key, config.value \nFROM config \nWHERE config.key = $1';
    const at = { file: UTILS, line: 46, col: 1, via: 'sqlalchemy' };
    const events = Array.from({ length: 50 }, (_, i) => q(sql, 'root', at, { lib: 'psycopg2', pc: 1, ...(i ? { pd: 0 } : {}) }));
    const s = summarize(events, normalizeSql, { threshold: 5 });
    const [n] = s.nPlusOne;
    assert.equal(n.repeated, true);
    assert.match(nPlusOneMessage(n), /^Repeated query: this call sent the same statement with the same parameters 50 times/);
    assert.match(n.fix, /same parameters every time[^]*Read it once before the loop and reuse the result[^]*cache it: functools\.lru_cache/);
    assert.doesNotMatch(n.fix, /selectinload|joinedload|relationship/);
    assert.equal((recordJson(s, (f) => f) as { nPlusOne: { repeated?: boolean }[] }).nPlusOne[0].repeated, true);
    const [f] = recordedFindings({ summary: s, advice: new Map() }, UTILS, `${'\n'.repeat(45)}    c = db.session.execute(select(Configs).filter_by(key=key)).scalar_one_or_none()\n`);
    assert.equal(f.help, n.fix);
    assert.equal(f.evidence?.repeated, true);
    // Sequelize puts the value in the text: the same text every time is the same value.
    const seq = summarize(Array.from({ length: 8 }, () => q(`SELECT "key", "value" FROM "Configs" AS "Config" WHERE "Config"."key" = 'freeze' LIMIT 1;`, 'GET /a#1', { file: HELPERS, line: 5, col: 3, via: 'sequelize' })), normalizeSql, { threshold: 5 }).nPlusOne[0];
    assert.equal(seq.repeated, true);
    assert.match(seq.fix, /Read it once[^]*a Map kept for the request/);
    // Each library gets its own way to keep the value.
    const caches = ['sqlalchemy', 'django', '@prisma/client', 'sequelize', undefined].map((v) => repeatedForm(v).fix.replace(/^[^:]*: [^:]*: /, ''));
    assert.equal(new Set(caches).size, caches.length, caches.join(' | '));
    // Not a repeat: the value changed (pd), the texts differ, no pd for a text with parameters, or a volatile function.
    const notRepeated = [
      Array.from({ length: 6 }, (_, i) => q(sql, 'root', at, { pc: 1, ...(i ? { pd: i === 3 ? 1 : 0 } : {}) })),
      Array.from({ length: 6 }, (_, i) => q(`SELECT * FROM config WHERE key = 'k${i}'`, 'root', at)),
      Array.from({ length: 6 }, () => q(sql, 'root', at, { pc: 1 })),
      Array.from({ length: 6 }, () => q("SELECT nextval('orders_id_seq')", 'root', at)),
    ];
    for (const e of notRepeated) {
      const [x] = summarize(e, normalizeSql, { threshold: 5 }).nPlusOne;
      assert.ok(x && !x.repeated, e[0].sql);
      assert.match(nPlusOneMessage(x), /^N\+1: /);
    }
    // batchedForm itself is unchanged for a look-up whose value changes.
    assert.match(batchedForm('sqlalchemy', lookupOf(sql, 0b1)).fix, /looks config up by key/);
  });
});
