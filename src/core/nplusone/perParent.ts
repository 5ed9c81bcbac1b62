/**
 * Rows per parent from the database's own statistics (issue 14, "a parent's few children"): a loop over one
 * parent's children (loopSource.ts `children`: `GetApplicationsByUser(userID)`, `gist.Languages`, `WHERE group_id = $1`)
 * runs as many times as that parent has children, which the code does not say and the database does —
 * reltuples × (1 − null_frac) / distinct values of the child table's key column (pg_stats.n_distinct; negative: a
 * fraction of the rows). At or above the threshold the N+1 stays a warning with the figure; below it, info with the
 * figure. Pure: the facts are read by db/perParent.ts and passed in.
 */
import type { Finding } from '../findings';
import { RULE_ID } from './ruleId';
import type { NPlusOneEvidence } from './detect';
import type { LoopSource } from './loopSource';
import { ONE_OBJECT_POSSIBLE } from './loopEvidence';

/** Default pgLens.nPlusOne.manyPerParent: from this many rows per parent on, a loop over one parent's children is a warning. */
export const DEFAULT_MANY_PER_PARENT = 10;

/** What db/perParent.ts is asked: child table names (lower case, exact or as a suffix after `_`) and key column names (lower case). */
export interface PerParentLookup {
  tables: string[];
  suffixes: string[];
  columns: string[];
}

/** One candidate child table's key column, as the catalog holds it. */
export interface PerParentFact {
  schema: string;
  table: string;
  column: string;
  /** pg_class.reltuples (−1: never analysed). */
  reltuples: number;
  /** pg_stats.n_distinct (> 0 a count, < 0 minus the share of rows); undefined: no statistics for the column. */
  nDistinct?: number;
  nullFrac?: number;
}

/** Where a database's per-parent figures come from (db/perParent.ts reads pg_class and pg_stats). */
export interface PerParentSource {
  read(lookup: PerParentLookup): Promise<PerParentFact[]>;
}

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const singular = (s: string) => s.replace(/ies$/, 'y').replace(/(ses|xes)$/, (m) => m.slice(0, -2)).replace(/(?<!s)s$/, '');

function tableNames(src: LoopSource): { exact: string[]; suffix: string[] } {
  const out = new Set<string>();
  const child = src.children?.replace(/_set$/, '');
  if (child) {
    for (const base of [snake(child), child.toLowerCase()]) {
      const one = singular(base);
      for (const n of [base, one, `${one}s`, one.endsWith('y') ? `${one.slice(0, -1)}ies` : `${one}s`]) {
        out.add(n);
        // The parent's name before it: `webhook_events`, and Prisma's model names lower-cased (`WorkflowStep` for workflow.steps).
        if (src.parent) {
          out.add(`${snake(src.parent)}_${n}`);
          out.add(`${src.parent.toLowerCase()}${n.replace(/_/g, '')}`);
        }
      }
    }
  }
  const exact = [...out].filter((n) => /^[a-z_][a-z0-9_]*$/.test(n));
  // Django names a model's table <app>_<model>: `Setting` is `management_setting`.
  return { exact, suffix: child ? [...new Set([singular(child.toLowerCase()), singular(snake(child))])].filter((n) => /^[a-z][a-z0-9_]*$/.test(n)) : [] };
}

function columnNames(src: LoopSource): string[] {
  const out = new Set<string>();
  const add = (n: string) => {
    const l = n.toLowerCase();
    if (/^[a-z_][a-z0-9_]*$/.test(l)) out.add(l);
  };
  if (src.column) {
    add(src.column);
    add(snake(src.column));
    if (!/_?id$/i.test(src.column)) {
      add(`${snake(src.column)}_id`);
      add(`${src.column}id`);
    }
  } else if (src.parent) {
    add(`${snake(src.parent)}_id`);
    add(`${src.parent}id`);
  }
  return [...out];
}

/** The per-parent loops among the findings (loopSource `children` with a parent row, not the request). */
function childrenSource(f: Finding): LoopSource | undefined {
  if (f.ruleId !== RULE_ID) return undefined;
  const src = (f.evidence as unknown as NPlusOneEvidence | undefined)?.source;
  return src?.kind === 'children' && src.parent && src.parent !== 'the request' ? src : undefined;
}

/** What to ask the catalog for these findings' loops; undefined when none walks one parent's children. */
export function perParentLookup(findings: readonly Finding[]): PerParentLookup | undefined {
  const tables = new Set<string>();
  const suffixes = new Set<string>();
  const columns = new Set<string>();
  for (const f of findings) {
    const src = childrenSource(f);
    if (!src) continue;
    const t = tableNames(src);
    const c = columnNames(src);
    if ((!t.exact.length && !t.suffix.length) || !c.length) continue;
    t.exact.forEach((x) => tables.add(x));
    t.suffix.forEach((x) => suffixes.add(x));
    c.forEach((x) => columns.add(x));
  }
  return columns.size && (tables.size || suffixes.size) ? { tables: [...tables].slice(0, 500), suffixes: [...suffixes].slice(0, 200), columns: [...columns].slice(0, 500) } : undefined;
}

