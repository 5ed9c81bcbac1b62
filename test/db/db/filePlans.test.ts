/**
 * What analysing one file costs the server in EXPLAINs, path by path (issue 20, person32 H1: a generated file of 3,000
 * statements differing only by a constant made the editor send ~42,000 EXPLAINs in 3 minutes). Counted by the server
 * itself: pg_stat_statements' top-level EXPLAIN calls in this database. The index decision's own plans are
 * IndexDecider's (shapePlans.test.ts); here: the rules' plan evidence (DbEvidence) and the cost CodeLens's query
 * identifiers (QueryIdsByShape), which planned each statement of such a file on their own.
 */
import { strict as assert } from 'node:assert';
import type { Database } from '../../../src/db/database';
import { DbEvidence, RULE_PLANS_PER_PASS } from '../../../src/db/ruleEvidence';
import { QueryIdsByShape, queryIdOf } from '../../../src/db/queryStats';
import { extractSqlSites } from '../../../src/core/extract/index';
import { analyzeFile, rulesAnalyzer } from '../../../src/core/scan';
import { statementStats, testDatabase } from '../support';
import { HUGE_FILE_STATEMENTS, NO_HYPOPG, ORDERS_TABLE, explainsSent } from './hugeFile';
import { IndexDecider, SHAPE_CHECKS } from '../../../src/db/indexDecision';
import { TRIAL_BUDGET_PER_MINUTE, TrialBudget } from '../../../src/db/hypo';

/** person32's huge.ts's statements (200 instead of 3,000; the db tests' one large file), as a .sql file (the extraction is not what is measured). */
const N = HUGE_FILE_STATEMENTS.length;
const HUGE = HUGE_FILE_STATEMENTS.map((s) => `${s.sql};`).join('\n');

describe('db/file plans: a generated file of statements differing only by constants costs a few EXPLAINs (real PostgreSQL)', function () {
  this.timeout(600000);
  const t = testDatabase('fileplans');
  let db: Database;

  const explains = (): Promise<number> => explainsSent(t);

  before(async function () {
    if (!(await statementStats(t, 'no count of plans: these tests are skipped'))) return this.skip();
    await t.admin.query(ORDERS_TABLE);
    db = await t.open();
  });

  it(`the rules' plan evidence: ${N} statements of one shape are planned once (was: once each)`, async () => {
    const evidence = new DbEvidence(db);
    await t.admin.query('SELECT pg_stat_statements_reset()');
    const r = await analyzeFile({ path: 'other/huge.sql', text: HUGE }, { analyzers: [rulesAnalyzer({ evidence })] });
    assert.equal(r.sites.length, N, 'every statement read');
    const n = await explains();
    assert.equal(evidence.stats.explains, 1, `plans asked for: ${evidence.stats.explains}`);
    assert.equal(n, 1, `${n} EXPLAINs for ${N} statements of one shape`);
    // The file analysed again (a save): nothing planned again.
    await t.admin.query('SELECT pg_stat_statements_reset()');
    await analyzeFile({ path: 'other/huge.sql', text: HUGE }, { analyzers: [rulesAnalyzer({ evidence })] });
    assert.equal(await explains(), 0);
  });

  it(`the rules' plan evidence: at most ${RULE_PLANS_PER_PASS} new plans a pass, the rest planned on the next pass and said in one line`, async () => {
    // Statements that are each their own shape (a different column list each).
    const many = Array.from({ length: RULE_PLANS_PER_PASS + 30 }, (_, i) => `SELECT id, status, total_cents, ${i} AS n${i} FROM orders WHERE customer_id = $1;`).join('\n');
    const lines: string[] = [];
    const evidence = new DbEvidence(db, { log: (l) => lines.push(l) });
    const sites = await extractSqlSites(many, 'many.sql', 'many.sql');
    await evidence.prepare(sites);
    assert.equal(evidence.stats.explains, RULE_PLANS_PER_PASS);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /30 more statements not planned for the rules in this pass \(at most 200 new plans a pass/);
    await evidence.prepare(sites);
    assert.equal(evidence.stats.explains, RULE_PLANS_PER_PASS + 30, 'the rest on the next pass');
    assert.equal(lines.length, 1);
  });

  it(`the cost CodeLens's query identifiers: one EXPLAIN for ${N} statements of one shape (was: one each), the same identifier`, async () => {
    const sites = await extractSqlSites(HUGE, 'other/huge.sql', 'other/huge.sql');
    assert.equal(sites.length, N);
    // Before: queryIdOf per statement text (what the lens did).
    await t.admin.query('SELECT pg_stat_statements_reset()');
    const one = await queryIdOf(db, sites[0].sql, { readsOnly: true });
    const other = await queryIdOf(db, sites[1].sql, { readsOnly: true });
    assert.ok(one && one === other, `${one} ${other}: pg_stat_statements gives statements differing only by constants one identifier`);
    assert.equal(await explains(), 2, 'one EXPLAIN per text');
    const ids = new QueryIdsByShape(db);
    await t.admin.query('SELECT pg_stat_statements_reset()');
    const got = await Promise.all(sites.map((s) => ids.of(s.sql)));
    assert.equal(await explains(), 1, 'one EXPLAIN for the shape');
    assert.equal(ids.asked, 1);
    assert.ok(got.every((x) => x === one), 'each statement has the shape\'s identifier');
    // A statement whose $1 the code wrote is not the shape of one whose constant the normaliser made $1.
    assert.notEqual(await ids.of('SELECT id FROM orders WHERE customer_id = $1'), await ids.of('SELECT id FROM orders WHERE customer_id = 7'));
    assert.equal(ids.asked, 3);
  });
  it(`the index decision with the trial-build budget spent: the withheld advice of ${N} statements of one shape is proved again once per decision, not once per statement`, async () => {
    const own = await t.open({ statementTimeoutMs: 60000 });
    const spent = new TrialBudget();
    for (let i = 0; i < TRIAL_BUDGET_PER_MINUTE; i++) spent.take(`public.other${i}`);
    const decider = new IndexDecider(own, { info: { ...NO_HYPOPG, versionNum: (await own.serverInfo()).versionNum }, realIndexes: true, trialBudget: spent });
    const all = HUGE_FILE_STATEMENTS;
    await t.admin.query('SELECT pg_stat_statements_reset()');
    await decider.decide(all, { focus: all.map((s) => s.sql) });
    const first = await explains();
    assert.ok(decider.advice.get(all[0].sql)?.realBuildWithheld, 'held back by the budget');
    await t.admin.query('SELECT pg_stat_statements_reset()');
    // Decided again (the file saved, another file's decision weighing it): its withheld advice proved again, once.
    await decider.decide(all, { focus: all.map((s) => s.sql) });
    const again = await explains();
    // Plus each decision's plain EXPLAINs of up to SHAPE_CHECKS others of the shape, checked on the first's footing (person38 H1).
    assert.ok(first <= 3 + SHAPE_CHECKS && again <= 3 + SHAPE_CHECKS, `${first} EXPLAINs in the first decision, ${again} in the second, for ${N} statements of one shape`);
    assert.ok(all.slice(1).every((s) => decider.advice.get(s.sql)?.sameShapeAs === all[0].sql));
  });
});
