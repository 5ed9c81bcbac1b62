/**
 * A small, careful lexer for PostgreSQL text as psql reads it: enough to split a script into
 * statements and to find placeholders outside strings and comments. It knows
 *  - '…' strings ('' escapes), E'…' strings (backslash escapes), and standard_conforming_strings=off;
 *  - "quoted identifiers" ("" escapes), U&'…' / U&"…", B'…', X'…';
 *  - dollar-quoted bodies ($$ … $$, $fn$ … $fn$), but not $1 parameters or identifiers with $ inside;
 *  - -- line comments and nested /* block comments *\/;
 *  - psql meta-commands (a backslash outside strings up to the end of the line) when `psql` is set;
 *  - parentheses and CREATE FUNCTION … BEGIN ATOMIC … END bodies (a ; inside does not end the statement).
 * It never throws: unterminated constructs run to the end of the text.
 */

type SqlTokenKind =
  | 'space'
  | 'comment'
  /** '…', E'…', U&'…', B'…', X'…' */
  | 'string'
  /** "…" or U&"…" */
  | 'quoted'
  /** $tag$ … $tag$ */
  | 'dollar'
  | 'semi'
  | 'open'
  | 'close'
  /** psql meta-command: from the backslash to the end of the line (psql mode only). */
  | 'meta'
  /** Anything else: a run of characters up to the next space or special character. */
  | 'code';

export interface SqlToken {
  kind: SqlTokenKind;
  start: number;
  end: number;
  /** For strings: true when unterminated. */
  open?: boolean;
}

export interface LexOptions {
  /** Treat backslash lines as psql meta-commands (for .sql files). Default false. */
  psql?: boolean;
  /** standard_conforming_strings: when false, backslash escapes apply in plain '…' strings too. Default true. */
  standardConformingStrings?: boolean;
}

const SPACE = /\s/;

function isIdentChar(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36 || code >= 0x80;
}

function isIdentStart(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code >= 0x80;
}

/** End of a '…' string starting at the quote `q`; backslashes escape when `backslash`. */
function endOfQuoted(text: string, q: number, quote: string, backslash: boolean): { end: number; open: boolean } {
  let i = q + 1;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (backslash && c === '\\') {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (text[i + 1] === quote) {
        i += 2;
        continue;
      }
      return { end: i + 1, open: false };
    }
    i++;
  }
  return { end: n, open: true };
}

/** The dollar-quote tag at i (`$$` or `$tag$`), or undefined. */
function dollarTagAt(text: string, i: number): string | undefined {
  if (text[i] !== '$') return undefined;
  if (i > 0 && isIdentChar(text[i - 1])) return undefined;
  let j = i + 1;
  if (text[j] === '$') return '$$';
  if (!isIdentStart(text[j])) return undefined;
  while (j < text.length && isIdentChar(text[j]) && text[j] !== '$') j++;
  if (text[j] !== '$') return undefined;
  return text.slice(i, j + 1);
}

/** Lex the whole text. Never throws; always covers [0, text.length) with contiguous tokens. */
export function lexSql(text: string, opts: LexOptions = {}): SqlToken[] {
  const out: SqlToken[] = [];
  let i = 0;
  while (i < text.length) {
    const t = lexOne(text, i, opts);
    out.push(t);
    i = t.end;
  }
  return out;
}

/**
 * The highest $n parameter of a statement (0 when it has none): THE parameter counter. $n inside
 * strings, quoted identifiers, dollar-quoted bodies and comments do not count.
 */
export function maxParamIndex(sql: string): number {
  let max = 0;
  if (!sql.includes('$')) return 0;
  for (const t of lexSql(sql)) {
    if (t.kind !== 'code') continue;
    const m = /^\$(\d+)/.exec(sql.slice(t.start, t.end));
    if (m) max = Math.max(max, Number(m[1]));
    else for (const p of sql.slice(t.start, t.end).matchAll(/(?<![\w$])\$(\d+)/g)) max = Math.max(max, Number(p[1]));
  }
  return max;
}

