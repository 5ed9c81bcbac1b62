/**
 * Implicit N+1 findings whose "once per object" does not hold, judged from the whole project once
 * every file is read (texts, bounded):
 *
 * - GraphQL (TypeScript/JavaScript, code first: NestJS / TypeGraphQL): a field resolver runs once per
 *   parent only when its type is reached through a list — a query or field returning `[Type]`, a field
 *   of a type that is itself in a list, a type implementing/extending one in a list or implemented by
 *   one, or a generic resolver listing `[classRef]` (known only at run time). A type no list
 *   reaches (a `userAction` query returning one `UserAction`, mutations returning one) resolves its
 *   fields once per request.
 * - Django REST framework serializer method fields, on what the project does with the serializer:
 *   built only for one object (every use is `Serializer(obj)` in a function, never `many=True`, never a
 *   view's `serializer_class`, a nested field, a base class or a value in a mapping), its methods run
 *   once per request; and a relation read in one (`obj.labels.all()`) that every file using the
 *   serializer preloads (`prefetch_related("labels")`, `Prefetch("labels", …)`) costs no query per object.
 * Findings are dropped only when the project shows this; anything not understood keeps its finding.
 */
import { codeContextOf } from '../codeContext';
import type { Finding } from '../findings';
import { escapeRe } from '../format';

/** DRF views that handle one object (no list): a `serializer_class` of theirs serializes one object per request. */
const SINGLE_OBJECT_VIEW = /^(?:\w+\.)?(?:APIView|GenericAPIView|RetrieveAPIView|RetrieveUpdateAPIView|RetrieveDestroyAPIView|RetrieveUpdateDestroyAPIView|UpdateAPIView|CreateAPIView|DestroyAPIView)$/;

/**
 * The view class around a `serializer_class = X` line (at `at`) handles one object: its bases are DRF's single-object
 * views only, and its body builds the serializer only as `self.serializer_class(obj)` / `self.get_serializer(obj)`,
 * never with `many=True` and never through a `list` handler.
 */
