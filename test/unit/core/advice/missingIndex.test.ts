import { strict as assert } from 'node:assert';
import { missingIndexFinding, type ProvedSuggestion } from '../../../../src/core/advice/missingIndex';

const file = 'const q = sql`SELECT * FROM orders o WHERE o.customer_id = ${id}`;';
const sqlStart = file.indexOf('SELECT');
const sqlText = 'SELECT * FROM orders o WHERE o.customer_id = $1';
// `${id}` (5 characters) became `$1` (2): both map to the start of what they replaced.
const sourceMap = Array.from(sqlText, (_, i) => (i < sqlText.length - 2 ? sqlStart + i : file.indexOf('${id}')));
const site = { sql: sqlText, sourceMap, span: { start: file.indexOf('`'), end: file.lastIndexOf('`') + 1 }, file: 'a.ts' };
const s: ProvedSuggestion = {
  ddl: 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id)', table: 'orders', schema: 'public', columns: ['customer_id'],
  summary: 'Seq Scan on orders (1.2M rows): an index on orders (customer_id) cuts the estimated cost 18,400 → 12', reason: 'equality on customer_id',
  verifiedBy: 'hypopg', costBefore: 18400, costAfter: 12,
};

describe('core/advice/missingIndex', () => {
  it('a proved suggestion: a warning on the table name in the code, with help, fixes and evidence', () => {
    const f = missingIndexFinding(site, { status: 'ok', suggestions: [s] })!;
    assert.equal(f.ruleId, 'missing-index');
    assert.equal(f.severity, 'warning');
    assert.equal(file.slice(f.span.start, f.span.end), 'orders');
    assert.equal(f.message, s.summary);
    assert.equal(f.help, `${s.ddl};`);
    assert.deepEqual(f.fixes.map((x) => x.command?.id), ['pgLens.addIndexMigration', 'pgLens.copyCreateIndex']);
    assert.deepEqual((f.evidence as any).suggestions[0].costAfter, 12);
  });

  it('not verified: information, not a warning', () => {
    assert.equal(missingIndexFinding(site, { status: 'ok', suggestions: [{ ...s, verifiedBy: 'none', costAfter: null }] })!.severity, 'info');
  });

  it('no suggestion, unparsed SQL, missing table or a server error: no finding', () => {
    assert.equal(missingIndexFinding(site, { status: 'ok', suggestions: [] }), undefined);
    for (const status of ['unparsed', 'missing-table', 'error', 'not-analysed'] as const) assert.equal(missingIndexFinding(site, { status, suggestions: [s] }), undefined);
  });

  it('falls back to the whole site when the table is not found in the statement', () => {
    const f = missingIndexFinding(site, { status: 'ok', suggestions: [{ ...s, table: 'customers' }] })!;
    assert.deepEqual(f.span, site.span);
  });
});
