/**
 * not-in-subquery: `x NOT IN (SELECT y …)` returns NO rows at all as soon as the subquery yields one
 * NULL (x NOT IN (1, NULL) is NULL, never true), and PostgreSQL cannot turn it into an anti-join, so it
 * becomes a per-row subplan or a hashed subplan that must fit work_mem. NOT EXISTS has neither problem.
 */
import { atOperators, conjunctsOf, ctesOf, ident, nodeEnd, resolveColumn, stripCasts, type Node } from './ast';
import type { Fix } from '../findings';
import type { Rule, StatementContext } from './types';

const NOT_IN = new Set(['NOT IN']);

export const notInSubquery: Rule = {
  id: 'not-in-subquery',
  defaultSeverity: 'warning',
  description: 'NOT IN (SELECT …) returns nothing when the subquery yields a NULL and cannot be planned as an anti-join; use NOT EXISTS.',
  check: atOperators(NOT_IN, (n, info, ctx) => {
    if (n.right?.type !== 'select') return undefined;
    const sub = n.right as Node;
    // `(a, b) NOT IN (SELECT * FROM unnest($1, $2))`: the subquery reads no table, only values the caller passes. It is
    // the caller's list, as `x <> ALL($1)` is: PostgreSQL hashes it once, and a NULL is there only if the caller puts one in.
    if (readsOnlyParameters(sub)) {
      return ctx.report({
        at: n,
        severity: 'info',
        message: 'NOT IN over values the statement is given (no table is read): a NULL among them would make it match nothing; a problem only if the caller can pass one.',
        help: 'Filter NULLs out of the list before binding it, or write NOT EXISTS (SELECT 1 FROM unnest(…) AS v(x) WHERE v.x = outer.col).',
        evidence: { subqueryColumnNullable: null, subqueryReadsTable: false },
      });
    }
    const item = sub.columns?.length === 1 ? (sub.columns[0].expr as Node) : undefined;
    const subTables = (sub.from ?? []).filter((f: Node) => f.type === 'table');
    // Is the subquery's column declared NOT NULL? Then only the planning problem remains.
    let nullable: boolean | undefined;
    // The subquery's table and column as written (for the schema files' NOT NULL, read where no database is given).
    let subColumn: { table: string; column: string } | undefined;
    let cteFiltered = false;
    let base: CteColumnSource | undefined;
    if (item?.type === 'ref' && subTables.length) {
      const scope = { tables: subTables.map((f: Node) => ({ name: f.name.name, schema: f.name.schema, alias: f.name.alias ?? f.name.name })), parent: info.scope };
      const owner = subTables.length === 1 ? subTables[0] : subTables.find((f: Node) => item.table?.name && (f.name.alias ?? f.name.name) === item.table.name);
      if (owner && item.name !== '*') subColumn = { table: String(owner.name.name), column: String(item.name) };
      // The subquery reads a CTE of the statement: the column it takes is a column of the CTE's own table when the CTE
      // selects it plainly from one (`WITH names AS (SELECT DISTINCT dataset_uuid, name FROM dataset_symlinks WHERE NOT
      // is_primary) … NOT IN (SELECT name FROM names)`), and the CTE's WHERE narrows it as the subquery's own would.
      const cte = subColumn && !owner.name.schema ? ctesOf(ctx.statement as Node).get(subColumn.table.toLowerCase()) : undefined;
      base = cte ? cteColumnSource(cte, subColumn!.column) : undefined;
      if (base) {
        subColumn = { table: base.table, column: base.column };
        cteFiltered = base.filtered;
        if (base.notNull) nullable = false;
      }
      const col = nullable === false ? undefined : resolveColumn(item, scope, ctx.evidence);
      if (col?.column) nullable = !col.column.notNull;
      // Without a catalog: `id` is by convention the primary key (NOT NULL); so is `id` of a CTE built from one.
      else if (nullable === undefined && String(item.name).toLowerCase() === 'id') nullable = false;
    }
    // `SELECT job_queue_id FROM jobs WHERE job_queue_id IS NOT NULL`: the subquery drops its NULLs itself, so only the
    // planning problem remains. Over the whole table otherwise (no other condition) it keeps its warning: NOT IN hashes
    // every row of it on each run, where NOT EXISTS probes an index.
    // A CTE's INSERT … RETURNING of a column the insert fills with a primary key's `id`: no NULL, and a note only when the
    // set is narrowed (the rows one statement writes are).
    let severity: 'info' | undefined = nullable === false && (!base?.notNull || cteFiltered || !!sub.where) ? 'info' : undefined;
    if (nullable !== false && item?.type === 'ref' && sub.where) {
      const conds = conjunctsOf(sub.where);
      const dropsNulls = conds.some((c) => c.type === 'unary' && String(c.op).toUpperCase() === 'IS NOT NULL' && sameColumn(c.operand, item));
      if (dropsNulls) {
        nullable = false;
        severity = conds.length > 1 ? 'info' : undefined;
      }
    }
    // `SELECT ie.instance_id FROM instances ii JOIN executions ie ON ii.instance_id = ie.instance_id WHERE ie.status IN (…)`:
    // the subquery's own inner join (or WHERE) compares its column with `=`, which a NULL never satisfies, so no NULL
    // reaches the list, whatever the column's declaration (issue 14, session 26: Fineract's Spring Batch checks, whose
    // NOT NULL lives in a library's DDL). Narrowed by a WHERE as well, only the planning problem of a small list remains.
    if (nullable !== false && item?.type === 'ref' && equatedInSubquery(sub, item)) {
      nullable = false;
      severity = sub.where ? 'info' : undefined;
    }
    const fix = notExistsFix(ctx, n, sub, item);
    return ctx.report({
      at: n,
      severity,
      message:
        nullable === false
          ? 'NOT IN (SELECT …) cannot be planned as an anti-join (a subplan per row, or a hashed subplan that must fit in work_mem); NOT EXISTS can.'
          : 'NOT IN (SELECT …) returns no rows at all if the subquery yields a single NULL, and cannot be planned as an anti-join; use NOT EXISTS.',
      help: 'Rewrite as NOT EXISTS (SELECT 1 FROM … WHERE inner.col = outer.col): correct with NULLs and planned as a Hash/Merge Anti Join.',
      fixes: fix ? [fix] : [],
      evidence: { subqueryColumnNullable: nullable ?? null, ...(subColumn ? { subqueryTable: subColumn.table, subqueryColumn: subColumn.column, subqueryFiltered: !!sub.where || cteFiltered } : {}) },
    });
  }, 'anywhere'),
};

