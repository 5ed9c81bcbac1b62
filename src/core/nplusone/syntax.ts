/**
 * A small, language-neutral view of the tree-sitter trees the N+1 detector needs: call chains
 * (`prisma.user.findUnique(…)`, `db.Where(…).First(…)`, `User.objects.get(…)`), loops and
 * per-item callbacks, and function definitions. One adapter per grammar; the detector itself
 * never looks at node type names.
 */
import type { Node } from '@vscode/tree-sitter-wasm';
import type { SourceLanguage } from '../syntax/treeSitter';

export type { Node };

/** One step of a call chain: `user` in `prisma.user.findUnique(…)`; `call` is set when it is called. */
export interface Segment {
  name: string;
  /** The call node, when this segment is called (`findUnique(…)`). */
  call?: Node;
  /** The arguments node of that call. */
  args?: Node;
  /** Ruby: the block of the call. */
  block?: Node;
}

export interface Chain {
  /** The outermost call of the chain (what a finding points at). */
  node: Node;
  /** The root expression node (identifier, constant, `this`, a literal, …). */
  root: Node;
  /** Segments from the root on, without `this`/`self`; segments[0] is the root name when it is a name. */
  segments: Segment[];
  /** The root was `this`/`self`/`@x`. */
  viaSelf: boolean;
}

export type LoopKind =
  | 'for' | 'for…of' | 'for…in' | 'for await' | 'while' | 'do…while' | 'callback' | 'Promise.all'
  | 'comprehension' | 'asyncio.gather' | 'range' | 'stream' | 'block' | 'result-set';

export interface LoopInfo {
  node: Node;
  kind: LoopKind;
  /** Human label: `for…of`, `users.map(…)`, `ids.each`, … */
  label: string;
  /** The per-item variable, when there is one. */
  variable?: string;
  /** The iterated expression, when there is one. */
  iterable?: Node;
  /** Where per-item code lives (loop body, callback, comprehension). */
  body: Node;
  /**
   * Iterates a collection (items, rows of a result set). Counter and condition loops (`while`,
   * `for (;;)`, `range(3)`) are decided by the detector from how the body uses them.
   */
  shape: 'collection' | 'counter' | 'condition';
  /** A loop over chunks/pages/slices (each_slice, find_in_batches, chunks(…)). */
  chunked?: boolean;
  /** Fixed count known from the syntax (`3.times`, `range(10)`). */
  count?: number;
}

export interface FunctionDef {
  name: string;
  node: Node;
}

export interface LanguageAdapter {
  lang: SourceLanguage;
  callTypes: ReadonlySet<string>;
  /** Build the chain of an outermost call node (undefined when `node` continues into a longer chain). */
  chainOf(node: Node): Chain | undefined;
  /** `node` is a loop or per-item callback and `child` (its child on the path to a call) is per-item code. */
  loopOf(node: Node, child: Node): LoopInfo | undefined;
  /** A function definition that ends the upward walk (callbacks are handled by loopOf first). */
  isFunction(node: Node): boolean;
  /** Named function/method definitions, for one level of calls across functions. */
  functionDef(node: Node): FunctionDef | undefined;
  /** Name a call calls when it is a plain local call (`loadUser(x)`, `this.loadUser(x)`, `self.load(x)`). */
  localCallee(node: Node): string | undefined;
  /** A statement that leaves the loop (return/break), for retry loops. */
  exitTypes: ReadonlySet<string>;
  /** String literal types (for SQL arguments and fixed lists). */
  stringTypes: ReadonlySet<string>;
  /** Array/list literal types. */
  arrayTypes: ReadonlySet<string>;
  /** Comment node types. */
  commentTypes: ReadonlySet<string>;
}

export function field(n: Node, name: string): Node | undefined {
  return n.childForFieldName(name) ?? undefined;
}

export function named(n: Node | undefined | null): Node[] {
  if (!n) return [];
  const out: Node[] = [];
  for (let i = 0; i < n.namedChildCount; i++) {
    const c = n.namedChild(i);
    if (c) out.push(c);
  }
  return out;
}

export function contains(outer: Node, inner: Node): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

export function same(a: Node | undefined | null, b: Node | undefined | null): boolean {
  return !!a && !!b && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;
}

