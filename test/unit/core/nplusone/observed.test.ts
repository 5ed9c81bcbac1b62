import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sitesIn } from '../../support/extractFixtures';
import { attachRecorded, canonical, detectNPlusOne, diffFigures, findSqlCalls, isRepeatedSmall, matchStatements, observedFindings, observedFindingsByFile, observedNPlusOnes, observedReport, siteRefsOf, type StatementFigures } from '../../../../src/core/nplusone';
import { fingerprintSql, loadPgParser } from '../../../../src/core/sql/statement';
import { OwnRuns, windowAppFigures } from '../../../../src/core/cost';

const fig = (queryid: string, calls: number, rows: number, query?: string): StatementFigures => ({ queryid, calls, rows, totalExecTimeMs: calls * 0.1, query });

describe('core/nplusone observed', () => {
  it('flags many calls with about one row each, not big or rare statements', () => {
    assert.equal(isRepeatedSmall(fig('1', 200, 200)), true);
    assert.equal(isRepeatedSmall(fig('1', 200, 0)), true, 'lookups that find nothing are still per-item');
    assert.equal(isRepeatedSmall(fig('1', 49, 49)), false);
    assert.equal(isRepeatedSmall(fig('1', 200, 2000)), false);
    assert.equal(isRepeatedSmall(fig('1', 20, 20), { minCalls: 10 }), true);
  });

  it('a connection ping as pg_stat_statements stores it (SELECT 1 → SELECT $1: Django\'s health check, a pool\'s validation query) is never a repeated statement (person17)', () => {
    assert.equal(isRepeatedSmall(fig('1', 5000, 5000, 'SELECT $1')), false);
    assert.equal(isRepeatedSmall(fig('1', 5000, 5000, 'select 1')), false);
    assert.equal(isRepeatedSmall(fig('1', 5000, 5000, 'SELECT $1 FROM orders WHERE id = $2')), true);
    assert.equal(isRepeatedSmall(fig('1', 5000, 5000, 'SELECT $1::int * $2')), true);
  });

  it('diffs snapshots, drops statements that did not run, survives a reset in between', () => {
    const before = new Map([['a', fig('a', 10, 10)], ['b', fig('b', 5, 50)], ['c', fig('c', 100, 100)]]);
    const after = new Map([['a', fig('a', 210, 210)], ['b', fig('b', 5, 50)], ['c', fig('c', 7, 7)], ['d', fig('d', 3, 3)]]);
    const d = diffFigures(before, after);
    assert.deepEqual(d.map((x) => [x.queryid, x.calls, x.rows]), [['a', 200, 200], ['c', 7, 7], ['d', 3, 3]]);
  });

  it('matches by query id first, then by normalised text; unmatched statements are reported apart', () => {
    const sites = [
      { file: '/w/a.ts', span: { start: 10, end: 20 }, line: 3, sql: 'SELECT * FROM t WHERE id = $1', queryId: '77', inLoop: true },
      { file: '/w/b.py', span: { start: 0, end: 9 }, line: 0, sql: 'select *\n from u where id = $1', inLoop: true },
    ];
    const stmts = [fig('77', 300, 300, 'SELECT * FROM t WHERE id = $1'), fig('88', 90, 90, 'SELECT * FROM u WHERE id = $1'), fig('99', 500, 480, 'SELECT * FROM v WHERE k = $1')];
    const m = matchStatements(stmts, sites, (s) => s);
    assert.deepEqual(m.map((x) => x.matchedBy), ['query-id', 'text', 'none']);
    const f = observedFindings(m);
    assert.deepEqual(f.map((x) => x.file), ['/w/a.ts', '/w/b.py']);
    assert.match(f[0].message, /ran 300 times while recording with 1\.00 rows per call .*once per item of a loop/);
    const report = observedReport(m, {}, (p) => p.replace('/w/', ''));
    assert.match(report, /^a\.ts:4$/m);
    assert.match(report, /Not matched to code[^\n]*\n {2}500 calls, 0\.96 rows\/call/);
  });

  it('a repeated one-row statement the code does not send in a loop is no N+1 (per-request lookups under traffic look the same), and each line is reported once', () => {
    const sites = [
      // a per-request lookup: SQL discovery and the detector both know the call, at two columns of one line
      { file: '/w/customers.ts', span: { start: 20, end: 60 }, line: 12, sql: 'SELECT * FROM customers WHERE id = $1', inLoop: false },
      { file: '/w/customers.ts', span: { start: 45, end: 60 }, line: 12, sql: 'SELECT * FROM customers WHERE id = $1', inLoop: false },
      // the same statement sent from a loop elsewhere, twice on one line too
      { file: '/w/orders.ts', span: { start: 300, end: 340 }, line: 30, sql: 'SELECT * FROM reviews WHERE product_id = $1', inLoop: true },
      { file: '/w/orders.ts', span: { start: 310, end: 340 }, line: 30, sql: 'SELECT * FROM reviews WHERE product_id = $1', inLoop: true },
    ];
    const stmts = [fig('1', 75, 75, 'SELECT * FROM customers WHERE id = $1'), fig('2', 400, 380, 'SELECT * FROM reviews WHERE product_id = $1')];
    const m = matchStatements(stmts, sites, (s) => s);
    const f = observedFindings(m);
    assert.deepEqual(f.map((x) => `${x.file}:${x.span.start}`), ['/w/orders.ts:300'], 'one finding, at the loop, none at the per-request lookup');
    const report = observedReport(m, {}, (p) => p.replace('/w/', ''));
    assert.match(report, /Observed N\+1 \(the code sends it once per item of a loop\): 1\n\norders\.ts:31\n {2}400 calls/);
    assert.match(report, /Repeated, from code not itself in a loop: 1\. pg_stat_statements cannot tell whether a caller runs these once per item[^\n]*\n\ncustomers\.ts:13\n {2}75 calls/);
    assert.equal(report.match(/^customers\.ts:13$/gm)?.length, 1, 'the line once, though two sites know it');
    assert.equal(report.match(/^orders\.ts:31$/gm)?.length, 1);
  });

  it("PG Lens's own Benchmark runs in a recording's window are not the app's calls, measured or not: a 100-run Benchmark makes no observed N+1, and the figures say what was left out (issue 20)", async () => {
    await loadPgParser();
    const sql = 'SELECT * FROM reviews WHERE product_id = $1';
    const site = { file: '/w/orders.ts', span: { start: 300, end: 340 }, line: 30, sql, inLoop: true };
    const own = new OwnRuns();
    // Recording from 1,000 to 10,000 ms. A Benchmark of 100 runs at 3,000–5,000 ms while the app ran the statement too: the
    // entry grew by more than the runs, so their time on the server was not measured (db/benchmark: no serverMs).
    own.record(sql, { calls: 100, rows: 100, totalMs: 120, startMs: 3_000, endMs: 5_000 }, '7');
    // The app's 10 calls and the runs: 110 calls, one row each, in the window.
    const window = [{ queryid: '7', query: sql, calls: 110, rows: 110, totalExecTimeMs: 11 }];
    const app = windowAppFigures(window, own, 1_000, 10_000);
    assert.deepEqual(app.map((s) => [s.calls, s.rows]), [[10, 10]], "the app's 10 calls, not the Benchmark's 100");
    assert.deepEqual(app[0].own, { leftOut: 100, timeIncluded: 100 });
    const m = matchStatements(app, [site], (s) => s);
    assert.equal(observedNPlusOnes(m).length, 0, '10 calls: no observed N+1 (110 with the runs made one)');
    assert.deepEqual(observedFindings(m), []);
    // The same with the app's 60 calls: an N+1 of 60 calls, the runs left out and said so, on the line and in the report.
    const busy = windowAppFigures([{ ...window[0], calls: 160, rows: 160 }], own, 1_000, 10_000);
    const mb = matchStatements(busy, [site], (s) => s);
    assert.match(observedFindings(mb)[0].message, /ran 60 times while recording .*100 runs of PG Lens's own Benchmark left out \(the time of 100 of them, not measured on the server, still in the total\)/);
    assert.match(observedReport(mb), /60 calls, 1\.00 rows\/call, .*100 runs of PG Lens's own Benchmark left out/);
    // Runs outside the window are not taken out of it.
    assert.deepEqual(windowAppFigures(window, own, 6_000, 10_000).map((s) => [s.calls, s.own]), [[110, undefined]]);
    // A Benchmark still under way when the recording ended: how many of its runs are in the window is not known. Its calls
    // are not counted towards an N+1 (up to 100 of the 110 may be its), and the figures say so.
    const late = new OwnRuns();
    late.record(sql, { calls: 100, rows: 100, totalMs: 120, startMs: 9_000, endMs: 12_000 }, '7');
    const under = windowAppFigures(window, late, 1_000, 10_000);
    assert.deepEqual(under.map((s) => [s.calls, s.own]), [[110, { upTo: 100 }]]);
    const mu = matchStatements(under, [site], (s) => s);
    assert.equal(isRepeatedSmall(under[0]), false, 'only 10 calls are surely the app\'s');
    assert.equal(observedNPlusOnes(mu).length, 0);
    // With the app's 60 calls beside them it is an N+1 of the app's, and the report says the figure may hold the runs.
    const mixed = windowAppFigures([{ ...window[0], calls: 160, rows: 160 }], late, 1_000, 10_000);
    assert.equal(observedNPlusOnes(matchStatements(mixed, [site], (s) => s)).length, 1);
    assert.match(observedReport(matchStatements(mixed, [site], (s) => s)), /160 calls, .*up to 100 of them PG Lens's own Benchmark runs \(under way when the window ended/);
  });

  it("statements the capture recorded are the recording's: at its call site with its own calls, never \"not matched\", no second finding (person10 N9)", async () => {
    await loadPgParser();
    // pg_stat_statements over 101 s: 350 calls of each, 50 from the recorded app, the rest from another process.
    const stmts = [
      fig('1', 350, 340, 'select "tag_value", "tag_type" from "feature_tag" where "feature_name" = $1'),
      fig('2', 350, 350, 'SELECT EXISTS (SELECT $2 FROM features WHERE name = $1)'),
      fig('3', 90, 90, 'SELECT * FROM v WHERE k = $1'),
    ];
    // A raw-SQL site of the workspace in a loop for statement 2 (the static detector's), none for the knex chain.
    const sites = [{ file: '/w/src/feature-tag-store.ts', span: { start: 900, end: 960 }, line: 132, sql: 'SELECT EXISTS (SELECT 1 FROM features WHERE name = $1)', inLoop: true }];
    const m = matchStatements(stmts, sites, (s) => s);
    // What the capture saw: the text as knex sent it (a literal where pg_stat_statements shows $2).
    const recorded = [
      { file: '/w/src/feature-tag-store.ts', line: 104, calls: 50, sql: 'select "tag_value", "tag_type" from "feature_tag" where "feature_name" = $1' },
      { file: '/w/src/feature-tag-store.ts', line: 133, calls: 50, sql: 'select exists (select 1 from "features" where "name" = $1)' },
    ];
    const withRec = attachRecorded(m, recorded, (sql) => fingerprintSql(sql));
    assert.deepEqual(withRec.map((x) => x.recorded?.map((r) => r.line)), [[104], [133], undefined]);
    assert.deepEqual(observedFindings(withRec), [], 'the capture already made the finding from the run\'s own figures');
    assert.equal(observedNPlusOnes(withRec).length, 0, 'the toast counts no second N+1 for them');
    const report = observedReport(withRec, {}, (p) => p.replace('/w/', ''));
    assert.match(report, /^pg_stat_statements over the same time: the whole server's figures/);
    assert.match(report, /^ {2}350 calls on the server \(50 recorded here\).*\n {2}at src\/feature-tag-store\.ts:104: 50 recorded$/m);
    assert.match(report, /^ {2}350 calls on the server \(50 recorded here\).*\n {2}at src\/feature-tag-store\.ts:133: 50 recorded$/m);
    const notMatched = report.slice(report.indexOf('Not matched to code'));
    assert.match(notMatched, /90 calls/);
    assert.doesNotMatch(notMatched, /350 calls/, 'a recorded statement is never "not matched to code"');
  });

  it('a statement the recording sent with no line of the app\'s is the recording\'s, said as such, never "another client" (person12 R4)', async () => {
    await loadPgParser();
    const stmts = [fig('1', 719, 719, 'SELECT "id", "parentID" FROM "public"."TeamCollection" WHERE ("id" = $1 AND 1=1) LIMIT $2 OFFSET $3'), fig('2', 90, 90, 'SELECT * FROM v WHERE k = $1')];
    const m = matchStatements(stmts, [], (s) => s);
    const recorded = [{ file: undefined, line: undefined, calls: 128, sql: 'SELECT "id", "parentID" FROM "public"."TeamCollection" WHERE ("id" = $1 AND 1=1) LIMIT $2 OFFSET $3' }];
    const withRec = attachRecorded(m, recorded, (sql) => fingerprintSql(sql));
    assert.deepEqual(withRec.map((x) => x.recorded?.map((r) => r.calls)), [[128], undefined]);
    assert.deepEqual(observedFindings(withRec), []);
    const report = observedReport(withRec);
    assert.match(report, /^ {2}719 calls on the server \(128 recorded here\).*\n {2}at \(no line in your code: sent from a library on its own\): 128 recorded$/m);
    const notMatched = report.slice(report.indexOf('Not matched to code'));
    assert.match(notMatched, /90 calls/);
    assert.doesNotMatch(notMatched, /719 calls/, 'a recorded statement is never "not matched to code"');
  });

  it('a statement recorded at several call sites is listed once, the server\'s figures once, its call sites under it (person17 LOW 3)', async () => {
    await loadPgParser();
    const sql = 'SELECT "catalog_author"."id" FROM "catalog_author" WHERE "catalog_author"."id" = $1 LIMIT $2';
    const m = matchStatements([fig('1', 13819, 13819, sql)], [], (s) => s);
    const sites = ['book_list.html', 'author_list.html', 'bookinstance_list.html', 'genre_detail.html'];
    const withRec = attachRecorded(m, sites.map((f, i) => ({ file: `/w/catalog/templates/catalog/${f}`, line: 11, calls: 40 + i, sql })), (x) => fingerprintSql(x));
    const report = observedReport(withRec, {}, (p) => p.replace('/w/', ''));
    assert.equal(report.match(/calls on the server/g)?.length, 1, report);
    assert.match(report, /13819 calls on the server \(166 recorded here\)/);
    assert.equal(report.match(/^SELECT "catalog_author"/gm)?.length, 1);
    const at = [...report.matchAll(/^ {2}at catalog\/templates\/catalog\/(\S+):11: (\d+) recorded$/gm)].map((x) => `${x[1]} ${x[2]}`);
    assert.deepEqual(at, ['genre_detail.html 43', 'bookinstance_list.html 42', 'author_list.html 41', 'book_list.html 40']);
  });

  it('an observed N+1 goes through the one suppression step: an ignore comment above its line, or the rule off, and it is not shown', () => {
    const text = ['for (const id of ids) {', '  // pg-lens-ignore n-plus-one: ids is at most 3 long', "  await db.query('SELECT * FROM t WHERE id = $1', [id]);", '}'].join('\n');
    const other = "for (const id of ids) {\n  await db.query('SELECT * FROM u WHERE id = $1', [id]);\n}";
    const sites = [
      { file: '/w/a.ts', span: { start: text.indexOf('db.query'), end: text.indexOf(');') }, line: 2, sql: 'SELECT * FROM t WHERE id = $1', inLoop: true },
      { file: '/w/b.ts', span: { start: other.indexOf('db.query'), end: other.indexOf(');') }, line: 1, sql: 'SELECT * FROM u WHERE id = $1', inLoop: true },
    ];
    const m = matchStatements([fig('1', 300, 300, 'SELECT * FROM t WHERE id = $1'), fig('2', 300, 300, 'SELECT * FROM u WHERE id = $1')], sites, (s) => s);
    const texts = new Map([['/w/a.ts', text], ['/w/b.ts', other]]);
    assert.equal(observedFindings(m).length, 2);
    assert.deepEqual([...observedFindingsByFile(observedFindings(m), texts).keys()], ['/w/b.ts']);
    assert.deepEqual([...observedFindingsByFile(observedFindings(m), texts, { 'n-plus-one': 'off' }).keys()], []);
  });

  it('canonical text ignores comments, whitespace, case and a trailing semicolon', () => {
    assert.equal(canonical('/* app */ SELECT  *\nFROM t -- x\n;'), canonical('select * from t'));
  });
});

describe('core/nplusone observed: the shop’s sites (real extraction and detector)', () => {
  it('each call is one site, and exactly the planted N+1 calls are in a loop (per-request lookups are not)', async () => {
    const shop = path.join(__dirname, '..', '..', '..', '..', 'examples', 'shop');
    const planted = JSON.parse(fs.readFileSync(path.join(shop, 'planted.json'), 'utf8')) as { sites: { file: string; line: number; finding?: string; kind: string }[] };
    const inLoop: string[] = [];
    for (const rel of ['src/customers.ts', 'src/orders.ts', 'src/products.ts', 'src/reviews.ts']) {
      const file = path.join(shop, rel);
      const text = fs.readFileSync(file, 'utf8');
      const loops = (await detectNPlusOne(text, file, file)).map((f) => f.span);
      const calls = [...(await sitesIn(text, file)).map((x) => ({ span: x.callSpan ?? x.span, sql: x.sql })), ...(await findSqlCalls(text, file))];
      const sites = siteRefsOf(file, text, calls, loops);
      assert.equal(new Set(sites.map((s) => s.line)).size, sites.length, `${rel}: one site per call, though both discovery and the detector know each`);
      inLoop.push(...sites.filter((s) => s.inLoop).map((s) => `${rel}:${s.line + 1}`));
    }
    // A site is named by its call's line, as the recording names it (fixx: `await db.query<OrderItem>(` is pg's query, its
    // SQL on the next line — the planted line — is that call's).
    const callLine = (s: { file: string; line: number }) => (/\($/.test(fs.readFileSync(path.join(shop, s.file), 'utf8').split('\n')[s.line - 2].trim()) ? s.line - 1 : s.line);
    const nPlusOne = planted.sites.filter((s) => s.kind === 'problem' && s.finding === 'n-plus-one').map((s) => `${s.file}:${callLine(s)}`);
    assert.deepEqual(nPlusOne.sort(), ['src/orders.ts:31', 'src/products.ts:71']);
    assert.deepEqual(inLoop.sort(), nPlusOne.sort());
  });
});
