/**
 * select-star judged by evidence (n14d, the policy in docs/rules/select-star.md): a `SELECT *` is reported only when
 * the code shows it costs something or risks a bug — a subset of the columns used, an existence test, duplicate
 * names from a join, large columns never read, column-order coupling (`INSERT … SELECT *`, a view). A whole row
 * handed on or mapped into the table's model, or a table the schema files do not declare, is not reported.
 */
import * as assert from 'node:assert/strict';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import { selectStar } from '../../../../src/core/rules/selectStar';
import { addDeclaredKeys, addDeclaredTables, type DeclaredIndexes } from '../../../../src/core/sql/declaredIndexes';

const schema = [
  'CREATE TABLE reported_users (id SERIAL PRIMARY KEY, reporter_user_id INT NOT NULL, reported_user_id INT NOT NULL, reason TEXT, created TIMESTAMPTZ);',
  'CREATE TABLE funkwhale_servers (id SERIAL PRIMARY KEY, host_url TEXT NOT NULL, client_id TEXT, client_secret TEXT);',
  'CREATE TABLE zones (name TEXT, abbrev TEXT, utc_offset INTERVAL, is_dst BOOLEAN);',
  'CREATE TABLE subscribers (id SERIAL PRIMARY KEY, email TEXT, status TEXT, created_at TIMESTAMPTZ);',
  'CREATE TABLE subscriber_lists (subscriber_id INT, list_id INT, status TEXT, created_at TIMESTAMPTZ);',
  'CREATE TABLE events (id BIGSERIAL PRIMARY KEY, kind TEXT, payload JSONB NOT NULL);',
  'CREATE TABLE signals (signal_id INT PRIMARY KEY, session_id BIGINT, test_id INT NOT NULL, task_id INT, status TEXT);',
  'CREATE TABLE tasks (task_id INT PRIMARY KEY, test_id INT NOT NULL, title TEXT);',
  'CREATE TABLE steps (task_id INT, test_id INT, step TEXT);',
  'CREATE TABLE registry (class_name TEXT PRIMARY KEY, definition JSONB, is_parse_class BOOLEAN);',
].join('\n');

async function stars(path: string, text: string, withSchema = true): Promise<{ line: number; message: string }[]> {
  const declared: DeclaredIndexes = new Map();
  if (withSchema) addDeclaredTables(schema, declared);
  const r = await analyzeFile({ path, text }, { analyzers: [rulesAnalyzer({ rules: [selectStar], declared })] });
  return r.findings.filter((f) => f.ruleId === 'select-star').map((f) => ({ line: text.slice(0, f.span.start).split('\n').length, message: f.message }));
}

const lines = async (path: string, text: string, withSchema = true) => (await stars(path, text, withSchema)).map((f) => f.line);

