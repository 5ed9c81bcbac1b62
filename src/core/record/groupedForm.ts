/**
 * The batched form of a per-item aggregate (pure): ONE grouped statement over the column that changes per item
 * (person13 P1: CTFd's per-user `sum()` of award values and per-user count were told "joinedload", with placeholders).
 *
 * `SELECT sum(awards.value) AS award_score FROM awards WHERE awards.user_id = $1 LIMIT $2`, sent once per user, is
 * `SELECT awards.user_id, sum(awards.value) AS award_score FROM awards WHERE awards.user_id = ANY($1) GROUP BY
 * awards.user_id` once: `$1` is then the array of every item's value, and each item reads its row by that column (an
 * item with no rows has no row: its count is 0, its other aggregates NULL, as the per-item statement gave). A count of
 * a subquery (SQLAlchemy's and Prisma's `SELECT count(*) FROM (SELECT … WHERE x = $1) AS anon_1`) is the inner block
 * counted and grouped. Only shapes whose grouped form gives the same rows are rewritten: the aggregates of one block
 * with no GROUP BY, HAVING, DISTINCT, ORDER BY or OFFSET (a LIMIT on one aggregated row changes nothing and goes); any
 * other shape gives undefined, and the advice says it in words. A block that already groups by the per-item key (or by
 * a column an equality of its WHERE or of an inner join makes equal to it) gives one row per item too: its grouped form
 * is the same statement over `= ANY($n)` (issue 16 B: CTFd's per-user `sum() … WHERE users.id = $1 GROUP BY
 * solves.user_id` was told "joinedload").
 */
import type { Expr, From, SelectedColumn, SelectStatement } from 'pgsql-ast-parser';
import { parseOne } from '../sql/parse';

/** One aggregate of the select list: its function, its argument (a column name, `*`), its alias. */
export interface Aggregate {
  fn: string;
  arg: string;
  distinct?: boolean;
  alias?: string;
  /** `coalesce(sum(x), 0)`: the default's text, what the per-item statement gave for an item with no rows. */
  fallback?: string;
}

export interface GroupedRewrite {
  /**
   * The grouped statement, its parameters numbered again from $1 (the per-item one now an array: `= ANY($n)`). An
   * existence check per item (`exists`) is `SELECT DISTINCT <column> …`: the items that have a row.
   */
  sql: string;
  /** The per-item statement asked whether a row exists (Sequelize's `hasUser()`, `SELECT 1 … LIMIT 1`): no aggregates. */
  exists?: boolean;
  /** The original parameter number of each of the grouped statement's parameters ($1, $2 … in order). */
  params: number[];
  /** The per-item column as the statement writes it (`awards.user_id`), and its name. */
  key: { text: string; column: string };
  aggregates: Aggregate[];
  /**
   * The per-item statement already grouped by the key (or by a column an inner join or the WHERE makes equal to it:
   * CTFd's `… JOIN users ON solves.user_id = users.id WHERE users.id = $1 GROUP BY solves.user_id`): its grouping as
   * written, and the output column each item's row is read by. Then it gave no row for an item with no rows.
   */
  groupedBy?: { text: string; readBy: string };
}

const AGGREGATES = new Set(['count', 'sum', 'avg', 'min', 'max', 'bool_and', 'bool_or', 'every', 'array_agg', 'string_agg', 'json_agg', 'jsonb_agg']);

type Located = { _location?: { start: number; end: number } };
const loc = (n: unknown) => (n as Located | undefined)?._location;

/** The aggregates of a select-list item (`sum(x)`, `coalesce(sum(x), 0)`), or undefined when it is something else. */
function aggregatesOf(c: SelectedColumn): Aggregate[] | undefined {
  const one = (e: Expr): Aggregate | undefined => {
    if (e.type !== 'call' || e.over || e.filter || e.orderBy) return undefined;
    const fn = e.function.name.toLowerCase();
    if (!AGGREGATES.has(fn) || e.function.schema) return undefined;
    const a = e.args[0];
    const arg = !a ? '*' : a.type === 'ref' ? a.name : undefined;
    if (arg === undefined || e.args.length > (fn === 'string_agg' ? 2 : 1)) return undefined;
    return { fn, arg, ...(e.distinct === 'distinct' ? { distinct: true } : {}), ...(c.alias ? { alias: c.alias.name } : {}) };
  };
  const e = c.expr;
  const direct = one(e);
  if (direct) return [direct];
  // coalesce(sum(x), 0): the aggregate inside, the default beside it.
  if (e.type === 'call' && e.function.name.toLowerCase() === 'coalesce' && e.args.length === 2 && e.args[1].type !== 'call') {
    const inner = one(e.args[0]);
    const d = loc(e.args[1]);
    return inner && d ? [{ ...inner, ...(c.alias ? { alias: c.alias.name } : {}), fallback: `${d.start}:${d.end}` }] : undefined;
  }
  return undefined;
}

