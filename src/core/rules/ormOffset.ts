/**
 * offset-pagination where no SQL text is written: ORM and query-builder pagination
 * (`.limit(n).offset(x)`, `.offset(x).limit(n)`, `.skip(x).take(n)`, `{ limit, offset }` and
 * `{ take, skip }` options of find/findAll/findMany, Django slicing `qs[start:start + n]`), and
 * SQL completed by appending (`query += " OFFSET " + …`, `fmt.Sprintf("%s OFFSET %d", …)`,
 * `LIMIT ? OFFSET ?`). Same rule id as the SQL rule; a literal offset (0, 10) is not pagination.
 * A text scan, per file: sites the SQL rule already judges (complete, non-dynamic statements) are skipped.
 */
import type { Analyzer } from '../scan';
import { dialectOfFile, type DialectVerdict } from '../dialect';
import type { Finding } from '../findings';
import type { SqlSite } from '../extract/types';
import { offsetPagination } from './offsetPagination';
import { libraryHelp, libraryOf } from './libraryFix';
import { parseSql } from '../sql/parse';
import { configurationKind, configurationNote, pagedRelation } from './configTable';

const LITERAL = /^\s*(\d+|null|None|nil|undefined|0n)\s*$/;
/** `cursor ? 1 : 0`: Prisma's cursor pagination skips the cursor row itself — a literal either way, not an offset. */
const LITERAL_CHOICE = /^[^?]{1,80}\?\s*(\d+|null|undefined)\s*:\s*(\d+|null|undefined)\s*$/;

interface Hit {
  at: number;
  end: number;
  what: string;
}

type Pattern = { re: RegExp; what: (m: RegExpExecArray) => string; value: (m: RegExpExecArray) => string; langs?: RegExp; at?: (m: RegExpExecArray) => number; sql?: (m: RegExpExecArray) => boolean };

