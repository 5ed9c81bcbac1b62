/**
 * The index advisor as an analyzer: `pg-lens scan --db`, Scan Workspace and the editor's one
 * analysis pipeline report `missing-index` with the same proof (HypoPG, or a real index in a
 * rolled-back transaction on development profiles, else not verified).
 */
import type { Analyzer } from '../core/scan';
import type { Finding } from '../core/findings';
import { OTHER_RULES } from '../core/rules/index';
import { MISSING_INDEX_RULE, missingIndexFinding } from '../core/advice/missingIndex';
import { adviseStatement, type AdviceResult, type AdviseOptions } from './advisor';
import type { Database } from './database';
import { describeError } from './errors';

export interface MissingIndexAnalyzerOptions extends AdviseOptions {
  minConfidence?: number;
  /**
   * The last advice per SQL text (the editor keeps one per connection): written on every run, and
   * the only source while the user is typing (AnalyzerInput.editing), so no EXPLAIN runs per keystroke
   * and the findings still follow the edits.
   */
  advice?: Map<string, AdviceResult>;
  /** Offer "Create index now" (the editor, on a development profile). */
  createNow?: boolean;
}

export function missingIndexAnalyzer(db: Database, opts: MissingIndexAnalyzerOptions = {}): Analyzer {
  const { minConfidence = 0.5, advice: known, createNow, ...advise } = opts;
  return {
    id: MISSING_INDEX_RULE,
    rules: OTHER_RULES.filter((r) => r.id === MISSING_INDEX_RULE),
    async analyze({ sites, file, editing, isCancelled }) {
      const out: Finding[] = [];
      for (const site of sites) {
        if (site.confidence < minConfidence) continue;
        if (isCancelled?.()) break;
        try {
          let advice = editing ? known?.get(site.sql) : undefined;
          if (!advice && !editing) {
            advice = await adviseStatement(db, site.sql, undefined, advise);
            known?.set(site.sql, advice);
            if (advice.status === 'error' || advice.status === 'missing-table' || advice.status === 'unparsed') advise.log?.(`${file}: index advice at offset ${site.span.start}: ${advice.message}`);
          }
          const f = advice && missingIndexFinding(site, advice, { createNow });
          if (f) out.push({ ...f, file: f.file ?? file });
        } catch (e) {
          // One statement the advisor could not look at never stops the scan; it is only logged.
          advise.log?.(`${file}: index advice skipped a statement: ${describeError(e)}`);
        }
      }
      return out;
    },
  };
}
