/**
 * The texts of a recorded statement (pure): the key it is grouped and counted by, and the text advice works on.
 *
 * Grouping key (person13 P5): the normalised text (constants → $n) with its lists of parameters squashed, as
 * PostgreSQL 18's pg_stat_statements squashes constant lists — `IN ($1, $2)` and `IN ($1, $2, $3)` are one statement
 * `IN ($1 /*, ... *\/)`, and so are `ARRAY[$1, $2]` lists — and the parameters numbered again in order, so what follows
 * a list of another length has the same number too. N+1 counts, call-site lenses, the Recorded Queries view and
 * `pg-lens record` all group by it.
 *
 * Advice text (person13 P4): a recorded statement's parameters stay `$n` in every piece of advice (index definitions,
 * partial predicates, rewrites, plans). A constant in the text as sent came from the app's parameters when the driver
 * interpolated them client-side (the call had parameters, the text has no `$n`) or when it differs between the calls of
 * the statement (a literal-bound or formatted statement): those become `$n`, as pg_stat_statements would write them.
 * A constant that is the same in every call of a text written with placeholders is the code's own (`status =
 * 'active'`) and stays: it may still make a partial index.
 */

/** One constant of a statement's text: its span and its text. */
interface Constant {
  start: number;
  end: number;
  text: string;
}

const WORD = /[\w$]/;

/**
 * The constants of a statement's text (strings, numbers), outside comments and quoted names: a lexer of the few tokens
 * that matter, not a parser (it runs on texts the parser may not read: a driver's, a truncated one).
 */
export function constantsOf(sql: string): Constant[] {
  return lex(sql).constants;
}

/**
 * A text's grouping key when PostgreSQL's parser cannot read it (a driver's text, a truncated one): comments out,
 * constants as `?`, whitespace folded, no trailing `;` — by the same lexer as constantsOf, so both agree on what a
 * constant is (a number in a quoted name is none).
 */
export function roughNormalize(sql: string): string {
  const { constants, comments } = lex(sql);
  const cuts = [...constants.map((c) => ({ ...c, by: '?' })), ...comments.map((c) => ({ ...c, by: ' ' }))].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const c of cuts) {
    out += sql.slice(at, c.start) + c.by;
    at = c.end;
  }
  out += sql.slice(at);
  return out.replace(/\s+/g, ' ').replace(/\s*;\s*$/, '').trim();
}

/** The constants and the comments of a text, in order. */
function lex(sql: string): { constants: Constant[]; comments: { start: number; end: number }[] } {
  const out: Constant[] = [];
  const comments: { start: number; end: number }[] = [];
  const n = sql.length;
  for (let i = 0; i < n; ) {
    const c = sql[i];
    if (c === '-' && sql[i + 1] === '-') {
      const e = sql.indexOf('\n', i);
      comments.push({ start: i, end: e < 0 ? n : e });
      i = e < 0 ? n : e + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const e = sql.indexOf('*/', i + 2);
      comments.push({ start: i, end: e < 0 ? n : e + 2 });
      i = e < 0 ? n : e + 2;
    } else if (c === '"') {
      const e = sql.indexOf('"', i + 1);
      i = e < 0 ? n : e + 1;
    } else if (c === "'") {
      // E'…', B'…', X'…', N'…': the prefix is part of the constant.
      const start = i > 0 && /[eEbBxXnN]/.test(sql[i - 1]) && (i < 2 || !WORD.test(sql[i - 2])) ? i - 1 : i;
      let j = i + 1;
      while (j < n) {
        if (sql[j] === "'" && sql[j + 1] === "'") j += 2;
        else if (sql[j] === '\\' && start < i && /[eE]/.test(sql[start])) j += 2;
        else if (sql[j] === "'") break;
        else j++;
      }
      const end = Math.min(n, j + 1);
      out.push({ start, end, text: sql.slice(start, end) });
      i = end;
    } else if (c === '$' && /\d/.test(sql[i + 1] ?? '')) {
      i++;
      while (i < n && /\d/.test(sql[i])) i++;
    } else if (/\d/.test(c) && (i === 0 || !/[\w$.]/.test(sql[i - 1]))) {
      let j = i;
      while (j < n && /[\d.]/.test(sql[j])) j++;
      if (/[eE]/.test(sql[j] ?? '') && /[-+\d]/.test(sql[j + 1] ?? '')) {
        j += 2;
        while (j < n && /\d/.test(sql[j])) j++;
      }
      if (j < n && WORD.test(sql[j])) {
        while (j < n && WORD.test(sql[j])) j++;
        i = j;
        continue;
      }
      out.push({ start: i, end: j, text: sql.slice(i, j) });
      i = j;
    } else if (WORD.test(c)) {
      while (i < n && WORD.test(sql[i])) i++;
    } else i++;
  }
  return { constants: out, comments };
}

