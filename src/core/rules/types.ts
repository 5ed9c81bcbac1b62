/**
 * The rule framework (after squawk's linter: one file per rule, a kebab-case id, a registry, one
 * docs page per id). A rule looks at ONE parsed statement of a SqlSite and reports findings.
 * It works statically from the AST, and sharpens its verdict with PlanEvidence when the caller has
 * a database (table sizes, column types, which columns are indexed, plan node types).
 */
import type { Statement } from 'pgsql-ast-parser';
import type { Finding, Fix, Severity, Span } from '../findings';
import type { SqlSite } from '../extract/types';
import type { TableFacts } from '../catalogFacts';
import type { DeclaredIndexes } from '../sql/declaredIndexes';

/** What every analysis that produces findings declares about its rule ids (SARIF, docs, README). */
export interface RuleMeta {
  /** kebab-case, stable: used in settings, suppression comments, SARIF. */
  id: string;
  defaultSeverity: Severity;
  /** One sentence, shown as SARIF shortDescription and in the rule table. */
  description: string;
  /**
   * The editor shows this rule's help in a hover of its own (missing-index leads with the CREATE INDEX): the plan
   * hover's "How to fix" leaves it out. (Every diagnostic's message is the finding's claim alone: person30 M1.)
   */
  helpInOwnHover?: boolean;
}

export interface Rule extends RuleMeta {
  /** Only for statements in application code (not .sql files, which are often ad hoc or migrations). */
  appCodeOnly?: boolean;
  /**
   * Judges what the whole statement lacks (no WHERE, no LIMIT): skipped for dynamic sites, whose
   * text is completed at run time (`sql += " WHERE …"`, interpolated clauses).
   */
  wholeStatement?: boolean;
  check(ctx: StatementContext): Finding[];
}

// ---------------------------------------------------------------------------------------------
// Plan evidence: plain data the db layer fills (src/db/ruleEvidence.ts); rules never query. Tables are
// the one catalog-facts model (core/catalogFacts.ts), the index advisor's too.

/** Facts from EXPLAIN (no ANALYZE) of the statement itself. */
export interface PlanFacts {
  /** Every node type in the plan, e.g. "Seq Scan", "Index Scan", "BitmapOr", "Hash Anti Join". */
  nodeTypes: string[];
  /** Relations read by a Seq Scan. */
  seqScanTables: string[];
  /** Estimated rows of the top node. */
  rows: number;
  totalCost: number;
}

export interface PlanEvidence {
  /** Look a table up by name as written in the SQL (unquoted names are lower-cased by the caller). */
  table?(name: string, schema?: string): TableFacts | undefined;
  plan?: PlanFacts;
}

// ---------------------------------------------------------------------------------------------

export interface RuleReport {
  /** The node (or SQL offsets) the finding points at. */
  at: { _location?: { start: number; end: number } } | { start: number; end: number };
  message: string;
  help?: string;
  /** Overrides the rule's default severity for this finding (e.g. raised by plan evidence). */
  severity?: Severity;
  fixes?: Fix[];
  evidence?: Record<string, unknown>;
}

/** What a rule sees: one statement of one site, helpers to map back to the file, optional evidence. */
export interface StatementContext {
  site: SqlSite;
  /** The site's SQL text (AST locations are offsets into it). */
  sql: string;
  statement: Statement;
  /** True when the site is application code (not a .sql file). */
  inAppCode: boolean;
  evidence?: PlanEvidence;
  /** Without a database: the indexes and tables the project's schema files declare (sql/declaredIndexes.ts). */
  declared?: DeclaredIndexes;
  /** The SQL text of a node. */
  textOf(node: { _location?: { start: number; end: number } }): string;
  /** File span of SQL offsets. */
  fileSpan(start: number, end: number): Span;
  /**
   * A fix edit replacing sql[start,end) with newText, or undefined when that part of the SQL is not
   * written verbatim in the file (placeholders, concatenation, escapes) or newText cannot be
   * written into the file's string literal as is.
   */
  replace(start: number, end: number, newText: string): Fix['edits'][number] | undefined;
  /** Resolve a table name (as written) to catalog facts, when evidence has them. */
  table(name: string, schema?: string): TableFacts | undefined;
  /** Build a finding of the current rule. */
  report(r: RuleReport): Finding;
}
