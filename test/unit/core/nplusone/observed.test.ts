import { strict as assert } from 'node:assert';
import { canonical, diffFigures, isRepeatedSmall, matchStatements, observedFindings, observedReport, type StatementFigures } from '../../../../src/core/nplusone';

const fig = (queryid: string, calls: number, rows: number, query?: string): StatementFigures => ({ queryid, calls, rows, totalExecTimeMs: calls * 0.1, query });

describe('core/nplusone observed', () => {
  it('flags many calls with about one row each, not big or rare statements', () => {
    assert.equal(isRepeatedSmall(fig('1', 200, 200)), true);
    assert.equal(isRepeatedSmall(fig('1', 200, 0)), true, 'lookups that find nothing are still per-item');
    assert.equal(isRepeatedSmall(fig('1', 49, 49)), false);
    assert.equal(isRepeatedSmall(fig('1', 200, 2000)), false);
    assert.equal(isRepeatedSmall(fig('1', 20, 20), { minCalls: 10 }), true);
  });

  it('diffs snapshots, drops statements that did not run, survives a reset in between', () => {
    const before = new Map([['a', fig('a', 10, 10)], ['b', fig('b', 5, 50)], ['c', fig('c', 100, 100)]]);
    const after = new Map([['a', fig('a', 210, 210)], ['b', fig('b', 5, 50)], ['c', fig('c', 7, 7)], ['d', fig('d', 3, 3)]]);
    const d = diffFigures(before, after);
    assert.deepEqual(d.map((x) => [x.queryid, x.calls, x.rows]), [['a', 200, 200], ['c', 7, 7], ['d', 3, 3]]);
  });

  it('matches by query id first, then by normalised text; unmatched statements are reported apart', () => {
    const sites = [
      { file: '/w/a.ts', span: { start: 10, end: 20 }, line: 3, sql: 'SELECT * FROM t WHERE id = $1', queryId: '77' },
      { file: '/w/b.py', span: { start: 0, end: 9 }, line: 0, sql: 'select *\n from u where id = $1' },
    ];
    const stmts = [fig('77', 300, 300, 'SELECT * FROM t WHERE id = $1'), fig('88', 90, 90, 'SELECT * FROM u WHERE id = $1'), fig('99', 500, 480, 'SELECT * FROM v WHERE k = $1')];
    const m = matchStatements(stmts, sites, (s) => s);
    assert.deepEqual(m.map((x) => x.matchedBy), ['query-id', 'text', 'none']);
    const f = observedFindings(m);
    assert.deepEqual(f.map((x) => x.file), ['/w/a.ts', '/w/b.py']);
    assert.match(f[0].message, /ran 300 times while recording with 1\.00 rows per call/);
    const report = observedReport(m, {}, (p) => p.replace('/w/', ''));
    assert.match(report, /^a\.ts:4$/m);
    assert.match(report, /Not matched to code[^\n]*\n {2}500 calls, 0\.96 rows\/call/);
  });

  it('canonical text ignores comments, whitespace, case and a trailing semicolon', () => {
    assert.equal(canonical('/* app */ SELECT  *\nFROM t -- x\n;'), canonical('select * from t'));
  });
});
