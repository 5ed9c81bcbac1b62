/**
 * Kinds of mistakes seen on issue 14's split rules-m (Marquez on JDBI, Harbor on beego raw SQL, Nominatim on psycopg 3),
 * each fixed as a kind and checked here on a small example of it.
 */
import { strict as assert } from 'node:assert';
import { findOrmOffsets } from '../../../../src/core/rules/ormOffset';
import { orAcrossColumns } from '../../../../src/core/rules/orAcrossColumns';
import { notInSubquery } from '../../../../src/core/rules/notInSubquery';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import { addDeclaredIndexes, addDeclaredKeys, addDeclaredTables, addDeclaredViews, declaredLeadingColumn, type DeclaredIndexes } from '../../../../src/core/sql/declaredIndexes';

describe('rules-m kinds', () => {
  it('not-in-subquery: a subquery over a CTE is judged on the column the CTE selects from its table (NOT NULL in the schema files, narrowed by the CTE)', async () => {
    const d: DeclaredIndexes = new Map();
    const schema = 'CREATE TABLE dataset_symlinks (dataset_uuid UUID, name VARCHAR NOT NULL, note VARCHAR, is_primary BOOLEAN DEFAULT FALSE);';
    addDeclaredKeys(schema, d);
    addDeclaredTables(schema, d);
    const q = (col: string, where: string) =>
      `  await db.query(\`WITH names AS (SELECT DISTINCT dataset_uuid, ${col} FROM dataset_symlinks${where}) SELECT d.name FROM datasets d WHERE d.name NOT IN (SELECT ${col.split(' ').pop()} FROM names) ORDER BY d.name\`);`;
    const ts = ['export async function list(db) {', q('name', ' WHERE NOT is_primary'), q('note', ' WHERE NOT is_primary'), q('name', ''), '}', ''].join('\n');
    const r = await analyzeFile({ path: 'src/datasets.ts', text: ts }, { analyzers: [rulesAnalyzer({ rules: [notInSubquery], declared: d })] });
    // NOT NULL and narrowed: a note; a nullable column: the NULL warning; NOT NULL over the whole table: the cost warning.
    assert.deepEqual(r.findings.map((f) => f.severity), ['info', 'warning', 'warning']);
    assert.match(r.findings[1].message, /single NULL/);
    assert.match(r.findings[2].message, /cannot be planned as an anti-join/);
  });
  it('offset-pagination: a pagination helper from another file that appends LIMIT/OFFSET to the SQL it is given is a page at each call (Harbor PaginationOnRawSQL)', () => {
    const go = [
      'func (d *dao) List(ctx context.Context, query *q.Query) ([]*Member, error) {',
      '\tsql := `select a.id, a.entity_name from project_member a where a.project_id = ?`',
      '\tsql += ` order by entity_name `',
      '\tsql, params = orm.PaginationOnRawSQL(query, sql, params)',
      '\t_, err = o.Raw(sql, params).QueryRows(&members)',
      '}',
      'func (m *manager) Export(ctx context.Context, ids string, page int) orm.RawSeter {',
      '\tsql := fmt.Sprintf(ReportQueryTemplate, ids)',
      '\tquery, limits := orm.PaginationOnRawSQL(&q.Query{PageNumber: page, PageSize: 100}, sql, nil)',
      '\treturn ormer.Raw(query, limits)',
      '}',
      '// HTTP pages of a remote registry are no SQL:',
      'func (c *Client) Repos(url string) error {',
      '\terr := c.GetAndIteratePagination(url, &repos)',
      '\treturn err',
      '}',
      '',
    ].join('\n');
    const hits = findOrmOffsets(go, 'pkg/member/dao/dao.go', []).map((h) => go.slice(0, h.at).split('\n').length);
    assert.deepEqual(hits, [4, 9]);
    // The helper's own file: its callers there are judged by the OFFSET it writes.
    const own = 'func applyPagination(sql string, p []any) (string, []any) {\n\treturn sql + ` limit ? offset ?`, p\n}\nfunc list() {\n\tsqlStr := `select id from vulns`\n\tsqlStr, params = applyPagination(sqlStr, params)\n\to.Raw(sqlStr, params)\n}\n';
    assert.deepEqual(findOrmOffsets(own, 'dao.go', []).map((h) => h.what).filter((w) => /appended/.test(w)), []);
  });
  it('or-across-columns: without a database, the schema files say which columns an index leads: an equality on a category is no lookup, and the OR column no index leads is named', async () => {
    const d: DeclaredIndexes = new Map();
    const schema = [
      'CREATE TABLE job_versions_io_mapping (job_version_uuid UUID NOT NULL, io_type VARCHAR(64), job_uuid UUID, job_symlink_target_uuid UUID, is_current_job_version BOOLEAN);',
      'CREATE INDEX io_mapping_job ON job_versions_io_mapping (job_uuid, job_symlink_target_uuid);',
      'CREATE TABLE sessions (token TEXT PRIMARY KEY, user_id INT, kind TEXT, device TEXT);',
      'CREATE INDEX sessions_kind ON sessions (kind);',
      'CREATE TABLE workflows (id INT PRIMARY KEY, name VARCHAR(255), description TEXT, project_code BIGINT, UNIQUE (name, project_code));',
    ].join('\n');
    addDeclaredKeys(schema, d);
    addDeclaredTables(schema, d);
    addDeclaredIndexes(schema, d);
    const ts = [
      'export async function mark(db, jobUuid, ioType, kind) {',
      '  await db.query(`UPDATE job_versions_io_mapping SET is_current_job_version = FALSE WHERE (job_uuid = $1 OR job_symlink_target_uuid = $1) AND io_type = $2 AND is_current_job_version = TRUE`, [jobUuid, ioType]);',
      '  await db.query(`SELECT token FROM sessions WHERE kind = $1 AND (token = $2 OR device = $2)`, [kind, jobUuid]);',
      "  await db.query(`SELECT id FROM workflows WHERE project_code = $1 AND (name LIKE concat('%', $2, '%') OR description LIKE concat('%', $2, '%'))`, [kind, jobUuid]);",
      '}',
      '',
    ].join('\n');
    const run = async (declared?: DeclaredIndexes) => (await analyzeFile({ path: 'src/jobs.ts', text: ts }, { analyzers: [rulesAnalyzer({ rules: [orAcrossColumns], declared })] })).findings;
    const found = await run(d);
    // io_type leads no index: the OR is the lookup, and job_symlink_target_uuid leads none either. kind = $1 leads one: pinned.
    // An OR of substring LIKEs is no lookup any index serves: the unindexed project_code = $1 beside it stays the lookup.
    // (A note since session 25: without a database the table's size is unproved, and the whole-table read matters only on a large one.)
    assert.deepEqual(found.map((f) => [f.severity, ts.slice(0, f.span.start).split('\n').length]), [['info', 2]]);
    assert.match(found[0].message, /job_symlink_target_uuid has no index, so the whole table is read\. How many rows it reads is unproved here/);
    // Without schema files an equality on a parameter still counts as the lookup.
    assert.deepEqual(await run(), []);
  });
  it('a plain view over one table is looked up through the table\'s indexes (rules-m: Marquez jobs_view over jobs)', async () => {
    const d: DeclaredIndexes = new Map();
    const schema = [
      'CREATE TABLE jobs (uuid UUID PRIMARY KEY, name VARCHAR(255) NOT NULL, symlink_target_uuid UUID, parent_job_uuid UUID, notes TEXT);',
      'CREATE INDEX jobs_symlinks ON jobs (symlink_target_uuid);',
      'CREATE OR REPLACE VIEW jobs_view',
      'AS',
      'SELECT j.uuid,',
      '       j.name    AS name,',
      '       p.name::text AS parent_job_name,',
      '       j.symlink_target_uuid, j.notes',
      'FROM jobs j',
      'LEFT JOIN jobs p ON j.parent_job_uuid = p.uuid',
      'WHERE j.symlink_target_uuid IS NULL;',
    ].join('\n');
    for (const add of [addDeclaredIndexes, addDeclaredKeys, addDeclaredTables, addDeclaredViews]) add(schema, d);
    assert.equal(declaredLeadingColumn(d, 'jobs_view', 'symlink_target_uuid'), true);
    assert.equal(declaredLeadingColumn(d, 'jobs_view', 'parent_job_name'), false, 'a computed column of the view is no column of the table');
    const ts = [
      'export async function lineage(db, ids) {',
      '  await db.query(`SELECT j.name FROM jobs_view j WHERE j.uuid = ANY($1) OR j.symlink_target_uuid = ANY($1)`, [ids]);',
      '  await db.query(`SELECT j.name FROM jobs_view j WHERE j.uuid = ANY($1) OR j.notes = $2`, [ids, ids]);',
      '}',
      '',
    ].join('\n');
    const found = (await analyzeFile({ path: 'src/lineage.ts', text: ts }, { analyzers: [rulesAnalyzer({ rules: [orAcrossColumns], declared: d })] })).findings;
    assert.deepEqual(found.map((f) => ts.slice(0, f.span.start).split('\n').length), [3]);
  });
});
