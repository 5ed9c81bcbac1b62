/**
 * not-in-subquery where no whole statement is written: a WHERE fragment the code appends at run time
 * (`extraCriteria += " and c.id NOT IN (select client_id from m_group_client) "`, Fineract's client list, split rules-l).
 * The statement it joins is composed elsewhere (another method builds the SELECT), so no site holds it and the SQL rule
 * never sees the NOT IN. A text scan, per file, of string literals: a `NOT IN (SELECT …)` whose subquery closes inside the
 * same literal and which no parsed site already covers. Judged as the SQL rule judges it without a database: a subquery
 * of one plain column over its whole table (no WHERE) is a warning (a NULL empties the result, and NOT IN hashes every
 * row of it on each run); `id` (the primary key by convention), a column the schema files declare NOT NULL, or a
 * subquery that drops its NULLs (`IS NOT NULL` or `NOTNULL`) beside another condition, leaves only the planning problem: info.
 */
import type { Analyzer } from '../scan';
import { dialectOfFile, type DialectVerdict } from '../dialect';
import type { Finding } from '../findings';
import type { SqlSite } from '../extract/types';
import { parseSql } from '../sql/parse';
import { cteColumnSource, notInSubquery, type CteColumnSource } from './notInSubquery';
import { closingEnd } from '../limits';
import { writtenForClickHouse } from '../extract/looksLikeSql';
import { declaredNotNull, ormDeclaredNotNull, type DeclaredIndexes } from '../sql/declaredIndexes';

interface Hit {
  at: number;
  end: number;
  subquery: string;
  severity: 'warning' | 'info';
  nullable: boolean | undefined;
}

/**
 * The string literals of a line-oriented language (one line each, `"…"`, `'…'` or `` `…` ``): start and text. With
 * `tripleQuoted`, Python's triple-quoted strings (and Java's text blocks) too, several lines each.
 */
export function literals(text: string, tripleQuoted = false): { start: number; body: string }[] {
  const out: { start: number; body: string }[] = [];
  const re = tripleQuoted
    ? /"""([\s\S]{0,8000}?)"""|'''([\s\S]{0,8000}?)'''|"((?:[^"\\\n]|\\.){0,2000})"|'((?:[^'\\\n]|\\.){0,2000})'|`([^`]{0,4000})`/g
    : /"((?:[^"\\\n]|\\.){0,2000})"|'((?:[^'\\\n]|\\.){0,2000})'|`([^`]{0,4000})`/g;
  const open = tripleQuoted ? [3, 3, 1, 1, 1] : [1, 1, 1];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const k = m.slice(1).findIndex((g) => g !== undefined);
    out.push({ start: m.index + open[k], body: m[k + 1] });
  }
  return out;
}

