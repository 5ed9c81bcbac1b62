/**
 * The tables' figures the planner reads — its row estimate, the pages now, its last ANALYZE — in 5% steps, and one
 * channel per connection that says when they moved. The editor's index advice reads them (IndexDecider
 * noticeChangedTables: its kept advice is made again when they move) and the hover's plan cache follows the same
 * reading (Planner drops the plans of the tables that moved), so the hover's index line ("1,007 → 302") and its plan line
 * ("cost …") are made on the same tables. Before, the plan cache followed only DDL and the ANALYZE/VACUUM counts: rows
 * deleted and added again grew orders' pages (dead rows), the advice was proved again at 1,007 and the plan line kept
 * its cached 940.44 (issue 20). The reading holds each table's valid indexes too: an index made or dropped outside PG Lens
 * (psql, a migration) moves the table as its growth does, on the same trigger (issue 20, person47 L11: after a DROP INDEX in
 * psql the advice came back only at the cost CodeLens's next reading and the decision after it, 20–60 s).
 */
import type { Database } from './database';
import { catalogRows, tableFigures, type RelationKind } from '../core/catalogFacts';
import { qualifiedName } from '../core/sql/ident';
import { OWN_STATEMENT_MARKER, USER_SCHEMA } from './sql';

const TABLE_FIGURES_SQL = {
  /**
   * $1: bare lowercase table names. Each table's figures the planner reads (its row estimate, pages now) and how often it
   * was analysed (a new histogram moves a cost with the same rows): what the app's traffic and ANALYZE change. The
   * columns' widths (pg_type.typlen, by attnum) for the estimate where relpages is 0 (core catalogRows). Its valid indexes
   * (their oids: a CREATE or DROP INDEX in psql or a migration, a REINDEX CONCURRENTLY, a concurrent build turned valid).
   */
  tableFigures: `${OWN_STATEMENT_MARKER} SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind, c.reltuples::float8 AS reltuples, c.relpages::int8 AS relpages,
      (pg_relation_size(c.oid) / current_setting('block_size')::int)::int8 AS pages, current_setting('block_size')::int AS block_size,
      ARRAY(SELECT t.typlen::int FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS typlens,
      coalesce(s.analyze_count + s.autoanalyze_count, 0)::int8 AS analyses,
      ARRAY(SELECT i.indexrelid::int8 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisvalid ORDER BY 1)::text AS indexes
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
    WHERE c.relkind IN ('r', 'm', 'p') AND lower(c.relname) = ANY ($1::text[]) AND ${USER_SCHEMA}`,
} as const;

/** One table's figures now: `schema.name` (public's unqualified) and its bare lowercase name. */
export interface TableFiguresRow {
  key: string;
  bare: string;
  figures: string;
  /** Its valid indexes (their oids, in order): changed by a CREATE, DROP or REINDEX CONCURRENTLY made anywhere. */
  indexes: string;
}

/** The figures of the tables of these bare lowercase names (one catalog read). */
export async function readTableFigures(db: Database, names: readonly string[]): Promise<TableFiguresRow[]> {
  if (!names.length) return [];
  const { rows } = await db.query(TABLE_FIGURES_SQL.tableFigures, [[...names]]);
  return rows.map((r) => ({
    key: qualifiedName(String(r.schema), String(r.name)),
    bare: String(r.name).toLowerCase(),
    figures: figuresOf(r),
    indexes: String(r.indexes ?? ''),
  }));
}

const KINDS: Record<string, RelationKind> = { r: 'table', m: 'matview', p: 'partitioned' };

/**
 * A table's figures (core tableFigures, the advisor's proof key's too) from its catalog row: its row estimate as the
 * catalog facts take it (core catalogRows), its pages, analysed or not, and its ANALYZE count.
 */
function figuresOf(r: Record<string, unknown>): string {
  const reltuples = Number(r.reltuples);
  const pages = Number(r.pages);
  const typlens = Array.isArray(r.typlens) ? r.typlens.map(Number) : [];
  const rows = catalogRows({ kind: KINDS[String(r.relkind)] ?? 'table', reltuples, relpages: Number(r.relpages), pages, typlens, blockSize: Number(r.block_size) || 8192 });
  return tableFigures({ rows, analysed: reltuples >= 0, pages, analyses: Number(r.analyses) });
}

type Listener = (tables: readonly string[]) => void;
const channels = new WeakMap<Database, Set<Listener>>();

/**
 * Said when a reading of the tables' figures found some moved (or read them for the first time: what was planned before
 * had no reading to compare with). `tables`: bare lowercase names.
 */
export function tablesMoved(db: Database, tables: readonly string[]): void {
  if (!tables.length) return;
  for (const fn of channels.get(db) ?? []) fn(tables);
}

/** Follow the readings of this connection's tables (tablesMoved). */
export function onTablesMoved(db: Database, fn: Listener): { dispose(): void } {
  let set = channels.get(db);
  if (!set) channels.set(db, (set = new Set()));
  set.add(fn);
  return { dispose: () => set.delete(fn) };
}
