/**
 * Is this string SQL? A cheap keyword filter first, then PostgreSQL's own parser (libpg-query).
 * Used for strings that are not passed to a known API (confidence < 1) and to keep generic
 * method names such as `query`/`execute` from taking GraphQL or search strings for SQL.
 */
import { inspectSql } from '../sql/statement';
import type { SplicedName, UnreadSql } from './types';

const LEADING = /^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/|\()*/;

/** The statement keywords a SQL text can start with. */
const START = /^(select|insert|update|delete|with|create|alter|drop|truncate|merge|explain|values|table|grant|revoke|copy|vacuum|analyze|refresh|comment|lock|call|do|set|show|begin|commit|rollback|savepoint|release|listen|notify|prepare|execute|declare|fetch|move|close|reindex|cluster)\b/i;

/** Starts like a statement (after comments, blanks and opening parentheses)? */
export function startsLikeSql(text: string): boolean {
  const rest = text.slice(LEADING.exec(text)?.[0].length ?? 0, 400);
  return START.test(rest);
}

/**
 * Strong shapes: what a string must look like before we ask the parser, when it is not passed to
 * a known API. Prose such as "Select a file from the list" starts with a keyword too, so a
 * lower-case or Title-case text also needs a sign of SQL syntax.
 */
const STRONG = /^\s*(?:select\b[\s\S]*?\bfrom\b|select\s+[\w.*"(]|insert\s+into\b|update\s+(?:"[^"\n]{1,63}"|[\w."])+\s+(?:as\s+\w+\s+|\w+\s+)?set\b|delete\s+from\b|with\s+(?:recursive\s+)?[\w"]+\s*(?:\([^)]*\)\s*)?as\s*(?:not\s+)?(?:materialized\s*)?\(|create\s+(?:or\s+replace\s+)?(?:unique\s+|temp\s+|temporary\s+|unlogged\s+|materialized\s+)*(?:table|index|view|function|procedure|trigger|schema|extension|type|sequence)\b|alter\s+(?:table|index|sequence|view|type|function)\b|drop\s+(?:table|index|view|function|schema|type|sequence|extension|trigger)\b|truncate\s+(?:table\s+)?[\w."]+|merge\s+into\b|explain\b|do\s+(?:language\s+\w+\s+)?\$\w*\$|refresh\s+materialized\s+view\b|comment\s+on\s+(?:table|column|index|function|schema|type|view)\b)/i;
const SQL_SIGN = /[*=(),$?:'"<>]|\b(where|join|group\s+by|order\s+by|limit|values|returning|on\s+conflict)\b/i;

export interface SqlGuess {
  ok: boolean;
  confidence: number;
  reason?: string;
  /** The text has a statement's shape but PostgreSQL's parser rejects it (not prose). */
  parseError?: boolean;
}

/**
 * Decide whether `sql` (placeholders already $n) is a complete statement. Requires
 * loadPgParser() to have been awaited.
 */
export function guessSql(sql: string): SqlGuess {
  const body = sql.slice(LEADING.exec(sql)?.[0].length ?? 0);
  if (!STRONG.test(body)) return { ok: false, confidence: 0, reason: 'no statement shape' };
  const keyword = /^[A-Za-z]+/.exec(body)?.[0] ?? '';
  const upper = keyword === keyword.toUpperCase();
  const lower = keyword === keyword.toLowerCase();
  if (!upper && !lower) return { ok: false, confidence: 0, reason: 'Title-case keyword (prose)' };
  const rest = body.slice(keyword.length);
  if (!upper && !SQL_SIGN.test(rest)) return { ok: false, confidence: 0, reason: 'no SQL syntax besides words' };
  if (/[.!?]\s*$/.test(body) && !/\?\s*$/.test(sql.trim())) return { ok: false, confidence: 0, reason: 'ends like a sentence' };
  let r;
  try {
    r = inspectSql(sql);
  } catch {
    return { ok: false, confidence: 0, reason: 'parser unavailable' };
  }
  if (!r.ok) return { ok: false, confidence: 0, reason: r.message, parseError: upper || SQL_SIGN.test(rest) };
  if (!r.statements.length) return { ok: false, confidence: 0, reason: 'empty' };
  // Upper-case keywords and a clause beyond the first word: very likely SQL.
  const confidence = upper && SQL_SIGN.test(rest) ? 0.9 : upper || SQL_SIGN.test(rest) ? 0.8 : 0.6;
  return { ok: true, confidence };
}

/** What SQL needs between its words somewhere: an operator, a comma, a parenthesis, a quote, a qualified name, a parameter. */
const SQL_PUNCTUATION = /[*=(),$?:;'"<>.[\]|&+%/\\-]/;
/** How many words a text PostgreSQL rejects needs, with no SQL punctuation among them, to read as a sentence. */
const PROSE_WORDS = 6;

/**
 * A text PostgreSQL rejects that reads as an English sentence, not as broken SQL (issue 20, person51 L-4: the help text
 * `'select the rows from orders where the status is paid'` was a syntax-error warning): its first keyword is not written
 * in upper case (the way code writes SQL), and it is at least six plain words in a row with nothing of SQL's syntax among
 * them — no operator, comma, parenthesis, quote, dot or parameter, where a statement of that length needs some. Short
 * broken statements (`select id form orders`) and upper-case ones (`SELECT id FORM orders`) are not prose.
 */
export function readsAsProse(sql: string): boolean {
  const body = sql.slice(LEADING.exec(sql)?.[0].length ?? 0).trim();
  const keyword = /^[A-Za-z]+/.exec(body)?.[0] ?? '';
  if (!keyword || keyword === keyword.toUpperCase()) return false;
  if (SQL_PUNCTUATION.test(body)) return false;
  const words = body.split(/\s+/);
  return words.length >= PROSE_WORDS && words.every((w) => /^[A-Za-z]+$/.test(w));
}

/** ClickHouse's query parameters: `{websiteId:UUID}`, `{ids:Array(String)}`. */
const CLICKHOUSE_PARAM = /\{\s*[A-Za-z_]\w*\s*:\s*[A-Z]\w*(?:\([\w, ]*\))?\s*\}/;

/** Is the text written for ClickHouse (it binds `{name:Type}` parameters)? Then PostgreSQL's rules do not judge it. */
export function writtenForClickHouse(text: string): boolean {
  return CLICKHOUSE_PARAM.test(text);
}

/** `{ runTime, reason }` for a text PostgreSQL rejects, given the run-time pieces spliced into it (as written). */
export function runTimeReason(error: string, pieces: readonly string[], sql = '', names: readonly SplicedName[] = []): Omit<UnreadSql, 'span'> {
  if (CLICKHOUSE_PARAM.test(sql)) return { runTime: false, reason: 'written for ClickHouse ({name:Type} parameters), not PostgreSQL', otherDatabase: 'ClickHouse' };
  // The error is at a piece of the code that stands where a name goes (`FROM ${table}` read as `FROM table`, a reserved
  // word; `FROM #{table}` read as `FROM $1`): the statement is whole, only its table is chosen at run time (person28 L4:
  // the shop's traffic.ts `FROM ${table}` read "PostgreSQL cannot parse it (syntax error at or near "table")").
  const near = /at or near "([^"]*)"/.exec(error)?.[1]?.toLowerCase();
  const atName = near !== undefined ? names.filter((n) => n.read.toLowerCase() === near) : [];
  if (atName.length) return { runTime: true, name: true, reason: `built at run time from ${[...new Set(atName.map((n) => n.source))].join(', ')}` };
  const atPiece = pieces.length > 0 && /at or near "\$\d+"|at end of input/.test(error);
  const msg = error.replace(/\s+/g, ' ').slice(0, 120);
  if (atPiece) {
    const list = [...new Set(pieces)];
    return { runTime: true, reason: `built at run time from ${list.slice(0, 3).join(', ')}${list.length > 3 ? ` and ${list.length - 3} more` : ''} (${msg})` };
  }
  return { runTime: false, reason: `PostgreSQL cannot parse it (${msg})`, syntaxError: msg };
}

/**
 * Text a template fills in before it runs — Jinja/dbt `{{ ref('orders') }}` and `{% … %}`, `${…}` (Flyway's and other
 * tools' placeholders in .sql files), `#{…}` (MyBatis, Ruby): PostgreSQL never sees it as written, so a syntax error in
 * it as written is not the app's (db/ruleEvidence asks the server about no such text).
 */
export function filledByTemplate(sql: string): boolean {
  return /\{\{|\{%|\$\{|#\{/.test(sql);
}

/**
 * The one wording of a not-analysed hint, on a statement the extraction read (the rules' engine) and on a string that
 * only looks like SQL (the scan): person28 L4, the shop's two `FROM ${table}` read "This looks like SQL but PostgreSQL
 * cannot parse it" and "This SQL was not analysed: PostgreSQL cannot parse it".
 */
export function notAnalysedMessage(u: Pick<UnreadSql, 'reason' | 'runTime' | 'otherDatabase' | 'name'>): string {
  if (u.name) return `This SQL is ${u.reason}: PG Lens cannot plan it, and no query rule or index advice ran on it.`;
  return u.runTime || u.otherDatabase ? `This SQL is ${u.reason}: no query rule or index advice ran on it.` : `This SQL was not analysed: ${u.reason}; no query rule or index advice ran on it.`;
}
