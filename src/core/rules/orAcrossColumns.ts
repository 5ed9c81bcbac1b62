/**
 * or-across-columns: `a = $1 OR b = $2` cannot be answered by one index scan. PostgreSQL can combine two
 * bitmap index scans (BitmapOr) when BOTH columns are indexed; otherwise, or across joined tables,
 * it reads every row. A UNION of two indexed queries is the usual rewrite.
 */
import { collectNodes, columnAgainstValue, COMPARISON_OPS, conjunctsOf, ctesOf, equalitiesBeside, resolveColumn, stripCasts, walk, wheresOf, type Node, type ResolvedColumn, type Scope } from './ast';
import type { Rule } from './types';
import { declaredLeadingColumn, declaredNotNull, type DeclaredIndexes } from '../sql/declaredIndexes';
import type { Finding } from '../findings';
import { hasLeadingWildcard } from './leadingWildcardLike';
import { tableSize, unprovedSize } from './sizeEvidence';
import { rowsPhrase } from '../catalogFacts';

/** With a database, tables below this many rows are read whole in no time: the OR costs nothing there. */
const SMALL_TABLE_ROWS = 1000;

function disjuncts(n: Node, out: Node[] = []): Node[] {
  if (n?.type === 'binary' && String(n.op).toUpperCase() === 'OR') {
    disjuncts(n.left, out);
    disjuncts(n.right, out);
  } else out.push(n);
  return out;
}

/** The column a disjunct filters on: `col op value`, `col IN (…)`, `col LIKE …`, `col IS NULL`. */
function filteredColumn(n: Node): Node | undefined {
  if (n?.type === 'unary' && /IS (NOT )?NULL/i.test(String(n.op))) return stripCasts(n.operand)?.type === 'ref' ? stripCasts(n.operand) : undefined;
  if (n?.type !== 'binary') return undefined;
  const op = String(n.op).toUpperCase();
  if (!COMPARISON_OPS.has(op) && !['IN', 'LIKE', 'ILIKE'].includes(op)) return undefined;
  return columnAgainstValue(n);
}

/**
 * `WHERE user_id = $1 AND (a OR b)`: the OR only filters rows an equality on a key already found
 * (an indexable `id`/`…_id` = value, or any column = a parameter — a lookup the code makes by
 * `domain = $1 AND path = $2` — next to it in the same AND); no scan of the whole table, and the
 * index that query needs is on the looked-up columns, not one per OR column.
 */
function pinnedByKey(where: Node | undefined, or: Node, lookup: (column: Node) => boolean): boolean {
  return equalitiesBeside(conjunctsOf(where), or).some((e) => /^(id|uuid|\w+_id|\w+Id)$/.test(String(e.column.name)) || (e.value.type === 'parameter' && lookup(e.column)));
}

/**
 * The OR sits in a subquery's WHERE beside an equality of a key column of the subquery (`id`, `…_id`, `uuid`) with a column
 * of an outer query's table (`cf.file_id = f.file_id`): a correlated lookup by key, run per outer row.
 */
function correlatedByKey(wheres: Node[], or: Node, scope: Scope): boolean {
  if (!scope.parent) return false;
  const own = new Set(scope.tables.flatMap((t) => [t.alias, t.name].map((x) => String(x).toLowerCase())));
  const outer = (c: Node) => {
    const q = c?.table?.name ? String(c.table.name).toLowerCase() : undefined;
    if (!q || own.has(q)) return false;
    for (let s: Scope | undefined = scope.parent; s; s = s.parent) if (s.tables.some((t) => String(t.alias).toLowerCase() === q)) return true;
    return false;
  };
  const key = (c: Node) => c?.type === 'ref' && /^(id|uuid|\w+_id|\w+Id)$/.test(String(c.name));
  return wheres.some((w) => {
    const conjuncts = conjunctsOf(w);
    if (!conjuncts.includes(or)) return false;
    return conjuncts.some((c) => {
      if (c === or || c?.type !== 'binary' || c.op !== '=') return false;
      const l = stripCasts(c.left);
      const r = stripCasts(c.right);
      return (key(l) && !outer(l) && outer(r)) || (key(r) && !outer(r) && outer(l));
    });
  });
}

/**
 * Without a database, the schema files say a column of a table they create leads no index (no CREATE INDEX, key or
 * unique constraint starts with it): an equality on it is no lookup (`io_type = $2` picks a category), and an OR over
 * it reads the table. False when the table or column is not declared (no evidence either way).
 */
function declaredUnled(declared: DeclaredIndexes | undefined, r: ResolvedColumn | undefined): boolean {
  const table = r?.tableRef?.name;
  if (!declared || !table || !r?.name || declaredNotNull(declared, table, String(r.name)) === undefined) return false;
  return !declaredLeadingColumn(declared, table, String(r.name));
}

/** The JOIN … ON conditions of the statement (any depth): an OR there sits beside the join's other conditions. */
function onConditionsOf(root: Node): Node[] {
  return collectNodes(root, (node) => (node.join?.on as Node | undefined) ?? undefined);
}

