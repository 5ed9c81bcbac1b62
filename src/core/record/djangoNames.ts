/**
 * The names a recorded Django N+1's advice takes from the project's own code (pure: the caller reads the files).
 *
 * person17 (issue 20 MEDIUM 8): the advice named a foreign key by its table ("the ForeignKey to auth_user" where the
 * field is `borrower`), wrote `Bookinstance.objects…` for the model `BookInstance`, and sent the user to a template
 * line (`{% if book_list %}`) to add `.select_related()`. The app's models.py says the class of a table and its
 * ForeignKey fields; its views.py says which view renders a template and how it builds the queryset.
 */
import { argsFrom, classesOf, RELATION_FIELD, relationKind, relationTarget } from '../nplusone/drfViews';

/** What the models say about the table a recorded statement reads per item. */
export interface DjangoNames {
  /** The model class of the table, as the code spells it (`BookInstance`). */
  model?: string;
  /** A forward look-up (by id): the ForeignKey/OneToOne field the call site reads per row (`borrower`). */
  field?: string;
  /** A forward look-up whose field the call site does not name: every field of the models pointing at the table (`BookInstance.borrower`). */
  fields?: string[];
  /** A reverse look-up (`<fk>_id`): the relation's name on the parent, its `related_name` when the ForeignKey sets one. */
  reverse?: string;
}

interface ModelClass {
  name: string;
  table?: string;
  relations: { field: string; target: string; kind: string; related?: string }[];
}

/** Django's own user model, named in a ForeignKey by a setting or a call. */
const USER_MODEL = /^(?:AUTH_USER_MODEL|get_user_model)$/;

