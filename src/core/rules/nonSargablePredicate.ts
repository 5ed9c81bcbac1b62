/**
 * non-sargable-predicate: a function, cast or arithmetic applied to a column in a comparison
 * (`lower(email) = $1`, `created_at::date = $1`, `date(created_at) = $1`, `id + 1 = $1`) hides the
 * column from its index: PostgreSQL can only use an index on exactly that expression.
 * With catalog facts the rule fires only when the column is indexed and no expression index matches.
 */
import { atOperators, bothSides, collectNodes, columnAgainstValue, COMPARISON_OPS, conjunctHolding, conjunctsOf, containsSubquery, ctesOf, equalitySiblings, setLookupsBeside, indexExpressionText, isFunctionOutput, pinnedByPrimaryKey, referencesColumns, resolveColumn, stripCasts, type Node, type ResolvedColumn, type Scope, isSystemRelation, wheresOf } from './ast';
import { escapeRe } from '../format';
import type { Rule, StatementContext } from './types';
import type { Finding } from '../findings';
import { expressionIndexKeys } from '../catalogFacts';
import { hasLeadingWildcard } from './leadingWildcardLike';
import { tableSize, unprovedSize } from './sizeEvidence';

const OPS = new Set([...COMPARISON_OPS, 'LIKE', 'ILIKE', 'IN', 'BETWEEN']);
const ARITH = new Set(['+', '-', '*', '/', '||']);
/** Functions that take a value out of a json/jsonb column by a path, as the `->>`, `->`, `#>>` operators do. */
const JSON_PATH_FUNCTIONS = new Set(['jsonb_extract_path_text', 'jsonb_extract_path', 'json_extract_path_text', 'json_extract_path']);

