/** Indexes: unused, duplicate, invalid, bloated; foreign keys without an index. */
import { finding, relationFix, worstFirst } from '../finding';
import { qualifiedName, quoteIdent } from '../../sql/ident';
import type { AdvisedIndexFact, ForeignKeyFact, HealthCheck, HealthFinding, IndexFact, UniqueKeyCheck } from '../types';
import { indexName, uniqueIndexName } from '../../advice/indexCandidates';
import { bloatFindings, estimateIndexBloat, staleStatisticsReported, statisticsOutdated } from './bloat';
import { countOf, formatBytes } from '../../format';

const indexRef = (i: IndexFact) => ({ kind: 'index' as const, schema: i.schema, name: i.name, table: i.table, oid: i.oid });
/** CREATE INDEX text from catalog facts (pg_get_indexdef would lock the index). Expressions shown once, where the first one sits. */
export function indexDefinition(i: Omit<IndexFact, 'definition'>): string {
  let exprShown = false;
  const render = (cols: number[], offset: number) =>
    cols.flatMap((c, k) => {
      if (c !== 0) return [quoteIdent(i.columnNames[offset + k] ?? `#${c}`)];
      if (exprShown || !i.expressions) return [];
      exprShown = true;
      return [`(${i.expressions})`];
    });
  const key = render(i.columns.slice(0, i.keyColumns), 0);
  const include = render(i.columns.slice(i.keyColumns), i.keyColumns);
  return `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(i.name)} ON ${qualifiedName(i.schema, i.table)} USING ${i.method} (${key.join(', ')})` +
    (include.length ? ` INCLUDE (${include.join(', ')})` : '') + (i.predicate ? ` WHERE ${i.predicate}` : '');
}

export const unusedIndex: HealthCheck = {
  id: 'unused-index',
  title: 'Unused indexes',
  category: 'indexes',
  summary: 'An index never scanned since the statistics were reset (not unique, not backing a constraint).',
  run(f, t) {
    if (f.statsAgeSeconds !== null && f.statsAgeSeconds < t.unusedIndexMinStatsAgeSeconds) return [];
    return worstFirst(f.indexes, (i) => i.scans === 0 && i.valid && !i.unique && !i.primary && !i.constraint && i.sizeBytes >= t.unusedIndexMinBytes, (i) => i.sizeBytes)
      .map((i) => finding(this, 'warning', `Index ${i.schema}.${i.name} on ${i.table} has never been used (${formatBytes(i.sizeBytes)}).`, {
        objects: [indexRef(i)],
        evidence: { scans: i.scans, sizeBytes: i.sizeBytes, definition: i.definition, statsAgeSeconds: f.statsAgeSeconds },
        ...relationFix('drop-index', i),
        help: 'Usage on replicas is counted separately: check them before dropping. Every index slows down writes.',
      }));
  },
};

/** Indexes grouped by their table (one pass; 30,000 indexes on a large schema). */
function indexesByTable(indexes: readonly IndexFact[]): Map<number, IndexFact[]> {
  const byTable = new Map<number, IndexFact[]>();
  for (const i of indexes) {
    const list = byTable.get(i.tableOid);
    if (list) list.push(i);
    else byTable.set(i.tableOid, [i]);
  }
  return byTable;
}

function opclassList(i: IndexFact): string[] {
  return i.opclasses.trim().split(/\s+/);
}

/** True when every lookup `a` serves, `b` serves too, so `a` can go. */
export function covers(b: IndexFact, a: IndexFact): boolean {
  if (a.oid === b.oid || a.tableOid !== b.tableOid || a.method !== b.method || !a.valid || !b.valid) return false;
  if ((a.predicate ?? '') !== (b.predicate ?? '') || (a.expressions ?? '') !== (b.expressions ?? '')) return false;
  const exact = a.keyColumns === b.keyColumns;
  // Only b-trees answer lookups on a leading prefix; other methods must match exactly.
  if (!exact && a.method !== 'btree') return false;
  if (a.keyColumns > b.keyColumns) return false;
  // Key columns first: on a large schema most pairs differ there, before any operator class is split out.
  for (let k = 0; k < a.keyColumns; k++) if (a.columns[k] !== b.columns[k]) return false;
  const aOps = opclassList(a);
  const bOps = opclassList(b);
  for (let k = 0; k < a.keyColumns; k++) if (aOps[k] !== bOps[k]) return false;
  // INCLUDE columns of a must be somewhere in b.
  for (const c of a.columns.slice(a.keyColumns)) if (!b.columns.includes(c)) return false;
  // A unique index enforces something; only an identical unique index replaces it.
  if (a.unique && !(exact && b.unique)) return false;
  if (a.constraint) return false;
  return true;
}

