/**
 * Go: what a call names, for the N+1 detector's cross-file pass (nplusone/crossFile.ts). Go says it
 * in the syntax: `validate.ASCII(…)` is the function `ASCII` of the imported package `validate`,
 * `s.usr.UserExists(…)` the method `UserExists` of the type of the field `usr` of `s`'s type,
 * `ASCII(…)` a function of the calling file's own package. A call is resolved by package and
 * receiver type, never by its bare name across packages (a `Parse` of the app is not `uuid.Parse`).
 * What the syntax of one file cannot say (a field's type declared in another file, a function's
 * result type) is written down here and looked up by the cross-file pass.
 */
import { field, named, type Node } from '../../nplusone/syntax';

/** A named type: `Store` of the file's own package, or `user.Store` (pkg: the import path). */
export interface GoTypeRef {
  name: string;
  pkg?: string;
}

/**
 * The value a method is called on: a typed name (or a call's result), then fields and method calls
 * (`s.usr` → fields ['usr']; `m.dep.FileClient()` → ['dep', 'FileClient()']).
 */
export interface GoRecv {
  type?: GoTypeRef;
  /** The result of a function of a package (`gadb.New(tx)` → fn New, pkg …/gadb). */
  result?: { fn: string; pkg?: string };
  fields: string[];
}

/** One call as Go names it. */
export interface GoCallRef {
  name: string;
  /** `F(…)` (the own package), `pkg.F(…)` (an imported package), `x.M(…)` (a method of a value). */
  via: 'bare' | 'pkg' | 'value';
  /** The import path (`via: 'pkg'`). */
  pkg?: string;
  /** The receiver (`via: 'value'`), when its type can be named. */
  recv?: GoRecv;
  /** The receiver as written, for messages. */
  recvText?: string;
  /**
   * The named types of the arguments written as struct literals (`&cmd.AddVote{…}`, or a name bound to one): a
   * message a bus hands to the handler registered for its type (`bus.Dispatch(ctx, &cmd.AddVote{…})`).
   */
  msgs?: GoTypeRef[];
}

export interface GoTypeInfo {
  fields?: Record<string, GoTypeRef>;
  /** Declared as an interface: a call on it may be any implementation. */
  iface?: boolean;
  /** An interface's own methods (not those of interfaces it embeds): its implementations define each of them. */
  methods?: string[];
  /** A type defined from another (`type Alert App`): its fields are that type's. */
  of?: GoTypeRef;
  /** A named slice or array (`type Sites []Site`): the type of its elements. */
  elem?: GoTypeRef;
}

/** What one Go file declares and imports, for resolving calls of other files. */
export interface GoFileFacts {
  /** Local name → import path. */
  imports: Record<string, string>;
  types: Record<string, GoTypeInfo>;
  /** Package function → the named type it returns first (`func New(db DBTX) *Queries`); a method as `Type.Method` (interfaces' methods too). */
  results: Record<string, GoTypeRef>;
  /** Package functions whose last parameter is a pointer to a named type (`func addVote(ctx, c *cmd.AddVote) error`): the type. */
  msgParams?: Record<string, GoTypeRef>;
  /** Names passed as a value to a call (`bus.AddHandler(addVote)`): functions registered as handlers. */
  valueArgs?: string[];
  /** Functions and methods (`Type.Method`) whose last parameter takes any value (`msgs ...Msg` with `type Msg any`, `m interface{}`): a bus's dispatch. */
  anyParams?: string[];
}

