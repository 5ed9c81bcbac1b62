/**
 * A statement that can never return a row, or that always fails, gets no index and votes for none (issue 20, L-2): its
 * WHERE ANDs in a comparison with a value its column's CHECK list or domain can never hold (`status = 'shiped'`), or it
 * names an enum label PostgreSQL rejects. Before, its plan (a cheap lookup of a value the statistics have never seen) was
 * counted as a reason for an index, and shared one with the real `status = 'shipped'` read. The judgement is the
 * value-not-allowed rule's own (core/rules/valueNotAllowed: its finding's `statement` evidence), asked here on the catalog
 * facts the index advisor reads — not a second copy of the check.
 */
import type { Finding } from '../findings';
import type { TableFacts } from '../catalogFacts';
import { mayNeverMatch, tableLookup } from '../catalogFacts';
import { recordedSite } from '../record/atCursor';
import { checkSite } from '../rules/engine';
import { valueNotAllowed } from '../rules/valueNotAllowed';

/** The value-not-allowed finding that makes the whole statement fail or return no row, on its tables' catalog facts; else undefined. */
export function neverMatchingFinding(sql: string, tables: readonly TableFacts[]): Finding | undefined {
  if (!mayNeverMatch(sql, tables)) return undefined;
  const lookup = tableLookup([...tables]);
  const found = checkSite(recordedSite(sql), [valueNotAllowed], { evidence: { table: lookup } });
  return found.find((f) => f.evidence?.statement === 'fails') ?? found.find((f) => f.evidence?.statement === 'no-rows');
}

/**
 * What such a statement's index advice says where its own would have been (the plan's tip, Suggest Indexes, `pg-lens
 * advise`, a recording's advice, the workload's list): one phrase for every surface.
 */
export function neverMatchesAnswer(f: Pick<Finding, 'evidence'>): string {
  const e = f.evidence ?? {};
  const values = ((e.values as string[] | undefined) ?? []).map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');
  const what = e.statement === 'fails' ? `this statement always fails (${values} is not a label of the enum ${String(e.source)})` : `this statement can never match a row (${values} is not a value ${String(e.column)} can hold)`;
  return `No index: ${what} — see value-not-allowed.`;
}
