/**
 * The index advisor as a scan analyzer: `pg-lens scan --db` and Scan Workspace report
 * `missing-index` with the same proof as the editor (HypoPG, or a real index in a rolled-back
 * transaction on development profiles, else not verified).
 */
import type { Analyzer } from '../core/scan';
import type { Finding } from '../core/findings';
import { OTHER_RULES } from '../core/rules/index';
import { missingIndexFinding } from '../core/advice/missingIndex';
import { adviseStatement, type AdviseOptions } from './advisor';
import type { Database } from './database';

export const MISSING_INDEX = 'missing-index';

export function missingIndexAnalyzer(db: Database, opts: AdviseOptions & { minConfidence?: number } = {}): Analyzer {
  const { minConfidence = 0.5, ...advise } = opts;
  return {
    id: MISSING_INDEX,
    rules: OTHER_RULES.filter((r) => r.id === MISSING_INDEX),
    async analyze({ sites, file }) {
      const out: Finding[] = [];
      for (const site of sites) {
        if (site.confidence < minConfidence) continue;
        try {
          const advice = await adviseStatement(db, site.sql, undefined, advise);
          const f = missingIndexFinding(site, advice);
          if (f) out.push({ ...f, file: f.file ?? file });
        } catch (e) {
          // One statement the advisor could not look at never stops the scan; it is only logged.
          advise.log?.(`${file}: index advice skipped a statement: ${String((e as Error)?.message ?? e).split('\n')[0]}`);
        }
      }
      return out;
    },
  };
}
