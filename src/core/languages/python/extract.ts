/**
 * Python: psycopg / psycopg2 / asyncpg / sqlite3 `execute`, `executemany`, `fetch`, `fetchrow`,
 * `fetchval`; SQLAlchemy `text()` and `exec_driver_sql`; Django `raw()`, `RawSQL` and `cursor.execute`.
 * Strings: prefixes (r, b, u, f and combinations), triple quotes, implicit concatenation, f-string
 * fields ({x} → a dynamic $n; {{ }} → braces), `%`-formatting and str.format.
 */
import type { Node } from '@vscode/tree-sitter-wasm';
import { directivesToHoles, type Part, pushText, type PlaceholderStyle } from '../../extract/compose';
import { pyEscape } from '../../extract/escapes';
import { hole, joinOperands, textStart, visibleValue, type CallTarget, type Env, type LanguageProfile, type Recurse } from '../../extract/embedded';

const QUERY = `
(string) @str
(comment) @comment
(call function: (attribute attribute: (identifier) @callee) (#match? @callee "^(query|execute|executemany|fetch|fetchrow|fetchval|fetchmany|fetchone|fetchall|fetch_one|fetch_all|fetch_page|raw|text|exec_driver_sql|mogrify|copy_expert)$")) @call
(call function: (identifier) @callee (#match? @callee "^(text|RawSQL|execute_values|execute_batch)$")) @call
(call function: (attribute attribute: (identifier) @callee) (#match? @callee "^(execute_values|execute_batch)$")) @call
(assignment left: (identifier) @decl.name right: (_) @decl.value)
`;

function importsOf(text: string): Set<string> {
  const out = new Set<string>();
  const re = /^\s*(?:from\s+([\w.]+)\s+import\b|import\s+([\w.]+(?:\s*,\s*[\w.]+)*))/gm;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = re.exec(text)) && guard++ < 1000) {
    if (m[1]) out.add(m[1].split('.')[0]);
    if (m[2]) for (const x of m[2].split(',')) out.add(x.trim().split('.')[0]);
  }
  return out;
}

/** Decode a string body: escapes unless raw; `{{`/`}}` in f-strings. */
function decodeBody(parts: Part[], text: string, start: number, end: number, raw: boolean, fstring: boolean): void {
  let out = '';
  const offsets: number[] = [];
  let i = start;
  while (i < end) {
    const c = text[i];
    if (fstring && (c === '{' || c === '}') && text[i + 1] === c && i + 1 < end) {
      out += c;
      offsets.push(i);
      i += 2;
      continue;
    }
    if (c === '\\' && !raw) {
      const r = pyEscape(text, i);
      const len = Math.max(1, Math.min(r.len, end - i));
      out += r.value;
      for (let k = 0; k < r.value.length; k++) offsets.push(i);
      i += len;
      continue;
    }
    out += c;
    offsets.push(i);
    i++;
  }
  pushText(parts, out, offsets);
}

function literal(node: Node, env: Env): Part[] | undefined {
  if (node.type !== 'string') return undefined;
  const text = env.text;
  const startTok = node.firstChild;
  const endTok = node.lastChild;
  if (!startTok || startTok.type !== 'string_start') return undefined;
  const opening = text.slice(startTok.startIndex, startTok.endIndex);
  const prefix = /^[a-zA-Z]*/.exec(opening)![0].toLowerCase();
  const raw = prefix.includes('r');
  const fstring = prefix.includes('f');
  const contentStart = startTok.endIndex;
  const contentEnd = endTok && endTok.type === 'string_end' ? endTok.startIndex : node.endIndex;
  const parts: Part[] = [];
  let pos = contentStart;
  if (fstring) {
    for (const c of node.namedChildren) {
      if (!c || c.type !== 'interpolation') continue;
      decodeBody(parts, text, pos, c.startIndex, raw, true);
      parts.push(hole(c, text, true));
      pos = c.endIndex;
    }
  }
  decodeBody(parts, text, pos, Math.max(pos, contentEnd), raw, fstring);
  return parts;
}

