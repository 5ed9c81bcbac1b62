/**
 * The Query tab's SQL layout: sql-formatter with its PostgreSQL dialect. Only whitespace may change:
 * when the formatter cannot read the text, or its output differs from the input in anything but
 * whitespace, the text is shown as it was sent (undefined here).
 */
import { formatDialect, postgresql } from 'sql-formatter';

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
