/**
 * The one model of what the catalog says about the tables a statement names: size and row estimate,
 * columns, pg_stats, existing indexes and write activity. `src/db/catalog.ts readCatalogFacts` fills it
 * with one named statement (one round trip); the index advisor and the rules read the same facts (the rules through
 * the helpers below: which columns an index leads with or covers, trigram and expression indexes).
 *
 * Rows of a table that was never analysed (pg_class.reltuples = -1) are estimated the way PostgreSQL's
 * planner does (plancat.c estimate_rel_size → tableam.c table_block_relation_estimate_size): tuple density from the column widths, times the table's
 * current size in pages. The planner's extra "assume at least 10 pages" for a never-vacuumed table is a
 * planning safeguard, not a size, and is not applied: an empty table estimates 0 rows, not ~1,000.
 * `analysed` says whether the figure came from ANALYZE/VACUUM, so a rule whose severity depends on
 * it can say "never analysed".
 */
import type { AllowedValues } from './allowedValues';
import { formatCount, formatPercent } from './format';

/**
 * The share of a table's rows above which no index is proposed for the condition that keeps them: the index advice's
 * bound on its candidates (from pg_stats, core/advice/indexCandidates), and the plan tips' on a write's whole-table scan
 * (from the rows it kept and removed, core/plan/warnings). Here, where both read it without the advice's parsers.
 */
export const INDEX_MAX_SELECTIVITY = 0.05;

/**
 * The widest share of a table's rows a filter may keep for the index advice still to try an index for it: between
 * INDEX_MAX_SELECTIVITY and this, the candidate is made and the planner decides (HypoPG, or a real trial index rolled
 * back; the minimum cost cut, 30% by default, keeps an index that barely helps out), and it is never proposed unproved.
 * At 5.9% of 52k orders an index on (status) cut the cost 1369 → 790 (42%) where the advice said "costs about as much as
 * reading the table" (issue 20, person47 M1). Above it, PG Lens proposes nothing and says it is its own rule.
 * Dexter tries every candidate with no such bound; this one keeps real trial builds (no HypoPG) to filters that can
 * still win.
 */
export const INDEX_TRY_MAX_SELECTIVITY = 0.2;

/**
 * The one wording of "no index: the filter keeps more than PG Lens tries an index for", after what it keeps ("its filter
 * keeps 23% of orders's rows", "it keeps 23% of them"): the index advice's answer (core/advice/missingIndex noIndexAnswer)
 * and the plan tips' (core/plan/warnings) say it alike, as PG Lens's own limit, never as a fact about the planner.
 */
export function beyondTrialBound(kept: string, bound = INDEX_TRY_MAX_SELECTIVITY): string {
  return `${kept}, more than the ${formatPercent(bound)} PG Lens tries an index for (PG Lens's own limit, not the planner's answer)`;
}

export interface ColumnStats {
  nullFrac: number;
  /** pg_stats.n_distinct: > 0 a count, < 0 minus the share of rows. */
  nDistinct: number;
  mostCommonVals?: string[];
  mostCommonFreqs?: number[];
  /** The middle bound of pg_stats.histogram_bounds (as text): a typical value of a column with no common values (a key). */
  histogramMiddle?: string;
  /** pg_stats.histogram_bounds (as text) of a numeric or date/time column: the share a range keeps, as the planner reads it. */
  histogramBounds?: string[];
  correlation?: number;
  /** pg_stats.avg_width: average stored width of the column's values in bytes. */
  avgWidth?: number;
}

export interface ColumnFacts {
  name: string;
  /** format_type(): 'integer', 'text', 'jsonb', 'tsvector', 'timestamp with time zone', 'character(4)', … */
  type: string;
  /** pg_type.typname: int4, int8, numeric, text, varchar, bpchar, timestamptz, … (what literals and casts name). */
  typeName: string;
  notNull: boolean;
  /** The values it may hold when its definition lists them (an enum type, a CHECK list on it): core/allowedValues. */
  allowed?: AllowedValues;
}

export interface IndexFacts {
  schema: string;
  name: string;
  method: string;
  /** One text per key column: the column name, or the expression as pg_get_indexdef prints it. */
  keys: string[];
  /** Plain column names of the keys (null for expressions). */
  keyColumns: (string | null)[];
  include: string[];
  /** Operator classes of the keys ('' for the default one). */
  opclasses: string[];
  /** Per key: DESC. */
  desc?: boolean[];
  predicate?: string;
  valid: boolean;
  unique: boolean;
  primary: boolean;
  sizeBytes?: number;
  scans?: number;
  definition?: string;
}

