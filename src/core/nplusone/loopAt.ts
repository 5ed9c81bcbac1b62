/**
 * What the syntax tree says at one point of a source file, through the language registry's adapters
 * (core/languages/<lang>/nplusone.ts): the call there and the names its result is bound to, and the loop around it —
 * what it iterates, or what it counts to. The loop is the adapters' LoopInfo, the one the N+1 detector (detect.ts)
 * walks; the recording (core/record/loopRows) asks here which query a loop's rows come from. Plain data out: the
 * tree is freed by its owner once this returns.
 */
import { ASSIGN_TYPES, contains, field, named, type LanguageAdapter, type LoopInfo, type Node } from './syntax';
import { adapterFor } from '../languages/index';
import type { SourceLanguage } from '../syntax/treeSitter';

/** Offsets in the file's text. */
export interface Span {
  start: number;
  end: number;
}

/** The loop around a point, within the function the point is in (a per-item callback is a loop: `items.map(…)`). */
interface LoopAt {
  span: Span;
  /** The function the loop is in; undefined at a file's top level. */
  fn?: Span;
  /** A counter (`for (let i = 0; i < n; i++)`, `range(n)`, `n.times`): its rows are no collection's. */
  counter: boolean;
  /** What it iterates (a result set's loop: its condition, `rows.Next()`), and the names it reads (`products` of `products.rows`). */
  iterable?: Span & { names: string[] };
  /** What it counts to (LoopInfo.bound) and the names it reads. */
  bound?: Span & { text: string; names: string[] };
  /**
   * The file's own functions whose result the loop walks: called in its iterable, or in the value bound to the
   * iterable's name before the loop (`const orders = await recentOrders(db, limit)`).
   */
  feeds: string[];
}

/** The call at a point. */
interface CallAt {
  span: Span;
  /** The names its result is bound to (`const { rows: users } = await db.query(…)`: users); undefined: not bound to names. */
  names?: string[];
  /** The code keeps one row or one value of its result (`.rows[0]`, `.fetchone()`, `.first`, Go `QueryRow`). */
  oneRow: boolean;
  /** The innermost function around the call, and the name of the innermost named function around it. */
  fn?: Span & { name?: string };
}

export interface SyntaxAt {
  call?: CallAt;
  loop?: LoopAt;
}

/** The call at `offset` of a parsed file and the loop around it (language folder of `lang`, core/languages). */
export function syntaxAt(root: Node, lang: SourceLanguage, offset: number): SyntaxAt {
  const a = adapterFor(lang);
  const node = root.descendantForIndex(offset);
  if (!node) return {};
  let call: Node | null = node;
  while (call && !a.callTypes.has(call.type)) call = call.parent;
  const loop = loopAround(call ?? node, a);
  return { ...(call ? { call: callAt(call, a) } : {}), ...(loop ? { loop } : {}) };
}

const spanOf = (n: Node): Span => ({ start: n.startIndex, end: n.endIndex });

function innermostFunction(n: Node, a: LanguageAdapter): Node | undefined {
  for (let p = n.parent; p; p = p.parent) if (a.functionTypes.has(p.type)) return p;
  return undefined;
}

/** The name a call calls (`query` of `db.query(…)`, `QueryRow`, `first` of `x.first`). */
function calleeName(call: Node): string | undefined {
  const fn = field(call, 'function');
  const member = fn ? field(fn, 'property') ?? field(fn, 'attribute') ?? field(fn, 'field') ?? (fn.type === 'identifier' ? fn : undefined) : undefined;
  return (member ?? field(call, 'method') ?? field(call, 'name'))?.text;
}

/** The call's receiver is `n` (`n.first()`, `n.Scan(…)`, `n.fetchone()`). */
function calledOn(call: Node, n: Node): boolean {
  const fn = field(call, 'function');
  const recv = fn ? field(fn, 'object') ?? field(fn, 'operand') : field(call, 'receiver') ?? field(call, 'object');
  return !!recv && recv.startIndex === n.startIndex && recv.endIndex === n.endIndex;
}

/** `n[0]`: the first element of `of`. */
function firstElement(n: Node, of: Node): boolean {
  if (!/^(subscript_expression|subscript|element_reference|index_expression|array_access)$/.test(n.type)) return false;
  const parts = named(n);
  return parts.length === 2 && parts[0].startIndex === of.startIndex && parts[0].endIndex === of.endIndex && parts[1].text === '0';
}

/** Where a call's value stops being carried: a statement, a block, a return (an argument list is passed: `Number(…)`, `list(…)`). */
const STOPS = /statement|^block$|^block_body$|^body_statement$|^program$|^module$|^source_file$|^do$|^then$|^else$|^return$|^yield$|clause$/;

