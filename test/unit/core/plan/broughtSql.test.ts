/**
 * "Open Plan from Selection or File" with SQL selected (not a plan) said "No plan node found in the text", a dead end
 * while Open Plan plans that SQL (person21 LOW 6). The brought text that is one statement EXPLAIN takes is told apart
 * by PostgreSQL's parser, with one line for the action that plans it; a plan, a DDL statement, several statements or
 * text the parser rejects are not.
 */
import { strict as assert } from 'node:assert';
import { broughtPlanSource, statementInsteadOfPlan } from '../../../../src/core/plan/brought';
import { loadPgParser } from '../../../../src/core/sql/statement';

describe('core/plan: SQL brought where a plan was expected', () => {
  before(() => loadPgParser());

  it('a selected SELECT with $1: the statement (without its semicolon) and one line naming what it is', () => {
    const r = statementInsteadOfPlan('\n  SELECT id, rating FROM reviews\n  WHERE product_id = $1 ORDER BY created_at DESC LIMIT 3;\n', 'the selection');
    assert.ok(r);
    assert.equal(r.sql, 'SELECT id, rating FROM reviews\n  WHERE product_id = $1 ORDER BY created_at DESC LIMIT 3');
    assert.equal(r.line, 'the selection holds a SQL statement (SELECT …), not a plan: PG Lens can plan it on the current connection, as Open Plan does.');
  });

  it('a WITH, an UPDATE and a leading comment: each named by its first word', () => {
    assert.match(statementInsteadOfPlan('WITH x AS (SELECT 1) SELECT * FROM x', 'q.sql')!.line, /^q\.sql holds a SQL statement \(WITH …\)/);
    assert.match(statementInsteadOfPlan('UPDATE orders SET status = $1 WHERE id = $2', 'the clipboard')!.line, /\(UPDATE …\)/);
    assert.match(statementInsteadOfPlan('-- latest\n/* c */ SELECT 1', 'x')!.line, /\(SELECT …\)/);
  });

  it('not offered for a plan, DDL, several statements or text the parser rejects', () => {
    assert.equal(statementInsteadOfPlan('Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)', 'x'), undefined);
    assert.equal(statementInsteadOfPlan('[{"Plan": {"Node Type": "Seq Scan"}}]', 'x'), undefined);
    assert.equal(statementInsteadOfPlan('CREATE INDEX ON t (a)', 'x'), undefined);
    assert.equal(statementInsteadOfPlan('SELECT 1; SELECT 2', 'x'), undefined);
    assert.equal(statementInsteadOfPlan("db.query('SELECT 1')", 'x'), undefined);
    assert.equal(statementInsteadOfPlan('   ', 'x'), undefined);
  });
});

describe('core/plan: where Open Plan from Selection or File reads the plan', () => {
  const PLAN = `Seq Scan on public.customers  (cost=0.00..180.00 rows=40 width=64) (actual time=0.020..2.900 rows=4000 loops=1)
  Filter: ((id % '2'::bigint) = 0)
  Rows Removed by Filter: 4000
Execution Time: 5.8 ms`;

  it('an open file whose text is a plan, nothing selected: that file, whatever its name (person23 LOW 11: slow-plan.txt got a file picker)', () => {
    assert.equal(broughtPlanSource({ fileName: '/w/slow-plan.txt', text: PLAN, selection: '' }), 'document');
    assert.equal(broughtPlanSource({ fileName: '/w/plan.json', text: JSON.stringify([{ Plan: { 'Node Type': 'Result', 'Total Cost': 0.01, 'Plan Rows': 1 } }]), selection: '' }), 'document');
    assert.equal(broughtPlanSource({ fileName: '/w/q.explain', text: '', selection: '' }), 'document', 'a .plan / .explain file by its name');
  });

  it('a selection wins; a file that is not a plan (code, notes) and no editor ask for a file', () => {
    assert.equal(broughtPlanSource({ fileName: '/w/src/orders.ts', text: 'export const x = 1;\n', selection: 'Seq Scan on t' }), 'selection');
    assert.equal(broughtPlanSource({ fileName: '/w/src/orders.ts', text: 'export async function f() { return db.query("SELECT 1"); }\n', selection: '  ' }), 'pick');
    assert.equal(broughtPlanSource({ fileName: '/w/notes.txt', text: 'remember to add an index\n', selection: '' }), 'pick');
    assert.equal(broughtPlanSource(undefined), 'pick');
  });
});
