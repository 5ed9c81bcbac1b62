/**
 * Go calls resolved across files by package and receiver type (crossFile.ts asks). A call reaches
 * the database when the one function or method it names does (`validate.ASCII` is the function
 * `ASCII` of the package the file imports as `validate`, never another package's `ASCII`);
 * a call whose receiver type the code does not say (a range variable, an interface) may be any
 * method of that name: it is at most a possible N+1, and the finding says why.
 */
import type { GoCallRef, GoFileFacts, GoTypeInfo, GoTypeRef } from '../languages/go/callGraph';

export interface GoDef {
  file: string;
  name: string;
  goRecv?: string;
  generated?: boolean;
}

/** What a call can be: the definitions, whether Go's syntax names exactly those, and why not. */
export interface GoTargets<D> {
  defs: D[];
  exact: boolean;
  reason?: string;
  /** The receiver is an interface of the app: `defs` are the methods of that name its implementations may be. */
  iface?: boolean;
  /** Exact only because the interface's implementations were told from the other methods of that name. */
  narrowed?: boolean;
  /** Narrowed to a type of the interface's own package (a package's database interface and its one implementation). */
  ownPackage?: boolean;
}

const dirOf = (file: string): string => file.slice(0, Math.max(0, file.lastIndexOf('/')));

export class GoIndex<D extends GoDef> {
  private readonly funcs = new Map<string, D[]>();
  private readonly methods = new Map<string, D[]>();
  private readonly types = new Map<string, { info: GoTypeInfo; dir: string }>();
  private readonly results = new Map<string, GoTypeRef>();
  private readonly dirs = new Set<string>();
  private readonly byLast = new Map<string, string[]>();
  private readonly modules = new Map<string, string>();
  private readonly importCache = new Map<string, string | undefined>();
  /** Handlers by the message type they take (`${dir of the type}\0${name}`): package functions passed as a value in their package. */
  private readonly handlers = new Map<string, D[]>();
  /** Functions and methods whose last parameter takes any value (`${file}\0${Type.}name`): what a bus dispatches with. */
  private readonly anyParams = new Set<string>();

  /** `files`: path (inside the project) → facts; `defs`: every Go definition, with its path inside the project. */
  constructor(files: Map<string, GoFileFacts>, defs: D[], private readonly inProject: (f: string) => string) {
    for (const f of files.keys()) this.dirs.add(dirOf(inProject(f)));
    for (const d of this.dirs) {
      const last = d.split('/').pop() ?? '';
      this.byLast.set(last, [...(this.byLast.get(last) ?? []), d]);
    }
    for (const [f, facts] of files) {
      const dir = dirOf(inProject(f));
      for (const [name, info] of Object.entries(facts.types)) this.types.set(`${dir}\u0000${name}`, { info, dir });
      for (const [name, t] of Object.entries(facts.results)) this.results.set(`${dir}\u0000${name}`, t);
    }
    this.learnModules(files);
    for (const d of defs) {
      const dir = dirOf(inProject(d.file));
      const map = d.goRecv ? this.methods : this.funcs;
      const key = d.goRecv ? `${dir}\u0000${d.goRecv}\u0000${d.name}` : `${dir}\u0000${d.name}`;
      map.set(key, [...(map.get(key) ?? []), d]);
      if (d.goRecv) map.set(`*\u0000${d.name}`, [...(map.get(`*\u0000${d.name}`) ?? []), d]);
    }    this.learnHandlers(files);
  }

  /**
   * A command or query bus (`bus.AddHandler(addVote)` … `bus.Dispatch(ctx, &cmd.AddVote{…})`): a package function
   * passed as a value somewhere in its package, whose last parameter is a pointer to a named type, handles
   * messages of that type. Learned from the code, whatever the bus is called.
   */
  private learnHandlers(files: Map<string, GoFileFacts>): void {
    const values = new Map<string, Set<string>>();
    for (const [f, facts] of files) {
      const dir = dirOf(this.inProject(f));
      const set = values.get(dir) ?? new Set<string>();
      for (const v of facts.valueArgs ?? []) set.add(v);
      values.set(dir, set);
    }
    for (const [f, facts] of files) {
      for (const a of facts.anyParams ?? []) this.anyParams.add(`${f}\u0000${a}`);
      const dir = dirOf(this.inProject(f));
      for (const [fn, msg] of Object.entries(facts.msgParams ?? {})) {
        if (!values.get(dir)?.has(fn)) continue;
        const tdir = this.typeDir(msg, dir);
        const defs = this.funcs.get(`${dir}\u0000${fn}`)?.filter((d) => d.file === f);
        if (tdir === undefined || !defs?.length) continue;
        const key = `${tdir}\u0000${msg.name}`;
        this.handlers.set(key, [...(this.handlers.get(key) ?? []), ...defs]);
      }
    }
  }