export const nonSargablePredicate: Rule = {
  id: 'non-sargable-predicate',
  defaultSeverity: 'warning',
  description: 'A function, cast or arithmetic on an indexed column in a predicate keeps PostgreSQL from using the index.',
  check: atOperators(OPS, (n, info, ctx) => {
    // `coalesce(p.special, '') != 'Y'`: an inequality keeps nearly every row, so no btree lookup serves it even on the
    // bare column; wrapping the column hides no index.
    if (n.op === '<>' || n.op === '!=') return undefined;
    // `WHERE id = $3 AND date_trunc('second', update_time) <= $4`: the primary key finds the one row; the
    // expression only checks it (an optimistic-concurrency guard), so no index is lost.
    if (pinnedByPrimaryKey(ctx.statement as Node, n)) return undefined;
    // `lower(name) LIKE '%' || $1 || '%'`: no index serves the pattern, not even one on lower(name) (leading-wildcard-like says so).
    if (hasLeadingWildcard(n)) return undefined;
    // LIKE and ILIKE can use an index only for their left side: a column inside the pattern (`$1 ILIKE tag || ' %'`) is
    // not looked up by it, wrapped or not.
    const sides = /^I?LIKE$/i.test(String(n.op)) ? [[n.left, n.right] as [Node, Node]] : bothSides(n);
    for (const [side, other] of sides) {
      const wrapped = wrappedColumn(side);
      if (!wrapped) continue;
      // `jsonb_extract_path_text(attributevalues, $1, 'value') = $2`: a value taken out of a json column, as `col ->> 'key'`
      // (which this rule leaves alone) takes it. No index of the column itself (btree, or GIN) ever served a comparison of an
      // extracted value, so none is hidden; only an expression index on that very path would, and with the key a per-call
      // value none can be made (issue 14, rules-s: DHIS2's attribute lookups on every metadata table).
      if (wrapped.kind === 'call' && JSON_PATH_FUNCTIONS.has(wrapped.fn ?? '')) continue;
      // `length(tag)` with `tag` a value of `unnest(w.tags) AS tag` in FROM: a function's output has no index to hide.
      if (isFunctionOutput(wrapped.column, info.scope)) continue;
      // `capacity - (SELECT count(*) … WHERE queue = q.name) > 0`: an index expression cannot hold a subquery (PostgreSQL
      // forbids it) and its value depends on other rows, so there is no index to lose and no sargable form to suggest.
      if (containsSubquery(side)) continue;
      // `CONCAT(a.creator_id, c.creator_id, d.user_id) = $1`: an expression over columns of several tables. An index (an
      // expression index too) belongs to one table, so none could hold it and none is hidden (issue 14, rules-t: HCB's
      // yearly "most interacted with" over six left-joined tables).
      if (spansTables(side)) continue;
      // `length(creator_msp_id) > 0`, `trim(name) > ''`: a test that the value is not empty keeps nearly every row, as
      // `<>` does; no index lookup would serve it on the bare column either (issue 14, rules-r: Hyperledger Explorer).
      if (wrapped.kind === 'call' && isEmptinessTest(n, side, other, wrapped.fn)) continue;
      // A join condition is no lookup by value, unless the other side is a series the statement generates: `LEFT JOIN
      // transactions t ON date_trunc('hour', t.createdt) = hours.datetime` with `WITH hours AS (SELECT generate_series(…)
      // AS datetime)` (or `FROM generate_series(…) AS d(day)`): each of its values looks rows up, and the wrapped column
      // keeps every one of those lookups from the index (a dashboard's per-hour counts read the table's whole history).
      const series = referencesColumns(other) ? generatedSeries(other, info.scope, ctx.statement as Node) : undefined;
      if (referencesColumns(other) && !series) continue;
      // `compute_tip_funding(t) > 0` with `t` the FROM's alias: the function takes the whole row, not a column an index could hold.
      if (isRowReference(wrapped.column, info.scope)) continue;
      const col = resolveColumn(wrapped.column, info.scope, ctx.evidence);
      if (col?.column && !col.indexed) continue; // no index to lose
      // PostgreSQL's own views and catalogs (`now() - query_start` on pg_stat_activity): no index of the user's to lose,
      // and none the user may create there.
      if (col?.tableRef && isSystemRelation(col.tableRef)) continue;
      // `value = ANY(array_col)`: array columns are seldom indexed (and then with GIN, which only the catalog
      // shows); without that evidence there is no index to lose.
      if (wrapped.kind === 'call' && (wrapped.fn === 'any' || wrapped.fn === 'all') && !col?.column) continue;
      if (col?.table && hasExpressionIndex(col, side)) continue;
      // `($1 IS NULL OR lower(name) LIKE lower($1) || '%')`: an optional filter of a listing. Without it the statement reads
      // every row of the table by design; with it, the expression costs more than the listing only on a large table, which
      // only a database shows (sizeEvidence.ts, as offset-pagination; issue 14, session 26: hyades' list of an
      // instance's few secrets with an optional search). Under SMALL_TABLE_ROWS: no finding.
      const optional = optionalFilterParameter(n, info.parent);
      const sized = optional ? tableSize([col?.table], SMALL_TABLE_ROWS) : undefined;
      if (sized?.size === 'small') continue;
      const f = report(ctx, n, side, other, wrapped, col);
      if (series) {
        f.message += ` Each value of ${series}, which the statement generates, looks rows up by it.`;
        f.evidence = { ...f.evidence, joinedToSeries: series };
      }
      // The columns the same WHERE pins by equality: a unique one the schema files declare finds the row (scan.ts).
      // …and the columns it looks up by a set of values (`col IN (SELECT …)`, `col = ANY($1)`): scan.ts, as for pinnedBy.
      f.evidence = { ...f.evidence, pinnedBy: equalitySiblings(ctx.statement as Node, n), lookupIn: setLookupsBeside(ctx.statement as Node, n) };
      if (optional && sized?.size === 'unproved') {
        f.severity = 'info';
        f.message += ` It is an optional filter (${ctx.textOf(optional)} IS NULL OR …): without it the statement reads every row anyway. ${unprovedSize('How many rows the filter reads', 'a problem once the table holds tens of thousands of rows')}.`;
        f.evidence = { ...f.evidence, optionalFilter: true, size: 'unproved' };
      }
      // `WHERE {clause} AND length(key_id) = 6`: beside the expression stands a whole condition the code splices in at run
      // time (a key list built by a helper: Synapse's make_in_list_sql_clause(…, "user_id", users)). If it looks the rows up
      // by an index the expression only filters them; what it holds is unknown here, so a note (info), not a warning.
      // `JOIN participants p ON p.id = pt.recipient WHERE pt.payin = pi.id AND p.join_time::date::text >= '…'`: the table is
      // reached by its primary key from rows another table's lookup found; the expression only filters those rows.
      const via = f.severity === 'warning' ? reachedByKeyFromLookup(ctx.statement as Node, n, wrapped.column) : undefined;
      if (via) {
        f.severity = 'info';
        f.message += ` Here its rows are reached by their primary key from ${via}, so the expression only filters the rows that lookup finds (a problem only if it finds many).`;
        f.evidence = { ...f.evidence, reachedBy: via };
      }
      // `date_trunc('week', di.date) < $cutoff AND di.date < $bound`: the same WHERE compares the bare column with a value
      // too, which an index of that column can serve; the expression only filters the rows that bound reads (issue 14,
      // rulesn: a weekly roll-up job that states the sargable bound beside the truncation for the planner).
      const bound = f.severity === 'warning' ? bareBoundBeside(ctx, n, wrapped.column) : undefined;
      if (bound) {
        f.severity = 'info';
        f.message += ` Beside it the same WHERE bounds the column itself (${bound}), which an index of it can serve; the expression only filters the rows that bound reads (a problem only if it reads many).`;
        f.evidence = { ...f.evidence, boundBy: bound };
      }
      const spliced = f.severity === 'warning' ? splicedConditionBeside(ctx, n) : undefined;
      if (spliced) {
        f.severity = 'info';
        f.message += ` Beside it the WHERE holds a condition composed at run time (${spliced}): if that condition looks the rows up by an index, this expression only filters the rows it finds.`;
        f.evidence = { ...f.evidence, splicedCondition: spliced };
      }
      return f;
    }
    return undefined;
  }),
};

