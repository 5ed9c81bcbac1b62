/**
 * Issue 20, person17 (django-locallibrary): index advice that never says "no index" for what it did not try, that finds
 * the index for an ORM's default ordering over a join, whose automatic estimate agrees with what Suggest Indexes proves,
 * and that builds one trial index once.
 *  - HIGH 4 (b): `Meta.ordering = ['title', 'author']` + ListView pagination sends ORDER BY book.title,
 *    author.last_name, author.first_name LIMIT 10 OFFSET $1 over a LEFT JOIN: `books (title)` is proved.
 *  - HIGH 4 (a): above the size limit for a real trial index nothing is built, and the answer says so with the setting.
 *  - MEDIUM 5: `filter(status='o').order_by('due_back')` (a quarter of the rows) gets `(status, due_back)` as estimated
 *    advice from the automatic path (diagnostics, hovers), not "no index"; Suggest Indexes then proves the same index.
 *  - MEDIUM 9: the same proof is reused across advice calls on one connection: CREATE INDEX counted by pg_stat_statements.
 * HypoPG proves on the PG15 path (scripts/pg15.sh); a real index in a rolled-back transaction otherwise (forced below
 * where the test is about real builds).
 */
import { strict as assert } from 'node:assert';
import { adviseStatement } from '../../../src/db/advisor';
import { newTrialProofs } from '../../../src/db/trialProofs';
import type { Database } from '../../../src/db/database';
import { IndexDecider } from '../../../src/db/indexDecision';
import { adviseWorkload } from '../../../src/db/workload';
import { noIndexAnswer } from '../../../src/core/advice/missingIndex';
import { extraSession, statementStats, testDatabase } from '../support';
import type { Client } from 'pg';

const DJANGO_BOOK_LIST = `SELECT "books"."id", "books"."title", "books"."author_id", "books"."summary" FROM "books" LEFT OUTER JOIN "authors" ON ("books"."author_id" = "authors"."id") ORDER BY "books"."title" ASC, "authors"."last_name" ASC, "authors"."first_name" ASC LIMIT 10 OFFSET $1`;
const BORROWED = `SELECT "loans"."id", "loans"."book_id", "loans"."due_back", "loans"."status" FROM "loans" WHERE "loans"."status" = 'o' ORDER BY "loans"."due_back" ASC LIMIT 10`;

