/**
 * Kinds of false alarms and misses from the blind look at split rules-e (issue 14, ninth session), each on our own
 * fixture code: names spliced into template strings (`FROM ${schema}.job`), computed placeholder numbers
 * (`$${n}`), a list parameter after IN / VALUES, `:name` and `{field}` in a constant handed to a later call,
 * WITH RECURSIVE in the rules' CTE reading, NOT IN over a column the schema files declare NOT NULL, LIKE on
 * PostgreSQL's own catalogs, and where example and upgrade scripts run.
 */
import { strict as assert } from 'node:assert';
import { leadingWildcardLike } from '../../../../src/core/rules/leadingWildcardLike';
import { notInSubquery } from '../../../../src/core/rules/notInSubquery';
import { offsetPagination } from '../../../../src/core/rules/offsetPagination';
import { selectStar } from '../../../../src/core/rules/selectStar';
import { unboundedQuery } from '../../../../src/core/rules/unboundedQuery';
import { updateDeleteWithoutWhere } from '../../../../src/core/rules/updateDeleteWithoutWhere';
import { ctesOf, type Node } from '../../../../src/core/rules/ast';
import { parseSql } from '../../../../src/core/sql/parse';
import { addDeclaredKeys, addDeclaredTables, declaredNotNull, type DeclaredIndexes } from '../../../../src/core/sql/declaredIndexes';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import { codeContextOf } from '../../../../src/core/codeContext';
import { RULES } from '../../../../src/core/rules/index';
import { sitesIn } from '../../support/extractFixtures';
import { check, error, ok } from './helpers';

describe('rules-e kinds: names and lists spliced into SQL text', () => {
  it('a schema or table name spliced into a template string is read as a name; the statement stays whole', async () => {
    const ts = [
      "import pg from 'pg';",
      'export async function recent(db: pg.Pool, schema: string, name: string, tableName: string, state: string, limit: number, offset: number) {',
      '  const s = validateIdentifier(schema);',
      '  await db.query(`SELECT id, name FROM ${s}.job WHERE name = $1 AND state = $2::${s}.job_state ORDER BY created_on DESC LIMIT $3 OFFSET $4`, [table, state, limit, offset]);',
      '  await db.query(`DELETE FROM ${schema}.${name} WHERE id = $1`, [limit]);',
      '  await db.query(`INSERT INTO ${tableName} (a, b) VALUES ($1, $2)`, [1, 2]);',
      '}',
      '',
    ];
    const sites = await sitesIn(ts, 'src/plans.ts');
    assert.deepEqual(sites.map((s) => [s.sql, s.dynamic]), [
      ['SELECT id, name FROM s.job WHERE name = $1 AND state = $2::s.job_state ORDER BY created_on DESC LIMIT $3 OFFSET $4', false],
      ['DELETE FROM schema.name WHERE id = $1', false],
      ['INSERT INTO tableName (a, b) VALUES ($1, $2)', false],
    ]);
    const r = await analyzeFile({ path: 'src/plans.ts', text: ts.join('\n') }, { analyzers: [rulesAnalyzer({ rules: [offsetPagination] })] });
    assert.equal(r.findings.filter((f) => f.ruleId === 'offset-pagination').length, 1, 'the OFFSET of the first statement is judged');
  });

  it('a placeholder whose number is computed (`LIMIT $${i} OFFSET $${i + 1}`) is one bind parameter', async () => {
    const ts = [
      'export async function page(db, where: string, params: unknown[], i: number) {',
      '  return db.query(`SELECT id FROM queue ORDER BY name LIMIT $${i} OFFSET $${i + 1}`, params);',
      '}',
      '',
    ];
    const sites = await sitesIn(ts, 'app/lib/queries.server.ts');
    assert.deepEqual(sites.map((s) => [s.sql, s.dynamic]), [['SELECT id FROM queue ORDER BY name LIMIT $1 OFFSET $2', false]]);
  });

  it('text spliced in as a value, glued to a word or to another piece is any text: the statement is dynamic, whole-statement rules skip it', async () => {
    const ts = [
      'export async function list(db, cols: string, extra: string, suffix: string) {',
      '  await db.query(`SELECT ${cols}${extra} FROM queue`);',
      '  await db.query(`SELECT id FROM queue_${suffix}`);',
      '  await db.query(`SELECT id FROM queue ${extra}`);',
      '  await db.query(`SELECT ${cols} FROM queue`);',
      '}',
      '',
    ];
    const sites = await sitesIn(ts, 'src/list.ts');
    assert.deepEqual(sites.map((s) => [s.sql, s.dynamic]), [
      ['SELECT $1 FROM queue', true],
      ['SELECT id FROM queue_$1', true],
      ['SELECT id FROM queue', true],
      ['SELECT $1 FROM queue', true],
    ]);
    const r = await analyzeFile({ path: 'src/list.ts', text: ts.join('\n') }, { analyzers: [rulesAnalyzer({ rules: [unboundedQuery] })] });
    assert.deepEqual(r.findings.filter((f) => f.ruleId === 'unbounded-query'), [], 'none is judged whole');
  });

  it('a list parameter after IN or VALUES (`IN :principals`, `IN %s`, `VALUES {rows}`) is read as `IN ($n)`', async () => {
    const py = [
      'import sqlalchemy as sa',
      '',
      'def objects_for(conn, principals, rows):',
      '    query = """',
      '    SELECT object_id, permission',
      '      FROM access_control_entries',
      '     WHERE principal IN :principals',
      '    """',
      '    conn.execute(sa.text(query), {"principals": tuple(principals)})',
      '    cur.execute("SELECT id FROM users WHERE id IN %s", (tuple(rows),))',
      '',
    ];
    const sites = await sitesIn(py, 'kinto/core/permission/backend.py');
    assert.deepEqual(sites.map((s) => s.sql.replace(/\s+/g, ' ')), [
      'SELECT object_id, permission FROM access_control_entries WHERE principal IN ($1)',
      'SELECT id FROM users WHERE id IN ($1)',
    ]);
  });

  it('a constant filled in by a later call (`:name` parameters, Python `{field}` format fields) is read, not reported unreadable', async () => {
    const py = [
      'def delete_object(conn, object_id, parent_id, safeholders, placeholders):',
      '    query = """',
      '    UPDATE objects',
      '       SET deleted = TRUE, data = (:deleted_data)::JSONB',
      '     WHERE id = :object_id',
      '       AND parent_id = :parent_id',
      '    RETURNING id;',
      '    """',
      '    conn.execute(sa.text(query), placeholders)',
      '    listing = """',
      '    SELECT id, data',
      '      FROM objects',
      '     WHERE {parent_id_filter}',
      '           {conditions_filter}',
      '     LIMIT :pagination_limit;',
      '    """',
      '    conn.execute(sa.text(listing.format_map(safeholders)), placeholders)',
      '',
    ];
    const sites = await sitesIn(py, 'kinto/core/storage/backend.py');
    assert.deepEqual(sites.map((s) => [s.sql.replace(/\s+/g, ' '), s.dynamic]), [
      ['UPDATE objects SET deleted = TRUE, data = ($1)::JSONB WHERE id = $2 AND parent_id = $3 RETURNING id', false],
      ['SELECT id, data FROM objects WHERE $1 LIMIT $2', true],
    ]);
  });
});

