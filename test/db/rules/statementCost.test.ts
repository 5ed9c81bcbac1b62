/**
 * Production cost: statements run by a plain pg client (as an application would) appear in
 * pg_stat_statements; readStatementCosts reads them, queryIdOf finds the same identifier from
 * EXPLAIN (VERBOSE), and CostIndex matches the SQL as written in code to them.
 */
import * as assert from 'node:assert/strict';
import { Client } from 'pg';
import { baselineFor, CostBaselines, CostIndex, figuresSince, formatCostLens, formatCostLensSince } from '../../../src/core/cost';
import { loadPgParser } from '../../../src/core/sql/statement';
import type { Database } from '../../../src/db/database';
import { queryIdOf, readIndexNames, readStatementCosts } from '../../../src/db/queryStats';
import { decisionStatements } from '../../../src/db/indexDecision';
import { explain } from '../../../src/db/explain';
import { announceFallback, capabilities, statementStats, testDatabase } from '../support';

describe('db/queryStats (cost): pg_stat_statements behind the cost CodeLens', function () {
  const t = testDatabase('cost');
  let db: Database;
  let pss = false;

  before(async function () {
    if (!(await statementStats(t, 'the cost lens has nothing to show; only the read-only refusal path is tested'))) {
      db = await t.open();
      return;
    }
    await t.admin.query(`CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL, total numeric);
      INSERT INTO orders SELECT g, g % 100, g FROM generate_series(1, 5000) g; ANALYZE orders;`);
    pss = true;
    db = await t.open();
    await loadPgParser();
    // The "application": a plain client, extended protocol with parameters, many calls.
    const app = new Client({ connectionString: t.url, password: t.password });
    await app.connect();
    try {
      for (let i = 0; i < 50; i++) await app.query('SELECT id, total FROM orders WHERE user_id = $1 ORDER BY id LIMIT 5', [i]);
      for (let i = 0; i < 5; i++) await app.query('SELECT count(*) FROM orders WHERE total > 100');
    } finally {
      await app.end();
    }
  });

  it('reads statements of this database with calls, time and rows, leaving out our own', async function () {
    if (!pss) return this.skip();
    const costs = await readStatementCosts(db);
    const s = costs.stats.find((x) => x.query.includes('FROM orders WHERE user_id = $1'));
    assert.ok(s, JSON.stringify(costs.stats.map((x) => x.query)));
    assert.equal(s!.calls, 50);
    assert.equal(s!.rows, 250);
    assert.ok(s!.meanMs > 0 && s!.totalMs >= s!.meanMs, JSON.stringify(s));
    assert.ok(costs.totalMs >= s!.totalMs, `${costs.totalMs} ${s!.totalMs}`);
    assert.deepEqual(costs.stats.filter((x) => x.query.startsWith("/* pg-lens */")).map((x) => x.query), []);
  });

  it('matches the SQL as written in code by query identifier, and by text without it', async function () {
    if (!pss) return this.skip();
    const { versionNum } = await capabilities();
    const costs = await readStatementCosts(db);
    const idx = new CostIndex(costs.stats, costs.totalMs);
    const written = 'SELECT id, total\n  FROM orders\n  WHERE user_id = $1\n  ORDER BY id LIMIT 5';
    const id = await queryIdOf(db, written, { readsOnly: true });
    if (versionNum >= 140000) {
      assert.ok(id, 'EXPLAIN (VERBOSE) gives a query identifier (GENERIC_PLAN on 16+, PREPARE + EXPLAIN EXECUTE on 14–15)');
      assert.equal(idx.find('no text match on purpose', id)?.stat.calls, 50, 'the identifier equals pg_stat_statements.queryid');
    } else announceFallback('Query Identifier (PostgreSQL 14+)', 'statements are matched by normalised text');
    const byText = idx.find(written);
    assert.equal(byText?.stat.calls, 50);
    // Written with a constant in code: pg_stat_statements shows it as $1.
    const c = idx.find('SELECT count(*) FROM orders WHERE total > 250');
    assert.equal(c?.stat.calls, 5);
    assert.match(formatCostLens(c!), /^\d+(\.\d)?% of DB time · .* mean · 5 calls · 1\.0 rows\/call$/);
    // A write is never explained for its identifier.
    assert.equal(await queryIdOf(db, 'DELETE FROM orders WHERE id = 1', { readsOnly: true }), undefined);
    assert.equal((await t.admin.query('SELECT count(*)::int AS n FROM orders')).rows[0].n, 5000);
  });

  it("a statement sharing another's query identifier (its ORDER BY key not selected) gets no figures of the other (person26 MEDIUM-2)", async function () {
    if (!pss) return this.skip();
    const { versionNum } = await capabilities();
    if (versionNum < 140000) return void announceFallback('Query Identifier (PostgreSQL 14+)', 'statements are matched by normalised text only, where two different texts never meet');
    const app = new Client({ connectionString: t.url, password: t.password });
    await app.connect();
    try {
      for (let i = 0; i < 7; i++) await app.query('SELECT id, total FROM orders WHERE user_id = $1 ORDER BY total LIMIT 3', [i]);
    } finally {
      await app.end();
    }
    const idx = new CostIndex((await readStatementCosts(db)).stats);
    const ran = 'SELECT id, total FROM orders WHERE user_id = $1 ORDER BY total LIMIT 3';
    const neverRan = 'SELECT id FROM orders WHERE user_id = $1 ORDER BY total LIMIT 3';
    const [a, b] = [await queryIdOf(db, ran, { readsOnly: true }), await queryIdOf(db, neverRan, { readsOnly: true })];
    assert.ok(a);
    assert.equal(b, a, 'PostgreSQL gives both one identifier: the sort key left out of the select list is a junk target entry the jumble does not tell apart');
    assert.equal(idx.find(ran, a)?.stat.calls, 7);
    assert.equal(idx.find(neverRan, b), undefined, 'the statement that never ran has no figures');
  });

  it("a literal copy of the app's parameterised statement, never run, gets none of its figures; a client that splices values in still gets its own (person29 M3)", async function () {
    if (!pss) return this.skip();
    const { versionNum } = await capabilities();
    if (versionNum < 140000) return void announceFallback('Query Identifier (PostgreSQL 14+)', 'a literal copy is matched by normalised text: PG Lens cannot tell it from the statement');
    const app = new Client({ connectionString: t.url, password: t.password });
    await app.connect();
    try {
      // The app: extended protocol, $1 (src/customers.ts). Another app splices its values in (psycopg, Django): literals.
      for (let i = 0; i < 9; i++) await app.query('SELECT id, total FROM orders WHERE user_id = $1 ORDER BY id DESC LIMIT 20', [i]);
      for (let i = 0; i < 4; i++) await app.query(`SELECT id FROM orders WHERE total < ${i} ORDER BY id LIMIT 2`);
    } finally {
      await app.end();
    }
    const idx = new CostIndex((await readStatementCosts(db)).stats);
    const code = 'SELECT id, total FROM orders WHERE user_id = $1 ORDER BY id DESC LIMIT 20';
    const copy = 'SELECT id, total FROM orders WHERE user_id = 42 ORDER BY id DESC LIMIT 20'; // other/reports.sql, never run
    const [codeId, copyId] = [await queryIdOf(db, code, { readsOnly: true }), await queryIdOf(db, copy, { readsOnly: true })];
    assert.ok(codeId && copyId && codeId !== copyId, `pg_stat_statements gives a Const and a Param different identifiers: ${codeId} ${copyId}`);
    assert.equal(idx.find(code, codeId)?.stat.calls, 9, "the app's statement has its 9 calls");
    assert.equal(idx.find(copy, copyId), undefined, 'the copy that never ran has no figures');
    // The spliced client's statement as its code writes it ($1): its identifier is not the entry's (a Param, the entry a
    // Const), and it still gets the entry by its text.
    const spliced = 'SELECT id FROM orders WHERE total < $1 ORDER BY id LIMIT 2';
    assert.equal(idx.find(spliced, await queryIdOf(db, spliced, { readsOnly: true }))?.stat.calls, 4);
    // The workload weighs them with the same rule: the copy (listed first, so it would take the entry first) has no
    // calls recorded; the app's statement has its 9.
    const w = await decisionStatements(db, [{ sql: copy, source: 'other/reports.sql:2' }, { sql: code.replace('WHERE', '\n  WHERE'), source: 'src/customers.ts:26' }], { minCalls: 1 });
    const of = (source: string) => w.statements.find((x) => x.label.startsWith(source));
    assert.equal(of('other/reports.sql:2')?.calls, undefined, JSON.stringify(w.statements.map((x) => [x.label, x.calls])));
    assert.equal(of('src/customers.ts:26')?.calls, 9);
  });

  it('after CREATE INDEX the figures count from the reading before it; the whole history says its period', async function () {
    if (!pss) return this.skip();
    const { versionNum } = await capabilities();
    const q = 'SELECT id, total FROM orders WHERE total = $1';
    const app = new Client({ connectionString: t.url, password: t.password });
    await app.connect();
    try {
      for (let i = 0; i < 20; i++) await app.query(q, [i]);
      const baselines = new CostBaselines();
      const first = await readStatementCosts(db);
      if (versionNum >= 140000) assert.ok(first.resetAgeSeconds !== undefined && first.resetAgeSeconds >= 0, 'pg_stat_statements_info gives the period');
      else announceFallback('pg_stat_statements_info (PostgreSQL 14+)', 'the cost lens does not say since when its figures count');
      const names = await readIndexNames(db);
      assert.ok([...names.values()].some((i) => i.name === 'public.orders_pkey' && i.table === 'public.orders'), JSON.stringify([...names.values()]));
      const firstAt = Date.now();
      baselines.observe(firstAt, names, first.stats, first.resetAgeSeconds);
      assert.equal(baselines.current(), undefined, 'one reading: no change yet');
      await t.admin.query('CREATE INDEX orders_total_idx ON orders (total)');
      for (let i = 0; i < 7; i++) await app.query(q, [i]);
      const second = await readStatementCosts(db);
      const secondAt = Date.now();
      baselines.observe(secondAt, await readIndexNames(db), second.stats, second.resetAgeSeconds);
      assert.equal(baselines.current()?.change, 'CREATE INDEX orders_total_idx');
      // Counted from the reading before the change, aged from the one that saw it (person49 L-8).
      assert.deepEqual([baselines.current()?.atMs, baselines.current()?.seenAtMs], [firstAt, secondAt]);
      const now = second.stats.find((s) => s.query.includes('WHERE total = $1'))!;
      const before = baselines.current()!.before.get(now.queryid);
      assert.equal(now.calls, 27);
      assert.equal(before?.calls, 20);
      const since = figuresSince(now, before);
      assert.equal(since.calls, 7);
      assert.match(formatCostLensSince(since, before, baselines.current()!, secondAt + 300_000), /^since new index \(about 5 min\): .* mean · 7 calls · 0\.9 rows\/call · before: .* mean$/);
      // person37 L2: only a statement whose plan (made since the change) uses the new index counts from it; another
      // statement on the table, whose plan does not use it, is not credited with its load noise, and is told why.
      const other = 'SELECT id, total FROM orders WHERE user_id = $1 ORDER BY id DESC LIMIT 20';
      const base = baselines.current()!;
      assert.deepEqual(baselineFor(base, other, db.indexUse.planOf(other)), {}, 'no plan since the change: nothing credited');
      await explain(db, q);
      await explain(db, other);
      assert.ok(db.indexUse.planOf(q)?.indexes.some((i) => i.name === 'orders_total_idx'), JSON.stringify(db.indexUse.planOf(q)));
      assert.equal(baselineFor(base, q, db.indexUse.planOf(q)).since, base);
      const o = baselineFor(base, other, db.indexUse.planOf(other));
      assert.equal(o.since, undefined, JSON.stringify(db.indexUse.planOf(other)));
      assert.equal(o.notUsed, "CREATE INDEX orders_total_idx: this statement's plan does not use it, so the figures are not counted from it");
      // person49 M-2: a DROP INDEX is credited only to a statement whose plan before it used the index — both are planned
      // again after the drop (the hover would), and the plan before, kept beside the newest, decides.
      // The lens's next reading (every 30 s): no change; the drop comes after it.
      const mid = await readStatementCosts(db);
      baselines.observe(Date.now(), await readIndexNames(db), mid.stats, mid.resetAgeSeconds);
      assert.equal(baselines.current(), base, 'a reading without a change keeps the baseline');
      await t.admin.query('DROP INDEX orders_total_idx');
      const third = await readStatementCosts(db);
      baselines.observe(Date.now(), await readIndexNames(db), third.stats, third.resetAgeSeconds);
      const drop = baselines.current()!;
      assert.equal(drop.change, 'DROP INDEX orders_total_idx');
      await explain(db, q);
      await explain(db, other);
      assert.ok(!db.indexUse.planOf(q)?.indexes.some((i) => i.name === 'orders_total_idx'), 'planned since the drop: the index is gone from its plan');
      assert.equal(baselineFor(drop, q, db.indexUse.planOf(q)).since, drop, 'its plan before the drop used it: counted from the drop');
      const o2 = baselineFor(drop, other, db.indexUse.planOf(other));
      assert.equal(o2.since, undefined, 'never used it: the drop is not credited with its load noise');
      assert.equal(o2.notUsed, "DROP INDEX orders_total_idx: this statement's plan did not use it, so the figures are not counted from it");
    } finally {
      await app.end();
      await t.admin.query('DROP INDEX IF EXISTS orders_total_idx');
    }
  });

  it('works on a read-only production profile', async function () {
    if (!pss) return this.skip();
    const prod = await t.open({ profile: { ...t.profile, environment: 'production' } });
    assert.equal(prod.readOnly, true);
    const costs = await readStatementCosts(prod);
    assert.ok(costs.stats.length > 0);
    const { versionNum } = await capabilities();
    if (versionNum >= 140000) assert.ok(await queryIdOf(prod, 'SELECT count(*) FROM orders WHERE total > 100', { readsOnly: true }));
  });
});
