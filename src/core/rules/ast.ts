/**
 * Small helpers over the pgsql-ast-parser AST shared by the rules: a walker that knows which
 * tables are in scope and whether a node sits in a predicate (WHERE / JOIN ON / HAVING), and
 * column resolution against catalog facts.
 */
import { quoteIdent as ident } from '../sql/ident';
import { AGGREGATE_FUNCTIONS } from '../sql/predicates';
import { isIndexed, trigramIndexed, type ColumnFacts, type TableFacts } from '../catalogFacts';
import type { PlanEvidence, StatementContext } from './types';
import type { Finding } from '../findings';
import { lexSql } from '../extract/sqlLexer';

interface Loc {
  start: number;
  end: number;
}
/** Any AST node; rules narrow by `type`. */
export type Node = { type?: string; _location?: Loc; [key: string]: any };

export interface TableRef {
  name: string;
  schema?: string;
  /** The name columns are qualified with: the alias, else the table name. */
  alias: string;
}

export interface Scope {
  tables: TableRef[];
  /** Set-returning functions in FROM (`unnest(w.tags) AS tag`, `jsonb_each(x) AS e(k, v)`): their alias and column names. */
  functions?: { alias: string; columns: string[] }[];
  parent?: Scope;
}

export interface VisitInfo {
  parent?: Node;
  /** Property of the parent holding this node. */
  key?: string;
  scope: Scope;
  /** Inside WHERE, JOIN … ON or HAVING of the nearest query. */
  inPredicate: boolean;
  /** Number of SELECTs above this node (0 = the statement itself). */
  queryDepth: number;
  /** The nearest enclosing select/update/delete (or the node itself). */
  query?: Node;
}

const QUERY_TYPES = new Set(['select', 'update', 'delete', 'insert', 'union', 'union all']);

/**
 * PostgreSQL's own views and catalogs (`pg_indexes`, `pg_stat_activity`, `information_schema.tables`): no index of the
 * user's to lose there, and none the user may create.
 */
export function isSystemRelation(t: { name: unknown; schema?: unknown }): boolean {
  const schema = typeof t.schema === 'string' ? t.schema.toLowerCase() : undefined;
  return schema === 'pg_catalog' || schema === 'information_schema' || (!schema && /^pg_/i.test(String(t.name)));
}

/** The CTEs a statement defines (`WITH name AS (…)`), by lower-case name. */
export function ctesOf(statement: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  if (statement?.type === 'with') {
    for (const b of statement.bind ?? []) if (b?.alias?.name) out.set(String(b.alias.name).toLowerCase(), b.statement);
  } else if (statement?.type === 'with recursive' && statement.alias?.name) {
    // WITH RECURSIVE binds one name to one query (`bind` is that query, not a list).
    out.set(String(statement.alias.name).toLowerCase(), statement.bind);
  }
  return out;
}

/** Tables a query brings into scope (its FROM items, joined tables, UPDATE/DELETE target). */
export function tablesOf(query: Node): TableRef[] {
  const out: TableRef[] = [];
  const add = (n: any) => {
    if (!n?.name) return;
    out.push({ name: n.name, schema: n.schema, alias: n.alias ?? n.name });
  };
  if (query.type === 'select') {
    for (const f of query.from ?? []) if (f.type === 'table') add(f.name);
  } else if (query.type === 'update') {
    add(query.table);
    for (const f of query.from ? (Array.isArray(query.from) ? query.from : [query.from]) : []) if (f?.type === 'table') add(f.name);
  } else if (query.type === 'delete') {
    add(query.from);
  }
  return out;
}

/** The set-returning functions a SELECT reads FROM (`unnest(x) AS t`, `jsonb_each(j) AS e(k, v)`), by alias, lower case. */
function functionsOf(query: Node): { alias: string; columns: string[] }[] {
  if (query.type !== 'select') return [];
  const out: { alias: string; columns: string[] }[] = [];
  for (const f of query.from ?? []) {
    if (f?.type !== 'call' || !f.alias?.name) continue;
    out.push({ alias: String(f.alias.name).toLowerCase(), columns: (f.alias.columns ?? []).map((c: Node) => String(c?.name ?? '').toLowerCase()) });
  }
  return out;
}

