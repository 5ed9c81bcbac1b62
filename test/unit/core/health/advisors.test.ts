/** materialized-view-candidate, stale-materialized-view, refresh-cost, archive/partition-candidate and capacity-forecast on facts. */
import * as assert from 'node:assert/strict';
import { runHealthChecks, type HealthFacts, type MatviewFact, type TimeTableFact } from '../../../../src/core/health';
import type { HistorySnapshot } from '../../../../src/core/dashboard/history';
import { groupKeyColumns, refreshTarget } from '../../../../src/core/health/checks/matviews';
import { facts, workload } from './facts';

const run = (f: HealthFacts, id: string, t = {}) => runHealthChecks(f, t, [id]);
const DAY = 86_400_000;

describe('core/health materialized views', () => {
  const agg = { queryid: '-4242424242', query: 'SELECT kind, count(*) AS n FROM events GROUP BY kind', calls: 400, rows: 4000, meanMs: 80, tables: [{ schema: 'public', table: 'events', writes: 3 }] };

  it('materialized-view-candidate: a slow repeated aggregate over a quiet table, with the view, its unique index, the refresh and the rewritten query', () => {
    const [f] = run(facts({ workload: workload({ statements: [agg] }) }), 'materialized-view-candidate');
    assert.deepEqual(f.fixSql, [
      'CREATE MATERIALIZED VIEW public.events_summary_424242 AS SELECT kind, count(*) AS n FROM events GROUP BY kind;',
      'CREATE UNIQUE INDEX ON public.events_summary_424242 (kind);',
      'REFRESH MATERIALIZED VIEW CONCURRENTLY public.events_summary_424242;',
    ]);
    assert.equal(f.evidence.rewrittenQuery, 'SELECT * FROM public.events_summary_424242');
    assert.equal(f.evidence.savedMsEstimate, (400 - 3) * 80);
    assert.equal(f.evidence.schedule, 'application');
    const cron = run(facts({ workload: workload({ statements: [agg], pgCron: true }) }), 'materialized-view-candidate')[0];
    assert.match(cron.fixSql[3], /^SELECT cron\.schedule\('pg-lens refresh public\.events_summary_424242', '0 \* \* \* \*', 'REFRESH MATERIALIZED VIEW CONCURRENTLY public\.events_summary_424242;'\);$/);
  });

  it('materialized-view-candidate: silent on fast, rare, busy-table, volatile or plain statements; no SQL for normalized constants', () => {
    for (const s of [{ ...agg, meanMs: 2 }, { ...agg, calls: 50 }, { ...agg, tables: [{ ...agg.tables[0], writes: 100 }] }, { ...agg, query: 'SELECT count(*) FROM events WHERE at > now()' }, { ...agg, query: 'SELECT id, kind FROM events' }])
      assert.deepEqual(run(facts({ workload: workload({ statements: [s] }) }), 'materialized-view-candidate'), [], s.query);
    const [p] = run(facts({ workload: workload({ statements: [{ ...agg, query: 'SELECT kind, count(*) FROM events WHERE kind > $1 GROUP BY kind' }] }) }), 'materialized-view-candidate');
    assert.deepEqual(p.fixSql, []);
    assert.match(p.help!, /constants replaced by \$n/);
  });

  it('groupKeyColumns: output names of plain GROUP BY keys (alias, position); undefined for expressions', () => {
    assert.deepEqual(groupKeyColumns('SELECT e.kind AS k, day, sum(x) FROM events e GROUP BY e.kind, day'), ['k', 'day']);
    assert.deepEqual(groupKeyColumns('SELECT kind, count(*) FROM events GROUP BY 1'), ['kind']);
    assert.equal(groupKeyColumns("SELECT date_trunc('day', at), count(*) FROM events GROUP BY 1"), undefined);
    assert.equal(groupKeyColumns('SELECT count(*) FROM events'), undefined);
  });

  const mv: MatviewFact = { oid: 16500, schema: 'public', name: 'daily totals', populated: true, scans: 40, sizeBytes: 8192, hasUniqueIndex: false, uniqueColumns: ['day'], sources: [{ schema: 'public', table: 'orders', writes: 500 }], refreshMark: '900:0' };

  it('refreshTarget reads quoted, qualified and CONCURRENTLY names', () => {
    assert.deepEqual(refreshTarget('REFRESH MATERIALIZED VIEW CONCURRENTLY "My"."daily totals"'), { schema: 'My', name: 'daily totals', concurrently: true });
    assert.deepEqual(refreshTarget('refresh materialized view Daily'), { name: 'daily', concurrently: false });
    assert.equal(refreshTarget('SELECT 1'), undefined);
  });

  it('refresh-cost: a long refresh without a unique index, with the index to add; a view refreshed more than read', () => {
    const slow = { query: 'REFRESH MATERIALIZED VIEW "daily totals"', calls: 10, meanMs: 30_000 };
    const [f] = run(facts({ workload: workload({ matviews: [mv], refreshes: [slow] }) }), 'refresh-cost');
    assert.equal(f.severity, 'warning');
    assert.deepEqual(f.fixSql, ['CREATE UNIQUE INDEX CONCURRENTLY ON public."daily totals" (day);', 'REFRESH MATERIALIZED VIEW CONCURRENTLY public."daily totals";']);
    assert.deepEqual(run(facts({ workload: workload({ matviews: [{ ...mv, hasUniqueIndex: true }], refreshes: [slow] }) }), 'refresh-cost'), [], 'CONCURRENTLY possible and read more than refreshed');
    const often = run(facts({ workload: workload({ matviews: [{ ...mv, hasUniqueIndex: true, scans: 3 }], refreshes: [{ ...slow, calls: 200, meanMs: 50 }] }) }), 'refresh-cost');
    assert.equal(often[0].severity, 'info');
    assert.match(often[0].message, /refreshed 200 times but read 3 times/);
    assert.deepEqual(run(facts({ workload: workload({ matviews: [mv], refreshes: null }) }), 'refresh-cost'), [], 'no pg_stat_statements: silent');
  });

  const snap = (atMs: number, matviews: HistorySnapshot['matviews'], extra: Partial<HistorySnapshot> = {}): HistorySnapshot =>
    ({ atMs, tps: null, connections: 1, cacheHitRatio: null, databaseBytes: null, tables: [], statements: [], matviews, ...extra });

  it('stale-materialized-view: unchanged mark across a day of history while its tables were written; silent when refreshed or without history', () => {
    const h = [snap(0, [{ schema: 'public', name: 'daily totals', refreshMark: '900:0', sourceWrites: 100 }]), snap(DAY + 1000, [{ schema: 'public', name: 'daily totals', refreshMark: '900:0', sourceWrites: 400 }])];
    const [f] = run(facts({ history: h, workload: workload({ matviews: [mv] }) }), 'stale-materialized-view');
    assert.equal(f.evidence.rowsWrittenSince, 400);
    assert.deepEqual(f.fixSql, ['REFRESH MATERIALIZED VIEW public."daily totals";']);
    assert.deepEqual(f.action, { kind: 'refresh-materialized-view', oid: 16500 }, 'the dashboard offers the refresh');
    assert.deepEqual(run(facts({ history: h, workload: workload({ matviews: [{ ...mv, refreshMark: '950:0' }] }) }), 'stale-materialized-view'), [], 'refreshed since');
    assert.deepEqual(run(facts({ history: h, workload: workload({ matviews: [{ ...mv, sources: [{ ...mv.sources[0], writes: 100 }] }] }) }), 'stale-materialized-view'), [], 'no writes since');
    assert.deepEqual(run(facts({ workload: workload({ matviews: [mv] }) }), 'stale-materialized-view'), [], 'no history');
  });
});