function unquote(s: string): string {
  return s.replace(/^["`]|["`]$/g, '');
}

/** The local name of an import path: its last element, without a `go-` prefix or a `.v2`/`v2` version. */
function importName(path: string): string {
  const parts = path.split('/');
  let last = parts[parts.length - 1];
  if (/^v\d+$/.test(last) && parts.length > 1) last = parts[parts.length - 2];
  return last.replace(/^go-/, '').replace(/[.-]v\d+$/, '').replace(/[.-]go$/, '').replace(/[^A-Za-z0-9_]/g, '');
}

export function goFileFacts(root: Node): GoFileFacts {
  const imports: Record<string, string> = {};
  for (const spec of root.descendantsOfType('import_spec')) {
    if (!spec) continue;
    const path = field(spec, 'path');
    if (!path) continue;
    const p = unquote(path.text);
    const alias = field(spec, 'name')?.text;
    if (alias === '_' || alias === '.') continue;
    imports[alias ?? importName(p)] = p;
  }
  const facts: GoFileFacts = { imports, types: {}, results: {} };
  for (const spec of root.descendantsOfType('type_spec')) {
    const name = spec && field(spec, 'name')?.text;
    const t = spec && field(spec, 'type');
    if (!name || !t) continue;
    if (t.type === 'interface_type') {
      const methods: string[] = [];
      for (const m of t.descendantsOfType('method_elem')) {
        const mn = m && field(m, 'name')?.text;
        if (mn) methods.push(mn);
        const r = m && resultType(field(m, 'result'), imports);
        if (mn && r) facts.results[`${name}.${mn}`] = r;
      }
      facts.types[name] = { iface: true, ...(methods.length ? { methods } : {}) };
    }
    else if (t.type === 'struct_type') {
      const fields: Record<string, GoTypeRef> = {};
      for (const fd of t.descendantsOfType('field_declaration')) {
        if (!fd) continue;
        const ft = typeRef(field(fd, 'type'), imports);
        if (!ft) continue;
        const names = named(fd).filter((c) => c.type === 'field_identifier');
        // An embedded field is named by its type.
        if (!names.length) fields[ft.name] = ft;
        for (const n of names) fields[n.text] = ft;
      }
      facts.types[name] = { fields };
    } else if (t.type === 'slice_type' || t.type === 'array_type') {
      const elem = typeRef(field(t, 'element'), imports);
      if (elem) facts.types[name] = { elem };
    } else {
      const of = typeRef(t, imports);
      if (of) facts.types[name] = { of };
    }
  }
  // Types declared as any value (`type Msg any`, `type Msg interface{}`).
  const anyTypes = new Set(['any']);
  for (const spec of root.descendantsOfType('type_spec')) {
    const name = spec && field(spec, 'name')?.text;
    const t = spec && field(spec, 'type');
    if (name && t && (t.text === 'any' || /^interface\s*\{\s*\}$/.test(t.text))) anyTypes.add(name);
  }
  for (const fn of root.descendantsOfType(['function_declaration', 'method_declaration'])) {
    const name = fn && field(fn, 'name')?.text;
    if (!name) continue;
    const last = named(field(fn, 'parameters')).pop();
    const pt = last && field(last, 'type');
    if (fn.type === 'function_declaration') {
      const m = pt?.type === 'pointer_type' ? typeRef(pt, imports) : undefined;
      if (m) (facts.msgParams ??= {})[name] = m;
    }
    if (pt && (anyTypes.has(pt.text) || /^interface\s*\{\s*\}$/.test(pt.text))) {
      const recv = goReceiverType(fn);
      (facts.anyParams ??= []).push(recv ? `${recv}.${name}` : name);
    }
    const t = resultType(field(fn, 'result'), imports);
    if (!t) continue;
    const recv = goReceiverType(fn);
    facts.results[recv ? `${recv}.${name}` : name] = t;
  }
  const values = new Set<string>();
  for (const args of root.descendantsOfType('argument_list')) for (const a of named(args)) if (a.type === 'identifier') values.add(a.text);
  if (values.size) facts.valueArgs = [...values];
  return facts;
}

/** The named type a function returns first (`*Queries`, `(FileClient, error)`). */
function resultType(res: Node | null | undefined, imports: Record<string, string>): GoTypeRef | undefined {
  if (!res) return undefined;
  return typeRef(res.type === 'parameter_list' ? field(named(res)[0] ?? res, 'type') : res, imports);
}

/** `*user.Store`, `Store`, `List[T]` → the named type; slices, maps, funcs → undefined. */
function typeRef(t: Node | null | undefined, imports: Record<string, string>): GoTypeRef | undefined {
  if (!t) return undefined;
  if (t.type === 'pointer_type' || t.type === 'parenthesized_type') return typeRef(named(t)[0], imports);
  if (t.type === 'generic_type') return typeRef(field(t, 'type'), imports);
  if (t.type === 'type_identifier') return { name: t.text };
  if (t.type === 'qualified_type') {
    const pkg = field(t, 'package')?.text;
    const name = field(t, 'name')?.text;
    if (!pkg || !name) return undefined;
    return imports[pkg] ? { name, pkg: imports[pkg] } : undefined;
  }
  return undefined;
}

/** The receiver type of a method declaration (`func (s *Store) X()` → Store). */
export function goReceiverType(def: Node): string | undefined {
  if (def.type !== 'method_declaration') return undefined;
  const p = named(field(def, 'receiver'))[0];
  return p ? typeRef(field(p, 'type'), {})?.name : undefined;
}

/** A name's type; `fields: ['[]']` for an element of a named slice (`u` of `for _, u := range users` with `users Users`). */
type Scope = Map<string, Omit<GoRecv, 'fields'> & { fields?: string[] }>;

/** `[]T`, `[n]T`, `*[]T`: the element type T. */
function elemRef(t: Node | null | undefined, imports: Record<string, string>): GoTypeRef | undefined {
  if (!t) return undefined;
  if (t.type === 'pointer_type' || t.type === 'parenthesized_type') return elemRef(named(t)[0], imports);
  return t.type === 'slice_type' || t.type === 'array_type' ? typeRef(field(t, 'element'), imports) : undefined;
}

/** Per function: the names whose type the function's text says (receiver, parameters, typed locals). */
export class GoScopes {
  /**
   * By node id: tree-sitter gives a new Node object for each `parent` read, so a map keyed by the object never found a
   * function again and each call's look-up read its functions' whole bodies anew (person16: ente's 1,448-line
   * cmd/museum/main.go held the extension host for 2–3 s in one stretch during Scan Workspace).
   */
  private readonly scopes = new Map<number, Scope>();
  /** Each function's `x := …` declarations (literalArgs), by node id. */
  private readonly shortVars = new Map<number, Node[]>();

  constructor(readonly facts: GoFileFacts) {}

  private scopeOf(fn: Node): Scope {
    let s = this.scopes.get(fn.id);
    if (s) return s;
    s = new Map();
    const params = [field(fn, 'receiver'), field(fn, 'parameters')];
    for (const list of params) {
      for (const p of named(list)) {
        const t = typeRef(field(p, 'type'), this.facts.imports);
        const e = t ? undefined : elemRef(field(p, 'type'), this.facts.imports);
        for (const n of named(p)) if (n.type === 'identifier' && (t || e)) s.set(t ? n.text : `${n.text}[]`, { type: (t ?? e)! });
      }
    }
    for (const v of fn.descendantsOfType(['var_spec', 'short_var_declaration'])) {
      if (!v) continue;
      if (v.type === 'var_spec') {
        const e = elemRef(field(v, 'type'), this.facts.imports);
        if (e) for (const n of named(v)) if (n.type === 'identifier' && !s.has(`${n.text}[]`)) s.set(`${n.text}[]`, { type: e });
        const t = typeRef(field(v, 'type'), this.facts.imports);
        const value = named(field(v, 'value'))[0];
        const r = t ? { type: t } : value ? this.valueType(value, s) : undefined;
        if (r) for (const n of named(v)) if (n.type === 'identifier' && !s.has(n.text)) s.set(n.text, r);
        continue;
      }
      const left = named(field(v, 'left'));
      const right = named(field(v, 'right'));
      if (!left[0] || !right[0] || left[0].type !== 'identifier' || s.has(left[0].text)) continue;
      // `paths := make([]Path, n)` / `merge := make(goatcounter.Paths, n)`: a slice of a known element type.
      const made = right[0].type === 'call_expression' && field(right[0], 'function')?.text === 'make' ? named(field(right[0], 'arguments'))[0] : undefined;
      const me = made ? elemRef(made, this.facts.imports) : undefined;
      if (me) {
        s.set(`${left[0].text}[]`, { type: me });
        continue;
      }
      const r = made ? (typeRef(made, this.facts.imports) ? { type: typeRef(made, this.facts.imports)! } : undefined) : this.valueType(right[0], s);
      if (r) s.set(left[0].text, r);
    }
    // `for _, u := range users`: u is an element of users' slice type.
    for (const rc of fn.descendantsOfType('range_clause')) {
      const left = rc ? named(field(rc, 'left')) : [];
      const right = rc ? field(rc, 'right') : null;
      if (left.length < 2 || left[1].type !== 'identifier' || !right || s.has(left[1].text)) continue;
      const el = this.elemOf(right, s);
      if (el) s.set(left[1].text, el);
    }
    this.scopes.set(fn.id, s);
    return s;
  }

  /** An element of `xs` (`xs[i]`, the value of `range xs`, `range *xs`): of a `[]T` name, or of a name of a named slice type. */
  private elemOf(xs: Node, s: Scope): (Omit<GoRecv, 'fields'> & { fields?: string[] }) | undefined {
    const x = xs.type === 'unary_expression' || xs.type === 'parenthesized_expression' ? named(xs)[0] : xs;
    if (x?.type !== 'identifier') return undefined;
    const e = s.get(`${x.text}[]`);
    if (e) return e;
    const t = s.get(x.text);
    return t?.type && !t.fields?.length ? { type: t.type, fields: ['[]'] } : undefined;
  }

  /** `&T{…}`, `T{…}`, `pkg.New(…)`, `(*T)(x)`, a typed name → its type (or the function whose result it is). */
  private valueType(e: Node, s: Scope): (Omit<GoRecv, 'fields'> & { fields?: string[] }) | undefined {
    if (e.type === 'unary_expression' || e.type === 'parenthesized_expression') return named(e)[0] ? this.valueType(named(e)[0], s) : undefined;
    if (e.type === 'composite_literal') {
      const t = typeRef(field(e, 'type'), this.facts.imports);
      return t ? { type: t } : undefined;
    }
    if (e.type === 'identifier') return s.get(e.text);
    if (e.type === 'call_expression') {
      const fn = field(e, 'function');
      if (!fn) return undefined;
      // A conversion: `(*App)(a)`, `(App)(a)`.
      if (fn.type === 'parenthesized_expression') {
        const inner = named(fn)[0];
        const t = inner?.type === 'unary_expression' ? named(inner)[0] : inner;
        if (t?.type === 'identifier') return { type: { name: t.text } };
        if (t?.type === 'selector_expression' || t?.type === 'qualified_type') {
          const pkg = field(t, 'operand')?.text ?? field(t, 'package')?.text;
          const name = field(t, 'field')?.text ?? field(t, 'name')?.text;
          return pkg && name && this.facts.imports[pkg] ? { type: { name, pkg: this.facts.imports[pkg] } } : undefined;
        }
        const pt = typeRef(inner, this.facts.imports);
        return pt ? { type: pt } : undefined;
      }
      if (fn.type === 'identifier') return { result: { fn: fn.text } };
      if (fn.type === 'selector_expression') {
        const op = field(fn, 'operand');
        const name = field(fn, 'field')?.text;
        if (op?.type === 'identifier' && name && !s.has(op.text) && this.facts.imports[op.text]) return { result: { fn: name, pkg: this.facts.imports[op.text] } };
        // `projectRepo := h.projectRepo()`: what the method of a typed value returns (held-out-z Convoy: a handler's
        // getter returning `datastore.ProjectRepository`), followed like `m.dep.FileClient()` (recvOf).
        if (op && name && !(op.type === 'identifier' && !s.has(op.text))) return this.recvOf(e, s);
      }
    }
    return undefined;
  }

  /** The value an expression names: a typed name, then fields and method calls. */
  private recvOf(e: Node, s: Scope): GoRecv | undefined {
    if (e.type === 'parenthesized_expression' || (e.type === 'unary_expression' && /^[&*]/.test(e.text))) return named(e)[0] ? this.recvOf(named(e)[0], s) : undefined;
    // `m.dep.FileClient()`: what the method `FileClient` of `m.dep`'s type returns.
    const fn = e.type === 'call_expression' ? field(e, 'function') : undefined;
    if (fn?.type === 'selector_expression') {
      const op = field(fn, 'operand');
      const m = field(fn, 'field')?.text;
      if (op && m && !(op.type === 'identifier' && !s.has(op.text) && this.facts.imports[op.text])) {
        const base = this.recvOf(op, s);
        return base && { ...base, fields: [...base.fields, `${m}()`] };
      }
    }
    if (e.type === 'selector_expression') {
      const op = field(e, 'operand');
      const f = field(e, 'field')?.text;
      const base = op && f ? this.recvOf(op, s) : undefined;
      return base && f ? { ...base, fields: [...base.fields, f] } : undefined;
    }
    if (e.type === 'index_expression') {
      const op = field(e, 'operand');
      const el = op ? this.elemOf(op, s) : undefined;
      return el ? { ...el, fields: el.fields ?? [] } : undefined;
    }
    const t = this.valueType(e, s);
    return t ? { ...t, fields: t.fields ?? [] } : undefined;
  }

  /** What the call names. */
  refOf(call: Node): GoCallRef | undefined {
    const fn = field(call, 'function');
    if (!fn) return undefined;
    let outer: Node | null = call.parent;
    const fns: Node[] = [];
    while (outer) {
      if (outer.type === 'function_declaration' || outer.type === 'method_declaration' || outer.type === 'func_literal') fns.push(outer);
      outer = outer.parent;
    }
    if (fn.type === 'identifier') {
      const msgs = this.literalArgs(call, fns);
      return { name: fn.text, via: 'bare', ...(msgs.length ? { msgs } : {}) };
    }
    if (fn.type !== 'selector_expression') return undefined;
    const name = field(fn, 'field')?.text;
    const op = field(fn, 'operand');
    if (!name || !op) return undefined;
    // The innermost function's names first, then those of the functions around it.
    const s: Scope = new Map();
    for (const f of fns.reverse()) for (const [k, v] of this.scopeOf(f)) s.set(k, v);
    const msgs = this.literalArgs(call, fns);
    if (op.type === 'identifier' && !s.has(op.text) && this.facts.imports[op.text]) return { name, via: 'pkg', pkg: this.facts.imports[op.text], ...(msgs.length ? { msgs } : {}) };
    const recv = this.recvOf(op, s);
    return { name, via: 'value', ...(recv ? { recv } : {}), recvText: op.text.length > 40 ? op.text.slice(0, 40) + '…' : op.text, ...(msgs.length ? { msgs } : {}) };
  }

  /** The types of the call's arguments written as struct literals, or names bound to one in the functions around it. */
  private literalArgs(call: Node, fns: readonly Node[]): GoTypeRef[] {
    const out: GoTypeRef[] = [];
    const literal = (e: Node | undefined): GoTypeRef | undefined => {
      while (e && (e.type === 'unary_expression' || e.type === 'parenthesized_expression')) e = named(e)[0];
      return e?.type === 'composite_literal' ? typeRef(field(e, 'type'), this.facts.imports) : undefined;
    };
    for (const a of named(field(call, 'arguments'))) {
      let t = literal(a);
      if (!t && a.type === 'identifier') {
        for (const f of fns) {
          let vars = this.shortVars.get(f.id);
          if (!vars) this.shortVars.set(f.id, (vars = f.descendantsOfType('short_var_declaration').filter((v): v is Node => !!v)));
          for (const v of vars) {
            const left = v && named(field(v, 'left'));
            if (v && left?.length === 1 && left[0].text === a.text) t ??= literal(named(field(v, 'right'))[0]);
          }
        }
      }
      if (t) out.push(t);
    }
    return out;
  }
}