/**
 * `col`'s table (by its qualifier) joined by its primary key to another table of the same FROM (`p.id = pt.recipient`,
 * in a JOIN's ON or the WHERE), that other table looked up by equality in the WHERE holding `cmp` (`pt.payin = pi.id`
 * with `pi` an outer query's row, or `pt.payin = $1`): the lookup, as text, when so.
 */
function reachedByKeyFromLookup(statement: Node, cmp: Node, col: Node): string | undefined {
  const alias = typeof col.table?.name === 'string' ? String(col.table.name).toLowerCase() : undefined;
  if (!alias) return undefined;
  const owners = collectNodes(statement, (x) => (x.where && (x.type === 'select' || x.type === 'update' || x.type === 'delete') ? x : undefined));
  const qualifier = (x: Node | undefined) => (x?.type === 'ref' && x.name !== '*' && typeof x.table?.name === 'string' ? String(x.table.name).toLowerCase() : undefined);
  for (const o of owners) {
    const conjuncts = conjunctsOf(o.where);
    const holder = conjunctHolding(conjuncts, cmp);
    if (!conjuncts.includes(holder)) continue;
    const from = ((o.from ?? []) as Node[]).filter((t) => t.type === 'table');
    const own = new Set(from.map((t) => String(t.name?.alias ?? t.name?.name).toLowerCase()));
    if (!own.has(alias)) continue;
    const conds = [...conjuncts, ...from.flatMap((t) => conjunctsOf(t.join?.on))].filter((c) => c !== holder && c.type === 'binary' && c.op === '=');
    const pairs = (c: Node): [Node, Node][] => [[stripCasts(c.left), stripCasts(c.right)], [stripCasts(c.right), stripCasts(c.left)]];
    for (const c of conds) {
      for (const [key, ref] of pairs(c)) {
        const other = qualifier(ref);
        if (qualifier(key) !== alias || !/^(id|uuid)$/i.test(String(key.name)) || !other || other === alias || !own.has(other)) continue;
        const lookup = conjuncts.find((d) => d !== holder && d.type === 'binary' && d.op === '=' && pairs(d).some(([a, b]) => qualifier(a) === other && (b?.type === 'parameter' || /^(integer|numeric|string)$/.test(String(b?.type)) || (qualifier(b) !== undefined && !own.has(qualifier(b)!)))));
        if (lookup) return `${other} (${lookupText(lookup)})`;
      }
    }
  }
  return undefined;
}

