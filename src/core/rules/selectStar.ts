/**
 * select-star: `SELECT *` in application code, reported on evidence that it costs something or risks a bug (the
 * policy in docs/rules/select-star.md): large (TOASTed) columns, duplicate column names from a join, or a column
 * order the statement depends on (`INSERT … SELECT *`, `CREATE VIEW … AS SELECT *`). With catalog facts the rule
 * judges the first two itself and offers the explicit column list as a fix; without them it reports a candidate that
 * the rules analyzer judges on the project's schema files and the code around the statement (selectStarEvidence.ts).
 */
import { conjunctsOf, ctesOf, equalitiesOf, ident, intValue, tablesOf, type Node, type TableRef } from './ast';
import { declaredUniqueColumn } from '../sql/declaredIndexes';
import type { Rule } from './types';
import type { TableFacts } from '../catalogFacts';

const MODEL_APIS = /^(activerecord\.find_by_sql|django\.raw)$/;
/** `services/backups_v2/exporter.py`, `lib/db_dump.rb`, `backup.go`: code that copies whole rows. */
const BACKUP_PATH = /(^|[/_.-])(backups?|dumps?|dumper)([/_.-]|v?\d*\/)/i;

/**
 * Values that are large by kind and TOASTed (out of line, compressed): each one read is more I/O than a scalar. Arrays
 * too (`_…`). Plain `text` is not among them: most text columns hold a name or an email, and the schema says nothing of
 * their length.
 */
const LARGE_VALUE_TYPES = new Set(['bytea', 'json', 'jsonb', 'xml', 'tsvector']);
const isLarge = (typeName: string) => LARGE_VALUE_TYPES.has(typeName) || typeName.startsWith('_');

export const selectStar: Rule = {
  id: 'select-star',
  defaultSeverity: 'info',
  description: 'SELECT * in application code where the code shows a cost or a risk (a subset of the row used, duplicate names, large columns never read, column order); list the columns.',
  appCodeOnly: true,
  check(ctx) {
    // Rows that become model objects (ActiveRecord find_by_sql, Django Model.objects.raw): the model wants
    // every column, and a column left out is loaded later, one query per object.
    // The same for an app's own helper that is given the model class (`db.fetchone(sql, values, model=Wallet)`).
    if (MODEL_APIS.test(ctx.site.api) || ctx.site.rowModel) return [];
    // Backup and dump code copies whole rows: every column, whatever the table holds, is the point.
    if (BACKUP_PATH.test(ctx.site.file ?? '')) return [];
    let s = ctx.statement as Node;
    // `INSERT INTO archive SELECT * FROM jobs …`, `CREATE VIEW v AS SELECT * FROM t`: the statement depends on the
    // table's column order (or freezes its column list when the view is made) — a bug when a column is added.
    if (s.type === 'insert' || s.type === 'create view' || s.type === 'create materialized view') {
      const query = (s.type === 'insert' ? s.insert : s.query) as Node | undefined;
      const star = query?.type === 'select' ? (query.columns ?? []).find((c: Node) => c.expr?.type === 'ref' && c.expr.name === '*') : undefined;
      if (!star) return [];
      // `CREATE VIEW "{alias}" AS SELECT * FROM "{main}"`: every table the star reads is named at run time (a spliced
      // identifier: a user's datastore table, a partition). The code cannot list columns it does not know; the view is
      // an alias of whatever the table holds (rules-n: CKAN's datastore aliases).
      const from = (query!.from ?? []) as Node[];
      const runTime = (t: Node) => t?.type === 'table' && ctx.site.params.some((p) => p.spliced && t.name?.name === `$${p.index}`);
      if (from.length && from.every(runTime)) return [];
      const view = s.type !== 'insert';
      // The two tables' names, when the star reads one table: the analyzer drops the finding when the file creates one of
      // them as a copy of the other (`CREATE TEMP TABLE staging (LIKE target)`): the same columns in the same order.
      const into = s.type === 'insert' ? (s.into as Node | undefined)?.name : undefined;
      const source = from.length === 1 && from[0]?.type === 'table' ? from[0].name?.name : undefined;
      return [
        ctx.report({
          at: star.expr,
          message: view
            ? 'SELECT * in a view is expanded once, when the view is created: a column added to the table later is not in the view, and a dropped one breaks it; list the columns.'
            : 'INSERT … SELECT * matches columns by position: adding or reordering a column of either table silently writes values into the wrong column (or fails); list the columns.',
          help: 'Name the columns on both sides, so the statement does not depend on the tables\' column order.',
          evidence: { coupling: view ? 'view' : 'insert-select', ...(into && source ? { insertInto: String(into), selectFrom: String(source) } : {}) },
        }),
      ];
    }
    const ctes = ctesOf(s);
    if (s.type === 'with') s = s.in;
    if (s?.type !== 'select') return [];
    // `SELECT * FROM participants WHERE id = $1 FOR UPDATE`: a row lock; which columns come back is beside the point.
    if (s.for) return [];
    // `*` over a CTE of the statement takes the columns the CTE chose, not a table's.
    const inScope = tablesOf(s).filter((t) => !(t.schema === undefined && ctes.has(String(t.name).toLowerCase())));
    // `a JOIN b USING (k)`: an unqualified star returns k once, merged; it is no duplicate name.
    const merged = (s.from ?? []).flatMap((f: Node) => (f.join?.using ?? []).map((u: Node) => String(u.name).toLowerCase()));
    const out = [];
    for (const col of s.columns ?? []) {
      const e = col.expr as Node;
      if (e?.type !== 'ref' || e.name !== '*') continue;
      const qualifier: string | undefined = e.table?.name;
      const refs: TableRef[] = qualifier ? inScope.filter((t) => t.alias === qualifier) : inScope;
      if (!refs.length && (s.from ?? []).length) continue;
      // The catalogs (`SELECT * FROM information_schema.tables WHERE …`, `sqlite_master`): an existence check on the
      // database's own views, not an application table whose shape changes.
      if (refs.length && refs.every(isCatalog)) continue;
      const facts = refs.map((t) => ctx.table(t.name, t.schema));
      const allKnown = refs.length > 0 && facts.every(Boolean);
      const known = facts.filter(Boolean) as TableFacts[];
      const columns = known.reduce((n, t) => n + t.columns.length, 0);
      const large = known.flatMap((t) => t.columns.filter((c) => isLarge(c.typeName)).map((c) => `${t.name}.${c.name} (${c.typeName})`));
      // `SELECT * FROM a JOIN b …`: a name both tables have comes back twice; a row read by name gets one of them.
      const duplicates = !qualifier && allKnown && known.length > 1 ? sharedNames(known.map((t) => t.columns.map((c) => c.name))).filter((c) => !merged.includes(c.toLowerCase())) : [];
      // With the catalog: a narrow row of scalars costs nothing worth a note.
      if (allKnown && !large.length && !duplicates.length) continue;
      // Subqueries in FROM (or functions) cannot be listed from the catalog.
      const onlyTables = (s.from ?? []).every((f: Node) => f.type === 'table');
      const fix = allKnown && onlyTables && known.length >= 1 ? columnListFix(ctx, e, refs, known, !!qualifier || refs.length > 1) : undefined;
      out.push(
        ctx.report({
          at: e,
          severity: allKnown ? 'warning' : undefined,
          message: allKnown
            ? `SELECT * reads all ${columns} columns${large.length ? `, including ${large.slice(0, 3).join(', ')}${large.length > 3 ? '…' : ''}` : ''}${duplicates.length ? `; ${duplicates.slice(0, 3).join(', ')} come${duplicates.length === 1 ? 's' : ''} back twice` : ''}; list only the columns the code uses.`
            : 'SELECT * in application code reads every column (large values too) and changes shape when the table does; list the columns the code uses.',
          help: 'Name the columns: less I/O and network for wide rows, index-only scans become possible, and a new column cannot break the code.',
          fixes: fix ? [fix] : [],
          evidence: allKnown
            ? { columns, largeColumns: large, ...(duplicates.length ? { duplicateColumns: duplicates } : {}) }
            : { tables: refs.map((t) => String(t.name)), ...(!qualifier && merged.length ? { mergedColumns: merged } : {}), ...oneRowEvidence(ctx, s, refs) },
        }),
      );
    }
    return out;
  },
};

