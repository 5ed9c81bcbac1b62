/**
 * The analysis AST: pgsql-ast-parser with location tracking (offsets into the given SQL).
 * Parse failures are values, never exceptions: callers decide (usually: no finding, a log line).
 */
import { parse, type Statement } from 'pgsql-ast-parser';
import { sqlOverLimit } from '../limits';
import { catalogName } from './ident';
import { errorMessage } from '../safeText';
import { oncePerProcess } from '../oncePerProcess';

export type ParseOutcome = { ok: true; statements: Statement[] } | { ok: false; message: string };

/**
 * One cache per process: the editor's bundle and the analysis engine's (dist/engine.js) each hold a copy of this module,
 * and two caches held up to twice the parses and parsed again what the other had (as core/sql/statement.ts shares its
 * parser).
 */
const cache = oncePerProcess('parseCache', () => new Map<string, ParseOutcome>());
/**
 * Parses kept, oldest dropped first. Above a file's statement count every pass over the file parses each of them again
 * (they are read in the same order each pass, so the oldest is always the next one needed): a generated file of 3,000
 * statements was parsed whole by each of the rules, their plan evidence, the index advice's findings and its decision,
 * on every full run (issue 20: 85 s of the extension host's time for opening it and the app's file, 18 s with 5,000).
 * An entry is ~4 KB for a one-table read, ~9 KB for a four-table join with grouping.
 */
const CACHE_MAX = 5000;

/**
 * The rules parser's complaint on one line. Its message's first line ends in a colon ("Syntax error at line 9 col 48:")
 * with the excerpt and the reason on the lines below: the first line alone read "(Syntax error at line 9 col 48:)" in a
 * finding (person28 L4). The reason ("Unexpected word token: "AS"") is kept beside it.
 */
function parserComplaint(e: unknown): string {
  const text = String((e as Error | undefined)?.message ?? e);
  const first = errorMessage(e);
  // The reason ends before nearley's "Instead, I was expecting to see one of the following:" list or "I did not expect"
  // (person29 L3: the hint ended in that sentence and a dangling colon).
  const why = /^(Unexpected [^\n]*?)(?:\. (?:I did not expect|Instead, I was expecting)|\.?$)/m.exec(text)?.[1];
  return first.endsWith(':') ? (why ? `${first} ${why}` : first.slice(0, -1)) : first;
}

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
    out = { ok: false, message: parserComplaint(e) };
    // PostgreSQL takes any keyword as a column or table label after AS (`usename AS user`, `relname AS table`); the
    // parser rejects the reserved ones. Read again with them quoted, at the same offsets.
    // And a column named by a reserved word after its table's alias (`l.offset`, `t.order`): quoted too.
    // And a LIKE's `ESCAPE '\\'` clause, which the parser does not read: blanked (the pattern is what the rules judge).
    const relabelled = blankLikeEscapes(quoteQualifiedReserved(quoteReservedLabels(sql)));
    if (relabelled !== sql) {
      try {
        out = { ok: true, statements: resolveNames(parse(relabelled, { locationTracking: true })) };
      } catch {
        // not that: the first error stands
      }
    }
  }
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(sql, out);
  return out;
}

/**
 * `name LIKE $1 ESCAPE '\\'` written `name LIKE $1` and blanks (the same length: offsets past it still hold). The escape
 * character only changes how the pattern's own `\\%` reads; the rules judge the pattern, which stays (rules-x: SponsorBlock's
 * user search `"userName" LIKE ? ESCAPE '\\'`). Only tried on SQL the parser rejected, and kept only if it then parses.
 */
function blankLikeEscapes(sql: string): string {
  return sql.replace(/\bESCAPE\s+E?'(?:[^']|'')*'/gi, (m) => ' '.repeat(m.length));
}

/**
 * Reserved words PostgreSQL accepts as a label after AS (ColLabel) that pgsql-ast-parser does not. Not the words that
 * start a query (`CREATE VIEW v AS SELECT`, `AS WITH`, `AS VALUES`): there AS is no label's. (`CREATE TABLE t AS TABLE u`
 * rewritten does not parse, so the first error stands.)
 */
const RESERVED_LABEL = /\bAS(\s+)(user|table|order|group|from|where|limit|offset|default|check|references|to|all|and|any|array|asc|desc|both|case|cast|collate|constraint|create|current_date|current_user|distinct|do|else|end|except|false|fetch|for|foreign|grant|having|in|initially|intersect|into|lateral|leading|null|on|only|or|returning|session_user|some|then|trailing|true|union|using|when|window)\b(?!\s*\()/gi;

/**
 * `x AS user` written `x   "user"` (AS dropped, the label quoted, the same length: offsets into the SQL still hold). A
 * quoted label is read as the same name. Only tried on SQL the parser rejected, and kept only if it then parses.
 */
function quoteReservedLabels(sql: string): string {
  return sql.replace(RESERVED_LABEL, (_m: string, space: string, word: string) => `${' '.repeat(space.length)}"${word}"`);
}

/** `alias.offset AS label`, `alias.offset,` + blanks, `alias.offset` + blanks: a column named by a reserved word. */
const QUALIFIED_RESERVED = new RegExp(`(?<=[\\w"]\\.)(${RESERVED_LABEL.source.slice(RESERVED_LABEL.source.indexOf('(user|') + 1, RESERVED_LABEL.source.indexOf(')\\b'))})\\b(?:(\\s+AS\\s)|(,?)(\\s{3,}|,\\s{2,}))`, 'gi');

/**
 * `l.offset AS x` written `l."offset"  x`, `l.offset,` + blanks written `l."offset",` with two blanks fewer (the same
 * length: offsets past it still hold). Only tried on SQL the parser rejected, and kept only if it then parses.
 */
function quoteQualifiedReserved(sql: string): string {
  return sql.replace(QUALIFIED_RESERVED, (m: string, word: string, as: string | undefined, comma: string | undefined, blanks: string | undefined) => {
    if (as) return `"${word}"${' '.repeat(as.length - 2)}`;
    const rest = (comma ?? '') + (blanks ?? '');
    const lead = rest.startsWith(',') ? ',' : '';
    const ws = rest.slice(lead.length);
    return ws.length >= 2 ? `"${word}"${lead}${ws.slice(2)}` : m;
  });
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
