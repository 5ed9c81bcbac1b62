import { strict as assert } from 'node:assert';
import { addDeclaredIndexes, addDeclaredTables, declaredNotNull, isDeclaredIndexExpression, type DeclaredIndexes } from '../../../../src/core/sql/declaredIndexes';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';

describe('expression indexes declared in the project\'s schema files', () => {

  it('reads CREATE [UNIQUE] INDEX … ON table (expression), with schemas, quotes, USING, opclasses and casts', () => {
    const d: DeclaredIndexes = new Map();
    addDeclaredIndexes(
      [
        'CREATE UNIQUE INDEX lower_musicbrainz_id_ndx_user ON "user" (lower(musicbrainz_id));',
        'CREATE INDEX IF NOT EXISTS sub_rec ON messybrainz.submissions USING btree (lower(recording) text_pattern_ops, id);',
        'create index concurrently e on accounts ((lower((email)::text)));',
        'CREATE INDEX plain ON t (a, b);',
      ].join('\n'),
      d,
    );
    assert.ok(isDeclaredIndexExpression(d, 'user', 'LOWER(musicbrainz_id)'));
    assert.ok(isDeclaredIndexExpression(d, 'submissions', 'lower(recording)'));
    assert.ok(isDeclaredIndexExpression(d, undefined, 'lower(s.recording)'), 'a qualified column, table unknown');
    assert.ok(isDeclaredIndexExpression(d, 'accounts', 'lower(email)'));
    assert.ok(!isDeclaredIndexExpression(d, 'user', 'upper(musicbrainz_id)'));
    assert.ok(!isDeclaredIndexExpression(d, 't', 'lower(a)'), 'a plain column index is no expression index');
    assert.ok(isDeclaredIndexExpression(d, 't', 'a'), 'its leading plain column');
  });

  it('without a database, non-sargable-predicate is silent on an expression the schema files index', async () => {
    const py = 'from sqlalchemy import text\ndef f(db, mb):\n    return db.execute(text("SELECT id FROM \\"user\\" WHERE LOWER(musicbrainz_id) = LOWER(:mb) AND upper(name) = :n"), {"mb": mb})\n';
    const declared: DeclaredIndexes = new Map();
    addDeclaredIndexes('CREATE UNIQUE INDEX u ON "user" (lower(musicbrainz_id));', declared);
    const rules = async (opts: Parameters<typeof rulesAnalyzer>[0]) => (await analyzeFile({ path: 'a.py', text: py }, { analyzers: [rulesAnalyzer(opts)] })).findings.filter((f) => f.ruleId === 'non-sargable-predicate').map((f) => String(f.evidence?.expression));
    assert.deepEqual(await rules({}), ['LOWER(musicbrainz_id)', 'upper(name)']);
    assert.deepEqual(await rules({ declared }), ['upper(name)']);
  });
});

describe('leading columns of indexes declared in schema files', () => {

  it('without a database, or-across-columns is silent when every OR column leads a declared index', async () => {
    const declared: DeclaredIndexes = new Map();
    addDeclaredIndexes('CREATE INDEX creator_id_playlist ON playlist.playlist (creator_id);\nCREATE INDEX c2 ON playlist.playlist (created_for_id DESC);\nCREATE INDEX t2 ON t (b, a);', declared);
    assert.ok(isDeclaredIndexExpression(declared, 'playlist', 'created_for_id'));
    assert.ok(!isDeclaredIndexExpression(declared, 't', 'a'), 'a second key column does not lead');
    const py = 'from sqlalchemy import text\ndef f(db, u):\n    db.execute(text("DELETE FROM playlist.playlist WHERE creator_id = :u OR created_for_id = :u"), {"u": u})\n    db.execute(text("SELECT id FROM t WHERE a = :u OR b = :u"), {"u": u})\n';
    const ors = async (d?: DeclaredIndexes) => (await analyzeFile({ path: 'a.py', text: py }, { analyzers: [rulesAnalyzer({ declared: d })] })).findings.filter((f) => f.ruleId === 'or-across-columns').length;
    assert.equal(await ors(), 2);
    assert.equal(await ors(declared), 1, 't.a leads no index: still reported');
  });
});

describe('columns ALTER TABLE … ADD COLUMN adds (rules-m: Marquez adds job_symlink_target_uuid in a later migration)', () => {
  it('joins the table the schema files create, in either order; a table only altered is no declared table', () => {
    const d: DeclaredIndexes = new Map();
    addDeclaredTables('ALTER TABLE job_versions_io_mapping ADD COLUMN job_symlink_target_uuid uuid REFERENCES jobs(uuid) ON DELETE CASCADE;\nALTER TABLE ext_only ADD COLUMN note text;', d);
    assert.equal(declaredNotNull(d, 'job_versions_io_mapping', 'job_symlink_target_uuid'), undefined, 'not created yet');
    addDeclaredTables('CREATE TABLE job_versions_io_mapping (job_version_uuid UUID NOT NULL, io_type VARCHAR(64), job_uuid UUID);', d);
    addDeclaredTables('ALTER TABLE job_versions_io_mapping ADD COLUMN IF NOT EXISTS payload jsonb NOT NULL, ADD CONSTRAINT c UNIQUE (job_uuid), ADD is_current BOOLEAN;', d);
    assert.equal(declaredNotNull(d, 'job_versions_io_mapping', 'job_symlink_target_uuid'), false);
    assert.equal(declaredNotNull(d, 'job_versions_io_mapping', 'payload'), true);
    assert.equal(declaredNotNull(d, 'job_versions_io_mapping', 'is_current'), false);
    assert.equal(declaredNotNull(d, 'job_versions_io_mapping', 'c'), undefined, 'a constraint is no column');
    assert.ok(d.tables?.get('job_versions_io_mapping')?.large.has('payload'));
    assert.equal(d.tables?.has('ext_only'), false);
  });
});
