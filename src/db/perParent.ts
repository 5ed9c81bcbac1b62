/**
 * Rows per parent for the N+1 detector (core/nplusone/perParent.ts): for candidate child tables and key columns of the
 * loops that walk one parent's children, each matching column's pg_stats figures with its table's pg_class.reltuples.
 * One read-only catalog statement for the whole scan; only tables on the search path, never a system catalog.
 */
import type { PerParentFact, PerParentLookup, PerParentSource } from '../core/nplusone/perParent';
import type { Database, Queryable } from './database';
import { OWN_STATEMENT_MARKER } from './sql';

export const PER_PARENT_SQL = {
  /**
   * $1: child table names (lower case, exact); $2: names a table is, or ends with after `_` (Django's `<app>_<model>`, and
   * its plural); $3: key column names (lower case). Tables and partitioned tables on the search path; pg_stats may be
   * missing (never analysed): then n_distinct is null.
   */
  columns: `${OWN_STATEMENT_MARKER} SELECT n.nspname AS schema, c.relname AS table_name, a.attname AS column_name,
      c.reltuples::float8 AS reltuples, s.n_distinct::float8 AS n_distinct, s.null_frac::float8 AS null_frac
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = a.attname AND NOT s.inherited
    WHERE c.relkind IN ('r', 'p')
      AND n.nspname = ANY (current_schemas(false)) AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND lower(a.attname) = ANY ($3::text[])
      AND (lower(c.relname) = ANY ($1::text[])
        OR EXISTS (SELECT 1 FROM unnest($2::text[]) AS x(suffix) WHERE lower(c.relname) IN (x.suffix, x.suffix || 's')
          OR right(lower(c.relname), length(x.suffix) + 1) = '_' || x.suffix
          OR right(lower(c.relname), length(x.suffix) + 2) = '_' || x.suffix || 's'))
    ORDER BY n.nspname, c.relname, a.attnum
    LIMIT 2000`,
} as const;

/** The catalog's figures for the candidates (one round trip). */
export async function readPerParentFacts(db: Database | Queryable, lookup: PerParentLookup): Promise<PerParentFact[]> {
  if (!lookup.columns.length || (!lookup.tables.length && !lookup.suffixes.length)) return [];
  const q = (text: string, params: unknown[]) => (db as Queryable).query(text, params) as unknown as Promise<{ rows: Record<string, unknown>[] }>;
  const r = await q(PER_PARENT_SQL.columns, [lookup.tables, lookup.suffixes, lookup.columns]);
  return r.rows.map((row) => ({
    schema: String(row.schema),
    table: String(row.table_name),
    column: String(row.column_name),
    reltuples: Number(row.reltuples),
    ...(row.n_distinct === null || row.n_distinct === undefined ? {} : { nDistinct: Number(row.n_distinct) }),
    ...(row.null_frac === null || row.null_frac === undefined ? {} : { nullFrac: Number(row.null_frac) }),
  }));
}

/** The database as the N+1 detector's source of rows per parent (the same candidates are read once per source: a scan asks per file). */
export function perParentSource(db: Database | Queryable): PerParentSource {
  const read = new Map<string, Promise<PerParentFact[]>>();
  return {
    read(lookup) {
      const key = JSON.stringify([[...lookup.tables].sort(), [...lookup.suffixes].sort(), [...lookup.columns].sort()]);
      let p = read.get(key);
      if (!p) {
        if (read.size > 200) read.clear();
        p = readPerParentFacts(db, lookup);
        read.set(key, p);
        p.catch(() => read.delete(key));
      }
      return p;
    },
  };
}
