/**
 * Kinds of false alarms and misses from the blind look at split rules-d (issue 14, eighth session), each on our own
 * fixture code: a predicate next to the primary key, OR columns the schema files make unique, SELECT * into a
 * declared model or from the system catalogs, numbered migration functions, an app's own fetch helpers with
 * `:name` parameters.
 */
import { strict as assert } from 'node:assert';
import { nonSargablePredicate } from '../../../../src/core/rules/nonSargablePredicate';
import { selectStar } from '../../../../src/core/rules/selectStar';
import { addDeclaredIndexes, addDeclaredKeys, addDeclaredTables, isDeclaredIndexExpression, type DeclaredIndexes } from '../../../../src/core/sql/declaredIndexes';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import { codeContextOf } from '../../../../src/core/codeContext';
import { sitesIn } from '../../support/extractFixtures';
import { error, ok } from './helpers';

describe('rules-d kinds', () => {
  it('non-sargable-predicate: an expression next to `id = $n` only checks the row the primary key found', () => {
    ok(nonSargablePredicate, "UPDATE console_user SET password = $1 WHERE id = $2 AND date_trunc('second', update_time) <= $3");
    ok(nonSargablePredicate, "UPDATE accounts a SET name = $1 WHERE a.id = $2 AND lower(a.email) = $3");
    // Not pinned: a foreign key is not one row, and an OR is no AND.
    error(nonSargablePredicate, "SELECT id FROM events WHERE user_id = $1 AND date_trunc('day', created_at) = $2");
    error(nonSargablePredicate, "SELECT id FROM users WHERE id = $1 OR lower(email) = $2");
  });

  it('non-sargable-predicate: PostgreSQL\'s own views and catalogs have no index of the user\'s to lose (held-out-k: pg_stat_activity)', () => {
    ok(nonSargablePredicate, "SELECT pid FROM pg_stat_activity WHERE state = 'active' AND now() - query_start > interval '5 minutes'");
    ok(nonSargablePredicate, 'SELECT relname FROM pg_catalog.pg_class WHERE lower(relname) = $1');
    ok(nonSargablePredicate, 'SELECT table_name FROM information_schema.tables WHERE lower(table_name) = $1');
    // An application table whose name merely starts like one is still judged when qualified by its own schema.
    error(nonSargablePredicate, 'SELECT id FROM app.pg_jobs WHERE lower(name) = $1');
  });

  it('the schema files\' UNIQUE and PRIMARY KEY constraints lead an index: or-across-columns is silent when every OR column has one', async () => {
    const d: DeclaredIndexes = new Map();
    addDeclaredKeys(
      [
        'CREATE TABLE IF NOT EXISTS users (',
        '    PRIMARY KEY (id),',
        '    id UUID NOT NULL,',
        '    username VARCHAR(128) NOT NULL CONSTRAINT users_username_key UNIQUE,',
        '    email VARCHAR(255) UNIQUE, -- may be null',
        '    steam_id VARCHAR(128),',
        '    FOREIGN KEY (team_id) REFERENCES teams (id)',
        ');',
        'CREATE TABLE group_edge (source_id UUID NOT NULL, destination_id UUID NOT NULL, PRIMARY KEY (source_id, destination_id));',
        'ALTER TABLE users ADD COLUMN apple_id VARCHAR(128) UNIQUE;',
        'ALTER TABLE ONLY users ADD CONSTRAINT users_steam UNIQUE (steam_id);',
      ].join('\n'),
      d,
    );
    for (const c of ['id', 'username', 'email', 'apple_id', 'steam_id']) assert.ok(isDeclaredIndexExpression(d, 'users', c), c);
    assert.ok(!isDeclaredIndexExpression(d, 'users', 'team_id'), 'a foreign key makes no index');
    assert.ok(isDeclaredIndexExpression(d, 'group_edge', 'source_id'));
    assert.ok(!isDeclaredIndexExpression(d, 'group_edge', 'destination_id'), 'second column of the key');
    const go = [
      'package server',
      '',
      'func find(ctx context.Context, db *sql.DB, v string) {',
      '\tdb.QueryRowContext(ctx, "SELECT id FROM users WHERE username = $1 OR email = $1 OR apple_id = $1", v)',
      '\tdb.ExecContext(ctx, "DELETE FROM group_edge WHERE source_id = $1 OR destination_id = $1", v)',
      '}',
      '',
    ];
    const r = await analyzeFile({ path: 'server/core.go', text: go.join('\n') }, { analyzers: [rulesAnalyzer({ declared: d })] });
    assert.deepEqual(r.findings.filter((f) => f.ruleId === 'or-across-columns').map((f) => f.evidence?.columns), [['source_id', 'destination_id']]);
  });

  it('select-star: rows given to a declared model (model=X, or a class after the SQL) and the system catalogs are not reported', async () => {
    const py = [
      'from lnbits.db import Connection',
      '',
      'async def get_wallet(db, wallet_id):',
      '    return await db.fetchone("SELECT * FROM wallets WHERE id = :id", {"id": wallet_id}, Wallet)',
      '',
      'async def get_assets(db, user_id, filters):',
      '    return await db.fetch_page(query="SELECT * FROM assets", where=["user_id = :user_id"], values={"user_id": user_id}, filters=filters, model=AssetInfo)',
      '',
      'async def raw_rows(db, user_id):',
      '    rows = await db.fetchall("SELECT * FROM payments WHERE wallet_id = :w", {"w": user_id})',
      '    return [row.id for row in rows]',
      '',
      'async def exists(db):',
      '    return await db.fetchone("SELECT * FROM information_schema.tables WHERE table_name = \'dbversions\'")',
      '',
    ];
    const sites = await sitesIn(py, 'lnbits/core/crud/wallets.py');
    assert.deepEqual(sites.map((s) => [s.api, s.sql, s.rowModel]), [
      ['wrapper.fetchone', 'SELECT * FROM wallets WHERE id = $1', 'Wallet'],
      ['wrapper.fetch_page', 'SELECT * FROM assets', 'AssetInfo'],
      ['wrapper.fetchall', 'SELECT * FROM payments WHERE wallet_id = $1', undefined],
      ['wrapper.fetchone', "SELECT * FROM information_schema.tables WHERE table_name = 'dbversions'", undefined],
    ]);
    // Every table has a large column the file never reads: only the rows given to no model are reported (and read
    // here: rows returned whole are the caller's to read, rulesp26).
    const declared: DeclaredIndexes = new Map();
    addDeclaredTables('CREATE TABLE wallets (id text, extra jsonb);\nCREATE TABLE assets (id text, data bytea);\nCREATE TABLE payments (id text, wallet_id text, extra jsonb);', declared);
    const r = await analyzeFile({ path: 'lnbits/core/crud/wallets.py', text: py.join('\n') }, { analyzers: [rulesAnalyzer({ rules: [selectStar], declared })] });
    assert.deepEqual(r.findings.filter((f) => f.ruleId === 'select-star').map((f) => r.sites.find((s) => s.span.start <= f.span.start && f.span.end <= s.span.end)?.sql), ['SELECT * FROM payments WHERE wallet_id = $1']);
    error(selectStar, 'SELECT * FROM pg_timezone_names ORDER BY name');
    ok(selectStar, "SELECT * FROM sqlite_master WHERE type = 'table'");
  });

  it('a module of numbered migration functions (`async def m001_initial(db)`) is migration code, whatever its name', () => {
    const text = 'from lnbits.db import Connection\n\n\nasync def m000_create_migrations_table(db: Connection):\n    await db.execute("CREATE TABLE dbversions (db TEXT PRIMARY KEY)")\n';
    assert.equal(codeContextOf('lnbits/core/migrations.py', text), 'migration');
    assert.equal(codeContextOf('lnbits/core/services/payments.py', 'async def pay(db):\n    pass\n'), 'request');
  });
});

