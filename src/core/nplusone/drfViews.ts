/**
 * Implicit N+1 in Django REST framework views: a list view serializes every row of its queryset,
 * and the serializer reads relations per row — nested serializers (`author = UserSerializer()`),
 * related fields with `many=True`, `source='author.name'`, and many-to-many fields a ModelSerializer
 * lists in `Meta.fields` (a primary-key list per row). Without `select_related`/`prefetch_related`
 * for them, each row costs one query per relation. No loop in the view shows it.
 *
 * Learned from the project itself (Python files, read as text, bounded):
 *  - models: `ForeignKey`/`OneToOneField` (one), `ManyToManyField` (many), and the reverse names
 *    their `related_name` gives the target model; Django's own User/Group many-to-many fields;
 *  - serializers: `Meta.model`, `Meta.fields` (inherited through `class Meta(Base.Meta)`), declared
 *    fields (also from serializer base classes of the project);
 *  - views: classes that list (ModelViewSet, ReadOnlyModelViewSet, ListModelMixin, ListAPIView …,
 *    directly or through the project's base classes) with a class-level `queryset = Model.…` and
 *    `serializer_class` (or `self.serializer_class = …`); what they preload is every relation named
 *    in `select_related`/`prefetch_related`/`Prefetch` in the class or its project base classes.
 * Reported where the fix goes — the view's `queryset` — with the serializer fields as related locations.
 * A view that writes its own `list()` or whose queryset model differs from the serializer's is left alone.
 */
import type { Finding } from '../findings';
import { lineStarts, positionAt } from '../findings';
import { RULE_ID } from './ruleId';
import type { NPlusOneEvidence } from './detect';
import type { Rewrite } from './rewrites';
import { pythonLanguage } from '../languages/python/language';

export interface PyClass {
  file: string;
  name: string;
  bases: string[];
  /** Offset of the class header and of its body's end in the file text. */
  start: number;
  end: number;
  body: string;
}

interface Relation {
  many: boolean;
  /** The related model's class (undefined when the field does not name it: a manager like `TaggableManager()`). */
  target?: string;
  /** A reverse relation (`related_name`, `<model>_set`): `fields = '__all__'` does not list it. */
  reverse?: boolean;
  /** A one-to-one field: filtering by it gives one row. */
  unique?: boolean;
}

interface SerializerField {
  name: string;
  /** The relation read per object (first segment of `source`, else the name). */
  relation?: string;
  nested: boolean;
  many: boolean;
  writeOnly: boolean;
  method: boolean;
  /** SlugRelatedField / StringRelatedField: they read the related object itself. */
  readsObject: boolean;
  offset: number;
}

/** Django's own models' many-to-many fields. */
const BUILTIN: Record<string, Record<string, Relation>> = {
  User: { groups: { many: true }, user_permissions: { many: true } },
  Group: { permissions: { many: true } },
};

const RELATION_FIELDS = pythonLanguage.relationFields;
/** A model's relation field (the Python registry's `relationFields`, an app's subclass by suffix): its name, its class. */
export const RELATION_FIELD = new RegExp(`^ {4}(\\w+)\\s*[:=][^=\\n]*?\\b(?:\\w+\\.)?(\\w*(?:${Object.keys(RELATION_FIELDS).join('|')}))\\s*\\(`, 'gm');

/** 'one' or 'many' for a relation field's class (`ParentalManyToManyField` → many, `TaggableManager` → many). */
export function relationKind(cls: string): 'one' | 'many' | undefined {
  const k = Object.keys(RELATION_FIELDS).filter((n) => cls.endsWith(n)).sort((a, b) => b.length - a.length)[0];
  return k ? RELATION_FIELDS[k] : undefined;
}

