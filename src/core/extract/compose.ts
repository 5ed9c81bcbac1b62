/**
 * Composed SQL text: literal pieces (each character with its file offset) and holes (an
 * expression computed at run time: `${expr}`, an f-string field, a concatenated variable), and the
 * last step that turns placeholders and holes into PostgreSQL's `$n` with a map back to the file.
 */
import type { Span } from '../findings';
import type { SplicedName, SqlParam, SqlVariant } from './types';
import { lexOne } from './sqlLexer';

export interface TextPart {
  t: 'text';
  text: string;
  /** File offset of every character of text. */
  offsets: number[];
}

interface HolePart {
  t: 'hole';
  /** The expression as written, e.g. `${user.id}`, `{name}`, `table`. */
  source: string;
  span: Span;
  /** True when the hole is string interpolation at run time (not a bind parameter). */
  dynamic: boolean;
  /** Stands for no text: it only says the statement is chosen at run time (a builder call under an `if`). */
  empty?: boolean;
}

export type Part = TextPart | HolePart;

export function textPart(text: string, start: number): TextPart {
  const offsets = new Array<number>(text.length);
  for (let i = 0; i < text.length; i++) offsets[i] = start + i;
  return { t: 'text', text, offsets };
}

/** Append decoded text (one file offset per character) to parts, merging with a previous text part. */
export function pushText(parts: Part[], text: string, offsets: number[]): void {
  if (!text.length) return;
  const last = parts[parts.length - 1];
  if (last && last.t === 'text') {
    last.text += text;
    for (const o of offsets) last.offsets.push(o);
  } else parts.push({ t: 'text', text, offsets: offsets.slice() });
}

/** Placeholder styles an API understands, besides holes (which always become $n). */
export interface PlaceholderStyle {
  /** $1, $2 … are the driver's own: kept, recorded as params. */
  dollar?: boolean;
  /** `?` → $n. 'jdbc': `??` is an escaped `?` (PgJDBC) and `?1` is JPA's positional parameter 1. 'knex': `??` is an identifier binding. */
  qmark?: 'plain' | 'jdbc' | 'knex';
  /** psycopg / Django: %s, %(name)s, %% → %. */
  pyformat?: boolean;
  /** :name (SQLAlchemy, sqlx named, Spring named, knex, Sequelize, ActiveRecord). */
  colon?: boolean;
  /** @name (pgx.NamedArgs). */
  at?: boolean;
  /** MyBatis: `#{name}` is a bind parameter, `${name}` is text spliced in at run time (dynamic). */
  mybatis?: boolean;
  /** web.py's `db.query(sql, vars=…)`: `$name` and `$name.attr` are named values; `IN $list` is written out as `(a, b)`. */
  webpy?: boolean;
}

const HOLE = '\uE000';

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\w\u0080-\uffff]/.test(c) && c !== HOLE;
}

/** Words after which a value or a name must follow: a hole there is a value (`WHERE ${cond}`, `FROM ${table}`, `= ${id}`). */
const EXPECTS_OPERAND = new Set(['select', 'from', 'where', 'and', 'or', 'not', 'on', 'join', 'by', 'set', 'values', 'into', 'update', 'table', 'limit', 'offset', 'having', 'in', 'is', 'as', 'when', 'then', 'else', 'case', 'distinct', 'returning', 'union', 'intersect', 'except', 'all', 'any', 'some', 'exists', 'between', 'like', 'ilike', 'similar', 'using', 'with', 'interval', 'array', 'delete', 'insert', 'fetch', 'first', 'next', 'to', 'filter', 'over', 'partition', 'window', 'lateral', 'only', 'return', 'if', 'exec', 'execute', 'call', 'do', 'escape', 'collate', 'at', 'zone']);

/**
 * Is a hole at this point in clause position — right after a complete operand (a name, a literal, `$n`, `)`) with
 * blank space between — so that it can only be text spliced in (a clause, a join, a sort direction), not a value?
 */
