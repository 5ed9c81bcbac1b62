import { strict as assert } from 'node:assert';
import { estimatedRows, expressionIndexKeys, tableFigures, isIndexed, leadsIndex, rowsPhrase, tableLookup, trigramIndexed, type IndexFacts, type TableFacts } from '../../../src/core/catalogFacts';

const ix = (name: string, keys: string[], keyColumns: (string | null)[], extra: Partial<IndexFacts> = {}): IndexFacts =>
  ({ schema: 'public', name, method: 'btree', keys, keyColumns, include: [], opclasses: keys.map(() => ''), valid: true, unique: false, primary: false, ...extra });

function table(indexes: IndexFacts[], extra: Partial<TableFacts> = {}): TableFacts {
  return { schema: 'public', name: 'users', rows: 1000, analysed: true, pages: 10, sizeBytes: 81920, columns: [], stats: {}, indexes, ...extra };
}

describe('core/catalogFacts', () => {
  it("estimatedRows: an analysed table's density (reltuples / relpages) scaled to its current pages, as the planner does", () => {
    assert.equal(estimatedRows({ reltuples: 1000, relpages: 10, pages: 10, typlens: [8] }), 1000);
    assert.equal(estimatedRows({ reltuples: 1000, relpages: 10, pages: 20, typlens: [8] }), 2000);
    assert.equal(estimatedRows({ reltuples: 0, relpages: 0, pages: 0, typlens: [8] }), 0);
  });

  it('estimatedRows: a never-analysed table (reltuples -1) gets the density from its column widths times its current pages; empty is 0', () => {
    // int8 + text: 8 + 32 + 28 bytes of tuple overhead = 68; (8192 - 24) / 68 = 120 rows per page.
    assert.equal(estimatedRows({ reltuples: -1, relpages: 0, pages: 100, typlens: [8, -1] }), 12000);
    assert.equal(estimatedRows({ reltuples: -1, relpages: 0, pages: 0, typlens: [8, -1] }), 0);
    // relpages 0 with reltuples known (analysed while empty, filled since): widths again, not 0 / 0.
    assert.equal(estimatedRows({ reltuples: 0, relpages: 0, pages: 100, typlens: [8, -1] }), 12000);
  });

  it('index helpers read valid indexes only: leading key, any key (not INCLUDE), trigram opclass, expression keys', () => {
    const t = table([
      ix('a', ['id', 'email'], ['id', 'email'], { include: ['name'] }),
      ix('b', ['lower(email)'], [null]),
      ix('c', ['note'], ['note'], { method: 'gin', opclasses: ['gin_trgm_ops'] }),
      ix('d', ['status'], ['status'], { valid: false }),
    ]);
    assert.deepEqual([leadsIndex(t, 'id'), leadsIndex(t, 'email'), isIndexed(t, 'email'), isIndexed(t, 'name'), isIndexed(t, 'status')], [true, false, true, false, false]);
    assert.deepEqual([trigramIndexed(t, 'note'), trigramIndexed(t, 'id')], [true, false]);
    assert.deepEqual(expressionIndexKeys(t), ['lower(email)']);
  });

  it('tableLookup: qualified names exactly, unqualified through the search path, unquoted names folded', () => {
    const a = table([], { schema: 'app', name: 'users' });
    const p = table([], { schema: 'public', name: 'users' });
    assert.equal(tableLookup([p, a], ['app', 'public'])('users'), a);
    assert.equal(tableLookup([p, a], ['app', 'public'])('users', 'public'), p);
    assert.equal(tableLookup([p])('Users'), p);
    assert.equal(tableLookup([p])('orders'), undefined);
  });

  it('rowsPhrase says when the figure is a guess', () => {
    assert.equal(rowsPhrase({ rows: 12000, analysed: true }), 'about 12k rows');
    assert.equal(rowsPhrase({ rows: 12000, analysed: false }), 'about 12k rows, estimated from its size: never analysed');
    assert.equal(rowsPhrase({ rows: 0, analysed: true }), 'no rows by the last ANALYZE');
    assert.equal(rowsPhrase({ rows: 0, analysed: false }), 'no rows by its size: never analysed');
    assert.equal(rowsPhrase({ rows: 1, analysed: true }), 'about 1 row');
  });

  it('tableFigures: rows and pages in 5% steps, and the ANALYZE count — an ANALYZE that moved only the statistics is a change (person45 H1)', () => {
    const t = { rows: 42000, analysed: true, pages: 534, analyses: 3 };
    assert.equal(tableFigures({ ...t, rows: 42100, pages: 535 }), tableFigures(t), 'a few rows and a page more: the same figures');
    assert.notEqual(tableFigures({ ...t, analyses: 4 }), tableFigures(t), 'analysed once more: changed');
    assert.notEqual(tableFigures({ ...t, rows: 50000 }), tableFigures(t), 'a fifth more rows: changed');
    assert.notEqual(tableFigures({ ...t, analysed: false }), tableFigures(t), 'never analysed is not an estimate');
  });
});
