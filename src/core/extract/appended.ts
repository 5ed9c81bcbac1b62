/**
 * Statements built by appending: `query := "SELECT … FROM feeds"` then `query += " WHERE …"` (or
 * `sql = sql + …`, `sql << …`, `sql.append(…)`, `sb.WriteString(…)`) before the call that runs it.
 * The literal alone is not the statement that runs, so such a site is marked dynamic: rules that
 * judge the whole statement (no WHERE, no LIMIT) skip it instead of judging the base string.
 *
 * When every append between the literal and its call can be read, the statements the code can run
 * are composed (site.variants): appends in the literal's own block always happen, appends under an
 * `if`/`else`/`case` (or a trailing Ruby `if`/`unless`) may or may not, and every combination is
 * one variant (bounded: at most MAX_OPTIONAL optional appends). Appended string literals become SQL
 * text at their own file offsets; any other operand (`strings.Join(conds, " AND ")`, a variable) is a
 * hole standing for text computed at run time, which makes that variant dynamic. An append in a
 * loop, a reassignment, a format call or an append the reader does not know leaves the site only
 * marked dynamic.
 */
import type { SqlParam, SqlSite, SqlVariant } from './types';
import { finishSql, pushText, type Part, type PlaceholderStyle } from './compose';

/** The variable a site's literal is assigned to, from the text just before it. */
const ASSIGNED = /(?:^|[\s;({,])(?:(?:const|let|var|final|String|string|val)\s+)?([A-Za-z_$][\w$]*)(?:\s*:\s*[\w.<>[\]]+)?\s*(?::=|=|<<)\s*(?:[\w.]+\(\s*)?$/;

/** How far after the literal to look when the site has no call span (a constant used later). */
const LOOKAHEAD = 3000;

/** At most 2^MAX_OPTIONAL variants. */
const MAX_OPTIONAL = 5;

export function markAppendedSites(sites: SqlSite[], text: string): SqlSite[] {
  for (const site of sites) {
    if (site.dynamic || site.language === 'sql') continue;
    const before = text.slice(Math.max(0, site.span.start - 120), site.span.start);
    const m = ASSIGNED.exec(before);
    if (!m) continue;
    const name = m[1].replace(/[$]/g, '\\$');
    const end = site.callSpan && site.callSpan.start > site.span.end ? site.callSpan.start : Math.min(text.length, site.span.end + LOOKAHEAD);
    const between = text.slice(site.span.end, end);
    const appended = new RegExp(`(?:^|[^\\w$.])${name}\\s*(?:\\+=|<<|\\.(?:append|concat|push|WriteString|write|extend)\\s*\\(|=\\s*${name}\\s*\\+|=\\s*(?:fmt\\.Sprintf|String\\.format|format)\\s*\\(\\s*${name}\\b|=(?!=)[^\\n;]*[^\\w$.]${name}\\b)`);
    if (!appended.test(between)) continue;
    site.dynamic = true;
    // Compose only up to a call we know runs it (a constant used somewhere later is left dynamic).
    if (site.callSpan && site.callSpan.start > site.span.end) {
      const variants = composeVariants(site, text, name, site.span.end, site.callSpan.start);
      if (variants) site.variants = variants;
    }
  }
  return sites;
}

interface Append {
  /** The appended operands: literal text (with offsets) and holes. */
  parts: Part[];
  optional: boolean;
}

const lineStartOf = (text: string, at: number) => text.lastIndexOf('\n', at - 1) + 1;
const indentOf = (text: string, lineStart: number) => /^[ \t]*/.exec(text.slice(lineStart, lineStart + 200))![0].replace(/\t/g, '    ').length;

const LOOP = /^\s*(?:\}\s*)?(?:for|while|until|loop|foreach)\b|\.(?:each|forEach|map|times|each_with_index)\b|\bfor\b.*\b(?:in|range)\b/;
const BRANCH = /^\s*(?:\}\s*)?(?:if|elif|else|elsif|unless|when|case|switch|default|else\s+if)\b|^\s*(?:\}\s*)?else\b/;

