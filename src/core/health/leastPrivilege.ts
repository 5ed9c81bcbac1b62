/**
 * The least-privilege role for an application: from the tables and operations its statements use
 * (SQL discovery in the code, or, without code, the table statistics), the CREATE ROLE and GRANT
 * statements that give exactly those privileges. Pure.
 */
import { parseSql } from '../sql/parse';
import { tableOperations, type Op } from '../sql/tableOperations';
import { qualifiedName, quoteIdent } from '../sql/ident';
import { countOf, escapeRe } from '../format';
import type { CodeContext } from '../codeContext';
import { BATCH_LOAD_WORDS, batchLoad, writeTarget, type WriteEntry } from '../advice/workload';
import type { SequenceFact, TableUsage, UsageApart, WritesLeftOut } from './types';

/** Merge the operations of many statements into one usage per table (unqualified names resolved to `defaultSchema`). */
export function usageFromStatements(sqls: Iterable<string>, defaultSchema = 'public'): TableUsage[] {
  const byTable = new Map<string, TableUsage>();
  for (const sql of sqls) {
    for (const o of tableOperations(sql) ?? []) {
      const schema = o.schema || defaultSchema;
      const key = `${schema}\u0000${o.table}`;
      const u = byTable.get(key) ?? { schema, table: o.table, select: false, insert: false, update: false, delete: false };
      u[o.op] = true;
      byTable.set(key, u);
    }
  }
  return [...byTable.values()].sort((a, b) => a.schema.localeCompare(b.schema) || a.table.localeCompare(b.table));
}

const WRITE_KINDS = ['insert', 'update', 'delete'] as const;
type WriteKind = (typeof WRITE_KINDS)[number];

/**
 * The table statistics' usage with each write kind kept only where a statement does it: `statements` are the texts of the
 * application's statements (pg_stat_statements' top-level ones, PG Lens's own left out). The write counters also count a
 * foreign key's ON DELETE/UPDATE actions (run as the table's owner: the application needs no privilege for them) and the
 * rows of rolled-back transactions (an Explain Analyze's "run it, then roll back"), so a kind only they show is left out,
 * and listed. An unqualified name in a statement stands for that table in any schema; a text that does not parse keeps
 * the counted writes of every table it names (it may be the one that writes it). Reads are kept as counted.
 *
 * A statement given with its calls and rows that is a load (core/advice/workload batchLoad, the index advice's judgement,
 * on its target's rows now in `tableRows`, keyed `schema.table`) — a psql backfill, an import: a few runs each writing a
 * large share of the table — is no write of the application's either: a kind only loads did is left out, and listed
 * with the loads' runs and rows (issue 20, person49 L-7: two `INSERT … SELECT` of 10,000 orders granted INSERT on orders).
 */
export function corroborateWrites(counted: readonly TableUsage[], statements: Iterable<string | WriteEntry>, tableRows?: ReadonlyMap<string, number>): { tables: TableUsage[]; leftOut: WritesLeftOut[] } {
  const texts: string[] = [];
  const loads = new Map<string, { kinds: Set<WriteKind>; statements: number; calls: number; rows: number }>();
  for (const st of statements) {
    if (typeof st === 'string') {
      texts.push(st);
      continue;
    }
    const target = writeTarget(st.query);
    if (!target || !batchLoad(st.calls, st.rows, tableRows?.get(`${target.schema}.${target.table}`))) {
      texts.push(st.query);
      continue;
    }
    for (const u of usageFromStatements([st.query], '')) {
      const key = `${u.schema}\u0000${u.table}`;
      const l = loads.get(key) ?? { kinds: new Set<WriteKind>(), statements: 0, calls: 0, rows: 0 };
      for (const k of WRITE_KINDS) if (u[k]) l.kinds.add(k);
      if (u.table === target.table) {
        l.statements++;
        l.calls += st.calls;
        l.rows += st.rows;
      }
      loads.set(key, l);
    }
  }
  const said = new Map(usageFromStatements(texts.filter((t) => tableOperations(t) !== undefined), '').map((u) => [`${u.schema}\u0000${u.table}`, u]));
  const unread = texts.filter((t) => tableOperations(t) === undefined).map((t) => t.toLowerCase());
  const named = (table: string) => {
    const re = new RegExp(`(^|[^a-z0-9_$])"?${escapeRe(table.toLowerCase())}"?($|[^a-z0-9_$])`);
    return unread.some((t) => re.test(t));
  };
  const tables: TableUsage[] = [];
  const leftOut: WritesLeftOut[] = [];
  for (const u of counted) {
    const exact = said.get(`${u.schema}\u0000${u.table}`);
    const bare = said.get(`\u0000${u.table}`);
    const unparsed = WRITE_KINDS.some((k) => u[k]) && named(u.table);
    const kept: TableUsage = { ...u };
    const dropped = WRITE_KINDS.filter((k) => u[k] && !exact?.[k] && !bare?.[k] && !unparsed);
    for (const k of dropped) kept[k] = false;
    const load = loads.get(`${u.schema}\u0000${u.table}`) ?? loads.get(`\u0000${u.table}`);
    const byLoad = dropped.filter((k) => load?.kinds.has(k));
    const other = dropped.filter((k) => !load?.kinds.has(k));
    if (other.length) leftOut.push({ schema: u.schema, table: u.table, kinds: other });
    if (byLoad.length && load) leftOut.push({ schema: u.schema, table: u.table, kinds: byLoad, load: { statements: load.statements, calls: load.calls, rows: load.rows } });
    if (kept.select || kept.insert || kept.update || kept.delete) tables.push(kept);
  }
  return { tables, leftOut };
}

