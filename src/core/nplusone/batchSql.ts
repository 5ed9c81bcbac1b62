/**
 * The batched form of a statement run once per key (`… WHERE product_id = $1 …` in a loop), made
 * so that it returns, for each key, exactly what the original returned for that key:
 *
 *  - a plain filter (no LIMIT/OFFSET/FETCH, aggregate, GROUP BY, DISTINCT or window) becomes
 *    `WHERE product_id = ANY($1)`, with the key column selected so rows can be grouped by it;
 *  - anything with per-key meaning (`LIMIT 3` = three per product, `count(*)` = one count per
 *    product, DISTINCT, GROUP BY, windows) runs the original once per key inside one statement:
 *    `FROM unnest($1::bigint[]) AS k(key) CROSS JOIN LATERAL (original with $1 → k.key) AS x`.
 *
 * The key is the one parameter compared with `=` to a column; other parameters keep their
 * numbers (they must be the same for every item). test/db/examples/nplusoneRewrite.test.ts runs
 * the original per key and the rewrite once on the shop database and compares the results.
 */
export type ParamStyle = 'dollar' | 'qmark' | 'percent';

export interface BatchedStatement {
  sql: string;
  /** The column the rows are grouped by in the result (selected by the rewrite). */
  keyColumn: string;
  /** The parameter that now takes the array of keys (1-based; `?`/`%s` styles: its position). */
  keyParam: number;
  /** 'any': `= ANY($n)`; 'lateral': the original once per key inside one statement. */
  form: 'any' | 'lateral';
  /** The SQL array type the rewrite casts the keys to (lateral form). */
  arrayType: string;
  /**
   * The rewrite selects the key column only to group by it (the original did not return it): code
   * handing each group's rows on must leave it out, or every row gains a field the loop never had.
   */
  keyAdded: boolean;
}