/** The text of a string literal without quotes (best effort; interpolations kept as written). */
export function stringValue(n: Node): string {
  const t = n.text;
  if (n.type === 'template_string') return t.slice(1, -1);
  const m = /^[a-zA-Z]*("""|'''|"|'|`)([\s\S]*)\1$/.exec(t);
  return m ? m[2] : t.replace(/^["'`]|["'`]$/g, '');
}

const UNWRAP = new Set(['parenthesized_expression', 'non_null_expression', 'as_expression', 'satisfies_expression', 'type_assertion']);

// ---------------------------------------------------------------------------------------------
// Chains: generic over "call" and "member" node shapes.

interface CallShape {
  receiver?: Node;
  name?: Node;
  args?: Node;
  block?: Node;
}

function buildChain(
  node: Node,
  callParts: (n: Node) => CallShape | undefined,
  memberParts: (n: Node) => { object: Node; name?: string } | undefined,
  selfNames: RegExp,
): Chain {
  const segs: Segment[] = [];
  let cur: Node = node;
  let root: Node = node;
  for (let guard = 0; guard < 64; guard++) {
    if (UNWRAP.has(cur.type)) {
      const inner = named(cur)[0];
      if (!inner) break;
      cur = inner;
      continue;
    }
    const c = callParts(cur);
    if (c) {
      if (c.name) segs.unshift({ name: c.name.text, call: cur, args: c.args, block: c.block });
      if (!c.receiver) {
        root = c.name ?? cur;
        break;
      }
      cur = c.receiver;
      continue;
    }
    const m = memberParts(cur);
    if (m) {
      if (m.name !== undefined) segs.unshift({ name: m.name });
      cur = m.object;
      continue;
    }
    root = cur;
    if (!segs.length || segs[0].call !== undefined || segs[0].name !== cur.text) {
      const t = cur.text;
      if (/^[@$]?[A-Za-z_][\w:]*$/.test(t)) segs.unshift({ name: t.replace(/^@/, '') });
    }
    break;
  }
  let viaSelf = false;
  if (segs.length && selfNames.test(segs[0].name) && !segs[0].call) {
    segs.shift();
    viaSelf = true;
  }
  if (root.type === 'instance_variable') viaSelf = true;
  return { node, root, segments: segs, viaSelf };
}

// ---------------------------------------------------------------------------------------------
// JavaScript / TypeScript

const JS_LOOP_METHODS = new Set(['forEach', 'map', 'flatMap', 'reduce', 'reduceRight', 'filter', 'some', 'every', 'find', 'findIndex', 'each', 'eachSeries', 'mapSeries', 'eachLimit', 'mapLimit', 'forEachSeries', 'forEachOf', 'mapValues']);
const JS_FUNCS = new Set(['function_declaration', 'function_expression', 'function', 'arrow_function', 'method_definition', 'generator_function_declaration', 'generator_function']);

function jsCallParts(n: Node): CallShape | undefined {
  if (n.type !== 'call_expression') return undefined;
  let fn = field(n, 'function');
  // tree-sitter-typescript reads `await db.query<T>(…)` as `(await db.query)<T>(…)`.
  if (fn?.type === 'await_expression') fn = named(fn)[0];
  const args = field(n, 'arguments');
  if (!fn) return undefined;
  if (fn.type === 'member_expression') return { receiver: field(fn, 'object'), name: field(fn, 'property'), args };
  if (fn.type === 'identifier' || fn.type === 'import') return { name: fn, args };
  return { receiver: fn, args };
}

function jsMember(n: Node): { object: Node; name?: string } | undefined {
  if (n.type === 'member_expression') {
    const o = field(n, 'object');
    const p = field(n, 'property');
    return o ? { object: o, name: p?.text } : undefined;
  }
  if (n.type === 'subscript_expression') {
    const o = field(n, 'object');
    return o ? { object: o } : undefined;
  }
  return undefined;
}

function jsIsOutermost(n: Node): boolean {
  let p = n.parent;
  let c: Node = n;
  while (p && UNWRAP.has(p.type)) {
    c = p;
    p = p.parent;
  }
  if (!p) return true;
  if ((p.type === 'member_expression' || p.type === 'subscript_expression') && same(field(p, 'object'), c)) {
    // `db.select().from(t)` continues; `(await x).rows` does not (await breaks the chain).
    let q: Node | null = p;
    while (q && (q.type === 'member_expression' || q.type === 'subscript_expression')) q = q.parent;
    return !(q && q.type === 'call_expression');
  }
  return true;
}

function firstParamName(params: Node | undefined, index = 0): string | undefined {
  if (!params) return undefined;
  if (params.type === 'identifier') return params.text;
  const ps = named(params).filter((p) => p.type !== 'comment');
  const p = ps[index];
  if (!p) return undefined;
  if (p.type === 'identifier') return p.text;
  const pat = field(p, 'pattern') ?? field(p, 'name') ?? p;
  if (pat.type === 'identifier') return pat.text;
  return pat.text.length < 60 ? pat.text : undefined;
}

function jsLoopOf(n: Node, child: Node): LoopInfo | undefined {
  switch (n.type) {
    case 'for_in_statement': {
      const body = field(n, 'body');
      if (!body || !same(body, child)) return undefined;
      const isAwait = n.children.some((c) => c?.type === 'await');
      const isOf = n.children.some((c) => c?.type === 'of');
      const kind: LoopKind = isAwait ? 'for await' : isOf ? 'for…of' : 'for…in';
      const left = field(n, 'left');
      return { node: n, kind, label: kind, variable: left?.text, iterable: field(n, 'right'), body, shape: 'collection' };
    }
    case 'for_statement': {
      const body = field(n, 'body');
      if (!body || !same(body, child)) return undefined;
      const init = field(n, 'initializer');
      const decl = init ? (init.type === 'lexical_declaration' || init.type === 'variable_declaration' ? named(init)[0] : init) : undefined;
      const v = decl ? (field(decl, 'name') ?? field(decl, 'left'))?.text : undefined;
      const cond = field(n, 'condition');
      let iterable: Node | undefined;
      const lenMatch = cond ? /<=?\s*([\w.$]+)\.(length|size)\b/.exec(cond.text) : null;
      if (lenMatch && cond) iterable = cond.descendantsOfType('member_expression').find((m) => m?.text === `${lenMatch[1]}.${lenMatch[2]}`)?.childForFieldName('object') ?? undefined;
      const lit = cond ? /<\s*(\d+)\s*;?$/.exec(cond.text.trim()) : null;
      return { node: n, kind: 'for', label: 'for', variable: v, iterable, body, shape: 'counter', count: lit ? Number(lit[1]) : undefined };
    }
    case 'while_statement':
    case 'do_statement': {
      const body = field(n, 'body');
      if (!body || !same(body, child)) return undefined;
      return { node: n, kind: n.type === 'do_statement' ? 'do…while' : 'while', label: n.type === 'do_statement' ? 'do…while' : 'while', body, shape: 'condition' };
    }
    case 'arrow_function':
    case 'function_expression':
    case 'function': {
      const args = n.parent;
      if (!args || args.type !== 'arguments') return undefined;
      const call = args.parent;
      if (!call || call.type !== 'call_expression') return undefined;
      const fn = field(call, 'function');
      const method = fn?.type === 'member_expression' ? field(fn, 'property')?.text : fn?.text;
      if (!method || !JS_LOOP_METHODS.has(method)) return undefined;
      const argList = named(args);
      const body = field(n, 'body') ?? n;
      // items.map(cb) → receiver; _.map(items, cb) / async.eachSeries(items, cb) → first argument.
      const receiver = fn?.type === 'member_expression' ? field(fn, 'object') : undefined;
      const libStyle = receiver && /^(_|lodash|async|Bluebird|P|pMap|R)$/.test(receiver.text) && argList.length >= 2;
      const iterable = libStyle ? argList[0] : receiver;
      if (libStyle && same(argList[0], n)) return undefined;
      const params = field(n, 'parameters') ?? field(n, 'parameter');
      const variable = firstParamName(params, method === 'reduce' || method === 'reduceRight' ? 1 : 0);
      let kind: LoopKind = 'callback';
      let outer: Node | null = call.parent;
      while (outer && UNWRAP.has(outer.type)) outer = outer.parent;
      const inPromiseAll = outer?.type === 'arguments' && /^Promise\.(all|allSettled|any|race)$/.test(field(outer.parent!, 'function')?.text ?? '');
      if (inPromiseAll) kind = 'Promise.all';
      const label = `${inPromiseAll ? 'Promise.all(' : ''}${iterable ? shortText(iterable) + '.' : ''}${method}(…)${inPromiseAll ? ')' : ''}`;
      return { node: call, kind, label, variable, iterable, body, shape: 'collection' };
    }
  }
  return undefined;
}

export function shortText(n: Node, max = 40): string {
  const t = n.text.replace(/\s+/g, ' ');
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

function jsFunctionDef(n: Node): FunctionDef | undefined {
  switch (n.type) {
    case 'function_declaration':
    case 'generator_function_declaration':
    case 'method_definition': {
      const name = field(n, 'name')?.text;
      return name ? { name, node: n } : undefined;
    }
    case 'variable_declarator': {
      const v = field(n, 'value');
      const name = field(n, 'name');
      if (v && name?.type === 'identifier' && (v.type === 'arrow_function' || v.type === 'function_expression' || v.type === 'function')) return { name: name.text, node: v };
      return undefined;
    }
    case 'public_field_definition':
    case 'field_definition': {
      const v = field(n, 'value');
      const name = field(n, 'name') ?? field(n, 'property');
      if (v && name && (v.type === 'arrow_function' || v.type === 'function_expression')) return { name: name.text, node: v };
      return undefined;
    }
  }
  return undefined;
}

function jsLocalCallee(n: Node): string | undefined {
  if (n.type !== 'call_expression') return undefined;
  const fn = field(n, 'function');
  if (!fn) return undefined;
  if (fn.type === 'identifier') return fn.text;
  if (fn.type === 'member_expression' && field(fn, 'object')?.type === 'this') return field(fn, 'property')?.text;
  return undefined;
}

function jsAdapter(lang: SourceLanguage): LanguageAdapter {
  return {
    lang,
    callTypes: new Set(['call_expression']),
    chainOf: (n) => (jsIsOutermost(n) ? buildChain(n, jsCallParts, jsMember, /^(this|super)$/) : undefined),
    loopOf: jsLoopOf,
    isFunction: (n) => JS_FUNCS.has(n.type),
    functionDef: jsFunctionDef,
    localCallee: jsLocalCallee,
    exitTypes: new Set(['return_statement', 'break_statement', 'throw_statement']),
    stringTypes: new Set(['string', 'template_string']),
    arrayTypes: new Set(['array']),
    commentTypes: new Set(['comment']),
  };
}

// ---------------------------------------------------------------------------------------------
// Python

function pyCallParts(n: Node): CallShape | undefined {
  if (n.type !== 'call') return undefined;
  const fn = field(n, 'function');
  const args = field(n, 'arguments');
  if (!fn) return undefined;
  if (fn.type === 'attribute') return { receiver: field(fn, 'object'), name: field(fn, 'attribute'), args };
  if (fn.type === 'identifier') return { name: fn, args };
  return { receiver: fn, args };
}

function pyMember(n: Node): { object: Node; name?: string } | undefined {
  if (n.type === 'attribute') {
    const o = field(n, 'object');
    return o ? { object: o, name: field(n, 'attribute')?.text } : undefined;
  }
  if (n.type === 'subscript') {
    const o = field(n, 'value');
    return o ? { object: o } : undefined;
  }
  if (n.type === 'await') {
    const o = named(n)[0];
    return o ? { object: o } : undefined;
  }
  return undefined;
}

function pyIsOutermost(n: Node): boolean {
  const p = n.parent;
  if (!p) return true;
  if ((p.type === 'attribute' && same(field(p, 'object'), n)) || (p.type === 'subscript' && same(field(p, 'value'), n))) {
    let q: Node | null = p;
    while (q && (q.type === 'attribute' || q.type === 'subscript')) q = q.parent;
    return !(q && q.type === 'call');
  }
  return true;
}

function pyTargetName(n: Node | undefined): string | undefined {
  if (!n) return undefined;
  return n.text.length < 60 ? n.text : undefined;
}

function pyRangeCount(iter: Node | undefined): number | undefined {
  if (!iter || iter.type !== 'call') return undefined;
  if (field(iter, 'function')?.text !== 'range') return undefined;
  const args = named(field(iter, 'arguments'));
  if (args.length === 1 && args[0].type === 'integer') return Number(args[0].text);
  if (args.length === 2 && args[0].type === 'integer' && args[1].type === 'integer') return Number(args[1].text) - Number(args[0].text);
  return undefined;
}

function pyLoopOf(n: Node, child: Node): LoopInfo | undefined {
  switch (n.type) {
    case 'for_statement': {
      const body = field(n, 'body');
      if (!body || !same(body, child)) return undefined;
      const iterable = field(n, 'right');
      const isRange = iterable?.type === 'call' && field(iterable, 'function')?.text === 'range';
      return { node: n, kind: 'for', label: 'for', variable: pyTargetName(field(n, 'left')), iterable, body, shape: isRange ? 'counter' : 'collection', count: pyRangeCount(iterable) };
    }
    case 'while_statement': {
      const body = field(n, 'body');
      if (!body || !same(body, child)) return undefined;
      // `while row := cur.fetchone():` iterates the rows of one result.
      const cond = field(n, 'condition');
      const rows = cond && /\b(fetchone|fetchmany)\s*\(/.test(cond.text);
      return { node: n, kind: rows ? 'result-set' : 'while', label: 'while', body, shape: rows ? 'collection' : 'condition', variable: rows ? cond?.text.split(':=')[0].trim() : undefined };
    }
    case 'list_comprehension':
    case 'set_comprehension':
    case 'dictionary_comprehension':
    case 'generator_expression': {
      const clauses = named(n).filter((c) => c.type === 'for_in_clause');
      const first = clauses[0];
      if (!first) return undefined;
      const iterable = field(first, 'right');
      if (iterable && contains(iterable, child)) return undefined;
      if (same(child, first) && iterable && contains(iterable, child)) return undefined;
      let outer: Node | null = n.parent;
      if (outer?.type === 'list_splat') outer = outer.parent;
      const gather = outer?.type === 'argument_list' && /(^|\.)gather$/.test(field(outer.parent!, 'function')?.text ?? '');
      const isRange = iterable?.type === 'call' && field(iterable, 'function')?.text === 'range';
      return {
        node: n, kind: gather ? 'asyncio.gather' : 'comprehension', label: gather ? 'asyncio.gather(*[…])' : 'comprehension',
        variable: pyTargetName(field(first, 'left')), iterable, body: n, shape: isRange ? 'counter' : 'collection', count: pyRangeCount(iterable),
      };
    }
    case 'lambda': {
      // map(lambda x: …, items)
      const args = n.parent;
      if (args?.type !== 'argument_list') return undefined;
      const fn = field(args.parent!, 'function')?.text;
      if (fn !== 'map' && fn !== 'filter') return undefined;
      const list = named(args);
      return { node: args.parent!, kind: 'callback', label: `${fn}(…)`, variable: pyTargetName(named(field(n, 'parameters'))[0]), iterable: list[1], body: n, shape: 'collection' };
    }
  }
  return undefined;
}

function pyAdapter(): LanguageAdapter {
  return {
    lang: 'python',
    callTypes: new Set(['call']),
    chainOf: (n) => (pyIsOutermost(n) ? buildChain(n, pyCallParts, pyMember, /^(self|cls)$/) : undefined),
    loopOf: pyLoopOf,
    isFunction: (n) => n.type === 'function_definition' || n.type === 'lambda',
    functionDef: (n) => (n.type === 'function_definition' && field(n, 'name') ? { name: field(n, 'name')!.text, node: n } : undefined),
    localCallee: (n) => {
      if (n.type !== 'call') return undefined;
      const fn = field(n, 'function');
      if (fn?.type === 'identifier') return fn.text;
      if (fn?.type === 'attribute' && /^(self|cls)$/.test(field(fn, 'object')?.text ?? '')) return field(fn, 'attribute')?.text;
      return undefined;
    },
    exitTypes: new Set(['return_statement', 'break_statement', 'raise_statement']),
    stringTypes: new Set(['string', 'concatenated_string']),
    arrayTypes: new Set(['list', 'tuple']),
    commentTypes: new Set(['comment']),
  };
}

// ---------------------------------------------------------------------------------------------
// Go

function goCallParts(n: Node): CallShape | undefined {
  if (n.type !== 'call_expression') return undefined;
  const fn = field(n, 'function');
  const args = field(n, 'arguments');
  if (!fn) return undefined;
  if (fn.type === 'selector_expression') return { receiver: field(fn, 'operand'), name: field(fn, 'field'), args };
  if (fn.type === 'identifier') return { name: fn, args };
  return { receiver: fn, args };
}

function goMember(n: Node): { object: Node; name?: string } | undefined {
  if (n.type === 'selector_expression') {
    const o = field(n, 'operand');
    return o ? { object: o, name: field(n, 'field')?.text } : undefined;
  }
  if (n.type === 'index_expression') {
    const o = field(n, 'operand');
    return o ? { object: o } : undefined;
  }
  return undefined;
}

function goIsOutermost(n: Node): boolean {
  const p = n.parent;
  if (p?.type === 'selector_expression' && same(field(p, 'operand'), n)) return p.parent?.type !== 'call_expression';
  return true;
}

function goLoopOf(n: Node, child: Node): LoopInfo | undefined {
  if (n.type !== 'for_statement') return undefined;
  const body = field(n, 'body');
  if (!body || !same(body, child)) return undefined;
  const clause = named(n).find((c) => c.type !== 'block' && c.type !== 'comment');
  if (!clause) return { node: n, kind: 'for', label: 'for', body, shape: 'condition' };
  if (clause.type === 'range_clause') {
    const left = named(field(clause, 'left'));
    const right = field(clause, 'right');
    // for _, u := range users → u; for i := range 10 → counter
    const v = left.length > 1 ? left[1].text : left[0]?.text;
    const isInt = right?.type === 'int_literal';
    return { node: n, kind: 'range', label: 'for … range', variable: v === '_' ? undefined : v, iterable: right, body, shape: isInt ? 'counter' : 'collection', count: isInt ? Number(right!.text) : undefined };
  }
  if (clause.type === 'for_clause') {
    const init = field(clause, 'initializer');
    const v = init ? named(field(init, 'left'))[0]?.text : undefined;
    const cond = field(clause, 'condition');
    let iterable: Node | undefined;
    const m = cond ? /<=?\s*len\((\w[\w.]*)\)/.exec(cond.text) : null;
    if (m && cond) iterable = cond.descendantsOfType(['identifier', 'selector_expression']).find((x) => x?.text === m[1]) ?? undefined;
    const lit = cond ? /<\s*(\d+)$/.exec(cond.text.trim()) : null;
    return { node: n, kind: 'for', label: 'for', variable: v, iterable, body, shape: 'counter', count: lit ? Number(lit[1]) : undefined };
  }
  // for rows.Next() { … } iterates the rows of one result.
  if (/\.(Next|NextResultSet)\(\)$/.test(clause.text)) {
    const rows = clause.text.replace(/\.(Next|NextResultSet)\(\)$/, '');
    return { node: n, kind: 'result-set', label: `for ${clause.text}`, variable: rows, body, shape: 'collection' };
  }
  return { node: n, kind: 'for', label: 'for', body, shape: 'condition' };
}

function goAdapter(): LanguageAdapter {
  return {
    lang: 'go',
    callTypes: new Set(['call_expression']),
    chainOf: (n) => (goIsOutermost(n) ? buildChain(n, goCallParts, goMember, /^$/) : undefined),
    loopOf: goLoopOf,
    isFunction: (n) => n.type === 'function_declaration' || n.type === 'method_declaration' || n.type === 'func_literal',
    functionDef: (n) => ((n.type === 'function_declaration' || n.type === 'method_declaration') && field(n, 'name') ? { name: field(n, 'name')!.text, node: n } : undefined),
    localCallee: (n) => {
      if (n.type !== 'call_expression') return undefined;
      const fn = field(n, 'function');
      if (fn?.type === 'identifier') return fn.text;
      if (fn?.type === 'selector_expression' && field(fn, 'operand')?.type === 'identifier') return '.' + field(fn, 'field')?.text;
      return undefined;
    },
    exitTypes: new Set(['return_statement', 'break_statement']),
    stringTypes: new Set(['interpreted_string_literal', 'raw_string_literal']),
    arrayTypes: new Set(['composite_literal']),
    commentTypes: new Set(['comment']),
  };
}

// ---------------------------------------------------------------------------------------------
// Java

const JAVA_STREAM_METHODS = new Set(['forEach', 'forEachOrdered', 'map', 'flatMap', 'filter', 'peek', 'anyMatch', 'allMatch', 'noneMatch', 'mapToObj', 'mapToInt', 'mapToLong', 'collect']);

function javaCallParts(n: Node): CallShape | undefined {
  if (n.type !== 'method_invocation') return undefined;
  return { receiver: field(n, 'object'), name: field(n, 'name'), args: field(n, 'arguments') };
}

function javaMember(n: Node): { object: Node; name?: string } | undefined {
  if (n.type === 'field_access') {
    const o = field(n, 'object');
    return o ? { object: o, name: field(n, 'field')?.text } : undefined;
  }
  return undefined;
}

function javaLoopOf(n: Node, child: Node): LoopInfo | undefined {
  switch (n.type) {
    case 'enhanced_for_statement': {
      const body = field(n, 'body');
      if (!body || !same(body, child)) return undefined;
      return { node: n, kind: 'for…of', label: 'for (… : …)', variable: field(n, 'name')?.text, iterable: field(n, 'value'), body, shape: 'collection' };
    }
    case 'for_statement': {
      const body = field(n, 'body');
      if (!body || !same(body, child)) return undefined;
      const init = field(n, 'init');
      const v = init ? field(field(init, 'declarator') ?? init, 'name')?.text : undefined;
      const cond = field(n, 'condition');
      const m = cond ? /<=?\s*([\w.]+)\.(size|length)\b/.exec(cond.text) : null;
      const iterable = m && cond ? (cond.descendantsOfType(['identifier', 'field_access']).find((x) => x?.text === m[1]) ?? undefined) : undefined;
      const lit = cond ? /<\s*(\d+)$/.exec(cond.text.trim()) : null;
      return { node: n, kind: 'for', label: 'for', variable: v, iterable, body, shape: 'counter', count: lit ? Number(lit[1]) : undefined };
    }
    case 'while_statement':
    case 'do_statement': {
      const body = field(n, 'body');
      if (!body || !same(body, child)) return undefined;
      const cond = field(n, 'condition');
      // while (rs.next()) iterates the rows of one result set.
      const rs = cond && /^\(?\s*(\w+)\.next\(\)\s*\)?$/.exec(cond.text);
      if (rs) return { node: n, kind: 'result-set', label: `while (${rs[1]}.next())`, variable: rs[1], body, shape: 'collection' };
      return { node: n, kind: n.type === 'do_statement' ? 'do…while' : 'while', label: 'while', body, shape: 'condition' };
    }
    case 'lambda_expression': {
      const args = n.parent;
      if (args?.type !== 'argument_list') return undefined;
      const call = args.parent;
      if (call?.type !== 'method_invocation') return undefined;
      const method = field(call, 'name')?.text;
      if (!method || !JAVA_STREAM_METHODS.has(method)) return undefined;
      let recv = field(call, 'object');
      while (recv?.type === 'method_invocation' && JAVA_STREAM_METHODS.has(field(recv, 'name')?.text ?? '') === false && /^(stream|parallelStream|filter|distinct|sorted)$/.test(field(recv, 'name')?.text ?? '')) recv = field(recv, 'object');
      const params = field(n, 'parameters');
      const variable = params?.type === 'identifier' ? params.text : named(params)[0]?.text.split(/\s+/).pop();
      return { node: call, kind: 'stream', label: `${recv ? shortText(recv) + '.' : ''}${method}(…)`, variable, iterable: recv, body: field(n, 'body') ?? n, shape: 'collection' };
    }
  }
  return undefined;
}

function javaAdapter(): LanguageAdapter {
  return {
    lang: 'java',
    callTypes: new Set(['method_invocation']),
    chainOf: (n) => {
      const p = n.parent;
      if (p?.type === 'method_invocation' && same(field(p, 'object'), n)) return undefined;
      return buildChain(n, javaCallParts, javaMember, /^(this|super)$/);
    },
    loopOf: javaLoopOf,
    isFunction: (n) => n.type === 'method_declaration' || n.type === 'constructor_declaration' || n.type === 'lambda_expression',
    functionDef: (n) => (n.type === 'method_declaration' && field(n, 'name') ? { name: field(n, 'name')!.text, node: n } : undefined),
    localCallee: (n) => {
      if (n.type !== 'method_invocation') return undefined;
      const o = field(n, 'object');
      if (!o || o.type === 'this') return field(n, 'name')?.text;
      return undefined;
    },
    exitTypes: new Set(['return_statement', 'break_statement', 'throw_statement']),
    stringTypes: new Set(['string_literal', 'text_block']),
    arrayTypes: new Set(['array_initializer']),
    commentTypes: new Set(['line_comment', 'block_comment']),
  };
}

// ---------------------------------------------------------------------------------------------
// Ruby

const RUBY_LOOP_METHODS = new Set(['each', 'map', 'collect', 'flat_map', 'each_with_index', 'each_with_object', 'find_each', 'select', 'filter', 'reject', 'filter_map', 'sum', 'group_by', 'sort_by', 'any?', 'all?', 'none?', 'index_by', 'each_slice', 'in_groups_of', 'find_in_batches', 'in_batches', 'times', 'upto', 'downto', 'each_cons', 'map!', 'find', 'detect', 'to_h']);
const RUBY_CHUNKED = new Set(['each_slice', 'in_groups_of', 'find_in_batches', 'in_batches']);

function rubyCallParts(n: Node): CallShape | undefined {
  if (n.type !== 'call') return undefined;
  return { receiver: field(n, 'receiver'), name: field(n, 'method'), args: field(n, 'arguments'), block: field(n, 'block') };
}

function rubyLoopOf(n: Node, child: Node): LoopInfo | undefined {
  if (n.type === 'block' || n.type === 'do_block') {
    const call = n.parent;
    if (call?.type !== 'call' || !same(field(call, 'block'), n)) return undefined;
    const method = field(call, 'method')?.text;
    if (!method || !RUBY_LOOP_METHODS.has(method)) return undefined;
    const params = named(field(n, 'parameters'));
    const recv = field(call, 'receiver');
    let count: number | undefined;
    if (method === 'times' && recv?.type === 'integer') count = Number(recv.text);
    const isCounter = method === 'times' || method === 'upto' || method === 'downto';
    const first = params[0]?.type === 'destructured_parameter' ? named(params[0])[0] : params[0];
    return {
      node: call, kind: 'block', label: `${recv ? shortText(recv) + '.' : ''}${method}`, variable: first?.text, iterable: recv,
      body: field(n, 'body') ?? n, shape: isCounter ? 'counter' : 'collection', chunked: RUBY_CHUNKED.has(method), count,
    };
  }
  if (n.type === 'for') {
    const body = field(n, 'body');
    if (!body || !same(body, child)) return undefined;
    const value = field(n, 'value');
    return { node: n, kind: 'for', label: 'for … in', variable: field(n, 'pattern')?.text, iterable: value ? named(value)[0] : undefined, body, shape: 'collection' };
  }
  if (n.type === 'while' || n.type === 'until') {
    const body = field(n, 'body');
    if (!body || !same(body, child)) return undefined;
    return { node: n, kind: 'while', label: n.type, body, shape: 'condition' };
  }
  return undefined;
}

function rubyAdapter(): LanguageAdapter {
  return {
    lang: 'ruby',
    callTypes: new Set(['call']),
    chainOf: (n) => {
      const p = n.parent;
      if (p?.type === 'call' && same(field(p, 'receiver'), n)) return undefined;
      return buildChain(n, rubyCallParts, () => undefined, /^(self)$/);
    },
    loopOf: rubyLoopOf,
    isFunction: (n) => n.type === 'method' || n.type === 'singleton_method' || n.type === 'lambda',
    functionDef: (n) => ((n.type === 'method' || n.type === 'singleton_method') && field(n, 'name') ? { name: field(n, 'name')!.text, node: n } : undefined),
    localCallee: (n) => {
      if (n.type === 'call' && (!field(n, 'receiver') || field(n, 'receiver')?.type === 'self')) return field(n, 'method')?.text;
      return undefined;
    },
    exitTypes: new Set(['return', 'break', 'next_never']),
    stringTypes: new Set(['string', 'heredoc_body']),
    arrayTypes: new Set(['array']),
    commentTypes: new Set(['comment']),
  };
}

const adapters = new Map<SourceLanguage, LanguageAdapter>();

export function adapterFor(lang: SourceLanguage): LanguageAdapter {
  let a = adapters.get(lang);
  if (!a) {
    switch (lang) {
      case 'typescript':
      case 'tsx':
      case 'javascript':
        a = jsAdapter(lang);
        break;
      case 'python':
        a = pyAdapter();
        break;
      case 'go':
        a = goAdapter();
        break;
      case 'java':
        a = javaAdapter();
        break;
      case 'ruby':
        a = rubyAdapter();
        break;
    }
    adapters.set(lang, a);
  }
  return a;
}

/** Ruby bare identifiers are method calls too (`post.author` is a call without arguments). */
export function isRubyBareCall(n: Node): boolean {
  return n.type === 'call' && !field(n, 'arguments') && !field(n, 'block');
}
