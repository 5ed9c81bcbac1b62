/**
 * Reads what the schema audit rules need (all user indexes, foreign keys, stats reset time) and
 * applies them (core/advice/schemaAudit). Read-only.
 */
import { auditFindings, auditSchema, type AuditFacts, type AuditIndex, type AuditOptions, type AuditResult, type ForeignKeyFacts } from '../core/advice/schemaAudit';
import type { Finding } from '../core/findings';
import { INDEX_FACT_COLUMNS, indexFactsOf } from './catalog';
import type { Database } from './database';
import { OWN_STATEMENT_MARKER } from './sql';

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;

export const AUDIT_SQL = {
  indexes: `${OWN_STATEMENT_MARKER} SELECT n.nspname AS schema, ic.relname AS name, tn.nspname AS table_schema, tc.relname AS table_name, am.amname AS method,
      ${INDEX_FACT_COLUMNS},
      (SELECT con.conname FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x') LIMIT 1) AS constraint_name
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_namespace n ON n.oid = ic.relnamespace
    JOIN pg_class tc ON tc.oid = i.indrelid
    JOIN pg_namespace tn ON tn.oid = tc.relnamespace
    JOIN pg_am am ON am.oid = ic.relam
    LEFT JOIN pg_stat_all_indexes s ON s.indexrelid = i.indexrelid
    WHERE ${USER_SCHEMAS}
    ORDER BY tn.nspname, tc.relname, ic.relname`,
  foreignKeys: `${OWN_STATEMENT_MARKER} SELECT n.nspname AS schema, c.relname AS table_name, con.conname AS constraint_name,
      ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
      rn.nspname AS ref_schema, rc.relname AS ref_table,
      ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS ref_columns,
      greatest(c.reltuples, 0)::float8 AS table_rows
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_class rc ON rc.oid = con.confrelid
    JOIN pg_namespace rn ON rn.oid = rc.relnamespace
    WHERE con.contype = 'f' AND ${USER_SCHEMAS}
    ORDER BY n.nspname, c.relname, con.conname`,
  statsReset: `${OWN_STATEMENT_MARKER} SELECT to_char(stats_reset, 'YYYY-MM-DD HH24:MI') AS reset FROM pg_stat_database WHERE datname = current_database()`,
} as const;

export async function readAuditFacts(db: Pick<Database, 'query'>): Promise<AuditFacts> {
  const [ix, fks, reset] = await Promise.all([db.query(AUDIT_SQL.indexes), db.query(AUDIT_SQL.foreignKeys), db.query(AUDIT_SQL.statsReset)]);
  const indexes: AuditIndex[] = ix.rows.map((r) => ({ ...indexFactsOf(r), tableSchema: r.table_schema, table: r.table_name, constraint: r.constraint_name ?? undefined }));
  const foreignKeys: ForeignKeyFacts[] = fks.rows.map((r) => ({
    schema: r.schema, table: r.table_name, constraint: r.constraint_name, columns: r.columns,
    refSchema: r.ref_schema, refTable: r.ref_table, refColumns: r.ref_columns, tableRows: Number(r.table_rows),
  }));
  return { indexes, foreignKeys, statsResetAt: reset.rows[0]?.reset ?? null };
}

/** Run the four audit rules against the connected database. */
export async function auditDatabase(db: Pick<Database, 'query'>, opts: AuditOptions = {}): Promise<AuditResult[]> {
  return auditSchema(await readAuditFacts(db), opts);
}

/** The same, as Findings with rule ids (for health checks and the CLI). */
export async function auditDatabaseFindings(db: Pick<Database, 'query'>, opts: AuditOptions = {}): Promise<Finding[]> {
  return auditFindings(await auditDatabase(db, opts));
}