/** Any `column = value` among the ANDed conditions of a WHERE or ON of the statement: an index lookup that drives the join. */
function drivenByEquality(conditions: Node[]): boolean {
  const none = { type: 'none' } as Node; // beside nothing: every equality of the conjuncts
  return conditions.some((w) => equalitiesBeside([...conjunctsOf(w), none], none).length > 0);
}

/** A column of a CTE, or of a query whose FROM holds no table (only subqueries or functions). */
function derived(r: ResolvedColumn, scope: Scope, ctes: Map<string, Node>): boolean {
  if (r.tableRef) return !r.tableRef.schema && ctes.has(r.tableRef.name.toLowerCase());
  return scope.tables.length === 0 || scope.tables.every((t) => !t.schema && ctes.has(t.name.toLowerCase()));
}

/**
 * The names (alias or table name, lower-case) of the rows an outer join may leave NULL: the right side of a LEFT JOIN,
 * the left of a RIGHT JOIN, both of a FULL JOIN.
 */
function outerJoinedNames(root: Node): Set<string> {
  const out = new Set<string>();
  for (const select of collectNodes(root, (n) => (n.type === 'select' && Array.isArray(n.from) ? n : undefined))) {
    const from = select.from as Node[];
    from.forEach((f, i) => {
      const kind = String(f.join?.type ?? (typeof f.join === 'string' ? f.join : '')).toUpperCase();
      const names = (x: Node) => [x?.name?.alias, x?.name?.name, typeof x?.alias === 'string' ? x.alias : x?.alias?.name].filter((v): v is string => typeof v === 'string');
      if (/LEFT|FULL/.test(kind)) for (const n of names(f)) out.add(n.toLowerCase());
      if (/RIGHT|FULL/.test(kind)) for (const x of from.slice(0, i)) for (const n of names(x)) out.add(n.toLowerCase());
    });
  }
  return out;
}

/**
 * `(r.state IN (…) OR r.uuid IS NULL)` over an outer-joined `r`: the IS NULL keeps the rows the join found no match for.
 * The OR filters joined rows after the join — no index on r's columns could take it, and splitting it would not either.
 */
function keepsUnmatchedRows(parts: Node[], resolved: ResolvedColumn[], outer: Set<string>): boolean {
  return parts.some((p, i) => p?.type === 'unary' && /^IS NULL$/i.test(String(p.op)) && outer.has(String(resolved[i]?.tableRef?.alias ?? '').toLowerCase()));
}

