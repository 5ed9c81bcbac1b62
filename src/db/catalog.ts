/**
 * Catalog facts for the tables a statement touches (the one model, core/catalogFacts.ts): size and the
 * planner's row estimate, columns, pg_stats, existing indexes and write activity. Read-only, one
 * statement (one round trip) for any number of tables. The index advisor and the rules' evidence
 * (ruleEvidence.ts) both read through readCatalogFacts.
 */
import { catalogRows, type ColumnStats, type IndexFacts, type RelationKind, type TableFacts } from '../core/catalogFacts';
import { lessOwnWork, type Database, type Queryable } from './database';
import { qualifiedName } from '../core/sql/ident';
import { OWN_IDENTITY, OWN_STATEMENT_MARKER } from './sql';
import { parameterColumns, type ParameterExample } from '../core/sql/predicates';
import { allowedValuesOf } from '../core/allowedValues';

/**
 * The select-list that indexFactsOf reads (aliases i = pg_index, oc/a inside, s =
 * pg_stat_all_indexes LEFT JOINed) in CATALOG_SQL.tables.
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
  searchPath: `${OWN_STATEMENT_MARKER} ${OWN_IDENTITY} SELECT current_schemas(false) AS schemas`,
  /**
   * Everything readCatalogFacts knows about a table, in one round trip. $1: text[] of (quoted, optionally
   * qualified) names, resolved through search_path like the statement would (to_regclass). Per relation:
   * size and row-estimate inputs, then as JSON its columns, pg_stats rows (most_common_vals through text
   * to text[] so values arrive as strings; pg_stats filtered by the relation's own names, so the view
   * looks pg_class up by index before it computes column privileges), indexes (INDEX_FACT_COLUMNS) and
   * write counters. Each column also carries what can list its values (core/allowedValues): its enum type's labels (a
   * domain over an enum: the enum's), and the CHECK constraints on it alone — the table's on that one column, its domain's
   * (with the domain's name).
   */
  tables: `${OWN_STATEMENT_MARKER} SELECT q.name AS requested, c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name,
      c.relkind::text AS relkind, c.reltuples::float8 AS reltuples, c.relpages::int8 AS relpages, pg_relation_size(c.oid)::int8 AS size_bytes,
      current_setting('block_size')::int AS block_size,
      (SELECT coalesce(a.analyze_count + a.autoanalyze_count, 0)::int8 FROM pg_stat_all_tables a WHERE a.relid = c.oid) AS analyses,
      (SELECT json_agg(x ORDER BY x.attnum) FROM (
        SELECT a.attnum, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, t.typname AS type_name, t.typlen::int AS typlen, a.attnotnull AS not_null,
          CASE WHEN et.typtype = 'e' THEN et.typname::text END AS enum_type,
          CASE WHEN et.typtype = 'e' THEN ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = et.oid ORDER BY e.enumsortorder) END AS enum_labels,
          (SELECT json_agg(json_build_object('name', k.conname, 'def', pg_get_constraintdef(k.oid), 'domain', CASE WHEN k.contypid <> 0 THEN format_type(k.contypid, NULL) END) ORDER BY k.contypid <> 0, k.conname)
            FROM pg_constraint k WHERE k.contype = 'c' AND ((k.conrelid = c.oid AND k.conkey = ARRAY[a.attnum]) OR (t.typtype = 'd' AND k.contypid = t.oid))) AS checks
        FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_type et ON et.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) x) AS columns,
      (SELECT json_agg(x) FROM (
        SELECT s.attname AS name, s.null_frac::float8 AS null_frac, s.n_distinct::float8 AS n_distinct,
          s.most_common_vals::text::text[] AS mcv, s.most_common_freqs::float8[] AS mcf, s.correlation::float8 AS correlation, s.avg_width::int AS avg_width,
          (s.histogram_bounds::text::text[])[greatest(1, array_length(s.histogram_bounds::text::text[], 1) / 2)] AS hist_mid,
          CASE WHEN (SELECT t.typcategory FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = c.oid AND a.attname = s.attname) IN ('N', 'D')
            THEN s.histogram_bounds::text::text[] END AS hist
        FROM pg_stats s WHERE s.schemaname = n.nspname AND s.tablename = c.relname AND NOT s.inherited) x) AS stats,
      (SELECT json_agg(x ORDER BY x.name) FROM (
        SELECT ns.nspname AS schema, ic.relname AS name, am.amname AS method, ${INDEX_FACT_COLUMNS}
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_namespace ns ON ns.oid = ic.relnamespace
        JOIN pg_am am ON am.oid = ic.relam
        LEFT JOIN pg_stat_all_indexes s ON s.indexrelid = i.indexrelid
        WHERE i.indrelid = c.oid) x) AS indexes,
      (SELECT json_build_object('ins', w.n_tup_ins, 'upd', w.n_tup_upd, 'del', w.n_tup_del, 'hot', w.n_tup_hot_upd, 'seq_scan', coalesce(w.seq_scan, 0), 'idx_scan', coalesce(w.idx_scan, 0))
        FROM pg_stat_all_tables w WHERE w.relid = c.oid) AS writes
    FROM unnest($1::text[]) AS q(name)
    JOIN pg_class c ON c.oid = to_regclass(q.name)
    JOIN pg_namespace n ON n.oid = c.relnamespace`,
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
  const profile = 'profile' in db ? (db as Database).profile : undefined;
  const all = requested.length ? (await q(CATALOG_SQL.tables, [requested])).rows : [];
  // PostgreSQL's own catalogs (pg_catalog is on every search_path) are not the application's tables: no facts, no advice.
  const system = (r: { schema: string }) => r.schema === 'pg_catalog' || r.schema === 'information_schema' || r.schema.startsWith('pg_toast');
  const notTables = all
    .filter((r) => system(r) || !['r', 'p', 'm'].includes(r.relkind))
    .map((r) => ({ name: r.name, kind: system(r) ? 'a system catalog' : NOT_TABLE[r.relkind] ?? `a relation of kind ${r.relkind}` }));
  const byOid = new Map<number, TableFacts>();
  const raw = new Map<number, { reltuples: number; relpages: number; blockSize: number; typlens: number[] }>();
  for (const r of all) {
    const oid = Number(r.oid);
    const kind = KINDS[r.relkind];
    if (!kind || system(r) || byOid.has(oid)) continue;
    const blockSize = Number(r.block_size) || 8192;
    raw.set(oid, { reltuples: Number(r.reltuples), relpages: Number(r.relpages), blockSize, typlens: [] });
    byOid.set(oid, {
      schema: r.schema,
      name: r.name,
      kind,
      rows: undefined,
      analysed: Number(r.reltuples) >= 0,
      analyses: Number(r.analyses ?? 0),
      pages: Math.ceil(Number(r.size_bytes) / blockSize),
      sizeBytes: Number(r.size_bytes),
      columns: [],
      stats: {},
      indexes: [],
    });
  }
  const missing = tables.filter((t) => !all.some((r) => r.requested === qualifiedName(t.schema, t.name)));
  const filled = new Set<number>();
  for (const r of all) {
    const oid = Number(r.oid);
    const t = byOid.get(oid);
    const raw0 = raw.get(oid);
    if (!t || !raw0 || filled.has(oid)) continue; // a relation requested by two names (users, public.users)
    filled.add(oid);
    for (const col of r.columns ?? []) {
      // The values it may hold when its enum type or a CHECK list on it names them (rule value-not-allowed).
      const allowed = allowedValuesOf(col.name, col.enum_type ? { name: col.enum_type, labels: col.enum_labels ?? [] } : undefined, col.checks ?? []);
      t.columns.push({ name: col.name, type: col.type, typeName: col.type_name, notNull: col.not_null, ...(allowed ? { allowed } : {}) });
      raw0.typlens.push(Number(col.typlen));
    }
    for (const st of r.stats ?? []) {
      const s: ColumnStats = { nullFrac: Number(st.null_frac), nDistinct: Number(st.n_distinct) };
      if (st.mcv) s.mostCommonVals = st.mcv;
      if (st.mcf) s.mostCommonFreqs = st.mcf.map(Number);
      if (typeof st.hist_mid === 'string') s.histogramMiddle = st.hist_mid;
      if (Array.isArray(st.hist) && st.hist.length >= 2) s.histogramBounds = st.hist.map(String);
      if (st.correlation !== null && st.correlation !== undefined) s.correlation = Number(st.correlation);
      if (st.avg_width !== null && st.avg_width !== undefined) s.avgWidth = Number(st.avg_width);
      t.stats[st.name] = s;
    }
    for (const ix of r.indexes ?? []) t.indexes.push(indexFactsOf(ix));
    const w = r.writes;
    // Less PG Lens's own rolled-back Explain Analyze writes (the counters count aborted rows: person38 M2).
    if (w) t.writes = lessOwnWork(profile, t.schema, t.name, { inserts: Number(w.ins), updates: Number(w.upd), deletes: Number(w.del), hotUpdates: Number(w.hot), seqScans: Number(w.seq_scan), idxScans: Number(w.idx_scan) });
  }
  for (const [oid, t] of byOid) {
    const r = raw.get(oid)!;
    // The planner's estimate (core catalogRows, as the editor's table figures read it); views and foreign tables have none.
    t.rows = catalogRows({ ...r, kind: t.kind ?? 'table', pages: t.pages });
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

/**
 * Per $n of `sql` compared with a plain column, the middle bound of that column's histogram in pg_stats (a typical
 * value), else its most common value (a column of few values has no histogram), from readCatalogFacts in one round
 * trip, for Explain Analyze's and Benchmark's value prompts to offer as an example when no value was given before
 * (person21 LOW 5). Nothing for a $n without such a column (an expression: its statistics are the expression's, not
 * the value's) or a column without statistics. `required`: the $n whose value goes into a NOT NULL column (person31 L2).
 */
export async function parameterExamples(db: Database | Queryable, sql: string): Promise<{ examples: Map<number, ParameterExample>; required: Map<number, string> }> {
  const out = new Map<number, ParameterExample>();
  // The $n an INSERT gives a NOT NULL column, or an UPDATE sets one to: "table.column" (no NULL offered for it).
  const required = new Map<number, string>();
  const columns = parameterColumns(sql);
  if (!columns.size) return { examples: out, required };
  const refs = [...new Map([...columns.values()].map((c) => [`${c.schema ?? ''}.${c.table}`, { schema: c.schema, name: c.table }])).values()];
  const facts = await readCatalogFacts(db, refs);
  for (const [n, c] of columns) {
    const t = facts.tables.find((f) => f.name === c.table && (!c.schema || f.schema === c.schema));
    if (c.given && t?.columns.some((x) => x.name === c.column && x.notNull)) required.set(n, `${c.table}.${c.column}`);
    const stats = t?.stats[c.column];
    const common = stats?.mostCommonVals?.[0];
    // The middle of the histogram first: it describes the values outside the common ones, so it is a typical value (a
    // key's, or a customer with a typical number of orders), where the most common value is the heaviest one (person24
    // LOW 2: customer 1, with 342 of the orders, planned as an Index Scan Backward no typical customer gets). A column
    // whose every value is common (a status) has no histogram: its most common value.
    if (stats?.histogramMiddle !== undefined) out.set(n, { value: stats.histogramMiddle, from: `${c.table}.${c.column}`, kind: 'histogram' });
    else if (common !== undefined) out.set(n, { value: common, from: `${c.table}.${c.column}`, kind: 'common' });
  }
  return { examples: out, required };
}
