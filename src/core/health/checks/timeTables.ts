/**
 * Large append-mostly tables keyed by an insert-ordered time column whose readers filter on a time
 * range: move the old rows out (archive-candidate) or partition by month (partition-candidate).
 */
import { finding } from '../finding';
import { statementShape } from '../../sql/predicates';
import { castTypedParameters } from '../../sql/parse';
import { qualifiedName, quoteIdent, quoteLiteral } from '../../sql/ident';
import type { HealthCheck, HealthFacts, HealthFinding, TimeTableFact } from '../types';
import { formatBytes } from '../../format';

/** Append-mostly: rows updated and deleted at most this share of the rows inserted. */
const APPEND_MOSTLY = 0.05;
/** Readers: at least this share of the calls reading the table filter on a range of the time column. */
const MIN_RANGE_SHARE = 0.5;
const BATCH = 10_000;

interface TimeReads {
  calls: number;
  rangeCalls: number;
  statements: { queryid: string; query: string; calls: number; range: boolean }[];
}

/** The frequent statements reading the table, and which of them filter on a range (<, >, BETWEEN) of the column. */
function timeReads(f: HealthFacts, t: TimeTableFact): TimeReads | undefined {
  const stmts = f.workload?.statements;
  if (!stmts) return undefined;
  const out: TimeReads = { calls: 0, rangeCalls: 0, statements: [] };
  for (const s of stmts) {
    if (!s.tables.some((x) => x.schema === t.schema && x.table === t.table)) continue;
    const shape = statementShape(castTypedParameters(s.query));
    const uses = shape?.tables.filter((u) => u.name === t.table && (u.schema === undefined || u.schema === t.schema)) ?? [];
    const range = uses.some((u) => u.predicates.some((p) => p.kind === 'range' && p.target.kind === 'column' && p.target.column === t.column))
      || !!shape?.unresolved.some((u) => u.predicate.kind === 'range' && u.predicate.target.kind === 'column' && u.predicate.target.column === t.column);
    out.calls += s.calls;
    if (range) out.rangeCalls += s.calls;
    out.statements.push({ queryid: s.queryid, query: s.query, calls: s.calls, range });
  }
  return out;
}

/** The table qualifies: append-mostly, read mostly through a time range. */
function qualifies(f: HealthFacts, t: TimeTableFact): TimeReads | undefined {
  if (t.inserted <= 0 || t.updated + t.deleted > APPEND_MOSTLY * t.inserted) return undefined;
  const reads = timeReads(f, t);
  if (!reads || !reads.calls || reads.rangeCalls < MIN_RANGE_SHARE * reads.calls) return undefined;
  return reads;
}

const readsEvidence = (r: TimeReads) => ({ readCalls: r.calls, rangeReadCalls: r.rangeCalls, readers: r.statements.slice(0, 5) });

export const archiveCandidate: HealthCheck = {
  id: 'archive-candidate',
  title: 'Old rows nobody reads',
  category: 'tables',
  summary: 'A large append-mostly table keyed by an insert-ordered time column, read through recent time ranges, with a large share of rows older than the retention: move them to an archive table in batches.',
  run(f, th) {
    const out: HealthFinding[] = [];
    for (const t of f.workload?.timeTables ?? []) {
      if (t.sizeBytes < th.archiveMinBytes || t.oldShare === null || t.oldShare < th.archiveMinOldShare) continue;
      const reads = qualifies(f, t);
      if (!reads) continue;
      const table = qualifiedName(t.schema, t.table);
      const archive = qualifiedName(t.schema, `${t.table}_archive`.slice(0, 63));
      const col = quoteIdent(t.column);
      const cutoff = `now() - interval ${quoteLiteral(`${th.archiveAfterDays} days`)}`;
      const freed = Math.round(t.oldShare * t.sizeBytes);
      out.push(finding(this, 'info', `${table} (${formatBytes(t.sizeBytes)}) keeps about ${Math.round(t.oldShare * 100)}% of its rows older than ${th.archiveAfterDays} days by ${col}, while ${Math.round((reads.rangeCalls / reads.calls) * 100)}% of its reads filter on a range of ${col}: archiving them frees about ${formatBytes(freed)}.`, {
        objects: [{ kind: 'table', schema: t.schema, name: t.table }],
        evidence: {
          column: t.column, columnType: t.columnType, correlation: Math.round(t.correlation * 1000) / 1000, rows: t.reltuples, sizeBytes: t.sizeBytes,
          olderThanDays: th.archiveAfterDays, oldShare: Math.round(t.oldShare * 1000) / 1000, freedBytesEstimate: freed, oldest: t.oldest, newest: t.newest,
          inserted: t.inserted, updated: t.updated, deleted: t.deleted, ...readsEvidence(reads),
        },
        fixSql: [
          `CREATE TABLE IF NOT EXISTS ${archive} (LIKE ${table});`,
          `WITH moved AS (DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ${col} < ${cutoff} LIMIT ${BATCH}) RETURNING *) INSERT INTO ${archive} SELECT * FROM moved;`,
          `VACUUM (ANALYZE) ${table};`,
        ],
        help: `Run the second statement again until it moves no row (each batch is short; pause between batches on a busy server), then VACUUM so the space is reused. Schedule it (pg_cron or the application's scheduler) as the retention job. The archive table can live elsewhere (another tablespace, pg_dump then DROP). The share comes from the column's histogram (pg_stats), an estimate.`,
      }));
    }
    return out;
  },
};

