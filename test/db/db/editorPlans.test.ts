/**
 * What the editor's work on an open generated file costs the server in EXPLAINs, path by path (issue 20, person32 H1 and
 * verify32: ~18,000 EXPLAINs in 2.5 min on screen for a file of 3,000 statements differing only by a constant, ~42,000
 * after a profile switch, where filePlans.test.ts counted 7 for the rules, the cost CodeLens and the file's own decision).
 * Driven here: the code the extension host runs for open documents, minus VS Code itself (editorConnection.ts).
 * Counted by the server: pg_stat_statements' top-level EXPLAIN calls in this database (explainsSent).
 */
import { strict as assert } from 'node:assert';
import { newTrialProofs } from '../../../src/db/trialProofs';
import { TrialBudget } from '../../../src/db/hypo';
import { EditorConnection, readWorkspace, type ServerCaps } from './editorConnection';
import { statementStats, testDatabase } from '../support';
import { HUGE_FILE_STATEMENTS, NO_HYPOPG, ORDERS_TABLE, explainsSent } from './hugeFile';

const N = HUGE_FILE_STATEMENTS.length;
const HUGE = { path: 'other/huge.sql', text: HUGE_FILE_STATEMENTS.map((s) => `${s.sql};`).join('\n') };
/** The app's own reads of orders (the demo's customers.ts and orders.ts): other shapes on the same table. */
const APP = {
  path: 'src/customers.sql',
  text: [
    'SELECT id, status, total_cents, placed_at FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 20;',
    'SELECT id, customer_id, total_cents FROM orders WHERE status = $1 ORDER BY placed_at DESC LIMIT 50;',
  ].join('\n'),
};
/** A generated file of literal copies (no $n) of a statement the app runs (pg_stat_statements holds it). */
const LITERALS = { path: 'other/literals.sql', text: Array.from({ length: N }, (_, i) => `SELECT id, status FROM orders WHERE customer_id = ${i + 1};`).join('\n') };