/**
 * Is the reference a value a set-returning function in FROM produces (`tag` of `unnest(w.tags) AS tag`, `e.k` of
 * `jsonb_each(x) AS e(k, v)`), not a table's column? Such a value has no index: wrapping it or matching it hides none.
 */
export function isFunctionOutput(ref: Node, scope: Scope | undefined): boolean {
  if (ref?.type !== 'ref' || ref.name === '*') return false;
  const name = String(ref.name).toLowerCase();
  const qualifier = typeof ref.table?.name === 'string' ? String(ref.table.name).toLowerCase() : undefined;
  for (let s = scope; s; s = s.parent) {
    const fns = s.functions ?? [];
    if (qualifier) {
      if (s.tables.some((t) => t.alias.toLowerCase() === qualifier)) return false;
      if (fns.some((f) => f.alias === qualifier)) return true;
      continue;
    }
    if (fns.some((f) => (f.columns.length ? f.columns.includes(name) : f.alias === name))) return true;
    if (s.tables.length) return false;
  }
  return false;
}

interface Visit {
  node: Node;
  info: VisitInfo;
  /** Index just past this node's subtree (to skip its children). */
  end: number;
}

/**
 * The depth-first visit order of a tree, computed once per tree: ten rules walk the same statement,
 * and parsed statements are cached by SQL text, so the same tree is walked many times.
 */
const visits = new WeakMap<Node, Visit[]>();

function visitOrder(root: Node): Visit[] {
  const hit = visits.get(root);
  if (hit) return hit;
  const out: Visit[] = [];
  const rootScope: Scope = { tables: [] };
  const visit = (node: Node, info: VisitInfo, depth: number): void => {
    if (depth > 500) return;
    let scope = info.scope;
    let query = info.query;
    let queryDepth = info.queryDepth;
    let inPredicate = info.inPredicate;
    if (node.type && QUERY_TYPES.has(node.type)) {
      const functions = functionsOf(node);
      scope = { tables: tablesOf(node), ...(functions.length ? { functions } : {}), parent: info.scope };
      if (info.query) queryDepth++;
      query = node;
      inPredicate = false;
    }
    const entry: Visit = { node, info: { ...info, scope, query, queryDepth, inPredicate }, end: 0 };
    out.push(entry);
    for (const [k, v] of Object.entries(node)) {
      if (k === '_location' || !v || typeof v !== 'object') continue;
      const childPred = inPredicate || ((k === 'where' || k === 'on' || k === 'having') && !!query);
      const items = Array.isArray(v) ? v : [v];
      for (const item of items) {
        if (item && typeof item === 'object') visit(item as Node, { parent: node, key: k, scope, inPredicate: childPred, queryDepth, query }, depth + 1);
      }
    }
    entry.end = out.length;
  };
  visit(root, { scope: rootScope, inPredicate: false, queryDepth: 0 }, 0);
  visits.set(root, out);
  return out;
}

/** Visit every node depth-first; return false from fn to skip a node's children. */
export function walk(root: Node, fn: (node: Node, info: VisitInfo) => void | false): void {
  const order = visitOrder(root);
  for (let i = 0; i < order.length; ) {
    const v = order[i];
    i = fn(v.node, v.info) === false ? v.end : i + 1;
  }
}

/**
 * The check of a rule that reports at binary operators: `visit` runs at every `binary` node whose
 * operator (upper-cased) is in `ops` — in a WHERE, ON or HAVING only, unless `anywhere` — and reports
 * at most one finding there.
 */
export function atOperators(
  ops: ReadonlySet<string>,
  visit: (n: Node, info: VisitInfo, ctx: StatementContext) => Finding | undefined,
  where: 'predicates' | 'anywhere' = 'predicates',
): (ctx: StatementContext) => Finding[] {
  return (ctx) => {
    const out: Finding[] = [];
    walk(ctx.statement as Node, (n, info) => {
      if ((where === 'predicates' && !info.inPredicate) || n.type !== 'binary' || !ops.has(String(n.op).toUpperCase())) return;
      const f = visit(n, info, ctx);
      if (f) out.push(f);
    });
    return out;
  };
}

