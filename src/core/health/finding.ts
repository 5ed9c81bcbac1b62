/** The one way a health check builds a finding: its id and category come from the check. */
import type { HealthCheck, HealthFinding, HealthSeverity } from './types';
import { relationStatement, type RelationActionKind } from '../dashboard/actions';
import { qualifiedName } from '../sql/ident';

export type FindingDetails = Partial<Pick<HealthFinding, 'objects' | 'evidence' | 'fixSql' | 'help' | 'action'>>;

export function finding(check: Pick<HealthCheck, 'id' | 'category'>, severity: HealthSeverity, message: string, d: FindingDetails = {}): HealthFinding {
  const out: HealthFinding = { checkId: check.id, severity, category: check.category, message, objects: d.objects ?? [], evidence: d.evidence ?? {}, fixSql: d.fixSql ?? [] };
  if (d.help !== undefined) out.help = d.help;
  if (d.action !== undefined) out.action = d.action;
  return out;
}

/**
 * The fix a dashboard action performs on a table, index or materialized view: the statement it runs,
 * as the finding's fix SQL, and the action on the object's oid (so the two never differ).
 */
export function relationFix(kind: RelationActionKind, o: { schema: string; name: string; oid: number }, concurrently = false): Required<Pick<FindingDetails, 'fixSql' | 'action'>> {
  return { fixSql: [`${relationStatement(kind, qualifiedName(o.schema, o.name), concurrently)};`], action: { kind, oid: o.oid } };
}

/** What a check reports on, worst first: the items `keep` accepts, by `size` descending (ties keep their order). */
export function worstFirst<T>(items: readonly T[], keep: (x: T) => boolean, size: (x: T) => number): T[] {
  return items.filter(keep).sort((a, b) => size(b) - size(a));
}
