/**
 * The batched form of a recorded N+1, in the library that sent it, naming what the recorded SQL names (pure).
 *
 * The repeated statement's look-up (`WHERE "api_check"."project_id" = $1`) says which table the loop reads per item
 * and by which column: a `<x>_id` column is the foreign key to the rows the loop runs over (a reverse relation of the
 * parent: Django's `check_set`), an `id` look-up is a forward foreign key per row (`select_related("project")`). The
 * code at the call site says the rest when it can (`self.channel_set.values_list(…)`: the relation's own name, and
 * that a values_list sends a new query, so prefetch_related would not serve it); otherwise the ORM's conventions
 * (Django's default reverse name `<model>_set`, its `<app>_<model>` table names). person11 Q4 and person10 N10: the
 * advice said "select_related() … prefetch_related() …" or ".whereIn('fk', ids)" though the recorded SQL named both.
 *
 * `atParent` is what to do at the query that loaded the rows (the "Go to the query that loads the rows" quick fix
 * names it); absent when the form does not go there, and then no quick fix promises a batched form there.
 */
import { statementShape } from '../sql/predicates';
import { depthAt } from '../limits';
import { objectPairs, prismaBatchedCall, sequelizeSeparateInclude, splitTop } from '../nplusone/rewrites';
import { prismaIncludeFor, prismaModelOf, prismaModels } from '../prismaSchema';
import { groupedRewrite, type Aggregate, type GroupedRewrite } from './groupedForm';
import { associationProperty, type SequelizeMixin } from '../nplusone/sequelizeModels';
import { argsFrom } from '../nplusone/drfViews';
import type { DjangoNames } from './djangoNames';

/**
 * The Sequelize association a recorded call site calls once per item (`article.getTagList()`), as the models declare
 * it (person14 P2: the advice named the through table TagList, which has no model, and wrote `include: [Assoc]`).
 */
export interface SequelizeCall {
  mixin: SequelizeMixin;
  /** Several models declare the same association (the call's receiver may be any of them). */
  models?: string[];
  /** The variable the mixin is called on (`article`). */
  item?: string;
  /** The call's arguments as written (`{ order: [['id', 'ASC']] }`): a get's own options, which the batched form keeps. */
  args?: string;
  /** The query that loaded the rows already includes the association (its `as`, or its model without one). */
  included?: boolean;
  /**
   * The options that filter that include (`where`, `limit`): it holds only the matching rows, so the item's property
   * is not what the mixin returns (person15 #6: conduit's list by tag includes `tagList` with `where: { name: tag }`).
   */
  filtered?: string[];
}

/** The column (and table, when the SQL says it) a repeated look-up is keyed on. */
export interface RecordedLookup {
  table?: string;
  column: string;
  /**
   * The look-up's other conditions, whose parameters were the same in every call (`"teamID" = $1` beside the
   * per-item `"parentID" = $2`): a batched form keeps them. Known only where the capture said which parameters change.
   */
  same?: string[];
  /** The statement counts the rows per item (`SELECT COUNT(*) … FROM (…)`, Prisma's count): the batched form groups. */
  count?: boolean;
  /** Prisma's aggregate per item (`_sum$value`): the operations and fields its groupBy takes (`_sum: { value: true }`). */
  prismaAggregates?: [string, string][];
  /** The number of the per-item parameter in the text the look-up was read from. */
  param?: number;
  /**
   * The statement computes aggregates per item (a sum, a count, …): its batched form is ONE grouped statement over the
   * per-item column (groupedForm.ts), which the advice gives in the library that sent it (person13 P1).
   */
  grouped?: GroupedRewrite;
  /** Prisma: the model and field names from schema.prisma, and the relation the parent query can include. */
  prisma?: PrismaLookup;
  /** Django: the model class and relation names from the app's models.py (djangoNames.ts). */
  django?: DjangoNames;
  /**
   * The statement takes at most this many rows per item (its own LIMIT: `… WHERE product_id = $1 ORDER BY created_at DESC
   * LIMIT 3`; 'param' for `LIMIT $2`): one query of every item's rows would return all of each, so the batched form keeps
   * the limit per item (person49 M-1: "one query on reviews with WHERE product_id = ANY($1)" dropped the latest three).
   * Set only with an ORDER BY (the top rows per item); not for LIMIT 1 (`.first()`: matching one row per item in memory
   * keeps it) nor for a LIMIT without ORDER BY (Django's `.get()` sends `LIMIT 21` on a key look-up).
   */
  limit?: number | 'param';
}

export interface PrismaLookup {
  /** The model of the table, its client property (`teamCollection`), and the field of the per-item column. */
  model: string;
  client: string;
  field: string;
  /** The constant conditions (RecordedLookup.same) as the call's where writes them (`teamID`). */
  keep: [string, string][];
  /** The constant conditions the call's where does not write as such: said in words, never a placeholder in the code. */
  keepSaid?: string[];
  /** The relation of the parent model whose foreign key is the per-item field (`children` of TeamCollection). */
  include?: { model: string; relation: string };
}

export interface BatchedForm {
  /** The advice, one sentence or two. */
  fix: string;
  /** What to change at the query that loads the rows, when the batched form goes there. */
  atParent?: string;
  /**
   * The calls to add to that query, when the batched form is one (`.select_related("author")`): where the rows' query
   * is evaluated in a template, the view that builds it takes them (findings.ts).
   */
  chain?: string;
}

const IDENT = /^[A-Za-z_][\w$]*$/;

/** A look-up's `column = $n` condition of the statement's own block, with its parameter number (undefined: a constant). */
interface Keyed {
  /** Its block's LIMIT when it takes the top rows per item (RecordedLookup.limit). */
  limit?: number | 'param';
  table?: string;
  /** How the statement names the table (its alias, else its name). */
  alias?: string;
  column: string;
  param?: number;
}

