/**
 * A small, language-neutral view of the tree-sitter trees the N+1 detector needs: call chains
 * (`prisma.user.findUnique(…)`, `db.Where(…).First(…)`, `User.objects.get(…)`), loops and
 * per-item callbacks, and function definitions. One adapter per grammar, in
 * src/core/languages/<lang>/nplusone.ts; the detector itself
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
  | 'comprehension' | 'asyncio.gather' | 'range' | 'stream' | 'block' | 'result-set' | 'serializer' | 'resolver';

export interface LoopInfo {
  node: Node;
  kind: LoopKind;
  /** Human label: `for…of`, `users.map(…)`, `ids.each`, … */
  label: string;
  /** The per-item variable, when there is one. */
  variable?: string;
  /** The key the loop binds beside its variable (Go's `k` of `for k, v := range m`): it changes per item too. */
  key?: string;
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
  /**
   * What the loop counts to, as written: a counter's bound (`n` of `i < n`, `range(n)`, `n.times`, `1.upto(n)`) or the
   * end of a range it walks (Ruby `(0...n).each`, Java `IntStream.range(0, n)`). Read by the recording (which query
   * gave the number a loop runs to: core/nplusone/loopAt).
   */
  bound?: Node;
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
  /** Node types of function definitions and literals, which end the upward walk (callbacks are handled by loopOf first). */
  functionTypes: ReadonlySet<string>;
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
  /**
   * A loop that receives messages (Go `for job := range jobs` over a channel): its body runs per message, not per item
   * of a collection, so a call in it is not once per iteration of a loop further out (a worker pool's counter).
   */
  consumerLoop?(node: Node): boolean;
  /**
   * `node` starts concurrent work that outlives the statement: a goroutine (Go `go f(i)`, `go func() { … }()`, or a
   * function literal handed to `wg.Go` / an errgroup's `Go`). `child` is its child on the path to a call.
   */
  startsGoroutine?(node: Node, child: Node): boolean;
  /**
   * `node` opens a database transaction around the code in it (Ruby `X.db.transaction do … end`, `record.with_lock do`;
   * Python `with transaction.atomic():`, `async with session.begin():`): the opening call as written, else undefined.
   */
  transactionBlock?(node: Node): string | undefined;
  /**
   * The names a call fills with the result of the call it is chained on, instead of an assignment (Go
   * `db.QueryRow(…).Scan(&n, &total)`: `n`, `total`); undefined when `call` is not such a call.
   */
  readsInto?(call: Node): string[] | undefined;
  /**
   * Methods whose result is one row (or one value) of a query's result, called on it or as the query itself
   * (`.fetchone()`, `.first`, Go `QueryRow`, Java `queryForObject`): the recording's "the code keeps one row".
   */
  oneRowMethods?: ReadonlySet<string>;
}

/**
 * The node types that bind names to a value, by the fields of the names and of the value (JS/Java `variable_declarator`,
 * Python/Ruby `assignment`, Go `short_var_declaration`…): the N+1 detector's bindings and the recording's loop reading.
 */
export const ASSIGN_TYPES: Readonly<Record<string, [string, string]>> = {
  variable_declarator: ['name', 'value'],
  assignment_expression: ['left', 'right'],
  assignment: ['left', 'right'],
  short_var_declaration: ['left', 'right'],
  var_spec: ['name', 'value'],
};

/**
 * A counter's bound in a loop condition (`i < n`, `i <= n`, `n > i`) on the loop's variable: the other side, else
 * undefined. The grammars of JS/TS, Java and Go spell it `binary_expression` with `left` and `right`.
 */
export function counterBound(cond: Node | undefined, variable: string | undefined): Node | undefined {
  if (!cond || !variable) return undefined;
  while (cond.type === 'parenthesized_expression' && named(cond).length === 1) cond = named(cond)[0];
  if (cond.type !== 'binary_expression') return undefined;
  const left = field(cond, 'left');
  const right = field(cond, 'right');
  if (!left || !right) return undefined;
  const op = cond.text.slice(left.endIndex - cond.startIndex, right.startIndex - cond.startIndex).trim();
  if ((op === '<' || op === '<=') && left.text === variable) return right;
  if ((op === '>' || op === '>=') && right.text === variable) return left;
  return undefined;
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

/** Is `n` what its parent, a `parentType` node, reaches through `fieldName` (`a` of `a.b`, the receiver of `a.b()`)? */
export function isFieldOfParent(n: Node, parentType: string, fieldName: string): boolean {
  const p = n.parent;
  return p?.type === parentType && same(field(p, fieldName), n);
}

/** The text of a string literal without quotes (best effort; interpolations kept as written). */
export function stringValue(n: Node): string {
  const t = n.text;
  if (n.type === 'template_string') return t.slice(1, -1);
  const m = /^[a-zA-Z]*("""|'''|"|'|`)([\s\S]*)\1$/.exec(t);
  return m ? m[2] : t.replace(/^["'`]|["'`]$/g, '');
}

/** A loop's body (its `body` field) when `child` is that body, the way down from a call inside it. */
export function loopBody(loop: Node, child: Node): Node | undefined {
  const body = field(loop, 'body');
  return body && same(body, child) ? body : undefined;
}

export const UNWRAP = new Set(['parenthesized_expression', 'non_null_expression', 'as_expression', 'satisfies_expression', 'type_assertion']);

// ---------------------------------------------------------------------------------------------
// Chains: generic over "call" and "member" node shapes.

export interface CallShape {
  receiver?: Node;
  name?: Node;
  args?: Node;
  block?: Node;
}

/**
 * How a grammar spells member access: `object.name` (node type and its two fields) and, where it has
 * one, `object[index]` (node type and the field of its object). One table per language serves both
 * its call parts and its member parts.
 */
export interface MemberSyntax {
  access: string;
  object: string;
  name: string;
  index?: string;
  indexObject?: string;
}

/** `object.name` or `object[…]` under `s`: the object, and the name when it is a name. */
export function memberParts(n: Node, s: MemberSyntax): { object: Node; name?: string } | undefined {
  if (n.type === s.access) {
    const o = field(n, s.object);
    return o ? { object: o, name: field(n, s.name)?.text } : undefined;
  }
  if (s.index && n.type === s.index) {
    const o = field(n, s.indexObject ?? s.object);
    return o ? { object: o } : undefined;
  }
  return undefined;
}

/** The parts of a call whose function is `fn`: a method (`receiver.name`), a bare name, or anything else called. */
export function calleeParts(fn: Node, args: Node | undefined, s: MemberSyntax): CallShape {
  if (fn.type === s.access) return { receiver: field(fn, s.object), name: field(fn, s.name), args };
  if (fn.type === 'identifier') return { name: fn, args };
  return { receiver: fn, args };
}

export function buildChain(
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

export function shortText(n: Node, max = 40): string {
  const t = n.text.replace(/\s+/g, ' ');
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}
