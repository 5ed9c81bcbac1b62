/**
 * `pg-lens benchmark --workload`: replay the statements that took the most time (pg_stat_statements),
 * each through the one benchmark runner (read-only, rolled back, plan guard first), with parameter values
 * drawn from the column statistics (the most common value, else the middle of the histogram).
 */
import { castTypedParameters } from '../core/sql/parse';
import { statementShape } from '../core/sql/predicates';
import { isStandIn, ownParameterNote, parameterSources, standInNote, valuesFromCode, weightedPercentiles, withRecordedCalls, type CodeStatement, type RecordedCall, type WorkloadRun, type WorkloadStatement, type WorkloadStatementRun } from '../core/plan/workloadBenchmark';
import { loadPgParser } from '../core/sql/statement';
/** For the editor's dashboard: its recording's calls per line, from the module it loads lazily (a dynamic import of core costs extension.js ~3 KB). */
export { recordedCallsOf } from '../core/plan/workloadBenchmark';
import { benchmark } from './benchmark';
import type { Database } from './database';
import { PgLensError } from './errors';
import { checkSingleStatement, parameterCount } from './explain';
import { OWN_IDENTITY, OWN_STATEMENT_MARKER as M } from './sql';
import { errorMessage } from '../core/safeText';
import { appFigures } from '../core/cost';
import { applicationText } from '../core/dashboard/ownStatements';
import { ownRunsOf } from './ownRuns';

const WORKLOAD_BENCH_SQL = {
  pssInstalled: `${M} ${OWN_IDENTITY} SELECT to_regclass('pg_stat_statements') IS NOT NULL AS ok, current_setting('server_version_num')::int AS v, current_database() AS db`,
  /** The $1 read statements of this database taking the most time, ours left out ($2 = our marker). PostgreSQL 13+. */
  top: `${M} SELECT s.queryid::text AS queryid, s.query, s.calls::float8 AS calls, s.total_exec_time::float8 AS total_ms, s.rows::float8 AS rows FROM pg_stat_statements s
    WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND strpos(s.query, $2) = 0
      AND s.query ~* '^\\s*(with\\s.*)?select\\s' ORDER BY s.total_exec_time DESC LIMIT $1`,
  /**
   * A typical value of column $2 of one of the tables $1: its most common value, else the middle histogram bound
   * (user schemas, public first); whether the statistics have the column at all, and whether it is a column of
   * those tables (else it is computed in the statement: a window function, an expression in a subquery).
   */
  columnValue: `${M} SELECT (SELECT coalesce((s.most_common_vals::text::text[])[1],
        (s.histogram_bounds::text::text[])[greatest(1, array_length(s.histogram_bounds::text::text[], 1) / 2)])
      FROM pg_stats s WHERE s.tablename = ANY ($1::text[]) AND s.attname = $2 AND s.schemaname <> 'information_schema' AND s.schemaname !~ '^pg_'
      ORDER BY s.schemaname = 'public' DESC, s.inherited LIMIT 1) AS v,
    EXISTS (SELECT 1 FROM pg_stats s WHERE s.tablename = ANY ($1::text[]) AND s.attname = $2 AND s.schemaname <> 'information_schema' AND s.schemaname !~ '^pg_') AS has_stats,
    EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relname = ANY ($1::text[]) AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped
        AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_') AS is_column`,
} as const;

export interface WorkloadBenchmarkOptions {
  top?: number;
  runs?: number;
  concurrency?: number;
  trustFunctions?: readonly string[];
  /** Replay these (a .sql file, a recording: core/plan/workloadBenchmark's workloadFromFile) instead of pg_stat_statements' top. */
  statements?: readonly WorkloadStatement[];
  /** What `statements` came from (printed and saved). */
  source?: string;
  /**
   * The statements of the code (the workspace's, the folder's): a statement without recorded values whose `$n` the code
   * writes as constants runs with them (core valuesFromCode), not with a value of the statistics the app never sends.
   */
  code?: readonly CodeStatement[] | (() => Promise<readonly CodeStatement[]>);
  /**
   * What a recording saw each line of code send (core recordedCallsOf: `pg-lens benchmark --workload --recording`, the
   * editor's recording): each place of `code` gets its recorded calls, so of places sending other values the busiest gives them.
   */
  recorded?: readonly RecordedCall[] | (() => readonly RecordedCall[]);
  onStatement?: (done: number, total: number) => void;
}

