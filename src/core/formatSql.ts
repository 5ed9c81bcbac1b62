/**
 * SQL laid out by sql-formatter with its PostgreSQL dialect: the plan viewer's Query tab (bundled into its own script,
 * media/dist/sqlFormat.js) and the recording's Full SQL document (the extension loads it on first use,
 * dist/lib-sql-formatter.js). Only whitespace may change: when the formatter cannot read the text, or its output differs
 * from the input in anything but whitespace, formatSql gives undefined.
 */
import { formatDialect, postgresql } from 'sql-formatter';
import { layoutSql } from './format';

export function formatSql(sql: string): string | undefined {
  if (!sql.trim()) return undefined;
  let out: string;
  try {
    out = formatDialect(sql, { dialect: postgresql, keywordCase: 'preserve', tabWidth: 2 });
  } catch {
    return undefined;
  }
  const bare = (s: string) => s.replace(/\s+/g, '');
  return bare(out) === bare(sql) ? out : undefined;
}

/**
 * A recorded statement's whole text as the Full SQL document shows it (the hover folds it: foldSql): sql-formatter's
 * layout, comments kept; text it cannot read laid out by clauses (layoutSql) instead.
 */
export function fullSqlText(sql: string): string {
  return formatSql(sql) ?? layoutSql(sql);
}
