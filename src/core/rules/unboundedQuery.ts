/**
 * unbounded-query: a SELECT in application code with no LIMIT over a large table returns every
 * matching row to the application: memory, network and time grow with the table.
 */
import { formatCount } from '../format';
import { containsAggregate, ctesOf, walk, type Node } from './ast';
import type { Rule } from './types';

/** Rows at or above which returning everything is a problem. */
const LARGE_RESULT_ROWS = 1000;
const refName = (e: Node | undefined): string | undefined => (e?.type === 'ref' ? String(e.name) : undefined);

/**
 * One row, or one row per group where every column is an aggregate or a grouping key
 * (`SELECT status, count(*) … GROUP BY status`): as many rows as groups, not as table rows.
 */
/** Does a WHERE hold a CASE, or a condition that tests no column at all (`$1 = ''`, `$2::text IS NULL`)? */
function guessedByPlanner(where: Node): boolean {
  let guessed = false;
  const hasColumn = (n: unknown, depth = 0): boolean => {
    if (!n || typeof n !== 'object' || depth > 60) return false;
    if (Array.isArray(n)) return n.some((x) => hasColumn(x, depth + 1));
    const node = n as Node;
    if (node.type === 'ref') return true;
    return Object.entries(node).some(([k, v]) => k !== '_location' && hasColumn(v, depth + 1));
  };
  const visit = (n: Node | undefined, depth = 0): void => {
    if (!n || guessed || depth > 60) return;
    if (n.type === 'case') {
      guessed = true;
      return;
    }
    if (n.type === 'binary' && /^(AND|OR)$/i.test(String(n.op))) {
      visit(n.left, depth + 1);
      visit(n.right, depth + 1);
      return;
    }
    if (n.type === 'unary' && /^NOT$/i.test(String(n.op))) return visit(n.operand, depth + 1);
    if (!hasColumn(n)) guessed = true;
    else for (const v of Object.values(n)) if (v && typeof v === 'object' && (v as Node).type === 'case') guessed = true;
  };
  visit(where);
  return guessed;
}

function isAggregateOnly(s: Node): boolean {
  const cols: Node[] = s.columns ?? [];
  if (!cols.length || !cols.some((c) => aggregated(c.expr))) return false;
  // Without GROUP BY, one aggregate in the list makes the result one row (`SELECT COALESCE(SUM(total), 0) FROM t`,
  // rules-x: RoboDanny's emoji totals), unless a window function (`count(*) OVER ()`) keeps every row.
  if (!s.groupBy) return !cols.some((c) => windowed(c.expr));
  const keys = new Set((s.groupBy as Node[]).map(refName).filter(Boolean));
  return cols.every((c) => aggregated(c.expr) || (refName(c.expr) !== undefined && keys.has(refName(c.expr))));
}

/** An expression computed from an aggregate (`sum(a)`, `COALESCE(SUM(total), 0)`, `max(a) - min(a)`), no window function in it. */
function aggregated(e: Node | undefined): boolean {
  return containsAggregate(e) && !windowed(e);
}

/** Does the expression call a window function (`count(*) OVER ()`, `row_number() OVER (…)`), outside subqueries? */
function windowed(e: Node | undefined): boolean {
  let found = false;
  if (e)
    walk(e, (x) => {
      if (found || x.type === 'select') return false;
      if (x.type === 'call' && x.over) found = true;
    });
  return found;
}

/** Table names that hold one row or a handful by convention. */
const SMALL_BY_NAME = /(^|_)(schema_version|version|versions|settings?|config|configs|configuration|preferences|idp|identity_providers?|feature_flags|system_settings)$/i;

const isParamOrSubquery = (e: Node | undefined): boolean => e?.type === 'parameter' || e?.type === 'select' || e?.type === 'with' || (e?.type === 'cast' && isParamOrSubquery(e.operand));

/** An ON condition that pins the join to a parameter or a scalar subquery (`… AND a.slug = $1`): a filter like WHERE. */
function pinned(on: Node | undefined): boolean {
  if (!on || on.type !== 'binary') return false;
  if (on.op === 'AND') return pinned(on.left) || pinned(on.right);
  return (on.op === '=' || on.op === 'IN') && (isParamOrSubquery(on.left) || isParamOrSubquery(on.right));
}

/**
 * Rows a CTE can give are bounded: a write (INSERT/UPDATE/DELETE … RETURNING gives the rows it
 * wrote), or a SELECT that is limited, filtered, aggregated or reads no table of its own.
 */