describe('db/advisor: untried candidates said as such, the ORM ordering over a join, estimates that agree with proofs, proofs reused (real PostgreSQL)', function () {
  this.timeout(180000);
  const t = testDatabase('advuntried');
  let db: Database;
  let info: Awaited<ReturnType<Database['serverInfo']>>;
  let counted = false;
  const sessions: Client[] = [];
  after(async () => {
    for (const c of sessions) await c.end().catch(() => undefined);
  });

  /** Real CREATE INDEX statements the server ran in this database (rolled back or not). */
  const builds = async (): Promise<number> =>
    Number((await t.admin.query(`SELECT coalesce(sum(calls), 0)::int AS n FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query ~* '^\\s*(/\\*.*?\\*/\\s*)?CREATE\\s+INDEX'`)).rows[0].n);

  before(async () => {
    await t.admin.query(`CREATE TABLE authors (id bigint PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL);
      INSERT INTO authors SELECT g, 'first ' || (g % 300), 'last ' || md5(g::text) FROM generate_series(1, 5000) g;
      CREATE TABLE books (id bigint PRIMARY KEY, title text NOT NULL, author_id bigint REFERENCES authors (id), summary text NOT NULL);
      INSERT INTO books SELECT g, 'title ' || md5(g::text), 1 + g % 5000, repeat('s', 200) FROM generate_series(1, 60000) g;
      CREATE INDEX books_author_id_idx ON books (author_id);
      CREATE TABLE loans (id bigint PRIMARY KEY, book_id bigint NOT NULL, due_back date, status text NOT NULL);
      INSERT INTO loans SELECT g, 1 + g % 60000, date '2026-01-01' + (g % 400), (ARRAY['a', 'o', 'r', 'm'])[1 + g % 4] FROM generate_series(1, 120000) g;
      ANALYZE authors; ANALYZE books; ANALYZE loans;`);
    db = await t.open({ statementTimeoutMs: 60000 });
    info = await db.serverInfo();
    counted = await statementStats(t, 'no count of real builds: the reuse test is skipped');
  });

  it("Django's Meta.ordering over a LEFT JOIN with pagination: the driving table's leading ORDER BY key is proved (HIGH 4 b)", async () => {
    const r = await adviseStatement(db, DJANGO_BOOK_LIST, undefined, { info, maxTableSizeMb: 1000 });
    assert.equal(r.status, 'ok', r.message);
    const s = r.suggestions.find((x) => x.table === 'books');
    assert.ok(s, `an index on books: ${JSON.stringify({ tried: r.tried, rejected: r.rejected, notTried: r.notTried })}`);
    assert.deepEqual(s.columns, ['title']);
    assert.notEqual(s.verifiedBy, 'none');
    assert.ok(s.costAfter! < s.costBefore * 0.7, `${s.costBefore} → ${s.costAfter}`);
    assert.match(s.reason, /leading ORDER BY key title/);
  });

  it('above the size limit for a real trial index: nothing built, and the answer says "not tried" with the table, its size and the setting — never "no index" (HIGH 4 a)', async () => {
    const before = counted ? await builds() : 0;
    const r = await adviseStatement(db, DJANGO_BOOK_LIST, undefined, { info, proof: 'transaction', maxTableSizeMb: 1 });
    if (counted) assert.equal(await builds(), before, 'no trial index built on a table above the limit');
    assert.equal(r.suggestions.filter((s) => s.verifiedBy !== 'none').length, 0);
    assert.deepEqual(r.notTried?.map((x) => [x.index, x.why]), [['books (title)', 'size']]);
    const said = noIndexAnswer(r, { minCostReduction: 0.3, sizeSetting: 'pgLens.index.maxTableSizeMb' });
    assert.match(said, /^not tried: books is \d+ MB, above the size limit for a real trial index \(pgLens\.index\.maxTableSizeMb: 1 MB; raise it, or install HypoPG, which builds nothing\): books \(title\)$/);
    assert.doesNotMatch(said, /no index/i);
    // The workload advice's "what was weighed" says the same, and never "index proved" for an estimate.
    const w = await adviseWorkload(db, { info, proof: 'transaction', maxTableSizeMb: 1, extraStatements: [{ sql: DJANGO_BOOK_LIST, source: 'catalog/views.py:34' }] });
    const line = w.weighed.find((x) => /catalog\/views\.py:34/.test(x.label));
    assert.match(line?.outcome ?? '', /^(index estimated, not proved: books \(title\) — )?not tried: books is \d+ MB, above the size limit/, JSON.stringify(w.weighed));
    // Raised: proved.
    const raised = await adviseStatement(db, DJANGO_BOOK_LIST, undefined, { info, proof: 'transaction', maxTableSizeMb: 1000 });
    assert.equal(raised.suggestions[0]?.verifiedBy, 'transaction', JSON.stringify(raised.rejected));
    assert.equal(raised.notTried, undefined);
  });

  it("automatic advice (no real build) on an equality that keeps a quarter of the rows + ORDER BY + LIMIT: the composite as an estimate, which Suggest Indexes then proves (MEDIUM 5)", async () => {
    const auto = await adviseStatement(db, BORROWED, undefined, { info, proof: 'transaction', realIndexes: false });
    assert.equal(auto.status, 'ok');
    const est = auto.suggestions[0];
    assert.ok(est, `not "no index": ${JSON.stringify({ notTried: auto.notTried, rejected: auto.rejected })}`);
    assert.deepEqual(est.columns, ['status', 'due_back']);
    assert.equal(est.verifiedBy, 'none');
    assert.match(est.summary, /estimated, not proved: run Suggest Indexes to prove it/);
    // Suggest Indexes (the person asked): a real build proves the same index.
    const asked = await adviseStatement(db, BORROWED, undefined, { info, proof: 'transaction', realIndexes: true });
    assert.deepEqual(asked.suggestions[0]?.columns, ['status', 'due_back']);
    assert.equal(asked.suggestions[0]?.verifiedBy, 'transaction');
  });

  it("an estimate names the index a proof names: equality then the ORDER BY keys when the plan sorts for the LIMIT, not the equality's index alone (issue 20, person33: production named orders (customer_id), development (customer_id, placed_at DESC))", async () => {
    await t.admin.query(`CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, placed_at timestamptz NOT NULL, total_cents int NOT NULL);
      INSERT INTO orders SELECT g, g % 600, timestamptz '2026-01-01' + g * interval '7 minutes', g % 9000 FROM generate_series(1, 60000) g;
      ANALYZE orders;`);
    try {
      const sql = 'SELECT id, total_cents FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 20';
      const auto = await adviseStatement(db, sql, undefined, { info, proof: 'transaction', realIndexes: false });
      assert.equal(auto.suggestions[0]?.verifiedBy, 'none', JSON.stringify(auto.suggestions));
      const asked = await adviseStatement(db, sql, undefined, { info, proof: 'transaction', realIndexes: true });
      assert.equal(asked.suggestions[0]?.verifiedBy, 'transaction', JSON.stringify(asked.rejected));
      assert.deepEqual(asked.suggestions[0].columns, ['customer_id', 'placed_at DESC']);
      assert.equal(auto.suggestions[0].ddl, asked.suggestions[0].ddl);
    } finally {
      await t.admin.query('DROP TABLE orders');
    }
  });

  it("a table another session holds locked (autovacuum, an open transaction) is busy — its advice pending, never 'could not be tried' — and advice asked for tries again once the lock is gone", async () => {
    const sql = 'SELECT id FROM loans WHERE book_id = $1';
    const holder = await extraSession(t.url, 'lock holder', sessions);
    await holder.query('BEGIN');
    // What autovacuum's ANALYZE takes: a CREATE INDEX (SHARE) waits behind it.
    await holder.query('LOCK TABLE loans IN SHARE UPDATE EXCLUSIVE MODE');
    let released = false;
    try {
      const auto = await adviseStatement(db, sql, undefined, { info, proof: 'transaction', realIndexes: true, trialProofs: newTrialProofs() });
      assert.deepEqual(auto.notBuiltYet, [{ table: 'public.loans', why: 'busy' }], JSON.stringify({ rejected: auto.rejected, notTried: auto.notTried }));
      assert.ok(!auto.rejected.some((r) => /could not be tried/.test(r.why)), JSON.stringify(auto.rejected));
      // Asked for: the lock goes ~1 s into the advice; a later try builds and proves.
      setTimeout(() => void holder.query('COMMIT').then(() => (released = true)), 600);
      const asked = await adviseStatement(db, sql, undefined, { info, proof: 'transaction', realIndexes: true, askedFor: true, trialProofs: newTrialProofs() });
      assert.equal(asked.suggestions[0]?.verifiedBy, 'transaction', JSON.stringify({ rejected: asked.rejected, notTried: asked.notTried }));
      assert.deepEqual(asked.suggestions[0].columns, ['book_id']);
    } finally {
      if (!released) await holder.query('ROLLBACK').catch(() => undefined);
    }
  });

  it('the same trial index on the same statement is built once per connection: Suggest Indexes, then the workload advice and a new decision reuse the proof (MEDIUM 9)', async function () {
    if (!counted) return this.skip();
    const sql = `SELECT id FROM loans WHERE book_id = $1`;
    const lines: string[] = [];
    const opts = { info, proof: 'transaction' as const, realIndexes: true, log: (l: string) => lines.push(l) };
    const b0 = await builds();
    const first = await adviseStatement(db, sql, undefined, opts);
    assert.equal(first.suggestions[0]?.verifiedBy, 'transaction');
    const b1 = await builds();
    assert.ok(b1 > b0, 'the first advice built its trial index');
    // Two more advice calls on the connection (a decider as Suggest Indexes and the workload advice make one each).
    const again = await adviseStatement(db, sql, undefined, opts);
    const decider = new IndexDecider(db, opts);
    const decided = await decider.decide([{ sql, label: 'loans.go:3' }], { realIndexes: true });
    assert.equal(await builds(), b1, `no second build of the same trial index; log:\n${lines.join('\n')}`);
    assert.equal(again.suggestions[0]?.ddl, first.suggestions[0].ddl);
    assert.equal(again.suggestions[0]?.costAfter, first.suggestions[0].costAfter);
    assert.equal(decided.byStatement.get(sql)?.suggestions[0]?.ddl, first.suggestions[0].ddl);
    assert.ok((again.reusedProofs ?? 0) >= 1);
    assert.ok(lines.some((l) => /reused the proof of a trial index on loans made \d+ s ago \(nothing built\)/.test(l)), lines.join('\n'));
    // The schema changed (another index on the table): proved again.
    await t.admin.query('CREATE INDEX loans_status_idx ON loans (status)');
    try {
      await adviseStatement(db, sql, undefined, opts);
      assert.ok((await builds()) > b1 + 1, 'proved again after the table changed');
    } finally {
      await t.admin.query('DROP INDEX loans_status_idx');
    }
  });
});
