/**
 * Kinds of mistakes of the SQL rules seen on issue 14's split rules-r (session 29: Hyperledger Explorer on node-postgres,
 * sliding-sync on sqlx, HOT Tasking Manager on encode/databases), each fixed as a kind and checked on our own fixture code.
 */
import { strict as assert } from 'node:assert';
import { nonSargablePredicate } from '../../../../src/core/rules/nonSargablePredicate';
import { notInSubquery } from '../../../../src/core/rules/notInSubquery';
import { findOrmOffsets } from '../../../../src/core/rules/ormOffset';
import { findFragmentLikes, fragmentLikeAnalyzer } from '../../../../src/core/rules/fragmentLike';
import { selectStar } from '../../../../src/core/rules/selectStar';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import { addOrmNotNull, ormDeclaredNotNull, type DeclaredIndexes } from '../../../../src/core/sql/declaredIndexes';
import { declared } from './helpers';

const MODELS = [
  'from sqlalchemy import Column, BigInteger, Integer, String, ForeignKey, Table',
  'from sqlalchemy.orm import Mapped, mapped_column',
  '',
  'class UserMappingBadge(Base):',
  '    __tablename__ = "user_mapping_badge"',
  '',
  '    user_id = Column(BigInteger, nullable=False, primary_key=True)',
  '    badge_id = Column(Integer, nullable=False, primary_key=True)',
  '    note = Column(String)',
  '    owner_id = Column(',
  '        ForeignKey("users.id", ondelete="CASCADE"),',
  '        nullable=False,',
  '    )',
  '',
  '    def as_dto(self):',
  '        return self.note',
  '',
  'class Vote(Base):',
  "    __tablename__ = 'user_level_vote'",
  '    voter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))',
  '    level_id: Mapped[Optional[int]] = mapped_column()',
  '    comment: Mapped[str | None] = mapped_column(String)',
  '    __table_args__ = (PrimaryKeyConstraint("voter_id", "weight"),)',
  '',
  'project_allowed_users = Table(',
  '    "project_allowed_users",',
  '    Base.metadata,',
  '    Column("project_id", Integer, ForeignKey("projects.id"), nullable=False),',
  '    Column("user_id", BigInteger, ForeignKey("users.id")),',
  ')',
  '',
].join('\n');

const ALEMBIC = [
  'def upgrade():',
  '    op.create_table(',
  '        "mapping_level_badges",',
  '        sa.Column("level_id", sa.Integer(), nullable=False),',
  '        sa.Column("badge_id", sa.Integer(), nullable=True),',
  '        sa.Column("weight", sa.Integer()),',
  '        sa.PrimaryKeyConstraint("level_id", "weight"),',
  '    )',
  '',
].join('\n');