describe('rules-d kinds: select-star judged on the schema files\' tables', () => {
  const schema = [
    'CREATE TABLE IF NOT EXISTS system_settings (id TEXT NOT NULL, value TEXT, tag TEXT NOT NULL DEFAULT \'core\', UNIQUE (id, tag));',
    'CREATE TABLE file_metadata (',
    '    file_id VARCHAR(255) NOT NULL PRIMARY KEY, file_name VARCHAR(1024) NOT NULL, content_type VARCHAR(255) NOT NULL,',
    '    storage_content_hash VARCHAR(255), storage_content_size BIGINT, storage_type VARCHAR(50) NOT NULL,',
    '    storage_path VARCHAR(2048) NOT NULL, upload_status VARCHAR(50) NOT NULL, workflow_id VARCHAR(255) NOT NULL,',
    '    task_id VARCHAR(255), created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL',
    ');',
    'CREATE TABLE events (id BIGSERIAL PRIMARY KEY, payload JSONB NOT NULL, CONSTRAINT c CHECK (id > 0));',
  ].join('\n');

  it('reads the columns and large values of CREATE TABLE', () => {
    const d: DeclaredIndexes = new Map();
    addDeclaredTables(schema, d);
    assert.deepEqual([...(d.tables?.get('system_settings')?.columns ?? [])], ['id', 'value', 'tag']);
    assert.equal(d.tables?.get('file_metadata')?.columns.size, 12);
    assert.deepEqual([...(d.tables?.get('events')?.large ?? [])], ['payload']);
  });

  it('is silent on a table the file reads column by column; reports the others (narrow or wide)', async () => {
    const d: DeclaredIndexes = new Map();
    addDeclaredTables(schema, d);
    const readAll = ['file_id', 'file_name', 'content_type', 'storage_content_hash', 'storage_content_size', 'storage_type', 'storage_path', 'upload_status', 'workflow_id', 'task_id', 'created_at', 'updated_at'];
    const java = (cols: string[]) => [
      'class FileDao {',
      '  static final String BY_ID = "SELECT * FROM file_metadata WHERE file_id = ?";',
      '  static final String SETTINGS = "SELECT * FROM system_settings WHERE tag = ?";',
      '  static final String EVENTS = "SELECT * FROM events WHERE id = ?";',
      '  void use() { jdbcTemplate.query(BY_ID, this::map); jdbcTemplate.query(SETTINGS, this::map); jdbcTemplate.query(EVENTS, this::map); }',
      '  FileMetadata map(ResultSet rs, int n) {',
      ...cols.map((c) => `    m.set(rs.getString("${c}"));`),
      '  }',
      '}',
    ].join('\n');
    const stars = async (text: string, declared?: DeclaredIndexes) => (await analyzeFile({ path: 'dao/FileDao.java', text }, { analyzers: [rulesAnalyzer({ rules: [selectStar], declared })] })).findings.map((f) => String(f.evidence?.tables ?? ''));
    assert.deepEqual(await stars(java(readAll)), [], 'no schema: no evidence (n14d policy)');
    // system_settings: three narrow columns, none read here (the row is handed on): no evidence either way.
    assert.deepEqual(await stars(java(readAll), d), ['events'], 'events.payload (jsonb) is never read');
    assert.deepEqual(await stars(java(readAll.slice(0, 5)), d), ['file_metadata', 'events'], 'the mapper reads 5 of 12 columns');
    const named = java([]).replace('void use()', `void save() { params.put(${readAll.map((c) => `"${c}"`).join(', ')}); }\n  void use()`);
    assert.deepEqual(await stars(named, d), ['events'], 'column names as parameter keys are not reads (nor evidence of a subset)');
  });
});