describe('rules-e kinds: statements given to a call PG Lens does not know', () => {
  it('a DO $$ … $$ block, REFRESH MATERIALIZED VIEW and COMMENT ON are statements, not prose (Unleash: db.runSql(`DO $$ … $$`))', async () => {
    const js = [
      "'use strict';",
      'exports.up = function (db, cb) {',
      '  db.runSql(`',
      '    DO $$',
      '    begin',
      "      INSERT INTO role_permission (role_id, permission) SELECT id, 'CREATE_ADDON' FROM roles WHERE name = 'Editor';",
      '    end $$;`, cb);',
      "  db.runSql('REFRESH MATERIALIZED VIEW CONCURRENTLY stats', cb);",
      "  db.runSql(\"COMMENT ON COLUMN users.email IS 'login'\", cb);",
      "  alert('Do this first, then refresh the page');",
      '};',
      '',
    ];
    const sites = await sitesIn(js, 'src/migrations/20210428103924-patch-role_permissions.js');
    assert.deepEqual(sites.map((x) => x.sql.split(/\s+/).slice(0, 2).join(' ')), ['DO $$', 'REFRESH MATERIALIZED', 'COMMENT ON']);
  });
});

describe('rules-e kinds: Java String.format (conductor: SQL composed through the app\'s helper for IN lists)', () => {
  it('String.format(…) and "…".formatted(…) are composed: %s of a constant is its text, of a run-time value a piece spliced in', async () => {
    const java = [
      'class TaskDao {',
      '  static final String COLS = "task_id, json_data";',
      '  List<Task> byIds(Connection c, List<String> ids) {',
      '    final String sql = String.format("SELECT json_data FROM task WHERE task_id IN (%s) AND json_data IS NOT NULL", Query.generateInBindings(ids.size()));',
      '    return query(c, sql, q -> q.addParameters(ids).executeAndFetch(Task.class));',
      '  }',
      '  List<Task> all(Connection c) {',
      '    return query(c, String.format("SELECT %s FROM task WHERE queue = ?", COLS), q -> q.executeAndFetch(Task.class));',
      '  }',
      '  int unpop(Connection c, List<String> ids) {',
      '    return query(c, "UPDATE queue_message SET popped = false WHERE message_id IN (%s)".formatted(bindings(ids)), q -> q.executeUpdate());',
      '  }',
      '}',
      '',
    ];
    const sites = await sitesIn(java, 'dao/TaskDao.java');
    assert.deepEqual(sites.map((x) => [x.sql, x.dynamic]).sort(), [
      ['SELECT json_data FROM task WHERE task_id IN ($1) AND json_data IS NOT NULL', true],
      ['SELECT task_id, json_data FROM task WHERE queue = $1', false],
      ['UPDATE queue_message SET popped = false WHERE message_id IN ($1)', true],
    ]);
  });
});