/** A call of an aggregate function (`count(*)`, `sum(x)`). */
const isAggregate = (e: Node | undefined): boolean => e?.type === 'call' && AGGREGATE_FUNCTIONS.has(String(e.function?.name?.name ?? e.function?.name).toLowerCase());

/** Does the expression compute an aggregate anywhere in it (`count(*)`, `sum(a) / count(*)`), outside subqueries? */
export function containsAggregate(n: Node | undefined): boolean {
  let found = false;
  if (!n) return false;
  walk(n, (x) => {
    if (found || x.type === 'select') return false;
    if (isAggregate(x)) found = true;
  });
  return found;
}

/** Does the expression hold a subquery (`capacity - (SELECT count(*) …)`)? */
export function containsSubquery(n: Node | undefined): boolean {
  let found = false;
  if (!n) return false;
  walk(n, (x) => {
    if (found) return false;
    if (x !== n && (x.type === 'select' || x.type === 'union' || x.type === 'union all' || x.type === 'values')) found = true;
  });
  return found;
}

/** The leftmost piece of a LIKE pattern expression (`'%' || $1 || '%'` → `%`): a string literal, or undefined. */
export function leadingLiteral(n: Node, readConcat = false): string | undefined {
  let cur = stripCasts(n);
  // `'%' || $1`; with readConcat also `CONCAT('%', $1, '%')` (MyBatis and JPA queries write it so): the text starts with
  // the first part.
  const concat = (x: Node | undefined) => readConcat && x?.type === 'call' && /^concat$/i.test(String(x.function?.name)) && !x.function?.schema && (x.args?.length ?? 0) > 0;
  while ((cur?.type === 'binary' && cur.op === '||') || concat(cur)) cur = stripCasts(cur!.type === 'call' ? cur!.args[0] : cur!.left);
  return cur?.type === 'string' ? String(cur.value) : undefined;
}

/** Does the expression read a column (a subquery's own columns do not count)? */
export function referencesColumns(n: Node | undefined): boolean {
  let found = false;
  if (!n) return false;
  walk(n, (x) => {
    if (found) return false;
    if (x.type === 'ref' && x.name !== '*') found = true;
    if (x.type === 'select') return false; // a subquery's own columns do not count
  });
  return found;
}

/** In `col op value` or `value op col` (casts aside): the column, when the other side reads no column. */
export function columnAgainstValue(n: Node): Node | undefined {
  const l = stripCasts(n.left);
  const r = stripCasts(n.right);
  if (l?.type === 'ref' && l.name !== '*' && !referencesColumns(n.right)) return l;
  if (r?.type === 'ref' && r.name !== '*' && !referencesColumns(n.left)) return r;
  return undefined;
}

/** Both readings of a binary operator: (left, right), then (right, left): a column may stand on either side. */
export function bothSides(n: Node): [Node, Node][] {
  return [[n.left, n.right], [n.right, n.left]];
}

export interface ResolvedColumn {
  name: string;
  tableRef?: TableRef;
  table?: TableFacts;
  column?: ColumnFacts;
  /** With a known column: some valid index has it as a key column. */
  indexed?: boolean;
  /** With a known column: a trigram (pg_trgm) index has it as a key. */
  trigramIndexed?: boolean;
}

function known(name: string, tableRef: TableRef, table: TableFacts, column: ColumnFacts | undefined): ResolvedColumn {
  if (!column) return { name, tableRef, table };
  return { name, tableRef, table, column, indexed: isIndexed(table, column.name), trigramIndexed: trigramIndexed(table, column.name) };
}

