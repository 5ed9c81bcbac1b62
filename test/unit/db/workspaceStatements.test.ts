/**
 * db/indexDecision WorkspaceStatements and the analyzer's sawFile (issue 20, person25 MEDIUM-3): the statements every
 * decision weighs hold the file just analysed, as analysed, so a decision does not depend on which file is the focus —
 * and a file analysed again unchanged merges nothing again (person16 HIGH 1: a scan's cost stays linear).
 */
import * as assert from 'node:assert/strict';
import { foundStatementsOf } from '../../../src/core/advice/workload';
import { extractSqlSites } from '../../../src/core/extract';
import { loadPgParser } from '../../../src/core/sql/statement';
import { WorkspaceStatements } from '../../../src/db/indexDecision';
import { missingIndexAnalyzer } from '../../../src/db/missingIndexAnalyzer';
import type { IndexDecider } from '../../../src/db/indexDecision';

describe('db/indexDecision WorkspaceStatements: every file analysed weighs in every decision (person25 MEDIUM-3)', () => {
  before(() => loadPgParser());

  it('the places that write one statement, white space aside (the cost lens says its figures are shared: person28 M2)', () => {
    const ws = new WorkspaceStatements();
    ws.setFile('/w/src/customers.ts', [{ sql: 'SELECT id\n  FROM orders\n WHERE customer_id = $1', source: 'src/customers.ts:26' }]);
    ws.setFile('/w/other/orders.go', [{ sql: 'SELECT id FROM orders WHERE customer_id = $1', source: 'other/orders.go:6' }, { sql: 'SELECT 1', source: 'other/orders.go:9' }]);
    assert.deepEqual(ws.placesOf('SELECT id FROM orders  WHERE customer_id = $1'), ['src/customers.ts:26', 'other/orders.go:6']);
    assert.deepEqual(ws.placesOf('SELECT 2'), []);
  });

  it('a deleted file\'s statements are gone for a decision under way, unless another file writes them; written again, back (person31 H2)', () => {
    const ws = new WorkspaceStatements();
    const huge = Array.from({ length: 3 }, (_, i) => ({ sql: `SELECT id FROM orders WHERE customer_id = $1 AND total_cents > ${i}`, source: `other/huge.ts:${i + 1}` }));
    ws.setFile('/w/other/huge.ts', huge);
    ws.setFile('/w/src/orders.ts', [{ sql: huge[0].sql, source: 'src/orders.ts:3' }]);
    assert.equal(ws.gone(huge[1].sql), false);
    assert.equal(ws.deleteFile('/w/other/huge.ts'), true);
    assert.equal(ws.gone(huge[1].sql), true);
    assert.equal(ws.gone(huge[2].sql), true);
    assert.equal(ws.gone(huge[0].sql), false, 'src/orders.ts still writes it');
    ws.setFile('/w/other/huge.ts', huge.slice(1, 2));
    assert.equal(ws.gone(huge[1].sql), false);
    assert.equal(ws.gone(huge[2].sql), true);
  });

  it('a file the workspace reading missed is weighed once analysed; the same file again changes nothing; a deleted file is gone', () => {
    const ws = new WorkspaceStatements();
    const top: never[] = []; // pg_stat_statements' (compared by identity)
    ws.setFile('/w/src/orders.ts', [{ sql: "SELECT id FROM orders WHERE status = 'refunded'", source: 'src/orders.ts:3' }]);
    const first = ws.statements(top);
    assert.deepEqual(first.map((s) => s.label.replace(/: .*/, '')), ['src/orders.ts:3']);
    assert.equal(ws.statements(top), first, 'merged once per change');
    const report = [{ sql: "SELECT id, total_cents FROM orders WHERE status = 'refunded' ORDER BY placed_at DESC", source: 'report.py:5' }];
    assert.equal(ws.setFile('/w/report.py', report), true);
    assert.deepEqual(ws.statements(top).map((s) => s.label.replace(/: .*/, '')), ['src/orders.ts:3', 'report.py:5']);
    const again = ws.statements(top);
    assert.equal(ws.setFile('/w/report.py', report.map((x) => ({ ...x }))), false, 'the same statements: no change');
    assert.equal(ws.statements(top), again);
    assert.equal(ws.deleteFile('/w/report.py'), true);
    assert.deepEqual(ws.statements(top).map((s) => s.label.replace(/: .*/, '')), ['src/orders.ts:3']);
  });

  it('foundStatementsOf names a statement by the line its SQL starts on, as the analyzer tells sawFile', async () => {
    const text = "import psycopg\n\ncur.execute(\n    \"SELECT id FROM orders WHERE status = 'refunded'\")\n";
    const sites = await extractSqlSites(text, 'report.py', 'report.py');
    assert.deepEqual(foundStatementsOf(sites, text, 'report.py').map((f) => f.source), ['report.py:4']);
    const told: { file: string; sources: string[] }[] = [];
    // A decider that fails: the analyzer tells the file's statements before it decides, and logs the failure only.
    const decider = { decide: () => Promise.reject(new Error('no database')), advice: new Map(), db: {} } as unknown as IndexDecider;
    const a = missingIndexAnalyzer(decider, { statements: async () => [], sawFile: (file, found) => told.push({ file, sources: found.map((f) => f.source) }), place: (f) => f.replace(/^\/w\//, '') });
    await a.analyze({ file: '/w/report.py', text, language: 'python', sites });
    await a.analyze({ file: '/w/report.py', text, language: 'python', sites, editing: true });
    assert.deepEqual(told, [{ file: '/w/report.py', sources: ['report.py:4'] }], 'told once: not while the person types (editing)');
  });
});
