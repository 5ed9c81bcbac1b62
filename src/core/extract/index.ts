/**
 * Entry point of SQL discovery: source text → SqlSite[].
 * SCAFFOLD (issue 3 replaces it): handles .sql files only, using PostgreSQL's parser for
 * statement boundaries; embedded SQL in code comes with the tree-sitter extractor.
 */
import type { SqlSite } from './types';
import { inspectSql, loadPgParser } from '../sql/statement';
import { languageOf } from '../syntax/treeSitter';

export type { SqlSite } from './types';

export async function extractSqlSites(text: string, languageIdOrPath: string, file?: string): Promise<SqlSite[]> {
  const isSql = /(^sql$|\.(sql|pgsql|psql)$)/i.test(languageIdOrPath);
  if (!isSql) {
    void languageOf(languageIdOrPath);
    return [];
  }
  await loadPgParser();
  const r = inspectSql(text);
  if (!r.ok) return [];
  return r.statements.map((s) => {
    let start = s.start;
    while (start < s.end && /\s/.test(text[start])) start++;
    const sql = text.slice(start, s.end).replace(/;\s*$/, '');
    return {
      file, language: 'sql', api: 'sql-file', sql,
      sourceMap: Array.from({ length: sql.length }, (_, i) => start + i),
      span: { start, end: start + sql.length }, params: [], confidence: 1, dynamic: false,
    } satisfies SqlSite;
  });
}