const PER_KEY = /\b(limit|offset|fetch\s+(first|next)|group\s+by|distinct|having|over\s*\(|count\s*\(|sum\s*\(|avg\s*\(|min\s*\(|max\s*\(|array_agg\s*\(|string_agg\s*\(|json_agg\s*\(|jsonb_agg\s*\(|json_object_agg\s*\(|bool_and\s*\(|bool_or\s*\(|every\s*\()/i;

/** Blank out string literals, quoted identifiers' contents and comments, keeping offsets (so regexes see only SQL). */
function codeOnly(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'|--[^\n]*|\/\*[\s\S]*?\*\//g, (m) => ' '.repeat(m.length));
}

function placeholderRe(style: ParamStyle): string {
  return style === 'dollar' ? '\\$(\\d+)' : style === 'percent' ? '%s' : '\\?';
}

/** The key of a per-item statement: `col = $n` (or `$n = col`) in its WHERE clause. */
function findKey(sql: string, style: ParamStyle): { column: string; param: number; placeholderStart: number; placeholderEnd: number; matchStart: number; matchEnd: number } | undefined {
  const code = codeOnly(sql);
  const where = /\bwhere\b/i.exec(code);
  if (!where) return undefined;
  const col = '((?:[A-Za-z_][\\w$]*\\.)?(?:"[^"]+"|[A-Za-z_][\\w$]*))';
  const ph = placeholderRe(style);
  const tail = code.slice(where.index);
  const colFirst = new RegExp(`${col}\\s*=\\s*(${ph})(?![\\w(])`, 'd').exec(tail);
  const paramFirst = new RegExp(`(?<![\\w)])(${ph})\\s*=\\s*${col}`, 'd').exec(tail);
  const hit = colFirst && (!paramFirst || colFirst.index <= paramFirst.index) ? colFirst : paramFirst;
  const m = !hit ? undefined : hit === colFirst ? { column: hit[1], at: hit.indices![2], whole: hit.indices![0] } : { column: hit[hit.length - 1], at: hit.indices![1], whole: hit.indices![0] };
  if (!m) return undefined;
  const placeholderStart = where.index + m.at[0];
  const placeholderEnd = where.index + m.at[1];
  const placeholder = code.slice(placeholderStart, placeholderEnd);
  const param = style === 'dollar' ? Number(placeholder.slice(1)) : (code.slice(0, placeholderStart).match(new RegExp(ph, 'g')) ?? []).length + 1;
  return { column: m.column, param, placeholderStart, placeholderEnd, matchStart: where.index + m.whole[0], matchEnd: where.index + m.whole[1] };
}

/** The select list of the outermost SELECT (between SELECT and its FROM at depth 0). */
function selectList(code: string): { start: number; end: number } | undefined {
  const s = /^\s*select\s+/i.exec(code);
  if (!s) return undefined;
  let depth = 0;
  for (let i = s[0].length; i < code.length; i++) {
    const c = code[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && /\bfrom\b/iy.test(code.slice(i, i + 5)) && /\W/.test(code[i - 1] ?? ' ')) return { start: s[0].length, end: i };
  }
  return undefined;
}

function bareName(column: string): string {
  const last = column.split('.').pop()!;
  return last.startsWith('"') ? last.slice(1, -1) : last.toLowerCase();
}

/** Guess of the key's SQL type from its column name: ids are bigint, anything else text. */
function keyArrayType(column: string): string {
  return /(^id$|_id$|id$)/i.test(bareName(column)) ? 'bigint[]' : 'text[]';
}

/** The batched statement, or undefined when the statement has no `column = parameter` key to batch on. */
/**
 * keyFirst: the key column comes first whatever the statement selects (code that reads rows by position — psycopg's
 * tuples, ruby-pg's values, Go's Scan — takes the key from the front and hands on the rest as the original's row).
 */
export function batchStatement(sql: string, style: ParamStyle = 'dollar', options: { keyFirst?: boolean } = {}): BatchedStatement | undefined {
  const text = sql.trim().replace(/;\s*$/, '');
  const code = codeOnly(text);
  if (!/^\s*(select|with)\b/i.test(code)) return undefined;
  const key = findKey(text, style);
  if (!key) return undefined;
  const keyColumn = bareName(key.column);
  const arrayType = keyArrayType(key.column);
  const placeholder = text.slice(key.placeholderStart, key.placeholderEnd);
  const list = selectList(code);
  const listText = list ? text.slice(list.start, list.end).trim() : '';
  const selected = !!list && (/(^|,)\s*(\w+\.)?\*\s*(,|$)/.test(listText) || new RegExp(`(^|[\\s,.])"?${keyColumn}"?\\s*(,|$)`, 'i').test(listText));
  if (!PER_KEY.test(code) && /^\s*select\b/i.test(code)) {
    if (!list) return undefined;
    const anyPlaceholder = style === 'qmark' ? '?' : placeholder;
    let out = text.slice(0, key.matchStart) + `${key.column} = ANY(${anyPlaceholder})` + text.slice(key.matchEnd);
    const add = !selected || !!options.keyFirst;
    if (add) out = out.slice(0, list.start) + `${key.column}, ` + out.slice(list.start);
    return { sql: out, keyColumn, keyParam: key.param, form: 'any', arrayType, keyAdded: add };
  }
  // Per-key meaning: the original, once per key, in one statement.
  const inner = style === 'dollar'
    ? text.replace(new RegExp(`\\$${key.param}(?!\\d)`, 'g'), 'k.key')
    : text.slice(0, key.placeholderStart) + 'k.key' + text.slice(key.placeholderEnd);
  const outerPlaceholder = style === 'dollar' ? `$${key.param}` : style === 'percent' ? '%s' : '?';
  // The loop's order: each item in turn (the keys' order, WITH ORDINALITY), each item's rows in the original's ORDER BY
  // (person37 L11: the outer query had none, so the rows came in whatever order the plan gave).
  const order = outerOrder(inner);
  const indented = order.inner.split('\n').map((l) => `  ${l.trim()}`).join('\n');
  return {
    sql: `SELECT k.key AS ${quoteName(keyColumn)}, ${order.columns}\nFROM unnest(${outerPlaceholder}::${arrayType}) WITH ORDINALITY AS k(key, ord)\nCROSS JOIN LATERAL (\n${indented}\n) AS x\nORDER BY ${['k.ord', ...order.keys].join(', ')}`,
    keyColumn,
    // `?`/`%s` count by position: the array now comes first.
    keyParam: style === 'dollar' ? key.param : 1,
    form: 'lateral',
    arrayType,
    // `k.key AS <key column>` is added; `x.*` already carries it when the original selected it.
    keyAdded: !selected || !!options.keyFirst,
  };
}

function quoteName(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** Split `code` (comments and strings blanked) at commas outside parentheses, between start and end. */
function splitTopLevel(code: string, start: number, end: number): { start: number; end: number }[] {
  const parts: { start: number; end: number }[] = [];
  let depth = 0;
  let from = start;
  for (let i = start; i < end; i++) {
    if (code[i] === '(') depth++;
    else if (code[i] === ')') depth--;
    else if (code[i] === ',' && depth === 0) {
      parts.push({ start: from, end: i });
      from = i + 1;
    }
  }
  parts.push({ start: from, end });
  return parts;
}

/** The statement's own ORDER BY (outside parentheses): its items, and where the clause ends (LIMIT, OFFSET, FETCH, FOR). */
function ownOrderBy(code: string): { start: number; end: number }[] | undefined {
  let depth = 0;
  let at = -1;
  let end = code.length;
  for (let i = 0; i < code.length; i++) {
    if (code[i] === '(') depth++;
    else if (code[i] === ')') depth--;
    else if (depth === 0 && /\W/.test(code[i - 1] ?? ' ')) {
      const rest = code.slice(i, i + 20);
      if (/^order\s+by\b/i.test(rest)) at = i + /^order\s+by\b/i.exec(rest)![0].length;
      else if (at >= 0 && end === code.length && /^(limit|offset|fetch|for)\b/i.test(rest)) end = i;
    }
  }
  return at < 0 ? undefined : splitTopLevel(code, at, end);
}

/** What the outermost select list hands on: each item's output name (undefined for `*`, or a name it cannot tell). */
function outputNames(code: string, text: string): { names: (string | undefined)[]; star: boolean; stars: string[]; list: { start: number; end: number } } | undefined {
  const list = selectList(code);
  if (!list) return undefined;
  let star = false;
  const stars: string[] = [];
  const names = splitTopLevel(code, list.start, list.end).map((p) => {
    const item = text.slice(p.start, p.end).trim();
    if (/^distinct\b/i.test(item) && !/^distinct\s+on\b/i.test(item)) return outputName(item.replace(/^distinct\s+/i, ''));
    const st = /^(?:("?[^"]+"?)\.)?\*$/.exec(item);
    if (st) {
      star = true;
      stars.push(st[1] ? st[1].replace(/"/g, '') : '');
      return undefined;
    }
    return outputName(item);
  });
  return { names, star, stars, list };
}

function outputName(item: string): string | undefined {
  const as = /\sas\s+("(?:[^"]|"")+"|[A-Za-z_][\w$]*)$/i.exec(item);
  if (as) return bareName(as[1].replace(/""/g, '"'));
  // An alias without AS follows an expression's end (`rating::int r`), never an operator or a keyword (`a + b`, `CASE … END`).
  const implicit = /([\w")\]])\s+("(?:[^"]|"")+"|[A-Za-z_][\w$]*)$/i.exec(item);
  if (implicit && !/^(end|null|true|false|and|or|not|is|in|like|ilike|between|collate|asc|desc|from|else|then)$/i.test(implicit[2]) && !/\b(collate|is|not)\s+\S+$/i.test(item)) return bareName(implicit[2].replace(/""/g, '"'));
  const column = /^(?:(?:"[^"]+"|[A-Za-z_][\w$]*)\.)?("[^"]+"|[A-Za-z_][\w$]*)$/.exec(item);
  return column ? bareName(column[1]) : undefined;
}

/**
 * The outer query's columns and ORDER BY keys that give each key's rows in the original's order: each ORDER BY item
 * that names an output column (or its position) orders by `x.<column>`; an item the original does not hand on
 * (`ORDER BY created_at DESC` under `SELECT id, rating`) is selected inside the LATERAL as `pglens_order_<n>` and the
 * outer query lists the original's own columns, so every row still has exactly the original's fields.
 */
function outerOrder(inner: string): { inner: string; columns: string; keys: string[] } {
  const plain = { inner, columns: 'x.*', keys: [] as string[] };
  const code = codeOnly(inner);
  const items = ownOrderBy(code);
  if (!items) return plain;
  const out = outputNames(code, inner);
  const keys: string[] = [];
  const hidden: string[] = [];
  for (const item of items) {
    const t = inner.slice(item.start, item.end).trim();
    const m = /^([\s\S]*?)(\s+(?:asc|desc))?(\s+nulls\s+(?:first|last))?$/i.exec(t)!;
    const expr = m[1].trim();
    const dir = `${m[2] ?? ''}${m[3] ?? ''}`.replace(/\s+/g, ' ').toUpperCase();
    if (/\busing\b/i.test(expr) || !expr) return plain;
    let name: string | undefined;
    if (/^\d+$/.test(expr)) name = out?.star ? undefined : out?.names[Number(expr) - 1];
    else {
      const col = outputName(expr);
      const bare = /^(?:(?:"[^"]+"|[A-Za-z_][\w$]*)\.)?("[^"]+"|[A-Za-z_][\w$]*)$/.test(expr);
      // With `*` every column of the FROM is handed on; with `r.*` only r's (a bare name in a join may be another table's).
      const starred = out?.star && (out.stars.includes('') || out.stars.some((q) => new RegExp(`^"?${q}"?\\.`, 'i').test(expr)) || (!/\bjoin\b|,/.test(code.slice(out.list.end, items[0].start)) && !expr.includes('.')));
      if (col && bare && (out?.names.includes(col) || starred)) name = col;
    }
    if (name) {
      keys.push(`x.${quoteName(name)}${dir}`);
      continue;
    }
    // Not handed on: select it under a name of its own (never with `*` or a name the list cannot tell, nor under DISTINCT, where a column more changes the rows).
    if (!out || out.star || out.names.some((n) => n === undefined) || /^\s*select\s+distinct\b/i.test(code) || /^\d+$/.test(expr)) return { ...plain, keys };
    const alias = `pglens_order_${hidden.length + 1}`;
    hidden.push(`${expr} AS ${alias}`);
    keys.push(`x.${alias}${dir}`);
  }
  if (!hidden.length) return { ...plain, keys };
  const list = out!.list;
  const listEnd = inner.slice(0, list.end).trimEnd().length;
  return {
    inner: `${inner.slice(0, listEnd)}, ${hidden.join(', ')}${inner.slice(listEnd)}`,
    columns: out!.names.map((n) => `x.${quoteName(n!)}`).join(', '),
    keys,
  };
}