/**
 * Whether two of a table's indexes start with the same column (or both with an expression, column 0): covers() holds
 * only for such a pair, so a table without one is passed over — on 10,000 tables most are (dashboard bench: the
 * check took 42–73 ms of a health run's ~170 ms of CPU, sorting and comparing every table's indexes).
 */
function sharesLeadingColumn(list: readonly IndexFact[]): boolean {
  const seen = new Set<number>();
  for (const i of list) {
    if (seen.has(i.columns[0])) return true;
    seen.add(i.columns[0]);
  }
  return false;
}

/** Worth keeping first: more key columns, backs a constraint, unique, older (lower oid). */
function byWorth(x: IndexFact, y: IndexFact): number {
  return y.keyColumns - x.keyColumns || Number(!!y.constraint) - Number(!!x.constraint) || Number(y.unique) - Number(x.unique) || x.oid - y.oid;
}

/** Django's own apps' tables (django.contrib.auth and the django_* tables): made and changed by Django's migrations. */
const DJANGO_AUTH_TABLES = new Set(['auth_group', 'auth_group_permissions', 'auth_permission', 'auth_user', 'auth_user_groups', 'auth_user_user_permissions']);

/**
 * The framework whose own migrations own a table — not the app's: its indexes are what the framework made, and the app
 * has no migration that can change them (issue 20, person17 LOW 4: four duplicate-index warnings on Django's auth_*
 * tables, right but not actionable). Undefined for the app's tables.
 */
function frameworkOwner(table: string): string | undefined {
  if (DJANGO_AUTH_TABLES.has(table)) return "Django's django.contrib.auth";
  if (/^django_/.test(table)) return 'Django (or a Django app it installs)';
  return undefined;
}

export const duplicateIndex: HealthCheck = {
  id: 'duplicate-index',
  title: 'Duplicate indexes',
  category: 'indexes',
  summary: 'An index whose columns are the leading columns of another index on the same table (same method, operator classes, predicate).',
  run(f) {
    const out: HealthFinding[] = [];
    for (const list of indexesByTable(f.indexes).values()) {
      if (list.length < 2 || !sharesLeadingColumn(list)) continue;
      const dropped = new Set<number>();
      // Drop the least worth keeping first, and only in favour of an index that stays (the list is this run's own).
      const best = list.sort(byWorth);
      for (let j = best.length - 1; j >= 0; j--) {
        const a = best[j];
        const keeper = best.find((b) => !dropped.has(b.oid) && b.oid !== a.oid && covers(b, a));
        if (!keeper) continue;
        dropped.add(a.oid);
        // A framework's own table: right, but not the app's to fix — information, saying so.
        const owner = frameworkOwner(a.table);
        out.push(finding(this, owner ? 'info' : 'warning', `Index ${a.schema}.${a.name} is covered by ${keeper.name} on ${a.table}.${owner ? ` ${a.table} is a table of ${owner}: its indexes come from the framework's own migrations, so this is not actionable from the app (drop it by hand only if you accept the framework's next migration may expect it).` : ''}`, {
          objects: [indexRef(a), indexRef(keeper)],
          evidence: { index: a.definition, coveredBy: keeper.definition, sizeBytes: a.sizeBytes, scans: a.scans, ...(owner ? { ownedBy: owner } : {}) },
          ...relationFix('drop-index', a),
        }));
      }
    }
    return out;
  },
};

/**
 * The index a failed REINDEX INDEX CONCURRENTLY left, and of which index: PostgreSQL names the new copy `<name>_ccnew`
 * and, once swapped, the old one `<name>_ccold` (a digit added when the name is taken). Undefined for any other name.
 */
export function reindexLeftover(name: string): { of: string; kind: 'ccnew' | 'ccold' } | undefined {
  const m = /^(.+)_cc(new|old)\d*$/.exec(name);
  return m ? { of: m[1], kind: m[2] === 'new' ? 'ccnew' : 'ccold' } : undefined;
}

/** The key of an invalid unique index as the duplicates check found it, in words: "(product_id)=(42) on 3 rows, 5 keys in all". */
function duplicatesPhrase(c: UniqueKeyCheck): string {
  const n = c.duplicatedKeys ?? 0;
  const all = n >= c.limit ? `at least ${countOf(n, 'key')}` : countOf(n, 'key');
  return `${all} duplicated${c.example ? `, e.g. ${c.example} on ${countOf(c.exampleRows ?? 2, 'row')}` : ''}`;
}

