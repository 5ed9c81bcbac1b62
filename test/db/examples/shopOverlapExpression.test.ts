/**
 * Two overlapping expression indexes proposed apart (issue 20, person42 L3): `customers ((lower(email)))` for the login
 * read (src/customers.ts:19) and `customers ((lower(email)), country)` for a typed read filtering on the country too — each
 * proposed with no word of the other, one covering the other's leading key. An expression index was never tried on the
 * other statement (candidateFromSuggestion took plain columns only): now the planner is asked, and one index serves both.
 */
import { strict as assert } from 'node:assert';
import { shopWithTraffic } from './shopState';
import { IndexDecider } from '../../../src/db/indexDecision';
import type { Database } from '../../../src/db/database';
import { testDatabase } from '../support';

const LOGIN = 'SELECT id, email, name, country FROM customers WHERE lower(email) = lower($1)';
const TYPED = "SELECT id, name FROM customers WHERE lower(email) = lower($1) AND country = 'DE'";

describe('examples/shop: overlapping expression indexes are weighed together (real PostgreSQL)', function () {
  this.timeout(600000);
  const t = testDatabase('shop_overlap_expression');
  let db: Database;

  before(async () => {
    await shopWithTraffic(t, { scale: 0.25, requests: 50 });
    await t.admin.query('VACUUM ANALYZE customers');
    db = await t.open();
  });

  it('the login read and the typed read get one customers index, each said to serve the other', async () => {
    // Real builds where there is no HypoPG (proof: 'transaction'), as Suggest Indexes and pg-lens scan prove.
    const decider = new IndexDecider(db, { realIndexes: true, askedFor: true });
    const d = await decider.decide([{ sql: LOGIN, label: 'src/customers.ts:19' }, { sql: TYPED, label: 'queries/typed.sql:1' }]);
    const own = [LOGIN, TYPED].map((q) => decider.advice.get(q)?.suggestions.map((s) => s.ddl));
    const ddl = (q: string) => d.byStatement.get(q)?.suggestions.filter((s) => / ON customers /.test(s.ddl)).map((s) => s.ddl) ?? [];
    assert.equal(ddl(LOGIN).length, 1, JSON.stringify(own));
    assert.deepEqual(ddl(TYPED), ddl(LOGIN), `own: ${JSON.stringify(own)}; decided: ${ddl(LOGIN)} / ${ddl(TYPED)}`);
    assert.match(ddl(LOGIN)[0], /\(lower\(email\)\)/);
    assert.deepEqual(d.byStatement.get(LOGIN)!.alsoServes[ddl(LOGIN)[0]], ['queries/typed.sql:1']);
    assert.deepEqual(d.byStatement.get(TYPED)!.alsoServes[ddl(TYPED)[0]], ['src/customers.ts:19']);
  });
});
