/**
 * Materialized views: expensive repeated aggregates that one would serve (materialized-view-candidate),
 * views left behind their tables (stale-materialized-view, from history) and refreshes that cost more
 * than they give (refresh-cost).
 */
import { finding, relationFix } from '../finding';
import { parseOne } from '../../sql/parse';
import { qualifiedName, quoteIdent, quoteLiteral } from '../../sql/ident';
import type { HealthCheck, HealthFinding, MatviewFact, StatementUseFact } from '../types';
import { formatBytes } from '../../format';

const ms = (n: number) => Math.round(n * 10) / 10;
/** refresh-cost: refreshed more often than read only counts from this many refreshes. */
const MIN_REFRESHES = 3;

/** Functions whose result changes between calls: a view would freeze them. */
const VOLATILE = /\b(now|random|clock_timestamp|statement_timestamp|timeofday|nextval|gen_random_uuid|uuid_generate_v4|txid_current|pg_current_xact_id|current_timestamp|localtimestamp|current_time|current_date|current_user|session_user)\b/i;
/** Aggregation or joining: the work a view saves. */
const EXPENSIVE_SHAPE = /\b(group\s+by|count\s*\(|sum\s*\(|avg\s*\(|min\s*\(|max\s*\(|distinct|join)\b/i;

/**
 * The output columns of the statement's GROUP BY keys (alias, else column name), when every key is a
 * plain column named in the select list: the unique index REFRESH … CONCURRENTLY needs. Undefined otherwise.
 */
export function groupKeyColumns(sql: string): string[] | undefined {
  const ast = parseOne(sql) as any;
  if (!ast || ast.type !== 'select' || !ast.groupBy?.length || !Array.isArray(ast.columns)) return undefined;
  const out: string[] = [];
  for (const g of ast.groupBy) {
    const byPosition = g.type === 'integer' ? ast.columns[g.value - 1] : undefined;
    const col = byPosition ?? ast.columns.find((c: any) => (c.expr?.type === 'ref' && g.type === 'ref' && c.expr.name === g.name && (c.expr.table?.name ?? '') === (g.table?.name ?? '')) || (g.type === 'ref' && !g.table && c.alias?.name === g.name));
    if (!col || col.expr?.type !== 'ref' || col.expr.name === '*') return undefined;
    out.push(col.alias?.name ?? col.expr.name);
  }
  return new Set(out).size === out.length ? out : undefined;
}

/** The view's name: the first table's, and a few characters of the statement's queryid to keep it unique. */
function viewName(s: StatementUseFact): string {
  const base = s.tables[0]?.table ?? 'statement';
  return `${base}_summary_${s.queryid.replace(/^-/, '').slice(-6)}`.slice(0, 63);
}

const materializedViewCandidate: HealthCheck = {
  id: 'materialized-view-candidate',
  title: 'Repeated aggregate a materialized view would serve',
  category: 'activity',
  summary: 'An expensive read statement (aggregates, joins) run often over tables that are rarely written: a materialized view refreshed after the writes saves more time than its refreshes cost.',
  run(f, t) {
    const out: HealthFinding[] = [];
    for (const s of f.workload?.statements ?? []) {
      if (s.calls < t.mvMinCalls || s.meanMs < t.mvMinMeanMs || !EXPENSIVE_SHAPE.test(s.query) || VOLATILE.test(s.query)) continue;
      if (/\bfor\s+(update|share|no key update|key share)\b/i.test(s.query)) continue;
      const writes = s.tables.reduce((n, x) => n + x.writes, 0);
      if (writes * t.mvMinCallsPerWrite > s.calls) continue;
      // A refresh runs the statement once (its own mean time); at worst one refresh per write.
      const refreshes = Math.min(writes, s.calls);
      const savedMs = (s.calls - refreshes) * s.meanMs;
      const tables = s.tables.map((x) => qualifiedName(x.schema, x.table));
      const view = qualifiedName(s.tables[0]?.schema ?? 'public', viewName(s));
      const parameters = /\$\d+/.test(s.query);
      const keys = parameters ? undefined : groupKeyColumns(s.query);
      const refresh = `REFRESH MATERIALIZED VIEW ${keys ? 'CONCURRENTLY ' : ''}${view};`;
      const schedule = f.workload?.pgCron
        ? `SELECT cron.schedule(${quoteLiteral(`pg-lens refresh ${view}`)}, '0 * * * *', ${quoteLiteral(refresh)});`
        : undefined;
      const fixSql = parameters
        ? []
        : [
          `CREATE MATERIALIZED VIEW ${view} AS ${s.query.trim().replace(/;\s*$/, '')};`,
          ...(keys ? [`CREATE UNIQUE INDEX ON ${view} (${keys.map(quoteIdent).join(', ')});`] : []),
          refresh,
          ...(schedule ? [schedule] : []),
        ];
      out.push(finding(this, 'info', `A statement reading ${tables.join(', ')} runs ${s.calls.toLocaleString('en-US')} times at ${ms(s.meanMs)} ms while those tables were written ${writes.toLocaleString('en-US')} times: a materialized view refreshed after the writes would save about ${Math.round(savedMs / 1000).toLocaleString('en-US')} s of the ${Math.round((s.calls * s.meanMs) / 1000).toLocaleString('en-US')} s it took.`, {
        objects: s.tables.map((x) => ({ kind: 'table' as const, schema: x.schema, name: x.table })),
        evidence: {
          queryid: s.queryid, query: s.query, calls: s.calls, meanMs: ms(s.meanMs), totalMs: Math.round(s.calls * s.meanMs),
          writesByTable: Object.fromEntries(s.tables.map((x) => [`${x.schema}.${x.table}`, x.writes])),
          refreshMsEstimate: ms(s.meanMs), refreshesAtMost: refreshes, savedMsEstimate: Math.round(savedMs),
          view, concurrentRefresh: !!keys, rewrittenQuery: parameters ? null : `SELECT * FROM ${view}`, schedule: schedule ? 'pg_cron' : 'application',
        },
        fixSql,
        help: parameters
          ? 'pg_stat_statements keeps the statement with its constants replaced by $n, so PG Lens cannot write the view: create it from the query in the code (with the filtered columns in its GROUP BY instead of the constants), a unique index on its keys, and read it instead.'
          : `Create the view, then read it (${`SELECT * FROM ${view}`}) where the code ran the statement. Refresh it after the writes to ${tables.join(', ')} — ${schedule ? 'the pg_cron job runs it hourly (change the schedule to the staleness the readers accept)' : "from the application's scheduler (pg_cron is not installed)"}.${keys ? '' : ' Without a unique index on plain columns the refresh cannot run CONCURRENTLY and blocks readers while it runs.'}`,
      }));
    }
    return out.sort((a, b) => (b.evidence.savedMsEstimate as number) - (a.evidence.savedMsEstimate as number)).slice(0, 10);
  },
};

/** The view a REFRESH MATERIALIZED VIEW statement names, as (schema, name); schema undefined when unqualified. */
export function refreshTarget(sql: string): { schema?: string; name: string; concurrently: boolean } | undefined {
  const id = String.raw`("(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
  const m = new RegExp(String.raw`^\s*refresh\s+materialized\s+view\s+(concurrently\s+)?${id}(?:\s*\.\s*${id})?`, 'i').exec(sql);
  if (!m) return undefined;
  const unq = (x: string) => (x.startsWith('"') ? x.slice(1, -1).replace(/""/g, '"') : x.toLowerCase());
  return m[3] ? { schema: unq(m[2]), name: unq(m[3]), concurrently: !!m[1] } : { name: unq(m[2]), concurrently: !!m[1] };
}

function matviewOf(views: readonly MatviewFact[], target: { schema?: string; name: string }): MatviewFact | undefined {
  const same = views.filter((v) => v.name === target.name && (target.schema === undefined || v.schema === target.schema));
  // Unqualified: the one in public, else the only one of that name.
  return target.schema !== undefined ? same[0] : same.find((v) => v.schema === 'public') ?? (same.length === 1 ? same[0] : undefined);
}

function uniqueIndexSql(m: MatviewFact): string[] {
  return m.uniqueColumns.length ? [`CREATE UNIQUE INDEX CONCURRENTLY ON ${qualifiedName(m.schema, m.name)} (${quoteIdent(m.uniqueColumns[0])});`] : [];
}

const refreshCost: HealthCheck = {
  id: 'refresh-cost',
  title: 'Materialized view refresh that costs too much',
  category: 'tables',
  summary: 'A REFRESH MATERIALIZED VIEW that takes long and cannot run CONCURRENTLY (no unique index: readers wait), or a view refreshed more often than it is read.',
  run(f, t) {
    const w = f.workload;
    if (!w?.refreshes) return [];
    const byView = new Map<MatviewFact, { calls: number; totalMs: number }>();
    for (const r of w.refreshes) {
      const target = refreshTarget(r.query);
      const m = target && matviewOf(w.matviews, target);
      if (!m) continue;
      const e = byView.get(m) ?? { calls: 0, totalMs: 0 };
      byView.set(m, { calls: e.calls + r.calls, totalMs: e.totalMs + r.calls * r.meanMs });
    }
    const out: HealthFinding[] = [];
    for (const [m, r] of byView) {
      const meanMs = r.calls ? r.totalMs / r.calls : 0;
      const blocking = meanMs >= t.refreshMinMs && !m.hasUniqueIndex;
      // A view refreshed a few times is not a pattern yet.
      const unread = r.calls >= MIN_REFRESHES && r.calls > m.scans;
      if (!blocking && !unread) continue;
      const name = qualifiedName(m.schema, m.name);
      const why = [
        ...(blocking ? [`takes ${(meanMs / 1000).toFixed(1)} s on average and cannot run CONCURRENTLY (no unique index), so readers wait for it`] : []),
        ...(unread ? [`was refreshed ${r.calls.toLocaleString('en-US')} times but read ${m.scans.toLocaleString('en-US')} times`] : []),
      ];
      out.push(finding(this, blocking ? 'warning' : 'info', `Refreshing ${name} ${why.join(', and ')}.`, {
        objects: [{ kind: 'materialized view', schema: m.schema, name: m.name, oid: m.oid }],
        evidence: { refreshes: r.calls, refreshMeanMs: ms(meanMs), refreshTotalMs: Math.round(r.totalMs), scans: m.scans, sizeBytes: m.sizeBytes, hasUniqueIndex: m.hasUniqueIndex, uniqueColumns: m.uniqueColumns, columnsWithoutStats: m.columnsWithoutStats ?? 0 },
        fixSql: blocking ? [...uniqueIndexSql(m), ...(m.uniqueColumns.length ? [`REFRESH MATERIALIZED VIEW CONCURRENTLY ${name};`] : m.columnsWithoutStats ? [`ANALYZE ${name};`] : [])] : [],
        help: [
          ...(blocking ? [m.uniqueColumns.length
            ? `A unique index on ${quoteIdent(m.uniqueColumns[0])} (unique and never null in pg_stats; the CREATE fails harmlessly if it is not) lets the refresh run CONCURRENTLY, without blocking readers.`
            : m.columnsWithoutStats
              // Missing statistics are not "no unique column" (issue 20 item 6's kind): say what is missing.
              ? `${m.columnsWithoutStats} column${m.columnsWithoutStats === 1 ? '' : 's'} of the view ${m.columnsWithoutStats === 1 ? 'has' : 'have'} no statistics, so PG Lens cannot tell which one is a key: run ANALYZE ${name}, then look again; a unique index on a key column lets the refresh run CONCURRENTLY.`
              : 'No column of the view is unique in pg_stats: add a key to its select list (the GROUP BY columns), a unique index on it, then refresh CONCURRENTLY.'] : []),
          ...(unread ? ['Refresh it less often — when its readers need newer data — or drop it if nothing reads it.'] : []),
        ].join(' '),
      }));
    }
    return out;
  },
};

const staleMaterializedView: HealthCheck = {
  id: 'stale-materialized-view',
  title: 'Materialized view behind its tables',
  category: 'tables',
  summary: 'A materialized view not refreshed for a long time (from the dashboard history) while the tables it reads were written: its readers see old data.',
  run(f, t) {
    const history = f.history ?? [];
    const now = history.length ? history[history.length - 1].atMs : 0;
    const out: HealthFinding[] = [];
    for (const m of f.workload?.matviews ?? []) {
      if (!m.populated || !m.sources.length) continue;
      const writesNow = m.sources.reduce((n, x) => n + x.writes, 0);
      // The oldest snapshot since which the view kept the mark it has now (not refreshed since then).
      let since: { atMs: number; sourceWrites: number } | undefined;
      for (let i = history.length - 1; i >= 0; i--) {
        const v = history[i].matviews?.find((x) => x.schema === m.schema && x.name === m.name);
        if (!v || v.refreshMark !== m.refreshMark) break;
        since = { atMs: history[i].atMs, sourceWrites: v.sourceWrites };
      }
      if (!since) continue;
      const ageSeconds = (now - since.atMs) / 1000;
      const written = writesNow - since.sourceWrites;
      if (ageSeconds < t.staleMvMinSeconds || written <= 0) continue;
      const name = qualifiedName(m.schema, m.name);
      out.push(finding(this, 'warning', `${name} has not been refreshed for at least ${(ageSeconds / 3600).toFixed(1)} h while ${m.sources.map((x) => qualifiedName(x.schema, x.table)).join(', ')} got ${written.toLocaleString('en-US')} row writes.`, {
        objects: [{ kind: 'materialized view', schema: m.schema, name: m.name, oid: m.oid }],
        evidence: { notRefreshedSince: new Date(since.atMs).toISOString(), ageHours: Math.round(ageSeconds / 360) / 10, rowsWrittenSince: written, sources: m.sources.map((x) => `${x.schema}.${x.table}`), snapshotsUsed: history.length, sizeBytes: m.sizeBytes },
        ...relationFix('refresh-materialized-view', m, m.hasUniqueIndex),
        help: `The dashboard's history shows the view unchanged since ${new Date(since.atMs).toISOString()} (${formatBytes(m.sizeBytes)}). Check the job that should refresh it${f.workload?.pgCron ? ' (cron.job_run_details)' : ''}; then schedule the refresh after the writes.`,
      }));
    }
    return out;
  },
};

export const MATVIEW_CHECKS: readonly HealthCheck[] = [materializedViewCandidate, staleMaterializedView, refreshCost];