export const orAcrossColumns: Rule = {
  id: 'or-across-columns',
  // Evidence-led, as offset-pagination: a warning where a connected database shows the table is large, a note (`info`)
  // without that evidence (rules27: every labelled false alarm left was a small table — goalert's schedule rules and
  // labels, pgqueuer's schedules, dex's garbage collection, ente's recovery sessions — the same shape as the right ones).
  defaultSeverity: 'warning',
  description: 'OR between conditions on different columns cannot use a single index; without an index on every column it reads the whole table.',
  check(ctx) {
    if (ctx.evidence?.plan?.nodeTypes.includes('BitmapOr')) return []; // the planner already combines indexes
    const out: Finding[] = [];
    const ctes = ctesOf(ctx.statement as Node);
    const outer = outerJoinedNames(ctx.statement as Node);
    walk(ctx.statement as Node, (n, info) => {
      if (!info.inPredicate || n.type !== 'binary' || String(n.op).toUpperCase() !== 'OR') return;
      if (info.parent?.type === 'binary' && String(info.parent.op).toUpperCase() === 'OR') return; // the top of the chain handles it
      // The OR may sit in a subquery's WHERE (`EXISTS (SELECT 1 … WHERE user_id = $1 AND (a OR b))`).
      // … or in a JOIN's ON beside the join's own lookup (`ON … AND cs.to_user_id = $1 AND (cs.t > $2 OR c.t > $2)`).
      const conditions = [...wheresOf(ctx.statement as Node), ...onConditionsOf(ctx.statement as Node)];
      // An equality beside the OR on a column the schema files index nowhere as a leading key is no lookup — when the OR
      // itself is one (an index leads with one of its columns): then the OR is what the query finds its rows by.
      // (A LIKE is left out: `name LIKE concat('%', $1, '%')` is served by no btree index that leads with name.)
      const orLeads = !!ctx.declared && disjuncts(n).some((p) => {
        const c = p?.type === 'binary' && /LIKE/i.test(String(p.op)) ? undefined : filteredColumn(p);
        const r = c ? resolveColumn(c, info.scope, ctx.evidence) : undefined;
        return !!r?.tableRef?.name && declaredLeadingColumn(ctx.declared, r.tableRef.name, String(r.name));
      });
      const lookup = (c: Node) => !orLeads || !declaredUnled(ctx.declared, resolveColumn(c, info.scope, ctx.evidence));
      if (conditions.some((w) => pinnedByKey(w, n, lookup))) return false;
      // `EXISTS (SELECT 1 FROM collection_files cf JOIN collection_shares cs ON … WHERE cf.file_id = f.file_id AND (cs.to_user_id
      // = $2 OR cs.from_user_id = $2))`: the subquery runs per outer row and finds its rows by the key the outer row gives it;
      // the OR only filters those (rules-p: ente's object access check).
      if (correlatedByKey(conditions, n, info.scope)) return false;
      const parts = disjuncts(n);
      // An arm no index can look rows up by: a leading-wildcard LIKE (its pattern decides the scan,
      // `image = $1 OR configuration ILIKE '%' || $1 || '%'`, `descriptor ILIKE CONCAT('%', $1, '%')`) or an IS NOT NULL test, which matches most rows
      // (`cycle_id IS NOT NULL OR next_retry_at IS NOT NULL`). Indexing every column or splitting the OR into a UNION would
      // read as much (issue 14, session 25: thingsboard's image-usage checks, goalert's retry reset).
      if (parts.some((p) => (p?.type === 'binary' && hasLeadingWildcard(p, true)) || (p?.type === 'unary' && /^IS NOT NULL$/i.test(String(p.op))))) return false;
      const cols = parts.map(filteredColumn);
      if (cols.some((c) => !c)) return false; // a complex disjunct: no verdict
      const resolved = cols.map((c) => resolveColumn(c!, info.scope, ctx.evidence)) as ResolvedColumn[];
      // Columns a CTE or a subquery computes (scores, counts) have no index: there is nothing to advise.
      if (resolved.some((r) => derived(r, info.scope, ctes))) return false;
      if (keepsUnmatchedRows(parts, resolved, outer)) return false;
      const keys = new Set(resolved.map((r) => `${r.tableRef?.alias ?? ''}.${r.name}`));
      if (keys.size < 2) return false; // same column: that is an IN list
      const tables = new Set(resolved.map((r) => r.tableRef?.alias).filter(Boolean));
      // Unindexed by the catalog, or (without one) by the schema files: no index they create leads with the column.
      const unindexed = resolved.filter((r) => (r.column && !r.indexed) || (!r.column && declaredUnled(ctx.declared, r))).map((r) => r.name);
      const allIndexed = resolved.every((r) => r.column && r.indexed);
      const names = [...new Set(resolved.map((r) => ctx.textOf(cols[resolved.indexOf(r)]!)))];
      const acrossTables = tables.size > 1;
      if (allIndexed && !acrossTables) return false; // BitmapOr is possible
      // Across tables, no index on either column can take the OR (it is checked after the join); when an equality on a
      // value elsewhere in the WHERE/ON drives the join, the OR only filters the rows it found (issue 20, person16 LOW 10).
      if (acrossTables && drivenByEquality(conditions)) return false;
      // What the OR costs is a read of the whole table (or tables): a problem only where they are large. The catalog's
      // row count decides; without it the warning is a note that says the size is unproved (sizeEvidence.ts, as
      // offset-pagination; issue 14, session 25: the false warnings were tables of a few rows — a schedule per cron entry,
      // the rules of one schedule, one target's labels).
      const sized = tableSize(resolved.map((r) => r.table), SMALL_TABLE_ROWS);
      if (sized.size === 'small') return false;
      const warn = (unindexed.length > 0 || acrossTables) && sized.size === 'large';
      const unproved = (unindexed.length > 0 || acrossTables) && sized.size === 'unproved';
      const sizeNote = sized.size === 'large' ? ` (${rowsPhrase(sized.largest)})` : '';
      out.push(
        ctx.report({
          at: n,
          severity: warn ? 'warning' : 'info',
          message: (acrossTables
            ? `OR across columns of different tables (${names.join(', ')}) cannot be pushed into either table's index scan; the join reads both tables${sizeNote}.`
            : unindexed.length
              ? `OR across ${names.join(', ')}: ${unindexed.join(', ')} ${unindexed.length === 1 ? 'has' : 'have'} no index, so the whole table is read${sizeNote}.`
              : `OR across ${names.join(', ')} needs an index on every column (combined with BitmapOr), or reads the whole table.`) +
            (unproved ? ` ${unprovedSize('How many rows it reads', 'a problem once the table holds thousands of rows')}.` : ''),
          help: acrossTables
            ? 'An index on each column cannot serve an OR across two tables (it is checked after the join): split the query into a UNION (ALL with care for duplicates) of queries that each filter one table by an indexed column.'
            : 'Index every column in the OR, or split the query into a UNION (ALL with care for duplicates) of queries that each use one index.',
          evidence: { columns: names, unindexed, resolved: resolved.map((r) => ({ table: r.tableRef?.name, column: r.name })), acrossTables, ...(unproved ? { size: 'unproved' } : {}), ...(sized.size === 'large' ? { tableRows: sized.rows } : {}) },
        }),
      );
      return false;
    });
    return out;
  },
};