describe('rules-d kinds: non-sargable-predicate next to a column the schema declares unique', () => {
  it('is silent when the same WHERE pins a declared single-column key (`secret = ? AND expires_at::date > ?`); a composite key pins nothing alone', async () => {
    const d: DeclaredIndexes = new Map();
    addDeclaredKeys('create table public_signup_tokens (secret text primary key, name text, expires_at timestamptz);\nCREATE TABLE used_passwords (user_id int, password_hash text, used_at timestamptz, PRIMARY KEY (user_id, password_hash));', d);
    const js = [
      "const TABLE = 'public_signup_tokens';",
      'export const isValid = (db, s) => db.raw(`SELECT EXISTS (SELECT 1 FROM ${TABLE} WHERE secret = ? AND expires_at::date > ? AND enabled = true) AS valid`, [s, new Date()]);',
      'export const recent = (db, u) => db.raw(`SELECT 1 FROM used_passwords WHERE user_id = ? AND used_at::date = ?`, [u, new Date()]);',
      '',
    ].join('\n');
    const cols = async (declared?: DeclaredIndexes) => (await analyzeFile({ path: 'src/lib/db/store.ts', text: js }, { analyzers: [rulesAnalyzer({ rules: [nonSargablePredicate], declared })] })).findings.map((f) => String(f.evidence?.column));
    assert.deepEqual(await cols(), ['expires_at', 'used_at']);
    assert.deepEqual(await cols(d), ['used_at']);
  });

  it('a cast on a column the schema indexes plainly (a PRIMARY KEY leading with it) is still reported: `inserted_at::date = …` cannot use that index', async () => {
    // held-out-k, hatchet: `WHERE inserted_at::DATE = (NOW() - INTERVAL '1 day')::DATE` went silent once PRIMARY KEY
    // (inserted_at, id) counted as an index: casts are dropped when index text is compared, so the cast read as the column.
    const d: DeclaredIndexes = new Map();
    addDeclaredKeys('CREATE TABLE runs (id bigint NOT NULL, inserted_at timestamptz NOT NULL, status text, PRIMARY KEY (inserted_at, id)) PARTITION BY RANGE (inserted_at);', d);
    const sql = "-- name: ListYesterday :many\nSELECT status, count(*) FROM runs WHERE inserted_at::date = (now() - interval '1 day')::date GROUP BY status;\n";
    const found = (await analyzeFile({ path: 'queries/olap.sql', text: sql }, { analyzers: [rulesAnalyzer({ rules: [nonSargablePredicate], declared: d })] })).findings;
    assert.deepEqual(found.map((f) => String(f.evidence?.column)), ['inserted_at']);
    // An expression index the schema creates still serves its expression.
    addDeclaredIndexes('CREATE INDEX runs_lower ON runs (lower(status));', d);
    assert.ok(isDeclaredIndexExpression(d, 'runs', 'lower(status)', { wrapped: true }));
  });
});
