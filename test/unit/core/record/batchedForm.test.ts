import { strict as assert } from 'node:assert';
import { summarize } from '../../../../src/core/record/aggregate';
import { batchedForm, lookupOf, serializingForm } from '../../../../src/core/record/batchedForm';
import { recordedFindings } from '../../../../src/core/record/findings';
import { OPEN_SITE_COMMAND } from '../../../../src/core/record/findingsMeta';
import type { QueryEvent } from '../../../../src/core/record/protocol';
import { loadPgParser, normalizeSql } from '../../../../src/core/sql/statement';

/**
 * Recorded statements as each ORM sends them (the SQL text its driver put on the wire), a loop's rows first and then
 * one look-up per row from one call site: the recorded N+1's advice names the look-up's relation or column, and the
 * quick fix to the rows' query says what goes there only when a batched form goes there (person11 Q4, person10 N10).
 */
interface Fixture {
  via: string;
  file: string;
  /** The file's text; line 2 loads the rows, line 3 is the per-row call. */
  text: string;
  parent: string;
  each: (i: number) => string;
}

function record(fx: Fixture) {
  const ev = (sql: string, line: number): QueryEvent => ({ v: 1, t: 'q', lib: 'pg', sql, pc: 0, pt: [], ms: 1, rows: 1, u: { k: 'root', id: 'root', n: 'root' }, ts: 0, pid: 1, site: { file: fx.file, line, col: 1, via: fx.via } });
  const events = [ev(fx.parent, 2), ...Array.from({ length: 8 }, (_, i) => ev(fx.each(i), 3))];
  const summary = summarize(events, normalizeSql, {});
  const n = summary.nPlusOne.find((x) => x.line === 3);
  assert.ok(n, JSON.stringify(summary.nPlusOne));
  const [finding] = recordedFindings({ summary, advice: new Map() }, fx.file, fx.text).filter((f) => f.ruleId === 'n-plus-one');
  const go = finding.fixes.find((f) => f.command?.id === OPEN_SITE_COMMAND);
  assert.ok(go);
  return { n, help: finding.help ?? '', go: go.title, related: finding.related?.[0]?.message ?? '' };
}

const HC_MODELS = [
  'from hc.api.models import Channel, Check',
  'class Project(models.Model):',
  '    def get_n_down(self):',
  '        for check in self.check_set.all():',
  '            pass',
  '    def have_channel_issues(self):',
  '        errors = list(self.channel_set.values_list("last_error", flat=True))',
].join('\n');

