/**
 * Schema audit rules on catalog facts (pure): unindexed-foreign-key, duplicate-index,
 * unused-index, invalid-index. Each result names schema, table and index separately, carries the
 * fix as SQL (quoted part by part), and converts to a Finding for the editor and the CLI.
 */
import type { Finding, Severity } from '../findings';
import { ident } from '../sql/predicates';
import { indexName, normalizeIndexText, type IndexFacts } from './indexCandidates';
import { formatBytes } from '../format';

export type AuditRuleId = 'unindexed-foreign-key' | 'duplicate-index' | 'unused-index' | 'invalid-index';

export const AUDIT_RULES: readonly AuditRuleId[] = ['unindexed-foreign-key', 'duplicate-index', 'unused-index', 'invalid-index'];

export interface AuditIndex extends IndexFacts {
  tableSchema: string;
  table: string;
  /** The index backs a constraint (primary key, unique, exclusion): never dropped by advice. */
  constraint?: string;
}

export interface ForeignKeyFacts {
  schema: string;
  table: string;
  constraint: string;
  columns: string[];
  refSchema: string;
  refTable: string;
  refColumns: string[];
  /** Estimated rows of the referencing table. */
  tableRows: number;
}

export interface AuditFacts {
  indexes: AuditIndex[];
  foreignKeys: ForeignKeyFacts[];
  /** When the statistics behind unused-index were last reset (ISO text), if known. */
  statsResetAt?: string | null;
}

export interface AuditResult {
  ruleId: AuditRuleId;
  severity: Severity;
  schema: string;
  table: string;
  /** The index the result is about (duplicate, unused, invalid). */
  index?: string;
  columns: string[];
  message: string;
  /** SQL that fixes it (run it yourself; CONCURRENTLY where PostgreSQL allows it). */
  fix: string;
  sizeBytes?: number;
  /** duplicate-index: the index that makes this one redundant. */
  coveredBy?: string;
  /** unindexed-foreign-key: the constraint and what it references. */
  constraint?: string;
  references?: { schema: string; table: string; columns: string[] };
}

export interface AuditOptions {
  /** unindexed-foreign-key is a warning from this many rows (info below). */
  fkWarnRows?: number;
  /** unused-index: ignore indexes smaller than this (bytes). */
  unusedMinBytes?: number;
}

const qualified = (schema: string, name: string) => (schema === 'public' ? ident(name) : `${ident(schema)}.${ident(name)}`);

export function auditSchema(facts: AuditFacts, opts: AuditOptions = {}): AuditResult[] {
  return [
    ...invalidIndexes(facts),
    ...unindexedForeignKeys(facts, opts),
    ...duplicateIndexes(facts),
    ...unusedIndexes(facts, opts),
  ];
}