/** A month bound as a literal of the column's type. */
function bound(t: TimeTableFact, day: string): string {
  return quoteLiteral(t.columnType.startsWith('timestamp with') ? `${day} 00:00:00+00` : day);
}

function nextMonth(day: string): string {
  const [y, m] = day.split('-').map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

export const partitionCandidate: HealthCheck = {
  id: 'partition-candidate',
  title: 'Table to partition by time',
  category: 'tables',
  summary: 'A very large append-mostly table keyed by an insert-ordered time column, read through recent time ranges: range partitions by month keep the reads on recent partitions and make retention a DROP.',
  run(f, th) {
    const out: HealthFinding[] = [];
    for (const t of f.workload?.timeTables ?? []) {
      if (t.sizeBytes < th.partitionMinBytes || t.months.length < 2) continue;
      const reads = qualifies(f, t);
      if (!reads) continue;
      const table = qualifiedName(t.schema, t.table);
      const parted = qualifiedName(t.schema, `${t.table}_partitioned`.slice(0, 63));
      const col = quoteIdent(t.column);
      const months = [...t.months, nextMonth(t.months[t.months.length - 1])];
      const part = (day: string) => qualifiedName(t.schema, `${t.table}_${day.slice(0, 7).replace('-', '_')}`.slice(0, 63));
      const range = (day: string) => `${col} >= ${bound(t, day)} AND ${col} < ${bound(t, nextMonth(day))}`;
      const last = t.months[t.months.length - 1];
      out.push(finding(this, 'info', `${table} (${formatBytes(t.sizeBytes)}, ${t.months.length} months of ${col}) is append-mostly and ${Math.round((reads.rangeCalls / reads.calls) * 100)}% of its reads filter on a range of ${col}: partition it by month, so reads touch the recent partitions and retention drops old ones.`, {
        objects: [{ kind: 'table', schema: t.schema, name: t.table }],
        evidence: { column: t.column, columnType: t.columnType, correlation: Math.round(t.correlation * 1000) / 1000, rows: t.reltuples, sizeBytes: t.sizeBytes, oldest: t.oldest, newest: t.newest, months: t.months.length, keyWithoutColumn: t.keyWithoutColumn, ...readsEvidence(reads) },
        fixSql: [
          `CREATE TABLE ${parted} (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE (${col});`,
          ...months.map((m) => `CREATE TABLE ${part(m)} PARTITION OF ${parted} FOR VALUES FROM (${bound(t, m)}) TO (${bound(t, nextMonth(m))});`),
          `CREATE TABLE ${qualifiedName(t.schema, `${t.table}_default`.slice(0, 63))} PARTITION OF ${parted} DEFAULT;`,
          ...t.months.slice(0, -1).map((m, i) => `INSERT INTO ${parted} SELECT * FROM ${table} WHERE ${i === 0 ? `${col} < ${bound(t, nextMonth(m))}` : range(m)};`),
          'BEGIN;',
          `LOCK TABLE ${table} IN SHARE ROW EXCLUSIVE MODE;`,
          `INSERT INTO ${parted} SELECT * FROM ${table} WHERE ${col} >= ${bound(t, last)} OR ${col} IS NULL;`,
          `ALTER TABLE ${table} RENAME TO ${quoteIdent(`${t.table}_unpartitioned`.slice(0, 63))};`,
          `ALTER TABLE ${parted} RENAME TO ${quoteIdent(t.table)};`,
          'COMMIT;',
        ],
        help: `Copy month by month (each INSERT is one month; split further for smaller batches), then swap the names in one short transaction that also copies the current month. Create the indexes on the partitioned table before the copy. ${t.keyWithoutColumn ? `The key ${t.keyWithoutColumn} does not include ${col}: a partitioned table's primary key and unique constraints must include the partition key, so make it (key, ${col}). ` : ''}Identity columns and foreign keys pointing at the table need recreating; keep ${quoteIdent(`${t.table}_unpartitioned`)} until the application runs on the new table. Retention becomes DROP TABLE of the oldest partition (or DETACH PARTITION … CONCURRENTLY first), and a job creates next month's partition ahead of time.`,
      }));
    }
    return out;
  },
};
