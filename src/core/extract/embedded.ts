/**
 * SQL embedded in code, found with tree-sitter syntax trees. The driver here is language
 * neutral; a LanguageProfile (languages/*.ts) says which nodes are string literals, how they
 * decode, how expressions concatenate, and which calls take SQL.
 *
 * Order of discovery: (1) arguments of known query APIs (also a constant passed by name),
 * (2) strings after a `language=SQL` or `/* sql *\/` marker, (3) any other string literal that
 * parses as a complete statement (confidence < 1).
 */
import type { Node, Query, QueryMatch, Tree } from '@vscode/tree-sitter-wasm';
import type { SourceLanguage } from '../syntax/treeSitter';
import type { SqlParam, SqlSite, SqlVariant, UnreadSql } from './types';
import { directivesToHoles, finishSql, type Part, type PlaceholderStyle } from './compose';
import { guessSql, readsAsProse, runTimeReason, startsLikeSql } from './looksLikeSql';
import { parsesAsSql } from '../sql/statement';
import { parseSql } from '../sql/parse';

/** At most 2^MAX_CHOICES variants of a statement written with fragments chosen at run time (ComposeCtx.pick). */
const MAX_CHOICES = 5;
/** Past MAX_CHOICES, at most this many variants with one choice's fuller branch alone. */
const MAX_ALONE = 24;

export interface CallTarget {
  api: string;
  style: PlaceholderStyle;
  /** The argument holding the SQL, if any. */
  arg: Node | null | undefined;
  /** Or: candidate arguments, the first one that composes to text is the SQL (Go: ctx, &dest before the query). */
  args?: (Node | null)[];
  /** Known not to be SQL for PostgreSQL (JPQL in @Query without nativeQuery): claim the strings, make no site. */
  ignore?: boolean;
  /** A generic method name (`query`, `execute`, `raw`): the text must start like a statement. */
  generic?: boolean;
  /** Holes are bind parameters (tagged templates), not string interpolation. */
  tagged?: boolean;
  /** Confidence (default 1). */
  confidence?: number;
  /** The declared model class the rows become (SqlSite.rowModel). */
  rowModel?: string;
  /** The text is a template the API renders (JDBI's FreeMarker or defined attributes): the parts of the statement it renders. */
  template?: (parts: Part[]) => Part[];
}

export interface Env {
  text: string;
  lang: SourceLanguage;
  /** Modules imported by the file (best effort, from the text). */
  imports: Set<string>;
  /** name → value expressions assigned to it in the file. */
  decls: Map<string, Node[]>;
}

export interface ComposeCtx {
  tagged: boolean;
  /** Nodes read into the statement besides the root literal (nested fragments): claimed, so they make no site of their own. */
  used?: Node[];
  /**
   * A choice between fragments written in the statement (`${c ? sql`AND x = ${y}` : sql``}`): the profile takes the
   * fuller branch, or with 'short' the shorter one, or the shorter one of the k-th choice (from 0, in the order of the
   * text; `conds` numbers them by condition) when bit k of `mask` is set; it counts the choices it met (the site then gets
   * variants).
   */
  pick?: 'short' | { mask: number; conds: Map<string, number> };
  /** The choices met: one per distinct condition (the same `c` twice is one choice, decided once), numbered in order. */
  choices?: { n: number; conds?: Map<string, number> };
}

export type Recurse = (node: Node) => Part[] | undefined;

/** A wrapper's one inner expression composed (parentheses, type assertions). */
export function composeInner(node: Node, recurse: Recurse): Part[] | undefined {
  const inner = node.namedChildren[0];
  return inner ? recurse(inner) : undefined;
}

/** `left OP right` where OP joins strings (`+`, Ruby's `<<`): the parts of both sides, in order. */
export function joinOperands(node: Node, recurse: Recurse, operators: readonly string[]): Part[] | undefined {
  const op = node.childForFieldName('operator');
  const l = node.childForFieldName('left');
  const r = node.childForFieldName('right');
  if (!op || !l || !r || !operators.includes(op.type)) return undefined;
  return [...(recurse(l) ?? []), ...(recurse(r) ?? [])];
}

/**
 * `(…)` and string `+` where the grammar names them parenthesized_expression and binary_expression
 * (Go, Java, JavaScript/TypeScript); undefined for any other node.
 */
export function composeParenOrPlus(node: Node, recurse: Recurse): Part[] | undefined {
  if (node.type === 'parenthesized_expression') return composeInner(node, recurse);
  if (node.type === 'binary_expression') return joinOperands(node, recurse, ['+']);
  return undefined;
}

export interface LanguageProfile {
  /**
   * Tree-sitter query. Captures: @str (string literal), @comment, @call (+ @callee), @decl.name and
   * @decl.value (assignments used to resolve a name).
   */
  query: string;
  /** Decode a string literal node into parts (holes for interpolation); undefined if not a literal. */
  literal(node: Node, env: Env, ctx: ComposeCtx): Part[] | undefined;
  /** Language-specific composition (concatenation, formatting, wrappers); undefined if not one. */
  compose(node: Node, env: Env, recurse: Recurse, ctx: ComposeCtx): Part[] | undefined;
  /** The SQL API a call goes to, or undefined. */
  call(call: Node, callee: Node, env: Env): CallTarget | undefined;
  /** Is `parent` a composition around `child` (climb from a literal to the whole expression)? */
  climb(parent: Node, child: Node): boolean;
  /** Identifier node types (for resolving a name to its constant); default: the grammars' common `identifier`. */
  identifier?: ReadonlySet<string>;
  /** Placeholder style for markers and constants. */
  defaultStyle: PlaceholderStyle;
  /** Modules imported (regexes over the text). */
  imports(text: string): Set<string>;
  /** Words that make a line worth querying besides SQL keywords and markers: the API method names. */
  hotWords: RegExp;
  /** The node holding a literal's text when that is not the literal node itself (Ruby: a heredoc's body, after its `<<~SQL` opener). */
  literalBody?(node: Node): Node | undefined;
  /** For a marker comment, the node after which to look for the SQL string (default: next sibling). */
  markerTarget?(comment: Node): Node | null;
  /**
   * Node types of a literal list whose items are the statement's values, one per positional placeholder, when the call
   * passes them as one argument (`[a, b]`, `(a, b)`); default VALUE_LIST. Values passed one per argument after the SQL
   * (Go's `db.Query(sql, a, b)`, asyncpg's `fetch(sql, a, b)`) need nothing.
   */
  valueList?: ReadonlySet<string>;
  /** Node types that pass an unknown number of values (`...args`, `args...`, `*args`, a keyword argument); default SPREAD. */
  spread?: ReadonlySet<string>;
}

