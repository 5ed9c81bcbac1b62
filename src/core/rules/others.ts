/**
 * The rule ids other analyses produce (index advice, N+1 detection, the server's errors), apart from the query rules'
 * implementations (index.ts): the editor names them (a finding's help, the syntax error said once) without loading every
 * rule's code into dist/extension.js (the rules stay in dist/engine.js, where the analysis runs).
 */
import type { RuleMeta } from './types';

/** The hint on a file whose SQL targets another database (core/dialect.ts): no rule ran on it. */
export const OTHER_DIALECT_RULE: RuleMeta = { id: 'other-dialect', defaultSeverity: 'hint', description: "This file's SQL targets another database (by its path, its driver imports or the project's configuration): no PostgreSQL advice is given for it." };

/** The rule of SQL the connected server rejects as a syntax error (42601; core/scan): the editor's hover leaves the same error out once Problems has it. */
export const SYNTAX_ERROR_RULE = 'syntax-error';

/**
 * Rule ids produced by other analyses (index advisor, N+1 detection). Their engines own the logic;
 * they are listed here so the docs index, SARIF metadata and settings know every id.
 */
export const OTHER_RULES: readonly RuleMeta[] = [
  OTHER_DIALECT_RULE,
  { id: 'missing-index', defaultSeverity: 'warning', description: 'The planner proves an index would cut the cost of this statement.', helpInOwnHover: true },
  { id: 'unindexed-foreign-key', defaultSeverity: 'warning', description: 'A foreign key without an index on its referencing columns: joins and parent deletes read the whole table.' },
  { id: 'duplicate-index', defaultSeverity: 'warning', description: 'An index that another index already covers: extra writes and disk for nothing.' },
  { id: 'unused-index', defaultSeverity: 'warning', description: 'An index no query has used since statistics were reset.' },
  { id: 'invalid-index', defaultSeverity: 'error', description: 'An index left invalid by a failed CREATE INDEX CONCURRENTLY: maintained on writes, never used.' },
  { id: 'undefined-name', defaultSeverity: 'error', description: 'The connected database rejects this statement: a column or table it names does not exist there (a typo, or a database not migrated yet).' },
  { id: SYNTAX_ERROR_RULE, defaultSeverity: 'error', description: 'The connected server rejects this SQL as a syntax error: it fails every time it runs, and nothing is planned or advised on it until it parses. A warning only for a string taken as SQL from its content.' },
  { id: 'not-analysed', defaultSeverity: 'hint', description: 'PostgreSQL accepts this SQL but the rule parser cannot read it: no rule or index advice ran on it (the finding says why).' },
  { id: 'n-plus-one', defaultSeverity: 'warning', description: 'A query inside a loop: one round trip per item instead of one query for all.' },
];
