/**
 * Overlapping suggestions across statements: one statement wants orders (customer_id), another
 * orders (customer_id, placed_at DESC). The planner tries the wider index on the first statement;
 * it is used there and cuts the cost as well, so the editor suggests one index for both.
 */
import { strict as assert } from 'node:assert';
import { candidateFromSuggestion } from '../../../src/core/advice/indexCandidates';
import { overlaps } from '../../../src/core/advice/workload';
import { IndexDecider, mergeStatements } from '../../../src/db/indexDecision';
import { loadPgParser } from '../../../src/core/sql/statement';
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

    const decider = new IndexDecider(db, { realIndexes: true });
    const d = await decider.decide([{ sql: lookup, label: 'lookup.ts:1' }, { sql: latest, label: 'latest.ts:1' }]);
    assert.deepEqual(d.indexes.map((x) => x.ddl), [wide.ddl], 'one index for both');
    assert.deepEqual(d.byStatement.get(lookup)!.suggestions.map((x) => x.ddl), [wide.ddl]);
    assert.deepEqual(d.byStatement.get(lookup)!.alsoServes[wide.ddl], ['latest.ts:1']);
    assert.deepEqual(d.byStatement.get(lookup)!.replaced, [{ ddl: narrow.ddl, by: wide.ddl }]);
    // Why, in the lookup's own terms (the hover, Suggest Indexes and Add migration's comment read it): the lookup has no
    // ORDER BY and no LIMIT. Seen in the hour: "…then the ORDER BY keys … so the sort disappears and the LIMIT stops
    // the scan early" on reviews.ts's avg(rating), written into a migration file.
    const why = d.byStatement.get(lookup)!.suggestions[0].reason;
    assert.doesNotMatch(why, /ORDER BY|LIMIT|sort disappears/, why);
    assert.match(why, /^equality on customer_id; placed_at DESC is there for the other statements it serves$/, why);
    assert.match(d.byStatement.get(latest)!.suggestions[0].reason, /ORDER BY keys placed_at DESC/, 'the statement it was made for keeps its own reason');
    // Focused on the lookup alone, with the other statement known: the same answer.
    const focused = await new IndexDecider(db, { realIndexes: true }).decide([{ sql: latest, label: 'latest.ts:1' }], { focus: [lookup] });
    assert.deepEqual(focused.byStatement.get(lookup)!.suggestions.map((x) => x.ddl), [wide.ddl]);
  });

  it("names the code's statements by their place when pg_stat_statements holds the same text (no constants to normalise)", async () => {
    // Seen in the hour: the workload report and the hovers said "queryid -5262747178231954577: SELECT avg(rating)…" for
    // src/reviews.ts:6, whose text pg_stat_statements holds unchanged; statements with a constant (LIMIT 3) got their place.
    await loadPgParser();
    const top = [
      { sql: 'SELECT avg(rating) FROM reviews WHERE product_id = $1', label: 'queryid -52: SELECT avg(rating)…', calls: 600, totalMs: 700 },
      { sql: 'SELECT o.id FROM orders o WHERE o.customer_id = $1 ORDER BY o.id', label: 'queryid -78: SELECT o.id…', calls: 10, totalMs: 5 },
      { sql: 'SELECT rating FROM reviews WHERE product_id = $1 LIMIT $2', label: 'queryid 26: SELECT rating…', calls: 800, totalMs: 900 },
    ];
    const m = mergeStatements(top, [
      { sql: 'SELECT avg(rating) FROM reviews WHERE product_id = $1', source: 'src/reviews.ts:6' },
      { sql: 'SELECT o.id\n   FROM orders o\n  WHERE o.customer_id = $1\n  ORDER BY o.id', source: 'src/orders.ts:78' },
      { sql: 'SELECT rating FROM reviews WHERE product_id = $1 LIMIT 3', source: 'src/products.ts:72' },
    ]);
    assert.deepEqual(m.statements.map((x) => x.label.split(':').slice(0, 2).join(':')), ['src/reviews.ts:6', 'src/orders.ts:78', 'src/products.ts:72']);
    assert.deepEqual(m.statements.map((x) => x.calls), [600, 10, 800], "pg_stat_statements' timings kept");
    assert.equal(m.fromFiles, 0, 'each statement once');
  });
});

