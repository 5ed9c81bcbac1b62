/**
 * leading-wildcard-like: `col LIKE '%foo'` (or ILIKE, or '%' || $1) cannot use a btree index: the
 * pattern has no fixed prefix, so every row is read. A pg_trgm GIN index, or full-text search, can.
 */
import { rowsPhrase } from '../catalogFacts';
import { atOperators, equalitySiblings, setLookupsBeside, indexExpressionText, isFunctionOutput, isSystemRelation, leadingLiteral, resolveColumn, stripCasts, walk, type Node, type Scope } from './ast';
import type { Rule } from './types';
import { tableSize, unprovedSize } from './sizeEvidence';

const LIKE_OPS = new Set(['LIKE', 'ILIKE', '~~', '~~*']);
/** With evidence, tables below this many rows are scanned in no time anyway. */
const SMALL_TABLE_ROWS = 10000;

/**
 * `x LIKE '%…'`: a pattern with no fixed prefix, which no btree index (on the column or on an expression of it) serves.
 * `readConcat`: `CONCAT('%', $1, '%')` too. The rule itself does not read CONCAT yet: on the corpus it would add 155 notes
 * (ThingsBoard's and DolphinScheduler's optional filters beside a tenant's lookup) that no label judges.
 */
export function hasLeadingWildcard(n: Node, readConcat = false): boolean {
  return LIKE_OPS.has(String(n.op).toUpperCase()) && /^[%_]/.test(leadingLiteral(n.right, readConcat) ?? '');
}

/**
 * The table column a LIKE searches: the left side itself, or the first column read inside it (`lower(u.name)`,
 * `REPLACE(m.configuration ->> 'provider', '_', ' ')`), subqueries aside; undefined when the left side reads no table
 * column (a parameter, a literal, a set-returning function's value).
 */
function searchedColumn(left: Node, scope: Scope): Node | undefined {
  const target = stripCasts(left);
  const refs: Node[] = [];
  if (target?.type === 'ref') refs.push(target);
  else if (target) {
    walk(target, (x) => {
      if (x.type === 'select') return false;
      if (x.type === 'ref' && x.name !== '*') refs.push(x);
    });
  }
  return refs.find((r) => r.name !== '*' && !isFunctionOutput(r, scope));
}

export const leadingWildcardLike: Rule = {
  id: 'leading-wildcard-like',
  defaultSeverity: 'warning',
  description: "LIKE/ILIKE with a pattern starting with % or _ cannot use a btree index and reads every row.",
  check: atOperators(LIKE_OPS, (n, info, ctx) => {
    const lead = leadingLiteral(n.right);
    if (lead === undefined || !/^[%_]/.test(lead)) return undefined;
    // What is searched must be a table's column: `$1 ILIKE '%' || tag || '%'` matches the caller's text against patterns
    // built from the rows, and a value of `unnest(tags) AS tag` has no index either — no index is lost, none would help.
    const colNode = searchedColumn(n.left, info.scope);
    if (!colNode) return undefined;
    const col = colNode?.type === 'ref' ? resolveColumn(colNode, info.scope, ctx.evidence) : undefined;
    if (col?.trigramIndexed) return undefined;
    if (col?.tableRef && isSystemRelation(col.tableRef)) return undefined; // `indexdef LIKE '%x%'` on pg_indexes
    // A scan of every row costs what the table holds: nothing on a queue's few rows, a great deal on a table of
    // millions. Only a database shows which (the same evidence as offset-pagination, sizeEvidence.ts): without one the
    // finding is a note that says the size is unproved (issue 14, session 25: the labelled false warnings were tables of
    // a handful of rows — one row per queue, a component's few occurrences, the projects one vulnerability affects).
    const sized = tableSize([col?.table], SMALL_TABLE_ROWS);
    if (sized.size === 'small') return undefined;
    const rows = sized.size === 'large' ? sized.rows : undefined;
    const unproved = sized.size === 'unproved';
    const colText = ctx.textOf(n.left);
    // In the index, the column without the statement's alias (`u.email_hash` → `email_hash`).
    const indexed = indexExpressionText((x) => ctx.textOf(x), n.left);
    return ctx.report({
      at: n,
      ...(unproved ? { severity: 'info' as const } : {}),
      message: `${String(n.op).toUpperCase()} with a leading wildcard ('${lead.length > 24 ? `${lead.slice(0, 24)}…` : lead}') cannot use a btree index on ${colText}: every row is read${col?.table && rows !== undefined && rows > 0 ? ` (${rowsPhrase(col.table)})` : ''}.${unproved ? ` ${unprovedSize('How many rows it reads', 'a problem once the table holds tens of thousands of rows')}, or index it for substring search.` : ''}`,
      help: `For substring search create a trigram index: CREATE EXTENSION pg_trgm; CREATE INDEX ON ${col?.tableRef?.name ?? '<table>'} USING gin (${indexed} gin_trgm_ops). For word search use full-text search (tsvector). For suffix search index reverse(${indexed}).`,
      // The columns the same WHERE pins by equality: an index the schema files declare on one of them finds the rows (scan.ts).
      evidence: { pattern: lead, tableRows: rows, ...(unproved ? { size: 'unproved' } : {}), expression: `${colText} ${String(n.op).toUpperCase()} '${lead}'`, column: colNode?.type === 'ref' ? String(colNode.name) : undefined, table: col?.tableRef?.name, pinnedBy: equalitySiblings(ctx.statement as Node, n), lookupIn: setLookupsBeside(ctx.statement as Node, n) },
    });
  }),
};
