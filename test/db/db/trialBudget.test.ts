/**
 * Real trial builds are bounded on a connection (issue 20, person31 H2: a 12k-line file of 3,000 statements on orders
 * differing only by a constant, with pgLens.index.trialBuilds automatic, made PG Lens build and roll back the same 4
 * definitions ~800 times a minute — 7,044 builds, 5 GB of WAL, a write-blocking lock on orders each time). Builds are
 * counted by the server itself: pg_stat_statements' CREATE INDEX calls.
 */
import { strict as assert } from 'node:assert';
import { newTrialProofs, type TrialProofs } from '../../../src/db/trialProofs';
import type { Database } from '../../../src/db/database';
import { TRIAL_BUDGET_PER_MINUTE, TRIAL_BUDGET_PER_TABLE_PER_MINUTE, TrialBudget } from '../../../src/db/hypo';
import { decisionStatements, IndexDecider } from '../../../src/db/indexDecision';
import { statementStats, testDatabase } from '../support';
import { HUGE_FILE_STATEMENTS, NO_HYPOPG, ORDERS_TABLE } from './hugeFile';

const STATEMENTS = HUGE_FILE_STATEMENTS;

describe('db/trial budget: real trial builds are bounded per table and per minute on a connection (real PostgreSQL)', function () {
  this.timeout(600000);
  const t = testDatabase('trialbudget');
  let db: Database;
  let info: { versionNum: number; hypopg: 'unavailable'; pgTrgm: 'unavailable' };

  /** Real CREATE INDEX statements the server ran in this database (rolled back or not). */
  const builds = async (table = ''): Promise<number> =>
    Number((await t.admin.query(`SELECT coalesce(sum(calls), 0)::int AS n FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query ~* '^\\s*(/\\*.*?\\*/\\s*)?CREATE\\s+INDEX'
        AND strpos(query, $1) > 0`, [table])).rows[0].n);

  /**
   * The editor's decider with pgLens.index.trialBuilds automatic (indexAdvice.ts adviseOptions: realIndexes true), on a
   * connection of its own with a budget of its own (the connection's is its server's and role's, shared by every test
   * here), with the build count reset.
   */
  const freshDecider = async (): Promise<{ decider: IndexDecider; lines: string[]; budget: TrialBudget; proofs: TrialProofs }> => {
    const own = await t.open({ statementTimeoutMs: 60000 });
    await t.admin.query('SELECT pg_stat_statements_reset()');
    const lines: string[] = [];
    const budget = new TrialBudget();
    // And proofs of its own (the server's and role's are kept across connections: a test's builds would be reused).
    const proofs = newTrialProofs();
    return { decider: new IndexDecider(own, { info, realIndexes: true, trialBudget: budget, trialProofs: proofs, log: (l) => lines.push(l) }), lines, budget, proofs };
  };

  before(async function () {
    if (!(await statementStats(t, 'no count of real builds: these tests are skipped'))) return this.skip();
    await t.admin.query(ORDERS_TABLE);
    await t.admin.query(`CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL, country text NOT NULL);
      INSERT INTO customers SELECT g, 'c' || g || '@example.com', (ARRAY['DE','FR','US'])[1 + g % 3] FROM generate_series(1, 20000) g;
      CREATE TABLE wide (id bigint PRIMARY KEY, ${Array.from({ length: 30 }, (_, i) => `c${i + 1} int NOT NULL`).join(', ')});
      INSERT INTO wide SELECT g, ${Array.from({ length: 30 }, (_, i) => `(g * ${i + 7}) % 5000`).join(', ')} FROM generate_series(1, 30000) g;
      ANALYZE customers; ANALYZE wide;`);
    db = await t.open({ statementTimeoutMs: 60000 });
    info = { ...NO_HYPOPG, versionNum: (await db.serverInfo()).versionNum };
    await t.admin.query('SELECT pg_stat_statements_reset()');
  });

  it('a reconnect keeps the budget spent: a new connection to the same server and role builds nothing more this minute', async () => {
    // First here: the connection's budget is its server's and role's, and the last test spends it on orders. Its own table.
    await t.admin.query(`CREATE TABLE wide2 (id bigint PRIMARY KEY, ${Array.from({ length: 30 }, (_, i) => `c${i + 1} int NOT NULL`).join(', ')});
      INSERT INTO wide2 SELECT g, ${Array.from({ length: 30 }, (_, i) => `(g * ${i + 7}) % 5000`).join(', ')} FROM generate_series(1, 30000) g;
      ANALYZE wide2;`);
    const statements = Array.from({ length: 30 }, (_, i) => ({ sql: `SELECT id FROM wide2 WHERE c${i + 1} = $1`, label: `src/wide2.ts:${i + 1}` }));
    await t.admin.query('SELECT pg_stat_statements_reset()');
    const first = await t.open({ statementTimeoutMs: 60000 });
    await new IndexDecider(first, { info, realIndexes: true }).decide(statements.slice(0, 20), { focus: statements.slice(0, 20).map((s) => s.sql) });
    const spent = await builds(' ON public.wide2 ');
    assert.equal(spent, TRIAL_BUDGET_PER_TABLE_PER_MINUTE, `the first connection spent the table's budget (${spent} builds)`);
    // PG Lens reconnects (the server closed its sessions, Reconnect): a new Database, a new decider, the same server and role.
    await first.close();
    const again = await t.open({ statementTimeoutMs: 60000 });
    const decider = new IndexDecider(again, { info, realIndexes: true });
    await decider.decide(statements.slice(20), { focus: statements.slice(20).map((s) => s.sql) });
    const after = (await builds(' ON public.wide2 ')) - spent;
    assert.equal(after, 0, `${after} built again after the reconnect`);
    for (const s of statements.slice(20)) assert.ok(decider.advice.get(s.sql)?.notTried?.some((x) => x.why === 'budget'), `${s.sql}: held back by the budget`);
  });

  /**
   * A table of `columns` int columns, a read filtering on each, decided on a connection of its own (the store is the
   * server's and role's) that proves each read with a build and is then closed: the first half of a reconnect.
   */
  const provedThenClosed = async (table: string, columns: number) => {
    await t.admin.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY, ${Array.from({ length: columns }, (_, i) => `c${i + 1} int NOT NULL`).join(', ')});
      INSERT INTO ${table} SELECT g, ${Array.from({ length: columns }, (_, i) => `(g * ${i + 7}) % 5000`).join(', ')} FROM generate_series(1, 30000) g;
      ANALYZE ${table};`);
    const statements = Array.from({ length: columns }, (_, i) => ({ sql: `SELECT id FROM ${table} WHERE c${i + 1} = $1`, label: `src/${table}.ts:${i + 1}` }));
    const focus = statements.map((s) => s.sql);
    await t.admin.query('SELECT pg_stat_statements_reset()');
    const first = await t.open({ statementTimeoutMs: 60000 });
    await new IndexDecider(first, { info, realIndexes: true, trialBudget: new TrialBudget() }).decide(statements, { focus });
    const made = await builds(` ON public.${table} `);
    assert.ok(made >= columns, `the first connection proved each read with a build (${made})`);
    await first.close();
    return { statements, focus, made };
  };

  it('a reconnect reuses the proofs made before: a new connection to the same server and role, the tables unchanged, builds nothing again (person32 L2, person33 M1)', async () => {
    const { statements, focus, made } = await provedThenClosed('wide3', 3);
    // A profile switch and back, or Reconnect: a new Database and decider on the same server and role.
    const again = await t.open({ statementTimeoutMs: 60000 });
    const lines: string[] = [];
    const decider = new IndexDecider(again, { info, realIndexes: true, trialBudget: new TrialBudget(), log: (l) => lines.push(l) });
    await decider.decide(statements, { focus });
    const after = (await builds(' ON public.wide3 ')) - made;
    assert.equal(after, 0, `${after} built again after the reconnect (before: each definition built again on a new connection)`);
    for (const s of statements) assert.ok(decider.advice.get(s.sql)?.suggestions.some((x) => x.verifiedBy === 'transaction'), `${s.sql}: proved (the earlier proof reused)`);
    assert.ok(lines.some((l) => /reused the proof of a trial index on wide3 made \d+ s ago/.test(l)), lines.join('\n'));
    await again.close();
  });

  it('a reconnect a quarter of an hour later, the tables unchanged, still reuses the proofs (person36 M1: kept 10 minutes, 10 trial indexes were built again)', async () => {
    const { statements, focus, made } = await provedThenClosed('wide3q', 2);
    // Fifteen minutes on (the clock the proofs' age is read by), nothing changed on the table: Reconnect.
    const realNow = Date.now;
    const skew = 15 * 60_000;
    Date.now = () => realNow() + skew;
    try {
      const again = await t.open({ statementTimeoutMs: 60000 });
      await new IndexDecider(again, { info, realIndexes: true, trialBudget: new TrialBudget() }).decide(statements, { focus });
      await again.close();
    } finally {
      Date.now = realNow;
    }
    const after = (await builds(' ON public.wide3q ')) - made;
    assert.equal(after, 0, `${after} built again 15 minutes later on the unchanged table (before: every definition built again)`);
  });

  it("a statement pg_stat_statements recorded under PG Lens's own role is the code's statement: one proof serves both, nothing built twice (verify34: the same orders definitions built twice in one window, the workspace's decision with pg_stat_statements beside the file's)", async () => {
    await t.admin.query(`CREATE TABLE wide5 (id bigint PRIMARY KEY, c1 int NOT NULL, c2 int NOT NULL);
      INSERT INTO wide5 SELECT g, (g * 7) % 5000, (g * 11) % 5000 FROM generate_series(1, 30000) g;
      ANALYZE wide5;`);
    const sql = 'SELECT id FROM wide5 WHERE c1 = $1';
    await t.admin.query('SELECT pg_stat_statements_reset()');
    // The app's traffic, under the role PG Lens connects as (the demo's app and PG Lens share one).
    for (let i = 1; i <= 6; i++) await t.admin.query(sql, [i]);
    const proofs = newTrialProofs();
    const own = await t.open({ statementTimeoutMs: 60000 });
    // The open file's decision: the code's statement.
    await new IndexDecider(own, { info, realIndexes: true, trialBudget: new TrialBudget(), trialProofs: proofs }).decide([{ sql, label: 'src/wide5.ts:1' }], { focus: [sql] });
    const made = await builds(' ON public.wide5 ');
    assert.ok(made >= 1, `the file's decision proved the read with a build (${made})`);
    // The workspace's decision over pg_stat_statements' busiest (the dashboard's foreign keys, Advise Indexes for the Workload).
    const sources = await decisionStatements(own, [], { info: { pgStatStatements: 'ready' } });
    const recorded = sources.statements.find((x) => x.sql === sql);
    assert.ok(recorded, JSON.stringify(sources.statements.map((x) => x.sql)));
    assert.equal(recorded.userid, undefined, "planned as PG Lens's own role: no role to switch to");
    const lines: string[] = [];
    await new IndexDecider(own, { info, realIndexes: true, trialBudget: new TrialBudget(), trialProofs: proofs, log: (l) => lines.push(l) }).decide(sources.statements);
    assert.equal((await builds(' ON public.wide5 ')) - made, 0, `built again for the recorded copy:\n${lines.join('\n')}`);
    await own.close();
  });

  it('a proof made for a statement planned beside another\'s trial index is kept though its own advice never came (the decision cancelled): a new connection builds nothing for it', async () => {
    await t.admin.query(`CREATE TABLE wide4 (id bigint PRIMARY KEY, c1 int NOT NULL, c2 int NOT NULL);
      INSERT INTO wide4 SELECT g, (g * 7) % 5000, (g * 11) % 5000 FROM generate_series(1, 30000) g;
      ANALYZE wide4;`);
    const a = 'SELECT id FROM wide4 WHERE c1 = $1';
    const b = 'SELECT id FROM wide4 WHERE c1 = $1 LIMIT 10';
    const statements = [{ sql: a, label: 'src/wide4.ts:1' }, { sql: b, label: 'src/wide4.ts:2' }];
    const proofs = newTrialProofs();
    await t.admin.query('SELECT pg_stat_statements_reset()');
    const first = await t.open({ statementTimeoutMs: 60000 });
    const decider = new IndexDecider(first, { info, realIndexes: true, trialBudget: new TrialBudget(), trialProofs: proofs });
    // The file changed while its decision ran (analysis.ts cancels it): a's advice made, b's never reached.
    await decider.decide(statements, { focus: [a], isCancelled: () => decider.advice.has(a) });
    assert.ok(decider.advice.has(a) && !decider.advice.has(b), 'b was not advised in the cancelled decision');
    const made = await builds(' ON public.wide4 ');
    assert.ok(made >= 1, `a's candidates were built (${made}), b planned beside them`);
    await first.close();
    const again = await t.open({ statementTimeoutMs: 60000 });
    const lines: string[] = [];
    const next = new IndexDecider(again, { info, realIndexes: true, trialBudget: new TrialBudget(), trialProofs: proofs, log: (l) => lines.push(l) });
    await next.decide(statements, { focus: [b] });
    const after = (await builds(' ON public.wide4 ')) - made;
    assert.equal(after, 0, `${after} built again for b (before: b's proofs lived only in the cancelled decision's run); log:\n${lines.join('\n')}`);
    assert.ok(next.advice.get(b)?.suggestions.some((x) => x.verifiedBy === 'transaction'), JSON.stringify(next.advice.get(b)));
    await again.close();
  });

  it('two decisions at once on one decider (two files analysed): each trial index built once, not once per statement', async () => {
    const { decider, lines } = await freshDecider();
    await Promise.all([
      decider.decide(STATEMENTS, { focus: ['SELECT id FROM customers WHERE email = $1'] }),
      decider.decide(STATEMENTS, { focus: STATEMENTS.map((s) => s.sql) }),
    ]);
    const onOrders = await builds(' ON public.orders ');
    const considered = decider.advice.get(STATEMENTS[0].sql)?.considered ?? 0;
    // One statement's candidates, each built once (before: the decision that ended first cleared the other's run, and its
    // statements built them again each, up to the budget).
    assert.ok(onOrders >= 1 && onOrders <= considered, `${onOrders} real builds on orders for ${considered} candidates; log:\n${lines.filter((l) => /built|held back/.test(l)).slice(0, 20).join('\n')}`);
    assert.ok(![...decider.advice.values()].some((r) => r.notTried?.some((x) => x.why === 'budget')), 'nothing held back by the budget');
  });

  it('two decisions of one window at once wanting the same trial index (a file\'s and the workspace\'s): built once, none said to be another session\'s (verify35 M1)', async () => {
    // Both decisions weigh the same statements (the editor's: the workspace's), each its own focus; the join reads a table
    // the other statement does not, so its proof beside the other's build is kept under its own tables' snapshot.
    const one = 'SELECT id, total_cents FROM orders WHERE customer_id = $1';
    const join = 'SELECT o.id, c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.customer_id = $1';
    const statements = [{ sql: one, label: 'src/orders.ts:1' }, { sql: join, label: 'src/customers.ts:1' }];
    const { decider, lines } = await freshDecider();
    const [a, b] = await Promise.all([decider.decide(statements, { focus: [one] }), decider.decide(statements, { focus: [join] })]);
    // The editor decides again what was left pending (a busy table: foreignKeyAdvice after a few seconds, the file at its next run).
    const pending = [...(a.notBuiltYet ?? []), ...(b.notBuiltYet ?? []), ...statements.flatMap((s) => decider.advice.get(s.sql)?.notBuiltYet ?? [])];
    if (pending.length) await decider.decide(statements, { focus: [join] });
    const perDefinition = new Map((await t.admin.query(`SELECT regexp_replace(query, '\\s*/\\*.*\\*/\\s*$', '') AS ddl, sum(calls)::int AS n FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND toplevel AND query ~* '^\\s*(/\\*.*?\\*/\\s*)?CREATE\\s+INDEX\\y' GROUP BY 1`)).rows.map((r) => [String(r.ddl), Number(r.n)]));
    const twice = [...perDefinition].filter(([, n]) => n > 1);
    console.log(`      builds per definition: ${[...perDefinition].map(([d, n]) => `${n}× ${d.replace(/^CREATE INDEX (\S+).*/, '$1')}`).join('; ')}${pending.length ? ' (decided again: pending)' : ''}`);
    assert.ok(perDefinition.size >= 1, 'a candidate was proved by a real build');
    assert.deepEqual(twice, [], `built more than once; log:\n${lines.filter((l) => /built|skipped|reused/.test(l)).join('\n')}`);
    assert.equal(lines.filter((l) => /another PG Lens session/.test(l)).length, 0, lines.filter((l) => /skipped/.test(l)).join('\n'));
    for (const s of statements) assert.ok(decider.advice.get(s.sql)?.suggestions.some((x) => x.verifiedBy === 'transaction' && x.table === 'orders'), `${s.sql}: proved`);
  });

  it('30 statements each wanting its own index on one table: at most the budget built, the rest said held back and proved again later', async () => {
    const { decider, lines } = await freshDecider();
    const statements = Array.from({ length: 30 }, (_, i) => ({ sql: `SELECT id FROM wide WHERE c${i + 1} = $1`, label: `src/wide.ts:${i + 1}` }));
    await decider.decide(statements, { focus: statements.map((s) => s.sql) });
    const n = await builds(' ON public.wide ');
    assert.ok(n >= 1 && n <= TRIAL_BUDGET_PER_TABLE_PER_MINUTE, `${n} real builds on wide; log:\n${lines.filter((l) => /built|held back/.test(l)).join('\n')}`);
    const held = statements.map((s) => decider.advice.get(s.sql)!).filter((r) => r.notTried?.some((x) => x.why === 'budget'));
    assert.ok(held.length >= 1, 'advice held back by the budget says so');
    for (const r of held) assert.equal(r.realBuildWithheld, true, 'proved again at a later decision');
    assert.equal(lines.filter((l) => /real trial builds? held back/.test(l)).length, 1, 'said once a minute');
  });

  it('statements that differ only by a constant share a proof across decisions: one statement\'s builds for all 200', async () => {
    const { decider, lines, budget, proofs } = await freshDecider();
    // One decision per statement (a hover, a file analysed after another): no run shared between them. On one decider the
    // later ones take the first's advice (sameShapeAs, db/shapePlans.test.ts); a decider of its own for each (the CLI, the
    // workload advice) plans each, and shares the connection's proofs by shape.
    for (const [i, s] of STATEMENTS.entries()) await (i % 2 ? decider : new IndexDecider(decider.db, { info, realIndexes: true, trialBudget: budget, trialProofs: proofs, log: (l) => lines.push(l) })).decide([], { focus: [s.sql] });
    const onOrders = await builds(' ON public.orders ');
    const first = decider.advice.get(STATEMENTS[1].sql)!;
    assert.ok(onOrders >= 1 && onOrders <= first.considered, `${onOrders} real builds on orders for ${first.considered} candidates; log:\n${lines.filter((l) => /built|held back/.test(l)).slice(0, 20).join('\n')}`);
    for (const s of STATEMENTS.slice(2).filter((_, i) => i % 2)) {
      const r = decider.advice.get(s.sql)!;
      assert.ok(r.sameShapeAs === STATEMENTS[1].sql && !r.realBuilds, `${s.sql}: ${JSON.stringify({ same: r.sameShapeAs, built: r.realBuilds, notTried: r.notTried })}`);
      assert.deepEqual(r.suggestions.map((x) => [x.ddl, x.verifiedBy]), first.suggestions.map((x) => [x.ddl, x.verifiedBy]), 'the same verdict');
    }
    assert.ok(first.suggestions.length >= 1 && first.suggestions[0].verifiedBy === 'transaction', JSON.stringify(first.suggestions.map((x) => x.ddl)));
    assert.ok(lines.some((l) => /differs from this one only by constants \(nothing built\)/.test(l)), 'a decider of its own reused the connection\'s proof by shape');
  });

  it('a decision under way leaves out the statements of a file deleted meanwhile (gone): not advised, nothing built for them', async () => {
    const { decider } = await freshDecider();
    const kept = STATEMENTS[0].sql;
    const deleted = 'SELECT id FROM orders WHERE status = $1 AND placed_at > $2';
    const statements = [{ sql: kept, label: 'src/orders.ts:3' }, { sql: deleted, label: 'other/huge.ts:2' }];
    await decider.decide(statements, { focus: [kept], gone: (sql) => sql === deleted });
    assert.ok(decider.advice.get(kept)?.suggestions.some((x) => x.table === 'orders'), 'the focus has advice on orders: the decision weighs every statement on orders');
    assert.equal(decider.advice.has(deleted), false, 'the deleted file\'s statement was not advised');
    assert.equal(await builds('ON public.orders (status'), 0, 'no trial build for it');
  });

  it('a decision over 200 statements differing only by a constant, real builds allowed, builds at most the budget', async () => {
    await t.admin.query('SELECT pg_stat_statements_reset()');
    const lines: string[] = [];
    // The editor's decider with pgLens.index.trialBuilds: automatic (indexAdvice.ts adviseOptions: realIndexes true).
    const decider = new IndexDecider(db, { info, realIndexes: true, trialProofs: newTrialProofs(), log: (l) => lines.push(l) });
    // The file's analysis decides with its statements as the focus while another file's analysis (the person working in
    // other tabs) decides its own statement on the same connection; then a second analysis (a save, a reconnect).
    await Promise.all([
      decider.decide(STATEMENTS, { focus: ['SELECT id FROM customers WHERE email = $1'] }),
      decider.decide(STATEMENTS, { focus: STATEMENTS.map((s) => s.sql) }),
    ]);
    await decider.decide(STATEMENTS, { focus: STATEMENTS.map((s) => s.sql) });
    const n = await builds();
    const onOrders = await builds(' ON public.orders ');
    assert.ok(onOrders <= TRIAL_BUDGET_PER_TABLE_PER_MINUTE && n <= TRIAL_BUDGET_PER_MINUTE, `${n} real builds, ${onOrders} on orders; log:\n${lines.filter((l) => /built|held back/.test(l)).slice(0, 20).join('\n')}`);
    assert.ok(n >= 1, 'a candidate was proved by a real build');
    // Past the budget: not built, said so, and proved again later (as withheld advice is).
    const held = [...decider.advice.values()].filter((r) => r.notTried?.some((x) => x.why === 'budget'));
    for (const r of held) assert.equal(r.realBuildWithheld, true);
    const saidHeld = lines.filter((l) => /real trial builds? held back/.test(l));
    if (n === TRIAL_BUDGET_PER_MINUTE || onOrders === TRIAL_BUDGET_PER_TABLE_PER_MINUTE) {
      assert.ok(held.length >= 1, 'advice held back by the budget says so');
      assert.equal(saidHeld.length, 1, `said once a minute: ${saidHeld.join('\n')}`);
    }
  });
});