/** Resolve a column reference (`{type:'ref', name, table?}`) in scope, using catalog facts when given. */
export function resolveColumn(ref: Node, scope: Scope, evidence?: PlanEvidence): ResolvedColumn | undefined {
  if (ref?.type !== 'ref' || ref.name === '*') return undefined;
  const name = String(ref.name);
  const qualifier: string | undefined = ref.table?.name;
  const facts = (t: TableRef) => evidence?.table?.(t.name, t.schema);
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    if (qualifier) {
      const t = s.tables.find((x) => x.alias === qualifier || (x.name === qualifier && x.alias === x.name));
      if (t) {
        const tf = facts(t);
        return tf ? known(name, t, tf, tf.columns.find((c) => c.name === name)) : { name, tableRef: t };
      }
      continue;
    }
    for (const t of s.tables) {
      const tf = facts(t);
      const c = tf?.columns.find((x) => x.name === name);
      if (tf && c) return known(name, t, tf, c);
    }
    if (s.tables.length === 1 && !evidence?.table) return { name, tableRef: s.tables[0] };
    if (s.tables.length) return { name, tableRef: s.tables.length === 1 ? s.tables[0] : undefined };
  }
  return { name };
}

export const COMPARISON_OPS = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);

/** The column under casts, e.g. `col::text` → col. */
export function stripCasts(n: Node): Node {
  let cur = n;
  while (cur?.type === 'cast') cur = cur.operand;
  return cur;
}

export function isCountStar(n: Node | undefined): boolean {
  return n?.type === 'call' && String(n.function?.name).toLowerCase() === 'count' && !n.function?.schema && (n.args?.length ?? 0) === 1 && n.args[0]?.type === 'ref' && n.args[0].name === '*' && !n.filter && !n.distinct;
}

/** Literal integer value of a node, when it is one. */
export function intValue(n: Node | undefined): number | undefined {
  if (n?.type === 'integer') return Number(n.value);
  if (n?.type === 'numeric' && Number.isInteger(n.value)) return Number(n.value);
  return undefined;
}

/** PostgreSQL identifier, quoted only when it must be (one implementation: core/sql/ident). */
export { ident };

/**
 * `end` moved past the closing parentheses that sql.slice(start, end) leaves open: the parser's location of an expression
 * ending in a parenthesised sub-select stops before its `)`, and a condition inserted there landed inside the sub-select.
 */
export function closeParens(sql: string, start: number, end: number): number {
  let depth = 0;
  const part = sql.slice(start, end);
  for (const t of lexSql(part)) depth += t.kind === 'open' ? 1 : t.kind === 'close' ? -1 : 0;
  for (let m = /^\s*\)/.exec(sql.slice(end)); depth > 0 && m; m = /^\s*\)/.exec(sql.slice(end))) {
    end += m[0].length;
    depth--;
  }
  return end;
}

/** The end of a node's text with the parentheses its location leaves open closed (see closeParens). */
export function nodeEnd(sql: string, n: Node): number {
  return closeParens(sql, n._location!.start, n._location!.end);
}

/** Every WHERE clause of a statement, subqueries and CTEs included. */
export function wheresOf(root: Node): Node[] {
  return whereOwners(root).map((n) => n.where as Node);
}

/** The conditions a WHERE joins with AND (the WHERE itself when it is not an AND). */
export function conjunctsOf(where: Node | undefined): Node[] {
  const out: Node[] = [];
  const flat = (x: Node | undefined) => {
    if (x?.type === 'binary' && String(x.op).toUpperCase() === 'AND') {
      flat(x.left);
      flat(x.right);
    } else if (x) out.push(x);
  };
  flat(where);
  return out;
}

/**
 * The `column = value` conditions (value: a parameter or a literal) ANDed with `cond` among a WHERE's conjuncts, each
 * with its column; none when `cond` is not one of them.
 */
export function equalitiesBeside(conjuncts: Node[], cond: Node): { column: Node; value: Node }[] {
  if (!conjuncts.includes(cond)) return [];
  return equalitiesOf(conjuncts.filter((c) => c !== cond));
}

