/**
 * The analyzers a scan of application code runs — the same list for `pg-lens scan`/`report` and the editor (open files
 * and Scan Workspace), so that both report the same findings: the query rules, N+1 detection, and offset pagination
 * written without SQL text (ORM and query-builder calls). The editor lacked the last one: umami's Prisma
 * `{ take, skip }` pagination was a warning in the CLI and nothing in the editor. And NOT IN (SELECT …) in a WHERE
 * fragment appended at run time (no statement holds it), and a non-sargable ActiveRecord condition string the schema indexes.
 */
import type { Analyzer, EvidenceSource } from './scan';
import { rulesAnalyzer } from './scan';
import { nPlusOneAnalyzer, type NPlusOneOptions } from './nplusone/analyzer';
import { ormOffsetAnalyzer } from './rules/ormOffset';
import { fragmentLikeAnalyzer } from './rules/fragmentLike';
import { fragmentNotInAnalyzer } from './rules/fragmentNotIn';
import { fragmentSargableAnalyzer } from './rules/fragmentSargable';
import type { DialectVerdict } from './dialect';
import type { DeclaredIndexes } from './sql/declaredIndexes';

export function codeAnalyzers(opts: { project?: DialectVerdict; declared?: DeclaredIndexes; evidence?: EvidenceSource; onRuleError?: (ruleId: string, e: unknown) => void; workspace?: NPlusOneOptions['workspace']; perParent?: NPlusOneOptions['perParent'] }): Analyzer[] {
  return [rulesAnalyzer(opts), nPlusOneAnalyzer({ workspace: opts.workspace, perParent: opts.perParent }), ormOffsetAnalyzer({ project: opts.project }), fragmentNotInAnalyzer({ project: opts.project, declared: opts.declared }), fragmentLikeAnalyzer({ project: opts.project }), fragmentSargableAnalyzer({ project: opts.project, declared: opts.declared })];
}
