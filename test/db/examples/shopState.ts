/**
 * The shop as the index advice tests read it: loaded at a scale, and — where pg_stat_statements is there — the app's
 * steady state, statement timings and table writes counted over the same traffic (not the bulk load). Without it the
 * decision weighs the workspace's statements without timings, and the fallback is said.
 */
import { loadShop } from '../../../examples/shop/seed';
import { runTraffic } from '../../../examples/shop/traffic';
import { statementStats, type TestDatabase } from '../support';

export async function shopWithTraffic(t: TestDatabase, o: { scale: number; requests: number }): Promise<void> {
  await loadShop(t.url, { scale: o.scale });
  if (await statementStats(t, 'the decision weighs the workspace statements without timings')) {
    await t.admin.query('SELECT pg_stat_statements_reset()');
    await t.admin.query('SELECT pg_stat_reset()');
    await runTraffic(t.url, { requests: o.requests });
  }
}