function lookupText(eq: Node): string {
  const side = (x: Node) => {
    const y = stripCasts(x);
    return y?.type === 'ref' ? `${y.table?.name ? `${y.table.name}.` : ''}${y.name}` : y?.type === 'parameter' ? String(y.name) : String(y?.value ?? '…');
  };
  return `${side(eq.left)} = ${side(eq.right)}`;
}

/**
 * Another condition ANDed with `cmp` that compares the bare `col` (the same qualifier and name, casts aside) with a value
 * reading no column (`di.date < now()::date - $1 * INTERVAL '1 day'`, `created_at BETWEEN $1 AND $2`): its text, if any.
 */
function bareBoundBeside(ctx: StatementContext, cmp: Node, col: Node): string | undefined {
  const same = (x: Node | undefined) => {
    const y = stripCasts(x as Node);
    return y?.type === 'ref' && y.name === col.name && (y.table?.name ?? null) === (col.table?.name ?? null);
  };
  for (const w of wheresOf(ctx.statement as Node)) {
    const conjuncts = conjunctsOf(w);
    const holder = conjunctHolding(conjuncts, cmp);
    if (!conjuncts.includes(holder)) continue;
    for (const c of conjuncts) {
      if (c === holder) continue;
      if (c.type === 'binary' && COMPARISON_OPS.has(String(c.op)) && c.op !== '<>' && c.op !== '!=') {
        if ((same(c.left) && !referencesColumns(c.right)) || (same(c.right) && !referencesColumns(c.left))) return ctx.textOf(c);
      }
      if (c.type === 'ternary' && String(c.op).toUpperCase() === 'BETWEEN' && same(c.value) && !referencesColumns(c.lo) && !referencesColumns(c.hi)) return ctx.textOf(c);
    }
  }
  return undefined;
}

/** The source of a parameter the code splices in whole as a condition ANDed with `cmp` (`WHERE {clause} AND …`), if any. */
function splicedConditionBeside(ctx: StatementContext, cmp: Node): string | undefined {
  for (const w of wheresOf(ctx.statement as Node)) {
    const conjuncts = conjunctsOf(w);
    const holder = conjunctHolding(conjuncts, cmp);
    if (!conjuncts.includes(holder)) continue;
    for (const c of conjuncts) {
      if (c === holder || c.type !== 'parameter') continue;
      const p = ctx.site.params.find((x) => `$${x.index}` === String(c.name) && x.spliced);
      if (p) return p.source;
    }
  }
  return undefined;
}

/** Does the expression read columns qualified by more than one table (`concat(a.x, b.y)`)? */
function spansTables(side: Node): boolean {
  const refs = collectNodes(side, (x) => (x.type === 'ref' && x.name !== '*' && typeof x.table?.name === 'string' ? x : undefined));
  const qualifiers = new Set(refs.map((r) => String(r.table.name).toLowerCase()));
  return qualifiers.size > 1;
}

/** `length(col) > 0`, `char_length(col) >= 1`, `trim(col) > ''`: the value is not empty (nearly every row). */
function isEmptinessTest(cmp: Node, side: Node, other: Node, fn: string | undefined): boolean {
  if (!fn || !/^(?:length|char_length|character_length|octet_length|trim|btrim|ltrim|rtrim)$/.test(fn)) return false;
  const v = stripCasts(other);
  const value = v?.type === 'integer' || v?.type === 'numeric' ? Number(v.value) : v?.type === 'string' ? String(v.value) : undefined;
  if (value === undefined) return false;
  // The column on the left: `length(x) > 0`, `length(x) >= 1`; on the right: `0 < length(x)`.
  const op = cmp.left === side ? String(cmp.op) : ({ '<': '>', '<=': '>=' } as Record<string, string>)[String(cmp.op)];
  return (op === '>' && (value === 0 || value === '')) || (op === '>=' && value === 1);
}