function compose(node: Node, env: Env, recurse: Recurse): Part[] | undefined {
  switch (node.type) {
    case 'parenthesized_expression': {
      const inner = node.namedChildren.find((c) => c && c.type !== 'comment');
      return inner ? recurse(inner) : undefined;
    }
    case 'concatenated_string': {
      const out: Part[] = [];
      for (const c of node.namedChildren) if (c && c.type === 'string') out.push(...(recurse(c) ?? []));
      return out;
    }
    case 'binary_operator': {
      const op = node.childForFieldName('operator');
      const l = node.childForFieldName('left');
      if (!op || !l || !node.childForFieldName('right')) return undefined;
      if (op.type === '+') return joinOperands(node, recurse, ['+']);
      if (op.type === '%') {
        // "… %s …" % args: the directives are filled in at run time (with a string constant's text when an argument is one).
        const left = recurse(l) ?? [];
        const r = node.childForFieldName('right');
        const items = r?.type === 'tuple' || r?.type === 'parenthesized_expression' ? r.namedChildren.filter((c) => c && c.type !== 'comment') : r ? [r] : [];
        const dict = r?.type === 'dictionary' ? keyed(r, env) : undefined;
        const argFor = (m: string, k: number) => {
          const named = /^%\((\w+)\)s$/.exec(m);
          if (named) return dict?.has(named[1]) ? recurse(dict.get(named[1])!) : undefined;
          return m === '%s' && !dict && items[k] ? recurse(items[k]!) : undefined;
        };
        return directivesToHoles(left, /%%|%\([^()]*\)[sdifr]|%[sdifr]/g, (m) => (m === '%%' ? '%%' : undefined), argFor);
      }
      return undefined;
    }
    case 'call': {
      // "…".format(…)
      const fn = node.childForFieldName('function');
      const composable = psycopgSql(node, fn, env, recurse);
      if (composable) return composable;
      if (fn?.type !== 'attribute') return undefined;
      const attr = fn.childForFieldName('attribute');
      const obj = fn.childForFieldName('object');
      if (!attr || !obj) return undefined;
      const method = env.text.slice(attr.startIndex, attr.endIndex);
      const args = (node.childForFieldName('arguments')?.namedChildren ?? []).filter((c): c is Node => !!c && c.type !== 'comment');
      if (method === 'join' && obj.type === 'string' && args.length === 1) return joined(obj, args[0], env, recurse);
      if (method !== 'format') return undefined;
      const sqlObject = obj.type === 'call' && PSYCOPG_SQL.has(calleeName(obj.childForFieldName('function'), env) ?? '') && usesPsycopg(env);
      if (obj.type !== 'string' && obj.type !== 'concatenated_string' && obj.type !== 'parenthesized_expression' && !sqlObject) return undefined;
      const base = recurse(obj) ?? [];
      // Fields whose argument is a string constant (`columns=",".join(COLUMNS)`) are filled with its text.
      const positional = args.filter((a) => a.type !== 'keyword_argument');
      const named = new Map<string, Node>();
      for (const a of args) {
        const n = a.type === 'keyword_argument' ? a.childForFieldName('name') : null;
        const v = a.type === 'keyword_argument' ? a.childForFieldName('value') : null;
        if (n && v) named.set(env.text.slice(n.startIndex, n.endIndex), v);
      }
      let auto = 0;
      const argFor = (m: string) => {
        const field = /^\{(\w*)\}$/.exec(m)?.[1];
        if (field === undefined) return undefined; // a conversion or format spec: computed
        const v = field === '' ? positional[auto++] : /^\d+$/.test(field) ? positional[Number(field)] : named.get(field);
        return v ? recurse(v) : undefined;
      };
      return directivesToHoles(base, /\{\{|\}\}|\{[^{}]*\}/g, (m) => (m === '{{' ? '{' : m === '}}' ? '}' : undefined), argFor);
    }
  }
  return undefined;
}

const PSYCOPG_SQL = new Set(['SQL', 'Identifier', 'Literal', 'Placeholder']);
const usesPsycopg = (env: Env) => env.imports.has('psycopg2') || env.imports.has('psycopg');

function calleeName(fn: Node | null | undefined, env: Env): string | undefined {
  if (fn?.type === 'identifier') return env.text.slice(fn.startIndex, fn.endIndex);
  const attr = fn?.type === 'attribute' ? fn.childForFieldName('attribute') : null;
  return attr ? env.text.slice(attr.startIndex, attr.endIndex) : undefined;
}

/**
 * psycopg's composable SQL (`from psycopg2.sql import SQL, Identifier`): `SQL("SELECT … FROM {}")` is its string,
 * `Identifier("statistics", "user")` the quoted name `"statistics"."user"` when its parts are literals, `Literal(x)`
 * and `Placeholder()` a value ($n); `.format(…)` of an `SQL(…)` fills its fields as str.format does.
 */