/** A statement that selects a constant and one row: whether a row exists (Django's `.exists()`: `SELECT 1 AS "a" … LIMIT 1`). */
const EXISTS_PROBE = /^\s*select\s+(?:1|true)(?:\s+as\s+(?:"[^"]*"|\w+))?\s+from\b[\s\S]*\blimit\s+1\s*;?\s*$/i;

/** What the look-up is for, when the caller knows it from the code that sent it (a Sequelize mixin's verb and target). */
export interface LookupHints {
  /** The statement asks whether a row exists per item (`article.hasUser(user)`): its batched form lists the items that have one. */
  exists?: boolean;
  /** The alias of the table whose condition is the call's own argument (`"User"."id" = $2` of `hasUser(user)`), the same for every item. */
  argument?: string;
}

/**
 * `SELECT <aggregates> FROM (<inner>) [AS] alias`: the inner statement and the aggregates' aliases (a count or an
 * aggregate per item over a subquery: Prisma's count and aggregate, SQLAlchemy's Query.count()).
 */
function aggregatedInner(sql: string): { inner: string; list: string } | undefined {
  const m = /^\s*select\s+([\s\S]*?)\s+from\s+\(([\s\S]*)\)\s*(?:as\s+)?(?:"[^"]*"|\w+)?\s*;?\s*$/i.exec(sql);
  if (!m) return undefined;
  const items = splitTop(m[1]);
  const AGG = /^(count|sum|avg|min|max)\s*\([^()]*(?:\([^()]*\)[^()]*)*\)(?:\s+as\s+(?:"[^"]*"|\w+))?$/i;
  return items.length && items.every((x) => AGG.test(x.trim())) ? { inner: m[2], list: m[1] } : undefined;
}

/** Prisma's aggregate aliases (`"_sum$value"`, `"_count$_all"`): the operation and the field, as groupBy takes them. */
function prismaAggregatesOf(list: string): [string, string][] {
  return [...list.matchAll(/"_(count|sum|avg|min|max)\$(\w+)"/g)].map((m): [string, string] => [m[1], m[2]]);
}

/**
 * The look-up of a recorded statement: its `column = $n` (or IN) condition with a parameter, with the table it belongs
 * to — resolved through the statement's tables, or (an unqualified column of a join, `… from "feature_tag" left join
 * "tag_types" … where "feature_name" = $1`) the first table of the FROM that may hold it.
 * `varies`: which parameters changed between the calls (bit i for $i+1, from the capture), when known. With several
 * such conditions (`"teamID" = $1 AND "parentID" = $2`), the per-item one is the condition whose parameter changed;
 * the others are kept as `same`. Not known (an older capture, a driver whose placeholders are not $n) and several
 * conditions: no look-up (the advice names no column rather than the first one: person12 R3 batched on teamID, the
 * same for every item).
 */
export function lookupOf(sql: string, varies?: number, hints: LookupHints = {}): RecordedLookup | undefined {
  // `SELECT 1 AS "a" FROM … LIMIT 1` (Django's .exists(), a hand-written existence probe) asks whether a row exists.
  if (!hints.exists && EXISTS_PROBE.test(sql)) hints = { ...hints, exists: true };
  const agg = aggregatedInner(sql);
  const inner = agg?.inner;
  const shape = statementShape(inner ?? sql);
  if (!shape) return undefined;
  const text = inner ?? sql;
  const keyed: Keyed[] = [];
  const param = (p: { span?: { start: number; end: number } }) => {
    const m = p.span ? /\$(\d+)/.exec(text.slice(p.span.start, p.span.end)) : null;
    return m ? Number(m[1]) : undefined;
  };
  const isKeyed = (p: { target: { kind: string }; op: string; span?: { start: number; end: number } }) =>
    p.target.kind === 'column' && (p.op === '=' || p.op === 'IN') && !!p.span && /\$\d+/.test(text.slice(p.span.start, p.span.end));
  for (const t of shape.tables) {
    // A table of a subquery (`WHERE id IN (SELECT project_id FROM accounts_member WHERE user_id = $1)`) is not what the
    // statement reads per item: only the tables of the outer block (its FROM and JOINs) are.
    if (t.span && parenDepthAt(text, t.span.start) > 0) continue;
    const limit = t.limit !== undefined && t.limit !== 1 && t.orderBy.length && !hints.exists ? { limit: t.limit } : {};
    for (const p of t.predicates) if (isKeyed(p) && p.target.kind === 'column' && IDENT.test(p.target.column)) keyed.push({ table: t.name, alias: t.key, column: p.target.column, param: param(p), ...limit });
  }
  for (const u of shape.unresolved) {
    const p = u.predicate;
    if (!isKeyed(p) || p.target.kind !== 'column' || !IDENT.test(p.target.column)) continue;
    const first = shape.tables.find((t) => u.candidates.includes(t.key) && !(t.span && parenDepthAt(text, t.span.start) > 0));
    if (first) keyed.push({ table: first.name, alias: first.key, column: p.target.column, param: param(p) });
  }
  // The call's own argument (the user of `hasUser(user)`) is the same for every item: not the per-item key.
  if (hints.argument && keyed.some((k) => k.alias !== hints.argument)) keyed.splice(0, keyed.length, ...keyed.filter((k) => k.alias !== hints.argument));
  if (!keyed.length) return undefined;
  const ops = agg ? prismaAggregatesOf(agg.list) : [];
  const count = agg === undefined ? {} : ops.some(([op]) => op !== 'count') ? { prismaAggregates: ops } : /^\s*count\s*\(/i.test(agg.list) ? { count: true } : {};
  if (varies !== undefined && keyed.every((k) => k.param !== undefined && k.param <= 31)) {
    const changed = keyed.filter((k) => (varies & (1 << (k.param! - 1))) !== 0);
    // None changed (the same look-up again and again: nothing per item to batch on) or several (a compound key): unnamed.
    if (changed.length !== 1) return undefined;
    const [k] = changed;
    const same = keyed.filter((x) => x !== k && x.table === k.table).map((x) => x.column);
    return withGrouped(sql, { table: k.table, column: k.column, ...(same.length ? { same } : {}), ...count, param: k.param, ...(k.limit !== undefined ? { limit: k.limit } : {}) }, hints);
  }
  if (keyed.length > 1 && new Set(keyed.map((k) => `${k.table}.${k.column}`)).size > 1) return undefined;
  return withGrouped(sql, { table: keyed[0].table, column: keyed[0].column, ...count, ...(keyed[0].param !== undefined ? { param: keyed[0].param } : {}), ...(keyed[0].limit !== undefined ? { limit: keyed[0].limit } : {}) }, hints);
}

/** A look-up of a per-item aggregate (or existence check) gets its grouped statement (when its shape has one: groupedForm). */
function withGrouped(sql: string, k: RecordedLookup, hints: LookupHints): RecordedLookup {
  const { param, ...rest } = k;
  const g = param !== undefined ? groupedRewrite(sql, param, { exists: hints.exists }) : undefined;
  if (!g || g.key.column !== k.column) return rest;
  return { ...k, grouped: g, ...(g.aggregates.length && g.aggregates.every((a) => a.fn === 'count') ? { count: true } : {}) };
}

/** The text inside the parentheses of the call at 1-based (line, col) of `text`: from the first `(` there to its match. */
export function callArgsAt(text: string, line: number, col: number): string | undefined {
  let at = 0;
  for (let l = 1; l < line; l++) {
    at = text.indexOf('\n', at) + 1;
    if (at === 0) return undefined;
  }
  const open = text.indexOf('(', at + Math.max(0, col - 1));
  if (open < 0 || open - at > 2000) return undefined;
  let depth = 0;
  let quote = '';
  for (let i = open; i < text.length && i < open + 20000; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  return undefined;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * A recorded Prisma look-up in the schema's names: the model of the table, the field of the per-item column, the
 * constant conditions as the call's own where writes them (`{ teamID, parentID: collectionID }` → `teamID`), and —
 * only when schema.prisma says it — the relation of the parent model whose foreign key is that field (person12 R3:
 * the advice said `include: { rel: true }` and batched on teamID, the same for every item).
 */
export function prismaLookupOf(k: RecordedLookup, schema: string | undefined, callArgs: string | undefined): PrismaLookup | undefined {
  if (!k.table) return undefined;
  const models = schema ? prismaModels(schema) : [];
  const model = prismaModelOf(models, k.table);
  const name = model?.name ?? k.table;
  const fieldOf = (column: string) => model?.fields.find((f) => f.column === column && !f.relation)?.name ?? column;
  const args = callArgs !== undefined ? splitTop(callArgs) : [];
  const where = args.length ? objectPairs(objectPairs(args[0])?.find(([x]) => x === 'where')?.[1]) : undefined;
  const fields = (k.same ?? []).map(fieldOf);
  const keep = fields.flatMap((f): [string, string][] => where?.filter(([x]) => x === f).slice(0, 1) ?? []);
  const keepSaid = fields.filter((f) => !keep.some(([x]) => x === f));
  const include = model && !k.count ? prismaIncludeFor(models, model, k.column) : undefined;
  return { model: name, client: lowerFirst(name), field: fieldOf(k.column), keep, ...(keepSaid.length ? { keepSaid } : {}), ...(include ? { include } : {}) };
}

function prisma(k: RecordedLookup | undefined): BatchedForm {
  if (!k) return { fix: 'Load the rows for every item at once: one findMany whose where has { in: ids } on the field that changes per item and keeps the call\'s other conditions, or include the relation in the query that loads the parent rows.' };
  const p: PrismaLookup = k.prisma ?? { model: k.table ?? 'the model', client: lowerFirst(k.table ?? 'model'), field: k.column, keep: [], keepSaid: k.same ?? [] };
  const ops = k.prismaAggregates ?? [];
  if (ops.length) {
    const byOp = new Map<string, string[]>();
    for (const [op, f] of ops) byOp.set(op, [...(byOp.get(op) ?? []), f]);
    const rest = [...byOp].map(([op, fs]): [string, string] => [`_${op}`, op === 'count' && fs.includes('_all') ? 'true' : `{ ${fs.map((f) => `${f}: true`).join(', ')} }`]);
    const call = prismaBatchedCall(p.client, 'aggregate', p.field, p.keep, rest);
    const ids = `ids: the ${p.field} of every item${p.keepSaid?.length ? `; keep ${p.keepSaid.join(', ')} in its where, the same for every item` : ''}`;
    return { fix: `The recorded statement computes ${ops.map(([op, f]) => `${op}(${f === '_all' ? '*' : f})`).join(', ')} of ${p.model} by ${p.field} once per item: compute it for every item at once with ONE ${call} (${ids}) and read each item's result by its ${p.field} (an item with no group has no rows).`, atParent: `after it, one ${call} for all its rows` };
  }
  const call = prismaBatchedCall(p.client, k.count ? 'count' : 'findMany', p.field, p.keep);
  const ids = `ids: the ${p.field} of every item${p.keepSaid?.length ? `; keep ${p.keepSaid.join(', ')} in its where, the same for every item` : ''}`;
  if (k.count) return { fix: `The recorded statement counts ${p.model} rows by ${p.field} once per item: count them for every item at once with one ${call} (${ids}) and read each item's count by its ${p.field} (0 when it has no group).`, atParent: `after it, one ${call} for all its rows` };
  if (p.include) {
    return {
      fix: `The recorded statement reads ${p.model} by ${p.field} once per item: load them with the query that loads the ${p.include.model} rows — include: { ${p.include.relation}: true } (the relation whose foreign key is ${p.model}.${p.field}) — or one ${call} (${ids}), grouped by ${p.field}.`,
      atParent: `add include: { ${p.include.relation}: true } to it`,
    };
  }
  return { fix: `The recorded statement reads ${p.model} by ${p.field} once per item: load them for every item at once with one ${call} (${ids}), ${p.field === 'id' ? 'looked up' : 'grouped'} by ${p.field}.`, atParent: `after it, one ${call} for all its rows` };
}

/** Parenthesis depth at an offset, outside quoted names and strings. */
const parenDepthAt = (sql: string, offset: number) => depthAt(sql, offset, '(', ')', `'"`, 0);

/** Django's model name of a table (`api_check` → `check`): its default `db_table` is `<app_label>_<model name, lower>`. */
function djangoModel(table: string | undefined): string | undefined {
  const m = table ? /_([a-z0-9]+)$/.exec(table) : null;
  return m ? m[1] : undefined;
}

/**
 * The class name as the code spells it (`BookInstance` for `bookinstance`): the app's models (k.django), else a name
 * the file uses; undefined when neither says it — the advice then names the table, never an invented casing
 * (person17: `Bookinstance.objects…` for BookInstance).
 */
function className(lower: string, fileText: string | undefined, names?: DjangoNames): string | undefined {
  if (names?.model) return names.model;
  if (fileText) {
    const re = new RegExp(`\\b(${lower.replace(/[^a-z0-9]/g, '')})\\b`, 'gi');
    for (const m of fileText.matchAll(re)) if (/^[A-Z]/.test(m[1]) && m[1].toLowerCase() === lower) return m[1];
  }
  return undefined;
}

/**
 * The attribute the call site reads per row that names the table's rows (`p.content_type.model`, `check.project.name`):
 * the table's name ends with it (`django_content_type`, `accounts_project`).
 */
function forwardField(table: string | undefined, callText: string | undefined): string | undefined {
  if (!table || !callText) return undefined;
  for (const m of callText.matchAll(/\b[a-z_]\w*\.([a-z_]\w*)\b(?!\s*\()/g)) {
    const f = m[1];
    if (f !== 'objects' && (table === f || table.endsWith(`_${f}`))) return f;
  }
  return undefined;
}

/** Related-manager methods that read the prefetch cache (`all`, `count`, `exists`); any other one sends a new query. */
const DJANGO_CACHED = /^(all|count|exists)$/;

/** `self.channel_set.values_list(` → relation `channel_set`, method `values_list`. */
function djangoRelationCall(callText: string | undefined): { rel: string; method: string } | undefined {
  const m = callText ? /\.(\w+)\.(all|filter|exclude|values_list|values|count|exists|order_by|first|last|get|aggregate|annotate|select_related|prefetch_related|only|defer|latest|earliest|distinct)\s*\(/.exec(callText) : null;
  return m && m[1] !== 'objects' ? { rel: m[1], method: m[2] } : undefined;
}

function django(k: RecordedLookup | undefined, callText: string | undefined, fileText: string | undefined): BatchedForm {
  const generic = 'Load the relation with the parent query: select_related() for a foreign key, prefetch_related() for a reverse or many-to-many relation.';
  if (!k) return { fix: generic };
  const model = djangoModel(k.table);
  const call = djangoRelationCall(callText);
  const fk = /^(\w+)_id$/.exec(k.column)?.[1];
  if (fk) {
    // A reverse relation of the rows the loop runs over: the parent's `<model>_set` (or the related_name the code uses).
    const rel = call?.rel ?? k.django?.reverse ?? (model ? `${model}_set` : undefined);
    const named = rel ? `"${rel}"` : undefined;
    const Model = model ? className(model, fileText, k.django) : undefined;
    const where = `${k.table ?? 'the table'} by ${k.column}`;
    if (call && !DJANGO_CACHED.test(call.method)) {
      const batch = `${Model ? `${Model}.objects` : `the model of ${k.table ?? 'the table'}`}.filter(${fk}__in=ids)`;
      return {
        fix: `The recorded statement reads ${where} once per row, through .${call.rel}.${call.method}(): prefetch_related(${named}) would not serve .${call.method}() (it sends a new query). Load them for every row at once — ${batch}${call.method.startsWith('values') ? `.${call.method}("${k.column}", …)` : ''} — and group by ${k.column} in memory, or prefetch_related(${named}) and read the fields from .all() in Python.`,
        atParent: `after it, one ${batch} for all its rows, grouped by ${k.column}`,
      };
    }
    if (!named) return { fix: generic };
    const byDefault = call || k.django?.reverse ? '' : ` (Django's default name of the reverse relation of ${Model ? `${Model}.${fk}` : `${k.table}.${k.column}`}; the related_name if the ForeignKey sets one)`;
    return {
      fix: `The recorded statement reads ${where} once per row: load them with the parent query — .prefetch_related(${named})${byDefault}.`,
      atParent: `add .prefetch_related(${named}) to it`,
      chain: `.prefetch_related(${named})`,
    };
  }
  if (k.column === 'id' || k.column === 'pk') {
    const get = callText ? /(?:\b([A-Z]\w*)\.objects\.get|\bget_object_or_404)\s*\(/.exec(callText) : null;
    if (get) {
      const Model = get[1] ?? (model ? className(model, fileText, k.django) : undefined);
      const bulk = Model ? `${Model}.objects.in_bulk(ids)` : `in_bulk(ids) on the model of ${k.table ?? 'the table'}`;
      return { fix: `The recorded statement fetches one ${k.table ?? 'row'} by id per item: fetch them at once with ${bulk} (a dict by id) before the loop.`, atParent: `after it, one ${bulk} for all its rows` };
    }
    // The foreign key the code reads per row, when the call site names it: `p.content_type.model` on django_content_type
    // (a table named its own way, not `<app>_<model>`: the convention alone would have said "type").
    // The models name the field when the call site reads one that points at the table (`bookinst.borrower` on auth_user).
    const field = forwardField(k.table, callText) ?? k.django?.field;
    if (field) {
      return {
        fix: `The recorded statement fetches one ${k.table} row by id per item (the foreign key ${field} read per row): load it with the parent query — .select_related("${field}").`,
        atParent: `add .select_related("${field}") to it`,
        chain: `.select_related("${field}")`,
      };
    }
    if (!k.table) return { fix: generic };
    const which = k.django?.fields?.length ? ` (in the models: ${k.django.fields.slice(0, 4).join(', ')}${k.django.fields.length > 4 ? ', …' : ''})` : '';
    return {
      fix: `The recorded statement fetches one ${k.table} row by id per item (a foreign key read per row): load it with the parent query — .select_related() naming the ForeignKey to ${k.table}${which}.`,
      atParent: `add .select_related() of its ForeignKey to ${k.table}${which} to it`,
    };
  }
  const Model = model ? className(model, fileText, k.django) : undefined;
  const batch = `${Model ? `${Model}.objects` : `the model of ${k.table ?? 'the table'}`}.filter(${k.column}__in=values)`;
  return { fix: `The recorded statement looks ${k.table ?? 'rows'} up by ${k.column} once per item: one ${batch} for all items, grouped by ${k.column} in memory.`, atParent: `after it, one ${batch} for all its rows` };
}

/** The class of the file that declares `attr` as a relationship (`books = relationship(…)`, `books: Mapped[…] = relationship(…)`). */
function declaringClass(attr: string, fileText: string | undefined): string | undefined {
  if (!fileText) return undefined;
  const decl = new RegExp(`^[ \\t]+${attr}\\s*(?::[^=\\n]*)?=\\s*(?:\\w+\\.)?relationship\\s*\\(`, 'm');
  for (const block of fileText.split(/^(?=class\s)/m)) {
    const m = /^class\s+([A-Za-z_]\w*)/.exec(block);
    if (m && decl.test(block)) return m[1];
  }
  return undefined;
}

/**
 * The relationship a call reads (`self.follows.filter(…)`) when the models declare it with no object population — a
 * `lazy='dynamic'` or `lazy='write_only'` relationship (or backref), a `DynamicMapped[…]` / `WriteOnlyMapped[…]` one:
 * SQLAlchemy refuses selectinload/joinedload/subqueryload of it ("eager loading cannot be applied", person20 HIGH 2b).
 */
export interface NoEager {
  /** `UserProfile.follows` (the relationship's name alone for a backref). */
  attr: string;
  lazy: string;
}

export function noEagerRelationship(callText: string | undefined, modelsText: string | undefined): NoEager | undefined {
  if (!callText || !modelsText) return undefined;
  for (const m of callText.matchAll(/\.([A-Za-z_]\w*)\b(?!\s*\()/g)) {
    const name = m[1];
    // `name = relationship(…)` / `name: DynamicMapped[…] = relationship(…)` in a class, or `backref('name', …)`.
    const decls = [new RegExp(`^[ \\t]+${name}\\s*(:[^=\\n]*)?=\\s*(?:\\w+\\.)?relationship\\s*\\(`, 'gm'), new RegExp(`\\bbackref\\s*\\(\\s*['"]${name}['"]`, 'g')];
    for (const decl of decls) {
      for (const d of modelsText.matchAll(decl)) {
        const open = d.index! + d[0].lastIndexOf('(');
        // Its own arguments only: a backref(…, lazy='dynamic') inside is the other side's.
        let args = balanced(modelsText, open);
        for (let prev = ''; prev !== args;) [prev, args] = [args, args.replace(/\([^()]*\)/g, '')];
        const lazy = /\blazy\s*=\s*['"](dynamic|write_only)['"]/.exec(args)?.[1] ?? (/(DynamicMapped|WriteOnlyMapped)\s*\[/.exec(d[1] ?? '') ? (/Dynamic/.test(d[1]!) ? 'dynamic' : 'write_only') : undefined);
        if (!lazy) continue;
        const owner = decl.source.startsWith('\\bbackref') ? undefined : declaringClass(name, modelsText);
        return { attr: owner ? `${owner}.${name}` : name, lazy };
      }
    }
  }
  return undefined;
}

/** The text of the parenthesised arguments that open at `open` (up to 4,000 characters). */
function balanced(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i >= 0 && i < text.length && i < open + 4000; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1, open + 4000);
}

/** A relationship SQLAlchemy cannot eager-load: one grouped query for every item, never selectinload/joinedload. */
export function noEagerWords(attr: string, lazy: string): string {
  return `${attr} is a lazy="${lazy}" relationship, which SQLAlchemy cannot load with the parent query (selectinload, joinedload and subqueryload of it raise "eager loading cannot be applied")`;
}

/**
 * The eager load of a path of relationships with the parent query: joinedload for a many-to-one, selectinload for a
 * collection (or when the models do not say), chained along the path (`.options(selectinload(Post.comments).joinedload(Comment.author))`).
 */
export function eagerOptions(path: readonly { owner: string; attr: string; many?: boolean }[]): string {
  return `.options(${path.map((r, i) => `${i ? '.' : ''}${r.many === false ? 'joinedload' : 'selectinload'}(${r.owner}.${r.attr})`).join('')})`;
}

function noEagerForm(rel: NoEager, k: RecordedLookup | undefined, fileText: string | undefined): BatchedForm {
  const lead = noEagerWords(rel.attr, rel.lazy);
  const M = k ? pythonModel(k.table, fileText) : undefined;
  const table = k?.table && fileText ? new RegExp(`^([A-Za-z_]\\w*)\\s*=\\s*(?:\\w+\\.)?Table\\s*\\(\\s*['"]${k.table.replace(/\W/g, '')}['"]`, 'm').exec(fileText)?.[1] : undefined;
  const col = k && IDENT.test(k.column) ? (M ? `${M}.${k.column}` : table ? `${table}.c.${k.column}` : undefined) : undefined;
  const query = col
    ? `one select(${col}, func.count()).where(${col}.in_(ids)).group_by(${col}) (ids: every item's ${k!.column})`
    : k && IDENT.test(k.column)
      ? `one grouped query of ${k.table ?? 'its table'} by ${k.column} for every item's ${k.column} at once (in SQL: SELECT ${k.column}, count(*) … WHERE ${k.column} = ANY($1) GROUP BY ${k.column}, $1 the array of them)`
      : `one query of its table grouped by the relationship's foreign key, for every item's key at once (in SQL: that column and count(*), WHERE it = ANY($1), GROUP BY it)`;
  return { fix: `${lead}: read it for every item with ${query}, and look each item up in the result (an item missing from it has no rows).`, atParent: `after it, one grouped query for all its rows` };
}

function sqlalchemy(k: RecordedLookup | undefined, callText: string | undefined, fileText: string | undefined, known?: NoEager): BatchedForm {
  const noEager = noEagerRelationship(callText, fileText) ?? known;
  if (noEager) return noEagerForm(noEager, k, fileText);
  if (!k) return { fix: 'Load the relationship the loop reads with the parent query: selectinload of it in the options (a collection), or joinedload (a many-to-one).' };
  const t = k.table ?? 'the table';
  // The relationship the call site reads per row (`len(a.books)` on sa_books), and its class when the file declares it.
  const rel = forwardField(k.table, callText);
  const owner = rel ? declaringClass(rel, fileText) : undefined;
  const attr = rel && owner ? `${owner}.${rel}` : undefined;
  // The model of the table, when the file declares or uses it (`__tablename__`, the class name); else said in words
  // with the SQL (person13 P1: the advice showed `<agg_awards model>` and `Parent.<relationship to …>`).
  const M = pythonModel(k.table, fileText);
  const batch = (values: string) => M
    ? `one select(${M}).where(${M}.${k.column}.in_(${values}))`
    : `one query of ${t} for every ${k.column} at once (in SQL: … WHERE ${k.column} = ANY($1), $1 the array of them)`;
  if (/_id$/.test(k.column)) {
    return {
      fix: `The recorded statement reads ${t} by ${k.column} once per row: load the relationship with the parent query — ${attr ? `.options(selectinload(${attr}))` : `selectinload of the parent's relationship to ${t}`} — or ${batch('ids')} grouped in memory.`,
      atParent: attr ? `add .options(selectinload(${attr})) to it` : `add selectinload of its relationship to ${t} to its options`,
    };
  }
  if (k.column === 'id') return { fix: `The recorded statement fetches one ${t} row by id per item: ${attr ? `joinedload(${attr})` : `joinedload of the many-to-one relationship to ${t}`} with the parent query, or ${batch('ids')}.`, atParent: attr ? `add .options(joinedload(${attr})) to it` : `add joinedload of its relationship to ${t} to its options` };
  return { fix: `The recorded statement looks ${t} up by ${k.column} once per item: ${batch('values')} for all items, grouped in memory.` };
}

/** A name for an aggregate's result: its alias when it is a plain one, else `sum_value`, `count`. */
function aggregateName(a: Aggregate): string {
  if (a.alias && IDENT.test(a.alias) && !a.alias.startsWith('_')) return a.alias;
  return a.arg === '*' ? a.fn : `${a.fn}_${a.arg}`;
}

/** The model class of a table in a Python file: the class whose `__tablename__` it is, else a class name the file uses that spells the table (`Awards` for `awards`). */
function pythonModel(table: string | undefined, fileText: string | undefined): string | undefined {
  if (!table || !fileText) return undefined;
  for (const block of fileText.split(/^(?=class\s)/m)) {
    const m = /^class\s+([A-Za-z_]\w*)/.exec(block);
    if (m && new RegExp(`^\\s+__tablename__\\s*=\\s*['"]${table.replace(/[^\w]/g, '')}['"]`, 'm').test(block)) return m[1];
  }
  const flat = table.toLowerCase().replace(/_/g, '');
  for (const m of fileText.matchAll(/\b([A-Z][A-Za-z0-9]*)\b/g)) if (m[1].toLowerCase() === flat) return m[1];
  return undefined;
}

/**
 * A per-item aggregate's batched form (person13 P1): ONE grouped statement over the per-item column, written in the
 * library that sent it with the names the recorded SQL and the code give, and the statement itself — never a
 * placeholder: where a name is not known (the model of a table), it is said in words and the SQL given.
 */
function aggregateForm(v: string, k: RecordedLookup & { grouped: GroupedRewrite }, callText: string | undefined, fileText: string | undefined, assoc?: SequelizeCall): BatchedForm {
  const g = k.grouped;
  const c = k.column;
  const t = k.table ?? 'the table';
  if (g.exists) return existsForm(v, k, assoc);
  if (g.groupedBy) return alreadyGroupedForm(v, { ...k, grouped: { ...g, groupedBy: g.groupedBy } }, fileText);
  const what = g.aggregates.map((a) => `${a.fn}(${a.distinct ? 'DISTINCT ' : ''}${a.arg})`).join(', ');
  const sqlText = g.sql.replace(/\s+/g, ' ');
  const others = g.params.length > 1 ? '; the others as before' : '';
  // What the per-item statement gave for an item with no rows, which has no row in the grouped result.
  const none = `an item missing from the result has no rows: ${g.aggregates.map((a) => `${a.fn} ${a.fallback ?? (a.fn === 'count' ? '0' : 'NULL')}`).join(', ')}`;
  const statement = `— in SQL: ${sqlText} ($${g.params.indexOf(k.param ?? -1) + 1}: the array of every item's ${c}${others}) — and read each item's row by ${c} (${none})`;
  const lead = `The recorded statement computes ${what} of ${t} per ${c}, once per item: compute it for every item with ONE grouped statement`;
  const atParent = `after it, one grouped query by ${c} for all its rows`;
  const simple = (fn: string) => /^(count|sum|avg|min|max)$/.test(fn);
  if (v === 'sqlalchemy') {
    const M = pythonModel(k.table, fileText);
    if (M) {
      const agg = g.aggregates.map((a) => `func.${a.fn}(${a.arg === '*' ? '' : `${M}.${a.distinct ? `${a.arg}.distinct()` : a.arg}`})${a.alias && IDENT.test(a.alias) ? `.label("${a.alias}")` : ''}`).join(', ');
      const q = callText ? /([A-Za-z_][\w.]*)\.query\s*\(/.exec(callText) : null;
      const code = q
        ? `${q[1]}.query(${M}.${c}, ${agg}).filter(${M}.${c}.in_(ids)).group_by(${M}.${c})`
        : `select(${M}.${c}, ${agg}).where(${M}.${c}.in_(ids)).group_by(${M}.${c})`;
      return { fix: `${lead}: ${code} (ids: every item's ${c}) ${statement}.`, atParent };
    }
  }
  if (v === 'django') {
    const model = djangoModel(k.table);
    const M = model ? className(model, fileText, k.django) : undefined;
    if (M) {
      const dj: Record<string, string> = { count: 'Count', sum: 'Sum', avg: 'Avg', min: 'Min', max: 'Max' };
      if (g.aggregates.every((a) => dj[a.fn])) {
        const ann = g.aggregates.map((a) => `${aggregateName(a)}=${dj[a.fn]}("${a.arg === '*' ? '*' : a.arg}"${a.distinct ? ', distinct=True' : ''})`).join(', ');
        return { fix: `${lead}: ${M}.objects.filter(${c}__in=ids).values("${c}").annotate(${ann}) (ids: every item's ${c}) ${statement}.`, atParent };
      }
    }
  }
  if (v === 'knex' && k.table && g.aggregates.every((a) => simple(a.fn))) {
    const agg = g.aggregates.map((a) => `.${a.fn}${a.distinct ? 'Distinct' : ''}('${a.arg} as ${aggregateName(a)}')`).join('');
    return { fix: `${lead}: knex('${k.table}').select('${c}')${agg}.whereIn('${c}', ids).groupBy('${c}') (ids: every item's ${c}) ${statement}.`, atParent };
  }
  if (v === 'sequelize' && (/\bjoin\b/i.test(g.sql) || assoc)) {
    // A join (a through table with no model of its own) or an association mixin: the statement itself, run once.
    const via = assoc ? ` (instead of one ${assoc.mixin.name}() per ${assoc.item ?? 'item'})` : '';
    return { fix: `${lead}${via}: sequelize.query(sql, { bind: [ids${g.params.length > 1 ? ', …' : ''}], type: QueryTypes.SELECT }) with that statement ${statement}.`, atParent };
  }
  if (v === 'sequelize' && g.aggregates.every((a) => simple(a.fn))) {
    const attrs = g.aggregates.map((a) => `[fn('${a.fn.toUpperCase()}', ${a.arg === '*' ? "literal('*')" : `${a.distinct ? `fn('DISTINCT', col('${a.arg}'))` : `col('${a.arg}')`}`}), '${aggregateName(a)}']`).join(', ');
    return { fix: `${lead}: findAll on the model of ${t} with { attributes: ['${c}', ${attrs}], where: { ${c}: ids }, group: ['${c}'], raw: true } (ids: every item's ${c}) ${statement}.`, atParent };
  }
  if (v === 'typeorm' && g.aggregates.every((a) => simple(a.fn))) {
    const sel = g.aggregates.map((a) => `.addSelect('${a.fn.toUpperCase()}(${a.distinct ? 'DISTINCT ' : ''}${a.arg === '*' ? '*' : `x.${a.arg}`})', '${aggregateName(a)}')`).join('');
    return { fix: `${lead}: on the repository of ${t}, createQueryBuilder('x').select('x.${c}', '${c}')${sel}.where('x.${c} IN (:...ids)', { ids }).groupBy('x.${c}').getRawMany() (ids: every item's ${c}) ${statement}.`, atParent };
  }
  return { fix: `${lead} ${statement}.`, atParent };
}

/**
 * A per-item aggregate that already groups by the per-item key (CTFd's per-user score: `… JOIN users ON solves.user_id =
 * users.id WHERE users.id = $1 GROUP BY solves.user_id`): the same statement once, its `= $n` as `= ANY($n)` — it gives
 * one row per item, the one the per-item statement gave (issue 16 B: it was told "joinedload" of users).
 */
function alreadyGroupedForm(v: string, k: RecordedLookup & { grouped: GroupedRewrite & { groupedBy: { text: string; readBy: string } } }, fileText: string | undefined): BatchedForm {
  const g = k.grouped;
  const c = k.column;
  const what = g.aggregates.map((a) => `${a.fn}(${a.distinct ? 'DISTINCT ' : ''}${a.arg})`).join(', ');
  const by = g.groupedBy.text === g.key.text ? g.key.text : `${g.groupedBy.text}, equal to its per-item ${g.key.text}`;
  const M = v === 'sqlalchemy' ? pythonModel(k.table, fileText) : undefined;
  const model = v === 'django' ? djangoModel(k.table) : undefined;
  const inLib = M ? `: the same query with .filter(${M}.${c}.in_(ids)) in place of its ${M}.${c} == … filter`
    : model ? `: the same queryset with ${c}__in=ids in place of ${c}=…`
      : v === 'sequelize' ? `: the same findAll with where: { ${c}: ids } (an array: IN) in place of the one value`
        : v === 'knex' ? `: the same query with .whereIn('${c}', ids) in place of its where on ${c}`
          : v === 'typeorm' ? `: the same query builder with '${c} IN (:...ids)', { ids } in place of its condition on ${c}`
            : '';
  const others = g.params.length > 1 ? '; the others as before' : '';
  return {
    fix: `The recorded statement computes ${what} grouped by ${by}, once per item: run it ONCE for every item${inLib} — in SQL: ${g.sql.replace(/\s+/g, ' ')} ($${g.params.indexOf(k.param ?? -1) + 1}: the array of every item's ${c}${others}) — and read each item's row by ${g.groupedBy.readBy} (an item with no rows has no row, as the per-item statement gave).`,
    atParent: `after it, one grouped query by ${c} for all its rows`,
  };
}

/**
 * An existence check per item (`article.hasUser(user)`, once per article): ONE `SELECT DISTINCT <column> … = ANY($1)`
 * lists the items that have a row — never "load the association" (loading every favoriting user to test one).
 */
function existsForm(v: string, k: RecordedLookup & { grouped: GroupedRewrite }, assoc?: SequelizeCall): BatchedForm {
  const g = k.grouped;
  const c = k.column;
  const item = assoc?.item ?? 'item';
  const sqlText = g.sql.replace(/\s+/g, ' ');
  const others = g.params.length > 1 ? '; the others as before' : '';
  const call = assoc ? `${assoc.mixin.name}()` : 'an existence check';
  const model = v === 'django' ? djangoModel(k.table) : undefined;
  // The library's way to send it, where it has a plain one (Django: only when the key is the whole WHERE, so no
  // condition is lost); the statement itself in every case.
  const code = v === 'sequelize'
    ? `sequelize.query(sql, { bind: [ids${g.params.length > 1 ? ', …' : ''}], type: QueryTypes.SELECT }) with this statement`
    : model && k.django?.model && new RegExp(`\\bwhere\\s*\\(?\\s*(?:"?\\w+"?\\.)?"?${c}"?\\s*=\\s*ANY\\(\\$1\\)\\s*\\)?\\s*$`, 'i').test(sqlText) ? `${k.django.model}.objects.filter(${c}__in=ids).values_list("${c}", flat=True).distinct()` : undefined;
  return {
    fix: `The recorded statement asks once per ${item} whether ${k.table ?? 'the table'} has a row for its ${c} (${call}): ask for every ${item} at once with ONE statement${code ? `: ${code}` : ''} — in SQL: ${sqlText} ($${g.params.indexOf(k.param ?? -1) + 1}: the array of every ${item}'s ${c}${others}) — and each ${item} has one when its ${c} is in the result.`,
    atParent: `after it, one query of the ${c}s that have a row, for all its rows`,
  };
}

/**
 * Sequelize, with the association the call site's mixin belongs to (from the models): a `get…()` per item is the
 * association loaded with the list — or, when the list's query already includes it, read from each item.
 */
function sequelizeAssociation(a: SequelizeCall, key: RecordedLookup | undefined): BatchedForm | undefined {
  const m = a.mixin;
  if (!/^get[A-Z]/.test(m.name)) return undefined;
  const item = a.item ?? 'item';
  const prop = associationProperty(m);
  const include = `{ model: ${m.target}${m.as ? `, as: '${m.as}'` : ''} }`;
  const models = a.models ?? [m.model];
  const declared = `${models.map((x) => `${x}.${m.kind}(${m.target}${m.as ? `, { as: '${m.as}' }` : ''})`).join(' / ')} association`;
  const rows = `the ${models.join(' or ')} rows`;
  if (a.included && a.filtered?.length) {
    const on = key ? `${key.table ? `"${key.table}".` : ''}"${key.column}"` : undefined;
    const batched = on
      ? `send the recorded statement once with ${on} = ANY($1) ($1: the array of the page's ${item} ids) through sequelize.query(sql, { bind: [ids], type: QueryTypes.SELECT }) and group the rows by ${key!.column}`
      : `one query of the association's rows for all the page's ${item} ids at once (its key = ANY($1)), grouped by that key`;
    return { fix: `The query that loads ${rows} includes ${prop} with ${a.filtered.join(' and ')} (${include}, the ${declared}): that include holds only the matching rows, so ${item}.${prop} is not what ${m.name}() returns and reading it would change the result. Keep that include as it is and load every ${item}'s ${prop} with ONE query instead of one ${m.name}() per ${item}: ${batched}.` };
  }
  if (a.included) {
    return { fix: `The query that loads ${rows} already includes ${prop} (${include}, the ${declared}): read ${item}.${prop} instead of calling ${m.name}(), which sends the query again for every ${item}.` };
  }
  if (m.kind === 'hasMany') {
    // The include the static rewrite writes for this getter (sequelizeIncludeRewrite): separate, with the getter's own
    // where / order / limit as written; what it cannot carry is said (person47 L5: the getter's order was dropped).
    const opts = getterOptions(a.args);
    const sep = opts ? sequelizeSeparateInclude(m, opts, (v) => notCarried(v, item)) : undefined;
    const left = opts === undefined ? ` The ${m.name}() call's arguments (${oneLine(a.args ?? '')}) are not read here: carry its where, order and limit into that include as written.` : sep!.left.length ? ` Not in that include: ${sep!.left.map((x) => `the ${m.name}() call's ${x.key} (${x.why})`).join('; ')}.` : '';
    const inc = sep?.include ?? `{ ${m.as ? `association: '${m.as}'` : `model: ${m.target}`}, separate: true }`;
    return {
      fix: `Load ${prop} with the query that loads ${rows} — add ${inc} to its include (the ${declared}; separate: true loads every ${item}'s ${prop} with one more query${sep && opts!.length > sep.left.length ? `, the ${m.name}() options kept` : ''}) — then read ${item}.${prop} instead of one ${m.name}() per ${item}.${left}`,
      atParent: `add ${inc} to its include`,
    };
  }
  const own = getterOptions(a.args);
  const ownNote = own === undefined
    ? ` The ${m.name}() call's arguments (${oneLine(a.args ?? '')}) are not in that include: carry what they ask into it.`
    : own.length ? ` The ${m.name}() call's own ${own.map(([k]) => k).join(', ')} ${own.length > 1 ? 'are' : 'is'} not in that include: an include's where needs required: false to keep the rows without a match, and its order goes into the finder's order as [{ model: ${m.target}${m.as ? `, as: '${m.as}'` : ''} }, …].` : '';
  return {
    fix: `Load ${prop} with the query that loads ${rows} — add ${include} to its include (the ${declared}) — then read ${item}.${prop} instead of one ${m.name}() per ${item}.${ownNote}`,
    atParent: `add ${include} to its include`,
  };
}

/** A mixin call's arguments as option pairs: [] for none, undefined when they are not one object literal (`getItems(opts)`). */
function getterOptions(args: string | undefined): [string, string][] | undefined {
  const t = (args ?? '').replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '').trim();
  if (!t) return [];
  return objectPairs(t);
}

/** Names a getter option may use and still be the same for every item (Sequelize's operators and SQL helpers). */
const SAME_FOR_ALL = /^(Op|Sequelize|sequelize|fn|col|literal|where|cast|true|false|null|undefined)$/;

/**
 * Why a getter option's value cannot move to the include, else undefined: it uses the item (changes per item), or a
 * name the recording cannot judge (it may change per item).
 */
function notCarried(value: string, item: string): string | undefined {
  const ids = (value.replace(/(['"`])(?:\\.|(?!\1)[^\\])*\1/g, '').replace(/\.\s*[A-Za-z_$][\w$]*/g, '').replace(/[A-Za-z_$][\w$]*\s*:/g, '').match(/[A-Za-z_$][\w$]*/g) ?? []).filter((id) => !SAME_FOR_ALL.test(id));
  if (ids.includes(item)) return `it uses ${item}, which changes per item`;
  return ids.length ? `it uses ${[...new Set(ids)].join(', ')}: if that is the same for every ${item}, add it to the include as written` : undefined;
}

const oneLine = (s: string) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > 80 ? `${t.slice(0, 79)}…` : t;
};

/** Where each library keeps a result for reuse, in its own words (the repeat's fix: repeatedForm). */
const CACHES: [RegExp, string][] = [
  [/^sqlalchemy$/, 'functools.lru_cache on the function that runs it, or the app\'s cache (Flask-Caching\'s @cache.memoize)'],
  [/^django$/, 'django.core.cache (cache.get_or_set), or @cached_property on the object that reads it'],
  [/^@prisma\//, 'a Map kept for the request, or a cache keyed by the findUnique/findFirst arguments'],
  [/^(sequelize|typeorm|knex|drizzle-orm|kysely|@mikro-orm\/)/, 'a Map kept for the request (or a module-level cache with an expiry) keyed by its arguments'],
];

/**
 * A statement a call site sent again and again with the SAME parameters in one unit of work (CTFd's
 * `get_config("freeze")` 50 times, uncached): nothing changes per item, so no batched form applies — the fix is to read
 * it once and reuse the result, or to cache it (issue 16 C: it was told "load the relationship … selectinload").
 */
export function repeatedForm(via: string | undefined): BatchedForm {
  const v = (via ?? '').replace(/\\/g, '/');
  const cache = CACHES.find(([re]) => re.test(v))?.[1] ?? 'a cache keyed by its parameters';
  return { fix: `The recorded statement ran with the same parameters every time: nothing in it changes per item, so batching does not apply. Read it once before the loop and reuse the result (pass it to the code that needs it), or cache it: ${cache}.` };
}

/** The batched form in the library that sent the statement (`via`), naming the recorded look-up's column and table. */
export function batchedForm(via: string | undefined, lookup?: RecordedLookup | string, callText?: string, fileText?: string, assoc?: SequelizeCall, noEager?: NoEager): BatchedForm {
  const k: RecordedLookup | undefined = typeof lookup === 'string' ? { column: lookup } : lookup;
  const key = k && IDENT.test(k.column) ? k : undefined;
  const v = (via ?? '').replace(/\\/g, '/');
  if (v.startsWith('@prisma/')) return prisma(key);
  const known = v === 'sequelize' && assoc && !key?.grouped ? sequelizeAssociation(assoc, key) : undefined;
  if (known) return known;
  const form = key?.grouped ? aggregateForm(v, { ...key, grouped: key.grouped }, callText, fileText, v === 'sequelize' ? assoc : undefined) : otherForm(v, key, callText, fileText, noEager);
  // The look-up's conditions that were the same in every call go into the batched form unchanged (person12 R3).
  const same = key?.same?.length ? ` Keep its other condition${key.same.length > 1 ? 's' : ''} (${key.same.join(', ')}: the same for every item) in that query.` : '';
  return same ? { ...form, fix: `${form.fix}${same}` } : form;
}

function otherForm(v: string, key: RecordedLookup | undefined, callText: string | undefined, fileText: string | undefined, noEager?: NoEager): BatchedForm {
  const c = key?.column;
  const on = key?.table ? ` on ${key.table}` : '';
  if (c && key?.limit !== undefined) return limitedForm(v, key as RecordedLookup & { limit: number | 'param' }, on);
  if (v === 'django') return django(key, callText, fileText);
  if (v === 'sqlalchemy') return sqlalchemy(key, callText, fileText, noEager);
  // Names the recorded SQL does not give (the association, the relation, the entity) are said in words, never written
  // as placeholders in code (`include: [Assoc]`, `{ rel: true }`, `'fk'`: person13 P1).
  if (v === 'sequelize') {
    return c
      ? { fix: `Load the association${on} with the parent query (findAll with include of it), or one findAll({ where: { ${c}: ids } }) and group by ${c} in memory.`, atParent: `add the association${on} to its include` }
      : { fix: 'Load the association the loop reads with the parent query (findAll with include of it), or one findAll of all the rows by their foreign key and group in memory.' };
  }
  if (v === 'typeorm') {
    return c
      ? { fix: `Load the relation${on} with the parent (find with relations, or leftJoinAndSelect), or one find({ where: { ${c}: In(ids) } }) and group by ${c} in memory.`, atParent: `load the relation${on} with it (relations or leftJoinAndSelect)` }
      : { fix: 'Load the relation the loop reads with the parent (find with relations, or leftJoinAndSelect), or one query of all the rows with In(ids) on their foreign key.' };
  }
  if (v === 'knex') {
    return c
      ? { fix: `Fetch all rows at once: .whereIn('${c}', ids)${on} and group by ${c} in memory, or a join.`, atParent: `after it, one .whereIn('${c}', ids)${on} for all its rows` }
      : { fix: 'Fetch all rows at once: one whereIn on the column that changes per item, grouped in memory, or a join.' };
  }
  if (v === 'drizzle-orm') return { fix: c ? `Load the relation with the parent (db.query findMany with its relation in with), or one query with inArray(${c}, ids).` : 'Load the relation with the parent (db.query findMany with its relation in with), or one query with inArray on the column that changes per item.' };
  if (v === 'kysely') return { fix: c ? `Fetch all rows at once: .where('${c}', 'in', ids), or jsonArrayFrom for nested rows.` : 'Fetch all rows at once: one where … in on the column that changes per item, or jsonArrayFrom for nested rows.' };
  if (v.startsWith('@mikro-orm/')) return { fix: 'Populate the relation the loop reads with the parent: find with populate of it.' };
  return c
    ? { fix: `Send one query for all keys (WHERE ${c} = ANY($1))${on} instead of one per item, then match rows in memory.`, atParent: `after it, one query${on} with WHERE ${c} = ANY($1) for all its rows` }
    : { fix: 'Send one query for all items (WHERE on the column that changes per item = ANY($1), $1 the array of their values) instead of one per item, then match rows in memory.' };
}

/**
 * A look-up that takes the top rows per item (its own LIMIT): the batched form keeps the limit per item — a LATERAL join
 * over the items' keys in SQL, the ORM's per-parent limit otherwise — never one query of all the items' rows, which would
 * return every row of each (person49 M-1). The code's own rewrite (core/nplusone's "Batch with unnest($1) + LATERAL")
 * says the same.
 */
function limitedForm(v: string, k: RecordedLookup & { limit: number | 'param' }, on: string): BatchedForm {
  const n = k.limit === 'param' ? 'its LIMIT' : `LIMIT ${k.limit}`;
  const lateral = `one query${on} over all the keys that keeps ${n} per ${k.column}: SELECT … FROM unnest($1) AS k(${k.column}) CROSS JOIN LATERAL (the same SELECT with ${k.column} = k.${k.column}, its ORDER BY and ${n})`;
  // No library between the code and the driver (raw SQL), or a query builder that sends raw SQL as well (knex.raw).
  if (v === '' || v === 'knex')
    return { fix: `Send ${lateral}, instead of one per item; a query of every item's rows (WHERE ${k.column} = ANY($1)) would return all of each, not ${n}.`, atParent: `after it, ${lateral.replace(/: SELECT[\s\S]*$/, '')} (unnest($1) + LATERAL) for all its rows` };
  return { fix: `Load the rows for all items in one query that keeps ${n} per ${k.column} (a LATERAL join over the items' keys, or row_number() OVER (PARTITION BY ${k.column} ORDER BY …) ≤ the limit): loading the relation with the parent, or all rows by their foreign key, returns every row of each item, not ${n}.`, atParent: `after it, one query${on} for all its rows that keeps ${n} per ${k.column}` };
}

/**
 * One batched write instead of a write per item, in the library that sent it (`via`): a recorded INSERT, UPDATE or DELETE
 * that one call site sent once per item (aggregate's writesPerItem). Duplicates a loop catches one by one (an INSERT that
 * fails on a unique key) become ON CONFLICT DO NOTHING in the batch.
 */
export function batchedWriteForm(via: string | undefined, kind: 'insert' | 'update' | 'delete' | 'merge'): string {
  const v = (via ?? '').replace(/\\/g, '/');
  const forms: Record<string, Partial<Record<typeof kind, string>>> = {
    knex: { insert: 'one .insert(rows) with every item\'s row (an array: one multi-row INSERT; duplicates skipped with .onConflict(…).ignore() on Knex 0.21+, ON CONFLICT DO NOTHING in raw SQL before)', update: 'one .whereIn(key, ids).update(…) when every item gets the same change; per-item values in one UPDATE … FROM (VALUES …)', delete: 'one .whereIn(key, ids).del()' },
    sequelize: { insert: 'one Model.bulkCreate(rows) (ignoreDuplicates: true for rows that may exist)', update: 'one Model.update(values, { where: { id: ids } }) when every item gets the same change', delete: 'one Model.destroy({ where: { id: ids } })' },
    typeorm: { insert: 'one repository.insert(rows) (or a query builder .insert().values(rows).orIgnore())', update: 'one repository.update({ id: In(ids) }, values) when every item gets the same change', delete: 'one repository.delete({ id: In(ids) })' },
    django: { insert: 'one Model.objects.bulk_create(objs) (ignore_conflicts=True for rows that may exist)', update: 'one Model.objects.bulk_update(objs, fields), or filter(pk__in=ids).update(…) when every item gets the same change', delete: 'one Model.objects.filter(pk__in=ids).delete()' },
    sqlalchemy: { insert: 'one session.execute(insert(Model), rows) (or add_all(objs) and one flush)', update: 'one session.execute(update(Model), rows) with each row\'s primary key (a bulk UPDATE by primary key)', delete: 'one delete(Model).where(Model.id.in_(ids))' },
  };
  const key = v.startsWith('@prisma/') ? 'prisma' : Object.keys(forms).find((k) => v === k || v.startsWith(`${k}-`)) ?? '';
  if (key === 'prisma') return `One write for every item instead of one per item: ${kind === 'insert' ? 'createMany({ data: rows, skipDuplicates: true })' : kind === 'delete' ? 'deleteMany({ where: { id: { in: ids } } })' : 'updateMany({ where: { id: { in: ids } }, data })  when every item gets the same change'}.`;
  const form = forms[key]?.[kind];
  if (form) return `One write for every item instead of one per item: ${form}.`;
  return kind === 'insert'
    ? 'One write for every item instead of one per item: one multi-row INSERT (VALUES (…), (…), or INSERT … SELECT * FROM unnest($1::…[], …)), with ON CONFLICT DO NOTHING for rows that may exist.'
    : `One write for every item instead of one per item: one ${kind.toUpperCase()} … WHERE key = ANY($1) ($1 the array of the items' keys), or ${kind === 'update' ? 'UPDATE … FROM (VALUES …) for per-item values' : 'a join to the keys'}.`;
}

/** A SQLAlchemy relationship declared in a models text. */
export interface SaRelationship {
  owner: string;
  attr: string;
  target?: string;
  /** The association table's name (`secondary=tag_assoc` → its `Table("tag_assoc", …)`). */
  secondary?: string;
  /** `lazy='dynamic'` anywhere in its arguments (as the recorded fix has read it). */
  dynamic: boolean;
  /** Its loader strategy: `lazy=` of its own arguments ('select' when none; `DynamicMapped`/`WriteOnlyMapped` say theirs). */
  lazy: string;
  /** A collection (one-to-many, many-to-many), or undefined when the declaration does not say. */
  many?: boolean;
  /** The other side's name (`back_populates='posts'`, `backref='author'`). */
  reverse?: string;
  /** Declared by the other side's `backref=` (with its own `lazy`), not in this class. */
  viaBackref?: boolean;
  /** Offset of the declaration in the models text. */
  at: number;
}

/** The arguments of a relationship call with nested calls removed: its own keywords only, not a backref(…)'s. */
function ownArgs(args: string): string {
  let own = args;
  for (let prev = ''; prev !== own;) [prev, own] = [own, own.replace(/\([^()]*\)/g, '')];
  return own;
}

/**
 * The relationships of every class in a Python models text (`tagList = db.relationship('Tags', secondary=tag_assoc, …)`,
 * `author: Mapped[User] = relationship(back_populates='posts')`). `backrefs`: also the attributes a `backref=` declares on
 * the target class (`posts = db.relationship('Post', backref='author')` gives Post.author, a many-to-one).
 */
export function saRelationships(text: string, opts: { backrefs?: boolean } = {}): SaRelationship[] {
  const tables = new Map<string, string>();
  for (const m of text.matchAll(/^(\w+)\s*=\s*(?:\w+\.)?Table\(\s*['"](\w+)['"]/gm)) tables.set(m[1], m[2]);
  const out: SaRelationship[] = [];
  let offset = 0;
  for (const block of text.split(/^(?=class\s)/m)) {
    const blockAt = offset;
    offset += block.length;
    const owner = /^class\s+([A-Za-z_]\w*)/.exec(block)?.[1];
    if (!owner) continue;
    for (const m of block.matchAll(/^[ \t]+(\w+)\s*(?::([^=\n]*))?=\s*(?:\w+\.)?relationship\s*\(/gm)) {
      const args = argsFrom(block, m.index + m[0].length - 1);
      const own = ownArgs(args);
      const annotation = m[2] ?? '';
      // The target: the first positional argument, else the annotation's class (`Mapped[List["Post"]]`, `WriteOnlyMapped['Post']`).
      const positional = /^\s*(?:lambda\s*:\s*)?['"]?(?:\w+\.)*([A-Za-z_]\w*)['"]?\s*(?:,|$)/.exec(args)?.[1];
      const annotated = /\[\s*(?:(?:typing\.)?(?:List|list|Set|set|Optional)\s*\[\s*)?['"]?(?:\w+\.)*([A-Za-z_]\w*)['"]?/.exec(annotation)?.[1];
      const target = positional && !/^(lambda|back_populates|backref|lazy|secondary)$/.test(positional) ? positional : annotated;
      const sec = /\bsecondary\s*=\s*['"]?(\w+)/.exec(args)?.[1];
      const typed = /\b(DynamicMapped|WriteOnlyMapped)\s*\[/.exec(annotation)?.[1];
      const lazy = /\blazy\s*=\s*(?:['"](\w+)['"]|(True|False|None))/.exec(own);
      const lazyValue = lazy ? (lazy[1] ?? (lazy[2] === 'True' ? 'select' : lazy[2] === 'False' ? 'joined' : 'noload')) : typed === 'DynamicMapped' ? 'dynamic' : typed === 'WriteOnlyMapped' ? 'write_only' : 'select';
      const uselist = /\buselist\s*=\s*(True|False)/.exec(own)?.[1];
      const many = uselist ? uselist === 'True'
        : sec || typed || lazyValue === 'dynamic' || /\[\s*(?:typing\.)?(?:List|list|Set|set)\s*\[/.test(annotation) ? true
          : /\bMapped\s*\[/.test(annotation) ? false
            // A many-to-one: the class holds the foreign key (to the target's table, or itself: `remote_side`).
            : /\bremote_side\s*=/.test(own) || (target !== undefined && new RegExp(`ForeignKey\\(\\s*['"]?(?:${target.toLowerCase()}s?|${target})[.'"]`, 'i').test(block)) ? false : undefined;
      const backref = /\bbackref\s*=\s*(?:(?:\w+\.)?backref\s*\(\s*)?['"](\w+)['"]/.exec(args);
      const reverse = backref?.[1] ?? /\bback_populates\s*=\s*['"](\w+)['"]/.exec(own)?.[1];
      out.push({ owner, attr: m[1], ...(target ? { target } : {}), ...(sec ? { secondary: tables.get(sec) ?? sec } : {}), dynamic: /\blazy\s*=\s*['"]dynamic['"]/.test(args), lazy: lazyValue, ...(many !== undefined ? { many } : {}), ...(reverse ? { reverse } : {}), at: blockAt + m.index });
      if (opts.backrefs && backref && target) {
        // `backref=backref('follower', lazy='joined')`: the backref's own arguments.
        const call = /\bbackref\s*=\s*(?:\w+\.)?backref\s*\(/.exec(args);
        const bargs = call ? ownArgs(argsFrom(args, call.index + call[0].length - 1)) : '';
        const blazy = /\blazy\s*=\s*['"](\w+)['"]/.exec(bargs)?.[1] ?? 'select';
        const buselist = /\buselist\s*=\s*(True|False)/.exec(bargs)?.[1];
        const bmany = buselist ? buselist === 'True' : sec ? true : many === true ? false : many === false ? true : undefined;
        out.push({ owner: target, attr: backref[1], target: owner, ...(sec ? { secondary: tables.get(sec) ?? sec } : {}), dynamic: blazy === 'dynamic', lazy: blazy, ...(bmany !== undefined ? { many: bmany } : {}), reverse: m[1], viaBackref: true, at: blockAt + m.index });
      }
    }
  }
  return out;
}

/**
 * The fix of an N+1 sent with no line of the app's on the stack while a library serialised the response of a request's
 * handler (person20 HIGH 1: marshmallow reading `article.tagList` and `article.author` lazily, 20× per list): the
 * relationship the lazy load reads, loaded with the view's query — SQLAlchemy's selectinload (a collection, an
 * association table) or joinedload (a many-to-one, looked up by id), Django's select_related / prefetch_related. A
 * `lazy='dynamic'` relationship takes no eager load (SQLAlchemy refuses it): one query for every item is said instead.
 * `models` is the text of the models (the view's file and the models.py near it); `parentText` the code of the rows'
 * query; `rowTables` the tables the serialised rows may come from, most likely first (the owner of the relationship is
 * the model of the first that names one: `Comment.author`, not `Article.author`, under get_comments).
 */
export function serializingForm(via: string | undefined, k: RecordedLookup | undefined, sql: string, view: string, models: string | undefined, parentText: string | undefined, rowTables: readonly (readonly string[])[] = []): BatchedForm {
  const lead = `Sent with no line of your code on the stack, once per item, while a library serialised the response of ${view}: a lazy load`;
  const v = via ?? '';
  if (v === 'sqlalchemy') {
    const rels = models ? saRelationships(models) : [];
    const words = new Set((sql.toLowerCase().match(/[a-z_][\w$]*/g) ?? []));
    const M = pythonModel(k?.table, models);
    let found = rels.filter((r) => r.secondary && words.has(r.secondary.toLowerCase()));
    if (!found.length && M) found = rels.filter((r) => r.target === M && !r.secondary);
    // Several models hold one (Article.author, Comment.author): those whose table the rows' query reads, else those it names.
    const tableOf = (owner: string) => (models ?? '').split(/^(?=class\s)/m).map((b) => new RegExp(`^class\\s+${owner}\\b`).test(b) ? /^\s+__tablename__\s*=\s*['"](\w+)['"]/m.exec(b)?.[1] : undefined).find((x) => x) ?? owner.toLowerCase();
    const read = rowTables.map((ts) => found.filter((r) => ts.includes(tableOf(r.owner).toLowerCase()))).find((x) => x.length) ?? [];
    const named = parentText ? found.filter((r) => new RegExp(`\\b${r.owner}\\b`).test(parentText)) : [];
    if (read.length) found = read;
    else if (named.length) found = named;
    const eager = found.filter((r) => !r.dynamic);
    const many = !!k && k.column === 'id' && !found.some((r) => r.secondary);
    const loader = many ? 'joinedload' : 'selectinload';
    if (eager.length) {
      const opts = eager.map((r) => `${loader}(${r.owner}.${r.attr})`);
      const code = opts.length === 1 ? `.options(${opts[0]})` : opts.map((o) => `.options(${o})`).join(' or ');
      return { fix: `${lead} of ${eager.map((r) => `${r.owner}.${r.attr}`).join(' or ')}. Load it with the view's query: ${code}.`, atParent: `add ${code} to it` };
    }
    if (found.length) {
      const r = found[0];
      return { fix: `${lead} through ${r.owner}.${r.attr}, which is lazy='dynamic': SQLAlchemy applies no eager load to it. Query it once for every item after the view's query (${M ? `select(${M}).where(… .in_(ids))` : `WHERE … = ANY($1)`}) and read each item's rows from that.` };
    }
    return { fix: `${lead} of a relationship${k?.table ? ` to ${k.table}` : ''}. Load it with the view's query: .options(selectinload(<Model>.<relationship>)) for a collection, joinedload for a many-to-one — not for a lazy='dynamic' relationship, which takes no eager load.`, atParent: `add selectinload (a collection) or joinedload (a many-to-one) of that relationship to its options` };
  }
  if (v === 'django') {
    const how = k && (k.column === 'id' || k.column === 'pk') ? 'select_related' : 'prefetch_related';
    return { fix: `${lead} of a relation${k?.table ? ` to ${k.table}` : ''}. Load it with the view's queryset: .${how}("<relation>") (select_related for a ForeignKey, prefetch_related for a many-to-many or reverse relation).`, atParent: `add .${how}(…) of that relation to it` };
  }
  return { fix: `${lead}${k?.table ? ` of ${k.table}` : ''}. Load that relation with the view's query (the library's eager loading), or query it once for all items.` };
}
