/**
 * The rule registry: every query rule, one file each. Add a rule: write src/core/rules/<camelId>.ts,
 * its docs page docs/rules/<id>.md, its tests test/unit/core/rules/<camelId>.test.ts, and one entry here.
 */
import { countForExistence } from './countForExistence';
import { implicitCast } from './implicitCast';
import { leadingWildcardLike } from './leadingWildcardLike';
import { nonSargablePredicate } from './nonSargablePredicate';
import { notInSubquery } from './notInSubquery';
import { offsetPagination } from './offsetPagination';
import { orAcrossColumns } from './orAcrossColumns';
import { selectStar } from './selectStar';
import { unboundedQuery } from './unboundedQuery';
import { updateDeleteWithoutWhere } from './updateDeleteWithoutWhere';
import { valueNotAllowed } from './valueNotAllowed';
import type { Rule, RuleMeta } from './types';
import { OTHER_RULES } from './others';

export type { Rule, RuleMeta } from './types';

export const RULES: readonly Rule[] = [
  offsetPagination,
  selectStar,
  nonSargablePredicate,
  leadingWildcardLike,
  notInSubquery,
  orAcrossColumns,
  unboundedQuery,
  countForExistence,
  implicitCast,
  updateDeleteWithoutWhere,
  valueNotAllowed,
];

export { OTHER_DIALECT_RULE, OTHER_RULES, SYNTAX_ERROR_RULE } from './others';

/** Metadata of every known rule id (this registry's and the other analyses'). */
export function allRuleMeta(): RuleMeta[] {
  return [...RULES.map(({ id, defaultSeverity, description }) => ({ id, defaultSeverity, description })), ...OTHER_RULES];
}