/**
 * The name of a generated series every column of `other` comes from (`hours` of `WITH hours AS (SELECT generate_series(…)
 * AS datetime)`, or a set-returning function in FROM), or undefined when `other` reads a table's rows.
 */
function generatedSeries(other: Node, scope: Scope | undefined, statement: Node): string | undefined {
  const ctes = ctesOf(statement);
  const refs = collectNodes(other, (x) => (x.type === 'ref' && x.name !== '*' ? x : undefined));
  let name: string | undefined;
  for (const r of refs) {
    const qualifier = typeof r.table?.name === 'string' ? String(r.table.name).toLowerCase() : undefined;
    if (isFunctionOutput(r, scope)) {
      name ??= qualifier ?? String(r.name);
      continue;
    }
    const body = qualifier ? ctes.get(qualifier) : undefined;
    // A CTE that reads no table: `SELECT generate_series(…)`, `SELECT … FROM generate_series(…) s`, `VALUES (…)`.
    const generated = body?.type === 'values' || (body?.type === 'select' && ((body.from ?? []) as Node[]).every((f) => f?.type === 'call'));
    if (!generated || !qualifier) return undefined;
    name ??= qualifier;
  }
  return name;
}

/** With a database, an optional filter over a table below this many rows costs nothing worth a change (as leading-wildcard-like). */
const SMALL_TABLE_ROWS = 10000;

/** The parameter of `$n IS NULL OR <cmp>` (either order) when `cmp` is an arm of such an OR: an optional filter. */
function optionalFilterParameter(cmp: Node, parent: Node | undefined): Node | undefined {
  if (parent?.type !== 'binary' || String(parent.op).toUpperCase() !== 'OR') return undefined;
  const other = parent.left === cmp ? parent.right : parent.right === cmp ? parent.left : undefined;
  if (other?.type !== 'unary' || !/^IS NULL$/i.test(String(other.op))) return undefined;
  const p = stripCasts(other.operand);
  return p?.type === 'parameter' ? p : undefined;
}

/** An unqualified name that is a table's alias (or name) in scope, and no column: the row itself. */
function isRowReference(ref: Node, scope: Scope | undefined): boolean {
  if (ref?.type !== 'ref' || ref.table) return false;
  const name = String(ref.name);
  for (let s = scope; s; s = s.parent) if (s.tables.some((t) => t.alias === name)) return true;
  return false;
}

interface Wrapped {
  kind: 'call' | 'cast' | 'arith' | 'extract';
  column: Node;
  fn?: string;
}

/** The column inside `f(col, …)`, `col::t`, `col + x`, `extract(… from col)`. */
function wrappedColumn(n: Node): Wrapped | undefined {
  if (!n) return undefined;
  if (n.type === 'cast') {
    const inner = stripCasts(n);
    if (inner?.type === 'ref' && inner.name !== '*') return { kind: 'cast', column: inner, fn: String(n.to?.name ?? '') };
    const w = wrappedColumn(inner);
    return w;
  }
  if (n.type === 'call') {
    const fn = String(n.function?.name ?? '').toLowerCase();
    if (fn === 'count' || fn === 'sum' || fn === 'max' || fn === 'min' || fn === 'avg') return undefined; // aggregates (HAVING)
    const col = (n.args ?? []).map(stripCasts).find((a: Node) => a?.type === 'ref' && a.name !== '*');
    return col ? { kind: 'call', column: col, fn } : undefined;
  }
  if (n.type === 'extract') {
    const col = stripCasts(n.from);
    return col?.type === 'ref' ? { kind: 'extract', column: col, fn: 'extract' } : undefined;
  }
  if (n.type === 'binary' && ARITH.has(n.op)) {
    const col = columnAgainstValue(n);
    if (col) return { kind: 'arith', column: col, fn: n.op };
  }
  return undefined;
}

