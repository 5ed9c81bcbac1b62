/**
 * Compare Plans compares like with like: one statement (PostgreSQL's fingerprint: layout, comments and constants do
 * not make another statement) on one server. Anything else is refused with a one-line reason (person9 P18: an INSERT on
 * PostgreSQL 18 against another SELECT on 15 read "2.37× faster — with other parameter values").
 */
import { strict as assert } from 'node:assert';
import { afterNowOffers, analyzePlan, compareSubject, incomparableReason, inTimeOrder, onePlanOpenLine, planNowOffer, secondPlanWays, statementDoubt, withProvedIndexes, type ComparedRun } from '../../../../src/core/plan';
import { fmtSaving } from '../../../../src/core/plan/format';
import { fingerprintSql, loadPgParser } from '../../../../src/core/sql/statement';

const run = (sql: string, extra: Partial<ComparedRun> = {}): ComparedRun => ({ sql, connection: 'shop (demo)', versionNum: 180004, method: 'analyze', ...extra });

describe('core/plan incomparableReason (Compare Plans: like with like)', () => {
  before(async () => {
    await loadPgParser();
  });

  it('refuses two different statements, naming both (person9: INSERT INTO reviews against the products OFFSET SELECT)', () => {
    const insert = run('INSERT INTO reviews (product_id, customer_id, rating, body) VALUES ($1, $2, $3, $4)');
    const select = run('SELECT id, sku, name, price_cents FROM products ORDER BY id LIMIT $1 OFFSET $2', { connection: 'shop pg15', versionNum: 150010 });
    const why = incomparableReason(insert, select, fingerprintSql);
    assert.ok(why);
    assert.match(why, /^these are two different statements \(before: "INSERT INTO reviews .*"; after: "SELECT id, sku, name, price_cents FROM products …"\)/); // cut at a word boundary
    assert.doesNotMatch(why, /\n/);
    // Two SELECTs of one table that differ in a condition are two statements too.
    assert.ok(incomparableReason(run('SELECT * FROM orders WHERE customer_id = $1'), run('SELECT * FROM orders WHERE status = $1'), fingerprintSql));
  });

  it('the same statement laid out, commented or with other constants is one statement: compared', () => {
    const a = run('SELECT id FROM orders WHERE customer_id = 42 ORDER BY placed_at DESC');
    const b = run('select id\n  from orders -- the latest first\n where customer_id = 7\n order by placed_at desc;');
    assert.equal(incomparableReason(a, b, fingerprintSql), undefined);
    // What the parser cannot read is compared as text, whitespace folded.
    assert.equal(incomparableReason(run('SELECT {{x}}  FROM t'), run('SELECT {{x}} FROM t'), fingerprintSql), undefined);
    assert.ok(incomparableReason(run('SELECT {{x}} FROM t'), run('SELECT {{y}} FROM t'), fingerprintSql));
  });

  // person28 L7: with no second plan of the statement, the AFTER list held only "Another statement: not comparable" rows.
  it('offers to plan the BEFORE statement now on the current connection (EXPLAIN only), when that pair would be compared', () => {
    const sql = 'SELECT id FROM orders WHERE customer_id = $1';
    const offer = planNowOffer(run(sql), 'shop (demo)');
    assert.ok(offer);
    assert.match(offer.label, /Plan this statement now/);
    // Short, so the row's detail is never cut (its tooltip lay over the next row and took its click: person30 L5).
    assert.equal(offer.detail, 'EXPLAIN on "shop (demo)" (nothing runs)');
    assert.ok(offer.detail.length - 'shop (demo)'.length <= 30, offer.detail);
    assert.doesNotMatch(offer.detail, /ANALYZE/);
    // A plan pasted from another server is compared with this one's (the catalog's lender): offered too.
    assert.ok(planNowOffer(run(sql, { method: 'brought', connection: 'prod' }), 'shop (demo)'));
    // Planned on another server than the current connection: the new plan would be refused. No query, no connection: nothing to plan.
    assert.equal(planNowOffer(run(sql, { connection: 'shop pg15' }), 'shop (demo)'), undefined);
    assert.equal(planNowOffer(run('', { method: 'brought' }), 'shop (demo)'), undefined);
    assert.equal(planNowOffer(run(sql), undefined), undefined);
  });

  // person45 L5: after an Explain Analyze BEFORE, the AFTER step offered only "Plan this statement now — EXPLAIN (nothing
  // runs)": an analysed plan was then compared with an estimate.
  it('after an analysed BEFORE, Explain Analyze it now comes first (as the BEFORE was, rolled back); never on a read-only profile', () => {
    const sql = "SELECT id FROM orders WHERE status = 'refunded' ORDER BY placed_at DESC";
    const analysed = { 'Plan': { 'Node Type': 'Sort', 'Actual Loops': 1, 'Plans': [{ 'Node Type': 'Seq Scan', 'Actual Loops': 1 }] }, 'Execution Time': 12.5 };
    const estimated = { 'Plan': { 'Node Type': 'Sort', 'Total Cost': 1231.28, 'Plans': [{ 'Node Type': 'Seq Scan' }] } };
    const after = afterNowOffers(run(sql, { plan: analysed }), 'shop (demo)');
    assert.deepEqual(after.map((o) => o.way), ['analyze', 'explain']);
    assert.match(after[0].label, /Explain Analyze this statement now/);
    assert.match(after[0].detail, /rolled back/);
    assert.equal(after[1].detail, 'EXPLAIN on "shop (demo)" (nothing runs)');
    // A pasted ANALYZE plan whose statement is known counts too; only the root's children holding actual figures as well.
    assert.deepEqual(afterNowOffers(run(sql, { method: 'brought', plan: { 'Plan': { 'Node Type': 'Limit', 'Plans': [{ 'Node Type': 'Seq Scan', 'Actual Loops': 1 }] } } }), 'shop (demo)').map((o) => o.way), ['analyze', 'explain']);
    // An estimated BEFORE: the estimate, as before.
    assert.deepEqual(afterNowOffers(run(sql, { method: 'plain', plan: estimated }), 'shop (demo)').map((o) => o.way), ['explain']);
    // A production profile is read-only: Explain Analyze is refused there, so not offered.
    assert.deepEqual(afterNowOffers(run(sql, { plan: analysed }), 'shop (demo)', { readOnly: true }).map((o) => o.way), ['explain']);
    // Where planNowOffer has none (another server, no connection), none.
    assert.deepEqual(afterNowOffers(run(sql, { plan: analysed, connection: 'shop pg15' }), 'shop (demo)'), []);
    assert.deepEqual(afterNowOffers(run(sql, { plan: analysed }), undefined), []);
  });

  it('refuses one statement planned on two servers, naming both connections', () => {
    const sql = 'SELECT id FROM products WHERE id > $1 ORDER BY id LIMIT $2';
    const why = incomparableReason(run(sql), run(sql, { connection: 'shop pg15', versionNum: 150010 }), fingerprintSql);
    assert.match(why ?? '', /^the two plans come from two servers \(before: "shop \(demo\)", PostgreSQL 18; after: "shop pg15", PostgreSQL 15\)/);
  });

  it('a plan brought from elsewhere is taken on trust for what it lacks: no query text, no server of its own', () => {
    const sql = 'SELECT id FROM products WHERE id > $1';
    assert.equal(incomparableReason(run('', { method: 'brought', connection: undefined }), run(sql), fingerprintSql), undefined);
    assert.equal(incomparableReason(run(sql, { method: 'brought', connection: 'listmonk copy' }), run(sql), fingerprintSql), undefined);
    // Its query text, when it has one, still has to be the same statement.
    assert.ok(incomparableReason(run('SELECT 1', { method: 'brought' }), run(sql), fingerprintSql));
  });
});

