/**
 * Implicit N+1 in Jinja templates (Flask, Quart, FastAPI/Starlette's Jinja2Templates) over SQLAlchemy models: a view
 * renders a template with the rows of a query (`render_template('forum.html', topics=…)`,
 * `templates.TemplateResponse("x.html", {"request": request, "posts": posts})`), and the template reads, per item of a
 * `{% for t in topics %}` (or `topics.items`, a pagination object), a relationship the query did not load
 * (`t.last_post.user.username`): one lazy load per row while the page renders. No loop in the view shows it.
 *
 * Learned from the app itself (bounded):
 *  - the view: each keyword of the render call (each key of the context dict), followed back through the function's
 *    assignments to the query that made it — `Model.query…`, `select(Model)…` handed to `db.paginate`/`session.scalars`,
 *    `db.session.query(Model, …)`, an owner's relationship (`user.posts.order_by(…)`), a model method returning one of
 *    those — and what that chain eager-loads (`options(joinedload/selectinload/subqueryload/contains_eager(…))`);
 *  - the template: its `{% for %}` loops over those names (`.items` of a pagination), nested loops over an item's
 *    relationship, `{% include %}` / `{% extends %}` (which see the same context) and macros called with a loop item;
 *  - the models: every `relationship(…)` / `db.relationship(…)` and `backref=`, with its `lazy=` (joined, selectin,
 *    subquery, immediate load with the parent; raise and noload never query; dynamic is a query per access, eager
 *    loading refused; write_only reads nothing by itself) and whether it is a many-to-one (joinedload) or a collection.
 * Django templates go through the same walk (djt22): class-based list/detail views and `render(request, …)` give the
 * context, the Django models' relation fields (drfViews' `djangoModelRelations`, the registry's `relationFields`) are the
 * relationships (lazy), and the view's `select_related`/`prefetch_related` what is loaded; worded in Django's terms.
 * Reported where the fix goes (the view's query), with the template line as related location. An item whose
 * many-to-one is the owner the rows came from (`user.posts` → `post.author`, `with_parent(category)`) is in the session
 * already: no query. Anything not understood reports nothing.
 */
import type { Finding } from '../findings';
import { lineStarts, positionAt } from '../findings';
import { withSourceTree } from '../syntax/treeSitter';
import { field, named, stringValue, type Node } from './syntax';
import { RULE_ID } from './ruleId';
import type { NPlusOneEvidence } from './detect';
import type { Rewrite } from './rewrites';
import { pythonLanguage } from '../languages/python/language';
import { eagerOptions, noEagerWords, saRelationships, type SaRelationship } from '../record/batchedForm';
import { argsFrom, classesOf, djangoModelRelations, type PyClass } from './drfViews';

/** A Jinja template the pass reads: the Python language's template extensions (the registry), in a `templates/` folder. */
export const JINJA_TEMPLATE = new RegExp(`(^|/)templates/.+(${Object.keys(pythonLanguage.templates).map((e) => e.replace('.', '\\.')).join('|')})$`, 'i');

