/** Short human figures shared by messages, CodeLens titles and reports. */
import { lexSql } from './extract/sqlLexer';

/** 950 → "950", 1234 → "1.2k", 120000 → "120k", 3.4e6 → "3.4M". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const a = Math.abs(n);
  if (a >= 1e9) return `${trim(n / 1e9)}G`;
  if (a >= 1e6) return `${trim(n / 1e6)}M`;
  if (a >= 1e5) return `${Math.round(n / 1e3)}k`;
  if (a >= 1e3) return `${trim(n / 1e3)}k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** Milliseconds with sensible precision: 0.042 ms, 3.1 ms, 250 ms, 1.5 s, 2.1 min. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1) return `${ms.toFixed(ms < 0.1 ? 3 : 2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${trim(ms / 1000)} s`;
  if (ms < 3600000) return `${trim(ms / 60000)} min`;
  return `${trim(ms / 3600000)} h`;
}

/** Bytes in binary units: 512 → "512 B", 1536 → "1.5 kB", 8192 → "8 kB", 12.3 MiB → "12 MB", 1.5 GiB → "1.5 GB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? Math.round(v) : Math.abs(v) >= 10 ? Math.round(v) : trim(v)} ${units[u]}`;
}

/**
 * A share (0..1) as a percentage: the one formatter of shares — the plan's figures (tips, hover, plan viewer, CLI), the
 * dashboard's, the index advice's, the cost CodeLens's and the report's. A share strictly between 0 and 1 never prints
 * as none or all (person43 L3: "16.0M rows keeps 3111 (0.0%)" read as none): it takes more decimals, then says it is
 * below the smallest it shows. `digits`: decimals (default 0 from 10%, else 1), up to two more where the share needs
 * them ("0.02%", "99.97%", "<0.01%", ">99.99%"). `brief`, for a figure read at a glance (a CodeLens, a report's column):
 * no false precision — at most one decimal, none trailing ("18%", "0.4%", "5%", "<0.1%", ">99.9%"). An exact zero is "0%".
 */
export function formatPercent(share: number, opts: { digits?: number; brief?: boolean } = {}): string {
  if (!Number.isFinite(share)) return '–';
  // An exact zero is none: "0%", never "0.0%" (person45 L1: "self cost 0.00 (0.0%)", "keeps 0 (0.0%)").
  if (share === 0) return '0%';
  const p = share * 100;
  const most = opts.brief ? 1 : 2;
  let d = Math.min(opts.digits ?? (Math.abs(p) >= 10 ? 0 : 1), opts.brief ? 1 : 20);
  let s = p.toFixed(d);
  const edge = () => Number(s) === 0 || Number(s) === 100;
  if (p > 0 && p < 100) {
    while (edge() && d < most) s = p.toFixed(++d);
    if (edge()) return Number(s) === 0 ? `<${(10 ** -most).toFixed(most)}%` : `>${(100 - 10 ** -most).toFixed(most)}%`;
  }
  return `${opts.brief ? s.replace(/\.0+$/, '') : s}%`;
}

function trim(x: number): string {
  return x.toFixed(1).replace(/\.0$/, '');
}