function inClausePosition(sqlSoFar: string, prev: string | undefined): boolean {
  if (prev === undefined || !/\s/.test(prev)) return false;
  const tail = /(\$\d+|[A-Za-z_][\w$]*|\d+|'[^']*'|"[^"]*"|\))\s+$/.exec(sqlSoFar);
  if (!tail) return false;
  const word = tail[1];
  return !/^[A-Za-z_]/.test(word) || !EXPECTS_OPERAND.has(word.toLowerCase());
}

/** Words after which a table (or type) name stands: a hole there is a name spliced in. */
const BEFORE_NAME = /(?:^|[^\w$"])(?:from|join|into|update|table|truncate|only)\s+$/i;

/**
 * Is the hole at raw[k] a name — a schema qualifier (`${schema}.job`), the name after one (`app.${table}`), a type
 * after `::`, or the table after FROM / JOIN / INTO / UPDATE / TABLE (`INSERT INTO ${table} (…)`)?
 */
function inNamePosition(raw: string, k: number, sqlSoFar: string): boolean {
  const next = raw[k + 1];
  if (next === '.' && (isWordChar(raw[k + 2]) || raw[k + 2] === HOLE || raw[k + 2] === '"')) return true;
  if (/(?:[\w"]\.|::)$/.test(sqlSoFar)) return true;
  return BEFORE_NAME.test(sqlSoFar) && (next === undefined || /[\s(,;)]/.test(next));
}

/**
 * The name a spliced expression is written as (`${schema}` → `schema` at its file offset), when it is a plain name path.
 * An attribute path is read by its last parts, as many as the name's place leaves (`FROM {self.qualified.queue_table}` →
 * `qualified.queue_table`, `{self.settings.schema}.jobs` → `schema.jobs`): the object path before them (`self`, `opts`)
 * names no schema, and a three-part name is one the rules' parser cannot read.
 */
function nameOfHole(h: HolePart, qualifiedBefore: boolean, qualifiedAfter: boolean): { text: string; at: number; width?: number } | undefined {
  // A format verb of a `fmt.Sprintf` / `String.format` template (`FROM %s`): the name is not written anywhere; it is read
  // as the quoted name `"%s"`, each character mapped into the verb.
  if (/^%[-+# 0]*\d*[sqv]$/.test(h.source)) return { text: `"${h.source}"`, at: h.span.start, width: h.source.length };
  // psql's `:NAME` / `:"NAME"` variables in a .sql script (`CREATE TABLE :SCHEMA.jobs`) are names spliced in too.
  const m = /^(\$?\{\s*)([A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*){0,2})\s*\}$/.exec(h.source) ?? /^(:"?)([A-Za-z_]\w*)"?$/.exec(h.source);
  if (!m) return undefined;
  const parts = m[2].split('.');
  const keep = Math.max(1, 2 - (qualifiedBefore ? 1 : 0) - (qualifiedAfter ? 1 : 0));
  const text = parts.slice(-keep).join('.');
  return text.length <= 63 ? { text, at: h.span.start + m[1].length + m[2].length - text.length } : undefined;
}

/**
 * A pg-promise query-formatting variable: `$1` with a modifier (`:name`, `~`, `:alias`, `:raw`, `^`, `:value`, `:csv`,
 * `:list`, `:json`), or a named one — `$<name>`, `$(name)`, `$[name]`, `$/name/`, `${name}` — with or without one.
 * Groups: 1 the number, 2 its modifier; 3 the opening bracket, 4 the name, 5 its modifier.
 */
const CLOSING: Record<string, string> = { '<': '>', '(': ')', '[': ']', '{': '}', '/': '/' };
const PG_PROMISE_VARIABLE =
  /^\$(?:(\d{1,5})(:(?:name|alias|raw|value|csv|list|json)\b|\^|~)|([<([{/])\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*(:(?:name|alias|raw|value|csv|list|json)\b|\^|~)?\s*[>)\]}/])/;

/**
 * Turn parts into SQL: holes and placeholders (outside SQL strings, comments and quoted
 * identifiers; holes everywhere) → $n in order of appearance; the same named placeholder gets the
 * same number. Leading and trailing blanks and a trailing `;` are trimmed.
 */
export function finishSql(parts: Part[], style: PlaceholderStyle): SqlVariant {
  let raw = '';
  const map: number[] = [];
  const holes: HolePart[] = [];
  let dynamic = false;
  for (const p of parts) {
    if (p.t === 'text') {
      // A literal private-use char in source text would be mistaken for a hole: replace it.
      raw += p.text.includes(HOLE) ? p.text.split(HOLE).join(' ') : p.text;
      for (const o of p.offsets) map.push(o);
    } else if (p.empty) {
      dynamic = true;
    } else {
      raw += HOLE;
      map.push(p.span.start);
      holes.push(p);
    }
  }
  let sql = '';
  const sourceMap: number[] = [];
  const params: SqlParam[] = [];
  const named = new Map<string, number>();
  let holeIndex = 0;
  let next = 1;
  const splicedNames: SplicedName[] = [];
  if (style.dollar) {
    // Holes and other placeholders are numbered after the driver's own $n.
    const re = /\$(\d{1,5})/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(raw))) if (!isWordChar(raw[m.index - 1]) && !/[0-9]/.test(raw[m.index + m[0].length] ?? '')) next = Math.max(next, Number(m[1]) + 1);
  }
  const emit = (s: string, fileOffset: number) => {
    // `IN :ids`, `IN %s`, `VALUES {rows}`: a list the driver or the code expands at run time (psycopg's tuples,
    // SQLAlchemy's expanding parameters) is one `$n` in parentheses — `IN ($1)` — so the statement can be read.
    if (s[0] === '$' && /(?:^|[^\w$".])(?:in|values)\s*$/i.test(sql)) s = `(${s})`;
    sql += s;
    for (let k = 0; k < s.length; k++) sourceMap.push(fileOffset);
  };
  const copy = (from: number, to: number) => {
    sql += raw.slice(from, to);
    for (let k = from; k < to; k++) sourceMap.push(map[k]);
  };
  const spanOf = (from: number, to: number): Span => ({ start: map[from], end: to > from ? map[to - 1] + 1 : map[from] });
  const param = (source: string, span: Span, name?: string): number => {
    if (name !== undefined) {
      const seen = named.get(name);
      if (seen !== undefined) {
        params.push({ index: seen, source, span });
        return seen;
      }
    }
    const n = next++;
    if (name !== undefined) named.set(name, n);
    params.push({ index: n, source, span });
    return n;
  };
  const holeAt = (k: number) => {
    const h = holes[holeIndex++];
    const n = param(h.source, h.span);
    if (h.dynamic) {
      // Text spliced in at run time as a value (or anything else): what it holds is not known, so rules that judge the
      // whole statement skip it. A spliced name or a computed `$${n}` (below) leaves the statement whole.
      params[params.length - 1].spliced = true;
      dynamic = true;
    }
    emit('$' + n, map[k]);
  };
  /** Copy a string/comment token, replacing holes inside it. */
  const copyWithHoles = (from: number, to: number) => {
    let k = from;
    while (k < to) {
      const h = raw.indexOf(HOLE, k);
      if (h < 0 || h >= to) {
        copy(k, to);
        return;
      }
      copy(k, h);
      holeAt(h);
      k = h + 1;
    }
  };
  let i = 0;
  const n = raw.length;
  while (i < n) {
    const t = lexOne(raw, i);
    if (t.kind !== 'code') {
      copyWithHoles(t.start, t.end);
      i = t.end;
      continue;
    }
    let k = t.start;
    while (k < t.end) {
      const c = raw[k];
      const prev = raw[k - 1];
      if (c === '$' && raw[k + 1] === HOLE && !isWordChar(prev)) {
        // `$${i}`: a numbered placeholder whose number is computed (`LIMIT $${n} OFFSET $${n + 1}`): one bind parameter.
        const h = holes[holeIndex++];
        emit('$' + param('$' + h.source, h.span), map[k]);
        k += 2;
        continue;
      }
      const atName = c === HOLE && holes[holeIndex].dynamic && inNamePosition(raw, k, sql);
      const name = atName ? nameOfHole(holes[holeIndex], /[\w"]\.$/.test(sql), raw[k + 1] === '.') : undefined;
      // A piece of the code where a name goes (`FROM ${table}`, `FROM #{table}`, `"… FROM " + table`): kept with what the
      // text reads there (the name as written, or the `$n` that stands for it), so a statement that then does not parse
      // says the name is chosen at run time, not that PostgreSQL cannot parse it (person28 L4).
      if (atName) splicedNames.push({ source: holes[holeIndex].source.replace(/\s+/g, ' ').slice(0, 40), read: name?.text ?? `$${next}` });
      if (name) {
        // A name spliced in (`FROM ${schema}.job`, `INSERT INTO {table_name}`, `$1::${s}.job_state`): the statement is
        // whole, only the schema or table is chosen at run time. It is read with the expression's own name, character
        // for character (`FROM s.job`); a reserved word there (`${table}`) still fails to parse and is said as before.
        holeIndex++;
        sql += name.text;
        for (let q = 0; q < name.text.length; q++) sourceMap.push(name.at + (name.width !== undefined ? Math.min(Math.max(q - 1, 0), name.width - 1) : q));
        k++;
        continue;
      }
      if (c === HOLE) {
        // Text spliced in where no value can stand (`WHERE a = $1 ${filterQuery}`, `FROM t ${joins}`): an optional
        // clause chosen at run time. The statement is read without it, and is dynamic (whole-statement rules skip it).
        // A tagged template's substitution there is no bind parameter either: a fragment the code keeps in a variable
        // (postgres.js `let cursorFilter = sql``; … ${cursorFilter}`, rules35).
        if (inClausePosition(sql, prev)) {
          holeIndex++;
          dynamic = true;
          k++;
          continue;
        }
        holeAt(k);
        k++;
        // `${a}${b}`: pieces glued together are one piece of text.
        while (raw[k] === HOLE) {
          if (holes[holeIndex++].dynamic) dynamic = true;
          k++;
        }
        continue;
      }
      if (c === '{' && raw[k + 1] === '{') {
        // `{{name}}` / `{{name::uuid}}`: a template placeholder an app's own helper turns into $n (umami's rawQuery).
        const m = /^\{\{\s*([A-Za-z_]\w*)\s*(::\s*[A-Za-z_][\w ]*?)?\s*\}\}/.exec(raw.slice(k, k + 200));
        if (m && !m[0].includes(HOLE)) {
          const e = k + m[0].length;
          const idx = param(m[0], spanOf(k, e), '{{' + m[1]);
          emit('$' + idx + (m[2] ? m[2].replace(/\s+/g, '') : ''), map[k]);
          k = e; // may run past this token: the outer loop resumes after it
          continue;
        }
      }
      if (c === '$' && style.webpy && !isWordChar(prev) && /[A-Za-z_]/.test(raw[k + 1] ?? '')) {
        const m = /^\$[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*/.exec(raw.slice(k, k + 120))!;
        const e = k + m[0].length;
        const idx = param(m[0], spanOf(k, e), m[0]);
        // `IN $ids`: web.py writes the list out in parentheses.
        const list = /\bin\s*$/i.test(sql);
        emit(list ? `($${idx})` : '$' + idx, map[k]);
        k = e; // may run past this token: the outer loop resumes after it
        continue;
      }
      if (c === '$' && style.dollar && !isWordChar(prev)) {
        // pg-promise's formatting: `$1:name` / `$1~` / `$<table:name>` name a table or column, `$1:raw` / `$1^` splice
        // text, `$<name>`, `$(name)`, `${name}` (in a plain string) are named values.
        const f = PG_PROMISE_VARIABLE.exec(raw.slice(k, k + 80));
        if (f && !f[0].includes(HOLE) && (f[3] === undefined || CLOSING[f[3]] === f[0][f[0].length - 1])) {
          const e = k + f[0].length;
          const number = f[1];
          const modifier = f[2] ?? f[5] ?? '';
          if (modifier === '~' || modifier === ':name' || modifier === ':alias') {
            // A name the driver quotes in: read as the quoted name `"$1:name"` (as `FROM %s` is), the statement is whole.
            const text = `"${f[0]}"`;
            sql += text;
            for (let q = 0; q < text.length; q++) sourceMap.push(map[Math.min(k + Math.max(q - 1, 0), e - 1)]);
          } else {
            const idx = number !== undefined ? Number(number) : param(f[0], spanOf(k, e), '$' + f[4]);
            if (number !== undefined) {
              params.push({ index: idx, source: f[0], span: spanOf(k, e) });
              next = Math.max(next, idx + 1);
            }
            if (modifier === '^' || modifier === ':raw' || modifier === ':value') {
              // Raw text spliced in: what it holds is not known, so whole-statement rules skip the statement.
              params[params.length - 1].spliced = true;
              dynamic = true;
            }
            emit('$' + idx, map[k]);
          }
          k = e; // may run past this token: the outer loop resumes after it
          continue;
        }
      }
      if (c === '$' && style.dollar && /[0-9]/.test(raw[k + 1] ?? '') && !isWordChar(prev)) {
        let e = k + 1;
        while (e < t.end && /[0-9]/.test(raw[e])) e++;
        const num = Number(raw.slice(k + 1, e));
        if (num < 1 || e - k > 6) {
          copy(k, e);
          k = e;
          continue;
        }
        params.push({ index: num, source: raw.slice(k, e), span: spanOf(k, e) });
        next = Math.max(next, num + 1);
        copy(k, e);
        k = e;
        continue;
      }
      if (c === '?' && style.qmark) {
        if (style.qmark === 'jdbc' && raw[k + 1] === '?') {
          emit('?', map[k]);
          k += 2;
          continue;
        }
        if (style.qmark === 'jdbc' && /[0-9]/.test(raw[k + 1] ?? '')) {
          let e = k + 1;
          while (e < t.end && /[0-9]/.test(raw[e])) e++;
          const num = raw.slice(k + 1, e);
          const idx = param(raw.slice(k, e), spanOf(k, e), '?' + num);
          emit('$' + idx, map[k]);
          k = e;
          continue;
        }
        if (style.qmark === 'knex' && raw[k + 1] === '?') {
          const idx = param('??', spanOf(k, k + 2));
          dynamic = true;
          emit('$' + idx, map[k]);
          k += 2;
          continue;
        }
        // `?|`, `?&` and `?` between operands are jsonb operators only in $n-style APIs; here `?` is a parameter.
        const idx = param('?', spanOf(k, k + 1));
        emit('$' + idx, map[k]);
        k++;
        continue;
      }
      if (c === '%' && style.pyformat) {
        if (raw[k + 1] === '%') {
          emit('%', map[k]);
          k += 2;
          continue;
        }
        if (raw[k + 1] === 's' && !isWordChar(raw[k + 2])) {
          const idx = param('%s', spanOf(k, k + 2));
          emit('$' + idx, map[k]);
          k += 2;
          continue;
        }
        if (raw[k + 1] === '(') {
          // %(name)s — the lexer split it at "(": look at raw text directly.
          const m = /^%\(([^()\s]+)\)s/.exec(raw.slice(k, k + 200));
          if (m) {
            const e = k + m[0].length;
            const idx = param(m[0], spanOf(k, e), '%' + m[1]);
            emit('$' + idx, map[k]);
            k = e; // may run past this token (it ended at "("): the outer loop resumes after it
            continue;
          }
        }
      }
      if ((c === '#' || c === '$') && style.mybatis && raw[k + 1] === '{') {
        // #{name} / ${name} — the lexer may split it at "{": look at raw text directly.
        const m = /^[#$]\{([^{}\n]{1,100})\}/.exec(raw.slice(k, k + 110));
        if (m) {
          const e = k + m[0].length;
          const idx = param(m[0], spanOf(k, e), c === '#' ? '#' + m[1].split(',')[0].trim() : undefined);
          if (c === '$') dynamic = true;
          emit('$' + idx, map[k]);
          k = e;
          continue;
        }
      }
      // :name (not a :: cast) and @name: a named parameter, labelled as written.
      const named = (c === ':' && style.colon && prev !== ':' && raw[k + 1] !== ':') || (c === '@' && style.at && prev !== '@');
      if (named && !isWordChar(prev) && /[A-Za-z_]/.test(raw[k + 1] ?? '')) {
        let e = k + 1;
        while (e < t.end && /[\w]/.test(raw[e])) e++;
        const idx = param(raw.slice(k, e), spanOf(k, e), raw.slice(k, e));
        emit('$' + idx, map[k]);
        k = e;
        continue;
      }
      copy(k, k + 1);
      k++;
    }
    i = Math.max(t.end, k);
  }
  // Trim blanks and a trailing semicolon.
  let s = 0;
  let e = sql.length;
  while (s < e && /\s/.test(sql[s])) s++;
  while (e > s && /\s/.test(sql[e - 1])) e--;
  if (e > s && sql[e - 1] === ';') {
    e--;
    while (e > s && /\s/.test(sql[e - 1])) e--;
  }
  params.sort((a, b) => a.span.start - b.span.start);
  return { sql: sql.slice(s, e), sourceMap: sourceMap.slice(s, e), params, dynamic, ...(splicedNames.length ? { splicedNames } : {}) };
}

/**
 * Turn format directives in text parts into dynamic holes: Go's fmt.Sprintf verbs (%s, %d, %v …),
 * Python's str.format fields ({}, {name}). `literalOf` says which matches stay text (e.g. %% → %).
 * `argFor(match, k)`, when given, is the k-th directive's argument composed: when it is plain text (a string
 * constant, a name assigned one, a join of literal strings) or a bound value, the directive is filled with it, at the
 * argument's own file offsets (`fmt.Sprintf("SELECT %s FROM t", cols)` with `const cols = "id, name"`).
 */
export function directivesToHoles(parts: Part[], re: RegExp, literalOf?: (m: string) => string | undefined, argFor?: (m: string, k: number) => Part[] | undefined): Part[] {
  const out: Part[] = [];
  let k = 0;
  for (const p of parts) {
    if (p.t !== 'text') {
      out.push(p);
      continue;
    }
    let last = 0;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    let guard = 0;
    while ((m = re.exec(p.text)) && guard++ < 10000) {
      if (!m[0].length) {
        re.lastIndex++;
        continue;
      }
      pushText(out, p.text.slice(last, m.index), p.offsets.slice(last, m.index));
      const lit = literalOf?.(m[0]);
      const arg = lit === undefined ? argFor?.(m[0], k++) : undefined;
      if (lit !== undefined) pushText(out, lit, new Array(lit.length).fill(p.offsets[m.index]));
      else if (arg?.length && arg.every((a) => a.t === 'text' || !a.dynamic)) {
        // Text, and values bound as parameters (psycopg's Literal): the directive becomes them.
        for (const a of arg) {
          if (a.t === 'text') pushText(out, a.text, a.offsets);
          else out.push(a);
        }
      }
      else {
        const start = p.offsets[m.index];
        out.push({ t: 'hole', source: m[0], span: { start, end: p.offsets[m.index + m[0].length - 1] + 1 }, dynamic: true });
      }
      last = m.index + m[0].length;
    }
    pushText(out, p.text.slice(last), p.offsets.slice(last));
  }
  return out;
}

