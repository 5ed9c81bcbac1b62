/**
 * A pass-through line of the app's: a thin wrapper around the driver that hands on whatever it is given
 * (`query: (...args) => (count++, pool.query(...args))`, `(text, params) => pool.query(text, params)`,
 * `function q() { return pool.query.apply(pool, arguments) }`). Its line is not where any statement is written: the
 * capture takes the caller's line instead (person21 MEDIUM 1: the demo's traffic script counted queries through such a
 * wrapper, and every statement of src/ was filed at that one line). Pure: one source line and the call's column.
 */

/** The call's argument text from `col` (1-based, the column V8 gives: the called name), to its closing parenthesis. */
function callArguments(line: string, col: number): string | undefined {
  const rest = line.slice(Math.max(0, col - 1));
  const open = /^[A-Za-z_$][\w$]*\s*(?:\?\.\s*)?\(/.exec(rest);
  if (!open) return undefined;
  let depth = 1;
  for (let i = open[0].length; i < rest.length; i++) {
    const c = rest[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return rest.slice(open[0].length, i).trim();
    } else if (c === '"' || c === "'" || c === '`') return undefined; // a literal: the statement is written here
  }
  return undefined;
}

/** The parameters of the nearest function written before `col` on the line (`(a, b) =>`, `x =>`, `function f(a, b)`). */
function parametersBefore(line: string, col: number): string[] | undefined {
  const head = line.slice(0, Math.max(0, col - 1));
  let found: string | undefined;
  for (const m of head.matchAll(/(?:\bfunction\b\s*[\w$]*\s*\(([^()]*)\)|\(([^()]*)\)\s*(?::\s*[^=]+?)?=>|\b([A-Za-z_$][\w$]*)\s*=>|\b(?!if\b|for\b|while\b|switch\b|catch\b)[A-Za-z_$][\w$]*\s*\(([^()]*)\)\s*(?::\s*[^{]+?)?\{)/g)) found = m[1] ?? m[2] ?? m[3] ?? m[4];
  if (found === undefined) return undefined;
  return found.split(',').map((p) => p.trim().replace(/^\.\.\./, '').replace(/\s*[:=?].*$/, '')).filter(Boolean);
}

/**
 * Whether the call at `col` of `line` hands on what its function was given: a spread (`(...args)`), `arguments`
 * (`.apply(x, arguments)`), or only names of the enclosing function's parameters, the first among them (`(sql, values)
 * => pool.query(sql, values)`). A call given a literal, or a name the line does not take as a parameter, is where its
 * statement is written.
 */
export function isPassThroughCall(line: string, col: number): boolean {
  // A rest parameter spread into the call, whatever is written between (a cast of the callee: the demo's
  // `(pool.query as (...a: unknown[]) => unknown)(...args)`).
  const head = line.slice(0, Math.max(0, col - 1));
  for (const m of line.slice(Math.max(0, col - 1)).matchAll(/\(\s*\.\.\.([A-Za-z_$][\w$]*)\s*\)/g)) {
    if (new RegExp(`\\.\\.\\.${m[1].replace(/\$/g, '\\$')}(?![\\w$])`).test(head)) return true;
  }
  const args = callArguments(line, col);
  if (args === undefined || args === '') return false;
  if (/^\.\.\.[A-Za-z_$][\w$]*$/.test(args) || /(^|,\s*)arguments$/.test(args)) return true;
  const names = args.split(',').map((a) => a.trim());
  if (!names.every((n) => /^[A-Za-z_$][\w$]*$/.test(n) || /^\.\.\.[A-Za-z_$][\w$]*$/.test(n))) return false;
  const params = parametersBefore(line, col);
  return !!params && params.length > 0 && names.every((n) => params.includes(n.replace(/^\.\.\./, ''))) && params.includes(names[0].replace(/^\.\.\./, ''));
}