describe('core/plan incomparableReason / statementDoubt: a plan brought without its query text (person29 M2)', () => {
  // The person's pasted country report (Query Identifier -6954047860397818317) against the customer-orders plan
  // (-5740634199494268946) read "Before → after: 4.54× costlier".
  const orders = { 'Query Identifier': '-5740634199494268946', Plan: { 'Node Type': 'Limit', Plans: [{ 'Node Type': 'Index Scan', 'Relation Name': 'orders' }] } };
  const report = { 'Query Identifier': '-6954047860397818317', Plan: { 'Node Type': 'Sort', Plans: [{ 'Node Type': 'Hash Join', Plans: [{ 'Node Type': 'Seq Scan', 'Relation Name': 'orders' }, { 'Node Type': 'Hash', Plans: [{ 'Node Type': 'Seq Scan', 'Relation Name': 'customers' }] }] }] } };
  const sql = 'SELECT id, status, total_cents, placed_at FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 20';
  const before = run(sql, { method: 'generic-plan', plan: orders });

  it('refuses a pasted plan whose Query Identifier and tables differ from the BEFORE plan\'s', () => {
    const why = incomparableReason(before, run('', { method: 'brought', connection: undefined, plan: report }), fingerprintSql);
    assert.match(why ?? '', /^these are two different statements \(before: query id -5740634199494268946, reads orders; after: query id -6954047860397818317, reads customers, orders\)/);
  });

  it('compares a pasted plan with the same Query Identifier, without a doubt', () => {
    const same = run('', { method: 'brought', connection: undefined, plan: { ...orders, Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 'orders' } } });
    assert.equal(incomparableReason(before, same, fingerprintSql), undefined);
    assert.equal(statementDoubt(before, same), undefined);
  });

  it('a pasted plan with neither text nor Query Identifier is compared with a doubt said, not silently', () => {
    const bare = run('', { method: 'brought', connection: undefined, plan: { Plan: report.Plan } });
    assert.equal(incomparableReason(before, bare, fingerprintSql), undefined);
    assert.match(statementDoubt(before, bare) ?? '', /^cannot tell whether it is the same statement: the after plan was brought without its query text or a Query Identifier/);
    // Other ids over the same tables (one statement on two servers hashes other OIDs): a doubt, not a refusal.
    const prod = run('', { method: 'brought', connection: undefined, plan: { ...orders, 'Query Identifier': '77' } });
    assert.equal(incomparableReason(before, prod, fingerprintSql), undefined);
    assert.match(statementDoubt(before, prod) ?? '', /the query ids differ \(-5740634199494268946, 77\) though both read orders/);
    // Two plans with their texts: the texts decide, no doubt.
    assert.equal(statementDoubt(before, run(sql, { plan: report })), undefined);
  });
});

