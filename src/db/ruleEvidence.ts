/**
 * Plan evidence for the rules, from a real database: catalog facts for the tables a file's SQL names
 * (row estimates, columns with types and nullability, which columns indexes cover, expression and
 * trigram indexes) in ONE catalog query per batch of new names, and the plan's node types from
 * EXPLAIN (no ANALYZE: nothing runs) for statements PostgreSQL's own parser classes as read-only.
 */
import type { Statement } from 'pgsql-ast-parser';
import type { SqlSite } from '../core/extract/types';
import { tablesOf, walk, type Node } from '../core/rules/ast';
import { tableLookup, type PlanEvidence, type PlanFacts, type TableFacts } from '../core/rules/types';
import type { EvidenceSource } from '../core/scan';
import { parseSql } from '../core/sql/parse';
import { inspectSql, loadPgParser } from '../core/sql/statement';
import type { Database } from './database';
import { describeError } from './errors';
import { OWN_STATEMENT_MARKER } from './sql';
import { explain } from './explain';
import { K, type RawNode } from '../core/plan/keys';

export const EVIDENCE_SQL = {
  searchPath: `${OWN_STATEMENT_MARKER} SELECT current_schemas(false) AS schemas, current_setting('server_version_num')::int AS version`,
  tables: `${OWN_STATEMENT_MARKER} SELECT n.nspname AS schema, c.relname AS name,
      CASE WHEN c.reltuples < 0 THEN -1 ELSE c.reltuples::float8 END AS rows,
      pg_total_relation_size(c.oid)::float8 AS bytes,
      coalesce((SELECT json_agg(json_build_object(
          'name', a.attname, 'type', t.typname, 'nullable', NOT a.attnotnull,
          'indexedLeading', EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisvalid AND i.indkey[0] = a.attnum),
          'indexed', EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisvalid AND a.attnum = ANY (i.indkey::int2[])),
          'trigramIndexed', EXISTS (SELECT 1 FROM pg_index i, unnest(i.indkey::int2[], i.indclass::oid[]) AS k(attnum, opclass)
              JOIN pg_opclass oc ON oc.oid = k.opclass
              WHERE i.indrelid = c.oid AND i.indisvalid AND k.attnum = a.attnum AND oc.opcname IN ('gin_trgm_ops', 'gist_trgm_ops')))
          ORDER BY a.attnum)
        FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '[]') AS columns,
      coalesce((SELECT json_agg(pg_get_indexdef(i.indexrelid, k.n::int, true))
        FROM pg_index i, generate_series(1, i.indnkeyatts) AS k(n)
        WHERE i.indrelid = c.oid AND i.indisvalid AND i.indkey[k.n - 1] = 0), '[]') AS expression_indexes
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relname = ANY ($1::text[])
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`,
} as const;

export interface DbEvidenceOptions {
  /** EXPLAIN read statements for plan facts (default true). */
  plans?: boolean;
  log?: (message: string) => void;
}

export class DbEvidence implements EvidenceSource {
  private readonly tables = new Map<string, TableFacts>();
  private readonly asked = new Set<string>();
  private readonly plans = new Map<string, PlanFacts | null>();
  private searchPath: string[] = ['public'];
  private ready: Promise<void> | undefined;
  private lookup = tableLookup([], this.searchPath);
  /** Catalog queries and EXPLAINs sent (for benchmarks and tests). */
  readonly stats = { catalogQueries: 0, explains: 0 };

  constructor(private readonly db: Database, private readonly opts: DbEvidenceOptions = {}) {}

  async prepare(sites: SqlSite[]): Promise<void> {
    this.ready ??= (async () => {
      const r = await this.db.query(EVIDENCE_SQL.searchPath);
      this.searchPath = r.rows[0].schemas;
    })();
    await this.ready;
    const names = new Set<string>();
    const parsed: { site: SqlSite; statements: Statement[] }[] = [];
    for (const site of sites) {
      const p = parseSql(site.sql);
      if (!p.ok) continue;
      parsed.push({ site, statements: p.statements });
      for (const st of p.statements) {
        walk(st as Node, (n) => {
          if (n.type === 'select' || n.type === 'update' || n.type === 'delete') for (const t of tablesOf(n)) if (!this.asked.has(t.name)) names.add(t.name);
        });
      }
    }
    if (names.size) {
      names.forEach((n) => this.asked.add(n));
      this.stats.catalogQueries++;
      const { rows } = await this.db.query(EVIDENCE_SQL.tables, [[...names]]);
      for (const r of rows) {
        this.tables.set(`${r.schema}.${r.name}`, {
          schema: r.schema,
          name: r.name,
          rows: Number(r.rows),
          bytes: Number(r.bytes),
          columns: r.columns,
          expressionIndexes: r.expression_indexes,
        });
      }
      this.lookup = tableLookup([...this.tables.values()], this.searchPath);
    }
    if (this.opts.plans !== false) {
      for (const { site, statements } of parsed) {
        if (statements.length !== 1 || this.plans.has(site.sql)) continue;
        this.plans.set(site.sql, await this.planFacts(site));
      }
    }
  }

  evidenceFor(site: SqlSite, _statement: Statement, index: number): PlanEvidence | undefined {
    const plan = index === 0 ? this.plans.get(site.sql) ?? undefined : undefined;
    return { table: this.lookup, plan };
  }

  /**
   * The plan of a read-only statement through the one EXPLAIN runner (db/explain.ts: read-only
   * transaction rolled back, the safety gate, generic plans for $n on every version).
   */
  private async planFacts(site: SqlSite): Promise<PlanFacts | null> {
    await loadPgParser();
    const info = inspectSql(site.sql);
    if (!info.ok || info.statements.length !== 1 || info.statements[0].cls !== 'read') return null;
    if (site.dynamic) return null;
    try {
      this.stats.explains++;
      const { json } = await explain(this.db, site.sql, { relationRows: false });
      const plan = json[K.Plan] as RawNode | undefined;
      return plan ? planFactsOf(plan) : null;
    } catch (e) {
      this.opts.log?.(`${site.file ?? ''}: EXPLAIN failed (${describeError(e)}); rules use catalog facts only`);
      return null;
    }
  }
}

/** Node types, seq-scanned relations and the top estimate of an EXPLAIN JSON plan (keys from core/plan). */
export function planFactsOf(plan: RawNode): PlanFacts {
  const nodeTypes: string[] = [];
  const seqScanTables: string[] = [];
  const visit = (n: RawNode | undefined) => {
    if (!n) return;
    nodeTypes.push(String(n[K.NodeType]));
    if (n[K.NodeType] === 'Seq Scan' && n[K.RelationName]) seqScanTables.push(String(n[K.RelationName]));
    for (const c of n[K.Plans] ?? []) visit(c);
  };
  visit(plan);
  return { nodeTypes, seqScanTables, rows: Number(plan[K.PlanRows] ?? 0), totalCost: Number(plan[K.TotalCost] ?? 0) };
}