describe('rules-e kinds: rules', () => {
  it('WITH RECURSIVE binds one query to its name (the rules that read CTEs did not run on it)', () => {
    const sql = 'WITH RECURSIVE related(entity_id) AS (SELECT g.entity_id FROM groups g WHERE g.member = $1 UNION SELECT g.entity_id FROM related r JOIN groups g ON g.member = r.entity_id) SELECT * FROM related';
    const parsed = parseSql(sql);
    assert.ok(parsed.ok);
    assert.deepEqual([...ctesOf(parsed.statements[0] as Node).keys()], ['related']);
    const { findings } = check(selectStar, sql); // throws if the rule fails
    assert.deepEqual(findings, [], 'rows of a CTE are not a table\'s');
    const errors: string[] = [];
    for (const rule of RULES) {
      try {
        check(rule, sql);
      } catch (e) {
        errors.push(`${rule.id}: ${String(e)}`);
      }
    }
    assert.deepEqual(errors, []);
  });

  it('not-in-subquery: a column the schema files declare NOT NULL (a primary key\'s) in a narrowed subquery is a note; over a whole table it stays a warning', async () => {
    const d: DeclaredIndexes = new Map();
    const schema = [
      'CREATE TABLE group_member (',
      '  group_id integer NOT NULL,',
      '  member_id integer NOT NULL,',
      '  note text,',
      '  PRIMARY KEY (group_id, member_id)',
      ');',
      'CREATE TABLE grants (entity_id integer, object_id integer, PRIMARY KEY (entity_id, object_id));',
    ].join('\n');
    addDeclaredKeys(schema, d);
    addDeclaredTables(schema, d);
    assert.equal(declaredNotNull(d, 'group_member', 'member_id'), true);
    assert.equal(declaredNotNull(d, 'grants', 'object_id'), true, 'a primary key column is NOT NULL');
    assert.equal(declaredNotNull(d, 'group_member', 'note'), false);
    assert.equal(declaredNotNull(d, 'other', 'id'), undefined);
    const ts = [
      'export async function candidates(db, groupId: number) {',
      '  await db.query(`SELECT e.id FROM entity e WHERE e.id NOT IN (SELECT m.member_id FROM group_member m WHERE m.group_id = $1)`, [groupId]);',
      '  await db.query(`SELECT e.id FROM entity e WHERE e.id NOT IN (SELECT object_id FROM grants)`);',
      '  await db.query(`SELECT e.id FROM entity e WHERE e.id NOT IN (SELECT m.note FROM group_member m WHERE m.group_id = $1)`, [groupId]);',
      '}',
      '',
    ];
    const r = await analyzeFile({ path: 'src/members.ts', text: ts.join('\n') }, { analyzers: [rulesAnalyzer({ rules: [notInSubquery], declared: d })] });
    assert.deepEqual(r.findings.map((f) => f.severity), ['info', 'warning', 'warning']);
    assert.match(r.findings[1].message, /cannot be planned as an anti-join/);
    assert.match(r.findings[2].message, /single NULL/);
    // Without schema files nothing changes.
    const bare = await analyzeFile({ path: 'src/members.ts', text: ts.join('\n') }, { analyzers: [rulesAnalyzer({ rules: [notInSubquery] })] });
    assert.deepEqual(bare.findings.map((f) => f.severity), ['warning', 'warning', 'warning']);
  });

  it('leading-wildcard-like: PostgreSQL\'s own catalogs have no index of the user\'s to lose', () => {
    ok(leadingWildcardLike, "SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexdef LIKE '%start_after%'");
    ok(leadingWildcardLike, "SELECT table_name FROM information_schema.columns WHERE column_name LIKE '%_id'");
    error(leadingWildcardLike, "SELECT id FROM jobs WHERE name LIKE '%start_after%'");
  });

  it('update-delete-without-where still judges a statement whose table is spliced in', async () => {
    const ts = ['export async function reset(db, tableName: string) {', '  await db.query(`DELETE FROM ${tableName}`);', '}', ''];
    const r = await analyzeFile({ path: 'src/reset.ts', text: ts.join('\n') }, { analyzers: [rulesAnalyzer({ rules: [updateDeleteWithoutWhere] })] });
    assert.equal(r.findings.length, 1);
  });
});

describe('rules-e kinds: where code runs', () => {
  it('a top-level examples/ folder is script code; SQL files of an upgrade folder or named upgrade-… are migrations', () => {
    assert.equal(codeContextOf('examples/index-perf/index.ts'), 'script');
    assert.equal(codeContextOf('src/examples/controller.ts'), 'request', 'an app folder named examples is still the app');
    assert.equal(codeContextOf('extensions/auth-jdbc/schema/upgrade/upgrade-pre-1.0.0.sql'), 'migration');
    assert.equal(codeContextOf('db/upgrade-2.3.sql'), 'migration');
    assert.equal(codeContextOf('app/upgrade/page.tsx'), 'request', 'a plan-upgrade page is request code');
  });
});