/** The end of an expression starting at `from`: the end of its line, past `+` continuations and open brackets and strings. */
function expressionEnd(text: string, from: number, limit: number): number {
  let depth = 0;
  let i = from;
  while (i < limit) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      const close = stringEnd(text, i, limit);
      if (close < 0) return -1;
      i = close;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return i;
      depth--;
    } else if (c === ';' && depth === 0) return i;
    else if (c === '\n' && depth === 0) {
      const rest = text.slice(from, i).trimEnd();
      if (!rest.endsWith('+') && !/^\s*\+/.test(text.slice(i + 1, i + 200))) return i;
    }
    i++;
  }
  return limit;
}

/** Index just past the closing quote of the string literal at `i` (no interpolation), or -1. */
function stringEnd(text: string, i: number, limit: number): number {
  const q = text[i];
  if (q === '"' && text.startsWith('"""', i)) return -1;
  for (let k = i + 1; k < limit; k++) {
    const c = text[k];
    if (c === '\\' && q !== '`') {
      k++;
      continue;
    }
    if (c === '\n' && q !== '`') return -1;
    if (c === q) return k + 1;
  }
  return -1;
}

const ESC: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', "'": "'", '\\': '\\', '`': '`' };

/** Split an appended expression on top-level `+` into literal text and holes. */
function operands(text: string, start: number, end: number): Part[] | undefined {
  const parts: Part[] = [];
  let i = start;
  while (i < end) {
    while (i < end && /[\s+]/.test(text[i])) i++;
    if (i >= end) break;
    const c = text[i];
    // A literal: '…', "…", `…` (no template interpolation), not an f-string or prefixed literal.
    if ((c === '"' || c === "'" || c === '`') && !/[A-Za-z_]/.test(text[i - 1] ?? '')) {
      const close = stringEnd(text, i, end);
      if (close < 0) return undefined;
      const body = text.slice(i + 1, close - 1);
      if (c === '`' && body.includes('${')) return undefined;
      let out = '';
      const offs: number[] = [];
      for (let k = 0; k < body.length; k++) {
        if (body[k] === '\\' && c !== '`' && ESC[body[k + 1]] !== undefined) {
          out += ESC[body[k + 1]];
          offs.push(i + 1 + k);
          k++;
        } else {
          out += body[k];
          offs.push(i + 1 + k);
        }
      }
      pushText(parts, out, offs);
      i = close;
      continue;
    }
    // Anything else up to the next top-level `+`: text computed at run time.
    let depth = 0;
    let k = i;
    for (; k < end; k++) {
      const d = text[k];
      if (d === '"' || d === "'" || d === '`') {
        const close = stringEnd(text, k, end);
        if (close < 0) return undefined;
        k = close - 1;
        continue;
      }
      if (d === '(' || d === '[' || d === '{') depth++;
      else if (d === ')' || d === ']' || d === '}') depth--;
      else if (d === '+' && depth === 0) break;
    }
    const src = text.slice(i, k).trim();
    if (src) parts.push({ t: 'hole', source: src, span: { start: i, end: i + src.length }, dynamic: true });
    i = k;
  }
  return parts;
}

