/**
 * Ruby: ActiveRecord `find_by_sql`, `exec_query`, `execute`, `select_all`/`select_value`…,
 * ruby-pg `exec`/`exec_params`/`async_exec`, Sequel `fetch`/`run`. Strings: '…' (only \\ and \'
 * escape), "…" with escapes and #{…} interpolation (a dynamic $n), %q/%Q, heredocs (<<~ strips
 * the common indentation), adjacent literals ("a" "b").
 */
import type { Node } from '@vscode/tree-sitter-wasm';
import type { Part, PlaceholderStyle } from '../../extract/compose';
import { decodeRange, rubyEscape, rubySingleEscape } from '../../extract/escapes';
import { composeInner, hole, joinOperands, textStart, type CallTarget, type Env, type LanguageProfile, type Recurse } from '../../extract/embedded';

const METHODS = ['find_by_sql', 'exec_query', 'execute', 'exec_params', 'exec', 'async_exec', 'async_exec_params', 'exec_update', 'exec_delete', 'exec_insert', 'select_all', 'select_one', 'select_value', 'select_values', 'select_rows', 'count_by_sql', 'fetch', 'run'];

const QUERY = `
[(string) (heredoc_beginning)] @str
(comment) @comment
(call method: (identifier) @callee (#match? @callee "^(${METHODS.join('|')})$")) @call
(assignment left: [(identifier) (constant)] @decl.name right: (_) @decl.value)
`;

function importsOf(text: string): Set<string> {
  const out = new Set<string>();
  const re = /^\s*require\s*\(?\s*['"]([^'"\n]{1,100})['"]/gm;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = re.exec(text)) && guard++ < 1000) out.add(m[1]);
  if (/\bActiveRecord\b|\bApplicationRecord\b/.test(text)) out.add('activerecord');
  if (/\bSequel\b/.test(text)) out.add('sequel');
  return out;
}

/** Decode the children of a string-ish node between [start, end): content verbatim or with escapes, interpolation → holes. */
function decodeChildren(parts: Part[], node: Node, text: string, start: number, end: number, interpolate: boolean, single: boolean, strip?: (parts: Part[], from: number, to: number) => void): void {
  let pos = start;
  const emit = (a: number, b: number) => {
    if (b <= a) return;
    if (strip) strip(parts, a, b);
    else decodeRange(parts, text, a, b, single ? rubySingleEscape : rubyEscape);
  };
  if (interpolate) {
    for (const c of node.namedChildren) {
      if (!c || c.type !== 'interpolation') continue;
      if (c.startIndex < start || c.endIndex > end) continue;
      emit(pos, c.startIndex);
      parts.push(hole(c, text, true));
      pos = c.endIndex;
    }
  }
  emit(pos, end);
}

const heredocCache = new WeakMap<object, Map<number, Node>>();

/** The body of a heredoc: bodies follow in the same order as their openers. */
function heredocBody(opener: Node): Node | undefined {
  const root = opener.tree.rootNode;
  let map = heredocCache.get(opener.tree);
  if (!map) {
    map = new Map();
    const openers = root.descendantsOfType('heredoc_beginning').filter((n): n is Node => !!n);
    const bodies = root.descendantsOfType('heredoc_body').filter((n): n is Node => !!n);
    openers.forEach((o, i) => bodies[i] && map!.set(o.startIndex, bodies[i]));
    heredocCache.set(opener.tree, map);
  }
  return map.get(opener.startIndex);
}

