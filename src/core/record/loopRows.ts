/**
 * Does a recorded N+1's loop run over the rows of the query sent before it (the "parent" the recording names: "The rows
 * the loop runs over come from this query")? The recording only knows the order of the statements; the code says where
 * the query's result goes. person47 L4: a load generator's `SELECT max(id) AS n FROM ${table}` (one row, reduced to a
 * number in a helper) was named the source of the rows of a loop that runs a counter. Pure text reading, a heuristic of
 * the shapes that say it plainly: a result bound to names, a loop header over one of them or a counter bounded by one.
 */
import { pgParseTree } from '../sql/statement';
import { AGGREGATE_FUNCTIONS } from '../sql/predicates';

/**
 * `rows`: the loop iterates the query's result (or nothing says otherwise); `counter`: the loop counts to a number the
 * query gave (`name`); `none`: the query does not feed the loop's rows.
 */
export type LoopRows = { kind: 'rows' } | { kind: 'counter'; name: string } | { kind: 'none' };

/** A SELECT that returns at most one row: built-in aggregates only (AGGREGATE_FUNCTIONS) without GROUP BY, or LIMIT 1. Undefined: cannot read it. */
export function atMostOneRow(sql: string): boolean | undefined {
  const tree = pgParseTree(sql);
  const stmt = tree?.stmts?.length === 1 ? tree.stmts[0].stmt : undefined;
  const sel = stmt?.SelectStmt;
  if (!sel) return undefined;
  if (sel.op && sel.op !== 'SETOP_NONE') return false;
  const limit = sel.limitCount?.A_Const;
  if (limit && Number(limit.ival?.ival ?? limit.ival) === 1) return true;
  if (sel.groupClause?.length || sel.havingClause) return false;
  const targets: any[] = sel.targetList ?? [];
  return targets.length > 0 && targets.every((t) => {
    const f = t.ResTarget?.val?.FuncCall;
    const name = f?.funcname?.map((n: any) => n.String?.sval ?? n.String?.str).pop();
    return f && !f.over && AGGREGATE_FUNCTIONS.has(String(name).toLowerCase());
  });
}

