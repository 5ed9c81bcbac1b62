/**
 * Kinds of mistakes seen on issue 14's split rules-m (Marquez on JDBI, Harbor on beego raw SQL, Nominatim on psycopg 3),
 * each fixed as a kind and checked here on a small example of it.
 */
import { strict as assert } from 'node:assert';
import { notInSubquery } from '../../../../src/core/rules/notInSubquery';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import { addDeclaredKeys, addDeclaredTables, type DeclaredIndexes } from '../../../../src/core/sql/declaredIndexes';

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
});
