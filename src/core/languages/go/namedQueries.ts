/**
 * Go code that runs a named query from a .sql file by a struct field (goyesql / dotsql as listmonk uses them):
 *
 *   type Queries struct { GetSubscriber *sqlx.Stmt `query:"get-subscriber"` }
 *   …
 *   err := c.q.GetSubscriber.Select(&out, id, uu, email)
 *
 * The field's `query:"…"` tag names the query; the call `.GetSubscriber.Select(` runs it. These helpers find both, so
 * the editor can give the call site the named query's hover.
 */

/** A struct field tagged with a named query: `Name <type> `…query:"get-name"…``. */
const TAGGED_FIELD = /^[ \t]*([A-Za-z_]\w*)[ \t]+[^\n`]*`[^`\n]*\bquery:"([^"\n]+)"[^`\n]*`/gm;

/** The methods of a prepared statement (database/sql's *sql.Stmt, sqlx's *sqlx.Stmt) that run it. */
const STATEMENT_METHODS = /^(?:Select|Get|Exec|Query|QueryRow|Queryx|QueryRowx|MustExec|Unsafe)(?:Context)?$/;

/** Field name → query name, from the struct tags of a Go file (empty when it has none). */
export function namedQueryFields(goText: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!goText.includes('query:"')) return out;
  TAGGED_FIELD.lastIndex = 0;
  for (let m = TAGGED_FIELD.exec(goText); m; m = TAGGED_FIELD.exec(goText)) out.set(m[1], m[2]);
  return out;
}

/**
 * The statement field of a call `….Field.Method(` at `offset` (on the field's name or the method's), with the field
 * name's span; undefined elsewhere.
 */
export function statementCallAt(goText: string, offset: number): { field: string; start: number; end: number } | undefined {
  const word = (at: number) => {
    let s = at;
    let e = at;
    while (s > 0 && /\w/.test(goText[s - 1]!)) s--;
    while (e < goText.length && /\w/.test(goText[e]!)) e++;
    return s < e ? { s, e, w: goText.slice(s, e) } : undefined;
  };
  const here = word(offset);
  if (!here) return undefined;
  // On the method: the field is the word before its dot.
  if (STATEMENT_METHODS.test(here.w) && goText[here.s - 1] === '.' && /^\s*\(/.test(goText.slice(here.e, here.e + 20))) {
    const field = word(here.s - 1);
    if (field && goText[field.s - 1] === '.') return { field: field.w, start: field.s, end: field.e };
    return undefined;
  }
  if (goText[here.s - 1] !== '.') return undefined;
  const call = /^\.([A-Za-z]\w*)\s*\(/.exec(goText.slice(here.e, here.e + 40));
  if (!call || !STATEMENT_METHODS.test(call[1]!)) return undefined;
  return { field: here.w, start: here.s, end: here.e };
}
