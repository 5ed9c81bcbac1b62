/**
 * The analysis engine, bundled on its own as dist/engine.js (esbuild.js) and loaded on first use: the editor reaches
 * it only through src/vscode/loadEngine.ts, so activation loads the editor wiring, connections and the
 * status bar, and the first analysis loads the rest. What is here: the SQL found in source (tree-sitter and the
 * languages' extraction), the one analysis pipeline (core/scan.ts, core/analyzers.ts: rules, N+1, missing index)
 * and the N+1 detector's workspace passes. The CLI bundles the same modules directly (dist/cli.js).
 *
 * The recording's aggregation and reports are here too (core/record: live, findings, format, firstHint — its
 * batched forms alone are ~30 KB): the editor loads the engine when a recording starts or is restored, and reads its
 * figures only once one exists, so activation carries none of it.
 *
 * The database's health checks and the readers of the facts they judge (core/health; db/health, db/securityFacts,
 * db/workloadFacts, db/stats, db/maintenance — ~165 KB) are here too: the editor needs them only once the dashboard
 * opens (its statistics, history and health checks), a cost lens reads the cache figures, or the index advice weighs
 * foreign keys — all after a first analysis or a panel opened, so activation carries none of it. They reach the
 * database through the connection the editor made (db/database stays in the editor bundle; pg is lib-pg.js).
 *
 * "Add migration"'s detection of the project's tool and its writers (core/advice/migrations, ~34 KB minified) are here
 * too: the editor reaches them when it offers or writes a migration for an index fix; what it needs before that (the
 * commands, the fix's title, the files that can change the tool) is core/advice/migrationFix, in the editor bundle.
 *
 * Everything that holds state behind a tree-sitter parse lives in this bundle only: a SourceTree made here is read
 * here (checkBundle.ts asserts the editor bundle holds none of ENGINE_ONLY_MODULES).
 */
export { configureTreeSitter, treeSitterConfigured, SourceTree } from './core/syntax/treeSitter';
export { extractLanguageOf, isTreeLanguage, extractSqlSites, extractSqlSitesDetailed, sqlStatementAt } from './core/extract/index';
export { siteAtOffset, sitesInSelection, typoOf, unparsedAt, unparsedSqlLine } from './core/extract/siteAt';
export { analyzeFile, scanFiles, countBySeverity, scanSummaryLine } from './core/scan';
export { codeAnalyzers } from './core/analyzers';
export { indexWorkspace, crossFileReadText, reindexFile } from './core/nplusone/analyzer';
export { CrossFileCalls } from './core/nplusone/crossFile';
export { workspaceSqlSites } from './core/nplusone/workspaceSites';
export { matchStatements, isRepeatedSmall, attachRecorded, observedFindings, observedFindingsByFile, observedReport, observedNPlusOnes } from './core/nplusone/observed';
export { LiveRecording } from './core/record/live';
export { recordedAnalyzer, silencedRecordedLines, silencedRecordedNPlusOnes } from './core/record/findings';
export { appLanguages, captureStoppedText, otherLanguagesReportNote, recordedSiteReport, recordingStartedText, recordingStoppedText, recordText } from './core/record/format';
export { ormHintLine, ORM_HINT_TITLE } from './core/record/firstHint';
export { HEALTH_CHECKS, capFindings } from './core/health/index';
export { neverMatchingFinding, neverMatchesAnswer } from './core/advice/neverMatches';
export { DEFAULT_THRESHOLDS } from './core/health/types';
export { cacheEstimate, formatCacheLens } from './core/health/checks/workload';
export { foreignKeyAdviceLine } from './core/health/checks/indexes';
export { runHealth, foreignKeyAdvice } from './db/health';
export { StatsReader, readSizes } from './db/stats';
export { readStatementUse, readHistoryMarks } from './db/workloadFacts';
export { planAction, runAction } from './db/maintenance';
export { detectMigrationTool, findStartupMigrator, generateMigration, migrationOffer, startupMigratorCandidates } from './core/advice/migrations';