/** Every `column = value` (a parameter or a literal) among ANDed conditions. */
export function equalitiesOf(conjuncts: Node[]): { column: Node; value: Node }[] {
  const value = (x: Node | undefined) => x?.type === 'parameter' || (x !== undefined && /^(integer|numeric|string)$/.test(String(x.type)));
  const out: { column: Node; value: Node }[] = [];
  for (const c of conjuncts) {
    if (c.type !== 'binary' || c.op !== '=') continue;
    const l = stripCasts(c.left);
    const r = stripCasts(c.right);
    if (l?.type === 'ref' && l.name !== '*' && value(r)) out.push({ column: l, value: r });
    else if (r?.type === 'ref' && r.name !== '*' && value(l)) out.push({ column: r, value: l });
  }
  return out;
}

/**
 * Is `cond` one of the ANDed conditions of a WHERE of the statement that also pins the row by its primary key
 * (`id = $1`, `uuid = $1`, qualified or not)? The index on the key finds the row; `cond` only checks it.
 */
export function pinnedByPrimaryKey(statement: Node, cond: Node): boolean {
  return wheresOf(statement).some((w) => {
    const conjuncts = conjunctsOf(w);
    return equalitiesBeside(conjuncts, conjunctHolding(conjuncts, cond)).some((e) => /^(id|uuid)$/i.test(String(e.column.name)));
  });
}

/**
 * The conjunct of a WHERE that is `cond` or holds it (`id = $1 AND (x + $2 < now() OR x IS NULL)`: the OR holds the
 * comparison); `cond` itself when none does. An equality ANDed with that conjunct narrows the rows `cond` is tested on.
 */
export function conjunctHolding(conjuncts: Node[], cond: Node): Node {
  if (conjuncts.includes(cond)) return cond;
  return conjuncts.find((c) => c.type === 'binary' && holds(c, cond, 0)) ?? cond;
}

function holds(x: unknown, target: Node, depth: number): boolean {
  if (x === target) return true;
  if (!x || typeof x !== 'object' || depth > 40) return false;
  // Not into a subquery: its own WHERE narrows its own rows.
  if (!Array.isArray(x) && QUERY_TYPES.has(String((x as Node).type))) return false;
  for (const v of Array.isArray(x) ? x : Object.values(x as object)) if (v && typeof v === 'object' && holds(v, target, depth + 1)) return true;
  return false;
}

/**
 * The columns `cond`'s WHERE (AND) also compares with a value by equality (`secret = $1 AND expires_at::date > $2` → secret),
 * or with a column of a row from outside its own FROM (`r.participant = sp.payer` in a LATERAL or EXISTS subquery, which
 * looks the rows up once per outer row, as a parameter would).
 */
export function equalitySiblings(statement: Node, cond: Node): string[] {
  const out: string[] = [];
  for (const owner of whereOwners(statement)) {
    const conjuncts = conjunctsOf(owner.where);
    const holder = conjunctHolding(conjuncts, cond);
    if (!conjuncts.includes(holder)) continue;
    for (const e of equalitiesBeside(conjuncts, holder)) out.push(String(e.column.name).toLowerCase());
    const own = ownNames(owner);
    const outer = (x: Node | undefined) => x?.type === 'ref' && x.name !== '*' && typeof x.table?.name === 'string' && !own.has(String(x.table.name).toLowerCase());
    const inner = (x: Node | undefined) => x?.type === 'ref' && x.name !== '*' && (typeof x.table?.name !== 'string' || own.has(String(x.table.name).toLowerCase()));
    for (const c of conjuncts) {
      if (c === holder || c.type !== 'binary' || c.op !== '=') continue;
      const l = stripCasts(c.left);
      const r = stripCasts(c.right);
      if (inner(l) && outer(r)) out.push(String(l.name).toLowerCase());
      else if (inner(r) && outer(l)) out.push(String(r.name).toLowerCase());
    }
  }
  return out;
}