/** A file this big is not read (generated pages, bundles). */
const MAX_TEXT = 400_000;
/** Include / extends / macro levels followed from a rendered template. */
const MAX_DEPTH = 4;
/** Loaders that load a relationship with the parent query (or forbid its lazy load). */
const LOADER = /\b(joinedload|selectinload|subqueryload|contains_eager|immediateload|raiseload|noload)\s*\(/g;
/** Relationship loader strategies that issue no query per item when the template reads them. */
const NO_QUERY_LAZY = /^(joined|selectin|subquery|immediate|raise|raise_on_sql|noload|write_only|False|None)$/;

/**
 * Django's class-based views that render a page of rows (`object_list`) and those that render one object: by the name
 * of a base class, the app's own bases followed (`FeedingList(BabyBuddyFilterView)` → django-filter's FilterView).
 */
const DJANGO_LIST_VIEW = /(?:ListView|FilterView|ArchiveView|ArchiveIndexView|MultipleObjectMixin|SingleTableView)$/;
const DJANGO_DETAIL_VIEW = /DetailView$/;
/** Django's render calls: a template name and a context dict (`render(request, 'x.html', {...})`, `render_to_string`). */
const DJANGO_RENDER = /(?:^|\.)(?:render|render_to_string)$/;

/** Where a context variable's rows come from. */
interface Origin {
  model: string;
  /** One object (`get_or_404`, `first()`), not rows. */
  single: boolean;
  /** Where the fix goes: the query expression of the view. */
  file: string;
  span: { start: number; end: number };
  /** Every expression text followed to reach the query (its options are read from them). */
  text: string;
  /** The relationship the rows were read through (`user.posts` → User.posts): its reverse is their owner, in the session. */
  via?: SaRelationship;
  /** `with_parent(category)`: the class of that parent (the rows' many-to-one to it is in the session). */
  parentClass?: string;
  /** `session.query(A, B)` / `add_columns(…)`: the entity of each element of a row tuple (first the model). */
  entities?: string[];
}

/** A loop item of a template: the model it is, how it was reached from the context variable. */
interface Binding {
  model: string;
  origin: Origin;
  variable: string;
  /** The context variable the loop reads. */
  source: string;
  /** Relationships from the origin's rows (or its one object) to this item. */
  path: SaRelationship[];
}

interface Access {
  origin: Origin;
  source: string;
  variable: string;
  /** The relationships from the origin's rows down to the lazy one (its last element). */
  path: SaRelationship[];
  file: string;
  line: number;
  span: { start: number; end: number };
  text: string;
}

interface Tag {
  kind: 'stmt' | 'expr';
  text: string;
  /** Offset of the inner text in the template. */
  at: number;
}

/** The `{% %}` statements and `{{ }}` expressions of a template, comments and `{% raw %}` left out. */
export function jinjaTags(text: string): Tag[] {
  const out: Tag[] = [];
  let raw = false;
  for (const m of text.matchAll(/\{#[\s\S]*?#\}|\{%[-+]?([\s\S]*?)[-+]?%\}|\{\{-?([\s\S]*?)-?\}\}/g)) {
    if (m[1] !== undefined) {
      const inner = m[1].trim();
      // Jinja's raw, Django's verbatim and comment blocks: nothing inside is read.
      if (/^(?:raw|verbatim|comment)\b/.test(inner)) raw = true;
      else if (/^end(?:raw|verbatim|comment)\b/.test(inner)) raw = false;
      else if (!raw) out.push({ kind: 'stmt', text: m[1], at: m.index! + m[0].indexOf(m[1]) });
    } else if (m[2] !== undefined && !raw) out.push({ kind: 'expr', text: m[2], at: m.index! + m[0].indexOf(m[2]) });
  }
  return out;
}

interface Macro {
  file: string;
  text: string;
  params: string[];
  /** Index range of the macro's body in its template's tags. */
  tags: Tag[];
}

export class JinjaViews {
  private readonly templates = new Map<string, { file: string; text: string; tags?: Tag[] }>();
  private readonly python = new Map<string, string>();
  private relationships?: Map<string, Map<string, SaRelationship>>;
  /** Reads per row of a Django list view's own code (`{o.child for o in context["object_list"]}`), found with the views. */
  private contextReads: Finding[] = [];
  /** Django models (their relations are fields: loaded by select_related/prefetch_related, reported in Django's words). */
  private readonly djangoModels = new Set<string>();
  private macros?: Map<string, Macro[]>;

  /** A template in a `templates/` folder with Jinja statements or expressions (a partial may hold only `{{ }}`). */
  addTemplate(file: string, text: string): void {
    if (text.length <= MAX_TEXT && (text.includes('{%') || text.includes('{{'))) this.templates.set(file, { file, text });
  }

  /**
   * Python files that declare SQLAlchemy relationships, render templates, or build queries (the model methods a view
   * may call): only those are kept, not every file of the app.
   */
  addPython(file: string, text: string): void {
    if (text.length <= MAX_TEXT && /\brelationship\s*\(|render_template|stream_template|TemplateResponse|context_processor|\bselect\s*\(|\.query\b|\brender(?:_to_string)?\s*\(|\btemplate_name\b|View\b|models\.Model|\.objects\b|\.filter_by\s*\(|\.all\s*\(\s*\)/.test(text)) this.python.set(file, text);
  }

  async findings(): Promise<Finding[]> {
    const code = await this.rowReadsInLoops();
    if (!this.templates.size) return code;
    const views = [...this.python].filter(([, t]) => /\b(render_template|stream_template|TemplateResponse|render|render_to_string)\s*\(|\bcontext_processor\b/.test(t));
    const rels = this.relationshipsOf();
    if (!rels.size) return code;
    const out: Finding[] = [];
    const seen = new Set<string>();
    const renders: { file: string; template?: string; env: Map<string, Origin>; context?: 'request' }[] = this.djangoModels.size ? this.classViewRenders() : [];
    for (const [file, text] of views) for (const r of await this.rendersOf(file, text)) renders.push({ file, ...r });
    out.push(...this.contextReads, ...code);
    {
      for (const render of renders) {
        const file = render.file;
        // A context processor's names reach every template.
        const files = render.template === undefined ? [...this.templates.keys()] : [this.templateNamed(render.template, file)?.file].filter((f): f is string => !!f);
        const accesses: Access[] = [];
        for (const f of files) this.walk(f, render.env, [], 0, accesses, new Set());
        for (const a of accesses) {
          const key = `${a.origin.file}:${a.origin.span.start}:${a.path.map((r) => `${r.owner}.${r.attr}`).join('/')}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const f = finding(a, this.djangoModels.has(a.origin.model));
          out.push(render.context ? { ...f, context: render.context } : f);
        }
      }
    }
    return out;
  }

  /**
   * Django's class-based views: a ListView / FilterView (directly or through the app's own bases) renders
   * `template_name` (by default `<app>/<model>_list.html`) with its rows as `object_list`, `<model>_list`, `page_obj` and
   * `context_object_name`; a DetailView one object as `object`, `<model>` and `context_object_name`. The rows are
   * `get_queryset()`'s, else `queryset =`'s, else `model =`'s — the nearest class that says it is where the fix goes.
   */
  private classViewRenders(): { file: string; template?: string; env: Map<string, Origin> }[] {
    const classes = new Map<string, PyClass[]>();
    for (const [file, text] of this.python) {
      // The app's own classes: Django's (an installed copy in a virtualenv) are known by name.
      if (!/^class\s/m.test(text) || /(?:^|\/)(?:site-packages|\.?venv)\//.test(file)) continue;
      for (const c of classesOf(file, text)) classes.set(c.name, [...(classes.get(c.name) ?? []), c]);
    }
    const unique = (name: string) => (classes.get(name)?.length === 1 ? classes.get(name)![0] : undefined);
    const out: { file: string; template?: string; env: Map<string, Origin> }[] = [];
    for (const list of classes.values()) {
      for (const c of list) {
        // The class and its project bases, nearest first (bounded), and every base name met on the way.
        const chain: PyClass[] = [];
        const names: string[] = [];
        const queue = [c];
        while (queue.length && chain.length < 8) {
          const k = queue.shift()!;
          if (chain.includes(k)) continue;
          chain.push(k);
          for (const b of k.bases) {
            names.push(b);
            const base = unique(b);
            if (base) queue.push(base);
          }
        }
        const isList = names.some((b) => DJANGO_LIST_VIEW.test(b));
        // A form view (create, update, delete) renders a form, not the object's page.
        if (!isList && (!names.some((b) => DJANGO_DETAIL_VIEW.test(b)) || names.some((b) => /(?:Create|Update|Delete|Form)View$/.test(b)))) continue;
        const own = (re: RegExp) => {
          for (let i = 0; i < chain.length; i++) {
            const m = re.exec(chain[i].body);
            if (m) return { cls: chain[i], m, depth: i };
          }
          return undefined;
        };
        const gq = own(/^ {4}def\s+get_queryset\s*\(self[^)]*\)[^:\n]*:\s*\n((?: {8}.*\n|\s*\n)*)/m);
        const qs = own(/^ {4}queryset\s*=\s*([^\n]+)/m);
        const md = own(/^ {4}model\s*=\s*(?:[a-z_]\w*\.)?([A-Z]\w*)\s*$/m);
        const fromText = (t: string | undefined) => (t ? /(?:^|[^\w.])(?:[a-z_]\w*\.)?([A-Z]\w*)\.(?:objects|_default_manager)\b/.exec(t)?.[1] : undefined);
        const model = md?.m[1] ?? fromText(qs?.m[1]) ?? fromText(gq?.m[1]);
        if (!model || !this.djangoModels.has(model)) continue;
        // Where the fix goes: the nearest get_queryset's return, else the queryset, else the model line.
        const ret = gq && gq.depth <= Math.min(qs?.depth ?? 9, md?.depth ?? 9) ? /^ {8}return\b[^\n]*/m.exec(gq.m[1]) : null;
        const at = ret && gq ? { cls: gq.cls, offset: gq.cls.start + gq.m.index + gq.m[0].length - gq.m[1].length + ret.index + 8, text: ret[0].trim() }
          : qs && qs.depth <= (md?.depth ?? 9) ? { cls: qs.cls, offset: qs.cls.start + qs.m.index + qs.m[0].indexOf(qs.m[1]), text: qs.m[1] }
            : { cls: md!.cls, offset: md!.cls.start + md!.m.index + 4, text: md!.m[0].trim() };
        const origin: Origin = {
          model, single: !isList, file: at.cls.file, span: { start: at.offset, end: at.offset + at.text.length },
          text: [qs?.m[1], gq?.m[1]].filter(Boolean).join('\n'),
        };
        const template = own(/^ {4}template_name\s*=\s*['"]([^'"]+)['"]/m)?.m[1] ?? `${this.djangoApp(model, unique(model))}/${model.toLowerCase()}${isList ? '_list' : '_detail'}.html`;
        const env = new Map<string, Origin>();
        const lower = model.toLowerCase();
        for (const name of isList ? ['object_list', `${lower}_list`, 'page_obj'] : ['object', lower]) env.set(name, origin);
        const named = own(/^ {4}context_object_name\s*=\s*['"](\w+)['"]/m)?.m[1];
        if (named) env.set(named, origin);
        out.push({ file: c.file, template, env });
        if (isList) this.rowReadsInViewCode(chain, origin);
      }
    }
    return out;
  }

  /**
   * SQLAlchemy rows walked by a `for` loop of Python code that reads a lazy relationship of each row
   * (`for sub in Subscription.query.filter_by(cancelled=True).all(): user = sub.user`): one SELECT per row, unless the
   * query loads it (`options(joinedload(…))`), its declaration does (`lazy='joined'`, `'selectin'`, …), or every row has
   * the same parent (rows read through that parent's relationship, `with_parent(p)`, or filtered on the foreign key
   * `user_id=…`: the parent is loaded once, then taken from the session). Reported at the read, the query related.
   * Django models are detect.ts's (checkLazyRelations); `lazy='dynamic'` reads are queries detect.ts reports itself.
   */
  private async rowReadsInLoops(): Promise<Finding[]> {
    const out: Finding[] = [];
    if (!this.relationshipsOf().size) return out;
    for (const [file, text] of this.python) {
      if (!/^\s*for\s/m.test(text)) continue;
      const found = await withSourceTree(text, 'python', undefined, (tree) => {
        const got: Finding[] = [];
        if (!tree) return got;
        let starts: number[] | undefined;
        for (const loop of tree.rootNode.descendantsOfType('for_statement')) {
          const left = loop ? field(loop, 'left') : undefined;
          const right = loop ? field(loop, 'right') : undefined;
          const body = loop ? field(loop, 'body') : undefined;
          if (!loop || left?.type !== 'identifier' || !right || !body) continue;
          const origin = this.originOf(file, right, loop, 0);
          if (!origin || origin.single || origin.entities || this.djangoModels.has(origin.model)) continue;
          const seen = new Set<string>();
          for (const a of body.descendantsOfType('attribute')) {
            const obj = a ? field(a, 'object') : undefined;
            if (!a || obj?.type !== 'identifier' || obj.text !== left.text) continue;
            const rel = this.relation(origin.model, field(a, 'attribute')?.text ?? '');
            if (!rel || rel.lazy === 'dynamic' || seen.has(rel.attr)) continue;
            // Written, not read (`sub.user = owner`).
            if (a.parent?.type === 'assignment' && field(a.parent, 'left')?.startIndex === a.startIndex) continue;
            // Inside a function the loop only defines: not run per row here.
            let nested = false;
            for (let p = a.parent; p && p.startIndex >= body.startIndex && p !== body; p = p.parent) if (p.type === 'function_definition' || p.type === 'lambda') nested = true;
            if (nested) continue;
            // Every row of one parent: `filter_by(user_id=…)`, `Workout.user_id == x`.
            if (rel.many === false && new RegExp(`\\b${rel.attr}_id\\s*(?:=(?!=)|==)`).test(origin.text)) continue;
            starts ??= lineStarts(text);
            const accesses = this.judge(origin, right.text, left.text, [rel], file, a.startIndex, a.text, starts);
            if (!accesses.length) continue;
            seen.add(rel.attr);
            const f = finding(accesses[0]);
            const read = a.text;
            const queryLine = positionAt(lineStarts(this.python.get(origin.file) ?? ''), origin.span.start).line + 1;
            got.push({
              ...f,
              message: `N+1 query: \`${read}\` is read for every row of \`${right.text.replace(/\s+/g, ' ').slice(0, 80)}\`; ${rel.owner}.${rel.attr} is loaded lazily (lazy='${rel.lazy}') and the query does not load it: a SELECT per row.`,
              file,
              span: { start: a.startIndex, end: a.endIndex },
              related: [{ file: origin.file, line: queryLine, span: origin.span, message: `the query of the rows (${origin.model})` }],
              evidence: { ...(f.evidence ?? {}), loop: `for ${left.text} in …`, iterable: right.text.slice(0, 200) },
            });
          }
        }
        return got;
      });
      out.push(...found);
    }
    return out;
  }

  /**
   * A list view's own code (or its app base's: a shared `get_context_data`) that walks its rows —
   * `{o.child for o in context["object_list"]}`, `for o in self.object_list:` — and reads a relation per row the
   * queryset does not load. Reported at the read (one place serves every view built on it), the view's queryset related.
   */
  private rowReadsInViewCode(chain: PyClass[], origin: Origin): void {
    const loads = loadedIn(origin.text);
    for (const k of chain) {
      if (!/object_list/.test(k.body)) continue;
      const text = this.python.get(k.file) ?? '';
      for (const m of k.body.matchAll(/\bfor\s+(\w+)\s+in\s+(?:context\[\s*['"]object_list['"]\s*\]|self\.object_list|object_list)(?!\w)/g)) {
        const at = k.start + m.index;
        const lineStart = text.lastIndexOf('\n', at - 1) + 1;
        const lineEnd = text.indexOf('\n', at);
        const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
        let block = line;
        let blockAt = lineStart;
        // A `for` statement: its indented body; a comprehension: its line.
        if (/^\s*for\s/.test(line)) {
          const indent = /^\s*/.exec(line)![0].length;
          const rest = text.slice(lineEnd + 1).split('\n');
          const body: string[] = [];
          for (const l of rest) {
            if (l.trim() && /^\s*/.exec(l)![0].length <= indent) break;
            body.push(l);
          }
          block = body.join('\n');
          blockAt = lineEnd + 1;
        }
        for (const r of block.matchAll(new RegExp(`(?<![\\w.])${m[1]}\\.(\\w+)`, 'g'))) {
          const rel = this.relation(origin.model, r[1]);
          if (!rel || loads.has(rel.attr) || (loads.has(SELECT_ALL) && rel.many === false)) continue;
          const start = blockAt + r.index;
          const key = `${k.file}:${start}`;
          if (this.contextReads.some((f) => `${f.file}:${f.span.start}` === key)) continue;
          const starts = lineStarts(text);
          const a: Access = { origin, source: 'object_list', variable: m[1], path: [rel], file: k.file, line: positionAt(starts, start).line + 1, span: { start, end: start + r[0].length }, text: r[0] };
          const f = djangoFinding(a);
          const viewLine = positionAt(lineStarts(this.python.get(origin.file) ?? ''), origin.span.start).line + 1;
          this.contextReads.push({
            ...f,
            message: `N+1 query: ${k.name} reads \`${r[0]}\` for every row of the list view's page (object_list); the view's queryset does not load \`${rel.attr}\` (${djangoLoad([rel]).slice(1)}).`,
            file: k.file,
            span: a.span,
            related: [{ file: origin.file, line: viewLine, span: origin.span, message: `the view's queryset (${origin.model})` }],
          });
        }
      }
    }
  }

  /** A Django model's app label: the folder of its models module (`core/models.py`, `core/models/feeding.py` → core). */
  private djangoApp(model: string, cls: PyClass | undefined): string {
    const parts = (cls?.file ?? '').split('/').slice(0, -1);
    if (parts[parts.length - 1] === 'models') parts.pop();
    return parts[parts.length - 1] ?? model.toLowerCase();
  }

  /** Owner class → attribute → relationship, from every Python file (backrefs included). */
  private relationshipsOf(): Map<string, Map<string, SaRelationship>> {
    if (this.relationships) return this.relationships;
    const out = new Map<string, Map<string, SaRelationship>>();
    for (const text of this.python.values()) {
      if (!/\brelationship\s*\(/.test(text)) continue;
      for (const r of saRelationships(text, { backrefs: true })) {
        const m = out.get(r.owner) ?? new Map<string, SaRelationship>();
        out.set(r.owner, m);
        // A declaration in the class wins over a backref naming the same attribute.
        if (!m.has(r.attr) || m.get(r.attr)!.viaBackref) m.set(r.attr, r);
      }
    }
    // Django models: their relation fields (the registry's, reverse names too) as relationships loaded lazily.
    const classes = [...this.python].filter(([, t]) => /models\.Model|ForeignKey|ManyToManyField/.test(t)).flatMap(([f, t]) => classesOf(f, t));
    for (const [model, fields] of djangoModelRelations(classes)) {
      if (out.has(model)) continue;
      const m = new Map<string, SaRelationship>();
      for (const [attr, r] of Object.entries(fields)) m.set(attr, { owner: model, attr, target: r.target ?? '?', dynamic: false, lazy: 'select', many: r.many, at: 0 });
      out.set(model, m);
      this.djangoModels.add(model);
    }
    // `back_populates` pairs: a side whose kind is unknown is the other kind of its partner's.
    for (const [, m] of out) {
      for (const r of m.values()) {
        if (r.many !== undefined || !r.reverse || !r.target) continue;
        const other = out.get(r.target)?.get(r.reverse);
        if (other?.many !== undefined) r.many = r.secondary ? true : !other.many;
      }
    }
    this.relationships = out;
    return out;
  }

  private relation(model: string, attr: string): SaRelationship | undefined {
    return this.relationshipsOf().get(model)?.get(attr);
  }

  /** A template by the name a view renders it with: the one under a `templates/` folder nearest the view's file. */
  private templateNamed(name: string, from: string): { file: string; text: string; tags?: Tag[] } | undefined {
    const suffix = `templates/${name.replace(/^\/+/, '')}`;
    let best: { file: string; text: string } | undefined;
    let bestShared = -1;
    for (const [file, t] of this.templates) {
      if (!(file === suffix || file.endsWith(`/${suffix}`))) continue;
      let shared = 0;
      while (shared < file.length && file[shared] === from[shared]) shared++;
      if (shared > bestShared) [best, bestShared] = [t, shared];
    }
    return best;
  }

  private tagsOf(file: string): Tag[] {
    const t = this.templates.get(file)!;
    t.tags ??= jinjaTags(t.text);
    return t.tags;
  }

  /** Macros of every template, by name. */
  private macrosNamed(name: string): Macro[] {
    if (!this.macros) {
      this.macros = new Map();
      for (const [file, t] of this.templates) {
        if (!t.text.includes('macro')) continue;
        const tags = this.tagsOf(file);
        for (let i = 0; i < tags.length; i++) {
          const m = tags[i].kind === 'stmt' ? /^\s*macro\s+(\w+)\s*\(([^)]*)\)/.exec(tags[i].text) : null;
          if (!m) continue;
          let depth = 1;
          let j = i + 1;
          for (; j < tags.length && depth > 0; j++) {
            if (tags[j].kind !== 'stmt') continue;
            if (/^\s*macro\b/.test(tags[j].text)) depth++;
            else if (/^\s*endmacro\b/.test(tags[j].text)) depth--;
          }
          const params = m[2].split(',').map((p) => p.replace(/=.*$/s, '').trim()).filter((p) => /^\w+$/.test(p));
          const list = this.macros.get(m[1]) ?? [];
          list.push({ file, text: t.text, params, tags: tags.slice(i + 1, j - 1) });
          this.macros.set(m[1], list);
        }
      }
    }
    return this.macros.get(name) ?? [];
  }

  /**
   * The per-item relationship reads of a template rendered with `env`, following includes, extends and macros called
   * with a loop item. `scope`: the loop items an include or macro is given.
   */
  private walk(file: string, env: Map<string, Origin>, scope: Binding[], depth: number, out: Access[], visiting: Set<string>, tags?: Tag[]): void {
    if (depth > MAX_DEPTH || (!tags && visiting.has(file))) return;
    if (!tags) visiting.add(file);
    const text = this.templates.get(file)?.text ?? '';
    const starts = lineStarts(text);
    const all = tags ?? this.tagsOf(file);
    const loops: Binding[][] = [];
    const bindings = () => [...scope, ...loops.flat()];
    let inMacro = 0;
    for (const tag of all) {
      if (tag.kind === 'stmt') {
        const s = tag.text.trim();
        if (/^macro\b/.test(s)) { inMacro++; continue; }
        if (/^endmacro\b/.test(s)) { inMacro = Math.max(0, inMacro - 1); continue; }
        if (inMacro) continue;
        const loop = /^for\s+([\w\s,()]+?)\s+in\s+([\s\S]+?)(?:\s+if\s+[\s\S]*|\s+recursive)?$/.exec(s);
        if (loop) {
          const targets = loop[1].replace(/[()]/g, '').split(',').map((t) => t.trim()).filter(Boolean);
          const made = this.loopBindings(targets, loop[2], env, bindings(), file, tag, starts, out);
          loops.push(made);
          continue;
        }
        if (/^endfor\b/.test(s)) { loops.pop(); continue; }
        // `{% include "x.html" %}`, a list of names, or a name through a theme helper (`{% include theme("x.html") %}`).
        const inc = /^(include|extends|import|from)\s+(?:\[\s*)?(?:[\w.]+\s*\(\s*)?['"]([^'"]+)['"]/.exec(s);
        if (inc && (inc[1] === 'include' || inc[1] === 'extends')) {
          const t = this.templateNamed(inc[2], file);
          if (t) this.walk(t.file, env, inc[1] === 'include' ? bindings() : [], depth + 1, out, visiting);
          // Django's `{% include "tags.html" with tags=meal.tags.all %}`: what it hands the partial is read here.
          if (inc[1] === 'include') this.readAccesses(tag, bindings(), file, starts, out, env, depth, visiting);
          continue;
        }
      } else if (inMacro) continue;
      this.readAccesses(tag, bindings(), file, starts, out, env, depth, visiting);
    }
    if (!tags) visiting.delete(file);
  }

  /** The items of a `{% for %}`: the rows of a context variable's query, or an item's relationship. */
  private loopBindings(targets: string[], iter: string, env: Map<string, Origin>, scope: Binding[], file: string, tag: Tag, starts: number[], out: Access[]): Binding[] {
    const m = /^([A-Za-z_]\w*)((?:\s*\.\s*\w+)*)\s*(\(\s*\))?/.exec(iter.trim());
    if (!m || m[3]) return [];
    const attrs = m[2].split('.').map((a) => a.trim()).filter(Boolean);
    const outer = [...scope].reverse().find((b) => b.variable === m[1]);
    let model: string | undefined;
    let origin: Origin | undefined;
    let path: SaRelationship[] = [];
    let source = m[1];
    if (outer) {
      ({ model, origin, source } = outer);
      path = [...outer.path];
    } else {
      origin = env.get(m[1]);
      if (!origin) return [];
      model = origin.model;
      // The rows of a pagination object.
      if (!origin.single && (attrs[0] === 'items' || attrs[0] === 'object_list')) attrs.shift();
    }
    // Django calls a method without parentheses: `{% for t in post.tags.all %}` iterates the relation.
    if (attrs[attrs.length - 1] === 'all') attrs.pop();
    if (!outer && !origin.single && attrs.length) return [];
    for (const a of attrs) {
      const r = this.relation(model!, a);
      if (!r?.target) return [];
      path.push(r);
      model = r.target;
    }
    // Iterating an item's relationship (`{% for c in post.comments %}`) is itself a read per item.
    if (outer && path.length > outer.path.length) out.push(...this.judge(origin, source, outer.variable, path, file, tag.at + tag.text.indexOf(iter.trim()), iter.trim(), starts));
    // Rows of one object are not a loop per row: only through a relationship (`post.comments`).
    if (origin.single && !path.length) return [];
    if (targets.length === 1) return [{ model: model!, origin, variable: targets[0], source, path }];
    // `for topic, read in topics.items` over a query of several entities: each target its entity.
    const ents = !path.length ? origin.entities : undefined;
    return targets.flatMap((t, i) => (i === 0 ? [{ model: model!, origin: origin!, variable: t, source, path }] : ents?.[i] ? [{ model: ents[i], origin: origin!, variable: t, source, path }] : []));
  }

  /** Relationship reads on loop items in a tag (`post.author.username`, `t.last_post.user`, `p.comments.count()`, `p.comments|length`). */
  private readAccesses(tag: Tag, scope: Binding[], file: string, starts: number[], out: Access[], env: Map<string, Origin>, depth: number, visiting: Set<string>): void {
    if (!scope.length) return;
    const text = tag.text.replace(/(['"])(?:\\.|(?!\1).)*\1/g, (s) => ' '.repeat(s.length));
    for (const b of [...scope].reverse()) {
      const re = new RegExp(`(?<![\\w.])${b.variable}((?:\\s*\\.\\s*\\w+)+)`, 'g');
      for (const m of text.matchAll(re)) {
        if (lastNamed(scope, b.variable) !== b) continue;
        const attrs = m[1].split('.').map((a) => a.trim()).filter(Boolean);
        let model = b.model;
        const path = [...b.path];
        for (const a of attrs) {
          const r = this.relation(model, a);
          if (!r?.target) break;
          path.push(r);
          model = r.target;
        }
        if (path.length === b.path.length) continue;
        out.push(...this.judge(b.origin, b.source, b.variable, path, file, tag.at + m.index!, tag.text.slice(m.index!, m.index! + m[0].length), starts));
      }
    }
    // A macro called with a loop item: its body reads the item under the parameter's name.
    if (depth >= MAX_DEPTH) return;
    for (const c of text.matchAll(/(?<![\w])(?:\w+\s*\.\s*)?(\w+)\s*\(([^()]*)\)/g)) {
      const args = c[2].split(',').map((a) => a.trim());
      if (!args.some((a) => scope.some((b) => b.variable === a))) continue;
      for (const macro of this.macrosNamed(c[1])) {
        const given: Binding[] = [];
        args.forEach((a, i) => {
          const kw = /^(\w+)\s*=\s*(\w+)$/.exec(a);
          const name = kw ? kw[1] : macro.params[i];
          const b = lastNamed(scope, kw ? kw[2] : a);
          if (b && name) given.push({ ...b, variable: name });
        });
        if (given.length) this.walk(macro.file, env, given, depth + 1, out, visiting, macro.tags);
      }
    }
  }

  /**
   * The reads a relationship path costs per item: each lazy relationship down the path that the query (or the
   * relationship's own `lazy=`) does not load, with the path to it (one finding each).
   */
  private judge(origin: Origin, source: string, variable: string, path: SaRelationship[], file: string, at: number, text: string, starts: number[]): Access[] {
    const out: Access[] = [];
    const loads = loadedIn(origin.text);
    for (let i = 0; i < path.length; i++) {
      const r = path[i];
      // The rows' owner (`user.posts` → `post.author`, `with_parent(category)` → `post.category`): in the session.
      if (i === 0 && !origin.single && r.many === false && ((origin.via && origin.via.reverse === r.attr && origin.via.target === r.owner) || (origin.parentClass && r.target === origin.parentClass))) return out;
      // The first relationship of one object is read once (`post.comments` of the page's post): per item below it.
      if (i === 0 && origin.single) continue;
      // write_only reads nothing by itself (its select() is run by the code, not the template).
      if (r.lazy === 'write_only') return out;
      if (r.lazy !== 'dynamic' && (NO_QUERY_LAZY.test(r.lazy) || loads.has(r.attr) || (loads.has(SELECT_ALL) && r.many === false))) continue;
      out.push({ origin, source, variable, path: path.slice(0, i + 1), file, line: positionAt(starts, at).line + 1, span: { start: at, end: at + text.length }, text });
      // Below a dynamic relationship the template holds a query (`.count()`, `.filter(…)`), not items.
      if (r.lazy === 'dynamic') return out;
    }
    return out;
  }

  /** Each template a file's views render, with what each context variable is. */
  private async rendersOf(file: string, text: string): Promise<{ template?: string; env: Map<string, Origin>; context?: 'request' }[]> {
    return withSourceTree(text, 'python', undefined, (tree) => {
      if (!tree) return [];
      const out: { template?: string; env: Map<string, Origin>; context?: 'request' }[] = [];
      for (const call of tree.rootNode.descendantsOfType('call')) {
        if (!call) continue;
        const fn = field(call, 'function')?.text ?? '';
        if (!/(?:^|\.)(render_template|stream_template|TemplateResponse)$/.test(fn) && !DJANGO_RENDER.test(fn)) continue;
        const args = named(field(call, 'arguments'));
        const kw = (k: string) => args.find((a) => a.type === 'keyword_argument' && field(a, 'name')?.text === k);
        const named_ = kw('name') ?? kw('template_name_or_list') ?? kw('template_name');
        const nameNode = named_ ? field(named_, 'value') : args.find((a) => a.type === 'string');
        if (nameNode?.type !== 'string') continue;
        const template = stringValue(nameNode);
        const pairs: [string, Node][] = [];
        if (/TemplateResponse$/.test(fn) || DJANGO_RENDER.test(fn)) {
          let ctx = kw('context') ? field(kw('context')!, 'value') : args.find((a) => a.type === 'dictionary') ?? (DJANGO_RENDER.test(fn) ? args.filter((a) => a.type !== 'keyword_argument')[2 - (/render_to_string$/.test(fn) ? 1 : 0)] : undefined);
          // `context = {...}` built before the call.
          if (ctx?.type === 'identifier') ctx = assignedBefore(ctx.text, call).find((v) => v.type === 'dictionary');
          for (const p of named(ctx ?? undefined)) {
            const k = field(p, 'key');
            const v = field(p, 'value');
            if (p.type === 'pair' && k?.type === 'string' && v) pairs.push([stringValue(k), v]);
          }
        } else {
          for (const a of args) {
            const v = field(a, 'value');
            if (a.type === 'keyword_argument' && v) pairs.push([field(a, 'name')?.text ?? '', v]);
          }
        }
        const env = new Map<string, Origin>();
        for (const [k, v] of pairs) {
          const o = this.originOf(file, v, call, 0);
          if (o) env.set(k, o);
        }
        if (env.size) out.push({ template, env });
      }
      // `@app.context_processor` (`app_context_processor` of a blueprint): the dict it returns is in every template's context.
      for (const d of tree.rootNode.descendantsOfType('decorated_definition')) {
        const def = d ? field(d, 'definition') : undefined;
        if (!d || def?.type !== 'function_definition' || !named(d).some((x) => x.type === 'decorator' && /context_processor\b/.test(x.text))) continue;
        const env = new Map<string, Origin>();
        for (const r of def.descendantsOfType('return_statement')) {
          const v = r ? named(r)[0] : undefined;
          if (!v) continue;
          const pairs: [string, Node][] = v.type === 'dictionary'
            ? named(v).flatMap((p) => (p.type === 'pair' && field(p, 'key')?.type === 'string' && field(p, 'value') ? [[stringValue(field(p, 'key')!), field(p, 'value')!] as [string, Node]] : []))
            : v.type === 'call' && field(v, 'function')?.text === 'dict' ? named(field(v, 'arguments')).flatMap((a) => (a.type === 'keyword_argument' && field(a, 'value') ? [[field(a, 'name')?.text ?? '', field(a, 'value')!] as [string, Node]] : [])) : [];
          for (const [k, val] of pairs) {
            const o = this.originOf(file, val, r!, 0);
            if (o) env.set(k, o);
          }
        }
        if (env.size) out.push({ env, context: 'request' });
      }
      return out;
    });
  }

  /** What an expression of a view is: the query rows (or one object) of a model, followed back through assignments. */
  private originOf(file: string, n: Node, use: Node, depth: number): Origin | undefined {
    if (depth > 5) return undefined;
    if (n.type === 'identifier') {
      for (const value of assignedBefore(n.text, use)) {
        const o = this.originOf(file, value, value, depth + 1);
        if (o) return o;
      }
      return undefined;
    }
    // `pagination.items`: the rows of the pagination the name holds.
    if (n.type === 'attribute' && field(n, 'attribute')?.text === 'items') {
      const o = this.originOf(file, field(n, 'object')!, use, depth + 1);
      return o && { ...o, single: false };
    }
    // `stmt = (db.select(Topic)…)` written over several lines, `await session.scalars(…)`: the expression inside.
    if (n.type === 'await' || n.type === 'parenthesized_expression') return named(n)[0] ? this.originOf(file, named(n)[0], use, depth + 1) : undefined;
    if (n.type !== 'call' && n.type !== 'attribute') return undefined;
    const text = n.text;
    const single = /\.(get_or_404|first_or_404|first|one|one_or_none|scalar|scalar_one|scalar_one_or_none|get|last|latest|earliest)\s*\([^()]*\)\s*$/.test(text) || /\b(?:session|db)\.(?:get|get_or_404|first_or_404|scalar)\s*\(/.test(text) || /^get_object_or_404\s*\(/.test(text);
    // Django: `Model.objects…` (`models.Meal.objects…`), `get_object_or_404(Model, …)`.
    const django = /(?:^|[^\w.])(?:[a-z_]\w*\.)?([A-Z]\w*)\.(?:objects|_default_manager)\b/.exec(text) ?? /^get_(?:object|list)_or_404\s*\(\s*(?:[a-z_]\w*\.)?([A-Z]\w*)\b/.exec(text);
    if (django && this.djangoModels.has(django[1])) return { model: django[1], single, file, span: { start: n.startIndex, end: n.endIndex }, text };
    const at = { file, span: { start: n.startIndex, end: n.endIndex } };
    // A statement built elsewhere, handed to the call that runs it (`db.paginate(query, …)`, `session.scalars(stmt)`,
    // `db.paginate(current_user.following_posts(), …)`): the statement is where the fix goes.
    const callee = n.type === 'call' ? field(n, 'function') : undefined;
    const runs = callee ? /(?:^|\.)(paginate|scalars|execute|scalar|first_or_404|one_or_404)$/.exec(callee.text) : null;
    const inner = runs ? named(field(n, 'arguments'))[0] : undefined;
    if (runs && inner && inner.type !== 'keyword_argument' && !/^[A-Z]\w*$/.test(inner.text)) {
      const o = this.originOf(file, inner, use, depth + 1);
      if (o) return { ...o, single: /^(paginate|scalars)$/.test(runs[1]) ? false : o.single || single, text: `${text}\n${o.text}` };
    }
    // The root of the chain: `Model.query`, `select(Model)`, `session.query(Model, …)`, `owner.relationship`, `x.method()`.
    const base = /\b(?:(?:sa|db|sqlalchemy|sqlmodel)\.)?select\s*\(\s*([A-Z]\w*)\s*[,)]/.exec(text) ?? /\b(?:session|db)\.(?:get|get_or_404)\s*\(\s*([A-Z]\w*)\b/.exec(text) ?? /\bquery\s*\(\s*([A-Z]\w*)\b/.exec(text) ?? /(?:^|[^\w.])([A-Z]\w*)\.query\b/.exec(text);
    // `session.query(Topic, Post)`, `select(Topic, Post, TopicsRead)`: rows are tuples of these entities.
    const entities = /\b(?:query|select)\s*\(\s*([A-Z]\w*(?:\s*,\s*[A-Z]\w*(?:\.\w+)?)*)\s*\)/.exec(text)?.[1].split(',').map((e) => e.trim().split('.')[0]);
    const parent = /\bwith_parent\s*\(\s*(\w+)/.exec(text)?.[1];
    const parentClass = parent ? this.modelOfName(parent, use, file, depth) : undefined;
    if (base && this.relationshipsOf().has(base[1])) {
      return { model: base[1], single, ...at, text, ...(entities && entities.length > 1 ? { entities } : {}), ...(parentClass ? { parentClass } : {}) };
    }
    // The chain's root: a name the function assigned (`query.order_by(…).paginate(…)`), an owner's relationship, a method.
    let root: Node | undefined = n;
    while (root && (root.type === 'call' || root.type === 'attribute')) root = root.type === 'call' ? field(root, 'function') : field(root, 'object');
    if (root?.type === 'identifier') {
      const top = firstAttribute(n, root);
      const attr = top ? field(top, 'attribute')?.text : undefined;
      const rel = attr ? this.relationNamed(attr, root.text, use, file, depth) : undefined;
      if (rel?.target) return { model: rel.target, single, ...at, text, via: rel, ...(parentClass ? { parentClass } : {}) };
      if (attr && !rel) {
        const m = this.methodModel(attr, /^[A-Z]/.test(root.text) ? root.text : undefined);
        if (m) return { model: m.model, single, ...(m.runs ?? at), text: `${text}\n${m.text}`, ...(m.entities ? { entities: m.entities } : {}) };
      }
      if (!/^[A-Z]/.test(root.text)) {
        const o = [...assignedBefore(root.text, use)].map((v) => this.originOf(file, v, v, depth + 1)).find((x) => x);
        if (o) return { ...o, ...at, single: single || (o.single && !/\.(all|paginate)\s*\(/.test(text)), text: `${text}\n${o.text}`, ...(parentClass ? { parentClass } : {}) };
      }
    }
    return undefined;
  }

  /** The model of a name in a view (`category = Category.query.get_or_404(id)` → Category). */
  private modelOfName(name: string, use: Node, file: string, depth: number): string | undefined {
    for (const v of assignedBefore(name, use)) {
      const o = this.originOf(file, v, v, depth + 1);
      if (o) return o.model;
    }
    return undefined;
  }

  /** `user.posts` → User.posts: the relationship of that name, of the owner's model when the view knows it, else the only one. */
  private relationNamed(attr: string, owner: string, use: Node, file: string, depth: number): SaRelationship | undefined {
    const all = [...this.relationshipsOf().values()].map((m) => m.get(attr)).filter((r): r is SaRelationship => !!r && !!r.target);
    if (all.length <= 1) return all[0];
    const cls = this.modelOfName(owner, use, file, depth) ?? [...this.relationshipsOf().keys()].find((c) => c.toLowerCase() === owner.replace(/^current_/, '').toLowerCase());
    return all.find((r) => r.owner === cls);
  }

  /**
   * A model method returning a query (`def following_posts(self): return select(Post)…`): its model, its text, and
   * where its statement is when the method runs it itself (`return db.session.scalars(query)`, `paginate(stmt, …)`):
   * then the fix goes there, not in the view, which gets rows.
   */
  private methodModel(name: string, cls?: string): { model: string; text: string; runs?: { file: string; span: { start: number; end: number } }; entities?: string[] } | undefined {
    for (const [file, text] of this.python) {
      const d = new RegExp(`^([ \\t]+)def\\s+${name}\\s*\\(\\s*(?:self|cls)\\b[^)]*\\)[^:]*:`, 'm').exec(text);
      if (!d) continue;
      const bodyAt = d.index + d[0].length;
      const rest = text.slice(bodyAt);
      const end = new RegExp(`\\n(?!${d[1]}[ \\t]|\\s*\\n)`).exec(rest.slice(1));
      const body = rest.slice(0, end ? end.index + 1 : 4000);
      // A mixin's class method querying its class through the session (`Session.query(cls).filter_by(**kw)`): not `Session.query`'s.
      const m = /\b(?:(?:sa|db|sqlalchemy)\.)?select\s*\(\s*([A-Z]\w*|cls)\s*[,)]/.exec(body) ?? /\b(?:[Ss]ession|db\.session)\.query\s*\(\s*(cls)\s*\)/.exec(body) ?? /(?:^|[^\w.])([A-Z]\w*|cls)\.query\b/.exec(body);
      // `select(cls)` in a classmethod (a mixin's search): the model the view called it on.
      const model = m?.[1] === 'cls' ? cls : m?.[1];
      if (!m || !model || !this.relationshipsOf().has(model)) continue;
      const runs = /\b(paginate|scalars|execute)\s*\(|\.(all|first|one|one_or_none)\s*\(\s*\)/.test(body);
      const start = bodyAt + m.index + (m[0].length - m[0].trimStart().length);
      const lineEnd = text.indexOf('\n', start);
      const entities = /\bselect\s*\(\s*([A-Z]\w*(?:\s*,\s*[A-Z]\w*)+)\s*\)/.exec(body)?.[1].split(',').map((e) => e.trim());
      return { model, text: body, ...(runs ? { runs: { file, span: { start, end: lineEnd < 0 ? text.length : lineEnd } } } : {}), ...(entities ? { entities } : {}) };
    }
    return undefined;
  }
}

/** The innermost binding of a name (a nested loop's item hides an outer one of the same name). */
function lastNamed(scope: Binding[], name: string): Binding | undefined {
  for (let i = scope.length - 1; i >= 0; i--) if (scope[i].variable === name) return scope[i];
  return undefined;
}

/** A bare `select_related()`: every many-to-one is loaded. */
const SELECT_ALL = '*select_related';

/**
 * The relationships an expression's loader options name (`joinedload(Post.author)`, `selectinload("comments")`), and
 * Django's `select_related('child__parent')` / `prefetch_related('tags', Prefetch('notes', …))` (each name of a lookup).
 */
function loadedIn(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/\b(select_related|prefetch_related)\s*\(/g)) {
    const args = argsFrom(text, m.index + m[0].length - 1);
    if (m[1] === 'select_related' && !args.trim()) out.add(SELECT_ALL);
    for (const q of args.matchAll(/['"]([\w]+(?:__\w+)*)['"]/g)) for (const part of q[1].split('__')) out.add(part);
  }
  for (const m of text.matchAll(LOADER)) {
    let depth = 0;
    let i = m.index! + m[0].length - 1;
    const start = i;
    for (; i < text.length && i < start + 1000; i++) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')' && --depth === 0) break;
    }
    const args = text.slice(start + 1, i);
    for (const a of args.matchAll(/\.\s*(\w+)|['"](\w+)['"]/g)) out.add(a[1] ?? a[2]);
  }
  return out;
}

/** The values assigned to a name in the function that holds `use`, before it (last first). */
function assignedBefore(name: string, use: Node): Node[] {
  let fn: Node | null = use.parent;
  while (fn && fn.type !== 'function_definition') fn = fn.parent;
  if (!fn) return [];
  const out: Node[] = [];
  for (const a of fn.descendantsOfType('assignment')) {
    if (!a || a.startIndex >= use.startIndex) continue;
    const left = field(a, 'left');
    const right = field(a, 'right');
    if (!right) continue;
    if (left?.type === 'identifier' && left.text === name) out.push(right);
    // `posts, total = Post.search(…)`: the first of a tuple.
    else if ((left?.type === 'pattern_list' || left?.type === 'tuple_pattern') && named(left)[0]?.text === name && right.type === 'call') out.push(right);
  }
  return out.reverse();
}

/** The attribute node right above a chain's root identifier (`user.posts` in `user.posts.order_by(…).paginate(…)`). */
function firstAttribute(n: Node, root: Node): Node | undefined {
  let cur: Node | null = root.parent;
  while (cur && cur !== n.parent) {
    if (cur.type === 'attribute' && field(cur, 'object') === root) return cur;
    if (cur.type === 'attribute' && field(cur, 'object')?.startIndex === root.startIndex && field(cur, 'object')?.endIndex === root.endIndex) return cur;
    cur = cur.parent;
  }
  return undefined;
}

/** What the Django fix loads: `select_related('child__parent')` along many-to-ones, else `prefetch_related('tags')`. */
function djangoLoad(path: readonly SaRelationship[]): string {
  const lookup = path.map((r) => r.attr).join('__');
  return `.${path.some((r) => r.many !== false) ? 'prefetch_related' : 'select_related'}('${lookup}')`;
}

function finding(a: Access, django = false): Finding {
  if (django) return djangoFinding(a);
  const last = a.path[a.path.length - 1];
  const dynamic = last.lazy === 'dynamic';
  const read = a.text.replace(/\s+/g, ' ').trim();
  const rel = `${last.owner}.${last.attr}`;
  const options = eagerOptions(a.path);
  const help = dynamic
    ? `${noEagerWords(rel, 'dynamic')}: each read is a query per item. Query it once for every item after the view's query (one grouped select of ${last.target ?? 'its model'} by its foreign key, WHERE it IN the items' keys), and read each item's rows from that.`
    : `Load it with the view's query: ${options} (joinedload for a many-to-one, selectinload for a collection), or set lazy='selectin' on the relationship if every page reads it.`;
  const rewrite: Rewrite = { title: dynamic ? `Query ${rel} once for every item (lazy='dynamic' takes no eager load)` : `Load ${rel} with the query: ${options}`, language: 'python', code: '', help };
  const evidence: NPlusOneEvidence = {
    kind: 'lazy-relation', implicit: true, library: 'sqlalchemy', call: read, loop: `the template ${a.file}`, variable: a.variable, iterable: a.source, rewrite,
  };
  return templateFinding(a, read, dynamic
    ? `N+1 query (template): ${a.file}:${a.line} reads \`${read}\` once per item of \`${a.source}\`: ${rel} is lazy='dynamic', a query per item.`
    : `N+1 query (template): ${a.file}:${a.line} reads \`${read}\` once per item of \`${a.source}\`; this query does not load ${rel}.`, help, evidence);
}

/** The finding at the view's query (`a.origin`), the template's read related. */
function templateFinding(a: Access, read: string, message: string, help: string, evidence: NPlusOneEvidence): Finding {
  return {
    ruleId: RULE_ID,
    severity: 'warning',
    message,
    span: a.origin.span,
    file: a.origin.file,
    help,
    fixes: [],
    related: [{ file: a.file, line: a.line, span: a.span, message: `\`${read}\` read per item in the template` }],
    evidence: evidence as unknown as Record<string, unknown>,
  };
}

/** A Django template's read per item: the fix is the view's queryset's select_related / prefetch_related. */
function djangoFinding(a: Access): Finding {
  const last = a.path[a.path.length - 1];
  const read = a.text.replace(/\s+/g, ' ').trim();
  const rel = `${last.owner}.${last.attr}`;
  const load = djangoLoad(a.path);
  const help = `Load it with the view's queryset: ${load} (select_related for a ForeignKey or OneToOneField, prefetch_related for a many-to-many or reverse relation), in \`queryset\` or get_queryset().`;
  const rewrite: Rewrite = { title: `Load ${rel} with the queryset: ${load}`, language: 'python', code: '', help };
  const evidence: NPlusOneEvidence = {
    kind: 'lazy-relation', implicit: true, library: 'django', call: read, loop: `the template ${a.file}`, variable: a.variable, iterable: a.source, rewrite,
  };
  return templateFinding(a, read, `N+1 query (template): ${a.file}:${a.line} reads \`${read}\` once per item of \`${a.source}\`; this queryset does not load ${rel} (${load.slice(1)}).`, help, evidence);
}