function boundedCte(q: Node | undefined, ctes: Map<string, Node>, depth = 0): boolean {
  if (!q || depth > 8) return false;
  if (q.type === 'insert' || q.type === 'update' || q.type === 'delete' || q.type === 'values') return true;
  if (q.type === 'union' || q.type === 'union all') return boundedCte(q.left, ctes, depth + 1) && boundedCte(q.right, ctes, depth + 1);
  if (q.type !== 'select') return false;
  if (q.limit?.limit || q.limit?.fetch || q.where || isAggregateOnly(q)) return true;
  const tables = (q.from ?? []).filter((f: Node) => f.type === 'table');
  return tables.every((f: Node) => ctes.has(String(f.name.name).toLowerCase()) && boundedCte(ctes.get(String(f.name.name).toLowerCase()), ctes, depth + 1));
}

export const unboundedQuery: Rule = {
  id: 'unbounded-query',
  defaultSeverity: 'info',
  description: 'A SELECT without LIMIT on a large table returns every matching row to the application.',
  appCodeOnly: true,
  wholeStatement: true,
  check(ctx) {
    let s = ctx.statement as Node;
    const ctes = ctesOf(s);
    if (s.type === 'with') s = s.in;
    if (s?.type !== 'select' || s.limit?.limit || s.limit?.fetch || s.fetch) return [];
    // A CTE of the statement is not a table: the rows it gives are bounded when it is (a write, a filtered SELECT…).
    const from = ((s.from ?? []) as Node[]).filter((f) => f.type !== 'table' || !(ctes.has(String(f.name.name).toLowerCase()) && boundedCte(ctes.get(String(f.name.name).toLowerCase()), ctes)));
    if (isAggregateOnly(s) || !from.some((f: Node) => f.type === 'table')) return [];
    // Driven by a bounded CTE or a subquery/function (`FROM sel LEFT JOIN roles r ON …`): tables joined
    // to it by a condition add columns to its rows, not rows of their own.
    const all = (s.from ?? []) as Node[];
    if (all.length > 1 && !from.includes(all[0]) && all.slice(1).every((f) => f.join?.on)) return [];
    // An inner join pinned to a parameter (`JOIN articles a ON c.article_id = a.id AND a.slug = $1`) filters like WHERE.
    const joinFilter = ((s.from ?? []) as Node[]).some((f) => (f.join?.type === 'INNER JOIN' || f.join?.type === 'JOIN') && pinned(f.join.on));
    if (joinFilter) s = { ...s, where: s.where ?? { type: 'boolean', value: true } };
    const tables = (from as Node[]).filter((f) => f.type === 'table').map((f) => ctx.table(f.name.name, f.name.schema));
    const planRows = ctx.evidence?.plan?.rows;
    const tableRows = tables.every((t) => t?.rows !== undefined) ? Math.max(...tables.map((t) => t!.rows!)) : undefined;
    // The planner's figures for a never-analysed table are estimated from its size: say so.
    const neverAnalysed = tables.filter((t) => t && !t.analysed).map((t) => t!.name);
    let rows: number | undefined;
    // A WHERE the planner has no statistics for (a CASE choosing the column, a test of a parameter alone:
    // `CASE WHEN $1 > 0 THEN id = $1 ELSE email = $2 END`) is estimated with default selectivities: its row
    // figure is a guess, not evidence. The statement is then judged as without a database (a filtered query is
    // given the benefit of the doubt).
    if (planRows !== undefined && !(s.where && guessedByPlanner(s.where))) rows = planRows;
    else if (!s.where && tableRows !== undefined && tableRows >= 0) rows = tableRows;
    if (rows !== undefined && rows < LARGE_RESULT_ROWS) return [];
    if (rows === undefined && s.where) return []; // statically, a filtered query gets the benefit of the doubt
    // Statically, tables named for one row or a handful (schema version, settings, configuration) are small.
    if (rows === undefined && from.every((f) => f.type !== 'table' || SMALL_BY_NAME.test(String(f.name.name)))) return [];
    return [
      ctx.report({
        at: from.find((f) => f.type === 'table') ?? s.from[0],
        // Without a catalog or a plan the table's size is a guess: a hint only (measured on real apps,
        // most unlimited reads of unknown tables were small by nature: admin users, one-row views).
        severity: rows !== undefined ? 'warning' : 'hint',
        message: rows !== undefined
          ? `No LIMIT: this query returns about ${formatCount(rows)} rows to the application, and more as the table grows${neverAnalysed.length ? ` (estimated from the size of ${neverAnalysed.join(', ')}: never analysed)` : ''}.`
          : 'No WHERE and no LIMIT: this query returns every row of the table to the application, and more as the table grows.',
        help: 'Page through the rows with LIMIT and keyset pagination, aggregate in SQL, or stream with a cursor if every row is really needed.',
        evidence: { estimatedRows: rows ?? null, ...(rows !== undefined && neverAnalysed.length ? { neverAnalysed } : {}) },
      }),
    ];
  },
};
