/**
 * db/indexDecision WorkspaceStatements and the analyzer's sawFile (issue 20, person25 MEDIUM-3): the statements every
 * decision weighs hold the file just analysed, as analysed, so a decision does not depend on which file is the focus —
 * and a file analysed again unchanged merges nothing again (person16 HIGH 1: a scan's cost stays linear).
 */
import * as assert from 'node:assert/strict';
import { foundStatementsOf, notWorkloadAnswer } from '../../../src/core/advice/workload';
import { extractSqlSites } from '../../../src/core/extract';
import { loadPgParser } from '../../../src/core/sql/statement';
import { WorkspaceStatements } from '../../../src/db/indexDecision';
import { keepDecision, missingIndexAnalyzer, type DecidedAdvice } from '../../../src/db/missingIndexAnalyzer';
import type { IndexSuggestion } from '../../../src/db/advisor';
import type { IndexDecision } from '../../../src/core/advice/workload';
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

  it('the places that write one statement with other constants: pg_stat_statements keeps one entry for them all (person54 M-3)', () => {
    const ws = new WorkspaceStatements();
    const typo = "SELECT id FROM orders WHERE status = 'refundd' ORDER BY placed_at DESC";
    ws.setFile('/w/src/orders.ts', [{ sql: "SELECT id FROM orders\n WHERE status = 'refunded' ORDER BY placed_at DESC", source: 'src/orders.ts:70' }, { sql: 'SELECT id FROM orders WHERE status = $1 ORDER BY placed_at DESC', source: 'src/orders.ts:90' }]);
    ws.setFile('/w/src/typo.ts', [{ sql: typo, source: 'src/typo.ts:4' }]);
    assert.deepEqual(ws.otherConstantsOf(typo), ['src/orders.ts:70'], 'a parameter the code writes is another entry');
    assert.deepEqual(ws.otherConstantsOf('SELECT id FROM orders WHERE status = $1 ORDER BY placed_at DESC'), []);
    assert.deepEqual(ws.otherConstantsOf("SELECT id FROM orders WHERE status = 'x'"), []);
    // Read again after a change.
    ws.setFile('/w/other/report.ts', [{ sql: "SELECT id FROM orders WHERE status = 'paid' ORDER BY placed_at DESC", source: 'other/report.ts:3' }]);
    assert.deepEqual(ws.otherConstantsOf(typo), ['src/orders.ts:70', 'other/report.ts:3']);
    assert.equal(ws.deleteFile('/w/src/orders.ts'), true);
    assert.deepEqual(ws.otherConstantsOf(typo), ['other/report.ts:3']);
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

  it('the files that hold a statement whose advice a decision changed: every file that writes it, open or closed (person36 M2)', () => {
    const ws = new WorkspaceStatements();
    const del = "DELETE FROM reviews WHERE rating = 1 AND created_at < '2024-06-01'";
    ws.setFile('/w/other/adhoc.sql', [{ sql: 'SELECT 1', source: 'other/adhoc.sql:4' }, { sql: del, source: 'other/adhoc.sql:15' }]);
    ws.setFile('/w/src/reviews.ts', [{ sql: 'SELECT 2', source: 'src/reviews.ts:6' }]);
    ws.setFile('/w/other/cleanup.ts', [{ sql: del, source: 'other/cleanup.ts:3' }]);
    assert.deepEqual(ws.filesHolding(new Set([del])), ['/w/other/adhoc.sql', '/w/other/cleanup.ts']);
    assert.deepEqual(ws.filesHolding(new Set(['SELECT 3'])), []);
    assert.deepEqual(ws.filesHolding(new Set()), []);
  });

  it('keepDecision keeps the decided advice of the other files\' statements and names those whose shown index changed (person36 M2)', () => {
    const del = "DELETE FROM reviews WHERE rating = 1 AND created_at < '2024-06-01'";
    const sel = 'SELECT id FROM reviews WHERE rating = $1 ORDER BY created_at DESC LIMIT 20';
    const ix = (cols: string) => ({ ddl: `CREATE INDEX CONCURRENTLY ix ON reviews (${cols})`, verifiedBy: 'hypopg' }) as unknown as IndexSuggestion;
    const own = (s: IndexSuggestion) => ({ status: 'ok', suggestions: [s], considered: 1, tried: [] });
    const decider = { advice: new Map([[del, own(ix('rating, created_at'))], [sel, own(ix('rating, created_at DESC'))]]) } as unknown as IndexDecider;
    const shared = ix('rating, created_at DESC');
    const d = { indexes: [{ ddl: shared.ddl, statements: [{ key: del, label: 'other/adhoc.sql:15' }, { key: sel, label: 'other/inventory.py:21' }] }], byStatement: new Map([[del, { suggestions: [shared], alsoServes: { [shared.ddl]: ['other/inventory.py:21'] }, replaced: [], withheld: [] }], [sel, { suggestions: [shared], alsoServes: { [shared.ddl]: ['other/adhoc.sql:15'] }, replaced: [], withheld: [] }]]) } as unknown as IndexDecision<IndexSuggestion>;
    // As the scan left it: the DELETE's own index.
    const advice = new Map<string, DecidedAdvice>([[del, { status: 'ok', suggestions: [ix('rating, created_at')], alsoServes: {}, considered: 1, tried: [] }]]);
    const changed = keepDecision(decider, advice, d, (sql) => sql === sel);
    assert.deepEqual([...changed], [del]);
    assert.deepEqual(advice.get(del)?.suggestions.map((s) => s.ddl), [shared.ddl]);
    // The statements it shares its index with, by their SQL: a typing run finds a statement edited away among them (person49 L-3).
    assert.deepEqual(advice.get(del)?.sharedWith, [sel]);
    assert.equal(advice.has(sel), false, 'the analysed file\'s own statement is left to its findings');
    assert.deepEqual([...keepDecision(decider, advice, d, (sql) => sql === sel)], [], 'the same decision again: nothing changed');
  });

  it('keepDecision keeps the new figures of the same index (its table grew) and names the statement: a recorded line is shown again with them (person51 M-3: "(32k rows)" beside 37k)', () => {
    const sql = 'SELECT id, total_cents FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC';
    const ix = (rows: string, before: number, after: number) => ({ ddl: 'CREATE INDEX CONCURRENTLY ix ON orders (customer_id, placed_at DESC)', verifiedBy: 'hypopg', summary: `Seq Scan on orders (${rows} rows): an index on orders (customer_id, placed_at DESC) cuts the estimated cost ${before} → ${after}`, costBefore: before, costAfter: after }) as unknown as IndexSuggestion;
    const grown = ix('37k', 1_160, 31.4);
    const decider = { advice: new Map([[sql, { status: 'ok', suggestions: [grown], considered: 1, tried: [] }]]) } as unknown as IndexDecider;
    const d = { indexes: [{ ddl: grown.ddl, statements: [{ key: sql, label: 'src/orm/orders.ts:25' }] }], byStatement: new Map([[sql, { suggestions: [grown], alsoServes: {}, replaced: [], withheld: [] }]]) } as unknown as IndexDecision<IndexSuggestion>;
    const advice = new Map<string, DecidedAdvice>([[sql, { status: 'ok', suggestions: [ix('32k', 1_010, 31.4)], alsoServes: {}, considered: 1, tried: [] }]]);
    assert.deepEqual([...keepDecision(decider, advice, d, () => false)], [sql]);
    assert.match(advice.get(sql)!.suggestions[0].summary, /\(37k rows\).*1160 → 31\.4/);
    assert.deepEqual([...keepDecision(decider, advice, d, () => false)], [], 'the same figures again: nothing changed');
  });

  it('in the editor (workloadOnly) a one-off script\'s statement gets no missing-index finding, even from advice kept for its text; request code does (person36 M2)', async () => {
    const text = "DELETE FROM reviews WHERE rating = 1 AND created_at < '2024-06-01';\n";
    const shared = { ddl: 'CREATE INDEX CONCURRENTLY ix ON reviews (rating, created_at DESC)', name: 'ix', schema: 'public', table: 'reviews', columns: ['rating', 'created_at DESC'], verifiedBy: 'hypopg', summary: 'Seq Scan on reviews: an index cuts the estimated cost 100 → 10', reason: '', costBefore: 100, costAfter: 10 } as unknown as IndexSuggestion;
    const decider = { decide: () => Promise.reject(new Error('no decision expected')), advice: new Map(), db: {} } as unknown as IndexDecider;
    const shown = async (file: string, workloadOnly = true, contextPath?: (f: string) => string) => {
      const sites = await extractSqlSites(text, file, file);
      const advice = new Map<string, DecidedAdvice>(sites.map((s) => [s.sql, { status: 'ok', suggestions: [shared], alsoServes: {}, considered: 1, tried: [] }]));
      const a = missingIndexAnalyzer(decider, { advice, statements: async () => [], workloadOnly });
      return (await a.analyze({ file, ...(contextPath ? { contextPath: contextPath(file) } : {}), text, language: file, sites, editing: true })).map((f) => f.ruleId);
    };
    assert.deepEqual(await shown('other/adhoc.sql'), ['missing-index']);
    assert.deepEqual(await shown('scripts/adhoc.sql'), []);
    assert.deepEqual(await shown('test/reviews.sql'), []);
    // The editor's files are absolute: judged by their path in the workspace (AnalyzerInput.contextPath, as analyzeFile
    // gives it), a clone under ~/tools/ is request code.
    const inWorkspace = (f: string) => f.replace('/home/me/tools/shop/', '');
    assert.deepEqual(await shown('/home/me/tools/shop/other/adhoc.sql', true, inWorkspace), ['missing-index']);
    assert.deepEqual(await shown('/home/me/tools/shop/scripts/adhoc.sql', true, inWorkspace), []);
    // The CLI scan's one decision weighs every statement it scanned: a script's is advised there.
    assert.deepEqual(await shown('scripts/adhoc.sql', false), ['missing-index']);
    assert.match(notWorkloadAnswer('in one-off scripts'), /^No index advice: statements in one-off scripts are not the app's workload/);
  });
});
