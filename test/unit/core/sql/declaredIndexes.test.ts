import { strict as assert } from 'node:assert';
import { addDeclaredIndexes, isDeclaredIndexExpression, type DeclaredIndexes } from '../../../../src/core/sql/declaredIndexes';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import { configureTreeSitterForCli } from '../../../../src/node/treeSitterDir';

describe('expression indexes declared in the project\'s schema files', () => {
  before(() => configureTreeSitterForCli());

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
    assert.equal(d.has('t'), false);
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