export const invalidIndex: HealthCheck = {
  id: 'invalid-index',
  title: 'Invalid indexes',
  category: 'indexes',
  summary: 'An index marked invalid (a failed CREATE INDEX CONCURRENTLY or REINDEX): it costs writes and serves no reads.',
  run(f) {
    const checks = new Map((f.uniqueKeyChecks ?? []).map((c) => [c.oid, c]));
    return f.indexes
      .filter((i) => !i.valid)
      .map((i) => {
        const base = { definition: i.definition, sizeBytes: i.sizeBytes };
        const name = `${i.schema}.${i.name}`;
        // What a failed REINDEX CONCURRENTLY left: a copy, never the index itself (person45 H2: after the dashboard's
        // REINDEX of a failed unique index, order_items_bad_uq_ccnew sat beside it, also kept up on every write).
        const leftover = reindexLeftover(i.name);
        const original = leftover && f.indexes.find((o) => o.tableOid === i.tableOid && o.name === leftover.of);
        if (leftover && original) {
          const what = leftover.kind === 'ccnew'
            ? `the new copy a failed REINDEX INDEX CONCURRENTLY of ${original.name} left behind`
            : `the old copy of ${original.name} a REINDEX INDEX CONCURRENTLY left behind after it swapped in the new one`;
          return finding(this, 'error', `Index ${name} on ${i.table} is invalid: it is ${what}.`, {
            objects: [indexRef(i), indexRef(original)],
            evidence: { ...base, leftoverOf: original.name },
            ...relationFix('drop-index', i),
            help: `Drop it: it serves no reads and every write still maintains it. ${leftover.kind === 'ccnew' ? `${original.name} is as it was before the REINDEX.` : `${original.name} is the rebuilt index.`}`,
          });
        }
        const c = i.unique ? checks.get(i.oid) : undefined;
        if (c && c.duplicatedKeys !== null && c.duplicatedKeys > 0) {
          return finding(this, 'error', `Index ${name} on ${i.table} is invalid: it is UNIQUE and its key has duplicates (${duplicatesPhrase(c)}), so a REINDEX would fail the same way and leave a second invalid index.`, {
            objects: [indexRef(i)],
            // A count the check stopped at its limit is a lower bound, and says so wherever it is shown (person46 NEW-2:
            // the evidence table read "duplicated keys 100" where psql counted 4,000): the AtLeast key (health/types.ts).
            evidence: { ...base, ...(c.duplicatedKeys >= c.limit ? { duplicatedKeysAtLeast: c.duplicatedKeys } : { duplicatedKeys: c.duplicatedKeys }), ...(c.example ? { duplicateExample: c.example, duplicateExampleRows: c.exampleRows } : {}) },
            ...relationFix('drop-index', i),
            help: 'Drop it: it serves no reads and every write still maintains it. To have the unique index, remove the duplicated rows first, then CREATE UNIQUE INDEX CONCURRENTLY again.',
          });
        }
        const checked = !i.unique ? '' : !c ? ' Its key was not checked for duplicates.' : c.duplicatedKeys === 0 ? ' It is UNIQUE and its key has no duplicates now, so a REINDEX can build it.' : ` It is UNIQUE and its key was not checked for duplicates (${c.notChecked ?? 'not checked'}).`;
        const risk = i.unique && c?.duplicatedKeys !== 0 ? ' If the key has duplicates, a REINDEX fails the same way and leaves a second invalid index (<name>_ccnew): drop this one instead.' : '';
        return finding(this, 'error', `Index ${name} on ${i.table} is invalid.${checked}`, {
          objects: [indexRef(i)],
          evidence: { ...base, ...(c ? { duplicatedKeys: c.duplicatedKeys ?? 'not checked' } : {}) },
          ...relationFix('reindex-index', i),
          help: `Rebuild it, or drop it if it was a failed attempt you no longer want.${risk}`,
        });
      });
  },
};

/**
 * A unique b-tree whose key columns are all among the foreign key's columns: the check looks rows up by equality on
 * every key column, so the unique index finds at most one (issue 20, person16 LOW 11: trash's primary key (file_id)
 * serves the key (file_id, collection_id)).
 */
function uniqueWithin(i: IndexFact, fkColumns: number[]): boolean {
  const keys = i.columns.slice(0, i.keyColumns);
  return i.unique && i.method === 'btree' && keys.length > 0 && keys.every((c) => c !== 0 && fkColumns.includes(c));
}