/** Every append to `name` in text[from, to), or undefined when one of them cannot be read. */
function readAppends(text: string, name: string, from: number, to: number, baseIndent: number): Append[] | undefined {
  const re = new RegExp(`(?:^|[^\\w$.])(${name})\\s*(\\+=|<<|:=|=(?!=)|\\.(?:append|WriteString)\\s*\\(|\\.\\w+\\s*\\()`, 'g');
  re.lastIndex = Math.max(0, from - 1);
  const out: Append[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(text.slice(0, to)))) {
    if (m.index < from) {
      re.lastIndex = Math.max(re.lastIndex, from);
      continue;
    }
    const op = m[2];
    const at = m.index + m[0].indexOf(m[1]);
    let exprStart = m.index + m[0].length;
    let exprEnd: number;
    if (op === ':=') return undefined;
    if (op === '=') {
      // Only `name = name + …` is an append; any other assignment replaces the statement.
      const self = new RegExp(`^\\s*${name}\\s*\\+`).exec(text.slice(exprStart, exprStart + 200));
      if (!self) return undefined;
      exprStart += self[0].length;
      exprEnd = expressionEnd(text, exprStart, to);
    } else if (op === '+=' || op === '<<') {
      exprEnd = expressionEnd(text, exprStart, to);
    } else if (/^\.(append|WriteString)/.test(op)) {
      exprEnd = expressionEnd(text, exprStart, to);
      if (exprEnd < 0 || text[exprEnd] !== ')') return undefined;
      // `.append(a).append(b)` chains: only a single call is read.
      if (/^\)\s*\.\s*append\b/.test(text.slice(exprEnd, exprEnd + 20))) return undefined;
    } else {
      // A method call on the variable that is not an append (`query.replace(…)`, `sb.toString()`): reading it is enough.
      if (/^\.(toString|String|strip|trim|length|len|size|isEmpty)\b/.test(op)) continue;
      return undefined;
    }
    if (exprEnd < 0) return undefined;
    const parts = operands(text, exprStart, exprEnd);
    if (!parts) return undefined;
    const ls = lineStartOf(text, at);
    const lineHead = text.slice(ls, at);
    const after = text.slice(exprEnd, text.indexOf('\n', exprEnd) < 0 ? to : text.indexOf('\n', exprEnd));
    let optional: boolean;
    if (/\b(if|unless)\b/.test(lineHead) || /^\)?\s*(if|unless)\b/.test(after.trimStart())) optional = true;
    else {
      const indent = indentOf(text, ls);
      if (indent < baseIndent) return undefined;
      if (indent === baseIndent) optional = false;
      else {
        // The header of the block the append is in: the nearest line above with less indentation.
        let p = ls - 1;
        let header: string | undefined;
        while (p > from - 1) {
          const s = lineStartOf(text, p);
          const line = text.slice(s, p);
          if (line.trim() && indentOf(text, s) < indent) {
            header = line;
            break;
          }
          p = s - 1;
        }
        if (header === undefined) header = text.slice(lineStartOf(text, from), from);
        if (LOOP.test(header)) return undefined;
        if (!BRANCH.test(header)) return undefined;
        optional = true;
      }
    }
    out.push({ parts, optional });
    re.lastIndex = Math.max(re.lastIndex, exprEnd);
  }
  return out;
}

/** The placeholder style the site's own parameters show (or its language's usual one). */
function styleOf(site: SqlSite): PlaceholderStyle {
  const srcs = site.params.map((p) => p.source);
  const style: PlaceholderStyle = { dollar: true };
  if (srcs.some((s) => s === '?') || (!srcs.length && (site.language === 'java' || site.language === 'ruby'))) style.qmark = site.language === 'java' ? 'jdbc' : 'plain';
  if (srcs.some((s) => s.startsWith('%')) || (!srcs.length && site.language === 'python')) style.pyformat = true;
  if (srcs.some((s) => s.startsWith(':'))) style.colon = true;
  return style;
}

function composeVariants(site: SqlSite, text: string, name: string, from: number, to: number): SqlVariant[] | undefined {
  const baseIndent = indentOf(text, lineStartOf(text, site.span.start - 1 < 0 ? 0 : site.span.start));
  const appends = readAppends(text, name, from, to, baseIndent);
  if (!appends?.length) return undefined;
  const optional = appends.filter((a) => a.optional);
  if (optional.length > MAX_OPTIONAL) return undefined;
  const style = styleOf(site);
  const out: SqlVariant[] = [];
  for (let mask = 0; mask < 1 << optional.length; mask++) {
    const parts: Part[] = [];
    pushText(parts, site.sql, site.sourceMap.length === site.sql.length ? site.sourceMap : new Array(site.sql.length).fill(site.span.start));
    for (const a of appends) {
      const k = optional.indexOf(a);
      if (k >= 0 && !(mask & (1 << k))) continue;
      for (const p of a.parts) {
        if (p.t === 'text') pushText(parts, p.text, p.offsets);
        else parts.push(p);
      }
    }
    const f = finishSql(parts, style);
    const params: SqlParam[] = f.params;
    out.push({ sql: f.sql, sourceMap: f.sourceMap, params, dynamic: f.dynamic });
  }
  return out;
}