describe('select-star judged by evidence (n14d)', () => {
  const py = [
    'import sqlalchemy',
    '',
    'def is_user_reported(db_conn, reporter_id, reported_id):',
    '    result = db_conn.execute(sqlalchemy.text("SELECT * FROM reported_users WHERE reporter_user_id = :a AND reported_user_id = :b"), {"a": reporter_id, "b": reported_id})',
    '    return True if result.fetchone() else False',
    '',
    'def get_server(db_conn, host_url):',
    '    result = db_conn.execute(sqlalchemy.text("SELECT * FROM funkwhale_servers WHERE host_url = :host_url"), {"host_url": host_url})',
    '    row = result.mappings().first()',
    '    return dict(row) if row else None',
    '',
    'def zones(db_conn):',
    '    result = db_conn.execute(sqlalchemy.text("SELECT * FROM zones ORDER BY name"))',
    '    return [(row.name, row.utc_offset) for row in result.fetchall()]',
    '',
    'def events(db_conn, kind):',
    '    return db_conn.execute(sqlalchemy.text("SELECT * FROM events WHERE kind = :kind"), {"kind": kind}).fetchall()',
    '',
    'def server_view(db_conn, host_url):',
    '    result = db_conn.execute(sqlalchemy.text("SELECT * FROM funkwhale_servers WHERE host_url = :host_url"), {"host_url": host_url})',
    '    row = result.first()',
    '    return {"id": row.id, "client_id": row.client_id, "client_secret": row.client_secret}',
    '',
    'def zone_models(db_conn):',
    '    result = db_conn.execute(sqlalchemy.text("SELECT * FROM zones"))',
    '    return [Zone(**row) for row in result.mappings()]',
    '',
    'def start_export(db_conn, export_id):',
    '    result = db_conn.execute(sqlalchemy.text("SELECT * FROM reported_users WHERE id = :id"), {"id": export_id})',
    '    report = result.first()',
    '    return report.reason',
    '',
    'def drop(db_conn, host):',
    '    server = db_conn.execute(sqlalchemy.text("SELECT * FROM funkwhale_servers WHERE host_url = :h"), {"h": host}).first()',
    '    if not server:',
    '        raise ValueError(host)',
    '',
    'def importer(db_conn, host):',
    '    task = db_conn.execute(sqlalchemy.text("SELECT * FROM funkwhale_servers WHERE host_url = :h"), {"h": host}).first()',
    '    client = task["client_id"]',
    '    run(client, task)',
    '',
  ].join('\n');

  it('reports an existence test, a subset read by attribute and large columns never read; not a whole row handed on or splatted into a model, nor every column read but the one the WHERE pins', async () => {
    const found = await stars('app/db/user.py', py);
    assert.deepEqual(found.map((f) => f.line), [4, 13, 34]);
    assert.match(found[0].message, /only tests whether a row came back/);
    assert.match(found[1].message, /reads 2 of its 4 columns \(name, utc_offset\)/);
    assert.match(found[2].message, /only tests whether a row came back/, 'if not server: raise');
    // start_export (line 29) reads report.reason of one row by its primary key: the columns left are integers and a
    // timestamp (rules27: a subset of one narrow row is no finding).
    // Not reported: rows splatted into a model (Zone(**row)), a row read once and handed on whole (run(client, task)),
    // rows returned whole to the caller (events: rulesp26, the caller decides which columns it reads).
  });

  it('without the schema files there is no evidence about the row: not reported', async () => {
    assert.deepEqual(await lines('app/db/user.py', py, false), []);
  });

  it('reports duplicate column names from a join; a qualified star over one table of it is judged on that table', async () => {
    const sql = [
      '-- name: get-one-campaign-subscriber',
      'SELECT * FROM subscribers',
      'LEFT JOIN subscriber_lists ON (subscribers.id = subscriber_lists.subscriber_id)',
      'WHERE subscriber_lists.list_id = $1;',
      '',
      '-- name: get-subscriber',
      'SELECT subscribers.* FROM subscribers LEFT JOIN subscriber_lists ON (subscribers.id = subscriber_lists.subscriber_id) WHERE subscribers.id = $1;',
      '',
    ].join('\n');
    const found = await stars('queries/subscribers.sql', sql);
    assert.deepEqual(found.map((f) => f.line), [2]);
    assert.match(found[0].message, /status, created_at come back twice/);
  });

  it('reports INSERT … SELECT * and a view over SELECT * (column order), with or without the schema', async () => {
    const ts = [
      "import { pool } from './db';",
      'export async function archive(before: Date) {',
      "  await pool.query('INSERT INTO events_archive SELECT * FROM events WHERE created < $1', [before]);",
      "  await pool.query('CREATE OR REPLACE VIEW recent_events AS SELECT * FROM events WHERE kind = 1');",
      "  await pool.query('INSERT INTO events_archive (id, kind, payload) SELECT id, kind, payload FROM events');",
      '}',
      '',
    ].join('\n');
    assert.deepEqual(await lines('src/archive.ts', ts, false), [3, 4]);
    const [insert, view] = await stars('src/archive.ts', ts, false);
    assert.match(insert.message, /matches columns by position/);
    assert.match(view.message, /expanded once, when the view is created/);
  });

  it('rows mapped into the table’s model (a MyBatis resultType entity, a mapper method returning it) are not reported', async () => {
    const xml = [
      '<mapper namespace="org.acme.dao.mapper.EventMapper">',
      '    <select id="queryByKind" resultType="org.acme.dao.entity.Event">',
      '        select * from events where kind = #{kind}',
      '    </select>',
      '    <select id="queryMaps" resultType="java.util.Map">',
      '        select * from events where kind = #{kind}',
      '    </select>',
      '</mapper>',
      '',
    ].join('\n');
    assert.deepEqual(await lines('src/main/resources/org/acme/dao/mapper/EventMapper.xml', xml), [6]);
    const java = [
      'package org.acme.dao.mapper;',
      '',
      'public interface EventMapper extends BaseMapper<Event> {',
      '    @Select("select * from events")',
      '    List<Event> selectAll();',
      '',
      '    @Select("select * from events order by id")',
      '    List<Map<String, Object>> selectRaw();',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(await lines('src/main/java/org/acme/dao/mapper/EventMapper.java', java), [7]);
  });
  it('Go rows scanned whole into structs (beego QueryRows, sqlx Select) are a model; ids or maps are not (rules-m: Harbor)', async () => {
    const go = [
      'package dao',
      '',
      'func (d *dao) ByKind(ctx context.Context, kind string) ([]*Event, error) {',
      '\trecs := make([]*Event, 0)',
      '\tquery := `select * from events where kind = ?`',
      '\t_, err := o.Raw(query, kind).QueryRows(&recs)',
      '\treturn recs, err',
      '}',
      '',
      'func (d *dao) Kinds(ctx context.Context) ([]string, error) {',
      '\tvar kinds []string',
      '\terr := db.Select(&kinds, `select * from events where kind <> \'x\'`)',
      '\tfor _, k := range kinds { fmt.Println(k) }',
      '\treturn kinds, err',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(await lines('pkg/event/dao/dao.go', go), [12]);
  });
  it('JDBI @SqlQuery methods hand their rows whole to a row mapper (or a RowMap out of the DAO); an unqualified star over a join is still judged (rules-m: Marquez)', async () => {
    const java = [
      'package marquez.db;',
      '',
      'public interface EventDao {',
      '  @SqlQuery("SELECT * FROM events WHERE kind = :kind")',
      '  List<EventRow> byKind(String kind);',
      '',
      '  @SqlQuery(',
      '      """',
      '      SELECT * FROM events WHERE id = :id',
      '      """)',
      '  RowMap<String, Object> byId(long id);',
      '',
      '  @SqlQuery("SELECT * from subscribers s inner join subscriber_lists l on l.subscriber_id = s.id where l.list_id = :listId")',
      '  List<RowMap<String, Object>> members(long listId);',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(await lines('api/src/main/java/marquez/db/EventDao.java', java), [13]);
  });

  it('a column a join merges with USING comes back once: only the other shared names are duplicates (rules-p: OpenReplay)', async () => {
    const py = [
      'def get_test_signals(cur, session_id):',
      '    cur.execute("SELECT * FROM signals LEFT JOIN tasks USING (task_id) WHERE session_id = %(s)s ORDER BY signal_id", {"s": session_id})',
      '    rows = cur.fetchall()',
      '    return [(r["title"], r["status"]) for r in rows]',
      '',
      'def get_steps(cur, task_id):',
      '    cur.execute("SELECT * FROM tasks JOIN steps USING (task_id, test_id) WHERE task_id = %(t)s", {"t": task_id})',
      '    return cur.fetchall()',
      '',
    ].join('\n');
    const found = await stars('api/core/user_testing.py', py);
    assert.deepEqual(found.map((f) => f.line), [2], JSON.stringify(found));
    assert.match(found[0].message, /test_id comes back twice/);
    assert.doesNotMatch(found[0].message, /task_id/);
  });

  it('rows that leave the function whole (returned, passed on to a converter) are read by their receiver: a large column this file never names is no evidence (rules-p: OpenReplay integrations)', async () => {
    const py = [
      'def get(cur, project_id):',
      '    cur.execute("SELECT * FROM events WHERE id = %(id)s", {"id": project_id})',
      '    r = cur.fetchone()',
      '    return helper.dict_to_camel_case(helper.flatten_nested_dicts(r))',
      '',
      'def all_events(db_conn, kind):',
      '    return db_conn.execute(sqlalchemy.text("SELECT * FROM events WHERE kind = :kind"), {"kind": kind}).fetchall()',
      '',
      'def kinds(cur):',
      '    cur.execute("SELECT * FROM events ORDER BY id")',
      '    return [row.kind for row in cur.fetchall()]',
      '',
    ].join('\n');
    const found = await stars('api/core/log_tools.py', py);
    assert.deepEqual(found.map((f) => f.line), [10], JSON.stringify(found));
    assert.match(found[0].message, /reads 1 of its 3 columns \(kind\)/);
  });

  it('a table of three columns or fewer, none of them a large value left unread: a subset read saves nothing; an existence test is still reported (rules-j: Parse\'s _SCHEMA)', async () => {
    const js = [
      'async function classes(t) {',
      "  return await t.map('SELECT * FROM registry', null, row =>",
      '    toSchema({ className: row.class_name, ...row.definition })',
      '  );',
      '}',
      'async function known(client, name) {',
      "  const res = await client.query('SELECT * FROM registry WHERE class_name = $1', [name]);",
      '  return res.rows.length > 0;',
      '}',
      '',
    ].join('\n');
    const found = await stars('src/Adapters/Storage/Postgres/Adapter.js', js);
    assert.deepEqual(found.map((f) => f.line), [7], JSON.stringify(found));
    assert.match(found[0].message, /only tests whether a row came back/);
  });

  it('a row taken through a chained accessor (result.mappings().first()) and handed on whole is no subset (rules-c: ListenBrainz import task)', async () => {
    const py = [
      'def import_listens(db_conn, import_id):',
      '    result = db_conn.execute(text("SELECT * FROM events WHERE id = :import_id"), {"import_id": import_id})',
      '    import_task = result.mappings().first()',
      '    if import_task is None:',
      '        return',
      '    import_task = dict(import_task)',
      '    if import_task["kind"] == "x":',
      '        importer.process(import_task)',
      '',
      'def kind_of(db_conn, event_id):',
      '    result = db_conn.execute(text("SELECT * FROM events WHERE id = :event_id"), {"event_id": event_id})',
      '    event = result.mappings().first()',
      '    return event["kind"]',
      '',
    ].join('\n');
    const found = await stars('listenbrainz/background/importer.py', py);
    assert.deepEqual(found.map((f) => f.line), [11], JSON.stringify(found));
  });

  it('Spring Data: a native @Query whose method returns the entity named for the table (TsKvEntity for ts_kv) maps the whole row; an entity of another name (an Info projection) is judged (rules-k: ThingsBoard)', async () => {
    const java = [
      'package org.acme.dao;',
      '',
      'public interface EventRepository extends JpaRepository<EventEntity, Long> {',
      '    @Query(value = "SELECT * FROM events WHERE kind = :kind LIMIT :limit", nativeQuery = true)',
      '    List<EventEntity> findAllWithLimit(@Param("kind") String kind, @Param("limit") int limit);',
      '',
      '    @Query(value = "SELECT * FROM events WHERE id = :id", nativeQuery = true)',
      '    EventInfoEntity findInfo(@Param("id") long id);',
      '}',
      '',
    ].join('\n');
    const found = await stars('dao/src/main/java/org/acme/dao/EventRepository.java', java);
    assert.deepEqual(found.map((f) => f.line), [7], JSON.stringify(found));
  });

  it('a row returned by index (return result[0]) is handed on whole, not tested for existence (rules-p: Open Library stats)', async () => {
    const py = [
      'def get_entry(key):',
      '    result = get_db().query("SELECT * FROM events WHERE kind=$key", vars=locals())',
      '    if result:',
      '        return result[0]',
      '',
      'def add_entry(key):',
      '    result = get_db().query("SELECT * FROM events WHERE kind=$key", vars=locals())',
      '    if result:',
      '        logger.warning("already there")',
      '',
    ].join('\n');
    const found = await stars('openlibrary/core/statsdb.py', py);
    assert.deepEqual(found.map((f) => f.line), [7], JSON.stringify(found));
    assert.match(found[0].message, /only tests whether a row came back/);
  });

  it('one row (LIMIT 1, a unique key, db.one / .first() / fetchone) read for a subset is no finding unless it leaves a wide column (text, json, arrays) unread; many rows read for a subset are (rules27: liberapay one-record reads, listenbrainz export)', async () => {
    const schema27 = [
      'CREATE TABLE paydays (id serial PRIMARY KEY, ts_start timestamptz, ts_end timestamptz, nparticipants bigint, ntips bigint);',
      'CREATE TABLE payin_transfers (id serial PRIMARY KEY, payer bigint, status int, error text, amount numeric, remote_id text);',
      'CREATE TABLE exports (id int PRIMARY KEY, user_id int NOT NULL, status int, progress text, filename text, created timestamptz);',
      'CREATE TABLE accounts (pk bigserial PRIMARY KEY, participant bigint, provider text, token json, verified boolean);',
    ].join('\n');
    const py = [
      'def last_payday(db):',
      '    last = db.one("SELECT * FROM paydays ORDER BY id DESC LIMIT 1")',
      '    return last.ts_start, last.id',
      '',
      'def refund(db, pt_id):',
      '    pt = db.one("SELECT * FROM payin_transfers WHERE id = %s", (pt_id,))',
      '    update(db, pt.id, pt.remote_id, pt.error)',
      '',
      'def recent(db, since):',
      '    done = db.all("SELECT * FROM paydays WHERE ts_start >= %(s)s", dict(s=since))',
      '    return set((p.id, p.ntips) for p in done)',
      '',
      'def export_user(db_conn, export_id):',
      '    result = db_conn.execute(text("SELECT * FROM exports WHERE id = :export_id"), {"export_id": export_id})',
      '    export = result.first()',
      '    return export.id',
      '',
      'def payer_first(cursor, payer):',
      '    cursor.execute("SELECT * FROM payin_transfers WHERE payer = %s", (payer,))',
      '    row = cursor.fetchone()',
      '    return row.id, row.amount, row.remote_id, row.error',
      '',
      'def refund_all(db, pu):',
      '    payments = pu.get("payments", {})',
      '    if not payments:',
      '        pt = db.one("SELECT * FROM payin_transfers WHERE id = %s", (pu,))',
      '        update(db, pt.id, pt.remote_id, pt.error)',
      '',
      'def pay(db, since):',
      '    get_transfers = lambda: db.all("SELECT * FROM paydays ORDER BY id")',
      '    done = db.all("SELECT id FROM paydays WHERE ts_start >= %s", (since,))',
      '    done = set((t.id, t.ntips) for t in done)',
      '    transfer_for_real(get_transfers())',
      '',
      'def account(db, pk):',
      '    a = db.one("SELECT * FROM accounts WHERE pk = %s", (pk,))',
      '    return a.participant, a.provider',
      '',
    ].join('\n');
    const declared: DeclaredIndexes = new Map();
    addDeclaredTables(schema27, declared);
    addDeclaredKeys(schema27, declared);
    const r = await analyzeFile({ path: 'liberapay/billing/payday.py', text: py }, { analyzers: [rulesAnalyzer({ rules: [selectStar], declared })] });
    const found = r.findings.filter((f) => f.ruleId === 'select-star').map((f) => ({ line: py.slice(0, f.span.start).split('\n').length, message: f.message }));
    // Not reported either: line 26 (`if not payments:` above `pt = db.one(` names no row variable: pt.remote_id and pt.error are
    // read), line 30 (rows a lambda returns whole, handed on to transfer_for_real).
    assert.deepEqual(found.map((f) => f.line), [10, 14, 36], JSON.stringify(found));
    assert.match(found[0].message, /reads 2 of its 5 columns/, 'many rows read for two columns');
    assert.match(found[1].message, /of one row \(the unique key id\), leaving exports\.progress, exports\.filename unread/);
    assert.match(found[2].message, /accounts\.token/, 'a json column left unread');
  });

  it('the arguments of the call and of the next statement are no reads of the row: a row only tested against None is an existence test (rules-p: OpenReplay SCIM code)', async () => {
    const py = [
      'def token(cur, code, tenant):',
      '    cur.execute(',
      '        cur.mogrify("SELECT * FROM signals WHERE status = %(status)s AND test_id = %(test_id)s LIMIT 1;", {"status": code, "test_id": tenant["test_id"]})',
      '    )',
      '    row = cur.fetchone()',
      '    if row is None:',
      '        raise HTTPException(status_code=401)',
      '    cur.execute(cur.mogrify("UPDATE signals SET status = \'used\' WHERE status = %(status)s AND session_id = %(s)s", {"status": code, "s": tenant["session_id"]}))',
      '',
    ].join('\n');
    const found = await stars('ee/api/routers/scim/api.py', py);
    assert.deepEqual(found.map((f) => f.line), [3], JSON.stringify(found));
    assert.match(found[0].message, /only tests whether a row came back/);
  });

  it('a view or INSERT … SELECT * over a table named at run time (a spliced identifier) is no column-order finding; over a named table it is (rules-n: CKAN datastore aliases)', async () => {
    const py = [
      'import sqlalchemy as sa',
      '',
      'def create_alias(context, data_dict, aliases):',
      '    for alias in aliases:',
      '        sql_alias_string = u\'\'\'CREATE VIEW "{alias}"',
      '            AS SELECT * FROM "{main}"\'\'\'.format(alias=alias, main=data_dict["resource_id"])',
      '        context["connection"].execute(sa.text(sql_alias_string))',
      '',
      'def recent_view(context, name):',
      '    sql = u\'\'\'CREATE VIEW "{name}" AS SELECT * FROM events\'\'\'.format(name=name)',
      '    context["connection"].execute(sa.text(sql))',
      '',
    ].join('\n');
    const found = await stars('ckanext/datastore/backend/postgres.py', py, false);
    assert.deepEqual(found.map((f) => f.line), [10], JSON.stringify(found));
    assert.match(found[0].message, /expanded once, when the view is created/);
  });

  it('the first row taken where the call ends (db.query(…)[0]) is one row (rules-p: Open Library coverstore thing lookup)', async () => {
    const schema27 = 'CREATE TABLE things (id serial PRIMARY KEY, key text, type int, latest_revision int, created timestamp, last_modified timestamp);';
    const py = [
      'def get(db, key):',
      '    thing = db.query("SELECT * FROM things WHERE key=$key", vars=locals())[0]',
      '    return thing.id, thing.latest_revision',
      '',
      'def all_of(db, key):',
      '    things = db.query("SELECT * FROM things WHERE key=$key", vars=locals())',
      '    return [(thing.id, thing.latest_revision) for thing in things]',
      '',
    ].join('\n');
    const declared: DeclaredIndexes = new Map();
    addDeclaredTables(schema27, declared);
    const r = await analyzeFile({ path: 'openlibrary/coverstore/oldb.py', text: py }, { analyzers: [rulesAnalyzer({ rules: [selectStar], declared })] });
    const found = r.findings.filter((f) => f.ruleId === 'select-star').map((f) => py.slice(0, f.span.start).split('\n').length);
    assert.deepEqual(found, [6]);
  });
});