/** The top-level AND chain of a WHERE. */
function conjuncts(e: Expr | null | undefined): Expr[] {
  if (!e) return [];
  return e.type === 'binary' && e.op === 'AND' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

/**
 * A plain block: no grouping (but the one `grouped` allows), distinct, ordering, offset, set operation or locking; a
 * WHERE or an inner join's ON to hold the key.
 */
function plainBlock(b: SelectStatement, grouped = false): b is SelectStatement & { type: 'select' } {
  return b.type === 'select' && (grouped || !b.groupBy?.length) && !b.having && !b.distinct && !b.orderBy?.length && !b.limit?.offset && !b.for && !!b.from?.length && (!!b.where || b.from.some((f) => innerOn(f) !== undefined));
}

/** The ON condition of an inner join (where a condition means what it would in the WHERE), else undefined. */
function innerOn(f: From): Expr | undefined {
  return f.join?.type === 'INNER JOIN' && f.join.on ? f.join.on : undefined;
}

/** Open parentheses left at the end of a text, outside quoted names and strings. */
function depthOf(text: string): number {
  let depth = 0;
  let quote = '';
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
  }
  return depth;
}

/**
 * `SELECT <aggregates> …` with the per-item `column = $param`, as one grouped statement (see the file's comment).
 * `exists`: the statement asks whether the item has a row (the caller knows: Sequelize's `has…()` mixin, a `SELECT 1 …
 * LIMIT 1`): its select list and LIMIT go, and `SELECT DISTINCT <column>` lists the items that have one. The key may
 * stand in an inner join's ON (Sequelize's through-table look-ups: `INNER JOIN "Favorites" ON … AND
 * "Favorites"."articleId" = $1`), where it means what it would in the WHERE.
 */
