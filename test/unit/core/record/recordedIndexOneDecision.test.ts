/**
 * One statement, one index in Problems (issue 20, person51 M-3): a recorded line's missing-index finding is the
 * recording's copy of the advice it was shown with, made earlier (orders at 32k rows, before the other files' statements
 * were weighed). Where the file's analysis finds the same statement now, its finding — the one decision's answer — is the
 * statement's, whatever index the copy names: the recorded count tags it, and no second index is proposed beside it.
 */
import { strict as assert } from 'node:assert';
import { mergeRecorded } from '../../../../src/core/record/findings';
import { loadPgParser } from '../../../../src/core/sql/statement';
import type { Finding } from '../../../../src/core/findings';

const SQL = 'SELECT o.id, o.customer_id, o.status, o.total_cents, o.placed_at, c.name FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.email = $1 ORDER BY o.placed_at DESC';
const TEXT = ['export async function ordersForEmail(db, email) {', '  const { rows } = await db.query(', `    \`${SQL}\`,`, '    [email],', '  );', '}'].join('\n');
const line = (n: number) => {
  const start = TEXT.split('\n').slice(0, n - 1).join('\n').length + 1;
  return { start, end: start + 5 };
};
const SHARED = 'CREATE INDEX CONCURRENTLY orders_customer_id_placed_at_desc_idx ON orders (customer_id, placed_at DESC)';
const OWN = 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id)';

const stat: Finding = { ruleId: 'missing-index', severity: 'warning', message: 'Seq Scan on orders (37k rows): an index on orders (customer_id, placed_at DESC) cuts the estimated cost 1,180 → 27.8 (one index shared with 1 other statement)', span: line(3), file: 'src/orders.ts', fixes: [], evidence: { suggestions: [{ ddl: SHARED }], sql: SQL } };
const recorded = (sql: string): Finding => ({ ruleId: 'missing-index', severity: 'warning', message: 'Seq Scan on orders (32k rows): an index on orders (customer_id) cuts the estimated cost 1,010 → 31.4 (recorded: 21× from this line)', span: line(2), file: 'src/orders.ts', fixes: [], evidence: { recorded: true, calls: 21, sql, suggestions: [{ ddl: OWN }] } });

describe('core/record: a recorded line and the static finding of the same statement propose one index (person51 M-3)', () => {
  before(async () => loadPgParser());

  it('the static finding (the one decision, now) takes the recorded count; the recording\'s older index is not proposed beside it', () => {
    const out = mergeRecorded([stat, recorded(SQL)], TEXT).filter((f) => f.ruleId === 'missing-index');
    // Before: two findings, orders (customer_id, placed_at DESC) and the recorded orders (customer_id) (32k rows).
    assert.equal(out.length, 1, out.map((f) => f.message).join('\n'));
    assert.deepEqual((out[0].evidence?.suggestions as { ddl: string }[]).map((s) => s.ddl), [SHARED]);
    assert.match(out[0].message, /cuts the estimated cost 1,180 → 27\.8 \(one index shared with 1 other statement\) \(recorded: 21× from line 2\)$/);
  });

  it('another statement recorded near it keeps its own finding when it names another index', () => {
    const other = 'SELECT id, status FROM orders WHERE customer_id = $1';
    const out = mergeRecorded([stat, recorded(other)], TEXT).filter((f) => f.ruleId === 'missing-index');
    assert.equal(out.length, 2);
  });
});