interface TableWrites {
  inserts: number;
  updates: number;
  deletes: number;
  hotUpdates?: number;
  seqScans?: number;
  idxScans?: number;
}

export type RelationKind = 'table' | 'partitioned' | 'matview' | 'view' | 'foreign';

export interface TableFacts {
  schema: string;
  name: string;
  /** Partitioned tables get no index candidates (CREATE INDEX CONCURRENTLY does not work on the parent); views and foreign tables none at all. Default 'table'. */
  kind?: RelationKind;
  /**
   * The planner's row estimate: pg_class.reltuples, or, when the table was never analysed, the
   * estimate from its current size (see the file comment). Undefined for views and foreign tables.
   */
  rows: number | undefined;
  /** pg_class.reltuples is known (ANALYZE, VACUUM or CREATE INDEX ran); false: `rows` is estimated from the size. */
  analysed: boolean;
  /**
   * How many times it was analysed (pg_stat_all_tables analyze_count + autoanalyze_count): an ANALYZE writes new column
   * statistics (a value's frequency) that move a plan's cost with the same rows and pages. Undefined: not read.
   */
  analyses?: number;
  /** Heap pages now (pg_relation_size / block_size), not the possibly stale pg_class.relpages. */
  pages: number;
  /** Heap size in bytes. */
  sizeBytes: number;
  columns: ColumnFacts[];
  stats: Record<string, ColumnStats>;
  indexes: IndexFacts[];
  writes?: TableWrites;
}

export interface CatalogFacts {
  versionNum: number;
  pgTrgm: 'ready' | 'available' | 'unavailable';
  tables: TableFacts[];
}

// ---------------------------------------------------------------------------------------------
// Row estimate (PostgreSQL: tableam.c table_block_relation_estimate_size, plancat.c get_rel_data_width; 8 kB blocks by default)

const PAGE_HEADER = 24;
/** MAXALIGN(SizeofHeapTupleHeader) + sizeof(ItemIdData). */
const TUPLE_OVERHEAD = 24 + 4;
/** get_typavgwidth() for a variable-width type without a typmod. */
const VARLENA_WIDTH = 32;

/**
 * Rows the planner assumes for a table of `pages` pages now: the density of the last ANALYZE/VACUUM
 * (reltuples / relpages) when there is one, else the density from the column widths (pg_type.typlen;
 * -1/-2 for variable width, counted as 32 bytes like get_typavgwidth without statistics).
 */
export function estimatedRows(t: { reltuples: number; relpages: number; pages: number; typlens: number[]; blockSize?: number }): number {
  if (t.pages <= 0) return 0;
  const block = t.blockSize ?? 8192;
  const width = t.typlens.reduce((a, len) => a + (len > 0 ? len : VARLENA_WIDTH), 0) + TUPLE_OVERHEAD;
  const density = t.reltuples >= 0 && t.relpages > 0 ? t.reltuples / t.relpages : Math.floor((block - PAGE_HEADER) / width);
  return Math.round(density * t.pages);
}

/**
 * The planner's row estimate for a relation of this kind from its catalog row, as every reader of the catalog takes it:
 * tables and materialized views by estimatedRows (pages now; column widths where relpages is 0), a partitioned parent by
 * its reltuples (ANALYZE sums its partitions; it has no pages of its own), none for other kinds. The catalog facts behind
 * the advice (db/catalog) and the editor's table figures (db/tableFigures) both read rows here, so their figures agree.
 */
export function catalogRows(t: { kind: RelationKind; reltuples: number; relpages: number; pages: number; typlens: number[]; blockSize?: number }): number | undefined {
  if (t.kind === 'table' || t.kind === 'matview') return estimatedRows(t);
  if (t.kind === 'partitioned' && t.reltuples >= 0) return t.reltuples;
  return undefined;
}

/** A figure (pages, rows) in 5% steps: a table the app writes to grows by a page now and then; that barely moves a plan. */
function fivePercentStep(x: number): number {
  return Math.round(Math.log1p(Math.max(0, x)) / Math.log(1.05));
}