function psycopgSql(node: Node, fn: Node | null, env: Env, recurse: Recurse): Part[] | undefined {
  const name = calleeName(fn, env);
  if (!name || !PSYCOPG_SQL.has(name) || !usesPsycopg(env)) return undefined;
  const args = (node.childForFieldName('arguments')?.namedChildren ?? []).filter((c): c is Node => !!c && c.type !== 'comment' && c.type !== 'keyword_argument');
  const value = (): Part[] => [hole(node, env.text, false)];
  if (name === 'Literal' || name === 'Placeholder') return value();
  if (name === 'SQL') return args.length === 1 ? recurse(args[0]) : undefined;
  // Identifier("schema", "table"): each literal part quoted, joined by dots.
  if (!args.length || args.some((a) => a.type !== 'string' || a.text.slice(1, -1).includes('"'))) return undefined;
  const out: Part[] = [];
  args.forEach((a, i) => {
    if (i) pushText(out, '.', [a.startIndex]);
    pushText(out, '"', [a.startIndex]);
    for (const p of recurse(a) ?? []) {
      if (p.t === 'text') pushText(out, p.text, p.offsets);
      else out.push(p);
    }
    pushText(out, '"', [a.endIndex - 1]);
  });
  return out;
}

/** A dictionary's string keys → their value nodes. */
function keyed(dict: Node, env: Env): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const p of dict.namedChildren) {
    const k = p?.type === 'pair' ? p.childForFieldName('key') : null;
    const v = p?.type === 'pair' ? p.childForFieldName('value') : null;
    const m = k && /^["'](\w+)["']$/.exec(env.text.slice(k.startIndex, k.endIndex));
    if (m && v) out.set(m[1], v);
  }
  return out;
}

/** `", ".join(COLUMNS)` where COLUMNS is (a name assigned) a list or tuple of string literals: their text joined. */
function joined(sep: Node, arg: Node, env: Env, recurse: Recurse): Part[] | undefined {
  let list: Node | undefined = arg;
  if (arg.type === 'identifier') list = visibleValue(env.decls.get(env.text.slice(arg.startIndex, arg.endIndex)), arg);
  if (!list || (list.type !== 'list' && list.type !== 'tuple')) return undefined;
  const items = list.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  if (!items.length || items.length > 200 || items.some((c) => c.type !== 'string')) return undefined;
  const out: Part[] = [];
  const between = recurse(sep) ?? [];
  items.forEach((item, i) => {
    if (i) out.push(...between);
    out.push(...(recurse(item) ?? []));
  });
  return out;
}

function climb(parent: Node, child: Node): boolean {
  switch (parent.type) {
    case 'parenthesized_expression':
    case 'concatenated_string':
      return true;
    case 'binary_operator': {
      const op = parent.childForFieldName('operator');
      if (!op) return false;
      if (op.type === '+') return true;
      return op.type === '%' && parent.childForFieldName('left')?.startIndex === child.startIndex;
    }
    case 'attribute':
      // "…".format
      return parent.childForFieldName('object')?.startIndex === child.startIndex && parent.childForFieldName('attribute')?.text === 'format' && parent.parent?.type === 'call';
    case 'call': {
      const fn = parent.childForFieldName('function');
      return fn?.type === 'attribute' && fn.startIndex === child.startIndex && fn.childForFieldName('attribute')?.text === 'format';
    }
  }
  return false;
}

const PYFORMAT: PlaceholderStyle = { pyformat: true };

function positional(call: Node): (Node | null)[] {
  const args = call.childForFieldName('arguments');
  if (!args) return [];
  const out: (Node | null)[] = [];
  for (const a of args.namedChildren) {
    if (!a || a.type === 'comment') continue;
    if (a.type === 'keyword_argument') {
      const name = a.childForFieldName('name');
      if (name && /^(sql|query|statement|raw_query|operation)$/.test(a.text.slice(0, name.endIndex - a.startIndex))) out.push(a.childForFieldName('value'));
      continue;
    }
    out.push(a);
  }
  return out.slice(0, 1);
}