/** The token starting at i (i < text.length). */
export function lexOne(text: string, i: number, opts: LexOptions = {}): SqlToken {
  const n = text.length;
  const scs = opts.standardConformingStrings !== false;
  const c = text[i];
  const start = i;
  if (SPACE.test(c)) {
    while (i < n && SPACE.test(text[i])) i++;
    return { kind: 'space', start, end: i };
  }
  if (c === '-' && text[i + 1] === '-') {
    while (i < n && text[i] !== '\n') i++;
    return { kind: 'comment', start, end: i };
  }
  if (c === '/' && text[i + 1] === '*') {
    let depth = 1;
    i += 2;
    while (i < n && depth > 0) {
      if (text[i] === '/' && text[i + 1] === '*') {
        depth++;
        i += 2;
      } else if (text[i] === '*' && text[i + 1] === '/') {
        depth--;
        i += 2;
      } else i++;
    }
    return { kind: 'comment', start, end: Math.min(i, n), open: depth > 0 || undefined };
  }
  if (c === "'") {
    const r = endOfQuoted(text, i, "'", !scs);
    return { kind: 'string', start, end: r.end, open: r.open || undefined };
  }
  if (c === '"') {
    const r = endOfQuoted(text, i, '"', false);
    return { kind: 'quoted', start, end: r.end, open: r.open || undefined };
  }
  if (i === 0 || !isIdentChar(text[i - 1])) {
    // Prefixed strings: E'…' (escapes), B'…', X'…', N'…', U&'…', U&"…".
    const c1 = text[i + 1];
    if ((c === 'E' || c === 'e') && c1 === "'") {
      const r = endOfQuoted(text, i + 1, "'", true);
      return { kind: 'string', start, end: r.end, open: r.open || undefined };
    }
    if ((c === 'B' || c === 'b' || c === 'X' || c === 'x' || c === 'N' || c === 'n') && c1 === "'") {
      const r = endOfQuoted(text, i + 1, "'", !scs);
      return { kind: 'string', start, end: r.end, open: r.open || undefined };
    }
    if ((c === 'U' || c === 'u') && c1 === '&' && (text[i + 2] === "'" || text[i + 2] === '"')) {
      const q = text[i + 2];
      const r = endOfQuoted(text, i + 2, q, false);
      return { kind: q === "'" ? 'string' : 'quoted', start, end: r.end, open: r.open || undefined };
    }
  }
  if (c === '$') {
    const tag = dollarTagAt(text, i);
    if (tag) {
      const close = text.indexOf(tag, i + tag.length);
      return { kind: 'dollar', start, end: close < 0 ? n : close + tag.length, open: close < 0 || undefined };
    }
  }
  if (c === ';') return { kind: 'semi', start, end: i + 1 };
  if (c === '(' || c === '[') return { kind: 'open', start, end: i + 1 };
  if (c === ')' || c === ']') return { kind: 'close', start, end: i + 1 };
  if (c === '\\' && opts.psql) {
    while (i < n && text[i] !== '\n') i++;
    return { kind: 'meta', start, end: i };
  }
  // A run of other characters. Stop before anything that starts another token.
  i++;
  while (i < n) {
    const d = text[i];
    if (SPACE.test(d) || d === ';' || d === '(' || d === ')' || d === '[' || d === ']' || d === "'" || d === '"') break;
    if (d === '-' && text[i + 1] === '-') break;
    if (d === '/' && text[i + 1] === '*') break;
    if (d === '$' && dollarTagAt(text, i)) break;
    if (d === '\\' && opts.psql) break;
    if (!isIdentChar(text[i - 1]) && (((d === 'E' || d === 'e' || d === 'B' || d === 'b' || d === 'X' || d === 'x' || d === 'N' || d === 'n') && text[i + 1] === "'") || ((d === 'U' || d === 'u') && text[i + 1] === '&' && (text[i + 2] === "'" || text[i + 2] === '"')))) break;
    i++;
  }
  return { kind: 'code', start, end: i };
}

export interface SqlStatementRange {
  /** First significant character (comments and blanks before the statement are left out). */
  start: number;
  /** After the last significant character, before the terminating semicolon. */
  end: number;
  /** Offset of the terminating `;` (or of the meta-command that ended it), if any. */
  terminator?: number;
  text: string;
}

const WORD_RE = /^[A-Za-z_]+$/;