  /**
   * The handlers of the messages the call hands over (struct literals of a type some registered handler takes), when the
   * call is a dispatch: a function of a library, or the app's own whose last parameter takes any value (`msgs ...Msg`).
   */
  handlersOf(file: string, ref: GoCallRef): { def: D; msg: string }[] {
    if (!ref.msgs?.length || !this.handlers.size) return [];
    const t = this.targets(file, ref);
    if (t && !t.defs.every((d) => this.anyParams.has(`${d.file}\u0000${d.goRecv ? `${d.goRecv}.` : ''}${d.name}`))) return [];
    const from = dirOf(this.inProject(file));
    return ref.msgs.flatMap((m) => {
      const dir = this.typeDir(m, from);
      const msg = m.pkg ? `${m.pkg.split('/').pop()}.${m.name}` : m.name;
      return (dir === undefined ? [] : this.handlers.get(`${dir}\u0000${m.name}`) ?? []).map((def) => ({ def, msg }));
    });
  }

  /**
   * The module paths of the project (`github.com/target/goalert` for the folder the scan starts in, or
   * `github.com/o/svc` for `apps/svc`): learned from the imports that name its folders.
   */
  private learnModules(files: Map<string, GoFileFacts>): void {
    const seen = new Map<string, Set<string>>();
    const paths = new Set<string>();
    for (const facts of files.values()) for (const p of Object.values(facts.imports)) paths.add(p);
    for (const p of paths) {
      const parts = p.split('/');
      // The longest tail of each folder the path ends with: the rest of the path is the module, the rest of the folder its
      // root. Of the folders of the package's name, those matching most of the path: `…/openmeter/subject` names
      // `openmeter/subject`, not ent's generated `openmeter/ent/db/subject` through a module `…/openmeter` rooted at
      // `openmeter/ent/db` (held-out-av OpenMeter, whose generated packages share the names of its own).
      const found: { key: string; d: string; depth: number }[] = [];
      for (const d of this.byLast.get(parts[parts.length - 1]) ?? []) {
        const ds = d.split('/');
        for (let k = 0; k < ds.length; k++) {
          const tail = ds.slice(k).join('/');
          if (p === tail || !p.endsWith('/' + tail)) continue;
          found.push({ key: `${p.slice(0, p.length - tail.length - 1)}\u0000${ds.slice(0, k).join('/')}`, d, depth: ds.length - k });
          break;
        }
      }
      const most = Math.max(0, ...found.map((f) => f.depth));
      for (const { key, d } of found.filter((f) => f.depth === most)) {
        const s = seen.get(key) ?? new Set<string>();
        s.add(d);
        seen.set(key, s);
      }
    }
    for (const [key, ds] of seen) {
      const [mod, root] = key.split('\u0000');
      // One folder named by its whole path from the top (`example.com/mon/db` → `db/`) is enough; a tail of a
      // deeper folder (a module in `apps/svc`) needs two, lest `github.com/google/uuid` name some `x/uuid`.
      if (ds.size < 2 && root !== '') continue;
      this.modules.set(mod, root);
    }
  }

  /** The project folder of an import path, or undefined when the package is not the app's. */
  importDir(path: string): string | undefined {
    if (this.importCache.has(path)) return this.importCache.get(path);
    let out: string | undefined;
    for (const [mod, root] of this.modules) {
      if (path !== mod && !path.startsWith(mod + '/')) continue;
      const rest = path.slice(mod.length + 1);
      const d = [root, rest].filter(Boolean).join('/');
      if (this.dirs.has(d) && (out === undefined || d.length > out.length)) out = d;
    }
    this.importCache.set(path, out);
    return out;
  }

