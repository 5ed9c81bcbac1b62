/**
 * The recorded statements of the place under the cursor (person12 R7): an ORM call holds no SQL text, so the commands
 * that act on "the statement at the cursor" (Open Plan, Explain Analyze, Benchmark Query, Suggest Indexes, Copy SQL)
 * take the statements the recording saw that call send — as the recorded CodeLens above it does. A recorded call site
 * is a line and a column (where the stack frame points); the call covers the lines from there to where its statement
 * ends, so the cursor anywhere inside `findMany({ where: { … } })` means that call.
 */
import { lineStarts, positionAt, type Span } from '../findings';
import type { SiteFigure } from './aggregate';
import { readsCatalog, touchesTables } from './ping';
import type { SqlSite } from '../extract/types';

/** Lines a recorded statement is read over at most (a call written over more lines is cut here). */
const MAX_CALL_LINES = 200;

export interface RecordedAtCursor {
  /** 1-based line of the recorded call (where its lens stands). */
  line: number;
  via?: string;
  sql: string;
  normalized: string;
  calls: number;
  totalMs: number;
}

/**
 * The offset where the statement that starts at `from` ends: brackets balanced outside strings and comments, at a `;`
 * or at the end of a line that the next line does not continue (a chain `.where(…)` on the next line continues it), or
 * at a closer of an enclosing bracket (the call is an argument).
 */
function statementEnd(text: string, from: number): number {
  let depth = 0;
  let quote: string | undefined;
  let lines = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      else if (c === '\n' && quote !== '`') quote = undefined;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '/' && text[i + 1] === '/') i = lineEndOf(text, i) - 1;
    else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return text.length;
      i = close + 1;
    } else if (c === '#' && (text[i + 1] === ' ' || text[i + 1] === '\n')) i = lineEndOf(text, i) - 1;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return i;
      depth--;
    } else if (c === ';' && depth === 0) return i + 1;
    else if (c === '\n') {
      if (++lines >= MAX_CALL_LINES) return i;
      if (depth > 0) continue;
      // At depth 0 the statement goes on only when the next line continues it (a method chain, an operator).
      const next = /^[ \t\r]*\n*[ \t\r]*(\S)/.exec(text.slice(i + 1, i + 200));
      const prev = /(\S)[ \t\r]*$/.exec(text.slice(Math.max(from, i - 200), i));
      if (next && (next[1] === '.' || next[1] === '?')) continue;
      if (prev && /[=+\-*/,.&|(\\]/.test(prev[1])) continue;
      return i;
    }
  }
  return text.length;
}

function lineEndOf(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl < 0 ? text.length : nl;
}

/**
 * The recorded statements of the call under `offset` in `file` (its text `text`): the sites recorded on the cursor's
 * line, else the nearest recorded call above whose statement reaches the cursor's line. Most time first. Empty when
 * the recording saw nothing there. Session commands and catalog reads the library sends by itself stay out.
 */
export function recordedStatementsAt(sites: readonly SiteFigure[], file: string, text: string, offset: number): RecordedAtCursor[] {
  const starts = lineStarts(text);
  const cursorLine = lineOf(starts, offset);
  let best: { line: number; sites: SiteFigure[] } | undefined;
  for (const s of sites) {
    if (s.file !== file || !s.line || s.line > cursorLine || s.line > starts.length) continue;
    if (best && s.line < best.line) continue;
    if (s.line < cursorLine) {
      const from = Math.min(starts[s.line - 1] + Math.max(0, (s.col ?? 1) - 1), lineEndOf(text, starts[s.line - 1]));
      if (lineOf(starts, statementEnd(text, from)) < cursorLine) continue;
    }
    if (best && best.line === s.line) best.sites.push(s);
    else best = { line: s.line, sites: [s] };
  }
  if (!best) return [];
  const out: RecordedAtCursor[] = [];
  for (const s of best.sites) {
    for (const st of s.statements) {
      // What the library sends on its own (Sequelize's `SET client_min_messages` on a new connection, its type
      // look-ups in pg_type) is not this line's statement, though the connection opened under it (person14 14).
      if (!touchesTables(st.normalized) || readsCatalog(st.normalized)) continue;
      const same = out.find((o) => o.normalized === st.normalized);
      if (same) {
        same.calls += st.calls;
        same.totalMs += st.totalMs;
      } else out.push({ line: best.line, via: s.via, sql: st.sql, normalized: st.normalized, calls: st.calls, totalMs: st.totalMs });
    }
  }
  return out.sort((a, b) => b.totalMs - a.totalMs);
}

/** 1-based line of an offset. */
function lineOf(starts: number[], offset: number): number {
  return positionAt(starts, offset).line + 1;
}

/**
 * A statement the app sent, as the commands take a statement (Explain Analyze, Benchmark, Suggest Indexes): its text as
 * sent, at the line of the call that sent it when known (`span`, the call's line in `file`), else at no place in a file
 * (a plan opened from a recorded hover or report). The plan viewer showing it acts on it; asking the cursor again listed
 * the call's other statements (person20 LOW 2: "4 statements recorded from line 36" under the panel showing one).
 */
export function recordedSite(sql: string, where?: { file: string; span: Span }): SqlSite {
  const start = where?.span.start ?? 0;
  return { ...(where ? { file: where.file } : {}), language: 'sql', api: 'recorded', sql, sourceMap: Array.from({ length: sql.length }, () => start), span: where ? { ...where.span } : { start: 0, end: 0 }, params: [], confidence: 1, dynamic: false };
}