/** The advised indexes a foreign key's fix may name (HealthFacts.advisedIndexes), from the advice's proved figures: the dashboard's and `pg-lens health`'s one path. */
export function advisedIndexFacts(proved: readonly { table: string; columns?: readonly string[]; ddl?: string }[]): AdvisedIndexFact[] {
  return proved.flatMap((x) => (x.ddl && x.columns?.length ? [{ table: x.table, columns: x.columns, ddl: x.ddl }] : []));
}

/**
 * The output channel's line for a decision of the foreign keys' fix advice, or undefined when it says what the last one
 * said (the same statements weighed, the same proved indexes, the same tables pending): the dashboard asks again at every
 * refresh, and a line a minute saying nothing new buried the log (person37 L12). `key` is what to compare next time.
 */
export function foreignKeyAdviceLine(lastKey: string | undefined, now: { statements: number; advisedIndexes: readonly AdvisedIndexFact[]; indexAdvicePending: readonly string[]; pendingWhy: readonly string[] }, seconds: number): { key: string; line?: string } {
  const key = JSON.stringify([now.statements, now.advisedIndexes.map((a) => a.ddl), now.indexAdvicePending, now.pendingWhy]);
  if (key === lastKey) return { key };
  const pending = now.indexAdvicePending.length ? `; not decided yet on ${now.indexAdvicePending.join(', ')} (${now.pendingWhy.join(', ')})` : '';
  return { key, line: `index advice for the foreign keys' fix: ${countOf(now.statements, 'statement')} decided in ${seconds.toFixed(1)} s; ${now.advisedIndexes.length} proved ${now.advisedIndexes.length === 1 ? 'index' : 'indexes'}${pending}` };
}

/**
 * The index a foreign key's fix creates: never a rival to the workspace's index advice (person30 L3: the fix block said
 * `CREATE INDEX CONCURRENTLY ON public.reviews (product_id);` while the hover, Problems, the CLI and the workload advised
 * reviews_product_id_created_at_desc_idx ON reviews (product_id, created_at DESC) — two overlapping indexes for a click).
 * An advised index on the table whose leading key columns are the foreign key's (in any order, no expression among
 * them) is the fix, its CREATE INDEX as the advice writes it; else an index of the key's columns named by the one naming
 * helper (indexName, unique among the schema's indexes) — but only once the advice on the table is decided (`pending`,
 * HealthFacts.indexAdvicePending): before, no fix, and the help says the advice is not ready (person33 M2).
 */
function foreignKeyIndexFix(fk: ForeignKeyFact, advised: readonly AdvisedIndexFact[], indexes: readonly IndexFact[], pending?: 'all' | readonly string[]): { sql?: string; help: string; advised?: string } {
  const n = fk.columnNames.length;
  const want = [...fk.columnNames].sort().join('\u0000');
  const plain = (c: string) => c.replace(/\s+(ASC|DESC)(\s+NULLS\s+(FIRST|LAST))?$/i, '').replace(/^"(.*)"$/, '$1');
  const onTable = (t: string) => t === fk.table || t === `${fk.schema}.${fk.table}` || (fk.schema === 'public' && t === `public.${fk.table}`);
  // The advice on this table is not decided yet: no fix until it is. Not even an advised index that serves the key: a
  // candidate not built yet may change it (person33's demo: orders (customer_id, total_cents) INCLUDE (…), advised for a
  // generated file's statements until orders (customer_id, placed_at DESC), shared with customers.ts, was proved on them).
  if (pending === 'all' || pending?.some(onTable)) {
    return { help: `Index advice for ${fk.schema}.${fk.table} not ready yet — the fix is shown when it is: the index advice may suggest a wider index on ${fk.table} that leads with (${fk.columnNames.join(', ')}), and that one serves the foreign key too.` };
  }
  const serves = advised.find((a) => onTable(a.table) && a.columns.length >= n && [...a.columns.slice(0, n)].map(plain).sort().join('\u0000') === want);
  if (serves) {
    const name = /^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?("(?:[^"]|"")*"|[^\s"]+)\s+ON\b/i.exec(serves.ddl)?.[1] ?? 'the advised index';
    return {
      sql: `${serves.ddl.replace(/;?\s*$/, '')};`,
      help: `The index advice's ${name} (${serves.columns.join(', ')}) leads with (${fk.columnNames.join(', ')}): it serves the foreign key too, so this is that index — not a narrower one beside it.`,
      advised: name,
    };
  }
  const taken = new Set(indexes.filter((i) => i.schema === fk.schema).map((i) => i.name));
  const name = uniqueIndexName(indexName({ table: fk.table, keys: fk.columnNames.map((c) => ({ sql: quoteIdent(c), label: c, column: c })), method: 'btree', where: undefined, include: [] }), taken);
  return {
    sql: `CREATE INDEX CONCURRENTLY ${quoteIdent(name)} ON ${qualifiedName(fk.schema, fk.table)} (${fk.columnNames.map(quoteIdent).join(', ')});`,
    // Not a rival to the index advice: any index that leads with these columns serves the key.
    help: `Any index whose leading columns are (${fk.columnNames.join(', ')}) serves the foreign key: when the index advice suggests a wider one on ${fk.table} that starts with them, that one does both.`,
  };
}