  private typeDir(t: GoTypeRef, from: string): string | undefined {
    return t.pkg === undefined ? from : this.importDir(t.pkg);
  }

  /** The named type of a receiver, followed through its fields; 'external' for a type outside the app. */
  private recvType(file: string, ref: GoCallRef): { dir: string; name: string; iface?: boolean; methods?: string[] } | 'external' | undefined {
    const r = ref.recv;
    if (!r) return undefined;
    const from = dirOf(this.inProject(file));
    let cur: { dir: string; name: string } | undefined;
    if (r.type) {
      const dir = this.typeDir(r.type, from);
      if (dir === undefined) return 'external';
      cur = { dir, name: r.type.name };
    } else if (r.result) {
      const dir = r.result.pkg === undefined ? from : this.importDir(r.result.pkg);
      if (dir === undefined) return 'external';
      const t = this.results.get(`${dir}\u0000${r.result.fn}`);
      if (!t) return undefined;
      const tdir = this.typeDir(t, dir);
      if (tdir === undefined) return 'external';
      cur = { dir: tdir, name: t.name };
    }
    if (!cur) return undefined;
    for (const f of r.fields) {
      // A method's result (`FileClient()`): what the method of the type (or of the interface) returns.
      if (f.endsWith('()')) {
        const rt: { t: GoTypeRef; dir: string } | undefined = this.methodResult(cur, f.slice(0, -2));
        if (!rt) return undefined;
        const dir = this.typeDir(rt.t, rt.dir);
        if (dir === undefined) return 'external';
        cur = { dir, name: rt.t.name };
        continue;
      }
      const info = this.typeInfo(cur);
      // An element of a named slice (`type Sites []Site`).
      const found: { ft: GoTypeRef; dir: string } | undefined = f === '[]' ? (info?.info.elem ? { ft: info.info.elem, dir: info.dir } : undefined) : this.fieldOf(cur, f);
      if (!found) return undefined;
      const dir = this.typeDir(found.ft, found.dir);
      if (dir === undefined) return 'external';
      cur = { dir, name: found.ft.name };
    }
    const info = this.typeInfo(cur)?.info;
    return { ...cur, ...(info?.iface ? { iface: true, ...(info.methods ? { methods: info.methods } : {}) } : {}) };
  }

  /**
   * The type of a field of a struct, its own or promoted from a struct it embeds (`type Emoji struct{ *Cleaner }` with
   * `Cleaner{ state *state.State }`: `e.state` is the Cleaner's), two embeddings deep at most.
   */
  private fieldOf(t: { dir: string; name: string }, f: string, depth = 0): { ft: GoTypeRef; dir: string } | undefined {
    const info = this.typeInfo(t);
    if (!info) return undefined;
    const own = info.info.fields?.[f];
    if (own) return { ft: own, dir: info.dir };
    if (depth >= 2) return undefined;
    for (const [name, ft] of Object.entries(info.info.fields ?? {})) {
      // An embedded field is recorded under its type's name (goFileFacts).
      if (name !== ft.name) continue;
      const dir = this.typeDir(ft, info.dir);
      const promoted = dir === undefined ? undefined : this.fieldOf({ dir, name: ft.name }, f, depth + 1);
      if (promoted) return promoted;
    }
    return undefined;
  }

  /** The definitions whose receiver type defines every method the interface declares: its implementations. */
  private implementing<T extends D>(defs: T[], methods: readonly string[] | undefined): T[] {
    if (!methods?.length) return defs;
    return defs.filter((d) => d.goRecv !== undefined && methods.every((m) => this.methods.has(`${dirOf(this.inProject(d.file))}\u0000${d.goRecv}\u0000${m}`)));
  }

