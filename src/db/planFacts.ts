/**
 * Catalog facts for a plan brought from elsewhere (a file, the clipboard, a server log), read when a
 * connection is at hand: table sizes (for the warnings an estimated plan needs) and, for the foreign
 * keys whose triggers the plan reports, whether an index leads with the referencing columns.
 */
import type { Database } from './database';
import { OWN_STATEMENT_MARKER } from './sql';
import { EXPLAIN_SQL, indexLeadsOf } from './explain';
import { K } from '../core/plan/keys';
import type { ForeignKeyFact, IndexLeadFact, Plan } from '../core/plan/model';

const PLAN_FACTS_SQL = {
  /** $1 = constraint names. "indexed": a valid, non-partial index whose leading columns are the key's columns. */
  foreignKeys: `${OWN_STATEMENT_MARKER} SELECT con.conname AS name, n.nspname AS schema, t.relname AS table_name,
    rn.nspname AS referenced_schema, rt.relname AS referenced_table,
    ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
    EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = con.conrelid AND i.indisvalid AND i.indpred IS NULL
            AND (i.indkey::int2[])[0:cardinality(con.conkey) - 1] @> con.conkey
            AND (i.indkey::int2[])[0:cardinality(con.conkey) - 1] <@ con.conkey) AS indexed
    FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_class rt ON rt.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = rt.relnamespace
    WHERE con.contype = 'f' AND con.conname = ANY ($1::text[])`,
} as const;

export interface PlanFacts {
  relationRows: [string, number][];
  relationIndexes: [string, IndexLeadFact[]][];
  foreignKeys: [string, ForeignKeyFact][];
}

/** Facts for the relations and foreign-key triggers of a plan (one round trip each, skipped when none). */
export async function planFacts(db: Database, plan: Plan): Promise<PlanFacts> {
  const names = [...new Set(plan.nodes.map((n) => n.raw[K.RelationName]).filter((x): x is string => typeof x === 'string'))];
  const relationRows: [string, number][] = [];
  const relationIndexes: [string, IndexLeadFact[]][] = [];
  if (names.length) {
    for (const row of (await db.query(EXPLAIN_SQL.relationRows, [names])).rows) {
      relationRows.push([`${row.schema}.${row.name}`, Number(row.rows)]);
      relationRows.push([String(row.name), Number(row.rows)]);
      const leads = indexLeadsOf(row.indexes);
      relationIndexes.push([`${row.schema}.${row.name}`, leads], [String(row.name), leads]);
    }
  }
  const constraints = [...new Set(plan.triggers.map((t) => t.constraint).filter((x): x is string => !!x))];
  const foreignKeys: [string, ForeignKeyFact][] = [];
  if (constraints.length) {
    for (const r of (await db.query(PLAN_FACTS_SQL.foreignKeys, [constraints])).rows) {
      foreignKeys.push([String(r.name), { schema: String(r.schema), table: String(r.table_name), columns: (r.columns as string[]).map(String), referenced: `${r.referenced_schema}.${r.referenced_table}`, indexed: r.indexed === true }]);
    }
  }
  return { relationRows, relationIndexes, foreignKeys };
}