describe('db/editor plans: the editor\'s work on an open generated file costs a few EXPLAINs per shape (real PostgreSQL)', function () {
  this.timeout(900000);
  const t = testDatabase('editorplans');
  let info: ServerCaps;

  const explains = (): Promise<number> => explainsSent(t);
  const reset = async () => void (await t.admin.query('SELECT pg_stat_statements_reset()'));
  /** Real trial indexes built (rolled back) since the last reset. */
  const builds = async (): Promise<number> => Number((await t.admin.query(`SELECT coalesce(sum(calls), 0)::int AS n FROM pg_stat_statements
    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND toplevel AND query ~* '^\\s*(/\\*.*?\\*/\\s*)?CREATE\\s+INDEX\\y'`)).rows[0].n);

  before(async function () {
    if (!(await statementStats(t, 'no count of plans: these tests are skipped'))) return this.skip();
    await t.admin.query(ORDERS_TABLE);
    const db = await t.open();
    info = { ...NO_HYPOPG, versionNum: (await db.serverInfo()).versionNum };
  });

  for (const realIndexes of [true, false]) {
    it(`opening the generated file, then the app's file, then both again (trial builds ${realIndexes ? 'automatic' : 'when asked'}): a few EXPLAINs, not one per statement`, async () => {
      const ws = await readWorkspace([HUGE, APP]);
      const ed = new EditorConnection(await t.open({ statementTimeoutMs: 60000 }), ws, { info, realIndexes });
      const counts: Record<string, number> = {};
      const step = async (name: string, f: () => Promise<unknown>) => {
        await reset();
        await f();
        counts[name] = await explains();
      };
      await step('open huge', () => ed.fullRun(HUGE));
      await step('open app', () => ed.fullRun(APP));
      await step('both again (cross-file index ready)', async () => {
        await ed.fullRun(HUGE);
        await ed.fullRun(APP);
      });
      await step('cost lens', async () => {
        await ed.lens(HUGE);
        await ed.lens(APP);
      });
      await step('hover prefetch (40 visible)', () => ed.hoverPrefetch(HUGE));
      console.log(`      EXPLAINs per step: ${JSON.stringify(counts)}`);
      // The decisions: the first statement of each shape and its candidates (before: each trial index on orders built for
      // an app statement planned every statement of the generated file beside it, 218 with trial builds automatic).
      const decisions = counts['open huge'] + counts['open app'] + counts['both again (cross-file index ready)'];
      assert.ok(decisions <= 30, `${decisions} EXPLAINs in the decisions over ${N} statements of one shape and the app's 2: ${JSON.stringify(counts)}`);
      assert.ok(counts['cost lens'] <= 3, `the lens reads one query id per shape: ${JSON.stringify(counts)}`);
      // The hover's background planning of the screen: one statement of the shape (before: the 40 on screen, each scroll).
      assert.equal(counts['hover prefetch (40 visible)'], 1, JSON.stringify(counts));
      // A hover on another statement of the shape still gets its own plan (one EXPLAIN, then cached).
      const other = HUGE_FILE_STATEMENTS[7].sql;
      await reset();
      const own = await ed.planner.plan(other);
      assert.ok(own.ok && own.result.sql === other, 'its own plan');
      assert.ok(ed.planner.cached(other));
      assert.equal(await explains(), 1);
    });
  }

  it('switching to a production profile and back, with both files open and a scan run: a few EXPLAINs per shape, not one per statement, and no trial index built again', async () => {
    const ws = await readWorkspace([HUGE, APP]);
    const files = [HUGE, APP];
    // An index on orders that none of the statements wants: dropped at the end (the table changed: proofs made before it
    // are not reused).
    await t.admin.query('CREATE INDEX orders_id_status_idx ON orders (id, status)');
    // What a connection change makes the editor do (analysis.ts: refreshAll, then the quiet Scan Workspace of the files a scan
    // had shown; costLens.ts: the lens read again; plans/: the visible statements planned again), all on the new connection.
    const connectionChange = async (ed: EditorConnection) => {
      for (const f of files) await ed.fullRun(f);
      for (const f of files) await ed.fullRun(f);
      for (const f of files) await ed.lens(f);
      await ed.hoverPrefetch(HUGE);
    };
    // The proofs of this server and role (advisor.ts keeps them per server and role: every connection below shares them),
    // apart from the file's other tests. A budget per connection: a build held back by it never passes for a proof reused.
    const trialProofs = newTrialProofs();
    const connect = async (environment: 'development' | 'production') =>
      new EditorConnection(await t.open({ statementTimeoutMs: 60000, profile: { ...t.profile, environment } }), ws, { info, realIndexes: true, trialProofs, trialBudget: new TrialBudget() });
    const heldBack = (ed: EditorConnection) => [...ed.decider.advice.values()].filter((r) => r.notTried?.some((x) => x.why === 'budget')).length;
    const counts: Record<string, number> = {};
    try {
      await reset();
      const dev = await connect('development');
      await connectionChange(dev);
      counts['first connection: trial builds'] = await builds();
      await reset();
      const prod = await connect('production');
      await connectionChange(prod);
      counts.production = await explains();
      counts['production: trial builds'] = await builds();
      await reset();
      const back = await connect('development');
      await connectionChange(back);
      counts['back to development'] = await explains();
      counts['back to development: trial builds'] = await builds();
      // The table changed (an index dropped): the proofs made before are not used, the candidates are built again.
      await t.admin.query('DROP INDEX orders_id_status_idx');
      await reset();
      const changed = await connect('development');
      await connectionChange(changed);
      counts['index dropped, again: trial builds'] = await builds();
      console.log(`      EXPLAINs and builds per switch: ${JSON.stringify(counts)}`);
      assert.ok(counts['first connection: trial builds'] >= 1 && heldBack(dev) === 0, JSON.stringify(counts));
      assert.equal(counts['production: trial builds'], 0, 'no trial build on production');
      // The same server and role, statements and unchanged tables: every proof reused (before: 2 of the 5 built again, the
      // ones a statement had taken from another statement's build in its decision's run; verify33 M1: 5 on screen).
      assert.equal(counts['back to development: trial builds'], 0, JSON.stringify(counts));
      assert.equal(heldBack(back), 0, 'nothing held back by the budget (a build held back is not a proof reused)');
      assert.ok(counts['index dropped, again: trial builds'] >= 1, JSON.stringify(counts));
      // Each switch: the rules' plan and the lens's query id per shape, the decisions' first statement of each shape (and, on
      // development, its candidates), the hover's one statement per shape on screen. Before this branch: 49 and 263.
      assert.ok(counts.production <= 15 && counts['back to development'] <= 30, JSON.stringify(counts));
    } finally {
      await t.admin.query('DROP INDEX IF EXISTS orders_id_status_idx');
    }
  });

  it('a generated file of literal copies of a statement the app runs: its query ids read once per shape', async () => {
    const app = await t.open();
    const ws = await readWorkspace([LITERALS, APP]);
    const ed = new EditorConnection(app, ws, { info, realIndexes: false });
    await reset();
    for (let i = 0; i < 6; i++) await t.admin.query('SELECT id, status FROM orders WHERE customer_id = 7');
    await ed.fullRun(APP);
    const n = await explains();
    console.log(`      EXPLAINs: ${n}`);
    // Its decision reads the literal copies' query ids (literalCopyIds, to tell them from the entry): once for their shape
    // (before: once per copy, 206).
    assert.ok(n <= 10, `${n} EXPLAINs for the app's file with ${N} literal copies in the workspace`);
  });
});