export function invalidIndexes(facts: AuditFacts): AuditResult[] {
  return facts.indexes.filter((i) => !i.valid).map((i) => ({
    ruleId: 'invalid-index' as const,
    severity: 'error' as const,
    schema: i.schema,
    table: i.table,
    index: i.name,
    columns: i.keys,
    message: `Index ${i.name} on ${i.table} is invalid (a failed CREATE INDEX CONCURRENTLY or REINDEX): the planner ignores it, yet every write still maintains it.`,
    fix: `DROP INDEX CONCURRENTLY IF EXISTS ${qualified(i.schema, i.name)};${i.definition ? `\n${i.definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX CONCURRENTLY ')};` : ''}`,
    sizeBytes: i.sizeBytes,
  }));
}

/** Whether an index's leading key columns are exactly the given columns (any order), without predicate. */
export function leadingColumnsCover(ix: Pick<IndexFacts, 'keyColumns' | 'predicate' | 'valid' | 'method'>, columns: string[]): boolean {
  if (!ix.valid || ix.predicate || ix.method !== 'btree') return false;
  const lead = ix.keyColumns.slice(0, columns.length);
  if (lead.length < columns.length || lead.some((c) => c === null)) return false;
  return [...lead].sort().join('\u0000') === [...columns].sort().join('\u0000');
}

export function unindexedForeignKeys(facts: AuditFacts, opts: AuditOptions = {}): AuditResult[] {
  const out: AuditResult[] = [];
  for (const fk of facts.foreignKeys) {
    const onTable = facts.indexes.filter((i) => i.tableSchema === fk.schema && i.table === fk.table);
    if (onTable.some((i) => leadingColumnsCover(i, fk.columns))) continue;
    const name = indexName({ table: fk.table, keys: fk.columns.map((c) => ({ sql: ident(c), label: c })), method: 'btree', include: [] });
    out.push({
      ruleId: 'unindexed-foreign-key',
      severity: fk.tableRows >= (opts.fkWarnRows ?? 10000) ? 'warning' : 'info',
      schema: fk.schema,
      table: fk.table,
      columns: fk.columns,
      constraint: fk.constraint,
      references: { schema: fk.refSchema, table: fk.refTable, columns: fk.refColumns },
      message: `Foreign key ${fk.constraint} on ${fk.table} (${fk.columns.join(', ')}) has no index starting with those columns: joins from ${fk.refTable} and every DELETE/UPDATE of a ${fk.refTable} row scan ${fk.table}.`,
      fix: `CREATE INDEX CONCURRENTLY ${ident(name)} ON ${qualified(fk.schema, fk.table)} (${fk.columns.map(ident).join(', ')});`,
    });
  }
  return out;
}

/** Keys, operator classes and directions as comparable texts. */
function keySig(i: IndexFacts): string[] {
  return i.keys.map((k, n) => `${normalizeIndexText(k)}|${i.opclasses[n] ?? ''}|${i.desc?.[n] ? 'd' : 'a'}`);
}

export function duplicateIndexes(facts: AuditFacts): AuditResult[] {
  const out: AuditResult[] = [];
  const valid = facts.indexes.filter((i) => i.valid);
  const isConstraint = (i: AuditIndex) => i.unique || i.primary || !!i.constraint;
  /** b serves every search a serves: same table, method, predicate; a's keys a prefix of b's (identical for non-btree). */
  const covers = (a: AuditIndex, b: AuditIndex) => {
    if (a === b || a.tableSchema !== b.tableSchema || a.table !== b.table || a.method !== b.method) return false;
    if (normalizeIndexText(a.predicate ?? '') !== normalizeIndexText(b.predicate ?? '')) return false;
    const ak = keySig(a);
    const bk = keySig(b);
    if (ak.length > bk.length || !ak.every((k, n) => bk[n] === k)) return false;
    if (a.method !== 'btree' && ak.length !== bk.length) return false;
    const bCols = new Set([...b.keys, ...b.include].map(normalizeIndexText));
    return a.include.every((c) => bCols.has(normalizeIndexText(c)));
  };
  const identical = (a: AuditIndex, b: AuditIndex) => covers(a, b) && covers(b, a);
  const reported = new Set<string>();
  for (const a of valid) {
    // A constraint's index stays (it enforces uniqueness); the plain one beside it is the duplicate.
    if (isConstraint(a)) continue;
    const coverers = valid.filter((b) => covers(a, b) && !reported.has(b.name));
    // Of two identical plain indexes, keep the first by name.
    const by = coverers.find((b) => identical(a, b) && isConstraint(b)) ?? coverers.find((b) => identical(a, b) && b.name < a.name) ?? coverers.find((b) => !identical(a, b));
    if (!by) continue;
    out.push(duplicate(a, by));
    reported.add(a.name);
  }
  return out;
}

function duplicate(dup: AuditIndex, by: AuditIndex): AuditResult {
  const same = dup.keys.length === by.keys.length;
  return {
    ruleId: 'duplicate-index',
    severity: 'warning',
    schema: dup.schema,
    table: dup.table,
    index: dup.name,
    columns: dup.keys,
    coveredBy: by.name,
    sizeBytes: dup.sizeBytes,
    message: `Index ${dup.name} on ${dup.table} (${dup.keys.join(', ')}) ${same ? 'duplicates' : 'is a prefix of'} ${by.name} (${by.keys.join(', ')}): ${by.name} serves the same searches, so ${dup.name} only costs writes${dup.sizeBytes ? ` and ${formatBytes(dup.sizeBytes)}` : ''}.`,
    fix: `DROP INDEX CONCURRENTLY IF EXISTS ${qualified(dup.schema, dup.name)};`,
  };
}

export function unusedIndexes(facts: AuditFacts, opts: AuditOptions = {}): AuditResult[] {
  const since = facts.statsResetAt ? ` since the statistics were reset (${facts.statsResetAt})` : ' since the statistics were last reset';
  return facts.indexes
    .filter((i) => i.valid && !i.unique && !i.primary && !i.constraint && (i.scans ?? 0) === 0 && (i.sizeBytes ?? 0) >= (opts.unusedMinBytes ?? 0))
    .map((i) => ({
      ruleId: 'unused-index' as const,
      severity: 'info' as const,
      schema: i.schema,
      table: i.table,
      index: i.name,
      columns: i.keys,
      sizeBytes: i.sizeBytes,
      message: `Index ${i.name} on ${i.table} has not been used by any query${since}${i.sizeBytes !== undefined ? `; it takes ${formatBytes(i.sizeBytes)}` : ''} and slows every write. Check replicas and rare jobs before dropping it.`,
      fix: `DROP INDEX CONCURRENTLY IF EXISTS ${qualified(i.schema, i.name)};`,
    }));
}

/** As Findings (no file: span 0..0), for health checks, the CLI and SARIF. */
export function auditFindings(results: AuditResult[]): Finding[] {
  return results.map((r) => ({
    ruleId: r.ruleId,
    severity: r.severity,
    message: r.message,
    span: { start: 0, end: 0 },
    help: r.fix,
    fixes: [],
    evidence: { schema: r.schema, table: r.table, index: r.index, columns: r.columns, sizeBytes: r.sizeBytes, coveredBy: r.coveredBy, constraint: r.constraint, references: r.references, fix: r.fix },
  }));
}
