import * as assert from 'node:assert/strict';
import { blockingChains, computeRates, statementsAutoNote, statementsMode, statementsWindowWords, statementView, topBy, type CounterSample, type StatementCounters } from '../../../../src/core/dashboard/live';
import { isOwnStatementText, OwnStatementMatcher, sqlShape } from '../../../../src/core/dashboard/ownStatements';
import { parseAction, actionKey } from '../../../../src/core/dashboard/actions';
import { qualifiedName, quoteIdent } from '../../../../src/core/sql/ident';

const db = (x: number): CounterSample['db'] => ({ xactCommit: x, xactRollback: x / 10, blksRead: x, blksHit: 9 * x, tupReturned: x, tupFetched: x, tupInserted: x, tupUpdated: 0, tupDeleted: 0, tempFiles: 0, tempBytes: 0, deadlocks: 0 });

describe('core/dashboard/live', () => {
  it('computeRates: per second from the server clock; none after a reset', () => {
    const a: CounterSample = { atMs: 1000, db: db(100), walBytes: 1000, checkpoints: { timed: 1, requested: 0 } };
    const b: CounterSample = { atMs: 3000, db: db(300), walBytes: 5000, checkpoints: { timed: 2, requested: 1 } };
    const r = computeRates(a, b)!;
    assert.equal(r.tps, (200 + 20) / 2);
    assert.equal(r.rollbacksPerSec, 10);
    assert.equal(r.walBytesPerSec, 2000);
    assert.equal(r.checkpoints, 2);
    assert.equal(r.cacheHitRatio, 0.9);
    assert.equal(computeRates(b, a), null);
    assert.equal(computeRates(undefined, a), null);
  });

  it("computeRates: Rows/s leaves the system catalogs' reads out (PG Lens's own nearly all) and says them apart; unknown, nothing left out (person51 L-8)", () => {
    const a: CounterSample = { atMs: 0, db: { ...db(100), tupReturned: 1_000, tupFetched: 500, catalogRows: 1_000 }, walBytes: null, checkpoints: null };
    const b: CounterSample = { atMs: 2000, db: { ...db(100), tupReturned: 201_000, tupFetched: 2_500, catalogRows: 201_000 }, walBytes: null, checkpoints: null };
    const r = computeRates(a, b)!;
    assert.equal(r.rowsReadPerSec, 1_000, '202,000 rows read in 2 s, 200,000 of them the catalogs\'');
    assert.equal(r.catalogRowsPerSec, 100_000);
    // A sample without the catalogs' figure (as before): every read counted, nothing said left out.
    const old = computeRates({ ...a, db: { ...db(100), tupReturned: 1_000, tupFetched: 500 } }, { ...b, db: { ...db(100), tupReturned: 201_000, tupFetched: 2_500 } })!;
    assert.equal(old.rowsReadPerSec, 101_000);
    assert.equal(old.catalogRowsPerSec, null);
  });

  it('statementView: deltas since the baseline, evicted entries from zero, our own left out, top n per key', () => {
    const s = (id: string, calls: number, totalMs: number, rows = 0): StatementCounters => ({ id, calls, totalMs, rows, sharedHit: 0, sharedRead: 0 });
    const base = new Map([['a', s('a', 10, 100)], ['b', s('b', 100, 10)], ['c', s('c', 50, 50)]]);
    const cur = [s('a', 12, 300), s('b', 5, 5), s('c', 50, 50), s('own', 1000, 1000), s('d', 1, 1)];
    const v = statementView(base, cur, 1, new Set(['own']));
    const byId = new Map(v.rows.map((r) => [r.id, r]));
    assert.equal(v.count, 4);
    assert.ok(!byId.has('own'));
    assert.deepEqual(byId.get('a')!.delta, { calls: 2, totalMs: 200, meanMs: 100, rows: 0, hitRatio: null });
    assert.equal(byId.get('b')?.delta.calls, 5); // evicted and re-added: counts from zero
    assert.ok(byId.has('c')); // top by total calls
  });

  it('statementView lists the same rows with the same figures as building every entry\'s figures did (thousands of entries, ties, evictions, our own)', () => {
    // The former statementView: figures for every entry, then the top n by each key.
    const hit = (h: number, r: number) => (h + r > 0 ? h / (h + r) : null);
    const fig = (c: Omit<StatementCounters, 'id'>) => ({ calls: c.calls, totalMs: c.totalMs, meanMs: c.calls > 0 ? c.totalMs / c.calls : 0, rows: c.rows, hitRatio: hit(c.sharedHit, c.sharedRead) });
    const reference = (baseline: Map<string, StatementCounters>, current: StatementCounters[], n: number, exclude: Set<string>) => {
      const all = current.filter((c) => !exclude.has(c.id)).map((c) => {
        const b = baseline.get(c.id);
        const delta = !b || b.calls > c.calls ? fig(c) : fig({ calls: c.calls - b.calls, totalMs: c.totalMs - b.totalMs, rows: c.rows - b.rows, sharedHit: c.sharedHit - b.sharedHit, sharedRead: c.sharedRead - b.sharedRead });
        return { id: c.id, total: fig(c), delta };
      });
      const chosen = new Set<string>();
      for (const key of ['totalMs', 'meanMs', 'calls', 'rows'] as const) {
        for (const which of ['total', 'delta'] as const) {
          for (const r of topBy(which === 'delta' ? all.filter((r) => r.delta.calls > 0) : all, (x) => x[which][key], n)) chosen.add(r.id);
        }
      }
      return { rows: all.filter((r) => chosen.has(r.id)), count: all.length };
    };
    let seed = 7;
    const rand = (k: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % k);
    // Few distinct values, so most scores tie (as 6,000 entries of one call each do on a panel's first refresh).
    const entry = (id: string): StatementCounters => ({ id, calls: rand(4), totalMs: rand(5) * 0.25, rows: rand(3), sharedHit: rand(3), sharedRead: rand(2) });
    for (let round = 0; round < 20; round++) {
      const before = Array.from({ length: 3000 }, (_, i) => entry(`q${i}`));
      const baseline = new Map(before.map((c) => [c.id, c]));
      // Some entries grew, some were made anew (fewer calls), some are new; every fifth id is ours.
      const current = before.map((c) => (rand(3) === 0 ? { ...c, calls: c.calls + rand(3), totalMs: c.totalMs + rand(4) * 0.5, rows: c.rows + rand(2) } : rand(7) === 0 ? entry(c.id) : c));
      for (let i = 0; i < 300; i++) current.push(entry(`new${i}`));
      const exclude = new Set(current.filter((_, i) => i % 5 === 0).map((c) => c.id));
      for (const n of [1, 20, 50]) {
        assert.deepEqual(statementView(baseline, current, n, exclude), reference(baseline, current, n, exclude), `round ${round}, top ${n}`);
        // A panel's first refresh: the baseline is the current read.
        const first = new Map(current.map((c) => [c.id, c]));
        assert.deepEqual(statementView(first, current, n, exclude), reference(first, current, n, exclude), `round ${round}, first refresh, top ${n}`);
      }
    }
  });

  it('topBy keeps the n largest in order', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    assert.deepEqual(topBy(xs, (x) => x, 5), [999, 998, 997, 996, 995]);
    assert.deepEqual(topBy(xs, (x) => x, 0), []);
  });

  it('blockingChains: roots, depths, and a cycle still shows', () => {
    const chains = blockingChains([
      { pid: 1, blockedBy: [], stateSeconds: 100 },
      { pid: 2, blockedBy: [1], stateSeconds: 20 },
      { pid: 3, blockedBy: [2], stateSeconds: 30 },
      { pid: 4, blockedBy: [1], stateSeconds: 5 },
    ]);
    assert.equal(chains.length, 1);
    assert.equal(chains[0].blocker, 1);
    assert.deepEqual(chains[0].waiters.map((w) => [w.pid, w.depth]), [[2, 1], [4, 1], [3, 2]]);
    assert.equal(chains[0].seconds, 30);
    const cycle = blockingChains([{ pid: 7, blockedBy: [8], stateSeconds: 1 }, { pid: 8, blockedBy: [7], stateSeconds: 1 }]);
    assert.equal(cycle.length, 1);
  });
});