/**
 * Tables and operations of many sources merged into one usage per table (an operation any source needs is kept; `inCode` if
 * any says so). The places of each write are merged; a write a source does without places (the statistics) is `unplaced`.
 */
export function mergeUsage(...lists: readonly (readonly TableUsage[])[]): TableUsage[] {
  const byTable = new Map<string, TableUsage>();
  for (const list of lists)
    for (const u of list) {
      const key = `${u.schema}\u0000${u.table}`;
      const m = byTable.get(key) ?? { schema: u.schema, table: u.table, select: false, insert: false, update: false, delete: false };
      m.select ||= u.select;
      m.insert ||= u.insert;
      m.update ||= u.update;
      m.delete ||= u.delete;
      if (u.inCode) m.inCode = true;
      for (const k of WRITE_KINDS) {
        if (!u[k]) continue;
        const at = u.places?.[k];
        if (at?.length) (m.places ??= {})[k] = [...new Set([...(m.places?.[k] ?? []), ...at])].sort(byPlace);
        if (!at?.length || u.unplaced?.includes(k)) m.unplaced = [...new Set([...(m.unplaced ?? []), k])];
      }
      byTable.set(key, m);
    }
  // Said only beside places (a usage none of whose sources know places keeps its shape).
  for (const m of byTable.values()) {
    const unplaced = m.unplaced?.filter((k) => m.places?.[k]?.length);
    if (unplaced?.length) m.unplaced = unplaced;
    else delete m.unplaced;
  }
  return [...byTable.values()].sort((a, b) => a.schema.localeCompare(b.schema) || a.table.localeCompare(b.table));
}

/** `file:line` places in file order, then line order. */
function byPlace(a: string, b: string): number {
  const [fa, la] = splitPlace(a);
  const [fb, lb] = splitPlace(b);
  return fa.localeCompare(fb) || la - lb;
}

function splitPlace(p: string): [string, number] {
  const m = /^(.*):(\d+)$/.exec(p);
  return m ? [m[1], Number(m[2])] : [p, 0];
}

/** The usage with each of its writes said to be done at `place` (`file:line`, or a file). */
export function placedUsage(usage: readonly TableUsage[], place: string): TableUsage[] {
  return usage.map((u) => {
    const kinds = WRITE_KINDS.filter((k) => u[k]);
    return kinds.length ? { ...u, places: Object.fromEntries(kinds.map((k) => [k, [place]])) } : u;
  });
}

/**
 * The usage of a query builder's calls that name their table (`knex('favorites').where(…).del()`, findBuilderTableCalls):
 * a write's WHERE or RETURNING reads the table too, so UPDATE and DELETE come with SELECT. `schema.table` and
 * `table as alias` are read as written; unqualified names resolve to `defaultSchema`.
 */
