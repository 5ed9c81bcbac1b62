/**
 * Statements that differ only by constants are planned once per shape (person31 H2: a file of 3,000 statements
 * `… WHERE customer_id = $1 AND total_cents > <i> …` cost an EXPLAIN each per decision, ~35 s, though no trial build).
 * Plans are counted by the server itself: pg_stat_statements' EXPLAIN calls in this database.
 */
import { strict as assert } from 'node:assert';
import type { Database } from '../../../src/db/database';
import { IndexDecider, SHAPE_CHECKS } from '../../../src/db/indexDecision';
import { statementStats, testDatabase } from '../support';
import { HUGE_FILE_STATEMENTS, NO_HYPOPG, ORDERS_TABLE, explainsSent } from './hugeFile';

const STATEMENTS = HUGE_FILE_STATEMENTS;

describe('db/shape plans: statements differing only by constants are planned once per shape (real PostgreSQL)', function () {
  this.timeout(600000);
  const t = testDatabase('shapeplans');
  let info: { versionNum: number; hypopg: 'unavailable'; pgTrgm: 'unavailable' };

  const explains = (): Promise<number> => explainsSent(t);

  before(async function () {
    if (!(await statementStats(t, 'no count of plans: these tests are skipped'))) return this.skip();
    await t.admin.query(ORDERS_TABLE);
    const db: Database = await t.open();
    info = { ...NO_HYPOPG, versionNum: (await db.serverInfo()).versionNum };
  });

  for (const real of [false, true]) {
    it(`a decision over 200 statements of one shape plans one of them${real ? ' (real trial builds allowed: its candidates too)' : ''}, and the others say the figures are the shape's`, async () => {
      const own = await t.open({ statementTimeoutMs: 60000 });
      const decider = new IndexDecider(own, { info, realIndexes: real });
      await t.admin.query('SELECT pg_stat_statements_reset()');
      const decision = await decider.decide(STATEMENTS, { focus: STATEMENTS.map((s) => s.sql) });
      const n = await explains();
      const first = decider.advice.get(STATEMENTS[0].sql)!;
      // One statement's plans: its own, one per candidate tried with a real trial index, and one plain EXPLAIN for each of
      // SHAPE_CHECKS others, whose own plan must stand on the first's footing before they take its advice (person38 H1:
      // a constant can change the plan). Before person31 H2: one per statement, 200+; after it and before person38 H1: 1 (5).
      assert.ok(n >= 1 + SHAPE_CHECKS && n <= 1 + SHAPE_CHECKS + 2 * first.considered, `${n} EXPLAINs for 200 statements of one shape (${first.considered} candidates)`);
      assert.ok(first.suggestions.length >= 1 && first.sameShapeAs === undefined, JSON.stringify(first.suggestions.map((x) => x.summary)));
      let checked = 0;
      for (const s of STATEMENTS.slice(1)) {
        const r = decider.advice.get(s.sql)!;
        assert.equal(r.sameShapeAs, STATEMENTS[0].sql, s.sql);
        assert.equal(r.realBuilds, undefined, 'nothing built for it');
        const decided = decision.byStatement.get(s.sql)?.suggestions ?? [];
        if (r.ownFooting) {
          checked++;
          assert.deepEqual(r.suggestions.map((x) => [x.ddl, x.verifiedBy, x.costAfter]), first.suggestions.map((x) => [x.ddl, x.verifiedBy, x.costAfter]), 'the same verdict');
          assert.ok(decided.length && decided.every((x) => /the figures of its shape: planned once for the statements that differ from it only by constants; this statement's own plan checked/.test(x.summary)), `${s.sql}: ${decided.map((x) => x.summary).join('; ')}`);
        } else {
          // Past the shape's checks: the first's figures, never said to be proved for this statement.
          assert.deepEqual(r.suggestions.map((x) => [x.ddl, x.verifiedBy, x.costAfter]), first.suggestions.map((x) => [x.ddl, 'none', x.costAfter]), 'the shape\'s figures, not verified');
          assert.ok(r.suggestions.every((x) => /the figures of its shape, not verified for this statement/.test(x.summary)), r.suggestions.map((x) => x.summary).join('; '));
          assert.ok(decided.every((x) => x.verifiedBy === 'none' && /not verified for this statement/.test(x.summary)), `${s.sql}: ${decided.map((x) => x.summary).join('; ')}`);
        }
      }
      assert.equal(checked, SHAPE_CHECKS, 'each checked with a plain EXPLAIN of its own, up to the bound');
      // Decided again (a save, a reconnect of the same decider): nothing planned again.
      await t.admin.query('SELECT pg_stat_statements_reset()');
      await decider.decide(STATEMENTS, { focus: STATEMENTS.map((s) => s.sql) });
      assert.equal(await explains(), 0, 'decided again: no plan');
    });
  }

  it('a statement whose $1 the code wrote is not of the shape of one whose constant the normaliser made $1: each planned on its own', async () => {
    // One shape key for the advisor and the rules/lens (core constantShape). The advisor's former key (normalizeSql alone)
    // made the literal copy take the generic plan's advice: a generic plan of `customer_id = $1` is not the plan of
    // `customer_id = 7` with 7's statistics.
    const generic = STATEMENTS[0].sql;
    const literal = generic.replace('customer_id = $1', 'customer_id = 7');
    const decider = new IndexDecider(await t.open(), { info, realIndexes: false });
    await t.admin.query('SELECT pg_stat_statements_reset()');
    await decider.decide([{ sql: generic, label: 'a.ts:1' }, { sql: literal, label: 'b.ts:1' }], { focus: [generic, literal] });
    assert.equal(decider.advice.get(literal)?.sameShapeAs, undefined, 'the literal copy is planned with its own value');
    assert.equal(await explains(), 2);
    // The constants of two literal copies are both the normaliser's: one shape.
    const other = generic.replace('customer_id = $1', 'customer_id = 8');
    await decider.decide([{ sql: other, label: 'c.ts:1' }], { focus: [other] });
    assert.equal(decider.advice.get(other)?.sameShapeAs, literal);
  });

  it('two decisions at once over the same statements plan the shape once between them', async () => {
    const own = await t.open({ statementTimeoutMs: 60000 });
    const decider = new IndexDecider(own, { info, realIndexes: false });
    await t.admin.query('SELECT pg_stat_statements_reset()');
    await Promise.all([
      decider.decide(STATEMENTS, { focus: STATEMENTS.slice(0, 100).map((s) => s.sql) }),
      decider.decide(STATEMENTS, { focus: STATEMENTS.slice(100).map((s) => s.sql) }),
    ]);
    const n = await explains();
    // The first's plan once between them; each decision checks up to SHAPE_CHECKS others' own plans (person38 H1).
    assert.ok(n >= 1 + SHAPE_CHECKS && n <= 2 + 2 * SHAPE_CHECKS, `${n} EXPLAINs`);
    const planned = STATEMENTS.filter((s) => decider.advice.get(s.sql)?.sameShapeAs === undefined);
    assert.equal(planned.length, 1, planned.map((s) => s.sql).join('\n'));
  });
});
