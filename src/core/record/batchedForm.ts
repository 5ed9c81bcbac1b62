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

/** The column (and table, when the SQL says it) a repeated look-up is keyed on. */
export interface RecordedLookup {
  table?: string;
  column: string;
}

export interface BatchedForm {
  /** The advice, one sentence or two. */
  fix: string;
  /** What to change at the query that loads the rows, when the batched form goes there. */
  atParent?: string;
}

const IDENT = /^[A-Za-z_][\w$]*$/;

/**
 * The look-up of a recorded statement: its first `column = $n` (or IN) with a parameter, with the table it belongs to —
 * resolved through the statement's tables, or (an unqualified column of a join, `… from "feature_tag" left join
 * "tag_types" … where "feature_name" = $1`) the first table of the FROM that may hold it.
 */
export function lookupOf(sql: string): RecordedLookup | undefined {
  const shape = statementShape(sql);
  if (!shape) return undefined;
  const keyed = (p: { target: { kind: string }; op: string; span?: { start: number; end: number } }) =>
    p.target.kind === 'column' && (p.op === '=' || p.op === 'IN') && !!p.span && /\$\d+/.test(sql.slice(p.span.start, p.span.end));
  for (const t of shape.tables) {
    // A table of a subquery (`WHERE id IN (SELECT project_id FROM accounts_member WHERE user_id = $1)`) is not what the
    // statement reads per item: only the tables of the outer block (its FROM and JOINs) are.
    if (t.span && parenDepthAt(sql, t.span.start) > 0) continue;
    for (const p of t.predicates) if (keyed(p) && p.target.kind === 'column' && IDENT.test(p.target.column)) return { table: t.name, column: p.target.column };
  }
  for (const u of shape.unresolved) {
    const p = u.predicate;
    if (!keyed(p) || p.target.kind !== 'column' || !IDENT.test(p.target.column)) continue;
    const first = shape.tables.find((t) => u.candidates.includes(t.key) && !(t.span && parenDepthAt(sql, t.span.start) > 0));
    if (!first) continue;
    return { table: first.name, column: p.target.column };
  }
  return undefined;
}

/** Parenthesis depth at an offset, outside quoted names and strings. */
const parenDepthAt = (sql: string, offset: number) => depthAt(sql, offset, '(', ')', `'"`, 0);

/** Django's model name of a table (`api_check` → `check`): its default `db_table` is `<app_label>_<model name, lower>`. */
function djangoModel(table: string | undefined): string | undefined {
  const m = table ? /_([a-z0-9]+)$/.exec(table) : null;
  return m ? m[1] : undefined;
}