/** A relation field's target model: its first positional argument (or `to=`); none for a manager (`TaggableManager(blank=True)`). */
export function relationTarget(args: string): string | undefined {
  const m = /^\s*(?:to\s*=\s*)?(?:lambda\s*:\s*)?['"]?(?:[\w]+\.)?(\w+)['"]?\s*(?:,|$)/.exec(args);
  return m && !/^\s*\w+\s*=/.test(args.replace(/^\s*to\s*=/, '')) ? m[1] : undefined;
}
const LISTS = /\b(?:ModelViewSet|ReadOnlyModelViewSet|ListModelMixin|ListAPIView|ListCreateAPIView)\b/;

/** Top-level classes of a Python file, each with its body text (to the next top-level statement). */
export function classesOf(file: string, text: string): PyClass[] {
  const out: PyClass[] = [];
  for (const m of text.matchAll(/^class\s+(\w+)\s*/gm)) {
    const start = m.index!;
    let at = start + m[0].length;
    // Bases may hold calls (`ExportModelOperationsMixin('user_files')`): read them balanced.
    const basesText = text[at] === '(' ? argsFrom(text, at) : '';
    if (text[at] === '(') at += basesText.length + 2;
    const colon = /^\s*:/.exec(text.slice(at, at + 20));
    if (!colon) continue;
    const after = at + colon[0].length;
    // The body ends at the next line that starts at column 0 with code (not a comment or blank).
    const next = /\n(?=[^\s#\n])/g;
    next.lastIndex = after;
    const e = next.exec(text);
    const end = e ? e.index : text.length;
    const bases = basesText.split(',').map((b) => b.replace(/[[(].*$/s, '').trim()).filter(Boolean).map((b) => b.split('.').pop()!);
    out.push({ file, name: m[1], bases, start, end, body: text.slice(start, end) });
  }
  return out;
}

/** The call's argument text from an opening parenthesis (balanced, bounded). */
export function argsFrom(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < Math.min(text.length, open + 4000); i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return text.slice(open + 1, i);
    }
  }
  return text.slice(open + 1, open + 4000);
}

/** `class Meta:` of a class body: its own text (indented under it). */
function metaOf(body: string): { text: string; base?: string } | undefined {
  const m = /^ {4}class\s+Meta\s*(?:\(([^)]*)\))?\s*:\s*\n((?: {8}.*\n|\s*\n)*)/m.exec(body);
  return m ? { text: m[2], base: m[1]?.trim().split('.')[0] } : undefined;
}

function stringsIn(s: string): string[] {
  return [...s.matchAll(/['"]([\w.]+)['"]/g)].map((m) => m[1]);
}

export class DrfViews {
  private readonly classes = new Map<string, PyClass[]>();
  private readonly texts = new Map<string, string>();

  /** Every Python file: only those naming models, serializers or views are kept. */
  addPython(file: string, text: string): void {
    if (!/models\.Model|ForeignKey|ManyToManyField|Serializer|serializer_class|@(?:cached_)?property/.test(text)) return;
    this.texts.set(file, text);
    for (const c of classesOf(file, text)) this.classes.set(c.name, [...(this.classes.get(c.name) ?? []), c]);
  }

  findings(): Finding[] {
    if (![...this.texts.values()].some((t) => /serializer_class/.test(t) && /rest_framework/.test(t))) return [];
    const relations = this.modelRelations();
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const [, list] of this.classes) {
      for (const view of list) {
        if (!/serializer_class/.test(view.body) || !this.lists(view, new Set())) continue;
        if (/^ {4}def\s+list\s*\(/m.test(view.body)) continue;
        // `Model.objects…`, or through the models module (`models.Feeding.objects.all()`).
        const qs = /^ {4}queryset\s*=\s*(?:[a-z_]\w*\.)?([A-Z]\w*)\.(\w+)[^\n]*/m.exec(view.body);
        if (!qs) continue;
        const model = qs[1];
        const preloaded = this.preloads(view, new Set());
        const serializers = new Set([...view.body.matchAll(/\b(?:self\.)?serializer_class\s*=\s*(?:\w+\.)*(\w+)/g)].map((m) => m[1]));
        for (const sname of serializers) {
          const ser = this.unique(sname);
          if (!ser) continue;
          const meta = this.metaModel(ser, new Set());
          if (meta && meta !== model) continue;
          const rels = { ...(BUILTIN[model] ?? {}), ...(relations.get(model) ?? {}) };
          // `filter(user=self.request.user)` on a one-to-one field: the list is one row.
          if (Object.entries(rels).some(([k, r]) => r.unique && new RegExp(`\\b${k}\\s*=\\s*(?:self\\.)?request\\.user\\b`).test(view.body))) continue;
          const names = new Set([...preloaded.names, ...this.serializerPrefetches(ser)]);
          if (!preloaded.all) this.propertyFinding(view, model, ser, seen, out, names);
          const reads = this.reads(ser, rels);
          const missing = reads.filter((r) => !preloaded.all && !names.has(r.relation));
          if (!missing.length) continue;
          const key = `${view.file}:${view.start}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push(this.finding(view, qs, model, ser, missing));
        }
      }
    }
    for (const [, list] of this.classes) for (const view of list) this.fromGetQueryset(view, relations, seen, out);
    return out;
  }

  /**
   * A view without a class-level `queryset` whose `get_queryset()` returns `Model.objects…` and whose
   * handler serializes it with `many=True` (`Serializer(self.get_queryset(), many=True)`, a paginator's
   * `on_results=lambda rows: Serializer(rows, many=True)`), or a listing viewset without its own
   * `list()` and with a `serializer_class`: judged like a list view, reported at the
   * queryset's `select_related`/`prefetch_related` (where the fix goes), else at its `return`.
   */
  private fromGetQueryset(view: PyClass, relations: Map<string, Record<string, Relation>>, seen: Set<string>, out: Finding[]): void {
    // A listing view (ModelViewSet …) without its own list() serializes get_queryset() with serializer_class.
    const listsByDefault = /serializer_class/.test(view.body) && this.lists(view, new Set()) && !/^ {4}def\s+list\s*\(/m.test(view.body);
    if (/^ {4}queryset\s*=/m.test(view.body) || (!/self\.get_queryset\(\)/.test(view.body) && !listsByDefault)) return;
    const gq = /^ {4}def\s+get_queryset\s*\(self[^)]*\)\s*(?:->[^:]+)?:\s*\n((?: {8}.*\n|\s*\n)*)/m.exec(view.body);
    if (!gq) return;
    const ret = /^ {8}return\s*\(?\s*(?:[a-z_]\w*\.)?([A-Z]\w*)\.(objects|\w+_objects)\b/m.exec(gq[1]);
    if (!ret) return;
    const model = ret[1];
    const serializers = new Set([...view.body.matchAll(/\b(\w+Serializer)\(\s*[\w.()]+\s*,\s*many\s*=\s*True/g)].map((m) => m[1]));
    if (listsByDefault) for (const m of view.body.matchAll(/^ {4}serializer_class\s*=\s*(?:\w+\.)*(\w+)/gm)) serializers.add(m[1]);
    if (!serializers.size) return;
    const preloaded = this.preloads(view, new Set());
    if (preloaded.all) return;
    const rels = { ...(BUILTIN[model] ?? {}), ...(relations.get(model) ?? {}) };
    if (Object.entries(rels).some(([k, r]) => r.unique && new RegExp(`\\b${k}\\s*=\\s*(?:self\\.)?request\\.user\\b`).test(view.body))) return;
    for (const sname of serializers) {
      const ser = this.imported(sname, view.file);
      if (!ser) continue;
      const meta = this.metaModel(ser, new Set());
      if (meta !== model) continue;
      const names = new Set([...preloaded.names, ...this.serializerPrefetches(ser)]);
      this.propertyFinding(view, model, ser, seen, out, names);
      const missing = this.reads(ser, rels).filter((r) => !names.has(r.relation));
      const key = `${view.file}:${view.start}`;
      if (!missing.length || seen.has(key)) continue;
      seen.add(key);
      const gqAt = view.start + gq.index + gq[0].length - gq[1].length;
      const preload = /\.(select_related|prefetch_related)\(/.exec(gq[1]);
      const at = preload ? gqAt + preload.index + 1 : gqAt + ret.index + ret[0].indexOf(model);
      const lineEnd = this.texts.get(view.file)?.indexOf('\n', at) ?? -1;
      out.push(this.findingAt(view, { start: at, end: lineEnd > at ? lineEnd : at + 1 }, `${model}.${ret[2]}…`, model, ser, missing));
    }
  }

  /**
   * The class a file means by a name defined more than once: the one in the module the file imports
   * it from (`from plane.api.serializers import (…, IntakeIssueSerializer)` → plane/api/serializers/…).
   */
  private imported(name: string, file: string): PyClass | undefined {
    const l = this.classes.get(name);
    if (!l || l.length < 2) return l?.[0];
    const text = this.texts.get(file) ?? '';
    const from = [...text.matchAll(/^from\s+([\w.]+)\s+import\s+(\([^)]*\)|[^\n]*)/gm)].find((m) => new RegExp(`\\b${name}\\b`).test(m[2]))?.[1];
    if (!from || from.startsWith('.')) return undefined;
    const path = from.replace(/\./g, '/');
    const hits = l.filter((c) => c.file.includes(`/${path}/`) || c.file.endsWith(`/${path}.py`) || c.file.startsWith(`${path}/`) || c.file === `${path}.py`);
    return hits.length === 1 ? hits[0] : undefined;
  }

  /**
   * Relations a serializer prefetches for its rows itself: `prefetch_related_objects(data, "tags")` in its own body or
   * in the list serializer its Meta names (`list_serializer_class = BookmarkListSerializer`, whose `to_representation`
   * prefetches the page before serializing it). Reads of those relations cost no query per row.
   */
  private serializerPrefetches(ser: PyClass): Set<string> {
    const out = new Set<string>();
    const list = /\blist_serializer_class\s*=\s*(?:\w+\.)*(\w+)/.exec(metaOf(ser.body)?.text ?? '')?.[1];
    const bodies = [ser.body, ...(list ? [this.unique(list)?.body ?? ''] : [])];
    for (const b of bodies) {
      for (const m of b.matchAll(/\bprefetch_related_objects\s*\(/g)) for (const name of stringsIn(argsFrom(b, m.index + m[0].length - 1))) out.add(name.split('__')[0]);
    }
    return out;
  }

  /**
   * Properties of the model and its project base classes (mixins too) whose body queries: `Model.objects…`,
   * `self.history…` (django-simple-history), `self.<relation>.all()/filter()/count()…`, directly or
   * through a function of the same file it hands `self` (`collect_author_history(self)`).
   */
  private queryingProperties(model: string, seen: Set<string>): Map<string, { file: string; offset: number; relation?: string }> {
    const out = new Map<string, { file: string; offset: number; relation?: string }>();
    const c = this.unique(model);
    if (!c || seen.has(model) || seen.size > 8) return out;
    seen.add(model);
    const QUERY = /\.objects\.|\.history\.|\bself\.\w+\.(?:all|filter|exclude|count|exists|first|last|values_list|values|aggregate|order_by|get)\(/;
    const text = this.texts.get(c.file) ?? '';
    for (const m of c.body.matchAll(/^ {4}@(?:property|cached_property)\s*\n {4}def\s+(\w+)\s*\(self[^)]*\)[^:\n]*:\s*\n((?: {8}.*\n|\s*\n)*)/gm)) {
      const body = m[2];
      const helper = [...body.matchAll(/\b(\w+)\(\s*self\b/g)].some((h) => {
        const def = new RegExp(`^def\\s+${h[1]}\\s*\\([^)]*\\)[^:\\n]*:\\s*\\n((?: {4}.*\\n|\\s*\\n)*)`, 'm').exec(text);
        return !!def && QUERY.test(def[1].replace(/self\./g, ''));
      });
      // `return self.tags.count()`, or a body whose only reads are `self.tags.all()` (`[t.name for t in self.tags.all()]`):
      // a prefetch of that relation answers it.
      const allOf = [...new Set([...body.matchAll(/\bself\.(\w+)\.all\(\)/g)].map((a) => a[1]))];
      const relation = /^\s*return\s+self\.(\w+)\.(?:all|count|exists)\(\)\s*$/m.exec(body)?.[1]
        ?? (allOf.length === 1 && !helper && !QUERY.test(body.replace(/\bself\.\w+\.all\(\)/g, '')) ? allOf[0] : undefined);
      if (QUERY.test(body) || helper) out.set(m[1], { file: c.file, offset: c.start + m.index!, ...(relation ? { relation } : {}) });
    }
    for (const b of c.bases) for (const [k, v] of this.queryingProperties(b, seen)) if (!out.has(k)) out.set(k, v);
    return out;
  }

  /**
   * The serializer of a list view reads, for every row, a model property that queries (a history
   * look-up, a count): one query per row that no select_related/prefetch_related removes. Reported at
   * the serializer's field (or its Meta), the property as the related location.
   */
  private propertyFinding(view: PyClass, model: string, ser: PyClass, seen: Set<string>, out: Finding[], preloaded: Set<string>): void {
    const props = this.queryingProperties(model, new Set());
    // `self.ip_addresses.count()` on a relation the view prefetches is answered from the cache.
    for (const [k, p] of props) if (p.relation && preloaded.has(p.relation)) props.delete(k);
    if (!props.size) return;
    const declared = this.declared(ser, new Set());
    const listed = this.metaFields(ser, new Set()) ?? [];
    const reads: { name: string; file: string; offset: number }[] = [];
    for (const name of new Set([...listed, ...declared.keys()])) {
      const d = declared.get(name);
      const prop = d?.relation ?? name;
      if (d && (d.method || d.writeOnly || d.nested)) continue;
      if (!props.has(prop)) continue;
      const metaAt = ser.start + (/^ {4}class\s+Meta\b/m.exec(ser.body)?.index ?? 0);
      reads.push({ name: prop, file: d ? d.cls.file : ser.file, offset: d ? d.offset + 4 : metaAt });
    }
    const key = `${ser.file}:${ser.start}:properties`;
    if (!reads.length || seen.has(key)) return;
    seen.add(key);
    const first = reads[0];
    const lineEnd = this.texts.get(first.file)?.indexOf('\n', first.offset) ?? -1;
    const names = reads.map((r) => `\`${r.name}\``).join(', ');
    const help = `Compute ${names} for all rows in one query (an annotation, or one query grouped by ${model.toLowerCase()}), not in a property read per row.`;
    const rewrite: Rewrite = {
      title: 'Compute the property for all rows at once',
      language: 'python',
      code: `# one query for the whole page instead of one per ${model.toLowerCase()}:\nqueryset = ${model}.objects.annotate(…)  # or build a dict {pk: value} once and read it in the serializer`,
      help,
    };
    const evidence: NPlusOneEvidence = {
      kind: 'query-in-loop', implicit: true, library: 'django', call: `${ser.name}: ${reads.map((r) => r.name).join(', ')}`, loop: `the list serialization of ${view.name}`, variable: model.toLowerCase(), iterable: 'queryset', rewrite,
    };
    out.push({
      ruleId: RULE_ID,
      severity: 'warning',
      message: `N+1 query (serializer): ${ser.name} reads the ${model} propert${reads.length > 1 ? 'ies' : 'y'} ${names} for every row ${view.name} lists, and ${reads.length > 1 ? 'each queries' : 'it queries'} the database (one query per row). Annotate the value on the queryset or compute it for all rows at once.`,
      span: { start: first.offset, end: lineEnd > first.offset ? lineEnd : first.offset + 1 },
      file: first.file,
      help,
      fixes: [{ title: `Show the batched rewrite: ${rewrite.title}`, edits: [], command: { id: 'pgLens.showNPlusOneRewrite', args: [rewrite] } }],
      related: reads.slice(0, 4).map((r) => {
        const p = props.get(r.name)!;
        return { file: p.file, line: this.lineIn(p.file, p.offset), span: { start: p.offset + 4, end: p.offset + 4 + r.name.length }, message: `the property \`${r.name}\` queries` };
      }),
      evidence: evidence as unknown as Record<string, unknown>,
    });
  }

  /** A class with exactly one definition in the project (ambiguous names are not guessed). */
  /** 1-based line of an offset in a file read here (a related place in another file goes by its line). */
  private lineIn(file: string, offset: number): number {
    return positionAt(lineStarts(this.texts.get(file) ?? ''), offset).line + 1;
  }

  private unique(name: string): PyClass | undefined {
    const l = this.classes.get(name);
    return l?.length === 1 ? l[0] : undefined;
  }

  /** Whether the view lists: a listing DRF base, directly or through the project's base classes. */
  private lists(c: PyClass, seen: Set<string>): boolean {
    if (seen.has(c.name) || seen.size > 8) return false;
    seen.add(c.name);
    if (LISTS.test(c.bases.join(' '))) return true;
    return c.bases.some((b) => {
      const base = this.unique(b);
      return base ? this.lists(base, seen) : false;
    });
  }

  /** Relations the view (or its project base classes) preloads; `all` for a bare `select_related()`. */
  private preloads(c: PyClass, seen: Set<string>): { names: Set<string>; all: boolean } {
    const names = new Set<string>();
    let all = false;
    if (seen.has(c.name) || seen.size > 8) return { names, all };
    seen.add(c.name);
    for (const m of c.body.matchAll(/\b(select_related|prefetch_related|Prefetch)\s*\(/g)) {
      const args = argsFrom(c.body, m.index! + m[0].length - 1);
      // A bare `select_related()`, or preloads computed at run time (`prefetch_related(*prefetches)`,
      // NetBox's prefetches derived from the serializer): everything is taken as preloaded.
      if ((!args.trim() && m[1] === 'select_related') || (m[1] !== 'Prefetch' && /^\s*\*/.test(args))) all = true;
      for (const s of stringsIn(m[1] === 'Prefetch' ? args.split(',')[0] : args)) names.add(s.split('__')[0]);
    }
    for (const b of c.bases) {
      const base = this.unique(b);
      if (!base) continue;
      const p = this.preloads(base, seen);
      p.names.forEach((n) => names.add(n));
      all ||= p.all;
    }
    return { names, all };
  }

  private metaModel(c: PyClass, seen: Set<string>): string | undefined {
    if (seen.has(c.name) || seen.size > 8) return undefined;
    seen.add(c.name);
    const meta = metaOf(c.body);
    const m = meta ? /^\s*model\s*=\s*(?:[a-z_]\w*\.)?(\w+)/m.exec(meta.text) : null;
    if (m) return m[1];
    for (const b of c.bases) {
      const base = this.unique(b);
      const r = base ? this.metaModel(base, seen) : undefined;
      if (r) return r;
    }
    return undefined;
  }

  /** `Meta.fields` of the serializer or the Meta it inherits; undefined when not listed. */
  private metaFields(c: PyClass, seen: Set<string>): string[] | undefined {
    if (seen.has(c.name) || seen.size > 8) return undefined;
    seen.add(c.name);
    const meta = metaOf(c.body);
    const f = meta ? /^\s*fields\s*=\s*([([])/m.exec(meta.text) : null;
    if (meta && f) return stringsIn(argsFrom(meta.text, f.index + f[0].length - 1));
    if (meta && /^\s*fields\s*=\s*['"]__all__['"]/m.test(meta.text)) return ['__all__'];
    const bases = meta?.base ? [meta.base, ...c.bases] : c.bases;
    for (const b of bases) {
      const base = this.unique(b);
      const r = base ? this.metaFields(base, seen) : undefined;
      if (r) return r;
    }
    return undefined;
  }

  /** Declared fields of the serializer and its project serializer bases (the class's own win). */
  private declared(c: PyClass, seen: Set<string>): Map<string, SerializerField & { cls: PyClass }> {
    const out = new Map<string, SerializerField & { cls: PyClass }>();
    if (seen.has(c.name) || seen.size > 8) return out;
    seen.add(c.name);
    for (const m of c.body.matchAll(/^ {4}(\w+)\s*(?::\s*[^=\n]+)?=\s*([\w.]+)\s*\(/gm)) {
      const callee = m[2].split('.').pop()!;
      if (!/Serializer$|Field$/.test(callee) || m[1] === 'Meta') continue;
      const args = argsFrom(c.body, m.index! + m[0].length - 1);
      const source = /\bsource\s*=\s*['"]([\w.*]+)['"]/.exec(args)?.[1];
      out.set(m[1], {
        name: m[1], cls: c,
        relation: source === '*' ? undefined : (source ?? m[1]).split('.')[0],
        nested: /Serializer$/.test(callee) && !/ListSerializer$/.test(callee),
        // A field that reads a relation by itself (taggit's TagListSerializerField: `tags.all()` per object).
        many: /\bmany\s*=\s*True/.test(args) || pythonLanguage.relationSerializerFields[callee] === 'many',
        writeOnly: /\bwrite_only\s*=\s*True/.test(args),
        method: /SerializerMethodField$/.test(callee),
        readsObject: /^(SlugRelatedField|StringRelatedField)$/.test(callee) || pythonLanguage.relationSerializerFields[callee] === 'one' || (!!source && source.includes('.')),
        offset: c.start + m.index!,
      });
    }
    for (const b of c.bases) {
      const base = this.unique(b);
      if (!base || !/Serializer|Mixin/.test(b)) continue;
      for (const [k, v] of this.declared(base, seen)) if (!out.has(k)) out.set(k, v);
    }
    return out;
  }

  /** Relations the serializer reads for every object: nested, many, by source or slug, and listed many-to-many fields. */
  private reads(c: PyClass, rels: Record<string, Relation>): { relation: string; file: string; offset: number; how: string }[] {
    const declared = this.declared(c, new Set());
    const listed = this.metaFields(c, new Set());
    // `fields = '__all__'` lists the model's own fields (many-to-many included), never its reverse relations.
    const names = listed && !listed.includes('__all__') ? listed : listed ? [...new Set([...declared.keys(), ...Object.keys(rels).filter((k) => !rels[k].reverse)])] : [...declared.keys()];
    const out: { relation: string; file: string; offset: number; how: string }[] = [];
    const metaAt = c.start + (/^ {4}class\s+Meta\b/m.exec(c.body)?.index ?? 0);
    for (const name of names) {
      const d = declared.get(name);
      if (d) {
        if (d.writeOnly || d.method || !d.relation) continue;
        const known = d.relation in rels;
        // A nested serializer over a JSON column or a property is no relation: when the model's
        // relations are known, the name must be one of them.
        if ((d.nested && (known || !Object.keys(rels).length)) || (d.many && (known || !/_ids?$/.test(d.relation))) || (d.readsObject && (known || d.nested))) {
          out.push({ relation: d.relation, file: d.cls.file, offset: d.offset, how: d.nested ? `nested ${d.many ? 'list' : 'object'}` : d.many ? 'related list' : 'related object' });
        }
      } else if (rels[name]?.many) {
        out.push({ relation: name, file: c.file, offset: metaAt, how: 'many-to-many primary keys' });
      }
    }
    const seen = new Set<string>();
    return out.filter((r) => (seen.has(r.relation) ? false : (seen.add(r.relation), true)));
  }

  /** Model → relation fields, with reverse names from `related_name`. */
  private modelRelations(): Map<string, Record<string, Relation>> {
    return djangoModelRelations([...this.classes.values()].flat());
  }

  /** The finding at a class-level `queryset = Model.objects…` (its expression). */
  private finding(view: PyClass, qs: RegExpExecArray, model: string, ser: PyClass, missing: { relation: string; file: string; offset: number; how: string }[]): Finding {
    const start = view.start + qs.index + qs[0].indexOf('=') + 1 + (qs[0].slice(qs[0].indexOf('=') + 1).length - qs[0].slice(qs[0].indexOf('=') + 1).trimStart().length);
    const end = view.start + qs.index + qs[0].length;
    return this.findingAt(view, { start, end }, qs[0].replace(/^ {4}queryset\s*=\s*/, '').trim(), model, ser, missing);
  }

  private findingAt(view: PyClass, at: { start: number; end: number }, expr: string, model: string, ser: PyClass, missing: { relation: string; file: string; offset: number; how: string }[]): Finding {
    const { start, end } = at;
    const names = missing.map((m) => m.relation);
    const many = missing.filter((m) => /list|many/.test(m.how)).map((m) => `'${m.relation}'`);
    const one = missing.filter((m) => !/list|many/.test(m.how)).map((m) => `'${m.relation}'`);
    const fix = `${expr}${one.length ? `.select_related(${one.join(', ')})` : ''}${many.length ? `.prefetch_related(${many.join(', ')})` : ''}`;
    const help = `Preload what ${ser.name} reads for every row: ${one.length ? `select_related(${one.join(', ')})` : ''}${one.length && many.length ? ' and ' : ''}${many.length ? `prefetch_related(${many.join(', ')})` : ''} on this queryset (or in get_queryset).`;
    const rewrite: Rewrite = { title: 'Preload the serializer\'s relations', language: 'python', code: `queryset = ${fix}`, help };
    const evidence: NPlusOneEvidence = {
      kind: 'lazy-relation', implicit: true, library: 'django', call: `${ser.name}: ${names.join(', ')}`, loop: `the list serialization of ${view.name}`, variable: model.toLowerCase(), iterable: 'queryset', rewrite,
    };
    const lineOf = (file: string, offset: number) => this.lineIn(file, offset);
    return {
      ruleId: RULE_ID,
      severity: 'warning',
      message: `N+1 query (serializer): ${ser.name} reads ${names.map((n) => `\`${n}\``).join(', ')} for every ${model} ${view.name} lists; this queryset does not select_related/prefetch_related ${names.length > 1 ? 'them' : 'it'} (one query per row${names.length > 1 ? ' per relation' : ''}).`,
      span: { start, end: Math.max(start + 1, end) },
      file: view.file,
      help,
      fixes: [{ title: `Show the batched rewrite: ${rewrite.title}`, edits: [], command: { id: 'pgLens.showNPlusOneRewrite', args: [rewrite] } }],
      related: missing.slice(0, 6).map((m) => ({ file: m.file, line: lineOf(m.file, m.offset), span: { start: m.offset + 4, end: m.offset + 4 + m.relation.length }, message: `\`${m.relation}\` (${m.how}) read per ${model} by ${ser.name} (line ${lineOf(m.file, m.offset)})` })),
      evidence: evidence as unknown as Record<string, unknown>,
    };
  }
}

/** Django models' relation fields (model → name → relation), with the reverse names `related_name` (or `<model>_set`) gives the target. */
export function djangoModelRelations(classes: Iterable<PyClass>): Map<string, Record<string, Relation>> {
  const out = new Map<string, Record<string, Relation>>();
  const add = (model: string, name: string, r: Relation) => out.set(model, { ...(out.get(model) ?? {}), [name]: r });
  for (const c of classes) {
    if (/Serializer|ViewSet|View$|Admin|Form|Filter/.test(c.name)) continue;
    for (const m of c.body.matchAll(RELATION_FIELD)) {
      const args = argsFrom(c.body, m.index! + m[0].length - 1);
      const many = relationKind(m[2]) === 'many';
      const target = relationTarget(args);
      const owner = target === 'self' ? c.name : target;
      add(c.name, m[1], { many, ...(/OneToOne/.test(m[2]) ? { unique: true } : {}), ...(owner ? { target: owner } : {}) });
      const related = /\brelated_name\s*=\s*['"](\w+)['"]/.exec(args)?.[1];
      // Without related_name Django names the reverse `<model>_set` (a one-to-one: `<model>`).
      const reverse = related ?? (/OneToOne/.test(m[2]) ? c.name.toLowerCase() : `${c.name.toLowerCase()}_set`);
      if (owner && !reverse.endsWith('+')) add(owner, reverse, { many: many || !/OneToOne/.test(m[2]), reverse: true, target: c.name });
    }
  }
  return out;
}
