/**
 * leading-wildcard-like where the SQL rule cannot see the pattern (issue 14, session 29):
 * - a WHERE fragment the code adds to a list or appends at run time, whose statement is composed elsewhere
 *   (`whereConditions.add("LOWER(\"C\".\"NAME\") LIKE ('%' || LOWER(:componentName) || '%')")`, hyades' component search);
 * - a pattern bound to a parameter whose value the code builds with a leading `%`, where the statement (whole or a
 *   fragment) only says `LIKE :name` / `LIKE ?` (`params["username"] = f"%{query.username}%"` for `username ILIKE
 *   :username`, Tasking Manager's user search; `params.addValue("search", "%" + q + "%")` for `c.display_name like
 *   :search`, Fineract's global search; `paramList.add("%" + displayName + "%")` beside `c.display_name like ?`).
 * A text scan, per file, of string literals. Without a database the table's size is unproved, so each is a note (info),
 * as the SQL rule's own finding is without one.
 */
import type { Analyzer } from '../scan';
import { dialectOfFile, type DialectVerdict } from '../dialect';
import type { Finding } from '../findings';
import type { SqlSite } from '../extract/types';
import { parseSql } from '../sql/parse';
import { leadingWildcardLike } from './leadingWildcardLike';
import { literals, onCommentLine } from './fragmentNotIn';
import { unprovedSize } from './sizeEvidence';

interface Hit {
  at: number;
  end: number;
  expression: string;
  written: 'appended-fragment' | 'bound-value';
  /** Where the bound value is built, as written (`f"%{query.username}%"`). */
  value?: string;
}

/**
 * The searched column (bare, qualified, quoted, cast, or under lower()/upper(); or named at run time by a format slot,
 * `'"{}" ILIKE %s'.format(field)`, `"%s ilike '%%' || …"` — not the `not` of `not like`), the operator, and what follows it.
 */
