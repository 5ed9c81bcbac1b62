/**
 * Kinds of mistakes of the SQL rules seen when issue 14's rules splits were measured again (session rulesm), fixed as
 * kinds and checked on our own fixture code: a NOT IN (SELECT …) WHERE fragment appended at run time whose subquery
 * drops its NULLs with PostgreSQL's postfix `NOTNULL`, or reads a column the schema files declare NOT NULL, was warned of
 * as the NULL trap (the SQL rule itself knew both).
 */
import { strict as assert } from 'node:assert';
import { analyzeFile } from '../../../../src/core/scan';
import { fragmentNotInAnalyzer } from '../../../../src/core/rules/fragmentNotIn';
import { addDeclaredTables, type DeclaredIndexes } from '../../../../src/core/sql/declaredIndexes';

describe('rulesm kinds: a NOT IN (SELECT …) WHERE fragment', () => {
  // A Go list query whose filters are appended as fragments.
  const lister = (fragment: string) =>
    [
      'package store',
      '',
      'func (s *Store) ListNotes(ctx context.Context, onlyUntagged bool, label string) ([]Note, error) {',
      '\tquery := `SELECT id, title FROM notes WHERE owner_id = $1`',
      '\tif onlyUntagged {',
      `\t\tquery += \` AND id NOT IN (${fragment})\``,
      '\t}',
      '\treturn s.list(ctx, query, label)',
      '}',
      '',
    ].join('\n');
  const severities = async (text: string, declared?: DeclaredIndexes) =>
    (await analyzeFile({ path: 'internal/store/notes.go', text }, { analyzers: [fragmentNotInAnalyzer({ declared })] })).findings.filter((f) => f.ruleId === 'not-in-subquery').map((f) => f.severity);

  it('a subquery that drops its NULLs with `NOTNULL` beside another condition: info, as with IS NOT NULL', async () => {
    // Before the fix: 'warning' (only `IS NOT NULL` was read).
    assert.deepEqual(await severities(lister('SELECT note_id FROM note_labels WHERE note_id NOTNULL AND label = $2')), ['info']);
    assert.deepEqual(await severities(lister('SELECT note_id FROM note_labels WHERE note_id IS NOT NULL AND label = $2')), ['info']);
  });

  it('a column the schema files declare NOT NULL (a primary key): info', async () => {
    const declared: DeclaredIndexes = new Map();
    addDeclaredTables('CREATE TABLE note_labels (note_id int NOT NULL, label_id int NOT NULL, PRIMARY KEY (note_id, label_id));', declared);
    // Before the fix: 'warning' (the fragment scan read no schema).
    assert.deepEqual(await severities(lister('SELECT DISTINCT note_id FROM note_labels'), declared), ['info']);
  });

  it('still a warning: a nullable column, an undeclared one, or a NOTNULL test of another column', async () => {
    const declared: DeclaredIndexes = new Map();
    addDeclaredTables('CREATE TABLE note_labels (note_id int, label_id int NOT NULL);', declared);
    assert.deepEqual(await severities(lister('SELECT DISTINCT note_id FROM note_labels'), declared), ['warning']);
    assert.deepEqual(await severities(lister('SELECT note_id FROM archived_labels')), ['warning']);
    assert.deepEqual(await severities(lister('SELECT note_id FROM note_labels WHERE label_id NOTNULL AND label = $2')), ['warning']);
  });
});
