import { IndexUseLedger } from '../../../src/core/plan/indexUse';
import * as assert from 'node:assert/strict';
import { appFigures, appFiguresAt, appFiguresSince, baselineApplies, baselineFor, CostBaselines, figuresBefore, CostIndex, costLensRoom, costLensTitle, RECORDED_LENS_ROOM, figuresSince, formatCostLens, formatCostLensSince, formatCostTooltip, resetPeriodPhrase, sharedCallSites, isOwnStatementText, LENS_LINE_MAX, matchKey, OwnRuns, OWN_RUNS_KEEP, parseKeptOwnRuns, parseKeptCostBaseline, KEPT_BASELINE_STATEMENTS, rankStatements, type StatementStat } from '../../../src/core/cost';
import { formatCount, formatMs, formatPercent } from '../../../src/core/format';
import { formatCacheLens, type CacheEstimate } from '../../../src/core/health/checks/workload';
import { loadPgParser } from '../../../src/core/sql/statement';
import { recordedLensTitle, recordedLenses } from '../../../src/core/record/lens';

const stat = (queryid: string, query: string, totalMs: number, calls: number, rows: number): StatementStat => ({ queryid, query, totalMs, calls, rows, meanMs: calls ? totalMs / calls : 0 });

describe('core/cost', () => {
  before(() => loadPgParser());

  it('formats the CodeLens title as the issue shows it', () => {
    assert.equal(formatCostLens({ stat: stat('1', 'q', 372000, 120000, 120000), share: 0.183 }), '18% of DB time · 3.1 ms mean · 120k calls · 1.0 rows/call');
    assert.equal(formatCostLens({ stat: stat('1', 'q', 0.5, 1, 0), share: 0.00001 }), '<0.1% of DB time · 0.50 ms mean · 1 call · 0.0 rows/call');
    assert.equal(formatCostLens({ stat: stat('1', 'q', 5000, 2, 5000), share: 0.5 }), '50% of DB time · 2.5 s mean · 2 calls · 2.5k rows/call');
  });

  it('says the period of whole-history figures; after an index change, the figures since it and the mean before', () => {
    assert.equal(formatCostLens({ stat: stat('1', 'q', 300, 100, 100), share: 0.2 }, resetPeriodPhrase(3 * 3600)), '20% of DB time · 3.0 ms mean · 100 calls · 1.0 rows/call · since stats reset 3 h ago');
    // person16 LOW 4: the reset age is counted to now, not to the reading (7.3 min at the reading, read 2.3 min ago → 9.6 min).
    assert.equal(resetPeriodPhrase(7.3 * 60, 2.3 * 60_000), 'since stats reset 9.6 min ago');
    assert.equal(resetPeriodPhrase(7.3 * 60), 'since stats reset 7.3 min ago');
    const tip = formatCostTooltip({ stat: stat('1', 'q', 300, 100, 100), share: 0.2, rank: 1 }, { statements: 1, resetAgeSeconds: 7.3 * 60, reading: { sinceReadMs: 138_000, refreshMs: 30_000 } });
    assert.match(tip, /Figures since stats reset 9\.6 min ago:/);
    assert.match(tip, /Read from pg_stat_statements 2\.3 min ago; refreshed every 30 s while an editor is open\./);
    // The same statement written at other places (person28 M2: a file that never ran showed the app's figures as its own).
    assert.doesNotMatch(tip, /same statement is written/);
    const sharedTip = formatCostTooltip({ stat: stat('1', 'q', 300, 100, 100), share: 0.2, rank: 1 }, { statements: 1, sharedWith: ['src/customers.ts:25', 'other/orders.go:6'] });
    assert.match(sharedTip, /The same statement is written at src\/customers\.ts:25, other\/orders\.go:6 too: pg_stat_statements counts all their calls as one, so these figures are not this line's alone\./);
    // Written with other constants elsewhere: one entry, said so (person54 M-3).
    assert.doesNotMatch(sharedTip, /other constants/);
    const otherTip = formatCostTooltip({ stat: stat('1', 'q', 300, 100, 100), share: 0.2, rank: 1 }, { statements: 1, otherConstants: ['src/orders.ts:70'] });
    assert.match(otherTip, /Sent with other constants at src\/orders\.ts:70: pg_stat_statements keeps one entry for every constant of this shape, so these figures are not this line's alone\./);
    assert.equal(sharedCallSites(3), ' · shared by 3 call sites');
    assert.equal(sharedCallSites(1), '');
    const b = new CostBaselines();
    const idx = (names: string[]) => new Map(names.map((n, i) => [String(i), { name: n, table: 'public.orders' }]));
    assert.equal(b.observe(0, idx(['public.orders_pkey']), [stat('1', 'q', 1200, 100, 100)], 3600).size, 0, 'the first reading is no change');
    assert.equal(b.current(), undefined);
    assert.deepEqual([...b.observe(60_000, idx(['public.orders_pkey', 'public.orders_total_idx']), [stat('1', 'q', 1204, 140, 140)], 3660)], ['public.orders'], 'an index made: the index advice on its table is re-checked');
    assert.equal(b.current()?.change, 'CREATE INDEX orders_total_idx');
    const before = b.current()!.before.get('1');
    const since = figuresSince(stat('1', 'q', 1204, 140, 140), before);
    assert.deepEqual([since.calls, since.totalMs, since.rows, since.meanMs], [40, 4, 40, 0.1]);
    // The change's age is from the reading that saw it (60 s), not the one before it (0): 4 min at 300 s, said roughly, as
    // the index came between the two (person49 L-8: "since new index (3.9 min)" read ~40 s more than the index's age).
    assert.deepEqual([b.current()!.atMs, b.current()!.seenAtMs], [0, 60_000]);
    assert.equal(formatCostLensSince(since, before, b.current()!, 300_000), 'since new index (about 4 min): 0.10 ms mean · 40 calls · 1.0 rows/call · before: 12 ms mean');
    assert.equal(formatCostLensSince(figuresSince(before!, before), before, b.current()!, 300_000), 'no calls since new index (about 4 min) · before: 12 ms mean · 100 calls');
    assert.match(formatCostLensSince(since, before, b.current()!, 100_000), /^since new index \(under 1 min\): /);
    // The index by name, when it was seen, the reading the figures count from and the calls before are the tooltip's.
    const sinceTip = formatCostTooltip({ stat: stat('1', 'q', 1204, 140, 140), share: 0.2, rank: 1 }, { statements: 1, baseline: b.current()!, since: { since, before, nowMs: 300_000 } });
    assert.match(sinceTip, /^Since CREATE INDEX orders_total_idx \(seen 4 min ago\): 0\.10 ms mean · 40 calls · 1\.0 rows\/call; before it: 12 ms mean · 100 calls · 1\.0 rows\/call\.$/m);
    assert.match(sinceTip, /^The figures since it count from the last reading PG Lens took before CREATE INDEX orders_total_idx, 5 min ago; the change was seen at the next reading, 4 min ago, the age the title gives\./m);
    // A statement evicted and counted anew (fewer calls than at the baseline): all its figures are recent.
    assert.equal(figuresSince(stat('1', 'q', 5, 10, 10), before).calls, 10);
    // Later readings keep the baseline; a reset of pg_stat_statements after it drops it (the whole history is recent).
    assert.equal(b.observe(120_000, idx(['public.orders_pkey', 'public.orders_total_idx']), [stat('1', 'q', 1300, 150, 150)], 3720).size, 0);
    assert.ok(b.current());
    b.observe(180_000, idx(['public.orders_pkey', 'public.orders_total_idx']), [stat('1', 'q', 3, 3, 3)], 10);
    assert.equal(b.current(), undefined);
    assert.deepEqual([...b.observe(240_000, idx(['public.orders_pkey']), [stat('1', 'q', 3, 3, 3)], 70)], ['public.orders'], 'an index dropped (person31 M1)');
    assert.equal(b.current()?.change, 'DROP INDEX orders_total_idx');
  });

  it('after CREATE then DROP INDEX, the figures "before" the drop are the index\'s life, not the whole history (person48 M-B)', () => {
    const b = new CostBaselines();
    const sql = "SELECT id FROM orders WHERE status = $1 ORDER BY placed_at DESC";
    const pkey: [string, { name: string; table: string }] = ['1', { name: 'public.orders_pkey', table: 'public.orders' }];
    const idx: [string, { name: string; table: string }] = ['2', { name: 'public.orders_status_idx', table: 'public.orders' }];
    // 550 calls at 1.8 ms without the index, 90 at 0.030 ms with it, then 30 at 2.1 ms after the drop.
    b.observe(0, new Map([pkey]), [stat('q', sql, 990, 550, 550)], 3600);
    b.observe(60_000, new Map([pkey, idx]), [stat('q', sql, 990, 550, 550)], 3660);
    assert.equal(b.current()?.previous, undefined, 'the first change has none before it');
    b.observe(120_000, new Map([pkey, idx]), [stat('q', sql, 992.7, 640, 640)], 3720);
    b.observe(180_000, new Map([pkey]), [stat('q', sql, 992.7, 640, 640)], 3780);
    const drop = b.current()!;
    assert.equal(drop.change, 'DROP INDEX orders_status_idx');
    assert.equal(drop.previous?.change, 'CREATE INDEX orders_status_idx');
    const own = new OwnRuns();
    const { before, from } = figuresBefore(drop, sql, 'q', own);
    assert.equal(from, 'CREATE INDEX orders_status_idx');
    assert.deepEqual([before!.calls, before!.meanMs.toFixed(3)], [90, '0.030'], 'the index\'s life: 90 calls at 0.030 ms');
    const now = stat('q', sql, 1055.7, 670, 670);
    const since = figuresSince(now, drop.before.get('q'));
    assert.equal(formatCostLensSince(since, before, drop, 240_000), 'since index drop (about 1 min): 2.1 ms mean · 30 calls · 1.0 rows/call · before: 0.030 ms mean');
    const tip = formatCostTooltip({ stat: now, share: 1, rank: 1 }, { statements: 1, baseline: drop, since: { since, before, beforeFrom: from, nowMs: 240_000 } });
    assert.match(tip, /^Since DROP INDEX orders_status_idx \(seen 1 min ago\): 2\.1 ms mean · 30 calls · 1\.0 rows\/call; before it \(since CREATE INDEX orders_status_idx\): 0\.030 ms mean · 90 calls · 1\.0 rows\/call\.$/m);
    // A statement on another table: the earlier change does not apply, its "before" is its whole history up to the drop.
    assert.deepEqual(figuresBefore({ ...drop, before: new Map([['c', stat('c', 'SELECT 1 FROM customers', 10, 10, 10)]]) }, 'SELECT 1 FROM customers', 'c', own), { before: stat('c', 'SELECT 1 FROM customers', 10, 10, 10) });
    // A reset of pg_stat_statements after the CREATE: the earlier change is dropped, the drop kept.
    b.observe(240_000, new Map([pkey]), [stat('q', sql, 2, 2, 2)], 150);
    assert.equal(b.current()?.change, 'DROP INDEX orders_status_idx');
    assert.equal(b.current()?.previous, undefined);
  });

  it('an index change counts from the baseline only the statements that read its table (person9: getCustomer restarted "since CREATE INDEX orders_customer_id_idx")', () => {
    const b = new CostBaselines();
    b.observe(0, new Map([['1', { name: 'public.customers_pkey', table: 'public.customers' }]]), [], 3600);
    b.observe(60_000, new Map([['1', { name: 'public.customers_pkey', table: 'public.customers' }], ['2', { name: 'public.orders_customer_id_idx', table: 'public.orders' }]]), [], 3660);
    const base = b.current()!;
    assert.deepEqual([...base.tables], ['public.orders']);
    assert.equal(baselineApplies(base, 'SELECT id, total FROM orders WHERE customer_id = $1'), true);
    assert.equal(baselineApplies(base, 'SELECT o.id FROM customers c JOIN public.orders o ON o.customer_id = c.id WHERE c.email = $1'), true);
    assert.equal(baselineApplies(base, 'SELECT id, email FROM customers WHERE id = $1'), false);
    assert.equal(baselineApplies(base, 'SELECT id FROM other.orders WHERE id = $1'), false, 'another schema\'s table of that name');
    assert.equal(baselineApplies(base, 'not sql at all'), true, 'unreadable: counted from the change, as before');
  });

  it('an index created counts from the change only for a statement whose newest plan since uses it (person37 L2)', () => {
    const b = new CostBaselines();
    const pkey = ['1', { name: 'public.orders_pkey', table: 'public.orders' }] as const;
    b.observe(30_000, new Map([pkey]), [], 3600);
    b.observe(60_000, new Map([pkey, ['2', { name: 'public.orders_customer_id_placed_at_desc_idx', table: 'public.orders' }]]), [], 3660);
    const base = b.current()!;
    const byCustomer = 'SELECT id FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 10';
    const recent = 'SELECT id FROM orders ORDER BY placed_at DESC LIMIT 10';
    // The statement it was made for, planned since: counted from the change (EXPLAIN without VERBOSE: no schema).
    assert.equal(baselineFor(base, byCustomer, { atMs: 90_000, indexes: [{ schema: null, name: 'orders_customer_id_placed_at_desc_idx' }] }).since, base);
    // recentOrders: its plan since does not use it — not credited, and told why.
    const r = baselineFor(base, recent, { atMs: 90_000, indexes: [{ schema: 'public', name: 'orders_pkey' }] });
    assert.equal(r.since, undefined);
    assert.equal(r.notUsed, "CREATE INDEX orders_customer_id_placed_at_desc_idx: this statement's plan does not use it, so the figures are not counted from it");
    // A plan from before the change, or none: nothing known of its use, nothing credited.
    assert.match(baselineFor(base, recent, { atMs: 10_000, indexes: [] }).notUsed ?? '', /: PG Lens has not planned this statement since, so it cannot tell whether its plan uses it; the figures are the whole history$/);
    assert.deepEqual(baselineFor(base, recent, undefined), {});
    // Another schema's index of that name is not this one; another table's statement has no baseline at all.
    assert.equal(baselineFor(base, byCustomer, { atMs: 90_000, indexes: [{ schema: 'audit', name: 'orders_customer_id_placed_at_desc_idx' }] }).since, undefined);
    assert.deepEqual(baselineFor(base, 'SELECT id FROM customers WHERE id = $1', { atMs: 90_000, indexes: [] }), {});
    // A dropped index: the baseline is only for a statement whose plan from before the drop used it (person49 M-2: the
    // email lookup, whose plan never used orders_status_idx, read "since index drop: 7.7 ms mean · before: 13 ms").
    b.observe(120_000, new Map([pkey]), [], 3720);
    const drop = b.current()!;
    assert.deepEqual(drop.dropped?.map((i) => i.name), ['public.orders_customer_id_placed_at_desc_idx']);
    const used = [{ schema: null, name: 'orders_customer_id_placed_at_desc_idx' }];
    // (The reading before the drop was at 60 s; the drop came between it and the reading at 120 s.)
    assert.equal(drop.atMs, 60_000);
    assert.equal(baselineFor(drop, byCustomer, { atMs: 50_000, indexes: used }).since, drop, 'its plan before the drop used it');
    // Planned again since the drop (the hover): the plan before it, kept beside, decides.
    assert.equal(baselineFor(drop, byCustomer, { atMs: 130_000, indexes: [], prior: { atMs: 50_000, indexes: used } }).since, drop);
    assert.equal(baselineFor(drop, byCustomer, { atMs: 130_000, indexes: [], prior: { atMs: 90_000, indexes: used } }).since, drop, 'planned after the reading, before the drop: only possible while the index existed');
    const email = baselineFor(drop, recent, { atMs: 130_000, indexes: [{ schema: 'public', name: 'orders_pkey' }], prior: { atMs: 50_000, indexes: [{ schema: 'public', name: 'orders_pkey' }] } });
    assert.equal(email.since, undefined, 'never used the dropped index: no drop credited');
    assert.equal(email.notUsed, "DROP INDEX orders_customer_id_placed_at_desc_idx: this statement's plan did not use it, so the figures are not counted from it");
    // Only a plan since the drop (its file opened after it): nothing known of its use before, and said (person51 M-1: the
    // other statement the index was proved for showed a mean mixed from before and after the drop, with no note).
    assert.deepEqual(baselineFor(drop, recent, { atMs: 130_000, indexes: [] }), { notUsed: 'DROP INDEX orders_customer_id_placed_at_desc_idx: PG Lens did not plan this statement while the index existed, so it cannot tell whether the drop changed its figures; they are the whole history' });
    // As the ledger keeps plans: after the drop the hover and the advisor plan each statement again (twice here); the plan
    // from before the drop still decides (person50 M-A: no statement was credited, not even the one that used the index,
    // and the email lookup had no "did not use it" note).
    const ledger = new IndexUseLedger();
    const pk = [{ schema: 'public', name: 'orders_pkey' }];
    for (const [sql, before] of [[byCustomer, used], [recent, pk]] as const) {
      ledger.noteIndexes(sql, before, 50_000);
      ledger.noteIndexes(sql, sql === recent ? pk : [], 125_000);
      ledger.noteIndexes(sql, sql === recent ? pk : [], 130_000);
    }
    assert.equal(baselineFor(drop, byCustomer, ledger.planOf(byCustomer)).since, drop, 'its plan before the drop used it, though planned twice since');
    assert.equal(baselineFor(drop, recent, ledger.planOf(recent)).notUsed, email.notUsed, 'planned the same way before and since the drop: it did not use the index');
    assert.deepEqual(baselineFor(drop, recent, undefined), {}, 'no plan: nothing credited');
    // The tooltip says it.
    assert.match(formatCostTooltip({ stat: stat('1', recent, 36, 100, 1000), share: 0.1, rank: 3 }, { statements: 9, notUsed: r.notUsed }), /this statement's plan does not use it, so the figures are not counted from it\./);
  });

  it('formats figures', () => {
    assert.deepEqual([formatCount(950), formatCount(1234), formatCount(120000), formatCount(3.4e6)], ['950', '1.2k', '120k', '3.4M']);
    assert.deepEqual([formatMs(0.042), formatMs(3.14), formatMs(250), formatMs(1500), formatMs(126000)], ['0.042 ms', '3.1 ms', '250 ms', '1.5 s', '2.1 min']);
    // The lens's share: brief — no false precision, and never "0.0%" above 0 nor "100%" below 1 (one formatter, core/format formatPercent).
    const brief = (x: number) => formatPercent(x, { brief: true });
    assert.deepEqual([brief(0.183), brief(0.004), brief(0.00001), brief(0), brief(0.05), brief(0.9996), brief(1)], ['18%', '0.4%', '<0.1%', '0%', '5%', '>99.9%', '100%']);
  });

  it('ranks by total time with shares', () => {
    const r = rankStatements([stat('a', 'x', 10, 1, 1), stat('b', 'y', 30, 1, 1), stat('c', 'z', 60, 1, 1)], 100);
    assert.deepEqual(r.map((c) => [c.stat.queryid, c.rank, c.share]), [['c', 1, 0.6], ['b', 2, 0.3], ['a', 3, 0.1]]);
  });

  it('matches by queryid first, then by fingerprint or normalised text', () => {
    const idx = new CostIndex([
      stat('-42', 'SELECT id, total FROM orders WHERE user_id = $1 ORDER BY id LIMIT $2', 300, 100, 100),
      stat('7', 'select * from users where email = $1', 100, 10, 10),
    ]);
    assert.equal(idx.find('anything', '-42')?.stat.queryid, '-42');
    // Different whitespace and a constant where pg_stat_statements shows $2.
    assert.equal(idx.find('SELECT id, total\n  FROM orders\n  WHERE user_id = $1\n  ORDER BY id LIMIT 20')?.stat.queryid, '-42');
    assert.equal(idx.find("SELECT * FROM users WHERE email = 'a@b.c'")?.stat.queryid, '7');
    assert.equal(idx.find('SELECT * FROM users WHERE name = $1'), undefined);
    assert.equal(idx.find('SELECT id FROM orders', 'unknown'), undefined);
    assert.equal(idx.totalMs, 400);
    assert.equal(idx.find('select * from users where email = $1')!.share, 0.25);
  });

  it("a queryid another statement shares is not this statement's (the jumble ignores an ORDER BY key left out of the select list): no figures; the same statement still matches by it", () => {
    // person26 MEDIUM-2: both texts got "Query Identifier: 2632591407404886093" from EXPLAIN (VERBOSE, GENERIC_PLAN).
    const idx = new CostIndex([stat('2632591407404886093', 'SELECT rating, body, created_at FROM reviews WHERE product_id = $1 ORDER BY created_at DESC LIMIT $2', 10_750, 4_300, 9_460)]);
    assert.equal(idx.find('SELECT rating, body FROM reviews WHERE product_id = $1 ORDER BY created_at DESC LIMIT 5', '2632591407404886093'), undefined);
    assert.equal(idx.find('SELECT rating, body, created_at\n  FROM reviews WHERE product_id = $1\n  ORDER BY created_at DESC LIMIT 5', '2632591407404886093')?.stat.calls, 4_300);
  });

  it('matchKey ignores case, spacing and parameter numbers', () => {
    assert.equal(matchKey('SELECT a FROM t WHERE x = $3 ;'), matchKey('select a\n from t where x=$1'));
  });

  it("leaves PG Lens's own statements out of the index, its share and its total: marker, EXPLAIN-nested entries, its prepared statements", () => {
    const app = 'SELECT * FROM reviews WHERE product_id = $1 ORDER BY created_at DESC LIMIT $2';
    const idx = new CostIndex([
      stat('-5', app, 1.2, 19, 20),
      // pg_stat_statements.track = all records the statement PG Lens explains under the same queryid, with the EXPLAIN's text.
      stat('-5', `EXPLAIN (GENERIC_PLAN, VERBOSE, FORMAT JSON) ${app}`, 0, 13, 0),
      stat('9', `/* pg-lens */ EXPLAIN (VERBOSE, FORMAT TEXT) ${app}`, 5, 13, 0),
      stat('10', 'SELECT c.relname FROM pg_class c WHERE c.oid = $1\n/* pg-lens */', 3, 40, 40),
    ], 9.2);
    assert.equal(idx.size, 1);
    assert.equal(idx.ownLeftOut, 3);
    assert.ok(Math.abs(idx.totalMs - 1.2) < 1e-9, 'the database time is the application\'s');
    const hit = idx.find(app, '-5')!;
    assert.deepEqual([hit.stat.calls, hit.stat.rows], [19, 20], 'the figures are the application\'s entry, not the EXPLAIN\'s');
    assert.ok(Math.abs(hit.share - 1) < 1e-9);
    assert.match(formatCostTooltip(hit, { statements: idx.size, ownLeftOut: idx.ownLeftOut }), /own statements .*; 3 here\) are left out/);
    assert.equal(isOwnStatementText('-- why\nexplain analyze SELECT 1'), true);
    assert.equal(isOwnStatementText('SELECT explain FROM t'), false, 'a column named explain is the application\'s');
  });

  it("an entry stored with PG Lens's generic-plan PREPARE text (PostgreSQL < 16, planned before the app ran it) is the application's, matched by its statement", () => {
    const app = 'SELECT v, id FROM work WHERE id = $1 AND v >= $2';
    const idx = new CostIndex([stat('-7', `PREPARE pglens_generic_42_1 AS ${app}`, 0.6, 10, 10)], 0.6);
    assert.equal(idx.size, 1);
    assert.equal(idx.ownLeftOut, 0);
    const hit = idx.find('SELECT v, id FROM work WHERE id = $1 AND v >= 0');
    assert.ok(hit, 'found by the statement the code holds');
    assert.equal(hit.stat.query, app, 'shown without the PREPARE');
    assert.equal(hit.stat.calls, 10);
    assert.equal(isOwnStatementText('EXECUTE pglens_generic_42_1(NULL, NULL)'), true);
  });

  it('subtracts what PG Lens ran itself (Benchmark) from the figures, and shows nothing when all of it was PG Lens', () => {
    const own = new OwnRuns();
    own.record('SELECT * FROM t WHERE id = $1', { calls: 50, rows: 50, totalMs: 9, serverMs: 5 });
    const s = stat('1', 'select * from t where id = $1', 25, 70, 70);
    const app = appFigures(s, own.get('SELECT *\n  FROM t WHERE id = $1'))!;
    assert.deepEqual([app.calls, app.rows, app.totalMs, app.meanMs], [20, 20, 20, 1]);
    assert.equal(appFigures(stat('1', 'q', 5, 50, 50), own.get('SELECT * FROM t WHERE id = $1')), undefined);
    assert.equal(appFigures(s, own.get('SELECT 1')), s, 'another statement is untouched');
    assert.match(formatCostTooltip({ stat: app, share: 1, rank: 1 }, { statements: 1 }), /Left out: 50 runs of this statement by PG Lens itself \(Benchmark\), 5\.0 ms on the server/);
  });

  it("subtracts its runs' server time, not the round trips the client measured: a 0.015 ms lookup keeps its mean after a benchmark", () => {
    // Seen on the demo shop: 3,769 calls and 65.97 ms on the server, 100 of them Benchmark runs that took 130 ms by the client's clock.
    const own = new OwnRuns();
    own.record('SELECT id, email, name, country FROM customers WHERE id = $1', { calls: 100, rows: 100, totalMs: 130, serverMs: 1.7 });
    const app = appFigures(stat('1', 'SELECT id, email, name, country FROM customers WHERE id = $1', 65.97, 3769, 3769), own.get('SELECT id, email, name, country FROM customers WHERE id = $1'))!;
    assert.equal(app.calls, 3669);
    assert.ok(Math.abs(app.meanMs - (65.97 - 1.7) / 3669) < 1e-9, `the application's mean is the server's less the runs' server time (${app.meanMs} ms)`);
    assert.equal(formatCostLens({ stat: app, share: 0.001 }).includes('0.018 ms mean'), true);
  });

  it('subtracts only the runs filed under the entry it reads: a benchmark with $1 where the code has a constant is another queryid', () => {
    // Seen on the demo shop: "Benchmark these statements" ran `orders WHERE status = $1` 20 times ('delivered', 27,145 rows each);
    // pg_stat_statements filed them under their own queryid, while the code's `status = 'refunded'` is another entry
    // (304 calls, 50,160 rows). The lens then read "0.0 rows/call" for a query that returns 165 rows a call.
    const code = "SELECT id, customer_id, status, total_cents, placed_at FROM orders WHERE status = 'refunded' ORDER BY placed_at DESC";
    const own = new OwnRuns();
    own.record('SELECT id, customer_id, status, total_cents, placed_at FROM orders WHERE status = $1 ORDER BY placed_at DESC', { calls: 20, rows: 542_900, totalMs: 1894 }, '2841405816658645249');
    const app = stat('-5574766561705307991', code, 2373.7, 304, 50_160);
    assert.equal(appFigures(app, own.get(code, app.queryid)), app, "the app's entry keeps all its calls and rows");
    assert.deepEqual(own.get(code, '2841405816658645249'), { calls: 20, rows: 542_900, totalMs: 1894, measured: { calls: 0, rows: 0, serverMs: 0 } }, 'the runs stay counted against their own entry');
    own.record(code, { calls: 10, rows: 1650, totalMs: 5, serverMs: 4 }, app.queryid);
    assert.deepEqual(appFigures(app, own.get(code, app.queryid))!.rows, 50_160 - 1650, 'runs of the code as written (its constant) are the app entry and are subtracted');
  });
});

describe('core/cost: PG Lens\'s own runs are taken out at what they cost on the server, window by window (person47 M1)', () => {
  // person47: reviews (product_id, created_at DESC) created, then Benchmark Query (100 runs) on products.ts:72. psql: 740 calls,
  // 910 ms; the reading before the index: 520 calls at 1.7 ms (seq scans). The 100 index-scan runs took ~1.16 ms each by the
  // client's clock and 7 ms in all on the server. The lens read "since new index (2.3 min): 0.000 ms mean · 120 calls".
  const sql = 'SELECT rating, body, created_at FROM reviews WHERE product_id = $1 ORDER BY created_at DESC LIMIT 3';
  const baselineAt = 1_000_000;
  const nowRaw = stat('7', sql, 910, 740, 2220);
  const beforeRaw = stat('7', sql, 884, 520, 1560);
  const since = (own: OwnRuns) => {
    const now = appFigures(nowRaw, own.get(sql, '7', { split: baselineAt }))!;
    return { now, since: appFiguresSince(nowRaw, now, beforeRaw, own.get(sql, '7', { before: baselineAt })) };
  };

  it('subtracts the runs\' measured server time from the window they ran in: the mean since the index is the index scans\'', () => {
    const own = new OwnRuns();
    own.record(sql, { calls: 100, rows: 300, totalMs: 116, serverMs: 7, startMs: baselineAt + 60_000, endMs: baselineAt + 62_000 }, '7');
    const { now, since: s } = since(own);
    assert.deepEqual([now.calls, now.totalMs], [640, 903], 'the whole history less the runs\' 7 ms on the server');
    assert.equal(s.calls, 120);
    assert.ok(Math.abs(s.meanMs - 19 / 120) < 1e-9, `since the index: (903 - 884) ms over 120 calls, not 0 (${s.meanMs})`);
    const title = formatCostLensSince(s, beforeRaw, { seenAtMs: baselineAt + 30_000, change: 'CREATE INDEX reviews_product_id_created_at_idx' }, baselineAt + 138_000);
    assert.match(title, /^since new index \(about 2 min\): 0\.16 ms mean · 120 calls · /);
    assert.doesNotMatch(title, /0\.000 ms/);
  });

  it('takes out the calls and rows of runs whose server time was not measured; their time stays in the total and the mean, said on them (person50 L-A), never a mean below what the window\'s calls cost', () => {
    const own = new OwnRuns();
    // The application ran the statement during the benchmark: the entry grew by more than the runs, their share unknown.
    own.record(sql, { calls: 100, rows: 300, totalMs: 116, startMs: baselineAt + 60_000, endMs: baselineAt + 62_000 }, '7');
    const { now, since: s } = since(own);
    assert.deepEqual([now.calls, now.rows, now.totalMs, now.ownIncluded], [640, 1920, 910, 100]);
    assert.ok(Math.abs(now.meanMs - 910 / 740) < 1e-9, 'the mean of the calls and the runs together, not 910 ms over the 640 calls');
    assert.deepEqual([s.calls, s.totalMs, s.ownIncluded], [120, 26, 100]);
    assert.ok(Math.abs(s.meanMs - 26 / 220) < 1e-9);
    const title = formatCostLensSince(s, beforeRaw, { seenAtMs: baselineAt + 30_000, change: 'CREATE INDEX reviews_product_id_created_at_idx' }, baselineAt + 138_000);
    assert.match(title, /0\.12 ms mean \(incl\. 100 PG Lens runs\) · 120 calls · /);
    assert.doesNotMatch(title, /PG Lens's\)/);
    assert.match(costLensTitle({ stat: now, share: 0.4 }, 1), /^40% of DB time · 1\.2 ms mean \(both incl\. 100 PG Lens runs\) · 640 calls · 3\.0 rows\/call$/);
    const tip = formatCostTooltip({ stat: now, share: 1, rank: 1 }, { statements: 1, baseline: { atMs: baselineAt, seenAtMs: baselineAt + 30_000, change: 'CREATE INDEX reviews_product_id_created_at_idx' }, since: { since: s, before: beforeRaw, nowMs: baselineAt + 138_000 } });
    assert.match(tip, /Since CREATE INDEX reviews_product_id_created_at_idx: the time of PG Lens's own 100 runs is included .*: the total, the mean \(of 120 calls and those 100 runs\) and the share of DB time hold it; the calls and rows are the application's alone\./);
    assert.match(tip, /mean 1\.2 ms \(both incl\. 100 PG Lens runs\) · 640 calls/);
    assert.doesNotMatch(tip, /Left out: \d+ runs/);
  });

  it('runs before the index come out of the figures before it; a Benchmark under way at the reading is in neither side\'s subtraction', () => {
    const own = new OwnRuns();
    own.record(sql, { calls: 100, rows: 300, totalMs: 150, serverMs: 140, startMs: baselineAt - 60_000, endMs: baselineAt - 58_000 }, '7');
    const { since: s } = since(own);
    assert.deepEqual([s.calls, s.totalMs, s.ownIncluded], [220, 26, undefined], 'the runs before the change change nothing after it');
    const straddling = new OwnRuns();
    straddling.record(sql, { calls: 100, rows: 300, totalMs: 150, serverMs: 20, startMs: baselineAt - 1000, endMs: baselineAt + 1000 }, '7');
    const t = since(straddling);
    assert.deepEqual([t.now.calls, t.now.totalMs, t.now.ownIncluded], [640, 910, 100], 'an unknown part of their time is in the reading: their calls out, their time not subtracted, said to be included');
    assert.equal(t.since.ownIncluded, 100);
  });
});

describe('core/cost: the CodeLens line fits beside the code (person40 L6)', () => {
  // person40's line over orders.ts:31: "1.2% of DB time · 0.052 ms mean · 528 calls · 2.2 rows/call · since stats reset
  // 24.6 min ago · shared by 2 call sites | cacheable: 95% hits at a 60 s TTL · invalidated by writ…" (off the window).
  it('the cost lens and the cache lens of one call, at their longest figures, stay under LENS_LINE_MAX together; the long parts are in the tooltips', () => {
    const widest = { stat: stat('1', 'q', 999_999_000, 999_000, 999_000 * 999), share: 0.183 };
    const cost = costLensTitle(widest, 12);
    assert.match(cost, /^18% of DB time · .* mean · 999k calls · 999 rows\/call · shared by 12 call sites$/);
    const tables = [{ schema: 'public', table: 'order_items_with_a_rather_long_table_name', writes: 3 }, { schema: 'billing', table: 'invoices_archive_2026', writes: 2 }];
    const cache = formatCacheLens({ calls: 52_800, writes: 5, tables, hitRatio: 0.999, callsPerSecond: 35.2, writesPerSecond: 0.003, ttl: [10, 60, 300].map((seconds) => ({ seconds, hitRatio: 0.95 })) } as unknown as CacheEstimate);
    assert.equal(cache.title, 'cacheable: 95% hits at 60 s');
    // VS Code's line: "$(pulse) <cost> | $(database) <cache>", each icon one glyph.
    const line = `~ ${cost} | ~ ${cache.title}`;
    assert.ok(line.length <= LENS_LINE_MAX, `${line.length}: ${line}`);
    // What left the line is in the tooltips: the writes that invalidate the cache, the period the figures cover.
    assert.match(cache.tooltip, /Invalidate on: INSERT, UPDATE or DELETE on public\.order_items_with_a_rather_long_table_name; INSERT, UPDATE or DELETE on billing\.invoices_archive_2026/);
    const hit = { ...widest, rank: 1, sites: [] } as unknown as Parameters<typeof formatCostTooltip>[0];
    assert.match(formatCostTooltip(hit, { statements: 40, resetAgeSeconds: 24.6 * 60 }), /Figures since stats reset 24\.6 min ago:/);
  });
});

describe('core/cost: every cost lens line fits, a recording\'s and a cache candidate\'s lenses beside it (person41)', () => {
  // person41 over orders.ts:77: "since CREATE INDEX orders_customer_id_placed_at_desc_idx (10.7 min): 1.3 ms mean · 16 calls · 5.4
  // rows/call · before: 2.0 ms mean · 8 calls | 8 statements · 42.3 ms · 1× |" (~190 characters, cut at the editor's edge).
  const baseline = { atMs: 0, seenAtMs: 0, change: 'CREATE INDEX orders_customer_id_placed_at_desc_idx' };
  const widest = { stat: stat('1', 'q', 52 * 999_000, 999_000, 999_000 * 999), share: 0.00001 };
  const since = stat('1', 'q', 0.052 * 999_000, 999_000, 999 * 999_000);
  const before = stat('1', 'q', 0.052 * 999_000, 999_000, 999_000);
  const cache = formatCacheLens({ calls: 52_800, writes: 5, tables: [{ schema: 'public', table: 'orders', writes: 5 }], hitRatio: 0.999, callsPerSecond: 35.2, writesPerSecond: 0.003, ttl: [10, 60, 300].map((seconds) => ({ seconds, hitRatio: 0.95 })) } as unknown as CacheEstimate).title;
  // The widest a recording's lens grows to (core/record/lens): the cost lens leaves it RECORDED_LENS_ROOM at least.
  const recorded = recordedLensTitle({ calls: 99_999, totalMs: 99_999 }, { times: 999, kind: 'request' }, true).padEnd(RECORDED_LENS_ROOM);
  const lines = (others: string[]) => {
    const room = costLensRoom(others);
    const titles = [
      costLensTitle(widest, 1, room),
      costLensTitle(widest, 12, room),
      formatCostLensSince(since, before, baseline, 10.7 * 60_000, 1, room),
      formatCostLensSince(since, before, baseline, 10.7 * 60_000, 12, room),
      formatCostLensSince(since, before, { seenAtMs: 0, change: '3 index changes' }, 10.7 * 60_000, 12, room),
      formatCostLensSince(since, before, { seenAtMs: 0, change: 'DROP INDEX orders_customer_id_placed_at_desc_idx' }, 10.7 * 60_000, 12, room),
      formatCostLensSince(since, undefined, baseline, 10.7 * 60_000, 12, room),
      formatCostLensSince(figuresSince(before, before), before, baseline, 10.7 * 60_000, 12, room),
    ];
    return titles.map((t) => [`~ ${t}`, ...others].join(' | '));
  };

  it('holds LENS_LINE_MAX in every variant the formatters make: plain, shared, since an index change, no calls since, beside a cache lens and a recording', () => {
    assert.equal(recorded.length, RECORDED_LENS_ROOM, recorded);
    for (const others of [[], [`~ ${cache}`], [recorded], [`~ ${cache}`, recorded]]) {
      for (const line of lines(others)) {
        assert.ok(line.length <= LENS_LINE_MAX, `${line.length}: ${line}`);
        // What a glance needs stays on the line: the mean (now), and before an index change the mean before it.
        assert.match(line, /^~ (\S+ of DB time · \S+ ms mean|since (new index|index drop|index changes)[^:]*: \S+ ms( mean)?( \(was \S+ ms\)| · before: \S+ ms mean)?|no calls since new index)/, line);
        assert.doesNotMatch(line, /orders_customer_id_placed_at_desc_idx/, 'the index\'s name is the tooltip\'s');
      }
    }
  });

  it('person41\'s line: the figures since the index and the mean before it, in 130 characters beside the recording; the rest in the tooltip', () => {
    const now = stat('1', 'q', 16 * 1.3, 16, 86);
    const was = stat('1', 'q', 8 * 2.0, 8, 40);
    const full = formatCostLensSince(now, was, baseline, 10.7 * 60_000);
    assert.equal(full, 'since new index (about 11 min): 1.3 ms mean · 16 calls · 5.4 rows/call · before: 2.0 ms mean');
    const crowded = formatCostLensSince(now, was, baseline, 10.7 * 60_000, 1, costLensRoom([recordedLensTitle({ calls: 8, totalMs: 42.3 }, { times: 1, kind: 'request' }, false).padEnd(RECORDED_LENS_ROOM)]));
    assert.equal(crowded, 'since new index: 1.3 ms mean (was 2.0 ms) · 16 calls · 5.4 rows/call');
    const tip = formatCostTooltip({ stat: now, share: 0.01, rank: 3 }, { statements: 8, baseline, since: { since: now, before: was, nowMs: 10.7 * 60_000 } });
    assert.match(tip, /Since CREATE INDEX orders_customer_id_placed_at_desc_idx \(seen 10\.7 min ago\): 1\.3 ms mean · 16 calls · 5\.4 rows\/call; before it: 2\.0 ms mean · 8 calls · 5\.0 rows\/call\./);
    // Plain figures with room: all of them; crowded: the rows per call and the call sites go to the tooltip first.
    const hit = { stat: stat('1', 'q', 0.042 * 528, 528, 1162), share: 0.017 };
    assert.equal(costLensTitle(hit, 2), '1.7% of DB time · 0.042 ms mean · 528 calls · 2.2 rows/call · shared by 2 call sites');
    assert.equal(costLensTitle(hit, 2, costLensRoom([`~ ${cache}`, recorded])), '1.7% of DB time · 0.042 ms mean · 528 calls');
  });
});

describe('core/cost: beside a recording\'s lens, the cost lens says the window of its calls (person43 L7)', () => {
  // person43 over src/products.ts:41: "0.8% of DB time · 0.100 ms mean · 6 calls · 10.5 rows/call | 36 calls · 80.8 ms
  // client time · 1× per request": two call counts, nothing saying their windows differ.
  it('"6 calls since stats reset" beside "36 calls · … client time", within LENS_LINE_MAX at every width', () => {
    const recorded = recordedLensTitle({ calls: 36, totalMs: 80.8 }, { times: 1, kind: 'request' }, false);
    const hit = { stat: stat('1', 'q', 0.6, 6, 63), share: 0.008 };
    const title = costLensTitle(hit, 1, costLensRoom([recorded.padEnd(RECORDED_LENS_ROOM)]), true);
    assert.equal(title, '0.8% of DB time · 0.100 ms mean · 6 calls since stats reset · 10.5 rows/call');
    assert.ok(`~ ${title} | ${recorded}`.length <= LENS_LINE_MAX);
    // Alone on its line it stays as it was; the period is its tooltip's.
    assert.equal(costLensTitle(hit, 1), '0.8% of DB time · 0.100 ms mean · 6 calls · 10.5 rows/call');
    // The widest figures beside the widest recording and a cache lens: the window stays, the line fits.
    const widest = { stat: stat('1', 'q', 52 * 999_000, 999_000, 999_000 * 999), share: 0.00001 };
    const wide = recordedLensTitle({ calls: 99_999, totalMs: 99_999 }, { times: 999, kind: 'request' }, true).padEnd(RECORDED_LENS_ROOM);
    for (const others of [[wide], ['~ cacheable: 95% hits at 60 s', wide]]) {
      for (const sites of [1, 12]) {
        const t = costLensTitle(widest, sites, costLensRoom(others), true);
        // Beside the recording alone the window is said; with a cache lens too it is the tooltip's when it does not fit.
        if (others.length === 1) assert.match(t, /999k calls since stats reset/, t);
        assert.ok([`~ ${t}`, ...others].join(' | ').length <= LENS_LINE_MAX, t);
      }
    }
  });
});

describe('core/record/lens: the recording\'s CodeLens says what it counts and whose time it is, in its room (person42 L4)', () => {
  it('calls, not statements; client time, not the server\'s; every variant within RECORDED_LENS_ROOM, and the line within LENS_LINE_MAX', () => {
    // person42: "4 statements · 214 ms · 1× per request" over a statement whose pg_stat_statements mean is 0.44 ms.
    assert.equal(recordedLensTitle({ calls: 4, totalMs: 214 }, { times: 1, kind: 'request' }, false), '4 calls · 214 ms client time · 1× per request');
    assert.equal(recordedLensTitle({ calls: 1, totalMs: 2 }, undefined, false), '1 call · 2.00 ms client time');
    assert.equal(recordedLensTitle({ calls: 30, totalMs: 12 }, { times: 30 }, true), '30 calls · 12.0 ms client · 30× in one run: N+1');
    for (const calls of [1, 9, 99, 999, 9_999, 99_999, 9_999_999])
      for (const totalMs of [0.5, 99.9, 999, 99_999])
        for (const per of [undefined, { times: 1, kind: 'request' }, { times: 999, kind: 'request' }, { times: 99 }, { times: 9_999, kind: 'job' }])
          for (const n of [false, true]) {
            const t = recordedLensTitle({ calls, totalMs }, per, n);
            assert.ok(t.length <= RECORDED_LENS_ROOM, `${t.length}: ${t}`);
            assert.match(t, /^[\d.,k]+[kM]? calls? · \S+ ms client( time)?/, t);
            assert.doesNotMatch(t, /statement/);
            const line = [`~ ${costLensTitle({ stat: stat('1', 'q', 52 * 999_000, 999_000, 999_000 * 999), share: 0.00001 }, 12, costLensRoom([t.padEnd(RECORDED_LENS_ROOM)]))}`, t].join(' | ');
            assert.ok(line.length <= LENS_LINE_MAX, `${line.length}: ${line}`);
          }
  });

  it('its tooltip says the time is the application\'s round trips under the recording\'s load, not the server\'s mean', () => {
    const summary = { sites: [{ file: '/a.ts', line: 3, calls: 4, totalMs: 214, statements: [{ maxPerUnit: 1, maxUnitKind: 'request' }] }], nPlusOne: [] } as any;
    const [lens] = recordedLenses(summary, '/a.ts');
    assert.equal(lens.title, '4 calls · 214 ms client time · 1× per request');
    assert.match(lens.tooltip, /sent 4 statement calls, at most 1× per request, 214 ms in all as the application timed them — client round trips \(network, pool wait and the server's time, under the load the recording ran\), not the server's time alone/);
  });
});

describe("core/cost: PG Lens's own runs kept across a Reload Window, as a plain serialisable form (person50 issue 20)", () => {
  const sql = 'SELECT id FROM orders WHERE customer_id = $1';
  const epoch = { startedMs: 1_700_000_000_000, statsResetMs: 1_700_000_100_000 };
  const app = stat('42', sql, 500, 1100, 1100);

  it('a ledger written to JSON and read back in a new process leaves the same runs out of the same figures', () => {
    const own = new OwnRuns();
    own.atEpoch(epoch);
    own.record(sql, { calls: 100, rows: 100, totalMs: 130, serverMs: 4, startMs: 10, endMs: 20 }, '42');
    own.record(sql, { calls: 50, rows: 50, totalMs: 60, startMs: 30, endMs: 40 }, '42');
    const stored = JSON.parse(JSON.stringify(own.toKept()));
    const next = new OwnRuns();
    assert.equal(next.restore(stored, { ...epoch }), 2);
    assert.deepEqual(appFigures(app, next.get(sql, '42')), appFigures(app, own.get(sql, '42')));
    assert.deepEqual([appFigures(app, next.get(sql, '42'))!.calls, appFigures(app, next.get(sql, '42'))!.ownIncluded], [950, 50]);
    assert.equal(next.restore(stored, epoch), 0, 'a batch held already is not added twice (another window saved the same record)');
  });

  it('drops the kept runs when pg_stat_statements was reset since, or the server restarted (another start time): they are no longer counted', () => {
    const own = new OwnRuns();
    own.atEpoch(epoch);
    own.record(sql, { calls: 100, rows: 100, totalMs: 130, serverMs: 4 }, '42');
    const stored = own.toKept();
    for (const now of [{ ...epoch, statsResetMs: epoch.statsResetMs + 1 }, { ...epoch, startedMs: epoch.startedMs + 1 }]) {
      const next = new OwnRuns();
      assert.equal(next.restore(stored, now), 0);
      assert.equal(next.get(sql, '42'), undefined);
    }
    assert.equal(own.atEpoch({ ...epoch, statsResetMs: epoch.statsResetMs + 5 }), true, 'a reset seen in the session forgets the runs before it');
    assert.equal(own.get(sql, '42'), undefined);
  });

  it('on PostgreSQL 13 and older (no pg_stat_statements_info: a reset leaves no trace) the ledger is kept for the session only: nothing to store, nothing taken back', () => {
    const own = new OwnRuns();
    own.atEpoch({ startedMs: epoch.startedMs });
    own.record(sql, { calls: 100, rows: 100, totalMs: 130 }, '42');
    assert.equal(own.toKept(), undefined);
    assert.equal(own.get(sql, '42')!.calls, 100, 'the session still leaves them out');
    const stored = { epoch, batches: [{ key: matchKey(sql), queryid: '42', calls: 100, rows: 100, totalMs: 130, startMs: 1, endMs: 2 }] };
    assert.equal(new OwnRuns().restore(stored, { startedMs: epoch.startedMs }), 0);
  });

  it(`is bounded: the newest ${OWN_RUNS_KEEP} batches; malformed stored values and batches are left out`, () => {
    const own = new OwnRuns();
    own.atEpoch(epoch);
    for (let i = 0; i < OWN_RUNS_KEEP + 20; i++) own.record(`SELECT ${i} FROM t${i}`, { calls: 1, rows: 1, totalMs: 1, startMs: i, endMs: i }, String(i));
    const kept = own.toKept()!;
    assert.equal(kept.batches.length, OWN_RUNS_KEEP);
    assert.equal(Math.min(...kept.batches.map((b) => b.endMs)), 20, 'the oldest 20 dropped');
    assert.equal(new OwnRuns().toKept(), undefined, 'nothing to keep before any epoch or run');
    for (const bad of [undefined, null, 7, 'x', {}, { epoch: { startedMs: 1 }, batches: [] }, { epoch, batches: 'no' }]) assert.equal(parseKeptOwnRuns(bad), undefined, JSON.stringify(bad));
    const parsed = parseKeptOwnRuns({ epoch, batches: [null, { key: 'k', queryid: '1', calls: -1, rows: 1, totalMs: 1, startMs: 1, endMs: 1 }, { key: 'k', queryid: '1', calls: 2, rows: 1, totalMs: 1, startMs: 1, endMs: 1, serverMs: 0.5 }] });
    assert.deepEqual(parsed?.batches, [{ key: 'k', queryid: '1', calls: 2, rows: 1, totalMs: 1, startMs: 1, endMs: 1, serverMs: 0.5 }]);
  });
});

describe("core/cost: the cost lens's index-change baseline kept across a Reload Window, as a plain bounded form (person51 M-2)", () => {
  before(() => loadPgParser());
  const epoch = { startedMs: 1_000, statsResetMs: 2_000 };
  const ordersSql = 'SELECT id FROM orders WHERE status = $1';
  const pkey: [string, { name: string; table: string }] = ['1', { name: 'public.orders_pkey', table: 'public.orders' }];
  const idx: [string, { name: string; table: string }] = ['2', { name: 'public.orders_status_idx', table: 'public.orders' }];
  const other: [string, { name: string; table: string }] = ['3', { name: 'public.customers_pkey', table: 'public.customers' }];
  /** A window: 100 calls at 1.2 ms, DROP INDEX, 10 more calls. */
  const session = () => {
    const b = new CostBaselines();
    b.restore(undefined, epoch);
    b.observe(0, new Map([pkey, idx, other]), [stat('q', ordersSql, 120, 100, 100), stat('c', 'SELECT id FROM customers WHERE id = $1', 5, 50, 50)], 3600);
    b.observe(60_000, new Map([pkey, other]), [stat('q', ordersSql, 170, 110, 110)], 3660);
    return b;
  };
  const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

  it('a new CostBaselines restored from the kept form gives the same "since" figures when the first reading shows the same index set', () => {
    const b = session();
    const kept = json(b.toKept());
    assert.deepEqual(parseKeptCostBaseline(kept), kept, 'the form reads back as itself');
    assert.deepEqual((kept as { before: StatementStat[] }).before.map((s) => s.queryid), ['q'], 'only the statements on the changed tables are kept');
    const now = stat('q', ordersSql, 190, 115, 115);
    const title = (x: CostBaselines) => formatCostLensSince(figuresSince(now, x.current()?.before.get('q')), x.current()?.before.get('q'), x.current()!, 300_000);
    const reloaded = new CostBaselines();
    assert.equal(reloaded.restore(kept, epoch), true);
    reloaded.observe(90_000, new Map([pkey, other]), [now], 3690);
    assert.equal(title(reloaded), title(b));
    assert.match(title(reloaded), /^since index drop \(about 4 min\): .* · 15 calls · /);
    // The baseline's own reading then goes on: the next change has it as "previous".
    reloaded.observe(120_000, new Map([pkey, other, idx]), [now], 3720);
    assert.equal(reloaded.current()?.previous?.change, 'DROP INDEX orders_status_idx');
  });

  it('not used when another index change came while the window was closed, nor in another period (a reset, a restart)', () => {
    const kept = json(session().toKept());
    const changed = new CostBaselines();
    changed.restore(kept, epoch);
    changed.observe(90_000, new Map([pkey]), [stat('q', ordersSql, 190, 115, 115)], 3690);
    assert.equal(changed.current(), undefined, 'the index set is not the "after" side: start from this reading, as without one');
    const reset = new CostBaselines();
    assert.equal(reset.restore(kept, { ...epoch, statsResetMs: 9_000 }), false);
    reset.observe(90_000, new Map([pkey, other]), [stat('q', ordersSql, 190, 115, 115)], 10);
    assert.equal(reset.current(), undefined);
    // Restored after the first reading (the store loads while the lens reads): checked against that reading's set.
    const late = new CostBaselines();
    late.observe(90_000, new Map([pkey, other]), [stat('q', ordersSql, 190, 115, 115)], 3690);
    late.restore(kept, epoch);
    assert.equal(late.current()?.change, 'DROP INDEX orders_status_idx');
    // Before PostgreSQL 14 a reset leaves no trace: nothing is kept.
    const old = new CostBaselines();
    old.restore(undefined, { startedMs: 1_000 });
    old.observe(0, new Map([pkey, idx]), [stat('q', ordersSql, 120, 100, 100)]);
    old.observe(60_000, new Map([pkey]), [stat('q', ordersSql, 170, 110, 110)]);
    assert.ok(old.current());
    assert.equal(old.toKept(), undefined);
  });

  it('the parser rejects what is not one, drops malformed statements, and caps the figures', () => {
    const kept = json(session().toKept()) as Record<string, unknown>;
    for (const bad of [null, 3, 'x', {}, { ...kept, epoch: undefined }, { ...kept, atMs: -1 }, { ...kept, seenAtMs: 'x' }, { ...kept, change: '' }, { ...kept, tables: [] }, { ...kept, after: [1] }, { ...kept, added: [{ name: 1 }] }, { ...kept, before: 'x' }]) assert.equal(parseKeptCostBaseline(bad), undefined, JSON.stringify(bad));
    const withBad = parseKeptCostBaseline({ ...kept, before: [...(kept.before as unknown[]), { queryid: 'z', calls: -1 }, null] });
    assert.deepEqual(withBad?.before.map((s) => s.queryid), ['q']);
    const many = Array.from({ length: KEPT_BASELINE_STATEMENTS + 50 }, (_, i) => stat(String(i), ordersSql, i, i + 1, i));
    assert.equal(parseKeptCostBaseline({ ...kept, before: many })?.before.length, KEPT_BASELINE_STATEMENTS);
    const b = new CostBaselines();
    b.restore(undefined, epoch);
    b.observe(0, new Map([pkey, idx]), many, 3600);
    b.observe(60_000, new Map([pkey]), many, 3660);
    const capped = b.toKept()!;
    assert.equal(capped.before.length, KEPT_BASELINE_STATEMENTS);
    assert.equal(capped.before[0].calls, KEPT_BASELINE_STATEMENTS + 50, 'the most called kept');
  });
});

describe("core/cost: a reading holds only the Benchmark runs ended before it (person51 L-1)", () => {
  before(() => loadPgParser());
  const sql = 'SELECT id FROM customers WHERE email = $1';
  const title = (f: StatementStat | undefined) => costLensTitle({ stat: f!, share: 0.16 }, 1, 1000);

  it('the app\'s 39 calls read before a 100-run Benchmark are not said to be PG Lens\'s once the runs are noted; runs under way at the reading are said as such', () => {
    const own = new OwnRuns();
    // The Benchmark ran from 1,500 to 3,000 ms: 100 runs, their server time measured (80 ms).
    own.record(sql, { calls: 100, rows: 100, totalMs: 150, serverMs: 80, startMs: 1_500, endMs: 3_000 }, 'q');
    // Read at 1,000 ms, before the runs: the application's 39 calls only (was: "39 calls (up to 39 PG Lens's)").
    const early = appFiguresAt(stat('q', sql, 191, 39, 39), own, sql, 1_000);
    assert.equal(early?.calls, 39);
    assert.doesNotMatch(title(early), /PG Lens|Benchmark/);
    assert.match(title(early), / · 39 calls · /);
    // Read at 2,000 ms, during them: 39 of the app's and 50 of the runs' so far; how many are the runs' is not known then.
    const during = appFiguresAt(stat('q', sql, 231, 89, 89), own, sql, 2_000);
    assert.equal(during?.calls, 89);
    assert.match(title(during), / · 89 calls \(up to 89 from a Benchmark under way\)/);
    assert.match(formatCostTooltip({ stat: during!, share: 0.16, rank: 1 }, { statements: 1 }), /A Benchmark of this statement was under way at the reading: up to 89 of these calls/);
    // Read at 4,000 ms, after them: the runs left out at their time on the server.
    const after = appFiguresAt(stat('q', sql, 271, 139, 139), own, sql, 4_000);
    assert.deepEqual([after?.calls, after?.totalMs, after?.ownUnderWay], [39, 191, undefined]);
    assert.match(title(after), / · 39 calls · /);
  });
});

describe('core/cost: a Benchmark under way leaves its runs so far out of a reading (person52 M-1)', () => {
  before(() => loadPgParser());
  const sql = 'SELECT id, status FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 20';
  const title = (f: StatementStat | undefined) => costLensTitle({ stat: f!, share: 0.68 }, 1, 1000);

  it('the runs done by the reading come out of the calls and rows, and the lens and tooltip say a Benchmark is under way', () => {
    const own = new OwnRuns();
    const run = own.begin(sql, 'q');
    // 5,220 runs of 20 rows, 2 ms each by the client, ended at 1,001 … 6,220 ms; the reading was taken at 6,000 ms.
    for (let i = 1; i <= 5_220; i++) run.ran(20, 2, 1_000 + i);
    // Read at 6,000 ms: the application's 374 calls (4 rows each, 1,000 ms) and the 5,000 runs ended by then (12,600 ms).
    const read = stat('q', sql, 13_600, 5_374, 374 * 4 + 5_000 * 20);
    const during = appFiguresAt(read, own, sql, 6_000);
    assert.deepEqual([during?.calls, during?.rows, during?.totalMs, during?.ownRunning], [374, 374 * 4, 13_600, 5_000]);
    assert.match(title(during), /mean \(both incl\. 5,000 PG Lens runs, under way\) · 374 calls · 4\.0 rows\/call/);
    const tip = formatCostTooltip({ stat: during!, share: 0.68, rank: 1 }, { statements: 1 });
    assert.match(tip, /A Benchmark of this statement is under way: its 5,000 runs done by the reading are left out of the calls and rows/);
    assert.doesNotMatch(tip, /The application's figures only/);
    assert.match(tip, /Not the application's figures only/);
    // It ends at 7,000 ms and its batch is recorded (server time not measured: the app ran it meanwhile): nothing left under way.
    run.end();
    own.record(sql, { calls: 6_000, rows: 120_000, totalMs: 12_000, startMs: 1_000, endMs: 7_000 }, 'q');
    const after = appFiguresAt(stat('q', sql, 16_000, 6_489, 489 * 4 + 120_000), own, sql, 8_000);
    assert.deepEqual([after?.calls, after?.ownIncluded, after?.ownRunning], [489, 6_000, undefined]);
    assert.match(title(after), /mean \(both incl\. 6,000 PG Lens runs\) · 489 calls/);
    // The figures with none of PG Lens's runs in them say they are the application's only.
    assert.match(formatCostTooltip({ stat: stat('q', sql, 1_000, 374, 374), share: 0.1, rank: 1 }, { statements: 1 }), /The application's figures only/);
  });

  it('a second Benchmark under way after a first: the mean\'s runs are counted once, both Benchmarks\' (person53 L-1: "of 780 calls and those 6,000 runs" beside a mean of 8,127 runs)', () => {
    const own = new OwnRuns();
    own.record(sql, { calls: 6_000, rows: 120_000, totalMs: 12_000, startMs: 1_000, endMs: 7_000 }, 'q');
    const run = own.begin(sql, 'q');
    for (let i = 1; i <= 2_127; i++) run.ran(20, 2, 10_000 + i);
    const during = appFiguresAt(stat('q', sql, 19_900, 8_907, 780 * 4 + 8_127 * 20), own, sql, 13_000);
    assert.deepEqual([during?.calls, during?.ownIncluded, during?.ownRunning], [780, 8_127, 2_127]);
    assert.match(title(during), /mean \(both incl\. 8,127 PG Lens runs, under way\) · 780 calls/);
    const tip = formatCostTooltip({ stat: during!, share: 0.61, rank: 1 }, { statements: 1 });
    assert.match(tip, /the mean \(of 780 calls, those 6,000 runs and the 2,127 runs of the Benchmark under way\)/);
    assert.doesNotMatch(tip, /of 780 calls and those 6,000 runs\)/);
  });

  it('a window between two readings (a recording\'s) counts the runs under way that ended in it', () => {
    const own = new OwnRuns();
    const run = own.begin(sql, 'q');
    for (let i = 1; i <= 100; i++) run.ran(20, 2, i * 10);
    assert.deepEqual(own.get(sql, 'q', { after: 500 }), { calls: 50, rows: 1_000, totalMs: 100, measured: { calls: 0, rows: 0, serverMs: 0 }, running: 50 });
    assert.equal(own.get(sql, 'other'), undefined, 'another entry');
    run.end();
    assert.equal(own.get(sql, 'q'), undefined);
  });
});

describe('core/cost: a lens on a line whose figures are not its own (person55 M-1)', () => {
  // person55: src/typo.ts:4 `status = 'refundd'` (never true: value-not-allowed) and :10 `status = 'pending'` (never called)
  // wore src/orders.ts:70's "127 calls · 165 rows/call · shared by 3 call sites" — 'refunded''s rows, on lines that return none or thousands.
  const refunded = { stat: stat('9', 'SELECT … FROM orders WHERE status = $1 ORDER BY placed_at DESC', 470, 127, 127 * 165), share: 0.031 };

  it('an entry other constants share gives its calls "of this shape" and no rows per call', () => {
    const title = costLensTitle(refunded, { callSites: 3, shape: true });
    assert.equal(title, '3.1% of DB time · 3.7 ms mean · 127 calls of this shape (3 call sites)');
    assert.doesNotMatch(title, /rows\/call/);
    assert.match(costLensTitle(refunded, 3), /127 calls · 165 rows\/call · shared by 3 call sites$/, 'the same text at three places: the rows are that statement\'s');
  });

  it('a line PG Lens proves never true (or failing) says so first, then the entry\'s calls; its tooltip says whose they are', () => {
    assert.equal(costLensTitle(refunded, { callSites: 3, shape: true, never: 'no-rows' }), 'never true here: returns no rows · 127 calls of this shape (3 call sites)');
    assert.equal(costLensTitle(refunded, { callSites: 1, never: 'fails' }), 'always fails here (a label its enum does not have) · 127 calls');
    assert.equal(costLensTitle(refunded, { callSites: 3, shape: true, never: 'no-rows' }, 40), 'never true here: returns no rows');
    const tip = formatCostTooltip({ ...refunded, rank: 2 }, { statements: 9, otherConstants: ['src/orders.ts:70'], never: 'no-rows' });
    assert.match(tip, /^This line's condition is never true: it returns no rows \(see value-not-allowed\)\. The figures below are its entry's, most or all of them the other constants' calls\./);
  });

  it('since an index change: the same, counted from the change', () => {
    const b = { seenAtMs: 0, change: 'CREATE INDEX orders_status_idx' };
    const since = stat('9', 'q', 62, 105, 105 * 165);
    assert.equal(formatCostLensSince(since, undefined, b, 240_000, { callSites: 3, shape: true }), 'since new index (about 4 min): 0.59 ms mean · 105 calls of this shape (3 call sites)');
    assert.equal(formatCostLensSince(since, undefined, b, 240_000, { callSites: 3, shape: true, never: 'no-rows' }), 'never true here: returns no rows · 105 calls of this shape (3 call sites)');
  });
});

describe('core/cost: a second index on the table leaves the first one\'s "since" to the statement it serves (person55 M-2)', () => {
  it('the newest change its plan does not use gives way to the change before it that its plan uses', () => {
    const b = new CostBaselines();
    const ix = (oid: string, name: string): [string, { name: string; table: string }] => [oid, { name: `public.${name}`, table: 'public.orders' }];
    const pkey = ix('1', 'orders_pkey');
    const status = ix('2', 'orders_status_idx');
    const customer = ix('3', 'orders_customer_id_placed_at_desc_idx');
    const refunded = 'SELECT id FROM orders WHERE status = $1 ORDER BY placed_at DESC';
    const q = (calls: number, totalMs: number) => [stat('9', refunded, totalMs, calls, calls)];
    b.observe(0, new Map([pkey]), q(100, 460), 3600);
    b.observe(30_000, new Map([pkey, status]), q(110, 464), 3630); // CREATE INDEX orders_status_idx
    b.observe(60_000, new Map([pkey, status]), q(150, 480), 3660);
    b.observe(90_000, new Map([pkey, status, customer]), q(160, 484), 3690); // CREATE INDEX orders_customer_id_placed_at_desc_idx
    const plan = { atMs: 95_000, indexes: [{ schema: null, name: 'orders_status_idx' }] };
    const r = baselineFor(b.current(), refunded, plan);
    assert.equal(r.since?.change, 'CREATE INDEX orders_status_idx', 'counted from the index its plan uses');
    assert.equal(r.since?.atMs, 0);
    assert.equal(r.notUsed, "CREATE INDEX orders_customer_id_placed_at_desc_idx: this statement's plan does not use it, so the figures are not counted from it");
    // A statement that uses neither: the whole history, as before.
    assert.equal(baselineFor(b.current(), 'SELECT id FROM orders WHERE total_cents > $1', { atMs: 95_000, indexes: [] }).since, undefined);
    // Kept across a Reload Window: the previous change keeps what it needs.
    b.restore(undefined, { startedMs: 1, statsResetMs: 1 });
    const kept = parseKeptCostBaseline(JSON.parse(JSON.stringify(b.toKept())));
    assert.deepEqual(kept?.previous?.added, [{ name: 'public.orders_status_idx', table: 'public.orders' }]);
  });
});