describe('core/health archive and partition candidates', () => {
  const events: TimeTableFact = {
    schema: 'public', table: 'events', column: 'created_at', columnType: 'timestamp with time zone', correlation: 0.99, sizeBytes: 20 * 1024 ** 3, reltuples: 2e8,
    inserted: 2e8, updated: 0, deleted: 0, oldShare: 0.7, oldest: '2026-01-03T00:00:00Z', newest: '2026-03-20T00:00:00Z', months: ['2026-01-01', '2026-02-01', '2026-03-01'], keyWithoutColumn: 'events_pkey',
  };
  const recent = { queryid: '7', query: 'SELECT count(*) FROM events WHERE created_at >= $1', calls: 900, rows: 900, meanMs: 3, tables: [{ schema: 'public', table: 'events', writes: 2e8 }] };
  const byId = { ...recent, queryid: '8', query: 'SELECT * FROM events WHERE id = $1', calls: 100 };

  it('archive-candidate: old share, reads on a recent range, a batched move to an archive table', () => {
    const [f] = run(facts({ workload: workload({ timeTables: [events], statements: [recent, byId] }) }), 'archive-candidate');
    assert.equal(f.evidence.rangeReadCalls, 900);
    assert.equal(f.evidence.freedBytesEstimate, Math.round(0.7 * 20 * 1024 ** 3));
    assert.deepEqual(f.fixSql, [
      'CREATE TABLE IF NOT EXISTS public.events_archive (LIKE public.events);',
      "WITH moved AS (DELETE FROM public.events WHERE ctid IN (SELECT ctid FROM public.events WHERE created_at < now() - interval '90 days' LIMIT 10000) RETURNING *) INSERT INTO public.events_archive SELECT * FROM moved;",
      'VACUUM (ANALYZE) public.events;',
    ]);
  });

  it('archive-candidate: silent when reads do not filter on the time range, the table is updated, the old share is small, or statements are unknown', () => {
    for (const [why, f] of [
      ['reads by id', facts({ workload: workload({ timeTables: [events], statements: [{ ...byId, calls: 2000 }, recent] }) })],
      ['updated', facts({ workload: workload({ timeTables: [{ ...events, updated: 1e8 }], statements: [recent] }) })],
      ['recent data', facts({ workload: workload({ timeTables: [{ ...events, oldShare: 0.1 }], statements: [recent] }) })],
      ['no pg_stat_statements', facts({ workload: workload({ timeTables: [events], statements: null }) })],
      ['small', facts({ workload: workload({ timeTables: [{ ...events, sizeBytes: 1e6 }], statements: [recent] }) })],
    ] as const)
      assert.deepEqual(run(f, 'archive-candidate'), [], why);
  });

  it('partition-candidate: monthly partitions over the data span, a copy per month and the swap; the key without the column is named', () => {
    const [f] = run(facts({ workload: workload({ timeTables: [events], statements: [recent] }) }), 'partition-candidate');
    assert.equal(f.fixSql[0], 'CREATE TABLE public.events_partitioned (LIKE public.events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE (created_at);');
    assert.ok(f.fixSql.includes("CREATE TABLE public.events_2026_04 PARTITION OF public.events_partitioned FOR VALUES FROM ('2026-04-01 00:00:00+00') TO ('2026-05-01 00:00:00+00');"));
    assert.ok(f.fixSql.includes("INSERT INTO public.events_partitioned SELECT * FROM public.events WHERE created_at < '2026-02-01 00:00:00+00';"));
    assert.match(f.help!, /events_pkey does not include created_at/);
    assert.deepEqual(run(facts({ workload: workload({ timeTables: [{ ...events, sizeBytes: 2 * 1024 ** 3 }], statements: [recent] }) }), 'partition-candidate'), [], 'below 10 GB');
  });
});