const LIKE = /((?<![%\w$])(?:\b(?:lower|upper)\s*\(\s*)?(?:\\?"?[A-Za-z_][\w$]*\\?"?\.)?\\?"?(?:(?!not\b)[A-Za-z_][\w$]*|\{\w*\}|%s)\\?"?(?:::\w+)?(?:\s*\))?)\s+(?:not\s+)?(i?like)\s+/gi;
/** A pattern written with a leading wildcard: `'%…'`, `('%' || …`, `'_…'`. */
const WRITTEN_WILDCARD = /^\(?\s*'[%_]/;
/** A named parameter as the pattern, perhaps under lower()/upper(): `:name`, `%(name)s`, `@name`, `#{name}`. */
const NAMED = /^\(?\s*(?:(?:lower|upper)\s*\(\s*)?(?::([A-Za-z_]\w*)|%\(([A-Za-z_]\w*)\)s|@([A-Za-z_]\w*)|#\{([A-Za-z_]\w*)\})/i;
/** A value that starts with a wildcard: a string literal (`"%…"`, `f"%{x}%"`, `` `%${x}` ``) or `'%' + x`, `'%' || x`. */
const WILDCARD_VALUE = String.raw`(?:[fFrRbBuU]{0,2}(?:"%|'%|\x60%)|["'\x60]%["'\x60]\s*(?:\+|\|\|))[^\n;]{0,80}`;
/** A line that starts a function or method (Python, JS/TS, Go, Java, Ruby). */
const FUNCTION_START = /^\s*(?:(?:async\s+)?def\s|(?:export\s+)?(?:async\s+)?function\b|func\s|(?:(?:public|private|protected|static|final|synchronized)\s+)+[\w<>[\],\s]+\(|[A-Za-z_]\w*\s*\([^)]*\)\s*\{\s*$)/;

/** Start and end offsets of the function around `at` (the lines between the nearest function starts), bounded. */
function functionAround(text: string, at: number): [number, number] {
  let start = text.lastIndexOf('\n', at) + 1;
  for (let lines = 0; start > 0 && lines < 300; lines++) {
    const prev = text.lastIndexOf('\n', start - 2) + 1;
    start = prev;
    if (FUNCTION_START.test(text.slice(prev, text.indexOf('\n', prev)))) break;
  }
  let end = text.indexOf('\n', at);
  for (let lines = 0; end >= 0 && end < text.length && lines < 300; lines++) {
    const next = text.indexOf('\n', end + 1);
    if (FUNCTION_START.test(text.slice(end + 1, next < 0 ? text.length : next))) break;
    end = next < 0 ? text.length : next;
  }
  return [start, end < 0 ? text.length : end];
}

/**
 * The value the code binds to parameter `name` with a leading wildcard, as written, if any: under its quoted name anywhere
 * in the file (`params["name"] = f"%…"`, `{"name": "%" + q}`, `addValue("name", "%" + q + "%")`, `.bind("name", …)`), or
 * through a variable of the same function (`params["name"] = pattern` with `pattern = f"%{q}%"`; `name = "%" + q`).
 */
function boundWildcard(text: string, at: number, name: string): string | undefined {
  const quoted = `["']${name}["']\\s*(?:\\]\\s*=|:|,)\\s*`;
  const wildcard = new RegExp(`^(${WILDCARD_VALUE})`);
  const [start, end] = functionAround(text, at);
  const body = text.slice(start, end);
  // The function's own bindings of the name decide when it has any (`"username": username.lower()` binds no wildcard,
  // whatever another function of the file binds under the same name).
  const own = [...body.matchAll(new RegExp(`${quoted}([^\\n;]{1,120})`, 'g'))].map((m) => m[1].trim());
  const values = own.length ? own : [...text.matchAll(new RegExp(`${quoted}(${WILDCARD_VALUE})`, 'g'))].map((m) => m[1].trim());
  const direct = values.find((v) => wildcard.test(v));
  if (direct) return direct;
  // A variable bound under the name (`params["text_search"] = ilike_search`), or the name itself (`username = "%" + q`).
  const variables = [name, ...own.map((v) => /^([A-Za-z_]\w*)\b(?!\s*[(.[])/.exec(v)?.[1]).filter((v): v is string => !!v)];
  for (const v of variables) {
    const assigned = new RegExp(`(?<![\\w.])${v}\\s*=\\s*(${WILDCARD_VALUE})`).exec(body);
    if (assigned) return assigned[1].trim();
  }
  return undefined;
}

/**
 * A positional parameter as the pattern: `?`, DB-API's `%s`, `$n`, or a list of them compared with ANY/ALL
 * (`LIKE ANY(array[%s, %s])`, `LIKE {}(array[{}])` filled by `.format("ANY", ",".join(["%s"] * n))`).
 */
const POSITIONAL = /^\(?\s*(?:(?:lower|upper)\s*\(\s*)?(?:\?|%s\b|\$\d+\b|(?:any|all|\{\w*\})\s*\(\s*array\s*\[)/i;
/**
 * A string that starts with `%` but is no leading-wildcard pattern: a format string (`"%s"`, `"%s ILIKE ?"`, `'%d'`,
 * `"%(name)s"`), a date format (`"%Y-%m-%d"`), or a lone `"%"` not joined to a value (`.replace("*", "%")`).
 */
const NOT_A_PATTERN = /^[fFrRbBuU]{0,2}(["'`])(?:%(?:[sdvqifr]\b|\([A-Za-z_]\w*\)[sdifr])|%[A-Za-z][^A-Za-z%]{1,3}%[A-Za-z]|%\1(?!\s*(?:\+|\|\|)))/;

/**
 * A wildcard value added to a positional parameter list on a line next to `at`: `paramList.add("%" + name + "%")`,
 * `values.append(f"%{q}%")`, `values += ["%" + q]`, `values.extend(…)`, `values += map(lambda t: "%{}%".format(t), tags)`,
 * or passed in the call after the statement (`cur.execute("… ILIKE %s", ("%" + q + "%",))`, `fetch("… $1", f"%{q}%")`).
 */
function positionalWildcard(text: string, at: number, literal: { start: number; end: number }): string | undefined {
  let from = text.lastIndexOf('\n', at);
  for (let k = 0; k < 3 && from > 0; k++) from = text.lastIndexOf('\n', from - 1);
  let to = text.indexOf('\n', at);
  for (let k = 0; k < 5 && to >= 0; k++) to = text.indexOf('\n', to + 1);
  const near = text.slice(Math.max(0, from), to < 0 ? text.length : to);
  const added = new RegExp(`(?:\\.(?:add|push|append|extend)\\(\\s*|\\+=\\s*|[,(]\\s*)(?:[[(]\\s*|map\\(\\s*lambda\\b[^:\\n]{0,40}:\\s*)?(${WILDCARD_VALUE})`, 'g');
  for (const m of near.matchAll(added)) {
    // Not the fragment's own text (`"%s LIKE ?" % (k,)`).
    const valueAt = Math.max(0, from) + m.index! + m[0].length - m[1].length;
    if (valueAt >= literal.start - 1 && valueAt <= literal.end) continue;
    if (!NOT_A_PATTERN.test(m[1])) return m[1].trim();
  }
  return undefined;
}

/**
 * A filter grammar's operator tables: the fragment is the entry of one key (`"co": '"{}" ILIKE %s'`) and the file binds the
 * value through a template under the same key with a leading wildcard (`"co": "%{}%"`), as REST filters keep the SQL and
 * the value of each operator (`?name:co=…`) in parallel tables.
 */
function keyedWildcard(text: string, literalStart: number): string | undefined {
  const lineStart = text.lastIndexOf('\n', literalStart - 1) + 1;
  const key = /["']([A-Za-z_]\w*)["']\s*:\s*[fFrRbBuU]{0,2}(?:"""|'''|["'`])$/.exec(text.slice(lineStart, literalStart))?.[1];
  if (!key) return undefined;
  for (const m of text.matchAll(new RegExp(`["']${key}["']\\s*:\\s*(${WILDCARD_VALUE})`, 'g'))) {
    if (m.index === undefined || (m.index >= lineStart && m.index < literalStart)) continue;
    if (!NOT_A_PATTERN.test(m[1]) && !/\blike\b/i.test(m[1])) return m[1].trim();
  }
  return undefined;
}

/** The bound value without what closes the call or the dict entry around it (`"%" + q + "%"),` → `"%" + q + "%"`). */
function asWritten(value: string): string {
  let v = value.replace(/[\s,;]+$/, '');
  const unbalanced = (x: string) => (x.match(/\)/g) ?? []).length > (x.match(/\(/g) ?? []).length;
  while (v.endsWith(')') && unbalanced(v)) v = v.slice(0, -1).replace(/[\s,;]+$/, '');
  return v;
}

export function findFragmentLikes(text: string, sites: readonly SqlSite[]): Hit[] {
  if (!/like\b/i.test(text) || !text.includes('%')) return [];
  // Sites the SQL rule judges: a pattern written in their parsed statement is its to report.
  const judged = sites.filter((s) => /LIKE\b/i.test(s.sql) && parseSql(s.sql).ok);
  const out: Hit[] = [];
  for (const lit of literals(text, true)) {
    LIKE.lastIndex = 0;
    for (let m = LIKE.exec(lit.body); m; m = LIKE.exec(lit.body)) {
      const at = lit.start + m.index;
      if (onCommentLine(text, at)) continue;
      const rest = lit.body.slice(m.index + m[0].length);
      // `c ILIKE …` with `c` a value of `unnest(country) AS c` in the same text: a function's output has no index to lose.
      const searched = m[1].replace(/^(?:lower|upper)\s*\(\s*|\s*\)$|\\?"/gi, '').split('.').pop()!;
      if (new RegExp(`\\bunnest\\s*\\([^()]*\\)\\s*(?:as\\s+)?${searched}\\b`, 'i').test(lit.body)) continue;
      const expression = `${m[1].replace(/\\"/g, '"')} ${m[2].toUpperCase()}`;
      const end = lit.start + m.index + m[0].length;
      // A column named by a `%s` verb (`fmt.Sprintf("%s ilike '%%' || …", col)`) is read with a pattern written there only.
      if (/%s\W*$/.test(m[1]) && !WRITTEN_WILDCARD.test(rest)) continue;
      if (WRITTEN_WILDCARD.test(rest)) {
        if (judged.some((s) => at >= s.span.start && at < s.span.end)) continue;
        out.push({ at, end, expression: `${expression} ${rest.slice(0, 24).trim()}…`, written: 'appended-fragment' });
        continue;
      }
      const named = NAMED.exec(rest);
      const name = named ? (named[1] ?? named[2] ?? named[3] ?? named[4]) : undefined;
      const value = name ? boundWildcard(text, at, name) : POSITIONAL.test(rest) ? (positionalWildcard(text, at, { start: lit.start, end: lit.start + lit.body.length }) ?? keyedWildcard(text, lit.start)) : undefined;
      if (value) out.push({ at, end, expression: `${expression} ${name ? `:${name}` : '?'}`, written: 'bound-value', value: asWritten(value) });
    }
  }
  return out;
}

export function fragmentLikeAnalyzer(opts: { project?: DialectVerdict } = {}): Analyzer {
  return {
    id: 'fragment-like',
    rules: [leadingWildcardLike],
    analyze({ text, file, sites }): Finding[] {
      if (file.endsWith('.sql') || dialectOfFile(file, text, opts.project).dialect === 'other') return [];
      return findFragmentLikes(text, sites).map((h) => ({
        ruleId: leadingWildcardLike.id,
        severity: 'info',
        message: `${h.expression}${h.value ? `, bound to ${h.value.length > 40 ? `${h.value.slice(0, 40)}…` : h.value},` : ''} has a leading wildcard: no btree index serves it, so every row the rest of the query leaves is read. ${unprovedSize('How many rows it reads', 'a problem once the table holds tens of thousands of rows')}, or index it for substring search.`,
        help: 'For substring search create a trigram index: CREATE EXTENSION pg_trgm; CREATE INDEX ON <table> USING gin (<column> gin_trgm_ops). For word search use full-text search (tsvector). For prefix search, bind the value without the leading %.',
        span: { start: h.at, end: Math.max(h.at + 1, h.end) },
        file,
        fixes: [],
        evidence: { expression: h.expression, written: h.written, ...(h.value ? { boundValue: h.value } : {}), size: 'unproved' },
      }));
    },
  };
}