describe('core/plan withProvedIndexes (Compare Plans: one saving, one index, person10 N18)', () => {
  // A BEFORE plan kept from before the advice proved its index: its tip pointed to "Suggest indexes" with its own
  // guess ("could save ~841 cost units") while the viewer named the proved index ("saves ~648 … proved").
  const seq = { Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 'orders', Alias: 'orders', 'Total Cost': 941, 'Plan Rows': 120, Filter: "(status = 'refunded'::text)" } };
  const proved = { table: 'orders', costBefore: 941, costAfter: 292, title: 'orders (status)' };
  const relationRows: [string, number][] = [['orders', 20000]];

  it('a side without proved figures takes the other side\'s, or those proved since; the tips then name the index with the proved saving', () => {
    const before = { title: 'before', provedIndexes: undefined as (typeof proved)[] | undefined };
    const after = { title: 'after', provedIndexes: [proved] };
    const [b, a] = withProvedIndexes(before, after);
    assert.deepEqual(b.provedIndexes, [proved]);
    assert.equal(a, after, 'a side with its proof is kept as it is');
    type Side = { title: string; provedIndexes?: (typeof proved)[] };
    const side = (title: string): Side => ({ title });
    const [b2] = withProvedIndexes(side('before'), side('after'), { provedIndexes: [proved] });
    assert.deepEqual(b2.provedIndexes, [proved], 'the proof made since');
    assert.deepEqual(withProvedIndexes(side('b'), side('a'), { provedIndexes: [] as (typeof proved)[] }).map((x) => x.provedIndexes), [undefined, undefined], 'nothing proved: nothing invented');
    // The comparison's BEFORE tip is then the viewer's: the index named, one saving.
    const without = analyzePlan(seq, { relationRows: new Map(relationRows) }).tips[0];
    const withProof = analyzePlan(seq, { relationRows: new Map(relationRows), provedIndexes: b.provedIndexes }).tips[0];
    assert.match(without.text, /Suggest indexes/);
    assert.match(withProof.text, /orders \(status\)/);
    assert.equal(fmtSaving(withProof), 'saves ~649 cost units: cost 941 → 292, proved by the planner');
  });
});

describe('core/plan inTimeOrder (Compare Plans: before is the earlier plan)', () => {
  it('the newer plan picked as BEFORE (the newest-first list, Enter, Enter: person11 Q10) is put after, and says so', () => {
    const seq = { title: 'orders (seq scan)', at: Date.UTC(2026, 11, 2, 0, 55) };
    const indexed = { title: 'orders (with the index)', at: Date.UTC(2026, 11, 2, 0, 56) };
    assert.deepEqual(inTimeOrder(indexed, seq), { before: seq, after: indexed, swapped: true });
    assert.deepEqual(inTimeOrder(seq, indexed), { before: seq, after: indexed, swapped: false });
  });
});

describe('core/plan secondPlanWays: Compare Plans with fewer than two plans says what it needs and offers the ways on (person15)', () => {
  it('one plan open: one line naming it, and four ways to the second plan (analyze, plan, file, clipboard)', () => {
    const r = secondPlanWays([{ title: 'SELECT "Term"."id" AS "Term_id" FROM "term" "Term" WHERE "Term"."project_id" = $1 (analyze)' }], true);
    assert.equal(r.line, 'Compare Plans needs a second plan of the same statement to compare "SELECT "Term"."id" AS "Term_id" FROM "term" "Term" WHERE …" with.');
    assert.deepEqual(r.ways.map((w) => w.way), ['analyze', 'open', 'file', 'clipboard']);
    assert.ok(r.ways.every((w) => w.label && w.detail && !/cursor on the statement/.test(w.detail)));
  });
  it('no plan at all, and no statement at the cursor: says so, and the cursor ways say where to put it', () => {
    const r = secondPlanWays([], false);
    assert.equal(r.line, 'Compare Plans needs two plans of one statement (before and after a change); no plan is open yet.');
    assert.match(r.ways[0].detail, /put the cursor on the statement first/);
    assert.doesNotMatch(r.ways[2].detail, /cursor/);
  });
});