/** The code keeps one row (or one value) of the call's result: `.rows[0]`, `fetchone()`, `.scalar()`, `.first()`… */
const ONE_ROW_IN_CODE = /\.rows\s*\[\s*0\s*\]|\.fetchone\s*\(|\.fetchval\s*\(|\.scalar(?:_one)?\s*\(|\.one\s*\(|\.first\s*\(/;

/** The names a line binds the result of the call at `col` (1-based) to; undefined when the call is not bound there. */
function boundNames(line: string, col: number): string[] | undefined {
  const m = /^\s*(?:(?:export\s+)?(?:const|let|var)\s+)?(\{[^}]*\}|\[[^\]]*\]|[A-Za-z_$][\w$]*(?:\s*,\s*[A-Za-z_$][\w$]*)*)\s*(?::\s*[^=]+)?=(?![=>])/.exec(line);
  if (!m) return undefined;
  const eq = m.index + m[0].length;
  // The call inside a function literal on the right (`const max = async (t) => …query(…)`): its result is the function's
  // return, not bound on this line.
  if (eq > col - 1 || /=>|\bfunction\b|\blambda\b/.test(line.slice(eq, col - 1))) return undefined;
  const lhs = m[1].replace(/^[{[]|[}\]]$/g, '');
  return lhs.split(',').map((p) => (p.includes(':') ? p.slice(p.indexOf(':') + 1) : p).replace(/=.*$/, '').replace(/^\s*\.\.\./, '').trim()).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
}

interface Loop {
  line: number;
  /** The expression iterated (`for (x of E)`, `for x in E:`, `E.forEach(`), or a counter's bound (`i < E`, `range(E)`). */
  expr: string;
  counter: boolean;
}

const LOOP_HEADERS: [RegExp, boolean][] = [
  [/\bfor\s*(?:await\s*)?\(\s*(?:const|let|var)?\s*[^;]*?\s(?:of|in)\s+(.+)\)\s*\{?\s*$/, false],
  [/\bfor\s*\([^;]*;[^;]*?<=?\s*([^;]+);[^)]*\)/, true],
  [/\bfor\s+.+?\s+in\s+range\s*\((.+)\)\s*:\s*$/, true],
  [/\bfor\s+.+?\s+in\s+(.+?)\s*:\s*$/, false],
  [/(.+?)\.(?:forEach|map|flatMap|each|each_with_index)\s*(?:\(|do\b|\{)/, false],
];

function loopHeader(text: string): Omit<Loop, 'line'> | undefined {
  for (const [re, counter] of LOOP_HEADERS) {
    const m = re.exec(text);
    if (m) return { expr: m[1].trim(), counter };
  }
  return undefined;
}

const FUNCTION_START = /=>|\bfunction\b|^\s*(?:async\s+)?def\s|^\s*(?:public|private|protected|static|async)?\s*[A-Za-z_$][\w$]*\s*\([^)]*\)\s*(?::\s*[^{]+)?\{\s*$/;

/** The loop around line `line` (1-based) within its function: braces (JavaScript, TypeScript…) or indentation (Python). */
function enclosingLoop(text: string, line: number, python: boolean): Loop | undefined {
  const lines = text.split('\n');
  if (python) {
    let indent = /^\s*/.exec(lines[line - 1] ?? '')![0].length;
    for (let i = line - 2; i >= 0 && i >= line - 400; i--) {
      const l = lines[i];
      if (!l.trim() || l.trim().startsWith('#')) continue;
      const ind = /^\s*/.exec(l)![0].length;
      if (ind >= indent) continue;
      indent = ind;
      const h = loopHeader(l);
      if (h) return { ...h, line: i + 1 };
      if (/^\s*(?:async\s+)?def\s|^\s*class\s/.test(l)) return undefined;
    }
    return undefined;
  }
  let depth = 0;
  for (let i = line - 2; i >= 0 && i >= line - 400; i--) {
    const l = lines[i].replace(/\/\/.*$/, '');
    for (let c = l.length - 1; c >= 0; c--) {
      if (l[c] === '}') depth++;
      else if (l[c] === '{') {
        if (depth > 0) {
          depth--;
          continue;
        }
        const head = l.slice(0, c + 1);
        const h = loopHeader(head);
        if (h) return { ...h, line: i + 1 };
        if (FUNCTION_START.test(head)) return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Whether the query sent at `parent` (its statements' `sqls`) gives the rows of the loop around the N+1 at `site`. Only
 * a verdict the code or the SQL supports changes the answer from `rows` (the recording's order, as before): the result
 * bound to names the loop's header does not read, or one row (an aggregate, `.rows[0]`) where no counter reads it.
 */
export function loopRowsFrom(parent: { file: string; line: number; col: number }, sqls: readonly string[], site: { file: string; line: number }, source: (file: string) => string | undefined): LoopRows {
  const parentLine = source(parent.file)?.split('\n')[parent.line - 1];
  const siteText = source(site.file);
  const names = parentLine !== undefined ? boundNames(parentLine, parent.col) : undefined;
  const loop = siteText !== undefined && parent.file === site.file && parent.line < site.line ? enclosingLoop(siteText, site.line, /\.py$/.test(site.file)) : undefined;
  const mentions = (expr: string) => names?.find((n) => new RegExp(`(?<![\\w$.])${n.replace(/\$/g, '\\$')}(?![\\w$])`).test(expr));
  if (loop && loop.line >= parent.line) {
    // The query called in the loop's header itself (`for (const p of await db.query(…))`).
    if (loop.line === parent.line && !loop.counter) return { kind: 'rows' };
    const named = mentions(loop.expr);
    if (loop.counter) return named ? { kind: 'counter', name: named } : { kind: 'none' };
    if (named) return { kind: 'rows' };
    if (names?.length) return { kind: 'none' };
  }
  const oneRow = (sqls.length > 0 && sqls.every((s) => atMostOneRow(s) === true)) || (parentLine !== undefined && ONE_ROW_IN_CODE.test(parentLine.slice(Math.max(0, parent.col - 1))));
  return oneRow ? { kind: 'none' } : { kind: 'rows' };
}