export const unindexedForeignKey: HealthCheck = {
  id: 'unindexed-foreign-key',
  title: 'Foreign keys without an index',
  category: 'indexes',
  summary: 'A foreign key whose columns are not the leading columns of any valid, non-partial index, nor covered by a unique index on some of its columns (deletes and updates on the referenced table scan this one).',
  run(f) {
    const byTable = indexesByTable(f.indexes);
    const out: HealthFinding[] = [];
    for (const fk of f.foreignKeys) {
      const n = fk.columns.length;
      const want = [...fk.columns].sort((a, b) => a - b).join(',');
      const indexed = (byTable.get(fk.tableOid) ?? []).some(
        (i) => i.valid && !i.predicate && ((i.keyColumns >= n && [...i.columns.slice(0, n)].sort((a, b) => a - b).join(',') === want) || uniqueWithin(i, fk.columns)),
      );
      if (indexed) continue;
      const fix = foreignKeyIndexFix(fk, f.advisedIndexes ?? [], f.indexes, f.indexAdvicePending);
      out.push(finding(this, fk.tableRows >= 10000 ? 'warning' : 'info', `Foreign key ${fk.name} on ${fk.schema}.${fk.table} (${fk.columnNames.join(', ')}) has no index.`, {
        // The table named beside the constraint is the one to index, and the rows are its rows: naming the
        // referenced table there read as "table public.products … table rows 24,000" with reviews' count.
        objects: [
          { kind: 'constraint', schema: fk.schema, name: fk.name, table: fk.table, oid: fk.oid },
          { kind: 'table', schema: fk.schema, name: fk.table },
        ],
        evidence: { table: `${fk.schema}.${fk.table}`, columns: fk.columnNames, references: `${fk.referencedSchema}.${fk.referencedTable}`, tableRows: fk.tableRows },
        fixSql: fix.sql ? [fix.sql] : [],
        help: fix.help,
      }));
    }
    return out;
  },
};

export const indexBloat: HealthCheck = {
  id: 'index-bloat',
  title: 'Index bloat (estimate)',
  category: 'maintenance',
  summary: 'A b-tree index whose size is well above what its rows need (ioguix-style estimate from pg_stats widths); none while a column has no statistics or they are older than the table\'s last big change.',
  run(f, t) {
    const tables = new Map(f.tables.map((x) => [x.oid, x]));
    return bloatFindings(this, 'Index', f.indexes, estimateIndexBloat, (i) => ({
      objects: [indexRef(i)],
      ...relationFix('reindex-index', i),
    }), f, t, (i) => {
      // A column without statistics gives no width (dataWidth null: no estimate; table-bloat names the columns).
      const table = tables.get(i.tableOid);
      if (!table || !statisticsOutdated(table)) return undefined;
      // Outdated statistics: no estimate; said only when the old figures would have made a finding.
      const e = estimateIndexBloat(i);
      if (!e || e.bloatBytes < t.bloatMinBytes || e.bloatShare < t.bloatMinShare || staleStatisticsReported(table, t)) return 'skip';
      return finding(this, 'info', `Index ${i.schema}.${i.name}: the statistics of its table ${table.schema}.${table.name} are older than its last ${table.modsSinceAnalyze.toLocaleString('en-US')} row changes, so its bloat is not estimated — run ANALYZE ${qualifiedName(table.schema, table.name)}, then look again.`, {
        objects: [indexRef(i)],
        evidence: { modsSinceAnalyze: table.modsSinceAnalyze, lastAnalyze: table.lastAnalyze, lastAutoanalyze: table.lastAutoanalyze },
        ...relationFix('analyze', table),
      });
    });  },
};