/** Rows per distinct non-null key value, or undefined when the statistics do not say (never analysed, no pg_stats row). */
export function rowsPerParent(fact: PerParentFact): number | undefined {
  if (!(fact.reltuples > 0) || fact.nDistinct === undefined || fact.nDistinct === 0 || !Number.isFinite(fact.nDistinct)) return undefined;
  const rows = fact.reltuples * (1 - Math.min(Math.max(fact.nullFrac ?? 0, 0), 1));
  const distinct = fact.nDistinct > 0 ? fact.nDistinct : -fact.nDistinct * fact.reltuples;
  return distinct > 0 ? rows / distinct : undefined;
}

function factFor(src: LoopSource, facts: readonly PerParentFact[]): PerParentFact | undefined {
  const t = tableNames(src);
  const cols = new Set(columnNames(src));
  const ok = facts.filter((f) => cols.has(f.column.toLowerCase()) && rowsPerParent(f) !== undefined);
  return ok.find((f) => t.exact.includes(f.table.toLowerCase())) ?? ok.find((f) => t.suffix.some((s) => f.table.toLowerCase().endsWith(`_${s}`) || f.table.toLowerCase().endsWith(`_${s}s`)));
}

/** "about 40", "about 2.5", "fewer than 1". */
function about(n: number): string {
  if (n < 1) return 'fewer than 1';
  return `about ${n >= 10 ? Math.round(n).toLocaleString('en-US') : (Math.round(n * 10) / 10).toString()}`;
}

/**
 * The findings with the database's figure: an N+1 warning over one parent's children keeps its warning at `threshold`
 * rows per parent or more, saying the figure ("Many per parent: about 40 rows per user in application — pg_stats"), and
 * becomes info with the figure below it. Findings without a matching table and column are unchanged, and a finding that
 * is not a warning (info for another reason: bounded by the code, another service first; capped by its code context
 * later) is never raised — but a loop over one object's members, info only because the code does not say how many
 * (ONE_OBJECT_POSSIBLE), takes the level the figure gives: the static part cannot tell a parent's few children from its many (n1-21's measure: 19 real
 * N+1s and 14 fine loops of the labelled corpora walk one parent's children), so only the database changes the level.
 */
export function applyPerParent(findings: readonly Finding[], facts: readonly PerParentFact[], threshold = DEFAULT_MANY_PER_PARENT): Finding[] {
  return findings.map((f) => {
    // A loop over one object's members is info only for want of this figure (oneObjectPossible): the figure decides it.
    const oneObject = f.severity === 'info' && f.message.startsWith(ONE_OBJECT_POSSIBLE);
    const src = f.severity === 'warning' || oneObject ? childrenSource(f) : undefined;
    const fact = src ? factFor(src, facts) : undefined;
    if (!src || !fact) return f;
    const n = rowsPerParent(fact)!;
    const figure = `${about(n)} row${n >= 1 && n < 1.05 ? '' : 's'} per ${src.parent} in ${fact.table} — pg_stats (${fact.table}.${fact.column}: reltuples / n_distinct)`;
    const evidence = { ...(f.evidence ?? {}), perParent: { rows: Math.round(n * 10) / 10, table: fact.table, column: fact.column, schema: fact.schema, threshold } };
    const message = oneObject ? f.message.slice(f.message.indexOf('confirm: ') + 'confirm: '.length) : f.message;
    if (n >= threshold) return { ...f, severity: 'warning', message: `${message} Many per parent: ${figure}.`, evidence };
    return { ...f, severity: 'info', message: `Possible N+1 — per ${src.parent}'s ${src.children ?? 'rows'}, ${figure}, below ${threshold}: ${message}`, evidence };
  });
}

/**
 * The findings with rows per parent from `source` (one catalog read for the whole scan). A failed read leaves the
 * findings as they were and says why through `onError` (one line).
 */
export async function withPerParent(findings: Finding[], source: PerParentSource, threshold = DEFAULT_MANY_PER_PARENT, onError?: (message: string) => void): Promise<Finding[]> {
  const lookup = perParentLookup(findings);
  if (!lookup) return findings;
  try {
    return applyPerParent(findings, await source.read(lookup), threshold);
  } catch (e) {
    onError?.(`rows per parent not read: ${e instanceof Error ? e.message : String(e)}`);
    return findings;
  }
}