export function groupedRewrite(sql: string, param: number, opts: { exists?: boolean } = {}): GroupedRewrite | undefined {
  const ast = parseOne(sql);
  if (!ast || ast.type !== 'select' || !ast.columns?.length || !ast.from?.length) return undefined;
  if ((sql.match(new RegExp(`\\$${param}(?!\\d)`, 'g')) ?? []).length !== 1) return undefined;
  // GROUP BY one column: allowed when that column is the per-item key (checked below), the select list its aggregates
  // and that column.
  const groupRef = !opts.exists && ast.groupBy?.length === 1 && ast.groupBy[0].type === 'ref' && ast.groupBy[0].name !== '*' ? ast.groupBy[0] : undefined;
  const aggregates: Aggregate[] = [];
  let readBy: string | undefined;
  for (const c of opts.exists ? [] : ast.columns) {
    if (groupRef && c.expr.type === 'ref' && refName(c.expr) === refName(groupRef)) {
      readBy = c.alias?.name ?? c.expr.name;
      continue;
    }
    const a = aggregatesOf(c);
    if (!a) return undefined;
    for (const x of a) {
      const [from, to] = x.fallback?.split(':').map(Number) ?? [];
      aggregates.push(x.fallback ? { ...x, fallback: sql.slice(from, to) } : x);
    }
  }
  const from = ast.from[0];
  let block: SelectStatement;
  if (opts.exists) {
    // Whether a row exists: any LIMIT (1) goes with the select list; grouping or ordering would change what "a row" is.
    if (from.type === 'statement' || ast.groupBy?.length || ast.having || ast.distinct || ast.orderBy?.length || ast.limit?.offset || ast.for) return undefined;
    block = ast;
  } else if (from.type === 'statement' && ast.from.length === 1) {
    // count(*) of a subquery: the inner block counted; its own select list does not matter.
    if (ast.where || ast.groupBy?.length || ast.having || ast.limit || aggregates.some((a) => a.fn !== 'count' || a.arg !== '*')) return undefined;
    block = from.statement;
    if (block.type === 'select' && block.limit && !block.limit.offset && block.limit.limit) return undefined;
  } else {
    if (from.type === 'statement' || (ast.groupBy?.length && (!groupRef || !aggregates.length)) || ast.having || ast.distinct || ast.orderBy?.length || ast.limit?.offset || ast.for) return undefined;
    block = ast;
  }
  if (!plainBlock(block, block === ast && !!groupRef) || (block !== ast && block.limit)) return undefined;
  const isKey = (e: Expr) => e.type === 'binary' && e.op === '=' && [e.left, e.right].some((x) => x.type === 'parameter' && x.name === `$${param}`) && [e.left, e.right].some((x) => x.type === 'ref' && x.name !== '*');
  const keyed = [...conjuncts(block.where), ...block.from!.flatMap((f) => conjuncts(innerOn(f)))].find(isKey);
  if (!keyed || keyed.type !== 'binary') return undefined;
  const ref = keyed.left.type === 'ref' ? keyed.left : keyed.right;
  if (ref.type !== 'ref') return undefined;
  const refAt = loc(ref);
  const keyAt = loc(keyed);
  const fromAt = loc(block.from![0]);
  // Where the block's FROM … WHERE ends: its WHERE, else its last FROM item (with its join's ON).
  const whereAt = block.where ? loc(block.where) : loc(block.from![block.from!.length - 1]);
  const selectAt = loc(ast.columns[0]);
  const selectEnd = loc(ast.columns[ast.columns.length - 1]);
  if (!refAt || !keyAt || !fromAt || !whereAt || !selectAt || !selectEnd || keyAt.start < fromAt.start || keyAt.end > whereAt.end) return undefined;
  // The grouping is on the key: the key itself, or a column an equality of the WHERE or of an inner join's ON makes
  // equal to it (one group per item either way, so each item's row is the one the per-item statement gave).
  if (block === ast && groupRef) {
    const g = refName(groupRef);
    const k = refName(ref);
    const equal = (e: Expr) => e.type === 'binary' && e.op === '=' && e.left.type === 'ref' && e.right.type === 'ref' && [refName(e.left), refName(e.right)].sort().join(' ') === [g, k].sort().join(' ');
    if (g !== k && ![...conjuncts(block.where), ...block.from!.flatMap((f) => conjuncts(innerOn(f)))].some(equal)) return undefined;
  }
  const keyText = sql.slice(refAt.start, refAt.end);
  const fromKw = /\bfrom\s*$/i.exec(sql.slice(0, fromAt.start));
  if (!fromKw) return undefined;
  // The WHERE's parentheses around its whole condition (Django's `WHERE (a = $1 AND b IS NULL)`) close after its end.
  let end = whereAt.end;
  for (let open = depthOf(sql.slice(fromKw.index, end)); open > 0; open--) {
    const m = /^\s*\)/.exec(sql.slice(end));
    if (!m) return undefined;
    end += m[0].length;
  }
  const body = `${sql.slice(fromKw.index, keyAt.start)}${keyText} = ANY($${param})${sql.slice(keyAt.end, end)}`;
  const groupAt = groupRef ? loc(groupRef) : undefined;
  if (groupRef && !groupAt) return undefined;
  const groupText = groupAt ? sql.slice(groupAt.start, groupAt.end) : keyText;
  // Already grouped: the same statement over every item, its group column selected when the list did not hold it.
  const list = sql.slice(selectAt.start, selectEnd.end);
  const grouped = opts.exists ? `SELECT DISTINCT ${keyText} ${body}` : `SELECT ${groupRef && readBy !== undefined ? '' : `${groupText}, `}${list} ${body} GROUP BY ${groupText}`;
  const params: number[] = [];
  const numbered = grouped.replace(/\$(\d+)/g, (_, d: string) => {
    let i = params.indexOf(Number(d));
    if (i < 0) i = params.push(Number(d)) - 1;
    return `$${i + 1}`;
  });
  return { sql: numbered, params, key: { text: keyText, column: ref.name }, aggregates, ...(opts.exists ? { exists: true } : {}), ...(groupRef ? { groupedBy: { text: groupText, readBy: readBy ?? groupRef.name } } : {}) };
}

/** A column reference as `table.column` (`.column` unqualified), to compare two. */
function refName(r: Expr & { type: 'ref' }): string {
  return `${r.table?.name ?? ''}.${r.name}`;
}