function heredoc(opener: Node, env: Env): Part[] | undefined {
  const text = env.text;
  const head = text.slice(opener.startIndex, opener.endIndex);
  const m = /^<<([~-]?)(['"`]?)/.exec(head);
  if (!m) return undefined;
  const body = heredocBody(opener);
  if (!body) return [];
  const squiggly = m[1] === '~';
  const raw = m[2] === "'";
  const endTok = body.namedChildren.find((c) => c?.type === 'heredoc_end');
  let start = body.startIndex;
  if (text[start] === '\n') start++;
  else if (text[start] === '\r' && text[start + 1] === '\n') start += 2;
  let end = endTok ? endTok.startIndex : body.endIndex;
  // Up to the start of the terminator's line.
  while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  let indent = 0;
  if (squiggly) {
    indent = Infinity;
    const lines = text.slice(start, end).split('\n');
    for (const l of lines) {
      if (!l.trim()) continue;
      const w = /^[ \t]*/.exec(l)![0].length;
      indent = Math.min(indent, w);
    }
    if (!Number.isFinite(indent)) indent = 0;
  }
  const parts: Part[] = [];
  const strip = (out: Part[], a: number, b: number) => {
    // Remove up to `indent` blanks at the start of each line within [a, b).
    let k = a;
    while (k < b) {
      const lineStart = k === start || text[k - 1] === '\n';
      if (lineStart && indent > 0) {
        let n = 0;
        while (n < indent && k < b && (text[k] === ' ' || text[k] === '\t')) {
          k++;
          n++;
        }
      }
      const nl = text.indexOf('\n', k);
      const stop = nl < 0 || nl >= b ? b : nl + 1;
      if (raw) decodeRange(out, text, k, stop);
      else decodeRange(out, text, k, stop, rubyEscape);
      k = stop;
    }
  };
  decodeChildren(parts, body, text, start, end, !raw, false, strip);
  return parts;
}

function literal(node: Node, env: Env): Part[] | undefined {
  const text = env.text;
  if (node.type === 'heredoc_beginning') return heredoc(node, env);
  if (node.type !== 'string') return undefined;
  const first = node.firstChild;
  const last = node.lastChild;
  if (!first || !last || first.isNamed || node.childCount < 2) {
    if (node.childCount < 2) return [];
  }
  const open = first ? text.slice(first.startIndex, first.endIndex) : '"';
  const single = open === "'" || /^%q/.test(open);
  const start = first ? first.endIndex : node.startIndex + 1;
  const end = last && !last.isNamed ? last.startIndex : node.endIndex;
  const parts: Part[] = [];
  decodeChildren(parts, node, text, start, Math.max(start, end), !single, single);
  return parts;
}

function compose(node: Node, env: Env, recurse: Recurse): Part[] | undefined {
  switch (node.type) {
    case 'parenthesized_statements':
      return composeInner(node, recurse);
    case 'chained_string': {
      const out: Part[] = [];
      for (const c of node.namedChildren) if (c) out.push(...(recurse(c) ?? []));
      return out;
    }
    case 'binary':
      return joinOperands(node, recurse, ['+', '<<']);
    case 'array':
      // find_by_sql(["… ? …", a]): the first element is the SQL.
      return composeInner(node, recurse);
    case 'call': {
      const recv = sameTextReceiver(node);
      return recv ? recurse(recv) : undefined;
    }
  }
  void env;
  return undefined;
}

/**
 * String methods that give the same SQL back (`<<~SQL.squish`, `.strip`, `.freeze`, Rails' `strip_heredoc`): whitespace
 * or the object changes, the statement does not.
 */
const SAME_TEXT = /^(?:squish|strip|lstrip|rstrip|chomp|freeze|dup|to_s|strip_heredoc)$/;

/** `<<~SQL.squish` → the heredoc (the receiver of a SAME_TEXT method called without arguments). */
function sameTextReceiver(node: Node): Node | undefined {
  if (node.type !== 'call' || node.childForFieldName('arguments') || node.childForFieldName('block')) return undefined;
  const method = node.childForFieldName('method');
  if (!method || !SAME_TEXT.test(method.text)) return undefined;
  return node.childForFieldName('receiver') ?? undefined;
}

function climb(parent: Node, child: Node): boolean {
  if (parent.type === 'parenthesized_statements' || parent.type === 'chained_string') return true;
  const recv = sameTextReceiver(parent);
  if (recv && recv.startIndex === child.startIndex && recv.endIndex === child.endIndex) return true;
  return parent.type === 'binary' && parent.childForFieldName('operator')?.type === '+';
}

function call(callNode: Node, callee: Node, env: Env): CallTarget | undefined {
  const text = env.text;
  const name = callee.text;
  const args = callNode.childForFieldName('arguments');
  const first = args?.namedChildren.find((a) => !!a && a.type !== 'comment') ?? null;
  const recvNode = callNode.childForFieldName('receiver');
  const recv = recvNode ? textStart(text, recvNode, 120) : '';
  const pgGem = env.imports.has('pg');
  const dollar: PlaceholderStyle = { dollar: true };
  switch (name) {
    case 'find_by_sql':
    case 'count_by_sql':
      return { api: `activerecord.${name}`, style: { qmark: 'plain', colon: true, dollar: true }, arg: first, generic: true };
    case 'exec_params':
    case 'async_exec_params':
      return { api: `pg.${name}`, style: dollar, arg: first, generic: true };
    case 'exec':
    case 'async_exec':
      return pgGem || /conn|pg|db/i.test(recv) ? { api: `pg.${name}`, style: dollar, arg: first, generic: true } : undefined;
    case 'fetch':
    case 'run':
      return env.imports.has('sequel') ? { api: `sequel.${name}`, style: { qmark: 'plain', colon: true }, arg: first, generic: true } : undefined;
    default:
      if (pgGem && !/connection/.test(recv) && name === 'execute') return { api: 'pg.exec', style: dollar, arg: first, generic: true };
      // `select_all("… WHERE datname = :database", {database: database})`, an app's own helper over Rails'
      // sanitize_sql_array (PgHero): PostgreSQL has no `:name`, so one in the SQL is a bind the call fills.
      return { api: `activerecord.${name}`, style: { dollar: true, colon: true }, arg: first, generic: true };
  }
}

export const rubyProfile: LanguageProfile = {
  query: QUERY,
  literal,
  compose,
  call,
  climb,
  identifier: new Set(['identifier', 'constant']),
  defaultStyle: { dollar: true, qmark: 'plain', colon: true },
  imports: importsOf,
  hotWords: new RegExp(`\\b(?:${METHODS.join('|')})\\b`),
  literalBody: (node) => (node.type === 'heredoc_beginning' ? heredocBody(node) : undefined),
};