/** Runs of white space as one space, trimmed: a statement written on one line or many reads the same. */
export function spaced(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/**
 * Text on one line for a label: whitespace runs become one space; past `max` characters it is cut at a word boundary
 * (a word longer than the last third of `max` is cut inside) and ends in " …" — never a half word ("FROM c…") that reads
 * as a name, nor an ellipsis glued to an operator ("OR…").
 */
export function shortLine(s: string, max: number): string {
  const t = spaced(s);
  if (t.length <= max) return t;
  const room = t.slice(0, Math.max(1, max - 2));
  const space = t[room.length] === ' ' ? room.length : room.lastIndexOf(' ');
  const cut = space >= (max * 2) / 3 ? room.slice(0, space) : room;
  return `${cut.replace(/[\s,;(]+$/, '')} …`;
}

/**
 * Labels of a list of statements (a pick list) that tell them apart: each on one line (shortLine), and where two would
 * read the same within `max` characters — the same statement but for its end (person17: `… LIMIT $1` and
 * `… LIMIT $1 OFFSET $2`, cut off at the same place) — from a little before where it differs from the others, after
 * "… ".
 */
export function distinctLabels(texts: readonly string[], max: number): string[] {
  const one = texts.map((t) => t.replace(/\s+/g, ' ').trim());
  const short = one.map((t) => shortLine(t, max));
  return one.map((t, i) => {
    if (!short.some((o, j) => j !== i && o === short[i])) return short[i];
    // Where it parts from the most alike of the others: from a few words before it (more when the rest is short), from a word's start.
    let common = 0;
    for (const [j, o] of one.entries()) {
      if (j === i) continue;
      let k = 0;
      while (k < t.length && k < o.length && t[k] === o[k]) k++;
      common = Math.max(common, k);
    }
    let from = Math.max(0, Math.min(Math.min(common, t.length) - Math.floor(max / 3), t.length - (max - 2)));
    if (from > 0) from = t.indexOf(' ', from) + 1 || from;
    return from > 0 ? `… ${shortLine(t.slice(from), max - 2)}` : short[i];
  });
}

/**
 * Where a recorded statement was sent from, as the reports write it: `file:line`, or — a statement the recorded app
 * sent with no frame of the app's on its stack (a library's own work: a pool's setup, an ORM's migrations check) —
 * said as such, never as another client's. `rel` makes the path relative (and safe to show).
 */
export function recordedWhere(file: string | undefined, line: number | undefined, rel: (f: string) => string): string {
  return file ? `${rel(file)}:${line}` : '(no line in your code: sent from a library on its own)';
}

/** A ratio as a reader says it: "4.3× lower", "1.1× faster" (below 1 its inverse, with the word for less). */
export function times(ratio: number, less: string, more: string, digits = 1): string {
  return ratio < 1 ? `${(1 / ratio).toFixed(digits)}× ${less}` : `${ratio.toFixed(digits)}× ${more}`;
}

/** Up to `max` names, then "and N more": "a.ts:1, b.ts:2 and 3 more". */
export function listAndMore(names: readonly string[], max: number): string {
  return `${names.slice(0, max).join(', ')}${names.length > max ? ` and ${names.length - max} more` : ''}`;
}

/** "once", "twice", "3 times", "1,200 times" (how often something happened). */
export function timesOf(n: number): string {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n.toLocaleString('en-US')} times`;
}

/** "1 warning", "2 warnings", "0 errors": a count with its noun (plural with -s); `show` writes the number ("12k"). */
export function countOf(n: number, noun: string, show: (n: number) => string = String): string {
  return `${show(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * SQL on one line, read with the SQL lexer (lexSql): each run of blanks one space; a `--` comment, which would hide the
 * rest of a line, written as a block comment; strings, quoted names, dollar bodies and block comments as they are.
 */
function oneLine(sql: string): string {
  let out = '';
  for (const t of lexSql(sql)) {
    const text = sql.slice(t.start, t.end);
    if (t.kind === 'space') out += ' ';
    else if (t.kind === 'comment' && text.startsWith('--')) out += `/* ${text.slice(2).trim().replace(/\*\//g, '* /')} */`;
    else out += text;
  }
  return out.trim();
}

/**
 * The top-level select list of one-line SQL, walked on lexSql's tokens: the `SELECT [DISTINCT [ON (…)] | ALL]` it
 * follows ends at `start`, its items (split at the top level's commas; strings, quoted names, comments, dollar bodies,
 * parentheses and brackets — `ARRAY[a, b]` — skipped) run to `end` (before FROM, INTO, a set operation or the text's
 * end). Undefined when there is no top-level SELECT.
 */
function topSelectList(s: string): { start: number; end: number; items: string[] } | undefined {
  let depth = 0;
  let start = -1;
  const items: string[] = [];
  let from = -1;
  const wordAt = (i: number, w: string) => s.slice(i, i + w.length).toUpperCase() === w && !/\w/.test(s[i - 1] ?? ' ') && !/\w/.test(s[i + w.length] ?? ' ');
  for (const t of lexSql(s)) {
    // The SELECT's own head (DISTINCT ON (…)) is not the list.
    if (t.end <= start) continue;
    if (t.kind === 'open') depth++;
    else if (t.kind === 'close') depth--;
    if (t.kind !== 'code' || depth !== 0) continue;
    for (let i = Math.max(t.start, start); i < t.end; i++) {
      if (start < 0) {
        if (wordAt(i, 'SELECT')) {
          const head = /^SELECT\s+(?:ALL\s+|DISTINCT\s+(?:ON\s*\([^)]*\)\s*)?)?/i.exec(s.slice(i))!;
          start = i + head[0].length;
          from = start;
          if (start >= t.end) break;
          i = start - 1;
        }
        continue;
      }
      if (s[i] === ',') {
        items.push(s.slice(from, i).trim());
        from = i + 1;
      } else if (['FROM', 'INTO', 'UNION', 'INTERSECT', 'EXCEPT', 'WHERE', 'GROUP', 'ORDER', 'LIMIT'].some((w) => wordAt(i, w))) {
        items.push(s.slice(from, i).trim());
        return { start, end: i, items };
      }
    }
  }
  if (start < 0) return undefined;
  items.push(s.slice(from).trim());
  return { start, end: s.length, items };
}

/**
 * Long SQL as a hover shows it (person15: a ~1,500-character TypeORM select list, `SELECT "Term"."id" AS "Term_id", …`,
 * filled the hover): on one line (oneLine), a long top-level select list abridged to its first columns and a count
 * (`"Term"."id" AS "Term_id", "Term"."value" AS "Term_value", … 14 more columns`), and what is still longer than `max`
 * cut with `…`. `folded` says the text shown is not the whole statement (the hover then links the full text).
 */
export function foldSql(sql: string, max = 700): { text: string; folded: boolean; hiddenColumns: number } {
  const one = oneLine(sql);
  let text = one;
  let hiddenColumns = 0;
  const list = topSelectList(one);
  if (list && list.items.length > 3 && list.end - list.start > 160) {
    const kept: string[] = [];
    let room = 120;
    for (const item of list.items) {
      if (kept.length >= 3 || (kept.length && item.length > room)) break;
      kept.push(item);
      room -= item.length + 2;
    }
    hiddenColumns = list.items.length - kept.length;
    text = `${one.slice(0, list.start)}${kept.join(', ')}, … ${countOf(hiddenColumns, 'more column')} ${one.slice(list.end)}`.trimEnd();
  }
  if (text.length > max) text = `${text.slice(0, max - 2).trimEnd()} …`;
  return { text, folded: text !== one, hiddenColumns };
}

/**
 * SQL laid out to read in an editor when sql-formatter cannot (the Full SQL document formats with it: formatSql): each
 * clause on its own line, and a long top-level select list one column a line.
 */
export function layoutSql(sql: string): string {
  const one = oneLine(sql);
  const list = topSelectList(one);
  const laid = list && list.items.length > 3 ? `${one.slice(0, list.start).trimEnd()}\n  ${list.items.join(',\n  ')}\n${one.slice(list.end)}` : one;
  return clauseLines(laid);
}

/** Keywords that start a clause on their own line; the text is otherwise as given. */
export function clauseLines(sql: string): string {
  return sql.replace(/ (FROM|WHERE|GROUP BY|ORDER BY|HAVING|LIMIT|OFFSET|LEFT OUTER JOIN|LEFT JOIN|INNER JOIN|JOIN|UNION ALL|RETURNING|VALUES|SET) /g, '\n$1 ');
}

/** `s` as a regular expression matching it literally. */
export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
