/**
 * GraphQL field resolvers judged by what the project's own client asks (Python strawberry schemas
 * served to a client in the same repository, e.g. a Next.js front end):
 *
 * A strawberry field resolver runs once per parent object only when a query selects it on objects
 * that came from a list (`getProgramModules { mentors { … } }`). When the repository holds the client's
 * documents (gql`…` in its scripts) and they cover the schema, a resolver no document selects under
 * a list runs once per request (`getModule { availableLabels }`, `organization(login) { stats }`): its
 * finding is dropped. The documents are gql`…` / graphql`…` texts in scripts and `.graphql` / `.gql` files
 * (graphql-codegen, Apollo); a schema's own definitions in such a file (`type Conference { … }`) are skipped. Documents are walked with the schema's types read from the strawberry classes
 * (`mentors: list[MentorNode]`, `def issues(…) -> list[IssueNode]`); fragments are expanded.
 * Without documents, or with too few that resolve against the schema (a public API whose clients
 * live elsewhere), nothing changes.
 *
 * Schema-first servers in JavaScript/TypeScript (n1bi): the schema's SDL (`type Campaign { texters: [User] }` in gql`…`
 * typeDefs or `.graphql` files, `schema { query: RootQuery }`) gives the types instead, and a field resolver of such a
 * type (`Campaign.texters` in a resolver map) that no document of the client selects under a list is `info`: it runs for
 * the one object a page asks, a handful per request. Plain template constants a document interpolates
 * (`${campaignFields}`, a selection kept in a string) are read into it, so the fields they hold count.
 */
import type { Finding } from '../findings';
import { javascriptLanguage } from '../languages/javascript/language';

/** The resolver label detect.ts gives: `ModuleNode.mentors (GraphQL field resolver, once per parent ModuleNode)`. */
const RESOLVER_LOOP = /^(\w+)\.(\w+) \(GraphQL field resolver, once per parent \w+\)$/;
/** Fewer root fields of the schema asked than this: the client is not this schema's (or not here). */
const MIN_ROOT_FIELDS = 5;
const MAX_TEXT = 400_000;
const UNKNOWN = '?';