function hasExpressionIndex(col: ResolvedColumn, side: Node): boolean {
  const exprs = col.table ? expressionIndexKeys(col.table) : [];
  const fn = side.type === 'call' ? String(side.function?.name).toLowerCase() : side.type === 'cast' ? '::' : undefined;
  return exprs.some((e) => {
    const x = e.toLowerCase();
    if (!new RegExp(`\\b${escapeRe(col.name.toLowerCase())}\\b`).test(x)) return false;
    if (fn === '::') return x.includes('::') && x.includes(String(side.to?.name ?? '').toLowerCase());
    return fn ? x.includes(`${fn}(`) : false;
  });
}

function report(ctx: StatementContext, cmp: Node, side: Node, other: Node, w: Wrapped, col: ResolvedColumn | undefined): Finding {
  const colText = ctx.textOf(w.column);
  const expr = balanced(ctx.textOf(side));
  // What an index holds: the expression and column without the statement's aliases (`lower(u.email)` → `lower(email)`).
  const indexExpr = balanced(indexExpressionText((x) => ctx.textOf(x), side));
  const indexCol = indexExpressionText((x) => ctx.textOf(x), w.column);
  const table = col?.tableRef?.name;
  let help: string;
  const fixes = [];
  const isDate = (w.kind === 'call' && w.fn === 'date') || (w.kind === 'cast' && w.fn === 'date');
  if (isDate) {
    help = `Compare the column itself with a range: ${colText} >= <day> AND ${colText} < <day> + 1.`;
    if (String(cmp.op) === '=' && !referencesColumns(other)) {
      const v = ctx.textOf(other);
      const newText = `${colText} >= (${v})::date AND ${colText} < (${v})::date + 1`;
      const edit = ctx.replace(cmp._location!.start, cmp._location!.end, newText);
      if (edit) fixes.push({ title: `Rewrite as a range on ${colText}`, edits: [edit] });
    }
  } else if (w.kind === 'call' && w.fn === 'any' && String(cmp.op) === '=' && !referencesColumns(other)) {
    // value = ANY(array_column): no index serves it; containment does (GIN on the array column).
    help = `Ask for containment instead: ${colText} @> ARRAY[${ctx.textOf(other)}], which a GIN index on ${colText}${table ? ` (CREATE INDEX ON ${table} USING gin (${indexCol}))` : ''} can serve.`;
  } else if (w.kind === 'call' && (w.fn === 'lower' || w.fn === 'upper')) {
    help = `Create an expression index${table ? ` ON ${table} (${indexExpr})` : ` on (${indexExpr})`}, or make the column citext and compare it directly.`;
  } else if (w.kind === 'call' && w.fn === 'date_trunc') {
    help = `Compare the column with a range instead: ${colText} >= date_trunc(…, value) AND ${colText} < date_trunc(…, value) + interval '1 …'.`;
  } else if (w.kind === 'call' && w.fn === 'coalesce') {
    help = `Split it: (${colText} = value OR ${colText} IS NULL) can use the index.`;
  } else if (w.kind === 'cast') {
    help = `Cast the other side to the column's type instead (${colText} = $1::<column type>), so the index on ${colText} applies.`;
  } else if (w.kind === 'arith') {
    help = `Move the arithmetic to the other side of the comparison, so ${colText} stands alone.`;
  } else {
    help = `Compare ${colText} directly, or create an expression index on (${indexExpr}).`;
  }
  const indexed = col?.column ? col.indexed : undefined;
  return ctx.report({
    at: side,
    message: `${expr} hides ${colText} from its index${indexed ? '' : ' (if it has one)'}: PostgreSQL can only use an index on exactly this expression.`,
    help,
    fixes,
    evidence: { column: colText, table, indexed: indexed ?? null, expression: expr, ...(w.kind === 'cast' ? { castTo: w.fn } : {}) },
  });
}

/**
 * The expression's text with its parentheses balanced: a cast of a parenthesised column (`(im.owner_type)::text`)
 * is located from inside the `(`, so its text would read `im.owner_type)::text`.
 */
function balanced(text: string): string {
  let open = 0;
  let missing = 0;
  for (const c of text) {
    if (c === '(') open++;
    else if (c === ')') {
      if (open > 0) open--;
      else missing++;
    }
  }
  return '('.repeat(missing) + text + ')'.repeat(open);
}
