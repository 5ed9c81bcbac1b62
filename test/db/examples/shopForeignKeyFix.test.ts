/**
 * The unindexed foreign key reviews_product_id_fkey gets one fix on the dashboard and from `pg-lens health .`, on the same
 * database (person41 L5: the dashboard proposed reviews (product_id, rating DESC), `pg-lens health` (product_id,
 * created_at DESC)). Why they differed: the inputs. The dashboard weighs the workspace's code with pg_stat_statements'
 * busiest; `pg-lens health` without paths weighs pg_stat_statements' only — and a statement of the code never run yet
 * (here the best-rated reviews of a product) makes one shared index (product_id, rating DESC) serve all of reviews' reads.
 * Given the code's paths, the CLI weighs what the dashboard weighs and names the same fix (one function: foreignKeyAdvice).
 */
import { strict as assert } from 'node:assert';
import { shopSources, shopWithTraffic } from './shopState';
import { extractSqlSites } from '../../../src/core/extract/index';
import { foundStatementsOf } from '../../../src/core/advice/workload';
import { IndexDecider, topStatements, WorkspaceStatements } from '../../../src/db/indexDecision';
import { foreignKeyAdvice, runHealth } from '../../../src/db/health';
import { workloadAdvisedIndexes } from '../../../src/db/workloadAdvisedIndexes';
import type { Database } from '../../../src/db/database';
import { configureTreeSitterForCli } from '../../../src/node/treeSitterDir';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { testDatabase } from '../support';
import { runCli } from '../../unit/support/cli';
import { tempFolderForRun } from '../../unit/support/tempFolder';
import { newTrialProofs } from '../../../src/db/trialProofs';

const TOP_REVIEWS = `import type { Db } from './db';

export async function topReviews(db: Db, productId: number) {
  const { rows } = await db.query('SELECT id, rating, body FROM reviews WHERE product_id = $1 ORDER BY rating DESC LIMIT 5', [productId]);
  return rows;
}
`;

describe('examples/shop: one fix for reviews_product_id_fkey on the dashboard and from pg-lens health (real PostgreSQL)', function () {
  this.timeout(600000);
  const t = testDatabase('shop_fk_fix');
  let db: Database;
  const ws = new WorkspaceStatements();
  const texts = new Map(shopSources());

  before(async () => {
    configureTreeSitterForCli();
    await shopWithTraffic(t, { scale: 0.25, requests: 150 });
    db = await t.open({ statementTimeoutMs: 60_000 });
    // A person's own report (never run: no pg_stat_statements entry): the best-rated reviews of a product.
    texts.set('src/zTopReviews.ts', TOP_REVIEWS);
    for (const [file, text] of texts) {
      const sites = (await extractSqlSites(text, file, file)).filter((s) => s.confidence >= 0.5);
      ws.setFile(file, foundStatementsOf(sites, text, file));
    }
  });

  it('the dashboard and pg-lens health . name the same index for the key', async () => {
    const fixOf = async (advice: Awaited<ReturnType<typeof foreignKeyAdvice>>) => {
      const { findings } = await runHealth(db, { only: ['unindexed-foreign-key'], advisedIndexes: advice.advisedIndexes, indexAdvicePending: advice.indexAdvicePending });
      return findings.find((f) => f.objects[0].name === 'reviews_product_id_fkey')?.fixSql[0];
    };
    // Each with its own proofs, as the editor and a separate pg-lens process have.
    const decider = new IndexDecider(db, { realIndexes: true, proof: 'transaction', trialProofs: newTrialProofs() });
    const dashboard = await foreignKeyAdvice(decider, ws.statements((await topStatements(db)).statements));
    const cli = await workloadAdvisedIndexes(db, { files: ws.statements([]).map((s) => ({ sql: s.sql, source: s.label })) });
    const [d, c] = [await fixOf(dashboard), await fixOf(cli)];
    assert.ok(c, 'a fix');
    assert.equal(d, c, 'one fix for the key on both paths');
  });

  it('pg-lens health given the code names the dashboard\'s fix; without it, it says it weighed pg_stat_statements only and how to weigh the code', async () => {
    const dir = tempFolderForRun('pglens-shop-fk-');
    for (const [file, text] of texts) {
      fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const reviewsFix = (out: string) => (JSON.parse(out) as { objects: { name: string }[]; fixSql: string[]; help: string }[]).find((f) => f.objects[0].name === 'reviews_product_id_fkey');
    const decider = new IndexDecider(db, { realIndexes: true, proof: 'transaction', trialProofs: newTrialProofs() });
    const dashboard = await foreignKeyAdvice(decider, ws.statements((await topStatements(db)).statements));
    const { findings } = await runHealth(db, { only: ['unindexed-foreign-key'], advisedIndexes: dashboard.advisedIndexes, indexAdvicePending: dashboard.indexAdvicePending });
    const onDashboard = findings.find((f) => f.objects[0].name === 'reviews_product_id_fkey');
    const withCode = await runCli(['health', '.', '--db', t.url, '--check', 'unindexed-foreign-key', '--format', 'json'], { cwd: dir });
    assert.deepEqual(reviewsFix(withCode.out)?.fixSql, onDashboard?.fixSql, withCode.err);
    assert.doesNotMatch(reviewsFix(withCode.out)?.help ?? '', /pg_stat_statements' busiest statements only/);
    const without = await runCli(['health', '--db', t.url, '--check', 'unindexed-foreign-key', '--format', 'json'], { cwd: dir });
    assert.match(reviewsFix(without.out)?.help ?? '', /Decided over pg_stat_statements' busiest statements only: give the code's paths \(pg-lens health \. --db …\)/, without.out);
  });
});
