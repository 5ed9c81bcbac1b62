/**
 * offset-pagination: OFFSET n makes PostgreSQL produce and throw away n rows on every page, so
 * page 1000 costs 1000 pages. A large or variable OFFSET is the signature of offset pagination;
 * keyset pagination (WHERE (sort key) > (last seen key) ORDER BY … LIMIT …) costs the same on every page.
 */
import { formatCount } from '../format';
import { closeParens, collectNodes, conjunctsOf, containsAggregate, ident, intValue, stripCasts, type Node } from './ast';
import type { Rule, StatementContext } from './types';
import type { Finding } from '../findings';
import { rowsPhrase, type TableFacts } from '../catalogFacts';
import { configurationKind, configurationNote } from './configTable';
import { tableSize, unprovedSize } from './sizeEvidence';

/** A literal OFFSET at or above this is "large". */
const LARGE_OFFSET = 1000;
/** With evidence, tables below this many rows are too small to matter. */
const SMALL_TABLE_ROWS = 1000;
/** PostgreSQL's built-in set-returning functions over a value: a FROM of these alone reads no table. */
const VALUE_SET_FUNCTIONS = new Set(['unnest', 'generate_series', 'generate_subscripts', 'jsonb_array_elements', 'jsonb_array_elements_text', 'json_array_elements', 'json_array_elements_text', 'jsonb_each', 'jsonb_each_text', 'json_each', 'json_each_text', 'jsonb_object_keys', 'json_object_keys', 'jsonb_to_recordset', 'json_to_recordset', 'regexp_split_to_table', 'string_to_table', 'regexp_matches']);

export const offsetPagination: Rule = {
  id: 'offset-pagination',
  defaultSeverity: 'warning',
  description: 'A large or variable OFFSET reads and discards every skipped row; use keyset pagination.',
  check(ctx) {
    // Every SELECT that pages, at any depth: the statement itself, the final SELECT of a `WITH … SELECT`, a CTE's body, or
    // a subquery that picks one page of keys (`WHERE uuid IN (SELECT uuid … LIMIT 10 OFFSET :offset)`).
    return collectNodes(ctx.statement as Node, (n) => (n.type === 'select' && n.limit?.offset ? n : undefined)).flatMap((s) => checkPage(ctx, s));
  },
};

/** The finding for one SELECT that has an OFFSET, if it pages. */
function checkPage(ctx: StatementContext, s: Node): Finding[] {
  const offset: Node = s.limit.offset;
  const literal = intValue(offset);
  if (literal !== undefined && literal < LARGE_OFFSET) return [];
  // `ARRAY(SELECT m FROM UNNEST(l.array) WITH ORDINALITY m(m, i) ORDER BY i LIMIT n OFFSET $2)`: the OFFSET slices a value
  // (one row's array, a JSON array, a series) in memory, not rows of a table (rules-n: NodeBB's lists, five false warnings).
  const from: Node[] = s.from ?? [];
  if (from.length > 0 && from.every((f) => f.type === 'call' && VALUE_SET_FUNCTIONS.has(String(f.function?.name ?? '').toLowerCase()))) return [];
  const tables = (s.from ?? []).filter((f: Node) => f.type === 'table').map((f: Node) => ctx.table(f.name.name, f.name.schema));
  const sized = tableSize(tables, SMALL_TABLE_ROWS);
  if (sized.size === 'small') return [];
  const largest: TableFacts | undefined = sized.size === 'large' ? sized.largest : undefined;
  const maxRows = largest?.rows;
  const rewritten = keysetRewrite(ctx, s);
  const what = literal !== undefined ? `OFFSET ${literal}` : `OFFSET ${ctx.textOf(offset)}`;
  // Without the table's size, a WHERE that keeps only the rows the caller names by key is evidence of a short list.
  const keys = maxRows === undefined ? namedByKeys(ctx, s.where, s) : undefined;
  // `GROUP BY page ORDER BY count(*) DESC LIMIT n OFFSET m`: a ranking by an aggregate. Every page computes every group
  // before it can sort them, and no index gives that order, so keyset paging would not avoid the work: the skipped
  // groups are not what it costs.
  const ranking = !keys ? aggregateSortKey(ctx, s) : undefined;
  // `LIMIT 1 OFFSET n`: the one row at position n (where a batch of n rows ends, a pick), read once per batch — not a
  // page of rows the caller walks through.
  const oneRow = !keys && !ranking && intValue(s.limit?.limit) === 1;
  // Without the table's size, a driving table whose name says configuration rows (`FROM custom_field_definitions`).
  const driving: Node | undefined = (s.from ?? []).find((f: Node) => f.type === 'table');
  const configKind = maxRows === undefined && !keys && !ranking && !oneRow ? configurationKind(driving?.name?.name) : undefined;
  const configTable = configKind ? String(driving!.name.name) : undefined;
  // How long the list gets decides whether OFFSET matters, and only two things here show it: the table's size from a
  // connected database (≥ 1,000 rows: warned above), or a literal OFFSET of 1,000 or more (the code itself skips that
  // many rows). Without either, the page is unproved: a note that says so, not a warning (issue 14, session 25: of the
  // labelled corpus's 236 OFFSET warnings given without a database, 75 were small lists — whole tables of tens of rows,
  // one parent's few children — and nothing in the code told them from the growing ones).
  const unproved = maxRows === undefined && literal === undefined && !keys && !ranking && !oneRow && !configTable;
  const help = rewritten.sql
    ? `Use keyset pagination: remember the last row's sort key and ask for the rows after it:\n${rewritten.sql}${rewritten.note ? `\n${rewritten.note}` : ''}`
    : `Use keyset pagination: ORDER BY a unique key and filter WHERE key > the last key seen, with LIMIT. ${rewritten.note ?? ''}`.trim();
  return [
    ctx.report({
      at: offset,
      ...(keys || ranking || oneRow || configTable || unproved ? { severity: 'info' as const } : {}),
      message: unproved
        ? `${what} pages this list: each page reads and discards the rows before it, so deep pages cost more and more. ${unprovedSize('How long the list gets', 'a problem once it holds thousands of rows')}, or page by key.`
        : configTable
        ? `${what} pages ${configTable}: ${configurationNote(configKind!)}`
        : oneRow
        ? `LIMIT 1 ${what} reads the one row at a position (where a batch of that many rows ends): it reads and discards the rows before it each time, fine once per batch; a problem only if it pages through a list one row at a time.`
        : keys
        ? `${what} pages only the rows named by ${keys} here: a problem only if that list is long (deep pages read and discard every skipped row).`
        : ranking
        ? `${what} pages a ranking by an aggregate (${ranking}): every page computes every group first and no index gives that order, so keyset pagination would not save the work; the cost is the aggregation, not the skipped groups.`
        : `${what} makes PostgreSQL read and discard ${literal !== undefined ? formatCount(literal) : 'all skipped'} rows on every page; deep pages get slower and slower${largest && maxRows! > 0 ? ` (the table has ${rowsPhrase(largest)})` : ''}.`,
      help,
      // keysetParams: the parameters that take the last row's sort key (a mapper file names them after its column).
      evidence: { offset: literal ?? ctx.textOf(offset), ...(keys ? { namedBy: keys } : {}), ...(ranking ? { rankedBy: ranking } : {}), ...(oneRow ? { oneRow: true } : {}), ...(configTable ? { configurationTable: configTable } : {}), ...(unproved ? { size: 'unproved' } : {}), rewrittenSql: rewritten.sql, ...(rewritten.keys ? { keysetParams: rewritten.keys } : {}), tableRows: maxRows, ...(largest && !largest.analysed ? { neverAnalysed: true } : {}) },
    }),
  ];
}