/**
 * The statement's own sign that it fetches one row (the maintainers' decision on select-star, rules27: a subset read of
 * one narrow row costs a few bytes): `LIMIT 1`, or a WHERE that pins, by equality to a value, a column the schema files
 * declare unique (a primary key or a one-column UNIQUE) of its one table. The rules analyzer weighs it with the call that
 * runs it (`db.one(…)`, `.first()`) and the columns left unread (selectStarEvidence.ts).
 */
function oneRowEvidence(ctx: Parameters<Rule['check']>[0], s: Node, refs: TableRef[]): { oneRow?: string } {
  if (intValue(s.limit?.limit) === 1) return { oneRow: 'LIMIT 1' };
  if (refs.length !== 1 || (s.from ?? []).length !== 1 || s.groupby) return {};
  const t = refs[0];
  const key = equalitiesOf(conjunctsOf(s.where)).find((e) => (!e.column.table?.name || e.column.table.name === t.alias) && declaredUniqueColumn(ctx.declared, String(t.name), String(e.column.name)));
  return key ? { oneRow: `the unique key ${String(key.column.name)}` } : {};
}

/** Column names more than one of the tables has. */
export function sharedNames(tables: Iterable<string>[]): string[] {
  const seen = new Map<string, number>();
  for (const cols of tables) for (const c of new Set(cols)) seen.set(c, (seen.get(c) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([c]) => c);
}

function isCatalog(t: TableRef): boolean {
  const schema = t.schema?.toLowerCase();
  const name = String(t.name).toLowerCase();
  // Existence checks on the catalogs (`information_schema.tables`, `sqlite_master`); PostgreSQL's pg_* views are read
  // for their data (`SELECT * FROM pg_timezone_names`), where the note holds.
  return schema === 'information_schema' || (!schema && /^sqlite_(master|schema)$/.test(name));
}

function columnListFix(ctx: Parameters<Rule['check']>[0], star: Node, refs: TableRef[], facts: TableFacts[], qualify: boolean) {
  const names = refs.flatMap((r, i) => facts[i].columns.map((c) => (qualify ? `${ident(r.alias)}.${ident(c.name)}` : ident(c.name))));
  const loc = star._location!;
  const edit = ctx.replace(loc.start, loc.end, names.join(', '));
  return edit ? { title: `List the ${names.length} columns`, edits: [edit] } : undefined;
}