  /** What a method of the type returns (declared on the type, on its interface, or on the type it is defined from). */
  private methodResult(t: { dir: string; name: string }, method: string): { t: GoTypeRef; dir: string } | undefined {
    let cur: { dir: string; name: string } | undefined = t;
    for (let i = 0; cur && i < 4; i++) {
      const r = this.results.get(`${cur.dir}\u0000${cur.name}.${method}`);
      if (r) return { t: r, dir: cur.dir };
      const of: GoTypeRef | undefined = this.types.get(`${cur.dir}\u0000${cur.name}`)?.info.of;
      const dir: string | undefined = of ? this.typeDir(of, cur.dir) : undefined;
      cur = of && dir !== undefined ? { dir, name: of.name } : undefined;
    }
    return undefined;
  }

  /** A type's declaration, through a type defined from another (`type Alert App`), up to three steps. */
  private typeInfo(t: { dir: string; name: string }): { info: GoTypeInfo; dir: string } | undefined {
    let cur = this.types.get(`${t.dir}\u0000${t.name}`);
    for (let i = 0; cur?.info.of && i < 3; i++) {
      const dir = this.typeDir(cur.info.of, cur.dir);
      if (dir === undefined) return undefined;
      cur = this.types.get(`${dir}\u0000${cur.info.of.name}`);
    }
    return cur;
  }

  /** The definitions a call can be; undefined when it is not the app's (the standard library, a module's type). */
  targets(file: string, ref: GoCallRef, self?: D): GoTargets<D> | undefined {
    const from = dirOf(this.inProject(file));
    if (ref.via === 'bare') {
      const defs = this.funcs.get(`${from}\u0000${ref.name}`);
      return defs ? { defs, exact: true } : undefined;
    }
    if (ref.via === 'pkg') {
      const dir = ref.pkg === undefined ? undefined : this.importDir(ref.pkg);
      const defs = dir === undefined ? undefined : this.funcs.get(`${dir}\u0000${ref.name}`);
      return defs ? { defs, exact: true } : undefined;
    }
    const t = this.recvType(file, ref);
    if (t === 'external') return undefined;
    if (t && !t.iface) {
      const defs = this.methods.get(`${t.dir}\u0000${t.name}\u0000${ref.name}`);
      if (defs) return { defs, exact: true };
    }
    // A method calling the name on another value (`r.queries.FilterValid` in `FilterValid`) delegates; it is not itself.
    const all = this.methods.get(`*\u0000${ref.name}`)?.filter((d) => d !== self);
    if (!all?.length) return undefined;
    // A generated builder's method (ent's `RemoveMetadata` on an update builder) does not decide for the app's own.
    const own = all.filter((d) => !d.generated);
    const named = own.length ? own : all;
    // Through an interface: only the methods of types that implement it (each defines all its methods).
    const impls = t?.iface ? this.implementing(named, t.methods) : named;
    // An interface of the app that no type defining the name implements even in part (none defines any of the
    // interface's own methods): its implementations are built elsewhere (a plug-in's `connector.Meta()`), so the app's
    // methods of that name are not this call (held-out-aq Answer: `userCenter.Info()` was taken for QuestionCommon.Info).
    if (t?.iface && t.methods?.length && !impls.length && !named.some((d) => d.goRecv !== undefined && t.methods!.some((m) => this.methods.has(`${dirOf(this.inProject(d.file))}\u0000${d.goRecv}\u0000${m}`)))) return undefined;
    const defs = impls.length ? impls : named;
    // An interface of the app whose method the app implements once (a store interface and its one database
    // implementation; test doubles are not definitions): that implementation.
    const recv = ref.recvText ? `\`${ref.recvText}\`` : 'the receiver';
    if (t?.iface && defs.length === 1) return { defs, exact: true, ...(named.length > 1 ? { narrowed: true, ...(dirOf(this.inProject(defs[0].file)) === t.dir ? { ownPackage: true } : {}), reason: `${recv} is the interface \`${t.name}\`: \`${ref.name}\` is its one implementation's` } : {}) };
    const reason = t?.iface
      ? `${recv} is the interface \`${t.name}\`: \`${ref.name}\` may be any of its implementations`
      : `the type of ${recv} is not known here: \`${ref.name}\` may be any of ${defs.length === 1 ? 'the app\'s one method' : `the app's ${defs.length} methods`} of that name`;
    return { defs, exact: false, reason, ...(t?.iface ? { iface: true } : {}) };
  }
}