describe('core/health capacity-forecast', () => {
  const h = (n: number, stepMs: number, f: (i: number) => Partial<HistorySnapshot>): HistorySnapshot[] =>
    Array.from({ length: n }, (_, i) => ({ atMs: 1e12 + i * stepMs, tps: null, connections: 1, cacheHitRatio: null, databaseBytes: null, tables: [], statements: [], ...f(i) }));

  it('projects the database growth, transaction ids and sequences from history, with the history used and the confidence', () => {
    const hist = h(10, DAY, (i) => ({ databaseBytes: 1e9 + i * 1e8, nextXid: 1000 + i * 1e7, tables: [{ schema: 'public', name: 'events', bytes: 5e8 + i * 9e7 }], sequences: [{ schema: 'public', name: 'orders_id_seq', lastValue: 2e9 + i * 1e7, maxValue: 2147483647 }] }));
    const [f] = run(facts({ history: hist, databases: [{ name: 'app', frozenXidAge: 2e8 }] }), 'capacity-forecast', { capacityBudgetBytes: 3e9 });
    assert.equal(f.evidence.snapshots, 10);
    assert.equal(f.evidence.historyDays, 9);
    const db = f.evidence.database as any;
    assert.equal(db.bytesPerDay, 1e8);
    assert.equal(db.confidence, 'high');
    assert.equal((f.evidence.budget as any).daysLeft, 11, '(3e9 - 1.9e9) / 1e8');
    assert.equal((f.evidence.transactionIds as any).daysToWraparound, Math.round(((2 ** 31 - 3e6 - 2e8) / 1e7) * 10) / 10);
    assert.deepEqual((f.evidence.sequences as any[]).map((s) => s.sequence), ['public.orders_id_seq']);
    assert.equal(f.severity, 'warning', 'budget in 11 days and the sequence in about 5');
    assert.deepEqual((f.evidence.fastestTables as any[])[0].table, 'public.events');
  });

  it('is silent without enough history (too few snapshots, too short a span) and says info when nothing is near', () => {
    assert.deepEqual(run(facts({ history: h(2, DAY, (i) => ({ databaseBytes: 1e9 + i })) }), 'capacity-forecast'), []);
    assert.deepEqual(run(facts({ history: h(20, 60_000, (i) => ({ databaseBytes: 1e9 + i })) }), 'capacity-forecast'), [], '20 minutes of history');
    assert.deepEqual(run(facts({}), 'capacity-forecast'), []);
    const [f] = run(facts({ history: h(5, DAY, (i) => ({ databaseBytes: 1e9 + i * 1e6 })) }), 'capacity-forecast');
    assert.equal(f.severity, 'info');
  });
});
