/** The one way a health check builds a finding: its id and category come from the check. */
import type { HealthCheck, HealthFinding, HealthSeverity } from './types';

export type FindingDetails = Partial<Pick<HealthFinding, 'objects' | 'evidence' | 'fixSql' | 'help' | 'action'>>;

export function finding(check: Pick<HealthCheck, 'id' | 'category'>, severity: HealthSeverity, message: string, d: FindingDetails = {}): HealthFinding {
  const out: HealthFinding = { checkId: check.id, severity, category: check.category, message, objects: d.objects ?? [], evidence: d.evidence ?? {}, fixSql: d.fixSql ?? [] };
  if (d.help !== undefined) out.help = d.help;
  if (d.action !== undefined) out.action = d.action;
  return out;
}

/** What a check reports on, worst first: the items `keep` accepts, by `size` descending (ties keep their order). */
export function worstFirst<T>(items: readonly T[], keep: (x: T) => boolean, size: (x: T) => number): T[] {
  return items.filter(keep).sort((a, b) => size(b) - size(a));
}