/**
 * Split a script into statements the way psql does. Meta-command lines are not SQL; they end the
 * statement before them. `SET standard_conforming_strings = off` changes how later strings lex.
 * After `COPY … FROM STDIN;` the data up to a line `\.` is skipped.
 */
export function splitSqlStatements(text: string, opts: { psql?: boolean } = {}): SqlStatementRange[] {
  const psql = opts.psql !== false;
  const out: SqlStatementRange[] = [];
  let pos = 0;
  let scs = true;
  while (pos < text.length) {
    let depth = 0;
    let beginDepth = 0;
    let first = -1;
    let last = -1;
    const words: string[] = [];
    let consumed = text.length;
    let terminator: number | undefined;
    let i = pos;
    while (i < text.length) {
      const t = lexOne(text, i, { psql, standardConformingStrings: scs });
      i = t.end;
      if (t.kind === 'space' || t.kind === 'comment') continue;
      if (t.kind === 'meta') {
        if (first >= 0) {
          terminator = t.start;
          consumed = t.start;
        } else consumed = t.end;
        break;
      }
      if (t.kind === 'semi' && depth <= 0 && beginDepth <= 0) {
        terminator = t.start;
        consumed = t.end;
        break;
      }
      if (first < 0) first = t.start;
      last = t.end;
      if (t.kind === 'open') depth++;
      else if (t.kind === 'close') depth = Math.max(0, depth - 1);
      else if (t.kind === 'code' && words.length < 400 && t.end - t.start < 20) {
        const w = text.slice(t.start, t.end);
        if (WORD_RE.test(w)) {
          const u = w.toUpperCase();
          words.push(u);
          // CREATE FUNCTION/PROCEDURE … BEGIN ATOMIC … END: psql keeps semicolons inside.
          if (words[0] === 'CREATE' && (words.includes('FUNCTION') || words.includes('PROCEDURE'))) {
            if (u === 'BEGIN' || (beginDepth > 0 && u === 'CASE')) beginDepth++;
            else if (u === 'END' && beginDepth > 0) beginDepth--;
          }
        }
      }
    }
    if (first >= 0) {
      const stmt = text.slice(first, last);
      out.push({ start: first, end: last, terminator, text: stmt });
      const settings = /^\s*set\s+(?:session\s+|local\s+)?standard_conforming_strings\s*(?:=|to)\s*'?(\w+)'?\s*$/i.exec(stmt);
      if (settings) scs = !/^(off|false|0|no)$/i.test(settings[1]);
      if (terminator !== undefined && text[terminator] === ';' && /^copy\b[\s\S]*\bfrom\s+stdin\b/i.test(stmt)) {
        // Data follows up to a line consisting of \.
        const nl = text.indexOf('\n', consumed);
        if (nl < 0) break;
        const m = /^\\\.[ \t]*\r?$/m.exec(text.slice(nl + 1));
        consumed = m ? nl + 1 + m.index + m[0].length : text.length;
      }
    }
    pos = Math.max(consumed, pos + 1);
  }
  return out;
}

/**
 * The statement under the cursor: the statement containing `offset` (its terminating `;`
 * included); else the statement ending earlier on the same line; else the one starting later on
 * the same line. undefined on blank lines between statements.
 */
export function statementAt(text: string, offset: number, statements = splitSqlStatements(text)): SqlStatementRange | undefined {
  let before: SqlStatementRange | undefined;
  for (const s of statements) {
    const stop = s.terminator !== undefined && text[s.terminator] === ';' ? s.terminator + 1 : s.end;
    if (offset >= s.start && offset <= stop) return s;
    if (stop < offset) before = s;
    else {
      const sameLine = (a: number, b: number) => !text.slice(Math.min(a, b), Math.max(a, b)).includes('\n');
      if (before) {
        const bStop = before.terminator !== undefined && text[before.terminator] === ';' ? before.terminator + 1 : before.end;
        if (sameLine(bStop, offset)) return before;
      }
      return sameLine(offset, s.start) ? s : undefined;
    }
  }
  if (before) {
    const bStop = before.terminator !== undefined && text[before.terminator] === ';' ? before.terminator + 1 : before.end;
    if (!text.slice(bStop, offset).includes('\n')) return before;
  }
  return undefined;
}
