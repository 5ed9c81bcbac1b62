/**
 * Bounded work: how much input any path (scan, --file, a pasted plan, a webview message) may hand
 * to a parser, and the one-line reason when it is over. Pure; the ONE place these limits live.
 * Checked BEFORE a parser is called: pgsql-ast-parser needs ~0.5 s and 100 MB for 1,000 nested
 * parentheses and ran out of memory on 300,000; libpg-query took 7 s for a 1.7 MB statement.
 */

export const LIMITS = {
  /** Longest SQL statement given to a parser (characters). Longer ones are reported as not analysed. */
  statementChars: 100_000,
  /** Deepest nesting of ( and [ in a statement given to a parser. */
  sqlNesting: 256,
  /** Largest file read unless the user raises it (scan's --max-file-size-kb, pgLens.maxFileSizeKb). */
  fileBytes: 2 * 1024 * 1024,
  /** Largest small file PG Lens reads for itself (.gitignore, --severity, --compare, sslrootcert). */
  smallFileBytes: 1024 * 1024,
  /** Largest EXPLAIN plan text accepted (JSON or text format). */
  planChars: 64 * 1024 * 1024,
  /** Deepest nesting of { and [ in a plan's JSON (a plan tree is a few hundred levels at most). */
  planNesting: 2_000,
} as const;

/**
 * The deepest nesting of `open`/`close` characters outside quoted text (SQL strings and quoted
 * identifiers, or JSON strings). Stops counting once past `stopAt`.
 */
export function nestingDepth(text: string, open: string, close: string, quotes: string, stopAt = Infinity): number {
  let depth = 0;
  let max = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"' && open.includes('{')) i++; // JSON escapes
      else if (c === quote) quote = undefined;
      continue;
    }
    if (quotes.includes(c)) quote = c;
    else if (open.includes(c)) {
      if (++depth > max) {
        max = depth;
        if (max > stopAt) return max;
      }
    } else if (close.includes(c)) depth = Math.max(0, depth - 1);
  }
  return max;
}

/**
 * The nesting of `open`/`close` characters at offset `at`, outside quoted text (no escapes: SQL strings and quoted
 * identifiers, Python strings). A closer with nothing open counts below zero unless `floor` is 0.
 */
export function depthAt(text: string, at: number, open: string, close: string, quotes: string, floor = -Infinity): number {
  let depth = 0;
  scanBrackets(text, 0, Math.min(at, text.length), open, close, quotes, (step) => {
    depth = step > 0 ? depth + 1 : Math.max(floor, depth - 1);
    return false;
  });
  return depth;
}

/**
 * Just past the closer that ends the bracket opened before `from` (scanning at depth 1 from `from`), outside quoted
 * text (no escapes); the text's length when it never closes.
 */
export function closingEnd(text: string, from: number, open: string, close: string, quotes: string): number {
  let depth = 1;
  const at = scanBrackets(text, from, text.length, open, close, quotes, (step) => (depth += step) === 0);
  return at < text.length ? at + 1 : text.length;
}

/**
 * Each opener (+1) and closer (−1) of `text` from `from` to `end`, outside quoted text (no escapes), handed to `step`;
 * the offset where `step` returned true, else `end`. depthAt and closingEnd read brackets through it.
 */
function scanBrackets(text: string, from: number, end: number, open: string, close: string, quotes: string, step: (delta: 1 | -1) => boolean): number {
  let quote: string | undefined;
  for (let i = from; i < end; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (quotes.includes(c)) quote = c;
    else if (open.includes(c)) {
      if (step(1)) return i;
    } else if (close.includes(c) && step(-1)) return i;
  }
  return end;
}

/** Why a SQL text is too big for a parser (one line), or undefined when it is within the limits. */
export function sqlOverLimit(sql: string): string | undefined {
  if (sql.length > LIMITS.statementChars) return `not analysed: the statement is ${formatChars(sql.length)}, over the limit of ${formatChars(LIMITS.statementChars)}`;
  const depth = nestingDepth(sql, '([', ')]', `'"`, LIMITS.sqlNesting);
  if (depth > LIMITS.sqlNesting) return `not analysed: the statement nests parentheses more than ${LIMITS.sqlNesting} levels deep`;
  return undefined;
}

/** Why a plan text is too big to read (one line), or undefined. */
export function planOverLimit(text: string): string | undefined {
  if (text.length > LIMITS.planChars) return `The plan is ${formatChars(text.length)}, over the limit of ${formatChars(LIMITS.planChars)}.`;
  const depth = nestingDepth(text, '{[', '}]', '"', LIMITS.planNesting);
  if (depth > LIMITS.planNesting) return `The plan nests more than ${LIMITS.planNesting} levels deep, more than any real plan.`;
  return undefined;
}

function formatChars(n: number): string {
  return `${n.toLocaleString('en-US')} characters`;
}