export function usageFromBuilderCalls(calls: Iterable<{ table: string; ops: readonly Op[] }>, defaultSchema = 'public'): TableUsage[] {
  const out: TableUsage[] = [];
  for (const c of calls) {
    const name = c.table.trim().replace(/\s+as\s+\S+$/i, '').replace(/\s+\S+$/, '').trim();
    const m = /^(?:"?([^".\s]+)"?\.)?"?([^".\s]+)"?$/.exec(name);
    if (!m) continue;
    const u: TableUsage = { schema: m[1] ?? defaultSchema, table: m[2], select: false, insert: false, update: false, delete: false };
    for (const op of c.ops) u[op] = true;
    if (u.update || u.delete) u.select = true;
    out.push(u);
  }
  return mergeUsage(out);
}

/** Code contexts that are the application running (core/codeContext): their statements are the app role's privileges. */
const APPLICATION_CONTEXTS: ReadonlySet<CodeContext> = new Set(['request', 'job']);

/**
 * The app role's usage from the code, and apart what only seeds, migrations, tests and one-off scripts do (person42 M2:
 * a seed's INSERTs granted INSERT on every table, and its catalog query `SELECT … FROM pg_class` a SELECT). Each usage
 * comes with the context of the file it is in; a table or kind only those use is listed apart, with their contexts.
 * Unqualified names keep schema '' (resolved against the catalog by the caller).
 */
export function applicationUsage(parts: readonly { usage: readonly TableUsage[]; context: CodeContext }[]): { tables: TableUsage[]; apart: UsageApart[] } {
  const tables = mergeUsage(...parts.filter((p) => APPLICATION_CONTEXTS.has(p.context)).map((p) => p.usage));
  const mine = new Map(tables.map((u) => [`${u.schema}\u0000${u.table}`, u]));
  const apart = new Map<string, UsageApart>();
  for (const p of parts) {
    if (APPLICATION_CONTEXTS.has(p.context)) continue;
    for (const u of p.usage) {
      const key = `${u.schema}\u0000${u.table}`;
      const kinds = (['select', 'insert', 'update', 'delete'] as const).filter((k) => u[k] && !mine.get(key)?.[k]);
      if (!kinds.length) continue;
      const a = apart.get(key) ?? { schema: u.schema, table: u.table, kinds: [], contexts: [] };
      for (const k of kinds) if (!a.kinds.includes(k)) a.kinds.push(k);
      if (!a.contexts.includes(p.context)) a.contexts.push(p.context);
      apart.set(key, a);
    }
  }
  const order = ['select', 'insert', 'update', 'delete'];
  for (const a of apart.values()) a.kinds.sort((x, y) => order.indexOf(x) - order.indexOf(y));
  return { tables, apart: [...apart.values()].sort((a, b) => a.schema.localeCompare(b.schema) || a.table.localeCompare(b.table)) };
}

/**
 * CREATE ROLE … NOLOGIN-free script: the role, CONNECT on the database, USAGE on the schemas,
 * the table privileges, and USAGE on the sequences that feed the inserted tables. The password is
 * set afterwards (\password in psql), never written here.
 */
export function leastPrivilegeScript(opts: { role: string; database: string; usage: readonly TableUsage[]; sequences: readonly SequenceFact[]; writesLeftOut?: readonly WritesLeftOut[]; apart?: readonly UsageApart[] }): string[] {
  const role = quoteIdent(opts.role);
  const out = [`CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;`, `GRANT CONNECT ON DATABASE ${quoteIdent(opts.database)} TO ${role};`];
  const schemas = [...new Set(opts.usage.map((u) => u.schema))].sort();
  for (const s of schemas) out.push(`GRANT USAGE ON SCHEMA ${quoteIdent(s)} TO ${role};`);
  for (const u of opts.usage) {
    const privs = (['select', 'insert', 'update', 'delete'] as const).filter((p) => u[p]).map((p) => p.toUpperCase());
    if (!privs.length) continue;
    out.push(...fewPlacesComments(u));
    out.push(`GRANT ${privs.join(', ')} ON ${qualifiedName(u.schema, u.table)} TO ${role};`);
  }
  const inserted = new Set(opts.usage.filter((u) => u.insert).map((u) => `${u.schema}\u0000${u.table}`));
  for (const s of opts.sequences) {
    if (s.ownedBy && inserted.has(`${s.ownedBy.schema}\u0000${s.ownedBy.table}`)) out.push(`GRANT USAGE ON SEQUENCE ${qualifiedName(s.schema, s.name)} TO ${role};`);
  }
  if (opts.writesLeftOut?.length) out.push(...writesLeftOutComment(opts.writesLeftOut));
  if (opts.apart?.length) out.push(apartComment(opts.apart));
  return out;
}

/** A write privilege the code does in at most this many places is named with them (fewPlacesComments). */
const FEW_PLACES = 2;

/**
 * A comment line per write privilege of the table that only a few places of the code need ("-- DELETE on public.orders:
 * only queries.sql:3 uses it"): a write grant is a real privilege, and a scratch file's one-off DELETE at the workspace
 * root reads as the application's (person43 L5) — the reader decides. Said when the table statistics counted it too.
 */
function fewPlacesComments(u: TableUsage): string[] {
  return WRITE_KINDS.flatMap((k) => {
    const at = u.places?.[k];
    if (!u[k] || !at?.length || at.length > FEW_PLACES) return [];
    const who = at.length === 1 ? `${at[0]} uses it` : `${at.join(' and ')} use it`;
    const counted = u.unplaced?.includes(k) ? ' in the code (the statistics counted it too)' : '';
    return [`-- ${k.toUpperCase()} on ${qualifiedName(u.schema, u.table)}: only ${who}${counted}; leave it out if that is not the application's.`];
  });
}

const CONTEXT_NAMES: Record<CodeContext, string> = { request: 'request handlers', job: 'jobs', seed: 'seeds', migration: 'migrations', test: 'tests', script: 'one-off scripts' };

/** The script's comment line naming what only seeds, migrations, tests or scripts use, and why the app role does not get it. */
function apartComment(list: readonly UsageApart[]): string {
  const shown = list.slice(0, 12).map((a) => `${qualifiedName(a.schema || 'public', a.table)} (${a.kinds.map((k) => k.toUpperCase()).join(', ')})`);
  const more = list.length > shown.length ? `, and ${list.length - shown.length} more` : '';
  const contexts = [...new Set(list.flatMap((a) => a.contexts))].map((c) => CONTEXT_NAMES[c]);
  return `-- Not granted: ${shown.join(', ')}${more}. Only the code's ${contexts.join(', ')} use these, not the application: run them as the schema's owner, or add the privilege back if the application does that too.`;
}

/** The script's comment lines naming the statistics' writes no statement does (and those only a load did), and why they are left out. */
function writesLeftOutComment(all: readonly WritesLeftOut[]): string[] {
  const name = (w: WritesLeftOut) => `${qualifiedName(w.schema, w.table)} (${w.kinds.map((k) => k.toUpperCase()).join(', ')})`;
  const shown = (list: readonly WritesLeftOut[], each: (w: WritesLeftOut) => string) => `${list.slice(0, 12).map(each).join(', ')}${list.length > 12 ? `, and ${list.length - 12} more` : ''}`;
  const out: string[] = [];
  const list = all.filter((w) => !w.load);
  if (list.length)
    out.push(
      `-- Not granted: ${shown(list, name)}. The table statistics counted these writes, but no statement pg_stat_statements holds does them: ` +
        'a foreign key’s ON DELETE/ON UPDATE action (it runs as the table’s owner), a rolled-back run (PG Lens’s Explain Analyze from any window or process too), ' +
        'or a statement no longer in pg_stat_statements, a trigger or a function writing it. Add the privilege back if the application does that.',
    );
  const loads = all.filter((w) => w.load);
  if (loads.length)
    out.push(
      `-- Not granted: ${shown(loads, (w) => `${name(w)} — ${countOf(w.load!.statements, 'statement')} run ${countOf(w.load!.calls, 'time')}, ${w.load!.rows.toLocaleString('en-US')} rows`)}. ` +
        `Only a bulk load wrote these (${BATCH_LOAD_WORDS}, as the index advice judges a load): a backfill or an import run by hand, not the application's steady writes. ` +
        'Run loads as the table’s owner, or add the privilege back if the application does that.',
    );
  return out;
}

/**
 * Which of `columns` of schema.table one SQL text reads (`*` reads them all), or [] when it does not
 * read the table. Column references are matched by name (qualified or not) in statements that read the table.
 */
export function columnsRead(sql: string, schema: string, table: string, columns: readonly string[], defaultSchema = 'public'): string[] {
  const ops = tableOperations(sql);
  if (!ops?.some((o) => o.table === table && (o.schema || defaultSchema) === schema && o.op === 'select')) return [];
  const parsed = parseSql(sql);
  if (!parsed.ok) return [];
  const wanted = new Set(columns);
  const hit = new Set<string>();
  const walk = (n: any, depth: number): void => {
    if (!n || typeof n !== 'object' || depth > 200) return;
    if (Array.isArray(n)) {
      for (const x of n) walk(x, depth + 1);
      return;
    }
    if (n.type === 'ref') {
      if (n.name === '*') for (const c of columns) hit.add(c);
      else if (wanted.has(n.name)) hit.add(n.name);
    }
    for (const [k, v] of Object.entries(n)) if (k !== '_location' && v && typeof v === 'object') walk(v, depth + 1);
  };
  walk(parsed.statements, 0);
  return columns.filter((c) => hit.has(c));
}
