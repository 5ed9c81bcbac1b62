/**
 * Index advice for PG Lens's own N+1 rewrite (issue 20, person21 HIGH 1): the shop's "latest 3 reviews per product"
 * loop becomes `unnest($1) AS k(key) CROSS JOIN LATERAL (… WHERE product_id = k.key ORDER BY created_at DESC LIMIT 3)`.
 * The per-product statement was advised `reviews (product_id, created_at DESC)`; the rewrite was told "no index cuts the
 * estimated cost by 30% or more (1 candidate tried)" while that index took it from cost 5,541 to 144. The correlated key
 * `product_id = k.key` is an equality the inner scan probes per outer row, with the subquery's own ORDER BY / LIMIT.
 * Proved here by the planner on the harness's PostgreSQL (a real index built and rolled back when HypoPG is missing).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadShop } from '../../../examples/shop/seed';
import { rewriteFor } from '../../../src/core/nplusone/rewrites';
import { adviseStatement } from '../../../src/db/advisor';
import type { Database } from '../../../src/db/database';
import { IndexDecider } from '../../../src/db/indexDecision';
import { testDatabase } from '../support';

const shop = path.join(__dirname, '..', '..', '..', 'examples', 'shop');

/** The SQL literal of the shop's own N+1 site (planted.json "reviews-per-product"): what the loop runs. */
function shopLoopSql(): string {
  const map = JSON.parse(fs.readFileSync(path.join(shop, 'planted.json'), 'utf8')) as { sites: { id: string; file: string; line: number }[] };
  const site = map.sites.find((s) => s.id === 'reviews-per-product')!;
  const line = fs.readFileSync(path.join(shop, site.file), 'utf8').split('\n')[site.line - 1];
  return /'([^']+)'/.exec(line)![1];
}

/** The statement the "Show the batched rewrite" action puts in the code, read out of the code it shows. */
function rewriteSql(sql: string): string {
  const r = rewriteFor({ call: { library: 'sql', op: 'read', batch: false, label: 'db.query', method: 'query', sql }, variable: 'product', iterable: 'products', collection: 'products', params: '[product.id]', after: { binding: '{ rows }', rest: '\n    product.reviews = rows;\n  ' } });
  const m = /\.query\(\n\s*`([\s\S]*?)`,\n/.exec(r.code);
  assert.ok(m, r.code);
  assert.match(m[1], /CROSS JOIN LATERAL/, 'the per-product LIMIT is kept by a LATERAL join');
  return m[1];
}

const WANT = /ON (public\.)?reviews( USING btree)? \(product_id, created_at DESC\)$/;

describe('db: the LATERAL batched rewrite gets the index the per-product statement got (person21 HIGH 1)', function () {
  this.timeout(300000);
  const t = testDatabase('lateral_rewrite_advice');
  let db: Database;
  const perProduct = shopLoopSql();
  const lateral = rewriteSql(perProduct);

  before(async () => {
    await loadShop(t.url, { scale: 0.25 });
    db = await t.open({ statementTimeoutMs: 60000 });
  });

  it('the per-product statement and its rewrite are advised the same index, proved by the planner', async () => {
    for (const sql of [perProduct, lateral]) {
      const r = await adviseStatement(db, sql, undefined, { proof: 'transaction' });
      assert.equal(r.status, 'ok', r.message);
      const s = r.suggestions.find((x) => WANT.test(x.ddl));
      assert.ok(s, `${sql}\nsuggested ${JSON.stringify(r.suggestions.map((x) => x.ddl))} tried ${JSON.stringify(r.tried)} rejected ${JSON.stringify(r.rejected)}`);
      assert.notEqual(s.verifiedBy, 'none');
      assert.ok(s.planUsesIndex, s.ddl);
      assert.ok(s.costAfter! <= s.costBefore * 0.3, `${s.ddl}: ${s.costBefore} → ${s.costAfter}`);
    }
  });

  it('Suggest Indexes (the decision) names it for the rewrite', async () => {
    const d = await new IndexDecider(db, { proof: 'transaction', realIndexes: true }).decide([], { focus: [lateral] });
    const mine = d.byStatement.get(lateral);
    assert.ok(mine?.suggestions.some((s) => WANT.test(s.ddl)), JSON.stringify(mine ?? d));
  });
});