describe('core/plan compareSubject: Compare Plans starts from the statement at the cursor and says so (issue 20, person38 L10)', () => {
  before(() => loadPgParser());
  const deleteRun = { title: 'DELETE FROM reviews WHERE rating = 1 … (analyze)', sql: "DELETE FROM reviews WHERE rating = 1 AND created_at < now() - interval '1 year'", method: 'analyze' };
  const cursor = 'SELECT * FROM orders WHERE customer_id = 42 ORDER BY placed_at DESC LIMIT 10';

  it("with the cursor on a statement, only that statement's plans (the last panel's DELETE is not one), and the line names it", () => {
    const s = compareSubject([deleteRun], cursor, fingerprintSql);
    assert.deepEqual(s.plans, []);
    const r = secondPlanWays(s.plans, true, { statement: s.statement, openPlans: 1 });
    assert.match(r.line, /^Compare Plans compares two plans of the statement at the cursor, "SELECT \* FROM orders WHERE customer_id = 42 ORDER BY …", before and after a change: none is open yet\./);
    assert.doesNotMatch(r.line, /DELETE/);
    assert.match(r.ways[0].detail, /^Its first plan, before your change/);
    assert.ok(!r.ways.some((w) => w.way === 'others'), 'one plan open: nothing to choose two from');
  });

  it("a plan of the same statement with other constants or parameters is one of its plans; a pasted plan without its text is not", () => {
    const mine = { title: 'SELECT * FROM orders … (analyze)', sql: 'SELECT * FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT $2', method: 'analyze' };
    const pasted = { title: 'Plan from the clipboard', sql: '', method: 'brought' };
    const s = compareSubject([mine, deleteRun, pasted], cursor, fingerprintSql);
    assert.deepEqual(s.plans, [mine]);
    const r = secondPlanWays(s.plans, true, { statement: s.statement, openPlans: 3 });
    assert.match(r.line, /: one is open, it needs a second \(after your change\)\.$/);
    assert.match(r.ways[0].detail, /^After your change/);
    assert.equal(r.ways.at(-1)!.way, 'others');
    assert.match(r.ways.at(-1)!.label, /Choose two of the 3 open plans instead/);
  });

  it('without a statement at the cursor, every plan known, and the line as before', () => {
    assert.deepEqual(compareSubject([deleteRun], undefined, fingerprintSql), { plans: [deleteRun] });
    const r = secondPlanWays([deleteRun], false, { openPlans: 1 });
    assert.match(r.line, /^Compare Plans needs a second plan of the same statement to compare "DELETE FROM reviews/);
    assert.ok(!r.ways.some((w) => w.way === 'others'));
  });
});

describe('core/plan onePlanOpenLine: one plan of the statement open after a Compare way names the statement once, the plan by how and when (issue 20, person47 L6)', () => {
  const sql = 'SELECT rating, body, created_at FROM reviews WHERE product_id = $1 ORDER BY created_at DESC LIMIT 20';
  const clock = () => '22:41:05';

  it('an Explain Analyze of the statement at the cursor: the statement once, then the run by its time and connection', () => {
    const open = { title: 'SELECT rating, body, created_at FROM reviews WHERE … (analyze)', method: 'custom', at: 0, connection: 'shop (demo)', plan: { Plan: {}, 'Execution Time': 1.2 } };
    const line = onePlanOpenLine(sql, open, clock);
    assert.equal(line, 'one plan of "SELECT rating, body, created_at FROM reviews WHERE …" is open now: the Explain Analyze run at 22:41:05 on shop (demo); run Compare Plans again after your change to compare it with a second.');
    assert.equal(line.split('SELECT rating').length - 1, 1, line);
  });

  it('an estimated plan, a brought plan, and no statement at the cursor: each said once', () => {
    assert.match(onePlanOpenLine(sql, { title: sql, method: 'custom', at: 0, plan: { Plan: {} } }, clock), /is open now: the estimated plan made at 22:41:05; run/);
    assert.match(onePlanOpenLine(sql, { title: 'from the clipboard', method: 'brought', at: 0 }, clock), /is open now: the plan brought at 22:41:05 \("from the clipboard"\); run/);
    const bare = onePlanOpenLine(undefined, { title: `${sql} (analyze)`, method: 'custom', at: 0, plan: { 'Execution Time': 3 } }, clock);
    assert.match(bare, /^one plan is open now: "SELECT rating, body, created_at FROM reviews WHERE …", the Explain Analyze run at 22:41:05; run/);
    assert.equal(bare.split('SELECT rating').length - 1, 1, bare);
  });
});