describe('core/record/batchedForm: a recorded N+1\'s batched form names what the recorded SQL names, per ORM', () => {
  before(() => loadPgParser());

  it('Django, a reverse relation read with .all(): prefetch_related("check_set") on the rows\' query (healthchecks get_n_down)', () => {
    const r = record({
      via: 'django', file: '/hc/hc/accounts/models.py', text: HC_MODELS.split('\n').slice(1, 4).join('\n'),
      parent: 'SELECT "accounts_project"."id", "accounts_project"."name" FROM "accounts_project" WHERE "accounts_project"."owner_id" = 3 ORDER BY LOWER("accounts_project"."name") ASC',
      each: (i) => `SELECT "api_check"."id", "api_check"."name", "api_check"."project_id" FROM "api_check" WHERE "api_check"."project_id" = ${40 + i}`,
    });
    assert.deepEqual(r.n.lookup, { table: 'api_check', column: 'project_id' });
    assert.match(r.help, /reads api_check by project_id once per row/);
    assert.match(r.help, /\.prefetch_related\("check_set"\)/);
    assert.doesNotMatch(r.help, /select_related\(\) for a foreign key/);
    assert.match(r.go, /: add \.prefetch_related\("check_set"\) to it$/);
    assert.doesNotMatch(r.go, /the batched form goes there/);
    assert.match(r.related, /prefetch_related\("check_set"\)/);
  });

  it('Django, a reverse relation read with .values_list(): prefetch would not serve it; one Channel.objects.filter(project_id__in=…) instead', () => {
    const text = ['from hc.api.models import Channel', 'class Project(models.Model):', '        errors = list(self.channel_set.values_list("last_error", flat=True))'].join('\n');
    const r = record({
      via: 'django', file: '/hc/hc/accounts/models.py', text,
      parent: 'SELECT "accounts_project"."id" FROM "accounts_project" WHERE "accounts_project"."owner_id" = 3',
      each: (i) => `SELECT "api_channel"."last_error" FROM "api_channel" WHERE "api_channel"."project_id" = ${40 + i}`,
    });
    assert.match(r.help, /prefetch_related\("channel_set"\) would not serve \.values_list\(\)/);
    assert.match(r.help, /Channel\.objects\.filter\(project__in=ids\)\.values_list\("project_id", …\)/);
    assert.match(r.go, /after it, one Channel\.objects\.filter\(project__in=ids\) for all its rows, grouped by project_id/);
  });

  it('the report\'s fix reads the call site too (summarize\'s source): the same fix as the Problems panel', () => {
    const text = ['from hc.api.models import Channel', 'class Project(models.Model):', '        errors = list(self.channel_set.values_list("last_error", flat=True))'].join('\n');
    const ev = (sql: string, line: number): QueryEvent => ({ v: 1, t: 'q', lib: 'pg', sql, pc: 0, pt: [], ms: 1, rows: 1, u: { k: 'root', id: 'root', n: 'root' }, ts: 0, pid: 1, site: { file: '/hc/models.py', line, col: 1, via: 'django' } });
    const events = [ev('SELECT "accounts_project"."id" FROM "accounts_project"', 2), ...Array.from({ length: 6 }, (_, i) => ev(`SELECT "api_channel"."last_error" FROM "api_channel" WHERE "api_channel"."project_id" = ${i}`, 3))];
    const withSource = summarize(events, normalizeSql, {}, { source: (f) => (f === '/hc/models.py' ? text : undefined) }).nPlusOne[0];
    assert.match(withSource.fix, /would not serve \.values_list\(\)/);
    const [finding] = recordedFindings({ summary: summarize(events, normalizeSql, {}), advice: new Map() }, '/hc/models.py', text);
    assert.equal(withSource.fix, finding.help);
    const unreadable = summarize(events, normalizeSql, {}, { source: () => { throw new Error('gone'); } }).nPlusOne[0];
    assert.match(unreadable.fix, /prefetch_related\("channel_set"\)/, 'an unreadable file: the conventions');
  });

  it('Django without the relation in the code: the default reverse name <model>_set, said to be the default', () => {
    const f = batchedForm('django', { table: 'api_flip', column: 'owner_id' }, 'for flip in flips_of(check):', '');
    // No model class in the code: the table and column named, never an invented casing of the class (person17: `Bookinstance`).
    assert.match(f.fix, /\.prefetch_related\("flip_set"\) \(Django's default name of the reverse relation of api_flip\.owner_id; the related_name if the ForeignKey sets one\)/);
    assert.equal(f.atParent, 'add .prefetch_related("flip_set") to it');
  });

  it('Django, a foreign key read per row (look-up by id): select_related; a .objects.get per item: in_bulk', () => {
    const fk = batchedForm('django', { table: 'accounts_project', column: 'id' }, 'print(check.project.name)', 'from hc.accounts.models import Project');
    assert.match(fk.fix, /\(the foreign key project read per row\): load it with the parent query — \.select_related\("project"\)/);
    assert.equal(fk.atParent, 'add .select_related("project") to it');
    // A table named its own way (ContentType's django_content_type): the field the code reads, not the table's last word.
    const ct = batchedForm('django', { table: 'django_content_type', column: 'id' }, "lazy = [p.content_type.model for p in Permission.objects.order_by('id')[:12]]");
    assert.match(ct.fix, /\.select_related\("content_type"\)/);
    // Nothing in the code: the table named, no invented field.
    const none = batchedForm('django', { table: 'django_content_type', column: 'id' }, 'for p in perms: show(p)');
    assert.match(none.fix, /\.select_related\(\) naming the ForeignKey to django_content_type/);
    assert.doesNotMatch(none.fix, /"type"/);
    const get = batchedForm('django', { table: 'accounts_project', column: 'id' }, 'p = Project.objects.get(id=pid)', 'from hc.accounts.models import Project');
    assert.match(get.fix, /Project\.objects\.in_bulk\(ids\)/);
  });

  it('Django, a look-up of a subquery is not the per-item look-up (profile.projects(): accounts_member inside IN (…))', () => {
    const k = lookupOf('SELECT "accounts_project"."id" FROM "accounts_project" WHERE "accounts_project"."id" IN (SELECT U0."project_id" FROM "accounts_member" U0 WHERE U0."user_id" = $1) ORDER BY LOWER("accounts_project"."name") ASC');
    assert.equal(k, undefined);
  });

  it('SQLAlchemy (a lazy load, the parameter on the left): the relationship to addresses, addresses.user_id in_()', () => {
    const r = record({
      via: 'sqlalchemy', file: '/app/report.py', text: 'def report(session):\n    users = session.scalars(select(User)).all()\n    for u in users: print(len(u.addresses))\nclass User(Base):\n    __tablename__ = "users"\n    addresses: Mapped[list["Address"]] = relationship(back_populates="user")\n',
      parent: 'SELECT users.id, users.name FROM users',
      each: (i) => `SELECT addresses.id AS addresses_id, addresses.user_id AS addresses_user_id FROM addresses WHERE ${i + 1} = addresses.user_id`,
    });
    assert.deepEqual(r.n.lookup, { table: 'addresses', column: 'user_id' });
    assert.match(r.help, /selectinload\(User\.addresses\)/);
    // The file does not declare or use the model of addresses: said in words with the SQL, no `<addresses model>`.
    assert.match(r.help, /one query of addresses for every user_id at once \(in SQL: … WHERE user_id = ANY\(\$1\)/);
    assert.doesNotMatch(r.help, /</);
    assert.equal(r.go, 'Go to the query that loads the rows (/app/report.py:2): add .options(selectinload(User.addresses)) to it');
    // The code does not name the relationship: the table named, no invented attribute.
    const bare = batchedForm('sqlalchemy', { table: 'addresses', column: 'user_id' }, 'for u in users: count(u)');
    assert.match(bare.fix, /selectinload of the parent's relationship to addresses/);
    assert.doesNotMatch(bare.fix, /<|Parent\./);
  });

  it('Sequelize: the association on Posts and where: { userId: ids }', () => {
    const r = record({
      via: 'sequelize', file: '/app/users.js', text: 'async function f() {\n  const users = await User.findAll();\n  for (const u of users) u.posts = await u.getPosts();\n}',
      parent: 'SELECT "id", "name" FROM "Users" AS "User";',
      each: (i) => `SELECT "id", "title", "userId" FROM "Posts" AS "Post" WHERE "Post"."userId" = ${i};`,
    });
    assert.match(r.help, /findAll with include of it/);
    assert.doesNotMatch(r.help, /Assoc\b/, 'no placeholder association (person13 P1)');
    assert.match(r.help, /where: \{ userId: ids \}/);
    assert.match(r.go, /add the association on Posts to its include/);
  });

  it('TypeORM: In(ids) on the recorded column', () => {
    const r = record({
      via: 'typeorm', file: '/app/photos.ts', text: 'async function f() {\n  const users = await repo.find();\n  for (const u of users) await photos.find({ where: { userId: u.id } });\n}',
      parent: 'SELECT "User"."id" AS "User_id" FROM "user" "User"',
      each: (i) => `SELECT "Photo"."id" AS "Photo_id", "Photo"."userId" AS "Photo_userId" FROM "photo" "Photo" WHERE (("Photo"."userId" = ${i}))`,
    });
    assert.match(r.help, /where: \{ userId: In\(ids\) \}/);
    assert.match(r.go, /relation on photo/);
  });

  it('knex, a statement with a join and an unqualified column: .whereIn(\'feature_name\', ids), never \'fk\' (person11 N10)', () => {
    const r = record({
      via: 'knex', file: '/ul/src/lib/db/feature-tag-store.ts', text: 'async f() {\n  const flags = await this.db("features").limit(25);\n  for (const f of flags) await this.getAllTagsForFeature(f.name);\n}',
      parent: 'select * from "features" limit 25',
      each: (i) => `select "tag_type", "tag_value", "tag_types"."icon" from "feature_tag" left join "tag_types" on "tag_types"."name" = "feature_tag"."tag_type" where "feature_name" = 'f${i}'`,
    });
    assert.deepEqual(r.n.lookup, { table: 'feature_tag', column: 'feature_name' });
    assert.match(r.help, /\.whereIn\('feature_name', ids\) on feature_tag/);
    assert.doesNotMatch(r.help, /'fk'/);
    assert.match(r.go, /after it, one \.whereIn\('feature_name', ids\) on feature_tag for all its rows/);
  });

  it('Prisma without schema.prisma: the recorded column in { in: ids }, no invented relation', () => {
    const r = record({
      via: '@prisma/client', file: '/app/posts.ts', text: 'async function f() {\n  const users = await prisma.user.findMany();\n  for (const u of users) await prisma.post.findMany({ where: { authorId: u.id } });\n}',
      parent: 'SELECT "public"."User"."id" FROM "public"."User" WHERE 1=1 OFFSET $1',
      each: (i) => `SELECT "public"."Post"."id", "public"."Post"."authorId" FROM "public"."Post" WHERE ("public"."Post"."authorId" = ${i} AND 1=1) OFFSET 0`,
    });
    assert.match(r.help, /prisma\.post\.findMany\(\{ where: \{ authorId: \{ in: ids \} \} \}\)/);
    assert.doesNotMatch(r.help, /include|\brel\b/);
    assert.match(r.go, /after it, one prisma\.post\.findMany/);
  });

  it('nothing known about the look-up: the generic form, and the quick fix only goes to the rows\' query (no promise of a batched form there)', () => {
    const r = record({
      via: 'django', file: '/app/x.py', text: 'def f():\n    rows = load()\n    for r in rows: r.refresh()',
      parent: 'SELECT id FROM t',
      // A condition no look-up is read from, its value changing per row (the same text every time is a repeat: issue 16 C).
      each: (i) => `SELECT count(*) FROM t2 WHERE a > ${i}`,
    });
    assert.equal(r.n.lookup, undefined);
    assert.match(r.help, /select_related\(\) for a foreign key/);
    assert.equal(r.go, 'Go to the query that loads the rows (/app/x.py:2)');
    assert.equal(r.related, 'The rows the loop runs over come from this query.');
  });
});

/** hoppscotch-backend's schema (the models the person12 hour's recorded N+1s read) and its service's calls. */
const HOP_SCHEMA = [
  'model Team {', '  id             String           @id @default(cuid())', '  name           String', '  TeamCollection TeamCollection[]', '  members        TeamMember[]', '  TeamRequest    TeamRequest[]', '}', '',
  'model TeamMember {', '  id      String         @id @default(uuid())', '  role    TeamAccessRole', '  userUid String', '  teamID  String', '  team    Team           @relation(fields: [teamID], references: [id], onDelete: Cascade)', '}', '',
  'model TeamRequest {', '  id           String         @id @default(cuid())', '  collectionID String', '  teamID       String', '  collection   TeamCollection @relation(fields: [collectionID], references: [id], onDelete: Cascade)', '  team         Team           @relation(fields: [teamID], references: [id], onDelete: Cascade)', '}', '',
  'model TeamCollection {', '  id         String           @id @default(cuid())', '  parentID   String?', '  teamID     String', '  title      String',
  '  parent     TeamCollection?  @relation("TeamCollectionChildParent", fields: [parentID], references: [id], onDelete: Cascade)',
  '  children   TeamCollection[] @relation("TeamCollectionChildParent")', '  team       Team             @relation(fields: [teamID], references: [id], onDelete: Cascade)', '  requests   TeamRequest[]', '}', '',
].join('\n');
const HOP_SERVICE = [
  'async exportCollectionToJSONObject(teamID: string, collectionID: string) {',
  '  const childrenCollection = await this.prisma.teamCollection.findMany({',
  '    where: {',
  '      teamID,',
  '      parentID: collectionID,',
  '    },',
  '    orderBy: { orderIndex: \'asc\' },',
  '  });',
  '  for (const coll of childrenCollection) await this.exportCollectionToJSONObject(teamID, coll.id);',
  '  const requests = await this.prisma.teamRequest.findMany({ where: { teamID, collectionID }, orderBy: { orderIndex: \'asc\' } });',
  '  const owners = await this.prisma.teamMember.count({ where: { teamID: t.teamID, role: TeamAccessRole.OWNER } });',
  '}',
].join('\n');

describe('core/record/batchedForm: which condition changes per item (the capture\'s pd) and the schema\'s relation (person12 R3)', () => {
  before(() => loadPgParser());
  const FILE = '/hop/packages/backend/src/team-collection/team-collection.service.ts';
  const SCHEMA = '/hop/packages/backend/prisma/schema.prisma';
  const source = (f: string) => (f === FILE ? HOP_SERVICE : f === SCHEMA ? HOP_SCHEMA : undefined);
  /** 8 calls of `sql` from `line`, the first without pd (a text's first call), then with `pd`. */
  function summary(sql: string, line: number, pd: number | undefined, via = '@prisma/client') {
    const ev = (i: number): QueryEvent => ({ v: 1, t: 'q', lib: 'pg', sql, pc: 3, pt: [], ...(i > 0 && pd !== undefined ? { pd } : {}), ms: 1, rows: 1, u: { k: 'root', id: 'root', n: 'root' }, ts: 0, pid: 1, site: { file: FILE, line, col: 3, via } });
    const s = summarize(Array.from({ length: 8 }, (_, i) => ev(i)), normalizeSql, {}, { source });
    assert.equal(s.nPlusOne.length, 1, JSON.stringify(s.nPlusOne));
    const [finding] = recordedFindings({ summary: s, advice: new Map() }, FILE, HOP_SERVICE).filter((f) => f.ruleId === 'n-plus-one');
    return { n: s.nPlusOne[0], help: finding.help ?? '' };
  }
  const CHILDREN = 'SELECT "public"."TeamCollection"."id", "public"."TeamCollection"."parentID", "public"."TeamCollection"."teamID" FROM "public"."TeamCollection" WHERE ("public"."TeamCollection"."teamID" = $1 AND "public"."TeamCollection"."parentID" = $2) ORDER BY "public"."TeamCollection"."orderIndex" ASC OFFSET $3';

  it('the children per collection: batched on parentID (the parameter that changed), teamID kept as the code writes it, include: { children: true } from the schema', () => {
    const r = summary(CHILDREN, 2, 0b010);
    assert.deepEqual(r.n.lookup?.column, 'parentID');
    assert.deepEqual(r.n.lookup?.same, ['teamID']);
    assert.equal(r.n.fix, r.help, 'the report and the Problems panel give one fix');
    assert.match(r.help, /include: \{ children: true \} \(the relation whose foreign key is TeamCollection\.parentID\)/);
    assert.match(r.help, /prisma\.teamCollection\.findMany\(\{ where: \{ parentID: \{ in: ids \}, teamID \} \}\)/);
    assert.doesNotMatch(r.help, /\brel\b|teamID: \{ in/);
  });

  it('the requests per collection: collectionID, include: { requests: true } on TeamCollection', () => {
    const sql = 'SELECT "public"."TeamRequest"."id", "public"."TeamRequest"."collectionID" FROM "public"."TeamRequest" WHERE ("public"."TeamRequest"."teamID" = $1 AND "public"."TeamRequest"."collectionID" = $2) ORDER BY "public"."TeamRequest"."orderIndex" ASC OFFSET $3';
    const r = summary(sql, 10, 0b010);
    assert.match(r.help, /include: \{ requests: true \}/);
    assert.match(r.help, /where: \{ collectionID: \{ in: ids \}, teamID \}/);
  });

  it('a count per item (Prisma\'s COUNT(*) … FROM (…) AS "sub"): one groupBy by the field that changed, role kept', () => {
    const sql = 'SELECT COUNT(*) AS "_count$_all" FROM (SELECT "public"."TeamMember"."id" FROM "public"."TeamMember" WHERE ("public"."TeamMember"."teamID" = $1 AND "public"."TeamMember"."role" = CAST($2::text AS "public"."TeamAccessRole")) OFFSET $3) AS "sub"';
    const r = summary(sql, 11, 0b001);
    assert.equal(r.n.lookup?.count, true);
    assert.match(r.help, /prisma\.teamMember\.groupBy\(\{ by: \['teamID'\], where: \{ teamID: \{ in: ids \}, role: TeamAccessRole\.OWNER \}, _count: true \}\)/);
    assert.doesNotMatch(r.help, /include/);
  });

  it('an aggregate per item (Prisma\'s _sum over "sub"): one groupBy with _sum by the field that changed, role kept (person13 P1)', () => {
    const sql = 'SELECT SUM("sub"."orderIndex") AS "_sum$orderIndex", MAX("sub"."orderIndex") AS "_max$orderIndex" FROM (SELECT "public"."TeamMember"."orderIndex" FROM "public"."TeamMember" WHERE ("public"."TeamMember"."teamID" = $1 AND "public"."TeamMember"."role" = CAST($2::text AS "public"."TeamAccessRole")) OFFSET $3) AS "sub"';
    const r = summary(sql, 11, 0b001);
    assert.deepEqual(r.n.lookup?.prismaAggregates, [['sum', 'orderIndex'], ['max', 'orderIndex']]);
    assert.match(r.help, /prisma\.teamMember\.groupBy\(\{ by: \['teamID'\], where: \{ teamID: \{ in: ids \}, role: TeamAccessRole\.OWNER \}, _sum: \{ orderIndex: true \}, _max: \{ orderIndex: true \} \}\)/);
    assert.doesNotMatch(r.help, /include|findMany|</);
  });

  it('which condition changes is not known (no pd) and there are two: no column named, no invented relation', () => {
    const r = summary(CHILDREN, 2, undefined);
    assert.equal(r.n.lookup, undefined);
    assert.doesNotMatch(r.help, /teamID|parentID|\brel\b/);
    assert.match(r.help, /the field that changes per item/);
  });

  it('no condition changed (the same look-up again and again): nothing per item is named', () => {
    assert.equal(summary(CHILDREN, 2, 0).n.lookup, undefined);
  });

  it('every ORM: the column that changed, not the first one (knex, Sequelize, TypeORM, plain pg)', () => {
    const sql = 'select * from "feature_tag" where "project" = $1 and "feature_name" = $2';
    assert.match(summary(sql, 2, 0b10, 'knex').help, /\.whereIn\('feature_name', ids\)/);
    assert.match(summary(sql, 2, 0b10, 'sequelize').help, /where: \{ feature_name: ids \}/);
    assert.match(summary(sql, 2, 0b10, 'typeorm').help, /feature_name: In\(ids\)/);
    assert.match(summary(sql, 2, 0b10, '').help, /WHERE feature_name = ANY\(\$1\)/);
    assert.match(summary(sql, 2, 0b10, 'knex').help, /Keep its other condition \(project: the same for every item\)/);
  });
});

describe('recorded N+1 sent while a library serialised a view\'s response (person20 HIGH 1)', () => {
  const models = [
    'followers_assoc = db.Table("followers_assoc", db.Column("follower", db.Integer), db.Column("followed_by", db.Integer))',
    'tag_assoc = db.Table("tag_assoc", db.Column("tag", db.Integer), db.Column("article", db.Integer))',
    'class UserProfile(Model):',
    '    __tablename__ = "userprofile"',
    '    follows = relationship("UserProfile", secondary=followers_assoc, primaryjoin=id == followers_assoc.c.follower, lazy="dynamic")',
    'class Article(Model):',
    '    author = relationship("UserProfile", backref=db.backref("articles"))',
    '    tagList = relationship("Tags", secondary=tag_assoc, backref="articles")',
    'class Comment(Model):',
    '    author = relationship("UserProfile")',
  ].join('\n');
  it('names the eager load of the relationship the lazy load reads, on the view\'s query: selectinload through an association table, joinedload for a many-to-one by id (the model the rows\' query names)', () => {
    const tags = serializingForm('sqlalchemy', { table: 'tags', column: 'article' }, 'SELECT tags.id FROM tags, tag_assoc WHERE $1 = tag_assoc.article AND tags.id = tag_assoc.tag', 'get_articles', models, 'res = Article.query');
    assert.match(tags.fix, /get_articles.*\.options\(selectinload\(Article\.tagList\)\)/);
    assert.equal(tags.atParent, 'add .options(selectinload(Article.tagList)) to it');
    const author = serializingForm('sqlalchemy', { table: 'userprofile', column: 'id' }, 'SELECT userprofile.id FROM userprofile WHERE userprofile.id = $1', 'get_articles', models, 'res = Article.query');
    assert.match(author.fix, /\.options\(joinedload\(Article\.author\)\)/);
    assert.doesNotMatch(author.fix, /Comment/);
  });
  it('never an eager load of a lazy=\'dynamic\' relationship (SQLAlchemy refuses it: person20 HIGH 2): one query for every item instead', () => {
    const f = serializingForm('sqlalchemy', { table: 'followers_assoc', column: 'follower' }, 'SELECT count(*) FROM userprofile, followers_assoc WHERE $1 = followers_assoc.follower', 'get_profile', models, undefined);
    assert.match(f.fix, /UserProfile\.follows, which is lazy='dynamic': SQLAlchemy applies no eager load/);
    assert.doesNotMatch(f.fix, /selectinload\(|joinedload\(/);
    assert.equal(f.atParent, undefined);
  });

  it('a look-up that takes the top rows per item keeps its LIMIT in the batched form, never one query of all the rows (person49 M-1)', () => {
    // The shop's latest reviews per product: the raw-SQL form and the "rows come from" line said "one query on reviews with
    // WHERE product_id = ANY($1) for all its rows" — every review of each product, not the latest three.
    const latest = lookupOf('SELECT id, rating, body FROM reviews WHERE product_id = $1 ORDER BY created_at DESC LIMIT 3', 1);
    assert.deepEqual(latest, { table: 'reviews', column: 'product_id', limit: 3 });
    const raw = batchedForm(undefined, latest);
    assert.match(raw.fix, /keeps LIMIT 3 per product_id: SELECT … FROM unnest\(\$1\) AS k\(product_id\) CROSS JOIN LATERAL \(the same SELECT with product_id = k\.product_id, its ORDER BY and LIMIT 3\)/);
    assert.equal(raw.atParent, 'after it, one query on reviews over all the keys that keeps LIMIT 3 per product_id (unnest($1) + LATERAL) for all its rows');
    assert.ok(!/= ANY\(\$1\) for all its rows/.test(raw.atParent ?? ''));
    assert.match(batchedForm('knex', latest).atParent ?? '', /keeps LIMIT 3 per product_id \(unnest\(\$1\) \+ LATERAL\)/);
    // An ORM's form says the limit too, not a plain include of the relation.
    const orm = batchedForm('typeorm', latest);
    assert.match(orm.fix, /keeps LIMIT 3 per product_id .*returns every row of each item, not LIMIT 3/);
    assert.equal(orm.atParent, 'after it, one query on reviews for all its rows that keeps LIMIT 3 per product_id');
    assert.equal(lookupOf('SELECT id FROM reviews WHERE product_id = $1 ORDER BY created_at DESC LIMIT $2', 1)?.limit, 'param');
    // Not a top-N per item: a LIMIT 1 (one row per item, matched in memory), a LIMIT without ORDER BY (Django's .get(),
    // LIMIT 21 on a key), an existence probe: the forms as before.
    assert.equal(lookupOf('SELECT id FROM reviews WHERE product_id = $1 ORDER BY created_at DESC LIMIT 1', 1)?.limit, undefined);
    assert.equal(lookupOf('SELECT "auth_user"."id" FROM "auth_user" WHERE "auth_user"."id" = $1 LIMIT 21', 1)?.limit, undefined);
    assert.match(batchedForm(undefined, lookupOf('SELECT id FROM reviews WHERE product_id = $1 LIMIT 21', 1)).atParent ?? '', /WHERE product_id = ANY\(\$1\) for all its rows/);
  });
});
