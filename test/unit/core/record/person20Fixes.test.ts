/**
 * person20 (gothinkster/flask-realworld-example-app: Flask-SQLAlchemy 3, SQLAlchemy 1.4, gunicorn -w 2): the fixes a
 * recorded or static finding gives must hold in the library and project in use.
 */
import { strict as assert } from 'node:assert';
import { summarize } from '../../../../src/core/record/aggregate';
import { batchedForm, lookupOf, noEagerRelationship } from '../../../../src/core/record/batchedForm';
import { detectWithLines } from '../../support/nplusoneFixtures';
import { provedBy, suggestedIndexesLine } from '../../../../src/core/advice/missingIndex';
import { detectMigrationTool, generateMigration, type MigrationIndex } from '../../../../src/core/advice/migrations';
import { PROJECT_FACT_FILES } from '../../../../src/core/advice/migrationFix';
import { recordedFindings } from '../../../../src/core/record/findings';
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

  // profile/models.py, as the app declares it: `follows` is lazy='dynamic'; `user`'s backref `profile` is not.
  const PROFILE = [
    'followers_assoc = db.Table("followers_assoc",',
    '                           db.Column("follower", db.Integer, db.ForeignKey("userprofile.user_id")),',
    '                           db.Column("followed_by", db.Integer, db.ForeignKey("userprofile.user_id")))',
    '',
    'class UserProfile(Model, SurrogatePK):',
    "    __tablename__ = 'userprofile'",
    "    user = relationship('User', backref=db.backref('profile', uselist=False))",
    "    follows = relationship('UserProfile',",
    '                           secondary=followers_assoc,',
    '                           primaryjoin=id == followers_assoc.c.follower,',
    '                           secondaryjoin=id == followers_assoc.c.followed_by,',
    "                           backref='followed_by',",
    "                           lazy='dynamic')",
    '',
    '    def is_following(self, profile):',
    '        return bool(self.follows.filter(followers_assoc.c.followed_by == profile.id).count())',
  ].join('\n');
  const CALL = '        return bool(self.follows.filter(followers_assoc.c.followed_by == profile.id).count())';

  it('HIGH 2b: a relationship SQLAlchemy cannot eager-load (dynamic, write_only, their Mapped forms, a dynamic backref) gets a grouped query, never selectinload/joinedload', () => {
    assert.deepEqual(noEagerRelationship(CALL, PROFILE), { attr: 'UserProfile.follows', lazy: 'dynamic' });
    const forms = [
      batchedForm('sqlalchemy', undefined, CALL, PROFILE),
      batchedForm('sqlalchemy', { table: 'followers_assoc', column: 'followed_by' }, CALL, PROFILE),
      batchedForm('sqlalchemy', { table: 'followers_assoc', column: 'follower_id' }, CALL, PROFILE),
      batchedForm('sqlalchemy', { table: 'userprofile', column: 'id' }, CALL, PROFILE),
    ];
    for (const f of forms) {
      assert.doesNotMatch(`${f.fix} ${f.atParent ?? ''}`, /selectinload\(|joinedload\(|subqueryload\(|of it in the options/, f.fix);
      assert.match(f.fix, /UserProfile\.follows is a lazy="dynamic" relationship[^]*eager loading cannot be applied[^]*grouped|group_by/, f.fix);
    }
    assert.match(forms[1].fix, /select\(followers_assoc\.c\.followed_by, func\.count\(\)\)\.where\(followers_assoc\.c\.followed_by\.in_\(ids\)\)\.group_by\(followers_assoc\.c\.followed_by\)/);
    // The other forms that refuse object population.
    const decl = (d: string) => `class Author(Base):\n    __tablename__ = 'author'\n${d}\n`;
    assert.equal(noEagerRelationship('n = a.books.count()', decl("    books = relationship('Book', lazy='write_only')"))?.lazy, 'write_only');
    assert.equal(noEagerRelationship('n = a.books.count()', decl('    books: DynamicMapped["Book"] = relationship()'))?.lazy, 'dynamic');
    assert.equal(noEagerRelationship('n = a.books.count()', decl('    books: WriteOnlyMapped[List["Book"]] = relationship()'))?.lazy, 'write_only');
    assert.equal(noEagerRelationship('n = u.posts.count()', decl("    user = relationship('User', backref=backref('posts', lazy='dynamic'))"))?.attr, 'posts');
    // Not such: a plain relationship (its backref is dynamic, not it), selectin, or a name the call does not read.
    assert.equal(noEagerRelationship('n = len(u.user.name)', decl("    user = relationship('User', backref=backref('posts', lazy='dynamic'))")), undefined);
    assert.equal(noEagerRelationship('n = len(a.books)', decl("    books = relationship('Book', lazy='selectin')")), undefined);
    assert.equal(noEagerRelationship('n = len(a.pages)', decl("    books = relationship('Book', lazy='dynamic')")), undefined);
    // A plain relationship keeps its eager-load advice.
    assert.match(batchedForm('sqlalchemy', undefined, 'len(a.books)', decl("    books = relationship('Book')")).fix, /selectinload/);
  });

  it('HIGH 2b: a call in a view reading a dynamic relationship declared in the models.py near it is told the grouped query too', () => {
    const VIEWS = '/app/conduit/profile/views.py';
    const line = '        n = profile.follows.count()';
    const sql = 'SELECT count(*) AS count_1 FROM (SELECT userprofile.id AS userprofile_id FROM userprofile, followers_assoc WHERE $1 = followers_assoc.follower AND userprofile.id = followers_assoc.followed_by) AS anon_1';
    const events = Array.from({ length: 10 }, (_, i) => q(sql, 'GET /api/profiles#1', { file: VIEWS, line: 3, col: 1, via: 'sqlalchemy' }, i ? { pd: 1 } : {}));
    const source = (f: string) => (f === VIEWS ? `def profiles(ps):\n    for profile in ps:\n${line}\n` : f === '/app/conduit/profile/models.py' ? PROFILE : undefined);
    const [n] = summarize(events, normalizeSql, { threshold: 5 }, { source }).nPlusOne;
    assert.deepEqual(n.noEager, { attr: 'UserProfile.follows', lazy: 'dynamic' });
    assert.doesNotMatch(n.fix, /selectinload|joinedload/);
    assert.match(n.fix, /GROUP BY followers_assoc\.follower/);
    // Without a look-up (nothing said which column), the relationship itself says why there is no eager load.
    const noLookup = batchedForm('sqlalchemy', undefined, line, source(VIEWS), undefined, n.noEager);
    assert.match(noLookup.fix, /UserProfile\.follows is a lazy="dynamic" relationship[^]*eager loading cannot be applied/);
    // The finding in the editor (its text re-read there) says the same.
    const [f] = recordedFindings({ summary: summarize(events, normalizeSql, { threshold: 5 }, { source }), advice: new Map() }, VIEWS, source(VIEWS)!);
    assert.equal(f.help, n.fix);
  });

  it('HIGH 2b: the recorded is_following — its follower the same, followed_by per item — is one grouped count', () => {
    const sql = 'SELECT count(*) AS count_1 FROM (SELECT userprofile.id AS userprofile_id, userprofile.user_id AS userprofile_user_id FROM userprofile, followers_assoc WHERE $1 = followers_assoc.follower AND userprofile.id = followers_assoc.followed_by AND followers_assoc.followed_by = $2) AS anon_1';
    const events: QueryEvent[] = [];
    for (let r = 0; r < 2; r++) for (let i = 0; i < 20; i++) events.push(q(sql, `GET /api/articles#${r}`, { file: '/app/conduit/profile/models.py', line: 31, col: 1, via: 'sqlalchemy' }, { pc: 2, pt: ['int', 'int'], ...(r + i === 0 ? {} : { pd: i === 0 ? 0b11 : 0b10 }) }));
    const [n] = summarize(events, normalizeSql, { threshold: 5 }, { source: () => PROFILE }).nPlusOne;
    assert.equal(n.lookup?.column, 'followed_by');
    assert.doesNotMatch(n.fix, /selectinload|joinedload/);
    assert.match(n.fix, /GROUP BY followers_assoc\.followed_by/);
    assert.ok(lookupOf(sql, 0b10)?.grouped);
  });

  it('MEDIUM 3: a per-item save()/delete() in a Flask/SQLAlchemy file gets the session\'s fix, never Django\'s bulk_update or queryset.update', async () => {
    // conduit/articles/views.py:45-51 (its imports as the app has them), and the same with SQLAlchemy imported itself.
    const body = (imports: string) => `${imports}\nfrom .models import Article, Tags\n\ndef make_article(tagList):\n    for tag in tagList:\n        mtag = Tags(tag)\n        mtag.save()\n    for a in Article.query.all():\n        a.delete()\n`;
    for (const imports of ['from flask import Blueprint, jsonify\nfrom marshmallow import fields', 'from sqlalchemy.orm import Session', 'from flask_sqlalchemy import SQLAlchemy']) {
      const f = await detectWithLines(body(imports), 'conduit/articles/views.py');
      const writes = f.filter((x) => x.evidence.kind === 'write-in-loop');
      assert.ok(writes.length >= 2, imports);
      for (const w of writes) {
        const text = `${w.evidence.rewrite.title} ${w.evidence.rewrite.help}`;
        assert.doesNotMatch(text, /bulk_update|bulk_create|queryset|\.objects\.|pk__in/, text);
      }
      const save = writes.find((x) => x.line === imports.split('\n').length + 6)!;
      assert.match(save.evidence.rewrite.help, /add_all[^]*commit once after the loop/);
    }
    // A Django file keeps Django's forms.
    const dj = await detectWithLines('from django.db import models\nfrom .models import Tag\n\ndef f(names):\n    for t in Tag.objects.all():\n        t.name = t.name.strip()\n        t.save()\n', 'app/views.py');
    assert.match(dj.find((x) => x.line === 7)!.evidence.rewrite.help, /bulk_update/);
  });

  it('MEDIUM 5: a Flask-Migrate project (its env.py, or flask-migrate without an alembic.ini that locates the folder) is told flask db upgrade', () => {
    // conduit, as `flask db init` wrote it: alembic.ini has no script_location, env.py takes the engine from current_app.
    const ENV = "from flask import current_app\nfrom alembic import context\nconfig.set_main_option('sqlalchemy.url', current_app.config.get('SQLALCHEMY_DATABASE_URI'))\n";
    const INI = '# A generic, single database configuration.\n\n[alembic]\n# template used to generate migration files\n';
    const files = (root: string) => ['requirements/prod.txt', `${root}migrations/alembic.ini`, `${root}migrations/env.py`, `${root}migrations/script.py.mako`, `${root}migrations/versions/a1_init.py`];
    assert.ok(PROJECT_FACT_FILES.test('migrations/env.py'));
    const conduit = detectMigrationTool({ files: files(''), texts: { 'requirements/prod.txt': 'Flask==1.0.2\nFlask-Migrate==2.2.1\nFlask-SQLAlchemy==2.3.2\n', 'migrations/alembic.ini': INI, 'migrations/env.py': ENV } });
    assert.deepEqual(conduit, { tool: 'alembic', dir: 'migrations/versions', run: 'flask db upgrade' });
    const ix: MigrationIndex = { name: 'tag_assoc_article_idx', schema: 'public', table: 'tag_assoc', method: 'btree', ddl: 'CREATE INDEX CONCURRENTLY tag_assoc_article_idx ON tag_assoc (article)', columns: ['article'], where: null, include: ['tag'] };
    const out = generateMigration(conduit, ix, { now: new Date('2026-12-03T12:00:00Z'), files: files(''), fileText: (f) => (f.endsWith('a1_init.py') ? 'revision = "a1"\ndown_revision = None\n' : undefined) });
    assert.match(out.notes[0], /run it with `flask db upgrade`/);
    assert.doesNotMatch(out.notes.join(' '), /alembic upgrade head/);
    // The env.py alone says it (no dependency file read); flask-migrate alone says it (env.py not read); in a sub-folder.
    assert.equal(detectMigrationTool({ files: files(''), texts: { 'migrations/env.py': ENV } }).run, 'flask db upgrade');
    assert.equal(detectMigrationTool({ files: files(''), texts: { 'requirements/prod.txt': 'flask_migrate>=4\n' } }).run, 'flask db upgrade');
    assert.equal(detectMigrationTool({ files: files('backend/'), texts: { 'backend/migrations/env.py': ENV } }).run, 'cd backend && flask db upgrade');
    // Plain Alembic keeps its command: its env.py builds its own engine, or its alembic.ini locates the folder.
    const plain = detectMigrationTool({ files: ['alembic.ini', 'alembic/env.py', 'alembic/versions/a1_init.py', 'requirements.txt'], texts: { 'alembic.ini': '[alembic]\nscript_location = alembic\n', 'alembic/env.py': 'from sqlalchemy import engine_from_config\nfrom alembic import context\n', 'requirements.txt': 'alembic\nflask-migrate\n' } });
    assert.deepEqual(plain, { tool: 'alembic', dir: 'alembic/versions' });
    assert.match(generateMigration(plain, ix, { now: new Date('2026-12-03T12:00:00Z'), files: ['alembic/versions/a1_init.py'], fileText: () => 'revision = "a1"\ndown_revision = None\n' }).notes[0], /`alembic upgrade head`/);
  });

  it('MEDIUM 4: the Suggest Indexes line says how each index was proved in the words of the picker, never "proved" for an estimate', () => {
    const est = { ddl: 'CREATE INDEX CONCURRENTLY article_author_id_idx ON article (author_id)', verifiedBy: 'none' as const };
    const trial = { ddl: 'CREATE INDEX CONCURRENTLY tag_assoc_article_idx ON tag_assoc (article) INCLUDE (tag)', verifiedBy: 'transaction' as const };
    const one = suggestedIndexesLine([est]);
    assert.equal(one, `one index suggested (ON article (author_id) — ${provedBy('none')})`);
    assert.doesNotMatch(one, /\bproved\b(?! by)/);
    assert.match(one, /not verified by the planner/);
    assert.equal(suggestedIndexesLine([trial, est]), `2 indexes suggested (ON tag_assoc (article) INCLUDE (tag) — ${provedBy('transaction')}; ON article (author_id) — ${provedBy('none')})`);
  });
});