describe('core/dashboard/live: Top statements says where its deltas count from (person47 L8)', () => {
  it('after Reset, "No statements ran since the statistics were reset" — not "since the panel opened", which stays the words at opening', () => {
    assert.equal(statementsWindowWords('reset', 'delta').empty, 'No statements ran since the statistics were reset.');
    assert.equal(statementsWindowWords('reset', 'delta').button, 'Showing: since the statistics were reset');
    assert.equal(statementsWindowWords('reset', 'delta').column, 'Calls since reset');
    assert.equal(statementsWindowWords('opened', 'delta').empty, 'No statements ran since the panel opened.');
    assert.equal(statementsWindowWords(undefined, 'delta').button, 'Showing: since the panel opened', 'a list without a window (older reader): the opening');
    assert.equal(statementsWindowWords('restarted', 'delta').empty, 'No statements ran since the deltas were restarted.');
    assert.equal(statementsWindowWords('reset', 'total').empty, 'No statements since pg_stat_statements was reset.', 'totals count from the reset whatever the deltas do');
    assert.equal(statementsWindowWords('opened', 'total').button, 'Showing: totals');
  });

  it('a panel just opened shows the totals until a statement runs in its window, then that window; a mode chosen stays (person49 L-10)', () => {
    const row = (deltaCalls: number) => ({ delta: { calls: deltaCalls, totalMs: deltaCalls, meanMs: 1, rows: deltaCalls, hitRatio: null } });
    assert.deepEqual(statementsMode(undefined, [row(0), row(0)]), { mode: 'total', automatic: true }, 'nothing ran since the panel opened: what the database has');
    assert.deepEqual(statementsMode(undefined, []), { mode: 'total', automatic: true });
    assert.deepEqual(statementsMode(undefined, [row(0), row(3)]), { mode: 'delta', automatic: true }, 'a statement ran in the window: the window');
    assert.deepEqual(statementsMode(undefined, [row(0)], true), { mode: 'delta', automatic: true }, 'once turned to the window, it stays there');
    assert.deepEqual(statementsMode('delta', [row(0)]), { mode: 'delta', automatic: false }, 'chosen: kept, empty or not');
    assert.deepEqual(statementsMode('total', [row(3)]), { mode: 'total', automatic: false });
    assert.equal(statementsAutoNote('opened'), 'Showing the totals since pg_stat_statements was reset: no statement has run since the panel opened yet. The list turns to what ran since the panel opened when one does.');
    assert.match(statementsAutoNote('restarted'), /no statement has run since the deltas were restarted yet/);
  });
});