/**
 * `bbid IN $1`, `id = ANY($1)`, `id IN ($1, $2)`: a condition ANDed into the WHERE that keeps only the rows whose keys the
 * caller passes (a list it holds). The column as written, or undefined.
 */
function namedByKeys(ctx: StatementContext, where: Node | undefined, s: Node): string | undefined {
  const param = (x: Node | undefined) => x?.type === 'parameter';
  // The keys name the paged rows only if those rows are of the keyed table: `FROM legacy_object o JOIN legacy_zset z ON
  // o._key = z._key WHERE o._key = ANY($1)` selecting only z's columns names sets, and each set's members are the page
  // (rules-n: NodeBB's sorted sets — a category's topics, a user's posts).
  const selected = new Set<string>();
  let unqualified = false;
  for (const c of (s.columns ?? []) as Node[]) {
    for (const r of collectNodes(c.expr as Node, (n) => (n.type === 'ref' ? n : undefined))) {
      if (r.table?.name) selected.add(String(r.table.name).toLowerCase());
      else unqualified = true;
    }
  }
  const joined = (s.from ?? []).length > 1 || (s.from ?? []).some((f: Node) => f.join);
  // Keys, not categories: `readable_status = ANY($2)` picks statuses, and a status matches any number of rows.
  const key = (x: Node) => {
    const r = stripCasts(x);
    if (r?.type !== 'ref' || !/(?:id|uuid|key)$/i.test(String(r.name))) return false;
    return !(joined && !unqualified && r.table?.name && selected.size > 0 && !selected.has(String(r.table.name).toLowerCase()));
  };
  for (const c of conjunctsOf(where)) {
    if (c.type !== 'binary' || !key(c.left)) continue;
    if (c.type === 'binary' && String(c.op).toUpperCase() === 'IN' && stripCasts(c.left)?.type === 'ref') {
      const r = c.right as Node;
      if (param(r) || (r?.type === 'list' && (r.expressions ?? []).length > 0 && (r.expressions as Node[]).every((e) => param(stripCasts(e))))) return ctx.textOf(c.left);
    }
    if (c.type === 'binary' && c.op === '=' && stripCasts(c.left)?.type === 'ref' && stripCasts(c.right)?.type === 'call' && /^any$/i.test(String(stripCasts(c.right).function?.name)) && param(stripCasts(stripCasts(c.right).args?.[0]))) return ctx.textOf(c.left);
  }
  return undefined;
}

