/**
 * Which tables a SQL text reads and writes, and how: shared by the least-privilege script (core/health), the workload's
 * one-off-write reading (core/advice/workload) and the statement facts of db/workloadFacts. A SQL reading, not a health
 * check, so the editor's bundle can hold it without the health checks (scripts/checkBundle.ts). Pure.
 */
import { parseSql } from './parse';
import { ctesOf } from '../rules/ast';

export type Op = 'select' | 'insert' | 'update' | 'delete';

/**
 * The tables one SQL text reads and writes, with the operation on each (unqualified names keep
 * schema ''). Reads in subqueries, joins and CTEs count as SELECT; UPDATE/DELETE with a WHERE or
 * RETURNING also need SELECT on their target; INSERT … ON CONFLICT DO UPDATE needs UPDATE.
 * Undefined when the text does not parse.
 */
export function tableOperations(sql: string): { schema: string; table: string; op: Op }[] | undefined {
  const parsed = parseSql(sql);
  if (!parsed.ok) return undefined;
  const out: { schema: string; table: string; op: Op }[] = [];
  const ctes = new Set<string>();
  const add = (q: any, op: Op) => {
    if (!q?.name) return;
    if (!q.schema && ctes.has(String(q.name).toLowerCase())) return;
    out.push({ schema: q.schema ?? '', table: q.name, op });
  };
  const walk = (n: any, depth: number): void => {
    if (!n || typeof n !== 'object' || depth > 200) return;
    if (Array.isArray(n)) {
      for (const x of n) walk(x, depth + 1);
      return;
    }
    for (const name of ctesOf(n).keys()) ctes.add(name);
    if (n.type === 'table' && n.name?.name) add(n.name, 'select');
    if (n.type === 'insert') {
      add(n.into, 'insert');
      if (n.onConflict?.do?.sets) add(n.into, 'update');
      if (n.returning || n.onConflict) add(n.into, 'select');
    }
    if (n.type === 'update') {
      add(n.table, 'update');
      if (n.where || n.returning) add(n.table, 'select');
    }
    if (n.type === 'delete') {
      add(n.from, 'delete');
      if (n.where || n.returning) add(n.from, 'select');
    }
    for (const [k, v] of Object.entries(n)) if (k !== '_location' && v && typeof v === 'object') walk(v, depth + 1);
  };
  walk(parsed.statements, 0);
  return out;
}
