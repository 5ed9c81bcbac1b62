/**
 * What the editor names of the recording's findings before the analysis engine loads (core/record/findings.ts, the rest
 * of them, is the engine's: dist/engine.js): the command its fixes open, the rules they report, and what a change of
 * connection does to the advice they show.
 */
import { OTHER_RULES } from '../rules/others';
import type { RuleMeta } from '../rules/types';

/** Command the editor registers: open a file at a 1-based line (the parent query of an N+1). */
export const OPEN_SITE_COMMAND = 'pgLens.openRecordedSite';

/** The rules the recording's findings report (its analyzer's, also said by the editor before the engine loads). */
export function recordedRules(): RuleMeta[] {
  return OTHER_RULES.filter((r) => r.id === 'n-plus-one' || r.id === 'missing-index');
}

/**
 * What a change of connection does to the recording's proved advice and plans (each belongs to the database it was
 * proved on: `provedOn`, the editor's key of it). `hide` — no connection now (Disconnect, or the moment between two
 * profiles of one database): kept, but no finding shows (recordedFindings shows only advice proved on the connection in
 * use); `keep` — all of it was proved on the database now in use (the same one back); `drop` — some was proved on
 * another database: made again there. Person27 LOW-5: the gap between two profiles of one database dropped it all.
 */
export function adviceAfterConnectionChange(provedOn: Iterable<string | undefined>, now: string | undefined): 'hide' | 'keep' | 'drop' {
  if (now === undefined) return 'hide';
  for (const on of provedOn) if (on !== now) return 'drop';
  return 'keep';
}