/**
 * The first ORDER BY key, when it is an aggregate: written out (`count(*) DESC`), named by its output column
 * (`ORDER BY visitors` with `count(DISTINCT session_id) AS visitors`) or by its position (`ORDER BY 2`). Its text, or undefined.
 */
function aggregateSortKey(ctx: StatementContext, s: Node): string | undefined {
  const first = (s.orderBy ?? [])[0]?.by as Node | undefined;
  if (!first) return undefined;
  const columns: Node[] = s.columns ?? [];
  let expr: Node | undefined = first;
  const pos = intValue(first);
  if (pos !== undefined) expr = columns[pos - 1]?.expr;
  else if (first.type === 'ref' && !first.table) {
    const named = columns.find((c) => c.alias?.name !== undefined && String(c.alias.name).toLowerCase() === String(first.name).toLowerCase());
    if (named) expr = named.expr;
  }
  return expr && containsAggregate(expr) ? ctx.textOf(first) : undefined;
}

/** The statement rewritten for keyset pagination, with new $n parameters for the last key seen. */
function keysetRewrite(ctx: StatementContext, s: Node): { sql?: string; note?: string; keys?: { param: string; column: string }[] } {
  const order: Node[] = s.orderBy ?? [];
  if (!order.length) return { note: 'The query has no ORDER BY, so its pages are not even stable: order by a unique key first.' };
  if (s.groupBy || s.having || s.distinct || s.type !== 'select') return { note: 'Keyset pagination of a grouped or DISTINCT query needs the grouping key as the sort key.' };
  const aliases = new Set((s.columns ?? []).map((c: Node) => c.alias?.name).filter(Boolean));
  const keys: { text: string; desc: boolean }[] = [];
  for (const o of order) {
    const by = o.by as Node;
    if (by?.type !== 'ref' || aliases.has(by.name) || by.name === '*') return { note: 'Sort by plain columns to paginate by key.' };
    if (o.nulls) return { note: 'NULLS FIRST/LAST sort keys need an explicit NULL branch in the keyset condition.' };
    keys.push({ text: ctx.textOf(by), desc: String(o.order ?? 'ASC').toUpperCase() === 'DESC' });
  }
  const desc = keys[0].desc;
  if (keys.some((k) => k.desc !== desc)) return { note: 'Mixed ASC/DESC keys need the expanded form (a < $x OR (a = $x AND b > $y)).' };
  const offset = s.limit.offset as Node;
  const sql = ctx.sql;
  // Parameters for the last key seen come after the highest $n of the statement.
  const used = [...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
  const maxParam = Math.max(0, ...used);
  // The OFFSET's own parameter goes away: reuse its number when nothing else uses it.
  const freed = offset.type === 'parameter' ? Number(String(offset.name).slice(1)) : NaN;
  const reuse = Number.isInteger(freed) && used.filter((n) => n === freed).length === 1;
  const params = keys.map((_, i) => (reuse ? (i === 0 ? `$${freed}` : `$${maxParam + i}`) : `$${maxParam + i + 1}`));
  const op = desc ? '<' : '>';
  const cond = keys.length === 1 ? `${keys[0].text} ${op} ${params[0]}` : `(${keys.map((k) => k.text).join(', ')}) ${op} (${params.join(', ')})`;
  // Remove "OFFSET x [ROW|ROWS]".
  const before = sql.slice(0, offset._location!.start);
  const kw = /\s*\bOFFSET\s*$/i.exec(before);
  if (!kw) return {};
  let afterEnd = offset._location!.end;
  const rows = /^\s+ROWS?\b/i.exec(sql.slice(afterEnd));
  if (rows) afterEnd += rows[0].length;
  let text = sql.slice(0, kw.index) + sql.slice(afterEnd);
  // Insert the condition: AND it to WHERE, or add a WHERE after the FROM clause.
  if (s.where?._location) {
    const w = s.where._location;
    const end = closeParens(sql, w.start, w.end);
    text = text.slice(0, w.start) + `(${sql.slice(w.start, end)}) AND ${cond}` + text.slice(end);
  } else {
    const fromEnd = closeParens(sql, 0, Math.max(...(s.from ?? []).map((f: Node) => Math.max(f._location?.end ?? 0, f.join?.on?._location?.end ?? 0))));
    if (!(fromEnd > 0)) return {};
    text = text.slice(0, fromEnd) + ` WHERE ${cond}` + text.slice(fromEnd);
  }
  const last = keys[keys.length - 1].text.replace(/^.*\./, '');
  const note = /^(id|.*_id|uuid)$/i.test(last) ? `${params.join(', ')} = the sort key of the last row of the previous page; the first page omits the condition.` : `${params.join(', ')} = the sort key of the last row of the previous page. End the ORDER BY with a unique column (e.g. ${ident('id')}) so no row is skipped or repeated.`;
  return { sql: text.trim(), note, keys: keys.map((k, i) => ({ param: params[i], column: k.text.replace(/^.*\./, '').replace(/"/g, '') })) };
}