function call(callNode: Node, callee: Node, env: Env): CallTarget | undefined {
  const text = env.text;
  const name = text.slice(callee.startIndex, callee.endIndex);
  const args = positional(callNode);
  const im = env.imports;
  const fn = callNode.childForFieldName('function');
  const receiver = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  const recv = receiver ? textStart(text, receiver, 100) : '';
  switch (name) {
    case 'text':
      if (fn?.type === 'attribute' && !/^(sa|sqlalchemy|sql|expression)$/.test(recv)) return undefined;
      return { api: 'sqlalchemy.text', style: { colon: true }, arg: null, args, generic: true };
    case 'execute_values':
    case 'execute_batch': {
      // psycopg2.extras.execute_values(cur, sql, rows) / execute_batch(cur, sql, rows): the SQL is the second argument.
      const all = (callNode.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'comment' && a.type !== 'keyword_argument');
      const kw = (callNode.childForFieldName('arguments')?.namedChildren ?? []).find((a) => a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'sql');
      const sql = kw?.childForFieldName('value') ?? all[1];
      return sql ? { api: `psycopg.${name}`, style: PYFORMAT, arg: null, args: [sql], generic: true } : undefined;
    }
    case 'query': {
      // web.py's `db.query(sql, vars=…)` (Open Library): `$name` values. Other `.query(…)` calls (SQLAlchemy's
      // session.query(Model)) take no SQL string, or no vars=.
      const kw = (callNode.childForFieldName('arguments')?.namedChildren ?? []).some((a) => a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'vars');
      if (!kw && !im.has('web')) return undefined;
      return { api: 'webpy.query', style: { webpy: true }, arg: null, args, generic: true };
    }
    case 'exec_driver_sql':
      return { api: 'sqlalchemy.exec_driver_sql', style: { ...PYFORMAT, dollar: true }, arg: null, args, generic: true };
    case 'RawSQL':
      return { api: 'django.RawSQL', style: PYFORMAT, arg: null, args, generic: true };
    case 'raw':
      return { api: 'django.raw', style: PYFORMAT, arg: null, args, generic: true };
    case 'fetch':
    case 'fetchrow':
    case 'fetchval':
    case 'fetchmany':
      if (im.has('asyncpg') || name !== 'fetchmany') return { api: `asyncpg.${name}`, style: { dollar: true }, arg: null, args, generic: true };
      return undefined;
    case 'fetchone':
    case 'fetchall':
    case 'fetch_one':
    case 'fetch_all':
    case 'fetch_page':
      // An app's own query helper (`db.fetchone("SELECT … WHERE id = :id", {...}, model=Wallet)`): a DB-API cursor's
      // fetchone()/fetchall() take no SQL, so only a first argument that starts like a statement is one.
      return { api: `wrapper.${name}`, style: { colon: true, ...PYFORMAT }, arg: null, args, generic: true, rowModel: rowModelOf(callNode, text) };
    case 'execute':
    case 'executemany':
    case 'mogrify':
    case 'copy_expert': {
      if (im.has('asyncpg') && !im.has('psycopg') && !im.has('psycopg2')) return { api: `asyncpg.${name}`, style: { dollar: true }, arg: null, args, generic: true };
      if (im.has('sqlite3') || im.has('aiosqlite')) return { api: `sqlite.${name}`, style: { qmark: 'plain', colon: true }, arg: null, args, generic: true };
      if (im.has('django')) return { api: `django.cursor.${name}`, style: PYFORMAT, arg: null, args, generic: true };
      if (im.has('sqlalchemy')) return { api: `sqlalchemy.${name}`, style: { colon: true, ...PYFORMAT }, arg: null, args, generic: true };
      // No driver imported: the app's own wrapper, which may take `:name` parameters (psycopg text has none outside strings).
      return { api: `psycopg.${name}`, style: { colon: true, ...PYFORMAT }, arg: null, args, generic: true };
    }
  }
  return undefined;
}

/**
 * The declared model the rows become, when the call names one: `model=Wallet`, or a class passed after the SQL
 * (`fetchone(sql, values, Payment)`). Such rows want every column of the table (like find_by_sql).
 */
function rowModelOf(callNode: Node, text: string): string | undefined {
  const args = (callNode.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'comment');
  for (const a of args.slice(1)) {
    if (a.type === 'keyword_argument') {
      const name = a.childForFieldName('name');
      const value = a.childForFieldName('value');
      if (name?.text === 'model' && value && /^[A-Z]\w*$/.test(text.slice(value.startIndex, value.endIndex))) return value.text;
    } else if (a.type === 'identifier' && /^[A-Z][a-z]\w*$/.test(a.text)) return a.text;
  }
  return undefined;
}

export const pythonProfile: LanguageProfile = {
  query: QUERY,
  literal,
  compose,
  call,
  climb,
  defaultStyle: { dollar: true, pyformat: true },
  imports: importsOf,
  hotWords: /\b(?:query|execute_values|execute_batch|execute|executemany|fetch|fetchrow|fetchval|fetchmany|fetchone|fetchall|fetch_one|fetch_all|fetch_page|raw|text|exec_driver_sql|mogrify|copy_expert|RawSQL)\b/,
};