/** Values for the statement's parameters, or the reason one has none. */
async function parameterValues(db: Database, text: string, n: number, only?: readonly number[]): Promise<{ values: (string | string[] | undefined)[]; notes: (string | null)[] } | { skipped: string }> {
  const sources = parameterSources(text, n);
  const shape = statementShape(text);
  const values: (string | string[] | undefined)[] = [];
  const notes: (string | null)[] = [];
  for (let k = 0; k < n; k++) {
    const src = sources[k];
    // `only`: the code's own parameters beside its literals (core valuesFromCode ownParams): a stand-in for each, said so.
    if (only && !only.includes(k + 1)) {
      values.push(undefined);
      notes.push(null);
      continue;
    }
    if (!src) return { skipped: `$${k + 1} is not compared with a column (no value to draw from the statistics)` };
    notes.push(only ? ownParameterNote(k + 1, src) : standInNote(src));
    if (src.kind === 'literal') {
      values.push(src.value);
      continue;
    }
    const tables = shape?.tables.filter((t) => !src.table || t.key === src.table || t.name === src.table).map((t) => t.name) ?? [];
    const r = tables.length ? (await db.query(WORKLOAD_BENCH_SQL.columnValue, [tables, src.column])).rows[0] : undefined;
    if (r?.v !== null && r?.v !== undefined) {
      // `order_id = ANY($1::bigint[])` takes an array: one value alone fails every run ("malformed array literal").
      values.push(src.array ? [r.v] : r.v);
      continue;
    }
    // Say why, and only advise what can help: ANALYZE gives statistics to a table's column, never to a value the
    // statement computes (row_number() in a subquery, an expression).
    const tableList = tables.join(', ');
    if (!r?.is_column) return { skipped: `$${k + 1} is compared with ${src.column}, which the statement computes (not a column of ${tableList || 'a table it reads'}): no statistics hold a value for it` };
    if (!r.has_stats) return { skipped: `$${k + 1} (${src.column}): ${tableList} has no statistics for ${src.column} yet (ANALYZE ${tableList})` };
    return { skipped: `$${k + 1} (${src.column}): the statistics of ${tableList} hold no typical value of ${src.column} (NULL in every row sampled)` };
  }
  return { values, notes };
}