/**
 * A table's figures as the planner reads them, in 5% steps: its row estimate (or "never analysed"), its pages now, and its
 * ANALYZE count (a new MCV list moves a cost with the same rows: person45 H1, 'refunded' 0.5% → 3.8% of orders). The one
 * reading of "the table changed": the editor's kept advice and plan cache (db/tableFigures) and the key of a real trial
 * build's kept proof (db/advisor tablesSnapshot) both follow it, so a proof is never reused across an ANALYZE the editor
 * noticed.
 */
export function tableFigures(t: Pick<TableFacts, 'rows' | 'analysed' | 'pages' | 'analyses'>): string {
  return `${t.analysed ? fivePercentStep(t.rows ?? 0) : 'never analysed'}/${fivePercentStep(t.pages)}/${t.analyses ?? 0}`;
}

// ---------------------------------------------------------------------------------------------
// Lookups

/** The table a statement means by (schema?, name): unquoted names fold to lower case; unqualified ones prefer `public`. */
export function findTable(facts: CatalogFacts, t: { schema?: string; name: string }): TableFacts | undefined {
  return tableLookup(facts.tables)(t.name, t.schema);
}

/** Look tables up by name as written (search_path order: earlier schemas win). */
/**
 * Whether a statement may be one that can never match a row (core/advice/neverMatches): it writes a literal, and one of
 * its tables has a column whose values are listed (an enum, a CHECK list). The cheap test before the rule's check, which
 * lives in the lazily loaded engine (db/advisor neverMatchingAdvice).
 */
export function mayNeverMatch(sql: string, tables: readonly TableFacts[]): boolean {
  return sql.includes("'") && tables.some((t) => t.columns.some((c) => c.allowed));
}

export function tableLookup(tables: TableFacts[], searchPath: string[] = ['public']): (name: string, schema?: string) => TableFacts | undefined {
  const byKey = new Map<string, TableFacts>();
  for (const t of tables) byKey.set(`${t.schema}.${t.name}`, t);
  const one = (name: string, schema?: string) => {
    if (schema) return byKey.get(`${schema}.${name}`);
    for (const s of searchPath) {
      const t = byKey.get(`${s}.${name}`);
      if (t) return t;
    }
    return tables.find((t) => t.name === name);
  };
  return (name, schema) => one(name, schema) ?? one(name.toLowerCase(), schema?.toLowerCase());
}

const usable = (t: TableFacts) => t.indexes.filter((i) => i.valid);

/** Some valid index has this column as its FIRST key column. */
export function leadsIndex(t: TableFacts, column: string): boolean {
  return usable(t).some((i) => i.keyColumns[0] === column);
}

/** Some valid index has this column as a key column (INCLUDE columns do not count: nothing searches them). */
export function isIndexed(t: TableFacts, column: string): boolean {
  return usable(t).some((i) => i.keyColumns.includes(column));
}

/** A GIN/GiST trigram index (pg_trgm) has this column as a key: LIKE '%x%' can use it. */
export function trigramIndexed(t: TableFacts, column: string): boolean {
  return usable(t).some((i) => i.keyColumns.some((c, k) => c === column && /^(gin|gist)_trgm_ops$/.test(i.opclasses[k] ?? '')));
}

/** Key expressions of valid indexes as PostgreSQL prints them (pg_get_indexdef), e.g. `lower((email)::text)`. */
export function expressionIndexKeys(t: TableFacts): string[] {
  return usable(t).flatMap((i) => i.keys.filter((_, k) => i.keyColumns[k] === null));
}

/**
 * "about 12k rows", and where the figure is a guess, that the table was never analysed. An estimate of 0 or 1
 * is said as such ("no rows by the last ANALYZE", "about 1 row") — never "about 0 rows" beside a claim that
 * the table holds rows.
 */
export function rowsPhrase(t: Pick<TableFacts, 'rows' | 'analysed'>): string {
  const rows = Math.max(0, Math.round(t.rows ?? 0));
  const guess = t.analysed ? '' : ', estimated from its size: never analysed';
  if (rows === 0) return t.analysed ? 'no rows by the last ANALYZE' : 'no rows by its size: never analysed';
  return `about ${formatCount(rows)} ${rows === 1 ? 'row' : 'rows'}${guess}`;
}