/** The class name as the code spells it (`Channel` for `channel`), when the file names it; else capitalised. */
function className(lower: string, fileText: string | undefined): string {
  if (fileText) {
    const re = new RegExp(`\\b(${lower.replace(/[^a-z0-9]/g, '')})\\b`, 'gi');
    for (const m of fileText.matchAll(re)) if (/^[A-Z]/.test(m[1]) && m[1].toLowerCase() === lower) return m[1];
  }
  return lower.charAt(0).toUpperCase() + lower.slice(1);
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
    const rel = call?.rel ?? (model ? `${model}_set` : undefined);
    const named = call ? `"${rel}"` : rel ? `"${rel}"` : undefined;
    const Model = model ? className(model, fileText) : undefined;
    const where = `${k.table ?? 'the table'} by ${k.column}`;
    if (call && !DJANGO_CACHED.test(call.method)) {
      const batch = `${Model ? `${Model}.objects` : `the model of ${k.table ?? 'the table'}`}.filter(${fk}__in=<the rows>)`;
      return {
        fix: `The recorded statement reads ${where} once per row, through .${call.rel}.${call.method}(): prefetch_related(${named}) would not serve .${call.method}() (it sends a new query). Load them for every row at once — ${batch}${call.method.startsWith('values') ? `.${call.method}("${k.column}", …)` : ''} — and group by ${k.column} in memory, or prefetch_related(${named}) and read the fields from .all() in Python.`,
        atParent: `after it, one ${batch} for all its rows, grouped by ${k.column}`,
      };
    }
    if (!named) return { fix: generic };
    return {
      fix: `The recorded statement reads ${where} once per row: load them with the parent query — .prefetch_related(${named})${call ? '' : ` (Django's default name of ${Model}.${fk}'s reverse relation; the related_name if the ForeignKey sets one)`}.`,
      atParent: `add .prefetch_related(${named}) to it`,
    };
  }
  if (k.column === 'id' || k.column === 'pk') {
    const get = callText ? /(?:\b([A-Z]\w*)\.objects\.get|\bget_object_or_404)\s*\(/.exec(callText) : null;
    if (get) {
      const Model = get[1] ?? (model ? className(model, fileText) : 'Model');
      return { fix: `The recorded statement fetches one ${k.table ?? 'row'} by id per item: fetch them at once with ${Model}.objects.in_bulk(ids) (a dict by id) before the loop.`, atParent: `after it, one ${Model}.objects.in_bulk(ids) for all its rows` };
    }
    // The foreign key the code reads per row, when the call site names it: `p.content_type.model` on django_content_type
    // (a table named its own way, not `<app>_<model>`: the convention alone would have said "type").
    const field = forwardField(k.table, callText);
    if (field) {
      return {
        fix: `The recorded statement fetches one ${k.table} row by id per item (the foreign key ${field} read per row): load it with the parent query — .select_related("${field}").`,
        atParent: `add .select_related("${field}") to it`,
      };
    }
    if (!k.table) return { fix: generic };
    return {
      fix: `The recorded statement fetches one ${k.table} row by id per item (a foreign key read per row): load it with the parent query — .select_related() naming the ForeignKey to ${k.table}.`,
      atParent: `add .select_related() of its ForeignKey to ${k.table} to it`,
    };
  }
  const Model = model ? className(model, fileText) : undefined;
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

function sqlalchemy(k: RecordedLookup | undefined, callText: string | undefined, fileText: string | undefined): BatchedForm {
  if (!k) return { fix: 'Load the relation with the parent query: options(selectinload(Parent.rel)) or joinedload().' };
  const t = k.table ?? 'the table';
  // The relationship the call site reads per row (`len(a.books)` on sa_books), and its class when the file declares it.
  const rel = forwardField(k.table, callText);
  const owner = rel ? declaringClass(rel, fileText) : undefined;
  const attr = rel ? `${owner ?? 'Parent'}.${rel}` : undefined;
  if (/_id$/.test(k.column)) {
    return {
      fix: `The recorded statement reads ${t} by ${k.column} once per row: load the relationship with the parent query — .options(selectinload(${attr ?? `Parent.<relationship to ${t}>`})) — or one select(<${t} model>).where(<${t} model>.${k.column}.in_(ids)) grouped in memory.`,
      atParent: attr ? `add .options(selectinload(${attr})) to it` : `add .options(selectinload(…)) of its relationship to ${t}`,
    };
  }
  if (k.column === 'id') return { fix: `The recorded statement fetches one ${t} row by id per item: joinedload(${attr ?? `<the many-to-one relationship to ${t}>`}) with the parent query, or one select(<${t} model>).where(<${t} model>.id.in_(ids)).`, atParent: attr ? `add .options(joinedload(${attr})) to it` : `add .options(joinedload(…)) of its relationship to ${t}` };
  return { fix: `The recorded statement looks ${t} up by ${k.column} once per item: one select(<${t} model>).where(<${t} model>.${k.column}.in_(values)) for all items, grouped in memory.` };
}

/** The batched form in the library that sent the statement (`via`), naming the recorded look-up's column and table. */
export function batchedForm(via: string | undefined, lookup?: RecordedLookup | string, callText?: string, fileText?: string): BatchedForm {
  const k: RecordedLookup | undefined = typeof lookup === 'string' ? { column: lookup } : lookup;
  const key = k && IDENT.test(k.column) ? k : undefined;
  const c = key?.column;
  const on = key?.table ? ` on ${key.table}` : '';
  const v = (via ?? '').replace(/\\/g, '/');
  if (v === 'django') return django(key, callText, fileText);
  if (v === 'sqlalchemy') return sqlalchemy(key, callText, fileText);
  if (v === 'sequelize') {
    return c
      ? { fix: `Load the association${on} with the parent query: findAll({ include: [Assoc] }), or one findAll({ where: { ${c}: ids } }) and group by ${c} in memory.`, atParent: `add include: [the association${on}] to it` }
      : { fix: 'Load the association with the parent query: findAll({ include: [Assoc] }) (or one findAll({ where: { fk: ids } }) and group in memory).' };
  }
  if (v === 'typeorm') {
    return c
      ? { fix: `Load the relation${on} with the parent: find({ relations: { rel: true } }) or leftJoinAndSelect, or one find({ where: { ${c}: In(ids) } }) and group by ${c} in memory.`, atParent: `load the relation${on} with it (relations or leftJoinAndSelect)` }
      : { fix: 'Load the relation with the parent: find({ relations: { rel: true } }) or a join (leftJoinAndSelect), or one query with In(ids).' };
  }
  if (v === 'knex') {
    return c
      ? { fix: `Fetch all rows at once: .whereIn('${c}', ids)${on} and group by ${c} in memory, or a join.`, atParent: `after it, one .whereIn('${c}', ids)${on} for all its rows` }
      : { fix: 'Fetch all rows at once: .whereIn(\'fk\', ids) and group in memory, or a join.' };
  }
  if (v.startsWith('@prisma/')) {
    return c
      ? { fix: `Load the relation${on} with the parent: include: { rel: true } (or one findMany({ where: { ${c}: { in: ids } } }) grouped by ${c}).`, atParent: `add include: { … } of the relation${on} to it` }
      : { fix: 'Load the relation with the parent: include: { rel: true } (or one findMany({ where: { fk: { in: ids } } })).' };
  }
  if (v === 'drizzle-orm') return { fix: `Load the relation with the parent: db.query.x.findMany({ with: { rel: true } }), or inArray(${c ?? 'col'}, ids).` };
  if (v === 'kysely') return { fix: `Fetch all rows at once: .where('${c ?? 'fk'}', 'in', ids), or jsonArrayFrom for nested rows.` };
  if (v.startsWith('@mikro-orm/')) return { fix: 'Populate the relation with the parent: find(Entity, where, { populate: [\'rel\'] }).' };
  return c
    ? { fix: `Send one query for all keys (WHERE ${c} = ANY($1))${on} instead of one per item, then match rows in memory.`, atParent: `after it, one query${on} with WHERE ${c} = ANY($1) for all its rows` }
    : { fix: 'Send one query for all keys (WHERE key = ANY($1)) instead of one per item, then match rows in memory.' };
}