export interface CteColumnSource {
  table: string;
  column: string;
  /** The CTE's rows are narrowed: its WHERE, or the rows one INSERT writes. */
  filtered: boolean;
  /** The value is known not to be NULL whatever the table declares (an INSERT fills it from a primary key's `id`). */
  notNull?: boolean;
}

/**
 * The table and column a CTE's output `column` plainly selects from its one table, and whether its WHERE narrows it. A
 * data-modifying CTE's `RETURNING` names a column of the table it writes (`refill AS (UPDATE "RateLimit" rl SET … WHERE
 * … RETURNING rl.key)`): that column, narrowed by the UPDATE's or DELETE's WHERE; an INSERT's rows are the ones this
 * statement writes, and a column it fills from a primary key's `id` (`INSERT INTO messages (cycle_id) SELECT cycle.id FROM
 * cycles cycle … RETURNING cycle_id`) is not NULL whatever the table declares.
 */
export function cteColumnSource(cte: Node, column: string): CteColumnSource | undefined {
  const want = column.toLowerCase();
  if (cte?.type === 'update' || cte?.type === 'delete' || cte?.type === 'insert') {
    const target: Node | undefined = cte.type === 'update' ? cte.table : cte.type === 'delete' ? cte.from : cte.into;
    if (!target?.name) return undefined;
    // An unqualified name of an UPDATE … FROM (or DELETE … USING) could be the other table's.
    const others = cte.type === 'update' ? !!cte.from : cte.type === 'delete' ? !!cte.using : false;
    const ofTarget = (e: Node) => (e.table?.name ? e.table.name === (target.alias ?? target.name) : !others);
    for (const r of (cte.returning ?? []) as Node[]) {
      const e = stripCasts(r.expr as Node);
      const name = r.alias?.name ?? (e?.type === 'ref' ? e.name : undefined);
      if (e?.type !== 'ref' || e.name === '*' || String(name).toLowerCase() !== want || !ofTarget(e)) continue;
      if (cte.type !== 'insert') return { table: String(target.name), column: String(e.name), filtered: !!cte.where };
      return { table: String(target.name), column: String(e.name), filtered: true, notNull: !cte.onConflict && insertedFromId(cte, String(e.name)) };
    }
    return undefined;
  }
  const tables = (cte?.type === 'select' ? cte.from ?? [] : []).filter((f: Node) => f.type === 'table');
  if (cte?.type !== 'select' || tables.length !== 1 || (cte.from ?? []).length !== 1 || cte.groupBy) return undefined;
  for (const c of (cte.columns ?? []) as Node[]) {
    const e = stripCasts(c.expr as Node);
    const name = c.alias?.name ?? (e?.type === 'ref' ? e.name : undefined);
    if (e?.type === 'ref' && e.name !== '*' && String(name).toLowerCase() === want) return { table: String(tables[0].name.name), column: String(e.name), filtered: !!cte.where };
  }
  return undefined;
}

/**
 * Does `INSERT INTO t (…, column, …) SELECT …, x.id, … FROM …` fill `column` with the `id` (by convention the primary key,
 * never NULL) of a FROM item no outer join can leave empty?
 */