/**
 * Go's `db.Query(q, args...)` where the function built `args := []interface{}{userID, updationTime}` and then only
 * appended to it (`args = append(args, *limit)`, ente's GetCollectionsSharedWithUser): the values in order, and how many
 * were appended. Undefined when `args` is set any other way.
 */
function goSliceValues(variadic: Node, callNode: Node): { items: Node[]; appended: number } | undefined {
  const id = variadic.namedChildren.find((c) => c && c.type !== 'comment');
  const fn = enclosing(callNode, FUNCTION_NODE);
  if (id?.type !== 'identifier' || !fn) return undefined;
  const name = id.text;
  const writes = [...fn.descendantsOfType('short_var_declaration'), ...fn.descendantsOfType('assignment_statement'), ...fn.descendantsOfType('var_spec')]
    .filter((d): d is Node => !!d && d.startIndex < callNode.startIndex && (d.childForFieldName('left') ?? d.childForFieldName('name'))?.text === name)
    .sort((a, b) => a.startIndex - b.startIndex);
  const [decl, ...appends] = writes;
  const literal = decl?.type === 'short_var_declaration' ? decl.childForFieldName('right')?.namedChildren[0] : undefined;
  const body = literal?.type === 'composite_literal' ? literal.childForFieldName('body') : undefined;
  if (!body) return undefined;
  const out: Node[] = body.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment').map((c) => (c.type === 'literal_element' ? (c.namedChildren[0] ?? c) : c));
  const start = out.length;
  for (const a of appends) {
    // Only `args = append(args, x, y)`.
    const call = a.type === 'assignment_statement' ? a.childForFieldName('right')?.namedChildren[0] : undefined;
    const items = call?.type === 'call_expression' && call.childForFieldName('function')?.text === 'append' ? call.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') : undefined;
    if (!items || items[0]?.text !== name) return undefined;
    out.push(...items.slice(1));
  }
  return { items: out, appended: out.length - start };
}

/** The grammars' literal lists: JavaScript / Ruby `array`, Python `tuple` and `list`. */
const VALUE_LIST: ReadonlySet<string> = new Set(['array', 'tuple', 'list']);
/** The grammars' spreads and named arguments: JS `...x`, Go `x...`, Python `*x` / `**x` / `k=v`, Ruby `*x` / `**x` / `k: v`. */
const SPREAD: ReadonlySet<string> = new Set(['spread_element', 'variadic_argument', 'list_splat', 'dictionary_splat', 'keyword_argument', 'splat_argument', 'hash_splat_argument', 'pair']);
/** A placeholder that takes the next value of the call (not a name or an interpolated expression). */
const POSITIONAL = /^(?:\$\d+|\?|%s)$/;

/**
 * The argument the call passes for each positional placeholder, as written: the arguments after the SQL's, or the
 * items of the one literal list there. Nothing when a placeholder is named or the values cannot be read one for one.
 */
function callArguments(params: SqlParam[], root: Node, callNode: Node, profile: LanguageProfile, constant: (n: Node) => string | undefined): void {
  if (!params.length || params.some((p) => !POSITIONAL.test(p.source.trim()) || p.spliced)) return;
  // The call's argument that holds the SQL (the root, or the expression the root sits in).
  let arg: Node = root;
  while (arg.parent && arg.parent.parent && arg.parent.parent.startIndex !== callNode.startIndex) arg = arg.parent;
  if (!arg.parent || arg.parent.parent?.startIndex !== callNode.startIndex || arg.parent.parent?.endIndex !== callNode.endIndex) return;
  let values: Node[] = [];
  for (let n = arg.nextNamedSibling; n; n = n.nextNamedSibling) if (n.type !== 'comment') values.push(n);
  if (values.length === 1 && (profile.valueList ?? VALUE_LIST).has(values[0].type)) values = values[0].namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  const spread = profile.spread ?? SPREAD;
  // A Go slice built in the function: its appended values may be conditional (`if limit != nil { … LIMIT $4 }`), so a
  // statement may take fewer than all of them, never fewer than the slice starts with.
  let optional = 0;
  if (values.length && values[values.length - 1].type === 'variadic_argument') {
    const slice = goSliceValues(values[values.length - 1], callNode);
    if (slice) {
      values = [...values.slice(0, -1), ...slice.items];
      optional = slice.appended;
    }
  }
  if (values.some((v) => spread.has(v.type))) return;
  const count = Math.max(...params.map((p) => p.index));
  if (count > values.length || count < values.length - optional) return;
  for (const p of params) {
    const v = values[p.index - 1];
    p.argument = v.text.replace(/\s+/g, ' ');
    const value = constant(v);
    if (value !== undefined) p.value = value;
  }
}