/** Is `at` on a comment line (`//`, `#`, `--`, `*`)? */
export function onCommentLine(text: string, at: number): boolean {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  return /^\s*(?:#|\/\/|--|\/\*|\*)/.test(text.slice(lineStart, at));
}

function findFragmentNotIns(text: string, sites: readonly SqlSite[], declared?: DeclaredIndexes): Hit[] {
  if (!/not\s+in\s*\(\s*select\b/i.test(text)) return [];
  // Sites the SQL rule judges: their parsed statement holds the NOT IN already.
  const judged = sites.filter((s) => /\bNOT\s+IN\b/i.test(s.sql) && parseSql(s.sql).ok);
  const out: Hit[] = [];
  for (const lit of literals(text)) {
    // A fragment for ClickHouse's query builder (`{projectId: String}` beside it): not PostgreSQL's NULL trap or plan.
    if (writtenForClickHouse(lit.body)) continue;
    const re = /\bnot\s+in\s*\(\s*(select\b)/gi;
    for (let m = re.exec(lit.body); m; m = re.exec(lit.body)) {
      const at = lit.start + m.index;
      if (onCommentLine(text, at) || judged.some((s) => at >= s.span.start && at < s.span.end)) continue;
      // The subquery must close inside this literal: otherwise what it reads is not written here.
      const open = m.index + m[0].length - m[1].length - 1;
      // A space after the body: a parenthesis that never closes ends past it, one closed by the body's last character does not.
      const end = closingEnd(`${lit.body} `, open + 1, '(', ')', '');
      if (end > lit.body.length) continue;
      const close = end - 1;
      const subquery = lit.body.slice(open + 1, close).trim();
      const shape = /^select\s+(?:distinct\s+)?(?:(\w+)\.)?(\w+)\s+from\s+([\w.]+)(?:\s+(?:as\s+)?\w+)?\s*(?:where\s+([\s\S]*))?$/i.exec(subquery);
      if (!shape) continue; // an expression, several columns, a join: the rule's parser would be needed to judge it
      const column = shape[2].toLowerCase();
      const where = shape[4];
      // `col IS NOT NULL`, or PostgreSQL's postfix `col NOTNULL` (the same test).
      const dropsNulls = !!where && new RegExp(String.raw`\b${column}\s+(?:is\s+not\s+null|notnull)\b`, 'i').test(where);
      // The subquery reads a CTE the same literal writes (`inserted AS (INSERT … RETURNING cycle_id)`) in a statement the
      // parser could not read whole: the CTE's own statement, parsed alone, is followed to its table as the SQL rule follows it.
      const base = cteOfLiteral(lit.body, shape[3], column);
      const table = base?.table ?? shape[3];
      const col = base?.column.toLowerCase() ?? column;
      // The schema files (or the ORM's models) declare the column NOT NULL, as the SQL rule reads them.
      const notNull = !!base?.notNull || declaredNotNull(declared, table, col) === true || ormDeclaredNotNull(declared, table, col);
      const nullable = column === 'id' || notNull || dropsNulls ? false : undefined;
      // As the SQL rule: `id` or a column declared NOT NULL cannot be NULL (info; a CTE's column only when its rows are
      // narrowed, as the SQL rule reads a CTE); `WHERE col IS NOT NULL` alone still hashes the whole table (warning), with
      // another condition beside it only the planning problem remains (info); a column that may be NULL: warning.
      const severity = column === 'id' || (notNull && (!base || base.filtered || !!where)) || (dropsNulls && /\band\b/i.test(where ?? '')) ? 'info' : 'warning';
      out.push({ at, end: lit.start + close + 1, subquery, severity, nullable });
    }
  }
  return out;
}

/** `name AS (…)` after WITH or a comma in `body`: that CTE's statement parsed alone, followed to the table `column` comes from. */
function cteOfLiteral(body: string, name: string, column: string): CteColumnSource | undefined {
  if (!/^\w+$/.test(name)) return undefined;
  const m = new RegExp(String.raw`(?:\bwith\s+(?:recursive\s+)?|,\s*)${name}\s+as\s*(?:(?:not\s+)?materialized\s*)?\(`, 'i').exec(body);
  if (!m) return undefined;
  const start = m.index + m[0].length;
  const end = closingEnd(`${body} `, start, '(', ')', '');
  if (end > body.length) return undefined;
  const parsed = parseSql(body.slice(start, end - 1));
  return parsed.ok && parsed.statements.length === 1 ? cteColumnSource(parsed.statements[0] as never, column) : undefined;
}

export function fragmentNotInAnalyzer(opts: { project?: DialectVerdict; declared?: DeclaredIndexes } = {}): Analyzer {
  return {
    id: 'fragment-not-in',
    rules: [notInSubquery],
    analyze({ text, file, sites }): Finding[] {
      if (file.endsWith('.sql') || dialectOfFile(file, text, opts.project).dialect === 'other') return [];
      return findFragmentNotIns(text, sites, opts.declared).map((h) => ({
        ruleId: notInSubquery.id,
        severity: h.severity,
        message:
          h.nullable === false
            ? 'NOT IN (SELECT …) in a WHERE fragment cannot be planned as an anti-join (a subplan per row, or a hashed subplan that must fit in work_mem); NOT EXISTS can.'
            : 'NOT IN (SELECT …) in a WHERE fragment returns no rows at all if the subquery yields a single NULL, and cannot be planned as an anti-join; use NOT EXISTS.',
        help: 'Rewrite as NOT EXISTS (SELECT 1 FROM … WHERE inner.col = outer.col): correct with NULLs and planned as a Hash/Merge Anti Join.',
        span: { start: h.at, end: Math.max(h.at + 1, Math.min(h.end, h.at + 80)) },
        file,
        fixes: [],
        evidence: { subquery: h.subquery, subqueryColumnNullable: h.nullable ?? null, written: 'appended-fragment' },
      }));
    },
  };
}
