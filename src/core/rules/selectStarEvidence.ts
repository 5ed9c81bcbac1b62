/**
 * select-star judged by evidence (the policy in docs/rules/select-star.md). The rule reports every `SELECT *` of
 * application code as a candidate; the rules analyzer keeps it only when the code shows that it costs something or
 * risks a bug:
 * - the code uses a subset of the row's columns (reads some by name right after the statement, or only tests whether
 *   a row came back),
 * - a join returns the same column name twice,
 * - the table has large (TOASTed: bytea, json/jsonb, xml, tsvector, arrays) columns the file never names outside the
 *   statement,
 * - the statement depends on column order (`INSERT … SELECT *`, a view): the rule's own `coupling` evidence.
 * A whole row mapped into a model of the table (a MyBatis `resultType`/`resultMap` entity, a Java mapper method that
 * returns the entity) is not a finding, nor is a statement whose tables the schema files do not declare (no evidence).
 */
import type { Finding } from '../findings';
import type { SqlSite } from '../extract/types';
import type { DeclaredTables } from '../sql/declaredIndexes';
import { sharedNames } from './selectStar';
import { takenAsOneRow } from './updateDeleteWithoutWhere';

/** How far past the statement the code that uses its rows is read (the rest of the function, roughly). */
const AFTER_CHARS = 1500;
/** How far a row handed on whole is looked for: the rest of a long function (up to the next one). */
const FUNCTION_CHARS = 12000;
/** The next function or method starts: the statement's rows are not used past it. */
const NEXT_FUNCTION = /\n[ \t]*(?:@\w|(?:async\s+)?def\s|func\s|(?:export\s+)?(?:async\s+)?function\b|(?:public|private|protected|static)\s[^\n=]*\(|<\/?(?:select|insert|update|delete|sql)\b|--\s*name:)/;
/** The result only tested for presence: `True if result.fetchone() else False`, `return bool(cur.fetchone())`, `.rowCount > 0`. */
const EXISTENCE_ONLY = /^\W*(?:[\s\S]{0,200}?\b(?:True\s+if\s+[\w.]+\.(?:fetchone|first|scalar)\(\)\s+else\s+False|return\s+(?:bool\(|not\s+)[\w.]+\.(?:fetchone|first)\(\)|(?:return\s+)?[\w.]+\.(?:fetchone|first)\(\)\s+is\s+not\s+None|\.rowCount\s*>\s*0|\.rows\.length\s*>\s*0))/;
/** A table of at most this many columns is narrow: reading a few of them by name costs the same as reading all. */
const NARROW_COLUMNS = 3;
/** A native query mapped to an entity class: JPA's `createNativeQuery(sql, X.class)`, Hibernate's `addEntity(X.class)`, a typed native-query helper. */
const TYPED_NATIVE_QUERY = /\bcreateNativeQuery\s*\(\s*[\w.]+\s*,\s*[A-Z][\w.]*\.class\b|\.addEntity\s*\(\s*[A-Z][\w.]*\.class\b|\b\w*[Nn]ative\w*TypedQuery\s*\(|\b\w*[Tt]ypedNative\w*Query\s*\(/;
/** Types a MyBatis statement or mapper method returns that are no model of a table. */
const NOT_A_MODEL = /^(?:java\.(?:util|lang)\.)?(?:map|hashmap|linkedhashmap|list|string|integer|int|long|boolean|object|void)$/i;

/**
 * The finding with the evidence that makes it one, or undefined. `declared`: the tables the project's schema files
 * create (without a database); with catalog facts the rule already required large columns or duplicate names.
 */
export function judgeSelectStar(f: Finding, site: SqlSite, text: string, declared: DeclaredTables | undefined): Finding | undefined {
  const ev = f.evidence ?? {};
  if (ev.coupling) return f;
  const mapped = mappedToModel(site, text, Array.isArray(ev.tables) ? ev.tables.map(String) : []);
  // A JDBI method's rows go whole to its row mapper or out of the DAO (a RowMap handed to GraphQL): no subset is read
  // here. An unqualified star over a join is still judged: two columns of one name collide in the row or the map.
  if (mapped === true || (mapped === 'jdbi' && !(Array.isArray(ev.tables) && ev.tables.length > 1))) return undefined;
  const outside = text.slice(0, site.span.start) + '\n' + text.slice(site.span.end);
  const named = (c: string) => new RegExp(`(?<![\\w$])${c.replace(/\$/g, '\\$')}(?![\\w$])`, 'i').test(outside);
  // From the end of the call the statement is given to: its own arguments (`{"tenant_id": tenant["tenant_id"]}`) read no
  // column of its rows (rules-p: OpenReplay's SCIM code check read as a subset of two columns).
  const after = afterStatement(text, Math.max(site.span.end, site.callSpan?.end ?? 0));
  const vars = rowVariables(text, site, after);
  // A row handed on whole (`return row`, `dict(row)`, `f(row)`, `return cur.execute(…).fetchall()`) may be read anywhere:
  // what this code reads is no subset, and a large column it never names may be what the receiver reads.
  // `return result[0]`: the first row returned whole.
  // A statement written as a constant or a template (`const catalogQueryTpl = ctx => \`SELECT *, … FROM …\``) and run by no
  // call here: whatever runs it (a middleware given the template, another file) reads its rows, so what this file names
  // is no evidence (rules-t: Windshaft's analysis catalog, sent whole as the JSON body by a generic middleware).
  // Only a string assigned to a name (`= \``, `=> \``) that the code after it does not pass to a call (`String sql = """...""";
  // nativeSynchronizedQuery(sql)` runs right there); one passed to a call the extractor does not know (`db.one("SELECT
  // * ...")`, `@Select("...")`) runs right there too.
  const runElsewhere = site.api === 'constant' && !site.callSpan && assignedNotRunAfter(text.slice(Math.max(0, site.span.start - 120), site.span.start), text.slice(site.span.end, site.span.end + AFTER_CHARS));
  // (Past a promise callback's own parameter list: `.then((row) =>` names the rows, it does not hand them on.)
  const body = after.replace(THEN_CALLBACK, '');
  // The rest of the function, however long: a row handed on whole far below (rules-x: SponsorBlock's vote handler reads
  // a segment's fields for 150 lines, then gives the row to clearSegmentCache(segmentInfo) and a webhook's `row:`).
  const rest = afterStatement(text, Math.max(site.span.end, site.callSpan?.end ?? 0), FUNCTION_CHARS).replace(THEN_CALLBACK, '');
  const handedOn =
    runElsewhere ||
    returnedWhole(text, site) ||
    vars.some((v) => new RegExp(`\\breturn\\s+${v}(?:\\[0\\])?\\s*(?:$|[\\n;)])|\\bdict\\(\\s*${v}\\s*\\)|[(,]\\s*${v}\\s*[,)]`).test(body)) ||
    handedOnByName(rest, vars.filter((v) => !ROW_NAMES.includes(v))) ||
    readByComputedName(body, vars);
  if (Array.isArray(ev.largeColumns)) {
    // Catalog facts: the large columns this file never names (unless the rows leave whole), and the join's duplicate names.
    const unread = handedOn ? [] : (ev.largeColumns as string[]).filter((l) => !named(/\.([^.\s]+) \(/.exec(l)?.[1] ?? l));
    const duplicates = Array.isArray(ev.duplicateColumns) ? ev.duplicateColumns : [];
    if (!unread.length && !duplicates.length) return undefined;
    return { ...f, evidence: { ...ev, largeColumns: unread } };
  }
  const names = Array.isArray(ev.tables) ? ev.tables.map((n) => String(n).toLowerCase()) : [];
  const tables = names.map((n) => declared?.get(n) ?? declared?.get(n.split('.').pop()!));
  if (!names.length || tables.some((t) => !t)) return undefined;
  const all = tables as NonNullable<(typeof tables)[number]>[];
  const columns = new Set(all.flatMap((t) => [...t.columns]));
  // The rows become a model (`Metadata(**row)`, `Job.model_validate(dict(r))`): the whole row is wanted.
  if (vars.some((v) => new RegExp(`\\b[A-Z]\\w*(?:\\.(?:model_validate|parse_obj|from_orm|from_row|from_record))?\\(\\s*\\*{0,2}\\s*(?:dict\\(\\s*)?${v}\\b`).test(after))) return undefined;
  // Read right after the statement (`row.name`, `row["name"]`), or anywhere by an accessor (a row mapper of the file).
  const readAfter = [...columns].filter((c) => readByAccessor(after, c, vars) || readIn(after, c, vars));
  // A column the WHERE pins by equality to a parameter (`user_id = :user_id`) is known to the code already: not reading it
  // back is no evidence.
  const pinned = (c: string) => new RegExp(`(?<![\\w$])${c.replace(/\$/g, '\\$')}"?\\s*=\\s*(?:\\$\\d+|:\\w+|%\\(?\\w*\\)?s|\\?)`, 'i').test(site.sql);
  const reads = [...columns].filter((c) => readAfter.includes(c) || readByAccessor(outside, c) || (readAfter.length > 0 && pinned(c)));
  // A join's shared names come back twice, but for those `USING (…)` merges into one column.
  const merged = Array.isArray(ev.mergedColumns) ? (ev.mergedColumns as string[]) : [];
  const duplicates = names.length > 1 ? sharedNames(all.map((t) => t.columns)).filter((c) => !merged.includes(c)) : [];
  if (reads.length === columns.size && !duplicates.length) return undefined;
  const tested = vars.some((v) => new RegExp(`\\bif\\s*\\(?\\s*(?:not\\s+|!\\s*)?${v}\\s*(?:is\\s+(?:not\\s+)?None\\s*)?[:)]`).test(after));
  const existenceOnly = !readAfter.length && !handedOn && (EXISTENCE_ONLY.test(after) || tested);
  const subset = readAfter.length > 0 && !handedOn;
  const unreadLarge = handedOn ? [] : all.flatMap((t, i) => [...t.large].filter((c) => !named(c)).map((c) => `${names[i]}.${c}`));
  // A row of a few columns, none of them a large value left unread: naming the ones read saves nothing worth a note.
  const narrow = columns.size <= NARROW_COLUMNS && !unreadLarge.length;
  // One row — the statement's `LIMIT 1` or unique key (the rule's `oneRow`), or the call that takes one row (`db.one(…)`,
  // `.first()`, `fetchone()`, `QueryRow`) — whose wide columns (text, json, bytea, arrays) the code reads: the columns left
  // unread cost a few bytes, and naming the ones read saves nothing worth a note (the maintainers' decision, rules27).
  // Many rows read for a subset, or one row that leaves a wide value unread, stay a finding.
  const oneRow = typeof ev.oneRow === 'string' ? ev.oneRow : takenAsOneRow(text.slice(Math.max(0, site.span.start - 200), site.span.start), after) ? 'the call takes one row' : undefined;
  // Wide: text, json, bytea, arrays (the maintainers' words). A varchar (`varchar(255)`, Rails' `string`) holds a short value:
  // leaving it unread costs a few bytes (rules-l: Houdini's recurring donation read by id, its 255-character strings unread).
  const wideUnread = all.flatMap((t, i) => [...new Set([...t.large, ...(t.longText ?? [])])].filter((c) => !reads.includes(c)).map((c) => `${names[i]}.${c}`));
  const fewer = subset && reads.length < columns.size && !narrow && !(oneRow && !wideUnread.length);
  if (!existenceOnly && !fewer && !duplicates.length && !unreadLarge.length) return undefined;
  const what = names.length === 1 ? names[0] : names.join(', ');
  const why = [
    existenceOnly ? 'the code only tests whether a row came back' : undefined,
    fewer ? `the code reads ${reads.length} of its ${columns.size} columns (${reads.slice(0, 4).join(', ')}${reads.length > 4 ? '…' : ''})${oneRow ? ` of one row (${oneRow}), leaving ${wideUnread.slice(0, 3).join(', ')}${wideUnread.length > 3 ? '…' : ''} unread` : ''}` : undefined,
    duplicates.length ? `${duplicates.slice(0, 3).join(', ')} come${duplicates.length === 1 ? 's' : ''} back twice (the joined tables both have ${duplicates.length === 1 ? 'it' : 'them'})` : undefined,
    unreadLarge.length ? `it fetches large values this file never reads (${unreadLarge.slice(0, 3).join(', ')}${unreadLarge.length > 3 ? '…' : ''})` : undefined,
  ].filter(Boolean);
  return {
    ...f,
    message: `SELECT * reads every column of ${what} (${columns.size} declared in the schema files), but ${why.join('; ')}; list the columns the code uses.`,
    evidence: { ...ev, columns: columns.size, ...(reads.length ? { reads } : {}), ...(fewer && oneRow ? { oneRow, wideUnread } : {}), ...(existenceOnly ? { existenceOnly } : {}), ...(duplicates.length ? { duplicateColumns: duplicates } : {}), ...(unreadLarge.length ? { unreadLarge } : {}) },
  };
}

/**
 * `before` ends with an assignment to a name (`const q = \``, `tpl = ctx => \``) that `after` never passes to a call. `after` is
 * the text that follows, whole: an annotation between (`@SuppressWarnings("unchecked") List<Option> options = run(sql)`) starts no
 * other function here.
 */
function assignedNotRunAfter(before: string, after: string): boolean {
  // A registry of statements, kept by key (`SQL[:job_states] = %{ SELECT que_jobs.* … }`, `QUERIES["jobs"] = """…`): the code
  // runs it by its key (`execute :job_states`), whose rows leave through that call, often whole (a method whose last
  // expression it is). What this file names around the string is no evidence (rules-w: Que's introspection API).
  if (KEYED_REGISTRY.test(before)) return true;
  const name = /([A-Za-z_$][\w$]*)\s*=\s*(?:[A-Za-z_$][\w$]*\s*=>\s*|\([^()]*\)\s*=>\s*)?(?:"{3}|[`"'])?\s*$/.exec(before)?.[1];
  if (!name) return false;
  const n = name.replace(/\$/g, '\\$');
  return !new RegExp(`[(,]\\s*${n}\\s*[,)]`).test(after);
}

/**
 * A row the statement's call was assigned to (its own name, not one of the usual row names, which other rows of a long
 * function share) given whole to a call or an object (`clearSegmentCache(segmentInfo)`, `{ row: segmentInfo }`).
 */
function handedOnByName(code: string, names: string[]): boolean {
  if (!names.length) return false;
  const n = names.map((v) => v.replace(/\$/g, '\\$')).join('|');
  return new RegExp(`[(,]\\s*(?:${n})\\s*[,)]|\\b\\w+\\s*:\\s*(?:${n})\\s*[,}\\n]`).test(code);
}

/** The end of an assignment to a keyed slot of a registry, with Ruby's and Python's string openers (`%{`, `%Q(`, `<<~SQL`, `"""`). */
const KEYED_REGISTRY = /\b[A-Z_][A-Za-z_\d]*\[\s*(?::\w+|"\w+"|'\w+')\s*\]\s*=\s*(?:%[qQ]?[{(\[]|<<[~-]?(?:\w+|'\w+'|"\w+")(?:\.\w+)*\s*\n|"{3}|'{3}|[`"'])?\s*$/;

/**
 * The statement's rows are returned straight to the caller: its line starts with `return` and nothing but the call chain
 * (`return db.execute(text("SELECT * …"), args).fetchall()`) stands between them.
 */
function returnedWhole(text: string, site: SqlSite): boolean {
  const lineStart = text.lastIndexOf('\n', site.span.start - 1) + 1;
  // `get_transfers = lambda: db.all("SELECT t.* …")`: a lambda returns its body's rows whole, as `return` does.
  return /^\s*(?:return\s+|[\w.]+\s*=\s*lambda\b[^:\n]*:\s*)(?:await\s+)?[\w.]+\((?:[\w.]+\()?\s*$/.test(text.slice(lineStart, site.span.start));
}

/** The code after the statement, up to the next function (or mapper statement): where its rows are used. */
function afterStatement(text: string, end: number, chars = AFTER_CHARS): string {
  const rest = text.slice(end, end + chars);
  const next = NEXT_FUNCTION.exec(rest);
  return next ? rest.slice(0, next.index) : rest;
}

/**
 * A column read through an accessor anywhere in the file (a row mapper's `rs.getString("x")`, `row.get("x")`, `row["x"]`).
 * With `vars` (the code right after the statement), a subscript or a plain `.get("x")` counts only on one of the rows'
 * names: `tenant["tenant_id"]` and `form.get("code")` read another dict (rules-p: OpenReplay's SCIM code check, whose
 * next statement's arguments were taken for reads of its row).
 */
function readByAccessor(code: string, column: string, vars?: string[]): boolean {
  const c = column.replace(/\$/g, '\\$');
  if (!vars) return new RegExp(`(?:\\.get\\w*\\(\\s*|\\[\\s*)["'\`]${c}["'\`]`, 'i').test(code);
  const rows = vars.join('|');
  return new RegExp(`\\.get[A-Z_]\\w*\\(\\s*["'\`]${c}["'\`]|\\b(?:${rows})\\s*(?:\\.get\\(\\s*|\\[\\s*)["'\`]${c}["'\`]`, 'i').test(code);
}

/**
 * The row read by a column name computed at run time: `record[key]` in a loop over a dict of labels
 * (`for key, value in keys.items(): e.add_field(name=value, value=record[key])`), `getattr(row, name)`, `row[col]`.
 * Which columns it reads is not in the text, so reading a few by name elsewhere is no subset (rules-x: RoboDanny's
 * profile card reads every column, three of them through such a loop). A row list indexed by position (`rows[i]`,
 * `rows[0]`) and a value read on from it (`rows[i].name`, `row[key][0]`) are not such reads.
 */
function readByComputedName(code: string, vars: string[]): boolean {
  const rows = vars.map((v) => v.replace(/\$/g, '\\$')).join('|');
  return new RegExp(`\\b(?:${rows})\\s*\\[\\s*(?!(?:i|j|k|n|idx|index|pos|offset)\\s*\\])[A-Za-z_$][\\w$]*\\s*\\](?!\\s*[.[])|\\bgetattr\\(\\s*(?:${rows})\\s*,\\s*[A-Za-z_]`).test(code);
}

/** A column read from the statement's row right after it: `row.x`, `export.x`, `{ x } = row`. */
function readIn(code: string, column: string, vars: string[]): boolean {
  const c = column.replace(/\$/g, '\\$');
  return new RegExp(`\\b(?:${vars.join('|')})\\.${c}\\b|\\{[^{}=]*\\b${c}\\b[^{}=]*\\}\\s*=`, 'i').test(code);
}

const ROW_NAMES = ['row', 'r', 'rec', 'record', 'res', 'result', 'item', 'entry', 'first', 'one'];

/**
 * The names the statement's rows go by: the variable the call is assigned to (`destination = db.one(...)`), one
 * assigned from its result right after (`export = result.first()`, `row = cur.fetchone()`), a loop's (`for row in`),
 * and the usual row names.
 */
/** A promise's callback right after a call (`).then((rows) =>`, `.then(rows => {`), its parameter captured. */
const THEN_CALLBACK = /^[`'"]?\s*\)?\s*\.\s*then\s*\(\s*(?:async\s*)?(?:function\s*\w*\s*)?\(?\s*([A-Za-z_$][\w$]*)\s*\)?\s*(?:=>|\{)/;

function rowVariables(text: string, site: SqlSite, after: string): string[] {
  const names = new Set(ROW_NAMES);
  const before = text.slice(Math.max(0, site.span.start - 200), site.span.start).split('\n').slice(-3).join('\n');
  // Assigned a call's result (`x = db.one(`), not the SQL text itself (`BY_ID = "SELECT …`).
  // (A type annotation stays on its line: `if not payments:` above `pt = db.one(` annotates nothing.)
  const assigned = [...before.matchAll(/\b([A-Za-z_]\w*)[ \t]*(?::[ \t]*[\w[\]|, .]+)?[ \t]*=(?![=>])/g)].pop();
  if (assigned && before.slice(assigned.index + assigned[0].length).includes('(')) names.add(assigned[1]);
  // Through a chain of calls too: `task = result.mappings().first()`.
  for (const m of after.matchAll(/\b([A-Za-z_]\w*)\s*=\s*(?:await\s+)?[\w.]+(?:\([^()\n]*\)[\w.]*)*\.(?:first|fetchone|fetchrow|one|one_or_none|scalar_one|fetchall|all)\(\)/g)) names.add(m[1]);
  for (const m of after.matchAll(/\bfor\s+(?:const\s+|let\s+)?([A-Za-z_]\w*)\s+(?:in|of)\b/g)) names.add(m[1]);
  // A promise's callback right after the call names its rows (`.then((dbStream) => streamBlobs(s3, dbStream))`, `.then(rows => …)`).
  const then = THEN_CALLBACK.exec(after);
  if (then) names.add(then[1]);
  return [...names].filter((n) => !/^(?:query|sql|self|this|await|return|const|let)$/.test(n));
}

/**
 * The rows become the table's model: a MyBatis statement's `resultType="…Command"` (not a map or a scalar) or
 * `resultMap`, or a Java mapper annotation (`@Select("select * …")`) on a method returning the entity.
 */
function mappedToModel(site: SqlSite, text: string, tables: string[]): boolean | 'jdbi' {
  if (site.api === 'mybatis') {
    // The statement's own `<select …>` tag: the last one that starts at or before the site (whose span may start on it).
    const from = Math.max(0, site.span.start - 2000);
    const tags = [...text.slice(from, site.span.start + 1000).matchAll(/<select\b[^>]*>/gi)].filter((m) => from + m.index <= site.span.start);
    const tag = tags[tags.length - 1]?.[0];
    if (!tag) return false;
    if (/\bresultMap\s*=/.test(tag)) return true;
    const type = /\bresultType\s*=\s*"([^"]+)"/.exec(tag)?.[1];
    return !!type && !NOT_A_MODEL.test(type.split('.').pop()!) && !NOT_A_MODEL.test(type);
  }
  if (site.language === 'java') {
    const sig = /^[^;{]*?\)\s*(?:public\s+|default\s+)?([\w.]+(?:<[\w.<>,\s?]+>)?)\s+\w+\s*\(/.exec(text.slice(site.span.end, site.span.end + 400));
    // JDBI 3 SQL objects: `@SqlQuery("SELECT * …") List<JobRow> find(…)` returns what its registered row mapper makes.
    if (sig && /@SqlQuery\s*\(\s*$/.test(text.slice(Math.max(0, site.span.start - 200), site.span.start).replace(/\{\s*$/, ''))) return 'jdbi';
    // Spring Data: a native `@Query` on a repository method that returns the entity named for the table (`TsKvEntity`,
    // `List<TsKvEntity>` for ts_kv; `EventEntity` for events), which JPA maps column by column. Another entity (`TbResourceInfoEntity` over
    // resource) is a projection that maps some of them: judged.
    if (sig && site.api === 'spring.@Query' && tables.length === 1) {
      const entity = (/^(?:[\w.]*\.)?(?:List|Set|Collection|Optional|Page|Slice|Stream)<\s*([\w.]+)\s*>$/.exec(sig[1])?.[1] ?? sig[1]).split('.').pop()!;
      const named = entity.replace(/(?:Entity|Record|Row)$/, '').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
      const table = tables[0].replace(/"/g, '').split('.').pop()!.toLowerCase();
      // The table's name is the entity's, in the singular or the plural (`Event` for events).
      // So is an entity named for the table after a qualifier of its own (`TimescaleTsKvEntity` for ts_kv: the Timescale
      // variant of the same mapping; rules-k, ThingsBoard). A word after the table's name (`TbResourceInfoEntity` over
      // resource) names a projection, which is judged.
      return [named, `${named}s`, `${named}es`].includes(table) || named.endsWith(`_${table}`) || named.endsWith(`_${table.replace(/e?s$/, '')}`);
    }
    // Hibernate/JPA: the statement run as a native query given its entity class (`createNativeQuery(sql, Job.class)`,
    // `.addEntity(Job.class)`) or through the app's own typed native-query helper (`nativeSynchronizedTypedQuery(sql)`,
    // which passes the store's entity class): the entity maps the table's columns one by one (issue 14, rules-s: DHIS2's
    // stores). Over one table only; an unqualified star over a join is still judged, as for JDBI.
    const inline = /createNativeQuery\s*\(\s*"*$/.test(text.slice(Math.max(0, site.span.start - 100), site.span.start)) && /^"*\s*,\s*[A-Z][\w.]*\.class\b/.test(text.slice(site.span.end, site.span.end + 200));
    if (tables.length === 1 && (inline || TYPED_NATIVE_QUERY.test(afterStatement(text, site.span.end)))) return true;
    if (!sig || !/@Select\s*\(\s*$/.test(text.slice(Math.max(0, site.span.start - 200), site.span.start).replace(/\{\s*$/, ''))) return false;
    // `List<Event>`, `Optional<Event>` → Event; `Map<String, Object>` → Map (no model).
    const inner = (/^(?:[\w.]*\.)?(?:List|Set|Collection|Optional|Page|IPage)<\s*([\w.]+)\s*>$/.exec(sig[1])?.[1] ?? sig[1]).replace(/<.*$/s, '').split('.').pop()!;
    return /^[A-Z]/.test(inner) && !NOT_A_MODEL.test(inner);
  }
  if (site.language === 'go') return goScannedIntoStruct(text, site);
  // JavaScript/TypeScript: the call's rows handed straight to a model's constructor (`.then(map(construct(Actor)))`,
  // `.then((row) => new Actor(row))`, `.then(Actor.fromRow)`): the model holds the table's columns, as an entity does
  // (rules-u: ODK Central's frames). Over one table only.
  if ((site.language === 'javascript' || site.language === 'typescript') && tables.length === 1) {
    if (JS_MODEL_CONSTRUCTOR.test(text.slice(site.span.end, site.span.end + 200))) return true;
    // Kept in a const first (`const query = sql`…``) and run later (`maybeOne(query).then(map(construct(Form)))`, rules35:
    // ODK Central's forms by actee): any run of it that hands the rows to a model's constructor.
    const name = JS_KEPT_IN.exec(text.slice(Math.max(0, site.span.start - 120), site.span.start))?.[1];
    if (!name) return false;
    const later = text.slice(site.span.end, site.span.end + 2000);
    const use = new RegExp(`\\(\\s*${name.replace(/\$/g, '\\$')}\\b`, 'g');
    for (let m = use.exec(later); m; m = use.exec(later)) if (JS_MODEL_CONSTRUCTOR.test(later.slice(m.index + m[0].length, m.index + m[0].length + 200))) return true;
  }
  return false;
}

/** `const query = sql` just before a statement's text: the name it is kept in. */
const JS_KEPT_IN = /\bconst\s+([A-Za-z_$][\w$]*)\s*=\s*(?:[\w$.]*\bsql)?\s*$/;

/** Right after a statement's text: the end of its call, then `.then(` giving the rows to a model's constructor. */
const JS_MODEL_CONSTRUCTOR = /^[`'"]?\s*\)\s*\.\s*then\s*\(\s*(?:map\s*\(\s*)?(?:construct\s*\(\s*[A-Z]\w*\s*\)|(?:\(?\s*\w+\s*\)?\s*=>\s*)?new\s+[A-Z]\w*\s*\(|[A-Z]\w*\s*\.\s*(?:from\w*|of|parse)\b)/;

/**
 * Go: the rows are scanned whole into structs — beego's `o.Raw(sql, …).QueryRows(&recs)`, sqlx's `db.Select(&recs, sql, …)`
 * / `Get(&rec, …)`, GORM's `Raw(sql).Scan(&recs)` — whose destination the function declares as a struct, a pointer to one
 * or a slice of them (`recs := make([]*VulnerabilityRecord, 0)`, `var repos []*model.RepoRecord`), not a slice of ids or a map.
 */
function goScannedIntoStruct(text: string, site: SqlSite): boolean {
  const after = afterStatement(text, site.span.end);
  const scan = /\.(?:QueryRows?|Select|Get|Scan|Find)\(\s*&([A-Za-z_]\w*)/.exec(after);
  const dest = scan?.[1];
  if (!scan || !dest) return false;
  const before = text.slice(Math.max(0, site.span.start - 1500), site.span.start) + after.slice(0, scan.index);
  const decl = new RegExp(`\\b(?:var\\s+${dest}\\s+|${dest}\\s*:?=\\s*(?:make\\(\\s*)?&?)(?:\\[\\]\\*?|\\*)?([\\w.]+)`).exec(before)?.[1];
  const type = decl?.split('.').pop();
  return !!type && /^[A-Z]/.test(type) && !NOT_A_MODEL.test(type);
}
