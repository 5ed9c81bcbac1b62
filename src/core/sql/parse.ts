/**
 * The analysis AST: pgsql-ast-parser with location tracking (offsets into the given SQL).
 * Parse failures are values, never exceptions: callers decide (usually: no finding, a log line).
 */
import { parse, type Statement } from 'pgsql-ast-parser';
import { sqlOverLimit } from '../limits';
import { catalogName } from './ident';
import { errorMessage } from '../safeText';

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
    out = { ok: true, statements: resolveNames(parse(sql, { locationTracking: true })) };
  } catch (e) {
    out = { ok: false, message: errorMessage(e) };
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

/**
 * pg_stat_statements writes the constant of a typed literal as a parameter (`interval '1 day'` → `interval $1`),
 * which the parser does not read; written as a cast (`$1::interval`) it does. Offsets shift: for analyses that need none.
 */
export function castTypedParameters(sql: string): string {
  return sql.replace(/\b(interval|timestamptz|timestamp|date|timetz|time|numeric|uuid|jsonb|json|inet)\s+\$(\d+)\b/gi, (_m, type: string, n: string) => `$${n}::${type}`);
}

/** AST keys whose string values are identifiers (names of tables, schemas, columns, aliases, functions, indexes). */
const NAME_KEYS = new Set(['name', 'schema', 'alias', 'table', 'column', 'indexName']);

/**
 * Every identifier of the AST as PostgreSQL resolves it (core/sql/ident catalogName): doubled quotes
 * of quoted names undone, 63-byte truncation; so rules, the advisor and catalog lookups see the
 * names the server has (issue 12 item 8: "we""ird" tables were never found).
 */
function resolveNames<T>(node: T): T {
  const stack: unknown[] = [node];
  while (stack.length) {
    const n = stack.pop();
    if (!n || typeof n !== 'object') continue;
    if (Array.isArray(n)) {
      for (const x of n) stack.push(x);
      continue;
    }
    const o = n as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (typeof v === 'string') {
        if (NAME_KEYS.has(k) && o.type !== 'string') o[k] = catalogName(v);
      } else if (v && typeof v === 'object' && k !== '_location') stack.push(v);
    }
  }
  return node;
}
