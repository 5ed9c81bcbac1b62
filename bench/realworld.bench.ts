/**
 * Precision and recall on real applications, against the hand labels of test/realworld/, when the
 * corpus checkouts are present (PGLENS_REALWORLD=/folder/of/checkouts). Fetches nothing; without
 * the corpus it says so and reports no figures.
 */
import * as fs from 'node:fs';
import { score } from '../test/realworld/score';

export async function run(): Promise<Record<string, unknown>> {
  const root = process.env.PGLENS_REALWORLD;
  if (!root || !fs.existsSync(root)) return { skipped: 'set PGLENS_REALWORLD to the folder of corpus checkouts (test/realworld/corpus.json)' };
  const r = await score(root);
  const pick = (m: Record<string, unknown>) => Object.fromEntries(Object.entries(m).filter(([k]) => k === 'all' || k.startsWith('rule:') || k.startsWith('language:') || k.startsWith('context:') || k.startsWith('kind:')));
  return { labels: r.labels, development: pick(r.development as Record<string, unknown>), heldOut: pick(r.heldOut as Record<string, unknown>), splits: Object.fromEntries(Object.entries(r.splits as Record<string, Record<string, unknown>>).map(([k, m]) => [k, pick(m)])), wrong: (r.wrong as string[]).length, missingApps: r.missingApps, commitMismatch: r.commitMismatch };
}