describe('core/dashboard/ownStatements', () => {
  it('recognises our statements without the marker PostgreSQL 18 strips, with lists squashed', () => {
    const m = new OwnStatementMatcher([`/* pg-lens */ SELECT a FROM t WHERE x = ANY (ARRAY['a', 'b']) AND y = $1 AND z IS NULL AND w = true`]);
    assert.ok(m.isOwn('SELECT a FROM t WHERE x = ANY (ARRAY[$2 /*, ... */]) AND y = $1 AND z IS NULL AND w = $3'));
    assert.ok(m.isOwn('/* pg-lens */ SELECT anything'));
    assert.ok(m.isOwn('ANALYZE public.orders\n/* pg-lens */'), 'the marker at the end (where PG Lens sends it) counts too');
    assert.ok(!m.isOwn('SELECT a FROM t WHERE x = $1'));
    assert.equal(sqlShape('SELECT  1,  2 FROM t'), 'select ? from t');
  });
});

describe('core/dashboard/ownStatements (texts that cannot have our shape)', () => {
  it('tells the same as comparing shapes: our statements in any case and spacing, with literals, comments and squashed lists, and nothing else', () => {
    const ours = [
      `/* pg-lens */ SELECT c.oid::int8 AS oid, pg_stat_get_numscans(c.oid)::float8 AS scans FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'i'`,
      `/* pg-lens */ SELECT queryid::text AS id, sum(calls)::float8 AS calls FROM pg_stat_statements(false) WHERE queryid <> ALL ($1::bigint[]) GROUP BY queryid`,
      `/* pg-lens */ SELECT extract(epoch FROM clock_timestamp())::float8 * 1000 AS now_ms, current_setting('max_connections')::int AS max_connections`,
      `/* pg-lens */ DISCARD ALL`,
      `/* pg-lens */ SELECT a FROM t WHERE x = ANY (ARRAY['a', 'b']) AND y = $1 AND z IS NULL AND w = true`,
    ];
    const m = new OwnStatementMatcher(ours);
    const shapes = new Set(ours.map(sqlShape));
    const reference = (text: string) => isOwnStatementText(text) || shapes.has(sqlShape(text));
    // As pg_stat_statements stores them: no leading marker, constants as $n, upper-cased, spacing changed, a comment inside.
    const stored = ours.map((t) => t.replace(/^\/\* pg-lens \*\/\s*/, '').replace(/'[^']*'/g, '$9').toUpperCase().replace(/,\s*/g, ',\n  ').replace(/\sFROM\s/, ' /* x */ FROM '));
    const apps = ['SELECT count(*) FROM t1 WHERE a = $1', 'select id, v from work where id = $1', 'INSERT INTO orders (id, total) VALUES ($1, $2)', "UPDATE pg_lens_like SET x = 'pg_class' WHERE id = 1", 'SELECT 1', 'DISCARD PLANS', 'SELECT a FROM t WHERE x = $1'];
    for (const text of [...stored, ...apps]) assert.equal(m.isOwn(text), reference(text), text.slice(0, 80));
    for (const text of stored) assert.ok(m.isOwn(text), `ours: ${text.slice(0, 80)}`);
    for (const text of apps) assert.ok(!m.isOwn(text), `the app's: ${text}`);
  });
});

describe('core/dashboard/actions', () => {
  it('parseAction accepts exact shapes only', () => {
    assert.deepEqual(parseAction({ kind: 'analyze', oid: 16384 }), { kind: 'analyze', oid: 16384 });
    assert.deepEqual(parseAction({ kind: 'cancel-backend', pid: 42, backendStart: '2026-01-01 10:00:00.1+00' }), { kind: 'cancel-backend', pid: 42, backendStart: '2026-01-01 10:00:00.1+00' });
    for (const bad of [
      null, 'analyze', [], { kind: 'drop-table', oid: 1 }, { kind: 'analyze', oid: '1' }, { kind: 'analyze', oid: 1.5 }, { kind: 'analyze', oid: -1 },
      { kind: 'analyze', oid: 1, schema: 'x' }, { kind: 'cancel-backend', pid: 42 }, { kind: 'cancel-backend', pid: 42, backendStart: "x'; DROP TABLE t; --" },
      { kind: 'reset-statements', oid: 1 }, { kind: 'analyze', oid: 2 ** 40 },
    ]) assert.equal(parseAction(bad), undefined, JSON.stringify(bad));
    assert.equal(actionKey({ kind: 'terminate-backend', pid: 1, backendStart: 'b' }), 'terminate-backend:1:b');
  });
});

describe('core/sql/ident', () => {
  it('quotes part by part like quote_ident', () => {
    assert.equal(quoteIdent('orders'), 'orders');
    assert.equal(quoteIdent('Orders'), '"Orders"');
    assert.equal(quoteIdent('user'), '"user"');
    assert.equal(quoteIdent('a"b'), '"a""b"');
    assert.equal(quoteIdent('ü'), '"ü"');
    assert.equal(qualifiedName('my.schema', 't.x'), '"my.schema"."t.x"');
    assert.throws(() => quoteIdent(''));
  });
});

describe('core/dashboard/ownStatements (long texts)', () => {
  it('a text cut short when read still matches as a prefix of our own', () => {
    const long = `/* pg-lens */ SELECT ${Array.from({ length: 100 }, (_, i) => `col_${i}`).join(', ')} FROM t WHERE x = 'abc'`;
    const m = new OwnStatementMatcher([long]);
    const stored = long.slice('/* pg-lens */ '.length).replace("'abc'", '$1');
    assert.ok(m.isOwn(stored.slice(0, 400), true));
    assert.ok(!m.isOwn(stored.slice(0, 400), false));
    assert.ok(!m.isOwn('SELECT col_0, col_1 FROM t', true));
  });
});
