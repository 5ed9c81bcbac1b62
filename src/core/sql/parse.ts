/**
 * The analysis AST: pgsql-ast-parser with location tracking (offsets into the given SQL).
 * Parse failures are values, never exceptions: callers decide (usually: no finding, a log line).
 */
import { parse, type Statement } from 'pgsql-ast-parser';
import { sqlOverLimit } from '../limits';

export type ParseOutcome = { ok: true; statements: Statement[] } | { ok: false; message: string };

const cache = new Map<string, ParseOutcome>();
const CACHE_MAX = 2000;

export function parseSql(sql: string): ParseOutcome {
  const hit = cache.get(sql);
  if (hit) return hit;
  let out: ParseOutcome;
  // Bounded work: never hand the parser a statement past the limits (300k nested parentheses ran it out of memory).
  const over = sqlOverLimit(sql);
  if (over) return { ok: false, message: over };
  try {
    out = { ok: true, statements: parse(sql, { locationTracking: true }) };
  } catch (e) {
    out = { ok: false, message: String((e as Error)?.message ?? e).split('\n')[0] };
  }
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(sql, out);
  return out;
}

/** The single statement of a text, or undefined when it does not parse or holds several. */
export function parseOne(sql: string): Statement | undefined {
  const r = parseSql(sql);
  return r.ok && r.statements.length === 1 ? r.statements[0] : undefined;
}
