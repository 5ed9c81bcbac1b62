/**
 * The demo's shop, its code and a generated file of 200 statements on orders open, a switch to a production profile of
 * the same database and back (verify33 M1: on screen, the switch back built 5 trial indexes again — the same definitions
 * built 6 minutes before on unchanged tables — after session 32 kept the advisor's proofs per server and role). Driven:
 * the code the extension host runs for open documents on each connection (editorConnection.ts), trial builds automatic
 * (pgLens.index.trialBuilds), no HypoPG. Counted by the server: pg_stat_statements' top-level CREATE INDEX calls.
 */
import { strict as assert } from 'node:assert';
import { newTrialProofs } from '../../../src/db/trialProofs';
import { TrialBudget } from '../../../src/db/hypo';
import { configureTreeSitterForCli } from '../../../src/node/treeSitterDir';
import { statementStats, testDatabase } from '../support';
import { EditorConnection, readWorkspace, type ServerCaps } from '../db/editorConnection';
import { HUGE_FILE_STATEMENTS, NO_HYPOPG } from '../db/hugeFile';
import { foreignKeyAdvice } from '../../../src/db/health';
import { QUERIES_SQL, REPORT_PY, shopSources, shopWithTraffic } from './shopState';

describe('examples/shop: a profile switch and back builds no trial index again (real PostgreSQL)', function () {
  this.timeout(900000);
  const t = testDatabase('shop_profile_switch');
  let info: ServerCaps;

  /** Trial indexes built (rolled back) since the last reset, by definition. */
  const builds = async (): Promise<Map<string, number>> => new Map((await t.admin.query(`SELECT regexp_replace(query, '\\s*/\\*.*\\*/\\s*$', '') AS ddl, sum(calls)::int AS n FROM pg_stat_statements
    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND toplevel AND query ~* '^\\s*(/\\*.*?\\*/\\s*)?CREATE\\s+INDEX\\y' GROUP BY 1`)).rows.map((r) => [String(r.ddl), Number(r.n)]));
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

  before(async function () {
    configureTreeSitterForCli();
    if (!(await statementStats(t, 'no count of trial builds: skipped'))) return this.skip();
    await shopWithTraffic(t, { scale: 0.25, requests: 150 });
    const db = await t.open();
    info = { ...NO_HYPOPG, versionNum: (await db.serverInfo()).versionNum };
  });

  it('one window\'s first pass (its open files\' decisions and the dashboard\'s at once): each trial index built once (verify35 M1)', async () => {
    const files = [...[...shopSources()].map(([path, text]) => ({ path, text })), { path: 'queries.sql', text: QUERIES_SQL }, { path: 'report.py', text: REPORT_PY },
      { path: 'other/huge.sql', text: HUGE_FILE_STATEMENTS.map((s) => `${s.sql};`).join('\n') }];
    const ws = await readWorkspace(files);
    const lines: string[] = [];
    const ed = new EditorConnection(await t.open({ statementTimeoutMs: 60000 }), ws, { info, realIndexes: true, trialProofs: newTrialProofs(), trialBudget: new TrialBudget(), log: (l) => lines.push(l) });
    await t.admin.query('SELECT pg_stat_statements_reset()');
    // What a window does when it opens on the shop: every open file analysed at once, the dashboard's foreign-key advice
    // over the workspace's statements beside them (indexAdvice.ts decideForeignKeys), then again for what was left pending.
    const dashboard = async () => foreignKeyAdvice(ed.decider, await ed.statements());
    const [fk] = await Promise.all([dashboard(), ...files.map((f) => ed.fullRun(f))]);
    if (fk.indexAdvicePending.length) await dashboard();
    for (const f of files) await ed.fullRun(f);
    const made = await builds();
    const twice = [...made].filter(([, n]) => n > 1);
    console.log(`      first pass: ${total(made)} builds for ${made.size} definitions${twice.length ? `; twice or more: ${twice.map(([d, n]) => `${n}× ${d}`).join('; ')}` : ''}`);
    assert.ok(total(made) >= 1, 'candidates proved with real builds');
    assert.deepEqual(twice, [], lines.filter((l) => /built|skipped/.test(l)).join('\n'));
    assert.deepEqual(lines.filter((l) => /another PG Lens session/.test(l)), [], 'no other session was there');
  });

  it('with the shop\'s files and a 200-statement generated file open: dev → prod → dev builds nothing on the way back', async () => {
    const files = [...[...shopSources()].map(([path, text]) => ({ path, text })), { path: 'other/huge.sql', text: HUGE_FILE_STATEMENTS.map((s) => `${s.sql};`).join('\n') }];
    const ws = await readWorkspace(files);
    // What a connection change makes the editor do: every open document's full run (twice: the switch, then the quiet
    // Scan Workspace of the files a scan had shown), the lens, the hover's planning of the screen.
    const connectionChange = async (ed: EditorConnection) => {
      for (const f of files) await ed.fullRun(f);
      for (const f of files) await ed.fullRun(f);
      for (const f of files) await ed.lens(f);
      await ed.hoverPrefetch(files[files.length - 1]);
    };
    // The server's and role's proofs (kept apart from the other tests'); a budget per connection, so a build held back
    // by it never passes for a proof reused.
    const trialProofs = newTrialProofs();
    const connect = async (environment: 'development' | 'production') =>
      new EditorConnection(await t.open({ statementTimeoutMs: 60000, profile: { ...t.profile, environment } }), ws, { info, realIndexes: true, trialProofs, trialBudget: new TrialBudget() });
    await t.admin.query('SELECT pg_stat_statements_reset()');
    await connectionChange(await connect('development'));
    const first = await builds();
    await t.admin.query('SELECT pg_stat_statements_reset()');
    await connectionChange(await connect('production'));
    const prod = total(await builds());
    await t.admin.query('SELECT pg_stat_statements_reset()');
    const back = await connect('development');
    await connectionChange(back);
    const again = await builds();
    console.log(`      first: ${[...first].map(([d, n]) => `${n}× ${d.replace(/^CREATE INDEX (\S+).*/, '$1')}`).join('; ')}`);
    console.log(`      trial builds: first ${total(first)}, production ${prod}, back to development ${total(again)}${again.size ? `: ${[...again].map(([d, n]) => `${n}× ${d}`).join('; ')}` : ''}`);
    assert.ok(total(first) >= 1, 'the first connection proved candidates with real builds');
    assert.equal(prod, 0, 'none on production');
    assert.ok(![...back.decider.advice.values()].some((r) => r.notTried?.some((x) => x.why === 'budget')), 'nothing held back by the budget');
    assert.equal(total(again), 0, [...again].map(([d, n]) => `${n}× ${d}`).join('\n'));
  });
});
