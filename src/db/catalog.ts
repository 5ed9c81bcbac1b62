/**
 * Catalog facts for the tables a statement touches (the one model, core/catalogFacts.ts): size and the
 * planner's row estimate, columns, pg_stats, existing indexes and write activity. Read-only, one round
 * trip per kind of fact, for any number of tables. The index advisor and the rules' evidence
 * (ruleEvidence.ts) both read through readCatalogFacts.
 */
import { estimatedRows, type ColumnStats, type IndexFacts, type RelationKind, type TableFacts } from '../core/catalogFacts';
import type { Database, Queryable } from './database';
import { qualifiedName } from '../core/sql/ident';
import { OWN_STATEMENT_MARKER } from './sql';

/**
 * The select-list that indexFactsOf reads (aliases i = pg_index, oc/a inside, s =
 * pg_stat_all_indexes LEFT JOINed) in CATALOG_SQL.indexes.
 */
const INDEX_FACT_COLUMNS = `i.indnkeyatts AS nkey, i.indisvalid AS valid, i.indisready AS ready, i.indisunique AS is_unique, i.indisprimary AS is_primary,
      pg_get_expr(i.indpred, i.indrelid, true) AS predicate, pg_get_indexdef(i.indexrelid) AS definition,
      ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnatts) AS k ORDER BY k) AS cols,
      ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
            LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.ord) AS col_names,
      ARRAY(SELECT CASE WHEN oc.opcdefault THEN '' ELSE oc.opcname::text END FROM unnest(i.indclass::oid[]) WITH ORDINALITY AS k(opc, ord)
            JOIN pg_opclass oc ON oc.oid = k.opc ORDER BY k.ord) AS opclasses,
      ARRAY(SELECT (o & 1) = 1 FROM unnest(i.indoption::int2[]) WITH ORDINALITY AS k(o, ord) ORDER BY k.ord) AS descs,
      pg_relation_size(i.indexrelid)::int8 AS size_bytes, coalesce(s.idx_scan, 0)::int8 AS scans`;

export const CATALOG_SQL = {
  /** The schemas an unqualified name is looked up in, in order. */
  searchPath: `${OWN_STATEMENT_MARKER} SELECT current_schemas(false) AS schemas`,
  /** $1: text[] of (quoted, optionally qualified) names, resolved through search_path like the statement would. */
  tables: `${OWN_STATEMENT_MARKER} SELECT q.name AS requested, c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name,
      c.relkind::text AS relkind, c.reltuples::float8 AS reltuples, c.relpages::int8 AS relpages, pg_relation_size(c.oid)::int8 AS size_bytes,
      current_setting('block_size')::int AS block_size
    FROM unnest($1::text[]) AS q(name)
    JOIN pg_class c ON c.oid = to_regclass(q.name)
    JOIN pg_namespace n ON n.oid = c.relnamespace`,
  /** $1: oid[] */
  columns: `${OWN_STATEMENT_MARKER} SELECT a.attrelid::int8 AS oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, t.typname AS type_name,
      t.typlen::int AS typlen, a.attnotnull AS not_null
    FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = ANY ($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum`,
  /**
   * $1: oid[]. most_common_vals is anyarray: through text to text[] so values arrive as strings. The
   * relation names are handed to pg_stats as an array so its view filters pg_class by index first
   * (joined by name alone, it computed every column's privileges first: 3× slower on a small schema).
   */
  stats: `${OWN_STATEMENT_MARKER} SELECT c.oid::int8 AS oid, s.attname AS name, s.null_frac::float8 AS null_frac, s.n_distinct::float8 AS n_distinct,
      s.most_common_vals::text::text[] AS mcv, s.most_common_freqs::float8[] AS mcf, s.correlation::float8 AS correlation
    FROM pg_stats s
    JOIN pg_namespace n ON n.nspname = s.schemaname
    JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename
    WHERE s.tablename = ANY (ARRAY(SELECT r.relname FROM pg_class r WHERE r.oid = ANY ($1::oid[]))) AND c.oid = ANY ($1::oid[]) AND NOT s.inherited`,
  /** $1: oid[] */
  indexes: `${OWN_STATEMENT_MARKER} SELECT i.indrelid::int8 AS table_oid, i.indexrelid::int8 AS oid, n.nspname AS schema, ic.relname AS name, am.amname AS method,
      ${INDEX_FACT_COLUMNS}
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_namespace n ON n.oid = ic.relnamespace
    JOIN pg_am am ON am.oid = ic.relam
    LEFT JOIN pg_stat_all_indexes s ON s.indexrelid = i.indexrelid
    WHERE i.indrelid = ANY ($1::oid[])
    ORDER BY ic.relname`,
  /** $1: oid[] */
  writes: `${OWN_STATEMENT_MARKER} SELECT relid::int8 AS oid, n_tup_ins::int8 AS ins, n_tup_upd::int8 AS upd, n_tup_del::int8 AS del, n_tup_hot_upd::int8 AS hot,
      coalesce(seq_scan, 0)::int8 AS seq_scan, coalesce(idx_scan, 0)::int8 AS idx_scan
    FROM pg_stat_all_tables WHERE relid = ANY ($1::oid[])`,
} as const;

export interface TableRef {
  schema?: string;
  name: string;
}

