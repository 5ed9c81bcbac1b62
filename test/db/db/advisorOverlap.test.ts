/**
 * Overlapping suggestions across statements: one statement wants orders (customer_id), another
 * orders (customer_id, placed_at DESC). The planner tries the wider index on the first statement;
 * it is used there and cuts the cost as well, so the editor suggests one index for both.
 */
import { strict as assert } from 'node:assert';
import { candidateFromSuggestion } from '../../../src/core/advice/indexCandidates';
import { overlaps } from '../../../src/core/advice/workload';
import { IndexDecider } from '../../../src/db/indexDecision';
import { adviseStatement } from '../../../src/db/advisor';
import type { Database } from '../../../src/db/database';
import { testDatabase } from '../support';

describe('db/advisor: one index for two statements when the planner agrees (real PostgreSQL)', function () {
  this.timeout(120000);
  const t = testDatabase('advisor_overlap');
  let db: Database;

  before(async () => {
    await t.admin.query('CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL, placed_at timestamptz NOT NULL, status text NOT NULL, pad text)');
    await t.admin.query(`INSERT INTO orders SELECT g, g % 100, now() - g * interval '1 minute', CASE WHEN g % 5 = 0 THEN 'paid' ELSE 'new' END, repeat('x', 80) FROM generate_series(1, 40000) g`);
    await t.admin.query('ANALYZE orders');
    db = await t.open();
  });

  it('(customer_id, placed_at DESC) proved on the plain customer_id lookup: used, and cheaper by as much — the decision gives both statements that one index', async () => {
    const lookup = 'SELECT id, status FROM orders WHERE customer_id = $1';
    const latest = 'SELECT id, status FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 20';
    const a = await adviseStatement(db, lookup, undefined);
    const b = await adviseStatement(db, latest, undefined);
    const narrow = a.suggestions[0];
    const wide = b.suggestions[0];
    assert.deepEqual(narrow?.columns, ['customer_id'], JSON.stringify(a.suggestions));
    assert.deepEqual(wide?.columns, ['customer_id', 'placed_at DESC'], JSON.stringify(b.suggestions));
    assert.ok(overlaps(wide, narrow));
    const cand = candidateFromSuggestion(wide);
    assert.ok(cand);
    const shared = await adviseStatement(db, lookup, undefined, { candidates: [cand], maxIndexes: 1 });
    const s = shared.suggestions[0];
    assert.equal(s?.name, wide.name, JSON.stringify(shared));
    assert.equal(s.ddl, wide.ddl);
    assert.ok(s.planUsesIndex && s.verifiedBy !== 'none');
    assert.ok(s.costAfter! <= s.costBefore * 0.7, `${s.costBefore} → ${s.costAfter}`);

    const decider = new IndexDecider(db);
    const d = await decider.decide([{ sql: lookup, label: 'lookup.ts:1' }, { sql: latest, label: 'latest.ts:1' }]);
    assert.deepEqual(d.indexes.map((x) => x.ddl), [wide.ddl], 'one index for both');
    assert.deepEqual(d.byStatement.get(lookup)!.suggestions.map((x) => x.ddl), [wide.ddl]);
    assert.deepEqual(d.byStatement.get(lookup)!.alsoServes[wide.ddl], ['latest.ts:1']);
    assert.deepEqual(d.byStatement.get(lookup)!.replaced, [{ ddl: narrow.ddl, by: wide.ddl }]);
    // Focused on the lookup alone, with the other statement known: the same answer.
    const focused = await new IndexDecider(db).decide([{ sql: latest, label: 'latest.ts:1' }], { focus: [lookup] });
    assert.deepEqual(focused.byStatement.get(lookup)!.suggestions.map((x) => x.ddl), [wide.ddl]);
  });
});