/** The model classes of a models.py text: their table (Meta.db_table) and relation fields. */
function djangoModelClasses(text: string): ModelClass[] {
  if (!/\bmodels\b|ForeignKey|OneToOneField/.test(text)) return [];
  return classesOf('', text).filter((c) => !/Meta$|Admin$|Form$|Serializer$/.test(c.name)).map((c) => {
    const relations: ModelClass['relations'] = [];
    for (const m of c.body.matchAll(RELATION_FIELD)) {
      const args = argsFrom(c.body, m.index! + m[0].length - 1);
      let target = relationTarget(args);
      if (!target) continue;
      if (USER_MODEL.test(target)) target = 'User';
      if (target === 'self') target = c.name;
      const related = /\brelated_name\s*=\s*['"](\w+)['"]/.exec(args)?.[1];
      relations.push({ field: m[1], target, kind: m[2], ...(related ? { related } : {}) });
    }
    const table = /^\s+db_table\s*=\s*['"]([\w.]+)['"]/m.exec(c.body)?.[1];
    return { name: c.name, ...(table ? { table } : {}), relations };
  });
}

/** Django's model name of a table (`catalog_bookinstance` → `bookinstance`): its default `db_table` is `<app_label>_<model name, lower>`. */
const lowerModel = (table: string) => /_([a-z0-9]+)$/.exec(table)?.[1] ?? table;

/** Is `name` (a class) the model of `table`? By its db_table, else Django's default name (`auth_user` is User). */
function isModelOf(name: string, table: string, classes: readonly ModelClass[]): boolean {
  const own = classes.find((c) => c.name === name)?.table;
  return own ? own === table : name.toLowerCase() === lowerModel(table);
}

/**
 * The names of a recorded look-up on `table` by `column`, from the models text and the call site's code (the template
 * or Python line). Undefined when the models say nothing of it.
 */
export function djangoNamesOf(table: string | undefined, column: string, models: string | undefined, callText: string | undefined): DjangoNames | undefined {
  if (!table || !models) return undefined;
  const classes = djangoModelClasses(models);
  if (!classes.length) return undefined;
  const model = classes.find((c) => isModelOf(c.name, table, classes))?.name;
  const out: DjangoNames = model ? { model } : {};
  const fk = /^(\w+)_id$/.exec(column)?.[1];
  if (fk && model) {
    // The ForeignKey of the table's model whose column this is: its related_name on the parent, else `<model>_set`.
    const r = classes.find((c) => c.name === model)?.relations.find((x) => x.field === fk);
    if (r && relationKind(r.kind) !== 'many') out.reverse = r.related && !r.related.endsWith('+') ? r.related : /OneToOne/.test(r.kind) ? model.toLowerCase() : `${model.toLowerCase()}_set`;
  } else if (column === 'id' || column === 'pk') {
    // The fields that point at the table's model (its class in this file, or one named like the table: `User` for auth_user).
    const pointing = classes.flatMap((c) => c.relations.filter((r) => relationKind(r.kind) !== 'many' && isModelOf(r.target, table, classes)).map((r) => ({ owner: c.name, field: r.field })));
    const read = callText ? pointing.filter((p) => new RegExp(`\\.${p.field}\\b(?!\\s*\\()`).test(callText)) : [];
    const names = [...new Set(read.map((p) => p.field))];
    if (names.length === 1) out.field = names[0];
    else if (pointing.length) out.fields = pointing.map((p) => `${p.owner}.${p.field}`);
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * A file near another: one of `names` (each a path relative to a folder, by segments: `['prisma', 'schema.prisma']`) in
 * the file's folder or one of its ancestors, nearest first, at most `depth` folders up.
 */
export function fileNear(file: string, names: readonly (readonly string[])[], read: (file: string) => string | undefined, depth = 6): { file: string; text: string } | undefined {
  const sep = file.includes('\\') && !file.includes('/') ? '\\' : '/';
  const parts = file.split(sep);
  for (let n = parts.length - 1; n > 0 && parts.length - n <= depth; n--) {
    for (const name of names) {
      const f = [...parts.slice(0, n), ...name].join(sep);
      const text = read(f);
      if (text !== undefined) return { file: f, text };
    }
  }
  return undefined;
}

/** How a view builds the rows' queryset: a class attribute, get_queryset(), only `model = X`, or a function view's code. */
type ViewQueryset = 'queryset' | 'get_queryset' | 'model' | 'function';

export interface TemplateView {
  file: string;
  /** 1-based line of the class or function, or of its queryset / get_queryset when it has one. */
  line: number;
  /** `BookListView`, `index`. */
  name: string;
  how: ViewQueryset;
  /** The model of a class-based view (`model = Book`, `queryset = Book.objects…`). */
  model?: string;
}

/** Generic views' default template suffixes (`<app>/<model>_list.html`). */
const DEFAULT_SUFFIX: [RegExp, string][] = [[/ListView$/, '_list'], [/DetailView$/, '_detail'], [/(?:Create|Update)View$/, '_form'], [/DeleteView$/, '_confirm_delete']];

/**
 * The view that renders a template (an absolute path under a `templates/` folder): a class whose `template_name` is
 * it, a generic view whose default template it is (`model = Book` on a ListView → `<app>/book_list.html`), or a
 * function that renders it (`render(request, 'catalog/index.html', …)`). Read from the views.py nearest the template.
 */
export function templateView(template: string, read: (file: string) => string | undefined): TemplateView | undefined {
  const norm = template.replace(/\\/g, '/');
  const at = norm.lastIndexOf('/templates/');
  if (at < 0) return undefined;
  const rel = norm.slice(at + '/templates/'.length);
  const views = fileNear(template, [['views.py']], read);
  if (!views) return undefined;
  const text = views.text;
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  const quoted = `['"]${rel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]`;
  const defaultOf = /^(\w+)\/(\w+?)(_list|_detail|_form|_confirm_delete)\.html$/.exec(rel);
  for (const c of classesOf(views.file, text)) {
    const named = new RegExp(`^\\s+template_name\\s*=\\s*${quoted}`, 'm').test(c.body);
    const qs = /^ {4}queryset\s*=\s*([A-Z]\w*)\b/m.exec(c.body);
    const model = /^ {4}model\s*=\s*(?:\w+\.)*([A-Z]\w*)/m.exec(c.body)?.[1] ?? qs?.[1];
    const suffix = DEFAULT_SUFFIX.find(([re]) => c.bases.some((b) => re.test(b)))?.[1];
    const byDefault = !!defaultOf && !/^\s+template_name\s*=/m.test(c.body) && !!model && model.toLowerCase() === defaultOf[2] && suffix === defaultOf[3];
    if (!named && !byDefault) continue;
    const gq = /^ {4}def\s+get_queryset\s*\(/m.exec(c.body);
    if (gq) return { file: views.file, line: lineOf(c.start + gq.index), name: c.name, how: 'get_queryset', ...(model ? { model } : {}) };
    if (qs) return { file: views.file, line: lineOf(c.start + qs.index), name: c.name, how: 'queryset', ...(model ? { model } : {}) };
    return { file: views.file, line: lineOf(c.start), name: c.name, how: 'model', ...(model ? { model } : {}) };
  }
  const render = new RegExp(`\\brender(?:_to_response)?\\s*\\([^)]*?${quoted}`).exec(text);
  if (render) {
    const before = text.slice(0, render.index);
    const fn = [...before.matchAll(/^def\s+(\w+)\s*\(/gm)].pop();
    if (fn) return { file: views.file, line: lineOf(fn.index!), name: fn[1], how: 'function' };
  }
  return undefined;
}