/** A number or a boolean as the languages write them (`42`, `-1.5`, `true`, `False`). */
const NUMBER_OR_BOOLEAN = /^(?:-?\d+(?:\.\d+)?|true|false|True|False)$/;

const IDENTIFIER: ReadonlySet<string> = new Set(['identifier']);

const MARKER = /^(?:\/\*\s*sql\s*\*\/|(?:\/\/|#|--|\/\*)\s*language\s*=\s*(?:sql|postgresql|pgsql)\b)/i;

/** Is this comment a SQL marker? */
function isMarker(comment: string): boolean {
  return MARKER.test(comment.trim());
}

export interface ExtractLimits {
  /** Deadline (performance.now() ms) for the whole file; past it, constants are skipped. */
  deadline?: number;
  /** Collects the strings that look like SQL but could not be read (UnreadSql), when given. */
  unread?: UnreadSql[];
}

const ANY_KEYWORD = /\b(?:select|insert|update|delete|with|create|alter|drop|truncate|merge|explain|refresh|comment)\b|\bdo\s+\$/i;

/** The first `max` characters of a node's text (a label, or a cheap test before reading it all). */
export function textStart(text: string, node: Node, max: number): string {
  return text.slice(node.startIndex, Math.min(node.endIndex, node.startIndex + max));
}

/** A hole for what `node` computes at run time, named by (at most 200 characters of) its source. */
export function hole(node: Node, text: string, dynamic: boolean): Part {
  const src = textStart(text, node, 200);
  return { t: 'hole', source: src, span: { start: node.startIndex, end: node.endIndex }, dynamic };
}

const HOT_SQL = /\b(?:select|insert|update|delete|with|create|alter|drop|truncate|merge|explain|values|refresh\s+materialized|comment\s+on|language\s*=\s*sql)\b|\bdo\s+\$|\/\*\s*sql\s*\*\//gi;

/**
 * Run the query only around lines that hold a SQL keyword, a marker or an API name: a full query
 * walks every node of the tree (the largest cost on big files), a ranged one only the subtrees
 * that intersect the range. Matches are deduplicated and returned in document order.
 */
function* queryHotRanges(tree: Tree, query: Query, profile: LanguageProfile, text: string, pause: () => boolean): Generator<void, QueryMatch[]> {
  const ranges: [number, number][] = [];
  const add = (at: number) => {
    // From the line before: a heredoc's opener (`sql = <<~SQL.squish`) is a node of its own on the line above its body.
    const lineStart = text.lastIndexOf('\n', at) + 1;
    const s = lineStart > 0 ? text.lastIndexOf('\n', lineStart - 2) + 1 : 0;
    let e = text.indexOf('\n', at);
    if (e < 0) e = text.length;
    const last = ranges[ranges.length - 1];
    // Merge nearby lines, but keep each range short: one query call is one uninterrupted step.
    if (last && (s <= last[1] || (s <= last[1] + 200 && e - last[0] < 8000))) {
      if (e > last[1]) last[1] = e;
      return;
    }
    ranges.push([s, e]);
  };
  const hits: number[] = [];
  for (const re of [HOT_SQL, new RegExp(profile.hotWords.source, 'g')]) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) && hits.length < 200_000) hits.push(m.index);
  }
  if (!hits.length) return [];
  hits.sort((a, b) => a - b);
  for (const h of hits) add(h);
  if (ranges.length > 5000) return query.matches(tree.rootNode);
  const seen = new Set<string>();
  const out: QueryMatch[] = [];
  for (const [s, e] of ranges) {
    if (pause()) yield;
    // Node offsets are UTF-16 units; query ranges are bytes of the UTF-16 text.
    const end = e + 1 < text.length ? text.indexOf('\n', e + 1) : e;
    for (const m of query.matches(tree.rootNode, { startIndex: s * 2, endIndex: (end < 0 ? text.length : end) * 2 })) {
      const c = m.captures[0];
      if (!c) continue;
      const key = `${m.patternIndex}:${c.node.startIndex}:${c.node.endIndex}:${c.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(m);
    }
  }
  return out;
}

/** Run the profile over a parsed tree. */
/** Run the profile over a parsed tree, in one go. */
export function extractFromTree(tree: Tree, query: Query, profile: LanguageProfile, text: string, lang: SourceLanguage, file?: string, limits: ExtractLimits = {}): SqlSite[] {
  const steps = extractSteps(tree, query, profile, text, lang, file, limits, () => false);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Run the profile over a parsed tree, yielding to the event loop every sliceMs. */
export async function extractFromTreeSliced(tree: Tree, query: Query, profile: LanguageProfile, text: string, lang: SourceLanguage, file?: string, limits: ExtractLimits = {}, sliceMs = 12): Promise<SqlSite[]> {
  let started = performance.now();
  const pause = () => performance.now() - started > sliceMs;
  const steps = extractSteps(tree, query, profile, text, lang, file, limits, pause);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
    started = performance.now();
  }
}

function* extractSteps(tree: Tree, query: Query, profile: LanguageProfile, text: string, lang: SourceLanguage, file: string | undefined, limits: ExtractLimits, pause: () => boolean): Generator<void, SqlSite[]> {
  const env: Env = { text, lang, imports: profile.imports(text), decls: new Map() };
  const strings: Node[] = [];
  const comments: Node[] = [];
  const calls: { call: Node; callee: Node }[] = [];
  const matches = yield* queryHotRanges(tree, query, profile, text, pause);
  for (const m of matches) {
    let str: Node | undefined, comment: Node | undefined, call: Node | undefined, callee: Node | undefined, dn: Node | undefined, dv: Node | undefined;
    for (const c of m.captures) {
      switch (c.name) {
        case 'str': str = c.node; break;
        case 'comment': comment = c.node; break;
        case 'call': call = c.node; break;
        case 'callee': callee = c.node; break;
        case 'decl.name': dn = c.node; break;
        case 'decl.value': dv = c.node; break;
      }
    }
    if (str) strings.push(str);
    if (comment) comments.push(comment);
    if (call && callee) calls.push({ call, callee });
    if (dn && dv) {
      const name = text.slice(dn.startIndex, dn.endIndex);
      const list = env.decls.get(name);
      if (list) list.push(dv);
      else env.decls.set(name, [dv]);
    }
  }

  strings.sort((a, b) => a.startIndex - b.startIndex);
  comments.sort((a, b) => a.startIndex - b.startIndex);
  calls.sort((a, b) => a.call.startIndex - b.call.startIndex);
  const claimed = new Set<number>();
  const sites: SqlSite[] = [];
  const siteRoots = new Set<number>();

  // The query ran only around lines with SQL or API words: a name's assignments elsewhere (a constant at
  // the top of the file) are looked up once, on the lines that assign it, when a composition reads it.
  const looked = new Set<string>();
  const declsOf = (name: string): Node[] | undefined => {
    if (looked.has(name) || !/^[A-Za-z_$][\w$]*$/.test(name) || looked.size > 2000) return env.decls.get(name);
    looked.add(name);
    const list = env.decls.get(name) ?? [];
    const have = new Set(list.map((n) => n.startIndex));
    const re = new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}\\s*(?::=|=(?![=>~]))`, 'g');
    let lines = 0;
    for (let m = re.exec(text); m && lines++ < 50; m = re.exec(text)) {
      const s = text.lastIndexOf('\n', m.index) + 1;
      const e = text.indexOf('\n', m.index);
      for (const qm of query.matches(tree.rootNode, { startIndex: s * 2, endIndex: (e < 0 ? text.length : e) * 2 })) {
        const dn = qm.captures.find((c) => c.name === 'decl.name')?.node;
        const dv = qm.captures.find((c) => c.name === 'decl.value')?.node;
        if (!dn || !dv || have.has(dv.startIndex) || text.slice(dn.startIndex, dn.endIndex) !== name) continue;
        have.add(dv.startIndex);
        list.push(dv);
      }
    }
    if (list.length) env.decls.set(name, list);
    return list.length ? list : undefined;
  };

  // A helper in the same file that returns SQL (`def _base_query(): return "SELECT …"`,
  // `func baseQuery() string { return \`SELECT …\` }`): a call to it composes as what it returns.
  let defs: Map<string, Node[]> | undefined;
  const helperReturn = (call: Node): Node | undefined => {
    const name = calledHelperName(call, text);
    if (!name) return undefined;
    if (!defs) {
      defs = new Map();
      for (const d of tree.rootNode.descendantsOfType(HELPER_DEFINITIONS)) {
        const n = d?.childForFieldName('name');
        if (!d || !n) continue;
        const key = text.slice(n.startIndex, n.endIndex);
        defs.set(key, [...(defs.get(key) ?? []), d]);
      }
    }
    const found = defs.get(name);
    if (found?.length !== 1) return undefined;
    const def = found[0];
    const returns = def.descendantsOfType('return_statement').filter((r): r is Node => !!r && same(enclosing(r, FUNCTION_NODE), def));
    if (returns.length !== 1) return undefined;
    let value = returns[0].namedChildren.find((c) => c && c.type !== 'comment') ?? undefined;
    if (value?.type === 'expression_list') value = value.namedChildCount === 1 ? (value.namedChildren[0] ?? undefined) : undefined;
    return value;
  };

  const composeRoot = (root: Node, ctx: ComposeCtx, used: Node[]): Part[] | undefined => {
    let literalSeen = false;
    let budget = 2000;
    const inner: ComposeCtx = { ...ctx, used };
    const seen = new Set<number>();
    const rec = (node: Node, depth: number): Part[] => {
      if (--budget < 0 || depth > 60) return [hole(node, text, true)];
      const lit = profile.literal(node, env, inner);
      if (lit) {
        literalSeen = true;
        used.push(node);
        return lit;
      }
      const composed = profile.compose(node, env, (n) => rec(n, depth + 1), inner);
      if (composed) return composed;
      // A name's value where it is used, or what a helper of the file returns: composed there when it holds SQL text.
      const value = (profile.identifier ?? IDENTIFIER).has(node.type) ? visibleValue(declsOf(text.slice(node.startIndex, node.endIndex)), node) : HELPER_CALL.test(node.type) ? helperReturn(node) : undefined;
      if (value && !seen.has(value.startIndex) && value.startIndex !== node.startIndex) {
        const inner = follow(value, depth);
        if (inner) return inner;
      }
      return [hole(node, text, true)];
    };
    // The parts of the value a name or a helper call stands for, when a string literal is among them (once per value).
    const follow = (value: Node, depth: number): Part[] | undefined => {
      seen.add(value.startIndex);
      const before = literalSeen;
      literalSeen = false;
      const inner = rec(value, depth + 1);
      const found = literalSeen;
      literalSeen = before || found;
      return found ? inner : undefined;
    };
    const parts = rec(root, 0);
    return literalSeen ? parts : undefined;
  };

  // An argument the code writes as a constant: a string literal without holes, a number, a boolean (SqlParam.value).
  const constantValue = (n: Node): string | undefined => {
    const lit = profile.literal(n, env, { tagged: false });
    if (lit) return lit.every((p) => p.t === 'text') ? lit.map((p) => (p.t === 'text' ? p.text : '')).join('') : undefined;
    return NUMBER_OR_BOOLEAN.test(n.text) ? n.text : undefined;
  };
  const addSite = (root: Node, parts: Part[], api: string, style: PlaceholderStyle, confidence: number, used: Node[], callNode?: Node, spanNode?: Node): SqlSite | undefined => {
    const f = qmarkIfUnread(parts, style, lang)?.f ?? finishSql(parts, style);
    if (!f.sql) return undefined;
    const span = spanNode ?? root;
    // The span covers every character the SQL comes from (a heredoc body lies after its opener).
    let start = span.startIndex;
    let end = span.endIndex;
    if (!spanNode) {
      // When the statement starts in the root (a template or literal at the call), the text of a name it interpolates
      // from elsewhere (`${TABLE}` ← `const TABLE = 'client_instances'`) does not stretch the span there (person10 N7:
      // a missing-index warning sat on the constant's line, not the query's); a root that is only a name for the whole
      // statement (`db.query(sql)` after `const sql = '…'`) or a heredoc's opener still spans the text.
      const inRoot = (o: number) => o >= root.startIndex && o < root.endIndex;
      const startsHere = f.sourceMap.length > 0 && inRoot(f.sourceMap[0]);
      for (const o of f.sourceMap) {
        if (startsHere && !inRoot(o)) continue;
        if (o < start) start = o;
        if (o + 1 > end) end = o + 1;
      }
    }
    const site: SqlSite = {
      file, language: lang, api, sql: f.sql, sourceMap: f.sourceMap,
      span: { start, end },
      callSpan: callNode ? { start: callNode.startIndex, end: callNode.endIndex } : undefined,
      params: f.params, confidence, dynamic: f.dynamic,
    };
    if (f.splicedNames) site.splicedNames = f.splicedNames;
    if (!callNode) delete site.callSpan;
    else callArguments(site.params, root, callNode, profile, constantValue);
    for (const u of used) claimed.add(u.startIndex);
    siteRoots.add(root.startIndex);
    sites.push(site);
    return site;
  };

  // (1) Known APIs.
  for (const { call, callee } of calls) {
    if (pause()) yield;
    let target: CallTarget | undefined;
    try {
      target = profile.call(call, callee, env);
    } catch {
      target = undefined;
    }
    if (!target) continue;
    const candidates = target.args ?? [target.arg];
    for (const arg of candidates) {
      // A fragment already read into an earlier statement (a nested sql`…`) is part of that statement.
      if (!arg || siteRoots.has(arg.startIndex) || claimed.has(arg.startIndex)) continue;
      const used: Node[] = [];
      const choices = { n: 0 };
      const composed = composeRoot(arg, { tagged: !!target.tagged, choices }, used);
      if (!composed) continue;
      const parts = target.template ? target.template(composed) : composed;
      if (target.ignore) {
        for (const u of used) claimed.add(u.startIndex);
        break;
      }
      if (target.generic) {
        const first = parts.find((p) => p.t === 'text');
        if (!first || first.t !== 'text' || !startsLikeSql(first.text)) break;
      }
      // A name resolved to a constant elsewhere in the file: the SQL lives at that constant.
      const direct = used.length > 0 && used.every((u) => u.startIndex >= arg.startIndex && u.endIndex <= arg.endIndex);
      let spanNode: Node | undefined;
      if (!direct && used.length) {
        // The literal the statement starts in (`SELECT ` + COLUMNS + ` FROM …`: the SELECT, not the
        // column list defined at the top of the file); else the earliest one.
        const head = parts.find((p): p is Extract<Part, { t: 'text' }> => p.t === 'text' && p.text.trim() !== '');
        const at = head ? head.offsets[head.text.length - head.text.trimStart().length] : undefined;
        let s = used[0];
        for (const u of used) if (u.startIndex < s.startIndex) s = u;
        s = used.find((u) => at !== undefined && u.startIndex <= at && at < u.endIndex) ?? s;
        spanNode = topComposition(s, profile);
      }
      const site = addSite(arg, parts, target.api, target.style, target.confidence ?? (direct ? 1 : 0.9), used, call, spanNode);
      if (site && target.rowModel) site.rowModel = target.rowModel;
      if (site && choices.n && !site.variants) {
        // Fragments chosen at run time: every combination of the choices' branches (up to 2^MAX_CHOICES); past that, the
        // statement with the fuller branches (site.sql), the one with the shorter ones, and each choice's fuller branch
        // alone (a filter the caller passes by itself: the ordinals API's activity of one address).
        const all = (1 << Math.min(choices.n, 30)) - 1;
        const picks: ComposeCtx['pick'][] =
          choices.n <= MAX_CHOICES
            ? Array.from({ length: all }, (_, k) => ({ mask: k + 1, conds: new Map<string, number>() }))
            : ['short', ...Array.from({ length: Math.min(choices.n, MAX_ALONE) }, (_, k) => ({ mask: all & ~(1 << k), conds: new Map<string, number>() }))];
        const variants: SqlVariant[] = [{ sql: site.sql, sourceMap: site.sourceMap, params: site.params, dynamic: site.dynamic, ...(site.splicedNames ? { splicedNames: site.splicedNames } : {}) }];
        for (const pick of picks) {
          const other = composeRoot(arg, { tagged: !!target.tagged, pick }, []);
          const v = other && finishSql(target.template ? target.template(other) : other, target.style);
          if (v?.sql && !variants.some((x) => x.sql === v.sql)) variants.push(v);
        }
        if (variants.length > 1) site.variants = variants;
      }
      break;
    }
  }

  // (2) Markers.
  for (const c of comments) {
    if (!isMarker(textStart(text, c, 60))) continue;
    const after = profile.markerTarget ? profile.markerTarget(c) : c.nextNamedSibling;
    if (!after) continue;
    const lit = firstString(after, strings, c.endIndex);
    if (!lit || claimed.has(lit.startIndex)) continue;
    const root = topComposition(lit, profile);
    if (siteRoots.has(root.startIndex)) continue;
    const used: Node[] = [];
    const parts = composeRoot(root, { tagged: false }, used);
    if (parts) addSite(root, parts, 'marker', profile.defaultStyle, 1, used);
  }

  // (3) Other strings that parse as SQL.
  for (const s of strings) {
    if (pause()) yield;
    if (limits.deadline !== undefined && performance.now() > limits.deadline) break;
    if (claimed.has(s.startIndex)) continue;
    if (!ANY_KEYWORD.test(textStart(text, profile.literalBody?.(s) ?? s, 400))) continue;
    const head = profile.literal(s, env, { tagged: false });
    const firstText = head?.find((p) => p.t === 'text');
    if (!firstText || firstText.t !== 'text' || !startsLikeSql(firstText.text)) continue;
    const root = topComposition(s, profile);
    if (siteRoots.has(root.startIndex)) continue;
    if (passedToMessageCall(root, text, lang) || sentOverHttp(root, text)) continue;
    const used: Node[] = [];
    let parts = composeRoot(root, { tagged: false }, used);
    if (!parts) continue;
    let f = finishSql(parts, profile.defaultStyle);
    let g = guessSql(f.sql);
    for (const u of used) claimed.add(u.startIndex);
    let style = profile.defaultStyle;
    // `UPDATE %s SET …` has no statement shape until its verb is a name.
    if (!g.ok && (g.parseError || ((lang === 'go' || lang === 'java') && /^\s*(?:update|insert\s+into|delete\s+from|replace\s+into)\s+%[sv]\b/i.test(f.sql)))) {
      // A constant handed to a call PG Lens does not know (`query = "…"` then `conn.execute(sa.text(query.format(**f)), p)`)
      // may hold what that call fills in: `:name` parameters, DB-API `?` parameters, in Python `{field}` format fields,
      // in Go and Java the format verbs of a `fmt.Sprintf`/`String.format` template (`FROM %s`). Read it so before
      // saying it cannot be read.
      const filled = fillLater(parts, lang);
      let style2: PlaceholderStyle = { ...profile.defaultStyle, colon: true };
      let f2 = finishSql(filled, style2);
      const q = qmarkIfUnread(filled, style2, lang);
      if (q) {
        f2 = q.f;
        style2 = q.style;
      }
      const g2 = f2.sql !== f.sql ? guessSql(f2.sql) : g;
      if (g2.ok) {
        parts = filled;
        style = style2;
        f = f2;
        g = { ...g2, confidence: Math.min(g2.confidence, 0.7) };
      }
    }
    if (!g.ok) {
      // A sentence that starts with an SQL word, handed to no query call PG Lens knows, is prose, not broken SQL (person51
      // L-4: a help text was a syntax-error warning). A string a known query call takes is that call's site (step 1 above),
      // never read here: it runs as SQL, and its error stays.
      const u = g.parseError && limits.unread ? unreadOf(root, parts, f, g.reason ?? '') : undefined;
      if (u && !readsAsProse(f.sql)) limits.unread!.push(u);
      continue;
    }
    const site = addSite(root, parts, 'constant', style, f.dynamic ? Math.min(g.confidence, 0.7) : g.confidence, used);
    // Passed straight to a call PG Lens does not recognise as a driver's (pg-promise's `db.one(`, an app's own wrapper
    // `repo.fetch(`): the values after it are still what its placeholders take, for the value prompts to name (person31
    // L2). The site stays what it is. The call's lines name the statement as a recording names it (calledBy; person52 L-3:
    // "src/orders.ts:31 … (the same statement at src/orders.ts:32 too)").
    const args = root.parent;
    if (site && args?.parent && /^arguments?(_list)?$/.test(args.type) && args.firstNamedChild?.startIndex === root.startIndex) {
      site.calledBy = { start: args.parent.startIndex, end: args.parent.endIndex };
      callArguments(site.params, root, args.parent, profile, constantValue);
    }
    // The first piece given to a string builder (`new StringBuilder("SELECT …")`, `b.WriteString("SELECT …")`,
    // `sql.append("SELECT …")`): the statement is what the builder holds when it runs, built at run time.
    if (site && givenToBuilder(root, text)) site.dynamic = true;
  }
  sites.sort((a, b) => a.span.start - b.span.start);
  return sites;
}