/** The highest `$n` of a text (0 when none). */
function maxParam(sql: string): number {
  let max = 0;
  for (const m of sql.matchAll(/\$(\d+)/g)) max = Math.max(max, Number(m[1]));
  return max;
}

/**
 * Which constants of `first` differ in `other` (another text of the same statement), OR-ed into `vary`. Same number of
 * constants: position by position. Another number (a list of another length): those of the common beginning and the
 * common end that are equal stay, the others differ.
 */
export function markVarying(first: readonly Constant[], other: readonly Constant[], vary: boolean[]): void {
  if (first.length === other.length) {
    for (let i = 0; i < first.length; i++) if (first[i].text !== other[i].text) vary[i] = true;
    return;
  }
  let head = 0;
  while (head < first.length && head < other.length && first[head].text === other[head].text) head++;
  let tail = 0;
  while (tail < first.length - head && tail < other.length - head && first[first.length - 1 - tail].text === other[other.length - 1 - tail].text) tail++;
  for (let i = head; i < first.length - tail; i++) vary[i] = true;
}

/**
 * The text advice works on: `sql` (the first text as sent) with the constants that came from the app's parameters as
 * `$n` (numbered after the text's own). `interpolated`: the call had parameters and the text has none (the driver put
 * the values in: every constant is one). `vary`: the constants that differ between the statement's texts.
 */
export function adviceText(sql: string, constants: readonly Constant[], vary: readonly boolean[], interpolated: boolean): string {
  const pick = constants.filter((_, i) => interpolated || vary[i]);
  if (!pick.length) return sql;
  let next = maxParam(sql);
  let out = '';
  let at = 0;
  for (const c of pick) {
    out += `${sql.slice(at, c.start)}$${++next}`;
    at = c.end;
  }
  return out + sql.slice(at);
}

/** The call sent parameters and its text holds none: the driver interpolated them (psycopg2, a formatting client). */
export function interpolatedText(sql: string, paramCount: number): boolean {
  return paramCount > 0 && !/\$\d/.test(sql);
}

const ITEM = String.raw`(?:\$\d+|\?)(?:\s*::\s*[\w."]+(?:\[\])?)?`;
const IN_LIST = new RegExp(String.raw`(\bIN\s*\(\s*)(${ITEM})(?:\s*,\s*${ITEM})+(\s*\))`, 'gi');
const ARRAY_LIST = new RegExp(String.raw`(\bARRAY\s*\[\s*)(${ITEM})(?:\s*,\s*${ITEM})+(\s*\])`, 'gi');

/**
 * A normalised text with its lists of parameters squashed (`IN ($1, $2, $3)` → `IN ($1 /*, ... *\/)`, the same in
 * ARRAY[…]) and its parameters numbered again in order of appearance: one key for texts differing in list length.
 */
export function squashLists(normalized: string): string {
  const squashed = normalized.replace(IN_LIST, '$1$2 /*, ... */$3').replace(ARRAY_LIST, '$1$2 /*, ... */$3');
  if (squashed === normalized) return normalized;
  const numbers = new Map<string, number>();
  return squashed.replace(/\$(\d+)/g, (_, d: string) => {
    let k = numbers.get(d);
    if (k === undefined) numbers.set(d, (k = numbers.size + 1));
    return `$${k}`;
  });
}