function insertedFromId(insert: Node, column: string): boolean {
  const source: Node | undefined = insert.insert;
  const names = ((insert.columns ?? []) as Node[]).map((c) => String(c?.name ?? '').toLowerCase());
  const at = names.indexOf(column.toLowerCase());
  if (source?.type !== 'select' || at < 0 || (source.columns ?? []).length !== names.length) return false;
  const e = stripCasts(source.columns[at].expr as Node);
  if (e?.type !== 'ref' || String(e.name).toLowerCase() !== 'id') return false;
  const from = (source.from ?? []) as Node[];
  if (from.some((f) => /RIGHT|FULL/i.test(String(f.join?.type ?? '')))) return false;
  const owner = e.table?.name ? from.find((f) => f.type === 'table' && (f.name.alias ?? f.name.name) === e.table.name) : from.length === 1 ? from[0] : undefined;
  return owner?.type === 'table' && (!owner.join || /^(INNER JOIN|JOIN)$/i.test(String(owner.join.type ?? 'JOIN')));
}

/** A subquery whose FROM is only set-returning calls over parameters and literals (`unnest($1, $2)`), with no WHERE reading a table. */
function readsOnlyParameters(sub: Node): boolean {
  const from: Node[] = sub.from ?? [];
  if (sub.where || sub.groupBy) return false;
  const value = (a: Node) => {
    const x = stripCasts(a);
    return x?.type === 'parameter' || x?.type === 'array' || x?.type === 'string' || x?.type === 'integer' || x?.type === 'numeric';
  };
  const callOfValues = (f: Node) => f?.type === 'call' && (f.args ?? []).length > 0 && (f.args as Node[]).every(value);
  // `elem NOT IN (SELECT unnest($2::TEXT[]))`: no FROM, the select list unnests what the caller passes (rules-n: NodeBB's listRemoveAll).
  if (!from.length) return (sub.columns ?? []).length > 0 && (sub.columns as Node[]).every((c) => callOfValues(stripCasts(c.expr)) || value(c.expr));
  return from.every(callOfValues);
}

/**
 * Does the subquery compare `item` with `=` in its WHERE's ANDed conditions or in an inner join's ON (`ii.id = ie.id`)?
 * Then every row it returns has a non-NULL `item`. An outer join's ON keeps unmatched rows, so it does not count.
 */
function equatedInSubquery(sub: Node, item: Node): boolean {
  const ons = ((sub.from ?? []) as Node[]).filter((f) => f.join?.on && /^(INNER JOIN|JOIN)$/i.test(String(f.join.type ?? 'JOIN'))).map((f) => f.join.on as Node);
  const conds = [...(sub.where ? conjunctsOf(sub.where) : []), ...ons.flatMap((on) => conjunctsOf(on))];
  return conds.some((c) => c.type === 'binary' && c.op === '=' && (sameColumn(c.left, item) || sameColumn(c.right, item)));
}

/** `job_queue_id` and `jobs.job_queue_id` (or the reverse): the same column, as far as the text says. */
function sameColumn(a: Node | undefined, b: Node): boolean {
  const x = stripCasts(a as Node);
  if (x?.type !== 'ref' || b.type !== 'ref' || x.name !== b.name) return false;
  return !x.table?.name || !b.table?.name || x.table.name === b.table.name;
}

/**
 * `a.x NOT IN (SELECT t.y FROM t WHERE c)` → `NOT EXISTS (SELECT 1 FROM t WHERE (c) AND t.y = a.x)`.
 * Only when both sides are plain columns and the outer one is qualified (an unqualified name could be
 * captured by the subquery's tables), and the subquery is a plain SELECT over one table.
 */
function notExistsFix(ctx: StatementContext, n: Node, sub: Node, item: Node | undefined): Fix | undefined {
  const left = n.left as Node;
  if (left?.type !== 'ref' || !left.table?.name || item?.type !== 'ref' || item.name === '*') return undefined;
  if (sub.groupBy || sub.having || sub.limit || sub.distinct || sub.orderBy || (sub.from ?? []).length !== 1 || sub.from[0].type !== 'table') return undefined;
  const t = sub.from[0].name as Node;
  const q = t.alias ?? t.name;
  if (q === left.table.name) return undefined; // same alias inside and out: ambiguous
  const inner = item.table?.name ? ctx.textOf(item) : `${ident(q)}.${ident(item.name)}`;
  const fromText = `${t.schema ? `${ident(t.schema)}.` : ''}${ident(t.name)}${t.alias ? ` ${ident(t.alias)}` : ''}`;
  const where = sub.where ? `(${ctx.textOf(sub.where)}) AND ` : '';
  const newText = `NOT EXISTS (SELECT 1 FROM ${fromText} WHERE ${where}${inner} = ${ctx.textOf(left)})`;
  const edit = ctx.replace(n._location!.start, nodeEnd(ctx.sql, n), newText);
  return edit ? { title: 'Rewrite as NOT EXISTS', edits: [edit] } : undefined;
}

