/**
 * A one-off cleanup DELETE gets no index tip (issue 20, person38 L8: the demo's `DELETE FROM reviews WHERE rating = 1 AND
 * created_at < now() - '1 year'` was tipped an index on reviews (rating), a 5-value column), through the real layers:
 * the index advice's candidates from the table's real pg_stats (rating = 1 keeps a tenth of the rows: not a candidate
 * by itself), the statement's calls from pg_stat_statements (top level: PG Lens's EXPLAIN ANALYZE of it does not count),
 * and the analysed plan's tips with those calls.
 */
import { strict as assert } from 'node:assert';
import { readCatalogFacts } from '../../../src/db/catalog';
import { explainAnalyze } from '../../../src/db/explain';
import { queryIdOf, statementCalls } from '../../../src/db/queryStats';
import { analyzePlan, K } from '../../../src/core/plan';
import { createIndexSql, indexCandidates } from '../../../src/core/advice/indexCandidates';
import { statementShape } from '../../../src/core/sql/predicates';
import type { Database } from '../../../src/db/database';
import { statementStats, testDatabase } from '../support';

const CLEANUP = "DELETE FROM reviews WHERE rating = 1 AND created_at < now() - interval '1 year'";

describe('a one-off DELETE is not tipped an index (real PostgreSQL)', function () {
  this.timeout(120000);
  const t = testDatabase('write_index_tips');
  let db: Database;
  let pss = false;

  before(async () => {
    pss = await statementStats(t, 'the DELETE\'s calls cannot be read: only the candidates are checked');
    await t.admin.query('CREATE TABLE reviews (id bigint PRIMARY KEY, product_id int NOT NULL, rating smallint NOT NULL, body text NOT NULL, created_at timestamptz NOT NULL)');
    // Ratings lean to 4 and 5 as the demo's: 1 star is a tenth of the rows; created_at over three years.
    await t.admin.query(`INSERT INTO reviews SELECT g, 1 + g % 500, (ARRAY[1, 2, 3, 4, 4, 5, 5, 5, 5, 5])[1 + g % 10], repeat('x', 40), now() - (g % 1095) * interval '1 day' FROM generate_series(1, 24000) g`);
    await t.admin.query('ANALYZE reviews');
    if (pss) await t.admin.query('SELECT pg_stat_statements_reset()');
    db = await t.open();
  });

  it('the advice has no reviews (rating) candidate: by the real pg_stats, rating = 1 keeps too many rows by itself', async () => {
    const { tables } = await readCatalogFacts(db, [{ name: 'reviews' }]);
    const rating = tables[0].stats.rating;
    assert.ok(rating && rating.nDistinct === 5, JSON.stringify(rating));
    const ddls = indexCandidates(statementShape(CLEANUP)!, { versionNum: 180000, pgTrgm: 'unavailable', tables }).map((c) => createIndexSql(c, { concurrently: false }));
    assert.ok(!ddls.some((d) => /\(rating\)$/.test(d)), ddls.join('\n'));
  });

  it('its calls are those the clients made, not PG Lens\'s Explain Analyze; with none, the plan\'s scan gets no index tip', async function () {
    if (!pss) this.skip();
    const r = await explainAnalyze(db, CLEANUP, { allowDml: true });
    const id = r.json[K.QueryIdentifier] !== undefined ? String(r.json[K.QueryIdentifier]) : await queryIdOf(db, CLEANUP);
    assert.ok(id, 'a query identifier (PostgreSQL 14+)');
    assert.equal(await statementCalls(db, id), 0);
    const plan = analyzePlan(r.json, { relationRows: r.relationRows ? new Map(r.relationRows) : undefined, statementCalls: 0 });
    const scan = plan.tips.filter((x) => plan.nodes[x.nodeId].metrics.relation?.replace(/^public\./, '') === 'reviews');
    assert.ok(scan.length, plan.tips.map((x) => x.text).join(' | '));
    for (const tip of scan) {
      assert.doesNotMatch(tip.text, /An index on|covering the filter|lets PostgreSQL read only/, tip.text);
      assert.match(tip.text, /this DELETE has not recurred \(pg_stat_statements has no run of it\)/, tip.text);
    }
    // Run by a client twice (rolled back): it recurs, and its calls say so.
    for (let i = 0; i < 2; i++) {
      await t.admin.query('BEGIN');
      await t.admin.query(CLEANUP);
      await t.admin.query('ROLLBACK');
    }
    assert.equal(await statementCalls(db, id), 2);
    assert.equal(await statementCalls(db, undefined), undefined);
  });
});
