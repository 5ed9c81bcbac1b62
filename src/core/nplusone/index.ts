/**
 * N+1 queries, found in code (static: a database call inside a loop) and confirmed by what the
 * database saw (observed: pg_stat_statements figures matched back to the code).
 *
 *   detectNPlusOne(text, languageIdOrPath, file?) → Finding[]   (rule id `n-plus-one`)
 *   flagObservedNPlusOne(statements, sites, options) → ObservedNPlusOne[]  (pure matching)
 *   observedFindings(...) → Finding[] at the lines of code
 */
export { detectNPlusOne, type NPlusOneEvidence } from './detect';
export type { DbCall } from './dbCalls';
export { rewriteFor, batchedSql } from './rewrites';
export { findSqlCalls, toDollarParams } from './detect';
export {
  isRepeatedSmall, diffFigures, matchStatements, observedFindings, observedFindingsByFile, observedNPlusOnes, observedReport, canonical, siteRefsOf, attachRecorded,
  type StatementFigures, type SqlSiteRef,
} from './observed';