/**
 * What a later call fills into a constant: Python's `{field}` format fields (`.format(…)` / `.format_map(…)`), and the
 * verbs of a Go `fmt.Sprintf` / Java `String.format` template (`%s`, `%d`, `%v`; `%%` is a `%`) — text spliced in at
 * run time (a table name, a clause).
 */
function fillLater(parts: Part[], lang: SourceLanguage): Part[] {
  if (lang === 'python') return directivesToHoles(parts, /\{[A-Za-z_]\w*\}/g);
  if (lang === 'go' || lang === 'java') return directivesToHoles(parts, /%%|%[-+# 0]*\d*(?:\.\d+)?[sdvq]/g, (m) => (m === '%%' ? '%' : undefined));
  return parts;
}

/**
 * Languages whose SQL may carry DB-API / sqlx `?` parameters where the call does not say so (see qmarkIfUnread). In
 * JavaScript and TypeScript: an app's own database layer that takes `?` and numbers them for pg (rules-x:
 * SponsorBlockServer's `db.prepare("get", 'SELECT … WHERE "videoID" = ?', [videoID])`), Sequelize's `replacements`.
 */
const QMARK_LANGUAGES: ReadonlySet<SourceLanguage> = new Set(['python', 'go', 'javascript', 'typescript', 'tsx']);

/**
 * A statement PostgreSQL cannot parse as written, that parses once its `?` (outside strings) are parameters: Python
 * DB-API's qmark style (sqlite3, pyodbc, an app's own transaction wrapper that converts them for psycopg, as
 * Synapse's), Go sqlx's `?` rebound per driver (`db.Rebind`), a JavaScript app's own wrapper that numbers them. Read only when the text does not parse otherwise, so
 * PostgreSQL's own `?` operators (jsonb `data ? 'key'`) stay what they are.
 */
function qmarkIfUnread(parts: Part[], style: PlaceholderStyle, lang: SourceLanguage): { f: SqlVariant; style: PlaceholderStyle } | undefined {
  if (style.qmark || !QMARK_LANGUAGES.has(lang)) return undefined;
  if (!parts.some((p) => p.t === 'text' && p.text.includes('?'))) return undefined;
  const f = finishSql(parts, style);
  if (!f.sql.includes('?')) return undefined;
  // PostgreSQL's grammar may accept the `?` as written where the rules' parser does not: `"userName" LIKE ? ESCAPE '\\'`
  // reads as a prefix operator `?` applied to ESCAPE's string (rules-x: SponsorBlock's user search). Then the `$n` reading
  // is taken only when both parsers accept it, and the text as written stays when the rules' parser reads it.
  const pgAccepts = parsesAsSql(f.sql);
  if (pgAccepts && parseSql(f.sql).ok) return undefined;
  const style2: PlaceholderStyle = { ...style, qmark: 'plain' };
  const f2 = finishSql(parts, style2);
  return f2.sql !== f.sql && parsesAsSql(f2.sql) && (!pgAccepts || parseSql(f2.sql).ok) ? { f: f2, style: style2 } : undefined;
}


/**
 * Why a string shaped like a statement was not read: PostgreSQL's error, and whether run-time pieces are the
 * cause (the error is at a `$n` that stands for one of them, or at the end of a text built up by the code).
 */
function unreadOf(root: Node, parts: Part[], f: SqlVariant, error: string): UnreadSql {
  const pieces = parts.filter((p): p is Extract<Part, { t: 'hole' }> => p.t === 'hole' && p.dynamic && !p.empty).map((p) => p.source.replace(/\s+/g, ' ').slice(0, 40));
  // Handed straight to a call (`remember(\`…\`)`): the call's line is the text's too, for the commands at the cursor.
  const args = root.parent;
  const call = args && /^arguments?(_list)?$/.test(args.type) && args.firstNamedChild?.startIndex === root.startIndex ? args.parent : null;
  const why = runTimeReason(error, pieces, f.sql, f.splicedNames);
  return { span: { start: root.startIndex, end: root.endIndex }, ...(call ? { callSpan: { start: call.startIndex, end: call.endIndex } } : {}), ...why, ...(why.syntaxError !== undefined ? { sql: f.sql, sourceMap: f.sourceMap } : {}) };
}

/** Calls whose string arguments are messages for people, not SQL (logging, printing, errors, i18n). */
const MESSAGE_CALL = /(?:^|[.\s])(?:log|logf|logger|info|infof|debug|debugf|warn|warnf|warning|error|errorf|errors?\.New|exception|critical|fatal|fatalf|trace|print|println|printf|sprintf|fprintf|puts|alert|confirm|prompt|t|_|gettext|ngettext|translate|i18n|raise|assert|Error|Exception|RuntimeException|IllegalArgumentException|IllegalStateException|ValueError|RuntimeError|TypeError|flash|notify|toast|message|describe|it|test|context)\s*$/i;

/** A request made with an HTTP client: `$.http.get(`, `axios.post(`, `fetch(`, `requests.get(`, `httpx.post(`. */
const HTTP_CALL = /(?:\bhttp|\$\.http|\baxios|\brequests|\bhttpx|\bgot|\bsuperagent|\bclient|\bsession|\bapi)\s*\.\s*(?:get|post|put|patch|request)\s*\(|(?:^|[^\w.$])(?:fetch|axios|got)\s*\(/;

/**
 * A query text that is a value of a request's parameters (`params = { operation: 'query', query: 'SELECT * FROM
 * Assets' }` then `$.http.get(url, { params })`, `requests.get(url, params={"q": "SELECT …"})`): another
 * system's query language sent over HTTP (a CRM's, a search API's), not a statement this app runs on PostgreSQL.
 */
function sentOverHttp(root: Node, text: string): boolean {
  let n: Node = root;
  let p = n.parent;
  if (!p || !/^(pair|keyword_argument)$/.test(p.type)) return false;
  // Up through the object literals (and the keyword argument) that hold it.
  while (p && /^(pair|object|dictionary|keyword_argument)$/.test(p.type)) {
    n = p;
    p = p.parent;
  }
  if (!p) return false;
  if (/^(arguments|argument_list)$/.test(p.type)) {
    const call = p.parent;
    return !!call && HTTP_CALL.test(text.slice(call.startIndex, p.startIndex + 1));
  }
  // `const params = { … }` / `params = { … }`: handed to a request later in the same function.
  const left = p.type === 'variable_declarator' ? p.childForFieldName('name') : /^(assignment|assignment_expression)$/.test(p.type) ? p.childForFieldName('left') : null;
  if (!left || !/^[A-Za-z_$][\w$]*$/.test(left.text)) return false;
  const after = text.slice(p.endIndex, p.endIndex + 800);
  const name = left.text.replace(/\$/g, '\\$');
  return new RegExp(`${HTTP_CALL.source}[^;\\n]*\\b${name}\\b`).test(after);
}

function passedToMessageCall(root: Node, text: string, lang: SourceLanguage): boolean {
  const args = root.parent;
  if (!args || !/^(arguments|argument_list)$/.test(args.type)) return false;
  const call = args.parent;
  if (!call) return false;
  const fn = text.slice(Math.max(call.startIndex, args.startIndex - 80), args.startIndex);
  return MESSAGE_CALL.test(fn) || (lang === 'ruby' && RUBY_PRINT.test(fn));
}

/**
 * Ruby's `p` / `pp` debug prints: in Ruby only, called bare, never as a method of an object, and in lower case. Go's
 * `p.P(`…`)` and `p := prep.P; p(`…`)` (goalert's util.Prepare, which prepares the statement) are database calls.
 */
const RUBY_PRINT = /(?:^|\s)pp?\s*$/;

const HELPER_CALL = /^(call|call_expression|method_invocation)$/;
const HELPER_DEFINITIONS = ['function_definition', 'function_declaration', 'method_definition', 'method_declaration'];

/** The helper a call names when it is one of the file's own: `name(…)`, `self.name(…)`, `this.name(…)`, `r.name(…)` in Go. */
function calledHelperName(call: Node, text: string): string | undefined {
  if (call.type === 'method_invocation') {
    const obj = call.childForFieldName('object');
    const n = call.childForFieldName('name');
    return n && (!obj || /^(this|super)$/.test(obj.text)) ? text.slice(n.startIndex, n.endIndex) : undefined;
  }
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  if (fn.type === 'identifier') return text.slice(fn.startIndex, fn.endIndex);
  const obj = fn.childForFieldName('object') ?? fn.childForFieldName('operand');
  const prop = fn.childForFieldName('attribute') ?? fn.childForFieldName('property') ?? fn.childForFieldName('field');
  if (!obj || !prop || !/^(self|cls|this|[a-z]{1,2})$/.test(obj.text)) return undefined;
  return text.slice(prop.startIndex, prop.endIndex);
}

const FUNCTION_NODE = /^(function_definition|function_declaration|function_expression|function|generator_function|generator_function_declaration|arrow_function|method_definition|method_declaration|constructor_declaration|func_literal|lambda|lambda_expression|method|singleton_method)$/;
const BLOCK_NODE = /^(block|statement_block|program|module|source_file|compilation_unit|class_body|body_statement|then|else|do_block|switch_block_statement_group|expression_case|default_case|communication_case|case_clause)$/;

function enclosing(node: Node, kind: RegExp): Node | undefined {
  for (let p = node.parent; p; p = p.parent) if (kind.test(p.type)) return p;
  return undefined;
}

const same = (a: Node | undefined, b: Node | undefined) => a === b || (!!a && !!b && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type);
const inside = (outer: Node, n: Node) => outer.startIndex <= n.startIndex && n.endIndex <= outer.endIndex;

/**
 * The value a name holds where it is used, among the file's assignments to that name: the one
 * assignment in the file; else, in the innermost function (then the enclosing ones, then the module)
 * that assigns it, the last assignment before the use whose block holds the use (`query = "…"` in each
 * function of a module, or twice in one function, each used after it). An assignment in a branch the
 * use is not in (`if c: q = "B"`) makes the value unknown: undefined.
 */
export function visibleValue(values: Node[] | undefined, use: Node): Node | undefined {
  if (!values?.length) return undefined;
  if (values.length === 1) return values[0];
  for (let scope = enclosing(use, FUNCTION_NODE); ; scope = scope && enclosing(scope, FUNCTION_NODE)) {
    const here = values.filter((v) => same(enclosing(v, FUNCTION_NODE), scope));
    if (here.length) {
      if (!scope && here.length === 1) return here[0];
      const before = here.filter((v) => v.endIndex <= use.startIndex).sort((a, b) => a.startIndex - b.startIndex);
      const last = before[before.length - 1];
      const block = last && enclosing(last, BLOCK_NODE);
      return block && inside(block, use) ? last : undefined;
    }
    if (!scope) return undefined;
  }
}

const BUILDER_APPEND = /\.(?:append|Append|WriteString|write|concat)\s*$/;

function givenToBuilder(root: Node, text: string): boolean {
  const args = root.parent;
  if (!args || !/^(arguments|argument_list)$/.test(args.type)) return false;
  const call = args.parent;
  if (!call) return false;
  if (call.type === 'object_creation_expression') return /^(StringBuilder|StringBuffer|StringJoiner)\b/.test(call.childForFieldName('type')?.text ?? '');
  return BUILDER_APPEND.test(text.slice(Math.max(call.startIndex, args.startIndex - 80), args.startIndex));
}

/** Climb from a literal to the whole composed expression (concatenation, parentheses, formatting). */
function topComposition(node: Node, profile: LanguageProfile): Node {
  let n = node;
  for (let i = 0; i < 100; i++) {
    const p = n.parent;
    if (!p || !profile.climb(p, n)) return n;
    n = p;
  }
  return n;
}

/** The first string literal at or after `from` inside `node` (strings are sorted by position). */
function firstString(node: Node, strings: Node[], from: number): Node | undefined {
  let lo = 0;
  let hi = strings.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (strings[mid].startIndex < from) lo = mid + 1;
    else hi = mid;
  }
  const s = strings[lo];
  if (s && s.startIndex >= node.startIndex && s.endIndex <= node.endIndex) return s;
  return undefined;
}

