/**
 * Workload mode: the statements that cost the most time (pg_stat_statements, by total time, with a
 * minimum number of calls) plus SQL from the workspace, each advised and proved on its own, then
 * a small set of indexes chosen by the time they save minus what they cost on writes.
 */
import { qualifiedName } from '../core/sql/ident';
import { consolidateWorkload, type WorkloadChoice, type WorkloadStatementAdvice } from '../core/advice/workload';
import { adviseStatement, type AdviseOptions, type IndexSuggestion } from './advisor';
import type { Database } from './database';
import { describeError } from './errors';
import { EXCLUDE_OWN, OWN_STATEMENT_MARKER } from './sql';
import { applicationText } from '../core/dashboard/ownStatements';
import { shortLine } from '../core/format';

const WORKLOAD_SQL = {
  /** $1 min calls, $2 limit. Our own statements (marker) and utility statements are left out. */
  topStatements: `${OWN_STATEMENT_MARKER} SELECT s.queryid::text AS queryid, s.userid::text AS userid, s.query, s.calls::int8 AS calls,
      s.total_exec_time::float8 AS total_ms, s.mean_exec_time::float8 AS mean_ms
    FROM pg_stat_statements s
    WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND s.calls >= $1
      AND ${EXCLUDE_OWN.statements}
      AND s.query ~* '^\\s*(PREPARE\\s+pglens_\\w+\\s+AS\\s+)?(select|with|update|delete)\\y'
    ORDER BY s.total_exec_time DESC
    LIMIT $2`,
  /** $1: table names as schema.name (quoted). */
  tableWrites: `${OWN_STATEMENT_MARKER} SELECT n.nspname AS schema, c.relname AS name, s.n_tup_ins::int8 AS ins, s.n_tup_upd::int8 AS upd,
      s.n_tup_del::int8 AS del, s.n_tup_hot_upd::int8 AS hot, (coalesce(s.seq_scan, 0) + coalesce(s.idx_scan, 0))::int8 AS reads
    FROM unnest($1::text[]) AS q(name)
    JOIN pg_class c ON c.oid = to_regclass(q.name)
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_stat_all_tables s ON s.relid = c.oid`,
} as const;

export interface WorkloadOptions extends AdviseOptions {
  minCalls?: number;
  /** How many statements from pg_stat_statements. */
  limit?: number;
  /** At most this many indexes in the answer. */
  maxIndexes?: number;
  extraStatements?: { sql: string; source: string }[];
}

type WorkloadSuggestion = IndexSuggestion & WorkloadChoice;

export interface WorkloadResult {
  suggestions: WorkloadSuggestion[];
  statementsAnalysed: number;
  fromStatStatements: number;
  fromFiles: number;
  note?: string;
}

export async function adviseWorkload(db: Database, opts: WorkloadOptions = {}): Promise<WorkloadResult> {
  const info = opts.info ?? (await db.serverInfo());
  // Statements from pg_stat_statements are planned as the role that ran them (userid), so their
  // functions never run with more rights than their author had (planGuard.planAs).
  const statements: { sql: string; label: string; calls?: number; totalMs?: number; userid?: string }[] = [];
  let note: string | undefined;
  const full = 'pgStatStatements' in info ? info : await db.serverInfo();
  if (full.pgStatStatements === 'ready') {
    const rows = (await db.query(WORKLOAD_SQL.topStatements, [opts.minCalls ?? 5, opts.limit ?? 50])).rows;
    for (const r of rows) {
      const sql = applicationText(r.query);
      statements.push({ sql, label: `queryid ${r.queryid}: ${shortLine(sql, 80)}`, calls: Number(r.calls), totalMs: Number(r.total_ms), userid: r.userid });
    }
  } else {
    note = `pg_stat_statements is ${full.pgStatStatements}: only the given SQL was analysed`;
  }
  const fromStatStatements = statements.length;
  for (const s of opts.extraStatements ?? []) {
    if (!statements.some((x) => normalizeSpace(x.sql) === normalizeSpace(s.sql))) statements.push({ sql: s.sql, label: `${s.source}: ${shortLine(s.sql, 80)}` });
  }
  const advised: WorkloadStatementAdvice<IndexSuggestion>[] = [];
  for (const st of statements) {
    try {
      const r = await adviseStatement(db, st.sql, undefined, { ...opts, info: full, planAsRole: st.userid });
      advised.push({ label: st.label, calls: st.calls, totalMs: st.totalMs, costBefore: r.costBefore, suggestions: r.suggestions });
    } catch (e) {
      opts.log?.(`workload: ${st.label}: ${describeError(e)}`);
    }
  }
  const tables = [...new Set(advised.flatMap((a) => a.suggestions.map((s) => qualifiedName(s.schema, tableName(s)))))];
  const writes = tables.length ? (await db.query(WORKLOAD_SQL.tableWrites, [tables])).rows : [];
  const choices = consolidateWorkload(advised, writes.map((w) => ({ schema: w.schema, name: w.name, inserts: Number(w.ins), updates: Number(w.upd), deletes: Number(w.del), hotUpdates: Number(w.hot), reads: Number(w.reads) })), { maxIndexes: opts.maxIndexes ?? 5 });
  return { suggestions: choices as WorkloadSuggestion[], statementsAnalysed: advised.length, fromStatStatements, fromFiles: statements.length - fromStatStatements, note };
}

function tableName(s: IndexSuggestion): string {
  return s.schema === 'public' ? s.table : s.table.slice(s.schema.length + 1);
}

function normalizeSpace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
