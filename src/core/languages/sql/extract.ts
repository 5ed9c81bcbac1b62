/**
 * SQL files of named queries, loaded by the application at run time: aiosql / yesql / goyesql
 * (`-- name: get-user^`) and HugSQL / PugSQL (`-- :name get-user :? :1`). Each block under a name
 * header is application SQL (api `named-query`), not a script: its statements are judged like SQL
 * in code, with `:name`, `%(name)s`, `%s` and `$n` parameters mapped to `$n`.
 * A .sql file without such headers stays a script (api `sql-file`).
 */
import type { SqlSite } from '../../extract/types';
import { finishSql, textPart } from '../../extract/compose';
import { splitSqlStatements } from '../../extract/sqlLexer';

const HEADER = /^[ \t]*--[ \t]*(?:name[ \t]*:|:name[ \t]+)[ \t]*([^\s]+)[^\n]*$/gim;

/** sqlc's header: `-- name: GetUser :one` (also :many, :batchone, :batchmany) — rows returned as a generated struct. */
const SQLC_ROWS = /--[ \t]*name[ \t]*:[ \t]*\S+[ \t]+:(?:one|many|batchone|batchmany)\b/i;

/** Is this .sql file a set of named queries (at least one name header)? */
export function isNamedQueryFile(text: string): boolean {
  HEADER.lastIndex = 0;
  return HEADER.test(text);
}

/**
 * The name headers of a named-query file: where each starts and ends, the query's name as the code calls it
 * (aiosql's operation suffixes `^`, `!`, `<!`, `*!`, `#`, `$` left off: `get-user^` is `get-user`), and whether
 * it is sqlc's header with a rows annotation.
 */
export function namedQueryHeads(text: string): { start: number; end: number; name: string; sqlc: boolean }[] {
  const heads: { start: number; end: number; name: string; sqlc: boolean }[] = [];
  HEADER.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = HEADER.exec(text))) heads.push({ start: m.index, end: m.index + m[0].length, name: m[1].replace(/[!^<*#$]+$/, ''), sqlc: SQLC_ROWS.test(m[0]) });
  return heads;
}

/** The statements of a named-query file, one site per statement, pointed at its text. */
export function namedQuerySites(text: string, file?: string): SqlSite[] {
  const heads = namedQueryHeads(text);
  const out: SqlSite[] = [];
  heads.forEach((h, i) => {
    const bodyEnd = i + 1 < heads.length ? heads[i + 1].start : text.length;
    const body = text.slice(h.end, bodyEnd);
    for (const st of splitSqlStatements(body)) {
      const f = finishSql([textPart(st.text, h.end + st.start)], { dollar: true, colon: true, pyformat: true });
      if (!f.sql) continue;
      // sqlc writes the columns of a `*` into the generated code and a struct of them at generate time: the rows are that model.
      out.push({ file, language: 'sql', api: 'named-query', sql: f.sql, sourceMap: f.sourceMap, span: { start: h.end + st.start, end: h.end + st.end }, params: f.params, confidence: 1, dynamic: false, ...(h.sqlc ? { rowModel: `${h.name} (sqlc)` } : {}) });
    }
  });
  return out;
}