/** The names a value flows into from the call (through `await`, `.rows[0]`, `.fetchall()`, a conversion), and whether it keeps one row. */
function callAt(call: Node, a: LanguageAdapter): CallAt {
  let oneRow = a.oneRowMethods?.has(calleeName(call) ?? '') ?? false;
  const fnNode = innermostFunction(call, a);
  let name: string | undefined;
  for (let p = call.parent; p && !name; p = p.parent) {
    const def = a.functionDef(p);
    if (def && contains(def.node, call)) name = def.name;
  }
  const fn = fnNode ? { ...spanOf(fnNode), ...(name ? { name } : {}) } : undefined;
  const out = (names?: string[]): CallAt => ({ span: spanOf(call), ...(names ? { names } : {}), oneRow, ...(fn ? { fn } : {}) });
  let cur: Node = call;
  let prev: Node = call;
  for (let p = call.parent; p; prev = cur, cur = p, p = p.parent) {
    // Inside a function literal (`const max = async (t) => (await pool.query(…)).rows[0]`): its result is the function's return.
    if (a.functionTypes.has(p.type)) return out();
    // A method called on the value (`x.first()`; JS, Python and Go through their member node, `x.Scan(&n)`).
    if (a.callTypes.has(p.type) && (calledOn(p, cur) || calledOn(p, prev))) {
      const into = a.readsInto?.(p);
      if (into) return out(into);
      if (a.oneRowMethods?.has(calleeName(p) ?? '')) oneRow = true;
    }
    if (firstElement(p, cur)) oneRow = true;
    const assign = ASSIGN_TYPES[p.type];
    if (assign) {
      const value = field(p, assign[1]);
      if (!value || !contains(value, cur)) return out();
      const left = field(p, assign[0]);
      return out(left ? rootNames(left) : []);
    }
    if (STOPS.test(p.type)) return out();
  }
  return out();
}

/** The names an expression or a binding pattern reads or binds: identifiers, not the member names after a dot, not an object pattern's keys. */
function rootNames(n: Node): string[] {
  const ids = n.type === 'identifier' ? [n] : n.descendantsOfType(['identifier', 'shorthand_property_identifier_pattern', 'instance_variable']).filter((x): x is Node => !!x);
  const out = new Set<string>();
  for (const id of ids) {
    const p = id.parent;
    if (p && /^(attribute|field_access|call|member_expression|selector_expression|method_invocation|pair_pattern)$/.test(p.type)) {
      const side = field(p, 'attribute') ?? field(p, 'field') ?? field(p, 'method') ?? field(p, 'property') ?? field(p, 'name') ?? field(p, 'key');
      if (side && side.startIndex === id.startIndex && side.endIndex === id.endIndex) continue;
    }
    out.add(id.text.replace(/^@/, ''));
  }
  return [...out];
}

/** The innermost loop around `node` that walks items or counts to a bound, within its function; `while` loops are passed. */
function loopAround(node: Node, a: LanguageAdapter): LoopAt | undefined {
  let child = node;
  for (let cur = node.parent; cur; child = cur, cur = cur.parent) {
    const li = a.loopOf(cur, child);
    if (li && li.shape !== 'condition' && (li.shape !== 'counter' || li.bound || li.iterable)) return loopOf(li, a);
    if (!li && a.functionTypes.has(cur.type)) return undefined;
  }
  return undefined;
}

function loopOf(li: LoopInfo, a: LanguageAdapter): LoopAt {
  const fn = innermostFunction(li.node, a);
  // A result set's loop (`for rows.Next()`, `while (rs.next())`): what it iterates is in its condition.
  const walked = li.iterable ?? (li.kind === 'result-set' ? field(li.node, 'condition') ?? named(li.node).find((c) => c.type !== 'block' && c.type !== 'comment' && c.startIndex < li.body.startIndex) : undefined);
  const iterable = walked ? { ...spanOf(walked), names: rootNames(walked) } : undefined;
  const bound = li.bound ? { ...spanOf(li.bound), text: li.bound.text, names: rootNames(li.bound) } : undefined;
  const feeds = new Set<string>();
  const callsIn = (n: Node) => [...(a.callTypes.has(n.type) ? [n] : []), ...n.descendantsOfType([...a.callTypes]).filter((x): x is Node => !!x)];
  const local = (n: Node) => {
    for (const c of callsIn(n)) {
      const callee = a.localCallee(c);
      if (callee) feeds.add(callee.replace(/^\./, ''));
    }
  };
  if (walked) {
    local(walked);
    // The value last bound to the iterable's names before the loop, in the loop's function.
    let scope: Node = li.node;
    if (fn) scope = fn;
    else while (scope.parent) scope = scope.parent;
    let last: Node | undefined;
    for (const b of scope.descendantsOfType(Object.keys(ASSIGN_TYPES))) {
      if (!b || b.endIndex > li.node.startIndex) continue;
      const left = field(b, ASSIGN_TYPES[b.type][0]);
      if (left && rootNames(left).some((x) => iterable!.names.includes(x)) && (!last || b.startIndex > last.startIndex)) last = b;
    }
    const value = last ? field(last, ASSIGN_TYPES[last.type][1]) : undefined;
    if (value) local(value);
  }
  return { span: spanOf(li.node), ...(fn ? { fn: spanOf(fn) } : {}), counter: li.shape === 'counter', ...(iterable ? { iterable } : {}), ...(bound ? { bound } : {}), feeds: [...feeds] };
}