// SQL appended at run time: " OFFSET " + x, OFFSET %d, OFFSET ?, OFFSET :offset, OFFSET $n, `limit ${n} offset ${m}` in a fragment
// (and `OFFSET $${values.length + 1}`: node-postgres / pg-promise numbering computed in the fragment; and the page's
// offset computed in the SQL from bound page and size, `OFFSET (($7 - 1) * $8)`)
// A Java/Kotlin/Python text block may open the fragment on the line before (`"""\n    OFFSET %d`).
// The word must read as SQL: OFFSET in capitals, or a string that also says LIMIT/ORDER BY/SELECT
// (not a CSS `--header-offset`, an `.attr("offset", …)`, a query-string `"offset"` or `x[':offset']`).
// A lowercase ` offset ` alone in its literal reads as SQL when a literal saying `limit ` stands just before it in the code
// and it is appended to (`" limit " + max + " offset " + first`, `sql.append("limit ").append(n).append(" offset ").append(o)`:
// issue 14, rules-s, DHIS2's tracker exports and Fineract's searches); a query-string key `"offset"` has no space in it.
const APPENDED: Pattern = { re: /["'`](?:[ \t]*\r?\n)?([^"'`\n]{0,200}?)(?<=["'`\s])(OFFSET|offset)\s*(["'`]\s*(?:\+|\.\.|,|\)\s*(?:\r?\n\s*)?\.append\()|%[dsv]|\?|:\w+|\$\d+|\{\w*\}|#\{|\$?\$\{[^{}`\n]{1,60}\}|\((?=[^"'`\n]{0,60}?(?:\$\d|\?|:\w))(?:[^"'`\n()]|\([^"'`\n()]{0,40}\)){1,60}\))/g, what: (m) => `OFFSET ${/append/.test(m[3]) ? '.append(…)' : m[3].replace(/["'`\s]/g, '')}`, value: () => 'x', sql: (m) => m[2] === 'OFFSET' || /\b(limit|order\s+by|select)\b/i.test(m[1]) || (/^[ \t]+$/.test(m[1]) && /["'`][^"'`\n]{0,80}\blimit[ \t][^"'`\n]{0,40}["'`][\s\S]{0,200}$/i.test(m.input.slice(Math.max(0, m.index - 240), m.index))) };

const PATTERNS: Pattern[] = [
  // .limit(n).offset(x) / .offset(x).limit(n) / .skip(x).take(n) / .take(n).skip(x)
  // (arguments may hold one level of parentheses: `.offset(Parameter(n + 2))`). `skip` pairs with `take`
  // only: `.skip(x).limit(n)` is a Java/Kotlin stream (`lines().skip(n).limit(m)`) or a MongoDB cursor.
  // A dot may end the line after a call (Ruby's `limit(n).\n  offset(x)`); a sentence's full stop before a word does not
  // (`… from top.\n  offset(int, optional): …` in a docstring).
  { re: /(?:\.|(?<=\))\.[ \t]*\r?\n[ \t]*)(offset|skip)\(\s*((?:[^()]|\([^()]{0,60}\)){1,80}?)\s*,?\s*\)(?=[\s\S]{0,120}?(?:\.|\)\.[ \t]*\r?\n[ \t]*)(limit|take)\()/g, what: (m) => `.${m[1]}(${m[2].trim()})`, value: (m) => m[2], sql: (m) => m[1] !== 'skip' || m[3] === 'take' },
  { re: /(?:\.|(?<=\))\.[ \t]*\r?\n[ \t]*)(limit|take)\((?:[^()]|\([^()]{0,60}\)){0,80}\)\s*\.[ \t]*(?:\r?\n[ \t]*)?(offset|skip)\(\s*((?:[^()]|\([^()]{0,60}\)){1,80}?)\s*,?\s*\)/g, what: (m) => `.${m[2]}(${m[3].trim()})`, value: (m) => m[3], sql: (m) => m[2] !== 'skip' || m[1] === 'take' },
  // A query variable given its limit in an earlier statement and its offset in a later one (CKAN's package_list:
  // `query = query.limit(limit)` … `if offset:\n    query = query.offset(offset)`): the same page, reassigned step by step.
  { re: /\b([A-Za-z_]\w*)\s*=\s*\1\s*\.\s*(offset)\(\s*((?:[^()]|\([^()]{0,60}\)){1,80}?)\s*\)/g, what: (m) => `.${m[2]}(${m[3].trim()})`, value: (m) => m[3], at: (m) => m[0].search(/offset\s*\(/), sql: (m) => new RegExp(`\\b${m[1]}\\s*=\\s*${m[1]}\\s*\\.\\s*limit\\(`).test(m.input.slice(Math.max(0, m.index - 400), m.index)) },
  // { limit: n, offset: x } / { take: n, skip: x } in the options of a find call
  { re: /\b(?:find\w*|paginate|getMany|findAndCount\w*|select\w*)\s*\(\s*\{(?:[^{}]|\{[^{}]{0,200}\}){0,400}?\b(offset|skip)\s*:\s*([^,}\n]{1,80})/g, what: (m) => `${m[1]}: ${m[2].trim()}`, value: (m) => m[2], at: (m) => m[0].lastIndexOf(m[1], m[0].length - m[2].length) },
  // { take: n, skip: x } spread into find options (`findMany({ ...criteria, ...(size > 0 && { take: size, skip: … }) })`):
  // `take` next to `skip` in one spread object literal says what the pair is. (An object of both passed to the app's
  // own service is not the query: the service's find call is where it is reported.)
  { re: /\.\.\.\s*(?:\([^{}()]{0,60})?\{[^{}]{0,200}?\btake\s*:[^{}]{0,200}?\b(skip)\s*:\s*([^,}\n]{1,80})|\.\.\.\s*(?:\([^{}()]{0,60})?\{[^{}]{0,200}?\b(skip)\s*:\s*([^,}\n]{1,80}?)\s*,[^{}]{0,200}?\btake\s*:/g, what: (m) => `skip: ${(m[2] ?? m[4]).trim()}`, value: (m) => m[2] ?? m[4], langs: /\.[cm]?[jt]sx?$/, at: (m) => m[0].lastIndexOf('skip', m[2] !== undefined ? m[0].length - m[2].length : undefined) },
  // Page-number helpers that page with LIMIT/OFFSET: Flask-SQLAlchemy `query.paginate(page=…, per_page=…)` (its
  // keywords say which paginate it is: boto3's `paginator.paginate(Bucket=…)` is not, nor an app's own
  // `repository.paginate(stmt, limit=…, page=…)`, whose own `.offset()` is where it is reported), and Objection's
  // `.page(page, pageSize)` at the end of a query chain (`page(0, n)` is the first page only).
  { re: /\.(paginate)\(([^()]{0,160}\b(?:per_page|max_per_page)\s*=[^()]{0,160})\)/g, what: () => '.paginate(…): LIMIT/OFFSET', value: () => 'x', langs: /\.py$/, at: () => 1 },
  // Rails: will_paginate's `.paginate(page: params[:page], per_page: 100)` and Kaminari's `.page(params[:page]).per(25)` page
  // an ActiveRecord relation with LIMIT/OFFSET (a literal first page, `page: 1`, is not pagination; an array's
  // `Array.new(n).paginate(…)`, `[…].paginate`, `.to_a.paginate` pages in memory).
  { re: /(?<!Array\.new\([^()]{0,40}\)|\]|\.to_a)\.\s*(paginate)\(\s*(?:[^()]|\([^()]{0,80}\)){0,200}?(?:\bpage:|:page\s*=>)\s*((?:[^(),]|\([^()]{0,80}\)){1,80})/g, what: (m) => `.paginate(page: ${m[2].trim()}): LIMIT/OFFSET`, value: (m) => m[2], langs: /\.(rb|rake)$/, at: (m) => m[0].indexOf('paginate') },
  { re: /\.\s*(page)\(\s*((?:[^()]|\([^()]{0,80}\)){1,80}?)\s*\)\s*\.\s*per\(/g, what: (m) => `.page(${m[2].trim()}).per(…): LIMIT/OFFSET`, value: (m) => m[2], langs: /\.(rb|rake)$/, at: (m) => m[0].indexOf('page') },
  { re: /\.(?:query|orderBy|where\w*|joinRelated|withGraphFetched|select|column)\((?:[^()]|\([^()]{0,80}\)){0,200}\)[\s\S]{0,240}?\.(page)\(\s*([^(),]{1,60}?)\s*,\s*[^(),]{1,60}\)/g, what: (m) => `.page(${m[2].trim()}, …): LIMIT/OFFSET`, value: (m) => m[2], langs: /\.[cm]?[jt]sx?$/, at: (m) => m[0].lastIndexOf('.page(') + 1 },
  // A two-argument `limit(count, offset)` whose offset argument says so: Sequel's `dataset.limit(10, offset)`, a dialect
  // helper `sqlGenerator.limit(searchParameters.getLimit(), searchParameters.getOffset())` whose text is appended to the
  // SQL. (A Java stream's `limit(n)` takes one argument.)
  { re: /\.(limit)\(\s*((?:[^(),]|\([^()]{0,60}\)){1,80}?)\s*,\s*((?:[^(),]|\([^()]{0,60}\)){0,60}?(?:\b[oO]ffset|[a-z]Offset)\b(?:[^(),]|\([^()]{0,60}\)){0,60}?)\s*\)/g, what: (m) => `.limit(${m[2].trim()}, ${m[3].trim()}): LIMIT/OFFSET`, value: (m) => m[3], at: () => 1 },
  // Rails' Pagy: `@pagy, @records = pagy(scope, limit: 25)` pages the scope with LIMIT/OFFSET from params[:page]
  // (`pagy_countless` too). Not `pagy_array` (an array in memory), nor Pagy's keyset/cursor pagers (`pagy_keyset`).
  { re: /(?<![\w.:])(pagy(?:_countless)?)\(\s*((?:[^(),]|\([^()]{0,80}\)){1,160}?)\s*[,)]/g, what: (m) => `${m[1]}(${m[2].trim()}): LIMIT/OFFSET from params[:page]`, value: (m) => m[2], langs: /\.(rb|rake)$/, at: (m) => m[0].indexOf(m[1]) },
  // A query builder's positional page helper in Ruby: Sequel's `dataset.paginate(page_no, page_size)`, Qx/Qexpr's
  // `.paginate(query[:page].to_i, 30)`: LIMIT/OFFSET of the page the first argument names.
  { re: /\.\s*(paginate)\(\s*((?:[^(),]|\([^()]{0,60}\)|\[[^\[\]]{0,40}\]){0,80}?page(?:[^(),]|\([^()]{0,60}\)|\[[^\[\]]{0,40}\]){0,80}?)\s*,\s*[^(),:]{1,60}(?:\([^()]{0,60}\))?\s*\)/g, what: (m) => `.paginate(${m[2].trim()}, …): LIMIT/OFFSET`, value: (m) => m[2], langs: /\.(rb|rake)$/, at: (m) => m[0].indexOf('paginate') },
  // Django slicing of a queryset: .objects.…[a:b] / qs[offset:offset + limit]
  { re: /\.(?:objects\.\w+\([^()]*\)|filter\([^()]*\)|order_by\([^()]*\)|all\(\))\s*\[\s*([A-Za-z_][\w.]*)\s*:\s*[^\]]{1,60}\]/g, what: (m) => `[${m[1]}:…] slicing`, value: (m) => m[1], langs: /\.py$/ },
  APPENDED,
];

/** The word at `at` is wrapped in double quotes (`"OFFSET"`) inside SQL text: a column name, not the clause. */
function quotedIdentifier(text: string, at: number): boolean {
  if (text[at - 1] !== '"' || text[at + 6] !== '"') return false;
  // `"OFFSET" + n` or `"OFFSET", n` in code is a string holding the keyword; in SQL the quoted name stands in a list
  // (`, "OFFSET"`, `"OFFSET",`) or is qualified (`t."OFFSET"`).
  const before = text.slice(Math.max(0, at - 40), at - 1);
  return /(?:,|\.|\bselect|\bby)\s*$/i.test(before);
}


/** Is `at` on a line that is a comment (`#`, `//`, `--`, a `/* … *\/` or doc-comment line), or after `//`/`#` that ends code? */
function inLineComment(text: string, at: number): boolean {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const before = text.slice(lineStart, at);
  if (/^\s*(?:#|\/\/|--|\/\*|\*)/.test(before)) return true;
  // A comment after code: a `#` or `//` before the word with no quote opened after it.
  const m = /(?:^|[\s;),])(#|\/\/)[^"'`]*$/.exec(before);
  return !!m && (before.slice(0, m.index).split(/["'`]/).length % 2 === 1);
}

/** Where the `{` … `}` opening at `open` closes (strings, template literals and comments skipped); -1 when it does not. */
function closingBrace(text: string, open: number, max = 4000): number {
  let depth = 0;
  const end = Math.min(text.length, open + max);
  for (let i = open; i < end; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < end && text[i] !== c; i++) if (text[i] === '\\') i++;
    } else if (c === '/' && text[i + 1] === '/') i = text.indexOf('\n', i) < 0 ? end : text.indexOf('\n', i);
    else if (c === '/' && text[i + 1] === '*') i = text.indexOf('*/', i) < 0 ? end : text.indexOf('*/', i) + 1;
    else if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') {
      if (--depth === 0) return c === '}' ? i : -1;
    }
  }
  return -1;
}

/** The keys written at the top level of the object literal `{` … `}` (open, close): each key, where it stands, and its value's text. */
function topLevelKeys(text: string, open: number, close: number): { key: string; at: number; value: string }[] {
  const out: { key: string; at: number; value: string }[] = [];
  let depth = 0;
  for (let i = open + 1; i < close; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < close && text[i] !== c; i++) if (text[i] === '\\') i++;
    } else if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') depth--;
    else if (depth === 0 && /[A-Za-z_$]/.test(c) && !/[\w$.]/.test(text[i - 1])) {
      const m = /^([A-Za-z_$][\w$]*)\s*:(?!:)\s*([^,}\n]{1,80})/.exec(text.slice(i, close));
      if (m) out.push({ key: m[1], at: i, value: m[2] });
      while (i + 1 < close && /[\w$]/.test(text[i + 1])) i++;
    }
  }
  return out;
}

/**
 * `{ limit: n, offset: x }` / `{ take: n, skip: x }` options built in a variable and passed to a find call
 * (conduit's `const searchOptions = { include: […], limit, offset: offset * limit }` then `findAndCountAll(searchOptions)`
 * or `user.getFavorites(searchOptions)`: person14 18, flagged only where the options were written in the call).
 */
function optionVariableOffsets(text: string): { at: number; end: number; what: string; value: string }[] {
  const out: { at: number; end: number; what: string; value: string }[] = [];
  const decl = /\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)(?:\s*:\s*[\w$.<>[\], ]{1,80})?\s*=\s*\{/g;
  for (let m = decl.exec(text); m; m = decl.exec(text)) {
    const open = m.index + m[0].length - 1;
    const close = closingBrace(text, open);
    if (close < 0) continue;
    const keys = topLevelKeys(text, open, close);
    const off = keys.find((k) => k.key === 'offset' || k.key === 'skip');
    const page = keys.find((k) => k.key === (off?.key === 'skip' ? 'take' : 'limit'));
    if (!off || !page) continue;
    const name = m[1].replace(/\$/g, '\\$');
    const passed = new RegExp(String.raw`(?:\b(?:find\w*|findAndCount\w*|count\w*|paginate|getMany\w*)|\.get[A-Z]\w*)\s*\(\s*(?:\{\s*\.\.\.\s*)?${name}\b`);
    if (!passed.test(text.slice(close))) continue;
    out.push({ at: off.at, end: off.at + off.key.length + 1 + off.value.length, what: `${off.key}: ${off.value.trim()}`, value: off.value });
  }
  return out;
}

/**
 * `{ take: n, skip: x }` / `{ limit, offset }` written at the top level of a find call's options however long or nested
 * the object around them is (a Prisma `findMany({ select: {…}, where: { AND: [{ OR: […] }] }, orderBy, take, skip })` of
 * sixty lines; the pattern above reads only short objects nested one level).
 */
function findCallOptionOffsets(text: string): { at: number; end: number; what: string; value: string }[] {
  const out: { at: number; end: number; what: string; value: string }[] = [];
  const call = /\b(?:find\w*|paginate|getMany\w*|findAndCount\w*)\s*\(\s*\{/g;
  for (let m = call.exec(text); m; m = call.exec(text)) {
    const open = m.index + m[0].length - 1;
    const close = closingBrace(text, open, 20000);
    if (close < 0) continue;
    const off = topLevelKeys(text, open, close).find((k) => k.key === 'offset' || k.key === 'skip');
    if (off) out.push({ at: off.at, end: off.at + off.key.length + 1 + off.value.length, what: `${off.key}: ${off.value.trim()}`, value: off.value });
  }
  return out;
}

/**
 * Is `at` in a `return` of a helper named `limit` that takes the offset as a parameter and renders only the clause
 * (`public String limit(int count, int offset) { … return format("LIMIT %s OFFSET %s", count, offset); }`)? Its callers,
 * `sqlGenerator.limit(n, params.getOffset())`, are where a page is asked for, and each is reported there.
 */
function limitClauseHelper(text: string, at: number, before: string): boolean {
  if (!/^\s*(?:LIMIT\s+\S+\s*)?$/i.test(before)) return false;
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = text.indexOf('\n', at);
  const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
  if (!/^\s*return\b/.test(line) || /\b(select|from|where)\b/i.test(line)) return false;
  const head = text.slice(Math.max(0, lineStart - 600), lineStart);
  const decls = [...head.matchAll(/(?:\bdef\s+(?:self\.)?|\bfunction\s+|\bfunc\s+(?:\([^()]*\)\s*)?|[\w<>[\]]+\s+)(\w+)\s*\(([^()]*)\)\s*(?:throws\s+[\w.,\s]+)?(?::\s*[\w<>[\]|]+\s*)?(?:\{|\n)/g)];
  const last = decls.filter((d) => !/^(if|for|while|switch|catch|return|else|do|try|synchronized)$/.test(d[1])).pop();
  return !!last && last[1] === 'limit' && /offset/i.test(last[2]);
}

/**
 * A pagination helper that rewrites the SQL it is given and returns it — Harbor's `sql, params = orm.PaginationOnRawSQL(query,
 * sql, params)`, which appends `limit ? offset ?` — called from another file: each call asks for a page, and its result is
 * the statement the code runs. Recognised by a callee whose name says pagination, an argument that holds SQL (assigned a
 * `SELECT`/`WITH` string before the call) or a first result the code runs right after (`.Raw(query, …)`, `.Query(query`);
 * a helper defined in the same file is judged where its own OFFSET is written.
 */
function sqlPageHelperCalls(text: string): Hit[] {
  if (!/paginat/i.test(text)) return [];
  const out: Hit[] = [];
  const call = /\b([A-Za-z_]\w*)\s*(?:,\s*[A-Za-z_]\w*\s*)*(?::=|=)\s*((?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*[Pp]aginat\w*|[Pp]aginat\w*))\(([^()]{1,200})\)/g;
  for (let m = call.exec(text); m; m = call.exec(text)) {
    const [, result, callee, name, args] = m;
    if (new RegExp(`\\bfunc\\s+(?:\\([^()]*\\)\\s*)?${name}\\s*\\(|\\b(?:def|function)\\s+${name}\\s*\\(`).test(text)) continue;
    const before = text.slice(Math.max(0, m.index - 1500), m.index);
    const holdsSql = args.split(',').map((a) => a.trim()).filter((a) => /^[A-Za-z_]\w*$/.test(a))
      .some((a) => new RegExp(`\\b${a}\\s*(?::=|=|\\+=)\\s*(?:fmt\\.Sprintf\\(\\s*)?[\`"']\\s*(?:select|with)\\b`, 'i').test(before));
    const runs = new RegExp(`\\.(?:Raw|Query\\w*|Exec\\w*|Select|Get)\\(\\s*(?:ctx\\s*,\\s*)?${result}\\b`).test(text.slice(m.index + m[0].length, m.index + m[0].length + 400));
    if (!holdsSql && !runs) continue;
    const at = m.index + m[0].indexOf(callee);
    out.push({ at, end: at + callee.length, what: `${callee}(…): LIMIT/OFFSET appended to the SQL` });
  }
  return out;
}

export function findOrmOffsets(text: string, file: string, sites: readonly SqlSite[]): Hit[] {
  if (!/offset|skip|paginat|\.page\(|\[/i.test(text)) return [];
  // Sites the SQL rule judges: complete statements, or composed ones with a complete variant saying OFFSET.
  // A composed statement the rules read (`"SELECT %s FROM %s … LIMIT ? OFFSET ?" % (…)`) is judged by the SQL rule too:
  // reporting its OFFSET here as well said it twice on one line. (The rules' parser, not PostgreSQL's: `FROM t$1`, a
  // clause glued to a name, is an identifier to PostgreSQL but unread by the rules, and then only this scan reports it.)
  const judged = sites.filter((s) => (/\bOFFSET\b/i.test(s.sql) && (!s.dynamic || parseSql(s.sql).ok)) || s.variants?.some((v) => !v.dynamic && /\bOFFSET\b/i.test(v.sql)));
  const out: Hit[] = [];
  for (const p of PATTERNS) {
    if (p.langs && !p.langs.test(file)) continue;
    p.re.lastIndex = 0;
    for (let m = p.re.exec(text); m; m = p.re.exec(text)) {
      if (LITERAL.test(p.value(m)) || LITERAL_CHOICE.test(p.value(m)) || (p.sql && !p.sql(m))) continue;
      // `, "OFFSET"` in a select list: a column PostgreSQL quotes because its name is a keyword, not the clause.
      if (quotedIdentifier(text, m.index + m[0].search(/offset/i))) continue;
      const at = m.index + (p.at ? p.at(m) : m[0].search(/offset|skip|\[/i));
      // A comment that quotes SQL (`# Sqlite requires 'LIMIT -1 OFFSET ?'`) is not the code's query.
      if (inLineComment(text, at)) continue;
      // `LIMIT 1 OFFSET ?`: the one row at a position (where a batch ends), not a page (the SQL rule's info).
      if (/\blimit\s+1\s+$/i.test(text.slice(Math.max(0, at - 20), at))) continue;
      if (judged.some((s) => at >= s.span.start && at < s.span.end)) continue;
      if (p === APPENDED && limitClauseHelper(text, at, m[1])) continue;
      if (out.some((h) => Math.abs(h.at - at) < 40)) continue;
      out.push({ at, end: m.index + m[0].length, what: p.what(m) });
    }
  }
  for (const h of sqlPageHelperCalls(text)) if (!inLineComment(text, h.at) && !out.some((o) => Math.abs(o.at - h.at) < 40)) out.push(h);
  if (/\.[cm]?[jt]sx?$/.test(file)) {
    for (const h of [...optionVariableOffsets(text), ...findCallOptionOffsets(text)]) {
      if (LITERAL.test(h.value) || LITERAL_CHOICE.test(h.value) || inLineComment(text, h.at) || out.some((o) => Math.abs(o.at - h.at) < 40)) continue;
      out.push({ at: h.at, end: h.end, what: h.what });
    }
  }
  return out;
}

export function ormOffsetAnalyzer(opts: { project?: DialectVerdict } = {}): Analyzer {
  return {
    id: 'orm-offset',
    rules: [offsetPagination],
    analyze({ text, file, sites }): Finding[] {
      if (file.endsWith('.sql') || dialectOfFile(file, text, opts.project).dialect === 'other') return [];
      // The fix in the words of the library the file uses (Prisma cursor, Django filter(pk__gt=…), …).
      const help = libraryHelp(offsetPagination.id, libraryOf(file, text)) ?? 'Use keyset pagination: order by a unique key and ask for the rows after the last key seen (WHERE id > $last ORDER BY id LIMIT n), instead of an offset.';
      return findOrmOffsets(text, file, sites).map((h) => {
        // `current_campaign.campaign_gift_options.page(…)`, `prisma.roleDefinition.findMany({ skip })`: the page reads a
        // table whose name says configuration rows.
        const relation = pagedRelation(text, h.at);
        const kind = configurationKind(relation);
        // No table size reaches this scan (an ORM chain names a model, not a table the catalog was asked about), so how
        // long the list gets is unproved: a note that says so, like the SQL rule's pages without a database.
        return {
          ruleId: offsetPagination.id,
          severity: 'info' as const,
          message: kind
            ? `Offset pagination (${h.what}) of ${relation}: ${configurationNote(kind)}`
            : `Offset pagination (${h.what}): each page reads and discards the rows before it, so deep pages cost more and more. How long the list gets is unproved here (PG Lens has no row count for it): a problem once it holds thousands of rows; page by key then.`,
          help,
          span: { start: h.at, end: Math.max(h.at + 1, Math.min(h.end, h.at + 60)) },
          file,
          fixes: [],
          evidence: { offset: h.what, written: 'orm-or-appended', ...(kind ? { configurationTable: relation } : { size: 'unproved' }) },
        };
      });
    },
  };
}