export interface CatalogResult {
  /** Tables, partitioned tables, materialized views, views and foreign tables found (kind says which). */
  tables: TableFacts[];
  /** Requested names that do not exist. */
  missing: TableRef[];
  /** Requested names that exist but are not tables (views, foreign tables, …): no index advice for them. */
  notTables: { name: string; kind: string }[];
}

const KINDS: Record<string, RelationKind> = { r: 'table', p: 'partitioned', m: 'matview', v: 'view', f: 'foreign' };
const NOT_TABLE: Record<string, string> = { v: 'a view', f: 'a foreign table', S: 'a sequence', c: 'a composite type', i: 'an index' };

/** Facts for the given tables (names as the statement writes them; unqualified ones go through search_path). */
export async function readCatalogFacts(db: Database | Queryable, tables: TableRef[]): Promise<CatalogResult> {
  const requested = [...new Set(tables.map((t) => qualifiedName(t.schema, t.name)))];
  const q = (text: string, params: unknown[]) => (db as any).query(text, params) as Promise<{ rows: any[] }>;
  const all = requested.length ? (await q(CATALOG_SQL.tables, [requested])).rows : [];
  const notTables = all.filter((r) => !['r', 'p', 'm'].includes(r.relkind)).map((r) => ({ name: r.name, kind: NOT_TABLE[r.relkind] ?? `a relation of kind ${r.relkind}` }));
  const byOid = new Map<number, TableFacts>();
  const raw = new Map<number, { reltuples: number; relpages: number; blockSize: number; typlens: number[] }>();
  for (const r of all) {
    const oid = Number(r.oid);
    const kind = KINDS[r.relkind];
    if (!kind || byOid.has(oid)) continue;
    const blockSize = Number(r.block_size) || 8192;
    raw.set(oid, { reltuples: Number(r.reltuples), relpages: Number(r.relpages), blockSize, typlens: [] });
    byOid.set(oid, {
      schema: r.schema,
      name: r.name,
      kind,
      rows: undefined,
      analysed: Number(r.reltuples) >= 0,
      pages: Math.ceil(Number(r.size_bytes) / blockSize),
      sizeBytes: Number(r.size_bytes),
      columns: [],
      stats: {},
      indexes: [],
    });
  }
  const missing = tables.filter((t) => !all.some((r) => r.requested === qualifiedName(t.schema, t.name)));
  const oids = [...byOid.keys()];
  if (oids.length) {
    const [cols, stats, idx, writes] = await Promise.all([
      q(CATALOG_SQL.columns, [oids]),
      q(CATALOG_SQL.stats, [oids]),
      q(CATALOG_SQL.indexes, [oids]),
      q(CATALOG_SQL.writes, [oids]),
    ]);
    for (const r of cols.rows) {
      byOid.get(Number(r.oid))?.columns.push({ name: r.name, type: r.type, typeName: r.type_name, notNull: r.not_null });
      raw.get(Number(r.oid))?.typlens.push(Number(r.typlen));
    }
    for (const r of stats.rows) {
      const t = byOid.get(Number(r.oid));
      if (!t) continue;
      const s: ColumnStats = { nullFrac: Number(r.null_frac), nDistinct: Number(r.n_distinct) };
      if (r.mcv) s.mostCommonVals = r.mcv;
      if (r.mcf) s.mostCommonFreqs = r.mcf.map(Number);
      if (r.correlation !== null && r.correlation !== undefined) s.correlation = Number(r.correlation);
      t.stats[r.name] = s;
    }
    for (const r of idx.rows) byOid.get(Number(r.table_oid))?.indexes.push(indexFactsOf(r));
    for (const r of writes.rows) {
      const t = byOid.get(Number(r.oid));
      if (t) t.writes = { inserts: Number(r.ins), updates: Number(r.upd), deletes: Number(r.del), hotUpdates: Number(r.hot), seqScans: Number(r.seq_scan), idxScans: Number(r.idx_scan) };
    }
  }
  for (const [oid, t] of byOid) {
    const r = raw.get(oid)!;
    // Tables and materialized views: the planner's estimate. A partitioned parent has no storage of its
    // own (ANALYZE sums its partitions into reltuples); views and foreign tables have no estimate here.
    if (t.kind === 'table' || t.kind === 'matview') t.rows = estimatedRows({ ...r, pages: t.pages });
    else if (t.kind === 'partitioned' && r.reltuples >= 0) t.rows = r.reltuples;
  }
  return { tables: [...byOid.values()], missing, notTables };
}

function indexFactsOf(r: any): IndexFacts {
  const nkey = Number(r.nkey);
  const cols: string[] = r.cols ?? [];
  const names: (string | null)[] = r.col_names ?? [];
  return {
    schema: r.schema,
    name: r.name,
    method: r.method,
    keys: cols.slice(0, nkey),
    keyColumns: names.slice(0, nkey).map((n) => n ?? null),
    include: cols.slice(nkey),
    opclasses: (r.opclasses ?? []).slice(0, nkey),
    desc: (r.descs ?? []).slice(0, nkey),
    predicate: r.predicate ?? undefined,
    valid: !!r.valid && r.ready !== false,
    unique: !!r.is_unique,
    primary: !!r.is_primary,
    sizeBytes: r.size_bytes !== undefined ? Number(r.size_bytes) : undefined,
    scans: r.scans !== undefined ? Number(r.scans) : undefined,
    definition: r.definition,
  };
}
