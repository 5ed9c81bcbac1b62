/**
 * unbounded-query: a SELECT in application code with no LIMIT over a large table returns every
 * matching row to the application: memory, network and time grow with the table.
 */
import { formatCount } from '../format';
import { type Node } from './ast';
import type { Rule } from './types';

/** Rows at or above which returning everything is a problem. */
export const LARGE_RESULT_ROWS = 1000;
const AGGREGATES = new Set(['count', 'sum', 'avg', 'min', 'max', 'bool_and', 'bool_or', 'every', 'array_agg', 'string_agg', 'json_agg', 'jsonb_agg', 'json_object_agg', 'jsonb_object_agg']);

const isAggregate = (e: Node | undefined): boolean => e?.type === 'call' && AGGREGATES.has(String(e.function?.name?.name ?? e.function?.name).toLowerCase());
const refName = (e: Node | undefined): string | undefined => (e?.type === 'ref' ? String(e.name) : undefined);

/**
 * One row, or one row per group where every column is an aggregate or a grouping key
 * (`SELECT status, count(*) … GROUP BY status`): as many rows as groups, not as table rows.
 */
function isAggregateOnly(s: Node): boolean {
  const cols: Node[] = s.columns ?? [];
  if (!cols.length || !cols.some((c) => isAggregate(c.expr))) return false;
  if (!s.groupBy) return cols.every((c) => isAggregate(c.expr));
  const keys = new Set((s.groupBy as Node[]).map(refName).filter(Boolean));
  return cols.every((c) => isAggregate(c.expr) || (refName(c.expr) !== undefined && keys.has(refName(c.expr))));
}

/** Table names that hold one row or a handful by convention. */
const SMALL_BY_NAME = /(^|_)(schema_version|version|versions|settings?|config|configs|configuration|preferences|idp|identity_providers?|feature_flags|system_settings)$/i;

export const unboundedQuery: Rule = {
  id: 'unbounded-query',
  defaultSeverity: 'info',
  description: 'A SELECT without LIMIT on a large table returns every matching row to the application.',
  docs: 'docs/rules/unbounded-query.md',
  appCodeOnly: true,
  wholeStatement: true,
  check(ctx) {
    let s = ctx.statement as Node;
    if (s.type === 'with') s = s.in;
    if (s?.type !== 'select' || s.limit?.limit || s.limit?.fetch || s.fetch) return [];
    if (isAggregateOnly(s) || !(s.from ?? []).some((f: Node) => f.type === 'table')) return [];
    const tables = (s.from as Node[]).filter((f) => f.type === 'table').map((f) => ctx.table(f.name.name, f.name.schema));
    const planRows = ctx.evidence?.plan?.rows;
    const tableRows = tables.every(Boolean) ? Math.max(...tables.map((t) => t!.rows)) : undefined;
    let rows: number | undefined;
    if (planRows !== undefined) rows = planRows;
    else if (!s.where && tableRows !== undefined && tableRows >= 0) rows = tableRows;
    if (rows !== undefined && rows < LARGE_RESULT_ROWS) return [];
    if (rows === undefined && s.where) return []; // statically, a filtered query gets the benefit of the doubt
    // Statically, tables named for one row or a handful (schema version, settings, configuration) are small.
    if (rows === undefined && (s.from as Node[]).every((f) => f.type !== 'table' || SMALL_BY_NAME.test(String(f.name.name)))) return [];
    return [
      ctx.report({
        at: s.from[0],
        severity: rows !== undefined ? 'warning' : undefined,
        message: rows !== undefined
          ? `No LIMIT: this query returns about ${formatCount(rows)} rows to the application, and more as the table grows.`
          : 'No WHERE and no LIMIT: this query returns every row of the table to the application, and more as the table grows.',
        help: 'Page through the rows with LIMIT and keyset pagination, aggregate in SQL, or stream with a cursor if every row is really needed.',
        evidence: { estimatedRows: rows ?? null },
      }),
    ];
  },
};