interface FieldType {
  /** Candidate type names in the annotation (`Annotated["ProjectNode", …]`, `UserNode | None`). */
  names: string[];
  list: boolean;
}

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** `list[IssueNode]`, `IssueNode | None`, `Annotated["ProjectNode", strawberry.lazy(…)] | None`. */
function parseAnnotation(a: string): FieldType {
  const t = a.trim().replace(/^Optional\[(.*)\]$/s, '$1');
  return { list: /^(list|List|Sequence|Iterable|tuple)\s*\[/.test(t), names: [...t.matchAll(/\b([A-Z]\w*)\b/g)].map((m) => m[1]).filter((n) => !/^(Annotated|Optional|List|Sequence|Iterable|None|Info)$/.test(n)) };
}

/** Top-level words of a schema definition (SDL) in a `.graphql` file. */
const SDL_KEYWORDS = new Set(['type', 'interface', 'input', 'enum', 'union', 'scalar', 'schema', 'extend', 'directive']);
const TOP_LEVEL = new Set([...SDL_KEYWORDS, 'query', 'mutation', 'subscription', 'fragment']);

/** A GraphQL document file of a client (Apollo / graphql-codegen): `.graphql`, `.gql` (javascriptLanguage.templates). */
export const GRAPHQL_DOCUMENT = new RegExp(`(${Object.keys(javascriptLanguage.templates).map((e) => e.replace('.', '\\.')).join('|')})$`, 'i');

interface Selection {
  name: string;
  children: Selection[];
  /** `...Name`: a fragment spread. */
  spread?: string;
  /** `... on Type { … }`: an inline fragment's type condition (its selections are `children`). */
  on?: string;
}

/** A small reader of GraphQL documents: operations and fragments with their selection trees (arguments and directives skipped). */
function parseDocument(src: string): { ops: Selection[][]; fragments: Map<string, Selection[]>; conditions: Map<string, string> } {
  const tokens = src.replace(/#[^\n]*/g, '').match(/\.\.\.|"(?:[^"\\]|\\.)*"|[A-Za-z_]\w*|[{}():@$!=[\],]|-?\d[\w.]*/g) ?? [];
  let i = 0;
  const ops: Selection[][] = [];
  const fragments = new Map<string, Selection[]>();
  /** Fragment name → its type condition (`fragment TalkRow on Talk`). */
  const conditions = new Map<string, string>();
  const skipParens = () => {
    if (tokens[i] !== '(') return;
    let depth = 0;
    for (; i < tokens.length; i++) {
      if (tokens[i] === '(') depth++;
      else if (tokens[i] === ')' && --depth === 0) {
        i++;
        return;
      }
    }
  };
  const skipDirectives = () => {
    while (tokens[i] === '@') {
      i += 2;
      skipParens();
    }
  };
  const selectionSet = (): Selection[] => {
    const out: Selection[] = [];
    if (tokens[i] !== '{') return out;
    i++;
    while (i < tokens.length && tokens[i] !== '}') {
      if (tokens[i] === '...') {
        i++;
        if (tokens[i] === 'on') {
          const on = tokens[i + 1];
          i += 2;
          skipDirectives();
          out.push({ name: '', children: selectionSet(), on });
        } else if (tokens[i] === '{' || tokens[i] === '@') {
          skipDirectives();
          out.push(...selectionSet());
        } else {
          out.push({ name: '', children: [], spread: tokens[i++] });
          skipDirectives();
        }
        continue;
      }
      let name = tokens[i++];
      if (!/^[A-Za-z_]/.test(name ?? '')) continue;
      if (tokens[i] === ':') {
        i++;
        name = tokens[i++];
      }
      skipParens();
      skipDirectives();
      out.push({ name, children: tokens[i] === '{' ? selectionSet() : [] });
    }
    i++;
    return out;
  };
  while (i < tokens.length) {
    const t = tokens[i];
    // A schema's own definitions (SDL: `type Conference { … }`, `extend type …`, `union U = A | B`) are not
    // something a client asks: skipped to the next top-level definition.
    if (SDL_KEYWORDS.has(t)) {
      i++;
      while (i < tokens.length && tokens[i] !== '{' && !TOP_LEVEL.has(tokens[i])) {
        if (tokens[i] === '(') skipParens();
        else i++;
      }
      if (tokens[i] === '{') {
        for (let depth = 0; i < tokens.length; i++) {
          if (tokens[i] === '{') depth++;
          else if (tokens[i] === '}' && --depth === 0) {
            i++;
            break;
          }
        }
      }
      continue;
    }
    if (t === '{') ops.push(selectionSet());
    else if (t === 'query' || t === 'mutation' || t === 'subscription') {
      i++;
      while (i < tokens.length && tokens[i] !== '{') {
        if (tokens[i] === '(') skipParens();
        else i++;
      }
      ops.push(t === 'query' ? selectionSet() : (selectionSet(), []));
    } else if (t === 'fragment') {
      const name = tokens[i + 1];
      if (tokens[i + 2] === 'on') conditions.set(name, tokens[i + 3]);
      i += 4; // fragment Name on Type
      skipDirectives();
      fragments.set(name, selectionSet());
    } else i++;
  }
  return { ops, fragments, conditions };
}

export class ClientDocuments {
  /** Strawberry types: GraphQL type name → field (camelCase) → its type. */
  private readonly types = new Map<string, Map<string, FieldType>>();
  private readonly bases = new Map<string, string[]>();
  /** Type parameters of a generic type (`class Paginated(Generic[ItemType])` → ['ItemType']). */
  private readonly params = new Map<string, string[]>();
  /** `Type.python_name` → the GraphQL name its decorator gives (`name="slidoUrl"`). */
  private readonly names = new Map<string, string>();
  /** Root query fields (every `…Query` type's). */
  private readonly root = new Map<string, FieldType>();
  private readonly docs: string[] = [];
  /** Types read from SDL (schema-first JavaScript/TypeScript servers), and the root query types the SDL names. */
  private readonly sdlTypes = new Set<string>();
  private readonly queryTypes = new Set<string>(['Query']);
  private listed: Set<string> | undefined;
  /** Field names selected below a field of an unknown type: kept whatever their type. */
  private readonly loose = new Set<string>();
  private asked = 0;

  addPython(text: string): void {
    if (text.length > MAX_TEXT || !/@strawberry(_django)?\.(type|interface|field)\b/.test(text)) return;
    const lines = text.split('\n');
    for (let k = 0; k < lines.length; k++) {
      const cls = /^class\s+(\w+)\s*(?:\(([^)]*)\))?\s*:/.exec(lines[k]);
      if (!cls) continue;
      let d = k - 1;
      while (d >= 0 && /^\s*(\)|[\w"',=[\]\s]+,?|fields\s*=.*|\w+,)\s*$/.test(lines[d]) && !/^@/.test(lines[d])) d--;
      if (d < 0 || !/^@strawberry(_django)?\.(type|interface)\b/.test(lines[d])) continue;
      const name = cls[1];
      const fields = this.types.get(name) ?? new Map<string, FieldType>();
      this.types.set(name, fields);
      this.bases.set(name, (cls[2] ?? '').split(',').map((b) => b.trim().split('.').pop()!).filter((b) => /^[A-Z]/.test(b)));
      const generic = /\bGeneric\[([^\]]+)\]/.exec(cls[2] ?? '');
      if (generic) this.params.set(name, generic[1].split(',').map((p) => p.trim()));
      for (let j = k + 1; j < lines.length && (/^\s/.test(lines[j]) || !lines[j].trim()); j++) {
        const attr = /^ {4}(\w+)\s*:\s*([^=#]+?)\s*(=.*)?$/.exec(lines[j]);
        if (attr && !/^(def|class)$/.test(attr[1])) fields.set(camel(attr[1]), parseAnnotation(attr[2]));
        const def = /^ {4}(?:async\s+)?def\s+(\w+)\s*\(/.exec(lines[j]);
        // The decorator may name the GraphQL field (`@strawberry_django.field(name="slidoUrl") def _slido_url`).
        let deco = '';
        for (let d2 = j - 1; def && d2 > k && /^ {4}[@\s)\]]|^ {8}/.test(lines[d2]) && !/^ {4}(def|\w+\s*:)/.test(lines[d2]); d2--) deco = lines[d2] + '\n' + deco;
        const given = def ? /\bname\s*=\s*["'](\w+)["']/.exec(deco.slice(deco.lastIndexOf('    @')))?.[1] : undefined;
        if (def && given) this.names.set(`${name}.${def[1]}`, given);
        if (def && (!def[1].startsWith('_') || given)) {
          // The signature may span lines: its `-> …:` ends it.
          let sig = '';
          for (let s = j; s < lines.length && s < j + 20; s++) {
            sig += lines[s] + '\n';
            if (/\)\s*(->\s*[^\n]*)?:\s*(#.*)?$/.test(lines[s])) break;
          }
          const ret = /->\s*([^\n]*?):\s*(#.*)?\n?$/.exec(sig)?.[1];
          if (ret) fields.set(given ?? camel(def[1]), parseAnnotation(ret));
        }
      }
      if (/Query$/.test(name)) for (const [f, t] of fields) this.root.set(f, t);
    }
    // Root fields written as module-level resolvers and gathered into the Query type elsewhere
    // (`@strawberry_django.field def me(info) -> User`, then `create_type("UserQuery", [me])`).
    for (let k = 0; k < lines.length; k++) {
      if (!/^@strawberry(_django)?\.field\b/.test(lines[k])) continue;
      let j = k + 1;
      while (j < lines.length && /^[@\s)]/.test(lines[j]) && !/^(async\s+)?def\b/.test(lines[j])) j++;
      const def = /^(?:async\s+)?def\s+(\w+)\s*\(/.exec(lines[j] ?? '');
      if (!def) continue;
      let sig = '';
      for (let s = j; s < lines.length && s < j + 20; s++) {
        sig += lines[s] + '\n';
        if (/\)\s*(->\s*[^\n]*)?:\s*(#.*)?$/.test(lines[s])) break;
      }
      const ret = /->\s*([^\n]*?):\s*(#.*)?\n?$/.exec(sig)?.[1];
      if (ret && !this.root.has(camel(def[1]))) this.root.set(camel(def[1]), parseAnnotation(ret));
    }
    this.listed = undefined;
  }

  /** Scripts of the client: its gql`…` / graphql`…` documents. */
  addScript(text: string): void {
    if (text.length > MAX_TEXT || !/\b(gql|graphql)\s*`|`\s*(?:query|fragment)\b/.test(text)) return;
    // Plain template constants of the file (`const campaignInfoFragment = \`id title …\``): a document interpolating
    // one holds its selections.
    const constants = new Map<string, string>();
    for (const m of text.matchAll(/\b(?:const|let|var)\s+(\w+)\s*=\s*`([^`$]*)`/g)) constants.set(m[1], m[2]);
    // Tagged documents, and untagged templates that are operations or fragments (`export const query = \`query Q { … }\``).
    for (const m of text.matchAll(/\b(?:gql|graphql)\s*`([^`]*)`|(?<![\w$])`(\s*(?:query|fragment)\b[^`]*)`/g)) {
      const doc = (m[1] ?? m[2]).replace(/\$\{\s*(\w+)\s*\}|\$\{[^}]*\}/g, (_all, name: string | undefined) => (name !== undefined ? (constants.get(name) ?? ' ') : ' '));
      this.docs.push(doc);
      this.addSdl(doc);
    }
    this.listed = undefined;
  }

  /**
   * The SDL definitions of a text (`type X implements Y { f(a: Int): [Z!]! }`, `extend type Query { … }`, `interface`,
   * `union U = A | B`, `schema { query: RootQuery }`); inputs, enums, scalars and directives are skipped. Operations in
   * the same text are the client's, read by parseDocument.
   */
  private addSdl(src: string): void {
    if (!/\b(?:type|interface)\s+\w+(?:\s+implements\b|\s*\{)|\bunion\s+\w+\s*=|\bschema\s*\{/.test(src)) return;
    const tokens = src.replace(/#[^\n]*/g, '').match(/"(?:[^"\\]|\\.)*"|[A-Za-z_]\w*|[{}():@$!=[\]|&,]/g) ?? [];
    const skipBlock = (i: number): number => {
      for (let depth = 0; i < tokens.length; i++) {
        if (tokens[i] === '{') depth++;
        else if (tokens[i] === '}' && --depth === 0) return i + 1;
      }
      return i;
    };
    for (let i = 0; i < tokens.length; ) {
      const t = tokens[i];
      if (t === 'schema') {
        const end = skipBlock(i);
        for (let k = i; k < end - 2; k++) if (tokens[k] === 'query' && tokens[k + 1] === ':') this.queryTypes.add(tokens[k + 2]);
        i = end;
      } else if (t === 'union' && /^[A-Za-z_]/.test(tokens[i + 1] ?? '')) {
        const name = tokens[i + 1];
        if (!this.types.has(name)) this.types.set(name, new Map());
        this.sdlTypes.add(name);
        i += 2;
      } else if ((t === 'type' || t === 'interface') && /^[A-Za-z_]/.test(tokens[i + 1] ?? '') && tokens[i + 1] !== 'on') {
        const name = tokens[i + 1];
        let k = i + 2;
        const bases: string[] = [];
        while (k < tokens.length && tokens[k] !== '{' && !/^(type|interface|union|input|enum|scalar|schema|extend|directive)$/.test(tokens[k])) {
          if (tokens[k] === '(') while (k < tokens.length && tokens[k] !== ')') k++;
          else if (/^[A-Z]/.test(tokens[k])) bases.push(tokens[k]);
          k++;
        }
        if (tokens[k] !== '{') {
          i = k;
          continue;
        }
        const fields = this.types.get(name) ?? new Map<string, FieldType>();
        this.types.set(name, fields);
        this.sdlTypes.add(name);
        if (bases.length) this.bases.set(name, [...new Set([...(this.bases.get(name) ?? []), ...bases])]);
        const end = skipBlock(k);
        // Fields: `name(args): Type` — the first name of the type reference, a list when it opens with `[`.
        for (let j = k + 1; j < end - 1; j++) {
          if (tokens[j].startsWith('"') || !/^[A-Za-z_]/.test(tokens[j])) continue;
          const field = tokens[j];
          let c = j + 1;
          if (tokens[c] === '(') {
            for (let depth = 0; c < end; c++) {
              if (tokens[c] === '(') depth++;
              else if (tokens[c] === ')' && --depth === 0) break;
            }
            c++;
          }
          if (tokens[c] !== ':') continue;
          const list = tokens[c + 1] === '[';
          const ref = tokens.slice(c + 1, c + 4).find((x) => /^[A-Za-z_]/.test(x));
          if (ref) fields.set(field, { names: [ref], list });
          j = c + 1;
          // Directives after the type (`@deprecated(reason: "…")`).
          while (j + 1 < end && tokens[j + 1] !== '@' && !/^[A-Za-z_]/.test(tokens[j + 1] ?? '') && !tokens[j + 1].startsWith('"')) j++;
          while (tokens[j + 1] === '@') {
            j += 2;
            if (tokens[j + 1] === '(') for (let depth = 0; j + 1 < end; j++) {
              if (tokens[j + 1] === '(') depth++;
              else if (tokens[j + 1] === ')' && --depth === 0) {
                j++;
                break;
              }
            }
          }
        }
        i = end;
      } else if ((t === 'input' || t === 'enum') && /^[A-Za-z_]/.test(tokens[i + 1] ?? '')) {
        let k = i + 2;
        while (k < tokens.length && tokens[k] !== '{' && !/^(type|interface|union|input|enum|scalar|schema|extend|directive)$/.test(tokens[k])) k++;
        i = tokens[k] === '{' ? skipBlock(k) : k;
      } else i++;
    }
    this.listed = undefined;
  }

  /** A `.graphql` / `.gql` document file of the client (operations and fragments; schema definitions are skipped). */
  addDocument(text: string): void {
    if (text.length > MAX_TEXT) return;
    this.docs.push(text);
    this.addSdl(text);
    this.listed = undefined;
  }

  private fieldOf(type: string, name: string, seen = new Set<string>()): FieldType | undefined {
    if (seen.has(type)) return undefined;
    seen.add(type);
    const own = this.types.get(type)?.get(name);
    if (own) return own;
    for (const b of this.bases.get(type) ?? []) {
      const f = this.fieldOf(b, name, seen);
      if (f) return f;
    }
    return undefined;
  }

  /** `Type.field` (camelCase) pairs the client selects on objects that came from a list. */
  private listedFields(): Set<string> {
    if (this.listed) return this.listed;
    this.sdlRoots();
    const listed = new Set<string>();
    const fragments = new Map<string, Selection[]>();
    const parsed = this.docs.map(parseDocument);
    const conditions = new Map<string, string>();
    for (const p of parsed) {
      for (const [k, v] of p.fragments) fragments.set(k, v);
      for (const [k, v] of p.conditions) conditions.set(k, v);
    }
    // A fragment's type condition, when it names a type of the schema, is the type its selections are read on
    // (below a union or a field whose type was not read, `... on Talk { roomUrl }` is still Talk's).
    const typed = (on: string | undefined, type: string | undefined) => (type !== undefined && on && this.types.has(on) ? on : type);
    const askedRoots = new Set<string>();
    // `args`: the type arguments of the current type (`Paginated[Submission]` → ['Submission']).
    const walk = (sels: Selection[], type: string | undefined, underList: boolean, depth: number, seen: Set<string>, args: string[] = []) => {
      if (depth > 12) return;
      for (const s of sels) {
        if (s.spread) {
          const f = fragments.get(s.spread);
          const on = typed(conditions.get(s.spread), type);
          if (f && !seen.has(s.spread)) walk(f, on, underList, depth + 1, new Set([...seen, s.spread]), on === type ? args : []);
          continue;
        }
        if (s.on !== undefined) {
          const on = typed(s.on, type);
          walk(s.children, on, underList, depth + 1, seen, on === type ? args : []);
          continue;
        }
        // Below a field whose type is not read (strawberry_django's `fields=[…]` relations), names alone count.
        if (type === UNKNOWN) {
          this.loose.add(s.name);
          if (s.children.length) walk(s.children, UNKNOWN, underList, depth + 1, seen);
          continue;
        }
        const ft = type === undefined ? this.root.get(s.name) : this.fieldOf(type, s.name);
        if (type === undefined && ft) askedRoots.add(s.name);
        if (type !== undefined && underList) listed.add(`${type}.${s.name}`);
        // A type parameter of a generic type (`items: list[ItemType]`) is the argument it was given.
        const params = type === undefined ? [] : (this.params.get(type) ?? []);
        const names = (ft?.names ?? []).map((n) => (params.includes(n) ? (args[params.indexOf(n)] ?? n) : n));
        const at = names.findIndex((n) => this.types.has(n));
        const child = at >= 0 ? names[at] : undefined;
        if (s.children.length && (child || type !== undefined)) walk(s.children, child ?? UNKNOWN, underList || !!ft?.list || !ft, depth + 1, seen, at >= 0 ? names.slice(at + 1) : []);
      }
    };
    for (const p of parsed) for (const op of p.ops) walk(op, undefined, false, 0, new Set());
    this.asked = askedRoots.size;
    this.listed = listed;
    return listed;
  }

  /** The fields of the SDL's root query types (`type Query`, the type `schema { query: … }` names, `extend type Query`). */
  private sdlRoots(): void {
    for (const q of this.queryTypes) for (const [f, t] of this.types.get(q) ?? []) if (!this.root.has(f)) this.root.set(f, t);
  }

  adjust(findings: Finding[]): Finding[] {
    this.sdlRoots();
    if (!this.docs.length || !this.root.size) return findings;
    const listed = this.listedFields();
    if (this.asked < MIN_ROOT_FIELDS) return findings;
    return findings.flatMap((f) => {
      const r = RESOLVER_LOOP.exec((f.evidence as { loop?: string } | undefined)?.loop ?? '');
      if (!r) return [f];
      const file = f.file ?? '';
      // A schema-first JavaScript/TypeScript resolver of a type the SDL declares: `info`, saying why.
      if (/\.(ts|tsx|js|mjs|cjs|jsx)$/.test(file) && this.sdlTypes.has(r[1]) && (f.severity === 'warning' || f.severity === 'error')) {
        if (listed.has(`${r[1]}.${r[2]}`) || this.loose.has(r[2])) return [f];
        return [{ ...f, severity: 'info' as const, message: `Possible N+1, once per request: no query of this repository's client asks \`${r[1]}.${r[2]}\` on objects from a list (one ${r[1]}'s page asks it, a handful per request): ${f.message}` }];
      }
      if (!file.endsWith('.py') || !this.types.has(r[1])) return [f];
      const name = this.names.get(`${r[1]}.${r[2]}`) ?? camel(r[2]);
      return listed.has(`${r[1]}.${name}`) || this.loose.has(name) ? [f] : [];
    });
  }
}