export async function benchmarkWorkload(db: Database, o: WorkloadBenchmarkOptions = {}): Promise<WorkloadRun> {
  db.assertWritable('Benchmark');
  const info = (await db.query(WORKLOAD_BENCH_SQL.pssInstalled)).rows[0];
  const top = Math.max(1, Math.min(100, Math.round(o.top ?? 10)));
  let rows: readonly WorkloadStatement[];
  if (o.statements) rows = o.statements.slice(0, top);
  else {
    if (Number(info.v) < 130000) throw new PgLensError('The workload benchmark needs PostgreSQL 13 or later (pg_stat_statements timing columns).', 'UNSUPPORTED');
    if (!info.ok) throw new PgLensError('pg_stat_statements is not installed in this database: the workload benchmark replays its top statements (CREATE EXTENSION pg_stat_statements, with it in shared_preload_libraries), or give a file of statements or a recording (--file).', 'NO_PG_STAT_STATEMENTS');
    // Weighted by the application's calls: PG Lens's own Benchmark runs known to this process (the editor's ledger, core/cost
    // appFigures) left out, as the cost lens leaves them out (person52 M-2: "9,551 calls recorded", ~6,000 of them PG Lens's).
    const own = db.profile ? ownRunsOf({ profile: db.profile }) : undefined;
    rows = (await db.query(WORKLOAD_BENCH_SQL.top, [top, M])).rows.map((r) => {
      const raw = { queryid: String(r.queryid), query: r.query as string, calls: Number(r.calls), totalMs: Number(r.total_ms), rows: Number(r.rows), meanMs: 0 };
      const app = own ? appFigures(raw, own.get(applicationText(raw.query), raw.queryid)) : raw;
      return { queryid: raw.queryid, query: raw.query, calls: app ? app.calls : 0 };
    });
  }
  // Read once, when a statement first needs it (the CLI reads the folder's code only then).
  let code: readonly CodeStatement[] | undefined = typeof o.code === 'function' ? undefined : o.code;
  let fed = false;
  const codeNow = async () => {
    if (!code && typeof o.code === 'function') code = await o.code();
    if (code?.length) await loadPgParser();
    if (code?.length && !fed) {
      // The places with the calls the recording saw each make, once (issue 20: nothing fed them, the first place was taken).
      const recorded = typeof o.recorded === 'function' ? o.recorded() : o.recorded;
      if (recorded?.length) code = withRecordedCalls(code, recorded);
      fed = true;
    }
    return code ?? [];
  };
  const statements: WorkloadStatementRun[] = [];
  const samples: { ms: number; weight: number }[] = [];
  const standIns: { ms: number; weight: number }[] = [];
  for (const [i, r] of rows.entries()) {
    const s: WorkloadStatementRun = { queryid: r.queryid, query: r.query, calls: r.calls };
    statements.push(s);
    try {
      // pg_stat_statements writes `interval '1 day'` as `interval $1`, which PostgreSQL does not accept: run it as a cast.
      const { text } = await checkSingleStatement(castTypedParameters(r.query));
      const n = parameterCount(text);
      let values: unknown[];
      const fromCode = o.code && n && !(r.values && r.values.length >= n) ? valuesFromCode(r.query, await codeNow(), n) : undefined;
      if (r.values && r.values.length >= n) {
        values = r.values.slice(0, n);
        if (n) s.paramsFrom = r.valuesFrom ?? 'recorded';
        if (r.valuesAt) s.paramsAt = r.valuesAt;
      } else if (fromCode) {
        s.paramsFrom = 'code';
        s.paramsAt = fromCode.at;
        if (fromCode.others.length) s.paramsOthers = fromCode.others;
        if (fromCode.calls !== undefined) s.paramsAtCalls = fromCode.calls;
        if (fromCode.recordedCalls !== undefined) s.paramsRecordedCalls = fromCode.recordedCalls;
        values = fromCode.values;
        if (fromCode.ownParams?.length) {
          // The code's literals where it writes them, a stand-in only for each parameter it passes itself (issue 20: one such
          // parameter sent every $n to the statistics — `status = 'refunded'` ran as 'delivered').
          const p = await parameterValues(db, text, n, fromCode.ownParams);
          if ('skipped' in p) {
            s.skipped = `${p.skipped} (the code's own parameter; the other values are the code's, at ${fromCode.at})`;
            continue;
          }
          values = fromCode.values.map((v, k) => v ?? p.values[k]);
          s.paramNotes = p.notes;
        }
      } else {
        const p = await parameterValues(db, text, n);
        if ('skipped' in p) {
          s.skipped = p.skipped;
          continue;
        }
        values = p.values;
        if (n) s.paramsFrom = 'statistics';
        if (p.notes.some((x) => x)) s.paramNotes = p.notes;
      }
      s.params = values;
      const mine: number[] = [];
      s.run = { ...(await benchmark(db, text, { runs: o.runs ?? 20, concurrency: o.concurrency ?? 1, params: values, trustFunctions: o.trustFunctions, onSample: (ms) => mine.push(ms) })), params: values.map((v) => (v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v) : String(v))) };
      if (isStandIn(s, n)) s.standIn = true;
      for (const ms of mine) (s.standIn ? standIns : samples).push({ ms, weight: s.calls / mine.length });
    } catch (e) {
      s.skipped = errorMessage(e);
    } finally {
      o.onStatement?.(i + 1, rows.length);
    }
  }
  return { kind: 'pg-lens workload benchmark', at: Date.now(), database: info.db, source: o.source ?? 'pg_stat_statements', statements, workload: weightedPercentiles(samples), ...(standIns.length ? { workloadWithStandIns: weightedPercentiles([...samples, ...standIns]) } : {}) };
}