describe('rules-r kinds', () => {
  it('SQLAlchemy models and Alembic migrations declare NOT NULL columns (nullable=False, primary keys, non-Optional Mapped[…])', () => {
    const d: DeclaredIndexes = new Map();
    addOrmNotNull(MODELS, d);
    addOrmNotNull(ALEMBIC, d);
    const yes = (t: string, c: string) => ormDeclaredNotNull(d, t, c);
    assert.deepEqual(
      [yes('user_mapping_badge', 'user_id'), yes('user_mapping_badge', 'badge_id'), yes('user_mapping_badge', 'note'), yes('user_mapping_badge', 'owner_id')],
      [true, true, false, true],
    );
    assert.deepEqual([yes('user_level_vote', 'voter_id'), yes('user_level_vote', 'level_id'), yes('user_level_vote', 'comment'), yes('user_level_vote', 'weight')], [true, false, false, true]);
    assert.deepEqual([yes('project_allowed_users', 'project_id'), yes('project_allowed_users', 'user_id')], [true, false]);
    assert.deepEqual([yes('mapping_level_badges', 'level_id'), yes('mapping_level_badges', 'badge_id'), yes('mapping_level_badges', 'weight')], [true, false, true]);
    // Only what the models say: no table's columns or indexes are made up from them.
    assert.equal(d.tables, undefined);
    assert.equal(d.size, 0);
  });

  it('not-in-subquery: NOT IN over a column the SQLAlchemy model declares NOT NULL, narrowed by a WHERE, is a note (Tasking Manager\'s available badges)', async () => {
    const py = [
      'async def available_badges_for_user(user_id: int, db: Database):',
      '    query = """',
      '        SELECT id, name FROM mapping_badges',
      '        WHERE id NOT IN (SELECT badge_id FROM user_mapping_badge WHERE user_id = :user_id)',
      '    """',
      '    return await db.fetch_all(query, values={"user_id": user_id})',
      '',
      'async def noted(db: Database):',
      '    return await db.fetch_all("SELECT id FROM mapping_badges WHERE id NOT IN (SELECT note FROM user_mapping_badge WHERE user_id = :u)", values={"u": 1})',
      '',
    ].join('\n');
    const run = async (d: DeclaredIndexes | undefined) =>
      (await analyzeFile({ path: 'backend/models/badge.py', text: py }, { analyzers: [rulesAnalyzer({ rules: [notInSubquery], declared: d })] })).findings.map((f) => [f.severity, f.evidence?.notNullFrom ?? null]);
    const d: DeclaredIndexes = new Map();
    addOrmNotNull(MODELS, d);
    // Before: both warned (nothing declared the subquery's column NOT NULL). A nullable column keeps its warning.
    assert.deepEqual(await run(undefined), [
      ['warning', null],
      ['warning', null],
    ]);
    assert.deepEqual(await run(d), [
      ['info', 'ORM models and migrations'],
      ['warning', null],
    ]);
  });

  it('non-sargable-predicate: a wrapped indexed column joined to a series the statement generates is a lookup per value (dashboard counts per hour)', async () => {
    const schema = 'CREATE TABLE transactions (id serial PRIMARY KEY, channel text, createdt timestamp, kind text);\nCREATE INDEX ON transactions\n(createdt);';
    const ts = [
      'export async function perHour(db, channel: string, days: number) {',
      '  return db.query(`with hours as (select generate_series(date_trunc(\'hour\', now()) - interval \'1 day\' * $1, date_trunc(\'hour\', now()), \'1 hour\'::interval) as datetime)',
      '    select hours.datetime, count(createdt) from hours',
      '    left join transactions on date_trunc(\'hour\', transactions.createdt) = hours.datetime and channel = $2',
      '    group by 1 order by 1`, [days, channel]);',
      '}',
      'export async function perDay(db) {',
      '  return db.query(`select d.day, count(t.id) from generate_series(now() - interval \'7 days\', now(), \'1 day\') as d(day) left join transactions t on date_trunc(\'day\', t.createdt) = d.day group by 1`);',
      '}',
      '// Two tables joined: no value drives the join, nothing to report.',
      'export async function joined(db) {',
      '  return db.query(`select t.id from transactions t join batches b on date_trunc(\'day\', t.createdt) = b.day where b.id = $1`, [1]);',
      '}',
      '// A column no index holds hides nothing.',
      'export async function unindexed(db) {',
      '  return db.query(`with hours as (select generate_series(now() - interval \'1 day\', now(), \'1 hour\') as h) select h, count(*) from hours left join transactions on lower(transactions.kind) = hours.h group by 1`);',
      '}',
      '',
    ].join('\n');
    const r = await analyzeFile({ path: 'app/persistence/MetricService.ts', text: ts }, { analyzers: [rulesAnalyzer({ rules: [nonSargablePredicate], declared: declared(schema) })] });
    const lines = r.findings.map((f) => [ts.slice(0, f.span.start).split('\n').length, f.severity, f.evidence?.joinedToSeries ?? null]);
    // Before: none (a join condition was never a lookup by value).
    assert.deepEqual(lines, [
      [4, 'warning', 'hours'],
      [8, 'warning', 'd'],
    ]);
    assert.match(r.findings[0].message, /date_trunc\('hour', transactions\.createdt\) hides transactions\.createdt from its index.*Each value of hours, which the statement generates, looks rows up by it/);
  });

  it('non-sargable-predicate: a test that a value is not empty (`length(col) > 0`, `trim(col) > \'\'`) keeps nearly every row, as `<>` does', async () => {
    const ts = [
      'export async function orgs(db) {',
      "  await db.query(`SELECT count(*) FROM transactions t WHERE t.channel = $1 AND length(t.creator) > 0`, [1]);",
      "  await db.query(`SELECT count(*) FROM transactions t WHERE t.channel = $1 AND trim(t.creator) > ''`, [1]);",
      "  await db.query(`SELECT count(*) FROM transactions t WHERE t.channel = $1 AND 0 < char_length(t.creator)`, [1]);",
      '  // Still a lookup by a value: reported.',
      "  await db.query(`SELECT count(*) FROM transactions t WHERE length(t.creator) = $1`, [1]);",
      "  await db.query(`SELECT count(*) FROM transactions t WHERE length(t.creator) > 40`, [1]);",
      '}',
      '',
    ].join('\n');
    const r = await analyzeFile({ path: 'src/orgs.ts', text: ts }, { analyzers: [rulesAnalyzer({ rules: [nonSargablePredicate] })] });
    // Before: all five warned.
    assert.deepEqual(r.findings.map((f) => ts.slice(0, f.span.start).split('\n').length), [6, 7]);
  });

  it('select-star: a PostGIS shape (`public.geometry(MultiPolygon,4326)` in a pg_dump) is a large value; one row read for one column leaves it unread (Tasking Manager\'s project status)', async () => {
    const schema = [
      'CREATE TABLE public.projects (',
      '    id integer NOT NULL,',
      '    status integer NOT NULL,',
      '    name character varying,',
      '    centroid public.geometry(Point,4326),',
      '    geometry public.geometry(MultiPolygon,4326)',
      ');',
      'CREATE TABLE public.places (id integer NOT NULL, label character varying, at public.geometry(Point,4326));',
    ].join('\n');
    const d = declared(schema);
    assert.deepEqual([...(d.tables?.get('projects')?.columns ?? [])], ['id', 'status', 'name', 'centroid', 'geometry']);
    assert.deepEqual([...(d.tables?.get('projects')?.large ?? [])], ['geometry']);
    const py = [
      'async def similar(db, project_id):',
      '    q = "SELECT * FROM projects WHERE id = :project_id"',
      '    target = await db.fetch_one(query=q, values={"project_id": project_id})',
      '    if not target or target["status"] != 1:',
      '        raise NotFound()',
      '    return target["mapping_types"]',
      '',
      'async def place(db, place_id):',
      '    row = await db.fetch_one("SELECT * FROM places WHERE id = :id", values={"id": place_id})',
      '    return row["label"]',
      '',
    ].join('\n');
    const r = await analyzeFile({ path: 'backend/services/recommendation_service.py', text: py }, { analyzers: [rulesAnalyzer({ rules: [selectStar], declared: d })] });
    // Before: no finding (the geometry columns were not read from the dump, and nothing else left unread is wide).
    assert.deepEqual(r.findings.map((f) => [py.slice(0, f.span.start).split('\n').length, f.severity]), [[2, 'info']]);
    assert.match(r.findings[0].message, /projects\.geometry/);
  });

  it('offset-pagination: a page appended to the SQL whose offset is computed from bound page and size (`OFFSET (($7 - 1) * $8)`)', () => {
    const ts = [
      'async getTxList(page: number, size: number) {',
      "  let sqlTxList = ` select t.txhash from transactions as t where t.channel = $3 `;",
      "  sqlTxList += ' order by t.createdt desc LIMIT $8 OFFSET (($7 - 1) * $8)';",
      "  sqlTxList += ' LIMIT ? OFFSET (? * ?)';",
      '  // A literal offset is no page:',
      "  sqlTxList += ' LIMIT 10 OFFSET (1)';",
      '}',
      '',
    ].join('\n');
    // Before: none (the fragment's OFFSET was read only when a parameter followed it directly).
    assert.deepEqual(findOrmOffsets(ts, 'app/persistence/CRUDService.ts', []).map((h) => [ts.slice(0, h.at).split('\n').length, h.what]), [
      [3, 'OFFSET (($7-1)*$8)'],
      [4, 'OFFSET (?*?)'],
    ]);
  });

  it('leading-wildcard-like: a WHERE fragment with a written leading wildcard, and a pattern bound to a value built with a leading % (notes)', async () => {
    const q3 = '"""';
    const py = [
      'async def get_all_users(query, db):',
      '    filters = []',
      '    params = {}',
      '    if query.username:',
      '        filters.append("username ILIKE :username")',
      '        params["username"] = f"%{query.username}%"',
      '    if query.email:',
      '        filters.append("email ILIKE :email")',
      '        params["email"] = query.email + "%"',
      '    return await db.fetch_all("SELECT id FROM users WHERE " + " AND ".join(filters), params)',
      '',
      'async def filter_users(username, db):',
      `    query = ${q3}`,
      "        SELECT u.username FROM users u WHERE u.username ILIKE :username || '%' LIMIT 20",
      `    ${q3}`,
      '    return await db.fetch_all(query, {"username": username.lower()})',
      '',
      'async def search(text, db):',
      '    pattern = f"%{text}%"',
      '    params = {"text_search": pattern}',
      '    return await db.fetch_all("SELECT id FROM project_info WHERE name ILIKE :text_search", params)',
      '',
      '# A pattern written in a statement PostgreSQL parses whole is the SQL rule\'s to judge:',
      'async def tags(db, q):',
      '    return await db.fetch_all("SELECT id FROM tags WHERE name ILIKE \'%\' || :q || \'%\'", {"q": q})',
      '',
      'async def countries(country, db):',
      '    q = "SELECT id FROM projects WHERE EXISTS (SELECT 1 FROM unnest(country) AS c WHERE c ILIKE :country)"',
      '    return await db.fetch_all(q, {"country": f"%{country}%"})',
      '',
    ].join('\n');
    const java = [
      'class ComponentDao {',
      '    List<Component> search(String name, String group) {',
      '        if (group != null) {',
      `            whereConditions.add("LOWER(\\"C\\".\\"GROUP\\") LIKE ('%' || LOWER(:componentGroup) || '%')");`,
      '        }',
      '        if (purl != null) {',
      `            whereConditions.add("LOWER(\\"C\\".\\"PURL\\") LIKE LOWER(:componentPurl) || '%'");`,
      '        }',
      '        if (displayName != null) {',
      '            paramList.add("%" + displayName + "%");',
      '            extraCriteria += " and c.display_name like ? ";',
      '        }',
      '        return run(whereConditions);',
      '    }',
      '}',
      '',
    ].join('\n');
    const lines = async (path: string, text: string) =>
      (await analyzeFile({ path, text }, { analyzers: [fragmentLikeAnalyzer()] })).findings.map((f) => [text.slice(0, f.span.start).split('\n').length, f.severity, f.evidence?.written]);
    // Before: none of them (no analyzer read fragments or bound values for this rule).
    assert.deepEqual(await lines('backend/models/user.py', py), [
      [5, 'info', 'bound-value'],
      [21, 'info', 'bound-value'],
    ]);
    // The value as written, without the call or dict entry that closes around it.
    const dict = ['async def payments(db, ext):', '    rows = await db.fetch_all(', '        "SELECT id FROM apipayments WHERE extra LIKE :ext",', '        {', '            "ext": f"%{ext}%",', '        },', '    )', ''].join('\n');
    assert.deepEqual(findFragmentLikes(dict, []).map((h) => h.value), ['f"%{ext}%"']);
    assert.deepEqual(findFragmentLikes(java, []).map((h) => h.value ?? null), [null, '"%" + displayName + "%"']);
    assert.deepEqual(await lines('src/main/java/ComponentDao.java', java), [
      [4, 'info', 'appended-fragment'],
      [11, 'info', 'bound-value'],
    ]);
  });
});