/**
 * The columns the same WHERE as `cond` looks up by a set of values: `"videoID" IN (SELECT "videoID" FROM "videoInfo" WHERE
 * "channelID" = $1)`, `id IN ($1, $2)`, `id = ANY($1)`. An index that leads with such a column finds the rows (a semi-join
 * or one probe per value); an expression beside it only filters what they find (issue 14, rules-x: SponsorBlock's
 * `similarity("description", ?)` over one channel's segments).
 */
export function setLookupsBeside(statement: Node, cond: Node): string[] {
  const out: string[] = [];
  for (const owner of whereOwners(statement)) {
    const conjuncts = conjunctsOf(owner.where);
    const holder = conjunctHolding(conjuncts, cond);
    if (!conjuncts.includes(holder)) continue;
    const own = ownNames(owner);
    const mine = (x: Node | undefined) => x?.type === 'ref' && x.name !== '*' && (typeof x.table?.name !== 'string' || own.has(String(x.table.name).toLowerCase()));
    for (const c of conjuncts) {
      if (c === holder || c.type !== 'binary') continue;
      const l = stripCasts(c.left);
      const r = stripCasts(c.right);
      const set = (c.op === 'IN' && (r?.type === 'select' || r?.type === 'list' || r?.type === 'union' || r?.type === 'union all')) || (c.op === '=' && r?.type === 'call' && String(r.function?.name).toLowerCase() === 'any' && !referencesColumns(r));
      if (set && mine(l)) out.push(String(l.name));
    }
  }
  return out;
}

/** The SELECT, UPDATE and DELETE nodes of a statement that have a WHERE. */
function whereOwners(root: Node): Node[] {
  return collectNodes(root, (node) => (node.where && (node.type === 'select' || node.type === 'update' || node.type === 'delete') ? node : undefined));
}

/** What `pick` returns for the nodes of a statement at any depth (each node once; a bounded walk). */
export function collectNodes(root: Node, pick: (node: Node) => Node | undefined): Node[] {
  const out: Node[] = [];
  const seen = new Set<unknown>();
  const visit = (x: unknown, depth: number) => {
    if (!x || typeof x !== 'object' || seen.has(x) || depth > 60) return;
    seen.add(x);
    if (Array.isArray(x)) {
      for (const y of x) visit(y, depth + 1);
      return;
    }
    const node = x as Node;
    const picked = pick(node);
    if (picked) out.push(picked);
    for (const [k, v] of Object.entries(node)) if (k !== '_location') visit(v, depth + 1);
  };
  visit(root, 0);
  return out;
}

/** The names a query's own FROM gives its rows (tables by alias or name, subqueries and functions by alias), lower-case. */
function ownNames(query: Node): Set<string> {
  const names = new Set(tablesOf(query).flatMap((t) => [String(t.alias).toLowerCase(), String(t.name).toLowerCase()]));
  const from = query.type === 'select' ? query.from ?? [] : query.type === 'update' ? (Array.isArray(query.from) ? query.from : query.from ? [query.from] : []) : [];
  for (const f of from as Node[]) {
    const alias = typeof f?.alias === 'string' ? f.alias : f?.alias?.name;
    if (typeof alias === 'string') names.add(alias.toLowerCase());
  }
  return names;
}

/**
 * An expression's text as an index holds it: its column references without their table or alias (`lower(u.email)` →
 * `lower(email)`; `CREATE INDEX ON users (lower(u.email))` is an error). Everything else stays as the statement wrote it.
 */
export function indexExpressionText(textOf: (n: Node) => string, n: Node): string {
  let text = textOf(n);
  const base = n._location?.start;
  if (base === undefined) return text;
  const refs = collectNodes(n, (x) => (x.type === 'ref' && x.table && x._location ? x : undefined)).sort((a, b) => b._location!.start - a._location!.start);
  for (const r of refs) {
    const at = r._location!.start - base;
    const written = textOf(r);
    if (at < 0 || text.slice(at, at + written.length) !== written) continue;
    const bare = written.replace(/^(?:(?:"(?:[^"]|"")*"|[^."\s]+)\s*\.\s*)+/, '');
    text = text.slice(0, at) + bare + text.slice(at + written.length);
  }
  return text;
}