function singleObjectView(text: string, at: number): boolean {
  const head = [...text.slice(0, at).matchAll(/^class\s+\w+\s*\(([^)]*)\)\s*:/gm)].pop();
  if (!head) return false;
  const next = /\n(?=[^\s#\n])/g;
  next.lastIndex = at;
  const body = text.slice(head.index!, next.exec(text)?.index ?? text.length);
  const bases = head[1].split(',').map((b) => b.trim()).filter(Boolean);
  return bases.length > 0 && bases.every((b) => SINGLE_OBJECT_VIEW.test(b)) && !/\bmany\s*=\s*True|^ {4}def\s+list\s*\(/m.test(body);
}

/** The resolver label detect.ts gives: `UserAction.status (GraphQL field resolver, once per parent UserAction)`. */
const RESOLVER_LOOP = /\(GraphQL field resolver, once per parent (\w+)\)$/;
/** The serializer method label: `ProjectSerializer.get_x (SerializerMethodField, once per object)`. */
const SERIALIZER_LOOP = /^(\w+)\.\w+ \((?:SerializerMethodField|to_representation|fields\.Method), once per object\)$/;
/** A file this big is not read for uses (generated schemas, bundles). */
const MAX_TEXT = 400_000;

interface TsClass {
  /** The GraphQL type the class declares (`@ObjectType() class Build`) or resolves (`@Resolver(() => Build)`). */
  type: string;
  body: string;
  parents: string[];
}

/** The text from `at` to the end of the block opened by the first `{` after it (balanced, strings not considered). */
function blockFrom(text: string, at: number): string {
  const open = text.indexOf('{', at);
  if (open < 0) return '';
  let depth = 0;
  for (let i = open; i < text.length && i < open + MAX_TEXT; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(open, i + 1);
  }
  return text.slice(open);
}

/** The balanced argument text of the call whose `(` is at `open` (without the parentheses). */
function argsAt(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length && i < open + 4000; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1, open + 4000);
}

/**
 * The types the fields of a class body name: `@Field(() => [Build])`, `@ResolveField(() => User)`,
 * and a `@ResolveField()` method's declared result (`Promise<User>`, `Promise<User[]>`). Root fields
 * (`@Query`, `@Mutation`, `@Subscription`) a resolver class also holds are not fields of its type.
 */
function fieldTypes(body: string): string[] {
  const out: string[] = [];
  for (const m of body.matchAll(/@(Field|ResolveField|FieldResolver)\s*\(/g)) {
    const open = m.index! + m[0].length - 1;
    const args = argsAt(body, open);
    const arrow = /=>\s*\[?\s*(\w+)/.exec(args)?.[1];
    if (arrow) out.push(arrow);
    else {
      const sig = body.slice(open + args.length + 2, body.indexOf('{', open + args.length + 2));
      const result = /\)\s*:\s*(?:Promise<\s*)?(\w+)/.exec(sig)?.[1] ?? /^\s*[\w?!]*\s*:\s*(\w+)/.exec(sig)?.[1];
      if (result) out.push(result);
    }
  }
  return out;
}

export class PerObjectScope {
  private readonly tsClasses: TsClass[] = [];
  /** Types some query, mutation or field returns as a list (`() => [Build]`). */
  private readonly listed = new Set<string>();
  /** Python files that name a serializer or preload relations: path → text. */
  private readonly python = new Map<string, string>();

  addTypeScript(text: string): void {
    if (text.length > MAX_TEXT || !/@(ObjectType|Resolver|InterfaceType)\b|=>\s*\[/.test(text)) return;
    for (const m of text.matchAll(/=>\s*\[\s*(\w+)\s*\]/g)) this.listed.add(m[1]);
    for (const m of text.matchAll(/@(ObjectType|InterfaceType|Resolver)\s*\(/g)) {
      const args = argsAt(text, m.index! + m[0].length - 1);
      const cls = /\bclass\s+(\w+)([^{]*)/.exec(text.slice(m.index!, m.index! + 1000));
      if (!cls) continue;
      const declared = m[1] === 'Resolver' ? /^\s*(?:\(\s*\)\s*=>|\w+\s*=>|of\s*=>)?\s*\[?(\w+)/.exec(args)?.[1] : cls[1];
      if (!declared) continue;
      const parents = [...cls[2].matchAll(/\b(?:extends|implements)\s+([\w\s,.<>]+)/g)].flatMap((p) => p[1].split(/[\s,<>]+/)).filter((p) => /^[A-Z]\w*$/.test(p));
      const body = blockFrom(text, m.index! + cls.index + cls[0].length);
      // `@Query(() => [classRef])` in a generic resolver: the list's type is only known at run time.
      if (/=>\s*\[\s*[a-z]\w*\s*\]/.test(body)) this.listed.add(declared);
      this.tsClasses.push({ type: declared, body, parents });
    }
  }

  addPython(file: string, text: string): void {
    if (text.length > MAX_TEXT || !/Serializer|prefetch_related|Prefetch\(/.test(text)) return;
    this.python.set(file, text);
  }

  /** Every GraphQL type a list reaches: listed types, the types their fields name, their implementations. */
  private reachedThroughLists(): Set<string> {
    const out = new Set(this.listed);
    for (let round = 0; round < 12; round++) {
      const before = out.size;
      for (const c of this.tsClasses) {
        if (!out.has(c.type) && c.parents.some((p) => out.has(p))) out.add(c.type);
        if (!out.has(c.type)) continue;
        // An interface's field resolvers run for every object of a type implementing it.
        for (const p of c.parents) out.add(p);
        for (const t of fieldTypes(c.body)) out.add(t);
      }
      if (out.size === before) break;
    }
    return out;
  }

  /** Uses per serializer name, read once (a project has many method-field findings per serializer). */
  private readonly uses = new Map<string, [string, number][]>();

  /** Where the project names the serializer, outside its definition, imports and `__all__`: [file, offset after the name]. */
  private usesOf(name: string): [string, number][] {
    const known = this.uses.get(name);
    if (known) return known;
    const out: [string, number][] = [];
    this.uses.set(name, out);
    const re = new RegExp(`\\b${escapeRe(name)}\\b`, 'g');
    for (const [file, text] of this.python) {
      if (!text.includes(name)) continue;
      for (const m of text.matchAll(re)) {
        const lineStart = text.lastIndexOf('\n', m.index!) + 1;
        const lineEnd = text.indexOf('\n', m.index!);
        const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
        const before = text.slice(lineStart, m.index!);
        if (/^\s*(from|import)\s/.test(line) || /^\s*class\s+$/.test(before) || new RegExp(`^\\s*${escapeRe(name)}\\s*,?\\s*(#.*)?$`).test(line) || /['"]\s*$/.test(before)) continue;
        // `X.Meta.fields` reads the class's options (a subclass's Meta extends them): it serializes nothing.
        if (text.startsWith('.Meta', m.index! + name.length)) continue;
        // A dotted path in drf-flex-fields' `expandable_fields` ("app.api.serializers.X"): the nested rows are the
        // parent's, preloaded (or not) by the views that list the parent with `?expand=`, not by this file.
        if (/['"][\w.]*\.$/.test(before) && /^['"]/.test(text.slice(m.index! + name.length)) && /expandable_fields\b/.test(text)) continue;
        // Named in a docstring (`"""Limited version of the SubmissionOrgaSerializer …`): prose, no use.
        if (((text.slice(0, m.index!).match(/"""|'''/g)?.length ?? 0) % 2) === 1) continue;
        out.push([file, m.index! + name.length]);
      }
    }
    return out;
  }

  /** Every use builds the serializer for one object, inside a function (not a field, mapping or `serializer_class`). */
  private onlyForOneObject(name: string): boolean {
    const uses = this.usesOf(name);
    if (!uses.length) return false;
    return uses.every(([file, at]) => {
      const text = this.python.get(file)!;
      const lineStart = text.lastIndexOf('\n', at - 1) + 1;
      if (text[at] !== '(') return /^ {4}serializer_class\s*=\s*[\w.]+\s*$/.test(text.slice(lineStart, text.indexOf('\n', at) < 0 ? text.length : text.indexOf('\n', at))) && singleObjectView(text, lineStart);
      // A method body is indented twice; a class-level field (`author = UserSerializer()`) once.
      if (!/^ {8,}|^\t{2,}/.test(text.slice(lineStart))) return false;
      return !/\bmany\s*=(?!\s*False)/.test(argsAt(text, at));
    });
  }

  /**
   * The files that use the serializer; a use as a base class (`class SpeakerOrgaSerializer(SpeakerSerializer):`) stands
   * for the subclass's own uses (its method fields are inherited), followed a few levels.
   */
  private userFiles(name: string, depth: number): string[] {
    const out: string[] = [];
    for (const [file, at] of this.usesOf(name)) {
      // A test serializing one object it built (`SpeakerSerializer(speaker).data`) preloads nothing and lists nothing.
      if (codeContextOf(file) === 'test') continue;
      const text = this.python.get(file)!;
      const sub = depth < 3 ? /^class\s+(\w+)\s*\([^)]*$/.exec(text.slice(text.lastIndexOf('\n', at - 1) + 1, at)) : null;
      if (sub) out.push(...this.userFiles(sub[1], depth + 1));
      else out.push(file);
    }
    return out;
  }

  /** Every file that uses the serializer preloads the relation. */
  private preloadedByUsers(name: string, relation: string): boolean {
    const files = new Set(this.userFiles(name, 0));
    if (!files.size) return false;
    const named = new RegExp(`['"]${escapeRe(relation)}(__\\w+)?['"]`);
    return [...files].every((f) => {
      const text = this.python.get(f)!;
      for (const m of text.matchAll(/\b(prefetch_related|Prefetch)\s*\(/g)) {
        const args = argsAt(text, m.index! + m[0].length - 1);
        if (named.test(args)) return true;
        // Preloads computed at run time (`prefetch_related(*prefetches)`): taken as preloading all, as drfViews does.
        if (m[1] === 'prefetch_related' && /^\s*\*\s*\w+\s*$/.test(args)) return true;
      }
      return false;
    });
  }

  adjust(findings: Finding[]): Finding[] {
    const reached = this.tsClasses.length && this.listed.size ? this.reachedThroughLists() : undefined;
    const resolved = new Set(this.tsClasses.map((c) => c.type));
    return findings.filter((f) => {
      const ev = f.evidence as { loop?: string; call?: string; kind?: string } | undefined;
      const loop = ev?.loop ?? '';
      const file = f.file ?? '';
      const r = RESOLVER_LOOP.exec(loop);
      if (r && reached && /\.(ts|tsx|js|mjs|cjs)$/.test(file)) return !resolved.has(r[1]) || reached.has(r[1]);
      const s = SERIALIZER_LOOP.exec(loop);
      if (!s || !file.endsWith('.py') || !this.python.size) return true;
      if (this.onlyForOneObject(s[1])) return false;
      const rel = ev?.kind === 'lazy-relation' ? /^\w+\.(\w+)\./.exec(ev.call ?? '')?.[1] : undefined;
      return !(rel && this.preloadedByUsers(s[1], rel));
    });
  }
}
