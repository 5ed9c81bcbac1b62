/**
 * N+1 queries, found in code (static: a database call inside a loop) and confirmed by what the
 * database saw (observed: pg_stat_statements figures matched back to the code).
 *
 *   detectNPlusOne(text, languageIdOrPath, file?) → Finding[]   (rule id `n-plus-one`)
 *   flagObservedNPlusOne(statements, sites, options) → ObservedNPlusOne[]  (pure matching)
 *   observedFindings(...) → Finding[] at the lines of code
 */
export { detectNPlusOne, RULE_ID, type NPlusOneEvidence } from './detect';
export type { DbCall, Library } from './dbCalls';
export { rewriteFor, dataLoaderRewrite, batchedSql, type Rewrite } from './rewrites';
export { findSqlCalls, toDollarParams, type SqlCall } from './detect';
export {
  isRepeatedSmall, diffFigures, matchStatements, observedFindings, observedReport, describeFigures, canonical, OBSERVED_DEFAULTS,
  type StatementFigures, type SqlSiteRef, type ObservedOptions, type ObservedMatch,
} from './observed';
export { nPlusOneAnalyzer, N_PLUS_ONE_META } from './analyzer';
